"""Typed-value normalisation: what clerks really type into number cells, read as the number they meant.

Pure functions, no I/O. Each accepted deviation from a plain number comes back as a `Note` carrying a
catalogue code and a Chinese phrase saying what was done, so the reader can report it as an info finding;
text that cannot be the number the field needs comes back as an error note quoting nothing but the facts
(the reader quotes the text). Issue #3 lists the cases: full-width digits and punctuation, thousands
separators, surrounding and zero-width spaces, "4753.66万元", "95%" vs "0.95" vs "95" in a percent field,
"——" / "--" / "/" / "无" as empty.

It is also the one place for how text is compared (the text section below): full- and half-width forms,
look-alike glyphs, spaces and line breaks, punctuation. The reader, the importer, the expression parser and
the checks all compare text through `fold`, `compact`, `bare` and `letters`, so "（≥**人）" typed with
full-width brackets, a label broken over two lines and an instruction copied with its punctuation changed are
the same text to every one of them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Set
from functools import lru_cache
from typing import NamedTuple

from xlsform.lazyre import lazy

# Entries each cache keyed on a text keeps (the least recently used go first): a round's texts that repeat,
# the prefilled indicators, are a few hundred a template and stay; a unit's own texts are read once or twice
# in its return. 16,384 of them took each checking process 40 MB over a round of distinct texts.
TEXT_CACHE = 2_048

# Catalogue codes (xlsform/codes.py, reading section).
UNIT = "XF201"            # 万元 / 万 / 分 after the number
FULL_WIDTH = "XF202"      # full-width digits and punctuation
SEPARATORS = "XF203"      # thousands separators, spaces, zero-width characters
PERCENT = "XF204"         # 95% -> 0.95, or 95 read as 95% in a percent field
PLACEHOLDER = "XF205"     # —— / -- / 无 read as empty
TEXT_NUMBER = "XF206"     # a number stored as text
NEGATIVE = "XF207"        # (12.5) -> -12.5
YUAN = "XF208"            # an amount in 元 where the form wants 万元: warned, never divided
ZERO_WIDTH = "XF209"      # invisible characters removed from text
NATURE = "XF210"          # ">=" -> "≥"
NOT_A_NUMBER = "XF220"    # error

# Zero-width and byte-order characters that survive copy-paste from web pages and WeChat.
INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE_CHARS), None)
HAS_INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}]")   # a C-speed test before a per-character translate
# Full-width ASCII (U+FF01–FF5E) and the ideographic space, as IMEs in full-width mode type them, and Word's "−".
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0x2212: 0x2D}
# Glyphs that look like the plain ones and mean the same: no-break space, ≧ ≦ ⩾ ⩽, ═ ﹦.
_LOOKALIKES = {0x00A0: 0x20, 0x2267: 0x2265, 0x2266: 0x2264, 0x2A7E: 0x2265, 0x2A7D: 0x2264, 0x2550: 0x3D,
               0xFE66: 0x3D}
_GLYPHS = {**_FULL_WIDTH, **_LOOKALIKES, **_INVISIBLE}
_PLACEHOLDERS = frozenset({"-", "--", "---", "—", "——", "———", "―", "――", "─", "/", "\\", "无", "空",
                           "n/a", "N/A", "NA", "暂无"})
_NUMBER = lazy(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$")
_GROUPED = lazy(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_SPACES = re.compile(r"\s+")          # spaces, tabs and line breaks alike


class Note(NamedTuple):
    """What normalising a typed value did or found (a finding code and its detail)."""

    code: str
    detail: str           # what was done, in Chinese ("去掉了单位“万元”")

    @property
    def error(self) -> bool:
        return self.code == NOT_A_NUMBER


Number = float | int


# ------------------------------------------------------------------------------------------ numbers

def parse_number(text: str, ftype: str = "number") -> tuple[Number | None, list[Note]]:
    """Text typed into a numeric field -> (value, notes). `ftype` is the spec's field type.

    Empty and placeholder text give None. Text that is no number gives None and one error note.
    A percent field gives a fraction (95% -> 0.95); an integer field gives an int.
    """
    notes: list[Note] = []
    s = _clean(text, notes)
    if s in _PLACEHOLDERS:
        return None, [Note(PLACEHOLDER, f"“{s}”按未填写读取")]
    if not s:
        return None, notes
    bare, scale = _strip_units(s, ftype, notes)
    if bare is None:
        return None, [*notes, _not_a_number(ftype)]
    value = _plain_number(bare, notes)
    if value is None:
        return None, [*notes, _not_a_number(ftype)]
    if scale != 1:
        value /= scale
    elif ftype == "percent":
        value = percent_value(value, notes)
    if not notes:
        notes.append(Note(TEXT_NUMBER, "文本格式的数字已按数值读取"))
    return _typed(value, ftype, notes)


# Larger than any amount in 万元, score or count a form can hold; beyond it Decimal's 28 digits cannot round
# to cents, so a hostile 1e300 would stop the checks of its file.
MAX_NUMBER = 1e15


def percent_value(value: float, notes: list[Note]) -> float:
    """A bare number in a percent field: above 1 it was meant as a percentage (95 -> 0.95)."""
    if 1 < abs(value) <= 1000:
        notes.append(Note(PERCENT, f"{_show(value)} 视为 {_show(value)}%"))
        return value / 100
    return value


def _typed(value: float, ftype: str, notes: list[Note]) -> tuple[Number | None, list[Note]]:
    if ftype != "integer":
        return value, notes
    if not value.is_integer():
        return None, [*notes, Note(NOT_A_NUMBER, "需要整数")]
    return int(value), notes


def _clean(text: str, notes: list[Note]) -> str:
    s = text.translate(_INVISIBLE)
    if s != text:
        notes.append(Note(SEPARATORS, "去掉了不可见字符"))
    wide = s.translate(_FULL_WIDTH)
    if wide != s:
        notes.append(Note(FULL_WIDTH, "全角字符已转为半角"))
    s = wide.replace("\u00a0", " ")
    stripped = _SPACES.sub("", s)      # spaces inside a number too: "1 234.5" is how some systems group digits
    if stripped and stripped != s:
        notes.append(Note(SEPARATORS, "去掉了空格"))
    return stripped


def _strip_units(s: str, ftype: str, notes: list[Note]) -> tuple[str | None, float]:
    """Remove the units the field's own unit allows; (None, 1) for a unit that cannot be right."""
    if s.endswith("%"):
        if ftype != "percent":
            return None, 1
        notes.append(Note(PERCENT, "百分数已换算为小数"))
        return s[:-1], 100
    for unit in ("万元", "万"):
        if s.endswith(unit) and ftype == "amount":
            notes.append(Note(UNIT, f"去掉了单位“{unit}”"))
            return s[: -len(unit)], 1
    if s.endswith("元") and ftype == "amount" and not s.endswith(("亿元", "千元")):
        # The form is in 万元; dividing by 10,000 silently could hide a real mistake, so say so instead.
        notes.append(Note(YUAN, "单位为“元”，已按所填数字读取，未换算为万元"))
        return s[:-1], 1
    if s.endswith("分") and ftype in ("score", "number", "integer"):
        notes.append(Note(UNIT, "去掉了“分”"))
        return s[:-1], 1
    return s, 1


