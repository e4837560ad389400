"""Issue 15.13: PDF and Word files in the returns folder were skipped without a word, and a Word file named
.xlsx got 「规格标识：（空）」. Every file that is not a workbook is listed, in plain words."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import ROOT
from xlsform.cli import main
from xlsform.reader import read_file

RETURNS = ROOT / "examples/returns/wangcheng"


def word_document() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types '
                   'xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", "<document/>")
    return buf.getvalue()


def test_files_beside_the_returns_are_listed_in_plain_words(tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    (returns / "000.xlsx").write_bytes((RETURNS / "000_wangcheng_reception.xlsx").read_bytes())
    (returns / "盖章页.pdf").write_bytes(b"%PDF-1.4\n")
    (returns / "说明.docx").write_bytes(word_document())
    (returns / "附件.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    (returns / "~$000.xlsx").write_bytes(b"lock")                    # an open workbook's lock file: not news
    manifest = ["--manifest", str(RETURNS / "manifest.json"), "--no-ledger"]
    for command in (["check"], ["status", *manifest], ["merge", "-o", str(tmp_path / "汇总.xlsx"), *manifest]):
        res = CliRunner().invoke(main, [*command, str(returns)])
        assert "以下 3 个文件不是 Excel 表格，未检查：" in res.stderr, (command, res.output)
        for line in ("盖章页.pdf（PDF 文件）", "说明.docx（Word 文档）", "附件.zip（压缩包，请解压后再检查）"):
            assert line in res.stderr, (command, line)
        assert "~$000.xlsx" not in res.stderr


def test_a_word_file_named_xlsx_is_named_for_what_it_is(tmp_path: Path) -> None:
    path = tmp_path / "自评表.xlsx"
    path.write_bytes(word_document())
    [finding] = read_file(path).findings
    assert finding.code == "XF101" and "Word 文档" in finding.message and "规格" not in finding.message
