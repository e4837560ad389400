"""Check results as a clerk reads them (terminal text grouped by file) and as machines read them (JSON)."""

from __future__ import annotations

import errno
import json
import os
import stat
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from functools import partial
from typing import IO, Any, NamedTuple

from xlsform import result_json
from xlsform.codes import Finding, one_line
from xlsform.fsutil import shown_path, write_all
from xlsform.results import SUPERSEDED, FileResult, set_aside

SEVERITY_LABEL = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_LABEL = {"ok": "通过", "warnings": "通过", "errors": "有错误", "unreadable": "无法读取"}
NO_MANIFEST = ("未给出 --manifest：锁定的预填内容按各工作簿内保存的预填副本核对（副本本身被改动时无法发现），"
               "单位编码是否在本轮下发名单中未核对。")
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_STATUS_ORDER = {"unreadable": 0, "errors": 1, "warnings": 2, "ok": 3}
BLANK_LABEL = "空表（尚未填写）"    # the form came back as sent: one XF304, counted apart from the errors to fix


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then warnings, then info; within a severity, the order the checks found them."""
    return sorted(findings, key=lambda f: _SEVERITY_ORDER.get(f.severity, 3))


UNIT_CHARS = 40     # a unit name in a heading; the workbook's text, so a hostile one is cut


def unit_label(result: FileResult) -> str:
    """"430112001 长沙市望城区接待服务中心" as read from the workbook, so a return renamed 自评表(1).xlsx is still
    recognisable; "" for a file with no readable unit."""
    rec = result.record
    parts = [one_line(str(x)).strip() for x in (rec.code, rec.name) if x] if rec is not None else []
    text = " ".join(p for p in parts if p)
    return text if len(text) <= UNIT_CHARS else text[:UNIT_CHARS] + "…"


def format_file(result: FileResult, *, info: bool = True) -> str:
    unit = unit_label(result)
    head = f"{'【' + unit + '】' if unit else ''}{one_line(result.file)}：{_label(result)}"
    if result.status == "errors" and not (result.blank and result.errors == 1):   # a blank form: its XF304 says it
        head += f"，错误 {result.errors} 条，警告 {result.warnings} 条"
    elif result.warnings:
        head += f"，警告 {result.warnings} 条"
    lines = [head]
    for f in sort_findings(result.findings):
        if info or f.severity != "info":
            lines.append(f"  [{SEVERITY_LABEL.get(f.severity, f.severity)}] {f.code} {f.message}")
    if result.annotated and result.findings:
        # the copy to send back to this unit: with a unit's second return it is "…_校验(2).xlsx", and the
        # folder holds its earlier copies too
        lines.append(f"  批注副本：{one_line(shown_path(result.annotated))}")
    return "\n".join(lines)


def summary(results: Sequence[FileResult]) -> str:
    """The one-line total, e.g. "共 4 个文件：1 个通过，2 个有错误，1 个无法读取；错误 5 条，警告 3 条", or
    "共 12 个文件：12 个通过（其中 2 个仅有警告），0 个有错误，…" as status says 已通过 10，仅有警告 2."""
    by_status = {s: sum(r.status == s for r in results) for s in _STATUS_ORDER}
    passed = by_status["ok"] + by_status["warnings"]
    blank = sum(bool(r.blank) for r in results)
    errors = sum(r.errors for r in results)
    warnings = sum(r.warnings for r in results)
    files = len({r.file for r in results})
    # a hand-made workbook may hold several units' forms: each is counted as a form, the file once
    counted = f"共 {files} 个文件" if files == len(results) else f"共 {files} 个文件、{len(results)} 张自评表"
    # status and merge count a return with warnings only apart (仅有警告) from one with nothing to say (已通过);
    # the total says both, so the three commands' counts read the same
    partly = f"（其中 {by_status['warnings']} 个仅有警告）" if by_status["warnings"] else ""
    return (f"{counted}：{passed} 个通过{partly}，{by_status['errors'] - blank} 个有错误，"
            + (f"{blank} 个空表，" if blank else "")
            + f"{by_status['unreadable']} 个无法读取；错误 {errors} 条，警告 {warnings} 条")


def format_text(results: Sequence[FileResult], *, info: bool = True, note: str | None = None,
                errors_only: bool = False, superseded: Mapping[str, str] | None = None) -> str:
    """The whole report: files with problems first (unreadable, errors, warnings, ok), then `note` (what was
    compared against what) and the total. `errors_only`: list only files with errors or unreadable (the
    total still counts every file). `superseded`: file -> the newer return of its unit that counts instead;
    those are listed apart, as status and merge list them, and left out of the total."""
    superseded = superseded or {}
    current = [r for r in results if r.file not in superseded]
    shown = [r for r in current if not errors_only or r.status in ("errors", "unreadable")]
    ordered = sorted(shown, key=lambda r: _STATUS_ORDER[r.status])
    blocks = [format_file(r, info=info) for r in ordered]
    return "\n\n".join([*blocks, *_tail(results, superseded, note)])


def _tail(results: Sequence[Any], superseded: Mapping[str, str], note: str | None) -> list[str]:
    """What follows the files' blocks: the superseded returns, `note` and the total (results: FileResults or
    the `Form`s of a streamed report)."""
    older = [r for r in results if r.file in superseded]
    current = [r for r in results if r.file not in superseded]
    by_file = {r.file: r for r in current}
    blocks = []
    why = [_aside(r, by_file.get(superseded[r.file])) for r in older]
    if older:
        blocks.append(f"同一单位另有报送、不计入结果的文件（{len(older)} 个）：\n" + "\n".join(
            f"  {one_line(r.file)}（{reason}{'' if r.record is None or r.blank else '，' + _label(r)}）"
            f"→ 以 {one_line(superseded[r.file])} 为准" for r, reason in zip(older, why, strict=True)))
    plain = all(w == SUPERSEDED for w in why)
    total = summary(current) + (f"；另有 {len(older)} 个{'较早的报送已被取代' if plain else '同一单位的其他文件不计入'}"
                                if older else "")
    return [*blocks, *([note] if note else []), total]


def _aside(older: Any, current: Any) -> str:
    return set_aside(older, current) if current is not None else SUPERSEDED


def _label(r: Any) -> str:
    return BLANK_LABEL if r.blank else STATUS_LABEL[r.status]


def to_json(results: Iterable[FileResult], superseded: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Each file's object (`FileResult.to_json`: findings errors first), and on a return superseded by a newer
    one of its unit, `superseded_by`: that newer file, which counts instead."""
    out = []
    for r in results:
        obj = r.to_json()
        if superseded and r.file in superseded:
            obj["superseded_by"] = shown_path(superseded[r.file])
        out.append(obj)
    return out


