"""`xlsform read`: records out as JSON / JSON Lines / CSV, unreadable files on stderr, the record JSON Schema."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from tests.conftest import ROOT, load_seed
from tests.helpers_forms import write_return
from tests.helpers_read import build_return
from xlsform.cli import main
from xlsform.csvsafe import escape_cell
from xlsform.records import Record

SCHEMA = json.loads((ROOT / "docs" / "record.schema.json").read_text(encoding="utf-8"))


def _run(*args: str) -> Any:
    return CliRunner().invoke(main, ["read", *args], catch_exceptions=False)


@pytest.fixture
def returns(tmp_path: Path) -> Path:
    folder = tmp_path / "returns"
    folder.mkdir()
    for name in ("000", "001"):
        write_return(folder / f"{name}.xlsx", load_seed(name))
    return folder


def test_json_lists_one_record_per_readable_file(returns: Path) -> None:
    result = _run(str(returns))
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [r["identity"]["code"] for r in records] == ["430112001", "430201001"]
    assert records[0]["totals"] == {"weight": 100, "score": 92.71, "grade": "优"}
    assert records[0]["source"]["file"].endswith("000.xlsx")
    assert records[0]["cells"]["fund.total.spent"] == "部门整体自评表!D6"


def test_jsonl_to_a_file_round_trips_into_records(returns: Path, tmp_path: Path) -> None:
    out = tmp_path / "records.jsonl"
    assert _run(str(returns), "--format", "jsonl", "-o", str(out)).exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    rec = Record.from_json(json.loads(lines[0]))
    assert rec.values["total.score"] == 92.71 and rec.code == "430112001"


def test_output_is_never_overwritten_without_force(returns: Path, tmp_path: Path) -> None:
    out = tmp_path / "records.json"
    out.write_text("keep", encoding="utf-8")
    result = CliRunner().invoke(main, ["read", str(returns), "-o", str(out)])
    assert result.exit_code == 2 and "--force" in result.output
    assert out.read_text(encoding="utf-8") == "keep"
    assert _run(str(returns), "-o", str(out), "--force").exit_code == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 2


def test_csv_has_one_row_per_unit_with_bom_and_scored_fund_row(returns: Path, tmp_path: Path) -> None:
    out = tmp_path / "records.csv"
    assert _run(str(returns), "--format", "csv", "-o", str(out)).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["单位编码"] for r in rows] == ["430112001", "430201001"]
    assert rows[0]["预算执行率得分"] == "2.71" and rows[0]["全年预算数(万元)"] == "307"
    assert rows[0]["总分"] == "92.71" and rows[0]["等级"] == "优"


def test_csv_escapes_text_that_would_become_a_formula(tmp_path: Path) -> None:
    build_return(tmp_path / "r.xlsx", "wangcheng", {"year": 2020, "code": "A", "name": '=HYPERLINK("http://x")',
                                                     "footer.preparer": "@SUM(1)", "footer.phone": "-2+3"})
    result = _run(str(tmp_path / "r.xlsx"), "--format", "csv")
    row = next(csv.DictReader(io.StringIO(result.stdout)))
    assert row["单位名称"] == '\'=HYPERLINK("http://x")'
    assert row["填报人"] == "'@SUM(1)" and row["联系电话"] == "'-2+3"


def test_escape_cell_keeps_numbers_and_plain_text() -> None:
    assert escape_cell(-12.5) == -12.5
    assert escape_cell(307.0) == 307
    assert escape_cell("长沙") == "长沙"
    assert escape_cell("＝1+1") == "'＝1+1"
    assert escape_cell("\t=1") == "'\t=1"
    assert escape_cell(None) == ""


def test_unreadable_files_get_a_stderr_line_and_exit_1(returns: Path) -> None:
    (returns / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    (returns / "~$000.xlsx").write_bytes(b"lock")
    result = _run(str(returns))
    assert result.exit_code == 1
    assert len(json.loads(result.stdout)) == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and "old.xls" in lines[0] and "另存为 .xlsx" in lines[0]
    assert lines[1] == "共 3 个文件：2 个已读取，1 个无法读取"


def test_a_value_that_is_no_number_is_reported_but_the_file_reads(tmp_path: Path) -> None:
    build_return(tmp_path / "r.xlsx", "wangcheng", {"year": 2020, "code": "A", "name": "甲"},
                 raw={"fund.total.spent": "约九十万"})
    result = _run(str(tmp_path / "r.xlsx"))
    assert result.exit_code == 0
    assert "约九十万" in result.stderr and "D6" in result.stderr
    assert json.loads(result.stdout)[0]["identity"]["code"] == "A"


def test_spec_option_reads_a_regional_spec_file(tmp_path: Path) -> None:
    text = (ROOT / "templates" / "wangcheng.toml").read_text(encoding="utf-8")
    spec_file = tmp_path / "region.toml"
    spec_file.write_text(text.replace('id = "wangcheng"', 'id = "region"'), encoding="utf-8")
    build_return(tmp_path / "r.xlsx", "wangcheng", {"year": 2020, "code": "A", "name": "甲"},
                 meta={"spec_id": "region"})
    assert _run(str(tmp_path / "r.xlsx")).exit_code == 1
    result = _run(str(tmp_path / "r.xlsx"), "--spec", str(spec_file))
    assert result.exit_code == 0 and json.loads(result.stdout)[0]["spec"]["id"] == "region"


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(main, ["read", "--help"])
    assert result.exit_code == 0 and "Example" in result.output and "--format" in result.output


# ------------------------------------------------------------------------------------------ schema

def test_schema_is_valid_and_describes_every_record_key() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert set(SCHEMA["required"]) == set(load_seed("000").to_json())


@pytest.mark.parametrize("name", ["000", "001", "002", "004"])
def test_records_read_from_returns_match_the_schema(tmp_path: Path, name: str) -> None:
    result = _run(str(write_return(tmp_path / "r.xlsx", load_seed(name))))
    for record in json.loads(result.stdout):
        jsonschema.validate(record, SCHEMA, cls=jsonschema.Draft202012Validator)


def test_schema_rejects_a_malformed_record() -> None:
    record = load_seed("000").to_json()
    record["totals"]["score"] = "92.71分"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(record, SCHEMA, cls=jsonschema.Draft202012Validator)


def test_a_folder_without_workbooks_is_a_command_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["read", str(tmp_path)])
    assert result.exit_code == 2 and "没有找到报表文件" in result.output
    assert "（.xlsx、.xls、.et 或 .ods）" in result.output      # not ".xlsx" alone: .xls and .ods are read too


def test_help_says_xls_and_ods_are_read_not_to_be_resaved() -> None:
    """The help told a clerk .xls/.et files 需要另存 (to be saved again) while they are read (acceptance run)."""
    result = CliRunner().invoke(main, ["read", "--help"])
    assert result.exit_code == 0 and "需要另存" not in result.output and ".ods" in result.output
