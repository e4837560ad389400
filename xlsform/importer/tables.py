"""The two tables of a self-evaluation form, read by their headers: the indicator table and the fund table.

A header row is found by the labels its cells name (with a second row under it when the header is printed
in two: "年度 / 指标值", or column labels under a "绩效指标" group cell); then the table is walked down: a row
belongs to the table until the totals row ("总分", "合计"), a label that follows forms ("填报人", "备注"),
another header, or two empty rows. 一级/二级 labels carry down their merged range or, typed once, the rows
below them; a value merged over several rows belongs to its first row only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from xlsform.importer.grid import Grid, GridCell
from xlsform.importer.lexicon import COLUMN, FIELD, FUND_COLUMN, FUND_ROW, TOTAL, Lexicon
from xlsform.normalize import compact, is_dash, is_placeholder, label_key, label_unit, normalize_label, parse_number

LEVELS = ("level1", "level2")
_MEASURED = frozenset({"weight", "score", "target", "actual"})
# Columns of a kind, not of a measure: one typed over the rows it is merged down applies to each of them (a
# merged 指标性质 "定量指标"); a figure merged down the rows (a weight) stays its first row's.
_MERGED_DOWN = frozenset({"nature", "measure"})
_AMOUNT_COLUMNS = frozenset({"initial_budget", "budget", "spent"})
# "指标1：" before the unit's own wording is the template's numbering, not part of the indicator's name; so is
# "指标1" run straight into it ("指标1工程完工率": the unit typed over the slot's own text). Only Arabic digits
# run in: "目标一致性" is a name.
_NUMBERING = re.compile(r"^\s*(?:指标|目标)\s*"
                        r"(?:[0-9０-９一二三四五六七八九十]+\s*[:：、.．]|[0-9０-９]{1,2}(?=[\u4e00-\u9fff]))\s*")
# A weight printed at the end of an indicator's name, "相关性（5分）": the framework's score sheets print the
# weight there when the table has no 分值 column (the 一级/二级 labels' brackets are their groups' weights).
_WEIGHT_IN_NAME = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]\s*$")
MAX_FUND_ROWS = 12
# No budget unit a self-evaluation form covers reaches this many 万元 (一百亿元): a figure above it in a table
# that states no 元 was typed in 元 under a 万元 label, and read as 万元 it would be 10,000 times too large.
AMOUNT_MAX_WAN = 1_000_000
EMPTY_ROWS_END = 3
FIGURE_MAX = 24     # the longest text read as a figure: "1,234,567.89万元（含结转）"


class Read(NamedTuple):
    """A value found on the sheet: its cell, and the text to read instead of the cell's own when the
    importer cleaned it (a level label without its weight, an indicator name without "指标1：")."""

    cell: GridCell
    text: str | None = None
    number: bool = False     # `text` is a figure printed inside a label ("相关性（5分）"): a number, not typed text


@dataclass
class Header:
    key: str
    cols: tuple[int, ...]
    cell: GridCell

    @property
    def col(self) -> int:
        return self.cols[0]


@dataclass
class HeaderRow:
    first: int
    last: int
    columns: dict[str, Header]
    parts: list[GridCell] = field(default_factory=list)     # header cells read as part of a column's label
    # a fund table printed transposed: the fund rows (sources of money) head the columns, `columns` are then
    # the labels of the rows under them (全年预算数, 全年执行数, 执行率), each a Header at its row's label cell
    sources: dict[str, Header] = field(default_factory=dict)

    @property
    def span(self) -> tuple[int, int]:
        cols = [c for h in self.columns.values() for c in h.cols]
        return min(cols), max(cols)


@dataclass
class IndicatorTable:
    header: HeaderRow
    rows: list[dict[str, Read]] = field(default_factory=list)
    places: list[dict[str, tuple[int, int]]] = field(default_factory=list)   # every column's cell per row
    dashes: list[set[str]] = field(default_factory=list)   # per row, the columns whose cell shows only "—", "/"
    # per row, the columns whose cell lies in a figure merged down from a row above ("权数 20" printed once for
    # two rows, one of which is chosen): read as the first row's, printed here too, so not left empty
    shared: list[set[str]] = field(default_factory=list)
    totals: dict[str, Read] = field(default_factory=dict)
    total_places: dict[str, tuple[int, int]] = field(default_factory=dict)
    unknown: list[GridCell] = field(default_factory=list)
    end: int = 0
    used: set[tuple[int, int]] = field(default_factory=set)


@dataclass
class FundTable:
    header: HeaderRow
    values: dict[str, Read] = field(default_factory=dict)          # "fund.total.budget" -> value
    places: dict[str, tuple[int, int]] = field(default_factory=dict)
    labels: dict[str, GridCell] = field(default_factory=dict)      # fund row -> its printed label
    unplaced: list[GridCell] = field(default_factory=list)         # rows no vocabulary names, with figures
    conflicts: list[tuple[str, GridCell]] = field(default_factory=list)
    paired: list[tuple[GridCell, GridCell]] = field(default_factory=list)   # a row's label, the label beside it
    unit: GridCell | None = None                                   # the cell that says amounts are in 元
    doubtful: GridCell | None = None                               # an amount too large to be in 万元
    # fields whose cell shows a figure the table does not read (amounts in 元, a row printed twice, one amount
    # merged over two columns): printed, not empty
    withheld: set[str] = field(default_factory=set)
    end: int = 0
    used: set[tuple[int, int]] = field(default_factory=set)


# ------------------------------------------------------------------------------------------ headers

def header_at(grid: Grid, lex: Lexicon, row: int, kind: str) -> HeaderRow | None:
    """The header row of an indicator table (`kind` COLUMN) or a fund table (FUND_COLUMN) at `row`."""
    header = _header_at(grid, lex, row, kind)
    if header is not None and kind == COLUMN and header.first == header.last:
        _labels_above(grid, lex, header)
    if header is not None and kind == FUND_COLUMN:
        _budget_by_letter(header)
        _budget_by_sources(grid, lex, header)
    return header


def _labels_above(grid: Grid, lex: Lexicon, header: HeaderRow) -> None:
    """A header printed over two rows without its merges: "实际完成值 | 分值 | 得分" typed in the first row only,
    above the empty cells of the row that names the levels ("一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值").
    Those labels are the header's too; read as its first row they were lost (no actual, no score)."""
    row = header.first - 1
    below = {c for gc in grid.row(header.first) for c in range(gc.col, gc.last_col + 1)}
    left, reach = header.span
    added: dict[str, Header] = {}
    for gc in sorted(grid.row(row), key=lambda gc: gc.col):
        key = lex.kind(gc.key, COLUMN)
        cols = range(gc.col, gc.last_col + 1)
        if gc.number or gc.last_row >= header.first or gc.col < left or gc.col > reach + 1 \
                or key is None or key in header.columns or key in added or below.intersection(cols):
            continue     # the header's columns and the ones right beside them, one after another
        added[key] = Header(key, tuple(cols), gc)
        reach = max(reach, gc.last_col)
    if added:
        header.columns.update(added)
        header.first = row


