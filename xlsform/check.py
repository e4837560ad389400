"""Check returns: reader + rule families -> one FileResult per file, for one file or a whole batch.

Returns are untrusted and a batch holds hundreds of them: nothing a single file does may stop the batch, so
every file gets a result, and a failure inside the checker itself becomes a finding (XF901) on that file.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from xlsform import forkpool, ownfiles, prefill
from xlsform.checks import completeness, run_all
from xlsform.checks.context import CheckContext
from xlsform.chunks import guided_chunks
from xlsform.codes import make
from xlsform.errors import XlsformError
from xlsform.fsutil import resolved, write_all
from xlsform.layout import layout_for
from xlsform.reader import read_file, walk_names
from xlsform.results import STALE_CODES, FileResult
from xlsform.spec import EXCEL_TEXT_LIMIT, Spec, register, spec_by_id

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

R = TypeVar("R", "FileResult", "Rendered")   # what a batch yields: results, or results rendered for a report

PROGRESS_MIN = 50
WORKER_DIED = "检查进程意外退出（文件可能过大、损坏或含异常内容）"


def check_file(path: str | Path, *, manifest: Any = None, annotate: str | Path | None = None,
               force: bool = False, specs: Sequence[Spec] = ()) -> FileResult:
    """Read and check one file; never raises for a bad file. With `annotate`, also write the marked-up copy.

    `specs`: a region's own specs (`--spec FILE`), known by id besides the built-ins. They are registered
    here, in whichever process reads the file, so worker processes know them whatever the start method.
    """
    for spec in specs:
        register(spec)
    try:
        result, read = _check(Path(path), manifest)
    except Exception as e:  # a checker bug must cost one file, not the batch
        return FileResult(file=str(path), findings=[make("XF901", file=str(path), value=f"{type(e).__name__}: {e}")])
    if annotate is not None and result.record is not None and getattr(read.workbook, "imported", False):
        # a copy in our layout would not have the cells the findings name: the unit corrects its own file
        for one in (result, *result.more):
            one.findings.append(make("XF179", file=one.file))
    elif annotate is not None and result.record is not None and read.layout is not None:
        _annotate(result, read, manifest, Path(annotate), force)
    return result


def _annotate(result: FileResult, read: Any, manifest: Any, out_dir: Path, force: bool) -> None:
    from xlsform.annotate import NoName, annotate_result

    copy = prefill.from_meta(getattr(read.workbook, "meta", None) or {})
    copy = {} if copy is prefill.BROKEN else copy
    # another round's form, or the one a re-issue replaced, stays that form in its copy: locked as it was
    # sent, and known again as stale when it comes back (never this round's prefill over its figures)
    entry = None if result.stale else _entry(manifest, result)
    try:
        written = annotate_result(_cut(result), read.layout, out_dir, entry=entry, force=force,
                                  prefilled=copy, password=getattr(manifest, "password", None) or None)
    except NoName as e:   # the report matters more than the copy: say why, per file, and go on
        result.findings.append(make("XF920", file=result.file, value=str(e)))
    except (OSError, XlsformError) as e:  # a full disk costs this copy, not the batch or the findings
        result.findings.append(make("XF903", file=result.file, value=str(e)))
    else:
        result.annotated = str(written)


def _cut(result: FileResult) -> FileResult:
    """The result with texts Excel cannot hold cut to its limit, so the copy is written and its XF222 comment
    tells the unit, instead of the copy failing as if the disk were full."""
    long = {f.key for f in result.findings if f.code == "XF222" and f.key}
    if not long or result.record is None:
        return result
    values = {k: v[:EXCEL_TEXT_LIMIT] if k in long and isinstance(v, str) else v
              for k, v in result.record.values.items()}
    return dataclasses.replace(result, record=dataclasses.replace(result.record, values=values))


def _check(path: Path, manifest: Any) -> tuple[FileResult, Any]:
    read = read_file(path)
    result = _check_read(path, read, manifest)
    result.more = [_check_read(path, more, manifest) for more in read.more]
    return result, read


def _check_read(path: Path, read: Any, manifest: Any) -> FileResult:
    result = FileResult(file=str(read.file), sha256=read.sha256, mtime=read.mtime, record=read.record,
                        findings=list(read.findings))
    if read.workbook is not None:
        result.own = ownfiles.kind_of(path, read.workbook.meta, read.workbook.properties,
                                      read.record.values if read.record else None, _computed(read.layout))
    if read.record is None:
        return result
    spec = read.layout.spec if read.layout is not None else spec_by_id(read.record.spec_id)
    if spec is None:
        result.findings.append(make("XF150", file=result.file, value=read.record.spec_id))
        return result
    ctx = CheckContext(record=read.record, spec=spec, layout=read.layout or layout_for(spec), file=result.file,
                       workbook=read.workbook, manifest=manifest, entry=None, prior=list(result.findings),
                       recomputed=True)  # the reader's contract: computed fields are recomputed
    ctx.entry = _entry(manifest, result)
    found = run_all(ctx)
    stale = [f for f in found if f.code in STALE_CODES]
    if stale:   # another round's form, or one a re-issue replaced: to be filled again on the right form, so
        found = stale   # its own figures are not judged (as `serve` refuses it outright)
    elif completeness.is_blank(ctx):   # the file's own problems (tampering, sheets, the office's text) still count
        found = [f for f in found if f.code.startswith("XF1") or f.code in completeness.AS_SENT] \
            + [make("XF304", file=result.file)]
    result.findings.extend(found)
    return result


def _computed(layout: Any) -> frozenset[str]:
    return frozenset(p.key for p in layout.computed()) if layout is not None else frozenset()


def _entry(manifest: Any, result: FileResult) -> Any:
    code = result.record.code if result.record else None
    if manifest is None or code is None:
        return None
    try:
        return manifest.unit(code)
    except (KeyError, LookupError):
        return None


# ------------------------------------------------------------------------------------------ batches

def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, directories walked as the reader walks them; a missing path means we cannot run.

    Nothing is left out by its name: a corrected `_校验.xlsx` copy sent back is a return. Our own outputs are
    recognised by their content once read (`check_paths`).
    """
    return list(map(Path, _expanded(paths)))


