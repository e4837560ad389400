"""One form workbook: a locked prefilled template, a filled return, or an annotated copy.

Everything about the layout comes from `Layout` (the spec); this module decides only how a cell looks,
whether it is locked, and what validation it carries. A cell is unlocked exactly when the unit must fill it
(`plan_form`). xlsxwriter reports bad arguments with a warning and a negative return code only, so every
call that can fail goes through `_ok`, which raises instead.
"""

from __future__ import annotations

import io
import secrets
import weakref
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, TypeGuard

import xlsxwriter
from xlsxwriter.utility import xl_cell_to_rowcol
from xlsxwriter.worksheet import Worksheet

from xlsform import __version__, prefill
from xlsform.codes import Finding
from xlsform.errors import XlsformError
from xlsform.fsutil import atomic_output
from xlsform.layout import FINDINGS_SHEET, LISTS_SHEET, META_SHEET, LabelPlace, Layout, Place, a1, col_letter
from xlsform.spec import EXCEL_TEXT_LIMIT, NUMERIC_TYPES, Field
from xlsform.writer import styles
from xlsform.writer.measure import text_height
from xlsform.writer.record import Recording, Unsupported
from xlsform.writer.stencil import MarkingWorkbook, Stencil, StructureKey, build, structure_key
from xlsform.writer.styles import Formats

# Text stays text: a value such as "=HYPERLINK(...)" or "00123" must never become a formula or a number.
WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
# Strict protection: the unit may select cells and type into unlocked ones, nothing else.
PROTECT_OPTIONS = {"select_locked_cells": True, "select_unlocked_cells": True}
SEVERITY_ORDER = {"info": 0, "warning": 1, "error": 2}
SEVERITY_LABEL = {"error": "错误", "warning": "警告", "info": "提示"}
PAGE_FOOTER = "&C第 &P 页，共 &N 页"


class WriterError(XlsformError):
    """xlsxwriter refused an argument (it only warns); raised so a broken workbook is never delivered."""


class FormSheet(Worksheet):  # type: ignore[misc]
    """A worksheet whose `growing_rows` carry a height without fixing it.

    xlsxwriter marks every height it writes as set by hand (customHeight). Left out, the height is only where
    the row starts: LibreOffice prints it as written (it does not fit rows when it opens a file), and both
    Excel and LibreOffice fit the row again when the unit types into it, even on the protected sheet.
    """

    def __init__(self) -> None:
        super().__init__()
        self.growing_rows: frozenset[int] = frozenset()

    def _xml_start_tag_unencoded(self, tag: str, attributes: Any = ()) -> None:
        super()._xml_start_tag_unencoded(tag, self._row_attributes(tag, attributes))

    def _xml_empty_tag_unencoded(self, tag: str, attributes: Any = ()) -> None:
        super()._xml_empty_tag_unencoded(tag, self._row_attributes(tag, attributes))

    def _row_attributes(self, tag: str, attributes: Any) -> Any:
        if tag != "row" or not attributes or int(attributes[0][1]) - 1 not in self.growing_rows:
            return attributes
        return [(k, v) for k, v in attributes if k != "customHeight"]


# ---------------------------------------------------------------------------------------------- plan

@dataclass(frozen=True)
class FormPlan:
    """Which fields the unit fills (unlocked) and which indicator rows are hidden."""

    unlocked: frozenset[str]
    locked_prefill: frozenset[str]
    prefilled_rows: int              # indicator rows prefilled by the finance office; 0 = the unit adds them
    hidden_rows: frozenset[int]      # 0-based sheet rows


def present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def plan_form(layout: Layout, values: Mapping[str, Any], locked: Collection[str] | None = None) -> FormPlan:
    """Computed cells and prefilled fields are locked; input fields and empty prefill fields are the unit's.

    When any indicator row is prefilled, the rows beyond the prefilled ones are locked and hidden: the
    indicator set was approved with the budget and is not the unit's to extend. An input the spec makes
    `prefillable` (执行数 B from the treasury system) is locked like a prefill field when it is given.
    """
    if locked is None:
        locked = [k for k, v in values.items() if present(v)]
    lock = frozenset(k for k in locked if k in layout.places and layout.places[k].field.locks_when_given)
    rows = max((layout.places[k].index or 0 for k in lock), default=0)
    unlocked = frozenset(
        k for k, p in layout.places.items()
        if p.field.role != "computed" and k not in lock and not (rows and (p.index or 0) > rows))
    hidden = frozenset(layout.ind_first_row + i - 1 for i in range(rows + 1, layout.n + 1)) if rows else frozenset()
    return FormPlan(unlocked, lock, rows, hidden)


