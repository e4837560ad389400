"""The ledger: one row per distinct file content in the round's store; concurrent runs and kills never hurt it."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from tests.conftest import ROOT
from xlsform.codes import Finding
from xlsform.ledger import LEDGER_NAME, LEGACY_NAME, append, export_jsonl, ledger_path, read_ledger
from xlsform.records import Record
from xlsform.results import FileResult
from xlsform.store import Store

NOW = datetime(2025, 3, 6, 9, 0, tzinfo=UTC)


def res(file: Path, sha: str, errors: int = 0) -> FileResult:
    record = Record(spec_id="wangcheng", spec_version="2020.1", values={"code": "001"})
    return FileResult(file=str(file), sha256=sha, mtime=1_700_000_000.0, record=record,
                      findings=[Finding("XF401", "error", "x")] * errors)


def test_ledger_lives_in_the_store_beside_the_manifest(tmp_path: Path) -> None:
    assert LEDGER_NAME == "xlsform.sqlite3"
    assert ledger_path(tmp_path / "round" / "manifest.json") == (tmp_path / "round" / LEDGER_NAME).resolve()
    assert ledger_path(tmp_path) == (tmp_path / LEDGER_NAME).resolve()     # --manifest given as its folder


def test_entries_record_what_arrived(tmp_path: Path) -> None:
    path = tmp_path / LEDGER_NAME
    assert append(path, [res(tmp_path / "a.xlsx", "aa", errors=2)], {str(tmp_path / "a.xlsx"): "001"}, NOW) == 1
    [entry] = read_ledger(path)
    assert entry["time"] == "2025-03-06T09:00:00+00:00"
    assert entry["file"] == (tmp_path / "a.xlsx").resolve().as_posix()
    assert (entry["sha256"], entry["unit"], entry["spec"]) == ("aa", "001", "wangcheng 2020.1")
    assert (entry["status"], entry["errors"], entry["warnings"]) == ("errors", 2, 0)
    assert entry["arrived"].startswith("2023-11-1")


def test_rerun_adds_no_duplicates_but_new_content_is_added(tmp_path: Path) -> None:
    path = tmp_path / LEDGER_NAME
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert append(path, [res(a, "aa"), res(b, "bb")]) == 2
    assert append(path, [res(a, "aa"), res(b, "bb")]) == 0
    assert append(path, [res(a, "aa2"), res(a, "aa2")]) == 1      # corrected file, same name: one new entry
    assert [e["sha256"] for e in read_ledger(path)] == ["aa", "bb", "aa2"]


def test_a_file_that_could_not_be_hashed_is_recorded_once(tmp_path: Path) -> None:
    path = tmp_path / LEDGER_NAME
    gone = FileResult(file=str(tmp_path / "gone.xlsx"))
    assert append(path, [gone]) == 1 and append(path, [gone]) == 0
    assert read_ledger(path)[0]["sha256"] is None


def test_missing_ledger_is_empty(tmp_path: Path) -> None:
    assert read_ledger(tmp_path / "none.sqlite3") == []
    assert append(tmp_path / "new" / LEDGER_NAME, []) == 0
    assert not (tmp_path / "new" / LEDGER_NAME).exists()


def test_a_jsonl_ledger_of_an_earlier_version_is_taken_over_once(tmp_path: Path) -> None:
    old = [{"format": "xlsform.ledger/1", "time": "2025-01-01T00:00:00+00:00", "file": "/r/a.xlsx",
            "sha256": "aa", "arrived": None, "unit": "001", "spec": None, "status": "ok", "errors": 0,
            "warnings": 0}]
    hand_edited = {"file": "/r/z.xlsx", "errors": "two", "status": None}
    (tmp_path / LEGACY_NAME).write_text(json.dumps(old[0]) + "\n" + json.dumps(hand_edited) + "\n" + '{"file": "half',
                                        encoding="utf-8")
    path = tmp_path / LEDGER_NAME
    assert append(path, [res(tmp_path / "b.xlsx", "bb")]) == 1
    assert append(path, [res(tmp_path / "c.xlsx", "cc")]) == 1          # the old file is not read again
    assert [e["sha256"] for e in read_ledger(path)] == ["aa", None, "bb", "cc"]
    out = io.StringIO()
    assert export_jsonl(path, out) == 4
    assert json.loads(out.getvalue().splitlines()[0])["file"] == "/r/a.xlsx"


def _append_batch(path: str) -> int:
    return append(path, [res(Path(f"/returns/{i:03}.xlsx"), f"{i:064x}") for i in range(240)])


def test_concurrent_runs_never_duplicate_an_entry(tmp_path: Path) -> None:
    """Six runs over the same 240 files at once used to write 400 lines: the unique key keeps 240."""
    path = str(tmp_path / LEDGER_NAME)
    with ProcessPoolExecutor(6) as pool:
        added = list(pool.map(_append_batch, [path] * 6))
    assert sum(added) == 240
    assert len(read_ledger(path)) == 240


_WRITER = """
import sys
from pathlib import Path
from xlsform.ledger import append
from xlsform.results import FileResult
i = 0
print("ready", flush=True)
while True:
    append(sys.argv[1], [FileResult(file=f"/r/{i}-{j}.xlsx", sha256=f"{i:032x}{j:032x}") for j in range(20)])
    i += 1
