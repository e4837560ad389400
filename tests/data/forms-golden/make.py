"""Rewrite this folder's forms with xlsxwriter's own path of today's writer (`form_bytes`, no stencil).

    python tests/data/forms-golden/make.py

They are what the form looks like on purpose: a change to the form rewrites them, in the same commit, and the
diff of workbook_facts (tests/test_stencil.py) says what changed. First written by 0.2.0 at dbbdc4d, before
the batch writer; the batch writer's forms were byte-identical to those (311 forms of three specs compared).
cases.json holds each case: the spec file (frozen here, so a later change to the built-in specs does not touch
the comparison), the values, the locked fields (None: the roster's prefill, as generate does) and the meta.
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
