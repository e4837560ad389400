"""The scoring rules: the one implementation, and the Excel formula that mirrors each rule.

Every rule here has a Python function and an Excel formula builder side by side, so a change to one is seen
next to the other; the LibreOffice tests prove the two compute the same numbers.

Edge cases, defined once for both sides. Nothing computed shows before its inputs are typed (DESIGN §2):
- budget A empty, zero or negative: no execution rate (None in Python, "" in Excel), no fund score;
- spent B not typed: no rate either (a prefilled transfer C with an empty B is not a rate of −C/A);
- transfer C empty: counted as 0;
- 合计 of amounts none of which is typed: empty, not 0;
- B < C: the rate is negative and the fund score is 0 (score = weight × clamp(rate, 0, 1));
- rate above 100%: the fund score is capped at the weight;
- text in a score cell (paste bypasses validation): no total and no grade, as the spreadsheet's ROUND over the
  score range gives #VALUE! there; the checks report the cell;
- a score still missing (no fund score yet, or an indicator row with a weight and no score): no total and no
  grade ("" in Excel), so neither a blank form nor a half-filled one prints a total and 等级：差 it has not
  earned.

Rounding follows Excel and LibreOffice: a value is first taken to 15 significant digits (what the engines
display and round from), then rounded half away from zero. Totals add the rounded scores, as real forms do.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import partial
from itertools import compress, repeat
from operator import eq, is_, is_not, or_
from typing import TYPE_CHECKING, Any, NamedTuple, cast

if TYPE_CHECKING:
    from xlsform.expressions import Outcome
    from xlsform.spec import Rules, Scoring

Number = int | float | Decimal
ZERO = Decimal(0)
ONE = Decimal(1)
CENT = Decimal("0.01")


# Weights, scores and rates repeat across a round's returns: their Decimal is made once per process.
_DECIMALS: dict[float, Decimal] = {}


def to_decimal(x: Any) -> Decimal | None:
    """A number as Decimal through its shortest repr (0.1 -> Decimal('0.1')); None for anything else."""
    if type(x) is float:   # the common case first: every figure read from a workbook is a float
        d = _DECIMALS.get(x)
        if d is None:
            if not math.isfinite(x):
                return None
            d = Decimal(repr(x))
            if x:   # 0.0 and -0.0 are one key but two Decimals: zeros are made each time
                if len(_DECIMALS) > 8192:    # amounts are each unit's own: weights and scores are what repeats
                    _DECIMALS.clear()
                _DECIMALS[x] = d
        return d
    if x is None or isinstance(x, bool):
        return None
    if isinstance(x, Decimal):
        return x if x.is_finite() else None
    if isinstance(x, int | float):
        try:
            d = Decimal(repr(x)) if isinstance(x, float) else Decimal(x)
        except InvalidOperation:
            return None
        return d if d.is_finite() else None
    return None


def _significant15(x: Decimal) -> Decimal:
    if x.is_zero():
        return x
    exp = x.adjusted() - 14
    return x.quantize(Decimal(1).scaleb(exp), rounding=ROUND_HALF_UP)


def round2(x: Number) -> Decimal:
    """Excel's ROUND(x, 2): half away from zero, on the value as the engine sees it (15 significant digits)."""
    # scores, weights and their sums repeat across a round: each is rounded once a process (not zeros: 0.0 and
    # -0.0 are one key and two results)
    cache = _ROUNDED.get(type(x)) if x else None
    if cache is not None and (hit := cache.get(x)) is not None:
        return hit
    d = to_decimal(x)
    if d is None:
        raise TypeError(f"round2 needs a number, got {x!r}")
    out = _significant15(d).quantize(CENT, rounding=ROUND_HALF_UP)
    if cache is not None:
        if len(cache) > 1024:    # what repeats is a few dozen scores and weights; amounts are each unit's own
            cache.clear()
        cache[x] = out
    return out


# round2 of floats and of Decimals, each type apart (a float and a Decimal can be equal and round differently)
_ROUNDED: dict[type, dict[Any, Decimal]] = {float: {}, Decimal: {}}


