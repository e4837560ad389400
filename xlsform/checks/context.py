"""What every rule family sees: one return's record, its spec and layout, the raw workbook and the manifest.

Rule families are pure functions `check(ctx) -> Iterator[Finding]`; everything they need to locate a field
(sheet, cell, printed label) and to read a value as a number or as text goes through this object, so the
families never touch cells, files or the catalogue's formatting themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar, cast

from xlsform import indicator_rows
from xlsform.codes import Finding, render
from xlsform.layout import Layout, a1, indicator_key, layout_for
from xlsform.once import once
from xlsform.records import Indicator, Record
from xlsform.scoring import to_decimal
from xlsform.spec import Spec, spec_by_id
from xlsform.xlsx import name_target


class KeySets(NamedTuple):
    """Field keys by what the checks do with them, computed once per layout (a batch reuses a handful)."""

    numeric_inputs: frozenset[str]     # numbers the unit or the office typed (not computed)
    texts: frozenset[str]              # text, long text and dropdown fields


_KEYSETS: dict[int, tuple[Layout, KeySets]] = {}


def key_sets(layout: Layout) -> KeySets:
    hit = _KEYSETS.get(id(layout))
    if hit is None or hit[0] is not layout:
        places = layout.places.values()
        sets = KeySets(
            numeric_inputs=frozenset(p.key for p in places if p.field.numeric and p.field.role != "computed"),
            texts=frozenset(p.key for p in places if p.field.type in ("text", "longtext", "choice")))
        hit = _KEYSETS[id(layout)] = (layout, sets)
    return hit[1]


T = TypeVar("T")


_MEMOS: dict[tuple[int, str], tuple[object, dict[Any, Any]]] = {}


def memo_for(owner: object, name: str) -> dict[Any, Any]:
    """A cache of what a rule works out from a spec's rules or layout (a Review, a Spec) and some texts, found
    by the owner's identity: hashing a Review's 200 words as an lru_cache key for every row of every return
    costs more than most answers, and a Spec (its dicts) cannot be hashed. The caller keys it by the texts
    and bounds it."""
    hit = _MEMOS.get((id(owner), name))
    if hit is None or hit[0] is not owner:
        if len(_MEMOS) > 256:
            _MEMOS.clear()
        hit = _MEMOS[(id(owner), name)] = (owner, {})
    return hit[1]


def once_for(owner: object, name: str, build: Callable[[], T]) -> T:
    """What `build` works out from a spec (its fund rows, its split) once per spec, found by its identity."""
    memo = memo_for(owner, name)
    if name not in memo:
        memo[name] = build()
    return cast(T, memo[name])


@dataclass(eq=False)   # never compared: no __eq__ compiled at every start
class CheckContext:
    """What every rule family is given for one form: its record, spec, layout, workbook and the round's manifest."""

    record: Record
    spec: Spec
    layout: Layout
    file: str | None = None
    workbook: Any = None          # xlsx.RawWorkbook, when the checks run on a real file
    manifest: Any = None          # manifest.Manifest, when given
    entry: Any = None             # the manifest's entry for this unit, when found
    prior: list[Finding] = field(default_factory=list)   # what the reader already reported
    recomputed: bool = False      # True when record.values already holds the recomputed fields (the reader's)
    # Locked prefilled fields the unit changed, put back as sent in `record` (checks.on_sent_values): what the
    # file shows computed from them differs from the recomputation because of that change, not a stale cache.
    changed: frozenset[str] = frozenset()

    @classmethod
    def for_record(cls, record: Record, **kw: Any) -> CheckContext:
        """A context for a record alone (tests, records from JSON): spec and layout found from its spec id."""
        spec = kw.pop("spec", None) or spec_by_id(record.spec_id)
        if spec is None:
            raise ValueError(f"unknown spec {record.spec_id!r}")
        return cls(record=record, spec=spec, layout=kw.pop("layout", None) or layout_for(spec), **kw)

    # ------------------------------------------------------------------------------ values

    @once
    def values(self) -> dict[str, Any]:
        """The record's values with every computed field recomputed from the inputs (never trust a cache)."""
        if self.recomputed:
            return self.record.values
        return {**self.record.values, **self.layout.recompute(self.record.values)}

    def num(self, key: str) -> Decimal | None:
        return to_decimal(self.values.get(key))

    def text(self, key: str) -> str | None:
        v = self.values.get(key)
        if v is None:
            return None
        s = (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)).strip()
        return s or None

    @once
    def unreadable(self) -> frozenset[str]:
        """Fields the reader could not read (an error quoting the text): their value is missing, not empty."""
        return frozenset(f.key for f in self.prior if f.severity == "error" and f.key)

    def trusted(self, key: str) -> bool:
        """Whether a figure and every input it is computed from were read: a sum over an unreadable amount
        is wrong, and reporting it would only repeat the reader's finding in a misleading form."""
        return not self.unreadable or not (self.inputs_of(key) & self.unreadable)

    def inputs_of(self, key: str) -> frozenset[str]:
        """The field itself and, for a computed field, every field it is computed from."""
        return layout_inputs(self.layout, key)

    @property
    def keys(self) -> KeySets:
        return key_sets(self.layout)

    def has(self, key: str) -> bool:
        """Whether the form has this field at all: the spec lays it out (indicator keys: the column exists),
        or, for a hand-made form read by its labels, the form prints it (filled or empty)."""
        if self.imported:
            return key in self.record.cells or key in self.workbook.located
        return key in self.layout.places

    def withheld(self, key: str) -> bool:
        """Whether the form prints a value there that the importer left out (two differing values, amounts
        in 元, one amount merged over two columns; each reported where it was read): missing, not empty."""
        return self.imported and key in getattr(self.workbook, "withheld", ())

    def dashed(self, key: str) -> bool:
        """Whether a hand-made form prints a dash there ("—", "/"): read as empty, yet said on purpose."""
        return self.imported and key in getattr(self.workbook, "dashed", ())

    @once
    def imported(self) -> bool:
        """A form xlsform did not write, read by its labels (xlsform/importer): no locked cells, formulas,
        prefilled copy or fixed positions; its fields are where the unit's own file has them."""
        return bool(getattr(self.workbook, "imported", False))

    @once
    def indicators(self) -> list[Indicator]:
        return indicator_rows.indicators(self.record)

    # ------------------------------------------------------------------------------ places

    def where(self, key: str) -> tuple[str | None, str | None]:
        """(sheet, cell) of a field: as the reader found it, else where the layout puts it."""
        at = self.record.cells.get(key)
        if at and "!" in at:
            return _sheet_and_cell(at)
        if self.imported:    # never a cell of the spec's own layout: the unit's file has its own
            at = self.workbook.located.get(key)
            return _sheet_and_cell(at) if at else (self.workbook.form.name, None)
        if key in self.layout.places:
            # an empty field has no cell in the record: its defined name still says where it is now (rows
            # inserted above it move it; the name moves with it)
            names = getattr(self.workbook, "names", None) or {}
            form = getattr(self.workbook, "form", None)
            target = name_target(names.get(self.layout.places[key].name, ""))
            if target is not None and form is not None and target[0] == form.name:
                return target[0], a1(target[1], target[2])
            return self.spec.sheet, self.layout.ref(key)
        return self.spec.sheet, None

    def label(self, key: str) -> str:
        return _label(self.layout, key)

    def finding(self, code: str, key: str | None = None, *, value: Any = None, expected: Any = None,
                **extra: Any) -> Finding:
        """A finding located at a field (or at the file, without a key)."""
        if key is None:
            return render(code, self.file, None, None, None, None, plain(value), plain(expected), extra)
        sheet, cell = self.where(key)
        return render(code, self.file, sheet, cell, _label(self.layout, key), key, plain(value), plain(expected),
                      extra)


