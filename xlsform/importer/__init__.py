"""Forms xlsform did not write, read by their printed labels into the same Record its own forms give.

    forms = import_workbook(reader, raw_workbook, file)      # [] when no sheet holds a form

The room's steps, each a module: `grid` (every cell with its address, value, shown text, label and merged
range), `lexicon` (the specs' [import] vocabularies), `tables` (the indicator and fund tables, by their
headers), `scalars` (single fields beside their labels, the year in the title), `forms` (where each form on a
sheet starts and ends, what it prints), `build` (the spec it matches best, and the Record). The reader calls
it for a workbook without xlsform's metadata; values are normalised by the reader's own functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from xlsform.codes import make
from xlsform.importer.build import Built, choose_spec
from xlsform.importer.forms import Found, read_sheet
from xlsform.importer.grid import Grid
from xlsform.importer.lexicon import lexicon
from xlsform.layout import a1
from xlsform.spec import Spec, known_specs
from xlsform.xlsx import RawWorkbook, Sheet, WorkbookReader


@dataclass
class ImportedWorkbook(RawWorkbook):
    """The raw workbook of an imported form: `form` is the sheet it was read from, `located` every field the
    form prints (filled or empty) -> "Sheet!C6", so that findings name cells of the unit's own file;
    `withheld` the fields whose cell shows a value the importer left out (reported when it was)."""

    imported: bool = True
    located: dict[str, str] = field(default_factory=dict)
    withheld: frozenset[str] = frozenset()
    dashed: frozenset[str] = frozenset()       # indicator cells printing only "—" or "/": empty on purpose


@dataclass
class Imported:
    built: Built
    sheet: Sheet
    notes: list[Any] = field(default_factory=list)

    def workbook(self, raw: RawWorkbook) -> ImportedWorkbook:
        wb = ImportedWorkbook(**{f.name: getattr(raw, f.name) for f in fields(RawWorkbook)})
        wb.form, wb.located = self.sheet, dict(self.built.located)
        wb.withheld = frozenset(self.built.found.withheld)
        wb.dashed = frozenset(self.built.found.dashed)
        return wb


# A real workbook holds a few forms; these bound what a hostile one (a thousand sheets on one part) costs.
MAX_SHEETS = 50
MAX_FORMS = 50


def import_workbook(rdr: WorkbookReader, raw: RawWorkbook, file: str, specs: tuple[Spec, ...] | None = None
                    ) -> list[Imported]:
    """Every form on the workbook's visible sheets, in sheet order; a table pasted twice counts once."""
    specs = specs or known_specs()
    lex = lexicon(specs)
    long_fields = _long_fields(specs)
    formats = rdr.number_formats()
    out: list[Imported] = []
    seen: dict[frozenset[tuple[str, str]], Imported] = {}
    sheets = _sheets(rdr, raw)
    for info in sheets[:MAX_SHEETS]:
        sheet = rdr.sheet(info.name)
        grid = Grid.of(sheet, _formats_of(sheet, formats))
        for found in read_sheet(grid, lex, long_fields):
            first = _copy_of(found.signature(), seen)
            if first is not None:
                _duplicate(first, found, file)
                continue
            spec = choose_spec(found, specs, lex)
            found.settle(lex.own[spec.id])
            form = Imported(Built(found, spec, file), sheet)
            seen[found.signature()] = form
            out.append(form)
        if len(out) >= MAX_FORMS:
            break
    if len(out) > 1:
        _several(out, file)
    if out and (len(sheets) > MAX_SHEETS or len(out) >= MAX_FORMS):
        out[0].built.findings.append(make("XF181", file=file, value=len(sheets), expected=MAX_SHEETS))
    return out[:MAX_FORMS]


def _copy_of(signature: frozenset[tuple[str, str]], seen: dict[frozenset[tuple[str, str]], Imported]
             ) -> Imported | None:
    """The form this one repeats: the same values, or some of them and nothing else (the table pasted again
    without the title and names above it)."""
    hit = seen.get(signature)
    if hit is not None or not any(k.startswith(("ind.", "fund.")) for k, _ in signature):
        return hit
    return next((form for sig, form in seen.items() if signature < sig), None)


def _sheets(rdr: WorkbookReader, raw: RawWorkbook) -> list[Any]:
    """The visible sheets, each part once (two sheets naming one part are one sheet)."""
    out, parts = [], set()
    for info in raw.sheets:
        if info.state == "visible" and rdr.has_sheet(info.name) and info.path not in parts:
            parts.add(info.path)
            out.append(info)
    return out


def _formats_of(sheet: Sheet, formats: dict[int, str]) -> Any:
    styles = sheet.styles
    return lambda r, c: formats.get(styles.get((r, c), 0))


def _long_fields(specs: tuple[Spec, ...]) -> frozenset[str]:
    """Fields printed as a header with their text under it (goals, reasons): long text in any spec."""
    return frozenset(f.key for s in specs for f in s.scalar_fields() if f.type == "longtext")


def _duplicate(first: Imported, again: Found, file: str) -> None:
    f = first.built.found
    first.built.findings.append(make("XF174", file=file, sheet=again.sheet, cell=a1(*again.origin),
                                     expected=f"{f.sheet}!{a1(*f.origin)}"))


def _several(forms: list[Imported], file: str) -> None:
    where = "、".join(f"{f.built.found.sheet}!{a1(*f.built.found.origin)}" for f in forms[:6])
    for f in forms:
        f.built.findings.append(make("XF177", file=file, sheet=f.built.found.sheet, cell=a1(*f.built.found.origin),
                                     value=len(forms), expected=where))
