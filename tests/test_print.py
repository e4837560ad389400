"""Every output prints on A4, proven by rendering: LibreOffice prints each kind of workbook xlsform writes to PDF,
and poppler's word boxes (`pdftotext -bbox`) show what a clerk would see on paper.

On every page of every output: no two words overlap (wrapped text printed over the next row), no word is set
smaller than 8 pt (a table shrunk to one page wide), every page holds more than repeated titles (an empty
trailing page). A blank form fits two pages and shows no total or grade; text the unit typed prints whole.

One LibreOffice batch converts everything (about 20 s); font sizes are measured against a calibration sheet of
8 pt text in the same batch, because a word box is the font's ascent and descent, not its size.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from tests.conftest import load_seed
from tests.helpers_lo import LibreOffice, libreoffice, missing
from tests.helpers_summary import merge_real_round
from tests.test_merge import make_record, random_batch, result, summarize
from xlsform.annotate import annotate_result
from xlsform.check import check_file
from xlsform.layout import Layout
from xlsform.merge import SUMMARY_COLUMNS, MatchRow
from xlsform.spec import load_spec
from xlsform.writer import write_form
from xlsform.writer.measure import rows_height, text_height, wrapped_lines
from xlsform.writer.summary import FONT_SIZE, RULE_NOTE, write_summary

pytestmark = pytest.mark.libreoffice
__all__ = ["libreoffice"]   # the session fixture, imported so pytest finds it here

SPECS = ("wangcheng", "zhuzhou", "project")
MIN_POINTS = 8.0
REASON = "受疫情影响，部分培训推迟到下一年度举办，原定的三场只完成了一场，剩余两场已列入次年计划并落实经费。"
TYPED = "因场地改造，第二季度活动暂停两个月，已于九月补办并增加一场线上宣讲，全年计划基本完成。"


# ------------------------------------------------------------------------------------------- word boxes

@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def overlap(self, other: Word) -> bool:
        """Real overlap: more than a sliver across, and more than a third of a line down (the boxes of
        consecutive wrapped lines touch by design: a box is the font's full ascent and descent)."""
        dx = min(self.x1, other.x1) - max(self.x0, other.x0)
        dy = min(self.y1, other.y1) - max(self.y0, other.y0)
        return dx > 1.0 and dy > min(self.height, other.height) / 3


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: tuple[Word, ...]

    def body(self) -> list[Word]:
        """Words between the page header and footer bands."""
        return [w for w in self.words if self.height * 0.07 < w.y0 and w.y1 < self.height * 0.93]


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


def pages(pdf: Path) -> list[Page]:
    tool = shutil.which("pdftotext")
    if tool is None:
        reason = "pdftotext (poppler-utils) is not installed: run `bash scripts/install-test-deps.sh`"
        missing(reason)
    out = subprocess.run([str(tool), "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True,
                         timeout=60).stdout
    return [Page(float(m.group(1)), float(m.group(2)),
                 tuple(Word(*map(float, w.groups()[:4]), html.unescape(w.group(5)))
                       for w in _WORD.finditer(m.group(3))))
            for m in _PAGE.finditer(out)]


def overlaps(page: Page) -> list[tuple[str, str]]:
    words = sorted(page.words, key=lambda w: w.x0)
    found = []
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            if b.x0 >= a.x1:
                break
            if a.overlap(b):
                found.append((a.text, b.text))
    return found


def is_cjk(text: str) -> bool:
    return any("\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in text)


def text_of(doc: list[Page]) -> str:
    return "".join(w.text for p in doc for w in p.words)


# ------------------------------------------------------------------------------------------- the outputs

def calibration(path: Path) -> Path:
    """8 pt text, CJK and Latin, in the forms' font and the default one, printed at 100%."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    for r, font in enumerate(("宋体", "Calibri")):
        fmt = wb.add_format({"font_name": font, "font_size": MIN_POINTS})
        ws.write_string(r * 2, 0, "八磅汉字", fmt)
        ws.write_string(r * 2 + 1, 0, "Eight 0123", fmt)
    wb.close()
    return path


def filled_values(spec_id: str) -> dict[str, Any]:
    """A unit's return with long typed text: a seed form, the project form borrowing Zhuzhou's figures."""
    record = load_seed("001" if spec_id != "wangcheng" else "002")
    layout = Layout(load_spec(spec_id))
    values = {k: v for k, v in record.values.items() if k in layout.places}
    values |= {"ind.1.reason": REASON * 2, "ind.2.improvement": REASON, "execution.reason": REASON * 3}
    if spec_id == "project":
        values |= {"department": "株洲市某局", "implementer": "株洲市某中心", "ind.1.nature": "≥"}
    return {k: v for k, v in values.items() if k in layout.places}


def outputs(folder: Path) -> dict[str, Path]:
    """Every kind of output, by a label: blank forms, filled returns, annotated copies, one summary."""
    made: dict[str, Path] = {}
    for spec_id in SPECS:
        layout = Layout(load_spec(spec_id))
        write_form(made.setdefault(f"blank {spec_id}", folder / f"blank_{spec_id}.xlsx"), layout, {}, password="t")
        filled = made.setdefault(f"filled {spec_id}", folder / f"filled_{spec_id}.xlsx")
        write_form(filled, layout, filled_values(spec_id), password="t")
        checked = check_file(filled)
        assert checked.findings, f"the {spec_id} return needs findings for its annotated copy"
        made[f"annotated {spec_id}"] = annotate_result(checked, layout, folder)
        # generate --previous: the 上年完成值 column shown, the form still one page wide
        write_form(made.setdefault(f"previous {spec_id}", folder / f"previous_{spec_id}.xlsx"), layout,
                   previous_values(spec_id), password="t")
    made["summary"] = summary_workbook(folder / "汇总.xlsx")
    made["measured"] = measured_rows(folder / "measured.xlsx")
    for units in ROUNDS:       # a real round's merge: generated forms, filled returns, the CLI
        made[f"round {units}"] = merge_real_round(folder / f"round{units}", folder / f"汇总{units}.xlsx",
                                                  units=units + 1, office=OFFICE)   # one unit never returns
    made["summary previous"] = summary_workbook(folder / "汇总-上年.xlsx", previous=True)
    return made


# Texts whose rows measure.py once measured too short: the hypothesis find of issue 15.23 (a leading space),
# digits in the face LibreOffice takes for 宋体 (0.64 em), a long path cut between characters.
MEASURED = ((" 1111111111分分分分分分分分分", 27), ("4301000001", 8), ("430100000 430100001 430100002", 12),
            ("returns/2024/第二批/" + "x" * 60, 18), ("分" * 14 + " " + "1" * 20, 27))


def measured_rows(path: Path) -> Path:
    """Each text in a wrapping 宋体 cell of its width, in a row as tall as measure.py says, one per row."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    fmt = wb.add_format({"font_name": "宋体", "font_size": 10, "text_wrap": True, "valign": "top", "border": 1})
    for r, (text, width) in enumerate(MEASURED):
        ws.set_column(r, r, width)
        ws.set_row(r * 2, text_height(text, width))
        ws.write_string(r * 2, r, text, fmt)
        ws.write_string(r * 2 + 1, r, "下一行", fmt)
    wb.close()
    return path


ROUNDS = {12: 8, 300: 60}       # units returned -> the most A4 pages their summary may print on (issue 15)
OFFICE = "长沙市望城区财政局"


def previous_values(spec_id: str) -> dict[str, Any]:
    """A filled return whose form showed last year's actuals (long ones too)."""
    values = filled_values(spec_id)
    rows = sorted({k.split(".")[1] for k in values if k.startswith("ind.") and k.endswith(".level1")}, key=int)
    texts = ("98.5%", "全年接待45批次，1100余人")
    return values | {f"ind.{i}.previous": texts[n % 2] for n, i in enumerate(rows)}


def summary_workbook(path: Path, previous: bool = False) -> Path:
    """60 units with long names and deep paths; several with errors, so every sheet has rows. `previous`:
    merged with last year's returns (merge --previous): its columns filled and a 上年对照 sheet."""
    records = [make_record(*b, name=f"长沙市望城区{'某某' * (i % 7)}综合服务中心{i}")
               for i, b in enumerate(random_batch(60, seed=3))]
    deep = "returns/2024年度/第二批/各乡镇街道/" + "子目录/" * 4
    s = summarize([result(r, f"{deep}{r.code}_{r.values['name']}_绩效自评表（修改后）.xlsx",
                          errors=int(i % 9 == 4), warnings=i % 3) for i, r in enumerate(records)])
    if previous:
        for row in s.rows:
            row.prev_total, row.prev_grade, row.prev_rate = Decimal("88.5"), "良", Decimal("0.9123")
            row.total_change = (row.total or Decimal(0)) - row.prev_total
            row.rate_change = (row.rate or Decimal(0)) - row.prev_rate
        for d in s.indicators:
            d.prev_target, d.prev_actual = "≥95%", "全年完成培训45批次，1100余人次"
        s.matches = [MatchRow(r.code, r.name, "单位：名称相近", r.name, f"4301{r.code} {r.name}（原名）", Decimal(93),
                              f"{deep}2023年/{r.code}.xlsx") for r in s.rows[:20]]
    write_summary(path, s)
    return path


# ------------------------------------------------------------------------------------------------ the test

def require_calibri_metrics() -> None:
    """Column widths count the default font's digits (Calibri 11, as on the units' machines). Without Calibri or
    its metric twin Carlito, LibreOffice substitutes a wider face and lays every column out a quarter wider, so
    a form fitted to the page width would print smaller here than anywhere a unit prints it."""
    match = subprocess.run(["fc-match", "Calibri"], capture_output=True, text=True).stdout \
        if shutil.which("fc-match") else ""
    if not re.search("carlito|calibri", match, re.I):
        reason = "no Calibri or Carlito font: run `bash scripts/install-test-deps.sh` (fonts-crosextra-carlito)"
        missing(reason)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("print")
    return {"calibration": calibration(folder / "calibration.xlsx"), **outputs(folder)}


@pytest.fixture(scope="module")
def printed(libreoffice: LibreOffice, made: dict[str, Path]) -> dict[str, list[Page]]:
    require_calibri_metrics()
    made = dict(made)
    folder = made["calibration"].parent
    jobs: list[dict[str, Any]] = [{"path": str(p), "pdf": str(p.with_suffix(".pdf"))} for p in made.values()]
    typed = folder / "typed_wangcheng.xlsx"   # the unit types long text into the blank form, in LibreOffice
    write_form(typed, Layout(load_spec("wangcheng")), {}, password="t")
    jobs.append({"path": str(typed), "pdf": str(typed.with_suffix(".pdf")),
                 "set": [["xf_ind_01_reason", "string", TYPED * 2], ["xf_ind_02_improvement", "string", TYPED]]})
    made["typed wangcheng"] = typed
    libreoffice.run_ok(jobs)
    return {label: pages(p.with_suffix(".pdf")) for label, p in made.items()}


def smallest_allowed(calibrated: list[Page]) -> dict[bool, float]:
    """The box height of 8 pt text, CJK (True) or not, in the smallest-boxed of the calibrated fonts."""
    words = calibrated[0].words
    return {cjk: min(w.height for w in words if is_cjk(w.text) == cjk) for cjk in (True, False)}


def problems(label: str, doc: list[Page], least: dict[bool, float]) -> Iterator[str]:
    assert doc, f"{label}: no pages"
    for n, page in enumerate(doc, start=1):
        for a, b in overlaps(page)[:3]:
            yield f"{label} p{n}: {a!r} overlaps {b!r}"
        small = [w for w in page.words if w.height < least[is_cjk(w.text)] * 0.97]
        for w in small[:3]:
            yield f"{label} p{n}: {w.text!r} smaller than {MIN_POINTS:g} pt ({w.height:.1f} pt box)"
        outside = [w for w in page.words if w.x0 < 0 or w.y0 < 0 or w.x1 > page.width or w.y1 > page.height]
        yield from (f"{label} p{n}: {w.text!r} runs off the page" for w in outside[:3])
    titles = set.intersection(*({(w.text, round(w.x0)) for w in p.body()} for p in doc)) if len(doc) > 1 else set()
    for n, page in enumerate(doc, start=1):
        if not [w for w in page.body() if (w.text, round(w.x0)) not in titles]:
            yield f"{label} p{n}: nothing but repeated titles on the page"


def test_every_output_prints_readable_without_overlaps_or_empty_pages(printed: dict[str, list[Page]]) -> None:
    least = smallest_allowed(printed["calibration"])
    found = [p for label, doc in printed.items() if label != "calibration" for p in problems(label, doc, least)]
    assert not found, "\n".join(found[:40])


@pytest.mark.parametrize("spec_id", SPECS)
def test_a_blank_form_prints_on_two_pages_with_no_score(printed: dict[str, list[Page]], spec_id: str) -> None:
    doc = printed[f"blank {spec_id}"]
    assert len(doc) == 2, f"{spec_id}: {len(doc)} pages"
    words = [w for p in doc for w in p.words]
    assert not {w.text for w in words} & {"等级：差", "差"}, f"{spec_id}: a grade before anything is scored"
    totals = [w for w in words if w.text == "总分"]
    beside = [w.text for t in totals for w in words if abs(w.y0 - t.y0) < 3 and w is not t]
    assert totals and "0.00" not in beside, f"{spec_id}: a total before anything is scored: {beside}"


def table_label(spec_id: str) -> str:
    """The label merged down beside the indicator table (年度绩效指标, 绩效指标)."""
    layout = Layout(load_spec(spec_id))
    first, last = layout.ind_header_rows
    return next(lab.text for lab in layout.labels if first <= lab.row <= last < lab.last_row)


@pytest.mark.parametrize("spec_id", SPECS)
def test_the_indicator_tables_label_heads_every_page_the_table_runs_onto(printed: dict[str, list[Page]],
                                                                          spec_id: str) -> None:
    """Issue 15.16: the label merged down the table was cut by the page break (printed once, centred on the
    whole range: on one page of two, or on neither at the table's head)."""
    label = table_label(spec_id)
    for kind in ("blank", "filled", "annotated", *(["typed"] if spec_id == "wangcheng" else [])):
        doc = printed[f"{kind} {spec_id}"]
        heads = [(n, w) for n, p in enumerate(doc, start=1) for w in p.words if w.text == "三级指标"]
        assert heads, f"{kind} {spec_id}: no indicator table"
        for n, head in heads:
            mid = (head.y0 + head.y1) / 2
            beside = [w for w in doc[n - 1].words if w.x1 <= head.x0 and len(w.text) >= 2
                      and label.startswith(w.text) and abs((w.y0 + w.y1) / 2 - mid) < 15]
            assert beside, f"{kind} {spec_id} p{n}: the table's header without {label!r} beside it"


def test_text_the_unit_typed_prints_whole(printed: dict[str, list[Page]]) -> None:
    for label in ("filled wangcheng", "annotated wangcheng", "filled project"):
        assert REASON * 2 in text_of(printed[label]), label
    assert TYPED * 2 in text_of(printed["typed wangcheng"])


def test_summary_pages_repeat_the_unit_code_and_name(printed: dict[str, list[Page]]) -> None:
    doc = printed["summary"]
    assert len(doc) > 2
    for n, page in enumerate(doc, start=1):
        texts = {w.text for w in page.words}
        if "单位编码" in texts or "分类" in texts:   # 统计 has no unit columns
            continue
        raise AssertionError(f"summary p{n}: no 单位编码 header")
    names = [p for p in doc if any(w.text.startswith("长沙市望城区") for w in p.words)]
    assert len(names) >= len(doc) - 2   # every table page but 统计 shows unit names


def test_the_checks_themselves_catch_each_defect() -> None:
    """The page checks on made-up word boxes: each defect is reported, and a clean page is not."""
    least = {True: 10.0, False: 10.0}
    title = Word(100, 100, 140, 111, "单位编码")
    clean = Page(842, 595, (title, Word(100, 120, 140, 131, "4300001"), Word(100, 130, 140, 141, "4300002")))
    more = Page(842, 595, (title, Word(100, 120, 140, 131, "4300003")))
    assert list(problems("clean", [clean, more], least)) == []
    over = Page(842, 595, (title, Word(100, 120, 160, 131, "说明很长"), Word(120, 122, 150, 133, "下一行")))
    small = Page(842, 595, (title, Word(100, 120, 140, 126, "5pt")))
    empty = Page(842, 595, (title, Word(400, 570, 440, 580, "第 2 页")))
    found = list(problems("doc", [clean, over, small, empty], least))
    assert any("overlaps" in f and "p2" in f for f in found)
    assert any("smaller than 8 pt" in f and "p3" in f for f in found)
    assert any("nothing but repeated titles" in f and "p4" in f for f in found)
    assert len(found) == 3, found


# ------------------------------------------------------------------------------------ the summary on paper

def page_text(page: Page) -> str:
    return "".join(w.text for w in page.words)


def headed(page: Page, name: str) -> bool:
    """The page's header band names the sheet (the page header: title, sheet, office, date)."""
    return any(w.text.startswith(name) for w in page.words if w.y1 < page.height * 0.09)


@pytest.mark.parametrize("units", ROUNDS)
def test_a_round_summary_prints_on_few_pages_headed_by_its_title(printed: dict[str, list[Page]], units: int) -> None:
    doc = printed[f"round {units}"]
    assert len(doc) <= ROUNDS[units], f"{units} units: {len(doc)} pages"
    today = datetime.now()
    for n, page in enumerate(doc, start=1):
        head = page_text(Page(page.width, page.height, tuple(w for w in page.words if w.y1 < page.height * 0.09)))
        for part in ("2020年度部门整体支出绩效自评汇总表", f"编制单位：{OFFICE}", f"编制日期：{today.year}年"):
            assert part in head, f"{units} units p{n}: no {part!r} in the page header {head!r}"
    first = page_text(doc[0])
    assert "财政拨款预算数" in first and "财政拨款执行数" in first
    assert not [p for p in doc if headed(p, "指标明细")], "指标明细 prints with the workbook"


def test_the_footnote_prints_whole(printed: dict[str, list[Page]]) -> None:
    for label in ("summary", "round 12"):
        text = "".join(page_text(p) for p in printed[label] if headed(p, "汇总表"))
        assert RULE_NOTE.format(excluded="有错误的单位已列出但未计入合计。").replace(" ", "") in text, label


def test_every_error_prints_whole_on_one_page_with_its_unit(printed: dict[str, list[Page]],
                                                               made: dict[str, Path]) -> None:
    doc = printed["round 12"]
    issues = [p for p in doc if headed(p, "问题清单")]
    assert issues, "the errors of 问题清单 print"
    import openpyxl  # the messages as written, to find each one whole on a page

    wb = openpyxl.load_workbook(made["round 12"])
    ws = wb["问题清单"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    printed_rows = int(re.fullmatch(r"'?问题清单'?!\$A\$1:\$F\$(\d+)", ws.print_area).group(1)) - 1
    errors = [row for row in rows if row[2] == "错误"]
    assert errors and all(row[2] == "错误" for row in rows[:printed_rows] if str(row[0]).startswith("4301"))
    assert not [row for row in rows[printed_rows:] if row[2] == "错误"]
    for code, _name, _severity, finding, _cell, message, *_ in errors:
        assert any(str(message).replace(" ", "") in page_text(p) and str(code or "") in page_text(p)
                   and str(finding) in page_text(p) for p in issues), f"{code} {finding}: not whole on one page"
    # what prints is those rows (errors, and a stranger's file with its note), not the units' warnings:
    # those are on screen only (hundreds of pages for a big round)
    codes = [w for p in issues for w in p.words if re.fullmatch(r"XF\d{3}|—", w.text)]
    assert len(codes) == printed_rows < len(rows)


def test_an_empty_list_prints_no_page_and_paths_print_nowhere(printed: dict[str, list[Page]],
                                                              made: dict[str, Path]) -> None:
    doc = printed["summary"]              # every unit returned: 未报送 is empty
    assert not [p for p in doc if headed(p, "未报送")]
    assert "returns/2024年度" not in "".join(page_text(p) for p in doc)   # the deep paths of 来源文件
    # a row is as tall as its unit's name needs: the long path beside it does not wrap
    import openpyxl

    ws = openpyxl.load_workbook(made["summary"])["汇总表"]
    width = next(c.width for c in SUMMARY_COLUMNS if c.attr == "name")
    for r in range(2, ws.max_row - 1):
        lines = wrapped_lines(str(ws.cell(r, 2).value), width, FONT_SIZE)
        height = ws.row_dimensions[r].height
        assert (height is None) == (lines == 1) and (height is None or abs(height - rows_height(lines, FONT_SIZE)) < 1)


def test_measured_rows_print_whole(printed: dict[str, list[Page]]) -> None:
    """The overlap check above would see a cut line printed over 下一行; here: every character is there."""
    text = text_of(printed["measured"])
    for t, width in MEASURED:
        assert t.replace(" ", "") in text, (t, width)
