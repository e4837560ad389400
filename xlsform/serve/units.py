"""A unit's private pages: /u/<token> shows the state, takes an upload, answers with the findings."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from xlsform.serve.collect.checkers import Busy
from xlsform.serve.service import service
from xlsform.serve.web import findings_of, json_response, send_annotated, wants_json
from xlsform.store import TooLarge, UnitView

bp = Blueprint("units", __name__)


def _unit(token: str) -> UnitView:
    """An unknown, altered or revoked token is simply not found: nothing tells it apart from a bad URL."""
    unit = service().store.unit_by_token(token)
    if unit is None:
        abort(404)
    return unit


@bp.get("/u/<token>")
def page(token: str) -> str:
    unit = _unit(token)
    history = service().store.submissions(unit.code)
    latest = history[0] if history else None
    return render_template("unit.html", unit=unit, token=token, history=history, latest=latest,
                           findings=findings_of(latest), max_mb=service().config.max_upload_mb)


@bp.post("/u/<token>")
def upload(token: str) -> Any:
    unit = _unit(token)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _refuse(400, "请选择要上传的 .xlsx 文件", token)
    try:
        outcome = service().intake.submit(unit, upload.filename, upload.stream)
    except TooLarge:
        return _refuse(413, too_large_message(), token)
    except Busy:
        response = _refuse(503, "服务器正忙，请稍等一分钟后重新上传", token)
        response.headers["Retry-After"] = "30"
        return response
    if wants_json():
        return json_response(outcome.text, outcome.http_status)
    return redirect(url_for("units.page", token=token) + "#result", code=303)


@bp.get("/u/<token>/annotated/<int:sid>")
def annotated(token: str, sid: int) -> Response:
    unit = _unit(token)
    sub = service().store.submission(sid)
    if sub is None or sub.unit != unit.code:      # another unit's submission does not exist for this link
        abort(404)
    return send_annotated(sub)


def too_large_message() -> str:
    return f"文件超过 {service().config.max_upload_mb:g} MB 的上限：自评表通常不到 1 MB，请上传下发的表"


def _refuse(status: int, message: str, token: str | None = None) -> Response:
    if wants_json():
        return json_response(json.dumps({"error": message}, ensure_ascii=False), status)
    return Response(render_template("message.html", title="未能上传", message=message, token=token), status)
