"""QA: `read` run again with its CSV written into the returns folder must not read that CSV as a return."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import ROOT
from xlsform.cli import main


def test_read_skips_its_own_output_in_the_returns_folder(tmp_path: Path) -> None:
    folder = tmp_path / "returns"
    shutil.copytree(ROOT / "examples/returns/wangcheng", folder)
    args = ["read", str(folder), "--format", "csv", "-o", str(folder / "records.csv")]
    assert CliRunner().invoke(main, args).exit_code == 0
    again = CliRunner().invoke(main, [*args, "--force"])
    assert again.exit_code == 0, again.output
    assert "3 个已读取，0 个无法读取" in again.output
