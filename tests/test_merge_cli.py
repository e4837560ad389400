"""`xlsform merge` and `xlsform status` on a real round: generated forms, filled returns, a manifest."""

from __future__ import annotations

import csv
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from tests.conftest import load_seed
from tests.helpers_forms import prefill_values, write_return
from xlsform.cli import main
from xlsform.generate import generate_units
from xlsform.ledger import LEDGER_NAME, read_ledger
from xlsform.roster import Unit
from xlsform.spec import load_spec

LINK = '=HYPERLINK("http://evil.example","点我")'


@dataclass
class Round:
    root: Path
    manifest: Path
    returns: Path
    files: dict[str, Path]          # unit code -> its return

    @property
    def ledger(self) -> Path:
        return self.manifest.parent / LEDGER_NAME


@pytest.fixture
def round_(tmp_path: Path) -> Round:
    """Four Wangcheng units: 000 (with a formula-like 完成值) and 002 with warnings only, 004 with its real
    error (weights summing to 70), and a fourth unit that never returns."""
    spec = load_spec("wangcheng")
    records = {n: load_seed(n) for n in ("000", "002", "004")}
    records["000"].values["ind.1.actual"] = LINK
    records["000"].values["execution.reason"] = "疫情影响，接待任务减少。"      # 27% execution needs a reason
    units = [Unit(r.code or "", r.name or "", prefill_values(r, spec)) for r in records.values()]
    units.append(Unit("430112999", "未报送的单位", {**units[0].values, "code": "430112999", "name": "未报送的单位"}))
    manifest = generate_units(units, spec, tmp_path / "sent", jobs=1)
    returns = tmp_path / "returns"
    returns.mkdir()
    files = {}
    for (_, record), entry in zip(records.items(), manifest.units, strict=False):
        files[entry.code] = write_return(returns / entry.file, record, password=manifest.password)
    return Round(tmp_path, tmp_path / "sent" / "manifest.json", returns, files)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def summary_rows(path: Path) -> dict[str, dict[str, object]]:
    ws = openpyxl.load_workbook(path)["汇总表"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    return {str(r[0]): dict(zip(header, r, strict=True)) for r in rows[1:] if r[0] and r[1]}   # not the note


# ------------------------------------------------------------------------------------------ merge

def test_merge_writes_the_summary_with_invalid_units_left_out(round_: Round) -> None:
    out = round_.root / "汇总.xlsx"
    res = run("merge", round_.returns, "-o", out, "--manifest", round_.manifest)
    assert res.exit_code == 0, res.output
    rows = summary_rows(out)
    assert [rows[c]["状态"] for c in ("430112001", "430112002", "430112004", "430112999")] == \
        ["仅有警告", "仅有警告", "有错误", "未报送"]
    assert rows["430112004"]["计入合计"] == "否" and rows["430112004"]["排名"] is None
    assert rows["合计"]["全年预算数(万元)"] == pytest.approx(307 + 2083)        # 004's 1763 is left out
    assert rows["430112001"]["总分"] == pytest.approx(92.71) and rows["430112002"]["总分"] == pytest.approx(99.44)
    assert (rows["430112002"]["排名"], rows["430112001"]["排名"]) == (1, 2)
    assert "计入合计 2 个" in res.output and "未报送 1" in res.output
    assert sorted(e["unit"] for e in read_ledger(round_.ledger)) == ["430112001", "430112002", "430112004"]


def test_include_invalid_counts_units_with_errors(round_: Round) -> None:
    out = round_.root / "all.xlsx"
    assert run("merge", round_.returns, "-o", out, "--manifest", round_.manifest, "--include-invalid").exit_code == 0
    rows = summary_rows(out)
    assert rows["合计"]["全年预算数(万元)"] == pytest.approx(307 + 2083 + 1763)
    assert rows["430112004"]["计入合计"] == "是" and rows["430112004"]["排名"] == 3


def test_merge_never_overwrites_without_force_and_skips_its_own_output(round_: Round) -> None:
    out = round_.returns / "汇总.xlsx"          # inside the folder being merged
    assert run("merge", round_.returns, "-o", out).exit_code == 0
    before = out.read_bytes()
    res = run("merge", round_.returns, "-o", out)
    assert res.exit_code == 2 and "--force" in res.output and out.read_bytes() == before
    res = run("merge", round_.returns, "-o", out, "--force")
    assert res.exit_code == 0, res.output
    rows = summary_rows(out)
    assert set(rows) == {"430112001", "430112002", "430112004", "合计"}    # without a manifest: units found
    assert "名单外" not in res.output                                       # the old summary was not read


@pytest.mark.parametrize("lock", ["~$汇总.xlsx", "~$.xlsx", ".~lock.汇总.xlsx#"])
def test_merge_refuses_to_replace_a_summary_open_in_a_spreadsheet(round_: Round, lock: str) -> None:
    """Issue 15.6: Excel and WPS keep ~$name beside an open workbook (Word-style ~$ over the first two
    characters of a long name too), LibreOffice .~lock.name#: --force must not write under the office."""
    out = round_.root / "汇总.xlsx"
    assert run("merge", round_.returns, "--manifest", round_.manifest, "-o", out).exit_code in (0, 1)
    before = out.read_bytes()
    (out.parent / lock).write_bytes(b"owner")
    res = run("merge", round_.returns, "--manifest", round_.manifest, "-o", out, "--force")
    assert res.exit_code == 2 and f"锁定文件 {lock}" in res.output and "请先关闭" in res.output
    assert out.read_bytes() == before
    (out.parent / lock).unlink()
    assert run("merge", round_.returns, "--manifest", round_.manifest, "-o", out, "--force").exit_code in (0, 1)


def test_returned_text_stays_text_in_the_workbook_and_is_escaped_in_csv(round_: Round) -> None:
    out = round_.root / "汇总.xlsx"
    res = run("merge", round_.returns, "-o", out, "--manifest", round_.manifest, "--format", "csv",
              "--format", "jsonl")
    assert res.exit_code == 0, res.output
    detail = openpyxl.load_workbook(out)["指标明细"]
    [cell] = [c for row in detail.iter_rows() for c in row if c.value == LINK]
    assert cell.data_type == "s"
    raw = (round_.root / "汇总_指标明细.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][0] == "单位编码" and any("'" + LINK in r for r in rows)
    assert not any(v.startswith(("=", "+", "@")) for r in rows for v in r)
    lines = (round_.root / "汇总_汇总表.jsonl").read_text(encoding="utf-8").splitlines()
    units = [json.loads(line) for line in lines]
    assert [u["code"] for u in units] == ["430112001", "430112002", "430112004", "430112999"]
    assert units[0]["total"] == 92.71 and units[3]["state"] == "未报送"
    assert (round_.root / "汇总_汇总表.csv").exists() and (round_.root / "汇总_指标明细.jsonl").exists()


def test_merge_refuses_before_work_when_a_csv_twin_exists(round_: Round) -> None:
    (round_.root / "汇总_汇总表.csv").write_text("old", encoding="utf-8")
    res = run("merge", round_.returns, "-o", round_.root / "汇总.xlsx", "--format", "csv")
    assert res.exit_code == 2 and not (round_.root / "汇总.xlsx").exists()
    assert (round_.root / "汇总_汇总表.csv").read_text(encoding="utf-8") == "old"


# ----------------------------------------------------------------------------------------- status

def test_status_lists_every_unit_and_writes_the_ledger_once(round_: Round) -> None:
    res = run("status", round_.returns, "--manifest", round_.manifest)
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0].split()[:3] == ["单位编码", "单位名称", "状态"]
    assert lines[1].split()[:3] == ["430112001", "长沙市望城区接待服务中心", "仅有警告"]
    # 3 warnings, less its XF533 on a target the office prefilled (said at generate, not on the return)
    assert lines[3].split()[:5] == ["430112004", round_.files["430112004"].stem[15:], "有错误", "1", "2"]
    assert lines[4:6] == ["未报送的单位（1 个）：", "  430112999  未报送的单位"]
    assert "合计：已通过 0，仅有警告 2，有错误 1，未报送 1" in lines
    assert len(read_ledger(round_.ledger)) == 3
    run("status", round_.returns, "--manifest", round_.manifest)
    assert len(read_ledger(round_.ledger)) == 3                    # the same files: no new lines


def test_no_ledger_leaves_the_round_folder_untouched(round_: Round) -> None:
    res = run("status", round_.returns, "--manifest", round_.manifest, "--no-ledger")
    assert res.exit_code == 0 and "登记簿" not in res.output, res.output
    assert run("merge", round_.returns, "-o", round_.root / "s.xlsx", "--manifest", round_.manifest,
               "--no-ledger").exit_code == 0
    assert not round_.ledger.exists()


def test_status_json_lists_several_returns_newest_first(round_: Round) -> None:
    older = round_.returns / "旧版.xlsx"
    shutil.copy(round_.files["430112004"], older)
    os.utime(older, (1_600_000_000, 1_600_000_000))
    res = run("status", round_.returns, "--manifest", round_.manifest, "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["counts"] == {"已通过": 0, "仅有警告": 2, "有错误": 1, "空表": 0, "未报送": 1}
    [several] = data["several"]
    assert several["code"] == "430112004" and several["others"] == [str(older)]
    assert several["counted"] == str(round_.files["430112004"])
    assert data["ledger_added"] == 4
    assert {e["unit"] for e in read_ledger(round_.ledger)} == {"430112001", "430112002", "430112004"}


def test_status_needs_a_unit_list(round_: Round) -> None:
    res = run("status", round_.returns)
    assert res.exit_code == 2 and "--manifest" in res.output


def test_commands_are_documented() -> None:
    for command in ("merge", "status"):
        res = run(command, "--help")
        assert res.exit_code == 0 and "Example:" in res.output


def test_status_with_a_roster_in_place_of_the_manifest(round_: Round) -> None:
    roster = round_.root / "名册" / "roster.csv"
    roster.parent.mkdir()
    roster.write_text("code,name,year,fund.total.budget\n430112001,长沙市望城区接待服务中心,2020,307\n"
                      "430112777,新增单位,2020,10\n", encoding="utf-8-sig")
    res = run("status", round_.returns, "--roster", roster, "--spec", "wangcheng")
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[1].split()[2] == "仅有警告" and lines[2:4] == ["未报送的单位（1 个）：", "  430112777  新增单位"]
    assert "不属于名单中任何单位的文件（2 个）：" in lines         # 002 and 004 are not on this roster
    assert len(read_ledger(roster.parent / LEDGER_NAME)) == 3


def test_manifest_and_roster_together_are_refused(round_: Round) -> None:
    res = run("status", round_.returns, "--manifest", round_.manifest, "--roster", round_.manifest)
    assert res.exit_code == 2 and "只能给出一个" in res.output