def _plain_number(s: str, notes: list[Note]) -> float | None:
    negative = s.startswith("(") and s.endswith(")")
    if negative:
        s = s[1:-1]
        notes.append(Note(NEGATIVE, "括号表示的负数已按负数读取"))
    if "," in s:
        if not _GROUPED.match(s):
            return None
        s = s.replace(",", "")
        notes.append(Note(SEPARATORS, "去掉了千分位分隔符"))
    if not _NUMBER.match(s):
        return None
    value = float(s)
    if not math.isfinite(value) or abs(value) >= MAX_NUMBER:      # "1e999", or 1e30 that no form can mean
        return None
    return -value if negative else value


def _not_a_number(ftype: str) -> Note:
    return Note(NOT_A_NUMBER, "需要整数" if ftype == "integer" else
                ("需要百分数" if ftype == "percent" else "需要数字"))


def _show(x: float) -> str:
    return str(int(x)) if x.is_integer() else repr(x)


# --------------------------------------------------------------------------------------------- text

def normalize_text(text: str) -> tuple[str | None, list[Note]]:
    """Free text as the reader keeps it: surrounding spaces dropped, invisible characters removed (reported),
    the rest as typed (comparisons fold it, the record does not)."""
    cleaned = text.translate(_INVISIBLE) if HAS_INVISIBLE.search(text) else text
    notes = [Note(ZERO_WIDTH, "去掉了不可见字符")] if cleaned != text and cleaned.strip() else []
    cleaned = cleaned.strip()
    return (cleaned or None), notes


