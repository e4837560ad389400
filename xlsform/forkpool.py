"""Checking processes forked from the command, for a batch's files in chunks (POSIX systems that fork).

concurrent.futures' ProcessPoolExecutor does the same with a manager thread, a feeder thread and queues. Its
import (multiprocessing, logging, queues) cost every batch 8-10 ms before the first file was read, and its two
threads took the main process's CPU while the checking processes used every core. Here each process has a
pipe of tasks and a pipe of results, and the main process writes the chunks and reads the results itself.

A process that dies (killed for memory, a crash in a C library) is known by the end of its result pipe. The
chunk it was working on comes back as lost (`ordered` yields None for it), for the caller to check its files
one by one; the chunks it had not started go to the other processes, and a new process takes its place.
A process also ends when the command does, however it ended: it holds no end of any pipe but its own two,
so a command killed outright (SIGKILL, out of memory) leaves it reading the end of its tasks.
"""

from __future__ import annotations

import os
import pickle
import select
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from xlsform.fsutil import write_all

# Where fork is the way to start processes: not Windows (no fork), not macOS (Python starts with "spawn" there:
# some of its system libraries do not survive a fork); those use concurrent.futures.
AVAILABLE = hasattr(os, "fork") and sys.platform != "darwin"

_HEAD = 8   # a message's length, then the pickled message


@dataclass(eq=False)   # never compared: no __eq__ compiled at every start
class _Process:
    """A checking process as the main process sees it: its id, its two pipes' ends, the chunks it holds."""

    pid: int
    tasks: int               # written by the main process, never blocking it (O_NONBLOCK; what waits is `out`)
    results: int             # read by the main process
    held: deque[int] = field(default_factory=deque)    # the indexes of the chunks sent and not yet answered
    out: bytearray = field(default_factory=bytearray)  # tasks not yet taken by the pipe


def ordered(work: Callable[[Any], Any], chunks: Sequence[Sequence[Any]], jobs: int,
            ahead: int = 4) -> Iterator[list[Any] | None]:
    """`work(chunk)` (a list: a result an item) for each chunk, computed in `jobs` forked processes and yielded
    in the chunks' order; None for a chunk whose process died while working on it. Each process holds at most
    two chunks (the next is there when it finishes one), and no chunk is sent more than `ahead` x jobs chunks
    ahead of the next one to yield, so results waiting for an earlier chunk stay few however many files."""
    procs: list[_Process] = []
    done: dict[int, list[Any] | None] = {}
    waiting: deque[int] = deque(range(len(chunks)))      # chunks not sent (or sent to a process that died)
    following = 0
    try:
        while True:
            while following in done:
                yield done.pop(following)
                following += 1
            if following == len(chunks):
                return
            # given after the yields, with the window where they moved it: the next chunk to yield is then
            # always held by a process, which _step waits for
            for proc in procs:
                _give(proc, chunks, waiting, following + ahead * jobs)
            while waiting and len(procs) < jobs:     # each given its chunks before the next is forked
                procs.append(_fork(work))
                _give(procs[-1], chunks, waiting, following + ahead * jobs)
            _step(procs, done, waiting)
    finally:
        _end(procs)


def _give(proc: _Process, chunks: Sequence[Sequence[Any]], waiting: deque[int], before: int) -> None:
    """Up to two chunks for the process to hold, of those waiting whose index is below `before`."""
    while waiting and len(proc.held) < 2 and waiting[0] < before:
        index = waiting.popleft()
        for part in _framed(pickle.dumps(chunks[index], pickle.HIGHEST_PROTOCOL)):
            proc.out += part
        proc.held.append(index)
    _write(proc)


def _write(proc: _Process) -> None:
    """As much of the process's tasks as its pipe takes now (never waiting: see _step)."""
    if proc.out:
        with suppress(BlockingIOError, BrokenPipeError):   # full, or ended: its results pipe says which
            del proc.out[:os.write(proc.tasks, proc.out)]


