"""The forms on one sheet: where each starts and ends, and every value it prints with its cell.

A sheet holds a form when it has an indicator table or a fund table, found by their headers; a narrative
report or a data sheet has neither. Several indicator tables on a sheet are several forms (a table pasted
twice, two units one under the other): each form runs from the first label after the previous table to the
row before the next form's. What is read is layout-independent (`Found`): field keys, each value's cell,
and the places of fields the form prints empty; which spec the form matches is decided afterwards.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from xlsform.importer.grid import Grid, GridCell
from xlsform.importer.lexicon import COLUMN, FIELD, FUND_COLUMN, Lexicon
from xlsform.importer.scalars import TITLE_MAX, find_year, read_fields, shown
from xlsform.importer.tables import (
    AMOUNT_MAX_WAN,
    FundTable,
    HeaderRow,
    IndicatorTable,
    Read,
    find_headers,
    find_transposed,
    read_funds,
    read_indicators,
)


@dataclass
class Note:
    """A finding to make once the form's file and spec are known."""

    code: str
    cell: GridCell | None
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class Found:
    sheet: str
    origin: tuple[int, int]
    values: dict[str, Read] = field(default_factory=dict)
    places: dict[str, tuple[int, int]] = field(default_factory=dict)      # every field the form prints
    labels: dict[str, str] = field(default_factory=dict)                  # key -> its printed label
    heard: set[str] = field(default_factory=set)                          # labels recognised
    titles: set[str] = field(default_factory=set)                         # specs whose title words it shows
    yuan: GridCell | None = None
    notes: list[Note] = field(default_factory=list)
    indicators: int = 0
    contested: dict[str, list[tuple[str, Read]]] = field(default_factory=dict)
    # fields the form prints a value for that was left out (two values, amounts in 元, one amount over two
    # columns): not read, and not empty either
    withheld: set[str] = field(default_factory=set)
    dashed: set[str] = field(default_factory=set)       # indicator cells printing only a dash ("—", "/")

    def settle(self, own: frozenset[str]) -> None:
        """A field two labels gave different values, once the spec is known: the value under the one label
        that spec's vocabulary lists is the field's (项目名称 on a project form, not the 单位名称 above it);
        otherwise it stays left out, reported (XF172)."""
        for key, candidates in self.contested.items():
            values = {shown(r): r for label, r in candidates if label in own}
            if len(values) != 1 or key in self.values:
                continue
            read = next(iter(values.values()))
            self.values[key] = read
            self.places[key] = (read.cell.row, read.cell.col)
            self.notes = [n for n in self.notes if not (n.code == "XF172" and n.args.get("key") == key)]
            self.withheld.discard(key)

    def signature(self) -> frozenset[tuple[str, str]]:
        """What the form says, without where: two pastes of one table have the same."""
        return frozenset((k, shown(r)) for k, r in self.values.items())


def read_sheet(grid: Grid, lex: Lexicon, long_fields: frozenset[str]) -> list[Found]:
    headers = find_headers(grid, lex, COLUMN)
    fund_headers = [h for h in find_headers(grid, lex, FUND_COLUMN)
                    if not any(x.first <= h.first <= x.last for x in headers)]
    fund_headers = sorted(fund_headers + [h for h in find_transposed(grid, lex)
                                          if not any(x.first <= h.first <= x.last for x in (*headers, *fund_headers))],
                          key=lambda h: h.first)
    if not headers and not fund_headers:
        return []
    tables = []
    for i, h in enumerate(headers):
        limit = headers[i + 1].first - 1 if i + 1 < len(headers) else grid.max_row
        tables.append(read_indicators(grid, lex, h, limit))
    tables = _join_blocks(grid, lex, tables)
    regions = _regions(grid, lex, tables)
    if not tables:
        return [_form(grid, lex, *regions[0], None, fund_headers, long_fields)]
    after = _fund_forms_after(grid, lex, tables[-1], fund_headers)
    if after:
        regions[-1] = (regions[-1][0], after[0][0] - 1)
    forms = [_form(grid, lex, first, last, table, fund_headers, long_fields)
             for (first, last), table in zip(regions, tables, strict=True)]
    return forms + [_form(grid, lex, first, last, None, fund_headers, long_fields) for first, last in after]