def fold(text: str) -> str:
    """Invisible characters out, full-width and look-alike glyphs as the plain ones; spaces kept."""
    return text.translate(_GLYPHS)


@lru_cache(maxsize=TEXT_CACHE)   # the same prefilled texts repeat in every return of a round
def compact(text: str) -> str:
    """`fold` without any whitespace (line breaks included): how targets, actuals and labels are parsed and
    compared ("＞＝ 95 ％" and ">=95%" are one text)."""
    # text.translate(_GLYPHS), by the few characters that change: translate looks every character of a
    # Chinese text up in the table, and every text cell of every return is compacted (40% faster). Each
    # distinct glyph is replaced throughout in one str.replace, not by a Python call for every one found (a
    # sentence has a dozen "，" and "（）": a third of the time); no glyph becomes another (a test holds it).
    # The spaces go by str.split (the same characters as _SPACES' \s: a test holds it), not a pattern tried
    # at every place of the text (a seventh of the instructions).
    found = _GLYPH_FIND(text)
    if found:
        for glyph in set(found):
            text = text.replace(glyph, _GLYPH_TEXT[glyph])
    return "".join(text.split())


_GLYPH_CHARS = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_GLYPHS)) + "]")
_GLYPH_TEXT = {chr(c): "" if to is None else chr(to) for c, to in _GLYPHS.items()}
_GLYPH_FIND = _GLYPH_CHARS.findall



# Everything but letters (CJK included), digits and the comparison signs a target carries.
_NOT_WORD = re.compile(r"[^\w≥≤<>=%]|_")
_NOT_LETTER = re.compile(r"[\W\d_]")


@lru_cache(maxsize=TEXT_CACHE)
def bare(text: str) -> str:
    """`compact` without punctuation: "对照年度目标，说明…（100字以内）" and "对照年度目标,说明…(100字以内)。"
    are one text. Figures, comparison signs and "%" stay: "≥**人" is not "**人", "≥95%" is not "95%"."""
    return _NOT_WORD.sub("", compact(text))


@lru_cache(maxsize=TEXT_CACHE)
def letters(text: str) -> str:
    """The words of a text alone (no figures, signs, punctuation or spaces), as shifted rows and tasks
    retyped under another 二级 are compared: "确保满意率达95%以上" and "满意率达到98%" share their words."""
    return _NOT_LETTER.sub("", compact(text))


# ------------------------------------------------------------------------------------ units after a figure
# One unit spelled several ways ("5.2km" for "≥5公里", "105㎡" for "≥100平方米"): read as the first spelling.
_UNIT_SPELLINGS = {"km": "公里", "千米": "公里", "㎞": "公里", "m": "米", "m²": "平方米", "m2": "平方米",
                   "㎡": "平方米", "平米": "平方米", "m³": "立方米", "m3": "立方米", "kg": "公斤", "千克": "公斤",
                   "㎏": "公斤"}
# Measure words that count the same kind of thing: a reviewer reads "12家" against "≥10个", "3场" against
# "≥3次" as one count. People, events and things stay apart ("120人" is no answer to "≥3次").
_COUNTERS = (frozenset("个家户所座处台套件份项辆间栋张块部"), frozenset("人名位"),
             frozenset({"次", "场", "期", "批", "轮", "场次", "批次", "期次"}))


def unit_spelling(unit: str) -> str:
    return _UNIT_SPELLINGS.get(unit.lower(), unit)


