"""Issue 15, "Done when": the README's round run end to end as an office runs it, both passes, in real
LibreOffice: 11 units sent, a 12th added late (`generate --add`), every form filled in LibreOffice, one unit
saving its return as .xls, one unit changing a locked budget and repairing its return through the annotated
copy, one unit with a missing reason fixing it the same way; then every figure of 汇总表 is compared with a
recomputation done here by hand (Decimal arithmetic written out, not xlsform's scoring).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from tests.helpers_lo import LibreOffice, libreoffice
from tests.helpers_round import copy_of
from xlsform.cli import main
from xlsform.manifest import Manifest

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]
__all__ = ["libreoffice"]

# (level1, level2, level3, target, weight): the split 产出 50 / 效益 30 / 满意度 10 with the fund's 10
INDICATORS = [("产出指标", "数量指标", "接待批次", "≥100批次", 25), ("产出指标", "质量指标", "合格率", "≥95%", 25),
              ("效益指标", "社会效益指标", "群众满意", "≥90%", 30),
              ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", 10)]


@dataclass
class Unit:
    code: str
    name: str
    budget: Decimal        # A, prefilled (both fund rows: the unit's whole budget is 财政拨款)
    transfer: Decimal      # C, prefilled
    spent: Decimal         # B, typed by the unit
    actuals: tuple[str, str, str, str]
    scores: tuple[Decimal, Decimal, Decimal, Decimal]


def d(x: str | int) -> Decimal:
    return Decimal(str(x))


def units() -> list[Unit]:
    out = []
    for i in range(12):
        budget = d(300 + 97 * i)
        transfer = d(0 if i % 3 else 12 + i)                           # every third unit has a transfer C > 0
        spent = (budget * d("0.95") + transfer).quantize(d("0.01")) if i % 4 else (budget * d("0.8")).quantize(
            d("0.01"))                                                # every fourth unit below 90%: needs a reason
        short = i % 5 == 2                                             # the quality target missed: 85% of 95%
        actuals = ("120批次", "85%" if short else "98%", "92%", "95%")
        quality = (d(25) * d(85) / d(95)).quantize(d("0.01"), ROUND_HALF_UP) if short else d(25)
        out.append(Unit(f"4301129{i + 1:02d}", f"第{i + 1}单位", budget, transfer, spent, actuals,
                        (d(25), quality, d(30), d(10))))
    return out


def run(*args: Any) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def write_roster(path: Path, rows: list[Unit]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["code", "name", "year", "fund.fiscal.budget", "fund.fiscal.transfer", "fund.total.budget",
                    "fund.total.transfer", "goal.overview", "goal.target"])
        for u in rows:
            w.writerow([u.code, u.name, 2025, u.budget, u.transfer, u.budget, u.transfer, "部门职能", "年度目标"])


def write_indicators(path: Path, rows: list[Unit]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["code", "level1", "level2", "level3", "content", "target", "weight"])
        for u in rows:
            for level1, level2, level3, target, weight in INDICATORS:
                w.writerow([u.code, level1, level2, level3, f"{level3}目标", target, weight])


def typing(u: Unit, *, reason: bool = True) -> list[list[Any]]:
    """What the unit types into the unlocked cells of its form (by defined name)."""
    steps: list[list[Any]] = [["xf_fund_fiscal_spent", "value", float(u.spent)],
                              ["xf_fund_total_spent", "value", float(u.spent)],
                              ["xf_goal_achieved", "string", "年度目标基本完成"],
                              ["xf_footer_preparer", "string", "张三"], ["xf_footer_phone", "string", "0731-1234567"],
                              ["xf_footer_date", "string", "2026-01-10"], ["xf_footer_head", "string", "李四"]]
    if reason:
        steps.append(["xf_execution_reason", "string", "部分项目年底结转，下年度加快执行进度。"])
    for n, (actual, score) in enumerate(zip(u.actuals, u.scores, strict=True), start=1):
        steps += [[f"xf_ind_{n:02d}_actual", "string", actual], [f"xf_ind_{n:02d}_score", "value", float(score)]]
        if score < INDICATORS[n - 1][4]:
            steps += [[f"xf_ind_{n:02d}_reason", "string", "部分检测批次不合格"],
                      [f"xf_ind_{n:02d}_improvement", "string", "加强过程质量控制"]]
    return steps


# ------------------------------------------------------------------------------------- by hand

def cents(x: Decimal) -> Decimal:
    return x.quantize(d("0.01"), ROUND_HALF_UP)


def expected_row(u: Unit) -> dict[str, Any]:
    rate = (u.spent - u.transfer) / u.budget
    fund = cents(d(10) * max(d(0), min(rate, d(1))))
    levels = {"产出指标": d(0), "效益指标": d(0), "满意度指标": d(0)}
    for (level1, *_rest), score in zip(INDICATORS, u.scores, strict=True):
        levels[level1] += cents(score)
    total = cents(fund + sum(cents(s) for s in u.scores))
    grade = "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"
    return {"全年预算数(万元)": u.budget, "全年执行数(万元)": u.spent, "财政拨款预算数(万元)": u.budget,
            "财政拨款执行数(万元)": u.spent, "上级财政转移支付(万元)": u.transfer, "执行率": rate,
            "预算执行率得分": fund, "产出指标得分": levels["产出指标"], "效益指标得分": levels["效益指标"],
            "满意度指标得分": levels["满意度指标"], "总分": total, "等级": grade, "计入合计": "是"}


def expected_totals(all_units: list[Unit]) -> dict[str, Any]:
    rows = [expected_row(u) for u in all_units]
    a, b, c = (sum((r[k] for r in rows), d(0))
               for k in ("全年预算数(万元)", "全年执行数(万元)", "上级财政转移支付(万元)"))
    out: dict[str, Any] = {"全年预算数(万元)": a, "全年执行数(万元)": b, "上级财政转移支付(万元)": c,
                           "财政拨款预算数(万元)": a, "财政拨款执行数(万元)": b, "执行率": (b - c) / a}
    for k in ("预算执行率得分", "产出指标得分", "效益指标得分", "满意度指标得分", "总分"):
        out[k] = cents(sum((r[k] for r in rows), d(0)) / len(rows))
    return out


def same(shown: Any, want: Any) -> bool:
    if isinstance(want, Decimal):
        return shown is not None and abs(d(shown) - want) < d("0.000000001")
    return bool(shown == want)


# ------------------------------------------------------------------------------------- the round

def test_the_readmes_round_both_passes_twelve_units_every_figure_by_hand(tmp_path: Path,
                                                                        libreoffice: LibreOffice) -> None:
    everyone = units()
    first, late = everyone[:11], everyone[11]
    xls_unit, tampered, forgetful = everyone[2], everyone[4], everyone[8]   # 8: below 90 % (i % 4 == 0)
    assert forgetful.spent / forgetful.budget < d("0.9")
    write_roster(tmp_path / "roster.csv", first)
    write_indicators(tmp_path / "indicators.csv", first)
    rnd, returns, feedback = tmp_path / "round2025", tmp_path / "returns", tmp_path / "feedback"
    res = run("generate", tmp_path / "roster.csv", "--indicators", tmp_path / "indicators.csv", "-o", rnd)
    assert res.exit_code == 0, res.output

    # a unit added late: the running round keeps its manifest, password and every sent unit's prefill
    sent = Manifest.load(rnd / "manifest.json")
    write_roster(tmp_path / "roster.csv", everyone)
    write_indicators(tmp_path / "indicators.csv", everyone)
    res = run("generate", tmp_path / "roster.csv", "--indicators", tmp_path / "indicators.csv", "-o", rnd, "--add")
    assert res.exit_code == 0 and f"{late.code} {late.name}" in res.output, res.output
    manifest = Manifest.load(rnd / "manifest.json")
    assert manifest.password == sent.password and manifest.units[:11] == sent.units and len(manifest.units) == 12

    # every unit fills its form in LibreOffice and sends it back; one saves it as .xls, one changes a locked
    # budget (UNO types through protection, as a unit that removed it), one forgets the reason its rate needs
    jobs = []
    for u in everyone:
        entry = manifest.unit(u.code)
        assert entry is not None
        steps = typing(u, reason=u is not forgetful)
        if u is tampered:
            steps += [["xf_fund_fiscal_budget", "value", float(u.budget + 500)],
                      ["xf_fund_total_budget", "value", float(u.budget + 500)]]
        target = returns / (Path(entry.file).stem + ".xls" if u is xls_unit else entry.file)
        jobs.append({"path": str(rnd / "forms" / entry.file), "set": steps,
                     ("save_xls" if u is xls_unit else "save_xlsx"): str(target)})
    libreoffice.run_ok(jobs)

    # first pass
    res = run("check", returns, "--manifest", rnd / "manifest.json", "--annotate", feedback, "--json")
    assert res.exit_code == 1
    by_code = {o["record"]["identity"]["code"]: o for o in json.loads(res.stdout) if o["record"]}
    assert len(by_code) == 12
    bad = {code for code, o in by_code.items() if o["errors"]}
    assert bad == {tampered.code, forgetful.code}, {c: [f["code"] for f in by_code[c]["findings"]] for c in bad}
    assert {f["code"] for f in by_code[tampered.code]["findings"]} >= {"XF152"}
    assert {f["code"] for f in by_code[forgetful.code]["findings"]} >= {"XF402"}
    assert "XF118" in {f["code"] for f in by_code[xls_unit.code]["findings"]}
    status = json.loads(run("status", returns, "--manifest", rnd / "manifest.json", "--json").stdout)
    assert status["counts"]["未报送"] == 0 and status["counts"]["有错误"] == 2

    # both repair their returns through the annotated copy, in LibreOffice: the tampered unit's copy already
    # holds the sent budget (and opens with the round's password); the other types the missing reason
    fixes = []
    for u, steps in ((tampered, [["xf_footer_date", "string", "2026-01-20"]]),
                     (forgetful, [["xf_execution_reason", "string", "年底集中支付未完成，已结转下年。"]])):
        original = next(p for p in returns.iterdir() if manifest.unit(u.code).file.startswith(p.stem))  # type: ignore[union-attr]
        copy = copy_of(feedback, original)
        fixes.append({"path": str(copy), "set": steps, "save_xlsx": str(returns / copy.name),
                      "unprotect": manifest.password})
    results = libreoffice.run_ok(fixes)
    assert all(r["unprotected"]["部门整体自评表"] for r in results)          # the round's own password

    # second pass: check, status and merge agree; the newest return of each unit counts
    res = run("check", returns, "--manifest", rnd / "manifest.json", "--annotate", feedback)
    assert res.exit_code == 0, res.output
    assert "共 12 个文件" in res.output and "另有 2 个较早的报送已被取代" in res.output
    status = json.loads(run("status", returns, "--manifest", rnd / "manifest.json", "--json").stdout)
    assert status["counts"]["有错误"] == 0 and status["counts"]["未报送"] == 0
    out = tmp_path / "汇总-第二次.xlsx"
    res = run("merge", returns, "--manifest", rnd / "manifest.json", "-o", out)
    assert res.exit_code == 0, res.output

    # every figure of 汇总表, by hand
    sheet = openpyxl.load_workbook(out)["汇总表"]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]}
    wrong = []
    for u in everyone:
        got = rows[u.code]
        for column, want in expected_row(u).items():
            if not same(got[column], want):
                wrong.append(f"{u.code} {column}: 汇总表 {got[column]!r}, by hand {want}")
    totals = rows["合计"]
    for column, want in expected_totals(everyone).items():
        if not same(totals[column], want):
            wrong.append(f"合计 {column}: 汇总表 {totals[column]!r}, by hand {want}")
    assert not wrong, "\n".join(wrong)
    ranked = sorted(everyone, key=lambda u: -expected_row(u)["总分"])
    for u in everyone:
        better = sum(1 for v in ranked if expected_row(v)["总分"] > expected_row(u)["总分"])
        assert rows[u.code]["排名"] == better + 1, u.code
    assert rows[tampered.code]["全年预算数(万元)"] == float(tampered.budget)       # what was sent, not +500
