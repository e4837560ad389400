"""A form found on a sheet -> the same Record the reader makes of xlsform's own forms, under the spec it
matches best.

The spec is the one whose title words the form shows (项目 / 部门整体), whose layout places most of what the
form prints (a 上级财政转移支付 column is Wangcheng's, 年初预算数 and 等级 Zhuzhou's) and whose vocabulary
knows most of its labels. Values are normalised by the reader's own functions, each with its sheet and
cell. A hand-made form has no formulas: a computed field it prints is kept as printed (`record.cached`) and
recomputed from the inputs, as for our own forms, so the checks compare the two; printed over no inputs at
all (a 年度资金总额 typed without its sources), the printed figure is the value.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from xlsform.codes import Finding, make
from xlsform.importer.forms import Found
from xlsform.importer.lexicon import Lexicon
from xlsform.importer.tables import Read
from xlsform.layout import Layout, Place, a1, layout_for, split_indicator_key
from xlsform.normalize import is_dash
from xlsform.records import Record
from xlsform.spec import Field, Spec
from xlsform.xlsx import Cell

_AMOUNTS = frozenset({"initial_budget", "budget", "spent", "transfer"})
_FUND_TYPES = {"weight": "number", "rate": "percent", "score": "score"}
_ROW_TYPES = {"weight": "number", "score": "score"}
_SCALAR_TYPES = {"sub_units": "integer", "year": "integer", "total.weight": "number", "total.score": "score"}
TITLE_WEIGHT = 100     # a title saying 项目 or 部门整体 outweighs any count of matching cells


def choose_spec(found: Found, specs: tuple[Spec, ...], lex: Lexicon) -> Spec:
    return max(specs, key=lambda s: (_score(found, s, lex), -specs.index(s)))


def _score(found: Found, spec: Spec, lex: Lexicon) -> int:
    places = layout_for(spec).places
    columns = {f.key for f in spec.indicator_block.row}
    placed = {parts[1] if (parts := split_indicator_key(key)) else key for key in found.values}
    placed = {k for k in placed if k in columns or k in places}
    return TITLE_WEIGHT * (spec.id in found.titles) + len(placed) + len(found.heard & lex.own[spec.id])


class Built:
    """One imported form: its record, the layout the checks use, findings, and where each field sits."""

    def __init__(self, found: Found, spec: Spec, file: str) -> None:
        self.found, self.spec, self.file = found, spec, file
        self.layout: Layout = layout_for(spec, max(spec.indicator_rows, found.indicators))
        self.findings: list[Finding] = []
        self.record = Record(spec_id=spec.id, spec_version=spec.version, source=file)
        self.located = {key: self.ref(*rc) for key, rc in found.places.items()}

    def ref(self, row: int, col: int) -> str:
        return f"{self.found.sheet}!{a1(row, col)}"

    def build(self, read_value: Any, normalise_labels: Any, result: Any) -> Record:
        """`read_value` and `normalise_labels` are the reader's (a Cell and Place in, the value and its
        findings out); `result` collects their findings."""
        inputs: dict[str, Any] = {}
        printed: dict[str, Any] = {}
        rec = self.record
        for key, read in self.found.values.items():
            value = self._value(key, read, read_value, result)
            if value is None:
                continue
            rec.cells[key] = self.ref(read.cell.row, read.cell.col)
            place = self.layout.places.get(key)
            (printed if place is not None and place.field.role == "computed" else inputs)[key] = value
        normalise_labels(self.layout, inputs, rec.cells, result)
        given = self._given(inputs, printed)
        rec.values.update(inputs)
        for key, value in self.layout.recompute(inputs, given=given).items():
            if key in self._computable(inputs, given) and value is not None and value != "":
                rec.values[key] = float(value) if isinstance(value, Decimal) else value
        rec.cached.update({k: v for k, v in printed.items() if k not in given})
        rec.fund_labels = self._fund_labels()
        self._notes()
        return rec

    # ------------------------------------------------------------------------------------------ values

    def _value(self, key: str, read: Read, read_value: Any, result: Any) -> Any:
        if key == "year":      # the title's year, or the one beside 年度, found by its pattern (forms.py)
            return int(read.text) if read.text and read.text.isdigit() else None
        place = self._place(key, read)
        gc = read.cell
        f = place.field
        if read.number and read.text is not None:
            cell = Cell(float(read.text), "n")     # not a number typed as text (XF206): a weight in a label
        elif read.text is not None:
            cell = Cell(read.text, "s")
        elif gc.number and not f.numeric:
            cell = Cell(gc.text, "s")        # as Excel shows it: 0.8 under "0%" is "80%"
        elif gc.number and f.type == "percent" and gc.text.endswith("%"):
            return gc.cell.value             # a fraction shown as a percent: 1.0259 is 102.59%
        else:
            cell = gc.cell
        if type(cell.value) is str and is_dash(cell.value) and not f.numeric:
            return None
        value = read_value(cell, place, self.ref(gc.row, gc.col), result)
        if self.found.yuan is not None and f.type == "amount" and isinstance(value, int | float):
            value = float(Decimal(repr(float(value))) / 10000)
        return value

    def _place(self, key: str, read: Read) -> Place:
        row, col = read.cell.row, read.cell.col
        place = self.layout.places.get(key)
        f = place.field if place is not None else self._field(key)
        parts = split_indicator_key(key)
        return Place(key, f, row, col, row, col, index=parts[0] if parts else None)

    def _field(self, key: str) -> Field:
        """A field this spec does not lay out (a 年初预算数 on a Wangcheng-like form): typed by its column."""
        parts = split_indicator_key(key)
        label = self.found.labels.get(key, key)
        if parts is not None:
            own = self.spec.row_field(parts[1])
            if own is not None:
                return own
            ftype = _ROW_TYPES.get(parts[1], "text")
            label = self.found.labels.get(f"ind.*.{parts[1]}", parts[1])
        elif key.startswith("fund."):
            column = key.rsplit(".", 1)[1]
            ftype = "amount" if column in _AMOUNTS else _FUND_TYPES.get(column, "number")
        else:
            ftype = _SCALAR_TYPES.get(key, "text")
        return Field(key=key, label=label, at="A1", role="input", type=ftype)

    # --------------------------------------------------------------------------------------- computing

    def _given(self, inputs: dict[str, Any], printed: dict[str, Any]) -> dict[str, Any]:
        """Computed fields the form prints over none of their inputs: the printed figure is the value. One it
        neither prints nor gives the inputs of is none: a fund score without its weight is no 0 in the total
        (遵化's cover, a rate and no weight, gave a total of 0 and 差), and a form with no indicator rows has
        no total to compute (its fund score alone would be graded 差)."""
        have = set(inputs)
        given: dict[str, Any] = {}
        for key, args in self.layout.dependencies:
            if self._ready(key, args, have) and (key in printed or not self._partial(key)):
                have.add(key)
                continue
            if key in printed:
                # as a computed value is (Decimal): a printed rate feeds the fund score's rule like a computed one
                value = printed[key]
                given[key] = Decimal(repr(value)) if type(value) is float else value
                have.add(key)
            elif self._partial(key) or self.layout.places[key].field.rule == "fund_score":
                given[key] = None
        return given

    def _partial(self, key: str) -> bool:
        """A total of a form with no indicator rows: what it would add up is not on the form."""
        return self.found.indicators == 0 and self.layout.places[key].field.rule in ("score_total", "weight_total")

    def _computable(self, inputs: dict[str, Any], given: dict[str, Any]) -> set[str]:
        """Computed fields with at least one input: the others would be a 0 or a grade the form never had."""
        have = set(inputs) | set(given)
        for key, args in self.layout.dependencies:
            if self._ready(key, args, have):
                have.add(key)
        return have

    def _ready(self, key: str, args: tuple[str, ...], have: set[str]) -> bool:
        """A computed field the form gives inputs for. A fund score is its weight times the rate: on a form that
        prints no weight (Hubei's "得分（20分*执行率）", the 20 only in the label) it is not recomputed as 0
        against the score the unit printed; the printed score is the value."""
        if not any(a in have for a in args):
            return False
        f = self.layout.places[key].field
        return f.rule != "fund_score" or f.args.get("weight") in have

    def _fund_labels(self) -> dict[str, str]:
        rows = {k.split(".")[1] for k in self.record.values if k.startswith("fund.")}
        own = self.spec.fund_rows()
        return {row: self.spec.fund_row_label(row) if row in own else self.found.labels.get(f"fund.{row}", row)
                for row in sorted(rows, key=lambda r: (own.index(r) if r in own else len(own), r))}

    # ---------------------------------------------------------------------------------------- findings

    def _notes(self) -> None:
        found, file, sheet = self.found, self.file, self.found.sheet
        origin = a1(*found.origin)
        self.findings.append(make("XF170", file=file, sheet=sheet, cell=origin, value=self.spec.name,
                                  expected=self.spec.id))
        if found.yuan is not None:
            self.findings.append(make("XF175", file=file, sheet=sheet, cell=a1(found.yuan.row, found.yuan.col),
                                      value=found.yuan.text))
        for note in found.notes:
            cell = a1(note.cell.row, note.cell.col) if note.cell is not None else None
            args = dict(note.args)
            key = args.pop("key", None)
            field_label = self._label(key) if key else None
            self.findings.append(make(note.code, file=file, sheet=sheet, cell=cell, field=field_label, key=key,
                                      **args))

    def _label(self, key: str) -> str:
        place = self.layout.places.get(key)
        return place.field.label if place is not None else self.found.labels.get(key, key)
