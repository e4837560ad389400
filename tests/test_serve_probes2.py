"""The probes added to docs/serve-probes.md after its first 72 (P73 on): what the people steering would try
next on a service left running for weeks — hand-made forms and .xls sent through a unit's link, an address
that changes between starts, the JSON API's 409 confirm path end to end. Each against a real `xlsform serve`
on loopback."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("flask")

from tests.helpers_serve import Round, Server, fresh_copy, json_answer, post_file, read_links, token_of

LEGACY = Path(__file__).resolve().parent / "legacy" / "forms"


def _unit_url(server: Server, rnd: Round, code: str) -> str:
    return f"{server.url}/u/{token_of(read_links(rnd.folder)[code])}"


# ------------------------------------------------------------------ P73: a hand-made form through a unit's link

def test_a_hand_made_form_is_refused_as_hand_made_not_as_another_units(made: Round, tmp_path: Path) -> None:
    """The importer reads hand-made forms now, so such an upload is read, but nothing in it says whose it is
    and its prefilled figures cannot be compared: it was refused as 「没有单位编码的工作簿，不是本单位的自评
    表」 — wrong for the unit's own figures in its own layout (L01 is this very unit's form, made by hand).
    Clean counterpart: another unit's form of this round is still refused as that unit's."""
    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest) as server:
        url = _unit_url(server, rnd, "430112001")
        assert post_file(url, rnd.returns["clean"].read_bytes())[0] == 200
        status, own = post_file(url, (LEGACY / "L01_wangcheng_reception.xlsx").read_bytes(), "自评表.xlsx")
        assert status == 422 and own["status"] == "refused", own
        assert "自行制作" in own["error"] and "下发给本单位的表格" in own["error"], own["error"]
        assert "不是本单位" not in own["error"] and "表中的单位名称" not in own["error"]   # the same unit's name
        status, other = post_file(url, (LEGACY / "L12_zhuzhou_one_sheet.xls").read_bytes(), "株洲.xls")
        assert status == 422 and "自行制作" in other["error"]
        assert "表中的单位名称是「株洲市接待服务中心」" in other["error"], other["error"]
        status, theirs = post_file(url, rnd.returns["warnings"].read_bytes())
        assert status == 422 and "单位 430112002" in theirs["error"] and "不是本单位" in theirs["error"]
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "text/html"})) as page:
            html = page.read().decode()
        assert "已通过" in html        # the unit's accepted return stays current through all three


# ------------------------------------------------------------------ P74: the address changes between starts

def test_links_follow_the_address_across_starts_and_old_tokens_keep_working(made: Round, tmp_path: Path) -> None:
    """A service left running for weeks is restarted behind a new address (the PC got another IP): links.csv
    follows each --base-url given, keeps it for the starts that give none, never changes a token (the links
    units already have keep working), and the JSON confirm address follows too."""
    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest, "--base-url", "http://192.168.1.20:8000"):
        first = read_links(rnd.folder)
    assert all(u.startswith("http://192.168.1.20:8000/u/") for u in first.values())
    with Server(rnd.manifest, "--base-url", "http://10.0.0.7:8080/"):
        second = read_links(rnd.folder)
    assert all(u.startswith("http://10.0.0.7:8080/u/") for u in second.values())
    assert {c: token_of(u) for c, u in first.items()} == {c: token_of(u) for c, u in second.items()}
    with Server(rnd.manifest) as server:                      # no --base-url: the one given last
        third = read_links(rnd.folder)
        assert third == second
        url = f"{server.url}/u/{token_of(first['430112001'])}"         # the link the unit got at first
        assert post_file(url, rnd.returns["clean"].read_bytes())[0] == 200
        status, held = post_file(url, rnd.returns["errors"].read_bytes())
        assert status == 409 and held["confirm"]["post"].startswith(second["430112001"] + "/current/"), held


# ------------------------------------------------------------------ P75: the JSON API's 409 confirm path

def test_the_json_confirm_path_end_to_end(made: Round, tmp_path: Path) -> None:
    """A script uploads a return with more errors: 409 with both states and where to confirm; posting there
    makes it current (200), posting again is 404 (nothing is held any more), and `confirm=1` on the upload
    itself replaces at once. The board and the unit's state follow each step."""
    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest) as server:
        url = _unit_url(server, rnd, "430112001")
        status, first = post_file(url, rnd.returns["clean"].read_bytes())
        assert status == 200 and first["status"] == "ok"
        status, held = post_file(url, rnd.returns["errors"].read_bytes())
        assert status == 409 and held["status"] == "held" and held["held"] == "worse"
        assert held["current"]["status"] == "ok" and held["uploaded"]["status"] == "errors"
        confirm = held["confirm"]["post"].replace("http://127.0.0.1:8000", server.url)
        assert confirm.startswith(url + "/current/")

        def post(address: str) -> tuple[int, dict[str, object]]:
            return json_answer(urllib.request.Request(address, data=b"", method="POST",
                                                      headers={"Accept": "application/json"}))

        status, done = post(confirm)
        assert status == 200 and done["status"] == "current", done
        status, again = post(confirm)
        assert status == 404 and "error" in again
        assert post_file(url, rnd.returns["clean"].read_bytes())[0] == 200           # fewer errors: at once
        status = post_file(url + "?confirm=1", rnd.returns["errors"].read_bytes())[0]
        assert status == 409                          # confirm is a form field, not a query parameter
        body_status, forced = post_file(url, rnd.returns["errors"].read_bytes(), fields={"confirm": "1"})
        assert body_status == 200 and forced["status"] == "errors", forced


