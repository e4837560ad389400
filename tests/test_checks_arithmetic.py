"""Arithmetic checks on records: rates, reasons, weights, splits, cached figures, negative numbers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers_checks import codes, findings, seed_with
from xlsform.checks import arithmetic
from xlsform.codes import make


def test_seed_000_low_execution_without_reason_is_an_error() -> None:
    fs = findings(seed_with("000"), arithmetic.check)
    assert codes(fs) == [("XF402", "C7")]
    assert fs[0].severity == "error"
    assert "预算执行率为 27.08%，低于 90%" in fs[0].message
    assert "预算执行偏差原因及改进措施" in fs[0].message


def test_low_execution_with_a_reason_is_fine() -> None:
    assert findings(seed_with("000", execution__reason="疫情期间接待任务减少"), arithmetic.check) == []


def test_threshold_comes_from_the_spec() -> None:
    from dataclasses import replace

    from xlsform.spec import load_spec

    spec = load_spec("wangcheng")
    lenient = replace(spec, rules=replace(spec.rules, reason_below_rate=0.2))
    assert findings(seed_with("000"), arithmetic.check, spec=lenient) == []


def test_seed_004_weights_sum_to_70() -> None:
    fs = findings(seed_with("004"), arithmetic.check)
    assert ("XF405", "H42") in codes(fs)
    f = next(f for f in fs if f.code == "XF405")
    assert (f.value, f.expected, f.severity) == (70, 100, "error")
    assert "分值合计为 70，应为 100" in f.message


def test_seed_001_split_differs_from_10_50_30_10() -> None:
    fs = findings(seed_with("001"), arithmetic.check)
    assert codes(fs) == [("XF406", None)]
    assert fs[0].value == "预算执行率 10、产出指标 40、效益指标 0、满意度指标 50"
    assert fs[0].expected == "预算执行率 10、产出指标 50、效益指标 30、满意度指标 10"


def test_execution_above_100_percent_is_a_warning() -> None:
    r = seed_with("002", fund__total__spent=2100.0, fund__fiscal__spent=2100.0)
    fs = findings(r, arithmetic.check)
    assert codes(fs) == [("XF401", "G6")]
    assert fs[0].severity == "warning" and fs[0].value == "100.82%"


def test_score_above_weight() -> None:
    fs = findings(seed_with("002", ind__1__score=31.9), arithmetic.check)
    assert ("XF403", "I12") in codes(fs)
    f = next(f for f in fs if f.code == "XF403")
    assert f.message == make("XF403", sheet="部门整体自评表", cell="I12", field="第 1 行指标·得分",
                             value=31.9, expected=6.0).message


def test_negative_numbers() -> None:
    fs = findings(seed_with("002", ind__2__score=-1.0), arithmetic.check)
    assert ("XF404", "I13") in codes(fs)


def test_budget_zero_or_empty_gives_no_rate() -> None:
    for budget in (0.0, None):
        fs = findings(seed_with("002", fund__total__budget=budget), arithmetic.check)
        assert ("XF408", "C6") in codes(fs), budget


def test_spent_below_transfer() -> None:
    fs = findings(seed_with("002", fund__total__transfer=2000.0), arithmetic.check)
    assert ("XF409", "D6") in codes(fs)


def test_cached_value_differing_from_recomputation() -> None:
    r = seed_with("004")
    r.cached = {"total.weight": 90, "total.score": 69.58, "fund.total.rate": 0.96}
    fs = [f for f in findings(r, arithmetic.check) if f.code == "XF407"]
    assert codes(fs) == [("XF407", "H42"), ("XF407", "G6")]
    assert "显示 90，按填报数据重算应为 70" in fs[0].message
    assert "显示 96.00%，按填报数据重算应为 95.83%" in fs[1].message


def test_the_required_total_shown_over_weights_that_miss_it_is_said_once() -> None:
    """Seed 004: 总分·分值 shows 100 over weights adding up to 70. XF405 says so at H42; XF407 at the same cell
    ("shows 100, should be 70") was the same problem again. A 90 shown there is a second one (above)."""
    r = seed_with("004")
    r.cached = {"total.weight": 100}
    fs = findings(r, arithmetic.check)
    assert ("XF405", "H42") in codes(fs) and ("XF407", "H42") not in codes(fs)
    assert "分值合计为 70，应为 100（本格显示为 100）" in next(f.message for f in fs if f.code == "XF405")


def test_cached_total_score_mismatch_names_the_recomputed_total() -> None:
    r = seed_with("004")
    r.cached = {"total.score": 100}
    fs = [f for f in findings(r, arithmetic.check) if f.code == "XF407"]
    assert fs[0].cell == "I42" and "显示 100，按填报数据重算应为 69.58" in fs[0].message


def test_every_seed_figure_matches_the_printed_golden_totals() -> None:
    from xlsform.checks import CheckContext

    golden = {"000": (2.71, 92.71), "001": (10, 100), "002": (9.44, 99.44), "004": (9.58, 69.58)}
    for name, (fund, total) in golden.items():
        ctx = CheckContext.for_record(seed_with(name))
        assert (float(ctx.values["fund.total.score"]), float(ctx.values["total.score"])) == (fund, total)


def test_regional_rate_caps_come_from_the_spec() -> None:
    from dataclasses import replace

    from xlsform.spec import load_spec

    spec = load_spec("wangcheng")
    capped = replace(spec, rules=replace(spec.rules, rate_caps=((0.6, 60.0),)))
    r = seed_with("000", execution__reason="疫情")
    r.cached = {"total.score": 92.71}
    fs = findings(r, arithmetic.check, spec=capped)
    assert codes(fs) == [("XF407", "I42")]
    assert "显示 92.71，按填报数据重算应为 60" in fs[0].message
    assert findings(r, arithmetic.check) == []


def test_a_failing_family_costs_only_its_own_findings(monkeypatch: object) -> None:
    import xlsform.checks as checks

    def broken(ctx: object) -> list[object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(checks, "FAMILIES", (broken, arithmetic.check))  # type: ignore[attr-defined]
    fs = checks.run_all(checks.CheckContext.for_record(seed_with("000")))
    assert [f.code for f in fs] == ["XF901", "XF402"] and "boom" in fs[0].message


def test_no_rate_findings_while_spent_is_empty() -> None:
    # 全年执行数 left empty is XF301 (completeness); "0% execution without a reason" would be a false second
    fs = findings(seed_with("000", fund__total__spent=None, fund__fiscal__spent=None), arithmetic.check)
    assert fs == []
    zhuzhou = findings(seed_with("001", fund__fiscal__spent=None), arithmetic.check)
    assert "XF402" not in [f.code for f in zhuzhou]


_ODD_VALUES = [None, "", "-3", "文字", True, False, 0, 5, -2, 0.0, -0.0, 3.5, -0.01, float("nan"), float("inf"),
               -float("inf"), Decimal("-1"), Decimal("NaN"), Decimal("2")]


@settings(max_examples=400)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d", "e", "f"]), st.sampled_from(_ODD_VALUES)),
                max_size=8),
       st.frozensets(st.sampled_from(["a", "b", "c", "x"])))
def test_negatives_found_at_a_glance_are_those_every_value_read_finds(items: list[tuple[str, Any]],
                                                                       numeric: frozenset[str]) -> None:
    """_negatives first asks min() over the number cells' values; whatever they hold (texts, None, NaN first or
    last, bools, Decimals), it reports what reading every value in order reports."""
    from types import SimpleNamespace

    values = dict(items)
    ctx = SimpleNamespace(keys=SimpleNamespace(numeric_inputs=numeric), record=SimpleNamespace(values=values),
                          finding=lambda code, key, value: (code, key, value))
    plain = [("XF404", k, v) for k, v in values.items()
             if type(v) is not str and v is not None
             and (type(v) is float or (type(v) is not bool and isinstance(v, int | float))) and v < 0 and k in numeric]
    assert list(arithmetic._negatives(ctx)) == plain   # type: ignore[arg-type]
