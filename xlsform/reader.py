"""One returned workbook -> a Record plus the findings met while reading it. Never raises for a bad file.

The spec comes from the file's `_xf_meta` sheet (or is passed). Every field is found through its defined name
(`xf_...`), which Excel and WPS move along when rows are inserted, and falls back to the spec's position when
the name is missing; labels are never searched for. Values are normalised (normalize.py) and each
normalisation is an info finding; computed fields are recomputed from the inputs, and what the file cached for
them is kept apart in `record.cached` for the checks to compare.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any

from xlsform import normalize
from xlsform.codes import Finding, make
from xlsform.fsutil import os_reason
from xlsform.layout import META_SHEET, Layout, Place, a1, layout_for
from xlsform.lazyre import lazy
from xlsform.records import Record
from xlsform.results import FileResult
from xlsform.spec import EXCEL_TEXT_LIMIT, Field, Spec, spec_by_id
from xlsform.xlsx import (
    MAX_FILE_BYTES,
    Cell,
    RawWorkbook,
    Sheet,
    WorkbookReader,
    XlsxError,
    as_text,
    name_target,
    open_reader,
    position,
    text_rows,
)

XLSX_SUFFIXES = (".xlsx",)
# Files a unit may send instead of an .xlsx; walked so that each gets a finding with advice.
OTHER_SUFFIXES = (".xls", ".et", ".xlsm", ".xlsb", ".ett", ".xltx", ".xltm", ".ods", ".csv", ".wps")

_UNREADABLE = {"unopenable": "XF109", "empty": "XF110", "not_xlsx": "XF101", "legacy": "XF102",
               "encrypted": "XF103", "macro": "XF104", "corrupt": "XF105", "bomb": "XF106",
               "too_large": "XF107", "unsafe_xml": "XF108", "over_budget": "XF116", "not_regular": "XF117",
               "folder": "XF904"}
_SNIFFED = {"html": "网页格式，只是扩展名为表格", "pdf": "PDF 文件", "unknown": "无法识别的文件内容",
            "ods": "OpenDocument 表格 .ods",
            "ods_unconverted": "OpenDocument 表格 .ods，本机没有可用来转换它的 LibreOffice，或转换未成功",
            "ole_other": "Word、PowerPoint 等其他 Office 文件",
            "docx": "Word 文档（.docx），不是表格", "pptx": "PowerPoint 演示文稿（.pptx），不是表格",
            "no_workbook": "压缩包中没有 Excel 工作簿，可能是 Word 等其他文件"}


@dataclass
class ReadResult:
    """What reading one file gave: its record, the reader's own findings and the raw workbook."""

    file: str
    sha256: str | None = None
    mtime: float | None = None
    record: Record | None = None
    findings: list[Finding] = field(default_factory=list)
    workbook: RawWorkbook | None = None
    layout: Layout | None = None
    # further forms of a hand-made workbook that holds several (one unit a sheet): each its own result
    more: list[ReadResult] = field(default_factory=list)

    def to_file_result(self) -> FileResult:
        return FileResult(self.file, self.sha256, self.mtime, self.record, list(self.findings))


def read_file(path: str | Path, *, spec: Spec | None = None) -> ReadResult:
    """Read one return. A file that cannot be read gives `record=None` and one finding saying why."""
    result = ReadResult(str(path))
    try:
        data = _load(Path(path), result)
        _read(data, spec, result)
    except XlsxError as e:
        result.findings, result.record = [_unreadable(e, result.file)], None
    except Exception as e:  # one bad file must never stop a batch; the finding names the error
        result.findings = [make("XF114", file=result.file, value=f"{type(e).__name__}: {e}"[:200])]
        result.record = None
    return result


def _load(path: Path, result: ReadResult) -> bytes:
    try:
        fd, st = _open(path)
        try:
            result.mtime = st.st_mtime
            if st.st_size > MAX_FILE_BYTES:
                raise XlsxError("too_large", str(st.st_size))
            # Sized by the file, not by the limit: read(20 MB) would allocate 20 MB for every 20 KB return.
            data = _read_fd(fd, st.st_size + 1)
        finally:
            os.close(fd)
    except OSError as e:
        raise XlsxError("unopenable", os_reason(e)) from None
    result.sha256 = hashlib.sha256(data).hexdigest()
    return data


