"""Plausibility: does the self-assessment agree with what the numbers and the indicator tree support?

Targets and actuals are free text on every real form ("95%及以上", "411 次", "9月底前", "有效"); they are
read by `xlsform.expressions` and judged as a reviewer judges them, the supported score following the spec's
[rules.scoring] (`scoring.support`). A row the texts cannot judge is left alone: a warning on a clean row is
as much a defect as a miss. The fund table gets the reviewer's look too: execution above 100% without a
reason, a full-year budget cut to what was spent, amounts typed in 元.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache

from xlsform import expressions as ex
from xlsform.checks.completeness import is_placeholder
from xlsform.checks.context import CheckContext, percent, plain
from xlsform.codes import Finding
from xlsform.layout import Layout, indicator_key
from xlsform.normalize import bare, compact, letters
from xlsform.records import Indicator
from xlsform.scoring import Support, score_total, support, to_decimal
from xlsform.spec import Scoring

_COMPARATOR = re.compile(r"≥|>=|≤|<=|[<>＜＞≧≦]|不低于|不少于|不高于|不超过|不多于|以上|以下|以内|至少")
# Actuals that report nothing measurable (DESIGN §3: "达成预期指标"); matched on the whole cell.
_VAGUE = re.compile(r"^(?:已?完成|已?达成(?:预期)?(?:指标|目标)?|已?达到预期(?:目标|指标)?|已?达标|已?实现|"
                    r"满意|较满意|良好|较好|好|是|按时完成|符合要求|圆满完成|全部完成|基本完成)[。.!！]?$")
SHIFT_MIN = 0.4       # share of a row's description found in another row's actual before we call it shifted
SHIFT_MARGIN = 0.25   # ... and by how much it must beat the row's own description
SHIFT_COMMON = 4      # and at least this many character pairs in common: "公务接待" alone proves nothing
TWIN_MIN = 0.8        # share of character pairs two rows' tasks share before they are the same task
YUAN_RATIO = (3000, 30000)   # an amount this many times its reference was typed in 元 (10,000 times 万元)


def check(ctx: CheckContext) -> Iterator[Finding]:
    yield from _tree(ctx)
    yield from _duplicates(ctx)
    yield from _twins(ctx)
    shifted = list(_shifted(ctx))
    yield from shifted
    # A shifted actual is judged against the wrong target; the shift is the one thing to report for it.
    moved = {f.key for f in shifted}
    year = _year(ctx)
    for ind in ctx.indicators:
        judged = _Row.of(ctx, ind, year)
        if indicator_key(ind.index, "actual") not in moved:
            yield from _against_target(ctx, ind, judged)
        yield from _reason(ctx, ind, judged)
    yield from _capped_total(ctx)
    yield from _funds(ctx)


def _year(ctx: CheckContext) -> int | None:
    y = ctx.num("year")
    return int(y) if y is not None and y == y.to_integral_value() and 1990 <= y <= 2100 else None


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


def _task(ind: Indicator) -> str:
    return f"{ind.level3 or ''}{ind.content or ''}"


def _twins(ctx: CheckContext) -> Iterator[Finding]:
    """The same task with the same target under two 二级指标 (接待批次 ≥45 under 数量指标 and again under
    质量指标): its points count twice. Near-duplicate text, as rows are retyped with a word changed; XF507
    has exact copies under one 二级."""
    by_target: dict[str, list[Indicator]] = {}
    for ind in ctx.indicators:   # a different target measures another side of the task (数量 vs 时效): allowed
        if ind.level2 and ind.weight and (ind.level3 or ind.content):
            by_target.setdefault(compact(ind.target or ""), []).append(ind)
    for group in by_target.values():
        if len(group) > 1 and len({ind.level2 for ind in group}) > 1:
            yield from _twins_in(ctx, group)


def _twins_in(ctx: CheckContext, group: list[Indicator]) -> Iterator[Finding]:
    rows = [(ind, _bigrams(_task(ind))) for ind in group if len(letters(_task(ind))) >= 4]
    for n, (ind, grams) in enumerate(rows):
        for other, other_grams in rows[:n]:
            if other.level2 == ind.level2 or not grams or not other_grams:
                continue
            if len(grams & other_grams) / len(grams | other_grams) >= TWIN_MIN:
                key = indicator_key(ind.index, "content" if ind.content else "level3")
                yield ctx.finding("XF514", key, value=ind.content or ind.level3, other=other.index,
                                  expected=other.level2)
                break


# ------------------------------------------------------------------------------------ shifted rows

@lru_cache(maxsize=4096)
def _bigrams(text: str) -> frozenset[str]:
    t = letters(text)
    return frozenset(t[i:i + 2] for i in range(len(t) - 1))


@lru_cache(maxsize=4096)
def _vague(actual: str) -> bool:
    return _VAGUE.match(actual.strip()) is not None


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

class _Row:
    """One indicator row read as a reviewer reads it: target and actual parsed, the supported score."""

    __slots__ = ("actual", "support", "target")

    def __init__(self, target: ex.Expr, actual: ex.Expr, found: Support | None) -> None:
        self.target, self.actual, self.support = target, actual, found

    @classmethod
    def of(cls, ctx: CheckContext, ind: Indicator, year: int | None) -> _Row:
        target, actual = ex.parse(ind.target), ex.parse(ind.actual)
        if ind.actual is None or ind.weight is None or (target.kind == ex.NONE and ind.nature != "定性"):
            return cls(target, actual, None)
        scoring = ctx.spec.rules.scoring
        judged = _judged(scoring)
        key = (ind.target, ind.actual, ind.nature, year, ind.weight)
        if key not in judged:   # the same indicator rows repeat across a round's returns
            if len(judged) > 8192:
                judged.clear()
            # Where the spec has a 度量单位 column, target and actual are bare numbers ("95" with "%" beside
            # them): both then have no unit and compare as they are.
            outcome = ex.compare(target, actual, ind.nature, year, _dec(scoring.equality_tolerance))
            judged[key] = support(outcome, _dec(ind.weight), scoring)
        return cls(target, actual, judged[key])


_JUDGED: dict[int, tuple[Scoring, dict[tuple[object, ...], Support | None]]] = {}


def _judged(scoring: Scoring) -> dict[tuple[object, ...], Support | None]:
    """The supported scores judged under one spec's rules, by the row's texts (cheaper keys than the rules)."""
    hit = _JUDGED.get(id(scoring))
    if hit is None or hit[0] is not scoring:
        hit = _JUDGED[id(scoring)] = (scoring, {})
    return hit[1]


def _dec(x: float) -> Decimal:
    d = to_decimal(x)
    return Decimal(0) if d is None else d


def _copies(ind: Indicator) -> str | None:
    """Which prefilled text the actual merely repeats, if any."""
    actual = letters(ind.actual or "")
    if ind.target and bare(ind.actual or "") == bare(ind.target) and (
            _COMPARATOR.search(ind.target) or (compact(ind.target) == compact(ind.actual or "")
                                               and ex.parse(ind.target).kind in (ex.RANGE, ex.DEADLINE))):
        return "目标值"
    if ind.content and len(actual) >= 6 and actual == letters(ind.content):
        return "目标内容"
    return None


def _against_target(ctx: CheckContext, ind: Indicator, row: _Row) -> Iterator[Finding]:
    actual_key = indicator_key(ind.index, "actual")
    if not ind.actual:
        yield from _no_target(ctx, ind, row)
        return
    source = _copies(ind)
    if source:
        yield ctx.finding("XF505", actual_key, value=ind.actual, source=source)
        return
    if row.actual.kind == ex.NONE:
        # the completeness check reports its own placeholders; "无" answers "无重大安全事故" or "0 起"
        if ind.weight and not is_placeholder(ind.actual) and not _none_meant(ind):
            yield ctx.finding("XF512", actual_key, value=ind.actual)
        return
    if (row.actual.op is not None and row.actual.kind == ex.NUMBER) or row.actual.kind == ex.RANGE:
        yield ctx.finding("XF511", actual_key, value=ind.actual, expected=ind.target)
        return
    yield from _no_target(ctx, ind, row)
    quantitative = row.target.kind in (ex.NUMBER, ex.RANGE, ex.DEADLINE) and ind.nature != "定性"
    qualitative = ind.nature == "定性" or row.target.kind == ex.QUALITATIVE   # a band is the answer there
    if (_vague(ind.actual) and not qualitative) or (quantitative and row.support is None):   # DESIGN §3
        yield ctx.finding("XF504", actual_key, value=ind.actual, expected=ind.target)
        return
    if row.support is not None and ind.weight and ind.score is not None:
        yield from _score_fits(ctx, ind, row.support)


_NONE_ANSWERS = frozenset({"无", "没有", "零", "暂无", "未发生", "0"})
_ZERO_TARGET = re.compile(r"无|零|杜绝|不发生|未发生|不出现|(?<![\d.])0(?![\d.])")


def _none_meant(ind: Indicator) -> bool:
    """"无" as the answer to a target of none ("无重大安全事故", "0 起"): a measurement, not a placeholder."""
    target = ind.target or ind.content or ""
    return compact(ind.actual or "") in _NONE_ANSWERS and _ZERO_TARGET.search(target) is not None


def _no_target(ctx: CheckContext, ind: Indicator, row: _Row) -> Iterator[Finding]:
    """Full marks on a weighted row that has no target at all: nothing says the work was done."""
    if ctx.has(indicator_key(ind.index, "target")) and not ind.target and ind.weight and ind.score == ind.weight:
        yield ctx.finding("XF513", indicator_key(ind.index, "score"), value=ind.score)


def _score_fits(ctx: CheckContext, ind: Indicator, found: Support) -> Iterator[Finding]:
    weight, score = _dec(ind.weight or 0), _dec(ind.score or 0)
    if score > weight:
        return   # an error of its own (XF403); the total counts it at the weight (XF518)
    key = indicator_key(ind.index, "score")
    shown = {"actual": ind.actual, "target": ind.target}
    tolerance = _dec(ctx.spec.rules.self_score_tolerance) * weight if found.low == found.high else Decimal(0)
    if found.met and found.low == weight and score < weight:
        yield ctx.finding("XF501", key, value=score, expected=weight, **shown)
    elif not found.met and score == weight and found.high <= weight:
        yield ctx.finding("XF502", key, value=score, expected=_below(found, weight), **shown)
    elif score < found.low - tolerance or score > found.high + tolerance:
        yield ctx.finding("XF503", key, value=score, expected=plain(found.shown), **shown)


def _below(found: Support, weight: Decimal) -> object:
    """What a missed target supports: the computed point, or "below the weight" for a late deadline."""
    if found.low == found.high or found.high < weight:
        return plain(found.shown)
    return f"低于 {plain(weight)}"


# ------------------------------------------------------------------------------------------ reasons

def _reason(ctx: CheckContext, ind: Indicator, row: _Row) -> Iterator[Finding]:
    """DESIGN §2: a reason is required when the score is below the weight or the actual misses the target."""
    key = indicator_key(ind.index, "reason")
    if not ctx.has(key) or ind.reason or ind.improvement or not ind.weight:
        return
    if ind.score is not None and ind.score < ind.weight:
        yield ctx.finding("XF508", key, why=f"得分 {plain(_dec(ind.score))} 低于分值 {plain(_dec(ind.weight))}")
        return
    if row.support is not None and not row.support.met and row.actual.kind != ex.QUALITATIVE:
        yield ctx.finding("XF508", key, why=f"完成值「{ind.actual}」未达到目标值「{ind.target}」")


# ------------------------------------------------------------------------------------------ totals

def _capped_total(ctx: CheckContext) -> Iterator[Finding]:
    """A score above its weight is an error (XF403); the total and grade count it at the weight: say what
    they come to, and what the scores as typed would have made."""
    over = [ind for ind in ctx.indicators if ind.score is not None and ind.weight is not None
            and ind.score > ind.weight]
    if not over or not ctx.has("total.score"):
        return
    total = ctx.num("total.score")
    place = ctx.layout.places["total.score"].field
    weights = place.args.get("weights")
    if total is None or weights is None:
        return
    items = [ctx.values.get(indicator_key(i, "score")) for i in range(1, ctx.layout.n + 1)]
    typed = score_total(ctx.values.get(place.args["fund"]), items, ctx.num(place.args.get("rate", "")),
                        ctx.spec.rules.rate_caps)
    grade = ctx.values.get("total.grade") or ctx.spec.rules.grade_for(float(total))
    if typed is not None and typed != total:
        yield ctx.finding("XF518", "total.score", value=typed, expected=total, grade=grade)


# ------------------------------------------------------------------------------------------- funds

def _funds(ctx: CheckContext) -> Iterator[Finding]:
    yield from _over_budget(ctx)
    # once per form: on the first typed budget that was cut (合计 only when it is the only one)
    yield from next(filter(None, (list(_budget_cut_to_spent(ctx, row)) for row in _initial_rows(ctx.layout))), [])
    yield from _yuan(ctx)


@lru_cache(maxsize=64)
def _initial_rows(layout: Layout) -> tuple[str, ...]:
    """Fund rows with a 年初预算数, those with a typed 全年预算数 first: once per layout."""
    places = layout.places
    rows = [r for r in layout.spec.fund_rows() if f"fund.{r}.initial_budget" in places]
    return tuple(sorted(rows, key=lambda r: f"fund.{r}.budget" in places
                        and places[f"fund.{r}.budget"].field.role == "computed"))


def _over_budget(ctx: CheckContext) -> Iterator[Finding]:
    """Execution above 100% needs a reason as much as execution below 90% does."""
    rate_key = f"fund.{ctx.spec.scored_fund_row}.rate"
    rate = ctx.num(rate_key)
    if rate is not None and rate > 1 and ctx.has("execution.reason") and ctx.text("execution.reason") is None \
            and ctx.trusted(rate_key):
        yield ctx.finding("XF515", "execution.reason", value=percent(rate))


def _budget_cut_to_spent(ctx: CheckContext, row: str) -> Iterator[Finding]:
    """全年预算数 lowered to exactly what was spent, below 年初预算数: the rate then shows 100% by construction."""
    initial, budget, spent = (ctx.num(f"fund.{row}.{c}") for c in ("initial_budget", "budget", "spent"))
    if initial is not None and budget is not None and spent is not None and 0 < budget == spent < initial:
        yield ctx.finding("XF516", f"fund.{row}.budget", value=budget, expected=initial)


def _yuan(ctx: CheckContext) -> Iterator[Finding]:
    """An amount about 10,000 times its reference (the row's budget, else the largest other budget): typed in
    元 on a form in 万元. The reader warns when "元" is written (XF208); this catches the bare figure."""
    values = ctx.values
    budgets = {row: _float(values.get(f"fund.{row}.budget")) for row in ctx.spec.fund_rows()}
    smallest = min((b for b in budgets.values() if b > 0), default=0.0)
    if smallest <= 0:
        return
    for row, column, key in _amount_keys(ctx.layout):
        value = _float(values.get(key))
        if value < smallest * YUAN_RATIO[0]:
            continue   # every figure of a sane form: one comparison
        own = budgets[row] if column != "budget" else 0.0
        others = [b for r, b in budgets.items() if r != row and b > 0]
        reference, basis = (own, "本行全年预算数") if own > 0 else (max(others, default=0.0), "其他预算数")
        if reference > 0 and YUAN_RATIO[0] <= value / reference <= YUAN_RATIO[1]:
            d = to_decimal(value) or Decimal(0)
            yield ctx.finding("XF517", key, value=d, expected=plain(d / 10000), basis=basis,
                              ratio=f"{value / reference:,.0f}")


def _float(x: object) -> float:
    return float(x) if isinstance(x, int | float | Decimal) and not isinstance(x, bool) else 0.0


@lru_cache(maxsize=64)
def _amount_keys(layout: Layout) -> tuple[tuple[str, str, str], ...]:
    """(row, column, key) of every typed amount of the fund table: what XF517 looks at, once per layout."""
    return tuple((row, column, f"fund.{row}.{column}") for row in layout.spec.fund_rows()
                 for column in ("spent", "budget", "initial_budget")
                 if f"fund.{row}.{column}" in layout.places
                 and layout.places[f"fund.{row}.{column}"].field.role != "computed")
