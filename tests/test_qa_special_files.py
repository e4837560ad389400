"""QA (issue 10, point 3): only regular files are read. A FIFO, a device or a socket named on the command line
or lying in a returns folder gets a finding instead of hanging the batch, and a folder that cannot be listed
is reported instead of skipped without a word."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import load_seed
from tests.helpers_forms import fill_values, write_return
from xlsform.check import check_paths
from xlsform.cli import main
from xlsform.reader import read_file, walk_returns

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")


def test_a_fifo_named_on_the_command_line_is_a_finding_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "return.xlsx"
    os.mkfifo(fifo)
    # in a child with a timeout: the old reader blocked in open() forever
    out = subprocess.run([sys.executable, "-m", "xlsform", "check", "--json", str(fifo)], capture_output=True,
                         timeout=60, text=True, cwd=Path(__file__).parent.parent)
    assert out.returncode == 1, out.stderr
    [report] = json.loads(out.stdout)
    assert [(f["code"], f["value"]) for f in report["findings"]] == [("XF117", "命名管道")]


def test_devices_and_sockets_are_findings(tmp_path: Path) -> None:
    assert [(f.code, f.value) for f in read_file("/dev/zero").findings] == [("XF117", "字符设备")]
    path = tmp_path / "s.xlsx"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        assert [(f.code, f.value) for f in read_file(path).findings] == [("XF117", "套接字")]


def test_a_fifo_in_a_returns_folder_gets_its_finding(tmp_path: Path) -> None:
    write_return(tmp_path / "a.xlsx", fill_values(load_seed("000")))
    os.mkfifo(tmp_path / "b.xlsx")
    results = list(check_paths([tmp_path]))
    assert [Path(r.file).name for r in results] == ["a.xlsx", "b.xlsx"]
    assert [f.code for f in results[1].findings] == ["XF117"]


def test_an_unreadable_subfolder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_return(tmp_path / "a.xlsx", fill_values(load_seed("000")))
    locked = tmp_path / "乙单位"
    locked.mkdir()
    (locked / "b.xlsx").write_bytes(b"")
    scandir = os.scandir

    def refusing(path: str | os.PathLike[str]) -> object:     # chmod 000 does not stop root, who runs CI
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    assert list(walk_returns([tmp_path])) == [tmp_path / "a.xlsx", locked]
    res = CliRunner().invoke(main, ["check", str(tmp_path), "--json"], catch_exceptions=False)
    reports = {Path(r["file"]).name: r for r in json.loads(res.stdout)}
    [finding] = reports["乙单位"]["findings"]
    assert (finding["code"], finding["value"]) == ("XF904", "没有读取权限")
    assert res.exit_code == 1


def test_a_symlink_loop_in_the_returns_folder_is_one_finding_and_the_batch_goes_on(tmp_path: Path) -> None:
    """Issue 15.19: `ln -s loop.xlsx returns/loop.xlsx` killed check, status and merge for the whole batch
    (RuntimeError from Path.resolve, a regression)."""
    from tests.conftest import ROOT

    returns = tmp_path / "returns"
    write_return(returns / "000.xlsx", load_seed("000"))
    (returns / "loop.xlsx").symlink_to("loop.xlsx")
    manifest = str(ROOT / "examples/returns/wangcheng/manifest.json")
    res = CliRunner().invoke(main, ["check", str(returns), "--json"])
    by_name = {Path(o["file"]).name: o for o in json.loads(res.stdout)}
    assert res.exit_code == 1 and [f["code"] for f in by_name["loop.xlsx"]["findings"]] == ["XF109"]
    # said in Chinese: the system's "Too many levels of symbolic links" reached the clerk (acceptance run)
    message = by_name["loop.xlsx"]["findings"][0]["message"]
    assert "循环指向自身的快捷方式" in message and not re.search(r"[A-Za-z]{3,}", message), message
    assert by_name["000.xlsx"]["record"] is not None
    res = CliRunner().invoke(main, ["status", str(returns), "--manifest", manifest, "--no-ledger"])
    assert res.exit_code == 0 and "loop.xlsx" in res.output, res.output
    res = CliRunner().invoke(main, ["merge", str(returns), "--manifest", manifest, "-o", str(tmp_path / "s.xlsx"),
                                    "--no-ledger"])
    assert res.exit_code == 0 and "名单外文件 1 个" in res.output, res.output
