"""Plausibility: does the self-assessment agree with what the numbers and the indicator tree support?

Targets and actuals are free text on every real form ("95%及以上", "411 次", "9月底前", "有效"); they are
read by `xlsform.expressions` and judged as a reviewer judges them, the supported score following the spec's
[rules.scoring] (`scoring.support`). A row the texts cannot judge is left alone: a warning on a clean row is
as much a defect as a miss. The fund table gets the reviewer's look too: execution above 100% without a
reason, a full-year budget cut to what was spent, amounts typed in 元.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator
from decimal import Decimal
from functools import cache, lru_cache
from itertools import chain
from typing import Any

from xlsform import expressions as ex
from xlsform.checks.completeness import is_placeholder, template_text
from xlsform.checks.context import CheckContext, memo_for, percent, plain
from xlsform.codes import Finding
from xlsform.layout import Layout, indicator_key
from xlsform.lazyre import lazy
from xlsform.normalize import TEXT_CACHE, bare, compact, letters
from xlsform.records import Indicator
from xlsform.scoring import Support, score_total, support, to_decimal
from xlsform.spec import Review, Scoring

_COMPARATOR = lazy(r"≥|>=|≤|<=|[<>＜＞≧≦]|不低于|不少于|不高于|不超过|不多于|以上|以下|以内|至少")
SHIFT_MIN = 0.4       # share of a row's description found in another row's actual before we call it shifted
SHIFT_MARGIN = 0.25   # ... and by how much it must beat the row's own description
SHIFT_COMMON = 4      # and at least this many character pairs in common: "公务接待" alone proves nothing
TWIN_MIN = 0.8        # share of character pairs two rows' tasks share before they are the same task


def check(ctx: CheckContext) -> Iterator[Finding]:
    yield from _tree(ctx)
    yield from _duplicates(ctx)
    yield from _twins(ctx)
    shifted = list(_shifted(ctx))
    yield from shifted
    # A shifted actual is judged against the wrong target; the shift is the one thing to report for it.
    moved = {f.key for f in shifted}
    year = _year(ctx)
    review = ctx.spec.rules.review
    readings = _readings(review)
    for ind in ctx.indicators:
        reading = _read(readings, ind, review)
        if ind.weight and ind.score == ind.weight:   # most rows of a form are empty: no generator for them
            yield from _no_target(ctx, ind)
        if reading.copied:
            # an actual that repeats its 目标内容 ("保证了区委办各项工作的正常运转" for "保证区委办各项工作的正常运转")
            # restates the task, it does not say what was done: that, not a measurement
            yield ctx.finding("XF536", indicator_key(ind.index, "actual"), value=ind.actual, expected=ind.content,
                              source="目标内容")
        elif reading.verdict is not None and reading.verdict != "none" \
                and not (moved and indicator_key(ind.index, "actual") in moved):   # nor is an actual sitting in
            yield from _against_target(ctx, ind, reading, year)                  # another row's place
        if ind.weight and not (ind.reason or ind.improvement):   # most rows give their reason or need none
            yield from _reason(ctx, ind, reading, year)
    yield from _repeats_goal(ctx, review)
    yield from _stock_goal(ctx, review)
    yield from _capped_total(ctx)
    yield from _funds(ctx)


def _year(ctx: CheckContext) -> int | None:
    y = ctx.num("year")
    return int(y) if y is not None and y == y.to_integral_value() and 1990 <= y <= 2100 else None


# ------------------------------------------------------------------------------------------ the tree

def _tree(ctx: CheckContext) -> Iterator[Finding]:
    """一级 outside the tree (XF510), 二级 outside its 一级 (XF506): once per cell, as the unit mends it. A 一级
    merged down beside four rows is one cell to change, not four findings."""
    tree = ctx.spec.tree
    wrong: dict[tuple[str, str | None, str], list[int]] = {}   # (code, cell, key of the first row) -> rows
    first: dict[tuple[str, str | None, str], str] = {}
    for ind in ctx.indicators:
        if ind.level1 and ind.level1 not in tree:
            code, key, value = "XF510", indicator_key(ind.index, "level1"), ind.level1
        elif ind.level1 and ind.level2 and ind.level2 not in tree[ind.level1]:
            code, key, value = "XF506", indicator_key(ind.index, "level2"), ind.level2
        else:
            continue
        cell = ctx.where(key)[1]
        group = (code, cell or key, value)   # no cell (a record without a file): each row its own
        first.setdefault(group, key)
        wrong.setdefault(group, []).append(ind.index)
    for (code, _, value), rows in wrong.items():
        key = first[(code, _, value)]
        shared = f"（第 {rows[0]}–{rows[-1]} 行共用此格）" if len(rows) > 1 else ""
        if code == "XF510":
            yield ctx.finding(code, key, value=value, expected="、".join(tree), rows=shared)
        else:
            level1 = ctx.values.get(key.replace("level2", "level1"))
            yield ctx.finding(code, key, value=value, expected="、".join(tree[str(level1)]), level1=level1,
                              rows=shared)


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
    """What a row sets out to do: its 目标内容, or its 三级指标 where the layout has none (三级 is often a project
    name repeated on every row when 目标内容 is there)."""
    return ind.content or ind.level3 or ""


TWIN_MIN_LETTERS = 6   # "公务接待" alone names a kind of work, not one task
TWIN_EXACT_BELOW = 12  # a short name changed by a word is another indicator ("管理制度有效性", "财务管理制度有效性")


def _twins(ctx: CheckContext) -> Iterator[Finding]:
    """The same task under two 二级指标 (党员轮训 as 数量指标 and again as 质量指标): its points count twice.
    Two weighted rows are one task when their tasks read alike ([rules.review] twin_similarity: retyped
    with a word changed) and their targets do not measure two sides of it (a count and a date, a count and
    a rate); XF507 has exact copies under one 二级."""
    rows = tuple((ind.index, ind.level2, letters(_task(ind)), _side(ind))
                 for ind in ctx.indicators if ind.level2 and ind.weight)
    by_index = {ind.index: ind for ind in ctx.indicators}
    for n, other in _twin_pairs(rows, ctx.spec.rules.review.twin_similarity):
        ind = by_index[n]
        key = indicator_key(n, "content" if ind.content else "level3")
        yield ctx.finding("XF514", key, value=_task(ind), other=other, expected=by_index[other].level2)


@lru_cache(maxsize=1024)   # a round's returns share their prefilled indicator tables
def _twin_pairs(rows: tuple[tuple[int, str | None, str, tuple[str, str] | None], ...],
                share: float) -> tuple[tuple[int, int], ...]:
    """(row, the earlier row it repeats) for every twin among (index, 二级, task words, side) rows."""
    sized = [(*r, len(r[2])) for r in rows if TWIN_MIN_LETTERS <= len(r[2]) <= ex.PARSED_MAX]
    ratio = _fuzz().ratio
    pairs = []
    for n, (index, level2, task, side, size) in enumerate(sized):
        best, other = 0.0, None
        for o, o_level2, t, s, o_size in sized[:n]:
            if o_level2 == level2:
                continue
            # the ratio is at most 2·shorter/(both lengths): most pairs are ruled out without comparing them
            shorter = o_size if o_size < size else size
            if 2 * shorter < share * (o_size + size) or (side is not None and s is not None and side != s) \
                    or (shorter < TWIN_EXACT_BELOW and t != task):
                continue
            score = ratio(task, t)
            if score > best:
                best, other = score, o
        if other is not None and best >= share * 100:
            pairs.append((index, other))
    return tuple(pairs)


_MEASURED = (ex.NUMBER, ex.RANGE, ex.DEADLINE)


def _side(ind: Indicator) -> tuple[str, str] | None:
    """What a row's target measures, when it is a value: its kind and unit ("number", "次"); two rows that
    measure different things (a count and a date, a count and a rate) are two sides of one task."""
    target = ex.parse(ind.target)
    if target.kind not in _MEASURED:
        return None
    return target.kind, target.unit or ind.measure or ""


# ------------------------------------------------------------------------------------ shifted rows

@lru_cache(maxsize=TEXT_CACHE // 4)    # a set of a hundred numbers an entry: the largest entries
def _bigrams(text: str) -> frozenset[int]:
    """Every pair of adjacent letters, as one number: the two characters' 32-bit codes side by side in 64
    bits, read by `array` from the text's UTF-32 (pairs starting at an even place, then at an odd one). The
    sets are only counted and compared, so a number serves as well as the 2-letter string, and building it
    costs no string, hash or loop in Python per pair."""
    t = letters(text)
    raw, n = t.encode("utf-32-le", "surrogatepass"), len(t)
    return frozenset(chain(array("Q", raw[:8 * (n // 2)]), array("Q", raw[4:4 + 8 * ((n - 1) // 2)])))


def _overlap(actual: frozenset[int], description: frozenset[int]) -> float:
    common = len(actual & description)
    return common / len(description) if common >= SHIFT_COMMON else 0.0


def _shifted(ctx: CheckContext) -> Iterator[Finding]:
    """An actual that describes another row's indicator better than its own: rows slipped when pasting."""
    rows = [(ind, ind.content or ind.level3 or "") for ind in ctx.indicators if ind.actual]
    first: dict[str, Indicator] = {}   # each description's first row: the one an actual is said to belong to
    for ind, desc in rows:
        first.setdefault(desc, ind)
    descriptions = tuple(first)
    kept = _kept(descriptions)
    for ind, desc in rows:
        actual = ind.actual or ""
        # a round's rows repeat their descriptions, and many their actuals; a page of text is not kept
        other = (_shifted_to_seen if kept and len(actual) <= ex.PARSED_MAX else _shifted_to)(actual, desc, descriptions)
        if other is not None:
            row = first[other]
            yield ctx.finding("XF509", indicator_key(ind.index, "actual"), value=ind.actual,
                              expected=row.content or row.level3, other=row.index)


