"""Files: atomic writes that never overwrite without being told to, and safe file names."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from xlsform.errors import XlsformError

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_UNDECODED = re.compile("[\udc80-\udcff]")


def shown_path(text: str) -> str:
    """A file name as text we can write (a workbook cell, JSON, another file's name). Python keeps bytes that
    are not UTF-8 as surrogates: names from a Windows zip unpacked on Linux are GBK, so read them as GBK."""
    if not _UNDECODED.search(text):
        return text
    return text.encode("utf-8", "surrogateescape").decode("gb18030", "replace")


def safe_filename(text: str, limit: int = 80, max_bytes: int = 180) -> str:
    """A file name part that is valid on Windows, macOS and Linux; Chinese characters are kept.

    At most `limit` characters and `max_bytes` UTF-8 bytes: Linux counts a name's bytes (255 on ext4), a Chinese
    character is 3 of them, and a suffix plus atomic_output's temporary name must still fit.
    """
    name = _UNSAFE.sub("_", shown_path(text)).strip(" .")
    return name[:limit].encode("utf-8")[:max_bytes].decode("utf-8", "ignore") or "_"


def check_writable(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise XlsformError(f"{path} 已存在；如需覆盖请加 --force（{path} exists; use --force to overwrite）")


def shared_mode() -> int:
    """The permissions a file meant for others gets: 0666 less the user's umask (os.umask can only be read
    by setting it, so it is set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def atomic_output(path: str | Path, force: bool = False, mode: str = "wb",
                  private: bool = False) -> Iterator[IO[bytes]]:
    """Write to a temporary file beside `path` and move it into place only when the block succeeds.

    A crash or an error leaves any existing file untouched and no half-written file behind. The file follows
    the user's umask like any file they save (forms, copies, summaries go to others), except a `private` one
    (the manifest holds the protection password), which stays 0600 as the temporary file is created.
    """
    path = Path(path)
    check_writable(path, force)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        if not private:
            os.chmod(tmp, shared_mode())
        with os.fdopen(fd, mode) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if not force and path.exists():  # someone else created it meanwhile
            raise XlsformError(f"{path} 已存在；如需覆盖请加 --force（{path} exists; use --force to overwrite）")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, writer: Callable[[IO[bytes]], None], force: bool = False) -> None:
    with atomic_output(path, force) as fh:
        writer(fh)
