"""Write this folder's forms with the xlsform that made them (0.2.0 at dbbdc4d, before the batch writer).

    python tests/data/forms-0.2.0/make.py        # with that xlsform installed; rewrites the .xlsx files

cases.json holds each case: the spec file (frozen here, so a later change to the built-in specs does not touch
the comparison), the values, the locked fields (None: the roster's prefill, as generate does) and the meta.
tests/test_stencil.py writes the same cases with today's writer and compares the workbooks.
"""

from __future__ import annotations

import json
from pathlib import Path

from xlsform.layout import Layout
from xlsform.spec import load_spec
from xlsform.writer.form import form_bytes

HERE = Path(__file__).resolve().parent


def main() -> None:
    for name, case in json.loads((HERE / "cases.json").read_text(encoding="utf-8")).items():
        layout = Layout(load_spec(str(HERE / case["spec"])))
        data = form_bytes(layout, case["values"], password=case["password"], locked=case["locked"],
                          meta=case["meta"])
        (HERE / f"{name}.xlsx").write_bytes(data)


if __name__ == "__main__":
    main()
