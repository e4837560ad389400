"""Rule families: each module has `check(ctx) -> Iterator[Finding]` and never raises for bad data."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from xlsform.checks import arithmetic, completeness, integrity, plausibility
from xlsform.checks.context import CheckContext
from xlsform.codes import Finding

# In report order: is it our file, is it complete, do the sums hold, does the self-assessment make sense.
FAMILIES: tuple[Callable[[CheckContext], Iterator[Finding]], ...] = (
    integrity.check, completeness.check, arithmetic.check, plausibility.check,
)


def run_all(ctx: CheckContext) -> list[Finding]:
    return [f for family in FAMILIES for f in family(ctx)]


__all__ = ["FAMILIES", "CheckContext", "run_all"]
