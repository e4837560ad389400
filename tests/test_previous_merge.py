"""merge --previous: this year's summary beside last year's returns, on real files through the CLI.

examples/lastyear holds the three Wangcheng units' 2019 returns (examples/make_lastyear.py says what differs
from 2020); examples/returns/wangcheng their 2020 returns, the real seed forms.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from tests.conftest import ROOT, load_seed
from tests.helpers_forms import write_return, write_template
from tests.helpers_round import saved_by_the_unit
from xlsform.cli import main
from xlsform.merge import digest
from xlsform.previous import source
from xlsform.previous.compare import year_findings
from xlsform.previous.source import PastReturn
from xlsform.records import Record
from xlsform.results import FileResult
from xlsform.spec import YearOnYear
from xlsform.store import STORE_NAME, Store

THIS_YEAR = ROOT / "examples" / "returns" / "wangcheng"
LAST_YEAR = ROOT / "examples" / "lastyear"
MANIFEST = THIS_YEAR / "manifest.json"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def sheet_rows(path: Path, name: str) -> list[dict[str, Any]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb[name].iter_rows(values_only=True))
    wb.close()
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:] if r[0] is not None]


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    out = tmp_path_factory.mktemp("yoy") / "汇总.xlsx"
    result = run("merge", str(THIS_YEAR), "--manifest", str(MANIFEST), "--previous", str(LAST_YEAR), "-o", str(out),
                 "--no-ledger")
    assert result.exit_code == 0, result.output
    return out, result


def test_the_summary_shows_last_years_figures_and_the_change(merged: tuple[Path, Result]) -> None:
    rows = {r["单位编码"]: r for r in sheet_rows(merged[0], "汇总表") if r["单位编码"] != "合计"}
    first = rows["430112001"]
    assert (first["总分"], first["上年总分"], first["上年等级"]) == (92.71, 90.2, "优")
    assert first["上年执行率"] == pytest.approx(0.92) and first["总分增减"] == pytest.approx(2.51)
    assert first["执行率增减"] == pytest.approx(83.13 / 307 - 0.92)
    assert rows["430112004"]["上年总分"] == pytest.approx(69.64)     # matched by a similar name


def test_the_detail_shows_last_years_target_and_actual_of_the_same_indicator(merged: tuple[Path, Result]) -> None:
    detail = [r for r in sheet_rows(merged[0], "指标明细") if r["单位编码"] == "430112001"]
    by_row = {r["序号"]: r for r in detail}
    assert (by_row[2]["上年目标值"], by_row[2]["上年完成值"]) == ("95%及以上", "公务接待满意率98%")
    assert by_row[1]["上年完成值"] == "41批次，1020余人"


def test_what_to_confirm_is_listed_on_its_sheet_and_on_stderr(merged: tuple[Path, Result]) -> None:
    rows = sheet_rows(merged[0], "上年对照")
    assert [(r["单位编码"], r["对照情况"], r["相似度"]) for r in rows] == [
        ("430112004", "单位：名称相近", 94), ("430112004", "指标：名称相近", 94)]
    assert rows[0]["上年"] == "430112904 中国人民政治协商会议长沙市望城区委员会办公室"
    assert rows[1]["本年"] == "政协日常事务专项" and rows[1]["上年"].endswith("政协日常事务的专项")
    err = merged[1].stderr
    assert "按单位编码 2 个，按名称 0 个，名称相近 1 个" in err
    assert "名称相近，请核对：430112004" in err and "相似度 94" in err


def test_the_two_year_findings_are_on_the_return_they_concern(merged: tuple[Path, Result]) -> None:
    issues = [(r["单位编码"], r["代码"], r["单元格"]) for r in sheet_rows(merged[0], "问题清单")
              if r["代码"] in ("XF520", "XF521")]
    assert issues == [("430112001", "XF520", "F13"), ("430112001", "XF521", "I42")]
    message = next(r["说明"] for r in sheet_rows(merged[0], "问题清单") if r["代码"] == "XF521")
    assert "高于上年的 90.2" in message and "下降了 64.92 个百分点" in message
    xf520 = next(r["说明"] for r in sheet_rows(merged[0], "问题清单") if r["代码"] == "XF520")
    assert "examples/lastyear/2019_000_wangcheng_reception.xlsx）" in xf520


def test_without_previous_the_summary_is_as_before(tmp_path: Path) -> None:
    out = tmp_path / "汇总.xlsx"
    assert run("merge", str(THIS_YEAR), "--manifest", str(MANIFEST), "-o", str(out), "--no-ledger").exit_code == 0
    wb = openpyxl.load_workbook(out, read_only=True)
    assert "上年对照" not in wb.sheetnames
    assert not [c for c in next(wb["汇总表"].iter_rows(values_only=True)) if str(c).startswith("上年")]
    wb.close()


def test_this_years_own_folder_as_previous_compares_nothing(tmp_path: Path) -> None:
    out = tmp_path / "汇总.xlsx"
    result = run("merge", str(THIS_YEAR), "--manifest", str(MANIFEST), "--previous", str(THIS_YEAR), "-o", str(out),
                 "--no-ledger")
    assert result.exit_code == 0
    assert "3 份的年度不早于本年，未作对照" in result.stderr
    rows = [r for r in sheet_rows(out, "汇总表") if r["单位编码"] != "合计"]
    assert all(r["上年总分"] is None for r in rows)
    assert not [r for r in sheet_rows(out, "问题清单") if r["代码"] in ("XF520", "XF521")]


# ------------------------------------------------------------------------------------ last year's files

def test_per_unit_the_newest_return_counts_and_blank_or_broken_files_give_nothing(tmp_path: Path) -> None:
    seed = load_seed("000")
    older = write_return(tmp_path / "a.xlsx", seed)
    newer = write_return(tmp_path / "b.xlsx", {**seed.values, "ind.1.actual": "50批次"}, spec="wangcheng")
    saved_by_the_unit(older, "2021-01-02T08:00:00Z")
    saved_by_the_unit(newer, "2021-01-09T08:00:00Z")
    write_template(tmp_path / "blank.xlsx", load_seed("002"))
    (tmp_path / "note.xlsx").write_bytes(b"not a workbook")
    last = source.load(tmp_path)
    assert [(p.code, Path(p.file).name) for p in last.returns] == [("430112001", "b.xlsx")]
    assert (last.superseded, last.unread) == (1, 2)
    assert last.returns[0].indicators[0].actual == "50批次"


def test_last_years_store_gives_the_returns_it_accepted(tmp_path: Path) -> None:
    folder = tmp_path / "round2019"
    shutil.copytree(LAST_YEAR, folder / "returns")       # mailed returns beside the store count too
    mailed = folder / "returns" / "2019_002_wangcheng_party_office.xlsx"
    uploaded = folder / "returns" / "2019_000_wangcheng_reception.xlsx"
    with Store(folder / STORE_NAME) as store:
        store.sync_units([("430112001", "长沙市望城区接待服务中心")])
        with uploaded.open("rb") as fh:
            sha, size = store.put_file(fh)
        store.add_submission("430112001", "接待中心2019年自评表.xlsx", size, sha, "ok", 0, 0, "{}")
    uploaded.unlink()
    (folder / "manifest.json").write_text("{}", encoding="utf-8")    # the round's manifest names its folder
    last = source.load(folder / "manifest.json")
    shown = sorted(p.shown for p in last.returns)
    assert last.store and "接待中心2019年自评表.xlsx" in shown and str(mailed) in shown and len(shown) == 3


# ------------------------------------------------------------------------------------ XF521 threshold

def figures_record(total_scores: list[float], spent: float, year: int) -> Record:
    record = load_seed("004")
    values = dict(record.values, year=year, **{"fund.total.spent": spent, "fund.fiscal.spent": spent})
    for i, score in enumerate(total_scores, start=1):
        values[f"ind.{i}.score"] = score
    from xlsform.layout import layout_for
    from xlsform.spec import load_spec

    values.update(layout_for(load_spec("wangcheng")).recompute(values))
    return Record("wangcheng", "2020.1", values=values, cells={"total.score": "部门整体自评表!I33"})


def findings_of(now: Record, past: PastReturn, rules: YearOnYear) -> list[Any]:
    result = FileResult("2020.xlsx", record=now)
    summarised = digest(result)          # the return as merge keeps it
    assert summarised is not None
    return list(year_findings(result, now, summarised, past, {}, rules))


@pytest.mark.parametrize(("then_spent", "then_score", "rule"), [
    (1700 + 194, 5, "XF521"),       # the rate fell 11.0 points (budget 1763), the total rose
    (1700 + 176.3, 5, None),        # fell exactly the threshold, 10 points: not more than it
    (1700 + 500, 10, None),         # fell a lot, but the total did not rise
    (1600, 5, None),                # the rate rose
])
def test_a_total_that_rose_while_the_rate_fell(then_spent: float, then_score: float, rule: str | None) -> None:
    now = figures_record([10, 10, 10, 10, 10], 1700, 2020)
    then = figures_record([then_score, 10, 10, 10, 10], then_spent, 2019)
    past = PastReturn.of(then, "2019.xlsx")
    found = list(findings_of(now, past, YearOnYear()))
    assert [f.code for f in found] == ([rule] if rule else [])
    if rule:
        assert found[0].cell == "I33" and found[0].expected == Decimal(str(then.values["total.score"]))


def test_the_rate_drop_threshold_is_the_specs() -> None:
    now = figures_record([10, 10, 10, 10, 10], 1700, 2020)
    then = figures_record([5, 10, 10, 10, 10], 1790, 2019)      # 5.1 points higher
    past = PastReturn.of(then, "2019.xlsx")
    assert not list(findings_of(now, past, YearOnYear()))
    assert [f.code for f in findings_of(now, past, YearOnYear(rate_drop=0.04))] == ["XF521"]


def test_the_csv_twins_carry_the_previous_columns(tmp_path: Path) -> None:
    out = tmp_path / "汇总.xlsx"
    assert run("merge", str(THIS_YEAR), "--manifest", str(MANIFEST), "--previous", str(LAST_YEAR), "-o", str(out),
               "--no-ledger", "--format", "csv").exit_code == 0
    units = (tmp_path / "汇总_汇总表.csv").read_text(encoding="utf-8-sig").splitlines()
    assert "上年总分,上年等级,上年执行率,总分增减,执行率增减" in units[0]
    assert units[1].startswith("430112001,") and ",90.2,优,0.920000,2.51," in units[1]
    details = (tmp_path / "汇总_指标明细.csv").read_text(encoding="utf-8-sig").splitlines()
    assert "完成值,上年目标值,上年完成值" in details[0]


def test_last_years_forms_of_the_other_kind_are_no_units_last_year(tmp_path: Path) -> None:
    """A project form that happens to carry a department's code is not that department's last year."""
    seed = load_seed("000")
    write_return(tmp_path / "dept.xlsx", {**seed.values, "year": 2019}, spec="wangcheng")
    project = {k: v for k, v in seed.values.items() if k.startswith(("ind.", "code", "name"))}
    write_return(tmp_path / "proj.xlsx", {**project, "year": 2019, "department": "某局", "implementer": "某中心",
                                          "fund.total.weight": 10}, spec="project")
    last = source.load(tmp_path, kind="department")
    assert [p.file for p in last.returns] == [str(tmp_path / "dept.xlsx")] and last.other_kind == 1
    assert "1 份是另一类表" in last.summary()
    assert len(source.load(tmp_path).returns) == 1            # without a kind, one unit: the newest of the two