def _n(x: Any) -> Decimal:
    """Excel's N(): a number stays, anything else is 0."""
    d = to_decimal(x)
    return ZERO if d is None else d


# ------------------------------------------------------------------------------------------ the rules

def execution_rate(budget: Any, spent: Any, transfer: Any = None) -> Decimal | None:
    """B / A, or (B − C) / A where the layout has a transfer column C. None when A is empty or not positive, and
    when B is not typed (Excel: B=""), whatever C holds."""
    a = to_decimal(budget)
    if a is None or a <= 0 or spent is None or spent == "":
        return None
    return (_n(spent) - _n(transfer)) / a


def fund_score(weight: Any, rate: Decimal | None) -> Decimal | None:
    """weight × rate, with the rate clamped to [0, 1], from the unrounded rate, rounded to 2 decimals."""
    if rate is None:
        return None
    return round2(_n(weight) * max(ZERO, min(rate, ONE)))


def _numbers(items: Iterable[Any]) -> Iterable[Decimal]:
    """The numbers among the items; empty slots (most of a form's 30 indicator rows) add nothing.

    Filtered in C: the empty slots are dropped before to_decimal is called on them, and no Python-level step
    is taken per item (this runs over every indicator column of every return)."""
    return cast(Iterable[Decimal], filter(_is_something, map(to_decimal, filter(_is_something, items))))


_is_something = partial(is_not, None)     # x -> `x is not None`, a C call


def weight_total(fund: Any, items: Iterable[Any]) -> Decimal:
    return round2(_n(fund) + sum(_numbers(items), ZERO))


def score_total(fund: Any, items: Iterable[Any], rate: Decimal | None = None,
                caps: Sequence[tuple[float, float]] = (), weights: Sequence[Any] | None = None) -> Decimal | None:
    """Fund score plus the indicator scores, each at most its weight and rounded to 2 decimals first; capped by
    rate bands if any.

    None when a score (or, with weights, a weight) is text: the spreadsheet's total is #VALUE! then, and a
    total without it would mislead; None while a score is missing: the fund score, or an indicator row with a
    weight above 0 and no score.
    """
    items = list(items)
    if weights and len(weights) == len(items) and _FIGURES.issuperset(map(type, items)) \
            and _FIGURES.issuperset(map(type, weights)):
        # what the reader gives (figures and empty cells): each score capped and rounded as a float, in C-level
        # passes, when every capped score is finite (else as below, which leaves the others out)
        # scored(): the fund score there, and no weight above 0 (a finite one: to_decimal leaves the others out)
        # on a row without a score
        if to_decimal(fund) is None or any(map(_POSITIVE, filter(math.isfinite, filter(
                _is_something, compress(weights, map(is_, items, repeat(None))))))):
            return None
        given = list(map(is_not, items, repeat(None)))
        capped = list(map(min, compress(items, given), compress(map(_NO_CAP.get, weights, weights), given)))
        if all(map(math.isfinite, capped)):
            total = round2(round2(_n(fund)) + sum(map(round2, capped), ZERO))
            cap = rate_cap(rate, caps)
            return total if cap is None else min(total, cap)
    return _score_total(fund, items, rate, caps, weights)


# score_total's figures: a score and its weight both floats are capped by min() (the weight only when below
# the score, as _at_most); a row without a weight keeps its score (an infinite weight)
_FIGURES = frozenset({float, type(None)})
_NO_CAP: dict[None, float] = {None: math.inf}
_POSITIVE = (0.0).__lt__


def _score_total(fund: Any, items: list[Any], rate: Decimal | None, caps: Sequence[tuple[float, float]],
                 weights: Sequence[Any] | None) -> Decimal | None:
    """score_total of any values."""
    if (str in map(type, items) and any(isinstance(s, str) and s != "" for s in items)) or \
            (weights and str in map(type, weights) and any(isinstance(w, str) and w != "" for w in weights)):
        return None   # `str in map(type, ...)`: one C-speed pass for the common case, no text at all
    if not scored(fund, items, weights):
        return None
    items = capped_scores(items, weights)
    total = round2(round2(_n(fund)) + sum(map(round2, _numbers(items)), ZERO))
    cap = rate_cap(rate, caps)
    return total if cap is None else min(total, cap)