def _step(procs: list[_Process], done: dict[int, list[Any] | None], waiting: deque[int]) -> None:
    """Wait until a pipe can take tasks or has results: tasks go out as far as the pipe takes them (a process
    busy writing its results is never waited on to read its tasks, so neither waits for the other); each process
    with results gives them, each that ended gives back what it held."""
    busy = [p for p in procs if p.held]
    if not busy:    # nothing to wait for would be waiting forever
        raise RuntimeError("forkpool: no process holds the next chunk")
    # poll, not select: a command holding many files (a server) may have descriptors beyond select's 1,024
    poll = select.poll()
    for proc in busy:
        poll.register(proc.results, select.POLLIN)
        if proc.out:
            poll.register(proc.tasks, select.POLLOUT)
    ready = {fd for fd, _ in poll.poll()}      # an ended pipe is ready too (POLLHUP, POLLERR)
    for proc in busy:
        if proc.tasks in ready:
            _write(proc)
        if proc.results not in ready:
            continue
        message = _receive(proc.results)
        if message is not None:
            done[proc.held.popleft()] = pickle.loads(message)
            continue
        procs.remove(proc)       # it died: the chunk it was on is lost, the others are sent again
        done[proc.held.popleft()] = None
        waiting.extendleft(reversed(proc.held))
        _close(proc)
        _reap(proc.pid)


def _fork(work: Callable[[Any], Any]) -> _Process:
    tasks_read, tasks_write = os.pipe()
    results_read, results_write = os.pipe()
    for stream in (sys.stdout, sys.stderr):     # a child must not write again what the command had buffered
        stream.flush()
    pid = os.fork()
    if pid == 0:   # the checking process: only its own two ends stay open, then it serves until told to end
        try:
            for fd in (tasks_write, results_read, *_HELD):   # its pool's others', and any other pool's
                with suppress(OSError):
                    os.close(fd)
            _serve(work, tasks_read, results_write)
        finally:
            os._exit(0)    # never the command's exit functions, nor its buffers flushed a second time
    os.close(tasks_read)
    os.close(results_write)
    os.set_blocking(tasks_write, False)
    _HELD.update((tasks_write, results_read))
    return _Process(pid, tasks_write, results_read)


# Every pipe end the command holds for a checking process of any pool (a pool run inside another's loop, as
# check._isolated runs one a file): a process forked later closes them all, so that each process's pipes have
# no other holder and it sees their end when the command closes them or is gone.
_HELD: set[int] = set()


def _serve(work: Callable[[Any], Any], tasks: int, results: int) -> None:
    """A checking process's life: a chunk, its results, until the command closes the tasks (or is gone)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C is the command's to handle: it closes the tasks
    try:
        while (message := _receive(tasks)) is not None:
            chunk = pickle.loads(message)
            write_all(results, _framed(pickle.dumps(work(chunk), pickle.HIGHEST_PROTOCOL)))
    except BrokenPipeError:    # the command is gone: nobody to answer
        pass
    except Exception:   # a bug of ours, not a file's (check_file turns those into findings): said, and ended
        import traceback

        traceback.print_exc()
        sys.stderr.flush()


def _framed(message: bytes) -> tuple[bytes, bytes]:
    """A message as it goes through a pipe: its length, then itself."""
    return len(message).to_bytes(_HEAD, "little"), message


def _receive(fd: int) -> bytes | None:
    """The next message; None at the pipe's end (or a message cut short by its writer's end)."""
    head = _exactly(fd, _HEAD)
    return None if head is None else _exactly(fd, int.from_bytes(head, "little"))


def _exactly(fd: int, size: int) -> bytes | None:
    """`size` bytes from a pipe, a megabyte a read at most (fsutil.read_up_to asks for all of it at once, right
    for a file, but a pipe hands over 64 KB a read, and each read would allocate what is left)."""
    parts: list[bytes] = []
    while size > 0:
        part = os.read(fd, min(size, 1 << 20))
        if not part:
            return None
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _close(proc: _Process) -> None:
    for fd in (proc.tasks, proc.results):
        _HELD.discard(fd)
        with suppress(OSError):
            os.close(fd)


def _end(procs: list[_Process]) -> None:
    """Close every pipe (a process ends at the end of its tasks) and wait for each process to end."""
    for proc in procs:
        _close(proc)
    for proc in procs:
        _reap(proc.pid)


def _reap(pid: int) -> None:
    with suppress(ChildProcessError):
        os.waitpid(pid, 0)
