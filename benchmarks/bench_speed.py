"""Whole-process speed of xlsform against its floors, in one run: every figure of the README's performance table.

    python benchmarks/bench_speed.py                      # 5 alternating runs of each pair, 1,000 units
    python benchmarks/bench_speed.py --runs 7 --memory 5000,50000 --dir /tmp/xlsform-speed

Each job is a fresh process, as a clerk runs it, timed beside its anchor; the two alternate run by run, so a
ratio compares runs made within seconds of each other (this machine is shared and its speed drifts):

  generate 1,000    `xlsform generate roster.csv --indicators indicators.csv -o OUT -j 2` (10 indicators a unit)
                    against `copy_floor.py`: the form of the first unit copied 1,000 times with each unit's
                    values patched into the three parts that differ, written and hashed the same way
  check 1,000       `xlsform check --json RETURNS -j 2 > file` and the text report, against
                    `calamine_read.py`: python-calamine reading every sheet of the same files in one process
  start-up          `xlsform --help` and `xlsform check ONE.xlsx`, against `python -c pass`
  memory            peak resident memory of `check --json` (and of the text report) over 5,000 and 50,000
                    returns of each set (the seed set, and every unit's own texts): the largest process,
                    and the whole process tree sampled every 20 ms

Inputs are built once into --dir and reused: a roster of --units units with 10 indicators each, and filled
returns (the Wangcheng form, seed 000's rows, amounts and scores varied, about 5% with an error); `check --json`
also on returns whose texts are each unit's own (`own_texts`), so that no cache keyed on a text is shared.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
PY = sys.executable
XLSFORM = [PY, "-m", "xlsform"]
INDICATORS = 10
# Every process runs as on a clerk's machine: with its bytecode cached (an installed package has it; a
# PYTHONDONTWRITEBYTECODE inherited from a development shell would make each run compile the library again).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


# ------------------------------------------------------------------------------------------ inputs

def make_roster(folder: Path, n: int) -> tuple[Path, Path]:
    """A roster of n units (Wangcheng columns) and 10 indicators a unit, every unit's texts its own."""
    from xlsform.spec import load_spec

    roster, indicators = folder / f"roster-{n}.csv", folder / f"indicators-{n}.csv"
    if roster.exists() and indicators.exists():
        return roster, indicators
    tree = load_spec("wangcheng").tree
    pairs = [(l1, l2) for l1, l2s in tree.items() for l2 in l2s]
    rnd = random.Random(n)
    with roster.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["code", "name", "year", "fund.fiscal.budget", "fund.fiscal.transfer", "fund.total.budget",
                    "fund.total.transfer", "fund.total.weight", "goal.overview", "goal.target"])
        for k in range(n):
            budget = rnd.randint(5_000, 500_000) / 100
            w.writerow([f"4301{k:05d}", f"测试单位{k:04d}", 2024, budget, 0, budget, 0, 10,
                        f"第{k}号单位的主要职能：负责本系统的公务接待、会务组织和后勤保障。" * 3,
                        f"一、加强自身建设（{k}）。二、严格制度管理。三、提升服务水平。" * 2])
    with indicators.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["code", "level1", "level2", "level3", "content", "target", "weight"])
        for k in range(n):
            for i in range(INDICATORS):
                l1, l2 = pairs[(k + i) % len(pairs)]
                w.writerow([f"4301{k:05d}", l1, l2, f"指标{i + 1}（单位{k}）", f"按期完成第{i + 1}项工作任务",
                            f"≥{80 + (k + i) % 20}%", 9])
    return roster, indicators


# Words that make each unit's texts its own (no digits: the rules read numbers out of the texts, and a
# unit's figures are varied apart); 32 x 32 pairs, one per unit of a round of 1,024.
_PLACES = "城东城西城南城北河东河西江北江南湖滨山前岭后新区老城高新临港滨江开发园区北郊南郊东郊西郊上游下游" \
    "中心外围"
_ORGANS = "教育卫健交通水利农业林业文旅商务民政人社住建城管环保统计审计信访司法应急市场医保退役税务科技工信"
OWN_TEXTS = ("level3", "content", "actual", "reason", "improvement")


