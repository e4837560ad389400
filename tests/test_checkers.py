"""The collection service's checking processes (`xlsform.serve.collect.checkers`): the same answers as a check in the
server's thread, a bounded pool, a stuck or crashed worker replaced and its file refused with XF901, and
workers that end with the server and hold nothing of its (the stderr a supervisor reads)."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.helpers_serve import Round
from xlsform.errors import XlsformError
from xlsform.manifest import Manifest
from xlsform.serve.collect.checkers import Busy, Died, Processes, read_answer, serve_requests, write_answer
from xlsform.serve.collect.intake import Intake
from xlsform.serve.collect.worker import handler
from xlsform.store import Store, store_path

ROOT = Path(__file__).resolve().parent.parent




@pytest.fixture
def pool(made: Round) -> Iterator[Processes]:
    checks = Processes(made.manifest, processes=1, wait=0.2, timeout=60)
    yield checks
    checks.close()


def upload(rnd: Round, name: str, code: str) -> dict[str, Any]:
    return {"op": "upload", "path": str(rnd.returns[name]), "name": f"{name}.xlsx", "unit": [code, "单位"]}


@contextmanager
def one_unit(rnd: Round, **options: Any) -> Iterator[tuple[Store, Intake, Any]]:
    """The round's store with its one unit 430112001, an intake of one checking process over it, and the unit."""
    with Store(store_path(rnd.manifest)) as store:
        store.sync_units([("430112001", "单位")])
        intake = Intake(store, Manifest.load(rnd.manifest), max_bytes=1 << 20, processes=1, timeout=60, **options)
        try:
            unit = store.unit("430112001")
            assert unit is not None
            yield store, intake, unit
        finally:
            intake.close()


def test_a_worker_answers_exactly_what_the_servers_thread_would(made: Round, pool: Processes) -> None:
    here = handler(Manifest.load(made.manifest))
    for name, code in (("clean", "430112001"), ("invalid", "430112004"), ("errors", "430112001"),
                       ("clean", "430112002"), ("zhuzhou", "430112001")):
        request = upload(made, name, code)
        assert pool.call(request) == here(request), name
    refused = pool.call(upload(made, "clean", "430112002"))
    assert refused["state"] == "refused" and "不是本单位" in refused["message"]


def test_a_crashed_worker_is_replaced_before_the_next_file(made: Round, pool: Processes) -> None:
    with pool.slot() as worker:
        assert worker.proc is not None
        worker.proc.kill()
        worker.proc.wait()
    assert pool.call(upload(made, "clean", "430112001"))["state"] == "ok"


@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="stops the worker with SIGSTOP")
def test_a_file_over_the_time_limit_is_stopped_and_refused_with_xf901(rnd: Round) -> None:
    with one_unit(rnd) as (store, intake, unit):
        with rnd.returns["clean"].open("rb") as fh:
            assert intake.submit(unit, "a.xlsx", fh).state == "ok"
        assert isinstance(intake.checks, Processes)
        intake.checks.timeout = 1
        [worker] = list(intake.checks._idle.queue)
        assert worker.proc is not None
        os.kill(worker.proc.pid, signal.SIGSTOP)        # stuck for sure, however fast or loaded the machine
        with rnd.returns["clean"].open("rb") as fh:
            stuck = intake.submit(unit, "b.xlsx", fh)
        answer = json.loads(stuck.text)
        assert stuck.state == "refused" and stuck.http_status == 422
        assert answer["findings"][0]["code"] == "XF901" and "秒仍未完成" in answer["findings"][0]["message"]
        assert store.unit("430112001").filename == "a.xlsx"        # the accepted return stays
        intake.checks.timeout = 60
        with rnd.returns["clean"].open("rb") as fh:                # a fresh worker takes the next file
            assert intake.submit(unit, "c.xlsx", fh).state == "ok"


def test_a_busy_pool_refuses_after_waiting(made: Round, pool: Processes) -> None:
    with pool.slot():
        start = time.monotonic()
        with pytest.raises(Busy):
            pool.call(upload(made, "clean", "430112001"))
        assert 0.15 < time.monotonic() - start < 5


