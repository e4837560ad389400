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

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from xlsform.check import WORKER_DIED
from xlsform.serve.collect.answers import checked_upload, display_name, failed
from xlsform.serve.collect.checkers import Died, InThreads, Processes
from xlsform.serve.collect.worker import handler
from xlsform.store import Store, Submission, UnitView

SUMMARY_TIMEOUT = 1800.0                   # seconds: re-reading 5,000 returns takes about 15 s here
CHECKERS_LOG = "xlsform-checkers.log"      # beside the store: what a checking process said when it crashed


@dataclass(frozen=True)
class Outcome:
    submission: int
    state: str                 # ok / warnings / errors / refused
    message: str               # why it was refused ('' when it was read)
    text: str                  # check --json's object for the file, or the refusal, as JSON text

    @property
    def http_status(self) -> int:
        return 422 if self.state == "refused" else 200


class Intake:
    """`processes` > 0: checks run in that many worker processes (`checkers.Processes`, what `serve` uses);
    0: in the calling threads, `slots` at a time."""

    def __init__(self, store: Store, manifest: Any, *, max_bytes: int, slots: int = 2, wait: float = 10.0,
                 processes: int = 0, timeout: float = 120.0) -> None:
        self.store = store
        self.manifest = manifest
        self.max_bytes = max_bytes
        self.checks: InThreads | Processes
        if processes > 0 and manifest is not None and manifest.path is not None:
            self.checks = Processes(manifest.path, processes=processes, wait=wait, timeout=timeout,
                                    log=store.path.parent / CHECKERS_LOG)
        else:
            self.checks = InThreads(handler(manifest), slots=slots, wait=wait)

    def submit(self, unit: UnitView, filename: str, stream: IO[bytes]) -> Outcome:
        """Store, check and record one upload. Raises `store.TooLarge` (nothing kept) or `checkers.Busy`."""
        sha, size = self.store.put_file(stream, limit=self.max_bytes)
        name = display_name(filename)
        path = self.store.file_path(sha)
        try:
            got = self.checks.call({"op": "upload", "path": str(path), "name": name, "unit": [unit.code, unit.name]})
        except Died as e:
            got = {"failed": str(e)}
        if "failed" in got:
            got = checked_upload(failed(path, got["failed"]), name, unit.code, unit.name, self.manifest)
        sid = self.store.add_submission(unit.code, name, size, sha, got["state"], got["errors"], got["warnings"],
                                        got["text"], got["message"])
        return Outcome(sid, got["state"], got["message"], got["text"])

    def annotated_copy(self, sub: Submission) -> bytes | None:
        """The marked-up copy of a submission that was read; None for a refused one."""
        if sub.state == "refused":
            return None
        with tempfile.TemporaryDirectory(prefix="xlsform-annotate-") as folder:
            try:
                self.checks.call({"op": "annotate", "path": str(self.store.file_path(sub.sha256)),
                                  "folder": folder})
            except Died:
                return None
            copies = list(Path(folder).glob("*.xlsx"))
            return copies[0].read_bytes() if copies else None

    def summary(self) -> bytes:
        """The merge summary of every unit's current return. Built in a checking process: it re-reads every
        return (as `merge` does), seconds of work that in the server would stall every other request."""
        with tempfile.TemporaryDirectory(prefix="xlsform-summary-") as folder:
            out = Path(folder) / "summary.xlsx"
            got = self.checks.call({"op": "summary", "store": str(self.store.path), "out": str(out)},
                                   timeout=SUMMARY_TIMEOUT)
            if "failed" in got or not out.is_file():
                raise Died(got.get("failed", WORKER_DIED))
            return out.read_bytes()

    def close(self) -> None:
        self.checks.close()