def same_count(a: str, b: str) -> bool:
    """Whether two measure words count the same kind of thing ("个" and "家", "次" and "场")."""
    return any(a in group and b in group for group in _COUNTERS)


@lru_cache(maxsize=1)
def _nature_aliases() -> dict[str, str]:
    # imported here: the expression parser compares text through this module (one direction at import time)
    from xlsform.expressions import NATURE_OF, OPS_BEFORE

    return {**{w: NATURE_OF[op] for w, op in OPS_BEFORE if NATURE_OF[op] in ("≥", "≤", "=")},
            "定性": "定性", "定性指标": "定性", "等于": "=", "==": "="}


def normalize_nature(text: str) -> tuple[str | None, list[Note]]:
    """指标性质: the four values of the dropdown, accepting what people type when the dropdown is bypassed."""
    value, notes = normalize_text(text)
    if value is None:
        return None, notes
    canonical = _nature_aliases().get(compact(value))
    if canonical is None or canonical == value:
        return value, notes
    return canonical, [*notes, Note(NATURE, f"“{value}”按“{canonical}”读取")]


# --------------------------------------------------------------------------------------------- labels

LABEL = "XF230"           # a 一级/二级指标 written with an extra word or numbering, read as the catalogue's label
_LABEL_NOISE = lazy(r"^(?:[（(]?[一二三四五六七八九十\d]+[)）、.．]\s*)+|[：:、。，,；;]+$|(?:等|类|方面)+$")


@lru_cache(maxsize=TEXT_CACHE)
def normalize_label(text: str, choices: tuple[str, ...]) -> tuple[str, Note | None]:
    """A level label as the catalogue spells it: "服务对象满意度指标等", "1.产出指标：", "满意度" -> the one
    choice it names, with a note; any other text comes back as it is (the checks report it). A level named
    as a goal ("产出目标", "数量目标": the 绩效目标表's words, Fujian's forms) is the indicator of that name."""
    if text in choices:
        return text, None
    s = _LABEL_NOISE.sub("", compact(text))
    s = _LABEL_NOISE.sub("", s)   # "（一）产出指标等：" has noise on both ends
    if s.endswith("目标") and s[:-2] + "指标" in choices:
        s = s[:-2] + "指标"
    found = [c for c in choices if c == s] or \
            [c for c in choices if len(s) >= 2 and (c.startswith(s) or s.startswith(c) or c == s + "指标")]
    if len(found) != 1:
        return text, None
    return found[0], Note(LABEL, f"按指标体系中的“{found[0]}”读取")


# ------------------------------------------------------------------------------------ template placeholders
# Text that stands in for content: the template's own examples ("指标2:"), ellipses, "XX"/"**" placeholders, and
# instructions copied from the notes ("请填写…"). Matched on the compact text; compiled once: a batch runs this
# on every text cell of every return.
_TEMPLATE_TEXT = lazy("|".join((
    r"^(?:[一二三]级)?(?:(?:指标|目标|内容|原因|措施)(?:\d*|[一二三四五六七八九十]{1,2}):|指标(?:\d+|[一二三四五六七八九十]{1,2}))$",
    r"^(?:[一二三]级)?指标(?:\d+|[一二三四五六七八九十]{1,2}):?[-—―─/\\]{1,3}$",   # "指标1:/": a slot marked unused
    r"^[.。…⋯·•・\-—_、]*(?:…|⋯|\.\.\.|[·•・。]{3})[.。…⋯·•・\-—_、]*$",                # "……", "...", "···"
    r"(?<![A-Za-z])[xX×]{2,}(?![A-Za-z])|\*{2,}|某某|○○",                          # "XX单位", "≥**人"
    r"(?<![A-Za-z])[xX×](?=[年月日%])",                                             # "X月底前", "≥X%"
    r"请(?:在此)?(?:填写|填入|输入|选择|录入)|此处填写|填写说明|例如:$",              # instructions
    r"\(可(?:根据实际|根据需要|自行)?(?:增加|添加|增删|删减)[^()]{0,6}\)$",                 # "（可自行增加）"
)))
# The template's hint after a name ("旅游景点开发数量（≥**个）", "受益人口数≥**人"): a placeholder in brackets or
# after a comparison sign. The name is content; "XX村道路硬化" is a placeholder for a name, no hint.
_HINT = lazy(r"\([≥≤<>=]{0,2}(?:\*{2,}|[xX×]{2,})[^()]{0,4}\)|[≥≤<>=]{1,2}(?:\*{2,}|[xX×]{2,})[^()≥≤<>=]{0,3}")
# Guidance on how to fill the cell, left in it: "根据实际情况填写", "此栏填写实际完成值" (an answer never says how
# to fill its own cell; "统计报表按时填报" as a target names work, and is not anchored so).
_FILL_IN = lazy(r"^(?:根据|按照?|依据)实际(?:完成)?(?:情况)?(?:如实)?(?:填写|填报|填列)$"
                      r"|^(?:此|本)[栏处格](?:填写|填报|填列)")
