"""One client cannot block the service with slow or half-open connections (real servers on loopback,
bounded in count and time; the figure with 200 slow connections is benchmarks/bench_slow_clients.py)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("flask")

from tests.helpers_serve import PASSWORD, Round, Server, fresh_copy, post_file, read_links
from xlsform.serve.app import ServeConfig, create_app
from xlsform.serve.server import Bounds, create_server


def half_open(url: str, count: int, source: str = "127.0.0.2",
              start: bytes = b"POST /u/x HTTP/1.1\r\nHost: x\r\n") -> list[socket.socket]:
    """`count` connections from `source` that send the start of a request and then nothing."""
    host, port = url.removeprefix("http://").split(":")
    socks = []
    for _ in range(count):
        s = socket.socket()
        s.bind((source, 0))
        s.connect((host, int(port)))
        if start:
            s.sendall(start)
        socks.append(s)
    return socks


def closed_by_server(socks: list[socket.socket], within: float) -> int:
    deadline, closed = time.monotonic() + within, 0
    for s in socks:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            closed += s.recv(1) == b""
        except TimeoutError:
            pass
        except OSError:          # reset: the server closed it with our request unread
            closed += 1
    return closed


def test_half_open_connections_from_one_address_leave_the_others_served(made: Round, tmp_path: Path) -> None:
    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest) as server:
        hog = half_open(server.url, 150)                  # more than waitress's own limit of 100
        try:
            link = read_links(rnd.folder)["430112001"]
            start = time.monotonic()
            status, answer = post_file(link, rnd.returns["clean"].read_bytes(), timeout=30)
            assert status == 200 and answer["status"] == "ok" and time.monotonic() - start < 10
        finally:
            for s in hog:
                s.close()


@pytest.fixture
def quick_server(made: Round, tmp_path: Path) -> Iterator[str]:
    """An in-process waitress server with short bounds: headers within 1 s, the whole request within 2 s, 5
    connections an address (more parked for 1 s), 50 in all."""
    rnd = fresh_copy(made, tmp_path)
    app = create_app(ServeConfig(manifest=rnd.manifest, admin_password=PASSWORD, check_processes=0))
    server: Any = create_server(app, host="127.0.0.1", port=0, threads=2, max_body=1 << 20,
                                bounds=Bounds(per_address=5, connections=50, header_seconds=1, request_seconds=2,
                                              idle_seconds=5, park_seconds=1))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        for each in list(server._map.values()):       # the loop ends when nothing is left to watch
            each.close()
        thread.join(10)
        server.task_dispatcher.shutdown()
        app.extensions["xlsform"].close()


def test_a_request_that_dribbles_in_is_dropped(quick_server: str) -> None:
    headers = half_open(quick_server, 1, source="127.0.0.1")
    host, port = quick_server.removeprefix("http://").split(":")
    body = socket.create_connection((host, int(port)))
    body.sendall(b"POST /admin/login HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n"
                 b"Content-Type: application/x-www-form-urlencoded\r\n\r\n")
    start = time.monotonic()
    for _ in range(12):                                  # a byte every 0.3 s: never idle, never done
        try:
            body.sendall(b"a")
        except OSError:
            break
        time.sleep(0.3)
    assert closed_by_server(headers, 5) == 1           # headers not done after 1 s
    assert closed_by_server([body], 5) == 1 and time.monotonic() - start < 8
    for s in (*headers, body):
        s.close()


def test_one_address_holds_a_bounded_share_of_the_connections(quick_server: str, made: Round) -> None:
    hog = half_open(quick_server, 60, start=b"")              # silent, so only the idle bound (5 s) ends them
    try:
        link = quick_server + "/u/unknown-token"
        start = time.monotonic()
        status, _ = post_file(link, b"x", timeout=10)        # another address is answered at once
        assert status == 404 and time.monotonic() - start < 3
        assert closed_by_server(hog, 3) >= 55                # all but 5 parked a second, or closed
    finally:
        for s in hog:
            s.close()
