"""Issue 15.4: a changed locked budget must not hide a low execution rate. Every rule runs on the values the
office sent when the manifest or the workbook's own hidden copy has them, as merge sums them."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from click.testing import CliRunner

from tests.conftest import ROOT, load_seed
from tests.helpers_forms import prefill_values, write_return
from xlsform.check import check_file
from xlsform.cli import main
from xlsform.manifest import Manifest

MANIFEST = ROOT / "examples/returns/wangcheng/manifest.json"


def tampered(tmp_path: Path) -> Path:
    """Seed 002 with 1,770 of 2,083 spent (84.97 %, no reason) and its locked budget lowered to 1,566 in the
    unit's copy, so the form shows 113 %; its hidden copy still holds what was sent."""
    record = load_seed("002")
    record.values.update({"fund.fiscal.spent": 1770.0, "fund.total.spent": 1770.0})
    record.values.pop("execution.reason", None)
    sent = prefill_values(record, "wangcheng")
    path = write_return(tmp_path / "returns" / "002.xlsx", record, locked=list(sent), meta=None)
    book = openpyxl.load_workbook(path)        # the unit unprotects the sheet and types over the budget
    sheet = book["部门整体自评表"]
    sheet["C5"], sheet["C6"] = 1566, 1566
    book.save(path)
    return path


def codes(path: Path, **kw: object) -> list[str]:
    return [f.code for f in check_file(path, **kw).findings]  # type: ignore[arg-type]


def test_the_rules_judge_the_sent_budget_with_the_manifest_and_without(tmp_path: Path) -> None:
    path = tampered(tmp_path)
    with_manifest = check_file(path, manifest=Manifest.load(MANIFEST))
    assert with_manifest.record is not None and with_manifest.record.values["fund.total.budget"] == 1566
    found = [f.code for f in with_manifest.findings]
    assert found.count("XF152") == 2 and "XF402" in found        # below 90 % without a reason: on 2,083
    [reason] = [f for f in with_manifest.findings if f.code == "XF402"]
    assert "84.97%" in reason.message
    assert "XF407" not in found            # the shown 113 % follows from the change, reported once as XF152
    without = codes(path)
    assert without.count("XF161") == 2 and "XF402" in without


def test_merge_without_the_manifest_sums_the_copy_the_workbook_carries(tmp_path: Path) -> None:
    path = tampered(tmp_path)
    out = tmp_path / "汇总.xlsx"
    res = CliRunner().invoke(main, ["merge", str(path.parent), "-o", str(out), "--no-ledger"])
    assert res.exit_code == 0, res.output
    sheet = openpyxl.load_workbook(out)["汇总表"]
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert row[header.index("全年预算数(万元)")] == 2083 and round(row[header.index("执行率")], 4) == 0.8497
    assert "预填内容被改动 2 处" in str(row[header.index("备注")])
