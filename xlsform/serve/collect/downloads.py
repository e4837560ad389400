"""What the office downloads from the collection service: the summary of the accepted returns (the same
builder and writer as `merge`), all accepted returns as one zip, and the units table as CSV."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from xlsform.check import check_file
from xlsform.csvsafe import csv_text
from xlsform.fsutil import safe_filename
from xlsform.merge import build_summary
from xlsform.serve.collect.answers import state_label
from xlsform.status import RosterUnit, assign
from xlsform.store import Store, UnitView
from xlsform.xlsx import file_kind

CSV_HEADER = ("单位编码", "单位名称", "状态", "报送时间", "逾期", "文件名", "错误数", "警告数", "链接已发放")


def roster_units(manifest: Any, store: Store) -> list[RosterUnit]:
    if manifest is not None:
        return [RosterUnit(str(u.code), str(u.name)) for u in manifest.units]
    return [RosterUnit(u.code, u.name) for u in store.units()]


def write_summary_of(store: Store, manifest: Any, out: IO[bytes]) -> None:
    """The merge summary of each unit's current return, file names as the units sent them."""
    from xlsform.writer.summary import write_summary

    results = [check_file(store.file_path(s.sha256), manifest=manifest).named(s.filename)
               for s in store.accepted()]
    summary = build_summary(assign(results, roster_units(manifest, store)))
    write_summary(out, summary, created=datetime.now())


def write_returns_zip(store: Store, out: IO[bytes]) -> int:
    """Every unit's current return, named `<code>_<name>.xlsx` (`.xls` / `.ods` for one sent so; names made
    safe), in one zip."""
    names = {u.code: u.name for u in store.units()}
    accepted = store.accepted()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:   # a workbook is a zip: deflating it gains nothing
        for s in accepted:
            path = store.file_path(s.sha256)
            z.write(path, safe_filename(f"{s.unit}_{names.get(s.unit, '')}") + suffix_of(path))
    return len(accepted)


_ODS_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"


def suffix_of(path: Path) -> str:
    """The file name ending its content needs: Excel refuses to open a .xls workbook named .xlsx, LibreOffice
    an .ods named .xlsx (an .ods is accepted once converted: ods.py), and the store keeps every upload as
    <sha256>.xlsx whatever it is."""
    with path.open("rb") as fh:
        data = fh.read()
    # an .ods begins with its stored, uncompressed "mimetype" member (ODF 1.2 §3.3), right after the header
    return ".ods" if data[30:30 + len(_ODS_MIMETYPE)] == _ODS_MIMETYPE else "." + file_kind(data)


def download_name(sent_as: str, path: Path) -> str:
    """A stored upload's name for the office: the unit's own name, made safe, ending as its content."""
    stem = sent_as
    for ending in (".xlsx", ".xls", ".ods", ".XLSX", ".XLS", ".ODS"):
        stem = stem.removesuffix(ending)
    return safe_filename(stem) + suffix_of(path)


def units_csv(units: Sequence[UnitView], late: Callable[[str | None], bool] = lambda _: False) -> bytes:
    """The units table as CSV (UTF-8 with BOM for Excel; formula-like text neutralised by csvsafe); times as
    the office's clock shows them, `late` says which current returns came after the deadline."""
    rows = [(u.code, u.name, state_label(u.state), shown_time(u.time), "逾期" if late(u.time) else "",
             u.filename or "", u.errors, u.warnings, "是" if u.has_link else "否") for u in units]
    return csv_text(CSV_HEADER, rows).encode("utf-8-sig")


def shown_time(stamp: str | None) -> str:
    """2025-03-31T09:05:12+08:00 as 2025-03-31 09:05:12: the store keeps the offset, people read the clock."""
    return (stamp or "")[:19].replace("T", " ")
