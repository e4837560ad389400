"""The merge summary workbook (汇总表, 指标明细, 问题清单, 未报送, 退回修改, 统计) and its CSV / JSON Lines twins.

Every sheet is one table with a frozen, filtered header row, so a clerk can sort, filter and pivot it without
touching the layout, and one print setup (`print_setup`: A4 landscape at full size, spread over as many pages
as it takes, the header row and the unit's code and name repeated on every page), so it prints readable.
Text cells wrap, and each row is as tall as its longest text needs (xlsxwriter cannot fit rows: measure.py).
Text that came from a return is written with `write_string` only: a 完成值 of `=HYPERLINK(...)` stays text
and never becomes a live formula. The cost is xlsxwriter's, about 5–9 µs a cell: 1,000 units with 7,000
indicator rows and 4,000 findings (~160,000 cells) take about 1 s on the shared 2-core machine we measured
on. Rows are written strictly in order, so a very large batch can stream them to disk (see STREAM_ABOVE).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import xlsxwriter

from xlsform import csvsafe
from xlsform.merge import (
    ISSUE_COLUMNS,
    MATCH_COLUMNS,
    MISSING_COLUMNS,
    RETURN_COLUMNS,
    Column,
    Summary,
    indicator_columns,
    plain,
    summary_columns,
    table,
    totals_cells,
    used_columns,
)
from xlsform.ownfiles import OUTPUT_PROPERTY, SUMMARY
from xlsform.status import STATES
from xlsform.writer.measure import display_width, one_line_chars, rows_height, wrapped_lines
from xlsform.writer.styles import BORDER, FONT, HEADER_FILL

NUM_FORMAT = {"amount": "#,##0.00", "percent": "0.00%", "score": "0.00", "int": "0", "text": "@", "short": "@"}
SHORT_TEXT = 10      # text columns this narrow hold a category (等级, 状态, 是/否): centred
# The forms' font, rule and header fill (styles.py); text wraps inside its column (a long path stays inside
# the border) and its row grows to fit.
BASE: dict[str, Any] = {"font_name": FONT, "font_size": 10, "valign": "vcenter", **BORDER}
VARIANTS: dict[str, dict[str, Any]] = {
    "": {},
    "excluded": {"font_color": "#808080", "italic": True},     # listed but not counted in the totals
    "total": {"bold": True, "bg_color": "#FFF2CC", "top": 6},  # 合计: double top rule
}
HEADER: dict[str, Any] = {**BASE, "bold": True, "align": "center", "text_wrap": True, "bg_color": HEADER_FILL}
# Up to this many cells the workbook is built in memory with a shared string table: ~15% faster and ~20%
# smaller (unit names, codes and file names repeat on every indicator row), at ~120 bytes a cell. Above it,
# rows stream to disk (xlsxwriter's constant_memory) so memory stays flat for any batch size.
STREAM_ABOVE = 1_000_000
WIDTH_SAMPLE = 300    # rows measured to size a column; enough to see typical content, cheap at 10,000 rows
MAX_WIDTH = 36
STATS_SHEET = "统计"
MATCH_SHEET = "上年对照"   # merge --previous: matches for the clerk to confirm, units and returns left unmatched
RULE_NOTE = ("说明：金额为计入合计的单位之和；执行率按资金加权 =（Σ全年执行数 − Σ上级财政转移支付）÷ Σ全年预算数，"
             "不是各单位执行率的平均数；各项得分为平均分。{excluded}")


class _Formats:
    """One xlsxwriter format per (kind, variant), built once per workbook."""

    def __init__(self, wb: Any) -> None:
        self._wb = wb
        self._cache: dict[tuple[str, str], Any] = {}
        self.header = wb.add_format(HEADER)
        self.note = wb.add_format({"font_name": FONT, "font_size": 10, "italic": True, "text_wrap": True,
                                   "valign": "top"})

    def get(self, kind: str, variant: str = "") -> Any:
        key = (kind, variant)
        if key not in self._cache:
            props = {**BASE, "num_format": NUM_FORMAT[kind], **VARIANTS[variant]}
            if kind in ("text", "short"):
                props["align"] = "left" if kind == "text" else "center"
                props["text_wrap"] = True
            self._cache[key] = self._wb.add_format(props)
        return self._cache[key]


def write_summary(target: str | Path | IO[bytes], summary: Summary, *, created: datetime | None = None) -> None:
    """Write the summary workbook to a path or a binary file object (the CLI passes an atomic temp file)."""
    wb = xlsxwriter.Workbook(target, {
        "constant_memory": _cells(summary) > STREAM_ABOVE, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False, "default_date_format": "yyyy-mm-dd"})
    wb.set_properties({"title": "绩效自评汇总表", "comments": "xlsform merge", "created": created or datetime.now()})
    wb.set_custom_property(OUTPUT_PROPERTY, SUMMARY)   # so a later merge of the same folder knows it (ownfiles)
    fmts = _Formats(wb)
    _summary_sheet(wb, fmts, summary)
    detail = used_columns(indicator_columns(summary), summary.indicators)
    _plain_sheet(wb, fmts, "指标明细", detail, table(summary.indicators, detail),
                 frozen_cols=2, excluded=[r.counted_text == "否" for r in summary.indicators])
    _plain_sheet(wb, fmts, "问题清单", ISSUE_COLUMNS, table(summary.issues, ISSUE_COLUMNS), frozen_cols=2)
    _plain_sheet(wb, fmts, "未报送", MISSING_COLUMNS, table(summary.missing, MISSING_COLUMNS), frozen_cols=2)
    _plain_sheet(wb, fmts, "退回修改", RETURN_COLUMNS, table(summary.returned, RETURN_COLUMNS), frozen_cols=2)
    if summary.matches is not None:
        _plain_sheet(wb, fmts, MATCH_SHEET, MATCH_COLUMNS, table(summary.matches, MATCH_COLUMNS), frozen_cols=2)
    _stats_sheet(wb, fmts, summary)
    wb.close()


def _cells(s: Summary) -> int:
    return (len(s.rows) * len(summary_columns(s)) + len(s.indicators) * len(indicator_columns(s))
            + len(s.issues) * len(ISSUE_COLUMNS))


# ------------------------------------------------------------------------------------- sheets

def _summary_sheet(wb: Any, fmts: _Formats, s: Summary) -> None:
    columns = summary_columns(s)
    rows = table(s.rows, columns)
    ws, widths = _start_sheet(wb, fmts, "汇总表", columns, rows, frozen_cols=2)
    _write_rows(ws, fmts, columns, rows, widths, excluded=[not r.counted for r in s.rows])
    last = len(rows) + 1
    cells = totals_cells(s.totals)
    _write_row(ws, fmts, columns, last, [cells.get(c.attr) for c in columns], widths, "total")
    excluded = ("有错误的单位也已计入合计（--include-invalid）。" if s.include_invalid
                else "有错误的单位已列出但未计入合计。")
    _note(ws, fmts, last + 1, RULE_NOTE.format(excluded=excluded), widths)


NOTE_WIDTH = 110   # column units: what the first printed page holds beside the repeated code and name


def _note(ws: Any, fmts: _Formats, r: int, text: str, widths: Sequence[float]) -> None:
    """A note under a table, wrapped in a merged cell as wide as the first page, so it prints whole."""
    last, room = 0, widths[0]
    while last + 1 < len(widths) and room + widths[last + 1] <= NOTE_WIDTH:
        last += 1
        room += widths[last]
    ws.set_row(r, rows_height(wrapped_lines(text, room)))
    if last:
        ws.merge_range(r, 0, r, last, text, fmts.note)
    else:
        ws.write_string(r, 0, text, fmts.note)


def _plain_sheet(wb: Any, fmts: _Formats, name: str, columns: Sequence[Column], rows: list[list[Any]], *,
                 frozen_cols: int = 0, excluded: Sequence[bool] = ()) -> None:
    ws, widths = _start_sheet(wb, fmts, name, columns, rows, frozen_cols=frozen_cols)
    _write_rows(ws, fmts, columns, rows, widths, excluded=excluded)


def _start_sheet(wb: Any, fmts: _Formats, name: str, columns: Sequence[Column], rows: list[list[Any]], *,
                 frozen_cols: int = 0) -> tuple[Any, list[float]]:
    """Header row, widths, freeze, filter and print setup; the data rows follow in order (constant memory)."""
    ws = wb.add_worksheet(name)
    widths = [_width(col, (r[c] for r in rows[:WIDTH_SAMPLE])) for c, col in enumerate(columns)]
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    ws.set_row(0, max(30.0, _row_height([c.header for c in columns], widths)))
    for c, col in enumerate(columns):
        ws.write_string(0, c, col.header, fmts.header)
    ws.freeze_panes(1, frozen_cols)
    ws.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
    print_setup(ws, name, title_columns=frozen_cols)
    return ws, widths


def print_setup(ws: Any, name: str, *, title_columns: int = 2) -> None:
    """How every summary sheet prints: call it once for each sheet, a new one included.

    A4 landscape at 100%: a wide table is spread over pages left to right, then down (a unit's row is read on
    consecutive pages), never shrunk to one page wide, which set 18 columns in 5–6 pt. Every page repeats the
    header row and the first `title_columns` columns (单位编码, 单位名称), is headed by the sheet's name and
    numbered in its footer.
    """
    ws.set_landscape()
    ws.set_paper(9)                 # A4
    ws.print_across()
    ws.repeat_rows(0)
    if title_columns:
        ws.repeat_columns(0, title_columns - 1)
    ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.7)
    ws.set_header(f"&C&\"{FONT},Bold\"{name}")
    ws.set_footer("&C第 &P 页，共 &N 页")


def _write_rows(ws: Any, fmts: _Formats, columns: Sequence[Column], rows: list[list[Any]],
                widths: Sequence[float], *, excluded: Sequence[bool] = ()) -> None:
    plans = {v: _row_plan(fmts, columns, v) for v in ("", "excluded")}
    fits = _fits(columns, widths)
    for i, values in enumerate(rows):
        plan = plans["excluded" if i < len(excluded) and excluded[i] else ""]
        _fit_row(ws, i + 1, values, fits)
        _write_cells(ws, plan, i + 1, values)


def _write_row(ws: Any, fmts: _Formats, columns: Sequence[Column], r: int, values: Sequence[Any],
               widths: Sequence[float], variant: str) -> None:
    _fit_row(ws, r, values, _fits(columns, widths))
    _write_cells(ws, _row_plan(fmts, columns, variant), r, values)


Fits = list[tuple[int, float, int]]   # per text column: its index, its width, the length that surely fits


def _fits(columns: Sequence[Column], widths: Sequence[float]) -> Fits:
    return [(c, widths[c], one_line_chars(widths[c])) for c, col in enumerate(columns) if col.kind == "text"]


def _fit_row(ws: Any, r: int, values: Sequence[Any], fits: Fits) -> None:
    """Give a row with wrapped text the height it needs (before its cells: rows may stream to disk)."""
    lines = 1
    for c, width, short in fits:
        v = values[c]
        if type(v) is str and len(v) > short:
            lines = max(lines, wrapped_lines(v, width))
    if lines > 1:
        ws.set_row(r, rows_height(lines))


def _row_height(texts: Sequence[str], widths: Sequence[float]) -> float:
    return rows_height(max((wrapped_lines(t, w) for t, w in zip(texts, widths, strict=True)), default=1))


Plan = list[tuple[Any, Any, bool]]   # per column: its format, the text format, whether numbers are written


def _row_plan(fmts: _Formats, columns: Sequence[Column], variant: str) -> Plan:
    return [(fmts.get(_kind(c), variant), fmts.get("text", variant), c.kind != "text") for c in columns]


def _kind(c: Column) -> str:
    return "short" if c.kind == "text" and c.width <= SHORT_TEXT else c.kind


def _write_cells(ws: Any, plan: Plan, r: int, values: Sequence[Any]) -> None:
    # The hot loop of the summary (200,000 cells for 1,000 units): formats are looked up once per sheet.
    for c, value in enumerate(values):
        fmt, text_fmt, numeric = plan[c]
        if value is None or value == "":
            ws.write_blank(r, c, None, fmt)
        elif numeric and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            ws.write_number(r, c, float(value), fmt)
        else:
            ws.write_string(r, c, str(value), text_fmt)


def _width(col: Column, sample: Iterable[Any]) -> float:
    """Wide enough for the header and typical content; CJK characters take two columns.

    Content may widen a column only up to MAX_WIDTH, and wraps beyond it: one long unit name or file path
    must not push the columns after it off the page. A column's own width (说明: 70) is kept.
    """
    seen = max((display_width(v) for v in sample if isinstance(v, str)), default=0)
    header = display_width(col.header) / 2 + 2      # the header wraps onto two lines
    return max(col.width, min(max(header, seen * 1.1 + 1 if col.kind == "text" else 0), MAX_WIDTH))


# --------------------------------------------------------------------------------- statistics

STATS_COLUMNS = (Column("分类", "group", "text", 12), Column("区间", "label", "text", 14),
                 Column("单位数", "count", "int", 8), Column("占比", "share", "percent", 8))


def stats_table(s: Summary) -> list[list[Any]]:
    """One long table: 报送情况 over all roster units, then the distributions over the counted units."""
    states = Counter(r.state for r in s.rows)
    groups: dict[str, list[tuple[str, int]]] = {"报送情况": [(st, states[st]) for st in STATES], **s.stats}
    rows: list[list[Any]] = []
    for group, counts in groups.items():
        n = sum(c for _, c in counts)
        rows += [[group, label, count, (Decimal(count) / n) if n else None] for label, count in counts]
    return rows


def _stats_sheet(wb: Any, fmts: _Formats, s: Summary) -> None:
    rows = stats_table(s)
    ws, widths = _start_sheet(wb, fmts, STATS_SHEET, STATS_COLUMNS, rows)
    ws.fit_to_pages(1, 1)           # the table and three charts make one page (at 100%: fitting only guards)
    _write_rows(ws, fmts, STATS_COLUMNS, rows, widths)
    gap = len(STATS_COLUMNS)
    ws.set_column(gap, gap, 2)
    for i, (group, (kind, title)) in enumerate(_CHARTS.items()):
        first = 1 + next(i for i, r in enumerate(rows) if r[0] == group)
        n = sum(1 for r in rows if r[0] == group)
        # two charts side by side beside the table, the third under the first
        ws.insert_chart(1 + CHART_ROWS * (i // 2), gap + 1, _chart(wb, kind, title, first, first + n - 1),
                        {"x_offset": (CHART_SIZE[0] + 8) * (i % 2)})


CHART_SIZE = (330, 240)   # pixels: two beside the table fill an A4 landscape page's width
CHART_ROWS = 13           # default rows (20 px) a chart takes, and a little air
_CHARTS = {"等级分布": ("column", "等级分布（单位数）"), "执行率分布": ("bar", "预算执行率分布（单位数）"),
           "总分分布": ("column", "总分分布（单位数）")}


def _chart(wb: Any, kind: str, title: str, first: int, last: int) -> Any:
    chart = wb.add_chart({"type": kind})
    chart.add_series({
        "name": title, "categories": [STATS_SHEET, first, 1, last, 1], "values": [STATS_SHEET, first, 2, last, 2],
        "data_labels": {"value": True},
    })
    chart.set_title({"name": title, "name_font": {"name": FONT, "size": 12}})
    chart.set_legend({"none": True})
    if kind == "bar":   # bars are drawn bottom-up; reverse the categories so the lowest band is on top
        chart.set_y_axis({"reverse": True})
    chart.set_size({"width": CHART_SIZE[0], "height": CHART_SIZE[1]})
    return chart


# ------------------------------------------------------------------------- CSV and JSON Lines

def write_csv(fh: IO[bytes], columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> None:
    """UTF-8 with BOM so Excel shows Chinese; text a spreadsheet would run as a formula gets a leading '
    (csvsafe); numbers stay numbers, so a negative rate is not mistaken for a formula."""
    csvsafe.write_csv(fh, [c.header for c in columns],
                      ([_csv_cell(v, c.kind) for c, v in zip(columns, row, strict=True)] for row in rows))


def _csv_cell(value: Any, kind: str) -> Any:
    """Rates to 6 decimals; whole amounts and scores without a tail (307, not 307.0), the rest exact."""
    if not isinstance(value, Decimal):
        return value
    if kind == "percent":
        return value.quantize(Decimal("0.000001"))
    return int(value) if value == value.to_integral_value() else value


def write_jsonl(fh: IO[bytes], columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> None:
    """One JSON object per row, keyed by the column's field name (stable for scripts), numbers as numbers."""
    for row in rows:
        obj = {c.attr: plain(v, c.kind) for c, v in zip(columns, row, strict=True)}
        fh.write((json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8"))


def summary_tables(s: Summary) -> Mapping[str, tuple[Sequence[Column], list[list[Any]]]]:
    """The tables written as CSV / JSON Lines beside the workbook, by file-name suffix; every column is kept
    so that scripts reading them see the same columns whatever the layout."""
    units, details = summary_columns(s), indicator_columns(s)
    return {"汇总表": (units, table(s.rows, units)), "指标明细": (details, table(s.indicators, details))}


__all__ = ["summary_tables", "write_csv", "write_jsonl", "write_summary"]