# ------------------------------------------------------------------ P76: chunked uploads

def _chunked(url: str, data: bytes) -> tuple[int, dict[str, object]]:
    """An upload with Transfer-Encoding: chunked (no Content-Length), as some scripts and proxies send it."""
    import http.client
    import uuid
    from urllib.parse import urlsplit

    b, where = uuid.uuid4().hex, urlsplit(url)
    body = (f"--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.xlsx\"\r\n\r\n").encode() \
        + data + f"\r\n--{b}--\r\n".encode()
    conn = http.client.HTTPConnection(where.hostname or "", where.port, timeout=60)
    try:
        conn.putrequest("POST", where.path)
        for name, value in (("Transfer-Encoding", "chunked"), ("Accept", "application/json"),
                            ("Content-Type", f"multipart/form-data; boundary={b}")):
            conn.putheader(name, value)
        conn.endheaders()
        try:
            for i in range(0, len(body), 1 << 16):
                part = body[i:i + (1 << 16)]
                conn.send(f"{len(part):x}\r\n".encode() + part + b"\r\n")
            conn.send(b"0\r\n\r\n")
        except OSError:                       # refused by its size while still sending: the answer is there
            pass
        res = conn.getresponse()
        return res.status, json.loads(res.read() or b"{}")
    finally:
        conn.close()


def test_chunked_uploads_are_checked_and_bounded_alike(made: Round, tmp_path: Path) -> None:
    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest) as server:
        url = _unit_url(server, rnd, "430112001")
        status, ok = _chunked(url, rnd.returns["clean"].read_bytes())
        assert status == 200 and ok["status"] == "ok", ok
        status, big = _chunked(url, b"PK" + b"\0" * (12 << 20))
        assert status == 413 and "10 MB" in str(big["error"]), big
        status, junk = _chunked(url, b"x" * 100)
        assert status == 422 and junk["status"] == "refused"


# ------------------------------------------------------------------ P79: the office's console at a rush

def test_a_rush_of_uploads_leaves_no_english_queue_chatter_on_the_console(made: Round, tmp_path: Path) -> None:
    """Requests waiting their turn made waitress print 「Task queue depth is N」 on the office's console, one
    line per waiting request: at a deadline's rush, a screen of English about nothing wrong."""
    from concurrent.futures import ThreadPoolExecutor

    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest, "--check-processes", "1", "--threads", "1") as server:
        links = read_links(rnd.folder)
        urls = [f"{server.url}/u/{token_of(links[c])}" for c in ("430112001", "430112002", "430112004")]
        data = rnd.returns["clean"].read_bytes()
        with ThreadPoolExecutor(12) as pool:
            statuses = list(pool.map(lambda k: post_file(urls[k % 3], data)[0], range(24)))
        assert 422 in statuses                       # (another unit's return for two of the three: checked all)
        said = "".join(server.lines)
    assert "Task queue depth" not in said, said
