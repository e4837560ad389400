"""Hand-made forms read by their printed labels (xlsform/importer): the corpus in tests/legacy, each form's
record written by hand before the importer existed, and the rules the importer keeps."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.conftest import load_seed
from tests.helpers_forms import write_return
from xlsform.reader import read_file
from xlsform.records import Record

sys.path.insert(0, str(Path(__file__).parent / "legacy"))
import measure

EXPECTED = {e["file"]: e for e in measure.expectations()}


@pytest.mark.parametrize("file", sorted(EXPECTED))
def test_corpus_form_gives_the_record_written_by_hand(file: str) -> None:
    t = measure.measure(EXPECTED[file])
    assert t.forms_found == t.forms_expected
    assert not t.narrative_read
    assert t.duplicates_reported == t.duplicates_expected
    assert not t.spec_wrong
    assert not t.wrong and not t.invented          # a value is better missing than wrong
    assert not t.missing
    assert not t.cells_wrong


def test_corpus_figures() -> None:
    """What issue 17 asks: >= 95% of the values right, none invented, every form found, no narrative sheet
    read as a form, a duplicated table reported once."""
    total = measure.Tally()
    for exp in EXPECTED.values():
        total.add(measure.measure(exp))
    assert total.right / total.total >= 0.95
    assert not total.wrong and not total.invented
    assert total.forms_found == total.forms_expected
    assert not total.narrative_read
    assert total.duplicates_reported == total.duplicates_expected


# ------------------------------------------------------------------------- our own forms, copied by hand

def _copied(source: Path, target: Path) -> Path:
    """The form sheet's values, merges and number formats pasted into a new workbook, as a clerk copies a
    form: no `_xf_meta`, no defined names, no formulas (their shown values instead)."""
    wb = openpyxl.load_workbook(source, data_only=True)
    ws = wb.worksheets[0]
    out = openpyxl.Workbook()
    new = out.active
    new.title = "Sheet1"
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None and type(cell).__name__ == "Cell":
                c = new.cell(row=cell.row, column=cell.column, value=cell.value)
                c.number_format = cell.number_format
    for rng in ws.merged_cells.ranges:
        new.merge_cells(str(rng))
    out.save(target)
    return target


def _project_seed() -> Record:
    record = load_seed("000")
    record.spec_id = "project"
    for key in ("fund.total.budget", "fund.total.spent", "fund.total.transfer", "fund.fiscal.transfer"):
        record.values.pop(key, None)
    return record


OWN = {"wangcheng": lambda: load_seed("000"), "zhuzhou": lambda: load_seed("001"), "project": _project_seed}


@pytest.mark.parametrize("spec_id", sorted(OWN))
def test_own_form_copied_without_its_identity_reads_as_the_original(spec_id: str, tmp_path: Path) -> None:
    """Each built-in layout, filled and copied into a plain workbook, is found by its labels, matched to
    its own spec, and gives the values the reader gives for the original."""
    original = write_return(tmp_path / "own.xlsx", OWN[spec_id](), spec=spec_id)
    want = read_file(original).record
    got = read_file(_copied(original, tmp_path / "copy.xlsx"))
    assert want is not None and got.record is not None, got.findings
    assert got.record.spec_id == spec_id
    assert got.findings[0].code == "XF170"
    assert _comparable(got.record.values) == _comparable(want.values)


def _comparable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 6) if isinstance(v, float) else v for k, v in values.items() if v not in (None, "")}


# ---------------------------------------------------------------------------- the same checks, by the file

def test_every_finding_on_an_imported_form_names_a_cell_of_the_unit_s_own_file() -> None:
    """No finding points into the spec's layout (a sheet the hand-made file does not have)."""
    from xlsform.check import check_paths

    for result in check_paths([measure.FORMS]):
        if result.record is None:
            continue
        workbook = read_file(result.file).workbook
        assert workbook is not None
        sheets = {s.name for s in workbook.sheets}
        for f in result.findings:
            assert f.sheet is None or f.sheet in sheets, (result.file, f.code, f.sheet)


