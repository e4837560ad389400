"""QA: a unit that renames the form sheet ("Sheet1") has not deleted it: the reader finds it by its names,
so the check must not report it as deleted (XF156, an error) plus an added sheet (XF157)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import load_seed
from tests.helpers_forms import fill_values, write_return
from tests.helpers_read import rezip
from xlsform.check import check_file


def test_a_renamed_form_sheet_is_not_reported_deleted_and_added(tmp_path: Path) -> None:
    src = write_return(tmp_path / "r.xlsx", fill_values(load_seed("000")))
    out = tmp_path / "renamed.xlsx"
    old = "部门整体自评表".encode()
    out.write_bytes(rezip(src.read_bytes(), lambda name, data: data.replace(old, b"Sheet1")
                          if name == "xl/workbook.xml" else data))
    result = check_file(out)
    assert result.record is not None
    codes = [f.code for f in result.findings]
    assert "XF156" not in codes and "XF157" not in codes