def format_json(results: Iterable[FileResult], superseded: Mapping[str, str] | None = None) -> str:
    """The JSON report of `check --json` as one text: an array, one file's object a line."""
    return "[\n" + ",\n".join(json.dumps(o, ensure_ascii=False, default=str) for o in to_json(results, superseded)) \
        + "\n]"


def exit_code(results: Iterable[Any], superseded: Mapping[str, str] | None = None) -> int:
    """0 when no current return has errors; 1 when any has errors or cannot be read (a return superseded by
    a newer one of its unit does not count, as in status and merge). FileResults or a streamed report's Forms."""
    return 1 if any(r.status in ("errors", "unreadable") for r in results
                    if not superseded or r.file not in superseded) else 0


# ----------------------------------------------------------------------------------- streamed reports
# `check` renders each file's part of the report where the file was checked (check.render_paths) and sets
# it aside as it arrives, in a spool that stays in memory up to a limit and then goes to a temporary file,
# keeping of each form only what the end of the report needs (`Form`). Whether a return is superseded by a
# newer one of its unit is known only once every file is in; then the report is written. Memory does not
# grow with the round beyond those few fields a form.

def json_bytes(result: FileResult) -> bytes:
    """One file's object, compact (json's C encoder: its indenting encoder is pure Python and cost more than
    reading the file), UTF-8: the bytes `json.dumps(result.to_json(), ensure_ascii=False, default=str)` gives,
    encoded from the result's fields without building to_json's dicts (result_json)."""
    data = result_json.json_bytes(result)
    if data is None:   # a shape result_json does not know: the reference
        return result_json.encode(result.to_json()).encode("utf-8")
    return data




