"""`xlsform specs`, `describe` and `generate` through click's CliRunner, and the batch behind them."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from tests.conftest import ROOT
from xlsform.cli import main
from xlsform.errors import XlsformError
from xlsform.generate import generate_units, unit_filename
from xlsform.layout import META_SHEET, Layout
from xlsform.manifest import Manifest
from xlsform.roster import Unit
from xlsform.spec import load_spec

EXAMPLE = [str(ROOT / "examples/roster.csv"), "--indicators", str(ROOT / "examples/indicators.csv")]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_every_command_documents_an_example() -> None:
    for name in ("specs", "describe", "generate"):
        result = run(name, "--help")
        assert result.exit_code == 0 and "Example:" in result.output, name


def test_specs_lists_the_three_builtin_specs() -> None:
    result = run("specs")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == ["project", "wangcheng", "zhuzhou"]
    assert "(默认)" in lines[1] and "望城区部门整体自评表" in lines[1]


def test_describe_json_lists_every_field_with_its_name_and_cell() -> None:
    result = run("describe", "wangcheng", "--json")
    assert result.exit_code == 0
    fields = json.loads(result.output)
    assert len(fields) == len(Layout(load_spec("wangcheng")).places)
    keys = {"name", "key", "label", "sheet", "cell", "range", "role", "type", "required", "min", "max", "choices",
            "prefillable"}
    assert all(set(f) == keys for f in fields)
    by_name = {f["name"]: f for f in fields}
    assert by_name["xf_fund_total_rate"] == {
        "name": "xf_fund_total_rate", "key": "fund.total.rate", "label": "年度资金总额·执行率",
        "sheet": "部门整体自评表", "cell": "G6", "range": "G6", "role": "computed", "type": "percent",
        "required": False, "min": None, "max": None, "choices": None, "prefillable": False}
    assert by_name["xf_fund_total_spent"]["prefillable"] and by_name["xf_fund_total_spent"]["role"] == "input"
    assert by_name["xf_ind_30_score"]["cell"] == "I41" and by_name["xf_ind_30_score"]["max"] == "weight"


def test_describe_text_is_a_readable_table() -> None:
    result = run("describe", "project")
    assert result.exit_code == 0
    assert "xf_fund_total_score" in result.output and "H6:L6" in result.output
    assert "xf_ind_NN_nature" in result.output and "E14:E43" in result.output


def test_broken_spec_exits_2_naming_the_key(tmp_path: Path) -> None:
    text = (ROOT / "templates/wangcheng.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('role = "input"', 'role = "owner"', 1), encoding="utf-8")
    result = run("describe", str(bad))
    assert result.exit_code == 2
    assert "fund.fiscal.spent" in result.output and "'owner' is not one of" in result.output


def test_generate_the_bundled_example(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("generate", *EXAMPLE, "-o", str(out))
    assert result.exit_code == 0, result.output
    manifest = Manifest.load(out)
    assert (manifest.spec_id, manifest.spec_version, manifest.year, manifest.indicator_rows) == (
        "wangcheng", "2020.1", 2020, 30)
    assert len(manifest.password) >= 12
    assert [u.file for u in manifest.units] == [
        "2020_430112001_长沙市望城区接待服务中心.xlsx", "2020_430112002_中共长沙市望城区委办公室.xlsx",
        "2020_430112004_中国人民政治协商会议湖南省长沙市望城区委员会办公室.xlsx"]
    for unit in manifest.units:
        data = (out / "forms" / unit.file).read_bytes()
        assert hashlib.sha256(data).hexdigest() == unit.sha256
    first = manifest.unit("430112001")
    assert first is not None and first.prefilled["fund.total.budget"] == 307 and first.prefilled["ind.1.weight"] == 20
    wb = openpyxl.load_workbook(out / "forms" / first.file)
    meta = {r[0]: r[1] for r in wb[META_SHEET].iter_rows(values_only=True)}
    assert meta["code"] == "430112001" and meta["generated_at"] == manifest.generated_at
    assert wb.worksheets[0]["C6"].value == 307 and wb.worksheets[0]["C6"].protection.locked
    assert sorted(p.name for p in out.iterdir()) == ["forms", "manifest.json"]
    assert sorted(p.name for p in (out / "forms").iterdir()) == sorted(u.file for u in manifest.units)


def test_the_forms_to_send_have_a_folder_of_their_own_and_the_manifest_stays_private(tmp_path: Path) -> None:
    """Issue 8.1: zipping the folder that goes out must not leak the password and every unit's data."""
    out = tmp_path / "out"
    old = os.umask(0o027)
    try:
        result = run("generate", *EXAMPLE, "-o", str(out))
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert f"发给各单位：{out / 'forms'}" in result.output and f"不要外发：{out / 'manifest.json'}" in result.output
    assert "manifest.json" not in {p.name for p in (out / "forms").iterdir()}
    assert stat.S_IMODE((out / "manifest.json").stat().st_mode) == 0o600
    assert {stat.S_IMODE(p.stat().st_mode) for p in (out / "forms").iterdir()} == {0o640}   # the umask's


def test_a_forms_folder_holding_other_files_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "forms").mkdir(parents=True)
    (out / "forms" / "去年的表.xlsx").write_bytes(b"x")
    result = run("generate", *EXAMPLE, "-o", str(out), "--force")
    assert result.exit_code == 2 and "去年的表.xlsx" in result.output and "只应包含本次生成的表格" in result.output
    assert sorted(p.name for p in (out / "forms").iterdir()) == ["去年的表.xlsx"]