def _read_fd(fd: int, size: int) -> bytes:
    """Up to `size` bytes, to the end of the file: what a buffered file's read(size) gives, read straight from
    the descriptor (a file object would ask the system again for its size, whether it is a terminal and
    where it stands, for every return of a round)."""
    parts = []
    while size > 0:
        part = os.read(fd, size)
        if not part:
            break
        parts.append(part)
        size -= len(part)
    return parts[0] if len(parts) == 1 else b"".join(parts)


_SPECIAL = ((stat.S_ISFIFO, "命名管道"), (stat.S_ISCHR, "字符设备"), (stat.S_ISBLK, "块设备"),
            (stat.S_ISSOCK, "套接字"))


def _open(path: Path) -> tuple[int, os.stat_result]:
    """A descriptor of a regular file; opened non-blocking, so that a FIFO returns at once and is named."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        with suppress(OSError):          # a socket cannot be opened at all: say what it is
            _regular(os.stat(path), path)
        raise
    try:
        st = os.fstat(fd)
        _regular(st, path)
    except BaseException:
        os.close(fd)
        raise
    return fd, st


def _regular(st: os.stat_result, path: Path) -> None:
    """Only regular files are read: reading a FIFO or a device would wait, or read, forever."""
    if stat.S_ISREG(st.st_mode):
        return
    if stat.S_ISDIR(st.st_mode):    # a folder the walk could not list (walk_returns)
        raise XlsxError("folder", _why_unlistable(path))
    raise XlsxError("not_regular", next((name for test, name in _SPECIAL if test(st.st_mode)), "特殊文件"))


def _why_unlistable(path: Path) -> str:
    try:
        with os.scandir(path):
            return "读取时出错"
    except PermissionError:
        return "没有读取权限"
    except OSError as e:
        return os_reason(e)


def _unreadable(e: XlsxError, file: str) -> Finding:
    code = _UNREADABLE[e.kind]
    if e.kind == "too_large":
        return make(code, file=file, value=_size(int(e.detail or 0)), expected=_size(MAX_FILE_BYTES))
    value = _SNIFFED.get(e.detail, e.detail) if e.kind == "not_xlsx" else e.detail
    if e.kind == "over_budget":
        value = _budget_text(e.detail)
    return make(code, file=file, value=value or None)


_BUDGET_WORDS = {"cells": "单元格", "rows": "行", "shared strings": "共享字符串", "merged ranges": "合并区域",
                 "defined names": "定义名称", "elements": "XML 元素", "records": ".xls 记录",
                 "styles": "单元格格式和字体"}


def _budget_text(detail: str) -> str:
    """"cells 2400000 > 100000" -> "单元格 2400000 个，上限 100000 个"."""
    head, _, limit = detail.partition(" > ")
    name, _, n = head.rpartition(" ")
    if not n.isdigit():
        return f"单个文字长度超过 {limit} 个字符"
    return f"{_BUDGET_WORDS.get(name, name)} {n} 个，上限 {limit} 个"


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


# -------------------------------------------------------------------------------------------- reading

def _read(data: bytes, spec: Spec | None, result: ReadResult) -> None:
    try:
        rdr = open_reader(data)
    except XlsxError as e:
        if (e.kind, e.detail) != ("not_xlsx", "ods"):
            raise
        rdr = _from_ods(data, result)
    raw = rdr.workbook()
    result.workbook = raw
    if rdr.has_sheet(META_SHEET):
        raw.meta = text_rows(rdr, META_SHEET)
    if not raw.meta.get("spec_id"):
        raw.properties = rdr.properties()
        if not _meta(raw).get("spec_id"):     # not one of our forms: read it by its printed labels
            _import(rdr, raw, spec, result)
            return
    layout = _identify(raw, spec, result)
    if layout is None:
        return
    sheet_name = _form_sheet_name(raw, layout.spec, rdr)
    if sheet_name is None:
        result.findings.append(make("XF111", file=result.file, expected=layout.spec.sheet))
        return
    raw.form = rdr.sheet(sheet_name)
    raw.unlocked_styles, raw.number_kinds = rdr.styles()
    result.layout = layout
    result.record = _record(raw, raw.form, layout, result)


def _from_ods(data: bytes, result: ReadResult) -> WorkbookReader:
    """An .ods return, as the LibreOffice installed here converts it to .xlsx (ods.py); said once (XF119)."""
    from xlsform import ods

    converted = ods.to_xlsx(data)
    if converted is None:
        raise XlsxError("not_xlsx", "ods_unconverted")
    rdr = open_reader(converted)
    result.findings.append(make("XF119", file=result.file))
    return rdr


def _import(rdr: WorkbookReader, raw: RawWorkbook, spec: Spec | None, result: ReadResult) -> None:
    """A workbook xlsform did not write: every form on it, read by its labels (xlsform/importer)."""
    from xlsform.importer import import_workbook  # only hand-made files pay for the importer's import

    forms = import_workbook(rdr, raw, result.file, (spec,) if spec is not None else None)
    if not forms:
        result.findings.append(make("XF180", file=result.file))
        return
    for i, form in enumerate(forms):
        one = result if i == 0 else ReadResult(result.file, result.sha256, result.mtime)
        record = form.built.build(_field_value, _normalise_labels, one)
        record.sha256 = result.sha256
        one.findings[:0] = form.built.findings
        one.record, one.layout, one.workbook = record, form.built.layout, form.workbook(raw)
        if i:
            result.more.append(one)


def _identify(raw: RawWorkbook, spec: Spec | None, result: ReadResult) -> Layout | None:
    """The file's spec and indicator row count, from `_xf_meta` (custom properties as a fallback)."""
    meta = _meta(raw)
    spec_id, version = meta.get("spec_id", ""), meta.get("spec_version", "")
    if spec is None:
        spec = spec_by_id(spec_id)
    if spec is None or spec_id != spec.id:
        result.findings.append(make("XF150", file=result.file, value=spec_id or None))
        return None
    if version not in spec.accept_versions:
        result.findings.append(make("XF151", file=result.file, value=version or None,
                                    expected="、".join(spec.accept_versions)))
        return None
    return layout_for(spec, _indicator_rows(meta.get("indicator_rows"), raw, spec))


