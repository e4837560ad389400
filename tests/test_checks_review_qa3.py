"""Issue 19, third held-out round: what four more published forms found (tests/fixtures/reviewer, batch "qa3",
labelled before any check ran on them), each rule with its clean counterparts. Record-level, on a one-row
project form."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers_checks import findings
from tests.test_checks_review_qa import _codes, _row
from xlsform.records import Record

GOAL = "完成年度防汛工作,完成中型灌区节水改造项目和农业综合水价改革项目。"


def _achieved(text: str) -> Record:
    r = _row()
    return Record(spec_id="project", spec_version="2020.1",
                  values={**r.values, "goal.target": GOAL, "goal.achieved": text})


# ------------------------------------------------ 6: 实际完成情况 that is only a stock phrase

@pytest.mark.parametrize("text", [
    "完成年度目标。",                 # 天长's 水利局: the whole 实际完成情况
    "已完成",
    "已完成全年各项工作任务",
    "达到预期目标",
    "全部完成年度绩效目标任务。",
    "圆满完成了年度目标",
])
def test_a_stock_phrase_as_the_whole_achievement_is_reported(text: str) -> None:
    assert _codes(_achieved(text), "XF543", "XF536") == [("XF543", "goal.achieved")]


@pytest.mark.parametrize("text", [
    "完成年度目标，完成中型灌区节水改造1处、农业综合水价改革1项。",   # the stock phrase, then what was done
    "完成中型灌区节水改造项目1个。",
    "完成节水改造",                   # a word of its own: it names the work
    "全年安全度汛，无人员伤亡。",
    "完成年度目标120%",               # a figure is an answer (another rule may judge it)
])
def test_an_achievement_that_says_what_was_done_is_clean(text: str) -> None:
    assert _codes(_achieved(text), "XF543") == []


def test_no_achievement_field_no_finding() -> None:
    assert _codes(_row(), "XF543") == []


# the same reading of a row's actual beside a target that is a value (XF504)

@pytest.mark.parametrize("actual", ["完成年度目标", "已完成全年任务", "达成年度绩效目标"])
def test_a_stock_phrase_going_on_with_empty_words_measures_nothing(actual: str) -> None:
    assert _codes(_row(actual=actual), "XF504") == [("XF504", "ind.1.actual")]


@pytest.mark.parametrize(("level2", "target", "actual"), [
    ("质量指标", "100%", "完成验收100%"),          # names what it measures
    ("数量指标", "≥2次", "完成2次"),
    ("社会效益指标", "完成年度目标", "完成年度目标"),   # a qualitative target answered in its own words
])
def test_stock_words_around_a_measure_or_beside_a_qualitative_target_are_clean(level2: str, target: str,
                                                                               actual: str) -> None:
    assert _codes(_row(level2=level2, target=target, actual=actual), "XF504") == []


# ------------------------------------------------ 3: a template slot marked unused with slashes

@pytest.mark.parametrize(("name", "target", "actual"), [
    ("指标1:/", "/", "/"),            # 天长's 生态效益 row: 「指标1:/ / /」, no weight
    ("指标1：/", "—", None),
    ("指标2", "/", "/"),
])
def test_a_slot_row_of_slashes_is_one_unused_row_warning(name: str, target: str, actual: Any) -> None:
    """It was an error XF302 (a row in use without a weight) and no class-3 finding."""
    r = _row(level3=name, target=target, actual=actual, weight=None, score=None)
    assert _codes(r, "XF302", "XF303", "XF539") == [("XF539", "ind.1.level3")]


def test_a_slot_row_with_a_real_target_is_a_row_in_use() -> None:
    r = _row(level3="指标1:/", target="≥95%", actual="96%", weight=None, score=None)
    codes = _codes(r, "XF302", "XF303", "XF539")
    assert ("XF539", "ind.1.level3") not in codes and ("XF303", "ind.1.level3") in codes


@pytest.mark.parametrize("text", ["原因:无", "措施:/", "无", "/"])
def test_a_reason_of_none_is_no_placeholder(text: str) -> None:
    """Only the 指标N slot takes a slash after it; 「原因：无」 in a reason cell is an answer."""
    r = _row(reason=text)
    assert [f.code for f in findings(r) if f.code in ("XF303", "XF539")] == []


# ------------------------------------------------ 6: a stock target answered by a stock actual

@pytest.mark.parametrize("level2", ["数量指标", "质量指标", "时效指标"])
def test_a_stock_actual_beside_a_stock_target_measures_nothing(level2: str) -> None:
    """安居's 「指标1：食品安全监管人员培训 | 已完成 | 已完成」: XF533 said the target is no value; the actual
    that says the same stock phrase went unreported."""
    r = _row(level2=level2, level3="食品安全监管人员培训", target="已完成", actual="已完成")
    assert ("XF504", "ind.1.actual") in _codes(r, "XF504")


@pytest.mark.parametrize(("level2", "nature", "target", "actual"), [
    ("社会效益指标", None, "效果明显", "达成预期指标"),   # the national template's scale for 效益
    ("质量指标", "定性", "已完成", "已完成"),              # qualitative by the spec's own 指标性质
    ("质量指标", None, "合格", "合格"),                   # a pass/fail standard answered
    ("成本指标", None, "是", "是"),                       # 原州's 「种薯采购价格不高于市场价 | 是 | 是」: a yes/no
    ("时效指标", None, "按时完成", "2022年11月完成"),      # an answer with a date
])
def test_stock_words_where_no_measure_is_asked_are_clean(level2: str, nature: Any, target: str,
                                                         actual: str) -> None:
    r = _row(level2=level2, nature=nature, level3="工作开展情况", target=target, actual=actual)
    assert _codes(r, "XF504") == []


# ------------------------------------------------ 6: stock phrases said with how it went before them

@pytest.mark.parametrize("actual", ["已按时完成", "基本完成", "顺利完成年度目标任务", "均已达标", "基本满意",
                                    "按计划完成"])
def test_a_stock_phrase_after_words_of_manner_measures_nothing(actual: str) -> None:
    """The list held 「已完成」「全部完成」「按时完成」 one by one; 「已按时完成」「按计划完成」 passed as answers."""
    assert _codes(_row(level3="验收合格率", target="≥95%", actual=actual), "XF504") == [("XF504", "ind.1.actual")]


@pytest.mark.parametrize("actual", ["已按时完成验收，合格率98%", "基本完成96%", "按计划完成，合格率97%", "96%"])
def test_words_of_manner_before_a_measure_are_an_answer(actual: str) -> None:
    assert _codes(_row(level3="验收合格率", target="≥95%", actual=actual, reason="略"), "XF504") == []


def test_words_of_manner_before_the_whole_achievement() -> None:
    assert _codes(_achieved("已按计划顺利完成年度目标任务。"), "XF543") == [("XF543", "goal.achieved")]
    assert _codes(_achieved("已按计划完成中型灌区节水改造1处。"), "XF543") == []


# ------------------------------------------------ 3: slots numbered in Chinese

@pytest.mark.parametrize("slot", ["指标一：", "指标二", "指标一:/"])
def test_a_slot_numbered_in_chinese_is_an_unused_row(slot: str) -> None:
    r = _row(level3=slot, target=None, actual=None, weight=None, score=None)
    assert _codes(r, "XF302", "XF303", "XF539") == [("XF539", "ind.1.level3")]


@pytest.mark.parametrize("name", ["指标一：资金拨付及时率", "指标一项", "一级指标体系建设"])
def test_a_name_after_a_chinese_number_is_a_name(name: str) -> None:
    r = _row(level3=name)
    assert _codes(r, "XF303", "XF539") == []


# ------------------------------------------------ 9: "(%)" printed after an amount's name

@pytest.mark.parametrize(("level3", "target"), [("项目总成本(%)", "100"), ("项目总成本（%）", "≤100"),
                                                ("建设资金投入（百分比）", "100")])
def test_a_share_label_on_an_amount_is_reported(level3: str, target: str) -> None:
    """Issue 19 names 「(%)」 labels on amounts; only a "%" in the target or the 度量单位 was read."""
    r = _row(level2="成本指标", level3=level3, target=target, actual=target.lstrip("≤"))
    assert _codes(r, "XF537") == [("XF537", "ind.1.target")]


@pytest.mark.parametrize(("level3", "target"), [("资金使用成本(万元)", "≤50"), ("奖补资金兑付率(%)", "≥100%"),
                                                ("成本控制率(%)", "≤100"), ("项目总成本(元)", "≤500000")])
def test_an_amount_in_money_or_a_rate_with_its_label_is_clean(level3: str, target: str) -> None:
    r = _row(level2="成本指标", level3=level3, target=target, actual=target.lstrip("≤≥"))
    assert _codes(r, "XF537") == []


# ------------------------------------------------ 2: guidance on how to fill the cell, left in it

@pytest.mark.parametrize("text", ["根据实际情况填写", "按实际完成情况填写", "此栏填写实际完成值", "本栏填报完成情况"])
def test_guidance_on_filling_the_cell_is_template_text(text: str) -> None:
    assert _codes(_achieved(text), "XF530", "XF303") == [("XF530", "goal.achieved")]


@pytest.mark.parametrize(("level3", "target"), [("统计报表报送", "按时准确填报"), ("档案管理", "根据实际需要填写台账")])
def test_a_target_about_filling_in_is_no_guidance(level3: str, target: str) -> None:
    assert _codes(_row(level2="效益指标", level3=level3, target=target, actual=target), "XF530", "XF303") == []


# ------------------------------------------------ 10: a budget change explained in other words

def _adjusted(reason: str) -> Record:
    r = _row()
    return Record(spec_id="project", spec_version="2020.1",
                  values={**r.values, "fund.fiscal.initial_budget": 80.0, "fund.fiscal.budget": 100.0,
                          "execution.reason": reason})


@pytest.mark.parametrize("reason", ["上级新增资金20万元", "因上级增拨项目资金", "省级资金拨付增加",
                                    "财政拨款增加20万元", "年中追加预算20万元"])
def test_a_reason_that_speaks_of_the_budget_change_explains_it(reason: str) -> None:
    """「上级新增资金」 explains 年初 80 / 全年 100: it was XF538 'adjustment not explained' (a false warning)."""
    assert _codes(_adjusted(reason), "XF538") == []


@pytest.mark.parametrize("reason", ["支出增加", "无", "按计划执行"])
def test_a_reason_about_spending_does_not_explain_the_budget_change(reason: str) -> None:
    assert _codes(_adjusted(reason), "XF538") == [("XF538", "execution.reason")]


# ------------------------------------------------ 3: more of the templates' placeholders

@pytest.mark.parametrize("slot", ["···", "。。。", "⋯⋯", "（可自行增加）", "指标3：（可根据实际增加）"])
def test_more_template_slots_are_unused_rows(slot: str) -> None:
    r = _row(level3=slot, target=None, actual=None, weight=None, score=None)
    assert _codes(r, "XF302", "XF303", "XF539") == [("XF539", "ind.1.level3")]


@pytest.mark.parametrize("target", ["X月底前", "≥X%"])
def test_a_single_x_before_a_date_or_share_is_a_placeholder(target: str) -> None:
    r = _row(level2="时效指标", level3="完成时限", target=target, actual="2022年11月")
    assert _codes(r, "XF303", "XF533") == [("XF303", "ind.1.target")]


@pytest.mark.parametrize("name", ["X光机购置数量", "X射线检测合格率", "第X批次", "可增加就业岗位"])
def test_an_x_in_a_name_or_a_word_of_adding_is_content(name: str) -> None:
    assert _codes(_row(level3=name), "XF303", "XF539") == []


# ------------------------------------------------ 5: targets that are values in other words

@pytest.mark.parametrize(("level2", "target", "actual"), [
    ("时效指标", "当年完成", "2022年12月"),        # the year is the time limit, as 「年内完成」 was
    ("时效指标", "全年", "全年"),                  # a service kept the whole year: a period, as 「1-12月」
    ("时效指标", "本年度内完成", "2022年11月"),
    ("质量指标", "无重大安全事故", "无"),          # none asked for: a value, as 「0起」
    ("质量指标", "零投诉", "0"),
    ("质量指标", "未发生安全责任事故", "未发生"),
])
def test_a_time_limit_or_a_none_in_words_is_a_value(level2: str, target: str, actual: str) -> None:
    assert _codes(_row(level2=level2, level3="工作情况", target=target, actual=actual), "XF533") == []


@pytest.mark.parametrize(("level2", "target"), [
    ("质量指标", "全年有序安全运行"),              # 政协's seed row: conduct, no value
    ("质量指标", "资源采购期以当年为主"),          # 黄石's: a description
    ("质量指标", "无法量化"),                      # "cannot", not "none"
    ("时效指标", "全年持续开展宣传活动"),
])
def test_descriptions_that_mention_the_year_or_none_are_still_no_value(level2: str, target: str) -> None:
    assert _codes(_row(level2=level2, level3="工作情况", target=target, actual=target), "XF533") \
        == [("XF533", "ind.1.target")]


# ------------------------------------------------ 6: 「详见附件」 is no answer whatever the target

@pytest.mark.parametrize(("level1", "level2", "target"), [("效益指标", "社会效益指标", "效果明显"),
                                                          ("产出指标", "质量指标", "合格")])
def test_see_the_attachment_beside_a_qualitative_target_is_a_class_6_finding(level1: str, level2: str,
                                                                             target: str) -> None:
    """Issue 19: 「详见附件」 with full marks should not pass. Beside a qualitative target it was XF512 (no answer),
    which the class table did not count as class 6."""
    from xlsform.codes import REVIEW_CLASSES

    r = _row(level1=level1, level2=level2, level3="社会影响", target=target, actual="详见附件")
    class_6 = next(codes for n, _, codes in REVIEW_CLASSES if n == 6)
    assert [c for c, _ in _codes(r, *class_6)] == ["XF512"]


def test_the_national_scale_beside_a_qualitative_target_stays_clean() -> None:
    from xlsform.codes import REVIEW_CLASSES

    class_6 = next(codes for n, _, codes in REVIEW_CLASSES if n == 6)
    r = _row(level1="效益指标", level2="社会效益指标", level3="社会影响", target="效果明显", actual="达成预期指标")
    assert _codes(r, *class_6) == []


# ------------------------------------------------ precision: one count in another measure word or spelling

@pytest.mark.parametrize(("target", "actual"), [("≥10个", "12家"), ("≥100户", "102家"), ("10台", "10套"),
                                                ("≥3次", "3场"), ("≥5公里", "5.2km"), ("≥100平方米", "105m²"),
                                                ("≥1290.3平方米", "1290.3㎡"), ("≥50人", "52名")])
def test_the_same_count_in_another_word_or_spelling_answers_the_target(target: str, actual: str) -> None:
    """「≥10个」 | 「12家」 was XF504 'not a comparable figure' (a false warning on a clean row)."""
    assert _codes(_row(level2="数量指标", level3="数量", target=target, actual=actual),
                  "XF504", "XF502", "XF501", "XF509") == []


@pytest.mark.parametrize(("target", "actual"), [("≥3次", "120人"), ("≥10个", "12人"), ("≥5公里", "5.2平方米")])
def test_people_events_things_and_lengths_stay_apart(target: str, actual: str) -> None:
    assert _codes(_row(level2="数量指标", level3="数量", target=target, actual=actual), "XF504") \
        == [("XF504", "ind.1.actual")]


def test_a_shortfall_in_another_measure_word_is_still_judged() -> None:
    r = _row(level2="数量指标", level3="企业数量", target="≥10个", actual="6家")
    assert ("XF502", "ind.1.score") in _codes(r, "XF502")


# ------------------------------------------------ precision: a level reached, a grade as the standard

@pytest.mark.parametrize(("level3", "actual"), [("验收合格率", "达到100%"), ("资金到位率", "已达到100%")])
def test_a_share_reached_is_the_measures_level(level3: str, actual: str) -> None:
    """「达到100%」 for 验收合格率 said the rate reached 100%; it was read as the work's progress (XF504)."""
    assert _codes(_row(level3=level3, target="100%", actual=actual), "XF504") == []


