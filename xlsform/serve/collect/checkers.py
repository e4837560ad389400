"""Where the collection service checks uploads: a few worker processes, or (tests, `--check-processes 0`) the
server's own threads.

Why processes: a check is pure Python, so the server's threads share one core (the GIL) and each upload's
check also delays every other request's reading and answering; a process uses another core, and it can be
stopped. Each worker
- is `python -m xlsform.serve.collect.worker MANIFEST` (`worker.py`), talking over its stdin/stdout pipes
  (one JSON request per line, one JSON answer per line), its stderr appended to a log file beside the
  store: it inherits nothing of the server's, neither the listening socket nor the terminal or pipe the
  server's own messages go to;
- answers a first request before the server starts listening, so a worker that cannot start is an error at
  start, not a refusal of every upload;
- exits when its stdin closes, so the workers end with the server however the server ends (even `kill -9`);
- is killed and replaced when a file takes longer than the time limit; that file gets XF901, the next upload
  a fresh worker.

The pool is bounded: an upload waits up to `wait` seconds for a free worker, then `Busy` (HTTP 503).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

import xlsform
from xlsform.check import WORKER_DIED
from xlsform.errors import XlsformError

Handler = Callable[[dict[str, Any]], dict[str, Any]]
WORKER = "xlsform.serve.collect.worker"      # the checking process's module (named, not imported: no circle)
# The checking process is started isolated from the working folder (-P: a folder named `xlsform` there, such
# as the source checkout, must not shadow the installed package), and imports the very xlsform the server
# runs: the folder holding it goes first on its path unless it is on the path already (site-packages: put
# first, it could shadow the standard library with a backport). The worker then checks it got that one.
_BOOT = ("import sys; root, want = sys.argv.pop(1), sys.argv.pop(1); root in sys.path or sys.path.insert(0, root); "
         "from xlsform.serve.collect.worker import main; main(sys.argv[1:], expect=want)")
MEMORY_LIMIT = 1 << 30     # a worker's address space (POSIX): a file the reader's budget missed fails alone
RETIRE_MB = 100            # a worker holding more than this after an answer is replaced (30 MB fresh)


class Busy(Exception):
    """Every checking slot stayed taken: try again in a moment."""


class Died(Exception):
    """The worker ended before answering (killed for taking too long, or crashed); the message says which."""


class InThreads:
    """Checks in the calling thread, at most `slots` at a time."""

    def __init__(self, handle: Handler, *, slots: int, wait: float) -> None:
        self.handle = handle
        self.wait = wait
        self.slots = max(1, slots)
        self._free = threading.BoundedSemaphore(self.slots)

    @contextmanager
    def slot(self) -> Iterator[None]:
        if not self._free.acquire(timeout=self.wait):
            raise Busy
        try:
            yield
        finally:
            self._free.release()

    def call(self, request: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        with self.slot():
            return answered(self.handle, request)

    def call_apart(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        """A long job beside the checks, not in one of their slots."""
        return answered(self.handle, request)

    def close(self) -> None:
        pass


class Processes:
    """`processes` worker processes; a request waits for an idle one."""

    def __init__(self, manifest: Path, *, processes: int, wait: float, timeout: float,
                 log: Path | None = None) -> None:
        self.wait = wait
        self.timeout = timeout
        self.slots = max(1, processes)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        manifest = Path(manifest).resolve()      # the workers need not share the server's working folder
        self.manifest, self.log = manifest, log
        workers = [_Worker(manifest, log) for _ in range(self.slots)]
        for worker in workers:
            self._idle.put(worker)
        try:
            for worker in workers:       # all start at once; each must answer before the first upload
                worker.call({"op": "ping"}, max(timeout, 60.0))
        except Died:
            self.close()
            why = f"，原因见 {log}" if log else ""
            raise XlsformError(f"检查进程无法启动{why}；可加 --check-processes 0 改在服务进程内检查") from None

    @contextmanager
    def slot(self) -> Iterator[_Worker]:
        try:
            worker = self._idle.get(timeout=self.wait)
        except queue.Empty:
            raise Busy from None
        try:
            yield worker
        finally:
            self._idle.put(worker)

    def call(self, request: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        """The worker's answer; `timeout` (default: the pool's) bounds this request's work."""
        with self.slot() as worker:
            return worker.call(request, timeout or self.timeout)

    def call_apart(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        """A long job (the office's summary: seconds of re-reading every return) in a process started for it
        and stopped after: it never takes a checking process, so uploads go on being checked meanwhile."""
        worker = _Worker(self.manifest, self.log, standing=False)
        try:
            return worker.call(request, timeout)
        finally:
            worker.stop()

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                return


class _Worker:
    def __init__(self, manifest: Path, log: Path | None, *, standing: bool = True) -> None:
        self.manifest = manifest
        self.log = log
        self.standing = standing         # one of the pool's (not a process started for one long job)
        self.proc: subprocess.Popen[bytes] | None = None
        self._start()

    def _start(self) -> None:
        # The same interpreter and environment as the server and, through _BOOT, the same xlsform (the first
        # request proves it starts); a traceback goes to the log in UTF-8 whatever the system's code page.
        with _log(self.log) as errors:
            package = Path(xlsform.__file__).resolve().parent
            self.proc = subprocess.Popen(
                [sys.executable, "-P", "-c", _BOOT, str(package.parent), str(package), str(self.manifest)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors,
                env={**os.environ, "PYTHONIOENCODING": "utf-8"})

    def call(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        if self.proc is None or self.proc.poll() is not None:   # never started, or ended since
            self.stop()
            self._start()
        proc = self.proc
        assert proc is not None and proc.stdin is not None and proc.stdout is not None
        overran: list[bool] = []

        def overrun() -> None:
            overran.append(True)
            proc.kill()

        alarm = WATCHDOG.arm(timeout, overrun)
        try:
            proc.stdin.write(json.dumps(request).encode("ascii") + b"\n")
            proc.stdin.flush()
            answer = read_answer(proc.stdout)
        except (OSError, ValueError):
            answer = None
        finally:
            WATCHDOG.disarm(alarm)
        if answer is None:
            self.stop()
            raise Died(f"检查超过 {timeout:g} 秒仍未完成，已停止" if overran else WORKER_DIED)
        if answer.pop("retire", False):      # it grew too large and has ended
            self.stop()
            if self.standing:                # a fresh one starts now, ready by the next request
                self._start()
        return answer

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                with suppress(OSError):      # a pipe to a killed worker may fail to flush
                    pipe.close()
        try:
            proc.wait(5)          # stdin closed: it exits at once unless a check is still running
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class _Watchdog:
    """Stops what overruns its time: one thread for all the pool's requests (a timer thread started per
    request cost each upload a thread start, which waits for the interpreter lock the busy threads hold)."""

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._due: dict[int, tuple[float, Callable[[], None]]] = {}
        self._next = 0
        self._thread: threading.Thread | None = None
        self._until = 0.0          # when the thread looks next, at the latest

    def arm(self, seconds: float, action: Callable[[], None]) -> int:
        with self._wake:
            self._next += 1
            due = time.monotonic() + seconds
            self._due[self._next] = (due, action)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="xlsform-watchdog", daemon=True)
                self._thread.start()
            elif due < self._until:      # (every check has the same limit: it is woken only for a shorter one)
                self._wake.notify()
            return self._next

    def disarm(self, key: int) -> None:
        with self._wake:
            self._due.pop(key, None)

    def _run(self) -> None:
        while True:
            with self._wake:
                now = time.monotonic()
                late = [k for k, (due, _) in self._due.items() if due <= now]
                actions = [self._due.pop(k)[1] for k in late]
                if not actions:
                    self._until = min((due for due, _ in self._due.values()), default=now + 60.0)
                    self._wake.wait(self._until - now)
                    continue
            for action in actions:
                with suppress(Exception):
                    action()


WATCHDOG = _Watchdog()


def _log(path: Path | None) -> IO[bytes]:
    """The log the workers' stderr is appended to: the office's alone (a traceback may quote a file's text)."""
    if path is None:
        return open(os.devnull, "ab")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with suppress(OSError):
        os.chmod(path, 0o600)
    return os.fdopen(fd, "ab")


# ------------------------------------------------------------------------------ the worker's side

def serve_requests(handle: Handler, requests: IO[bytes], answers: IO[bytes],
                   retire: Callable[[], bool] = lambda: False) -> None:
    """Answer each request line until the server closes the pipe, or until `retire()` says this process has
    grown too large (its last answer says so: the server starts a fresh one in its place)."""
    for line in requests:
        answer = answered(handle, json.loads(line))
        if retire():
            answer["retire"] = True
        write_answer(answers, answer)
        if answer.get("retire"):
            return


def grew_too_large(limit_mb: float = RETIRE_MB) -> bool:
    """Whether this process holds more than `limit_mb` of memory now. A large file's check (within the
    reader's budget: up to a few hundred MB) leaves the process that large, the memory kept by the allocator
    rather than given back, so a service running for weeks would hold every checking process at its largest
    file; a fresh process takes 30 MB."""
    try:
        with open("/proc/self/statm", "rb") as f:        # Linux: resident now (the peak is inherited: fork)
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1 << 20) > limit_mb
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import resource
    except ImportError:          # Windows: no figure; the processes keep running as they are
        return False
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20 if sys.platform == "darwin" else 1 << 10) > limit_mb