def _budget_by_sources(grid: Grid, lex: Lexicon, header: HeaderRow) -> None:
    """"中央 | 省、地 | 本级 | 其他 | 合计 | 执行数 | 执行率": the money by source as columns, their total before
    the spend, and no budget column: the total's column is the budget (广水's template)."""
    spent = header.columns.get("spent")
    if spent is None or header.columns.keys() & {"budget", "initial_budget"}:
        return
    total = next((gc for gc in grid.row(header.first) if gc.last_col < spent.col and not gc.number
                  and lex.kind(gc.key, FUND_ROW) == "total"), None)
    if total is not None and any(gc.col < total.col and not gc.number for gc in grid.row(header.first)):
        header.columns["budget"] = Header("budget", tuple(range(total.col, total.last_col + 1)), total)


# The rate's header names the column it divides by: "执行率(B/A)", "执行率((B-C)/A)".
_DIVISOR = re.compile(r"/\s*\(?\s*([A-Za-z])\s*\)?\s*\)?\s*$")


def _budget_by_letter(header: HeaderRow) -> None:
    """"年初预算数(A) | 全年执行数(B) | 执行率(B/A)" with no other budget: the column the rate divides by is the
    budget, whatever its words (Beijing's template names its only budget 年初预算数). Read as an initial budget
    beside no budget, the form would give no rate and an initial budget it does not print."""
    rate, initial = header.columns.get("rate"), header.columns.get("initial_budget")
    if rate is None or initial is None or "budget" in header.columns:
        return
    m = _DIVISOR.search(compact(rate.cell.text).replace("（", "(").replace("）", ")"))
    if m is not None and re.search(rf"\(\s*{m.group(1)}\s*\)", compact(initial.cell.text)):
        del header.columns["initial_budget"]
        header.columns["budget"] = Header("budget", initial.cols, initial.cell)


def _header_at(grid: Grid, lex: Lexicon, row: int, kind: str) -> HeaderRow | None:
    first = _labels_in(grid.showing(row), lex, kind, {})    # "一级指标" merged over two header rows counts
    if not first or _valid(_labels_in(grid.row(row + 1), lex, kind, {}), kind):
        # a header's first row names at least one column and needs the second to be whole (the row under
        # "自评得分 98" at the top of a form is the fund header by itself)
        return HeaderRow(row, row, first) if _valid(first, kind) else None
    if kind == COLUMN and (split := _split_levels(grid, lex, row, first)) is not None:
        return split
    used = {c for h in first.values() for c in h.cols}
    second: dict[str, Header] = {}
    parts: list[GridCell] = []
    for gc in grid.row(row + 1):
        if gc.number or used.intersection(range(gc.col, gc.last_col + 1)):
            continue
        key = lex.kind(gc.key, kind)
        above = grid.in_row(row, gc.col)
        if key is None and above is not None and above.key:     # "年度" over "指标值", read as one label
            key = lex.kind(label_key(above.text + gc.text), kind)
        if key is not None and key not in first and key not in second:
            second[key] = Header(key, tuple(range(gc.col, gc.last_col + 1)), gc)
            if above is not None and above.last_row == row:
                parts.append(above)
    both = {**first, **second}
    if second and _valid(both, kind) and not any(gc.number for gc in grid.row(row + 1)):
        return HeaderRow(row, row + 1, both, parts)
    return HeaderRow(row, row, first) if _valid(first, kind) else None


