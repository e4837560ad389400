"""QA: rosters as a finance office really has them."""

from __future__ import annotations

import codecs
from pathlib import Path

from tests.conftest import ROOT
from xlsform.roster import load_roster
from xlsform.spec import load_spec


def test_gbk_roster_with_a_utf8_bom_in_front_reads_its_header(tmp_path: Path) -> None:
    # Some tools put a UTF-8 byte-order mark in front of whatever they save; the text itself is GBK.
    text = (ROOT / "examples/roster.csv").read_text(encoding="utf-8")
    path = tmp_path / "名册.csv"
    path.write_bytes(codecs.BOM_UTF8 + text.encode("gbk"))
    units = load_roster(path, load_spec("wangcheng"))
    assert [u.code for u in units] == ["430112001", "430112002", "430112004"]
    assert units[0].name == "长沙市望城区接待服务中心"
