"""Rosters and indicators files: encodings, XLSX, header aliases, and every problem listed by row and column."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from xlsform.cli import main
from xlsform.errors import XlsformError
from xlsform.roster import RosterError, Unit, load_roster
from xlsform.spec import Spec, load_spec

NOT_NUMBER = "不是数字（只填数字，不要带单位、空格或文字）"
HEADER = "code,name,year,fund.total.budget,fund.total.transfer,goal.target\n"


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec("wangcheng")


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def load(tmp_path: Path, spec: Spec, roster: str, indicators: str | None = None, **kw: object) -> list[Unit]:
    ind = write(tmp_path / "indicators.csv", indicators) if indicators is not None else None
    return load_roster(write(tmp_path / "roster.csv", roster), spec, indicators=ind, **kw)  # type: ignore[arg-type]


def problems(tmp_path: Path, spec: Spec, roster: str, indicators: str | None = None) -> list[str]:
    with pytest.raises(RosterError) as info:
        load(tmp_path, spec, roster, indicators)
    assert isinstance(info.value, XlsformError)
    return info.value.problems


def test_the_bundled_example(spec: Spec) -> None:
    units = load_roster(ROOT / "examples/roster.csv", spec, indicators=ROOT / "examples/indicators.csv")
    assert [u.code for u in units] == ["430112001", "430112002", "430112004"]
    first = units[0].values
    assert first["name"] == "长沙市望城区接待服务中心" and first["year"] == 2020
    assert first["fund.total.budget"] == 307.0 and first["fund.total.weight"] == 10
    assert first["ind.1.level2"] == "数量指标" and first["ind.9.weight"] == 10.0 and "ind.10.level1" not in first
    assert not any(k.startswith("ind.") for k in units[2].values)   # seed 004: the unit fills its own indicators


def test_defaults_and_year_override(tmp_path: Path, spec: Spec) -> None:
    (unit,) = load(tmp_path, spec, HEADER + "A1,单位甲,2023,100,,目标\n", year=2024)
    assert unit.values == {"code": "A1", "name": "单位甲", "year": 2024, "fund.total.budget": 100.0,
                           "goal.target": "目标", "fund.total.weight": 10}


def test_header_aliases_underscores_defined_names_and_chinese_labels(tmp_path: Path, spec: Spec) -> None:
    roster = "单位编码,部门（单位）名称,xf_fund_total_budget,fund_total_transfer\nA1,单位甲,1234.5,1\n"
    (unit,) = load(tmp_path, spec, roster)
    assert unit.values["name"] == "单位甲" and unit.values["fund.total.budget"] == 1234.5
    assert unit.values["fund.total.transfer"] == 1.0


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk", "utf-8"])
def test_csv_encodings(tmp_path: Path, spec: Spec, encoding: str) -> None:
    path = write(tmp_path / "r.csv", "单位编码,部门(单位)名称\n430112001,长沙市望城区接待服务中心\n", encoding)
    (unit,) = load_roster(path, spec)
    assert (unit.code, unit.name) == ("430112001", "长沙市望城区接待服务中心")


def test_xlsx_roster_with_numbers_as_numbers(tmp_path: Path, spec: Spec) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["code", "name", "year", "fund.total.budget", "sub_units"])
    ws.append([430112001, "单位甲", 2021, 307, 1.0])
    ws.append([None, None, None, None, None])
    ws.append(["B2", "单位乙", 2021, "abc", None])
    wb.save(tmp_path / "r.xlsx")
    with pytest.raises(RosterError) as info:
        load_roster(tmp_path / "r.xlsx", spec)
    assert info.value.problems == [f"r.xlsx 第 4 行「fund.total.budget」列：“abc”{NOT_NUMBER}"]
    ws.delete_rows(3, 2)
    wb.save(tmp_path / "r.xlsx")
    (unit,) = load_roster(tmp_path / "r.xlsx", spec)
    assert unit.code == "430112001" and unit.values["sub_units"] == 1 and unit.values["year"] == 2021


def test_codes_typed_as_numbers_keep_the_zeros_their_format_shows_or_are_refused(tmp_path: Path,
                                                                                   spec: Spec) -> None:
    """Issue 15.3: 012300001 in an .xlsx roster became 12300001 without a word. Codes are text."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["code", "name"])
    ws.append([12300001, "单位甲"])
    ws["A2"].number_format = "000000000"                 # shown as 012300001: the zeros come back
    ws.append(["012300002", "单位乙"])                  # typed as text
    ws.append([430112001, "单位丙"])                     # a number with nothing lost
    wb.save(tmp_path / "r.xlsx")
    assert [u.code for u in load_roster(tmp_path / "r.xlsx", spec)] == ["012300001", "012300002", "430112001"]
    ws.append([12300004, "单位丁"])                      # General format: its zero is gone, and cannot be told
    wb.save(tmp_path / "r.xlsx")
    with pytest.raises(RosterError) as info:
        load_roster(tmp_path / "r.xlsx", spec)
    assert info.value.problems == ["r.xlsx 第 5 行「code」列：单位编码“12300004”是数字，开头的 0 可能已丢失"
                                   "（本列最长的编码有 9 位）；请把编码列设为文本格式并填写完整的编码"]