def _split_levels(grid: Grid, lex: Lexicon, row: int, first: dict[str, Header]) -> HeaderRow | None:
    """"一级指标 | 二级指标 | 三级指标" each merged over two columns, "指标 | 分值" under each: a level's name and
    its weight side by side under one label. The header is both rows; each level reads from the column that
    is not the 分值; the 分值 under the 三级 is the row's weight, those under 一级 and 二级 their groups' (none
    read). Without this the row of sub-labels was read as an indicator named "指标"."""
    if not any(len(h.cols) > 1 for k, h in first.items() if k in (*LEVELS, "level3")):
        return None
    under: list[tuple[Header, GridCell]] = []
    for gc in grid.row(row + 1):
        if gc.number:
            return None
        owner = next((h for h in first.values() if h.cols[0] <= gc.col and gc.last_col <= h.cols[-1]
                      and gc.last_col - gc.col + 1 < len(h.cols)), None)
        if owner is not None and owner.key in (*LEVELS, "level3") and lex.kind(gc.key, COLUMN) == "weight":
            under.append((owner, gc))
    if not under:
        return None
    columns = dict(first)
    parts: list[GridCell] = []
    for owner, gc in under:
        rest = tuple(c for c in columns[owner.key].cols if not gc.col <= c <= gc.last_col)
        columns[owner.key] = Header(owner.key, rest, owner.cell)
        if owner.key == "level3":
            columns["weight"] = Header("weight", tuple(range(gc.col, gc.last_col + 1)), gc)
    if not any(owner.key == "level3" for owner, _ in under) and "weight" in columns:
        # a 分值 of its own beside levels that print their groups' weights: which is the row's is not printed
        del columns["weight"]
    parts.extend(gc for gc in grid.row(row + 1) if all(gc is not w for _, w in under))
    return HeaderRow(row, row + 1, columns, parts) if _valid(columns, COLUMN) else None


def _labels_in(cells: list[GridCell], lex: Lexicon, kind: str, out: dict[str, Header]) -> dict[str, Header]:
    weights: list[GridCell] = []
    for gc in cells:
        key = lex.kind(gc.key, kind)
        if key == "weight" and kind == COLUMN:
            weights.append(gc)
        if key is not None and key not in out:
            out[key] = Header(key, tuple(range(gc.col, gc.last_col + 1)), gc)
    if len(weights) > 1:
        _row_weight(cells, lex, out, weights)
    return out


def _row_weight(cells: list[GridCell], lex: Lexicon, out: dict[str, Header], weights: list[GridCell]) -> None:
    """"一级指标 | 分值 | 二级指标 | 分值 | 三级指标 | 分值": a 分值 printed after each level. One right after a 一级
    or 二级 label is its group's weight; a row's weight is the 分值 after its 三级 (the finest level printed).
    Where none can be told apart, none is read: a group's weight read as every row's would be wrong."""
    level3 = out.get("level3")
    after = [gc for gc in weights if level3 is not None and gc.col > level3.cell.last_col]
    if not after:
        labelled = sorted((gc for gc in cells if lex.kind(gc.key, COLUMN) is not None), key=lambda gc: gc.col)
        after = [gc for gc in weights if _left_of(labelled, gc, lex) not in LEVELS]
    if len(after) == 1 or (after and level3 is not None and after[0].col > level3.cell.last_col):
        gc = after[0]
        out["weight"] = Header("weight", tuple(range(gc.col, gc.last_col + 1)), gc)
    else:
        out.pop("weight", None)


def _left_of(labelled: list[GridCell], cell: GridCell, lex: Lexicon) -> str | None:
    """The column key of the labelled header cell nearest left of `cell`."""
    left = [gc for gc in labelled if gc.last_col < cell.col]
    return None if not left else lex.kind(left[-1].key, COLUMN)


def _valid(columns: dict[str, Header], kind: str) -> bool:
    keys = set(columns)
    if kind == COLUMN:
        return len(keys) >= 3 and ("level3" in keys or set(LEVELS) <= keys) and bool(keys & _MEASURED)
    return len(keys) >= 2 and bool(keys & _AMOUNT_COLUMNS)


def find_headers(grid: Grid, lex: Lexicon, kind: str) -> list[HeaderRow]:
    out: list[HeaderRow] = []
    for r in grid.rows():
        if out and r <= out[-1].last:
            continue
        h = header_at(grid, lex, r, kind)
        if h is not None:
            out.append(h)
    return out


