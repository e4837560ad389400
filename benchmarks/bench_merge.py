"""Benchmark: generate, fill and merge a round of returns; time the merge step.

    python benchmarks/bench_merge.py                 # 1,000 returns, 2 processes, in a temporary folder
    python benchmarks/bench_merge.py -n 200 --keep out/
    python benchmarks/bench_merge.py --round out/       # merge a kept round again

The round is realistic: `generate_units` writes the prefilled forms and manifest.json for a roster of
1,030 units, then 1,000 of them return their form filled in (the Wangcheng form with 10 indicators made from
seed 000's rows, budgets and scores varied; about 5% return a score above its weight, an error). Only the merge step
is timed — read + check every return, assign them to the roster, build the summary and write the workbook —
in a fresh child process, so the figures are those of a clerk's run. Peak memory is the largest resident set
of the main process and of any worker (resource.getrusage, ru_maxrss).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "seeds" / "000_wangcheng_reception.json"


# ------------------------------------------------------------------------------------ the round

# (seed row copied, weight): 产出 50, 效益 30, 满意度 10, with the fund's 10 a total of 100
INDICATOR_PLAN = ((1, 10), (2, 10), (4, 10), (1, 10), (2, 10), (5, 10), (6, 10), (8, 10), (9, 5), (9, 5))
MISSING_SHARE = 0.03     # units of the roster that send nothing back

def unit_values(k: int, rnd: random.Random) -> dict[str, Any]:
    """Seed 000 with this unit's identity, amounts and scores; a few units carry an error."""
    from xlsform.records import Record

    values = dict(Record.from_json(json.loads(SEED.read_text(encoding="utf-8"))).values)
    a = rnd.randint(5_000, 500_000) / 100
    values.update({"code": f"4301{k:05d}", "name": f"测试单位{k:04d}",
                   "fund.total.budget": a, "fund.fiscal.budget": a,
                   "fund.total.spent": round(a * rnd.uniform(0.5, 1.05), 2), "fund.total.transfer": 0})
    values["fund.fiscal.spent"] = values["fund.total.spent"]
    values["execution.reason"] = "受项目进度影响，部分资金结转下年使用。"
    # Ten indicators split 50/30/10 as the rules ask, each copied from one of the seed's filled rows.
    rows = {k: v for k, v in values.items() if k.startswith("ind.")}
    for k in rows:
        del values[k]
    for i, (source, weight) in enumerate(INDICATOR_PLAN, start=1):
        for k, v in rows.items():
            if k.startswith(f"ind.{source}."):
                values[f"ind.{i}.{k.split('.', 2)[2]}"] = v
        values[f"ind.{i}.weight"] = weight
        values[f"ind.{i}.score"] = round(weight * rnd.uniform(0.8, 1.0), 2)
        values[f"ind.{i}.reason"] = "部分工作受客观因素影响未完全达成。"
        values[f"ind.{i}.improvement"] = "加强过程管理，按季度跟踪。"
    if rnd.random() < 0.05:
        values["ind.1.score"] = float(values["ind.1.weight"]) + 5     # a score above its weight
    return values


def split(values: dict[str, Any], layout: Any, role: str) -> dict[str, Any]:
    return {k: v for k, v in values.items()
            if k in layout.places and layout.places[k].field.role == role and v not in (None, "")}


def write_returns(chunk: list[tuple[dict[str, Any], str]], password: str) -> None:
    """Fill in the forms as the units would (worker process): prefilled fields locked, inputs typed."""
    from xlsform.layout import Layout
    from xlsform.spec import load_spec
    from xlsform.writer import form_bytes

    layout = Layout(load_spec("wangcheng"))
    for values, path in chunk:
        prefill = split(values, layout, "prefill")
        data = form_bytes(layout, {**prefill, **split(values, layout, "input")}, password=password,
                          locked=list(prefill))
        Path(path).write_bytes(data)


def make_round(root: Path, n: int, jobs: int) -> tuple[Path, Path]:
    from xlsform.generate import generate_units
    from xlsform.layout import Layout
    from xlsform.roster import Unit
    from xlsform.spec import load_spec

    spec = load_spec("wangcheng")
    layout = Layout(spec)
    rnd = random.Random(2024)
    # n returns come back from a roster about 3% larger, as in a real round some units never answer
    roster = n + round(n * MISSING_SHARE)
    full = [unit_values(k, rnd) for k in range(roster)]
    units = [Unit(v["code"], v["name"], split(v, layout, "prefill")) for v in full]
    manifest = generate_units(units, spec, root / "sent", jobs=jobs)
    returns = root / "returns"
    returns.mkdir()
    silent = set(rnd.sample(range(roster), roster - n))
    work = [(v, str(returns / u.file)) for k, (v, u) in enumerate(zip(full, manifest.units, strict=True))
            if k not in silent]
    chunks = [work[i:i + 50] for i in range(0, len(work), 50)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(write_returns, chunks, [manifest.password] * len(chunks)))
    return root / "sent" / "manifest.json", returns


