"""What a checker does with one request — check an upload, write its annotated copy, build the summary —
in a checking process or in the server's thread alike; and the checking process itself:
`python -m xlsform.serve.collect.worker MANIFEST` answers requests on its stdin until it closes."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from xlsform.check import check_file
from xlsform.serve.collect.answers import checked_upload
from xlsform.serve.collect.checkers import RETIRE_MB, grew_too_large, limit_memory, serve_requests
from xlsform.serve.collect.downloads import write_summary_of
from xlsform.store import Store


def handler(manifest: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def handle(request: dict[str, Any]) -> dict[str, Any]:
        if request["op"] == "ping":
            return {}
        if request["op"] == "annotate":
            check_file(request["path"], manifest=manifest, annotate=request["folder"])
            return {}
        if request["op"] == "summary":
            with Store(request["store"]) as store, open(request["out"], "wb") as out:
                write_summary_of(store, manifest, out)
            return {}
        checked = check_file(request["path"], manifest=manifest)
        code, name = request["unit"]
        return checked_upload(checked, request["name"], code, name, manifest)

    return handle


def main(argv: list[str], expect: str | None = None) -> None:
    """Answer requests on stdin; `expect`: the folder of the server's own xlsform, which this must be."""
    import xlsform
    from xlsform.manifest import Manifest

    here = Path(xlsform.__file__).resolve().parent
    if expect and here != Path(expect):
        sys.exit(f"检查进程载入的 xlsform（{here}）不是服务器所用的（{expect}）")
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl+C reaches the whole console; the server ends us
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())   # nothing the checker prints can break the protocol
    limit_memory()
    retire_mb = float(os.environ.get("XLSFORM_RETIRE_MB") or RETIRE_MB)     # (tests make it small)
    serve_requests(handler(Manifest.load(argv[0])), sys.stdin.buffer, answers,
                   retire=lambda: grew_too_large(retire_mb))


if __name__ == "__main__":
    main(sys.argv[1:])
