"""Plausibility checks on records: scores against targets, the tree, copies, shifted rows, reasons."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers_checks import codes, findings, load_seed, seed_with
from xlsform.checks import plausibility


def _only(code: str, fs: list) -> list:  # type: ignore[type-arg]
    return [f for f in fs if f.code == code]


def test_seed_001_level2_not_under_its_level1() -> None:
    fs = _only("XF506", findings(seed_with("001"), plausibility.check))
    assert codes(fs) == [("XF506", "C15"), ("XF506", "C16")]
    assert [f.value for f in fs] == ["质量指标", "社会效益指标"]
    assert "不属于一级指标「满意度指标」" in fs[0].message and fs[0].severity == "error"


def test_unknown_level1() -> None:
    fs = _only("XF510", findings(seed_with("004", ind__1__level1="投入指标"), plausibility.check))
    assert codes(fs) == [("XF510", "B12")]


def test_seed_002_shifted_actuals() -> None:
    fs = _only("XF509", findings(seed_with("002"), plausibility.check))
    assert codes(fs) == [("XF509", "G12"), ("XF509", "G13"), ("XF509", "G14")]
    assert "更像是第 2 行「区直机关工委开展一次党员轮训」" in fs[0].message
    assert "更像是第 1 行" in fs[2].message


def _signed(record: Any, suffix: str) -> Any:
    """The record with the unit's name after every indicator text, as some units write."""
    for key, value in list(record.values.items()):
        if key.startswith("ind.") and key.rsplit(".", 1)[1] in ("level3", "content", "actual") and value:
            record.values[key] = f"{value}{suffix}"
    return record


def test_a_name_after_every_text_is_no_sign_of_shifted_rows() -> None:
    """Words an actual shares with its own row's description (a unit's name after every text, the name every
    row carries) are no evidence that it belongs to another row: Wangcheng's rows 2 and 5 (「公务接待满意率
    100%（河西教育）」 under 「确保公务接待满意率达95%以上（河西教育）」) were said to belong to row 6, whose only
    text is its name 「公务接待（河西教育）」. The rows that did slip (seed 002) are still found, signed alike."""
    assert _only("XF509", findings(load_seed("000"), plausibility.check)) == []
    assert _only("XF509", findings(_signed(load_seed("000"), "（河西教育）"), plausibility.check)) == []
    fs = _only("XF509", findings(_signed(seed_with("002"), "（河西教育）"), plausibility.check))
    assert codes(fs) == [("XF509", "G12"), ("XF509", "G13"), ("XF509", "G14")]


def test_seed_004_actuals_that_are_not_measurements() -> None:
    fs = _only("XF504", findings(seed_with("004"), plausibility.check))
    assert [(f.cell, f.value) for f in fs] == [("G16", "未超预算"), ("G21", "已完成")]


@pytest.mark.parametrize("actual", ["达成预期指标", "已完成。", "良好", "有 效", "详见附件", "达到预期目标！"])
def test_a_stock_phrase_beside_a_target_that_is_a_value(actual: str) -> None:
    """Issue 19 item 6: a phrase that measures nothing, beside a target to measure against (spec data:
    [rules.review] stock_actuals, matched however it is punctuated or spaced)."""
    fs = _only("XF504", findings(seed_with("004", ind__5__actual="100%", ind__10__actual=actual), plausibility.check))
    assert codes(fs) == [("XF504", "G21")]


def test_a_stock_phrase_where_the_target_is_in_the_content() -> None:
    r = seed_with("004", ind__5__actual="100%", ind__10__target=None, ind__10__content="群众满意度达95%以上",
                  ind__10__actual="满意")
    assert codes(_only("XF504", findings(r, plausibility.check))) == [("XF504", "G21")]


