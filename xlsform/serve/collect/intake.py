"""Uploads to the collection service: one unit's file in, the check's answer out, both kept in the store.

No web framework here (the routes in `serve/` are the thin layer over this), so the rules are testable on their own:
- the bytes go into the store by content hash first (never under the sender's file name), then the file is
  checked by `check_file` — the same hostile-safe reader and rules as `xlsform check --manifest` — then the
  submission row is committed, so an acknowledged upload is always on disk and in the database;
- checking takes a slot of a bounded pool (`checkers`: worker processes under `serve`): when every slot stays
  busy for `wait` seconds the upload is refused as busy (HTTP 503) instead of piling up in memory; a file
  whose check overruns the time limit or kills its worker is refused with XF901;
- a file that is not a readable workbook, or is another unit's, another round's or another spec's, is
  recorded as refused and never becomes the unit's current return.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from xlsform.check import WORKER_DIED
from xlsform.serve.collect.answers import checked_upload, display_name, failed, held_message, held_reason
from xlsform.serve.collect.checkers import Died, InThreads, Processes
from xlsform.serve.collect.worker import handler
from xlsform.store import Store, Submission, UnitView

KEEP_REFUSED = 5                           # files of a unit's refused uploads kept (the newest); rows stay
SUMMARY_TIMEOUT = 1800.0                   # seconds: re-reading 5,000 returns takes about 15 s here
CHECKERS_LOG = "xlsform-checkers.log"      # beside the store: what a checking process said when it crashed


@dataclass(frozen=True)
class Outcome:
    submission: int
    state: str                 # ok / warnings / errors / refused
    message: str               # why it was refused, or why it did not replace the current return ('' neither)
    text: str                  # check --json's object for the file, or the refusal, as JSON text
    held: str = ""             # 'blank' / 'worse': read, but not the current return (see answers.held_reason)
    current: Submission | None = None      # the current return it did not replace

    @property
    def http_status(self) -> int:
        return 422 if self.state == "refused" else 409 if self.held else 200

    def answer(self, confirm_url: str) -> str:
        """The JSON answer: check --json's object; for a held upload (409) that object as "uploaded", beside
        the current return's state and, for more errors, how to confirm."""
        if not self.held or self.current is None:
            return self.text
        c = self.current
        current = {"submission": c.id, "file": c.filename, "time": c.time, "status": c.state, "errors": c.errors,
                   "warnings": c.warnings}
        head = {"status": "held", "held": self.held, "error": self.message, "current": current,
                **({"confirm": {"post": confirm_url, "or": "upload again with the form field confirm=1"}}
                   if self.held == "worse" else {})}
        return json.dumps(head, ensure_ascii=False)[:-1] + ',"uploaded":' + self.text + "}"


class TooMany(Exception):
    """The unit uploaded more than its rate allows; `wait` seconds until the next one is taken."""

    def __init__(self, wait: float) -> None:
        super().__init__(wait)
        self.wait = wait


class OverQuota(Exception):
    """The unit's kept files already take its whole quota."""


class UnitBusy(Exception):
    """The unit's previous request is still in a checking process (one link holds one at most)."""


@dataclass
class Limits:
    """What one unit (one link) may cost: uploads and annotated copies in a window, and disk. Each upload and
    each annotated copy takes a checking process for a moment, and one link holds one at a time at most, so
    that one link holder cannot keep the processes from every other unit."""
    uploads: int = 30               # uploads ...
    window: float = 600.0           # ... per this many seconds
    quota_bytes: int = 100 << 20    # the unit's kept files; an upload may pass it by one file at most
    copies: int = 60                # annotated copies a unit downloads per window


