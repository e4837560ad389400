"""Safe low-level reading of returned .xlsx files: zip + XML, nothing evaluated, nothing followed.

Returns come from outside the office, so every file is treated as hostile: the size of the file, the number
and declared sizes of its zip members and their compression ratio are checked before anything is inflated;
members are read with a hard limit; XML with a DTD or entities is refused (defusedxml); macros, external links
and formulas are only reported, never opened, followed or evaluated.

Only the parts the reader needs are parsed (workbook.xml, its rels, sharedStrings, the protection flags and
number formats of styles.xml, the form sheet, the `_xf_meta` sheet, and the custom properties when the meta
sheet is missing). Plain zips are read from their central directory, worksheets and shared strings in the
common dialect are scanned as bytes with regular expressions, and parts every return of a template shares are
parsed once per distinct content: a read costs about 0.6 ms of CPU, against ~0.35 ms for python-calamine
(values only) and ~35 ms for openpyxl (benchmarks/bench_check.py; issue #3's speed target).
"""

from __future__ import annotations

import functools
import io
import math
import posixpath
import re
import struct
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress, repeat
from operator import is_
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar

from xlsform.layout import a1, col_index, col_letter
from xlsform.lazyre import lazy

if TYPE_CHECKING:
    import zipfile

MAX_FILE_BYTES = 20 * 1024 * 1024        # a real return is 15–60 KB; 20 MB leaves room for pasted pictures
MAX_TOTAL_BYTES = 50 * 1024 * 1024       # declared uncompressed size of all members together
MAX_MEMBERS = 2000
MAX_RATIO = 200                          # uncompressed/compressed, checked for members above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024                # small members may compress very well (runs of empty cells)
# The per-file budget, far above any real form (with 200 indicator rows a form sheet holds ~450 cells, 2,000
# defined names and 21 merged ranges): a part that passes one is refused before it is scanned or parsed, on both
# paths, so one hostile return costs its inflating and a count (under 300 MB and 2 s) and a service can take many.
MAX_CELLS = 100_000
MAX_ROWS = 50_000
MAX_SHARED_STRINGS = 100_000
MAX_MERGED = 10_000
MAX_NAMES = 50_000
MAX_ELEMENTS = 400_000                   # XML elements of one part read as a tree
MAX_TEXT = 1_000_000                     # characters of one string (Excel holds 32,767 in a cell)
_STORED, _DEFLATED = 0, 8                # the zip format's compression methods (zipfile.ZIP_STORED, ...)
MAX_ZIP_VERSION = 63                     # "version needed to extract" zipfile (and ECMA-376's zips) know

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# An encrypted .xlsx is an OLE container holding the streams "EncryptionInfo" and "EncryptedPackage".
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
_REL_OFFICE_DOC = "/officeDocument"
_OTHER_OFFICE = (("word/", "docx"), ("ppt/", "pptx"))
_REL_CUSTOM = "/custom-properties"
_ESCAPED = lazy(r"_x([0-9A-Fa-f]{4})_")
_SURROGATE = lazy("[\ud800-\udfff]")
# Every byte but those XML 1.0 forbids anywhere in a document (controls other than tab, line feed and carriage
# return): translate deletes these, and what is left is a forbidden byte (one pass, no copy of the part).
_ALLOWED = bytes(b for b in range(256) if b >= 32 or b in b"\t\n\r")
_FORBIDDEN = tuple(b for b in range(256) if b not in _ALLOWED)     # the byte values translate(None, _ALLOWED) keeps
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
_XML_DECL_ENCODING = re.compile(rb'^<\?xml[^>]*?encoding\s*=\s*["\']([A-Za-z0-9._-]+)["\']')


class XlsxError(Exception):
    """The file cannot be read; `kind` says why (the reader turns it into a finding), `detail` adds facts."""

    KINDS = ("unopenable", "empty", "not_xlsx", "legacy", "encrypted", "macro", "corrupt", "bomb",
             "too_large", "unsafe_xml", "over_budget", "not_regular", "folder")

    def __init__(self, kind: str, detail: str = "") -> None:
        assert kind in self.KINDS, kind
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


# ---------------------------------------------------------------------------------------------- model

class Cell(NamedTuple):
    """One stored cell. `value` is a str for strings and errors, float for numbers, bool for booleans.

    A NamedTuple rather than a frozen dataclass: a return has a few hundred cells and this is created for each.
    """

    value: str | float | bool | None
    type: str                    # the OOXML cell type: n, s, str, inlineStr, b, e, d
    formula: str | None = None   # formula text without '=', shared formulas expanded

    @property
    def is_text(self) -> bool:
        return self.type in ("s", "str", "inlineStr", "d")


class SheetInfo(NamedTuple):
    """A sheet as workbook.xml lists it: its name, whether it is hidden, and its part in the zip."""

    name: str
    state: str                   # visible / hidden / veryHidden
    path: str | None             # zip member, None when the relationship is broken


@dataclass
class Sheet:
    """One worksheet as read: its cells, merged ranges, protection, validations and formula cells."""

    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)     # (row, col), 0-based
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    protection: dict[str, str] | None = None     # <sheetProtection> attributes; None when absent
    validations: int = 0                         # data validations, including Excel's extension block
    formulas: list[tuple[int, int]] = field(default_factory=list)   # cells holding a formula, in sheet order
    # Style indexes are only needed to tell locked from unlocked cells: the fast path finds them on demand.
    _styles: dict[tuple[int, int], int] | None = field(default=None, repr=False, compare=False)
    _style_src: bytes = field(default=b"", repr=False, compare=False)   # the scanned part, for `styles`
    # the shared-string table the text of its "s" cells comes from (None: no table, or not read from one)
    strings: list[str] | None = field(default=None, repr=False, compare=False)

    @property
    def styles(self) -> dict[tuple[int, int], int]:
        """cellXfs index of every styled cell (index 0, the default, is left out)."""
        if self._styles is None:
            # a style index or row of thousands of digits is no cell a spreadsheet wrote: no style for it
            self._styles = {(int(r) - 1, col_index(c.decode())): int(s) for c, r, s in _STYLED.findall(self._style_src)
                            if s != b"0" and len(s) <= 9 and len(r) <= 9}
        return self._styles

    def cell(self, row: int, col: int) -> Cell | None:
        return self.cells.get((row, col))

    def at(self, ref: str) -> Cell | None:
        rc = parse_ref(ref)
        return self.cells.get(rc) if rc else None

    @property
    def protected(self) -> bool:
        return self.protection is not None and self.protection.get("sheet", "0") in ("1", "true")


@dataclass
class RawWorkbook:
    """What the checks need beyond the record: structure, names, protection, formulas, raw cells."""

    sheets: list[SheetInfo]
    names: Mapping[str, str]                     # workbook-scoped defined names -> their formula text
    protection: dict[str, str] | None            # <workbookProtection> attributes
    meta: dict[str, str]                         # the `_xf_meta` sheet's key/value rows
    properties: dict[str, str]                   # custom document properties, when read
    external_links: list[str]                    # targets of external links (never followed)
    unlocked_styles: frozenset[int] = frozenset()
    number_kinds: dict[int, str] = field(default_factory=dict)   # cellXfs index -> "percent" or "date"
    macros: bool = False                         # always False here: macro files are refused
    form: Sheet | None = None
    # The names as parsed: the same object for every return with the same workbook.xml, so per-template work
    # keyed on it (where each field sits) is done once per batch.
    names_items: tuple[tuple[str, str], ...] = field(default=(), repr=False, compare=False)
    source_format: str = "xlsx"                  # "xls" when read through xls.XlsReader
    # What the file format cannot show, so no rule may judge it: "formulas" (a .xls keeps only their cached
    # results for xlrd), "validations". The checks say so once per file (XF118) instead of guessing.
    unverifiable: tuple[str, ...] = ()

    def sheet(self, name: str) -> SheetInfo | None:
        return next((s for s in self.sheets if s.name == name), None)

    def locked(self, row: int, col: int) -> bool:
        """Whether a cell of the form sheet is locked (Excel's default for every style is locked)."""
        if self.form is None:
            return True
        return self.form.styles.get((row, col), 0) not in self.unlocked_styles

    def number_kind(self, row: int, col: int) -> str | None:
        """"percent" or "date" when a form-sheet cell's number format shows its number that way."""
        if self.form is None or not self.number_kinds:
            return None
        return self.number_kinds.get(self.form.styles.get((row, col), 0))


# ---------------------------------------------------------------------------------------------- refs

@lru_cache(maxsize=16384)   # the same few hundred references of a template, for every return
def parse_ref(ref: str) -> tuple[int, int] | None:
    """"C6" or "$C$6" -> (5, 2); None for anything else."""
    m = _REF.match(ref)
    return (int(m.group(2)) - 1, col_index(m.group(1))) if m else None


def name_target(text: str) -> tuple[str, int, int] | None:
    """A defined name's formula "'Sheet'!$C$6:$K$6" -> (sheet, row, col) of its first cell; None if not a range."""
    return _name_target(text) if len(text) <= 300 else _name_target.__wrapped__(text)


@lru_cache(maxsize=4096)
def _name_target(text: str) -> tuple[str, int, int] | None:
    if "!" not in text:
        return None
    sheet, _, ref = text.lstrip("=").rpartition("!")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    rc = parse_ref(ref.split(":")[0])
    if rc is None or not sheet or "[" in sheet:   # "[1]Sheet" is an external workbook
        return None
    return sheet, rc[0], rc[1]


# ------------------------------------------------------------------------------------------ safe XML

def parse_xml(data: bytes) -> ET.Element:
    """Parse one XML part, refusing DTDs and entities.

    Plain UTF-8 XML without the bytes "<!DOCTYPE" cannot declare entities, so it goes through the C parser
    (3x faster); anything else - a DTD, another encoding - goes through defusedxml, which refuses DTDs.
    """
    _budget(data, "elements", MAX_ELEMENTS)
    try:
        return ET.fromstring(data) if _plainly_safe(data) else _defused(data)
    except ET.ParseError as e:
        raise XlsxError("corrupt", f"XML: {e}") from None
    except (LookupError, ValueError) as e:   # an unknown or multi-byte encoding declared: not an OOXML part
        raise XlsxError("corrupt", f"XML: {e}") from None


