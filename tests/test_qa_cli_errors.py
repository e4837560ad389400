"""QA: a file-system error while writing output is a Chinese error (exit 2), never a Python traceback."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tests.conftest import ROOT
from xlsform.cli import main

EXAMPLE = [str(ROOT / "examples/roster.csv"), "--indicators", str(ROOT / "examples/indicators.csv")]
RETURNS = ROOT / "examples/returns/wangcheng"


def test_generate_into_a_folder_under_a_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    result = CliRunner().invoke(main, ["generate", *EXAMPLE, "-o", str(tmp_path / "afile" / "sub")])
    assert result.exit_code == 2, result.output
    assert not isinstance(result.exception, OSError)
    assert "Traceback" not in result.output and "afile" in result.output


def test_merge_output_under_a_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    result = CliRunner().invoke(main, ["merge", str(RETURNS), "-o", str(tmp_path / "afile" / "x.xlsx"),
                                       "--no-ledger", "--jobs", "1"])
    assert result.exit_code == 2, result.output
    assert not isinstance(result.exception, OSError)
    assert "afile" in result.output
    assert (tmp_path / "afile").read_text() == "x"
