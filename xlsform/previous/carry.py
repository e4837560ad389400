"""generate --previous: next year's forms prefilled from this year's returns.

For each unit of the roster that returned last year (matched as merge matches, match.py):

- with no indicators given for it (`--indicators`), its indicator table is last year's: 一级/二级/三级, 目标内容,
  指标性质, 度量单位 and 分值 sent locked as the approved set, last year's 目标值 written in but left to the unit
  (it sets this year's targets, not locked, not recorded as sent), and last year's 实际完成值 in the locked
  上年完成值 column;
- with indicators given, each of them that matches one of last year's gets last year's 实际完成值 beside it.

Nothing doubtful is sent locked: a row whose 一级/二级 is not in this spec's tree is left out, and weights that
do not make 100 with the fund's are left to the unit. Every such case, every unit matched by a similar name
and every unit without a return last year is said (`Carried.lines`), for the clerk to look at before sending.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from xlsform.expressions import NONE, parse
from xlsform.layout import indicator_key
from xlsform.previous.match import BY_CODE, BY_NAME, SIMILAR, UnitMatch, match_indicators, match_units
from xlsform.previous.source import LastYear
from xlsform.records import Indicator, Record
from xlsform.roster import Unit
from xlsform.scoring import round2, to_decimal
from xlsform.spec import NATURES, Spec

OPEN_COLUMNS = ("target",)     # last year's value written in, this year's left to the unit


@dataclass
class Carried:
    """What --previous did, unit by unit, for stderr."""

    tables: int = 0                  # units given last year's indicator table
    actuals: int = 0                 # indicators given their 上年完成值 (in a table given or carried over)
    matched: list[UnitMatch] = field(default_factory=list)
    without: list[Unit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self, shown: int = 10) -> list[str]:
        how = [m.how for m in self.matched]
        similar = [m for m in self.matched if m.how == SIMILAR]
        out = [f"按上年报送预填：{self.tables} 个单位沿用上年的指标表（目标值由单位填写或修改），"
               f"{self.actuals} 个指标填入上年完成值；上年报送按单位编码对照 {how.count(BY_CODE)} 个，"
               f"按名称 {how.count(BY_NAME)} 个，名称相近 {len(similar)} 个；"
               f"上年无对应报送的单位 {len(self.without)} 个。"]
        for m in similar[:shown]:
            out.append(f"  名称相近，请核对：{m.code} {m.name} ← 上年「{m.past.name}」（相似度 {round(m.score)}，"
                       f"{m.past.shown}）")
        out += [f"  {n}" for n in self.notes[:shown]]
        if len(self.notes) > shown:
            out.append(f"  …… 另有 {len(self.notes) - shown} 条")
        return out


def carry(units: Sequence[Unit], last: LastYear, spec: Spec) -> Carried:
    """Put last year's indicators and actuals into the units' values (in place); say what was done."""
    done = Carried()
    matched = match_units([(u.code, u.name) for u in units], last.returns, spec.rules.previous)
    columns = {f.key for f in spec.indicator_block.row}
    for unit in units:
        m = matched.get(unit.code or unit.name)
        year = unit.values.get("year")
        if m is None or (m.past.year is not None and isinstance(year, int) and m.past.year >= year):
            done.without.append(unit)
            continue
        done.matched.append(m)
        if any(k.startswith("ind.") for k in unit.values):
            done.actuals += _actuals(unit, m.past.indicators, spec, columns)
        else:
            rows = _table(unit, m.past.indicators, spec, columns, done.notes)
            done.tables += 1 if rows else 0
            done.actuals += sum(1 for row in rows if "previous" in row)
    return done


def _actuals(unit: Unit, past: Sequence[Indicator], spec: Spec, columns: set[str]) -> int:
    """Last year's 实际完成值 beside each of this year's indicators that matches one of last year's."""
    if "previous" not in columns:
        return 0
    now = Record(spec.id, spec.version, values=dict(unit.values)).indicators
    found = match_indicators(now, past, spec.rules.previous)
    filled = 0
    for index, hit in found.items():
        if _measured(hit.past.actual):
            unit.values[indicator_key(index, "previous")] = hit.past.actual
            filled += 1
    return filled


def _table(unit: Unit, past: Sequence[Indicator], spec: Spec, columns: set[str],
           notes: list[str]) -> list[dict[str, object]]:
    """Last year's indicator rows as this unit's: the rows taken (none when none could be)."""
    rows: list[dict[str, object]] = []
    for ind in past:
        if not _in_use(ind):
            continue
        if ind.level1 not in spec.tree or ind.level2 not in spec.tree[ind.level1]:
            notes.append(f"{unit.code} {unit.name}：上年第 {ind.index} 行指标「{ind.level1 or ''}/{ind.level2 or ''}/"
                         f"{ind.level3 or ''}」不在本表的指标体系中，未预填")
            continue
        rows.append(_row(ind, columns))
    rows = rows[:spec.indicator_rows]
    if not rows:
        return rows
    if not _weights_add_up(unit, rows, spec):
        for row in rows:
            row.pop("weight", None)
        notes.append(f"{unit.code} {unit.name}：上年各指标分值与预算执行率分值合计不为 100，分值未预填，由单位填写")
    for i, row in enumerate(rows, start=1):
        for column, value in row.items():
            key = indicator_key(i, column)
            unit.values[key] = value
            if column in OPEN_COLUMNS:
                unit.open.add(key)
    return rows


def _row(ind: Indicator, columns: set[str]) -> dict[str, object]:
    row: dict[str, object] = {}
    for column in ("level1", "level2", "level3", "content", "nature", "target", "measure", "weight"):
        value = getattr(ind, column)
        if column in columns and value not in (None, "") and (column != "nature" or value in NATURES):
            row[column] = value
    if "previous" in columns and _measured(ind.actual):
        row["previous"] = ind.actual
    return row


def _in_use(ind: Indicator) -> bool:
    """A row that describes an indicator (Wangcheng prints every 二级 slot, unused ones with weight 0)."""
    return bool(ind.level3 or ind.content or ind.target or ind.actual or ind.weight)


def _measured(actual: str | None) -> bool:
    """An actual worth showing next year: anything but a placeholder or the template's hint."""
    return actual is not None and parse(actual).kind != NONE


def _weights_add_up(unit: Unit, rows: Sequence[dict[str, object]], spec: Spec) -> bool:
    """Locked weights must make 100 with the fund weight, as the roster's indicators must."""
    fund = to_decimal(unit.values.get(f"fund.{spec.scored_fund_row}.weight"))
    weights = [to_decimal(r.get("weight")) for r in rows]
    if fund is None or any(w is None for w in weights):
        return False
    return round2(fund + sum((w for w in weights if w is not None), Decimal(0))) == 100
