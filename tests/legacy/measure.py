"""Read the corpus and compare each form's record with the one written by hand in expected/<name>.json.

    python tests/legacy/measure.py          # the figures issue 17 asks for, per file and in total, per set

Five sets, reported apart: the corpus the importer was written with (forms/, expected/), a HELD-OUT set
(forms_holdout/, expected_holdout/) transcribed by someone who had not read the importer, from other
published layouts, with its records written before the importer first ran on it, and a SECOND, a THIRD and
a FOURTH held-out set (forms_holdout2/ … forms_holdout4/ and their expected_*/) made the same way later,
each from forms no earlier set uses. A held-out set's first-run figures are the honest estimate of how the
importer does on forms nobody tuned it for; `python tests/legacy/measure.py held-out-4` reports one set.

A value is right when the record has it, from the expected cell's form, equal to what the form shows
(numbers to 1e-6, rates to 4 decimals as printed 0.00%); wrong when the record has another value; missing
when the record has none; invented when the record read a value from a cell where the expectation has none.
For a computed field the printed value (`record.cached`) is what was read; a value the checks recompute but
no cell holds is not a read value and is not counted. Text is compared as every check compares it
(`normalize.compact`: full-width and look-alike glyphs as the plain ones, spaces and line breaks out), so
"≧90%" typed is "≥90%" and a name wrapped over two lines is the name. A 一级/二级 name the reader spells as the
spec's catalogue does ("成本" read as 成本指标, "服务对象满意度指标等" as 服务对象满意度指标, with an info finding,
for our own forms as for hand-made ones) is counted apart, as `renamed`: neither right nor wrong.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
FORMS = HERE / "forms"
EXPECTED = HERE / "expected"
HOLDOUT_FORMS = HERE / "forms_holdout"
HOLDOUT_EXPECTED = HERE / "expected_holdout"
HOLDOUT2_FORMS = HERE / "forms_holdout2"
HOLDOUT2_EXPECTED = HERE / "expected_holdout2"
HOLDOUT3_FORMS = HERE / "forms_holdout3"
HOLDOUT3_EXPECTED = HERE / "expected_holdout3"
HOLDOUT4_FORMS = HERE / "forms_holdout4"
HOLDOUT4_EXPECTED = HERE / "expected_holdout4"
SETS = {"corpus": (FORMS, EXPECTED), "held-out": (HOLDOUT_FORMS, HOLDOUT_EXPECTED),
        "held-out-2": (HOLDOUT2_FORMS, HOLDOUT2_EXPECTED), "held-out-3": (HOLDOUT3_FORMS, HOLDOUT3_EXPECTED),
        "held-out-4": (HOLDOUT4_FORMS, HOLDOUT4_EXPECTED)}


@dataclass
class Tally:
    right: int = 0
    wrong: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)    # a level name read as the catalogue spells it
    missing: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)
    cells_wrong: list[str] = field(default_factory=list)
    forms_expected: int = 0
    forms_found: int = 0
    spec_wrong: list[str] = field(default_factory=list)
    narrative_read: list[str] = field(default_factory=list)
    forms_extra: list[str] = field(default_factory=list)    # a result where no form is (a form split in two)
    duplicates_expected: int = 0
    duplicates_reported: int = 0

    def add(self, other: Tally) -> None:
        for name, value in vars(other).items():
            mine = getattr(self, name)
            setattr(self, name, mine + value)

    @property
    def total(self) -> int:
        return self.right + len(self.wrong) + len(self.missing) + len(self.renamed)


def expectations(folder: Path = EXPECTED) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def expected_values(form: dict[str, Any]) -> dict[str, Any]:
    values = dict(form["values"])
    columns = form["indicators"]["columns"]
    for i, row in enumerate(form["indicators"]["rows"], start=1):
        for column, v in zip(columns, row, strict=True):
            if v is not None:
                values[f"ind.{i}.{column}"] = v
    return values


def read_values(record: Any) -> dict[str, Any]:
    """What the importer read from cells: printed values of computed fields, values of the others."""
    return {k: (record.cached[k] if k in record.cached else record.values.get(k)) for k in record.cells}


def same(key: str, want: Any, got: Any) -> bool:
    if isinstance(want, int | float) and not isinstance(want, bool):
        if not isinstance(got, int | float) or isinstance(got, bool):
            return False
        if key.endswith(".rate"):
            return round(float(got), 4) == round(float(want), 4)
        return abs(float(got) - float(want)) < 1e-6
    if isinstance(want, str) and isinstance(got, str):
        from xlsform.normalize import compact

        return compact(got) == compact(want)
    return got == want


def _top(result: Any) -> int:
    """The first row a result read a value from: forms one below another on a sheet are met in this order."""
    rows = [int("".join(ch for ch in ref.rpartition("!")[2] if ch.isdigit()) or 0)
            for ref in result.record.cells.values()]
    return min(rows, default=0)


def measure(exp: dict[str, Any], forms: Path = FORMS) -> Tally:
    from xlsform.reader import read_file

    t = Tally(forms_expected=len(exp["forms"]), duplicates_expected=exp["duplicates"])
    read = read_file(forms / exp["file"])
    results = [r for r in [read, *read.more] if r.record is not None]
    by_sheet: dict[str, list[Any]] = {}
    for r in results:
        by_sheet.setdefault(r.workbook.form.name, []).append(r)
    for found in by_sheet.values():
        found.sort(key=_top)
    t.narrative_read = [f"{exp['file']}: {s}" for s in exp["not_forms"] if s in by_sheet]
    t.duplicates_reported = sum(f.code == "XF174" for r in results for f in r.findings)
    expected_on: dict[str, int] = {}
    for form in exp["forms"]:
        found = by_sheet.get(form["sheet"], [])
        i = expected_on.get(form["sheet"], 0)
        expected_on[form["sheet"]] = i + 1
        result = found[i] if i < len(found) else None
        t.forms_found += result is not None
        _compare(exp["file"], form, result, t)
    for sheet, found in by_sheet.items():
        if sheet not in exp["not_forms"]:
            extra = found[expected_on.get(sheet, 0):]
            t.forms_extra.extend(f"{exp['file']}[{sheet}] from row {_top(r)}" for r in extra)
    return t


def _compare(file: str, form: dict[str, Any], result: Any, t: Tally) -> None:
    want = expected_values(form)
    where = f"{file}[{form['sheet']}]"
    if result is None:
        t.missing.extend(f"{where} {k}" for k in want)
        return
    record = result.record
    if record.spec_id != form["spec"]:
        t.spec_wrong.append(f"{where}: {record.spec_id} (expected {form['spec']})")
    got = read_values(record)
    for key, value in want.items():
        if key not in got or got[key] is None:
            t.missing.append(f"{where} {key}")
        elif same(key, value, got[key]):
            t.right += 1
        elif _catalogue_spelling(record.spec_id, key, value, got[key]):
            t.renamed.append(f"{where} {key}: {got[key]!r} (printed {value!r})")
        else:
            t.wrong.append(f"{where} {key}: {got[key]!r} (expected {value!r})")
    t.invented.extend(f"{where} {k}: {v!r} at {record.cells[k]}" for k, v in got.items()
                      if k not in want and v is not None)
    for key, cell in form.get("cells", {}).items():
        at = record.cells.get(key, "")
        if at != f"{form['sheet']}!{cell}":
            t.cells_wrong.append(f"{where} {key}: {at or '(none)'} (expected {cell})")


def _catalogue_spelling(spec_id: str, key: str, want: Any, got: Any) -> bool:
    """`got` is the spec's 一级/二级 name that the printed `want` names (normalize.normalize_label)."""
    from xlsform.normalize import normalize_label
    from xlsform.spec import spec_by_id

    column = key.rsplit(".", 1)[-1]
    if column not in ("level1", "level2") or not isinstance(want, str):
        return False
    tree = spec_by_id(spec_id).tree
    names = tuple(tree) if column == "level1" else tuple(n for twos in tree.values() for n in twos)
    return normalize_label(want, names)[0] == got != want


