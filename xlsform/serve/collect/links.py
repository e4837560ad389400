"""Unit links of the collection service: `links.csv` beside the manifest, one private URL per unit.

Each URL carries a random token (192 bits); the store keeps only its hash, so the token exists in this file
and in the mail to the unit, nowhere else. The file is UTF-8 with a BOM so that Excel opens the Chinese names
correctly, and is rewritten atomically whenever links are issued, reissued or revoked.
"""

from __future__ import annotations

import csv
import io
import socket
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import urlsplit

from xlsform.csvsafe import escape_cell
from xlsform.fsutil import atomic_output
from xlsform.store import Store

LINKS_NAME = "links.csv"
COLUMNS = ("code", "name", "url")


def listening_base(host: str, port: int) -> str:
    """The address units reach a server listening on host:port at. `0.0.0.0` listens on every interface but
    is no address to give anyone: this computer's address on its network (the one a connection out would
    use; nothing is sent), else its name."""
    if host in ("0.0.0.0", "::", ""):
        host = _lan_address() or socket.gethostname()
    return f"http://{f'[{host}]' if ':' in host else host}:{port}"


def local_only(base_url: str) -> bool:
    """Whether links at this address open on this computer only."""
    host = urlsplit(base_url).hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")


def unreachable(base_url: str, host: str, port: int) -> list[str]:
    """Why the links may not reach a server listening on host:port (Chinese; none when they look right):
    a remembered --base-url outlives the start it was given at, so a later start on another port, or on
    this computer only, left every link pointing where nothing answers, and nothing said so."""
    parts = urlsplit(base_url)
    link_host = parts.hostname or ""
    problems = []
    if (host.startswith("127.") or host in ("localhost", "::1")) and not local_only(base_url):
        problems.append(f"链接指向 {link_host}，但服务只在本机地址 {host} 上监听：如果没有代理转发，其他电脑"
                        "打不开。要让各单位访问，请加 --host 0.0.0.0 重新启动")
    try:
        link_port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        link_port = None
    if parts.scheme == "http" and link_port != port:
        problems.append(f"链接的端口是 {link_port}，本次监听的是 {port}：如果没有代理把 {link_port} 转到这里，"
                        f"各单位打不开。请用 --port {link_port} 启动，或加 --base-url 给出正确的网址")
    return problems


def _lan_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))          # a UDP "connect" only picks the route
            address = str(s.getsockname()[0])
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def unit_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/u/{token}"


def issue_missing(store: Store, base_url: str, links_csv: Path) -> int:
    """Give every unit without a link one, and write links.csv with every link at `base_url` (the address the
    server answers at now: the tokens stay, the address in front of them follows); returns how many were new."""
    codes = store.units_without_link()
    fresh = {code: unit_url(base_url, store.issue_link(code)) for code in codes}
    moved = {code: rebased(url, base_url) for code, url in read(links_csv).items() if url}
    update(store, links_csv, {**moved, **fresh})
    return len(fresh)


def rebased(url: str, base_url: str) -> str:
    """The same link at another address (a URL without a token is left as it is)."""
    _, sep, token = url.rpartition("/u/")
    return unit_url(base_url, token) if sep and token else url


def reissue(store: Store, base_url: str, links_csv: Path, code: str) -> str:
    """A new link for one unit (the old one stops working at once); returns the new URL."""
    url = unit_url(base_url, store.issue_link(code))
    update(store, links_csv, {code: url})
    return url


def revoke(store: Store, links_csv: Path, code: str) -> None:
    store.revoke_link(code)
    update(store, links_csv, {code: None})


def update(store: Store, links_csv: Path, changed: Mapping[str, str | None]) -> None:
    """links.csv with `changed` applied (None removes a unit's row), in the store's unit order."""
    urls = {**read(links_csv), **changed}
    rows = [(u.code, u.name, urls[u.code]) for u in store.units() if urls.get(u.code)]
    with atomic_output(links_csv, force=True, private=True) as fh:   # the tokens: the office's alone
        fh.write(text(rows).encode("utf-8-sig"))


def read(links_csv: Path) -> dict[str, str | None]:
    try:
        content = links_csv.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return {}
    return {r["code"].lstrip("'"): r["url"] for r in csv.DictReader(io.StringIO(content)) if r.get("code")}


def text(rows: Iterable[tuple[str, str, str | None]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    w.writerows([escape_cell(code), escape_cell(name), url] for code, name, url in rows)
    return buf.getvalue()
