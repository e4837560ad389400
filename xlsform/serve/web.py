"""What the unit's and the office's pages share: answering JSON or a page, the client's address, the CSRF
token, the annotated copy as a download, findings in the order a page lists them."""

from __future__ import annotations

import io
import json
import secrets
from typing import Any

from flask import Response, abort, render_template, request, send_file, session, url_for

from xlsform.serve.collect import answers
from xlsform.serve.service import service
from xlsform.store import Submission

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return str(session["csrf"])


def wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def page_number() -> int:
    """The ?page= asked for, from 1 to a bound (page=99999999999999999999 overflowed SQLite's OFFSET: 500)."""
    return min(max(1, request.args.get("page", 1, type=int) or 1), 1_000_000)


def json_response(text: str, status: int) -> Response:
    return Response(text, status=status, mimetype="application/json")


def client_address() -> str:
    return request.remote_addr or "?"


def send_annotated(sub: Submission, *, for_unit: bool = False) -> Response:
    copy = service().intake.annotated_copy(sub, for_unit=for_unit)
    if copy is None:
        abort(404)
    name, data = copy
    return send_file(io.BytesIO(data), as_attachment=True, download_name=name, mimetype=XLSX)


def findings_of(sub: Submission | None, *, for_unit: bool = False) -> list[dict[str, Any]]:
    """The findings of a submission as the page lists them: errors first, then warnings, then notes; on the
    unit's own page with advice addressed to the unit."""
    if sub is None:
        return []
    items = json.loads(sub.result).get("findings", [])
    if for_unit:
        items = [answers.for_unit(f) for f in items]
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(items, key=lambda f: order.get(f.get("severity"), 3))


# What a person is told when a request cannot be served, by HTTP status: what happened and what to do next.
_ERRORS = {
    400: "请求无法处理：请返回上一页，刷新后重新操作",
    403: "没有权限打开这个页面：各单位请用财政局发给本单位的专属链接",
    404: "页面不存在：链接可能抄错了或已经停用。请核对链接；仍打不开，请向财政局索取新链接",
    410: "这个单位已不在本轮的报送名单中：如有疑问请联系财政局",
    405: "这个网址不能这样打开：请从页面上的按钮操作（各单位请打开本单位的专属链接）",
    429: "操作太频繁：请稍等一会儿再试",
    431: "请求头过大：请关闭浏览器后重新打开链接",
    500: "服务器内部出错，未能完成：请稍后重试；如果反复出现，请告诉财政局",
    501: "服务器不支持这种请求：请用浏览器打开链接",
    503: "服务器正忙：请稍等一分钟后再试",
}


def error_message(code: int) -> str:
    if code == 413:
        return too_large_message()
    return _ERRORS.get(code) or _ERRORS[500 if code >= 500 else 400]


def too_large_message() -> str:
    """A body over the limit: one file too large, or a form of thousands of parts (not a form of ours)."""
    limit = service().config.max_upload_mb
    if request.content_length is not None and request.content_length <= service().max_bytes:
        return "上传的表单内容过多，无法处理：请在本单位页面上选择一个 .xlsx 文件上传"
    return f"文件超过 {limit:g} MB 的上限：自评表通常不到 1 MB，请确认选的是下发的表，删去表中插入的图片后重新上传"


def way_back() -> tuple[str, str] | None:
    """Where a person goes from an error page: the unit's own page, or the office's board."""
    path = request.path
    if path.startswith("/u/"):
        token = path.split("/")[2]
        unit = service().store.unit_by_token(token) if token else None
        if unit is not None and not unit.retired:
            return url_for("units.page", token=token), "返回本单位页面"
        return url_for("home"), "返回首页（说明如何报送）"      # says the same for a good link and a bad one
    if path.startswith("/admin"):
        return url_for("admin.dashboard"), "返回财政局总览"
    return url_for("home"), "返回首页"


def message_page(status: int, title: str, message: str) -> Response:
    """A refusal as the person's client wants it: JSON for a script, else a page with a way back."""
    if wants_json():
        return json_response(json.dumps({"error": message}, ensure_ascii=False), status)
    return Response(render_template("message.html", title=title, message=message, back=way_back()), status)
