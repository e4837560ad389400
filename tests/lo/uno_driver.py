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
           "save_xlsx": "/abs/out.xlsx", "pdf": "/abs/out.pdf"}      (every key but path optional)
result:   {"ok": true, "before": {...}, "values": {...}, "locked": {...}, "protected": {sheet: bool},
           "sheets": [[name, visible], ...]}  or  {"ok": false, "error": "..."}
A target is a workbook defined name ("xf_year"), "Sheet!B3" or "B3" (first sheet). A value read back is a
number, a string, null (empty) or {"error": code}.

Why the driver types values itself: LibreOffice's UNO API ignores cell protection and headless mode does not
enforce validation (DESIGN.md §5), so the tests check `IsLocked` / `isProtected()` explicitly.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from pathlib import Path
from typing import Any

import uno  # type: ignore[import-not-found]

# Never recalculate on load (1): reads before calculateAll() then show what the file cached, and the
# explicit calculateAll() is the single, deterministic recalculation (DESIGN.md §5, OOXMLRecalcMode).
_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>1</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse">
<value>false</value></prop></item>
</oor:items>
"""
_CLEAR = 1 | 2 | 4 | 16          # CellFlags VALUE | DATETIME | STRING | FORMULA
_FORMULA_RESULT_STRING = 2       # com.sun.star.sheet.FormulaResult.STRING
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
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


# ------------------------------------------------------------------------------------------ one job

def _prop(name: str, value: Any) -> Any:
    p = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
    p.Name, p.Value = name, value
    return p


def _cell(doc: Any, target: str) -> tuple[Any, Any]:
    """(cell, sheet) for a defined name or an A1 reference; a merged range's anchor cell."""
    names = doc.NamedRanges
    if names.hasByName(target):
        rng = names.getByName(target).getReferredCells()
        if rng is None:
            raise KeyError(f"defined name {target} does not refer to cells")
        sheet = doc.Sheets.getByIndex(rng.getRangeAddress().Sheet)
        return rng.getCellByPosition(0, 0), sheet
    sheet_name, _, ref = target.rpartition("!")
    sheet = doc.Sheets.getByName(sheet_name.strip("'")) if sheet_name else doc.Sheets.getByIndex(0)
    return sheet.getCellRangeByName(ref).getCellByPosition(0, 0), sheet


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
    url = Path(job["path"]).resolve().as_uri()
    doc = desktop.loadComponentFromURL(url, "_blank", 0, (_prop("Hidden", True),))
    if doc is None:
        raise RuntimeError(f"LibreOffice could not open {job['path']}")
    try:
        return _run_on(doc, job)
    finally:
        doc.close(True)


def _run_on(doc: Any, job: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"ok": True}
    out["before"] = {t: _read(_cell(doc, t)[0]) for t in job.get("before", [])}
    for target, mode, value in job.get("set", []):
        _write(_cell(doc, target)[0], mode, value)
    doc.calculateAll()
    out["values"] = {t: _read(_cell(doc, t)[0]) for t in job.get("read", [])}
    out["locked"] = {t: bool(_cell(doc, t)[0].getPropertyValue("CellProtection").IsLocked)
                     for t in job.get("locked", [])}
    sheets = [doc.Sheets.getByIndex(i) for i in range(doc.Sheets.getCount())]
    out["protected"] = {s.getName(): bool(s.isProtected()) for s in sheets}
    out["sheets"] = [[s.getName(), bool(s.IsVisible)] for s in sheets]
    if job.get("save_xlsx"):
        _store(doc, job["save_xlsx"], "Calc MS Excel 2007 XML")
    if job.get("pdf"):
        _store(doc, job["pdf"], "calc_pdf_Export")
    return out


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
