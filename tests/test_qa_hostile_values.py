"""QA (issue 10): hostile values inside an otherwise valid return. Each is a finding on its cell or a broken
file (XF105), the same through the byte scanner and the XML parser, never an internal error or a crash of
the batch, and every output stays valid UTF-8."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.conftest import load_seed
from tests.helpers_forms import fill_values, write_return
from tests.helpers_read import rezip
from xlsform import __version__
from xlsform.check import check_file
from xlsform.cli import main
from xlsform.results import FileResult

SST = "xl/sharedStrings.xml"
SHEET = "xl/worksheets/sheet1.xml"
PATHS = ("scan", "tree")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A wangcheng return whose 目标完成情况 (G10) is the shared string "MARKER", 填报人 "PREPARER" and the first
    indicator's 完成值 "ACTUAL" (both exported to CSV)."""
    values = fill_values(load_seed("000"))
    values.update({"goal.achieved": "MARKER", "footer.preparer": "PREPARER", "ind.1.actual": "ACTUAL"})
    return write_return(tmp_path_factory.mktemp("base") / "base.xlsx", values).read_bytes()


def variant(base: bytes, part: str, old: bytes | re.Pattern[bytes], new: bytes, path: str = "scan") -> bytes:
    """The return with `old` replaced in one part; "tree" adds a comment, which sends the part to the parser."""
    def edit(name: str, body: bytes) -> bytes:
        if name != part:
            return body
        changed = old.sub(new, body, count=1) if isinstance(old, re.Pattern) else body.replace(old, new, 1)
        assert changed != body, (part, old)
        return changed.replace(b"?>", b"?><!-- via the parser -->", 1) if path == "tree" else changed
    return rezip(base, edit)


def checked(tmp_path: Path, data: bytes, name: str = "r.xlsx") -> FileResult:
    path = tmp_path / name
    path.write_bytes(data)
    return check_file(path)


def codes(result: FileResult) -> list[str]:
    return [f.code for f in result.findings]


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


# ------------------------------------------------------------------- 1. lone surrogates

@pytest.mark.parametrize("path", PATHS)
def test_a_lone_surrogate_escape_is_a_finding_on_its_cell(base: bytes, tmp_path: Path, path: str) -> None:
    result = checked(tmp_path, variant(base, SST, b"MARKER", b"A_xD83D_B", path))
    [f] = [f for f in result.findings if f.code == "XF221"]
    assert (f.cell, f.key, f.severity) == ("G10", "goal.achieved", "warning")
    assert result.record is not None and result.record.values["goal.achieved"] == "A\ufffdB"
    json.dumps(result.to_json(), ensure_ascii=False).encode("utf-8")     # strict: no surrogate left


def test_a_surrogate_pair_escape_is_one_character_and_no_finding(base: bytes, tmp_path: Path) -> None:
    result = checked(tmp_path, variant(base, SST, b"MARKER", b"_xD83D__xDE00_"))
    assert result.record is not None and result.record.values["goal.achieved"] == "\U0001f600"
    assert "XF221" not in codes(result)


