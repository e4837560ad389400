"""One sheet as cells in rows: each with its address, value, the text Excel shows and the label it names.

The tidyxl idea (every cell a row of facts) in the few lines the importer needs: a cell knows the merged
range it anchors; a cell covered by a merged range resolves to its anchor; rows list their own cells left to
right, so "look for the header, then walk right or down" is a loop over small lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from xlsform.importer.formats import shown
from xlsform.normalize import label_key
from xlsform.xlsx import Cell, Sheet

Span = tuple[int, int, int, int]     # first row, first column, last row, last column (0-based, inclusive)


@dataclass(frozen=True, slots=True)
class GridCell:
    row: int
    col: int
    cell: Cell
    text: str                # as shown: a string as typed, a number with its format applied
    key: str                 # the label the text names (normalize.label_key), "" for numbers
    span: Span               # the merged range this cell anchors, or the cell itself

    @property
    def number(self) -> bool:
        return type(self.cell.value) is float

    @property
    def last_row(self) -> int:
        return self.span[2]

    @property
    def last_col(self) -> int:
        return self.span[3]


@dataclass
class Grid:
    name: str
    cells: dict[tuple[int, int], GridCell] = field(default_factory=dict)
    covered: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)   # cell -> anchor
    merged: set[tuple[int, int]] = field(default_factory=set)     # every merged range's anchor, empty ones too
    by_row: dict[int, list[GridCell]] = field(default_factory=dict)
    from_above: dict[int, list[GridCell]] = field(default_factory=dict)   # row -> ranges reaching down to it
    max_row: int = -1

    @classmethod
    def of(cls, sheet: Sheet, number_format: Callable[[int, int], str | None]) -> Grid:
        grid = cls(sheet.name)
        spans: dict[tuple[int, int], Span] = {}
        for r1, c1, r2, c2 in sheet.merged:
            if (r2 - r1 + 1) * (c2 - c1 + 1) > 10_000:    # a merge over a whole column: no form's cell
                continue
            spans[(r1, c1)] = (r1, c1, r2, c2)
            grid.merged.add((r1, c1))
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    if (r, c) != (r1, c1):
                        grid.covered[(r, c)] = (r1, c1)
        for (r, c), cell in sheet.cells.items():
            v = cell.value
            if v is None or (r, c) in grid.covered or (type(v) is str and not v.strip()):
                continue
            if type(v) is float:
                text, key = shown(v, number_format(r, c)), ""
            else:
                text = v if type(v) is str else str(v)
                key = label_key(text) if cell.type != "e" else ""
            grid.cells[(r, c)] = GridCell(r, c, cell, text.strip(), key, spans.get((r, c), (r, c, r, c)))
        for (r, _), gc in sorted(grid.cells.items()):
            grid.by_row.setdefault(r, []).append(gc)
            for below in range(r + 1, gc.last_row + 1):
                grid.from_above.setdefault(below, []).append(gc)
        grid.max_row = max(grid.by_row, default=-1)
        return grid

    def at(self, row: int, col: int) -> GridCell | None:
        """The cell showing at (row, col): its own, or the anchor of the merged range covering it."""
        hit = self.cells.get((row, col))
        if hit is not None:
            return hit
        anchor = self.covered.get((row, col))
        return self.cells.get(anchor) if anchor is not None else None

    def in_row(self, row: int, col: int) -> GridCell | None:
        """The cell showing at (row, col) when it belongs to this row: a range merged from a row above does
        not (Excel keeps a merged range's value in its top-left cell, for the first row only)."""
        hit = self.at(row, col)
        return hit if hit is not None and hit.row == row else None

    def row(self, row: int) -> list[GridCell]:
        return self.by_row.get(row, [])

    def showing(self, row: int) -> list[GridCell]:
        """The cells a row shows, left to right: its own and the merged ranges reaching down into it."""
        return sorted([*self.row(row), *self.from_above.get(row, ())], key=lambda gc: gc.col)

    def rows(self, first: int = 0, last: int | None = None) -> Iterator[int]:
        last = self.max_row if last is None else min(last, self.max_row)
        return (r for r in sorted(self.by_row) if first <= r <= last)

    def empty_merge(self, row: int, col: int) -> bool:
        """(row, col) lies in a merged range with nothing in it: a box drawn for a value nobody typed."""
        anchor = self.covered.get((row, col), (row, col))
        return anchor in self.merged and anchor not in self.cells

    def right_of(self, gc: GridCell) -> GridCell | None:
        """The first cell with content to the right of `gc`'s range, in `gc`'s row."""
        return next((x for x in self.row(gc.row) if x.col > gc.last_col), None)

    def below(self, gc: GridCell) -> tuple[int, int]:
        """The position right under `gc`'s range."""
        return gc.last_row + 1, gc.col
