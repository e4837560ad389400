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

from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from xlsform import ownfiles, prefill
from xlsform.codes import Finding, make
from xlsform.fsutil import atomic_output, safe_filename, shown_path
from xlsform.layout import Layout
from xlsform.report import sort_findings
from xlsform.results import FileResult

ANNOTATED_SUFFIX = "_校验.xlsx"     # the copy's name; what it is, ownfiles tells from its content


def typed_values(result: FileResult) -> dict[str, Any]:
    """The record's values plus what the unit typed where no value could be read ("一千五百" in an amount):
    the copy shows the unit its own input beside the explanation, not an empty cell."""
    values = dict(result.record.values) if result.record is not None else {}
    for f in result.findings:   # the reader's value errors (XF2xx) quote the cell; other codes quote figures
        if (f.code.startswith("XF2") and f.severity == "error" and f.key and f.key not in values
                and isinstance(f.value, str) and f.value):
            values[f.key] = f.value
    return values


def annotated_name(source: str | Path) -> str:
    return safe_filename(Path(source).stem) + ANNOTATED_SUFFIX


REPLACE = ""     # plan(): the copy there is our own for this return, unchanged since written: replace it


def plan(files: Iterable[Path], out_dir: Path, force: bool) -> dict[str, str]:
    """Which copies not to write, and why, by source file; REPLACE for a copy of our own to overwrite.

    Worked out before any work, so the report is never lost to a file in the way: a copy this tool wrote for
    the same return (an earlier run) is replaced; anything else there (a copy the unit has since corrected,
    another file, two returns whose copies would share a name) is left alone without --force.
    """
    out: dict[str, str] = {}
    taken: dict[str, Path] = {}
    for f in files:
        name = annotated_name(f)
        if name in taken:
            out[str(f)] = f"与另一份报送表 {taken[name].name} 的批注副本同名（{name}），只写出了先检查的一份"
            continue
        taken[name] = f
        target = out_dir / name
        if force or not target.exists():
            continue
        out[str(f)] = REPLACE if _our_copy_of(target, f) else (
            f"已有同名文件，且不是本工具为该文件写出、未经修改的批注副本（{name}）")
    return out


def _our_copy_of(target: Path, source: Path) -> bool:
    """Whether `target` is the copy this tool wrote for `source`, neither changed nor saved since."""
    from xlsform.reader import read_file

    read = read_file(target)      # never raises; a file we cannot read is certainly not one we wrote
    if read.workbook is None or read.record is None or read.layout is None:
        return False
    meta = read.workbook.meta
    computed = frozenset(p.key for p in read.layout.computed())
    return (meta.get("checked_from") == shown_path(source.name) and ownfiles.unsaved_since_written(target)
            and ownfiles.kind_of(target, meta, {}, read.record.values, computed) == ownfiles.ANNOTATED)


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
    target = out_dir / annotated_name(result.file)
    sent = dict(entry.prefilled) if entry is not None else dict(prefilled or {})
    locked = list(sent) if sent else None
    restored = {k: v for k, v in prefill.sent_values(result.findings).items() if k in layout.places}
    # The copy lays every field out at its template cell, whichever rows the unit inserted or sheet it renamed
    findings = [replace(f, sheet=layout.spec.sheet, cell=layout.ref(f.key)) if f.key in layout.places else f
                for f in sort_findings([_restored(f) if f.key in restored else f for f in result.findings])]
    computed = frozenset(p.key for p in layout.computed())
    written = {**result.record.values, **restored}      # what the copy holds: read back, it is ours (ownfiles)
    meta = {"checked_from": shown_path(Path(result.file).name), "checked_sha256": result.sha256 or "",
            ownfiles.FINGERPRINT: ownfiles.fingerprint(written, computed)}
    with atomic_output(target, force=force) as fh:
        write_form(fh, layout, {**typed_values(result), **restored}, locked=locked, findings=findings,
                   prefilled=sent or None, meta=meta, password=password)
    return target


def _restored(f: Finding) -> Finding:
    """A changed locked cell's finding as the copy states it: put back, with what the unit had typed."""
    if f.code not in prefill.CHANGED:
        return f
    return make("XF921", file=f.file, sheet=f.sheet, cell=f.cell, field=f.field, key=f.key, value=f.value,
                expected=f.expected)
