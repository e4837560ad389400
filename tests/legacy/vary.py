"""Every form of every set, written again with the noise a clerk's copy adds, compared with its record.

    python tests/legacy/vary.py [VARIANT ...]      # base, shift, unmerge, text, narrative_first, fill_merged, …

A variant changes the layout, not the content: the record each form should give stays the one written by
hand in expected*/ (its cells aside, which move). Written by openpyxl into a temporary folder; no file of
the sets is touched. `unmerge` is a copy with no merged range (the box's value in its first cell, the rest
empty), `shift` the whole sheet three rows down and two columns right, `text` every plain number typed as
text, `narrative_first` a report sheet before the form, `fill_merged` every merged label repeated over its
range ("unmerge and fill"), `spaced` short labels spread with ideographic spaces ("项　目　名　称"),
`fullwidth` brackets, colons and commas typed full-width, `xlsxwriter` the plain copy written by xlsxwriter
(its merged ranges' blank cells formatted, formulas with cached values), `gaps` an empty row after every
fifth, `empty_column` an empty column before D. tests/test_importer_variants.py
holds every variant to no value wrong or invented.
"""

from __future__ import annotations

import copy
import importlib
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import measure  # noqa: E402
from book import BookDesc, Put, SheetDesc, write_openpyxl, write_xlsxwriter  # noqa: E402

SETS = (("make_legacy", measure.EXPECTED), ("make_holdout", measure.HOLDOUT_EXPECTED),
        ("make_holdout2", measure.HOLDOUT2_EXPECTED), ("make_holdout3", measure.HOLDOUT3_EXPECTED),
        ("make_holdout4", measure.HOLDOUT4_EXPECTED))


def shift(book: BookDesc, dr: int = 3, dc: int = 2) -> None:
    for s in book.sheets:
        s.cells = {(r + dr, c + dc): p for (r, c), p in s.cells.items()}
        s.merges = [(a + dr, b + dc, c + dr, d + dc) for a, b, c, d in s.merges]
        s.widths = {c + dc: w for c, w in s.widths.items()}


def unmerge(book: BookDesc) -> None:
    for s in book.sheets:
        s.merges = []


def as_text(book: BookDesc) -> None:
    for s in book.sheets:
        for k, p in s.cells.items():
            if isinstance(p.value, int | float) and not isinstance(p.value, bool) and not p.fmt:
                s.cells[k] = Put(str(p.value), p.fmt, p.wrap)


def narrative_first(book: BookDesc) -> None:
    s = SheetDesc("说明")
    s.put("A1", "关于2021年度绩效自评工作的说明")
    s.put("A2", "本单位按要求开展了自评，自评得分95分，预算执行率98.5%，年度资金总额120万元。")
    book.sheets.insert(0, s)


def fill_merged(book: BookDesc) -> None:
    for s in book.sheets:
        for a, b, c, d in s.merges:
            p = s.cells.get((a, b))
            if p is None or not isinstance(p.value, str):
                continue
            for r in range(a, c + 1):
                for cc in range(b, d + 1):
                    s.cells[(r, cc)] = p
        s.merges = []


_SHORT_LABEL = re.compile(r"^[\u4e00-\u9fff]{2,6}$")
_FULL = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，", ";": "；"})


def spaced(book: BookDesc) -> None:
    """Short labels spread with ideographic spaces, as typed to fill a wide cell ("项　目　名　称")."""
    for s in book.sheets:
        for k, p in s.cells.items():
            if isinstance(p.value, str) and _SHORT_LABEL.match(p.value):
                s.cells[k] = Put("\u3000".join(p.value), p.fmt, p.wrap)


def fullwidth(book: BookDesc) -> None:
    """Brackets, colons and commas typed full-width in every text."""
    for s in book.sheets:
        for k, p in s.cells.items():
            if isinstance(p.value, str):
                s.cells[k] = Put(p.value.translate(_FULL), p.fmt, p.wrap)


def gaps(book: BookDesc, every: int = 5) -> None:
    """An empty row inserted after every fifth row (merged ranges grow over it)."""
    def at(r: int) -> int:
        return r + r // every
    for s in book.sheets:
        s.cells = {(at(r), c): p for (r, c), p in s.cells.items()}
        s.merges = [(at(a), b, at(c), d) for a, b, c, d in s.merges]


def empty_column(book: BookDesc, col: int = 3) -> None:
    """An empty column inserted before column D."""
    def at(c: int) -> int:
        return c + (1 if c >= col else 0)
    for s in book.sheets:
        s.cells = {(r, at(c)): p for (r, c), p in s.cells.items()}
        s.merges = [(a, at(b), c, at(d)) for a, b, c, d in s.merges]
        s.widths = {at(c): w for c, w in s.widths.items()}


VARIANTS: dict[str, Callable[[BookDesc], None]] = {
    "base": lambda b: None, "shift": shift, "unmerge": unmerge, "text": as_text,
    "narrative_first": narrative_first, "fill_merged": fill_merged, "spaced": spaced, "fullwidth": fullwidth,
    "xlsxwriter": lambda b: None, "gaps": gaps, "empty_column": empty_column}


def fixtures() -> list[tuple[str, Callable[[], BookDesc], dict[str, Any]]]:
    """(file, builder, expected record) of every form of every set."""
    out = []
    for module, expected in SETS:
        exps = {e["file"]: e for e in measure.expectations(expected)}
        for file, fn, _ in importlib.import_module(module).FIXTURES.values():
            if file in exps:
                out.append((file, fn, exps[file]))
    return out


def measure_variant(variant: str, file: str, fn: Callable[[], BookDesc], exp: dict[str, Any],
                    folder: Path) -> measure.Tally:
    book = fn()
    VARIANTS[variant](book)
    path = folder / f"{Path(file).stem}_{variant}.xlsx"
    (write_xlsxwriter if variant == "xlsxwriter" else write_openpyxl)(book, path)
    exp = copy.deepcopy(exp)
    exp["file"] = path.name
    for form in exp["forms"]:
        form.pop("cells", None)
    return measure.measure(exp, folder)


def main(argv: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for variant in argv or list(VARIANTS):
            total = measure.Tally()
            for file, fn, exp in fixtures():
                t = measure_variant(variant, file, fn, exp, Path(tmp))
                total.add(t)
                for line in [*t.wrong, *t.invented, *t.forms_extra, *t.narrative_read]:
                    print(f"  {variant}: {line}")
            print(f"{variant:16} right {total.right}/{total.total}, wrong {len(total.wrong)}, invented "
                  f"{len(total.invented)}, missing {len(total.missing)}, forms {total.forms_found}/"
                  f"{total.forms_expected}, extra {len(total.forms_extra)}, narrative read {len(total.narrative_read)}")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent.parent))
    main(sys.argv[1:])