"""


def test_kill_9_during_appends_leaves_whole_entries_and_a_sound_database(tmp_path: Path) -> None:
    path = tmp_path / LEDGER_NAME
    proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(path)], cwd=ROOT, stdout=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(read_ledger(path)) < 100:
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
    entries = read_ledger(path)
    assert len(entries) >= 100 and len(entries) % 20 == 0     # a batch is one transaction: all or nothing
    assert all(e["file"] and e["sha256"] and e["status"] == "unreadable" for e in entries)
    with Store(path) as store:
        assert store.integrity_check() == "ok"
    assert append(path, [res(tmp_path / "after.xlsx", "ff")]) == 1


def test_two_status_commands_at_once_record_each_file_once(tmp_path: Path) -> None:
    """The CLI end to end: two `xlsform status` processes over the same returns at the same moment."""
    import shutil

    returns = ROOT / "examples/returns/wangcheng"
    shutil.copy(returns / "manifest.json", tmp_path / "manifest.json")
    cmd = [sys.executable, "-m", "xlsform", "status", str(returns), "--manifest", str(tmp_path / "manifest.json"),
           "--jobs", "1"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for _ in range(2)]
    assert [p.wait(120) for p in procs] == [0, 0]
    assert len(read_ledger(tmp_path / LEDGER_NAME)) == 3


def test_the_ledger_command_exports_json_lines(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from xlsform.cli import main

    def run(*args: str) -> tuple[int, str]:
        out = CliRunner().invoke(main, ["ledger", "--manifest", str(tmp_path), *args])
        return out.exit_code, out.output

    code, text = run()
    assert code == 2 and "尚未运行过" in text
    append(tmp_path / LEDGER_NAME, [res(tmp_path / "a.xlsx", "aa"), res(tmp_path / "b.xlsx", "bb")])
    code, text = run()
    assert code == 0 and [json.loads(x)["sha256"] for x in text.splitlines()] == ["aa", "bb"]
    target = tmp_path / "export.jsonl"
    assert run("-o", str(target))[0] == 0 and len(target.read_text(encoding="utf-8").splitlines()) == 2
    assert run("-o", str(target))[0] == 2                      # never overwritten without --force
    # issue 15.18: CSV as well, for the office's spreadsheet (UTF-8 with BOM, Chinese headers)
    csv_file = tmp_path / "登记簿.csv"
    assert run("-o", str(csv_file))[0] == 0
    lines = csv_file.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("记录时间,文件,SHA-256,到达时间,单位编码") and len(lines) == 3
    assert csv_file.read_bytes().startswith(b"\xef\xbb\xbf") and ",aa," in lines[1]
    code, text = run("--format", "csv")
    assert code == 0 and text.splitlines()[1:] == lines[1:]


def test_the_csv_export_reads_as_the_clerk_reads_status(tmp_path: Path) -> None:
    """Trial of the whole round (round-qa): the CSV for the office's spreadsheet had 状态 "errors"/"warnings"
    and times as 2026-12-06T11:36:04+00:00 (UTC), where status shows 有错误 and the local clock."""
    import io
    import re

    from xlsform.ledger import export_csv

    append(tmp_path / LEDGER_NAME, [res(tmp_path / "a.xlsx", "aa", errors=1), res(tmp_path / "b.xlsx", "bb")])
    out = io.BytesIO()
    assert export_csv(tmp_path / LEDGER_NAME, out) == 2
    rows = out.getvalue().decode("utf-8-sig").splitlines()[1:]
    assert [r.split(",")[6] for r in rows] == ["有错误", "已通过"]
    for r in rows:
        recorded, _file, _sha, arrived = r.split(",")[:4]
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", recorded) and re.fullmatch(
            r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", arrived), r
