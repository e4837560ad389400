"""Benchmark: one client holding many slow connections must not hold up the others' uploads.

    python benchmarks/bench_slow_clients.py                    # 200 slow connections, 10 clients
    python benchmarks/bench_slow_clients.py --slow 600 --uploads 300

One real `xlsform serve` on loopback. Upload p95 of `--clients` clients (as bench_serve.py measures it)
1. quiet;
2. while one address (127.0.0.2) keeps `--slow` connections open, each sending the start of a request and
   then a byte every few seconds, and opening a new one as soon as the server drops one (the attacker of
   issue 16 item 3: waitress stopped accepting at 100 such connections, for everyone);
3. the same with `--per-address 0` (no bound per address; only the server's connection limit).
Target: p95 in 2 within 2x of 1. Ratios within one run; the machine's load is printed with them.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import selectors
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_serve import pct, serving, units_round, uploads  # noqa: E402
from tests.helpers_serve import Server  # noqa: E402


class SlowClient:
    """`count` connections from `source`, dribbling, reopened as soon as the server closes one. Runs in a
    process of its own (`--attack`), so that its work does not slow the measuring clients' threads here."""

    def __init__(self, url: str, count: int, source: str = "127.0.0.2") -> None:
        host, port = url.removeprefix("http://").split(":")
        self.target = (host, int(port))
        self.count, self.source = count, source
        self.stop = threading.Event()
        self.reopened = 0

    @classmethod
    def start(cls, url: str, count: int) -> subprocess.Popen[str]:
        proc = subprocess.Popen([sys.executable, __file__, "--attack", url, "--slow", str(count)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        proc.stdout.readline()          # "ready": every connection is open and has sent its first bytes
        return proc

    @staticmethod
    def finish(proc: subprocess.Popen[str]) -> int:
        """Stop the attack; how many connections the server dropped meanwhile."""
        out, _ = proc.communicate("stop\n", timeout=30)
        return int(out.strip() or 0)

    def run_until_stdin_closes(self) -> None:
        threading.Thread(target=lambda: (sys.stdin.readline(), self.stop.set()), daemon=True).start()
        self._run()
        print(self.reopened, flush=True)

    def _open(self, sel: selectors.DefaultSelector) -> None:
        s = socket.socket()
        s.bind((self.source, 0))
        s.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            s.connect(self.target)
        sel.register(s, selectors.EVENT_READ)

    def _run(self) -> None:
        sel = selectors.DefaultSelector()
        for _ in range(self.count):
            self._open(sel)
        time.sleep(0.5)
        for key in list(sel.get_map().values()):
            _send(key.fileobj, b"POST /u/x HTTP/1.1\r\nHost: x\r\nX-Pad: ")   # type: ignore[arg-type]
        print("ready", flush=True)
        last_byte = time.monotonic()
        while not self.stop.is_set():
            for key, _ in sel.select(timeout=0.2):         # readable: the server closed it (or answered)
                sock = key.fileobj
                sel.unregister(sock)
                sock.close()                                # type: ignore[union-attr]
                self.reopened += 1
                self._open(sel)
            if time.monotonic() - last_byte > 3:            # a byte every 3 s: never idle, never done
                for key in list(sel.get_map().values()):
                    _send(key.fileobj, b"a")                # type: ignore[arg-type]
                last_byte = time.monotonic()
        for key in list(sel.get_map().values()):
            key.fileobj.close()                             # type: ignore[union-attr]


def _send(sock: socket.socket, data: bytes) -> None:
    with contextlib.suppress(OSError):
        sock.send(data)


def measure(root: Path, name: str, count: int, clients: int, slow: int, *args: str,
            against: str | None = None) -> float:
    """The p95 of the uploads in seconds; infinity when they timed out (the service was blocked)."""
    manifest, returns = units_round(root / name, clients, against)
    with Server(manifest, *args, **serving(against)) as server:
        uploads(server, manifest, returns, 20, 2)                 # warm up
        attacker = SlowClient.start(server.url, slow) if slow else None
        time.sleep(2 if slow else 0)
        try:
            times = uploads(server, manifest, returns, count, clients)
        except OSError as e:          # a timeout: nobody else got through
            times = []
            print(f"uploads failed ({e}): the service was blocked", flush=True)
        finally:
            dropped = SlowClient.finish(attacker) if attacker else 0
    if not times:
        return float("inf")
    p95 = pct(times, 95)
    how = f"{slow} slow connections from 127.0.0.2" if slow else "quiet"
    extra = f" ({' '.join(args)})" if args else ""
    extra += f" [{against}]" if against else ""
    reopened = f"; the server dropped {dropped} of them" if slow else ""
    print(f"{how}{extra}: {count} uploads, {clients} clients: p50 {pct(times, 50) * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms, max {max(times) * 1000:.0f} ms{reopened}", flush=True)
    return p95


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--uploads", type=int, default=300)
    ap.add_argument("--clients", type=int, default=10)
    ap.add_argument("--slow", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=1, help="repeat the three, interleaved; medians of the ratios")
    ap.add_argument("--attack", metavar="URL", help=argparse.SUPPRESS)     # the slow client's own process
    ap.add_argument("--against", metavar="PYTHON",
                    help="also the quiet and slow figures of the xlsform PYTHON has installed (the code before)")
    args = ap.parse_args()
    if args.attack:
        SlowClient(args.attack, args.slow).run_until_stdin_closes()
        return
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    bounded, unbounded, before = [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-slow-") as tmp:
        for n in range(args.rounds):
            quiet = measure(Path(tmp), f"quiet{n}", args.uploads, args.clients, 0)
            bounded.append(measure(Path(tmp), f"slow{n}", args.uploads, args.clients, args.slow) / quiet)
            unbounded.append(measure(Path(tmp), f"unbounded{n}", args.uploads, args.clients, args.slow,
                                     "--per-address", "0") / quiet)
            if args.against:
                their_quiet = measure(Path(tmp), f"quiet-against{n}", args.uploads, args.clients, 0,
                                      against=args.against)
                their_slow = measure(Path(tmp), f"slow-against{n}", args.uploads, args.clients, args.slow,
                                     against=args.against)
                before.append((their_slow / their_quiet, quiet / their_quiet))
    print(f"p95 ratio with {args.slow} slow connections / quiet: {statistics.median(bounded):.2f} "
          f"(target <= 2; each round {', '.join(f'{r:.2f}' for r in bounded)}); without the bound per address: "
          f"{statistics.median(unbounded):.2f} ({', '.join(f'{r:.2f}' for r in unbounded)})")
    if before:
        print(f"{args.against}: slow / quiet {statistics.median([b[0] for b in before]):.2f}; quiet p95 here / "
              f"there {statistics.median([b[1] for b in before]):.2f}")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
