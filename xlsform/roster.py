"""The roster (one row per unit) and the indicators file (one row per unit per indicator) -> units to prefill.

Both are CSV (UTF-8 with or without BOM, or GBK as Excel on a Chinese Windows saves it) or XLSX. Columns are
named by field key (`fund.total.budget`), its underscore form (`fund_total_budget`), its defined name
(`xf_fund_total_budget`) or its printed label (`单位编码`). Every problem in either file is collected, then
one `RosterError` lists them all by file, row and column, so the clerk fixes the roster in one pass and
nothing is written from a bad one.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from xlsform.errors import XlsformError
from xlsform.expressions import NONE as NOT_A_VALUE
from xlsform.expressions import parse as parse_expression
from xlsform.normalize import normalize_label, normalize_nature
from xlsform.scoring import round2
from xlsform.spec import EXCEL_TEXT_LIMIT, NATURES, Field, Spec

REQUIRED = ("code", "name")
INDICATOR_CODE = "code"
# Plain decimal numbers, optionally with thousands separators; anything else ("4753.66万元", "-3") is refused.
_NUMBER = re.compile(r"^(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$")
MAX_PROBLEMS = 200


class RosterError(XlsformError):
    """A roster or indicators file that cannot be used; `problems` lists every problem found."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        shown = self.problems[:MAX_PROBLEMS]
        more = len(self.problems) - len(shown)
        tail = f"\n……另有 {more} 处问题未列出" if more > 0 else ""
        super().__init__(f"名册有 {len(self.problems)} 处问题，未生成任何文件：\n" + "\n".join(shown) + tail)


@dataclass
class Unit:
    code: str
    name: str
    values: dict[str, Any] = field(default_factory=dict)   # prefilled field values by field key
    notes: list[str] = field(default_factory=list)         # what was read as something else (info, XF230/XF210)
    warnings: list[str] = field(default_factory=list)      # what every return of this unit will be told (XF406)
    open: set[str] = field(default_factory=set)   # keys of `values` written into the form but left to the unit:
                                                  # not locked, not recorded as sent (last year's targets)

    @property
    def sent(self) -> dict[str, Any]:
        """The values sent locked, as the manifest records them."""
        return {k: v for k, v in self.values.items() if k not in self.open} if self.open else dict(self.values)


@dataclass
class Table:
    """A file's non-blank rows, each with its row number in the file; the header is `lines[at]` (the first
    row unless a title stands above it: `with_header`), the data rows are those below it."""

    name: str
    lines: list[tuple[int, list[Any]]]
    at: int = 0

    @property
    def header(self) -> list[str]:
        return [_cell_text(h) for h in self.lines[self.at][1]] if self.lines else []

    @property
    def header_row(self) -> int:
        return self.lines[self.at][0] if self.lines else 1

    @property
    def rows(self) -> list[tuple[int, list[Any]]]:
        return self.lines[self.at + 1:]

    def column(self, i: int) -> str:
        """The header of column i as the file spells it (what a clerk looks for), or "第 N 列"."""
        header = self.header
        return header[i] if i < len(header) and header[i] else f"第 {i + 1} 列"


def _lines(name: str, rows: Sequence[Sequence[Any]]) -> Table:
    """Every row that holds anything, numbered as in the file (first row = 1)."""
    return Table(name, [(i, list(r)) for i, r in enumerate(rows, start=1) if any(_cell_text(c) for c in r)])


# ------------------------------------------------------------------------------------------- reading