def own_texts(values: dict[str, Any], k: int) -> dict[str, Any]:
    """A return whose free texts are its unit's own (a suffix naming the unit's place and office on every
    indicator's name, content, result, reason and improvement, and on the goals), so that nothing keyed on a
    text is shared between the returns of a round, as between real units' returns."""
    place, organ = _PLACES[2 * (k % 32): 2 * (k % 32) + 2], _ORGANS[2 * (k // 32 % 32): 2 * (k // 32 % 32) + 2]
    suffix = f"（{place}{organ}）"
    out = dict(values)
    for key, v in values.items():
        if isinstance(v, str) and v and (key.startswith("goal.") or key == "execution.reason"
                                         or (key.startswith("ind.") and key.rsplit(".", 1)[1] in OWN_TEXTS)):
            out[key] = v + suffix
    return out


def _write_returns(chunk: list[tuple[int, str, bool]]) -> None:
    from bench_merge import split, unit_values  # type: ignore[import-not-found]

    from xlsform.layout import Layout
    from xlsform.spec import load_spec
    from xlsform.writer.form import FormBatch

    layout, batch = Layout(load_spec("wangcheng")), FormBatch()
    for k, path, own in chunk:
        values = unit_values(k, random.Random(k))
        values = own_texts(values, k) if own else values
        prefill = split(values, layout, "prefill")
        data = batch.form_bytes(layout, {**prefill, **split(values, layout, "input")}, password="bench",
                                locked=list(prefill), meta={"generated_at": "2024-03-01T00:00:00Z"})
        Path(path).write_bytes(data)


def make_returns(folder: Path, n: int, jobs: int, *, own: bool = False) -> Path:
    """n filled returns, as units send them back (written once, reused); `own`: each unit's texts its own."""
    out = folder / (f"returns-own-{n}" if own else f"returns-{n}")
    done = out / ".complete"
    if done.exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    work = [(k, str(out / f"4301{k:05d}.xlsx"), own) for k in range(n)]
    chunks = [work[i:i + 200] for i in range(0, n, 200)]
    print(f"writing {n} returns into {out} ...", file=sys.stderr)
    sys.path.insert(0, str(BENCH))
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(_write_returns, chunks))
    done.touch()
    return out


# ------------------------------------------------------------------------------------------ measuring

@dataclass
class Run:
    wall: float
    peak_main_mb: float       # the process's own high-water mark (VmHWM, sampled; its pages only)
    peak_tree_mb: float       # the process and its workers, resident memory summed, sampled every 20 ms
    peak_pss_mb: float        # the same with each page shared between them counted once (Pss), sampled


def _tree(pid: int) -> list[int]:
    """A process and all its descendants (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
                parents.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry.name))
            except (OSError, ValueError, IndexError):
                pass
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo += parents.get(p, [])
    return found


def _status_kb(pid: int, field: str, part: str = "status") -> int:
    try:
        for line in Path(f"/proc/{pid}/{part}").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def run(cmd: Sequence[str], *, stdout: Path | None = None, sample: bool = False) -> Run:
    """One whole process: wall time and peak memory. A failure (exit 2, or a crash) stops the benchmark;
    exit 1 is check's "some returns have errors" and counts as done."""
    out = stdout.open("wb") if stdout else subprocess.DEVNULL
    main_peak, tree_peak, pss_peak = [0], [0], [0]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, env=ENV)
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(0.02):
            main_peak[0] = max(main_peak[0], _status_kb(proc.pid, "VmHWM:"))
            tree = _tree(proc.pid)
            tree_peak[0] = max(tree_peak[0], sum(_status_kb(p, "VmRSS:") for p in tree))
            pss_peak[0] = max(pss_peak[0], sum(_status_kb(p, "Pss:", "smaps_rollup") for p in tree))

    watcher = threading.Thread(target=watch, daemon=True)
    if sample:
        watcher.start()
    err = proc.stderr.read() if proc.stderr else b""
    _, status, _ = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stop.set()
    if stdout:
        out.close()  # type: ignore[union-attr]
    if proc.returncode not in (0, 1):
        tail = err.decode("utf-8", "replace")[-2000:]
        raise SystemExit(f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n{tail}")
    return Run(wall, main_peak[0] / 1024, tree_peak[0] / 1024, pss_peak[0] / 1024)


@dataclass
class Pair:
    """A job and its anchor, run in turn; ratios are taken run by run."""

    name: str
    job: Callable[[], Run]
    anchor: Callable[[], Run]
    jobs: list[Run] = field(default_factory=list)
    anchors: list[Run] = field(default_factory=list)

    def measure(self, runs: int, before: Callable[[], None] = lambda: None) -> Pair:
        for _ in range(runs):
            before()
            self.jobs.append(self.job())
            before()
            self.anchors.append(self.anchor())
        return self

    def line(self, anchor_name: str) -> str:
        jobs, anchors = [r.wall for r in self.jobs], [r.wall for r in self.anchors]
        ratios = [j / a for j, a in zip(jobs, anchors, strict=True)]
        return (f"{self.name}: {min(jobs):.3f}–{max(jobs):.3f} s; "
                f"{anchor_name} {min(anchors):.3f}–{max(anchors):.3f} s; "
                f"ratio {min(ratios):.2f}–{max(ratios):.2f} (median {sorted(ratios)[len(ratios) // 2]:.2f})")


# ------------------------------------------------------------------------------------------ the jobs

def bench_generate(work: Path, n: int, runs: int, jobs: int) -> str:
    roster, indicators = make_roster(work, n)
    out, floor = work / "gen-out", work / "floor-out"
    template = work / f"template-{n}.xlsx"
    if not template.exists():
        one = work / "gen-first"
        shutil.rmtree(one, ignore_errors=True)
        run([*XLSFORM, "generate", str(roster), "--indicators", str(indicators), "-o", str(one), "--force", "-j", "1",
             "--password", "bench"])
        first = sorted((one / "forms").glob("*.xlsx"))[0]
        shutil.copy(first, template)

    def clean() -> None:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(floor, ignore_errors=True)

    pair = Pair(f"generate {n:,}",
                lambda: run([*XLSFORM, "generate", str(roster), "--indicators", str(indicators), "-o", str(out),
                             "-j", str(jobs), "--password", "bench"]),
                lambda: run([PY, str(BENCH / "copy_floor.py"), str(template), str(roster), str(indicators),
                             str(floor)]))
    line = pair.measure(runs, clean).line("copy floor")
    clean()
    return line


def bench_check(work: Path, n: int, runs: int, jobs: int) -> list[str]:
    lines = []
    for own in (False, True):
        returns = make_returns(work, n, jobs, own=own)
        out = work / "check-out.json"
        calamine = partial(run, [PY, str(BENCH / "calamine_read.py"), str(returns)])
        which = ", every unit's own texts" if own else ""
        as_json = Pair(f"check --json {n:,}{which}", partial(run, [*XLSFORM, "check", "--json", str(returns), "-j",
                                                                   str(jobs)], stdout=out), calamine).measure(runs)
        lines.append(as_json.line("calamine read"))
        print(lines[-1], flush=True)
        if not own:
            text = Pair(f"check (text report) {n:,}", partial(run, [*XLSFORM, "check", str(returns), "-j", str(jobs)],
                                                              stdout=out), calamine).measure(runs)
            lines.append(text.line("calamine read"))
            print(lines[-1], flush=True)
    return lines


def bench_startup(work: Path, runs: int) -> list[str]:
    returns = make_returns(work, 1000, 2)
    one = sorted(returns.glob("*.xlsx"))[0]
    bare = lambda: run([PY, "-c", "pass"])  # noqa: E731
    helps = Pair("xlsform --help", lambda: run([*XLSFORM, "--help"]), bare).measure(runs)
    checks = Pair("xlsform check one.xlsx", lambda: run([*XLSFORM, "check", str(one)]), bare).measure(runs)
    return [helps.line("python -c pass"), checks.line("python -c pass")]


def bench_memory(work: Path, sizes: Sequence[int], jobs: int) -> list[str]:
    """Peak memory over each size, on both sets of returns: the seed set's texts repeat from return to return,
    the own set's do not, so only the second shows what caches keyed on a text hold in a real round."""
    lines = []
    for n in sizes:
        for own in (False, True):
            returns = make_returns(work, n, jobs, own=own)
            out = work / "memory-out.json"
            texts = ", every unit's own texts" if own else ""
            for what, extra in (("check --json", ["--json"]), ("check (text report)", [])):
                r = run([*XLSFORM, "check", *extra, str(returns), "-j", str(jobs)], stdout=out, sample=True)
                lines.append(f"{what} {n:,} returns{texts}: {r.wall:.1f} s, peak {r.peak_main_mb:.0f} MB in the "
                             f"main process; all processes {r.peak_pss_mb:.0f} MB (Pss: shared pages once; resident "
                             f"sets summed {r.peak_tree_mb:.0f} MB); {out.stat().st_size / 1e6:.0f} MB of output")
                print(lines[-1], flush=True)
            out.unlink()
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5, help="runs of each job and of its anchor, in turn")
    ap.add_argument("--units", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--memory", default="5000,50000", help="numbers of returns for the memory runs ('' for none)")
    ap.add_argument("--only", choices=["generate", "check", "startup", "memory"], action="append")
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "xlsform-bench-speed")
    args = ap.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    only = set(args.only or ["generate", "check", "startup", "memory"])
    load = os.getloadavg()
    print(f"{os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at the start; "
          f"{args.runs} runs of each job and its anchor, in turn")
    lines: list[str] = []
    if "generate" in only:
        lines.append(bench_generate(args.dir, args.units, args.runs, args.jobs))
        print(lines[-1], flush=True)
    if "check" in only:
        lines.extend(bench_check(args.dir, args.units, args.runs, args.jobs))
    if "startup" in only:
        for line in bench_startup(args.dir, args.runs):
            lines.append(line)
            print(line, flush=True)
    if "memory" in only and args.memory:
        lines.extend(bench_memory(args.dir, [int(x) for x in args.memory.split(",")], args.jobs))
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
