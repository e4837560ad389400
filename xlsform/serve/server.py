"""The HTTP server under the app: waitress, with bounds that one client cannot get around, and its own
refusals (a body over its limit, a malformed request) in Chinese like the app's pages.

Waitress reads every request whole in its one event-loop thread before a worker thread sees it, and stops
accepting at its connection limit (100 by default). So one client holding 110 half-open connections used to
lock everyone out. Here
- one address may have `per_address` connections read at once; one more waits unread (parked) until one of
  them ends, and is closed if that takes more than `park_seconds` — or at once when the server is near its
  connection limit. Parking rather than closing at once lets a burst of honest clients behind one NAT queue
  for a moment, and a client that reconnects as soon as it is dropped cannot turn the bound into a flood of
  connections (in our benchmark that cost the server more than the connections themselves);
- a request's headers must arrive within `header_seconds` and the whole request within `request_seconds`
  (a 10 MB upload over a poor 300 kbit/s line takes about 4 minutes); an idle connection is closed after
  `idle_seconds`;
- the connection limit is raised to `connections`, with poll() instead of select() (which fails past
  descriptor 1023).
Behind a reverse proxy every connection comes from the proxy's address: `per_address=0` lifts that bound and
leaves it to the proxy.
"""

from __future__ import annotations

import errno
import json
import logging
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

import waitress
from flask import Flask, render_template
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask

from xlsform.errors import XlsformError
from xlsform.serve.security import HEADERS

DRAIN_SECONDS = 30.0        # how long a refused body is read and dropped so that its answer arrives


@dataclass(frozen=True)
class Bounds:
    per_address: int = 20          # connections of one address read at once (0: no bound, behind a proxy)
    connections: int = 500         # connections in all
    header_seconds: float = 30.0   # a request's headers must have arrived within this
    request_seconds: float = 300.0     # and the whole request within this
    idle_seconds: float = 30.0     # a connection with nothing to do is closed after this
    park_seconds: float = 20.0     # a connection over `per_address` waits unread at most this long


def create_server(app: Flask, *, host: str, port: int, threads: int, max_body: int,
                  bounds: Bounds = Bounds()) -> Any:
    """The waitress server for `app`, listening; a port in use is an XlsformError saying so."""
    # Waitress says "Task queue depth is N" on the office's console for every request that waits its turn: at
    # a deadline's rush, a screen of English lines about nothing wrong (the wait is the bounded queue at work).
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    try:
        server = waitress.create_server(
            app, host=host, port=port, threads=threads, max_request_body_size=max_body,
            connection_limit=bounds.connections, channel_timeout=bounds.idle_seconds, cleanup_interval=5,
            asyncore_use_poll=True, ident="xlsform")
    except OSError as e:
        raise XlsformError(_bind_failure(e, host, port)) from None
    listening = list(server.map.values()) if not isinstance(server, TcpWSGIServer) else [server]
    for each in listening:
        if isinstance(each, TcpWSGIServer):
            each.channel_class = _channel_class(bounds, app)
    return server


def _bind_failure(e: OSError, host: str, port: int) -> str:
    if e.errno == errno.EADDRINUSE:
        return (f"端口 {port} 已被占用：可能已有一个 xlsform serve 或其他程序在用它。"
                f"请先停止那个程序，或换一个端口（如 --port {port + 1 if port else 8001}）")
    if e.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT) or (isinstance(e, OSError) and e.errno is None):
        return f"无法在地址 {host} 上监听：这台电脑没有这个地址。请用 127.0.0.1（本机）或 0.0.0.0（办公网）"
    if e.errno in (errno.EACCES, errno.EPERM):
        return f"没有权限使用端口 {port}：1024 以下的端口需要管理员权限，请换一个端口（如 --port 8000）"
    return f"无法在 {host}:{port} 上监听：{e.strerror or e}"


def _channel_class(bounds: Bounds, app: Flask) -> type[HTTPChannel]:
    class Channel(_Channel):
        pass

    Channel.bounds = bounds
    Channel.app = app          # waitress may hold the app wrapped (its proxy-header middleware)
    return Channel


