"""Issue 19: the classes a performance reviewer flags, each rule with its clean counterparts (the same words
used rightly). Record-level, on the seed forms with one thing changed; the corpus test measures them on real
forms (tests/test_reviewer_corpus.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers_checks import findings, seed_with
from xlsform.records import Record

# Seed 004 with its two stock actuals replaced: no finding of these rules left on it.
CLEAN_004 = {"ind__5__actual": "100%", "ind__10__actual": "96%", "ind__3__target": "100%",
             "ind__3__actual": "100%"}


def _at(record: Record, *codes: str) -> list[tuple[str, str | None, Any]]:
    return [(f.code, f.key, f.value) for f in findings(record) if f.code in codes]


def _004(**changes: Any) -> Record:
    return seed_with("004", **{**CLEAN_004, **changes})


def test_the_clean_baseline() -> None:
    codes = {f"XF{n}" for n in range(530, 539)} | {"XF303", "XF504", "XF513", "XF514"}
    assert _at(_004(), *codes) == []


# ------------------------------------------------------------------ 2: the template's text left in

@pytest.mark.parametrize("text", [
    "对照年度目标，说明相关任务目标的完成情况（100字以内）",
    "对照年度目标,说明相关任务目标的完成情况(200字以内)。",           # half-width, another limit
    "对照年度目标 说明相关任务目标的完成情况",                       # spaces, no limit
    "简要说明年度总体目标完成情况（限300字）",
])
def test_an_instruction_as_the_answer_is_an_error(text: str) -> None:
    assert _at(_004(goal__achieved=text), "XF530") == [("XF530", "goal.achieved", text)]


@pytest.mark.parametrize("text", [
    "对照年度目标，全年完成政协云运行维护、两个节目和一次研讨会，目标全部完成。",
    "全年接待45批次，说明会2场，单场不超过200人",
    "按照“说明相关任务目标的完成情况”的要求，逐项完成了年度目标。",
])
def test_an_answer_that_uses_the_same_words_is_an_answer(text: str) -> None:
    assert _at(_004(goal__achieved=text), "XF530", "XF303") == []


def test_a_hint_left_after_a_prefilled_name_is_the_offices() -> None:
    fs = _at(_004(ind__1__level3="旅游景点开发数量（≥**个）"), "XF531", "XF303")
    assert fs == [("XF531", "ind.1.level3", "旅游景点开发数量（≥**个）")]


# ------------------------------------------------------------------ 3: placeholders

@pytest.mark.parametrize("text", ["指标1：", "≥**人", "XX单位", "＊＊", "……"])
def test_placeholders_in_a_row(text: str) -> None:
    assert _at(_004(ind__2__content=text), "XF303") == [("XF303", "ind.2.content", text)]


@pytest.mark.parametrize("text", ["指标1：居民健康档案建档人数", "2×2米标识牌", "XL型号服装采购", "第1..3期培训"])
def test_names_that_only_look_like_placeholders(text: str) -> None:
    assert _at(_004(ind__2__content=text), "XF303", "XF531", "XF530") == []


def test_a_slash_row_with_a_weight() -> None:
    r = _004(ind__6__level3="/", ind__6__content="/", ind__6__weight=5.0)
    assert _at(r, "XF532") == [("XF532", "ind.6.weight", 5.0)]
    assert _at(_004(ind__6__level3="/", ind__6__content="/"), "XF532") == []      # weight 0: an unused row


# ------------------------------------------------------------------ 4: full marks without a target

def test_full_marks_without_a_target_whatever_the_actual_says() -> None:
    r = _004(ind__1__target=None)
    assert _at(r, "XF513") == [("XF513", "ind.1.score", 10.0)]
    assert _at(_004(ind__1__target="—"), "XF513") == []           # "no target applies", said on purpose
    assert _at(_004(ind__1__target=None, ind__1__content="节目制作播出2个"), "XF513") == []   # the figure is there
    assert _at(_004(ind__1__target=None, ind__1__score=8.0), "XF513") == []                   # not full marks


# ------------------------------------------------------------------ 5: targets that are no values

@pytest.mark.parametrize(("row", "target"), [
    (1, "按要求完成"),               # 数量指标
    (3, "严格执行相关制度规定"),       # 质量指标: a clause, not a standard
    (4, "及时"),                     # 时效指标
    (5, "符合相关规定"),               # 成本指标
])
def test_a_description_where_a_value_belongs(row: int, target: str) -> None:
    assert _at(_004(**{f"ind__{row}__target": target}), "XF533") == [("XF533", f"ind.{row}.target", target)]


@pytest.mark.parametrize(("row", "target"), [
    (3, "合格"), (3, "验收 合格"), (4, "9月底前"), (4, "年内完成"), (5, "≤20万元"), (1, "2-3个"),
])
def test_values_and_standards_are_targets(row: int, target: str) -> None:
    assert _at(_004(**{f"ind__{row}__target": target}), "XF533") == []


def test_descriptions_are_fine_where_the_tree_allows_them() -> None:
    r = _004(ind__10__target="群众满意", ind__10__actual="满意")      # 满意度指标
    assert _at(r, "XF533") == []
    assert _at(_004(ind__3__target="全年有序安全运行", ind__3__nature="定性"), "XF533") == []


def test_100_percent_for_a_task_that_names_its_count() -> None:
    r = _004(ind__2__content="开展一次书法艺术专题研讨", ind__2__target="100%", ind__2__actual="100%")
    assert _at(r, "XF534") == [("XF534", "ind.2.target", "100%")]
    r = _004(ind__2__content="开展一次书法艺术专题研讨", ind__2__target="1次", ind__2__actual="1次")
    assert _at(r, "XF534") == []
    r = _004(ind__2__content="研讨会资料发放率", ind__2__target="100%", ind__2__actual="100%")
    assert _at(r, "XF534") == []                                # a rate: 100% is its value


# ------------------------------------------------------------------ 7: over-achievement

def test_far_beyond_the_target_with_full_marks_and_no_reason() -> None:
    r = _004(ind__1__target="2个节目", ind__1__actual="3个节目")
    [f] = [f for f in findings(r) if f.code == "XF535"]
    assert (f.key, f.value) == ("ind.1.actual", "3个节目") and "高出 50%" in f.message
    assert _at(_004(ind__1__target="2个节目", ind__1__actual="3个节目", ind__1__reason="新增一期，上级要求"),
               "XF535") == []
    assert _at(_004(ind__1__target="10个", ind__1__actual="12个"), "XF535") == []       # 20%: within reach


def test_far_inside_a_ceiling_on_a_count_or_an_amount() -> None:
    r = _004(ind__5__target="≤20万元", ind__5__actual="12万元")
    assert [c for c, _, _ in _at(r, "XF535")] == ["XF535"]
    assert _at(_004(ind__5__target="≤20万元", ind__5__actual="18万元"), "XF535") == []
    assert _at(_004(ind__5__target="≤4起", ind__5__actual="0起"), "XF535") == []         # nothing happened
    assert _at(_004(ind__5__target="≤5%", ind__5__actual="1%"), "XF535") == []           # a rate ceiling


# ------------------------------------------------------------------ 8: half-copied text

def test_an_actual_that_repeats_most_of_its_content() -> None:
    r = _004(ind__3__content="保证区委办各项工作的正常运转", ind__3__actual="保证了区委办各项工作的正常运转。")
    assert _at(r, "XF536") == [("XF536", "ind.3.actual", "保证了区委办各项工作的正常运转。")]
    r = _004(ind__3__content="保证区委办各项工作的正常运转", ind__3__actual="全年保障运转经费支出1689万元，无一延误")
    assert _at(r, "XF536") == []
    r = _004(ind__3__content="开展安全运维检查12次", ind__3__actual="开展安全运维检查14次")   # a figure of its own
    assert _at(r, "XF536") == []


def test_an_achievement_that_repeats_the_goal() -> None:
    goal = "对农村地区供水计量设施设备进行改进，对项目区农业用水计量，为项目区农业生产夯实基础。"
    r = _004(goal__target=goal, goal__achieved="对项目区农业用水计量，为项目区农业生产夯实基础")   # a clipped copy
    assert [(c, k) for c, k, _ in _at(r, "XF536")] == [("XF536", "goal.achieved")]
    r = _004(goal__target=goal, goal__achieved="改造计量设施266米，项目区1000余人受益，用水全部计量")
    assert _at(r, "XF536") == []


# ------------------------------------------------------------------ 9: amounts

def test_an_amount_written_as_a_share() -> None:
    r = _004(ind__5__level3="项目总成本", ind__5__target="100%")
    assert _at(r, "XF537") == [("XF537", "ind.5.target", "100%")]
    assert _at(_004(ind__5__level3="资金到位率", ind__5__target="100%"), "XF537") == []
    assert _at(_004(ind__5__level3="项目总成本", ind__5__target="≤1763万元", ind__5__actual="1689.4万元"),
               "XF537") == []


# ------------------------------------------------------------------ 10: the budget changed in the year

def test_an_adjusted_budget_needs_a_word_in_the_reason() -> None:
    assert _at(seed_with("001"), "XF538") == [("XF538", "execution.reason", None)]     # 1143.81 → 566.49
    said = [f.message for f in findings(seed_with("001", execution__reason="疫情影响接待减少")) if f.code == "XF538"]
    assert len(said) == 1 and "未提及预算调整" in said[0]
    assert _at(seed_with("001", execution__reason="年中调减预算577.32万元（疫情影响接待减少）"), "XF538") == []
    assert _at(seed_with("001", fund__fiscal__budget=1143.81), "XF538") == []


def test_an_amount_in_yuan_against_the_rows_initial_budget() -> None:
    """Issue 19 item 9: the magnitude is judged against the 年初预算数 too (全年预算数 5,664,900 against an
    initial 1,143.81 万元)."""
    fs = [f for f in findings(seed_with("001", fund__fiscal__budget=5_664_900.0)) if f.code == "XF517"]
    assert [(f.key, f.expected) for f in fs] == [("fund.fiscal.budget", 566.49)] and "本行年初预算数" in fs[0].message
    assert [f for f in findings(seed_with("001", fund__fiscal__budget=1100.0)) if f.code == "XF517"] == []


@pytest.mark.parametrize("target", ["符合国家标准", "工程验收合格", "良好", "符合规范要求"])
def test_standards_closing_a_short_target(target: str) -> None:
    assert _at(_004(ind__3__target=target), "XF533") == []


@pytest.mark.parametrize("task", ["一次性补助发放", "第一批资金拨付"])
def test_words_that_only_look_like_counts(task: str) -> None:
    r = _004(ind__2__content=task, ind__2__target="100%", ind__2__actual="100%")
    assert _at(r, "XF534") == []


def test_a_placeholder_for_a_name_is_no_template_hint() -> None:
    assert _at(_004(ind__2__content="XX村道路硬化"), "XF303", "XF531", "XF530") == [
        ("XF303", "ind.2.content", "XX村道路硬化")]


def test_an_adjusted_budget_on_a_hand_made_form_without_a_reason_cell() -> None:
    """The national project form prints no 预算执行偏差原因: the rows' 偏差原因 are looked at instead and the
    finding names the budget cell (examples/legacy: 棠溪镇's 委托业务项目, 年初 90, 全年 89.974)."""
    from tests.conftest import ROOT
    from xlsform.check import check_file

    result = check_file(ROOT / "examples" / "legacy" / "L04_chizhou_project.xls")
    assert [(f.code, f.cell) for f in result.findings if f.code == "XF538"] == [("XF538", "D8")]


def test_short_names_changed_by_a_word_are_other_indicators() -> None:
    """银川市第六中学's 项目管理 rows (tests/legacy L11): 财务管理制度有效性 and 管理制度有效性 are two."""
    r = _004(ind__1__level3="财务管理制度有效性", ind__1__content=None, ind__2__level3="管理制度有效性",
             ind__2__content=None, ind__2__level2="质量指标", ind__1__target="—", ind__2__target="—")
    assert _at(r, "XF514") == []


@pytest.mark.parametrize(("nature", "target", "actual"), [
    ("定性", "≥95%", "达成预期指标"),    # the 定性 mark made the stock answer grade as 达成, full marks: clean before
    ("≥", "95", "详见附件"),             # was XF512 (a placeholder), not reported as the stock phrase it is
])
def test_why_stock_phrases_stopped_being_reported(nature: str, target: str, actual: str) -> None:
    """Issue 19 item 6, the regression: XF504 was flagged a turn ago and no longer was."""
    values = {"year": 2022, "code": "X1", "name": "项目", "ind.1.level1": "产出指标", "ind.1.level2": "质量指标",
              "ind.1.level3": "验收合格率", "ind.1.nature": nature, "ind.1.target": target, "ind.1.measure": "%",
              "ind.1.actual": actual, "ind.1.weight": 20.0, "ind.1.score": 20.0}
    r = Record(spec_id="project", spec_version="2020.1", values=values)
    assert [(c, k) for c, k, _ in _at(r, "XF504", "XF512")] == [("XF504", "ind.1.actual")]


def test_targets_read_once_are_read_again_under_another_specs_rules() -> None:
    """What a target is (XF533) is remembered per spec's rules (context.memo_for): rules that ask no value of
    any 二级 judge the same rows differently, before and after the seed's rules judged them."""
    from dataclasses import replace

    from xlsform.checks import review
    from xlsform.spec import spec_by_id

    record = _004(ind__1__target="严格执行相关制度规定")
    spec = spec_by_id(record.spec_id)
    assert spec is not None
    free = replace(spec, rules=replace(spec.rules, review=replace(spec.rules.review, quantitative=())))
    said = _at(record, "XF533")
    assert [key for _, key, _ in said] == ["ind.1.target"]
    assert [f for f in findings(record, review.check, spec=free) if f.code == "XF533"] == []
    assert _at(record, "XF533") == said
