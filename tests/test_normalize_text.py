"""normalize.py's text section: the one way every part of xlsform compares two texts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlsform import expressions, normalize
from xlsform.normalize import bare, compact, fold, letters


@pytest.mark.parametrize(("typed", "plain"), [
    ("（≥**人）", "(≥**人)"),                 # full-width brackets from an IME
    ("＞＝９５％", ">=95%"),
    ("≧95%", "≥95%"), ("⩽4次", "≤4次"),        # look-alike comparison glyphs
    ("1\u00a0234", "1 234"), ("a\u3000b", "a b"),
    ("指标\u200b1", "指标1"),                  # zero-width space pasted from a web page
])
def test_fold_gives_the_plain_glyphs_and_keeps_spaces(typed: str, plain: str) -> None:
    assert fold(typed) == plain


def test_compact_drops_every_kind_of_space_and_line_break() -> None:
    assert compact("产出指标\n（50分）") == "产出指标(50分)"
    assert compact(" ≥ 95 ％\r\n") == "≥95%"


@pytest.mark.parametrize(("a", "b"), [
    ("对照年度目标，说明相关任务目标的完成情况（100字以内）", "对照年度目标,说明相关任务目标的完成情况(100字以内)。"),
    ("对照年度目标，说明相关任务目标的完成情况（100字以内）", "对照年度目标 说明相关任务目标的完成情况 100字以内"),
    ("“两个维护”", '"两个维护"'),
])
def test_bare_ignores_punctuation(a: str, b: str) -> None:
    assert bare(a) == bare(b)


@pytest.mark.parametrize(("a", "b"), [("≥95%", "95%"), ("≤4次", "4次"), ("100字以内", "200字以内")])
def test_bare_keeps_figures_and_comparison_signs(a: str, b: str) -> None:
    assert bare(a) != bare(b)


def test_letters_are_the_words_alone() -> None:
    assert letters("确保满意率达95%以上。") == "确保满意率达以上"
    assert letters("2020年9月11日举办（第一期）培训") == "年月日举办第一期培训"


@given(st.text())
def test_each_step_only_removes_more(text: str) -> None:
    assert compact(compact(text)) == compact(text)
    assert bare(bare(text)) == bare(text)
    assert letters(letters(text)) == letters(text)
    assert set(letters(text)) <= set(bare(text)) <= set(compact(text)) | set(fold(text))


def test_the_expression_parser_compares_through_the_same_function() -> None:
    assert expressions.clean is normalize.compact