def test_rules_of_locking_and_the_prefill_copy_say_once_that_they_do_not_apply() -> None:
    from xlsform.check import check_file

    result = check_file(measure.FORMS / "L01_wangcheng_reception.xlsx")
    codes = [f.code for f in result.findings]
    assert codes.count("XF171") == 1
    assert not {"XF153", "XF156", "XF157", "XF158", "XF161", "XF163"} & set(codes)
    # the arithmetic still runs on the unit's own cells: the printed 27.00% against 83.13 / 307
    assert ("XF240", "H8") in {(f.code, f.cell) for f in result.findings}


def test_a_field_the_form_does_not_print_is_not_reported_missing() -> None:
    """单位编码 and 填报人 are required on our forms; a hand-made form without those labels is not told to
    fill cells it does not have. A label it prints with nothing beside it is a field left empty."""
    from xlsform.check import check_file

    missing = {f.key: f.cell for f in check_file(measure.FORMS / "L05_tianchang_flood.xlsx").findings
               if f.code == "XF301"}
    assert missing == {"department": "B4"}


def test_each_form_of_a_workbook_is_a_result_of_its_own() -> None:
    from xlsform.check import check_paths

    results = list(check_paths([measure.FORMS / "L03_wangcheng_two_units.xlsx"]))
    assert [r.record.name for r in results if r.record] == ["中共长沙市望城区委办公室",
                                                             "中国人民政治协商会议湖南省长沙市望城区委员会办公室"]
    assert not any(f.code == "XF902" for r in results for f in r.findings)    # not "the same file sent twice"


def test_merge_without_a_roster_lists_hand_made_units_by_name(tmp_path: Path) -> None:
    from xlsform.check import check_paths
    from xlsform.status import assign

    results = list(check_paths([measure.FORMS / "L03_wangcheng_two_units.xlsx",
                                measure.FORMS / "L06_ezhou_two_projects.xlsx"]))
    a = assign(results)
    assert not a.unmatched
    assert sorted(u.unit.name for u in a.units) == ["中共长沙市望城区委办公室",
                                                     "中国人民政治协商会议湖南省长沙市望城区委员会办公室",
                                                     "财政政务管理", "购买第三方服务"]
    assert all(u.unit.code == "" and u.result is not None for u in a.units)


def test_no_annotated_copy_of_a_hand_made_form(tmp_path: Path) -> None:
    from xlsform.check import check_file

    result = check_file(measure.FORMS / "L01_wangcheng_reception.xlsx", annotate=tmp_path)
    assert "XF179" in {f.code for f in result.findings}
    assert not list(tmp_path.iterdir())


# ---------------------------------------------------------------------------------- the spec drives it

def test_a_region_adds_a_label_in_its_spec_file_not_in_code(tmp_path: Path) -> None:
    """A header the built-in vocabularies do not know ("完成情况(数值)") leaves its column unread, with
    XF176 naming it; the same words in a spec's [import.columns] make it read."""
    from xlsform.check import check_file
    from xlsform.spec import load_spec, register

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目支出绩效自评表（2022年度）"])
    ws.append(["项目名称", "某某路灯维护"])
    ws.append(["一级指标", "二级指标", "三级指标", "指标值", "达成数", "分值", "得分"])
    ws.append(["产出指标", "数量指标", "维护路灯数量", "≥500盏", "520盏", 50, 50])
    wb.save(tmp_path / "f.xlsx")
    before = check_file(tmp_path / "f.xlsx")
    assert before.record is not None and "ind.1.actual" not in before.record.values
    assert ("XF176", "E3") in {(f.code, f.cell) for f in before.findings}

    text = (Path(__file__).parent.parent / "templates" / "project.toml").read_text(encoding="utf-8")
    text = text.replace('id = "project"', 'id = "project-hb"').replace(
        'actual = ["完成值"', 'actual = ["达成数", "完成值"')
    (tmp_path / "hb.toml").write_text(text, encoding="utf-8")
    register(load_spec(tmp_path / "hb.toml"))
    try:
        after = check_file(tmp_path / "f.xlsx")
    finally:
        from xlsform import spec as spec_module
        spec_module._REGISTERED.pop("project-hb", None)
    assert after.record is not None and after.record.spec_id == "project-hb"
    assert after.record.values["ind.1.actual"] == "520盏" and after.record.cells["ind.1.actual"] == "Sheet!E4"


# ------------------------------------------------------------------------------- the bundled examples

