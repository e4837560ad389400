"""The checking processes of a batch (xlsform.forkpool): results in order, a death costs only its chunk, no pipe
ever makes the command and a process wait for each other, and no process outlives the batch."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from xlsform import forkpool

pytestmark = pytest.mark.skipif(not forkpool.AVAILABLE, reason="forks its processes (POSIX, not macOS)")


@contextmanager
def within(seconds: int) -> Iterator[None]:
    """Fail instead of hanging: a pool whose pipes wait for each other never ends on its own."""
    def late(*_: Any) -> None:
        raise TimeoutError(f"not done within {seconds} s")

    old = signal.signal(signal.SIGALRM, late)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _children() -> list[int]:
    me = os.getpid()
    return [int(c) for c in Path(f"/proc/{me}/task/{me}/children").read_text().split()]


def _each(f: Any) -> Any:
    """The work of a chunk: `f` of each item."""
    return lambda chunk: [f(x) for x in chunk]


def _square(x: int) -> int:
    return x * x


def _dies_on_7(x: int) -> int:
    if x == 7:
        os._exit(9)       # as a process killed for memory would
    return x * x


def _fails_on_7(x: int) -> int:
    if x == 7:
        raise RuntimeError("a bug of ours")
    return x * x


def _echo_large(text: str) -> str:
    return text * 8


def test_results_come_in_the_chunks_order_whatever_process_made_them() -> None:
    chunks = [list(range(i, i + (i % 5) + 1)) for i in range(0, 300, 6)]
    with within(60):
        got = list(forkpool.ordered(_each(_square), chunks, 2))
    assert got == [[x * x for x in chunk] for chunk in chunks]


def _slow_first(chunk: list[int]) -> list[int]:
    import time

    if 0 in chunk:
        time.sleep(0.3)     # the chunk to yield first comes last: the others are done and wait behind it
    return [x * x for x in chunk]


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_next_chunk_is_always_given_when_the_window_moves(jobs: int) -> None:
    # once every chunk given out has come back, the next ones must be given with the window where the yields
    # moved it; given with the window before them, nobody held anything and the command waited forever
    chunks = [[0], [1], [2], [3], [4], [5], [6]]
    for ahead in (1, 2):
        with within(30):
            assert list(forkpool.ordered(_slow_first, chunks, jobs, ahead=ahead)) == \
                [[x * x for x in c] for c in chunks]


def test_a_process_that_dies_costs_its_chunk_and_the_rest_is_done() -> None:
    chunks = [[1, 2], [3, 4, 7, 5], [6], [8, 9], [10], [11, 12], [13]]
    with within(60):
        got = list(forkpool.ordered(_each(_dies_on_7), chunks, 2))
    assert got[1] is None
    assert [g for i, g in enumerate(got) if i != 1] == [[x * x for x in c] for i, c in enumerate(chunks) if i != 1]


def test_a_bug_in_the_work_is_said_and_costs_its_chunk(capfd: pytest.CaptureFixture[str]) -> None:
    with within(60):
        got = list(forkpool.ordered(_each(_fails_on_7), [[1], [7, 2], [3]], 2))
    assert got == [[1], None, [9]]
    assert "RuntimeError: a bug of ours" in capfd.readouterr().err


def test_tasks_and_results_larger_than_a_pipe_do_not_make_anyone_wait_forever() -> None:
    # each task ~400 KB and each result ~3 MB, far beyond a pipe's 64 KB: a process writing its results while
    # the command writes its next task would block both, if the command's writes could block it
    chunks = [[f"{i}" * 200_000, f"{i + 1}" * 200_000] for i in range(0, 20, 2)]
    with within(120):
        got = list(forkpool.ordered(_each(_echo_large), chunks, 2))
    assert got == [[t * 8 for t in chunk] for chunk in chunks]


def test_no_process_outlives_its_batch_even_one_left_early() -> None:
    others = set(_children())     # the session's own (the LibreOffice driver other tests started)
    with within(60):
        assert list(forkpool.ordered(_each(_square), [[1], [2], [3]], 2)) == [[1], [4], [9]]
        assert set(_children()) <= others
        batch = forkpool.ordered(_each(_square), [[i] for i in range(50)], 2)
        assert next(batch) == [0]
        assert set(_children()) - others     # its processes, running
        batch.close()     # the caller stops reading (an exception, Ctrl-C): the processes are ended and waited for
        assert set(_children()) <= others


def test_a_process_writes_nothing_the_command_had_buffered(tmp_path: Path) -> None:
    # what the command had written but not flushed is flushed once, by the command, not again by each process
    import subprocess

    code = ("import sys\nfrom xlsform import forkpool\nsys.stdout.write('once\\n')\n"
            "print(list(forkpool.ordered(lambda c: [abs(x) for x in c], [[-1], [-2]], 2)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         stdin=subprocess.DEVNULL)
    assert out.stdout.splitlines() == ["once", "[[1], [2]]"]


def test_a_command_holding_many_files_still_runs_its_processes() -> None:
    # a server with a thousand connections open: the pipes' descriptors are beyond select's 1,024
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 2048:
        pytest.skip("cannot hold 1,100 files here")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 2048), hard))
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    try:
        with within(60):
            assert list(forkpool.ordered(_each(_square), [[1], [2], [3]], 2)) == [[1], [4], [9]]
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_no_order_of_answers_leaves_the_command_waiting_on_no_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The window's logic alone, the processes simulated: 300 orders of answers the pipes allow (each busy
    process answers one chunk or none a step; the chunk to yield next the slowest, so the others run ahead to
    the window's end and hold nothing). Every chunk comes back in order, and no step waits with nothing held
    (the version that gave chunks before the yields did, in 1 order of ~25)."""
    import itertools
    import random

    monkeypatch.setattr(forkpool, "_write", lambda proc: proc.out.clear())
    monkeypatch.setattr(forkpool, "_end", lambda procs: None)
    for seed in range(300):
        rnd = random.Random(seed)
        pids = itertools.count(1)
        monkeypatch.setattr(forkpool, "_fork", lambda work, pids=pids: forkpool._Process(next(pids), -1, -1))

        def step(procs: list[Any], done: dict[int, Any], waiting: Any, rnd: random.Random = rnd) -> None:
            busy = [p for p in procs if p.held]
            assert busy, "a wait with nothing held: forever"
            head = min(i for p in busy for i in p.held)
            some = [p for p in busy if rnd.random() < (0.1 if head in p.held else 0.7)] or [rnd.choice(busy)]
            for p in some:
                index = p.held.popleft()
                done[index] = [index]

        monkeypatch.setattr(forkpool, "_step", step)
        assert list(forkpool.ordered(None, [[i] for i in range(40)], 2)) == [[i] for i in range(40)], seed