def text_bytes(result: FileResult, *, info: bool = True) -> bytes:
    return format_file(result, info=info).encode("utf-8")


class Unit(NamedTuple):
    """The unit a form names, as status.assign reads it from a record."""

    code: str | None
    name: str | None


class Form(NamedTuple):
    """What a streamed report keeps of one form: enough to count it, tell whether a newer return of its unit
    supersedes it (status.assign reads `file`, `mtime` and `record`) and say what became of its copy."""

    file: str
    mtime: float | None
    record: Unit | None
    status: str
    errors: int
    warnings: int
    annotated: str | None
    copy_note: str | None
    sha256: str | None = None     # set_aside: a duplicate is told from an older return
    stale: bool = False           # another round's form or one a re-issue replaced (status.assign ranks it last)
    blank: bool = False           # returned as sent (XF304): a state of its own, ranked below a filled return

    @classmethod
    def of(cls, r: Any) -> Form:
        """From a check.Rendered."""
        unit = Unit(r.code, r.name) if r.readable else None
        return cls(r.file, r.mtime, unit, r.status, r.errors, r.warnings, r.annotated, r.copy_note, r.sha256,
                   r.stale, r.blank)


class ReportSpool:
    """The rendered forms of a batch, in order (`by_status`: one spool per status, for the text report).

    A form's text is in the spool itself (written here, in memory up to a limit, then in a temporary file) or
    where a checking process wrote it (`Rendered.at`: a file in `spill_folder()`); read back only to be written
    into the report. Kept a form: its `Form` and three numbers.

    Each text is stored followed by `trailer`: for a JSON report, what follows an object in it (`lines`: JSON
    Lines), so that texts stored one after another are, with what lies between them, the report's own bytes,
    copied into it as they are (`write_json`)."""

    SPOOL = 1 << 20
    READ_AT_ONCE = 1 << 20

    def __init__(self, *, by_status: bool, lines: bool = False) -> None:
        import tempfile

        self.forms: list[Form] = []
        self.by_status = by_status
        self.trailer = b"" if by_status else _separator(lines)
        keys = _STATUS_ORDER if by_status else ("all",)
        # closed when the report is written or given up (`close`)
        self._spools = {k: tempfile.SpooledTemporaryFile(self.SPOOL) for k in keys}  # noqa: SIM115
        # per key, three numbers a text: the spill file's index in _files (-1: the spool), offset, length
        self._where = {k: array("q") for k in keys}
        self._files: dict[str, int] = {}
        self._folder: str | None = None
        self.fds: list[int] = []

    def spill_folder(self) -> str:
        """A private folder for checking processes to write texts into (check.render_paths' `spill`, each
        text followed by `trailer`); removed with everything in it by `close`."""
        import tempfile

        if self._folder is None:
            self._folder = tempfile.mkdtemp(prefix=f"{SPILL_PREFIX}{os.getpid()}-")
            sweep_abandoned(tempfile.gettempdir())
        return self._folder

    def add(self, rendered: Any) -> None:
        self.forms.append(Form.of(rendered))
        key = rendered.status if self.by_status else "all"
        if rendered.at is not None:
            path, offset, length = rendered.at
            self._where[key].extend((self._files.setdefault(path, len(self._files)), offset, length))
            return
        spool = self._spools[key]
        self._where[key].extend((-1, spool.tell(), len(rendered.text)))
        spool.write(rendered.text)
        spool.write(self.trailer)

    def texts(self, key: str) -> Iterator[bytes | memoryview]:
        """The texts of `key`, in order. Texts one process wrote one after another are read back together (a
        read of up to READ_AT_ONCE bytes, and views into it) rather than one read a file."""
        gap = len(self.trailer)
        with self._opened(key) as read:
            for index, offset, lengths in _runs(self._where[key], self.READ_AT_ONCE, gap):
                block = memoryview(read(Stored(index, offset, sum(lengths) + gap * (len(lengths) - 1))))
                start = 0
                for length in lengths:
                    yield block[start: start + length]
                    start += length + gap

    @contextmanager
    def _opened(self, key: str) -> Iterator[Callable[[Stored], bytes]]:
        """Reads what a `Stored` of `key` says, with the spill files open meanwhile (`self.fds`, in the
        order of a Stored's `file`)."""
        self.fds = [os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0)) for path in self._files]   # Windows
        try:
            yield partial(self._read, self._spools[key])
        finally:
            for fd in self.fds:
                os.close(fd)
            self.fds = []

    def _read(self, spool: IO[bytes], at: Stored) -> bytes:
        if at.file >= 0:
            return _read_at(self.fds[at.file], at.offset, at.length)
        spool.seek(at.offset)
        data = spool.read(at.length)
        if len(data) != at.length:
            raise OSError(f"检查结果的暂存文件不完整（缺少 {at.length - len(data)} 字节）")
        return data

    def close(self) -> None:
        for spool in self._spools.values():
            spool.close()
        if self._folder is not None:    # it holds the checking processes' spill files and nothing else
            _remove_spills(self._folder)


