"""Proofs with a real spreadsheet engine: LibreOffice computes what xlsform.scoring computes, and locks right.

All LibreOffice work of a test goes to the driver in one batch (one soffice for the session), because a
job costs ~50 ms and a soffice start seconds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter

from tests.conftest import load_seed
from tests.helpers_lo import LibreOffice, libreoffice, lo_roundtrip
from xlsform.layout import Layout
from xlsform.scoring import round2
from xlsform.spec import load_spec
from xlsform.writer import write_form

pytestmark = pytest.mark.libreoffice
__all__ = ["libreoffice"]   # the session fixture, imported so pytest finds it here


# ------------------------------------------------------------------------------- the harness itself

def _tiny_workbook(path: Path) -> Path:
    """Two unlocked inputs and a locked ROUND formula on a protected sheet, with defined names."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("表")
    unlocked = wb.add_format({"locked": False})
    ws.write_number("A1", 1.5, unlocked)
    ws.write_number("A2", 2.25, unlocked)
    ws.write_formula("A3", "=ROUND(A1+A2,2)", None, 3.75)
    ws.write_formula("A4", '=IF(A1>2,"高","低")', None, "低")
    for name, ref in (("xf_a", "$A$1"), ("xf_b", "$A$2"), ("xf_c", "$A$3"), ("xf_d", "$A$4")):
        wb.define_name(name, f"='表'!{ref}")
    ws.protect()
    wb.close()
    return path


def test_driver_types_recalculates_and_reads_back(libreoffice: LibreOffice, tmp_path: Path) -> None:
    path = _tiny_workbook(tmp_path / "tiny.xlsx")
    [result] = libreoffice.run_ok([{
        "path": str(path), "before": ["xf_c", "xf_d"],
        "set": [["xf_a", "value", 2.675], ["xf_b", "formula", "1"]],
        "read": ["xf_a", "xf_b", "xf_c", "xf_d", "表!A5"], "locked": ["xf_a", "xf_b", "xf_c", "xf_d"],
    }])
    assert result["before"] == {"xf_c": 3.75, "xf_d": "低"}        # cached values: no recalc on load
    assert result["values"] == {"xf_a": 2.675, "xf_b": 1, "xf_c": 3.68, "xf_d": "高", "表!A5": None}
    assert result["locked"] == {"xf_a": False, "xf_b": False, "xf_c": True, "xf_d": True}
    assert result["protected"] == {"表": True}


def test_driver_reports_a_bad_job_and_carries_on(libreoffice: LibreOffice, tmp_path: Path) -> None:
    path = _tiny_workbook(tmp_path / "tiny.xlsx")
    missing, good = libreoffice.run([{"path": str(tmp_path / "missing.xlsx")},
                                     {"path": str(path), "read": ["xf_c"], "set": [["xf_a", "clear", None]]}])
    assert not missing["ok"] and "missing.xlsx" in missing["error"]
    assert good["ok"] and good["values"] == {"xf_c": 2.25}


def test_lo_roundtrip_saves_a_readable_copy(libreoffice: LibreOffice, tmp_path: Path) -> None:
    path = _tiny_workbook(tmp_path / "tiny.xlsx")
    saved = lo_roundtrip(path)
    assert saved == tmp_path / "tiny.lo.xlsx"
    ws = openpyxl.load_workbook(saved)["表"]
    assert ws["A3"].value == "=ROUND(A1+A2,2)" and ws.protection.sheet
    assert path.read_bytes() != saved.read_bytes()


# ------------------------------------------------------------------------------- forms as a user fills them

@dataclass
class Case:
    """One unit's form: what the finance office prefilled, and what the unit then types in."""

    name: str
    layout: Layout
    prefill: dict[str, Any]
    inputs: dict[str, Any] = field(default_factory=dict)

    @property
    def values(self) -> dict[str, Any]:
        return {**self.prefill, **self.inputs}


_LAYOUTS: dict[str, Layout] = {}


def layout_for(spec_id: str) -> Layout:
    if spec_id not in _LAYOUTS:
        _LAYOUTS[spec_id] = Layout(load_spec(spec_id))
    return _LAYOUTS[spec_id]


def seed_case(name: str) -> Case:
    """A seed form split by role: prefill fields come from the roster, input fields are typed by the unit."""
    record = load_seed(name)
    layout = layout_for(record.spec_id)
    roles = {k: layout.places[k].field.role for k in record.values}
    return Case(f"seed {name}", layout,
                {k: v for k, v in record.values.items() if roles[k] == "prefill"},
                {k: v for k, v in record.values.items() if roles[k] == "input"})


