"""docs/findings.md is generated from the catalogue; this keeps the two in step."""

from __future__ import annotations

from xlsform import docs
from xlsform.codes import CATALOGUE


def test_findings_doc_is_up_to_date() -> None:
    assert docs.DOC_PATH.read_text(encoding="utf-8") == docs.render(), \
        "docs/findings.md is stale: run `python -m xlsform.docs`"


def test_every_code_is_documented_once() -> None:
    text = docs.render()
    for code in CATALOGUE:
        assert text.count(f"`{code}`") == 1, code


def test_every_message_renders_and_says_how_to_fix() -> None:
    from xlsform.codes import make

    for code, c in CATALOGUE.items():
        extra = {k: "x" for k in ("filled", "actual", "target", "source", "level1", "other", "why", "basis", "ratio",
                                  "grade", "level2", "how", "share", "row", "initial", "budget", "said",
                                  "past_name", "past_file", "rate", "past_rate", "drop", "ceiling", "yi", "form",
                                  "affected", "count", "cells", "relation", "twin")}
        try:
            f = make(code, sheet="表", cell="A1", field="字段", value=1, expected=2, **extra)
        except KeyError as e:  # a reader code with its own placeholders
            if code >= "XF150" and not code.startswith("XF2"):
                raise AssertionError(f"{code}: unknown placeholder {e}") from None
            continue
        assert f.message and c.fix, code
