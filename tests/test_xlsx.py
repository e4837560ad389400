"""xlsx.py: safe part reading, the two worksheet paths (scan and parser) agreeing, dialects of other writers."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers_read import rezip, workbook_bytes
from xlsform.xlsx import (
    Package,
    Reader,
    Sheet,
    XlsxError,
    _formula_in,
    _scan_formula,
    central_directory,
    iter_text_rows,
    name_target,
    parse_ref,
    parse_sheet,
    parse_xml,
    scan_shared_strings,
    scan_sheet,
    scannable,
    shift_formula,
)

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _both(data: bytes, strings: list[str] | None = None) -> tuple[Sheet, Sheet]:
    """The same worksheet through the scanner and through the parser."""
    shared = strings or []
    return scan_sheet("S", data, lambda: shared), parse_sheet("S", parse_xml(data), lambda: shared)


def _sheet_xml(cells: str, extra: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{NS}" '
            f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<sheetData>{cells}</sheetData>{extra}</worksheet>").encode()


def _assert_same(a: Sheet, b: Sheet) -> None:
    assert a == b
    assert a.styles == b.styles


# ---------------------------------------------------------------------------------------- refs

def test_refs_and_defined_name_targets() -> None:
    assert parse_ref("C6") == (5, 2)
    assert parse_ref("$AA$10") == (9, 26)
    assert parse_ref("C0x") is None
    assert name_target("'部门整体自评表'!$C$6:$K$6") == ("部门整体自评表", 5, 2)
    assert name_target("Sheet1!$B$2") == ("Sheet1", 1, 1)
    assert name_target("'It''s'!A1") == ("It's", 0, 0)
    assert name_target("#REF!") is None
    assert name_target("[1]Sheet1!$A$1") is None
    assert name_target("42") is None


def test_shift_formula_moves_relative_refs_only() -> None:
    assert shift_formula("IF(N(C5)<=0,\"\",(N(D5)-N(E5))/C5)", 1, 0) == "IF(N(C6)<=0,\"\",(N(D6)-N(E6))/C6)"
    assert shift_formula("$A$1+A1+$B2+C$3", 2, 1) == "$A$1+B3+$B4+D$3"
    assert shift_formula('"A1"&LOG10(B2)&xf_ind_01_weight', 1, 0) == '"A1"&LOG10(B3)&xf_ind_01_weight'


# ---------------------------------------------------------------------------------- scan vs parse

def test_scan_and_parse_agree_on_a_real_return() -> None:
    data = workbook_bytes("wangcheng", {"year": 2020, "code": "A", "name": "甲 & <乙>", "goal.achieved": "一\r\n二",
                                        "ind.1.weight": 20, "ind.1.score": 18.5, "footer.preparer": "_x0041_"})
    rdr = Reader(data)
    rdr.workbook()
    raw = rdr.pkg.read("xl/worksheets/sheet1.xml")
    assert scannable(raw)
    a, b = _both(raw, rdr.shared_strings())
    _assert_same(a, b)
    assert a.protected and a.validations == b.validations
    assert len(a.merged) > 5


def test_both_paths_read_inline_strings_errors_booleans_and_shared_formulas() -> None:
    cells = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>内联 &amp; 文本</t></is></c>'
        '<c r="B1" t="inlineStr"><is><r><t>富</t></r><r><rPr><b/></rPr><t xml:space="preserve">文本 </t></r>'
        '<rPh sb="0" eb="1"><t>ふ</t></rPh></is></c>'
        '<c r="C1" t="e"><v>#DIV/0!</v></c><c r="D1" t="b"><v>1</v></c><c r="E1" s="3"/>'
        '<c r="F1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c></row>'
        '<row r="2"><c r="A2"><f t="shared" ref="A2:A4" si="0">B2*2</f><v>2</v></c></row>'
        '<row r="3"><c r="A3"><f t="shared" si="0"/><v>4</v></c></row>'
        '<row r="4"><c r="A4" s="2"><f t="shared" si="0"/><v>6</v></c><c r="B4"><v>&#51;</v></c></row>'
    )
    data = _sheet_xml(cells, '<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>'
                             '<sheetProtection sheet="1" objects="1"/>')
    assert scannable(data)
    a, b = _both(data)
    _assert_same(a, b)
    assert a.at("A1") == ("内联 & 文本", "inlineStr", None)
    assert a.at("B1") is not None and a.at("B1").value == "富文本 "
    assert a.at("C1") == ("#DIV/0!", "e", None)
    assert a.at("D1") == (True, "b", None)
    assert a.at("E1") is None and a.styles[(0, 4)] == 3
    assert a.at("F1") == ("ab", "str", '"a"&"b"')
    assert a.at("A3") == (4.0, "n", "B3*2")
    assert a.at("A4") == (6.0, "n", "B4*2")
    assert a.at("B4") == (3.0, "n", None)
    assert a.merged == [(0, 0, 0, 1)]
    assert a.protected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30),
    st.floats(min_value=-1e15, max_value=1e15), st.booleans()), min_size=1, max_size=25))
def test_scan_equals_parse_for_anything_xlsxwriter_writes(values: list[object]) -> None:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                   "strings_to_urls": False, "nan_inf_to_errors": True})
    ws = wb.add_worksheet()
    fmt = wb.add_format({"locked": False})
    for i, v in enumerate(values):
        if isinstance(v, str):
            ws.write_string(i // 5, i % 5, v, fmt if i % 2 else None)
        elif isinstance(v, bool):
            ws.write_boolean(i // 5, i % 5, v)
        else:
            ws.write_number(i // 5, i % 5, float(v))
    ws.write_formula(10, 0, '=A1&"x"', None, "cached <&>")
    wb.close()
    rdr = Reader(buf.getvalue())
    rdr.workbook()
    raw = rdr.pkg.read("xl/worksheets/sheet1.xml")
    assert scannable(raw)
    a, b = _both(raw, rdr.shared_strings())
    _assert_same(a, b)
    sst = rdr.pkg.read("xl/sharedStrings.xml") if rdr.pkg.has("xl/sharedStrings.xml") else None
    if sst is not None:
        assert scan_shared_strings(sst) == shared_strings_by_tree(sst)


def shared_strings_by_tree(data: bytes) -> list[str]:
    from xlsform.xlsx import _shared_strings
    return _shared_strings(parse_xml(data))


def _sst(items: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{NS}" count="9" '
            f'uniqueCount="9">{items}</sst>').encode()


def test_shared_strings_scan_reads_rich_text_phonetics_escapes_like_the_tree() -> None:
    data = _sst('<si><t>部门</t></si><si><t xml:space="preserve"> a &amp; b </t></si>'
                '<si><r><rPr><b/></rPr><t>粗</t></r><r><t xml:space="preserve"> 体</t></r></si>'
                '<si><t>汉字</t><rPh sb="0" eb="2"><t>かんじ</t></rPh><phoneticPr fontId="1"/></si>'
                '<si><t>x_x000D_y</t></si><si><t></t></si><si><t/></si><si><t>&#x41;&lt;\r\n</t></si>')
    scanned = scan_shared_strings(data)
    assert scanned == shared_strings_by_tree(data)
    assert scanned == ["部门", " a & b ", "粗 体", "汉字", "x\ry", "", "", "A<\n"]


@pytest.mark.parametrize("items", ['<si/><si><t>b</t></si>', '<x:si><x:t>a</x:t></x:si>'])
def test_shared_strings_the_scan_cannot_index_safely_take_the_tree(items: str) -> None:
    assert scan_shared_strings(_sst(items)) is None


@pytest.mark.parametrize("items", ["<si><t>部门</t></si><si><t></t></si><si><t>a b</t></si>",
                                   "<si><t>one</t></si>", "<si><t>a</t></si> <si><t>b</t></si>",
                                   '<si><t>a</t></si><si><t xml:space="preserve"> b</t></si>',
                                   "<si><t>a</t></si><!-- <si><t>b</t></si> --><si><t>c</t></si>",
                                   "<si><t>a</t><![CDATA[x]]></si>", "<si><t>a</t></si><si><t>b</t><t>c</t></si>"])
def test_the_common_table_split_at_its_items_reads_as_the_tree(items: str) -> None:
    # The plain table (<si><t>..</t></si> after <si><t>..</t></si>) is split in one call; anything else in it
    # (a comment, CDATA, attributes, runs) is read the general way or by the tree, with the same result.
    data = _sst(items)
    scanned = scan_shared_strings(data)
    if "<!" in items:      # a comment or CDATA: the tree's to read
        assert scanned is None
    else:
        assert scanned == shared_strings_by_tree(data)


_TABLE_BITS = ["部门", "a", " ", "&amp;", "\r", "_x000D_", "_x", "\ufffe", "\uffff", "\x01", "<", "\u3000", "é"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_TABLE_BITS), max_size=4).map("".join), min_size=1, max_size=5),
       st.sampled_from(["", "<!-- 注 -->", "<!-- \ufffe -->", "\n", "<!-- é -->"]),
       st.sampled_from([b"", b"\xff", b"\xe9", b"\xef\xbf\xbe"]), st.sampled_from(["head", "item", "tail"]))
def test_the_common_table_reads_as_the_general_scan(texts: list[str], head: str, raw: bytes, where: str) -> None:
    # _plain_table looks at the bytes of the markup and decodes the items alone (and what precedes them when
    # not ASCII): whatever it takes reads as the general scan reads it, and what it refuses too (an error the
    # same error), whatever the head or the items hold: "&", CR, "_x", U+FFFE, control bytes, invalid UTF-8.
    import xlsform.xlsx as xlsx
    body = "".join(f"<si><t>{t}</t></si>" for t in texts).encode()
    data = _sst("").replace(b"</sst>", b"")
    start = data.index(b"<sst")
    data = data[:start] + head.encode() + data[start:]
    if where == "head":
        data = data[:start] + raw + data[start:]
    elif where == "item":
        body = body.replace(b"</t>", raw + b"</t>", 1)
    data += body + (raw if where == "tail" else b"") + b"</sst>"

    def read(fast: bool) -> object:
        saved = xlsx._plain_table
        if not fast:
            xlsx._plain_table = lambda _data: None
        try:
            return scan_shared_strings(data)
        except XlsxError as e:
            return ("error", e.args)
        finally:
            xlsx._plain_table = saved

    assert read(True) == read(False)


def test_openpyxl_written_sheet_reads_the_same_by_both_paths(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "文本"
    ws["B2"] = 12.5
    ws["C3"] = "=SUM(B2,1)"
    ws.protection.sheet = True
    wb.save(tmp_path / "o.xlsx")
    rdr = Reader((tmp_path / "o.xlsx").read_bytes())
    raw_wb = rdr.workbook()
    sheet_xml = rdr.pkg.read(rdr._paths[raw_wb.sheets[0].name] or "")
    a, b = _both(sheet_xml, rdr.shared_strings())
    _assert_same(a, b)
    assert a.at("A1") is not None and a.at("A1").value == "文本" and a.at("A1").is_text
    assert a.at("C3") is not None and a.at("C3").formula == "SUM(B2,1)"


def test_prefixed_and_strict_xml_takes_the_parser_path() -> None:
    strict = (b'<x:worksheet xmlns:x="http://purl.oclc.org/ooxml/spreadsheetml/main"><x:sheetData>'
              b'<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>hi</x:t></x:is></x:c><x:c r="B1"><x:v>2</x:v>'
              b"</x:c></x:row></x:sheetData></x:worksheet>")
    assert not scannable(strict)
    sheet = parse_sheet("S", parse_xml(strict), list)
    assert sheet.at("A1") == ("hi", "inlineStr", None) and sheet.at("B1") == (2.0, "n", None)


def test_cells_without_references_are_placed_by_order() -> None:
    data = _sheet_xml('<row><c t="inlineStr"><is><t>a</t></is></c><c><v>1</v></c></row><row><c><v>2</v></c></row>')
    assert not scannable(data)
    sheet = parse_sheet("S", parse_xml(data), list)
    assert sheet.at("A1") == ("a", "inlineStr", None)
    assert sheet.at("B1") == (1.0, "n", None)
    assert sheet.at("A2") == (2.0, "n", None)


@pytest.mark.parametrize("bad", ["nan", "inf", "1_0", "abc"])
def test_numbers_python_accepts_but_ooxml_does_not_are_corrupt(bad: str) -> None:
    data = _sheet_xml(f'<row r="1"><c r="A1"><v>{bad}</v></c></row>')
    # twice: what the scanner remembers of a cell's bytes never includes what it refused
    for read in (lambda: scan_sheet("S", data, list), lambda: parse_sheet("S", parse_xml(data), list)) * 2:
        with pytest.raises(XlsxError) as e:
            read()
        assert e.value.kind == "corrupt"


def test_shared_string_index_out_of_range_is_corrupt() -> None:
    data = _sheet_xml('<row r="1"><c r="A1" t="s"><v>7</v></c><c r="B1" s="3"><v>1.5</v></c></row>')
    assert scan_sheet("S", data, lambda: list("abcdefgh")).at("A1") == ("h", "s", None)
    with pytest.raises(XlsxError, match="shared string"):     # the index is remembered, not its string
        scan_sheet("S", data, lambda: list("abc"))


def test_the_cells_kept_between_returns_are_bounded_and_read_as_each_return_says() -> None:
    """The scanner keeps the cells of short texts and of figures between returns (a template's labels and
    common entries): a round of distinct ones keeps at most _REMEMBERED of each, a unit's long text none, and
    a kept cell never stands for another return's text or figure."""
    from xlsform import xlsx

    long = "长" * (xlsx._SHORT_TEXT + 1)
    for n in range(0, 3 * xlsx._REMEMBERED, 500):
        texts = [f"t{n + i}" for i in range(500)] + [long + str(n)]
        cells = "".join(f'<c r="A{i + 1}" t="s"><v>{i}</v></c><c r="B{i + 1}"><v>{n + i}.5</v></c>'
                        for i in range(len(texts)))
        scanned, parsed = _both(_sheet_xml(f'<row r="1">{cells}</row>'), texts)
        _assert_same(scanned, parsed)
        assert scanned.at("A1") == (f"t{n}", "s", None) and scanned.at("B1") == (n + 0.5, "n", None)
        assert len(xlsx._TEXTS) <= xlsx._REMEMBERED + 1 and len(xlsx._NUMBERS) <= xlsx._REMEMBERED + 1
        assert not any(len(t) > xlsx._SHORT_TEXT for t in xlsx._TEXTS)
    # each cell's reference and attributes are kept too: a sheet of 12,000 distinct ones keeps at most 10,000
    cells = "".join(f'<c r="C{i}" s="{i % 7}"><v>{i % 3}</v></c>' for i in range(1, 12_001))
    assert len(scan_sheet("S", _sheet_xml(f'<row r="1">{cells}</row>'), list).cells) == 12_000
    assert 0 < len(xlsx._HEADS) <= 10_001


