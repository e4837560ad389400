"""A check's result as the service keeps and answers it: the state, why a file was refused, the JSON text
a unit's script gets, and the sender's file name as text (never a path)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from xlsform.codes import CATALOGUE, make
from xlsform.normalize import compact
from xlsform.results import FileResult
from xlsform.status import MISSING, RESULT_LABELS

# 空表: the form came back as it was sent (XF304): a unit to chase like one that sent nothing, as `status`,
# the ledger and `merge` say (was 有错误, which sent the office looking for an error to send back)
STATE_LABELS: dict[str | None, str] = {None: MISSING, **RESULT_LABELS, "refused": "未被接受"}
STATE_CODES: tuple[str | None, ...] = (None, "blank", "errors", "warnings", "ok")   # the board's order
STATE_ORDER = tuple(STATE_LABELS[c] for c in STATE_CODES)
NOT_RETURNED = (None, "blank")      # the units to chase (催报): nothing yet, or only the blank form
HELD_LABELS = {"blank": "空表，未替换当前报表", "worse": "错误更多，待确认，未替换当前报表"}
HAND_MADE = "XF170"         # the importer read it: a form xlsform did not write
_FULL_PATH = re.compile(r"^(?:[A-Za-z]:[\\/]|[\\/]).*[\\/]")     # C:\..\, \\server\..\, /home/../
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")   # and direction controls


def state_label(state: str | None) -> str:
    return STATE_LABELS.get(state, state or MISSING)


def checked_upload(checked: FileResult, name: str, code: str, unit_name: str, manifest: Any) -> dict[str, Any]:
    """The check's result as the service keeps and answers it: state ('blank' for a form returned as sent,
    as `status` says 空表), refusal message, counts, JSON text."""
    result = checked.named(name)
    message = refusal(result, code, unit_name, manifest)
    answer = result.to_json() if not message else refused_answer(result, message)
    state = "refused" if message else "blank" if result.blank else result.status
    return {"state": state, "message": message, "errors": result.errors, "warnings": result.warnings,
            "blank": state == "blank", "text": answer_text(answer)}


# Advice the catalogue gives the office (check's reader) that a unit reading its own page cannot act on: on
# the unit's page the finding's advice is this instead. The JSON answer stays the object `check --json` gives.
UNIT_FIXES = {
    "XF304": "请在下发的表中填写后重新上传。",
    "XF114": "请确认上传的是下发的表，重新保存后再上传；仍不行请联系财政局。",
    "XF901": "请稍后重新上传；仍不行请联系财政局。",
    "XF163": "请用财政局下发的原表填写后重新上传。",
}


def for_unit(finding: dict[str, Any]) -> dict[str, Any]:
    """A finding as the unit's page shows it: advice addressed to the unit."""
    unit_fix = UNIT_FIXES.get(str(finding.get("code")))
    code = CATALOGUE.get(str(finding.get("code")))
    message = str(finding.get("message", ""))
    if not unit_fix or code is None or not code.fix or not message.endswith(code.fix):
        return finding
    return {**finding, "message": message[:-len(code.fix)] + unit_fix}


def held_reason(got: dict[str, Any], current: Any, confirmed: bool) -> str:
    """Why a readable upload must not replace the unit's current return at once ('' when it may): a blank
    form never replaces a filled return; one with more errors than the current waits for the unit to confirm.
    A blank current return is no return: anything readable replaces it (a newer blank too, as `status`
    takes the newest of two blank files)."""
    if got["state"] == "refused" or current is None or current.state in NOT_RETURNED:
        return ""
    if got["state"] == "blank":
        return "blank"
    if not confirmed and got["errors"] > (current.errors or 0):
        return "worse"
    return ""


def held_message(held: str, errors: int, current_errors: int) -> str:
    if held == "blank":
        return "这是一份空表（应填的内容一项也没有填），没有替换本单位已报送的表：请上传填好的表"
    return (f"这份表有 {errors} 处错误，比本单位当前的报表（{current_errors} 处）多，所以还没有替换当前报表。"
            "确实要用它替换，请点「用这份表替换当前报表」；否则请修改后重新上传")


def failed(path: Path, why: str) -> FileResult:
    """A file whose check could not finish (its worker died or overran): XF901, so it is refused."""
    return FileResult(file=str(path), findings=[make("XF901", file=str(path), value=why)])


def display_name(filename: str) -> str:
    """The sender's file name as text to show and keep in the database (never as a path): without the folders
    of a full path an old browser sends, no control characters (nor the direction controls that make a name
    show as another: 报表\u202excod.exe shows as 报表exe.docx), bounded. A "/" inside a name (macOS allows
    it: 2024/2025 自评表.xlsx) is kept as it is."""
    name = _CONTROL.sub("", _FULL_PATH.sub("", filename or "")).strip()
    return name[:200] or "未命名.xlsx"


def refusal(result: FileResult, unit_code: str, unit_name: str, manifest: Any) -> str:
    """Why this file cannot be the unit's return, in Chinese; '' when it can (whatever its findings)."""
    record = result.record
    if record is None:
        first = next((f.message for f in result.findings if f.severity == "error"), "")
        return f"无法作为自评表读取，请上传下发的 .xlsx 工作簿。{first}"
    code = (record.code or "").strip()
    if not code and any(f.code == HAND_MADE for f in result.findings):
        return hand_made_refusal(record.name, unit_name)
    if code != unit_code:
        whose = f"单位 {code}（{record.name or ''}）的报表" if code else "没有单位编码的工作簿"
        return f"这是{whose}，不是本单位（{unit_code} {unit_name}）的自评表：请上传本单位的表"
    if manifest is not None and record.spec_id != manifest.spec_id:
        return f"这份表的表样（{record.spec_id}）不是本轮下发的表样（{manifest.spec_id}）：请用下发的表填报"
    if manifest is not None and manifest.year and record.year and record.year != manifest.year:
        return f"这份表是 {record.year} 年度的，本轮为 {manifest.year} 年度：请上传本轮下发的表"
    return ""


def hand_made_refusal(name: str | None, unit_name: str) -> str:
    """A workbook the importer read (a form made by hand, or last year's, with no unit code): nothing in it says
    whose it is, and its locked figures cannot be compared cell by cell, so it cannot be the unit's return;
    it is not "another unit's" either (usually it is the unit's own figures in a layout of its own)."""
    whose = ""
    if name and compact(name) != compact(unit_name):
        whose = f"，表中的单位名称是「{name}」"
    return (f"这份表是自行制作或沿用以前格式的表格，不是财政局本轮下发给本单位的表格{whose}，无法确认是本单位的报表，"
            "也无法核对预填的数据：请把内容填到财政局下发给本单位的表格中，再上传那份表")


def refused_answer(result: FileResult, message: str) -> dict[str, Any]:
    return {"file": result.file, "status": "refused", "error": message,
            "findings": [f.to_json() for f in result.findings if f.severity == "error"]}


def answer_text(answer: dict[str, Any]) -> str:
    """The answer as JSON text, as `check --json` writes it; text a cell smuggled in that UTF-8 cannot hold (a
    lone surrogate) becomes "?" rather than failing the upload."""
    text = json.dumps(answer, ensure_ascii=False, separators=(",", ":"), default=str)
    return text.encode("utf-8", "replace").decode("utf-8")
