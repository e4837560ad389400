"""A LibreOffice batch driver: JSON lines in, JSON lines out. Runs under the SYSTEM python (`/usr/bin/python3`).

The `uno` module ships with LibreOffice for the system python only, so the test suite (project python) talks to
this script over a pipe: one JSON request per stdin line, one JSON response per stdout line. One soffice is
started for the life of the driver, because starting it costs seconds and a test session sends many jobs.

Request:  {"jobs": [job, ...]}                    Response: {"results": [result, ...]}
job:      {"path": "/abs/in.xlsx",
           "before": [target, ...],                 # read before recalculation (the file's cached values)
           "set": [[target, mode, value], ...],     # mode: value | string | formula | clear
           "read": [target, ...],                   # read after calculateAll()
           "locked": [target, ...],                 # CellProtection.IsLocked of each target
           "names": true,                           # every defined name: [sheet index, row, col, last row, last col]
           "grid": "Sheet",                         # bulk: the sheet's used area before and after recalc,
                                                    #   and its locked/unlocked format ranges
           "unprotect": "password",                 # try it on every protected sheet: result "unprotected"
           "save_xlsx": "/abs/out.xlsx", "save_xls": "/abs/out.xls",   # .xls: Excel 97-2003 (BIFF8)
           "pdf": "/abs/out.pdf"}                   (every key but path optional)
result:   {"ok": true, "before": {...}, "values": {...}, "locked": {...}, "protected": {sheet: bool},
           "sheets": [[name, visible], ...], "ms": {"load": ms, "total": ms},
           "grid_before": grid, "grid": grid, "locks": [[first_row, first_col, last_row, last_col, locked], ...]}
           or {"ok": false, "error": "..."}
grid:     {"rows": [[value, ...], ...], "errors": [[row, col, code], ...]}, 0-based from A1; empty is "".
A target is a workbook defined name ("xf_year"), "Sheet!B3" or "B3" (first sheet). A value read back is a
number, a string, null (empty) or {"error": code}.

Typing through UNO ignores cell protection and headless mode does not enforce validation (DESIGN.md §5):
a test acting as a user must check `locked` / `protected` itself, as tests/test_libreoffice.py does.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from pathlib import Path
from typing import Any

import uno  # type: ignore[import-not-found]

# No lock files: a stale ".~lock.x.xlsx#" left by a crash would make the next load fail silently.
# Never recalculate on load (1): reads before calculateAll() then show what the file cached, and the
# explicit calculateAll() is the single, deterministic recalculation (DESIGN.md §5, OOXMLRecalcMode).
_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>1</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse">
<value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="UseLocking" oor:op="fuse">
<value>false</value></prop></item>
</oor:items>
"""
_CLEAR = 1 | 2 | 4 | 16          # CellFlags VALUE | DATETIME | STRING | FORMULA
_FORMULA_RESULT_STRING = 2       # com.sun.star.sheet.FormulaResult.STRING
_FORMULA_RESULT_ERROR = 4        # com.sun.star.sheet.FormulaResult.ERROR
_START_TIMEOUT = 90.0