def _join_blocks(grid: Grid, lex: Lexicon, tables: list[IndicatorTable]) -> list[IndicatorTable]:
    """A table whose header is printed again right under the last row of the one before, with nothing between
    (no title, no field, no totals): one form's indicators in blocks (年度绩效目标1, 年度绩效目标2, each with
    its header), one table. The same rows again are a table pasted twice, and stay two."""
    out: list[IndicatorTable] = []
    for table in tables:
        before = out[-1] if out else None
        if before is not None and not before.totals and table.rows \
                and _rows_of(before) != _rows_of(table) \
                and not any(_is_label(lex, gc) or _is_title(gc)
                            for r in grid.rows(before.end + 1, table.header.first - 1) for gc in grid.row(r)):
            before.rows.extend(table.rows)
            before.places.extend(table.places)
            before.dashes.extend(table.dashes)
            before.shared.extend(table.shared)
            before.totals, before.total_places = table.totals, table.total_places
            before.unknown.extend(table.unknown)
            before.used |= table.used
            before.end = table.end
            continue
        out.append(table)
    return out


def _rows_of(table: IndicatorTable) -> list[dict[str, str]]:
    return [{k: shown(r) for k, r in row.items()} for row in table.rows]


def _fund_forms_after(grid: Grid, lex: Lexicon, last: IndicatorTable, fund_headers: list[HeaderRow]
                      ) -> list[tuple[int, int]]:
    """Forms with a fund table and no indicator table under the sheet's last indicator table (a second unit's
    form pasted below, its indicators not typed): each from its own title or first field, when it has one."""
    out: list[tuple[int, int]] = []
    start = last.end + 1
    for h in (h for h in fund_headers if h.first > last.end):
        head = next((r for r in grid.rows(start, h.first - 1)
                     if any(_is_title(gc) or (_is_label(lex, gc) and lex.kind(gc.key, FIELD)) for gc in grid.row(r))),
                    None)
        start = h.first + 1
        if head is not None:
            out.append((head, grid.max_row))
    return [(first, out[i + 1][0] - 1 if i + 1 < len(out) else last_row) for i, (first, last_row) in enumerate(out)]


def _regions(grid: Grid, lex: Lexicon, tables: list[IndicatorTable]) -> list[tuple[int, int]]:
    """Each form's rows: the first from the sheet's top, the others from the first title or label after the
    table before them."""
    if not tables:
        return [(0, grid.max_row)]
    heads = [0]
    for before, table in itertools.pairwise(tables):
        heads.append(next((r for r in grid.rows(before.end + 1, table.header.first)
                           if any(_is_label(lex, gc) or _is_title(gc) for gc in grid.row(r))), table.header.first))
    ends = [h - 1 for h in heads[1:]] + [grid.max_row]
    return list(zip(heads, ends, strict=True))


def _is_label(lex: Lexicon, gc: GridCell) -> bool:
    return not gc.number and (lex.is_label(gc.key) or bool(lex.title_specs(gc.key)))


# A form's title in words any layout uses ("2023年度部门整体支出绩效评价自评表", "（2018年度）").
_TITLE = re.compile(r"自评表|评价表|绩效.{0,8}表|(?:19|20)\d{2}\s*年度")


def _is_title(gc: GridCell) -> bool:
    return not gc.number and len(gc.text) <= TITLE_MAX and _TITLE.search(gc.text) is not None


def _form(grid: Grid, lex: Lexicon, first: int, last: int, table: IndicatorTable | None,
          fund_headers: list[HeaderRow], long_fields: frozenset[str]) -> Found:
    top = table.header.first if table is not None else last + 1
    fh = next((h for h in fund_headers if first <= h.first < top), None)
    bottom = top - 1 if table is not None else last
    if fh is None:
        # the fund table under the indicators (or the form's only table): the form's own when nothing of
        # another form comes between (a fund table with its own title or fields is a form of its own)
        start = table.end if table is not None else first
        fh = next((h for h in fund_headers if start <= h.first <= last), None)
        bottom = last
    funds = read_funds(grid, lex, fh, bottom) if fh is not None else None
    used = (table.used if table else set()) | (funds.used if funds else set())
    fields = read_fields(grid, lex, first, last, used, long_fields)
    found = Found(grid.name, _origin(grid, lex, first, last))
    if table is not None:
        _add_indicators(found, table)
    if funds is not None:
        _add_funds(found, funds)
    for key, read in fields.values.items():
        _put(found, key, read)
    for key, place in fields.places.items():
        found.places.setdefault(key, place)
    for key, label in fields.labels.items():
        found.labels.setdefault(key, label.text)
    found.heard |= fields.heard
    for key, a, b in fields.conflicts:
        found.notes.append(Note("XF172", b, {"key": key, "value": f"{a.text}（{_ref(a)}）、{b.text}"}))
        found.withheld.add(key)
    found.contested = fields.contested
    firsts = [h.first for h in (table.header if table else None, fh) if h is not None]
    _add_year(found, grid, first, min(firsts) - 1 if firsts else last)
    _add_titles(found, grid, lex, first, min(firsts) - 1 if firsts else last)
    return found