def _defused(data: bytes) -> ET.Element:
    """defusedxml's parse, which refuses DTDs and entities; imported here, for the rare part that is not plain
    UTF-8 XML, instead of costing every command's start-up."""
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    try:
        root: ET.Element = DET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as e:
        raise XlsxError("unsafe_xml", type(e).__name__) from None
    return root


def _budget(data: bytes, what: str, limit: int, needle: bytes = b"<", min_bytes: int = 4) -> None:
    """Refuse a part holding more than `limit` items (`needle` starts one; each takes at least `min_bytes`).

    Counted on the bytes, before anything is built from them: a part too small to hold that many is not even
    counted. Elements are the tags opened: every "<" but the closing ones.
    """
    if len(data) <= limit * min_bytes:
        return
    n = data.count(needle) - (data.count(b"</") if needle == b"<" else 0)
    _over(n, limit, what)


def _over(n: int, limit: int, what: str) -> None:
    if n > limit:
        raise XlsxError("over_budget", f"{what} {n} > {limit}")


def _check_texts(texts: Iterator[Any], size: int) -> None:
    """A string longer than MAX_TEXT is over budget; only a part that large can hold one."""
    if size > MAX_TEXT and max((len(t) for t in texts if isinstance(t, str)), default=0) > MAX_TEXT:
        raise XlsxError("over_budget", f"text > {MAX_TEXT}")


def _plainly_safe(data: bytes) -> bool:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return False
    return _utf8_head(data)


def _utf8_head(data: bytes) -> bool:
    """Whether a part starts as XML in UTF-8 (a BOM, no declaration or one declaring UTF-8)."""
    head = data[:200]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if not head.startswith(b"<"):        # UTF-16/32 or garbage: let defusedxml decide
        return False
    m = _XML_DECL_ENCODING.match(head)
    return m is None or m.group(1).lower() in (b"utf-8", b"utf8")


def _unescape(text: str) -> str:
    """OOXML stores characters XML cannot hold as _xHHHH_ (and a literal "_x" as _x005F_x).

    The escapes are UTF-16 code units: a pair of surrogates is one character (an emoji), and a lone one, which
    no text can hold, becomes U+FFFD (the reader reports it on its cell) instead of breaking every UTF-8 output.
    """
    if "_x" not in text:
        return text
    text = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)
    if _SURROGATE.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _ns(root: ET.Element) -> str:
    """The namespace prefix "{...}" of a root element: transitional or Strict OOXML alike."""
    return root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""


def _rid(el: ET.Element) -> str | None:
    return next((v for k, v in el.attrib.items() if k.endswith("}id")), None)


# ---------------------------------------------------------------------------------------------- package

class _Member(NamedTuple):
    """What the reader uses of a zip member (zipfile.ZipInfo's names)."""

    filename: str
    flag_bits: int
    compress_type: int
    CRC: int
    compress_size: int
    file_size: int
    header_offset: int

    @classmethod
    def of(cls, i: zipfile.ZipInfo) -> _Member:
        return cls(i.filename, i.flag_bits, i.compress_type, i.CRC, i.compress_size, i.file_size, i.header_offset)


_new_member = tuple.__new__                 # _Member(...) without the NamedTuple's Python-level __new__
_EOCD = struct.Struct("<4s4H2LH")          # end of central directory record, 22 bytes
# central directory file header, 46 bytes: signature, (made by), needed, flags, method, (time, date), CRC,
# sizes compressed and not, name, extra and comment lengths, (disk, attributes), local header's offset
_CENTRAL = struct.Struct("<4s2x3H4x3L3H8xL")


def central_directory(data: bytes) -> list[_Member] | None:
    """The members of a plain zip read straight from its central directory, as zipfile would read them.

    Plain: one disk, no zip comment, no zip64 fields, nothing before or between the parts it describes -
    what Excel, WPS, LibreOffice and xlsxwriter write. Anything else gives None and goes to zipfile (whose
    parse costs a return more than reading its form sheet).
    """
    end = len(data) - 22
    if end < 0:
        return None
    sig, disk, cd_disk, n_here, n, size, offset, comment = _EOCD.unpack_from(data, end)
    if sig != b"PK\x05\x06" or comment or disk or cd_disk or n_here != n or offset + size != end:
        return None
    members: list[_Member] = []
    pos = offset
    unpack, top, cd_sig, zip64 = _CENTRAL.unpack_from, MAX_ZIP_VERSION, b"PK\x01\x02", 0xFFFFFFFF
    for _ in range(n):
        if pos + 46 > end:
            return None
        sig, needed, flags, method, crc, csize, usize, name_len, extra_len, note_len, header = unpack(data, pos)
        if sig != cd_sig or csize == zip64 or usize == zip64 or header == zip64 or needed & 0xFF > top:
            return None
        pos += 46
        raw = data[pos: pos + name_len]
        if raw.isascii():    # an ASCII name reads the same in UTF-8 and cp437: decoded without a codec call
            name = raw.decode()
        else:
            try:
                name = raw.decode("utf-8" if flags & 0x800 else "cp437")
            except UnicodeDecodeError:
                return None
        if "\x00" in name:
            name = name.split("\x00", 1)[0]
        members.append(_new_member(_Member, (name, flags, method, crc, csize, usize, header)))
        pos += name_len + extra_len + note_len
    return members if pos == end else None


class Package:
    """A checked zip: opening it validates size, members and macros; members are read with a limit."""

    def __init__(self, data: bytes) -> None:
        _check_magic(data)
        infos = central_directory(data)
        if infos is None:   # a comment, zip64, data before the zip, ...: zipfile knows them all
            import zipfile  # only then: the common zip costs no import of it

            try:
                infos = [_Member.of(i) for i in zipfile.ZipFile(io.BytesIO(data)).infolist()]
            except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError,
                    NotImplementedError) as e:   # a "version needed" above what zip readers know
                raise XlsxError("corrupt", f"zip: {e}") from None
        self.data = data
        self._cache: dict[str, bytes] = {}
        self.members = {i.filename.lstrip("/").lower(): i for i in infos}
        _check_members(infos, len(self.members))
        self._check_macros()

    def has(self, name: str) -> bool:
        return name.lower() in self.members

    def read(self, name: str, *, common: bool = False) -> bytes:
        """A member's bytes, checked against its declared size and CRC.

        `common`: a part that is the same in every return of a template (workbook.xml, styles, rels): one
        whose stored bytes, CRC and size equal those of a part already inflated and checked gives the same
        bytes object back without inflating it again, and the parsers cached on content then find it at once.
        """
        info = self.members.get(name.lower())
        if info is None:
            raise XlsxError("corrupt", f"missing part {name}")
        hit = self._cache.get(info.filename)
        if hit is not None:
            return hit
        try:
            raw = self._stored(info)
            data = self._common(info, raw) if common else self._inflate(info, raw)
        except (zlib.error, EOFError, RuntimeError, NotImplementedError, ValueError, OSError) as e:
            raise XlsxError("corrupt", f"{name}: {e}") from None
        self._cache[info.filename] = data
        return data

    def _common(self, info: _Member, raw: bytes) -> bytes:
        """A common part's bytes: those of the part of this name read last when its stored bytes are the same
        (compared, not hashed), else those of any part already read with the same stored bytes, CRC and size."""
        last = _LAST_COMMON.get(info.filename)
        if last is not None and last[0][1] == info.CRC and last[0][2] == info.file_size \
                and last[0][3] == info.compress_type and last[0][0] == raw:
            return last[1]
        key = (raw, info.CRC, info.file_size, info.compress_type)
        data = _INFLATED.get(key)
        if data is None:
            data = self._inflate(info, raw)
            if len(data) > CACHE_PART_LIMIT:
                return data
            if len(_INFLATED) >= 64:
                _INFLATED.clear()
            _INFLATED[key] = data
        if len(_LAST_COMMON) >= 16:
            _LAST_COMMON.clear()
        _LAST_COMMON[info.filename] = (key, data)
        return data

    def _stored(self, info: _Member) -> bytes:
        """A member's stored (compressed) bytes, found through its local header."""
        header = self.data[info.header_offset: info.header_offset + 30]
        if len(header) < 30 or header[:4] != ZIP_MAGIC:
            raise ValueError("bad local header")
        start = info.header_offset + 30 + int.from_bytes(header[26:28], "little") + \
            int.from_bytes(header[28:30], "little")
        return self.data[start: start + info.compress_size]

    def _inflate(self, info: _Member, raw: bytes) -> bytes:
        """Inflated straight from the bytes, never past the declared size (zipfile.open costs 5x more)."""
        if info.compress_type == _STORED:
            data = raw[: info.file_size + 1]
        elif info.compress_type == _DEFLATED:
            data = zlib.decompressobj(-15).decompress(raw, info.file_size + 1)
        else:
            raise NotImplementedError(f"compression {info.compress_type}")
        if len(data) != info.file_size:   # more data than the header declared is a forged size
            raise XlsxError("bomb" if len(data) > info.file_size else "corrupt",
                            f"{info.filename}: size differs")
        if zlib.crc32(data) != info.CRC:
            raise XlsxError("corrupt", f"{info.filename}: CRC")
        return data

    def xml(self, name: str) -> ET.Element:
        return parse_xml(self.read(name))

    def rels(self, part: str) -> dict[str, tuple[str, str, str]]:
        """Relationships of a part: id -> (type, resolved target, target mode)."""
        folder, base = posixpath.split(part)
        name = posixpath.join(folder, "_rels", base + ".rels")
        if not self.has(name):
            return {}
        return {rid: (ty, target, mode) for rid, ty, target, mode in _rels(self.read(name, common=True), folder)}

    def _check_macros(self) -> None:
        # Refused, never opened: a macro return could run code on the clerk's machine.
        if any(n.endswith("vbaproject.bin") for n in self.members):
            raise XlsxError("macro", "vbaProject.bin")
        if self.has("[Content_Types].xml") and b"macroEnabled" in self.read("[Content_Types].xml", common=True):
            raise XlsxError("macro", "macroEnabled content type")


def _resolve(folder: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target))


def _check_magic(data: bytes) -> None:
    if not data:
        raise XlsxError("empty")
    if len(data) > MAX_FILE_BYTES:
        raise XlsxError("too_large", str(len(data)))
    if data.startswith(OLE_MAGIC):
        raise XlsxError("encrypted" if _ENCRYPTION_INFO in data else "legacy")
    if not data.startswith(ZIP_MAGIC):
        raise XlsxError("not_xlsx", _sniff(data))


