"""QA: a hostile or careless return cannot flood the report: messages quote long cell text shortened."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import load_seed
from tests.helpers_forms import fill_values, write_return
from xlsform.check import check_file
from xlsform.codes import make


def test_a_message_quotes_at_most_a_short_excerpt_of_a_long_value() -> None:
    f = make("XF303", sheet="S", cell="G12", field="完成值", value="长" * 30000)
    assert len(f.message) < 400 and "…" in f.message
    assert f.value == "长" * 30000          # the JSON keeps the whole value


def test_extra_text_in_a_message_is_shortened_too() -> None:
    f = make("XF502", sheet="S", cell="I12", field="得分", value=20, actual="长" * 30000, target="短" * 30000)
    assert len(f.message) < 600


def test_a_30000_character_actual_copied_from_the_target_gives_a_short_message(tmp_path: Path) -> None:
    values = fill_values(load_seed("000"))
    values["ind.1.actual"] = "很长的完成情况" * 4000            # 28,000 characters, within Excel's limit
    values["ind.1.content"] = values["ind.1.actual"]
    path = write_return(tmp_path / "r.xlsx", values)
    result = check_file(path)
    assert result.findings
    assert max(len(f.message) for f in result.findings) < 1000


def test_the_readers_findings_name_an_indicator_cell_with_its_row(tmp_path: Path) -> None:
    """Trial of the whole round (round-qa): 「得分」填写的“95%”不能作为数字读取 beside the checks' 「第 7 行指标·得分」:
    the reader's findings named an indicator cell without its row."""
    values = fill_values(load_seed("000"))
    values["ind.2.score"] = "二十分"
    values["ind.3.score"] = "5分"
    result = check_file(write_return(tmp_path / "r.xlsx", values))
    fields = {f.code: f.field for f in result.findings if f.code in ("XF220", "XF201")}
    assert fields == {"XF220": "第 2 行指标·得分", "XF201": "第 3 行指标·得分"}, fields
