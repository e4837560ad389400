"""Test helpers: build workbooks inside tests, as the finance office sends them and as a unit returns them.

- `prefill_values(record, spec)`: what a roster would prefill (prefill-role fields only).
- `input_values(record, spec)`: what the unit types in (input-role fields only).
- `fill_values(record)`: every non-computed value of a record (prefill + input), ready for `write_form`.
- `write_template(path, record_or_values, ...)`: the workbook as sent (prefilled, inputs empty).
- `write_return(path, record_or_values, ...)`: the workbook as sent back (prefilled fields locked, inputs filled).
- `unlocked_cells(path, sheet)` / `locked_cells(...)`: the cell sets openpyxl sees, for assertions.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import openpyxl

from xlsform.layout import Layout
from xlsform.records import Record
from xlsform.spec import Spec, load_spec
from xlsform.writer import write_form


def _spec(record_or_values: Record | Mapping[str, Any], spec: Spec | str | None) -> Spec:
    if isinstance(spec, Spec):
        return spec
    if spec is None and isinstance(record_or_values, Record):
        return load_spec(record_or_values.spec_id)
    return load_spec(spec or "wangcheng")


def _values(record_or_values: Record | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(record_or_values, Record):
        return dict(record_or_values.values)
    return dict(record_or_values)


def _role_values(values: Mapping[str, Any], layout: Layout, role: str) -> dict[str, Any]:
    return {k: v for k, v in values.items()
            if k in layout.places and layout.places[k].field.role == role and v not in (None, "")}


def fill_values(record_or_values: Record | Mapping[str, Any], spec: Spec | str | None = None) -> dict[str, Any]:
    """Every value a filled form holds (prefill + input), without computed fields."""
    s = _spec(record_or_values, spec)
    layout = Layout(s)
    values = _values(record_or_values)
    return {**_role_values(values, layout, "prefill"), **_role_values(values, layout, "input")}


def prefill_values(record_or_values: Record | Mapping[str, Any], spec: Spec | str | None = None) -> dict[str, Any]:
    """The values a roster would prefill for this unit (prefill-role fields only)."""
    s = _spec(record_or_values, spec)
    return _role_values(_values(record_or_values), Layout(s), "prefill")


def input_values(record_or_values: Record | Mapping[str, Any], spec: Spec | str | None = None) -> dict[str, Any]:
    """The values the unit types into its input cells (input-role fields only)."""
    s = _spec(record_or_values, spec)
    return _role_values(_values(record_or_values), Layout(s), "input")


def _indicator_rows(values: Mapping[str, Any], spec: Spec, indicator_rows: int | None) -> int:
    if indicator_rows:
        return indicator_rows
    used = [int(k.split(".")[1]) for k in values if k.startswith("ind.")]
    return max([spec.indicator_rows, *used])


def write_template(path: str | Path, record_or_values: Record | Mapping[str, Any], *,
                   spec: Spec | str | None = None, indicator_rows: int | None = None,
                   password: str | None = None, **kw: Any) -> Path:
    """The workbook as the finance office sends it: prefill values locked, inputs empty."""
    s = _spec(record_or_values, spec)
    values = prefill_values(record_or_values, s)
    layout = Layout(s, _indicator_rows(values, s, indicator_rows))
    write_form(path, layout, values, password=password, **kw)
    return Path(path)


def write_return(path: str | Path, record_or_values: Record | Mapping[str, Any], *,
                 spec: Spec | str | None = None, indicator_rows: int | None = None,
                 password: str | None = None, **kw: Any) -> Path:
    """The workbook as a unit sends it back: prefilled fields locked, the unit's inputs filled in.

    Values may be anything a user could type (text in a number cell, "=1+1" as text, ...): text is always
    stored as text. Computed cells hold their live formula and the correct cached result.
    """
    s = _spec(record_or_values, spec)
    values = fill_values(record_or_values, s)
    prefilled = prefill_values(record_or_values, s)
    layout = Layout(s, _indicator_rows(values, s, indicator_rows))
    kw.setdefault("locked", list(prefilled))
    write_form(path, layout, values, password=password, **kw)
    return Path(path)


def _cells(path: str | Path, sheet: str | None, locked: bool) -> set[str]:
    wb = openpyxl.load_workbook(path)
    try:
        ws = wb[sheet] if sheet else wb.worksheets[0]
        return {c.coordinate for row in ws.iter_rows() for c in row if bool(c.protection.locked) is locked}
    finally:
        wb.close()


def unlocked_cells(path: str | Path, sheet: str | None = None) -> set[str]:
    """Coordinates of the unlocked cells of a sheet (default: the first), every cell of a merged range."""
    return _cells(path, sheet, locked=False)


def locked_cells(path: str | Path, sheet: str | None = None) -> set[str]:
    return _cells(path, sheet, locked=True)
