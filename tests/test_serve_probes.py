"""The probes of docs/serve-probes.md that failed or only partly passed, each against a real `xlsform serve`
process on loopback (or, where the rule is a pure function, the function), named by its probe number."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("flask")

from tests.helpers_serve import Round, Server, fresh_copy, post_file, read_links
from xlsform.manifest import Manifest


def _next_year(manifest: Path) -> int:
    """The round's manifest rewritten for the next year, as `generate --force` into the same folder does."""
    m = Manifest.load(manifest)
    m.year = (m.year or 2020) + 1
    m.save(manifest, force=True)
    return m.year


# ------------------------------------------------------------------ P51: one store, one round

def test_a_new_years_manifest_in_last_years_folder_is_not_served_on_last_years_store(made: Round,
                                                                                      tmp_path: Path) -> None:
    from click.testing import CliRunner

    from xlsform.cli import main

    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest):
        assert post_file(read_links(rnd.folder)["430112001"], rnd.returns["clean"].read_bytes())[0] == 200
    with Server(rnd.manifest):                       # the same round again (a restart): served as before
        pass
    links_before = (rnd.folder / "links.csv").read_bytes()
    year = _next_year(rnd.manifest)
    with pytest.raises(RuntimeError) as refused:
        Server(rnd.manifest)
    text = str(refused.value)
    assert f"{year - 1} 年度" in text and f"{year} 年度" in text and "新的文件夹" in text, text
    assert (rnd.folder / "links.csv").read_bytes() == links_before      # nothing was touched
    res = CliRunner().invoke(main, ["merge", "--from-store", "--manifest", str(rnd.manifest), "-o",
                                    str(tmp_path / "summary.xlsx"), "--no-ledger"])
    assert res.exit_code == 2 and f"{year - 1} 年度" in res.output, res.output
    assert not (tmp_path / "summary.xlsx").exists()
