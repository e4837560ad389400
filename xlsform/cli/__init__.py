"""The command line: a thin click layer over the library (one module per command family).

Library errors become click errors in exactly one place (`XlsformGroup.invoke`), so commands stay short.
Exit codes: 0 success, 1 the data has errors (check), 2 the command itself could not run.
"""

from __future__ import annotations

import errno
import importlib
import os
from collections.abc import Callable, Sequence
from typing import Any

import click

from xlsform import __version__
from xlsform.errors import XlsformError
from xlsform.spec import Spec, SpecError, load_spec, spec_by_id

# Command modules register themselves on `main`; add a module here to add its commands.
COMMAND_MODULES = ("generate", "read", "check", "merge", "ledger", "serve")


class CommandError(click.ClickException):
    # as documented above: 2 = the command itself could not run (a class attribute: click >= 8.5 types
    # ClickException.exit_code as a ClassVar, so setting it on an instance fails mypy)
    exit_code = 2


class XlsformGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (XlsformError, SpecError) as e:
            raise CommandError(str(e)) from None
        except OSError as e:  # an output folder under a file, no permission, a full disk: the clerk's to fix
            where = e.filename or ""
            why = _OS_ERRORS.get(e.errno or 0, e.strerror or str(e))
            raise CommandError(f"无法读写 {where}：{why}（{e.strerror or e}）") from None


_OS_ERRORS = {errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.ENOSPC: "磁盘空间不足",
              errno.EROFS: "只读的磁盘或目录", errno.EEXIST: "路径中有同名的文件",
              errno.ENOTDIR: "路径中有同名的文件，不是目录", errno.ENOENT: "文件或目录不存在"}


@click.group(cls=XlsformGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xlsform")
def main() -> None:
    """xlsform: 绩效自评表的生成、校验与汇总 (generate, check and merge self-evaluation workbooks)."""


def jobs_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """--jobs/-j for every command that works file by file; the default uses every core (a clerk with 300
    returns should not have to know the flag). Commands read it through `jobs_or_all`."""
    return click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
                        help="并行进程数（默认：全部 CPU 核心）。")(f)


def jobs_or_all(jobs: int | None) -> int:
    return jobs or os.cpu_count() or 1


def specs_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """--spec FILE (repeatable) for commands that read returns: a region's own spec, besides the built-ins."""
    return click.option("--spec", "spec_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
                        help="地区自行修改的规格文件（.toml），可多次给出；返回表按其中的规格标识识别。")(f)


def load_specs(files: Sequence[str]) -> list[Spec]:
    return [load_spec(f) for f in files]


def require_known_spec(spec_id: str, specs: Sequence[Spec]) -> None:
    """The office's own set-up, not the unit's mistake: say so before reporting every file as unknown."""
    if spec_id and spec_id not in {s.id for s in specs} and spec_by_id(spec_id) is None:
        raise XlsformError(f"清单使用的规格「{spec_id}」不是内置规格：请用 --spec 给出生成表格时所用的规格文件"
                           f"（the manifest's spec '{spec_id}' is not built in: pass its file with --spec）")


for _name in COMMAND_MODULES:
    try:
        importlib.import_module(f"xlsform.cli.{_name}")
    except ModuleNotFoundError as _e:  # a command family not built yet
        if _e.name != f"xlsform.cli.{_name}":
            raise