def test_a_position_is_the_tuple_the_scanner_keys_its_cell_by() -> None:
    from xlsform.layout import a1
    from xlsform.xlsx import position

    sheet = scan_sheet("S", _sheet_xml('<row r="5"><c r="C5"><v>1</v></c><c r="XFD5"><v>2</v></c></row>'), list)
    for row, col in ((4, 2), (4, 16383)):
        assert next(k for k in sheet.cells if k == (row, col)) is position(row, col)
    # what no sheet can name is itself, not an error: a defined name may point anywhere
    assert position(-1, 0) == (-1, 0) and position(0, 20_000) == (0, 20_000) and position(2_000_000, 0)
    # asked before a sheet holds the cell (the plan is made before most of its cells are seen), the tuple it
    # gives is still the one the scanner keys the cell by when a later return has it
    first = position(876_543, 701)
    later = scan_sheet("S", _sheet_xml(f'<row r="876544"><c r="{a1(876_543, 701)}"><v>1</v></c></row>'), list)
    assert first == (876_543, 701) and next(iter(later.cells)) is first
    # the last column three letters name, and the first four do not
    assert position(0, 18_277) == parse_ref("ZZZ1") and position(0, 18_278) == (0, 18_278)


# ------------------------------------------------------------------------------------------ safety

