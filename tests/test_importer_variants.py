"""Every form of every set of tests/legacy written again with a clerk's noise (tests/legacy/vary.py): moved on
the sheet, without its merges or with each merged label repeated over its range, numbers typed as text, a
report sheet before it. Nothing may be read wrong or invented and every form is found: the rules are the
layout's, not the fixture's."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "legacy"))
import vary


@pytest.mark.parametrize("variant", ["shift", "unmerge", "text", "narrative_first", "fill_merged", "spaced",
                                     "fullwidth", "xlsxwriter", "gaps", "empty_column"])
def test_no_value_is_read_wrong_or_invented_on_any_variant_of_the_sets(variant: str, tmp_path: Path) -> None:
    wrong: list[str] = []
    for file, fn, exp in vary.fixtures():
        t = vary.measure_variant(variant, file, fn, exp, tmp_path)
        wrong.extend([*t.wrong, *t.invented, *t.forms_extra, *t.narrative_read])
        assert t.forms_found == t.forms_expected, file
    assert not wrong
