"""QA: a ledger that cannot be written (manifest on a read-only share) must not hide the status report."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import ROOT
from xlsform.cli import main

RETURNS = ROOT / "examples/returns/wangcheng"


def test_status_still_reports_when_the_ledger_cannot_be_written(tmp_path: Path) -> None:
    shutil.copy(RETURNS / "manifest.json", tmp_path / "manifest.json")
    (tmp_path / "xlsform.sqlite3").mkdir()          # stands in for a read-only folder (tests may run as root)
    result = CliRunner().invoke(main, ["status", str(RETURNS), "--manifest", str(tmp_path / "manifest.json"),
                                       "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "430112001" in result.output and "登记簿" in result.output
