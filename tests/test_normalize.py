"""normalize.py: what clerks type into number cells, read as the number they meant (property-tested)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlsform.normalize import (
    FULL_WIDTH,
    LABEL,
    NATURE,
    NOT_A_NUMBER,
    PERCENT,
    PLACEHOLDER,
    SEPARATORS,
    TEXT_NUMBER,
    UNIT,
    YUAN,
    ZERO_WIDTH,
    normalize_label,
    normalize_nature,
    normalize_text,
    parse_number,
)

amounts = st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


def _codes(notes: list) -> list[str]:  # type: ignore[type-arg]
    return [n.code for n in notes]


def _wide(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# ------------------------------------------------------------------------------------- properties

@given(amounts)
def test_plain_number_text_reads_exactly(x: object) -> None:
    value, notes = parse_number(str(x), "amount")
    assert value == float(str(x))
    assert _codes(notes) == [TEXT_NUMBER]


@given(amounts)
def test_full_width_digits_read_the_same(x: object) -> None:
    value, notes = parse_number(_wide(str(x)), "amount")
    assert value == float(str(x))
    assert FULL_WIDTH in _codes(notes)


@given(amounts)
def test_thousands_separators_are_dropped(x: object) -> None:
    text = f"{x:,.2f}"
    value, notes = parse_number(text, "amount")
    assert value == float(str(x))
    if "," in text:
        assert SEPARATORS in _codes(notes)


@given(amounts, st.sampled_from([" ", "\u00a0", "\u3000", "\u200b", "\ufeff", "\t"]))
def test_surrounding_and_invisible_spaces_are_dropped(x: object, space: str) -> None:
    value, notes = parse_number(f"{space}{x}{space}", "amount")
    assert value == float(str(x))
    assert _codes(notes) and NOT_A_NUMBER not in _codes(notes)


@given(amounts.filter(lambda d: d >= 0))
def test_wan_yuan_unit_is_dropped_with_a_note(x: object) -> None:
    value, notes = parse_number(f"{x}万元", "amount")
    assert value == float(str(x))
    assert _codes(notes) == [UNIT]


@given(st.decimals(min_value=0, max_value=300, places=2))
def test_percent_forms_agree(p: object) -> None:
    as_percent, notes = parse_number(f"{p}%", "percent")
    assert as_percent == pytest.approx(float(str(p)) / 100)
    assert _codes(notes) == [PERCENT]


@given(st.text(max_size=40))
def test_parse_number_never_raises_and_is_finite_or_none(text: str) -> None:
    for ftype in ("number", "amount", "percent", "score", "integer"):
        value, notes = parse_number(text, ftype)
        assert value is None or math.isfinite(value)
        if value is None and any(n.error for n in notes):
            assert _codes(notes)[-1] == NOT_A_NUMBER


# ---------------------------------------------------------------------------------------- cases

@pytest.mark.parametrize(("text", "ftype", "value", "codes"), [
    ("4753.66万元", "amount", 4753.66, [UNIT]),
    ("4753.66万", "amount", 4753.66, [UNIT]),
    ("１２３．４５", "number", 123.45, [FULL_WIDTH]),
    ("1，234.5", "amount", 1234.5, [FULL_WIDTH, SEPARATORS]),
    ("95%", "percent", 0.95, [PERCENT]),
    ("９５％", "percent", 0.95, [FULL_WIDTH, PERCENT]),
    ("95", "percent", 0.95, [PERCENT]),
    ("0.95", "percent", 0.95, [TEXT_NUMBER]),
    ("(12.5)", "amount", -12.5, ["XF207"]),
    ("−12.5", "amount", -12.5, [FULL_WIDTH]),
    ("20分", "score", 20.0, [UNIT]),
    ("830000元", "amount", 830000.0, [YUAN]),
    ("2020", "integer", 2020, [TEXT_NUMBER]),
])
def test_accepted_forms(text: str, ftype: str, value: float, codes: list[str]) -> None:
    got, notes = parse_number(text, ftype)
    assert got == pytest.approx(value)
    assert _codes(notes) == codes


@pytest.mark.parametrize("text", ["——", "--", "-", "/", "无", "—", " —— ", "N/A"])
def test_placeholders_read_as_empty(text: str) -> None:
    value, notes = parse_number(text, "amount")
    assert value is None
    assert _codes(notes) == [PLACEHOLDER]


@pytest.mark.parametrize("text", ["", "   ", "\u200b"])
def test_blank_is_empty_without_an_error(text: str) -> None:
    value, notes = parse_number(text, "amount")
    assert value is None and NOT_A_NUMBER not in _codes(notes)


@pytest.mark.parametrize(("text", "ftype"), [
    ("约九十万", "amount"), ("1,23", "number"), ("nan", "number"), ("inf", "number"), ("1_000", "number"),
    ("95%", "number"), ("20万元", "score"), ("3亿元", "amount"), ("2020.5", "integer"), ("12.5.1", "number"),
    ("1e999", "number"),
])
def test_text_that_is_no_number_is_an_error(text: str, ftype: str) -> None:
    value, notes = parse_number(text, ftype)
    assert value is None
    assert _codes(notes)[-1] == NOT_A_NUMBER


def test_integer_field_gives_int() -> None:
    value, _ = parse_number("２０２０", "integer")
    assert value == 2020 and isinstance(value, int)


# ------------------------------------------------------------------------------------------ text

def test_text_is_kept_as_typed_but_trimmed() -> None:
    assert normalize_text("  公务接待 45 批次 \n") == ("公务接待 45 批次", [])
    assert normalize_text("   ") == (None, [])
    text, notes = normalize_text("满意\u200b度")
    assert text == "满意度" and _codes(notes) == [ZERO_WIDTH]


@pytest.mark.parametrize(("typed", "nature", "codes"), [
    ("≥", "≥", []), (">=", "≥", [NATURE]), ("＜＝", "≤", [NATURE]), ("定性", "定性", []), ("其他", "其他", []),
    # glyph variants seen on real forms (issue #9): read the same way as the roster reads them
    ("≧", "≥", [NATURE]), ("≦", "≤", [NATURE]), ("＞", "≥", [NATURE]), ("＜", "≤", [NATURE]), ("＝", "=", [NATURE]),
    ("═", "=", [NATURE]), ("﹦", "=", [NATURE]), ("不少于", "≥", [NATURE]), ("不超过", "≤", [NATURE]),
])
def test_nature_aliases(typed: str, nature: str, codes: list[str]) -> None:
    value, notes = normalize_nature(typed)
    assert value == nature and _codes(notes) == codes


# ------------------------------------------------------------------------------------------ labels

TREE2 = ("数量指标", "质量指标", "时效指标", "成本指标", "服务对象满意度指标")


@pytest.mark.parametrize(("typed", "label"), [
    ("服务对象满意度指标等", "服务对象满意度指标"), ("1.数量指标：", "数量指标"), ("（一）质量指标", "质量指标"),
    ("时效", "时效指标"), ("成本指标类", "成本指标"), ("服务对象满意度", "服务对象满意度指标"),
    ("质 量 指 标", "质量指标"),
])
def test_label_variants_are_read_as_the_catalogue_label(typed: str, label: str) -> None:
    value, note = normalize_label(typed, TREE2)
    assert value == label and note is not None and note.code == LABEL


@pytest.mark.parametrize("typed", ["数量指标", "指标", "满意度", "其他指标", "社会效益指标"])
def test_exact_and_unknown_labels_stay_as_typed(typed: str) -> None:
    assert normalize_label(typed, TREE2) == (typed, None)
