"""Integrity checks: the return against the manifest (prefilled values, unit, year, spec) and the spec
(formulas, sheets, protection, external links). Workbooks are written by the writer, then edited as a
unit's spreadsheet program would leave them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import load_seed
from tests.helpers_checks import codes, findings, patch_xlsx, raw_workbook, seed_with
from tests.helpers_forms import prefill_values, write_return
from xlsform.checks import integrity
from xlsform.manifest import Manifest, ManifestUnit

SHEET = "部门整体自评表"
FORM_XML = "xl/worksheets/sheet1.xml"


def manifest_for(name: str, **over: Any) -> Manifest:
    r = load_seed(name)
    unit = ManifestUnit(r.code or "", r.name or "", f"{name}.xlsx", "0" * 64, prefill_values(r))
    fields = {"spec_id": r.spec_id, "spec_version": r.spec_version, "year": 2020, "indicator_rows": 30,
              "password": "x", "units": [unit], **over}
    return Manifest(**fields)


def check_with_manifest(record: Any, manifest: Manifest) -> list[Any]:
    return findings(record, integrity.check, manifest=manifest, entry=manifest.unit(record.code or ""))


def test_untouched_return_matches_its_manifest(seed: Any) -> None:
    assert check_with_manifest(seed, manifest_for(_seed_name(seed))) == []


def _seed_name(record: Any) -> str:
    return {"430112001": "000", "430201001": "001", "430112002": "002", "430112004": "004"}[record.code]


def test_changed_target_names_cell_old_and_new() -> None:
    r = seed_with("004", ind__1__target="1个节目")
    fs = check_with_manifest(r, manifest_for("004"))
    assert codes(fs) == [("XF152", "F12")]
    assert (fs[0].value, fs[0].expected) == ("1个节目", "2个节目")
    assert "原为 2个节目，现为 1个节目" in fs[0].message


def test_changed_weight_compares_as_numbers() -> None:
    assert check_with_manifest(seed_with("004", ind__1__weight=10), manifest_for("004")) == []
    fs = check_with_manifest(seed_with("004", ind__1__weight=20.0), manifest_for("004"))
    assert codes(fs) == [("XF152", "H12")]


def test_unit_not_in_manifest() -> None:
    fs = check_with_manifest(seed_with("004", code="999"), manifest_for("004"))
    assert codes(fs) == [("XF154", "G3")] and "999" in fs[0].message


def test_spec_and_year_differ_from_manifest() -> None:
    fs = check_with_manifest(seed_with("004"), manifest_for("004", spec_id="project", year=2021))
    assert [f.code for f in fs] == ["XF155", "XF160"]


def test_spec_version_not_accepted() -> None:
    r = seed_with("004")
    r.spec_version = "2019.1"
    assert [f.code for f in findings(r, integrity.check)] == ["XF151"]


# ---------------------------------------------------------------------------------- on workbooks

@pytest.fixture
def return_004(tmp_path: Path) -> Path:
    return write_return(tmp_path / "004.xlsx", load_seed("004"))


def on_file(path: Path) -> list[Any]:
    return findings(seed_with("004"), integrity.check, workbook=raw_workbook(path, SHEET))


def test_written_return_has_no_integrity_findings(return_004: Path) -> None:
    assert on_file(return_004) == []


def test_formula_overwritten_with_a_number(return_004: Path, tmp_path: Path) -> None:
    def overwrite(xml: str) -> str:
        return re.sub(r'<c r="H42"([^>]*)><f>[^<]*</f><v>[^<]*</v></c>', r'<c r="H42"\1><v>100</v></c>', xml)

    fs = on_file(patch_xlsx(return_004, tmp_path / "x.xlsx", {FORM_XML: overwrite}))
    assert codes(fs) == [("XF153", "H42")]
    assert fs[0].value == 100 and fs[0].expected == "=ROUND(N(F6)+SUM(H12:H41),2)"


def test_formula_edited(return_004: Path, tmp_path: Path) -> None:
    def edit(xml: str) -> str:
        return xml.replace("<f>ROUND(N(F6)+SUM(H12:H41),2)</f>", "<f>100</f>")

    fs = on_file(patch_xlsx(return_004, tmp_path / "x.xlsx", {FORM_XML: edit}))
    assert codes(fs) == [("XF153", "H42")] and fs[0].value == "=100"


def test_formula_with_cosmetic_differences_is_the_same(return_004: Path, tmp_path: Path) -> None:
    def edit(xml: str) -> str:
        return xml.replace("<f>ROUND(N(F6)+SUM(H12:H41),2)</f>", "<f>round(N($F$6) + SUM(H12:H41), 2)</f>")

    assert on_file(patch_xlsx(return_004, tmp_path / "x.xlsx", {FORM_XML: edit})) == []


def test_protection_removed_is_info(return_004: Path, tmp_path: Path) -> None:
    def unprotect(xml: str) -> str:
        return re.sub(r"<sheetProtection[^>]*/>", "", xml)

    fs = on_file(patch_xlsx(return_004, tmp_path / "x.xlsx", {FORM_XML: unprotect}))
    assert [(f.code, f.severity, f.value) for f in fs] == [("XF158", "info", SHEET)]


def test_sheet_added(return_004: Path, tmp_path: Path) -> None:
    def add(xml: str) -> str:
        return xml.replace("</sheets>", '<sheet name="附件" sheetId="9" r:id="rId99"/></sheets>')

    fs = on_file(patch_xlsx(return_004, tmp_path / "x.xlsx", {"xl/workbook.xml": add}))
    assert [(f.code, f.value) for f in fs] == [("XF157", "附件")]


def test_lists_sheet_removed(return_004: Path, tmp_path: Path) -> None:
    def drop(xml: str) -> str:
        return re.sub(r'<sheet name="_xf_lists"[^>]*/>', "", xml)

    fs = on_file(patch_xlsx(return_004, tmp_path / "x.xlsx", {"xl/workbook.xml": drop}))
    assert [(f.code, f.value) for f in fs] == [("XF156", "_xf_lists")]


def test_external_link(return_004: Path, tmp_path: Path) -> None:
    rel = ('<Relationship Id="rId98" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
           'relationships/externalLink" Target="externalLinks/externalLink1.xml"/></Relationships>')
    ext_rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                'officeDocument/2006/relationships/externalLinkPath" Target="file:///C:/预算/底稿.xlsx" '
                'TargetMode="External"/></Relationships>')
    edits = {"xl/workbook.xml": lambda x: x.replace(
                 "</workbook>", '<externalReferences><externalReference r:id="rId98"/></externalReferences>'
                 "</workbook>"),
             "xl/_rels/workbook.xml.rels": lambda x: x.replace("</Relationships>", rel)}
    extra = {"xl/externalLinks/externalLink1.xml": "<externalLink/>",
             "xl/externalLinks/_rels/externalLink1.xml.rels": ext_rels}
    fs = on_file(patch_xlsx(return_004, tmp_path / "x.xlsx", edits, extra))
    assert [f.code for f in fs] == ["XF159"] and "底稿.xlsx" in fs[0].message
