"""Helpers for the check tests: run the rule families on a record, list findings compactly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import load_seed
from tests.helpers_read import rezip
from xlsform.checks import CheckContext, run_all
from xlsform.codes import Finding
from xlsform.records import Record


def seed_with(name: str, **changes: Any) -> Record:
    """A seed record with some values changed (key with dots as "__": ind__3__score=5); None removes a value."""
    r = load_seed(name)
    for k, v in changes.items():
        key = k.replace("__", ".")
        if v is None:
            r.values.pop(key, None)
        else:
            r.values[key] = v
    return r


def findings(record: Record, family: Any = None, **kw: Any) -> list[Finding]:
    ctx = CheckContext.for_record(record, **kw)
    return list(family(ctx)) if family else run_all(ctx)


def codes(fs: list[Finding]) -> list[tuple[str, str | None]]:
    """(code, cell) pairs: what a test asserts on."""
    return [(f.code, f.cell) for f in fs]


def patch_xlsx(src: Path, dst: Path, edits: dict[str, Callable[[str], str]],
               extra: dict[str, str] | None = None) -> Path:
    """A copy of a workbook with some zip members' text edited (as a unit's editor would leave them)."""
    def edit(name: str, data: bytes) -> bytes:
        return edits[name](data.decode("utf-8")).encode("utf-8") if name in edits else data

    dst.write_bytes(rezip(src.read_bytes(), edit, {k: v.encode("utf-8") for k, v in (extra or {}).items()}))
    return dst


def raw_workbook(path: Path, sheet: str) -> Any:
    """The raw workbook facts the integrity checks use, read with the safe low-level reader."""
    from xlsform.xlsx import Reader

    reader = Reader(path.read_bytes())
    wb = reader.workbook()
    wb.form = reader.sheet(sheet)
    return wb