def test_doctype_refused_in_utf8_and_utf16() -> None:
    dtd = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
    for data in (dtd.encode(), dtd.replace("1.0\"", "1.0\" encoding=\"UTF-16\"").encode("utf-16")):
        with pytest.raises(XlsxError) as e:
            parse_xml(data)
        assert e.value.kind == "unsafe_xml"


def test_external_entity_refused() -> None:
    xxe = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    with pytest.raises(XlsxError) as e:
        parse_xml(xxe)
    assert e.value.kind == "unsafe_xml"


def test_malformed_xml_is_corrupt() -> None:
    with pytest.raises(XlsxError) as e:
        parse_xml(b"<a><b></a>")
    assert e.value.kind == "corrupt"


def _central_entry(data: bytes, name: str) -> int:
    """Offset of a member's central-directory record (its name follows the 46-byte fixed part)."""
    pos = data.find(name.encode(), data.find(b"PK\x01\x02")) - 46
    assert data[pos:pos + 4] == b"PK\x01\x02"
    return pos


def test_member_larger_than_declared_is_refused() -> None:
    data = workbook_bytes("wangcheng", {"code": "A"})
    size = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/styles.xml").file_size
    raw = bytearray(data)
    pos = _central_entry(data, "xl/styles.xml")
    raw[pos + 24:pos + 28] = (size // 2).to_bytes(4, "little")   # a forged, smaller uncompressed size
    with pytest.raises(XlsxError) as e:
        Package(bytes(raw)).read("xl/styles.xml")
    assert e.value.kind == "bomb"


def test_crc_mismatch_is_corrupt() -> None:
    data = workbook_bytes("wangcheng", {"code": "A"})
    crc = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/styles.xml").CRC
    raw = bytearray(data)
    pos = _central_entry(data, "xl/styles.xml")
    raw[pos + 16:pos + 20] = ((crc + 1) & 0xFFFFFFFF).to_bytes(4, "little")
    with pytest.raises(XlsxError) as e:
        Package(bytes(raw)).read("xl/styles.xml")
    assert e.value.kind == "corrupt"


def test_a_common_part_is_reused_only_for_the_same_stored_bytes_and_crc() -> None:
    # The parts every return shares are inflated once per content; a return whose styles.xml carries the
    # same stored bytes under another CRC (a forged or damaged header) must still be refused.
    data = workbook_bytes("wangcheng", {"code": "A"})
    first = Package(data).read("xl/styles.xml", common=True)
    assert Package(data).read("xl/styles.xml", common=True) is first      # inflated once
    crc = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/styles.xml").CRC
    raw = bytearray(data)
    pos = _central_entry(data, "xl/styles.xml")
    raw[pos + 16:pos + 20] = ((crc + 1) & 0xFFFFFFFF).to_bytes(4, "little")
    with pytest.raises(XlsxError) as e:
        Package(bytes(raw)).read("xl/styles.xml", common=True)
    assert e.value.kind == "corrupt"


def test_a_common_part_of_a_name_read_before_is_reused_only_for_the_same_stored_bytes() -> None:
    # The part of each name read last is compared byte for byte: another content under the same name, size
    # and CRC (forged) is inflated and checked, never given the bytes read before.
    def package(content: bytes, crc: int | None = None) -> Package:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
            z.writestr("xl/x.xml", content)
        data = bytearray(buf.getvalue())
        if crc is not None:
            pos = _central_entry(bytes(data), "xl/x.xml")
            data[pos + 16:pos + 20] = crc.to_bytes(4, "little")
        return Package(bytes(data))

    first = package(b"<a>1</a>").read("xl/x.xml", common=True)
    assert package(b"<a>1</a>").read("xl/x.xml", common=True) is first
    assert package(b"<a>2</a>").read("xl/x.xml", common=True) == b"<a>2</a>"
    package(b"<a>1</a>").read("xl/x.xml", common=True)
    with pytest.raises(XlsxError) as e:
        package(b"<a>3</a>", zipfile.crc32(b"<a>1</a>")).read("xl/x.xml", common=True)
    assert e.value.kind == "corrupt"


def test_a_tail_like_the_last_one_in_length_is_read_for_what_it_holds() -> None:
    # The tail met last is recognised in place; another of the same length is read for itself
    body = '<row r="1"><c r="A1"><v>1</v></c></row>'
    for _ in range(2):
        for flag in ("1", "0", "1"):
            sheet = scan_sheet("S", _sheet_xml(body, f'<sheetProtection sheet="{flag}"/>'), list)
            assert sheet.protection == {"sheet": flag}


@pytest.mark.parametrize("prefix", ["", '<?xml version="1.0" encoding="UTF-8"?>'])
@pytest.mark.parametrize("odd", ['<!DOCTYPE x [<!ENTITY a "b">]>', "<!-- note -->", "<?pi x?>"])
def test_parts_with_a_dtd_comment_or_pi_take_the_parser_path(prefix: str, odd: str) -> None:
    sheet = (f'{prefix}{odd}<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
             "</sheetData></worksheet>").encode()
    assert not scannable(sheet)
    sst = f'{prefix}{odd}<sst xmlns="{NS}"><si><t>a</t></si></sst>'.encode()
    assert scan_shared_strings(sst) is None


def test_a_sheet_tail_read_once_still_leaves_the_rest_of_each_sheet_checked() -> None:
    # What follows <sheetData> is checked and read once per content (every return of a template shares it);
    # each sheet's own part is still checked whole, and a tail that fails a check sends the sheet the old way.
    tail = ('<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells><sheetProtection sheet="1"/>'
            '<dataValidations count="1"><dataValidation type="list" sqref="A1"><formula1>"甲,乙"</formula1>'
            "</dataValidation></dataValidations>")
    plain = _sheet_xml('<row r="1"><c r="A1" s="2" t="s"><v>0</v></c></row>', tail)
    for _ in range(2):
        assert scannable(plain)
        fast, tree = _both(plain, ["x"])
        _assert_same(fast, tree)
        assert fast.merged == [(0, 0, 0, 1)] and fast.protection == {"sheet": "1"} and fast.validations == 1
    assert not scannable(_sheet_xml('<row r="1"><!-- x --><c r="A1"><v>1</v></c></row>', tail))
    for odd in ("<?pi x?>", "<c><v>1</v></c>", '<c s="1" r="A2"/>', "<c\tr='A2'/>"):   # without "!", with "?"
        assert not scannable(_sheet_xml(f'<row r="1"><c r="A1"><v>1</v></c>{odd}</row>', tail))
    assert not scannable(_sheet_xml('<row r="1"><c r="A1"><v>1\x01</v></c></row>', tail))
    # the checks that end at the tail's first byte see it as part of the sheet
    for broken, why in ((b'<row r="1" s="12', "style index"), (b'<row r="1"><c r="A1"><v>\xe4\xb8', "continuation")):
        data = _sheet_xml("", tail).replace(b"<sheetData>", b"<sheetData>" + broken)
        with pytest.raises(XlsxError, match=why):
            scan_sheet("S", data, list)
    # a tail failing a check: the sheet is checked and read whole, as before
    assert not scannable(_sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>', "<!-- x -->" + tail))
    with pytest.raises(XlsxError, match="style index"):
        scan_sheet("S", _sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>', tail + '<x s="y"/>'), list)


def _by_rows(data: bytes, strings: list[str]) -> tuple[Sheet | None, object]:
    """A worksheet as Reader.sheet reads it: its rows seen before (xlsx._KNOWN_ROWS) neither checked nor
    scanned again. (None, the error) when the sheet is refused, (None, None) when it takes the parser."""
    from xlsform import xlsx

    tail = xlsx._sheet_tail(data)
    rows = xlsx._rows(data, tail)
    if not xlsx._scannable(data, tail, rows):
        return None, None
    try:
        return xlsx._scan_sheet("S", data, lambda: strings, tail, rows), None
    except XlsxError as e:
        return None, str(e)


def _whole(data: bytes, strings: list[str]) -> tuple[Sheet | None, object]:
    """The same sheet checked and scanned whole (no rows remembered)."""
    if not scannable(data):
        return None, None
    try:
        return scan_sheet("S", data, lambda: strings), None
    except XlsxError as e:
        return None, str(e)


def _same_read(a: tuple[Sheet | None, object], b: tuple[Sheet | None, object]) -> None:
    assert a[1] == b[1]
    assert (a[0] is None) == (b[0] is None)
    if a[0] is not None and b[0] is not None:
        _assert_same(a[0], b[0])
        assert list(a[0].cells.items()) == list(b[0].cells.items())    # in the same order too


_ROW_CELLS = ['<c r="{c}{r}" s="3"/>', '<c r="{c}{r}" s="1" t="s"><v>{i}</v></c>', '<c r="{c}{r}"><v>{i}.5</v></c>',
              '<c r="{c}{r}" t="s"><v>{i}</v></c>', '<c r="{c}{r}" s="2"><f>A1+{i}</f><v>3</v></c>',
              '<c r="{c}{r}" t="inlineStr"><is><t>行{i}</t></is></c>', '<c r="{c}{r}" t="b"><v>1</v></c>',
              '<c r="{c}{r}" t="str"><f>"优"</f><v>优</v></c>', '<c r="{c}{r}" s="1" t="s"><v>{i}</v></c>']


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.tuples(st.integers(0, len(_ROW_CELLS) - 1), st.integers(0, 5)), max_size=6),
                min_size=1, max_size=8), st.integers(0, 2))
