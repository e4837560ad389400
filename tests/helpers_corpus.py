"""The reviewer's corpus (tests/fixtures/reviewer): real published forms, labelled by hand with the classes of
issue 19. Each form is written as a return by the writer and checked as any return is (reader included);
`measure` compares what the checks found with the labels, class by class.

    python -m tests.helpers_corpus              # the table the README's rules section reports
    python -m tests.helpers_corpus --batch qa   # only the forms of one batch (`batch` in the fixture)
    python -m tests.helpers_corpus --all        # also every warning and error on each form, by place

A label is `flag` (a reviewer must flag it there) or `should` (a careful reviewer would; finding it counts for
the should-recall, missing it costs nothing, and a finding there is no false alarm).
"""

from __future__ import annotations

import json
import tempfile
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.helpers_forms import write_return
from xlsform.check import check_file
from xlsform.codes import REVIEW_CLASSES, Finding
from xlsform.layout import split_indicator_key
from xlsform.records import Record
from xlsform.roster import _normalise_labels
from xlsform.spec import load_spec

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "reviewer"

# The finding codes that report each class (xlsform.codes.REVIEW_CLASSES, as docs/findings.md lists them).
CLASSES: dict[int, tuple[str, frozenset[str]]] = {n: (title, frozenset(codes)) for n, title, codes in REVIEW_CLASSES}
_ROW_COLUMNS = ("level1", "level2", "level3", "content", "nature", "target", "measure", "actual", "weight",
                "score", "reason", "improvement")


@dataclass
class Form:
    path: Path
    spec: str
    values: dict[str, Any]
    labels: dict[str, frozenset[int]]      # place ("row 3" or a field key) -> the classes labelled there
    clean_rows: int
    other: dict[str, frozenset[str]] = field(default_factory=dict)   # place -> other codes expected there
    should: dict[str, frozenset[int]] = field(default_factory=dict)  # place -> classes a reviewer may flag
    batch: str = ""


def load(path: Path) -> Form:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    if "record" in data:
        return _seed(path, data)
    values: dict[str, Any] = {"year": data.get("year", 2022), "code": path.stem[:40], **data.get("fields", {})}
    values.setdefault("name", data.get("unit", path.stem))
    labels = {key: frozenset(c) for key, c in data.get("flags", {}).items() if c}
    should = {key: frozenset(c) for key, c in data.get("should", {}).items() if c}
    for n, row in enumerate(data.get("row", []), start=1):
        values.update({f"ind.{n}.{c}": row[c] for c in _ROW_COLUMNS if row.get(c) not in (None, "")})
        if row.get("flag"):
            labels[f"row {n}"] = frozenset(row["flag"])
        if row.get("should"):
            should[f"row {n}"] = frozenset(row["should"])
    clean = sum(not row.get("flag") and not row.get("should") for row in data.get("row", []))
    other = {f"row {n}": frozenset(row["other"]) for n, row in enumerate(data.get("row", []), 1) if row.get("other")}
    return Form(path, data["spec"], values, labels, clean, other, should, data.get("batch", ""))


def _seed(path: Path, data: dict[str, Any]) -> Form:
    """A seed form, by reference to its record in examples/seeds, with its labels by place."""
    record = Record.from_json(json.loads((ROOT / data["record"]).read_text(encoding="utf-8")))
    labels = {p: frozenset(c) for p, c in data["labels"].items() if c}
    rows = {int(k.split(".")[1]) for k in record.values if k.startswith("ind.")}
    clean = sum(f"row {n}" not in labels and bool(record.values.get(f"ind.{n}.weight")) for n in rows)
    other = {p: frozenset(c) for p, c in data.get("other", {}).items()}
    return Form(path, record.spec_id, dict(record.values), labels, clean, other)


def forms(batch: str | None = None) -> list[Form]:
    every = [load(p) for p in sorted(CORPUS.glob("*.toml"))]
    return [f for f in every if batch is None or f.batch == batch]


def place(f: Finding) -> str | None:
    parts = split_indicator_key(f.key) if f.key else None
    return f"row {parts[0]}" if parts else f.key


