"""This tool's own outputs, recognised by what is inside them and never by their file name.

- An annotated copy (`check --annotate`) carries `checked_from` in its `_xf_meta`. As written, its
  docProps/core.xml says created == modified (xlsxwriter writes both); Excel, WPS and LibreOffice set
  `modified` on every save. So a copy nobody has saved since is ours and no return, while a copy the unit
  corrected and sent back is a return like any other, whatever it is called.
- A summary (`merge`) carries the custom document property `xf_output` = `summary`.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path

from defusedxml import ElementTree

ANNOTATED = "annotated"
SUMMARY = "summary"
OUTPUT_PROPERTY = "xf_output"
KIND_TEXT = {ANNOTATED: "本工具写出、未经修改的批注副本", SUMMARY: "本工具写出的汇总表"}

_CORE = "docProps/core.xml"
_CORE_LIMIT = 1 << 16
_TERMS = "{http://purl.org/dc/terms/}"


def kind_of(path: str | Path, meta: Mapping[str, str], properties: Mapping[str, str]) -> str | None:
    """ANNOTATED / SUMMARY when the file is one of ours as this tool wrote it, else None (a return)."""
    if properties.get(OUTPUT_PROPERTY) == SUMMARY and not meta.get("spec_id"):
        return SUMMARY
    if meta.get("checked_from") is not None and unsaved_since_written(path):
        return ANNOTATED
    return None


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
