"""Issue 15.7 = 16.8: the annotated copy of a return whose locked cell was changed puts the sent value back
(the unit's value quoted in the comment) and is protected with the round's own password, so the unit is not
asked to restore a cell it cannot unlock, and the office can still open the copy's protection."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from xlsxwriter.worksheet import Worksheet

from tests.helpers_lo import LibreOffice, libreoffice
from tests.test_qa_sent_values import MANIFEST, tampered
from xlsform.check import check_file
from xlsform.manifest import Manifest
from xlsform.reader import read_file

__all__ = ["libreoffice"]


def protection_hash(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    m = re.search(r'<sheetProtection[^>]* password="([0-9A-F]+)"', sheet)
    assert m, "the form sheet is not protected"
    return m.group(1)


def annotated(tmp_path: Path, manifest: Manifest | None) -> Path:
    source = tampered(tmp_path)
    result = check_file(source, manifest=manifest, annotate=tmp_path / "feedback")
    assert {f.code for f in result.findings} & {"XF152", "XF161"}
    [copy] = (tmp_path / "feedback").glob("*_校验.xlsx")
    return copy


def test_the_copy_puts_the_sent_budget_back_quotes_the_units_value_and_uses_the_rounds_password(
        tmp_path: Path) -> None:
    manifest = Manifest.load(MANIFEST)
    copy = annotated(tmp_path, manifest)
    read = read_file(copy)
    assert read.record is not None and read.record.values["fund.total.budget"] == 2083      # was 1566
    assert read.record.values["fund.total.rate"] == pytest.approx(1770 / 2083)
    again = check_file(copy, manifest=manifest)
    assert not {f.code for f in again.findings} & {"XF152", "XF161", "XF162"}
    book = openpyxl.load_workbook(copy)
    comment = book["部门整体自评表"]["C6"].comment
    assert comment is not None and "已恢复为 2083" in comment.text and "1566" in comment.text
    listed = [row for row in book["校验结果"].iter_rows(values_only=True)]
    assert "XF921" in str(listed) and "XF152" not in str(listed)
    fake = Worksheet()
    assert protection_hash(copy) == fake._encode_password(manifest.password)


def test_without_the_manifest_the_copy_restores_from_the_workbooks_own_copy(tmp_path: Path) -> None:
    copy = annotated(tmp_path, None)
    read = read_file(copy)
    assert read.record is not None and read.record.values["fund.total.budget"] == 2083
    assert not {f.code for f in check_file(copy).findings} & {"XF152", "XF161"}


@pytest.mark.libreoffice
def test_the_rounds_password_opens_the_copy_in_libreoffice(tmp_path: Path, libreoffice: LibreOffice) -> None:
    copy = annotated(tmp_path, Manifest.load(MANIFEST))
    right, wrong = libreoffice.run_ok([{"path": str(copy), "unprotect": Manifest.load(MANIFEST).password,
                                        "locked": ["xf_fund_total_budget"], "read": ["xf_fund_total_budget"]},
                                       {"path": str(copy), "unprotect": "another password"}])
    assert right["locked"]["xf_fund_total_budget"] and right["values"]["xf_fund_total_budget"] == 2083
    assert right["unprotected"]["部门整体自评表"] and not wrong["unprotected"]["部门整体自评表"]


def test_the_restored_copy_sent_back_as_it_is_counts_as_the_units_return(tmp_path: Path) -> None:
    """Trial of the whole round (round-qa): a unit whose copy already had its changed budget put back, and which
    the comment told so, opened the copy, saved it and sent it back unchanged. It was skipped as 「本工具写出、
    内容未改的批注副本」, so the unit stayed 有错误 on its first return with nothing left it could do. A copy
    that puts back cells differs from the return it was made from: once a program has saved it, it is the unit's
    return. The same copy lying in the returns folder unsaved (a clerk's slip) is still the tool's own file."""
    from click.testing import CliRunner

    from tests.helpers_round import saved_by_the_unit
    from xlsform.cli import main

    copy = annotated(tmp_path, Manifest.load(MANIFEST))
    returns = tmp_path / "returns"
    unsaved = returns / copy.name
    unsaved.write_bytes(copy.read_bytes())

    def status() -> dict[str, object]:
        import json
        res = CliRunner().invoke(main, ["status", str(returns), "--manifest", str(MANIFEST), "--json", "--no-ledger"])
        [unit] = [u for u in json.loads(res.stdout)["units"] if u["code"] == "430112002"]
        return unit    # type: ignore[no-any-return]

    assert Path(str(status()["file"])).name == "002.xlsx"              # the clerk's slip: not a return
    saved_by_the_unit(unsaved, "2030-01-02T08:00:00Z")               # the unit opened it and saved it
    unit = status()
    assert Path(str(unit["file"])).name == copy.name, unit
    assert not {f.code for f in check_file(unsaved, manifest=Manifest.load(MANIFEST)).findings} & {"XF152", "XF162"}
