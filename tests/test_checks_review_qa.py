"""Issue 19, second round: what an independent corpus of 14 more published forms found (tests/fixtures/reviewer,
batch "qa"), each rule with its clean counterparts. Record-level, on a one-row project form."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers_checks import findings
from xlsform.records import Record


def _row(**row: Any) -> Record:
    """A project form (national layout) with one indicator row; `row` overrides its columns."""
    values: dict[str, Any] = {
        "year": 2022, "code": "X1", "name": "项目", "department": "局", "implementer": "局",
        "fund.total.weight": 10, "fund.fiscal.budget": 100.0, "fund.fiscal.spent": 100.0,
        "ind.1.level1": "产出指标", "ind.1.level2": "质量指标", "ind.1.level3": "验收合格率",
        "ind.1.target": "100%", "ind.1.actual": "100%", "ind.1.weight": 90.0, "ind.1.score": 90.0,
    }
    for column, value in row.items():
        key = f"ind.1.{column}"
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
    return Record(spec_id="project", spec_version="2020.1", values=values)


def _codes(record: Record, *codes: str) -> list[tuple[str, str | None]]:
    return [(f.code, f.key) for f in findings(record) if f.code in codes]


# ------------------------------------------------ a row without a weight is read against its target too

@pytest.mark.parametrize(("target", "actual"), [("100%", "100%"), ("0", "0"), ("0起", "0起"), ("≥90%", "100%"),
                                                ("100%覆盖", "100%覆盖")])
def test_an_unweighted_row_that_answers_its_target_is_clean(target: str, actual: str) -> None:
    """衡山's 县级专项 form prints no weights: "100%" for "100%" was XF504 (no comparable figure) on every row."""
    assert _codes(_row(target=target, actual=actual, weight=None, score=None), "XF504", "XF512") == []


@pytest.mark.parametrize("actual", ["达成预期指标", "已完成"])
def test_an_unweighted_row_with_a_stock_answer_is_still_reported(actual: str) -> None:
    assert _codes(_row(actual=actual, weight=None, score=None), "XF504") == [("XF504", "ind.1.actual")]


def test_an_unweighted_row_whose_actual_is_another_measure_is_still_reported() -> None:
    r = _row(level3="宣传次数", target="≥2次", actual="已完成100%", weight=None, score=None)
    assert _codes(r, "XF504") == [("XF504", "ind.1.actual")]


# ------------------------------------------------ "已完成100%": the work's progress, not the measure

@pytest.mark.parametrize(("level3", "target", "actual"), [
    ("群众满意度", "90%", "已完成100%"),
    ("群众满意度", "≥90%", "达成 100%"),
])
def test_a_stock_phrase_with_a_share_measures_no_satisfaction(level3: str, target: str, actual: str) -> None:
    r = _row(level2="质量指标", level3=level3, target=target, actual=actual)
    assert _codes(r, "XF504") == [("XF504", "ind.1.actual")]


@pytest.mark.parametrize(("level3", "actual"), [
    ("项目完成率", "已完成100%"),          # the indicator is itself the share of the work done
    ("预算执行进度", "完成100%"),
    ("群众满意度", "100%"),
    ("群众满意度", "满意度98%"),           # words that name the measure are no stock phrase
    ("验收达标率", "达标100%"),            # the phrase is the measure's own word
    ("群众满意度", "满意 100%"),
])
def test_a_share_that_is_the_measure_is_clean(level3: str, actual: str) -> None:
    assert _codes(_row(level3=level3, target="≥90%", actual=actual), "XF504") == []


# ------------------------------------------------ 万 read once: "150万" for "150万" is no overshoot

@pytest.mark.parametrize(("target", "actual"), [("150万", "150万"), ("5万", "5万"), ("≤20万", "19.8万")])
def test_an_amount_with_its_own_wan_is_read_once(target: str, actual: str) -> None:
    """鄂州's 市民中心运行维护费 150万 / 150万 and 黄石's 5万 / 5万 were "高出 999900%" (XF535)."""
    r = _row(level2="成本指标", level3="运行维护费", target=target, actual=actual)
    assert _codes(r, "XF535", "XF502", "XF503") == []


