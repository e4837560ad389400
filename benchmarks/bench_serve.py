"""Benchmark: `xlsform serve` on loopback — upload-to-answer latency, the dashboard of 5,000 units, memory.

    python benchmarks/bench_serve.py                  # all three, in a temporary folder
    python benchmarks/bench_serve.py --uploads 300 --clients 10
    python benchmarks/bench_serve.py --against /old/venv/bin/python    # latency only: this and the code before

1. Latency: 10 clients — 10 units, each uploading one file after another — upload returns (each a different
   file) as fast as they get answers, asking for JSON;
   the time from sending an upload to having its whole JSON answer, p50 / p95 / max (target p95 ≤ 60 ms on 2 cores);
   beside it, quiet anchors taken in the same run (one client alone, one check of the file in-process, a
   trivial request at the same concurrency), so that a run on a loaded machine still says something;
   then the same with the checks in the server's own threads (`--check-processes 0 --threads 8`, how it
   was before), for a ratio taken in one run. `--latency-only` stops there.
2. Memory: 200 uploads from 50 clients; the peak resident set (VmHWM) of the server and of its checking
   processes, summed (target < 300 MB).
3. Long history: one unit with 6,001 uploads of 70 KB answers; its page and the office's unit page, 4 times
   each; the server's peak memory (it held 417-468 MB when the pages loaded every submission).
4. Dashboard: a round of 5,000 units, 3,000 of them with a return in the store; GET /admin/ after login,
   20 times, median / p95 / max (target ≤ 300 ms).
5. The same round: a unit uploads, one file after another, while the office downloads the summary of the
   3,000 returns (built in a checking process); then the same with the checks in the server's threads.
Everything runs against a real `xlsform serve` process on 127.0.0.1 and an ephemeral port.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import io
import json
import os
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.units_round import build_units  # noqa: E402
from tests.helpers_serve import PASSWORD, Server, build_round, post_file, read_links  # noqa: E402
from xlsform.store import Store, store_path  # noqa: E402


def variant(data: bytes, n: int) -> bytes:
    buf = io.BytesIO(data)
    with zipfile.ZipFile(buf, "a") as z:
        z.comment = f"upload {n}".encode()
    return buf.getvalue()


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def children(pid: int) -> list[int]:
    """The server's checking processes."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def memory_text(pid: int) -> str:
    """The whole service's peak resident memory: the server and its checking processes, each at its peak."""
    kids = [peak_rss_mb(k) for k in children(pid)]
    own = peak_rss_mb(pid)
    return f"peak RSS {own + sum(kids):.0f} MB (server {own:.0f} MB + {len(kids)} checking processes " \
           f"{' + '.join(f'{k:.0f}' for k in kids) or '0'} MB)"


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def uploads(server: Server, manifest: Path, returns: dict[str, Path], count: int, clients: int) -> list[float]:
    """`clients` units upload `count` returns in all, each unit one after another (a unit's link holds one
    checking process at a time, as a real unit's office uploads one file at a time), as fast as answers
    come; each upload's time from sending it to having its whole JSON answer."""
    urls = read_links(manifest.parent)
    codes = list(returns)[:clients]
    assert len(codes) == clients, f"{clients} clients need {clients} units"

    def client(k: int) -> list[float]:
        url = f"{server.url}/u/{urls[codes[k]].split('/u/')[1]}"
        data = returns[codes[k]].read_bytes()
        times = []
        for i in range(k, count, clients):
            body = variant(data, i)
            start = time.perf_counter()
            status, _ = post_file(url, body)
            times.append(time.perf_counter() - start)
            assert status == 200, status
        return times

    with ThreadPoolExecutor(clients) as pool:
        return [t for times in pool.map(client, range(clients)) for t in times]


def serving(against: str | None) -> dict[str, Any]:
    """Server arguments that run the xlsform `against` (a Python with the code before installed) imports,
    from a folder of no checkout; else this checkout's."""
    if against is None:
        return {}
    return {"command": [against, "-m", "xlsform"], "cwd": Path(tempfile.gettempdir())}


def units_round(root: Path, count: int, against: str | None = None) -> tuple[Path, dict[str, Path]]:
    """`count` units with a return each (benchmarks/units_round.py), written by the xlsform under test."""
    if against is None:
        return build_units(root, count)
    import subprocess

    subprocess.run([against, str(ROOT / "benchmarks" / "units_round.py"), str(root), str(count)], check=True,
                   cwd=tempfile.gettempdir())
    return root / "sent" / "manifest.json", {p.stem: p for p in sorted((root / "returns").glob("*.xlsx"))}


def quiet_check_ms(manifest: Path, path: Path, times: int = 20) -> float:
    """The anchor the machine's load cannot inflate much: one check of the same return in this process (the
    work a checking process does per upload), the fastest of `times`, in ms."""
    from xlsform.check import check_file
    from xlsform.manifest import Manifest

    m = Manifest.load(manifest)
    took = []
    for _ in range(times):
        start = time.perf_counter()
        check_file(path, manifest=m)
        took.append(time.perf_counter() - start)
    return min(took) * 1000