def _meta(raw: RawWorkbook) -> dict[str, str]:
    if raw.meta.get("spec_id"):
        return raw.meta
    # `_xf_meta` lost (a copy-paste into a new workbook keeps no hidden sheets): the properties may survive.
    props = {k[3:]: v for k, v in raw.properties.items() if k.startswith("xf_")}
    return props if props.get("spec_id") else raw.meta


def _indicator_rows(text: str | None, raw: RawWorkbook, spec: Spec) -> int:
    """The number of indicator rows the workbook was made with: from its meta data, else from its names."""
    try:
        n = int(float(text or ""))
    except (ValueError, OverflowError):     # "", "abc", "nan", "inf": a meta sheet someone edited
        n = 0
    if 1 <= n <= 200:
        return n
    # Without the meta sheet, the last xf_ind_NN_weight name tells; guessing the spec's default instead would
    # read the totals row as indicator rows when the workbook was made with fewer.
    found = [int(m.group(1)) for name in raw.names if (m := _WEIGHT_NAME.match(name))]
    return max(found) if found and max(found) <= 200 else spec.indicator_rows


_WEIGHT_NAME = lazy(r"^xf_ind_(\d{2,3})_weight$")


def _form_sheet_name(raw: RawWorkbook, spec: Spec, rdr: WorkbookReader) -> str | None:
    """The spec's sheet; if renamed, the sheet the unit code's defined name points at (Excel follows renames)."""
    if rdr.has_sheet(spec.sheet):
        return spec.sheet
    target = name_target(raw.names.get("xf_code", ""))
    if target and rdr.has_sheet(target[0]):
        return target[0]
    return None


# -------------------------------------------------------------------------------------------- record

