"""Spec -> cells: where every field and label of a form sits, its defined name, and its formula.

The writer and the reader both use this module, so a field is found where it was written by construction.
Rows and columns are 0-based internally (as xlsxwriter counts); `ref` gives A1 notation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from xlsform.once import once
from xlsform.scoring import RULES, Rule
from xlsform.spec import Field, Spec

LISTS_SHEET = "_xf_lists"
META_SHEET = "_xf_meta"
FINDINGS_SHEET = "校验结果"    # the sheet an annotated copy adds: the findings, each linked to its cell
_IND_KEY = re.compile(r"^ind\.(\d+)\.([a-z0-9_]+)$")


def col_letter(col: int) -> str:
    if col < 0:      # divmod of a negative never reaches 0: a damaged reference must not loop forever
        raise ValueError(f"column {col}")
    s = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        s = chr(65 + rem) + s
    return s


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


@lru_cache(maxsize=65536)
def a1(row: int, col: int, absolute: bool = False) -> str:
    # cached: the reader and the checks name the same few hundred cells of a template for every return
    d = "$" if absolute else ""
    return f"{d}{col_letter(col)}{d}{row + 1}"


def defined_name(key: str) -> str:
    """The workbook-scoped defined name of a field: xf_ + key, dots as underscores, indicator no. 2 digits."""
    m = _IND_KEY.match(key)
    if m:
        return f"xf_ind_{int(m.group(1)):02d}_{m.group(2)}"
    return "xf_" + key.replace(".", "_")


@lru_cache(maxsize=16384)   # the checks name indicator fields by number and column for every return
def indicator_key(index: int, column: str) -> str:
    return f"ind.{index}.{column}"


@lru_cache(maxsize=16384)   # asked for every indicator value of every record
def split_indicator_key(key: str) -> tuple[int, str] | None:
    m = _IND_KEY.match(key)
    return (int(m.group(1)), m.group(2)) if m else None


@dataclass(frozen=True)
class Place:
    """Where one field sits: its anchor cell and, for merged fields, the whole range.

    Its names and references are cached: the reader and the checks ask for them for every return.
    """

    key: str
    field: Field
    row: int
    col: int
    last_row: int
    last_col: int
    index: int | None = None         # indicator number (1-based) for indicator-row fields

    @once
    def name(self) -> str:
        return defined_name(self.key)

    @once
    def ref(self) -> str:
        return a1(self.row, self.col)

    @once
    def merged(self) -> bool:
        return (self.row, self.col) != (self.last_row, self.last_col)

    @once
    def range_ref(self) -> str:
        return f"{self.ref}:{a1(self.last_row, self.last_col)}" if self.merged else self.ref

    @once
    def label(self) -> str:
        """The field's printed label as every finding names it: an indicator cell with its row
        (「第 7 行指标·得分」), so a finding of the reader reads as one of the checks does."""
        return f"第 {self.index} 行指标·{self.field.label}" if self.index is not None else self.field.label


class LabelPlace(NamedTuple):
    """Where a fixed text of the spec sits on the sheet (0-based rows and columns, merged to last_row/last_col)."""

    text: str
    style: str
    row: int
    col: int
    last_row: int
    last_col: int


class Layout:
    """A spec laid out on the sheet for a given number of indicator rows."""

    def __init__(self, spec: Spec, indicator_rows: int | None = None) -> None:
        self.spec = spec
        self.n = indicator_rows or spec.indicator_rows
        self.places: dict[str, Place] = {}
        self.labels: list[LabelPlace] = []
        self.row_heights: dict[int, float] = {}
        self.block_rows: dict[str, tuple[int, int]] = {}
        row = 0
        for block in spec.blocks:
            height = block.height + (self.n if block.repeated else 0)
            self.block_rows[block.name] = (row, row + height - 1)
            self._place_block(block, row, height)
            row += height
        self.last_row = row - 1
        self.last_col = max(p.last_col for p in [*self.places.values(), *self.labels])  # type: ignore[attr-defined]
        first = self.block_rows[spec.indicator_block.name][0]
        self.ind_header_rows = (first, first + spec.indicator_block.height - 1)
        self.ind_first_row = first + spec.indicator_block.height

    def _place_block(self, block: Any, top: int, height: int) -> None:
        for lab in block.labels:
            r0, c0, r1, c1 = _resolve(lab.at, top, height)
            self.labels.append(LabelPlace(lab.text, lab.style, r0, c0, r1, c1))
        for f in block.fields:
            r0, c0, r1, c1 = _resolve(f.at, top, height)
            self.places[f.key] = Place(f.key, f, r0, c0, r1, c1)
        for i, h in enumerate(block.heights):
            self.row_heights[top + i] = h
        if block.repeated:
            for i in range(1, self.n + 1):
                r = top + block.height + i - 1
                if block.row_height:
                    self.row_heights[r] = block.row_height
                for f in block.row:
                    c = col_index(f.at)
                    key = indicator_key(i, f.key)
                    self.places[key] = Place(key, f, r, c, r, c, index=i)

    # ------------------------------------------------------------------------------- lookups

    def place(self, key: str) -> Place:
        return self.places[key]

    def ref(self, key: str) -> str:
        return self.places[key].ref

    def column_range(self, column: str) -> str:
        """The indicator column as a range, e.g. "I11:I40"."""
        first, last = self.places[indicator_key(1, column)], self.places[indicator_key(self.n, column)]
        return f"{first.ref}:{last.ref}"

    def indicator_columns(self) -> list[str]:
        return [f.key for f in self.spec.indicator_block.row]

    def computed(self) -> list[Place]:
        return self._computed

    @once
    def _computed(self) -> list[Place]:
        # recompute() runs once per returned file; the list is the same for every file of a layout
        return [p for p in self.places.values() if p.field.role == "computed"]

    @once
    def by_cell(self) -> dict[tuple[int, int], Place]:
        return {(p.row, p.col): p for p in self.places.values()}

    # ----------------------------------------------------------------------------- formulas

    def formula(self, key: str) -> str:
        """The Excel formula of a computed field, with a leading '='."""
        rule, refs = self._rule_refs(key)
        return "=" + rule.excel(refs, self.spec.rules)

    def earlier_formulas(self, key: str) -> tuple[tuple[frozenset[str], str], ...]:
        """The formulas earlier releases wrote for this field where they differ, each with the generators that
        wrote it (`scoring.EARLIER_GENERATORS`)."""
        rule, refs = self._rule_refs(key)
        return tuple((generators, "=" + earlier(refs, self.spec.rules)) for generators, earlier in rule.earlier)

    def _rule_refs(self, key: str) -> tuple[Rule, dict[str, Any]]:
        f = self.places[key].field
        return RULES[f.rule or ""], {name: self._arg_refs(ref) for name, ref in f.args.items()}

    def _arg_refs(self, ref: Any) -> Any:
        if isinstance(ref, list):
            return [self.ref(r) for r in ref]
        if ref.startswith("ind.*."):
            return self.column_range(ref[6:])
        return self.ref(ref)

    def recompute(self, values: dict[str, Any], given: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Every computed field from the input values (keyed by field key), in dependency order. `given`:
        computed fields whose value is taken as it is (a hand-made form's total typed over no sources)."""
        out: dict[str, Any] = {}
        rules = self.spec.rules
        for key, compute, args in self._recompute_plan:
            if given and key in given:
                out[key] = given[key]
                continue
            arg_values: dict[str, Any] = {}
            for name, ref, inputs_only in args:
                if type(ref) is str:
                    arg_values[name] = out[ref] if ref in out else values.get(ref)
                elif inputs_only:     # a column of inputs (the 30 scores): none of them is ever in `out`
                    arg_values[name] = list(map(values.get, ref))
                else:
                    arg_values[name] = [out[r] if r in out else values.get(r) for r in ref]
            out[key] = compute(arg_values, rules)
        return out

    @once
    def _recompute_plan(self) -> list[tuple[str, Any, list[tuple[str, str | tuple[str, ...], bool]]]]:
        """_plan with each list of keys marked when none of them is computed (so read from the inputs alone)."""
        computed = {key for key, _, _ in self._plan}
        return [(key, compute, [(name, ref, not isinstance(ref, str) and computed.isdisjoint(ref))
                                for name, ref in args]) for key, compute, args in self._plan]

    @once
    def dependencies(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Each computed field with the fields it is computed from, each after the fields it uses."""
        return tuple((key, tuple(k for _, ref in args for k in ((ref,) if isinstance(ref, str) else ref)))
                     for key, _, args in self._plan)

    @once
    def _plan(self) -> list[tuple[str, Any, list[tuple[str, str | tuple[str, ...]]]]]:
        """(key, rule, [(argument, key or keys)]) for each computed field, each after the fields it uses:
        recompute() runs once per returned file, so the arguments are expanded here once per layout."""
        plan: list[tuple[str, Any, list[tuple[str, str | tuple[str, ...]]]]] = []
        done: set[str] = set()

        def add(key: str) -> None:
            place = self.places.get(key)
            if key in done or place is None or place.field.role != "computed":
                return
            done.add(key)   # before its arguments, so a spec whose fields refer in a cycle cannot recurse
            f = place.field
            args = [(name, self._arg_keys(ref)) for name, ref in f.args.items()]
            for _, ref in args:
                for k in [ref] if isinstance(ref, str) else ref:
                    add(k)
            plan.append((key, RULES[f.rule or ""].compute, args))

        for p in self.computed():
            add(p.key)
        return plan

    def _arg_keys(self, ref: Any) -> str | tuple[str, ...]:
        if isinstance(ref, list):
            return tuple(ref)
        if ref.startswith("ind.*."):
            return tuple(indicator_key(i, ref[6:]) for i in range(1, self.n + 1))
        return str(ref)

    # ------------------------------------------------------------------------------- lists

    def lists(self) -> dict[str, list[str]]:
        """Dropdown sources, by defined name: 一级 list, one 二级 list per 一级 (xf_l2_<n>), 指标性质."""
        tree = self.spec.tree
        out = {"xf_list_level1": list(tree), "xf_list_nature": ["≥", "≤", "=", "定性"]}
        for i, children in enumerate(tree.values(), start=1):
            out[f"xf_l2_{i}"] = list(children)
        return out


_CACHE: dict[tuple[int, int], tuple[Spec, Layout]] = {}


def layout_for(spec: Spec, rows: int | None = None) -> Layout:
    """The layout of a spec, built once per spec object and row count and shared by the reader, the checks,
    the writer's batches and merge (laying out 400 cells per file would cost more than reading it).

    Keyed by the spec object (specs hold dicts, so they cannot be keys themselves); the cache is dropped when
    it grows, since a caller that loads a fresh Spec per file must not grow it forever.
    """
    key = (id(spec), rows or spec.indicator_rows)
    hit = _CACHE.get(key)
    if hit is None or hit[0] is not spec:
        if len(_CACHE) > 32:
            _CACHE.clear()
        hit = _CACHE[key] = (spec, Layout(spec, rows))
    return hit[1]


def _resolve(at: str, top: int, height: int) -> tuple[int, int, int, int]:
    """A block-relative range ("B1:E1", "A1:A*") as absolute (row, col, last_row, last_col)."""
    cells = []
    for part in at.split(":"):
        m = re.match(r"^([A-Z]{1,2})(\d+|\*)$", part)
        assert m, part  # the spec loader has checked every range
        r = height - 1 if m.group(2) == "*" else int(m.group(2)) - 1
        cells.append((top + r, col_index(m.group(1))))
    (r0, c0), (r1, c1) = cells[0], cells[-1]
    return r0, c0, r1, c1
