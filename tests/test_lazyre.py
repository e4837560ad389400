"""Patterns compiled when first used (xlsform.lazyre): the same answers as re.compile's, and none compiled by a
start-up or a plain return's check."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

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



SURVEY = """
import json, re, sys
compiled = {}
eager = re._compile


def recording(pattern, flags):
    made = eager(pattern, flags)
    caller = sys._getframe(1)
    while caller.f_globals.get("__name__", "").partition(".")[0] == "re":
        caller = caller.f_back
    module = caller.f_globals.get("__name__", "")
    if not isinstance(pattern, re.Pattern) and module.startswith("xlsform"):
        compiled.setdefault(id(made), (made, module, caller.f_code.co_name))
    return made


re._compile = recording
from xlsform import report
from xlsform.check import check_file
re._compile = eager
used = set()


def seen(frame, event, arg):
    if event == "c_call" and isinstance(getattr(arg, "__self__", None), re.Pattern):
        used.add(id(arg.__self__))


sys.setprofile(seen)
result = check_file(sys.argv[1])
report.json_bytes(result)
report.text_bytes(result, info=True)
sys.setprofile(None)
unused = []
for key, (made, module, code) in compiled.items():
    if key not in used:
        names = [k for k, v in vars(sys.modules[module]).items() if v is made]
        unused.append(f"{module}.{names[0] if names else code}")
print(json.dumps(sorted(unused)))
"""
# Compiled at import and not used by a plain return's check: the import itself uses them (normalize works out
# which glyphs compact drops), or a return's read takes the pattern's method before it knows it needs it.
USED_BY_IMPORT = {"xlsform.normalize._SPACES", "xlsform.normalize._dropped", "xlsform.reader._ODD_TEXT"}


def test_every_pattern_compiled_at_import_is_one_a_plain_check_uses(tmp_path: Path) -> None:
    # a pattern only an unusual file, a folder's leftovers or another command needs is lazy: compiling one
    # costs 0.05-1.5 ms of every start and of every checking process
    import json

    from tests.helpers_forms import write_return
    from xlsform.records import Record

    seed = Path(__file__).resolve().parent.parent / "examples" / "seeds" / "000_wangcheng_reception.json"
    path = write_return(tmp_path / "one.xlsx", Record.from_json(json.loads(seed.read_text(encoding="utf-8"))))
    out = subprocess.run([sys.executable, "-c", SURVEY, str(path)], capture_output=True, text=True, timeout=120,
                         check=True)
    assert set(json.loads(out.stdout)) <= USED_BY_IMPORT, json.loads(out.stdout)
