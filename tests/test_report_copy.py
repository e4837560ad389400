"""`check --json` into a file: the checking processes' spill files hold each object followed by what follows
it in the report (ReportSpool.trailer), so the main process has the system copy those stretches into the
output (os.copy_file_range, os.sendfile) instead of reading 20 MB a thousand returns back and writing them
out again. The report stays byte for byte the one a single process writes, whatever the system refuses, and
a write the system cannot make (a full disk, a file-size limit) is an error, never a shorter report."""

from __future__ import annotations

import errno
import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from xlsform import check, report
from xlsform.check import render_paths
from xlsform.cli.check import superseded

EXAMPLES = ROOT / "examples" / "returns"


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example returns twice over (a return of each unit superseded by its copy, which is a duplicate),
    and a broken file: objects from both checking processes' spill files and from the main process."""
    folder = tmp_path_factory.mktemp("batch")
    for f in sorted(EXAMPLES.rglob("*.xlsx")):
        shutil.copy(f, folder / f.name)
        shutil.copy(f, folder / f"{f.stem}_again.xlsx")
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not a zip")
    return folder


def _report(batch: Path, out: Path, *, lines: bool = False, jobs: int = 2, mode: str = "wb") -> bytes:
    """The report of `batch` written by write_json into the file `out` (opened with `mode`)."""
    spool = report.ReportSpool(by_status=False, lines=lines)
    try:
        for rendered in render_paths([batch], report.json_bytes, jobs=jobs, spill=spool.spill_folder,
                                     trailer=spool.trailer):
            spool.add(rendered)
        older = superseded(spool.forms, None)
        assert older        # superseded objects (their last key added) among the copied ones
        with out.open(mode) as fh:
            report.write_json(spool, older, fh, lines=lines)
    finally:
        spool.close()
    return out.read_bytes()