def scored(fund: Any, items: Sequence[Any], weights: Sequence[Any] | None = None) -> bool:
    """Is every score there: the fund score, and a score on each indicator row whose weight is above 0."""
    if to_decimal(fund) is None:
        return False
    if not weights:
        return True
    # the weights of the rows without a score (None or ""), as numbers; any above 0 is a score missing
    unscored = map(or_, map(is_, items, repeat(None)), map(eq, items, repeat("")))
    return not any(map(ZERO.__lt__, _numbers(compress(weights, unscored))))


def rate_cap(rate: Decimal | None, caps: Sequence[tuple[float, float]]) -> Decimal | None:
    """The regional cap on the total for this execution rate: the first band whose `below` exceeds the rate."""
    if rate is None:
        return None
    for below, cap in caps:
        if rate < _as_given(below):
            return _as_given(cap)
    return None


def grade(total: Any, bands: Sequence[tuple[float, str]]) -> str | None:
    if total is None:
        return None  # no total (a score was text): no grade either, as in the spreadsheet
    t = _n(total)
    for low, name in bands:
        if t >= _as_given(low):
            return name
    return bands[-1][1]


def _as_given(x: float) -> Decimal:
    """A spec's band limit as the Decimal of its repr, a float's kept by to_decimal (every return's grade
    compares its total with the same few limits)."""
    d = to_decimal(x) if type(x) is float else None
    return Decimal(repr(x)) if d is None else d


def amount_sum(items: Iterable[Any]) -> Decimal | None:
    """合计 rows: the sum of the source rows, to 6 decimals (万元 to the cent of a yuan, and float-stable);
    None when none of them is a number (an untyped 全年执行数 is not a 合计 of 0)."""
    numbers = list(_numbers(items))
    if not numbers:
        return None
    return sum(numbers, ZERO).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


class Support(NamedTuple):
    """The self-score a reviewer accepts for an indicator: from `low` to `high` (equal for a computed point).
    `met`: the target was reached, so any deduction needs a reason; not met, full marks need one."""

    low: Decimal
    high: Decimal
    met: bool

    @property
    def shown(self) -> Decimal | str:
        """As a finding's `expected`: the point, or the band "8–10"."""
        if self.low == self.high:
            return self.low
        return f"{_plain(self.low)}–{_plain(self.high)}"


def support(outcome: Outcome | None, weight: Decimal, scoring: Scoring) -> Support | None:
    """The score an outcome supports under the spec's [rules.scoring]; None when the rules cannot say.

    ≥: weight × min(actual / target, 1), less the overshoot deduction when one is configured;
    ≤: weight × min(target / actual, 1); =: weight × (1 − deviation) ("proportional") or 0 off target,
    full within the tolerance; a range: as ≥ below it and ≤ above it; a deadline: met or not;
    定性: the band of the weight for 达成 / 部分达成 / 未达成.
    """
    if outcome is None or weight < 0:
        return None
    if outcome.rule == "qualitative":
        band = scoring.band(outcome.band or "")
        if band is None:
            return None
        return Support(round2(weight * _d(band[0])), round2(weight * _d(band[1])), outcome.met)
    if outcome.rule == "deadline":
        return Support(weight, weight, True) if outcome.met else Support(ZERO, weight, False)
    if outcome.rule == "equality":
        return _point(weight, _equality(outcome, scoring), outcome.met)
    ratio = outcome.ratio
    if ratio is None:
        return None
    share = max(ZERO, min(ratio, ONE))
    if outcome.rule == "positive" and scoring.overshoot_deduct and ratio > ONE + _d(scoring.overshoot_above):
        share = ONE - _d(scoring.overshoot_deduct)
    return _point(weight, share, outcome.met)


def _equality(outcome: Outcome, scoring: Scoring) -> Decimal:
    deviation = outcome.deviation if outcome.deviation is not None else ONE
    if deviation <= _d(scoring.equality_tolerance):
        return ONE
    return max(ZERO, ONE - deviation) if scoring.equality == "proportional" else ZERO


