"""Start-up: a command imports what it uses (issue 18: `xlsform --help` and `check one.xlsx` within 0.15 s).

Every command's time starts with importing: the whole library, xlsxwriter, sqlite3 and a process pool cost
`xlsform --help` 0.24 s where `python -c pass` takes 0.02 s. These tests run the real command in a fresh
interpreter and list the modules it imported (timings are the benchmark's: benchmarks/bench_speed.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers_forms import write_return
from xlsform.records import Record

SEED = Path(__file__).resolve().parent.parent / "examples" / "seeds" / "000_wangcheng_reception.json"
# Heavy, and used by some commands only: the writer, the reader and checks, the store, the pool, the server.
HEAVY = ("xlsxwriter", "openpyxl", "sqlite3", "concurrent.futures", "multiprocessing", "flask", "werkzeug",
         "waitress", "defusedxml", "xlsform.writer", "xlsform.generate", "xlsform.reader", "xlsform.xlsx",
         "xlsform.check", "xlsform.store", "xlsform.merge", "xlsform.spec", "xlsform.serve")
NOT_FOR_CHECK = ("xlsxwriter", "openpyxl", "sqlite3", "concurrent.futures", "multiprocessing", "flask",
                 "werkzeug", "waitress", "xlsform.writer", "xlsform.generate", "xlsform.store", "xlsform.merge",
                 "xlsform.ledger", "xlsform.serve", "xlsform.annotate")

PROBE = """
import json, sys
from xlsform.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
sys.stdout.flush()
print("\\nMODULES " + json.dumps(sorted(sys.modules)))
"""


def imported_by(*args: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120,
                         check=True).stdout
    return set(json.loads(out.rsplit("MODULES ", 1)[1]))


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_a_bare_help_imports_no_library_module() -> None:
    modules = imported_by("--help")
    assert "click" in modules        # the probe ran the program
    assert loaded(modules, HEAVY) == []
    assert sorted(m for m in modules if m.startswith("xlsform.") and not m.startswith("xlsform.cli")) == \
        ["xlsform.errors"]


def test_a_command_help_imports_no_library_module() -> None:
    assert loaded(imported_by("generate", "--help"), HEAVY) == []
    status = imported_by("status", "--help")       # its --state choices are the library's states
    assert loaded(status, ("xlsxwriter", "sqlite3", "concurrent.futures", "xlsform.check")) == []


def test_checking_one_file_imports_neither_the_writer_nor_a_pool(tmp_path: Path) -> None:
    record = Record.from_json(json.loads(SEED.read_text(encoding="utf-8")))
    path = write_return(tmp_path / "one.xlsx", record)
    modules = imported_by("check", str(path))
    assert "xlsform.check" in modules
    assert loaded(modules, NOT_FOR_CHECK) == []
    assert "xlsform.status" not in modules     # one return supersedes none: no unit to assign it to



def test_checking_a_batch_in_processes_imports_no_executor(tmp_path: Path) -> None:
    from xlsform import forkpool

    if not forkpool.AVAILABLE:
        pytest.skip("without fork the batch uses concurrent.futures")
    record = Record.from_json(json.loads(SEED.read_text(encoding="utf-8")))
    for name in ("a.xlsx", "b.xlsx", "c.xlsx"):
        write_return(tmp_path / name, record)
    modules = imported_by("check", "--json", "-j", "2", str(tmp_path))
    assert "xlsform.forkpool" in modules
    assert loaded(modules, ("concurrent.futures", "multiprocessing")) == []

# What only an unusual file or a spec being built needs: a plain return's check must not pay their import.
FALLBACK_ONLY = ("zipfile", "tomllib", "calendar", "defusedxml", "importlib.resources", "traceback")


def test_checking_a_plain_return_imports_no_fallback_only_module(tmp_path: Path) -> None:
    record = Record.from_json(json.loads(SEED.read_text(encoding="utf-8")))
    path = write_return(tmp_path / "one.xlsx", record)
    imported_by("check", str(path))       # the first run in a fresh clone builds and keeps the built-in spec
    modules = imported_by("check", "--json", str(path))
    assert "xlsform.checks.plausibility" in modules
    assert loaded(modules, FALLBACK_ONLY) == []


EXIT_PROBE = """
import atexit, gc, sys
from xlsform.cli import main
atexit.register(lambda: print("FROZEN", gc.get_freeze_count() > 0))
main({args})
"""


def test_the_program_leaves_its_objects_out_of_the_last_collection(tmp_path: Path) -> None:
    # run as the program (its own command line) by a command that ends through the interpreter's teardown:
    # frozen before the interpreter's last collection, its output whole; run with arguments (as a test or a
    # host program does), the caller's heap is untouched
    own = subprocess.run([sys.executable, "-c", EXIT_PROBE.format(args=""), "specs"], capture_output=True,
                         text=True, timeout=120)
    assert own.stdout.rstrip().endswith("FROZEN True")
    assert "wangcheng" in own.stdout
    hosted = subprocess.run([sys.executable, "-c", EXIT_PROBE.format(args="['--help']")], capture_output=True,
                            text=True, timeout=120)
    assert hosted.stdout.rstrip().endswith("FROZEN False")


ENDING_PROBE = """
import atexit, os, sys
from xlsform.cli import main