def _sniff(data: bytes) -> str:
    head = data[:512].lstrip().lower()
    if head.startswith((b"<html", b"<!doctype html", b"<?xml")) or b"<table" in head:
        return "html"      # many systems export web pages named .xls
    if data.startswith(b"%PDF"):
        return "pdf"
    return "unknown"


def _check_members(infos: list[_Member], distinct: int) -> None:
    """`distinct`: how many names the members have, told apart as Package.members tells them."""
    if len(infos) > MAX_MEMBERS:
        raise XlsxError("bomb", f"{len(infos)} members")
    if distinct != len(infos):
        # Two members of one name: readers disagree on which counts, so a file could show one thing to
        # Excel and another to us. Excel refuses such files too.
        raise XlsxError("corrupt", "duplicate zip members")
    total = 0
    for i in infos:
        total += i.file_size
        if i.flag_bits & 0x1:
            raise XlsxError("encrypted", f"zip member {i.filename}")
        if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise XlsxError("bomb", f"{i.filename}: ratio {i.file_size // max(i.compress_size, 1)}")
    if total > MAX_TOTAL_BYTES:
        raise XlsxError("bomb", f"{total} bytes uncompressed")


# -------------------------------------------------------------------------------------------- workbook

class WorkbookReader(Protocol):
    """What the reader and the importer call on a workbook of either format (Reader, xls.XlsReader)."""

    kind: str          # "xlsx" or "xls"

    def workbook(self) -> RawWorkbook: ...
    def has_sheet(self, name: str) -> bool: ...
    def sheet(self, name: str) -> Sheet: ...
    def styles(self) -> tuple[frozenset[int], dict[int, str]]: ...
    def number_formats(self) -> dict[int, str]: ...
    def properties(self) -> dict[str, str]: ...


def file_kind(data: bytes) -> str:
    """"xls" for an OLE document that is not an encrypted .xlsx (a .xls, or WPS .et), else "xlsx"."""
    return "xls" if data.startswith(OLE_MAGIC) and _ENCRYPTION_INFO not in data else "xlsx"


def open_reader(data: bytes) -> WorkbookReader:
    """The reader a file's bytes need (`file_kind`)."""
    if file_kind(data) == "xls":
        from xlsform.xls import XlsReader  # xlrd is imported only when a .xls comes
        return XlsReader(data)
    return Reader(data)


class Reader:
    """Reads one workbook part by part; `workbook()` first, then `sheet(name)` for the sheets needed.

    xls.XlsReader answers the same calls for a .xls; `open_reader` picks the one a file's bytes need."""

    kind = "xlsx"

    def __init__(self, data: bytes) -> None:
        self.pkg = Package(data)
        self.wb_part = self._workbook_part()
        self.wb_rels = self.pkg.rels(self.wb_part)
        self._shared: list[str] | None = None
        self._paths: dict[str, str | None] = {}

    def _workbook_part(self) -> str:
        for rel_type, target, _ in self.pkg.rels("").values():
            if rel_type.endswith(_REL_OFFICE_DOC):
                # a Word or PowerPoint file named .xlsx: said for what it is, not read as a workbook of nothing
                other = next((kind for folder, kind in _OTHER_OFFICE if target.startswith(folder)), None)
                if other is not None:
                    raise XlsxError("not_xlsx", other)
                return target
        if self.pkg.has("xl/workbook.xml"):
            return "xl/workbook.xml"
        if self.pkg.has("mimetype") and b"opendocument.spreadsheet" in self.pkg.read("mimetype"):
            raise XlsxError("not_xlsx", "ods")
        raise XlsxError("not_xlsx", "no_workbook")   # a .docx or .pptx renamed, for example

    def workbook(self) -> RawWorkbook:
        part = _workbook(self.pkg.read(self.wb_part, common=True))
        sheets = [SheetInfo(name, state, self._sheet_path(rid)) for name, state, rid in part.sheets]
        self._paths = {s.name: s.path for s in sheets}
        return RawWorkbook(
            sheets=sheets, names=part.names_map, names_items=part.names,
            protection=dict(part.protection) if part.protection is not None else None,
            meta={}, properties={}, external_links=self._external_links(part.external),
        )

    def _sheet_path(self, rid: str) -> str | None:
        rel = self.wb_rels.get(rid)
        return rel[1] if rel and self.pkg.has(rel[1]) else None

    def properties(self) -> dict[str, str]:
        """Custom document properties: read only when `_xf_meta` is missing (they repeat what it says)."""
        part = next((t for ty, t, _ in self.pkg.rels("").values() if ty.endswith(_REL_CUSTOM)),
                    "docProps/custom.xml")
        if not self.pkg.has(part):
            return {}
        return {p.get("name", ""): "".join(p.itertext()) for p in self.pkg.xml(part)}

    def _external_links(self, rids: tuple[str, ...]) -> list[str]:
        out = []
        for rid in rids:
            rel = self.wb_rels.get(rid)
            if rel is None:
                continue
            targets = [t for _, t, mode in self.pkg.rels(rel[1]).values() if mode == "External"]
            out.extend(targets or [rel[1]])
        return out

    def styles(self) -> tuple[frozenset[int], dict[int, str]]:
        """(unlocked cellXfs indexes, cellXfs index -> "percent"/"date") from styles.xml."""
        part = next((t for ty, t, _ in self.wb_rels.values() if ty.endswith("/styles")), None)
        if part is None or not self.pkg.has(part):
            return frozenset(), {}
        unlocked, kinds = _styles(self.pkg.read(part, common=True))
        return unlocked, dict(kinds)

    def number_formats(self) -> dict[int, str]:
        """cellXfs index -> number format code ("0.00%", "yyyy-mm-dd", "@", "General"), for showing values."""
        part = next((t for ty, t, _ in self.wb_rels.values() if ty.endswith("/styles")), None)
        if part is None or not self.pkg.has(part):
            return {}
        return dict(_number_formats(self.pkg.read(part, common=True)))

    # ------------------------------------------------------------------------------------------ sheets

    def has_sheet(self, name: str) -> bool:
        return self._paths.get(name) is not None

    def sheet(self, name: str) -> Sheet:
        path = self._paths.get(name)
        if path is None:
            raise XlsxError("corrupt", f"sheet {name} has no part")
        data = self.pkg.read(path)
        # Exact on the scanner's dialect; on others the parser path counts again as it reads.
        _budget(data, "cells", MAX_CELLS, b'<c r="', 10)
        _budget(data, "rows", MAX_ROWS, b"<row", 6)
        _budget(data, "merged ranges", MAX_MERGED, b"<mergeCell ", 21)
        tail = _sheet_tail(data)
        rows = _rows(data, tail)
        if _scannable(data, tail, rows):
            sheet = _scan_sheet(name, data, self.shared_strings, tail, rows)
        else:
            sheet = parse_sheet(name, parse_xml(data), self.shared_strings)
        _check_texts((c.value for c in sheet.cells.values()), len(data))
        return sheet

    def text_rows(self, name: str) -> dict[str, str]:
        """dict(iter_text_rows(self.sheet(name))) of a small key/value sheet (`_xf_meta`). Its bytes are the
        same in every return of a template, so what each of its cells is (a shared-string index, or a text
        fixed by those bytes) is worked out once per content and only the strings are this file's."""
        path = self._paths.get(name)
        # what self.sheet reads first, cached; a template's meta sheet is the same part in each of its returns,
        # so it is inflated once per distinct content (common), like workbook.xml
        data = self.pkg.read(path, common=True) if path is not None else b""
        plan = _TEXT_ROWS.get(data) if data and len(data) <= _TEXT_ROWS_LIMIT else None
        if plan is not None:
            strings = self.shared_strings() if b' t="s"' in data else []
            try:
                return {strings[k].strip() if isinstance(k, int) else k: strings[v] if isinstance(v, int) else v
                        for k, v in plan}
            except IndexError:       # this file's table is shorter: the sheet is read the general way
                pass
        sheet = self.sheet(name)
        if data and len(data) <= _TEXT_ROWS_LIMIT and data not in _TEXT_ROWS and _scannable(data, _sheet_tail(data)):
            if len(_TEXT_ROWS) >= 64:
                _TEXT_ROWS.clear()
            _TEXT_ROWS[data] = _text_rows_plan(sheet, data)
        return dict(iter_text_rows(sheet))

    def shared_strings(self) -> list[str]:
        if self._shared is None:
            part = next((t for ty, t, _ in self.wb_rels.values() if ty.endswith("/sharedStrings")), None)
            if part and self.pkg.has(part):
                data = self.pkg.read(part)
                _budget(data, "shared strings", MAX_SHARED_STRINGS, b"<si", 5)
                scanned = scan_shared_strings(data)
                self._shared = scanned if scanned is not None else _shared_strings(parse_xml(data))
                _check_texts(iter(self._shared), len(data))
            else:
                self._shared = []
        return self._shared


# Parts that are the same in every return of a round (workbook.xml with its 400 defined names, styles, rels)
# are parsed once per distinct content: a batch of returns from one template pays for them once.
CACHE_PART_LIMIT = 256 * 1024     # bigger parts are parsed every time, so hostile files cannot fill memory
# (stored bytes, CRC, size, method) -> inflated bytes, for the parts Package.read(common=True) is asked for
_INFLATED: dict[tuple[bytes, int, int, int], bytes] = {}
# the same for the part of each name read last, found by comparing its stored bytes (a round's returns share
# them) rather than hashing them: at most 16 names
_LAST_COMMON: dict[str, tuple[tuple[bytes, int, int, int], bytes]] = {}
_T = TypeVar("_T")


def _content_cache(maxsize: int) -> Callable[[Callable[..., _T]], Callable[..., _T]]:
    """lru_cache keyed on a part's content (first argument), for parts of a normal size only."""
    def wrap(fn: Callable[..., _T]) -> Callable[..., _T]:
        cached = lru_cache(maxsize)(fn)

        @functools.wraps(fn)
        def call(content: bytes | str, *args: Any) -> _T:
            return cached(content, *args) if len(content) <= CACHE_PART_LIMIT else fn(content, *args)
        return call
    return wrap


