"""codes.make renders each message from a template worked out once per code (what it quotes, its fix joined in
advance): every code must read exactly as the catalogue's template and fix, rendered the plain way, say."""

from __future__ import annotations

from string import Formatter
from typing import Any

import pytest

from xlsform import codes
from xlsform.codes import CATALOGUE, SHOW_CHARS, make, one_line

# What a value may be: numbers of every kind make shows, texts that need cutting or cleaning, nothing.
VALUES: list[Any] = [None, 8.08, 10.0, -0.0, 7, True, 10**120, float("inf"), "满意率100%", "行一\n行二\x1b[31m",
                     "长" * (SHOW_CHARS + 5), "\u3000全角空格", "含{花括号}的文字", ""]


def _plain_short(text: str) -> str:
    text = one_line(text)
    return text if len(text) <= SHOW_CHARS else text[:SHOW_CHARS] + "…"


def _plain_show(x: Any) -> str:
    if x is None:
        return "（空）"
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return _plain_short(str(x))


def _reference(code: str, sheet: str | None, cell: str | None, field: str | None, value: Any, expected: Any,
               extra: dict[str, Any]) -> str:
    """The message as make rendered it before its templates were prepared: every value shown, then the fix."""
    c = CATALOGUE[code]
    where = f"{sheet}!{cell}" if sheet and cell else (cell or "")
    args: dict[str, Any] = {"rows": "", "others": "", "shown": ""}
    args.update({k: _plain_short(v) if v and isinstance(v, str) else v for k, v in extra.items()})
    args.update(cell=where or "—", field=field or "", value=_plain_show(value), expected=_plain_show(expected))
    text = c.message.format_map(args)
    if c.fix:
        text = f"{text}。{c.fix}" if not text.endswith(("。", "！", "？")) else f"{text}{c.fix}"
    return text


def _names(code: str) -> set[str]:
    return {n for _, n, _, _ in Formatter().parse(CATALOGUE[code].message) if n}


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_message_renders_as_its_template_says(code: str) -> None:
    extra_names = _names(code) - {"cell", "field", "value", "expected"}
    for i, value in enumerate(VALUES):
        other = VALUES[-1 - i]
        extra = {n: VALUES[(i + j) % len(VALUES)] for j, n in enumerate(sorted(extra_names))}
        for sheet, cell in (("表", "A1"), (None, "B2"), (None, None)):
            f = make(code, file="f.xlsx", sheet=sheet, cell=cell, field="字段", key="k", value=value,
                     expected=other, **extra)
            assert f.message == _reference(code, sheet, cell, "字段", value, other, extra), (code, value)
            assert (f.severity, f.value, f.expected, f.sheet, f.cell) == \
                (CATALOGUE[code].severity, value, other, sheet, cell)


def test_a_fix_with_braces_and_a_message_ending_in_a_value_render_as_written() -> None:
    codes.register(codes.Code("XF990", "info", "测试", "值为 {value}", "请改为「{不是占位符}」。"),
                   codes.Code("XF991", "info", "测试", "值为 {value}。", "请改为「{不是占位符}」。"),
                   # a literal "%" (and "%s") in a message: the message is rendered as a %-format
                   codes.Code("XF992", "info", "测试", "{field}为 {value}%（%s 不是占位符）", "请核对 100%。"),
                   codes.Code("XF993", "info", "测试", "执行率 100%，%d 字", "请核对。"))
    try:
        for code in ("XF990", "XF991", "XF992", "XF993"):
            for value in ("好。", "好", 1.5):
                assert make(code, field="率", value=value).message \
                    == _reference(code, None, None, "率", value, None, {})
    finally:
        for code in ("XF990", "XF991", "XF992", "XF993"):
            CATALOGUE.pop(code)
            codes._TEMPLATES.pop(code, None)


def test_a_missing_placeholder_is_still_a_key_error() -> None:
    with pytest.raises(KeyError):
        make("XF507", cell="A1")   # "{other}": the row it repeats