@lru_cache(maxsize=4096)   # the layout's own graph: asked for the rate, every cached figure, of every return
def layout_inputs(layout: Layout, key: str) -> frozenset[str]:
    out: set[str] = set()
    todo = [key]
    while todo:
        k = todo.pop()
        place = layout.places.get(k)
        if k in out or place is None:
            continue
        out.add(k)
        for ref in place.field.args.values():
            for r in ref if isinstance(ref, list) else [ref]:
                todo.extend(_expand(layout, r))
    return frozenset(out)


def _expand(layout: Layout, ref: str) -> list[str]:
    """"ind.*.weight" -> every indicator row's weight key; a plain key stays itself."""
    if ref.startswith("ind.*."):
        return [indicator_key(i, ref[6:]) for i in range(1, layout.n + 1)]
    return [ref]


@lru_cache(maxsize=16384)   # a field's printed label, for every finding of every return
def _label(layout: Layout, key: str) -> str:
    place = layout.places.get(key)
    return key if place is None else place.label


@lru_cache(maxsize=16384)   # the same few hundred "sheet!cell" strings, for every finding of every return
def _sheet_and_cell(at: str) -> tuple[str, str]:
    sheet, cell = at.rsplit("!", 1)
    return sheet.strip("'"), cell


def plain(x: Any) -> Any:
    """Decimals as the plain numbers a clerk reads: 70 not 70.00, 69.58 not Decimal('69.58')."""
    if isinstance(x, Decimal):
        return int(x) if x == x.to_integral_value() else float(x.normalize())
    return x


def percent(x: Decimal | float) -> str:
    """A rate as printed on the forms: 0.27078 -> "27.08%"."""
    pct = (Decimal(str(x)) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)  # as Excel shows 0.00%
    return f"{pct}%"
