"""Table rows written straight to sheet XML: the hot path of the merge summary.

xlsxwriter spends about 5 µs on a cell: one call checks and stores it, another writes it out with each
attribute escaped on its own. The summary of 1,000 units has 200,000 cells (1.3 s), of 5,000 units 1.3 million.
A table's rows are all alike — the same formats column by column, a string, a number or nothing in each cell —
so `TableSheet` renders a row with one format string per cell into a temporary file and copies the file into
the worksheet when xlsxwriter writes the sheet, between the rows written the usual way (a header above, a
totals row and a note below). Each cell is what `write_string` / `write_number` / `write_blank` would have
written: strings go to the workbook's shared string table the way xlsxwriter's own `write_string` puts them
there (which also escapes them), numbers as `%.16G`, and a row's height as `set_row` would round it.
tests/test_summary_content.py holds a real merge's summary equal, cell by cell, to the cell-by-cell writer's.

What this leans on in xlsxwriter (its tests are ours: the LibreOffice and content tests fail when they
move): the worksheet's `_write_sheet_data` / `_write_rows` pair, its `dim_rowmin` / `dim_rowmax` and
`_check_dimensions`, and the shared string table's `_get_shared_string_index`.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

EXCEL_TEXT_LIMIT = 32767       # what write_string keeps of a longer string
DEFAULT_ROW_PX = 20            # xlsxwriter's default row height in pixels (15 pt): no height is written for it

# per column: the format of a blank or a number, the format of a string, whether numbers are written as numbers
ColumnPlan = tuple[Any, Any, bool]


class TableSheet(Worksheet):  # type: ignore[misc]
    """A worksheet that takes one run of table rows rendered straight to XML (`write_rows`)."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: IO[str] | None = None
        self._first = self._last = -1

    def write_rows(self, first: int, rows: Iterable[tuple[Sequence[Any], Sequence[ColumnPlan], float | None]]) -> int:
        """Rows `first`, `first + 1`, ...: each its values, its columns' formats and its height in points (None:
        the default). Nothing else may be written to those rows. Returns the row after the last one."""
        if self._rows is not None:
            raise ValueError("a TableSheet takes one run of rows")
        # closed when the sheet is written (a context manager cannot span xlsxwriter's close())
        out = self._rows = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self._first = first
        shared = self.str_table._get_shared_string_index
        compiled: dict[int, list[tuple[str, str, str, bool]]] = {}
        r = first
        for values, plan, height in rows:
            cols = compiled.get(id(plan))
            if cols is None:
                cols = compiled[id(plan)] = _compile(plan)
            n = str(r + 1)
            parts = [f'<row r="{n}"{_height(height)}>']
            for (letter, s, ts, numeric), v in zip(cols, values, strict=True):
                if v is None or v == "":
                    parts.append(f'<c r="{letter}{n}"{s}/>')
                elif numeric and _is_number(v):
                    parts.append(f'<c r="{letter}{n}"{s}><v>{float(v):.16G}</v></c>')
                else:
                    text = v if type(v) is str else str(v)
                    parts.append(f'<c r="{letter}{n}"{ts} t="s"><v>{shared(text[:EXCEL_TEXT_LIMIT])}</v></c>')
            parts.append("</row>")
            out.write("".join(parts))
            r += 1
        if r > first:
            self._check_dimensions(first, 0)
            self._check_dimensions(r - 1, max(len(c) for c in compiled.values()) - 1)
        self._last = r - 1
        return r

    def _write_sheet_data(self) -> None:
        if self._rows is not None and self._last < self._first:    # an empty run
            self._rows.close()
            self._rows = None
        if self._rows is None:
            super()._write_sheet_data()
            return
        # xlsxwriter's attributes are untyped
        low: int = self.dim_rowmin  # type: ignore[has-type]
        high: int = self.dim_rowmax  # type: ignore[has-type]
        self._xml_start_tag("sheetData")
        try:
            if low < self._first:                     # the rows above, written the usual way
                self.dim_rowmax = self._first - 1
                self._write_rows()
            self._rows.seek(0)
            shutil.copyfileobj(self._rows, self.fh)
            if high > self._last:                     # and those below
                self.dim_rowmin, self.dim_rowmax = self._last + 1, high
                self._write_rows()
        finally:
            self.dim_rowmin, self.dim_rowmax = low, high
            self._rows.close()
        self._xml_end_tag("sheetData")


def _compile(plan: Sequence[ColumnPlan]) -> list[tuple[str, str, str, bool]]:
    return [(xl_col_to_name(c), _style(fmt), _style(text_fmt), numeric)
            for c, (fmt, text_fmt, numeric) in enumerate(plan)]


def _style(fmt: Any) -> str:
    index = fmt._get_xf_index() if fmt is not None else 0
    return f' s="{index}"' if index else ""


def _height(points: float | None) -> str:
    if points is None:
        return ""
    px = int(points * 4.0 / 3.0 + 0.5)      # as set_row rounds it
    return "" if px == DEFAULT_ROW_PX else f' ht="{px * 0.75:.16g}" customHeight="1"'


def _is_number(v: Any) -> bool:
    t = type(v)
    if t is float:
        return math.isfinite(v)
    return t is int or (t is Decimal and v.is_finite())


__all__ = ["ColumnPlan", "TableSheet"]
