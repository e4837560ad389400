"""Summary rows from checked returns: pure functions, no I/O (writer/summary.py writes them).

The published rule for a summary: absolute values add up, rates are weighted by funds. So the 合计 row sums
全年预算数 A, 全年执行数 B and 转移支付 C exactly (Decimal), takes the execution rate as (ΣB − ΣC) / ΣA — the
same formula every layout uses per unit, with C = 0 where a layout has no transfer column — and never as the
mean of the units' rates; scores are averaged.

A unit whose return has errors is listed with its state but left out of totals, ranks and statistics unless
`include_invalid` is set; a file that cannot be read never counts (there is nothing to count). A return
whose locked prefilled cells were changed (XF152, found against the manifest) is summed with what was sent,
not with what it says, and its row says so (备注). Units with no return are listed on 未报送; units whose
return has errors, with the reason, on 退回修改.

A merge of thousands of returns never holds their records: `collect` takes from each return, as it arrives
(in the checking process), what the summary needs of it — its figures and its indicator rows, a `Digest` —
and keeps of the record only its identity (code, name, year, spec). `build_summary` works the same on
collected results and on whole ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xlsform import prefill
from xlsform.fsutil import shown_path
from xlsform.layout import layout_for
from xlsform.records import Indicator, Record
from xlsform.results import FileResult
from xlsform.scoring import ZERO, capped_scores, execution_rate, grade, round2, to_decimal
from xlsform.spec import Spec, spec_by_id
from xlsform.status import BLANK, ERRORS, MISSING, RETURNED, WARNINGS, Assignment, UnitStatus

if TYPE_CHECKING:   # previous/compare.py builds on this module's rows
    from xlsform.previous.compare import Comparison

LEVELS = {"产出指标": "output", "效益指标": "benefit", "满意度指标": "satisfaction"}
SEVERITY_TEXT = {"error": "错误", "warning": "警告", "info": "提示"}
RATE_BANDS = (("60%以下", Decimal("0.6")), ("60%–80%", Decimal("0.8")), ("80%–90%", Decimal("0.9")),
              ("90%–100%", None), ("100%以上", None))
SCORE_BANDS = (("60分以下", 60), ("60–70分", 70), ("70–80分", 80), ("80–90分", 90), ("90分及以上", None))
DEFAULT_GRADES = ("优", "良", "中", "差")


@dataclass(frozen=True)
class Column:
    header: str
    attr: str
    kind: str          # text (wraps), short (a category, centred), code, path (one line), amount (万元), percent,
                       # score, int
    width: float = 12  # in Excel's column units, for 9 pt text; a table's printed columns fit an A4 landscape page
    printed: bool = True   # the columns left off the page (a file's path, what a message already says) come last


@dataclass
class UnitRow:
    code: str
    name: str
    state: str
    counted: bool = False
    budget: Decimal | None = None
    spent: Decimal | None = None
    fiscal_budget: Decimal | None = None     # 其中：财政拨款 (the fund row every layout has)
    fiscal_spent: Decimal | None = None
    transfer: Decimal | None = None
    rate: Decimal | None = None
    fund_score: Decimal | None = None
    output: Decimal | None = None
    benefit: Decimal | None = None
    satisfaction: Decimal | None = None
    total: Decimal | None = None
    grade: str | None = None
    rank: int | None = None
    errors: int | None = None
    warnings: int | None = None
    note: str | None = None
    file: str | None = None
    # merge --previous (previous/compare.py): last year's figures of the same unit and the change
    prev_total: Decimal | None = None
    prev_grade: str | None = None
    prev_rate: Decimal | None = None
    total_change: Decimal | None = None
    rate_change: Decimal | None = None

    @property
    def counted_text(self) -> str:
        return "是" if self.counted else "否"


@dataclass(slots=True)
class IndicatorRow:
    code: str
    name: str
    state: str
    counted_text: str
    index: int
    level1: str | None
    level2: str | None
    level3: str | None
    content: str | None
    nature: str | None
    target: str | None
    measure: str | None
    actual: str | None
    weight: Decimal | None
    score: Decimal | None
    reason: str | None
    improvement: str | None
    file: str | None
    prev_target: str | None = None      # merge --previous: the same indicator's target and actual last year
    prev_actual: str | None = None


@dataclass(slots=True)
class IssueRow:
    code: str
    name: str
    file: str
    severity: str
    finding: str
    sheet: str | None
    cell: str | None
    field: str | None
    message: str
    rank: int = 1      # 0: an error to fix (printed), 1: warning, 2: note, 3: a superseded file's


@dataclass
class MissingRow:
    code: str
    name: str
    state: str
    file: str | None
    errors: int | None
    note: str


@dataclass
class ReturnRow:
    """A unit whose return is sent back to be corrected (有错误), with why."""

    code: str
    name: str
    file: str | None
    errors: int | None
    reason: str


@dataclass
class Totals:
    units: int
    budget: Decimal
    spent: Decimal
    fiscal_budget: Decimal
    fiscal_spent: Decimal
    transfer: Decimal
    rate: Decimal | None
    fund_score: Decimal | None
    output: Decimal | None
    benefit: Decimal | None
    satisfaction: Decimal | None
    total: Decimal | None


@dataclass
class MatchRow:
    """merge --previous: a year-on-year match for the clerk to confirm, or a unit or return left unmatched."""

    code: str
    name: str
    kind: str
    now: str | None
    then: str | None
    score: Decimal | None
    file: str | None


@dataclass
class Summary:
    rows: list[UnitRow]
    totals: Totals
    indicators: list[IndicatorRow]
    issues: list[IssueRow]
    missing: list[MissingRow]
    returned: list[ReturnRow] = field(default_factory=list)
    stats: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    include_invalid: bool = False
    year: int | None = None        # the round's year and form kind (department / project), for the title
    kind: str | None = None
    matches: list[MatchRow] | None = None     # merge --previous: the 上年对照 sheet (None: no previous year)


# Widths in Excel's column units for 8 pt text (measure.py): the printed columns of each table fill an A4
# landscape page at 100% with some room to spare (PAGE_PX); numbers and codes are set in Calibri. A new
# column either fits that width (tests/test_merge.py counts it) or is printed=False and placed after the
# printed ones: past the page's width, LibreOffice and Excel shrink the whole table under 8 pt to fit it.
PAGE_PX = 1040     # A4 landscape less margins of 0.25" holds 1,074 pixels; a column takes 7 a unit and 5
SUMMARY_COLUMNS = (
    Column("单位编码", "code", "code", 9), Column("单位名称", "name", "text", 18),
    Column("全年预算数(万元)", "budget", "amount", 10), Column("全年执行数(万元)", "spent", "amount", 10),
    Column("财政拨款预算数(万元)", "fiscal_budget", "amount", 10),
    Column("财政拨款执行数(万元)", "fiscal_spent", "amount", 10),
    Column("上级财政转移支付(万元)", "transfer", "amount", 10), Column("执行率", "rate", "percent", 6),
    Column("预算执行率得分", "fund_score", "score", 5), Column("产出指标得分", "output", "score", 5),
    Column("效益指标得分", "benefit", "score", 5), Column("满意度指标得分", "satisfaction", "score", 5),
    Column("总分", "total", "score", 5), Column("等级", "grade", "short", 4), Column("排名", "rank", "int", 4),
    Column("状态", "state", "short", 6), Column("备注", "note", "text", 10),
    # on screen: 状态 says which units are counted, 问题清单 what each has
    Column("计入合计", "counted_text", "short", 5, printed=False), Column("错误数", "errors", "int", 5, printed=False),
    Column("警告数", "warnings", "int", 5, printed=False), Column("来源文件", "file", "path", 40, printed=False),
)
INDICATOR_COLUMNS = (
    Column("单位编码", "code", "code", 9), Column("单位名称", "name", "text", 16),
    Column("状态", "state", "short", 7), Column("计入合计", "counted_text", "short", 4),
    Column("序号", "index", "int", 4), Column("一级指标", "level1", "text", 8),
    Column("二级指标", "level2", "text", 10), Column("三级指标", "level3", "text", 14),
    Column("目标内容", "content", "text", 24), Column("指标性质", "nature", "short", 5),
    Column("目标值", "target", "text", 14), Column("度量单位", "measure", "short", 5),
    Column("完成值", "actual", "text", 14), Column("分值", "weight", "score", 6),
    Column("得分", "score", "score", 6), Column("未完成原因", "reason", "text", 18),
    Column("改进措施", "improvement", "text", 18), Column("来源文件", "file", "path", 40, printed=False),
)
# The message names the sheet, cell and field itself: 工作表 and 字段 are for sorting and filtering, not print.
ISSUE_COLUMNS = (
    Column("单位编码", "code", "code", 9), Column("单位名称", "name", "text", 12),
    Column("严重程度", "severity", "short", 4), Column("代码", "finding", "short", 5),
    Column("单元格", "cell", "short", 5), Column("说明", "message", "text", 102),
    Column("工作表", "sheet", "text", 14, printed=False), Column("字段", "field", "text", 20, printed=False),
    Column("文件", "file", "path", 40, printed=False),
)
MISSING_COLUMNS = (
    Column("单位编码", "code", "code", 9), Column("单位名称", "name", "text", 20),
    Column("状态", "state", "short", 6), Column("说明", "note", "text", 40),
)
RETURN_COLUMNS = (
    Column("单位编码", "code", "code", 9), Column("单位名称", "name", "text", 16),
    Column("错误数", "errors", "int", 4), Column("退回原因", "reason", "text", 100),
    Column("文件", "file", "path", 40, printed=False),
)
# merge --previous: columns beside this year's (only then), and the sheet of matches to confirm. 汇总表
# prints one page wide: last year's figures are on screen, sortable and filterable, not on its printed page.
PREVIOUS_COLUMNS = (
    Column("上年总分", "prev_total", "score", 6, printed=False),
    Column("上年等级", "prev_grade", "short", 5, printed=False),
    Column("上年执行率", "prev_rate", "percent", 7, printed=False),
    Column("总分增减", "total_change", "score", 6, printed=False),
    Column("执行率增减", "rate_change", "percent", 7, printed=False),
)
PREVIOUS_INDICATOR_COLUMNS = (Column("上年目标值", "prev_target", "text", 14),
                              Column("上年完成值", "prev_actual", "text", 14))
MATCH_COLUMNS = (
    Column("单位编码", "code", "code", 9), Column("单位名称", "name", "text", 18),
    Column("对照情况", "kind", "short", 10), Column("本年", "now", "text", 30), Column("上年", "then", "text", 36),
    Column("相似度", "score", "int", 5), Column("上年文件", "file", "path", 40, printed=False),
)
REASONS_SHOWN = 3     # the first errors, in report order, on 退回修改; the rest are on 问题清单


# ------------------------------------------------------------------------------------ building

def build_summary(assignment: Assignment, *, include_invalid: bool = False,
                  previous: Comparison | None = None) -> Summary:
    """`previous` (merge --previous): last year's figures beside each unit's and indicator's, and the
    上年对照 sheet; its findings are already on the returns (`Comparison.attach`)."""
    rows, indicators = [], []
    for u in assignment.units:
        d = digest_of(u.result) if u.result else None
        row = unit_row(u, include_invalid, d)
        rows.append(row)
        details = indicator_rows(row, d.indicators) if d is not None else []
        if previous is not None:
            previous.fill(row, details)
        indicators += details
    rank_rows(rows)
    counted = [r for r in rows if r.counted]
    year, kind = round_of(assignment)
    return Summary(rows=rows, totals=totals(counted), indicators=indicators, issues=issue_rows(assignment),
                   missing=missing_rows(assignment, rows), returned=return_rows(assignment, rows),
                   stats=statistics(counted), include_invalid=include_invalid, year=year, kind=kind,
                   matches=previous.match_rows() if previous is not None else None)


def summary_columns(s: Summary) -> tuple[Column, ...]:
    """汇总表's columns: with a previous year, last year's total, grade and rate and the changes, the first of
    the columns seen on screen only (the printed ones fill the page)."""
    if s.matches is None:
        return SUMMARY_COLUMNS
    at = next(i for i, c in enumerate(SUMMARY_COLUMNS) if not c.printed)
    return (*SUMMARY_COLUMNS[:at], *PREVIOUS_COLUMNS, *SUMMARY_COLUMNS[at:])


def indicator_columns(s: Summary) -> tuple[Column, ...]:
    """指标明细's columns: with a previous year, last year's target and actual after 完成值."""
    if s.matches is None:
        return INDICATOR_COLUMNS
    at = next(i for i, c in enumerate(INDICATOR_COLUMNS) if c.attr == "actual") + 1
    return (*INDICATOR_COLUMNS[:at], *PREVIOUS_INDICATOR_COLUMNS, *INDICATOR_COLUMNS[at:])


def round_of(a: Assignment) -> tuple[int | None, str | None]:
    """The year and form kind most of the units' returns carry (a stray file of another year does not decide)."""
    records = [u.result.record for u in a.units if u.result and u.result.record]
    years = Counter(r.year for r in records if r.year)
    specs = Counter(r.spec_id for r in records)
    spec = spec_by_id(specs.most_common(1)[0][0]) if specs else None
    return (years.most_common(1)[0][0] if years else None), (spec.kind if spec else None)


