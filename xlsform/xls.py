"""Old Excel workbooks (.xls, BIFF8, also what WPS writes for .et) read with xlrd into the .xlsx reader's model.

A unit that opens its form in Excel, WPS or LibreOffice and saves it "as Excel 97-2003" sends back a BIFF file.
xlrd (2.x, `formatting_info=True`) gives what the reader needs of it: the sheets with their visibility, the
defined names (the `xf_...` names survive the conversion), every cell's value and cached formula result, the
number formats, the merged ranges and each cell's locked flag. `XlsReader` presents it through the interface
of `xlsx.Reader` (`workbook()`, `has_sheet()`, `sheet()`, `styles()`, `properties()`, `number_formats()`), so
the reader, the checks and the importer of hand-made forms take a `.xls` exactly as they take a `.xlsx`.

What xlrd does not give, and so cannot be checked on a `.xls`: the formulas' text (only their cached results),
the data validations and the custom document properties. `RawWorkbook.unverifiable` names what a rule would
need (the formulas); the checks say so once per file (XF118) instead of reporting every formula as altered.

Hostile files: xlrd has no limits of its own (a 20 MB stream of MULBLANK records is ten million cells, held as
Python lists). So before xlrd sees the workbook stream, `_survey` walks its record headers once - four bytes a
record, nothing decoded but a few counts - and refuses a stream over the same per-file budget the .xlsx path
has (cells and rows per sheet, shared strings, merged ranges, defined names, records). The same walk notes
which sheets carry a PROTECT record, which xlrd skips. Anything xlrd raises on a broken file is XlsxError.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, TypeVar

import xlrd
from xlrd import compdoc
from xlrd.biffh import XL_CELL_BLANK, XL_CELL_BOOLEAN, XL_CELL_EMPTY, XL_CELL_ERROR, XL_CELL_TEXT

from xlsform.layout import col_letter
from xlsform.xlsx import (
    BUILTIN_FORMATS,
    CJK_DATES,
    DATE_IDS,
    MAX_CELLS,
    MAX_FILE_BYTES,
    MAX_MERGED,
    MAX_NAMES,
    MAX_ROWS,
    MAX_SHARED_STRINGS,
    MAX_TEXT,
    OLE_MAGIC,
    Cell,
    RawWorkbook,
    Sheet,
    SheetInfo,
    XlsxError,
    number_kind,
)

_ROWS, _COLS = 65_536, 256     # a BIFF8 sheet's size: a reference beyond it is a damaged name
MAX_RECORDS = 400_000          # BIFF records of the whole stream; a form saved as .xls has about 700
# Cell formats, fonts and number formats: xlrd builds a heavy object for each. Excel's own limits in BIFF8 are
# 4,000 cell formats, 512 fonts and about 250 custom number formats; a form saved as .xls has 41, 11 and 8.
MAX_STYLES = 4_100
_STATES = {0: "visible", 1: "hidden", 2: "veryHidden"}
_ERRORS: dict[int, str] = dict(xlrd.error_text_from_code)

# Record types (MS-XLS 2.3) the survey counts.
_BOF, _EOF, _PROTECT, _NAME, _SST, _ROW, _MERGED, _FILEPASS = 0x0809, 0x000A, 0x0012, 0x0018, 0x00FC, 0x0208, \
    0x00E5, 0x002F
_ONE_CELL = frozenset({0x0006, 0x00D6, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E})   # formula, strings, ...
_MULRK, _MULBLANK = 0x00BD, 0x00BE           # several cells in one record: 6 and 2 bytes each
_STYLE_RECORDS = frozenset({0x00E0, 0x0031, 0x041E})    # XF, FONT, FORMAT
_HEADER = struct.Struct("<HH")


class _Silent:
    """xlrd writes its warnings to a log file (stdout by default): a report must not carry them."""

    def write(self, _text: str) -> int:
        return 0

    def flush(self) -> None:
        pass


@dataclass
class _Survey:
    """What the walk over the record headers found: per sheet substream (by its BOF offset) its cells, rows
    and whether it is protected; for the whole stream the counts xlrd would otherwise build without limit."""

    cells: dict[int, int] = field(default_factory=dict)
    rows: dict[int, int] = field(default_factory=dict)
    protected: set[int] = field(default_factory=set)
    encrypted: bool = False


def is_xls(data: bytes) -> bool:
    """An OLE compound document: a .xls or .et, or an encrypted .xlsx (told apart when it is opened)."""
    return data.startswith(OLE_MAGIC)


_T = TypeVar("_T")


def _guarded(what: str, fn: Callable[[], _T]) -> _T:
    """xlrd on a broken or hostile file raises whatever its parsing meets: each is a file that cannot be read."""
    try:
        return fn()
    except XlsxError:
        raise
    except xlrd.XLRDError as e:
        text = str(e)
        if "encrypted" in text.lower():
            raise XlsxError("encrypted", "xls") from None
        if "not supported" in text:      # BIFF2-4 (Excel 2.x-4.x), written by no office program of this century
            raise XlsxError("legacy", text[:100]) from None
        raise XlsxError("corrupt", f"{what}: {text}"[:200]) from None
    except compdoc.CompDocError as e:
        raise XlsxError("corrupt", f"OLE: {e}"[:200]) from None
    except (RecursionError, MemoryError) as e:
        raise XlsxError("over_budget", f"{what}: {type(e).__name__}") from None
    except Exception as e:   # struct.error, IndexError, UnicodeDecodeError, ... from a damaged stream
        raise XlsxError("corrupt", f"{what}: {type(e).__name__}: {e}"[:200]) from None


class XlsReader:
    """Reads one .xls; the same calls as xlsx.Reader: `workbook()` first, then `sheet(name)` as needed."""

    kind = "xls"

    def __init__(self, data: bytes) -> None:
        if not data:
            raise XlsxError("empty")
        if len(data) > MAX_FILE_BYTES:
            raise XlsxError("too_large", str(len(data)))
        stream = _guarded("OLE", lambda: _workbook_stream(data))
        self.survey = _survey(stream)
        if self.survey.encrypted:
            raise XlsxError("encrypted", "xls")
        self.book: Any = _guarded("workbook", lambda: xlrd.open_workbook_xls(
            file_contents=stream, logfile=_Silent(), formatting_info=True, on_demand=True, ragged_rows=True))
        if any(i < 0 for i in self.book._all_sheets_map):
            # An Excel 4 macro sheet or a VBA module sheet: refused like an .xlsm
            raise XlsxError("macro", "xls macro sheet")
        self._index = {name: i for i, name in enumerate(self.book.sheet_names())}
        self._sheets: dict[str, Sheet] = {}

    # ------------------------------------------------------------------------------------------ workbook

    def workbook(self) -> RawWorkbook:
        book = self.book
        sheets = [SheetInfo(name, _STATES.get(book._sheet_visibility[i], "hidden"), f"xls:{i}")
                  for i, name in enumerate(book.sheet_names())]
        names = _guarded("names", lambda: _defined_names(book))
        return RawWorkbook(sheets=sheets, names=MappingProxyType(names), names_items=tuple(names.items()),
                           protection=None, meta={}, properties={}, external_links=[],
                           source_format="xls", unverifiable=("formulas",))

    def has_sheet(self, name: str) -> bool:
        return name in self._index

    def sheet(self, name: str) -> Sheet:
        if name not in self._index:
            raise XlsxError("corrupt", f"sheet {name} has no part")
        if name not in self._sheets:
            i = self._index[name]
            pos = self.book._sh_abs_posn[i]
            if self.survey.cells.get(pos, 0) > MAX_CELLS:
                raise XlsxError("over_budget", f"cells {self.survey.cells[pos]} > {MAX_CELLS}")
            if self.survey.rows.get(pos, 0) > MAX_ROWS:
                raise XlsxError("over_budget", f"rows {self.survey.rows[pos]} > {MAX_ROWS}")
            raw = _guarded(f"sheet {name}", lambda: self.book.sheet_by_index(i))
            sheet = _guarded(f"sheet {name}", lambda: _sheet(raw, pos in self.survey.protected))
            self.book.unload_sheet(i)    # our Sheet holds what is needed; xlrd's copy would double it
            self._sheets[name] = sheet
        return self._sheets[name]

    def shared_strings(self) -> list[str]:
        return list(self.book._sharedstrings)

    def properties(self) -> dict[str, str]:
        return {}      # xlrd does not read the property streams; `_xf_meta` says the same

    def styles(self) -> tuple[frozenset[int], dict[int, str]]:
        """(unlocked XF indexes, XF index -> "percent"/"date"), as xlsx.Reader.styles gives cellXfs."""
        book = self.book
        unlocked = frozenset(i for i, xf in enumerate(book.xf_list) if i and not xf.protection.cell_locked)
        kinds = {i: kind for i, code in self.number_formats().items()
                 if (kind := number_kind("x", {"x": code})) is not None}
        return unlocked, kinds

    def number_formats(self) -> dict[int, str]:
        """XF index -> number format code ("0.00%", "yyyy-mm-dd", "@", "General"), for showing values."""
        fmts = self.book.format_map
        return {i: _BUILTIN_DATES.get(str(xf.format_key)) or f.format_str for i, xf in enumerate(self.book.xf_list)
                if (f := fmts.get(xf.format_key)) is not None}


# xlrd names the built-in date formats as an en-US Excel shows them ("m/d/yy"): the codes a zh-CN Excel
# shows (xlsx.py's), so a date reads alike from .xls and .xlsx.
_BUILTIN_DATES = {k: v for k, v in {**BUILTIN_FORMATS, **CJK_DATES}.items() if k in DATE_IDS}


def _workbook_stream(data: bytes) -> bytes:
    """The `Workbook` stream (`Book` in BIFF5) of the compound document."""
    doc = compdoc.CompDoc(data, logfile=_Silent())
    for name in ("Workbook", "Book", "WORKBOOK", "BOOK"):
        mem, base, size = doc.locate_named_stream(name)
        if mem:
            return bytes(mem[base: base + size])
    names = {d.name for d in doc.dirlist}
    if "EncryptionInfo" in names or "EncryptedPackage" in names:
        raise XlsxError("encrypted")
    raise XlsxError("not_xlsx", "ole_other")   # a .doc, .ppt or .msg under a spreadsheet's name


def _survey(stream: bytes) -> _Survey:
    """One pass over the record headers: counts checked against the budget before xlrd builds anything."""
    out = _Survey()
    pos, end, n, depth, sheet = 0, len(stream), 0, 0, -1
    names = merged = styles = 0
    unpack = _HEADER.unpack_from
    cells, rows = out.cells, out.rows
    while pos + 4 <= end:
        op, size = unpack(stream, pos)
        body = pos + 4
        n += 1
        if n > MAX_RECORDS:     # stop counting here: a 20 MB stream of empty records is 5 million of them
            _check(n, MAX_RECORDS, "records")
        if op in _ONE_CELL:
            cells[sheet] = cells.get(sheet, 0) + 1
        elif op in (_MULBLANK, _MULRK):
            cells[sheet] = cells.get(sheet, 0) + max(size - 6, 0) // (2 if op == _MULBLANK else 6)
        elif op == _ROW:
            rows[sheet] = rows.get(sheet, 0) + 1
        elif op == _BOF:
            depth += 1
            if depth == 1:
                sheet = pos     # the offset BOUNDSHEET gives for this substream (xlrd's _sh_abs_posn)
        elif op == _EOF:
            depth = max(depth - 1, 0)
        elif op == _PROTECT and depth == 1 and size >= 2 and stream[body] == 1:
            out.protected.add(sheet)
        elif op == _NAME:
            names += 1
        elif op == _MERGED and size >= 2:
            merged += int.from_bytes(stream[body: body + 2], "little")
        elif op == _SST and size >= 8:
            _check(int.from_bytes(stream[body + 4: body + 8], "little"), MAX_SHARED_STRINGS, "shared strings")
        elif op in _STYLE_RECORDS:
            styles += 1
        elif op == _FILEPASS:
            out.encrypted = True
        pos = body + size
    _check(names, MAX_NAMES, "defined names")
    _check(styles, MAX_STYLES, "styles")
    _check(merged, MAX_MERGED, "merged ranges")
    return out


def _check(n: int, limit: int, what: str) -> None:
    if n > limit:
        raise XlsxError("over_budget", f"{what} {n} > {limit}")


def _defined_names(book: Any) -> dict[str, str]:
    """Names as workbook.xml would give them: "'Sheet'!$C$6" text; workbook scope wins over a sheet's."""
    scoped: dict[str, str] = {}
    names: dict[str, str] = {}
    sheet_names = book.sheet_names()
    for n in book.name_obj_list:
        if n.builtin:           # Print_Area and friends: workbook.xml's _xlnm. names, which are not fields
            continue
        target = names if n.scope < 0 else scoped
        target.setdefault(n.name, _name_text(n, sheet_names))
    return {**scoped, **names}


