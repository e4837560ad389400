"""Many workbooks of one structure: xlsxwriter writes the first, the others are its bytes with their own values.

A batch of forms from one spec differs between units only in what the cells hold: every label, format,
merge, validation, defined name, style and the sheet protection are the same, and so are 10 of a form's 13
zip parts. For each unit the form writer runs against a `record.Recording` (cheap: nothing is built); when
the recording's structure (every call and argument except the cells' values) equals one seen before, the
unit's workbook is that earlier workbook with the unit's values in its holes:

- worksheets: every cell written with a value (its shared-string index, number or cached formula result)
  and every row tag whose height was set are holes in the XML xlsxwriter wrote; the text between them is
  copied;
- the shared strings and the custom properties are written again (by xlsxwriter's own part writers, each
  shared string item rendered once per process);
- every other part is copied as compressed bytes (`zipparts`).

The first unit of a structure is written by xlsxwriter itself (that is its file), and the stencil is built
from that run. A stencil is only used once it has reproduced that first file byte for byte from its own
recording; a stencil that cannot is never used (its units are written by xlsxwriter).
`tests/test_stencil.py` compares stencil and xlsxwriter files byte for byte over generated units.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Hashable
from typing import Any, ClassVar

import xlsxwriter
from xlsxwriter.custom import Custom
from xlsxwriter.sharedstrings import SharedStrings
from xlsxwriter.xmlwriter import XMLwriter

from xlsform.writer.record import NUMBER, STRING, Recording
from xlsform.writer.zipparts import ZipCopyError, read_entries, write_archive

ROW = "row"
SHARED_STRINGS = "xl/sharedStrings.xml"
CUSTOM = "docProps/custom.xml"
SHEET_PART = "xl/worksheets/sheet{}.xml"
_escape = XMLwriter._escape_data   # xlsxwriter's own escaping of a formula's cached text
# A shared string xlsxwriter writes other than as <si><t>escaped text</t></si>: with leading or trailing
# space (xml:space), a control character or "_xHHHH_" (escaped), or rich text; those take its own writer.
_NOT_PLAIN = re.compile(r"^\s|\s$|^<r>|_x|[\x00-\x08\x0b-\x1f\ufffe\uffff]")


class _Marking:
    """Worksheet mixin for the first unit's run: where each cell and row tag went in the sheet's XML."""

    def __init__(self) -> None:
        super().__init__()
        self.cell_marks: dict[tuple[int, int], tuple[int, int]] = {}
        self.row_marks: dict[int, tuple[int, int, str | None, bool]] = {}

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        start = self.fh.tell()
        super()._write_cell(row, col, cell)  # type: ignore[misc]
        self.cell_marks[row, col] = (start, self.fh.tell())

    def _write_row(self, row: int, spans: str | None, row_info: Any = None, empty_row: bool = False) -> None:
        start = self.fh.tell()
        super()._write_row(row, spans, row_info, empty_row)  # type: ignore[misc]
        self.row_marks[row] = (start, self.fh.tell(), spans, empty_row)

    fh: Any


_MARKING: dict[type, type] = {}


class MarkingWorkbook(xlsxwriter.Workbook):  # type: ignore[misc]
    """An xlsxwriter workbook whose worksheets remember where their cells went."""

    def add_worksheet(self, name: str | None = None, worksheet_class: Any = None) -> Any:
        cls = worksheet_class or self.worksheet_class
        marking = _MARKING.get(cls)
        if marking is None:
            marking = _MARKING[cls] = type(f"Marking{cls.__name__}", (_Marking, cls), {})
        return super().add_worksheet(name, marking)


# ------------------------------------------------------------------------------------------ renderers

def _number(value: Any) -> str:
    return f"{value:.16G}"           # as xlsxwriter's _xml_number_element


def _formula_result(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"   # as xlsxwriter's _write_cell for a boolean result
    return f"{_escape(None, value)}"


class _SheetStencil:
    """One worksheet's XML as literal text around holes: values of cells, row tags with a set height."""

    def __init__(self, text: str, sheet: Any, recorded: Any) -> None:
        holes: list[tuple[int, int, str, Any]] = []
        for (row, col), (kind, _) in recorded.cells.items():
            start, end = sheet.cell_marks[row, col]
            chunk = text[start:end]
            if not chunk.endswith("</v></c>"):
                raise ZipCopyError(f"cell {row},{col} has no value element")
            holes.append((start + chunk.rindex("<v>") + 3, end - 8, kind, (row, col)))
        for row in recorded.heights:
            start, end, _, _ = sheet.row_marks[row]
            holes.append((start, end, ROW, row))
        holes.sort(key=lambda h: h[0])
        self.literals: list[str] = []
        pos = 0
        for start, end, _, _ in holes:
            self.literals.append(text[pos:start])
            pos = end
        self.literals.append(text[pos:])
        self.holes = [(kind, key) for _, _, kind, key in holes]
        self._sheet = sheet
        self._row_tags: dict[tuple[int, float | None], str] = {}

    def render(self, recorded: Any) -> str:
        cells, heights = recorded.cells, recorded.heights
        out = [self.literals[0]]
        append = out.append
        for (kind, key), literal in zip(self.holes, self.literals[1:], strict=True):
            if kind == ROW:
                append(self._row_tag(key, heights[key]))
            else:
                value = cells[key][1]
                append(str(value) if kind == STRING else _number(value) if kind == NUMBER
                       else _formula_result(value))
            append(literal)
        return "".join(out)

    def _row_tag(self, row: int, height: float | None) -> str:
        """The row's opening tag with this height, as xlsxwriter writes it (rendered once per height)."""
        tag = self._row_tags.get((row, height))
        if tag is None:
            sheet = self._sheet
            _, _, spans, empty = sheet.row_marks[row]
            info = sheet.row_info[row]
            sheet.set_row(row, height, info.row_format,
                          {"hidden": info.hidden, "level": info.level, "collapsed": info.collapsed})
            sheet.fh = io.StringIO()
            sheet._write_row(row, spans, sheet.row_info[row], empty)
            tag = self._row_tags[(row, height)] = sheet.fh.getvalue()
        return tag


