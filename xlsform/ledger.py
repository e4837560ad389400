"""The ledger: every file `status` and `merge` have seen, and when, in the round's store beside the manifest.

It lets the office show what arrived when, long after the files have been moved or replaced. One row per
distinct (file, SHA-256): running `status` or `merge` again on the same folder adds nothing, and a unit that
sends a corrected file gets a new row because the content changed.

The rows live in the SQLite store (`store.py`) under a unique key on file and content hash, so runs at the
same time cannot duplicate a row and a killed run leaves no torn one. A `ledger.jsonl` from an earlier
version is taken over once, the first time the store is opened; `export_jsonl` writes the ledger back out as
JSON Lines for other tools.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from xlsform.fsutil import resolved, shown_path
from xlsform.results import FileResult
from xlsform.status import RESULT_LABELS, iso_time
from xlsform.store import STORE_NAME, Store, store_path

LEDGER_NAME = STORE_NAME          # the ledger is a table of the round's store
LEGACY_NAME = "ledger.jsonl"
LEDGER_FORMAT = "xlsform.ledger/1"
_IMPORTED = "ledger.jsonl imported"


def ledger_path(beside: str | Path) -> Path:
    """The store of the round defined by this manifest (or roster), or of this folder."""
    return store_path(beside)


def open_ledger(path: str | Path) -> Store:
    """The store at `path`, with a JSON Lines ledger of an earlier version beside it taken over (once)."""
    store = Store(path)
    legacy = store.path.parent / LEGACY_NAME
    if store.meta(_IMPORTED) is None and legacy.is_file():
        store.ledger_add(read_jsonl(legacy))
        store.set_meta(_IMPORTED, datetime.now(UTC).isoformat(timespec="seconds"))
    return store


def read_ledger(path: str | Path) -> list[dict[str, Any]]:
    """Every entry, oldest first; a round without a store has an empty ledger."""
    if not Path(path).is_file():
        return []
    with open_ledger(path) as store:
        return [{"format": LEDGER_FORMAT, **e} for e in store.ledger_entries()]


def append(path: str | Path, results: Iterable[FileResult], unit_of: Mapping[str, str] | None = None,
           now: datetime | None = None) -> int:
    """Add an entry for each result not yet in the ledger (same file and same content); returns entries added."""
    unit_of = unit_of or {}
    entries = [entry_for(r, unit_of.get(r.file), now) for r in results]
    if not entries:
        return 0
    with open_ledger(path) as store:
        return store.ledger_add(entries)


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
        "status": "blank" if result.blank and record is not None else result.status,   # as status says: 空表
        "errors": result.errors,
        "warnings": result.warnings,
    }


def file_key(file: str) -> str:
    """Files are recorded by absolute path so that running from another folder finds the same entries."""
    return shown_path(resolved(file).as_posix())


def export_jsonl(path: str | Path, out: IO[str]) -> int:
    """The ledger as JSON Lines (one object a line, the `xlsform.ledger/1` format); returns lines written."""
    entries = read_ledger(path)
    for e in entries:
        out.write(json.dumps(e, ensure_ascii=False) + "\n")
    return len(entries)


# The CSV export: the same entries, a column each, headed in Chinese for the office's spreadsheet.
CSV_COLUMNS = (("time", "记录时间"), ("file", "文件"), ("sha256", "SHA-256"), ("arrived", "到达时间"),
               ("unit", "单位编码"), ("spec", "表样"), ("status", "状态"), ("errors", "错误数"),
               ("warnings", "警告数"))


def export_csv(path: str | Path, out: IO[bytes]) -> int:
    """The ledger as CSV (UTF-8 with BOM, cells escaped against formula injection); returns rows written.
    Read by a clerk in a spreadsheet: states named as `status` names them, times as the clock showed them."""
    from xlsform.csvsafe import write_csv

    entries = read_ledger(path)
    write_csv(out, [label for _, label in CSV_COLUMNS], ([_for_clerk(k, e.get(k)) for k, _ in CSV_COLUMNS]
                                                        for e in entries))
    return len(entries)


def _for_clerk(key: str, value: Any) -> Any:
    if key == "status":
        return RESULT_LABELS.get(str(value), value)
    if key in ("time", "arrived") and isinstance(value, str):
        try:
            return datetime.fromisoformat(value).astimezone().strftime("%Y-%m-%d %H:%M:%S")
        except ValueError:
            return value
    return value


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The JSON Lines ledger of earlier versions; a line cut short by a crash is skipped, never fatal."""
    entries = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("file") and isinstance(entry["file"], str):
            entries.append(_legacy_entry(entry))
    return entries


def _legacy_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A line of the old file as a row: a hand-edited line must not stop the whole import."""
    text = {k: entry.get(k) if isinstance(entry.get(k), str) else None
            for k in ("time", "file", "sha256", "arrived", "unit", "spec", "status")}
    counts = {k: entry[k] if isinstance(entry.get(k), int) else 0 for k in ("errors", "warnings")}
    return {**text, **counts, "time": text["time"] or "", "status": text["status"] or "unknown"}