@dataclass(eq=False)   # never compared: no __eq__ compiled at every start
class _Locations:
    """Where each field of a layout sits in a file, given its defined names."""

    # place, key, (row, col), merged, ref, kind (_TEXT, _NUMBER or None: what the fast path of _record may read)
    fields: list[_Entry] = field(default_factory=list)
    computed: list[tuple[Place, int, int, str]] = field(default_factory=list)      # place, row, col, ref
    moved: list[tuple[Place, tuple[int, int]]] = field(default_factory=list)
    broken: list[Place] = field(default_factory=list)
    inputs: dict[tuple[int, int], tuple[Place, str]] = field(default_factory=dict)   # (row, col) -> place, ref
    fund_labels: dict[str, str] = field(default_factory=dict)
    # `fields` as runs on one row: (row, whether one is merged and so read even from an empty row, its fields
    # as _record's loop reads them: key, (row, col), ref, kind, the entry)
    plan: tuple[tuple[int, bool, tuple[tuple[str, tuple[int, int], str, str | None, _Entry], ...]], ...] = ()


_Entry = tuple[Place, str, tuple[int, int], bool, str, str | None]


def _record(raw: RawWorkbook, sheet: Sheet, layout: Layout, result: ReadResult) -> Record:
    spec = layout.spec
    rec = Record(spec_id=spec.id, spec_version=_meta(raw).get("spec_version", spec.version),
                 source=result.file, sha256=result.sha256)
    locs = _locations(layout, sheet.name, raw.names_items or tuple(raw.names.items()))
    rec.fund_labels = dict(locs.fund_labels)
    cells = sheet.cells
    xls = raw.source_format == "xls"
    for place, row, col, ref in locs.computed:
        cell = cells.get((row, col))
        rec.cached[place.key] = _cached(_xls_cached(cell) if xls else cell, place)
        rec.cells[place.key] = ref
    values, where = rec.values, rec.cells
    # Runs for every field of every return: names bound here, each cell unpacked once, the two common cases
    # (text in a text field, a number in a number field) read in the loop, the rest by _field.
    get, odd, most, plain = cells.get, _ODD_TEXT.search, normalize.MAX_NUMBER, _plain_strings(sheet.strings)
    rows = set(map(_ROW, cells))     # most of a form's 30 indicator rows are empty: their fields are skipped
    for row, always, entries in locs.plan:
        if not always and row not in rows:
            continue
        for key, pos, ref, kind, entry in entries:
            cell = get(pos)
            if cell is not None:
                v, t, _ = cell
                # a shared string of a plain table is taken without even its own tests
                if kind is _TEXT and type(v) is str and ((t == "s" and plain) or (
                        t != "e" and odd(v) is None and len(v) <= MAX_CELL_TEXT)):
                    v = v.strip()
                    if v:
                        values[key] = v
                        where[key] = ref
                    continue
                if kind is _NUMBER and type(v) is float and abs(v) < most:
                    values[key] = v
                    where[key] = ref
                    continue
            elif not entry[3]:      # an empty cell of a field that is not merged
                continue
            value, ref = _field(sheet, raw, entry, cell, result)
            if value is not None:
                values[key] = value
                where[key] = ref
    _normalise_labels(layout, values, where, result)
    values.update(_recomputed(layout, values))
    result.findings.extend(_location_findings(locs, sheet.name, result.file))
    result.findings.extend(_formula_findings(sheet, locs, result.file))
    return rec


def _field(sheet: Sheet, raw: RawWorkbook, entry: _Entry, cell: Cell | None, result: ReadResult) -> tuple[Any, str]:
    """A field _record's loop does not read itself: its value (None: nothing) and the cell it was read from."""
    place, _, (row, col), merged, ref, kind = entry
    if cell is None or cell.value is None:
        if not merged:
            return None, ref
        row, col, cell, ref = _off_anchor(sheet, place, row, col, ref, result)
        if cell is None or cell.value is None:
            return None, ref
    v = cell.value
    if kind is _TEXT and type(v) is str and cell.type != "e" and _ODD_TEXT.search(v) is None \
            and len(v) <= MAX_CELL_TEXT:
        return v.strip() or None, ref     # an unmerged range's text, read as the loop reads an anchor's
    if kind is _NUMBER and type(v) is float and abs(v) < normalize.MAX_NUMBER:
        return v, ref
    return _field_value(cell, place, ref, result, raw.number_kind(row, col)
                        if type(v) is float and not place.field.numeric else None), ref


