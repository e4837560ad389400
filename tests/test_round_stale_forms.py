"""A form the office sent, but not the one the unit fills now: last year's form sent into this year's round,
or the form a `generate --reissue` replaced. Found in the trial of a whole round (round-qa): each was reported
as tampering ("XF152 … 请恢复为原值" on every prefilled cell, and XF162 "工作簿的隐藏数据被改动过", which is
untrue), the annotated copy put this round's prefill over last year's figures (a 2025 form with 2024's spending
in it), and a stale file saved after the unit's real return would have counted instead of it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner, Result

from tests.conftest import ROOT
from tests.helpers_round import corrected
from xlsform.check import check_file
from xlsform.cli import main
from xlsform.manifest import Manifest
from xlsform.reader import read_file

ROSTER, INDICATORS = ROOT / "examples/roster.csv", ROOT / "examples/indicators.csv"
SHEET = "部门整体自评表"
TYPED = {"D5": 300, "D6": 300, "G10": "完成", "B43": "张三", "E43": "0731-1", "G43": "2026-01-10", "J43": "李四"}
TAMPER_CODES = {"XF152", "XF160", "XF161", "XF162"}


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def generate(out: Path, *extra: object, roster: Path = ROSTER) -> Manifest:
    res = run("generate", roster, "--indicators", INDICATORS, "-o", out, *extra)
    assert res.exit_code == 0, res.output
    return Manifest.load(out / "manifest.json")


def filled(manifest: Manifest, out: Path, code: str, target: Path, when: str) -> Path:
    entry = manifest.unit(code)
    assert entry is not None
    return corrected(out / "forms" / entry.file, target, SHEET, TYPED, when=when)


def codes(path: Path, manifest: Manifest) -> set[str]:
    return {f.code for f in check_file(path, manifest=manifest).findings}


def test_last_years_form_sent_into_this_round_is_one_finding_and_never_counts_over_this_years(
        tmp_path: Path) -> None:
    last = generate(tmp_path / "r2024", "--year", "2024")
    this = generate(tmp_path / "r2025", "--year", "2025")
    returns = tmp_path / "returns"
    returns.mkdir()
    good = filled(this, tmp_path / "r2025", "430112001", returns / "this.xlsx", when="2026-01-10T08:00:00Z")
    old = filled(last, tmp_path / "r2024", "430112001", returns / "old.xlsx", when="2026-01-20T08:00:00Z")

    [finding] = [f for f in check_file(old, manifest=this).findings if f.severity == "error"]
    assert finding.code == "XF164"
    assert "本文件是 2024 年度下发的表格，不是本轮（2025 年度）下发给本单位的表格" in finding.message
    assert "2025_430112001_长沙市望城区接待服务中心.xlsx" in finding.message
    assert not codes(old, this) & TAMPER_CODES and not codes(good, this) & {"XF164", "XF165"}

    # the unit's real return counts although last year's file was saved after it
    status = json.loads(run("status", returns, "--manifest", tmp_path / "r2025", "--json", "--no-ledger").stdout)
    [unit] = [u for u in status["units"] if u["code"] == "430112001"]
    assert Path(unit["file"]).name == "this.xlsx", unit

    # its annotated copy stays last year's form: known as such when it comes back, not "restore" x 9
    res = run("check", old, "--manifest", tmp_path / "r2025", "--annotate", tmp_path / "fb")
    assert res.exit_code == 1
    [copy] = (tmp_path / "fb").glob("*.xlsx")
    assert read_file(copy).record.year == 2024    # type: ignore[union-attr]
    sent_back = corrected(copy, returns / "copy.xlsx", SHEET, {"B43": "王五"})
    assert "XF164" in codes(sent_back, this) and not codes(sent_back, this) & TAMPER_CODES


def test_the_form_a_reissue_replaced_is_named_as_such(tmp_path: Path) -> None:
    out = tmp_path / "round"
    before = generate(out)
    old = filled(before, out, "430112002", tmp_path / "old.xlsx", when="2026-01-10T08:00:00Z")
    with ROSTER.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        if r["code"] == "430112002":
            r["fund.fiscal.budget"] = r["fund.total.budget"] = "2100"
    changed = tmp_path / "roster-2.csv"
    with changed.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    after = generate(out, "--reissue", "430112002", roster=changed)
    new = filled(after, out, "430112002", tmp_path / "new.xlsx", when="2026-01-05T08:00:00Z")

    found = check_file(old, manifest=after).findings
    [stale] = [f for f in found if f.code == "XF165"]
    assert stale.severity == "error" and "重新下发之前的旧表" in stale.message
    assert not {f.code for f in found} & TAMPER_CODES, [f.message for f in found]
    assert not codes(new, after) & ({"XF164", "XF165"} | TAMPER_CODES)
    # a unit that edits its copy's hidden data to match a changed budget is still caught (XF162)
    assert codes(old, before) & {"XF164", "XF165"} == set()


def test_the_summary_shows_no_figures_of_another_years_form(tmp_path: Path) -> None:
    """汇总表 showed last year's spending beside this year's budget (and a rate computed of the two) for a unit
    whose only return was last year's form."""
    import openpyxl

    last = generate(tmp_path / "r2024", "--year", "2024")
    generate(tmp_path / "r2025", "--year", "2025")
    returns = tmp_path / "returns"
    returns.mkdir()
    filled(last, tmp_path / "r2024", "430112001", returns / "old.xlsx", when="2026-01-20T08:00:00Z")
    out = tmp_path / "汇总.xlsx"
    res = run("merge", returns, "--manifest", tmp_path / "r2025", "-o", out, "--no-ledger")
    assert res.exit_code == 0, res.output
    sheet = openpyxl.load_workbook(out)["汇总表"]
    header = [c.value for c in sheet[1]]
    [row] = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)
             if r[0] == "430112001"]
    assert row["全年执行数(万元)"] is None and row["执行率"] is None and row["总分"] is None, row
    assert "不是本轮" in str(row["备注"]) and row["状态"] == "有错误"
