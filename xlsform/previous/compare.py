"""merge --previous: this year's returns beside last year's.

`Comparison.attach` matches every unit of the round to last year's return (match.py) and adds to each return
the findings only the two years together show; `merge.build_summary` then asks `fill` for last year's figures
of each unit's row and indicator rows, and `match_rows` for the 上年对照 sheet.

- XF520: a target set below what the same indicator already reached last year. Only where both are figures
  in the same unit and the target is a floor (≥, or a bare figure); a ceiling, a range, a deadline or words
  compare nothing.
- XF521: the total score rose while the execution rate fell by more than `[rules.previous] rate_drop`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from xlsform.checks.context import CheckContext
from xlsform.codes import Finding
from xlsform.fsutil import shown_path
from xlsform.merge import Digest, IndicatorRow, MatchRow, UnitRow, digest_of, round_of
from xlsform.previous.match import BY_CODE, BY_NAME, SIMILAR, IndicatorMatch, UnitMatch, match_indicators, match_units
from xlsform.previous.source import LastYear, PastReturn, kind_of
from xlsform.previous.targets import target_below
from xlsform.records import Indicator, Record
from xlsform.results import FileResult
from xlsform.spec import YearOnYear
from xlsform.status import Assignment

PERCENT_POINTS = Decimal(100)
RATE_SHOWN = Decimal("0.0001")


@dataclass
class Comparison:
    last: LastYear
    rules: YearOnYear
    units: dict[str, UnitMatch] = field(default_factory=dict)
    indicators: dict[str, dict[int, IndicatorMatch]] = field(default_factory=dict)
    too_recent: list[tuple[str, PastReturn]] = field(default_factory=list)   # not last year's: same year or later
    unmatched_units: list[tuple[str, str]] = field(default_factory=list)   # returned, nothing last year

    def attach(self, a: Assignment) -> None:
        """Match the round's units to last year's returns and add XF520 / XF521 to this year's returns."""
        named = [(u.unit.code, u.unit.name or _name(u.result)) for u in a.units]
        matched = self._match(a, named)
        for u, (code, name) in zip(a.units, named, strict=True):
            key, r = code or name, u.result
            m, record = matched.get(key), (r.record if r is not None else None)
            if m is not None and record is not None and not _earlier(m.past.year, record.year):
                self.too_recent.append((code, m.past))
                continue
            if m is None:
                if record is not None:
                    self.unmatched_units.append((code, name))
                continue
            self.units[key] = m
            now = digest_of(r) if r is not None else None
            if r is None or record is None or now is None:
                continue
            found = match_indicators(now.indicators, m.past.indicators, self.rules)
            self.indicators[key] = found
            r.findings.extend(year_findings(r, record, now, m.past, found, self.rules))

    def _match(self, a: Assignment, named: list[tuple[str, str]]) -> dict[str, UnitMatch]:
        """Units matched to last year's returns of their own kind of form: a department's last year is no
        project form, whatever code or name it carries. A unit that did not return is of the round's kind."""
        usual = round_of(a)[1]
        kinds = [(kind_of(u.result.record) if u.result is not None and u.result.record is not None else None) or usual
                 for u in a.units]
        out: dict[str, UnitMatch] = {}
        for kind in dict.fromkeys(kinds):
            units = [n for n, k in zip(named, kinds, strict=True) if k == kind]
            past = [p for p in self.last.returns if (p.kind or usual) == kind]
            out |= match_units(units, past, self.rules)
        return out

    def fill(self, row: UnitRow, details: Sequence[IndicatorRow]) -> None:
        """Last year's figures into a unit's 汇总表 row and its 指标明细 rows."""
        m = self.units.get(row.code or row.name)
        if m is None:
            return
        then = m.past
        row.prev_total, row.prev_grade, row.prev_rate = then.total, then.grade, then.rate
        if row.total is not None and then.total is not None:
            row.total_change = row.total - then.total
        if row.rate is not None and then.rate is not None:
            row.rate_change = row.rate - then.rate
        found = self.indicators.get(row.code or row.name, {})
        for d in details:
            hit = found.get(d.index)
            if hit is not None:
                d.prev_target, d.prev_actual = hit.past.target, hit.past.actual

    def report(self, shown: int = 10) -> list[str]:
        """Lines for stderr: how the units were matched, and every similar-name match to confirm."""
        how = [m.how for m in self.units.values()]
        similar = [m for m in self.units.values() if m.how == SIMILAR]
        lines = [f"上年对照：按单位编码 {how.count(BY_CODE)} 个，按名称 {how.count(BY_NAME)} 个，"
                 f"名称相近 {len(similar)} 个；本年有报送而上年无对应的单位 {len(self.unmatched_units)} 个。"]
        for m in similar[:shown]:
            lines.append(f"  名称相近，请核对：{f'{m.code} {m.name}'.strip()} ← 上年「{_who(m.past)}」"
                         f"（相似度 {round(m.score)}，{_file(m.past)}）")
        if len(similar) > shown:
            lines.append(f"  …… 另有 {len(similar) - shown} 个，见汇总表「上年对照」")
        fuzzy = sum(h.how == SIMILAR for found in self.indicators.values() for h in found.values())
        if fuzzy:
            lines.append(f"  名称相近而对照的指标 {fuzzy} 个，见汇总表「上年对照」，请核对。")
        if self.too_recent:
            lines.append(f"  上年报送中有 {len(self.too_recent)} 份的年度不早于本年，未作对照；请确认 --previous 给出的"
                         "是上一年度的报送表。")
        return lines

    def match_rows(self) -> list[MatchRow]:
        """The 上年对照 sheet: what the clerk should confirm (similar names), then what found no partner."""
        rows = []
        for key, m in self.units.items():
            if m.how != BY_CODE:
                rows.append(MatchRow(m.code, m.name, "单位：名称相近" if m.how == SIMILAR else "单位：名称相同",
                                     m.name, _who(m.past), _score(m), _file(m.past)))
            for hit in self.indicators.get(key, {}).values():
                if hit.how == SIMILAR:
                    rows.append(MatchRow(m.code, m.name, "指标：名称相近", hit.name, _indicator(hit.past),
                                         _score(hit), _file(m.past)))
        for code, name in self.unmatched_units:
            rows.append(MatchRow(code, name, "本年单位：上年无对应报送", name, None, None, None))
        for code, past in self.too_recent:
            rows.append(MatchRow(code, _who(past), "上年报送的年度不早于本年，未作对照", None, _who(past), None,
                                 _file(past)))
        used = {id(m.past) for m in self.units.values()} | {id(p) for _, p in self.too_recent}
        for past in self.last.returns:
            if id(past) not in used:
                rows.append(MatchRow(past.code or "", past.name or "", "上年报送：本年名单中无对应单位", None,
                                     _who(past), None, _file(past)))
        return rows


