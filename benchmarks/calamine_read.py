"""The read floor of `xlsform check`: python-calamine reading every sheet of every file, in one process.

    python benchmarks/calamine_read.py FILE_OR_DIR...

Values only (calamine is a Rust parser that checks nothing); `bench_speed.py` runs it beside `check` for the ratio.
"""

from __future__ import annotations

import sys
from pathlib import Path

from python_calamine import CalamineWorkbook


def main(paths: list[str]) -> None:
    files = [f for p in map(Path, paths) for f in (sorted(p.rglob("*.xlsx")) if p.is_dir() else [p])]
    cells = 0
    for f in files:
        book = CalamineWorkbook.from_path(str(f))
        for name in book.sheet_names:
            cells += sum(len(row) for row in book.get_sheet_by_name(name).to_python())
    print(f"{len(files)} files, {cells} cells")


if __name__ == "__main__":
    main(sys.argv[1:])
