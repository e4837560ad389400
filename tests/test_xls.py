"""Issue 15.9: a return saved as .xls (Excel 97-2003) is read, checked and merged like the .xlsx it came from.

The fixtures are the example returns as LibreOffice saves them as .xls (tests/data/xls/make_fixtures.py); the
LibreOffice test at the end makes its own from a generated form filled in LibreOffice. Hostile .xls files are
real ones with records edited or added (tests/helpers_xls.py), so each reaches the check it is meant for.
"""

from __future__ import annotations

import json
import shutil
import struct
import time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from tests.helpers_lo import LibreOffice, libreoffice
from tests.helpers_xls import (
    XLS_000,
    XLS_001,
    in_globals,
    in_sheet,
    mulblank,
    ole,
    record,
    records,
    set_number,
    workbook_stream,
)
from xlsform.check import check_file
from xlsform.cli import main
from xlsform.manifest import Manifest
from xlsform.reader import read_file
from xlsform.xls import XlsReader
from xlsform.xlsx import MAX_CELLS, name_target, open_reader

__all__ = ["libreoffice"]

ROOT = Path(__file__).resolve().parent.parent
WANGCHENG = ROOT / "examples/returns/wangcheng"
SAME = {XLS_000: WANGCHENG / "000_wangcheng_reception.xlsx",
        XLS_001: ROOT / "examples/returns/zhuzhou/001_zhuzhou_reception.xlsx"}


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def written(tmp_path: Path, stream: bytes, name: str = "x.xls") -> Path:
    path = tmp_path / name
    path.write_bytes(ole(stream))
    return path


# ------------------------------------------------------------------------------------------- reading

@pytest.mark.parametrize("xls", [XLS_000, XLS_001], ids=["wangcheng", "zhuzhou"])
def test_an_xls_return_reads_as_the_record_of_its_xlsx(xls: Path) -> None:
    a, b = read_file(xls), read_file(SAME[xls])
    assert a.record is not None and b.record is not None and a.findings == []
    assert a.record.values == b.record.values and a.record.cells == b.record.cells
    assert a.record.fund_labels == b.record.fund_labels


def test_the_raw_workbook_of_an_xls_has_what_the_checks_and_the_importer_use() -> None:
    xls, xlsx = read_file(XLS_000).workbook, read_file(SAME[XLS_000]).workbook
    assert xls is not None and xlsx is not None and xls.form is not None and xlsx.form is not None
    assert xls.source_format == "xls" and xls.unverifiable == ("formulas",) and xlsx.unverifiable == ()
    assert [(s.name, s.state) for s in xls.sheets] == [("部门整体自评表", "visible"), ("_xf_lists", "hidden"),
                                                        ("_xf_meta", "hidden")]   # very hidden in ours: LO saves hidden
    assert {k: name_target(v) for k, v in xls.names.items() if k.startswith("xf_")} == \
        {k: name_target(v) for k, v in xlsx.names.items() if k.startswith("xf_")}
    assert sorted(xls.form.merged) == sorted(xlsx.form.merged)
    assert xls.form.protected and xls.meta == xlsx.meta            # the prefilled copy in _xf_meta survives
    cells = set(xls.form.cells) & set(xlsx.form.cells)
    assert {c for c in cells if not xls.locked(*c)} == {c for c in cells if not xlsx.locked(*c)} != set()
    assert xls.number_kind(4, 6) == xlsx.number_kind(4, 6) == "percent"     # 执行率 G5


def test_the_xls_reader_shows_every_sheet_with_formats_for_the_importer() -> None:
    data = XLS_000.read_bytes()
    rdr = open_reader(data)
    assert isinstance(rdr, XlsReader) and rdr.kind == "xls"
    wb = rdr.workbook()
    sheets = {s.name: rdr.sheet(s.name) for s in wb.sheets}
    assert sheets["_xf_lists"].cells and sheets["_xf_meta"].cells
    form = sheets["部门整体自评表"]
    formats = rdr.number_formats()
    assert formats[form.styles[(4, 6)]] == "0.00%" and formats[form.styles[(4, 2)]] == "0.00"
    assert form.at("C5") is not None and form.at("C5").value == 307.0     # type: ignore[union-attr]
    xlsx = open_reader(SAME[XLS_000].read_bytes())
    assert xlsx.kind == "xlsx"
    xlsx.workbook()
    assert xlsx.number_formats()[xlsx.sheet("部门整体自评表").styles[(4, 6)]] == "0.00%"


# ------------------------------------------------------------------------------------------- checking

def test_check_of_an_xls_says_once_what_it_could_not_verify_and_nothing_else_changes() -> None:
    manifest = Manifest.load(WANGCHENG / "manifest.json")
    xls = [f.code for f in check_file(XLS_000, manifest=manifest).findings]
    xlsx = [f.code for f in check_file(SAME[XLS_000], manifest=manifest).findings]
    # the .xlsx example caches a rate printed as 27% (XF407 twice); LibreOffice recalculated it when saving
    assert xls.count("XF118") == 1 and "XF153" not in xls
    assert sorted(c for c in xls if c != "XF118") == sorted(c for c in xlsx if c != "XF407")


