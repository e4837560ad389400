"""QA: file names as units send them: Chinese, long, with spaces."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import ROOT
from xlsform.check import check_file
from xlsform.fsutil import safe_filename

SEED = ROOT / "examples/returns/wangcheng/000_wangcheng_reception.xlsx"


def test_an_annotated_copy_of_a_return_with_a_long_chinese_name_is_written(tmp_path: Path) -> None:
    # 83 Chinese characters are 249 bytes: a legal name on ext4 (255 bytes), but "<stem>_校验.xlsx" and its
    # temporary ".<name>.xxxxxxxx.part" are not unless the stem is cut by bytes, not only by characters.
    src = tmp_path / ("长沙市 望城区" * 12 + "长" * 2 + ".xlsx")[-(83 + 5):]
    shutil.copy(SEED, src)
    out = tmp_path / "批注"
    result = check_file(src, annotate=out)
    assert [f.message for f in result.findings if f.code == "XF903"] == []
    [copy] = out.iterdir()
    assert copy.name.endswith("_校验.xlsx") and len(copy.name.encode("utf-8")) < 230


def test_safe_filename_caps_bytes_and_keeps_whole_characters() -> None:
    name = safe_filename("长" * 80)
    assert len(name.encode("utf-8")) <= 180 and set(name) == {"长"}
    assert safe_filename("a" * 100) == "a" * 80
    assert safe_filename("长" * 60, 60) == "长" * 60        # generate's unit-name part is unchanged
