"""What the checks would say about the office's own prefilled content: said once, to the office, at generate.

Some rules judge how a form was set up rather than how it was filled: a target that is a description and not a
value (XF533), a count written as a share (XF534), an amount as a percentage (XF537), template text or an empty
template row left in (XF531, XF539, XF541), a weight on a placeholder row (XF532), a 财政拨款 budget above the
年度资金总额 one (XF411, when both were prefilled). When the office prefilled that
cell from its roster or indicators file, the cell is locked in the unit's form: the unit cannot act on it, and
telling it on every return (13 of 15 in the trial) only teaches the unit and the clerk to skip warnings. So:

- `generate` runs these rules over each unit's prefilled values and tells the office once, grouped by what it
  found, with the units it concerns (`review_sent`), before the forms go out;
- checking a return against the manifest keeps such a finding on a cell the manifest says the office prefilled
  only as a note (提示, `as_office_notes`) that says the cell is the office's and the unit need not act: it
  changes no state and counts as no warning, yet a reviewer of the return still sees at the cell that the
  target measures nothing (the unit's own target-setting, copied in by the office, is what a review scores);
  a cell the unit filled itself (an open indicator table, any hand-made form) stays the unit's warning.
Without a manifest nothing is changed: a reviewer reading a form alone sees every finding as it is.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from xlsform.codes import CATALOGUE, Finding

# Findings about the form as the office set it up (see the module's docstring).
OFFICE_SET_UP = frozenset({"XF411", "XF531", "XF532", "XF533", "XF534", "XF537", "XF539", "XF541"})


def office_findings(findings: Iterable[Finding], prefilled: Collection[str]) -> list[Finding]:
    """The findings about cells the office prefilled (and locked): not the unit's to act on."""
    return [f for f in findings if f.code in OFFICE_SET_UP and f.key is not None and f.key in prefilled]


OFFICE_NOTE = "（本格为下发时预填并锁定的内容，单位本次无需修改；生成表格时已告知财政部门，请在下一轮设定指标时改正。）"


def as_office_notes(findings: list[Finding], prefilled: Collection[str]) -> list[Finding]:
    """The findings, those about cells the office prefilled turned into notes to the office (see above)."""
    theirs = set(map(id, office_findings(findings, prefilled)))
    if not theirs:
        return findings
    return [_as_note(f) if id(f) in theirs else f for f in findings]


def is_office_note(f: Finding) -> bool:
    """A note made by `as_office_notes` (these codes are warnings or errors otherwise)."""
    return f.severity == "info" and f.code in OFFICE_SET_UP


def _as_note(f: Finding) -> Finding:
    fix = CATALOGUE[f.code].fix
    said = f.message[:-len(fix)].rstrip("。") if fix and f.message.endswith(fix) else f.message.rstrip("。")
    return replace(f, severity="info", message=said + OFFICE_NOTE)


@dataclass(eq=False)   # never compared: no __eq__ compiled at every start
class SentFinding:
    """One thing the checks would say about the office's content, and the units whose forms carry it."""

    finding: Finding
    units: list[tuple[str, str]] = field(default_factory=list)   # (code, name)


def review_sent(units: Sequence[Any], spec: Any) -> list[SentFinding]:
    """Each unit's prefilled values as its form carries them, through the rules that judge the set-up; grouped
    by code, cell and value (the same indicators file line sent to 300 units is one line to fix)."""
    from xlsform.checks import arithmetic, completeness, review
    from xlsform.checks.context import CheckContext
    from xlsform.layout import layout_for
    from xlsform.records import Record

    layout = layout_for(spec)
    grouped: dict[tuple[str, str | None, str], SentFinding] = {}
    for unit in units:
        sent = unit.sent
        record = Record(spec_id=spec.id, spec_version=spec.version, values=dict(sent))
        ctx = CheckContext(record=record, spec=spec, layout=layout)
        for f in office_findings(_set_up(ctx, arithmetic, completeness, review), sent):
            one = grouped.setdefault((f.code, f.cell, f.message), SentFinding(f))
            one.units.append((unit.code, unit.name))
    return list(grouped.values())


def _set_up(ctx: Any, arithmetic: Any, completeness: Any, review: Any) -> list[Finding]:
    """Only the rules that can say an OFFICE_SET_UP code (the whole families cost 3 times more, for every unit
    of a 5,000-unit roster)."""
    found = [*arithmetic.parts_within_total(ctx), *completeness.placeholders(ctx)]
    rules = ctx.spec.rules.review
    for ind in ctx.indicators:
        if ind.weight:
            found += completeness.weighted_placeholder(ctx, ind)
        if ind.target:
            found += review.target_is_a_value(ctx, ind, rules)
            found += review.amount_as_share(ctx, ind)
    return found