# ---------------------------------------------------------------------------------- indicator table

def read_indicators(grid: Grid, lex: Lexicon, header: HeaderRow, limit: int) -> IndicatorTable:
    table = IndicatorTable(header, unknown=_unknown_headers(grid, lex, header))
    table.used = {(h.cell.row, h.cell.col) for h in header.columns.values()} | {(p.row, p.col) for p in header.parts}
    right = header.span[1]
    stop_col = min(h.col for k, h in header.columns.items() if k in ("level1", "level2", "level3"))
    carried: dict[str, Read | None] = dict.fromkeys(LEVELS)
    name = header.columns.get("level3")
    values = {c for key, h in header.columns.items() if key not in ("level1", "level2", "level3") for c in h.cols}
    empty = 0
    r = header.last
    while r < limit:
        r += 1
        own = [gc for gc in grid.row(r) if gc.col <= right]
        if own and own[0].col < header.span[0] and _repeats_above(grid, own[0]):
            own = own[1:]       # a block's label left of the table repeated down its rows ("绩效指标" unmerged, filled)
        lead = own[0] if own else None
        if lead is not None and lead.col <= stop_col and lex.kind(lead.key, TOTAL):
            _read_totals(grid, lex, table, r, lead)
            break
        if lead is not None and _ends_table(grid, lex, r, lead):
            r -= 1
            break
        if not own:
            empty += 1
            if empty >= EMPTY_ROWS_END:
                r -= empty
                break
            continue
        empty = 0
        if r == header.last + 1 and _column_numbers(own):    # "1 2 3 …" under the header: no indicator
            continue
        if _section(lex, header, own, carried):
            table.used.add((own[0].row, own[0].col))
            continue
        if name is not None and _across(name, values, own):   # "其他需要说明事项 | 无" typed across: a note
            continue
        if _one_line(own, name):      # a line typed across the table, its text repeated in every cell
            continue
        row, places, dashes = _indicator_row(grid, header, r, carried)
        if row is not None:
            table.rows.append(row)
            table.places.append(places)
            table.dashes.append(dashes)
            table.shared.append(_merged_from_above(grid, header, r, row))
            table.used.update((x.cell.row, x.cell.col) for x in row.values())
    table.end = min(r, limit)
    return table


def _repeats_above(grid: Grid, gc: GridCell) -> bool:
    above = grid.in_row(gc.row - 1, gc.col)
    return above is not None and above.col == gc.col and not gc.number and above.text == gc.text


def _ends_table(grid: Grid, lex: Lexicon, r: int, lead: GridCell) -> bool:
    """A row that is no longer the table's: a label that follows the tables (填报人, 备注), a title, another
    header, or a single field's label leading the row (项目名称: the next form)."""
    if lead.number:
        return False
    if lex.is_end(lead.key) or lex.title_specs(lead.key):
        return True
    if lex.kind(lead.key, FIELD) and not lex.kind(lead.key, COLUMN) and not lex.kind(lead.key, FUND_COLUMN):
        return True
    return header_at(grid, lex, r, COLUMN) is not None or header_at(grid, lex, r, FUND_COLUMN) is not None


def _column_numbers(cells: list[GridCell]) -> bool:
    """Column numbers printed under a header ("1 2 3 4 …" or "栏次"): consecutive integers from 1."""
    if len(cells) < 3 or not all(gc.number or gc.text.isdigit() for gc in cells):
        return False
    numbers = [float(gc.cell.value) if gc.number else float(gc.text) for gc in cells]   # type: ignore[arg-type]
    return numbers == [float(i) for i in range(1, len(numbers) + 1)]


def _section(lex: Lexicon, header: HeaderRow, own: list[GridCell], carried: dict[str, Read | None]) -> bool:
    """A row that only names a 一级指标 across the table ("一、产出指标（50分）"): the rows under it are its."""
    if len(own) != 1 or own[0].number or own[0].last_col == own[0].col:
        return False
    name, _ = normalize_label(_level_text(own[0].text), lex.level1)
    if name not in lex.level1:
        return False
    carried["level1"], carried["level2"] = Read(own[0], name), None
    return True


def _across(name: Header, values: set[int], own: list[GridCell]) -> bool:
    """A line typed across the table ("其他需要说明事项 | [无 merged over every column]"): the cell under 三级指标
    (`name`) reaches into the columns of values. An indicator's name stays within its own column."""
    return any(gc.last_col > gc.col <= name.col <= gc.last_col and any(gc.col <= c <= gc.last_col for c in values)
               for gc in own)


def _merged_from_above(grid: Grid, header: HeaderRow, r: int, row: dict[str, Read]) -> set[str]:
    """The measured columns of row `r` that show a figure merged down from a table row above it."""
    out = set()
    for key in _MEASURED - row.keys():
        h = header.columns.get(key)
        x = next((x for c in h.cols if (x := grid.at(r, c)) is not None), None) if h is not None else None
        if x is not None and header.last < x.row < r and x.text and not is_dash(x.text):
            out.add(key)
    return out


