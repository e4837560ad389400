"""A round that upgrades xlsform midway: returns on forms an earlier version generated are checked as returns on
today's forms are, their own formulas accepted (not XF153).

tests/data/xlsform-0.1.0/ holds returns written by xlsform 0.1.0 itself (commit ebf16a2, its
tests/helpers_forms.write_return from the seeds): their total and grade formulas are the ones it wrote, before
the per-row cap and the blank total and grade of an unfilled form. tests/data/xlsform-0.2.0/ holds the same
returns written by 0.2.0 (commit b5010e8), before a rate needed B, a 合计 a typed amount and the total every
score (issue 15.1), and a blank form of it whose roster prefilled C (it cached a rate of −6.51 % and 差).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import load_seed
from tests.helpers_forms import write_return
from tests.helpers_read import rezip
from xlsform.check import check_file
from xlsform.layout import Layout
from xlsform.records import Record
from xlsform.spec import load_spec

EARLIER = Path(__file__).parent / "data" / "xlsform-0.1.0"
RELEASES = [EARLIER, EARLIER.with_name("xlsform-0.2.0")]


def _seed(name: str) -> tuple[Record, str]:
    spec_id, seed = name.split("-")
    record = load_seed(seed)
    if spec_id == "project":     # seed 000 on the national project form, as test_checks_plausibility makes it
        record.spec_id = "project"
        for key in ("fund.total.budget", "fund.total.spent", "fund.total.transfer", "fund.fiscal.transfer"):
            record.values.pop(key, None)
    return record, spec_id


def _seen(path: Path) -> list[tuple[str, str | None]]:
    return sorted((f.code, f.cell) for f in check_file(path).findings)


@pytest.mark.parametrize("path", sorted(p for folder in RELEASES for p in folder.glob("*-0*.xlsx")),
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_return_on_an_earlier_form_is_checked_as_on_todays_form(path: Path, tmp_path: Path) -> None:
    name = path.stem
    record, spec_id = _seed(name)
    today = write_return(tmp_path / "today.xlsx", record, spec=spec_id)
    earlier = check_file(path)
    assert earlier.record is not None
    assert "XF153" not in {f.code for f in earlier.findings}
    assert _seen(path) == _seen(today)
    computed = [p.key for p in Layout(load_spec(spec_id), 30).computed()]
    now = check_file(today).record
    assert now is not None
    assert {k: earlier.record.values.get(k) for k in computed} == {k: now.values.get(k) for k in computed}


def test_an_earlier_formula_in_a_form_of_today_is_an_alteration(tmp_path: Path) -> None:
    found: list[str] = []

    def relabel(name: str, body: bytes) -> bytes:      # the generator's name in _xf_meta, a shared string
        if b">xlsform 0.1.0<" in body:
            found.append(name)
        return body.replace(b">xlsform 0.1.0<", b">xlsform 0.2.0<")

    relabelled = tmp_path / "relabelled.xlsx"
    relabelled.write_bytes(rezip((EARLIER / "wangcheng-000.xlsx").read_bytes(), relabel))
    assert "xl/sharedStrings.xml" in found
    altered = [(code, cell) for code, cell in _seen(relabelled) if code == "XF153"]
    assert altered == [("XF153", "I42"), ("XF153", "J42")]          # the total and the grade


def test_a_blank_form_of_0_2_0_with_c_prefilled_shows_nothing_computed_when_read_today() -> None:
    """Its cached rate (−6.51 %), fund score 0, total 0 and 差 were that release's formulas' doing: today the
    record holds none of them and the report says only that the form is blank, not that the cache is wrong."""
    path = RELEASES[1] / "wangcheng-blank.xlsx"
    result = check_file(path)
    assert result.record is not None and [f.code for f in result.findings] == ["XF304"]
    assert result.record.cached["fund.total.rate"] < 0 and result.record.cached["total.grade"] == "差"
    for key in ("fund.total.rate", "fund.total.score", "total.score", "total.grade"):
        assert key not in result.record.values, key
