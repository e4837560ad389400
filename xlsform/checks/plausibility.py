"""Plausibility: does the self-assessment agree with what the numbers and the indicator tree support?

Targets and actuals are free text on every real form ("95%及以上", "411 次", "达成预期指标"); a figure is
taken from them only when its unit matches, and a row the numbers cannot judge is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from xlsform.checks.context import CheckContext, plain
from xlsform.codes import Finding
from xlsform.layout import indicator_key
from xlsform.normalize import parse_measure
from xlsform.records import Indicator
from xlsform.scoring import supported_score

# A number and the unit right after it ("95%", "411 次", "1本书"); the unit stops at punctuation or a digit.
_NUMBER = re.compile(r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(%|％|[^\d\s，。,;；、/()（）:：%％]{0,4})")
_COMPARATOR = re.compile(r"≥|>=|≤|<=|[<>＜＞]|不低于|不少于|不高于|不超过|不多于|以上|以下|以内|至少")
# Actuals that report nothing measurable (DESIGN §3: "达成预期指标"); matched on the whole cell.
_VAGUE = re.compile(r"^(?:已?完成|已?达成(?:预期)?(?:指标|目标)?|已?达到预期(?:目标|指标)?|已?达标|已?实现|"
                    r"满意|较满意|良好|较好|好|是|按时完成|符合要求|圆满完成|全部完成|基本完成)[。.!！]?$")
_NOISE = re.compile(r"[\s\d.,，。;；:：、/()（）\"“”'‘’%％\-—…]+")
SHIFT_MIN = 0.4       # share of a row's description found in another row's actual before we call it shifted
SHIFT_MARGIN = 0.25   # ... and by how much it must beat the row's own description
SHIFT_COMMON = 4      # and at least this many character pairs in common: "公务接待" alone proves nothing


@dataclass(frozen=True)
class Measure:
    nature: str
    value: Decimal
    unit: str


# Targets, actuals and descriptions repeat across a round's returns ("≥95%", "100%"): the parsers are pure
# functions of the text, cached per process.
@lru_cache(maxsize=4096)
def parse_target(text: str | None, nature: str | None = None) -> Measure | None:
    """A quantitative target: its first figure, unit, and nature (the spec's column, else from the words;
    a bare figure such as "400 次" is a floor, as on every seed form)."""
    if not text or nature == "定性":
        return None
    m = parse_measure(text)   # the reader's parser: full-width digits, "不低于", "及以上", "≤", ...
    if m is None:
        return None
    if nature not in ("≥", "≤", "="):
        nature = m.op or "≥"
    return Measure(nature, Decimal(repr(m.value)), _unit(m.unit))


@lru_cache(maxsize=4096)
def parse_actual(text: str | None, unit: str) -> Decimal | None:
    """The figure in an actual that is in the target's unit; a lone unitless figure when the target has none."""
    if not text:
        return None
    found = [(Decimal(m.group(1).replace(",", "")), _unit(m.group(2))) for m in _NUMBER.finditer(text)]
    for value, u in found:
        if unit and u and (u.startswith(unit) or unit.startswith(u)):
            return value
    if not unit and len(found) == 1:
        return found[0][0]
    return None


def _unit(u: str) -> str:
    # "1100余人" is 1100 人: drop the approximation, as normalize.parse_measure does for targets
    return "%" if u in ("%", "％") else u.strip().lstrip("余多")


def check(ctx: CheckContext) -> Iterator[Finding]:
    yield from _tree(ctx)
    yield from _duplicates(ctx)
    shifted = list(_shifted(ctx))
    yield from shifted
    # A shifted actual is judged against the wrong target; the shift is the one thing to report for it.
    moved = {f.key for f in shifted}
    for ind in ctx.indicators:
        if indicator_key(ind.index, "actual") not in moved:
            yield from _against_target(ctx, ind)
        yield from _reason(ctx, ind)


# ------------------------------------------------------------------------------------------ the tree

def _tree(ctx: CheckContext) -> Iterator[Finding]:
    tree = ctx.spec.tree
    for ind in ctx.indicators:
        if ind.level1 and ind.level1 not in tree:
            yield ctx.finding("XF510", indicator_key(ind.index, "level1"), value=ind.level1,
                              expected="、".join(tree))
        elif ind.level1 and ind.level2 and ind.level2 not in tree[ind.level1]:
            yield ctx.finding("XF506", indicator_key(ind.index, "level2"), value=ind.level2,
                              expected="、".join(tree[ind.level1]), level1=ind.level1)


def _duplicates(ctx: CheckContext) -> Iterator[Finding]:
    first: dict[tuple[str | None, ...], int] = {}
    for ind in ctx.indicators:
        if not (ind.level3 or ind.content):
            continue
        key = (ind.level1, ind.level2, ind.level3, ind.content, ind.target)
        if key in first:
            yield ctx.finding("XF507", indicator_key(ind.index, "level3"), other=first[key])
        else:
            first[key] = ind.index


# ------------------------------------------------------------------------------------ shifted rows

