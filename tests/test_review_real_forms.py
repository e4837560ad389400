"""The checks on hand-made forms as a reviewer reads them (docs/review-audit.md): each rule that raised false
findings on the real forms of tests/legacy, with the form it was wrong on (clean) and the same form with the
problem the rule is for (still flagged)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

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


# ------------------------------------------------------------------ weights on a form that prints none

def _project(tmp_path: Path, head: list[Any], rows: list[list[Any]], name: str = "f.xlsx") -> Path:
    return _sheet(tmp_path / name, [
        ["项目名称", "特色种养补贴"],
        ["项目资金（万元）", None, "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        [None, "年度资金总额", 9.48, 9.48, 10, 1, 10], head, *rows])


def _all(path: Path) -> list[Finding]:
    return check_file(path).findings


def test_a_table_printing_no_weights_is_not_summed_nor_split(tmp_path: Path) -> None:
    """衡山's 县级专项资金 form and Hubei's 得分-only tables print no weight for an indicator: the weights "added
    up to 10" (XF405, an error) and "产出指标 0、效益指标 0" was their split (XF406)."""
    head = ["一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "得分"]
    none = _project(tmp_path, head, [["产出指标", "数量指标", "储备到位率", "100%", "100%", 50],
                                     ["效益指标", "经济效益指标", "利息保障率", "100%", "100%", 30]])
    codes = {f.code for f in _all(none)}
    assert not codes & {"XF405", "XF406", "XF302", "XF542"}, codes
    weighted = _project(tmp_path, [*head[:5], "分值", "得分"],
                        [["产出指标", "数量指标", "储备到位率", "100%", "100%", 50, 50],
                         ["效益指标", "经济效益指标", "利息保障率", "100%", "100%", 30, 30]], "w.xlsx")
    assert "XF405" in {f.code for f in _all(weighted)}   # 10 + 50 + 30 = 90


def test_a_weight_column_left_empty_on_every_row_is_said_once(tmp_path: Path) -> None:
    """A 分值 column printed and left empty: one XF302 per row said the same thing on every row, and XF405
    added that the weights came to the fund's 10. Now one finding names the cells."""
    rows = [["产出指标", "数量指标", "储备到位率", "100%", "100%", None, None],
            ["效益指标", "经济效益指标", "利息保障率", "100%", "100%", None, None],
            ["满意度指标", "服务对象满意度指标", "满意度", "≥90%", "95%", None, None]]
    empty = _project(tmp_path, HEAD, rows)
    found = [f for f in _found(empty) if f.code in ("XF302", "XF405", "XF542")]
    assert [(f.code, f.cell) for f in found] == [("XF542", "F5")] and "F5、F6、F7" in found[0].message
    one = _project(tmp_path, HEAD, [[*rows[0][:5], 50, 50], rows[1], [*rows[2][:5], 10, 10]], "one.xlsx")
    assert [(f.code, f.cell) for f in _found(one) if f.code in ("XF302", "XF542")] == [("XF302", "F6")]


def test_rows_breaking_down_a_weighted_row_need_no_weight(tmp_path: Path) -> None:
    """萧县: each ★ core indicator is followed by its breakdown, "其中桃树种植面积 1.5亩 | 1.5亩", with no weight
    or score; each was XF302 "分值未填写". A row of its own with no weight still is."""
    rows = [["产出指标", "数量指标", "★补助瓜果蔬菜种植面积", "29.5亩", "29.5亩", 50, 50],
            [None, None, "其中桃树种植面积", "1.5亩", "1.5亩", None, None],
            [None, None, "其中：露天蔬菜", "20亩", "20亩", None, None],
            ["效益指标", "社会效益指标", "受益人口数量", "90人", "90人", 30, 30],
            ["满意度指标", "服务对象满意度指标", "满意度", "≥90%", "95%", 10, 10]]
    clean = _project(tmp_path, HEAD, rows)
    assert not {f.code for f in _found(clean)} & {"XF302", "XF405"}
    alone = _project(tmp_path, HEAD, [*rows, [None, None, "受益农户数量", "39户", "39户", None, None]], "a.xlsx")
    assert [(f.code, f.cell) for f in _found(alone) if f.code == "XF302"] == [("XF302", "F10")]


# ------------------------------------------------------------------ a hint left after a name

def test_a_hint_left_after_a_name_whose_target_is_filled_is_one_warning(tmp_path: Path) -> None:
    """昌宁: "公猪舍(≥**平方米)" with 22.8 as the target, on every row. Each name was an XF530 error ("the
    template's guidance, not content"); the name is content and the value is there, the hint was not removed.
    Where the row gives no value the hint stands for it: still XF530."""
    rows = [["产出指标", "数量指标", "公猪舍(≥**平方米)", "22.8", "22.8", 30, 30],
            [None, None, "育肥猪舍（≥**平方米）", "180", "180", 30, 30],
            ["效益指标", "社会效益指标", "带动农户增收", "≥10户", "12户", 20, 20],
            ["满意度指标", "服务对象满意度指标", "满意度", "≥90%", "95%", 10, 10]]
    clean = _project(tmp_path, HEAD, rows)
    hints = [f for f in _found(clean) if f.code in ("XF530", "XF541")]
    assert [(f.code, f.severity, f.cell) for f in hints] == [("XF541", "warning", "C5")]
    assert "22.8" in hints[0].message and "C6" in hints[0].message
    unset = _project(tmp_path, HEAD, [rows[0], [None, None, "育肥猪舍（≥**平方米）", None, "180", 30, 30], *rows[2:]],
                     "u.xlsx")
    assert sorted((f.code, f.cell) for f in _found(unset) if f.code in ("XF530", "XF541")) == \
        [("XF530", "C6"), ("XF541", "C5")]


# ------------------------------------------------------------------ "—" as a target, on purpose

def test_a_dash_for_a_target_on_a_hand_made_form_says_none_applies(tmp_path: Path) -> None:
    """银川: the evaluation framework's 项目决策 rows print "—" under 指标值 (no target is set for 完整性,
    相关性). Our own forms keep the dash; the importer reads it as empty, and full marks there were XF513
    ("full marks without a target") on seven rows. An empty 指标值 with full marks still is."""
    rows = [["产出指标", "数量指标", "保障人数", "2370人", "2370人", 50, 50],
            ["效益指标", "社会效益指标", "办学条件改善", "—", "明显改善", 30, 30],
            ["满意度指标", "服务对象满意度指标", "满意度", "≥90%", "95%", 10, 10]]
    dashed = _project(tmp_path, HEAD, rows)
    assert "XF513" not in _codes(dashed)
    empty = _project(tmp_path, HEAD, [rows[0], [*rows[1][:3], None, *rows[1][4:]], rows[2]], "e.xlsx")
    assert [(f.code, f.cell) for f in _found(empty) if f.code == "XF513"] == [("XF513", "G6")]


# ------------------------------------------------------------------ measures that should stay low

def test_a_bare_figure_for_a_measure_that_should_stay_low_is_a_ceiling(tmp_path: Path) -> None:
    """重庆's common indicators: 预算调整率 3% with 0, 结转结余率 2% with 0, 公用经费控制率 100% with 97%, each with
    full marks, were XF502 "target missed". Those rates should stay low: the figure is a ceiling and was met.
    Broken (调整率 5% against 3%) or a floor missed (预算完成率 60% against 70%), full marks are still flagged."""
    def form(name: str, adjust: str, done: str) -> Path:
        return _project(tmp_path, HEAD, [
            ["产出指标", "数量指标", "预算调整率", "3%", adjust, 10, 10],
            [None, None, "结转结余率", "2%", "0", 10, 10],
            [None, "质量指标", "公用经费控制率", "100%", "97%", 10, 10],
            [None, None, "预算完成率", "70%", done, 20, 20],
            ["效益指标", "社会效益指标", "稿件数量", "2200篇", "2859篇", 30, 30],
            ["满意度指标", "服务对象满意度指标", "满意度", "≥90%", "95%", 10, 10]], name)
    clean = form("c.xlsx", "0", "76%")
    assert "XF502" not in _codes(clean)
    missed = form("m.xlsx", "5%", "60%")
    assert sorted(f.cell for f in _found(missed) if f.code == "XF502") == ["G5", "G8"]


# ------------------------------------------------------------------ a limit without a figure said again

def test_a_yes_no_target_answered_in_its_own_words_is_no_copied_limit(tmp_path: Path) -> None:
    """襄阳: 成本控制 "不超过预算" | "不超过预算". XF505 ("the actual copies the target's limit") read the comparator
    alone; there is no figure to copy, the row answers yes. XF533 (the target is no value) stays; a limit
    with its figure said again ("≥266米" | "≥266米") is still XF505."""
    rows = [["产出指标", "数量指标", "成本控制", "不超过预算", "不超过预算", 20, 20],
            [None, None, "安装水标尺", "≥266米", "≥266米", 30, 30],
            ["效益指标", "社会效益指标", "受益人口", "≥1000人", "1200人", 30, 30],
            ["满意度指标", "服务对象满意度指标", "满意度", "≥90%", "95%", 10, 10]]
    found = _found(_project(tmp_path, HEAD, rows))
    assert [(f.code, f.cell) for f in found if f.code in ("XF505", "XF533")] == [("XF505", "E6"), ("XF533", "D5")]


# ------------------------------------------------------------------ the indicator tree, once per cell

def test_a_level_outside_the_tree_merged_over_its_rows_is_one_finding(tmp_path: Path) -> None:
    """银川 and 寿县 use an evaluation framework's 一级 (项目决策, 规划), merged down beside their rows: XF510 was
    said once per row at the same cell (16 times on 银川's form). Now once per cell, naming the rows; two
    cells are two findings."""
    rows = [["项目决策", "项目立项", "相关性", "—", "符合", 5, 5],
            [None, None, "可行性", "—", "可行", 5, 5],
            [None, "项目目标", "完整性", "—", "完整", 10, 10],
            ["项目管理", "资金管理", "资金到位率", "100%", "100%", 20, 20],
            [None, None, "预算执行率", "100%", "100%", 20, 20],
            ["产出指标", "数量指标", "保障人数", "2370人", "2370人", 20, 20],
            ["满意度指标", "服务对象满意度指标", "满意度", "≥90%", "95%", 10, 10]]
    path = _project(tmp_path, HEAD, rows)
    wb = openpyxl.load_workbook(path)
    wb.active.merge_cells("A5:A7")
    wb.active.merge_cells("A8:A9")
    wb.save(path)
    found = [f for f in _found(path) if f.code == "XF510"]
    assert [(x.cell, x.value) for x in found] == [("A5", "项目决策"), ("A8", "项目管理")]
    assert "第 1–3 行" in found[0].message


def test_a_level_named_as_a_goal_is_the_indicator_of_that_name(tmp_path: Path) -> None:
    """宁德: "产出目标 | 数量目标", the 绩效目标表's words for 产出指标 | 数量指标, were XF510 errors. They are read
    as the catalogue's names (an info note, XF230); a 一级 no catalogue name stands for still is XF510."""
    rows = [["产出目标", "数量目标", "抽查台站个数", "9个", "9个", 50, 50],
            ["效益目标", "社会效益目标", "宣传活动场数", "10场", "11场", 30, 30],
            ["满意度指标", "服务对象满意度指标", "满意度", "≥90%", "95%", 10, 10]]
    goals = _project(tmp_path, HEAD, rows)
    assert not _codes(goals) & {"XF510", "XF506"}
    assert {f.code for f in check_file(goals).findings} >= {"XF230"}
    other = _project(tmp_path, HEAD, [["规划目标", "数量目标", "抽查台站个数", "9个", "9个", 50, 50], *rows[1:]],
                     "o.xlsx")
    assert [f.value for f in _found(other) if f.code == "XF510"] == ["规划目标"]


# ------------------------------------------------------------------ a field the form does not print

def test_no_rate_for_want_of_a_budget_the_form_does_not_print_is_no_error(tmp_path: Path) -> None:
    """宁德 2020: the fund block prints 年初预算 | 年中调整 | 小计 | 拨付 | 支出实现率, no 全年预算数 the importer
    knows; XF408 said "全年预算数 is empty, fill it in" about a cell the form does not have. A 全年预算数
    printed empty still is XF408."""
    def form(name: str, head: list[Any], amounts: list[Any]) -> Path:
        return _sheet(tmp_path / name, [
            ["单位名称", "某局"], ["资金情况（万元）", None, *head, "分值", "得分"],
            [None, "合计", *amounts, 10, 10], [None, "其中：当年财政拨款", *amounts], *INDICATORS])
    unprinted = form("u.xlsx", ["年初预算数", "全年执行数"], [130.54, 188.45])
    assert "XF408" not in _codes(unprinted)
    empty = form("e.xlsx", ["年初预算数", "全年预算数", "全年执行数"], [130.54, None, 188.45])
    assert "XF408" in _codes(empty)