def test_a_surrogate_in_a_return_costs_no_output_of_the_batch(base: bytes, tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    (returns / "good.xlsx").write_bytes(base)
    (returns / "bad.xlsx").write_bytes(variant(base, SST, b"MARKER", b"_xDC00_x"))
    meta = variant(base, SST, b"MARKER", b"_xD800_")   # the same string also in the meta sheet's strings
    generator = f">xlsform {__version__}<".encode()
    (returns / "meta.xlsx").write_bytes(rezip(meta, lambda n, b: b.replace(generator, b">_xDFFF_<")))
    res = run("check", returns, "--json")
    assert res.exit_code in (0, 1)
    reports = json.loads(res.stdout_bytes.decode("utf-8"))
    assert len(reports) == 3 and sum("XF221" in [f["code"] for f in r["findings"]] for r in reports) == 2
    text = run("check", returns).stdout_bytes.decode("utf-8")
    # three returns of one unit: the newest is reported, the two older are listed as superseded (issue 15.10)
    assert text.count("XF221") == 1 and "另有 2 个较早的报送已被取代" in text
    assert "bad.xlsx（已被较新的报送取代，有错误）→" in text and "good.xlsx（" in text
    for fmt in ("json", "csv"):
        out = tmp_path / f"records.{fmt}"
        assert run("read", returns, "--format", fmt, "-o", out).exit_code == 0
        text = out.read_bytes().decode("utf-8")
        assert fmt == "csv" or "\ufffd" in text       # the CSV has no column for 目标完成情况
    res = run("merge", returns, "-o", tmp_path / "汇总.xlsx", "--format", "csv")
    assert res.exit_code == 0, res.output
    (tmp_path / "汇总_指标明细.csv").read_bytes().decode("utf-8")


@pytest.mark.parametrize("path", PATHS)
def test_a_surrogate_character_reference_is_a_broken_file_on_both_paths(base: bytes, tmp_path: Path,
                                                                        path: str) -> None:
    assert codes(checked(tmp_path, variant(base, SST, b"MARKER", b"&#xD800;", path))) == ["XF105"]


# ------------------------------------------------------- 4. live formulas in input cells

def _formula(cell: str, formula: str, cached: str = "<v>1</v>", t: str = "") -> tuple[re.Pattern[bytes], bytes]:
    """Replace cell `cell` of the form sheet (keeping its style) with a formula and a cached value."""
    return (re.compile(rf'<c r="{cell}"( s="\d+")?[^>]*?(?:/>|>.*?</c>)'.encode(), re.S),
            rf'<c r="{cell}"\1{t}><f>{formula}</f>{cached}</c>'.encode())


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("cell", "formula", "cached", "t", "code"), [
    ("D6", "80+3.13", "<v>83.13</v>", "", "XF224"),                         # an amount as a sum
    ("D6", "cmd|' /C calc'!A0", "<v>0</v>", "", "XF223"),                    # a DDE command
    ("G12", 'HYPERLINK("http://example.com/x","点此查看")', "<v>点此查看</v>", ' t="str"', "XF223"),
    ("G12", "[1]Sheet1!$A$1", "<v>45批次</v>", ' t="str"', "XF223"),          # another workbook
    ("G12", '"a|b"&amp;"[c]"', "<v>a|b[c]</v>", ' t="str"', "XF224"),       # | and [ only in a string
])
def test_a_formula_typed_into_an_input_cell_is_reported(base: bytes, tmp_path: Path, path: str, cell: str,
                                                        formula: str, cached: str, t: str, code: str) -> None:
    old, new = _formula(cell, formula, cached, t)
    result = checked(tmp_path, variant(base, SHEET, old, new, path))
    found = [f for f in result.findings if f.code in ("XF223", "XF224")]
    assert [(f.code, f.cell) for f in found] == [(code, cell)]
    assert found[0].severity == ("error" if code == "XF223" else "warning")


def test_computed_cells_keep_their_formulas_without_a_finding(base: bytes, tmp_path: Path) -> None:
    assert not {"XF223", "XF224"} & set(codes(checked(tmp_path, base)))


# ----------------------------------------- 5, 6. what a conforming parser refuses, both paths refuse