def test_rows_seen_before_are_read_as_the_whole_sheet_is(rows: list[list[tuple[int, int]]], short: int) -> None:
    # A template's rows repeat from return to return: one seen before is neither checked nor scanned again, and
    # the sheet reads exactly as when checked and scanned whole (its cells in the same order), whatever the
    # strings of this return's own table (`short`: a table too short for some remembered index)
    body = "".join(f'<row r="{r + 1}">' + "".join(_ROW_CELLS[k].format(c="ABCDEF"[n], r=r + 1, i=i)
                                                  for n, (k, i) in enumerate(cells)) + "</row>"
                   for r, cells in enumerate(rows))
    data = _sheet_xml(body, '<sheetProtection sheet="1"/>')
    strings = [f"s{i}" for i in range(6 - 2 * short)]
    for _ in range(3):      # met once, kept when met again, then read from what was kept
        _same_read(_by_rows(data, strings), _whole(data, strings))


def test_a_row_seen_before_is_checked_again_in_no_sheet_but_what_is_new_is() -> None:
    from xlsform import xlsx

    tail = '<sheetProtection sheet="1"/>'
    label = '<row r="2"><c r="A2" s="1" t="s"><v>0</v></c><c r="B2" s="3"/><c r="C2"><v>7</v></c></row>'
    data = _sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>' + label + '<row r="3"><c r="A3"><v>2</v></c></row>',
                      tail)
    _by_rows(data, ["x"])
    assert label.removesuffix("</row>").encode() not in xlsx._KNOWN_ROWS    # kept once met twice
    _by_rows(data, ["x"])
    assert label.removesuffix("</row>").encode() in xlsx._KNOWN_ROWS
    rows = xlsx._rows(data, xlsx._sheet_tail(data))
    assert rows is not None and rows.known[1] is not None and label.encode() not in rows.rest
    # what a new row holds beside a known one is found as in a sheet read whole
    for odd in ("<!-- x -->", "<?pi x?>", '<c s="1" r="A4"/>', '<c r="A4"><v>1\x01</v></c>', '<c r="A4" s="x"/>',
                '<c r="A4" t="inlineStr"><is><t>\udcff</t></is></c>', '<c r="A4" t="s"><v>9</v></c>',
                '<c r="A4"><v>nan</v></c>'):
        odd_bytes = odd.encode("utf-8", "surrogateescape")
        sheet = data.replace(b"</sheetData>", b'<row r="4">' + odd_bytes + b"</row></sheetData>")
        read, whole = _by_rows(sheet, ["x"]), _whole(sheet, ["x"])
        _same_read(read, whole)
        assert read[0] is None, odd
    # a known row whose index this return's table does not hold is refused as the whole scan refuses it
    _same_read(_by_rows(data, []), _whole(data, []))
    assert _by_rows(data, [])[1] is not None


