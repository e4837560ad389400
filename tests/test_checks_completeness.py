"""Completeness checks on records: required fields, half-filled rows, placeholder text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers_checks import codes, findings, seed_with
from xlsform.checks import completeness
from xlsform.checks.completeness import is_placeholder


def test_the_seeds_are_complete(seed: object) -> None:
    assert findings(seed, completeness.check) == []  # type: ignore[arg-type]


def test_required_fields_empty() -> None:
    fs = findings(seed_with("002", footer__preparer=None, goal__achieved="  "), completeness.check)
    assert codes(fs) == [("XF301", "G10"), ("XF301", "B43")]
    assert fs[0].message.startswith("部门整体自评表!G10「目标完成情况」未填写")


def test_weight_without_score_or_actual() -> None:
    fs = findings(seed_with("004", ind__2__score=None, ind__3__actual=None), completeness.check)
    assert codes(fs) == [("XF302", "I13"), ("XF302", "G14")]
    assert "「分值」" in fs[0].message and "「完成值」" in fs[0].message


def test_score_without_weight() -> None:
    fs = findings(seed_with("004", ind__1__weight=None), completeness.check)
    assert codes(fs) == [("XF302", "H12")]


def test_unused_zero_weight_slots_are_not_half_filled() -> None:
    # seed 000 prints every 二级 slot; 时效指标 has weight 0, score 0 and nothing else
    assert findings(seed_with("000"), completeness.check) == []


@pytest.mark.parametrize("text", ["指标2:", "指标 3：", "……", "...", "XXX", "XX单位XXX", "请填写完成情况",
                                  "（此处填写改进措施）", "某某单位"])
def test_placeholders(text: str) -> None:
    assert is_placeholder(text)
    fs = findings(seed_with("004", ind__1__level3=text), completeness.check)
    assert codes(fs) == [("XF303", "D12")]
    assert fs[0].value == text


@pytest.mark.parametrize("text", ["已完成2个节目", "指标2个", "95%及以上", "1本书 1次会议", "公务接待"])
def test_real_text_is_not_a_placeholder(text: str) -> None:
    assert not is_placeholder(text)


def test_header_text_typed_into_a_cell_is_a_placeholder() -> None:
    fs = findings(seed_with("004", ind__1__reason="未完成原因", ind__2__improvement="改进 措施"), completeness.check)
    assert codes(fs) == [("XF303", "J12"), ("XF303", "K13")]


def test_texts_read_once_are_read_again_under_another_specs_instructions() -> None:
    """What a text stands in for (XF530: the template's guidance) is remembered per spec (context.memo_for):
    under a spec that gives no guidance texts, the same answer is an answer, before and after the seed's spec
    judged it."""
    from dataclasses import replace

    from xlsform.spec import spec_by_id

    text = "对照年度目标 说明相关任务目标的完成情况"
    record = seed_with("004", goal__achieved=text)
    spec = spec_by_id(record.spec_id)
    assert spec is not None
    plain = replace(spec, rules=replace(spec.rules, review=replace(spec.rules.review, instructions=())))
    assert codes(findings(record, completeness.check)) == [("XF530", "G10")]
    assert findings(record, completeness.check, spec=plain) == []
    assert codes(findings(record, completeness.check)) == [("XF530", "G10")]


def _parts_plainly(rows: list[tuple[str, float | None]], breakdown: tuple[str, ...]) -> list[bool]:
    """Whether each row is a part of a weighted row above it, as _unweighted first worked it out: every row's
    name read, in order."""
    out, parent = [], False
    for name, weight in rows:
        part = bool(breakdown) and completeness._breaks_down(name, breakdown)
        if not part:
            parent = bool(weight)
        out.append(part and parent)
    return out


@settings(max_examples=300)
@given(st.lists(st.tuples(st.sampled_from(["其中桃树", "其 中：梨", "道路硬化", "培训", ""]),
                          st.sampled_from([None, 0.0, 5.0])), max_size=12),
       st.lists(st.integers(min_value=0, max_value=11), max_size=6))
def test_parts_are_read_only_as_far_as_asked_and_say_what_reading_every_row_says(
        rows: list[tuple[str, float | None]], asked: list[int]) -> None:
    from xlsform.records import Indicator

    inds = [Indicator(i + 1, level3=name or None, weight=weight) for i, (name, weight) in enumerate(rows)]
    plain = _parts_plainly([(name, weight) for name, weight in rows], ("其中",))
    parts = completeness._Parts(inds, ("其中",))
    for i in sorted(a for a in set(asked) if a < len(rows)):   # _unweighted asks in row order
        assert parts.under_weighted(i) == plain[i], (rows, i)