class Intake:
    """`processes` > 0: checks run in that many worker processes (`checkers.Processes`, what `serve` uses);
    0: in the calling threads, `slots` at a time."""

    def __init__(self, store: Store, manifest: Any, *, max_bytes: int, slots: int = 2, wait: float = 10.0,
                 processes: int = 0, timeout: float = 120.0, limits: Limits | None = None) -> None:
        self.store = store
        self.manifest = manifest
        self.max_bytes = max_bytes
        self.limits = limits or Limits()
        self._recent: dict[tuple[str, str], deque[float]] = {}
        self._recent_lock = threading.Lock()
        self._in_check: set[str] = set()         # units with a request in a checking process now
        self._summary: Future[bytes] | None = None   # the summary being built, which every request waits for
        # threads that wait for uploads' fsyncs while their checks run (started once: a thread started per
        # upload waits for the interpreter lock the busy request threads hold)
        self._syncing = ThreadPoolExecutor(max(4, processes + 2, slots + 2), thread_name_prefix="xlsform-sync")
        self.checks: InThreads | Processes
        if processes > 0 and manifest is not None and manifest.path is not None:
            self.checks = Processes(manifest.path, processes=processes, wait=wait, timeout=timeout,
                                    log=store.path.parent / CHECKERS_LOG)
        else:
            self.checks = InThreads(handler(manifest), slots=slots, wait=wait)

    def submit(self, unit: UnitView, filename: str, stream: IO[bytes], confirmed: bool = False) -> Outcome:
        """Store, check and record one upload; it becomes the unit's current return unless it is refused or
        held (a blank form; more errors than the current one, unless `confirmed`). Raises `store.TooLarge`
        (nothing kept), `checkers.Busy`, `UnitBusy`, `TooMany` or `OverQuota`."""
        with self._one_at_a_time(unit.code):
            self._count(unit.code, "upload", self.limits.uploads)
            if self.store.unit_bytes(unit.code) >= self.limits.quota_bytes:
                raise OverQuota
            return self._submit(unit, filename, stream, confirmed)

    def _submit(self, unit: UnitView, filename: str, stream: IO[bytes], confirmed: bool) -> Outcome:
        name = display_name(filename)
        # The check reads the file as soon as it is written, while one of `_syncing`'s threads waits for its
        # bytes to reach the disk (a checking process is not held meanwhile); it is named by its hash, durably,
        # only then, and the row committed after that.
        with self.store.incoming(stream, limit=self.max_bytes) as upload:
            synced = self._syncing.submit(upload.sync)
            request = {"op": "upload", "path": str(upload.path), "name": name, "unit": [unit.code, unit.name]}
            try:
                got = self.checks.call(request)
            except Died as e:
                got = {"failed": str(e)}
            finally:
                wait([synced])          # its file is not closed nor removed under it, whatever happened here
            synced.result()             # a failed fsync fails the upload: nothing kept, no row
            upload.keep()
        sha, size = upload.sha256, upload.size
        try:
            if "failed" in got:
                got = checked_upload(failed(self.store.file_path(sha), got["failed"]), name, unit.code, unit.name,
                                     self.manifest)
            now = self.store.unit(unit.code)          # as it is after the check, not as the upload began
            held = held_reason(got, now, confirmed)
            message = held_message(held, got["errors"], now.errors or 0) if held and now else got["message"]
            sid = self.store.add_submission(unit.code, name, size, sha, got["state"], got["errors"],
                                            got["warnings"], got["text"], message, held=held)
        except BaseException:
            self.store.release_file(sha)     # no row names it: pruning may take it again
            raise
        if got["state"] == "refused":
            self.store.prune_refused(unit.code, keep=KEEP_REFUSED)
        current = self.store.submission(now.submission) if held and now and now.submission else None
        return Outcome(sid, got["state"], message, got["text"], held=held, current=current)

    @contextmanager
    def _one_at_a_time(self, code: str) -> Iterator[None]:
        """One request of a unit in a checking process at a time; another one meanwhile is refused at once
        (`UnitBusy`) rather than queued: queued, a link holder's requests would fill every checking process
        and every request thread."""
        with self._recent_lock:
            if code in self._in_check:
                raise UnitBusy
            self._in_check.add(code)
        try:
            yield
        finally:
            with self._recent_lock:
                self._in_check.discard(code)

    def _count(self, code: str, kind: str, limit: int) -> None:
        """At most `limit` requests of this kind by one unit in any `limits.window` seconds (in memory: a
        restart forgets, which costs nothing worth keeping)."""
        now = time.monotonic()
        with self._recent_lock:
            recent = self._recent.setdefault((code, kind), deque())
            while recent and now - recent[0] > self.limits.window:
                recent.popleft()
            if len(recent) >= limit:
                raise TooMany(self.limits.window - (now - recent[0]))
            recent.append(now)

    def annotated_copy(self, sub: Submission, *, for_unit: bool = False) -> tuple[str, bytes] | None:
        """The marked-up copy of a submission that was read, with its name (the unit's code and name, as
        `check --annotate` names it); None for a refused one. Asked by the unit's link (`for_unit`), it
        counts against the unit's copies and waits for no other request of the unit (`TooMany`,
        `UnitBusy`); the office's are not limited."""
        if sub.state == "refused":
            return None
        if not for_unit:
            return self._annotate(sub)
        with self._one_at_a_time(sub.unit):
            self._count(sub.unit, "copy", self.limits.copies)
            return self._annotate(sub)

    def _annotate(self, sub: Submission) -> tuple[str, bytes] | None:
        with tempfile.TemporaryDirectory(prefix="xlsform-annotate-") as folder:
            try:
                self.checks.call({"op": "annotate", "path": str(self.store.file_path(sub.sha256)),
                                  "folder": folder})
            except Died:
                return None
            copies = list(Path(folder).glob("*.xlsx"))
            return (copies[0].name, copies[0].read_bytes()) if copies else None

    def summary(self) -> bytes:
        """The merge summary of every unit's current return. It re-reads every return (as `merge` does):
        seconds of work, done in a process of its own beside the checking processes (in one of them, two
        downloads at once took both and every upload waited; in the server it would stall every request).
        One is built at a time: a download asked while one is being built gets that one."""
        with self._recent_lock:
            building, mine = self._summary, self._summary is None
            if building is None:
                building = self._summary = Future()
        if not mine:
            return building.result()
        try:
            building.set_result(self._build_summary())
        except BaseException as e:
            building.set_exception(e)
        finally:
            with self._recent_lock:
                self._summary = None
        return building.result()

    def _build_summary(self) -> bytes:
        with tempfile.TemporaryDirectory(prefix="xlsform-summary-") as folder:
            out = Path(folder) / "summary.xlsx"
            got = self.checks.call_apart({"op": "summary", "store": str(self.store.path), "out": str(out)},
                                         timeout=SUMMARY_TIMEOUT)
            if "failed" in got or not out.is_file():
                raise Died(got.get("failed", WORKER_DIED))
            return out.read_bytes()

    def close(self) -> None:
        self.checks.close()
        self._syncing.shutdown(wait=True)
