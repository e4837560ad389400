"""Every page a person can reach says in Chinese what happened and what to do next, with a way back — also
the refusals of the HTTP server itself — and late uploads are marked 逾期. Against a real server on loopback."""

from __future__ import annotations

import json
import re
import socket
import urllib.request
import uuid
from pathlib import Path

import pytest

pytest.importorskip("flask")

from tests.helpers_serve import Browser, Round, Server, fresh_copy, post_file, read_links
from tests.test_serve_returns import blank_form

ENGLISH = re.compile(r"\b(?:Request|Entity|Method|Allowed|Not Found|Bad|Error|Forbidden|Internal|Server|"
                     r"requested|browser|generated)\b")


def text_of(page: str) -> str:
    body = re.sub(r"(?s)<head>.*?</head>", "", page)
    return re.sub(r"<[^>]+>", " ", body)


def raw(url: str, method: str = "GET", body: bytes | None = None, headers: dict[str, str] | None = None
        ) -> tuple[int, str]:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return res.status, res.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.read().decode("utf-8", "replace")


def early_answer(url: str, body: bytes, kind: str, accept: str = "text/html") -> tuple[int, str]:
    """What a browser shows for a body the server refuses by its length alone: the answer that comes back
    while the body is still being sent (the server does not read a body it has refused)."""
    host, port = url.split("/")[2].split(":")
    path = "/" + url.split("/", 3)[3]
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {kind}\r\nAccept: {accept}\r\n"
                  f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:65536])
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    head, _, rest = reply.partition(b"\r\n\r\n")
    return int(head.split()[1]), rest.decode("utf-8", "replace")


def assert_chinese_with_a_way_on(status: int, page: str, want: int, words: str, back: str | None) -> None:
    assert status == want, (status, page[:300])
    shown = text_of(page)
    assert words in shown and not ENGLISH.search(shown), shown
    if back:
        assert re.search(rf'id="back" href="{re.escape(back)}"', page), page


@pytest.fixture(scope="module")
def served(made: Round, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    rnd = fresh_copy(made, tmp_path_factory.mktemp("words"))
    with Server(rnd.manifest, "--max-upload-mb", "0.1", "--deadline", "2020-01-01") as server:
        yield rnd, server


def test_the_servers_own_refusal_of_a_large_body_is_chinese(served) -> None:  # type: ignore[no-untyped-def]
    rnd, _ = served
    link = read_links(rnd.folder)["430112002"]
    token = link.rsplit("/", 1)[1]
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.xlsx\"\r\n\r\n".encode()
            + b"x" * (3 << 20) + f"\r\n--{boundary}--\r\n".encode())
    kind = f"multipart/form-data; boundary={boundary}"
    status, page = early_answer(link, body, kind)                        # past waitress's own limit
    assert_chinese_with_a_way_on(status, page, 413, "文件超过 0.1 MB", f"/u/{token}")
    status, text = early_answer(link, body, kind, accept="application/json")    # a script asking for JSON
    assert status == 413 and "文件超过 0.1 MB" in json.loads(text)["error"]


def test_a_form_of_thousands_of_parts_is_not_called_a_large_file(served) -> None:  # type: ignore[no-untyped-def]
    rnd, _ = served
    link = read_links(rnd.folder)["430112002"]
    boundary = uuid.uuid4().hex
    part = f"--{boundary}\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n".encode()
    body = part * 1100 + f"--{boundary}--\r\n".encode()          # werkzeug reads at most 1,000 parts
    assert len(body) < 100 * 1024
    status, page = raw(link, "POST", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert_chinese_with_a_way_on(status, page, 413, "表单内容过多", None)
    assert "超过 0.1 MB" not in page


def test_wrong_methods_unknown_pages_and_expired_forms_say_what_to_do(served) -> None:  # type: ignore[no-untyped-def]
    rnd, server = served
    link = read_links(rnd.folder)["430112002"]
    token = link.rsplit("/", 1)[1]
    for method, url, want, words, back in (
            ("PUT", link, 405, "请从页面上的按钮操作", f"/u/{token}"),
            ("DELETE", link, 405, "请从页面上的按钮操作", f"/u/{token}"),
            ("GET", server.url + "/admin/logout", 405, "请从页面上的按钮操作", "/admin/"),
            ("GET", server.url + "/u/no-such-token", 404, "向财政局索取新链接", "/"),
            ("GET", server.url + "/nothing-here", 404, "请核对链接", "/"),
            ("POST", link, 400, "没有收到文件", f"/u/{token}"),          # a unit's form needs no cookie
            ("POST", server.url + "/admin/login", 400, "表单已过期", "/admin/")):
        status, page = raw(url, method, b"" if method != "GET" else None)
        assert_chinese_with_a_way_on(status, page, want, words, back)
    status, page = raw(server.url + "/")
    assert status == 200 and "专属链接" in page and 'href="/admin/login"' in page


def test_a_blank_form_tells_the_unit_not_the_office_what_to_do(served) -> None:  # type: ignore[no-untyped-def]
    rnd, _ = served
    link = read_links(rnd.folder)["430112999"]
    status, answer = post_file(link, blank_form(rnd, "430112999").read_bytes())
    assert status == 200 and "请单位填写后重新报送" in answer["findings"][0]["message"]    # check --json's words
    page = Browser("").open(link)[2]
    assert "请在下发的表中填写后重新上传" in page and "请单位填写后重新报送" not in page


def test_late_uploads_are_marked_on_the_board_the_history_and_the_csv(served) -> None:  # type: ignore[no-untyped-def]
    rnd, server = served
    link = read_links(rnd.folder)["430112001"]
    assert post_file(link, rnd.returns["clean"].read_bytes())[0] == 200
    unit_page = Browser("").open(link)[2]
    assert "报送截止 2020-01-01" in unit_page and "截止时间已过" in unit_page
    assert '<span class="late">逾期</span>' in unit_page
    office = Browser(server.url)
    office.login()
    board = office.open("/admin/")[2]
    row = re.search(r"<tr><td[^>]*><a [^>]+>430112001</a>.*?</tr>", board)
    assert row and "逾期" in row.group(0)
    _, _, table = office.open("/admin/units.csv")
    header, *rows = table.lstrip("\ufeff").splitlines()
    assert header.split(",")[3:5] == ["报送时间", "逾期"]
    mine = next(r.split(",") for r in rows if r.startswith("430112001"))
    assert mine[4] == "逾期" and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", mine[3])
    assert next(r.split(",") for r in rows if r.startswith("430112004"))[4] == ""     # nothing returned


def test_a_future_deadline_marks_nothing(made: Round, tmp_path: Path) -> None:
    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest, "--deadline", "2999-12-31 17:30"):
        link = read_links(rnd.folder)["430112001"]
        post_file(link, rnd.returns["clean"].read_bytes())
        page = Browser("").open(link)[2]
        assert "报送截止 2999-12-31 17:30" in page and "逾期" not in text_of(page)
    with pytest.raises(RuntimeError, match="应写成 2025-03-31"):
        Server(rnd.manifest, "--deadline", "三月底")
