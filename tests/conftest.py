"""Shared fixtures. Area-specific helpers live in tests/helpers_*.py, not here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import settings

from xlsform.records import Record

# Property tests (issue 15.23): one fixed sequence of examples, the same on every machine and every run, so CI
# passes or fails on the code alone; `bash scripts/test.sh --hypothesis-profile=random` (or pytest with that
# option) draws new examples, many more, on demand. A falsifying example found there is added with @example.
settings.register_profile("fixed", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("random", max_examples=1000, deadline=None, print_blob=True)
settings.load_profile("fixed")

# The collection round's fixtures (`made`, `rnd`) for the serve, load and checker tests.
pytest_plugins = ("tests.helpers_serve",)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "examples" / "seeds").glob("*.json"))


def load_seed(name: str) -> Record:
    """A seed form as a record, by file stem prefix ("000", "001", "002", "004")."""
    path = next(p for p in SEEDS if p.name.startswith(name))
    return Record.from_json(json.loads(path.read_text(encoding="utf-8")))


@pytest.fixture(params=[p.stem for p in SEEDS])
def seed(request: pytest.FixtureRequest) -> Record:
    return load_seed(request.param)