def _one_line(own: list[GridCell], name: Header | None) -> bool:
    """"项目年度目标1：…" or "无" in every cell of a row (merged cells unmerged and filled): one text across the
    table, no indicator. A row that names no indicator ("无" under 三级指标) is none either."""
    if len(own) >= 3 and own[0].text == own[-1].text and not any(gc.number for gc in own) \
            and len({gc.text for gc in own}) == 1:
        return True
    cell = next((gc for gc in own if name is not None and gc.col <= name.col <= gc.last_col), None)
    return cell is not None and not cell.number and len(cell.text) < 8 and label_key(cell.text) in _NO_NAME


def _indicator_row(grid: Grid, header: HeaderRow, r: int, carried: dict[str, Read | None]
                   ) -> tuple[dict[str, Read] | None, dict[str, tuple[int, int]], set[str]]:
    """The row's values, every column's cell, and the columns printing a dash: read as empty, but "—" under
    指标值 says on purpose that no target applies (an evaluation framework's 项目决策 rows)."""
    row: dict[str, Read] = {}
    places: dict[str, tuple[int, int]] = {}
    dashes: set[str] = set()
    for key in LEVELS:
        if key not in header.columns:
            if carried[key] is not None:      # named by a section row above ("一、产出指标")
                row[key] = carried[key]  # type: ignore[assignment]
                places[key] = (carried[key].cell.row, carried[key].cell.col)  # type: ignore[union-attr]
            continue
        gc = next((x for c in header.columns[key].cols if (x := grid.at(r, c)) is not None), None)
        if gc is not None:      # typed in this row, or a merged range reaching down to it
            if key == "level1" and (carried[key] is None or carried[key].cell is not gc):   # type: ignore[union-attr]
                carried["level2"] = None                         # a new 一级 starts its own 二级
            carried[key] = Read(gc, _level_text(gc.text))
        hit = carried[key]
        if hit is not None:
            row[key] = hit
            places[key] = (hit.cell.row, hit.cell.col)
    data = False
    for key, h in header.columns.items():
        if key in LEVELS:
            continue
        places[key] = (r, h.col)
        gc = next((x for c in h.cols if (x := grid.in_row(r, c)) is not None and x.col in h.cols), None)
        if gc is None and key in _MERGED_DOWN:
            gc = next((x for c in h.cols if (x := grid.at(r, c)) is not None and x.col in h.cols
                       and x.row > header.last and not x.number), None)
            if gc is not None and not is_dash(gc.text):   # the rows a merged 指标性质 spans each have it
                row[key] = Read(gc, _unbroken(gc.text))
                places[key] = (gc.row, gc.col)
            continue
        if gc is None or is_dash(gc.text):
            if gc is not None:
                dashes.add(key)
            continue
        text = None
        if key in _MERGED_DOWN:
            text = _unbroken(gc.text)
        elif key == "level3":
            text = _NUMBERING.sub("", gc.text).strip()
            if not text or is_placeholder(text) or label_key(text) in _NO_NAME:
                continue
            weight = _WEIGHT_IN_NAME.search(text) if "weight" not in header.columns else None
            if weight is not None and text[:weight.start()].strip():
                # "相关性（5分）" in a table with no 分值 column: the row's weight is printed in its name
                row["weight"] = Read(gc, weight.group(1), number=True)
                text = text[:weight.start()].strip()
        elif not gc.number and is_placeholder(gc.text):
            continue
        row[key] = Read(gc, text if text != gc.text else None)
        places[key] = (gc.row, gc.col)
        data = True
    return (row if data else None), places, dashes


# "无" where an indicator's name goes names none ("其他需要说明事项 | 无" typed in the table's columns, unmerged).
_NO_NAME = frozenset({"无", "暂无", "没有"})


def _unbroken(text: str) -> str:
    """A kind typed as vertical text ("定\\n性\\n指\\n标") or wrapped ("万 元"): the word, without the breaks."""
    return "".join(text.split())


@lru_cache(maxsize=4096)
def _level_text(text: str) -> str:
    """一级/二级 as the words printed, without what the layout added: line breaks of vertical text, spaces,
    the weight in brackets ("产出指标\\n（50分）", "项目绩效（特性指标70分）"). Words in brackets are the
    name's own ("应付账款(暂存款)"): cut, the row would be another 二级's."""
    folded = compact(text)
    own = [m for m in _NAMED_NOTE.finditer(folded) if not _LAYOUT_NOTE.search(m.group(1))]
    if not own:
        return label_key(text) or text
    kept = _NAMED_NOTE.sub(lambda m: m.group(0) if _LAYOUT_NOTE.search(m.group(1)) else f"\ue000{m.group(1)}\ue001",
                           folded)
    return (label_key(kept) or kept).replace("\ue000", "(").replace("\ue001", ")")


