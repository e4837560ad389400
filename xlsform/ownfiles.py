"""This tool's own outputs, recognised by what is inside them and never by their file name.

- An annotated copy (`check --annotate`) carries `checked_from` in its `_xf_meta`, and `checked_values`, a
  fingerprint of the values it was written with. A copy whose values still match is ours and no return
  (opened and saved unchanged, it still holds nothing new); a copy the unit corrected is a return like any
  other, whatever it is called. A copy that put changed locked cells back as sent (`restored` in its meta)
  does hold something new: once a program has saved it, it is the unit's return too. A copy is replaced by a
  re-run only if, besides, no program has saved it since it was written: its docProps/core.xml still says
  created == modified (xlsxwriter writes both; Excel, WPS and LibreOffice set `modified` on every save).
- A summary (`merge`) carries the custom document property `xf_output` = `summary` (one of an earlier
  version only the comment "xlsform merge" in its core properties).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from xlsform.xlsx import MAX_FILE_BYTES, Package, Reader, XlsxError

ANNOTATED = "annotated"
SUMMARY = "summary"
OUTPUT_PROPERTY = "xf_output"
FINGERPRINT = "checked_values"
RESTORED = "restored"        # how many changed locked cells an annotated copy put back as sent
KIND_TEXT = {ANNOTATED: "本工具写出、内容未改的批注副本", SUMMARY: "本工具写出的汇总表"}

_CORE = "docProps/core.xml"
_TERMS = "{http://purl.org/dc/terms/}"


def kind_of(path: str | Path, meta: Mapping[str, str], properties: Mapping[str, str],
            values: Mapping[str, Any] | None = None, computed: Collection[str] = ()) -> str | None:
    """ANNOTATED / SUMMARY when the file is one of ours as this tool wrote it, else None (a return).

    `values`: the record read from the file (its `computed` keys aside), to compare with the fingerprint."""
    if properties.get(OUTPUT_PROPERTY) == SUMMARY and not meta.get("spec_id"):
        return SUMMARY
    if meta.get("checked_from") is None:
        return None
    written = meta.get(FINGERPRINT)
    if written and values is not None:
        if fingerprint(values, computed) != written:
            return None
        # A copy that put back cells the unit had changed is not what the unit sent: saved since (the unit
        # opened it, read 「已恢复」 and sent it back as it is), it is the unit's return, not a copy of one.
        return ANNOTATED if not meta.get(RESTORED) or unsaved_since_written(path) else None
    return ANNOTATED if unsaved_since_written(path) else None


def fingerprint(values: Mapping[str, Any], computed: Collection[str] = ()) -> str:
    """The values a unit can change, as the reader reads them, hashed: equal before and after a round trip
    through the writer and the reader, different once any of them is changed."""
    items = sorted((k, repr(v)) for k, v in values.items() if k not in computed and v is not None)
    return hashlib.sha256(json.dumps(items, ensure_ascii=False).encode("utf-8")).hexdigest()[:32]


def unsaved_since_written(path: str | Path) -> bool:
    """Whether no spreadsheet program has saved the file since it was written (created == modified)."""
    created, modified = core_times(path)
    return created is not None and created == modified


def core_times(path: str | Path) -> tuple[str | None, str | None]:
    """(dcterms:created, dcterms:modified) as written in docProps/core.xml; None when absent or unreadable."""
    data = _bytes(path)
    try:
        pkg = Package(data) if data is not None else None
        root = pkg.xml(_CORE) if pkg is not None and pkg.has(_CORE) else None
    except XlsxError:   # a file we cannot read has no times; it is then simply not one of ours
        root = None
    if root is None:
        return None, None
    return _text(root.find(_TERMS + "created")), _text(root.find(_TERMS + "modified"))


def written_summary(path: str | Path) -> bool:
    """Whether a file is a summary `merge` wrote (what `kind_of` calls SUMMARY, read from the file alone)."""
    data = _bytes(path)
    if data is None:
        return False
    try:
        reader = Reader(data)
        if reader.properties().get(OUTPUT_PROPERTY) == SUMMARY:
            return True
        return reader.pkg.has(_CORE) and b"xlsform merge" in reader.pkg.read(_CORE)   # an earlier version's
    except XlsxError:
        return False


def _bytes(path: str | Path) -> bytes | None:
    """The file's bytes when it is within the reader's size limit and can be read."""
    try:
        p = Path(path)
        return p.read_bytes() if p.stat().st_size <= MAX_FILE_BYTES else None
    except OSError:
        return None


def _text(node: object) -> str | None:
    text = getattr(node, "text", None)
    return text.strip() if isinstance(text, str) and text.strip() else None
