"""What the second trial of a whole round (roundtrial, issue 15: 14 units of its own, a roster code with leading
zeros, a re-issue, a late unit, .xls and .ods returns, blank and tampered returns, two passes) found, each as a
test that failed before its fix."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.conftest import ROOT
from tests.helpers_round import corrected, saved_as_ods, saved_by_the_unit
from xlsform.cli import main
from xlsform.manifest import Manifest

SHEET = "部门整体自评表"
FILLED = {"D5": 300, "D6": 300, "G10": "年度目标基本完成", "B43": "王五", "E43": "0731-1234567", "G43": "2026-01-10",
          "J43": "赵六"}


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest]:
    out = tmp_path_factory.mktemp("round") / "round"
    res = run("generate", ROOT / "examples/roster.csv", "--indicators", ROOT / "examples/indicators.csv", "-o", out)
    assert res.exit_code == 0, res.output
    return out, Manifest.load(out / "manifest.json")


def form_of(sent: tuple[Path, Manifest], code: str) -> Path:
    out, manifest = sent
    entry = manifest.unit(code)
    assert entry is not None
    return out / "forms" / entry.file


def filled_return(sent: tuple[Path, Manifest], returns: Path, code: str = "430112001") -> Path:
    returns.mkdir(exist_ok=True)
    form = form_of(sent, code)
    return corrected(form, returns / form.name, SHEET, FILLED, when="2030-01-01T08:00:00Z")


def an_ods(path: Path) -> Path:
    """What LibreOffice writes when a unit saves its form as .ods (the part the reader looks at: the mimetype)."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", "<office:document-content/>")
    return path


def status_json(returns: Path, out: Path) -> dict[str, object]:
    res = run("status", returns, "--manifest", out / "manifest.json", "--json", "--no-ledger")
    data: dict[str, object] = json.loads(res.stdout)
    return data


def test_a_later_file_that_cannot_be_read_never_hides_the_units_readable_return(
        sent: tuple[Path, Manifest], tmp_path: Path) -> None:
    """The unit saved its form as .ods (unreadable, XF101) and then sent an .xlsx of it: the .ods, saved later
    on disk, was taken as the unit's return and the readable .xlsx listed as superseded; check exited 1."""
    out, _ = sent
    returns = tmp_path / "returns"
    good = filled_return(sent, returns)
    ods = an_ods(returns / (good.stem + ".ods"))
    os.utime(ods, (4_000_000_000, 4_000_000_000))        # later than anything else, on disk
    [unit] = [u for u in status_json(returns, out)["units"] if u["code"] == "430112001"]  # type: ignore[attr-defined]
    assert unit["file"].endswith(".xlsx") and unit["others"] == [str(ods)], unit
    res = run("check", returns, "--manifest", out / "manifest.json")
    assert "无法读取，可读取的报送优先" in res.output, res.output
    assert "共 1 个文件" in res.output and "1 个较早的报送已被取代" not in res.output, res.output


def test_a_blank_form_sent_after_the_filled_one_does_not_replace_it(sent: tuple[Path, Manifest],
                                                                   tmp_path: Path) -> None:
    out, _ = sent
    returns = tmp_path / "returns"
    good = filled_return(sent, returns)
    blank = returns / ("再次报送_" + good.name)
    shutil.copy(form_of(sent, "430112001"), blank)
    saved_by_the_unit(blank, "2031-01-01T08:00:00Z")     # saved a year after the filled one
    [unit] = [u for u in status_json(returns, out)["units"] if u["code"] == "430112001"]  # type: ignore[attr-defined]
    assert unit["file"] == str(good), unit
    res = run("check", returns, "--manifest", out / "manifest.json")
    assert "空表（未填写），已填写的报送优先" in res.output, res.output


# ------------------------------------------------------------------ the office's own targets (XF533 and kin)

def codes_at(res: Result, code: str) -> dict[str, list[str]]:
    """unit code -> cells of `code` findings, from `check --json`."""
    out: dict[str, list[str]] = {}
    for o in json.loads(res.stdout):
        if o["record"]:
            out[o["record"]["identity"]["code"]] = [f["cell"] for f in o["findings"] if f["code"] == code]
    return out