def test_an_amount_far_beyond_its_target_in_wan_is_still_reported() -> None:
    r = _row(level2="数量指标", level3="带动增收", target="≥10万", actual="20万")
    assert _codes(r, "XF535") == [("XF535", "ind.1.actual")]


# ------------------------------------------------ a calendar year is a time limit, not a count of years

def test_a_year_late_is_late_not_beyond_target() -> None:
    """鄂州's 完成时限 2019年 → 2020年, 10 of 20 with a reason, was XF501 (target met, yet points taken)."""
    r = _row(level2="时效指标", level3="完成时限", target="2019年", actual="2020年", weight=20.0, score=10.0,
             reason="部分项目延续至下年")
    assert _codes(r, "XF501", "XF503", "XF535") == []
    assert _codes(_row(level2="时效指标", target="2019年", actual="2020年", weight=20.0, score=20.0),
                  "XF502") == [("XF502", "ind.1.score")]


@pytest.mark.parametrize(("target", "actual"), [("2019年", "2019年"), ("2023年底前", "2023年10月"),
                                                ("≥15年", "15年"), ("1年", "1年")])
def test_years_on_time_and_durations_are_clean(target: str, actual: str) -> None:
    r = _row(level2="时效指标", level3="完成时限", target=target, actual=actual)
    assert _codes(r, "XF501", "XF502", "XF503", "XF504", "XF535") == []


# ------------------------------------------------ a date said again is when it was done; a limit is no answer

@pytest.mark.parametrize("date", ["2021年12月31日", "2021年12月完成", "2019年"])
def test_the_target_date_as_the_actual_is_the_date_done(date: str) -> None:
    """安居's 完成时间 2021年12月31日 / 2021年12月31日 was XF505 (a copy of the target)."""
    assert _codes(_row(level2="时效指标", level3="完成时间", target=date, actual=date), "XF505") == []


@pytest.mark.parametrize("limit", ["9月底前", "2023年底前", "≥95%", "80%-90%"])
def test_a_limit_said_again_is_still_a_copy(limit: str) -> None:
    assert _codes(_row(level2="时效指标", target=limit, actual=limit), "XF505") == [("XF505", "ind.1.actual")]


# ------------------------------------------------ a pass/fail standard is a value in 质量

@pytest.mark.parametrize("target", ["专款专用", "资金专款专用", "合格"])
def test_a_pass_fail_standard_is_a_quality_value(target: str) -> None:
    """襄阳's 保证财政建设补助专款专用: 「专款专用」 is met or not, like 「合格」 (was XF533)."""
    assert _codes(_row(level2="质量指标", level3="资金使用", target=target, actual=target), "XF533") == []


@pytest.mark.parametrize("target", ["严格执行专款专用制度的各项规定", "不超过预算", "及时"])
def test_conduct_is_still_no_quality_value(target: str) -> None:
    assert _codes(_row(level2="质量指标", target=target, actual="达成"), "XF533") == [("XF533", "ind.1.target")]


# ------------------------------------------------ 3: the template's unused rows

@pytest.mark.parametrize("slot", ["指标2", "指标2：", "指标1:", "……"])
def test_an_unused_template_row_is_one_warning(slot: str) -> None:
    """廊坊 and 银川 left the national template's 「指标2」「……」 slots: one error XF303 and one XF302 each, 17
    errors on one return for rows that carry no points. One warning each now."""
    r = _row(level3=slot, target=None, actual=None, weight=None, score=None)
    assert _codes(r, "XF302", "XF303", "XF539") == [("XF539", "ind.1.level3")]