def test_the_national_scale_answers_a_qualitative_target() -> None:
    """财预〔2020〕10号 grades a qualitative indicator 达成预期指标 / 部分达成… / 未达成…: beside "全年有序安全
    运行" it is the answer, not a stock phrase (the target itself is another matter: XF533)."""
    r = seed_with("004", ind__3__actual="达成预期指标", ind__5__actual="100%", ind__10__actual="96%")
    assert _only("XF504", findings(r, plausibility.check)) == []


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


# ------------------------------------------------------------- issue #9: read as a reviewer reads it

REVIEW = ("XF501", "XF502", "XF503", "XF504", "XF505", "XF508", "XF511", "XF512", "XF513")


def _review(fs: list) -> list:  # type: ignore[type-arg]
    """(code, cell, expected) of the findings about one row's target, actual and score."""
    return [(f.code, f.cell, f.expected) for f in fs if f.code in REVIEW]


def _row4(**changes: object) -> list:  # type: ignore[type-arg]
    """Seed 004's row 4 (weight 10, full marks, reason column J) with its target/actual/score changed."""
    kw = {f"ind__4__{k}": v for k, v in changes.items()}
    return _review(findings(seed_with("004", ind__5__actual="100%", ind__10__actual="96%", **kw),
                            plausibility.check))


def test_seed_004_rows_made_clean_have_no_review_findings() -> None:
    assert _row4() == []     # the baseline every case below changes one row of


@pytest.mark.parametrize(("target", "actual"), [
    ("9月底前", "8月20日完成"),          # a met deadline: was read backwards (issue #9)
    ("9月底前", "9月底前完成"),
    ("2020年10月前", "2020年9月"),
    ("年底前", "12月20日完成"),
    ("≤300元", "280元"),                # a met ceiling
    ("≤300元", "300元"),
    ("≥90%", "92%"),                     # 92% against ≥90%
    ("≥100人次", "1.2万人次"),
    ("≤5万元", "48000元"),               # 万元 against 元
    ("=100%", "100%"),
    ("80%-90%", "85%"),
    ("有效提升", "有效"),                 # 定性 "有效" with full marks
])
def test_met_targets_with_full_marks_are_clean(target: str, actual: str) -> None:
    assert _row4(target=target, actual=actual) == []


def test_a_missed_deadline_with_full_marks_needs_a_reason() -> None:
    assert _row4(target="9月底前", actual="10月8日完成") == [
        ("XF502", "I15", "低于 10"), ("XF508", "J15", None)]


def test_equality_scores_in_proportion_to_the_deviation() -> None:
    # issue #9: 98% against "=100%" supports 9.8 of 10, not 0
    assert _row4(target="=100%", actual="98%") == [("XF502", "I15", 9.8), ("XF508", "J15", None)]
    assert _row4(target="=100%", actual="98%", score=9.8, reason="差 2 个百分点") == []
    assert _row4(target="=100%", actual="98%", score=0.0, reason="差 2 个百分点") == [("XF503", "I15", 9.8)]


def test_every_self_score_finding_carries_the_supported_score() -> None:
    # 80人次 against ≥100人次 with weight 20 -> 16
    fs = findings(seed_with("001", ind__2__target="≥100人次", ind__2__actual="80人次", ind__2__weight=20.0,
                            ind__2__score=20.0), plausibility.check)
    assert _review(fs) == [("XF502", "H14", 16)]
    [full] = _only("XF502", fs)
    assert "按完成程度应为 16" in full.message
    assert _review(findings(seed_with("001", ind__2__target="≥100人次", ind__2__actual="80人次",
                                      ind__2__weight=20.0, ind__2__score=16.0), plausibility.check)) == []


def test_an_actual_that_repeats_the_target_with_its_operator_is_not_a_measurement() -> None:
    assert _row4(target="95%", actual="≥95%") == [("XF511", "G15", "95%")]
    assert _row4(target="≥95%", actual="95%以上") == [("XF511", "G15", "≥95%")]
    assert _row4(target="95%", actual="80%-90%") == [("XF511", "G15", "95%")]
    assert _row4(target="≥95%", actual="≥95%")[0][0] == "XF505"     # the very same text: a copy
    assert _row4(target="95%", actual="96%") == []                  # clean counterpart