def test_every_problem_is_listed_by_row_and_column(tmp_path: Path, spec: Spec) -> None:
    roster = HEADER + (
        "A1,单位甲,2020,abc,0,\n"
        "A2,单位乙,2020,-5,0,\n"
        "A1,单位丙,2020,4753.66万元,0,\n"
        ",单位丁,2020,1,0," + "长" * 5001 + "\n"
        "A5,单位戊,19999,1,0,\n"
    )
    found = problems(tmp_path, spec, roster)
    assert found == [
        "roster.csv 第 2 行「fund.total.budget」列：“abc”不是数字（只填数字，不要带单位、空格或文字）",
        "roster.csv 第 3 行「fund.total.budget」列：“-5”是负数，金额和分值不能为负",
        "roster.csv 第 4 行「fund.total.budget」列：“4753.66万元”不是数字（只填数字，不要带单位、空格或文字）",
        "roster.csv 第 4 行「code」列：单位编码“A1”与第 2 行重复",
        "roster.csv 第 5 行「goal.target」列：文字有 5001 个字，超过本栏上限 5000 字",
        "roster.csv 第 5 行「code」列：单位编码不能为空",
        "roster.csv 第 6 行「year」列：“19999”大于上限 2100",
    ]


def test_missing_unknown_and_not_prefillable_columns(tmp_path: Path, spec: Spec) -> None:
    found = problems(tmp_path, spec, "name,budget,goal.achieved,total.score\n单位甲,1,2,3\n")
    assert found[0].startswith("roster.csv 第 1 行「budget」列：不认识的列名；")
    assert "可用的列：year, name, code" in found[0]
    assert "第 1 行「goal.achieved」列：这是由填报单位填写或自动计算的字段" in found[1]
    assert "第 1 行「total.score」列" in found[2]
    assert found[3] == "roster.csv 第 1 行：缺少必需的列「code」（单位编码）"


def test_text_over_excels_cell_limit(tmp_path: Path) -> None:
    spec = load_spec("project")
    found = problems(tmp_path, spec, "code,name,department\nP1,项目," + "字" * 32768 + "\n")
    assert found == ["roster.csv 第 2 行「department」列：文字有 32768 个字，超过 Excel 单元格上限 32767 字"]


IND_HEADER = "code,一级指标,二级指标,level3,target,weight\n"


def test_indicators_are_numbered_per_unit_in_file_order(tmp_path: Path, spec: Spec) -> None:
    indicators = IND_HEADER + (
        "A1,产出指标,数量指标,接待批次,≥45,50\n"
        "A2,满意度指标,服务对象满意度指标,满意率,≥95%,90\n"
        "A1,效益指标,社会效益指标,宣传,好,40\n"
    )
    units = load(tmp_path, spec, "code,name\nA1,甲\nA2,乙\n", indicators)
    assert units[0].values["ind.2.level3"] == "宣传" and units[0].values["ind.2.weight"] == 40.0
    assert units[1].values["ind.1.level1"] == "满意度指标" and "ind.2.level1" not in units[1].values


