"""Helpers for the check tests: run the rule families on a record, list findings compactly."""

from __future__ import annotations

from typing import Any

from tests.conftest import load_seed
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
