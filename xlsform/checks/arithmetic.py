"""Arithmetic: execution rate, scores, weights and every cached figure, recomputed from the inputs.

The rules and thresholds are the spec's (`spec.rules`); the figures come from `scoring` through
`Layout.recompute`, the same code the writer uses for the cached values of a fresh template.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache

from xlsform.checks.context import CheckContext, layout_inputs, once_for, percent, plain
from xlsform.codes import Finding
from xlsform.layout import Layout, indicator_key
from xlsform.normalize import MAX_NUMBER
from xlsform.scoring import to_decimal
from xlsform.spec import Spec

ONE = Decimal(1)
ZERO = Decimal(0)     # a Decimal is immutable: one zero serves every sum (made anew, each cost a call a row)
FUND_SPLIT_KEY = "预算执行率"      # the name of the fund share in `rules.split`
DEFAULT_TOTAL = Decimal(100)
# How far a cached figure may sit from the recomputation before we say so: half of the last printed digit
# (rates print as 0.00%, scores and weights to 2 decimals, amounts in 万元 to 6).
_TOLERANCE = {"percent": Decimal("0.00005"), "amount": Decimal("0.0000005")}
_DEFAULT_TOLERANCE = Decimal("0.005")


def check(ctx: CheckContext) -> Iterator[Finding]:
    yield from _execution(ctx)
    yield from _negatives(ctx)
    yield from _scores_within_weights(ctx)
    yield from _weight_total(ctx)
    yield from _split(ctx)
    yield from _cached(ctx)


def _execution(ctx: CheckContext) -> Iterator[Finding]:
    row = ctx.spec.scored_fund_row
    budget, rate_key = f"fund.{row}.budget", f"fund.{row}.rate"
    values = ctx.values
    for spent, transfer in once_for(ctx.spec, "transfers", lambda: _transfer_keys(ctx.spec)):
        if values.get(spent) is not None and values.get(transfer) is not None:
            yield from _spent_below_transfer(ctx, spent, transfer)
    yield from parts_within_total(ctx)
    if not ctx.trusted(rate_key) or not _spent_entered(ctx, rate_key):
        return  # the reader's error or XF301 (全年执行数 empty) says it; a 0% rate would only mislead
    rate = ctx.num(rate_key)
    if rate is None:
        if ctx.has(budget) or not ctx.imported:   # a hand-made form printing no 全年预算数 (宁德's 小计③=①+②
            yield ctx.finding("XF408", budget, value=ctx.values.get(budget))   # is its own word): nothing to fill
        return
    if rate > ONE:
        yield ctx.finding("XF401", rate_key, value=percent(rate))
    floor = once_for(ctx.spec, "reason floor", lambda: Decimal(repr(ctx.spec.rules.reason_below_rate)))
    if rate < floor and ctx.has("execution.reason") and ctx.text("execution.reason") is None:
        yield ctx.finding("XF402", "execution.reason", value=percent(rate), expected=f"{plain(floor * 100)}%")


def _transfer_keys(spec: Spec) -> tuple[tuple[str, str], ...]:
    return tuple((f"fund.{row}.spent", f"fund.{row}.transfer") for row in spec.fund_rows())


def _spent_entered(ctx: CheckContext, rate_key: str) -> bool:
    """Whether any 全年执行数 the rate is computed from was filled in."""
    values = ctx.values
    return any(values.get(k) is not None for k in _typed_spent(ctx.layout, rate_key))


@lru_cache(maxsize=64)
def _typed_spent(layout: Layout, rate_key: str) -> tuple[str, ...]:
    """The typed 全年执行数 a rate is computed from, once per layout."""
    return tuple(k for k in layout_inputs(layout, rate_key)
                 if k.endswith(".spent") and layout.places[k].field.role != "computed")


def _spent_below_transfer(ctx: CheckContext, spent_key: str, transfer_key: str) -> Iterator[Finding]:
    spent, transfer = ctx.num(spent_key), ctx.num(transfer_key)
    if spent is not None and transfer is not None and spent < transfer:
        yield ctx.finding("XF409", spent_key, value=spent, expected=transfer)


WHOLE = "total"                      # the fund row every other row is a part of (年度资金总额, 合计)
_AMOUNTS = ("initial_budget", "budget", "spent", "transfer")
_CENT = Decimal("0.005")


def parts_within_total(ctx: CheckContext) -> Iterator[Finding]:
    """财政拨款 (or any source row) is a part of 年度资金总额: a part above the whole in the same column (the trial:
    财政拨款执行数 900 beside 年度资金总额执行数 812.3) is a figure typed wrongly, whichever of the two it is. Said
    at the cell the unit typed (the part, or the whole when only the part was prefilled). Not on a hand-made
    form, whose rows are matched by their printed labels and may not be parts of the row read as 合计."""
    columns = once_for(ctx.spec, "parts", lambda: _whole_and_parts(ctx.spec))
    if not columns or ctx.imported:
        return
    sent = ctx.entry.prefilled if ctx.entry is not None else {}
    for whole_key, part_keys in columns:
        whole = ctx.num(whole_key)
        if whole is None or whole < 0:
            continue
        parts = [(part_key, ctx.num(part_key)) for part_key in part_keys]
        if any(p is not None and p < 0 for _, p in parts):
            continue   # a negative amount is its own error (XF404), and the cause of any part above a 合计
        for part_key, part in parts:
            if part is None or part - whole < _CENT:
                continue
            if part_key in sent and whole_key not in sent:
                yield _part_and_whole(ctx, whole_key, whole, part_key, part, "小于其中的分项")
            else:
                yield _part_and_whole(ctx, part_key, part, whole_key, whole, "大于资金总额")


def _whole_and_parts(spec: Spec) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(the 合计's key, the other rows' keys) per amount column; nothing when the spec has no 合计 row."""
    rows = spec.fund_rows()
    if WHOLE not in rows:
        return ()
    return tuple((f"fund.{WHOLE}.{column}", tuple(f"fund.{row}.{column}" for row in rows if row != WHOLE))
                 for column in _AMOUNTS)