def test_existing_files_are_never_overwritten_without_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("generate", *EXAMPLE, "-o", str(out), "--password", "p1").exit_code == 0
    before = snapshot(out)
    result = run("generate", *EXAMPLE, "-o", str(out), "--password", "p2")
    assert result.exit_code == 2 and "--force" in result.output and "未写入任何文件" in result.output
    assert snapshot(out) == before
    assert run("generate", *EXAMPLE, "-o", str(out), "--password", "p2", "--force").exit_code == 0
    assert Manifest.load(out).password == "p2"


def test_bad_roster_writes_nothing_and_lists_every_problem(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("code,name,fund.total.budget\nA1,甲,abc\nA1,乙,-1\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("generate", str(roster), "-o", str(out))
    assert result.exit_code == 2
    assert "roster.csv 第 2 行「fund.total.budget」列：“abc”不是数字" in result.output
    assert "roster.csv 第 3 行「fund.total.budget」列：“-1”是负数" in result.output
    assert "第 3 行「code」列：单位编码“A1”与第 2 行重复" in result.output
    assert not out.exists()


def test_blank_template(tmp_path: Path) -> None:
    target = tmp_path / "blank.xlsx"
    result = run("generate", "--blank", "--spec", "project", "--year", "2024", "-o", str(target), "--password", "x")
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(target).worksheets[0]
    assert ws["A2"].value == 2024 and ws["A2"].protection.locked
    assert ws["B3"].protection.locked is False   # 项目名称: the unit fills it in a blank template
    assert run("generate", "--blank", "-o", str(target)).exit_code == 2
    assert run("generate", "-o", str(tmp_path / "x")).exit_code == 2


def test_year_option_renames_and_refills(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("generate", *EXAMPLE, "-o", str(out), "--year", "2024").exit_code == 0
    assert all(u.file.startswith("2024_") and u.prefilled["year"] == 2024 for u in Manifest.load(out).units)


def test_parallel_batch_matches_serial(tmp_path: Path) -> None:
    spec = load_spec("zhuzhou")
    units = [Unit(f"C{i:02d}", f"单位/{i}", {"code": f"C{i:02d}", "name": f"单位/{i}", "year": 2022,
                                             "fund.fiscal.budget": 100.0 + i}) for i in range(12)]
    ticks: list[int] = []
    parallel = generate_units(units, spec, tmp_path / "a", password="p", jobs=2, progress=ticks.append)
    serial = generate_units(units, spec, tmp_path / "b", password="p", jobs=1)
    assert sum(ticks) == 12
    assert [u.file for u in parallel.units] == [u.file for u in serial.units]
    assert parallel.units[3].file == "2022_C03_单位_3.xlsx" == unit_filename(units[3])
    wb = openpyxl.load_workbook(tmp_path / "a" / "forms" / parallel.units[5].file, data_only=True)
    assert wb.worksheets[0]["D5"].value == 105.0


def test_units_whose_file_names_clash_are_refused(tmp_path: Path) -> None:
    spec = load_spec("wangcheng")
    units = [Unit("A/1", "甲", {"code": "A/1", "name": "甲"}), Unit("A_1", "甲", {"code": "A_1", "name": "甲"})]
    with pytest.raises(XlsformError, match="文件名相同"):
        generate_units(units, spec, tmp_path / "o", jobs=1)
    assert not (tmp_path / "o").exists()


def test_output_must_be_a_directory_or_for_blank_a_file(tmp_path: Path) -> None:
    (tmp_path / "file.xlsx").write_bytes(b"x")
    result = run("generate", *EXAMPLE, "-o", str(tmp_path / "file.xlsx"))
    assert result.exit_code == 2 and "应为输出目录" in result.output
    result = run("generate", "--blank", "-o", str(tmp_path), "--force")
    assert result.exit_code == 2 and "是一个目录" in result.output


def test_generate_reads_label_variants_and_says_so(tmp_path: Path) -> None:
    """Issue #9: "服务对象满意度指标等" is read as the catalogue's label (as the reader does), with a note."""
    text = (ROOT / "examples/indicators.csv").read_text(encoding="utf-8")
    assert ",服务对象满意度指标," in text
    indicators = tmp_path / "indicators.csv"
    indicators.write_text(text.replace(",服务对象满意度指标,", ",服务对象满意度指标等,", 1), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["generate", str(ROOT / "examples/roster.csv"), "--indicators",
                                       str(indicators), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "“服务对象满意度指标等”按指标体系中的“服务对象满意度指标”读取（XF230）" in result.output
    manifest = Manifest.load(out / "manifest.json")
    assert "服务对象满意度指标等" not in json.dumps([u.prefilled for u in manifest.units], ensure_ascii=False)


def test_units_the_indicators_file_has_no_row_for_are_named(tmp_path: Path) -> None:
    """Trial of the whole round (round-qa): a unit missing from --indicators got an open indicator table without
    a word, which is also what a code mistyped there (or stripped of its zeros) looks like."""
    result = run("generate", *EXAMPLE, "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "[注意] 指标文件 indicators.csv 中没有以下 1 个单位的指标" in result.stderr
    assert "  430112004 中国人民政治协商会议湖南省长沙市望城区委员会办公室" in result.stderr
    block = result.stderr.split("[注意] 指标文件", 1)[1].split("[注意]", 1)[0]
    assert "430112001" not in block
