"""Records: the JSON form round-trips and the typed views agree with the flat values."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import SEEDS, load_seed
from xlsform.records import RECORD_FORMAT, Record


def test_every_seed_round_trips_through_json() -> None:
    for path in SEEDS:
        data = json.loads(path.read_text(encoding="utf-8"))
        record = Record.from_json(data)
        again = Record.from_json(json.loads(json.dumps(record.to_json(), ensure_ascii=False)))
        assert again.values == record.values
        assert again.to_json() == record.to_json()


def test_views_follow_the_values() -> None:
    record = load_seed("004")
    assert record.code == "430112004"
    assert record.year == 2020
    total = record.fund("total")
    assert total is not None and (total.budget, total.spent, total.weight) == (1763, 1689.4, 10)
    # empty 二级 slots (weight 0, no text) still count as rows: the Wangcheng form prints them
    assert [i.index for i in record.indicators] == list(range(1, 11))
    assert sum(i.weight or 0 for i in record.indicators) == 60


def test_json_form_has_the_documented_sections() -> None:
    data = load_seed("000").to_json()
    assert data["format"] == RECORD_FORMAT
    assert set(data) == {"format", "spec", "source", "identity", "funds", "execution", "goals", "indicators",
                         "totals", "footer", "cached", "cells"}


@given(st.dictionaries(st.sampled_from(["ind.1.weight", "ind.2.score", "fund.total.budget", "fund.x.spent"]),
                       st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1))
def test_numbers_survive_the_json_form(values: dict[str, float]) -> None:
    record = Record(spec_id="wangcheng", spec_version="2020.1", values=dict(values))
    again = Record.from_json(json.loads(json.dumps(record.to_json())))
    assert {k: float(v) for k, v in again.values.items()} == values


def test_indicators_ignore_keys_that_only_look_like_indicator_fields() -> None:
    r = Record(spec_id="wangcheng", spec_version="1", values={
        "ind.2.weight": 10.0, "ind.2.level3": "公务接待", "ind.x.weight": 5.0, "ind.3": 1.0, "ind.4.nosuch": 1.0,
        "indicator.1.weight": 3.0, "ind.1.score": None, "ind.1.actual": ""})
    assert [(i.index, i.weight, i.level3) for i in r.indicators] == [(2, 10.0, "公务接待")]
    assert [(i.index, i.weight) for i in r.indicators] == [(2, 10.0)]    # the same the second time (cached parts)


_VALUES = st.one_of(st.none(), st.just(""), st.text(max_size=4), st.floats(), st.integers(-10**20, 10**20),
                    st.booleans(), st.decimals(allow_nan=False, allow_infinity=False), st.just(0.0))
_KEYS = st.sampled_from(["ind.1.weight", "ind.1.level1", "ind.2.score", "ind.2.actual", "ind.30.previous",
                         "ind.3.nature", "ind.3.bogus", "fund.total.budget", "code", "ind.x.weight", "ind.04.score"])


@given(st.dictionaries(_KEYS, _VALUES, max_size=11))
def test_indicator_rows_hold_each_value_as_the_per_field_definition_says(values: dict[str, object]) -> None:
    """An indicator's number fields as floats (None for what is no number), its text fields as text; empty
    values and keys that are no indicator field left out."""
    from xlsform.layout import split_indicator_key
    from xlsform.records import _num, _text

    expected: dict[int, dict[str, object]] = {}
    for key, value in values.items():
        parts = split_indicator_key(key)
        if value is None or value == "" or parts is None or parts[1] == "bogus":
            continue
        numeric = parts[1] in ("weight", "score")
        expected.setdefault(parts[0], {})[parts[1]] = (value if type(value) is float else _num(value)) if numeric \
            else (value if type(value) is str else _text(value))
    got = Record("wangcheng", "2020.1", values=dict(values))._indicator_rows()
    assert repr(got) == repr(expected)
