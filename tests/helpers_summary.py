"""A real round to merge, and a summary workbook as plain data, for the tests that hold the summary's content.

`real_round` builds what an office's folder holds after a round: forms generated from a roster with the
generator, returned filled in by 12 of 13 units (the benchmark's units: seed 000's indicators, varied budgets
and scores), among them a return whose locked budget was changed, a unit that sent twice, a return with an
error, a file of a unit the roster does not know and a file that is not a workbook. `cells` reads every
sheet of a summary back as values, number formats, row heights and merged ranges.

    python -m tests.helpers_summary --update     # rewrite tests/data/summary_golden.json after a deliberate change
"""

from __future__ import annotations

import contextlib
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl

from benchmarks.bench_merge import split, unit_values
from tests.helpers_round import saved_by_the_unit
from xlsform.generate import generate_units
from xlsform.layout import Layout
from xlsform.roster import Unit
from xlsform.spec import load_spec
from xlsform.writer import form_bytes

GOLDEN = Path(__file__).resolve().parent / "data" / "summary_golden.json"


@dataclass
class RealRound:
    root: Path
    manifest: Path
    returns: Path


def real_round(root: Path, units: int = 13) -> RealRound:
    spec = load_spec("wangcheng")
    layout = Layout(spec)
    rnd = random.Random(15)
    full = [unit_values(k, rnd) for k in range(units)]
    full[2]["ind.3.score"] = 14.0                                     # above its weight of 10: an error
    full[5]["ind.4.actual"] = '=HYPERLINK("http://evil.example","点我")'  # text that must stay text
    roster = [Unit(v["code"], v["name"], split(v, layout, "prefill")) for v in full]
    manifest = generate_units(roster, spec, root / "sent", jobs=1, password="golden")
    returns = root / "returns"
    returns.mkdir()

    def send(k: int, name: str, values: dict[str, Any]) -> Path:
        prefill = split(values, layout, "prefill")
        data = form_bytes(layout, {**prefill, **split(values, layout, "input")}, password="golden",
                          locked=list(prefill))
        (returns / name).write_bytes(data)
        return returns / name

    for k, (v, entry) in enumerate(zip(full, manifest.units, strict=True)):
        if k == units - 1:
            continue                                                  # never returns
        if k == 1:                                                    # changed the locked budget
            v = {**v, "fund.total.budget": v["fund.total.budget"] * 2}
        path = send(k, entry.file, v)
        saved_by_the_unit(path, "2030-01-01T08:00:00Z")
        if k == 3:                                                    # sent again, corrected, later
            later = send(k, "第二次_" + entry.file, {**v, "execution.reason": "已补充说明。"})
            saved_by_the_unit(later, "2030-01-02T08:00:00Z")
    stranger = unit_values(99, rnd) | {"code": "439999999", "name": "名单外单位"}
    send(99, "名单外单位.xlsx", stranger)
    (returns / "损坏的文件.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    return RealRound(root, root / "sent" / "manifest.json", returns)


def cells(path: Path) -> dict[str, Any]:
    """Every sheet: its cells' values and number formats by row, row heights, merged ranges."""
    wb = openpyxl.load_workbook(path)
    out: dict[str, Any] = {}
    for ws in wb.worksheets:
        rows = [[[c.value, c.number_format] if c.value is not None else None for c in row] for row in ws.iter_rows()]
        heights = {str(r): d.height for r, d in sorted(ws.row_dimensions.items()) if d.height is not None}
        out[ws.title] = {"rows": rows, "heights": heights, "merged": sorted(str(m) for m in ws.merged_cells.ranges)}
    return out


def merge_real_round(root: Path, out: Path, *, units: int = 13, office: str | None = None) -> Path:
    """`xlsform merge` of a `real_round` of `units` units into `out`."""
    from click.testing import CliRunner

    from xlsform.cli import main

    real_round(root, units)
    with contextlib.chdir(root):    # paths as a clerk gives them (relative), so the data do not depend on root
        res = CliRunner().invoke(main, ["merge", "returns", "-o", str(out), "--manifest", "sent/manifest.json",
                                        "--no-ledger", "--jobs", "1", *(["--office", office] if office else [])],
                                 catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return out


if __name__ == "__main__" and "--update" in sys.argv:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        data = cells(merge_real_round(Path(tmp) / "round", Path(tmp) / "汇总.xlsx"))
    GOLDEN.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}")
