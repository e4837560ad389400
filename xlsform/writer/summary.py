"""The merge summary workbook (汇总表, 指标明细, 问题清单, 未报送, 退回修改, 统计) and its CSV / JSON Lines twins.

Every sheet is one table with a frozen, filtered header row, so a clerk can sort, filter and pivot it without
touching the layout, and one print setup (`print_setup`: A4 landscape, one page wide at 100% in 8 pt, every
page headed by the round's title, the issuing office and the date), so the workbook prints as the office's
report: 汇总表, the errors of 问题清单, 未报送, 退回修改 and 统计; 指标明细 and the warnings stay on screen.
Text cells wrap, and each row is as tall as its longest text needs (xlsxwriter cannot fit rows: measure.py).
Text that came from a return is written with `write_string` only: a 完成值 of `=HYPERLINK(...)` stays text
and never becomes a live formula. The table rows are rendered straight to sheet XML in a temporary file
(`table.TableSheet`: xlsxwriter's 5 µs a cell made writing the summary half of a merge), so memory holds
the summary's rows and the shared strings, never the cells.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
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
    iter_table,
    must_fix,
    plain,
    summary_columns,
    table,
    totals_cells,
    used_columns,
)
from xlsform.ownfiles import OUTPUT_PROPERTY, SUMMARY
from xlsform.status import STATES
from xlsform.writer.deflate import fast_deflate
from xlsform.writer.measure import COLUMN_PAD_PX, COLUMN_PX, one_line_chars, rows_height, wrapped_lines
from xlsform.writer.styles import BORDER, FONT, HEADER_FILL
from xlsform.writer.table import ColumnPlan, TableSheet

NUM_FORMAT = {"amount": "#,##0.00", "percent": "0.00%", "score": "0.00", "int": "0", "text": "@", "short": "@",
              "path": "@", "code": "@"}
FONT_SIZE = 8        # the tables' text: the 17 printed columns of 汇总表 fill a landscape page at 100%
ROW_HEIGHT = 12.0    # points: one line of 8 pt text; rows with wrapped text get what measure.py computes
# Numbers and codes in the workbook's default font, whose digits the column widths count (Calibri: 0.51 em;
# 宋体 has none of its own on a machine without it, and the face LibreOffice takes instead sets them 0.64 em).
NUMBER_FONT = "Calibri"
# The forms' font, rule and header fill (styles.py). Text wraps inside its column and its row grows to fit;
# a path never wraps (it is not printed, and on screen it runs on into the empty cells beside it).
BASE: dict[str, Any] = {"font_name": FONT, "font_size": FONT_SIZE, "valign": "vcenter", **BORDER}
KINDS: dict[str, dict[str, Any]] = {
    "text": {"align": "left", "text_wrap": True}, "short": {"align": "center", "text_wrap": True},
    "path": {"align": "left"}, "code": {"align": "left", "text_wrap": True, "font_name": NUMBER_FONT},
    **{kind: {"font_name": NUMBER_FONT} for kind in ("amount", "percent", "score", "int")},
}
TEXT_KINDS = ("text", "short", "path", "code")
VARIANTS: dict[str, dict[str, Any]] = {
    "": {},
    "excluded": {"font_color": "#808080", "italic": True},     # listed but not counted in the totals
    "total": {"bold": True, "bg_color": "#FFF2CC", "top": 6},  # 合计: double top rule
}
HEADER: dict[str, Any] = {**BASE, "bold": True, "align": "center", "text_wrap": True, "bg_color": HEADER_FILL}
STATS_SHEET = "统计"
MATCH_SHEET = "上年对照"   # merge --previous: matches for the clerk to confirm, units and returns left unmatched
RULE_NOTE = ("说明：金额为计入合计的单位之和；执行率按资金加权 =（Σ全年执行数 − Σ上级财政转移支付）÷ Σ全年预算数，"
             "不是各单位执行率的平均数；各项得分为平均分；超过分值的指标得分按分值计入小计与总分。{excluded}"
             "指标明细为明细数据，不随汇总表打印，需要时筛选后选定区域打印。")
TITLES = {"department": "部门整体支出绩效自评汇总表", "project": "项目支出绩效自评汇总表"}


class _Formats:
    """One xlsxwriter format per (kind, variant), built once per workbook."""

    def __init__(self, wb: Any) -> None:
        self._wb = wb
        self._cache: dict[tuple[str, str], Any] = {}
        self.header = wb.add_format(HEADER)
        self.note = wb.add_format({"font_name": FONT, "font_size": FONT_SIZE, "italic": True, "text_wrap": True,
                                   "valign": "top"})

    def get(self, kind: str, variant: str = "") -> Any:
        key = (kind, variant)
        if key not in self._cache:
            props = {**BASE, "num_format": NUM_FORMAT[kind], **KINDS[kind], **VARIANTS[variant]}
            self._cache[key] = self._wb.add_format(props)
        return self._cache[key]


@dataclass(frozen=True)
class Heading:
    """What every printed page is headed with: the round's title, who issued it and when."""

    title: str
    office: str | None
    date: str

    @classmethod
    def of(cls, s: Summary, office: str | None, created: datetime) -> Heading:
        year = f"{s.year}年度" if s.year else ""
        return cls(year + TITLES.get(s.kind or "", "绩效自评汇总表"), (office or "").strip() or None,
                   f"{created.year}年{created.month}月{created.day}日")


