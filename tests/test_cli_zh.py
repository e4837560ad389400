"""Issue 8.8: what a newcomer trips on: click's own texts in Chinese, --spec names everywhere, warnings and
messages that say what to do, and a pipe into `head` that ends quietly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result

from tests.conftest import ROOT
from xlsform.cli import main

EXAMPLE = ROOT / "examples"
ENGLISH = ("Usage:", "Options:", "Show this message and exit", "Missing option", "Invalid value",
           "does not exist", "[required]", "[default:")


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def english(text: str) -> list[str]:
    return [e for e in ENGLISH if e in text]


def test_help_and_usage_errors_are_in_chinese(tmp_path: Path) -> None:
    for args in (["--help"], ["merge", "--help"], ["generate", "--help"], ["check", "--help"]):
        res = run(*args)
        assert res.exit_code == 0 and "用法：" in res.output and "显示本帮助并退出" in res.output
        assert not english(res.output), (args, english(res.output))
    assert "[必填]" in run("merge", "--help").output and "[默认：wangcheng]" in run("generate", "--help").output
    for args, words in ((["generate"], "缺少选项"), (["check", EXAMPLE, "--manifest", tmp_path / "no.json"], "不存在"),
                        (["check", EXAMPLE, "--jobs", "0"], "值无效"), (["nosuch"], "没有命令")):
        res = run(*args)
        assert res.exit_code == 2 and words in res.output and not english(res.output), res.output


def test_spec_accepts_built_in_names_in_every_command(tmp_path: Path) -> None:
    returns = EXAMPLE / "returns" / "wangcheng"
    assert run("check", returns, "--spec", "wangcheng", "--no-info").exit_code == 1     # findings, not exit 2
    assert run("status", returns, "--manifest", returns, "--spec", "wangcheng", "--no-ledger").exit_code == 0
    assert run("describe", "zhuzhou").exit_code == 0
    res = run("check", returns, "--spec", "wangchen")
    assert res.exit_code == 2 and "未知的规格「wangchen」" in res.output and "wangcheng" in res.output


def test_generate_without_indicators_warns_that_every_table_is_open(tmp_path: Path) -> None:
    res = run("generate", EXAMPLE / "roster.csv", "-o", tmp_path / "a")
    assert res.exit_code == 0 and "未给出 --indicators" in res.stderr
    res = run("generate", EXAMPLE / "roster.csv", "--indicators", EXAMPLE / "indicators.csv", "-o", tmp_path / "b")
    assert res.exit_code == 0 and "--indicators" not in res.stderr


def test_a_roster_saved_as_xls_is_told_to_save_as_xlsx_or_csv(tmp_path: Path) -> None:
    xls = tmp_path / "名册.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    disguised = tmp_path / "名册.csv"          # the same bytes under a .csv name
    disguised.write_bytes(xls.read_bytes())
    for path in (xls, disguised):
        res = run("generate", path, "-o", tmp_path / "out")
        assert res.exit_code == 2 and "另存为" in res.output and ".xlsx" in res.output and "CSV" in res.output
        assert "编码" not in res.output and not (tmp_path / "out").exists()


def test_an_unknown_roster_column_suggests_the_nearest_key_or_label(tmp_path: Path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text("code,name,fund.total.budgte\nA1,甲,1\n", encoding="utf-8")
    res = run("generate", roster, "-o", tmp_path / "out")
    assert res.exit_code == 2 and "是否应为「fund.total.budget」" in res.output
    roster.write_text("code,name,完全无关\nA1,甲,1\n", encoding="utf-8")
    res = run("generate", roster, "-o", tmp_path / "out")
    assert res.exit_code == 2 and "不认识的列名" in res.output and "是否应为" not in res.output


def test_a_pipe_closed_early_ends_quietly() -> None:
    """`xlsform describe zhuzhou | head`: the reader leaves before the writer is done; no traceback."""
    for args in (["describe", "zhuzhou"], ["describe", "project", "--json"]):
        proc = subprocess.Popen([sys.executable, "-m", "xlsform", *args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, cwd=ROOT)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()                        # as `head` does once it has its lines
        err = proc.stderr.read()
        proc.stderr.close()
        assert proc.wait(timeout=60) == 0 and err == b"", err.decode()
    shell = subprocess.run(f"'{sys.executable}' -m xlsform describe zhuzhou --json | head -n 1", shell=True,
                           capture_output=True, cwd=ROOT, timeout=60)
    assert shell.stdout == b"[\n" and shell.stderr == b""


def test_help_paragraphs_typed_over_several_lines_have_no_space_inside_chinese() -> None:
    """click joins a paragraph's lines with a space: 「说明原因（…）。 退出码」 in `read --help`. Chinese has no
    spaces between words; spaces beside Latin text stay (「PATHS 可以」)."""
    import re

    for command in ("read", "check", "merge", "generate", "status", "serve"):
        res = run(command, "--help")
        assert res.exit_code == 0
        cjk = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
        assert not re.search(f"[{cjk}] [{cjk}]", res.output), (command, res.output)
    assert "PATHS 可以是文件或目录" in run("read", "--help").output
