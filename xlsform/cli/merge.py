"""`xlsform status` and `xlsform merge`: who has returned, and the summary workbook of the round."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from xlsform.cli import (
    LazyChoice,
    echo_not_workbooks,
    echo_skipped,
    jobs_option,
    jobs_or_all,
    load_specs,
    main,
    require_known_spec,
)
from xlsform.errors import XlsformError

if TYPE_CHECKING:
    from xlsform.previous.compare import Comparison
    from xlsform.results import FileResult
    from xlsform.status import Assignment, RosterUnit

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def unit_options(required: bool) -> Decorator:
    """--manifest / --roster / --spec, shared by both commands: where the list of units comes from."""
    def wrap(f: Callable[..., Any]) -> Callable[..., Any]:
        f = click.option("--spec", "spec_name", default="wangcheng", show_default=True,
                         help="表样规格（内置名称或 .toml 文件）：--roster 的列按它解释；地区自行修改的规格文件"
                              "也由此给出，返回表按其规格标识识别。")(f)
        f = click.option("--roster", "roster_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                         help="单位名册（CSV 或 XLSX），没有 manifest.json 时代替它。")(f)
        return click.option("--manifest", "manifest_path", type=click.Path(exists=True, path_type=Path),
                            help="下发时生成的 manifest.json：应报送的单位名单" + ("。" if not required else
                                 "（或用 --roster 给出名册）。"))(f)
    return wrap


def batch_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--no-ledger", is_flag=True,
                     help="不写登记簿 xlsform.sqlite3（ledger：manifest 旁对每份报送的记录），也不提它（只查看）。")(f)
    f = click.option("--from-store", is_flag=True,
                     help="另外以 xlsform serve 收到的各单位当前报表（manifest 旁的数据库）为输入；"
                          "此时可不给 PATHS。")(f)
    return jobs_option(f)


class Round:
    """The round's unit list and where its ledger lives, from a manifest or a roster (or neither)."""

    def __init__(self, manifest_path: Path | None, roster_path: Path | None, spec_name: str) -> None:
        if manifest_path and roster_path:
            raise XlsformError("--manifest 与 --roster 只能给出一个（give either --manifest or --roster）")
        self.manifest: Any = None
        self.units: list[RosterUnit] | None = None
        self.source = manifest_path or roster_path
        self.sent_as: dict[Path, str] = {}     # --from-store: a stored file -> the name its unit uploaded
        self.specs = load_specs([spec_name])
        from xlsform.status import RosterUnit

        if manifest_path:
            from xlsform.manifest import Manifest

            self.manifest = Manifest.load(manifest_path)
            require_known_spec(self.manifest.spec_id, self.specs)
            self.units = [RosterUnit(str(u.code), str(u.name), getattr(u, "file", None))
                          for u in self.manifest.units]
        elif roster_path:
            from xlsform.roster import load_roster

            self.units = [RosterUnit(u.code, u.name) for u in load_roster(roster_path, self.specs[0])]

    def unverified(self) -> str | None:
        """What could not be checked without the manifest, for stderr (the clerk should know, not guess)."""
        if self.manifest is not None:
            return None
        missing = "" if self.units is not None else "也无法列出未报送的单位；"
        return ("未给出 --manifest：无法核对报送表是否为下发给该单位的表格、单位编码是否在本轮下发名单中；"
                f"{missing}锁定的预填内容只能按各工作簿内保存的副本核对，副本本身被改动时无法发现。")

    skipped = 0      # our own outputs found in the folders, after `check`

    def check(self, paths: Sequence[Path], jobs: int | None, skip: Sequence[Path] = (),
              each: Callable[[FileResult], FileResult] | None = None) -> list[FileResult]:
        from xlsform.check import check_paths

        if note := self.unverified():
            click.echo(note, err=True)
        ours: list[FileResult] = []
        results = list(check_paths(paths, manifest=self.manifest, jobs=jobs_or_all(jobs), progress=True,
                                   specs=self.specs, skipped=ours, exclude=skip, each=each))
        echo_skipped(ours)
        echo_not_workbooks(paths)
        self.skipped = len(ours)
        return [self._named_as_sent(r) for r in results]

    def _named_as_sent(self, result: FileResult) -> FileResult:
        """A file from the store is shown by the name its unit gave it, as the web pages show it."""
        if not self.sent_as:
            return result
        from xlsform.fsutil import resolved

        name = self.sent_as.get(resolved(result.file))
        return result if name is None else result.named(name)

    def record(self, results: Sequence[FileResult], a: Assignment) -> int | None:
        """Append what was seen to the ledger beside the manifest or roster; the entries added, None when
        nothing could be recorded (said on stderr; a store this call created is removed again)."""
        from xlsform import ledger
        from xlsform.store import DatabaseError, create_private, discard_unused

        if self.source is None:
            return 0
        path = ledger.ledger_path(self.source)
        created = False
        try:
            created = create_private(path)
            return ledger.append(path, results, a.unit_of())
        except (OSError, DatabaseError) as e:  # a read-only share: the report matters more than the record of it
            why = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
            if created:   # only the run that made the file may remove it (issue 15.21: a full disk's 0-byte store)
                discard_unused(path)
            click.echo(f"登记簿 {path} 无法写入（{why}），本次未记录；可加 --no-ledger。", err=True)
            return None

    def inputs(self, paths: Sequence[Path], from_store: bool) -> list[Path]:
        """PATHS, plus with --from-store the current return of each unit that `xlsform serve` received."""
        if not from_store:
            if not paths:
                raise click.UsageError("请给出报送文件或目录（PATHS），或加 --from-store")
            return list(paths)
        from xlsform.fsutil import resolved
        from xlsform.store import Store, other_round_message, store_path

        if self.source is None:
            raise click.UsageError("--from-store 需要 --manifest（数据库在 manifest.json 旁）")
        db = store_path(self.source)
        if not db.is_file():
            raise XlsformError(f"{db} 不存在：此轮尚未用 xlsform serve 收集报表")
        with Store(db) as store:
            manifest = self.manifest
            held = store.claim_round(manifest.spec_id, manifest.year) if manifest is not None else None
            if held is not None and manifest is not None:     # last year's returns are not this round's
                raise XlsformError(other_round_message(db, held, manifest.spec_id, manifest.year))
            sent = {store.file_path(s.sha256): s.filename for s in store.accepted() if s.state != "refused"}
        self.sent_as = {resolved(p): name for p, name in sent.items()}
        return [*paths, *sent]