def write_summary(target: str | Path | IO[bytes], summary: Summary, *, created: datetime | None = None,
                  office: str | None = None) -> None:
    """Write the summary workbook to a path or a binary file object (the CLI passes an atomic temp file).
    `office`: the issuing office (编制单位), printed at the head of every page beside the title and date."""
    created = created or datetime.now()
    heading = Heading.of(summary, office, created)
    wb = xlsxwriter.Workbook(target, {
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        "default_date_format": "yyyy-mm-dd"})
    wb.set_properties({"title": heading.title, "comments": "xlsform merge", "created": created})
    wb.set_custom_property(OUTPUT_PROPERTY, SUMMARY)   # so a later merge of the same folder knows it (ownfiles)
    fmts = _Formats(wb)
    _summary_sheet(wb, fmts, summary, heading)
    detail = used_columns(indicator_columns(summary), summary.indicators)
    ws = _table_sheet(wb, fmts, "指标明细", detail, summary.indicators, heading,
                      excluded=[r.counted_text == "否" for r in summary.indicators])
    no_print(ws, detail)       # 10 rows a unit: the data behind 汇总表's scores, printed by selection
    _table_sheet(wb, fmts, "问题清单", ISSUE_COLUMNS, summary.issues, heading,
                 printed_rows=must_fix(summary.issues), printed_name="问题清单（错误；警告与提示见表格）")
    _table_sheet(wb, fmts, "未报送", MISSING_COLUMNS, summary.missing, heading)
    _table_sheet(wb, fmts, "退回修改", RETURN_COLUMNS, summary.returned, heading)
    if summary.matches is not None:
        _table_sheet(wb, fmts, MATCH_SHEET, MATCH_COLUMNS, summary.matches, heading)
    _stats_sheet(wb, fmts, summary, heading)
    with fast_deflate():    # written after every check, on one core: level 1 deflates 12 MB of XML 3x faster
        wb.close()


# ------------------------------------------------------------------------------------- sheets

def _summary_sheet(wb: Any, fmts: _Formats, s: Summary, heading: Heading) -> None:
    columns = summary_columns(s)
    rows = table(s.rows, columns)
    ws = _start_sheet(wb, fmts, "汇总表", columns, len(rows), heading)
    last = _write_rows(ws, fmts, columns, rows, excluded=[not r.counted for r in s.rows])
    cells = totals_cells(s.totals)
    _write_row(ws, fmts, columns, last, [cells.get(c.attr) for c in columns], "total")
    excluded = ("有错误的单位也已计入合计（--include-invalid）。" if s.include_invalid
                else "有错误的单位已列出但未计入合计。")
    _note(ws, fmts, last + 1, RULE_NOTE.format(excluded=excluded), columns)
    print_area(ws, columns, last + 1)


