"""read_file: records from returns written by the writer, hostile and broken files as findings, never a crash."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import load_seed
from tests.helpers_forms import fill_values, write_return
from tests.helpers_read import build_return, rezip, workbook_bytes
from xlsform.layout import Layout
from xlsform.reader import read_file, walk_returns
from xlsform.records import Record
from xlsform.spec import load_spec
from xlsform.xlsx import Reader, parse_sheet, parse_xml, scan_sheet, scannable

GOLDEN = {"000": (2.71, 92.71, "优"), "001": (10.0, 100.0, "优"), "002": (9.44, 99.44, "优"),
          "004": (9.58, 69.58, "中")}


def _codes(result: Any) -> list[str]:
    return [f.code for f in result.findings]


def _comparable(rec: Record) -> dict[str, Any]:
    data = rec.to_json()
    data.pop("source")
    return data


# --------------------------------------------------------------------------------------- good returns

@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_seed_return_reads_back_with_golden_figures(tmp_path: Path, name: str) -> None:
    seed = load_seed(name)
    path = write_return(tmp_path / f"{name}.xlsx", seed)
    result = read_file(path)
    assert _codes(result) == []
    rec = result.record
    assert rec is not None
    fund_score, total, grade = GOLDEN[name]
    assert rec.values["fund.total.score"] == fund_score
    assert rec.values["total.score"] == total
    assert rec.values["total.grade"] == grade
    for key, value in seed.values.items():
        assert rec.values[key] == value, key


def test_seed_004_weights_sum_to_70(tmp_path: Path) -> None:
    rec = read_file(write_return(tmp_path / "r.xlsx", load_seed("004"))).record
    assert rec is not None and rec.values["total.weight"] == 70


def test_record_carries_identity_cells_and_cached_values(tmp_path: Path) -> None:
    path = write_return(tmp_path / "r.xlsx", load_seed("000"))
    result = read_file(path)
    rec = result.record
    assert rec is not None
    assert (rec.spec_id, rec.spec_version) == ("wangcheng", "2020.1")
    assert rec.source == str(path)
    assert rec.sha256 is not None and len(rec.sha256) == 64 and rec.sha256 == result.sha256
    assert rec.cells["fund.total.budget"] == "部门整体自评表!C6"
    assert rec.cells["total.score"].startswith("部门整体自评表!I")
    assert rec.cached["total.score"] == pytest.approx(92.71)
    assert result.layout is not None and result.workbook is not None
    assert result.mtime == pytest.approx(path.stat().st_mtime)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_round_trip_read_write_read_gives_the_same_record(tmp_path: Path, name: str) -> None:
    first = read_file(write_return(tmp_path / "a.xlsx", load_seed(name))).record
    assert first is not None
    again = read_file(write_return(tmp_path / "b.xlsx", first)).record
    assert again is not None
    assert _comparable(again) | {"cells": {}} == _comparable(first) | {"cells": {}}
    assert again.cells == first.cells
    assert again.values == first.values


def test_each_spec_reads_its_own_layout(tmp_path: Path) -> None:
    for spec_name in ("wangcheng", "zhuzhou", "project"):
        values = {"year": 2021, "code": "X1", "name": "单位", "ind.1.level1": "产出指标", "ind.1.weight": 20,
                  "ind.1.score": 18}
        build_return(tmp_path / f"{spec_name}.xlsx", spec_name, values)
        rec = read_file(tmp_path / f"{spec_name}.xlsx").record
        assert rec is not None and rec.spec_id == spec_name
        assert rec.values["ind.1.score"] == 18 and rec.values["code"] == "X1"


def test_fewer_indicator_rows_follow_the_meta_sheet(tmp_path: Path) -> None:
    values = {"year": 2021, "code": "X1", "name": "单位", "ind.5.weight": 30, "ind.5.score": 20,
              "footer.preparer": "张三"}
    build_return(tmp_path / "r.xlsx", "wangcheng", values, n=5)
    result = read_file(tmp_path / "r.xlsx")
    assert result.layout is not None and result.layout.n == 5
    assert result.record is not None and result.record.values["footer.preparer"] == "张三"
    assert result.record.values["ind.5.score"] == 20


# ------------------------------------------------------------------------------------ layout changes

def test_defined_names_win_over_positions_when_rows_were_inserted(tmp_path: Path) -> None:
    """Excel moves defined names with inserted rows; the reader follows them and says the layout moved."""
    build_return(tmp_path / "r.xlsx", "wangcheng", {"year": 2020, "code": "A", "name": "甲",
                                                     "footer.preparer": "张三"}, moved={"footer.preparer": "B45"})
    result = read_file(tmp_path / "r.xlsx")
    assert result.record is not None
    assert result.record.values["footer.preparer"] == "张三"
    assert result.record.cells["footer.preparer"] == "部门整体自评表!B45"
    moved = [f for f in result.findings if f.code == "XF112"]
    assert len(moved) == 1 and moved[0].cell == "B45" and "B43" in moved[0].message


def test_missing_names_fall_back_to_spec_positions(tmp_path: Path) -> None:
    build_return(tmp_path / "r.xlsx", "wangcheng", {"year": 2020, "code": "A", "name": "甲"}, names=False)
    result = read_file(tmp_path / "r.xlsx")
    assert result.record is not None and result.record.values["code"] == "A"
    assert _codes(result) == []


def test_broken_name_is_reported_and_position_used(tmp_path: Path) -> None:
    data = workbook_bytes("wangcheng", {"year": 2020, "code": "A", "name": "甲"})
    data = rezip(data, lambda n, b: b.replace(b"<definedName name=\"xf_code\">'\xe9\x83\xa8\xe9\x97\xa8\xe6\x95\xb4"
                                              b"\xe4\xbd\x93\xe8\x87\xaa\xe8\xaf\x84\xe8\xa1\xa8'!$G$3<",
                                              b"<definedName name=\"xf_code\">#REF!<")
                 if n == "xl/workbook.xml" else b)
    (tmp_path / "r.xlsx").write_bytes(data)
    result = read_file(tmp_path / "r.xlsx")
    assert "XF113" in _codes(result)
    assert result.record is not None and result.record.values["code"] == "A"


# ------------------------------------------------------------------------------------- normalisation

def test_typed_text_in_number_cells_is_normalised_and_reported(tmp_path: Path) -> None:
    values = {"year": 2020, "code": "A", "name": "甲", "fund.total.budget": 100, "fund.total.weight": 10}
    raw = {"fund.total.spent": "95.5万元", "fund.fiscal.spent": "１２．５", "ind.1.score": "18分",
           "ind.1.weight": "20"}
    build_return(tmp_path / "r.xlsx", "wangcheng", values, raw=raw)
    result = read_file(tmp_path / "r.xlsx")
    rec = result.record
    assert rec is not None
    assert rec.values["fund.total.spent"] == 95.5
    assert rec.values["fund.fiscal.spent"] == 12.5
    assert rec.values["ind.1.score"] == 18
    assert rec.values["fund.total.score"] == pytest.approx(9.55)
    by_key = {f.key: f for f in result.findings}
    assert by_key["fund.total.spent"].code == "XF201"
    assert by_key["fund.total.spent"].severity == "info"
    assert "95.5万元" in by_key["fund.total.spent"].message and by_key["fund.total.spent"].cell == "D6"
    assert by_key["fund.fiscal.spent"].code == "XF202"
    assert by_key["ind.1.weight"].code == "XF206"


def test_text_that_is_no_number_is_an_error_quoting_it(tmp_path: Path) -> None:
    build_return(tmp_path / "r.xlsx", "wangcheng", {"year": 2020, "code": "A", "name": "甲"},
                 raw={"fund.total.spent": "约九十万"})
    result = read_file(tmp_path / "r.xlsx")
    errors = [f for f in result.findings if f.severity == "error"]
    assert [f.code for f in errors] == ["XF220"]
    assert "约九十万" in errors[0].message and errors[0].value == "约九十万"
    assert result.record is not None and "fund.total.spent" not in result.record.values


def test_amount_in_yuan_is_warned_not_divided(tmp_path: Path) -> None:
    build_return(tmp_path / "r.xlsx", "wangcheng", {"year": 2020, "code": "A", "name": "甲"},
                 raw={"fund.total.spent": "830000元"})
    result = read_file(tmp_path / "r.xlsx")
    assert result.record is not None and result.record.values["fund.total.spent"] == 830000
    assert [(f.code, f.severity) for f in result.findings] == [("XF208", "warning")]


def test_text_fields_keep_text_and_drop_invisible_characters(tmp_path: Path) -> None:
    build_return(tmp_path / "r.xlsx", "wangcheng", {"year": 2020, "code": "A", "name": "甲"},
                 raw={"ind.1.actual": "  45批次\u200b ", "footer.phone": 13812345678, "ind.1.reason": "无"})
    result = read_file(tmp_path / "r.xlsx")
    rec = result.record
    assert rec is not None
    assert rec.values["ind.1.actual"] == "45批次"
    assert rec.values["footer.phone"] == "13812345678"
    assert rec.values["ind.1.reason"] == "无"
    assert [f.code for f in result.findings] == ["XF209"]


def test_cached_values_are_kept_apart_from_recomputed_ones(tmp_path: Path) -> None:
    seed = load_seed("000")
    build_return(tmp_path / "r.xlsx", "wangcheng", fill_values(seed), cached={"total.score": 100,
                                                                               "fund.total.rate": ""})
    rec = read_file(tmp_path / "r.xlsx").record
    assert rec is not None
    assert rec.cached["total.score"] == 100 and rec.values["total.score"] == 92.71
    assert rec.cached["fund.total.rate"] is None


def test_overwritten_formula_shows_in_cached_and_workbook(tmp_path: Path) -> None:
    build_return(tmp_path / "r.xlsx", "wangcheng", fill_values(load_seed("000")), raw={"total.score": "95"})
    result = read_file(tmp_path / "r.xlsx")
    assert result.record is not None and result.record.cached["total.score"] == 95
    wb, layout = result.workbook, result.layout
    assert wb is not None and wb.form is not None and layout is not None
    place = layout.place("total.score")
    cell = wb.form.cell(place.row, place.col)
    assert cell is not None and cell.formula is None and cell.value == "95"
    other = layout.place("total.weight")
    formula_cell = wb.form.cell(other.row, other.col)
    assert formula_cell is not None and formula_cell.formula == layout.formula("total.weight")[1:]


# --------------------------------------------------------------------------------------- unreadable

def _read_bytes(tmp_path: Path, data: bytes, name: str = "r.xlsx") -> Any:
    (tmp_path / name).write_bytes(data)
    result = read_file(tmp_path / name)
    assert result.record is None
    assert len(result.findings) == 1 and result.findings[0].severity == "error"
    return result.findings[0]


@pytest.mark.parametrize(("data", "code", "advice"), [
    (b"", "XF110", "0 字节"),
    (b"<html><table><tr><td>1</td></tr></table></html>", "XF101", "网页"),
    # an OLE header with nothing readable behind it: a broken .xls (real ones are read: tests/test_xls.py)
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "Workbook".encode("utf-16-le"), "XF105", "另存为 .xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "EncryptionInfo".encode("utf-16-le"), "XF103",
     "取消密码"),
    (b"PK\x03\x04garbage", "XF105", "损坏"),
])
def test_files_that_are_no_xlsx_get_one_clear_finding(tmp_path: Path, data: bytes, code: str, advice: str) -> None:
    finding = _read_bytes(tmp_path, data)
    assert finding.code == code
    assert advice in finding.message


def test_other_zip_documents_are_named(tmp_path: Path) -> None:
    ods = rezip(workbook_bytes("wangcheng", {"code": "A"}), lambda n, b: None,
                {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"})
    assert ".ods" in _read_bytes(tmp_path, ods, "a.xlsx").message
    docx = rezip(workbook_bytes("wangcheng", {"code": "A"}), lambda n, b: None, {"word/document.xml": b"<x/>"})
    finding = _read_bytes(tmp_path, docx, "b.xlsx")
    assert finding.code == "XF101" and "Word" in finding.message


def test_macro_workbook_is_refused(tmp_path: Path) -> None:
    data = rezip(workbook_bytes("wangcheng", {"code": "A"}), lambda n, b: b, {"xl/vbaProject.bin": b"\x00" * 10})
    assert _read_bytes(tmp_path, data, "r.xlsm").code == "XF104"


def test_macro_content_type_is_refused(tmp_path: Path) -> None:
    data = rezip(workbook_bytes("wangcheng", {"code": "A"}),
                 lambda n, b: b.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")
                 if n == "[Content_Types].xml" else b)
    assert _read_bytes(tmp_path, data).code == "XF104"


def test_doctype_in_any_part_is_refused(tmp_path: Path) -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>')
    data = rezip(workbook_bytes("wangcheng", {"code": "A"}),
                 lambda n, b: bomb if n == "xl/sharedStrings.xml" else b)
    assert _read_bytes(tmp_path, data).code == "XF108"


def test_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    data = rezip(workbook_bytes("wangcheng", {"code": "A"}), lambda n, b: b,
                 {"xl/media/image1.png": b"\x00" * (60 * 1024 * 1024)})
    assert _read_bytes(tmp_path, data).code == "XF106"


def test_oversized_file_is_refused_without_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import xlsform.reader as reader
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 1000)
    finding = _read_bytes(tmp_path, workbook_bytes("wangcheng", {"code": "A"}))
    assert finding.code == "XF107"


def test_missing_file_is_a_finding(tmp_path: Path) -> None:
    result = read_file(tmp_path / "nope.xlsx")
    assert result.record is None and _codes(result) == ["XF109"]
    assert "文件不存在" in result.findings[0].message and "No such file" not in result.findings[0].message


def test_workbook_not_made_from_a_spec(tmp_path: Path) -> None:
    """Values without our metadata and without a printed label: no form to read, by spec or by label."""
    build_return(tmp_path / "r.xlsx", "wangcheng", {"code": "A"}, with_meta=False)
    data = rezip((tmp_path / "r.xlsx").read_bytes(), lambda n, b: None if n == "docProps/custom.xml" else b)
    assert _read_bytes(tmp_path, data).code == "XF180"


def test_workbook_with_no_form_at_all(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["2020 年度部门整体支出绩效自评报告"])
    wb.active.append(["一、全年预算数 307 万元，全年执行数 83.13 万元。"])
    wb.save(tmp_path / "report.xlsx")
    result = read_file(tmp_path / "report.xlsx")
    assert result.record is None and _codes(result) == ["XF180"]


def test_unknown_spec_id(tmp_path: Path) -> None:
    build_return(tmp_path / "r.xlsx", "wangcheng", {"code": "A"}, meta={"spec_id": "beijing"})
    result = read_file(tmp_path / "r.xlsx")
    assert result.record is None and _codes(result) == ["XF150"]
    assert "beijing" in result.findings[0].message


def test_spec_version_not_accepted(tmp_path: Path) -> None:
    build_return(tmp_path / "r.xlsx", "wangcheng", {"code": "A"}, meta={"spec_version": "2019.1"})
    result = read_file(tmp_path / "r.xlsx")
    assert result.record is None and _codes(result) == ["XF151"]
    assert "2019.1" in result.findings[0].message and "2020.1" in result.findings[0].message


def test_meta_from_custom_properties_when_the_meta_sheet_is_gone(tmp_path: Path) -> None:
    build_return(tmp_path / "r.xlsx", "wangcheng", {"code": "A", "name": "甲"}, with_meta=False)
    data = (tmp_path / "r.xlsx").read_bytes()
    data = rezip(data, lambda n, b: b.replace(b"</Properties>", b'<property fmtid="{D5CDD505-2E9C-101B-9397-'
                                              b'08002B2CF9AE}" pid="9" name="xf_spec_version"><vt:lpwstr>2020.1'
                                              b"</vt:lpwstr></property></Properties>")
                 if n == "docProps/custom.xml" else b)
    (tmp_path / "r.xlsx").write_bytes(data)
    result = read_file(tmp_path / "r.xlsx")
    assert result.record is not None and result.record.values["code"] == "A"


def test_renamed_form_sheet_is_found_through_its_names(tmp_path: Path) -> None:
    data = workbook_bytes("wangcheng", {"code": "A", "name": "甲"})
    old = "部门整体自评表".encode()
    data = rezip(data, lambda n, b: b.replace(old, "自评表改名".encode()) if n == "xl/workbook.xml" else b)
    (tmp_path / "r.xlsx").write_bytes(data)
    result = read_file(tmp_path / "r.xlsx")
    assert result.record is not None and result.record.values["name"] == "甲"


def test_deleted_form_sheet(tmp_path: Path) -> None:
    data = workbook_bytes("wangcheng", {"code": "A"}, names=False)
    data = rezip(data, lambda n, b: b.replace("部门整体自评表".encode(), b"Sheet9") if n == "xl/workbook.xml" else b)
    assert _read_bytes(tmp_path, data).code == "XF111"


# -------------------------------------------------------------------------------------------- walking

def test_walk_returns_keeps_other_formats_and_skips_lock_files(tmp_path: Path) -> None:
    for name in ("b.xlsx", "a.xls", "c.et", "~$b.xlsx", ".hidden.xlsx", "notes.txt", "sub/d.xlsm"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    found = [p.relative_to(tmp_path).as_posix() for p in walk_returns([tmp_path])]
    assert found == ["a.xls", "b.xlsx", "c.et", "sub/d.xlsm"]


def test_walk_returns_sorts_as_paths_sort(tmp_path: Path) -> None:
    """The key walk_returns sorts by gives sorted()'s own order of the paths (parts, not text: "a/b" before
    "a-b", "a b" after "a/z")."""
    names = ["a-b.xlsx", "a/b.xlsx", "a/z.xlsx", "a b.xlsx", "B.xlsx", "b.xlsx", "a/c/d.xlsx", "10.xlsx", "9.xlsx",
             "单位2.xlsx", "单位10.xlsx", "a.b/c.xlsx", "a0.xlsx"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    found = list(walk_returns([tmp_path]))
    assert found == sorted(tmp_path / n for n in names)


def test_walk_names_writes_each_path_as_path_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch's files are listed as text (walk_names): each exactly str(Path(folder, name)) from the folder as
    it was given (trailing separator, "." parts, the current folder), so a report names them as before."""
    from xlsform.reader import walk_names

    for name in ("b.xlsx", "a/c.xlsx", "a.b/d.xlsx"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    monkeypatch.chdir(tmp_path)
    for top in (str(tmp_path), f"{tmp_path}/", f"{tmp_path}/./a/..", ".", "./", "a", "a/"):
        expected = sorted(Path(folder, n) for folder, _, names in os.walk(top) for n in names)
        assert walk_names(top) == [str(p) for p in expected], top


# ------------------------------------------------------------------------------------- LibreOffice

@pytest.mark.libreoffice
def test_a_return_typed_and_saved_by_libreoffice_reads_the_same(tmp_path: Path) -> None:
    """LibreOffice writes its own shared strings, explicit t="n", <f aca=...> and turns very-hidden to hidden."""
    from tests.helpers_lo import shared_libreoffice

    seed = load_seed("000")
    sent = write_return(tmp_path / "sent.xlsx", seed)
    saved = tmp_path / "saved.xlsx"
    shared_libreoffice().run_ok([{"path": str(sent.resolve()), "save_xlsx": str(saved.resolve()), "set": [
        ["xf_fund_total_spent", "string", "１００．５万元"], ["xf_ind_01_score", "value", 15],
        ["xf_footer_preparer", "string", "  李四 "]]}])
    result = read_file(saved)
    rec = result.record
    assert rec is not None and result.workbook is not None
    assert rec.values["fund.total.spent"] == 100.5
    assert rec.values["ind.1.score"] == 15 and rec.values["footer.preparer"] == "李四"
    assert rec.values["total.score"] == pytest.approx(92.71 - 20 + 15 + 3.27 - 2.71)
    assert [f.code for f in result.findings] == ["XF202"]
    assert {s.name: s.state for s in result.workbook.sheets}["_xf_meta"] == "hidden"
    untouched = {k: v for k, v in seed.values.items()
                 if k not in ("fund.total.spent", "ind.1.score", "footer.preparer")}
    assert {k: rec.values.get(k) for k in untouched} == untouched
    rdr = Reader(saved.read_bytes())
    rdr.workbook()
    part = rdr.pkg.read(rdr._paths["部门整体自评表"] or "")
    assert scannable(part)   # LibreOffice writes the plain dialect: the fast path serves its files too
    fast = scan_sheet("S", part, rdr.shared_strings)
    slow = parse_sheet("S", parse_xml(part), rdr.shared_strings)
    assert fast == slow and fast.styles == slow.styles


def test_numbers_in_text_fields_read_as_their_cells_show_them(tmp_path: Path) -> None:
    """Typed into a General cell, "95%" becomes 0.95 with a percent format and a date becomes a serial."""
    build_return(tmp_path / "r.xlsx", "wangcheng", {"year": 2020, "code": "A", "name": "甲"},
                 raw={"ind.1.actual": 0.955, "footer.date": 44270.0, "ind.2.actual": 45.0},
                 formats={"ind.1.actual": "0.0%", "footer.date": "yyyy\\-mm\\-dd", "ind.2.actual": "0"})
    result = read_file(tmp_path / "r.xlsx")
    rec = result.record
    assert rec is not None
    assert rec.values["ind.1.actual"] == "95.5%"
    assert rec.values["footer.date"] == "2021-03-15"
    assert rec.values["ind.2.actual"] == "45"
    shown = {f.key: f for f in result.findings}
    assert set(shown) == {"ind.1.actual", "footer.date"}
    assert shown["footer.date"].code == "XF211" and shown["footer.date"].value == "44270"


# ------------------------------------------------------------------------------------------- fuzzing

_FUZZ_SOURCE: dict[str, bytes] = {}


def _fuzz_source() -> bytes:
    if "data" not in _FUZZ_SOURCE:
        _FUZZ_SOURCE["data"] = workbook_bytes("wangcheng", fill_values(load_seed("000")))
    return _FUZZ_SOURCE["data"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_damaged_files_never_crash_and_say_why(tmp_path: Path, data: st.DataObject) -> None:
    """Bytes flipped, files cut short, XML parts damaged: always a result, never an internal error."""
    source = _fuzz_source()
    kind = data.draw(st.sampled_from(["flip", "truncate", "xml"]))
    if kind == "flip":
        raw = bytearray(source)
        for pos in data.draw(st.lists(st.integers(0, len(raw) - 1), min_size=1, max_size=5)):
            raw[pos] = data.draw(st.integers(0, 255))
        damaged = bytes(raw)
    elif kind == "truncate":
        damaged = source[: data.draw(st.integers(0, len(source) - 1))]
    else:
        part = data.draw(st.sampled_from(["xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml",
                                          "xl/worksheets/sheet2.xml", "xl/styles.xml", "docProps/custom.xml"]))
        cut = data.draw(st.integers(0, 5000))
        junk = data.draw(st.sampled_from([b"", b"<", b"&", b"\xe8", b'"', b"</c>", b"<!DOCTYPE x>"]))
        damaged = rezip(source, lambda n, b: b[:cut] + junk + b[cut + 7:] if n == part else b)
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(damaged)
    result = read_file(path)
    codes = [f.code for f in result.findings]
    assert "XF114" not in codes, result.findings
    if result.record is None:
        assert len(codes) == 1 and result.findings[0].severity == "error"


def test_invalid_utf8_in_the_form_sheet_is_corrupt(tmp_path: Path) -> None:
    data = rezip(workbook_bytes("wangcheng", {"code": "A"}),
                 lambda n, b: b.replace(b"<sheetData>", b"<sheetData>\xe8") if n == "xl/worksheets/sheet1.xml" else b)
    assert _read_bytes(tmp_path, data).code == "XF105"


def _every_field(spec_name: str, n: int = 6) -> dict[str, Any]:
    """A value in every prefill and input field of a spec's first n indicator rows, each of its type."""
    spec = load_spec(spec_name)
    layout = Layout(spec)
    level1, level2s = next(iter(spec.tree.items()))
    values: dict[str, Any] = {}
    for key, place in layout.places.items():
        f = place.field
        if f.role == "computed" or (place.index or 0) > n:
            continue
        if f.choices == "level1":
            values[key] = level1
        elif f.choices == "level2":
            values[key] = level2s[0]
        elif f.choices == "nature":
            values[key] = "≥"
        elif f.type == "integer":
            values[key] = 2021 if key == "year" else 3
        elif f.numeric:
            values[key] = 5 if key.endswith((".weight", ".score")) else 123.45
        else:
            values[key] = f"{f.label[:6]}·{key}"
    return values


@pytest.mark.parametrize("spec_name", ["wangcheng", "zhuzhou", "project"])
def test_round_trip_of_every_field_of_every_spec(tmp_path: Path, spec_name: str) -> None:
    values = _every_field(spec_name)
    first = read_file(write_return(tmp_path / "a.xlsx", values, spec=spec_name)).record
    assert first is not None
    assert {k: first.values.get(k) for k in values} == values
    again = read_file(write_return(tmp_path / "b.xlsx", first)).record
    assert again is not None
    assert again.values == first.values and again.cells == first.cells and again.cached == first.cached


def test_indicator_rows_come_from_the_names_when_the_meta_sheet_is_gone(tmp_path: Path) -> None:
    values = {"year": 2021, "code": "X1", "name": "单位", "ind.5.weight": 30, "footer.preparer": "张三"}
    build_return(tmp_path / "r.xlsx", "wangcheng", values, n=5, with_meta=False)
    data = rezip((tmp_path / "r.xlsx").read_bytes(),
                 lambda n, b: b.replace(b"</Properties>", b'<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" '
                                        b'pid="9" name="xf_spec_version"><vt:lpwstr>2020.1</vt:lpwstr></property>'
                                        b"</Properties>") if n == "docProps/custom.xml" else b)
    (tmp_path / "r.xlsx").write_bytes(data)
    result = read_file(tmp_path / "r.xlsx")
    assert result.layout is not None and result.layout.n == 5
    assert result.record is not None and not any(k.startswith("ind.6.") for k in result.record.values)
    assert result.record.values["footer.preparer"] == "张三"


def test_a_value_typed_into_an_unmerged_range_is_found_and_reported(tmp_path: Path) -> None:
    """Unmerge 部门(单位)名称 (B3:E3) and type into D3: Excel would show it; the reader finds it too."""
    build_return(tmp_path / "r.xlsx", "wangcheng", {"year": 2020, "code": "A", "name": "甲"}, moved={"name": "D3"})
    data = rezip((tmp_path / "r.xlsx").read_bytes(),
                 lambda n, b: b.replace(b"!D3<", b"!$B$3:$E$3<") if n == "xl/workbook.xml" else b)
    (tmp_path / "r.xlsx").write_bytes(data)
    result = read_file(tmp_path / "r.xlsx")
    assert result.record is not None and result.record.values["name"] == "甲"
    assert result.record.cells["name"] == "部门整体自评表!D3"
    [finding] = [f for f in result.findings if f.code == "XF115"]
    assert finding.cell == "D3" and "B3" in finding.message


def test_an_internal_error_is_one_finding_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import xlsform.reader as reader

    def boom(*_: Any) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(reader, "_record", boom)
    result = read_file(write_return(tmp_path / "r.xlsx", load_seed("000")))
    assert result.record is None and _codes(result) == ["XF114"]
    assert "RuntimeError: bug" in result.findings[0].message


def test_strict_open_xml_reads_like_transitional(tmp_path: Path) -> None:
    """Excel's "Strict Open XML" save uses other namespaces; the reader matches on local names."""
    seed = load_seed("000")
    data = write_return(tmp_path / "t.xlsx", seed).read_bytes()
    swaps = ((b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
              b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
             (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
              b"http://purl.oclc.org/ooxml/officeDocument/relationships"))

    def strict(_: str, body: bytes) -> bytes:
        for old, new in swaps:
            body = body.replace(old, new)
        return body

    (tmp_path / "s.xlsx").write_bytes(rezip(data, strict))
    result = read_file(tmp_path / "s.xlsx")
    assert result.record is not None, result.findings
    assert result.record.values == read_file(tmp_path / "t.xlsx").record.values  # type: ignore[union-attr]
    assert result.workbook is not None and result.workbook.form is not None and result.workbook.form.protected


def test_a_file_is_read_whole_however_the_system_hands_it_over() -> None:
    """_load reads the descriptor itself: what arrives in several reads is joined, never past the size asked
    (the limit's one extra byte tells a file that grew), and an empty file is empty."""
    import os
    import threading
    import time

    from xlsform.reader import _read_fd

    r, w = os.pipe()

    def later() -> None:      # the second part arrives after the first read has returned
        time.sleep(0.05)
        os.write(w, b"defgh")
        os.close(w)

    os.write(w, b"PK\x03\x04abc")
    writer = threading.Thread(target=later)
    writer.start()
    try:
        assert _read_fd(r, 100) == b"PK\x03\x04abcdefgh"
    finally:
        writer.join()
        os.close(r)
    r, w = os.pipe()
    try:
        os.write(w, b"0123456789")
        assert _read_fd(r, 4) == b"0123"
    finally:
        os.close(r)
        os.close(w)
    r, w = os.pipe()
    os.close(w)
    try:
        assert _read_fd(r, 10) == b""
    finally:
        os.close(r)