def _shifted_to(actual: str, own: str, descriptions: tuple[str, ...]) -> str | None:
    """The description (among the form's, in row order) an actual describes better than its own row's.
    Rows that share a description share its score: the first of them is the one named."""
    grams, mine = _bigrams(actual), _bigrams(own)
    score_own = _overlap(grams, mine)
    if len(grams) < SHIFT_COMMON or score_own + SHIFT_MARGIN > 1:
        return None   # no row can share enough pairs with it, or beat its own row by the margin
    # words the row's own description has too are no sign that the actual belongs elsewhere (the name every
    # row carries, a unit's name after every text): another row must win on the words that set it apart
    telling = grams - mine
    if len(telling) < SHIFT_COMMON:
        return None   # too few such words for any row to share enough of them (most actuals: none at all)
    best, other = 0.0, None
    for desc in descriptions:
        if desc == own:
            continue
        # _overlap(telling, pairs - mine) without making `pairs - mine` for every row: telling holds none of
        # mine, so what it shares with that set is what it shares with the pairs, and most rows share too
        # few for the share to be asked
        pairs = _bigrams(desc)
        common = len(telling & pairs)
        if common >= SHIFT_COMMON and (score := common / len(pairs - mine)) > best:
            best, other = score, desc
    return other if other is not None and best >= SHIFT_MIN and best >= score_own + SHIFT_MARGIN else None


