"""A number as Excel shows it with its cell's number format: what a hand-made form's target or actual reads.

A clerk who types 0.8 into a cell formatted "0%" sees and means "80%"; 1.0259 under "0.00%" is "102.59%".
Only the formats such forms use are rendered (percent, fixed decimals, thousands, dates, General); any other
code shows the number as General would.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from xlsform.xlsx import as_text

_LITERAL = re.compile(r'"([^"]*)"|\\(.)')
_NOISE = re.compile(r"\[[^\]]*\]|_.|\*.")
_PATTERN = re.compile(r"[0#?,.%]+(?:E[+-]0+)?")
_DECIMALS = re.compile(r"\.(0+)")


def shown(value: float, code: str | None) -> str:
    """`value` as a cell with number format `code` shows it: '"（"0"年度）"' shows 2020 as "（2020年度）"."""
    if not code:
        return general(value)
    section = _NOISE.sub("", code.split(";")[0]).strip()
    bare = _LITERAL.sub("", section)
    low = bare.lower()
    if any(c in low for c in "ymd") and "0" not in bare and 1 <= value < 2958466:
        day = date(1899, 12, 30) + timedelta(days=int(value))
        return f"{day.year}年{day.month}月{day.day}日" if "年" in section else day.isoformat()
    m = _PATTERN.search(bare)
    if low in ("", "general", "@") or m is None:
        return general(value)
    number = _number(value, m.group())
    before, _, after = _split_at_pattern(section)
    return f"{_literals(before)}{number}{_literals(after)}"


def _split_at_pattern(section: str) -> tuple[str, str, str]:
    """The code around its first number pattern that is not inside a quoted literal."""
    pos = 0
    for lit in _LITERAL.finditer(section):
        m = _PATTERN.search(section, pos, lit.start())
        if m:
            return section[:m.start()], m.group(), section[m.end():]
        pos = lit.end()
    m = _PATTERN.search(section, pos)
    return (section[:m.start()], m.group(), section[m.end():]) if m else (section, "", "")


def _literals(text: str) -> str:
    return _LITERAL.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)


def _number(value: float, pattern: str) -> str:
    if "%" in pattern:
        return f"{_fixed(value * 100, _places(pattern), False)}%"
    return _fixed(value, _places(pattern), "," in pattern)


def _places(code: str) -> int:
    m = _DECIMALS.search(code)
    return len(m.group(1)) if m else 0


def _fixed(value: float, places: int, grouped: bool) -> str:
    d = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{d:,}" if grouped else f"{d}"


def general(value: float) -> str:
    """Excel's General: integers as such, other numbers to at most 10 significant digits."""
    text = as_text(value)
    if len(text) <= 11 or "e" in text:
        return text
    return f"{value:.10g}"
