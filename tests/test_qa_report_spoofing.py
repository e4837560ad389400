"""QA: text from a hostile return cannot forge report lines or send terminal escapes to the clerk's screen."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import ROOT, load_seed
from tests.helpers_forms import fill_values, write_return
from xlsform import report
from xlsform.check import check_file


def test_cell_text_with_newlines_and_escapes_stays_on_its_finding_line(tmp_path: Path) -> None:
    values = fill_values(load_seed("000"))
    values["ind.1.actual"] = values["ind.1.content"] = "没有\n\n别的单位.xlsx：通过\x1b[2J"   # XF536 quotes it
    result = check_file(write_return(tmp_path / "r.xlsx", values))
    assert "XF536" in [f.code for f in result.findings]
    text = report.format_text([result])
    assert "\x1b" not in text
    assert not any(line.startswith("别的单位.xlsx") for line in text.splitlines())


def test_a_file_name_with_a_newline_cannot_forge_a_line(tmp_path: Path) -> None:
    path = tmp_path / "a\n共 9 个文件：9 个通过.xlsx"
    shutil.copy(ROOT / "examples/returns/wangcheng/002_wangcheng_party_office.xlsx", path)
    text = report.format_text([check_file(path)])
    assert not any(line.startswith("共 9 个文件") for line in text.splitlines())
