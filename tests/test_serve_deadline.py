"""The deadline's time zone: `--deadline 2025-03-31` is the end of that day on the server computer's clock, so
a server on a UTC clock marked a Chinese office's uploads 逾期 8 hours off. A zone may be written after it
(`2025-03-31 17:30 +08:00`); the start message and the pages say the zone used (北京时间 for +08:00, else the
offset), and the start warns when the computer's own clock is used and is not Beijing time. Real servers on
loopback run under a chosen clock (TZ)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

pytest.importorskip("flask")

from tests.helpers_serve import Browser, Round, Server, fresh_copy, post_file, read_links
from xlsform.serve.collect.deadline import Deadline

BEIJING = timezone(timedelta(hours=8))
UTC_CLOCK, BEIJING_CLOCK = "UTC0", "CST-8"      # POSIX TZ strings: no zone database needed


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Set this process's (and the servers' it starts) local clock to a POSIX TZ; restored after."""
    def use(tz: str) -> None:
        monkeypatch.setenv("TZ", tz)
        time.tzset()
    yield use
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(("given", "end", "shown"), [
    ("2025-03-31 +08:00", "2025-04-01T00:00:00+08:00", "2025-03-31（北京时间）"),
    ("2025-03-31 17:30 +08:00", "2025-03-31T17:30:00+08:00", "2025-03-31 17:30（北京时间）"),
    ("2025-03-31T17:30+0800", "2025-03-31T17:30:00+08:00", "2025-03-31 17:30（北京时间）"),
    ("2025/3/31 UTC+8", "2025-04-01T00:00:00+08:00", "2025-03-31（北京时间）"),
    ("2025-03-31（北京时间）", "2025-04-01T00:00:00+08:00", "2025-03-31（北京时间）"),    # as the pages say it
    ("2025-03-31 17:30 -05:00", "2025-03-31T17:30:00-05:00", "2025-03-31 17:30（UTC-05:00）"),
    ("2025-03-31 Z", "2025-04-01T00:00:00+00:00", "2025-03-31（UTC+00:00）"),
])
def test_a_deadline_with_its_zone_is_that_moment_whatever_the_computers_clock(clock, given: str, end: str,
                                                                              shown: str) -> None:  # type: ignore[no-untyped-def]
    for tz in (UTC_CLOCK, BEIJING_CLOCK):
        clock(tz)
        d = Deadline.parse(given)
        assert d.end.isoformat() == end and d.shown == shown and d.warning() is None
        assert Deadline.parse(d.kept).end == d.end            # as a later start reads it back from the store


@pytest.mark.parametrize("given", ["2025-03-31 +15:00", "2025-03-31 CST", "2025-03-31 17:30 +8:75", "31.03.2025"])
def test_a_zone_that_is_not_one_is_refused(given: str) -> None:
    with pytest.raises(ValueError, match="可在后面加时区"):
        Deadline.parse(given)


def test_without_a_zone_the_computers_clock_is_used_and_said(clock) -> None:  # type: ignore[no-untyped-def]
    clock(UTC_CLOCK)
    d = Deadline.parse("2025-03-31")
    assert d.end.isoformat() == "2025-04-01T00:00:00+00:00" and d.shown == "2025-03-31（UTC+00:00）"
    assert d.warning() is not None and "+08:00" in str(d.warning()) and d.kept == "2025-03-31"
    clock(BEIJING_CLOCK)
    d = Deadline.parse("2025-03-31")
    assert d.shown == "2025-03-31（北京时间）" and d.warning() is None


def test_an_upload_after_a_beijing_deadline_is_late_on_a_utc_server(clock, made: Round, tmp_path: Path
                                                                    ) -> None:  # type: ignore[no-untyped-def]
    """An hour after the deadline in Beijing, but hours before that clock time in UTC: 逾期 all the same."""
    clock(UTC_CLOCK)
    passed = datetime.now(BEIJING) - timedelta(hours=1)
    given = passed.strftime("%Y-%m-%d %H:%M") + " +08:00"
    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest, "--deadline", given) as server:
        said = "".join(server.lines)
        assert f"报送截止：{passed:%Y-%m-%d %H:%M}（北京时间）" in said and "不是北京时间" not in said
        link = read_links(rnd.folder)["430112001"]
        assert post_file(link, rnd.returns["clean"].read_bytes())[0] == 200
        page = Browser("").open(link)[2]
        assert f"报送截止 {passed:%Y-%m-%d %H:%M}（北京时间）" in page and "截止时间已过" in page
        assert '<span class="late">逾期</span>' in page
        office = Browser(server.url)
        office.login()
        assert "（北京时间）" in office.open("/admin/missing")[2]
        mine = next(r for r in office.open("/admin/units.csv")[2].splitlines() if r.startswith("430112001"))
        assert mine.split(",")[4] == "逾期"
        # every time on the pages and in the CSV on the deadline's clock: the upload reads as after it
        uploaded = datetime.strptime(mine.split(",")[3], "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING)
        assert abs(uploaded - datetime.now(BEIJING)) < timedelta(minutes=5) and uploaded > passed
        assert f"{uploaded:%Y-%m-%d %H:%M} <span class=\"late\">逾期</span>" in Browser("").open(link)[2]
    with Server(rnd.manifest) as again:                 # remembered with its zone
        assert f"报送截止：{passed:%Y-%m-%d %H:%M}（北京时间）" in "".join(again.lines)


def test_a_utc_server_without_a_zone_warns_and_says_its_clock(clock, made: Round, tmp_path: Path
                                                             ) -> None:  # type: ignore[no-untyped-def]
    clock(UTC_CLOCK)
    rnd = fresh_copy(made, tmp_path)
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    with Server(rnd.manifest, "--deadline", f"{tomorrow:%Y-%m-%d}") as server:
        said = "".join(server.lines)
        assert f"报送截止：{tomorrow:%Y-%m-%d}（UTC+00:00）" in said
        assert "不是北京时间" in said and f'--deadline "{tomorrow:%Y-%m-%d} +08:00"' in said
        page = Browser("").open(read_links(rnd.folder)["430112001"])[2]
        assert f"报送截止 {tomorrow:%Y-%m-%d}（UTC+00:00）" in page
    clock(BEIJING_CLOCK)
    with Server(rnd.manifest) as beijing:               # the same deadline, on a computer on Beijing time
        said = "".join(beijing.lines)
        assert f"报送截止：{tomorrow:%Y-%m-%d}（北京时间）" in said and "不是北京时间" not in said
