"""The probes of docs/serve-probes.md that failed or only partly passed, each against a real `xlsform serve`
process on loopback (or, where the rule is a pure function, the function), named by its probe number."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

pytest.importorskip("flask")

from tests.helpers_serve import Round, Server, fresh_copy, post_file, read_links
from xlsform.manifest import Manifest
from xlsform.serve.collect.checkers import Handler, InThreads
from xlsform.serve.collect.intake import Intake, Limits, TooMany, UnitBusy
from xlsform.store import Store, store_path


def _next_year(manifest: Path) -> int:
    """The round's manifest rewritten for the next year, as `generate --force` into the same folder does."""
    m = Manifest.load(manifest)
    m.year = (m.year or 2020) + 1
    m.save(manifest, force=True)
    return m.year


# ------------------------------------------------------------------ P51: one store, one round

def test_a_new_years_manifest_in_last_years_folder_is_not_served_on_last_years_store(made: Round,
                                                                                      tmp_path: Path) -> None:
    from click.testing import CliRunner

    from xlsform.cli import main

    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest):
        assert post_file(read_links(rnd.folder)["430112001"], rnd.returns["clean"].read_bytes())[0] == 200
    with Server(rnd.manifest):                       # the same round again (a restart): served as before
        pass
    links_before = (rnd.folder / "links.csv").read_bytes()
    year = _next_year(rnd.manifest)
    with pytest.raises(RuntimeError) as refused:
        Server(rnd.manifest)
    text = str(refused.value)
    assert f"{year - 1} 年度" in text and f"{year} 年度" in text and "新的文件夹" in text, text
    assert (rnd.folder / "links.csv").read_bytes() == links_before      # nothing was touched
    res = CliRunner().invoke(main, ["merge", "--from-store", "--manifest", str(rnd.manifest), "-o",
                                    str(tmp_path / "summary.xlsx"), "--no-ledger"])
    assert res.exit_code == 2 and f"{year - 1} 年度" in res.output, res.output
    assert not (tmp_path / "summary.xlsx").exists()


# ------------------------------------------------------------------ P39, P63: who may hold the checking processes

def _intake(rnd: Round, handle: Handler, **limits: int) -> Intake:
    """An intake over the round's store whose checks are `handle` (in threads, two at once)."""
    store = Store(store_path(rnd.manifest))
    store.sync_units([(c, c) for c in ("430112001", "430112002")])
    intake = Intake(store, Manifest.load(rnd.manifest), max_bytes=1 << 20, limits=Limits(**limits))
    intake.checks = InThreads(handle, slots=2, wait=10)
    return intake


def test_one_link_holds_one_checking_process_at_most(rnd: Round) -> None:
    """Probe 39: 20 connections of one link downloading its annotated copy in a loop slowed every other
    unit's upload 40 times (0.02 -> 0.9 s); its requests waited for the checking processes like anyone's."""
    import io
    import threading

    inside, release = threading.Event(), threading.Event()
    seen: list[str] = []

    def handle(request: dict[str, object]) -> dict[str, object]:
        seen.append(str(request["op"]))
        if request.get("unit") == ["430112001", "430112001"]:
            inside.set()
            release.wait(10)
        return {"state": "ok", "message": "", "errors": 0, "warnings": 0, "text": "{}"}

    intake = _intake(rnd, handle, copies=2)
    store = intake.store
    a, b = store.unit("430112001"), store.unit("430112002")
    assert a is not None and b is not None
    first = threading.Thread(target=lambda: intake.submit(a, "a.xlsx", io.BytesIO(b"one")))
    first.start()
    assert inside.wait(10)                                             # unit A's upload is being checked
    with pytest.raises(UnitBusy):                                      # A's next request does not queue ...
        intake.submit(a, "a.xlsx", io.BytesIO(b"two"))
    sub_b = intake.submit(b, "b.xlsx", io.BytesIO(b"three"))
    assert sub_b.state == "ok"                                          # ... and B's is checked meanwhile
    release.set()
    first.join()
    done = store.submission(sub_b.submission)
    assert done is not None
    for _ in range(2):                                                  # the unit's annotated copies: counted
        intake.annotated_copy(done, for_unit=True)
    with pytest.raises(TooMany):
        intake.annotated_copy(done, for_unit=True)
    intake.annotated_copy(done)                                         # the office's are not
    assert seen.count("annotate") == 3
    intake.close()
    store.close()


