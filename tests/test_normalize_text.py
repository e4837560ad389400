"""normalize.py's text section: the one way every part of xlsform compares two texts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
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


# ------------------------------------------------------------------ the placeholder tests' quick refusals

def _placeholder_searched(text: str) -> bool:
    """is_placeholder as the patterns alone say it (no quick refusal)."""
    from xlsform import normalize as n

    s = n.compact(text)
    hint = n._HINT.search(s)
    no_hint = not (hint and len(n.letters(s[:hint.start()] + s[hint.end():])) >= 2)
    return n._TEMPLATE_TEXT.search(s) is not None and no_hint


def _guidance_searched(text: str, instructions: tuple[str, ...]) -> str | None:
    from xlsform import normalize as n

    if len(text) > n.GUIDANCE_MAX:
        return None
    s = n.compact(text)
    if n._LIMIT.search(s) or n._FILL_IN.search(s) or n.bare(n._LIMIT.sub("", s)) in n._instruction_texts(instructions):
        return text
    hint = n._HINT.search(s)
    return hint.group() if hint and len(n.letters(s[:hint.start()] + s[hint.end():])) >= 2 else None


# the characters the patterns turn on, their full-width and look-alike forms, and ordinary words around them
_PLACEHOLDER_CHARS = "一二三级指标目内容原因措施1234567890:：/—-―─\\.。…⋯·•・_、xX×*＊某○" \
    "请在此填写入输选择录说明例如可根据增添删减()（）≥≤<>=＞＜％%年月日" \
    "字以内下左右限不超过多于个人次　 \t\n完成率达到公务接待满意"
_PLACEHOLDER_ALPHABET = st.sampled_from([*_PLACEHOLDER_CHARS, "……", "XX", "**", "请填写", "100字以内"])
_INSTRUCTIONS = ("对照年度目标，说明完成情况（100字以内）", "请填写实际完成值")


@settings(max_examples=400)
@given(st.lists(_PLACEHOLDER_ALPHABET, max_size=14).map("".join))
def test_placeholder_tests_refuse_quickly_only_what_the_patterns_refuse(text: str) -> None:
    """is_placeholder and template_guidance skip their searches when a character every match needs is
    missing: the answers are those of the searches themselves, for any text."""
    from xlsform import normalize as n

    assert n.is_placeholder.__wrapped__(text) == _placeholder_searched(text)
    assert n.template_guidance.__wrapped__(text, _INSTRUCTIONS) == _guidance_searched(text, _INSTRUCTIONS)


@pytest.mark.parametrize("text", ["指标2：", "指标1:/", "……", "···", "XX单位", "≥**人", "X月底前", "请填写完成值",
                                  "填写说明", "例如：", "开发数量（可自行增加）", "说明完成情况（100字以内）。",
                                  "根据实际情况填写", "此栏填写实际值", "开发数量（≥**个）", "受益人口数≥XX人",
                                  "公务接待满意率100%", "三级指标", "内容", "目标1：", "x", "受益人口数≥××人",
                                  "道路（××公里）", "××村道路硬化"])
def test_placeholder_tests_on_the_templates_own_texts(text: str) -> None:
    from xlsform import normalize as n

    assert n.is_placeholder.__wrapped__(text) == _placeholder_searched(text)
    assert n.template_guidance.__wrapped__(text, _INSTRUCTIONS) == _guidance_searched(text, _INSTRUCTIONS)


def test_str_split_drops_the_whitespace_the_pattern_drops() -> None:
    """compact drops spaces by str.split: the characters it splits at are exactly those \\s matches."""
    import re
    import sys

    space = re.compile(r"\s")
    assert [c for c in range(sys.maxunicode + 1) if (space.match(chr(c)) is None) != (not chr(c).isspace())] == []
    spaced = "a\u3000b\u2028c\x1fd\x85e"
    assert "".join(spaced.split()) == re.sub(r"\s+", "", spaced) == "abcde"


_GLYPH_KEYS = "".join(map(chr, __import__("xlsform.normalize", fromlist=["_GLYPHS"])._GLYPHS))


@settings(max_examples=400)
@given(st.text(alphabet=st.sampled_from([*_GLYPH_KEYS, *" \t\n\r\u3000\u00a0\u2028", *"≥≤95%公务接待a(),，。"]),
               max_size=30))
def test_compact_is_fold_without_spaces_and_compacting_twice_changes_nothing(text: str) -> None:
    """compact maps glyphs by the characters that change, not by a translate of every character: the same
    text as fold without whitespace; and a compact text is its own compact form (template_guidance relies on
    it to skip a second pass)."""
    import re

    from xlsform import normalize as n

    once = n.compact.__wrapped__(text)
    assert once == re.sub(r"\s+", "", text.translate(n._GLYPHS))
    assert n.compact.__wrapped__(once) == once


def test_no_glyph_becomes_another_glyph() -> None:
    """compact replaces each glyph found throughout, one after the other: that is one translate only while
    what a glyph becomes is never itself a glyph (else the order of the replacements would matter)."""
    from xlsform import normalize as n

    assert [g for g, to in n._GLYPH_TEXT.items() if to in n._GLYPH_TEXT] == []
    assert all(len(to) <= 1 for to in n._GLYPH_TEXT.values())


# ------------------------------------------------------------------ the gates (a return's own texts)

def _template_plainly(text: str, instructions: tuple[str, ...]) -> bool:
    from xlsform import normalize as n

    return n.is_placeholder.__wrapped__(text) or n.template_guidance.__wrapped__(text, instructions) is not None


def _spec_words() -> list[tuple[frozenset[str], tuple[str, ...]]]:
    """Every built-in spec's labels (as completeness compares them) and guidance."""
    from xlsform.checks.completeness import _header_texts
    from xlsform.spec import _builtins

    return [(_header_texts(s), s.rules.review.instructions) for s in _builtins()]


