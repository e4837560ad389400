"""The collection service's room: everything of `xlsform serve` lives in `xlsform/serve/`, the web layer on
top, `collect/` (no Flask) beneath it, the library below both; arrows point down only, and no module of the
service imports one that imports it back."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "xlsform"
WEB = ("flask", "werkzeug", "jinja2", "waitress")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module the file imports, at its top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


MODULES = {module_name(p): imports(p) for p in PACKAGE.rglob("*.py")}


def test_nothing_outside_the_service_imports_it_but_its_command() -> None:
    outside = {m: [i for i in got if i.startswith("xlsform.serve")] for m, got in MODULES.items()
               if not m.startswith("xlsform.serve") and m != "xlsform.cli.serve"}
    assert {m: got for m, got in outside.items() if got} == {}


def test_collect_knows_nothing_of_the_web_layer_above_it() -> None:
    collect = {m: got for m, got in MODULES.items() if m.startswith("xlsform.serve.collect")}
    assert len(collect) >= 6
    for m, got in collect.items():
        upward = [i for i in got if i.split(".")[0] in WEB
                  or (i.startswith("xlsform.serve.") and not i.startswith("xlsform.serve.collect"))]
        assert not upward, (m, upward)


def test_the_services_modules_import_in_one_direction() -> None:
    ours = {m for m in MODULES if m.startswith("xlsform.serve")}
    graph = {m: {i for i in MODULES[m] if i in ours and i != m} for m in ours}
    state: dict[str, int] = {}

    def visit(m: str, path: list[str]) -> None:
        if state.get(m) == 1:
            raise AssertionError("import circle: " + " -> ".join([*path, m]))
        if state.get(m) == 2:
            return
        state[m] = 1
        for n in sorted(graph[m]):
            visit(n, [*path, m])
        state[m] = 2

    for m in sorted(ours):
        visit(m, [])
    assert MODULES["xlsform.serve"] == set()      # the package itself imports nothing: see the next test


def test_a_checking_process_loads_no_web_framework() -> None:
    code = ("import sys, xlsform.serve.collect.worker, xlsform.serve.collect.intake; "
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {WEB!r}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=PACKAGE.parent)
    assert out.stdout.strip() == "[]"
