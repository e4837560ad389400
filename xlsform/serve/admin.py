"""The office's pages under /admin: login, dashboard with the units table, a unit's detail, downloads."""

from __future__ import annotations

import functools
import io
import secrets
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, send_file, session, url_for

from xlsform.serve import security
from xlsform.serve.collect import downloads, links
from xlsform.serve.collect.answers import NOT_RETURNED, STATE_CODES, STATE_ORDER, state_label
from xlsform.serve.collect.checkers import Busy, Died
from xlsform.serve.security import device_of, new_password, verify_password, wait_text
from xlsform.serve.service import service
from xlsform.serve.web import XLSX, client_address, findings_of, page_number, send_annotated
from xlsform.store import Submission

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE = 500          # units table rows a page: 5,000 rows render in ~0.2 s here, 500 in a tenth of it
HISTORY_PAGE = 20   # a unit's submissions a page
DONE = {"current": "已设为当前报表，汇总表与报送状态随之更新。", "revoke": "链接已停用：旧链接立即失效。",
        "reissue": "已重新发放链接：旧链接立即失效，请把下面的新链接发给该单位。"}
_STATE_OF: dict[str, str | None] = {state_label(c): c for c in STATE_CODES}


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """An office page needs a session the store still holds: logging out, a new password or a reset ends
    it on every copy of the cookie, and so does an idle or a whole working day."""
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        token = session.get("admin")
        if not isinstance(token, str) or not service().store.session_alive(
                token, time.time(), idle=security.SESSION_IDLE, longest=security.SESSION_LONGEST):
            expired = token is not None
            session.clear()
            return redirect(url_for("admin.login", next=request.full_path, expired=1 if expired else None),
                            code=303)
        return view(*args, **kwargs)
    return wrapped


def _audit(action: str, detail: str = "") -> None:
    service().store.audit(f"admin@{client_address()}", action, detail)


# ------------------------------------------------------------------------------------------- login

def _login_page(error: str | None, status: int = 200, **headers: str) -> Response:
    notice = ("管理密码已修改，所有登录都已失效：请用新密码登录" if request.args.get("changed")
              else "登录已过期或已在别处退出，请重新登录" if request.args.get("expired") else None)
    return Response(render_template("login.html", error=error, notice=notice, next=_safe_next()), status, headers)


def _device_cookie() -> str:
    return service().cookie_name + "_device"


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    svc = service()
    if request.method == "GET":
        return _login_page(None)
    device = device_of(svc.secret_key, request.cookies.get(_device_cookie()))
    keys = svc.throttle.keys(client_address(), device)
    wait = svc.throttle.attempt(keys)
    if wait > 0:
        return _login_page(f"密码错误次数过多：请 {wait_text(wait)}后再试。"
                           "在曾经成功登录过的浏览器上登录不受此限制。", 429, **{"Retry-After": str(int(wait) + 1)})
    if not verify_password(request.form.get("password", ""), svc.store.meta("admin_password") or ""):
        _audit("登录失败")
        return _login_page("密码不正确", 401)
    svc.throttle.succeeded(keys)
    token, now = secrets.token_urlsafe(32), time.time()
    svc.store.end_sessions(older_than=now - security.SESSION_IDLE)      # tidy: those nobody can use any more
    svc.store.add_session(token, client_address(), now)
    session.clear()                      # a fresh session (and CSRF token) after login
    session["admin"] = token
    _audit("登录")
    response = redirect(_safe_next() or url_for("admin.dashboard"), code=303)
    # this browser is the office's from now on: a guesser's failures elsewhere will not make it wait
    response.set_cookie(_device_cookie(), security.device_value(svc.secret_key, device or secrets.token_urlsafe(16)),
                        max_age=security.DEVICE_DAYS * 86400, path="/admin", httponly=True, samesite="Strict")
    return response


def _safe_next() -> str | None:
    """Only a path of this site: a crafted ?next=https://elsewhere must not turn login into a redirector."""
    target = request.values.get("next") or ""
    return target if target.startswith("/admin") and "//" not in target and "\\" not in target else None


@bp.post("/logout")
def logout() -> Any:
    token = session.get("admin")
    if isinstance(token, str):
        service().store.end_session(token)
        _audit("退出")
    session.clear()
    return redirect(url_for("admin.login"), code=303)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> Any:
    """The office changes its password; every session (this one too) ends, so a copied cookie dies with it."""
    svc = service()
    if request.method == "GET":
        return render_template("password.html", error=None, suggestion=new_password())
    keys = svc.throttle.keys(client_address(), device_of(svc.secret_key, request.cookies.get(_device_cookie())))
    if (wait := svc.throttle.attempt(keys)) > 0:
        return Response(render_template("password.html", error=f"当前密码错误次数过多：请 {wait_text(wait)}后再试",
                                        suggestion=new_password()), 429)
    if not verify_password(request.form.get("current", ""), svc.store.meta("admin_password") or ""):
        return Response(render_template("password.html", error="当前密码不正确", suggestion=new_password()), 400)
    svc.throttle.succeeded(keys)
    new, again = request.form.get("new", ""), request.form.get("again", "")
    error = "两次输入的新密码不一致" if new != again else security.password_problem(new)
    if error:
        return Response(render_template("password.html", error=error, suggestion=new_password()), 400)
    svc.set_password(new)
    _audit("修改管理密码", "所有登录已失效")
    session.clear()
    return redirect(url_for("admin.login", changed=1), code=303)


# --------------------------------------------------------------------------------------- the board

