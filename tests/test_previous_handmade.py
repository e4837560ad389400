"""Hand-made forms (examples/legacy: typed in the units' own layouts before xlsform, read by their labels) in a
year-on-year round, both ways: as last year's returns, and as this year's returns beside last year's. They come
through the ordinary entry points, carry no codes (matched by name) and are located in the unit's own cells."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from tests.conftest import ROOT, load_seed
from tests.helpers_forms import write_return
from xlsform.cli import main
from xlsform.manifest import Manifest
from xlsform.previous import source

LEGACY = ROOT / "examples" / "legacy"
LAST_YEAR = ROOT / "examples" / "lastyear"              # the same unit's 2019 return on xlsform's form


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def sheet(path: Path, name: str) -> list[dict[str, Any]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb[name].iter_rows(values_only=True))
    wb.close()
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_hand_made_forms_are_last_years_returns() -> None:
    last = source.load(LEGACY, kind="department")
    reception = next(p for p in last.returns if p.name == "长沙市望城区接待服务中心")
    assert (reception.code, reception.year, reception.total) == (None, 2020, Decimal("92.71"))
    assert reception.indicators[1].actual == "公务接待满意率100%"


def test_merge_of_hand_made_returns_beside_last_year_names_the_units_own_cells(tmp_path: Path) -> None:
    """This year's returns are the hand-made 2020 forms (nine units known by name only, projects among them),
    last year's the three Wangcheng units' 2019 returns on xlsform's form (with codes the hand-made forms do
    not carry): those three are matched by name (政协 by a similar one: 湖南省 is not in its 2019 name), no
    other unit gets figures; XF520 and XF521 at the cells of the reception centre's own Sheet1."""
    out = tmp_path / "汇总.xlsx"
    result = run("merge", str(LEGACY), "--previous", str(LAST_YEAR), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "按单位编码 0 个，按名称 2 个，名称相近 1 个" in result.stderr
    rows = {r["单位名称"]: r for r in sheet(out, "汇总表") if r["单位编码"] != "合计" and r["单位名称"]}
    assert len(rows) == 9
    with_last_year = {name: r["上年总分"] for name, r in rows.items() if r["上年总分"] is not None}
    assert with_last_year == {"长沙市望城区接待服务中心": 90.2, "中共长沙市望城区委办公室": 97.36,
                              "中国人民政治协商会议湖南省长沙市望城区委员会办公室": 69.64}
    assert rows["长沙市望城区接待服务中心"]["总分增减"] == pytest.approx(2.51)
    found = {(r["代码"], r["工作表"], r["单元格"]) for r in sheet(out, "问题清单")} & {
        ("XF520", "Sheet1", "G14"), ("XF521", "Sheet1", "J22")}
    assert found == {("XF520", "Sheet1", "G14"), ("XF521", "Sheet1", "J22")}
    assert sheet(out, "上年对照")[0]["对照情况"] == "单位：名称相同"


def test_merge_with_hand_made_forms_as_last_year(tmp_path: Path) -> None:
    """This year (2021) on xlsform's form; last year the hand-made forms of examples/legacy, one of them this
    unit's: matched by name, its figures and indicators beside this year's."""
    returns = tmp_path / "returns"
    returns.mkdir()
    write_return(returns / "2021_000.xlsx", {**load_seed("000").values, "year": 2021}, spec="wangcheng")
    out = tmp_path / "汇总.xlsx"
    result = run("merge", str(returns), "--previous", str(LEGACY), "-o", str(out))
    assert result.exit_code == 0, result.output
    row = sheet(out, "汇总表")[0]
    assert (row["单位编码"], row["上年总分"], row["总分增减"]) == ("430112001", 92.71, 0)
    detail = {r["序号"]: r for r in sheet(out, "指标明细") if r["单位编码"] == "430112001"}
    assert detail[2]["上年完成值"] == "公务接待满意率100%"
    issues = [r["单元格"] for r in sheet(out, "问题清单") if r["代码"] == "XF520"]
    assert issues == ["F13"]                        # 95%及以上, below last year's 100%


def test_generate_carries_a_hand_made_table_forward(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("generate", str(ROOT / "examples" / "roster.csv"), "--previous", str(LEGACY), "--year", "2021",
                 "-o", str(out))
    assert result.exit_code == 0, result.output
    entry = Manifest.load(out / "manifest.json").unit("430112001")
    assert entry is not None
    assert entry.prefilled["ind.2.previous"] == "公务接待满意率100%" and entry.prefilled["ind.2.weight"] == 20
    assert "按名称" in result.stderr
