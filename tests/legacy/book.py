"""A small description of a hand-made workbook, written by openpyxl or xlsxwriter, optionally re-saved by
LibreOffice (as .xlsx or as BIFF8 .xls): what tests/legacy/make_legacy.py builds the corpus with.

The cells are put the way a clerk lays a form out by hand: anywhere on a sheet, merged or not, numbers
typed as numbers or as text, percents as numbers with a % format, formulas with the value Excel would cache.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlsform.layout import col_letter

_REF = re.compile(r"^([A-Z]{1,2})(\d+)$")


def rc(ref: str) -> tuple[int, int]:
    """"B3" -> (2, 1), 0-based."""
    m = _REF.match(ref)
    assert m, ref
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


@dataclass(frozen=True)
class Formula:
    text: str              # "=D7/C7"
    cached: Any            # what Excel shows after calculating it


@dataclass
class Put:
    value: Any
    fmt: str | None = None     # a number format ("0.00%", "@", "0.00")
    wrap: bool = True


@dataclass
class SheetDesc:
    name: str
    cells: dict[tuple[int, int], Put] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)

    def put(self, ref: str, value: Any, fmt: str | None = None) -> None:
        if value is None:
            return
        self.cells[rc(ref)] = Put(value, fmt)

    def row(self, ref: str, values: list[Any], fmt: str | None = None) -> None:
        """Values along a row from `ref`; None leaves a cell empty."""
        r, c = rc(ref)
        for i, v in enumerate(values):
            if v is not None:
                self.cells[(r, c + i)] = Put(v, fmt)

    def merge(self, rng: str, value: Any = None, fmt: str | None = None) -> None:
        a, b = rng.split(":")
        (r1, c1), (r2, c2) = rc(a), rc(b)
        self.merges.append((r1, c1, r2, c2))
        if value is not None:
            self.cells[(r1, c1)] = Put(value, fmt)

    def width(self, col: str, w: float) -> None:
        self.widths[rc(col + "1")[1]] = w


@dataclass
class BookDesc:
    sheets: list[SheetDesc] = field(default_factory=list)

    def sheet(self, name: str) -> SheetDesc:
        s = SheetDesc(name)
        self.sheets.append(s)
        return s


def rows_at(s: SheetDesc, first: int, cols: str, rows: list[list[object]]) -> None:
    """Rows from row `first`, one list per row laid over the column letters in `cols`; a (value, fmt) tuple
    is a number shown with a number format; None leaves the cell empty."""
    letters = cols.split()
    for i, values in enumerate(rows):
        for letter, v in zip(letters, values, strict=False):
            if isinstance(v, tuple):
                s.put(f"{letter}{first + i}", v[0], v[1])
            else:
                s.put(f"{letter}{first + i}", v)


# ------------------------------------------------------------------------------------------ a set of fixtures

Builder = Callable[[], BookDesc]


class Fixtures(dict[str, tuple[str, Builder, str]]):
    """One builder script's fixtures, name -> (file, builder, writer), written into `out`; the five scripts
    (make_legacy.py, make_holdout*.py) differ only in their forms."""

    def __init__(self, out: Path) -> None:
        super().__init__()
        self.out = out

    def add(self, file: str, writer: str) -> Callable[[Builder], Builder]:
        """A decorator; writer: openpyxl, xlsxwriter, or "<writer>+lo" (re-saved by LibreOffice as the file's
        suffix)."""
        def wrap(fn: Builder) -> Builder:
            self[fn.__name__] = (file, fn, writer)
            return fn
        return wrap

    def build(self, name: str) -> Path:
        file, fn, writer = self[name]
        target = self.out / file
        book = fn()
        base, _, lo = writer.partition("+")
        write = write_openpyxl if base == "openpyxl" else write_xlsxwriter
        if not lo:
            write(book, target)
            return target
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp, Path(file).stem + ".xlsx")
            write(book, source)
            libreoffice(source, target)
        return target

    def main(self, argv: list[str]) -> None:
        self.out.mkdir(exist_ok=True)
        for name in argv or list(self):
            print(self.build(name))


# ------------------------------------------------------------------------------------------ writers

def write_openpyxl(book: BookDesc, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    wb = Workbook()
    wb.remove(wb.active)
    for s in book.sheets:
        ws = wb.create_sheet(s.name)
        for (r, c), put in sorted(s.cells.items()):
            cell = ws.cell(row=r + 1, column=c + 1)
            cell.value = put.value.text if isinstance(put.value, Formula) else put.value
            if put.fmt:
                cell.number_format = put.fmt
            cell.alignment = Alignment(wrap_text=put.wrap, vertical="center")
        for r1, c1, r2, c2 in s.merges:
            ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
        for c, w in s.widths.items():
            ws.column_dimensions[col_letter(c)].width = w
    wb.save(path)


def write_xlsxwriter(book: BookDesc, path: Path) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    formats: dict[str | None, Any] = {}

    def fmt(code: str | None) -> Any:
        if code not in formats:
            props: dict[str, Any] = {"text_wrap": True, "valign": "vcenter", "border": 1}
            if code:
                props["num_format"] = code
            formats[code] = wb.add_format(props)
        return formats[code]

    for s in book.sheets:
        ws = wb.add_worksheet(s.name)
        anchors = {(r1, c1): (r1, c1, r2, c2) for r1, c1, r2, c2 in s.merges}
        for r1, c1, r2, c2 in s.merges:
            put = s.cells.get((r1, c1))
            value = "" if put is None else put.value
            f = fmt(put.fmt if put else None)
            if isinstance(value, Formula):
                ws.merge_range(r1, c1, r2, c2, "", f)
                ws.write_formula(r1, c1, value.text, f, value.cached)
            elif isinstance(value, str):
                ws.merge_range(r1, c1, r2, c2, "", f)
                ws.write_string(r1, c1, value, f)
            else:
                ws.merge_range(r1, c1, r2, c2, value, f)
        for (r, c), put in sorted(s.cells.items()):
            if (r, c) in anchors:
                continue
            f = fmt(put.fmt)
            if isinstance(put.value, Formula):
                ws.write_formula(r, c, put.value.text, f, put.value.cached)
            elif isinstance(put.value, str):
                ws.write_string(r, c, put.value, f)
            else:
                ws.write_number(r, c, put.value, f)
        for c, w in s.widths.items():
            ws.set_column(c, c, w)
    wb.close()


def libreoffice(source: Path, target: Path) -> None:
    """Open `source` in LibreOffice and save it as `target` (.xlsx: "Calc MS Excel 2007 XML"; .xls: BIFF8)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed to write this fixture")
    filt = {".xlsx": "xlsx:Calc MS Excel 2007 XML", ".xls": "xls:MS Excel 97"}[target.suffix]
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp, "profile").as_uri()
        out = Path(tmp, "out")
        subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", filt,
                        "--outdir", str(out), str(source)], check=True, capture_output=True, timeout=120)
        produced = out / (source.stem + target.suffix)
        shutil.move(produced, target)