_shifted_to_seen = lru_cache(maxsize=TEXT_CACHE)(_shifted_to)


# ------------------------------------------------------------------------- score against the target

class _Reading:
    """What a row's texts say, whatever its figures: target and actual parsed, the comparison the row sets,
    and the verdict of the rules that read texts only (None for a copied actual). Read once per distinct row
    under one spec's rules: the prefilled parts of a round's rows repeat from return to return, and so do many
    actuals."""

    __slots__ = ("_actual", "copied", "nature", "target", "text", "verdict")

    def __init__(self, ind: Indicator, review: Review) -> None:
        self.target, self.text = ex.parse(ind.target), ind.actual
        self.nature = _nature(ind, self.target, review.lower_better)
        self.copied = bool(ind.actual and ind.content
                           and repeats(ind.actual, ind.content, review.copy_similarity, review.copy_min_letters))
        # a copied actual is judged for that alone (XF536): no rule reads its verdict, and its reading (a long
        # sentence, parsed for nothing) only when a reason is asked for its score
        self._actual = None if self.copied else ex.parse(ind.actual)
        self.verdict = None if self._actual is None else _verdict(ind, self._actual, review)

    @property
    def actual(self) -> ex.Expr:
        if self._actual is None:
            self._actual = ex.parse(self.text)
        return self._actual


# (actual, target, content, level3, level2, nature): what a reading depends on besides the spec's rules
_ReadingKey = tuple[str | None, str | None, str | None, str | None, str | None, str | None]
_READINGS: dict[int, tuple[Review, dict[_ReadingKey, _Reading]]] = {}


def _readings(review: Review) -> dict[_ReadingKey, _Reading]:
    """The rows read under one spec's rules, by their texts (cheaper keys than the rules)."""
    hit = _READINGS.get(id(review))
    if hit is None or hit[0] is not review:
        hit = _READINGS[id(review)] = (review, {})
    return hit[1]


def _read(readings: dict[_ReadingKey, _Reading], ind: Indicator, review: Review) -> _Reading:
    key = (ind.actual, ind.target, ind.content, ind.level3, ind.level2, ind.nature)
    reading = readings.get(key)
    if reading is None:
        reading = _Reading(ind, review)
        if _kept(key):
            if len(readings) > TEXT_CACHE:
                readings.clear()
            readings[key] = reading
    return reading


