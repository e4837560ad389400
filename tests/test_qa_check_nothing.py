"""QA: `check` on a folder with no returns in it (the wrong folder, returns still zipped) must not look like
a clean pass with exit 0; `read` already refuses the same folder."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from xlsform.cli import main


def test_check_of_a_folder_without_returns_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "returns").mkdir()
    (tmp_path / "returns" / "各单位报送.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    result = CliRunner().invoke(main, ["check", str(tmp_path / "returns")])
    assert result.exit_code == 2, result.output
    assert "没有找到" in result.output
