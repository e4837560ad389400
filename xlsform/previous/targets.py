"""A target set below what the same indicator already reached last year (XF520), as a reviewer reads both.

Only a floor compares: this year's target ≥ a figure (or a bare figure, as every real form writes one) and
last year's actual a measurement in the same unit (expressions.compare says so). A ceiling, a range, a
deadline, words, a repeated target or another unit of measure compare nothing: a warning there would be a
guess. Used by `merge --previous` (last year's return beside this one) and by the checks of a form that shows
last year's actual in its own 上年完成值 column (`generate --previous`).
"""

from __future__ import annotations

from typing import Protocol

from xlsform.expressions import compare, parse


class HasTarget(Protocol):
    @property
    def target(self) -> str | None: ...

    @property
    def nature(self) -> str | None: ...


def target_below(now: HasTarget, last_actual: str | None) -> bool:
    """Whether this year's target is a floor below what last year's actual reached, in the same unit."""
    target = parse(now.target)
    outcome = compare(target, parse(last_actual), now.nature)
    if outcome is None or outcome.rule != "positive" or target.low is None or target.low <= 0:
        return False
    return outcome.ratio is not None and outcome.ratio > 1