_HEADS = ["", "<!-- x -->", "<?pi x?>", '<c s="1" r="A1"/>', "\x01", "\udcff", "\ufffe", '<c r="A1" t="s"><v>9</v></c>',
          '<sheetPr><c r="B1" t="s"><v>0</v></c></sheetPr>', '<dimension ref="A1:C3"/>']


@pytest.mark.parametrize("odd", _HEADS)
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_sheet_head_seen_before_is_read_as_the_whole_sheet_is(odd: str, bom: bytes) -> None:
    # The first piece (the declaration, what precedes <sheetData>, the first row) is kept as a row is, the
    # second time it is met: a sheet whose head was met before reads as when checked and scanned whole, and one
    # whose head differs in anything (markup the checks refuse, a control character, a noncharacter, bytes that
    # are not UTF-8, a cell in an odd place) is checked again; what follows a known head is checked from its
    # first byte (no declaration is skipped there).
    rows = ('<row r="1"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1"><v>2.5</v></c></row>'
            '<row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="A3" t="s"><v>1</v></c></row>')
    plain = bom + _sheet_xml(rows, '<sheetProtection sheet="1"/>')
    odd_bytes = odd.encode("utf-8", "surrogateescape")
    for strings in (["a", "b"], ["c", "d"], ["e"], []):
        for data in (plain, plain.replace(b"<sheetData>", odd_bytes + b"<sheetData>"),
                     plain.replace(b'<row r="2">', b'<row r="2">' + odd_bytes.replace(b"A1", b"A2")),
                     plain.replace(b"?>", b"?>" + odd_bytes, 1)):
            for _ in range(3):
                _same_read(_by_rows(data, strings), _whole(data, strings))


# values a unit types into a row of its form, plain and not: a shape is read from plain ones only
_VALUES = ["0", "7", "12", "3.25", "1e-05", "-4", "+1", "007", "1E3", "", " 1", "1 ", "nan", "1e999", "1_0", "+-",
           "1&amp;2", "1\r", "x", "\x01", "\u4e00", "9" * 40]


