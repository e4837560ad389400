"""`xlsform serve` in process (Flask's test client): unit links, uploads, the JSON answer, refusals, the
office's pages, and every security property the issue lists, each on its own."""

from __future__ import annotations

import io
import json
import re
import sys
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import openpyxl
import pytest

pytest.importorskip("flask")

from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers_serve import CODES, PASSWORD, SCRIPT, Round, check_json, read_links, token_of
from xlsform.cli import main
from xlsform.serve.app import ServeConfig, create_app
from xlsform.store import STORE_NAME

JSON = {"Accept": "application/json"}




def make_app(rnd: Round, **config: Any) -> Flask:
    """In process, checks in the test's thread (the real-server tests check in worker processes)."""
    config.setdefault("check_processes", 0)
    app = create_app(ServeConfig(manifest=rnd.manifest, base_url="http://127.0.0.1:9", admin_password=PASSWORD,
                                 deadline="2025-03-31", **config))
    app.extensions["xlsform"].issue_links()
    return app


@pytest.fixture
def app(rnd: Round) -> Iterator[Flask]:
    app = make_app(rnd)
    yield app
    app.extensions["xlsform"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def links(rnd: Round) -> dict[str, str]:
    return {code: "/u/" + token_of(url) for code, url in read_links(rnd.folder).items()}


def upload(client: FlaskClient, url: str, path: Path | bytes, name: str = "自评表.xlsx", **kw: Any) -> Any:
    data = path if isinstance(path, bytes) else path.read_bytes()
    return client.post(url, data={"file": (io.BytesIO(data), name), **kw.pop("form", {})},
                       content_type="multipart/form-data", **kw)


def csrf(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    m = re.search(r'name="csrf" value="([^"]+)"', page)
    assert m, page
    return m.group(1)


def login(client: FlaskClient, password: str = PASSWORD) -> Any:
    token = csrf(client, "/admin/login")
    return client.post("/admin/login", data={"csrf": token, "password": password})


# ------------------------------------------------------------------------------------------ links

def test_links_csv_gives_each_unit_a_private_url_and_the_store_keeps_only_hashes(app: Flask, rnd: Round) -> None:
    rows = read_links(rnd.folder)
    assert list(rows) == list(CODES)
    tokens = [token_of(u) for u in rows.values()]
    assert all(u.startswith("http://127.0.0.1:9/u/") for u in rows.values())
    assert all(len(t) >= 22 and re.fullmatch(r"[A-Za-z0-9_-]+", t) for t in tokens)     # ≥ 128 bits
    assert len(set(tokens)) == 4
    app.extensions["xlsform"].close()
    db = b"".join(p.read_bytes() for p in rnd.folder.glob(STORE_NAME + "*"))
    assert not any(t.encode() in db for t in tokens)
    header = (rnd.folder / "links.csv").read_bytes().decode("utf-8-sig").splitlines()[0]
    assert header == "code,name,url"


def test_an_altered_or_unknown_token_is_not_found(client: FlaskClient, rnd: Round) -> None:
    url = links(rnd)["430112001"]
    assert client.get(url).status_code == 200
    altered = url[:-1] + ("A" if url[-1] != "A" else "B")
    for bad in (altered, "/u/x", url + "x", url.upper()):
        res = client.get(bad)
        assert res.status_code == 404 and "链接可能抄错了或已经停用" in res.get_data(as_text=True)
    assert upload(client, altered, b"x", headers=JSON).status_code == 404


def test_the_admin_revokes_and_reissues_a_link_after_confirming_and_a_reload_does_nothing_again(
        client: FlaskClient, rnd: Round) -> None:
    old = links(rnd)["430112002"]
    login(client)
    unit_page = client.get("/admin/unit/430112002").get_data(as_text=True)
    assert f"http://127.0.0.1:9{old}" in unit_page                       # the office sees the unit's link
    ask = client.get("/admin/unit/430112002/link?action=reissue")         # the button asks first ...
    assert ask.status_code == 200 and "旧链接立即失效" in ask.get_data(as_text=True)
    assert client.get(old).status_code == 200                             # ... and asking changes nothing
    token = csrf(client, "/admin/unit/430112002/link?action=reissue")
    res = client.post("/admin/unit/430112002/link", data={"csrf": token, "action": "reissue"})
    assert res.status_code == 303 and res.headers["Location"].startswith("/admin/unit/430112002?done=reissue")
    page = client.get(res.headers["Location"]).get_data(as_text=True)
    new = re.search(r'id="unit-link">http://127.0.0.1:9/u/([A-Za-z0-9_-]+)</code>', page)
    assert new and "已重新发放链接" in page
    assert client.get(old).status_code == 404 and client.get("/u/" + new.group(1)).status_code == 200
    assert links(rnd)["430112002"] == "/u/" + new.group(1)          # links.csv follows
    client.get(res.headers["Location"])                              # the office reloads the page it landed on
    assert client.get("/u/" + new.group(1)).status_code == 200       # the link just shown still works
    actions = [e["action"] for e in client.application.extensions["xlsform"].store.audit_log()]
    assert actions.count("重新发放链接") == 1
    res = client.post("/admin/unit/430112002/link", data={"csrf": token, "action": "revoke"})
    assert res.status_code == 303
    assert client.get("/u/" + new.group(1)).status_code == 404 and "430112002" not in links(rnd)
    client.application.extensions["xlsform"].close()
    make_app(rnd).extensions["xlsform"].close()                # a restart does not hand out a new link
    assert "430112002" not in links(rnd) and client.get("/u/" + new.group(1)).status_code == 404


# ------------------------------------------------------------------------------------ the unit page

def test_unit_page_shows_who_the_deadline_and_the_state(client: FlaskClient, rnd: Round) -> None:
    page = client.get(links(rnd)["430112001"]).get_data(as_text=True)
    assert "430112001" in page and "长沙市望城区接待服务中心" in page and "2025-03-31" in page
    assert 'id="state">未报送<' in page and 'type="file"' in page


def test_the_file_picker_offers_the_xls_and_et_files_the_service_reads(client: FlaskClient, rnd: Round) -> None:
    """Trial of the whole round (round-qa): a return saved as .xls is read and accepted, but the page asked for
    「.xlsx 表」 and its file picker (accept=".xlsx") hid the unit's .xls file."""
    page = client.get(links(rnd)["430112001"]).get_data(as_text=True)
    assert 'accept=".xlsx,.xls,.et,.ods"' in page and "另存为 .xls 或 .ods" in page   # .ods: converted (ods.py)


def test_json_upload_answers_with_the_object_check_json_gives(client: FlaskClient, rnd: Round) -> None:
    url = links(rnd)["430112001"]
    res = upload(client, url, rnd.returns["errors"], name="望城 接待.xlsx", headers=JSON)
    assert res.status_code == 200 and res.mimetype == "application/json"
    got, want = res.get_json(), check_json(rnd.returns["errors"], rnd.manifest)
    assert got["file"] == "望城 接待.xlsx"
    for obj in (got, want):
        obj.pop("file")
        obj["record"]["source"].pop("file")   # type: ignore[index]
        for f in obj["findings"]:   # type: ignore[attr-defined]
            f.pop("file")
    assert got == want and got["status"] == "errors"
    page = client.get(url).get_data(as_text=True)
    assert 'id="state">有错误<' in page and "XF220" in page
    severities = re.findall(r'<tr class="sev-(\w+)">', page)
    assert severities[0] == "error" and severities == sorted(severities, key=["error", "warning", "info"].index)


def test_a_corrected_upload_passes_and_the_history_keeps_both(client: FlaskClient, rnd: Round) -> None:
    url = links(rnd)["430112001"]
    assert upload(client, url, rnd.returns["errors"], headers=JSON).get_json()["status"] == "errors"
    assert upload(client, url, rnd.returns["clean"], headers=JSON).get_json()["status"] == "ok"
    page = client.get(url).get_data(as_text=True)
    assert 'id="state">已通过<' in page and page.count("data-label=\"时间\">20") == 2


@pytest.mark.parametrize(("name", "unit", "words"), [
    ("warnings", "430112001", "是单位 430112002"),                      # another unit's workbook
    ("zhuzhou", "430112001", "不是本轮下发的表样"),                      # another spec
    ("old_year", "430112001", "2019 年度"),                               # another round
    (None, "430112001", "无法作为自评表读取"),                            # not a workbook at all
])
def test_refused_uploads_get_422_and_never_become_the_return(client: FlaskClient, rnd: Round, name: str | None,
                                                             unit: str, words: str) -> None:
    url = links(rnd)[unit]
    assert upload(client, url, rnd.returns["clean"], headers=JSON).status_code == 200
    body = rnd.returns[name] if name else b"PK\x03\x04 this is not a workbook"
    res = upload(client, url, body, headers=JSON)
    assert res.status_code == 422 and words in res.get_json()["error"]
    page = client.get(url).get_data(as_text=True)
    assert 'id="state">已通过<' in page and "未被接受" in page and words in page


def test_over_the_size_limit_is_413_and_nothing_is_kept(rnd: Round) -> None:
    app = make_app(rnd, max_upload_mb=0.1)
    client = app.test_client()
    res = upload(client, links(rnd)["430112001"], b"PK" + b"\0" * 200_000, headers=JSON)
    assert res.status_code == 413 and "0.1 MB" in res.get_json()["error"]
    store = app.extensions["xlsform"].store
    assert store.submissions() == [] and not list(store.files_dir.rglob("*.xlsx"))
    app.extensions["xlsform"].close()


def test_an_html_upload_shows_the_result_at_once(client: FlaskClient, rnd: Round) -> None:
    url = links(rnd)["430112004"]
    res = upload(client, url, rnd.returns["invalid"], follow_redirects=True)
    page = res.get_data(as_text=True)
    assert res.status_code == 200 and 'id="state">有错误<' in page and "H42" in page and "分值合计为 70" in page


def test_annotated_copy_marks_the_findings(client: FlaskClient, rnd: Round) -> None:
    url = links(rnd)["430112004"]
    upload(client, url, rnd.returns["invalid"], headers=JSON)
    page = client.get(url).get_data(as_text=True)
    href = re.search(r'id="annotated" href="([^"]+)"', page)
    assert href
    res = client.get(href.group(1))
    assert res.status_code == 200 and "attachment" in res.headers["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(res.data))
    assert "校验结果" in wb.sheetnames


# --------------------------------------------------------------------------------------- security

def test_unit_a_cannot_reach_b_s_page_files_copies_or_upload_as_b(client: FlaskClient, rnd: Round) -> None:
    a, b = links(rnd)["430112001"], links(rnd)["430112004"]
    upload(client, b, rnd.returns["invalid"], headers=JSON)
    [b_sub] = [s.id for s in client.application.extensions["xlsform"].store.submissions("430112004")]
    assert client.get(f"{a}/annotated/{b_sub}").status_code == 404            # B's copy through A's link
    page = client.get(a).get_data(as_text=True)
    assert "430112004" not in page and "invalid" not in page                   # nothing of B on A's page
    res = upload(client, a, rnd.returns["invalid"], headers=JSON)              # B's workbook through A's link
    assert res.status_code == 422
    store = client.application.extensions["xlsform"].store
    assert store.unit("430112001").state is None and store.unit("430112004").state == "errors"


def test_every_admin_url_without_a_session_leads_to_login(app: Flask, client: FlaskClient) -> None:
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/admin") and rule.endpoint not in ("admin.login", "admin.logout"):
            url = rule.rule.replace("<code>", "430112001").replace("<int:sid>", "1")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                urls.append((method, url))
    assert len(urls) >= 10
    for method, url in urls:
        res = client.open(url, method=method, data={"csrf": csrf(client, "/admin/login")})
        assert res.status_code == 303 and "/admin/login" in res.headers["Location"], (method, url)


def test_no_uploaded_file_name_reaches_the_file_system(client: FlaskClient, rnd: Round, tmp_path: Path) -> None:
    url = links(rnd)["430112001"]
    for name in ("../../evil-one.xlsx", "..\\..\\evil-two.xlsx", "/tmp/evil-three.xlsx", "evil\x00four.xlsx"):
        assert upload(client, url, rnd.returns["clean"], name=name, headers=JSON).status_code == 200
    assert not [p for p in tmp_path.parent.rglob("*evil*")]
    assert not [p for p in Path("/tmp").glob("evil*")]
    names = [s.filename for s in client.application.extensions["xlsform"].store.submissions()]
    # kept as text (a "/" inside a name is the name's), without a full path's folders or control characters
    assert {"../../evil-one.xlsx", "evil-three.xlsx", "evilfour.xlsx"} <= set(names) and len(names) == 4


def test_text_from_cells_is_escaped_in_every_page(client: FlaskClient, rnd: Round) -> None:
    url = links(rnd)["430112001"]
    upload(client, url, rnd.returns["errors"], name=SCRIPT + ".xlsx", headers=JSON)
    login(client)
    sid = client.application.extensions["xlsform"].store.submissions()[0].id
    for page_url in (url, "/admin/", "/admin/unit/430112001", "/admin/missing", "/admin/audit",
                     "/admin/?q=" + SCRIPT):
        page = client.get(page_url).get_data(as_text=True)
        assert "<script" not in page and "<b>" not in page, page_url
    assert "&lt;script&gt;" in client.get(url).get_data(as_text=True)
    assert "&lt;b&gt;" in client.get("/admin/").get_data(as_text=True)
    assert sid


def test_security_headers_on_every_response(client: FlaskClient, rnd: Round) -> None:
    for url in (links(rnd)["430112001"], "/admin/login", "/u/unknown", "/static/style.css"):
        with client.get(url) as res:
            assert res.headers["X-Content-Type-Options"] == "nosniff", url
            assert "default-src 'none'" in res.headers["Content-Security-Policy"], url
            assert res.headers["Referrer-Policy"] == "no-referrer"


def test_forms_without_the_csrf_token_are_refused(client: FlaskClient, rnd: Round) -> None:
    url = links(rnd)["430112001"]
    assert upload(client, url, rnd.returns["clean"]).status_code == 303      # a unit's link is its credential
    assert client.post("/admin/login", data={"password": PASSWORD}).status_code == 400
    login(client)
    res = client.post("/admin/unit/430112001/link", data={"action": "revoke", "csrf": "forged"})
    assert res.status_code == 400 and client.get(url).status_code == 200


def test_login_uses_scrypt_a_strict_httponly_cookie_and_slows_down_guessing(app: Flask) -> None:
    store = app.extensions["xlsform"].store
    assert store.meta("admin_password").startswith("scrypt$16384$8$1$")
    client = app.test_client()
    assert client.get("/admin/").status_code == 303
    for _ in range(3):
        assert login(client, "wrong").status_code == 401
    res = login(client, PASSWORD)                            # a client never logged in here waits now
    assert res.status_code == 429 and "秒后再试" in res.get_data(as_text=True) and "Retry-After" in res.headers
    throttle = app.extensions["xlsform"].throttle
    throttle.succeeded(throttle.keys("127.0.0.1", None))
    res = login(client, PASSWORD)
    assert res.status_code == 303
    cookie = res.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert client.get("/admin/").status_code == 200
    actions = [e["action"] for e in store.audit_log()]
    assert actions.count("登录失败") == 3 and "登录" in actions


def test_a_busy_checking_pool_answers_503(client: FlaskClient, rnd: Round) -> None:
    checks = client.application.extensions["xlsform"].intake.checks
    checks.wait = 0.05
    with ExitStack() as taken:
        for _ in range(checks.slots):                          # every slot taken by other uploads
            taken.enter_context(checks.slot())
        res = upload(client, links(rnd)["430112001"], rnd.returns["clean"], headers=JSON)
    assert res.status_code == 503 and "正忙" in res.get_json()["error"] and res.headers["Retry-After"]
    assert upload(client, links(rnd)["430112001"], rnd.returns["clean"], headers=JSON).status_code == 200


# ------------------------------------------------------------------------------------ the office

def test_the_office_sees_counts_filters_details_and_downloads(client: FlaskClient, rnd: Round) -> None:
    u = links(rnd)
    upload(client, u["430112001"], rnd.returns["clean"], headers=JSON)
    upload(client, u["430112002"], rnd.returns["warnings"], headers=JSON)
    upload(client, u["430112004"], rnd.returns["invalid"], headers=JSON)
    login(client)
    board = client.get("/admin/").get_data(as_text=True)
    counts = dict(re.findall(r'data-state="([^"]+)"><a [^>]+><span class="n">(\d+)</span>', board))
    assert counts == {"未报送": "1", "有错误": "1", "仅有警告": "1", "已通过": "1"}
    only = client.get("/admin/?state=有错误").get_data(as_text=True)
    assert "430112004" in only and ">430112001<" not in only
    assert ">430112002<" in client.get("/admin/?q=党").get_data(as_text=True) or \
        ">430112002<" in client.get("/admin/?q=430112002").get_data(as_text=True)
    detail = client.get("/admin/unit/430112004").get_data(as_text=True)
    assert "H42" in detail and "原件" in detail
    sid = client.application.extensions["xlsform"].store.unit("430112004").submission
    with client.get(f"/admin/submission/{sid}/file") as res:
        assert res.data == rnd.returns["invalid"].read_bytes()

    summary = openpyxl.load_workbook(io.BytesIO(client.get("/admin/summary.xlsx").data))["汇总表"]
    states = {r[0]: r for r in summary.iter_rows(values_only=True)}
    header = list(next(summary.iter_rows(values_only=True)))
    assert states["430112001"][header.index("状态")] == "已通过"
    assert states["430112004"][header.index("状态")] == "有错误"
    assert states["430112999"][header.index("状态")] == "未报送"
    with client.get("/admin/returns.zip") as res, zipfile.ZipFile(io.BytesIO(res.data)) as z:
        assert sorted(n[:9] for n in z.namelist()) == ["430112001", "430112002", "430112004"]
        assert z.read(z.namelist()[0])[:2] == b"PK"                  # each return as it was sent
    table = client.get("/admin/units.csv").data.decode("utf-8-sig").splitlines()
    assert table[0].startswith("单位编码,单位名称,状态") and len(table) == 5
    missing = client.get("/admin/missing").get_data(as_text=True)
    assert "430112999" in missing and "430112004" in missing and "430112001" not in missing


def test_a_summary_that_fails_says_so_and_records_no_download(client: FlaskClient, rnd: Round,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: Any) -> None:
        raise RuntimeError("磁盘故障")

    monkeypatch.setattr("xlsform.serve.collect.worker.write_summary_of", broken)
    upload(client, links(rnd)["430112001"], rnd.returns["clean"], headers=JSON)
    login(client)
    res = client.get("/admin/summary.xlsx")
    assert res.status_code == 500 and "汇总表未能生成" in res.get_data(as_text=True)
    assert "磁盘故障" in res.get_data(as_text=True)
    actions = [e["action"] for e in client.application.extensions["xlsform"].store.audit_log()]
    assert "下载汇总表" not in actions


def test_status_and_merge_take_the_accepted_returns_from_the_store(client: FlaskClient, rnd: Round) -> None:
    u = links(rnd)
    upload(client, u["430112001"], rnd.returns["clean"], "党办自评表.xlsx", headers=JSON)
    upload(client, u["430112004"], rnd.returns["invalid"], "财政所自评表.xlsx", headers=JSON)
    upload(client, u["430112004"], b"not a workbook", headers=JSON)          # refused: 004 keeps its return
    res = CliRunner().invoke(main, ["status", "--manifest", str(rnd.manifest), "--from-store", "--json",
                                    "--jobs", "1"])
    assert res.exit_code == 0, res.output
    units = json.loads(res.output)["units"]
    states = {x["code"]: x["state"] for x in units}
    assert states == {"430112001": "已通过", "430112002": "未报送", "430112004": "有错误", "430112999": "未报送"}
    files = {x["code"]: x["file"] for x in units if x["file"]}
    assert files == {"430112001": "党办自评表.xlsx", "430112004": "财政所自评表.xlsx"}     # as the units named them
    out = rnd.folder / "汇总.xlsx"
    res = CliRunner().invoke(main, ["merge", "--from-store", "-o", str(out), "--manifest", str(rnd.manifest),
                                    "--jobs", "1"])
    assert res.exit_code == 0 and out.exists(), res.output
    book = openpyxl.load_workbook(out, read_only=True)
    cells = {c.value for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    book.close()            # a read-only workbook keeps its file open until closed (ResourceWarning later)
    assert {"党办自评表.xlsx", "财政所自评表.xlsx"} <= cells and not any("xlsform-files" in v for v in cells)
    res = CliRunner().invoke(main, ["status", "--manifest", str(rnd.manifest), "--jobs", "1"])
    assert res.exit_code == 2 and "--from-store" in res.output


def test_serve_without_the_web_extra_says_how_to_install_it(rnd: Round, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "waitress", None)
    res = CliRunner().invoke(main, ["serve", "--manifest", str(rnd.manifest), "--port", "0"])
    assert res.exit_code == 2 and 'pip install "xlsform[serve]"' in res.output and "未安装" in res.output


def test_the_units_table_pages_a_large_round(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from xlsform.serve import admin

    monkeypatch.setattr(admin, "PAGE", 3)
    login(client)
    first, second = (client.get(f"/admin/?page={n}").get_data(as_text=True) for n in (1, 2))
    assert ">430112001<" in first and ">430112999<" not in first and "第 1 / 2 页" in first
    assert ">430112999<" in second and ">430112001<" not in second
    assert "<span class=\"n\">4</span> 个单位" in second             # the counts are the whole round's


def test_hostile_uploads_are_read_by_the_safe_reader_and_refused(client: FlaskClient, rnd: Round) -> None:
    from tests.helpers_read import rezip

    good = rnd.returns["clean"].read_bytes()
    entities = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
                b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>')
    hostile = {"XF108": rezip(good, lambda n, b: entities if n == "xl/sharedStrings.xml" else b),
               "XF106": rezip(good, lambda n, b: b, {"xl/media/image1.png": b"\0" * (60 * 1024 * 1024)})}
    url = links(rnd)["430112001"]
    for code, data in hostile.items():
        res = upload(client, url, data, headers=JSON)
        assert res.status_code == 422 and code in [f["code"] for f in res.get_json()["findings"]], code
    assert client.application.extensions["xlsform"].store.unit("430112001").state is None


@pytest.mark.libreoffice
def test_an_ods_upload_is_checked_as_its_xlsx_and_kept_as_an_ods(client: FlaskClient, rnd: Round,
                                                                 tmp_path: Path) -> None:
    """A unit working in LibreOffice saves its return as .ods: the service converts it (xlsform/ods.py), checks it
    as the .xlsx it was saved from (plus XF119), and the office downloads it under its own ending."""
    from tests.helpers_round import saved_as_ods

    source = tmp_path / "clean.xlsx"
    source.write_bytes(rnd.returns["clean"].read_bytes())
    ods = saved_as_ods(source, tmp_path / "司法局.ods")
    url = links(rnd)["430112001"]
    res = upload(client, url, ods, name="司法局.ods", headers=JSON)
    assert res.status_code == 200, res.get_data(as_text=True)
    got = res.get_json()
    assert got["status"] in ("ok", "warnings") and "XF119" in [f["code"] for f in got["findings"]]
    want = check_json(rnd.returns["clean"], rnd.manifest)
    assert [f["code"] for f in got["findings"] if f["code"] != "XF119"] == [f["code"] for f in want["findings"]]
