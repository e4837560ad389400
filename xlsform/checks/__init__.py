"""Rule families: each module has `check(ctx) -> Iterator[Finding]` and never raises for bad data."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

from xlsform import prefill
from xlsform.checks import arithmetic, completeness, integrity, office, plausibility, previous, review
from xlsform.checks.context import CheckContext
from xlsform.codes import Finding, make

# In report order: is it our file, is it complete, do the sums hold, does the self-assessment make sense,
# and the targets against last year's actuals the form shows (上年完成值).
FAMILIES: tuple[Callable[[CheckContext], Iterator[Finding]], ...] = (
    integrity.check, completeness.check, arithmetic.check, plausibility.check, review.check, previous.check,
)


def run_all(ctx: CheckContext) -> list[Finding]:
    """Every family's findings; a family that fails (a bug, never bad data) costs its own findings only.

    Integrity runs first; where it found a locked prefilled value changed (against the manifest, else the
    workbook's own copy), the other families judge the values as sent, as merge sums them: a budget raised
    in the unit's copy must not hide a low execution rate (issue 15.4)."""
    out: list[Finding] = []
    for family in FAMILIES:
        try:
            out.extend(family(ctx))
        except Exception as e:  # a bug: the file still gets the other families' findings
            out.append(make("XF901", file=ctx.file, value=f"{family.__module__}: {type(e).__name__}: {e}"[:300]))
        if family is integrity.check:
            ctx = on_sent_values(ctx, out)
    # A cell the reader could not read has its finding already ("十分" is not a number); "empty" or
    # "half-filled" about the same cell would send the clerk after a second, false problem.
    out = [f for f in out if f.key is None or f.key not in ctx.unreadable]
    if ctx.entry is not None and not ctx.imported:
        # how the office set up its own locked cells: told to it at generate, a note here (a hand-made form's
        # cells are all the unit's own, whatever the manifest prefilled in the form it was sent)
        out = office.as_office_notes(out, ctx.entry.prefilled)
    return out


def on_sent_values(ctx: CheckContext, integrity_findings: list[Finding]) -> CheckContext:
    sent = prefill.sent_values(integrity_findings)
    if not sent:
        return ctx
    return replace(ctx, record=prefill.as_sent(ctx.record, ctx.layout, sent), recomputed=True,
                   changed=frozenset(sent))


__all__ = ["FAMILIES", "CheckContext", "run_all"]
