"""Mutation fuzzing of returns through everything a returned workbook reaches (issue 10).

    python -m benchmarks.fuzz [--n 100000] [--seconds S] [--seed 1] [--out fuzz-out] [--limit 2] [--xls 0.25]

Seeds are the example returns (examples/returns/*/*.xlsx). Each mutant changes one of them in one way: its zip
bytes, the text of an XML part, an attribute, a cell or string value, or a part's name, with values drawn from
what hostile files hold (lone surrogates, forbidden characters and references, negative or huge indexes, DDE
formulas, 40,000-character text, ...). A share (--xls) of the mutants start from the same returns saved as
.xls by LibreOffice (tests/data/xls): their file bytes changed (xls-bytes), one BIFF record's type, length or
fields overwritten in place inside the compound document (xls-record), or records repeated and the stream
put back into a new compound document (xls-grow). In this process, each goes through read_file, check_file, the text and
JSON reports, `read`'s CSV and JSON, and every --annotate-every'th one with a record through the annotated copy;
every --merge-every mutants are merged into a summary workbook and its CSV. Every output must encode as UTF-8.

An uncaught exception saves the mutant and its traceback to OUT (one file per distinct failure, every failing
mutant counted), and so is a file reported as an internal error (XF114, XF901): a bad file must be named as
bad, not as our fault. A mutant over --limit seconds is run again and, if still over, saved as a hang. The run ends
after --n mutants or --seconds, and prints mutants, rate, failures, hangs, the slowest mutant and peak memory;
the exit code is 1 when anything failed. A short seeded run is part of the test suite (tests/test_fuzz.py).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import random
import re
import resource
import signal
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "examples" / "returns").glob("*/*.xlsx"))
XLS_SEEDS = sorted((ROOT / "tests" / "data" / "xls").glob("*.xls"))
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# What hostile returns hold, as XML text (inserted raw, so entities and tags stay what they are).
HOSTILE = [
    "_xD83D_", "_xDE00_", "_xD83D__xDE00_", "_x0000_", "_x001B_[31m", "&#xD800;", "&#0;", "&#x1b;", "&#x110000;",
    "&#99999999999999999999;", "&#65;", "\x01", "\x1b", "\x00", "\uffff", "\ufffd", "&amp;", "&lt;", "&", "<", ">",
    '"', "'", "<!-- c -->", "<?pi x?>", "<![CDATA[<c r=\"A1\"><v>1</v></c>]]>",
    '<!DOCTYPE x [<!ENTITY a "b">]>', "&a;", "<c r=\"A1\"><v>-1</v></c>", "<c/>", "<row/>", "<si/>",
    "=cmd|' /C calc'!A0", '=HYPERLINK("http://x","y")', "-1", "1e309", "nan", "inf", "1_0", " 1 ", "",
    "99999999999999999999", "A1048577", "XFD1", "ZZZZ1", "0", "\u200b", "长" * 40000, "x" * 70000,
    "\r\n", "\t", "\\", "../../etc/passwd", "[1]Sheet1!$A$1", "'", "=1+1", "#REF!", "TRUE",
    # long text that does not compress away (a repeated one is refused whole as a bomb) in the shapes that make
    # regular expressions backtrack: a run of digits, digits between spaces, operators or units
    *(sep.join(random.Random(n).choices("0123456789", k=30_000 // (len(sep) + 1)))
      for n, sep in enumerate(("", " ", "≥", "月", ",", "%-"))),
]
INTERNAL = ("XF114", "XF901")
ATTR = re.compile(rb'( [\w:]+=")([^"]*)(")')
VALUE = re.compile(rb"(<(?:\w+:)?(?:v|t|f|definedName)(?:\s[^>]*)?>)([^<]*)(<)")


@dataclass
class Stats:
    mutants: int = 0
    failures: int = 0
    internal: int = 0           # XF114 / XF901: the reader or a check failed inside, on a file that is only bad
    hangs: int = 0
    readable: int = 0
    saved: set[str] = field(default_factory=set)
    slowest: tuple[float, str] = (0.0, "")
    by_kind: dict[str, int] = field(default_factory=dict)


class Hang(BaseException):
    """Raised by the timer when one mutant runs over the limit. A BaseException, so that no `except Exception`
    of the code under test (which turns any error of a bad file into a finding) can swallow it and run on."""


# ------------------------------------------------------------------------------------------- mutation

def members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]


def pack(parts: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, body in parts:
            z.writestr(name, body)
    return out.getvalue()


def hostile(rnd: random.Random) -> bytes:
    return rnd.choice(HOSTILE).encode("utf-8", "surrogatepass")


def _xml_part(parts: list[tuple[str, bytes]], rnd: random.Random) -> int:
    """An XML part, the form sheet, the shared strings and the workbook most often."""
    names = [n for n, _ in parts]
    likely = [i for i, n in enumerate(names) if n in ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml",
                                                     "xl/workbook.xml", "xl/worksheets/sheet3.xml")]
    return rnd.choice(likely) if likely and rnd.random() < 0.7 else rnd.randrange(len(parts))


def mutate_text(body: bytes, rnd: random.Random) -> bytes:
    """Insert, delete, duplicate or overwrite a random stretch of an XML part."""
    if not body:
        return hostile(rnd)
    i = rnd.randrange(len(body))
    j = min(len(body), i + rnd.choice((1, 2, 8, 64, 1024)))
    op = rnd.randrange(4)
    if op == 0:
        return body[:i] + hostile(rnd) + body[i:]
    if op == 1:
        return body[:i] + body[j:]
    if op == 2:
        return body[:j] + body[i:j] * rnd.choice((2, 10, 1000)) + body[j:]
    return body[:i] + bytes(rnd.randrange(256) for _ in range(j - i)) + body[j:]


def mutate_match(body: bytes, pattern: re.Pattern[bytes], rnd: random.Random) -> bytes:
    """Replace the middle group of one match (an attribute's or an element's value) with a hostile value."""
    found = list(pattern.finditer(body))
    if not found:
        return mutate_text(body, rnd)
    m = rnd.choice(found)
    return body[: m.start(2)] + hostile(rnd) + body[m.end(2):]


def mutate_names(parts: list[tuple[str, bytes]], rnd: random.Random) -> list[tuple[str, bytes]]:
    i = rnd.randrange(len(parts))
    name, body = parts[i]
    op = rnd.randrange(5)
    if op == 0:
        return parts[:i] + parts[i + 1:]                                   # a part dropped
    if op == 1:
        return [*parts, (name.upper() if name != name.upper() else name.lower(), body)]   # twins by case
    new = rnd.choice(["/" + name, "../" + name, name + "\x00x", name.replace("/", "\\"), name + "/",
                      name.replace(".xml", ".XML"), "xl/" + name])
    return [*parts[:i], (new, body), *parts[i + 1:]]


def mutate_zip(data: bytes, rnd: random.Random) -> bytes:
    b = bytearray(data)
    op = rnd.randrange(3)
    if op == 0:
        for _ in range(rnd.randrange(1, 9)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        return bytes(b)
    if op == 1:
        return bytes(b[: rnd.randrange(len(b))])
    at = rnd.randrange(len(b))
    return bytes(b[:at]) + bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 64))) + bytes(b[at:])


def mutant(seed: bytes, parts: list[tuple[str, bytes]], rnd: random.Random) -> tuple[str, bytes]:
    kind = rnd.choice(("zip", "text", "attribute", "value", "value", "name"))
    if kind == "zip":
        return kind, mutate_zip(seed, rnd)
    if kind == "name":
        return kind, pack(mutate_names(parts, rnd))
    i = _xml_part(parts, rnd)
    name, body = parts[i]
    body = mutate_text(body, rnd) if kind == "text" else \
        mutate_match(body, ATTR if kind == "attribute" else VALUE, rnd)
    return kind, pack([*parts[:i], (name, body), *parts[i + 1:]])


# ------------------------------------------------------------------------------------------- .xls

# Values a hostile BIFF field holds: zero, the largest 16- and 32-bit values, a high bit, a lone surrogate.
_XLS_FIELDS = (b"\x00\x00", b"\xff\xff", b"\xff\xff\xff\x7f", b"\x00\x80", b"\x00\xd8", b"\x01\x00")
# Record types: cells, strings, names, merged ranges, formats, sheets, BOF/EOF, FILEPASS, PROTECT, CONTINUE
_XLS_OPS = (0x0006, 0x00FD, 0x0203, 0x0204, 0x027E, 0x00BD, 0x00BE, 0x00FC, 0x0018, 0x00E5, 0x00E0, 0x041E,
            0x0085, 0x0809, 0x000A, 0x002F, 0x0012, 0x003C)


def xls_layout(data: bytes) -> tuple[bytes, list[int]]:
    """The Workbook stream and the file offset of each of its bytes (sectors need not be contiguous)."""
    from xlrd import compdoc

    doc = compdoc.CompDoc(data, logfile=io.StringIO())
    entry = next(d for d in doc.dirlist if d.name == "Workbook")
    offsets: list[int] = []
    sid = entry.first_SID
    while sid >= 0 and len(offsets) < entry.tot_size:
        offsets.extend(range(512 + sid * doc.sec_size, 512 + (sid + 1) * doc.sec_size))
        sid = doc.SAT[sid]
    offsets = offsets[: entry.tot_size]
    return bytes(data[o] for o in offsets), offsets


def _xls_records(stream: bytes) -> list[tuple[int, int, int]]:
    out, pos = [], 0
    while pos + 4 <= len(stream):
        op, size = int.from_bytes(stream[pos: pos + 2], "little"), int.from_bytes(stream[pos + 2: pos + 4], "little")
        out.append((pos, op, size))
        pos += 4 + size
    return out


def mutate_xls_record(data: bytes, layout: tuple[bytes, list[int]], rnd: random.Random) -> bytes:
    """One record's type, length or a field of its body overwritten, in place: the container stays valid."""
    stream, offsets = layout
    recs = _xls_records(stream)
    pos, _, size = rnd.choice(recs)
    choice = rnd.randrange(4)
    if choice == 0:
        at, new = pos, rnd.choice(_XLS_OPS).to_bytes(2, "little")
    elif choice == 1:
        at, new = pos + 2, rnd.choice((0, 1, 3, size // 2, size + 7, 0xFFFF)).to_bytes(2, "little")
    elif choice == 2 and size:
        at, new = pos + 4 + rnd.randrange(size), rnd.choice(_XLS_FIELDS)
    else:
        at, new = pos + 4 + (rnd.randrange(size) if size else 0), bytes(rnd.randrange(256) for _ in range(4))
    b = bytearray(data)
    for i, byte in enumerate(new):
        if at + i < len(offsets):
            b[offsets[at + i]] = byte
    return bytes(b)


def mutate_xls_grow(layout: tuple[bytes, list[int]], rnd: random.Random) -> bytes:
    """Records repeated (a cell, a name, a format, a merged range, ...) and the stream put in a new container:
    what a file built to exhaust the reader holds."""
    from tests.helpers_xls import ole

    stream = layout[0]
    pos, _, size = rnd.choice(_xls_records(stream))
    rec = stream[pos: pos + 4 + size]
    times = rnd.choice((2, 100, 5000, 60_000))
    grown = stream[:pos] + rec * min(times, max(1, 4_000_000 // max(len(rec), 1))) + stream[pos:]
    return ole(grown)


def xls_mutant(seed: bytes, layout: tuple[bytes, list[int]], rnd: random.Random) -> tuple[str, bytes]:
    kind = rnd.choice(("xls-bytes", "xls-record", "xls-record", "xls-grow"))
    if kind == "xls-bytes":
        return kind, mutate_zip(seed, rnd)
    if kind == "xls-record":
        return kind, mutate_xls_record(seed, layout, rnd)
    return kind, mutate_xls_grow(layout, rnd)


# ------------------------------------------------------------------------------------------- running

@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    # CPU seconds of this process (ITIMER_PROF), not wall time: a mutant is a hang for what it costs, and on a
    # machine shared with other jobs wall time stretched 2-4x and saved mutants that take 0.6 s of CPU
    def expire(signum: int, frame: Any) -> None:
        raise Hang(f"over {seconds} s of CPU")

    old = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, old)


def through_everything(path: Path, work: Path, annotate: bool) -> Any:
    """One file through read, check, the reports, read's outputs and (when asked) the annotated copy."""
    from xlsform.check import check_file
    from xlsform.cli.read import render
    from xlsform.reader import read_file
    from xlsform.report import format_json, format_text

    read = read_file(path)
    render([read], "json").encode("utf-8")
    render([read], "csv").encode("utf-8")
    result = check_file(path, annotate=work / "copies" if annotate else None, force=True)
    format_text([result]).encode("utf-8")
    format_json([result]).encode("utf-8")
    return result


def merge_all(results: list[Any]) -> None:
    """The batch as `merge` writes it: the summary workbook and its CSV tables."""
    from xlsform.merge import build_summary
    from xlsform.status import assign
    from xlsform.writer.summary import summary_tables, write_csv, write_summary

    summary = build_summary(assign(results))
    write_summary(io.BytesIO(), summary)
    for columns, rows in summary_tables(summary).values():
        write_csv(io.BytesIO(), columns, rows)


def save(out: Path, stats: Stats, data: bytes, what: str, error: BaseException) -> None:
    """Keep the input and its traceback, once per distinct failure (type and innermost frame)."""
    tb = traceback.extract_tb(error.__traceback__)
    where = f"{tb[-1].filename}:{tb[-1].lineno}" if tb else str(error)[:60]
    key = hashlib.sha1(f"{what}{type(error).__name__}{where}".encode()).hexdigest()[:12]
    if key in stats.saved:
        return
    stats.saved.add(key)
    out.mkdir(parents=True, exist_ok=True)
    suffix = ".xls" if data.startswith(OLE_MAGIC) else ".xlsx"
    (out / f"{what}-{key}{suffix}").write_bytes(data)
    text = "".join(traceback.format_exception(error))
    (out / f"{what}-{key}.txt").write_text(text, encoding="utf-8", errors="backslashreplace")
    print(f"{what}: {type(error).__name__}: {str(error)[:200]} -> {out / f'{what}-{key}{suffix}'}", file=sys.stderr)


def one(data: bytes, work: Path, annotate: bool, limit: float, stats: Stats, out: Path) -> Any:
    path = work / ("mutant.xls" if data.startswith(OLE_MAGIC) else "mutant.xlsx")
    path.write_bytes(data)
    for attempt in range(2):          # a mutant over the limit is tried again: the machine may be busy
        start = time.perf_counter()
        try:
            with time_limit(limit):
                result = through_everything(path, work, annotate)
        except Hang as e:
            if attempt:
                stats.hangs += 1
                save(out, stats, data, "hang", e)
            continue
        except Exception as e:
            stats.failures += 1
            save(out, stats, data, "crash", e)
            return None
        took = time.perf_counter() - start
        if took > stats.slowest[0]:
            stats.slowest = (took, hashlib.sha1(data).hexdigest()[:12])
        stats.readable += result.record is not None
        inner = next((f for f in result.findings if f.code in INTERNAL), None)
        if inner is not None:
            stats.internal += 1
            save(out, stats, data, inner.code, RuntimeError(inner.message))
        return result
    return None


def peak_mb() -> float:
    status = Path("/proc/self/status")
    m = re.search(r"VmHWM:\s+(\d+)", status.read_text()) if status.exists() else None
    kb = int(m.group(1)) if m else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024


def run(n: int, seconds: float, seed: int, out: Path, limit: float = 2.0, annotate_every: int = 10,
        merge_every: int = 50, progress: Callable[[Stats, float], None] | None = None,
        xls: float = 0.25) -> Stats:
    import warnings

    warnings.simplefilter("ignore")   # xlsxwriter warns about what it refuses; refusals are what we test
    rnd = random.Random(seed)
    seeds = [(s.read_bytes(), members(s.read_bytes())) for s in SEEDS]
    xls_seeds = [(s.read_bytes(), xls_layout(s.read_bytes())) for s in XLS_SEEDS] if xls else []
    stats = Stats()
    batch: list[tuple[bytes, Any]] = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="xlsform-fuzz-") as tmp:
        work = Path(tmp)
        while stats.mutants < n and time.perf_counter() - start < seconds:
            if xls_seeds and rnd.random() < xls:
                kind, body = xls_mutant(*rnd.choice(xls_seeds), rnd)
            else:
                kind, body = mutant(*rnd.choice(seeds), rnd)
            stats.mutants += 1
            stats.by_kind[kind] = stats.by_kind.get(kind, 0) + 1
            result = one(body, work, stats.mutants % annotate_every == 0, limit, stats, out)
            if result is not None:
                batch.append((body, result))
            if len(batch) >= merge_every:
                merge_batch(batch, stats, out)
                batch = []
            if progress and stats.mutants % 1000 == 0:
                progress(stats, time.perf_counter() - start)
        if batch:
            merge_batch(batch, stats, out)
    return stats


def merge_batch(batch: list[tuple[bytes, Any]], stats: Stats, out: Path) -> None:
    try:
        merge_all([r for _, r in batch])
    except Exception:
        for data, r in batch:          # find the mutant that breaks the merge
            try:
                merge_all([r])
            except Exception as e:
                stats.failures += 1
                save(out, stats, data, "merge", e)


def report(stats: Stats, elapsed: float) -> str:
    return (f"{stats.mutants} mutants in {elapsed:.0f} s ({stats.mutants / max(elapsed, 1e-9):.0f}/s); "
            f"uncaught exceptions {stats.failures}, internal errors (XF114/XF901) {stats.internal}, "
            f"hangs {stats.hangs}; read with a record {stats.readable}; slowest {stats.slowest[0]:.2f} s "
            f"({stats.slowest[1]}); peak memory {peak_mb():.0f} MB; by kind "
            + ", ".join(f"{k} {v}" for k, v in sorted(stats.by_kind.items())))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000, help="mutants to run")
    ap.add_argument("--seconds", type=float, default=float("inf"), help="stop after this long")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=Path("fuzz-out"), help="where failing inputs are saved")
    ap.add_argument("--limit", type=float, default=2.0, help="CPU seconds one mutant may take")
    ap.add_argument("--annotate-every", type=int, default=10)
    ap.add_argument("--merge-every", type=int, default=50)
    ap.add_argument("--xls", type=float, default=0.25, help="share of mutants made from .xls returns")
    args = ap.parse_args(argv)
    start = time.perf_counter()
    stats = run(args.n, args.seconds, args.seed, args.out, args.limit, args.annotate_every, args.merge_every,
                progress=lambda s, t: print(report(s, t), file=sys.stderr, flush=True), xls=args.xls)
    print(report(stats, time.perf_counter() - start))
    return 1 if stats.failures or stats.hangs or stats.internal else 0


if __name__ == "__main__":
    raise SystemExit(main())