def _kept(texts: tuple[str | None, ...]) -> bool:
    """Whether texts are short enough to be kept as a cache's key: a page of text (a hostile 32,767-character
    cell in every row of every return) would make a bounded count of entries an unbounded amount of memory."""
    return sum(len(t) for t in texts if t) <= 4 * ex.PARSED_MAX


def _support(ctx: CheckContext, ind: Indicator, reading: _Reading, year: int | None) -> Support | None:
    """The score a reviewer accepts for the row, from its target, actual and weight (None: the texts cannot say)."""
    if ind.actual is None or (reading.target.kind == ex.NONE and ind.nature != "定性"):
        return None
    scoring = ctx.spec.rules.scoring
    judged = _judged(scoring)
    # A row without a weight (a form printing none, or a 其中 row) is judged against its target all the same:
    # "100%" answers "100%" there too. Only a weighted row's score is then held against the support.
    weight = UNWEIGHTED if ind.weight is None else ind.weight
    key = (ind.target, ind.actual, reading.nature, year, weight)
    if key not in judged:   # the same indicator rows repeat across a round's returns
        if len(judged) > TEXT_CACHE:
            judged.clear()
        # Where the spec has a 度量单位 column, target and actual are bare numbers ("95" with "%" beside
        # them): both then have no unit and compare as they are.
        outcome = ex.compare(reading.target, reading.actual, reading.nature, year,
                             _dec(scoring.equality_tolerance))
        judged[key] = support(outcome, _dec(weight), scoring)
    return judged[key]


UNWEIGHTED = 1.0   # the nominal weight an unweighted row's support is computed at (only `met` is read from it)


def _nature(ind: Indicator, target: ex.Expr, lower_better: tuple[str, ...]) -> str | None:
    """The comparison a row sets. A bare figure is a floor ("400 次"), unless the row's 指标性质 says otherwise
    or its name is a measure that should stay low ("预算调整率 3%", "结转结余率 2%", "公用经费控制率 100%":
    [rules.review] lower_better): then the figure is a ceiling, and 0 meets it."""
    if ind.nature in ex.NATURE_OF or ind.nature == "定性" or target.kind != ex.NUMBER or target.op is not None:
        return ind.nature
    return "≤" if lower_better and _names_ceiling(ind.level3 or ind.content or "", lower_better) else ind.nature


@lru_cache(maxsize=TEXT_CACHE)
def _names_ceiling(name: str, measures: tuple[str, ...]) -> bool:
    text = compact(name)
    return any(compact(m) in text for m in measures)


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


def _copies(ind: Indicator) -> bool:
    """Whether the actual merely repeats its 目标值 ("≥95%" for "≥95%"), figures and signs alike."""
    return bool(ind.target) and _copies_text(ind.target or "", ind.actual or "")


@lru_cache(maxsize=TEXT_CACHE)   # the same rows repeat across a round's returns
def _copies_text(target: str, actual: str) -> bool:
    """A limit said again ("≥95%", "80%-90%", "9月底前"): no measurement. A date said again ("2021年12月31日",
    "2019年") is the date the work was done, and a limit without a figure ("不超过预算") a yes answered yes."""
    if bare(actual) != bare(target):
        return False
    parsed = ex.parse(target)
    return (_COMPARATOR.search(target) is not None and parsed.kind in _MEASURED) or parsed.kind == ex.RANGE \
        or (parsed.kind == ex.DEADLINE and parsed.op is not None)


def _repeats_goal(ctx: CheckContext, review: Review) -> Iterator[Finding]:
    """实际完成情况 that repeats the 预期目标 / 年初设定目标."""
    achieved, goal = ctx.text("goal.achieved"), ctx.text("goal.target")
    if achieved and goal and repeats(achieved, goal, review.copy_similarity, review.copy_min_letters):
        yield ctx.finding("XF536", "goal.achieved", value=achieved, expected=goal, source=ctx.label("goal.target"))


CLIPPED = 95   # partial_ratio of a clipped copy


