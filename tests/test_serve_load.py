"""`xlsform serve` under load and faults, on loopback only, bounded in count and time: 200 uploads from 50
clients are each recorded exactly once; kill -9 during uploads loses no acknowledged upload and leaves a
sound database that the next start opens."""

from __future__ import annotations

import io
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPException
from pathlib import Path

import pytest

pytest.importorskip("flask")

from tests.helpers_serve import Round, Server, fresh_copy, post_file, post_retrying, read_links
from xlsform.store import Store, store_path

UNITS = {"430112001": "clean", "430112002": "warnings", "430112004": "invalid"}



def variant(path: Path, n: int) -> bytes:
    """The same return with a different zip comment: other bytes (another upload), the same workbook."""
    buf = io.BytesIO(path.read_bytes())
    with zipfile.ZipFile(buf, "a") as z:
        z.comment = f"upload {n}".encode()
    return buf.getvalue()


def jobs(rnd: Round, count: int) -> list[tuple[str, bytes]]:
    urls = read_links(rnd.folder)
    codes = list(UNITS)
    return [(urls[codes[i % 3]], variant(rnd.returns[UNITS[codes[i % 3]]], i)) for i in range(count)]


def test_200_uploads_from_50_clients_are_each_recorded_once(made: Round, tmp_path: Path) -> None:
    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest, "--threads", "16"):
        work = jobs(rnd, 200)
        with ThreadPoolExecutor(50) as pool:
            answers = list(pool.map(lambda job: post_retrying(job[0], job[1]), work))   # 3 units: they take turns
    assert [status for status, _ in answers] == [200] * 200
    acknowledged = [a["sha256"] for _, a in answers]
    with Store(store_path(rnd.manifest)) as store:
        rows = store.submissions()
        assert len(rows) == 200 and sorted(r.sha256 for r in rows) == sorted(acknowledged)
        assert all(store.file_path(r.sha256).is_file() for r in rows)
        assert {u.code: u.state for u in store.units()} == {
            "430112001": "ok", "430112002": "warnings", "430112004": "errors", "430112999": None}
        assert store.integrity_check() == "ok"


def test_kill_9_during_uploads_loses_no_acknowledged_upload(made: Round, tmp_path: Path) -> None:
    rnd = fresh_copy(made, tmp_path)
    acknowledged: list[str] = []
    lock = threading.Lock()
    server = Server(rnd.manifest)
    work = jobs(rnd, 300)

    def client(k: int) -> None:
        for url, data in work[k::20]:
            try:
                status, answer = post_retrying(url, data, timeout=10)
            except (OSError, HTTPException, ValueError):   # the server died mid-answer: not acknowledged
                return
            if status == 200:
                with lock:
                    acknowledged.append(answer["sha256"])

    threads = [threading.Thread(target=client, args=(k,)) for k in range(20)]
    for t in threads:
        t.start()
    try:
        while len(acknowledged) < 40 and any(t.is_alive() for t in threads):
            threading.Event().wait(0.02)
    finally:
        server.kill()
    for t in threads:
        t.join(30)
    assert 40 <= len(acknowledged) < 300            # killed in the middle of the uploads

    with Server(rnd.manifest) as again:              # the next start opens the same store
        path = read_links(rnd.folder)["430112001"].split("/u/")[1]       # a new port, the same token
        status, _ = post_file(f"{again.url}/u/{path}", variant(rnd.returns["clean"], 999))
        assert status == 200
    with Store(store_path(rnd.manifest)) as store:
        assert store.integrity_check() == "ok"
        rows = store.submissions()
        stored = {r.sha256 for r in rows}
        assert set(acknowledged) <= stored
        assert all(store.file_path(r.sha256).is_file() for r in rows)       # no row without its file
        assert not list(store.files_dir.glob(".tmp-*"))                     # killed uploads cleaned up


def test_first_start_prints_a_made_up_password_once_and_it_works(made: Round, tmp_path: Path) -> None:
    import re
    import urllib.parse
    import urllib.request
    from http.cookiejar import CookieJar

    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest, password=None) as first:
        [password] = [m.group(1) for line in first.lines if (m := re.search(r"请记下）：(\S+)", line))]
        assert any("links.csv（本次新发放 4 个；" in line for line in first.lines)
    with Server(rnd.manifest, password=None) as again:
        assert not any("请记下" in line for line in again.lines)              # printed once, at first start
        assert any("本次新发放 0 个" in line for line in again.lines)           # the links are kept
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        page = opener.open(again.url + "/admin/login").read().decode()
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf
        form = urllib.parse.urlencode({"csrf": csrf.group(1), "password": password}).encode()
        with opener.open(again.url + "/admin/login", data=form) as res:
            assert res.url.endswith("/admin/") and "报送总览" in res.read().decode()