# ------------------------------------------------------------------------------------------ status

@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@unit_options(required=True)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON，供程序使用。")
@click.option("--state", "states", type=LazyChoice("xlsform.status", "STATES"), multiple=True,
              help="只列出处于该状态的单位（可重复给出，如 --state 有错误 --state 未报送）；合计仍按全部单位。")
@batch_options
def status(paths: tuple[Path, ...], manifest_path: Path | None, roster_path: Path | None, spec_name: str,
           as_json: bool, states: tuple[str, ...], jobs: int | None, no_ledger: bool, from_store: bool) -> None:
    """报送情况：名单中每个单位一行，附文件、到达时间与错误、警告数。

    状态分为 已通过 / 仅有警告 / 有错误 / 未报送；随后列出各状态的单位数、不属于任何单位的文件和多次报送的单位。

    同一单位有多份报送时，以内容最新的一份为准（工作簿自身记录的最后保存时间，其次是文件时间），其余列出。

    登记簿（ledger）是 manifest（或名册）旁的数据库 xlsform.sqlite3 中的一份记录，记下每次看到的每份报送
    （文件、单位、内容摘要、时间）；重复或同时运行都不会重复记录；--no-ledger 时不写也不提。

    Example:

    \b
        xlsform status returns/ --manifest out/manifest.json
        xlsform status returns/ --roster 名册.csv --spec zhuzhou --json
        xlsform status returns/ --manifest out/manifest.json --state 有错误 --state 未报送
        xlsform status --manifest out/manifest.json --from-store
    """
    from xlsform.status import assign, render

    if manifest_path is None and roster_path is None:
        raise click.UsageError("请用 --manifest 给出 manifest.json，或用 --roster 给出单位名册")
    rnd = Round(manifest_path, roster_path, spec_name)
    results = rnd.check(rnd.inputs(paths, from_store), jobs)
    a = assign(results, rnd.units)
    added = 0 if no_ledger else rnd.record(results, a)
    if as_json:
        data = a.to_json()
        if states:
            data["units"] = [u for u in data["units"] if u["state"] in states]
        click.echo(json.dumps({**data, **({} if no_ledger else {"ledger_added": added})}, ensure_ascii=False,
                              indent=1))
        return
    click.echo("\n".join(render(a, states)))
    if not no_ledger and rnd.source is not None and added is not None:
        click.echo(f"登记簿新增 {added} 条记录。", err=True)