class _WorkbookPart(NamedTuple):
    """What workbook.xml says (sheets, defined names, protection, external links), kept per content."""

    sheets: tuple[tuple[str, str, str], ...]           # name, state, relationship id
    names: tuple[tuple[str, str], ...]
    # the same names as a read-only mapping, shared by every return with this workbook.xml (400 names)
    names_map: Mapping[str, str]
    protection: tuple[tuple[str, str], ...] | None
    external: tuple[str, ...]                          # relationship ids of external links


@_content_cache(64)
def _workbook(data: bytes) -> _WorkbookPart:
    root = parse_xml(data)
    ns = _ns(root)
    prot = root.find(f"{ns}workbookProtection")
    names = _defined_names(root, ns)
    _over(sum(1 for _ in root.iterfind(f"{ns}definedNames/{ns}definedName")), MAX_NAMES, "defined names")
    return _WorkbookPart(
        sheets=tuple((el.get("name", ""), el.get("state", "visible"), _rid(el) or "")
                     for el in root.iterfind(f"{ns}sheets/{ns}sheet")),
        names=tuple(names.items()), names_map=MappingProxyType(names),
        protection=tuple(prot.attrib.items()) if prot is not None else None,
        external=tuple(_rid(el) or "" for el in root.iterfind(f"{ns}externalReferences/{ns}externalReference")),
    )


@_content_cache(256)
def _rels(data: bytes, folder: str) -> tuple[tuple[str, str, str, str], ...]:
    out = []
    for rel in parse_xml(data):
        mode = rel.get("TargetMode", "Internal")
        target = rel.get("Target", "")
        if mode != "External":
            target = _resolve(folder, target)
        out.append((rel.get("Id", ""), rel.get("Type", ""), target, mode))
    return tuple(out)


@_content_cache(64)
def _styles(data: bytes) -> tuple[frozenset[int], tuple[tuple[int, str], ...]]:
    """Unlocked cellXfs (locked="0": what the template left for the unit) and how each shows numbers."""
    root = parse_xml(data)
    ns = _ns(root)
    xfs = root.find(f"{ns}cellXfs")
    if xfs is None:
        return frozenset(), ()
    codes = {el.get("numFmtId", ""): el.get("formatCode", "") for el in root.iterfind(f"{ns}numFmts/{ns}numFmt")}
    unlocked = frozenset(i for i, xf in enumerate(xfs)
                         if (p := xf.find(f"{ns}protection")) is not None and p.get("locked") in ("0", "false"))
    kinds = tuple((i, kind) for i, xf in enumerate(xfs)
                  if (kind := number_kind(xf.get("numFmtId", "0"), codes)) is not None)
    return unlocked, kinds


@_content_cache(64)
def _number_formats(data: bytes) -> tuple[tuple[int, str], ...]:
    root = parse_xml(data)
    ns = _ns(root)
    xfs = root.find(f"{ns}cellXfs")
    if xfs is None:
        return ()
    codes = {el.get("numFmtId", ""): el.get("formatCode", "") for el in root.iterfind(f"{ns}numFmts/{ns}numFmt")}
    # the CJK date ids (27-36, 50-58) have no code in the standard: shown as a zh-CN Excel shows them
    return tuple((i, codes.get(fid) or BUILTIN_FORMATS.get(fid) or CJK_DATES.get(fid)
                  or ("yyyy-mm-dd" if fid in DATE_IDS else "General"))
                 for i, xf in enumerate(xfs) if (fid := xf.get("numFmtId", "0")))


# ECMA-376 18.8.30's built-in number formats (the ones a form meets; ids 5-8 and 37-44 are locale currency)
BUILTIN_FORMATS = {"0": "General", "1": "0", "2": "0.00", "3": "#,##0", "4": "#,##0.00", "9": "0%", "10": "0.00%",
                   "11": "0.00E+00", "12": "# ?/?", "13": "# ??/??", "14": "yyyy/m/d", "15": "d-mmm-yy",
                   "16": "d-mmm", "17": "mmm-yy", "18": "h:mm AM/PM", "19": "h:mm:ss AM/PM", "20": "h:mm",
                   "21": "h:mm:ss", "22": "yyyy/m/d h:mm", "37": "#,##0 ;(#,##0)", "38": "#,##0 ;[Red](#,##0)",
                   "39": "#,##0.00;(#,##0.00)", "40": "#,##0.00;[Red](#,##0.00)", "45": "mm:ss",
                   "46": "[h]:mm:ss", "47": "mmss.0", "48": "##0.0E+0", "49": "@"}


# Ids 14 and 22 and the CJK date ids are locale-dependent: the codes are what Excel and WPS in zh-CN show (a
# clerk's typed date under id 14 shows "2022/11/30"), so a hand-made form's date reads as its clerk saw it.
CJK_DATES = {"27": 'yyyy"年"m"月"', "28": 'm"月"d"日"', "29": 'm"月"d"日"', "30": "m-d-yy",
              "31": 'yyyy"年"m"月"d"日"', "36": 'yyyy"年"m"月"', "50": 'yyyy"年"m"月"', "51": 'm"月"d"日"',
              "52": 'yyyy"年"m"月"', "53": 'm"月"d"日"', "54": 'm"月"d"日"', "57": 'yyyy"年"m"月"',
              "58": 'm"月"d"日"'}


# Built-in number formats that show a date or time (ECMA-376 18.8.30, with the CJK ones Excel and WPS use).
DATE_IDS = frozenset(map(str, [*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)]))
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def number_kind(fmt_id: str, codes: dict[str, str]) -> str | None:
    """"percent", "date" or None for a numFmtId, looking into custom format codes."""
    if fmt_id in ("9", "10"):
        return "percent"
    if fmt_id in DATE_IDS:
        return "date"
    code = _QUOTED.sub("", codes.get(fmt_id, "")).split(";")[0].lower()
    if "%" in code:
        return "percent"
    if code and code != "general" and any(c in code for c in "ymdhs"):
        return "date"
    return None


def parse_sheet(name: str, root: ET.Element, shared: Callable[[], list[str]]) -> Sheet:
    """A worksheet through the XML parser: the general path, for any writer's dialect."""
    ns = _ns(root)
    sheet = Sheet(name, _styles={})
    data = root.find(f"{ns}sheetData")
    if data is not None:
        _read_cells(sheet, data, ns, shared)
    sheet.merged = [m for el in root.iterfind(f"{ns}mergeCells/{ns}mergeCell")
                    if (m := _range(el.get("ref", ""))) is not None]
    _over(len(sheet.merged), MAX_MERGED, "merged ranges")
    prot = root.find(f"{ns}sheetProtection")
    sheet.protection = dict(prot.attrib) if prot is not None else None
    sheet.validations = _count_validations(root, ns)
    return sheet


def _defined_names(root: ET.Element, ns: str) -> dict[str, str]:
    """Workbook-scoped names; a sheet-scoped one only where no workbook-scoped name of that name exists
    (a copy of the form sheet into another workbook turns its names sheet-scoped)."""
    scoped: dict[str, str] = {}
    names: dict[str, str] = {}
    for el in root.iterfind(f"{ns}definedNames/{ns}definedName"):
        target = scoped if el.get("localSheetId") is not None else names
        target.setdefault(el.get("name", ""), el.text or "")
    return {**{k: v for k, v in scoped.items() if not k.startswith("_xlnm.")}, **names}


def _shared_strings(root: ET.Element) -> list[str]:
    _over(len(root), MAX_SHARED_STRINGS, "shared strings")
    ns = _ns(root)
    t_tag, r_tag = f"{ns}t", f"{ns}r"
    return [_unescape(_rich_text(si, t_tag, r_tag)) for si in root]


def _rich_text(el: ET.Element, t_tag: str, r_tag: str) -> str:
    """A string item: plain <t>, or runs <r><t>; phonetic guides (<rPh>) are not part of the value."""
    return "".join(c.text or "" if c.tag == t_tag else (c.findtext(t_tag) or "")
                   for c in el if c.tag in (t_tag, r_tag))


def _count_validations(root: ET.Element, ns: str) -> int:
    dv = root.find(f"{ns}dataValidations")
    n = len(dv) if dv is not None else 0
    ext = root.find(f"{ns}extLst")
    if ext is not None:   # Excel keeps cross-sheet list validations in an x14 extension block
        n += sum(1 for el in ext.iter() if _local(el.tag) == "dataValidation")
    return n


def _range(ref: str) -> tuple[int, int, int, int] | None:
    first, _, last = ref.partition(":")
    a, b = parse_ref(first), parse_ref(last or first)
    return (a[0], a[1], b[0], b[1]) if a and b else None


# ----------------------------------------------------------------------------------------------- cells

def _read_cells(sheet: Sheet, data: ET.Element, ns: str, shared: Callable[[], list[str]]) -> None:
    tags = _Tags(ns)
    strings = sheet.strings = shared()
    masters: dict[str, tuple[int, int, str]] = {}
    pending: list[tuple[int, int, str, Cell]] = []
    styles = sheet._styles = {}
    row = -1
    _over(len(data), MAX_ROWS, "rows")
    n = 0
    for row_el in data:
        r = row_el.get("r")
        row = int(r) - 1 if r and r.isascii() and r.isdigit() else row + 1   # the scanner never reads it
        if row_el.get("s") is not None:
            _style_index(row_el.get("s", ""))
        col = -1
        n += len(row_el)
        _over(n, MAX_CELLS, "cells")
        for c in row_el:
            ref = c.get("r")
            rc = parse_ref(ref) if ref else None
            row_i, col = rc if rc else (row, col + 1)
            s = c.get("s")
            if s is not None and s != "0":
                styles[(row_i, col)] = _style_index(s)
            cell, si = _cell(c, tags, strings)
            if cell is None:
                continue
            if si is not None:
                _shared_formula(si, row_i, col, cell, masters, pending)
            if cell.formula is not None:
                sheet.formulas.append((row_i, col))
            sheet.cells[(row_i, col)] = cell
    _resolve_shared(sheet, masters, pending)


def _style_index(s: str) -> int:
    if not (s.isascii() and s.isdigit()):
        raise XlsxError("corrupt", f"style index {s[:20]!r}")
    return int(s)


