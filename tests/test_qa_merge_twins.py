"""QA: merge run twice into the returns folder must not count its own CSV / JSON Lines exports as returns."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import ROOT
from xlsform.cli import main

RETURNS = ROOT / "examples/returns/wangcheng"


def test_a_second_merge_skips_its_own_exports(tmp_path: Path) -> None:
    folder = tmp_path / "returns"
    shutil.copytree(RETURNS, folder)
    base = ["merge", str(folder), "-o", str(folder / "汇总.xlsx"), "--manifest", str(folder / "manifest.json"),
            "--no-ledger", "--jobs", "1"]
    first = CliRunner().invoke(main, [*base, "--format", "csv", "--format", "jsonl"])
    assert first.exit_code == 0, first.output
    for again in (["--format", "csv"], []):          # with the exports again, and without them this time
        second = CliRunner().invoke(main, [*base, *again, "--force"])
        assert second.exit_code == 0, second.output
        assert "名单外文件" not in second.output, second.output
