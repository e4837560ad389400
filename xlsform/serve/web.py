"""What the unit's and the office's pages share: answering JSON or a page, the client's address, the CSRF
token, the annotated copy as a download, findings in the order a page lists them."""

from __future__ import annotations

import io
import json
import secrets
from typing import Any

from flask import Response, abort, request, send_file, session

from xlsform.annotate import annotated_name
from xlsform.serve.service import service
from xlsform.store import Submission

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return str(session["csrf"])


def wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def json_response(text: str, status: int) -> Response:
    return Response(text, status=status, mimetype="application/json")


def client_address() -> str:
    return request.remote_addr or "?"


def send_annotated(sub: Submission) -> Response:
    data = service().intake.annotated_copy(sub)
    if data is None:
        abort(404)
    return send_file(io.BytesIO(data), as_attachment=True, download_name=annotated_name(sub.filename),
                     mimetype=XLSX)


def findings_of(sub: Submission | None) -> list[dict[str, Any]]:
    """The findings of a submission as the page lists them: errors first, then warnings, then notes."""
    if sub is None:
        return []
    items = json.loads(sub.result).get("findings", [])
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(items, key=lambda f: order.get(f.get("severity"), 3))