def test_answers_survive_the_pipe_with_any_text_and_a_failing_request_costs_only_itself() -> None:
    def handle(request: dict[str, Any]) -> dict[str, Any]:
        if request["n"] == 1:
            raise KeyError("boom")
        return {"state": "ok", "text": "单元格 H42 “\n\u2028\U0001f600”\udc80"}

    answers = io.BytesIO()
    serve_requests(handle, io.BytesIO(b'{"n": 0}\n{"n": 1}\n{"n": 2}\n'), answers)
    answers.seek(0)
    first, failed, last = (read_answer(answers) for _ in range(3))
    assert first == last == {"state": "ok", "text": "单元格 H42 “\n\u2028\U0001f600”?"}
    assert failed == {"failed": "KeyError: 'boom'"}
    assert read_answer(answers) is None
    cut = io.BytesIO()
    write_answer(cut, {"state": "ok", "text": "一段文字"})
    assert read_answer(io.BytesIO(cut.getvalue()[:-2])) is None                    # the worker died mid-answer


def test_an_overrun_ends_the_wait_instead_of_hanging(made: Round, pool: Processes) -> None:
    pool.timeout = 0.001
    with pytest.raises(Died, match="秒仍未完成"):
        pool.call(upload(made, "clean", "430112001"))


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_workers_have_a_memory_ceiling(made: Round, pool: Processes) -> None:
    pool.call(upload(made, "clean", "430112001"))            # the worker has started and set its limits
    with pool.slot() as worker:
        assert worker.proc is not None
        limits = Path(f"/proc/{worker.proc.pid}/limits").read_text()
    line = next(x for x in limits.splitlines() if x.startswith("Max address space"))
    assert line.split()[3] == str(1 << 30)


