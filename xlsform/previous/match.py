"""Which of last year's returns is this unit's, and which of last year's indicators is this indicator.

A wrong match is worse than none: it would put another unit's figures beside this one's, or turn a fair target
into a finding. So names are compared only after the exact ways have failed (a unit by code, then by its whole
name; an indicator by its 三级 name, within the same 一级/二级), and a similar name is taken only when

- it is similar enough (`[rules.previous]` in the spec: rapidfuzz's ratio, 0–100, on the names with spaces,
  brackets and punctuation left out),
- it carries the same figures (第一中学 is not 第二中学, 一季度 not 二季度),
- for units, the place names it starts with agree (望城区财政局 may be 长沙市望城区财政局; 城东社区 is never
  城西社区: the parts before the body must be one within the other),
- and the pair is each other's only best candidate (two equally similar names match neither).

Every match that is not by code or by the very same name is listed for the clerk to confirm (`how`, `score`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from rapidfuzz import fuzz, process

from xlsform.normalize import bare
from xlsform.previous.source import PastReturn
from xlsform.records import Indicator
from xlsform.spec import YearOnYear

BY_CODE, BY_NAME, SIMILAR = "code", "name", "similar"
HOW_TEXT = {BY_CODE: "单位编码相同", BY_NAME: "名称相同", SIMILAR: "名称相近"}

# Leading place names: 湖南省 长沙市 望城区 … (two or more characters before the suffix, so 城市管理局 and
# 社区 are no place names).
_PLACE = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:省|自治区|市|自治州|地区|盟|县|区|旗|州|镇|乡|街道|社区)")
_FIGURES = re.compile(r"\d+|[一二三四五六七八九十百千零〇两]+")
_BRACKETED = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")


@dataclass(frozen=True)
class UnitMatch:
    code: str             # this year's unit
    name: str
    past: PastReturn
    how: str              # BY_CODE, BY_NAME or SIMILAR
    score: float = 100.0  # the similarity of the names, for SIMILAR

    @property
    def confirm(self) -> bool:
        """Whether the clerk should look at it: anything but the same code or the very same name."""
        return self.how == SIMILAR


class Row(Protocol):
    """An indicator row as matching reads it: a record's `Indicator` or a summary's `IndicatorRow`."""

    @property
    def index(self) -> int: ...
    @property
    def level1(self) -> str | None: ...
    @property
    def level2(self) -> str | None: ...
    @property
    def level3(self) -> str | None: ...
    @property
    def content(self) -> str | None: ...


@dataclass(frozen=True)
class IndicatorMatch:
    index: int              # this year's indicator row
    name: str               # its 三级指标
    past: Indicator
    how: str                # BY_NAME or SIMILAR
    score: float = 100.0


# ----------------------------------------------------------------------------------------------- units

def match_units(units: Sequence[tuple[str, str]], past: Sequence[PastReturn], rules: YearOnYear
                ) -> dict[str, UnitMatch]:
    """This year's units (code, name) -> last year's return, each return used once; keyed by the unit's code,
    or by its name for a unit known only by name (a round merged without a roster of hand-made forms)."""
    out: dict[str, UnitMatch] = {}
    codes = exact_pairs([bare(c) if c else "" for c, _ in units], [bare(p.code or "") for p in past])
    for a, b in codes:
        out[units[a][0]] = UnitMatch(*units[a], past[b], BY_CODE)
    used = {b for _, b in codes}
    # A name two units share (this year or last) tells neither apart: it matches nothing, even when one of
    # them was matched by its code.
    now_keys, then_keys = [bare(n) for _, n in units], [bare(p.name or "") for p in past]
    for a, b in exact_pairs(now_keys, then_keys):
        if _key(units[a]) not in out and b not in used:
            out[_key(units[a])] = UnitMatch(*units[a], past[b], BY_NAME)
            used.add(b)
    shared_now, shared_then = _repeated(now_keys), _repeated(then_keys)
    left = [u for u, k in zip(units, now_keys, strict=True) if _key(u) not in out and k and k not in shared_now]
    free = [i for i, k in enumerate(then_keys) if i not in used and k and k not in shared_then]
    scores = similar_units([n for _, n in left], [past[i].name or "" for i in free], rules.unit_similarity)
    for (a, b), score in mutual_best(scores).items():
        out[_key(left[a])] = UnitMatch(*left[a], past[free[b]], SIMILAR, score)
    return out


def _key(unit: tuple[str, str]) -> str:
    return unit[0] or unit[1]


def similar_units(left: Sequence[str], right: Sequence[str], threshold: float) -> dict[tuple[int, int], float]:
    """(i, j) -> similarity for each pair of names at `threshold` or above (`unit_similarity`), the bodies of
    the names compared in rapidfuzz's C loop: a round of 5,000 units with no codes last year stays fast."""
    split = [_places(bare(n)) for n in right]
    bodies = [body for _, body in split]
    scores: dict[tuple[int, int], float] = {}
    for i, name in enumerate(left):
        places, body = _places(bare(name))
        if not body:
            continue
        for _, score, j in process.extract(body, bodies, scorer=fuzz.ratio, score_cutoff=threshold, limit=None):
            other_places, other = split[j]
            if (places <= other_places or other_places <= places) and _same_figures(body, other):
                scores[(i, j)] = float(score)
    return scores


