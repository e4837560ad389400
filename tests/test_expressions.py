"""expressions.py: targets and actuals as units write them, read as a reviewer reads them (issue #9).

The table (tests/expressions_table.tsv: text TAB reading) holds expressions written the way units write
them on real forms; each reading is shown compactly by `show()`: "≥ 95 %", "80–90 %", "≤ 9-30" (a
deadline), "@ 12-31" (a period of the year), "定性 达成", "—" (not a value), "文字" (words).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlsform import expressions as ex

TABLE = [tuple(line.split("\t")) for line in
         (Path(__file__).parent / "expressions_table.tsv").read_text(encoding="utf-8").splitlines()]


def _n(x: Decimal | None) -> str:
    assert x is not None
    return f"{x.normalize():f}"


def show(e: ex.Expr) -> str:
    if e.kind == ex.NONE:
        return "—"
    if e.kind == ex.TEXT:
        return "文字"
    if e.kind == ex.QUALITATIVE:
        return f"定性 {e.band}"
    if e.kind == ex.DEADLINE:
        assert e.deadline is not None
        y, m, d = e.deadline
        date = f"{y}-{m}-{d}" if y else f"{m}-{d}"
        period = e.op is None and not any(c.isdigit() for c in e.text)
        return f"@ {date}" if period else (f"{e.op} {date}" if e.op else date)
    if e.kind == ex.RANGE:
        return f"{_n(e.low)}–{_n(e.high)} {e.unit}".strip()
    figure = f"{_n(e.low)} {e.unit}".strip()
    return f"{e.op} {figure}" if e.op else figure


def test_the_table_is_big_enough_and_has_no_duplicates() -> None:
    texts = [t for t, _ in TABLE]
    assert len(texts) >= 150 and len(set(texts)) == len(texts)


@pytest.mark.parametrize(("text", "reading"), TABLE)
def test_expressions_as_units_write_them(text: str, reading: str) -> None:
    e = ex.parse(text)
    assert show(e) == reading
    assert e.text == text    # the original text is kept as typed


# ------------------------------------------------------------------------------------------ properties

ops = st.sampled_from(["", "≥", "≤", "＞＝", ">=", "<=", "≧", "≦", "不低于", "不超过", "不少于", "="])
units = st.sampled_from(["%", "％", "次", "人次", "元", "万元", "个", "天", ""])
figures = st.decimals(min_value=0, max_value=10**7, places=2)


@given(st.text(max_size=60))
def test_parse_never_raises_and_keeps_the_text(text: str) -> None:
    e = ex.parse(text)
    assert e.text == text and e.kind in (ex.NUMBER, ex.RANGE, ex.DEADLINE, ex.QUALITATIVE, ex.NONE, ex.TEXT)
    assert e.low is None or e.low.is_finite()


@given(ops, figures, units)
def test_an_operator_and_a_figure_read_back(op: str, value: Decimal, unit: str) -> None:
    e = ex.parse(f"{op}{value}{unit}")
    scale = {"万元": 10_000}.get(unit, 1)
    assert e.kind == ex.NUMBER and e.low == value * scale
    assert e.unit == {"％": "%", "万元": "元"}.get(unit, unit)
    assert (e.op is None) == (op == "")


@given(figures, st.sampled_from(["", " ", "\u3000", "\u200b"]))
def test_full_width_digits_and_spaces_read_as_the_plain_figure(value: Decimal, space: str) -> None:
    wide = str(value).translate({c: c + 0xFEE0 for c in range(0x30, 0x3A)} | {0x2E: 0xFF0E})
    assert ex.parse(f"≥{space}{wide}{space}%").low == ex.parse(f"≥{value}%").low == value


@given(st.integers(1, 12), st.integers(1, 28), st.integers(1, 12), st.integers(1, 28))
def test_a_date_meets_a_deadline_exactly_when_it_is_not_later(tm: int, td: int, am: int, ad: int) -> None:
    target, actual = ex.parse(f"{tm}月{td}日前"), ex.parse(f"{am}月{ad}日完成")
    outcome = ex.compare(target, actual, year=2023)
    assert outcome is not None and outcome.met == ((am, ad) <= (tm, td))


@given(st.decimals(min_value=Decimal("0.01"), max_value=10**6, places=2),
       st.decimals(min_value=0, max_value=10**6, places=2))
def test_floors_and_ceilings_are_met_on_the_right_side(target: Decimal, actual: Decimal) -> None:
    floor = ex.compare(ex.parse(f"≥{target}%"), ex.parse(f"{actual}%"))
    ceiling = ex.compare(ex.parse(f"≤{target}%"), ex.parse(f"{actual}%"))
    assert floor is not None and floor.met == (actual >= target)
    assert ceiling is not None and ceiling.met == (actual <= target)


@given(st.decimals(min_value=1, max_value=10**4, places=2))
def test_wan_yuan_and_yuan_compare_in_one_unit(amount: Decimal) -> None:
    outcome = ex.compare(ex.parse(f"≤{amount}万元"), ex.parse(f"{amount * 10_000}元"))
    assert outcome is not None and outcome.met


# ------------------------------------------------------------------------------------------ comparison

@pytest.mark.parametrize(("target", "actual", "met"), [
    ("9月底前", "8月20日完成", True),           # issue #9: was read backwards
    ("9月底前", "9月30日完成", True),
    ("9月底前", "10月8日完成", False),
    ("9月前", "9月完成", True),                 # "9月前" read leniently: by the end of September
    ("2023年10月前", "2023年9月", True),
    ("2023年10月前", "2024年1月5日", False),
    ("年底前", "12月20日完成", True),
    ("第三季度末", "10月完成", False),
    ("≤300元", "280元", True),                 # a ceiling is met at or below
    ("≤300元", "300元", True),
    ("≤300元", "320元", False),
    ("≥90%", "92%", True),
    ("≥90%", "89.5%", False),
    ("≤5万元", "48000元", True),                # 万元 against 元
    ("≥95%", "95百分比", True),                 # % against 百分比
    ("80%-90%", "85%", True),
    ("80%-90%", "95%", False),
    ("400 次", "411 次", True),                 # a bare figure is a floor
    ("≥1000人", "45批次，1100余人", True),      # the figure in the target's unit
    ("≥95%", "0.96", True),                     # a fraction, as a percent cell shows it
    ("≥95%", "0.9", False),
    ("1次", "召开一次", True),                    # Chinese numerals before a counting unit
    ("≥3场", "两场", False),
    ("≥2万人", "1.5万", False),                 # an actual with its own 万 is not scaled again
    ("≤150万", "125.25万", True),
    ("≤90万元", "90", True),                    # a bare actual still takes the target's 万
    ("2019年", "2020年", False),                # a calendar year is a time limit: later is late
    ("2019年", "2019年", True),
    ("2023年底前", "2023年10月", True),
    ("2022年内", "2023年3月", False),
])
def test_actual_against_target(target: str, actual: str, met: bool) -> None:
    outcome = ex.compare(ex.parse(target), ex.parse(actual), year=2023)
    assert outcome is not None and outcome.met is met


@pytest.mark.parametrize(("target", "actual"), [
    ("≥95%", "≥95%"),          # an operator: a comparison, not a measurement
    ("≥95%", "95%以上"),
    ("≥95%", "411 次"),         # another unit
    ("≥95%", "已完成"),
    ("100%", "2020年9月11日举办培训班"),
])
def test_what_cannot_be_compared(target: str, actual: str) -> None:
    assert ex.compare(ex.parse(target), ex.parse(actual), year=2020) is None


def test_equality_is_a_deviation_and_qualitative_is_a_band() -> None:
    eq = ex.compare(ex.parse("=100%"), ex.parse("98%"))
    assert eq is not None and eq.rule == "equality" and eq.deviation == Decimal("0.02") and not eq.met
    assert ex.compare(ex.parse("=100%"), ex.parse("98%"), tolerance=Decimal("0.02")).met  # type: ignore[union-attr]
    q = ex.compare(ex.parse("有效提升"), ex.parse("基本完成"), nature="定性")
    assert q is not None and (q.rule, q.band, q.met) == ("qualitative", ex.PARTLY, False)


_texts = st.one_of(st.text(max_size=30), st.sampled_from([t for t, _ in TABLE]))


@given(_texts, _texts, st.sampled_from([None, "≥", "≤", "=", "定性", "≠"]), st.sampled_from([None, 2023]))
def test_compare_never_raises(target: str, actual: str, nature: str | None, year: int | None) -> None:
    outcome = ex.compare(ex.parse(target), ex.parse(actual), nature, year)
    assert outcome is None or isinstance(outcome.met, bool)


# ------------------------------------------------------------------ parse's quick refusals

def _parsed_plainly(text: str) -> ex.Expr:
    """parse without its quick tests: every pattern searched."""
    raw = text
    if len(raw) > ex.PARSED_MAX:
        return ex.Expr(raw, ex.TEXT)
    s = ex.clean(raw)
    if s.lower() in ex._PLACEHOLDERS or ex._NOT_A_VALUE.search(s):
        return ex.Expr(raw, ex.NONE)
    return ex._dated(raw, s) or ex._figure(raw, s) or ex._period(raw, s) or ex._qualitative(raw, s) \
        or ex.Expr(raw, ex.TEXT)


def _figures_plainly(text: str) -> tuple[tuple[Decimal, str], ...]:
    s = ex.clean(text)
    return tuple(ex._canonical(v, ex._unit(s[m.end():])[0]) for m in ex._FIGURE.finditer(s)
                 if (v := ex._number(m.group(1), m.group(2))) is not None)


# digits (ASCII, full-width, Arabic-Indic), Chinese numerals and units, the signs and words the patterns turn on
_EXPR_CHARS = "0123456789５١٢.,%‰≥≤<>=～~-—–至到年月日号底前内末季度上下半个次人元万亿千" \
    "一二两三四五六七八九十第指标目内容完成值请此处填写限不超过字以" \
    "简要说明例如示某○＊*xX×?？_…。、，：: \t"
_EXPR_ALPHABET = st.sampled_from([*_EXPR_CHARS, "百分点", "达到", "满意", "批次", "2023年", "9月底前", "第三季度",
                                  "以内", "简要描述"])


@settings(max_examples=500)
@given(st.lists(_EXPR_ALPHABET, max_size=12).map("".join))
def test_parse_refuses_quickly_only_what_its_patterns_refuse(text: str) -> None:
    """parse and figures_of skip the searches no match can come of (no digit for a date or figure, none of the
    characters a placeholder needs): what they read is what the plain searches read, for any text."""
    assert ex.parse.__wrapped__(text) == _parsed_plainly(text)
    assert ex.figures_of.__wrapped__(text) == _figures_plainly(text)


@pytest.mark.parametrize("text", ["如：", "示例：说明", "限100字", "不超过 200 字", "**人", "XX次", "某某单位", "○○",
                                  "指标2：", "——", "…", " ", "请填写", "此处填写", "填写说明", "100字以内", "简要说明",
                                  "2023年底前", "9月底前", "8月20日完成", "五个", "两场", "≥95%", "3-5万元", "年内完成",
                                  "第三季度末", "满意", "达到预期", "١٢ 人", "５０%"])
def test_parse_refuses_quickly_only_what_its_patterns_refuse_on_known_texts(text: str) -> None:
    assert ex.parse.__wrapped__(text) == _parsed_plainly(text)
    assert ex.figures_of.__wrapped__(text) == _figures_plainly(text)


def _op_plainly(before: str, after: str) -> str | None:
    tail = before[-6:]
    for word, op in ex.OPS_BEFORE:
        if word in tail:
            return op
    head = after.lstrip("余左右")[:4]
    return next((op for word, op in ex._OPS_AFTER if head.startswith(word)), None)


_OP_ALPHABET = st.sampled_from([*"≥≤<>=!不大小于低高少多至最控制在得超过等或及以上下内之余左右满意率人次",
                                *(w for w, _ in ex.OPS_BEFORE), *(w for w, _ in ex._OPS_AFTER)])


@settings(max_examples=500)
@given(st.lists(_OP_ALPHABET, max_size=6).map("".join), st.lists(_OP_ALPHABET, max_size=6).map("".join))
def test_the_comparison_is_looked_for_only_where_a_word_of_it_stands(before: str, after: str) -> None:
    """_op searches once for any comparison word before the figure, then tries them longest first as before."""
    assert ex._op(before, after) == _op_plainly(before, after)


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from([*"0123456789", *"年月日号份底末中旬上下初", *"./-~:,% ", *"前内完成个次元"]),
               max_size=16))
def test_every_date_the_pattern_finds_holds_a_month_mark(text: str) -> None:
    """_dated tries the date pattern only on a text holding 月, ".", "/" or "-": every match holds one."""
    m = ex._DATE.search(text)
    assert m is None or any(c in m.group() for c in "月./-")


def test_an_expr_is_made_without_the_frozen_init_and_stays_a_frozen_dataclass() -> None:
    import dataclasses
    import pickle

    e = ex.parse("≥95%")
    same = ex.Expr("≥95%", ex.NUMBER, "≥", Decimal(95), Decimal(95), "%")
    assert e == same and hash(e) == hash(same) and pickle.loads(pickle.dumps(e)) == e
    assert dataclasses.astuple(e) == ("≥95%", ex.NUMBER, "≥", Decimal(95), Decimal(95), "%", None, None)
    assert dataclasses.replace(e, unit="次").unit == "次" and ex.Expr("x", ex.TEXT).unit == ""
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.kind = ex.TEXT  # type: ignore[misc]


def test_last_day_is_calendars_for_every_month_of_four_centuries() -> None:
    import calendar

    from xlsform.expressions import last_day

    for year in range(1900, 2301):
        for month in range(1, 13):
            assert last_day(year, month) == calendar.monthrange(year, month)[1], (year, month)


def test_poor_alone_is_missed_and_in_a_phrase_as_before() -> None:
    """"差" alone is said in _qualitative, not by _MISSED's "^差$" (which kept sre from skipping ahead)."""
    assert ex.parse("差").band == ex.MISSED and ex.parse(" 差 ").band == ex.MISSED
    assert ex.parse("较差").band == ex.PARTLY and ex.parse("效果差").band == ex.MISSED
    assert ex.parse("差不多").kind == ex.TEXT


def test_an_expr_is_the_frozen_dataclass_it_says_it_is() -> None:
    """Expr's own __init__ sets the fields as the dataclass's would: in order, compared, hashed, replaced,
    copied and pickled as fields; still frozen."""
    import copy
    import dataclasses
    import pickle

    from xlsform.expressions import Expr

    e = ex.parse("≥95%")
    assert list(vars(e)) == [f.name for f in dataclasses.fields(Expr)]
    same = Expr(e.text, e.kind, e.op, e.low, e.high, e.unit, e.deadline, e.band)
    assert same == e and hash(same) == hash(e) and dataclasses.astuple(same) == dataclasses.astuple(e)
    assert pickle.loads(pickle.dumps(e)) == e and copy.deepcopy(e) == e
    assert dataclasses.replace(e, op=">").op == ">" and e.op == "≥"
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.op = ">"  # type: ignore[misc]