# beside _ROW_CELLS: formulas whose cached value is each return's own (a figure, a shared formula, a text)
_SHAPE_CELLS = [*_ROW_CELLS, '<c r="{c}{r}" s="2"><f>A1+1</f><v>{i}</v></c>',
                '<c r="{c}{r}"><f>SUM(A1:A3)</f><v>{i}</v></c>',
                '<c r="{c}{r}"><f t="shared" ref="{c}{r}:{c}9" si="0">B1*2</f><v>{i}</v></c>',
                '<c r="{c}{r}" t="str"><f>"a"&amp;1</f><v>{i}</v></c>', '<c r="{c}{r}"><f>1</f><f>2</f><v>{i}</v></c>']


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from([0, 1, 2, 3, 8, 0, 1, 2, 3, 8, 9, 10, 9, 10, 11, 12, 13, 4, 5, 6, 7]),
                          st.integers(0, 5)), min_size=1, max_size=6),
       st.lists(st.lists(st.sampled_from(_VALUES[:8] * 3 + _VALUES), min_size=6, max_size=6), min_size=1, max_size=4),
       st.integers(0, 2))
def test_rows_of_a_shape_seen_before_are_read_as_the_whole_sheet_is(cells: list[tuple[int, int]],
                                                                    returns: list[list[str]], short: int) -> None:
    # The rows a unit fills differ from return to return in their values only (its figures, its texts'
    # indexes): a row whose shape was met before is read from its values, and each return's sheet reads
    # exactly as when checked and scanned whole, whatever the values (odd ones included) and the table
    from xlsform import xlsx

    xlsx._SHAPES.clear()
    strings = [f"s{i}" for i in range(6 - 2 * short)]
    for values in [["1"] * 6, *returns]:
        row = "".join(_SHAPE_CELLS[k].format(c="ABCDEF"[n], r=2, i="{" + str(n) + "}")
                      for n, (k, _) in enumerate(cells))
        filled = row.replace("<v>{", "<v>{").format(*values)
        data = _sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>' + f'<row r="2">{filled}</row>'
                          + '<row r="3"><c r="A3"><v>2</v></c></row>', '<sheetProtection sheet="1"/>')
        for _ in range(3):      # a row of a known shape met again is kept as a known row, then read from it
            _same_read(_by_rows(data, strings), _whole(data, strings))


def _of_known_shape(rows: object, n: int) -> bool:
    shape = rows.shapes[n]  # type: ignore[attr-defined]
    return shape is not None and shape[0] is not None


def test_a_row_of_a_known_shape_is_neither_checked_nor_scanned_again() -> None:
    from xlsform import xlsx

    def sheet(score: str, index: str) -> bytes:
        row = (f'<row r="2"><c r="A2" s="3"/><c r="B2" s="1" t="s"><v>{index}</v></c><c r="C2" s="2"><v>{score}'
               '</v></c></row>')
        return _sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>' + row + '<row r="3"/>', "<x/>")

    xlsx._SHAPES.clear()
    _by_rows(sheet("9.5", "0"), ["a", "b"])
    rows = xlsx._rows(sheet("8.25", "1"), xlsx._sheet_tail(sheet("8.25", "1")))
    assert rows is not None and _of_known_shape(rows, 1) and b'<row r="2"' not in rows.rest
    read = _by_rows(sheet("8.25", "1"), ["a", "b"])
    assert read[0] is not None and read[0].cells[(1, 1)].value == "b" and read[0].cells[(1, 2)].value == 8.25
    # a value that is not a plain figure or index: the row is checked and scanned as a new one
    for odd in ("1\x01", "nan", "1&amp;1", "", "\u4e00"):
        rows = xlsx._rows(sheet(odd, "1"), xlsx._sheet_tail(sheet(odd, "1")))
        assert rows is None or not _of_known_shape(rows, 1), odd
        _same_read(_by_rows(sheet(odd, "1"), ["a", "b"]), _whole(sheet(odd, "1"), ["a", "b"]))
    # read from its values as the scan reads them: refused where the scan refuses them
    for bad in ("1e999", "+-", "2"):
        _same_read(_by_rows(sheet(bad, bad), ["a", "b"]), _whole(sheet(bad, bad), ["a", "b"]))
        assert _by_rows(sheet(bad, bad), ["a", "b"])[1] is not None


def test_a_row_of_formulas_is_read_by_its_shape_with_each_returns_cached_figures() -> None:
    from xlsform import xlsx

    def sheet(a: str, rate: str) -> bytes:
        row = (f'<row r="2"><c r="A2" s="1"><v>{a}</v></c><c r="B2" s="2"><f>IF(A2&lt;=0,"",A2/3)</f>'
               f'<v>{rate}</v></c><c r="C2" s="1" t="s"><v>0</v></c></row>')
        return _sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>' + row + '<row r="3"/>', "<x/>")

    xlsx._SHAPES.clear()
    _same_read(_by_rows(sheet("3", "1"), ["x"]), _whole(sheet("3", "1"), ["x"]))
    data = sheet("4.5", "1.5")
    rows = xlsx._rows(data, xlsx._sheet_tail(data))
    assert rows is not None and _of_known_shape(rows, 1)
    read = _by_rows(data, ["x"])
    _same_read(read, _whole(data, ["x"]))
    assert read[0] is not None and read[0].formulas == [(1, 1)]
    assert read[0].cells[(1, 1)] == xlsx.Cell(1.5, "n", 'IF(A2<=0,"",A2/3)')
    # a cached value the scan refuses is refused alike
    _same_read(_by_rows(sheet("4.5", "1e999"), ["x"]), _whole(sheet("4.5", "1e999"), ["x"]))


def test_the_shapes_kept_are_bounded() -> None:
    from xlsform import xlsx

    for n in range(0, 1200, 100):
        body = "".join(f'<row r="{i}"><c r="A{n + i}"><v>{i}</v></c></row>' for i in range(1, 101))
        _by_rows(_sheet_xml(body, "<x/>"), [])
        assert 0 < len(xlsx._SHAPES) <= xlsx._SHAPES_LIMIT