# A word limit closing the text: guidance says how much to write, an answer does not ("（100字以内）").
_LIMIT = re.compile(r"\(?(?:限|不超过|不多于)?\d++字(?:以内|以下|左右)?\)?[。.]?$")
GUIDANCE_MAX = 300   # a template's guidance is a sentence or two; longer text is someone's own
# Marks a form prints in a cell that has nothing to hold ("—" under 分值 of a 其中 row, "/" for no target).
DASHES = frozenset({"-", "--", "---", "—", "——", "———", "―", "――", "─", "/", "//", "\\", "－", "／"})


@lru_cache(maxsize=TEXT_CACHE)   # prefilled texts repeat in every return of a round
def is_placeholder(text: str) -> bool:
    """Template text left in place of content ("指标2：", "……", "XX单位", "≥**人", "请填写……"). A hint left
    after a real name ("开发数量（≥**个）") is not: the name is content (`template_guidance` finds the hint)."""
    s = compact(text)
    return _may_be_template(s) and _TEMPLATE_TEXT.search(s) is not None and _hint(s) is None


# Every text cell of every return goes through the three patterns above, most of them a unit's own words that
# none can match: these tests, each a character or two that a match cannot do without, spare the searches
# (the alternation tried at every position of a sentence cost more than the rest of the cell's checks).
# _TEMPLATE_TEXT: its anchored alternatives start with one of _TEMPLATE_FIRST or a level ("一级": a sentence
# opening "一、" is none of them), the others hold a _TEMPLATE_MARKS ("此处填写" a "填") or "(可".
_TEMPLATE_FIRST = frozenset("指目内原措.。…⋯·•・-—_、")
_LEVELS = ("一级", "二级", "三级")
_MARK_CHARS = "xX×*某○请填例"
_TEMPLATE_MARKS = re.compile(f"[{_MARK_CHARS}]")
_MAY_ADD = "(可"     # "（可自行增加）": 可 alone is in every 可持续 of a form


def _may_be_template(s: str) -> bool:
    return bool(s) and (s[0] in _TEMPLATE_FIRST or s.startswith(_LEVELS) or _TEMPLATE_MARKS.search(s) is not None
                        or _MAY_ADD in s)


def _may_limit(s: str) -> bool:
    """_LIMIT ends in 字 and at most four characters after it (以内, "）", "。")."""
    return "字" in s[-5:]


@lru_cache(maxsize=TEXT_CACHE)
def template_guidance(text: str, instructions: tuple[str, ...]) -> str | None:
    """The template's own guidance a text still holds, if any: one of `instructions` (loosely: widths,
    spaces, punctuation and the word limit do not matter), a text that closes with a word limit, or a hint
    such as "（≥**个）" left after a name (returned alone). None for anything else."""
    if len(text) > GUIDANCE_MAX:
        return None
    s = compact(text)
    limit = _may_limit(s)
    # bare() of a compact text without compacting it again (compact(compact(t)) is compact(t): a test holds it)
    if (limit and _LIMIT.search(s)) or _FILL_IN.match(s) \
            or _NOT_WORD.sub("", _LIMIT.sub("", s) if limit else s) in _instruction_texts(instructions):
        return text
    return _hint(s)