# A bracketed note in a level's label, and what makes it the layout's, not the name's: a figure (a weight,
# "（50分）", "（10）"), a column letter ("(A)"), a unit, the template's hint ("（可选项）"), a weight's slot
# left blank ("（  分）", "()").
_NAMED_NOTE = re.compile(r"\(([^()]*)\)")
_LAYOUT_NOTE = re.compile(r"[0-9]|^[A-Za-z]?$|^_*分?$|万?元|^%$|可选|必选|选填|必填")



def _read_totals(grid: Grid, lex: Lexicon, table: IndicatorTable, r: int, label: GridCell) -> None:
    table.used.add((label.row, label.col))
    for key in ("weight", "score"):
        h = table.header.columns.get(key)
        if h is None:
            continue
        table.total_places[key] = (r, h.col)
        gc = next((x for c in h.cols if (x := grid.in_row(r, c)) is not None and x.col in h.cols), None)
        if gc is not None and not is_dash(gc.text):
            table.totals[key] = Read(gc)
            table.total_places[key] = (gc.row, gc.col)
            table.used.add((gc.row, gc.col))
    _total_across(grid, table, r, label)
    _grade_after(grid, lex, table, r, label)


def _grade_after(grid: Grid, lex: Lexicon, table: IndicatorTable, r: int, label: GridCell) -> None:
    """"总分 | 100 | 96 | 优": a grade name printed after the totals row's figures is the form's grade."""
    last = max((c for k in ("weight", "score") if (h := table.header.columns.get(k)) for c in h.cols),
               default=label.last_col)
    gc = next((x for x in grid.row(r) if x.col > last and not x.number), None)
    if gc is not None and gc.key in lex.grades:
        table.totals["grade"] = Read(gc)
        table.total_places["grade"] = (gc.row, gc.col)
        table.used.add((gc.row, gc.col))


def _total_across(grid: Grid, table: IndicatorTable, r: int, label: GridCell) -> None:
    """"总分 | [100分 merged across the row]": the one figure of a totals row, merged over the 得分 column and no
    分值 column, is the total score."""
    score, weight = table.header.columns.get("score"), table.header.columns.get("weight")
    figures = [gc for gc in grid.row(r) if gc is not label and not is_dash(gc.text)]
    if score is None or table.totals or len(figures) != 1 or not _figure(figures[0]):
        return
    gc = figures[0]
    if gc.col <= score.col <= gc.last_col and (weight is None or not gc.col <= weight.col <= gc.last_col):
        table.totals["score"] = Read(gc)
        table.total_places["score"] = (gc.row, gc.col)
        table.used.add((gc.row, gc.col))


def _unknown_headers(grid: Grid, lex: Lexicon, header: HeaderRow) -> list[GridCell]:
    """Header cells that name no column the vocabulary knows (the data under them is not read). Group cells
    that span the rows below ("绩效指标") are no column headers."""
    known = {(h.cell.row, h.cell.col) for h in header.columns.values()} | {(p.row, p.col) for p in header.parts}
    left, right = header.span
    out = []
    for r in range(header.first, header.last + 1):
        for gc in grid.row(r):
            if (gc.row, gc.col) in known or gc.last_row > header.last or not left <= gc.col <= right:
                continue
            # a label the vocabulary knows, printed again (a group's 分值 beside the row's, 具体指标 beside 三级指标),
            # is no unknown header: saying so would be false
            if gc.key and not gc.number and gc.key not in lex.ignored and lex.kind(gc.key, COLUMN) is None:
                out.append(gc)
    return out


# --------------------------------------------------------------------------------------- fund table

def find_transposed(grid: Grid, lex: Lexicon) -> list[HeaderRow]:
    """Fund tables printed the other way round: "| 合计 | 财政拨款 | 其他资金" over rows "全年预算数 | 100 | 80 |
    20", "全年执行数 | …", "执行率 | …" — the sources of money as columns, the stages as rows."""
    out: list[HeaderRow] = []
    for r in grid.rows():
        if out and r <= out[-1].last:
            continue
        sources: dict[str, Header] = {}
        for gc in grid.row(r):
            key = lex.kind(gc.key, FUND_ROW) if not gc.number else None
            if key is not None and key not in sources and lex.kind(gc.key, FUND_COLUMN) is None:
                sources[key] = Header(key, tuple(range(gc.col, gc.last_col + 1)), gc)
        if len(sources) < 2:
            continue
        first_col = min(h.col for h in sources.values())
        stages: dict[str, Header] = {}
        last = r
        for below in range(r + 1, r + 1 + MAX_FUND_ROWS):
            label = next((gc for gc in grid.row(below) if gc.col < first_col and not gc.number), None)
            key = lex.kind(label.key, FUND_COLUMN) if label is not None else None
            if label is None or key is None or key in stages:
                break
            stages[key] = Header(key, (label.col,), label)
            last = below
        if _valid(stages, FUND_COLUMN):
            out.append(HeaderRow(r, last, stages, sources=sources))
    return out