# --------------------------------------------------------------------------------------------- entry

def write_form(target: str | Path | IO[bytes], layout: Layout, values: Mapping[str, Any], *,
               password: str | None = None, locked: Collection[str] | None = None,
               meta: Mapping[str, str] | None = None, findings: Sequence[Finding] = (),
               prefilled: Mapping[str, Any] | None = None) -> None:
    """Write one form workbook to a path (atomically, replacing any file there) or a binary stream."""
    data = form_bytes(layout, values, password=password, locked=locked, meta=meta, findings=findings,
                      prefilled=prefilled)
    if isinstance(target, str | Path):
        with atomic_output(target, force=True) as fh:
            fh.write(data)
    else:
        target.write(data)


def form_bytes(layout: Layout, values: Mapping[str, Any], *, password: str | None = None,
               locked: Collection[str] | None = None, meta: Mapping[str, str] | None = None,
               findings: Sequence[Finding] = (), prefilled: Mapping[str, Any] | None = None) -> bytes:
    """The workbook as bytes; see `write_form`. `prefilled`: what was sent, for the copy the workbook carries
    in `_xf_meta` (an annotated copy passes the original, not what the unit changed); default: `values`."""
    job = _Job(layout, values, password, locked, meta, findings, prefilled)
    return job.xlsxwriter(xlsxwriter.Workbook)[0]


class FormBatch:
    """Form bytes for many units, each exactly what `form_bytes` writes: the first unit of each structure is
    written by xlsxwriter, the others through its stencil (`writer/stencil.py`), which holds the parts that
    do not change between units built once. One batch per worker process; it keeps at most `LIMIT`
    structures (a batch has a handful: one per pattern of prefilled fields)."""

    LIMIT = 64

    def __init__(self) -> None:
        self._stencils: dict[StructureKey, Stencil | None] = {}
        self.stencilled = 0      # units written through a stencil (tests and benchmarks read it)

    def form_bytes(self, layout: Layout, values: Mapping[str, Any], *, password: str | None = None,
                   locked: Collection[str] | None = None, meta: Mapping[str, str] | None = None,
                   prefilled: Mapping[str, Any] | None = None) -> bytes:
        job = _Job(layout, values, password, locked, meta, (), prefilled)
        rec = Recording()
        try:
            job.write(rec)
        except Unsupported:
            return job.xlsxwriter(xlsxwriter.Workbook)[0]
        key = structure_key(rec)
        if key in self._stencils:
            stencil = self._stencils[key]
            if stencil is not None:
                try:
                    data = stencil.render(rec)
                    self.stencilled += 1
                    return data
                except Exception:   # a value it cannot take: that structure goes to xlsxwriter from now on
                    self._stencils[key] = None
            return job.xlsxwriter(xlsxwriter.Workbook)[0]
        data, book = job.xlsxwriter(MarkingWorkbook)
        if len(self._stencils) >= self.LIMIT:
            self._stencils.clear()
        self._stencils[key] = build(data, book, rec)
        return data


@dataclass
class _Job:
    """One form's inputs, written through any workbook (xlsxwriter's, a marking one, or a recording)."""

    layout: Layout
    values: Mapping[str, Any]
    password: str | None
    locked: Collection[str] | None
    meta: Mapping[str, str] | None
    findings: Sequence[Finding]
    prefilled: Mapping[str, Any] | None

    def __post_init__(self) -> None:
        self.plan = plan_form(self.layout, self.values, self.locked)
        copy = prefill.meta_rows(self.values if self.prefilled is None else self.prefilled,
                                 [k for k in self.layout.places if k in self.plan.locked_prefill])
        self.meta_rows = {**copy, **dict(self.meta or {})}
        if self.password is None:
            self.password = secrets.token_urlsafe(12)

    def write(self, workbook: Any) -> None:
        _FormWriter(workbook, self.layout, self.values, self.plan, self.findings).write(
            str(self.password), self.meta_rows)

    def xlsxwriter(self, workbook_class: Any) -> tuple[bytes, Any]:
        buf = io.BytesIO()
        workbook = workbook_class(buf, WORKBOOK_OPTIONS)
        try:
            self.write(workbook)
        finally:
            workbook.close()
        return buf.getvalue(), workbook