# --------------------------------------------------------------------------------- the merge step

def merge_step(returns: Path, manifest_path: Path, out: Path, jobs: int) -> dict[str, Any]:
    """What `xlsform merge returns/ -o out --manifest m --jobs N` does, timed phase by phase."""
    t0 = time.perf_counter()
    from xlsform.check import check_paths
    from xlsform.fsutil import atomic_output
    from xlsform.manifest import Manifest
    from xlsform.merge import build_summary
    from xlsform.status import RosterUnit, assign
    from xlsform.writer.summary import write_summary

    manifest = Manifest.load(manifest_path)
    t1 = time.perf_counter()
    results = list(check_paths([returns], manifest=manifest, jobs=jobs))
    t2 = time.perf_counter()
    a = assign(results, [RosterUnit(u.code, u.name, u.file) for u in manifest.units])
    summary = build_summary(a)
    t3 = time.perf_counter()
    with atomic_output(out, force=True) as fh:
        write_summary(fh, summary)
    t4 = time.perf_counter()
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "cpu_main_s": own.ru_utime + own.ru_stime, "cpu_workers_s": kids.ru_utime + kids.ru_stime,
        "files": len(results), "units": len(summary.rows), "indicator_rows": len(summary.indicators),
        "counts": a.counts(), "import_s": t1 - t0, "read_check_s": t2 - t1, "summary_s": t3 - t2,
        "write_s": t4 - t3, "total_s": t4 - t0, "output_bytes": out.stat().st_size,
        "maxrss_main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "maxrss_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def run_merge_child(returns: Path, manifest: Path, out: Path, jobs: int) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--merge-only", str(returns), "--manifest", str(manifest),
           "--out", str(out), "--jobs", str(jobs)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, check=True, capture_output=True, text=True)
    figures: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    figures["process_wall_s"] = time.perf_counter() - start
    return figures


def report(f: dict[str, Any]) -> None:
    print(f"merge step, {f['files']} returns of {f['units']} units ({f['indicator_rows']} indicator rows):")
    print(f"  read + check  {f['read_check_s']:.2f} s   ({f['files'] / f['read_check_s']:.0f} files/s)")
    print(f"  assign + rows {f['summary_s']:.2f} s")
    print(f"  write summary {f['write_s']:.2f} s   ({f['output_bytes'] / 1e6:.1f} MB)")
    print(f"  total         {f['total_s']:.2f} s   (child process wall incl. start-up "
          f"{f.get('process_wall_s', f['total_s']):.2f} s)")
    print(f"  CPU time      main {f['cpu_main_s']:.2f} s, workers {f['cpu_workers_s']:.2f} s "
          "(what an idle machine needs, whatever the load)")
    print(f"  peak memory   main {f['maxrss_main_mb']:.0f} MB, largest worker {f['maxrss_worker_mb']:.0f} MB")
    print(f"  states        {f['counts']}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-n", type=int, default=1000, help="returns in the round (default 1000; the roster is 3%% larger)")
    p.add_argument("--jobs", type=int, default=2, help="processes for generating, and for merging besides 1")
    p.add_argument("--keep", type=Path, help="build the round in this folder and keep it")
    p.add_argument("--repeat", type=int, default=3, help="merge runs per --jobs setting; the best is shown")
    p.add_argument("--round", type=Path, help="merge the round kept in this folder by --keep (no generating)")
    p.add_argument("--merge-only", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--manifest", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.merge_only:
        print(json.dumps(merge_step(args.merge_only, args.manifest, args.out, args.jobs)))
        return
    load = os.getloadavg()[0]
    print(f"load average {load:.1f} on {os.cpu_count()} cores" + ("  (busy: figures are inflated)" if load > 1 else ""))
    with tempfile.TemporaryDirectory(prefix="xlsform-bench-") as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        if args.round:
            manifest, returns = args.round / "sent" / "manifest.json", args.round / "returns"
        else:
            start = time.perf_counter()
            manifest, returns = make_round(root, args.n, args.jobs)
            print(f"generate + fill: {time.perf_counter() - start:.1f} s (not part of the merge step)")
        # Both ways, because on a shared machine a process pool can cost more than it saves; each the best
        # of --repeat runs taken in turn (a shared virtual machine's speed drifts by 20-40% over a minute).
        runs: dict[int, list[dict[str, Any]]] = {}
        for _ in range(args.repeat):
            for jobs in sorted({1, args.jobs}):
                runs.setdefault(jobs, []).append(run_merge_child(returns, manifest, root / f"汇总_{jobs}.xlsx", jobs))
        for jobs, figures in runs.items():
            seen = ", ".join(f"{f['total_s']:.2f}" for f in figures)
            print(f"\n--jobs {jobs}, best of {len(figures)} (totals seen: {seen} s)")
            report(min(figures, key=lambda f: f["total_s"]))


if __name__ == "__main__":
    main()
