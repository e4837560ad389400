"""generate --previous: next year's round from this one, and the 上年完成值 column the spec declares.

The README's command: examples/returns/wangcheng (the 2020 returns, real seed forms) as last year for 2021.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from tests.conftest import ROOT, load_seed
from tests.helpers_forms import locked_cells, unlocked_cells
from tests.helpers_lo import LibreOffice, libreoffice
from tests.test_libreoffice import Case, layout_for, prove
from xlsform.check import check_file
from xlsform.cli import main
from xlsform.layout import Layout
from xlsform.manifest import Manifest
from xlsform.previous.carry import carry
from xlsform.previous.source import LastYear, PastReturn
from xlsform.records import Record
from xlsform.roster import Unit
from xlsform.spec import load_spec
from xlsform.writer import write_form

__all__ = ["libreoffice"]
LAST_YEAR = ROOT / "examples" / "returns" / "wangcheng"
SHEET = "部门整体自评表"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def round2021(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest, Result]:
    out = tmp_path_factory.mktemp("r2021") / "out"
    result = run("generate", str(ROOT / "examples" / "roster.csv"), "--previous", str(LAST_YEAR), "--year", "2021",
                 "-o", str(out), "--password", "pw")
    assert result.exit_code == 0, result.output
    return out, Manifest.load(out / "manifest.json"), result


def form_of(out: Path, manifest: Manifest, code: str) -> Path:
    entry = manifest.unit(code)
    assert entry is not None
    return out / "forms" / entry.file


def test_last_years_table_is_prefilled_with_its_actuals_in_a_locked_column(
        round2021: tuple[Path, Manifest, Result]) -> None:
    out, manifest, _ = round2021
    path = form_of(out, manifest, "430112001")
    ws = openpyxl.load_workbook(path)[SHEET]
    # seed 000's nine rows, less the two unused 二级 slots Wangcheng prints (weight 0, nothing else)
    rows = [(ws[f"B{r}"].value, ws[f"C{r}"].value, ws[f"F{r}"].value, ws[f"H{r}"].value, ws[f"L{r}"].value)
            for r in range(12, 19)]
    assert rows[1] == ("产出指标", "质量指标", "95%及以上", 20, "公务接待满意率100%")
    assert [r[1] for r in rows] == ["数量指标", "质量指标", "成本指标", "经济效益指标", "社会效益指标",
                                    "可持续影响指标", "服务对象满意度指标"]
    assert ws["L11"].value == "上年完成值" and not ws.column_dimensions["L"].hidden
    assert ws.row_dimensions[19].hidden                       # rows beyond last year's are not the unit's
    unlocked = unlocked_cells(path)
    assert {f"F{r}" for r in range(12, 19)} <= unlocked       # this year's targets: the unit sets them
    assert {f"{c}{r}" for c in "BCDHL" for r in range(12, 19)} <= locked_cells(path)


def test_the_manifest_records_what_was_sent_locked_and_not_the_open_targets(
        round2021: tuple[Path, Manifest, Result]) -> None:
    _, manifest, _ = round2021
    entry = manifest.unit("430112001")
    assert entry is not None
    sent = entry.prefilled
    assert sent["ind.2.previous"] == "公务接待满意率100%" and sent["ind.2.level3"] == "公务接待"
    assert not [k for k in sent if k.startswith("ind.") and k.endswith(".target")] and "goal.target" in sent
    assert sent["year"] == 2021


def test_weights_that_do_not_make_100_are_left_to_the_unit(round2021: tuple[Path, Manifest, Result]) -> None:
    out, manifest, result = round2021
    assert "430112004" in result.stderr and "分值未预填" in result.stderr   # seed 004's weights sum to 70
    path = form_of(out, manifest, "430112004")
    assert {f"H{r}" for r in range(12, 18)} <= unlocked_cells(path)
    entry = manifest.unit("430112004")
    assert entry is not None and not [k for k in entry.prefilled if k.endswith(".weight") and k.startswith("ind.")]


def returned(out: Path, manifest: Manifest, code: str, typed: dict[str, Any], name: Path) -> Path:
    """The unit's return of a generated form: what was sent (open targets as sent), locked as sent, and what
    it typed over it."""
    entry = manifest.unit(code)
    assert entry is not None
    form = check_file(form_of(out, manifest, code)).record
    assert form is not None
    write_form(name, Layout(load_spec("wangcheng")), {**form.values, **typed}, password="pw",
               locked=list(entry.prefilled), prefilled=entry.prefilled)
    return name


@pytest.mark.parametrize("with_manifest", [True, False])
def test_a_unit_may_set_its_target_but_not_change_last_years_actual(
        round2021: tuple[Path, Manifest, Result], tmp_path: Path, with_manifest: bool) -> None:
    out, manifest, _ = round2021
    m = manifest if with_manifest else None
    target = returned(out, manifest, "430112001", {"ind.2.target": "≥98%"}, tmp_path / "t.xlsx")
    assert not [f for f in check_file(target, manifest=m).findings if f.code in ("XF152", "XF161")]
    tampered = returned(out, manifest, "430112001", {"ind.2.previous": "公务接待满意率80%"}, tmp_path / "p.xlsx")
    hits = [f for f in check_file(tampered, manifest=m).findings if f.code in ("XF152", "XF161")]
    assert [(f.code, f.cell, f.expected) for f in hits] == [
        ("XF152" if with_manifest else "XF161", "L13", "公务接待满意率100%")]


def test_the_column_is_read_back_into_the_record(round2021: tuple[Path, Manifest, Result]) -> None:
    out, manifest, _ = round2021
    record = check_file(form_of(out, manifest, "430112002")).record
    assert record is not None
    assert record.indicators[0].previous == "2020年9月11日举办区直机关党组织书记培训班（党员轮训）。"
    assert record.to_json()["indicators"][0]["previous"] == record.indicators[0].previous


def test_with_indicators_given_only_last_years_actuals_are_added(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("generate", str(ROOT / "examples" / "roster.csv"), "--indicators",
                 str(ROOT / "examples" / "indicators.csv"), "--previous", str(LAST_YEAR), "--year", "2021",
                 "-o", str(out))
    assert result.exit_code == 0, result.output
    manifest = Manifest.load(out / "manifest.json")
    entry = manifest.unit("430112001")
    assert entry is not None
    assert entry.prefilled["ind.2.target"] == "95%及以上"             # this year's approved target, locked
    assert entry.prefilled["ind.2.previous"] == "公务接待满意率100%"
    assert "ind.3.previous" not in entry.prefilled                    # the unused 时效 slot matches nothing
    assert "指标填入上年完成值" in result.stderr


def test_a_round_without_previous_hides_the_column(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("generate", str(ROOT / "examples" / "roster.csv"), "--indicators",
               str(ROOT / "examples" / "indicators.csv"), "-o", str(out)).exit_code == 0
    for form in (out / "forms").iterdir():
        assert openpyxl.load_workbook(form)[SHEET].column_dimensions["L"].hidden, form.name
    blank = tmp_path / "blank.xlsx"
    assert run("generate", "--blank", "-o", str(blank), "--spec", "zhuzhou").exit_code == 0
    assert openpyxl.load_workbook(blank).worksheets[0].column_dimensions["I"].hidden


def test_units_new_this_year_and_rows_outside_the_tree_are_said(tmp_path: Path) -> None:
    spec = load_spec("wangcheng")
    record = load_seed("000")
    values = dict(record.values, **{"ind.1.level2": "产出数量", "year": 2020})
    last = LastYear(tmp_path, [PastReturn.of(Record("wangcheng", "2020.1", values=values), "a.xlsx", "a.xlsx")])
    units = [Unit("430112001", "长沙市望城区接待服务中心", {"year": 2021, "fund.total.weight": 10}),
             Unit("430112999", "新设单位", {"year": 2021})]
    done = carry(units, last, spec)
    assert [u.code for u in done.without] == ["430112999"] and done.tables == 1
    assert any("上年第 1 行指标「产出指标/产出数量/公务接待」不在本表的指标体系中" in n for n in done.notes)
    assert units[0].values["ind.1.level2"] == "质量指标"            # the doubtful row left out, not shifted in
    assert "ind.1.target" in units[0].open and not units[1].values.keys() - {"year"}


def test_a_return_of_the_same_year_is_not_last_years(tmp_path: Path) -> None:
    record = load_seed("000")
    last = LastYear(tmp_path, [PastReturn.of(record, "a.xlsx", "a.xlsx")])     # 2020
    unit = Unit("430112001", "长沙市望城区接待服务中心", {"year": 2020, "fund.total.weight": 10})
    assert carry([unit], last, load_spec("wangcheng")).without == [unit]


@pytest.mark.libreoffice
def test_formulas_and_locks_hold_with_the_column_and_a_prefilled_b(libreoffice: LibreOffice, tmp_path: Path) -> None:
    """LibreOffice computes what Python computes on a form with last year's actuals shown and 执行数 B sent
    by the office, and sees B and the 上年完成值 column locked."""
    seed = load_seed("000")
    layout = layout_for("wangcheng")
    prefill = {k: v for k, v in seed.values.items()
               if k in layout.places and layout.places[k].field.locks_when_given and v not in (None, "")}
    prefill |= {f"ind.{i}.previous": f"上年第{i}行完成值" for i in (1, 2, 4)}
    inputs = {k: v for k, v in seed.values.items() if k in layout.places and layout.places[k].field.role == "input"
              and k not in prefill and v not in (None, "")}
    assert "fund.total.spent" in prefill and "ind.1.score" in inputs
    [result] = prove(libreoffice, [Case("seed 000 with 上年完成值", layout, prefill, inputs)], tmp_path)
    assert result["values"]["xf_total_score"] == 92.71
    [locks] = libreoffice.run_ok([{"path": str(tmp_path / "case0000.xlsx"), "grid": SHEET,
                                   "locked": ["xf_fund_total_spent", "xf_ind_01_previous", "xf_ind_01_score"]}])
    assert json.dumps(locks["locked"], sort_keys=True) == json.dumps(
        {"xf_fund_total_spent": True, "xf_ind_01_previous": True, "xf_ind_01_score": False}, sort_keys=True)


@pytest.mark.parametrize(("target", "found"), [("≥90%", ["L13"]), ("≥100%", []), ("95%及以上", ["L13"])])
def test_a_target_set_below_the_actual_the_form_shows_is_said_at_check(
        round2021: tuple[Path, Manifest, Result], tmp_path: Path, target: str, found: list[str]) -> None:
    """The form shows 公务接待满意率100% as last year's actual in row 2: a lower floor is XF520 on the target."""
    out, manifest, _ = round2021
    typed = {"ind.2.target": target, "ind.2.actual": "公务接待满意率100%", "ind.2.score": 20}
    path = returned(out, manifest, "430112001", typed, tmp_path / "r.xlsx")
    hits = [f for f in check_file(path, manifest=manifest).findings if f.code == "XF520"]
    assert [f.cell for f in hits] == (["F13"] if found else [])
    if hits:
        assert "本表「上年完成值」栏" in hits[0].message and "公务接待满意率100%" in hits[0].message


