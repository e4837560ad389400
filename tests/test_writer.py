"""The form writer: open the produced workbooks and check locking, names, validations, metadata, formulas."""

from __future__ import annotations

import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.cell import range_boundaries

from tests.conftest import load_seed
from tests.helpers_forms import prefill_values, unlocked_cells, write_return, write_template
from xlsform.cli.generate import field_info
from xlsform.codes import Finding
from xlsform.layout import LISTS_SHEET, META_SHEET, Layout, a1
from xlsform.spec import load_spec
from xlsform.writer import form_bytes, plan_form, write_form
from xlsform.writer.form import FINDINGS_SHEET, WriterError

SEEDS = {"000": "wangcheng", "001": "zhuzhou", "002": "wangcheng", "004": "wangcheng"}
CREATED = {"generated_at": "2024-03-01T08:00:00Z"}


def expected_unlocked(layout: Layout, prefilled: dict[str, Any]) -> set[str]:
    """The issue's rule, stated independently: a cell is unlocked exactly when the unit must fill it."""
    rows = max((layout.place(k).index or 0 for k in prefilled), default=0)
    cells: set[str] = set()
    for key, p in layout.places.items():
        if p.field.role == "computed" or (p.field.role == "prefill" and key in prefilled):
            continue
        if rows and p.index is not None and p.index > rows:
            continue
        cells |= {a1(r, c) for r in range(p.row, p.last_row + 1) for c in range(p.col, p.last_col + 1)}
    return cells


def open_wb(path: Path, **kw: Any) -> Any:
    return openpyxl.load_workbook(path, **kw)


@pytest.mark.parametrize("seed_id", sorted(SEEDS))
def test_unlocked_cells_are_exactly_the_units_inputs(tmp_path: Path, seed_id: str) -> None:
    record = load_seed(seed_id)
    path = write_template(tmp_path / "t.xlsx", record)
    layout = Layout(load_spec(SEEDS[seed_id]))
    assert unlocked_cells(path) == expected_unlocked(layout, prefill_values(record))