def _expanded(paths: Iterable[str | Path]) -> list[str]:
    """expand_paths, each file as the text of its path (a batch keeps its files as text, `_prepare`)."""
    out: list[str] = []
    for p in map(Path, paths):
        if not p.exists():
            raise XlsformError(f"找不到文件或目录：{p}（no such file or directory）")
        if p.is_dir():
            out.extend(walk_names(p))
        else:
            out.append(str(p))
    # a file named and also inside a folder named (a late return added by hand) is one return, not two
    first: dict[str, str] = {}
    folders: dict[str, tuple[str, frozenset[str] | None]] = {}
    for f in out:
        first.setdefault(_real(f, folders), f)
    return list(first.values())


def _real(file: str, folders: dict[str, tuple[str, frozenset[str] | None]]) -> str:
    """str(resolved(file)), with each folder resolved and listed once: a file that is no link is its real
    folder's entry, and which names of a folder are links its listing says (no system call a file, for every
    file of a round)."""
    folder, name = os.path.split(file)
    known = folders.get(folder)
    if known is None:
        known = folders[folder] = (str(resolved(folder or ".")), _links(folder or "."))
    real, links = known
    if os.path.islink(file) if links is None else name in links:
        return str(resolved(file))
    return os.path.join(real, name)


def _links(folder: str) -> frozenset[str] | None:
    """The names in a folder that are symbolic links; None when it cannot be listed (each file is then asked)."""
    try:
        with os.scandir(folder) as entries:
            return frozenset(e.name for e in entries if e.is_symlink())
    except OSError:
        return None


def check_paths(paths: Iterable[str | Path], *, manifest: Any = None, jobs: int = 1, progress: bool = False,
                annotate: str | Path | None = None, force: bool = False, specs: Sequence[Spec] = (),
                skipped: list[FileResult] | None = None, exclude: Iterable[Path] = (),
                each: Callable[[FileResult], FileResult] | None = None) -> Iterator[FileResult]:
    """One result per file, in input order; `jobs` > 1 checks in that many processes.

    A file found in a folder that is one of our own outputs (an annotated copy whose values are as written,
    a summary) is no return: it goes to `skipped` instead. A file named on the command line is always checked.
    `exclude`: files not to read at all (the outputs this very run is about to write). `each`: applied to every
    result where it is made (in its worker), e.g. `merge.collect`, which keeps only what a summary needs.
    """
    files, named, one = _prepare(paths, manifest, annotate, force, specs, exclude)
    if each is not None:
        one = partial(_then, each, one)
    results = _run(one, files, jobs, _as_is)
    if progress and (len(files) > PROGRESS_MIN or sys.stderr.isatty()):
        results = _with_progress(results, len(files))
    yield from _mark_duplicates(_returns_only(_each_form(results), named, skipped), _marked)


