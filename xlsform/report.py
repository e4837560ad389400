"""Check results as a clerk reads them (terminal text grouped by file) and as machines read them (JSON)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from xlsform.codes import Finding, one_line
from xlsform.fsutil import shown_path
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
    by_status = {s: sum(r.status == s for r in results) for s in _STATUS_ORDER}
    passed = by_status["ok"] + by_status["warnings"]
    errors = sum(r.errors for r in results)
    warnings = sum(r.warnings for r in results)
    files = len({r.file for r in results})
    # a hand-made workbook may hold several units' forms: each is counted as a form, the file once
    counted = f"共 {files} 个文件" if files == len(results) else f"共 {files} 个文件、{len(results)} 张自评表"
    return (f"{counted}：{passed} 个通过，{by_status['errors']} 个有错误，"
            f"{by_status['unreadable']} 个无法读取；错误 {errors} 条，警告 {warnings} 条")


def format_text(results: Sequence[FileResult], *, info: bool = True, note: str | None = None,
                errors_only: bool = False, superseded: Mapping[str, str] | None = None) -> str:
    """The whole report: files with problems first (unreadable, errors, warnings, ok), then `note` (what was
    compared against what) and the total. `errors_only`: list only files with errors or unreadable (the
    total still counts every file). `superseded`: file -> the newer return of its unit that counts instead;
    those are listed apart, as status and merge list them, and left out of the total."""
    superseded = superseded or {}
    current = [r for r in results if r.file not in superseded]
    shown = [r for r in current if not errors_only or r.status in ("errors", "unreadable")]
    ordered = sorted(shown, key=lambda r: _STATUS_ORDER[r.status])
    blocks = [format_file(r, info=info) for r in ordered]
    older = [r for r in results if r.file in superseded]
    by_file = {r.file: r for r in current}
    if older:
        blocks.append(f"同一单位另有报送、不计入结果的文件（{len(older)} 个）：\n" + "\n".join(
            f"  {one_line(r.file)}（{_aside(r, by_file.get(superseded[r.file]))}，{STATUS_LABEL[r.status]}）"
            f"→ 以 {one_line(superseded[r.file])} 为准" for r in older))
    total = summary(current) + (f"；另有 {len(older)} 个较早的报送已被取代" if older else "")
    return "\n\n".join([*blocks, *([note] if note else []), total])


def _aside(older: FileResult, current: FileResult | None) -> str:
    return older.set_aside_for(current) if current is not None else "已被较新的报送取代"


def to_json(results: Iterable[FileResult], superseded: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Each file's object (`FileResult.to_json`: findings errors first), and on a return superseded by a newer
    one of its unit, `superseded_by`: that newer file, which counts instead."""
    out = []
    for r in results:
        obj = r.to_json()
        if superseded and r.file in superseded:
            obj["superseded_by"] = shown_path(superseded[r.file])
        out.append(obj)
    return out


def format_json(results: Iterable[FileResult], superseded: Mapping[str, str] | None = None) -> str:
    return json.dumps(to_json(results, superseded), ensure_ascii=False, indent=2, default=str)


def exit_code(results: Iterable[FileResult], superseded: Mapping[str, str] | None = None) -> int:
    """0 when no current return has errors; 1 when any has errors or cannot be read (a return superseded by
    a newer one of its unit does not count, as in status and merge)."""
    return 1 if any(r.status in ("errors", "unreadable") for r in results
                    if not superseded or r.file not in superseded) else 0
