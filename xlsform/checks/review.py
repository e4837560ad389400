"""The reviewer's reading of how a form was set up: targets that are no values, amounts written as shares,
a budget changed during the year with no word of it.

A performance reviewer reads more than the arithmetic. In 数量/质量/时效/成本 a target must be something to
measure the work against; a 成本 row is an amount; a 全年预算数 that differs from the 年初预算数 was adjusted,
and an adjustment is explained. Each rule here is one such reading over the meaning of the cells, never their
wording: targets go through the one expression parser, texts compare through `normalize`, and every list and
threshold is the spec's [rules.review] (docs/specs.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache
from typing import cast

from xlsform import expressions as ex
from xlsform.checks.context import CheckContext, memo_for, plain
from xlsform.codes import Finding
from xlsform.layout import Layout, indicator_key
from xlsform.lazyre import lazy
from xlsform.normalize import TEXT_CACHE, compact, is_placeholder, letters
from xlsform.records import Indicator
from xlsform.spec import Review


def check(ctx: CheckContext) -> Iterator[Finding]:
    review = ctx.spec.rules.review
    codes = memo_for(review, "target")   # the same rows repeat across a round's returns
    for ind in ctx.indicators:
        if ind.target:   # most rows of a form are empty; of the others, most say nothing (no generator per row)
            code = _target_code(codes, ind, review)
            if code is not None:
                yield _target_finding(ctx, ind, code)
            if _share_of_amount(ind.level3 or "", ind.target, ind.measure or ""):
                yield _share_finding(ctx, ind)
    yield from _adjusted_budget(ctx, review)


# ------------------------------------------------------------------------------------ targets

_MEASURED = (ex.NUMBER, ex.RANGE, ex.DEADLINE)


def target_is_a_value(ctx: CheckContext, ind: Indicator, review: Review) -> Iterator[Finding]:
    """In 数量/质量/时效/成本 the target is a count, a rate, an amount or a date ("≥3 次", "100%", "9月底前");
    "严格执行相关制度规定" or "及时" there sets nothing to measure against. A pass/fail standard ("合格") is a
    value; a row the spec's 指标性质 calls 定性 is qualitative by design."""
    if ind.target:
        code = _target_code(memo_for(review, "target"), ind, review)
        if code is not None:
            yield _target_finding(ctx, ind, code)


def _target_code(codes: dict[tuple[str | None, ...], str | None], ind: Indicator, review: Review) -> str | None:
    """XF533, XF534 or None for a row's target, remembered by the texts it depends on."""
    task = ind.content or ind.level3
    key = (ind.target, ind.level2, ind.nature, task)
    code = codes.get(key, _UNSEEN)
    if code is _UNSEEN:
        code = _target_code_of(ind.target or "", ind.level2, ind.nature, task, review)
        if sum(len(t) for t in key if t) <= 4 * ex.PARSED_MAX:   # a page of text is not kept as a key
            if len(codes) > TEXT_CACHE:
                codes.clear()
            codes[key] = code
    return cast(str | None, code)


def _target_finding(ctx: CheckContext, ind: Indicator, code: str) -> Finding:
    if code == "XF533":
        return ctx.finding(code, indicator_key(ind.index, "target"), value=ind.target, level2=ind.level2)
    return ctx.finding(code, indicator_key(ind.index, "target"), value=ind.target, expected=ind.content or ind.level3)


_UNSEEN = object()


def _target_code_of(target: str, level2: str | None, nature: str | None, task: str | None,
                    review: Review) -> str | None:
    if level2 is None or level2 not in review.quantitative or nature == "定性" or is_placeholder(target):
        return None   # a placeholder ("X月底前") is the template's, reported as such (XF303)
    return _target_verdict(target, level2, task, review)   # kept by _target_code (a Review as an lru_cache
                                                           # key costs a hash of its 200 words a call)


def _target_verdict(text: str, level2: str, task: str | None, review: Review) -> str | None:
    target = ex.parse(text)
    if target.kind in _MEASURED:
        return "XF534" if _count_as_share(target, level2, task, review) else None
    return None if target.kind == ex.NONE or _standard(text, review.standards) or _none_of(text, review.zero_words) \
        else "XF533"


STANDARD_MAX = 8   # letters: "符合国家标准", "工程验收合格" are standards; a longer text describes conduct


@lru_cache(maxsize=TEXT_CACHE)
def _standard(target: str, standards: tuple[str, ...]) -> bool:
    """A pass/fail standard ([rules.review] standards), alone or closing a short target ("验收合格")."""
    text = letters(target)
    return len(text) <= STANDARD_MAX and any(text.endswith(s) for s in _letter_set(standards))


@lru_cache(maxsize=TEXT_CACHE)
def _none_of(target: str, words: tuple[str, ...]) -> bool:
    """A short target that asks for none of something ([rules.review] zero_words: "无重大安全事故", "零投诉",
    "未发生安全责任事故"): a count of zero, a value as "0起" is."""
    text = letters(target)
    return len(text) <= STANDARD_MAX + 4 and not text.startswith("无法") \
        and text.startswith(tuple(letters(w) for w in words if letters(w)))   # "无法量化" is "cannot", not none


_RATE = lazy(r"率|比例|比重|占比|覆盖|百分")


