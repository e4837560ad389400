"""Year on year: which of last year's returns is a unit's, which of last year's indicators is an indicator, and
the two findings only both years show. A wrong match is worse than none, so every rule that matches has its
clean counterpart that must not."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlsform.previous.match import (
    BY_CODE,
    BY_NAME,
    SIMILAR,
    indicator_similarity,
    match_indicators,
    match_units,
    unit_similarity,
)
from xlsform.previous.source import PastReturn
from xlsform.previous.targets import target_below
from xlsform.records import Indicator, Record
from xlsform.spec import YearOnYear

RULES = YearOnYear()


def past(code: str | None, name: str, *indicators: Indicator) -> PastReturn:
    values: dict[str, object] = {"name": name, "year": 2023}
    if code:
        values["code"] = code
    for ind in indicators:
        for column, value in vars(ind).items():
            if column != "index" and value is not None:
                values[f"ind.{ind.index}.{column}"] = value
    return PastReturn.of(Record("wangcheng", "2020.1", values=values), f"{name}.xlsx")


# ---------------------------------------------------------------------------------------------- units

@pytest.mark.parametrize(("now", "then", "same"), [
    # the same unit, named a little differently
    ("长沙市望城区财政局", "望城区财政局", True),                         # a place name added in front
    ("望城区 财政局（本级）", "望城区财政局(本级)", True),                  # spaces, bracket width
    ("中国人民政治协商会议湖南省长沙市望城区委员会办公室", "中国人民政治协商会议长沙市望城区委员会办公室", True),
    ("长沙市望城区卫生健康局", "长沙市望城区卫生健康局。", True),
    # other units whose names look alike
    ("望城区第一中学", "望城区第二中学", False),                           # figures differ
    ("长沙县财政局", "望城区财政局", False),                               # places differ
    ("城东社区居委会", "城西社区居委会", False),
    ("长沙市望城区接待服务中心", "长沙市望城区机关事务服务中心", False),
    ("望城区中学", "望城区实验中学", False),
    ("长沙市望城区一中", "长沙市望城区二中", False),
])
def test_unit_names_match_only_when_they_name_the_same_unit(now: str, then: str, same: bool) -> None:
    assert (unit_similarity(now, then) >= RULES.unit_similarity) is same, unit_similarity(now, then)


def test_units_match_by_code_then_by_name_then_by_a_similar_name() -> None:
    units = [("001", "甲局"), ("002", "乙局"), ("003", "长沙市望城区丙中心"), ("004", "丁局")]
    returns = [past("001", "甲局（旧名）"), past(None, "乙局"), past("903", "望城区丙中心"), past("777", "戊局")]
    found = match_units(units, returns, RULES)
    assert {c: (m.how, m.past.name) for c, m in found.items()} == {
        "001": (BY_CODE, "甲局（旧名）"), "002": (BY_NAME, "乙局"), "003": (SIMILAR, "望城区丙中心")}
    assert found["003"].confirm and not found["002"].confirm and not found["001"].confirm


def test_a_code_match_wins_and_a_return_is_used_once() -> None:
    units = [("001", "甲局"), ("002", "甲局")]      # two units of one name this year: the name decides nothing
    found = match_units(units, [past("001", "甲局"), past(None, "甲局")], RULES)
    assert list(found) == ["001"] and found["001"].how == BY_CODE


def test_two_equally_similar_names_match_neither() -> None:
    units = [("001", "长沙市望城区城市管理局")]
    returns = [past(None, "望城区城市管理局"), past(None, "长沙市城市管理局")]
    assert match_units(units, returns, RULES) == {}
    # and the name alone, once, matches
    assert match_units(units, returns[:1], RULES)["001"].how == SIMILAR


def test_a_code_shared_by_two_returns_is_no_match_by_code() -> None:
    units = [("001", "甲局")]
    found = match_units(units, [past("001", "乙局"), past("001", "丙局")], RULES)
    assert found == {}


def test_the_threshold_is_the_specs() -> None:
    units = [("003", "长沙市望城区丙中心")]
    returns = [past(None, "望城区丙服务中心")]
    assert unit_similarity("丙中心", "丙服务中心") == pytest.approx(75.0)
    assert match_units(units, returns, RULES) == {}
    assert match_units(units, returns, YearOnYear(unit_similarity=75))["003"].how == SIMILAR


# ----------------------------------------------------------------------------------------- indicators

def ind(index: int, level3: str | None, level2: str = "数量指标", **kw: str) -> Indicator:
    return Indicator(index, level1="产出指标", level2=level2, level3=level3, **kw)  # type: ignore[arg-type]


def test_indicators_match_within_the_same_levels_by_name() -> None:
    now = [ind(1, "培训人次"), ind(2, "培训人次", level2="质量指标"), ind(3, "新增绿地面积")]
    then = [ind(1, "培训人次", level2="质量指标", actual="98%"), ind(2, "培训人次", actual="1200人次"),
            ind(3, "绿化覆盖率")]
    found = match_indicators(now, then, RULES)
    assert {i: (m.how, m.past.actual) for i, m in found.items()} == {1: (BY_NAME, "1200人次"), 2: (BY_NAME, "98%")}


def test_rows_sharing_a_name_are_told_apart_by_their_content_or_not_matched() -> None:
    now = [ind(1, "公务接待", content="接待批次"), ind(2, "公务接待", content="接待人数")]
    then = [ind(1, "公务接待", content="接待人数", actual="1100人"), ind(2, "公务接待", content="接待批次",
                                                                       actual="45批次")]
    found = match_indicators(now, then, RULES)
    assert {i: m.past.actual for i, m in found.items()} == {1: "45批次", 2: "1100人"}
    blind = [ind(1, "部门整体运转"), ind(2, "部门整体运转")]
    assert match_indicators(blind, [ind(1, "部门整体运转"), ind(2, "部门整体运转")], RULES) == {}


@pytest.mark.parametrize(("now", "then", "same"), [
    ("公务接待批次", "公务接待批次（批次）", True),      # a unit in brackets
    ("政协日常事务专项", "政协日常事务的专项", True),
    ("按时完成率", "按时 完成率", True),
    ("一季度完成率", "二季度完成率", False),             # figures differ
    ("城区道路绿化面积", "郊区道路绿化面积", False),     # one word changed in eight
    ("培训人次", "培训人数", False),
    ("群众满意度", "服务对象满意度", False),
])
def test_indicator_names_match_only_when_reworded_a_little(now: str, then: str, same: bool) -> None:
    assert (indicator_similarity(now, then) >= RULES.indicator_similarity) is same


def test_a_similar_indicator_is_marked_for_the_clerk() -> None:
    found = match_indicators([ind(1, "政协日常事务专项")], [ind(5, "政协日常事务的专项", actual="已完成")], RULES)
    assert found[1].how == SIMILAR and round(found[1].score) == 94 and found[1].name == "政协日常事务专项"


# ---------------------------------------------------------------------------------------- XF520 rule

@pytest.mark.parametrize(("target", "nature", "actual", "below"), [
    ("≥95%", None, "98%", True),
    ("95%及以上", None, "公务接待满意率98%", True),
    ("400次", None, "452次", True),                     # a bare figure is a floor
    ("≥95", "≥", "0.98", False),                        # no unit either side: 95 against 0.98 is no share
    ("≥95%", None, "0.98", True),                       # a fraction against a percent target
    ("1.2万人次", None, "13000人次", True),
    # clean: reached no more than the target, or nothing comparable
    ("≥95%", None, "95%", False),
    ("≥95%", None, "93%", False),
    ("≤100万元", None, "80万元", False),                # a ceiling: a lower actual is the aim
    ("80%-90%", None, "95%", False),                    # a range
    ("9月底前", None, "8月完成", False),                # a deadline
    ("有效提升", "定性", "显著提升", False),
    ("≥95%", None, "≥98%", False),                      # last year's actual repeats a target: no measurement
    ("≥100人", None, "3批次", False),                   # another unit
    ("≥0", None, "5", False),                           # a floor of nothing
    ("≥95%", "≤", "98%", False),                        # the nature column says ceiling
])
def test_a_target_below_last_years_actual(target: str, nature: str | None, actual: str, below: bool) -> None:
    now = Indicator(1, target=target, nature=nature)
    assert target_below(now, actual) is below


def test_rules_default_to_the_documented_values() -> None:
    assert (RULES.unit_similarity, RULES.indicator_similarity, Decimal(repr(RULES.rate_drop))) == \
        (90.0, 90.0, Decimal("0.1"))


_NAMES = st.lists(st.text(alphabet="望城区长沙市财政局卫生中心一二办公室社区", min_size=1, max_size=12), max_size=12)


@settings(max_examples=200, deadline=None)
@given(now=_NAMES, then=_NAMES, codes=st.lists(st.sampled_from(["", "001", "002", "003"]), max_size=12))
def test_matching_never_gives_one_return_to_two_units(now: list[str], then: list[str], codes: list[str]) -> None:
    units = [(f"{i:03d}", name) for i, name in enumerate(now)]     # 001–003 may match by code
    returns = [past(codes[i] if i < len(codes) else None, name) for i, name in enumerate(then)]
    found = match_units(units, returns, RULES)
    assert len({id(m.past) for m in found.values()}) == len(found)
    assert all(m.score >= RULES.unit_similarity for m in found.values())
