"""A non-editable install serves uploads from any working folder, the source checkout included: the checking
processes must not import the `xlsform/` folder they find there (it has no `xlsform.templates`: every upload
was refused with XF114 「No module named 'xlsform.templates'」)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("flask")

from tests.helpers_serve import Round, Server, fresh_copy, post_file, read_links

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _site_packages(python: Path) -> Path:
    out = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pip install .` of this checkout into a fresh venv; its `xlsform` command. The checkout is copied first
    (building in place would leave build/ and egg-info in it); the dependencies are this environment's, seen
    through a .pth file, so that nothing is downloaded but what building a wheel needs."""
    tmp = tmp_path_factory.mktemp("install")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".venv", ".git", "tests", "build", "dist", "*.egg-info",
                                                            "__pycache__", ".*_cache", "out", "tmp"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    str(src)], check=True, capture_output=True)
    (_site_packages(python) / "deps-of-the-test-env.pth").write_text(str(_site_packages(Path(sys.executable))))
    xlsform = venv / ("Scripts/xlsform.exe" if os.name == "nt" else "bin/xlsform")
    assert xlsform.exists()
    where = subprocess.run([str(python), "-c", "import xlsform; print(xlsform.__file__)"], cwd=tmp,
                           capture_output=True, text=True, check=True).stdout
    assert str(venv) in where                                   # the installed copy, not this checkout
    return xlsform


@pytest.mark.parametrize("where", ["checkout", "folder holding xlsform/"])
def test_an_installed_xlsform_serves_from_a_folder_holding_an_xlsform_directory(
        installed: Path, made: Round, tmp_path: Path, where: str) -> None:
    rnd = fresh_copy(made, tmp_path)
    if where == "checkout":
        cwd = ROOT
    else:
        cwd = tmp_path / "office"
        (cwd / "xlsform").mkdir(parents=True)
        (cwd / "xlsform" / "__init__.py").write_text("raise ImportError('the wrong xlsform')\n")
    with Server(rnd.manifest, command=[str(installed)], cwd=cwd) as server:
        status, answer = post_file(read_links(rnd.folder)["430112001"], rnd.returns["clean"].read_bytes())
        assert status == 200 and answer["status"] == "ok", answer
        assert server.proc.poll() is None
