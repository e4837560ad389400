"""A form returned as it was sent (XF304) is 空表 in the service, as in `status`, the ledger and `merge`: a
unit to chase, not a return with an error to fix. On the office's board, its filter and counts, the unit's
pages, the 未报送 list (催报, before the returns to send back), the CSV, and `merge --from-store`; a blank never
replaces a filled return, and a blank current return is replaced by anything readable. Against a real server
on loopback."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import quote

import pytest

pytest.importorskip("flask")

from click.testing import CliRunner

from tests.helpers_forms import write_return
from tests.helpers_serve import SCRIPT, Browser, Round, Server, _clean_000, fresh_copy, post_file, read_links
from tests.test_serve_returns import blank_form
from xlsform.manifest import Manifest
from xlsform.serve.collect.answers import held_reason
from xlsform.store import UnitView

BLANK_UNIT, ERRORS_UNIT, WARNINGS_UNIT, SILENT_UNIT = "430112001", "430112004", "430112002", "430112999"


def two_errors(rnd: Round, folder: Path) -> Path:
    """430112001's return with two errors: more than the one (XF304) a blank form counts."""
    record = _clean_000()
    record.values["ind.1.score"] = SCRIPT
    record.values["ind.2.score"] = "满分"
    return write_return(folder / "two_errors.xlsx", record, password=Manifest.load(rnd.manifest).password)


def board_counts(page: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-state="([^"]+)"><a [^>]+><span class="n">(\d+)</span>', page)}


def listed(page: str) -> list[tuple[str, str]]:
    """(code, state) of the rows of a units table, in order."""
    return re.findall(r'data-label="单位编码">(?:<a [^>]+>)?([^<]+)(?:</a>)?</td>.*?data-label="状态">([^<]+)</td>',
                      page)


@pytest.fixture
def served(made: Round, tmp_path: Path):  # type: ignore[no-untyped-def]
    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest) as server:
        yield rnd, server


def test_a_unit_whose_only_upload_is_blank_is_kongbiao_everywhere_the_office_looks(served) -> None:  # type: ignore[no-untyped-def]
    rnd, server = served
    urls = read_links(rnd.folder)
    assert post_file(urls[BLANK_UNIT], blank_form(rnd, BLANK_UNIT).read_bytes(), "自评表.xlsx")[0] == 200
    assert post_file(urls[ERRORS_UNIT], rnd.returns["invalid"].read_bytes())[0] == 200
    assert post_file(urls[WARNINGS_UNIT], rnd.returns["warnings"].read_bytes())[0] == 200
    unit_page = Browser("").open(urls[BLANK_UNIT])[2]
    assert 'id="state">空表<' in unit_page and "还不算报送" in unit_page

    office = Browser(server.url)
    office.login()
    board = office.open("/admin/")[2]
    assert board_counts(board) == {"未报送": 1, "空表": 1, "有错误": 1, "仅有警告": 1, "已通过": 0}
    assert '<option value="空表"' in board
    assert listed(office.open("/admin/?state=" + quote("空表"))[2]) == [(BLANK_UNIT, "空表")]
    assert listed(office.open("/admin/?state=" + quote("有错误"))[2]) == [(ERRORS_UNIT, "有错误")]
    assert "空表" in office.open(f"/admin/unit/{BLANK_UNIT}")[2].split('class="state"')[1][:200]
    # the list to chase: nothing returned, or only the blank form, before the returns to send back
    missing = office.open("/admin/missing")[2]
    assert listed(missing) == [(BLANK_UNIT, "空表"), (SILENT_UNIT, "未报送"), (ERRORS_UNIT, "有错误")]
    _, _, text = office.open("/admin/units.csv")
    rows = {r["单位编码"]: r for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))}
    assert rows[BLANK_UNIT]["状态"] == "空表" and rows[ERRORS_UNIT]["状态"] == "有错误"


def test_a_blank_current_return_is_replaced_by_any_readable_one_and_never_replaces_one(served, tmp_path: Path
                                                                                       ) -> None:  # type: ignore[no-untyped-def]
    rnd, server = served
    url = read_links(rnd.folder)[BLANK_UNIT]
    status, _ = post_file(url, blank_form(rnd, BLANK_UNIT).read_bytes())
    assert status == 200
    status, answer = post_file(url, two_errors(rnd, tmp_path).read_bytes())     # more errors than the blank's one
    assert status == 200 and answer["status"] == "errors", answer
    status, answer = post_file(url, blank_form(rnd, BLANK_UNIT).read_bytes())   # and back: held, not current
    assert status == 409 and answer["held"] == "blank" and answer["current"]["status"] == "errors"
    office = Browser(server.url)
    office.login()
    assert "空表" not in board_counts(office.open("/admin/")[2])          # counted only when there is one
    assert (BLANK_UNIT, "有错误") in listed(office.open("/admin/")[2])