def test_a_links_requests_beyond_its_share_are_told_to_wait_not_queued(rnd: Round) -> None:
    """The same through the web: 12 annotated-copy downloads of one link at once on a real server; those that
    find the link's previous one still in a checking process get 429 at once, with how long to wait."""
    import urllib.error
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    with Server(rnd.manifest, "--check-processes", "1"):
        link = read_links(rnd.folder)["430112001"]
        assert post_file(link, rnd.returns["errors"].read_bytes())[0] == 200
        with urllib.request.urlopen(link) as res:
            [sid] = set(re.findall(r"/annotated/(\d+)", res.read().decode()))

        def get(_: int) -> tuple[int, str | None]:
            try:
                with urllib.request.urlopen(f"{link}/annotated/{sid}", timeout=60) as res:
                    return res.status, None
            except urllib.error.HTTPError as e:
                with e:
                    return e.code, e.headers.get("Retry-After")

        with ThreadPoolExecutor(12) as pool:
            answers = list(pool.map(get, range(12)))
    assert (200, None) in answers
    refused = [a for a in answers if a[0] == 429]
    assert refused and all(after and int(after) <= 10 for _, after in refused), answers
    assert {s for s, _ in answers} <= {200, 429}


def test_summaries_asked_at_once_are_built_once_beside_the_checking_processes(rnd: Round) -> None:
    """Probe 63: two summary downloads at once took both checking processes (1,500 returns: 16 s in which
    uploads waited and got 503)."""
    import threading
    import time

    calls: list[str] = []

    def handle(request: dict[str, object]) -> dict[str, object]:
        calls.append(str(request["op"]))
        if request["op"] == "summary":
            time.sleep(0.5)
            Path(str(request["out"])).write_bytes(b"summary")
        return {}

    intake = _intake(rnd, handle)
    got: list[bytes] = []
    askers = [threading.Thread(target=lambda: got.append(intake.summary())) for _ in range(3)]
    for t in askers:
        t.start()
    for t in askers:
        t.join()
    assert got == [b"summary"] * 3 and calls == ["summary"]
    intake.close()
    intake.store.close()


def test_uploads_are_checked_while_the_summary_is_built(made: Round, tmp_path: Path) -> None:
    """With one checking process, an upload sent while the office's summary of 300 returns is being built is
    answered before the summary is done (it used to wait for the summary's process)."""
    import json
    import threading

    from tests.helpers_serve import Browser
    rnd = fresh_copy(made, tmp_path)
    manifest = json.loads(rnd.manifest.read_text(encoding="utf-8"))
    template = manifest["units"][0]
    manifest["units"] += [{**template, "code": f"4301{k:05d}", "name": f"单位{k}"} for k in range(300)]
    rnd.manifest.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    with Store(store_path(rnd.manifest)) as store:
        store.sync_units((u["code"], u["name"]) for u in manifest["units"])
        with rnd.returns["clean"].open("rb") as fh:
            sha, size = store.put_file(fh)
        for k in range(300):
            store.add_submission(f"4301{k:05d}", "自评表.xlsx", size, sha, "ok", 0, 0, "{}")
    with Server(rnd.manifest, "--check-processes", "1") as server:
        office = Browser(server.url)
        office.login()
        link = read_links(rnd.folder)["430112002"]
        summary = threading.Thread(target=lambda: office.open("/admin/summary.xlsx"))
        summary.start()
        time.sleep(0.3)
        status, _ = post_file(link, rnd.returns["warnings"].read_bytes())
        building = summary.is_alive()
        summary.join()
    assert status == 200 and building


# ------------------------------------------------------------------ P49: nothing the office downloads is cached

