"""Proofs with a real spreadsheet engine: LibreOffice computes what xlsform.scoring computes, and locks right.

All LibreOffice work of a test goes to the driver in one batch (one soffice for the session), because a
job costs ~50 ms and a soffice start seconds.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from tests.helpers_lo import LibreOffice, libreoffice, lo_roundtrip

pytestmark = pytest.mark.libreoffice
__all__ = ["libreoffice"]   # the session fixture, imported so pytest finds it here


# ------------------------------------------------------------------------------- the harness itself

def _tiny_workbook(path: Path) -> Path:
    """Two unlocked inputs and a locked ROUND formula on a protected sheet, with defined names."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("表")
    unlocked = wb.add_format({"locked": False})
    ws.write_number("A1", 1.5, unlocked)
    ws.write_number("A2", 2.25, unlocked)
    ws.write_formula("A3", "=ROUND(A1+A2,2)", None, 3.75)
    ws.write_formula("A4", '=IF(A1>2,"高","低")', None, "低")
    for name, ref in (("xf_a", "$A$1"), ("xf_b", "$A$2"), ("xf_c", "$A$3"), ("xf_d", "$A$4")):
        wb.define_name(name, f"='表'!{ref}")
    ws.protect()
    wb.close()
    return path


def test_driver_types_recalculates_and_reads_back(libreoffice: LibreOffice, tmp_path: Path) -> None:
    path = _tiny_workbook(tmp_path / "tiny.xlsx")
    [result] = libreoffice.run_ok([{
        "path": str(path), "before": ["xf_c", "xf_d"],
        "set": [["xf_a", "value", 2.675], ["xf_b", "formula", "1"]],
        "read": ["xf_a", "xf_b", "xf_c", "xf_d", "表!A5"], "locked": ["xf_a", "xf_b", "xf_c", "xf_d"],
    }])
    assert result["before"] == {"xf_c": 3.75, "xf_d": "低"}        # cached values: no recalc on load
    assert result["values"] == {"xf_a": 2.675, "xf_b": 1, "xf_c": 3.68, "xf_d": "高", "表!A5": None}
    assert result["locked"] == {"xf_a": False, "xf_b": False, "xf_c": True, "xf_d": True}
    assert result["protected"] == {"表": True}


def test_driver_reports_a_bad_job_and_carries_on(libreoffice: LibreOffice, tmp_path: Path) -> None:
    path = _tiny_workbook(tmp_path / "tiny.xlsx")
    missing, good = libreoffice.run([{"path": str(tmp_path / "missing.xlsx")},
                                     {"path": str(path), "read": ["xf_c"], "set": [["xf_a", "clear", None]]}])
    assert not missing["ok"] and "missing.xlsx" in missing["error"]
    assert good["ok"] and good["values"] == {"xf_c": 2.25}


def test_lo_roundtrip_saves_a_readable_copy(libreoffice: LibreOffice, tmp_path: Path) -> None:
    path = _tiny_workbook(tmp_path / "tiny.xlsx")
    saved = lo_roundtrip(path)
    assert saved == tmp_path / "tiny.lo.xlsx"
    ws = openpyxl.load_workbook(saved)["表"]
    assert ws["A3"].value == "=ROUND(A1+A2,2)" and ws.protection.sheet
    assert path.read_bytes() != saved.read_bytes()