class _StringTable:
    """What xlsxwriter's SharedStrings part writer reads from a workbook's string table."""

    def __init__(self, strings: dict[str, int], count: int) -> None:
        self.count, self.unique_count, self.string_array = count, len(strings), list(strings)


class _Parts:
    """Renders the shared strings and custom properties parts with xlsxwriter's own writers; each shared
    string item is rendered once per process (labels and list items recur in every unit)."""

    _items: ClassVar[dict[str, str]] = {}
    _LIMIT = 100_000

    @classmethod
    def shared_strings(cls, rec: Recording) -> str:
        head = SharedStrings()
        head.fh = io.StringIO()
        head.string_table = _StringTable(rec.strings, rec.string_count)
        head._xml_declaration()
        head._write_sst()
        items = cls._items
        if len(items) > cls._LIMIT:
            items.clear()
        body = [items.get(text) or cls._item(text) for text in rec.strings]
        return str(head.fh.getvalue()) + "".join(body) + "</sst>"

    @classmethod
    def _item(cls, text: str) -> str:
        if _NOT_PLAIN.search(text):   # escapes, kept spaces: xlsxwriter's own writer
            writer = SharedStrings()
            writer.fh = io.StringIO()
            writer._write_si(text)
            item = str(writer.fh.getvalue())
        elif "&" in text or "<" in text or ">" in text:
            item = "<si><t>" + text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</t></si>"
        else:
            item = "<si><t>" + text + "</t></si>"
        cls._items[text] = item
        return item

    @staticmethod
    def custom(rec: Recording) -> str:
        writer = Custom()
        writer._set_properties([[name, value, "text"] for name, value in rec.properties])
        writer._set_xml_writer(io.StringIO())
        writer._assemble_xml_file()
        return str(writer.fh.getvalue())


class Stencil:
    """A workbook of one structure, ready to take another unit's values."""

    def __init__(self, archive: bytes, book: Any, rec: Recording) -> None:
        self.entries, self.comment = read_entries(archive)
        parts = {e.name: e for e in self.entries}
        self.renderers: dict[str, Callable[[Recording], str]] = {SHARED_STRINGS: _Parts.shared_strings,
                                                                CUSTOM: _Parts.custom}
        for i, (sheet, recorded) in enumerate(zip(book.worksheets(), rec.sheets, strict=True)):
            part = SHEET_PART.format(i + 1)
            text = parts[part].inflated().decode("utf-8")
            self.renderers[part] = _sheet_renderer(_SheetStencil(text, sheet, recorded), i)

    def render(self, rec: Recording) -> bytes:
        entries = [e.replaced(self.renderers[e.name](rec).encode("utf-8")) if e.name in self.renderers else e
                   for e in self.entries]
        return write_archive(entries, self.comment)


def _sheet_renderer(stencil: _SheetStencil, index: int) -> Callable[[Recording], str]:
    return lambda rec: stencil.render(rec.sheets[index])


def build(archive: bytes, book: Any, rec: Recording) -> Stencil | None:
    """The stencil of a workbook xlsxwriter wrote (`book`, a MarkingWorkbook) for recording `rec`; None when
    the stencil cannot reproduce that very file (then its structure is always written by xlsxwriter)."""
    try:
        stencil = Stencil(archive, book, rec)
        return stencil if stencil.render(rec) == archive else None
    except Exception:   # anything it cannot do (an xlsxwriter whose internals changed): no stencil, no failure
        return None


StructureKey = tuple[tuple[Hashable, ...], bool]


def structure_key(rec: Recording) -> StructureKey:
    # whether there is a shared strings part at all is decided by the values (no text, no part)
    return tuple(rec.structure), rec.string_count > 0
