"""The result of reading and checking one file: what `check`, `status` and `merge` all pass around."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from operator import attrgetter
from typing import Any, NamedTuple

from xlsform.codes import Finding
from xlsform.fsutil import shown_path
from xlsform.records import Record

STATUSES = ("ok", "warnings", "errors", "unreadable")
STALE_CODES = ("XF164", "XF165")
BLANK_CODE = "XF304"     # the form came back as it was sent: nothing typed
SUPERSEDED = "已被较新的报送取代"


def set_aside(older: Any, current: Any) -> str:
    """Why `older` does not count beside `current`, its unit's return that does (FileResults, or what a
    streamed report keeps of them: both carry `sha256`, `stale`, `record` and `blank`): said so a clerk sees a
    duplicate as a duplicate, a stale form as stale and an unreadable or blank file as such, not all as "older"."""
    if older.sha256 and older.sha256 == current.sha256:
        return "内容相同的重复文件"
    if older.stale:
        return "不是本轮或已被重新下发取代的表格"
    if older.record is None and current.record is not None:
        return "无法读取，可读取的报送优先"
    if older.blank and not current.blank:
        return "空表（未填写），已填写的报送优先"
    return SUPERSEDED


class Tally(NamedTuple):
    """What FileResult's status, errors, warnings, stale and blank say, from one pass (`FileResult.tally`)."""

    status: str
    errors: int
    warnings: int
    stale: bool
    blank: bool


@dataclass
class FileResult:
    """One file's result: its record (when readable), its findings and what they make its status."""

    file: str
    sha256: str | None = None
    mtime: float | None = None
    record: Record | None = None
    findings: list[Finding] = field(default_factory=list)
    own: str | None = None       # ownfiles.ANNOTATED / SUMMARY: one of this tool's outputs, not a return
    annotated: str | None = None  # where its annotated copy was written (check --annotate), None when not
    # the further forms of a hand-made workbook holding several (one unit a sheet), each checked on its own;
    # check_paths yields them after this one
    more: list[FileResult] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return self.tally().errors

    @property
    def warnings(self) -> int:
        return self.tally().warnings

    @property
    def stale(self) -> bool:
        """A form this round sent, but not the one the unit fills now (another year's, or replaced by a
        re-issue: XF164, XF165): never its unit's current return while one of the current form is there."""
        return self.tally().stale

    @property
    def blank(self) -> bool:
        """Returned as sent, nothing filled (XF304): not a return to count, judge or prefer over a filled one."""
        return self.tally().blank

    @property
    def status(self) -> str:
        return self.tally().status

    def named(self, name: str) -> FileResult:
        """The result as it reads for a file of that name (a stored upload shown by the name its unit gave it,
        not the store's hash path)."""
        record = replace(self.record, source=name) if self.record is not None else None
        return replace(self, file=name, record=record,
                       findings=[replace(f, file=name) if f.file else f for f in self.findings])

    def tally(self) -> Tally:
        """status, errors, warnings, stale and blank in one pass over the findings (a report asks for all of
        them for every file); each property is one of these."""
        severities = list(map(_SEVERITY_OF, self.findings))     # C-level passes: asked twice a return
        errors, warnings = severities.count("error"), severities.count("warning")
        codes = set(map(_CODE_OF, self.findings))
        status = "unreadable" if self.record is None else "errors" if errors else "warnings" if warnings else "ok"
        return Tally(status, errors, warnings, not codes.isdisjoint(STALE_CODES), BLANK_CODE in codes)

    def to_json(self) -> dict[str, Any]:
        t = self.tally()
        return {
            "file": shown_path(self.file), "sha256": self.sha256, "status": t.status,
            "errors": t.errors, "warnings": t.warnings,
            "record": self.record.to_json() if self.record else None,
            # errors first, then warnings, then notes (each kept in the order found): what a script acts on
            "findings": [f.to_json() for f in sorted(self.findings, key=lambda f: _SEVERITY_ORDER.get(f.severity, 3))],
        }


_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_SEVERITY_OF = attrgetter("severity")
_CODE_OF = attrgetter("code")
