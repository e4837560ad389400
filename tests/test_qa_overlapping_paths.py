"""QA: a file named on the command line that is also inside a folder given there is one return, not a
duplicate of itself (XF902 "本文件与 <itself> 内容完全相同")."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT
from xlsform.check import check_paths, expand_paths

RETURNS = ROOT / "examples/returns/wangcheng"
ONE = RETURNS / "002_wangcheng_party_office.xlsx"


def test_a_file_given_twice_is_checked_once() -> None:
    assert len(expand_paths([RETURNS, ONE])) == 3
    assert len(expand_paths([ONE, ONE])) == 1
    results = list(check_paths([RETURNS, ONE]))
    assert [f for r in results for f in r.findings if f.code == "XF902"] == []


def test_a_file_reached_two_ways_is_checked_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through a link to the file, a link to its folder, or a path with `..` in it: one return."""
    import shutil

    folder = tmp_path / "returns"
    shutil.copytree(RETURNS, folder)
    first = sorted(folder.glob("*.xlsx"))[0]
    (tmp_path / "alias.xlsx").symlink_to(first)
    (tmp_path / "same").symlink_to(folder, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    found = expand_paths([folder, "alias.xlsx", Path("same") / first.name, f"returns/../returns/{first.name}"])
    assert len(found) == len(list(folder.glob("*.xlsx")))


def test_a_link_is_known_as_one_even_where_its_folder_cannot_be_listed(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Which names are links is read from each folder's listing; a folder that cannot be listed (no read
    permission) has each file asked instead, with the same answer."""
    import os

    import xlsform.check as check

    (tmp_path / "alias.xlsx").symlink_to(ONE)
    listing = os.scandir

    def unlistable(folder: str) -> object:
        if Path(folder).resolve() == tmp_path.resolve():
            raise PermissionError(13, "Permission denied", folder)
        return listing(folder)

    monkeypatch.setattr(check.os, "scandir", unlistable)
    assert check._links(str(tmp_path)) is None
    assert expand_paths([ONE, tmp_path / "alias.xlsx"]) == [ONE]
