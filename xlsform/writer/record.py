"""A stand-in for an xlsxwriter workbook that keeps what a writer asked for instead of building it.

`writer/stencil.py` writes a batch of forms by running the form writer against a `Recording` for every unit:
what the recording calls the *structure* (every call with its arguments, except the values that go into
cells) decides whether an earlier unit's workbook, rendered by xlsxwriter itself, can serve as a stencil;
the *payloads* (strings, numbers, cached formula results, row heights, custom property texts) are what the
stencil's holes are filled with.

Only calls whose effect on the file is understood are accepted: those that write a cell, and a whitelist
that writes none and adds no shared string. Anything else (a URL, a comment, a rich string, a value of an
unusual type) makes the recording `unsupported`, and that unit is written by xlsxwriter as before.
Shared-string indexes are assigned at call time exactly as xlsxwriter assigns them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping
from typing import Any

# Worksheet calls that write no cell and no shared string: their arguments are all structure.
SHEET_CALLS = frozenset({
    "hide_gridlines", "set_paper", "set_landscape",
    "set_portrait", "fit_to_pages", "center_horizontally", "center_vertically", "set_margins", "repeat_rows",
    "repeat_columns", "print_area", "set_footer", "set_header", "protect", "hide", "very_hidden", "activate",
    "select", "set_first_sheet", "freeze_panes", "autofilter", "set_zoom", "set_tab_color", "set_selection",
    "set_default_row", "hide_zero", "set_print_scale", "print_row_col_headers", "set_page_view",
    "ignore_errors", "set_h_pagebreaks", "set_v_pagebreaks", "print_across", "set_start_page",
    "unprotect_range", "hide_row_col_headers", "outline_settings",
})
BOOK_CALLS = frozenset({"set_properties", "set_calc_mode", "set_size", "set_tab_ratio",
                        "read_only_recommended"})
XLS_STRMAX = 32767       # xlsxwriter truncates longer strings (and returns -2): left to xlsxwriter
PROPERTY_MAX = 255       # xlsxwriter refuses longer text properties: left to xlsxwriter
# Formula results xlsxwriter marks as errors (t="e") rather than text (t="str").
ERROR_CODES = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"})

STRING, NUMBER, FORMULA = "s", "n", "f"
_FORMATS: dict[tuple[tuple[str, Any], ...], tuple[tuple[str, Any], ...]] = {}


class Unsupported(Exception):
    """A call this recording cannot stand in for; the unit is written by xlsxwriter."""


_DICT, _LIST, _SET = object(), object(), object()   # markers no argument can equal


def freeze(x: Any) -> Hashable:
    """Arguments as a hashable value that equals another exactly when the arguments are equal (options are
    dicts, sometimes holding lists)."""
    if isinstance(x, dict):
        items = tuple(x.items())
        try:
            hash(items)    # the common case: an options dict of strings and numbers, taken as it is
        except TypeError:
            items = tuple((k, freeze(v)) for k, v in items)
        return (_DICT, items)
    try:
        hash(x)
        return x   # type: ignore[no-any-return]
    except TypeError:
        pass
    if isinstance(x, list | tuple):
        return (_LIST, type(x), tuple(freeze(v) for v in x))
    if isinstance(x, set):
        return (_SET, frozenset(freeze(v) for v in x))
    raise Unsupported(f"argument {type(x).__name__}")


def formula_kind(value: Any) -> str:
    """How xlsxwriter types a formula's cached result (the cell's t attribute)."""
    if isinstance(value, bool):
        return "b"
    if isinstance(value, str):
        return "" if value == "" else "e" if value in ERROR_CODES else "str"
    if isinstance(value, int | float) and math.isfinite(value):
        return "n"
    raise Unsupported(f"formula result {type(value).__name__}")


class Recording:
    """Workbook stand-in: `structure` (list of hashable entries), per-sheet `cells` (last write wins, as in
    xlsxwriter's cell table), the shared strings in index order with their total `string_count`,
    `heights` (set_row payloads) and `properties` (custom document properties)."""

    def __init__(self) -> None:
        self.structure: list[Hashable] = []
        self.sheets: list[RecordedSheet] = []
        self.strings: dict[str, int] = {}
        self.string_count = 0
        self.properties: list[tuple[str, str]] = []

    # -- the workbook API the form writer uses
    def add_worksheet(self, name: str | None = None, worksheet_class: Any = None) -> RecordedSheet:
        sheet = RecordedSheet(self, len(self.sheets))
        self.structure.append(("add_worksheet", name, worksheet_class))
        self.sheets.append(sheet)
        return sheet

    def add_format(self, properties: Mapping[str, Any] | None = None) -> Any:
        key = tuple(sorted((properties or {}).items()))
        return _FORMATS.setdefault(key, key)   # one object per distinct format: structures compare by identity

    def set_custom_property(self, name: str, value: Any, property_type: str | None = None) -> int:
        if property_type is not None or not isinstance(name, str) or not isinstance(value, str) \
                or len(value) > PROPERTY_MAX // 2 or not value:
            raise Unsupported("custom property")
        self.structure.append(("set_custom_property", name))
        self.properties.append((name, value))
        return 0

    def define_name(self, name: str, formula: str) -> int:
        self.structure.append(("define_name", name, formula))
        return 0

    def define_names(self, names: tuple[tuple[str, str], ...]) -> None:
        """Many names at once (a form has hundreds), each as `define_name(name, "=" + ref)` would."""
        self.structure.append(("define_names", names))

    def __getattr__(self, name: str) -> Callable[..., int]:
        if name not in BOOK_CALLS:
            raise Unsupported(f"Workbook.{name}")
        return _logger(self.structure, name)

    def string_index(self, text: str) -> int:
        index = self.strings.setdefault(text, len(self.strings))
        self.string_count += 1
        return index


class RecordedSheet:
    """Worksheet stand-in. Cells hold (kind, payload): a shared-string index, a number, or a formula's result."""

    _book: Recording
    _index: int
    cells: dict[tuple[int, int], tuple[str, Any]]
    heights: dict[int, float | None]

    def __init__(self, book: Recording, index: int) -> None:
        object.__setattr__(self, "_book", book)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "cells", {})
        object.__setattr__(self, "heights", {})

    def write_string(self, row: int, col: int, string: str, cell_format: Any = None) -> int:
        if type(string) is not str or len(string) > XLS_STRMAX // 2 or string.startswith("<r>"):
            raise Unsupported("string")   # over-long (truncated by xlsxwriter) or taken as rich text
        book = self._book
        book.structure.append((self._index, STRING, row, col, cell_format))
        strings = book.strings     # as Recording.string_index, inline: a form writes a hundred strings
        book.string_count += 1
        self.cells[row, col] = (STRING, strings.setdefault(string, len(strings)))
        return 0

    def write_number(self, row: int, col: int, number: Any, cell_format: Any = None) -> int:
        if type(number) not in (float, int) or not math.isfinite(number):
            raise Unsupported("number")
        self._book.structure.append((self._index, NUMBER, row, col, cell_format))
        self.cells[row, col] = (NUMBER, number)
        return 0

    def write_formula(self, row: int, col: int, formula: str, cell_format: Any = None, value: Any = 0) -> int:
        self._book.structure.append((self._index, FORMULA, row, col, formula, cell_format, formula_kind(value)))
        self.cells[row, col] = (FORMULA, value)
        return 0

    def write_blank(self, row: int, col: int, blank: Any = None, cell_format: Any = None) -> int:
        if blank is not None:
            raise Unsupported("blank with data")
        self._book.structure.append((self._index, "blank", row, col, cell_format))
        self.cells.pop((row, col), None)
        return 0

    def merge_range(self, first_row: int, first_col: int, last_row: int, last_col: int, data: Any,
                    cell_format: Any = None) -> int:
        if data != "" or first_row > last_row or first_col > last_col:
            raise Unsupported("merge_range with data")
        self._book.structure.append((self._index, "merge_range", first_row, first_col, last_row, last_col,
                                     cell_format))
        for r in range(first_row, last_row + 1):   # xlsxwriter writes blanks over the whole range
            for c in range(first_col, last_col + 1):
                self.cells.pop((r, c), None)
        return 0

    def set_row(self, row: int, height: float | None = None, cell_format: Any = None,
                options: Mapping[str, Any] | None = None) -> int:
        if height is not None and (type(height) not in (float, int) or not 0 < height < 410):
            raise Unsupported("row height")
        self._book.structure.append((self._index, "set_row", row, cell_format, freeze(options) if options else None))
        self.heights[row] = height
        return 0

    def set_column(self, first_col: int, last_col: int, width: float | None = None, cell_format: Any = None,
                   options: Mapping[str, Any] | None = None) -> int:
        self._book.structure.append((self._index, "set_column", first_col, last_col, width, cell_format,
                                     freeze(options) if options else None))
        return 0

    def data_validation(self, *args: Any) -> int:
        """(first_row, first_col, last_row, last_col | a range, options): the options frozen once."""
        self._book.structure.append((self._index, "data_validation", *_cells(args[:-1]), freeze(args[-1])))
        return 0

    def conditional_format(self, *args: Any) -> int:
        self._book.structure.append((self._index, "conditional_format", *_cells(args[:-1]), freeze(args[-1])))
        return 0

    def __getattr__(self, name: str) -> Callable[..., int]:
        if name not in SHEET_CALLS:
            raise Unsupported(f"Worksheet.{name}")
        return _logger(self._book.structure, name, self._index)

    def __setattr__(self, name: str, value: Any) -> None:
        # e.g. FormSheet.growing_rows: an attribute that changes the XML is structure too
        self._book.structure.append((self._index, "setattr", name, freeze(value)))
        object.__setattr__(self, name, value)


def _cells(args: tuple[Any, ...]) -> list[Hashable]:
    """Cell coordinates or a range as given (numbers and text), anything else frozen."""
    return [a if type(a) in (int, str) else freeze(a) for a in args]


def _logger(structure: list[Hashable], name: str, *where: int) -> Callable[..., int]:
    def log(*args: Any, **kwargs: Any) -> int:
        structure.append((*where, name, freeze(args), freeze(kwargs)))
        return 0
    return log
