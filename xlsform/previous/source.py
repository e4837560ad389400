"""Last year's returns: a folder of them, last year's store (`xlsform.sqlite3`), or the manifest beside it.

They are read and checked through `check.check_paths`, the entry point every command uses, so whatever the
reader reads this year (forms of any xlsform release, hand-made forms once the importer reads them) serves as
last year's data. Per unit the newest return counts, as in this year's round. A file that cannot be read, a
form returned blank and our own outputs give no figures: they are counted, never guessed from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from xlsform.check import check_paths, expand_paths
from xlsform.errors import XlsformError
from xlsform.merge import UnitRow, fill_figures
from xlsform.normalize import bare
from xlsform.records import Indicator, Record
from xlsform.results import FileResult
from xlsform.spec import Spec, spec_by_id
from xlsform.status import workbook_modified
from xlsform.store import FILES_NAME, STORE_NAME, Store

BLANK = "XF304"


@dataclass(frozen=True)
class PastReturn:
    """One unit's return of last year, reduced to what a comparison needs (a round of 5,000 is held at once):
    who it is, its total, grade and execution rate, its indicators, and the file (as the unit named it)."""

    code: str | None
    name: str | None
    year: int | None
    kind: str | None    # department / project: a unit's last year is a form of its own kind
    total: Decimal | None
    grade: str | None
    rate: Decimal | None
    indicators: tuple[Indicator, ...]
    file: str
    shown: str          # the file's name as the clerk knows it (a store keeps files by hash)

    @classmethod
    def of(cls, record: Record, file: str, shown: str | None = None) -> PastReturn:
        row = UnitRow("", "", "")
        indicators = record.indicators
        fill_figures(row, record, indicators)
        return cls((record.code or "").strip() or None, (record.name or "").strip() or None, record.year,
                   kind_of(record), row.total, row.grade, row.rate, tuple(indicators), file, shown or file)


@dataclass
class LastYear:
    """What `--previous` found: one return per unit, and how many files gave nothing."""

    source: Path
    returns: list[PastReturn] = field(default_factory=list)
    unread: int = 0          # files with no record (not a form, broken) or returned blank
    other_kind: int = 0      # project forms in a department round, or the other way round
    superseded: int = 0      # older returns of a unit that returned again
    store: bool = False      # read from last year's store (what `xlsform serve` accepted)

    def summary(self) -> str:
        """One line for stderr: what was taken from where."""
        where = "上年收集服务的数据库" if self.store else "上年报送表"
        parts = [f"{where} {self.source}：{len(self.returns)} 个单位的报送表"]
        if self.superseded:
            parts.append(f"{self.superseded} 份较早的报送未采用")
        if self.unread:
            parts.append(f"{self.unread} 个文件无法读取或未填写，未采用")
        if self.other_kind:
            parts.append(f"{self.other_kind} 份是另一类表（部门整体 / 项目支出），未采用")
        return "，".join(parts)


def load(path: str | Path, *, kind: str | None = None, specs: Sequence[Spec] = (), jobs: int = 1,
         progress: bool = False) -> LastYear:
    """Read last year's returns at `path`: a folder, one workbook, or last year's manifest or store (their
    round folder). Each return is reduced as it arrives: only one whole record is held at a time. `kind`:
    this round's (department / project); a return of the other kind is no unit's last year."""
    source = Path(path)
    files, shown, store = _inputs(source)
    last = LastYear(source, store=store)
    usable: dict[tuple[str, str], list[tuple[FileResult, PastReturn]]] = {}
    for r in check_paths(files, jobs=jobs, progress=progress, specs=specs, skipped=[]):
        key = unit_key(r.record) if r.record is not None else None
        if r.record is None or key is None or any(f.code == BLANK for f in r.findings):
            last.unread += 1
            continue
        if kind is not None and kind_of(r.record) not in (None, kind):
            last.other_kind += 1
            continue
        past = PastReturn.of(r.record, r.file, shown.get(r.file))
        usable.setdefault(key, []).append((replace(r, record=None, findings=[]), past))
    for group in usable.values():
        last.returns.append(max(group, key=lambda pair: _newness(pair[0]))[1])
        last.superseded += len(group) - 1
    return last


def unit_key(record: Record) -> tuple[str, str] | None:
    """Which unit a return is: its code, else its name (hand-made forms often carry no code)."""
    code = (record.code or "").strip()
    if code:
        return ("code", bare(code))
    name = bare(record.name or "")
    return ("name", name) if name else None


def kind_of(record: Record) -> str | None:
    """The kind of form a record is (department / project), from its spec; None for a spec not known here."""
    spec = spec_by_id(record.spec_id)
    return spec.kind if spec is not None else None


def _newness(r: FileResult) -> tuple[float, float, str]:
    modified = workbook_modified(r)
    mtime = r.mtime or 0.0
    return (modified.timestamp() if modified else mtime, mtime, r.file)


def _inputs(source: Path) -> tuple[list[Path], dict[str, str], bool]:
    """The files to read, the names to show for them, and whether a store gave any of them.

    A round folder is walked (returns mailed in, the forms sent out, which read as blank); when it holds the
    round's store, the returns `xlsform serve` accepted are taken from it, and its folder of every upload
    (refused and superseded ones too) is not walked.
    """
    if not source.exists():
        raise XlsformError(f"找不到上年的报送表或数据库：{source}")
    folder = source if source.is_dir() else source.parent
    db = folder / STORE_NAME
    if source.is_file() and source.suffix.lower() not in (".json", ".sqlite3"):
        return [source], {}, False
    sent: dict[Path, str] = {}
    if db.is_file():
        with Store(db) as store:
            sent = {store.file_path(s.sha256): s.filename for s in store.accepted() if s.state != "refused"}
    uploads = (folder / FILES_NAME).resolve()
    walked = [p for p in expand_paths([folder]) if uploads not in p.resolve().parents]
    return [*walked, *sent], {str(p): name for p, name in sent.items()}, bool(sent)
