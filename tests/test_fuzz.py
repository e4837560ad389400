"""The fuzz harness (benchmarks/fuzz.py, issue 10 point 10) in a short seeded run: mutated returns through
read, check, the reports, read's outputs, the annotated copy and merge, with no uncaught exception, no
internal error on a file that is only bad, and no mutant over the time limit."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from benchmarks import fuzz


def test_a_short_seeded_fuzz_run_finds_nothing(tmp_path: Path) -> None:
    stats = fuzz.run(n=1500, seconds=40, seed=20261129, out=tmp_path / "found", annotate_every=25,
                     merge_every=100)
    assert (stats.failures, stats.internal, stats.hangs) == (0, 0, 0), sorted(p.name for p in
                                                                            (tmp_path / "found").iterdir())
    assert stats.mutants >= 300 and stats.readable > 0       # the mutants were run, and many still read
    assert set(stats.by_kind) == {"zip", "text", "attribute", "value", "name", "xls-bytes", "xls-record",
                                  "xls-grow"}


def test_a_short_seeded_run_of_xls_mutants_finds_nothing(tmp_path: Path) -> None:
    """Issue 15.9: .xls returns are read, so hostile ones get the same guarantees (record streams edited in place,
    records repeated into over-budget files, bytes flipped or cut)."""
    stats = fuzz.run(n=400, seconds=30, seed=20261206, out=tmp_path / "found", annotate_every=20,
                     merge_every=100, xls=1.0)
    assert (stats.failures, stats.internal, stats.hangs) == (0, 0, 0), sorted(p.name for p in
                                                                            (tmp_path / "found").iterdir())
    assert stats.mutants >= 150 and stats.readable > 0
    assert set(stats.by_kind) == {"xls-bytes", "xls-record", "xls-grow"}


def test_the_harness_saves_a_failing_input_with_its_traceback(tmp_path: Path) -> None:
    stats = fuzz.Stats()
    try:
        raise ValueError("a bug")
    except ValueError as e:
        fuzz.save(tmp_path, stats, b"PK bytes", "crash", e)
        fuzz.save(tmp_path, stats, b"PK other bytes", "crash", e)        # the same failure is kept once
    [data] = tmp_path.glob("crash-*.xlsx")
    assert data.read_bytes() == b"PK bytes"
    assert "ValueError: a bug" in data.with_suffix(".txt").read_text(encoding="utf-8")


def test_a_mutant_over_the_time_limit_is_a_hang_and_saved(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(path: Path, work: Path, annotate: bool) -> None:
        end = time.process_time() + 1      # the limit counts CPU time: sleeping would never reach it
        while time.process_time() < end:
            pass

    monkeypatch.setattr(fuzz, "through_everything", slow)
    stats = fuzz.Stats()
    assert fuzz.one(b"PK slow", tmp_path, False, 0.05, stats, tmp_path / "found") is None
    assert stats.hangs == 1 and [p.suffix for p in sorted((tmp_path / "found").iterdir())] == [".txt", ".xlsx"]