def test_every_download_is_no_store(made: Round, tmp_path: Path) -> None:
    """The summary, the zip, the CSV, a return and its annotated copy carried send_file's `no-cache`, which
    lets a browser or proxy keep them on disk; every response is `no-store`."""
    from tests.helpers_serve import Browser

    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest) as server:
        link = read_links(rnd.folder)["430112001"]
        assert post_file(link, rnd.returns["clean"].read_bytes())[0] == 200
        office = Browser(server.url)
        office.login()
        _, _, page = office.open("/admin/unit/430112001")
        sid = re.findall(r"/admin/submission/(\d+)/file", page)[0]
        paths = ["/admin/summary.xlsx", "/admin/returns.zip", "/admin/units.csv", f"/admin/submission/{sid}/file",
                 f"/admin/submission/{sid}/annotated", "/static/style.css", "/favicon.ico",
                 "/u/" + link.split("/u/")[1] + f"/annotated/{sid}"]
        for path in paths:
            res = office.opener.open(server.url + path)
            with res:
                assert res.status == 200 and res.headers["Cache-Control"] == "no-store", (path, res.headers)


# ------------------------------------------------------------------ P36: a return sent as .xls is given back as .xls

def test_a_return_sent_as_xls_is_downloaded_and_zipped_as_xls(made: Round, tmp_path: Path) -> None:
    """The store keeps every upload as <sha256>.xlsx; the office's download and the zip named a .xls return
    `.xlsx` too, which Excel refuses to open ("the file format or extension is not valid")."""
    import io
    import urllib.request
    import zipfile

    from tests.helpers_serve import Browser
    from tests.helpers_xls import XLS_000

    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest) as server:
        link = read_links(rnd.folder)["430112001"]
        status, answer = post_file(link, XLS_000.read_bytes(), name="自评表.xls")
        assert status == 200, answer
        assert post_file(read_links(rnd.folder)["430112002"], rnd.returns["warnings"].read_bytes())[0] == 200
        office = Browser(server.url)
        office.login()
        _, _, page = office.open("/admin/unit/430112001")
        sid = re.findall(r"/admin/submission/(\d+)/file", page)[0]
        with office.opener.open(f"{server.url}/admin/submission/{sid}/file") as res:
            disposition = res.headers["Content-Disposition"]
            assert res.read() == XLS_000.read_bytes()
        assert disposition.endswith(".xls") and ".xlsx" not in disposition
        with office.opener.open(f"{server.url}/admin/returns.zip") as res:
            names = zipfile.ZipFile(io.BytesIO(res.read())).namelist()
        assert sorted(n.rsplit(".", 1)[1] for n in names) == ["xls", "xlsx"], names
        with urllib.request.urlopen(link) as res:                # and the form lets a unit pick one
            assert re.search(r'accept="[^"]*\.xls[,"]', res.read().decode())


# ------------------------------------------------------------------ P12: a unit's form needs no cookie

def test_a_units_form_works_in_a_browser_that_keeps_no_cookie(made: Round, tmp_path: Path) -> None:
    """The unit's upload form carried a CSRF token kept in a session cookie: a browser that keeps no cookie,
    or any open form after --reset-admin-password replaced the signing key, got 400 表单已过期. A unit's
    credential is the token in its URL; its pages set no cookie."""
    import urllib.request
    import uuid

    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest):
        link = read_links(rnd.folder)["430112001"]
        with urllib.request.urlopen(link) as res:                  # a browser that keeps no cookie
            assert res.headers.get("Set-Cookie") is None
            page = res.read().decode()
        assert 'name="csrf"' not in page
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"自评表.xlsx\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n").encode() + rnd.returns["clean"].read_bytes() \
            + f"\r\n--{boundary}--\r\n".encode()
        req = urllib.request.Request(link, data=body, headers={"Content-Type": f"multipart/form-data; boundary="
                                                                              f"{boundary}", "Accept": "text/html"})
        with urllib.request.urlopen(req) as res:                    # the form's post, as the page sends it
            assert res.status == 200 and res.url.startswith(link) and 'id="state">已通过<' in res.read().decode()