def _count_as_share(target: ex.Expr, level2: str, task: str | None, review: Review) -> bool:
    """"100%" as the 数量指标 target of a task that names its own count ("开展一次党员轮训", "3个基地"): the
    count is the target, a share of a count says nothing."""
    if level2 not in review.counted or task is None or target.unit != "%" or target.low != 100:
        return False
    named = ex.parse(task)
    return named.kind == ex.NUMBER and named.unit not in ("%", "元", "") and not _RATE.search(compact(task)) \
        and not _a_year(named)


def _a_year(named: ex.Expr) -> bool:
    """"完成2022年度审计": the figure names the year of the work, it counts nothing."""
    return named.unit.startswith("年") and named.low is not None and 1900 <= named.low <= 2100


@lru_cache(maxsize=16)
def _letter_set(texts: tuple[str, ...]) -> frozenset[str]:
    return frozenset(letters(t) for t in texts)


# ------------------------------------------------------------------------------------ amounts

# What a 三级指标 names when it is an amount (成本, 经费, 补助标准) and not a rate of one (资金到位率).
_AMOUNT = re.compile(r"(?:成本|经费|资金|费用|金额|投资|投入|支出|预算|补助标准|补贴标准|单价)(?:总额|合计|控制)?$")


# A unit printed after the name ("项目总成本(%)", "资金投入(万元)"): a label of the column, not the name.
_UNIT_LABEL = re.compile(r"\((%|百分比|万元|元)\)$")


def amount_as_share(ctx: CheckContext, ind: Indicator) -> Iterator[Finding]:
    """An amount written as a share: "项目总成本" with the target "100%", 度量单位 "%", or "(%)" printed after
    the name ("项目总成本(%)" | 100). A cost is so many 元 or 万元; "100%" of it measures nothing."""
    if ind.target and _share_of_amount(ind.level3 or "", ind.target, ind.measure or ""):
        yield _share_finding(ctx, ind)


def _share_finding(ctx: CheckContext, ind: Indicator) -> Finding:
    return ctx.finding("XF537", indicator_key(ind.index, "target"), value=_shown(ind), expected=ind.level3)


@lru_cache(maxsize=TEXT_CACHE)   # the same rows repeat across a round's returns
def _share_of_amount(level3: str, target: str, measure: str) -> bool:
    name = compact(level3)
    label = _UNIT_LABEL.search(name)
    if label is not None:
        name = name[:label.start()]
    if not _AMOUNT.search(name) or _RATE.search(name):
        return False
    parsed = ex.parse(target)
    shown_share = label is not None and label.group(1) in ("%", "百分比")
    share = parsed.unit == "%" or (not parsed.unit and (shown_share or compact(measure) in ("%", "百分比")))
    return parsed.kind in (ex.NUMBER, ex.RANGE) and share


def _shown(ind: Indicator) -> str:
    return f"{ind.target}{ind.measure}" if ind.measure and ind.measure not in (ind.target or "") else ind.target or ""


# ------------------------------------------------------------------------------------ the budget

def _adjusted_budget(ctx: CheckContext, review: Review) -> Iterator[Finding]:
    """年初预算数 ≠ 全年预算数: the budget was adjusted during the year (追加 or 调减), and the form must say so
    (the national template's own note: 年中发生预算调整的，应单独说明理由). Said where the form has a 预算执行偏差
    原因; on a form without one (the national project form), in any row's 偏差原因. Once per form, on the first
    typed row that changed. The texts are read only then: most forms show no adjustment (and a form with no
    年初预算数 cannot), and compacting a unit's own sentences to look for words in them costs more."""
    for row in _budget_rows(ctx.layout):
        initial, budget = ctx.num(f"fund.{row}.initial_budget"), ctx.num(f"fund.{row}.budget")
        if initial is not None and budget is not None and abs(budget - initial) >= _CENT:
            texts = _explanations(ctx)
            words = _compact_words(review.adjustment_words)
            if not any(w in said for said in [compact(t) for t in texts] for w in words):
                yield _unexplained(ctx, row, initial, budget, texts)
            return


def _explanations(ctx: CheckContext) -> list[str]:
    """The texts that could explain an adjustment: the 预算执行偏差原因, else every row's 偏差原因."""
    if ctx.has("execution.reason"):
        return [t for t in [ctx.text("execution.reason")] if t]
    return [t for ind in ctx.indicators for t in (ind.reason, ind.improvement) if t]


def _unexplained(ctx: CheckContext, row: str, initial: Decimal, budget: Decimal, texts: list[str]) -> Finding:
    amounts = {"row": ctx.label(f"fund.{row}.budget").split("·")[0], "initial": plain(initial), "budget": plain(budget)}
    if ctx.has("execution.reason"):
        said = f"本栏「{texts[0]}」未提及预算调整" if texts else "本栏未填写"
        return ctx.finding("XF538", "execution.reason", said=said, **amounts)
    return ctx.finding("XF538", f"fund.{row}.budget", said="表中没有说明调整的文字", **amounts)


_CENT = Decimal("0.005")   # amounts are shown to the cent: a difference below it is rounding


@lru_cache(maxsize=64)
def _budget_rows(layout: Layout) -> tuple[str, ...]:
    """Fund rows where both budgets are typed (not the computed 合计): the rows an adjustment shows in."""
    places = layout.places
    return tuple(r for r in layout.spec.fund_rows()
                 if all(f"fund.{r}.{c}" in places and places[f"fund.{r}.{c}"].field.role != "computed"
                        for c in ("initial_budget", "budget")))


@lru_cache(maxsize=16)
def _compact_words(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(compact(w) for w in words)