def _ok(rc: Any, what: str, *detail: Any) -> None:
    """`what` and `detail` name the call in the error (joined only then: this runs for every cell)."""
    if isinstance(rc, int) and rc < 0:
        raise WriterError(f"写出工作簿失败：{' '.join(map(str, (what, *detail)))}（xlsxwriter 返回 {rc}）")


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


# --------------------------------------------------------------------------------------------- writer

class _FormWriter:
    def __init__(self, workbook: Any, layout: Layout, values: Mapping[str, Any], plan: FormPlan,
                 findings: Sequence[Finding]) -> None:
        self.wb = workbook
        self.layout = layout
        self.spec = layout.spec
        self.values = values
        self.plan = plan
        self.findings = list(findings)
        self.fmt = Formats(workbook)
        self.sheet_ref = quote_sheet(self.spec.sheet)
        self.marks = _marks(self.findings, self.spec.sheet)
        self.static = _static(layout)
        # Cached results for the formulas, so viewers that do not recalculate show the true numbers.
        self.recomputed = layout.recompute(dict(values))

    def write(self, password: str, meta: dict[str, str]) -> None:
        ws = self.wb.add_worksheet(self.spec.sheet, worksheet_class=FormSheet)
        ws.growing_rows = self.static.growing_rows
        self._cells(ws)
        self._validations(ws)
        self._conditional_formats(ws)
        self._page(ws)
        self._names()
        if self.findings:
            self._comments(ws)
            _findings_sheet(self.wb, self.fmt, self.findings, self.spec.sheet)
        ws.protect(password, PROTECT_OPTIONS)
        self._lists_sheet(password)
        self._meta(password, meta)

    # ------------------------------------------------------------------------------------ cells

    def _cells(self, ws: Any) -> None:
        static = self.static
        marks = self.marks
        for lab, edge in static.labels:
            fmt = self.fmt.cell(lab.style, mark=marks.get((lab.row, lab.col)) if marks else None, open_edge=edge)
            self._span(ws, lab.row, lab.col, lab.last_row, lab.last_col, fmt)
            if lab.text:
                _ok(ws.write_string(lab.row, lab.col, lab.text, fmt), "label", lab.text[:10])
        self._places(ws)
        hidden = self.plan.hidden_rows
        for r, c, style in static.blanks:
            if r not in hidden:
                ws.write_blank(r, c, None, self.fmt.cell(style, mark=marks.get((r, c)) if marks else None))
        hidden_cols = self._hidden_columns()
        for c, width in enumerate(static.widths):
            ws.set_column(c, c, width, None, {"hidden": True} if c in hidden_cols else None)
        for r in range(self.layout.last_row + 1):
            height = self._row_height(r)
            if height is not None or r in hidden:
                ws.set_row(r, height, None, {"hidden": True} if r in hidden else None)

    def _hidden_columns(self) -> frozenset[int]:
        """Indicator columns the spec shows only when filled (上年完成值) that no row of this form fills: a
        hidden column prints nothing, so a form without last year's figures keeps its width and scale."""
        return frozenset(c for c, keys in self.static.optional_columns.items()
                         if not any(present(self.values.get(k)) for k in keys))

    def _row_height(self, row: int) -> float | None:
        """The spec's height, grown so text in a one-row field prints whole (no viewer fits a row whose height
        is set, nor merged cells, and the unit cannot resize rows on the protected sheet).

        A row the unit types long text into (`FormSheet.growing_rows`) gets the height of the text it holds,
        none when empty: the spreadsheet fits it again as the unit types, so a blank form stays compact.
        """
        height, texts = self.static.rows[row]
        for key, width in texts:
            value = self.values.get(key)
            if isinstance(value, str) and value:
                height = max(height or 0, text_height(value, width))
        return height

    @staticmethod
    def _span(ws: Any, r0: int, c0: int, r1: int, c1: int, fmt: Any) -> None:
        if r0 != r1 or c0 != c1:
            _ok(ws.merge_range(r0, c0, r1, c1, "", fmt), "merge", a1(r0, c0))

    def _places(self, ws: Any) -> None:
        """Every field's cell: its format, its merge, and its value or formula with the cached result.

        Hidden indicator rows get no cells at all: an unformatted cell is locked under protection, and the
        rows cannot be unhidden on a protected sheet. This is a third of a short form's cells. (One loop with
        what each field needs worked out per layout: it runs for every field of every form of a batch.)
        """
        values, unlocked, marks, hidden = self.values, self.plan.unlocked, self.marks, self.plan.hidden_rows
        formulas, cell = self.static.formulas, self.fmt.cell
        for place, merged, computed, numeric, (style, num_format, align, top) in self.static.places:
            key, r, c = place.key, place.row, place.col
            if r in hidden and not values.get(key):
                continue
            fmt = cell(style, num_format=num_format, unlocked=key in unlocked, align=align, top=top,
                       mark=marks.get((r, c)) if marks else None)
            if merged:
                _ok(ws.merge_range(r, c, place.last_row, place.last_col, "", fmt), "merge", a1(r, c))
            if computed:
                _ok(ws.write_formula(r, c, formulas[key], fmt, _cached(self.recomputed.get(key))), "formula", key)
                continue
            value = values.get(key)
            if not present(value):
                ws.write_blank(r, c, None, fmt)
            elif numeric and _is_number(value):
                _ok(ws.write_number(r, c, float(value), fmt), "number", key)
            else:
                text = value if type(value) is str else _as_text(value)
                if len(text) > EXCEL_TEXT_LIMIT:
                    raise WriterError(f"「{place.field.label}」的文字超过 Excel 单元格上限 {EXCEL_TEXT_LIMIT} 字")
                _ok(ws.write_string(r, c, text, fmt), "text", key)

    # ------------------------------------------------------------------------------ validation

    def _validations(self, ws: Any) -> None:
        for first, last in self._input_runs():
            f = first.field
            options = _validation(f, self._row_ref(first, f.max) if isinstance(f.max, str) else None,
                                  self._row_ref(first, "level1") if f.choices == "level2" else None)
            rc = ws.data_validation(first.row, first.col, last.last_row, last.last_col, options)
            _ok(rc, f"data validation {first.key}")

    def _input_runs(self) -> Iterator[tuple[Place, Place]]:
        """Unlocked places as ranges: scalars alone, indicator columns in runs of consecutive rows."""
        run: list[Place] = []
        for place in self.static.by_column:
            if place.key not in self.plan.unlocked:
                continue
            if run and place.index and run[-1].index == place.index - 1 and run[-1].col == place.col:
                run.append(place)
                continue
            if run:
                yield run[0], run[-1]
            run = [place]
        if run:
            yield run[0], run[-1]

    def _row_ref(self, place: Place, column: str) -> str:
        """A column-absolute, row-relative reference to another field of the same indicator row."""
        other = self.layout.place(f"ind.{place.index}.{column}")
        return f"${col_letter(other.col)}{other.row + 1}"

    # ------------------------------------------------------------------------ conditional formats

    def _conditional_formats(self, ws: Any) -> None:
        red, yellow = self.fmt.get(styles.CF_ERROR), self.fmt.get(styles.CF_WARNING)
        layout, rules = self.layout, self.spec.rules
        s, w = layout.ref("ind.1.score"), layout.ref("ind.1.weight")
        self._cf(ws, layout.column_range("score"), f"=AND(ISNUMBER({s}),{s}>N({w}))", red)
        tw = a1(layout.place("total.weight").row, layout.place("total.weight").col, absolute=True)
        self._cf(ws, layout.place("total.weight").range_ref, f"=ROUND(N({tw}),2)<>100", red)
        if "ind.1.reason" in layout.places:
            r = layout.ref("ind.1.reason")
            self._cf(ws, layout.column_range("reason"), f"=AND(ISNUMBER({s}),{s}<N({w}),LEN(TRIM({r}))=0)",
                     yellow)
        rate_key = f"fund.{self.spec.scored_fund_row}.rate"
        if "execution.reason" in layout.places and rate_key in layout.places:
            reason, rate = layout.place("execution.reason"), layout.place(rate_key)
            ra, rr = a1(rate.row, rate.col, True), a1(reason.row, reason.col, True)
            rule = f"=AND(ISNUMBER({ra}),{ra}<{rules.reason_below_rate!r},LEN(TRIM({rr}))=0)"
            self._cf(ws, reason.range_ref, rule, yellow)

    @staticmethod
    def _cf(ws: Any, ref: str, formula: str, fmt: Any) -> None:
        _ok(ws.conditional_format(ref, {"type": "formula", "criteria": formula, "format": fmt}),
            f"conditional format {ref}")

    # ------------------------------------------------------------------------------ page setup

    def _page(self, ws: Any) -> None:
        ws.hide_gridlines(2)
        ws.set_paper(9)  # A4
        if self.spec.landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.fit_to_pages(1, 0)
        ws.center_horizontally()
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.7)
        ws.repeat_rows(*self.layout.ind_header_rows)
        ws.print_area(0, 0, self.layout.last_row, self.layout.last_col)
        ws.set_footer(PAGE_FOOTER)

    # ------------------------------------------------------------------------------ names, sheets

    def _names(self) -> None:
        _define_names(self.wb, self.static.names)

    def _lists_sheet(self, password: str) -> None:
        ws = self.wb.add_worksheet(LISTS_SHEET)
        for col, (name, items) in enumerate(self.layout.lists().items()):
            for row, item in enumerate(items):
                _ok(ws.write_string(row, col, item), "list", name)
            last = max(len(items), 1)
            ref = f"={quote_sheet(LISTS_SHEET)}!${col_letter(col)}$1:${col_letter(col)}${last}"
            _ok(self.wb.define_name(name, ref), f"defined name {name}")
        ws.hide()
        ws.protect(password, PROTECT_OPTIONS)

    def _meta(self, password: str, extra: dict[str, str]) -> None:
        created = extra.get("generated_at")
        rows = metadata(self.layout, self.values)
        rows |= {str(k): str(v) for k, v in extra.items() if k not in rows}   # extras never change the identity
        ws = self.wb.add_worksheet(META_SHEET)
        for r, (key, value) in enumerate(rows.items()):
            _ok(ws.write_string(r, 0, key), "meta", key)
            _ok(ws.write_string(r, 1, value), "meta", key)
        ws.very_hidden()
        ws.protect(password, PROTECT_OPTIONS)
        for key in ("spec_id", "spec_version", "code", "year"):
            if rows.get(key):
                _ok(self.wb.set_custom_property(f"xf_{key}", rows[key]), f"property xf_{key}")
        props: dict[str, Any] = {"title": self.spec.name, "author": "xlsform", "comments": rows["generator"]}
        props["created"] = _parse_time(created) if created else datetime.now(UTC).replace(tzinfo=None)
        self.wb.set_properties(props)

    # ------------------------------------------------------------------------------ annotations

    def _comments(self, ws: Any) -> None:
        by_cell: dict[tuple[int, int], list[str]] = {}
        for f in self.findings:
            rc = _finding_cell(f, self.spec.sheet)
            if rc is not None:
                by_cell.setdefault(rc, []).append(f"[{SEVERITY_LABEL.get(f.severity, f.severity)}] {f.message}")
        for (r, c), messages in by_cell.items():
            text = "\n".join(messages)[:EXCEL_TEXT_LIMIT]
            _ok(ws.write_comment(r, c, text, {"author": "xlsform", "x_scale": 2.5, "y_scale": 2}),
                f"comment {a1(r, c)}")