@lru_cache(maxsize=TEXT_CACHE)
def repeats(answer: str, goal: str, similarity: float, run: int = 20) -> bool:
    """Whether `answer` is `goal` said again: as alike as `similarity` (words only; figures, spacing and
    punctuation aside), or a clipped copy (word for word, most of the goal or at least `run` letters of it:
    "完成" before the goal's last sentence), and reporting no figure the goal does not already hold."""
    if len(answer) > ex.PARSED_MAX or len(goal) > ex.PARSED_MAX:
        return False   # a page of text is no copy of a task; comparing it would cost a hostile file seconds
    a, g = letters(answer), letters(goal)
    if len(g) < 6 or len(a) < 4:
        return False
    # score_cutoff: rapidfuzz skips the windows that cannot reach it (half the instructions on two paragraphs)
    ratio = _fuzz().ratio(a, g)
    alike = ratio >= similarity * 100 \
        or (len(a) >= max(8, min(len(g) / 2, run)) and may_clip(ratio, len(a), len(g))
            and _fuzz().partial_ratio(a, g, score_cutoff=CLIPPED) >= CLIPPED)
    # the words first: most answers are not alike, and reading a text's figures costs more than comparing it;
    # then the answer's figures (none: nothing the goal does not hold, its own are not read)
    return alike and (not (said := _figures(answer)) or said <= _figures(goal))


def may_clip(ratio: float, a: int, b: int) -> bool:
    """Whether two texts of a and b letters whose ratio is `ratio` can be a clipped copy (partial_ratio ≥
    CLIPPED): the shorter aligned with a window of the longer shares at most their longest common
    subsequence L with it, which ratio tells (200·L/(a+b)), and the best window scores at most 200·L/(m+L)
    (m: the shorter's length). Two paragraphs that are not alike (a unit's 实际完成情况 beside its 预期目标, on
    every return) are told apart without aligning them (partial_ratio on two paragraphs: the most costly
    comparison a return makes). The 1 is a margin for the float."""
    return ratio * (a + b) / 200 >= CLIPPED * min(a, b) / (200 - CLIPPED) - 1


@cache
def _fuzz() -> Any:
    """rapidfuzz, imported when two texts are first compared: start-up and a plain read do not pay for it."""
    from rapidfuzz import fuzz

    return fuzz


def _figures(text: str) -> set[Decimal]:
    return {v for v, _ in ex.figures_of(text)}


def _verdict(ind: Indicator, actual: ex.Expr, review: Review) -> str | None:
    """What the rules that read a row's texts only make of its actual: a finding's code ("XF512": when the row
    is weighted), "none" (nothing to say), "judge" (the score is held against the support) or "measured"
    (the same, and a target that is a value must give a support: XF504 when it cannot); None without one."""
    if not ind.actual:
        return None
    if _copies(ind):
        return "XF505"
    quantitative = _quantitative(ind)
    # DESIGN §3: "达成预期指标" measures nothing; nor does "已完成100%" (the work's progress) beside a satisfaction.
    # Asked only of a row that sets a value or claims one (most rows of the other kinds: the actual is not read)
    if (quantitative or _claimed_target(ind, review)) and (_stock(ind.actual, review) or _stock_share(
            ind.actual, ind.content or ind.level3 or "", review.stock_actuals, review.level_verbs)):
        return "XF504"
    if actual.kind == ex.NONE:
        # the completeness check reports placeholders and the template's text; "无" answers "无重大安全事故"
        if not is_placeholder(ind.actual) and not _none_meant(ind) \
                and template_text(ind.actual, review.instructions) is None:
            return "XF512"
        return "none"
    if (actual.op is not None and actual.kind == ex.NUMBER) or actual.kind == ex.RANGE:
        return "XF511"
    return "measured" if quantitative else "judge"


def _against_target(ctx: CheckContext, ind: Indicator, reading: _Reading, year: int | None) -> Iterator[Finding]:
    verdict = reading.verdict
    if verdict is None or verdict == "none":
        return
    actual_key = indicator_key(ind.index, "actual")
    if verdict == "XF505":
        yield ctx.finding("XF505", actual_key, value=ind.actual, source="目标值")
    elif verdict == "XF504":
        yield ctx.finding("XF504", actual_key, value=ind.actual, expected=ind.target or ind.content)
    elif verdict == "XF512":
        if ind.weight:
            yield ctx.finding("XF512", actual_key, value=ind.actual)
    elif verdict == "XF511":
        yield ctx.finding("XF511", actual_key, value=ind.actual, expected=ind.target)
    else:
        found = _support(ctx, ind, reading, year)
        if verdict == "measured" and found is None and ind.target:
            yield ctx.finding("XF504", actual_key, value=ind.actual, expected=ind.target)
        elif found is not None and ind.weight and ind.score is not None:
            fits = _score_fits(ctx, ind, found)
            if fits is not None:
                yield fits
            if ind.score >= ind.weight and not (ind.reason or ind.improvement):   # full marks, no word why
                yield from _overshoot(ctx, ind, reading)


@lru_cache(maxsize=TEXT_CACHE)
def _quantitative_text(text: str) -> bool:
    return ex.parse(text).kind in (ex.NUMBER, ex.RANGE, ex.DEADLINE)


