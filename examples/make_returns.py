"""Build examples/returns/: the four seed forms as the units sent them back, plus the manifest of the round.

    python examples/make_returns.py [--force]

Each return is written by the writer from `examples/seeds/<seed>.json` (prefilled fields locked, the unit's
inputs filled in, live formulas). The seeds are real published forms, and the figures they *printed* were
sometimes not what their own numbers give (a rate rounded to a whole percent, a weight total of 100 over
weights that sum to 70). Those printed figures are put back as the cached formula results, which is exactly
what a return looks like when the unit typed over the display or saved from a program that did not
recalculate. `xlsform check examples/returns` (and, per folder, `--manifest examples/returns/wangcheng/manifest.json`)
then finds what the
printed forms deserve (tests/test_check_cli.py asserts the exact findings).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

from xlsform.fsutil import atomic_output
from xlsform.layout import Layout
from xlsform.manifest import Manifest, ManifestUnit
from xlsform.records import Record
from xlsform.spec import load_spec
from xlsform.writer.form import form_bytes

HERE = Path(__file__).resolve().parent
SEEDS = HERE / "seeds"
OUT = HERE / "returns"
PASSWORD = "xlsform-example"   # a published example: the password protects nothing here
GENERATED_AT = "2021-01-05T09:00:00"
FORM_SHEET_XML = "xl/worksheets/sheet1.xml"   # the writer puts the form first

# What each seed printed in its computed cells, where it differs from the recomputation.
PRINTED: dict[str, dict[str, float]] = {
    "000": {"fund.fiscal.rate": 0.27, "fund.total.rate": 0.27},                            # 27.08%
    "002": {"fund.fiscal.rate": 0.94, "fund.total.rate": 0.94},                            # 94.44%
    "004": {"fund.fiscal.rate": 0.96, "fund.total.rate": 0.96, "total.weight": 100},       # 95.83%, 70
}


def load_record(path: Path) -> Record:
    return Record.from_json(json.loads(path.read_text(encoding="utf-8")))


def role_values(record: Record, layout: Layout, roles: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in record.values.items()
            if k in layout.places and layout.places[k].field.role in roles and v not in (None, "")}


def with_printed(data: bytes, layout: Layout, printed: dict[str, float]) -> bytes:
    """The workbook with the cached results of some formula cells replaced by the printed figures."""
    refs = {layout.ref(k): v for k, v in printed.items()}

    def patch(xml: str) -> str:
        for ref, v in refs.items():
            xml, n = re.subn(rf'(<c r="{ref}"[^>]*>(?:<f>[^<]*</f>)?<v>)[^<]*(</v>)', rf"\g<1>{v!r}\g<2>", xml)
            assert n == 1, f"no cached value in {ref}"
        return xml

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename == FORM_SHEET_XML:
                body = patch(body.decode("utf-8")).encode("utf-8")
            zout.writestr(info, body)
    return out.getvalue()


def build(seed: Path, force: bool) -> tuple[str, ManifestUnit]:
    """Write one return into returns/<spec id>/; give back the spec id and the unit's manifest entry."""
    record = load_record(seed)
    layout = Layout(load_spec(record.spec_id))
    prefilled = role_values(record, layout, ("prefill",))
    meta = {"generated_at": GENERATED_AT}
    template = form_bytes(layout, prefilled, password=PASSWORD, meta=meta)
    filled = form_bytes(layout, role_values(record, layout, ("prefill", "input")), password=PASSWORD,
                        locked=list(prefilled), meta=meta)
    name = f"{seed.stem}.xlsx"
    with atomic_output(OUT / record.spec_id / name, force=force) as fh:
        fh.write(with_printed(filled, layout, PRINTED.get(seed.stem[:3], {})))
    sha = hashlib.sha256(template).hexdigest()
    return record.spec_id, ManifestUnit(record.code or "", record.name or "", name, sha, prefilled)


def main(argv: list[str]) -> int:
    """One folder and one manifest per round: the seeds come from two regions' forms."""
    force = "--force" in argv
    rounds: dict[str, list[ManifestUnit]] = {}
    for seed in sorted(SEEDS.glob("*.json")):
        spec_id, unit = build(seed, force)
        rounds.setdefault(spec_id, []).append(unit)
    for spec_id, units in rounds.items():
        spec = load_spec(spec_id)
        manifest = Manifest(spec_id=spec.id, spec_version=spec.version, year=2020,
                            indicator_rows=spec.indicator_rows, password=PASSWORD, units=units,
                            generated_at=GENERATED_AT, generator="examples/make_returns.py")
        manifest.save(OUT / spec_id / "manifest.json", force=force)
        print(f"wrote {len(units)} return(s) and manifest.json to {OUT / spec_id}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