@pytest.fixture(scope="module")
def expected(batch: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[bool, bytes]:
    """The reports one process writes (no spill file: every object read from the spool), JSON and JSON Lines."""
    folder = tmp_path_factory.mktemp("alone")
    return {lines: _report(batch, folder / f"{lines}.json", lines=lines, jobs=1) for lines in (False, True)}


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The lengths the main process reads back from spill files."""
    read: list[int] = []
    real = report._pread

    def pread(fd: int, length: int, offset: int) -> bytes:
        read.append(length)
        return real(fd, length, offset)

    monkeypatch.setattr(report, "_pread", pread)
    return read


@pytest.mark.parametrize("lines", [False, True])
def test_a_report_into_a_file_is_copied_by_the_system_not_read_back(batch: Path, tmp_path: Path,
                                                                       expected: dict[bool, bytes],
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       lines: bool) -> None:
    monkeypatch.setattr(report, "_COPY_FROM", 1)    # the example objects are shorter than a copied stretch
    read = _reads(monkeypatch)
    written = _report(batch, tmp_path / "report.json", lines=lines)
    assert written == expected[lines]
    objects = len(json.loads(written)) if not lines else len(written.splitlines())
    superseded = written.count(b'"superseded_by": ')
    # what is read back: the superseded objects only (their closing brace becomes a last key)
    assert 0 < superseded < objects / 2 and len(read) == superseded
    assert sum(read) < len(written) / 2


def test_into_a_pipe_or_without_a_copying_call_the_stretches_are_read_and_written(
        batch: Path, tmp_path: Path, expected: dict[bool, bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report, "_COPY_FROM", 1)
    read = _reads(monkeypatch)
    r, w = os.pipe()
    with os.fdopen(r, "rb") as reader, os.fdopen(w, "wb") as writer:
        import threading

        got: list[bytes] = []
        drain = threading.Thread(target=lambda: got.append(reader.read()))
        drain.start()
        spool = report.ReportSpool(by_status=False)
        try:
            for rendered in render_paths([batch], report.json_bytes, jobs=2, spill=spool.spill_folder,
                                         trailer=spool.trailer):
                spool.add(rendered)
            report.write_json(spool, superseded(spool.forms, None), writer)
        finally:
            spool.close()
        writer.close()
        drain.join(timeout=60)
    assert got == [expected[False]] and len(read) > expected[False].count(b'"superseded_by": ')
    for name in ("copy_file_range", "sendfile"):
        monkeypatch.delattr(os, name, raising=False)
    assert _report(batch, tmp_path / "report.json") == expected[False]


def _refusing(errno_: int, after: int = 0) -> Callable[..., int]:
    """A copying call that copies `after` bytes (in calls of at most 100) and then refuses with `errno_`."""
    done = [0]
    real = os.copy_file_range

    def call(src: int, dst: int, count: int, offset_src: int | None = None, *rest: Any) -> int:
        if done[0] >= after:
            raise OSError(errno_, os.strerror(errno_))
        n = real(src, dst, min(count, 100, after - done[0]), offset_src, *rest)
        done[0] += n
        return n

    return call


@pytest.mark.skipif(not hasattr(os, "copy_file_range"), reason="os.copy_file_range: Linux")
@pytest.mark.parametrize("refused", [errno.EXDEV, errno.EINVAL, errno.ENOSYS, errno.EBADF])
def test_a_copy_the_system_refuses_midway_goes_on_another_way_from_where_it_stopped(
        batch: Path, tmp_path: Path, expected: dict[bool, bytes], monkeypatch: pytest.MonkeyPatch,
        refused: int) -> None:
    """Another file system (EXDEV), an old kernel (ENOSYS), a file the call does not take: sendfile, or
    reading and writing, go on from the byte the refused call stopped at."""
    monkeypatch.setattr(report, "_COPY_FROM", 1)
    monkeypatch.setattr(os, "copy_file_range", _refusing(refused, after=250))
    assert _report(batch, tmp_path / "report.json") == expected[False]
    monkeypatch.setattr(os, "copy_file_range", _refusing(refused, after=250))
    monkeypatch.delattr(os, "sendfile")
    assert _report(batch, tmp_path / "again.json") == expected[False]


def test_an_output_opened_to_append_keeps_what_it_held(batch: Path, tmp_path: Path,
                                                       expected: dict[bool, bytes],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """`check --json >> log`: the system copies nothing into a file opened to append (copy_file_range:
    EBADF, sendfile: EINVAL); the report follows what the file held."""
    monkeypatch.setattr(report, "_COPY_FROM", 1)
    out = tmp_path / "log.json"
    out.write_bytes(b"earlier\n")
    assert _report(batch, out, mode="ab") == b"earlier\n" + expected[False]


@pytest.mark.skipif(not hasattr(os, "copy_file_range"), reason="os.copy_file_range: Linux")
@pytest.mark.parametrize("full", [errno.ENOSPC, errno.EFBIG, errno.EIO])
def test_a_full_disk_while_copying_is_an_error_not_a_shorter_report(batch: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    full: int) -> None:
    monkeypatch.setattr(report, "_COPY_FROM", 1)
    monkeypatch.setattr(os, "copy_file_range", _refusing(full, after=250))
    with pytest.raises(OSError) as e:
        _report(batch, tmp_path / "report.json")
    assert e.value.errno == full


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE and SIGXFSZ: POSIX")
def test_a_file_size_limit_while_copying_is_an_error(batch: Path, tmp_path: Path,
                                                     expected: dict[bool, bytes],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """`ulimit -f`: the system's own refusal (EFBIG) as the copy passes the limit, not a report cut there."""
    import resource
    import signal

    monkeypatch.setattr(report, "_COPY_FROM", 1)
    limit = len(expected[False]) // 2
    spool = report.ReportSpool(by_status=False)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    before = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        for rendered in render_paths([batch], report.json_bytes, jobs=2, spill=spool.spill_folder,
                                     trailer=spool.trailer):
            spool.add(rendered)
        with (tmp_path / "report.json").open("wb") as fh:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
            try:
                with pytest.raises(OSError) as e:
                    report.write_json(spool, superseded(spool.forms, None), fh)
            finally:
                resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    finally:
        signal.signal(signal.SIGXFSZ, before)
        spool.close()
    assert e.value.errno == errno.EFBIG
    assert (tmp_path / "report.json").read_bytes() == expected[False][:limit]


def test_a_spill_file_the_disk_fills_midway_sends_the_rest_through_the_pipes(
        batch: Path, tmp_path: Path, expected: dict[bool, bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    """A checking process whose spill file can take no more (its object written, its trailer not) sends
    that object and every later one as it did before spill files: nothing is lost or repeated."""
    real = check.write_all
    taken = [0]

    def filling(fd: int, parts: Any) -> None:
        if taken[0] >= 2:
            real(fd, parts[:1])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        taken[0] += 1
        real(fd, parts)

    monkeypatch.setattr(check, "write_all", filling)     # the pool's processes are forked with it
    monkeypatch.setattr(report, "_COPY_FROM", 1)
    assert _report(batch, tmp_path / "report.json") == expected[False]


def test_a_copy_that_copies_nothing_is_read_instead_and_a_short_spill_file_is_an_error(
        batch: Path, tmp_path: Path, expected: dict[bool, bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    """A call that copies nothing (a file system that says 0) is not taken for the end of the spill file:
    the stretch is read; a spill file that really ends early (cut by someone) is an error, not a report
    with a hole."""
    monkeypatch.setattr(report, "_COPY_FROM", 1)
    monkeypatch.setattr(os, "copy_file_range", lambda *args: 0, raising=False)
    monkeypatch.setattr(os, "sendfile", lambda *args: 0, raising=False)
    assert _report(batch, tmp_path / "report.json") == expected[False]
    monkeypatch.undo()
    monkeypatch.setattr(report, "_COPY_FROM", 1)
    spool = report.ReportSpool(by_status=False)
    try:
        for rendered in render_paths([batch], report.json_bytes, jobs=2, spill=spool.spill_folder,
                                     trailer=spool.trailer):
            spool.add(rendered)
        for spilled in Path(spool.spill_folder()).iterdir():
            os.truncate(spilled, spilled.stat().st_size // 2)
        with (tmp_path / "short.json").open("wb") as fh, pytest.raises(OSError, match="不完整"):
            report.write_json(spool, superseded(spool.forms, None), fh)
    finally:
        spool.close()


def test_a_checking_process_writes_its_spill_file_once_a_chunk_of_work_not_once_a_text(
        batch: Path, tmp_path: Path, expected: dict[bool, bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    """A system call a text cost each checking process a tenth of its time in the kernel: the texts of a
    chunk are written together, before the chunk's results (which say where they are) are sent."""
    log = os.open(tmp_path / "writes.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    real = check.write_all

    def logged(fd: int, parts: Any) -> None:
        os.write(log, b"%d\n" % len(parts))
        real(fd, parts)

    monkeypatch.setattr(check, "write_all", logged)     # the pool's processes are forked with it
    monkeypatch.setattr(report, "_COPY_FROM", 1)
    # two chunks, as a round's are tens of returns each (this batch is so small that they would be one or two)
    monkeypatch.setattr(check, "guided_chunks", lambda files, jobs, most: [files[:len(files) // 2],
                                                                           files[len(files) // 2:]])
    try:
        assert _report(batch, tmp_path / "report.json") == expected[False]
    finally:
        os.close(log)
    writes = [int(n) for n in (tmp_path / "writes.log").read_text().split()]
    objects = len(json.loads(expected[False]))
    # each text and its trailer (the duplicates too: rendered again with their XF902 in the main process)
    assert sum(writes) // 2 == objects and len(writes) <= 2