FIGURES = ("budget", "spent", "fiscal_budget", "fiscal_spent", "transfer", "rate", "fund_score", "output", "benefit",
           "satisfaction", "total", "grade", "note")


@dataclass
class Digest:
    """What the summary takes from one readable return: the UnitRow figures (FIGURES) and its indicator rows,
    whose unit columns are filled in when the return is assigned to its unit."""

    figures: dict[str, Any]
    indicators: list[IndicatorRow]


@dataclass
class Collected(FileResult):
    """A checked return as the merge keeps it: findings and identity, the record reduced to code, name and
    year, and its `digest`."""

    digest: Digest | None = None


IDENTITY = ("code", "name", "year")
# Cells kept for what merge --previous reports on a return after it was collected (XF520, XF521): an
# imported form's fields are in the unit's own cells, which the template cannot tell.
LOCATED = ("total.score", ".target")


def collect(r: FileResult) -> FileResult:
    """The result to keep for a merge, taken as it arrives (in the checking process: less to send back)."""
    if r.record is None or isinstance(r, Collected):
        return r
    slim = replace(r.record, values={k: r.record.values[k] for k in IDENTITY if k in r.record.values},
                   cells={k: v for k, v in r.record.cells.items() if k.endswith(LOCATED)}, cached={},
                   fund_labels={})
    return Collected(file=r.file, sha256=r.sha256, mtime=r.mtime, record=slim, findings=r.findings, own=r.own,
                     digest=digest(r))