def _name_text(n: Any, sheet_names: list[str]) -> str:
    res = n.result
    if res is None:
        return ""
    refs = res.value if isinstance(res.value, list) else []
    if len(refs) == 1 and hasattr(refs[0], "coords"):
        shx_lo, shx_hi, r_lo, r_hi, c_lo, c_hi = refs[0].coords
        if shx_hi == shx_lo + 1 and 0 <= shx_lo < len(sheet_names) and 0 <= r_lo < r_hi <= _ROWS \
                and 0 <= c_lo < c_hi <= _COLS:
            sheet = sheet_names[shx_lo].replace("'", "''")
            first = f"${col_letter(c_lo)}${r_lo + 1}"
            last = f"${col_letter(c_hi - 1)}${r_hi}"
            return f"'{sheet}'!{first}" + (f":{last}" if last != first else "")
    return str(res.text or "")


def _sheet(raw: Any, protected: bool) -> Sheet:
    """xlrd's sheet as xlsx.Sheet: cells with their values, the XF index of every cell as its style."""
    sheet = Sheet(raw.name, _styles={})
    cells, styles = sheet.cells, sheet._styles
    assert styles is not None
    longest = 0
    for r in range(raw.nrows):
        types, values, xfs = raw.row_types(r), raw.row_values(r), raw._cell_xf_indexes[r]
        for c, t in enumerate(types):
            if c < len(xfs) and xfs[c] > 0:
                styles[(r, c)] = xfs[c]
            cell = _cell(t, values[c])
            if cell is not None:
                cells[(r, c)] = cell
                if t == XL_CELL_TEXT:
                    longest = max(longest, len(values[c]))
    _check(longest, MAX_TEXT, "text")
    sheet.merged = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in raw.merged_cells if r1 > r0 and c1 > c0]
    sheet.protection = {"sheet": "1"} if protected else None
    return sheet


def _cell(t: int, v: Any) -> Cell | None:
    if t in (XL_CELL_EMPTY, XL_CELL_BLANK):
        return None
    if t == XL_CELL_TEXT:
        return Cell(v, "s") if v != "" else None   # a formula showing "" holds nothing, as in the .xlsx reader
    if t == XL_CELL_BOOLEAN:
        return Cell(bool(v), "b")
    if t == XL_CELL_ERROR:
        return Cell(_ERRORS.get(v, "#N/A"), "e")
    x = float(v)                                    # number and date cells
    if not math.isfinite(x):
        raise XlsxError("corrupt", "number")
    return Cell(x, "n")
