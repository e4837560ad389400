"""The single fields of a form, each beside or under its printed label, and the year its title states.

A label's value is the next cell to its right; for long text fields (goals, reasons) printed as a header,
the cell under it. A label whose neighbour is another label is a field left empty: its place is known, its
value is not. "等级：优" in one cell is a label and its value. A field printed twice with two different values
is reported and left out: a value is better missing than wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from xlsform.importer.grid import Grid, GridCell
from xlsform.importer.lexicon import FIELD, Lexicon
from xlsform.importer.tables import Read
from xlsform.normalize import is_dash, label_key

_COLON = re.compile(r"[:：]")
# A year a title states ("2020年度", "2020 年"), not the year of a date ("填报日期：2022年2月3日", "2020年元月起至
# 2020年12月止", "2021年十二月"): a form is often reported the year after the dates it prints.
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年(?!\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3}|[元正冬腊])\s*月)")
TITLE_MAX = 60      # a title or subtitle; a longer text is a sentence of a report


@dataclass
class Fields:
    values: dict[str, Read] = field(default_factory=dict)
    places: dict[str, tuple[int, int]] = field(default_factory=dict)
    labels: dict[str, GridCell] = field(default_factory=dict)
    conflicts: list[tuple[str, GridCell, GridCell]] = field(default_factory=list)
    # a field two labels give different values: each label's word and value, for the spec to settle
    # (项目名称 and 单位名称 are both "name": the project's on a project form)
    contested: dict[str, list[tuple[str, Read]]] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)       # key -> the word of the label its value is under
    heard: set[str] = field(default_factory=set)     # every field label's word ("单位名称" of "单位名称：某局")
    used: set[tuple[int, int]] = field(default_factory=set)


def read_fields(grid: Grid, lex: Lexicon, first: int, last: int, used: set[tuple[int, int]],
                long_fields: frozenset[str]) -> Fields:
    out = Fields()
    dropped: set[str] = set()
    for r in grid.rows(first, last):
        for gc in grid.row(r):
            if (gc.row, gc.col) in used or gc.number:
                continue
            key = lex.kind(gc.key, FIELD)
            found: Read | tuple[int, int] | None
            if key is not None and _names_a_block(grid, lex, gc, key):
                continue
            word = gc.key
            if key is not None:
                found = _beside(grid, lex, gc, key in long_fields, used)
            else:
                key, found = _in_cell(lex, gc)
                word = label_key(_COLON.split(gc.text, maxsplit=1)[0])
            if key is None:
                continue
            out.used.add((gc.row, gc.col))
            out.heard.add(word)
            _keep(out, dropped, key, gc, word, found)
    return out


def _names_a_block(grid: Grid, lex: Lexicon, label: GridCell, key: str) -> bool:
    """A label merged down the rows of a block whose fields have labels of their own to its right
    ("年度总体目标完成情况" over two rows, beside "预期目标 | 实际完成情况"): the block's name, not a field."""
    if label.last_row == label.row:
        return False
    nxt = grid.right_of(label)
    other = lex.kind(nxt.key, FIELD) if nxt is not None and not nxt.number else None
    return other is not None and other != key


def _keep(out: Fields, dropped: set[str], key: str, label: GridCell, word: str,
          found: Read | tuple[int, int] | None) -> None:
    if key in dropped:
        if isinstance(found, Read) and not _nothing(shown(found)):
            out.contested[key].append((word, found))
        return
    if isinstance(found, Read):
        old = out.values.get(key)
        if old is not None and _nothing(shown(found)):      # "无" under one label, the text under another
            return
        if old is not None and _nothing(shown(old)):
            del out.values[key]
            old = None
        if old is not None and shown(old) != shown(found):
            out.conflicts.append((key, old.cell, found.cell))
            out.contested[key] = [(out.source[key], old), (word, found)]
            dropped.add(key)
            del out.values[key]
            return
        out.source.setdefault(key, word)
        out.values.setdefault(key, found)
        out.places.setdefault(key, (found.cell.row, found.cell.col))
        out.used.add((found.cell.row, found.cell.col))
    elif found is not None and key not in out.places:
        out.places[key] = found
    out.labels.setdefault(key, label)


_NOTHING = frozenset({"无", "暂无", "空"})


