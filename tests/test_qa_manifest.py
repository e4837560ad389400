"""QA: a damaged or hand-edited manifest.json is a clear Chinese error, never a traceback."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from xlsform.cli import main
from xlsform.errors import XlsformError
from xlsform.manifest import Manifest

MANIFEST = ROOT / "examples/returns/wangcheng/manifest.json"


@pytest.mark.parametrize("content", [b"[]", b"\xff\xfe{", b'"text"', b"null"])
def test_a_manifest_that_is_not_a_json_object_is_an_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "manifest.json"
    path.write_bytes(content)
    with pytest.raises(XlsformError, match="清单"):
        Manifest.load(path)
    result = CliRunner().invoke(main, ["check", str(ROOT / "examples/returns/wangcheng"), "--manifest", str(path)])
    assert result.exit_code == 2 and "清单" in result.output


def test_a_manifest_saved_by_notepad_with_a_bom_loads(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_bytes(codecs.BOM_UTF8 + MANIFEST.read_bytes())
    assert Manifest.load(path).units == Manifest.load(MANIFEST).units
