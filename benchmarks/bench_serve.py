"""Benchmark: `xlsform serve` on loopback — upload-to-answer latency, the dashboard of 5,000 units, memory.

    python benchmarks/bench_serve.py                  # all three, in a temporary folder
    python benchmarks/bench_serve.py --uploads 300 --clients 10

1. Latency: 10 clients upload returns (each a different file) as fast as they get answers, asking for JSON;
   the time from sending an upload to having its whole JSON answer, p50 / p95 / max (target p95 ≤ 60 ms on 2 cores);
   then the same with the checks in the server's own threads (`--check-processes 0 --threads 8`, how it
   was before), for a ratio taken in one run.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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


def uploads(server: Server, folder: Path, returns: dict[str, Path], count: int, clients: int) -> list[float]:
    urls = read_links(folder)
    plan = [("430112001", "clean"), ("430112002", "warnings"), ("430112004", "invalid")]
    base = {name: returns[name].read_bytes() for _, name in plan}
    work = [(f"{server.url}/u/{urls[plan[i % 3][0]].split('/u/')[1]}", variant(base[plan[i % 3][1]], i))
            for i in range(count)]

    def one(job: tuple[str, bytes]) -> float:
        start = time.perf_counter()
        status, _ = post_file(*job)
        assert status == 200, status
        return time.perf_counter() - start

    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(one, work))


def latency(root: Path, count: int, clients: int, *args: str) -> None:
    rnd = build_round(root / f"latency{len(args)}")
    with Server(rnd.manifest, *args) as server:
        uploads(server, rnd.folder, rnd.returns, 20, 2)                 # warm up
        times = uploads(server, rnd.folder, rnd.returns, count, clients)
        how = " ".join(args) or "defaults"
        print(f"upload -> JSON answer ({how}), {count} uploads, {clients} clients: "
              f"p50 {pct(times, 50) * 1000:.0f} ms, "
              f"p95 {pct(times, 95) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms; "
              f"{memory_text(server.proc.pid)}")


def memory(root: Path) -> None:
    rnd = build_round(root / "memory")
    with Server(rnd.manifest, "--threads", "16") as server:
        start = time.perf_counter()
        uploads(server, rnd.folder, rnd.returns, 200, 50)
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--uploads", type=int, default=300)
    ap.add_argument("--clients", type=int, default=10)
    ap.add_argument("--units", type=int, default=5000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        latency(Path(tmp), args.uploads, args.clients)
        # the same run with the checks in the server's threads (the design before the checking processes)
        latency(Path(tmp), args.uploads, args.clients, "--check-processes", "0", "--threads", "8")
        memory(Path(tmp))
        long_history(Path(tmp))
        dashboard(Path(tmp), args.units, args.units * 3 // 5)
        during_summary(Path(tmp), args.units, args.units * 3 // 5)
        during_summary(Path(tmp), args.units, args.units * 3 // 5, "--check-processes", "0", "--threads", "8")


if __name__ == "__main__":
    threading.stack_size(0)
    main()
