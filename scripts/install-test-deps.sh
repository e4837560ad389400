#!/usr/bin/env bash
# Install what the test suite needs on a fresh Debian/Ubuntu machine; a quick no-op when all is there.
#
#   system: LibreOffice Calc (headless), the system python's uno module, pdftoppm, a CJK font, Carlito,
#           chromium + chromium-driver (the browser tests of `xlsform serve`, driven by selenium)
#   python: this project, editable, with its [test] extras
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

# The interpreter for the project: an active virtualenv, else `python`/`python3` when pip may install into
# it, else a .venv made here (Debian's system python refuses pip installs: PEP 668, EXTERNALLY-MANAGED).
pick_python() {
    local py
    if [ -n "${VIRTUAL_ENV:-}" ] && [ -x "$VIRTUAL_ENV/bin/python" ]; then
        echo "$VIRTUAL_ENV/bin/python"
        return 0
    fi
    py="$(command -v python || command -v python3 || true)"
    if [ -n "$py" ] && "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
        && ! externally_managed "$py"; then
        echo "$py"
        return 0
    fi
    make_venv
}

externally_managed() {
    "$1" - <<'EOF'
import sys, sysconfig, os
in_venv = sys.prefix != sys.base_prefix
marker = os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")
sys.exit(0 if (not in_venv and os.path.exists(marker)) else 1)
EOF
}

make_venv() {
    if [ ! -x .venv/bin/python ]; then
        if ! /usr/bin/python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            log "xlsform needs Python 3.11 or newer: activate one (a virtualenv, pyenv) and run again"
            return 1
        fi
        /usr/bin/python3 -c 'import ensurepip' >/dev/null 2>&1 || apt_install python3-venv
        log "creating .venv"
        /usr/bin/python3 -m venv .venv >&2
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
