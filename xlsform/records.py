"""Records: one typed, layout-independent record per returned workbook, and its JSON form.

The ground truth of a record is `values`: every field's normalised value keyed by the spec's layout-independent
field key ("fund.total.budget", "ind.3.weight", ...). The typed views (`funds`, `indicators`, ...) and the
nested JSON form are built from it, so the same record type serves every spec. Computed fields hold the
recomputed value; what the file itself had cached for them is kept apart in `cached`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal
from functools import lru_cache
from typing import Any

from xlsform.fsutil import shown_path
from xlsform.layout import indicator_key, split_indicator_key
from xlsform.spec import FUND_COLUMNS, INDICATOR_COLUMNS

RECORD_FORMAT = "xlsform.record/1"
_INDICATOR_FIELDS = frozenset(INDICATOR_COLUMNS)
_NUMERIC = frozenset({"weight", "score"})
IDENTITY_KEYS = ("year", "code", "name", "department", "implementer", "sub_units")
GOAL_KEYS = ("overview", "target", "achieved")
TOTAL_KEYS = ("weight", "score", "grade")
FOOTER_KEYS = ("preparer", "phone", "date", "head")


@dataclass
class FundRow:
    """One row of the form's fund table (财政拨款, 其他资金, 年度资金总额): amounts, weight, rate, score."""

    key: str
    label: str
    initial_budget: float | None = None
    budget: float | None = None
    spent: float | None = None
    transfer: float | None = None
    weight: float | None = None
    rate: float | None = None
    score: float | None = None


@dataclass
class Indicator:
    """One row of the form's indicator table, as the unit filled it."""

    index: int                       # the row number within the form's indicator table, 1-based
    level1: str | None = None
    level2: str | None = None
    level3: str | None = None
    content: str | None = None
    nature: str | None = None
    target: str | None = None
    measure: str | None = None
    actual: str | None = None
    weight: float | None = None
    score: float | None = None
    reason: str | None = None
    improvement: str | None = None
    previous: str | None = None      # 上年完成值: last year's actual, as the form showed it (a locked column)