def digest_of(r: FileResult) -> Digest | None:
    return r.digest if isinstance(r, Collected) else digest(r)


def digest(r: FileResult) -> Digest | None:
    """The return's figures as sent (`as_sent`) and its indicator rows; None for a file that cannot be read."""
    record = as_sent(r)
    if record is None:
        return None
    row = UnitRow("", "", "")
    if r.stale:   # another year's figures, or those of a replaced form, are not this round's: none shown
        row.note = "交来的不是本轮（或重新下发后）的表格，数据未列入"
        return Digest({a: getattr(row, a) for a in FIGURES}, [])
    if changed := len(sent_values(r)):
        row.note = f"预填内容被改动 {changed} 处，按下发数据汇总"
    found = record.indicators    # built from ~100 keys: once per record, not per use
    fill_figures(row, record, found)
    return Digest({a: getattr(row, a) for a in FIGURES}, indicator_rows(row, found))


def unit_row(u: UnitStatus, include_invalid: bool = False, d: Digest | None = None) -> UnitRow:
    """`d`: the digest of the unit's return (default: taken from it now)."""
    r = u.result
    row = UnitRow(u.unit.code, u.unit.name, u.state)
    if r is None:
        return row
    row.errors, row.warnings, row.file = r.errors, r.warnings, r.file
    if r.record is None:
        return row
    row.name = u.unit.name or r.record.name or ""
    row.counted = u.state in (RETURNED, WARNINGS) or (include_invalid and u.state == ERRORS)
    for attr, value in (d or digest_of(r) or Digest({}, [])).figures.items():
        setattr(row, attr, value)
    return row


