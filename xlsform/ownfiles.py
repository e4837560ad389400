"""This tool's own outputs, recognised by what is inside them and never by their file name.

- An annotated copy (`check --annotate`) carries `checked_from` in its `_xf_meta`, and `checked_values`, a
  fingerprint of the values it was written with. A copy whose values still match is ours and no return
  (opened and saved unchanged, it still holds nothing new); a copy the unit corrected is a return like any
  other, whatever it is called. A copy is replaced by a re-run only if, besides, no program has saved it
  since it was written: its docProps/core.xml still says created == modified (xlsxwriter writes both; Excel,
  WPS and LibreOffice set `modified` on every save).
- A summary (`merge`) carries the custom document property `xf_output` = `summary`.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from defusedxml import ElementTree

ANNOTATED = "annotated"
SUMMARY = "summary"
OUTPUT_PROPERTY = "xf_output"
FINGERPRINT = "checked_values"
KIND_TEXT = {ANNOTATED: "本工具写出、内容未改的批注副本", SUMMARY: "本工具写出的汇总表"}

_CORE = "docProps/core.xml"
_CORE_LIMIT = 1 << 16
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
        return ANNOTATED if fingerprint(values, computed) == written else None
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
    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo(_CORE)
            if info.file_size > _CORE_LIMIT:
                return None, None
            root = ElementTree.fromstring(z.read(info))
    except Exception:   # a file we cannot open has no times; it is then simply not one of ours
        return None, None
    return _text(root.find(_TERMS + "created")), _text(root.find(_TERMS + "modified"))


def _text(node: object) -> str | None:
    text = getattr(node, "text", None)
    return text.strip() if isinstance(text, str) and text.strip() else None
