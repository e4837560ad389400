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
              help="写入此 .jsonl 文件（默认输出到屏幕）。")
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖。")
def ledger(manifest_path: Path, output: Path | None, force: bool) -> None:
    """导出登记簿：status 与 merge 看到过的每个文件（路径、SHA-256、到达时间、单位、状态），每行一个 JSON 对象。

    Example:

    \b
        xlsform ledger --manifest out/manifest.json -o ledger.jsonl
    """
    from xlsform import ledger as ledger_lib
    from xlsform.fsutil import atomic_output

    path = ledger_lib.ledger_path(manifest_path)
    if not path.is_file():
        raise XlsformError(f"{path} 不存在：此轮尚未运行过 status 或 merge（no ledger yet）")
    buf = io.StringIO()
    n = ledger_lib.export_jsonl(path, buf)
    if output is None:
        click.echo(buf.getvalue(), nl=False)
        return
    with atomic_output(output, force) as fh:
        fh.write(buf.getvalue().encode("utf-8"))
    click.echo(f"已写入 {output}：{n} 条记录。", err=True)