def _note(ws: Any, fmts: _Formats, r: int, text: str, columns: Sequence[Column]) -> None:
    """A note under a table, wrapped in a merged cell as wide as the printed columns, as tall as its text:
    neither spreadsheet fits a merged cell, so a height too small would print it cut off."""
    last = printed(columns) - 1
    ws.set_row(r, rows_height(wrapped_lines(text, merged_width(columns[:last + 1]), FONT_SIZE) + 1, FONT_SIZE))
    ws.merge_range(r, 0, r, last, text, fmts.note)


def merged_width(columns: Sequence[Column]) -> float:
    """The width of merged columns in column units: each column adds its padding (5 px) to the text's room."""
    return sum(c.width for c in columns) + (len(columns) - 1) * COLUMN_PAD_PX / COLUMN_PX


def _table_sheet(wb: Any, fmts: _Formats, name: str, columns: Sequence[Column], rows: Sequence[Any],
                 heading: Heading, *, excluded: Sequence[bool] = (), printed_rows: int | None = None,
                 printed_name: str | None = None) -> Any:
    """A table sheet of `rows` (merge's row objects); `printed_rows`: how many of its first rows print (default
    all), none: no page at all (an empty list prints no page of headers; the sheet says so on screen)."""
    ws = _start_sheet(wb, fmts, name, columns, len(rows), heading, printed_name)
    _write_rows(ws, fmts, columns, iter_table(rows, columns), excluded=excluded)
    n = len(rows) if printed_rows is None else printed_rows
    if n:
        print_area(ws, columns, n)
    else:
        no_print(ws, columns)
    return ws


def _start_sheet(wb: Any, fmts: _Formats, name: str, columns: Sequence[Column], n: int,
                 heading: Heading, printed_name: str | None = None) -> Any:
    """Header row, widths, freeze, filter and print setup; the data rows follow (table.TableSheet)."""
    ws = wb.add_worksheet(name, worksheet_class=TableSheet)
    for c, col in enumerate(columns):
        ws.set_column(c, c, col.width)
    ws.set_default_row(ROW_HEIGHT)
    ws.set_row(0, _row_height([c.header for c in columns], [c.width for c in columns]))
    for c, col in enumerate(columns):
        ws.write_string(0, c, col.header, fmts.header)
    frozen = 2 if columns[0].attr == "code" else 0
    ws.freeze_panes(1, frozen)
    ws.autofilter(0, 0, max(n, 1), len(columns) - 1)
    print_setup(ws, printed_name or name, heading)
    return ws


def print_setup(ws: Any, name: str, heading: Heading) -> None:
    """How every summary sheet prints: call it once for each sheet, a new one included.

    A4 landscape, one page wide: a table's printed columns (`Column.printed`; a file's path is not) are sized to
    fill the width at 100% in 8 pt, so a unit's row is read on one page and nothing is smaller; fitting the
    width only guards against a face wider than the one measured. Every page repeats the header row and is
    headed by the round's title with the sheet's name, the issuing office and the date, and numbered below.
    """
    ws.set_landscape()
    ws.set_paper(9)                 # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.set_margins(left=0.25, right=0.25, top=0.75, bottom=0.6)
    office = (heading.office or "＿" * 10).replace("&", "&&")[:60]
    # a font size (&12) runs on into digits that follow it: the size goes before the font, the text after
    ws.set_header(f'&L&9&"{FONT}"编制单位：{office}&C&12&"{FONT},Bold"{heading.title}&10&"{FONT}"　{name}'
                  f'&R&9&"{FONT}"编制日期：{heading.date}', {"margin": 0.3})
    ws.set_footer(f'&C&9&"{FONT}"第 &P 页，共 &N 页', {"margin": 0.3})


def printed(columns: Sequence[Column]) -> int:
    """How many columns print: the printed ones come first."""
    n = sum(c.printed for c in columns)
    assert all(c.printed for c in columns[:n]), "printed columns come first"
    return n


def print_area(ws: Any, columns: Sequence[Column], last_row: int) -> None:
    ws.print_area(0, 0, last_row, printed(columns) - 1)


def no_print(ws: Any, columns: Sequence[Column]) -> None:
    """Nothing of this sheet prints with the workbook: its print area is one empty cell beside the table (an
    empty page is not printed). A selection still prints: 打印选定区域 / Print Selection."""
    ws.print_area(0, len(columns) + 1, 0, len(columns) + 1)


