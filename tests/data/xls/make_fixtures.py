"""Rebuild the .xls fixtures: example returns opened in LibreOffice, recalculated and saved as Excel 97-2003.

    .venv/bin/python -m tests.data.xls.make_fixtures

What a unit does when it opens its form in LibreOffice (or WPS, or Excel) and picks "Excel 97-2003" in the
save dialog. The tests that need LibreOffice build such files themselves (tests/test_xls.py); these copies let
the reader's unit tests and the fuzz harness (benchmarks/fuzz.py) use real BIFF files without it.
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers_lo import shared_libreoffice

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SOURCES = {
    "000_wangcheng_reception.xls": ROOT / "examples/returns/wangcheng/000_wangcheng_reception.xlsx",
    "001_zhuzhou_reception.xls": ROOT / "examples/returns/zhuzhou/001_zhuzhou_reception.xlsx",
}


def main() -> None:
    office = shared_libreoffice()
    office.run_ok([{"path": str(src), "save_xls": str(HERE / name)} for name, src in SOURCES.items()])
    for name in SOURCES:
        print(HERE / name, (HERE / name).stat().st_size)


if __name__ == "__main__":
    main()
