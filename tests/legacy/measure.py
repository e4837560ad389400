"""Read the corpus and compare each form's record with the one written by hand in expected/<name>.json.

    python tests/legacy/measure.py          # the figures issue 17 asks for, per file and in total

A value is right when the record has it, from the expected cell's form, equal to what the form shows
(numbers to 1e-6, rates to 4 decimals as printed 0.00%); wrong when the record has another value; missing
when the record has none; invented when the record read a value from a cell where the expectation has none.
For a computed field the printed value (`record.cached`) is what was read; a value the checks recompute but
no cell holds is not a read value and is not counted.
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


@dataclass
class Tally:
    right: int = 0
    wrong: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)
    cells_wrong: list[str] = field(default_factory=list)
    forms_expected: int = 0
    forms_found: int = 0
    spec_wrong: list[str] = field(default_factory=list)
    narrative_read: list[str] = field(default_factory=list)
    duplicates_expected: int = 0
    duplicates_reported: int = 0

    def add(self, other: Tally) -> None:
        for name, value in vars(other).items():
            mine = getattr(self, name)
            setattr(self, name, mine + value)

    @property
    def total(self) -> int:
        return self.right + len(self.wrong) + len(self.missing)


def expectations() -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(EXPECTED.glob("*.json"))]


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
    return got == want


def measure(exp: dict[str, Any]) -> Tally:
    from xlsform.reader import read_file

    t = Tally(forms_expected=len(exp["forms"]), duplicates_expected=exp["duplicates"])
    read = read_file(FORMS / exp["file"])
    results = [r for r in [read, *read.more] if r.record is not None]
    t.forms_found = len(results)
    by_sheet = {r.workbook.form.name: r for r in results}
    t.narrative_read = [f"{exp['file']}: {s}" for s in exp["not_forms"] if s in by_sheet]
    t.duplicates_reported = sum(f.code == "XF174" for r in results for f in r.findings)
    for form in exp["forms"]:
        _compare(exp["file"], form, by_sheet.get(form["sheet"]), t)
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
        else:
            t.wrong.append(f"{where} {key}: {got[key]!r} (expected {value!r})")
    t.invented.extend(f"{where} {k}: {v!r} at {record.cells[k]}" for k, v in got.items()
                      if k not in want and v is not None)
    for key, cell in form.get("cells", {}).items():
        at = record.cells.get(key, "")
        if at != f"{form['sheet']}!{cell}":
            t.cells_wrong.append(f"{where} {key}: {at or '(none)'} (expected {cell})")


def main() -> None:
    total = Tally()
    for exp in expectations():
        t = measure(exp)
        total.add(t)
        print(f"{exp['file']:34} forms {t.forms_found}/{t.forms_expected}  right {t.right}/{t.total}  "
              f"wrong {len(t.wrong)}  invented {len(t.invented)}  missing {len(t.missing)}  "
              f"duplicates reported {t.duplicates_reported}/{t.duplicates_expected}")
    print(f"\nvalues right {total.right}/{total.total} = {100 * total.right / max(total.total, 1):.1f}%, "
          f"wrong {len(total.wrong)}, invented {len(total.invented)}, missing {len(total.missing)}; "
          f"forms found {total.forms_found}/{total.forms_expected}; narrative sheets read as forms "
          f"{len(total.narrative_read)}; duplicated tables reported {total.duplicates_reported}"
          f"/{total.duplicates_expected}; spec wrong {len(total.spec_wrong)}; cells wrong {len(total.cells_wrong)}")
    for name in ("wrong", "invented", "missing", "spec_wrong", "cells_wrong", "narrative_read"):
        for line in getattr(total, name):
            print(f"  {name}: {line}")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent.parent))
    main()
