"""Annotated copies: the return as the unit can correct and send back, with every finding pointed at.

The copy is rewritten from the record by the writer (`write_form(..., findings=...)`), never by loading and
saving the unit's file: an openpyxl round trip drops validations and can flip locked cells (DESIGN §5), and
the original must never be touched. So the copy has the template's protection, dropdowns and formulas, the
unit's values, a comment and a highlight on each cell with a finding, and a 校验结果 sheet listing them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from xlsform.check import ANNOTATED_SUFFIX
from xlsform.errors import XlsformError
from xlsform.fsutil import atomic_output, safe_filename, shown_path
from xlsform.layout import Layout
from xlsform.report import sort_findings
from xlsform.results import FileResult


def typed_values(result: FileResult) -> dict[str, Any]:
    """The record's values plus what the unit typed where no value could be read ("一千五百" in an amount):
    the copy shows the unit its own input beside the explanation, not an empty cell."""
    values = dict(result.record.values) if result.record is not None else {}
    for f in result.findings:
        if f.severity == "error" and f.key and f.key not in values and isinstance(f.value, str) and f.value:
            values[f.key] = f.value
    return values


def annotated_name(source: str | Path) -> str:
    return safe_filename(Path(source).stem) + ANNOTATED_SUFFIX


def plan(files: Iterable[Path], out_dir: Path, force: bool) -> None:
    """Refuse before any work when a copy would overwrite a file or two returns would share one copy."""
    taken: dict[str, Path] = {}
    for f in files:
        name = annotated_name(f)
        if name in taken:
            raise XlsformError(f"{f} 与 {taken[name]} 的批注副本同名（{name}），请分开检查或改名后再试")
        taken[name] = f
        if not force and (out_dir / name).exists():
            raise XlsformError(f"{out_dir / name} 已存在；如需覆盖请加 --force（exists; use --force to overwrite）")


def annotate_result(result: FileResult, layout: Layout, out_dir: Path, *, entry: Any = None,
                    force: bool = False, prefilled: Mapping[str, Any] | None = None) -> Path:
    """Write `<stem>_校验.xlsx` into `out_dir` (atomically) and return its path.

    `prefilled`: what was sent (the manifest's entry, else the copy inside the return), locked again in the
    copy and carried in its `_xf_meta`, so a changed locked cell is still caught when the copy comes back.
    """
    from xlsform.writer import write_form  # the writer pulls in xlsxwriter; only annotation needs it

    if result.record is None:
        raise ValueError("an unreadable file has no annotated copy")
    target = out_dir / annotated_name(result.file)
    sent = dict(entry.prefilled) if entry is not None else dict(prefilled or {})
    locked = list(sent) if sent else None
    # The copy lays every field out at its template cell, whichever rows the unit inserted or sheet it renamed
    findings = [replace(f, sheet=layout.spec.sheet, cell=layout.ref(f.key)) if f.key in layout.places else f
                for f in sort_findings(result.findings)]
    with atomic_output(target, force=force) as fh:
        write_form(fh, layout, typed_values(result), locked=locked, findings=findings, prefilled=sent or None,
                   meta={"checked_from": shown_path(Path(result.file).name), "checked_sha256": result.sha256 or ""})
    return target
