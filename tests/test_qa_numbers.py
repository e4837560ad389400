"""QA: absurd magnitudes in number cells (a hostile 1e300) are a value error on the cell, not XF901."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import load_seed
from tests.helpers_forms import fill_values, write_return
from tests.helpers_read import rezip
from xlsform.check import check_file


def _sheet_edited(src: Path, pattern: bytes, replacement: bytes) -> bytes:
    """The return's bytes with the form sheet's XML edited, as a hand-edited file would arrive."""
    return rezip(src.read_bytes(), lambda name, body: re.sub(pattern, replacement, body)
                 if name == "xl/worksheets/sheet1.xml" else body)


@pytest.mark.parametrize("number", ["-1e300", "1e30", "4.5e20"])
def test_a_huge_number_in_an_amount_cell_is_xf220_not_an_internal_error(tmp_path: Path, number: str) -> None:
    src = write_return(tmp_path / "r.xlsx", fill_values(load_seed("000")))
    out = tmp_path / "huge.xlsx"
    out.write_bytes(_sheet_edited(src, rb'(<c r="D5"[^>]*><v>)[^<]+(</v>)', rb"\g<1>" + number.encode() + rb"\2"))
    result = check_file(out)
    codes = [(f.code, f.cell) for f in result.findings if f.severity == "error"]
    assert not [c for c in codes if c[0] == "XF901"], codes
    assert ("XF220", "D5") in codes


def test_a_huge_number_typed_as_text_is_xf220(tmp_path: Path) -> None:
    values = fill_values(load_seed("000"))
    values["ind.1.score"] = "1e30"
    result = check_file(write_return(tmp_path / "r.xlsx", values))
    codes = [(f.code, f.cell) for f in result.findings if f.severity == "error"]
    assert not [c for c in codes if c[0] == "XF901"], codes
    assert ("XF220", "I12") in codes


@pytest.mark.parametrize("ref", ["G5", "I42"])
def test_a_forged_huge_cached_result_is_xf407_not_an_internal_error(tmp_path: Path, ref: str) -> None:
    src = write_return(tmp_path / "r.xlsx", fill_values(load_seed("000")))
    out = tmp_path / "cached.xlsx"
    out.write_bytes(_sheet_edited(src, rb'(<c r="' + ref.encode() + rb'"[^>]*><f>[^<]*</f><v>)[^<]+(</v>)',
                                  rb"\g<1>1e300\2"))
    result = check_file(out)
    assert not [f for f in result.findings if f.code == "XF901"]
    assert ref in [f.cell for f in result.findings if f.code == "XF407"]
