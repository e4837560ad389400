"""A form that shows last year's actuals in its own 上年完成值 column (generate --previous): a target set below
what the indicator reached last year is said at once, in `check` and on upload (XF520), not only at merge."""

from __future__ import annotations

from collections.abc import Iterator

from xlsform.checks.context import CheckContext
from xlsform.codes import Finding
from xlsform.previous.targets import target_below

ON_THE_FORM = "本表「上年完成值」栏"


def check(ctx: CheckContext) -> Iterator[Finding]:
    for ind in ctx.indicators:
        if ind.previous and ind.target and target_below(ind, ind.previous):
            yield ctx.finding("XF520", f"ind.{ind.index}.target", value=ind.target, expected=ind.previous,
                              past_name=ind.level3 or "", past_file=ON_THE_FORM)