def test_weights_that_break_the_split_are_said_at_generate_time(tmp_path: Path, spec: Spec) -> None:
    """Issue 15.11: 产出 40 / 效益 40 / 满意度 10 makes 100 with the fund's 10, so it was accepted silently, and
    every return then carried XF406. Now the unit is named before the forms go out; the split kept is quiet,
    and so is a table the unit completes itself (its return is checked instead)."""
    indicators = IND_HEADER + (
        "A1,产出指标,数量指标,接待批次,≥45,40\n"
        "A1,效益指标,社会效益指标,宣传,好,40\n"
        "A1,满意度指标,服务对象满意度指标,满意率,≥95%,10\n"
        "A2,产出指标,数量指标,接待批次,≥45,50\n"
        "A2,效益指标,社会效益指标,宣传,好,30\n"
        "A2,满意度指标,服务对象满意度指标,满意率,≥95%,10\n"
        "A3,产出指标,数量指标,接待批次,≥45,40\n"
        "A3,效益指标,社会效益指标,宣传,好,\n"
    )
    a1, a2, a3 = load(tmp_path, spec, "code,name\nA1,甲\nA2,乙\nA3,丙\n", indicators)
    assert a1.warnings == ["单位“A1”的分值分配为 预算执行率 10、产出指标 40、效益指标 40、满意度指标 10，"
                           "与本表规定的 预算执行率 10、产出指标 50、效益指标 30、满意度指标 10 不符；"
                           "按此下发，该单位的每份报送都会得到「一级指标分值分布与规定不同」提示（XF406）"]
    assert a2.warnings == [] and a3.warnings == []
    res = CliRunner().invoke(main, ["generate", str(tmp_path / "roster.csv"), "--indicators",
                                    str(tmp_path / "indicators.csv"), "-o", str(tmp_path / "out")])
    assert res.exit_code == 0 and "[注意] 单位“A1”的分值分配为" in res.stderr and "共 1 个单位" in res.stderr


def test_a_bureaus_own_headers_and_a_header_only_roster(tmp_path: Path, spec: Spec) -> None:
    """Issue 15.12: 单位名称 was refused, and a roster of its header alone printed one 「不在名册中」 per
    indicator row instead of saying once that it holds no unit."""
    (unit,) = load(tmp_path, spec, "单位代码,单位名称,财政拨款全年预算数,年度资金总额·全年预算数\nA1,甲,100,120\n")
    assert (unit.code, unit.name, unit.values["fund.fiscal.budget"], unit.values["fund.total.budget"]) == \
        ("A1", "甲", 100.0, 120.0)
    found = problems(tmp_path, spec, "code,单位名称\n", IND_HEADER + "A1,产出指标,数量指标,接待批次,≥45,50\n" * 84)
    assert found == ["roster.csv：名册中没有单位（第 2 行起每行一个单位）"]
    found = problems(tmp_path, spec, "code,name,财政拨款\nA1,甲,100\n")
    assert "是否应为「fund.fiscal.budget」（财政拨款·全年预算数(A)）" in found[0]     # the fiscal row, not the total


def test_label_and_nature_variants_are_normalised_with_a_note(tmp_path: Path) -> None:
    """Issue #9: the roster reads "服务对象满意度指标等" and "≧" as the reader does, instead of refusing them."""
    spec = load_spec("project")   # the spec with a 指标性质 column
    indicators = "code,level1,level2,level3,nature,target,weight\n" + (
        "A1,产出,1.数量指标：,接待批次,≧,45,50\n"
        "A1,满意度指标,服务对象满意度指标等,满意率,＞＝,95%,40\n"
        "A1,效益指标,社会效益指标,宣传,定性,有效,0\n"
        "A1,效益指标,社会效益指标,宣传2,≥,≥**人,0\n"
    )
    units = load(tmp_path, spec, "code,name\nA1,甲\n", indicators)
    v = units[0].values
    assert (v["ind.1.level1"], v["ind.1.level2"], v["ind.1.nature"]) == ("产出指标", "数量指标", "≥")
    assert (v["ind.2.level2"], v["ind.2.nature"]) == ("服务对象满意度指标", "≥")
    assert v["ind.3.level2"] == "社会效益指标" and v["ind.3.nature"] == "定性"
    assert units[0].notes == [
        "indicators.csv 第 2 行「level1」列：“产出”按指标体系中的“产出指标”读取（XF230）",
        "indicators.csv 第 2 行「level2」列：“1.数量指标：”按指标体系中的“数量指标”读取（XF230）",
        "indicators.csv 第 2 行「nature」列：“≧”按“≥”读取（XF210）",
        "indicators.csv 第 3 行「level2」列：“服务对象满意度指标等”按指标体系中的“服务对象满意度指标”读取（XF230）",
        "indicators.csv 第 3 行「nature」列：“＞＝”按“≥”读取（XF210）",
        "indicators.csv 第 5 行「target」列：“≥**人”是占位符或说明文字，不是目标值；生成的表格中该指标没有目标值",
    ]


