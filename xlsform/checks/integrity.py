"""Integrity: is this the workbook we sent, with its locked cells, formulas and sheets as they were?

Sheet protection is a convenience for honest users, not security (DESIGN §4): a unit can unprotect, edit a
target and protect again. So every prefilled value is compared with the manifest and every formula with the
spec, cell by cell. Without the manifest, the prefilled values are compared with the copy the workbook
carries in `_xf_meta` (prefill.py); with it, the manifest wins and a copy that differs from it is reported
too. What the file is (not xlsx, encrypted, a zip bomb, ...) the reader has already reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from xlsform import prefill
from xlsform.checks.context import CheckContext
from xlsform.codes import Finding
from xlsform.layout import FINDINGS_SHEET, LISTS_SHEET, META_SHEET, Layout, a1
from xlsform.lazyre import lazy
from xlsform.scoring import EARLIER_GENERATORS, to_decimal
from xlsform.xlsx import name_target

_FORMULA_NOISE = re.compile(r"[\s$]")


def check(ctx: CheckContext) -> Iterator[Finding]:
    yield from _version(ctx)
    stale = stale_issue(ctx)
    yield from _against_manifest(ctx, stale)
    if ctx.imported:      # a hand-made form: nothing was locked, no formula or copy was sent; said once
        yield ctx.finding("XF171")
        yield from _external(ctx)
        return
    yield from _against_own_copy(ctx, stale)
    if ctx.workbook is not None:
        yield from _formulas(ctx)
        yield from _sheets(ctx)
        yield from _external(ctx)


def _version(ctx: CheckContext) -> Iterator[Finding]:
    accepted = ctx.spec.accept_versions
    if ctx.record.spec_version not in accepted:
        yield ctx.finding("XF151", value=ctx.record.spec_version, expected="、".join(accepted))


# ----------------------------------------------------------------------------------- the manifest

def _against_manifest(ctx: CheckContext, stale: Finding | None) -> Iterator[Finding]:
    m = ctx.manifest
    if m is None:
        return
    if (m.spec_id, str(m.spec_version)) != (ctx.record.spec_id, ctx.record.spec_version):
        yield ctx.finding("XF155", value=f"{ctx.record.spec_id} {ctx.record.spec_version}",
                          expected=f"{m.spec_id} {m.spec_version}")
    if getattr(m, "year", None) and ctx.record.year is not None and int(m.year) != ctx.record.year \
            and _own_year(ctx) in (None, int(m.year)):       # the form's own year differs: XF164 says it
        yield ctx.finding("XF160", "year", value=ctx.record.year, expected=int(m.year))
    if ctx.entry is None:
        yield ctx.finding("XF154", "code", value=ctx.record.code)
        return
    if stale is not None:     # not this round's form: one finding, no cell "changed" against another form
        yield stale
        return
    imported = ctx.imported
    for key, sent in ctx.entry.prefilled.items():
        now = ctx.record.values.get(key)
        if imported and now is None and key not in ctx.record.cells:
            continue   # a hand-made copy's printed labels did not lead to this field: not read, not changed
        if key in ctx.layout.places and not same_value(now, sent):
            yield ctx.finding("XF152", key, value=now, expected=sent)


def stale_issue(ctx: CheckContext) -> Finding | None:
    """XF164 when the workbook was sent in another year's round (its own identity in `_xf_meta` says so), XF165
    when its prefilled copy is what this unit's form held before `generate --reissue` replaced it. Such a file
    is as it was sent, so comparing its locked cells with this round's would accuse the unit of changing
    every one of them (and its annotated copy would mix two forms)."""
    m, entry = ctx.manifest, ctx.entry
    if m is None or entry is None or ctx.imported:
        return None
    own = _own_year(ctx)
    if own is not None and getattr(m, "year", None) and own != int(m.year):
        return ctx.finding("XF164", value=own, expected=int(m.year), form=entry.file)
    if not entry.history:     # never re-issued: the common case costs nothing more
        return None
    copy = prefill.from_meta(getattr(ctx.workbook, "meta", None) or {})
    if not copy or copy is prefill.BROKEN or _as_copied(copy, entry.prefilled, ctx.layout):
        return None
    for old in reversed(entry.history):
        if _as_copied(copy, old.get("prefilled") or {}, ctx.layout):
            return ctx.finding("XF165", value=str(old.get("reissued_at", ""))[:10] or "—", form=entry.file)
    return None


def _own_year(ctx: CheckContext) -> int | None:
    """The year the workbook was generated for, from its own `_xf_meta` (not the cell a unit could edit)."""
    text = (getattr(ctx.workbook, "meta", None) or {}).get("year")
    try:
        return int(str(text).strip()) if text not in (None, "") else None
    except ValueError:
        return None


def _as_copied(copy: dict[str, Any], sent: dict[str, Any], layout: Layout) -> bool:
    """Whether a workbook's prefilled copy is exactly what `sent` prefilled (the cells a form shows)."""
    keys = {k for k in (*copy, *sent) if k in layout.places}
    return all(same_value(copy.get(k), sent.get(k)) for k in keys)


