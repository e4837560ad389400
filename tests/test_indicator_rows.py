"""indicator_rows (a record's indicator rows read by a plan made once per order of its keys) gives what
Record.indicators and _indicator_rows give, for any record: keys in any order and of any row, values of
every type (blank, converted, hostile), two keys for one cell, far rows, row 0, and a Record subclass."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_result_json import atoms
from xlsform import indicator_rows
from xlsform.records import Indicator, Record
from xlsform.spec import INDICATOR_COLUMNS

KEYS = [*(f"ind.{n}.{c}" for n in (0, 1, 2, 3, 10, 1001, 50000) for c in INDICATOR_COLUMNS),
        "ind.03.level1", "ind.x.level1", "ind.2.nothing", "fund.total.budget", "total.score", "other"]
# what a column holds in nearly every return: a text in a text column, a float in a number column
usual = st.one_of(st.none(), st.floats(), st.text(min_size=1, max_size=3))


def same(record: Record) -> None:
    got, want = indicator_rows.indicators(record), record.indicators
    assert [vars(i) for i in got] == [vars(i) for i in want]
    assert [list(vars(i)) for i in got] == [list(vars(i)) for i in want]     # the fields in the same order
    assert all(type(i) is Indicator for i in got)
    rows = indicator_rows.rows(record)
    if rows is not None:
        by_number = record._indicator_rows()
        assert [n for n, _ in rows] == sorted(by_number)
        assert all(dict(zip(indicator_rows.COLUMNS, row, strict=True)) == {**dict.fromkeys(indicator_rows.COLUMNS),
                                                                            **by_number[n]} for n, row in rows)


@settings(max_examples=500)
@given(st.lists(st.sampled_from(KEYS), unique=True, max_size=40), st.data())
def test_the_planned_rows_are_the_records(keys: list[str], data: Any) -> None:
    for values in (atoms, usual):
        record = Record("wangcheng", "2020.1", values={k: data.draw(values) for k in keys})
        for _ in range(2):      # the second time by the plan made the first
            same(record)
        same(dataclasses.replace(record, values=dict.fromkeys(record.values, "")))


@pytest.mark.parametrize("values", [
    {"ind.2.weight": "abc", "ind.3.score": True, "ind.4.level1": 3.0, "ind.5.weight": 3, "ind.6.content": ""},
    {"ind.3.level1": "kept", "ind.03.level1": ""},
    {"ind.03.level1": "kept", "ind.3.level1": ""},
    {"ind.1001.level1": "far", "ind.2.level1": "near", "ind.0.score": 0.0},
    {"ind.1.level1": "产出指标", "ind.1.weight": 10.0, "ind.3.actual": "45批次", "ind.3.score": float("nan")},
    {"ind.1.level1": None, "ind.1.weight": None, "name": "单位"},
    {"ind.1.level1": "一"}, {"ind.1.weight": 5.0}, {},
])
def test_converted_odd_far_and_empty_rows(values: dict[str, Any]) -> None:
    for _ in range(2):
        same(Record("wangcheng", "2020.1", values=values))


def test_a_subclass_says_its_own_indicators() -> None:
    class Mine(Record):
        @property
        def indicators(self) -> list[Indicator]:
            return []

    assert indicator_rows.indicators(Mine("wangcheng", "2020.1", values={"ind.1.level1": "a"})) == []


def test_plans_are_bounded() -> None:
    for n in range(200):
        indicator_rows.rows(Record("wangcheng", "2020.1", values={f"ind.{n}.level1": "a", "name": "b"}))
    assert len(indicator_rows._PLANS) <= 64
    many = {f"x{i}": 1 for i in range(indicator_rows._PLAN_KEYS + 1)}
    assert indicator_rows.rows(Record("wangcheng", "2020.1", values=many)) is None