def test_merge_with_last_year_says_xf520_once_for_a_form_that_shows_it(
        round2021: tuple[Path, Manifest, Result], tmp_path: Path) -> None:
    out, manifest, _ = round2021
    returns = tmp_path / "returns"
    returns.mkdir()
    returned(out, manifest, "430112001", {"ind.2.target": "≥90%", "ind.2.score": 20}, returns / "r.xlsx")
    result = run("merge", str(returns), "--manifest", str(out / "manifest.json"), "--previous", str(LAST_YEAR),
                 "-o", str(tmp_path / "s.xlsx"), "--no-ledger")
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(tmp_path / "s.xlsx", read_only=True)
    rows = list(wb["问题清单"].iter_rows(values_only=True))
    codes = [r[rows[0].index("代码")] for r in rows[1:]]
    assert codes.count("XF520") == 1


def test_stderr_counts_the_actuals_of_the_tables_carried_over(round2021: tuple[Path, Manifest, Result]) -> None:
    """Trial of the whole round (round-qa): every unit got last year's table with its 上年完成值 and stderr said
    「0 个指标填入上年完成值」."""
    _, manifest, result = round2021
    filled = sum(1 for u in manifest.units for k in u.prefilled if k.endswith(".previous"))
    assert filled > 0
    assert f"个单位沿用上年的指标表（目标值由单位填写或修改），{filled} 个指标填入上年完成值" in result.stderr