def _nothing(text: str) -> bool:
    """A field printed twice, once as "无" (the 年初 target of a form whose 调整 target is the real one): the
    "无" is no value of it, so it is no conflict with the other."""
    return is_dash(text) or label_key(text) in _NOTHING


def shown(read: Read) -> str:
    return read.cell.text if read.text is None else read.text


def _beside(grid: Grid, lex: Lexicon, label: GridCell, long: bool, used: set[tuple[int, int]]
            ) -> Read | tuple[int, int]:
    """The label's value (a Read), or the cell where it would be when it is empty."""
    edge = label        # the label's last copy: a merged label unmerged and filled repeats in the cells after it
    while (again := grid.right_of(edge)) is not None and again.col == edge.last_col + 1 and again.text == label.text:
        edge = again
    slot = (label.row, edge.last_col + 1)
    if grid.empty_merge(*slot):
        # The box drawn for the value is empty: the field is. What lies beyond it, or under the label, is the
        # next field's label ("主管部门 | [    ] | 财政处室") and no value of this one.
        return slot
    nxt = grid.right_of(edge)
    if nxt is not None and nxt.col > slot[1] and _in_label_column(grid, lex, nxt):
        # An empty cell beside the label, then a text in a column where the rows around print labels
        # ("主管部门 | | 财政处室 | …" over "部门联系人 | 曾雪莲 | 联系电话"): the box was left unmerged and empty,
        # the text is the next field's label.
        return slot
    if nxt is not None and (nxt.row, nxt.col) not in used and not _is_label(lex, nxt) \
            and not (long and _heads_column(grid, lex, label) and _heads_column(grid, lex, nxt)):
        return Read(nxt)
    # Under it only when the label heads a column: its neighbour is another field's label ("预期目标 | 实际完成
    # 情况", "单位名称 | 单位编码") or, for long text, the row has one. A label alone in its row with nothing
    # beside it is a field left empty; the row under it is the next field's ("部门职能概述" under an empty
    # "预算执行偏差原因").
    others = any(x.text != label.text and not x.number and lex.kind(x.key, FIELD) for x in grid.row(label.row)) \
        or (long and nxt is not None and _heads_column(grid, lex, nxt))
    beside_label = nxt is None or (not nxt.number and lex.kind(nxt.key, FIELD) is not None)
    heads = others and (long or (beside_label and _over_values(grid, lex, label)))
    if heads:
        r, c = grid.below(label)
        under = grid.in_row(r, c)
        if under is not None and label.col <= under.col <= label.last_col and (under.row, under.col) not in used \
                and not _is_label(lex, under):
            if is_dash(under.text):       # "无" under 年初绩效目标: printed empty, not another value of it
                return (under.row, under.col)
            return _lines_under(grid, lex, under, used) if long else Read(under)
        if under is None:
            return (r, c)
    if nxt is None and label.text.rstrip().endswith((":", "：")):
        return (label.row, label.col)       # "填报日期：" across the form's width: typed after the colon
    return (label.row, label.last_col + 1)


def _in_label_column(grid: Grid, lex: Lexicon, gc: GridCell) -> bool:
    """A field label is printed in `gc`'s column in the row above or below it."""
    for r in (gc.row - 1, gc.last_row + 1):
        x = grid.in_row(r, gc.col)
        if x is not None and x.col == gc.col and not x.number and lex.kind(x.key, FIELD) is not None:
            return True
    return False


MAX_LINES = 20
# The numbering of a form's sections: "1.项目年度目标完成情况" above a block, "2.项目实施内容及过程概述" after it.
_SECTION = re.compile(r"^\s*(?:(\d{1,2})[.．、]|([一二三四五六七八九十])、|[（(]([一二三四五六七八九十])[)）])")
_CN_DIGITS = "一二三四五六七八九十"


