"""The ledger: an append-only JSON Lines file beside the manifest recording every file seen, and when.

It lets the office show what arrived when, long after the files have been moved or replaced. One line per
distinct (file, SHA-256): running `status` or `merge` again on the same folder adds nothing, and a unit that
sends a corrected file gets a new line because the content changed.

Each line is written with a single `write` on a file opened for appending, so concurrent runs interleave
whole lines, and it is fsynced before we return. A line cut short by a crash is skipped when reading.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from xlsform.fsutil import shown_path
from xlsform.results import FileResult
from xlsform.status import iso_time

LEDGER_NAME = "ledger.jsonl"
LEDGER_FORMAT = "xlsform.ledger/1"


def ledger_path(beside: str | Path) -> Path:
    """The ledger lives in the folder of the manifest (or roster) that defines the round, or in that folder."""
    p = Path(beside).resolve()
    return (p if p.is_dir() else p.parent) / LEDGER_NAME


def read_ledger(path: str | Path) -> list[dict[str, Any]]:
    """Every well-formed entry; a missing ledger is empty and a damaged line is skipped, never fatal."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    entries = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            entries.append(entry)
    return entries


def entry_for(result: FileResult, unit: str | None, now: datetime | None = None) -> dict[str, Any]:
    record = result.record
    return {
        "format": LEDGER_FORMAT,
        "time": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "file": file_key(result.file),
        "sha256": result.sha256,
        "arrived": iso_time(result.mtime),
        "unit": unit,
        "spec": f"{record.spec_id} {record.spec_version}" if record else None,
        "status": result.status,
        "errors": result.errors,
        "warnings": result.warnings,
    }


def append(path: str | Path, results: Iterable[FileResult], unit_of: Mapping[str, str] | None = None,
           now: datetime | None = None) -> int:
    """Add a line for each result not yet in the ledger (same file and same content); returns lines added."""
    path = Path(path)
    seen = {(e.get("file"), e.get("sha256")) for e in read_ledger(path)}
    unit_of = unit_of or {}
    lines = []
    for r in results:
        key = (file_key(r.file), r.sha256)
        if key not in seen:
            seen.add(key)
            entry = entry_for(r, unit_of.get(r.file), now)
            lines.append(json.dumps(entry, ensure_ascii=False) + "\n")
    if lines:
        _append_lines(path, lines)
    return len(lines)


def file_key(file: str) -> str:
    """Files are recorded by absolute path so that running from another folder finds the same entries."""
    return shown_path(Path(file).resolve().as_posix())


def _append_lines(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        if _ends_mid_line(fd):   # a crash cut the last line short: start ours on a fresh line
            os.write(fd, b"\n")
        for line in lines:
            os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def _ends_mid_line(fd: int) -> bool:
    size = os.fstat(fd).st_size
    return size > 0 and os.pread(fd, 1, size - 1) != b"\n"