def _write_rows(ws: Any, fmts: _Formats, columns: Sequence[Column], rows: Iterable[Sequence[Any]], *,
                excluded: Sequence[bool] = ()) -> int:
    """The table's rows from row 1 on (straight to XML: table.py); returns the row after them."""
    plans = {v: _row_plan(fmts, columns, v) for v in ("", "excluded")}
    fits = _fits(columns)
    return int(ws.write_rows(1, ((values, plans["excluded" if i < len(excluded) and excluded[i] else ""],
                                  _fit_height(values, fits)) for i, values in enumerate(rows))))


def _write_row(ws: Any, fmts: _Formats, columns: Sequence[Column], r: int, values: Sequence[Any],
               variant: str) -> None:
    height = _fit_height(values, _fits(columns))
    if height is not None:
        ws.set_row(r, height)
    _write_cells(ws, _row_plan(fmts, columns, variant), r, values)


Fits = list[tuple[int, float, int]]   # per wrapping column: its index, its width, the length that surely fits


def _fits(columns: Sequence[Column]) -> Fits:
    return [(c, col.width, one_line_chars(col.width, FONT_SIZE)) for c, col in enumerate(columns)
            if col.kind in TEXT_KINDS and col.kind != "path"]


def _fit_height(values: Sequence[Any], fits: Fits) -> float | None:
    """The height a row with wrapped text needs (xlsxwriter cannot fit rows); None when one line will do."""
    lines = 1
    for c, width, short in fits:
        v = values[c]
        if type(v) is str and len(v) > short:
            lines = max(lines, wrapped_lines(v, width, FONT_SIZE))
    return rows_height(lines, FONT_SIZE) if lines > 1 else None


def _row_height(texts: Sequence[str], widths: Sequence[float]) -> float:
    lines = max((wrapped_lines(t, w, FONT_SIZE) for t, w in zip(texts, widths, strict=True)), default=1)
    return max(rows_height(lines, FONT_SIZE), 2 * ROW_HEIGHT)


Plan = list[ColumnPlan]   # per column: its format, the text format, whether numbers are written


def _row_plan(fmts: _Formats, columns: Sequence[Column], variant: str) -> Plan:
    # a text in a number column (a score typed as text) is shown as text, left
    return [(fmts.get(c.kind, variant), fmts.get(c.kind if c.kind in TEXT_KINDS else "text", variant),
             c.kind not in TEXT_KINDS) for c in columns]


def _write_cells(ws: Any, plan: Plan, r: int, values: Sequence[Any]) -> None:
    for c, value in enumerate(values):
        fmt, text_fmt, numeric = plan[c]
        if value is None or value == "":
            ws.write_blank(r, c, None, fmt)
        elif numeric and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            ws.write_number(r, c, float(value), fmt)
        else:
            ws.write_string(r, c, str(value), text_fmt)


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


def _stats_sheet(wb: Any, fmts: _Formats, s: Summary, heading: Heading) -> None:
    rows = stats_table(s)
    ws = _start_sheet(wb, fmts, STATS_SHEET, STATS_COLUMNS, len(rows), heading)
    ws.fit_to_pages(1, 1)           # the table and three charts make one page (at 100%: fitting only guards)
    _write_rows(ws, fmts, STATS_COLUMNS, rows)
    gap = len(STATS_COLUMNS)
    ws.set_column(gap, gap, 2)
    for i, (group, (kind, title)) in enumerate(_CHARTS.items()):
        first = 1 + next(i for i, r in enumerate(rows) if r[0] == group)
        n = sum(1 for r in rows if r[0] == group)
        # two charts side by side beside the table, the third under the first
        ws.insert_chart(1 + CHART_ROWS * (i // 2), gap + 1, _chart(wb, kind, title, first, first + n - 1),
                        {"x_offset": (CHART_SIZE[0] + 8) * (i % 2)})


CHART_SIZE = (330, 240)   # pixels: two beside the table fill an A4 landscape page's width
CHART_ROWS = math.ceil((CHART_SIZE[1] + 20) / (ROW_HEIGHT * 4 / 3))   # rows a chart takes, and a little air
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
