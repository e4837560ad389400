"""Who has returned: assign checked files to the units of the roster.

Each roster unit ends in one state: 已通过 (accepted), 仅有警告 (accepted, look at the warnings), 有错误 (returned
but not acceptable yet, including files that cannot be read), 空表 (the form came back as it was sent, nothing
filled: a unit to chase like one that sent nothing, not a return with an error to fix) or 未报送.

Nothing is silently dropped: a file that matches no unit is listed as unmatched, and when a unit returned several
files the newest counts and the others are listed with it.

"Newest" is decided by the workbook's own content first, then by the file: the `dcterms:modified` time that
Excel and WPS write into docProps/core.xml on every save (it survives copying, mailing and unzipping, which
reset the file time), then the file's mtime, then the file name so the choice is deterministic.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from xlsform.fsutil import shown_path
from xlsform.results import FileResult, set_aside

RETURNED = "已通过"         # was 已报送, which a clerk read as "returned" beside 仅有警告 (issue 15.14)
WARNINGS = "仅有警告"
ERRORS = "有错误"
BLANK = "空表"            # returned as sent (XF304): was 有错误, which sent the clerk looking for the error
MISSING = "未报送"
STATES = (RETURNED, WARNINGS, ERRORS, BLANK, MISSING)
# For scripts: a code beside each label (the labels are for people and may be reworded).
STATE_CODES = {RETURNED: "passed", WARNINGS: "warnings", ERRORS: "errors", BLANK: "blank", MISSING: "missing"}
# The label of a checked file's status (FileResult.status; "blank" for a form returned as sent), one naming for
# the ledger's CSV and the web service's pages.
RESULT_LABELS: dict[str | None, str] = {"ok": RETURNED, "warnings": WARNINGS, "errors": ERRORS, "blank": BLANK,
                                        "unreadable": "无法读取"}

_CORE = "docProps/core.xml"
_MODIFIED = "{http://purl.org/dc/terms/}modified"
_ODS_META = "meta.xml"
_ODS_DATE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}meta/{http://purl.org/dc/elements/1.1/}date"
_CORE_LIMIT = 1 << 16   # core.xml is a few hundred bytes; a larger one is not worth parsing

ModifiedFn = Callable[[FileResult], datetime | None]


class RosterUnit(NamedTuple):
    """A unit of the roster or the manifest, by which its returns are assigned."""

    code: str
    name: str
    file: str | None = None       # the file name the unit was sent, when a manifest says so


@dataclass
class UnitStatus:
    unit: RosterUnit
    result: FileResult | None = None                          # the return that counts
    others: list[FileResult] = field(default_factory=list)    # older returns of the same unit

    @property
    def state(self) -> str:
        return state_of(self.result)

    def to_json(self) -> dict[str, Any]:
        r = self.result
        return {
            "code": self.unit.code, "name": self.unit.name, "state": self.state,
            "state_code": STATE_CODES[self.state],
            "file": r.file if r else None, "arrived": iso_time(r.mtime) if r else None,
            "errors": r.errors if r else None, "warnings": r.warnings if r else None,
            "others": [o.file for o in self.others],
        }


@dataclass
class Assignment:
    units: list[UnitStatus]
    unmatched: list[FileResult] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATES, 0)
        for u in self.units:
            counts[u.state] += 1
        return counts

    @property
    def several(self) -> list[UnitStatus]:
        return [u for u in self.units if u.others]

    def unit_of(self) -> dict[str, str]:
        """file -> unit code, for every file that was assigned (the ledger records it)."""
        out: dict[str, str] = {}
        for u in self.units:
            for r in ([u.result] if u.result else []) + u.others:
                out[r.file] = u.unit.code
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "units": [u.to_json() for u in self.units],
            "counts": self.counts(),
            "unmatched": [{"file": r.file, "code": _code(r), "state": state_of(r),
                           "state_code": STATE_CODES[state_of(r)]} for r in self.unmatched],
            "several": [{"code": u.unit.code, "counted": u.result.file if u.result else None,
                         "others": [o.file for o in u.others]} for u in self.several],
        }


def state_of(result: FileResult | None) -> str:
    if result is None:
        return MISSING
    if result.blank and result.record is not None:
        return BLANK
    if result.status in ("errors", "unreadable"):
        return ERRORS
    return WARNINGS if result.status == "warnings" else RETURNED


# ----------------------------------------------------------------------------------- assigning

def assign(results: Iterable[FileResult], units: Sequence[RosterUnit] | None = None, *,
           modified: ModifiedFn | None = None) -> Assignment:
    """Each result to its roster unit; without a roster, the units are the codes found in the returns."""
    results = list(results)
    if units is None:
        units = units_from_results(results)
    modified = modified or workbook_modified
    matcher = _Matcher(units)
    found: dict[str, list[FileResult]] = {unit_key(u): [] for u in units}
    unmatched: list[FileResult] = []
    for r in results:
        key = matcher.match(r)
        (found[key] if key is not None else unmatched).append(r)
    statuses = [_pick(u, found[unit_key(u)], modified) for u in units]
    return Assignment(statuses, sorted(unmatched, key=lambda r: r.file))


def units_from_results(results: Iterable[FileResult]) -> list[RosterUnit]:
    """Without a roster every code found in a readable return is a unit, in code order; a return without a
    code (a hand-made form from before the round) is its unit by name, after them."""
    names: dict[str, str] = {}
    unnamed: set[str] = set()
    for r in results:
        code = _code(r)
        if code is not None and r.record is not None:
            names.setdefault(code, r.record.name or "")
        elif r.record is not None and r.record.name:
            unnamed.add(r.record.name)
    unnamed -= set(names.values())
    return [RosterUnit(code, names[code]) for code in sorted(names)] + [RosterUnit("", n) for n in sorted(unnamed)]


def unit_key(unit: RosterUnit) -> str:
    """What tells units apart: the code, or for a unit known only by name (no code anywhere) its name."""
    return unit.code or f"\0{unit.name}"


class _Matcher:
    """A file belongs to a unit by the code in the workbook, else by its name, else by the file name sent."""

    def __init__(self, units: Sequence[RosterUnit]) -> None:
        self.codes = {u.code for u in units if u.code}
        self.names = {u.name: unit_key(u) for u in units if u.name}
        # by the name without its extension: a form sent as .xlsx comes back saved as .xls under the same name
        self.files = {Path(u.file).stem: unit_key(u) for u in units if u.file}

    def match(self, r: FileResult) -> str | None:
        code = _code(r)
        if code in self.codes:
            return code
        if code is None and r.record is not None and r.record.name in self.names:
            return self.names[r.record.name]
        if code is None:
            return self.files.get(Path(r.file).stem)
        return None   # a code the roster does not know is not guessed from the file name


def _pick(unit: RosterUnit, results: list[FileResult], modified: ModifiedFn) -> UnitStatus:
    if len(results) < 2:   # the content time is only opened when there is a choice to make
        return UnitStatus(unit, results[0] if results else None)
    ordered = sorted(results, key=lambda r: _newness(r, modified), reverse=True)
    return UnitStatus(unit, ordered[0], ordered[1:])


def _newness(r: FileResult, modified: ModifiedFn) -> tuple[bool, bool, bool, float, float, str]:
    """Newest first, but a return of the form the unit fills now before any of another round's or of the form
    a re-issue replaced (XF164, XF165), a file that could be read before one that could not (an .ods, a broken
    copy: what it holds is unknown), and a filled return before a form sent back blank (XF304), whenever those
    were saved: none of them may hide a return the unit did fill (the service keeps its current return over a
    blank upload the same way)."""
    mtime = r.mtime or 0.0
    content = modified(r)
    return (not r.stale, r.record is not None, not r.blank, content.timestamp() if content else mtime, mtime,
            r.file)


def _code(r: FileResult) -> str | None:
    code = r.record.code if r.record is not None else None
    return code.strip() if code and code.strip() else None


# ------------------------------------------------------------------------------ file metadata

def workbook_modified(result: FileResult) -> datetime | None:
    """The last-saved time Excel/WPS recorded in docProps/core.xml (LibreOffice in an .ods: meta.xml's dc:date,
    so an .ods and an .xlsx of one unit compare by the times their program saved them); None when absent or
    unreadable."""
    import zipfile

    from defusedxml import ElementTree

    try:
        with zipfile.ZipFile(result.file) as z:
            names = set(z.namelist())
            part, tag = (_CORE, _MODIFIED) if _CORE in names or _ODS_META not in names else (_ODS_META, _ODS_DATE)
            info = z.getinfo(part)
            if info.file_size > _CORE_LIMIT:
                return None
            root = ElementTree.fromstring(z.read(info))
    except Exception:  # a file we cannot open or parse simply has no content time
        return None
    node = root.find(tag)
    return parse_time(node.text) if node is not None and node.text else None


def parse_time(text: str) -> datetime | None:
    try:
        t = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def iso_time(ts: float | None) -> str | None:
    """A file time as local ISO time to the second (what the clerk's clock showed)."""
    return None if ts is None else datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")


# ------------------------------------------------------------------------------------ text

HEADER = ("单位编码", "单位名称", "状态", "错误", "警告", "到达时间", "文件")


def render(a: Assignment, states: Collection[str] = ()) -> list[str]:
    """The terminal listing a clerk scans: a header row and one aligned row per unit that returned, the
    units that have not returned together at the end, then the counts, unmatched files and the returns
    superseded by a newer one. `states`: list only units in these states (the counts stay whole)."""
    shown = [u for u in a.units if not states or u.state in states]
    returned = [u for u in shown if u.result is not None]
    missing = [u for u in shown if u.result is None]
    lines = align([HEADER, *map(_unit_cells, returned)]) if returned else []
    if missing:
        lines.append(f"{MISSING}的单位（{len(missing)} 个）：")
        lines += ["  " + line for line in align([(u.unit.code, u.unit.name) for u in missing])]
    lines.append("合计：" + counts_text(a.counts()))
    if a.unmatched:
        lines.append(f"不属于名单中任何单位的文件（{len(a.unmatched)} 个）：")
        lines += [f"  {shown_path(r.file)}（{_unmatched_why(r)}）" for r in a.unmatched]
    several = [u for u in a.several if not states or u.state in states]
    if several:
        lines.append(f"多次报送的单位（{len(several)} 个）：以本轮表格中最新的一份为准，其余不计入：")
        for u in several:
            lines.append(f"  {u.unit.code} {u.unit.name}：采用 {shown_path(u.result.file) if u.result else '—'}；"
                         + _set_aside(u))
    return lines


def counts_text(counts: dict[str, int]) -> str:
    """"已通过 3，仅有警告 2，有错误 1，未报送 1": 空表 only when there is one (most rounds have none)."""
    return "，".join(f"{s} {n}" for s, n in counts.items() if n or s != BLANK)


def _unmatched_why(r: FileResult) -> str:
    """Why a file is no unit's: the code it names, or, for a file that could not be read (a unit's return
    renamed and saved as .ods), what the reader said, so the clerk can tell whose it is and what to ask."""
    code = _code(r)
    if code is not None:
        return f"单位编码 {code}"
    said = next((f.message for f in getattr(r, "findings", ()) if f.severity == "error"), "")
    return f"无法识别单位：{said}" if said else "单位编码 无法识别"


def _set_aside(u: UnitStatus) -> str:
    """"已被较新的报送取代：a.xlsx；内容相同的重复文件：b.xlsx": the unit's other files grouped by why."""
    why: dict[str, list[str]] = {}
    for o in u.others:
        reason = set_aside(o, u.result) if u.result is not None else "已被较新的报送取代"
        why.setdefault(reason, []).append(shown_path(o.file))
    return "；".join(f"{reason}：{'、'.join(files)}" for reason, files in why.items())


def _unit_cells(u: UnitStatus) -> tuple[str, ...]:
    r = u.result
    assert r is not None
    arrived = (iso_time(r.mtime) or "—")[:16].replace("T", " ")
    return (u.unit.code, u.unit.name, u.state, str(r.errors), str(r.warnings), arrived, shown_path(r.file))


def align(rows: Sequence[Sequence[str]]) -> list[str]:
    """Columns padded to the widest cell as a terminal shows it: a Chinese character takes two columns."""
    widths = [max(display_width(row[c]) for row in rows) for c in range(len(rows[0]))]
    return ["  ".join(cell + " " * (widths[c] - display_width(cell)) for c, cell in enumerate(row)).rstrip()
            for row in rows]


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