SPILL_PREFIX = "xlsform-check-"     # then the checking command's process id, so a later run knows it ended


def sweep_abandoned(folder: str) -> None:
    """Remove the spill folders of checks that ended without removing them (killed: SIGKILL, the system out
    of memory, a power cut), which would otherwise keep their returns' reports, up to a gigabyte a round, in
    the temporary folder. Only a folder whose process is gone, and in it only spill files (*.part): anything
    else there, or a process that cannot be asked (not POSIX), leaves it as it is."""
    if os.name != "posix":
        return
    ended: list[str] = []
    with suppress(OSError), os.scandir(folder) as entries:
        ended = [e.path for e in entries if e.name.startswith(SPILL_PREFIX) and _ended(e.name[len(SPILL_PREFIX):])
                 and e.is_dir(follow_symlinks=False)]
    for path in ended:
        _remove_spills(path)


def _remove_spills(folder: str) -> None:
    """A spill folder's spill files (*.part, as _Spill names them), then the folder if that emptied it."""
    with suppress(OSError):
        for name in os.listdir(folder):
            if name.endswith(".part"):
                with suppress(OSError):
                    os.unlink(os.path.join(folder, name))
        os.rmdir(folder)


def _ended(rest: str) -> bool:
    pid = rest.split("-", 1)[0]
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)       # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except (OverflowError, OSError):   # alive under another user (PermissionError), or not a process id
        return False
    return False


class Stored(NamedTuple):
    """Bytes where a spool keeps them: `file` the index of a spill file (ReportSpool.fds), -1 the spool."""

    file: int
    offset: int
    length: int


def _runs(where: array[int], limit: int, gap: int = 0) -> Iterator[tuple[int, int, list[int]]]:
    """(file index, offset, lengths) of consecutive texts stored one after another in the same file (`gap`
    bytes between them: the spool's trailer), each run at most `limit` bytes (or one text)."""
    run: list[int] = []
    index = offset = end = -1
    for i in range(0, len(where), 3):
        at, start, length = where[i], where[i + 1], where[i + 2]
        if run and (at != index or start != end + gap or end - offset + length > limit):
            yield index, offset, run
            run = []
        if not run:
            index, offset = at, start
        run.append(length)
        end = start + length
    if run:
        yield index, offset, run


def _read_at(fd: int, offset: int, length: int) -> bytes:
    parts = []
    while length > 0:
        part = _pread(fd, length, offset)
        if not part:
            raise OSError(f"检查进程写出的结果不完整（缺少 {length} 字节）")
        parts.append(part)
        offset, length = offset + len(part), length - len(part)
    return b"".join(parts)


