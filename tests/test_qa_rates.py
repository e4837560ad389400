"""QA: a return spending more than its budget, with Excel's own correct rate cached, gets no false XF407."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import load_seed
from tests.helpers_forms import fill_values, write_return
from xlsform.check import check_file


def test_a_correct_cached_rate_above_100_percent_is_not_reported_as_shown_wrongly(tmp_path: Path) -> None:
    values = fill_values(load_seed("000"))
    values["fund.fiscal.spent"] = values["fund.total.spent"] = 400       # of 307: 130.29%, cached as 1.3029
    result = check_file(write_return(tmp_path / "r.xlsx", values))
    codes = [f.code for f in result.findings]
    assert "XF401" in codes                                              # the real warning stays
    assert [f.message for f in result.findings if f.code == "XF407"] == []
    assert result.record is not None and round(result.record.cached["fund.total.rate"], 4) == 1.3029
