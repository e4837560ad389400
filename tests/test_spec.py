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
        "一级指标", "二级指标", "三级指标", "目标内容", "目标值", "完成值", "分值", "得分", "未完成原因", "改进措施",
        "上年完成值"]
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
    # [rules.scoring] (issue #9): every number a region may change is checked with the key named
    ('equality = "proportional"', 'equality = "exact"',
     "rules.scoring.equality: 'exact' is not one of proportional, all_or_nothing"),
    ("equality_tolerance = 0.0", "equality_tolerance = 5",
     "rules.scoring.equality_tolerance: must be a share from 0 to below 1"),
    ("equality_tolerance = 0.0", 'equality_tolerance = "5%"',
     "rules.scoring.equality_tolerance: expected an integer or a number, got str '5%'"),
    ('{ band = "达成", min = 0.8, max = 1.0 }', '{ band = "完成", min = 0.8, max = 1.0 }',
     "rules.scoring.qualitative[0].band: '完成' is not one of 达成、部分达成、未达成"),
    ('{ band = "达成", min = 0.8, max = 1.0 }', '{ band = "达成", min = 80, max = 100 }',
     "rules.scoring.qualitative[0]: min 80 and max 100 must be shares of the weight"),
    ('{ band = "达成", min = 0.8, max = 1.0 }', '{ band = "达成", max = 1.0 }',
     "rules.scoring.qualitative[0].min: is required but missing"),
    ('{ band = "未达成", min = 0.0, max = 0.6 }', '{ band = "达成", min = 0.0, max = 0.6 }',
     "rules.scoring.qualitative: needs each band once: 达成、部分达成、未达成 (got 达成、部分达成、达成)"),
    ("overshoot = { above = 0, deduct = 0 }", "overshoot = { above = 0.5 }",
     "rules.scoring.overshoot: needs above > 0"),
    ("overshoot = { above = 0, deduct = 0 }", "overshoot = { over = 0.5, deduct = 0.1 }",
     "rules.scoring.overshoot: unknown key(s) ['over']; known: above, deduct"),
    ('equality = "proportional"', 'equality = "proportional"\npositive = "ratio"',
     "rules.scoring: unknown key(s) ['positive']"),
    # [rules.review] (issue 19): word lists and shares, each named
    ("overshoot = 0.30 ", "overshoot = 30 ", "rules.review.overshoot: must be a share between 0 and 1"),
    ("copy_similarity = 0.80", 'copy_similarity = "80%"',
     "rules.review.copy_similarity: expected an integer or a number, got str '80%'"),
    ("yuan_ratio = [3000, 30000]", "yuan_ratio = [30000, 3000]", "rules.review.yuan_ratio: needs [low, high]"),
    ('counted = ["数量指标"]', 'counted = ["数量指标", 3]', "rules.review.counted[1]: expected"),
    ('counted = ["数量指标"]', 'countd = ["数量指标"]', "rules.review: unknown key(s) ['countd']"),
    ("copy_min_letters = 20 ", "copy_min_letters = 3 ", "rules.review.copy_min_letters: must be a count of letters"),
    ("copy_min_letters = 20 ", "copy_min_letters = 0.5 ", "rules.review.copy_min_letters: expected an integer"),
    ("yuan_ceiling = 500000 ", "yuan_ceiling = -1 ", "rules.review.yuan_ceiling: must be an amount in 万元"),
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


def test_scoring_rules_load_from_every_builtin_spec_and_default_without_the_table() -> None:
    from xlsform.spec import Scoring

    for name in builtin_names():
        assert load_spec(name).rules.scoring == Scoring()   # the shipped tables spell out the defaults


def test_review_rules_are_data_in_every_builtin_spec() -> None:
    from xlsform.spec import Review

    for name in builtin_names():
        review = load_spec(name).rules.review
        assert review.stock_actuals and review.instructions and review.adjustment_words
        assert (review.overshoot, review.copy_similarity, review.yuan_ratio) == (0.3, 0.8, (3000.0, 30000.0))
        assert review.copy_min_letters == 20 and review.yuan_ceiling >= 100000   # 10亿 and more
    assert Review().stock_actuals == ()        # a region's spec without the table: the rules have no words
    assert Review().yuan_ceiling == 0          # ... and judges no amount by its size alone


