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


COPY_004 = "430112004_中国人民政治协商会议湖南省长沙市望城区委员会办公室_校验.xlsx"   # named for the unit


@pytest.fixture
def annotated(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "in").mkdir()
    src = write_return(tmp_path / "in" / "004.xlsx", load_seed("004"))
    res = run(src, "--annotate", tmp_path / "out")
    assert res.exit_code == 1, res.output
    return src, tmp_path / "out" / COPY_004


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
    """Issue 8.5 / 15.8: a second run into the same folder prints the whole report and replaces the copy it
    wrote for the same return; a copy the unit has since saved is left alone and the return gets a copy of
    its own beside it, which stderr counts (only --force replaces the saved one)."""
    src, copy = annotated
    src_sha = hashlib.sha256(src.read_bytes()).hexdigest()
    res = run(src, "--annotate", copy.parent)
    assert res.exit_code == 1 and "XF405" in res.output and "XF920" not in res.output   # replaced, report in full
    assert sorted(p.name for p in copy.parent.iterdir()) == [COPY_004] and "写入" in res.stderr
    saved_by_the_unit(copy)
    copy_sha = hashlib.sha256(copy.read_bytes()).hexdigest()
    res = run(src, "--annotate", copy.parent)
    assert res.exit_code == 1 and "XF405" in res.output and "共 1 个文件" in res.output and "XF920" not in res.output
    second = copy.with_name(COPY_004.replace("_校验.xlsx", "_校验(2).xlsx"))
    assert second.exists() and f"写入 {copy.parent} 1 份。" in res.stderr
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
    ws = openpyxl.load_workbook(tmp_path / "out" / COPY_004)[SHEET]
    [cell] = [c for row in ws.iter_rows() for c in row if c.value == "一千五百"]
    assert cell.comment is not None and "一千五百" in cell.comment.text
    assert cell.fill.fgColor.rgb not in (None, "00000000")


def test_the_corrected_copy_checks_like_the_return(annotated: tuple[Path, Path]) -> None:
    src, copy = annotated
    before = json.loads(run(src, "--json").stdout)[0]
    after = json.loads(run(copy, "--json").stdout)[0]
    assert [(f["code"], f["cell"]) for f in after["findings"]] == [(f["code"], f["cell"]) for f in before["findings"]]


def test_unreadable_files_get_no_copy_and_every_return_of_one_unit_gets_its_own(tmp_path: Path) -> None:
    """Issue 15.8: two returns of one unit (a first .xls and a corrected .xlsx, or the same name in two
    folders) each get a copy, named for the unit; the stderr count is the copies really written."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "bad.xlsx").write_text("x", encoding="utf-8")
    assert run(tmp_path / "a", "--annotate", tmp_path / "out").exit_code == 1
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    write_return(tmp_path / "a" / "x.xlsx", load_seed("001"))
    record = load_seed("001")
    record.values["execution.reason"] = "已说明"
    write_return(tmp_path / "b" / "x.xlsx", record)
    res = run(tmp_path / "a" / "x.xlsx", tmp_path / "b" / "x.xlsx", "--annotate", tmp_path / "out2", "--jobs", "2")
    assert "XF920" not in res.output and f"写入 {tmp_path / 'out2'} 2 份。" in res.stderr
    assert sorted(p.name for p in (tmp_path / "out2").iterdir()) == [
        "430201001_株洲市接待服务中心_校验(2).xlsx", "430201001_株洲市接待服务中心_校验.xlsx"]


def test_examples_annotate(tmp_path: Path) -> None:
    res = run(ROOT / "examples" / "returns", "--annotate", tmp_path, "--jobs", "2")
    assert res.exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "430112001_长沙市望城区接待服务中心_校验.xlsx", "430112002_中共长沙市望城区委办公室_校验.xlsx", COPY_004,
        "430201001_株洲市接待服务中心_校验.xlsx"]


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


def test_stderr_counts_only_the_copies_really_written(tmp_path: Path) -> None:
    """Issue 15.20: under `ulimit -f` (or a full disk, a read-only folder) the report had XF903 while stderr
    still said 「批注副本：写入 … 1 份」. A real file-size limit, in a child process."""
    import resource
    import signal
    import subprocess
    import sys

    src = write_return(tmp_path / "001.xlsx", load_seed("001"))

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)        # a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    proc = subprocess.run([sys.executable, "-m", "xlsform", "check", str(src), "--annotate", str(tmp_path / "out")],
                          capture_output=True, text=True, preexec_fn=small_files, timeout=120, cwd=ROOT)
    assert proc.returncode == 1 and "XF903" in proc.stdout and "Traceback" not in proc.stderr
    assert f"批注副本：写入 {tmp_path / 'out'} 0 份，未写出 1 份" in proc.stderr and str(src) in proc.stderr
    assert not list((tmp_path / "out").iterdir())        # no placeholder or half-written copy left behind
