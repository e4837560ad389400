"""A record's indicator rows, read by a plan made once per layout of its keys.

`Record._indicator_rows` classifies every key of a record, one by one in Python, to find its indicator rows;
a check asks for them (its Indicators) and `check --json` writes them, for every return: a sixth of the
instructions of both. The keys of a template's returns come in the same order, return after return (the
reader's), so where each row's every column sits in that order is worked out once (a plan, kept by the keys)
and a record's rows are then taken by one call in C: the record's values as a list, picked in row order.
Texts and floats are what those columns hold in nearly every return and are taken as they are; a record
holding anything else there (a "" or a number in a text column, an int or text in a number column), or two
keys for one cell ("ind.3.level1" and "ind.03.level1"), gets None: the caller takes _indicator_rows, which
converts them. tests/test_indicator_rows.py holds the two equal.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any, NamedTuple

from xlsform import records
from xlsform.records import Indicator, Record

COLUMNS = tuple(records._NO_INDICATOR)     # an Indicator's fields but its index, in order
FIELDS = ("index", *COLUMNS)
_WIDTH = len(COLUMNS)
_TEXTS = frozenset({str, type(None)})
FLOATS = frozenset({float, type(None)})     # a number column's values taken as they are
_PLAN_KEYS = 5_000      # a record with more keys (none of ours) is read key by key


class _Plan(NamedTuple):
    """Where a record's values (a list, in key order, None appended) hold its indicator rows' columns."""

    numbers: tuple[int, ...]                      # the rows a key names, in order
    grid: Callable[[list[Any]], tuple[Any, ...]]  # every column of those rows, row after row (None: no key)
    texts: Callable[[list[Any]], tuple[Any, ...]]     # the values of the text columns' keys
    figures: Callable[[list[Any]], tuple[Any, ...]]   # ... of the number columns' keys


_PLANS: dict[tuple[str, ...], _Plan | None] = {}


def picker(at: list[int]) -> Callable[[list[Any]], tuple[Any, ...]]:
    """The items at these places, as a tuple however many (itemgetter gives one item bare): a plan's way of
    taking a record's values (here, and result_json's fund rows)."""
    if len(at) > 1:
        return itemgetter(*at)
    return lambda values: tuple(values[i] for i in at)


def _plan(keys: tuple[str, ...]) -> _Plan | None:
    cells: dict[tuple[int, str], int] = {}
    for place, key in enumerate(keys):
        info = records._KEYS[key] if key in records._KEYS else records._indicator_field(key)
        if info is None:
            continue
        if (info[0], info[1]) in cells:
            return None     # two keys for one cell: which one holds the value is _indicator_rows' to say
        cells[(info[0], info[1])] = place
    numbers = tuple(sorted({number for number, _ in cells}))
    empty = len(keys)       # the None appended to the values
    grid = [cells.get((number, column), empty) for number in numbers for column in COLUMNS]
    texts = [place for (_, column), place in cells.items() if column not in records._NUMERIC]
    figures = [place for (_, column), place in cells.items() if column in records._NUMERIC]
    return _Plan(numbers, picker(grid), picker(texts), picker(figures))


def rows(record: Record) -> list[tuple[int, tuple[Any, ...]]] | None:
    """record._indicator_rows() in row order, each row as (its number, its columns' values in COLUMNS' order,
    None where empty); None where the plan cannot say (the caller takes _indicator_rows)."""
    values = record.values
    keys = tuple(values)
    plan = _PLANS.get(keys, _UNPLANNED)
    if plan is _UNPLANNED:
        if len(keys) > _PLAN_KEYS:
            return None
        if len(_PLANS) >= 64:
            _PLANS.clear()
        plan = _PLANS[keys] = _plan(keys)
    if plan is None or not plan.numbers:
        return None if plan is None else []
    vs = list(values.values())
    vs.append(None)
    texts, figures = plan.texts(vs), plan.figures(vs)
    if not (_TEXTS.issuperset(map(type, texts)) and "" not in texts and FLOATS.issuperset(map(type, figures))):
        return None
    grid = plan.grid(vs)
    out = []
    for i, number in enumerate(plan.numbers):
        row = grid[i * _WIDTH:(i + 1) * _WIDTH]
        if row.count(None) != _WIDTH:     # a row only where a value is not empty, as _indicator_rows
            out.append((number, row))
    return out


_UNPLANNED: Any = object()


def indicators(record: Record) -> list[Indicator]:
    """record.indicators: the Indicators of the rows that hold anything, in form order."""
    found = rows(record) if type(record) is Record else None
    if found is None:
        return record.indicators
    out = []
    for number, row in found:
        ind = object.__new__(Indicator)     # its fields as Indicator(...) sets them, in a dict of its own: one
        ind.__dict__ = dict(zip(FIELDS, (number, *row), strict=True))   # the class's keys share reads slower
        out.append(ind)
    return out