def year_findings(result: FileResult, record: Record, now: Digest, past: PastReturn,
                  found: dict[int, IndicatorMatch], rules: YearOnYear) -> Iterator[Finding]:
    """XF520 for each target below last year's actual, XF521 for a total that rose as the rate fell. `now`:
    the return as the summary takes it (`merge.digest_of`: figures as sent, indicator rows); `record` says
    where its fields are (its cells, else the template's)."""
    try:
        ctx = CheckContext.for_record(record, file=result.file)
    except ValueError:   # a record of a spec this process does not know: nothing to locate findings with
        return
    shown = _file(past)
    by_index = {i.index: i for i in now.indicators}
    # a form that shows last year's actual itself (generate --previous) has had XF520 from its check already
    shown_already = {f.key for f in result.findings if f.code == "XF520"}
    for index, hit in sorted(found.items()):
        ind = by_index.get(index)
        if ind is not None and target_below(ind, hit.past.actual) and f"ind.{index}.target" not in shown_already:
            yield ctx.finding("XF520", f"ind.{index}.target", value=ind.target, expected=hit.past.actual,
                              past_name=hit.past.level3 or "", past_file=shown)
    total, rate = now.figures.get("total"), now.figures.get("rate")
    if total is None or past.total is None or rate is None or past.rate is None:
        return
    drop = (past.rate - rate).quantize(RATE_SHOWN)     # as the forms show rates: 0.01%
    if total > past.total and drop > Decimal(repr(rules.rate_drop)):
        yield ctx.finding("XF521", "total.score", value=total, expected=past.total, rate=_percent(rate),
                          past_rate=_percent(past.rate), drop=_points(drop), past_file=shown)


def _earlier(past: int | None, now: int | None) -> bool:
    """A return of an earlier year than this one's; unknown years are taken as they come."""
    return past is None or now is None or past < now


def _name(result: FileResult | None) -> str:
    return (result.record.name or "") if result is not None and result.record is not None else ""


def _who(past: PastReturn) -> str:
    return " ".join(x for x in (past.code, past.name) if x)


def _indicator(ind: Indicator) -> str:
    return " / ".join(x for x in (ind.level1, ind.level2, ind.level3) if x)


def _file(past: PastReturn) -> str:
    return shown_path(past.shown)


def _score(m: UnitMatch | IndicatorMatch) -> Decimal | None:
    return Decimal(round(m.score)) if m.how == SIMILAR else None


def _percent(rate: Decimal) -> str:
    return f"{rate * PERCENT_POINTS:.2f}%"


def _points(drop: Decimal) -> str:
    return f"{drop * PERCENT_POINTS:.2f}"