def _read_transposed(grid: Grid, table: FundTable) -> FundTable:
    header = table.header
    for source, top in header.sources.items():
        table.used.add((top.cell.row, top.cell.col))
        table.labels[source] = top.cell
        for column, stage in header.columns.items():
            key = f"fund.{source}.{column}"
            gc = next((x for c in top.cols if (x := grid.in_row(stage.cell.row, c)) is not None and x.col in top.cols),
                      None)
            table.places[key] = (stage.cell.row, top.col)
            if gc is not None and not is_dash(gc.text):
                table.values[key] = Read(gc)
                table.places[key] = (gc.row, gc.col)
                table.used.add((gc.row, gc.col))
    table.end = header.last
    table.unit = _yuan(grid, header, table.end)
    if table.unit is None:
        _doubt_amounts(table)
    return table


def read_funds(grid: Grid, lex: Lexicon, header: HeaderRow, limit: int) -> FundTable:
    table = FundTable(header)
    table.used = {(h.cell.row, h.cell.col) for h in header.columns.values()}
    if header.sources:
        return _read_transposed(grid, table)
    if _pairs(grid, lex, header):
        return _read_pairs(grid, table)
    first_col = header.span[0]
    r = header.last
    while r < min(limit, header.last + MAX_FUND_ROWS):
        r += 1
        if header_at(grid, lex, r, COLUMN) is not None:
            r -= 1
            break
        if not grid.row(r) and _fund_row_at(grid, lex, r + 1, first_col):
            continue        # an empty row inside the table (a row the clerk inserted and left), its rows go on
        label = next((gc for gc in reversed(grid.row(r)) if gc.col < first_col and not gc.number), None)
        figures = {k: gc for k, h in header.columns.items()
                   if (gc := next((x for c in h.cols if (x := grid.in_row(r, c)) is not None and x.col in h.cols),
                                  None)) is not None}
        row = lex.kind(label.key, FUND_ROW) if label is not None else None
        beside = _label_among(lex, figures)
        if beside is not None and label is not None:
            # "其中：一般公共预算：2456.18 | 其中：基本支出：2299.98": two lists side by side under the total, each
            # a label and its amount; none of them stands under a column's header (a "rate" of 2299.98)
            table.paired.append((label, beside))
            table.used.update((gc.row, gc.col) for gc in (label, *figures.values()))
            continue
        if row is None and label is None and r == header.last + 1 and any(map(_figure, figures.values())) \
                and not _figures_below(grid, header, r):
            row = "total"     # the table's one row, under a header that names the block: the whole budget
        if row is None:
            if label is not None and not lex.is_label(label.key) and not any(map(_figure, figures.values())) \
                    and _more_rows(grid, lex, first_col, r, min(limit, header.last + MAX_FUND_ROWS)):
                continue    # a sub-row printed empty ("①中央及省级财政资金", "①……") above the table's next row
            if (label is not None and lex.is_label(label.key)) or not any(map(_figure, figures.values())):
                r -= 1      # another block ("预期目标", "部门职能概述"), or no figures: the table has ended
                break
            if label is not None:
                table.unplaced.append(label)
            table.used.update((gc.row, gc.col) for gc in figures.values())
            continue
        _fund_row(grid, table, row, label, figures, header, r)
    table.end = r
    table.unit = _yuan(grid, header, table.end)
    if table.unit is None:
        _doubt_amounts(table)
    return table


def _fund_row_at(grid: Grid, lex: Lexicon, r: int, first_col: int) -> bool:
    """Row `r` is a fund row: its label left of the amounts names one ("其中：财政拨款")."""
    label = next((gc for gc in reversed(grid.row(r)) if gc.col < first_col and not gc.number), None)
    return label is not None and lex.kind(label.key, FUND_ROW) is not None


def _pairs(grid: Grid, lex: Lexicon, header: HeaderRow) -> bool:
    """"计划安排资金(万元) | 700 | 实际到位资金(万元) | 700 | 实际支出(万元) | 700": the amounts printed each right
    after its label across one row (the 财政局(制) 绩效评价报告 cover), not in a column under it."""
    if header.first != header.last:
        return False
    for h in header.columns.values():
        value = grid.right_of(h.cell)
        if value is None or value.col != h.cell.last_col + 1 or (not value.number and lex.is_label(value.key)) \
                or not (_figure(value) or is_dash(value.text)):
            return False
    return True


def _read_pairs(grid: Grid, table: FundTable) -> FundTable:
    """The figure beside each label is the whole budget's (the sources of money under each pair, 其中：中央财政 …,
    are not read)."""
    for column, h in table.header.columns.items():
        value = grid.right_of(h.cell)
        key = f"fund.total.{column}"
        if value is None:
            continue
        table.places[key] = (value.row, value.col)
        if not is_dash(value.text):
            table.values[key] = Read(value)
            table.used.add((value.row, value.col))
    table.end = table.header.last
    table.unit = _yuan(grid, table.header, table.end)
    if table.unit is None:
        _doubt_amounts(table)
    return table


