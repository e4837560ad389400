"""`xlsform check`: check returned workbooks, report findings, optionally write annotated copies."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from xlsform.cli import (
    collector_off,
    echo_not_workbooks,
    echo_skipped,
    jobs_option,
    jobs_or_all,
    load_specs,
    main,
    may_end_now,
    require_known_spec,
    specs_option,
)
from xlsform.errors import XlsformError


def load_manifest(path: Path | None) -> Any:
    if path is None:
        return None
    try:
        from xlsform.manifest import Manifest
    except ImportError as e:  # pragma: no cover - the manifest module ships with the package
        raise XlsformError(f"无法读取清单：{e}") from None
    return Manifest.load(path)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--manifest", "manifest_path", type=click.Path(exists=True, path_type=Path),
              help="下发时生成的 manifest.json（或其所在目录）：逐格核对预填内容与单位编码。")
@click.option("--json", "as_json", is_flag=True,
              help="输出 JSON，供程序使用：一个数组，每个文件一个对象、占一行。")
@click.option("--jsonl", "as_jsonl", is_flag=True, help="输出 JSON Lines：每行一个文件的对象（不加数组括号）。")
@click.option("--annotate", type=click.Path(file_okay=False, path_type=Path),
              help="为每份可读的报表写一份批注副本（<单位编码>_<单位名称>_校验.xlsx）到此目录，可退回单位修改。")
@specs_option
@jobs_option
@click.option("--force", is_flag=True, help="同一报送表的批注副本已被打开保存过时，也覆盖它（其他文件从不覆盖）。")
@click.option("--no-info", is_flag=True, help="文本报告中不列出提示（info）级别的发现。")
@click.option("--errors-only", is_flag=True, help="文本报告中只列出有错误或无法读取的文件（合计仍按全部文件）。")
def check(paths: tuple[Path, ...], manifest_path: Path | None, as_json: bool, as_jsonl: bool, annotate: Path | None,
          spec_files: tuple[str, ...], jobs: int | None, force: bool, no_info: bool, errors_only: bool) -> None:
    """检查返回的自评表：逐项重算、核对锁定内容，并列出需要修改之处。

    PATHS 可以是文件或目录（目录会被递归查找）。退出码：0 没有错误；1 有文件存在错误或无法读取；
    2 命令本身无法运行。

    Example:

    \b
        xlsform check returns/ --manifest out/manifest.json --annotate marked/ --jobs 2
        xlsform check returns/ --manifest out/manifest.json --errors-only --no-info
    """
    from functools import partial

    with collector_off():
        from xlsform import report
        from xlsform.check import render_paths

    specs = load_specs(spec_files)
    manifest = load_manifest(manifest_path)
    if manifest is not None:
        require_known_spec(manifest.spec_id, specs)
    skipped: list[Any] = []
    as_json = as_json or as_jsonl
    # Each file's part of the report is rendered where it is checked and set aside as it arrives (a spool
    # that goes to a temporary file when large): memory does not grow with the number of returns.
    render: Callable[[Any], bytes] = report.json_bytes if as_json else partial(report.text_bytes, info=not no_info)
    spool = report.ReportSpool(by_status=not as_json, lines=as_jsonl)
    try:
        for rendered in render_paths(paths, render, manifest=manifest, jobs=jobs_or_all(jobs), progress=True,
                                     specs=specs, annotate=annotate, force=force, skipped=skipped,
                                     spill=spool.spill_folder, trailer=spool.trailer):
            spool.add(rendered)
        echo_skipped(skipped)
        echo_not_workbooks(paths)
        if not spool.forms:   # the wrong folder, or returns still in their .zip: not a clean pass
            ours = f"（另有 {len(skipped)} 个本工具写出的文件已跳过）" if skipped else ""
            raise XlsformError(f"在 {'、'.join(map(str, paths))} 中没有找到报表文件（.xlsx、.xls、.et 或 .ods）{ours}")
        older = superseded(spool.forms, manifest)
        if as_json:
            report.write_json(spool, older, sys.stdout.buffer, lines=as_jsonl)
        else:
            report.write_text(spool, older, sys.stdout.buffer, errors_only=errors_only,
                              note=report.NO_MANIFEST if manifest is None else None)
    finally:
        spool.close()
    if annotate is not None:
        _echo_copies(spool.forms, annotate)
    may_end_now()
    click.get_current_context().exit(report.exit_code(spool.forms, older))


def superseded(results: list[Any], manifest: Any) -> dict[str, str]:
    """file -> the newer return of the same unit that counts instead: the assignment status and merge make
    (newest by content, then file time), so the three commands agree on what is current (issue 15.10)."""
    if len(results) < 2:   # one return supersedes none: `check one.xlsx` need not import status
        return {}
    from xlsform.status import RosterUnit, assign

    units = None if manifest is None else [RosterUnit(str(u.code), str(u.name), u.file) for u in manifest.units]
    out: dict[str, str] = {}
    for unit in assign(results, units).units:
        if unit.result is not None:
            out.update((older.file, unit.result.file) for older in unit.others)
    return out


def _echo_copies(results: list[Any], annotate: Path) -> None:
    """On stderr, whatever the report shows (--no-info hides XF920): the copies really written, and for every
    readable return without one, why (XF920 no free name, XF903 the disk or folder refused it)."""
    written = sum(r.annotated is not None for r in results)
    kept = [(r.file, r.copy_note or "未写出") for r in results if r.record is not None and r.annotated is None]
    click.echo(f"批注副本：写入 {annotate} {written} 份" + (f"，未写出 {len(kept)} 份：" if kept else "。"),
               err=True)
    for file, why in kept:
        click.echo(f"  {file}：{why}", err=True)
