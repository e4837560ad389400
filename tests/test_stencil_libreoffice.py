"""LibreOffice opens, recomputes and protects the forms `generate` writes through stencils as it does those
xlsxwriter writes (issue 18): the same cached values on opening, the same results once a unit types its
figures, the same locked cells and protected sheets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers_lo import LibreOffice, libreoffice
from xlsform import generate as gen
from xlsform.layout import Layout
from xlsform.roster import Unit
from xlsform.spec import load_spec
from xlsform.writer import FormBatch, form_bytes

pytestmark = pytest.mark.libreoffice
__all__ = ["libreoffice"]


def _units() -> list[Unit]:
    units = []
    for k in range(3):
        values: dict[str, Any] = {"year": 2024, "code": f"43{k:04d}", "name": f"单位{k}", "department": "财政局",
                                  "fund.total.budget": 100.0 + 37 * k, "fund.total.weight": 10,
                                  "goal.target": f"目标{k}：按期完成 & 达标"}
        for i in range(1, 4):
            values |= {f"ind.{i}.level3": f"指标{i}-{k}", f"ind.{i}.target": "≥95%", f"ind.{i}.weight": 30}
        units.append(Unit(values["code"], values["name"], values))
    return units


def test_stencilled_forms_compute_and_lock_as_xlsxwriter_forms_do(libreoffice: LibreOffice, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gen, "_FORMS", FormBatch())
    spec = load_spec("wangcheng")
    units = _units()
    manifest = gen.generate_units(units, spec, tmp_path / "round", password="pw", jobs=1)
    assert gen._FORMS.stencilled == 2                      # the second and third through the first's stencil
    layout = Layout(spec)
    computed = [p.name for p in layout.computed()]
    inputs = {"xf_fund_total_spent": 81.5, "xf_ind_01_score": 28, "xf_ind_02_score": 30, "xf_ind_03_score": 27.5}
    names = [p.name for p in layout.places.values()]
    jobs, own = [], []
    for unit, entry in zip(units, manifest.units, strict=True):
        sent = tmp_path / "round" / "forms" / entry.file
        direct = tmp_path / f"direct-{unit.code}.xlsx"
        direct.write_bytes(form_bytes(layout, unit.values, password="pw",
                                      meta={"generated_at": manifest.generated_at or ""}))
        for path in (sent, direct):
            jobs.append({"path": str(path), "before": computed, "read": computed, "locked": names,
                         "set": [[name, "value", v] for name, v in inputs.items()]})
        own.append(unit.code)
    results = libreoffice.run_ok(jobs)
    for i, code in enumerate(own):
        stencilled, direct = results[2 * i], results[2 * i + 1]
        for key in ("before", "values", "locked", "protected"):
            assert stencilled[key] == direct[key], (code, key)
        assert stencilled["protected"] and all(stencilled["protected"].values())
        assert stencilled["values"]["xf_total_score"] is not None