def test_bundled_hand_made_examples_read_check_and_merge(tmp_path: Path) -> None:
    """README: `read`, `check`, `merge` on examples/legacy from a fresh clone."""
    import json

    from click.testing import CliRunner

    from xlsform.cli import main

    legacy = Path(__file__).parent.parent / "examples" / "legacy"
    read = CliRunner().invoke(main, ["read", str(legacy), "-o", str(tmp_path / "r.json")], catch_exceptions=False)
    assert read.exit_code == 0, read.output
    records = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert len(records) == 9 and all(r["cells"] for r in records)
    assert {r["spec"]["id"] for r in records} == {"wangcheng", "zhuzhou", "project"}
    check = CliRunner().invoke(main, ["check", str(legacy)], catch_exceptions=False)
    assert check.exit_code == 1 and "共 7 个文件、9 张自评表" in check.output    # real forms, real errors
    merge = CliRunner().invoke(main, ["merge", str(legacy), "-o", str(tmp_path / "s.xlsx")], catch_exceptions=False)
    assert merge.exit_code == 0, merge.output
    summary = openpyxl.load_workbook(tmp_path / "s.xlsx")["汇总表"]
    names = {row[1] for row in summary.iter_rows(min_row=2, values_only=True) if row[0] is None and row[1]}
    assert {"株洲市接待服务中心", "购买第三方服务", "财政政务管理", "委托业务项目"} <= names      # .xls too


# ---------------------------------------------------------------------------- general rules, small sheets

def _sheet(path: Path, rows: list[list[Any]], merges: tuple[str, ...] = (), formats: dict[str, str] | None = None
           ) -> Path:
    """A workbook of one sheet: rows from A1 (None leaves a cell empty), merged ranges, number formats."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row, start=1):
            if v is not None:
                ws.cell(row=r, column=c, value=v)
    for rng in merges:
        ws.merge_cells(rng)
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    wb.save(path)
    return path


def _read(path: Path) -> dict[str, object]:
    """What the form gave: the values, and a computed field's figure as printed."""
    result = read_file(path)
    assert result.record is not None
    return {**result.record.values, **result.record.cached}


def _rows(values: dict[str, object], column: str) -> list[object]:
    """One column of the indicator rows read (a row read has a 三级 name; an empty cell is None)."""
    return [values.get(f"ind.{i}.{column}") for i in range(1, 100) if f"ind.{i}.level3" in values]