def sent_values(r: FileResult) -> dict[str, Any]:
    """Locked prefilled values the unit changed, as they were sent (the manifest, else the workbook's copy)."""
    return prefill.sent_values(r.findings)


def as_sent(r: FileResult) -> Record | None:
    """The return with every changed locked prefilled value put back as sent, and its figures recomputed:
    the summary shows what the office sent, not what a unit changed in its copy."""
    sent = sent_values(r)
    record = r.record
    spec = spec_of(record) if record is not None and sent else None
    if record is None or spec is None:
        return record
    rows = max([spec.indicator_rows, *(i.index for i in record.indicators)])
    return prefill.as_sent(record, layout_for(spec, rows), sent)


def fill_figures(row: UnitRow, record: Record, indicators: Sequence[Indicator]) -> None:
    spec = spec_of(record)
    values = computed_values(record, spec)
    fund = f"fund.{spec.scored_fund_row if spec else 'total'}"
    row.budget, row.spent = _dec(values.get(f"{fund}.budget")), _dec(values.get(f"{fund}.spent"))
    row.transfer = _dec(values.get(f"{fund}.transfer"))
    row.fiscal_budget, row.fiscal_spent = _dec(values.get("fund.fiscal.budget")), _dec(values.get("fund.fiscal.spent"))
    row.rate = _dec(values.get(f"{fund}.rate"))
    if row.rate is None:
        row.rate = execution_rate(row.budget, row.spent, row.transfer)
    row.fund_score = _dec(values.get(f"{fund}.score"))
    for level1, attr in LEVELS.items():
        setattr(row, attr, level_score(indicators, level1))
    row.total = _dec(values.get("total.score"))
    g = values.get("total.grade")
    row.grade = str(g) if g else (grade(row.total, spec.rules.grades) if spec and row.total is not None else None)