def _hint(s: str) -> str | None:
    if "*" not in s and "x" not in s and "X" not in s and "×" not in s:    # _HINT needs "**" or two of them
        return None
    hint = _HINT.search(s)
    return hint.group() if hint and len(letters(s[:hint.start()] + s[hint.end():])) >= 2 else None


@lru_cache(maxsize=16)
def _instruction_texts(instructions: tuple[str, ...]) -> frozenset[str]:
    return frozenset(bare(_LIMIT.sub("", compact(t))) for t in instructions) - {""}


# ------------------------------------------------------------------ a form's stand-ins, refused at a glance
# A return's text cells are mostly a unit's own sentences, each read once: compacting every one of them to
# ask whether it is template text costs more than the rest of its checks. The gates (`template_gate`,
# `label_gate`) ask the raw text instead, with what every such text must show: compact, bare and letters work
# character by character (a character becomes at most one, or none), so where a compact text starts or ends,
# or which characters it holds, can be read from the raw text, skipping what compact (or bare) drops.
def _class(chars: Iterable[str]) -> str:
    """A regex class's contents for `chars`, runs of consecutive characters written as ranges (the 94
    full-width forms one range: a class of them enumerated costs sre milliseconds to compile in every
    checking process)."""
    points, out = sorted(set(map(ord, chars))), []
    i = 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        out.append(re.escape(chr(points[i])) + (f"-{re.escape(chr(points[j]))}" if j > i else ""))
        i = j + 1
    return "".join(out)


def _like(chars: Iterable[str]) -> str:
    """A regex class's contents: `chars` and every glyph that compact turns into one of them."""
    want = set(chars)
    return _class(want | {g for g, to in _GLYPH_TEXT.items() if to in want})


def _dropped(kept_as_is: str, also: str, gone: Callable[[str], bool]) -> str:
    """One character that compact (and whatever `gone` says is dropped after it) drops: any but those
    `kept_as_is` (a class's contents) and the glyphs compact turns into a kept character; or one of `also`,
    or a glyph compact turns into a dropped one."""
    as_is = re.compile(f"[{kept_as_is}]")
    # only the kept glyphs that would not be kept as themselves need naming (a class costs sre a
    # bitmap to compile for each character beyond Latin-1 it names)
    kept = _class(g for g, to in _GLYPH_TEXT.items() if not gone(to) and not as_is.match(g))
    lost = _class(g for g, to in _GLYPH_TEXT.items() if gone(to))
    return f"(?:[^{kept_as_is}{kept}]|[{also}{lost}])"


_COMPACT_GONE = _dropped(r"\S", "", lambda t: not _SPACES.sub("", t))        # spaces (\s: the rest is \S)
_BARE_GONE = _dropped(r"\w≥≤<>=%", "_", lambda t: not _NOT_WORD.sub("", _SPACES.sub("", t)))   # _NOT_WORD


def _ends(texts: Iterable[str], gone: str) -> str:
    """Texts whose (compact or bare) form can be one of `texts` (non-empty): it starts with one's first
    character and ends with one's last (or is a single character)."""
    texts = list(texts)
    return f"{gone}*[{_like(t[0] for t in texts)}](?:.*[{_like(t[-1] for t in texts)}])?{gone}*\\Z"


def _first_asks(firsts: Set[str], pattern: re.Pattern[str]) -> Callable[[str], bool]:
    """`pattern` matched at a text's start, asked only when the text does not open with a letter that compact
    and bare keep as itself and that is none of `firsts` (the characters the pattern can start with)."""
    start = pattern.match

    def asks(text: str) -> bool:
        first = text[:1]
        return (first in firsts or not first.isalnum() or first in _GLYPH_TEXT) and start(text) is not None

    return asks