def _resolve_shared(sheet: Sheet, masters: dict[str, tuple[int, int, str]],
                    pending: list[tuple[int, int, str, Cell]]) -> None:
    for row, col, si, cell in pending:
        master = masters.get(si)
        text = shift_formula(master[2], row - master[0], col - master[1]) if master else None
        sheet.cells[(row, col)] = Cell(cell.value, cell.type, text)


class _Tags:
    def __init__(self, ns: str) -> None:
        self.v, self.f, self.inline, self.t, self.r = (f"{ns}v", f"{ns}f", f"{ns}is", f"{ns}t", f"{ns}r")


def _cell(c: ET.Element, tags: _Tags, strings: list[str]) -> tuple[Cell | None, str | None]:
    """One <c>: its value, type and formula; (None, None) for a cell that only carries a style."""
    t = c.get("t", "n")
    v: str | None = None
    formula: str | None = None
    si: str | None = None
    for child in c:
        if child.tag == tags.v:
            v = child.text
        elif child.tag == tags.f:
            formula = child.text or ""
            if child.get("t") == "shared" and child.get("si") is not None:
                si = ("master:" if formula else "") + child.get("si", "")
        elif child.tag == tags.inline:
            v = _rich_text(child, tags.t, tags.r)
    if v is None and formula is None:
        return None, None
    return Cell(_value(t, v, strings), t, formula), si


def _value(t: str, v: str | None, strings: list[str]) -> str | float | bool | None:
    if v is None:
        return None
    if t == "s":
        return _shared_string(strings, v)
    if t == "b":
        return v.strip() in ("1", "true")
    if t in ("str", "inlineStr", "e", "d"):
        return _unescape(v)
    return _number(v)


def _shared_string(strings: list[str], index: str | bytes) -> str:
    """The shared string an index names (text from the parser, bytes from the scanner)."""
    try:
        i = int(index)
        if i >= 0:   # strings[-1] would read the last string
            return strings[i]
    except (ValueError, IndexError):
        pass
    raise XlsxError("corrupt", f"shared string {_shown(index)[:20]!r}")


def _number(v: str | bytes) -> float:
    try:
        x = float(v)
    except ValueError:
        x = math.nan
    # Python's float() accepts "nan", "inf" and "1_0"; OOXML does not
    if not math.isfinite(x) or ("_" in v if isinstance(v, str) else b"_" in v):
        raise XlsxError("corrupt", f"number {_shown(v[:20])!r}")
    return x


def _shown(v: str | bytes) -> str:
    return v if isinstance(v, str) else v.decode(errors="replace")


def _shared_formula(si: str, row: int, col: int, cell: Cell, masters: dict[str, tuple[int, int, str]],
                    pending: list[tuple[int, int, str, Cell]]) -> None:
    """Excel writes a filled-down formula once (the master) and gives the other cells only its index."""
    if si.startswith("master:"):
        masters[si[7:]] = (row, col, cell.formula or "")
    else:
        pending.append((row, col, si, cell))


_FORMULA_REF = lazy(r"(?<![A-Za-z0-9_.])(\$?)([A-Z]{1,3})(\$?)(\d+)(?![A-Za-z0-9_(!])")


def shift_formula(text: str, drow: int, dcol: int) -> str:
    """A formula moved by (drow, dcol): relative references shift, absolute ones and strings stay."""
    parts = text.split('"')
    for i in range(0, len(parts), 2):   # even parts are outside string literals
        parts[i] = _FORMULA_REF.sub(lambda m: _shift(m, drow, dcol), parts[i])
    return '"'.join(parts)


def _shift(m: re.Match[str], drow: int, dcol: int) -> str:
    cabs, col, rabs, row = m.groups()
    c = col_index(col) + (0 if cabs else dcol)
    r = int(row) + (0 if rabs else drow)
    return f"{cabs}{col_letter(c)}{rabs}{r}"


# ------------------------------------------------------------------------------------------ fast path

# A worksheet in the plain dialect xlsxwriter, Excel, WPS and openpyxl write (default namespace, every cell
# with r="A1" first, no CDATA, comments or processing instructions) is scanned with regular expressions,
# about 5x faster than building the element tree; anything else takes the parser path above. Both give the
# same Sheet (tests/test_xlsx.py compares them). Safety is unchanged: `scannable` requires the same DTD-free
# UTF-8 as the C-parser path, and only the five XML entities and character references are ever expanded.
_MAIN_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
# Cells with content; self-closing style-only cells never match, as no attribute of <c> can hold a "/".
# Possessive quantifiers: most <c> of a form are empty styled cells (<c r="B5" s="3"/>), and without them
# each of those would be backtracked character by character before the regex moves on. The reference and
# the attributes are one group (C5" s="7" t="s"): one lookup a cell (_head).
_CELL_HEAD = re.compile(rb'<c r="([A-Z]{1,3}+[0-9]++"[^>/]*+)>(?:<v>([^<&\r]++)</v></c>|(.*?)</c>)', re.S)
_STYLED = lazy(rb'<c r="([A-Z]{1,3})([0-9]+)"[^>]*? s="([0-9]+)"')
# A style index (of a cell or a row) that is not a number: the parser path refuses it as it reads, the scanner
# up front (no other element of a worksheet has an attribute named s).
_BAD_STYLE = re.compile(rb' s="(?:[0-9]*+[^0-9"]|")')
_F_OPEN = re.compile(r"<f(\s[^>]*)?>")
_T_TEXT = lazy(r"<t(?:\s[^>]*)?>(.*?)</t>", re.S)
_RPH = lazy(r"<rPh\b.*?</rPh>", re.S)
_ATTR = re.compile(r'([\w:]+)="([^"]*)"')
_MERGE = re.compile(r'<mergeCell ref="([^"]+)"')
_PROTECTION = re.compile(r"<sheetProtection\b([^>]*)>")
_VALIDATION = re.compile(r"<(?:\w+:)?dataValidation[\s>]")
# After the XML declaration: a DTD or entity (refused by the tree path), CDATA, comments, processing
# instructions (which could hold text that looks like cells), and a <c> without r="A1" first (the parser
# places a cell whose reference it cannot read by its order; the scanner would drop it). One pass:
# a worksheet is most of a return's bytes, and each separate search of it costs 10-15 us.
_UNSCANNABLE = re.compile(rb'<(?:!DOCTYPE|!ENTITY|!\[CDATA\[|!--|\?|c(?:[\t\r\n/>]| (?!r="[A-Z]{1,3}+[0-9]++")))')
_UNREFERENCED_CELL = re.compile(rb'<c(?:[\t\r\n/>]| (?!r="[A-Z]{1,3}+[0-9]++"))')   # _UNSCANNABLE's last branch
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot|apos);")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _after_declaration(data: bytes) -> int:
    """Where a part's markup is searched from: the end of its XML declaration (the one <?...?> allowed), or
    its start without one."""
    return data.find(b"?>") + 2 if data[:8].lstrip(b"\xef\xbb\xbf").startswith(b"<?xml") else 0


def _scannable_xml(data: bytes, end: int | None = None, rows: _Rows | None = None) -> bool:
    """Plain UTF-8 XML with nothing the regex scanners cannot read as the parser would (the same safety as
    the C-parser path of parse_xml: no DTD, so no entity but the five predefined ones can appear).

    A control character XML forbids sends the part to the parser, which refuses it as a conforming one must.
    `end`: where a worksheet's tail starts that _sheet_tail found plain; only the part before it is looked at.
    `rows`: that part's rows, of which only those not seen before (`rows.rest`) are looked at (_rows).
    """
    if rows is not None:
        # the sheet's head (its first piece) seen before: `rest` starts after it, where there is no declaration
        return _utf8_head(data) and _plain_rest(rows.rest, _after_declaration(data) if rows.known[0] is None else 0)
    if not _utf8_head(data) or (data if end is None else data[:end]).translate(None, _ALLOWED):
        return False
    start = _after_declaration(data)
    if end is None or start > end:
        return _UNSCANNABLE.search(data, start) is None
    # no match of _UNSCANNABLE that starts before the tail reads past its "</sheetData>"
    stop = end + len(_SHEET_DATA_END)
    if data.find(b"!", start, stop) < 0 and data.find(b"?", start, stop) < 0:
        # no "<!" or "<?" can start here (two memchr), so only a <c> without a reference is left to find,
        # searched from each "<c" rather than from each of the sheet's thousand "<"
        return _UNREFERENCED_CELL.search(data, start, stop) is None
    return _UNSCANNABLE.search(data, start, stop) is None


def _plain_rest(rest: bytes, start: int) -> bool:
    """_scannable_xml's checks on a sheet's rows not seen before with what surrounds them (_Rows.rest), the
    search for markup from `start` (after the XML declaration, which _rows finds within the first piece)."""
    if rest.translate(None, _ALLOWED):
        return False
    if rest.find(b"!", start) < 0 and rest.find(b"?", start) < 0:
        return _UNREFERENCED_CELL.search(rest, start) is None
    return _UNSCANNABLE.search(rest, start) is None


_new_cell = tuple.__new__          # Cell(...) without the NamedTuple's Python-level __new__
_POSITIONS: dict[bytes, tuple[int, int]] = {}   # b"C6" -> (5, 2): a template's few hundred refs, every return
_COLUMNS = 26 + 26 ** 2 + 26 ** 3    # the columns _REF's one to three letters name


def position(row: int, col: int) -> tuple[int, int]:
    """(row, col) as the very tuple the scanner keys a cell of that reference by: looking a field's cell up
    with it finds the key by identity, without comparing two tuples (a reader's plan holds these)."""
    if row < 0 or not 0 <= col < _COLUMNS:     # no reference _REF reads (past column ZZZ)
        return row, col
    ref = a1(row, col).encode()     # the reader has just named the cell: a1 remembers it
    return _POSITIONS.get(ref) or _remember(ref, (row, col))


def _position(ref: bytes) -> tuple[int, int]:
    rc = parse_ref(ref.decode())
    assert rc is not None, ref         # _CELL_HEAD only matches letters then digits
    return _remember(ref, rc)


def _remember(ref: bytes, rc: tuple[int, int]) -> tuple[int, int]:
    if len(_POSITIONS) > 100_000:      # a hostile sheet of a million distinct cells must not grow it forever
        _POSITIONS.clear()
    _POSITIONS[ref] = rc
    return rc


