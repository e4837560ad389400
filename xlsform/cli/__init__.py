"""The command line: a thin click layer over the library (one module per command family).

Library errors become click errors in exactly one place (`XlsformGroup.invoke`), so commands stay short.
Exit codes: 0 success, 1 the data has errors (check), 2 the command itself could not run.

Start-up is part of every command's time (`xlsform --help`, `xlsform check one.xlsx`): a command module
imports at its top only click and what its options need, and the library inside the command, so that a
command pays for what it uses (tests/test_startup.py holds the list of what a bare --help may not import).
"""

from __future__ import annotations

import errno
import gc
import importlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from xlsform import __version__
from xlsform.cli import zh
from xlsform.errors import XlsformError

if TYPE_CHECKING:
    from xlsform.spec import Spec

zh.install()   # click's own texts (Usage, Options, Missing option, ...) in Chinese like ours

# Command modules register themselves on `main`; add a module here to add its commands.
COMMAND_MODULES = ("generate", "read", "check", "merge", "ledger", "serve")


class CommandError(click.ClickException):
    # as documented above: 2 = the command itself could not run (a class attribute: click >= 8.5 types
    # ClickException.exit_code as a ClassVar, so setting it on an instance fails mypy)
    exit_code = 2


class XlsformCommand(click.Command):
    def __init__(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kw)


class XlsformGroup(click.Group):
    command_class = XlsformCommand

    def main(self, args: Sequence[str] | None = None, *rest: Any, **kw: Any) -> Any:
        # each call decides for itself (a host program or a test may call main more than once)
        _PROGRAM[:] = [True] if args is None else []   # the program's own command line, not passed arguments
        _ENDS_NOW.clear()
        try:
            return super().main(args, *rest, **kw)
        except SystemExit as e:
            if args is None and _ENDS_NOW:
                _exit_now(e.code)
            raise
        finally:
            if args is None:    # the program's own command line (a test passes its arguments): it ends now
                _before_exit()

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except XlsformError as e:
            raise CommandError(str(e)) from None
        except ValueError as e:
            if not _spec_error(e):
                raise
            raise CommandError(str(e)) from None
        except BrokenPipeError:   # `xlsform describe zhuzhou | head`: the reader has all it wanted
            _quiet_stdout()
            ctx.exit(0)
        except OSError as e:  # an output folder under a file, no permission, a full disk: the clerk's to fix
            where = e.filename or ""
            why = _OS_ERRORS.get(e.errno or 0, e.strerror or str(e))
            raise CommandError(f"无法读写 {where}：{why}（{e.strerror or e}）") from None


def _before_exit() -> None:
    """The interpreter's last act is a full collection over every object the program made (~200,000 after a
    batch's imports: 15 ms of a 0.8 s check of 1,000 returns), only for the memory to be given back to the
    system. Frozen, they are left out of it; everything is still closed and flushed at exit as before (module
    teardown frees by reference count, so files left open are flushed; only cycles are left to the system)."""
    gc.freeze()


# Set when the program runs from its own command line (not a test or a host program calling `main`).
_PROGRAM: list[bool] = []

# Set by a command that has closed everything it opened (`may_end_now`): the program then ends without the
# interpreter's teardown.
_ENDS_NOW: list[bool] = []


def may_end_now() -> None:
    """Said by a command whose every output is written, flushed and closed (check): when it returns, the
    program may end at once (`_exit_now`) instead of the interpreter taking its modules apart object by object
    (6-9 ms after a batch, all of it to give memory back that the system takes back anyway)."""
    _ENDS_NOW.append(True)


def _exit_now(code: Any) -> None:
    """The end of a normal exit but the teardown: the exit functions run (multiprocessing's, logging's, a host
    program's), stdout and stderr are flushed, then the process ends with `code` as sys.exit would. Left to
    the normal exit whenever a thread of ours is still running (only the interpreter's own exit joins it)."""
    import atexit
    import threading

    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        return
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError, AttributeError):   # a closed pipe or stream: nothing left to say
            stream.flush()
    os._exit(code if isinstance(code, int) else (0 if code is None else 1))


def _spec_error(e: BaseException) -> bool:
    """A spec file's own problem (spec.SpecError): only ever raised once that module is loaded, which a
    command's help does not need."""
    spec = sys.modules.get("xlsform.spec")
    return spec is not None and isinstance(e, spec.SpecError)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that flushing what is left at exit finds no closed pipe to complain of."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):   # no real stdout (CliRunner): nothing left to flush
        pass


_OS_ERRORS = {errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.ENOSPC: "磁盘空间不足",
              errno.EROFS: "只读的磁盘或目录", errno.EEXIST: "路径中有同名的文件",
              errno.ENOTDIR: "路径中有同名的文件，不是目录", errno.ENOENT: "文件或目录不存在"}


