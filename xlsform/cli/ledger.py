"""`xlsform ledger`: the ledger of `status` and `merge` (kept in the round's store) as JSON Lines."""

from __future__ import annotations

import io
from pathlib import Path

import click

from xlsform.cli import main
from xlsform.errors import XlsformError


@main.command("ledger")
@click.option("--manifest", "manifest_path", type=click.Path(exists=True, path_type=Path), required=True,
              help="manifest.json（或名册、或其所在目录）：登记簿在它旁边的 xlsform.sqlite3 中。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="写入此文件（.jsonl 或 .csv；默认输出到屏幕）。")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]),
              help="输出格式（默认按 -o 的扩展名，屏幕上为 jsonl）。")
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖。")
def ledger(manifest_path: Path, output: Path | None, fmt: str | None, force: bool) -> None:
    """导出登记簿：status 与 merge 看到过的每个文件（路径、SHA-256、到达时间、单位、状态），
    JSON Lines（每行一个 JSON 对象）或 CSV（Excel 可直接打开）。

    Example:

    \b
        xlsform ledger --manifest out/manifest.json -o ledger.jsonl
        xlsform ledger --manifest out/manifest.json -o 登记簿.csv
    """
    from xlsform import ledger as ledger_lib
    from xlsform.fsutil import atomic_output

    path = ledger_lib.ledger_path(manifest_path)
    if not path.is_file():
        raise XlsformError(f"{path} 不存在：此轮尚未运行过 status 或 merge（no ledger yet）")
    fmt = fmt or ("csv" if output is not None and output.suffix.lower() == ".csv" else "jsonl")
    buf = io.BytesIO()
    if fmt == "csv":
        n = ledger_lib.export_csv(path, buf)
    else:
        text = io.StringIO()
        n = ledger_lib.export_jsonl(path, text)
        buf.write(text.getvalue().encode("utf-8"))
    if output is None:
        click.echo(buf.getvalue().decode("utf-8-sig"), nl=False)
        return
    with atomic_output(output, force) as fh:
        fh.write(buf.getvalue())
    click.echo(f"已写入 {output}：{n} 条记录。", err=True)