# ------------------------------------------------------------------ P22, P57: the address the links carry

def test_a_remembered_address_that_cannot_reach_this_start_is_said(made: Round, tmp_path: Path) -> None:
    """--base-url is remembered: a later start on another port, or listening on this computer only, left
    every link pointing where nothing answers, and the start message said nothing."""
    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest, "--base-url", "http://192.168.9.9:8000") as first:
        said = "".join(first.lines)
    assert "服务只在本机地址 127.0.0.1 上监听" in said and "--host 0.0.0.0" in said
    assert "链接的端口是 8000，本次监听的是" in said and "--port 8000" in said
    import socket

    with socket.socket() as s:                              # a free port, to give both --port and --base-url
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with Server(rnd.manifest, "--port", str(port), "--base-url", f"http://127.0.0.1:{port}") as again:
        assert not any("链接的端口是" in line or "只在本机地址" in line for line in again.lines)
    from xlsform.serve.collect.links import unreachable

    assert unreachable("https://pj.example.gov.cn", "0.0.0.0", 8000) == []          # the README's HTTPS proxy
    assert unreachable("http://192.168.1.20:8000", "0.0.0.0", 8000) == []


def test_the_json_confirm_address_is_the_links_not_the_requests_host(made: Round, tmp_path: Path) -> None:
    """Behind the HTTPS proxy a request names the proxy's inside address (or any Host a client sends): the
    409 answer's confirm address followed it instead of the address the unit's link has."""
    import json
    import urllib.error
    import urllib.request
    import uuid

    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest, "--base-url", "https://pj.example.gov.cn/") as server:
        token = read_links(rnd.folder)["430112001"].split("/u/")[1]
        here = f"{server.url}/u/{token}"
        assert post_file(here, rnd.returns["clean"].read_bytes())[0] == 200
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.xlsx\"\r\n\r\n"
                ).encode() + rnd.returns["errors"].read_bytes() + f"\r\n--{boundary}--\r\n".encode()
        req = urllib.request.Request(here, data=body, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}", "Accept": "application/json",
            "Host": "evil.example"})
        with pytest.raises(urllib.error.HTTPError) as held:
            urllib.request.urlopen(req)
        with held.value as answer:
            confirm = json.loads(answer.read())["confirm"]["post"]
    assert held.value.code == 409
    assert confirm.startswith(f"https://pj.example.gov.cn/u/{token}/current/"), confirm


# ------------------------------------------------------------------ P65, P66: error pages

def test_a_page_number_past_any_bound_is_a_page_not_a_500(made: Round, tmp_path: Path) -> None:
    from tests.helpers_serve import Browser

    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest) as server:
        link = read_links(rnd.folder)["430112001"]
        office = Browser(server.url)
        office.login()
        for path in ("/admin/?page=99999999999999999999", "/admin/unit/430112001?page=99999999999999999999",
                     "/u/" + link.split("/u/")[1] + "?page=99999999999999999999", "/admin/?page=-3"):
            status, _, page = office.open(path)
            assert status == 200, (path, status, page[:300])


def test_an_unknown_link_says_where_to_go(made: Round, tmp_path: Path) -> None:
    """A mistyped or revoked link got the 404 page with no way back (every other error page has one)."""
    from tests.helpers_serve import Browser

    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest) as server:
        for path in ("/u/not-a-token", "/u/not-a-token/annotated/1"):
            status, _, page = Browser(server.url).open(path)
            assert status == 404 and re.search(r'id="back" href="/"', page), page


# ------------------------------------------------------------------ P64: a unit taken off the round

