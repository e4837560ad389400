"""Benchmark `xlsform check` on 1,000 returns against a plain python-calamine read and openpyxl's load_workbook.

    python benchmarks/bench_check.py [--n 1000] [--jobs 2] [--openpyxl-sample 200] [--dir DIR]

The returns are written once by the writer (distinct units, values varied so no two files are alike) into
DIR (default: a folder under the system temp dir, reused by later runs). Then, in the same run:
  - check:     `check_paths(files, jobs=J)`: read + every rule family, wall time;
  - calamine:  `CalamineWorkbook.from_path(f)` + the form sheet `to_python()` for every file, one process;
  - openpyxl:  `openpyxl.load_workbook(f)` on a sample (it costs ~33 ms a file), scaled to N.
Targets (issue #3): the whole check of 1,000 returns under 2 s wall on 2 cores, and at most 2x calamine.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "examples" / "seeds").glob("*.json"))


def _variant(i: int) -> tuple[str, dict[str, Any]]:
    """The i-th synthetic return: a seed with its own unit code and figures."""
    from xlsform.layout import Layout
    from xlsform.records import Record
    from xlsform.spec import load_spec

    record = Record.from_json(json.loads(SEEDS[i % len(SEEDS)].read_text(encoding="utf-8")))
    layout = Layout(load_spec(record.spec_id))
    rnd = random.Random(i)
    values = {k: v for k, v in record.values.items()
              if k in layout.places and layout.places[k].field.role != "computed"}
    values["code"] = f"{record.code}-{i:05d}"
    for key in [k for k in values if k.endswith(".spent")]:
        values[key] = round(float(values[key]) * rnd.uniform(0.5, 1.1), 2)
    for key in [k for k in values if k.endswith(".score") and k.startswith("ind.")]:
        values[key] = max(0.0, float(values[key]) - rnd.choice((0, 0, 0, 1, 2)))
    return record.spec_id, values


def _write(args: tuple[int, str]) -> None:
    from xlsform.layout import Layout
    from xlsform.spec import load_spec
    from xlsform.writer.form import form_bytes

    i, folder = args
    spec_id, values = _variant(i)
    layout = Layout(load_spec(spec_id))
    prefilled = [k for k in values if layout.places[k].field.role == "prefill"]
    Path(folder, f"{i:05d}.xlsx").write_bytes(form_bytes(layout, values, password="bench", locked=prefilled))


def make_returns(folder: Path, n: int, jobs: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    todo = [(i, str(folder)) for i in range(n) if not (folder / f"{i:05d}.xlsx").exists()]
    if todo:
        print(f"writing {len(todo)} returns to {folder} ...", file=sys.stderr)
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(_write, todo, chunksize=25))
    return [folder / f"{i:05d}.xlsx" for i in range(n)]


def time_check(files: list[Path], jobs: int) -> tuple[float, dict[str, int]]:
    from xlsform.check import check_paths

    t = time.perf_counter()
    results = list(check_paths(files, jobs=jobs))
    wall = time.perf_counter() - t
    statuses: dict[str, int] = {}
    for r in results:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    return wall, statuses


def time_calamine(files: list[Path]) -> float:
    from python_calamine import CalamineWorkbook

    t = time.perf_counter()
    for f in files:
        wb = CalamineWorkbook.from_path(str(f))
        wb.get_sheet_by_index(0).to_python()
    return time.perf_counter() - t


def time_openpyxl(files: list[Path]) -> float:
    import openpyxl

    t = time.perf_counter()
    for f in files:
        openpyxl.load_workbook(f).close()
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--openpyxl-sample", type=int, default=200, help="files for openpyxl (0: all of them)")
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "xlsform-bench-returns")
    args = ap.parse_args()
    files = make_returns(args.dir, args.n, args.jobs)
    cal = time_calamine(files)
    serial, statuses = time_check(files, 1)
    wall, _ = time_check(files, args.jobs)
    sample = files[: args.openpyxl_sample or len(files)]
    opx = time_openpyxl(sample) * len(files) / len(sample)
    n = len(files)
    print(f"{n} returns ({', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))})")
    print(f"check, {args.jobs} jobs:      {wall:6.2f} s wall  {wall / n * 1000:5.2f} ms/file   target < 2 s")
    print(f"check, 1 job:        {serial:6.2f} s       {serial / n * 1000:5.2f} ms/file")
    print(f"calamine read:       {cal:6.2f} s       {cal / n * 1000:5.2f} ms/file")
    print(f"openpyxl load:       {opx:6.2f} s       {opx / n * 1000:5.2f} ms/file"
          + (f"   (sample of {len(sample)}, scaled)" if len(sample) < n else ""))
    print(f"ratios: check {args.jobs} jobs / calamine = {wall / cal:.2f} (target <= 2), "
          f"check 1 job / calamine = {serial / cal:.2f}, openpyxl / check {args.jobs} jobs = {opx / wall:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