def read_table(path: str | Path) -> Table:
    path = Path(path)
    if not path.is_file():
        raise RosterError([f"{path}：文件不存在"])
    if _is_old_excel(path):
        return _read_xls(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    return _read_csv(path)


def _read_xls(path: Path) -> Table:
    """An old .xls (or WPS .et) roster through the reader's .xls layer (xls.py): the first visible sheet, each
    cell as its value, a code formatted with leading zeros as the text it shows (_as_shown)."""
    from xlsform.xlsx import XlsxError, open_reader

    try:
        rdr = open_reader(path.read_bytes())
        book = rdr.workbook()
        first = next((s.name for s in book.sheets if s.state == "visible"), None)
        sheet = rdr.sheet(first) if first is not None else None
        formats = rdr.number_formats()
    except (XlsxError, OSError) as e:
        raise RosterError([f"{path.name}：无法读取该旧版 Excel（.xls）文件（{e}）；"
                           "请在 Excel 或 WPS 中“另存为” .xlsx 工作簿或“CSV UTF-8”后再试"]) from None
    if sheet is None or not sheet.cells:
        raise RosterError([f"{path.name}：工作表是空的，第 1 行应为列名"])
    width = max(c for _, c in sheet.cells) + 1
    grid: dict[int, list[Any]] = {}
    for (r, c), cell in sheet.cells.items():
        value = cell.value if cell.type != "e" else None
        grid.setdefault(r, [None] * width)[c] = _as_shown(value, formats.get(sheet.styles.get((r, c), 0)))
    return _lines(path.name, [grid.get(r, [None] * width) for r in range(max(grid) + 1)])


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"    # .xls, .et and encrypted .xlsx all start so


def _is_old_excel(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(len(_OLE_MAGIC)) == _OLE_MAGIC


def _decode(data: bytes, name: str) -> str:
    # Excel saves "CSV UTF-8" with a BOM and plain "CSV" in the ANSI code page, which is GBK on Chinese Windows.
    # Some tools put a UTF-8 byte-order mark in front of GBK text too: drop it before either decoding.
    data = data.removeprefix(codecs.BOM_UTF8)
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterError([f"{name}：无法识别文件编码，请另存为“CSV UTF-8”格式"])


def _read_csv(path: Path) -> Table:
    text = _decode(path.read_bytes(), path.name)
    table = _lines(path.name, list(csv.reader(io.StringIO(text, newline=""))))
    if not table.lines:
        raise RosterError([f"{path.name}：文件是空的，第 1 行应为列名"])
    return table


def _read_xlsx(path: Path) -> Table:
    import openpyxl  # only XLSX rosters need it

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # any unreadable workbook is the same problem for the clerk
        raise RosterError([f"{path.name}：无法读取该 Excel 文件（{e}）"]) from None
    try:
        rows = [[_as_shown(c.value, getattr(c, "number_format", None)) for c in r]
                for r in wb.worksheets[0].iter_rows()]
    finally:
        wb.close()
    table = _lines(path.name, rows)
    if not table.lines:
        raise RosterError([f"{path.name}：工作表是空的，第 1 行应为列名"])
    return table


_ZEROS = re.compile(r"^0{2,}$")


def _as_shown(value: Any, number_format: str | None) -> Any:
    """A whole number shown with leading zeros by its format ("000000000": 012300001) is the text it shows:
    codes are text, and the number alone has lost its zeros."""
    if isinstance(value, int | float) and not isinstance(value, bool) and number_format \
            and _ZEROS.match(number_format) and float(value).is_integer() and value >= 0:
        return str(int(value)).zfill(len(number_format))
    return value


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# ------------------------------------------------------------------------------------------- columns

# What a header carries besides its name: the unit of its figures, "(万元)", "（单位：万元）" (every real roster
# heads its money columns so); a trailing "(A)" stays, aliases() drops it.
_UNIT_SUFFIX = re.compile(r"\((单位[:：])?(万元|元|千元|亿元|个|人|项|%|分)\)$")
_SPACE = re.compile(r"\s+")


def _norm(header: str) -> str:
    """A header as compared: lower case, no spaces or line breaks (a wrapped "所属独立核算\n单位个数"),
    half-width parentheses, no unit suffix."""
    text = _SPACE.sub("", header).lower().replace("（", "(").replace("）", ")")
    return _UNIT_SUFFIX.sub("", text)


# The headers a bureau's own roster uses for the two columns every roster has (issue 15.12: 单位名称 was refused).
IDENTITY_HEADERS = {"name": ("单位名称", "部门名称", "预算单位名称", "单位", "名称"),
                    "code": ("单位代码", "预算单位编码", "预算单位代码", "编码", "代码")}
_LETTER = re.compile(r"\([a-z]\)$")      # "(a)" of a label: headers are compared lower-cased


def aliases(f: Field, key: str) -> list[str]:
    """Every header that names this field: key, key_with_underscores, xf_key, printed label (also without
    its "·" and its "(A)"), and for code and name the headers bureaus' rosters use."""
    under = key.replace(".", "_")
    label = _norm(f.label)
    bare = _LETTER.sub("", label)
    names = [_norm(a) for a in (key, under, f"xf_{under}")] + [label, bare, bare.replace("·", "")]
    names += [_norm(h) for h in IDENTITY_HEADERS.get(key, ())]
    return list(dict.fromkeys(names))


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []
        self.columns: dict[str, dict[str, str]] = {}   # per file: field key -> its header as the file spells it

    def add(self, table: str, row: int | None, column: str | None, text: str) -> None:
        """One problem; a column given by its field key is named as the file heads it (「单位名称」, not 「name」)."""
        where = f"第 {row} 行" if row else ""
        column = self.columns.get(table, {}).get(column, column) if column else column
        col = f"「{column}」列" if column else ""
        self.items.append(f"{table} {where}{col}：{text}".replace(" ：", "："))


def _map_columns(table: Table, fields: dict[str, Field], other: dict[str, Field], what: str,
                 problems: _Problems) -> dict[int, str]:
    """Header position -> field key; unknown, duplicate and not-prefillable columns are problems."""
    by_alias = {a: k for k, f in fields.items() for a in aliases(f, k)}
    not_prefill = {a: k for k, f in other.items() for a in aliases(f, k)}
    _find_header(table, set(by_alias) | set(not_prefill))
    mapping: dict[int, str] = {}
    row = table.header_row
    for i, header in enumerate(table.header):
        if not header:
            if any(i < len(r) and _cell_text(r[i]) for _, r in table.rows):
                problems.add(table.name, row, f"第 {i + 1} 列", "有数据但没有列名")
            continue
        key = by_alias.get(_norm(header))
        if key is None:
            if _norm(header) in not_prefill:
                problems.add(table.name, row, header, f"这是{what}由填报单位填写或自动计算的字段，不能预填；请删除该列")
            else:
                problems.add(table.name, row, header, f"不认识的列名；{_nearest(header, by_alias, fields)}"
                                                      f"可用的列：{', '.join(fields)}")
        elif key in mapping.values():
            problems.add(table.name, row, header, f"与另一列重复（都对应 {key}）")
        else:
            mapping[i] = key
    problems.columns[table.name] = {k: table.column(i) for i, k in mapping.items()}
    return mapping


TITLE_ROWS = 5      # rows a roster may carry above its header: a title, "单位：万元", a date


def _find_header(table: Table, known: set[str]) -> None:
    """The header is the first row naming known columns. Real rosters carry a title above it ("2025年度部门
    整体支出绩效自评单位名单", merged across) and a unit line: a row naming at least two known columns among the
    first few is the header when the first row names none; the rows above it are not read."""
    def hits(line: list[Any]) -> int:
        return sum(1 for c in line if _norm(_cell_text(c)) in known)

    if not table.lines or hits(table.lines[0][1]):
        return
    for at in range(1, min(len(table.lines), TITLE_ROWS + 1)):
        if hits(table.lines[at][1]) >= 2:
            table.at = at
            return


def _nearest(header: str, by_alias: dict[str, str], fields: dict[str, Field]) -> str:
    """"是否应为「fund.total.budget」（全年预算数）？" for the closest key or label, or "" when none is close."""
    text = _norm(header)
    near = difflib.get_close_matches(text, list(by_alias), n=1, cutoff=0.6)
    near = near or sorted((a for a in by_alias if text and text in a), key=len)[:1]   # "全年预算" in a label
    if not near:
        return ""
    key = by_alias[near[0]]
    return f"是否应为「{key}」（{fields[key].label}）？"


# -------------------------------------------------------------------------------------------- values

def parse_value(raw: Any, f: Field) -> tuple[Any, str | None]:
    """A roster cell as the field's value; (None, None) when empty, (None, problem) when unusable."""
    text = _cell_text(raw)
    if text == "":
        return None, None
    if f.numeric:
        return _parse_number(raw, text, f)
    if len(text) > EXCEL_TEXT_LIMIT:
        return None, f"文字有 {len(text)} 个字，超过 Excel 单元格上限 {EXCEL_TEXT_LIMIT} 字"
    if f.maxlen and len(text) > f.maxlen:
        return None, f"文字有 {len(text)} 个字，超过本栏上限 {f.maxlen} 字"
    return text, None


def _parse_number(raw: Any, text: str, f: Field) -> tuple[Any, str | None]:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        number = Decimal(repr(raw))
    elif _NUMBER.match(text):
        number = Decimal(text.replace(",", ""))
    elif text.startswith("-") and _NUMBER.match(text[1:]):
        return None, f"“{text}”是负数，金额和分值不能为负"
    else:
        return None, f"“{_short(text)}”不是数字（只填数字，不要带单位、空格或文字）"
    if f.type == "integer" and number != number.to_integral_value():
        return None, f"“{text}”应为整数"
    if f.min is not None and number < Decimal(repr(f.min)):
        return None, f"“{text}”小于下限 {_fmt(f.min)}"
    if isinstance(f.max, int | float) and number > Decimal(repr(f.max)):
        return None, f"“{text}”大于上限 {_fmt(f.max)}"
    return (int(number) if f.type == "integer" else float(number)), None


def _short(text: str) -> str:
    return text if len(text) <= 30 else text[:30] + "…"


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


# -------------------------------------------------------------------------------------------- roster

def roster_fields(spec: Spec) -> tuple[dict[str, Field], dict[str, Field]]:
    """Scalar fields a roster may prefill (prefill role, or an input the spec makes prefillable), and the
    others (input/computed) it may not."""
    fields = {f.key: f for f in spec.scalar_fields()}
    prefill = {k: f for k, f in fields.items() if f.locks_when_given}
    return prefill, {k: f for k, f in fields.items() if not f.locks_when_given}


def indicator_fields(spec: Spec) -> tuple[dict[str, Field], dict[str, Field]]:
    row = {f.key: f for f in spec.indicator_block.row}
    prefill = {k: f for k, f in row.items() if f.locks_when_given}
    return prefill, {k: f for k, f in row.items() if not f.locks_when_given}


def load_roster(path: str | Path, spec: Spec, indicators: str | Path | None = None,
                year: int | None = None) -> list[Unit]:
    """Units with their prefilled values; every problem of both files raises one RosterError."""
    problems = _Problems()
    table = read_table(path)
    units = _units(table, spec, year, problems)
    if not table.rows and not problems.items:   # a header alone: say that once, not each indicator's unit unknown
        raise RosterError([f"{table.name}：名册中没有单位（第 2 行起每行一个单位）"])
    if indicators is not None:
        _add_indicators(read_table(indicators), spec, units, problems)
    if problems.items:
        raise RosterError(problems.items)
    if not units:
        raise RosterError([f"{table.name}：名册中没有单位（第 2 行起每行一个单位）"])
    return units


def _units(table: Table, spec: Spec, year: int | None, problems: _Problems) -> list[Unit]:
    fields, other = roster_fields(spec)
    mapping = _map_columns(table, fields, other, "", problems)
    for key in REQUIRED:
        if key not in mapping.values():
            problems.add(table.name, table.header_row, None, f"缺少必需的列「{key}」（{fields[key].label}）")
    units: list[Unit] = []
    seen: dict[str, int] = {}
    for row_no, row in table.rows:
        if _not_a_unit(table.name, row_no, row, problems):
            continue
        values = _row_values(table, row_no, row, mapping, fields, problems)
        if values is None:
            continue
        _apply_defaults(values, fields, year)
        _check_identity(table.name, row_no, values, set(mapping.values()), seen, fields, problems)
        units.append(Unit(str(values.get("code") or ""), str(values.get("name") or ""), values))
    _numeric_codes(table, mapping, problems)
    return units


# The first words of the rows a roster keeps below (or between) its units: a total, the notes for filling in.
_NOT_A_UNIT = re.compile(r"^(合计|总计|小计|共计|填表说明|填报说明|说明|备注|注)(?![\u4e00-\u9fff])")


def _not_a_unit(table: str, row_no: int, row: Sequence[Any], problems: _Problems) -> bool:
    """A 合计 row or a line of notes is no unit: said as such (not 「名称不能为空」), to be deleted."""
    first = next((_cell_text(c) for c in row if _cell_text(c)), "")
    found = _NOT_A_UNIT.match(first)
    if found is None:
        return False
    what = "合计行" if found.group(1).endswith("计") else "说明文字"
    problems.add(table, row_no, None, f"这一行是{what}（“{_short(first)}”），不是单位；请删除该行后再生成")
    return True


def _numeric_codes(table: Table, mapping: dict[int, str], problems: _Problems) -> None:
    """Codes typed as numbers in a spreadsheet lose their leading zeros (012300001 -> 12300001). Where the
    cell's format did not keep them (_as_shown) and the code is shorter than the column's longest, the zeros
    cannot be told: the row is refused rather than a unit renamed."""
    col = next((i for i, k in mapping.items() if k == "code"), None)
    if col is None:
        return
    codes = [(row_no, row[col]) for row_no, row in table.rows if col < len(row) and _cell_text(row[col])]
    longest = max((len(_cell_text(c)) for _, c in codes), default=0)
    for row_no, raw in codes:
        text = _cell_text(raw)
        if isinstance(raw, int | float) and not isinstance(raw, bool) and len(text) < longest:
            problems.add(table.name, row_no, "code",
                         f"单位编码“{text}”是数字，开头的 0 可能已丢失（本列最长的编码有 {longest} 位）；"
                         "请把编码列设为文本格式并填写完整的编码")


def _check_identity(table: str, row_no: int, values: dict[str, Any], columns: set[str], seen: dict[str, int],
                    fields: dict[str, Field], problems: _Problems) -> None:
    """Code and name present; codes unique (they name the files and key the manifest)."""
    for key in REQUIRED:
        if key in columns and values.get(key) is None:
            problems.add(table, row_no, key, f"{fields[key].label}不能为空")
    code = values.get("code")
    if code is not None and code in seen:
        problems.add(table, row_no, "code", f"单位编码“{code}”与第 {seen[code]} 行重复")
    elif code is not None:
        seen[code] = row_no


def _row_values(table: Table, row_no: int, row: Sequence[Any], mapping: dict[int, str],
                fields: dict[str, Field], problems: _Problems) -> dict[str, Any] | None:
    extra = [c for c in row[len(table.header):] if _cell_text(c)]
    if extra:
        # Usually an unquoted comma inside a text: every later column of this row would be shifted.
        problems.add(table.name, row_no, None, f"本行比列名多出 {len(extra)} 个值（“{_short(_cell_text(extra[0]))}”）；"
                     "文字中含逗号时请用英文双引号把整段文字括起来")
        return None
    values: dict[str, Any] = {}
    for i, key in mapping.items():
        value, problem = parse_value(row[i] if i < len(row) else None, fields[key])
        if problem:
            problems.add(table.name, row_no, key, problem)
        elif value is not None:
            values[key] = value
    return values


def _apply_defaults(values: dict[str, Any], fields: dict[str, Field], year: int | None) -> None:
    """Spec defaults fill what the roster leaves empty (e.g. 预算执行率 分值 10); --year overrides the roster."""
    for key, f in fields.items():
        if f.default is not None and key not in values:
            values[key] = f.default
    if year is not None and "year" in fields:
        values["year"] = year


# ------------------------------------------------------------------------------------------ indicators

def _add_indicators(table: Table, spec: Spec, units: list[Unit], problems: _Problems) -> None:
    fields, other = indicator_fields(spec)
    # the code column is headed as in the roster: 单位编码, or 项目编码 in a project round
    code_field = roster_fields(spec)[0].get("code") or Field(key="code", label="单位编码", at="A", role="prefill",
                                                             type="text")
    mapping = _map_columns(table, {INDICATOR_CODE: code_field, **fields}, other, "指标表中", problems)
    if INDICATOR_CODE not in mapping.values():
        problems.add(table.name, table.header_row, None, f"缺少必需的列「code」（{code_field.label}）")
        return
    by_code = {u.code: u for u in units if u.code}
    if not by_code:       # the roster itself could not be read: its own problems say why, not each row here
        return
    counts: dict[str, int] = {}
    for row_no, row in table.rows:
        values = _row_values(table, row_no, row, mapping, {INDICATOR_CODE: code_field, **fields}, problems)
        if values is None:
            continue
        code = values.pop(INDICATOR_CODE, None)
        unit = by_code.get(str(code)) if code is not None else None
        if unit is None:
            problems.add(table.name, row_no, "code", "单位编码为空" if code is None else f"单位编码“{code}”不在名册中")
            continue
        unit.notes.extend(_normalise_labels(table.name, row_no, values, spec))
        _check_tree(table.name, row_no, values, spec, problems)
        counts[unit.code] = index = counts.get(unit.code, 0) + 1
        if index > spec.indicator_rows:
            problems.add(table.name, row_no, None, f"单位“{unit.code}”的指标超过表格容量 {spec.indicator_rows} 行")
            continue
        unit.values.update({f"ind.{index}.{k}": v for k, v in values.items()})
    for unit in units:
        if counts.get(unit.code):
            _check_weights(table.name, unit, spec, min(counts[unit.code], spec.indicator_rows), problems)
            _check_split(unit, spec, min(counts[unit.code], spec.indicator_rows))


def _normalise_labels(table: str, row_no: int, values: dict[str, Any], spec: Spec) -> list[str]:
    """Level labels and 指标性质 as the catalogue spells them, as the reader reads a return (XF230, XF210):
    "服务对象满意度指标等" -> "服务对象满意度指标", "≧" -> "≥". What names no one entry stays for _check_tree.
    A target the expression parser reads as no value ("≥**人", the template's hint) gets a note too."""
    notes = []
    for key in ("level1", "level2"):
        text, level1 = values.get(key), values.get("level1")
        choices = tuple(spec.tree) if key == "level1" else spec.tree.get(level1, ()) if isinstance(level1, str) else ()
        if isinstance(text, str) and choices and text not in choices:
            label, note = normalize_label(text, choices)
            if note is not None:
                values[key] = label
                notes.append(f"{table} 第 {row_no} 行「{key}」列：“{text}”{note.detail}（{note.code}）")
    target = values.get("target")
    if isinstance(target, str) and parse_expression(target).kind == NOT_A_VALUE:
        notes.append(f"{table} 第 {row_no} 行「target」列：“{_short(target)}”是占位符或说明文字，不是目标值；"
                     "生成的表格中该指标没有目标值")
    nature = values.get("nature")
    if isinstance(nature, str) and nature not in NATURES:
        canonical, nature_notes = normalize_nature(nature)
        if canonical in NATURES and nature_notes:
            values["nature"] = canonical
            notes.append(f"{table} 第 {row_no} 行「nature」列：{nature_notes[-1].detail}（{nature_notes[-1].code}）")
    return notes


def _check_tree(table: str, row_no: int, values: dict[str, Any], spec: Spec, problems: _Problems) -> None:
    level1, level2, nature = values.get("level1"), values.get("level2"), values.get("nature")
    if level1 is not None and level1 not in spec.tree:
        problems.add(table, row_no, "level1", f"“{level1}”不是一级指标；应为 {'、'.join(spec.tree)}")
    elif level2 is not None and level1 is not None and level2 not in spec.tree[level1]:
        allowed = "、".join(spec.tree[level1])
        problems.add(table, row_no, "level2", f"“{level2}”不属于一级指标“{level1}”；应为 {allowed}")
    if nature is not None and nature not in NATURES:
        problems.add(table, row_no, "nature", f"“{nature}”不是指标性质；应为 {'、'.join(NATURES)}")


FUND_SHARE = "预算执行率"      # the fund weight's name in `rules.split`


def _check_split(unit: Unit, spec: Spec, count: int) -> None:
    """Weights that break the spec's split (预算执行率 10, 产出 50, 效益 30, 满意度 10) are allowed but every return
    of the unit would carry XF406 for them: said at generate time, before the forms go out (issue 15.11)."""
    split = spec.rules.split
    weights = [(unit.values.get(f"ind.{i}.level1"), unit.values.get(f"ind.{i}.weight")) for i in range(1, count + 1)]
    if not split or any(w is None for _, w in weights):      # the unit completes the table: its return is checked
        return
    seen = {FUND_SHARE: Decimal(repr(float(unit.values.get(f"fund.{spec.scored_fund_row}.weight") or 0)))}
    for level1, weight in weights:
        seen[str(level1)] = seen.get(str(level1), Decimal(0)) + Decimal(repr(float(weight or 0)))
    if all(seen.get(k, Decimal(0)) == Decimal(repr(float(v))) for k, v in split.items()):
        return
    shown = "、".join(f"{k} {_fmt(float(seen.get(k, 0)))}" for k in split)
    wanted = "、".join(f"{k} {_fmt(float(v))}" for k, v in split.items())
    unit.warnings.append(f"单位“{unit.code}”的分值分配为 {shown}，与本表规定的 {wanted} 不符；"
                         "按此下发，该单位的每份报送都会得到「一级指标分值分布与规定不同」提示（XF406）")


def _check_weights(table: str, unit: Unit, spec: Spec, count: int, problems: _Problems) -> None:
    """Prefilled weights are locked, so with every row's weight given they must make 100 with the fund
    weight; a row left without a weight is the unit's to fill, so then they must not exceed 100."""
    fund = unit.values.get(f"fund.{spec.scored_fund_row}.weight") or 0
    items = [unit.values[f"ind.{i}.weight"] for i in range(1, count + 1) if f"ind.{i}.weight" in unit.values]
    total = round2(Decimal(repr(float(fund))) + sum((Decimal(repr(float(w))) for w in items), Decimal(0)))
    complete = len(items) == count and f"fund.{spec.scored_fund_row}.weight" in unit.values
    if total > 100 or (complete and total != 100):
        shown = f"{total.normalize():f}"
        problems.add(table, None, "weight",
                     f"单位“{unit.code}”的分值合计为 {shown}（预算执行率 {_fmt(float(fund))} + 各指标），应为 100")