@bp.get("/")
@login_required
def dashboard() -> str:
    store = service().store
    by_state = store.state_counts()
    # 空表 only when there is one, as `status` counts (most rounds have none); the filter always offers it
    counts = [(state_label(code), by_state.get(code, 0)) for code in STATE_CODES
              if by_state.get(code) or code != "blank"]
    label, query = request.args.get("state", ""), request.args.get("q", "").strip()
    state = _STATE_OF.get(label, "")
    page = page_number()
    units, matched = store.find_units(state=state, text=query, limit=PAGE, offset=(page - 1) * PAGE)
    pages = max(1, -(-matched // PAGE))
    # one URL prefix for the rows: url_for per row cost more than the rest of the page
    return render_template("dashboard.html", counts=counts, total=sum(by_state.values()), units=units,
                           matched=matched, page=page, pages=pages, state=label if state != "" else "",
                           q=query, states=STATE_ORDER, unit_href=url_for("admin.unit", code="-")[:-1],
                           submissions=store.submission_count(), retired=store.retired())


@bp.get("/unit/<code>")
@login_required
def unit(code: str) -> str:
    store = service().store
    u = store.unit(code)
    if u is None:
        abort(404)
    page = page_number()
    history, total = store.history(code, limit=HISTORY_PAGE, offset=(page - 1) * HISTORY_PAGE)
    shown = u.submission or (history[0].id if history and page == 1 else None)
    latest = store.submission(shown) if shown else None       # the one whose findings are listed, whole
    return render_template("admin_unit.html", unit=u, history=history, current=latest if u.submission else None,
                           findings=findings_of(latest), link=links.read(service().links_csv).get(code),
                           done=DONE.get(request.args.get("done", "")), page=page,
                           pages=max(1, -(-total // HISTORY_PAGE)), total=total)


@bp.route("/unit/<code>/link", methods=["GET", "POST"])
@login_required
def link(code: str) -> Any:
    """停用链接 / 重新发放链接: asked to confirm first (GET), done by the form's POST, which then redirects to
    the unit's page — so reloading that page does nothing again."""
    svc = service()
    u = svc.store.unit(code)
    action = request.values.get("action")
    if u is None or action not in ("revoke", "reissue"):
        abort(404)
    if request.method == "GET":
        return render_template("confirm_link.html", unit=u, action=action)
    if action == "revoke":
        links.revoke(svc.store, svc.links_csv, code)
        _audit("停用链接", code)
    else:
        links.reissue(svc.store, svc.config.base_url, svc.links_csv, code)
        _audit("重新发放链接", code)
    return redirect(url_for("admin.unit", code=code, done=action) + "#link", code=303)


@bp.post("/unit/<code>/current/<int:sid>")
@login_required
def make_current(code: str, sid: int) -> Any:
    """The office makes any readable submission of the unit its current return again (audited)."""
    if not service().store.make_current(code, sid):
        abort(404)
    _audit("设为当前报表", f"{code} #{sid}")
    return redirect(url_for("admin.unit", code=code, done="current") + "#history", code=303)


@bp.get("/missing")
@login_required
def missing() -> str:
    """The units to chase (nothing returned, or only the blank form: 催报) and those whose return has errors
    (退回修改), in that order: the same two lists as merge's 未报送 and 退回修改 sheets."""
    units = service().store.units()
    units = [u for u in units if u.state in NOT_RETURNED] + [u for u in units if u.state == "errors"]
    now = datetime.now().astimezone(service().zone)
    return render_template("missing.html", units=units, now=now.strftime("%Y-%m-%d %H:%M"))


@bp.get("/audit")
@login_required
def audit() -> str:
    return render_template("audit.html", entries=service().store.audit_log())


# --------------------------------------------------------------------------------------- downloads

@bp.get("/submission/<int:sid>/file")
@login_required
def submission_file(sid: int) -> Response:
    sub = _submission(sid)
    if not sub.kept:
        abort(404, description="这次上传未被接受，其文件已按保留规则清理（每个单位只保留最近 5 次未被接受的文件）")
    _audit("下载报送文件", f"{sub.unit} #{sid}")
    path = service().store.file_path(sub.sha256)
    name = downloads.download_name(sub.filename, path)
    return send_file(path, as_attachment=True, download_name=name,
                     mimetype=XLSX if name.endswith(".xlsx") else "application/vnd.ms-excel")


@bp.get("/submission/<int:sid>/annotated")
@login_required
def submission_annotated(sid: int) -> Response:
    return send_annotated(_submission(sid))


def _submission(sid: int) -> Submission:
    sub = service().store.submission(sid)
    if sub is None:
        abort(404)
    return sub


@bp.get("/summary.xlsx")
@login_required
def summary() -> Response:
    try:
        data = service().intake.summary()
    except Busy:
        abort(503, description="服务器正忙，请稍等一分钟后重新下载")
    except Died as e:
        abort(500, description=f"汇总表未能生成：{e}")
    _audit("下载汇总表")
    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"汇总_{_stamp()}.xlsx", mimetype=XLSX)


@bp.get("/returns.zip")
@login_required
def returns_zip() -> Response:
    # Thousands of returns: written to disk and streamed, never whole in memory; the response closes the file.
    spool = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        n = downloads.write_returns_zip(service().store, spool)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    _audit("下载全部报表", f"{n} 份")
    return send_file(spool, as_attachment=True, download_name=f"报表_{_stamp()}.zip", mimetype="application/zip")


@bp.get("/units.csv")
@login_required
def units_csv() -> Response:
    data = downloads.units_csv(service().store.units(), service().late, service().zone)
    _audit("导出单位表")
    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"报送情况_{_stamp()}.csv",
                     mimetype="text/csv")


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d_%H%M")