@dataclass
class Record:
    """A form's values keyed by field key, whatever the layout they were read from; its JSON is `xlsform.record/1`."""

    spec_id: str
    spec_version: str
    values: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)     # field key -> "Sheet!C6"
    cached: dict[str, Any] = field(default_factory=dict)    # computed field key -> value the file had cached
    fund_labels: dict[str, str] = field(default_factory=dict)
    source: str | None = None
    sha256: str | None = None

    # ---------------------------------------------------------------------------------- views

    def get(self, key: str) -> Any:
        return self.values.get(key)

    @property
    def code(self) -> str | None:
        v = self.values.get("code")
        return None if v is None else str(v)

    @property
    def name(self) -> str | None:
        v = self.values.get("name")
        return None if v is None else str(v)

    @property
    def year(self) -> int | None:
        v = self.values.get("year")
        return int(v) if isinstance(v, int | float | Decimal) else None

    @property
    def funds(self) -> list[FundRow]:
        return [FundRow(**row) for row in self._fund_rows()]

    def _fund_rows(self) -> list[dict[str, Any]]:
        """Each fund row's fields as FundRow has them (key, label, every column as a number or None): the rows
        with values in the order they come, then the labelled rows without any, in the form's order. Also the
        record's JSON as it is (nothing to convert)."""
        v, labels = self.values, self.fund_labels
        rows: dict[Any, None] = dict.fromkeys(map(_FUND_ROW.__getitem__, v))    # each key classified once
        rows.pop(None, None)
        rows.update(dict.fromkeys(labels))
        out = []
        for row in rows:
            one: dict[str, Any] = {"key": row, "label": labels.get(row, row)}
            for column, key in _fund_keys(row):
                x = v.get(key)
                one[column] = x if type(x) is float else _num(x)
            out.append(one)
        return out

    def fund(self, row: str) -> FundRow | None:
        return next((f for f in self.funds if f.key == row), None)

    @property
    def indicators(self) -> list[Indicator]:
        """Indicator rows that hold anything, in form order."""
        rows = self._indicator_rows()
        return [_indicator(i, rows[i]) for i in sorted(rows)]

    def _indicator_rows(self) -> dict[int, dict[str, Any]]:
        """Row number -> the row's fields that hold anything (an Indicator's, by name)."""
        # Runs for every record in a check, its JSON and a merge: each key is classified once per process, and
        # the common values (a float in a number column, a text in a text column) take no conversion call.
        by_index: dict[int, dict[str, Any]] = {}
        known = _KEYS.get
        for key, value in self.values.items():
            info = known(key, _UNSEEN)
            if info is None:
                continue
            if info is _UNSEEN:
                info = _indicator_field(key)
                if info is None:
                    continue
            number, column, numeric = info
            if numeric:
                if type(value) is not float:
                    if value is None or value == "":
                        continue
                    value = _num(value)
            elif type(value) is str:
                if not value:            # "" holds nothing
                    continue
            else:
                if value is None or value == "":
                    continue
                value = _text(value)
            row = by_index.get(number)
            if row is None:
                row = by_index[number] = {}
            row[column] = value
        return by_index

    # ---------------------------------------------------------------------------------- JSON

    def to_json(self) -> dict[str, Any]:
        v = self.values
        return {
            "format": RECORD_FORMAT,
            "spec": {"id": self.spec_id, "version": self.spec_version},
            "source": {"file": shown_path(self.source) if self.source else self.source, "sha256": self.sha256},
            "identity": {k: _plain(v.get(k)) for k in IDENTITY_KEYS},
            "funds": self._fund_rows(),
            "execution": {"reason": v.get("execution.reason")},
            "goals": {k: _plain(v.get(f"goal.{k}")) for k in GOAL_KEYS},
            # as [vars(i) for i in self.indicators], without making the Indicators (no field needs converting:
            # _indicator_rows gives floats and texts)
            "indicators": [{"index": i, **_NO_INDICATOR, **row} for i, row in sorted(self._indicator_rows().items())],
            "totals": {k: _plain(v.get(f"total.{k}")) for k in TOTAL_KEYS},
            "footer": {k: _plain(v.get(f"footer.{k}")) for k in FOOTER_KEYS},
            "cached": {k: _plain(x) for k, x in self.cached.items()},
            "cells": dict(self.cells),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Record:
        values: dict[str, Any] = {}
        for k in IDENTITY_KEYS:
            _put(values, k, data.get("identity", {}).get(k))
        for f in data.get("funds", []):
            for c in FUND_COLUMNS:
                _put(values, f"fund.{f['key']}.{c}", f.get(c))
        _put(values, "execution.reason", data.get("execution", {}).get("reason"))
        for k in GOAL_KEYS:
            _put(values, f"goal.{k}", data.get("goals", {}).get(k))
        for ind in data.get("indicators", []):
            for c in INDICATOR_COLUMNS:
                _put(values, indicator_key(int(ind["index"]), c), ind.get(c))
        for k in TOTAL_KEYS:
            _put(values, f"total.{k}", data.get("totals", {}).get(k))
        for k in FOOTER_KEYS:
            _put(values, f"footer.{k}", data.get("footer", {}).get(k))
        return cls(
            spec_id=data["spec"]["id"], spec_version=data["spec"]["version"], values=values,
            cells=dict(data.get("cells", {})), cached=dict(data.get("cached", {})),
            fund_labels={f["key"]: f.get("label", f["key"]) for f in data.get("funds", [])},
            source=data.get("source", {}).get("file"), sha256=data.get("source", {}).get("sha256"),
        )


class _FundRows(dict[str, str | None]):
    """field key -> the fund row it is a column of ("fund.total.budget" -> "total"), None for another field:
    worked out once a key (a record's funds read every key of the record)."""

    def __missing__(self, key: str) -> str | None:
        row = key.split(".")[1] if key.startswith("fund.") else None
        if len(self) < 100_000:     # keys are the layouts' fields: a few thousand at most
            self[key] = row
        return row


_FUND_ROW = _FundRows()


@lru_cache(maxsize=256)
def _fund_keys(row: str) -> tuple[tuple[str, str], ...]:
    return tuple((c, f"fund.{row}.{c}") for c in FUND_COLUMNS)


def _put(values: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        values[key] = value


def _num(x: Any) -> float | None:
    if isinstance(x, bool) or x is None:
        return None
    if isinstance(x, int | float | Decimal):
        return float(x)
    return None


def _text(x: Any) -> str | None:
    if x is None:
        return None
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


# An Indicator's fields but its index, all empty, in the order the dataclass (and so its JSON) has them
_NO_INDICATOR = {f.name: None for f in fields(Indicator) if f.name != "index"}


def _indicator(index: int, row: dict[str, Any]) -> Indicator:
    """Indicator(index, **row), its fields set as __init__ sets them (every check makes ten to thirty a return:
    matching 14 keyword arguments cost twice the rest)."""
    ind = object.__new__(Indicator)
    ind.__dict__.update({"index": index, **_NO_INDICATOR, **row})
    return ind
# field key -> (indicator number, column, numeric) for an indicator field the record shows; None otherwise
_KEYS: dict[str, tuple[int, str, bool] | None] = {}
_UNSEEN = (0, "", False)     # what _KEYS.get gives for a key not classified yet


def _indicator_field(key: str) -> tuple[int, str, bool] | None:
    parts = split_indicator_key(key) if key.startswith("ind.") else None
    info = None if parts is None or parts[1] not in _INDICATOR_FIELDS else (parts[0], parts[1], parts[1] in _NUMERIC)
    if len(_KEYS) < 100_000:    # keys are the layouts' fields: a few thousand at most
        _KEYS[key] = info
    return info


def _plain_fields(row: FundRow | Indicator) -> dict[str, Any]:
    """A row's fields, JSON-ready; a copy of its dict when no field needs converting (the common case)."""
    fields = vars(row)
    if Decimal in map(type, fields.values()):
        return {k: _plain(x) for k, x in fields.items()}
    return dict(fields)


def _plain(x: Any) -> Any:
    """JSON-ready: Decimal -> int or float, everything else as is."""
    if isinstance(x, Decimal):
        return int(x) if x == x.to_integral_value() and abs(x) < 2**53 else float(x)
    return x
