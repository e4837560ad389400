"""OpenDocument spreadsheets (.ods) converted to .xlsx by a headless LibreOffice, when one is installed.

A unit working in LibreOffice may save its form as .ods, the program's own format. No maintained Python library
reads what the checks need from one (calamine gives values only: no defined names, cell locks, hidden sheets or
formulas to compare), while LibreOffice itself converts it back to .xlsx without loss: the very program that
wrote the file writes the workbook the unit would have sent had it chosen .xlsx in the save dialog, and that
workbook goes through the ordinary, budgeted .xlsx reader. So a return saved as .ods is read, checked, counted
and merged like any other; the report says once that it was converted (XF119).

The conversion is sandboxed and bounded: a private, temporary LibreOffice profile (never the user's, so no open
LibreOffice window is disturbed, nothing is left behind, and macro security is LibreOffice's default, which runs
no macro of a document), a new process group killed on timeout, limits on CPU time, address space and the size
of any file it writes, and the output read back under the reader's own size limit.
Without LibreOffice (or when it fails), the file stays unreadable with advice on saving it as .xlsx (XF101).
`XLSFORM_SOFFICE` names the program to use; set it empty to never convert.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

TIMEOUT = 30.0                  # seconds for one conversion: a form converts in 2-3 s, a cold first start in ~10
_CPU_SECONDS = 60
_MAX_OUTPUT = 64 << 20          # bytes any file LibreOffice writes may reach (RLIMIT_FSIZE)
_MEMORY_KIB = 2 << 20           # address space, KiB (RLIMIT_AS): a form converts within 1 GiB


def soffice() -> str | None:
    """The LibreOffice program to convert with, or None."""
    named = os.environ.get("XLSFORM_SOFFICE")
    if named is not None:
        return shutil.which(named) if named.strip() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_xlsx(data: bytes, timeout: float = TIMEOUT) -> bytes | None:
    """The .ods as LibreOffice saves it as .xlsx; None when no LibreOffice is installed or the conversion
    failed (a broken file, a time-out): the caller then says how to save it as .xlsx."""
    program = soffice()
    if program is None:
        return None
    with tempfile.TemporaryDirectory(prefix="xlsform-ods-") as tmp:
        work = Path(tmp)
        source, out = work / "return.ods", work / "out"
        source.write_bytes(data)
        out.mkdir()
        args = [program, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                "--nolockcheck", "--nodefault", "--nologo", "--convert-to", "xlsx", "--outdir", str(out),
                str(source)]
        try:
            proc = subprocess.Popen(_limited(args), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, cwd=tmp, start_new_session=True)
        except OSError:
            return None
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            return None
        finally:
            _kill(proc)      # a helper process of soffice's own must not outlive the conversion either
        result = out / "return.xlsx"
        try:
            if not result.is_file() or result.stat().st_size > _MAX_OUTPUT:
                return None
            return result.read_bytes()
        except OSError:
            return None


def _limited(args: list[str]) -> list[str]:
    """The command under CPU-time and file-size limits, set by the shell that then becomes LibreOffice (not a
    preexec_fn: checks run in threads too, where forking Python code is unsafe)."""
    shell = "/bin/sh"
    if os.name != "posix" or not os.path.exists(shell):
        return args
    blocks = _MAX_OUTPUT // 512   # POSIX sh counts ulimit -f in 512-byte blocks
    # each on its own: a limit already lower (a checking process's own) stays, and the others still apply
    limits = "; ".join(f"ulimit -{flag} {n} 2>/dev/null" for flag, n in (("t", _CPU_SECONDS), ("f", blocks),
                                                                          ("v", _MEMORY_KIB)))
    return [shell, "-c", f'{limits}; exec "$0" "$@"', *args]


def _kill(proc: subprocess.Popen[bytes]) -> None:
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    elif proc.poll() is None:
        proc.kill()
    proc.wait()
