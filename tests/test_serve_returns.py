"""What a unit's upload does to its current return: a blank form never replaces a filled return, one with more
errors waits for the unit to confirm (the JSON API answers 409 with both states), and the office can make any
earlier submission current again, recorded in the audit log."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("flask")

from flask.testing import FlaskClient

from tests.helpers_serve import Round
from tests.test_serve import JSON, app, client, csrf, links, login, make_app, upload
from xlsform.manifest import Manifest

__all__ = ["app", "client"]       # the fixtures of tests/test_serve.py, shared


def blank_form(rnd: Round, code: str) -> Path:
    """The form as the office sent it to the unit, nothing filled."""
    manifest = Manifest.load(rnd.manifest)
    return made_folder(rnd) / "forms" / str(manifest.unit(code).file)     # type: ignore[union-attr]


def made_folder(rnd: Round) -> Path:
    return Path(str(rnd.returns["clean"])).parent.parent / "sent"


def state(client: FlaskClient, code: str) -> str | None:
    unit = client.application.extensions["xlsform"].store.unit(code)
    return unit.state if unit else None


def test_a_blank_form_never_replaces_a_filled_return(client: FlaskClient, rnd: Round) -> None:
    url = links(rnd)["430112001"]
    assert upload(client, url, rnd.returns["clean"], headers=JSON).status_code == 200
    res = upload(client, url, blank_form(rnd, "430112001"), name="空表.xlsx", headers=JSON)
    answer = res.get_json()
    assert res.status_code == 409 and answer["held"] == "blank" and "空表" in answer["error"]
    assert answer["current"]["status"] == "ok" and "XF304" in [f["code"] for f in answer["uploaded"]["findings"]]
    assert "confirm" not in answer                                     # nothing to confirm: never replaced
    assert state(client, "430112001") == "ok"
    page = client.get(url).get_data(as_text=True)
    assert 'id="state">已通过<' in page and 'id="held"' in page and "没有替换" in page
    login(client)
    assert "430112001" not in client.get("/admin/missing").get_data(as_text=True)   # not 退回修改 either


def test_a_blank_form_as_the_first_upload_is_the_units_return(client: FlaskClient, rnd: Round) -> None:
    res = upload(client, links(rnd)["430112001"], blank_form(rnd, "430112001"), headers=JSON)
    assert res.status_code == 200 and state(client, "430112001") == "blank"     # 空表, as status says


def test_more_errors_wait_for_the_unit_to_confirm_over_json(client: FlaskClient, rnd: Round) -> None:
    url = links(rnd)["430112001"]
    upload(client, url, rnd.returns["clean"], headers=JSON)
    res = upload(client, url, rnd.returns["errors"], headers=JSON)
    answer = res.get_json()
    assert res.status_code == 409 and answer["held"] == "worse"
    assert answer["current"]["status"] == "ok" and answer["current"]["errors"] == 0
    assert answer["uploaded"]["status"] == "errors" and answer["uploaded"]["errors"] >= 1       # both states
    assert state(client, "430112001") == "ok"
    confirm = answer["confirm"]["post"]
    assert client.post(confirm.removeprefix("http://localhost"), headers=JSON).status_code == 200
    assert state(client, "430112001") == "errors"
    upload(client, url, rnd.returns["clean"], headers=JSON)
    res = upload(client, url, rnd.returns["errors"], headers=JSON, form={"confirm": "1"})    # confirmed at once
    assert res.status_code == 200 and res.get_json()["status"] == "errors" and state(client, "430112001") == "errors"


def test_more_errors_wait_for_the_unit_to_confirm_in_the_page(client: FlaskClient, rnd: Round) -> None:
    url = links(rnd)["430112001"]
    upload(client, url, rnd.returns["clean"])
    res = upload(client, url, rnd.returns["errors"], follow_redirects=True)
    page = res.get_data(as_text=True)
    assert 'id="state">已通过<' in page and "比本单位当前的报表（0 处）多" in page and 'id="confirm"' in page
    action = re.search(r'<form method="post" action="([^"]+/current/\d+)">', page)
    assert action
    page = client.post(action.group(1), follow_redirects=True).get_data(as_text=True)
    assert 'id="state">有错误<' in page
    other = links(rnd)["430112004"]                  # another unit's link cannot confirm it
    assert client.post(other + action.group(1)[len(url):]).status_code == 404


def test_the_office_makes_an_earlier_submission_current_again_and_it_is_audited(client: FlaskClient,
                                                                                rnd: Round) -> None:
    url = links(rnd)["430112001"]
    upload(client, url, rnd.returns["clean"], headers=JSON)
    upload(client, url, rnd.returns["errors"], headers=JSON, form={"confirm": "1"})
    store = client.application.extensions["xlsform"].store
    first, second = sorted(s.id for s in store.submissions("430112001"))
    assert state(client, "430112001") == "errors"
    login(client)
    page = client.get("/admin/unit/430112001").get_data(as_text=True)
    assert f"/admin/unit/430112001/current/{first}" in page and f"/current/{second}" not in page
    res = client.post(f"/admin/unit/430112001/current/{first}", data={"csrf": csrf(client, "/admin/unit/430112001")})
    assert res.status_code == 303
    assert state(client, "430112001") == "ok" and store.unit("430112001").submission == first
    assert {"action": "设为当前报表", "detail": f"430112001 #{first}"}.items() <= store.audit_log()[0].items()
    summary = client.get("/admin/units.csv").data.decode("utf-8-sig")
    assert "430112001" in summary and "已通过" in summary
    refused = json.loads(upload(client, url, b"not a workbook", headers=JSON).data)["status"]
    assert refused == "refused"
    bad = store.submissions("430112001")[0].id
    res = client.post(f"/admin/unit/430112001/current/{bad}", data={"csrf": csrf(client, "/admin/unit/430112001")})
    assert res.status_code == 404 and state(client, "430112001") == "ok"       # a refused file never becomes it


# ------------------------------------------------------------------------------------- item 9: bounds

def test_refused_files_are_kept_only_for_the_newest_few(client: FlaskClient, rnd: Round) -> None:
    from xlsform.serve.collect.intake import KEEP_REFUSED

    url = links(rnd)["430112001"]
    store = client.application.extensions["xlsform"].store
    for n in range(KEEP_REFUSED + 4):
        assert upload(client, url, b"junk %d " % n + b"x" * 50_000, headers=JSON).status_code == 422
    rows = store.submissions("430112001")
    assert len(rows) == KEEP_REFUSED + 4                                   # every upload stays on record
    kept = [r for r in rows if store.file_path(r.sha256).is_file()]
    assert [r.id for r in kept] == [r.id for r in rows[:KEEP_REFUSED]] and all(r.kept for r in kept)
    assert not any(r.kept for r in rows[KEEP_REFUSED:])
    login(client)
    assert "原件已清理" in client.get("/admin/unit/430112001").get_data(as_text=True)
    assert client.get(f"/admin/submission/{rows[-1].id}/file").status_code == 404


def test_a_refused_file_whose_bytes_another_unit_returned_is_kept(client: FlaskClient, rnd: Round) -> None:
    from xlsform.serve.collect.intake import KEEP_REFUSED

    u = links(rnd)
    assert upload(client, u["430112001"], rnd.returns["warnings"], headers=JSON).status_code == 422   # 002's
    assert upload(client, u["430112002"], rnd.returns["warnings"], headers=JSON).status_code == 200
    for n in range(KEEP_REFUSED + 1):
        upload(client, u["430112001"], b"junk %d" % n, headers=JSON)
    [returned] = client.application.extensions["xlsform"].store.accepted()
    assert returned.unit == "430112002"
    assert client.application.extensions["xlsform"].store.file_path(returned.sha256).is_file()


def test_one_link_cannot_upload_without_end(rnd: Round) -> None:
    from xlsform.serve.collect.intake import Limits

    app = make_app(rnd, limits=Limits(uploads=3, window=600, quota_bytes=1 << 30))
    client = app.test_client()
    url = links(rnd)["430112001"]
    for _ in range(3):
        upload(client, url, rnd.returns["clean"], headers=JSON)
    res = upload(client, url, rnd.returns["clean"], headers=JSON)
    assert res.status_code == 429 and "上传太频繁" in res.get_json()["error"] and int(res.headers["Retry-After"]) > 500
    assert upload(client, links(rnd)["430112002"], rnd.returns["warnings"], headers=JSON).status_code == 200
    app.extensions["xlsform"].close()


def test_a_unit_over_its_disk_quota_is_refused_and_nothing_is_stored(rnd: Round) -> None:
    from xlsform.serve.collect.intake import Limits

    app = make_app(rnd, limits=Limits(quota_bytes=100_000))
    client = app.test_client()
    url = links(rnd)["430112001"]
    store = app.extensions["xlsform"].store
    # each upload a file of its own, by a count of uploads (a count taken from unit_bytes repeated itself
    # for some sizes of the return, and the same file went up until the rate limit)
    n = 0
    while store.unit_bytes("430112001") < 100_000:
        n += 1
        assert upload(client, url, rnd.returns["clean"].read_bytes() + bytes(n),
                      headers=JSON).status_code in (200, 409, 422)
    files = len(list(store.files_dir.rglob("*.xlsx")))
    res = upload(client, url, rnd.returns["clean"], headers=JSON)
    assert res.status_code == 507 and "联系财政局" in res.get_json()["error"]
    assert len(list(store.files_dir.rglob("*.xlsx"))) == files
    app.extensions["xlsform"].close()


def test_pages_show_the_latest_answer_and_page_the_history(client: FlaskClient, rnd: Round) -> None:
    store = client.application.extensions["xlsform"].store
    with rnd.returns["clean"].open("rb") as fh:
        sha, size = store.put_file(fh)
    big = json.dumps({"findings": [{"severity": "info", "code": "XF201", "message": "x" * 500}] * 200})
    for _ in range(300):                                  # 300 uploads, each with a 100 KB answer
        store.add_submission("430112001", "a.xlsx", size, sha, "ok", 0, 0, big)
    url = links(rnd)["430112001"]
    page = client.get(url).get_data(as_text=True)
    assert len(page) < 250_000 and page.count('data-label="时间"') == 10 and "第 1 / 30 页" in page
    assert client.get(url + "?page=30").get_data(as_text=True).count('data-label="时间"') == 10
    login(client)
    office = client.get("/admin/unit/430112001").get_data(as_text=True)
    assert len(office) < 250_000 and office.count('data-label="时间"') == 20 and "第 1 / 15 页" in office


# ---------------------------------------- item 8: the service's annotated copy restores the sent values

def test_the_services_annotated_copy_restores_a_changed_locked_cell_under_the_rounds_password(
        made: Round, tmp_path: Path) -> None:
    """A unit changed a locked prefilled cell: the copy it downloads from its page has the value as sent back
    (so it is not asked to restore a cell it cannot unlock), protected with the round's password. Through a
    real server, so the copy is written by a checking process."""
    import io
    import urllib.request
    import zipfile

    from xlsxwriter.worksheet import Worksheet

    from tests.helpers_forms import write_return
    from tests.helpers_serve import Server, _clean_000, fresh_copy, post_file, read_links
    from xlsform.check import check_file
    from xlsform.reader import read_file

    rnd = fresh_copy(made, tmp_path)
    manifest = Manifest.load(rnd.manifest)
    sent = manifest.unit("430112001")
    assert sent is not None and "fund.total.budget" in sent.prefilled
    changed = _clean_000()
    changed.values["fund.total.budget"] = float(sent.prefilled["fund.total.budget"]) + 1000
    tampered = write_return(tmp_path / "tampered.xlsx", changed, password=manifest.password)
    with Server(rnd.manifest) as server:
        link = read_links(rnd.folder)["430112001"]
        status, answer = post_file(link, tampered.read_bytes())
        assert status == 200 and "XF152" in {f["code"] for f in answer["findings"]}
        page = urllib.request.urlopen(link).read().decode()
        href = re.search(r'id="annotated" href="([^"]+)"', page)
        assert href
        copy = tmp_path / "copy.xlsx"
        copy.write_bytes(urllib.request.urlopen(server.url + href.group(1)).read())
    read = read_file(copy)
    assert read.record is not None and read.record.values["fund.total.budget"] == sent.prefilled["fund.total.budget"]
    assert not {f.code for f in check_file(copy, manifest=manifest).findings} & {"XF152", "XF161", "XF162"}
    with zipfile.ZipFile(io.BytesIO(copy.read_bytes())) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    protected = re.search(r'<sheetProtection[^>]* password="([0-9A-F]+)"', sheet)
    assert protected and protected.group(1) == Worksheet()._encode_password(manifest.password)
