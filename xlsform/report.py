"""Check results as a clerk reads them (terminal text grouped by file) and as machines read them (JSON)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import IO, Any

from xlsform.codes import Finding, one_line
from xlsform.results import FileResult

SEVERITY_LABEL = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_LABEL = {"ok": "通过", "warnings": "通过", "errors": "有错误", "unreadable": "无法读取"}
NO_MANIFEST = ("未给出 --manifest：锁定的预填内容按各工作簿内保存的预填副本核对（副本本身被改动时无法发现），"
               "单位编码是否在本轮下发名单中未核对。")
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_STATUS_ORDER = {"unreadable": 0, "errors": 1, "warnings": 2, "ok": 3}


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then warnings, then info; within a severity, the order the checks found them."""
    return sorted(findings, key=lambda f: _SEVERITY_ORDER.get(f.severity, 3))


UNIT_CHARS = 40     # a unit name in a heading; the workbook's text, so a hostile one is cut


def unit_label(result: FileResult) -> str:
    """"430112001 长沙市望城区接待服务中心" as read from the workbook, so a return renamed 自评表(1).xlsx is still
    recognisable; "" for a file with no readable unit."""
    rec = result.record
    parts = [one_line(str(x)).strip() for x in (rec.code, rec.name) if x] if rec is not None else []
    text = " ".join(p for p in parts if p)
    return text if len(text) <= UNIT_CHARS else text[:UNIT_CHARS] + "…"


def format_file(result: FileResult, *, info: bool = True) -> str:
    unit = unit_label(result)
    head = f"{'【' + unit + '】' if unit else ''}{one_line(result.file)}：{STATUS_LABEL[result.status]}"
    if result.status == "errors":
        head += f"，错误 {result.errors} 条，警告 {result.warnings} 条"
    elif result.warnings:
        head += f"，警告 {result.warnings} 条"
    lines = [head]
    for f in sort_findings(result.findings):
        if info or f.severity != "info":
            lines.append(f"  [{SEVERITY_LABEL.get(f.severity, f.severity)}] {f.code} {f.message}")
    return "\n".join(lines)


def summary(results: Sequence[FileResult]) -> str:
    """The one-line total, e.g. "共 4 个文件：1 个通过，2 个有错误，1 个无法读取；错误 5 条，警告 3 条"."""
    tally = Tally()
    for r in results:
        tally.add(r)
    return tally.summary()


class Tally:
    """Counts of a batch taken file by file, so a report need not keep the files' results."""

    def __init__(self) -> None:
        self.files = 0
        self.by_status = dict.fromkeys(_STATUS_ORDER, 0)
        self.errors = self.warnings = 0

    def add(self, result: Any) -> None:
        """A FileResult or a check.Rendered (both have status, errors and warnings)."""
        self.files += 1
        self.by_status[result.status] += 1
        self.errors += result.errors
        self.warnings += result.warnings

    def summary(self) -> str:
        passed = self.by_status["ok"] + self.by_status["warnings"]
        return (f"共 {self.files} 个文件：{passed} 个通过，{self.by_status['errors']} 个有错误，"
                f"{self.by_status['unreadable']} 个无法读取；错误 {self.errors} 条，警告 {self.warnings} 条")

    def exit_code(self) -> int:
        return 1 if self.by_status["errors"] or self.by_status["unreadable"] else 0


def format_text(results: Sequence[FileResult], *, info: bool = True, note: str | None = None,
                errors_only: bool = False) -> str:
    """The whole report: files with problems first (unreadable, errors, warnings, ok), then `note` (what was
    compared against what) and the total. `errors_only`: list only files with errors or unreadable (the
    total still counts every file)."""
    shown = [r for r in results if not errors_only or r.status in ("errors", "unreadable")]
    ordered = sorted(shown, key=lambda r: _STATUS_ORDER[r.status])
    blocks = [format_file(r, info=info) for r in ordered]
    return "\n\n".join([*blocks, *([note] if note else []), summary(results)])


def to_json(results: Iterable[FileResult]) -> list[dict[str, Any]]:
    return [r.to_json() for r in results]


def format_json(results: Iterable[FileResult]) -> str:
    """The JSON report of `check --json` as one text: an array, one file's object a line."""
    return "[\n" + ",\n".join(json_bytes(r).decode("utf-8") for r in results) + "\n]"


def exit_code(results: Iterable[FileResult]) -> int:
    """0 when no file has errors; 1 when any file has errors or cannot be read."""
    return 1 if any(r.status in ("errors", "unreadable") for r in results) else 0


# ----------------------------------------------------------------------------------- streamed reports
# A batch's report is written as its results arrive (check.render_paths renders each where it was checked):
# nothing of a file is kept once written, so memory does not grow with the round.

def json_bytes(result: FileResult) -> bytes:
    """One file's object, compact (json's C encoder: its indenting encoder is pure Python and cost more than
    reading the file), UTF-8."""
    return json.dumps(result.to_json(), ensure_ascii=False, default=str).encode("utf-8")


def text_bytes(result: FileResult, *, info: bool = True) -> bytes:
    return format_file(result, info=info).encode("utf-8")


class JsonStream:
    """`check --json`: one JSON array, each file's object on its own line, written as results arrive
    (`lines`: JSON Lines instead, one object a line and nothing else)."""

    def __init__(self, out: IO[bytes], *, lines: bool = False) -> None:
        self.out, self.lines, self.tally = out, lines, Tally()
        self.closed = False

    def add(self, rendered: Any) -> None:
        if not self.lines:
            self.out.write(b",\n" if self.tally.files else b"[\n")
        self.out.write(rendered.text)
        if self.lines:
            self.out.write(b"\n")
        self.tally.add(rendered)

    def close(self) -> None:
        """End the array (when anything was written), after the last file."""
        if not self.lines and self.tally.files and not self.closed:
            self.out.write(b"\n]\n")
        self.closed = True
        self.out.flush()


class TextStream:
    """The text report (`format_text`'s order: unreadable, errors, warnings, ok, then the note and the total)
    with each file's block set aside in a spool of its status (memory up to a limit, then a temporary file)."""

    SPOOL = 4 << 20

    def __init__(self, *, errors_only: bool = False) -> None:
        import tempfile

        self.errors_only, self.tally = errors_only, Tally()
        # closed once written out (`write`) or given up (`close`)
        self.spools = {s: tempfile.SpooledTemporaryFile(self.SPOOL) for s in _STATUS_ORDER}  # noqa: SIM115

    def add(self, rendered: Any) -> None:
        self.tally.add(rendered)
        if self.errors_only and rendered.status not in ("errors", "unreadable"):
            return
        spool = self.spools[rendered.status]
        if spool.tell():
            spool.write(b"\n\n")
        spool.write(rendered.text)

    def write(self, out: IO[bytes], note: str | None = None) -> None:
        first = True
        for status in _STATUS_ORDER:
            spool = self.spools[status]
            if not spool.tell():
                continue
            if not first:
                out.write(b"\n\n")
            spool.seek(0)
            while block := spool.read(1 << 20):
                out.write(block)
            first = False
        self.close()
        tail = [*([note] if note else []), self.tally.summary()]
        out.write(("\n\n" if not first else "").encode() + "\n\n".join(tail).encode("utf-8") + b"\n")
        out.flush()

    def close(self) -> None:
        for spool in self.spools.values():
            spool.close()