def _plain_strings(strings: list[str] | None) -> bool:
    """Whether every shared string is one the fast path of _record may take as it stands: none holds a
    character _ODD_TEXT looks for or is longer than a cell holds. Then the text of an "s" cell needs no test
    of its own (each `in` below is a memchr over the whole table, not a search a text)."""
    if not strings:
        return False
    joined = "".join(strings)    # all of them no longer than a cell holds: none of them is
    return not any(ch in joined for ch in _ODD_CHARS) and (len(joined) <= MAX_CELL_TEXT or
                                                          max(map(len, strings)) <= MAX_CELL_TEXT)


def _normalise_labels(layout: Layout, values: dict[str, Any], where: dict[str, str], result: ReadResult) -> None:
    """一级/二级指标 as the catalogue spells them ("服务对象满意度指标等" -> "服务对象满意度指标"), each an info
    finding, as the roster reads them; a label that names no one entry stays as typed for the checks."""
    tree = layout.spec.tree
    for key1, key2 in _level_keys(layout):
        level1 = values.get(key1)
        if level1 is None:
            continue
        if level1 not in tree and type(level1) is str:
            level1 = _label_value(values, key1, level1, tuple(tree), layout, where, result)
        level2 = values.get(key2)
        choices = tree.get(level1)
        if type(level2) is str and choices is not None and level2 not in choices:
            _label_value(values, key2, level2, choices, layout, where, result)


@lru_cache(maxsize=64)
def _level_keys(layout: Layout) -> tuple[tuple[str, str], ...]:
    return tuple((f"ind.{i}.level1", f"ind.{i}.level2") for i in range(1, layout.n + 1))


def _label_value(values: dict[str, Any], key: str, text: str, choices: tuple[str, ...], layout: Layout,
                 where: dict[str, str], result: ReadResult) -> str:
    label, note = normalize.normalize_label(text, choices)
    if note is not None and key in where:
        values[key] = label
        result.findings.append(_note_finding([note], label, text, layout.places[key], where[key], result.file))
    return label


# Invisible characters, or U+FFFD (what a lone UTF-16 surrogate escape was read as): the general path.
_ODD_CHARS = normalize.INVISIBLE_CHARS + "\ufffd"
_ODD_TEXT = re.compile(f"[{_ODD_CHARS}]")
MAX_CELL_TEXT = EXCEL_TEXT_LIMIT   # a longer text is cut by every spreadsheet that opens a copy of it
# Formulas that reach outside the workbook: another workbook ([1]Sheet!A1), a DDE command (cmd|' /C calc'!A0)
# or a function that opens, fetches or calls something.
_LINKING = lazy(r"[\[|]|\b(?:HYPERLINK|WEBSERVICE|FILTERXML|RTD|CALL|REGISTER(?:\.ID)?|IMAGE|EXEC)\s*\(",
                      re.I)
_STRING_LITERAL = lazy(r'"[^"]*"')


def _formula_findings(sheet: Sheet, locs: _Locations, file: str) -> Iterator[Finding]:
    """A formula where the unit should type a value: its cached result is what was read, so it is said."""
    for pos in sheet.formulas:
        hit = locs.inputs.get(pos)
        if hit is None:
            continue
        place, ref = hit
        formula = sheet.cells[pos].formula or ""
        code = "XF223" if _LINKING.search(_STRING_LITERAL.sub('""', formula)) else "XF224"
        yield make(code, file=file, sheet=sheet.name, cell=ref.rpartition("!")[2], field=place.label,
                   key=place.key, value=formula)


def _off_anchor(sheet: Sheet, place: Place, row: int, col: int, ref: str,
                result: ReadResult) -> tuple[int, int, Cell | None, str]:
    """A merged field whose top-left cell is empty but one other cell of its range holds something: the
    range was unmerged and typed into (Excel keeps only the top-left value of a merged range)."""
    found = [(r, c, cell) for r in range(row, row + place.last_row - place.row + 1)
             for c in range(col, col + place.last_col - place.col + 1)
             if (cell := sheet.cells.get((r, c))) is not None and cell.value not in (None, "")]
    if len(found) != 1:
        return row, col, sheet.cells.get((row, col)), ref
    r, c, cell = found[0]
    result.findings.append(make("XF115", file=result.file, sheet=sheet.name, cell=a1(r, c),
                                field=place.label, key=place.key, expected=ref.rpartition("!")[2]))
    return r, c, cell, f"{sheet.name}!{a1(r, c)}"


