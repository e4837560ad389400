"""Assigning returns to roster units: states, newest return, unmatched files, nothing dropped."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from xlsform.codes import Finding
from xlsform.records import Record
from xlsform.results import FileResult
from xlsform.status import (
    BLANK,
    ERRORS,
    MISSING,
    RETURNED,
    WARNINGS,
    RosterUnit,
    assign,
    display_width,
    parse_time,
    render,
    workbook_modified,
)

UNITS = [RosterUnit("001", "甲单位", "001_甲单位.xlsx"), RosterUnit("002", "乙单位", "002_乙单位.xlsx"),
         RosterUnit("003", "丙单位"), RosterUnit("004", "丁单位")]


def rec(code: str | None, name: str | None = None) -> Record:
    values = {k: v for k, v in (("code", code), ("name", name)) if v is not None}
    return Record(spec_id="wangcheng", spec_version="2020.1", values=values)


def res(file: str, record: Record | None, severities: tuple[str, ...] = (), mtime: float = 100.0) -> FileResult:
    return FileResult(file=file, sha256=file, mtime=mtime, record=record,
                      findings=[Finding("XF000", s, s) for s in severities])


def no_content_time(r: FileResult) -> datetime | None:
    return None


def test_each_unit_gets_one_state() -> None:
    a = assign([res("a.xlsx", rec("001")), res("b.xlsx", rec("002"), ("warning", "info")),
                res("c.xlsx", rec("003"), ("warning", "error"))], UNITS, modified=no_content_time)
    assert [(u.unit.code, u.state) for u in a.units] == [("001", RETURNED), ("002", WARNINGS), ("003", ERRORS),
                                                         ("004", MISSING)]
    assert a.counts() == {RETURNED: 1, WARNINGS: 1, ERRORS: 1, BLANK: 0, MISSING: 1}
    assert a.unmatched == [] and a.several == []


def test_unreadable_file_is_matched_by_the_file_name_it_was_sent_as() -> None:
    a = assign([res("in/002_乙单位.xlsx", None, ("error",)), res("in/junk.xlsx", None, ("error",))], UNITS,
               modified=no_content_time)
    assert a.units[1].state == ERRORS and a.units[1].result is not None
    assert [r.file for r in a.unmatched] == ["in/junk.xlsx"]


def test_return_without_a_code_is_matched_by_unit_name() -> None:
    a = assign([res("x.xlsx", rec(None, "丙单位"))], UNITS, modified=no_content_time)
    assert a.units[2].result is not None and a.units[2].result.file == "x.xlsx"


def test_unknown_code_is_unmatched_not_guessed() -> None:
    a = assign([res("001_甲单位.xlsx", rec("999", "甲单位"))], UNITS, modified=no_content_time)
    assert a.units[0].state == MISSING
    assert [r.file for r in a.unmatched] == ["001_甲单位.xlsx"]


def test_several_returns_newest_by_content_time_then_file_time() -> None:
    content = {"old.xlsx": datetime(2025, 3, 1, tzinfo=UTC), "new.xlsx": datetime(2025, 3, 5, tzinfo=UTC)}
    # the older content was copied last (newer mtime): the content time decides, not the copy
    results = [res("new.xlsx", rec("001"), ("error",), mtime=10.0), res("old.xlsx", rec("001"), mtime=50.0),
               res("x1.xlsx", rec("002"), mtime=10.0), res("x2.xlsx", rec("002"), mtime=20.0)]
    a = assign(results, UNITS, modified=lambda r: content.get(r.file))
    assert a.units[0].result is not None and a.units[0].result.file == "new.xlsx"
    assert [o.file for o in a.units[0].others] == ["old.xlsx"]
    assert a.units[0].state == ERRORS          # the newest counts even when an older one was clean
    assert a.units[1].result is not None and a.units[1].result.file == "x2.xlsx"
    assert [u.unit.code for u in a.several] == ["001", "002"]
    assert a.unit_of() == {"new.xlsx": "001", "old.xlsx": "001", "x1.xlsx": "002", "x2.xlsx": "002"}


def test_without_a_roster_the_units_are_the_codes_found() -> None:
    a = assign([res("b.xlsx", rec("B2", "乙")), res("a.xlsx", rec("A1", "甲")), res("z.xlsx", None, ("error",))],
               modified=no_content_time)
    assert [(u.unit.code, u.unit.name, u.state) for u in a.units] == [("A1", "甲", RETURNED), ("B2", "乙", RETURNED)]
    assert [r.file for r in a.unmatched] == ["z.xlsx"]


def test_render_and_json_list_everything() -> None:
    a = assign([res("a.xlsx", rec("001"), ("warning",)), res("a2.xlsx", rec("001"), mtime=1.0),
                res("stray.xlsx", rec("777"))], UNITS, modified=no_content_time)
    lines = render(a)
    assert lines[0].split() == ["单位编码", "单位名称", "状态", "错误", "警告", "到达时间", "文件"]
    assert lines[1].split()[:5] == ["001", "甲单位", "仅有警告", "0", "1"] and lines[1].endswith("a.xlsx")
    assert lines[2] == "未报送的单位（3 个）：" and lines[3].split() == ["002", "乙单位"]
    assert "合计：已通过 0，仅有警告 1，有错误 0，未报送 3" in lines
    assert any("stray.xlsx" in line and "777" in line for line in lines)
    assert any("采用 a.xlsx" in line and "已被较新的报送取代：a2.xlsx" in line for line in lines)
    data = json.loads(json.dumps(a.to_json(), ensure_ascii=False))
    assert data["counts"][MISSING] == 3 and data["units"][0]["others"] == ["a2.xlsx"]
    assert data["unmatched"] == [{"file": "stray.xlsx", "code": "777", "state": RETURNED, "state_code": "passed"}]


def test_columns_line_up_by_terminal_width_and_a_state_filter_keeps_the_counts() -> None:
    """Issue 8.6: Chinese characters take two columns; missing units come together at the end."""
    units = [RosterUnit("1", "甲"), RosterUnit("22", "中共长沙市望城区委办公室"), RosterUnit("3", "丙单位ABC")]
    a = assign([res("x.xlsx", rec("1", "甲"), ("error",)), res("y.xlsx", rec("22", "中共长沙市望城区委办公室"))],
               units, modified=no_content_time)
    lines = render(a)
    table = lines[:3]
    starts = {display_width(line[:line.index(state)]) for line, state in zip(table, ("状态", "有错误", "已通过"),
                                                                            strict=True)}
    assert len(starts) == 1
    assert lines[3] == "未报送的单位（1 个）：" and lines[4].split() == ["3", "丙单位ABC"]
    only = render(a, states=["有错误"])
    assert [line.split()[0] for line in only[:2]] == ["单位编码", "1"] and "未报送的单位" not in "".join(only)
    assert "合计：已通过 1，仅有警告 0，有错误 1，未报送 1" in only


CORE = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        '<dcterms:modified xsi:type="dcterms:W3CDTF">{}</dcterms:modified></cp:coreProperties>')


def test_workbook_modified_reads_core_properties(tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    with zipfile.ZipFile(good, "w") as z:
        z.writestr("docProps/core.xml", CORE.format("2025-03-05T08:30:00Z"))
    bare = tmp_path / "bare.xlsx"
    with zipfile.ZipFile(bare, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip")
    assert workbook_modified(res(str(good), None)) == datetime(2025, 3, 5, 8, 30, tzinfo=UTC)
    assert workbook_modified(res(str(bare), None)) is None
    assert workbook_modified(res(str(junk), None)) is None
    assert workbook_modified(res(str(tmp_path / "gone.xlsx"), None)) is None


def test_parse_time_accepts_what_excel_and_wps_write() -> None:
    assert parse_time("2025-03-05T08:30:00Z") == datetime(2025, 3, 5, 8, 30, tzinfo=UTC)
    assert parse_time("2025-03-05T08:30:00") == datetime(2025, 3, 5, 8, 30, tzinfo=UTC)
    assert parse_time("yesterday") is None


def test_a_duplicate_and_a_stale_form_are_named_for_what_they_are() -> None:
    """Trial of the whole round (round-qa): the same file sent twice was listed as 「已被较新的报送取代」, and last
    year's form, even when saved after the unit's real return, would have counted instead of it."""
    import dataclasses

    from xlsform.codes import make

    twin = dataclasses.replace(res("a - 副本.xlsx", rec("001"), mtime=50.0), sha256="a.xlsx")
    stale = res("2024.xlsx", rec("001"), mtime=500.0)
    stale.findings.append(make("XF164", value=2024, expected=2025, form="2025_001.xlsx"))
    a = assign([res("a.xlsx", rec("001")), twin, stale, res("old.xlsx", rec("001"), mtime=10.0)], UNITS,
               modified=no_content_time)
    assert a.units[0].result is not None and a.units[0].result.file == "a.xlsx"
    [line] = [line for line in render(a) if "采用 a.xlsx" in line]
    assert line == ("  001 甲单位：采用 a.xlsx；内容相同的重复文件：a - 副本.xlsx；已被较新的报送取代：old.xlsx；"
                    "不是本轮或已被重新下发取代的表格：2024.xlsx"), line


def test_a_file_no_unit_can_be_told_for_says_why() -> None:
    """Trial of the whole round (round-qa): a unit's return renamed and saved as .ods was listed as
    「单位编码 无法识别」 beside its unit's 未报送, without the reason the clerk must pass on."""
    from xlsform.codes import make

    ods = FileResult(file="教育局.ods", findings=[make("XF101", file="教育局.ods", value="OpenDocument 表格 .ods")])
    lines = render(assign([ods], UNITS, modified=no_content_time))
    want = "  教育局.ods（无法识别单位：文件不是 .xlsx 工作簿（OpenDocument 表格 .ods）"
    assert any(line.startswith(want) for line in lines), lines