def metadata(layout: Layout, values: Mapping[str, Any]) -> dict[str, str]:
    """The `_xf_meta` rows (and `xf_` document properties) that identify a workbook."""
    return {
        "spec_id": layout.spec.id,
        "spec_version": layout.spec.version,
        "code": _as_text(values.get("code")) if present(values.get("code")) else "",
        "year": _as_text(values.get("year")) if present(values.get("year")) else "",
        "indicator_rows": str(layout.n),
        "generator": f"xlsform {__version__}",
    }


# --------------------------------------------------------------------------------- per-layout cache

@dataclass(frozen=True)
class _Static:
    """What depends on the layout only, computed once per Layout: a batch writes hundreds of forms from one."""

    blanks: tuple[tuple[int, int, str | None], ...]   # cells inside the form that no label or field covers
    formulas: dict[str, str]
    names: tuple[tuple[str, str], ...]
    by_column: tuple[Place, ...]                      # scalars, then indicator places column by column
    text_by_row: dict[int, tuple[Place, ...]]         # one-row text fields, for growing rows to fit
    label_heights: dict[int, float]                   # the height one-row labels need
    growing_rows: frozenset[int]                      # rows left to the spreadsheet to fit (see _row_height)
    widths: tuple[float, ...]                         # each column's width
    # each field with: merged, computed, numeric, and its format's style, number format, align, top
    places: tuple[tuple[Place, bool, bool, bool, tuple[str | None, str, str | None, bool]], ...]
    labels: tuple[tuple[LabelPlace, str | None], ...]  # as written (printed_labels), each with its open edge
    # each row's height before the text it holds (None: the default, or left to grow), and its one-row text
    # fields with their widths
    rows: tuple[tuple[float | None, tuple[tuple[str, float], ...]], ...]
    optional_columns: dict[int, tuple[str, ...]]      # hide_empty columns: column -> the keys that show it
    optional_letters: frozenset[str]                  # the same columns' letters


