"""QA: returns unpacked on Linux from a Windows zip keep GBK bytes in their file names (not UTF-8). Every
command must still work and write those names as readable Chinese, never crash on them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from xlsform.cli import main
from xlsform.ledger import LEDGER_NAME, read_ledger

SRC = ROOT / "examples/returns/wangcheng/000_wangcheng_reception.xlsx"
MANIFEST = ROOT / "examples/returns/wangcheng/manifest.json"
NAME = "望城区接待服务中心"


@pytest.fixture
def returns(tmp_path: Path) -> Path:
    folder = tmp_path / "returns"
    folder.mkdir()
    try:
        target = os.path.join(os.fsencode(folder), NAME.encode("gbk") + b".xlsx")
        shutil.copy(SRC, target)
    except (OSError, UnicodeError):   # a file system that refuses non-UTF-8 names
        pytest.skip("this file system does not take GBK bytes in file names")
    shutil.copy(MANIFEST, tmp_path / "manifest.json")
    return folder


def test_check_annotate_writes_a_copy_named_in_chinese(returns: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(returns), "--annotate", str(tmp_path / "批注"), "--jobs", "1"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    [copy] = (tmp_path / "批注").iterdir()      # named for the unit, in Chinese, whatever the return's bytes
    assert copy.name.endswith("_校验.xlsx") and "望城" in copy.name


def test_merge_and_status_write_the_name_in_chinese(returns: Path, tmp_path: Path) -> None:
    out = tmp_path / "汇总.xlsx"
    result = CliRunner().invoke(main, ["merge", str(returns), "-o", str(out), "--manifest",
                                       str(tmp_path / "manifest.json"), "--format", "csv", "--format", "jsonl",
                                       "--jobs", "1"])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out)["汇总表"]
    assert any(NAME in str(c.value) for row in ws.iter_rows() for c in row)
    assert NAME in (tmp_path / "汇总_汇总表.csv").read_text(encoding="utf-8-sig")
    result = CliRunner().invoke(main, ["status", str(returns), "--manifest", str(tmp_path / "manifest.json"),
                                       "--jobs", "1"])
    assert result.exit_code == 0, result.output
    ledger = read_ledger(tmp_path / LEDGER_NAME)
    assert ledger and all(NAME in e["file"] for e in ledger)


def test_read_writes_the_name_in_chinese(returns: Path, tmp_path: Path) -> None:
    for fmt in ("json", "csv"):
        out = tmp_path / f"records.{fmt}"
        result = CliRunner().invoke(main, ["read", str(returns), "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert NAME in out.read_text(encoding="utf-8-sig")


def test_check_json_has_no_undecodable_file_names(returns: Path) -> None:
    from xlsform import report
    from xlsform.check import check_paths

    text = report.format_json(list(check_paths([returns])))
    text.encode("utf-8")                      # strict: what a UTF-8 terminal or pipe needs
    assert NAME in text
