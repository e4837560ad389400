"""Summary rows: the figures equal the sums of the records, the rate is funding-weighted, invalid units stay out."""

from __future__ import annotations

import csv
import html
import io
import random
import re
import zipfile
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import load_seed
from xlsform.codes import Finding
from xlsform.merge import (
    ISSUE_COLUMNS,
    MISSING_COLUMNS,
    PAGE_PX,
    RETURN_COLUMNS,
    SUMMARY_COLUMNS,
    Column,
    Summary,
    build_summary,
    rate_band,
    totals_cells,
)
from xlsform.records import Record
from xlsform.results import FileResult
from xlsform.status import ERRORS, MISSING, RETURNED, WARNINGS, RosterUnit, assign
from xlsform.writer.summary import write_csv, write_summary

LEVELS = ("产出指标", "效益指标", "满意度指标")


def make_record(code: str, budget: str, spent: str, transfer: str, scores: list[tuple[str, int, str]],
                spec: str = "wangcheng", name: str | None = None) -> Record:
    """A return as the reader would give it, minus the computed values (merge recomputes what is missing)."""
    # Wangcheng's scored row is typed in; Zhuzhou's 合计 row is computed from its 当年财政拨款 row and others
    row = "total" if spec == "wangcheng" else "fiscal"
    values: dict[str, Any] = {"code": code, "name": name or f"单位{code}", "year": 2024,
                              f"fund.{row}.budget": float(budget), f"fund.{row}.spent": float(spent),
                              "fund.total.weight": 10}
    if spec == "wangcheng":
        values["fund.total.transfer"] = float(transfer)
    for i, (level1, weight, score) in enumerate(scores, start=1):
        values.update({f"ind.{i}.level1": level1, f"ind.{i}.level2": "数量指标", f"ind.{i}.level3": f"指标{i}",
                       f"ind.{i}.weight": weight, f"ind.{i}.score": float(score)})
    return Record(spec_id=spec, spec_version="2020.1", values=values)


def result(record: Record | None, file: str, errors: int = 0, warnings: int = 0, mtime: float = 1e9) -> FileResult:
    findings = [Finding("XF401", "error", f"错误{i}", file=file) for i in range(errors)]
    findings += [Finding("XF501", "warning", f"警告{i}", file=file) for i in range(warnings)]
    return FileResult(file=file, sha256=file, mtime=mtime, record=record, findings=findings)


def summarize(results: list[FileResult], units: list[RosterUnit] | None = None,
              include_invalid: bool = False) -> Summary:
    return build_summary(assign(results, units, modified=lambda r: None), include_invalid=include_invalid)


def q2(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def random_batch(n: int, seed: int = 7) -> list[tuple[str, str, str, str, list[tuple[str, int, str]]]]:
    """Known values: amounts with 2 decimals, scores with 2 decimals below their weights."""
    rnd = random.Random(seed)
    batch = []
    for k in range(n):
        a = Decimal(rnd.randint(1000, 500000)) / 100
        b = q2(a * Decimal(rnd.randint(40, 115)) / 100)
        c = q2(b * Decimal(rnd.randint(0, 20)) / 100)
        scores = [(LEVELS[i % 3], w, str(Decimal(rnd.randint(0, w * 100)) / 100))
                  for i, w in enumerate((20, 15, 15, 10, 10, 10, 10))]
        batch.append((f"43{k:05d}", str(a), str(b), str(c), scores))
    return batch


# --------------------------------------------------------------------------------- the figures

def test_seed_rows_carry_the_golden_figures() -> None:
    s = summarize([result(load_seed(n), f"{n}.xlsx") for n in ("000", "001", "002", "004")])
    by_file = {r.file: r for r in s.rows}
    assert [by_file[f"{n}.xlsx"].fund_score for n in ("000", "001", "002", "004")] == \
        [Decimal("2.71"), Decimal("10.00"), Decimal("9.44"), Decimal("9.58")]
    assert [by_file[f"{n}.xlsx"].total for n in ("000", "001", "002", "004")] == \
        [Decimal("92.71"), Decimal("100.00"), Decimal("99.44"), Decimal("69.58")]
    assert by_file["001.xlsx"].grade == "优" and by_file["004.xlsx"].grade == "中"


def test_generated_batch_totals_equal_the_sums_of_the_records() -> None:
    batch = random_batch(60)
    s = summarize([result(make_record(*b), f"{b[0]}.xlsx") for b in batch])
    a = sum(Decimal(b[1]) for b in batch)
    spent = sum(Decimal(b[2]) for b in batch)
    c = sum(Decimal(b[3]) for b in batch)
    t = s.totals
    assert (t.units, t.budget, t.spent, t.transfer) == (60, a, spent, c)
    assert t.rate == (spent - c) / a
    totals = [sum(Decimal(sc) for _, _, sc in b[4]) + q2(10 * min((Decimal(b[2]) - Decimal(b[3])) / Decimal(b[1]),
                                                                    Decimal(1))) for b in batch]
    assert [r.total for r in s.rows] == totals
    assert t.total == q2(sum(totals) / 60)
    outputs = [sum(Decimal(sc) for lv, _, sc in b[4] if lv == "产出指标") for b in batch]
    assert [r.output for r in s.rows] == outputs
    assert t.output == q2(sum(outputs) / 60)


def test_a_score_above_its_weight_counts_at_the_weight_in_its_subtotal_as_in_the_total() -> None:
    # issue 15.2: 产出指标得分 53.00 (uncapped) was shown beside 总分 99.30 (capped)
    rec = make_record("1", "100", "100", "0", [("产出指标", 20, "23"), ("产出指标", 30, "30"),
                                               ("效益指标", 30, "29.5"), ("满意度指标", 10, "10")])
    [row] = summarize([result(rec, "1.xlsx")]).rows
    assert (row.output, row.benefit, row.satisfaction, row.total) == (Decimal(50), Decimal("29.5"), 10, Decimal("99.5"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(LEVELS), st.integers(1, 30), st.integers(0, 4000)), min_size=1,
                max_size=12))
