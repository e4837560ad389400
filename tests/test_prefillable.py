"""An input the spec makes prefillable (执行数 B from the treasury system): the roster may give it; then it is sent
locked, carried in the workbook's prefill copy and the manifest, and a unit that changes it is told, with or
without the manifest, like any prefilled cell. Without a roster value it stays the unit's input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.helpers_forms import unlocked_cells
from xlsform.check import check_file
from xlsform.generate import generate_units
from xlsform.layout import Layout
from xlsform.manifest import Manifest
from xlsform.roster import load_roster
from xlsform.spec import SpecError, load_spec
from xlsform.writer import write_form

ROSTER = ("code,name,year,fund.fiscal.budget,fund.total.budget,fund.total.weight,fund.fiscal.spent,fund.total.spent\n"
          "001,甲单位,2024,100,120,10,90,110\n"
          "002,乙单位,2024,100,120,10,,\n")
INDICATORS = ("code,level1,level2,level3,target,weight\n"
              "001,产出指标,数量指标,培训人次,≥100人次,90\n"
              "002,产出指标,数量指标,培训人次,≥100人次,90\n")


def make_round(tmp_path: Path) -> Manifest:
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "indicators.csv").write_text(INDICATORS, encoding="utf-8")
    spec = load_spec("wangcheng")
    units = load_roster(tmp_path / "roster.csv", spec, indicators=tmp_path / "indicators.csv")
    return generate_units(units, spec, tmp_path / "out", password="pw", jobs=1)


def returned(tmp_path: Path, manifest: Manifest, code: str, typed: dict[str, Any], name: str) -> Path:
    """The unit's return: what was sent, locked as sent, and what it typed (which may change a locked cell,
    as a unit that unprotects the sheet can)."""
    entry = manifest.unit(code)
    assert entry is not None
    path = tmp_path / name
    write_form(path, Layout(load_spec("wangcheng")), {**entry.prefilled, **typed}, password="pw",
               locked=list(entry.prefilled), prefilled=entry.prefilled)
    return path


FILLED = {"ind.1.actual": "120人次", "ind.1.score": 90, "goal.achieved": "完成", "footer.preparer": "张三",
          "footer.phone": "1", "footer.date": "2025-01-05"}


def test_a_roster_value_for_b_is_sent_locked_and_recorded(tmp_path: Path) -> None:
    manifest = make_round(tmp_path)
    sent = manifest.unit("001")
    assert sent is not None and sent.prefilled["fund.total.spent"] == 110.0
    form = tmp_path / "out" / "forms" / sent.file
    assert {"D5", "D6"}.isdisjoint(unlocked_cells(form))          # B of both fund rows locked
    ws = openpyxl.load_workbook(form)["部门整体自评表"]
    assert ws["D6"].value == 110
    other = manifest.unit("002")
    assert other is not None and "fund.total.spent" not in other.prefilled
    assert {"D5", "D6"} <= unlocked_cells(tmp_path / "out" / "forms" / other.file)   # no value: the unit's


@pytest.mark.parametrize("with_manifest", [True, False])
def test_a_changed_prefilled_b_is_reported(tmp_path: Path, with_manifest: bool) -> None:
    manifest = make_round(tmp_path)
    path = returned(tmp_path, manifest, "001", {**FILLED, "fund.total.spent": 119}, "r.xlsx")
    result = check_file(path, manifest=manifest if with_manifest else None)
    code = "XF152" if with_manifest else "XF161"
    hits = [f for f in result.findings if f.code == code]
    assert [(f.cell, f.value, f.expected) for f in hits] == [("D6", 119, 110)]


def test_an_unchanged_prefilled_b_is_clean_and_the_form_counts_as_filled(tmp_path: Path) -> None:
    manifest = make_round(tmp_path)
    path = returned(tmp_path, manifest, "001", FILLED, "r.xlsx")
    result = check_file(path, manifest=manifest)
    assert not [f for f in result.findings if f.code in ("XF152", "XF161", "XF304")]
    assert result.record is not None and result.record.values["fund.total.rate"] == pytest.approx(110 / 120)


@pytest.mark.parametrize("with_manifest", [True, False])
def test_a_form_with_only_the_prefilled_b_is_a_blank_return(tmp_path: Path, with_manifest: bool) -> None:
    manifest = make_round(tmp_path)
    path = returned(tmp_path, manifest, "001", {}, "blank.xlsx")
    result = check_file(path, manifest=manifest if with_manifest else None)
    assert [f.code for f in result.findings] == ["XF304"]
    # the same B typed by a unit whose B was not prefilled is a start of filling, not a blank form
    typed = returned(tmp_path, manifest, "002", {"fund.total.spent": 50}, "typed.xlsx")
    assert "XF304" not in [f.code for f in check_file(typed, manifest=manifest).findings]


def test_spec_options_are_checked(tmp_path: Path) -> None:
    source = (Path(__file__).parents[1] / "templates" / "wangcheng.toml").read_text(encoding="utf-8")
    bad = {
        "prefill field": source.replace('at = "G1"\nrole = "prefill"', 'at = "G1"\nrole = "prefill"\nprefillable=true'),
        "scalar hidden": source.replace('key = "name"\n', 'key = "name"\nhide_empty = true\n', 1),
        "similarity": source.replace("unit_similarity = 90", "unit_similarity = 30"),
        "drop": source.replace("rate_drop = 0.10", "rate_drop = 10"),
        "unknown": source.replace("rate_drop = 0.10", "rate_dorp = 0.10"),
    }
    expected = {"prefill field": "only an input field can be made prefillable", "scalar hidden": "hide_empty",
                "similarity": "unit_similarity",
                "drop": "rate_drop", "unknown": "unknown key"}
    for name, text in bad.items():
        assert text != source, name
        path = tmp_path / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(SpecError, match=expected[name]):
            load_spec(path)