def level_score(indicators: Sequence[Indicator], level1: str) -> Decimal | None:
    """Σ scores of one 一级指标, each counted at most at its weight and rounded to 2 decimals first, as the total
    counts them (`scoring.capped_scores`): 产出指标 53 of 50 is 50 here as in 总分. None if it has none."""
    rows = [i for i in indicators if (i.level1 or "").strip() == level1 and i.score is not None]
    scores = capped_scores([i.score for i in rows], [i.weight for i in rows])
    return round2(sum(map(round2, scores), ZERO)) if rows else None


def rank_rows(rows: Sequence[UnitRow]) -> None:
    """Rank counted units by total descending; equal totals share a rank (1, 1, 3)."""
    ranked = sorted((r for r in rows if r.counted and r.total is not None), key=lambda r: -(r.total or ZERO))
    for i, r in enumerate(ranked):
        prev = ranked[i - 1] if i else None
        r.rank = prev.rank if prev is not None and prev.total == r.total else i + 1


def totals(counted: Sequence[UnitRow]) -> Totals:
    a, b, c, fa, fb = (sum((getattr(r, attr) or ZERO for r in counted), ZERO)
                       for attr in ("budget", "spent", "transfer", "fiscal_budget", "fiscal_spent"))
    return Totals(
        units=len(counted), budget=a, spent=b, fiscal_budget=fa, fiscal_spent=fb, transfer=c,
        rate=execution_rate(a, b, c),
        **{attr: mean([getattr(r, attr) for r in counted])
           for attr in ("fund_score", "output", "benefit", "satisfaction", "total")},
    )


