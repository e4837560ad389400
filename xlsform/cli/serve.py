"""`xlsform serve`: collect the returns over the web (needs the `serve` extra: Flask and waitress)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from xlsform.cli import main
from xlsform.errors import XlsformError

MISSING_EXTRA = ("xlsform serve 需要网页组件（Flask 与 waitress），当前未安装。请运行：\n"
                 '    pip install "xlsform[serve]"\n'
                 "(the web extra is not installed: pip install \"xlsform[serve]\")")


@main.command()
@click.option("--manifest", "manifest_path", type=click.Path(exists=True, path_type=Path), required=True,
              help="下发时生成的 manifest.json（或其所在目录）：应报送的单位；数据库与 links.csv 写在它旁边。")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址；办公网内其他电脑访问时用 0.0.0.0。")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="端口（0 = 任选一个空闲端口）。")
@click.option("--max-upload-mb", type=click.FloatRange(0.1, 200), default=10, show_default=True,
              help="单个上传文件的大小上限（MB）。")
@click.option("--deadline", callback=lambda _c, _p, v: _checked_deadline(v),
              help="报送截止日期（当天结束为止）或时间，如 2025-03-31 或 \"2025-03-31 17:30\"，可加时区，如 "
                   "\"2025-03-31 17:30 +08:00\"（不加则按这台电脑的时钟）：显示在各单位页面上，之后的上传标为「逾期」；"
                   "记住供以后启动使用。")
@click.option("--base-url", callback=lambda _c, _p, v: _checked_base(v),
              help="各单位链接的网址开头，如 http://192.168.1.20:8000；记住供以后启动使用，links.csv 随之改写"
                   "（默认按 --host/--port，0.0.0.0 时用本机在办公网中的地址）。")
@click.option("--admin-password", envvar="XLSFORM_ADMIN_PASSWORD",
              help="首次启动时设定的管理密码，至少 10 个字符（也可用环境变量 XLSFORM_ADMIN_PASSWORD）；"
                   "不给则随机生成并显示一次。以后启动时不再使用，更换请加 --reset-admin-password。")
@click.option("--reset-admin-password", is_flag=True,
              help="忘记密码时用：设定新的管理密码（--admin-password 给出的，或随机生成并显示一次），"
                   "所有已登录的浏览器随之退出。")
@click.option("--check-processes", type=click.IntRange(0, 64), default=None,
              help="检查上传文件的进程数（默认为 CPU 核数；0 = 在处理请求的线程中检查）。")
@click.option("--threads", type=click.IntRange(1, 64), default=None,
              help="处理请求的线程数（默认为检查进程数加 2）。")
@click.option("--unit-uploads", type=click.IntRange(1, 100_000), default=30, show_default=True,
              help="每个单位 10 分钟内最多上传次数（超过时请该单位稍后再传）。")
@click.option("--unit-quota-mb", type=click.FloatRange(1, 100_000), default=100, show_default=True,
              help="每个单位保存的上传文件总量上限（MB）。")
@click.option("--per-address", type=click.IntRange(0, 10_000), default=20, show_default=True,
              help="同一地址最多同时保持的连接数（0 = 不限：在反向代理之后时，所有连接都来自代理）。")
def serve(manifest_path: Path, host: str, port: int, max_upload_mb: float, deadline: str | None,
          base_url: str | None, admin_password: str | None, reset_admin_password: bool,
          check_processes: int | None, threads: int | None, unit_uploads: int, unit_quota_mb: float,
          per_address: int) -> None:
    """网上收集报表：各单位凭专属链接上传自评表，立即看到检查结果；财政局在 /admin 查看进度、下载汇总。

    首次启动时为清单中的每个单位生成专属链接，写入 manifest 旁的 links.csv（Excel 可直接打开），
    报送记录与文件保存在 manifest 旁的 xlsform.sqlite3 与 xlsform-files/ 中。按 Ctrl+C 停止。

    Example:

    \b
        xlsform serve --manifest round2025/manifest.json --deadline 2025-03-31
        xlsform serve --manifest round2025/manifest.json --host 0.0.0.0 --base-url http://192.168.1.20:8000
    """
    try:
        import flask  # noqa: F401   (asked first: the modules below may already be imported)
        import waitress  # noqa: F401

        from xlsform.serve.app import ServeConfig, create_app
        from xlsform.serve.collect import links
        from xlsform.serve.collect.intake import Limits
        from xlsform.serve.server import Bounds, create_server
    except ModuleNotFoundError as e:
        if e.name in ("flask", "waitress", "werkzeug", "jinja2"):
            raise XlsformError(MISSING_EXTRA) from None
        raise
    os.umask(0o077)       # whatever the service writes (store, files, links, log, temporaries) is the office's
    config = ServeConfig(manifest=manifest_path, max_upload_mb=max_upload_mb, deadline=deadline,
                         admin_password=admin_password, reset_admin_password=reset_admin_password,
                         limits=Limits(uploads=unit_uploads, quota_bytes=int(unit_quota_mb * (1 << 20))))
    if check_processes is not None:
        config.check_processes = check_processes
    app = create_app(config)
    # Checks run in their own processes; a request thread mostly waits for one. More threads than there is
    # work for only take turns at the interpreter lock and spread the answer times (measured in
    # benchmarks/bench_serve.py); waiting requests queue in waitress, first come first served.
    threads = threads or (config.check_processes or config.check_slots) + 2
    svc = app.extensions["xlsform"]
    try:
        server: Any = create_server(app, host=host, port=port, threads=threads,
                                    max_body=int((max_upload_mb + 1) * 1024 * 1024),
                                    bounds=Bounds(per_address=per_address))
    except BaseException:
        svc.close()
        raise
    actual = int(server.effective_port)
    base = svc.links_base(base_url, host, actual)
    issued = svc.issue_links(base)
    click.echo(f"正在收集报表：{links.listening_base(host, actual)}/admin （财政局）", err=True)
    click.echo(f"各单位链接：{svc.links_csv}（本次新发放 {issued} 个；所有链接都以 {base}/u/ 开头）", err=True)
    for problem in links.unreachable(base, host, actual):
        click.echo(f"注意：{problem}。", err=True)
    if links.local_only(base):
        click.echo("注意：链接指向本机地址，只能在这台电脑上打开。要让各单位访问，请加 --host 0.0.0.0 重新启动"
                   "（如有固定网址，再加 --base-url http://本机地址:端口）。", err=True)
    if svc.deadline is not None:
        click.echo(f"报送截止：{svc.deadline.shown}", err=True)
        if warning := svc.deadline.warning():
            click.echo(f"注意：{warning}。", err=True)
    if svc.new_admin_password:
        click.echo(f"管理密码（只显示这一次，请记下）：{svc.new_admin_password}", err=True)
    elif reset_admin_password:
        click.echo("管理密码已改为 --admin-password 给出的密码；原有的登录全部失效。", err=True)
    if svc.ignored_admin_password:
        click.echo("已设定过管理密码，本次给出的 --admin-password（或 XLSFORM_ADMIN_PASSWORD）未使用：要更换密码，"
                   "请登录后在「修改密码」页修改，或加 --reset-admin-password 重新启动。", err=True)
    svc.lock.describe(f"进程 {os.getpid()}，{links.listening_base(host, actual)}")
    # the last start line: the address the server really bound (tests and scripts wait for it), in the
    # office's language like every other line it sees
    click.echo(f"服务已启动：http://{host}:{actual}（按 Ctrl+C 停止）", err=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        svc.close()


def _checked_base(value: str | None) -> str | None:
    if value and not value.startswith(("http://", "https://")):
        raise click.BadParameter(f"{value!r} 不是网址：应以 http:// 或 https:// 开头，如 http://192.168.1.20:8000")
    return value


def _checked_deadline(value: str | None) -> str | None:
    from xlsform.serve.collect.deadline import Deadline

    if value:
        try:
            Deadline.parse(value)
        except ValueError as e:
            raise click.BadParameter(str(e)) from None
    return value