def test_a_slot_name_on_a_row_in_use_is_still_an_error() -> None:
    r = _row(level3="指标2", target="≥95%", actual="96%")
    assert _codes(r, "XF302", "XF303", "XF539") == [("XF303", "ind.1.level3")]


@pytest.mark.parametrize("name", ["指标1工程完工率", "指标2：居民健康档案建档人数", "指标12项"])
def test_a_numbered_name_is_a_name(name: str) -> None:
    r = _row(level3=name, target=None, actual=None, weight=None, score=None)
    assert _codes(r, "XF303", "XF539") == []


def test_a_dash_row_without_a_weight_is_an_unused_row() -> None:
    assert _codes(_row(level3="/", target=None, actual=None, weight=None, score=None),
                  "XF302", "XF303", "XF532", "XF539") == []


# ------------------------------------------------ 8: "完成" before the goal's last sentence is a copy

GOAL = ("支持欠发达国有林场基础设施建设，补齐必要的配套基础设施建设短板，有效保护管理好国有林场的野生动物资源，"
        "新建临时野生动物收容所1间200平方米，钢结构圈养围栏120米，能同时收容近百头（只）野生动物。")


def _goal(achieved: str) -> Record:
    r = _row()
    return Record(spec_id="project", spec_version="2020.1",
                  values={**r.values, "goal.target": GOAL, "goal.achieved": achieved})


def test_the_goals_last_sentence_with_done_before_it_is_a_copy() -> None:
    """临翔's 实际完成情况 is 「完成」 + the last sentence of its 预期目标, word for word: 40% of the goal, which
    the clipped-copy rule (half of the goal) let pass."""
    r = _goal("完成临时野生动物收容所1间200平方米，钢结构圈养围栏120米，能同时收容近百头（只）野生动物。")
    assert _codes(r, "XF536") == [("XF536", "goal.achieved")]


@pytest.mark.parametrize("achieved", [
    "新建收容所1间204.46平方米，钢结构圈养围栏121.5米，已投入使用，全年救助野生动物37头（只）。",  # its own figures
    "完成收容所建设。",                             # short: says little, copies little
    "按计划完成收容所及围栏建设并通过验收，当年救护受伤野生动物，资源保护管理能力明显提升。",
])
def test_an_answer_in_its_own_words_or_figures_is_no_copy(achieved: str) -> None:
    assert _codes(_goal(achieved), "XF536") == []


# ------------------------------------------------ 9: every amount in 元, nothing to hold them against

def _fund(**amounts: float) -> Record:
    r = _row()
    values = {k: v for k, v in r.values.items() if not k.startswith("fund.fiscal")}
    values.update({f"fund.fiscal.{k}": v for k, v in amounts.items()})
    return Record(spec_id="project", spec_version="2020.1", values=values)


def test_a_form_typed_wholly_in_yuan_is_told_by_its_size() -> None:
    """永德's school printed 项目资金（元） 387664.62: typed into a 万元 form that is 38.8亿 for school meals."""
    r = _fund(budget=387664.62, spent=387664.62)
    assert sorted(_codes(r, "XF517", "XF540")) == [("XF540", "fund.fiscal.budget"), ("XF540", "fund.fiscal.spent")]
    assert "38.8 亿元" in next(f.message for f in findings(r) if f.code == "XF540")


@pytest.mark.parametrize("amounts", [
    {"budget": 98000.0, "spent": 97500.0},                   # 9.8亿: a big project, in 万元
    {"initial_budget": 1000.0, "budget": 1000.0, "spent": 998.5},
])
def test_amounts_within_a_forms_reach_are_clean(amounts: dict[str, float]) -> None:
    assert _codes(_fund(**amounts), "XF517", "XF540") == []


def test_one_amount_in_yuan_beside_budgets_in_wan_is_the_relative_rule() -> None:
    r = _fund(budget=38.77, spent=387664.62)
    assert _codes(r, "XF517", "XF540") == [("XF517", "fund.fiscal.spent")]