def _seek_and_read(fd: int, length: int, offset: int) -> bytes:
    """os.pread where the system has none (Windows): the descriptors are this process's own, read one at a time."""
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, length)


_pread = getattr(os, "pread", _seek_and_read)


def write_json(spool: ReportSpool, superseded: Mapping[str, str], out: IO[bytes], *, lines: bool = False) -> None:
    """`check --json`: one array, an object a line (`lines`: JSON Lines, an object a line and nothing else);
    a superseded return's object ends with `superseded_by`, as `to_json` adds it."""
    with spool._opened("all") as read:
        _write_all(out, _json_parts(spool, superseded, lines), read, spool.fds)


def _separator(lines: bool) -> bytes:
    """What follows each object of a JSON report but the last."""
    return b"\n" if lines else b",\n"


def _json_parts(spool: ReportSpool, superseded: Mapping[str, str],
                lines: bool) -> Iterator[bytes | Stored | _Superseded]:
    """The report as parts: bytes, and stretches of the spool's files to copy as they are (`Stored`): an
    object with what follows it where the spool's trailer is that, so objects stored one after another are
    one stretch."""
    if not spool.forms:
        return
    if not lines:
        yield b"[\n"
    separator, trailer, last = _separator(lines), spool.trailer, len(spool.forms) - 1
    where = spool._where["all"]
    file = start = end = -1     # the stretch of stored bytes not yet given (end: -1, none)
    for i, form in enumerate(spool.forms):
        at, offset, length = where[3 * i], where[3 * i + 1], where[3 * i + 2]
        after = separator if i < last else (b"\n" if lines else b"\n]\n")
        newer = superseded.get(form.file)
        if end >= 0 and (newer is not None or at != file or offset != end):
            yield Stored(file, start, end - start)
            end = -1
        if newer is not None:   # the object's last key, as to_json adds it
            yield _Superseded(Stored(at, offset, length), b', "superseded_by": '
                              + json.dumps(shown_path(newer), ensure_ascii=False).encode() + b"}" + after)
            continue
        if end < 0:
            file, start = at, offset
        end = offset + length
        if after == trailer:      # the object and what follows it, as stored
            end += len(trailer)
        else:
            yield Stored(file, start, end - start)
            yield after
            end = -1
    if end >= 0:
        yield Stored(file, start, end - start)


class _Superseded(NamedTuple):
    """A stored object to be written with its last byte (its closing brace) replaced by `end`."""

    text: Stored
    end: bytes


def _write_all(out: IO[bytes], parts: Iterable[bytes | memoryview | Stored | _Superseded],
               read: Callable[[Stored], bytes] | None = None, fds: Sequence[int] = ()) -> None:
    """Every part written to `out`, a `Stored` one read through `read` (its texts as the spool keeps them).
    Straight to its file descriptor when it has one, many parts a system call (fsutil.write_all), not two or
    three writes for each file's object as a buffered stream makes them; into a regular file, a long stretch
    of a spill file (`fds`) is copied by the system itself (os.copy_file_range, os.sendfile: not read into
    this process and written out again), where it can."""
    try:
        fd = out.fileno()
    except (AttributeError, OSError, ValueError):    # an in-memory stream (io.UnsupportedOperation is an OSError)
        fd = -1
    parts = _read_stored(parts, read, fds, _Copier(fd) if fd >= 0 and _regular(fd) else None)
    if fd < 0:
        for part in parts:
            out.write(part)
        out.flush()
        return
    out.flush()
    batch: list[bytes | memoryview] = []
    size = 0
    for part in parts:
        if part is _FLUSH:
            if batch:
                write_all(fd, batch)
            batch, size = [], 0
            continue
        batch.append(part)
        size += len(part)
        if len(batch) == _IOV_MAX or size >= _WRITE_AT_ONCE:
            write_all(fd, batch)
            batch, size = [], 0
    if batch:
        write_all(fd, batch)


