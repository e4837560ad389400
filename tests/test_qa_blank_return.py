"""Issue 15.1 through the commands: a fresh form whose roster prefills 上级财政转移支付 (C), returned blank, showed
执行率 −20.87 %, 得分 0, 总分 0 and 差 in `read` and in 汇总表. Nothing computed shows before its inputs are typed."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from tests.conftest import ROOT
from xlsform.cli import main
from xlsform.reader import read_file


def test_a_blank_return_with_c_prefilled_shows_no_rate_score_total_or_grade(tmp_path: Path) -> None:
    with (ROOT / "examples/roster.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row["fund.fiscal.transfer"] = row["fund.total.transfer"] = "64"
    roster = tmp_path / "roster.csv"
    with roster.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    res = CliRunner().invoke(main, ["generate", str(roster), "--indicators", str(ROOT / "examples/indicators.csv"),
                                    "-o", str(tmp_path / "round")])
    assert res.exit_code == 0, res.output
    form = next((tmp_path / "round/forms").iterdir())
    read = read_file(form)
    assert read.record is not None
    computed = ("fund.total.rate", "fund.total.score", "total.score", "total.grade")
    assert all(read.record.values.get(k) is None and read.record.cached.get(k) is None for k in computed)
    res = CliRunner().invoke(main, ["read", str(form), "--format", "json"])
    record = json.loads(res.stdout)[0]
    assert record["totals"]["score"] is None and record["totals"]["grade"] is None
    out = tmp_path / "汇总.xlsx"
    res = CliRunner().invoke(main, ["merge", str(tmp_path / "round/forms"), "--manifest",
                                    str(tmp_path / "round/manifest.json"), "-o", str(out), "--no-ledger",
                                    "--include-invalid"])
    assert res.exit_code == 0, res.output
    sheet = openpyxl.load_workbook(out)["汇总表"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, next(sheet.iter_rows(min_row=2, values_only=True)), strict=True))
    assert (row["执行率"], row["预算执行率得分"], row["总分"], row["等级"]) == (None, None, None, None)

