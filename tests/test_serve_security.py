"""The collection service's defences, tried as an attacker or a locked-out office would, against a real
`xlsform serve` process on loopback: sessions that end, files only the office's account reads, a throttle
that slows guessing without locking the office out, passwords that are long enough and can be reset, one
cookie per round."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("flask")

from tests.helpers_serve import PASSWORD, Browser, Round, Server, fresh_copy, post_file, read_links
from xlsform.serve.security import LoginThrottle
from xlsform.store import STORE_NAME, Store, store_path

NEW_PASSWORD = "另一个-管理密码-2025"


def raw_get(url: str, cookie: str) -> tuple[int, str]:
    """A GET carrying a copied cookie and nothing else (redirects not followed)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    req = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.build_opener(NoRedirect).open(req, timeout=30) as res:
            return res.status, res.headers.get("Location", "")
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.headers.get("Location", "")


def copied(browser: Browser) -> str:
    name, value = browser.cookie("xlsform_")
    return f"{name}={value}"


# ------------------------------------------------------------------------------------------ item 1

def test_logging_out_ends_the_session_on_every_copy_of_the_cookie(made: Round, tmp_path: Path) -> None:
    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest) as server:
        office = Browser(server.url)
        assert office.login()[1].endswith("/admin/")
        cookie = copied(office)
        assert raw_get(server.url + "/admin/returns.zip", cookie)[0] == 200       # the copy works while logged in
        office.post_form("/admin/logout", {}, page="/admin/")
        for path in ("/admin/", "/admin/returns.zip", "/admin/units.csv"):
            status, where = raw_get(server.url + path, cookie)
            assert status == 303 and "/admin/login" in where, path
    with Server(rnd.manifest) as again:                                          # nor after a restart
        assert raw_get(again.url + "/admin/", cookie)[0] == 303


def test_a_new_password_ends_every_session(made: Round, tmp_path: Path) -> None:
    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest) as server:
        office, elsewhere = Browser(server.url), Browser(server.url)
        office.login()
        elsewhere.login()
        assert elsewhere.open("/admin/")[0] == 200
        _, url, page = office.post_form("/admin/password", {"current": PASSWORD, "new": NEW_PASSWORD,
                                                            "again": NEW_PASSWORD})
        assert url.endswith("changed=1") and "请用新密码登录" in page
        assert "/admin/login" in elsewhere.open("/admin/")[1]
        assert "/admin/login" in office.open("/admin/")[1]
        assert office.login()[0] == 401 and office.login(NEW_PASSWORD)[1].endswith("/admin/")


def test_the_password_form_refuses_a_wrong_current_a_mismatch_and_a_short_one(made: Round, tmp_path: Path) -> None:
    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest) as server:
        office = Browser(server.url)
        office.login()
        for fields, words in (
                ({"current": "wrong-password", "new": NEW_PASSWORD, "again": NEW_PASSWORD}, "当前密码不正确"),
                ({"current": PASSWORD, "new": NEW_PASSWORD, "again": NEW_PASSWORD + "x"}, "不一致"),
                ({"current": PASSWORD, "new": "short", "again": "short"}, "至少 10 个字符")):
            status, _, page = office.post_form("/admin/password", fields)
            assert status == 400 and words in page, words
        assert office.open("/admin/")[0] == 200                      # nothing changed


def test_an_idle_session_and_a_day_old_one_end(tmp_path: Path) -> None:
    from xlsform.serve.security import SESSION_IDLE, SESSION_LONGEST

    assert SESSION_IDLE <= 4 * 3600 and SESSION_LONGEST <= 24 * 3600          # hours, not weeks
    with Store(tmp_path / STORE_NAME) as store:
        store.add_session("a", "127.0.0.1", 1000.0)
        store.add_session("b", "127.0.0.1", 1000.0)
        alive = {"idle": SESSION_IDLE, "longest": SESSION_LONGEST}
        assert store.session_alive("a", 1000.0 + SESSION_IDLE - 1, **alive)
        assert not store.session_alive("a", 1000.0 + 2 * SESSION_IDLE, **alive)        # idle too long
        assert not store.session_alive("a", 1000.0 + SESSION_IDLE - 1, **alive)        # and gone for good
        t = 1000.0
        while t < 1000.0 + SESSION_LONGEST:                                          # used all day long
            t += SESSION_IDLE / 2
            if t - 1000.0 <= SESSION_LONGEST:
                assert store.session_alive("b", t, **alive)
        assert not store.session_alive("b", 1000.0 + SESSION_LONGEST + 1, **alive)
        store.add_session("c", "127.0.0.1", 1000.0)
        store.add_session("d", "127.0.0.1", 1000.0 + SESSION_IDLE)
        assert store.end_sessions(older_than=1000.0 + 1) == 1          # what a login tidies away
        assert store.session_alive("d", 1000.0 + SESSION_IDLE, **alive)


# ------------------------------------------------------------------------------------------ item 2

def _private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_everything_the_service_writes_is_the_offices_alone(made: Round, tmp_path: Path) -> None:
    rnd = fresh_copy(made, tmp_path)
    old = os.umask(0o022)                  # the usual umask: files others may read unless made private
    try:
        with Server(rnd.manifest) as server:
            link = read_links(rnd.folder)["430112001"]
            assert post_file(link.replace("http://127.0.0.1:9", server.url), rnd.returns["clean"].read_bytes())[0]
            written = [p for p in rnd.folder.rglob("*") if p.name != "manifest.json"]
            names = {p.name for p in written}
            assert {STORE_NAME, "links.csv", "xlsform-files", "xlsform-checkers.log"} <= names, names
            assert [p for p in written if not _private(p)] == []
    finally:
        os.umask(old)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_store_an_earlier_version_left_readable_is_made_private_at_start(made: Round, tmp_path: Path) -> None:
    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest):
        pass
    for p in rnd.folder.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    with Server(rnd.manifest):
        assert [p for p in rnd.folder.rglob("*") if p.name != "manifest.json" and not _private(p)] == []