class _Channel(HTTPChannel):                 # type: ignore[misc]
    bounds = Bounds()
    app: Flask
    error_task_class: type[ErrorTask]
    began: float | None = None          # when the request being received began to arrive
    parked: float | None = None         # over the bound per address: waiting unread, at most until then
    next_look = 0.0                     # a parked one looks for room a few times a second, not every turn
    counted = False                     # one of its address's `per_address` connections being read
    drain = False                       # refused a body by its length: read the rest before closing
    draining: float | None = None       # ... until then (or the client's end of the body)

    def __init__(self, server: Any, sock: Any, addr: Any, adj: Any, map: Any = None) -> None:
        super().__init__(server, sock, addr, adj, map)
        if self.bounds.per_address and not self._take_turn():
            if len(server.active_channels) > self.bounds.connections * 0.8:
                self.will_close = True       # no room to hold it: closed at the next turn of the loop
            else:
                self.parked = time.monotonic() + self.bounds.park_seconds

    def _take_turn(self) -> bool:
        """Count this connection among its address's, if there is room."""
        counts, lock = _reading(self.server)
        with lock:
            if counts.get(self.addr[0], 0) >= self.bounds.per_address:
                return False
            counts[self.addr[0]] = counts.get(self.addr[0], 0) + 1
        self.counted = True
        return True

    def del_channel(self, map: Any = None) -> None:
        if self.counted:
            self.counted = False
            counts, lock = _reading(self.server)
            with lock:
                left = counts.get(self.addr[0], 1) - 1
                if left:
                    counts[self.addr[0]] = left
                else:
                    counts.pop(self.addr[0], None)
        super().del_channel(map)

    def handle_close(self) -> None:
        """After refusing a body by its length (413), the answer is sent while the client is still sending:
        closing then would reset the connection and the browser would show a network error instead of the
        page. So stop writing, read and drop what still comes (at most DRAIN_SECONDS), then close."""
        if self.drain and self.draining is None and self.connected:
            try:
                self.socket.shutdown(socket.SHUT_WR)
            except OSError:
                super().handle_close()
                return
            self.draining = time.monotonic() + DRAIN_SECONDS
            self.will_close = self.close_when_flushed = False
            return
        super().handle_close()

    def handle_read(self) -> None:
        if self.draining is None:
            super().handle_read()
            return
        try:
            data = self.recv(1 << 16)
        except OSError:
            data = b""
        if not data or time.monotonic() > self.draining:
            self.will_close = True

    def received(self, data: bytes) -> bool:
        if self.request is None and data:
            self.began = time.monotonic()
        done: bool = super().received(data)
        if self.request is None:
            self.began = None
        return done

    def readable(self) -> bool:
        if self.draining is not None:
            if time.monotonic() > self.draining:
                self.will_close = True
            return not self.will_close
        if self.parked is not None:
            now = time.monotonic()
            if now < self.next_look:
                return False
            self.next_look = now + 0.2
            if not self._take_turn():
                if now > self.parked:
                    self.will_close = True
                return False
            self.parked = None
        if self.began is not None and self.request is not None:
            took = time.monotonic() - self.began
            limit = self.bounds.request_seconds if self.request.headers_finished else self.bounds.header_seconds
            if took > limit:
                self.will_close = True       # a request dribbled in too slowly: drop the connection
        return bool(super().readable())


def _reading(server: Any) -> tuple[dict[str, int], threading.Lock]:
    """The server's count of connections being read, per address (kept on the server object)."""
    state: tuple[dict[str, int], threading.Lock] | None = getattr(server, "_xf_reading", None)
    if state is None:
        state = server._xf_reading = ({}, threading.Lock())
    return state


class _ChineseErrorTask(ErrorTask):           # type: ignore[misc]
    """Waitress's own refusals (the body over its limit, a malformed request), as the app would answer."""

    def execute(self) -> None:
        try:
            self._execute()
        except Exception:          # never leave the client without an answer: waitress's own, then
            self.channel.server.logger.exception("xlsform: the Chinese error page failed")
            super().execute()

    def _execute(self) -> None:
        error = self.request.error
        app: Flask = self.channel.app
        path = getattr(self.request, "path", None) or "/"
        accept = self.request.headers.get("ACCEPT", "")
        with app.test_request_context(path if path.startswith("/") else "/", headers={"Accept": accept}):
            from xlsform.serve.web import error_message, wants_json, way_back

            message = error_message(error.code)
            if wants_json():
                body = json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")
                kind = "application/json"
            else:
                body = render_template("message.html", title=f"错误 {error.code}", message=message,
                                       back=way_back()).encode("utf-8")
                kind = "text/html; charset=utf-8"
        self.channel.drain = error.code == 413
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend([("Content-Type", kind), *HEADERS.items()])
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


_Channel.error_task_class = _ChineseErrorTask