def test_a_target_the_office_prefilled_is_said_once_at_generate_not_on_every_return(
        sent: tuple[Path, Manifest], tmp_path: Path) -> None:
    """The trial: 「及时」 as a 时效 target in the indicators file gave XF533 on 13 of 14 returns, on a locked cell
    the unit cannot change. It is said to the office when the forms are generated, and left out of the returns
    checked against the manifest; a unit that types such a target into its own open table is still told."""
    out, _ = sent
    res = run("generate", ROOT / "examples/roster.csv", "--indicators", ROOT / "examples/indicators.csv", "-o",
              tmp_path / "again")
    assert res.exit_code == 0
    said = [line for line in res.stderr.splitlines() if "XF533" in line]
    assert any("「实际发生的公务接待批次和人数」" in line and "430112001" in line for line in said), res.stderr
    assert "单位不能修改" in res.stderr

    returns = tmp_path / "returns"
    filled_return(sent, returns, "430112001")
    own = form_of(sent, "430112004")          # no indicators sent: the unit fills its own table
    corrected(own, returns / own.name, SHEET, {**FILLED, "B12": "产出指标", "C12": "时效指标", "D12": "按时完成",
                                                 "F12": "及时", "G12": "及时", "H12": 90, "I12": 90})
    checked = run("check", returns, "--manifest", out / "manifest.json", "--json")
    found = codes_at(checked, "XF533")
    # the office's locked targets: told to it at generate; on the return a note (提示) at the cell, no warning
    assert found["430112001"] == ["F12", "F15"], found
    notes = [f for o in json.loads(checked.stdout) if o["record"] and o["record"]["identity"]["code"] == "430112001"
             for f in o["findings"] if f["code"] == "XF533"]
    assert {f["severity"] for f in notes} == {"info"}
    assert all("单位本次无需修改" in f["message"] and "请把目标值写成" not in f["message"] for f in notes)
    assert found["430112004"] == ["F12"], found         # the unit's own target: its to fix
    own_found = [f for o in json.loads(checked.stdout) if o["record"] and o["record"]["identity"]["code"] == "430112004"
                 for f in o["findings"] if f["code"] == "XF533"]
    assert [f["severity"] for f in own_found] == ["warning"]
    alone = codes_at(run("check", returns, "--json"), "XF533")   # a form read alone: every finding stays
    assert alone["430112001"] == ["F12", "F15"], alone


def test_targets_that_are_values_get_no_word_at_generate(tmp_path: Path) -> None:
    roster, indicators = tmp_path / "roster.csv", tmp_path / "indicators.csv"
    roster.write_text("code,name,year,fund.total.budget,fund.fiscal.budget\n430112901,甲单位,2025,100,100\n",
                      encoding="utf-8")
    indicators.write_text("code,level1,level2,level3,content,target,weight\n"
                          "430112901,产出指标,数量指标,培训,开展培训,≥12次,25\n"
                          "430112901,产出指标,时效指标,完成时间,按时完成,12月底前,25\n"
                          "430112901,效益指标,社会效益指标,知晓率,宣传,≥85%,30\n"
                          "430112901,满意度指标,服务对象满意度指标,满意度,问卷,≥90%,10\n", encoding="utf-8")
    res = run("generate", roster, "--indicators", indicators, "-o", tmp_path / "round")
    assert res.exit_code == 0, res.output
    assert "下发内容中有" not in res.stderr and "XF5" not in res.stderr, res.stderr


# ------------------------------------------------------------------ a form sent back blank

def test_a_blank_return_is_its_own_state_in_check_status_and_merge(sent: tuple[Path, Manifest],
                                                                   tmp_path: Path) -> None:
    """The trial's 档案馆 opened its form and saved it untouched: status said 有错误 (the clerk looks for an error
    to send back) and merge listed it on 退回修改. It is 空表 everywhere, a unit to chase as 未报送 is, and a
    filled return beside it is still 有错误/仅有警告 as before."""
    out, _ = sent
    returns = tmp_path / "returns"
    filled_return(sent, returns, "430112001")
    blank = returns / form_of(sent, "430112002").name
    shutil.copy(form_of(sent, "430112002"), blank)
    saved_by_the_unit(blank)
    manifest = out / "manifest.json"

    data = status_json(returns, out)
    states = {u["code"]: (u["state"], u["state_code"]) for u in data["units"]}  # type: ignore[attr-defined]
    assert states["430112002"] == ("空表", "blank")
    assert states["430112001"][0] in ("有错误", "仅有警告", "已通过") and states["430112004"][0] == "未报送"
    assert data["counts"] == {"已通过": 0, "仅有警告": 0, "有错误": 1, "空表": 1, "未报送": 1}, data["counts"]

    res = run("check", returns, "--manifest", manifest)
    assert res.exit_code == 1                                      # still to be chased: a current return's XF304
    assert f"{blank}：空表（尚未填写）\n" in res.output, res.output
    assert "1 个有错误，1 个空表，0 个无法读取" in res.output, res.output

    merged = tmp_path / "汇总.xlsx"
    res = run("merge", returns, "--manifest", manifest, "-o", merged, "--no-ledger")
    assert res.exit_code == 0, res.output
    import openpyxl
    book = openpyxl.load_workbook(merged)
    chase = {r[0]: r for r in book["未报送"].iter_rows(values_only=True) if r[0]}
    assert chase["430112002"][2:4] == ("空表", "交回的是空表（一项也未填写），请催报"), chase
    assert chase["430112004"][2] == "未报送"
    sent_back = [r[0] for r in book["退回修改"].iter_rows(values_only=True) if r[0]]
    assert "430112002" not in sent_back