def test_indicator_problems(tmp_path: Path, spec: Spec) -> None:
    indicators = IND_HEADER.replace("weight", "weight,score") + (
        "A1,产出指标,社会效益指标,x,1,50,1\n"
        "A1,投入指标,数量指标,x,1,30,1\n"
        "ZZ,产出指标,数量指标,x,1,10,1\n"
        "A2,产出指标,数量指标,x,1,abc,1\n"
    )
    found = problems(tmp_path, spec, "code,name\nA1,甲\nA2,乙\n", indicators)
    assert ("indicators.csv 第 1 行「score」列：这是指标表中由填报单位填写或自动计算的字段，不能预填；请删除该列"
            in found)
    assert ("indicators.csv 第 2 行「二级指标」列：“社会效益指标”不属于一级指标“产出指标”；"
            "应为 数量指标、质量指标、时效指标、成本指标") in found
    assert any(p.startswith("indicators.csv 第 3 行「一级指标」列：“投入指标”不是一级指标") for p in found)
    assert "indicators.csv 第 4 行「code」列：单位编码“ZZ”不在名册中" in found
    assert any(p.startswith("indicators.csv 第 5 行「weight」列：“abc”不是数字") for p in found)
    assert "indicators.csv 「weight」列：单位“A1”的分值合计为 90（预算执行率 10 + 各指标），应为 100" in found


def test_weights_that_sum_to_100_in_floating_point_are_accepted(tmp_path: Path, spec: Spec) -> None:
    rows = "".join(f"A1,产出指标,数量指标,x{i},1,{w}\n" for i, w in enumerate(["30.1", "29.9", "0.1", "29.9"]))
    (unit,) = load(tmp_path, spec, "code,name\nA1,甲\n", IND_HEADER + rows)
    assert unit.values["ind.4.weight"] == 29.9


def test_too_many_indicators(tmp_path: Path) -> None:
    spec = load_spec("wangcheng")
    rows = "".join(f"A1,产出指标,数量指标,x{i},1,0\n" for i in range(31))
    found = problems(tmp_path, spec, "code,name\nA1,甲\n", IND_HEADER + rows)
    assert "indicators.csv 第 32 行：单位“A1”的指标超过表格容量 30 行" in found


def test_unreadable_inputs(tmp_path: Path, spec: Spec) -> None:
    with pytest.raises(RosterError, match="文件不存在"):
        load_roster(tmp_path / "nope.csv", spec)
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(RosterError, match="无法读取该 Excel 文件"):
        load_roster(tmp_path / "bad.xlsx", spec)
    with pytest.raises(RosterError, match="名册中没有单位"):
        load(tmp_path, spec, "code,name\n")


def test_a_row_with_more_values_than_columns_is_refused(tmp_path: Path, spec: Spec) -> None:
    found = problems(tmp_path, spec, "code,name,goal.target\nA1,甲,一、加强建设,二、严格管理\n")
    assert found == ["roster.csv 第 2 行：本行比列名多出 1 个值（“二、严格管理”）；"
                     "文字中含逗号时请用英文双引号把整段文字括起来"]


