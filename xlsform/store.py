"""The round's store: one SQLite database beside the manifest, and the uploaded files by content hash.

This is the only module that speaks SQL. The CLI (the ledger of `status` and `merge`) and the collection
service (`xlsform serve`: units, link tokens, submissions, accepted returns, the audit log) both call it.

Why it holds up under concurrency and crashes:
- WAL journal, `synchronous=FULL`, a busy timeout: readers never block the writer, concurrent processes wait
  for each other instead of failing, and a committed transaction survives a crash of the process or machine.
- Every write is one `BEGIN IMMEDIATE` transaction; uniqueness is the database's job (UNIQUE keys with
  `INSERT OR IGNORE`), so two `status` runs at once cannot both add the same ledger row.
- A file is written to a temporary name, fsynced, renamed to its hash and its folder fsynced *before* the
  row naming it is committed: a crash at any moment leaves no row without its file (at worst a file without
  a row, which is harmless and reused by the next upload of the same bytes). `incoming` splits that write
  so that the service checks the upload while its bytes go to the disk; the order on the disk is the same.
- The schema carries its version (`PRAGMA user_version`); `MIGRATIONS[n]` takes version n to n + 1.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

STORE_NAME = "xlsform.sqlite3"
FILES_NAME = "xlsform-files"
_TMP_PREFIX = ".tmp-"
_CHUNK = 1 << 16

MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1: the ledger of status/merge, the collection service's units, submissions, accepted returns, audit
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE ledger (
        id INTEGER PRIMARY KEY, time TEXT NOT NULL, file TEXT NOT NULL, sha256 TEXT NOT NULL DEFAULT '',
        arrived TEXT, unit TEXT, spec TEXT, status TEXT NOT NULL, errors INTEGER NOT NULL,
        warnings INTEGER NOT NULL, UNIQUE (file, sha256));
    CREATE TABLE units (
        code TEXT PRIMARY KEY, name TEXT NOT NULL, token_hash TEXT UNIQUE, token_issued TEXT, revoked TEXT);
    CREATE TABLE submissions (
        id INTEGER PRIMARY KEY, unit TEXT NOT NULL REFERENCES units(code), time TEXT NOT NULL,
        filename TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('ok', 'warnings', 'errors', 'refused')),
        errors INTEGER NOT NULL, warnings INTEGER NOT NULL, message TEXT NOT NULL DEFAULT '',
        result TEXT NOT NULL);
    CREATE INDEX submissions_by_unit ON submissions (unit, id);
    CREATE TABLE accepted (
        unit TEXT PRIMARY KEY REFERENCES units(code), submission INTEGER NOT NULL REFERENCES submissions(id));
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY, time TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '');
    """,
    # 1 -> 2: the office's login sessions, kept here so that logging out, a new password or a reset ends them
    # at once, on every copy of the cookie (the cookie holds a random token; only its hash is kept here)
    """
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY, created REAL NOT NULL, seen REAL NOT NULL, address TEXT NOT NULL);
    """,
    # 2 -> 3: why a readable upload did not become the unit's current return ('' = it did, or was refused):
    # 'blank' (an empty form never replaces a filled one), 'worse' (more errors: waits for the unit to confirm);
    # and when the file of a refused upload was removed (NULL: kept), the row staying as the record
    """
    ALTER TABLE submissions ADD COLUMN held TEXT NOT NULL DEFAULT '';
    ALTER TABLE submissions ADD COLUMN pruned TEXT;
    """,
    # 3 -> 4: when a unit left the round (no longer in its manifest; NULL: in it). Its rows stay as history,
    # its link stops working, and the board, the lists and links.csv leave it out
    """
    ALTER TABLE units ADD COLUMN retired TEXT;
    """,
    # 4 -> 5: indexes that answer the quota and the pruning of refused files without reading the rows: the
    # columns they ask about (`pruned` last of all) come after each row's check answer, kilobytes long, so
    # every upload read through all of its unit's answers, and a refused one (to prune) through every answer
    # of the round (a whole-table scan, holding the write lock: 49 ms at 3,300 uploads, growing with the round)
    """
    CREATE INDEX submissions_kept ON submissions (unit, pruned, state, sha256, size);
    CREATE INDEX submissions_by_file ON submissions (sha256, pruned);
    """,
    # 5 -> 6: a form returned as it was sent (XF304) is a state of its own, 'blank' (空表, as `status` says:
    # a unit to chase, not a return with an error to fix), no longer 'errors'. SQLite cannot change a CHECK
    # constraint in place: the table is rebuilt, every row and index kept. `accepted` names submissions by
    # id, so its rows wait aside while the old table is dropped (dropping it under them breaks their foreign
    # key; the ids are copied unchanged). Blank uploads already stored are given their state.
    """
    CREATE TABLE submissions_v6 (
        id INTEGER PRIMARY KEY, unit TEXT NOT NULL REFERENCES units(code), time TEXT NOT NULL,
        filename TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('ok', 'warnings', 'errors', 'blank', 'refused')),
        errors INTEGER NOT NULL, warnings INTEGER NOT NULL, message TEXT NOT NULL DEFAULT '',
        result TEXT NOT NULL, held TEXT NOT NULL DEFAULT '', pruned TEXT);
    INSERT INTO submissions_v6 (id, unit, time, filename, size, sha256, state, errors, warnings, message, result,
                                held, pruned)
        SELECT id, unit, time, filename, size, sha256, state, errors, warnings, message, result, held, pruned
        FROM submissions;
    CREATE TEMP TABLE accepted_v6 AS SELECT unit, submission FROM accepted;
    DELETE FROM accepted;
    DROP TABLE submissions;
    ALTER TABLE submissions_v6 RENAME TO submissions;
    INSERT INTO accepted (unit, submission) SELECT unit, submission FROM temp.accepted_v6;
    DROP TABLE temp.accepted_v6;
    CREATE INDEX submissions_by_unit ON submissions (unit, id);
    CREATE INDEX submissions_kept ON submissions (unit, pruned, state, sha256, size);
    CREATE INDEX submissions_by_file ON submissions (sha256, pruned);
    UPDATE submissions SET state = 'blank'
        WHERE state = 'errors' AND (instr(result, '"code":"XF304"') OR instr(result, '"code": "XF304"'));
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
SUBMISSION_STATES = ("ok", "warnings", "errors", "blank", "refused")
DatabaseError = sqlite3.Error      # what callers catch, so that none of them needs to import sqlite3
_LEDGER_COLUMNS = ("time", "file", "sha256", "arrived", "unit", "spec", "status", "errors", "warnings")


class StoreError(Exception):
    """The database is from a newer xlsform, or is not ours."""


def other_round_message(db: Path, held: tuple[str, int | None], spec_id: str, year: int | None) -> str:
    """Why a store cannot serve this manifest: it holds another round's links and returns (Chinese)."""
    def named(spec: str, y: int | None) -> str:
        return f"{y} 年度（表样 {spec}）" if y else f"表样 {spec}"

    return (f"{db} 属于 {named(*held)}的一轮，其中的链接和报送都是那一轮的；而清单是 {named(spec_id, year)}的。"
            f"新的一轮请生成到新的文件夹（xlsform generate ... -o 新文件夹），或先把旧的 {db.name}、{FILES_NAME}/ "
            "和 links.csv 移到别处保存")