def _pieces() -> list[str]:
    """Pieces of the specs' labels and guidance (whole, cut at either end), glyphs, spaces, the characters
    the template patterns turn on, and words of a unit's own sentences."""
    out: list[str] = [*_PLACEHOLDER_CHARS, *_GLYPH_KEYS, *" \t\n\u3000\u00a0\u200b", "公务接待满意率", "（江南教育）",
                      "一、", "可持续", "（可", "一 级"]
    for words, instructions in _spec_words():
        for t in [*sorted(words), *instructions]:
            out += [t, t[1:], t[:-1], t[:2], t[-2:]]
    return out


@settings(max_examples=800)
@given(st.data())
def test_the_gates_refuse_only_what_is_no_stand_in(data: st.DataObject) -> None:
    """completeness asks the gates before compacting a text: a text the template gate refuses is no
    placeholder and no guidance, one the label gate refuses none of the form's labels, whichever spec and
    however the text is spaced, widened or punctuated."""
    from xlsform import normalize as n

    words, instructions = data.draw(st.sampled_from(_spec_words()))
    text = data.draw(st.lists(st.sampled_from(_pieces()), min_size=1, max_size=6).map("".join))
    if not n.template_gate(instructions)(text):
        assert not _template_plainly(text, instructions)
    if not n.label_gate(words)(text):
        assert n.compact.__wrapped__(text) not in words


def test_the_gates_pass_each_label_and_guidance_and_refuse_sentences() -> None:
    from xlsform import normalize as n

    for words, instructions in _spec_words():
        template, label = n.template_gate(instructions), n.label_gate(words)
        for t in [*words, *instructions]:
            for typed in (t, f" {t}\u3000", t.replace("(", "（").replace(")", "）"), t.replace("，", ",") + "。"):
                assert template(typed) or not _template_plainly(typed, instructions), typed
                assert label(typed) or n.compact(typed) not in words, typed
        assert all(label(w) for w in words)
        for own in ("公务接待满意率100%（江南教育）", "45批次，1100余人", "以接待为桥梁全面展现望城经济发展变化。",
                    "可持续影响指标", "一、加强自身建设：积极参加培训学习。（江南教育）"):
            assert not template(own), own
    assert n.label_gate({""})("公务接待")   # a label that compacts to nothing: every text may be it
    assert not n.label_gate(set())("公务接待")


@pytest.mark.parametrize("text", ["三级指标1", "二级 指标2：", "一级指标：", "开发数量（可自行增加）",
                                  "指标（ 可增加）", "．．．", "请填写完成值", "根据实际情况填写",
                                  "说明完成情况（100字以内）。"])
def test_the_template_gate_passes_the_templates_own_texts(text: str) -> None:
    from xlsform import normalize as n

    assert _template_plainly(text, _INSTRUCTIONS) and n.template_gate(_INSTRUCTIONS)(text)


def test_the_label_gate_reads_a_first_letter_typed_full_width() -> None:
    from xlsform import normalize as n

    assert n.compact("Ａ类项目") in {"A类项目"} and n.label_gate({"A类项目"})("Ａ类项目")


def test_the_gates_skip_exactly_the_characters_compact_and_bare_drop() -> None:
    """The gates read a text's first and last kept characters past those compact (or bare) drops: their
    classes of such characters, written with ranges, are those characters (every BMP code point)."""
    import re

    from xlsform import normalize as n

    for skip, drop in ((n._COMPACT_GONE, n.compact.__wrapped__), (n._BARE_GONE, lambda t: n.bare.__wrapped__(t))):
        one = re.compile(skip)
        assert [c for c in range(0x10000) if (one.fullmatch(chr(c)) is None) != (drop(chr(c)) != "")] == []