def _as_generated(form: Form) -> dict[str, Any]:
    """The prefilled indicator columns as `generate` writes them from an indicators file: levels and 指标性质
    spelled as the catalogue spells them ("≧" -> "≥", "社会效益" -> "社会效益指标"), as the roster reads them."""
    spec = load_spec(form.spec)
    values = dict(form.values)
    rows = sorted({int(k.split(".")[1]) for k in values if k.startswith("ind.")})
    for n in rows:
        row = {c: values[f"ind.{n}.{c}"] for c in ("level1", "level2", "nature") if f"ind.{n}.{c}" in values}
        _normalise_labels("corpus", n, row, spec)
        values.update({f"ind.{n}.{c}": v for c, v in row.items()})
    return values


def findings(form: Form, folder: Path) -> list[Finding]:
    record = Record(spec_id=form.spec, spec_version=load_spec(form.spec).version, values=_as_generated(form))
    path = write_return(folder / f"{form.path.stem}.xlsx", record)
    return check_file(path).findings


@dataclass
class Tally:
    positives: int = 0
    found: int = 0
    should_positives: int = 0
    should_found: int = 0
    false_errors: list[str] = field(default_factory=list)
    false_warnings: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)


def measure(corpus: Iterable[Form]) -> tuple[dict[int, Tally], int]:
    """Per class: labelled places, those found, and findings of the class where it was not labelled."""
    tallies = {c: Tally() for c in CLASSES}
    clean_rows = 0
    with tempfile.TemporaryDirectory() as tmp:
        for form in corpus:
            clean_rows += form.clean_rows
            found = findings(form, Path(tmp))
            for c, (_, codes) in CLASSES.items():
                hits = {place(f): f for f in found if f.code in codes}
                wanted = {p for p, cs in form.labels.items() if c in cs}
                may = {p for p, cs in form.should.items() if c in cs} - wanted
                t = tallies[c]
                t.positives += len(wanted)
                t.found += len(wanted & hits.keys())
                t.should_positives += len(may)
                t.should_found += len(may & hits.keys())
                t.missed += [f"{form.path.stem}: {p}" for p in sorted(wanted - hits.keys())]
                for p, f in hits.items():
                    if p not in wanted | may and f.code not in form.other.get(p or "", ()):
                        where = f"{form.path.stem}: {p} {f.code} {f.value!r}"
                        (t.false_errors if f.severity == "error" else t.false_warnings).append(where)
    return tallies, clean_rows


def table(tallies: dict[int, Tally], clean_rows: int, n_forms: int | None = None) -> str:
    lines = ["| class | must-flag | found | recall | should-flag | found | false errors | false warnings |",
             "|---|---|---|---|---|---|---|---|"]
    for c, t in tallies.items():
        recall = f"{t.found / t.positives:.0%}" if t.positives else "—"
        lines.append(f"| {c} {CLASSES[c][0]} | {t.positives} | {t.found} | {recall} | {t.should_positives} "
                     f"| {t.should_found} | {len(t.false_errors)} | {len(t.false_warnings)} |")
    lines.append(f"\n{len(forms()) if n_forms is None else n_forms} forms, {clean_rows} rows labelled clean.")
    return "\n".join(lines)


def every_finding(corpus: Iterable[Form]) -> list[str]:
    """Every warning and error on each form with its place and the labels there: the false alarms outside the
    ten classes (a wrong XF502, XF505, XF508 ...) cost a clerk's trust as much and are read from this list."""
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for form in corpus:
            for f in findings(form, Path(tmp)):
                if f.severity == "info":
                    continue
                p = place(f) or ""
                mark = sorted(form.labels.get(p, ())), sorted(form.should.get(p, ())), sorted(form.other.get(p, ()))
                lines.append(f"{form.path.stem}: {p} {f.severity} {f.code} {f.value!r} must/should/other={mark}")
    return lines


if __name__ == "__main__":
    import sys

    batch = sys.argv[sys.argv.index("--batch") + 1] if "--batch" in sys.argv else None
    chosen = forms(batch)
    tallies, clean = measure(chosen)
    print(table(tallies, clean, len(chosen)))
    for c, t in tallies.items():
        for line in t.missed:
            print(f"missed class {c}: {line}")
        for line in t.false_errors + t.false_warnings:
            print(f"false alarm class {c}: {line}")
    if "--all" in sys.argv:
        print("\n".join(every_finding(chosen)))
