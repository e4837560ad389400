"""Shared fixtures. Area-specific helpers live in tests/helpers_*.py, not here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xlsform.records import Record

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