def test_a_row_without_weight_leaves_room_for_the_unit(tmp_path: Path, spec: Spec) -> None:
    rows = "A1,产出指标,数量指标,x,1,50\nA1,产出指标,质量指标,y,1,\n"
    (unit,) = load(tmp_path, spec, "code,name\nA1,甲\n", IND_HEADER + rows)
    assert "ind.2.weight" not in unit.values and unit.values["ind.2.level3"] == "y"
    found = problems(tmp_path, spec, "code,name\nA1,甲\n", IND_HEADER + rows.replace(",50", ",95"))
    assert found == ["indicators.csv 「weight」列：单位“A1”的分值合计为 105（预算执行率 10 + 各指标），应为 100"]


def test_a_real_rosters_title_unit_line_and_headers_with_their_unit(tmp_path: Path, spec: Spec) -> None:
    """Trial of the whole round (round-qa): a bureau's roster.xlsx carries a merged title and a unit line above
    its header, heads its money columns 「…（万元）」 and wraps a long header; it was refused with 105 lines
    (every header unknown, and one 「不在名册中」 per indicator row)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2025年度部门整体支出绩效自评单位名单"])
    ws.merge_cells("A1:F1")
    ws.append([None, None, None, None, None, "单位：万元"])
    ws.append(["单位编码", "单位名称", "所属独立核算\n单位个数", "财政拨款全年预算数（万元）",
               "年度资金总额·全年预算数(A)（万元）", "年度资金总额 上级财政转移支付（单位：万元）"])
    ws.append([43011201, "长沙市望城区教育局", 3, 12345.6, 15000, 230.5])
    ws["A4"].number_format = "000000000"
    wb.save(tmp_path / "roster.xlsx")
    write(tmp_path / "indicators.csv", "单位编码,一级指标,二级指标,三级指标,目标值,分值\n"
                                       "043011201,产出指标,数量指标,任务数,≥20项,90\n")
    (unit,) = load_roster(tmp_path / "roster.xlsx", spec, indicators=tmp_path / "indicators.csv")
    assert unit.code == "043011201" and unit.name == "长沙市望城区教育局"
    assert (unit.values["sub_units"], unit.values["fund.fiscal.budget"], unit.values["fund.total.budget"],
            unit.values["fund.total.transfer"], unit.values["ind.1.weight"]) == (3, 12345.6, 15000.0, 230.5, 90.0)


def test_a_total_row_and_notes_are_named_and_columns_as_the_file_heads_them(tmp_path: Path, spec: Spec) -> None:
    """A 合计 row was refused as 「name」列：部门(单位)名称不能为空, naming a column the file does not have."""
    roster = ("单位编码,单位名称,财政拨款·全年预算数(A)\n043011201,教育局,100\n043011202,,abc\n"
              "合计,,100\n填表说明：金额单位为万元。\n")
    assert problems(tmp_path, spec, roster) == [
        "roster.csv 第 3 行「财政拨款·全年预算数(A)」列：“abc”不是数字（只填数字，不要带单位、空格或文字）",
        "roster.csv 第 3 行「单位名称」列：部门(单位)名称不能为空",
        "roster.csv 第 4 行：这一行是合计行（“合计”），不是单位；请删除该行后再生成",
        "roster.csv 第 5 行：这一行是说明文字（“填表说明：金额单位为万元。”），不是单位；请删除该行后再生成"]


def test_a_roster_without_its_code_column_is_not_answered_row_by_row_in_the_indicators(tmp_path: Path,
                                                                                       spec: Spec) -> None:
    found = problems(tmp_path, spec, "编号,单位名称\n1,甲\n2,乙\n",
                     IND_HEADER + "A1,产出指标,数量指标,接待批次,≥45,50\n" * 40)
    assert found[-1] == "roster.csv 第 1 行：缺少必需的列「code」（单位编码）" and len(found) == 2, found


def test_a_project_rounds_indicators_keyed_by_project_code(tmp_path: Path) -> None:
    """The roster of a project round heads its codes 项目编码; its indicators file was refused for the same header."""
    units = load(tmp_path, load_spec("project"), "项目编码,项目名称\nP1,饮水工程\n",
                 "项目编码,一级指标,二级指标,三级指标,指标性质,指标值,度量单位,分值\nP1,产出指标,数量指标,工程数,≥,10,处,90\n")
    assert units[0].values["ind.1.measure"] == "处"
