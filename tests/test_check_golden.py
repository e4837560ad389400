"""`check` reports exactly what tests/data/check_golden.json holds for the bundled returns (their JSON objects
and text blocks): what makes the check faster must not change a word of it. A deliberate change of a finding
rewrites the file (`python -m tests.helpers_check_golden --update`), and its diff shows what changed."""

from __future__ import annotations

import json

from tests.helpers_check_golden import GOLDEN, reports

UPDATE = "a deliberate change of what check reports? run `python -m tests.helpers_check_golden --update`"


def test_the_bundled_returns_are_reported_as_before() -> None:
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    got = reports()
    assert sorted(got) == sorted(want), f"files ({UPDATE})"
    for name, was in want.items():
        assert got[name]["text"] == was["text"], f"{name}: text report ({UPDATE})"
        assert got[name]["json"] == was["json"], f"{name}: --json ({UPDATE})"
