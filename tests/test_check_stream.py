"""`check` writes its report as results arrive and keeps nothing of a file once written (issue 18).

The reports are the same as when every result was kept to the end: the JSON objects are each file's
`FileResult.to_json()` (one a line, in one array, or JSON Lines with --jsonl), the text report has the old
order (unreadable, errors, warnings, ok, then the note and the total). What changed is when things happen:
each file's result is rendered in the process that checked it, written, and dropped.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import os
import shutil
import subprocess
import sys
import weakref
from contextlib import suppress
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from xlsform import report
from xlsform.check import check_paths, render_paths
from xlsform.cli import main
from xlsform.cli.check import superseded
from xlsform.results import FileResult

EXAMPLES = ROOT / "examples" / "returns"


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example returns, a copy of one (a duplicate), a broken file and a text file: every status."""
    folder = tmp_path_factory.mktemp("batch")
    for f in sorted(EXAMPLES.rglob("*.xlsx")):
        shutil.copy(f, folder / f.name)
    first = sorted(folder.glob("*.xlsx"))[0]
    shutil.copy(first, folder / "zz_again.xlsx")
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not a zip")
    return folder


def _cli(*args: Any) -> tuple[int, str]:
    res = CliRunner().invoke(main, ["check", *map(str, args)])
    return res.exit_code, res.stdout


def _kept(batch: Path) -> tuple[list[FileResult], dict[str, str]]:
    """The results as the old check kept them, and which returns newer ones of their units supersede."""
    results = list(check_paths([batch]))
    return results, superseded(results, None)


@pytest.mark.parametrize("jobs", [1, 2])
def test_json_is_one_array_of_each_files_result_one_a_line(batch: Path, jobs: int) -> None:
    code, out = _cli(batch, "--json", "-j", jobs)
    results, older = _kept(batch)
    expected = json.loads(json.dumps(report.to_json(results, older), ensure_ascii=False, default=str))
    assert older and any("superseded_by" in o for o in expected)    # the copy of a return: two of one unit
    assert code == 1
    assert json.loads(out) == expected
    lines = out.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == len(expected) + 2
    assert [json.loads(line.rstrip(",")) for line in lines[1:-1]] == expected
    assert any(f["code"] == "XF902" for o in expected for f in o["findings"])   # the duplicate, re-rendered


def test_json_lines_are_the_same_objects(batch: Path) -> None:
    code, out = _cli(batch, "--jsonl", "-j", 2)
    _, whole = _cli(batch, "--json")
    assert code == 1
    assert [json.loads(line) for line in out.splitlines()] == json.loads(whole)


@pytest.mark.parametrize("flags", [(), ("--no-info",), ("--errors-only",), ("--errors-only", "--no-info")])
def test_text_report_is_the_report_of_the_kept_results(batch: Path, flags: tuple[str, ...]) -> None:
    results, older = _kept(batch)
    expected = report.format_text(results, info="--no-info" not in flags, errors_only="--errors-only" in flags,
                                  note=report.NO_MANIFEST, superseded=older)
    code, out = _cli(batch, *flags, "-j", 2)
    assert code == 1
    assert out == expected + "\n"
    assert {"warnings", "errors", "unreadable"} <= {r.status for r in results}


