""".xls files for the tests: the LibreOffice-made fixtures of tests/data/xls, their BIFF record stream, and a
compound-document writer to put an edited stream back into a file Excel's readers accept.

The writer is a test tool only (xlsform never writes BIFF): it lays out a CFB version 3 file with one stream,
`Workbook`, in regular 512-byte sectors, enough to hand hostile record streams to the reader.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

from xlrd import compdoc

XLS_DIR = Path(__file__).resolve().parent / "data" / "xls"
XLS_000 = XLS_DIR / "000_wangcheng_reception.xls"        # examples/returns/wangcheng/000_... saved by LibreOffice
XLS_001 = XLS_DIR / "001_zhuzhou_reception.xls"

_END, _FREE, _FATSECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def workbook_stream(data: bytes) -> bytes:
    mem, base, size = compdoc.CompDoc(data, logfile=_Quiet()).locate_named_stream("Workbook")
    return bytes(mem[base: base + size])


def records(stream: bytes) -> Iterator[tuple[int, int, bytes]]:
    """(offset, record type, body) of every record."""
    pos = 0
    while pos + 4 <= len(stream):
        op, size = struct.unpack_from("<HH", stream, pos)
        yield pos, op, stream[pos + 4: pos + 4 + size]
        pos += 4 + size


def record(op: int, body: bytes) -> bytes:
    return struct.pack("<HH", op, len(body)) + body


def ole(stream: bytes, name: str = "Workbook") -> bytes:
    """A compound document holding `stream` (padded past the 4,096 bytes below which CFB uses mini sectors)."""
    size = max(len(stream), 4096)
    body = stream.ljust(size, b"\0")
    k = -(-size // 512)                          # stream sectors, then one directory sector, then the FAT
    f = 1
    while f * 128 < k + 1 + f:
        f += 1
    assert f <= 109, "stream too large for a header-only FAT"
    fat = [*range(1, k), _END, _END, *([_FATSECT] * f)]
    fat += [_FREE] * (f * 128 - len(fat))
    header = bytearray(512)
    struct.pack_into("<8s16sHHHHH6sIIIIIIIII", header, 0, _SIGNATURE, b"", 0x3E, 3, 0xFFFE, 9, 6, b"", 0, f,
                     k, 0, 4096, _END, 0, _END, 0)
    difat = [*range(k + 1, k + 1 + f)] + [_FREE] * (109 - f)
    struct.pack_into("<109I", header, 76, *difat)
    directory = _entry("Root Entry", 5, child=1, start=_END, size=0) + _entry(name, 2, start=0, size=len(stream))
    directory += b"\0" * (512 - len(directory))
    return bytes(header) + body.ljust(k * 512, b"\0") + directory + struct.pack(f"<{len(fat)}I", *fat)


def _entry(name: str, kind: int, *, child: int = _NOSTREAM, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    out = bytearray(128)
    out[: len(encoded)] = encoded
    struct.pack_into("<HBBIII", out, 64, len(encoded), kind, 1, _NOSTREAM, _NOSTREAM, child)
    struct.pack_into("<IQ", out, 116, start, size)
    return bytes(out)


class _Quiet:
    def write(self, _text: str) -> int:
        return 0


def sheet_offsets(stream: bytes) -> list[int]:
    """Where each sheet's substream starts, as its BOUNDSHEET record says."""
    return [struct.unpack_from("<I", body)[0] for _, op, body in records(stream) if op == 0x0085]


def insert(stream: bytes, at: int, blob: bytes) -> bytes:
    """`blob` (whole records) inserted at offset `at`, the sheets' offsets after it moved along."""
    out = bytearray(stream[:at] + blob + stream[at:])
    for pos, op, body in records(bytes(out)):
        if op == 0x0085:
            offset = struct.unpack_from("<I", body)[0]
            if offset >= at:
                struct.pack_into("<I", out, pos + 4, offset + len(blob))
    return bytes(out)


def set_number(stream: bytes, sheet: int, row: int, col: int, value: float) -> bytes:
    """A NUMBER record for a cell added at the end of its sheet, with the cell's format: readers take the
    last record of a cell, as if the number had been typed over the one there (which may sit in a MULRK)."""
    import xlrd

    book = xlrd.open_workbook(file_contents=ole(stream), formatting_info=True, logfile=_Quiet())
    xf = book.sheet_by_index(sheet).cell_xf_index(row, col)
    return in_sheet(stream, sheet, number(row, col, value, xf))


def sheet_end(stream: bytes, index: int) -> int:
    """The offset of the EOF record closing sheet `index` (nested chart substreams skipped)."""
    start = sheet_offsets(stream)[index]
    depth = 0
    for pos, op, _ in records(stream):
        if pos < start:
            continue
        if op == 0x0809:
            depth += 1
        elif op == 0x000A:
            depth -= 1
            if depth == 0:
                return pos
    raise ValueError("no EOF")


def in_sheet(stream: bytes, index: int, blob: bytes) -> bytes:
    return insert(stream, sheet_end(stream, index), blob)


def in_globals(stream: bytes, blob: bytes) -> bytes:
    """Records added at the end of the workbook globals (before their EOF)."""
    first = min(sheet_offsets(stream))
    eof = max(pos for pos, op, _ in records(stream) if op == 0x000A and pos < first)
    return insert(stream, eof, blob)


def mulblank(row: int, first_col: int, n: int, xf: int = 15) -> bytes:
    """One MULBLANK record: n empty formatted cells in a row."""
    return record(0x00BE, struct.pack("<HH", row, first_col) + struct.pack(f"<{n}H", *([xf] * n))
                  + struct.pack("<H", first_col + n - 1))


def number(row: int, col: int, value: float, xf: int = 15) -> bytes:
    return record(0x0203, struct.pack("<HHHd", row, col, xf, value))