_LOCATIONS: dict[tuple[int, str, int], tuple[Layout, tuple[tuple[str, str], ...], _Locations]] = {}


def _locations(layout: Layout, sheet: str, names: tuple[tuple[str, str], ...]) -> _Locations:
    """Each field's cell: worked out once per layout and workbook.xml, as every return of a round shares them."""
    key = (id(layout), sheet, id(names))
    hit = _LOCATIONS.get(key)
    if hit is not None and hit[0] is layout and hit[1] is names:
        return hit[2]
    if len(_LOCATIONS) > 64:
        _LOCATIONS.clear()
    by_name = dict(names)
    spec = layout.spec
    locs = _Locations(fund_labels={row: spec.fund_row_label(row) for row in spec.fund_rows()})
    for place in layout.places.values():
        row, col = _locate(by_name.get(place.name), sheet, place, locs)
        ref = f"{sheet}!{a1(row, col)}"
        if place.field.role == "computed":
            locs.computed.append((place, row, col, ref))
        else:
            locs.fields.append((place, place.key, position(row, col), place.merged, ref, _kind(place.field)))
            locs.inputs[(row, col)] = (place, ref)
    locs.plan = tuple((row, always, tuple((e[1], e[2], e[4], e[5], e) for e in locs.fields[start:stop]))
                      for row, start, stop, always in _runs(locs.fields))
    _LOCATIONS[key] = (layout, names, locs)
    return locs


def _runs(fields: list[_Entry]) -> tuple[tuple[int, int, int, bool], ...]:
    runs: list[tuple[int, int, int, bool]] = []
    for i, (_, _, (row, _), merged, _, _) in enumerate(fields):
        if runs and runs[-1][0] == row:
            runs[-1] = (row, runs[-1][1], i + 1, runs[-1][3] or merged)
        else:
            runs.append((row, i, i + 1, merged))
    return tuple(runs)


_TEXT, _NUMBER = "text", "number"
_ROW = itemgetter(0)


def _kind(f: Field) -> str | None:
    if not f.numeric and f.choices != "nature":
        return _TEXT
    return _NUMBER if f.type in _PLAIN_NUMBERS else None


def _locate(name_text: str | None, sheet: str, place: Place, locs: _Locations) -> tuple[int, int]:
    """The defined name's cell when it points into the form sheet, else the spec's position."""
    if name_text is None:
        return place.row, place.col
    target = name_target(name_text)
    if target is None or target[0] != sheet:
        locs.broken.append(place)
        return place.row, place.col
    if (target[1], target[2]) != (place.row, place.col):
        locs.moved.append((place, (target[1], target[2])))
    return target[1], target[2]


def _location_findings(locs: _Locations, sheet: str, file: str) -> Iterator[Finding]:
    if locs.moved:
        place, (row, col) = locs.moved[0]
        yield make("XF112", file=file, sheet=sheet, cell=a1(row, col), field=place.label, key=place.key,
                   value=len(locs.moved), expected=place.ref)
    if locs.broken:
        place = locs.broken[0]
        yield make("XF113", file=file, sheet=sheet, cell=place.ref, field=place.label, key=place.key,
                   value=len(locs.broken))