def report(name: str, forms: Path, expected: Path) -> Tally:
    total = Tally()
    print(f"== {name}: {expected.relative_to(HERE)}")
    for exp in expectations(expected):
        t = measure(exp, forms)
        total.add(t)
        print(f"{exp['file']:34} forms {t.forms_found}/{t.forms_expected}  right {t.right}/{t.total}  "
              f"wrong {len(t.wrong)}  invented {len(t.invented)}  missing {len(t.missing)}  renamed {len(t.renamed)}  "
              f"duplicates reported {t.duplicates_reported}/{t.duplicates_expected}")
    print(f"\n{name}: values right {total.right}/{total.total} = {100 * total.right / max(total.total, 1):.1f}%, "
          f"wrong {len(total.wrong)}, invented {len(total.invented)}, missing {len(total.missing)}, "
          f"renamed to the catalogue's spelling {len(total.renamed)}; "
          f"forms found {total.forms_found}/{total.forms_expected}, extra {len(total.forms_extra)}; narrative "
          f"sheets read as forms {len(total.narrative_read)}; duplicated tables reported {total.duplicates_reported}"
          f"/{total.duplicates_expected}; spec wrong {len(total.spec_wrong)}; cells wrong {len(total.cells_wrong)}")
    for what in ("wrong", "invented", "missing", "renamed", "spec_wrong", "cells_wrong", "narrative_read",
                 "forms_extra"):
        for line in getattr(total, what):
            print(f"  {what}: {line}")
    print()
    return total


def main(argv: list[str]) -> None:
    for name, (forms, expected) in SETS.items():
        if not argv or name in argv:
            report(name, forms, expected)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent.parent))
    main(sys.argv[1:])
