"""Test workbooks for the reader, built inside the tests with xlsxwriter (no binary fixtures).

`build_return` lays a record's values out exactly as the writer contract says (cells from the layout,
defined names, computed formulas with cached results, a very-hidden `_xf_meta` sheet, custom properties),
with knobs to produce the mistakes and hostile variants the reader must cope with.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import xlsxwriter

from xlsform.layout import META_SHEET, Layout
from xlsform.spec import load_spec


def build_return(target: str | Path | io.BytesIO, spec_name: str, values: Mapping[str, Any], *,
                 n: int | None = None, meta: Mapping[str, Any] | None = None, names: bool = True,
                 cached: Mapping[str, Any] | None = None, raw: Mapping[str, Any] | None = None,
                 formulas: bool = True, with_meta: bool = True, moved: Mapping[str, str] | None = None,
                 formats: Mapping[str, str] | None = None) -> Layout:
    """Write a filled return. `raw` puts values in cells by key as typed (strings stay strings);
    `cached` overrides the cached result of computed cells; `meta` overrides `_xf_meta` rows;
    `moved` puts a field (value and defined name) at another cell, as inserting rows in Excel does;
    `formats` gives a field's cell a number format ("0%", "yyyy-mm-dd")."""
    spec = load_spec(spec_name)
    layout = Layout(spec, n)
    wb = xlsxwriter.Workbook(target, {"in_memory": True})
    ws = wb.add_worksheet(spec.sheet)
    recomputed = layout.recompute(dict(values))
    for key, place in layout.places.items():
        if moved and key in moved:
            ws.write_string(moved[key], str(values[key]))
            wb.define_name(place.name, f"='{spec.sheet}'!{moved[key]}")
            continue
        if place.merged:
            ws.merge_range(place.row, place.col, place.last_row, place.last_col, None)
        if raw and key in raw:
            fmt = wb.add_format({"num_format": formats[key]}) if formats and key in formats else None
            _write(ws, place.row, place.col, raw[key], fmt)
        elif place.field.role == "computed" and formulas:
            value = (cached or {}).get(key, recomputed.get(key))
            ws.write_formula(place.row, place.col, layout.formula(key), None, _cache(value))
        elif key in values:
            _write(ws, place.row, place.col, values[key])
        if names:
            wb.define_name(place.name, f"='{spec.sheet}'!{_abs(place)}")
    ws.protect("secret")
    if with_meta:
        _meta_sheet(wb, spec.id, spec.version, layout.n, values, meta or {})
    wb.set_custom_property("xf_spec_id", str((meta or {}).get("spec_id", spec.id)))
    wb.close()
    return layout


def _write(ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    if isinstance(value, str):
        ws.write_string(row, col, value, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif value is None:
        return
    else:
        ws.write_number(row, col, float(value), fmt)


def _cache(value: Any) -> Any:
    if value is None:
        return ""
    return value if isinstance(value, str) else float(value)


def _abs(place: Any) -> str:
    from xlsform.layout import a1
    first = a1(place.row, place.col, absolute=True)
    return f"{first}:{a1(place.last_row, place.last_col, absolute=True)}" if place.merged else first


def _meta_sheet(wb: Any, spec_id: str, version: str, n: int, values: Mapping[str, Any],
                meta: Mapping[str, Any]) -> None:
    ms = wb.add_worksheet(META_SHEET)
    rows = {"spec_id": spec_id, "spec_version": version, "code": values.get("code", ""),
            "year": values.get("year", ""), "indicator_rows": n, "generator": "tests"}
    rows.update(meta)
    for i, (k, v) in enumerate(rows.items()):
        ms.write_string(i, 0, k)
        _write(ms, i, 1, v)
    ms.very_hidden()


def rezip(data: bytes, edit: Callable[[str, bytes], bytes | None], extra: Mapping[str, bytes] | None = None) -> bytes:
    """A copy of an xlsx with members edited (return None to drop one) and extra members added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = edit(info.filename, src.read(info))
            if body is not None:
                dst.writestr(info.filename, body)
        for name, body in (extra or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


def workbook_bytes(spec_name: str, values: Mapping[str, Any], **kw: Any) -> bytes:
    buf = io.BytesIO()
    build_return(buf, spec_name, values, **kw)
    return buf.getvalue()
