"""QA (issue 10, point 7): writing fails cleanly. A full disk or a file-size limit while writing is a Chinese
error with exit 2, the old output kept and no temporary file left; temporary files a killed run left are
removed by the next run; an output path that is also an input is refused."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tests.conftest import ROOT, load_seed
from tests.helpers_forms import fill_values, write_return
from xlsform.cli import main
from xlsform.errors import XlsformError
from xlsform.fsutil import atomic_output, sweep_temps, write_atomic

RETURNS = ROOT / "examples/returns/wangcheng"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="RLIMIT_FSIZE is POSIX")
def test_a_file_size_limit_during_merge_keeps_the_old_summary(tmp_path: Path) -> None:
    out = tmp_path / "汇总.xlsx"
    out.write_bytes(b"the summary of yesterday")
    child = ("import resource, sys\nresource.setrlimit(resource.RLIMIT_FSIZE, (8000, 8000))\n"
             "from xlsform.cli import main\nmain(sys.argv[1:])")
    res = subprocess.run([sys.executable, "-c", child, "merge", str(RETURNS), "-o", str(out), "--force",
                          "--no-ledger", "-j", "1"], capture_output=True, text=True, timeout=120)
    assert res.returncode == 2, res.stderr
    assert "超出文件大小上限" in res.stderr and "原有文件未改动" in res.stderr
    assert "Traceback" not in res.stderr and "Exception ignored" not in res.stderr
    assert out.read_bytes() == b"the summary of yesterday"
    assert temps(tmp_path) == []


def test_a_full_disk_during_merge_is_a_chinese_error_with_exit_2(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "汇总.xlsx"
    out.write_bytes(b"old")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    res = run("merge", RETURNS, "-o", out, "--force", "--no-ledger", "-j", "1")
    assert res.exit_code == 2
    assert "磁盘空间不足" in res.output and "原有文件未改动" in res.output
    assert out.read_bytes() == b"old" and temps(tmp_path) == []


def test_a_write_refused_inside_a_library_is_reported_and_cleaned_up(tmp_path: Path) -> None:
    """xlsxwriter wraps the OSError in its own FileCreateError; a zip writer left behind stays quiet."""
    import xlsxwriter

    class Full:
        """The disk fills at the first write; later writes (a zip writer collected) find room again."""

        def __init__(self, fh: Any) -> None:
            self.fh, self.full = fh, True

        def write(self, data: bytes) -> int:
            if self.full:
                self.full = False
                raise OSError(errno.ENOSPC, "No space left on device")
            return int(self.fh.write(data))

        def __getattr__(self, name: str) -> object:
            return getattr(self.fh, name)

    def writer(fh: object) -> None:
        wb = xlsxwriter.Workbook(Full(fh), {"in_memory": True})
        wb.add_worksheet().write(0, 0, "x")
        wb.close()

    with pytest.raises(XlsformError, match="磁盘空间不足"):
        write_atomic(tmp_path / "a.xlsx", writer)
    assert temps(tmp_path) == [] and not (tmp_path / "a.xlsx").exists()


def test_other_errors_pass_through_and_leave_no_temp(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="boom"), atomic_output(tmp_path / "a.csv") as fh:
        fh.write(b"half")
        raise ValueError("boom")
    assert list(tmp_path.iterdir()) == []


def test_temps_of_a_killed_run_are_removed_by_the_next(tmp_path: Path) -> None:
    child = ("import sys, time\nfrom xlsform.fsutil import atomic_output\n"
             "with atomic_output(sys.argv[1]) as fh:\n    fh.write(b'half'); fh.flush(); print('ready', flush=True)"
             "\n    time.sleep(60)")
    procs = [subprocess.Popen([sys.executable, "-c", child, str(tmp_path / f"out{i}.xlsx")],
                              stdout=subprocess.PIPE, text=True) for i in range(3)]
    for p in procs:                 # all writing before any is killed: each run sweeps the folder first
        assert p.stdout is not None and p.stdout.readline() == "ready\n"
    for p in procs:
        p.send_signal(signal.SIGKILL)
        p.wait()
        assert p.stdout is not None
        p.stdout.close()
    assert len(temps(tmp_path)) == 3
    mine = tmp_path / f".out9.xlsx.abcdefgh.xf{os.getpid()}.part"            # a live run's: kept
    old = tmp_path / ".out8.xlsx.abcdefgh.part"                              # an older version's, hours old
    young = tmp_path / ".out7.xlsx.abcdefgh.part"                            # ... and one being written now
    other = tmp_path / ".notes.part"                                         # not a name we give: kept
    for p in (mine, old, young, other):
        p.write_bytes(b"")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    with atomic_output(tmp_path / "out0.xlsx", force=True) as fh:
        fh.write(b"whole")
    assert temps(tmp_path) == sorted(p.name for p in (mine, young, other))
    assert (tmp_path / "out0.xlsx").read_bytes() == b"whole"
    sweep_temps(tmp_path)                                                    # once per folder and process
    assert len(temps(tmp_path)) == 3


def test_merge_refuses_to_overwrite_a_return_it_reads(tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    victim = write_return(returns / "a.xlsx", fill_values(load_seed("000")))
    before = victim.read_bytes()
    for inputs in ([returns], [victim], [returns, tmp_path / "returns" / "a.xlsx"]):
        res = run("merge", *inputs, "-o", victim, "--force", "--no-ledger")
        assert res.exit_code == 2 and "同时是要读取的报送表" in res.output
    assert victim.read_bytes() == before
    summary = returns / "汇总.xlsx"             # merge's own earlier summary in the folder is still replaced
    assert run("merge", returns, "-o", summary, "--no-ledger").exit_code == 0
    assert run("merge", returns, "-o", summary, "--force", "--no-ledger").exit_code == 0


def _small_files(kb: int) -> Any:
    def limit() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)          # a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (kb * 1024, kb * 1024))
    return limit


def test_a_full_disk_costs_merge_and_status_one_clean_message(tmp_path: Path) -> None:
    """Issue 15.21: merge printed 「Exception ignored in ZipFile.__del__」 before its exit-2 message; status said
    本次未记录 and then 登记簿新增 0 条记录, and left a 0-byte xlsform.sqlite3 behind."""
    import shutil

    folder = tmp_path / "round"
    shutil.copytree(RETURNS, folder, ignore=shutil.ignore_patterns("xlsform.sqlite3*"))
    base = [sys.executable, "-m", "xlsform"]
    merge = subprocess.run([*base, "merge", str(folder), "--manifest", str(folder / "manifest.json"), "-o",
                            str(tmp_path / "汇总.xlsx")], capture_output=True, text=True, timeout=120, cwd=ROOT,
                           preexec_fn=_small_files(20))
    assert merge.returncode == 2 and "Exception ignored" not in merge.stderr and "Traceback" not in merge.stderr
    assert "超出文件大小上限" in merge.stderr and not (tmp_path / "汇总.xlsx").exists()
    status = subprocess.run([*base, "status", str(folder), "--manifest", str(folder / "manifest.json")],
                            capture_output=True, text=True, timeout=120, cwd=ROOT, preexec_fn=_small_files(4))
    assert status.returncode == 0 and "本次未记录" in status.stderr and "登记簿新增" not in status.stderr
    assert not list(folder.glob("xlsform.sqlite3*"))


def test_a_failed_record_never_removes_a_store_another_run_recorded_in(tmp_path: Path, monkeypatch: Any) -> None:
    """Two `status`/`merge` runs starting a round's ledger at once: the one whose write failed removed the store
    it thought it had made, with the rows the other run had recorded (it only looked whether the file existed
    before). Now only the run that made the file (O_EXCL) removes it, and only while no row is in it."""
    from xlsform import ledger
    from xlsform.cli.merge import Round
    from xlsform.status import Assignment
    from xlsform.store import Store

    roster = tmp_path / "roster.csv"
    roster.write_text("code,name\n430112901,甲单位\n", encoding="utf-8")
    rnd = Round(None, roster, "wangcheng")
    path = ledger.ledger_path(roster)

    def the_other_run_records_first(*args: Any, **kw: Any) -> int:
        Store(path).close()
        with __import__("sqlite3").connect(path) as db:
            db.execute("INSERT INTO ledger (time, file, status, errors, warnings) VALUES ('t', 'f', 'ok', 0, 0)")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ledger, "append", the_other_run_records_first)
    assert rnd.record([], Assignment([])) is None
    assert path.exists()                                       # kept: the other run's rows are in it

    path.unlink()
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)

    def no_space(*args: Any, **kw: Any) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ledger, "append", no_space)
    assert rnd.record([], Assignment([])) is None
    assert not path.exists()                                   # this run made it and wrote nothing: removed
