"""Patterns compiled when first used (xlsform.lazyre): the same answers as re.compile's, and none compiled by a
start-up or a plain return's check."""

from __future__ import annotations

import re
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from xlsform.lazyre import lazy

PATTERNS = [r"^(?:[（(]?[一二三四五六七八九十\d]+[)）、.．]\s*)+|[：:、。，,；;]+$", r"(\d+(?:\.\d+)?)分",
            r"[\ud800-\udfff]"]


@given(st.sampled_from(PATTERNS), st.text(max_size=30))
def test_a_lazy_pattern_answers_as_the_compiled_one(pattern: str, text: str) -> None:
    eager, late = re.compile(pattern), lazy(pattern)
    assert late.sub("", text) == eager.sub("", text)
    assert late.findall(text) == eager.findall(text)
    assert bool(late.search(text)) == bool(eager.search(text))
    assert late.pattern == eager.pattern and late.flags == eager.flags


def test_it_is_compiled_once_and_only_when_used() -> None:
    late = lazy(r"x+", re.I)
    assert late._compiled is None       # type: ignore[attr-defined]
    assert late.fullmatch("XX") is not None
    compiled = late._compiled           # type: ignore[attr-defined]
    late.search("x")
    assert late._compiled is compiled   # type: ignore[attr-defined]


PROBE = """
import json
from xlsform import normalize, xlsx
from xlsform.checks import plausibility
import xlsform.check
rare = {"template text": normalize._TEMPLATE_TEXT, "label numbering": normalize._LABEL_NOISE,
        "formula reference": xlsx._FORMULA_REF, "comparator": plausibility._COMPARATOR}
print(json.dumps({k: getattr(p, "_compiled", "eager") is None for k, p in rare.items()}))
"""


def test_importing_the_library_compiles_no_rare_pattern() -> None:
    import json

    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(out.stdout) == {"template text": True, "label numbering": True, "formula reference": True,
                                      "comparator": True}
