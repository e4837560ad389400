"""Issue 8: the whole round as a clerk runs it for several passes: generate, returns (clean, with mistakes,
tampered), check with annotated copies, a corrected copy coming back, status and merge."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import ROOT, load_seed
from tests.helpers_forms import fill_values, prefill_values, write_return
from tests.helpers_read import rezip
from tests.helpers_round import copy_of, corrected
from xlsform import prefill
from xlsform.check import check_file, check_paths
from xlsform.cli import main
from xlsform.generate import generate_units
from xlsform.layout import Layout
from xlsform.manifest import Manifest
from xlsform.roster import Unit
from xlsform.spec import load_spec
from xlsform.writer import write_form

SPEC = load_spec("wangcheng")
SHEET = SPEC.sheet
REASON = Layout(SPEC).ref("execution.reason")     # 27% execution in seed 000 needs a reason


@dataclass
class Round:
    root: Path
    out: Path                       # generate's -o: forms/ and manifest.json
    returns: Path
    manifest: Manifest

    @property
    def manifest_path(self) -> Path:
        return self.out / "manifest.json"

    def entry(self, code: str) -> Any:
        return self.manifest.unit(code)


@pytest.fixture
def round_(tmp_path: Path) -> Round:
    """Seeds 000, 002, 004 as units plus one that never answers; no returns yet."""
    units = [Unit(r.code or "", r.name or "", prefill_values(r, SPEC)) for r in map(load_seed, ("000", "002", "004"))]
    units.append(Unit("430112999", "未报送的单位", {**units[0].values, "code": "430112999", "name": "未报送的单位"}))
    out = tmp_path / "round"
    manifest = generate_units(units, SPEC, out, jobs=1)
    returns = tmp_path / "returns"
    returns.mkdir()
    return Round(tmp_path, out, returns, manifest)


def clean_return(rnd: Round, seed: str, name: str | None = None) -> Path:
    record = load_seed(seed)
    record.values["execution.reason"] = "疫情影响，接待任务减少。"
    entry = rnd.entry(record.code or "")
    return write_return(rnd.returns / (name or entry.file), record, password=rnd.manifest.password)


def faulty_return(rnd: Round, seed: str = "000") -> Path:
    """Seed 000 without the reason its 27% execution needs: one error (XF402)."""
    record = load_seed(seed)
    record.values.pop("execution.reason", None)
    return write_return(rnd.returns / rnd.entry(record.code or "").file, record, password=rnd.manifest.password)


def annotate(rnd: Round, path: Path) -> Path:
    feedback = rnd.root / "feedback"
    res = run("check", path, "--manifest", rnd.manifest_path, "--annotate", feedback)
    assert res.exit_code == 1, res.output
    return copy_of(feedback, path)


def tampered_return(rnd: Round, seed: str, budget: float) -> Path:
    """A unit that removed the protection and changed a locked budget; the hidden copy is left as sent."""
    record = load_seed(seed)
    entry = rnd.entry(record.code or "")
    values = {**fill_values(record, SPEC), "fund.total.budget": budget}
    path = rnd.returns / entry.file
    write_form(path, Layout(SPEC), values, locked=list(entry.prefilled), prefilled=entry.prefilled)
    return path


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def codes(path: Path, **kw: Any) -> list[str]:
    return [f.code for f in check_file(path, **kw).findings]


# ------------------------------------------------------------------ 3. tampering without the manifest

def test_a_changed_locked_budget_is_an_error_without_the_manifest(round_: Round) -> None:
    path = tampered_return(round_, "000", 500)
    [f] = [f for f in check_file(path).findings if f.code == "XF161"]
    assert (f.cell, f.value, f.expected) == ("C6", 500, 307)
    assert "原为 307，现为 500" in f.message and "工作簿内保存的预填副本" in f.message
    res = run("check", path)
    assert res.exit_code == 1 and "有错误" in res.output and "XF161" in res.output
    assert "按各工作簿内保存的预填副本核对" in res.output


def test_an_untouched_return_has_nothing_against_its_own_copy(round_: Round) -> None:
    path = clean_return(round_, "000")
    assert not {"XF161", "XF162", "XF152"} & set(codes(path))
    assert not {"XF161", "XF162", "XF152"} & set(codes(path, manifest=round_.manifest))


def test_with_the_manifest_the_manifest_wins_and_an_edited_copy_is_reported(round_: Round) -> None:
    path = tampered_return(round_, "000", 500)
    found = codes(path, manifest=round_.manifest)
    assert "XF152" in found and "XF161" not in found and "XF162" not in found
    record = load_seed("000")          # the unit also edited the hidden copy to match its change
    record.values["fund.total.budget"] = 500
    write_return(path, record)
    result = check_file(path, manifest=round_.manifest)
    assert [f.code for f in result.findings if f.code in ("XF152", "XF161", "XF162")] == ["XF152", "XF162"]
    assert "XF161" not in codes(path)      # without the manifest an edited copy cannot be seen


def test_merge_and_status_without_a_manifest_say_what_they_could_not_verify(round_: Round) -> None:
    clean_return(round_, "000")
    res = run("status", round_.returns, "--roster", _roster(round_), "--no-ledger")
    assert res.exit_code == 0 and "未给出 --manifest" in res.stderr and "副本" in res.stderr
    res = run("merge", round_.returns, "-o", round_.root / "s.xlsx")
    assert res.exit_code == 0 and "未给出 --manifest" in res.stderr and "未报送的单位" in res.stderr
    res = run("merge", round_.returns, "-o", round_.root / "s2.xlsx", "--manifest", round_.manifest_path,
              "--no-ledger")
    assert res.exit_code == 0 and "未给出 --manifest" not in res.stderr


def _roster(rnd: Round) -> Path:
    path = rnd.root / "roster.csv"
    path.write_text("code,name\n" + "".join(f"{u.code},{u.name}\n" for u in rnd.manifest.units), encoding="utf-8")
    return path


# --------------------------------------------------------------------- 2. a corrected copy is a return

def test_a_folder_holding_only_a_corrected_copy_is_a_return(round_: Round) -> None:
    copy = annotate(round_, faulty_return(round_))
    second = round_.root / "second"
    second.mkdir()
    corrected(copy, second / copy.name, SHEET, {REASON: "疫情影响，接待任务减少。"})
    res = run("check", second, "--manifest", round_.manifest_path)
    assert "没有找到" not in res.output and "XF402" not in res.output and "共 1 个文件" in res.output
    res = run("status", second, "--manifest", round_.manifest_path, "--no-ledger", "--json")
    states = {u["code"]: u["state"] for u in json.loads(res.stdout)["units"]}
    assert states["430112001"] in ("已通过", "仅有警告"), res.output


def test_the_newest_return_counts_and_the_older_one_is_listed_as_superseded(round_: Round) -> None:
    original = faulty_return(round_)
    copy = annotate(round_, original)
    fixed = corrected(copy, round_.returns / copy.name, SHEET, {REASON: "疫情影响，接待任务减少。"})
    res = run("status", round_.returns, "--manifest", round_.manifest_path, "--no-ledger", "--json")
    data = json.loads(res.stdout)
    [unit] = [u for u in data["units"] if u["code"] == "430112001"]
    assert unit["file"] == str(fixed) and unit["others"] == [str(original)] and unit["state"] != "有错误"
    res = run("status", round_.returns, "--manifest", round_.manifest_path, "--no-ledger")
    assert "已被较新的报送取代" in res.output and original.name in res.output


def test_check_status_and_merge_agree_on_the_current_returns(round_: Round) -> None:
    """Issue 15.10: the second-pass check listed the superseded first-pass files as errors (exit 1) while
    status said 有错误 0. The newest return of each unit counts everywhere; older ones are listed apart."""
    original = faulty_return(round_)
    copy = annotate(round_, original)
    fixed = corrected(copy, round_.returns / copy.name, SHEET, {REASON: "疫情影响，接待任务减少。"})
    res = run("check", round_.returns, "--manifest", round_.manifest_path)
    assert res.exit_code == 0, res.output
    # the total counts the return with warnings only as status does (仅有警告, not 已通过): the acceptance run
    # read "6 个通过" from check beside status's "已通过 5，仅有警告 1"
    assert "共 1 个文件：1 个通过（其中 1 个仅有警告），0 个有错误，0 个无法读取" in res.output
    assert "另有 1 个较早的报送已被取代" in res.output
    assert f"{original}（已被较新的报送取代，有错误）→ 以 {fixed} 为准" in res.output and "XF402" not in res.output
    res = run("check", round_.returns, "--manifest", round_.manifest_path, "--json")
    by_file = {o["file"]: o for o in json.loads(res.stdout)}
    assert by_file[str(original)]["superseded_by"] == str(fixed) and "superseded_by" not in by_file[str(fixed)]
    severities = [f["severity"] for f in by_file[str(original)]["findings"]]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)   # issue 15.18
    status = json.loads(run("status", round_.returns, "--manifest", round_.manifest_path, "--no-ledger",
                            "--json").stdout)
    assert status["counts"]["有错误"] == 0
    assert (status["counts"]["已通过"], status["counts"]["仅有警告"]) == (0, 1)
    [unit] = [u for u in status["units"] if u["code"] == "430112001"]
    assert (unit["state"], unit["state_code"]) == ("仅有警告", "warnings")       # issue 15.18: a code for scripts
    out = round_.root / "汇总.xlsx"
    assert run("merge", round_.returns, "--manifest", round_.manifest_path, "-o", out, "--no-ledger").exit_code == 0


def test_an_unchanged_copy_in_the_returns_folder_is_ours_not_a_return(round_: Round) -> None:
    original = faulty_return(round_)
    feedback = round_.returns / "批注"          # a marked-up folder inside the returns folder is common
    res = run("check", original, "--manifest", round_.manifest_path, "--annotate", feedback)
    copy = copy_of(feedback, original)
    renamed = copy.rename(feedback / "请查收.xlsx")     # not by its name: by what is inside
    res = run("check", round_.returns, "--manifest", round_.manifest_path)
    assert "共 1 个文件" in res.output and "跳过 1 个本工具自己写出的文件" in res.stderr
    assert renamed.name in res.stderr
    res = run("check", renamed)                  # named on the command line: checked as asked
    assert "共 1 个文件" in res.output
    res = run("check", feedback)                 # a folder of nothing but our own copies holds no return
    assert res.exit_code == 2 and "没有找到报表文件" in res.output and "1 个本工具写出的文件已跳过" in res.output


def test_a_summary_in_the_returns_folder_is_recognised_by_its_content(round_: Round) -> None:
    clean_return(round_, "000")
    first = round_.returns / "汇总.xlsx"
    assert run("merge", round_.returns, "-o", first, "--manifest", round_.manifest_path,
               "--no-ledger").exit_code == 0
    first.rename(round_.returns / "上次的结果.xlsx")
    res = run("merge", round_.returns, "-o", round_.root / "第二次.xlsx", "--manifest", round_.manifest_path,
              "--no-ledger")
    assert res.exit_code == 0 and "上次的结果.xlsx" in res.stderr and "汇总表" in res.stderr
    assert "名单外文件" not in res.output


# ------------------------------------------------------------------------- 6. reports a clerk can scan

def test_each_heading_names_the_unit_read_from_the_workbook(round_: Round) -> None:
    path = faulty_return(round_)
    renamed = path.rename(round_.returns / "自评表(1).xlsx")
    res = run("check", renamed)
    assert f"【430112001 长沙市望城区接待服务中心】{renamed}：有错误" in res.output


def test_errors_only_lists_only_the_files_with_errors(round_: Round) -> None:
    bad = faulty_return(round_)
    good = clean_return(round_, "002")
    res = run("check", round_.returns, "--errors-only")
    assert str(bad) in res.output and str(good) not in res.output
    assert "共 2 个文件：1 个通过（其中 1 个仅有警告），1 个有错误" in res.output       # the total still counts both
    assert str(good) in run("check", round_.returns).output


def test_forms_returned_exactly_as_sent_get_one_finding_each(round_: Round) -> None:
    forms = round_.out / "forms"
    results = {Path(r["file"]).name: r for r in json.loads(run("check", forms, "--json").stdout)}
    assert len(results) == 4
    for r in results.values():
        assert [f["code"] for f in r["findings"] if f["severity"] != "info"] == ["XF304"], r["file"]
    res = run("check", forms)
    assert res.output.count("空表：尚未填写") == 4
    assert "XF304" not in codes(clean_return(round_, "000"))      # a filled return is no blank form


def test_merge_of_a_folder_with_no_returns_says_so_and_fails(round_: Round) -> None:
    target = round_.root / "汇总.xlsx"
    res = run("merge", round_.returns, "-o", target, "--manifest", round_.manifest_path, "--no-ledger")
    assert res.exit_code == 2 and "没有找到报送表" in res.output and not target.exists()
    assert "（.xlsx、.xls、.et 或 .ods）" in res.output          # every format merge reads, not .xlsx alone


# -------------------------------------------------- 4. the summary shows what was sent, not what was changed

def test_the_summary_carries_the_sent_budget_for_a_tampered_return_and_marks_it(round_: Round) -> None:
    clean_return(round_, "002")
    tampered_return(round_, "000", 500)
    target = round_.root / "汇总.xlsx"
    res = run("merge", round_.returns, "-o", target, "--manifest", round_.manifest_path, "--no-ledger",
              "--include-invalid")
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(target)
    rows = {r[0]: dict(zip(header(wb["汇总表"]), r, strict=True)) for r in wb["汇总表"].iter_rows(min_row=2,
                                                                                            values_only=True)}
    tampered = rows["430112001"]
    assert tampered["全年预算数(万元)"] == 307 and "预填内容被改动 1 处" in tampered["备注"]
    assert rows["430112002"]["备注"] is None
    missing = [r[0] for r in wb["未报送"].iter_rows(min_row=2, values_only=True)]
    assert missing == ["430112004", "430112999"]
    returned = list(wb["退回修改"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in returned] == ["430112001"]
    assert "原为 307，现为 500" in dict(zip(header(wb["退回修改"]), returned[0], strict=True))["退回原因"]


def header(ws: Any) -> list[Any]:
    return [c.value for c in ws[1]]


# --------------------------------------------------------------------------- 1. what goes out, and how

def test_copies_and_summaries_follow_the_umask_and_the_manifest_stays_private(round_: Round) -> None:
    old = os.umask(0o027)
    try:
        copy = annotate(round_, faulty_return(round_))
        summary = round_.root / "汇总.xlsx"
        assert run("merge", round_.returns, "-o", summary, "--manifest", round_.manifest_path,
                   "--no-ledger").exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(copy.stat().st_mode) == stat.S_IMODE(summary.stat().st_mode) == 0o640
    assert stat.S_IMODE(round_.manifest_path.stat().st_mode) == 0o600


def test_every_copy_as_written_is_ours_and_one_changed_value_makes_it_a_return(tmp_path: Path) -> None:
    """The fingerprint of the values survives the writer and the reader for every example return; the
    figures a finding quotes (XF402's "27.08%") are never typed into the copy's cells."""
    feedback = tmp_path / "feedback"
    sources = list(check_paths([ROOT / "examples" / "returns"], annotate=feedback))
    copies = sorted(feedback.iterdir())
    assert len(copies) == len(sources) == 4
    assert all(check_file(c).own == "annotated" for c in copies)
    [c000] = [c for c in copies if c.name.startswith("430112001_")]
    assert openpyxl.load_workbook(c000)[SHEET][REASON].value is None            # XF402 is about C7, empty
    fixed = corrected(c000, tmp_path / "back.xlsx", SHEET, {REASON: "疫情影响。"}, when="2000-01-01T00:00:00Z")
    assert check_file(fixed).own is None


def test_a_long_prefilled_copy_spans_rows_and_a_broken_one_is_reported(round_: Round) -> None:
    long = {"goal.target": "目" * 25_000, "goal.overview": "述" * 25_000, "fund.total.budget": 307}
    rows = prefill.meta_rows(long, list(long))
    assert list(rows) == ["prefill", "prefill:2"] and all(len(t) <= 30_000 for t in rows.values())
    assert prefill.from_meta(rows) == long
    assert prefill.from_meta({"prefill": '{"fund.total.budget": 3'}) is prefill.BROKEN
    path = tampered_return(round_, "000", 500)
    broken = round_.root / "broken.xlsx"
    broken.write_bytes(rezip(path.read_bytes(), _break_copy))
    found = codes(broken)
    assert "XF163" in found and "XF161" not in found
    assert "XF163" not in codes(path)


def _break_copy(name: str, body: bytes) -> bytes:
    return body.replace(b'<t>{"year":', b'<t>{"year"') if name == "xl/sharedStrings.xml" else body


@pytest.mark.parametrize("text", ["[" * 50_000 + "]" * 50_000, '{"a":' * 30_000 + "1" + "}" * 30_000,
                                  '{"fund.total.budget": NaN}', '{"fund.total.budget": 1e999}',
                                  '{"fund.total.budget": Infinity}'])
def test_a_hostile_prefilled_copy_is_broken_not_an_internal_error(text: str) -> None:
    """Nesting that exhausts the stack (RecursionError, not ValueError) or numbers our writer never writes."""
    assert prefill.from_meta({"prefill": text}) is prefill.BROKEN


def test_a_copy_of_ordinary_numbers_still_reads() -> None:
    assert prefill.from_meta({"prefill": '{"fund.total.budget": 307, "name": "中心"}'}) == \
        {"fund.total.budget": 307, "name": "中心"}


def _from_meta_by_loop(meta: dict[str, str]) -> Any:
    """from_meta as it was written first, a value at a time: the reference for the set-of-types shortcut."""
    import math

    try:
        data = json.JSONDecoder(parse_constant=prefill._refuse).decode(meta["prefill"])
    except (ValueError, RecursionError):
        return prefill.BROKEN
    if type(data) is not dict:
        return prefill.BROKEN
    copy = {}
    for k, v in data.items():
        if type(v) is float and not math.isfinite(v):
            return prefill.BROKEN
        if type(v) in (str, int, float):
            copy[k] = v
    return copy


_JSON_VALUES = st.one_of(st.text(max_size=5), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                         st.booleans(), st.none(), st.lists(st.integers(), max_size=2),
                         st.sampled_from([("raw", "1e999"), ("raw", "-1e999"), ("raw", "1" * 400 + ".0")]))


@given(st.dictionaries(st.text(max_size=4), _JSON_VALUES, max_size=8))
def test_a_copy_reads_as_value_by_value(items: dict[str, Any]) -> None:
    """Every kind of value a hostile copy can hold (an overflowing number given as its literal) is kept, left
    out or makes the copy broken exactly as the value-by-value reading does."""
    text = "{" + ",".join(json.dumps(k) + ":" + (v[1] if isinstance(v, tuple) else json.dumps(v))
                          for k, v in items.items()) + "}"
    meta = {"prefill": text}
    assert prefill.from_meta(meta) == _from_meta_by_loop(meta)
    assert (prefill.from_meta(meta) is prefill.BROKEN) == (_from_meta_by_loop(meta) is prefill.BROKEN)
