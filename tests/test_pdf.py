"""A generated form prints: LibreOffice converts it to PDF, one page wide, with the form on it.

Clerks print the returns to sign and stamp them (盖章), so a form that spills its last columns onto a
second page, or prints blank, is a defect. Page 1 is rendered with poppler's pdftoppm / pdftotext.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import load_seed
from tests.helpers_lo import LibreOffice, libreoffice, missing
from xlsform.layout import Layout
from xlsform.spec import load_spec
from xlsform.writer import write_form

pytestmark = pytest.mark.libreoffice
__all__ = ["libreoffice"]   # the session fixture, imported so pytest finds it here


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        missing(f"{tool} (poppler-utils) is not installed: run `bash scripts/install-test-deps.sh`")
    return path


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run([_poppler("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def _ink(pdf: Path, out: Path) -> float:
    """Share of non-white pixels on page 1, from a small greyscale render (PGM: a header, then bytes)."""
    subprocess.run([_poppler("pdftoppm"), "-f", "1", "-l", "1", "-r", "30", "-gray", "-singlefile", str(pdf),
                    str(out)], check=True, timeout=60)
    data = out.with_suffix(".pgm").read_bytes()
    magic, width, height, maxval, pixels = data.split(maxsplit=4)
    assert magic == b"P5" and maxval == b"255"
    return sum(1 for b in pixels[: int(width) * int(height)] if b < 200) / (int(width) * int(height))


def _render_png(pdf: Path, out: Path) -> Path:
    """Page 1 as PNG at screen resolution, kept beside the PDF for a human look."""
    subprocess.run([_poppler("pdftoppm"), "-f", "1", "-l", "1", "-r", "60", "-png", "-singlefile", str(pdf),
                    str(out)], check=True, timeout=60)
    return out.with_suffix(".png")


@pytest.mark.parametrize(("seed", "previous"), [("000", False), ("001", False), ("000", True)])
def test_a_filled_form_prints_one_page_wide_and_not_blank(libreoffice: LibreOffice, tmp_path: Path,
                                                          seed: str, previous: bool) -> None:
    record = load_seed(seed)
    layout = Layout(load_spec(record.spec_id))
    xlsx, pdf = tmp_path / f"{seed}.xlsx", tmp_path / f"{seed}.pdf"
    # with last year's actuals (generate --previous) the 上年完成值 column shows; without, it is hidden
    shown = [i.index for i in record.indicators] if previous else []
    write_form(xlsx, layout, record.values | {f"ind.{i}.previous": "上年完成98%" for i in shown}, password="test")
    libreoffice.run_ok([{"path": str(xlsx), "pdf": str(pdf)}])
    assert pdf.read_bytes().startswith(b"%PDF")
    pages = _pages(pdf)
    columns = [f for f in layout.spec.indicator_block.row if previous or not f.hide_empty]
    first, last = columns[0].label, columns[-1].label
    assert ("上年完成值" in "".join(pages)) is previous
    # every column's header on page 1: nothing was pushed onto a page to the right
    assert first in pages[0] and last in pages[0], f"page 1 of {seed} lacks column {first!r} or {last!r}"
    assert record.values["name"] in pages[0]
    assert all(last not in p or first in p for p in pages), "a page holds right-hand columns only"
    assert 0.02 < _ink(pdf, tmp_path / "page1") < 0.6
    assert _render_png(pdf, tmp_path / f"{seed}-page1").stat().st_size > 5000