@dataclass(eq=False)   # never compared: no __eq__ compiled at every start
class Rendered:
    """One form's result as a report needs it, made in the process that checked the file: its status, counts,
    the unit it names, what became of its annotated copy, and the result rendered (`text`, bytes to write as
    they are). Sent back instead of the result itself, a batch's main process converts and encodes nothing.
    `more`: the other forms of a workbook holding several (hand-made, one unit a sheet); `form`: the place of
    this one among them."""

    file: str
    sha256: str | None
    mtime: float | None
    own: str | None
    readable: bool
    code: str | None
    name: str | None
    status: str
    errors: int
    warnings: int
    annotated: str | None
    copy_note: str | None      # why no annotated copy was written (XF920, XF903), when so
    text: bytes
    form: int = 0
    more: tuple[Rendered, ...] = ()
    stale: bool = False        # FileResult.stale: never its unit's current return beside a current form
    blank: bool = False        # FileResult.blank: returned as sent, nothing filled
    # where a checking process wrote `text` instead of sending it (its spill file, offset, length): `text` is
    # then empty, and the main process reads the bytes back only to write the report
    at: tuple[str, int, int] | None = None

    @classmethod
    def of(cls, result: FileResult, render: Callable[[FileResult], bytes], form: int = 0,
           nested: bool = True, spill: str | None = None, trailer: bytes = b"") -> Rendered:
        """`spill`: the batch's spill folder, when made in a checking process of a pool (`_spill`), where
        the text is written followed by `trailer`."""
        rec = result.record
        note = next((f.message for f in result.findings if f.code in ("XF920", "XF903")), None)
        t = result.tally()
        made = cls(result.file, result.sha256, result.mtime, result.own, rec is not None,
                   rec.code if rec is not None else None, rec.name if rec is not None else None, t.status,
                   t.errors, t.warnings, result.annotated, note, render(result), form, (), t.stale, t.blank)
        if spill is not None:   # before its other forms: spilled in the order the report has them
            _spill(made, spill, trailer)
        if nested and result.more:
            made.more = tuple(cls.of(m, render, i, False, spill, trailer) for i, m in enumerate(result.more, 1))
        return made


def render_paths(paths: Iterable[str | Path], render: Callable[[FileResult], bytes], *, manifest: Any = None,
                 jobs: int = 1, progress: bool = False, annotate: str | Path | None = None, force: bool = False,
                 specs: Sequence[Spec] = (), skipped: list[Rendered] | None = None,
                 exclude: Iterable[Path] = (), spill: Callable[[], str] | None = None,
                 trailer: bytes = b"") -> Iterator[Rendered]:
    """`check_paths` for a report: each result rendered by `render` (a module-level function, so that worker
    processes can run it) where it was checked. Memory stays flat however many files: nothing is kept.

    `spill`: gives a private folder where checking processes write the rendered texts themselves (`Rendered.at`)
    instead of sending them through the pool's pipes to be copied again by the main process, which has the
    two processes' results to take in on the same two cores (called only when a pool is started); each text
    there is followed by `trailer` (ReportSpool.trailer)."""
    files, named, one = _prepare(paths, manifest, annotate, force, specs, exclude)
    finish = partial(Rendered.of, render=render)
    folder = spill() if spill is not None and _pooled(jobs, files) else None
    in_pool = finish if folder is None else partial(Rendered.of, render=render, spill=folder, trailer=trailer)
    results = _shared_names(_run(partial(_checked_and_rendered, one=one, finish=in_pool), files, jobs, finish),
                            files)
    if progress and (len(files) > PROGRESS_MIN or sys.stderr.isatty()):
        results = _with_progress(results, len(files))
    again = partial(_marked_again, one=one, render=render)
    yield from _mark_duplicates(_returns_only(_each_form(results), named, skipped), again)


Checker = Callable[[str], FileResult]


def _shared_names(results: Iterable[Rendered], files: Sequence[str]) -> Iterator[Rendered]:
    """Each result naming its file with the batch's own text of the name (one result a file, in order), not
    the copy a checking process sent back: a report keeps every form's name to its end, and two copies of
    each cost a round of 50,000 returns 5 MB more."""
    for rendered, file in zip(results, files, strict=True):
        if rendered.file == file:
            rendered.file = file
            for more in rendered.more:
                more.file = file
        yield rendered


def _prepare(paths: Iterable[str | Path], manifest: Any, annotate: str | Path | None, force: bool,
             specs: Sequence[Spec], exclude: Iterable[Path]) -> tuple[list[str], set[Path], Checker]:
    paths = list(paths)
    left_out = {resolved(p) for p in exclude}
    # the batch's files as text: a Path object costs a round of 50,000 returns 20 MB more, for nothing
    files = _expanded(paths)
    if left_out:   # resolving costs a system call a folder of the path: only for a file of such a name
        names = {p.name for p in left_out}
        files = [f for f in files if os.path.basename(f) not in names or resolved(f) not in left_out]
    named = {Path(p) for p in paths}   # resolved only for the rare result that is one of our own files
    one: Checker = partial(check_file, manifest=manifest, annotate=annotate, force=force, specs=tuple(specs))
    return files, named, one


