"""The batch writer (writer/stencil.py) writes exactly what xlsxwriter writes, and what xlsform wrote before it.

- Byte for byte: every unit written through a stencil equals `form_bytes` (xlsxwriter itself) for the same
  inputs, over generated units of all three built-in specs (hypothesis) and through `generate`.
- Before and after: tests/data/forms-golden holds forms as the writer wrote them before the batch writer,
  rewritten only when the form changes on purpose (`make.py` there); today's writer, through a stencil and
  without, writes workbooks with the same sheets, defined names, validations, protection, cells (values,
  formulas, styles), merges, rows and columns.
- The pieces: the zip entries copied are what zipfile writes; a stencil that cannot reproduce the file it was
  built from is never used; a call the recording does not know sends the unit to xlsxwriter.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlsform import generate as gen
from xlsform.layout import Layout
from xlsform.roster import Unit
from xlsform.spec import load_spec
from xlsform.writer import FormBatch, form_bytes
from xlsform.writer.form import _Job
from xlsform.writer.record import Recording, Unsupported, freeze
from xlsform.writer.stencil import MarkingWorkbook, build
from xlsform.writer.zipparts import read_entries, write_archive

GOLDEN = Path(__file__).parent / "data" / "forms-golden"
META = {"generated_at": "2024-03-01T08:00:00Z"}
LAYOUTS = {name: Layout(load_spec(name)) for name in ("wangcheng", "zhuzhou", "project")}


# --------------------------------------------------------------------------- byte for byte, generated units

TEXT = st.lists(st.sampled_from([*"ab 1中文，（）&<>\"'\n\t\x01_\u3000\ufffe", "<r>", "_x0041_", "测试单位"]),
                max_size=12).map("".join)
NUMBER = st.one_of(st.integers(-10**6, 10**9), st.floats(-1e9, 1e12, allow_nan=False, allow_infinity=False))


@st.composite
def unit_values(draw: Any, layout: Layout) -> tuple[dict[str, Any], list[str] | None]:
    """A unit's values: some prefill fields (text or numbers by type, now and then text in a number field),
    indicator rows up to a drawn count, and for a return also its inputs (then the prefill is locked)."""
    rows = draw(st.integers(0, layout.n))
    filled = draw(st.booleans())
    values: dict[str, Any] = {}
    for key, place in layout.places.items():
        f = place.field
        if f.role == "computed" or (place.index or 0) > rows or (f.role == "input" and not filled):
            continue
        if not draw(st.integers(0, 9)):
            continue   # a field the roster leaves empty: another structure
        numeric = f.type in ("integer", "number", "amount", "percent", "score") and draw(st.integers(0, 9))
        values[key] = draw(NUMBER if numeric else TEXT)
    locked = [k for k in values if layout.places[k].field.role == "prefill"] if filled else None
    return values, locked


_BATCHES: dict[str, FormBatch] = {}


@pytest.mark.parametrize("spec", sorted(LAYOUTS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_batch_writes_what_xlsxwriter_writes(spec: str, data: Any) -> None:
    layout = LAYOUTS[spec]
    batch = _BATCHES.setdefault(spec, FormBatch())
    values, locked = data.draw(unit_values(layout))
    before = batch.stencilled
    for _ in range(2):   # the first of a structure is xlsxwriter's own file, the second goes through its stencil
        got = batch.form_bytes(layout, values, password="pw", locked=locked, meta=META)
        assert got == form_bytes(layout, values, password="pw", locked=locked, meta=META)
    rich = any(isinstance(v, str) and v.startswith("<r>") for v in values.values())
    assert batch.stencilled > before or rich    # xlsxwriter takes "<r>..." as rich text: left to it


def test_generate_writes_each_form_as_xlsxwriter_would(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A round of 40 units in two patterns (a unit without 主管部门 has that cell unlocked): every file is what
    form_bytes writes, and all but the first of each pattern came through a stencil."""
    monkeypatch.setattr(gen, "_FORMS", FormBatch())
    spec = load_spec("wangcheng")
    units = []
    for k in range(40):
        values: dict[str, Any] = {"year": 2024, "code": f"43{k:04d}", "name": f"单位{k}", "department": "财政局",
                                  "fund.total.budget": 100.0 + k, "goal.target": f"目标{k} & <完成>" * (k % 7)}
        values |= {f"ind.{i}.level3": f"指标{i}-{k}" for i in range(1, 4)}
        if k % 3 == 0:
            del values["department"]
        units.append(Unit(values["code"], values["name"], values))
    manifest = gen.generate_units(units, spec, tmp_path, password="pw", jobs=1)
    layout = Layout(spec)
    for unit, entry in zip(units, manifest.units, strict=True):
        expected = form_bytes(layout, unit.values, password="pw", meta={"generated_at": manifest.generated_at or ""})
        assert (tmp_path / "forms" / entry.file).read_bytes() == expected, entry.file
    assert gen._FORMS.stencilled == 40 - 2


# ------------------------------------------------------------------------------------- before and after