def assert_chased(summary: Path) -> None:
    """The blank unit is on 未报送 with 「空表 ... 请催报」, not on 退回修改: as `merge` treats a blank file."""
    from openpyxl import load_workbook

    wb = load_workbook(summary, read_only=True)
    chase = [[str(c) for c in row if c is not None] for row in wb["未报送"].iter_rows(values_only=True)]
    blank_row = next(r for r in chase if BLANK_UNIT in r)
    assert any("空表" in c and "请催报" in c for c in blank_row), blank_row
    assert not any(BLANK_UNIT in [str(c) for c in row] for row in wb["退回修改"].iter_rows(values_only=True))
    wb.close()


def test_merge_from_the_store_and_the_offices_summary_chase_a_blank_current_return(made: Round, tmp_path: Path
                                                                                    ) -> None:
    from xlsform.cli import main

    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest) as server:
        urls = read_links(rnd.folder)
        assert post_file(urls[BLANK_UNIT], blank_form(rnd, BLANK_UNIT).read_bytes())[0] == 200
        assert post_file(urls[WARNINGS_UNIT], rnd.returns["warnings"].read_bytes())[0] == 200
        office = Browser(server.url)
        office.login()
        with office.opener.open(server.url + "/admin/summary.xlsx", timeout=120) as res:
            (tmp_path / "served.xlsx").write_bytes(res.read())
    assert_chased(tmp_path / "served.xlsx")
    out = tmp_path / "汇总.xlsx"
    res = CliRunner().invoke(main, ["merge", "--from-store", "--manifest", str(rnd.manifest), "-o", str(out),
                                    "--jobs", "1"])
    assert res.exit_code in (0, 1), res.output
    assert_chased(out)


def _unit(state: str | None, errors: int | None = None) -> UnitView:
    return UnitView("001", "甲", True, state, 1 if state else None, errors=errors)


@pytest.mark.parametrize(("got", "current", "held"), [
    ("blank", None, ""), ("blank", "blank", ""),                    # nothing (or a blank) yet: it is current
    ("blank", "ok", "blank"), ("blank", "warnings", "blank"), ("blank", "errors", "blank"),   # never over a filled
    ("errors", "blank", ""), ("warnings", "blank", ""), ("ok", "blank", ""),   # a blank is replaced by anything
    ("refused", "blank", ""),                                        # (a refused upload never is current)
])
def test_which_upload_a_blank_holds_back(got: str, current: str | None, held: str) -> None:
    answer = {"state": got, "errors": 5, "blank": got == "blank"}
    assert held_reason(answer, _unit(current, 1), confirmed=False) == held


def _as_schema_5(db: Path) -> None:
    """The store as the previous xlsform left it: the old CHECK (no 'blank'), a blank upload kept as 'errors'."""
    import sqlite3

    from xlsform.store import MIGRATIONS

    old = MIGRATIONS[0].split("CREATE TABLE submissions")[1].split(";")[0]
    old = old.replace("result TEXT NOT NULL)", "result TEXT NOT NULL, held TEXT NOT NULL DEFAULT '', pruned TEXT)")
    conn = sqlite3.connect(db, isolation_level=None)
    conn.executescript(f"""
        PRAGMA foreign_keys = OFF; BEGIN;
        CREATE TABLE submissions_v5 {old};
        INSERT INTO submissions_v5 SELECT id, unit, time, filename, size, sha256,
            CASE state WHEN 'blank' THEN 'errors' ELSE state END, errors, warnings, message, result, held, pruned
            FROM submissions;
        DROP TABLE submissions;
        ALTER TABLE submissions_v5 RENAME TO submissions;
        CREATE INDEX submissions_by_unit ON submissions (unit, id);
        {MIGRATIONS[4]}
        PRAGMA user_version = 5; COMMIT;""")
    assert conn.execute("SELECT count(*) FROM submissions WHERE state = 'errors'").fetchone()[0] == 2
    conn.close()


def test_a_store_of_the_previous_schema_shows_its_blank_returns_as_kongbiao_after_the_upgrade(
        made: Round, tmp_path: Path) -> None:
    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest):
        urls = read_links(rnd.folder)
        assert post_file(urls[BLANK_UNIT], blank_form(rnd, BLANK_UNIT).read_bytes())[0] == 200
        assert post_file(urls[ERRORS_UNIT], rnd.returns["invalid"].read_bytes())[0] == 200
    _as_schema_5(rnd.folder / "xlsform.sqlite3")
    with Server(rnd.manifest) as server:
        office = Browser(server.url)
        office.login()
        assert board_counts(office.open("/admin/")[2]) == {"未报送": 2, "空表": 1, "有错误": 1, "仅有警告": 0,
                                                         "已通过": 0}
        assert post_file(read_links(rnd.folder)[BLANK_UNIT], rnd.returns["clean"].read_bytes())[0] == 200
        assert board_counts(office.open("/admin/")[2])["已通过"] == 1