_IOV_MAX = 1024           # buffers one writev takes on Linux and the BSDs
_WRITE_AT_ONCE = 1 << 20  # and bytes: what is held for it stays small however large the report
_COPY_FROM = 1 << 16      # a stretch this long is copied by the system; a shorter one is read (fewer calls)
_FLUSH = memoryview(b"")  # in _read_stored's parts: write what is held, the system copies next


def _read_stored(parts: Iterable[bytes | memoryview | Stored | _Superseded], read: Callable[[Stored], bytes] | None,
                 fds: Sequence[int], copier: _Copier | None) -> Iterator[bytes | memoryview]:
    """The parts as bytes to write; a stored stretch read READ_AT_ONCE bytes at a time, or copied by the
    system into the output where `copier` can (after _FLUSH: what was held before it is written first)."""
    for part in parts:
        if not isinstance(part, Stored | _Superseded):
            yield part
            continue
        assert read is not None, "stored parts are read through the spool"
        if isinstance(part, _Superseded):
            yield read(part.text)[:-1]
            yield part.end
            continue
        offset, end = part.offset, part.offset + part.length
        if copier is not None and part.file >= 0 and part.length >= _COPY_FROM:
            yield _FLUSH
            offset += copier.copy(fds[part.file], offset, part.length)
        while offset < end:
            length = min(ReportSpool.READ_AT_ONCE, end - offset)
            yield read(part._replace(offset=offset, length=length))
            offset += length


def _regular(fd: int) -> bool:
    try:
        return stat.S_ISREG(os.fstat(fd).st_mode)
    except OSError:
        return False


class _Copier:
    """Copies stretches of a file into the output file by a system call that moves the bytes inside the
    system (copy_file_range: on a file system that shares blocks, nothing is copied at all; sendfile), at the
    output's own position as a write would. One the system refuses for these files (another file system, an
    output opened to append, a system without it) is not asked again: the bytes are then read and written."""

    _CANNOT = frozenset({errno.EXDEV, errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EBADF,
                         errno.ENOTSOCK, errno.ESPIPE})

    def __init__(self, out: int) -> None:
        self.out = out
        self.ways: list[Callable[[int, int, int], int]] = [
            *([self._copy_file_range] if hasattr(os, "copy_file_range") else []),
            *([self._sendfile] if hasattr(os, "sendfile") else [])]

    def copy(self, src: int, offset: int, length: int) -> int:
        """How many bytes from `offset` were copied (all of them, or up to where no way is left)."""
        done = 0
        while done < length and self.ways:
            try:
                n = self.ways[0](src, offset + done, length - done)
            except OSError as e:
                if e.errno not in self._CANNOT:   # a full disk, a file-size limit: as a write would fail
                    raise
                del self.ways[0]
                continue
            if n == 0:      # the end of the spill file, or a file system that copies nothing: reading tells
                del self.ways[0]
                continue
            done += n
        return done

    def _copy_file_range(self, src: int, offset: int, length: int) -> int:
        return os.copy_file_range(src, self.out, length, offset)

    def _sendfile(self, src: int, offset: int, length: int) -> int:
        return os.sendfile(self.out, src, offset, length)


def write_text(spool: ReportSpool, superseded: Mapping[str, str], out: IO[bytes], *, note: str | None = None,
               errors_only: bool = False) -> None:
    """The text report, as format_text writes it of the same results (blocks rendered with or without info)."""
    first = True
    for status in _STATUS_ORDER:
        forms = (f for f in spool.forms if f.status == status)
        for form, text in zip(forms, spool.texts(status), strict=True):
            if form.file in superseded or (errors_only and status not in ("errors", "unreadable")):
                continue
            out.write(text if first else b"\n\n" + text)
            first = False
    tail = "\n\n".join(_tail(spool.forms, superseded, note))
    out.write(((tail if first else "\n\n" + tail) + "\n").encode("utf-8"))
    out.flush()
