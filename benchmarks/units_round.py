"""A round of N units, each with its own clean return (seed 000's figures, with targets, under the unit's own
code and name): what load tests and benchmarks need for clients that are different units, as in a real round
(one link holds one checking process at a time).

    python benchmarks/units_round.py ROOT N

writes ROOT/sent/manifest.json (and the forms) and ROOT/returns/<code>.xlsx with whichever xlsform that
Python imports. It uses the library only (no test helper), so that a benchmark comparing the code before
(`--against PYTHON`, a Python with that release installed) gives it forms it wrote itself.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

SEED = Path(__file__).resolve().parent.parent / "examples" / "seeds"
TARGETS = {   # the seed leaves weighted rows without a target (XF513) and describes a value (XF533)
    "execution.reason": "疫情影响，接待任务减少。",
    "ind.1.target": "≥40批次", "ind.4.target": "人均≤150元", "ind.4.actual": "人均128元",
    "ind.5.target": "厉行节约，接待费用不超预算", "ind.6.target": "来宾满意", "ind.8.target": "服务水平提升",
    "ind.6.actual": "全年接待来宾312批次，来宾满意度调查均为满意。",
    "ind.8.actual": "全年公务接待费用较上年下降12%，服务水平提高。",
}


def build_units(root: Path, count: int) -> tuple[Path, dict[str, Path]]:
    """The manifest and each unit's return."""
    from xlsform.generate import generate_units
    from xlsform.layout import Layout
    from xlsform.records import Record
    from xlsform.roster import Unit
    from xlsform.spec import load_spec
    from xlsform.writer import write_form

    seed = Record.from_json(json.loads(next(SEED.glob("000*.json")).read_text(encoding="utf-8")))
    spec = load_spec("wangcheng")
    layout = Layout(spec)

    def of_role(values: dict[str, Any], role: str) -> dict[str, Any]:
        return {k: v for k, v in values.items()
                if k in layout.places and layout.places[k].field.role == role and v not in (None, "")}

    values = {}
    for k in range(count):
        code = f"43011{k + 3000:04d}"
        values[code] = {**seed.values, **TARGETS, "code": code, "name": f"长沙市望城区测试单位{k + 1}"}
    units = [Unit(code, v["name"], of_role(v, "prefill")) for code, v in values.items()]
    manifest = generate_units(units, spec, root / "sent", jobs=1)
    out = root / "returns"
    out.mkdir(parents=True, exist_ok=True)
    returns = {}
    for code, v in values.items():
        prefilled = of_role(v, "prefill")
        returns[code] = out / f"{code}.xlsx"
        write_form(returns[code], layout, {**prefilled, **of_role(v, "input")}, password=manifest.password,
                   locked=list(prefilled))
    return root / "sent" / "manifest.json", returns


if __name__ == "__main__":
    build_units(Path(sys.argv[1]), int(sys.argv[2]))
