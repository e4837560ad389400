"""Annotated copies: the return as the unit can correct and send back, with every finding pointed at.

The copy is rewritten from the record by the writer (`write_form(..., findings=...)`), never by loading and
saving the unit's file: an openpyxl round trip drops validations and can flip locked cells (DESIGN §5), and
the original must never be touched. So the copy has the template's protection, dropdowns and formulas, the
unit's values, a comment and a highlight on each cell with a finding, and a 校验结果 sheet listing them all.

A locked prefilled cell the unit changed (XF152 against the manifest, XF161 against the workbook's copy) is
put back as sent in the copy, its comment quoting what the unit had typed (XF921), and the copy is protected
with the round's own password when the manifest gives it: "restore the original value" is then done, not
asked of a unit that cannot unlock the cell (issue 15.7). `xlsform serve` writes its copies through the same
function (check_file with the manifest), so its units get the same copy.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from xlsform import ownfiles, prefill
from xlsform.codes import Finding, make
from xlsform.fsutil import atomic_output, safe_filename, shared_mode, shown_path
from xlsform.layout import Layout
from xlsform.report import sort_findings
from xlsform.results import FileResult


def typed_values(result: FileResult) -> dict[str, Any]:
    """The record's values plus what the unit typed where no value could be read ("一千五百" in an amount):
    the copy shows the unit its own input beside the explanation, not an empty cell."""
    values = dict(result.record.values) if result.record is not None else {}
    for f in result.findings:   # the reader's value errors (XF2xx) quote the cell; other codes quote figures
        if (f.code.startswith("XF2") and f.severity == "error" and f.key and f.key not in values
                and isinstance(f.value, str) and f.value):
            values[f.key] = f.value
    return values


ANNOTATED_TAG = "_校验"
MAX_COPIES = 100     # copies of one unit's returns in one folder before a copy is refused (XF920)


def copy_base(result: FileResult) -> str:
    """"<code>_<name>" of the unit the return is from; without a code, the file's stem with no "_校验" left
    on it (a corrected copy sent back gets a copy named for the unit, never "…_校验_校验")."""
    record = result.record
    code = (record.code or "").strip() if record is not None else ""
    name = (record.name or "").strip() if record is not None else ""
    if code:
        return safe_filename(code, 40) + (f"_{safe_filename(name, 60)}" if name else "")
    stem = Path(result.file).stem
    while stem.endswith(ANNOTATED_TAG) and len(stem) > len(ANNOTATED_TAG):
        stem = stem[: -len(ANNOTATED_TAG)]
    return safe_filename(stem)


def annotated_name(result: FileResult, n: int = 1) -> str:
    """`430112001_长沙市望城区接待服务中心_校验.xlsx`; the n-th return of the same unit gets `..._校验(n).xlsx`."""
    return f"{copy_base(result)}{ANNOTATED_TAG}{'' if n == 1 else f'({n})'}.xlsx"


class NoName(Exception):
    """Every name a copy of this unit could take is held by a file that is not this return's copy."""


def claim(out_dir: Path, result: FileResult, force: bool) -> tuple[Path, bool]:
    """The path this return's copy is written to, and whether this call created it (an empty placeholder).

    A copy this tool wrote for the same return (same content hash, not saved since; with `force`, saved or
    not) is replaced; any other file keeps its name and the copy takes the next `(n)`, so every return gets
    a copy and nothing is overwritten. The name is taken with O_EXCL, so two returns of one unit checked at
    once in two processes cannot both take it.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    for n in range(1, MAX_COPIES + 1):
        target = out_dir / annotated_name(result, n)
        try:
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, shared_mode()))
        except FileExistsError:
            if _copy_of(target, result, force):
                return target, False
            continue
        return target, True
    raise NoName(f"{out_dir} 中已有 {MAX_COPIES} 个该单位的同名文件（{annotated_name(result)} …）")


def _copy_of(target: Path, result: FileResult, force: bool) -> bool:
    """Whether `target` is the copy this tool wrote for this very return (and may be replaced)."""
    from xlsform.reader import read_file

    read = read_file(target)      # never raises; a file we cannot read is certainly not one we wrote
    if read.workbook is None or read.record is None or read.layout is None or not result.sha256:
        return False
    meta = read.workbook.meta
    if meta.get("checked_sha256") != result.sha256:
        return False
    if force:
        return True
    computed = frozenset(p.key for p in read.layout.computed())
    return ownfiles.unsaved_since_written(target) and \
        ownfiles.kind_of(target, meta, {}, read.record.values, computed) == ownfiles.ANNOTATED


def annotate_result(result: FileResult, layout: Layout, out_dir: Path, *, entry: Any = None,
                    force: bool = False, prefilled: Mapping[str, Any] | None = None,
                    password: str | None = None) -> Path:
    """Write `<stem>_校验.xlsx` into `out_dir` (atomically) and return its path.

    `prefilled`: what was sent (the manifest's entry, else the copy inside the return), locked again in the
    copy and carried in its `_xf_meta`, so a changed locked cell is still caught when the copy comes back.
    `password`: the round's protection password (the manifest's); without one the copy gets a random one.
    """
    from xlsform.writer import write_form  # the writer pulls in xlsxwriter; only annotation needs it

    if result.record is None:
        raise ValueError("an unreadable file has no annotated copy")
    sent = dict(entry.prefilled) if entry is not None else dict(prefilled or {})
    locked = list(sent) if sent else None
    restored = {k: _as_read(layout, k, v) for k, v in prefill.sent_values(result.findings).items()
                if k in layout.places}
    # The copy lays every field out at its template cell, whichever rows the unit inserted or sheet it renamed
    findings = [replace(f, sheet=layout.spec.sheet, cell=layout.ref(f.key)) if f.key in layout.places else f
                for f in sort_findings([_restored(f) if f.key in restored else f for f in result.findings])]
    computed = frozenset(p.key for p in layout.computed())
    written = {**result.record.values, **restored}      # what the copy holds: read back, it is ours (ownfiles)
    meta = {"checked_from": shown_path(Path(result.file).name), "checked_sha256": result.sha256 or "",
            ownfiles.FINGERPRINT: ownfiles.fingerprint(written, computed)}
    if restored:      # the copy differs from the return: sent back once saved, it is the unit's (ownfiles)
        meta[ownfiles.RESTORED] = str(len(restored))
    target, created = claim(out_dir, result, force)
    try:
        with atomic_output(target, force=True) as fh:       # over the placeholder claim() made, or our own copy
            write_form(fh, layout, {**typed_values(result), **restored}, locked=locked, findings=findings,
                       prefilled=sent or None, meta=meta, password=password)
    except BaseException:
        if created:
            target.unlink(missing_ok=True)
        raise
    return target


def _as_read(layout: Layout, key: str, value: Any) -> Any:
    """A sent value as the reader will read it back from the copy (a manifest's 2083 is read as 2083.0), so
    the copy's fingerprint matches its own values and an unchanged copy is known as ours (ownfiles)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value) if layout.places[key].field.type == "integer" else float(value)
    return value


def _restored(f: Finding) -> Finding:
    """A changed locked cell's finding as the copy states it: put back, with what the unit had typed."""
    if f.code not in prefill.CHANGED:
        return f
    return make("XF921", file=f.file, sheet=f.sheet, cell=f.cell, field=f.field, key=f.key, value=f.value,
                expected=f.expected)
