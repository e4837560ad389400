"""Build examples/lastyear/: the year before examples/returns/wangcheng — the same three units' 2019 returns.

    python examples/make_lastyear.py [--force]

Each return is written by the writer from the unit's 2020 seed with the year's differences put in, so that
`merge --previous` and `generate --previous` have a real previous year to work with (README):

- 430112001 接待服务中心 spent 92% of its budget in 2019 (27% in 2020) and scored a lower total than in 2020:
  XF521. Its 2019 满意率 reached 98%, above the 2020 target "95%及以上": XF520.
- 430112002 区委办公室: the same indicators, a similar rate, a lower total: nothing to report.
- 430112004 政协办公室 was coded 430112904 in 2019 and named without "湖南省": matched by a similar name, listed
  for the clerk to confirm; one 三级指标 was worded "政协日常事务的专项" (a similar indicator, listed too).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from xlsform.fsutil import atomic_output
from xlsform.layout import Layout
from xlsform.records import Record
from xlsform.spec import load_spec
from xlsform.writer.form import form_bytes

HERE = Path(__file__).resolve().parent
SEEDS = HERE / "seeds"
OUT = HERE / "lastyear"
PASSWORD = "xlsform-example"
GENERATED_AT = "2020-01-06T09:00:00"

# Per seed: the 2019 values that differ from 2020's (fund figures, scores, names, actuals).
CHANGES: dict[str, dict[str, Any]] = {
    "000": {"fund.fiscal.spent": 282.44, "fund.total.spent": 282.44, "ind.2.actual": "公务接待满意率98%",
            "ind.6.score": 10, "ind.8.score": 6, "ind.1.actual": "41批次，1020余人"},
    "002": {"fund.fiscal.spent": 1950, "fund.total.spent": 1950, "ind.14.score": 8},
    "004": {"code": "430112904", "name": "中国人民政治协商会议长沙市望城区委员会办公室",
            "fund.fiscal.spent": 1700, "fund.total.spent": 1700, "ind.4.level3": "政协日常事务的专项",
            "ind.2.actual": "已完成1本书"},
}


def build(seed: Path, force: bool) -> Path:
    record = Record.from_json(json.loads(seed.read_text(encoding="utf-8")))
    layout = Layout(load_spec(record.spec_id))
    values = {k: v for k, v in record.values.items()
              if k in layout.places and layout.places[k].field.role != "computed" and v not in (None, "")}
    values |= {"year": 2019, **CHANGES[seed.stem[:3]]}
    prefilled = [k for k in values if layout.places[k].field.role == "prefill"]
    data = form_bytes(layout, values, password=PASSWORD, locked=prefilled, meta={"generated_at": GENERATED_AT})
    target = OUT / f"2019_{seed.stem}.xlsx"
    with atomic_output(target, force=force) as fh:
        fh.write(data)
    return target


def main(argv: list[str]) -> int:
    force = "--force" in argv
    for seed in sorted(SEEDS.glob("*_wangcheng_*.json")):
        print(f"wrote {build(seed, force)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