def workbook_facts(data: bytes) -> dict[str, Any]:
    """What a spreadsheet shows and enforces, as openpyxl reads it (byte layout aside)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    facts: dict[str, Any] = {"names": sorted((n, d.attr_text) for n, d in wb.defined_names.items()),
                             "properties": sorted((p.name, p.value) for p in wb.custom_doc_props.props)}
    for ws in wb.worksheets:
        sheet: dict[str, Any] = {
            "state": ws.sheet_state,
            "protection": (ws.protection.sheet, ws.protection.password, ws.protection.selectLockedCells,
                           ws.protection.selectUnlockedCells, ws.protection.formatCells, ws.protection.insertRows),
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": sorted((str(v.sqref), v.type, v.operator, v.formula1, v.formula2, v.allow_blank,
                                   v.prompt, v.promptTitle, v.error, v.errorTitle, v.showErrorMessage)
                                  for v in ws.data_validations.dataValidation),
            "conditional": sorted((str(cf.sqref), tuple(tuple(r.formula) for r in cf.rules))
                                  for cf in ws.conditional_formatting),
            "rows": sorted((r, d.height, d.hidden, d.customHeight) for r, d in ws.row_dimensions.items()),
            "columns": sorted((c, d.width) for c, d in ws.column_dimensions.items()),
            "cells": {c.coordinate: (c.value, c.data_type, c.number_format, repr(c.font), repr(c.fill),
                                     repr(c.border), repr(c.alignment), c.protection.locked, c.protection.hidden)
                      for row in ws.iter_rows() for c in row},
        }
        facts[ws.title] = sheet
    return facts


CASES = json.loads((GOLDEN / "cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_today_writes_the_golden_forms(name: str) -> None:
    case = CASES[name]
    layout = Layout(load_spec(str(GOLDEN / case["spec"])))
    batch = FormBatch()
    before = workbook_facts((GOLDEN / f"{name}.xlsx").read_bytes())
    for _ in range(2):   # xlsxwriter's file, then the stencil's
        after = batch.form_bytes(layout, case["values"], password=case["password"], locked=case["locked"],
                                 meta=case["meta"])
        assert workbook_facts(after) == before
    assert batch.stencilled == 1


def test_golden_cases_cover_what_differs_between_units() -> None:
    """The fixtures hold a prefilled form, one with an unlocked prefill field and awkward text, a return and two
    blank forms: the golden comparison above is only as good as them."""
    facts = workbook_facts((GOLDEN / "wangcheng_no_indicators.xlsx").read_bytes())
    texts = [v[0] for v in facts[load_spec("wangcheng").sheet]["cells"].values() if isinstance(v[0], str)]
    assert any("_x0041_" in t and "&" in t and t.startswith(" ") for t in texts)
    unlocked = {k for k, v in facts[load_spec("wangcheng").sheet]["cells"].items() if v[-2] is False}
    assert Layout(load_spec("wangcheng")).place("goal.target").ref in unlocked
    assert {c["spec"] for c in CASES.values()} == {"wangcheng.toml", "zhuzhou.toml", "project.toml"}


# ------------------------------------------------------------------------------------------- the pieces

def test_zip_entries_copied_are_what_zipfile_writes() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("a.xml", b"<a/>" * 100), ("b/c.xml", b"x"), ("d.xml", b"")):
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text)
    archive = buf.getvalue()
    entries, comment = read_entries(archive)
    assert write_archive(entries, comment) == archive
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("a.xml", b"<a/>" * 100), ("b/c.xml", "改了 & more".encode() * 50), ("d.xml", b"")):
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text)
    replaced = [e.replaced("改了 & more".encode() * 50) if e.name == "b/c.xml" else e for e in entries]
    assert write_archive(replaced, comment) == other.getvalue()


def _recorded(layout: Layout, values: dict[str, Any]) -> tuple[_Job, Recording]:
    job = _Job(layout, values, "pw", None, META, (), None)
    rec = Recording()
    job.write(rec)
    return job, rec


def test_a_stencil_that_cannot_reproduce_its_own_file_is_never_used() -> None:
    layout = LAYOUTS["wangcheng"]
    job, rec = _recorded(layout, {"code": "1", "name": "甲"})
    data, book = job.xlsxwriter(MarkingWorkbook)
    assert build(data, book, rec) is not None
    _, other = _recorded(layout, {"code": "2", "name": "乙"})
    assert build(data, book, other) is None      # the values of another unit in the holes: not that file


def test_calls_the_recording_does_not_know_send_the_unit_to_xlsxwriter() -> None:
    rec = Recording()
    sheet = rec.add_worksheet("x")
    with pytest.raises(Unsupported):
        sheet.write_url(0, 0, "https://example.org")
    with pytest.raises(Unsupported):
        sheet.write_number(0, 0, float("nan"))
    with pytest.raises(Unsupported):
        sheet.write_string(0, 0, "x" * 20000)    # xlsxwriter would cut it: its own path says so
    with pytest.raises(Unsupported):
        rec.add_chart({"type": "bar"})


def test_structure_tells_arguments_apart() -> None:
    assert freeze({"a": [1, 2]}) == freeze({"a": [1, 2]})
    assert freeze({"a": [1, 2]}) != freeze({"a": (1, 2)})
    assert freeze({"a": 1}) != freeze((("a", 1),))
    assert freeze([1]) != freeze((1,))


def test_a_stencil_that_fails_on_a_unit_hands_that_structure_to_xlsxwriter() -> None:
    layout = LAYOUTS["wangcheng"]
    batch = FormBatch()
    first, second = {"code": "1", "name": "甲"}, {"code": "2", "name": "乙"}
    batch.form_bytes(layout, first, password="pw", meta=META)
    [stencil] = batch._stencils.values()
    assert stencil is not None

    def broken(rec: Any) -> str:
        raise AttributeError("an xlsxwriter whose internals changed")

    stencil.renderers["docProps/custom.xml"] = broken
    assert batch.form_bytes(layout, second, password="pw", meta=META) == \
        form_bytes(layout, second, password="pw", meta=META)
    assert list(batch._stencils.values()) == [None] and batch.stencilled == 0
