"""Issue 8.2 with a real spreadsheet program: the unit corrects its annotated copy in LibreOffice, saves it,
and sends it back under the copy's name; the checker reads it as that unit's newest return."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import load_seed
from tests.helpers_forms import write_return
from tests.helpers_lo import LibreOffice, libreoffice
from xlsform.check import check_file, check_paths
from xlsform.cli import main
from xlsform.ownfiles import ANNOTATED
from xlsform.status import assign

pytestmark = pytest.mark.libreoffice
COPY = "430112001_长沙市望城区接待服务中心_校验.xlsx"
__all__ = ["libreoffice"]


def test_a_copy_corrected_in_libreoffice_is_the_units_newest_return(tmp_path: Path, libreoffice: LibreOffice) -> None:
    returns = tmp_path / "returns"
    record = load_seed("000")
    record.values.pop("execution.reason", None)             # 27% execution without a reason: XF402
    original = write_return(returns / "000.xlsx", record)
    res = CliRunner().invoke(main, ["check", str(original), "--annotate", str(tmp_path / "feedback")])
    copy = tmp_path / "feedback" / COPY           # issue 15.17: named for the unit, not for "000"
    assert res.exit_code == 1 and copy.exists()
    assert check_file(copy).own == ANNOTATED                  # as written: ours, no return

    back = returns / copy.name
    libreoffice.run_ok([{"path": str(copy), "set": [["xf_execution_reason", "string", "疫情影响，接待任务减少。"]],
                         "save_xlsx": str(back)}])
    assert check_file(back).own is None                       # its values changed: a return
    skipped: list[object] = []
    results = list(check_paths([returns], skipped=skipped))
    assert sorted(Path(r.file).name for r in results) == ["000.xlsx", COPY] and not skipped
    [unit] = assign(results).units
    assert unit.result is not None and Path(unit.result.file).name == COPY
    assert "XF402" not in [f.code for f in unit.result.findings]
    assert [Path(o.file).name for o in unit.others] == ["000.xlsx"]
    # the second pass: each return gets its copy, both named for the unit, never "…_校验_校验"
    res = CliRunner().invoke(main, ["check", str(returns), "--annotate", str(tmp_path / "feedback")])
    assert sorted(p.name for p in (tmp_path / "feedback").iterdir()) == [COPY.replace(".xlsx", "(2).xlsx"), COPY]
    assert "写入" in res.stderr and "2 份。" in res.stderr