def _against_own_copy(ctx: CheckContext, stale: Finding | None) -> Iterator[Finding]:
    copy = prefill.from_meta(getattr(ctx.workbook, "meta", None) or {})
    if copy is prefill.BROKEN:
        yield ctx.finding("XF163")
        return
    if not copy:
        return
    if ctx.manifest is None:
        values, places = ctx.record.values, ctx.layout.places
        if copy.items() <= values.items():   # every copied value as the form holds it (==): one look, in C
            return
        for key, sent in copy.items():
            now = values.get(key)
            if now != sent and key in places and not same_value(now, sent):   # equal: 307.0 == 307, "a" == "a"
                yield ctx.finding("XF161", key, value=now, expected=sent)
    elif ctx.entry is not None and stale is None:   # the copy edited to match a changed cell
        for key, sent in ctx.entry.prefilled.items():
            if key in copy and key in ctx.layout.places and not same_value(copy[key], sent):
                yield ctx.finding("XF162", key, value=copy[key], expected=sent)


def same_value(a: Any, b: Any) -> bool:
    """Equal as a clerk would read them: 20 == 20.0 == "20", surrounding spaces ignored."""
    if type(a) is type(b) and a == b:    # most prefilled cells come back untouched
        return True
    if a in (None, "") or b in (None, ""):
        return a in (None, "") and b in (None, "")
    da, db = to_decimal(a), to_decimal(b)
    if da is None and isinstance(a, str):
        da = _decimal_text(a)
    if db is None and isinstance(b, str):
        db = _decimal_text(b)
    if da is not None and db is not None:
        return da == db
    return str(a).strip() == str(b).strip()


def _decimal_text(s: str) -> Any:
    try:
        return to_decimal(float(s))
    except ValueError:
        return None


# -------------------------------------------------------------------------------- the raw workbook
# The few facts taken from the raw workbook (xlsx.RawWorkbook) go through these accessors only.

def _form_sheet(wb: Any, sheet: str) -> Any:
    form = getattr(wb, "form", None)
    return form if form is not None and form.name == sheet else None


def _formula_of(wb: Any, sheet: str, ref: str) -> tuple[str | None, Any]:
    """(formula text without '=', cached or constant value) of a cell of the form sheet."""
    form = _form_sheet(wb, sheet)
    cell = form.at(ref) if form is not None else None
    if cell is None:
        return None, None
    return (cell.formula.lstrip("=") if cell.formula else None), cell.value


def _sheet_names(wb: Any) -> list[str]:
    return [s.name for s in wb.sheets]


def _protected(wb: Any, sheet: str) -> bool | None:
    form = _form_sheet(wb, sheet)
    return None if form is None else bool(form.protected)


def _links(wb: Any) -> Iterable[str]:
    return [str(x) for x in (getattr(wb, "external_links", None) or ())]


# ------------------------------------------------------------------------------------ the checks

_FORMULAS: dict[int, tuple[Layout, dict[str, tuple[str, str, tuple[tuple[frozenset[str], str], ...]]]]] = {}


def spec_formulas(layout: Layout) -> dict[str, tuple[str, str, tuple[tuple[frozenset[str], str], ...]]]:
    """Each computed field's formula, its canonical form and the formulas earlier releases wrote for it,
    built once per layout (not per file)."""
    hit = _FORMULAS.get(id(layout))
    if hit is None or hit[0] is not layout:
        table = {p.key: (f := layout.formula(p.key).lstrip("="), _canon(f),
                         tuple((g, e.lstrip("=")) for g, e in layout.earlier_formulas(p.key)))
                 for p in layout.computed()}
        hit = _FORMULAS[id(layout)] = (layout, table)
    return hit[1]


_UNVERIFIABLE = {"formulas": "计算单元格中的公式"}


