"""QA (issue 10, point 2): one return costs bounded time and memory. Each bomb-like part below (a few MB that
inflate to millions of cells, rows, strings or ranges) is over the per-file budget (XF116) on whichever path
reads it, and is stopped before it is built: checked in a fresh process, under 300 MB peak and 2 s of CPU.

The files are built once per session, with a random padding attribute so that they compress like real files
(a ratio under xlsx.MAX_RATIO, which would otherwise refuse them first as zip bombs).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import load_seed
from tests.helpers_forms import fill_values, write_return
from xlsform import xlsx
from xlsform.check import check_file

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SHEET = "xl/worksheets/sheet1.xml"
SST = "xl/sharedStrings.xml"
# Peak RSS and CPU of one check in a fresh process (Python and xlsform's imports are ~30 MB of it). The peak
# is VmHWM: ru_maxrss keeps the high-water mark of the process image before exec, which is pytest's.
CHILD = """
import json, re, resource, sys, time
from pathlib import Path
from xlsform.check import check_file
t = time.process_time()
r = check_file(sys.argv[1])
cpu = time.process_time() - t
status = Path("/proc/self/status")
hwm = re.search(r"VmHWM:\\s+(\\d+)", status.read_text()) if status.exists() else None
rss = int(hwm.group(1)) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"codes": [f.code for f in r.findings], "cpu": cpu, "rss_mb": rss / 1024}))
"""


def _pad() -> str:
    return f' xf_pad="{os.urandom(200_000).hex()}"'     # 400 KB that do not compress much


def _sheet(rows: bytes, tail: bytes = b"") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {NS}{_pad()}>'
            f"<sheetData>").encode() + rows + b"</sheetData>" + tail + b"</worksheet>"


def _replace(base: bytes, name: str, body: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, body if info.filename == name else src.read(info))
    return out.getvalue()


def _fast_rows() -> bytes:
    return _sheet(b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, 800_001)))


def _merged() -> bytes:
    merged = b"".join(b'<mergeCell ref="A%d:B%d"/>' % (i, i) for i in range(1, 1_000_001))
    return _sheet(b'<row r="1"><c r="A1"><v>1</v></c></row>',
                  b'<mergeCells count="1000000">' + merged + b"</mergeCells>")


def _near_budget(fast: bool) -> bytes:
    """Just under the cell budget: read in full, and still cheap."""
    rows, per_row = (xlsx.MAX_CELLS - 1000) // 100, 100
    if not fast:
        return _sheet((b"<row>" + b"<c><v>1</v></c>" * per_row + b"</row>") * rows)
    return _sheet(b"".join(b'<row r="%d">' % (r + 1) + b"".join(b'<c r="%s%d"><v>%d</v></c>' % (
        _col(c).encode(), r + 1, c) for c in range(per_row)) + b"</row>" for r in range(rows)))


# name -> (part, body): the cases of issue 10, as large as the files; built one at a time.
BOMBS: dict[str, tuple[str, Callable[[], bytes]]] = {
    "2.4 M tiny cells, parser path": (SHEET, lambda: _sheet((b"<row>" + b"<c/>" * 2400 + b"</row>") * 1000)),
    "6.5 M empty shared strings": (SST, lambda: f"<sst {NS}{_pad()}>".encode() + b"<si/>" * 6_500_000
                                   + b"</sst>"),
    "5.5 M rows": (SHEET, lambda: _sheet(b"<row/>" * 5_500_000)),
    "800,000 rows, scanner path": (SHEET, _fast_rows),
    "a million merged ranges": (SHEET, _merged),
}
NEAR = {"just under the cell budget, scanner path": (SHEET, lambda: _near_budget(True)),
        "just under the cell budget, parser path": (SHEET, lambda: _near_budget(False))}


def _col(i: int) -> str:
    return ("" if i < 26 else chr(64 + i // 26)) + chr(65 + i % 26)


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("budget")
    base = write_return(folder / "base.xlsx", fill_values(load_seed("000"))).read_bytes()
    files = {}
    for i, (name, (part, body)) in enumerate({**BOMBS, **NEAR}.items()):
        files[name] = folder / f"{i}.xlsx"
        files[name].write_bytes(_replace(base, part, body()))
    return files


def _measured(path: Path) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, timeout=60,
                         check=True)
    result: dict[str, object] = json.loads(out.stdout)
    return result


@pytest.mark.parametrize("case", list(BOMBS))
def test_a_bomb_like_part_is_over_budget_and_cheap(hostile: dict[str, Path], case: str) -> None:
    path = hostile[case]
    assert path.stat().st_size < 8 * 1024 * 1024            # small files, as the (2.1 to 4.9 MB)
    got = _measured(path)
    assert got["codes"] == ["XF116"], got
    assert float(str(got["rss_mb"])) < 300 and float(str(got["cpu"])) < 2, (case, got)


@pytest.mark.parametrize("case", list(NEAR))
def test_a_part_just_under_the_budget_is_read_and_cheap(hostile: dict[str, Path], case: str) -> None:
    got = _measured(hostile[case])
    assert "XF116" not in got["codes"]                       # type: ignore[operator]
    assert float(str(got["rss_mb"])) < 300 and float(str(got["cpu"])) < 2, (case, got)


def test_over_budget_message_names_what_and_the_limit(tmp_path: Path) -> None:
    base = write_return(tmp_path / "b.xlsx", fill_values(load_seed("000"))).read_bytes()
    path = tmp_path / "rows.xlsx"
    path.write_bytes(_replace(base, SHEET, _sheet(b"<row/>" * (xlsx.MAX_ROWS + 1))))
    [f] = check_file(path).findings
    assert f.code == "XF116" and f.value == f"行 {xlsx.MAX_ROWS + 1} 个，上限 {xlsx.MAX_ROWS} 个"


def test_too_many_defined_names_and_too_long_a_text_are_over_budget(tmp_path: Path) -> None:
    base = write_return(tmp_path / "b.xlsx", fill_values(load_seed("000"))).read_bytes()
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        workbook, sst = z.read("xl/workbook.xml"), z.read(SST)
    names = b"".join(b'<definedName name="n%d">Sheet1!$A$1</definedName>' % i for i in range(xlsx.MAX_NAMES + 1))
    cases = {"names.xlsx": ("xl/workbook.xml", workbook.replace(b"<definedNames>", b"<definedNames>" + names)),
             "text.xlsx": (SST, sst.replace(b"<si><t>", b"<si><t>" + b"x" * (xlsx.MAX_TEXT + 1), 1))}
    for name, (part, body) in cases.items():
        (tmp_path / name).write_bytes(_replace(base, part, body))
        assert [f.code for f in check_file(tmp_path / name).findings] == ["XF116"], name


def test_the_budget_is_far_above_a_real_form(tmp_path: Path) -> None:
    """The largest built-in form, with every indicator row used, against the limits."""
    path = write_return(tmp_path / "big.xlsx", fill_values(load_seed("000")), indicator_rows=200)
    with zipfile.ZipFile(path) as z:
        sheet, sst, workbook = z.read(SHEET), z.read(SST), z.read("xl/workbook.xml")
    assert 20 * sheet.count(b'<c r="') < xlsx.MAX_CELLS and 20 * sheet.count(b"<row") < xlsx.MAX_ROWS
    assert 20 * sst.count(b"<si") < xlsx.MAX_SHARED_STRINGS
    assert 20 * workbook.count(b"<definedName ") < xlsx.MAX_NAMES
    assert 20 * sheet.count(b"<mergeCell ") < xlsx.MAX_MERGED
    assert "XF116" not in [f.code for f in check_file(path).findings]
