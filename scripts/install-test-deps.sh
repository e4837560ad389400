#!/usr/bin/env bash
# Install what the test suite needs on a fresh Debian/Ubuntu machine; a quick no-op when all is there.
#
#   system: LibreOffice Calc (headless), the system python's uno module, pdftoppm, a CJK font, Carlito,
#           chromium + chromium-driver (the browser tests of `xlsform serve`, driven by selenium)
#   python: this project, editable, with its [test] extras, in the checkout's own .venv
#
# Prints the python interpreter to run the tests with on stdout (everything else goes to stderr), so
# scripts/test.sh can do  PY="$(bash scripts/install-test-deps.sh)".
# Works as root without sudo; uses sudo (non-interactive) when not root. Never prompts: CI has no stdin.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
log() { printf 'install-test-deps: %s\n' "$*" >&2; }

# ------------------------------------------------------------------------------------- system packages

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n "$@"
    else
        log "need root to run: $*  (not root and no sudo)"
        return 1
    fi
}

missing_system_packages() {
    command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1 || echo libreoffice-calc-nogui
    # uno ships for the system python only; the LibreOffice tests drive it through /usr/bin/python3
    /usr/bin/python3 -c 'import uno' >/dev/null 2>&1 || echo python3-uno
    command -v pdftoppm >/dev/null 2>&1 || echo poppler-utils
    # the forms are Chinese: without a CJK font the PDF shows empty boxes (WenQuanYi: 1.6 MB, Noto CJK: 57 MB)
    if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=zh family 2>/dev/null)" ]; then
        echo fonts-wqy-microhei
    fi
    # column widths are counted in the default font's digits (Calibri): without Calibri or its metric twin
    # Carlito, LibreOffice lays every column out a quarter wider and prints the forms too small (tests/test_print.py)
    if ! fc-match Calibri 2>/dev/null | grep -qiE 'carlito|calibri'; then
        echo fonts-crosextra-carlito
    fi
    # the browser tests use Debian's chromium and its driver by path: nothing downloads a browser
    [ -x /usr/bin/chromium ] || echo chromium
    [ -x /usr/bin/chromedriver ] || echo chromium-driver
}

install_system_packages() {
    local -a wanted
    mapfile -t wanted < <(missing_system_packages)
    if [ "${#wanted[@]}" -eq 0 ]; then
        log "system packages: already installed"
        return 0
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        log "missing ${wanted[*]} and no apt-get: install them by hand (LibreOffice and browser tests will be skipped)"
        return 0
    fi
    apt_install "${wanted[@]}"
}

APT_UPDATED=0
apt_install() {
    log "installing $*"
    if [ "$APT_UPDATED" -eq 0 ]; then       # once per run: it is the slow part
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
        APT_UPDATED=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >&2
}

# ------------------------------------------------------------------------------------- python packages

# The interpreter for the project: always the checkout's own .venv (made here when missing, as the README's
# first command makes it), never whatever `python` is first on PATH. On a machine whose python is pyenv's or
# conda's, installing into that global environment mixed the suite with unrelated packages: one of them raised
# a DeprecationWarning inside the hypothesis plugin and, with filterwarnings = error, stopped pytest
# (issue 15.22). The venv has no access to global site-packages, so nothing installed there is seen.
pick_python() {
    make_venv
}

# The first Python 3.11+ on PATH (pyenv's, conda's, Debian's) makes the venv; Debian's own as a last resort.
base_python() {
    local py
    for py in python3.13 python3.12 python3.11 python3 python /usr/bin/python3; do
        py="$(command -v "$py" || true)"
        if [ -n "$py" ] && "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11) or sys.prefix != sys.base_prefix)' \
            2>/dev/null; then
            echo "$py"
            return 0
        fi
    done
    return 1
}

make_venv() {
    if [ ! -x .venv/bin/python ]; then
        local base
        if ! base="$(base_python)"; then
            log "xlsform needs Python 3.11 or newer (outside any virtualenv): install one (Debian: python3) and run again"
            return 1
        fi
        "$base" -c 'import ensurepip' >/dev/null 2>&1 || apt_install python3-venv
        log "creating .venv with $base"
        "$base" -m venv .venv >&2
    fi
    echo "$PWD/.venv/bin/python"
}

install_project() {
    local py="$1"
    if project_installed "$py"; then
        log "python packages: already installed ($py)"
        return 0
    fi
    log "pip install -e '.[test]' with $py"
    "$py" -m pip install -q --disable-pip-version-check -e '.[test]' >&2
}

# True when this checkout is installed (editable) and every requirement pyproject.toml names today, with
# the [test] extras, is present: a requirement added since the last install triggers a new install.
project_installed() {
    "$1" - <<'EOF' >/dev/null 2>&1
import re, sys, tomllib
from importlib import metadata
from pathlib import Path
import xlsform
if Path(xlsform.__file__).resolve().parent.parent != Path.cwd().resolve():
    sys.exit(1)
project = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["project"]
for req in project["dependencies"] + project.get("optional-dependencies", {}).get("test", []):
    metadata.version(re.split(r"[\s<>=!~;\[]", req, maxsplit=1)[0])   # raises when missing
EOF
}

main() {
    install_system_packages
    local py
    py="$(pick_python)"
    install_project "$py"
    echo "$py"
}

# sourced (for testing its functions) it only defines them
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    main
fi
