"""QA: hostile or broken parts inside an otherwise valid zip are reported as a broken file, never read as a
return with silently missing cells, and never as an internal error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import load_seed
from tests.helpers_forms import fill_values, write_return
from tests.helpers_read import rezip
from xlsform.check import check_file


def _rewrite(src: Path, dst: Path, change: Callable[[str, bytes], bytes]) -> Path:
    dst.write_bytes(rezip(src.read_bytes(), change))
    return dst


def _return(tmp_path: Path) -> Path:
    return write_return(tmp_path / "good.xlsx", fill_values(load_seed("000")))


def test_a_form_sheet_cut_in_half_is_a_broken_file(tmp_path: Path) -> None:
    src = _return(tmp_path)
    path = _rewrite(src, tmp_path / "cut.xlsx",
                    lambda n, b: b[: len(b) // 2] if n == "xl/worksheets/sheet1.xml" else b)
    result = check_file(path)
    assert result.record is None
    assert [f.code for f in result.findings] == ["XF105"]


def test_an_xml_part_in_an_unknown_or_unsupported_encoding_is_a_broken_file(tmp_path: Path) -> None:
    src = _return(tmp_path)
    for enc in ("x-bogus", "GBK"):
        path = _rewrite(src, tmp_path / f"{enc}.xlsx",
                        lambda n, b, e=enc: b.replace(b'encoding="UTF-8"', f'encoding="{e}"'.encode(), 1)
                        if n == "xl/workbook.xml" else b)
        result = check_file(path)
        assert result.record is None
        assert [f.code for f in result.findings] == ["XF105"], (enc, result.findings)