def test_the_subtotals_add_up_to_the_total(rows: list[tuple[str, int, int]]) -> None:
    """Whatever the unit typed (scores above their weights included), fund score + the three subtotals = 总分."""
    rec = make_record("1", "100", "90", "0", [(lv, w, str(Decimal(sc) / 100)) for lv, w, sc in rows])
    [row] = summarize([result(rec, "1.xlsx")]).rows
    parts = [row.fund_score, row.output, row.benefit, row.satisfaction]
    assert row.total == sum((p for p in parts if p is not None), Decimal(0))


def test_execution_rate_is_weighted_by_funds_not_the_mean_of_rates() -> None:
    s = summarize([result(make_record("1", "100", "100", "0", []), "1.xlsx"),
                   result(make_record("2", "900", "450", "0", []), "2.xlsx")])
    assert s.totals.rate == Decimal("0.55")          # 550 / 1000; the mean of 100% and 50% would be 75%
    assert [r.rate for r in s.rows] == [Decimal(1), Decimal("0.5")]


def test_transfer_is_netted_out_of_the_weighted_rate() -> None:
    s = summarize([result(make_record("1", "200", "180", "20", []), "1.xlsx"),
                   result(make_record("2", "100", "60", "0", [], spec="zhuzhou"), "2.xlsx")])
    assert s.totals.transfer == 20
    assert s.totals.rate == (Decimal(180) + 60 - 20) / 300


# ------------------------------------------------------------------------------- invalid units

def batch_with_one_invalid() -> list[FileResult]:
    return [result(make_record("1", "100", "90", "0", [("产出指标", 50, "40")]), "1.xlsx"),
            result(make_record("2", "300", "300", "0", [("产出指标", 50, "50")]), "2.xlsx", warnings=2),
            result(make_record("3", "600", "150", "0", [("产出指标", 50, "10")]), "3.xlsx", errors=1)]


def test_units_with_errors_are_listed_but_left_out_of_totals_ranks_and_stats() -> None:
    s = summarize(batch_with_one_invalid())
    assert [(r.code, r.state, r.counted) for r in s.rows] == \
        [("1", RETURNED, True), ("2", WARNINGS, True), ("3", ERRORS, False)]
    assert (s.totals.units, s.totals.budget, s.totals.spent) == (2, 400, 390)
    assert s.rows[2].rank is None and s.rows[2].total is not None
    assert sum(n for _, n in s.stats["等级分布"]) == 2
    assert s.missing == []                                   # issue 8.4: 未报送 is for units with no return
    assert [(m.code, m.errors) for m in s.returned] == [("3", 1)]


def test_include_invalid_counts_them() -> None:
    s = summarize(batch_with_one_invalid(), include_invalid=True)
    assert all(r.counted for r in s.rows)
    assert (s.totals.units, s.totals.budget, s.totals.spent) == (3, 1000, 540)
    assert s.rows[2].rank == 3


def test_unreadable_file_never_counts_and_missing_units_are_listed() -> None:
    units = [RosterUnit("1", "甲"), RosterUnit("2", "乙", file="乙.xlsx"), RosterUnit("3", "丙")]
    s = summarize([result(make_record("1", "100", "90", "0", []), "1.xlsx"), result(None, "in/乙.xlsx", errors=1)],
                  units, include_invalid=True)
    assert [(r.code, r.state, r.counted) for r in s.rows] == [("1", RETURNED, True), ("2", ERRORS, False),
                                                              ("3", MISSING, False)]
    assert [(m.code, m.state) for m in s.missing] == [("3", MISSING)] and "催报" in s.missing[0].note
    assert [m.code for m in s.returned] == ["2"] and "无法读取" in s.returned[0].reason


