"""The summary workbook in a real spreadsheet engine: LibreOffice opens it, reads our figures, prints it to PDF."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.helpers_lo import LibreOffice, libreoffice
from tests.test_merge import make_record, random_batch, result, summarize
from xlsform.merge import INDICATOR_COLUMNS, SUMMARY_COLUMNS, totals_cells, used_columns
from xlsform.writer.summary import write_summary

pytestmark = pytest.mark.libreoffice
__all__ = ["libreoffice"]   # the session fixture, imported so pytest finds it here

SHEETS = ["汇总表", "指标明细", "问题清单", "未报送", "退回修改", "统计"]


def _col(attr: str) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[[c.attr for c in SUMMARY_COLUMNS].index(attr)]


def test_summary_opens_in_libreoffice_with_our_figures_and_prints(libreoffice: LibreOffice, tmp_path: Path) -> None:
    batch = random_batch(40, seed=11)
    records = [make_record(*b) for b in batch]
    records[0].values["ind.1.actual"] = '=HYPERLINK("http://evil.example","点我")'
    s = summarize([result(r, f"{r.code}.xlsx", errors=int(i == 5)) for i, r in enumerate(records)])
    path = tmp_path / "汇总.xlsx"
    write_summary(path, s)
    total_row = len(s.rows) + 2
    cells = totals_cells(s.totals)
    reads = [f"汇总表!{_col(a)}{total_row}" for a in ("code", "budget", "spent", "transfer", "rate", "total")]
    link = next(i for i, row in enumerate(s.indicators) if row.actual and row.actual.startswith("=")) + 2
    actual_col = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[[c.attr for c in used_columns(INDICATOR_COLUMNS, s.indicators)]
                                              .index("actual")]
    reads.append(f"指标明细!{actual_col}{link}")
    pdf = tmp_path / "汇总.pdf"
    [out] = libreoffice.run_ok([{"path": str(path), "read": reads, "pdf": str(pdf)}])
    assert [name for name, visible in out["sheets"] if visible] == SHEETS
    values = [out["values"][r] for r in reads]
    assert values[0] == "合计"
    for got, attr in zip(values[1:6], ("budget", "spent", "transfer", "rate", "total"), strict=True):
        assert got == pytest.approx(float(cells[attr]), rel=1e-12, abs=1e-12), attr
    assert Decimal(repr(values[1])) == sum(Decimal(b[1]) for i, b in enumerate(batch) if i != 5)
    assert values[6] == '=HYPERLINK("http://evil.example","点我")'     # still text after LibreOffice read it
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000