def test_locking_of_seed_000_by_hand(tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx", load_seed("000"))
    ws = open_wb(path).worksheets[0]
    locked = {ref: ws[ref].protection.locked for ref in ("C6", "D6", "G6", "H6", "B12", "H12", "I12", "D14", "I42")}
    # budget prefilled, spent is the unit's, rate/score formulas, level1/weight prefilled, score the unit's,
    # indicator 3 has no 三级指标 in the roster so the unit may fill it, the score total is a formula.
    assert locked == {"C6": True, "D6": False, "G6": True, "H6": True, "B12": True, "H12": True, "I12": False,
                      "D14": False, "I42": True}
    assert ws["D6"].fill.fgColor.rgb.endswith("FFF2CC")
    # seed 000 has 9 indicators: rows 10–30 of the table (sheet rows 21–41) are locked and hidden
    assert [r for r in range(12, 42) if ws.row_dimensions[r].hidden] == list(range(21, 42))
    assert not any(ws.cell(r, c).protection.locked is False for r in range(21, 42) for c in range(1, 12))


def test_blank_template_leaves_every_non_computed_field_to_the_unit(tmp_path: Path) -> None:
    layout = Layout(load_spec("project"))
    path = tmp_path / "blank.xlsx"
    write_form(path, layout, {})
    assert unlocked_cells(path) == expected_unlocked(layout, {})
    ws = open_wb(path).worksheets[0]
    assert not any(ws.row_dimensions[r].hidden for r in range(1, layout.last_row + 2))


def test_plan_with_explicit_locked_keys_ignores_input_roles() -> None:
    layout = Layout(load_spec("wangcheng"))
    plan = plan_form(layout, {"goal.achieved": "x", "name": "x"}, locked=["name", "goal.achieved"])
    assert "name" not in plan.unlocked and "goal.achieved" in plan.unlocked
    assert plan.prefilled_rows == 0 and not plan.hidden_rows


@pytest.mark.parametrize("spec_id", ["wangcheng", "zhuzhou", "project"])
def test_every_field_has_a_defined_name_where_describe_says(tmp_path: Path, spec_id: str) -> None:
    spec = load_spec(spec_id)
    layout = Layout(spec)
    path = tmp_path / "f.xlsx"
    write_form(path, layout, {"code": "1", "name": "单位"})
    names = open_wb(path).defined_names
    for place in layout.places.values():
        info = field_info(place, spec)
        dn = names[info["name"]]
        ((sheet, ref),) = list(dn.destinations)
        assert (sheet, ref.replace("$", "")) == (info["sheet"], info["cell"]), info["name"]
    assert len([n for n in names if n.startswith("xf_")]) >= len(layout.places)


def test_protection_hidden_sheets_metadata_and_properties(tmp_path: Path) -> None:
    record = load_seed("000")
    path = write_template(tmp_path / "t.xlsx", record, password="secret", meta=CREATED)
    wb = open_wb(path)
    ws = wb.worksheets[0]
    assert ws.protection.sheet and ws.protection.password  # hashed
    # OOXML flags say what is *blocked*: formatting, inserting and deleting rows are; selecting cells is not.
    assert ws.protection.formatCells and ws.protection.insertRows and ws.protection.deleteRows
    assert not ws.protection.selectLockedCells and not ws.protection.selectUnlockedCells
    assert wb[LISTS_SHEET].sheet_state == "hidden" and wb[META_SHEET].sheet_state == "veryHidden"
    assert wb[LISTS_SHEET].protection.sheet and wb[META_SHEET].protection.sheet
    meta = {r[0]: r[1] for r in wb[META_SHEET].iter_rows(values_only=True)}
    copy = json.loads(meta.pop("prefill"))          # the prefilled data, checked on return (prefill.py)
    assert copy["code"] == "430112001" and copy["fund.total.budget"] == 307
    assert copy == {k: int(v) if isinstance(v, float) and v.is_integer() else v
                    for k, v in prefill_values(record).items()}
    assert meta == {"spec_id": "wangcheng", "spec_version": "2020.1", "code": "430112001", "year": "2020",
                    "indicator_rows": "30", "generator": meta["generator"], "generated_at": CREATED["generated_at"]}
    assert meta["generator"].startswith("xlsform ")
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props == {"xf_spec_id": "wangcheng", "xf_spec_version": "2020.1", "xf_code": "430112001",
                     "xf_year": "2020"}


def test_dropdowns_come_from_defined_names_on_the_hidden_sheet(tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    layout = Layout(load_spec("project"))
    write_form(path, layout, {})
    wb = open_wb(path)
    lists = wb[LISTS_SHEET]
    level1 = [lists.cell(r, 1).value for r in range(1, 4)]
    assert level1 == ["产出指标", "效益指标", "满意度指标"]
    assert wb.defined_names["xf_list_level1"].attr_text == f"'{LISTS_SHEET}'!$A$1:$A$3"
    by_formula = {dv.formula1: str(dv.sqref) for dv in wb.worksheets[0].data_validations.dataValidation
                  if dv.type == "list"}
    first = layout.ind_first_row + 1
    assert by_formula["xf_list_level1"] == f"B{first}:B{first + 29}"
    assert by_formula[f'INDIRECT("xf_l2_"&MATCH($B{first},xf_list_level1,0))'] == f"C{first}:C{first + 29}"
    assert "xf_list_nature" in by_formula


def test_number_and_text_validations_with_messages(tmp_path: Path) -> None:
    path = tmp_path / "w.xlsx"
    layout = Layout(load_spec("wangcheng"))
    write_form(path, layout, {})
    dvs = {str(dv.sqref): dv for dv in open_wb(path).worksheets[0].data_validations.dataValidation}
    score = dvs["I12:I41"]
    # "between" is the OOXML default operator, so it is omitted
    assert (score.type, score.operator, score.formula1, score.formula2) == ("decimal", None, "0", "$H12")
    spent = dvs["D6"]
    assert spent.type == "decimal" and spent.formula1 == "0" and "万元" in spent.prompt
    reason = dvs["J12:J41"]
    assert (reason.type, reason.operator, reason.formula1) == ("textLength", "lessThanOrEqual", "1000")
    assert dvs["A2:L2"].type == "whole"          # the year, a blank template's input
    assert all(dv.prompt and dv.showInputMessage for dv in dvs.values())


def test_only_inputs_carry_validation(tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx", load_seed("002"))
    ws = open_wb(path).worksheets[0]
    refs = set()
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            c0, r0, c1, r1 = range_boundaries(rng.coord)
            refs |= {a1(r - 1, c - 1) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    assert refs == unlocked_cells(path)


@pytest.mark.parametrize("seed_id", sorted(SEEDS))
def test_cached_values_are_the_recomputed_ones(tmp_path: Path, seed_id: str) -> None:
    record = load_seed(seed_id)
    path = write_return(tmp_path / "r.xlsx", record)
    layout = Layout(load_spec(SEEDS[seed_id]))
    expected = layout.recompute(dict(record.values))
    ws = open_wb(path, data_only=True).worksheets[0]
    formulas = open_wb(path).worksheets[0]
    for place in layout.computed():
        want = expected[place.key]
        got = ws[place.ref].value
        assert formulas[place.ref].value == layout.formula(place.key)
        if want is None:
            assert got in (None, "")
        elif isinstance(want, Decimal):
            assert got == pytest.approx(float(want)), place.key
        else:
            assert got == want


GOLDEN = {"000": (2.71, 92.71, "优"), "001": (10, 100, "优"), "002": (9.44, 99.44, "优"), "004": (9.58, 69.58, "中")}


@pytest.mark.parametrize("seed_id", sorted(SEEDS))
def test_seed_golden_figures_in_the_file(tmp_path: Path, seed_id: str) -> None:
    path = write_return(tmp_path / "r.xlsx", load_seed(seed_id))
    wb = open_wb(path, data_only=True)
    ws = wb.worksheets[0]

    def value(name: str) -> Any:
        ((_, ref),) = list(wb.defined_names[name].destinations)
        return ws[ref.replace("$", "")].value

    assert (value("xf_fund_total_score"), value("xf_total_score"), value("xf_total_grade")) == GOLDEN[seed_id]


def test_text_is_never_a_formula_or_a_number(tmp_path: Path) -> None:
    layout = Layout(load_spec("wangcheng"))
    evil = '=HYPERLINK("http://evil.example","点我")'
    path = tmp_path / "x.xlsx"
    values = {"name": evil, "code": "00123", "ind.1.actual": "100%", "fund.total.budget": "4753.66万元"}
    write_form(path, layout, values)
    ws = open_wb(path).worksheets[0]
    for ref, text in (("B3", evil), ("G3", "00123"), ("G12", "100%"), ("C6", "4753.66万元")):
        assert ws[ref].value == text and ws[ref].data_type == "s", ref
    assert ws["B3"].number_format == "@"
    with zipfile.ZipFile(path) as z:
        assert "HYPERLINK" not in z.read("xl/worksheets/sheet1.xml").decode()


def test_two_runs_give_identical_bytes() -> None:
    layout = Layout(load_spec("zhuzhou"))
    values = prefill_values(load_seed("001"))
    first = form_bytes(layout, values, password="p", meta=CREATED)
    second = form_bytes(Layout(load_spec("zhuzhou")), values, password="p", meta=CREATED)
    assert first == second
    assert form_bytes(layout, values, password="q", meta=CREATED) != first


def test_page_setup_and_look(tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx", load_seed("000"))
    wb = open_wb(path)
    ws = wb.worksheets[0]
    # fitToWidth is omitted when 1 (the OOXML default); fitToHeight 0 = as many pages tall as needed
    assert (ws.page_setup.orientation, ws.page_setup.paperSize, ws.page_setup.fitToWidth) == ("landscape", 9, None)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$11:$11"
    assert "第 &P 页" in ws.oddFooter.center.text
    assert not ws.sheet_view.showGridLines and ws.freeze_panes is None
    assert "A1:L1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A1"].value == "部门整体自评表" and ws["A1"].font.b and ws["A1"].font.sz == 16
    assert ws.column_dimensions["E"].width == pytest.approx(24, abs=1)
    assert ws["B8"].alignment.wrap_text and ws["C6"].border.left.style == "thin"
    assert ws["C6"].number_format == "0.00" and ws["G6"].number_format == "0.00%"


def test_conditional_formats_flag_score_weight_and_reasons(tmp_path: Path) -> None:
    path = tmp_path / "w.xlsx"
    write_form(path, Layout(load_spec("wangcheng")), {})
    cf = open_wb(path).worksheets[0].conditional_formatting
    rules = {str(r.sqref): [x.formula[0] for x in r.rules] for r in cf}
    assert rules["I12:I41"] == ["AND(ISNUMBER(I12),I12>N(H12))"]
    assert rules["H42"] == ["ROUND(N($H$42),2)<>100"]
    assert rules["J12:J41"] == ["AND(ISNUMBER(I12),I12<N(H12),LEN(TRIM(J12))=0)"]
    assert rules["C7:L7"] == ["AND(ISNUMBER($G$6),$G$6<0.9,LEN(TRIM($C$7))=0)"]


def test_annotated_copy_has_comments_highlights_and_a_findings_sheet(tmp_path: Path) -> None:
    record = load_seed("004")
    sheet = load_spec("wangcheng").sheet
    findings = [
        Finding("XF401", "error", "分值合计为 70，应为 100", sheet=sheet, cell="H42", field="总分·分值", value=70,
                expected=100),
        Finding("XF301", "warning", "缺少未完成原因", sheet=sheet, cell="J13", field="未完成原因"),
        Finding("XF101", "info", "文件级提示"),
    ]
    path = write_return(tmp_path / "a.xlsx", record, findings=findings)
    wb = open_wb(path)
    ws = wb[sheet]
    assert "70" in ws["H42"].comment.text and "缺少" in ws["J13"].comment.text
    assert ws["H42"].fill.fgColor.rgb.endswith("FFC7CE") and ws["J13"].fill.fgColor.rgb.endswith("FFE0B2")
    assert ws["J13"].protection.locked is False and ws.protection.sheet
    report = wb[FINDINGS_SHEET]
    assert report.sheet_state == "visible"
    rows = list(report.iter_rows(values_only=True))
    assert rows[0] == ("序号", "级别", "代码", "单元格", "字段", "填报值", "应为", "说明")
    assert rows[1][:7] == ("1", "错误", "XF401", "H42", "总分·分值", "70", "100")
    assert report["D2"].hyperlink.location == f"'{sheet}'!H42"
    assert len(rows) == 4


def test_overlong_text_is_refused_not_truncated() -> None:
    with pytest.raises(WriterError, match="32767"):
        form_bytes(Layout(load_spec("wangcheng")), {"goal.target": "字" * 40000})


def test_write_form_to_a_stream_and_a_path_agree(tmp_path: Path) -> None:
    layout = Layout(load_spec("wangcheng"))
    buf = io.BytesIO()
    write_form(buf, layout, {"code": "1"}, password="p", meta=CREATED)
    write_form(tmp_path / "f.xlsx", layout, {"code": "1"}, password="p", meta=CREATED)
    assert buf.getvalue() == (tmp_path / "f.xlsx").read_bytes()
    assert not list(tmp_path.glob("*.part"))


def _row_tags(path: Path) -> dict[int, str]:
    """Each <row> start tag of the form sheet, by 0-based row."""
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    return {int(m.group(1)) - 1: m.group(0) for m in re.finditer(r'<row r="(\d+)"[^>]*>', xml)}


def test_rows_grow_to_show_prefilled_text(tmp_path: Path) -> None:
    long_content = "以接待为桥梁全面展现望城经济发展变化，通过多种宣传方式和媒介，向来宾推介望城经济社会发展成果。" * 2
    values = {"ind.1.level1": "产出指标", "ind.1.content": long_content, "ind.2.level1": "产出指标",
              "ind.2.content": "短", "goal.overview": long_content * 6}
    layout = Layout(load_spec("wangcheng"))
    path = tmp_path / "g.xlsx"
    write_form(path, layout, values)
    rows = open_wb(path).worksheets[0].row_dimensions
    first, overview = layout.ind_first_row, layout.place("goal.overview").row
    assert rows[first + 1].height > 100 and rows[first + 2].height < 20    # fitted to the text, one line
    assert rows[overview + 1].height > 80                                  # a merged field grows past the spec
    tags = _row_tags(path)
    # indicator rows take the unit's long reasons: their height is where they start, not fixed (no
    # customHeight), so the spreadsheet grows them as the unit types; the merged field's row is fixed
    assert "customHeight" not in tags[first] and "customHeight" not in tags[first + 1]
    assert "customHeight" in tags[overview]


@pytest.mark.parametrize("spec_id", ["wangcheng", "zhuzhou", "project"])
def test_a_blank_form_leaves_the_indicator_rows_to_the_spreadsheet(tmp_path: Path, spec_id: str) -> None:
    layout = Layout(load_spec(spec_id))
    write_form(tmp_path / "b.xlsx", layout, {})
    tags = _row_tags(tmp_path / "b.xlsx")
    rows = range(layout.ind_first_row, layout.ind_first_row + layout.n)
    assert all("ht=" not in tags.get(r, "") for r in rows)     # empty: the default height, fitted as typed
    assert "customHeight" in tags[layout.ind_header_rows[0]]  # the header row keeps the spec's height


PREFILL_KEYS = sorted(k for k, p in Layout(load_spec("project")).places.items()
                      if p.field.role == "prefill" and (p.index or 0) <= 6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keys=st.sets(st.sampled_from(PREFILL_KEYS), max_size=25))
def test_any_prefill_subset_unlocks_exactly_the_rest(tmp_path: Path, keys: set[str]) -> None:
    layout = Layout(load_spec("project"))
    values = {k: (1 if layout.place(k).field.numeric else "x") for k in keys}
    path = tmp_path / "h.xlsx"
    write_form(path, layout, values)
    assert unlocked_cells(path) == expected_unlocked(layout, values)
