"""Helpers for a round's second pass: what a unit's spreadsheet program does to a copy it corrects."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl

from tests.helpers_read import rezip


def saved_by_the_unit(path: Path, when: str = "2030-01-01T08:00:00Z") -> None:
    """What Excel, WPS or LibreOffice do to docProps/core.xml on every save: a new modified time."""
    def edit(name: str, body: bytes) -> bytes:
        if name != "docProps/core.xml":
            return body
        return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + when.encode(), body)
    path.write_bytes(rezip(path.read_bytes(), edit))


def corrected(copy: Path, target: Path, sheet: str, cells: dict[str, object],
              when: str = "2030-01-01T08:00:00Z") -> Path:
    """The annotated copy as the unit sends it back: cells typed in, saved at `when`."""
    wb = openpyxl.load_workbook(copy)
    for ref, value in cells.items():
        wb[sheet][ref] = value
    wb.save(target)
    saved_by_the_unit(target, when)
    return target


def copy_of(feedback: Path, source: Path) -> Path:
    """The annotated copy `check --annotate` wrote into `feedback` for `source`. Copies are named for the unit
    (code and name, `(2)` for its next return), so it is found by the return it records (checked_sha256)."""
    import hashlib

    from xlsform.reader import read_file

    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    for path in sorted(feedback.glob("*_校验*.xlsx")):
        read = read_file(path)
        if read.workbook is not None and read.workbook.meta.get("checked_sha256") == digest:
            return path
    raise AssertionError(f"no annotated copy of {source} in {feedback}")


def saved_as_ods(xlsx: Path, ods: Path) -> Path:
    """What a unit's LibreOffice writes when it saves its form as .ods (the program's own format)."""
    import shutil
    import subprocess
    import tempfile

    from tests.helpers_lo import require_libreoffice
    require_libreoffice()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["soffice", f"-env:UserInstallation={Path(tmp, 'p').as_uri()}", "--headless", "--norestore",
                        "--convert-to", "ods", "--outdir", tmp, str(xlsx)], check=True, capture_output=True,
                       timeout=120)
        shutil.move(Path(tmp, xlsx.stem + ".ods"), ods)
    xlsx.unlink()
    return ods
