"""`xlsform read`: returned workbooks -> records (JSON, JSON Lines or CSV)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from xlsform.cli import main
from xlsform.errors import XlsformError

if TYPE_CHECKING:
    from xlsform.reader import ReadResult
    from xlsform.spec import Spec

PROGRESS_ABOVE = 50

# One CSV row per return: identity, the scored fund row, the totals and the footer. Indicators are not
# flattened into columns (forms have up to 30 rows of 12 columns); use JSON for them.
CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("文件", "file"), ("SHA-256", "sha256"), ("规格", "spec_id"), ("规格版本", "spec_version"),
    ("年度", "year"), ("单位编码", "code"), ("单位名称", "name"), ("主管部门", "department"),
    ("实施单位", "implementer"), ("全年预算数(万元)", "fund.budget"), ("全年执行数(万元)", "fund.spent"),
    ("上级转移支付(万元)", "fund.transfer"), ("执行率", "fund.rate"), ("预算执行率分值", "fund.weight"),
    ("预算执行率得分", "fund.score"), ("指标个数", "indicators"), ("总分值", "total.weight"),
    ("总分", "total.score"), ("等级", "total.grade"), ("填报人", "footer.preparer"),
    ("联系电话", "footer.phone"), ("填报日期", "footer.date"), ("单位负责人", "footer.head"),
)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl", "csv"]), default="json", show_default=True,
              help="json：一个数组；jsonl：每行一条记录；csv：每个单位一行（含资金、总分，不含指标明细）。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="写入此文件（默认输出到屏幕）。")
@click.option("--spec", "spec_name", help="按此规格读取（内置名称或 .toml 文件），用于地区自行修改的规格。")
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖。")
def read(paths: tuple[Path, ...], fmt: str, output: Path | None, spec_name: str | None, force: bool) -> None:
    """把返回的自评表读成记录（JSON / JSON Lines / CSV），每个值带有工作表和单元格位置。

    PATHS 可以是文件或目录（递归查找 .xlsx、.xls、.et、.ods 等表格文件，按内容识别格式）。
    无法读取的文件在标准错误输出中各占一行，说明原因（读不了的格式说明如何另存为 .xlsx）。
    退出码：0 全部读取；1 有文件无法读取；2 命令本身无法运行。

    \b
    CSV 的列：文件、SHA-256、规格、规格版本、年度、单位编码、单位名称、主管部门、实施单位、
    计分资金行的全年预算数/全年执行数/上级转移支付/执行率/分值/得分、指标个数、总分值、总分、等级、
    填报人、联系电话、填报日期、单位负责人。以 = + - @ 开头的文字前加 ' 以免被当作公式。

    \b
    Example:
        xlsform read returns/ -o records.json
        xlsform read returns/ --format csv -o records.csv
    """
    from xlsform.fsutil import resolved
    from xlsform.reader import walk_returns
    from xlsform.spec import load_spec

    spec = load_spec(spec_name) if spec_name else None
    # our own output, when written into the returns folder by an earlier run
    files = [f for f in walk_returns(paths) if output is None or resolved(f) != resolved(output)]
    if not files:
        raise XlsformError(f"在 {'、'.join(map(str, paths))} 中没有找到报表文件（.xlsx、.xls、.et 或 .ods）")
    results = list(_read_all(files, spec))
    unreadable = [r for r in results if r.record is None]
    for r in results:
        _warn(r)
    # a hand-made workbook may hold several units' forms, one a sheet: each is a record of its own
    forms = [form for r in results for form in (r, *r.more)]
    with _sink(output, force) as fh:
        fh.write(render(forms, fmt).encode("utf-8-sig" if fmt == "csv" else "utf-8"))
    several = f"，共 {len(forms) - len(unreadable)} 张自评表" if len(forms) > len(results) else ""
    click.echo(f"共 {len(results)} 个文件：{len(results) - len(unreadable)} 个已读取{several}，"
               f"{len(unreadable)} 个无法读取" + (f"；记录已写入 {output}" if output else ""), err=True)
    click.get_current_context().exit(1 if unreadable else 0)


def _read_all(files: list[Path], spec: Spec | None) -> Iterator[ReadResult]:
    from xlsform.reader import read_file

    if len(files) <= PROGRESS_ABOVE or not sys.stderr.isatty():
        yield from (read_file(f, spec=spec) for f in files)
        return
    with click.progressbar(files, label="读取", file=sys.stderr) as bar:
        yield from (read_file(f, spec=spec) for f in bar)


def _warn(result: ReadResult) -> None:
    """Unreadable files and values that could not be read, one line each on stderr."""
    from xlsform.fsutil import shown_path

    for f in result.findings:
        if f.severity == "error":
            click.echo(f"{shown_path(result.file)}: [{f.code}] {f.message}", err=True)


def _sink(output: Path | None, force: bool) -> AbstractContextManager[IO[bytes]]:
    from xlsform.fsutil import atomic_output

    if output is None:
        return nullcontext(sys.stdout.buffer)
    return atomic_output(output, force)


def render(results: Iterable[ReadResult], fmt: str) -> str:
    """Records of the readable files in the chosen format."""
    from xlsform.csvsafe import csv_text

    readable = [r for r in results if r.record is not None]
    if fmt == "csv":
        return csv_text([label for label, _ in CSV_COLUMNS], (csv_row(r) for r in readable))
    records = [r.record.to_json() for r in readable if r.record is not None]
    if fmt == "jsonl":
        return "".join(json.dumps(rec, ensure_ascii=False) + "\n" for rec in records)
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"


def csv_row(result: ReadResult) -> list[Any]:
    from xlsform.fsutil import shown_path

    rec, layout = result.record, result.layout
    assert rec is not None and layout is not None
    row = layout.spec.scored_fund_row
    values: dict[str, Any] = {
        "file": shown_path(result.file), "sha256": result.sha256, "spec_id": rec.spec_id,
        "spec_version": rec.spec_version,
        "indicators": len(rec.indicators),
        **{f"fund.{col}": rec.values.get(f"fund.{row}.{col}") for col in
           ("budget", "spent", "transfer", "rate", "weight", "score")},
    }
    return [values[key] if key in values else rec.values.get(key) for _, key in CSV_COLUMNS]
