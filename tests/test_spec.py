"""Form specs: the built-in ones load and match their real forms; a broken spec names the key and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT
from xlsform.spec import EXCEL_TEXT_LIMIT, SpecError, builtin_names, load_spec

WANGCHENG = (ROOT / "templates/wangcheng.toml").read_text(encoding="utf-8")


def test_builtin_specs() -> None:
    assert builtin_names() == ["project", "wangcheng", "zhuzhou"]
    for name in builtin_names():
        spec = load_spec(name)
        assert spec.id == name and spec.indicator_rows == 30
        assert spec.scored_fund_row == "total"
        assert {"level1", "level2", "weight", "score"} <= {f.key for f in spec.indicator_block.row}


def test_wangcheng_matches_its_real_form() -> None:
    spec = load_spec("wangcheng")
    assert spec.fund_rows() == ["fiscal", "total"]
    assert [spec.fund_row_label(r) for r in spec.fund_rows()] == ["财政拨款", "年度资金总额"]
    assert [f.label for f in spec.indicator_block.row] == [
        "一级指标", "二级指标", "三级指标", "目标内容", "目标值", "完成值", "分值", "得分", "未完成原因", "改进措施"]
    labels = {lab.text for b in spec.blocks for lab in b.labels}
    assert {"全年预算数\n(A)", "全年执行数\n(B)", "上级财政转移支付\n(C)", "执行率\n((B-C)/A)"} <= labels


def test_zhuzhou_and_project_layouts() -> None:
    zhuzhou, project = load_spec("zhuzhou"), load_spec("project")
    assert zhuzhou.fund_rows() == ["total", "fiscal", "carryover", "other"]
    assert "total.grade" in {f.key for f in zhuzhou.scalar_fields()}
    assert [f.key for f in project.indicator_block.row][3:6] == ["nature", "target", "measure"]
    assert {"department", "implementer"} <= {f.key for f in project.scalar_fields()}


def test_a_users_spec_file_loads_by_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(WANGCHENG.replace('id = "wangcheng"', 'id = "changsha"'), encoding="utf-8")
    assert load_spec(path).id == "changsha" and load_spec(str(path)).source == str(path)


BROKEN = [
    ('id = "wangcheng"\n', "", "form.id: is required but missing"),
    ('role = "input"', 'role = "owner"', "(fund.fiscal.spent).role: 'owner' is not one of prefill, input, computed"),
    ('at = "C2"', 'at = "C2x"', "field fund.fiscal.budget.at: 'C2x' is not a cell or range"),
    ('rule = "fund_score"', 'rule = "bonus"', "field fund.total.score.rule: 'bonus' is not a known rule"),
    ("maxlen = 2000", "maxlen = 99999", f"maxlen: must be between 1 and {EXCEL_TEXT_LIMIT}"),
    ('max = "weight"', 'max = "points"', "field score.max: 'points' names no field of the indicator row"),
    ('key = "sub_units"', 'key = "name"', "field name: key is used twice"),
    ("indicator_rows = 30", "indicator_rows = 0", "form.indicator_rows: must be between 1 and 200"),
    ("indicator_rows = 30", 'indicator_rows = "30"', "form.indicator_rows: expected an integer, got str '30'"),
    ('sheet = "部门整体自评表"', 'sheet = "a/b"', "form.sheet: 'a/b' is not a valid Excel sheet name"),
    ("[rules]", "[rulez]", "spec: unknown table(s) ['rulez']"),
]


@pytest.mark.parametrize(("old", "new", "message"), BROKEN, ids=[b[2][:30] for b in BROKEN])
def test_a_broken_spec_names_the_key_and_the_problem(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in WANGCHENG
    path = tmp_path / "broken.toml"
    path.write_text(WANGCHENG.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_not_toml_and_unknown_names(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text("[form\n", encoding="utf-8")
    with pytest.raises(SpecError, match="not valid TOML"):
        load_spec(path)
    with pytest.raises(SpecError, match="unknown spec 'nanjing': built-in specs are project, wangcheng, zhuzhou"):
        load_spec("nanjing")
    with pytest.raises(SpecError, match="cannot read spec file"):
        load_spec(tmp_path / "missing.toml")
