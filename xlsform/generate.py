"""Roster -> one locked, prefilled workbook per unit, plus manifest.json (the record of what was sent).

The forms go into `<out>/forms/`, a folder holding nothing else, so the clerk can zip and mail it as it is;
the manifest (the protection password and every unit's prefilled data) stays beside it in `<out>/`, 0600.
Everything that can be refused is refused before the first file is written: a bad roster (RosterError),
an existing output file without `force`, two units that would get the same file name. Files are written
atomically, in parallel over chunks of units (xlsxwriter is pure Python, so processes, not threads).

A running round is never lost: `add_units` (`generate --add`) writes forms for units the manifest does not
hold yet under the round's own password and appends them, `--reissue CODE` rewrites one unit's form and keeps
what it replaced in the unit's `history`; regenerating over a manifest keeps its password unless another is
given; and a manifest about to be replaced is first kept as a dated backup (manifest.py).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from xlsform import __version__
from xlsform.chunks import guided_chunks
from xlsform.errors import XlsformError
from xlsform.fsutil import atomic_output, safe_filename
from xlsform.layout import Layout, layout_for
from xlsform.manifest import MANIFEST_NAME, Manifest, ManifestUnit
from xlsform.roster import Unit, load_roster, roster_fields
from xlsform.spec import Spec
from xlsform.writer import FormBatch, form_bytes

Progress = Callable[[int], None]
FORMS_DIR = "forms"       # <out>/forms/: only the workbooks to send; manifest.json stays in <out>/
SERIAL_BELOW = 8          # a process pool costs more than it saves for a handful of files


@dataclass(frozen=True)
class Batch:
    """What every worker needs to write its share of the files."""

    spec: Spec
    out_dir: Path
    password: str
    generated_at: str
    force: bool


def unit_filename(unit: Unit) -> str:
    """`<year>_<code>_<name>.xlsx`, each part made safe for every file system."""
    year = unit.values.get("year")
    parts = [str(year)] if year is not None else []
    parts += [safe_filename(unit.code, 40), safe_filename(unit.name, 60)]
    return "_".join(parts) + ".xlsx"


def generate(roster: str | Path, out_dir: str | Path, *, spec: Spec, year: int | None = None,
             indicators: str | Path | None = None, password: str | None = None, jobs: int | None = None,
             force: bool = False, progress: Progress | None = None) -> Manifest:
    """Read and check the roster, then write one workbook per unit into `out_dir/forms` and the manifest
    into `out_dir`."""
    units = load_roster(roster, spec, indicators=indicators, year=year)
    return generate_units(units, spec, out_dir, password=password, jobs=jobs, force=force, progress=progress)


def generate_units(units: Sequence[Unit], spec: Spec, out_dir: str | Path, *, password: str | None = None,
                   jobs: int | None = None, force: bool = False, progress: Progress | None = None) -> Manifest:
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise XlsformError(f"{out} 是一个文件，-o 应为输出目录")
    names = [unit_filename(u) for u in units]
    _refuse_conflicts(out, names, force)
    # Over a running round the forms already sent keep opening with its password (the old manifest is backed up)
    password = password or _round_password(out / MANIFEST_NAME) or secrets.token_urlsafe(12)
    batch = Batch(spec, out / FORMS_DIR, password, _now(), force)
    digests = _write_all(batch, list(zip(units, names, strict=True)), jobs or os.cpu_count() or 1, progress)
    manifest = Manifest(
        spec_id=spec.id, spec_version=spec.version, year=_batch_year(units),
        indicator_rows=spec.indicator_rows, password=batch.password, generated_at=batch.generated_at,
        generator=f"xlsform {__version__}",
        units=[ManifestUnit(u.code, u.name, n, digests[n], u.sent) for u, n in zip(units, names, strict=True)],
    )
    manifest.backup = manifest.save(out / MANIFEST_NAME, force=force)
    return manifest


def _round_password(path: Path) -> str | None:
    if not path.is_file():
        return None
    try:
        return Manifest.load(path).password or None
    except XlsformError:    # not a manifest we can read: a new password, and the old file is backed up
        return None


# ------------------------------------------------------------------------------------ a running round

@dataclass
class Added:
    """What `add_units` did: units added, re-issued, and roster units left as sent though they differ."""

    manifest: Manifest
    added: list[ManifestUnit] = field(default_factory=list)
    reissued: list[ManifestUnit] = field(default_factory=list)
    differing: list[str] = field(default_factory=list)      # codes whose roster data differs from what was sent


def add_units(units: Sequence[Unit], spec: Spec, out_dir: str | Path, *, reissue: Sequence[str] = (),
              jobs: int | None = None, progress: Progress | None = None) -> Added:
    """Add the roster's units that the round's manifest does not hold, and re-issue the named ones, under the
    round's own password; every unit already sent keeps its form, entry and prefilled data."""
    out = Path(out_dir)
    manifest = _running_round(out, spec)
    known = {u.code: u for u in manifest.units}
    by_code = {u.code: u for u in units}
    unknown = [c for c in reissue if c not in known or c not in by_code]
    if unknown:
        raise XlsformError(f"--reissue 的单位编码 {'、'.join(unknown)} 不在本轮清单或名册中；未写入任何文件")
    new = [u for u in units if u.code not in known]
    again = [by_code[c] for c in dict.fromkeys(reissue)]
    result = Added(manifest, differing=[u.code for u in units if u.code in known and u.code not in reissue
                                        and not _same_prefill(u.sent, known[u.code].prefilled)])
    _refuse_late_conflicts(out, manifest, new, again)
    now = _now()
    for unit_list, force, target in ((new, False, result.added), (again, True, result.reissued)):
        names = [unit_filename(u) for u in unit_list]
        batch = Batch(spec, out / FORMS_DIR, manifest.password, now, force)
        digests = _write_all(batch, list(zip(unit_list, names, strict=True)), jobs or os.cpu_count() or 1, progress)
        target += [ManifestUnit(u.code, u.name, n, digests[n], u.sent) for u, n in zip(unit_list, names,
                                                                                       strict=True)]
    for entry in result.reissued:
        old = known[entry.code]
        entry.history = [*old.history, {"reissued_at": now, "file": old.file, "sha256": old.sha256,
                                        "prefilled": old.prefilled}]
        if old.file != entry.file:
            (out / FORMS_DIR / old.file).unlink(missing_ok=True)   # forms/ holds what goes out: the form now due
    if result.added or result.reissued:
        fresh = {e.code: e for e in result.reissued}
        manifest.units = [fresh.get(u.code, u) for u in manifest.units] + result.added
        manifest.backup = manifest.save(out / MANIFEST_NAME, force=True)
    return result


