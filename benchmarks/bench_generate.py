"""Generate N prefilled workbooks (default 1,000, ~10 indicators each) into a temporary directory; print the time.

Target (issue #2): 1,000 workbooks in under 8 s wall on a 2-core machine, using both cores.

    python benchmarks/bench_generate.py [--units 1000] [--jobs N] [--spec wangcheng]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from xlsform.generate import generate_units
from xlsform.roster import Unit
from xlsform.spec import Spec, load_spec

INDICATORS = 10


def make_units(spec: Spec, count: int) -> list[Unit]:
    """Units shaped like the seed forms: budget figures, goals, 10 indicators whose weights make 100."""
    level1, level2s = next(iter(spec.tree.items()))
    units = []
    for n in range(count):
        values: dict[str, object] = {
            "year": 2024, "code": f"43011{n:04d}", "name": f"测试单位{n:04d}",
            "fund.total.weight": 10, "goal.target": "一、加强自身建设。二、严格制度管理。" * 5,
        }
        for row in spec.fund_rows():
            values[f"fund.{row}.budget"] = 1000.0 + n
        for i in range(1, INDICATORS + 1):
            values.update({f"ind.{i}.level1": level1, f"ind.{i}.level2": level2s[i % len(level2s)],
                           f"ind.{i}.level3": f"指标{i}", f"ind.{i}.target": "≥95%", f"ind.{i}.weight": 9})
        layout_keys = {f.key for f in spec.scalar_fields()} | {f"ind.{i}.{f.key}" for i in range(1, 31)
                                                                 for f in spec.indicator_block.row}
        units.append(Unit(str(values["code"]), str(values["name"]),
                          {k: v for k, v in values.items() if k in layout_keys}))
    return units


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--spec", default="wangcheng")
    args = parser.parse_args()
    spec = load_spec(args.spec)
    units = make_units(spec, args.units)
    with tempfile.TemporaryDirectory() as tmp:
        start, cpu0 = time.perf_counter(), _cpu()
        generate_units(units, spec, Path(tmp) / "out", password="bench", jobs=args.jobs)
        wall, cpu = time.perf_counter() - start, _cpu() - cpu0
        size = sum(p.stat().st_size for p in (Path(tmp) / "out" / "forms").glob("*.xlsx"))
    print(f"{args.units} workbooks ({args.spec}, {INDICATORS} indicators each) with {args.jobs} jobs: "
          f"{wall:.2f} s wall, {wall / args.units * 1000:.1f} ms per workbook, {size / args.units / 1024:.1f} KB each; "
          f"{cpu:.2f} s CPU in all processes (load average {os.getloadavg()[0]:.1f})")


def _cpu() -> float:
    """CPU seconds of this process and its finished workers: on a shared machine wall time alone misleads."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    main()