def test_an_index_int_reads_but_not_digits_is_read_alike_each_time() -> None:
    # "+1" is not an index OOXML writes, but int() reads it, as the parser's path does: a row holding one
    # was kept with index -1 and read the table's last string once met twice (fails before)
    data = _sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>+1</v></c>'
                      '<c r="B2"><v>5</v></c></row><row r="3"/>', "<x/>")
    for _ in range(3):
        read = _by_rows(data, ["a", "b", "c"])
        _same_read(read, _whole(data, ["a", "b", "c"]))
        assert read[0] is not None and read[0].cells[(1, 0)].value == "b"


def test_a_cell_running_on_past_its_row_sends_the_sheet_the_old_way() -> None:
    # The whole sheet's scan reads a cell without its </c> on into the next row (the parser refuses such a
    # sheet); cut after each row, it would not: such a sheet is scanned whole, never row by row.
    from xlsform import xlsx

    known = '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    _by_rows(_sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>' + known + '<row r="3"/>', "<x/>"), ["x"])
    data = _sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></row>' + known + '<row r="3"/>', "<x/>")
    assert xlsx._rows(data, xlsx._sheet_tail(data)) is None
    _same_read(_by_rows(data, ["x"]), _whole(data, ["x"]))
    # a ">" in an attribute ends the tag for the scan: that cell opens, and runs on too
    opened = _sheet_xml(f'<row r="1"><c r="A1"><v>1</v></c><c r="B1" s=">"/></row>{known}<row r="3"/>', "<x/>")
    assert xlsx._rows(opened, xlsx._sheet_tail(opened)) is None
    _same_read(_by_rows(opened, ["x"]), _whole(opened, ["x"]))
    ok = _sheet_xml(f'<row r="1"><c r="A1"><v>1</v></c><c r="B1" s="2"/></row>{known}<row r="3"/>', "<x/>")
    assert xlsx._rows(ok, xlsx._sheet_tail(ok)) is not None


def test_the_rows_kept_are_bounded_and_plain() -> None:
    from xlsform import xlsx

    for n in range(0, 1500, 100):
        body = "".join(f'<row r="{i}"><c r="A{i}"><v>{n + i}</v></c></row>' for i in range(1, 101))
        for _ in range(2):
            _by_rows(_sheet_xml(body, "<x/>"), [])
        assert 0 < len(xlsx._KNOWN_ROWS) <= 512
    for n in range(0, 20_000, 1000):     # rows met once: none kept, their hashes bounded
        _by_rows(_sheet_xml("".join(f'<row r="{i}"><c r="A{i}"><v>{n + i}</v></c></row>' for i in range(1, 1001)),
                            "<x/>"), [])
        assert len(xlsx._SEEN_ROWS) <= 8192
    long = '<row r="2">' + '<c r="A2" s="3"/>' * (xlsx._ROW_LIMIT // 16) + "</row>"
    text = '<row r="3"><c r="A3" t="inlineStr"><is><t>甲</t></is></c></row>'
    formula = '<row r="4"><c r="A4"><f>1+1</f><v>2</v></c></row>'
    xlsx._KNOWN_ROWS.clear()
    for _ in range(3):
        _by_rows(_sheet_xml('<row r="1"/>' + long + text + formula + '<row r="5"/>', "<x/>"), [])
    assert not any(key.startswith((b'<row r="2"', b'<row r="3"', b'<row r="4"')) for key in xlsx._KNOWN_ROWS)


def test_meta_rows_read_once_per_content_take_each_files_own_strings(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every return of a template carries the same `_xf_meta` bytes: which cell is which shared string is worked
    # out once, and each file's own strings fill it in (here the unit code is string 0 in both files).
    a, b = (workbook_bytes("wangcheng", {"code": code}) for code in ("A", "B"))
    first = Reader(a)
    first.workbook()
    assert first.text_rows("_xf_meta") == dict(iter_text_rows(first.sheet("_xf_meta")))
    second = Reader(b)
    second.workbook()
    assert second.pkg.read(second._paths["_xf_meta"] or "") == first.pkg.read(first._paths["_xf_meta"] or "")
    monkeypatch.setattr(Reader, "sheet", lambda *_: pytest.fail("read again"))
    assert second.text_rows("_xf_meta") == {**first.text_rows("_xf_meta"), "code": "B"}
    monkeypatch.undo()
    # a table too short for the remembered indexes: read the general way, and refused as it always was
    short = rezip(b, lambda name, body: body.replace(b"<si><t>generator</t></si>", b"")
                  if name == "xl/sharedStrings.xml" else body)
    third = Reader(short)
    third.workbook()
    with pytest.raises(XlsxError, match="shared string"):
        third.text_rows("_xf_meta")


def test_a_formula_parsed_once_per_text_keeps_each_cells_value() -> None:
    # A template's formulas are in every return: parsed once per text, their cached values are each cell's own.
    cells = ('<row r="1"><c r="A1"><f>IF(B1&gt;0,B1,"")</f><v>{}</v></c>'
             '<c r="B1"><f t="shared" ref="B1:B2" si="0">C1*2</f><v>4</v></c></row>'
             '<row r="2"><c r="B2"><f t="shared" si="0"/><v>6</v></c><c r="C2" t="str"><f>"a&lt;"</f><v>a&lt;</v></c>'
             "</row>")
    for value in ("1.5", "2.5", "1.5"):
        fast, tree = _both(_sheet_xml(cells.format(value)))
        _assert_same(fast, tree)
        assert fast.at("A1") == (float(value), "n", 'IF(B1>0,B1,"")')
        assert fast.at("B2") == (6.0, "n", "C2*2") and fast.at("C2") == ("a<", "str", '"a<"')
    # a formula that does not close before the value is read from the whole content, as it always was
    for inner in ("<f x</f><v>1</v>", "<fx></f><v>1</v><f>A1</f>", '<f t="shared" si="0"/></f><v>1</v>'):
        assert _scan_formula(inner) == _formula_in(inner)


def test_too_many_members_is_a_bomb() -> None:
    extra = {f"xl/media/x{i}.bin": b"" for i in range(2001)}
    with pytest.raises(XlsxError) as e:
        Package(rezip(workbook_bytes("wangcheng", {"code": "A"}), lambda n, b: b, extra))
    assert e.value.kind == "bomb"


def test_high_ratio_member_is_a_bomb_even_below_the_total_cap() -> None:
    with pytest.raises(XlsxError) as e:
        Package(rezip(workbook_bytes("wangcheng", {"code": "A"}), lambda n, b: b,
                      {"xl/media/big.bin": b"\x00" * (8 * 1024 * 1024)}))
    assert e.value.kind == "bomb" and "ratio" in e.value.detail


# ------------------------------------------------------------------------------------ workbook parts

def test_workbook_structure_protection_names_and_external_links() -> None:
    data = workbook_bytes("wangcheng", {"code": "A"})
    link = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships/externalLinkPath" Target="file:///C:/secret/budget.xlsx" '
            b'TargetMode="External"/></Relationships>')

    def edit(name: str, body: bytes) -> bytes:
        if name == "xl/workbook.xml":
            body = body.replace(b"</sheets>", b'</sheets><externalReferences><externalReference r:id="rId99"/>'
                                              b"</externalReferences>")
            return body.replace(b"<bookViews>", b'<workbookProtection lockStructure="1"/><bookViews>')
        if name == "xl/_rels/workbook.xml.rels":
            return body.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.'
                                b"openxmlformats.org/officeDocument/2006/relationships/externalLink\" "
                                b'Target="externalLinks/externalLink1.xml"/></Relationships>')
        return body

    data = rezip(data, edit, {"xl/externalLinks/externalLink1.xml": b"<externalLink/>",
                              "xl/externalLinks/_rels/externalLink1.xml.rels": link})
    raw = Reader(data).workbook()
    assert [(s.name, s.state) for s in raw.sheets] == [("部门整体自评表", "visible"), ("_xf_meta", "veryHidden")]
    assert raw.protection == {"lockStructure": "1"}
    assert raw.external_links == ["file:///C:/secret/budget.xlsx"]
    assert raw.names["xf_code"] == "'部门整体自评表'!$G$3"
    assert raw.properties == {}  # read only when _xf_meta is missing
    assert Reader(data).properties()["xf_spec_id"] == "wangcheng"