def _running_round(out: Path, spec: Spec) -> Manifest:
    path = out / MANIFEST_NAME
    if not path.is_file():
        raise XlsformError(f"{path} 不存在：--add / --reissue 向已下发的一轮增补单位，需要该轮的 -o 目录"
                           "（其中有 manifest.json）；新的一轮请不加 --add")
    manifest = Manifest.load(path)
    if (manifest.spec_id, str(manifest.spec_version)) != (spec.id, spec.version):
        raise XlsformError(f"本轮清单的表样为 {manifest.spec_id} {manifest.spec_version}，而本次为 {spec.id} "
                           f"{spec.version}；请用 --spec 给出本轮的表样；未写入任何文件")
    return manifest


def _same_prefill(now: dict[str, Any], sent: dict[str, Any]) -> bool:
    from xlsform.checks.integrity import same_value

    return set(now) == set(sent) and all(same_value(now[k], sent[k]) for k in now)


def _refuse_late_conflicts(out: Path, manifest: Manifest, new: Sequence[Unit], again: Sequence[Unit]) -> None:
    """A new unit's file may not take the name of another unit's form, nor of anything already in forms/."""
    taken = {u.file.lower(): u.code for u in manifest.units}
    forms = out / FORMS_DIR
    clashes = [n for u in new if (n := unit_filename(u)).lower() in taken or (forms / n).exists()]
    clashes += [n for u in again if taken.get((n := unit_filename(u)).lower(), u.code) != u.code]
    names = [unit_filename(u) for u in [*new, *again]]
    counts = Counter(n.lower() for n in names)
    clashes += [n for n in names if counts[n.lower()] > 1]
    if clashes:
        raise XlsformError(f"以下文件名已被本轮其他单位的表格占用或彼此相同：{', '.join(sorted(set(clashes))[:10])}；"
                           "未写入任何文件")