_STATIC: weakref.WeakKeyDictionary[Layout, _Static] = weakref.WeakKeyDictionary()


def _static(layout: Layout) -> _Static:
    static = _STATIC.get(layout)
    if static is None:
        static = _STATIC[layout] = _build_static(layout)
    return static


def _build_static(layout: Layout) -> _Static:
    spans = [(p.row, p.col, p.last_row, p.last_col) for p in layout.places.values()]
    spans += [(lab.row, lab.col, lab.last_row, lab.last_col) for lab in layout.labels]
    covered = {(r, c) for r0, c0, r1, c1 in spans for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    borderless = {r for lab in layout.labels if lab.style in styles.BORDERLESS
                  for r in range(lab.row, lab.last_row + 1)}
    borderless |= {r for p in layout.places.values() if p.field.style in styles.BORDERLESS
                   for r in range(p.row, p.last_row + 1)}
    blanks = tuple((r, c, "note" if r in borderless else None)
                   for r in range(layout.last_row + 1) for c in range(layout.last_col + 1) if (r, c) not in covered)
    sheet = quote_sheet(layout.spec.sheet)
    names = tuple((p.name, f"{sheet}!{a1(p.row, p.col, absolute=True)}") for p in layout.places.values())
    scalars = [p for p in layout.places.values() if p.index is None]
    rows = [layout.place(f"ind.{i}.{col}") for col in layout.indicator_columns() for i in range(1, layout.n + 1)]
    text_by_row: dict[int, list[Place]] = {}
    for p in layout.places.values():
        if p.field.type in ("text", "longtext") and p.row == p.last_row and p.field.role != "computed":
            text_by_row.setdefault(p.row, []).append(p)
    letters = frozenset(f.at for f in layout.spec.indicator_block.row if f.hide_empty)
    labels = printed_labels(layout)
    label_heights: dict[int, float] = {}
    for lab, _ in labels:
        if lab.text and lab.row == lab.last_row and lab.style not in ("title", "subtitle"):
            width = _span_width(layout, lab.col, lab.last_col, letters)
            label_heights[lab.row] = max(label_heights.get(lab.row, 0), text_height(lab.text, width))
    optional: dict[int, list[str]] = {}
    for p in layout.places.values():
        if p.field.hide_empty:
            optional.setdefault(p.col, []).append(p.key)
    widths = tuple(layout.spec.columns.get(col_letter(c), 10) for c in range(layout.last_col + 1))
    return _Static(blanks, {p.key: layout.formula(p.key) for p in layout.computed()}, names, (*scalars, *rows),
                   {r: tuple(ps) for r, ps in text_by_row.items()}, label_heights, _growing_rows(layout), widths,
                   tuple(_place_info(p) for p in layout.places.values()), labels,
                   _rows(layout, text_by_row, label_heights, letters),
                   {c: tuple(keys) for c, keys in optional.items()}, letters)


def _rows(layout: Layout, text_by_row: dict[int, list[Place]], label_heights: dict[int, float],
          optional: frozenset[str]) -> tuple[tuple[float | None, tuple[tuple[str, float], ...]], ...]:
    growing = _growing_rows(layout)
    return tuple(
        (None if r in growing else (max(layout.row_heights.get(r) or 0, label_heights.get(r, 0)) or None),
         tuple((p.key, _span_width(layout, p.col, p.last_col, optional)) for p in text_by_row.get(r, ())))
        for r in range(layout.last_row + 1))


def _place_info(p: Place) -> tuple[Place, bool, bool, bool, tuple[str | None, str, str | None, bool]]:
    return p, p.merged, p.field.role == "computed", p.field.type in NUMERIC_TYPES, _place_format(p.field)


def _place_format(f: Field) -> tuple[str | None, str, str | None, bool]:
    """What a field's cell format takes from the spec: style, number format, alignment, top-aligned."""
    align = None if f.style else ("left" if f.type in ("text", "longtext") and f.role != "computed" else "center")
    if f.role == "computed" and f.type == "text" and not f.format:
        num_format = "General"   # a formula in a Text cell would show as text when re-entered
    else:
        num_format = f.format or styles.NUMBER_FORMAT[f.type]
    return f.style, num_format, align, f.type == "longtext"


def _span_width(layout: Layout, first: int, last: int, optional: frozenset[str]) -> float:
    """The width text wraps in across columns `first`..`last`, counting a column shown only when filled
    (`optional`) as hidden: a row is then at least as tall as its text needs, whether the column shows or not."""
    letters = [col_letter(c) for c in range(first, last + 1)]
    shown = [x for x in letters if x not in optional] or letters    # the optional column's own cells: as wide
    return sum(layout.spec.columns.get(x, 10) for x in shown)


def printed_labels(layout: Layout) -> tuple[tuple[LabelPlace, str | None], ...]:
    """The labels as written, each with the edge left open (no rule) where it continues.

    A label merged down beside the indicator table (年度绩效指标, A1:A*) would be cut by the page break inside
    the table: a merged cell is one cell, and both spreadsheets print its text once, centred on the whole
    range, so it shows on one page of the two, or half on each. So such a label is written over the table's
    header rows, which print again at the top of every page the table runs onto (`repeat_rows`), with the
    rest of its range a blank merged cell below it, the rule between them left out: whatever the spec and
    however long the unit's text makes the rows, each page of the table is headed by the label.
    """
    first, last = layout.ind_header_rows
    out: list[tuple[LabelPlace, str | None]] = []
    for lab in layout.labels:
        if first <= lab.row <= last < lab.last_row:
            out.append((lab._replace(last_row=last), "bottom"))
            out.append((lab._replace(text="", row=last + 1), "top"))
        else:
            out.append((lab, None))
    return tuple(out)


GROWS_ABOVE = 100   # characters: an input text field that may hold more (a reason, a measure) may need lines


def _growing_rows(layout: Layout) -> frozenset[int]:
    """Rows with a single-cell input field for long text: the unit's 未完成原因, 改进措施, 完成值."""
    return frozenset(p.row for p in layout.places.values()
                     if p.field.role == "input" and p.field.type in ("text", "longtext") and not p.merged
                     and (p.field.maxlen is None or p.field.maxlen > GROWS_ABOVE))


_CHECKED_NAMES: set[tuple[tuple[str, str], ...]] = set()


def _define_names(workbook: Any, names: tuple[tuple[str, str], ...]) -> None:
    """Workbook-scoped names. The ~330 names of a form are checked by xlsxwriter's define_name once per
    process; later workbooks append the same checked entries directly (define_name's regex checks were a
    third of a form's writing time in the batch)."""
    if isinstance(workbook, Recording):
        workbook.define_names(names)
        return
    real = isinstance(workbook, xlsxwriter.Workbook)
    if real and names in _CHECKED_NAMES and isinstance(getattr(workbook, "defined_names", None), list):
        workbook.defined_names.extend([name, -1, ref, False] for name, ref in names)
        return
    for name, ref in names:
        _ok(workbook.define_name(name, "=" + ref), "defined name", name)
    if real:
        _CHECKED_NAMES.add(names)


# ---------------------------------------------------------------------------------------- helpers

def _validation(f: Field, max_ref: str | None, level1_ref: str | None) -> dict[str, Any]:
    if f.choices == "level1":
        opts: dict[str, Any] = {"validate": "list", "source": "=xf_list_level1"}
        message = f"请从下拉列表中选择{f.label}。"
    elif f.choices == "level2":
        opts = {"validate": "list", "source": f'=INDIRECT("xf_l2_"&MATCH({level1_ref},xf_list_level1,0))'}
        message = "请先选择本行的一级指标，再从下拉列表中选择对应的二级指标。"
    elif f.choices == "nature":
        opts = {"validate": "list", "source": "=xf_list_nature"}
        message = "请从下拉列表中选择：≥（不低于）、≤（不高于）、=（等于）或 定性。"
    elif f.numeric:
        opts, message = _number_validation(f, max_ref)
    else:
        limit = f.maxlen or EXCEL_TEXT_LIMIT
        opts = {"validate": "length", "criteria": "<=", "value": limit}
        message = f"请填写文字，不超过 {limit} 个字。"
    opts.update(input_title=f.label[:32], input_message=message[:255],
                error_title="输入有误", error_message=message[:255])
    return opts


def _number_validation(f: Field, max_ref: str | None) -> tuple[dict[str, Any], str]:
    kind = "integer" if f.type == "integer" else "decimal"
    low = f.min if f.min is not None else -1e12
    high: Any = f"={max_ref}" if max_ref else (f.max if f.max is not None else 1e12)
    opts = {"validate": kind, "criteria": "between", "minimum": low, "maximum": high}
    what = "整数" if kind == "integer" else "数字"
    if f.type == "amount":
        message = "请填写金额（万元），只填数字，不小于 0，不要带“万元”等单位。"
    elif f.type == "score":
        message = "请填写得分：0 到本行分值之间的数字，最多两位小数。"
    elif f.min is not None and f.max is not None and not max_ref:
        message = f"请填写 {_num(f.min)} 到 {_num(f.max)} 之间的{what}。"
    else:
        message = f"请填写{what}。"
    return opts, message


def _num(x: float | str) -> str:
    return str(int(x)) if isinstance(x, float | int) and float(x).is_integer() else str(x)


def _is_number(x: Any) -> TypeGuard[int | float | Decimal]:
    return isinstance(x, int | float | Decimal) and not isinstance(x, bool)


def _as_text(x: Any) -> str:
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    if isinstance(x, Decimal):
        return format(x, "f")
    if isinstance(x, datetime | date):
        return x.isoformat()
    return str(x)


def _cached(x: Any) -> float | str:
    """The cached result written beside a formula: numbers as float, text as is, no result as ""."""
    if x is None:
        return ""
    if _is_number(x):
        return float(x)
    return str(x)


def _parse_time(text: str) -> datetime:
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return dt.astimezone(UTC).replace(tzinfo=None) if dt.tzinfo else dt


def _finding_cell(f: Finding, sheet: str) -> tuple[int, int] | None:
    if not f.cell or (f.sheet and f.sheet != sheet):
        return None
    try:
        r, c = xl_cell_to_rowcol(f.cell.split(":")[0].replace("$", ""))
    except (AttributeError, ValueError):
        return None
    return (r, c) if r >= 0 and c >= 0 else None


def _marks(findings: Sequence[Finding], sheet: str) -> dict[tuple[int, int], str]:
    """The worst severity per cell, for highlighting."""
    marks: dict[tuple[int, int], str] = {}
    for f in findings:
        rc = _finding_cell(f, sheet)
        if rc is not None and SEVERITY_ORDER.get(f.severity, 0) >= SEVERITY_ORDER.get(marks.get(rc, ""), -1):
            marks[rc] = f.severity if f.severity in styles.MARK else "info"
    return marks


FINDINGS_HEADER = ("序号", "级别", "代码", "单元格", "字段", "填报值", "应为", "说明")
FINDINGS_WIDTHS = (6, 8, 9, 10, 22, 20, 14, 60)


def _findings_sheet(wb: Any, fmt: Formats, findings: Sequence[Finding], sheet: str) -> None:
    """A visible sheet listing every finding, each cell a link to the cell it is about."""
    ws = wb.add_worksheet(FINDINGS_SHEET)
    header = fmt.cell("header")
    body = fmt.cell(None, align="left", num_format="@")
    link = fmt.get(styles.BASE, styles.BORDER, {"font_color": "blue", "underline": 1, "align": "center"})
    for c, (title, width) in enumerate(zip(FINDINGS_HEADER, FINDINGS_WIDTHS, strict=True)):
        ws.set_column(c, c, width)
        _ok(ws.write_string(0, c, title, header), "findings header")
    for r, f in enumerate(findings, start=1):
        cells = [str(r), SEVERITY_LABEL.get(f.severity, f.severity), f.code, "", f.field or "",
                 "" if f.value is None else _as_text(f.value), "" if f.expected is None else _as_text(f.expected),
                 f.message]
        cells = [text[:EXCEL_TEXT_LIMIT] for text in cells]
        # xlsxwriter does not fit rows: without this, a long 说明 prints over the rows below it
        ws.set_row(r, max(text_height(text, width) for text, width in zip(cells, FINDINGS_WIDTHS, strict=True)))
        for c, text in enumerate(cells):
            _ok(ws.write_string(r, c, text, body), "findings row")
        where = _finding_cell(f, sheet)
        if where is not None:
            target = f"internal:{quote_sheet(sheet)}!{a1(*where)}"
            _ok(ws.write_url(r, 3, target, link, a1(*where)), "findings link")
        elif f.cell:
            _ok(ws.write_string(r, 3, f.cell, body), "findings cell")
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(findings), len(FINDINGS_HEADER) - 1)
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)      # the columns add up to a page's width: fitting keeps the scale near 100%
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.7)
    ws.repeat_rows(0)
    ws.set_footer(PAGE_FOOTER)
    ws.activate()
