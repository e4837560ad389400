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
__all__ = ["libreoffice"]


def test_a_copy_corrected_in_libreoffice_is_the_units_newest_return(tmp_path: Path, libreoffice: LibreOffice) -> None:
    returns = tmp_path / "returns"
    record = load_seed("000")
    record.values.pop("execution.reason", None)             # 27% execution without a reason: XF402
    original = write_return(returns / "000.xlsx", record)
    res = CliRunner().invoke(main, ["check", str(original), "--annotate", str(tmp_path / "feedback")])
    copy = tmp_path / "feedback" / "000_校验.xlsx"
    assert res.exit_code == 1 and copy.exists()
    assert check_file(copy).own == ANNOTATED                  # as written: ours, no return

    back = returns / copy.name
    libreoffice.run_ok([{"path": str(copy), "set": [["xf_execution_reason", "string", "疫情影响，接待任务减少。"]],
                         "save_xlsx": str(back)}])
    assert check_file(back).own is None                       # its values changed: a return
    skipped: list[object] = []
    results = list(check_paths([returns], skipped=skipped))
    assert sorted(Path(r.file).name for r in results) == ["000.xlsx", "000_校验.xlsx"] and not skipped
    [unit] = assign(results).units
    assert unit.result is not None and Path(unit.result.file).name == "000_校验.xlsx"
    assert "XF402" not in [f.code for f in unit.result.findings]
    assert [Path(o.file).name for o in unit.others] == ["000.xlsx"]