class Office:
    """One headless soffice with a private profile, reached over a named pipe."""

    def __init__(self) -> None:
        self.profile = Path(tempfile.mkdtemp(prefix="xlsform-lo-"))
        (self.profile / "user").mkdir()
        (self.profile / "user" / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")
        self.pipe = f"xlsform_{uuid.uuid4().hex[:12]}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.desktop: Any = None

    def start(self) -> None:
        soffice = shutil.which("soffice") or shutil.which("libreoffice") or "soffice"
        self.proc = subprocess.Popen(
            [soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
             f"-env:UserInstallation={self.profile.as_uri()}",
             f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)   # its own process group: stop() can end soffice.bin with its launcher
        self.desktop = self._connect()

    def _connect(self) -> Any:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + _START_TIMEOUT
        while True:
            try:
                ctx = resolver.resolve(f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext")
                return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
            except Exception:
                assert self.proc is not None
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"soffice did not start (exit code {self.proc.poll()})") from None
                time.sleep(0.2)

    def stop(self) -> None:
        try:
            if self.desktop is not None:
                self.desktop.terminate()
        except Exception:
            pass  # a soffice that already died cannot be asked to quit; we wait or kill below
        if self.proc is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=20)
            # whatever is left of this soffice (launcher and soffice.bin), never anyone else's
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


# ------------------------------------------------------------------------------------------ one job

def _prop(name: str, value: Any) -> Any:
    p = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
    p.Name, p.Value = name, value
    return p


class Cells:
    """Finds cells of one document by defined name or A1 reference; sheets are looked up once."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.names = doc.NamedRanges
        self.sheets: dict[str, Any] = {}

    def __call__(self, target: str) -> Any:
        if "!" not in target and self.names.hasByName(target):
            rng = self.names.getByName(target).getReferredCells()
            if rng is None:
                raise KeyError(f"defined name {target} does not refer to cells")
            return rng.getCellByPosition(0, 0)          # a merged range's anchor cell
        sheet_name, _, ref = target.rpartition("!")
        col, row = _a1(ref)
        return self._sheet(sheet_name.strip("'")).getCellByPosition(col, row)

    def _sheet(self, name: str) -> Any:
        if name not in self.sheets:
            self.sheets[name] = self.doc.Sheets.getByName(name) if name else self.doc.Sheets.getByIndex(0)
        return self.sheets[name]


def _a1(ref: str) -> tuple[int, int]:
    """"B3" -> (column 1, row 2), 0-based, as getCellByPosition wants them."""
    letters = ref.rstrip("0123456789").lstrip("$").replace("$", "")
    digits = ref[len(ref.rstrip("0123456789")):]
    if not letters.isalpha() or not digits:
        raise KeyError(f"not a defined name or cell reference: {ref!r}")
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return col - 1, int(digits) - 1


def _read(cell: Any) -> Any:
    if cell.getError():
        return {"error": cell.getError()}
    kind = cell.getType().value
    if kind == "EMPTY":
        return None
    if kind == "TEXT" or (kind == "FORMULA"
                          and cell.getPropertyValue("FormulaResultType2") == _FORMULA_RESULT_STRING):
        # getString() gives the text as displayed (number format '"等级："@' adds a prefix); the data array
        # gives the cell's own string
        return str(cell.getDataArray()[0][0])
    return cell.getValue()


def _grid(sheet: Any) -> dict[str, Any]:
    """The used area in two calls: per-cell calls cost ~1 ms each over the bridge, a form has ~500 cells."""
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    end = cursor.getRangeAddress()
    rows = sheet.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow).getDataArray()
    grid = [list(row) for row in rows]
    # getDataArray shows an error as an empty cell, and an empty text result read from the file's cache as 0
    errors = [[r, c, sheet.getCellByPosition(c, r).getError()]
              for r, c in _cells_of(sheet.queryFormulaCells(_FORMULA_RESULT_ERROR))]
    for r, c in _cells_of(sheet.queryFormulaCells(_FORMULA_RESULT_STRING)):
        if not isinstance(grid[r][c], str):
            grid[r][c] = sheet.getCellByPosition(c, r).getString()
    return {"rows": grid, "errors": errors}


def _cells_of(ranges: Any) -> list[tuple[int, int]]:
    return [(r, c) for a in ranges.getRangeAddresses()
            for r in range(a.StartRow, a.EndRow + 1) for c in range(a.StartColumn, a.EndColumn + 1)]


def _locks(sheet: Any) -> list[list[Any]]:
    """Locked state by ranges of equal cell format: a handful of calls instead of one per cell."""
    out = []
    groups = sheet.getUniqueCellFormatRanges()
    for i in range(groups.getCount()):
        group = groups.getByIndex(i)
        locked = bool(group.getPropertyValue("CellProtection").IsLocked)
        out += [[a.StartRow, a.StartColumn, a.EndRow, a.EndColumn, locked] for a in group.getRangeAddresses()]
    return out


def _write(cell: Any, mode: str, value: Any) -> None:
    if mode == "value":
        cell.setValue(float(value))
    elif mode == "string":
        cell.setString(str(value))
    elif mode == "formula":       # what a user types into the input line: "4.5", "=1+1", "abc"
        cell.setFormula(str(value))
    elif mode == "clear":
        cell.clearContents(_CLEAR)
    else:
        raise ValueError(f"unknown set mode {mode!r}")


def _store(doc: Any, path: str, filter_name: str) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    doc.storeToURL(tmp.resolve().as_uri(), (_prop("FilterName", filter_name), _prop("Overwrite", True)))
    os.replace(tmp, target)


def run_job(desktop: Any, job: dict[str, Any]) -> dict[str, Any]:
    started = time.monotonic()
    url = Path(job["path"]).resolve().as_uri()
    doc = desktop.loadComponentFromURL(url, "_blank", 0, (_prop("Hidden", True),))
    if doc is None:
        raise RuntimeError(f"LibreOffice could not open {job['path']}")
    loaded = time.monotonic()
    try:
        out = _run_on(doc, job)
    finally:
        doc.close(True)
    out["ms"] = {"load": round((loaded - started) * 1000), "total": round((time.monotonic() - started) * 1000)}
    return out


def _run_on(doc: Any, job: dict[str, Any]) -> dict[str, Any]:
    # AutoCalculate stays on, as for a user: switching it off makes cached results read as 0 before recalc
    cells = Cells(doc)
    out: dict[str, Any] = {"ok": True}
    grid_sheet = doc.Sheets.getByName(job["grid"]) if job.get("grid") else None
    out["before"] = {t: _read(cells(t)) for t in job.get("before", [])}
    if grid_sheet is not None:
        out["grid_before"] = _grid(grid_sheet)
    for target, mode, value in job.get("set", []):
        _write(cells(target), mode, value)
    doc.calculateAll()
    out["values"] = {t: _read(cells(t)) for t in job.get("read", [])}
    out["locked"] = {t: bool(cells(t).getPropertyValue("CellProtection").IsLocked) for t in job.get("locked", [])}
    if grid_sheet is not None:
        out["grid"] = _grid(grid_sheet)
        out["locks"] = _locks(grid_sheet)
    if job.get("names"):
        out["names"] = _names(doc)
    _describe_sheets(doc, out)
    if "unprotect" in job:
        out["unprotected"] = _unprotect(doc, str(job["unprotect"]))
    if job.get("save_xlsx"):
        _store(doc, job["save_xlsx"], "Calc MS Excel 2007 XML")
    if job.get("save_xls"):
        _store(doc, job["save_xls"], "MS Excel 97")
    if job.get("pdf"):
        _store(doc, job["pdf"], "calc_pdf_Export")
    return out


def _names(doc: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in doc.NamedRanges.getElementNames():
        rng = doc.NamedRanges.getByName(name).getReferredCells()
        if rng is None:          # a name for a constant or formula, not cells
            out[name] = None
            continue
        a = rng.getRangeAddress()
        out[name] = [a.Sheet, a.StartRow, a.StartColumn, a.EndRow, a.EndColumn]
    return out


def _unprotect(doc: Any, password: str) -> dict[str, bool]:
    """Each protected sheet: whether `password` lifts its protection, as a user's Tools > Protect Sheet would."""
    out = {}
    for i in range(doc.Sheets.getCount()):
        sheet = doc.Sheets.getByIndex(i)
        if sheet.isProtected():
            with contextlib.suppress(Exception):    # a wrong password raises IllegalArgumentException
                sheet.unprotect(password)
            out[sheet.getName()] = not sheet.isProtected()
    return out


def _describe_sheets(doc: Any, out: dict[str, Any]) -> None:
    sheets = [doc.Sheets.getByIndex(i) for i in range(doc.Sheets.getCount())]
    out["protected"] = {s.getName(): bool(s.isProtected()) for s in sheets}
    out["sheets"] = [[s.getName(), bool(s.IsVisible)] for s in sheets]


# ------------------------------------------------------------------------------------------ the loop

class Driver:
    """Runs requests on one Office; a job that fails is reported, never fatal."""

    def __init__(self) -> None:
        self.office = Office()
        self.office.start()

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        return {"results": [self._safe_job(job) for job in request["jobs"]]}

    def _safe_job(self, job: dict[str, Any]) -> dict[str, Any]:
        try:
            return run_job(self.office.desktop, job)
        except Exception as e:
            error = f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}"
            if not self.office.alive():     # a file that crashed soffice must not fail the jobs after it
                self.office.stop()
                self.office = Office()
                self.office.start()
            return {"ok": False, "error": error}

    def close(self) -> None:
        self.office.stop()


def _send(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main() -> int:
    driver = Driver()
    try:
        _send({"ready": True})
        for line in sys.stdin:
            if line.strip():
                _send(driver.handle(json.loads(line)))
    finally:
        driver.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