def _recomputed(layout: Layout, values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in layout.recompute(values).items():
        if value is None or value == "":
            continue
        out[key] = float(value) if isinstance(value, Decimal) else value
    return out


# ---------------------------------------------------------------------------------------------- values

def _field_value(cell: Cell, place: Place, ref: str, result: ReadResult, shown_as: str | None = None) -> Any:
    """A field's normalised value; normalisations and unreadable values become findings."""
    value, notes = _as_shown(cell, shown_as) if shown_as else _normalise(cell, place)
    if notes:
        result.findings.append(_note_finding(notes, value, as_text(cell.value), place, ref, result.file))
    if type(value) is str and ("\ufffd" in value or len(value) > MAX_CELL_TEXT):
        result.findings.extend(_text_findings(value, place, ref, result.file))
    return value


def _text_findings(text: str, place: Place, ref: str, file: str) -> Iterator[Finding]:
    sheet, _, cell = ref.rpartition("!")
    if "\ufffd" in text:
        yield make("XF221", file=file, sheet=sheet, cell=cell, field=place.label, key=place.key, value=text)
    if len(text) > MAX_CELL_TEXT:
        yield make("XF222", file=file, sheet=sheet, cell=cell, field=place.label, key=place.key,
                   value=len(text), expected=MAX_CELL_TEXT)


_PLAIN_NUMBERS = frozenset({"number", "amount", "score"})


def _normalise(cell: Cell, place: Place) -> tuple[Any, list[normalize.Note]]:
    f, v = place.field, cell.value
    if type(v) is str and cell.type != "e" and not f.numeric and f.choices != "nature":
        return normalize.normalize_text(v)          # most values: text in a text field
    if type(v) is float and f.numeric and abs(v) >= normalize.MAX_NUMBER:
        return None, [normalize.Note(normalize.NOT_A_NUMBER, "数值过大")]
    if type(v) is float and f.type in _PLAIN_NUMBERS:
        return v, []                                # and numbers in number fields
    shown = as_text(v)
    if cell.type == "e" or isinstance(v, bool):
        if f.numeric:
            return None, [normalize.Note(normalize.NOT_A_NUMBER, "单元格是错误值或逻辑值")]
        return shown, []
    if f.numeric:
        if isinstance(v, float):
            return _number(v, f.type), _number_notes(v, f.type)
        return normalize.parse_number(shown, f.type)
    if f.choices == "nature":
        return normalize.normalize_nature(shown)
    return normalize.normalize_text(shown)


def _as_shown(cell: Cell, kind: str) -> tuple[Any, list[normalize.Note]]:
    """A number in a text field as the person saw it: Excel turns a typed "95%" or "2021-3-15" into a number
    with a percent or date format when the cell is not formatted as text (pasted formats, for one)."""
    v = cell.value
    assert isinstance(v, float)
    if kind == "percent":
        return f"{as_text(round(v * 100, 10))}%", [normalize.Note("XF211", "按单元格显示的百分数读取")]
    if kind == "date" and 1 <= v < 2958466:
        return _excel_date(v), [normalize.Note("XF211", "按单元格显示的日期读取")]
    return as_text(v), []


def _number(value: float, ftype: str) -> float | int:
    if ftype == "percent" and 1 < abs(value) <= 1000:
        return value / 100
    if ftype == "integer" and value.is_integer():
        return int(value)
    return value


def _number_notes(value: float, ftype: str) -> list[normalize.Note]:
    notes: list[normalize.Note] = []
    if ftype == "percent":
        normalize.percent_value(value, notes)
    return notes


def _excel_date(serial: float) -> str:
    # Excel's day 1 is 1900-01-01 and it counts a 29 Feb 1900 that never was, hence 1899-12-30 for serials > 60.
    return (date(1899, 12, 30) + timedelta(days=int(serial))).isoformat()


def _note_finding(notes: list[normalize.Note], value: Any, shown: str, place: Place, ref: str,
                  file: str) -> Finding:
    """One finding per cell: the error if any, else the most significant normalisation, all details joined."""
    errors = [n for n in notes if n.error]
    lead = errors[0] if errors else next((n for n in notes if n.code == normalize.YUAN), notes[0])
    detail = lead.detail if errors else "；".join(n.detail for n in notes)
    sheet, _, cell = ref.rpartition("!")
    return make(lead.code, file=file, sheet=sheet, cell=cell, field=place.label, key=place.key,
                value=shown, expected=None if errors else value, detail=detail)


def _xls_cached(cell: Cell | None) -> Cell | None:
    """LibreOffice saves a formula's text result into a .xls as the number 0 (a grade 「优」, the "" of a rate
    not yet computable) and reads it back only by recalculating: in a .xls a cached 0 may stand for any text,
    so it is not compared (a real 0 matches the recomputation anyway)."""
    return None if cell is not None and type(cell.value) is float and cell.value == 0 else cell


def _cached(cell: Cell | None, place: Place) -> Any:
    """What the file shows for a computed field, normalised like an input; None when nothing is cached."""
    if cell is None or cell.value is None or cell.value == "":
        return None
    if cell.type == "e":
        return cell.value
    if cell.formula is not None and type(cell.value) is float:
        return cell.value       # a live formula's result is exact: a rate of 1.3 is 130%, not a typed "1.3%"
    value, _ = _normalise(cell, place)
    return value


# ---------------------------------------------------------------------------------------------- batches

def walk_returns(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files to read: the given files, and in directories every workbook-like file, sorted, recursively.

    Excel's lock files ("~$name.xlsx") and hidden files are skipped; .xls/.et/.xlsm and friends are kept so
    that each gets its finding and advice instead of silently missing from the batch. So is anything with such
    a name that is not a regular file (a FIFO gets XF117), and a folder that cannot be listed (XF904).
    """
    for p in map(Path, paths):
        if not p.is_dir():
            yield p
            continue
        yield from map(Path, walk_names(p))


def walk_names(top: str | Path) -> list[str]:
    """walk_returns for one folder, as the text of each path (`str(Path(folder, name))`), in its order: a
    round's thousands of files are listed without a Path object each."""
    return sorted(_walk(top), key=_path_order)


def _path_order(path: str) -> Any:
    """The order of sorted(paths) (PurePath's own comparison: by parts, case-folded where the system folds
    case), as a key: a round's thousands of files sort without a Python-level comparison each. A path as
    _walk writes it has no empty or "." part, so its parts are its text split at the separator (an absolute
    path's first part is then "" for every path, as "/" is in Path.parts)."""
    if os.path.normcase("A") == "A" and not os.path.altsep:
        return path.split(os.sep)
    return [part.lower() for part in Path(path).parts]


def _walk(top: str | Path) -> list[str]:
    found: list[str] = []
    for folder, _, names in os.walk(top, onerror=lambda e: found.append(str(Path(e.filename)))):
        base = str(Path(folder))      # as Path(folder, name) writes it: no "." part, no separator doubled
        prefix = base if base.endswith(os.sep) else "" if base == "." else base + os.sep
        found.extend(prefix + n for n in names if _return_name(n))
    return found


def _return_name(name: str) -> bool:
    return not name.startswith(("~$", ".")) and name.lower().endswith(XLSX_SUFFIXES + OTHER_SUFFIXES)


# What the files a unit sends beside its workbook are, in plain words (issue 15.13: skipped without a word).
_KINDS = {".pdf": "PDF 文件", ".doc": "Word 文档", ".docx": "Word 文档", ".wps": "WPS 文字文档",
          ".jpg": "图片", ".jpeg": "图片", ".png": "图片", ".bmp": "图片", ".tif": "图片", ".tiff": "图片",
          ".zip": "压缩包，请解压后再检查", ".rar": "压缩包，请解压后再检查", ".7z": "压缩包，请解压后再检查",
          ".txt": "文本文件", ".ppt": "演示文稿", ".pptx": "演示文稿", ".ofd": "OFD 版式文件"}


# The round's own files, which often share the returns folder (the examples keep the manifest there).
_ROUND_FILES = lazy(r"^(manifest(\.backup-.*)?\.json|xlsform\.sqlite3(-wal|-shm|-journal)?|links\.csv|"
                          r"ledger\.jsonl|xlsform-checkers\.log)$")
_ROUND_FOLDERS = frozenset({"xlsform-files"})


def not_workbooks(paths: Iterable[str | Path]) -> list[tuple[Path, str]]:
    """The files in the given folders that `walk_returns` leaves out (not workbooks), each with what it is in
    plain words, so a command can list them instead of passing over them silently. Hidden files, the lock
    files of open workbooks and the round's own files (manifest, store, links) are left out here too."""
    found: list[tuple[Path, str]] = []
    for p in map(Path, paths):
        if not p.is_dir():
            continue
        for folder, dirs, names in os.walk(p):
            dirs[:] = [d for d in dirs if d not in _ROUND_FOLDERS]
            found += [(Path(folder, n), _KINDS.get(Path(n).suffix.lower(), "不是表格文件")) for n in names
                      if not n.startswith(("~$", ".")) and not _return_name(n) and not _ROUND_FILES.match(n)]
    return sorted(found)
