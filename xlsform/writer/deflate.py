"""How hard xlsxwriter compresses a workbook it writes: its default (zlib level 6) unless a caller asks for less.

xlsxwriter builds its zip with `ZipFile(...)` and offers no setting for the level. The summary of a round is
written at the end of a merge, after every return is checked, on one core: deflating its 12 MB of sheet XML
at level 6 took 0.34 s of 1,000 returns' merge (1.7 s at 5,000), level 1 0.10 s, for a file 40% larger
(1.6 MB instead of 1.2 MB for 1,000 units) that opens the same everywhere. `fast_deflate()` sets the level
for the workbooks written inside it, in this thread only (a ContextVar), so a form written meanwhile in
another thread keeps the default and its bytes (the generated forms are compared byte for byte).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import xlsxwriter.workbook

_LEVEL: ContextVar[int | None] = ContextVar("xlsform_deflate_level", default=None)


class _ZipFile(zipfile.ZipFile):
    """zipfile.ZipFile, whose default level is the one `fast_deflate` set for this thread, if any."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        level = _LEVEL.get()
        if level is not None and "compresslevel" not in kwargs:
            self.compresslevel = level


# xlsxwriter looks the name up in its module when it stores a workbook (Workbook._store_workbook)
xlsxwriter.workbook.ZipFile = _ZipFile


@contextmanager
def fast_deflate(level: int = 1) -> Iterator[None]:
    """Workbooks closed inside this block (in this thread) are deflated at `level` (1: fastest)."""
    token = _LEVEL.set(level)
    try:
        yield
    finally:
        _LEVEL.reset(token)