def _each_form(results: Iterable[R]) -> Iterator[R]:
    """Every form of a workbook that holds several (hand-made, one unit a sheet) as a result of its own."""
    for r in results:
        yield r
        yield from r.more


def _as_is(result: FileResult) -> FileResult:
    return result


def _checked_and_rendered(path: str, *, one: Checker, finish: Callable[[FileResult], Rendered]) -> Rendered:
    return finish(one(path))


class _Spill:
    """A checking process's spill file in the batch's spill folder: where its rendered texts go. They are
    held and written together (`flush`: at the end of each chunk of work, before its results are sent, or
    when HELD bytes are held), not a system call a text."""

    HELD = 1 << 20

    def __init__(self, folder: str) -> None:
        self.fd, self.path = tempfile.mkstemp(dir=folder, suffix=".part")   # unique even if a pid is reused
        self.size = 0           # written and held
        self.held: list[bytes] = []
        self.waiting: list[tuple[Rendered, bytes]] = []     # the results whose texts are held, and the texts
        self.bytes_held = 0

    def add(self, rendered: Rendered, trailer: bytes) -> None:
        """The text of `rendered` to the spill file (`trailer` after it): sent as where it is from now on."""
        text = rendered.text
        rendered.at, rendered.text = (self.path, self.size, len(text)), b""
        self.held += (text, trailer)
        self.waiting.append((rendered, text))
        self.size += len(text) + len(trailer)
        self.bytes_held += len(text) + len(trailer)
        if self.bytes_held >= self.HELD:
            self.flush()

    def flush(self) -> None:
        """Writes what is held; when it cannot (a full disk), the results whose texts were held carry them
        again, to go through the pipe as before, and OSError says so."""
        held, waiting = self.held, self.waiting
        self.held, self.waiting, self.bytes_held = [], [], 0
        try:
            write_all(self.fd, held)
        except OSError:
            for rendered, text in waiting:
                rendered.at, rendered.text = None, text
            raise


# In a checking process: the spill folder -> its spill file there (None: writing to it failed)
_SPILLS: dict[str, _Spill | None] = {}


def _spill(rendered: Rendered, folder: str, trailer: bytes) -> None:
    """`rendered`'s text to this process's spill file (Rendered.at), unless it cannot be written there (a
    full disk costs the saving, not the report: the text goes through the pipe as before)."""
    try:
        if folder not in _SPILLS:
            _SPILLS[folder] = _Spill(folder)
        spill = _SPILLS[folder]
        if spill is not None:
            spill.add(rendered, trailer)
    except OSError:
        _SPILLS[folder] = None


def _flush_spills() -> None:
    """Every text held for a spill file written, before the results that say where it is are sent."""
    for folder, spill in _SPILLS.items():
        if spill is not None:
            try:
                spill.flush()
            except OSError:
                _SPILLS[folder] = None


def _marked(result: FileResult, first: str) -> FileResult:
    result.findings.append(make("XF902", file=result.file, value=first))
    return result


def _marked_again(rendered: Rendered, first: str, *, one: Checker,
                  render: Callable[[FileResult], bytes]) -> Rendered:
    """A rendered duplicate is checked again here (duplicates are rare) to be rendered with its XF902."""
    full = one(rendered.file)
    form = [full, *full.more][rendered.form]
    return Rendered.of(_marked(form, first), render, rendered.form, nested=False)


def _then(each: Callable[[FileResult], FileResult], one: Checker, path: str) -> FileResult:
    result = one(path)
    done = each(result)
    done.more = [each(m) for m in result.more]     # every form of a hand-made workbook, each as it arrives
    return done


def _returns_only(results: Iterable[R], named: set[Path], skipped: list[R] | None) -> Iterator[R]:
    for r in results:
        if r.own is not None and not _named(Path(r.file), named):
            if skipped is not None:
                skipped.append(r)
            continue
        yield r


def _named(file: Path, named: set[Path]) -> bool:
    """Whether a file was named on the command line itself (not found inside a folder named there)."""
    return file in named or resolved(file) in {resolved(p) for p in named if p.is_file()}


# A worker gets the function to run (with the batch's manifest bound in) once, through the pool's
# initializer: sent with every task, a manifest of thousands of units cost more to pickle than the checks.
_WORK: list[Callable[[str], Any]] = []


