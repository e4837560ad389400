"""A zip archive as a list of entries that can be copied into another archive without inflating them again.

A stencil keeps the entries of a workbook xlsxwriter wrote (through `zipfile`) with their headers exactly as
written; a new workbook of the same structure reuses the compressed bytes of the parts that do not change and
gets new bytes, CRC and sizes for those that do. Only the fields the ZIP format fixes are touched (CRC, sizes,
offsets), so the result is what `zipfile` writes for the same contents: `tests/test_stencil.py` compares them.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

LOCAL = struct.Struct("<4s2B4HL2L2H")          # local file header, 30 bytes, then name and extra
CENTRAL = struct.Struct("<4s4B4HL2L5H2L")       # central directory record, 46 bytes, then name, extra, comment
END = struct.Struct("<4s4H2LH")                 # end of central directory, 22 bytes, then comment
_CRC_SIZES = struct.Struct("<3L")               # CRC, compressed size, size: at 14 (local) and 16 (central)
_OFFSET = struct.Struct("<L")                   # the local header's offset: at 42 in the central record
LIMIT = 0xFFFFFFFF                              # beyond this zipfile writes ZIP64 fields: not copied here


class ZipCopyError(ValueError):
    """An archive this module does not copy (ZIP64, data descriptors, a method other than deflate)."""


@dataclass(frozen=True)
class Entry:
    name: str
    local: bytes      # the local header as written (signature .. extra)
    data: bytes       # the compressed bytes
    central: bytes    # the central directory record as written (offset field to be set)

    def inflated(self) -> bytes:
        return zlib.decompress(self.data, -15)

    def replaced(self, raw: bytes) -> Entry:
        """The same entry holding `raw`, deflated as zipfile deflates (default level, raw stream)."""
        c = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        data = c.compress(raw) + c.flush()
        if len(raw) >= LIMIT or len(data) >= LIMIT:
            raise ZipCopyError("entry too large")
        fields = _CRC_SIZES.pack(zlib.crc32(raw), len(data), len(raw))
        return Entry(self.name, self.local[:14] + fields + self.local[26:], data,
                     self.central[:16] + fields + self.central[28:])


def read_entries(archive: bytes) -> tuple[list[Entry], bytes]:
    """The entries of an archive in their order, and its end record's comment."""
    end = archive.rfind(b"PK\x05\x06")
    if end < 0 or len(archive) - end < END.size:
        raise ZipCopyError("no end record")
    _, disk, cd_disk, count, total, cd_size, cd_offset, comment_len = END.unpack_from(archive, end)
    if disk or cd_disk or count != total or cd_offset + cd_size != end:
        raise ZipCopyError("unusual end record")
    entries: list[Entry] = []
    pos = cd_offset
    for _ in range(count):
        head = CENTRAL.unpack_from(archive, pos)
        flags, method, csize, name_len, extra_len, comment, offset = (head[5], head[6], head[10], head[12],
                                                                       head[13], head[14], head[18])
        if flags & 0x08 or method != zlib.DEFLATED or LIMIT in (csize, head[11], offset):
            raise ZipCopyError("data descriptor, ZIP64 or not deflated")
        central = archive[pos:pos + CENTRAL.size + name_len + extra_len + comment]
        name = archive[pos + CENTRAL.size:pos + CENTRAL.size + name_len].decode("utf-8")
        local_len = LOCAL.size + sum(struct.unpack_from("<2H", archive, offset + 26))
        start = offset + local_len
        entries.append(Entry(name, archive[offset:start], archive[start:start + csize], central))
        pos += len(central)
    return entries, archive[end + END.size:end + END.size + comment_len]


def write_archive(entries: list[Entry], comment: bytes = b"") -> bytes:
    """The archive of `entries` in order, each local header followed by its data, then the directory."""
    body: list[bytes] = []
    directory: list[bytes] = []
    offset = 0
    for e in entries:
        body += (e.local, e.data)
        directory.append(e.central[:42] + _OFFSET.pack(offset) + e.central[46:])
        offset += len(e.local) + len(e.data)
    cd = b"".join(directory)
    n = len(entries)
    return b"".join(body) + cd + END.pack(b"PK\x05\x06", 0, 0, n, n, len(cd), offset, len(comment)) + comment