@pytest.mark.skipif(sys.platform != "linux", reason="kill -9, reads /proc")
def test_workers_end_with_a_killed_server_and_do_not_hold_its_stderr(made: Round) -> None:
    script = textwrap.dedent(f"""
        import sys, time
        from xlsform.serve.collect.checkers import Processes
        pool = Processes({str(made.manifest)!r}, processes=2, wait=5, timeout=60)
        print("server log line", file=sys.stderr, flush=True)       # before the test may kill us
        print(*(w.proc.pid for w in list(pool._idle.queue)), flush=True)
        time.sleep(120)
    """)
    server = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert server.stdout is not None and server.stderr is not None
    pids = [int(p) for p in server.stdout.readline().split()]
    assert len(pids) == 2
    server.kill()
    server.wait()
    log: list[bytes] = []
    reader = threading.Thread(target=lambda: log.append(server.stderr.read()), daemon=True)   # type: ignore[union-attr]
    reader.start()
    reader.join(20)
    assert not reader.is_alive(), "a worker kept the killed server's stderr open"
    assert b"server log line" in log[0]
    server.stdout.close()
    server.stderr.close()
    deadline = time.monotonic() + 20
    while any(_running(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_running(p) for p in pids)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_worker_that_cannot_start_is_an_error_at_start_with_its_reason_logged(tmp_path: Path) -> None:
    log = tmp_path / "checkers.log"
    with pytest.raises(XlsformError, match="检查进程无法启动") as refused:
        Processes(tmp_path / "no-such-manifest.json", processes=1, wait=1, timeout=30, log=log)
    assert str(log) in str(refused.value)
    assert "no-such-manifest.json" in log.read_text(encoding="utf-8", errors="replace")


def test_hostile_parts_get_their_own_finding_in_a_worker_under_its_memory_ceiling(made: Round, pool: Processes,
                                                                                 tmp_path: Path) -> None:
    from tests.test_qa_budget import BOMBS, NEAR, _replace

    base = made.returns["clean"].read_bytes()
    for name, (part, body) in {**BOMBS, **NEAR}.items():
        path = tmp_path / f"{len(name)}-{abs(hash(name))}.xlsx"
        path.write_bytes(_replace(base, part, body()))
        answer = json.loads(pool.call({"op": "upload", "path": str(path), "name": "x.xlsx",
                                       "unit": ["430112001", "单位"]})["text"])
        codes = {f["code"] for f in answer["findings"]}
        assert "XF901" not in codes, (name, answer)
        assert ("XF116" in codes) == (name in BOMBS), (name, codes)


def test_the_summary_is_built_in_a_worker_as_the_server_would_build_it(rnd: Round) -> None:
    import openpyxl

    from xlsform.serve.collect.downloads import write_summary_of

    with Store(store_path(rnd.manifest)) as store:
        store.sync_units([("430112001", "单位甲"), ("430112004", "单位乙")])
        manifest = Manifest.load(rnd.manifest)
        intake = Intake(store, manifest, max_bytes=1 << 20, processes=1)
        try:
            for code, name in (("430112001", "clean"), ("430112004", "invalid")):
                unit = store.unit(code)
                assert unit is not None
                with rnd.returns[name].open("rb") as fh:
                    intake.submit(unit, f"{name}.xlsx", fh)
            built = intake.summary()
        finally:
            intake.close()
        here = io.BytesIO()
        write_summary_of(store, manifest, here)

    def cells(data: bytes) -> list[list[object]]:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        return [[c.value for c in row] for ws in book for row in ws.iter_rows()]

    assert cells(built) == cells(here.getvalue())
    assert any("clean.xlsx" in map(str, row) for row in cells(built))


def test_an_upload_whose_bytes_cannot_reach_the_disk_keeps_nothing(rnd: Round,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The fsync runs beside the check: when it fails (a full or failing disk) the upload fails whatever the
    check said — no file under its hash, no temporary, no row — and the next upload is checked as usual."""
    import xlsform.store

    with one_unit(rnd) as (store, intake, unit):
        def full(fd: int) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(xlsform.store.os, "fsync", full)
        with rnd.returns["clean"].open("rb") as fh, pytest.raises(OSError, match="No space"):
            intake.submit(unit, "a.xlsx", fh)
        monkeypatch.undo()
        assert [p for p in store.files_dir.rglob("*") if p.is_file()] == [] and store.submissions() == []
        assert not store._pending
        with rnd.returns["clean"].open("rb") as fh:
            assert intake.submit(unit, "b.xlsx", fh).state == "ok"


def test_a_busy_refusal_leaves_neither_a_file_nor_a_temporary(rnd: Round) -> None:
    """An upload the pool has no room for (503) is not kept: before, its file stayed in the store under its
    hash with no row naming it, and marked in use for ever (never pruned)."""
    with one_unit(rnd, wait=0.1) as (store, intake, unit):
        assert isinstance(intake.checks, Processes)
        with intake.checks.slot(), rnd.returns["clean"].open("rb") as fh, pytest.raises(Busy):
            intake.submit(unit, "a.xlsx", fh)
        assert [p for p in store.files_dir.rglob("*") if p.is_file()] == []
        assert not store._pending
        with rnd.returns["clean"].open("rb") as fh:
            done = intake.submit(unit, "b.xlsx", fh)
        assert done.state == "ok" and not store._pending
        assert [p.name for p in store.files_dir.rglob("*") if p.is_file()] == [
            f"{store.submission(done.submission).sha256}.xlsx"]                          # type: ignore[union-attr]



def test_the_watchdog_fires_what_overruns_and_nothing_disarmed() -> None:
    """One thread bounds every check (a timer thread a check cost each upload a thread start): a shorter limit
    armed while it waits for a longer one still fires on time; a disarmed one never fires."""
    from xlsform.serve.collect.checkers import _Watchdog

    dog, fired, wrong = _Watchdog(), threading.Event(), []
    long = dog.arm(60, lambda: wrong.append("the long one"))
    time.sleep(0.05)                              # the thread now waits for the long one
    gone = dog.arm(0.05, lambda: wrong.append("a disarmed one"))
    dog.disarm(gone)
    start = time.monotonic()
    dog.arm(0.1, fired.set)
    assert fired.wait(10) and time.monotonic() - start < 5
    time.sleep(0.1)
    dog.disarm(long)
    assert wrong == []


def test_a_worker_grown_large_is_replaced_after_its_answer(made: Round, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large file's check left its process that large for the rest of the round (the allocator keeps the
    memory): a worker whose peak passed the limit says so with its answer and ends, and a fresh one takes its
    place at once — every answer still arrives, none is an XF901. (The limit made tiny: every check retires.)"""
    monkeypatch.setenv("XLSFORM_RETIRE_MB", "1")
    checks = Processes(made.manifest, processes=1, wait=5, timeout=60)
    try:
        pids = []
        for _ in range(3):
            [worker] = list(checks._idle.queue)
            assert worker.proc is not None
            pids.append(worker.proc.pid)
            got = checks.call(upload(made, "clean", "430112001"))
            assert got["state"] == "ok" and "retire" not in got, got
        assert len(set(pids)) == 3
    finally:
        checks.close()


def test_the_retiring_answer_is_the_last_one_a_worker_gives() -> None:
    answers = io.BytesIO()
    serve_requests(lambda r: {"n": r["n"]}, io.BytesIO(b'{"n": 0}\n{"n": 1}\n{"n": 2}\n'), answers,
                   retire=lambda: True)
    answers.seek(0)
    assert read_answer(answers) == {"n": 0, "retire": True} and read_answer(answers) is None