_SHARED, _PLAIN, _OTHER_TYPE = "s", "n", "other"
_ATTR_KINDS: dict[bytes, str] = {}      # a cell's attributes -> whether its value is a string index, a number
# a cell's reference and attributes (_CELL_HEAD) -> its position, _attr_kind and attributes: a template's few
# hundred cells, the same in every return
_HEADS: dict[bytes, tuple[tuple[int, int], str, bytes]] = {}
_INDEXES: dict[bytes, int] = {}         # b"12" -> 12
_NUMBERS: dict[bytes, Cell] = {}
_TEXTS: dict[str, Cell] = {}
_SHORT_TEXT = 40             # characters: labels and catalogue entries; a unit's own sentences are not kept
# What repeats is a template's few hundred indexes, figures and labels; a round's own figures are each new,
# and a process holding 100,000 of them took the check of 50,000 returns over its 150 MB (two processes ×
# 7 MB). _TEXTS at most 4,096 texts of 40 characters: under 1.5 MB.
_REMEMBERED = 4_096


def _head(head: bytes) -> tuple[tuple[int, int], str, bytes]:
    ref, _, attrs = head.partition(b'"')
    if len(_HEADS) > 10_000:            # about 3 MB at most: a hostile sheet of a million distinct cells
        _HEADS.clear()
    found = _HEADS[head] = (_POSITIONS.get(ref) or _position(ref), _ATTR_KINDS.get(attrs) or _attr_kind(attrs),
                            attrs)
    return found


def _attr_kind(attrs: bytes) -> str:
    kind = _SHARED if attrs.endswith(b' t="s"') else _PLAIN if b' t="' not in attrs else _OTHER_TYPE
    if len(_ATTR_KINDS) > 10_000:       # each bounded: a hostile sheet of a million distinct ones
        _ATTR_KINDS.clear()
    _ATTR_KINDS[attrs] = kind
    return kind


def _index(v: bytes) -> int:
    """A shared-string index; -1 for anything but digits (then _shared_string says what is wrong)."""
    if not v.isdigit():
        return -1
    if len(_INDEXES) > _REMEMBERED:
        _INDEXES.clear()
    i = _INDEXES[v] = int(v)
    return i


def _remember_number(v: bytes) -> Cell:
    cell = _new_cell(Cell, (_number(v), "n", None))   # raises for what OOXML does not allow: nothing kept then
    if len(_NUMBERS) > _REMEMBERED:
        _NUMBERS.clear()
    _NUMBERS[v] = cell
    return cell


def _text_cell(text: str) -> Cell:
    cell = _new_cell(Cell, (text, "s", None))
    if len(text) <= _SHORT_TEXT:
        if len(_TEXTS) > _REMEMBERED:
            _TEXTS.clear()
        _TEXTS[text] = cell
    return cell


def _no_noncharacters(text: str) -> None:
    """U+FFFE and U+FFFF are not characters to XML: the parser refuses them, so the scanner does too (on the
    decoded text, where finding one is a memchr; on the bytes it costs a 3-byte search)."""
    if "\ufffe" in text or "\uffff" in text:
        raise XlsxError("corrupt", "U+FFFE or U+FFFF")


def scannable(data: bytes) -> bool:
    return _scannable(data, _sheet_tail(data))


def _scannable(data: bytes, tail: tuple[int, _Tail] | None, rows: _Rows | None = None) -> bool:
    head = data[:600]
    # A part cut short (a broken upload, a hostile file) must go to the parser and fail, not scan half its cells.
    return (b"<worksheet " in head and _MAIN_NS in head and data.rstrip().endswith(b"</worksheet>")
            and _scannable_xml(data, tail[0] if tail else None, rows))


class _Tail(NamedTuple):
    """What follows a worksheet's <sheetData> (merged ranges, protection, validations, page set-up): the same
    in every return of a template, so checked and read once per distinct content (7 KB of a form's 18)."""

    merged: tuple[tuple[int, int, int, int], ...]
    protection: tuple[tuple[str, str], ...] | None
    validations: int
    cells: bool            # holds "<c r=" or "</c>", which the cell scan must see as part of the sheet


_SHEET_DATA_END = b"</sheetData>"
_TAILS: dict[bytes, _Tail | None] = {}
_LAST_TAIL: list[Any] = [None, None]      # the tail _sheet_tail met last, and what it holds


def _sheet_tail(data: bytes) -> tuple[int, _Tail] | None:
    """Where a worksheet's tail starts and what it holds, when the tail passes on its own every check the
    scanner makes of a whole sheet; None when it does not (or is missing or large): then the whole sheet is
    checked and read as one, exactly as before."""
    end = data.rfind(_SHEET_DATA_END)
    if end < 0 or len(data) - end > CACHE_PART_LIMIT:
        return None
    last, info = _LAST_TAIL
    # the tail met last, compared where it stands (no copy of the tail's 7 KB, no hash of it)
    if not (last is not None and len(data) - end == len(last) and data.endswith(last)):
        tail = data[end:]
        if tail in _TAILS:
            info = _TAILS[tail]
        else:
            info = _read_tail(tail)
            if len(_TAILS) >= 64:
                _TAILS.clear()
            _TAILS[tail] = info
        _LAST_TAIL[:] = tail, info
    return None if info is None else (end, info)


def _read_tail(tail: bytes) -> _Tail | None:
    """The tail's merged ranges, protection and validations, read as scan_sheet reads them from a whole
    sheet; None when any of the scanner's checks fails on it (or reading it would raise): those errors are
    then met where they always were, in order."""
    if tail.translate(None, _ALLOWED) or _UNSCANNABLE.search(tail) or _BAD_STYLE.search(tail):
        return None
    try:
        text = tail.decode("utf-8")
        _no_noncharacters(text)
        merged, protection, validations = _tail_parts(text)
    except (UnicodeDecodeError, XlsxError):
        return None
    return _Tail(tuple(merged), None if protection is None else tuple(protection.items()), validations,
                 b'<c r="' in tail or b"</c>" in tail)


def _tail_parts(tail: str) -> tuple[list[tuple[int, int, int, int]], dict[str, str] | None, int]:
    """Merged ranges, <sheetProtection> attributes and the number of validations, from what follows
    <sheetData> (small, so read as text)."""
    merged = tail.find("<mergeCells")
    ranges = list(_merged(tail[merged: tail.find("</mergeCells>", merged)])) if merged >= 0 else []
    prot = _PROTECTION.search(tail)
    protection = {k: _xml_text(v) for k, v in _ATTR.findall(prot.group(1))} if prot else None
    first = tail.find("dataValidation")
    return ranges, protection, len(_VALIDATION.findall(tail, max(first - 20, 0))) if first >= 0 else 0


def scan_sheet(name: str, data: bytes, shared: Callable[[], list[str]]) -> Sheet:
    return _scan_sheet(name, data, shared, _sheet_tail(data))


def _scan_sheet(name: str, data: bytes, shared: Callable[[], list[str]], tail: tuple[int, _Tail] | None,
                rows: _Rows | None = None) -> Sheet:
    # With a plain tail (_sheet_tail), only the part before it is checked and scanned for cells; with `rows`
    # (which Reader.sheet gives once _scannable has passed them), only the rows not seen before are checked.
    end = tail[0] if tail else len(data)
    ascii_only = (data if tail is None else rows.rest if rows is not None else data[:end]).isascii()
    if not ascii_only:
        try:   # ASCII is UTF-8; anything else is checked whole, as the parser would (with `rows`: the rows not
            # seen before, as those seen before are ASCII and the tail was checked on its own, _read_tail)
            _no_noncharacters((data if rows is None else rows.rest).decode("utf-8"))
        except UnicodeDecodeError as e:
            raise XlsxError("corrupt", f"sheet {name}: {e.reason}") from None
    # no match of _BAD_STYLE that starts before the tail reads past the tail's first byte, "<"
    bad = _BAD_STYLE.search(data) if tail is None else _BAD_STYLE.search(rows.rest) if rows is not None else \
        _BAD_STYLE.search(data, 0, end + 1)
    if bad:
        raise XlsxError("corrupt", f"sheet {name}: style index at {bad.group()[:30]!r}")
    sheet = Sheet(name, _style_src=data)
    masters: dict[str, tuple[int, int, str]] = {}
    pending: list[tuple[int, int, str, Cell]] = []
    strings = sheet.strings = shared() if b' t="s"' in data else []
    if rows is None:
        _scan_cells(data, len(data) if tail is None or tail[1].cells else end, strings, sheet, masters, pending,
                    None)
    else:
        _scan_rows(rows, strings, sheet, masters, pending)
    _resolve_shared(sheet, masters, pending)
    if tail is not None:
        info = tail[1]
        sheet.merged = list(info.merged)
        sheet.protection = None if info.protection is None else dict(info.protection)
        sheet.validations = info.validations
    else:
        sheet.merged, sheet.protection, sheet.validations = _tail_parts(data[max(data.rfind(_SHEET_DATA_END), 0):]
                                                                        .decode("utf-8"))
    return sheet


def _scan_cells(part: bytes, stop: int, strings: list[str], sheet: Sheet, masters: dict[str, tuple[int, int, str]],
                pending: list[tuple[int, int, str, Cell]], plain: list[_Plain] | None) -> list[_Plain] | None:
    """The cells of part[:stop] into `sheet`; `plain`: a list to note them in as _KNOWN_ROWS keeps them, given
    back when every one of them was a bare shared-string index or number (else None)."""
    cells = sheet.cells
    # Runs for every cell of every return, on the bytes: the common cells (a bare shared-string index or
    # number, group `v`) are read without decoding anything, what their attributes say, their index and their
    # number each looked up (a template's few dozen attribute sets, indexes and figures repeat in every return);
    # the rest go through _scan_cell.
    heads, indexes, numbers, texts = _HEADS, _INDEXES, _NUMBERS, _TEXTS
    for head, v, inner in _CELL_HEAD.findall(part, 0, stop):
        pos, kind, attrs = heads.get(head) or _head(head)
        if v:
            if kind is _SHARED:
                i = indexes.get(v)
                if i is None:
                    i = _index(v)
                text = strings[i] if 0 <= i < len(strings) else _shared_string(strings, v)
                cells[pos] = texts.get(text) or _text_cell(text)
                if plain is not None:
                    if i < 0:   # an index int() reads but not digits (b"+1"): not kept, as kept it reads strings[-1]
                        plain = None
                    else:
                        plain.append((pos, i, None))
                continue
            if kind is _PLAIN:
                cell = cells[pos] = numbers.get(v) or _remember_number(v)
                if plain is not None:
                    plain.append((pos, -1, cell))
                continue
            inner = b"<v>" + v + b"</v>"
        plain = None
        i = attrs.find(b' t="')
        t = attrs[i + 4: attrs.find(b'"', i + 4)].decode() if i >= 0 else "n"
        found, si = _scan_cell(t, inner.decode("utf-8"), strings)
        if found is not None:
            if si is not None:
                _shared_formula(si, pos[0], pos[1], found, masters, pending)
            if found.formula is not None:
                sheet.formulas.append(pos)
            cells[pos] = found
    return plain


