"""QA: a region's spec file as Notepad saves it (ANSI = GBK, or UTF-8 with a BOM)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from xlsform.cli import main
from xlsform.spec import SpecError, load_spec

BUILTIN = ROOT / "templates/wangcheng.toml"


def test_a_spec_saved_as_gbk_is_a_spec_error_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "region.toml"
    path.write_bytes(BUILTIN.read_text(encoding="utf-8").encode("gbk", "replace"))
    with pytest.raises(SpecError, match="UTF-8"):
        load_spec(path)
    result = CliRunner().invoke(main, ["describe", str(path)])
    assert result.exit_code == 2 and "UTF-8" in result.output


def test_a_spec_saved_with_a_bom_loads(tmp_path: Path) -> None:
    path = tmp_path / "region.toml"
    path.write_bytes(codecs.BOM_UTF8 + BUILTIN.read_bytes())
    assert load_spec(path).id == load_spec("wangcheng").id
