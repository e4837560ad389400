"""The ledger: one line per distinct file content, no duplicates on re-runs, damage never fatal."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from xlsform.codes import Finding
from xlsform.ledger import LEDGER_NAME, append, ledger_path, read_ledger
from xlsform.records import Record
from xlsform.results import FileResult

NOW = datetime(2025, 3, 6, 9, 0, tzinfo=UTC)


def res(file: Path, sha: str, errors: int = 0) -> FileResult:
    record = Record(spec_id="wangcheng", spec_version="2020.1", values={"code": "001"})
    return FileResult(file=str(file), sha256=sha, mtime=1_700_000_000.0, record=record,
                      findings=[Finding("XF401", "error", "x")] * errors)


def test_ledger_lives_beside_the_manifest(tmp_path: Path) -> None:
    assert ledger_path(tmp_path / "round" / "manifest.json") == (tmp_path / "round" / LEDGER_NAME).resolve()
    assert ledger_path(tmp_path) == (tmp_path / LEDGER_NAME).resolve()     # --manifest given as its folder


def test_entries_record_what_arrived(tmp_path: Path) -> None:
    path = tmp_path / LEDGER_NAME
    assert append(path, [res(tmp_path / "a.xlsx", "aa", errors=2)], {str(tmp_path / "a.xlsx"): "001"}, NOW) == 1
    [entry] = read_ledger(path)
    assert entry["time"] == "2025-03-06T09:00:00+00:00"
    assert entry["file"] == (tmp_path / "a.xlsx").resolve().as_posix()
    assert (entry["sha256"], entry["unit"], entry["spec"]) == ("aa", "001", "wangcheng 2020.1")
    assert (entry["status"], entry["errors"], entry["warnings"]) == ("errors", 2, 0)
    assert entry["arrived"].startswith("2023-11-1")


def test_rerun_adds_no_duplicates_but_new_content_is_added(tmp_path: Path) -> None:
    path = tmp_path / LEDGER_NAME
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert append(path, [res(a, "aa"), res(b, "bb")]) == 2
    assert append(path, [res(a, "aa"), res(b, "bb")]) == 0
    assert append(path, [res(a, "aa2"), res(a, "aa2")]) == 1      # corrected file, same name: one new line
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and all(json.loads(line)["format"] == "xlsform.ledger/1" for line in lines)


def test_a_line_cut_short_by_a_crash_is_skipped_and_not_glued_to(tmp_path: Path) -> None:
    path = tmp_path / LEDGER_NAME
    append(path, [res(tmp_path / "a.xlsx", "aa")])
    with path.open("a", encoding="utf-8") as fh:
        fh.write('{"file": "half')
    assert len(read_ledger(path)) == 1
    assert append(path, [res(tmp_path / "b.xlsx", "bb")]) == 1
    assert [e["sha256"] for e in read_ledger(path)] == ["aa", "bb"]


def test_missing_ledger_is_empty(tmp_path: Path) -> None:
    assert read_ledger(tmp_path / "none.jsonl") == []
    assert append(tmp_path / "new" / LEDGER_NAME, []) == 0
    assert not (tmp_path / "new" / LEDGER_NAME).exists()
