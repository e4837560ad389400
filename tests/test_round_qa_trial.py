"""What the trial of a whole round (round-qa: 16 units filled in LibreOffice, two passes, the service for part of
it) found in the forms as units really fill them, each proved here through LibreOffice."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from tests.helpers_lo import LibreOffice, libreoffice
from xlsform.check import check_file
from xlsform.cli import main
from xlsform.manifest import Manifest

pytestmark = [pytest.mark.libreoffice]
__all__ = ["libreoffice"]


def sent(tmp_path: Path) -> tuple[Path, Manifest]:
    out = tmp_path / "round"
    res = CliRunner().invoke(main, ["generate", str(ROOT / "examples/roster.csv"), "--indicators",
                                    str(ROOT / "examples/indicators.csv"), "-o", str(out)])
    assert res.exit_code == 0, res.output
    return out, Manifest.load(out / "manifest.json")


def test_a_spent_figure_pasted_as_text_is_one_finding_at_its_cell(tmp_path: Path, libreoffice: LibreOffice) -> None:
    """B pasted as the text "3,150.00": the form's formulas take it as 0 and show 0.00 %, a fund score of 0 and a
    total 10 points short. The check read 3150 (XF203) but said four times 「请重新计算（F9）」, which cannot
    mend it: the cell to retype is D6."""
    out, manifest = sent(tmp_path)
    entry = manifest.unit("430112001")
    assert entry is not None
    back = tmp_path / "back.xlsx"
    [result] = libreoffice.run_ok([{"path": str(out / "forms" / entry.file), "read": ["xf_fund_total_rate"],
                                    "set": [["xf_fund_total_spent", "string", "300.00"],
                                            ["xf_fund_fiscal_spent", "value", 300]],
                                    "save_xlsx": str(back)}])
    assert result["values"]["xf_fund_total_rate"] == 0     # what the unit's printed form shows
    found = check_file(back, manifest=manifest).findings
    assert not [f for f in found if f.code == "XF407"], [f.message for f in found if f.code == "XF407"]
    [text] = [f for f in found if f.code == "XF410"]
    assert text.cell == "D6" and text.severity == "warning"
    assert "「年度资金总额·全年执行数(B)」中的“300.00”是文字而不是数字" in text.message
    assert "「年度资金总额·执行率」、「年度资金总额·得分」" in text.message
    assert "请在该单元格重新输入数字" in text.message
