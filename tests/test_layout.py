"""Layout: where each field sits, its defined name, its formula, and the recomputed seed figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import load_seed
from xlsform.layout import Layout, a1, col_index, col_letter, defined_name, split_indicator_key
from xlsform.spec import load_spec

SPEC_OF = {"000": "wangcheng", "001": "zhuzhou", "002": "wangcheng", "004": "wangcheng"}
GOLDEN = {  # fund score, weight total, score total, grade — from the printed seed forms
    "000": ("2.71", "100", "92.71", "优"),
    "001": ("10", "100", "100", "优"),
    "002": ("9.44", "100", "99.44", "优"),
    "004": ("9.58", "70", "69.58", "中"),
}


def test_defined_name_scheme() -> None:
    assert defined_name("year") == "xf_year"
    assert defined_name("fund.total.budget") == "xf_fund_total_budget"
    assert defined_name("ind.3.weight") == "xf_ind_03_weight"
    assert defined_name("ind.12.level1") == "xf_ind_12_level1"
    assert split_indicator_key("ind.12.level1") == (12, "level1") and split_indicator_key("year") is None


@pytest.mark.parametrize("col", [0, 1, 25, 26, 27, 51, 52, 701, 702])
def test_column_letters_round_trip(col: int) -> None:
    assert col_index(col_letter(col)) == col


def test_a1() -> None:
    assert (a1(0, 0), a1(5, 6, absolute=True), col_letter(26)) == ("A1", "$G$6", "AA")


def test_wangcheng_cells_match_the_real_form() -> None:
    layout = Layout(load_spec("wangcheng"))
    refs = {k: layout.place(k).range_ref for k in ("year", "name", "code", "fund.total.budget", "fund.total.rate",
                                                 "fund.total.score", "goal.target", "total.score", "total.grade")}
    assert refs == {"year": "A2:L2", "name": "B3:E3", "code": "G3", "fund.total.budget": "C6",
                    "fund.total.rate": "G6", "fund.total.score": "H6:L6", "goal.target": "B10:F10",
                    "total.score": "I42", "total.grade": "J42:L42"}
    assert layout.ind_header_rows == (10, 10) and layout.ind_first_row == 11
    assert layout.column_range("score") == "I12:I41"
    assert layout.place("footer.preparer").ref == "B43"


def test_indicator_rows_are_configurable() -> None:
    spec = load_spec("wangcheng")
    small = Layout(spec, 5)
    assert small.n == 5 and small.column_range("weight") == "H12:H16"
    assert small.place("total.weight").ref == "H17"
    assert small.formula("total.weight") == "=ROUND(N(F6)+SUM(H12:H16),2)"


def test_formulas_point_at_the_right_cells() -> None:
    layout = Layout(load_spec("wangcheng"))
    assert layout.formula("fund.total.rate") == '=IF(OR(N(C6)<=0,D6=""),"",(N(D6)-N(E6))/C6)'
    assert layout.formula("fund.total.score") == '=IF(G6="","",ROUND(N(F6)*MAX(0,MIN(G6,1)),2))'
    # "" until every score is there (the fund score, one on each row with a weight); each score counts at most
    # at its weight (MIN(score, weight) per row, without an array IF)
    assert layout.formula("total.score") == \
        ('=IF(OR(COUNT(H6)=0,SUMPRODUCT((H12:H41>0)*(I12:I41=""))>0),"",ROUND(ROUND(N(H6),2)+SUMPRODUCT('
         'ROUND(I12:I41-(I12:I41>H12:H41)*(H12:H41<>"")*(I12:I41-H12:H41),2)),2))')
    assert layout.formula("total.grade").startswith('=IF(I42="","",IF(N(I42)>=90,"优",')
    zhuzhou = Layout(load_spec("zhuzhou"))
    assert zhuzhou.formula("fund.total.budget") == '=IF(COUNT(D6,D7,D8)=0,"",ROUND(SUM(D6,D7,D8),6))'


@pytest.mark.parametrize("seed_id", sorted(GOLDEN))
def test_recompute_gives_the_printed_seed_figures(seed_id: str) -> None:
    layout = Layout(load_spec(SPEC_OF[seed_id]))
    out = layout.recompute(dict(load_seed(seed_id).values))
    got = (out["fund.total.score"], out["total.weight"], out["total.score"], out["total.grade"])
    fund, weight, total, grade = GOLDEN[seed_id]
    assert got == (Decimal(fund), Decimal(weight), Decimal(total), grade)


def test_lists_for_dropdowns() -> None:
    lists = Layout(load_spec("project")).lists()
    assert lists["xf_list_level1"] == ["产出指标", "效益指标", "满意度指标"]
    assert lists["xf_l2_3"] == ["服务对象满意度指标"]
    assert lists["xf_list_nature"] == ["≥", "≤", "=", "定性"]
