"""once (a check's context, a layout's and a spec's views): a view is worked out on its first read and then
read as a plain attribute of the instance (set as any attribute is, so the instance's other attributes read as
fast as before; a frozen dataclass's too)."""

from __future__ import annotations

from xlsform.checks.context import CheckContext
from xlsform.once import once
from xlsform.records import Record


class Counted:
    def __init__(self) -> None:
        self.calls = 0
        self.other = "kept"

    @once
    def view(self) -> list[int]:
        self.calls += 1
        return [self.calls]


def test_a_view_is_worked_out_once_and_then_is_the_instances_own_attribute() -> None:
    c = Counted()
    first = c.view
    assert c.view is first and c.view == [1] and c.calls == 1
    assert vars(c)["view"] is first and c.other == "kept"
    assert Counted.view.fn.__name__ == "view"     # the descriptor itself, read from the class
    assert Counted().view == [1]                  # each instance its own


def test_a_contexts_views_are_its_records() -> None:
    record = Record("wangcheng", "2020.1", values={"ind.1.level1": "产出指标", "ind.1.weight": 10.0})
    ctx = CheckContext.for_record(record, recomputed=True)
    assert ctx.values is record.values and ctx.values is ctx.values
    assert [(i.index, i.level1, i.weight) for i in ctx.indicators] == [(1, "产出指标", 10.0)]
    assert ctx.indicators is ctx.indicators and not ctx.imported and ctx.unreadable == frozenset()


def test_a_frozen_dataclass_keeps_its_view_too() -> None:
    from dataclasses import FrozenInstanceError, dataclass

    @dataclass(frozen=True)
    class Frozen:
        n: int

        @once
        def double(self) -> int:
            return 2 * self.n

    f = Frozen(2)
    assert f.double == 4 and vars(f)["double"] == 4 and f == Frozen(2)
    try:
        f.n = 3  # type: ignore[misc]
    except FrozenInstanceError:
        pass
    else:
        raise AssertionError("no longer frozen")