def _refuse_conflicts(out: Path, names: Sequence[str], force: bool) -> None:
    # Windows and macOS file systems ignore case, so "A1" and "a1" would overwrite each other there.
    counts = Counter(n.lower() for n in names)
    clashes = [n for n in names if counts[n.lower()] > 1]
    if clashes:
        raise XlsformError(f"以下单位的文件名相同（编码或名称只差特殊字符），请修改名册：{', '.join(clashes[:10])}")
    forms = out / FORMS_DIR
    if forms.is_dir():   # the folder goes out as it is: nothing but this round's forms may be in it
        wanted = {n.lower() for n in names}
        foreign = sorted(p.name for p in forms.iterdir() if p.name.lower() not in wanted)
        if foreign:
            raise XlsformError(f"{forms} 中已有其他文件（{', '.join(foreign[:5])}）；该目录将整体发给各单位，"
                               "只应包含本次生成的表格。请换一个输出目录或清空该目录；未写入任何文件")
    elif forms.exists():
        raise XlsformError(f"{forms} 是一个文件，应为存放下发表格的目录；请换一个输出目录")
    if force:
        return
    existing = [str(Path(FORMS_DIR) / n) for n in names if (forms / n).exists()]
    existing += [MANIFEST_NAME] if (out / MANIFEST_NAME).exists() else []
    if existing:
        more = f" 等 {len(existing)} 个文件" if len(existing) > 5 else ""
        raise XlsformError(f"{out} 中已有 {', '.join(existing[:5])}{more}；未写入任何文件。如需覆盖请加 --force")


def _write_all(batch: Batch, work: list[tuple[Unit, str]], jobs: int,
               progress: Progress | None) -> dict[str, str]:
    batch.out_dir.mkdir(parents=True, exist_ok=True)
    digests: dict[str, str] = {}
    if jobs <= 1 or len(work) < SERIAL_BELOW:
        for item in work:
            digests.update(_write_chunk(batch, [item]))
            if progress:
                progress(1)
        return digests
    chunks = guided_chunks(work, jobs, 50)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for result in pool.map(_write_chunk, [batch] * len(chunks), chunks):
            digests.update(result)
            if progress:
                progress(len(result))
    return digests


# One per process: the parts every form of a batch shares are built once, by the first form (writer/stencil.py).
_FORMS = FormBatch()


def _write_chunk(batch: Batch, chunk: Sequence[tuple[Unit, str]]) -> dict[str, str]:
    """Write some units' workbooks; returns file name -> SHA-256. Runs in a worker process."""
    layout = layout_for(batch.spec)  # the writer caches layout-only work on it
    meta = {"generated_at": batch.generated_at}
    digests: dict[str, str] = {}
    for unit, name in chunk:
        data = _FORMS.form_bytes(layout, unit.values, password=batch.password, meta=meta,
                                 locked=list(unit.sent) if unit.open else None)
        with atomic_output(batch.out_dir / name, force=batch.force) as fh:
            fh.write(data)
        digests[name] = hashlib.sha256(data).hexdigest()
    return digests


def _batch_year(units: Sequence[Unit]) -> int | None:
    years = {u.values.get("year") for u in units}
    year = years.pop() if len(years) == 1 else None
    return int(year) if year is not None else None


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# ------------------------------------------------------------------------------------------- blank

def blank_values(spec: Spec, year: int | None = None) -> dict[str, Any]:
    """A blank template's prefill: only the spec's defaults (e.g. 预算执行率 分值) and the year if given."""
    prefill, _ = roster_fields(spec)
    values: dict[str, Any] = {k: f.default for k, f in prefill.items() if f.default is not None}
    if year is not None:
        values["year"] = year
    return values


def write_blank(path: str | Path, spec: Spec, *, year: int | None = None, password: str | None = None,
                force: bool = False) -> str:
    """Write one blank template; returns the sheet protection password used (random unless given)."""
    if Path(path).is_dir():
        raise XlsformError(f"{path} 是一个目录；--blank 的 -o 应为文件名，如 空白模板.xlsx")
    password = password or secrets.token_urlsafe(12)
    data = form_bytes(Layout(spec), blank_values(spec, year), password=password, meta={"generated_at": _now()})
    with atomic_output(path, force=force) as fh:
        fh.write(data)
    return password