def test_work_done_as_a_share_beside_a_satisfaction_is_still_no_measure() -> None:
    r = _row(level2="质量指标", level3="群众满意度", target="≥90%", actual="已完成100%")
    assert _codes(r, "XF504") == [("XF504", "ind.1.actual")]


@pytest.mark.parametrize("target", ["AAA级", "一级", "优秀等次", "达到省级"])
def test_a_grade_is_a_quality_standard(target: str) -> None:
    assert _codes(_row(level2="质量指标", level3="评定等级", target=target, actual=target), "XF533") == []


def test_a_long_text_ending_in_a_grade_word_is_still_a_description() -> None:
    r = _row(level2="质量指标", level3="服务水平", target="争创全市更高服务等级", actual="提升")
    assert _codes(r, "XF533") == [("XF533", "ind.1.target")]


@pytest.mark.parametrize("text", ["完成情况良好。", "取得明显成效", "达到预期效果", "已完成，效果良好"])
def test_a_stock_verdict_on_the_whole_is_no_achievement(text: str) -> None:
    assert _codes(_achieved(text), "XF543") == [("XF543", "goal.achieved")]


@pytest.mark.parametrize("text", ["取得良好效果，受益群众1200人。", "完成情况良好，新建公厕3座。", "取得节水改造成效"])
def test_a_verdict_with_what_was_done_is_an_achievement(text: str) -> None:
    assert _codes(_achieved(text), "XF543") == []


@pytest.mark.parametrize("level3", ["完成2022年度审计", "编制2023年预算"])
def test_a_year_in_the_task_is_no_count(level3: str) -> None:
    """「完成2022年度审计」 | 100%: the year was read as 2,022 of something, and 「100%」 as a share of that count."""
    assert _codes(_row(level2="数量指标", level3=level3, target="100%", actual="100%"), "XF534") == []


def test_a_count_beside_a_year_is_still_a_count() -> None:
    r = _row(level2="数量指标", level3="开展3次培训", target="100%", actual="100%")
    assert _codes(r, "XF534") == [("XF534", "ind.1.target")]


@pytest.mark.parametrize("level2", ["时效指标", "数量指标"])
def test_on_time_said_twice_is_one_finding_on_the_target(level2: str) -> None:
    """「按时完成」 | 「按时完成」 is common: the target is no value (XF533); the actual answers 'on time?' in words
    and is not reported again (a second warning on the row would be noise)."""
    r = _row(level2=level2, level3="完成时限", target="按时完成", actual="按时完成")
    assert _codes(r, "XF504", "XF533") == [("XF533", "ind.1.target")]