def unit_similarity(a: str, b: str) -> float:
    """0–100: how alike two unit names are, 0 when their place names or figures disagree."""
    return 100.0 if bare(a) == bare(b) else similar_units([a], [b], 0.0).get((0, 0), 0.0)


def _places(key: str) -> tuple[frozenset[str], str]:
    """The place names a unit's name starts with, and the rest of it."""
    places, at = [], 0
    while (m := _PLACE.match(key, at)) is not None:
        places.append(m.group())
        at = m.end()
    return frozenset(places), key[at:]


def _same_figures(a: str, b: str) -> bool:
    return _FIGURES.findall(a) == _FIGURES.findall(b)


def _similar(a: str, b: str) -> float:
    return float(fuzz.ratio(a, b)) if _same_figures(a, b) else 0.0


# ------------------------------------------------------------------------------------------ indicators

def match_indicators(current: Sequence[Row], past: Sequence[Indicator], rules: YearOnYear
                     ) -> dict[int, IndicatorMatch]:
    """This year's indicators (by row) -> last year's, within one unit: the same 一级 and 二级, then the same
    三级 name (and 目标内容 where several rows share one 三级), then a similar 三级 name."""
    out: dict[int, IndicatorMatch] = {}
    groups: dict[tuple[str, str], tuple[list[Row], list[Indicator]]] = {}
    for ind in current:
        if ind.level3:
            groups.setdefault(_group(ind), ([], []))[0].append(ind)
    for ind in past:
        if ind.level3 and _group(ind) in groups:
            groups[_group(ind)][1].append(ind)
    for now, then in groups.values():
        for key in (_full_name, _name):
            pairs = exact_pairs([key(i) for i in now], [key(i) for i in then])
            for a, b in pairs:
                out[now[a].index] = IndicatorMatch(now[a].index, now[a].level3 or "", then[b], BY_NAME)
            taken = {b for _, b in pairs}
            now = [i for i in now if i.index not in out]
            then = [ind for j, ind in enumerate(then) if j not in taken]
        scores = {(a, b): s for a, x in enumerate(now) for b, y in enumerate(then)
                  if (s := indicator_similarity(x.level3 or "", y.level3 or "")) >= rules.indicator_similarity}
        for (a, b), score in mutual_best(scores).items():
            out[now[a].index] = IndicatorMatch(now[a].index, now[a].level3 or "", then[b], SIMILAR, score)
    return out


def _group(ind: Row) -> tuple[str, str]:
    return bare(ind.level1 or ""), bare(ind.level2 or "")


def _name(ind: Row) -> str:
    return indicator_key(ind.level3 or "")


def _full_name(ind: Row) -> str:
    return _name(ind) + "|" + bare(ind.content or "")


@lru_cache(maxsize=65536)
def indicator_key(name: str) -> str:
    """An indicator's name without what brackets hold (a unit: "培训人次（人次）"), spaces and punctuation."""
    return bare(_BRACKETED.sub("", name)) or bare(name)


@lru_cache(maxsize=65536)
def indicator_similarity(a: str, b: str) -> float:
    ka, kb = indicator_key(a), indicator_key(b)
    return 100.0 if ka == kb else _similar(ka, kb)


# ---------------------------------------------------------------------------------------------- pairs

def exact_pairs(left: Sequence[str], right: Sequence[str]) -> list[tuple[int, int]]:
    """(i, j) where left[i] == right[j] and neither key occurs twice on its side; empty keys never match."""
    where_left, where_right = _positions(left), _positions(right)
    return [(i[0], where_right[k][0]) for k, i in where_left.items()
            if len(i) == 1 and len(where_right.get(k, ())) == 1]


def _repeated(keys: Sequence[str]) -> set[str]:
    return {k for k, at in _positions(keys).items() if len(at) > 1}


def _positions(keys: Sequence[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        if k:
            out.setdefault(k, []).append(i)
    return out


def mutual_best(scores: dict[tuple[int, int], float]) -> dict[tuple[int, int], float]:
    """The pairs that are each other's single best candidate. A tie for the best on either side matches
    nothing: of two equally likely units or indicators neither is taken, as a wrong one is worse than none."""
    best_left, best_right = _best(scores, 0), _best(scores, 1)
    return {(i, j): s for (i, j), s in scores.items()
            if best_left.get(i) == (j, s) and best_right.get(j) == (i, s)}


def _best(scores: dict[tuple[int, int], float], side: int) -> dict[int, tuple[int, float]]:
    """For each item on `side`, its one best partner and score; an item with a tie for the best has none."""
    top: dict[int, list[tuple[float, int]]] = {}
    for pair, s in scores.items():
        top.setdefault(pair[side], []).append((s, pair[1 - side]))
    out = {}
    for item, found in top.items():
        found.sort(reverse=True)
        if len(found) == 1 or found[0][0] > found[1][0]:
            out[item] = (found[0][1], found[0][0])
    return out