def _formulas(ctx: CheckContext) -> Iterator[Finding]:
    lost = [w for w in getattr(ctx.workbook, "unverifiable", ()) if w in _UNVERIFIABLE]
    if lost:
        # A .xls keeps each formula's result but xlrd cannot give its text: said once, never "altered" 9 times.
        # The results are still compared with the recomputation (XF407).
        yield ctx.finding("XF118", value="、".join(_UNVERIFIABLE[w] for w in lost))
        return
    # Rows inserted or deleted (XF112, a warning): Excel and LibreOffice move the formulas' references with
    # the cells, so compare with the spec's formula as it reads at the fields' new places.
    moved = _moved_refs(ctx) if any(f.code == "XF112" for f in ctx.prior) else {}
    # A form an earlier xlsform wrote keeps that version's formulas: they are its own, not an alteration.
    generator = (getattr(ctx.workbook, "meta", None) or {}).get("generator")
    earlier_form = generator in EARLIER_GENERATORS
    for key, (want, canon, earlier) in spec_formulas(ctx.layout).items():
        sheet, cell = ctx.where(key)
        if cell is None:
            continue
        if _form_sheet(ctx.workbook, sheet or ctx.spec.sheet) is None:
            return  # no form sheet to compare with: the reader has said why
        if moved:
            want = _moved(want, moved)
            canon = _canon(want)
        accepted = {canon}
        if earlier_form:
            accepted.update(_canon(_moved(e, moved) if moved else e) for g, e in earlier if generator in g)
        found, shown = _formula_of(ctx.workbook, sheet or ctx.spec.sheet, cell)
        if found is not None and _canon(found) in accepted:
            continue
        now = f"={found}" if found else (shown if shown not in (None, "") else "（空）")
        yield ctx.finding("XF153", key, value=now, expected=f"={want}")


def _moved(formula: str, moved: dict[str, str]) -> str:
    return _CELL_REF.sub(lambda m: moved.get(m.group(0).replace("$", ""), m.group(0)), formula)


_CELL_REF = lazy(r"(?<![A-Za-z0-9_.!'\"])\$?[A-Z]{1,3}\$?[0-9]+(?![A-Za-z0-9_(])")


_MOVED: dict[tuple[int, int, str], tuple[Layout, Any, dict[str, str]]] = {}


def _moved_refs(ctx: CheckContext) -> dict[str, str]:
    """Template cell -> the cell the field sits in now, for every field the reader found elsewhere.

    Worked out once per layout and workbook.xml: returns with rows inserted the same way share it."""
    form = getattr(ctx.workbook, "form", None)
    items = getattr(ctx.workbook, "names_items", None)
    if form is None or not items:
        return _moved_refs_of(ctx.layout, form, getattr(ctx.workbook, "names", None) or {})
    key = (id(ctx.layout), id(items), form.name)
    hit = _MOVED.get(key)
    if hit is None or hit[0] is not ctx.layout or hit[1] is not items:
        if len(_MOVED) > 64:
            _MOVED.clear()
        hit = _MOVED[key] = (ctx.layout, items, _moved_refs_of(ctx.layout, form, dict(items)))
    return hit[2]


def _moved_refs_of(layout: Layout, form: Any, names: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for place in layout.places.values():
        target = name_target(names.get(place.name, ""))   # every field's name, filled in or not
        if form is not None and target is not None and target[0] == form.name:
            cell = a1(target[1], target[2])
            if cell != place.ref:
                out[place.ref] = cell
    return out


@lru_cache(maxsize=4096)   # a template's formulas, the same in every return
def _canon(formula: str) -> str:
    """Formula text as compared: spaces and $ are cosmetic; Excel upper-cases names when it saves."""
    return _FORMULA_NOISE.sub("", formula).upper().replace("_XLFN.", "")


def _sheets(ctx: CheckContext) -> Iterator[Finding]:
    names = _sheet_names(ctx.workbook)
    # 校验结果 is ours too: a unit sends back the annotated copy it corrected, with the findings sheet in it
    ours = {ctx.spec.sheet, META_SHEET, LISTS_SHEET, FINDINGS_SHEET}
    form = getattr(ctx.workbook, "form", None)
    if form is not None and form.name in names:   # renamed by the unit, found by its names: not deleted
        ours.add(form.name)
        names = [ctx.spec.sheet if n == form.name else n for n in names]
    for missing in (n for n in (ctx.spec.sheet, LISTS_SHEET) if n not in names):
        yield ctx.finding("XF156", value=missing)
    for extra in (n for n in names if n not in ours):
        yield ctx.finding("XF157", value=extra)
    if _protected(ctx.workbook, ctx.spec.sheet) is False:
        yield ctx.finding("XF158", value=ctx.spec.sheet)


def _external(ctx: CheckContext) -> Iterator[Finding]:
    links = list(_links(ctx.workbook))
    if links:
        yield ctx.finding("XF159", value="、".join(links[:5]))