# A worksheet's rows repeat from return to return of a template: its labels, its empty and hidden indicator
# rows (35 of a form's 44 rows, 84 of its 159 cells). A row's bytes seen before are neither checked nor scanned
# again: each row not longer than _ROW_LIMIT whose cells are all bare shared-string indexes or numbers is kept
# with them, the indexes read in each return's own table. What the checks of a whole sheet look for (a byte XML
# forbids, markup, a cell without its reference, a style that is not a number, a non-ASCII byte) lies within
# the row it is in, so a row that passed them once passes them again; the scan is cut after each "</row>" only
# where no cell can run on past it (_closed), so it reads each row's cells as the scan of the whole sheet does.
_Plain = tuple[tuple[int, int], int, Cell | None]     # position, shared-string index (-1: a number), number
_KNOWN_ROWS: dict[bytes, tuple[int, tuple[_Plain, ...]]] = {}    # row -> (highest index, its cells)
_ROW_LIMIT = 2048          # bytes of a row kept: a form's are 100-700; at most 512 rows, ~2 MB a process
_SEEN_ROWS: set[int] = set()     # the hashes of rows met once (_seen_before)
_ROW_END = b"</row>"
_OPEN_CELL = lazy(rb'<c r="[A-Z]{1,3}+[0-9]++"[^>/]*+>')    # _CELL_HEAD's head, not self-closing


class _Rows(NamedTuple):
    """A worksheet's part before its tail cut after each "</row>" (the separators left out), each piece with
    what _KNOWN_ROWS holds for it (never the last piece; the first, the sheet's head with its first row, is
    kept as a row is);
    `shapes`: for a piece not known whose shape was looked for (see _SHAPES), the cells of that shape if it was
    met before, and the piece's shape and values (None for either when there are none); `rest`: the pieces
    neither known nor of a known shape with the separators after them and "</sheetData>", all the checks
    look at."""

    pieces: list[bytes]
    known: list[tuple[int, tuple[_Plain, ...]] | None]
    shapes: list[_Looked | None]
    rest: bytes


def _rows(data: bytes, tail: tuple[int, _Tail] | None) -> _Rows | None:
    """The sheet's rows when it has a plain tail without cells and none of its rows not seen before lets a
    cell run on past its end; None otherwise (the sheet is then checked and scanned whole, as before)."""
    if tail is None or tail[1].cells:
        return None
    pieces = data[:tail[0]].split(_ROW_END)
    if len(pieces) < 3 or _after_declaration(data) > len(pieces[0]):
        return None
    known = list(map(_KNOWN_ROWS.get, pieces))
    known[-1] = None
    shapes: list[_Looked | None] = [None] * len(pieces)
    tries = _SHAPE_TRIES      # a form's rows are a few dozen: a sheet of thousands is not looked through
    for n in range(1, len(pieces) - 1):
        if known[n] is None and len(pieces[n]) <= _ROW_LIMIT:
            looked = shapes[n] = _look_up_shape(pieces[n])
            if looked[0] is not None:
                known[n] = _OF_SHAPE
            tries -= 1
            if not tries:
                break
    unknown = list(compress(pieces, map(is_, known, repeat(None))))
    if not all(map(_closed, unknown[:-1])):      # the last piece ends where the whole scan stops too
        return None
    return _Rows(pieces, known, shapes, _ROW_END.join(unknown) + _SHEET_DATA_END)


def _closed(piece: bytes) -> bool:
    """Whether no cell of the piece runs on past its end: none opens (<c r=".." ..>, not self-closing) after
    its last </c>. (The whole sheet's scan would read such a cell on into the next row.)"""
    i = piece.find(b'<c r="', piece.rfind(b"</c>") + 1)
    # an opening tag's ">" follows no "/": where every ">" does, only self-closing cells follow (the common
    # row ends with its empty styled cells); else the pattern tells
    return i < 0 or piece.count(b">", i) == piece.count(b"/>", i) or _OPEN_CELL.search(piece, i) is None


def _seen_before(piece: bytes) -> bool:
    """Whether a row was met before (by its hash, which the lookup in _KNOWN_ROWS has made already): a row is
    kept the second time it is met, so that a unit's own rows, met once, are never kept."""
    h = hash(piece)
    if h in _SEEN_ROWS:
        return True
    if len(_SEEN_ROWS) >= 8192:
        _SEEN_ROWS.clear()
    _SEEN_ROWS.add(h)
    return False


def _scan_rows(rows: _Rows, strings: list[str], sheet: Sheet, masters: dict[str, tuple[int, int, str]],
               pending: list[tuple[int, int, str, Cell]]) -> None:
    """_scan_cells of the whole sheet, row by row: a row seen before from what was kept of it, a row of a
    shape seen before from its values, in order."""
    cells, texts, count, last = sheet.cells, _TEXTS, len(strings), len(rows.pieces) - 1
    for n, (piece, known, shape) in enumerate(zip(rows.pieces, rows.known, rows.shapes, strict=True)):
        if shape is not None and shape[0] is not None and shape[1] is not None:
            plain = _fill(shape[0], shape[1][1], strings, cells, sheet.formulas)
        elif known is not None and known[0] < count:
            for pos, i, cell in known[1]:
                if cell is None:
                    text = strings[i]
                    cell = texts.get(text) or _text_cell(text)
                cells[pos] = cell
            continue
        else:
            learn = n < last and len(piece) <= _ROW_LIMIT and piece.isascii()
            plain = _scan_cells(piece, len(piece), strings, sheet, masters, pending, [] if learn else None)
            if learn and shape is not None and shape[1] is not None:
                _learn_shape(piece, plain, shape[1])
        if plain is not None and _seen_before(piece):
            if len(_KNOWN_ROWS) >= 512:
                _KNOWN_ROWS.clear()
            _KNOWN_ROWS[piece] = (max((i for _, i, _ in plain), default=-1), tuple(plain))


# A row's shape: its bytes with what each <v>..</v> holds taken out. The rows a unit fills (its figures, and the
# indexes of its own texts in its own table, the cached results of its formulas) differ from return to return
# in their values only: a row whose shape is that of a row met before, every value of it a plain figure or
# index, is read from its values, neither checked nor scanned again. Its values cannot change what the checks
# of a whole sheet find (no "<", ">", "/", quote, space, "!", "?", control or non-ASCII byte), nor how the
# scan reads its cells: each is a value _CELL_HEAD reads (not empty, no "<", "&" or CR), so the scan of the row
# finds the same cells as in the row the shape was learnt from, with these values, and a value is read as
# _scan_cells reads it. A shape's cells are bare indexes and figures, and formulas (not shared) with a figure
# cached, each <f>..</f><v>..</v>: the formula is in the shape.
# a cell's position and what its value is: True a shared-string index, False a figure, a text the cached figure
# of that formula
_Shaped = tuple[tuple[int, int], bool | str]
_SHAPES: dict[bytes, tuple[_Shaped, ...]] = {}
_SHAPES_LIMIT = 512                         # shapes of at most _ROW_LIMIT bytes: ~1 MB a process
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_VALUE_BYTES = b"0123456789.eE+-"
_OF_SHAPE: tuple[int, tuple[_Plain, ...]] = (-1, ())      # _Rows.known's mark of a row read by its shape
_SHAPE_TRIES = 256                          # rows of a sheet whose shape is looked for
# a row's shape looked for: the cells of that shape if met before, the row's shape and values if it has them
_Looked = tuple[tuple[_Shaped, ...] | None, tuple[bytes, list[bytes]] | None]
_EMPTY_VALUE = b"<v></v>"


def _split_shape(piece: bytes) -> tuple[bytes, list[bytes]] | None:
    """A row's shape and its values, when each value is plain (not empty, digits, ".", "e", "E", "+", "-")."""
    parts = _VALUE.split(piece)
    values = parts[1::2]
    if not values or not all(values) or b"".join(values).translate(None, _VALUE_BYTES):
        return None
    return _EMPTY_VALUE.join(parts[::2]), values


def _look_up_shape(piece: bytes) -> _Looked:
    split = _split_shape(piece)
    return (None if split is None else _SHAPES.get(split[0])), split


def _learn_shape(piece: bytes, plain: list[_Plain] | None, split: tuple[bytes, list[bytes]]) -> None:
    """Keep the shape of a row just scanned (`split`: its shape and values): each of its cells a bare index or
    figure (`plain`, as _scan_cells noted them) or a formula with a figure cached, each holding one value
    _VALUE finds and no other value found beside them (so the values found in a row of this shape are its
    cells', in order)."""
    if split[0] in _SHAPES:
        return
    cells = tuple((pos, cell is None) for pos, _, cell in plain) if plain is not None else _formula_shape(piece)
    if cells is None or len(split[1]) != len(cells):
        return
    if len(_SHAPES) >= _SHAPES_LIMIT:
        _SHAPES.clear()
    _SHAPES[split[0]] = cells


def _formula_shape(piece: bytes) -> tuple[_Shaped, ...] | None:
    """The cells of a row _scan_cells read not all plain, when each is a bare index or figure or a formula
    cell as _scan_cell reads it: no type (a figure), <f>formula</f><v>figure</v>, the formula parsed whole by
    its opening part (_leading_formula) and not shared. None for any other cell."""
    cells: list[_Shaped] = []
    for head, v, inner in _CELL_HEAD.findall(piece):
        pos, kind, _ = _HEADS.get(head) or _head(head)
        if v and kind is not _OTHER_TYPE:
            cells.append((pos, kind is _SHARED))
            continue
        i = inner.find(b"<v>")
        if v or kind is not _PLAIN or i <= 0 or not inner.startswith(b"<f") or not inner.endswith(b"</f>", 0, i) \
                or inner.find(b"</v>", i) != len(inner) - 4:
            return None
        hit = _leading_formula(inner[:i].decode())
        if hit is None or hit[0] is None or hit[1] is not None:
            return None
        cells.append((pos, hit[0]))
    return tuple(cells)