def _part_and_whole(ctx: CheckContext, at: str, value: Decimal, other: str, expected: Decimal,
                    relation: str) -> Finding:
    cell = ctx.where(other)[1]
    return ctx.finding("XF411", at, value=value, expected=expected, relation=relation, other=cell or "",
                       twin=ctx.label(other))


def _negatives(ctx: CheckContext) -> Iterator[Finding]:
    numeric, values = ctx.keys.numeric_inputs, ctx.record.values
    try:   # no figure typed below zero (every form but a few): told in C, the rest of the return's values unread
        if min(map(values.__getitem__, values.keys() & numeric), default=0) >= 0:   # a NaN met first: read on
            return
    except (TypeError, ArithmeticError):   # a text or nothing in a number's cell (or a Decimal NaN): read on
        pass
    for key, value in values.items():
        kind = type(value)
        if kind is str or value is None:   # most values: texts, and nothing
            continue
        if (kind is float or (kind is not bool and isinstance(value, int | float))) and value < 0 and key in numeric:
            yield ctx.finding("XF404", key, value=value)


def _scores_within_weights(ctx: CheckContext) -> Iterator[Finding]:
    for ind in ctx.indicators:
        if ind.score is not None and ind.weight is not None and ind.score > ind.weight:
            yield ctx.finding("XF403", indicator_key(ind.index, "score"), value=ind.score, expected=ind.weight)


def expected_total(ctx: CheckContext) -> Decimal:
    """All weights sum to this: the spec's split when it has one, else 100."""
    split = ctx.spec.rules.split
    return once_for(ctx.spec, "total", lambda: Decimal(repr(sum(split.values()))) if split else DEFAULT_TOTAL)


def weighs_indicators(ctx: CheckContext) -> bool:
    """Whether any indicator row carries a weight. A form printing none (衡山's 县级专项资金 form, a copy that
    ends before its table, Hubei's 得分-only table) cannot have its weights added up or split: the sum would
    be the fund's 10 alone. Where the form prints a 分值 column and leaves it empty, XF542 says so."""
    return any(ind.weight for ind in ctx.indicators)


def _weights_off(ctx: CheckContext) -> bool:
    total = ctx.num("total.weight")
    return total is not None and total != expected_total(ctx) and ctx.trusted("total.weight") \
        and weighs_indicators(ctx)


def _weight_total(ctx: CheckContext) -> Iterator[Finding]:
    if _weights_off(ctx):
        want = expected_total(ctx)
        # the form showing the required total over weights that miss it is this one problem (not a stale cache)
        shown = f"（本格显示为 {plain(want)}）" if _claims(ctx, want) else ""
        yield ctx.finding("XF405", "total.weight", value=ctx.num("total.weight"), expected=want, shown=shown)


def _claims(ctx: CheckContext, want: Decimal) -> bool:
    """Whether the form shows the required total at 总分·分值 (typed, or a formula's cached figure)."""
    return to_decimal(ctx.record.cached.get("total.weight")) == want