# ------------------------------------------------------------------------------------------- merge

@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="汇总工作簿（.xlsx）。")
@unit_options(required=False)
@click.option("--include-invalid", is_flag=True, help="有错误的单位也计入合计、排名与统计（默认只列出不计入）。")
@click.option("--format", "formats", type=click.Choice(["csv", "jsonl"]), multiple=True,
              help="另外把汇总表和指标明细写成 <名>_汇总表.csv 等文件（可重复给出）。")
@click.option("--previous", "previous_path", type=click.Path(exists=True, path_type=Path), metavar="上年",
              help="上年的报送表（文件夹，任何表样），或上年的 manifest.json / 数据库所在的文件夹：汇总表加上年总分、"
                   "等级、执行率及增减，指标明细加上年目标值与完成值；按编码、其次按名称对照，名称相近的对照"
                   "列在「上年对照」表中，请核对。")
@click.option("--office", help="编制单位（如“长沙市望城区财政局”），印在汇总表每页的页眉，与标题、编制日期并列。")
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖。")
@batch_options
def merge(paths: tuple[Path, ...], output: Path, manifest_path: Path | None, roster_path: Path | None,
          spec_name: str, include_invalid: bool, formats: tuple[str, ...], previous_path: Path | None,
          office: str | None, force: bool,
          jobs: int | None, no_ledger: bool, from_store: bool) -> None:
    """汇总：检查全部报送表，写出一份汇总工作簿（汇总表、指标明细、问题清单、未报送、退回修改、统计）。

    合计行中金额相加，执行率按资金加权 =（Σ执行数 − Σ转移支付）÷ Σ预算数，得分取平均。

    有错误的单位列出但不计入合计，除非给出 --include-invalid。

    不给 --manifest / --roster 时，以报送表中出现的单位为准；给出时，看到的文件记入其旁的登记簿（xlsform.sqlite3）。

    输出文件已存在时不会覆盖，除非给出 --force。

    --previous 给出上年的报送表时，另列上年的总分、等级、执行率及增减，以及各指标上年的目标值和完成值，
    并报告目标值低于上年实际完成值（XF520）、总分上升而执行率明显下降（XF521）；名称相近而对照的单位和指标
    列在「上年对照」表中，请核对。

    Example:

    \b
        xlsform merge returns/ -o 汇总.xlsx --manifest out/manifest.json --format csv
        xlsform merge returns/ -o 汇总.xlsx --manifest out/manifest.json --office 长沙市望城区财政局
        xlsform merge --from-store -o 汇总.xlsx --manifest out/manifest.json
        xlsform merge returns/ -o 汇总.xlsx --manifest out/manifest.json --previous 上年报送表/
    """
    from xlsform import ownfiles
    from xlsform.check import expand_paths
    from xlsform.fsutil import atomic_output, check_writable, refuse_input_as_output
    from xlsform.merge import build_summary, collect
    from xlsform.status import assign
    from xlsform.writer.summary import summary_tables, write_csv, write_jsonl, write_summary

    extra = {fmt: _twin_paths(output, fmt) for fmt in formats}
    for target in [output, *[p for twins in extra.values() for p in twins.values()]]:
        check_writable(target, force)      # fail before checking hundreds of files, not after
        refuse_open_file(target)
    rnd = Round(manifest_path, roster_path, spec_name)
    if output.exists() and not ownfiles.written_summary(output):    # `-o` naming a return: --force must not destroy it
        refuse_input_as_output(output, expand_paths(paths))
    # our own outputs, this run's or an earlier one's, when written into the returns folder
    ours = [output, *[p for fmt in ("csv", "jsonl") for p in _twin_paths(output, fmt).values()]]
    results = rnd.check(rnd.inputs(paths, from_store), jobs, skip=ours, each=collect)   # records are let go
    if not results:   # an empty summary would pass for "nobody returned"; the folder is more likely wrong
        also = f"（另有 {rnd.skipped} 个本工具写出的文件已跳过）" if rnd.skipped else ""
        where = [*map(str, paths), *(["收集服务的数据库"] if from_store else [])]
        raise XlsformError(f"在 {'、'.join(where)} 中没有找到报送表（.xlsx、.xls、.et 或 .ods）{also}，未写出汇总表")
    a = assign(results, rnd.units)
    comparison = _previous_year(previous_path, rnd, a, jobs) if previous_path else None
    summary = build_summary(a, include_invalid=include_invalid, previous=comparison)
    # Built in memory, then written: a disk that fills up mid-way fails the one write below, instead of failing
    # inside xlsxwriter's zip, whose half-written ZipFile then printed a stray traceback when collected
    # (issue 15.21). A summary of 5,000 units is a few MB.
    with atomic_output(output, force) as fh:
        book = io.BytesIO()
        write_summary(book, summary, created=datetime.now(), office=office)
        fh.write(book.getbuffer())
    tables = summary_tables(summary) if extra else {}    # only for --format: the tables again, as rows
    for fmt, targets in extra.items():
        write = write_csv if fmt == "csv" else write_jsonl
        for name, target in targets.items():
            columns, rows = tables[name]
            with atomic_output(target, force) as fh:
                write(fh, columns, rows)
    added = 0 if no_ledger else rnd.record(results, a)
    from xlsform.status import counts_text

    counts = a.counts()
    click.echo(f"已写入 {output}：{len(summary.rows)} 个单位，计入合计 {summary.totals.units} 个；"
               + counts_text(counts)
               + (f"；名单外文件 {len(a.unmatched)} 个" if a.unmatched else "")
               + (f"；登记簿新增 {added} 条" if rnd.source and not no_ledger and added is not None else "") + "。")