@pytest.mark.parametrize("actual", ["/", "——", "无"])
def test_instruction_text_or_a_placeholder_as_the_actual(actual: str) -> None:
    assert _row4(actual=actual) == [("XF512", "G15", None)]


@pytest.mark.parametrize(("actual", "code"), [("请简要说明目标完成情况（限200字）", "XF530"), ("≥**人", "XF303")])
def test_the_templates_text_as_the_actual_is_reported_once(actual: str, code: str) -> None:
    """The template's guidance and its "**" placeholders are the completeness check's (XF530, XF303)."""
    assert _row4(actual=actual) == []
    fs = [f for f in findings(seed_with("004", ind__4__actual=actual)) if f.key == "ind.4.actual"]
    assert [f.code for f in fs] == [code]


@pytest.mark.parametrize("target", ["无重大安全事故", "0 起", "杜绝安全事故"])
def test_none_answers_a_target_of_none(target: str) -> None:
    assert _row4(target=target, actual="无") == []


def test_full_marks_without_any_target() -> None:
    assert _row4(target=None, actual="已按方案完成全部工作") == [("XF513", "I15", None)]
    assert _row4(target=None, actual="已按方案完成全部工作", score=8.0, reason="部分延期") == []
    assert _review(findings(seed_with("001", ind__1__target=None, ind__1__actual=None, ind__1__score=0.0),
                            plausibility.check)) == []        # no marks claimed: nothing to judge


def test_the_same_task_under_two_level2() -> None:
    r = seed_with("004", ind__2__level3="政协日常事务专项",
                  ind__2__content="望城故事、幸福望城大家谈节目的节目制作播出",
                  ind__2__target="2个节目", ind__2__level2="质量指标")
    fs = _only("XF514", findings(r, plausibility.check))
    assert codes(fs) == [("XF514", "E13")] and fs[0].expected == "数量指标"
    assert "第 1 行（数量指标）是同一项任务" in fs[0].message
    r.values["ind.2.target"] = "按时播出"         # issue 19: a vague word under 质量 is no other side of it
    assert codes(_only("XF514", findings(r, plausibility.check))) == [("XF514", "E13")]
    for side in ("9月底前", "≥95%"):               # a date, a rate: another side of the task, allowed
        r.values["ind.2.target"] = side
        assert _only("XF514", findings(r, plausibility.check)) == []
    r.values["ind.2.target"] = "2个节目"
    r.values["ind.2.content"] = "《黑石号文化探源》书籍编印"   # another task under the same 三级
    assert _only("XF514", findings(r, plausibility.check)) == []


def test_execution_above_100_percent_needs_a_reason() -> None:
    fs = _only("XF515", findings(seed_with("004", fund__total__spent=1800.0, fund__fiscal__spent=1800.0),
                                 plausibility.check))
    assert codes(fs) == [("XF515", "C7")] and fs[0].value == "102.10%"
    assert _only("XF515", findings(seed_with("004", fund__total__spent=1800.0, execution__reason="追加了任务"),
                                   plausibility.check)) == []
    assert _only("XF515", findings(seed_with("004"), plausibility.check)) == []     # 95.83%


def test_full_year_budget_cut_to_what_was_spent() -> None:
    fs = _only("XF516", findings(seed_with("001"), plausibility.check))    # 566.49 = 566.49 < 1143.81
    assert [(f.cell, f.value, f.expected) for f in fs] == [("D6", 566.49, 1143.81)]
    assert _only("XF516", findings(seed_with("001", fund__fiscal__spent=560.0), plausibility.check)) == []
    assert _only("XF516", findings(seed_with("001", fund__fiscal__initial_budget=566.49),
                                   plausibility.check)) == []