def test_equal_totals_share_a_rank() -> None:
    s = summarize([result(make_record(str(i), "100", "100", "0", [("产出指标", 90, sc)]), f"{i}.xlsx")
                   for i, sc in enumerate(("80", "85", "80", "70"))])
    assert [r.rank for r in s.rows] == [2, 1, 2, 4]


# ----------------------------------------------------------------------------- the other sheets

def test_indicator_rows_skip_unused_wangcheng_slots() -> None:
    s = summarize([result(load_seed("000"), "000.xlsx")])
    record = load_seed("000")
    used = [i for i in record.indicators if i.level3 or i.weight]
    assert len(s.indicators) == len(used) < len(record.indicators)
    assert {i.level1 for i in s.indicators} <= set(LEVELS)


def test_detail_sheet_drops_optional_columns_no_return_fills(tmp_path: Path) -> None:
    s = summarize([result(load_seed("000"), "000.xlsx")])      # Wangcheng has no 指标性质 / 度量单位 columns
    write_summary(tmp_path / "s.xlsx", s)
    headers = [c.value for c in openpyxl.load_workbook(tmp_path / "s.xlsx")["指标明细"][1]]
    assert "指标性质" not in headers and "度量单位" not in headers
    assert {"目标内容", "完成值", "分值", "得分"} <= set(headers)


def test_issue_list_has_every_finding_plus_superseded_and_unmatched_files() -> None:
    units = [RosterUnit("1", "甲")]
    old = result(make_record("1", "100", "90", "0", []), "old.xlsx", errors=2, mtime=1.0)
    new = result(make_record("1", "100", "95", "0", []), "new.xlsx", warnings=1, mtime=2.0)
    stray = result(make_record("9", "1", "1", "0", []), "stray.xlsx")
    s = summarize([old, new, stray], units)
    files = [(i.file, i.finding) for i in s.issues]
    assert files.count(("new.xlsx", "XF501")) == 1 and files.count(("old.xlsx", "XF401")) == 2
    assert ("old.xlsx", "—") in files and ("stray.xlsx", "—") in files
    assert any("new.xlsx" in i.message for i in s.issues if i.file == "old.xlsx")


@pytest.mark.parametrize(("rate", "band"), [
    ("0.5999", "60%以下"), ("0.6", "60%–80%"), ("0.8999", "80%–90%"), ("0.9", "90%–100%"), ("1", "90%–100%"),
    ("1.0001", "100%以上")])
def test_rate_bands(rate: str, band: str) -> None:
    assert rate_band(Decimal(rate)) == band


def test_score_distribution_counts_each_counted_unit_once() -> None:
    s = summarize([result(make_record(str(i), "100", "100", "0", [("产出指标", 90, sc)]), f"{i}.xlsx")
                   for i, sc in enumerate(("40", "50", "60", "70", "80", "89.99"))])
    assert dict(s.stats["总分分布"]) == {"60分以下": 1, "60–70分": 1, "70–80分": 1, "80–90分": 1, "90分及以上": 2}


def test_csv_escapes_formula_text_but_not_numbers() -> None:
    columns = (Column("名称", "name", "text"), Column("执行率", "rate", "percent"), Column("分", "score", "score"))
    out = io.BytesIO()
    write_csv(out, columns, [["=HYPERLINK(\"x\")", Decimal("-0.05"), Decimal("12.50")], ["-2", None, None],
                             ["@SUM(A1)", Decimal(1) / 3, Decimal("307.0")]])
    raw = out.getvalue()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows == [["名称", "执行率", "分"], ["'=HYPERLINK(\"x\")", "-0.050000", "12.50"], ["'-2", "", ""],
                    ["'@SUM(A1)", "0.333333", "307"]]


# --------------------------------------------------------------------------------- the workbook