def _quantitative(ind: Indicator) -> bool:
    """Whether the row sets a value to reach: its 目标值, or where that is empty its 目标内容 ("确保满意率达95%
    以上"). A figure is a figure whatever the 指标性质 column says: "达成预期指标" does not answer "≥95%" on a
    row marked 定性 either (that mark is how stock answers stopped being reported, issue 19)."""
    text = ind.target or ind.content
    return text is not None and _quantitative_text(text)


_CLAIM = re.compile(r"完成|达成|达到|实现")
_ON_TIME = lazy(r"按时|按期|如期|及时|准时")


def _claimed_target(ind: Indicator, review: Review) -> bool:
    """A 数量/质量/时效/成本 row whose target is a stock claim of completion (安居's 「已完成」 | 「已完成」): the
    target is no value (XF533 says so), and a stock phrase as the actual measures nothing either. Not a
    pass/fail standard ("合格") or a yes/no ("是" | "是") answered, not on a row the spec's 指标性质 calls 定性,
    nor in 效益/满意度, where 「达成预期指标」 is the template's own scale. A claim of time ("按时完成" |
    "按时完成") answers a question of time in words: XF533 on the target is the one thing to say."""
    target = ind.target or ""
    return ind.level2 in review.quantitative and ind.nature != "定性" and _CLAIM.search(target) is not None \
        and _ON_TIME.search(target) is None and _stock(target, review)


STOCK_MAX = 40   # letters: a stock answer is a phrase; a sentence saying what was done is longer


def _stock(actual: str, review: Review) -> bool:
    """_stock_of, kept by the text under one spec's rules (found by the rules' identity: hashing a Review's
    200 words as an lru_cache key, as this was, cost more than most answers)."""
    memo = memo_for(review, "stock")
    hit = memo.get(actual)
    if hit is None:
        if len(memo) > TEXT_CACHE:
            memo.clear()
        hit = memo[actual] = _stock_of(actual, review)
    return hit


def _stock_of(actual: str, review: Review) -> bool:
    """An answer from the stock of phrases that measure nothing ("达成预期指标", "已完成", "详见附件"), however
    it is punctuated or spaced ([rules.review] stock_actuals); also said with words before it that only say
    how it went (stock_modifiers: "已按时完成", "基本完成") or after it that name nothing done (stock_objects:
    "完成年度目标", "已完成全年各项工作任务"). One word of its own ("完成年度目标，培训200人", "完成节水改造")
    or a figure, and it is an answer."""
    text = bare(actual)
    heads = _bare_set(review.stock_actuals)
    if text in heads:
        return True
    if len(text) > STOCK_MAX:
        return False
    objects = _bare_set(review.stock_objects)
    starting = _by_first(heads)
    for i in _after(text, _bare_set(review.stock_modifiers)):
        for h in starting.get(text[i:i + 1], ()):
            if text.startswith(h, i) and (i + len(h) == len(text) or _made_of(text[i + len(h):], objects)):
                return True
    return False