def test_amounts_that_look_like_yuan_in_a_wan_yuan_form() -> None:
    fs = _only("XF517", findings(seed_with("004", fund__fiscal__spent=16_894_000.0), plausibility.check))
    assert [(f.cell, f.expected) for f in fs] == [("D5", 1689.4)] and "9,583 倍" in fs[0].message
    assert _only("XF517", findings(seed_with("004"), plausibility.check)) == []
    assert _only("XF517", findings(seed_with("004", fund__fiscal__spent=3000.0), plausibility.check)) == []


def test_a_score_above_its_weight_counts_at_the_weight_in_total_and_grade() -> None:
    from xlsform.checks import arithmetic

    r = seed_with("004", ind__1__score=31.9)        # DESIGN §3: 31.9 of 10
    fs = findings(r, plausibility.check)
    [total] = _only("XF518", fs)
    assert (total.cell, total.value, total.expected) == ("I42", 91.48, 69.58)
    assert "等级：中" in total.message
    assert [(f.code, f.expected) for f in findings(r, arithmetic.check) if f.code == "XF403"] == [("XF403", 10)]
    assert _only("XF518", findings(seed_with("004"), plausibility.check)) == []


# ---------------------------------------------------------------------- [rules.scoring] as spec data

def _with_scoring(record_name: str, scoring: object, **changes: object) -> list:  # type: ignore[type-arg]
    from dataclasses import replace

    from xlsform.spec import load_spec

    r = seed_with(record_name, **changes)
    spec = load_spec(r.spec_id)
    spec = replace(spec, rules=replace(spec.rules, scoring=scoring))
    return _review(findings(r, plausibility.check, spec=spec))


def test_scoring_rules_come_from_the_spec() -> None:
    from xlsform.spec import Scoring

    row = {"ind__4__target": "=100%", "ind__4__actual": "98%", "ind__4__score": 9.8, "ind__4__reason": "x",
           "ind__5__actual": "100%", "ind__10__actual": "96%"}
    assert _with_scoring("004", Scoring(), **row) == []
    assert _with_scoring("004", Scoring(equality="all_or_nothing"), **row) == [("XF503", "I15", 0)]
    assert _with_scoring("004", Scoring(equality_tolerance=0.05), **row) == [("XF501", "I15", 10)]


def test_qualitative_bands_and_the_100_80_50_variant() -> None:
    from xlsform.spec import Scoring

    row = {"ind__4__target": "有效提升", "ind__4__actual": "基本完成", "ind__4__reason": "x",
           "ind__5__actual": "100%", "ind__10__actual": "96%"}
    assert _with_scoring("004", Scoring(), **row) == [("XF502", "I15", "6–8")]
    assert _with_scoring("004", Scoring(), **row, ind__4__score=7.0) == []
    variant = Scoring(bands=(("达成", 1.0, 1.0), ("部分达成", 0.8, 0.8), ("未达成", 0.5, 0.5)))
    assert _with_scoring("004", variant, **row, ind__4__score=8.0) == []
    assert _with_scoring("004", variant, **row, ind__4__score=5.0) == [("XF503", "I15", 8)]
    assert _with_scoring("004", Scoring(), **{**row, "ind__4__actual": "有效", "ind__4__score": 5.0}) == \
        [("XF503", "I15", "8–10")]


def test_the_overshoot_deduction_is_off_by_default() -> None:
    from xlsform.spec import Scoring

    row = {"ind__4__target": "≥50%", "ind__4__actual": "100%", "ind__5__actual": "100%", "ind__10__actual": "96%"}
    assert _with_scoring("004", Scoring(), **row) == []
    deducting = Scoring(overshoot_above=0.5, overshoot_deduct=0.3)
    assert _with_scoring("004", deducting, **row) == [("XF503", "I15", 7)]
    assert _with_scoring("004", deducting, **{**row, "ind__4__actual": "70%"}) == []