def test_no_return_found_writes_nothing_and_exits_2(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    for flag in ("--json", "--jsonl", "--no-info"):
        code, out = _cli(tmp_path, flag)
        assert code == 2 and out == ""


def test_no_result_is_kept_while_the_batch_runs(batch: Path) -> None:
    """When a file's result is rendered, the results of the files before it are gone (the old `check`
    kept every result, and every converted object, until the last file)."""
    refs: list[weakref.ref[FileResult]] = []
    alive: list[int] = []

    def render(result: FileResult) -> bytes:
        gc.collect()
        alive.append(sum(r() is not None for r in refs))
        refs.append(weakref.ref(result))
        return report.json_bytes(result)

    spool = report.ReportSpool(by_status=False)
    for rendered in render_paths([batch], render, jobs=1):
        spool.add(rendered)
    spool.close()
    assert len(alive) >= 6 and max(alive) == 0


def _returns(folder: Path, n: int) -> Path:
    """n distinct returns (unit code and amounts varied), written through one batch writer."""
    from xlsform.layout import Layout
    from xlsform.records import Record
    from xlsform.spec import load_spec
    from xlsform.writer import FormBatch

    layout = Layout(load_spec("wangcheng"))
    seed = Record.from_json(json.loads((ROOT / "examples" / "seeds" / "000_wangcheng_reception.json").read_text()))
    values = {k: v for k, v in seed.values.items() if k in layout.places and layout.places[k].field.role != "computed"}
    locked = [k for k in values if layout.places[k].field.role == "prefill"]
    batch = FormBatch()
    folder.mkdir()
    for i in range(n):
        unit = {**values, "code": f"X{i:05d}", "fund.total.budget": 1000.0 + i}
        (folder / f"{i:05d}.xlsx").write_bytes(batch.form_bytes(layout, unit, password="pw", locked=locked))
    return folder


PEAK = """
import atexit, sys
def peak():   # this process's own high-water mark (ru_maxrss would count the test runner it was forked from)
    hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM")][0]
    sys.stderr.write("PEAK " + hwm.split()[1] + "\\n")
atexit.register(peak)
from xlsform.cli import main
main(sys.argv[1:])
"""


def _peak_mb(*args: str) -> float:
    err = subprocess.run([sys.executable, "-c", PEAK, "check", *args], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, check=False).stderr
    return int(err.rsplit("PEAK ", 1)[1].split()[0]) / 1024


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the peak from /proc")
def test_memory_does_not_grow_with_the_number_of_returns(tmp_path: Path) -> None:
    """400 returns against 40, one process: the old check grew by 37 MB (--json) and 6.4 MB (text report)
    here; now each by 2-3 MB: the forms kept (file names, the duplicate test's hashes, about 1 KB a return)
    and the spool's first megabyte, held in memory and copied once when it goes to a file (the 40 returns'
    0.8 MB of JSON stay under it). The allowance of 4 MB leaves the noise of the allocator's arenas room."""
    few, many = _returns(tmp_path / "few", 40), _returns(tmp_path / "many", 400)
    for flag in ("--json", "--no-info"):
        growth = _peak_mb(str(many), flag, "-j", "1") - _peak_mb(str(few), flag, "-j", "1")
        assert growth < 4, (flag, growth)


def test_a_findings_json_is_its_fields() -> None:
    """Finding.to_json no longer goes through dataclasses.asdict: the same keys, order and values."""
    import dataclasses

    from xlsform.codes import Finding, make

    for f in (make("XF902", file="a/b.xlsx", value="x.xlsx"), make("XF405", cell="H42", value=70, expected=100),
              Finding("XF230", "info", "m", sheet="s", key="ind.1.level1", value=[1, {"a": 2}], expected=(1,))):
        assert list(f.to_json().items()) == list(dataclasses.asdict(f).items())
        assert f.to_json()["value"] is not f.value or not isinstance(f.value, list)


def test_work_is_split_in_chunks_that_shrink_to_the_end() -> None:
    """Large chunks first (few round trips), single items last (no process waits long for another's chunk)."""
    from xlsform.chunks import guided_chunks

    for n, jobs in ((1000, 2), (7, 2), (1, 4), (0, 2), (50_000, 8)):
        chunks = guided_chunks(list(range(n)), jobs, 64)
        assert [x for c in chunks for x in c] == list(range(n))
        sizes = [len(c) for c in chunks]
        assert sizes == sorted(sizes, reverse=True) and max(sizes, default=1) <= 64
        assert not sizes or sizes[-1] == 1


def test_json_bytes_is_json_dumps_of_the_result_whatever_the_cells_cache_holds(batch: Path) -> None:
    """A file's object is json.dumps(result.to_json()) byte for byte; the record's `cells`, encoded once per
    mapping and joined in, must follow each record: the same fields in another order, or another cell for one
    of them, give that record's own mapping, not the one seen before."""
    results = [r for r in check_paths([batch]) if r.record is not None]
    assert len(results) >= 4

    def plain(r: FileResult) -> bytes:
        return json.dumps(r.to_json(), ensure_ascii=False, default=str).encode("utf-8")

    for r in results + results:            # the second time from the cache
        assert report.json_bytes(r) == plain(r)
    rec = results[0].record
    assert rec is not None
    first, *rest = rec.cells.items()
    reordered = FileResult(results[0].file, record=dataclasses.replace(rec, cells=dict([*rest, first])))
    moved = FileResult(results[0].file, record=dataclasses.replace(rec, cells={**rec.cells, first[0]: "表!Z99"}))
    unreadable = FileResult(results[0].file, findings=results[0].findings)
    for r in (reordered, moved, unreadable, results[0]):
        assert report.json_bytes(r) == plain(r)
    assert list(json.loads(report.json_bytes(reordered))["record"]["cells"])[-1] == first[0]


def test_a_records_funds_in_json_are_its_fund_rows(batch: Path) -> None:
    """Record.to_json's funds (built without FundRow objects) are the `funds` view's rows, whatever the
    order of the values and whichever rows have none (labelled rows without values come last)."""
    from xlsform.records import _plain_fields

    rec = next(r.record for r in check_paths([batch]) if r.record is not None)
    values = dict(reversed(list(rec.values.items())))
    values["fund.total.budget"] = 12            # an int, a Decimal, a text: as the view converts them
    values["fund.total.spent"] = Decimal("3.5")
    values["fund.fiscal.spent"] = "abc"
    for r in (rec, dataclasses.replace(rec, values=values, fund_labels={**rec.fund_labels, "extra": "其他"})):
        assert r.to_json()["funds"] == [_plain_fields(f) for f in r.funds]


def _spooled(batch: Path, jobs: int, spill: Any) -> tuple[list[Any], list[bytes]]:
    spool = report.ReportSpool(by_status=False)
    folder: list[str] = []

    def given() -> str:
        folder.append(spill(spool))
        return folder[-1]

    try:
        rendered = list(render_paths([batch], report.json_bytes, jobs=jobs, spill=given))
        for r in rendered:
            spool.add(r)
        texts = list(spool.texts("all"))
    finally:
        spool.close()
    assert all(not Path(f).exists() for f in folder)        # removed with what the processes wrote there
    return rendered, texts


def test_checking_processes_write_the_texts_the_main_process_only_reads_them_back(batch: Path) -> None:
    """With a pool, each process writes its rendered texts into the spool's folder and sends where they
    are (the main process, on the same two cores, no longer takes in and copies every file's JSON); the
    report's texts are those of a run in one process. The duplicate is re-rendered in the main process."""
    alone, expected = _spooled(batch, 1, lambda spool: spool.spill_folder())
    pooled, texts = _spooled(batch, 2, lambda spool: spool.spill_folder())
    assert texts == expected and len(texts) >= 6
    assert all(r.at is None and r.text for r in alone)
    spilled = [r for r in pooled if r.at is not None]
    assert len(spilled) == len(pooled) - 1 and all(r.text == b"" for r in spilled)


def test_a_spill_folder_that_cannot_be_written_costs_nothing_but_the_saving(batch: Path, tmp_path: Path) -> None:
    _, expected = _spooled(batch, 1, lambda spool: spool.spill_folder())
    rendered, texts = _spooled(batch, 2, lambda spool: str(tmp_path / "gone"))    # no such folder
    assert texts == expected and all(r.at is None for r in rendered)


def test_a_results_tally_is_what_its_properties_say(batch: Path) -> None:
    """FileResult.tally (one pass, for reports, and what the properties read) gives the status, counts, stale
    and blank the findings say."""
    from xlsform.codes import make

    results = list(check_paths([batch]))
    some = next(f for r in results for f in r.findings)
    extra = [dataclasses.replace(some, code="XF164"), make("XF304", file="x"), make("XF901", file="x", value="v")]
    results += [dataclasses.replace(r, findings=[*r.findings, f]) for r in results[:2] for f in extra]
    results += [FileResult("none.xlsx"), dataclasses.replace(next(r for r in results if r.record), findings=[])]
    seen = set()
    for r in results:
        t = r.tally()
        assert t == (r.status, r.errors, r.warnings, r.stale, r.blank)
        errors = sum(f.severity == "error" for f in r.findings)      # the rules, counted apart from tally
        warnings = sum(f.severity == "warning" for f in r.findings)
        status = "unreadable" if r.record is None else "errors" if errors else "warnings" if warnings else "ok"
        assert t == (status, errors, warnings, any(f.code in ("XF164", "XF165") for f in r.findings),
                     any(f.code == "XF304" for f in r.findings))
        seen.add(t.status), seen.add(("stale", t.stale)), seen.add(("blank", t.blank))
    assert {"ok", "warnings", "errors", "unreadable", ("stale", True), ("blank", True)} <= seen


def test_a_report_written_a_few_bytes_at_a_time_is_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """os.writev may take only part of what it is given (a pipe, a signal): the rest is written after it."""
    import os

    real = os.writev

    def some(fd: int, buffers: list[Any]) -> int:
        return real(fd, [bytes(b"".join(bytes(b) for b in buffers)[:7])])

    monkeypatch.setattr(os, "writev", some)
    parts = [b"[\n", memoryview(b'{"a": 1}'), b",\n", b'{"b": "\xe4\xb8\xad"}', b"\n]\n"] * 300
    with (tmp_path / "out.json").open("wb") as out:
        report._write_all(out, parts)
    assert (tmp_path / "out.json").read_bytes() == b"".join(bytes(p) for p in parts)


def test_a_workbook_of_several_forms_is_reported_the_same_from_a_pool(tmp_path: Path) -> None:
    """Hand-made workbooks holding several units' forms (each a result of its own, `Rendered.more`): from a
    pool, whose processes write every form's text to their spill files, the report is the one-process report."""
    legacy = ROOT / "tests" / "legacy" / "forms"
    for name in ("L03_wangcheng_two_units.xlsx", "L06_ezhou_two_projects.xlsx", "L01_wangcheng_reception.xlsx"):
        shutil.copy(legacy / name, tmp_path / name)
    _, alone = _cli(tmp_path, "--json", "-j", 1)
    _, pooled = _cli(tmp_path, "--json", "-j", 2)
    assert pooled == alone and len(json.loads(alone)) >= 5


def test_texts_are_read_back_where_the_system_has_no_pread(batch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows has no os.pread: the spill files are read back by seeking, with the same texts."""
    _, expected = _spooled(batch, 2, lambda spool: spool.spill_folder())
    monkeypatch.setattr(report, "_pread", report._seek_and_read)
    _, texts = _spooled(batch, 2, lambda spool: spool.spill_folder())
    assert texts == expected


def test_a_report_is_whole_where_the_system_has_no_writev(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows has no os.writev: fsutil.write_all writes the parts one by one, a few bytes at a time if so."""
    import os

    real = os.write
    monkeypatch.delattr(os, "writev")
    monkeypatch.setattr(os, "write", lambda fd, data: real(fd, bytes(data)[:5]))
    parts = [b"[\n", memoryview(b'{"a": 1}'), b",\n", b'{"b": "\xe4\xb8\xad"}', b"\n]\n"] * 100
    with (tmp_path / "out.json").open("wb") as out:
        report._write_all(out, parts)
    assert (tmp_path / "out.json").read_bytes() == b"".join(bytes(p) for p in parts)


def test_a_pools_results_name_their_files_with_the_batchs_own_text(batch: Path) -> None:
    """A report keeps every form's file name to its end: the name a checking process sent back (an equal
    copy) is replaced by the batch's own, so each name is held once; every other field is as sent."""
    from xlsform import check

    files = [str(f) for f in sorted(batch.iterdir())]
    sent = [check.Rendered.of(check.check_file(f), report.json_bytes) for f in files]
    for r in sent:      # as unpickled from a checking process: equal texts, other objects
        r.file = "".join(list(r.file))
    sent[1].file = "elsewhere.xlsx"     # a name that is not the file's own is left as it is
    shared = list(check._shared_names(sent, files))
    assert shared == sent
    assert [r.file is f for r, f in zip(shared, files, strict=True)] == [i != 1 for i in range(len(files))]
    assert shared[1].file == "elsewhere.xlsx"


@pytest.mark.skipif(sys.platform == "win32", reason="asks the system whether a process exists (POSIX)")
def test_a_killed_checks_spill_folder_is_removed_by_the_next_check(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A check killed outright (SIGKILL, out of memory) cannot remove its spill folder: the next check's
    spool removes the spill files of every folder whose process has ended, and the folder; a live process's
    folder, another name, and a file that is no spill file are left as they are."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                           text=True, check=True)
    dead = int(ended.stdout)
    killed = tmp_path / f"{report.SPILL_PREFIX}{dead}-abc"
    killed.mkdir()
    (killed / "tmp1.part").write_bytes(b"x" * 1000)
    alive = tmp_path / f"{report.SPILL_PREFIX}{os.getppid()}-def"      # the test runner's parent: running
    alive.mkdir()
    (alive / "tmp2.part").write_bytes(b"y")
    kept = tmp_path / f"{report.SPILL_PREFIX}{dead}-ghi"
    kept.mkdir()
    (kept / "notes.txt").write_text("not ours")
    (kept / "tmp3.part").write_bytes(b"z")
    older = tmp_path / "xlsform-check-k3j4"           # a folder named before the process id was in the name
    older.mkdir()
    spool = report.ReportSpool(by_status=False)
    mine = Path(spool.spill_folder())
    assert mine.parent == tmp_path and mine.name.startswith(f"{report.SPILL_PREFIX}{os.getpid()}-")
    assert not killed.exists()
    assert (alive / "tmp2.part").exists()
    assert sorted(p.name for p in kept.iterdir()) == ["notes.txt"]
    assert older.exists()
    spool.close()
    assert not mine.exists()


def _children(pid: int) -> list[int]:
    with suppress(OSError):
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return []


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="lists a process's children from /proc")
def test_checking_processes_end_when_the_check_is_killed_outright(tmp_path: Path) -> None:
    """Killed with SIGKILL, a check cannot stop its pool: its checking processes end by themselves within
    about a second instead of waiting for work forever."""
    import signal
    import time

    folder = _returns(tmp_path / "few", 20)
    for f in sorted(folder.iterdir()):     # the same returns under other names (not links: each is checked)
        for i in range(60):
            os.link(f, folder / f"{f.stem}-{i}.xlsx")
    check = subprocess.Popen([sys.executable, "-m", "xlsform", "check", "--json", "-j", "2", str(folder)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        workers: list[int] = []
        while len(workers) < 2 and time.monotonic() < deadline and check.poll() is None:
            time.sleep(0.02)
            workers = _children(check.pid)
        assert len(workers) == 2, "the pool did not start"
        os.kill(check.pid, signal.SIGKILL)
        check.wait()
        deadline = time.monotonic() + 10
        while [w for w in workers if _running(w)] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [w for w in workers if _running(w)] == []
    finally:
        if check.poll() is None:
            check.kill()


def _running(pid: int) -> bool:
    """Whether a process exists and has not ended (a zombie waits only to be reaped)."""
    with suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return False