real_exit = os._exit
def ended(code):        # how the process ended, said on its way out
    os.write(2, f"ENDED AT ONCE {code}\\n".encode())
    real_exit(code)
os._exit = ended
atexit.register(lambda: os.write(2, b"EXIT FUNCTIONS RAN\\n"))
atexit.register(lambda: os.write(2, f"FROZEN {__import__('gc').get_freeze_count()}\\n".encode()))
main()
"""


def test_a_finished_check_ends_without_the_interpreters_teardown(tmp_path: Path) -> None:
    # check closes everything it opened, so the program ends at once (`_exit_now`): the exit functions still
    # run first, the report is whole, the exit code is check's (1: this return has errors); a command that
    # does not say so ends through the interpreter's teardown
    record = Record.from_json(json.loads(SEED.read_text(encoding="utf-8")))
    record.values["total.budget"] = -1
    sheet = write_return(tmp_path / "one.xlsx", record)
    run = subprocess.run([sys.executable, "-c", ENDING_PROBE, "check", "--json", str(sheet)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert json.loads(run.stdout)[0]["file"] == str(sheet)
    frozen, ran, ended = run.stderr.splitlines()[-3:]
    assert (ran, ended) == ("EXIT FUNCTIONS RAN", "ENDED AT ONCE 1")
    # the library's objects, imported for the command, were left out of every collection after the imports
    assert int(frozen.split()[1]) > 10_000
    other = subprocess.run([sys.executable, "-c", ENDING_PROBE, "specs"], capture_output=True, text=True,
                           timeout=120)
    assert other.returncode == 0 and "wangcheng" in other.stdout
    assert "ENDED AT ONCE" not in other.stderr and "EXIT FUNCTIONS RAN" in other.stderr


def test_only_the_command_that_said_so_ends_at_once(tmp_path: Path) -> None:
    # a host program runs a check with arguments, then the program's own command line runs another command:
    # the earlier check's word must not end the later command without its teardown
    record = Record.from_json(json.loads(SEED.read_text(encoding="utf-8")))
    sheet = write_return(tmp_path / "one.xlsx", record)
    probe = (
        "import os, sys\nfrom xlsform.cli import main\nreal = os._exit\n"
        "os._exit = lambda code: (os.write(2, b'ENDED AT ONCE\\n'), real(code))\n"
        f"try:\n    main(['check', '--json', {str(sheet)!r}])\nexcept SystemExit:\n    pass\n"
        "sys.argv = ['xlsform', 'specs']\nmain()\n")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "wangcheng" in run.stdout
    assert "ENDED AT ONCE" not in run.stderr