def _init_worker(one: Callable[[str], Any], parent: int) -> None:
    """`parent`: the command's process id, taken before the fork (asked here, it would already be the
    system's if the command were killed while this process started)."""
    _WORK[:] = [one]
    _end_with(parent)


def _end_with(parent: int) -> None:
    """A checking process ends when the command that started it is gone. Killed outright (SIGKILL, the system
    out of memory), the command cannot stop its pool, and its checking processes would wait for work forever,
    each holding its memory: they hold the other end of their own task pipe, so they never see it close."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="xlsform-parent-watch", daemon=True).start()


def _in_worker(paths: Sequence[str]) -> list[Any]:
    return _chunk_of(_WORK[0], paths)


def _chunk_of(one: Callable[[str], Any], paths: Sequence[str]) -> list[Any]:
    """A checking process's chunk of work: each file's result, sent once the texts they spilled are written."""
    done = [one(path) for path in paths]
    _flush_spills()
    return done


def _pool(jobs: int, one: Callable[[str], Any]) -> ProcessPoolExecutor:
    from concurrent.futures import ProcessPoolExecutor  # only for a batch: a single file starts no pool

    return ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(one, os.getpid()))


def _pooled(jobs: int, files: Sequence[str]) -> bool:
    """Whether a batch is checked in a pool of processes (`_run`)."""
    return jobs > 1 and len(files) > 1


def _run(one: Callable[[str], R], files: Sequence[str], jobs: int,
         finish: Callable[[FileResult], R]) -> Iterator[R]:
    if not _pooled(jobs, files):
        yield from map(one, files)
        return
    jobs = min(jobs, len(files), os.cpu_count() or 1)
    # Chunks amortise the round trips of tasks and results; a few in flight per process keep every process
    # busy while the results not yet taken stay few, however many files (Executor.map submits them all).
    chunks = guided_chunks(files, jobs, 64)
    if forkpool.AVAILABLE:
        for chunk, results in zip(chunks, forkpool.ordered(partial(_chunk_of, one), chunks, jobs), strict=True):
            # a process that died (killed for memory, a crash in a C library) costs only the file that does it
            yield from results if results is not None else _isolated(one, chunk, finish)
        return
    from concurrent.futures.process import BrokenProcessPool

    done = 0
    try:
        with _pool(jobs, one) as pool:
            pending: deque[Any] = deque()
            for chunk in chunks:
                pending.append(pool.submit(_in_worker, chunk))
                if len(pending) > 4 * jobs:
                    for result in pending.popleft().result():
                        done += 1
                        yield result
            while pending:
                for result in pending.popleft().result():
                    done += 1
                    yield result
    except BrokenProcessPool:
        # A worker died (killed for memory, a crash in a C library): find the file that does it, one per
        # process, so it gets a finding and every other file still gets its result.
        yield from _isolated(one, files[done:], finish)


def _isolated(one: Callable[[str], R], files: Sequence[str], finish: Callable[[FileResult], R]) -> Iterator[R]:
    """Each file in a process of its own: the one that ends its process gets XF901, every other its result."""
    if forkpool.AVAILABLE:
        for f in files:
            [alone] = forkpool.ordered(partial(_chunk_of, one), [[f]], 1)
            yield alone[0] if alone is not None else _died(f, finish)
        return
    from concurrent.futures.process import BrokenProcessPool

    for f in files:
        try:
            with _pool(1, one) as pool:
                yield pool.submit(_in_worker, [f]).result()[0]
        except BrokenProcessPool:
            yield _died(f, finish)


def _died(file: str, finish: Callable[[FileResult], R]) -> R:
    """The result of a file whose checking process died on it: XF901, and nothing read."""
    return finish(FileResult(file=str(file), findings=[make("XF901", file=str(file), value=WORKER_DIED)]))


def _with_progress(results: Iterator[R], total: int) -> Iterator[R]:
    import click

    with click.progressbar(length=total, label="检查中", file=sys.stderr) as bar:
        for r in results:
            bar.update(1)
            yield r


def _mark_duplicates(results: Iterable[R], mark: Callable[[R, str], R]) -> Iterator[R]:
    """The same bytes sent twice (re-sent by mail, copied to two folders) are reported on the later copy."""
    seen: dict[str, str] = {}
    for r in results:
        if r.sha256 and r.sha256 in seen and seen[r.sha256] != r.file:   # not a sheet of the same workbook
            r = mark(r, seen[r.sha256])
        elif r.sha256:
            seen[r.sha256] = r.file
        yield r