def test_the_rules_run_on_all_three_builtin_specs() -> None:
    # the project form: 指标性质 and 度量单位 columns; a 定性 row with "有效" and full marks is clean
    r = seed_with("000", ind__2__nature="定性", ind__2__target="有效提升", ind__2__actual="有效",
                  ind__4__nature="≤", ind__4__target="300", ind__4__measure="元", ind__4__actual="≥300")
    r.spec_id = "project"
    for key in ("fund.total.budget", "fund.total.spent", "fund.total.transfer", "fund.fiscal.transfer"):
        r.values.pop(key)
    fs = findings(r, plausibility.check)
    assert [(f.code, f.key) for f in fs if f.key and f.key.startswith(("ind.2.", "ind.4."))] == \
        [("XF511", "ind.4.actual")]


# ------------------------------------------------------------------ properties: a reviewer's clean rows

_units = st.sampled_from(["%", "次", "人次", "万元", "个", "天"])
_figures = st.decimals(min_value=1, max_value=10**5, places=1)


@settings(max_examples=60, deadline=None)
@given(_figures, st.decimals(min_value=0, max_value=3, places=2), _units, st.sampled_from(["≥", "不低于", ""]))
def test_a_met_floor_with_full_marks_and_a_missed_one_scored_as_supported_are_clean(
        target: Decimal, share: Decimal, unit: str, op: str) -> None:
    actual = (target * share).quantize(Decimal("0.1"))
    if actual >= target:
        assert _row4(target=f"{op}{target}{unit}", actual=f"{actual}{unit}") == []
    else:
        supported = float(min(Decimal(10) * actual / target, Decimal(10)).quantize(Decimal("0.01")))
        assert _row4(target=f"{op}{target}{unit}", actual=f"{actual}{unit}", score=supported, reason="x") == []


@settings(max_examples=40, deadline=None)
@given(_figures, st.decimals(min_value=0, max_value=1, places=2), _units, st.sampled_from(["≤", "不超过", "<="]))
def test_a_met_ceiling_with_full_marks_is_clean(target: Decimal, share: Decimal, unit: str, op: str) -> None:
    actual = (target * share).quantize(Decimal("0.1"))
    assert _row4(target=f"{op}{target}{unit}", actual=f"{actual}{unit}") == []


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 12), st.integers(1, 12), st.integers(1, 28))
def test_a_met_deadline_with_full_marks_is_clean(month: int, done: int, day: int) -> None:
    if done <= month:
        assert _row4(target=f"{month}月底前", actual=f"{done}月{day}日完成") == []


def test_rows_read_once_are_read_again_under_another_specs_rules() -> None:
    """A row's texts are read once per spec's rules (plausibility._readings): the same row under rules that
    know no measure to keep low is judged by those rules, before and after it was judged under the seed's."""
    from dataclasses import replace

    from xlsform.spec import spec_by_id

    record = seed_with("004", ind__1__level3="预算调整率", ind__1__content=None, ind__1__target="3%",
                       ind__1__actual="2%", ind__1__weight=10.0, ind__1__score=10.0)
    spec = spec_by_id(record.spec_id)
    assert spec is not None
    floors = replace(spec, rules=replace(spec.rules, review=replace(spec.rules.review, lower_better=())))

    def row_1(**kw: object) -> list[tuple[str, str | None]]:
        return [c for c in codes(findings(record, plausibility.check, **kw)) if c[1] in ("I12", "J12")]

    assert row_1() == []                                          # 2% is within a ceiling of 3%
    assert row_1(spec=floors) == [("XF502", "I12"), ("XF508", "J12")]   # ... and short of a floor of 3%
    assert row_1() == []


