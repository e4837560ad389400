"""LibreOffice from the test suite: the project-python side of `tests/lo/uno_driver.py`.

The `uno` module exists only for the system python, so the driver runs as a child process of
`/usr/bin/python3` and we exchange one JSON line per batch of jobs (see the driver's docstring for the job
format). One driver, hence one soffice, serves the whole test session: starting soffice costs seconds.

Use the session fixture (import it into your test module: `from tests.helpers_lo import libreoffice`)::

    def test_x(libreoffice: LibreOffice) -> None:
        [result] = libreoffice.run([{"path": str(path), "read": ["xf_total_score"]}])

or `lo_roundtrip(path)` for a LibreOffice-saved copy of a workbook. Without soffice or the system `uno`,
these tests are skipped with the reason; under CI (env CI set) they FAIL instead, so CI really runs them.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import shutil
import subprocess
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

import pytest

SYSTEM_PYTHON = os.environ.get("XLSFORM_UNO_PYTHON", "/usr/bin/python3")
DRIVER = Path(__file__).resolve().parent / "lo" / "uno_driver.py"
START_TIMEOUT = 120.0        # a first start on a cold machine builds the profile
JOB_TIMEOUT = 20.0           # per job in a batch, on top of a fixed 60 s

Job = dict[str, Any]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable_reason() -> str | None:
    """Why LibreOffice cannot be driven here, or None when it can."""
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        return "LibreOffice (soffice) is not installed: run `bash scripts/install-test-deps.sh`"
    if not Path(SYSTEM_PYTHON).exists():
        return f"{SYSTEM_PYTHON} (the system python with the uno module) is missing"
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, timeout=60)
    if probe.returncode != 0:
        return f"{SYSTEM_PYTHON} cannot import uno: install python3-uno (`bash scripts/install-test-deps.sh`)"
    return None


def missing(reason: str, tests: str = "") -> NoReturn:
    """Something a test needs is not installed: skip the test here, fail it under CI, where all must run."""
    if in_ci():
        pytest.fail(f"CI must run {tests}: {reason}" if tests else reason, pytrace=False)
    pytest.skip(reason)


def require_libreoffice() -> None:
    """Skip the calling test when LibreOffice is missing; fail it under CI, where it must run."""
    reason = unavailable_reason()
    if reason is not None:
        missing(reason, "the LibreOffice tests")


class DriverError(RuntimeError):
    """The driver process failed or stopped answering (not a job that failed: those come back as results)."""


class LibreOffice:
    """One running driver (and soffice). `run(jobs)` returns one result per job, in order."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            [SYSTEM_PYTHON, str(DRIVER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, encoding="utf-8")
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stderr: list[str] = []
        self._threads = [threading.Thread(target=self._pump, daemon=True),
                         threading.Thread(target=self._drain_stderr, daemon=True)]
        for thread in self._threads:
            thread.start()
        ready = self._receive(START_TIMEOUT)
        if not ready.get("ready"):
            raise DriverError(f"unexpected first line from the driver: {ready}")

    def _pump(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def _drain_stderr(self) -> None:
        assert self._proc.stderr is not None
        for line in self._proc.stderr:
            self._stderr = [*self._stderr[-40:], line]   # keep the tail for error messages only

    def _receive(self, timeout: float) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            self.close()
            raise DriverError(f"LibreOffice driver gave no answer in {timeout:.0f} s") from None
        if line is None:
            raise DriverError("LibreOffice driver exited:\n" + "".join(self._stderr))
        message: dict[str, Any] = json.loads(line)
        return message

    def run(self, jobs: Sequence[Job]) -> list[dict[str, Any]]:
        if self._proc.poll() is not None or self._proc.stdin is None:
            raise DriverError("LibreOffice driver is not running:\n" + "".join(self._stderr))
        self._proc.stdin.write(json.dumps({"jobs": list(jobs)}, ensure_ascii=False) + "\n")
        self._proc.stdin.flush()
        results: list[dict[str, Any]] = self._receive(60 + JOB_TIMEOUT * len(jobs))["results"]
        return results

    def run_ok(self, jobs: Sequence[Job]) -> list[dict[str, Any]]:
        """`run`, failing the test with the driver's message when any job failed."""
        results = self.run(jobs)
        bad = [(job["path"], r["error"]) for job, r in zip(jobs, results, strict=True) if not r["ok"]]
        if bad:
            pytest.fail("LibreOffice could not run: " + "; ".join(f"{p}: {e}" for p, e in bad), pytrace=False)
        return results

    def close(self) -> None:
        if self._proc.poll() is None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()          # EOF: the driver quits soffice and removes its profile
            try:
                self._proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        for thread in self._threads:        # they end at the pipes' EOF; then the pipes can be closed
            thread.join(timeout=5)
        for pipe in (self._proc.stdout, self._proc.stderr):
            if pipe is not None:
                pipe.close()


_shared: LibreOffice | None = None


def shared_libreoffice() -> LibreOffice:
    """The session's LibreOffice, started on first use (skip/fail as `require_libreoffice` says)."""
    global _shared
    require_libreoffice()
    if _shared is None:
        _shared = LibreOffice()
        atexit.register(_shared.close)
    return _shared


@pytest.fixture(scope="session")
def libreoffice() -> Iterator[LibreOffice]:
    global _shared
    office = shared_libreoffice()
    yield office
    office.close()
    _shared = None


def lo_roundtrip(path: str | Path, saved: str | Path | None = None) -> Path:
    """Open `path` in LibreOffice, recalculate and save it as .xlsx (default: beside it, `<stem>.lo.xlsx`)."""
    source = Path(path).resolve()
    target = Path(saved) if saved is not None else source.with_name(source.stem + ".lo.xlsx")
    shared_libreoffice().run_ok([{"path": str(source), "save_xlsx": str(target.resolve())}])
    return target