def store_path(beside: str | Path) -> Path:
    """The store lives in the folder of the manifest (or roster) that defines the round, or in that folder."""
    p = Path(beside).resolve()
    return (p if p.is_dir() else p.parent) / STORE_NAME


def now_iso() -> str:
    """Local time with its offset: the pages show the first 19 characters, the clock on the office wall."""
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


def token_hash(token: str) -> str:
    """Link tokens are kept only as their hash: a copied database gives nobody a unit's link."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class UnitView:
    code: str
    name: str
    has_link: bool
    state: str | None = None          # the accepted submission's state; None = nothing accepted yet
    submission: int | None = None
    time: str | None = None
    filename: str | None = None
    errors: int | None = None
    warnings: int | None = None
    retired: bool = False             # no longer in the round's manifest


@dataclass(frozen=True)
class Submission:
    id: int
    unit: str
    time: str
    filename: str
    size: int
    sha256: str
    state: str
    errors: int
    warnings: int
    message: str
    result: str          # the check's JSON object for this file (or the refusal's)
    held: str = ""       # why this readable upload did not become current: 'blank', 'worse' ('' = it did)
    pruned: str | None = None        # when its file was removed (refused uploads only); None: the file is kept

    @property
    def kept(self) -> bool:
        return self.pruned is None


class Store:
    """One round's database and file folder. Safe to share between threads: each gets its own connection."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.files_dir = self.path.parent / FILES_NAME
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._files = threading.Lock()
        # This process's writers queue here, each woken as the one before commits. Left to SQLite, a writer
        # that finds the database locked sleeps and polls (1, 2, 5, 10 ... ms): uploads committing at once
        # waited out those sleeps. Other processes (a `status` run) still meet the busy timeout.
        self._writing = threading.RLock()
        self._pending: Counter[str] = Counter()    # files stored by put_file whose row is not yet committed
        self.path.parent.mkdir(parents=True, exist_ok=True)
        create_private(self.path)       # SQLite gives its -wal and -shm files the database's permissions
        try:
            self._migrate()
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------------------------ connections

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            _wal(conn)
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            conn.close()
        self._local = threading.local()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (IMMEDIATE) so that concurrent writers queue up."""
        conn = self._conn()
        with self._writing:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _migrate(self) -> None:
        with self._tx() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(f"{self.path} 由更新版本的 xlsform 建立（数据库版本 {version}），请升级 xlsform")
            for n in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[n].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {n + 1}")

    def schema_version(self) -> int:
        return int(self._conn().execute("PRAGMA user_version").fetchone()[0])

    def integrity_check(self) -> str:
        return str(self._conn().execute("PRAGMA integrity_check").fetchone()[0])

    # ------------------------------------------------------------------------------ meta + audit

    def meta(self, key: str) -> str | None:
        row = self._conn().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str, *, only_if_absent: bool = False) -> str:
        """Set a value; with `only_if_absent` keep one already there (two processes starting at once agree)."""
        verb = "INSERT OR IGNORE" if only_if_absent else "INSERT OR REPLACE"
        with self._tx() as conn:
            conn.execute(f"{verb} INTO meta (key, value) VALUES (?, ?)", (key, value))
            return str(conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()[0])

    def claim_round(self, spec_id: str, year: int | None) -> tuple[str, int | None] | None:
        """A store belongs to one round, its form and year, recorded at the first claim. Returns the round it
        belongs to when that is another one (and changes nothing), else None. A new year's manifest written
        into last year's folder must not inherit last year's returns, links and board."""
        mine = json.dumps({"spec": spec_id, "year": year}, sort_keys=True)
        held = self.set_meta("round", mine, only_if_absent=True)
        if held == mine:
            return None
        other = json.loads(held)
        return str(other.get("spec")), other.get("year")

    def audit(self, actor: str, action: str, detail: str = "") -> None:
        with self._tx() as conn:
            conn.execute("INSERT INTO audit (time, actor, action, detail) VALUES (?, ?, ?, ?)",
                         (now_iso(), actor, action, detail))

    def audit_log(self, limit: int = 200) -> list[dict[str, Any]]:
        rows = self._conn().execute("SELECT time, actor, action, detail FROM audit ORDER BY id DESC LIMIT ?",
                                    (limit,)).fetchall()
        return [dict(r) for r in rows]

    # ---------------------------------------------------------------------------------- sessions

    def add_session(self, token: str, address: str, now: float) -> None:
        with self._tx() as conn:
            conn.execute("INSERT INTO sessions (token_hash, created, seen, address) VALUES (?, ?, ?, ?)",
                         (token_hash(token), now, now, address))

    def session_alive(self, token: str, now: float, *, idle: float, longest: float) -> bool:
        """Whether the session is still open: not ended, used within `idle` seconds, opened within `longest`.
        An open one is marked as used now (at most once a minute: a page view need not always write)."""
        key = token_hash(token)
        row = self._conn().execute("SELECT created, seen FROM sessions WHERE token_hash = ?", (key,)).fetchone()
        if row is None:
            return False
        if now - row["seen"] > idle or now - row["created"] > longest:
            self.end_session(token)
            return False
        if now - row["seen"] > 60:
            with self._tx() as conn:
                conn.execute("UPDATE sessions SET seen = ? WHERE token_hash = ?", (now, key))
        return True

    def end_session(self, token: str) -> None:
        with self._tx() as conn:
            conn.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash(token),))

    def end_sessions(self, *, older_than: float | None = None) -> int:
        """End every session (a new password), or those not used since `older_than` (tidying up)."""
        with self._tx() as conn:
            if older_than is None:
                return conn.execute("DELETE FROM sessions").rowcount
            return conn.execute("DELETE FROM sessions WHERE seen < ?", (older_than,)).rowcount

    # ------------------------------------------------------------------------------------ ledger

    def ledger_add(self, entries: Iterable[Mapping[str, Any]]) -> int:
        """Add entries not yet there (same file and content); returns how many were new."""
        rows = [tuple(_ledger_value(e, c) for c in _LEDGER_COLUMNS) for e in entries]
        if not rows:
            return 0
        marks = ", ".join("?" * len(_LEDGER_COLUMNS))
        with self._tx() as conn:
            before = conn.total_changes
            conn.executemany(f"INSERT OR IGNORE INTO ledger ({', '.join(_LEDGER_COLUMNS)}) VALUES ({marks})", rows)
            return conn.total_changes - before

    def ledger_entries(self) -> list[dict[str, Any]]:
        rows = self._conn().execute(f"SELECT {', '.join(_LEDGER_COLUMNS)} FROM ledger ORDER BY id").fetchall()
        return [{**dict(r), "sha256": r["sha256"] or None} for r in rows]

    # ------------------------------------------------------------------------------------- units

    def sync_units(self, units: Iterable[tuple[str, str]], *, retire_others: bool = False) -> None:
        """The manifest's units: new ones added, names kept current, and (`retire_others`: these are all of
        the round's units) the others marked as having left the round. Units are never deleted (history)."""
        given = list(units)
        with self._tx() as conn:
            conn.executemany("INSERT INTO units (code, name) VALUES (?, ?) ON CONFLICT (code) DO UPDATE SET"
                             " name = excluded.name, retired = NULL", given)
            if retire_others:
                conn.execute("UPDATE units SET retired = ? WHERE retired IS NULL AND code NOT IN"
                             " (SELECT value FROM json_each(?))", (now_iso(), json.dumps([c for c, _ in given])))

    def units_without_link(self) -> list[str]:
        """Units of the round never given a link (a revoked link stays revoked until the office reissues it)."""
        rows = self._conn().execute("SELECT code FROM units WHERE token_hash IS NULL AND revoked IS NULL"
                                    " AND retired IS NULL ORDER BY code").fetchall()
        return [r[0] for r in rows]

    def issue_link(self, code: str) -> str:
        """A new random token (192 bits) for the unit; the old one stops working. Returns the token once."""
        token = secrets.token_urlsafe(24)
        with self._tx() as conn:
            cur = conn.execute("UPDATE units SET token_hash = ?, token_issued = ?, revoked = NULL WHERE code = ?",
                               (token_hash(token), now_iso(), code))
            if cur.rowcount != 1:
                raise KeyError(code)
        return token

    def revoke_link(self, code: str) -> None:
        with self._tx() as conn:
            conn.execute("UPDATE units SET token_hash = NULL, token_issued = NULL, revoked = ? WHERE code = ?",
                         (now_iso(), code))

    def unit_by_token(self, token: str) -> UnitView | None:
        row = self._conn().execute("SELECT code FROM units WHERE token_hash = ?", (token_hash(token),)).fetchone()
        return None if row is None else self.unit(row[0])

    def unit(self, code: str) -> UnitView | None:
        rows = self._overview("WHERE u.code = ?", (code,))
        return rows[0] if rows else None

    def units(self) -> list[UnitView]:
        """The round's units (not those that left it)."""
        return self._overview("WHERE u.retired IS NULL", ())

    def retired(self) -> list[tuple[str, str]]:
        """The units that left the round (code, name)."""
        rows = self._conn().execute("SELECT code, name FROM units WHERE retired IS NOT NULL ORDER BY code")
        return [(r[0], r[1]) for r in rows.fetchall()]

    def state_counts(self) -> dict[str | None, int]:
        """The round's units by the state of their current return (None: none yet)."""
        rows = self._conn().execute(f"SELECT s.state, count(*) {_JOINED} WHERE u.retired IS NULL"
                                    " GROUP BY s.state").fetchall()
        return {r[0]: int(r[1]) for r in rows}

    def find_units(self, *, state: str | None = "", text: str = "", limit: int = -1,
                   offset: int = 0) -> tuple[list[UnitView], int]:
        """One page of the units whose state is `state` ("" = any, None = no return yet) and whose code or
        name contains `text`; and how many match in all."""
        where, args = _unit_filter(state, text)
        total = int(self._conn().execute(f"SELECT count(*) {_JOINED} {where}", args).fetchone()[0])
        return self._overview(f"{where} ORDER BY u.code LIMIT ? OFFSET ?", (*args, limit, offset)), total

    def _overview(self, where: str, args: Sequence[Any]) -> list[UnitView]:
        if "ORDER BY" not in where:
            where += " ORDER BY u.code"
        rows = self._conn().execute(
            "SELECT u.code, u.name, u.token_hash IS NOT NULL AS has_link, s.state, s.id AS submission, s.time,"
            f" s.filename, s.errors, s.warnings, u.retired IS NOT NULL AS retired {_JOINED} {where}",
            tuple(args)).fetchall()
        return [UnitView(r["code"], r["name"], bool(r["has_link"]), r["state"], r["submission"], r["time"],
                         r["filename"], r["errors"], r["warnings"], bool(r["retired"])) for r in rows]

    # ------------------------------------------------------------------------------- submissions

    def add_submission(self, unit: str, filename: str, size: int, sha256: str, state: str, errors: int,
                       warnings: int, result: str, message: str = "", held: str = "") -> int:
        """Record an upload whose file is already stored (`put_file`); a read one becomes the accepted return
        unless it is `held` (the reason it does not)."""
        if state not in SUBMISSION_STATES:
            raise ValueError(state)
        if not self.file_path(sha256).is_file():
            raise StoreError(f"no stored file for {sha256}")
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO submissions (unit, time, filename, size, sha256, state, errors, warnings, message,"
                " result, held) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (unit, now_iso(), filename, size, sha256, state, errors, warnings, message, result, held))
            sid = int(cur.lastrowid or 0)
            if state != "refused" and not held:
                conn.execute("INSERT OR REPLACE INTO accepted (unit, submission) VALUES (?, ?)", (unit, sid))
        self.release_file(sha256)
        return sid

    def release_file(self, sha256: str) -> None:
        """A file `put_file` stored is named by a row now (or will not be): pruning may consider it again."""
        with self._files:
            self._pending[sha256] -= 1
            if self._pending[sha256] <= 0:
                del self._pending[sha256]

    def make_current(self, unit: str, sid: int) -> bool:
        """Make one of the unit's readable submissions its current return again; False when there is no such
        submission (another unit's, refused, unknown)."""
        with self._tx() as conn:
            row = conn.execute("SELECT state FROM submissions WHERE id = ? AND unit = ?", (sid, unit)).fetchone()
            if row is None or row["state"] == "refused":
                return False
            conn.execute("INSERT OR REPLACE INTO accepted (unit, submission) VALUES (?, ?)", (unit, sid))
            conn.execute("UPDATE submissions SET held = '' WHERE id = ?", (sid,))
        return True

    def submission(self, sid: int) -> Submission | None:
        row = self._conn().execute("SELECT * FROM submissions WHERE id = ?", (sid,)).fetchone()
        return None if row is None else Submission(**dict(row))

    def submissions(self, unit: str | None = None) -> list[Submission]:
        sql, args = "SELECT * FROM submissions", tuple[str, ...]()
        if unit is not None:
            sql, args = sql + " WHERE unit = ?", (unit,)
        rows = self._conn().execute(sql + " ORDER BY id DESC", args).fetchall()
        return [Submission(**dict(r)) for r in rows]

    def history(self, unit: str, *, limit: int, offset: int = 0) -> tuple[list[Submission], int]:
        """One page of the unit's submissions, newest first, without their check's JSON (a page lists them;
        `submission(id)` has the whole row); and how many there are in all."""
        conn = self._conn()
        total = int(conn.execute("SELECT count(*) FROM submissions WHERE unit = ?", (unit,)).fetchone()[0])
        rows = conn.execute(f"SELECT {_LISTED} FROM submissions s WHERE unit = ?"
                            " ORDER BY id DESC LIMIT ? OFFSET ?", (unit, limit, offset)).fetchall()
        return [Submission(**dict(r)) for r in rows], total

    def unit_bytes(self, unit: str) -> int:
        """What the unit's kept files take on disk (each distinct file once)."""
        row = self._conn().execute("SELECT coalesce(sum(size), 0) FROM (SELECT DISTINCT sha256, size FROM"
                                   " submissions WHERE unit = ? AND pruned IS NULL)", (unit,)).fetchone()
        return int(row[0])

    def prune_refused(self, unit: str, keep: int) -> int:
        """Remove the files of the unit's refused uploads but the newest `keep` (their rows stay, marked), unless
        a kept submission has the same bytes. Returns how many files were removed."""
        with self._tx() as conn:
            old = conn.execute("SELECT id, sha256 FROM submissions WHERE unit = ? AND state = 'refused' AND pruned"
                               " IS NULL ORDER BY id DESC LIMIT -1 OFFSET ?", (unit, keep)).fetchall()
            conn.executemany("UPDATE submissions SET pruned = ? WHERE id = ?", [(now_iso(), r["id"]) for r in old])
            shas = {r["sha256"] for r in old}
            still = {r[0] for r in conn.execute(
                f"SELECT DISTINCT sha256 FROM submissions WHERE pruned IS NULL AND sha256 IN"
                f" ({', '.join('?' * len(shas))})", tuple(shas))} if shas else set()
        gone = 0
        with self._files:                 # not one an upload in flight has just stored again
            for sha in shas - still - set(self._pending):   # after the commit: a crash leaves a file, not a row
                with suppress(FileNotFoundError):
                    self.file_path(sha).unlink()
                    gone += 1
        return gone

    def submission_count(self) -> int:
        return int(self._conn().execute("SELECT count(*) FROM submissions").fetchone()[0])

    def accepted(self) -> list[Submission]:
        """Every unit's current return, without its check's JSON (`submission(id)` has it): the summary, the
        zip and merge need the files, and 5,000 answers of tens of KB each held the server at hundreds of MB."""
        rows = self._conn().execute(f"SELECT {_LISTED} FROM accepted a JOIN submissions s ON s.id = a.submission"
                                    " ORDER BY s.unit").fetchall()
        return [Submission(**dict(r)) for r in rows]

    # ------------------------------------------------------------------------------------- files

    def file_path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a sha256")
        return self.files_dir / sha256[:2] / f"{sha256}.xlsx"

    def put_file(self, source: IO[bytes], limit: int | None = None) -> tuple[str, int]:
        """Copy a stream into the store under its content hash, durably. Returns (sha256, size).

        Raises `TooLarge` past `limit` bytes (nothing is kept). The caller commits a row only after this
        (`add_submission`; `release_file` when it will not), and until then pruning leaves the file alone.
        """
        with self.incoming(source, limit) as upload:
            upload.sync()
            upload.keep()
        return upload.sha256, upload.size

    @contextmanager
    def incoming(self, source: IO[bytes], limit: int | None = None) -> Iterator[Incoming]:
        """A stream written to a temporary file in the store's folder (hashed as it is written; `TooLarge`
        past `limit`): readable at once at `.path`; `sync()` makes its bytes durable, and `keep()` (after
        `sync`) names it by its hash, as `put_file` does. Leaving the block removes it unless it was kept.
        Split so that the upload's check can read the file while its bytes go to the disk."""
        self.files_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        fd, tmp = _mkstemp(self.files_dir)
        out = os.fdopen(fd, "wb")
        upload: Incoming | None = None
        try:
            with out:
                while chunk := source.read(_CHUNK):
                    size += len(chunk)
                    if limit is not None and size > limit:
                        raise TooLarge(size)
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                upload = Incoming(self, Path(tmp), digest.hexdigest(), size, os.dup(out.fileno()))
            yield upload
        finally:
            if upload is not None:
                upload.close()
            if upload is None or not upload.kept:
                Path(tmp).unlink(missing_ok=True)

    def make_private(self) -> None:
        """Readable by the office's account only: the database (it holds the password hash and the signing
        key), its journal files, the uploaded files and their folders — also those an earlier version or
        another umask left readable."""
        for p in self.path.parent.glob(self.path.name + "*"):
            _chmod(p, 0o600)
        if self.files_dir.is_dir():
            _chmod(self.files_dir, 0o700)
            for p in self.files_dir.rglob("*"):
                _chmod(p, 0o700 if p.is_dir() else 0o600)

    def remove_stale_temporaries(self) -> int:
        """Temporary files of a process killed mid-upload: never named by a row, safe to remove at start."""
        if not self.files_dir.is_dir():
            return 0
        stale = list(self.files_dir.glob(_TMP_PREFIX + "*"))
        for p in stale:
            p.unlink(missing_ok=True)
        return len(stale)


# A submission as lists show it: every column but the check's JSON (kilobytes a row)
_LISTED = ("s.id, s.unit, s.time, s.filename, s.size, s.sha256, s.state, s.errors, s.warnings, s.message,"
           " '' AS result, s.held, s.pruned")
_JOINED = ("FROM units u LEFT JOIN accepted a ON a.unit = u.code"
           " LEFT JOIN submissions s ON s.id = a.submission")


def _unit_filter(state: str | None, text: str) -> tuple[str, tuple[Any, ...]]:
    clauses: list[str] = ["u.retired IS NULL"]
    args: list[Any] = []
    if state is None:
        clauses.append("s.state IS NULL")
    elif state:
        clauses.append("s.state = ?")
        args.append(state)
    if text:
        clauses.append("(instr(u.code, ?) > 0 OR instr(u.name, ?) > 0)")
        args += [text, text]
    return "WHERE " + " AND ".join(clauses), tuple(args)


class Incoming:
    """A file `Store.incoming` is receiving: written, hashed, not yet durable nor named by its hash."""

    def __init__(self, store: Store, path: Path, sha256: str, size: int, fd: int) -> None:
        self.store, self.path, self.sha256, self.size = store, path, sha256, size
        self._fd: int | None = fd
        self.synced = self.kept = False

    def sync(self) -> None:
        """The bytes on the disk (fsync): may run while another process reads the file."""
        if self._fd is not None:
            os.fsync(self._fd)
        self.synced = True
        self.close()

    def keep(self) -> None:
        """Under its hash name, the rename on the disk too, before any row names it; pruning leaves it alone
        until `release_file`. Nothing on the disk is renamed before its bytes are durable (`sync` first), so a
        crash never leaves a hash name over incomplete bytes (a later upload of the same bytes trusts it)."""
        assert self.synced, "sync() before keep()"
        store, target = self.store, self.store.file_path(self.sha256)
        target.parent.mkdir(mode=0o700, exist_ok=True)
        with store._files:
            store._pending[self.sha256] += 1
            try:
                if target.is_file() and target.stat().st_size == self.size:   # the same bytes are kept already
                    self.path.unlink()
                else:
                    os.replace(self.path, target)
            except BaseException:
                store._pending[self.sha256] -= 1       # (release_file, inside the lock already)
                if store._pending[self.sha256] <= 0:
                    del store._pending[self.sha256]
                raise
            self.kept = True
        # Outside the lock, so that other uploads' renames need not wait for this one; also when the bytes were
        # there: the upload that renamed them may still be syncing the folder, and our row must not be first.
        _fsync_dir(target.parent)

    def close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


class TooLarge(Exception):
    """An upload passed the size limit."""


def _ledger_value(entry: Mapping[str, Any], column: str) -> Any:
    value = entry.get(column)
    return (value or "") if column == "sha256" else value


def _wal(conn: sqlite3.Connection, wait: float = 30.0) -> None:
    """WAL mode. Set on a new database it needs the database to itself, and while another process is creating
    the same one (two `status` runs started together) SQLite answers "database is locked" at once, without its
    busy handler: one run in twenty lost its ledger write so. Wait for it as the busy timeout would. Once set,
    the mode is kept in the file and this asks for no lock."""
    end = time.monotonic() + wait
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > end:
                raise
            time.sleep(0.01)


def create_private(path: Path) -> bool:
    """Create the file 0600 if it is not there (an existing one keeps its permissions: see make_private);
    whether this call made it (O_EXCL: of two processes creating one store at once, only one did)."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        return False
    return True


def discard_unused(path: Path) -> None:
    """Remove a store that holds nothing but its own settings (meta), with its -wal, -shm and -journal: what a
    first write that failed leaves (a full disk: issue 15.21). A store another process has recorded in stays.
    When it cannot even be read, one page at most and an empty write-ahead log say it is unused."""
    tables = "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'meta'"
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1)) as db:
            used = any(db.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone() for (t,) in db.execute(tables))
    except sqlite3.Error:
        used = _size(path) > 4096 or _size(path.with_name(path.name + "-wal")) > 0
    if not used:
        for part in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
            with suppress(OSError):
                part.unlink()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _chmod(path: Path, mode: int) -> None:
    with suppress(OSError):          # not ours, or Windows: nothing more we can do here
        path.chmod(mode)


def _mkstemp(folder: Path) -> tuple[int, str]:
    import tempfile

    return tempfile.mkstemp(prefix=_TMP_PREFIX, suffix=".xlsx", dir=folder)   # named as kept


def _fsync_dir(folder: Path) -> None:
    """The rename itself must reach the disk before the row that names the file (POSIX; a no-op on Windows)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
