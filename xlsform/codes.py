"""The finding catalogue: every problem xlsform reports, with a stable code, a severity and a Chinese message.

Findings are data (frictionless-style): checks yield them and never raise. Messages say where, what is wrong
and how to fix it. `docs/findings.md` is generated from CATALOGUE (`python -m xlsform.docs`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from operator import itemgetter
from string import Formatter
from typing import Any, NamedTuple

from xlsform.fsutil import shown_path
from xlsform.lazyre import lazy

SEVERITIES = ("error", "warning", "info")
_ATOMS = (str, int, float, bool, type(None))


class Code(NamedTuple):
    """A finding code of the catalogue: its severity, Chinese title, message template and how to fix it."""

    code: str          # stable, e.g. "XF201"; never reused for another meaning
    severity: str
    title: str         # short Chinese name of the problem
    message: str       # str.format template; may use {cell} {field} {value} {expected} and check-specific keys
    fix: str = ""      # how to fix it, in Chinese


@dataclass
class Finding:
    """One problem found in one file, with the cell and field it names, in Chinese."""

    code: str
    severity: str
    message: str
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    field: str | None = None     # the field's printed label
    key: str | None = None       # the field key, for machines
    value: Any = None
    expected: Any = None

    def to_json(self) -> dict[str, Any]:
        # as dataclasses.asdict would, without its deep copy of every field (a report converts thousands)
        value, expected = self.value, self.expected
        return {"code": self.code, "severity": self.severity, "message": self.message,
                # a GBK file name unpacked on Linux cannot be written as UTF-8 as it is
                "file": shown_path(self.file) if self.file else self.file,
                "sheet": self.sheet, "cell": self.cell, "field": self.field, "key": self.key,
                "value": value if isinstance(value, _ATOMS) else deepcopy(value),
                "expected": expected if isinstance(expected, _ATOMS) else deepcopy(expected)}


CATALOGUE: dict[str, Code] = {}


def register(*codes: Code) -> None:
    for c in codes:
        if c.code in CATALOGUE and CATALOGUE[c.code] != c:
            raise ValueError(f"finding code {c.code} registered twice")
        if c.severity not in SEVERITIES:
            raise ValueError(f"{c.code}: bad severity {c.severity}")
        CATALOGUE[c.code] = c


def make(code: str, *, file: str | None = None, sheet: str | None = None, cell: str | None = None,
         field: str | None = None, key: str | None = None, value: Any = None, expected: Any = None,
         **extra: Any) -> Finding:
    """A finding from the catalogue, its message rendered from the template."""
    return render(code, file, sheet, cell, field, key, value, expected, extra)


def render(code: str, file: str | None, sheet: str | None, cell: str | None, field: str | None, key: str | None,
           value: Any, expected: Any, extra: dict[str, Any]) -> Finding:
    """`make` with its arguments in order: what the checks call for every finding of every return (passing ten
    arguments by name costs more than rendering most messages)."""
    t = _TEMPLATES.get(code) or _template(code)
    args = {"cell": f"{sheet}!{cell}" if sheet and cell else (cell or "—"), "field": field or ""}
    if t.value:   # only what the message quotes is shown (a message without {value} never reads it)
        args["value"] = _show(value)
    if t.expected:
        args["expected"] = _show(expected)
    for k, v in extra.items():
        args[k] = _short(v) if v and isinstance(v, str) else v
    for k in t.optional:   # an optional clause is "" unless given
        if k not in args:
            args[k] = ""
    # the template as a %-format with its names in order: no name parsed, allocated and looked up per field
    text = t.form % t.pick(args) if t.pick is not None else t.form % (args[t.one],) if t.one else t.form
    if t.fix:   # the fix follows a message that ends with what it quotes: its punctuation is known only now
        text = f"{text}。{t.fix}" if not text.endswith(("。", "！", "？")) else f"{text}{t.fix}"
    return Finding(code, t.severity, text, file, sheet, cell, field, key, value, expected)


# Placeholders a message may leave out: a clause said only when it applies (the rows sharing one cell, the other
# cells of a remark said once for a form, what the cell itself shows).
_OPTIONAL = {"rows": "", "others": "", "shown": ""}


class _Template(NamedTuple):
    """A code's message as `make` renders it, worked out once: which of the values it quotes, and the fix
    already joined to it where the message ends in its own words (most do)."""

    severity: str
    message: str          # the template, with the fix when its joining punctuation is known in advance
    form: str             # `message` as a %-format ("%s" for each placeholder), or as it reads without any
    one: str              # the name of its one placeholder, when it has exactly one
    pick: Callable[[dict[str, Any]], tuple[Any, ...]] | None   # its placeholders' values in order (two or more)
    fix: str              # the fix still to join (a message ending with a placeholder), else ""
    value: bool           # the template quotes {value}
    expected: bool        # ... {expected}
    optional: tuple[str, ...]   # the optional clauses it has


_TEMPLATES: dict[str, _Template] = {}


def _template(code: str) -> _Template:
    c = CATALOGUE[code]
    names = {re.split(r"[.\[]", name)[0] for _, name, _, _ in Formatter().parse(c.message) if name}
    message, fix = c.message, c.fix
    if fix and not message.endswith("}"):
        literal = fix.replace("{", "{{").replace("}", "}}")
        message, fix = (f"{message}。{literal}" if not message.endswith(("。", "！", "？")) else message + literal), ""
    t = _TEMPLATES[code] = _Template(c.severity, message, *_percent_form(message), fix, "value" in names,
                                     "expected" in names, tuple(k for k in _OPTIONAL if k in names))
    return t


def _percent_form(message: str) -> tuple[str, str, Callable[[dict[str, Any]], tuple[Any, ...]] | None]:
    """(form, one, pick) of a template: `form % pick(args)` is `message.format_map(args)` for a template of
    plain {name} placeholders, as every catalogue message is (str() of each value, as format() with no spec
    gives; a name missing from args raises KeyError alike)."""
    parts = list(Formatter().parse(message))
    fields = [name for _, name, _, _ in parts if name is not None]
    if not fields:
        return "".join(literal for literal, *_ in parts), "", None
    if any(spec or conversion or not name.isidentifier() for _, name, spec, conversion in parts if name is not None):
        raise ValueError(f"{message!r}: a message names its values as plain {{name}} placeholders")
    form = "".join(literal.replace("%", "%%") + ("%s" if name is not None else "") for literal, name, *_ in parts)
    return (form, fields[0], None) if len(fields) == 1 else (form, "", itemgetter(*fields))


def _show(x: Any) -> str:
    if x is None:
        return "（空）"
    if type(x) is float:   # no control character, and short: _short has nothing to do
        return str(int(x)) if x.is_integer() else str(x)
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return _short(x if type(x) is str else str(x))


SHOW_CHARS = 100     # a message quotes this much of a cell's text; the finding's `value` keeps all of it


def _short(text: str) -> str:
    """A long text (a pasted report, a hostile 32,767-character cell) quoted as its start and an ellipsis,
    on one line: line breaks and control characters (terminal escapes) become spaces."""
    if len(text) <= SHOW_CHARS and text.isprintable():   # most texts: no character one_line would replace
        return text
    text = one_line(text)
    return text if len(text) <= SHOW_CHARS else text[:SHOW_CHARS] + "…"


_CONTROL = lazy(r"[\x00-\x1f\x7f-\x9f]")
_ODD = lazy("[\x00-\x1f\x7f-\x9f\udc80-\udcff]")   # control characters, or bytes that were not UTF-8


def one_line(text: str) -> str:
    """Text from a return (a cell, a sheet or file name) as it may appear in a one-line report."""
    if _ODD.search(text) is None:    # nearly all text: one search instead of shown_path's and a substitution
        return text
    return _CONTROL.sub(" ", shown_path(text))


# Code ranges (each section is owned by the module that yields the findings):
#   XF1xx  the file itself: format, safety, integrity against the spec and the manifest
#   XF2xx  values: normalisation (info) and values that cannot be read as their type (error)
#   XF3xx  completeness       XF4xx  arithmetic       XF5xx  plausibility       XF9xx  the batch
# ---- reading (reader.py, xlsx.py): XF100–XF149, XF2xx ----
# The file cannot be read (record is None): each says what the file is and what to send instead.
register(
    Code("XF101", "error", "不是 Excel 工作簿",
         "文件不是 .xlsx 工作簿（{value}）",
         "请用 Excel 或 WPS 打开下发的表格填写，并另存为 .xlsx（Excel 工作簿）后重新报送；用 LibreOffice 的，"
         "请选「文件 → 另存为」，文件类型选「Excel 2007-365 (.xlsx)」，在询问格式时选「使用 Excel 2007-365!」。"),
    Code("XF102", "error", "无法读取的旧版格式",
         "文件是无法读取的旧版表格格式（{value}）",
         "请用 Excel、WPS 或 LibreOffice 打开，选“文件→另存为”，保存类型选“Excel 工作簿（*.xlsx）”后重新报送。"),
    Code("XF103", "error", "文件已加密",
         "文件设置了打开密码，无法读取",
         "文件已加密，请取消密码后重新报送（Excel：文件→信息→保护工作簿→用密码进行加密，清空密码）。"),
    Code("XF104", "error", "含宏的工作簿",
         "文件含有宏（{value}），为安全起见不予打开",
         "请另存为不含宏的 .xlsx（Excel 工作簿）后重新报送。"),
    Code("XF105", "error", "文件已损坏",
         "文件已损坏或不完整，无法读取（{value}）",
         "请用 Excel/WPS 打开确认能正常显示，另存为 .xlsx 后重新报送；如无法打开，请重新填报下发的表格。"),
    Code("XF106", "error", "压缩内容异常",
         "文件解压后的内容异常庞大或结构异常（{value}），为安全起见不予读取",
         "请用下发的表格重新填报，不要嵌入大量图片或对象。"),
    Code("XF107", "error", "文件过大",
         "文件大小为 {value}，超过上限 {expected}",
         "请删除表格中粘贴的图片、附件等内容后重新报送；附件材料请另行报送。"),
    Code("XF108", "error", "含不安全的 XML 内容",
         "文件内部含有文档类型定义或实体声明（{value}），为安全起见不予读取",
         "请用下发的表格重新填报。"),
    Code("XF109", "error", "无法打开文件",
         "无法打开文件（{value}）",
         "请确认文件存在且未被其他程序占用，再重新处理。"),
    Code("XF110", "error", "文件为空",
         "文件大小为 0 字节",
         "请重新保存并报送填好的表格。"),
    Code("XF111", "error", "找不到自评表工作表",
         "工作簿中找不到自评表工作表「{expected}」",
         "请使用下发的原表格填报，不要删除或替换自评表工作表。"),
    Code("XF112", "warning", "字段位置与模板不同",
         "{value} 个字段不在模板中的原位置（例如「{field}」应在 {expected}，现在 {cell}），可能插入或删除了行、列",
         "已按字段名称读取；请恢复为下发的表格格式，不要插入或删除行、列。"),
    Code("XF113", "warning", "字段名称失效",
         "{value} 个字段的名称已失效（例如「{field}」），已按模板位置 {cell} 读取",
         "请不要删除或剪切粘贴表格中的单元格；如数据位置有误，请在下发的表格中重新填写。"),
    Code("XF114", "error", "读取时发生内部错误",
         "读取本文件时发生内部错误（{value}）",
         "请将此文件发给系统维护人员；其他文件不受影响。"),
    Code("XF115", "warning", "内容不在合并单元格的左上角",
         "{cell}「{field}」填在了原合并区域（左上角 {expected}）的其他单元格中，已按 {cell} 读取",
         "请恢复合并单元格，把内容填在合并后的单元格中。"),
)
# A return from outside costs bounded work, and what is not a workbook file is named, not waited on.
register(
    Code("XF116", "error", "内容超出处理上限",
         "文件内容超出单个报送表的处理上限（{value}），未读取",
         "正常填写的自评表远小于此上限；请删除粘贴进表格的大量内容，或在下发的表格中重新填报。"),
    Code("XF117", "error", "不是普通文件",
         "这不是普通文件（{value}），未读取",
         "请提交 Excel 工作簿文件本身，而不是管道、设备或快捷方式。"),
)
# Old .xls workbooks are read (xls.py), but the format keeps less than .xlsx: what could not be checked is said.
register(
    Code("XF119", "info", ".ods 已转换后检查",
         "本文件为 OpenDocument 表格（.ods），已用本机的 LibreOffice 转换为 .xlsx 后读取和核对",
         "无需处理；以后报送请另存为 .xlsx（Excel 工作簿）。"),
    Code("XF118", "info", "旧版 .xls 格式：部分内容未核对",
         "本文件为旧版 .xls 格式，已按数值读取和核对；{value}无法从 .xls 中核对",
         "如需完整核对，请用 Excel/WPS 打开后另存为 .xlsx（Excel 工作簿）再报送。"),
)
# Values: each normalisation is reported (info), a value that cannot be its type is an error quoting it.
_READ_AS = "{cell}「{field}」填写的“{value}”已按 {expected} 读取（{detail}）"
register(
    Code("XF201", "info", "数字带有单位", _READ_AS, "请只填数字，单位以表头为准。"),
    Code("XF202", "info", "全角数字或符号", _READ_AS, "请用半角（英文输入法）填写数字。"),
    Code("XF203", "info", "数字含空格或分隔符", _READ_AS, "请只填数字，不加空格和千分位逗号。"),
    Code("XF204", "info", "百分数写法", _READ_AS, "百分比请按表格格式填写。"),
    Code("XF205", "info", "占位符按空白读取", _READ_AS, "没有数据请留空，不要填“——”“无”等符号。"),
    Code("XF206", "info", "文本格式的数字", _READ_AS, "请在数字单元格中直接填写数字。"),
    Code("XF207", "info", "括号表示的负数", _READ_AS, "负数请用负号表示，并核对是否确为负数。"),
    Code("XF208", "warning", "金额单位为元", _READ_AS, "本表金额单位为万元，请换算为万元后重新填写。"),
    Code("XF209", "info", "文字含不可见字符", "{cell}「{field}」中的不可见字符（零宽空格等）已去除",
         "从网页或聊天软件复制的文字常带有此类字符，可忽略。"),
    Code("XF210", "info", "指标性质写法", _READ_AS, "请从下拉列表中选择。"),
    Code("XF211", "info", "数字按显示格式读取", _READ_AS,
         "此处应填文字：请先把单元格设为“文本”格式再填写，例如“95%”“2021-03-15”。"),
    Code("XF220", "error", "不是数字",
         "{cell}「{field}」填写的“{value}”不能作为数字读取（{detail}）",
         "请改为只含数字的值，如 4753.66；没有数据请留空。"),
)
# Values a unit should not be able to send: broken characters, text Excel cannot hold, formulas in inputs.
register(
    Code("XF221", "warning", "文字含无法识别的字符",
         "{cell}「{field}」含无法识别的字符（显示为 �），已按“{value}”读取",
         "可能是复制时损坏的表情符号或生僻字；请核对该处文字并重新输入。"),
    Code("XF222", "error", "文字超过单元格长度上限",
         "{cell}「{field}」有 {value} 个字符，超过 Excel 单元格上限 {expected} 个字符",
         "请精简该处文字；超出部分在汇总表和批注副本中无法完整保存。"),
    Code("XF223", "error", "填写处含外部链接公式",
         "{cell}「{field}」含公式 ={value}，其中有外部链接、超链接或 DDE 命令",
         "请删除该公式，直接填写数值或文字：此类公式在打开文件时可能访问外部文件或运行程序。"),
    Code("XF224", "warning", "填写处含公式",
         "{cell}「{field}」应直接填写，却含公式 ={value}，已按公式的缓存结果读取",
         "请把公式换成数值（复制后“选择性粘贴→数值”）。"),
)
# Labels (normalize.normalize_label, in the reader and the roster alike): XF230–XF239.
register(
    Code("XF230", "info", "指标名称写法", _READ_AS, "请从下拉列表中选择指标名称。"),
)


# ---- checks (checks/): XF150–XF199, XF3xx, XF4xx, XF5xx, XF9xx ----
# Integrity (checks/integrity.py): the file against its spec and against what the manifest says was sent.
register(
    Code("XF150", "error", "不是由已知规格生成",
         "本文件不是由已知的自评表规格生成（规格标识：{value}）",
         "请使用财政部门下发的表格重新填报，不要自行制作或复制表格。"),
    Code("XF151", "error", "规格版本不被接受",
         "本文件的表格版本为 {value}，本轮只接受 {expected}",
         "请使用本轮下发的最新表格重新填报。"),
    Code("XF152", "error", "锁定内容被改动",
         "{cell}「{field}」是下发时预填并锁定的内容，原为 {expected}，现为 {value}",
         "请恢复为原值；如确需调整，请与财政部门联系，不要自行修改。"),
    Code("XF153", "error", "公式被改动",
         "{cell}「{field}」的公式被改动或被数值覆盖：原公式为 {expected}，现为 {value}",
         "请恢复原公式（可从下发的表格中复制），不要在计算单元格中直接填数。"),
    Code("XF154", "error", "单位编码不在清单中",
         "{cell}「{field}」中的单位编码 {value} 不在本轮下发清单中",
         "请确认使用的是下发给本单位的表格。"),
    Code("XF155", "error", "规格与清单不符",
         "本文件的表格规格为 {value}，本轮下发的是 {expected}",
         "请使用本轮下发给本单位的表格重新填报。"),
    Code("XF156", "error", "工作表被删除",
         "工作簿缺少工作表「{value}」",
         "请使用下发的原表格填报，不要删除工作表。"),
    Code("XF157", "warning", "工作表被添加",
         "工作簿中多了工作表「{value}」",
         "请删除自行添加的工作表，附件材料请另行报送。"),
    Code("XF158", "info", "工作表保护被取消",
         "工作表「{value}」的保护已被取消",
         "无需处理；锁定内容是否被改动已逐格核对。"),
    Code("XF159", "warning", "含外部链接",
         "工作簿含有指向外部文件的链接：{value}",
         "请删除外部链接（数据 → 编辑链接 → 断开链接）后重新保存。"),
    Code("XF160", "warning", "年度与清单不符",
         "{cell}「{field}」为 {value}，本轮下发的年度为 {expected}",
         "请确认使用的是本年度下发的表格。"),
)

# Integrity without the manifest (checks/integrity.py, prefill.py): the copy of the prefilled data that every
# workbook carries in `_xf_meta`.
register(
    Code("XF161", "error", "锁定内容被改动（按工作簿内副本核对）",
         "{cell}「{field}」是下发时预填并锁定的内容，原为 {expected}，现为 {value}"
         "（未给出清单，按工作簿内保存的预填副本核对）",
         "请恢复为原值；如确需调整，请与财政部门联系，不要自行修改。"),
    Code("XF162", "error", "工作簿内的预填副本被改动",
         "工作簿内保存的「{field}」预填副本为 {value}，与清单中下发的 {expected} 不符",
         "工作簿的隐藏数据被改动过；请使用下发的原表格重新填报。"),
    Code("XF163", "warning", "工作簿内的预填副本无法读取",
         "工作簿内保存的预填副本已损坏或被改动，无法据此核对锁定内容",
         "请使用下发的原表格填报；检查时给出 --manifest 可按清单逐格核对。"),
)
# A workbook we sent, but not the one this unit should fill now: another round's, or the form a re-issue
# replaced (checks/integrity.py). Its locked cells are as that form sent them; nothing was tampered with.
register(
    Code("XF164", "error", "另一轮下发的表格",
         "本文件是 {value} 年度下发的表格，不是本轮（{expected} 年度）下发给本单位的表格（{form}），"
         "其中的预填数据和填报内容都属于 {value} 年度",
         "请用本轮下发的表格填报后重新报送；如已另行报送，请删除本文件。"),
    Code("XF165", "error", "重新下发前的旧表",
         "本文件是本单位的表格于 {value} 重新下发之前的旧表，预填数据已作废；请改用 {value} 重新下发的表格 {form}",
         "填报后重新报送（已填写的内容可复制过去）；如已另行报送，请删除本文件。"),
)

# Forms xlsform did not write, read by their printed labels (importer/, and checks/integrity.py for XF171).
register(
    Code("XF170", "info", "按表头文字读取的手工表格",
         "工作表起始于 {cell} 的自评表不是由本工具生成，已按表头文字逐项读取，按「{value}」（{expected}）的规则核对",
         "核对结果所指单元格均为本文件中的位置；如需逐格核对锁定内容，请改用本轮下发的表格填报。"),
    Code("XF171", "info", "锁定与预填核对不适用",
         "本表是手工制作的表格，没有锁定单元格、公式和预填副本：锁定内容、公式和工作表保护的核对不适用",
         "无需处理；其余核对照常进行。"),
    Code("XF172", "warning", "同一项有不同的值",
         "{cell}「{field}」在表中出现了不同的值：{value}，无法确定哪个正确，此项未读取",
         "请核对后只保留一个值。"),
    Code("XF173", "info", "资金行未读取",
         "{cell}的资金行「{value}」不是规格中的资金来源，此行的数字未读取",
         "如此行应当读取，请在规格文件 [import.fund_rows] 中加入它的名称。"),
    Code("XF174", "info", "重复的表格只读取一次",
         "{cell}起的自评表与 {expected} 起的内容完全相同，只读取一次",
         "如为误粘贴，请删除重复的表格。"),
    Code("XF175", "info", "金额单位为元",
         "{cell}「{value}」注明金额单位为元，资金表的金额已除以 10000 按万元读取",
         "请核对换算后的金额；本表金额以万元为单位。"),
    Code("XF176", "info", "表头未识别",
         "{cell}的表头「{value}」不是规格认得的栏目，此列未读取",
         "如此列应当读取，请在规格文件 [import.columns] 中加入这个表头。"),
    Code("XF177", "info", "工作簿中有多张自评表",
         "工作簿中有 {value} 张自评表（{expected}），每张分别读取、核对",
         "无需处理；今后请每个单位报送一个文件。"),
    Code("XF178", "warning", "年度无法确定",
         "表头中写了不同的年度：{value}，年度未读取",
         "请核对表格标题中的年度。"),
    Code("XF179", "info", "手工表格不生成批注副本",
         "本文件是手工制作的表格，核对结果所指的单元格在本文件中；批注副本只为下发的表格生成",
         "请按核对结果直接修改本文件。"),
    Code("XF182", "warning", "金额单位存疑",
         "{cell}「{value}」按万元计超过 {expected} 万元，资金表的金额可能是以元填写的，金额未读取",
         "请核对金额单位：以元填写的，请在表头注明（元）或换算为万元后重新报送。"),
    Code("XF183", "info", "并列的资金分项未读取",
         "{cell}起的资金分项「{value}」与另一组分项「{expected}」左右并列（如按收入性质分 / 按支出性质分），"
         "金额不对应表头的年初预算数、全年预算数、全年执行数各栏，这些行未读取",
         "如需读取分项金额，请把每个分项列成单独的一行，金额填在对应的栏目下。"),
    Code("XF181", "warning", "工作表或自评表过多",
         "工作簿有 {value} 张工作表，只读取前 {expected} 张工作表、至多 {expected} 张自评表",
         "请每个文件只放本单位的自评表。"),
    Code("XF240", "warning", "填写的计算结果与重算不符",
         "{cell}「{field}」填写为 {value}，按本表填报的数据计算应为 {expected}",
         "请按表中的数据重新计算后改正（手工表格中的执行率、得分、总分等需自行计算）。"),
    Code("XF180", "error", "未找到自评表",
         "本文件不是由本工具生成，也没有一张工作表有自评表的表头（一级指标、二级指标、三级指标、分值、得分，"
         "或全年预算数、全年执行数）",
         "请确认文件是绩效自评表；如表头用词不同，请在规格文件 [import] 中加入这些表头，或使用下发的表格重新填报。"),
)

# Completeness (checks/completeness.py).
register(
    Code("XF301", "error", "必填项为空",
         "{cell}「{field}」未填写",
         "请填写后再报送。"),
    Code("XF302", "error", "指标行填写不完整",
         "{cell}「{field}」未填写，而本行{filled}已填写",
         "请把本行补填完整；如本指标不适用，请与财政部门联系。"),
    Code("XF303", "error", "占位文字未删除",
         "{cell}「{field}」中是占位或说明文字「{value}」",
         "请替换为实际内容。"),
)

# Completeness of the whole form (check.py, checks/completeness.py).
register(
    Code("XF304", "error", "空表：尚未填写",
         "空表：尚未填写。单位应填写的内容一项也没有填",
         "请单位填写后重新报送；如已另行报送，请删除本文件。"),
)

# Arithmetic (checks/arithmetic.py): every figure is recomputed from the inputs.
register(
    Code("XF401", "warning", "执行率超过 100%",
         "{cell}「{field}」按填报数据为 {value}，超过 100%",
         "请核对全年执行数是否多填；执行率得分按 100% 计算。"),
    Code("XF402", "error", "执行率偏低未说明原因",
         "预算执行率为 {value}，低于 {expected}，但{cell}「{field}」未填写",
         "请说明预算执行偏差的原因及改进措施。"),
    Code("XF403", "error", "得分超过分值",
         "{cell}「{field}」为 {value}，超过本项分值 {expected}",
         "请将得分改为不超过分值的数。"),
    Code("XF404", "error", "出现负数",
         "{cell}「{field}」为负数 {value}",
         "请填写不小于 0 的数。"),
    Code("XF405", "error", "分值合计不为 100",
         "{cell}「{field}」：分值合计为 {value}，应为 {expected}{shown}",
         "请核对各指标的分值，使预算执行率分值与各指标分值之和等于规定的总分。"),
    Code("XF406", "info", "一级指标分值分布与规定不同",
         "一级指标分值为 {value}，规定为 {expected}",
         "如分值分布经批准调整，无需处理；否则请按规定调整各指标分值。"),
    Code("XF407", "warning", "显示值与重算结果不一致",
         "单元格 {cell}「{field}」显示 {value}，按填报数据重算应为 {expected}",
         "请在 Excel 或 WPS 中打开后重新计算（F9）并保存，或恢复该单元格的公式。"),
    Code("XF410", "warning", "数字以文字形式填写，表中计算有误",
         "{cell}「{field}」中的“{value}”是文字而不是数字，表中的公式按 0 计算，{affected}显示的结果有误"
         "（本次检查已按 {expected} 核对）",
         "请在该单元格重新输入数字（不带逗号、单位和引号）后保存，表中的计算结果即恢复正常。"),
    Code("XF411", "error", "分项资金大于资金总额",
         "{cell}「{field}」为 {value}，{relation} {other}「{twin}」的 {expected}",
         "分项资金（如财政拨款）是资金总额的一部分，不能大于总额；请核对这两个数，改正填错的一个。"),
    Code("XF408", "error", "全年预算数为空或为 0",
         "{cell}「{field}」为 {value}，无法计算执行率",
         "请填写全年预算数；如确无预算，请与财政部门联系。"),
    Code("XF409", "error", "执行数小于上级转移支付",
         "{cell}「{field}」为 {value}，小于上级财政转移支付 {expected}，执行率为负",
         "请核对全年执行数与上级财政转移支付。"),
)

# Plausibility (checks/plausibility.py): the self-assessment against what the numbers support.
register(
    Code("XF501", "warning", "目标已完成却扣分",
         "{cell}「{field}」为 {value}，但完成值「{actual}」已达到目标值「{target}」，应得 {expected}",
         "请核对得分；如扣分有其他原因，请在未完成原因中说明。"),
    Code("XF502", "warning", "未达目标却得满分",
         "{cell}「{field}」为满分 {value}，但完成值「{actual}」未达到目标值「{target}」，按完成程度应为 {expected}",
         "请按完成程度调整得分，或说明为何仍给满分。"),
    Code("XF503", "warning", "自评得分与完成情况不符",
         "{cell}「{field}」为 {value}，按完成值「{actual}」与目标值「{target}」应约为 {expected}",
         "请核对自评得分与完成值。"),
    Code("XF504", "warning", "完成值不是实际度量",
         "{cell}「{field}」为「{value}」，不是与目标值「{expected}」可比的实际数值",
         "请填写实际完成的数量或比例（如「98%」「411 次」）。"),
    Code("XF505", "warning", "完成值照抄目标",
         "{cell}「{field}」「{value}」与{source}相同",
         "请填写实际完成情况，而不是照抄目标。"),
    Code("XF506", "error", "二级指标不属于一级指标",
         "{cell}「{field}」为「{value}」，不属于一级指标「{level1}」（应为：{expected}）{rows}",
         "请把本指标放到正确的一级指标下，或改为该一级指标下的二级指标。"),
    Code("XF507", "warning", "指标行重复",
         "{cell}「{field}」所在行与第 {other} 行的指标完全相同",
         "请删除重复的指标行，或改为不同的指标。"),
    Code("XF508", "error", "扣分或未达目标未说明原因",
         "{cell}「{field}」未填写，而本行{why}",
         "请说明未完成的原因及改进措施。"),
    Code("XF509", "warning", "完成值与本行指标不符",
         "{cell}「{field}」「{value}」与本行指标不符，更像是第 {other} 行「{expected}」的完成情况",
         "请检查各行完成值是否错位。"),
    Code("XF510", "error", "一级指标不在指标体系中",
         "{cell}「{field}」为「{value}」，不是规定的一级指标（应为：{expected}）{rows}",
         "请从下拉列表中选择一级指标。"),
)
# Plausibility, the indicator table read as a reviewer reads it (checks/plausibility.py, expressions.py).
register(
    Code("XF511", "warning", "完成值是目标式写法",
         "{cell}「{field}」为「{value}」，带有比较符号或是一个区间，不是实际完成的数值（目标值「{expected}」）",
         "请填写实际完成的数值，如「96.5%」「411 次」，不要写「≥95%」。"),
    Code("XF512", "warning", "完成值是说明文字或占位符",
         "{cell}「{field}」为「{value}」，没有写出完成情况（是说明文字、占位符或“详见附件”一类的话）",
         "请删除说明文字，填写实际完成情况。"),
    Code("XF513", "warning", "无目标值却得满分",
         "{cell}「{field}」为满分 {value}，但本行没有目标值，无法判断是否完成",
         "请核对本指标的目标值；没有目标的指标不应直接给满分。"),
    Code("XF514", "warning", "同一任务列在两个二级指标下",
         "{cell}「{field}」「{value}」与第 {other} 行（{expected}）是同一项任务，"
         "在两个二级指标下重复计分",
         "请合并为一个指标，或把两行改为不同的任务。"),
    Code("XF515", "warning", "执行率超过 100% 未说明原因",
         "预算执行率为 {value}，超过 100%，但{cell}「{field}」未填写",
         "请说明执行数超过预算数的原因。"),
    Code("XF516", "warning", "全年预算数按执行数调减",
         "{cell}「{field}」为 {value}，恰好等于全年执行数，且低于年初预算数 {expected}",
         "全年预算数应为批复调整后的预算，不应按实际支出倒填；请核对。"),
    Code("XF517", "warning", "金额疑似以元填写",
         "{cell}「{field}」为 {value}，约为{basis}的 {ratio} 倍，像是按“元”填写（按万元应约为 {expected}）",
         "本表金额单位为万元，请核对并换算后重新填写。"),
    Code("XF518", "warning", "得分超过分值，总分按分值计算",
         "{cell}「{field}」：有指标得分超过分值，总分按各项不超过分值计算应为 {expected}（等级：{grade}），"
         "按所填得分相加为 {value}",
         "请把超过分值的得分改为不超过分值的数。"),
)

# Year on year (previous/compare.py, `merge --previous`; checks/previous.py for a form showing 上年完成值):
# what only last year's figures beside this year's show.
register(
    Code("XF520", "warning", "目标值低于上年实际完成值",
         "{cell}「{field}」为「{value}」，低于上年同一指标「{past_name}」已达到的实际完成值「{expected}」"
         "（上年：{past_file}）",
         "目标值一般不应低于上年已达到的水平；如确需下调，请在目标内容或说明中写明理由。"),
    Code("XF521", "warning", "总分上升而执行率明显下降",
         "{cell}「{field}」为 {value}，高于上年的 {expected}，而预算执行率为 {rate}，比上年的 {past_rate} "
         "下降了 {drop} 个百分点（上年报送：{past_file}）",
         "执行率明显下降时自评总分通常不应上升；请核对各项得分是否客观，如有特殊原因请在偏差原因中说明。"),
)

# The reviewer's reading of how the table was set up and answered (checks/review.py; [rules.review]).
register(
    Code("XF530", "error", "模板说明文字未替换",
         "{cell}「{field}」中是表格模板自带的填写说明「{value}」，不是填报内容",
         "请删除说明文字，按说明的要求填写实际内容。"),
    Code("XF531", "warning", "预填内容含模板说明",
         "{cell}「{field}」「{value}」中留有表格模板的提示「{expected}」",
         "下发的表格内容带有模板提示，请财政部门或主管部门确认后改正。"),
    Code("XF532", "warning", "占位行带有分值",
         "{cell}「{field}」为 {value}，但本行指标是占位符「{expected}」，没有实际指标",
         "请删除本行分值，或填写实际的指标。"),
    Code("XF533", "warning", "目标值不是可衡量的值",
         "{cell}「{field}」为「{value}」，不是可衡量的值，{level2}的目标值应是数量、比例、金额或时限",
         "请把目标值写成可衡量的值（如「≥3 次」「100%」「≤20 万元」「9 月底前」）。"),
    Code("XF534", "warning", "一次性任务以百分比为目标",
         "{cell}「{field}」为「{value}」，而本行任务「{expected}」是一个数量",
         "数量指标的目标值应写任务的数量（如「1 次」「3 个」），完成值写实际完成的数量。"),
    Code("XF535", "warning", "完成值偏离目标 30% 以上却得满分",
         "{cell}「{field}」为「{value}」，比目标值「{expected}」{how} {share}，得满分且未说明原因",
         "完成值偏离目标值较大时，请在偏差原因中说明（目标是否定得过低或过宽），并核对得分。"),
    Code("XF536", "warning", "完成情况照抄目标内容",
         "{cell}「{field}」「{value}」与{source}「{expected}」大部分相同，没有写出实际完成了什么",
         "请写明实际完成的情况（做了什么、做了多少、何时完成），而不是重复目标。"),
    Code("XF537", "warning", "金额指标以百分比表示",
         "{cell}「{field}」为「{value}」，而本行指标「{expected}」是一项金额",
         "成本、经费等金额指标的目标值和完成值应以元或万元填写。"),
    Code("XF538", "warning", "年中调整预算未说明",
         "{cell}「{field}」：{row}年初预算数 {initial} 与全年预算数 {budget} 不同，{said}",
         "年中调整（追加或调减）预算的，请在预算执行偏差原因中说明调整的理由。"),
    Code("XF539", "warning", "模板空行未删除",
         "{cell}「{field}」为模板的占位名称「{value}」，本行没有分值和内容，是未使用的空行",
         "请删除未使用的空行；如是下发表格自带的，请财政部门在下一轮的指标中删去。"),
    Code("XF540", "warning", "金额疑似以元填写",
         "{cell}「{field}」为 {value}（万元，即约 {yi} 亿元），超过本表金额的合理上限 {ceiling} 万元，像是按“元”填写"
         "（按万元应约为 {expected}）",
         "本表金额单位为万元，请核对并换算后重新填写。"),
    Code("XF541", "warning", "指标名称中留有模板提示",
         "{cell}「{field}」「{value}」中留有表格模板的提示「{expected}」，本行{target}已另行填写{others}",
         "请把提示换成本行的数值或删去提示，使指标名称完整。"),
    Code("XF542", "error", "指标分值均未填写",
         "{cell}「{field}」：本表印有分值一栏，指标的分值却一行也没有填写（{cells}，共 {count} 行）",
         "请按批复的绩效目标填写每个指标的分值；各指标分值与预算执行率分值之和应为 100。"),
    Code("XF543", "warning", "实际完成情况只写了套话",
         "{cell}「{field}」只写了「{value}」，没有写出实际完成了哪些任务、完成了多少",
         "请对照预期目标逐项写明实际完成的情况（做了什么、做了多少、何时完成）。"),
)

# The classes a performance reviewer flags (issue 19) and the codes that report each: the docs list them and the
# reviewer's corpus (tests/fixtures/reviewer) is measured class by class against them.
REVIEW_CLASSES: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (1, "同一任务在两个二级指标下计两次", ("XF514",)),
    (2, "模板说明文字未替换", ("XF530", "XF531", "XF541")),
    (3, "占位内容（指标1：、/、XX、**、……）", ("XF303", "XF532", "XF539")),
    (4, "无目标值却得满分", ("XF513",)),
    (5, "目标值不是可衡量的值；一次性任务以100%为目标", ("XF533", "XF534")),
    (6, "套话作完成值（达成预期指标、已完成、详见附件）", ("XF504", "XF512", "XF543")),
    (7, "完成值偏离目标30%以上却得满分且未说明", ("XF535",)),
    (8, "完成情况照抄目标内容", ("XF536",)),
    (9, "金额以元填写、金额以百分比表示", ("XF517", "XF537", "XF540")),
    (10, "年中调整预算未说明", ("XF538",)),
)

# The batch (check.py).
register(
    Code("XF901", "error", "检查时发生内部错误",
         "检查本文件时发生内部错误：{value}",
         "本文件未能完成检查；请将该文件发给系统维护人员。"),
    Code("XF902", "warning", "重复报送",
         "本文件与 {value} 内容完全相同",
         "请确认是否重复报送，只保留一份。"),
    Code("XF903", "warning", "批注副本未能写出",
         "本文件的批注副本未能写出：{value}",
         "检查结果不受影响；请按上述原因处理（如同名文件已存在、输出目录不可写、磁盘已满）后重新运行。"),
)

# The batch, re-run (check.py, annotate.py): what a second pass into the same folders did not write.
register(
    Code("XF920", "info", "批注副本未写出（已有文件）",
         "本文件的批注副本未写出：{value}",
         "检查结果不受影响；确认可以覆盖后加 --force 重新运行，或换一个 --annotate 目录。"),
)
# In an annotated copy only (annotate.py): a changed locked cell the copy put back, the unit's value quoted.
register(
    Code("XF921", "warning", "已恢复为下发时的预填内容",
         "{cell}「{field}」是下发时预填并锁定的内容，本副本已恢复为 {expected}（报送的表格中被改为 {value}）",
         "请不要修改锁定的内容；如确需调整，请与财政部门联系。"),
)
# What a batch could not look at is named, not skipped without a word.
register(
    Code("XF904", "error", "文件夹无法读取",
         "文件夹无法读取（{value}），其中的报送表未检查",
         "请确认该文件夹存在且有读取权限后重新运行。"),
)
