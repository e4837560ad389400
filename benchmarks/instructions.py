"""Instructions a return costs `check --json`, stage by stage (callgrind: the machine's load does not move it).

    python benchmarks/instructions.py [--n 200] [--dir /tmp/xlsform-speed] [--stages read,check,json] [--own]

Wall-clock times on this shared machine drift by up to 40%; an instruction count does not, so a change to the
reader or the rules is measured here, before and after, and the whole-process ratio in `bench_speed.py`.
The returns are `bench_speed.py`'s (1,000 filled Wangcheng forms, written once into --dir; `--own`: the set
whose texts are each unit's own, so that no cache keyed on a text is shared between returns). In one process,
after a warm-up of 20 returns through the whole path (caches filled as in a worker that has checked a few),
each stage runs over the first --n returns under `valgrind --tool=callgrind`; the start-up (imports, warm-up)
is a run of 0 returns, subtracted. Stages, each including the ones before it:

  read    reader.read_file: the zip, the form and meta sheets, the record (what calamine's read is to us)
  check   check.check_file: read + every rule family
  json    report.json_bytes(check_file(...)): the file's part of `check --json`, as a worker renders it
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
STAGES = ("read", "check", "json")
WARM = 20


def _inner(stage: str, folder: str, n: int) -> None:
    """The measured process: warm up, then run `stage` over the first n returns."""
    from xlsform import report
    from xlsform.check import check_file
    from xlsform.reader import read_file

    whole = lambda f: report.json_bytes(check_file(f))  # noqa: E731
    run = {"read": read_file, "check": check_file, "json": whole}[stage]
    files = sorted(str(p) for p in Path(folder).glob("*.xlsx"))
    for f in files[-WARM:]:    # the whole path whatever the stage, so the subtracted start-up is the same
        whole(f)
    # a full collection (tens of millions of instructions over the start-up's objects) falls wherever the
    # allocation count says: frozen, a change elsewhere cannot move one into or out of the measured stage
    gc.freeze()
    for f in files[:n]:
        run(f)


def _count(stage: str, folder: Path, n: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp, "cg.out")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONHASHSEED"] = "0"     # hash randomisation moves counts by a few percent from run to run
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
                        __file__, "--inner", stage, "--dir", str(folder), "--n", str(n)],
                       check=True, capture_output=True, env=env)
        summary = re.search(rb"^summary:\s+(\d+)", out.read_bytes(), re.M)
        assert summary is not None, "callgrind wrote no summary"
        return int(summary.group(1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "xlsform-speed")
    ap.add_argument("--stages", default=",".join(STAGES))
    ap.add_argument("--own", action="store_true", help="the returns whose texts are each unit's own")
    ap.add_argument("--inner", choices=STAGES, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.inner:
        _inner(args.inner, str(args.dir), args.n)
        return 0
    sys.path.insert(0, str(BENCH))
    from bench_speed import make_returns  # type: ignore[import-not-found]

    folder = make_returns(args.dir, 1000, 2, own=args.own)
    # bytecode written first: a run that compiles the library would count that too (right after an edit)
    subprocess.run([sys.executable, "-c", "import xlsform.cli, xlsform.check, xlsform.report"], check=True,
                   env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"})
    base = _count("json", folder, 0)
    print(f"start-up and warm-up: {base / 1e6:.1f} M instructions; then per return, over {args.n}:")
    before = 0.0
    for stage in args.stages.split(","):
        per = (_count(stage, folder, args.n) - base) / args.n / 1e6
        extra = f"  (+{per - before:.2f} M)" if before else ""
        print(f"  {stage:6s} {per:6.2f} M{extra}")
        before = per
    return 0


if __name__ == "__main__":
    sys.exit(main())