def _doubt_amounts(table: FundTable) -> None:
    """Amounts that cannot be 万元 (元 typed under a "(万元)" label or none): none is read. A value is better
    missing than 10,000 times too large."""
    amounts = {k: r for k, r in table.values.items() if k.rsplit(".", 1)[1] in _AMOUNT_COLUMNS | {"transfer"}}
    big = next((r.cell for r in amounts.values() if (_amount(r.cell) or 0) > AMOUNT_MAX_WAN), None)
    if big is None:
        return
    table.doubtful = big
    for key in amounts:
        del table.values[key]
    table.withheld.update(amounts)


def _amount(gc: GridCell) -> float | None:
    if gc.number:
        return float(gc.cell.value)   # type: ignore[arg-type]
    value, _ = parse_number(gc.text, "amount")
    return float(value) if value is not None else None


def _figures_below(grid: Grid, header: HeaderRow, r: int) -> bool:
    """The row under `r` has figures in the header's columns (the table has more than one row)."""
    return any(_figure(x) for h in header.columns.values() for c in h.cols
               if (x := grid.in_row(r + 1, c)) is not None and x.col in h.cols)


def _more_rows(grid: Grid, lex: Lexicon, first_col: int, r: int, last: int) -> bool:
    """A row the vocabulary names as a fund row comes further down, before anything else the form labels."""
    for below in grid.rows(r + 1, last):
        label = next((gc for gc in reversed(grid.row(below)) if gc.col < first_col and not gc.number), None)
        if label is None:
            return False
        if lex.kind(label.key, FUND_ROW):
            return True
        if lex.is_label(label.key):
            return False
    return False


_NOT_AMOUNT = frozenset({"无", "暂无", "空", "未执行"})


def _label_among(lex: Lexicon, figures: dict[str, GridCell]) -> GridCell | None:
    """A label where the row's amounts are ("按支出性质分：", "其中：基本支出："): words with no figure in them,
    a fund row's name or a text ending in a colon."""
    for gc in figures.values():
        if gc.number or _figure(gc) or is_dash(gc.text) or gc.key in _NOT_AMOUNT:
            continue
        if lex.kind(gc.key, FUND_ROW) or gc.text.rstrip().endswith((":", "：")):
            return gc
    return None


def _figure(gc: GridCell) -> bool:
    """An amount, a rate or a score: a number, or a short text with digits ("4753.66万元", "95%"). A sentence
    with a number in it ("将辖区20条城市道路…外包") is text (a goal typed beside the fund table)."""
    return gc.number or (len(gc.text) <= FIGURE_MAX and any(ch.isdigit() for ch in gc.text))


def _fund_row(grid: Grid, table: FundTable, row: str, label: GridCell | None, figures: dict[str, GridCell],
              header: HeaderRow, r: int) -> None:
    if label is not None:
        table.used.add((label.row, label.col))
        if row in table.labels:          # "合计" and "年度资金总额" both: which one holds the figures is unclear
            table.conflicts.append((row, label))
            table.withheld.update(f"fund.{row}.{column}" for column, gc in figures.items() if _figure(gc))
            return
        table.labels[row] = label
    for column, h in header.columns.items():
        key = f"fund.{row}.{column}"
        table.places[key] = (r, h.col)
        gc = figures.get(column)
        if gc is not None and not is_dash(gc.text):
            table.values[key] = Read(gc)
            table.places[key] = (gc.row, gc.col)
            table.used.add((gc.row, gc.col))
        elif gc is None and (over := grid.in_row(r, h.col)) is not None and _figure(over):
            # one amount merged over this column and the one before it ("预算数(A) | 执行数(B)" under one 864.2):
            # the column prints a figure, just not one of its own
            table.withheld.add(key)


def _yuan(grid: Grid, header: HeaderRow, end: int) -> GridCell | None:
    """The cell stating the amounts are in 元 (not 万元): the table's header, a label left of it, or a line just
    above it ("单位：元")."""
    first_col = header.span[0]
    seen: set[tuple[int, int]] = set()
    units: dict[str, GridCell] = {}
    above = [(r, gc.col) for r in (header.first - 2, header.first - 1) for gc in grid.row(r)]
    for r, c in above + [(r, c) for r in range(header.first, end + 1) for c in range(0, first_col + 1)]:
        gc = grid.at(r, c)
        if gc is None or gc.number or (gc.row, gc.col) in seen:
            continue
        seen.add((gc.row, gc.col))
        unit = label_unit(gc.text)
        if unit:
            units.setdefault(unit, gc)
    for h in header.columns.values():
        unit = label_unit(h.cell.text)
        if unit:
            units.setdefault(unit, h.cell)
    return units["元"] if "元" in units and "万元" not in units else None
