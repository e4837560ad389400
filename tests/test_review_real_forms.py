"""The checks on hand-made forms as a reviewer reads them (docs/review-audit.md): each rule that raised false
findings on the real forms of tests/legacy, with the form it was wrong on (clean) and the same form with the
problem the rule is for (still flagged)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.test_importer import HEAD, _sheet
from xlsform.check import check_file
from xlsform.codes import Finding


def _found(path: Path) -> list[Finding]:
    return [f for f in check_file(path).findings if f.severity != "info"]


def _codes(path: Path, key: str | None = None) -> set[str]:
    return {f.code for f in _found(path) if key is None or f.key == key}


INDICATORS: list[list[Any]] = [
    HEAD,
    ["产出指标", "数量指标", "办结信访案件", "≥160起", "168起", 50, 50],
    ["效益指标", "社会效益指标", "信访办结率", "≥95%", "98%", 30, 30],
    ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "95%", 10, 10]]


# ------------------------------------------------------------- a value left out is not an empty cell

def _fund_form(tmp_path: Path, amounts: list[Any], merges: tuple[str, ...] = (), name: list[Any] | None = None,
               unit: str = "资金情况（万元）") -> Path:
    return _sheet(tmp_path / "f.xlsx", [
        name or ["单位名称", "某镇人民政府"],
        [unit, None, "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        [None, "年度资金总额", *amounts],
        *INDICATORS], merges=merges)


def test_one_amount_merged_over_budget_and_spending_is_not_an_unfilled_spending(tmp_path: Path) -> None:
    """塘湖: 预算数(A) and 执行数(B) under one merged 864.2. The spending column prints that figure, not one of
    its own: XF301 said 执行数 was not filled."""
    merged = _fund_form(tmp_path, [864.2, None, 10, 1, 10], merges=("C3:D3",))
    assert "XF301" not in _codes(merged, "fund.total.spent")
    empty = _fund_form(tmp_path, [864.2, None, 10, 1, 10])
    assert "XF301" in _codes(empty, "fund.total.spent")


def test_a_name_given_twice_differently_is_not_an_unfilled_name(tmp_path: Path) -> None:
    """塘湖: 「单位名称:塘湖镇政府」 above the name row that says 塘湖镇人民政府. The importer leaves the name out
    (XF172, which stays); XF301 then said the name was not filled."""
    twice = _sheet(tmp_path / "f.xlsx", [
        ["单位名称:某镇政府"], ["单位名称", "某镇人民政府"],
        ["资金情况（万元）", None, "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        [None, "年度资金总额", 100, 100, 10, 1, 10], *INDICATORS])
    assert _codes(twice, "name") == {"XF172"}
    empty = _fund_form(tmp_path, [100, 100, 10, 1, 10], name=["单位名称", None])
    assert "XF301" in _codes(empty, "name")


def test_amounts_in_yuan_left_unread_are_not_unfilled(tmp_path: Path) -> None:
    """宁德 2018: the amounts typed in 元 under a (万元) label are not read (XF182, which stays); XF301 then said
    the spending was not filled."""
    yuan = _fund_form(tmp_path, [2751417.82, 2546673.98, 10, 0.93, 9.3])
    found = _codes(yuan)
    assert "XF182" in found and "XF301" not in _codes(yuan, "fund.total.spent")