@click.group(cls=XlsformGroup, context_settings={"help_option_names": ["-h", "--help"]},
             options_metavar="[选项]", subcommand_metavar="命令 [参数]...")
@click.version_option(__version__, prog_name="xlsform")
def main() -> None:
    """xlsform: 绩效自评表的生成、校验与汇总 (generate, check and merge self-evaluation workbooks)."""


class LazyChoice(click.Choice[str]):
    """A choice among a library module's values (`module.name`), imported when the option is used or its
    command's help is shown, not at every start of the program."""

    def __init__(self, module: str, name: str) -> None:
        self._source = (module, name)
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(getattr(importlib.import_module(self._source[0]), self._source[1]))

    @choices.setter
    def choices(self, value: Any) -> None:   # click sets the (empty) list it was given
        pass


@contextmanager
def collector_off() -> Iterator[None]:
    """For a command's imports of the library: they make ~100,000 objects that all live until the program
    ends, and the collector's passes over them while they are being made cost ~4 ms of every start.

    Run as the program, they are then frozen (left out of every later collection): else the first passes
    after the imports still went over all of them, in the youngest generation and again in the middle one
    (a check of 1,000 returns: 9 ms of collections in the main process, 3.4 ms frozen; more on a busy
    machine). A host program's or a test's heap is left as it is."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _PROGRAM:
            gc.freeze()
        if was:
            gc.enable()


def jobs_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """--jobs/-j for every command that works file by file; the default uses every core (a clerk with 300
    returns should not have to know the flag). Commands read it through `jobs_or_all`."""
    return click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None, metavar="N",
                        help="并行进程数（默认：全部 CPU 核心）。")(f)


def jobs_or_all(jobs: int | None) -> int:
    return jobs or os.cpu_count() or 1


def specs_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """--spec NAME|FILE (repeatable) for commands that read returns: a region's own spec besides the built-ins,
    or a built-in name (accepted as in every other command, though built-ins are always known)."""
    return click.option("--spec", "spec_files", multiple=True, metavar="名称或文件",
                        help="表样规格：内置名称（如 wangcheng）或地区自行修改的规格文件（.toml），可多次给出；"
                             "返回表按其中的规格标识识别。")(f)


def load_specs(names: Sequence[str]) -> list[Spec]:
    """Specs by built-in name or file path, as every command's --spec takes them."""
    return [spec_named(n) for n in names]


def spec_named(name: str) -> Spec:
    from xlsform.spec import builtin_names, load_spec

    path = Path(name)
    if path.suffix.lower() != ".toml" and not path.exists() and name not in builtin_names():
        raise XlsformError(f"未知的规格「{name}」：内置规格有 {'、'.join(builtin_names())}，"
                           "或给出地区规格文件（.toml）的路径")
    return load_spec(name)


def echo_skipped(skipped: Sequence[Any]) -> None:
    """Say on stderr which files in the folders were our own outputs and not read as returns."""
    if not skipped:
        return
    from xlsform.ownfiles import KIND_TEXT

    click.echo(f"跳过 {len(skipped)} 个本工具自己写出的文件（不是报送表）：", err=True)
    for r in skipped[:10]:
        click.echo(f"  {r.file}（{KIND_TEXT.get(r.own, r.own)}）", err=True)
    if len(skipped) > 10:
        click.echo(f"  …… 另有 {len(skipped) - 10} 个", err=True)


def echo_not_workbooks(paths: Sequence[Any]) -> None:
    """Say on stderr which files in the folders are not workbooks and were not looked at (a PDF scan, a Word
    letter, a zip still packed), in plain words."""
    from xlsform.reader import not_workbooks

    others = not_workbooks(paths)
    if not others:
        return
    click.echo(f"以下 {len(others)} 个文件不是 Excel 表格，未检查：", err=True)
    for path, kind in others[:20]:
        click.echo(f"  {path}（{kind}）", err=True)
    if len(others) > 20:
        click.echo(f"  …… 另有 {len(others) - 20} 个", err=True)


def require_known_spec(spec_id: str, specs: Sequence[Spec]) -> None:
    """The office's own set-up, not the unit's mistake: say so before reporting every file as unknown."""
    from xlsform.spec import spec_by_id

    if spec_id and spec_id not in {s.id for s in specs} and spec_by_id(spec_id) is None:
        raise XlsformError(f"清单使用的规格「{spec_id}」不是内置规格：请用 --spec 给出生成表格时所用的规格文件"
                           f"（the manifest's spec '{spec_id}' is not built in: pass its file with --spec）")


for _name in COMMAND_MODULES:
    try:
        importlib.import_module(f"xlsform.cli.{_name}")
    except ModuleNotFoundError as _e:  # a command family not built yet
        if _e.name != f"xlsform.cli.{_name}":
            raise