def _fill(shape: tuple[_Shaped, ...], values: list[bytes], strings: list[str], cells: dict[tuple[int, int], Cell],
          formulas: list[tuple[int, int]]) -> list[_Plain] | None:
    """A row of a known shape: its cells from its values, each read as _scan_cells reads it, and noted as
    _scan_cells notes them (None: an index that is not digits, or a formula, as there)."""
    indexes, numbers, texts = _INDEXES, _NUMBERS, _TEXTS
    plain: list[_Plain] | None = []
    for (pos, shared), v in zip(shape, values, strict=True):
        if shared.__class__ is str:     # a formula, its figure as _scan_cell reads it
            formulas.append(pos)
            cells[pos] = _new_cell(Cell, (_number(v), "n", shared))
            plain = None
        elif shared:
            i = indexes.get(v)
            if i is None:
                i = _index(v)
            text = strings[i] if 0 <= i < len(strings) else _shared_string(strings, v)
            cells[pos] = texts.get(text) or _text_cell(text)
            if plain is not None:
                if i < 0:
                    plain = None
                else:
                    plain.append((pos, i, None))
        else:
            cell = cells[pos] = numbers.get(v) or _remember_number(v)
            if plain is not None:
                plain.append((pos, -1, cell))
    return plain


_SST_HEAD = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_SI = lazy(r'<si><t(?: xml:space="preserve")?>([^<]*)</t></si>|<si>(.*?)</si>', re.S)


def scan_shared_strings(data: bytes) -> list[str] | None:
    """sharedStrings.xml in the plain dialect, as the tree path reads it; None when it must take that path."""
    if _SST_HEAD not in data[:300] or not data.rstrip().endswith(b"</sst>"):
        return None
    plain = _plain_table(data)
    if plain is not None:
        return plain
    if not _scannable_xml(data):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    _no_noncharacters(text)
    items = _SI.findall(text)
    # An empty <si/> or a prefixed <x:si> would shift or drop every index after it: those take the tree.
    if len(items) != text.count("<si") or 2 * len(items) != text.count("si>"):
        return None
    if "&" not in text and "\r" not in text and "_x" not in text and not any(rich for _, rich in items):
        # The common table: plain items (a non-empty `rich` is an item the first pattern did not match) with
        # nothing to expand or unescape, each its text as it stands (this runs for every return of a round).
        return [plain for plain, _ in items]
    return [_unescape(_xml_text(plain)) if plain or not rich else
            _unescape("".join(_xml_text(x) for x in _T_TEXT.findall(_RPH.sub("", rich)))) for plain, rich in items]


_SI_PLAIN, _SI_NEXT, _SI_LAST = "<si><t>", "</t></si><si><t>", "</t></si>"


def _plain_table(data: bytes) -> list[str] | None:
    """The common table, <sst ..> then <si><t>text</t></si> item after item with nothing to expand or unescape,
    split at its item boundaries in one call (this runs for every return); None for anything else, which
    scan_shared_strings then reads as before. Only "<" starts markup, so a body holding no "<" but its items'
    holds nothing else (no comment, CDATA, empty or rich item)."""
    # a control character XML forbids, as _scannable_xml's translate finds it: one memchr a byte value costs
    # less than that pass over the whole table, byte by byte
    if not _utf8_head(data) or any(map(data.__contains__, _FORBIDDEN)):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    first, last = text.find(_SI_PLAIN), text.rfind(_SI_LAST)
    if first < 0 or last < first or text[last + len(_SI_LAST):].rstrip() != "</sst>" or "&" in text \
            or "\r" in text or "_x" in text or not text.startswith("<sst", text.rfind("<", 0, first)):
        return None
    items = text[first + len(_SI_PLAIN): last].split(_SI_NEXT)
    if text.count("<", first) != 4 * len(items) + 1:   # each item's four tags and "</sst>"
        return None
    head = data.find(_SI_PLAIN.encode())    # what precedes the items, checked as _scannable_xml would
    start = _after_declaration(data)
    if start > head or _UNSCANNABLE.search(data, start, head) is not None:
        return None
    _no_noncharacters(text)
    return items


@_content_cache(64)
def _merged(section: str) -> tuple[tuple[int, int, int, int], ...]:
    """Merged ranges of a <mergeCells> block: the same in every return of a template, so parsed once."""
    return tuple(r for ref in _MERGE.findall(section) if (r := _range(ref)) is not None)


def _scan_cell(t: str, inner: str, strings: list[str]) -> tuple[Cell | None, str | None]:
    if inner.startswith("<v>") and inner.endswith("</v>"):   # most cells: a bare value, no formula
        bare = inner[3:-4]
        if "&" in bare or "\r" in bare:
            bare = _xml_text(bare)
        return (Cell(_value(t, bare, strings), t) if bare else None), None
    v: str | None = None
    i = inner.find("<v>")
    if i >= 0:
        v = _xml_text(inner[i + 3: inner.find("</v>", i)]) or None   # <v></v> holds nothing, as in the tree
    elif "<is>" in inner:
        v = "".join(_xml_text(x) for x in _T_TEXT.findall(_RPH.sub("", inner)))
    formula, si = _scan_formula(inner) if "<f" in inner else (None, None)
    if v is None and formula is None:
        return None, None
    return Cell(_value(t, v, strings), t, formula), si


def _scan_formula(inner: str) -> tuple[str | None, str | None]:
    """A cell's formula and shared-formula index. A cell that opens with its formula (<f>..</f><v>..</v>, as
    every writer puts it) has it parsed once per formula text: the template's formulas are in every return,
    their cached values are each return's own."""
    i = inner.find("<v>")
    if i > 0 and inner.startswith("<f") and inner.endswith("</f>", 0, i):
        hit = _leading_formula(inner[:i])
        if hit is not None:
            return hit
    return _formula_in(inner)


@_content_cache(256)
def _leading_formula(part: str) -> tuple[str | None, str | None] | None:
    """_formula_in(part) when the formula opens `part` and closes within it, so that it is the same as that of
    the whole cell's content; None otherwise."""
    m = _F_OPEN.match(part)
    if m is None or "</f>" not in part[m.end():]:
        return None
    return _formula_in(part)


def _formula_in(inner: str) -> tuple[str | None, str | None]:
    m = _F_OPEN.search(inner)
    if m is None:
        return None, None
    attrs = m.group(1) or ""
    formula = "" if attrs.endswith("/") else _xml_text(inner[m.end(): inner.find("</f>", m.end())])
    si = _attr(attrs, "si") if _attr(attrs, "t") == "shared" else None
    return formula, (None if si is None else ("master:" if formula else "") + si)


def _attr(attrs: str, name: str) -> str | None:
    i = attrs.find(f' {name}="')
    if i < 0:
        return None
    start = i + len(name) + 3
    return attrs[start: attrs.find('"', start)]


def _xml_text(s: str) -> str:
    """Text content as an XML parser gives it: line ends normalised, entities and character refs expanded."""
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in s:
        s = _ENTITY.sub(_entity, s)
    return s


def _entity(m: re.Match[str]) -> str:
    name = m.group(1)
    if not name.startswith("#"):
        return _ENTITIES[name]
    code = int(name[2:], 16) if name.startswith("#x") else int(name[1:])
    # XML's Char production: what a conforming parser refuses (&#0;, &#xD800;, &#x110000;) is a broken file.
    if not (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF):
        raise XlsxError("corrupt", f"character reference &{name[:12]};")
    return chr(code)


_TEXT_ROWS_LIMIT = 64 * 1024    # `_xf_meta` is 1-3 KB; a larger "meta" sheet is read each time
# sheet bytes -> each row's (key, value) as iter_text_rows gives them: a shared-string index (int) or the text
# itself; None when a cell's text cannot be told from the bytes alone
_TEXT_ROWS: dict[bytes, tuple[tuple[int | str, int | str], ...] | None] = {}


def _text_rows_plan(sheet: Sheet, data: bytes) -> tuple[tuple[int | str, int | str], ...] | None:
    """iter_text_rows of a scanned sheet with each shared string named by its index: the cells whose bytes
    are a bare index (<c r=".." t="s"><v>12</v></c>) are the only ones whose text is not in the bytes."""
    heads = [(_HEADS.get(head) or _head(head), v) for head, v, _ in _CELL_HEAD.findall(data) if v and v.isdigit()]
    bare = {pos: int(v) for (pos, kind, _), v in heads if kind is _SHARED}
    plan: list[tuple[int | str, int | str]] = []
    for r in sorted({r for r, _ in sheet.cells}):
        key, value = sheet.cell(r, 0), sheet.cell(r, 1)
        if key is None or not isinstance(key.value, str):
            continue
        parts = [bare.get((r, c), -1) if cell is not None and cell.type == "s" else None
                 for c, cell in ((0, key), (1, value))]
        if -1 in parts:     # a shared string the bytes do not name plainly
            return None
        plan.append((key.value.strip() if parts[0] is None else parts[0],
                     as_text(value.value if value else None) if parts[1] is None else parts[1]))
    return tuple(plan)


def text_rows(rdr: WorkbookReader, name: str) -> dict[str, str]:
    """The key/value rows of a small two-column sheet such as `_xf_meta`, as text (iter_text_rows)."""
    if isinstance(rdr, Reader):
        return rdr.text_rows(name)
    return dict(iter_text_rows(rdr.sheet(name)))


def iter_text_rows(sheet: Sheet) -> Iterator[tuple[str, str]]:
    """Key/value rows of a small two-column sheet such as `_xf_meta`, as text."""
    rows = sorted({r for r, _ in sheet.cells})
    for r in rows:
        key, value = sheet.cell(r, 0), sheet.cell(r, 1)
        if key is not None and isinstance(key.value, str):
            yield key.value.strip(), as_text(value.value if value else None)


def as_text(value: Any) -> str:
    """A cell value as the text a person sees: 2020.0 -> "2020"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)
