"""The copy floor of `xlsform generate`: one finished form copied once per roster unit, with that unit's values
patched into the parts that differ between units.

    python benchmarks/copy_floor.py TEMPLATE.xlsx ROSTER.csv INDICATORS.csv OUT_DIR

TEMPLATE is the form xlsform generated for the roster's first unit. For every unit, the template's values
(every roster and indicator cell of the first unit) are replaced by the unit's in the shared strings (texts),
the form sheet (numbers) and the custom properties (the unit code); those three parts are deflated again and
the other ten are copied as compressed bytes. Each file is written as generate writes it (a temporary file,
fsync, rename) and hashed for the manifest. No roster check, no formula, no format: the least work that
produces one file per unit, in one process. `bench_speed.py` runs it beside `xlsform generate` for the ratio.
"""

from __future__ import annotations

import csv
import hashlib
import re
import sys
from collections.abc import Callable
from pathlib import Path

from xlsform.fsutil import atomic_output
from xlsform.writer.zipparts import read_entries, write_archive

PARTS = {  # part -> the element whose text is a unit's value there
    "xl/sharedStrings.xml": re.compile(r"<t>([^<]*)</t>"),
    "xl/worksheets/sheet1.xml": re.compile(r"<v>([^<]*)</v>"),
    "docProps/custom.xml": re.compile(r"<vt:lpwstr>([^<]*)</vt:lpwstr>"),
}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _as_cell(text: str) -> str:
    """A roster value as the form holds it: a number as xlsxwriter writes it, anything else as text."""
    try:
        return f"{float(text):.16G}"
    except ValueError:
        return _escape(text)


def unit_values(roster: Path, indicators: Path) -> list[tuple[str, list[str]]]:
    """(code, every value of the unit in file order) for each roster row."""
    with roster.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    by_code: dict[str, list[str]] = {}
    with indicators.open(encoding="utf-8-sig", newline="") as fh:
        for row in list(csv.reader(fh))[1:]:
            by_code.setdefault(row[0], []).extend(row[1:])
    return [(row[0], row + by_code.get(row[0], [])) for row in rows]


def _patcher(first: list[str], values: list[str]) -> Callable[[re.Match[str]], str]:
    change = {_as_cell(a): _as_cell(b) for a, b in zip(first, values, strict=True) if a != b}
    change |= {_escape(a): _escape(b) for a, b in zip(first, values, strict=True) if a != b}

    def patch(m: re.Match[str]) -> str:
        new = change.get(m.group(1))
        return m.group(0) if new is None else m.group(0).replace(m.group(1), new)
    return patch


def main(template: Path, roster: Path, indicators: Path, out: Path) -> None:
    entries, comment = read_entries(template.read_bytes())
    texts = {e.name: e for e in entries}
    import zlib

    xml = {name: zlib.decompress(texts[name].data, -15).decode("utf-8") for name in PARTS}
    units = unit_values(roster, indicators)
    first = units[0][1]
    out.mkdir(parents=True, exist_ok=True)
    digests = []
    for code, values in units:
        patch = _patcher(first, values)
        new = {name: texts[name].replaced(pattern.sub(patch, xml[name]).encode("utf-8"))
               for name, pattern in PARTS.items()}
        data = write_archive([new.get(e.name, e) for e in entries], comment)
        with atomic_output(out / f"{code}.xlsx", force=True) as fh:
            fh.write(data)
        digests.append(hashlib.sha256(data).hexdigest())
    print(f"{len(digests)} copies written to {out}")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    main(*(Path(a) for a in sys.argv[1:]))
