"""`xlsform check --annotate`: a copy the unit can correct and send back, with every finding pointed at."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from tests.conftest import ROOT, load_seed
from tests.helpers_forms import locked_cells, write_return
from tests.helpers_round import saved_by_the_unit
from xlsform.cli import main

SHEET = "部门整体自评表"


def run(*args: Any) -> Result:
    return CliRunner().invoke(main, ["check", *map(str, args)])


@pytest.fixture
def annotated(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "in").mkdir()
    src = write_return(tmp_path / "in" / "004.xlsx", load_seed("004"))
    res = run(src, "--annotate", tmp_path / "out")
    assert res.exit_code == 1, res.output
    return src, tmp_path / "out" / "004_校验.xlsx"


def test_copy_keeps_protection_validations_and_formulas(annotated: tuple[Path, Path]) -> None:
    src, copy = annotated
    wb = openpyxl.load_workbook(copy)
    ws = wb[SHEET]
    assert ws.protection.sheet
    assert len(ws.data_validations.dataValidation) > 0
    assert ws["H42"].value == "=ROUND(N(F6)+SUM(H12:H41),2)"
    assert str(ws["I42"].value).startswith("=")
    assert locked_cells(copy, SHEET) == locked_cells(src, SHEET)
    assert wb["_xf_meta"].sheet_state == "veryHidden"


def test_each_finding_is_a_comment_and_a_row_with_a_link(annotated: tuple[Path, Path]) -> None:
    _, copy = annotated
    wb = openpyxl.load_workbook(copy)
    ws = wb[SHEET]
    assert "分值合计为 70，应为 100" in ws["H42"].comment.text
    assert "不是与目标值「95%」可比" in ws["G21"].comment.text
    rows = list(wb["校验结果"].iter_rows(min_row=2))
    codes = [r[2].value for r in rows]
    assert codes[0] == "XF405" and "XF504" in codes
    assert rows[0][3].hyperlink.location == f"'{SHEET}'!H42"


def test_original_never_touched_and_a_rerun_replaces_only_its_own_copies(annotated: tuple[Path, Path]) -> None:
    """Issue 8.5: a second run into the same folder prints the whole report, replaces the copy it wrote for
    the same return, and says per file what it did not write (a copy the unit has since saved) and why."""
    src, copy = annotated
    src_sha = hashlib.sha256(src.read_bytes()).hexdigest()
    res = run(src, "--annotate", copy.parent)
    assert res.exit_code == 1 and "XF405" in res.output and "XF920" not in res.output   # replaced, report in full
    saved_by_the_unit(copy)
    copy_sha = hashlib.sha256(copy.read_bytes()).hexdigest()
    res = run(src, "--annotate", copy.parent)
    assert res.exit_code == 1 and "XF405" in res.output and "共 1 个文件" in res.output
    assert "XF920" in res.output and "不是本工具为该文件写出、未经修改的批注副本" in res.output
    assert "未写出 1 份" in res.stderr and str(src) in res.stderr
    assert str(src) in run(src, "--annotate", copy.parent, "--no-info").stderr     # not hidden with the info
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == copy_sha
    assert run(src, "--annotate", copy.parent, "--force").exit_code == 1
    assert hashlib.sha256(copy.read_bytes()).hexdigest() != copy_sha
    assert hashlib.sha256(src.read_bytes()).hexdigest() == src_sha
    assert not list(copy.parent.glob("*.part"))


def test_an_amount_typed_as_words_stays_visible_in_the_copy(tmp_path: Path) -> None:
    """Issue 8.5: the unit sees its own "一千五百" in the cell, highlighted, with the comment beside it."""
    record = load_seed("004")
    record.values["fund.total.spent"] = "一千五百"
    src = write_return(tmp_path / "in.xlsx", record)
    assert run(src, "--annotate", tmp_path / "out").exit_code == 1
    ws = openpyxl.load_workbook(tmp_path / "out" / "in_校验.xlsx")[SHEET]
    [cell] = [c for row in ws.iter_rows() for c in row if c.value == "一千五百"]
    assert cell.comment is not None and "一千五百" in cell.comment.text
    assert cell.fill.fgColor.rgb not in (None, "00000000")


def test_the_corrected_copy_checks_like_the_return(annotated: tuple[Path, Path]) -> None:
    src, copy = annotated
    before = json.loads(run(src, "--json").stdout)[0]
    after = json.loads(run(copy, "--json").stdout)[0]
    assert [(f["code"], f["cell"]) for f in after["findings"]] == [(f["code"], f["cell"]) for f in before["findings"]]


def test_unreadable_files_get_no_copy_and_same_stems_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "bad.xlsx").write_text("x", encoding="utf-8")
    assert run(tmp_path / "a", "--annotate", tmp_path / "out").exit_code == 1
    assert not (tmp_path / "out" / "bad_校验.xlsx").exists()
    write_return(tmp_path / "a" / "x.xlsx", load_seed("001"))
    write_return(tmp_path / "b" / "x.xlsx", load_seed("001"))
    res = run(tmp_path / "a" / "x.xlsx", tmp_path / "b" / "x.xlsx", "--annotate", tmp_path / "out2")
    assert res.exit_code == 1 and "同名" in res.output and "XF920" in res.output   # the report still comes
    assert [p.name for p in (tmp_path / "out2").iterdir()] == ["x_校验.xlsx"]


def test_examples_annotate(tmp_path: Path) -> None:
    res = run(ROOT / "examples" / "returns", "--annotate", tmp_path, "--jobs", "2")
    assert res.exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "000_wangcheng_reception_校验.xlsx", "001_zhuzhou_reception_校验.xlsx",
        "002_wangcheng_party_office_校验.xlsx", "004_wangcheng_cppcc_校验.xlsx"]


def test_a_copy_that_cannot_be_written_is_a_finding_not_a_crash(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import xlsform.annotate

    def full_disk(*args: Any, **kw: Any) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xlsform.annotate, "annotate_result", full_disk)
    src = write_return(tmp_path / "001.xlsx", load_seed("001"))
    res = run(src, "--annotate", tmp_path / "out", "--json")
    assert res.exit_code == 1 and "Traceback" not in res.output
    [obj] = json.loads(res.stdout)
    assert obj["record"] is not None and "XF903" in [f["code"] for f in obj["findings"]]
