"""Every check end to end: a workbook written by the writer showing the mistake, read and checked from disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers_checks import patch_xlsx, seed_with
from tests.helpers_forms import write_return
from xlsform.check import check_file

# (seed, changed values (key with "__" for "."), expected code, expected cell)
CASES: list[tuple[str, dict[str, Any], str, str | None]] = [
    ("000", {}, "XF402", "C7"),                                              # 27% execution, no reason
    ("002", {"fund__total__spent": 2100.0}, "XF401", "G6"),                  # execution above 100%
    ("002", {"ind__1__score": 31.9}, "XF403", "I12"),                        # score above weight
    ("002", {"ind__2__score": -1.0}, "XF404", "I13"),                        # negative number
    ("004", {}, "XF405", "H42"),                                             # weights sum to 70
    ("001", {}, "XF406", None),                                              # split 10/40/0/50
    ("002", {"fund__total__budget": 0.0}, "XF408", "C6"),                    # A = 0: no rate
    ("002", {"fund__total__transfer": 2000.0}, "XF409", "D6"),               # B < C
    ("002", {"footer__phone": None}, "XF301", "E43"),                        # required field empty
    ("004", {"ind__2__score": None}, "XF302", "I13"),                        # weight but no score
    ("004", {"ind__1__level3": "指标2:"}, "XF303", "D12"),                   # placeholder left in
    ("001", {"ind__2__score": 25.0}, "XF501", "H14"),                        # target met, points deducted
    ("001", {"ind__2__actual": "300 次"}, "XF502", "H14"),                   # target missed, full marks
    ("001", {"ind__1__target": "≤2 次", "ind__1__actual": "3 次"}, "XF502", "H13"),   # ceiling broken
    ("001", {"ind__2__actual": "300 次", "ind__2__score": 10.0}, "XF503", "H14"),     # far from supported
    ("004", {"ind__10__actual": "达成预期指标"}, "XF504", "G21"),             # not a measurement
    ("004", {"ind__1__target": "≥266米", "ind__1__actual": "≥266米"}, "XF505", "G12"),  # copies the target
    ("001", {}, "XF506", "C15"),                                             # 二级 not under its 一级
    ("004", {"ind__2__level3": "政协日常事务专项", "ind__2__content": "望城故事，幸福望城大家谈节目节目制作播出",
             "ind__2__target": "2个节目"}, "XF507", "D13"),                  # duplicate indicator row
    ("004", {"ind__1__score": 8.0}, "XF508", "J12"),                         # deducted without a reason
    ("002", {}, "XF509", "G12"),                                             # actuals shifted by a row
    ("004", {"ind__1__level1": "投入指标"}, "XF510", "B12"),                 # unknown 一级
    ("004", {"ind__1__level1": "产出"}, "XF230", "B12"),                     # a variant of 产出指标
]


@pytest.mark.parametrize(("seed", "changes", "code", "cell"), CASES, ids=[f"{c[2]}-{c[0]}" for c in CASES])
def test_each_mistake_in_a_real_workbook(tmp_path: Path, seed: str, changes: dict[str, Any], code: str,
                                         cell: str | None) -> None:
    path = write_return(tmp_path / f"{seed}.xlsx", seed_with(seed, **changes))
    result = check_file(path)
    assert result.record is not None
    assert (code, cell) in [(f.code, f.cell) for f in result.findings], [f.message for f in result.findings]
    f = next(f for f in result.findings if f.code == code)
    assert f.file == str(path) and f.message and (cell is None or f.sheet)


def test_formula_overwritten_is_named_with_old_and_new(tmp_path: Path) -> None:
    import re

    src = write_return(tmp_path / "004.xlsx", seed_with("004"))

    def overwrite(xml: str) -> str:
        return re.sub(r'<c r="H42"([^>]*)><f>[^<]*</f><v>[^<]*</v></c>', r'<c r="H42"\1><v>100</v></c>', xml)

    path = patch_xlsx(src, tmp_path / "x.xlsx", {"xl/worksheets/sheet1.xml": overwrite})
    [f] = [f for f in check_file(path).findings if f.code == "XF153"]
    assert (f.cell, f.value, f.expected) == ("H42", 100, "=ROUND(N(F6)+SUM(H12:H41),2)")
    assert "原公式为 =ROUND(N(F6)+SUM(H12:H41),2)，现为 100" in f.message


def test_an_unreadable_cell_is_reported_once_not_again_as_empty_or_as_a_wrong_rate(tmp_path: Path) -> None:
    path = write_return(tmp_path / "004.xlsx", seed_with("004", ind__2__score="十分", fund__total__spent="约1600"))
    fs = check_file(path).findings
    assert [(f.code, f.cell) for f in fs if f.cell in ("D6", "I13", "C7", "G6")] == [("XF220", "D6"), ("XF220", "I13")]
    assert "XF405" in [f.code for f in fs]     # weights were all read: still checked
