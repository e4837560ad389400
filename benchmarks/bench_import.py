"""Benchmark importing hand-made forms (read by their labels) against reading our own forms, and a merge of
1,000 hand-made returns.

    python benchmarks/bench_import.py [--n 1000] [--jobs 2] [--repeat 3] [--dir DIR]

Hand-made returns are the .xlsx layouts of the corpus (tests/legacy/make_legacy.py: ten layouts, 1-2 forms a
workbook), each written again with its own unit name and figures (every file different, as a round's are);
our own returns are bench_check.py's. Both are written once into DIR and reused. In one run, in turn:
  - own:      `read_file` on N returns of our own forms, 1 process;
  - imported: `read_file` on N hand-made returns, 1 process (every form of a workbook, as check reads them);
the ratio of CPU per file is what issue 17 bounds (at most 5x). Then `xlsform merge` of the N hand-made
returns without a roster (read + check with J processes, assign by name, summary written), in a fresh child
process, wall time: at most 30 s for 1,000 on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LEGACY = ROOT / "tests" / "legacy"
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(LEGACY))
from bench_check import best_interleaved, make_returns, print_table  # noqa: E402 - the shared generator and timers


def _layouts() -> list[tuple[str, Any, str, str]]:
    """(name, builder, writer, name cell "Sheet!B3") of every corpus fixture that is an .xlsx."""
    import make_legacy

    out = []
    for name, (file, fn, writer) in make_legacy.FIXTURES.items():
        if not file.endswith(".xlsx"):
            continue
        expected = json.loads((LEGACY / "expected" / file.replace(".xlsx", ".json")).read_text(encoding="utf-8"))
        form = expected["forms"][0]
        out.append((name, fn, writer.partition("+")[0], f"{form['sheet']}!{form['cells'].get('name', '')}"))
    return out


def _write_handmade(args: tuple[int, str]) -> None:
    import book

    i, folder = args
    layouts = _layouts()
    name, fn, writer, name_cell = layouts[i % len(layouts)]
    desc = fn()
    rnd = random.Random(i)
    sheet_name, _, cell = name_cell.partition("!")
    for sheet in desc.sheets:
        for put in sheet.cells.values():
            if isinstance(put.value, int | float) and not isinstance(put.value, bool) and put.value > 20:
                put.value = round(put.value * rnd.uniform(0.6, 1.2), 2)      # amounts vary; weights do not
        if sheet.name == sheet_name and cell:
            put = sheet.cells.get(book.rc(cell))
            if put is not None:
                put.value = f"{put.value}（第{i:05d}号）"
    write = book.write_openpyxl if writer == "openpyxl" else book.write_xlsxwriter
    write(desc, Path(folder, f"{i:05d}_{name}.xlsx"))


def make_handmade(folder: Path, n: int, jobs: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    names = [name for name, *_ in _layouts()]
    files = [folder / f"{i:05d}_{names[i % len(names)]}.xlsx" for i in range(n)]
    for stale in set(folder.glob("*.xlsx")) - set(files):     # of another --n or another set of layouts
        stale.unlink()
    todo = [(i, str(folder)) for i, f in enumerate(files) if not f.exists()]
    if todo:
        print(f"writing {len(todo)} hand-made returns to {folder} ...", file=sys.stderr)
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(_write_handmade, todo, chunksize=25))
    return files


def read_all(files: list[Path]) -> int:
    from xlsform.reader import read_file

    forms = 0
    for f in files:
        r = read_file(f)
        forms += (r.record is not None) + len(r.more)
    return forms


def merge_step(folder: Path, out: Path, jobs: int) -> dict[str, Any]:
    """What `xlsform merge FOLDER -o OUT --jobs J` does without a roster, timed."""
    t0 = time.perf_counter()
    from xlsform.check import check_paths
    from xlsform.fsutil import atomic_output
    from xlsform.merge import build_summary
    from xlsform.status import assign
    from xlsform.writer.summary import write_summary

    results = list(check_paths([folder], jobs=jobs))
    t1 = time.perf_counter()
    a = assign(results)
    summary = build_summary(a)
    with atomic_output(out, force=True) as fh:
        write_summary(fh, summary)
    t2 = time.perf_counter()
    return {"forms": len(results), "read": sum(r.record is not None for r in results), "units": len(summary.rows),
            "read_check_s": t1 - t0, "summary_s": t2 - t1, "total_s": t2 - t0}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "xlsform-bench-handmade")
    ap.add_argument("--merge-only", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.merge_only:
        print(json.dumps(merge_step(args.merge_only, args.dir / "summary.xlsx", args.jobs)))
        return 0
    own = make_returns(Path(tempfile.gettempdir()) / "xlsform-bench-returns", args.n, args.jobs)
    handmade = make_handmade(args.dir / "returns", args.n, args.jobs)
    read_all(own[:5])
    read_all(handmade[:20])      # imports, specs and vocabularies are paid once per process
    best = best_interleaved({"own": lambda: read_all(own), "imported": lambda: read_all(handmade)}, args.repeat)
    n = args.n
    print(f"{n} returns each; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; best of "
          f"{args.repeat}, taken in turn")
    print_table([("read_file, own forms", best["own"][0], best["own"][1]),
                 (f"read_file, hand-made ({best['imported'][2]} forms)", best["imported"][0], best["imported"][1])],
                n)
    print(f"ratio (cpu per file): imported / own = {best['imported'][1] / best['own'][1]:.2f} (at most 5)")
    cmd = [sys.executable, __file__, "--merge-only", str(args.dir / "returns"), "--dir", str(args.dir),
           "--jobs", str(args.jobs)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - start
    f = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"merge of {n} hand-made returns ({f['forms']} forms, {f['units']} units), {args.jobs} jobs: "
          f"read + check {f['read_check_s']:.2f} s, summary {f['summary_s']:.2f} s, "
          f"child process {wall:.2f} s wall (at most 30)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
