"""One server per round: `xlsform serve` holds a lock on `xlsform-serve.lock` beside the store for as long
as it runs. A second start on the same store stops before it touches anything (it used to sweep the running
server's in-progress uploads as a killed run's leftovers) and says which process holds it and where.

The lock is the operating system's (flock on POSIX, a byte range on Windows), so it ends with the process
however the process ends, `kill -9` included: a stale file never blocks a start.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import IO

from xlsform.errors import XlsformError

LOCK_NAME = "xlsform-serve.lock"
_FAR = 1 << 30       # Windows: the locked byte, far past the text, so the text stays readable to others


class ServerLock:
    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_NAME
        self._fh: IO[str] | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        with contextlib.suppress(OSError):
            os.chmod(self.path, 0o600)
        fh = os.fdopen(fd, "r+", encoding="utf-8")
        if not _try_lock(fh):
            holder = fh.read().strip() or "另一个进程"
            fh.close()
            raise XlsformError(
                f"这一轮已有一个 xlsform serve 在运行（{holder}），同一轮只能运行一个：请直接使用它，"
                f"或先在它的窗口按 Ctrl+C 停止它再启动（锁文件 {self.path}）")
        self._fh = fh
        self.describe(f"进程 {os.getpid()}，正在启动")

    def describe(self, text: str) -> None:
        """What a second start is told about this server (its process and address)."""
        if self._fh is None:
            return
        self._fh.seek(0)
        self._fh.truncate()
        self._fh.write(text)
        self._fh.flush()

    def release(self) -> None:
        fh, self._fh = self._fh, None
        if fh is not None:
            with contextlib.suppress(OSError):
                fh.seek(0)
                fh.truncate()
            fh.close()          # closing the file ends the lock


def _try_lock(fh: IO[str]) -> bool:
    try:
        import fcntl
    except ImportError:          # Windows
        import msvcrt

        fh.seek(_FAR)
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        finally:
            fh.seek(0)
        return True
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True
