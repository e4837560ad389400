"""Files: atomic writes that never overwrite without being told to, and safe file names."""

from __future__ import annotations

import errno
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from xlsform.errors import XlsformError
from xlsform.lazyre import lazy

# the characters no file system takes, control characters, and the direction controls that make a name show
# as another ("报表\u202excod.exe" shows as 报表exe.docx)
_UNSAFE = lazy(r'[\\/:*?"<>|\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]+')
_UNDECODED = re.compile("[\udc80-\udcff]")

# Why a file could not be opened, as a clerk reads it: the operating system's own words are English
# ("Too many levels of symbolic links"), and they end up inside a Chinese finding.
_OS_REASONS = {
    errno.ENOENT: "文件不存在（可能已被移走或删除，或是指向不存在文件的快捷方式）",
    errno.EACCES: "没有读取权限", errno.EPERM: "没有读取权限",
    errno.ELOOP: "是一个循环指向自身的快捷方式（符号链接），没有实际文件",
    errno.EISDIR: "是文件夹，不是文件", errno.ENOTDIR: "路径中有同名的文件，不是文件夹",
    errno.ENAMETOOLONG: "文件名或路径太长", errno.EIO: "磁盘读取出错",
    errno.EBUSY: "文件正被其他程序占用", errno.ETXTBSY: "文件正被其他程序占用",
    errno.EMFILE: "同时打开的文件太多", errno.ENFILE: "同时打开的文件太多",
}


def os_reason(e: OSError) -> str:
    """The reason of an OSError in Chinese; an errno not listed keeps the system's words, marked as such."""
    known = _OS_REASONS.get(e.errno or 0)
    if known:
        return known
    return f"系统提示：{e.strerror}" if e.strerror else type(e).__name__


def resolved(path: str | Path) -> Path:
    """The path resolved as far as it can be: a symlink loop in a returns folder (`ln -s loop.xlsx loop.xlsx`)
    makes Path.resolve() raise RuntimeError before Python 3.13, which killed whole batches; that file then
    gets its own finding when it is opened (XF109), and the batch goes on."""
    try:
        return Path(path).resolve()
    except (RuntimeError, OSError):
        return Path(os.path.abspath(path))


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


# Temporary files are ".<name>.<random>.xf<pid>.part" beside their target: a run killed while writing
# (kill -9, a power cut) leaves one, which the next write into that folder recognises and removes once its
# process is gone. Those of older versions (".<name>.<random>.part") go when they are an hour old.
_TEMP = lazy(r"^\..+\.[a-z0-9_]{8}\.xf(\d+)\.part$")
_OLD_TEMP = lazy(r"^\..+\.[a-z0-9_]{8}\.part$")
_OLD_AGE = 3600
_DAY = 86400
_SWEPT: set[str] = set()
_WRITE_ERRORS = {errno.ENOSPC: "磁盘空间不足", errno.EFBIG: "超出文件大小上限", errno.EDQUOT: "超出磁盘配额",
                 errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.EROFS: "只读的磁盘或目录"}


@contextmanager
def atomic_output(path: str | Path, force: bool = False, mode: str = "wb",
                  private: bool = False) -> Iterator[IO[bytes]]:
    """Write to a temporary file beside `path` and move it into place only when the block succeeds.

    A crash or an error leaves any existing file untouched and no half-written file behind; a write the
    system refuses (a full disk, a file-size limit) is an XlsformError saying so in Chinese. The file follows
    the user's umask like any file they save (forms, copies, summaries go to others), except a `private` one
    (the manifest holds the protection password), which stays 0600 as the temporary file is created.
    """
    path = Path(path)
    check_writable(path, force)
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep_temps(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".xf{os.getpid()}.part", dir=path.parent)
    fh = os.fdopen(fd, mode)
    try:
        if not private:
            os.chmod(tmp, shared_mode())
        yield fh
        fh.flush()
        os.fsync(fh.fileno())
        fh.close()
        if not force and path.exists():  # someone else created it meanwhile
            raise XlsformError(f"{path} 已存在；如需覆盖请加 --force（{path} exists; use --force to overwrite）")
        os.replace(tmp, path)
    except BaseException as e:
        _abandon(fh, e)
        Path(tmp).unlink(missing_ok=True)
        cause = _os_error(e)
        if cause is None:
            raise
        why = _WRITE_ERRORS.get(cause.errno or 0, "写入出错")
        raise XlsformError(f"写入 {path} 失败：{why}（{cause.strerror or cause}）；原有文件未改动，"
                           "未留下临时文件") from None