def test_workbook_figures_and_text_cells(tmp_path: Path) -> None:
    batch = random_batch(25, seed=3)
    records = [make_record(*b) for b in batch]
    records[0].values["ind.1.actual"] = '=HYPERLINK("http://evil.example","点我")'
    records[1].values["name"] = "=1+1"
    s = summarize([result(r, f"{r.code}.xlsx", errors=int(i == 2)) for i, r in enumerate(records)])
    path = tmp_path / "汇总.xlsx"
    write_summary(path, s)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["汇总表", "指标明细", "问题清单", "未报送", "退回修改", "统计"]
    ws = wb["汇总表"]
    headers = [c.value for c in ws[1]]
    col = {c.attr: headers.index(c.header) + 1 for c in SUMMARY_COLUMNS}
    total_row = len(s.rows) + 2
    assert ws.cell(total_row, 1).value == "合计"
    cells = totals_cells(s.totals)
    for attr in ("budget", "spent", "fiscal_budget", "fiscal_spent", "transfer", "total"):
        assert Decimal(repr(ws.cell(total_row, col[attr]).value)) == cells[attr]
    # the unit with errors (the third) is listed but not in the sums
    assert Decimal(repr(ws.cell(total_row, col["budget"]).value)) == sum(Decimal(b[1]) for b in batch[:2] + batch[3:])
    assert ws.cell(4, col["state"]).value == ERRORS and ws.cell(4, col["rank"]).value is None
    assert ws.cell(total_row, col["rate"]).number_format == "0.00%"
    assert ws.cell(2, col["budget"]).number_format == "#,##0.00"
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref == f"A1:U{len(s.rows) + 1}"
    name_cell = ws.cell(3, col["name"])
    assert name_cell.value == "=1+1" and name_cell.data_type == "s"
    detail = wb["指标明细"]
    actual = [c for row in detail.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert len(actual) == 1 and actual[0].data_type == "s"


def test_workbook_sheets_have_print_setup_and_charts(tmp_path: Path) -> None:
    s = summarize(batch_with_one_invalid())
    path = tmp_path / "s.xlsx"
    write_summary(path, s, office="某某区财政局", created=datetime(2025, 3, 31))
    wb = openpyxl.load_workbook(path)
    printed = {"汇总表": "$A$1:$Q$6", "问题清单": "$A$1:$F$2", "退回修改": "$A$1:$D$2", "统计": None}
    with zipfile.ZipFile(path) as z:
        headers = [html.unescape(re.search(r"<oddHeader>(.*?)</oddHeader>", z.read(f"xl/worksheets/sheet{n}.xml")
                                           .decode()).group(1)) for n in range(1, len(wb.sheetnames) + 1)]
    for ws, header in zip(wb, headers, strict=True):
        assert ws.freeze_panes is not None and ws.auto_filter.ref, ws.title
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize in (9, "9"), ws.title
        assert ws.print_title_rows == "$1:$1", ws.title
        # one page wide (the columns are sized for it at 100%: fitting only guards), headed by the round
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1), ws.title
        for part in ("2024年度部门整体支出绩效自评汇总表", "编制单位：某某区财政局", "编制日期：2025年3月31日"):
            assert part in header, (ws.title, header)
        area = ws.print_area
        if printed.get(ws.title):
            assert area and area.endswith(printed[ws.title]), (ws.title, area)
        elif ws.title != "统计":       # 指标明细 and the empty 未报送 print nothing: one empty cell
            assert area and re.search(r"!\$[A-Z]+\$1$", area), (ws.title, area)
    with zipfile.ZipFile(path) as z:
        assert len([n for n in z.namelist() if n.startswith("xl/charts/chart")]) == 3


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 10**9), st.integers(0, 10**9), st.integers(0, 10**7)), min_size=1,
                max_size=12))
def test_totals_are_exact_sums_and_the_rate_is_funding_weighted(cents: list[tuple[int, int, int]]) -> None:
    """Amounts in 万元 to the cent (as typed): the 合计 is exact, never a float sum, and the rate is ΣB−ΣC over ΣA."""
    amounts = [tuple(str(Decimal(x) / 100) for x in t) for t in cents]
    s = summarize([result(make_record(str(i), a, b, c, []), f"{i}.xlsx") for i, (a, b, c) in enumerate(amounts)])
    a_sum, b_sum, c_sum = (sum(Decimal(t[k]) for t in amounts) for k in range(3))
    assert (s.totals.budget, s.totals.spent, s.totals.transfer) == (a_sum, b_sum, c_sum)
    assert s.totals.rate == (b_sum - c_sum) / a_sum


@pytest.mark.parametrize("columns", [SUMMARY_COLUMNS, ISSUE_COLUMNS, RETURN_COLUMNS, MISSING_COLUMNS],
                         ids=["汇总表", "问题清单", "退回修改", "未报送"])
def test_printed_columns_come_first_and_fit_the_page(columns: tuple[Column, ...]) -> None:
    """What prints is one A4 landscape page wide at 100% in 8 pt (tests/test_print.py proves it on paper):
    a column added past that width would shrink the whole table under 8 pt."""
    printed = [c for c in columns if c.printed]
    assert list(columns[:len(printed)]) == printed
    assert sum(7 * c.width + 5 for c in printed) <= PAGE_PX
