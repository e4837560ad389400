"""Benchmark the reader (`read_file`) on 1,000 returns against python-calamine and openpyxl's load_workbook.

    python benchmarks/bench_read.py [--n 1000] [--jobs 2] [--openpyxl-sample 200] [--dir DIR]

Uses the same cached returns as bench_check.py (written once by the writer, every file different). In one run:
  - read_file:  the whole reader (safety checks, zip + XML, normalisation, recomputation -> Record), 1 process,
                and with J processes;
  - calamine:   `CalamineWorkbook.from_path(f).get_sheet_by_index(0).to_python()` for every file, 1 process;
  - openpyxl:   `openpyxl.load_workbook(f)` on a sample (it costs ~33 ms a file), scaled to N.
The check's budget (issue #3) is 2x calamine for read + every rule: the reader must leave room for the rules.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_check import make_returns, print_table, run_calamine, run_openpyxl, timed  # the shared generator


def read_all(files: list[Path]) -> int:
    from xlsform.reader import read_file

    return sum(read_file(f).record is not None for f in files)


def _read_chunk(files: list[Path]) -> int:
    return read_all(files)


def read_parallel(files: list[Path], jobs: int) -> int:
    """Only a count comes back from the workers: the benchmark measures reading, not pickling records."""
    size = max(1, len(files) // (jobs * 4))
    chunks = [files[i:i + size] for i in range(0, len(files), size)]
    with ProcessPoolExecutor(jobs) as pool:
        return sum(pool.map(_read_chunk, chunks))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--openpyxl-sample", type=int, default=200, help="files for openpyxl (0: all of them)")
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "xlsform-bench-returns")
    args = ap.parse_args()
    files = make_returns(args.dir, args.n, args.jobs)
    read_all(files[:5])   # imports and spec loading are paid once per process: keep them out of the timing
    n = len(files)
    sample = files[: args.openpyxl_sample or n]
    cal_wall, cal_cpu, _ = timed(lambda: run_calamine(files))
    one_wall, one_cpu, readable = timed(lambda: read_all(files))
    par_wall, par_cpu, _ = timed(lambda: read_parallel(files, args.jobs))
    opx_wall, opx_cpu, _ = timed(lambda: run_openpyxl(sample))
    scale = n / len(sample)
    print(f"{n} returns, {readable} readable; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    rows = [("read_file, 1 process", one_wall, one_cpu), (f"read_file, {args.jobs} jobs", par_wall, par_cpu),
            ("python-calamine read", cal_wall, cal_cpu),
            (f"openpyxl load_workbook{' (scaled)' if scale > 1 else ''}", opx_wall * scale, opx_cpu * scale)]
    print_table(rows, n)
    print(f"ratios (cpu, 1 process): read_file / calamine = {one_cpu / cal_cpu:.2f}; "
          f"openpyxl / read_file = {opx_cpu * scale / one_cpu:.1f}")
    print(f"ratios (wall): read_file {args.jobs} jobs / calamine 1 process = {par_wall / cal_wall:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
