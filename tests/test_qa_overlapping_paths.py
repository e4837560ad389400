"""QA: a file named on the command line that is also inside a folder given there is one return, not a
duplicate of itself (XF902 "本文件与 <itself> 内容完全相同")."""

from __future__ import annotations

from tests.conftest import ROOT
from xlsform.check import check_paths, expand_paths

RETURNS = ROOT / "examples/returns/wangcheng"
ONE = RETURNS / "002_wangcheng_party_office.xlsx"


def test_a_file_given_twice_is_checked_once() -> None:
    assert len(expand_paths([RETURNS, ONE])) == 3
    assert len(expand_paths([ONE, ONE])) == 1
    results = list(check_paths([RETURNS, ONE]))
    assert [f for r in results for f in r.findings if f.code == "XF902"] == []