def test_the_100_80_50_variant_and_the_deduction_are_expressible(tmp_path: Path) -> None:
    text = WANGCHENG.replace("min = 0.8, max = 1.0", "min = 1.0, max = 1.0").replace(
        "min = 0.6, max = 0.8", "min = 0.8, max = 0.8").replace("min = 0.0, max = 0.6", "min = 0.5, max = 0.5")
    text = text.replace("overshoot = { above = 0, deduct = 0 }", "overshoot = { above = 0.5, deduct = 0.1 }")
    path = tmp_path / "variant.toml"
    path.write_text(text, encoding="utf-8")
    scoring = load_spec(path).rules.scoring
    assert scoring.bands == (("达成", 1.0, 1.0), ("部分达成", 0.8, 0.8), ("未达成", 0.5, 0.5))
    assert (scoring.overshoot_above, scoring.overshoot_deduct) == (0.5, 0.1)
    no_table = tmp_path / "none.toml"
    start, end = WANGCHENG.index("\n[rules.scoring]"), WANGCHENG.index("\n[tree]")
    no_table.write_text(WANGCHENG[:start] + WANGCHENG[end:], encoding="utf-8")
    from xlsform.spec import Scoring
    assert load_spec(no_table).rules.scoring == Scoring()


def test_not_toml_and_unknown_names(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text("[form\n", encoding="utf-8")
    with pytest.raises(SpecError, match="not valid TOML"):
        load_spec(path)
    with pytest.raises(SpecError, match="unknown spec 'nanjing': built-in specs are project, wangcheng, zhuzhou"):
        load_spec("nanjing")
    with pytest.raises(SpecError, match="cannot read spec file"):
        load_spec(tmp_path / "missing.toml")


def test_a_spec_name_or_file_a_clerk_gets_wrong_is_said_in_chinese(tmp_path: Path) -> None:
    """`--spec wangchen` answered only "unknown spec 'wangchen': built-in specs are …" (acceptance run)."""
    bad = tmp_path / "x.toml"
    bad.write_text("[form\n", encoding="utf-8")
    for name, words in (("wangchen", "没有名为「wangchen」的规格：内置规格有 project, wangcheng, zhuzhou"),
                        (tmp_path / "missing.toml", "无法读取规格文件，文件不存在"),
                        (bad, "规格文件的格式有误")):
        with pytest.raises(SpecError) as e:
            load_spec(name)
        assert words in str(e.value)


def test_a_built_in_spec_is_kept_built_and_built_again_when_its_text_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A checking process reads the built spec back instead of parsing the TOML again (like bytecode): the
    same spec, built again when its text (or this module) changes, when the kept copy is torn, and still
    given when the copy cannot be written."""
    import xlsform.spec as spec_module

    kept = tmp_path / "kept" / "wangcheng.pickle"
    monkeypatch.setattr(spec_module, "_kept_path", lambda spec_file, name: kept)
    fresh = load_spec("wangcheng")
    assert spec_module._kept_built("wangcheng") == fresh and kept.exists()
    first = kept.read_bytes()
    assert spec_module._kept_built("wangcheng") == fresh and kept.read_bytes() == first   # read back as kept

    source = spec_module._read_source
    edited = lambda name: (source(name)[0].replace('name = "', 'name = "改 ', 1), source(name)[1])  # noqa: E731
    monkeypatch.setattr(spec_module, "_read_source", edited)
    changed = spec_module._kept_built("wangcheng")
    assert changed != fresh and changed.name == "改 " + fresh.name and kept.read_bytes() != first
    monkeypatch.setattr(spec_module, "_read_source", source)

    kept.write_bytes(first[: len(first) // 2])           # torn
    assert spec_module._kept_built("wangcheng") == fresh and kept.read_bytes() == first

    def refused(path: Path, data: bytes) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    kept.unlink()
    monkeypatch.setattr(spec_module, "_keep", refused)
    assert spec_module._kept_built("wangcheng") == fresh and not kept.exists()


def test_a_kept_spec_is_made_again_through_its_constructors(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read back through __init__, not by a pickle filling in each object's __dict__ (Python 3.11 reads the
    attributes of the latter more slowly: the rules paid up to 88 K instructions a return for it)."""
    import pickle

    import xlsform.spec as spec_module

    spec = load_spec("wangcheng")
    made: list[str] = []
    for kind in (spec_module.Spec, spec_module.Field, spec_module.Rules):
        init = kind.__init__

        def counted(self: object, *args: object, _init: object = init, **kw: object) -> None:
            made.append(type(self).__name__)
            _init(self, *args, **kw)  # type: ignore[operator]

        monkeypatch.setattr(kind, "__init__", counted)
    again = pickle.loads(pickle.dumps(spec))
    assert again == spec
    fields = sum(len(b.fields) + len(b.row) for b in spec.blocks)
    assert made.count("Spec") == 1 and made.count("Rules") == 1 and made.count("Field") == fields