def _point(weight: Decimal, share: Decimal, met: bool) -> Support:
    p = round2(weight * share)
    return Support(p, p, met)


def _d(x: float) -> Decimal:
    return Decimal(repr(float(x)))


def _plain(x: Decimal) -> str:
    return f"{x.normalize():f}" if x != x.to_integral_value() else str(int(x))


def supported_score(nature: str | None, target: Decimal | None, actual: Decimal | None, weight: Decimal,
                    scoring: Scoring | None = None) -> Decimal | None:
    """The score two bare figures support for a quantitative indicator (≥, ≤ or =); None when they cannot say."""
    from xlsform.expressions import by_nature
    from xlsform.spec import Scoring

    if target is None or actual is None or nature not in ("≥", "≤", "="):
        return None
    rules = scoring or Scoring()
    found = support(by_nature(nature, target, actual, _d(rules.equality_tolerance)), weight, rules)
    return None if found is None else found.low


def capped_scores(items: Sequence[Any], weights: Sequence[Any] | None) -> list[Any]:
    """Each score counted at most at its row's weight (a score above it is an error the checks report, but
    the total and grade must not reward it); a row without a numeric weight keeps its score."""
    if not weights:
        return list(items)
    return [_at_most(s, w) if s is not None and w is not None else s
            for s, w in zip(items, weights, strict=False)] + list(items[len(weights):])


def _at_most(score: Any, weight: Any) -> Any:
    if type(score) is float and type(weight) is float:   # what the reader gives: no Decimal needed
        return weight if score > weight else score
    s, w = to_decimal(score), to_decimal(weight)
    return w if s is not None and w is not None and s > w else score


# ------------------------------------------------------------------------------- the Excel mirrors

def _xl_rate(budget: str, spent: str, transfer: str | None = None, *, needs_spent: bool = True) -> str:
    net = f"N({spent})-N({transfer})" if transfer else f"N({spent})"
    if needs_spent:
        return f'IF(OR(N({budget})<=0,{spent}=""),"",({net})/{budget})'
    return f'IF(N({budget})<=0,"",({net})/{budget})'


def _xl_fund_score(weight: str, rate: str) -> str:
    return f'IF({rate}="","",ROUND(N({weight})*MAX(0,MIN({rate},1)),2))'


def _xl_weight_total(fund: str, items: str) -> str:
    return f"ROUND(N({fund})+SUM({items}),2)"


def _xl_score_total(fund: str, items: str, rate: str | None, caps: Sequence[tuple[float, float]],
                    weights: str | None = None, *, blank_until_scored: bool = True,
                    every_score: bool = True) -> str:
    counted = items
    if weights:   # MIN(score, weight) per row, without IF (array IF needs Ctrl+Shift+Enter in older Excel)
        counted = f"{items}-({items}>{weights})*({weights}<>\"\")*({items}-{weights})"
    total = f"ROUND(ROUND(N({fund}),2)+SUMPRODUCT(ROUND({counted},2)),2)"
    if caps and rate is not None:
        cap = "100000"
        for below, c in reversed(caps):
            cap = f"IF({rate}<{_xl_num(below)},{_xl_num(c)},{cap})"
        total = f'IF({rate}="",{total},MIN({total},{cap}))'
    if every_score:   # "" until the fund score is a number and every row with a weight above 0 has a score
        pending = f"COUNT({fund})=0"
        if weights:
            pending = f'OR({pending},SUMPRODUCT(({weights}>0)*({items}=""))>0)'
        return f'IF({pending},"",{total})'
    # xlsform 0.2.0: "" until the fund score or an indicator score is a number
    return f'IF(COUNT({fund},{items})=0,"",{total})' if blank_until_scored else total


def _xl_grade(total: str, bands: Sequence[tuple[float, str]], *, blank_without_total: bool = True) -> str:
    expr = f'"{bands[-1][1]}"'
    for low, name in reversed(bands[:-1]):
        expr = f'IF(N({total})>={_xl_num(low)},"{name}",{expr})'
    return f'IF({total}="","",{expr})' if blank_without_total else expr