def template_gate(instructions: tuple[str, ...]) -> Callable[[str], bool]:
    """A test every text passes that `is_placeholder` or `template_guidance(text, instructions)` can answer:
    a text it fails is neither, told without compacting it. Most of a return's texts (a unit's own
    sentences, each read once) fail it."""
    guidance = _instruction_texts(instructions)
    starts = [f"{_COMPACT_GONE}*(?:[{_like(_TEMPLATE_FIRST)}]|[{_like('一二三')}]{_COMPACT_GONE}*级)"]
    # a text holding no "字" has no word limit to take off before it is compared with the guidance
    starts += [_ends(guidance, _BARE_GONE)] if guidance else []
    start = _first_asks(_TEMPLATE_FIRST | set("一二三") | {t[0] for t in guidance}, re.compile("|".join(starts), re.S))
    # "字": a word limit (_LIMIT); _FILL_IN's every match holds a "填", one of the marks
    marked = re.compile(f"[{_like(_MARK_CHARS + '字')}]").search
    may_add = re.compile(f"[{_like('(')}]{_COMPACT_GONE}*可").search

    def may_be_template(text: str) -> bool:
        return start(text) or marked(text) is not None or ("可" in text and may_add(text) is not None)

    return may_be_template


def label_gate(words: Iterable[str]) -> Callable[[str], bool]:
    """A test every text passes whose compact form is one of `words` (a form's printed labels)."""
    words = set(words)
    if "" in words:
        return lambda text: True
    if not words:
        return lambda text: False
    return _first_asks({w[0] for w in words}, re.compile(_ends(words, _COMPACT_GONE), re.S))


def is_dash(text: str) -> bool:
    """A cell that only marks "nothing here": a dash or a slash."""
    return compact(text) in DASHES or text.strip() in DASHES


# ---------------------------------------------------------------------------------------- printed labels
# What a hand-made form prints as a label, reduced to what it names (xlsform/importer reads forms by their
# labels): "全年预算数\n(A)", "执行率\n((B-C)/A)", "产\n出\n指\n标\n（50分）", "其中：本年财政拨款", "年度资金总额：",
# "权　重" all come down to the word a vocabulary lists.
_BRACKETED = lazy(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕")
_LABEL_LEAD = lazy(r"^(?:其中[:：]?|[（(]?[一二三四五六七八九十\d]+[)）、.．][:：]?|[\u2460-\u2473]+)")
_LABEL_TAIL = lazy(r"[:：*＊]+$")
# The column's number and formula some templates print after its name: "小计\n③=①+②", "支出实现率(%)⑤=④/③".
_FORMULA_TAIL = lazy(r"[\u2460-\u2473]+(?:=[\u2460-\u2473A-Za-z()+\-*/×÷]+)?$")
_WEIGHT_NOTE = lazy(r"\((\d+(?:\.\d+)?)分\)")
_UNIT_NOTE = lazy(r"(?:\(|单位[:：])\s*(万元|元)\s*\)?")
LABEL_MAX = 60    # a longer text is a sentence, not a label


@lru_cache(maxsize=TEXT_CACHE)
def label_key(text: str) -> str:
    """A printed label as the word it names: invisible characters, spaces and line breaks (vertical text)
    out, full-width to half-width, bracketed notes ("(A)", "（50分）", "(万元)"), a leading "其中：" or list
    number ("2.", "①"), a trailing column number or formula ("④", "③=①+②") and trailing colons dropped.
    "" for text too long to be a label."""
    if len(text) > LABEL_MAX * 2:
        return ""
    s = compact(text)
    previous = None
    while previous != s:              # nested brackets: "((B-C)/A)"
        previous, s = s, _BRACKETED.sub("", s)
    s = _LABEL_TAIL.sub("", _FORMULA_TAIL.sub("", _LABEL_LEAD.sub("", s)))
    return s if len(s) <= LABEL_MAX else ""


def label_weight(text: str) -> float | None:
    """The weight a label carries in brackets: "产出指标\n(50分)" -> 50."""
    m = _WEIGHT_NOTE.search(compact(text))
    return float(m.group(1)) if m else None


def label_unit(text: str) -> str | None:
    """The money unit a label states: "资金情况\n(万元)" -> "万元", "年度预算数(元)" -> "元"."""
    m = _UNIT_NOTE.search(compact(text))
    return m.group(1) if m else None
