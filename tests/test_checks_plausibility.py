"""Plausibility checks on records: scores against targets, the tree, copies, shifted rows, reasons."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.helpers_checks import codes, findings, seed_with
from xlsform.checks import plausibility
from xlsform.checks.plausibility import parse_actual, parse_target


def _only(code: str, fs: list) -> list:  # type: ignore[type-arg]
    return [f for f in fs if f.code == code]


@pytest.mark.parametrize(("text", "nature", "value", "unit"), [
    ("≥95%", "≥", "95", "%"), ("95%及以上", "≥", "95", "%"), ("400 次", "≥", "400", "次"),
    ("≤5天", "≤", "5", "天"), ("不超过 3 万元", "≤", "3", "万元"), ("2个节目", "≥", "2", "个节目"),
    ("不大于5天", "≤", "5", "天"), ("９５％以上", "≥", "95", "%"),
])
def test_parse_target(text: str, nature: str, value: str, unit: str) -> None:
    t = parse_target(text)
    assert t is not None and (t.nature, t.value, t.unit) == (nature, Decimal(value), unit)


def test_parse_actual_takes_the_figure_in_the_targets_unit() -> None:
    assert parse_actual("公务接待满意率达 100%", "%") == Decimal(100)
    assert parse_actual("2020年9月11日举办培训班", "%") is None
    assert parse_actual("已完成1本书 1次会议", "本书") == Decimal(1)
    assert parse_actual("411 次", "次") == Decimal(411)
    assert parse_actual("满意率９８％", "%") == Decimal(98)
    assert parse_actual("全年 1,200 次", "次") == Decimal(1200)
    assert parse_actual("45批次，1100余人", "批次") == Decimal(45)
    assert parse_actual("45批次，1100余人", "人") == Decimal(1100)


def test_seed_001_level2_not_under_its_level1() -> None:
    fs = _only("XF506", findings(seed_with("001"), plausibility.check))
    assert codes(fs) == [("XF506", "C15"), ("XF506", "C16")]
    assert [f.value for f in fs] == ["质量指标", "社会效益指标"]
    assert "不属于一级指标「满意度指标」" in fs[0].message and fs[0].severity == "error"


def test_unknown_level1() -> None:
    fs = _only("XF510", findings(seed_with("004", ind__1__level1="产出"), plausibility.check))
    assert codes(fs) == [("XF510", "B12")]


def test_seed_002_shifted_actuals() -> None:
    fs = _only("XF509", findings(seed_with("002"), plausibility.check))
    assert codes(fs) == [("XF509", "G12"), ("XF509", "G13"), ("XF509", "G14")]
    assert "更像是第 2 行「区直机关工委开展一次党员轮训」" in fs[0].message
    assert "更像是第 1 行" in fs[2].message


def test_seed_004_actuals_that_are_not_measurements() -> None:
    fs = _only("XF504", findings(seed_with("004"), plausibility.check))
    assert [(f.cell, f.value) for f in fs] == [("G16", "未超预算"), ("G21", "已完成")]


def test_vague_actual_even_without_a_numeric_target() -> None:
    fs = _only("XF504", findings(seed_with("004", ind__3__actual="达成预期指标"), plausibility.check))
    assert ("XF504", "G14") in codes(fs)


def test_actual_copies_the_target() -> None:
    r = seed_with("004", ind__1__target="≥266米", ind__1__actual="≥266米")
    fs = _only("XF505", findings(r, plausibility.check))
    assert codes(fs) == [("XF505", "G12")] and "与目标值相同" in fs[0].message


def test_target_met_but_points_deducted() -> None:
    fs = findings(seed_with("001", ind__2__score=25.0), plausibility.check)
    assert ("XF501", "H14") in codes(fs)
    f = _only("XF501", fs)[0]
    assert (f.value, f.expected) == (25, 30)


def test_target_missed_but_full_marks() -> None:
    fs = findings(seed_with("001", ind__2__actual="300 次"), plausibility.check)
    assert ("XF502", "H14") in codes(fs)


def test_ceiling_broken_but_full_marks() -> None:
    fs = findings(seed_with("001", ind__1__target="≤2 次", ind__1__actual="3 次"), plausibility.check)
    assert ("XF502", "H13") in codes(fs)


def test_self_score_far_from_supported() -> None:
    # 300 of 400: the numbers support 22.5 of 30; 10 is further than 20% of the weight away
    fs = findings(seed_with("001", ind__2__actual="300 次", ind__2__score=10.0), plausibility.check)
    f = _only("XF503", fs)[0]
    assert (f.cell, f.value, f.expected) == ("H14", 10, 22.5)


def test_duplicate_rows() -> None:
    r = seed_with("004")
    for c in ("level1", "level2", "level3", "content", "target"):
        r.values[f"ind.2.{c}"] = r.values[f"ind.1.{c}"]
    fs = _only("XF507", findings(r, plausibility.check))
    assert codes(fs) == [("XF507", "D13")] and "第 1 行" in fs[0].message


def test_points_deducted_without_a_reason() -> None:
    fs = _only("XF508", findings(seed_with("004", ind__1__score=8.0), plausibility.check))
    assert codes(fs) == [("XF508", "J12")] and "得分 8 低于分值 10" in fs[0].message
    assert _only("XF508", findings(seed_with("004", ind__1__score=8.0, ind__1__reason="节目延期"),
                                   plausibility.check)) == []


def test_target_missed_without_a_reason() -> None:
    r = seed_with("004", ind__1__actual="已完成1个节目")
    fs = _only("XF508", findings(r, plausibility.check))
    assert codes(fs) == [("XF508", "J12")] and "未达到目标值「2个节目」" in fs[0].message


def test_zhuzhou_has_no_reason_column_so_no_reason_finding() -> None:
    assert _only("XF508", findings(seed_with("001", ind__2__score=25.0), plausibility.check)) == []


def test_project_form_with_nature_and_unit_columns() -> None:
    # the national project form: 指标性质 and 度量单位 in their own columns, bare numbers in target and actual
    r = seed_with("000", ind__2__nature="≥", ind__2__target="95", ind__2__measure="%", ind__2__actual="90",
                  ind__4__nature="≤", ind__4__target="300", ind__4__measure="元", ind__4__actual="280",
                  ind__4__score=8.0)
    r.spec_id = "project"
    for key in ("fund.total.budget", "fund.total.spent", "fund.total.transfer", "fund.fiscal.transfer"):
        r.values.pop(key)
    fs = findings(r, plausibility.check)
    assert [(f.code, f.cell) for f in fs if f.code in ("XF501", "XF502", "XF508")] == [
        ("XF502", "J15"), ("XF508", "K15"), ("XF501", "J17"), ("XF508", "K17")]
