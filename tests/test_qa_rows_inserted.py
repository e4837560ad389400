"""QA: a unit that unprotects the sheet and inserts rows keeps every formula intact (LibreOffice and Excel move
their references with the cells): that is XF112, a warning, not XF153 "formula changed" on every total."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, load_seed
from tests.helpers_forms import fill_values, write_return
from tests.helpers_lo import SYSTEM_PYTHON, require_libreoffice
from xlsform.check import check_file

# Runs under the system python, with the test suite's own LibreOffice driver for starting soffice.
INSERT_ROWS = """
import json, sys
sys.path.insert(0, sys.argv[1])
import uno_driver as d
src, out, password = json.loads(sys.argv[2])
office = d.Office()
office.start()
try:
    doc = office.desktop.loadComponentFromURL("file://" + src, "_blank", 0, (d._prop("Hidden", True),))
    sheet = doc.Sheets.getByIndex(0)
    sheet.unprotect(password)
    sheet.getRows().insertByIndex(3, 2)          # two rows above the fund rows: every field moves down
    doc.calculateAll()
    d._store(doc, out, "Calc MS Excel 2007 XML")
    doc.close(True)
finally:
    office.stop()
"""


@pytest.mark.libreoffice
def test_rows_inserted_in_libreoffice_are_a_warning_not_changed_formulas(tmp_path: Path) -> None:
    require_libreoffice()
    src = write_return(tmp_path / "r.xlsx", fill_values(load_seed("000")), password="pw")
    out = tmp_path / "inserted.xlsx"
    subprocess.run([SYSTEM_PYTHON, "-c", INSERT_ROWS, str(ROOT / "tests" / "lo"),
                    json.dumps([str(src.resolve()), str(out.resolve()), "pw"])], check=True, timeout=180)
    result = check_file(out)
    codes = [f.code for f in result.findings]
    assert "XF112" in codes
    assert [f.message for f in result.findings if f.code == "XF153"] == []



def _inserted(tmp_path: Path, values: dict[str, object]) -> Path:
    src = write_return(tmp_path / "r.xlsx", values, password="pw")
    out = tmp_path / "inserted.xlsx"
    subprocess.run([SYSTEM_PYTHON, "-c", INSERT_ROWS, str(ROOT / "tests" / "lo"),
                    json.dumps([str(src.resolve()), str(out.resolve()), "pw"])], check=True, timeout=180)
    return out


@pytest.mark.libreoffice
def test_findings_on_moved_fields_name_the_cells_in_the_units_file(tmp_path: Path) -> None:
    require_libreoffice()
    values = fill_values(load_seed("000"))
    values.pop("footer.preparer", None)                          # XF301 on 填报人: B43 in the template
    values["ind.1.score"] = 999                                   # XF403 on the first score: I12
    result = check_file(_inserted(tmp_path, values))
    cells = {(f.code, f.key): f.cell for f in result.findings}
    assert cells[("XF301", "footer.preparer")] == "B45"         # empty, yet it moved with its row
    assert cells[("XF403", "ind.1.score")] == "I14"


@pytest.mark.libreoffice
def test_the_annotated_copy_of_a_moved_return_marks_the_cells_of_the_fields(tmp_path: Path) -> None:
    # The copy is the form as sent (fields at their template cells), so a finding on a field that the unit
    # moved two rows down must be marked at the field's cell in the copy, not two rows below it.
    import openpyxl

    require_libreoffice()
    values = fill_values(load_seed("000"))
    values["ind.1.score"] = 999
    result = check_file(_inserted(tmp_path, values), annotate=tmp_path / "批注")
    assert result.annotated is not None
    ws = openpyxl.load_workbook(result.annotated)["部门整体自评表"]
    assert ws["I12"].comment is not None and "超过本项分值" in ws["I12"].comment.text
    assert ws["I14"].comment is None
