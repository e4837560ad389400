"""QA (issues 9 and 10): every target, actual and task text of a return filled with 30,000 characters of the
shapes that make regular expressions backtrack (a run of digits, digits and spaces, operators) is checked in
bounded time, as text, never an internal error. A run of 32,000 digits used to cost 19 s in one parse."""

from __future__ import annotations

import random
import time
from pathlib import Path

from tests.conftest import load_seed
from tests.helpers_forms import fill_values, write_return
from xlsform import expressions
from xlsform.check import check_file

_RNG = random.Random(9)   # random digits: repeated text would be refused whole as a zip bomb (XF106)
_DIGITS = "".join(_RNG.choice("0123456789") for _ in range(30_000))
SHAPES = (_DIGITS, " ".join(_DIGITS[:15_000]), "≥".join(_DIGITS[:15_000]), "月".join(_DIGITS[:15_000]),
          ",".join(_DIGITS[:15_000]), "%-".join(_DIGITS[:10_000]))


def test_a_return_full_of_backtracking_text_is_checked_in_bounded_time(tmp_path: Path) -> None:
    values = fill_values(load_seed("000"))
    for i in range(1, 31):   # each text its own, so that no cache spares the work
        values[f"ind.{i}.target"] = "≥95%"
        for n, column in enumerate(("content", "actual")):
            values[f"ind.{i}.{column}"] = SHAPES[(i + n) % len(SHAPES)][:29_990] + f"第{i}行"
    path = write_return(tmp_path / "long.xlsx", values)
    expressions.parse.cache_clear()
    start = time.process_time()
    result = check_file(path)
    assert time.process_time() - start < 2.0
    assert result.record is not None, [f.code for f in result.findings]   # read, not refused as a bomb
    assert not {"XF114", "XF901"} & {f.code for f in result.findings}


def test_long_text_is_a_description_and_short_text_is_still_read() -> None:
    assert expressions.parse("1" * (expressions.PARSED_MAX + 1)).kind == expressions.TEXT
    assert expressions.parse("≥95%").kind == expressions.NUMBER
    assert expressions.parse("请简要说明目标完成情况（限200字）").kind == expressions.NONE
    assert expressions.parse("说明在 1200 字以内").kind == expressions.NONE
