"""`xlsform serve`: the collection service, a thin Flask layer over the library.

Routes read the request, call the library (`intake` to check and store an upload, `store` for the round's
state, `collected` for the downloads) and render one autoescaped template per page; no rule, score or SQL
lives here. `units.py` serves each unit's private page, `admin.py` the office's pages under /admin.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, Response, abort, request, session

from xlsform import links
from xlsform.intake import Intake, state_label
from xlsform.manifest import Manifest
from xlsform.serve.security import HEADERS, LoginThrottle, hash_password, new_password, same_token
from xlsform.store import Store, store_path

SERVICE = "xlsform"


@dataclass
class ServeConfig:
    manifest: Path
    base_url: str = "http://127.0.0.1:8000"
    max_upload_mb: float = 10.0
    deadline: str | None = None
    admin_password: str | None = None     # used only when the store has none yet (first start)
    check_processes: int = field(default_factory=lambda: max(1, os.cpu_count() or 1))   # 0: in threads
    check_slots: int = 2                  # checks at once when they run in the server's threads
    queue_wait: float = 10.0              # seconds an upload waits for a checking slot before 503
    check_timeout: float = 120.0          # seconds one file may take; then its worker is replaced


class Service:
    """Everything the routes share: the store, the intake pool, the manifest, the login throttle."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.manifest = Manifest.load(config.manifest)
        manifest_file = self.manifest.path or config.manifest
        self.store = Store(store_path(manifest_file))
        self.links_csv = self.store.path.parent / links.LINKS_NAME
        self.max_bytes = int(config.max_upload_mb * 1024 * 1024)
        self.intake = Intake(self.store, self.manifest, max_bytes=self.max_bytes, slots=config.check_slots,
                             wait=config.queue_wait, processes=config.check_processes,
                             timeout=config.check_timeout)
        self.throttle = LoginThrottle()
        self.store.remove_stale_temporaries()
        self.store.sync_units((str(u.code), str(u.name)) for u in self.manifest.units)
        self.secret_key = self.store.set_meta("secret_key", secrets.token_hex(32), only_if_absent=True)
        self.new_admin_password = self._first_password(config.admin_password)

    def _first_password(self, given: str | None) -> str | None:
        """The admin password is set once, at first start; returns it when it was made up here (to print)."""
        if self.store.meta("admin_password") is not None:
            return None
        password = given or new_password()
        hashed = hash_password(password)
        kept = self.store.set_meta("admin_password", hashed, only_if_absent=True)
        return None if given or kept != hashed else password     # another process set it first: not ours

    def close(self) -> None:
        self.intake.close()
        self.store.close()

    def issue_links(self, base_url: str | None = None) -> int:
        if base_url:
            self.config.base_url = base_url
        return links.issue_missing(self.store, self.config.base_url, self.links_csv)


def create_app(config: ServeConfig) -> Flask:
    service = Service(config)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=service.secret_key,
        MAX_CONTENT_LENGTH=service.max_bytes + 64 * 1024,     # the form around the file
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_NAME="xlsform_session",
    )
    app.extensions[SERVICE] = service
    app.jinja_env.globals.update(csrf_token=csrf_token, state_label=state_label, deadline=config.deadline)
    app.after_request(_headers)
    app.before_request(_check_csrf)
    from xlsform.serve import admin, units

    app.register_blueprint(units.bp)
    app.register_blueprint(admin.bp)
    units.register_errors(app)
    return app


def service() -> Service:
    from flask import current_app

    svc: Service = current_app.extensions[SERVICE]
    return svc


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return str(session["csrf"])


def wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _check_csrf() -> None:
    """Every form post carries the session's token. A unit's upload asked for JSON (a script, not a form) is
    exempt: its URL's secret token is the credential, which another site cannot know."""
    if request.method != "POST" or (request.blueprint == "units" and wants_json()):
        return
    if not same_token(request.form.get("csrf"), session.get("csrf")):
        abort(400, description="表单已过期，请返回上一页刷新后重新提交")


def _headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def json_response(text: str, status: int) -> Response:
    return Response(text, status=status, mimetype="application/json")


def client_address() -> str:
    return request.remote_addr or "?"