def _abandon(fh: IO[bytes], e: BaseException) -> None:
    """Close a failed write's temporary file so that no late write reaches it.

    A zip writer left in the frames of the failed call writes its directory when it is collected: its file
    is pointed at the null device and those frames are dropped first, so that happens now and quietly.
    """
    if not fh.closed:
        with suppress(OSError, ValueError):
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, fh.fileno())
            os.close(null)
    import traceback  # a failed write only: every command imports this module, few need traceback

    for x in _chain(e):
        traceback.clear_frames(x.__traceback__)
    with suppress(OSError, ValueError):
        fh.close()


def _chain(e: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException | None] = [e]
    while todo:
        x = todo.pop()
        if x is None or id(x) in seen or len(seen) > 20:
            continue
        seen.add(id(x))
        yield x
        todo += [x.__cause__, x.__context__, *(a for a in x.args if isinstance(a, BaseException))]


def _os_error(e: BaseException) -> OSError | None:
    """The system's refusal behind a failed write, also when a library wrapped it (xlsxwriter's
    FileCreateError holds the OSError)."""
    if isinstance(e, XlsformError):
        return None
    return next((x for x in _chain(e) if isinstance(x, OSError)), None)


def sweep_temps(folder: Path) -> None:
    """Remove temporary files killed runs left in `folder` (once per folder and process)."""
    key = str(folder.resolve())
    if key in _SWEPT:
        return
    _SWEPT.add(key)
    with suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith(".") and entry.name.endswith(".part") and _stale(entry):
                with suppress(OSError):
                    os.unlink(entry.path)


def _stale(entry: os.DirEntry[str]) -> bool:
    m = _TEMP.match(entry.name)
    age = time.time() - entry.stat().st_mtime
    if m:
        return age > _DAY or not _alive(int(m.group(1)))
    return _OLD_TEMP.match(entry.name) is not None and age > _OLD_AGE


def _alive(pid: int) -> bool:
    if pid == os.getpid() or os.name != "posix":   # Windows' os.kill would end the process: keep a day
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return pid > 0
    return True


def refuse_input_as_output(path: Path, inputs: Iterable[Path]) -> None:
    """An output that is also one of the files read: overwriting it would destroy a return."""
    target = resolved(path)
    if any(resolved(p) == target for p in inputs):
        raise XlsformError(f"输出文件 {path} 同时是要读取的报送表，不能覆盖；请把输出写到报送表文件夹之外"
                           f"（{path} is one of the inputs）")


def write_atomic(path: str | Path, writer: Callable[[IO[bytes]], None], force: bool = False) -> None:
    with atomic_output(path, force) as fh:
        writer(fh)


def write_all(fd: int, parts: Sequence[bytes | memoryview]) -> None:
    """Every byte of `parts` written to `fd`, in order: many parts a system call where there is os.writev (not
    on Windows), and whatever part a call did not take (a pipe, a signal) written after it."""
    views, first = [memoryview(p) for p in parts], 0
    while first < len(views):
        written = os.writev(fd, views[first:]) if hasattr(os, "writev") else os.write(fd, views[first])
        while first < len(views) and written >= len(views[first]):
            written -= len(views[first])
            first += 1
        if written:
            views[first] = views[first][written:]