@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("part", "old", "new"), [
    (SST, b"MARKER", b"A\x01B"),                    # a control character XML forbids
    (SST, b"MARKER", b"\x1b[31m"),                  # ESC, a terminal escape
    (SST, b"MARKER", "\uffff".encode()),            # a non-character
    (SST, b"MARKER", b"&#0;"),
    (SST, b"MARKER", b"&#x1b;"),
    (SST, b"MARKER", b"&#x110000;"),                # beyond Unicode: was an internal error (XF114)
    (SST, b"MARKER", b"&#99999999999999999999;"),
    (SHEET, re.compile(rb'(<c r="G10"[^>]*t="s"><v>)\d+(</v>)'), rb"\g<1>-1\g<2>"),   # read as the last string
    (SHEET, re.compile(rb'<c r="B4" s="\d+"'), b'<c r="B4" s="x"'),           # a style index: was XF114
    (SHEET, re.compile(rb'<row r="4"'), b'<row r="4" s=""'),                  # a row's style index
])
def test_what_xml_or_ooxml_forbids_is_a_broken_file_on_both_paths(base: bytes, tmp_path: Path, path: str,
                                                                  part: str, old: bytes | re.Pattern[bytes],
                                                                  new: bytes) -> None:
    result = checked(tmp_path, variant(base, part, old, new, path))
    assert codes(result) == ["XF105"], result.findings
    assert result.record is None


@pytest.mark.parametrize("ref", [b"g10", b"$G$10", b"ZZZZ10", b"G"])
def test_a_cell_reference_not_in_a1_form_reads_the_same_on_both_paths(base: bytes, tmp_path: Path,
                                                                       ref: bytes) -> None:
    """The parser places such a cell by its order in the row; the scanner once dropped it."""
    results = [checked(tmp_path, variant(base, SHEET, b'<c r="G10"', b'<c r="' + ref + b'"', path), f"{path}.xlsx")
               for path in PATHS]
    assert [f.message for f in results[0].findings] == [f.message for f in results[1].findings]
    assert results[0].record is not None and results[1].record is not None
    assert results[0].record.values == results[1].record.values


def test_a_zip_needing_a_newer_zip_version_is_a_broken_file(base: bytes, tmp_path: Path) -> None:
    data = bytearray(base)
    central = data.find(b"PK\x01\x02")
    data[central + 6] = 64                          # "version needed to extract": 6.4
    assert codes(checked(tmp_path, bytes(data))) == ["XF105"]
    data = bytearray(base) + b"a zip comment moves the read to zipfile"
    data[-len(b"a zip comment moves the read to zipfile") - 2] = 39
    data[data.find(b"PK\x01\x02") + 6] = 64
    assert codes(checked(tmp_path, bytes(data))) == ["XF105"]


# -------------------------------------------------------------------- 9. limits users hit

def test_text_over_excels_cell_limit_is_an_error_and_the_copy_is_still_written(base: bytes,
                                                                              tmp_path: Path) -> None:
    path = tmp_path / "long.xlsx"
    path.write_bytes(variant(base, SST, b"MARKER", "长".encode() * 40000))
    result = check_file(path, annotate=tmp_path / "copies")
    [f] = [f for f in result.findings if f.code == "XF222"]
    assert (f.cell, f.severity, f.value, f.expected) == ("G10", "error", 40000, 32767)
    assert "XF903" not in codes(result)             # not "check the disk space"
    assert result.annotated is not None and Path(result.annotated).exists()


def test_text_at_excels_cell_limit_passes(base: bytes, tmp_path: Path) -> None:
    assert "XF222" not in codes(checked(tmp_path, variant(base, SST, b"MARKER", "长".encode() * 32767)))


def test_control_characters_are_escaped_in_csv_exports(base: bytes, tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    escaped = b"A_x001B_[31mB_x0000_C_x0001_"
    data = rezip(base, lambda n, b: b.replace(b">PREPARER<", b">" + escaped + b"<").replace(
        b">ACTUAL<", b">" + escaped + b"<") if n == SST else b)
    (returns / "esc.xlsx").write_bytes(data)
    assert run("read", returns, "--format", "csv", "-o", tmp_path / "r.csv").exit_code == 0
    assert run("merge", returns, "-o", tmp_path / "s.xlsx", "--format", "csv").exit_code == 0
    for out in (tmp_path / "r.csv", tmp_path / "s_指标明细.csv"):
        text = out.read_bytes().decode("utf-8-sig")
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", text)
        assert "A\\x1b[31mB\\x00C\\x01" in [c for row in csv.reader(text.splitlines()) for c in row]
