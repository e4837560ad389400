"""report.json_bytes (result_json: a result's JSON encoded from its fields) gives the bytes of
json.dumps(result.to_json(), ensure_ascii=False, default=str) for any result: generated records of every
layout (keys in any order, blank, converted and hostile values, two keys for one indicator cell), findings
with any values, unreadable files, subclasses, and the tables and cells kept from one result to the next."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlsform import report, result_json
from xlsform.codes import Finding
from xlsform.records import FOOTER_KEYS, GOAL_KEYS, IDENTITY_KEYS, TOTAL_KEYS, Record
from xlsform.results import FileResult
from xlsform.spec import FUND_COLUMNS, INDICATOR_COLUMNS


def reference(r: FileResult) -> bytes:
    return json.dumps(r.to_json(), ensure_ascii=False, default=str).encode("utf-8")


def same_as_reference(r: FileResult) -> None:
    try:
        want = reference(r)
    except (UnicodeEncodeError, ValueError, TypeError) as e:    # a lone surrogate: neither can write it
        with pytest.raises(type(e)):
            report.json_bytes(r)
        return
    assert report.json_bytes(r) == want


class Level(enum.IntEnum):
    HIGH = 2


class Text(str):
    pass


# texts a hostile or careless file can hold: JSON's escapes, a NUL (result_json's own separator), line
# separators, CJK, an undecoded GBK byte (a file name's surrogate escape), a lone surrogate
texts = st.text(st.sampled_from(['"', "\\", "\x00", "\n", "\x1f", "\u2028", "\x7f", "é", "绩", "效", "a", "1", ".",
                                 " ", "\udcb1", "\ud800"]), max_size=8)
floats = st.one_of(st.floats(), st.sampled_from([0.0, -0.0, 1e-05, 1e16, 1e300, 0.1, 4477.2, 2.5]))
atoms = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), floats, texts, st.just(""),
                  st.decimals(allow_nan=False, places=3), st.just(Decimal("1E+30")), st.just(Level.HIGH),
                  st.just(Text("子类")), st.just(datetime.date(2024, 2, 29)))
values = st.one_of(atoms, st.lists(atoms, max_size=3), st.dictionaries(texts, atoms, max_size=2))
FIELDS = [*IDENTITY_KEYS, "execution.reason", *(f"goal.{k}" for k in GOAL_KEYS),
          *(f"total.{k}" for k in TOTAL_KEYS), *(f"footer.{k}" for k in FOOTER_KEYS),
          *(f"fund.{row}.{c}" for row in ("fiscal", "other", "total") for c in FUND_COLUMNS),
          *(f"ind.{n}.{c}" for n in (1, 2, 3, 10) for c in INDICATOR_COLUMNS),
          "ind.03.level1", "ind.x.level1", "ind.2.nothing", "fund.", "other", "fund.total.x"]


@st.composite
def records(draw: Any) -> Record:
    keys = draw(st.lists(st.sampled_from(FIELDS), unique=True, max_size=40))
    return Record(
        spec_id=draw(texts), spec_version=draw(st.sampled_from(["2020.1", 1])),
        values={k: draw(atoms) for k in keys},
        cells={k: draw(st.sampled_from(["表!C6", "绩效表!D15"])) for k in keys[:5]},
        cached=draw(st.dictionaries(st.sampled_from(["fund.total.rate", "total.score", "total.grade"]), atoms,
                                    max_size=3)),
        fund_labels=draw(st.dictionaries(st.sampled_from(["total", "fiscal", "新行"]), texts, max_size=2)),
        source=draw(st.one_of(st.none(), st.just(""), texts)), sha256=draw(st.one_of(st.none(), texts)))


findings = st.builds(Finding, code=texts, severity=st.sampled_from(["error", "warning", "info", "odd"]),
                     message=texts, file=st.one_of(st.none(), st.just(""), texts, st.just("r/退回.xlsx")),
                     sheet=st.one_of(st.none(), texts), cell=st.one_of(st.none(), texts), field=texts,
                     key=st.one_of(st.none(), texts), value=values, expected=values)
results = st.builds(FileResult, file=st.one_of(texts, st.just("r/退回.xlsx")), sha256=st.one_of(st.none(), texts),
                    record=st.one_of(st.none(), records()), findings=st.lists(findings, max_size=4))


@settings(max_examples=400)
@given(results)
def test_a_results_json_is_json_dumps_of_its_to_json(r: FileResult) -> None:
    same_as_reference(r)
    if r.record is not None:    # the same keys again (as learnt), every value now blank
        blank = dataclasses.replace(r.record, values=dict.fromkeys(r.record.values, ""))
        same_as_reference(dataclasses.replace(r, record=blank))


@pytest.mark.parametrize("values", [
    # rows whose only values are not of their column's type: kept, converted as _indicator_rows does
    {"ind.2.weight": "abc", "ind.3.score": True, "ind.4.level1": 3.0, "ind.5.weight": 3, "ind.6.content": ""},
    {"ind.3.level1": "kept", "ind.03.level1": ""},      # two keys for one cell: the last that holds anything
    {"ind.03.level1": "kept", "ind.3.level1": ""},
    {"fund.total.budget": 12, "fund.fiscal.spent": Decimal("1.5"), "fund.x.rate": "abc", "fund.y.spent": None},
    {"ind.1001.level1": "far", "ind.2.level1": "near", "ind.0.score": 0.0},     # past the grid's bound; row 0
])
def test_values_of_another_type_and_two_keys_for_one_cell(values: dict[str, Any]) -> None:
    r = FileResult("r.xlsx", record=Record("wangcheng", "2020.1", values=values, fund_labels={"z": "新行"}))
    for _ in range(2):      # the second time with its keys learnt
        same_as_reference(r)


def test_every_bundled_return_takes_the_fast_path_and_a_subclass_the_reference(monkeypatch: Any) -> None:
    """The example returns, the hand-made layouts (one a sheet included), last year's forms, .xls copies."""
    from tests.conftest import ROOT
    from tests.helpers_check_golden import files
    from xlsform.check import check_paths

    monkeypatch.chdir(ROOT)
    checked = list(check_paths(files()))
    assert len(checked) >= 20 and sum(r.record is None for r in checked) < len(checked) // 2
    for r in checked:
        assert result_json.json_bytes(r) == reference(r), r.file
    r = next(r for r in checked if r.record is not None and r.findings)
    assert r.record is not None

    class Said(FileResult):
        def to_json(self) -> dict[str, Any]:
            return {**super().to_json(), "extra": 1}

    said = Said(r.file, r.sha256, record=r.record, findings=r.findings)
    assert result_json.json_bytes(said) is None and report.json_bytes(said) == reference(said)
    odd = dataclasses.replace(r, record=dataclasses.replace(r.record, cached={1: 2.0}))  # type: ignore[dict-item]  # json converts it
    assert result_json.json_bytes(odd) is None and report.json_bytes(odd) == reference(odd)


