"""Completeness: required fields left empty, indicator rows filled halfway, placeholder text left in."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from xlsform import normalize, prefill
from xlsform.checks.context import CheckContext, memo_for, once_for
from xlsform.codes import Finding
from xlsform.layout import indicator_key, split_indicator_key
from xlsform.normalize import GUIDANCE_MAX, TEXT_CACHE, compact
from xlsform.records import Indicator
from xlsform.spec import Spec


def check(ctx: CheckContext) -> Iterator[Finding]:
    yield from _required(ctx)
    yield from _unweighted(ctx)
    for ind in ctx.indicators:
        if ind.weight:   # most rows of a form are empty, and most others complete: no generator for them
            if ind.actual is None or ind.score is None:
                yield from _half_filled(ctx, ind)
            if _names_nothing(ind.level3, ind.content):
                yield from weighted_placeholder(ctx, ind)
    yield from placeholders(ctx)


def is_blank(ctx: CheckContext) -> bool:
    """A form returned exactly as sent: not one field the unit fills holds anything. One finding says so
    (XF304) instead of every required field and every row the unit never started. A hand-made form has no
    prefilled part: blank when nothing at all was read from it."""
    if ctx.imported:
        return not ctx.record.cells and not ctx.unreadable
    values, given = ctx.record.values, []
    for k, p in ctx.layout.places.items():
        if p.field.role == "input" and values.get(k) not in (None, ""):
            if not p.field.prefillable:
                return False
            given.append(k)
    if given:   # an input the office prefilled (执行数 B from the treasury) is no sign the unit filled anything
        sent = ctx.entry.prefilled if ctx.entry is not None else _own_copy(ctx)
        if any(k not in sent for k in given):
            return False
    return not ctx.unreadable


def _own_copy(ctx: CheckContext) -> Mapping[str, Any]:
    """What the workbook says was prefilled, from the copy in its `_xf_meta`."""
    copy = prefill.from_meta(getattr(ctx.workbook, "meta", None) or {})
    return {} if copy is prefill.BROKEN else copy


def is_placeholder(text: str) -> bool:
    return normalize.is_placeholder(text)


def template_text(text: str, instructions: tuple[str, ...]) -> str | None:
    return normalize.template_guidance(text, instructions)


# Findings about the form as the office sent it, which a blank return still gets (check.py).
AS_SENT = frozenset({"XF531"})
# Rows that name no indicator: "/", "—", "无", "……" in 三级 and 目标内容.
_NO_NAME = normalize.DASHES | {"", "无", "空", "…", "……", "...", "......", "略"}


def _required(ctx: CheckContext) -> Iterator[Finding]:
    for key in once_for(ctx.spec, "required", lambda: _required_keys(ctx.spec)):
        if ctx.text(key) is None and ctx.has(key) and not ctx.withheld(key):
            yield ctx.finding("XF301", key)


def _required_keys(spec: Spec) -> tuple[str, ...]:
    return tuple(f.key for f in spec.scalar_fields() if f.required and f.role != "computed")


def _half_filled(ctx: CheckContext, ind: Indicator) -> Iterator[Finding]:
    """A weighted row must have its actual and score too (a row without a weight: `_unweighted`)."""
    if not ind.weight:
        return
    for column, value in (("actual", ind.actual), ("score", ind.score)):
        if value is not None:
            continue
        key = indicator_key(ind.index, column)
        if ctx.has(key) and not ctx.withheld(key):
            yield ctx.finding("XF302", key, filled=_filled(ctx, ind, column))


def _described(ind: Indicator) -> bool:
    """A row in use: text describing it, or a score. A row that holds only the template's slot ("指标2",
    "……", "/") is not in use: the placeholder is its finding."""
    return any(t and not _no_content(t) for t in (ind.level3, ind.content, ind.target, ind.actual)) or bool(ind.score)


def _unweighted(ctx: CheckContext) -> Iterator[Finding]:
    """Rows in use with an empty 分值 cell (a form printing no 分值 column has none to fill). Where no row of
    the table has a weight, the column was left empty as a whole: one finding names its cells. Otherwise each
    such row is filled halfway (XF302), except a row breaking down the weighted row above it ("其中桃树种植
    面积" under "★补助瓜果蔬菜种植面积": [rules.review] breakdown), which the template gives no weight."""
    rows, breakdown, inds = [], ctx.spec.rules.review.breakdown, ctx.indicators
    parts = _Parts(inds, breakdown)
    for i, ind in enumerate(inds):
        key = indicator_key(ind.index, "weight")
        if ind.weight is None and _described(ind) and ctx.has(key) and not ctx.withheld(key) \
                and not (breakdown and parts.under_weighted(i)):
            rows.append(ind)
    if not rows:
        return
    if not any(ind.weight for ind in ctx.indicators):
        cells = [ctx.where(indicator_key(ind.index, "weight"))[1] for ind in rows]
        shown = "、".join(c for c in cells[:8] if c) + ("等" if len(cells) > 8 else "")
        yield ctx.finding("XF542", indicator_key(rows[0].index, "weight"), count=len(rows), cells=shown or "—")
        return
    for ind in rows:
        yield ctx.finding("XF302", indicator_key(ind.index, "weight"), filled=_filled(ctx, ind, "weight"))


class _Parts:
    """Which rows break down the weighted row above them ([rules.review] breakdown), worked out only as far as
    a row without a weight asks (most forms have none): reading each name costs a compact of a unit's text."""

    def __init__(self, inds: list[Indicator], breakdown: tuple[str, ...]) -> None:
        self.inds, self.breakdown = inds, breakdown
        self.read = 0          # rows before this one are read: `parent` is the weight above them
        self.parent = False    # whether the last row read that is no part has a weight

    def part(self, i: int) -> bool:
        ind = self.inds[i]
        return _breaks_down(ind.level3 or ind.content or "", self.breakdown)

    def under_weighted(self, i: int) -> bool:
        """Whether row i is a part ("其中…") of a weighted row above it."""
        for j in range(self.read, i):
            if not self.part(j):
                self.parent = bool(self.inds[j].weight)
        self.read = max(self.read, i)
        return self.part(i) and self.parent


@lru_cache(maxsize=TEXT_CACHE)
def _breaks_down(name: str, prefixes: tuple[str, ...]) -> bool:
    return normalize.compact(name).startswith(tuple(normalize.compact(p) for p in prefixes))


@lru_cache(maxsize=TEXT_CACHE)
def _no_content(text: str) -> bool:
    return compact(text) in _NO_NAME or is_placeholder(text)


def _filled(ctx: CheckContext, ind: Indicator, missing: str) -> str:
    """The labels of what the row does have, e.g. "「分值」「三级指标」"."""
    names = []
    for column in ("weight", "level3", "target", "actual", "score"):
        f = ctx.spec.row_field(column)
        if column != missing and f is not None and getattr(ind, column) not in (None, ""):
            names.append(f"「{f.label}」")
    return "".join(names) or "其他内容"


def placeholders(ctx: CheckContext) -> Iterator[Finding]:
    headers, texts = _header_texts(ctx.spec), ctx.keys.texts
    instructions = ctx.spec.rules.review.instructions
    may_be_template = once_for(ctx.spec, "template gate", lambda: normalize.template_gate(instructions))
    may_be_label = once_for(ctx.spec, "label gate", lambda: normalize.label_gate(headers))
    verdicts = memo_for(ctx.spec, "stands in")   # most text of a round repeats from return to return
    if len(verdicts) > TEXT_CACHE:
        verdicts.clear()
    unseen = _UNSEEN
    # a text's verdict at a glance (None: real content, the common case); the few others below in form order
    said = [(key, value) for key, value in ctx.record.values.items()
            if key in texts and isinstance(value, str) and verdicts.get(value, unseen) is not None]
    slots: set[str] | None = None
    named: list[tuple[str, str, str, str]] = []   # (key, name, hint, the row's target): said once (XF541)
    for key, value in said:
        verdict = verdicts.get(value, unseen)
        if verdict is unseen:
            # a unit's own sentence (most texts a return holds, each read once) is refused at a glance
            if may_be_template(value):
                verdict = _stands_in(value, headers, instructions)
            else:
                verdict = "XF303" if may_be_label(value) and compact(value) in headers else None
            if len(value) <= GUIDANCE_MAX:   # a page of text is not kept as a key (the count bounds no memory)
                verdicts[value] = verdict
        if verdict is None:
            continue
        if verdict == "XF303":
            if slots is None:
                slots = _slot_names(ctx)
            # a template's unused row ("指标2" and nothing else) costs no points: worth a word, not a refusal
            yield ctx.finding("XF539" if key in slots else "XF303", key, value=value)
        else:
            # in a cell the office filled, the form went out that way: the unit cannot be blamed for it
            prefilled = not ctx.imported and ctx.layout.places[key].field.role == "prefill"
            given = _value_beside(ctx, key) if verdict != value and not prefilled else None
            if given is not None:
                named.append((key, value, verdict, given))
            else:
                yield ctx.finding("XF531" if prefilled else "XF530", key, value=value, expected=verdict)
    if named:
        yield _hints_in_names(ctx, named)


_UNSEEN = object()


def _hints_in_names(ctx: CheckContext, named: list[tuple[str, str, str, str]]) -> Finding:
    """Names that still carry the template's hint while the row's target holds the value (昌宁's "公猪舍
    (≥**平方米)" | 22.8): one remark for the form, naming every such cell; the name is not left unfilled."""
    key, value, hint, given = named[0]
    cells = [c for k, *_ in named[1:] if (c := ctx.where(k)[1])]
    others = f"；另有 {len(named) - 1} 个指标名称同样如此（{'、'.join(cells[:8])}{'等' if len(cells) > 8 else ''}）" \
        if len(named) > 1 else ""
    return ctx.finding("XF541", key, value=value, expected=hint, target=given, others=others)


def _value_beside(ctx: CheckContext, key: str) -> str | None:
    """For a hint left after an indicator's name ("公猪舍(≥**平方米)"): the label of the row's 目标值 when that
    holds the value the hint asks for. The name is then words plus a leftover hint, not an unfilled cell."""
    parts = split_indicator_key(key)
    if parts is None or parts[1] not in ("level3", "content"):
        return None
    target = indicator_key(parts[0], "target")
    value = ctx.text(target)
    if value is None or _no_content(value) or is_placeholder(value):
        return None
    return f"{ctx.label(target).split('·')[-1]}「{value}」"


def _slot_names(ctx: CheckContext) -> set[str]:
    """The name cells of the template's unused rows: rows with no weight or score, whose names are only the
    template's slots ("指标2", "指标1：", "……") and whose target and actual say nothing either (empty, or "/"
    for 'not applicable': 天长's 「指标1:/ | / | /」 under 生态效益)."""
    return {indicator_key(ind.index, column) for ind in ctx.indicators
            if not (ind.weight or ind.score)
            and all(_no_content(t) for t in (ind.level3, ind.content, ind.target, ind.actual) if t)
            for column in ("level3", "content")}


def weighted_placeholder(ctx: CheckContext, ind: Indicator) -> Iterator[Finding]:
    """A row whose 三级指标 is "/" (or "……", "无") yet carries a weight: points for no indicator."""
    if ind.weight and _names_nothing(ind.level3, ind.content):
        yield ctx.finding("XF532", indicator_key(ind.index, "weight"), value=ind.weight,
                          expected=ind.level3 if ind.level3 is not None else ind.content)


@lru_cache(maxsize=TEXT_CACHE)   # the same rows repeat across a round's returns
def _names_nothing(level3: str | None, content: str | None) -> bool:
    """Whether a row's 三级指标 and 目标内容, those it has, are only "/", "……", "无" (at least one of them)."""
    names = [n for n in (level3, content) if n is not None]
    return bool(names) and all(compact(n) in _NO_NAME for n in names)


def _stands_in(value: str, headers: frozenset[str], instructions: tuple[str, ...]) -> str | None:
    """What a text stands in for content as: the template's guidance (returned), a placeholder or one of the
    form's own labels ("XF303"), or None for real content."""
    guidance = template_text(value, instructions)
    if guidance is not None:
        return guidance
    return "XF303" if is_placeholder(value) or compact(value) in headers else None


_HEADERS: dict[int, tuple[Spec, frozenset[str]]] = {}


def _header_texts(spec: Spec) -> frozenset[str]:
    """The form's own printed labels ("未完成原因", "目标值"): typed into a cell they are instruction text."""
    hit = _HEADERS.get(id(spec))
    if hit is None or hit[0] is not spec:
        texts = [lab.text for b in spec.blocks for lab in b.labels]
        texts += [f.label for b in spec.blocks for f in (*b.fields, *b.row)]
        hit = _HEADERS[id(spec)] = (spec, frozenset(compact(t) for t in texts if len(t) >= 2))
    return hit[1]