def mean(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return round2(sum(present, ZERO) / len(present)) if present else None


# ---------------------------------------------------------------------------------- the details

def indicator_rows(row: UnitRow, indicators: Sequence[Indicator | IndicatorRow]) -> list[IndicatorRow]:
    """The unit's indicator rows, from a record's indicators or (unit columns refilled) from a digest's rows."""
    out = []
    for i in indicators:
        if isinstance(i, IndicatorRow):   # a digest's row, made for this summary: its unit columns filled in
            i.code, i.name, i.state, i.counted_text, i.file = row.code, row.name, row.state, row.counted_text, row.file
            out.append(i)
        elif _is_indicator(i):
            out.append(IndicatorRow(row.code, row.name, row.state, row.counted_text, i.index, i.level1, i.level2,
                                    i.level3, i.content, i.nature, i.target, i.measure, i.actual, _dec(i.weight),
                                    _dec(i.score), i.reason, i.improvement, row.file))
    return out


def _is_indicator(i: Indicator) -> bool:
    """Wangcheng prints every 二级 slot even when unused (weight 0, nothing else): those are not indicators."""
    return bool(i.level3 or i.content or i.target or i.actual or i.weight or i.score)


SEVERITY_RANK = {"错误": 0, "警告": 1, "提示": 2}
SUPERSEDED_RANK = 3


def issue_rows(a: Assignment) -> list[IssueRow]:
    """Every finding, errors first (what must be fixed: the part 问题清单 prints), then warnings, then notes,
    each in roster order; a file that is not a unit's current return keeps its note with its findings, the
    superseded ones last."""
    ranked: list[tuple[int, IssueRow]] = []
    for u in a.units:
        for r in ([u.result] if u.result else []):
            ranked += [(SEVERITY_RANK.get(row.severity, 1), row) for row in _findings(u.unit.code, u.unit.name, r)]
        for r in u.others:
            note = _note(u.unit.code, u.unit.name, r,
                         f"文件 {Path(r.file).name} 未采用：该单位另有更新的报送文件 "
                         f"{Path(u.result.file).name if u.result else ''}；如应以本文件为准，"
                         "请删除或移走较新的文件后重新汇总")
            ranked += [(SUPERSEDED_RANK, row) for row in [note, *_findings(u.unit.code, u.unit.name, r)]]
    for r in a.unmatched:
        code = (r.record.code if r.record else None) or ""
        name = (r.record.name if r.record else None) or ""
        group = [_note(code, name, r, f"文件 {Path(r.file).name} 不属于名单中的任何单位（单位编码："
                                      f"{code or '无法识别'}），未计入汇总；请核对单位编码或名单"),
                 *_findings(code, name, r)]
        rank = min(SEVERITY_RANK.get(row.severity, 1) for row in group)
        ranked += [(rank, row) for row in group]
    ranked.sort(key=lambda item: item[0])    # stable: roster order within a rank
    for rank, row in ranked:
        row.rank = rank
    return [row for _, row in ranked]


def must_fix(rows: Sequence[IssueRow]) -> int:
    """How many of the first `issue_rows` are errors (with the note of a stranger's file that has them)."""
    return sum(row.rank == 0 for row in rows)


def _findings(code: str, name: str, r: FileResult) -> list[IssueRow]:
    # the office's notes on its own prefilled cells were told to it at generate: not one row per unit again
    from xlsform.checks.office import is_office_note
    return [IssueRow(code, name, r.file, SEVERITY_TEXT.get(f.severity, f.severity), f.code, f.sheet, f.cell,
                     f.field, f.message) for f in r.findings if not is_office_note(f)]


def _note(code: str, name: str, r: FileResult, message: str) -> IssueRow:
    return IssueRow(code, name, r.file, SEVERITY_TEXT["warning"], "—", None, None, None, message)


def missing_rows(a: Assignment, rows: Sequence[UnitRow]) -> list[MissingRow]:
    """Roster units to chase: no return at all, or only the form sent back blank (units whose return has errors
    are on 退回修改)."""
    return [MissingRow(row.code, row.name, u.state, None, None, _CHASE[u.state])
            for u, row in zip(a.units, rows, strict=True) if u.state in _CHASE]


_CHASE = {MISSING: "未收到报送表，请催报", BLANK: "交回的是空表（一项也未填写），请催报"}


def return_rows(a: Assignment, rows: Sequence[UnitRow]) -> list[ReturnRow]:
    """Units whose return cannot be accepted yet, with the reason to send back: the first errors."""
    out = []
    for u, row in zip(a.units, rows, strict=True):
        r = u.result
        if u.state != ERRORS or r is None:
            continue
        if r.record is None:
            reason = "文件无法读取，请联系单位重新报送：" + "；".join(f.message for f in r.findings[:1])
        else:
            errors = [f for f in r.findings if f.severity == "error"]
            # one sentence a finding, joined by "；" (each message ends in "。", which "。；" would double)
            reason = "；".join(f.message.rstrip("。") for f in errors[:REASONS_SHOWN])
            if len(errors) > REASONS_SHOWN:
                reason += f"；等共 {len(errors)} 处，见问题清单"
            reason += "。"
        out.append(ReturnRow(row.code, row.name, r.file, r.errors, reason))
    return out


def statistics(counted: Sequence[UnitRow]) -> dict[str, list[tuple[str, int]]]:
    return {"等级分布": grade_counts(counted), "执行率分布": rate_counts(counted),
            "总分分布": score_counts(counted)}


def grade_counts(rows: Sequence[UnitRow]) -> list[tuple[str, int]]:
    names = list(DEFAULT_GRADES) + sorted({r.grade for r in rows if r.grade} - set(DEFAULT_GRADES))
    return [(g, sum(r.grade == g for r in rows)) for g in names]


def rate_band(rate: Decimal | None) -> str:
    if rate is None:
        return "无法计算"
    for label, below in RATE_BANDS[:3]:
        if below is not None and rate < below:
            return label
    return RATE_BANDS[3][0] if rate <= 1 else RATE_BANDS[4][0]


def rate_counts(rows: Sequence[UnitRow]) -> list[tuple[str, int]]:
    labels = [label for label, _ in RATE_BANDS] + ["无法计算"]
    bands = [rate_band(r.rate) for r in rows]
    return [(label, bands.count(label)) for label in labels]


def score_counts(rows: Sequence[UnitRow]) -> list[tuple[str, int]]:
    out = []
    low: int | None = None
    for label, high in SCORE_BANDS:
        out.append((label, sum(r.total is not None and (low is None or r.total >= low)
                               and (high is None or r.total < high) for r in rows)))
        low = high
    return out


# ------------------------------------------------------------------------------------ tables

OPTIONAL_INDICATOR = frozenset({"content", "nature", "measure", "reason", "improvement", "prev_target",
                                "prev_actual"})


def used_columns(columns: Sequence[Column], rows: Sequence[Any],
                 optional: frozenset[str] = OPTIONAL_INDICATOR) -> list[Column]:
    """Drop optional columns no row fills: a layout without 指标性质 / 度量单位 gets no empty columns for them."""
    return [c for c in columns
            if c.attr not in optional or any(getattr(r, c.attr) not in (None, "") for r in rows)]


def table(rows: Iterable[Any], columns: Sequence[Column]) -> list[list[Any]]:
    return list(iter_table(rows, columns))


# Where a file's name can stand: file paths, and the messages and notes that quote one. They may hold bytes
# that are not UTF-8 (GBK names from a Windows zip); every other text was read from a workbook or a roster.
NAMED_FILES = frozenset({"file", "message", "reason", "note"})


def iter_table(rows: Iterable[Any], columns: Sequence[Column]) -> Iterator[list[Any]]:
    """Each row's cells, made as they are written (a summary of 5,000 units has 100,000 rows)."""
    get = attrgetter(*(c.attr for c in columns))
    one = len(columns) == 1
    named = [c.attr in NAMED_FILES for c in columns]
    for r in rows:
        values = (get(r),) if one else get(r)
        yield [shown_path(v) if n and type(v) is str else v for v, n in zip(values, named, strict=True)]


def totals_cells(t: Totals) -> dict[str, Any]:
    """The 合计 row by column attribute: sums of amounts, the funding-weighted rate, averages of scores."""
    return {"code": "合计", "name": f"{t.units} 个单位（得分为平均分）", "budget": t.budget, "spent": t.spent,
            "fiscal_budget": t.fiscal_budget, "fiscal_spent": t.fiscal_spent, "transfer": t.transfer,
            "rate": t.rate, "fund_score": t.fund_score, "output": t.output, "benefit": t.benefit,
            "satisfaction": t.satisfaction, "total": t.total}


def plain(value: Any, kind: str) -> Any:
    """A cell for CSV / JSON: rates to 6 decimals, amounts and scores as exact decimals."""
    if isinstance(value, Decimal):
        if kind == "percent":
            value = value.quantize(Decimal("0.000001"))
        return float(value) if value != value.to_integral_value() else int(value)
    return value


# -------------------------------------------------------------------------------- spec lookups

def spec_of(record: Record) -> Spec | None:
    return spec_by_id(record.spec_id)


def computed_values(record: Record, spec: Spec | None) -> dict[str, Any]:
    """The reader stores recomputed values; a record built elsewhere (JSON, tests) gets them computed here."""
    layout = layout_for(spec) if spec else None
    if "total.score" in record.values or layout is None:
        return record.values
    return {**record.values, **layout.recompute(record.values)}


def _dec(x: Any) -> Decimal | None:
    return to_decimal(x)

