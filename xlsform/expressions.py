"""Targets and actuals read as a performance reviewer reads them: the one parser the roster, reader and checks use.

Units write a target or an actual as free text: "≥95%", "不低于95%", "1.2万人次", "80%-90%", "9月底前",
"有效提升", "/" or the template's own hint. `parse(text)` turns any of them into an `Expr`, a typed value
that keeps the original text: its kind, the comparison, the bounds in one canonical unit (万元 and 亿元 become
元, 百分比 and 个百分点 become %), a deadline as (year, month, day), or a qualitative band. Pure functions
of the text, cached per process: the same targets repeat across every return of a round.

`compare(target, actual, year)` says how far an actual meets a target (a share of the weight it supports,
before the spec's scoring rules turn it into points: see `xlsform.scoring.support`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

from xlsform.lazyre import lazy
from xlsform.normalize import TEXT_CACHE, compact, same_count, unit_spelling

# Kinds of expression.
NUMBER = "number"            # one figure, maybe with a comparison: "≥95%", "411 次"
RANGE = "range"              # "80%-90%"
DEADLINE = "deadline"        # "9月底前", "8月20日完成"
QUALITATIVE = "qualitative"  # "有效", "基本完成"
NONE = "none"                # not a value: blank, "/", "≥**人", "指标2:", the form's own hint
TEXT = "text"                # words a reviewer cannot measure ("保障了各项工作正常运转")

# Qualitative bands (names as the scoring rules and the messages use them).
MET, PARTLY, MISSED = "达成", "部分达成", "未达成"


# Comparison words, longest first so "不高于" wins over "高于"; canonical operators ≥ > ≤ < = ≠.
OPS_BEFORE = sorted(
    [(w, "≥") for w in ("≥", ">=", "=>", "大于等于", "大于或等于", "不低于", "不少于", "不小于", "至少",
                        "不得低于", "不得少于")]
    + [(w, ">") for w in (">", "超过", "高于", "大于", "多于")]
    + [(w, "≤") for w in ("≤", "<=", "=<", "小于等于", "小于或等于", "不高于", "不超过", "不多于", "不大于",
                          "控制在", "不得超过", "不得高于", "最多")]
    + [(w, "<") for w in ("<", "低于", "少于", "小于")]
    + [(w, "≠") for w in ("≠", "!=", "<>", "不等于")]
    + [(w, "=") for w in ("==", "=", "等于")],
    key=lambda p: -len(p[0]))
_OPS_AFTER = (("及以上", "≥"), ("或以上", "≥"), ("以上", "≥"), ("及以下", "≤"), ("或以下", "≤"), ("以下", "≤"),
              ("以内", "≤"), ("之内", "≤"), ("内", "≤"))
_OPS_AFTER_WORDS = tuple(word for word, _ in _OPS_AFTER)
OPERATORS = frozenset(op for _, op in OPS_BEFORE)
# Natures (the spec's 指标性质 column) as the dropdown offers them: strict comparisons are read as the wide ones.
NATURE_OF = {"≥": "≥", ">": "≥", "≤": "≤", "<": "≤", "=": "=", "≠": "≠"}

_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?|\.\d+"
_FIGURE = re.compile(rf"({_NUM})\s*(万|亿|千)?")
# Units whose figures convert: amounts to 元, shares to %.
_AMOUNTS = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}
_SHARES = ("个百分点", "百分点", "百分比", "%", "‰")
_UNIT_STOPS = ("及", "或", "以", "左右", "内", "按", "的", "为", "和", "至", "到", "，", "。", "前", "后", "完成",
               "之", "每")
_RANGE_SEP = re.compile(r"^\s*(?:-|~|～|—|–|至|到)\s*")

# Deadlines: a month (and day) with "前"/"底前"/"内", or a period of the year.
_DATE = lazy(r"(?:(\d{4})\s*[年./-]\s*)?(\d{1,2})\s*(?:月份?|[./-](?=\d))\s*(?:(\d{1,2})\s*[日号]?)?"
                   r"\s*(底|末|中旬|上旬|下旬|初)?")
_PERIODS = ((re.compile(r"年底|年末|年内|年度内|^(?:当年|本年度?|全年)(?:内|底|末)?(?:完成|实施)?$"), 12),
            (re.compile(r"(?:第?[一1]|首)季度末?"), 3), (re.compile(r"上半年|年中|第?[二2]季度末?"), 6),
            (re.compile(r"第?[三3]季度末?|前三季度"), 9), (re.compile(r"第?[四4]季度末?"), 12),
            (re.compile(r"下半年"), 12))
_DEADLINE_WORDS = lazy(r"前|之前|以前|底|末|内|截止|完成|按期|按时|季度|上半年|下半年|年内|年底|年末")

# Not a value: what stands in for one.
_PLACEHOLDERS = frozenset({"", "-", "--", "---", "—", "——", "———", "―", "――", "─", "/", "//", "\\", "无", "空",
                           "n/a", "na", "暂无", "略", "见附件", "详见附件", "待定", "*", "**", "***", "xx",
                           "xxx", "…", "……", "...", "......", "。", "null", "none", "?", "？"})
_NOT_A_VALUE = re.compile("|".join((
    r"^[\s*＊xX×?？_.…。\-—–/\\、,，]+$",                                    # "**", "……", "__"
    r"\*\*|[xX×]{2,}|某某|○○|＊＊",                                         # "≥**人", "XX次"
    r"^(?:[一二三]级)?(?:指标|目标|内容|完成值|目标值)\s*\d*\s*[:：]?$",         # "指标2:"
    r"请(?:在此)?(?:简要)?(?:填写|填入|输入|选择|录入|说明|描述|简述|列出|注明)|此处填写|填写说明|"
    r"限\s*\d+\s*字|不超过\s*\d+\s*字|(?<!\d)\d++\s*字以内|简要说明|简要描述|例如[:：]|如[:：]\s*$|示例[:：]",
)))

# Qualitative wording; a missed band is looked for first, as "未达到预期" also contains "达到".
_MISSED = re.compile(r"未(?:能)?(?:达成|达到|完成|实现|达标|落实)|没有(?:达到|完成)|不达标|不合格|无效|不满意|"
                     r"效果(?:不|较)?差|未按(?:时|期)|滞后|延期")
# and "差" alone, said in _qualitative: with it here as "^差$" no fixed character opened every alternative,
# and sre tried the pattern at every place of a text instead of skipping to one of them
_PARTLY = re.compile(r"基本(?:达成|达到|完成|实现|达标|满意|合格|落实|有效)|部分(?:达成|达到|完成|实现)|"
                     r"大部分|一般|较差|尚可")
_QUALITY = re.compile(r"有效|明显|显著|提升|提高|改善|增强|达标|合格|良好|优秀|满意|完成|达成|达到|实现|"
                      r"落实|到位|及时|按时|按期|规范|保障|稳定|可控|无(?:重大)?(?:事故|投诉|差错)|健全|"
                      r"持续|长期|促进|推动|优|好|符合|顺利|正常")
QUALITATIVE_MAX = 30   # longer text describes work done, no band can be read from it


@dataclass(frozen=True, init=False)
class Expr:
    """A target or actual as typed (`text`) and as read. Bounds are in `unit`, the canonical unit.

    Frozen, yet made without the frozen dataclass's __init__ (one object.__setattr__ call a field): every
    text a unit types is parsed into one, and that __init__ cost a fifth of the parse. Its fields are then
    read by every rule that judges a row."""

    text: str
    kind: str
    op: str | None = None           # ≥ > ≤ < = ≠, or None for a bare figure
    low: Decimal | None = None      # the figure (NUMBER), or a range's lower end
    high: Decimal | None = None     # the figure again (NUMBER), or a range's upper end
    unit: str = ""                  # "元", "%", "人次", ... or ""
    deadline: tuple[int | None, int, int] | None = None   # (year or None, month, day): the latest date
    band: str | None = None         # MET / PARTLY / MISSED for a qualitative phrase

    def __init__(self, text: str, kind: str, op: str | None = None, low: Decimal | None = None,
                 high: Decimal | None = None, unit: str = "",
                 deadline: tuple[int | None, int, int] | None = None, band: str | None = None) -> None:
        # in the fields' order, as the dataclass's own __init__ sets them, in a dict of its own: filled through
        # self.__dict__, the dict shared the class's keys as a table and every read of a field was ~2.5x slower
        object.__setattr__(self, "__dict__", {"text": text, "kind": kind, "op": op, "low": low, "high": high,
                                              "unit": unit, "deadline": deadline, "band": band})

    @property
    def value(self) -> Decimal | None:
        return self.low if self.kind == NUMBER else None

    @property
    def measured(self) -> bool:
        """A measurement (a figure or a date), not a comparison: "98%" is, "≥95%" is not ("9月底前完成" is)."""
        return self.kind == DEADLINE or (self.kind == NUMBER and self.op is None)

    @property
    def figures(self) -> tuple[tuple[Decimal, str], ...]:
        """Every figure of the text with its canonical unit: "45批次，1100余人" -> ((45, 批次), (1100, 人))."""
        return figures_of(self.text)


# How the parser sees a text: folded and without spaces (xlsform.normalize, the one place for it).
clean = compact


# Longer text is a description of work done, not a target or a measurement; not parsing it bounds the cost of
# a hostile 32,000-character cell.
PARSED_MAX = 1000


@lru_cache(maxsize=TEXT_CACHE)
def parse(text: str | None) -> Expr:
    """Any target or actual text as an `Expr`; never raises."""
    raw = "" if text is None else str(text)
    if len(raw) > PARSED_MAX:
        return Expr(raw, TEXT)
    s = clean(raw)
    if s.lower() in _PLACEHOLDERS or (_may_not_be_a_value(s) and _NOT_A_VALUE.search(s)):
        return Expr(raw, NONE)
    digit = _DIGIT.search(s)
    if digit is None:    # no date, year or figure in digits can be read: one cheap search, not three
        return _chinese_figure(raw, s) or _period(raw, s) or _qualitative(raw, s) or Expr(raw, TEXT)
    # a dated deadline before a figure ("9月底前" is no count of months); a period ("年底前") only without one.
    # Neither a date nor a figure can start before the first digit (a figure: the "." of ".5" just before it)
    first = digit.start()
    return _dated(raw, s, first) or _figure(raw, s, first) or _period(raw, s) or _qualitative(raw, s) \
        or Expr(raw, TEXT)


# A unit's own sentence goes through parse() as every target and actual does: these tests, a character that a
# match cannot do without, spare it the searches no match can come of. _NOT_A_VALUE's alternatives: the first
# and third are anchored at a first character of _NOT_A_VALUE_FIRST (or a space), the others hold one of
# _NOT_A_VALUE_MARKS; _DATE, _YEAR_ALONE and _FIGURE all need a digit.
_DIGIT = re.compile(r"\d")
_NOT_A_VALUE_FIRST = frozenset("*＊xX×?？_.…。-—–/\\、,，一二三指目内完")
_NOT_A_VALUE_MARKS = re.compile("[*＊xX×某○请此填限不字简例如示]")


def _may_not_be_a_value(s: str) -> bool:
    return bool(s) and (s[0] in _NOT_A_VALUE_FIRST or s[0].isspace() or _NOT_A_VALUE_MARKS.search(s) is not None)


# ------------------------------------------------------------------------------------------- figures

def _figure(raw: str, s: str, first: int = 0) -> Expr | None:
    """The text's first figure (`first`: where its first digit is, when known: the pattern, opening with two
    alternatives, is tried at every place from where it is told to start)."""
    m = _FIGURE.search(s, first - 1 if first > 0 else 0)
    if m is None:
        return _chinese_figure(raw, s)
    low = _number(m.group(1), m.group(2))
    if low is None:
        return None
    unit, rest = _unit(s[m.end():])
    low, unit = _canonical(low, unit)
    upper = _range_end(rest, unit)
    if upper is not None:
        high, typed, scale = upper
        if not unit:   # "3-5万元", "80~90%": the unit after the upper end is the lower end's too
            low, unit = _canonical(_number(m.group(1), m.group(2) or scale) or low, typed)
        if high >= low:
            return Expr(raw, RANGE, None, low, high, unit)
    return Expr(raw, NUMBER, _op(s[: m.start()], rest), low, low, unit)


@lru_cache(maxsize=TEXT_CACHE)
def figures_of(text: str) -> tuple[tuple[Decimal, str], ...]:
    """`parse(text).figures` without reading the rest of the text (kind, comparison, range, deadline)."""
    s = clean(text)
    out: list[tuple[Decimal, str]] = []
    if _DIGIT.search(s) is None:
        return ()
    for m in _FIGURE.finditer(s):
        value = _number(m.group(1), m.group(2))
        if value is not None:
            out.append(_canonical(value, _unit(s[m.end():])[0]))
    return tuple(out)


# Counts written in Chinese numerals ("召开一次", "两场", "十二个"), only right before a counting unit: "统一",
# "十分满意" and "一般" are words, not figures; "第一批" is an ordinal and "一次性" an adjective.
_CN_FIGURE = lazy(r"(?<!第)([一二两三四五六七八九十]{1,3})"
                        r"(人次|批次|个月|个|次|场|期|项|家|户|人|名|本|篇|件|批|座|所|份|台|套|条|天)(?!性)")
_CN_NUMERAL = re.compile("[一二两三四五六七八九十]")
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _chinese_figure(raw: str, s: str) -> Expr | None:
    # the pattern opens with a look behind: searched from the first numeral, not tried at every place before
    numeral = _CN_NUMERAL.search(s)
    m = _CN_FIGURE.search(s, numeral.start()) if numeral is not None else None
    value = _cn_number(m.group(1)) if m else None
    if m is None or value is None:
        return None
    return Expr(raw, NUMBER, _op(s[: m.start()], s[m.end():]), value, value, m.group(2))


def _cn_number(text: str) -> Decimal | None:
    """一 .. 九十九: "十二" = 12, "二十五" = 25, "三" = 3."""
    tens, _, ones = text.partition("十")
    if "十" not in text:
        return Decimal(_CN_DIGITS[text]) if len(text) == 1 and text in _CN_DIGITS else None
    if "十" in ones or (tens and tens not in _CN_DIGITS) or (ones and ones not in _CN_DIGITS):
        return None
    return Decimal(_CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(ones, 0))


def _number(digits: str, scale: str | None) -> Decimal | None:
    try:
        value = Decimal(digits.replace(",", ""))
    except InvalidOperation:
        return None
    return value * {"万": 10_000, "亿": 100_000_000, "千": 1000}.get(scale or "", 1)


def _unit(after: str) -> tuple[str, str]:
    """The unit right after a figure ("%", "元", "人次", "个百分点"), and what follows it."""
    if after.startswith(_SHARES):   # one call for the common case, a figure with no share after it
        for share in _SHARES:
            if after.startswith(share):
                return share, after[len(share):]
    s = after.lstrip("余多")    # "1100余人"
    n = 0
    while n < len(s) and n < 4 and (s[n].isalpha() or s[n] in "²³㎡㎞㎏") and not s[n:].startswith(_UNIT_STOPS):
        n += 1
    return s[:n], s[n:]


def _canonical(value: Decimal, unit: str) -> tuple[Decimal, str]:
    """万元/亿元 to 元, shares to %, the rest as typed."""
    if unit in _AMOUNTS:
        return value * _AMOUNTS[unit], "元"
    if unit.endswith("元") and unit[:-1] in ("万", "亿", "千"):
        return value * _AMOUNTS[unit], "元"
    if unit == "‰":
        return value / 10, "%"
    if unit in _SHARES:
        return value, "%"
    return value, unit_spelling(unit)


def _range_end(rest: str, unit: str) -> tuple[Decimal, str, str | None] | None:
    """"-90%" after "80%": the upper end of a range (canonical), its unit and 万/亿 as typed."""
    sep = _RANGE_SEP.match(rest)
    if sep is None:
        return None
    m = _FIGURE.match(rest, sep.end())
    if m is None:
        return None
    high = _number(m.group(1), m.group(2))
    if high is None:
        return None
    typed, _ = _unit(rest[m.end():])
    high, u = _canonical(high, typed)
    if unit and u and u != unit:
        return None
    return high, typed or unit, m.group(2)


def _op(before: str, after: str) -> str | None:
    tail = before[-6:]
    if _ANY_OP_BEFORE.search(tail) is not None:   # most figures have none: one search, not forty
        for word, op in OPS_BEFORE:
            if word in tail:
                return op
    head = after.lstrip("余左右")[:4]
    if head.startswith(_OPS_AFTER_WORDS):   # most figures have none: one call, not nine
        for word, op in _OPS_AFTER:
            if head.startswith(word):
                return op
    return None


_ANY_OP_BEFORE = re.compile("|".join(re.escape(word) for word, _ in OPS_BEFORE))


# ----------------------------------------------------------------------------------------- deadlines

_YEAR_ALONE = re.compile(r"(\d{4})\s*年度?(?:底|末|内|全年)?(?:(?:之|以)?前|内|完成)?")


def last_day(year: int, month: int) -> int:
    """The last day of a month (calendar.monthrange's, whose module and its locale cost every start-up 1.5 ms)."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _dated(raw: str, s: str, first: int = 0) -> Expr | None:
    """"9月底前", "2023年10月前", "8月20日完成", "2023-08-20"; a calendar year alone ("2019年", "2023年底前")
    is its last day: a time limit, not a count of 2,019 years."""
    y = _YEAR_ALONE.fullmatch(s)
    if y is not None and 1990 <= int(y.group(1)) <= 2100:
        op = "≤" if s.endswith(("前", "内")) else None    # "2023年底前", "2022年内": a limit; "2019年": a date
        return Expr(raw, DEADLINE, op, deadline=(int(y.group(1)), 12, 31))
    # every date holds a 月 or a "." "/" "-" after its month (most figures, "100%" or "45批次", none): the
    # pattern, with no fixed first character, is not tried at every place of a text that cannot hold one
    m = _DATE.search(s, first) if "月" in s or "." in s or "/" in s or "-" in s else None
    if m is not None and "个月" not in s[max(0, m.start() - 1): m.end() + 1] and _is_date(s, m):
        year = int(m.group(1)) if m.group(1) else None
        month = int(m.group(2))
        if 1 <= month <= 12 and (year is None or 1990 <= year <= 2100):
            day = int(m.group(3)) if m.group(3) else None
            last = last_day(year or 2001, month)
            if m.group(4) in ("上旬", "初"):
                day = day or 10
            elif m.group(4) == "中旬":
                day = day or 20
            if day is None or not 1 <= day <= last:
                day = last if day is None else None   # a month alone: by the end of it
            if day is not None:
                return Expr(raw, DEADLINE, _deadline_op(s, m.end()), deadline=(year, month, day))
    return None


def _period(raw: str, s: str) -> Expr | None:
    """"年底前", "年内完成", "第三季度末": short phrases only, a sentence that mentions 年内 is no deadline."""
    if len(s) <= 12:
        for pattern, month in _PERIODS:
            if pattern.search(s):
                return Expr(raw, DEADLINE, _deadline_op(s, len(s)), deadline=(None, month,
                                                                              last_day(2001, month)))
    return None


def _is_date(s: str, m: re.Match[str]) -> bool:
    """A month figure that is a date: "9月底前", "8月20日", "2023-8-20" - not "3个月" or "12.5万元"."""
    if m.group(1):
        return True
    text = m.group()
    if "月" not in text:
        return False
    return bool(m.group(3) or m.group(4) or _DEADLINE_WORDS.search(s[m.end():m.end() + 4]) or m.end() == len(s))


def _deadline_op(s: str, end: int) -> str | None:
    """A deadline with "前"/"内"/"底前" is a target; with "完成" or nothing it is a date."""
    return "≤" if _BEFORE.match(s, end) or s.startswith("截") else None


_BEFORE = lazy(r"(?:之|以)?前|内|以内|之内|截止")


# ------------------------------------------------------------------------------------- qualitative

def _qualitative(raw: str, s: str) -> Expr | None:
    if len(s) > QUALITATIVE_MAX:
        return None
    if s == "差":   # _MISSED's one word alone (s is compact: no line break for a "$" to stop before)
        return Expr(raw, QUALITATIVE, band=MISSED)
    for pattern, band in ((_MISSED, MISSED), (_PARTLY, PARTLY), (_QUALITY, MET)):
        if pattern.search(s):
            return Expr(raw, QUALITATIVE, band=band)
    return None


# -------------------------------------------------------------------------------------- comparison

class Outcome(NamedTuple):
    """How an actual stands against its target: `share` of the target reached (positive rule), or a band."""

    rule: str                      # "positive", "reverse", "equality", "range", "deadline", "qualitative"
    met: bool
    ratio: Decimal | None = None   # actual / target (positive), target / actual (reverse), for the points
    deviation: Decimal | None = None   # |actual − target| / target for equality
    band: str | None = None        # qualitative band


def nature_of(target: Expr, nature: str | None) -> str | None:
    """The comparison a target sets: the spec's 指标性质 column when it has one, else the target's words;
    a bare figure ("400 次") is a floor, as on every real form."""
    if nature == "定性":
        return "定性"
    if nature in NATURE_OF:
        return NATURE_OF[nature]
    if target.kind == NUMBER:
        return NATURE_OF.get(target.op or "≥")
    return None


def compare(target: Expr, actual: Expr, nature: str | None = None, year: int | None = None,
            tolerance: Decimal = Decimal(0)) -> Outcome | None:
    """How far `actual` meets `target`; None when the two cannot be compared (a reviewer would read on)."""
    kind = nature_of(target, nature)
    if actual.kind == QUALITATIVE and (kind == "定性" or target.kind in (QUALITATIVE, TEXT)):
        return Outcome("qualitative", actual.band == MET, band=actual.band)
    if not actual.measured:
        return None
    if target.kind == DEADLINE and actual.kind == DEADLINE:
        return _by_date(target, actual, year)
    got = figure_in(target, actual)
    if got is None or target.low is None or target.high is None:
        return None
    if target.kind == RANGE:
        return _in_range(target.low, target.high, got)
    return by_nature(kind, target.low, got, tolerance)


def figure_in(target: Expr, actual: Expr) -> Decimal | None:
    """The actual's figure in the target's unit, to set against the target's figure; None when the actual
    is no figure or none of its figures is in that unit."""
    if actual.kind != NUMBER or actual.low is None or target.low is None:
        return None
    got = _in_unit(actual, target.unit)
    if got is None or actual.unit or _typed_scale(actual) != 1:
        return got   # "150万" against "150万" carries its own 万: scaled once, when it was read
    if target.unit == "%" and got <= 1 < target.low:
        return got * 100    # "0.96" against "≥95%": a fraction, as a percent cell shows it
    return got * _typed_scale(target)   # "90" against "≤90万元" is 90 万元


@lru_cache(maxsize=TEXT_CACHE)
def _typed_scale(target: Expr) -> Decimal:
    """How many canonical units one unit of the target as typed is ("≤90万元": 10,000 元), for a bare actual
    written in the target's own unit."""
    m = _FIGURE.search(clean(target.text))
    typed = Decimal(m.group(1).replace(",", "")) if m else Decimal(0)
    if not typed or target.low is None:
        return Decimal(1)
    return target.low / typed


def _in_unit(actual: Expr, unit: str) -> Decimal | None:
    """The actual's figure in the target's unit: its first figure, else another one in that unit
    ("45批次，1100余人" against "≥1000人"); a bare figure takes the target's unit."""
    if actual.low is not None and _same_unit(unit, actual.unit):
        return actual.low
    return next((v for v, u in actual.figures if u and _same_unit(unit, u)), None) if unit else None


def _same_unit(target: str, actual: str) -> bool:
    # "95" beside a 度量单位 column compares with "96"; "人" with "人次" is the same count for a reviewer
    return not target or not actual or target == actual or target.startswith(actual) or actual.startswith(target) \
        or same_count(target, actual)   # "12家" against "≥10个"


def by_nature(kind: str | None, want: Decimal, got: Decimal, tolerance: Decimal) -> Outcome | None:
    if kind == "≥":
        if want <= 0:
            return Outcome("positive", got >= want, ratio=Decimal(1) if got >= want else None)
        return Outcome("positive", got >= want, ratio=got / want)
    if kind == "≤":
        if got <= want:
            return Outcome("reverse", True, ratio=Decimal(1))
        return Outcome("reverse", False, ratio=want / got if want > 0 else Decimal(0))
    if kind == "=":
        deviation = abs(got - want) / want if want else (Decimal(0) if got == want else Decimal(1))
        return Outcome("equality", deviation <= tolerance, deviation=deviation)
    return None


def _in_range(low: Decimal, high: Decimal, got: Decimal) -> Outcome:
    if low <= got <= high:
        return Outcome("range", True, ratio=Decimal(1))
    ratio = got / low if got < low else (high / got if got > 0 else Decimal(0))
    return Outcome("range", False, ratio=ratio if low > 0 or got > high else Decimal(0))


def _by_date(target: Expr, actual: Expr, year: int | None) -> Outcome | None:
    assert target.deadline is not None and actual.deadline is not None
    ty, tm, td = target.deadline
    ay, am, ad = actual.deadline
    base = year or ay or ty
    if base is None:
        return Outcome("deadline", (am, ad) <= (tm, td))
    return Outcome("deadline", (ay or base, am, ad) <= (ty or base, tm, td))