# ------------------------------------------------------------------ a part above its whole (XF411)

@pytest.mark.parametrize(("fiscal", "total", "found"), [
    (900, 812.3, ["D5"]),          # the trial: 财政拨款执行数 above 年度资金总额执行数, nothing said
    (300, 300, []),                # the whole budget is 财政拨款: equal is clean
    (250, 300.004, []),            # a part below its whole; and within half a cent
    (300.004, 300, []),
])
def test_a_fiscal_figure_above_the_total_is_an_error_at_the_typed_cell(
        sent: tuple[Path, Manifest], tmp_path: Path, fiscal: float, total: float, found: list[str]) -> None:
    out, _ = sent
    returns = tmp_path / "returns"
    returns.mkdir()
    form = form_of(sent, "430112001")
    corrected(form, returns / form.name, SHEET,
              {**FILLED, "D5": fiscal, "D6": total, "C7": "部分项目结转。"})
    res = run("check", returns, "--manifest", out / "manifest.json", "--json")
    [one] = json.loads(res.stdout)
    got = [f for f in one["findings"] if f["code"] == "XF411"]
    assert [f["cell"] for f in got] == found, got
    if got:
        assert "为 900，大于资金总额 D6「年度资金总额·全年执行数(B)」的 812.3" in got[0]["message"]
        assert got[0]["severity"] == "error"


