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
        return _date_text(value, section)
    m = _PATTERN.search(bare)
    if low in ("", "general", "@") or m is None:
        return general(value)
    number = _number(value, m.group())
    before, _, after = _split_at_pattern(section)
    return f"{_literals(before)}{number}{_literals(after)}"


# A date code's parts: a quoted literal, an escaped character, a year/month/day/hour/minute/second token.
_DATE_TOKEN = re.compile(r'"([^"]*)"|\\(.)|(yyyy|yy|e|m{1,5}|d{1,4}|h{1,2}|s{1,2}|a{3,4}|AM/PM|A/P)', re.IGNORECASE)
_WEEKDAYS = "一二三四五六日"
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _date_text(value: float, section: str) -> str:
    """A date as its code shows it: 'yyyy/m/d' shows 44895 as "2022/11/30", 'yyyy"年"m"月"d"日"' as
    "2022年11月30日". A time of day of exactly midnight is left out ('yyyy-mm-dd h:mm:ss', the code a program
    writes for a date, would add " 0:00:00" to a date the clerk typed)."""
    day = date(1899, 12, 30) + timedelta(days=int(value))
    seconds = round((value - int(value)) * 86400)
    hour, minute, second = seconds // 3600, seconds // 60 % 60, seconds % 60
    tokens = list(_DATE_TOKEN.finditer(section))
    if any((t.group(3) or "").lower() in ("am/pm", "a/p") for t in tokens):
        hour = hour % 12 or 12        # a 12-hour clock
    out: list[str] = []
    at = 0
    for i, tok in enumerate(tokens):
        out.append(section[at:tok.start()])
        at = tok.end()
        if tok.group(1) is not None or tok.group(2) is not None:
            out.append(tok.group(1) if tok.group(1) is not None else tok.group(2))
            continue
        t = tok.group(3).lower()
        if not seconds and (t[0] in "hs" or t in ("am/pm", "a/p")):
            out.append("\0")      # a time part at midnight: cut below
            continue
        out.append(_date_part(t, day, (hour, minute, second), _is_minute(tokens, i), seconds >= 43200))
    out.append(section[at:])
    text = "".join(out)
    if "\0" in text:
        text = text[:text.index("\0")].rstrip(" :-/T")
    return text


def _is_minute(tokens: list[re.Match[str]], i: int) -> bool:
    """"m" after an hour or before a second is minutes, not the month."""
    codes = [(t.group(3) or "").lower()[:1] for t in tokens]
    before = next((c for c in reversed(codes[:i]) if c), "")
    after = next((c for c in codes[i + 1:] if c), "")
    return codes[i] == "m" and (before == "h" or after == "s")


def _date_part(t: str, day: date, clock: tuple[int, int, int], minute: bool, pm: bool) -> str:
    hour, mins, second = clock
    if t in ("yyyy", "e"):
        return f"{day.year}"
    if t == "yy":
        return f"{day.year % 100:02d}"
    if t[0] == "m":
        if minute and len(t) <= 2:
            return f"{mins:0{len(t)}d}"
        return {1: f"{day.month}", 2: f"{day.month:02d}", 3: _MONTHS[day.month - 1][:3],
                5: _MONTHS[day.month - 1][0]}.get(len(t), _MONTHS[day.month - 1])
    if t[0] == "d":
        return {1: f"{day.day}", 2: f"{day.day:02d}"}.get(len(t), f"{day:%a}" if len(t) == 3 else f"{day:%A}")
    if t[0] == "h":
        return f"{hour:0{len(t)}d}"
    if t[0] == "s":
        return f"{second:0{len(t)}d}"
    if t in ("aaa", "aaaa"):
        return ("" if t == "aaa" else "星期") + _WEEKDAYS[day.weekday()]
    return "下午" if pm else "上午"


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