HEAD = ["一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "分值", "得分"]


def test_a_header_printed_over_two_rows_under_a_group_cell(tmp_path: Path) -> None:
    """"一级指标" merged over both header rows, the other columns under a "绩效指标" group cell."""
    f = _sheet(tmp_path / "f.xlsx", [
        ["项目名称", "路灯维护"],
        ["一级指标", "绩效指标", None, None, None, None, None],
        [None, "二级指标", "三级指标", "指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "维护路灯数量", "≥500盏", "520盏", 50, 50],
    ], merges=("A2:A3", "B2:G2"))
    rec = read_file(f).record
    assert rec is not None and rec.values["ind.1.level1"] == "产出指标" and rec.values["ind.1.score"] == 50


def test_column_numbers_under_the_header_are_no_indicator(tmp_path: Path) -> None:
    f = _sheet(tmp_path / "f.xlsx", [
        ["项目名称", "路灯维护"], HEAD, [1, 2, 3, 4, 5, 6, 7],
        ["产出指标", "数量指标", "维护路灯数量", "≥500盏", "520盏", 50, 50]])
    rec = read_file(f).record
    assert rec is not None and [i.level3 for i in rec.indicators] == ["维护路灯数量"]


def test_section_rows_name_the_level1_of_the_rows_under_them(tmp_path: Path) -> None:
    f = _sheet(tmp_path / "f.xlsx", [
        ["项目名称", "路灯维护"],
        ["二级指标", "三级指标", "指标值", "实际完成值", "分值", "得分"],
        ["一、产出指标（50分）"],
        ["数量指标", "维护路灯数量", "≥500盏", "520盏", 50, 50],
        ["二、满意度指标（10分）"],
        ["服务对象满意度指标", "群众满意度", "≥90%", "95%", 10, 10]], merges=("A3:F3", "A5:F5"))
    rec = read_file(f).record
    assert rec is not None
    assert [(i.level1, i.level2) for i in rec.indicators] == [("产出指标", "数量指标"),
                                                            ("满意度指标", "服务对象满意度指标")]


def test_labels_in_a_row_over_their_values(tmp_path: Path) -> None:
    f = _sheet(tmp_path / "f.xlsx", [
        ["部门整体支出绩效自评表"], ["单位名称", "单位编码"], ["某某县农业农村局", "401001"], HEAD,
        ["产出指标", "数量指标", "培训人次", "≥200", "230", 50, 50]])
    rec = read_file(f).record
    assert rec is not None and rec.values["name"] == "某某县农业农村局" and rec.values["code"] == "401001"
    assert rec.cells["code"] == "Sheet!B3"


def test_labels_in_a_row_over_something_else_are_left_empty(tmp_path: Path) -> None:
    """主管部门 | 实施单位 over the fund table's header: no value under them, nothing invented."""
    f = _sheet(tmp_path / "f.xlsx", [
        ["项目名称", "路灯维护"], ["主管部门", None, "实施单位", "城管局"],
        ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数"], ["年度资金总额", 10, 10, 9], HEAD,
        ["产出指标", "数量指标", "维护路灯数量", "≥500盏", "520盏", 50, 50]])
    rec = read_file(f).record
    assert rec is not None and "department" not in rec.values and rec.values["implementer"] == "城管局"


def test_amounts_stated_in_yuan_above_the_table_are_read_in_wan_yuan(tmp_path: Path) -> None:
    f = _sheet(tmp_path / "f.xlsx", [
        ["项目名称", "路灯维护"], ["金额单位：元"],
        ["项目资金", "年初预算数", "全年预算数", "全年执行数"], ["年度资金总额", 120000, 150000, 135000], HEAD,
        ["产出指标", "数量指标", "维护路灯数量", "≥500盏", "520盏", 50, 50]])
    result = read_file(f)
    assert result.record is not None and result.record.values["fund.total.budget"] == 15
    assert ("XF175", "A2") in {(x.code, x.cell) for x in result.findings}


def test_a_field_printed_twice_with_two_values_is_left_out(tmp_path: Path) -> None:
    f = _sheet(tmp_path / "f.xlsx", [
        ["项目名称", "路灯维护"], ["项目名称", "道路维护"], HEAD,
        ["产出指标", "数量指标", "维护路灯数量", "≥500盏", "520盏", 50, 50]])
    result = read_file(f)
    assert result.record is not None and "name" not in result.record.values
    assert ("XF172", "B2") in {(x.code, x.cell) for x in result.findings}


def test_titles_stating_two_years_give_no_year(tmp_path: Path) -> None:
    f = _sheet(tmp_path / "f.xlsx", [
        ["2021年度项目支出绩效自评表"], ["（2022年度）"], ["项目名称", "路灯维护"], HEAD,
        ["产出指标", "数量指标", "维护路灯数量", "≥500盏", "520盏", 50, 50]])
    result = read_file(f)
    assert result.record is not None and "year" not in result.record.values
    assert "XF178" in {x.code for x in result.findings}


def test_two_forms_one_under_the_other_without_totals(tmp_path: Path) -> None:
    """The second form's title and fields end the first table: no row of the second is read into the first."""
    one = [["项目支出绩效自评表"], ["项目名称", "路灯维护"], HEAD,
           ["产出指标", "数量指标", "维护路灯数量", "≥500盏", "520盏", 50, 50]]
    two = [["项目支出绩效自评表"], ["项目名称", "道路保洁"], ["项目资金", "年初预算数", "全年预算数", "全年执行数"],
           ["年度资金总额", 10, 10, 9], HEAD, ["产出指标", "质量指标", "保洁达标率", "≥95%", "97%", 40, 40]]
    result = read_file(_sheet(tmp_path / "f.xlsx", [*one, [], *two]))
    records = [r.record for r in (result, *result.more)]
    assert [r.name for r in records if r] == ["路灯维护", "道路保洁"]
    assert [len(r.indicators) for r in records if r] == [1, 1]
    assert "fund.total.budget" not in records[0].values                             # type: ignore[union-attr]


def test_a_serial_number_column_is_no_unknown_header(tmp_path: Path) -> None:
    f = _sheet(tmp_path / "f.xlsx", [
        ["项目名称", "路灯维护"], ["序号", *HEAD],
        [1, "产出指标", "数量指标", "维护路灯数量", "≥500盏", "520盏", 50, 50]])
    result = read_file(f)
    assert result.record is not None and len(result.record.indicators) == 1
    assert "XF176" not in {x.code for x in result.findings}


# ------------------------------------------------------------------------------------- hostile workbooks

def test_a_style_index_of_thousands_of_digits_is_a_cell_without_style(tmp_path: Path) -> None:
    """Found by fuzzing the hand-made examples: int() of a 30,000-digit style index raised (XF114)."""
    from tests.helpers_read import rezip

    data = rezip((measure.FORMS / "L01_wangcheng_reception.xlsx").read_bytes(),
                 lambda n, b: b.replace(b'<c r="B3" s="1"', b'<c r="B3" s="' + b"7" * 30000 + b'"', 1)
                 if n == "xl/worksheets/sheet1.xml" else b)
    (tmp_path / "f.xlsx").write_bytes(data)
    result = read_file(tmp_path / "f.xlsx")
    assert result.record is not None and "XF114" not in {f.code for f in result.findings}


def test_a_thousand_sheets_cost_no_more_than_fifty(tmp_path: Path) -> None:
    """Found by fuzzing: a workbook listing one part under a thousand sheet names took seconds to import."""
    import time

    from tests.helpers_read import rezip

    many = b"".join(b'<sheet name="S%d" sheetId="%d" r:id="rId1"/>' % (i, i + 2) for i in range(1000))
    data = rezip((measure.FORMS / "L01_wangcheng_reception.xlsx").read_bytes(),
                 lambda n, b: b.replace(b"</sheets>", many + b"</sheets>") if n == "xl/workbook.xml" else b)
    (tmp_path / "f.xlsx").write_bytes(data)
    start = time.perf_counter()
    result = read_file(tmp_path / "f.xlsx")
    assert time.perf_counter() - start < 1.5
    assert result.record is not None and not result.more          # one part: one form


def test_at_most_fifty_forms_are_read_from_one_workbook(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for i in range(60):
        ws = wb.create_sheet(f"S{i}")
        for row in (["项目名称", f"项目{i}"], HEAD,
                    ["产出指标", "数量指标", "维护路灯数量", "≥500盏", f"{500 + i}盏", 50, 50]):
            ws.append(row)
    wb.save(tmp_path / "f.xlsx")
    result = read_file(tmp_path / "f.xlsx")
    assert len(result.more) == 49
    assert ("XF181", 60) in {(f.code, f.value) for f in result.findings}


def test_a_goal_typed_over_several_rows_is_read_whole(tmp_path: Path) -> None:
    f = _sheet(tmp_path / "f.xlsx", [
        ["项目名称", "路灯维护"],
        ["年度总体目标", "预期目标", None, "实际完成情况", None],
        [None, "目标1：维护路灯500盏", None, "维护路灯520盏", None],
        [None, "目标2：故障修复及时率95%", None, "及时率97%", None],
        HEAD, ["产出指标", "数量指标", "维护路灯数量", "≥500盏", "520盏", 50, 50]],
        merges=("A2:A4", "B2:C2", "D2:E2", "B3:C3", "D3:E3", "B4:C4", "D4:E4"))
    rec = read_file(f).record
    assert rec is not None
    assert rec.values["goal.target"] == "目标1：维护路灯500盏\n目标2：故障修复及时率95%"
    assert rec.values["goal.achieved"] == "维护路灯520盏\n及时率97%" and rec.cells["goal.achieved"] == "Sheet!D3"


def test_the_year_beside_its_label_and_in_the_title_must_agree(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["项目名称", "路灯维护", "年度", 2022], HEAD,
                             ["产出指标", "数量指标", "维护路灯数量", "≥500盏", "520盏", 50, 50]]
    rec = read_file(_sheet(tmp_path / "a.xlsx", rows)).record
    assert rec is not None and rec.values["year"] == 2022 and rec.cells["year"] == "Sheet!D1"
    other = read_file(_sheet(tmp_path / "b.xlsx", [["项目支出绩效自评表（2021年度）"], *rows]))
    assert other.record is not None and "year" not in other.record.values
    assert "XF178" in {f.code for f in other.findings}
