"""The office's own prefilled cells (xlsform/checks/office.py): with a manifest, a set-up finding on a cell the
office prefilled is a note to the office at the cell (no warning, no state); the unit's own cells and every cell
of a hand-made form stay the unit's findings."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.helpers_checks import findings
from tests.test_checks_review_qa import _row
from xlsform.checks.office import OFFICE_NOTE, is_office_note

DESCRIBED = {"level2": "时效指标", "level3": "完成时间", "target": "及时", "actual": "及时"}


def _xf533(**kw: Any) -> list[Any]:
    return [f for f in findings(_row(**DESCRIBED), **kw) if f.code == "XF533"]


def test_a_target_the_office_prefilled_is_a_note_to_the_office_at_its_cell() -> None:
    [f] = _xf533(entry=SimpleNamespace(prefilled={"ind.1.target": "及时"}))
    assert f.severity == "info" and is_office_note(f) and f.key == "ind.1.target"
    assert f.message.endswith(OFFICE_NOTE) and "请把目标值写成" not in f.message


def test_the_same_target_typed_by_the_unit_stays_its_warning() -> None:
    [alone] = _xf533()
    [typed] = _xf533(entry=SimpleNamespace(prefilled={"ind.1.level3": "完成时间"}))
    assert alone.severity == typed.severity == "warning" and not is_office_note(typed)


def test_a_hand_made_form_is_all_the_units_own_whatever_the_manifest_prefilled() -> None:
    [f] = _xf533(entry=SimpleNamespace(prefilled={"ind.1.target": "及时"}),
                  workbook=SimpleNamespace(imported=True, located={"ind.1.target": "表!F7"},
                                           form=SimpleNamespace(name="表")))
    assert f.severity == "warning"
