"""What `check` reports for the bundled returns, kept as data so that a change made for speed is proven to
change nothing a clerk or a script reads: every file's `check --json` object and its text-report block.

The files are the example returns (examples/returns, the hand-made layouts of examples/legacy, last year's
forms of examples/lastyear) and the returns earlier releases wrote (tests/data/xlsform-*, the .xls copies
of tests/data/xls), named by their paths from the repository's root.

    python -m tests.helpers_check_golden --update    # rewrite tests/data/check_golden.json after a deliberate
                                                     # change of what check reports (the diff shows it)
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from tests.conftest import ROOT
from xlsform import report
from xlsform.check import render_paths

GOLDEN = ROOT / "tests" / "data" / "check_golden.json"
FOLDERS = ("examples/returns", "examples/legacy", "examples/lastyear", "tests/data/xlsform-0.1.0",
           "tests/data/xlsform-0.2.0", "tests/data/xls")


def files() -> list[str]:
    return [str(p.relative_to(ROOT)) for folder in FOLDERS for p in sorted((ROOT / folder).rglob("*"))
            if p.is_file() and p.suffix.lower() in (".xlsx", ".xls")]


def reports() -> dict[str, Any]:
    """file -> {"json": its check --json object, "text": its block of the text report}, checked from the
    repository's root (so that the paths in them are the same on every machine)."""
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        names = files()
        as_json = {_key(r): json.loads(r.text) for r in render_paths(names, report.json_bytes)}
        as_text = {_key(r): r.text.decode("utf-8") for r in render_paths(names, report.text_bytes)}
    finally:
        os.chdir(here)
    return {key: {"json": as_json[key], "text": as_text[key]} for key in as_json}


def _key(rendered: Any) -> str:
    """The file, and for the further forms of a workbook holding several (one unit a sheet) their place."""
    return f"{rendered.file}#{rendered.form}" if rendered.form else rendered.file


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        raise SystemExit(__doc__)
    GOLDEN.write_text(json.dumps(reports(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}")