def _origin(grid: Grid, lex: Lexicon, first: int, last: int) -> tuple[int, int]:
    for r in grid.rows(first, last):
        for gc in grid.row(r):
            if _is_label(lex, gc):
                return gc.row, gc.col
    return first, 0


def _put(found: Found, key: str, read: Read) -> None:
    """One value a key; the same key read twice with different values is reported and left out."""
    old = found.values.get(key)
    if old is not None and shown(old) != shown(read):
        found.notes.append(Note("XF172", read.cell, {"key": key, "value": f"{shown(old)}（{_ref(old.cell)}）、"
                                                                             f"{shown(read)}"}))
        del found.values[key]
        found.withheld.add(key)
        return
    found.values.setdefault(key, read)
    found.places.setdefault(key, (read.cell.row, read.cell.col))


def _ref(gc: GridCell) -> str:
    from xlsform.layout import a1

    return a1(gc.row, gc.col)


def _add_indicators(found: Found, table: IndicatorTable) -> None:
    for h in table.header.columns.values():
        found.heard.add(h.cell.key)
        found.labels.setdefault(f"ind.*.{h.key}", h.cell.text)
    for i, (row, places) in enumerate(zip(table.rows, table.places, strict=True), start=1):
        for column, read in row.items():
            found.values[f"ind.{i}.{column}"] = read
        for column, place in places.items():
            found.places[f"ind.{i}.{column}"] = place
    for i, dashes in enumerate(table.dashes, start=1):
        found.dashed.update(f"ind.{i}.{column}" for column in dashes)
    for i, shared in enumerate(table.shared, start=1):
        found.withheld.update(f"ind.{i}.{column}" for column in shared)
    found.indicators = len(table.rows)
    for column, read in table.totals.items():
        _put(found, f"total.{column}", read)
    for column, place in table.total_places.items():
        found.places.setdefault(f"total.{column}", place)
    for gc in table.unknown:
        found.notes.append(Note("XF176", gc, {"value": gc.text}))


def _add_funds(found: Found, funds: FundTable) -> None:
    for h in funds.header.columns.values():
        found.heard.add(h.cell.key)
    for row, label in funds.labels.items():
        found.heard.add(label.key)
        found.labels[f"fund.{row}"] = label.text
    for key, read in funds.values.items():
        _put(found, key, read)
    for key, place in funds.places.items():
        found.places.setdefault(key, place)
    for gc in funds.unplaced:
        found.notes.append(Note("XF173", gc, {"value": gc.text}))
    if funds.paired:       # one finding for the block, at its first row
        left, right = zip(*funds.paired[:4], strict=True)
        found.notes.append(Note("XF183", left[0], {"value": "、".join(gc.text for gc in left),
                                                   "expected": "、".join(gc.text for gc in right)}))
    for row, gc in funds.conflicts:
        found.notes.append(Note("XF172", gc, {"key": f"fund.{row}", "value": f"{funds.labels[row].text}、{gc.text}"}))
    found.yuan = funds.unit
    found.withheld |= funds.withheld
    if funds.doubtful is not None:
        found.notes.append(Note("XF182", funds.doubtful, {"value": funds.doubtful.text,
                                                          "expected": f"{AMOUNT_MAX_WAN:,}"}))


def _add_year(found: Found, grid: Grid, first: int, last: int) -> None:
    """The year a title states, or the one beside a 年度 label; both, they must agree."""
    year, cell, disagree = find_year(grid, first, last)
    typed = found.values.get("year")
    if typed is not None:
        m = _YEAR_DIGITS.search(shown(typed))
        value = int(m.group()) if m else None
        if year is not None and value != year and cell is not None:
            disagree = [cell, typed.cell]
            del found.values["year"]
        else:
            found.values["year"] = Read(typed.cell, str(value)) if value else typed
            return
    elif year is not None and cell is not None:
        found.values["year"] = Read(cell, str(year))
        found.places["year"] = (cell.row, cell.col)
        return
    if disagree:
        found.notes.append(Note("XF178", disagree[-1], {"value": "、".join(f"{gc.text}（{_ref(gc)}）"
                                                                          for gc in disagree[:4])}))


_YEAR_DIGITS = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def _add_titles(found: Found, grid: Grid, lex: Lexicon, first: int, last: int) -> None:
    for r in grid.rows(first, last):
        for gc in grid.row(r):
            if not gc.number:
                found.titles.update(lex.title_specs(gc.key))