def answered(handle: Handler, request: dict[str, Any]) -> dict[str, Any]:
    """The handler's answer; a bug costs this request ({"failed": why}), not the worker or the server."""
    try:
        return handle(request)
    except Exception as e:
        return {"failed": f"{type(e).__name__}: {e}"}


# An answer is a JSON line, then its "text" (the check's JSON for the file) as that many bytes of UTF-8: the
# server passes the text on as it is instead of decoding it once more.

def write_answer(out: IO[bytes], answer: dict[str, Any]) -> None:
    text = answer.pop("text", "").encode("utf-8", "replace")
    out.write(json.dumps({**answer, "text_bytes": len(text)}).encode("ascii") + b"\n" + text)
    out.flush()


def read_answer(source: IO[bytes]) -> dict[str, Any] | None:
    """The next answer; None when the worker ended before giving all of it."""
    line = source.readline()
    if not line.endswith(b"\n"):
        return None
    answer: dict[str, Any] = json.loads(line)
    size = answer.pop("text_bytes")
    text = source.read(size) if size else b""
    if len(text) != size:
        return None
    if size:
        answer["text"] = text.decode("utf-8")
    return answer


def limit_memory() -> None:
    try:
        import resource
    except ImportError:       # Windows: the reader's own budget still holds
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or hard > MEMORY_LIMIT:
        with suppress(ValueError, OSError):     # macOS does not let a process lower it
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, hard))