def test_a_finding_said_again_in_another_file_is_written_as_json_dumps_writes_it() -> None:
    """_SAID keeps a finding's JSON but its file: again in the same result, in another result (another file),
    with a text of JSON's escapes, a long text (not kept) and the same texts as other types (not kept)."""
    said = Finding("XF507", "warning", '表!D15「第 4 行」与第 1 行相同"\\\x00', "a.xlsx", "表", "D15", "第 4 行",
                   "ind.4.level3")
    long = dataclasses.replace(said, value="长" * 2_000, expected="\u2028")
    typed = [dataclasses.replace(said, value=v, expected=e) for v, e in ((1, "1"), (1.0, None), (True, "x"))]
    for file in ("a.xlsx", "b/退回.xlsx", "a.xlsx"):
        findings = [dataclasses.replace(f, file=file) for f in (said, long, *typed, said)]
        findings.append(dataclasses.replace(said, file="other.xlsx"))    # not the result's own file
        findings.append(dataclasses.replace(said, file=None))
        same_as_reference(FileResult(file, record=Record("wangcheng", "2020.1"), findings=findings))
    assert any(key[0] == "XF507" for key in result_json._SAID)
    assert all(len(head) + len(tail) <= result_json._SAID_LONGEST for head, tail in result_json._SAID.values())


def test_fund_rows_by_one_plan_of_keys_with_each_returns_own_labels_and_values() -> None:
    """result_json._funds: records whose keys come in one order share a plan; each keeps its own labels
    (a labelled row without values among them) and values (floats as they are, others converted)."""
    keys = ["fund.total.budget", "name", "fund.fiscal.spent", "fund.", "fund.other.rate"]
    for labels, value in (({}, 1.5), ({"z": "新行", "fiscal": "财政"}, 3), ({"total": "合计"}, Decimal("2.5")),
                          ({"other": "其他", "q": "另一行"}, None), ({}, "abc"), ({}, True)):
        values = {k: value for k in keys}
        r = FileResult("r.xlsx", record=Record("wangcheng", "2020.1", values=values, fund_labels=labels))
        same_as_reference(r)
