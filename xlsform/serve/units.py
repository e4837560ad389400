"""A unit's private pages: /u/<token> shows the state, takes an upload, answers with the findings."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from xlsform.serve.collect import links
from xlsform.serve.collect.checkers import Busy
from xlsform.serve.collect.intake import OverQuota, TooMany, UnitBusy
from xlsform.serve.security import wait_text
from xlsform.serve.service import service
from xlsform.serve.web import (
    findings_of,
    json_response,
    message_page,
    page_number,
    send_annotated,
    too_large_message,
    wants_json,
)
from xlsform.store import TooLarge, UnitView

bp = Blueprint("units", __name__)


def _unit(token: str) -> UnitView:
    """An unknown, altered or revoked token is simply not found: nothing tells it apart from a bad URL."""
    unit = service().store.unit_by_token(token)
    if unit is None:
        abort(404)
    if unit.retired:        # the office took it off the round's list: nothing more to send
        abort(410, description=f"{unit.name}已不在本轮的报送名单中，不需要再报送；如有疑问请联系财政局")
    return unit


HISTORY_PAGE = 10       # a unit's past uploads a page


@bp.get("/u/<token>")
def page(token: str) -> str:
    unit = _unit(token)
    store = service().store
    page = page_number()
    history, total = store.history(unit.code, limit=HISTORY_PAGE, offset=(page - 1) * HISTORY_PAGE)
    newest = history[0].id if history and page == 1 else store.history(unit.code, limit=1)[0][0].id if total else None
    latest = store.submission(newest) if newest else None        # only this one's whole answer is read
    return render_template("unit.html", unit=unit, token=token, history=history, latest=latest,
                           findings=findings_of(latest, for_unit=True), max_mb=service().config.max_upload_mb,
                           page=page, pages=max(1, -(-total // HISTORY_PAGE)), total=total)


@bp.post("/u/<token>")
def upload(token: str) -> Any:
    unit = _unit(token)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _refuse(400, "没有收到文件：请先点「选择文件」选好本单位的 .xlsx 自评表，再点「上传并检查」")
    confirmed = request.form.get("confirm") in ("1", "true", "yes")
    try:
        outcome = service().intake.submit(unit, upload.filename, upload.stream, confirmed=confirmed)
    except TooLarge:
        return _refuse(413, too_large_message())
    except Busy:
        return _later(503, "服务器正忙：请稍等一分钟后重新上传", 30)
    except UnitBusy:
        return _later(429, "本单位的上一份文件还在检查中：请等几秒，刷新本页查看它的结果，需要时再上传", 0)
    except TooMany as e:
        return _later(429, f"本单位上传太频繁：请 {wait_text(e.wait)}后再上传。每次上传前请先按检查结果改好表", e.wait)
    except OverQuota:
        return _refuse(507, "本单位上传的文件已占满分配给每个单位的空间，无法再上传：请联系财政局")
    if wants_json():     # at the address the unit's link has, not the one this request named (a proxy's Host)
        confirm = f"{links.unit_url(service().config.base_url, token)}/current/{outcome.submission}"
        return json_response(outcome.answer(confirm), outcome.http_status)
    return redirect(url_for("units.page", token=token) + "#result", code=303)


@bp.post("/u/<token>/current/<int:sid>")
def make_current(token: str, sid: int) -> Any:
    """The unit confirms that its upload with more errors is to replace its current return."""
    unit = _unit(token)
    sub = service().store.submission(sid)
    if sub is None or sub.unit != unit.code or sub.held != "worse":
        abort(404)
    service().store.make_current(unit.code, sid)
    service().store.audit(f"unit:{unit.code}", "确认替换当前报表", f"{unit.code} #{sid}")
    if wants_json():
        return json_response(json.dumps({"status": "current", "submission": sid}), 200)
    return redirect(url_for("units.page", token=token) + "#result", code=303)


@bp.get("/u/<token>/annotated/<int:sid>")
def annotated(token: str, sid: int) -> Response:
    unit = _unit(token)
    sub = service().store.submission(sid)
    if sub is None or sub.unit != unit.code:      # another unit's submission does not exist for this link
        abort(404)
    try:
        return send_annotated(sub, for_unit=True)
    except Busy:
        return _later(503, "服务器正忙：请稍等一分钟后再下载", 30, "未能下载")
    except UnitBusy:
        return _later(429, "本单位的上一个请求还在处理中：请等几秒后再下载", 0, "未能下载")
    except TooMany as e:
        return _later(429, f"本单位下载批注版太频繁：请 {wait_text(e.wait)}后再下载", e.wait, "未能下载")


def _refuse(status: int, message: str, title: str = "未能上传") -> Response:
    return message_page(status, title, message)


def _later(status: int, message: str, seconds: float, title: str = "未能上传") -> Response:
    """A refusal that passes: how long to wait, also as Retry-After for a script."""
    response = _refuse(status, message, title)
    response.headers["Retry-After"] = str(int(seconds) + 1)
    return response