@lru_cache(maxsize=4096)
def _bigrams(text: str) -> frozenset[str]:
    t = _squeeze(text)
    return frozenset(t[i:i + 2] for i in range(len(t) - 1))


@lru_cache(maxsize=4096)
def _vague(actual: str) -> bool:
    return _VAGUE.match(actual.strip()) is not None


@lru_cache(maxsize=4096)
def _squeeze(text: str) -> str:
    """The text without spaces, figures and punctuation, as compared for copies and shifted rows."""
    return _NOISE.sub("", text)


def _overlap(actual: frozenset[str], description: frozenset[str]) -> float:
    common = len(actual & description)
    return common / len(description) if common >= SHIFT_COMMON else 0.0


def _shifted(ctx: CheckContext) -> Iterator[Finding]:
    """An actual that describes another row's indicator better than its own: rows slipped when pasting."""
    rows = [(ind, ind.content or ind.level3 or "") for ind in ctx.indicators if ind.actual]
    grams = {ind.index: _bigrams(desc) for ind, desc in rows}
    for ind, desc in rows:
        actual = _bigrams(ind.actual or "")
        own = _overlap(actual, grams[ind.index])
        if len(actual) < SHIFT_COMMON or own + SHIFT_MARGIN > 1:
            continue   # no row can share enough pairs with it, or beat its own row by the margin
        best, other = 0.0, None
        for o, odesc in rows:
            score = _overlap(actual, grams[o.index]) if odesc != desc else 0.0
            if score > best:
                best, other = score, o
        if other is not None and best >= SHIFT_MIN and best >= own + SHIFT_MARGIN:
            yield ctx.finding("XF509", indicator_key(ind.index, "actual"), value=ind.actual,
                              expected=other.content or other.level3, other=other.index)


# ------------------------------------------------------------------------- score against the target

def _measure(ind: Indicator) -> Measure | None:
    # Where the spec has a 度量单位 column, target and actual are bare numbers ("95" with "%" beside them):
    # the unit read from the target text is then "" and the actual's lone figure is taken.
    return parse_target(ind.target, ind.nature)


def _copies(ind: Indicator) -> str | None:
    """Which prefilled text the actual merely repeats, if any."""
    actual = _squeeze(ind.actual or "")
    if ind.target and _COMPARATOR.search(ind.target) and actual == _squeeze(ind.target):
        return "目标值"
    if ind.content and len(actual) >= 6 and actual == _squeeze(ind.content):
        return "目标内容"
    return None


def _against_target(ctx: CheckContext, ind: Indicator) -> Iterator[Finding]:
    if not ind.actual:
        return
    actual_key = indicator_key(ind.index, "actual")
    source = _copies(ind)
    if source:
        yield ctx.finding("XF505", actual_key, value=ind.actual, source=source)
        return
    target = _measure(ind)
    got = parse_actual(ind.actual, target.unit) if target else None
    if _vague(ind.actual) or (target is not None and got is None):
        yield ctx.finding("XF504", actual_key, value=ind.actual, expected=ind.target)
        return
    if target is not None and got is not None and ind.weight and ind.score is not None:
        yield from _score_fits(ctx, ind, target, got)


def _score_fits(ctx: CheckContext, ind: Indicator, target: Measure, got: Decimal) -> Iterator[Finding]:
    weight, score = Decimal(repr(ind.weight)), Decimal(repr(ind.score))
    supported = supported_score(target.nature, target.value, got, weight)
    if supported is None:
        return
    key = indicator_key(ind.index, "score")
    shown = {"actual": ind.actual, "target": ind.target}
    if supported == weight and score < weight:
        yield ctx.finding("XF501", key, value=score, expected=weight, **shown)
    elif supported < weight and score == weight:
        yield ctx.finding("XF502", key, value=score, **shown)
    elif abs(score - supported) > Decimal(repr(ctx.spec.rules.self_score_tolerance)) * weight:
        yield ctx.finding("XF503", key, value=score, expected=plain(supported), **shown)


# ------------------------------------------------------------------------------------------ reasons

def _reason(ctx: CheckContext, ind: Indicator) -> Iterator[Finding]:
    """DESIGN §2: a reason is required when the score is below the weight or the actual misses the target."""
    key = indicator_key(ind.index, "reason")
    if not ctx.has(key) or ind.reason or ind.improvement or not ind.weight:
        return
    if ind.score is not None and ind.score < ind.weight:
        yield ctx.finding("XF508", key, why=f"得分 {plain(Decimal(repr(ind.score)))} 低于分值 "
                                            f"{plain(Decimal(repr(ind.weight)))}")
        return
    target = _measure(ind)
    got = parse_actual(ind.actual, target.unit) if target else None
    if target is not None and got is not None:
        supported = supported_score(target.nature, target.value, got, Decimal(repr(ind.weight)))
        if supported is not None and supported < Decimal(repr(ind.weight)):
            yield ctx.finding("XF508", key, why=f"完成值「{ind.actual}」未达到目标值「{ind.target}」")
