"""The summary of a real merge holds exactly the cells it held before the merge was made to stream: every
sheet's values, number formats, row heights and merged ranges, compared with tests/data/summary_golden.json.

The golden file was written by the summary writer that built every row in memory and wrote it through
xlsxwriter cell by cell; a deliberate change of the summary's content rewrites it
(`python -m tests.helpers_summary --update`), and the diff of that file shows the change.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers_summary import GOLDEN, cells, merge_real_round


def test_a_real_merge_writes_the_same_cells_as_before(tmp_path: Path) -> None:
    got = cells(merge_real_round(tmp_path / "round", tmp_path / "汇总.xlsx"))
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert list(got) == list(want), "sheets"
    for sheet, data in want.items():
        for key in ("heights", "merged"):
            assert got[sheet][key] == data[key], f"{sheet}: {key}"
        rows = got[sheet]["rows"]
        assert len(rows) == len(data["rows"]), f"{sheet}: rows"
        for n, (a, b) in enumerate(zip(rows, data["rows"], strict=True), start=1):
            assert a == b, f"{sheet} row {n}"