def lock_files(path: Path) -> list[Path]:
    """The files a spreadsheet program keeps beside a workbook it has open: Excel and WPS `~$name` (Word-style
    `~$` over the first two characters too), LibreOffice `.~lock.name#`."""
    names = [f"~${path.name}", f"~${path.name[2:]}", f".~lock.{path.name}#"]
    return [p for n in dict.fromkeys(names) if (p := path.with_name(n)).exists()]


def refuse_open_file(path: Path) -> None:
    """A summary open in Excel, WPS or LibreOffice is not replaced under it, even with --force: on Windows the
    write fails at the end of a long run, elsewhere the office's open copy silently stops matching the file."""
    locks = lock_files(path) if path.exists() else []
    if locks:
        raise XlsformError(f"{path} 正在被 Excel、WPS 或 LibreOffice 打开（锁定文件 {locks[0].name}），"
                           "请先关闭该文件再汇总，或用 -o 另取一个文件名；未写入任何文件。"
                           f"若该程序已关闭，锁定文件是上次异常退出时留下的，删除 {locks[0]} 即可")


def _twin_paths(output: Path, fmt: str) -> dict[str, Path]:
    return {name: output.with_name(f"{output.stem}_{name}.{fmt}") for name in ("汇总表", "指标明细")}


def _previous_year(path: Path, rnd: Round, a: Assignment, jobs: int | None) -> Comparison:
    """Read last year's returns, match them to this round's units and say on stderr what the clerk should
    confirm; the findings go onto this year's returns."""
    from xlsform.previous import source
    from xlsform.previous.compare import Comparison
    from xlsform.spec import spec_by_id

    spec = (spec_by_id(rnd.manifest.spec_id) if rnd.manifest is not None else None) or rnd.specs[0]
    last = source.load(path, specs=rnd.specs, jobs=jobs_or_all(jobs), progress=True)
    click.echo(last.summary(), err=True)
    comparison = Comparison(last, spec.rules.previous)
    comparison.attach(a)
    for line in comparison.report():
        click.echo(line, err=True)
    return comparison