def level1_weights(ctx: CheckContext) -> dict[str, Decimal]:
    """Weight per 一级指标 in the spec's order, with the fund share first."""
    out = {FUND_SPLIT_KEY: ctx.num(f"fund.{ctx.spec.scored_fund_row}.weight") or ZERO}
    out.update(dict.fromkeys(ctx.spec.tree, ZERO))
    for ind in ctx.indicators:
        if ind.level1 and ind.weight:
            out[ind.level1] = out.get(ind.level1, ZERO) + _decimal(ind.weight)
    return out


def _decimal(x: float) -> Decimal:
    """Decimal(repr(x)): a float's from the process's cache of repeated figures (scoring.to_decimal)."""
    d = to_decimal(x) if type(x) is float else None
    return Decimal(repr(x)) if d is None else d


def _split(ctx: CheckContext) -> Iterator[Finding]:
    split = ctx.spec.rules.split
    if not split or not any(ind.weight and ind.level1 for ind in ctx.indicators):
        return   # no weighted row under a 一级 (a form printing no weights, or no levels): nothing to split
    seen = level1_weights(ctx)
    want = once_for(ctx.spec, "split", lambda: {k: Decimal(repr(v)) for k, v in split.items()})
    if all(seen.get(k, ZERO) == w for k, w in want.items()):
        return
    yield ctx.finding("XF406", value=_show_split(seen), expected=_show_split(split))


def _show_split(split: dict[str, Decimal] | dict[str, float]) -> str:
    return "、".join(f"{name} {plain(to_decimal(w))}" for name, w in split.items())


# The reader's notes on a value the file holds as text but reads as a number ("3,150.00", "４５", "3150万元"):
# the spreadsheet's own formulas take such a cell as 0.
TEXT_NUMBERS = ("XF201", "XF202", "XF203", "XF206", "XF207")


def _cached(ctx: CheckContext) -> Iterator[Finding]:
    """A cached formula result the file shows, against the recomputation (files from scripts have none).
    Results wrong because an input holds its number as text are one finding at that input (XF410), which says
    what to retype, not one "recalculate (F9)" per result that recalculating would not mend."""
    texts = {f.key: f for f in ctx.prior if f.code in TEXT_NUMBERS and f.key}
    wrong: dict[str, list[str]] = {}
    for key, finding in _wrong_results(ctx):
        if key == "total.weight" and _weights_off(ctx) and _claims(ctx, expected_total(ctx)):
            continue   # 100 shown over weights that add up to 70: XF405 says it, and so, at this very cell
        through = sorted(ctx.inputs_of(key) & texts.keys()) if not ctx.imported else []
        if not through:
            yield finding
        for t in through:
            wrong.setdefault(t, []).append(key)
    for t, keys in wrong.items():
        note = texts[t]
        shown = "、".join(f"「{ctx.label(k)}」" for k in keys)
        yield ctx.finding("XF410", t, value=note.value, expected=note.expected, affected=shown)


def _wrong_results(ctx: CheckContext) -> Iterator[tuple[str, Finding]]:
    for key, shown in ctx.record.cached.items():
        place = ctx.layout.places.get(key)
        if place is None or shown in (None, "") or not ctx.trusted(key):
            continue
        if ctx.changed and ctx.inputs_of(key) & ctx.changed:   # shown from a changed locked cell: XF152 says it
            continue
        want = ctx.values.get(key)
        if want is None:
            # Nothing to show yet (a rate before B is typed, a total with a score missing): a figure cached by
            # the formula of an earlier release, which did show one, is that release's doing, not the unit's;
            # a figure typed over today's formula is XF153.
            continue
        if not _same(shown, want, place.field.type):
            # a hand-made form has no formula to recalculate: the unit typed the figure (XF240)
            yield key, ctx.finding("XF240" if ctx.imported else "XF407", key,
                                   value=_display(shown, place.field.type), expected=_display(want, place.field.type))


def _same(shown: object, want: object, ftype: str) -> bool:
    if shown == want and (type(shown) is float or type(shown) is str) and type(want) is type(shown):
        return True   # what the file shows nearly always: the recomputed figure itself
    a, b = to_decimal(shown), to_decimal(want)
    if a is None or b is None:
        return str(shown).strip() == ("" if want is None else str(want).strip())
    return abs(a - b) < _TOLERANCE.get(ftype, _DEFAULT_TOLERANCE)


def _display(x: object, ftype: str) -> object:
    d = to_decimal(x)
    if d is None or abs(d) >= MAX_NUMBER:    # a forged cache of 1e300 is shown as is: it cannot round to cents
        return x
    return percent(d) if ftype == "percent" else plain(d.quantize(Decimal("0.01")).normalize()
                                                        if ftype != "amount" else d)

