"""Uploads to the collection service: one unit's file in, the check's answer out, both kept in the store.

No web framework here (`serve/` is the thin layer over this), so the rules are testable on their own:
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
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from xlsform.check import WORKER_DIED, check_file
from xlsform.checkers import Died, InThreads, Processes
from xlsform.codes import make
from xlsform.results import FileResult
from xlsform.store import Store, Submission, UnitView

STATE_LABELS = {None: "未报送", "errors": "有错误", "warnings": "仅有警告", "ok": "已通过", "refused": "未被接受"}
STATE_ORDER = ("未报送", "有错误", "仅有警告", "已通过")
SUMMARY_TIMEOUT = 1800.0                   # seconds: re-reading 5,000 returns takes about 15 s here
CHECKERS_LOG = "xlsform-checkers.log"      # beside the store: what a checking process said when it crashed
_PATH_PART = re.compile(r"^.*[\\/]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def state_label(state: str | None) -> str:
    return STATE_LABELS.get(state, state or "未报送")


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
            got = checked_upload(_failed(path, got["failed"]), name, unit.code, unit.name, self.manifest)
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


def handler(manifest: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """What a checker does with a request, in a worker process or in the server's thread alike."""

    def handle(request: dict[str, Any]) -> dict[str, Any]:
        if request["op"] == "ping":
            return {}
        if request["op"] == "annotate":
            check_file(request["path"], manifest=manifest, annotate=request["folder"])
            return {}
        if request["op"] == "summary":
            from xlsform.collected import write_summary_of

            with Store(request["store"]) as store, open(request["out"], "wb") as out:
                write_summary_of(store, manifest, out)
            return {}
        checked = check_file(request["path"], manifest=manifest)
        code, name = request["unit"]
        return checked_upload(checked, request["name"], code, name, manifest)

    return handle


def checked_upload(checked: FileResult, name: str, code: str, unit_name: str, manifest: Any) -> dict[str, Any]:
    """The check's result as the service keeps and answers it: state, refusal message, counts, JSON text."""
    result = as_uploaded(checked, name)
    message = refusal(result, code, unit_name, manifest)
    answer = result.to_json() if not message else refused_answer(result, message)
    return {"state": "refused" if message else result.status, "message": message, "errors": result.errors,
            "warnings": result.warnings, "text": answer_text(answer)}


def _failed(path: Path, why: str) -> FileResult:
    return FileResult(file=str(path), findings=[make("XF901", file=str(path), value=why)])


def display_name(filename: str) -> str:
    """The sender's file name as text to show and keep in the database (never as a path): no folders, no
    control characters, bounded."""
    name = _CONTROL.sub("", _PATH_PART.sub("", filename or "")).strip()
    return name[:200] or "未命名.xlsx"


def as_uploaded(result: FileResult, name: str) -> FileResult:
    """The result as `check --json` would give it for a file of that name (not the store's hash path)."""
    record = replace(result.record, source=name) if result.record is not None else None
    return replace(result, file=name, record=record,
                   findings=[replace(f, file=name) if f.file else f for f in result.findings])


def refusal(result: FileResult, unit_code: str, unit_name: str, manifest: Any) -> str:
    """Why this file cannot be the unit's return, in Chinese; '' when it can (whatever its findings)."""
    record = result.record
    if record is None:
        first = next((f.message for f in result.findings if f.severity == "error"), "")
        return f"无法作为自评表读取，请上传下发的 .xlsx 工作簿。{first}"
    code = (record.code or "").strip()
    if code != unit_code:
        whose = f"单位 {code}（{record.name or ''}）的报表" if code else "没有单位编码的工作簿"
        return f"这是{whose}，不是本单位（{unit_code} {unit_name}）的自评表：请上传本单位的表"
    if manifest is not None and record.spec_id != manifest.spec_id:
        return f"这份表的表样（{record.spec_id}）不是本轮下发的表样（{manifest.spec_id}）：请用下发的表填报"
    if manifest is not None and manifest.year and record.year and record.year != manifest.year:
        return f"这份表是 {record.year} 年度的，本轮为 {manifest.year} 年度：请上传本轮下发的表"
    return ""


def refused_answer(result: FileResult, message: str) -> dict[str, Any]:
    return {"file": result.file, "status": "refused", "error": message,
            "findings": [f.to_json() for f in result.findings if f.severity == "error"]}


def answer_text(answer: dict[str, Any]) -> str:
    """The answer as JSON text, as `check --json` writes it; text a cell smuggled in that UTF-8 cannot hold (a
    lone surrogate) becomes "?" rather than failing the upload."""
    text = json.dumps(answer, ensure_ascii=False, separators=(",", ":"), default=str)
    return text.encode("utf-8", "replace").decode("utf-8")