def _lines_under(grid: Grid, lex: Lexicon, first: GridCell, used: set[tuple[int, int]]) -> Read:
    """A long text typed over several rows under its header ("目标1：…", "目标2：…" one a row): the rows of
    the same columns down to the next label, joined line by line."""
    lines, at = [first.text], first
    heading = _section_number(grid, first.row - 2) or _section_number(grid, first.row - 3)
    own = _numbered(first.text)
    own = (own[0], own[1] + 1) if own is not None else None
    for _ in range(MAX_LINES):
        nxt = grid.in_row(at.last_row + 1, first.col)
        if nxt is None or nxt.col != first.col or nxt.last_col != first.last_col or (nxt.row, nxt.col) in used \
                or _is_label(lex, nxt) or any(_is_label(lex, x) for x in grid.row(nxt.row)):
            break
        number = _numbered(nxt.text)
        if number is not None and number == own:
            own = (number[0], number[1] + 1)       # the goal's own list: "1.…", "2.…"
        elif heading is not None and number == (heading[0], heading[1] + 1):
            break       # the form's next section ("2.项目实施内容及过程概述" after "1.项目年度目标完成情况")
        lines.append(nxt.text)
        at = nxt
    return Read(first) if len(lines) == 1 else Read(first, "\n".join(lines))


def _numbered(text: str) -> tuple[int, int] | None:
    """A section number as (style, number): "2." (0, 2), "二、" (1, 2), "（二）" (2, 2)."""
    m = _SECTION.match(text)
    if m is None:
        return None
    if m.group(1):
        return 0, int(m.group(1))
    style = 1 if m.group(2) else 2
    return style, _CN_DIGITS.index(m.group(2) or m.group(3)) + 1


def _section_number(grid: Grid, row: int) -> tuple[int, int] | None:
    """The number of a section heading alone in `row` (the heading over a block of fields), if any."""
    cells = [gc for gc in grid.row(row) if not gc.number] if row >= 0 else []
    return _numbered(cells[-1].text) if cells else None


def _heads_column(grid: Grid, lex: Lexicon, gc: GridCell) -> bool:
    """`gc` reads as a column header: label-like text (short, not a number) with a text of its own right under
    it, in its columns ("预期目标 | 目标实际完成情况" over the two texts), whether or not the vocabulary knows it."""
    if gc.number or not gc.key:
        return False
    under = grid.in_row(gc.last_row + 1, gc.col)
    return under is not None and gc.col <= under.col <= gc.last_col and not under.number \
        and not _is_label(lex, under)


def _over_values(grid: Grid, lex: Lexicon, label: GridCell) -> bool:
    """A row of field labels with each one's value under it ("单位名称 | 单位编码" over "某局 | 123"), not labels
    that happen to share a row above something else, nor a row over another row of labels and values
    ("主管部门 | [ ] | 实施单位 | [ ]" over "项目类别 | … | 项目属性 | …": cells under no cell of the row)."""
    row = grid.row(label.row)
    labels = [x for x in row if not x.number and lex.kind(x.key, FIELD)]
    for x in labels:
        under = grid.in_row(x.last_row + 1, x.col)
        if under is None or not x.col <= under.col <= x.last_col or _is_label(lex, under):
            return False
    return all(any(x.col <= u.col <= x.last_col for x in row) for u in grid.row(label.last_row + 1))


def _is_label(lex: Lexicon, gc: GridCell) -> bool:
    return not gc.number and (lex.is_label(gc.key) or lex.is_end(gc.key))


def _in_cell(lex: Lexicon, gc: GridCell) -> tuple[str | None, Read | tuple[int, int] | None]:
    """"等级：优", "填报人：张三": a label and its value in one cell."""
    parts = _COLON.split(gc.text, maxsplit=1)
    if len(parts) != 2:
        return None, None
    key = lex.kind(label_key(parts[0]), FIELD)
    if key is None:
        return None, None
    value = parts[1].strip()
    if not value or is_dash(value):
        return key, (gc.row, gc.col)
    return key, Read(gc, value)


def find_year(grid: Grid, first: int, last: int) -> tuple[int | None, GridCell | None, list[GridCell]]:
    """The year a form's title or subtitle states ("（2022年度）", "2020 年度部门整体支出绩效自评表"): the
    nearest above its tables. Titles stating different years give none, and every such cell."""
    found: list[tuple[int, GridCell]] = []
    for r in grid.rows(first, last):
        for gc in grid.row(r):
            if len(gc.text) > TITLE_MAX:      # a number shown as "（2020年度）" counts: it is a title
                continue
            m = _YEAR.search(gc.text)
            if m:
                found.append((int(m.group(1)), gc))
    years = {y for y, _ in found}
    if len(years) == 1:
        return found[-1][0], found[-1][1], []
    return None, None, [gc for _, gc in found]