def test_a_page_of_text_is_judged_and_not_kept_as_a_cache_key() -> None:
    """Rows are remembered by their texts (plausibility._readings, review's targets): a hostile page of text in
    a cell is judged like any text, but not kept, so a bounded count of entries stays a bounded memory."""
    from xlsform.checks.context import memo_for
    from xlsform.spec import spec_by_id

    page = "完成情况" * 2000
    record = seed_with("004", ind__1__actual=page, ind__1__target=page)
    spec = spec_by_id(record.spec_id)
    assert spec is not None
    findings(record)
    kept = [k for k in plausibility._readings(spec.rules.review) if page in k]
    targets = [k for k in memo_for(spec.rules.review, "target") if page in k]
    assert (kept, targets) == ([], [])


_GRAM_TEXT = st.text(alphabet=st.sampled_from([*"公务接待满意率达到江南教育ab1２%，。 ", "\U00020000", "\U00020001"]),
                     max_size=24)


@settings(max_examples=300)
@given(_GRAM_TEXT, _GRAM_TEXT)
def test_letter_pairs_as_numbers_count_as_the_pairs_themselves(a: str, b: str) -> None:
    """Shifted rows compare sets of adjacent letter pairs, kept as numbers read from the text's UTF-32: every
    count and difference they make is that of the 2-letter strings (characters beyond the BMP included)."""
    from xlsform.normalize import letters

    def pairs(t: str) -> frozenset[str]:
        w = letters(t)
        return frozenset(w[i:i + 2] for i in range(len(w) - 1))

    ga, gb = plausibility._bigrams.__wrapped__(a), plausibility._bigrams.__wrapped__(b)
    assert len(ga) == len(pairs(a)) and len(gb) == len(pairs(b))
    assert len(ga & gb) == len(pairs(a) & pairs(b)) and len(ga - gb) == len(pairs(a) - pairs(b))


_WORDS = st.text(alphabet="完成年度目标任务公务接待培训的", min_size=4, max_size=70)


@settings(max_examples=300)
@given(st.data())
def test_a_clipped_copy_is_told_with_a_cutoff_as_without(data: st.DataObject) -> None:
    """repeats asks partial_ratio with score_cutoff (rapidfuzz skips windows that cannot reach it): at the
    threshold the answer is the plain score's, on copies clipped and retyped as on unrelated texts."""
    from rapidfuzz import fuzz

    g = data.draw(_WORDS)
    i, j = sorted(data.draw(st.lists(st.integers(0, len(g)), min_size=2, max_size=2)))
    a = data.draw(st.sampled_from([g[i:j], g[i:j] + data.draw(_WORDS)[:3], data.draw(_WORDS)]))
    if len(a) >= 4:
        cut = fuzz.partial_ratio(a, g, score_cutoff=plausibility.CLIPPED) >= plausibility.CLIPPED
        assert cut == (fuzz.partial_ratio(a, g) >= plausibility.CLIPPED)


def _shifted_plainly(actual: str, own: str, descriptions: tuple[str, ...]) -> str | None:
    """_shifted_to as first written: every row's pairs less the own row's, scored by _overlap."""
    p = plausibility
    grams, mine = p._bigrams(actual), p._bigrams(own)
    score_own = p._overlap(grams, mine)
    if len(grams) < p.SHIFT_COMMON or score_own + p.SHIFT_MARGIN > 1:
        return None
    telling = grams - mine
    if len(telling) < p.SHIFT_COMMON:
        return None
    best, other = 0.0, None
    for desc in descriptions:
        score = p._overlap(telling, p._bigrams(desc) - mine) if desc != own else 0.0
        if score > best:
            best, other = score, desc
    return other if other is not None and best >= p.SHIFT_MIN and best >= score_own + p.SHIFT_MARGIN else None


_ROW_WORDS = ["公务接待", "满意率", "培训", "人次", "完成", "（江南教育）", "党员", "轮训", "经费", "支出",
              "100%", "，", "监督", "检查"]
_ROW_TEXT = st.lists(st.sampled_from(_ROW_WORDS), min_size=1, max_size=7).map("".join)