def test_a_changed_locked_budget_in_an_xls_is_caught_with_and_without_the_manifest(tmp_path: Path) -> None:
    stream = set_number(workbook_stream(XLS_000.read_bytes()), 0, 4, 2, 999.0)     # C5 财政拨款 全年预算数
    path = written(tmp_path, stream)
    manifest = Manifest.load(WANGCHENG / "manifest.json")
    with_manifest = check_file(path, manifest=manifest).findings
    [f] = [f for f in with_manifest if f.code == "XF152" and f.key == "fund.fiscal.budget"]
    assert (f.value, f.expected, f.cell) == (999.0, 307, "C5")
    assert any(f.code == "XF161" and f.key == "fund.fiscal.budget" for f in check_file(path).findings)


def test_status_and_merge_count_an_xls_return(tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    shutil.copy(WANGCHENG / "manifest.json", tmp_path / "manifest.json")
    shutil.copy(XLS_000, returns / "000.xls")
    for name in ("002_wangcheng_party_office.xlsx", "004_wangcheng_cppcc.xlsx"):
        shutil.copy(WANGCHENG / name, returns / name)
    res = run("status", returns, "--manifest", tmp_path / "manifest.json", "--json", "--no-ledger")
    units = {u["code"]: u for u in json.loads(res.stdout)["units"]}
    assert units["430112001"]["state"] != "未报送" and units["430112001"]["file"].endswith("000.xls")
    out = tmp_path / "汇总.xlsx"
    res = run("merge", returns, "--manifest", tmp_path / "manifest.json", "-o", out, "--no-ledger")
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(out)["汇总表"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[header.index("单位编码")] == "430112001")
    assert row[header.index("总分")] == read_file(XLS_000).record.values["total.score"]   # type: ignore[union-attr]


# ------------------------------------------------------------------------------------------- hostile

def test_a_truncated_or_damaged_xls_is_a_broken_file_not_a_crash(tmp_path: Path) -> None:
    data = XLS_000.read_bytes()
    for i, cut in enumerate((data[:600], data[: len(data) // 2], data[:-700])):
        (tmp_path / f"{i}.xls").write_bytes(cut)
    broken = workbook_stream(data)
    written(tmp_path, broken[:-300], "3.xls")                          # the last sheet cut short
    for path in sorted(tmp_path.glob("*.xls")):
        finding = read_file(path).findings
        assert [f.code for f in finding] == ["XF105"], (path.name, finding)


def test_an_xls_over_the_cell_budget_is_refused_before_it_is_built(tmp_path: Path) -> None:
    rows = MAX_CELLS // 250 + 1
    stream = in_sheet(workbook_stream(XLS_000.read_bytes()), 0, b"".join(mulblank(100 + r, 0, 250)
                                                                         for r in range(rows)))
    path = written(tmp_path, stream)
    start = time.process_time()
    [f] = read_file(path).findings
    assert f.code == "XF116" and "单元格" in f.message and time.process_time() - start < 1.0


def test_an_xls_of_millions_of_empty_records_costs_a_bounded_walk(tmp_path: Path) -> None:
    stream = workbook_stream(XLS_000.read_bytes()) + record(0x0000, b"") * 1_500_000     # 6 MB of headers
    path = written(tmp_path, stream)
    start = time.process_time()
    [f] = read_file(path).findings
    assert f.code == "XF116" and ".xls 记录" in f.message and time.process_time() - start < 1.0


def test_an_encrypted_xls_a_macro_sheet_and_a_word_file_each_get_their_finding(tmp_path: Path) -> None:
    stream = workbook_stream(XLS_000.read_bytes())
    encrypted = in_globals(stream, record(0x002F, b"\x00\x00" + b"\x00" * 52))        # FILEPASS
    macro = bytearray(stream)
    pos = next(p for p, op, _ in records(stream) if op == 0x0085)
    macro[pos + 4 + 5] = 1                                                           # BOUNDSHEET: macro sheet
    cases = {"XF103": ole(encrypted), "XF104": ole(bytes(macro)), "XF101": ole(b"\0" * 5000, "WordDocument")}
    for code, data in cases.items():
        path = tmp_path / f"{code}.xls"
        path.write_bytes(data)
        [f] = read_file(path).findings
        assert f.code == code, (code, f.message)
    assert "Word" in read_file(tmp_path / "XF101.xls").findings[0].message


def test_the_sheet_protection_of_an_xls_is_read_from_its_records(tmp_path: Path) -> None:
    stream = workbook_stream(XLS_000.read_bytes())
    protect = next(p for p, op, b in records(stream) if op == 0x0012 and b == b"\x01\x00")
    unprotected = bytearray(stream)
    struct.pack_into("<H", unprotected, protect + 4, 0)
    path = written(tmp_path, bytes(unprotected))
    findings = [f.code for f in check_file(path).findings]
    assert "XF158" in findings and "XF158" not in [f.code for f in check_file(XLS_000).findings]


# ------------------------------------------------------------------------------------------- LibreOffice

INPUTS = [["xf_fund_fiscal_spent", "value", 280], ["xf_fund_total_spent", "value", 280],
          ["xf_execution_reason", "string", "按进度执行"], ["xf_ind_01_actual", "string", "接待 120 批次"],
          ["xf_ind_01_score", "value", 18], ["xf_ind_02_actual", "string", "98%"], ["xf_ind_02_score", "value", 20]]


@pytest.mark.libreoffice
def test_a_form_filled_in_libreoffice_and_saved_as_xls_is_checked_as_its_xlsx(
        tmp_path: Path, libreoffice: LibreOffice) -> None:
    res = run("generate", ROOT / "examples/roster.csv", "--indicators", ROOT / "examples/indicators.csv",
              "-o", tmp_path / "round")
    assert res.exit_code == 0, res.output
    manifest = Manifest.load(tmp_path / "round/manifest.json")
    form = tmp_path / "round/forms" / manifest.units[0].file
    out = tmp_path / "returns"
    libreoffice.run_ok([{"path": str(form), "set": INPUTS, "save_xls": str(out / "unit.xls"),
                         "save_xlsx": str(tmp_path / "unit.xlsx")}])
    xls, xlsx = check_file(out / "unit.xls", manifest=manifest), check_file(tmp_path / "unit.xlsx",
                                                                            manifest=manifest)
    assert xls.record is not None and xlsx.record is not None
    assert xls.record.values == xlsx.record.values and xls.record.values["fund.total.spent"] == 280
    assert sorted(f.code for f in xls.findings) == sorted(["XF118", *(f.code for f in xlsx.findings)])
    res = run("status", out, "--manifest", tmp_path / "round/manifest.json", "--json", "--no-ledger")
    units = {u["code"]: u["state"] for u in json.loads(res.stdout)["units"]}
    assert units[manifest.units[0].code] != "未报送"


def test_an_unreadable_xls_under_the_name_it_was_sent_is_that_units_return_not_missing(tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    manifest = Manifest.load(WANGCHENG / "manifest.json")
    sent = Path(manifest.units[0].file)
    (returns / sent.with_suffix(".xls").name).write_bytes(XLS_000.read_bytes()[:5000])     # cut short
    res = run("status", returns, "--manifest", WANGCHENG / "manifest.json", "--json", "--no-ledger")
    units = {u["code"]: u for u in json.loads(res.stdout)["units"]}
    assert units[manifest.units[0].code]["state"] == "有错误"


def test_a_corrected_xlsx_beside_the_units_earlier_xls_gets_its_own_copy(tmp_path: Path) -> None:
    """Issue 15.8: the corrected .xlsx got no copy (its name was the .xls one's) and XF920 said one was
    written. Both returns of the unit get a copy, named for the unit, and stderr counts what was written."""
    returns = tmp_path / "returns"
    returns.mkdir()
    shutil.copy(XLS_000, returns / "000.xls")
    shutil.copy(SAME[XLS_000], returns / "000.xlsx")
    res = run("check", returns, "--manifest", WANGCHENG / "manifest.json", "--annotate", tmp_path / "feedback")
    assert "XF920" not in res.output and f"写入 {tmp_path / 'feedback'} 2 份。" in res.stderr
    assert sorted(p.name for p in (tmp_path / "feedback").iterdir()) == [
        "430112001_长沙市望城区接待服务中心_校验(2).xlsx", "430112001_长沙市望城区接待服务中心_校验.xlsx"]


@pytest.mark.libreoffice
def test_a_roster_saved_as_xls_is_read_codes_with_their_zeros(tmp_path: Path, libreoffice: LibreOffice) -> None:
    """The roster too may be an old .xls (it was refused with 'save it as .xlsx or CSV'): read through the same
    layer; a code shown with leading zeros by its format keeps them (issue 15.3)."""
    from xlsform.roster import load_roster
    from xlsform.spec import load_spec

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["单位编码", "单位名称", "年度", "财政拨款全年预算数"])
    sheet.append([12300001, "甲单位", 2025, 307.5])
    sheet["A2"].number_format = "000000000"
    sheet.append(["430112002", "乙单位", 2025, 2083])
    book.save(tmp_path / "名册.xlsx")
    libreoffice.run_ok([{"path": str(tmp_path / "名册.xlsx"), "save_xls": str(tmp_path / "名册.xls")}])
    units = load_roster(tmp_path / "名册.xls", load_spec("wangcheng"))
    assert [(u.code, u.name, u.values["fund.fiscal.budget"]) for u in units] == [
        ("012300001", "甲单位", 307.5), ("430112002", "乙单位", 2083.0)]