def _typed(number: Any) -> str:
    """A number as a clerk types it: plain decimal notation, no exponent."""
    return format(Decimal(repr(float(number))).normalize(), "f")


def typing(case: Case) -> list[list[Any]]:
    """Driver `set` steps: numbers typed into numeric fields, text entered as text, by defined name."""
    steps: list[list[Any]] = []
    for key, value in case.inputs.items():
        place = case.layout.places[key]
        if place.field.numeric and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            steps.append([place.name, "formula", _typed(value)])
        else:
            steps.append([place.name, "string", str(value)])
    return steps


def write_cases(cases: Sequence[Case], folder: Path) -> list[Path]:
    paths = []
    for i, case in enumerate(cases):
        path = folder / f"case{i:04d}.xlsx"
        write_form(path, case.layout, case.prefill, password="test")
        paths.append(path)
    return paths


def computed_names(layout: Layout) -> list[str]:
    return [p.name for p in layout.computed()]


# ------------------------------------------------------------------------------------- comparing values

def same(lo: Any, py: Any, percent: bool) -> bool:
    """LibreOffice's value equals Python's: text exactly, numbers to the last digit (rates: to 1e-12)."""
    if py is None or py == "":
        return lo is None or lo == ""
    if isinstance(py, str):
        return lo == py
    if not isinstance(lo, float | int) or isinstance(lo, bool):
        return False
    if percent:
        return math.isclose(lo, float(py), rel_tol=1e-12, abs_tol=1e-15)
    return round2(lo) == round2(py) and Decimal(repr(float(lo))) == Decimal(py).normalize()


def mismatches(case: Case, lo_values: dict[str, Any], py_values: dict[str, Any]) -> list[str]:
    out = []
    for place in case.layout.computed():
        lo, py = lo_values[place.name], py_values.get(place.key)
        if not same(lo, py, place.field.type == "percent"):
            out.append(f"{case.name} {place.key} ({place.ref}): LibreOffice {lo!r} != Python {py!r}")
    return out


def prove(libreoffice: LibreOffice, cases: Sequence[Case], folder: Path) -> list[dict[str, Any]]:
    """Write every case's template, type its inputs in LibreOffice, recalculate, and compare with Python.

    Checks twice per case: the cached values the writer stored (before recalculation) against Python on the
    prefilled values, and the recalculated values against Python on everything the unit typed.
    """
    paths = write_cases(cases, folder)
    jobs = [{"path": str(p), "before": computed_names(c.layout), "set": typing(c), "read": computed_names(c.layout)}
            for p, c in zip(paths, cases, strict=True)]
    results = libreoffice.run_ok(jobs)
    problems: list[str] = []
    for case, result in zip(cases, results, strict=True):
        problems += [f"cached: {m}" for m in mismatches(case, result["before"], case.layout.recompute(case.prefill))]
        problems += mismatches(case, result["values"], case.layout.recompute(case.values))
        if problems and len(problems) < 40:
            problems.append(f"  inputs of {case.name}: {_inputs_text(case)}")
    assert not problems, "\n".join(problems[:60])
    return results


def _inputs_text(case: Case) -> str:
    values = case.values
    keys = [k for k in values if k.startswith(("fund.", "ind.")) and k.endswith((".budget", ".spent", ".transfer",
                                                                                 ".weight", ".score"))]
    return ", ".join(f"{k}={values[k]!r}" for k in keys)


# ------------------------------------------------------------------------------------------ seed proofs

GOLDEN = {  # seed: (fund score, total, grade)
    "000": (Decimal("2.71"), Decimal("92.71"), "优"),
    "001": (Decimal("10"), Decimal("100"), "优"),
    "002": (Decimal("9.44"), Decimal("99.44"), "优"),
    "004": (Decimal("9.58"), Decimal("69.58"), "中"),
}


def test_seed_forms_compute_the_golden_figures_in_libreoffice(libreoffice: LibreOffice, tmp_path: Path) -> None:
    cases = [seed_case(s) for s in GOLDEN]
    results = prove(libreoffice, cases, tmp_path)
    for (seed, (fund, total, grade)), result in zip(GOLDEN.items(), results, strict=True):
        got = result["values"]
        assert (got["xf_fund_total_score"], got["xf_total_score"], got["xf_total_grade"]) == \
               (float(fund), float(total), grade), seed
