"""Properties of xlsform.scoring, the one implementation of the scoring rules (DESIGN.md §2).

The LibreOffice proofs (test_libreoffice.py) show the Excel formulas agree with these functions; here we
show the functions themselves follow the rules, including the float traps the design warns about.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from xlsform.scoring import (
    _as_given,
    _n,
    _numbers,
    amount_sum,
    capped_scores,
    execution_rate,
    fund_score,
    grade,
    rate_cap,
    round2,
    score_total,
    scored,
    supported_score,
    to_decimal,
    weight_total,
)
from xlsform.spec import Scoring, load_spec

BANDS = ((90.0, "优"), (80.0, "良"), (60.0, "中"), (0.0, "差"))
RANK = {name: i for i, (_, name) in enumerate(BANDS)}
# twenty 2-decimal scores that make exactly 90.00, whose float sum() is 89.99999999999999 (grade 良)
TWENTY_TO_90 = [0.31, 4.04, 6.91, 5.89, 8.22, 3.28, 6.75, 6.46, 4.36, 0.6,
                7.55, 3.05, 1.28, 2.17, 8.96, 0.48, 3.13, 0.72, 8.79, 7.05]

cents = st.integers(min_value=0, max_value=10_000_00)
amounts = st.decimals(min_value=0, max_value=1_000_000, places=2).map(float)
weights = st.integers(min_value=0, max_value=100).map(float)
rates = st.decimals(min_value=-2, max_value=3, places=6)


# ---------------------------------------------------------------------------------------- rounding

@pytest.mark.parametrize(("x", "expected"), [
    (2.675, "2.68"), (1.005, "1.01"), (0.125, "0.13"), (-2.675, "-2.68"), (2.665, "2.67"),
    (89.995, "90.00"), (0.0, "0.00"), (1e-9, "0.00"), (3, "3.00"), (Decimal("4.445"), "4.45"),
])
def test_round2_is_half_away_from_zero_on_the_decimal_value(x: float, expected: str) -> None:
    assert round2(x) == Decimal(expected)
    assert str(round2(x)) == expected


@given(st.integers(min_value=-10**9, max_value=10**9), st.integers(min_value=0, max_value=999))
def test_round2_matches_decimal_half_up_for_three_decimals(whole: int, thousandths: int) -> None:
    text = f"{'-' if whole < 0 else ''}{abs(whole)}.{thousandths:03d}"
    assert round2(float(text)) == Decimal(text).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_round2_is_the_same_whatever_was_rounded_before() -> None:
    """round2 keeps what it rounded (scores repeat across a round): a zero keeps its sign, True is still no
    number after 1.0, and a float and a Decimal are each rounded as themselves."""
    for first, second, expected in [(0.0, -0.0, "-0.00"), (-0.0, 0.0, "0.00"), (1.005, Decimal("1.005"), "1.01"),
                                    (Decimal("2.675"), 2.675, "2.68"), (7.5, 7.5, "7.50")]:
        round2(first)
        assert str(round2(second)) == expected
    round2(1.0)
    with pytest.raises(TypeError):
        round2(True)


@pytest.mark.parametrize("bad", [None, "1.5", True, float("nan"), float("inf")])
def test_round2_refuses_what_is_not_a_number(bad: object) -> None:
    with pytest.raises(TypeError):
        round2(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [None, "1", True, False, float("nan"), float("-inf"), Decimal("NaN")])
def test_to_decimal_takes_only_finite_numbers(bad: object) -> None:
    assert to_decimal(bad) is None


# ---------------------------------------------------------------------------------------- totals

def test_twenty_scores_making_90_grade_excellent_where_float_sum_fails() -> None:
    assert sum(TWENTY_TO_90) < 90          # the trap: Python's float sum() says 良
    total = score_total(0, TWENTY_TO_90)
    assert total == Decimal(90)
    assert grade(total, BANDS) == "优"


@given(st.lists(st.integers(min_value=0, max_value=2000), min_size=1, max_size=30), st.integers(0, 1000))
def test_score_total_is_the_exact_sum_of_the_printed_scores(item_cents: list[int], fund_cents: int) -> None:
    items = [c / 100 for c in item_cents]
    expected = (Decimal(fund_cents) + sum(Decimal(c) for c in item_cents)) / 100
    assert score_total(fund_cents / 100, items) == expected


@given(st.lists(st.decimals(min_value=0, max_value=20, places=3).map(float), max_size=30), st.none() | amounts)
def test_score_total_adds_each_score_rounded_first(items: list[float], fund: float | None) -> None:
    expected = round2(fund or 0) + sum((round2(x) for x in items), Decimal(0))
    assert score_total(fund, items) == (expected if fund is not None else None)   # None: the fund score missing


def test_score_total_counts_rows_without_a_weight_as_empty() -> None:
    assert score_total(2, [None, "", 5]) == Decimal(7)
    assert score_total(2, [None, "", 5], weights=[None, 0, 10]) == Decimal(7)     # no weight or 0: nothing due


def test_nothing_scored_gives_no_total_and_no_grade() -> None:
    """A blank form: no fund score (no budget), no indicator score. A 0.00 total graded 差 would be wrong."""
    assert score_total(None, [None, "", None]) is None and score_total(None, []) is None
    assert grade(score_total(None, [None]), BANDS) is None
    assert score_total(0, [None]) == 0 and score_total(0, [0], weights=[10]) == 0     # a real zero is a score


def test_a_total_waits_for_every_score_it_adds() -> None:
    """Issue 15.1 / DESIGN §2: the total and grade need every score: the fund score (no rate before B is
    typed) and one on each row with a weight. Half a form does not print 总分 40 and 等级 差."""
    assert score_total(None, [18, 20], weights=[20, 20]) is None               # B not typed yet
    assert score_total(9.5, [18, None], weights=[20, 20]) is None              # one row's score missing
    assert score_total(9.5, [18, ""], weights=[20, 20]) is None
    assert score_total(9.5, [18, 20], weights=[20, 20]) == Decimal("47.5")
    assert grade(score_total(9.5, [18, None], weights=[20, 20]), BANDS) is None


def test_text_in_a_score_gives_no_total_and_no_grade() -> None:
    # the workbook's ROUND over the score range is #VALUE! then; a total without that score would mislead
    assert score_total(2.71, [20, "二十", 5]) is None
    assert grade(None, BANDS) is None


def test_weight_total_of_the_default_split_is_100() -> None:
    assert weight_total(10, [20, 20, 0, 10, 10, 10, 0, 0, 10, 10]) == Decimal(100)
    assert weight_total(None, []) == Decimal(0)


@given(st.lists(cents, min_size=1, max_size=4))
def test_amount_sum_is_exact_to_the_cent(parts: list[int]) -> None:
    assert amount_sum([c / 100 for c in parts]) == Decimal(sum(parts)) / 100


def test_amount_sum_skips_empty_rows() -> None:
    assert amount_sum([None, 12.5, None]) == Decimal("12.5")


# ---------------------------------------------------------------------------------- execution rate

@pytest.mark.parametrize("budget", [0, 0.0, None, "", "abc", -5])
def test_no_rate_without_a_positive_budget(budget: object) -> None:
    assert execution_rate(budget, 10, 0) is None
    assert fund_score(10, execution_rate(budget, 10)) is None


def test_rate_is_spent_less_transfer_over_budget_with_empty_as_zero() -> None:
    assert execution_rate(307, 83.13, 0) == Decimal("83.13") / Decimal(307)
    assert execution_rate(100, 0) == Decimal(0)
    assert execution_rate(100, 50, None) == Decimal("0.5")
    assert execution_rate(100, 50, 80) == Decimal("-0.3")


def test_no_rate_before_the_spent_amount_is_typed() -> None:
    """Issue 15.1: a prefilled transfer C with an empty B showed −6.33 %, 0.00, 差 on a fresh form."""
    assert execution_rate(307, None, 20) is None and execution_rate(307, "", 20) is None
    assert fund_score(10, execution_rate(307, None, 20)) is None
    assert amount_sum([None, "", None]) is None and amount_sum([None, 2.5]) == Decimal("2.5")


def test_seed_000_fund_score_is_2_71() -> None:
    assert fund_score(10, execution_rate(307, 83.13, 0)) == Decimal("2.71")


@given(amounts.filter(lambda a: a > 0), amounts, amounts)
def test_spent_below_transfer_gives_a_negative_rate_and_a_zero_score(budget: float, spent: float,
                                                                    extra: float) -> None:
    rate = execution_rate(budget, spent, spent + extra + 0.01)
    assert rate is not None and rate < 0
    assert fund_score(10, rate) == Decimal(0)


@given(amounts.filter(lambda a: a > 0), st.decimals(min_value=Decimal("0.01"), max_value=10**6, places=2), weights)
def test_rate_above_100_percent_scores_the_full_weight(budget: float, over: Decimal, weight: float) -> None:
    rate = execution_rate(budget, float(Decimal(repr(budget)) + over))
    assert rate is not None and rate > 1
    assert fund_score(weight, rate) == round2(weight)


@given(weights, rates)
def test_fund_score_is_between_zero_and_the_weight(weight: float, rate: Decimal) -> None:
    score = fund_score(weight, rate)
    assert score is not None and Decimal(0) <= score <= Decimal(repr(weight))
    assert score == round2(Decimal(repr(weight)) * max(Decimal(0), min(rate, Decimal(1))))


@given(weights, rates, rates)
def test_fund_score_never_falls_when_the_rate_rises(weight: float, r1: Decimal, r2: Decimal) -> None:
    low, high = sorted((r1, r2))
    assert fund_score(weight, low) <= fund_score(weight, high)  # type: ignore[operator]


def test_fund_score_rounds_from_the_unrounded_rate() -> None:
    # 33.45% × 10 = 3.345 -> 3.35; a rate first rounded to the printed 33% would give 3.30
    assert fund_score(10, execution_rate(3, 2)) == Decimal("6.67")
    assert fund_score(10, execution_rate(1000, 334.5)) == Decimal("3.35")


# ----------------------------------------------------------------------------------------- grades

@pytest.mark.parametrize(("total", "expected"), [
    (100, "优"), (90, "优"), (89.99, "良"), (80, "良"), (79.99, "中"), (60, "中"), (59.99, "差"), (0, "差"),
    (None, None), (-1, "差"),  # None: no total (a score was text), no grade
])
def test_grade_band_edges(total: float | None, expected: str | None) -> None:
    assert grade(total, BANDS) == expected


@given(st.decimals(min_value=-10, max_value=110, places=2), st.decimals(min_value=-10, max_value=110, places=2))
def test_grades_are_monotone_in_the_total(a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    assert RANK[grade(high, BANDS)] <= RANK[grade(low, BANDS)]


@pytest.mark.parametrize("spec_name", ["wangcheng", "zhuzhou", "project"])
@given(total=st.decimals(min_value=0, max_value=100, places=2))
def test_spec_grade_for_agrees_with_scoring_grade(spec_name: str, total: Decimal) -> None:
    rules = load_spec(spec_name).rules
    assert rules.grade_for(float(total)) == grade(total, rules.grades)


# --------------------------------------------------------------------------------------- rate caps

def test_rate_caps_take_the_first_band_below() -> None:
    caps = ((0.6, 60.0), (0.8, 80.0))
    assert rate_cap(Decimal("0.5"), caps) == Decimal(60)
    assert rate_cap(Decimal("0.6"), caps) == Decimal(80)
    assert rate_cap(Decimal("0.8"), caps) is None
    assert rate_cap(None, caps) is None
    assert score_total(10, [80], Decimal("0.7"), caps) == Decimal(80)
    assert score_total(10, [60], Decimal("0.7"), caps) == Decimal(70)


# ---------------------------------------------------------------------------------- supported score

@given(st.decimals(min_value=Decimal("0.01"), max_value=10**6, places=2), st.decimals(min_value=0, max_value=10**6,
       places=2), st.integers(min_value=0, max_value=30).map(Decimal))
def test_supported_score_is_between_zero_and_the_weight(target: Decimal, actual: Decimal, weight: Decimal) -> None:
    for nature in ("≥", "≤", "="):
        score = supported_score(nature, target, actual, weight)
        assert score is not None and Decimal(0) <= score <= weight


@given(st.decimals(min_value=Decimal("0.01"), max_value=10**6, places=2), st.decimals(min_value=0, max_value=10**6,
       places=2))
def test_meeting_the_target_supports_full_marks(target: Decimal, extra: Decimal) -> None:
    w = Decimal(20)
    assert supported_score("≥", target, target + extra, w) == w
    assert supported_score("≤", target + extra, target, w) == w
    assert supported_score("=", target, target, w) == w


def test_supported_score_cases() -> None:
    w = Decimal(10)
    assert supported_score("≥", Decimal(100), Decimal(95), w) == Decimal("9.50")
    assert supported_score("≤", Decimal(100), Decimal(125), w) == Decimal("8.00")
    # "=" is proportional to the deviation by default (issue #9: 98% against "=100%" supports 9.8, not 0)
    assert supported_score("=", Decimal(3), Decimal(2), w) == Decimal("6.67")
    assert supported_score("=", Decimal(100), Decimal(98), w) == Decimal("9.80")
    assert supported_score("=", Decimal(100), Decimal(98), w, Scoring(equality="all_or_nothing")) == 0
    assert supported_score("=", Decimal(100), Decimal(98), w, Scoring(equality_tolerance=0.02)) == w
    assert supported_score("≥", Decimal(0), Decimal(5), w) == w          # a target of 0 is met by anything
    assert supported_score("≤", Decimal(5), Decimal(0), w) == w          # 0 spent under a ceiling
    assert supported_score("≥", Decimal(0), Decimal(-1), w) is None      # nonsense: no verdict


@pytest.mark.parametrize(("nature", "target", "actual"), [
    ("定性", Decimal(1), Decimal(1)), (None, Decimal(1), Decimal(1)), ("≥", None, Decimal(1)),
    ("≥", Decimal(1), None), ("≈", Decimal(1), Decimal(1)),
])
def test_supported_score_has_no_verdict_without_numbers(nature: str | None, target: Decimal | None,
                                                        actual: Decimal | None) -> None:
    assert supported_score(nature, target, actual, Decimal(10)) is None


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_to_decimal_is_the_shortest_repr_every_time(x: float) -> None:
    # to_decimal keeps the Decimals it has made; a cached one must be the one repr() gives, sign of zero too
    assert to_decimal(x) == Decimal(repr(x))
    assert str(to_decimal(-0.0)) == "-0.0" and str(to_decimal(0.0)) == "0.0"
    assert to_decimal(x) is not None and str(to_decimal(x)) == str(Decimal(repr(x)))


# What a score, weight or amount slot of a return can hold, hostile ones included: empty, "", text, numbers of
# every type, zeros of both signs, non-finite ones, booleans.
slots = st.one_of(st.none(), st.just(""), st.text(max_size=3), st.floats(-1e12, 1e12), st.integers(-10**6, 10**6),
                  st.decimals(-10**12, 10**12), st.booleans(), st.sampled_from([0.0, -0.0, math.nan, math.inf]),
                  st.sampled_from([Decimal("NaN"), Decimal("-Infinity"), Decimal("-0")]),
                  st.decimals(min_value=0, max_value=100, places=2).map(float))
# the same, mostly from a few values that meet each other often (an empty score beside a weight, ...)
slot_lists = st.lists(st.sampled_from([None, "", "x", 0.0, -0.0, 5.0, 8.26, Decimal(3), True, math.nan]) | slots,
                      max_size=12)


def _scored_per_slot(fund: object, items: list[object], weights: list[object] | None) -> bool:
    """scored() as first written, one slot at a time: the definition the C-level filters must keep."""
    if to_decimal(fund) is None:
        return False
    return not weights or not any((w := to_decimal(weight)) is not None and w > 0 and (score is None or score == "")
                                  for score, weight in zip(items, weights, strict=False))


@settings(max_examples=300)
@given(slots, slot_lists, st.none() | slot_lists)
def test_scored_and_the_numbers_are_what_each_slot_gives(fund: object, items: list[object],
                                                          weights: list[object] | None) -> None:
    assert scored(fund, items, weights) is _scored_per_slot(fund, items, weights)
    numbers = [d for d in map(to_decimal, items) if d is not None]
    assert [str(d) for d in _numbers(items)] == [str(d) for d in numbers]    # the same Decimals, exponents too
    assert str(weight_total(fund, items)) == str(round2(_n(fund) + sum(numbers, Decimal(0))))
    total = score_total(fund, items, None, (), weights)
    if total is not None:
        capped = [d for d in map(to_decimal, capped_scores(items, weights)) if d is not None]
        assert str(total) == str(round2(round2(_n(fund)) + sum((round2(d) for d in capped), Decimal(0))))


@given(st.floats(allow_nan=False, allow_infinity=False), st.integers(-200, 200))
def test_band_limits_are_the_decimal_of_their_repr(x: float, n: int) -> None:
    # grade() and rate_cap() keep each limit's Decimal: the one of its repr, sign of zero and exponent too
    for limit in (x, n, -0.0, 0.0, float(n)):
        assert str(_as_given(limit)) == str(Decimal(repr(limit)))
    assert str(rate_cap(Decimal(-1000), ((float(n), x),))) == str(Decimal(repr(x)))


_FIGURE = st.one_of(st.none(), st.sampled_from([0.0, -0.0, 5.0, 10.0, 9.995, 1e300, -1e300, math.inf, -math.inf,
                                                math.nan, 1e-9, -3.0, 0.005]),
                    st.floats(min_value=-200, max_value=200))
_ANY = st.one_of(_FIGURE, st.sampled_from(["", "x", True, Decimal("5"), Decimal("NaN"), 3]))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(_FIGURE, _FIGURE), max_size=12), st.one_of(st.none(), _FIGURE, st.just(Decimal("7.5"))),
       st.sampled_from([None, Decimal("0.5"), Decimal("1.2")]), st.sampled_from([(), ((0.6, 60.0), (0.8, 80.0))]),
       st.lists(_ANY, max_size=3), st.integers(0, 2))
@example([(None, math.inf), (None, math.nan), (5.0, 10.0), (12.0, 10.0)], 5.0, None, (), [], 0)
@example([(-0.0, -math.inf), (math.inf, 3.0)], 5.0, None, (), [], 0)
def test_score_total_of_figures_is_the_general_total(rows: list[tuple[Any, Any]], fund: Any, rate: Decimal | None,
                                                     caps: Any, odd: list[Any], shape: int) -> None:
    # score_total's C-level passes over floats and empty cells (what the reader gives) against its general
    # reading: the same total, or None, or the same error, whatever the figures (infinite, NaN, -0.0, above
    # their weight) and whatever else a column holds (then the general reading)
    from xlsform.scoring import _score_total
    items = [s for s, _ in rows] + (odd if shape == 1 else [])
    weights = [w for _, w in rows] + (odd if shape == 2 else [])

    def total(f: Any) -> Any:
        try:
            return f(fund, list(items), rate, caps, list(weights))
        except (TypeError, InvalidOperation) as e:
            return type(e)

    fast, general = total(score_total), total(_score_total)
    assert str(fast) == str(general)
