"""The round's store: schema versions, durable files by content hash, one transaction per write."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from xlsform.store import MIGRATIONS, SCHEMA_VERSION, Store, StoreError, TooLarge, store_path, token_hash


def test_a_new_store_is_at_the_current_schema_in_wal_mode(tmp_path: Path) -> None:
    with Store(tmp_path / "x.sqlite3") as store:
        assert store.schema_version() == SCHEMA_VERSION == len(MIGRATIONS)
        assert store.integrity_check() == "ok"
    conn = sqlite3.connect(tmp_path / "x.sqlite3")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert store_path(tmp_path / "manifest.json") == (tmp_path / "xlsform.sqlite3").resolve()


def test_a_store_of_every_earlier_version_is_migrated_keeping_its_rows(tmp_path: Path) -> None:
    for version in range(1, SCHEMA_VERSION):
        path = tmp_path / f"v{version}.sqlite3"
        conn = sqlite3.connect(path)
        for n in range(version):
            conn.executescript(MIGRATIONS[n])
        conn.execute(f"PRAGMA user_version = {version}")
        conn.execute("INSERT INTO units (code, name) VALUES ('001', '甲')")
        conn.commit()
        conn.close()
        with Store(path) as store:
            assert store.schema_version() == SCHEMA_VERSION and [u.code for u in store.units()] == ["001"]
            assert store.integrity_check() == "ok"


def test_a_store_from_a_newer_xlsform_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="更新版本"):
        Store(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    conn.close()


def test_files_are_kept_by_content_hash_and_a_refused_size_keeps_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "x.sqlite3") as store:
        sha, size = store.put_file(io.BytesIO(b"hello"))
        assert size == 5 and store.file_path(sha).read_bytes() == b"hello"
        assert store.put_file(io.BytesIO(b"hello")) == (sha, 5)           # the same bytes: one file
        with pytest.raises(TooLarge):
            store.put_file(io.BytesIO(b"x" * 100), limit=10)
        assert sorted(p.name for p in store.files_dir.rglob("*") if p.is_file()) == [f"{sha}.xlsx"]
        with pytest.raises(ValueError):
            store.file_path("../../etc/passwd")


def test_a_row_needs_its_file_and_only_read_uploads_become_the_return(tmp_path: Path) -> None:
    with Store(tmp_path / "x.sqlite3") as store:
        store.sync_units([("001", "甲")])
        with pytest.raises(StoreError):
            store.add_submission("001", "a.xlsx", 1, "0" * 64, "ok", 0, 0, "{}")
        assert store.submissions() == []
        sha, size = store.put_file(io.BytesIO(b"one"))
        first = store.add_submission("001", "a.xlsx", size, sha, "errors", 2, 0, "{}")
        store.add_submission("001", "b.xlsx", size, sha, "refused", 0, 0, "{}", "不是本单位的表")
        unit = store.unit("001")
        assert unit is not None and (unit.submission, unit.state) == (first, "errors")
        with pytest.raises(sqlite3.IntegrityError):           # foreign keys: no submission of an unknown unit
            store.add_submission("999", "a.xlsx", size, sha, "ok", 0, 0, "{}")


def test_links_are_kept_as_hashes_and_can_be_revoked(tmp_path: Path) -> None:
    with Store(tmp_path / "x.sqlite3") as store:
        store.sync_units([("001", "甲"), ("002", "乙")])
        token = store.issue_link("001")
        assert len(token) >= 22 and store.unit_by_token(token).code == "001"   # type: ignore[union-attr]
        assert store.units_without_link() == ["002"]
        store.revoke_link("001")
        assert store.unit_by_token(token) is None
        assert store.units_without_link() == ["002"]          # revoked stays revoked until reissued
        assert store.unit_by_token(store.issue_link("001")) is not None
        assert token_hash(token) != token and len(token_hash(token)) == 64


def test_temporaries_of_a_killed_upload_are_removed_at_start(tmp_path: Path) -> None:
    with Store(tmp_path / "x.sqlite3") as store:
        store.files_dir.mkdir()
        (store.files_dir / ".tmp-abc").write_bytes(b"half an upload")
        assert store.remove_stale_temporaries() == 1
        assert not list(store.files_dir.iterdir())


def test_units_are_counted_and_found_by_state_and_text_in_sql(tmp_path: Path) -> None:
    with Store(tmp_path / "x.sqlite3") as store:
        store.sync_units([(f"{k:03}", f"单位{k}") for k in range(10)])
        sha, size = store.put_file(io.BytesIO(b"one"))
        for k, state in ((1, "ok"), (2, "errors"), (3, "errors")):
            store.add_submission(f"{k:03}", "a.xlsx", size, sha, state, 1, 0, "{}")
        store.add_submission("004", "a.xlsx", size, sha, "refused", 0, 0, "{}", "x")
        assert store.state_counts() == {None: 7, "ok": 1, "errors": 2}
        units, total = store.find_units(state="errors")
        assert total == 2 and [u.code for u in units] == ["002", "003"]
        units, total = store.find_units(state=None, limit=3, offset=3)
        assert total == 7 and [u.code for u in units] == ["006", "007", "008"]
        assert store.find_units(text="单位9")[1] == 1 and store.find_units(text="%")[1] == 0


def test_merge_from_an_empty_store_names_the_store_not_an_empty_path_list(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from xlsform.cli import main
    from xlsform.generate import generate_units
    from xlsform.roster import load_roster
    from xlsform.spec import load_spec

    root = Path(__file__).resolve().parent.parent / "examples"
    spec = load_spec("wangcheng")
    generate_units(load_roster(root / "roster.csv", spec), spec, tmp_path / "r", jobs=1)
    Store(store_path(tmp_path / "r" / "manifest.json")).close()
    result = CliRunner().invoke(main, ["merge", "--from-store", "--manifest", str(tmp_path / "r" / "manifest.json"),
                                       "-o", str(tmp_path / "s.xlsx")])
    assert result.exit_code == 2
    assert "在 收集服务的数据库 中没有找到报送表" in result.output


def test_an_incoming_file_is_readable_at_once_and_kept_only_when_asked(tmp_path: Path) -> None:
    """`incoming`: the bytes are readable under a temporary name while they go to the disk; named by their
    hash only by `keep` (after `sync`); a block left without `keep` (a refused or failed upload) leaves
    nothing behind."""
    with Store(tmp_path / "x.sqlite3") as store:
        with store.incoming(io.BytesIO(b"data")) as upload:
            assert upload.path.read_bytes() == b"data" and upload.path.parent == store.files_dir
            assert not store.file_path(upload.sha256).exists()
            with pytest.raises(AssertionError):
                upload.keep()                              # never named before its bytes are durable
        assert [p for p in store.files_dir.rglob("*") if p.is_file()] == []
        with store.incoming(io.BytesIO(b"data")) as upload:
            upload.sync()
            upload.keep()
        assert store.file_path(upload.sha256).read_bytes() == b"data" and store._pending[upload.sha256] == 1
        store.release_file(upload.sha256)
        with pytest.raises(TooLarge), store.incoming(io.BytesIO(b"x" * 100), limit=10):
            pass
        assert [p.name for p in store.files_dir.rglob("*") if p.is_file()] == [f"{upload.sha256}.xlsx"]


def test_writers_of_one_process_queue_for_each_other_instead_of_sleeping_in_sqlite(tmp_path: Path) -> None:
    """Threads committing at once (uploads) take turns on a lock of the store: left to SQLite, a writer that
    finds the database locked sleeps and polls (1, 2, 5, 10 ... ms, up to seconds measured), which is where an
    upload's answer time had its tail. Shown with SQLite's own waiting switched off: no writer ever finds the
    database locked (before: 「database is locked」 at once)."""
    import threading

    with Store(tmp_path / "x.sqlite3") as store:
        store.sync_units([(f"00{i}", "单位") for i in range(4)])
        sha, size = store.put_file(io.BytesIO(b"one"))
        failures: list[BaseException] = []

        def writer(code: str) -> None:
            store._conn().execute("PRAGMA busy_timeout = 0")        # no sleeping and polling in SQLite
            try:
                for _ in range(40):
                    store.add_submission(code, "a.xlsx", size, sha, "ok", 0, 0, "{}" * 500)
            except sqlite3.OperationalError as e:
                failures.append(e)

        threads = [threading.Thread(target=writer, args=(f"00{i}",)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert failures == [] and len(store.submissions()) == 160


def test_the_quota_and_pruning_never_read_through_the_rounds_answers(tmp_path: Path) -> None:
    """The questions every upload asks (the unit's kept bytes) and every refused one (which files may go) are
    answered from indexes: the columns they need come after each row's check answer (kilobytes), so a whole-
    table scan read every answer of the round — 92 ms a refused upload at 3,300 uploads, growing with the round,
    while holding the write lock. No statement of theirs scans the submissions table."""
    with Store(tmp_path / "x.sqlite3") as store:
        store.sync_units([("001", "甲"), ("002", "乙")])
        sha, size = store.put_file(io.BytesIO(b"one"))
        for code in ("001", "002") * 4:
            store._pending[sha] += 1
            store.add_submission(code, "a.xlsx", size, sha, "refused", 0, 0, "{}" * 2000, "不是本单位的表")
        conn = store._conn()
        said: list[str] = []
        conn.set_trace_callback(said.append)
        try:
            store.unit_bytes("001")
            assert store.prune_refused("001", keep=1) == 0        # the file is still another row's
        finally:
            conn.set_trace_callback(None)
        asked = [s for s in said if s.lstrip().upper().startswith("SELECT")]
        assert len(asked) >= 3
        for sql in asked:
            plan = " / ".join(r[-1] for r in conn.execute("EXPLAIN QUERY PLAN " + sql))
            assert "SCAN submissions" not in plan, (sql, plan)
        plans = [" / ".join(r[-1] for r in conn.execute("EXPLAIN QUERY PLAN " + sql)) for sql in asked]
        assert sum("COVERING INDEX" in p for p in plans) >= 2, plans


def test_the_current_returns_are_listed_without_their_answers(tmp_path: Path) -> None:
    """The summary, the zip of returns and merge --from-store need each current return's file, not its check's
    JSON: loading 5,000 answers of tens of KB held the server at hundreds of MB for a download."""
    with Store(tmp_path / "x.sqlite3") as store:
        store.sync_units([("001", "甲"), ("002", "乙")])
        sha, size = store.put_file(io.BytesIO(b"one"))
        for code in ("001", "002"):
            store._pending[sha] += 1
            store.add_submission(code, f"{code}.xlsx", size, sha, "ok", 0, 0, '{"findings": []}' * 100)
        listed = store.accepted()
        assert [(s.unit, s.filename, s.sha256, s.state) for s in listed] == [("001", "001.xlsx", sha, "ok"),
                                                                            ("002", "002.xlsx", sha, "ok")]
        assert all(s.result == "" for s in listed)
        whole = store.submission(listed[0].id)
        assert whole is not None and whole.result.startswith('{"findings"')