def test_unlocked_styles_tell_locked_cells(tmp_path: Path) -> None:
    from tests.conftest import load_seed
    from tests.helpers_forms import write_return
    from xlsform.reader import read_file

    result = read_file(write_return(tmp_path / "r.xlsx", load_seed("000")))
    wb, layout = result.workbook, result.layout
    assert wb is not None and layout is not None
    spent, budget = layout.place("fund.total.spent"), layout.place("fund.total.budget")
    assert not wb.locked(spent.row, spent.col)
    assert wb.locked(budget.row, budget.col)


def test_duplicate_member_names_are_corrupt() -> None:
    data = workbook_bytes("wangcheng", {"code": "A"})
    buf = io.BytesIO(data)
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(buf, "a") as zf:
        zf.writestr("xl/sharedStrings.xml", b"<sst/>")
    with pytest.raises(XlsxError) as e:
        Package(buf.getvalue())
    assert e.value.kind == "corrupt"


def test_sheet_scoped_names_count_when_no_workbook_name_exists() -> None:
    def edit(name: str, body: bytes) -> bytes:
        if name != "xl/workbook.xml":
            return body
        body = body.replace(b"<definedNames>", b'<definedNames><definedName name="_xlnm.Print_Area" '
                            b'localSheetId="0">Sheet1!$A$1:$K$43</definedName>')
        return body.replace(b'<definedName name="xf_code">', b'<definedName name="xf_code" localSheetId="0">')

    data = rezip(workbook_bytes("wangcheng", {"code": "A"}), edit)
    names = Reader(data).workbook().names
    assert names["xf_code"] == "'部门整体自评表'!$G$3"
    assert "_xlnm.Print_Area" not in names


@pytest.mark.parametrize(("fmt_id", "code", "kind"), [
    ("9", "", "percent"), ("10", "", "percent"), ("14", "", "date"), ("31", "", "date"), ("0", "", None),
    ("2", "", None), ("164", "0.0%", "percent"), ("165", 'yyyy"年"m"月"d"日"', "date"), ("166", "@", None),
    ("167", '0.00"分"', None), ("168", '"（"0" 年）"', None), ("169", "[Red]0.00", None), ("170", "h:mm", "date"),
])
def test_number_kinds_of_formats(fmt_id: str, code: str, kind: str | None) -> None:
    from xlsform.xlsx import number_kind

    assert number_kind(fmt_id, {fmt_id: code} if code else {}) == kind


# ------------------------------------------------------------------------------------- zip directory

def _zip(members: list[tuple[str, bytes]], comment: bytes = b"", method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, body in members:
            z.writestr(name, body)
        z.comment = comment
    return buf.getvalue()


def _by_zipfile(data: bytes) -> list[tuple[object, ...]]:
    return [(i.filename, i.flag_bits, i.compress_type, i.CRC, i.compress_size, i.file_size, i.header_offset)
            for i in zipfile.ZipFile(io.BytesIO(data)).infolist()]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                                  min_size=1, max_size=12),
                          st.binary(max_size=300)), min_size=1, max_size=8, unique_by=lambda m: m[0]),
       st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED]))
def test_central_directory_reads_what_zipfile_reads(members: list[tuple[str, bytes]], method: int) -> None:
    data = _zip(members, method=method)
    assert central_directory(data) == _by_zipfile(data)


def test_central_directory_of_a_real_return_and_zips_it_leaves_to_zipfile() -> None:
    data = workbook_bytes("wangcheng", {"code": "A"})
    assert central_directory(data) == _by_zipfile(data)
    assert central_directory(_zip([("a", b"x")], comment=b"note")) is None    # a zip comment
    assert central_directory(b"junk" + data) is None                          # data before the zip
    assert central_directory(data[:-1]) is None                               # cut short
    commented = data[:-2] + (4).to_bytes(2, "little") + b"note"
    assert central_directory(commented) is None
    assert Package(commented).has("xl/workbook.xml")                          # zipfile reads those
