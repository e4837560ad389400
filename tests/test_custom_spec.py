"""A region's own spec works through the whole round: generate, check, status and merge with --spec FILE."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from xlsform.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _own_spec(folder: Path) -> Path:
    """The Wangcheng spec under a region's own id and name, as a region would copy and adapt it."""
    text = (ROOT / "templates" / "wangcheng.toml").read_text(encoding="utf-8")
    text = text.replace('id = "wangcheng"', 'id = "changsha-x"', 1)
    text = text.replace("indicator_rows = 30", "indicator_rows = 20")
    path = folder / "changsha-x.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_a_regions_own_spec_runs_the_whole_round(tmp_path: Path) -> None:
    spec = str(_own_spec(tmp_path))
    out = tmp_path / "out"
    code, text = _run("generate", str(ROOT / "examples" / "roster.csv"), "--indicators",
                      str(ROOT / "examples" / "indicators.csv"), "--spec", spec, "-o", str(out))
    assert code == 0, text
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["spec_id"] == "changsha-x"

    code, text = _run("check", str(out), "--manifest", str(out), "--json", "--spec", spec)
    results = json.loads(text)
    assert len(results) == 3 and all(r["record"] is not None for r in results)
    assert not {f["code"] for r in results for f in r["findings"]} & {"XF150", "XF151"}

    code, text = _run("status", str(out), "--manifest", str(out), "--spec", spec, "--no-ledger", "--json")
    assert code == 0, text
    code, text = _run("merge", str(out), "--manifest", str(out), "--spec", spec, "--no-ledger",
                      "-o", str(tmp_path / "sum.xlsx"))
    assert code == 0 and (tmp_path / "sum.xlsx").exists(), text


def test_a_manifest_of_an_unknown_spec_is_the_offices_error_not_the_units(tmp_path: Path) -> None:
    spec = str(_own_spec(tmp_path))
    out = tmp_path / "out"
    _run("generate", str(ROOT / "examples" / "roster.csv"), "--spec", spec, "-o", str(out))
    code, text = _run("check", str(out), "--manifest", str(out))
    assert code == 2
    assert "changsha-x" in text and "--spec" in text