@settings(max_examples=400)
@given(_ROW_TEXT, st.lists(_ROW_TEXT, min_size=1, max_size=6))
def test_a_shifted_actual_is_found_as_the_plain_scoring_finds_it(actual: str, rows: list[str]) -> None:
    descriptions = tuple(dict.fromkeys(rows))
    own = rows[0]
    assert plausibility._shifted_to(actual, own, descriptions) == _shifted_plainly(actual, own, descriptions)


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet="abcde", min_size=6, max_size=120), st.data())
def test_a_clipped_copy_is_never_ruled_out_by_its_ratio(goal: str, data: st.DataObject) -> None:
    """repeats asks partial_ratio only when may_clip says the ratio leaves room for CLIPPED: whenever
    partial_ratio reaches it, may_clip says so (a clipped, edited or unrelated text against a goal)."""
    from rapidfuzz import fuzz

    from xlsform.checks.plausibility import CLIPPED, may_clip

    i = data.draw(st.integers(0, len(goal)))
    j = data.draw(st.integers(i, len(goal)))
    edit = data.draw(st.text(alphabet="abcdef", max_size=4))
    answer = data.draw(st.sampled_from([goal[i:j] + edit, edit + goal[i:j], goal[:i] + edit + goal[j:]])) \
        if data.draw(st.booleans()) else data.draw(st.text(alphabet="abcde", min_size=4, max_size=120))
    if len(answer) >= 4 and fuzz.partial_ratio(answer, goal) >= CLIPPED:
        assert may_clip(fuzz.ratio(answer, goal), len(answer), len(goal))


def test_a_stock_answer_is_kept_by_its_rules() -> None:
    """_stock keeps what _stock_of says by the text under one spec's rules: two rules with other stock
    phrases each say their own, however often asked and in whichever order."""
    from dataclasses import replace

    from xlsform.checks import plausibility
    from xlsform.spec import load_spec

    review = load_spec("wangcheng").rules.review
    other = replace(review, stock_actuals=("按计划推进",), stock_modifiers=(), stock_objects=())
    texts = ["已完成", "达成预期指标", "按计划推进", "完成年度目标", "完成节水改造", "45批次，1100余人", ""]
    for _ in range(2):
        for rules in (review, other):
            assert [plausibility._stock(t, rules) for t in texts] == [plausibility._stock_of(t, rules) for t in texts]
    assert plausibility._stock("按计划推进", other) and not plausibility._stock("按计划推进", review)


_FIGURE_WORDS = st.lists(st.sampled_from(["公务接待", "满意率", "达", "95%", "100%", "45批次", "1100余人", "三次",
                                          "（河西教育）", "，", "以上", "2021年"]), min_size=1, max_size=8).map("".join)


@settings(max_examples=400)
@given(_FIGURE_WORDS, _FIGURE_WORDS)
def test_an_answer_repeats_its_goal_as_when_both_texts_figures_were_read(answer: str, goal: str) -> None:
    """repeats reads the goal's figures only when the answer has some (none are all held by any goal)."""
    from xlsform.normalize import letters
    from xlsform.spec import load_spec

    p, review = plausibility, load_spec("wangcheng").rules.review
    sim, run = review.copy_similarity, review.copy_min_letters
    for a, g in ((answer, goal), (answer, answer), (goal + answer, goal)):
        a_, g_ = letters(a), letters(g)
        if len(g_) < 6 or len(a_) < 4:
            continue
        ratio = p._fuzz().ratio(a_, g_)
        alike = ratio >= sim * 100 or (len(a_) >= max(8, min(len(g_) / 2, run)) and p.may_clip(ratio, len(a_), len(g_))
                                       and p._fuzz().partial_ratio(a_, g_, score_cutoff=p.CLIPPED) >= p.CLIPPED)
        assert p.repeats.__wrapped__(a, g, sim, run) == (alike and p._figures(a) <= p._figures(g))