@lru_cache(maxsize=16)
def _by_first(words: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """The (non-empty) words by their first character: only those can start at a place in a text."""
    out: dict[str, tuple[str, ...]] = {}
    for w in words:
        if w:
            out[w[0]] = (*out.get(w[0], ()), w)
    return out


def _after(text: str, words: frozenset[str]) -> set[int]:
    """Every place a run of `words` from the start of `text` can end (0: none of them)."""
    starting = _by_first(words)
    ends, todo = {0}, [0]
    while todo:
        i = todo.pop()
        for w in starting.get(text[i:i + 1], ()):
            if text.startswith(w, i) and i + len(w) not in ends:
                ends.add(i + len(w))
                todo.append(i + len(w))
    return ends


def _made_of(rest: str, words: frozenset[str]) -> bool:
    """Whether `rest` is a run of `words` and nothing else (every split tried: "年度目标任务")."""
    starting = _by_first(words)
    ends = {0}
    for i in range(len(rest)):
        if i in ends:
            ends.update(i + len(w) for w in starting.get(rest[i], ()) if rest.startswith(w, i))
    return len(rest) in ends and bool(rest)


def _stock_goal(ctx: CheckContext, review: Review) -> Iterator[Finding]:
    """实际完成情况 that is only a stock phrase ("完成年度目标。", "已完成"): it says nothing of what was done
    against the 预期目标 beside it, whatever the rows below say."""
    achieved = ctx.text("goal.achieved")
    if achieved and _stock(achieved, review):
        yield ctx.finding("XF543", "goal.achieved", value=achieved)


_SHARE_AFTER = re.compile(r"(\D*?)(?:\d+(?:\.\d+)?)%")
_COMPLETION = lazy(r"完成|执行|进度")


@lru_cache(maxsize=TEXT_CACHE)
def _stock_share(actual: str, task: str, phrases: tuple[str, ...], levels: tuple[str, ...] = ()) -> bool:
    """A stock phrase with a share after it ("已完成100%", "达成 100%"): how much of the work was done, not what
    the indicator measures - unless the indicator is itself such a share (a 完成率, 执行进度), the phrase
    names what it measures ("达标100%" for 验收达标率, "满意100%" for 满意度), or it says the measure reached
    that level ([rules.review] level_verbs: "达到100%" for 验收合格率)."""
    text = bare(actual)
    m = _SHARE_AFTER.fullmatch(text) if text.endswith("%") else None   # the pattern ends with it
    if m is None or not m.group(1) or m.group(1) not in _bare_set(phrases) or m.group(1) in _bare_set(levels):
        return False
    name, phrase = letters(task), letters(m.group(1))
    named = any(phrase[i:i + 2] in name for i in range(len(phrase) - 1))
    return not named and _COMPLETION.search(name) is None


@lru_cache(maxsize=16)
def _bare_set(texts: tuple[str, ...]) -> frozenset[str]:
    return frozenset(bare(t) for t in texts)


def _overshoot(ctx: CheckContext, ind: Indicator, reading: _Reading) -> Iterator[Finding]:
    """Full marks for an actual far beyond its target (or far inside a ceiling) with no word why: the
    预算管理一体化 rule calls it 偏离 (a target set too low or too wide) and it needs explaining."""
    if ind.score is None or ind.weight is None or ind.score < ind.weight or ind.reason or ind.improvement:
        return
    off = _off_target(reading.target, reading.actual, reading.nature, ctx.spec.rules.review.overshoot)
    if off is not None:
        yield ctx.finding("XF535", indicator_key(ind.index, "actual"), value=ind.actual, expected=ind.target,
                          how=off[0], share=off[1])


@lru_cache(maxsize=TEXT_CACHE)   # the same rows repeat across a round's returns
def _off_target(target: ex.Expr, actual: ex.Expr, nature: str | None, overshoot: float) -> tuple[str, str] | None:
    """How far an actual lies beyond a floor or inside a ceiling, when that is `overshoot` or more."""
    got = ex.figure_in(target, actual)
    if target.kind != ex.NUMBER or target.low is None or target.low <= 0 or got is None:
        return None
    share, kind = to_decimal(overshoot) or Decimal(0), ex.nature_of(target, nature)
    if kind == "≥" and got >= target.low * (1 + share):
        return "高出", f"{got / target.low - 1:.0%}"
    if kind == "≤" and target.unit != "%" and 0 < got <= target.low * (1 - share):
        return "低", f"{1 - got / target.low:.0%}"   # a count or an amount far under its ceiling; zero is no news
    return None


_NONE_ANSWERS = frozenset({"无", "没有", "零", "暂无", "未发生", "0"})
_ZERO_TARGET = lazy(r"无|零|杜绝|不发生|未发生|不出现|(?<![\d.])0(?![\d.])")


def _none_meant(ind: Indicator) -> bool:
    """"无" as the answer to a target of none ("无重大安全事故", "0 起"): a measurement, not a placeholder."""
    target = ind.target or ind.content or ""
    return compact(ind.actual or "") in _NONE_ANSWERS and _ZERO_TARGET.search(target) is not None


def _no_target(ctx: CheckContext, ind: Indicator) -> Iterator[Finding]:
    """Full marks on a weighted row that sets no target: an empty 目标值, and no figure in its 目标内容 to stand
    for one. Nothing says the work was done, whatever the actual says."""
    if not (ctx.has(indicator_key(ind.index, "target")) and ind.weight and ind.score == ind.weight):
        return
    target = indicator_key(ind.index, "target")
    if ind.target or ctx.dashed(target):   # "—" or "/" says on purpose that no target applies (an evaluation
        return                             # framework's rows); a hand-made form's dash is read as empty
    if ind.content and _quantitative_text(ind.content):
        return
    yield ctx.finding("XF513", indicator_key(ind.index, "score"), value=ind.score)


def _score_fits(ctx: CheckContext, ind: Indicator, found: Support) -> Finding | None:
    weight, score = _dec(ind.weight or 0), _dec(ind.score or 0)
    if score > weight:
        return None   # an error of its own (XF403); the total counts it at the weight (XF518)
    key = indicator_key(ind.index, "score")
    tolerance = _dec(ctx.spec.rules.self_score_tolerance) * weight if found.low == found.high else Decimal(0)
    if found.met and found.low == weight and score < weight:
        return ctx.finding("XF501", key, value=score, expected=weight, actual=ind.actual, target=ind.target)
    if not found.met and score == weight and found.high <= weight:
        return ctx.finding("XF502", key, value=score, expected=_below(found, weight), actual=ind.actual,
                           target=ind.target)
    if score < found.low - tolerance or score > found.high + tolerance:
        return ctx.finding("XF503", key, value=score, expected=plain(found.shown), actual=ind.actual,
                           target=ind.target)
    return None


def _below(found: Support, weight: Decimal) -> object:
    """What a missed target supports: the computed point, or "below the weight" for a late deadline."""
    if found.low == found.high or found.high < weight:
        return plain(found.shown)
    return f"低于 {plain(weight)}"


# ------------------------------------------------------------------------------------------ reasons

def _reason(ctx: CheckContext, ind: Indicator, reading: _Reading, year: int | None) -> Iterator[Finding]:
    """DESIGN §2: a reason is required when the score is below the weight or the actual misses the target."""
    key = indicator_key(ind.index, "reason")
    if not ctx.has(key) or ind.reason or ind.improvement or not ind.weight:
        return
    if ind.score is not None and ind.score < ind.weight:
        yield ctx.finding("XF508", key, why=f"得分 {plain(_dec(ind.score))} 低于分值 {plain(_dec(ind.weight))}")
        return
    found = _support(ctx, ind, reading, year)
    if found is not None and not found.met and reading.actual.kind != ex.QUALITATIVE:
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
    """An amount about 10,000 times its reference (the row's own other budget: 全年预算数 for 执行数, 年初预算数
    for 全年预算数; else the largest budget of the other rows): typed in 元 on a form in 万元 (XF517). Where
    every amount was typed in 元 there is no reference: an amount beyond what one form of the spec can hold
    ([rules.review] yuan_ceiling, in 万元) tells by its size (XF540). The reader warns when "元" is written
    (XF208); this catches the bare figure."""
    values, review = ctx.values, ctx.spec.rules.review
    (low, high), ceiling = review.yuan_ratio, review.yuan_ceiling
    budgets = {row: (_float(values.get(f"fund.{row}.budget")), _float(values.get(f"fund.{row}.initial_budget")))
               for row in ctx.spec.fund_rows()}
    smallest = min((b for pair in budgets.values() for b in pair if b > 0), default=0.0)
    if smallest <= 0:
        return
    for row, column, key in _amount_keys(ctx.layout):
        value = _float(values.get(key))
        if value < smallest * low and not (ceiling and value > ceiling):
            continue   # every figure of a sane form: one comparison
        d = to_decimal(value) or Decimal(0)
        reference, basis = _reference(budgets, row, column)
        if reference > 0 and low <= value / reference <= high:
            yield ctx.finding("XF517", key, value=d, expected=plain(d / 10000), basis=basis,
                              ratio=f"{value / reference:,.0f}")
        elif ceiling and value > ceiling:
            # Nothing on the form to hold it against (every amount typed in 元): its size alone tells.
            yield ctx.finding("XF540", key, value=d, expected=plain(d / 10000), ceiling=plain(to_decimal(ceiling)),
                              yi=plain(round(d / 10000, 1)))


def _reference(budgets: dict[str, tuple[float, float]], row: str, column: str) -> tuple[float, str]:
    """What an amount is judged against: the same row's other budget, else the other rows' largest."""
    budget, initial = budgets[row]
    own = {"spent": (budget or initial, "本行预算数"), "budget": (initial, "本行年初预算数"),
           "initial_budget": (budget, "本行全年预算数")}[column]
    if own[0] > 0:
        return own
    others = [b for r, pair in budgets.items() if r != row for b in pair if b > 0]
    return max(others, default=0.0), "其他预算数"


def _float(x: object) -> float:
    return float(x) if isinstance(x, int | float | Decimal) and not isinstance(x, bool) else 0.0


@lru_cache(maxsize=64)
def _amount_keys(layout: Layout) -> tuple[tuple[str, str, str], ...]:
    """(row, column, key) of every typed amount of the fund table: what XF517 looks at, once per layout."""
    return tuple((row, column, f"fund.{row}.{column}") for row in layout.spec.fund_rows()
                 for column in ("spent", "budget", "initial_budget")
                 if f"fund.{row}.{column}" in layout.places
                 and layout.places[f"fund.{row}.{column}"].field.role != "computed")