def trivial_p95(server: Server, count: int, clients: int) -> float:
    """The p95 of a request with next to no work (the favicon) from `clients` clients at once, in seconds: what
    the machine's load alone adds to any answer at this concurrency."""
    def client(k: int) -> list[float]:
        times = []
        for _ in range(k, count, clients):
            start = time.perf_counter()
            with urllib.request.urlopen(server.url + "/favicon.ico") as res:
                res.read()
            times.append(time.perf_counter() - start)
        return times

    with ThreadPoolExecutor(clients) as pool:
        return pct([t for times in pool.map(client, range(clients)) for t in times], 95)


def latency(root: Path, count: int, clients: int, *args: str, against: str | None = None) -> float:
    """The p95 in seconds, printed beside the quiet anchors taken in the same run: one upload at a time (no
    queueing: the floor of one upload's answer), one check of the same file in this process, and a trivial
    request at the same concurrency. On a loaded machine the ratios are what can be compared."""
    manifest, returns = units_round(root / f"latency{len(args)}{'-against' if against else ''}", max(clients, 2),
                                    against)
    with Server(manifest, *args, **serving(against)) as server:
        uploads(server, manifest, returns, 20, 2)                 # warm up
        alone = uploads(server, manifest, returns, 40, 1)
        times = uploads(server, manifest, returns, count, clients)
        trivial = trivial_p95(server, count, clients)
        how = " ".join(args) or "defaults"
        code = f"{against}'s xlsform (the code before)" if against else "this checkout"
        check = quiet_check_ms(manifest, next(iter(returns.values())))
        p95 = pct(times, 95)
        print(f"upload -> JSON answer, {code}, {how}, {count} uploads, {clients} clients: "
              f"p50 {pct(times, 50) * 1000:.0f} ms, "
              f"p95 {p95 * 1000:.0f} ms, max {max(times) * 1000:.0f} ms; {memory_text(server.proc.pid)}\n"
              f"  anchors in the same run: one client alone p50 {pct(alone, 50) * 1000:.1f} ms (p95 = "
              f"{p95 / pct(alone, 50):.1f}x); one check of the file in-process {check:.1f} ms (p95 = "
              f"{p95 * 1000 / check:.0f}x); a trivial request, {clients} clients, p95 {trivial * 1000:.1f} ms; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
        return p95


def memory(root: Path) -> None:
    manifest, returns = build_units(root / "memory", 50)
    with Server(manifest, "--threads", "16") as server:
        start = time.perf_counter()
        uploads(server, manifest, returns, 200, 50)
        took = time.perf_counter() - start
        print(f"load test, 200 uploads from 50 clients: {took:.1f} s; {memory_text(server.proc.pid)}")


def big_round(root: Path, units: int, returned: int) -> Path:
    """The test round's manifest grown to `units` units, `returned` of them with a return in the store."""
    rnd = build_round(root / "dashboard")
    manifest = json.loads(rnd.manifest.read_text(encoding="utf-8"))
    template = manifest["units"][0]
    manifest["units"] = [{**template, "code": f"4301{k:05d}", "name": f"测试单位{k:04d}"} for k in range(units)]
    rnd.manifest.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    with Store(store_path(rnd.manifest)) as store:
        store.sync_units((u["code"], u["name"]) for u in manifest["units"])
        with rnd.returns["clean"].open("rb") as fh:
            sha, size = store.put_file(fh)
        answer = json.dumps({"findings": []})
        for k in range(returned):
            state = ("ok", "warnings", "errors")[k % 3]
            store.add_submission(f"4301{k:05d}", "自评表.xlsx", size, sha, state, k % 3 == 2, k % 3 == 1, answer)
    return rnd.manifest


def admin(server: Server) -> urllib.request.OpenerDirector:
    """A logged-in office session."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(server.url + "/admin/login").read().decode()
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token
    form = urllib.parse.urlencode({"csrf": token.group(1), "password": PASSWORD}).encode()
    opener.open(server.url + "/admin/login", data=form).read()
    return opener


def during_summary(root: Path, units: int, returned: int, *args: str) -> None:
    """Units upload while the office downloads the summary of `returned` returns (each upload is checked;
    these are refused as another unit's workbook, which costs the same check)."""
    manifest = big_round(root / f"summary{len(args)}", units, returned)
    clean = (manifest.parent.parent / "returns" / "clean.xlsx").read_bytes()
    with Server(manifest, *args) as server:
        office = admin(server)
        url = next(iter(read_links(manifest.parent).values()))
        url = server.url + "/u/" + url.split("/u/")[1]
        took: list[float] = []

        def summary() -> None:
            start = time.perf_counter()
            office.open(server.url + "/admin/summary.xlsx", timeout=600).read()
            took.append(time.perf_counter() - start)

        thread = threading.Thread(target=summary)
        thread.start()
        times = []
        while thread.is_alive() or not times:
            start = time.perf_counter()
            post_file(url, variant(clean, len(times)))
            times.append(time.perf_counter() - start)
        thread.join()
        how = " ".join(args) or "defaults"
        print(f"uploads while the summary of {returned} returns is built ({how}): summary {took[0]:.1f} s; "
              f"{len(times)} uploads one after another, p50 {pct(times, 50) * 1000:.0f} ms, "
              f"p95 {pct(times, 95) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms")


def dashboard(root: Path, units: int, returned: int) -> None:
    manifest = big_round(root, units, returned)
    with Server(manifest) as server:
        opener = admin(server)
        times = []
        for _ in range(20):
            start = time.perf_counter()
            body = opener.open(server.url + "/admin/").read()
            times.append(time.perf_counter() - start)
        assert body.count(b"<tr>") >= min(units, 500)
        print(f"dashboard of {units} units ({returned} returned, {len(body) // 1024} KB page), 20 loads: "
              f"median {statistics.median(times) * 1000:.0f} ms, p95 {pct(times, 95) * 1000:.0f} ms, "
              f"max {max(times) * 1000:.0f} ms")


def long_history(root: Path, uploads: int = 6001) -> None:
    """One unit with `uploads` submissions in the store, each with a 70 KB answer (issue 16.9: the pages used
    to load every one of them): the unit's page and the office's unit page, 4 times each, and the server's
    peak memory."""
    rnd = build_round(root / "history")
    with Store(store_path(rnd.manifest)) as store:
        store.sync_units([("430112001", "单位")])
        with rnd.returns["clean"].open("rb") as fh:
            sha, size = store.put_file(fh)
        answer = json.dumps({"findings": [{"severity": "info", "code": "XF201", "message": "x" * 340}] * 200})
        for _ in range(uploads):
            store.add_submission("430112001", "自评表.xlsx", size, sha, "ok", 0, 0, answer)
    with Server(rnd.manifest) as server:
        office = admin(server)
        unit = server.url + "/u/" + read_links(rnd.folder)["430112001"].split("/u/")[1]
        sizes, times = [], []
        for _ in range(4):
            for url, opener in ((unit, urllib.request.build_opener()), (server.url + "/admin/unit/430112001", office)):
                start = time.perf_counter()
                sizes.append(len(opener.open(url).read()))
                times.append(time.perf_counter() - start)
        print(f"a unit with {uploads} uploads ({len(answer) // 1024} KB answer each): pages "
              f"{min(sizes) // 1024}-{max(sizes) // 1024} KB, slowest {max(times) * 1000:.0f} ms; "
              f"{memory_text(server.proc.pid)}")


def compare(root: Path, count: int, clients: int, against: str, rounds: int) -> None:
    """The upload latency of this checkout and of another (`--against`, the code before), interleaved so
    that both meet the machine's load alike; the ratio of their p95s."""
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    ours, theirs = [], []
    for n in range(rounds):
        ours.append(latency(root / f"ours{n}", count, clients))
        theirs.append(latency(root / f"theirs{n}", count, clients, against=against))
    ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
    print(f"p95 this checkout / {against}: median {statistics.median(ratios):.2f} "
          f"(each round {', '.join(f'{r:.2f}' for r in ratios)}); p95 here {statistics.median(ours) * 1000:.0f} ms, "
          f"there {statistics.median(theirs) * 1000:.0f} ms")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--uploads", type=int, default=300)
    ap.add_argument("--clients", type=int, default=10)
    ap.add_argument("--units", type=int, default=5000)
    ap.add_argument("--against", metavar="PYTHON",
                    help="only the upload latency, of this checkout and of the xlsform PYTHON has installed (the "
                         "code before, with its serve extra), interleaved, with the ratio")
    ap.add_argument("--rounds", type=int, default=3, help="with --against: rounds of the two, interleaved")
    ap.add_argument("--latency-only", action="store_true", help="only the upload latency (1.), with its anchors")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        if args.against:
            compare(Path(tmp), args.uploads, args.clients, args.against, args.rounds)
            return
        latency(Path(tmp), args.uploads, args.clients)
        # the same run with the checks in the server's threads (the design before the checking processes)
        latency(Path(tmp), args.uploads, args.clients, "--check-processes", "0", "--threads", "8")
        if args.latency_only:
            return
        memory(Path(tmp))
        long_history(Path(tmp))
        dashboard(Path(tmp), args.units, args.units * 3 // 5)
        during_summary(Path(tmp), args.units, args.units * 3 // 5)
        during_summary(Path(tmp), args.units, args.units * 3 // 5, "--check-processes", "0", "--threads", "8")


if __name__ == "__main__":
    threading.stack_size(0)
    main()
