"""The reviewer's corpus (tests/fixtures/reviewer): real published forms, labelled by hand with the classes of
issue 19. Each form is written as a return by the writer and checked as any return is (reader included);
`measure` compares what the checks found with the labels, class by class.

    python -m tests.helpers_corpus        # the table the README's rules section reports
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


def load(path: Path) -> Form:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    if "record" in data:
        return _seed(path, data)
    values: dict[str, Any] = {"year": data.get("year", 2022), "code": path.stem[:40], **data.get("fields", {})}
    values.setdefault("name", data.get("unit", path.stem))
    labels = {key: frozenset(c) for key, c in data.get("flags", {}).items() if c}
    for n, row in enumerate(data.get("row", []), start=1):
        values.update({f"ind.{n}.{c}": row[c] for c in _ROW_COLUMNS if row.get(c) not in (None, "")})
        if row.get("flag"):
            labels[f"row {n}"] = frozenset(row["flag"])
    clean = sum(not row.get("flag") for row in data.get("row", []))
    other = {f"row {n}": frozenset(row["other"]) for n, row in enumerate(data.get("row", []), 1) if row.get("other")}
    return Form(path, data["spec"], values, labels, clean, other)


def _seed(path: Path, data: dict[str, Any]) -> Form:
    """A seed form, by reference to its record in examples/seeds, with its labels by place."""
    record = Record.from_json(json.loads((ROOT / data["record"]).read_text(encoding="utf-8")))
    labels = {p: frozenset(c) for p, c in data["labels"].items() if c}
    rows = {int(k.split(".")[1]) for k in record.values if k.startswith("ind.")}
    clean = sum(f"row {n}" not in labels and bool(record.values.get(f"ind.{n}.weight")) for n in rows)
    other = {p: frozenset(c) for p, c in data.get("other", {}).items()}
    return Form(path, record.spec_id, dict(record.values), labels, clean, other)


def forms() -> list[Form]:
    return [load(p) for p in sorted(CORPUS.glob("*.toml"))]


def place(f: Finding) -> str | None:
    parts = split_indicator_key(f.key) if f.key else None
    return f"row {parts[0]}" if parts else f.key


def findings(form: Form, folder: Path) -> list[Finding]:
    record = Record(spec_id=form.spec, spec_version=load_spec(form.spec).version, values=form.values)
    path = write_return(folder / f"{form.path.stem}.xlsx", record)
    return check_file(path).findings


@dataclass
class Tally:
    positives: int = 0
    found: int = 0
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
                t = tallies[c]
                t.positives += len(wanted)
                t.found += len(wanted & hits.keys())
                t.missed += [f"{form.path.stem}: {p}" for p in sorted(wanted - hits.keys())]
                for p, f in hits.items():
                    if p not in wanted and f.code not in form.other.get(p or "", ()):
                        where = f"{form.path.stem}: {p} {f.code} {f.value!r}"
                        (t.false_errors if f.severity == "error" else t.false_warnings).append(where)
    return tallies, clean_rows


def table(tallies: dict[int, Tally], clean_rows: int) -> str:
    lines = ["| class | labelled | found | recall | false errors | false warnings |", "|---|---|---|---|---|---|"]
    for c, t in tallies.items():
        recall = f"{t.found / t.positives:.0%}" if t.positives else "—"
        lines.append(f"| {c} {CLASSES[c][0]} | {t.positives} | {t.found} | {recall} | {len(t.false_errors)} "
                     f"| {len(t.false_warnings)} |")
    lines.append(f"\n{len(forms())} forms, {clean_rows} rows labelled clean.")
    return "\n".join(lines)


if __name__ == "__main__":
    tallies, clean = measure(forms())
    print(table(tallies, clean))
    for c, t in tallies.items():
        for line in t.missed:
            print(f"missed class {c}: {line}")
        for line in t.false_errors + t.false_warnings:
            print(f"false alarm class {c}: {line}")
