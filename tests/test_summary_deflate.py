"""The summary workbook is deflated at zlib level 1 (writer/deflate.py: it is written after every check, on one
core, and level 6 cost a merge of 5,000 returns 1.7 s), while every other workbook keeps xlsxwriter's default,
also one written in another thread at the same moment: the generated forms are compared byte for byte."""

from __future__ import annotations

import io
import threading
import zipfile
import zlib

import xlsxwriter

from xlsform.merge import build_summary
from xlsform.status import assign
from xlsform.writer.deflate import fast_deflate
from xlsform.writer.summary import write_summary


def _levels(data: bytes) -> set[int]:
    """The zlib levels whose raw deflate of each part gives exactly its stored bytes (6 is the default)."""
    found = set()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            raw = data[info.header_offset + 30 + len(info.filename.encode()) + len(info.extra):][:info.compress_size]
            body = z.read(info)
            if len(body) < 2000:      # a small part deflates the same at every level
                continue
            found |= {lv for lv in (1, 6) if (c := zlib.compressobj(lv, zlib.DEFLATED, -15)).compress(body)
                      + c.flush() == raw}
    return found


def _book(rows: int = 3000) -> bytes:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out)
    ws = wb.add_worksheet()
    for r in range(rows):
        ws.write_string(r, 0, f"第{r}行 {r * 7919 % 10007}")
        ws.write_number(r, 1, r * 1.5)
    wb.close()
    return out.getvalue()


def test_only_workbooks_closed_inside_fast_deflate_are_deflated_at_level_1() -> None:
    assert _levels(_book()) == {6}
    other: list[bytes] = []
    with fast_deflate():
        thread = threading.Thread(target=lambda: other.append(_book()))
        thread.start()
        inside = _book()
        thread.join()
    assert _levels(inside) == {1}
    assert _levels(other[0]) == {6}, "another thread's workbook keeps the default"
    assert _levels(_book()) == {6}, "and so does the next one"


def test_the_summary_is_deflated_at_level_1() -> None:
    out = io.BytesIO()
    write_summary(out, build_summary(assign([], None)))
    assert _levels(out.getvalue()) == {1}
