"""Issue 15.5: a running round is never lost. `generate --add` adds late units under the round's password,
keeping every sent unit's form, entry and prefill; `--reissue CODE` rewrites one unit's form on purpose and
records what it replaced; and no option replaces a manifest without keeping a dated copy."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner, Result

from tests.conftest import ROOT, load_seed
from tests.helpers_forms import write_return
from xlsform.check import check_file
from xlsform.cli import main
from xlsform.manifest import Manifest, backups

ROSTER, INDICATORS = ROOT / "examples/roster.csv", ROOT / "examples/indicators.csv"


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def roster_with(tmp_path: Path, *rows: dict[str, str], drop: str | None = None,
                change: dict[str, dict[str, str]] | None = None) -> Path:
    with ROSTER.open(encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    table = [r | (change or {}).get(r["code"], {}) for r in table if r["code"] != drop]
    table += [table[0] | r for r in rows]
    path = tmp_path / f"roster-{len(list(tmp_path.glob('roster-*')))}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)
    return path


def sent_round(tmp_path: Path) -> tuple[Path, Manifest, dict[str, bytes]]:
    out = tmp_path / "round"
    assert run("generate", ROSTER, "--indicators", INDICATORS, "-o", out).exit_code == 0
    return out, Manifest.load(out / "manifest.json"), {p.name: p.read_bytes() for p in (out / "forms").iterdir()}


def test_a_late_unit_is_added_under_the_rounds_password_and_nothing_sent_changes(tmp_path: Path) -> None:
    out, before, forms = sent_round(tmp_path)
    late = roster_with(tmp_path, {"code": "430112009", "name": "晚到的单位", "fund.total.budget": "500",
                                  "fund.fiscal.budget": "500"})
    res = run("generate", late, "--indicators", INDICATORS, "-o", out, "--add")
    assert res.exit_code == 0, res.output
    assert "430112009 晚到的单位：2020_430112009_晚到的单位.xlsx" in res.output
    after = Manifest.load(out / "manifest.json")
    assert after.password == before.password and after.units[:3] == before.units
    assert [u.code for u in after.units] == [*(u.code for u in before.units), "430112009"]
    assert after.units[3].prefilled["fund.total.budget"] == 500
    for name, data in forms.items():                       # the forms already sent: byte for byte
        assert (out / "forms" / name).read_bytes() == data
    [backup] = backups(out)
    assert Manifest.load(backup).units == before.units and backup.stat().st_mode & 0o777 == 0o600
    # the late unit's return is one of the round's: no XF154 "not in the manifest"
    record = load_seed("000")
    record.values |= {"code": "430112009", "name": "晚到的单位", "fund.total.budget": 500.0,
                      "fund.fiscal.budget": 500.0}
    back = write_return(tmp_path / "late.xlsx", record, password=after.password)
    codes = {f.code for f in check_file(back, manifest=after).findings}
    assert not codes & {"XF154", "XF152"}, codes
    # run again with the same roster: nothing to add, nothing rewritten, no new backup
    res = run("generate", late, "--indicators", INDICATORS, "-o", out, "--add")
    assert res.exit_code == 0 and "未生成新表格" in res.output and len(backups(out)) == 1


def test_a_unit_reissued_on_purpose_is_recorded_and_a_changed_roster_alone_is_not_applied(tmp_path: Path) -> None:
    out, before, forms = sent_round(tmp_path)
    changed = roster_with(tmp_path, change={"430112002": {"fund.fiscal.budget": "2100", "fund.total.budget": "2100"}})
    res = run("generate", changed, "--indicators", INDICATORS, "-o", out, "--add")
    assert res.exit_code == 0 and "--reissue 430112002" in res.output          # told, not applied
    assert Manifest.load(out / "manifest.json").units == before.units
    res = run("generate", changed, "--indicators", INDICATORS, "-o", out, "--reissue", "430112002")
    assert res.exit_code == 0 and "已重新下发 430112002" in res.output
    entry = Manifest.load(out / "manifest.json").unit("430112002")
    assert entry is not None and entry.prefilled["fund.total.budget"] == 2100
    [earlier] = entry.history
    assert earlier["prefilled"]["fund.total.budget"] == 2083 and earlier["sha256"] == before.units[1].sha256
    assert (out / "forms" / entry.file).read_bytes() != forms[entry.file]
    for name in set(forms) - {entry.file}:
        assert (out / "forms" / name).read_bytes() == forms[name]


def test_generate_force_over_a_round_keeps_its_password_and_a_dated_copy(tmp_path: Path) -> None:
    out, before, _ = sent_round(tmp_path)
    res = run("generate", ROSTER, "--indicators", INDICATORS, "-o", out, "--force")
    assert res.exit_code == 0 and "原清单已备份为" in res.output
    assert Manifest.load(out / "manifest.json").password == before.password
    [backup] = backups(out)
    assert json.loads(backup.read_text(encoding="utf-8"))["units"] == before.to_json()["units"]
    assert Manifest.load(out).unit("430112001") is not None     # the folder still loads the current manifest


def test_add_and_reissue_refuse_what_would_lose_or_guess(tmp_path: Path) -> None:
    res = run("generate", ROSTER, "-o", tmp_path / "nowhere", "--add")
    assert res.exit_code == 2 and "manifest.json" in res.output
    out, before, _ = sent_round(tmp_path)
    for extra in (["--reissue", "999"], ["--add", "--force"], ["--add", "--password", "x"],
                  ["--add", "--spec", "zhuzhou"]):
        res = run("generate", ROSTER, "--indicators", INDICATORS, "-o", out, *extra)
        assert res.exit_code == 2, (extra, res.output)
    assert Manifest.load(out / "manifest.json") == before and backups(out) == []
