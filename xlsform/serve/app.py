"""The Flask app of `xlsform serve`: the two areas' blueprints, CSRF and security headers on every request,
and the error pages (Chinese, in the page's frame, or JSON for a script)."""

from __future__ import annotations

from flask import Flask, Response, abort, render_template, request, session
from werkzeug.exceptions import HTTPException

from xlsform.serve import admin, units
from xlsform.serve.collect.answers import HELD_LABELS, state_label
from xlsform.serve.collect.downloads import shown_time
from xlsform.serve.security import HEADERS, MIN_PASSWORD, same_token
from xlsform.serve.service import SERVICE, ServeConfig, Service
from xlsform.serve.web import csrf_token, error_message, message_page

__all__ = ["ServeConfig", "create_app"]


def create_app(config: ServeConfig) -> Flask:
    service = Service(config)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=service.secret_key,
        MAX_CONTENT_LENGTH=service.max_bytes + 64 * 1024,     # the form around the file
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_NAME=service.cookie_name,      # one per round: cookies are per host, not per port
    )
    app.extensions[SERVICE] = service
    app.jinja_env.globals.update(csrf_token=csrf_token, state_label=state_label, deadline=service.deadline,
                                 late=service.late, min_length=MIN_PASSWORD, held_label=HELD_LABELS.get)
    app.jinja_env.filters["clock"] = lambda stamp, seconds=False: shown_time(stamp, service.zone, seconds=seconds)
    app.after_request(_headers)
    app.before_request(_check_csrf)
    app.register_blueprint(units.bp)
    app.register_blueprint(admin.bp)
    app.register_error_handler(HTTPException, _error)
    app.add_url_rule("/", "home", home)
    app.add_url_rule("/favicon.ico", "favicon", lambda: app.send_static_file("favicon.svg"))
    return app


def _check_csrf() -> None:
    """Every form post of the office carries its session's token: the office is known by a cookie, which a
    browser would send along with a post another site makes. A unit is known by nothing but the secret token
    in its URL, which another site cannot know: its posts need no cookie and no form token (a unit's form
    used to fail with 表单已过期 when its browser kept no cookie or the signing key had been replaced)."""
    if request.method != "POST" or request.blueprint == "units":
        return
    if not same_token(request.form.get("csrf"), session.get("csrf")):
        abort(400, description="表单已过期，请返回上一页刷新后重新提交")


def _headers(response: Response) -> Response:
    """The same headers on every response. Set, not defaulted: `send_file` sets its own Cache-Control
    (no-cache, which lets a browser or a proxy keep the summary, the returns and the CSV on disk)."""
    for name, value in HEADERS.items():
        response.headers[name] = value
    return response


def _error(e: HTTPException) -> Response:
    """Every error a person can meet, in Chinese with what to do next: our own aborts carry their words;
    werkzeug's (405, a 413 from the form parser, ...) and an unexpected 500 get the words of their status."""
    code = e.code or 500
    ours = e.description if e.description and e.description != type(e).description else None
    return message_page(code, f"错误 {code}", ours or error_message(code))


def home() -> str:
    """The address without a link: say who this is for and where to go."""
    return render_template("home.html")