def test_a_unit_taken_off_the_manifest_leaves_the_board_and_its_link_stops(made: Round, tmp_path: Path) -> None:
    """A unit removed from the roster (regenerated without it) stayed on the board, in the missing list, the
    CSV and links.csv, and its link still took uploads."""
    from tests.helpers_serve import Browser

    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest):
        link = read_links(rnd.folder)["430112004"]
        assert post_file(link, rnd.returns["invalid"].read_bytes())[0] == 200
    m = Manifest.load(rnd.manifest)
    m.units = [u for u in m.units if u.code != "430112004"]
    m.save(rnd.manifest, force=True)
    with Server(rnd.manifest) as server:
        assert "430112004" not in read_links(rnd.folder)
        here = f"{server.url}/u/{link.split('/u/')[1]}"
        status, answer = post_file(here, rnd.returns["invalid"].read_bytes())
        assert status == 410 and "不在本轮的报送名单中" in answer["error"], answer
        office = Browser(server.url)
        office.login()
        board = office.open("/admin/")[2]
        assert re.search(r'<span class="n">3</span> 个单位', board) and 'id="retired"' in board
        assert ">430112004<" not in board.split('id="retired"')[0]
        assert "430112004" not in office.open("/admin/missing")[2]
        assert "430112004" not in office.open("/admin/units.csv")[2]
        detail = office.open("/admin/unit/430112004")[2]
        assert 'id="retired"' in detail and "原件" in detail                  # its history is kept
    m.units = Manifest.load(rnd.manifest.with_name(next(
        p.name for p in rnd.folder.glob("manifest.backup-*.json")))).units
    m.save(rnd.manifest, force=True)
    with Server(rnd.manifest) as server:                                     # put back: it is in the round again
        assert post_file(f"{server.url}/u/{link.split('/u/')[1]}", rnd.returns["invalid"].read_bytes())[0] == 200


# ------------------------------------------------------------------ P62: the throttle forgets

def test_a_rounds_worth_of_typos_never_makes_the_office_wait() -> None:
    """Failures were counted for ever: 30 honest typos over the weeks of a round (any browser, any address)
    put the key all clients share into its waits, and every new browser of the office waited from then on;
    a right password also left the wait its try had set for the next login."""
    from xlsform.serve.security import LoginThrottle

    now = [0.0]
    throttle = LoginThrottle(clock=lambda: now[0])
    for day in range(60):                                   # two typos a day, from the office's PCs
        for k in range(2):
            now[0] = day * 86400.0 + k * 3600
            keys = throttle.keys(f"10.0.0.{day % 7 + k}", None)
            assert throttle.attempt(keys) == 0, day
    keys = throttle.keys("10.0.0.99", None)                 # a new browser, the right password
    assert throttle.attempt(keys) == 0
    throttle.succeeded(keys)
    assert throttle.attempt(throttle.keys("10.0.0.98", None)) == 0       # and the next one is not held up
    for n in range(40):                                     # a guesser still meets the waits within the day
        if throttle.attempt(throttle.keys(f"10.9.{n}.1", None)) > 0:
            break
    else:
        raise AssertionError("40 guesses from 40 addresses in a moment, none held up")


# ------------------------------------------------------------------ P46: names that show as another

def test_a_file_name_cannot_show_as_another_by_direction_controls(made: Round, tmp_path: Path) -> None:
    """报表\\u202excod.exe.xlsx showed on the pages as 报表xslx.exe.docx (the right-to-left override reverses
    what follows), and the office's download kept the control in its name."""
    from tests.helpers_serve import Browser
    from xlsform.fsutil import safe_filename

    spoof = "报表\u202excod.exe.xlsx"
    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest) as server:
        status, answer = post_file(read_links(rnd.folder)["430112001"], rnd.returns["clean"].read_bytes(), name=spoof)
        assert status == 200 and answer["file"] == "报表xcod.exe.xlsx", answer["file"]
        office = Browser(server.url)
        office.login()
        page = office.open("/admin/unit/430112001")[2]
        assert "\u202e" not in page
        sid = re.findall(r"/admin/submission/(\d+)/file", page)[0]
        with office.opener.open(f"{server.url}/admin/submission/{sid}/file") as res:
            assert "%E2%80%AE" not in res.headers["Content-Disposition"]
    for control in "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        assert control not in safe_filename(f"单位{control}gnp.exe")