def _xl_sum(items: Sequence[str], *, blank_when_empty: bool = True) -> str:
    cells = ",".join(items)
    return f'IF(COUNT({cells})=0,"",ROUND(SUM({cells}),6))' if blank_when_empty else f"ROUND(SUM({cells}),6)"


def _xl_num(x: float) -> str:
    return repr(int(x)) if float(x).is_integer() else repr(x)


# -------------------------------------------------------------------------------------- registry

class Rule(NamedTuple):
    """A computed field's rule: `compute(values, rules)` in Python, `excel(refs, rules)` as a formula.

    `values` maps each argument name to its value (a list for "ind.*" and list arguments); `refs` maps it
    to a cell reference or range in the same shape.
    """

    name: str
    compute: Callable[[dict[str, Any], Rules], Any]
    excel: Callable[[dict[str, Any], Rules], str]
    doc: str
    # The formulas earlier releases wrote before it changed, each with the generators (the `_xf_meta` row) that
    # wrote it: still accepted in forms they generated, so a round that upgrades xlsform midway is not told its
    # formulas were altered, while a form of one release carrying another's formula still is.
    earlier: tuple[tuple[frozenset[str], Callable[[dict[str, Any], Rules], str]], ...] = ()


# 0.1.0: before the per-row cap and the blank total of an unfilled form; 0.2.0: before "nothing shows before its
# inputs are typed" (a rate needs B, a 合计 a typed amount, the total every score).
_V010, _V020 = "xlsform 0.1.0", "xlsform 0.2.0"
_UP_TO_020 = frozenset({_V010, _V020})
EARLIER_GENERATORS = _UP_TO_020


RULES: dict[str, Rule] = {r.name: r for r in (
    Rule("execution_rate",
         lambda v, _: execution_rate(v["budget"], v["spent"], v.get("transfer")),
         lambda r, _: _xl_rate(r["budget"], r["spent"], r.get("transfer")),
         "执行率 = B/A，或 (B−C)/A；A 为空或不大于 0、B 未填写时不计算",
         ((_UP_TO_020, lambda r, _: _xl_rate(r["budget"], r["spent"], r.get("transfer"), needs_spent=False)),)),
    Rule("fund_score",
         lambda v, _: fund_score(v["weight"], v["rate"]),
         lambda r, _: _xl_fund_score(r["weight"], r["rate"]),
         "预算执行率得分 = 分值 × 执行率（限 0–100%），保留两位小数"),
    Rule("weight_total",
         lambda v, _: weight_total(v["fund"], v["items"]),
         lambda r, _: _xl_weight_total(r["fund"], r["items"]),
         "分值合计 = 预算执行率分值 + 各指标分值"),
    Rule("score_total",
         lambda v, rules: score_total(v["fund"], v["items"], v.get("rate"), rules.rate_caps, v.get("weights")),
         lambda r, rules: _xl_score_total(r["fund"], r["items"], r.get("rate"), rules.rate_caps, r.get("weights")),
         "总分 = 预算执行率得分 + 各指标得分（各项不超过其分值，先保留两位小数）；有得分未填时不计算",
         ((frozenset({_V010}), lambda r, rules: _xl_score_total(r["fund"], r["items"], r.get("rate"),
                                                                rules.rate_caps, blank_until_scored=False,
                                                                every_score=False)),
          (frozenset({_V020}), lambda r, rules: _xl_score_total(r["fund"], r["items"], r.get("rate"),
                                                                rules.rate_caps, r.get("weights"),
                                                                every_score=False)))),
    Rule("grade",
         lambda v, rules: grade(v["total"], rules.grades),
         lambda r, rules: _xl_grade(r["total"], rules.grades),
         "等级按总分分档：优 ≥ 90，良 ≥ 80，中 ≥ 60，差 < 60（以规格为准）",
         ((frozenset({_V010}), lambda r, rules: _xl_grade(r["total"], rules.grades, blank_without_total=False)),)),
    Rule("sum",
         lambda v, _: amount_sum(v["items"]),
         lambda r, _: _xl_sum(r["items"]),
         "合计 = 各资金来源之和；都未填写时为空",
         ((_UP_TO_020, lambda r, _: _xl_sum(r["items"], blank_when_empty=False)),)),
)}