def test_a_cookie_forged_with_the_stores_key_opens_nothing(made: Round, tmp_path: Path) -> None:
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface

    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest) as server:
        office = Browser(server.url)
        office.login()
        name, _ = office.cookie("xlsform_")
        conn = sqlite3.connect(rnd.folder / STORE_NAME)
        key = conn.execute("SELECT value FROM meta WHERE key = 'secret_key'").fetchone()[0]
        conn.close()
        app = Flask("forger")
        app.secret_key = key
        signer = SecureCookieSessionInterface().get_signing_serializer(app)
        assert signer is not None
        for forged in ({"admin": True}, {"admin": "a-made-up-session"}):
            status, where = raw_get(server.url + "/admin/returns.zip", f"{name}={signer.dumps(forged)}")
            assert status == 303 and "/admin/login" in where, forged


# ------------------------------------------------------------------------------------------ item 4

def test_a_guesser_sharing_the_offices_address_does_not_lock_the_office_out(made: Round, tmp_path: Path) -> None:
    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest) as server:
        office = Browser(server.url)
        assert office.login()[1].endswith("/admin/")           # the office's browser, known from now on
        office.post_form("/admin/logout", {}, page="/admin/")
        guesser = Browser(server.url)                          # the same address (NAT, the HTTPS proxy)
        answers = [guesser.login(f"guess-{n:04d}")[0] for n in range(6)]
        assert answers[:3] == [401] * 3 and set(answers[3:]) == {429}
        status, _, page = guesser.login()                      # even the right one is not checked now ...
        assert status == 429 and re.search(r"请 \d+ 秒后再试", page)
        assert office.login()[1].endswith("/admin/")           # ... but the office's own browser gets in
        newcomer = Browser(server.url)                         # a browser that never logged in waits, told how long
        status, _, page = newcomer.login()
        assert status == 429 and "后再试" in page and "曾经成功登录过的浏览器" in page


def test_guessing_is_slow_from_the_first_minute() -> None:
    now = [0.0]
    throttle = LoginThrottle(clock=lambda: now[0])

    def checked_in(seconds: float, keys: list[str]) -> int:
        """How many passwords one guesser gets checked, trying every tenth of a second."""
        n, end = 0, now[0] + seconds
        while now[0] < end:
            n += throttle.attempt(keys) == 0
            now[0] += 0.1
        return n

    keys = throttle.keys("10.0.0.9", None)
    assert checked_in(60, keys) <= 4                    # was about 8 a minute
    assert checked_in(3600, keys) <= 8                  # and then a handful an hour
    many = sum(checked_in(1, throttle.keys(f"10.1.{k // 250}.{k % 250}", None)) for k in range(200))
    assert many <= 40                                   # spreading over many addresses does not help much
    device = throttle.keys("10.0.0.9", "office-pc")
    assert throttle.attempt(device) == 0                # the office's own browser is not held up by any of it


# ------------------------------------------------------------------------------------------ item 5

def test_a_short_admin_password_is_refused_at_first_start(made: Round, tmp_path: Path) -> None:
    rnd = fresh_copy(made, tmp_path)
    with pytest.raises(RuntimeError, match="管理密码至少 10 个字符"):
        Server(rnd.manifest, password="1")
    assert not (rnd.folder / "links.csv").exists()


def test_a_later_admin_password_is_said_to_be_unused_and_reset_replaces_it(made: Round, tmp_path: Path) -> None:
    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest) as first:
        office = Browser(first.url)
        office.login()
        cookie = copied(office)
    with Server(rnd.manifest, password=NEW_PASSWORD) as again:
        assert any("--admin-password（或 XLSFORM_ADMIN_PASSWORD）未使用" in line for line in again.lines)
        assert Browser(again.url).login(NEW_PASSWORD)[0] == 401
        assert raw_get(again.url + "/admin/", cookie)[0] == 200              # still logged in
    with Server(rnd.manifest, "--reset-admin-password", password=None) as reset:
        [made_up] = [m.group(1) for line in reset.lines if (m := re.search(r"请记下）：(\S+)", line))]
        assert raw_get(reset.url + "/admin/", cookie)[0] == 303              # every session ended
        assert Browser(reset.url).login()[0] == 401
        assert Browser(reset.url).login(made_up)[1].endswith("/admin/")
    with Store(store_path(rnd.manifest)) as store:
        assert "重设管理密码" in [e["action"] for e in store.audit_log()]


# ------------------------------------------------------------------------------------------ item 11

def test_two_rounds_on_one_computer_keep_their_own_sessions(made: Round, tmp_path: Path) -> None:
    a, b = fresh_copy(made, tmp_path / "a"), fresh_copy(made, tmp_path / "b")
    with Server(a.manifest) as first, Server(b.manifest) as second:
        office = Browser(first.url)                   # one browser: cookies are per host, not per port
        assert office.login()[1].endswith("/admin/")
        unit_a = read_links(a.folder)["430112001"].split("/u/")[1]
        office.open(f"/u/{unit_a}")                   # a unit's form open in round A ...
        office.base = second.url
        assert office.login()[1].endswith("/admin/")  # ... while the office logs into round B
        office.base = first.url
        assert office.open("/admin/")[0] == 200 and "报送总览" in office.open("/admin/")[2]
        status, _, page = office.open(f"/u/{unit_a}", {"x": "y"})     # the form posts, without a file
        assert status == 400 and "表单已过期" not in page and "没有收到文件" in page