def test_a_budget_split_the_roster_got_wrong_is_said_at_generate_not_on_the_return(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("code,name,year,fund.fiscal.budget,fund.total.budget\n430112901,甲单位,2025,120,100\n"
                      "430112902,乙单位,2025,100,120\n", encoding="utf-8")
    res = run("generate", roster, "-o", tmp_path / "round")
    [line] = [x for x in res.stderr.splitlines() if "XF411" in x]
    assert "C5「财政拨款·全年预算数(A)」为 120，大于资金总额" in line and "430112901 甲单位）" in line


# ------------------------------------------------------------------ returns saved as .ods

@pytest.mark.libreoffice
def test_a_return_saved_as_ods_is_read_checked_and_merged_like_its_xlsx(sent: tuple[Path, Manifest],
                                                                       tmp_path: Path) -> None:
    """The trial's 司法局 saved its form as .ods: XF101, its unit 有错误, nothing in 汇总表. LibreOffice converts
    it back without loss: the same findings as the .xlsx it was made from, plus one note (XF119)."""
    out, _ = sent
    returns = tmp_path / "returns"
    xlsx = filled_return(sent, returns)
    want = run("check", xlsx, "--manifest", out / "manifest.json", "--json")
    ods = saved_as_ods(xlsx, returns / (xlsx.stem + ".ods"))
    res = run("check", returns, "--manifest", out / "manifest.json", "--json", "--annotate", tmp_path / "fb")
    [got] = json.loads(res.stdout)
    [before] = json.loads(want.stdout)
    # the same findings, plus the note (the reader's notes come before the rules' notes of the same level)
    assert sorted(f["code"] for f in got["findings"]) == sorted([f["code"] for f in before["findings"]] + ["XF119"])
    for part in ("identity", "funds", "execution", "goals", "indicators", "totals", "footer"):
        assert got["record"][part] == before["record"][part], part
    assert list((tmp_path / "fb").glob("430112001_*_校验.xlsx"))           # its annotated copy
    [unit] = [u for u in status_json(returns, out)["units"] if u["code"] == "430112001"]  # type: ignore[attr-defined]
    assert unit["file"] == str(ods) and unit["state"] == before_state(before)


def before_state(result: dict[str, object]) -> str:
    return {"ok": "已通过", "warnings": "仅有警告", "errors": "有错误"}[str(result["status"])]


def test_without_libreoffice_an_ods_return_says_how_to_save_it_as_xlsx(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XLSFORM_SOFFICE", "")
    res = run("check", an_ods(tmp_path / "自评表.ods"))
    assert res.exit_code == 1
    assert "OpenDocument 表格 .ods，本机没有可用来转换它的 LibreOffice" in res.output
    assert "用 LibreOffice 的，请选「文件 → 另存为」，文件类型选「Excel 2007-365 (.xlsx)」" in res.output


def test_an_ods_is_dated_by_the_time_libreoffice_saved_it(tmp_path: Path) -> None:
    """An .ods has no docProps/core.xml: its save time is meta.xml's dc:date, so that an .ods and an .xlsx of one
    unit are compared by when the unit saved them, not by when the clerk saved the attachments."""
    from xlsform.results import FileResult
    from xlsform.status import workbook_modified

    ods = tmp_path / "a.ods"
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("meta.xml", '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
                               ' xmlns:dc="http://purl.org/dc/elements/1.1/"><office:meta>'
                               "<dc:date>2026-01-12T09:30:00</dc:date></office:meta></office:document-meta>")
    when = workbook_modified(FileResult(str(ods)))
    assert when is not None and when.isoformat() == "2026-01-12T09:30:00+00:00"


def test_a_blank_return_set_aside_is_named_once(sent: tuple[Path, Manifest], tmp_path: Path) -> None:
    out, _ = sent
    returns = tmp_path / "returns"
    blank = returns / ("空_" + form_of(sent, "430112001").name)
    returns.mkdir()
    shutil.copy(form_of(sent, "430112001"), blank)
    saved_by_the_unit(blank, "2031-01-01T08:00:00Z")
    filled_return(sent, returns)
    res = run("check", returns, "--manifest", out / "manifest.json")
    assert f"{blank}（空表（未填写），已填写的报送优先）→" in res.output, res.output


def test_the_reasons_to_send_back_read_as_one_text(sent: tuple[Path, Manifest], tmp_path: Path) -> None:
    """退回修改 joined the unit's errors as 「…不要自行修改。；部门整体自评表!C6…」."""
    out, _ = sent
    returns = tmp_path / "returns"
    returns.mkdir()
    form = form_of(sent, "430112001")
    corrected(form, returns / form.name, SHEET, {**FILLED, "C5": 400, "C6": 400})
    merged = tmp_path / "汇总.xlsx"
    assert run("merge", returns, "--manifest", out / "manifest.json", "-o", merged, "--no-ledger").exit_code == 0
    import openpyxl
    [row] = [r for r in openpyxl.load_workbook(merged)["退回修改"].iter_rows(values_only=True) if r[0] == "430112001"]
    reason = str(row[3])
    assert "。；" not in reason and reason.count("XF") == 0 and reason.endswith("。"), reason
    assert "不要自行修改；部门整体自评表!C6" in reason, reason


def test_an_ods_conversion_that_hangs_is_stopped_with_its_processes(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A hostile .ods that keeps LibreOffice busy costs the batch the time limit, and nothing outlives it."""
    import time

    from xlsform import ods

    fake = tmp_path / "soffice"
    marker = tmp_path / "child.pid"
    fake.write_text(f"#!/bin/sh\nsleep 60 &\necho $! > {marker}\nwait\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("XLSFORM_SOFFICE", str(fake))
    start = time.monotonic()
    assert ods.to_xlsx(an_ods(tmp_path / "a.ods").read_bytes(), timeout=1.0) is None
    assert time.monotonic() - start < 10
    child = Path(f"/proc/{int(marker.read_text())}/stat")
    time.sleep(0.2)                # the whole process group was killed, the grandchild too (gone, or a zombie
    assert not child.exists() or child.read_text().split(")")[-1].split()[0] == "Z"   # nobody reaped yet)


def test_the_service_names_a_stored_ods_return_as_an_ods(tmp_path: Path) -> None:
    """An .ods upload is accepted once converted; the office's download must not name it .xlsx (LibreOffice and
    Excel then refuse to open it)."""
    from xlsform.serve.collect.downloads import download_name, suffix_of

    stored = tmp_path / ("0" * 64 + ".xlsx")
    shutil.copy(an_ods(tmp_path / "a.ods"), stored)
    assert suffix_of(stored) == ".ods"
    assert download_name("司法局自评表.ods", stored) == "司法局自评表.ods"
    xlsx = tmp_path / "b.xlsx"
    with zipfile.ZipFile(xlsx, "w") as z:
        z.writestr("[Content_Types].xml", "<x/>")
    assert suffix_of(xlsx) == ".xlsx"


def test_the_ledger_records_a_blank_return_as_status_names_it(sent: tuple[Path, Manifest], tmp_path: Path) -> None:
    out, _ = sent
    returns = tmp_path / "returns"
    returns.mkdir()
    shutil.copy(form_of(sent, "430112002"), returns / "空白.xlsx")
    assert run("status", returns, "--manifest", out / "manifest.json").exit_code == 0
    export = tmp_path / "ledger.csv"
    assert run("ledger", "--manifest", out / "manifest.json", "-o", export).exit_code == 0
    [row] = export.read_text(encoding="utf-8-sig").splitlines()[1:]
    assert ",空表," in row, row


def test_adding_a_late_unit_speaks_of_the_late_unit_only(tmp_path: Path) -> None:
    """The trial's --add (and --reissue) repeated, for units sent long before, that 民政局 has no indicators and
    that their targets are descriptions: what generate says is about the forms it writes now."""
    roster, indicators = tmp_path / "roster.csv", tmp_path / "indicators.csv"
    head = "code,name,year,fund.total.budget,fund.fiscal.budget\n"
    roster.write_text(head + "430112901,甲单位,2025,100,100\n430112902,乙单位,2025,100,100\n", encoding="utf-8")
    rows = ["430112902,产出指标,数量指标,培训,开展培训,及时,25",
            "430112902,产出指标,时效指标,完成时间,按时,12月底前,25",
            "430112902,效益指标,社会效益指标,知晓率,宣传,≥85%,30",
            "430112902,满意度指标,服务对象满意度指标,满意度,问卷,≥90%,10"]
    indicators.write_text("code,level1,level2,level3,content,target,weight\n" + "\n".join(rows) + "\n",
                          encoding="utf-8")
    first = run("generate", roster, "--indicators", indicators, "-o", tmp_path / "round")
    assert "430112901 甲单位" in first.stderr and "XF533" in first.stderr      # said once, when sent
    roster.write_text(roster.read_text(encoding="utf-8") + "430112903,丙单位,2025,100,100\n", encoding="utf-8")
    late = [r.replace("430112902", "430112903").replace(",及时,", ",≥12次,") for r in rows]
    indicators.write_text(indicators.read_text(encoding="utf-8") + "\n".join(late) + "\n", encoding="utf-8")
    added = run("generate", roster, "--indicators", indicators, "-o", tmp_path / "round", "--add")
    assert added.exit_code == 0, added.output
    assert "430112903 丙单位" in added.stdout
    assert "甲单位" not in added.stderr and "XF533" not in added.stderr, added.stderr


def test_a_form_copied_as_values_into_a_new_workbook_is_not_told_it_emptied_a_field(
        sent: tuple[Path, Manifest], tmp_path: Path) -> None:
    """A unit pasted its form's values into a new workbook (no locks, names or hidden copy: read by its labels).
    The year printed alone in the title row was not found, and XF152 said 「年度」 原为 2025，现为（空）: a field
    the labels did not lead to is not a locked cell emptied."""
    import openpyxl

    out, _ = sent
    filled = filled_return(sent, tmp_path / "filled")
    source = openpyxl.load_workbook(filled, data_only=True)[SHEET]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in source.iter_rows():
        for c in row:
            if c.value is not None and type(c).__name__ == "Cell":
                sheet.cell(c.row, c.column, c.value)
    for merged in source.merged_cells.ranges:
        sheet.merge_cells(str(merged))
    returns = tmp_path / "returns"
    returns.mkdir()
    book.save(returns / "复制的表.xlsx")
    res = run("check", returns, "--manifest", out / "manifest.json", "--json")
    [one] = json.loads(res.stdout)
    assert "XF170" in [f["code"] for f in one["findings"]]          # read as a hand-made form
    assert [f for f in one["findings"] if f["code"] == "XF152" and f["key"] == "year"] == []


def test_a_negative_source_is_one_error_not_also_a_part_above_its_total() -> None:
    """zhuzhou's 合计 is the sum of its sources: a source typed negative makes another exceed it; XF404 says the
    one mistake, XF411 must not say it again."""
    from xlsform.checks import CheckContext, run_all
    from xlsform.records import Record

    values = {"fund.fiscal.budget": 100, "fund.fiscal.spent": 90, "fund.other.budget": -20, "fund.other.spent": 0,
              "fund.carryover.budget": 0, "fund.carryover.spent": 0}
    ctx = CheckContext.for_record(Record(spec_id="zhuzhou", spec_version="2020.1", values=values))
    found = [f.code for f in run_all(ctx)]
    assert "XF404" in found and "XF411" not in found, found
    values["fund.other.budget"] = 20
    ctx = CheckContext.for_record(Record(spec_id="zhuzhou", spec_version="2020.1", values=values))
    assert "XF411" not in [f.code for f in run_all(ctx)]
