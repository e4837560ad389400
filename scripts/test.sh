#!/usr/bin/env bash
# The whole test suite, as CI runs it: install test dependencies, then pytest, ruff and mypy.
# All three run even when one fails, so one CI log shows every problem; the exit code is non-zero if any failed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY="$(bash scripts/install-test-deps.sh)"

status=0
run() {
    echo "+ $*" >&2
    "$@" || status=1
}
# The venv's python alone: no PYTHONPATH or user site-packages (-s) of the machine reach the suite.
run env -u PYTHONPATH -u PYTHONHOME "$PY" -s -m pytest -q "$@"
run env -u PYTHONPATH -u PYTHONHOME "$PY" -s -m ruff check .
run env -u PYTHONPATH -u PYTHONHOME "$PY" -s -m mypy
exit "$status"
