"""Running the service in an office, with real `xlsform serve` processes on loopback: one server per store,
links that follow the address, checking processes that do not import whatever `xlsform/` folder the office
happens to start it from, and start messages that say what is wrong and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("flask")

from tests.helpers_serve import Round, Server, fresh_copy, post_file, read_links
from xlsform.store import FILES_NAME


def test_a_second_server_on_the_same_store_is_refused_and_touches_nothing(made: Round, tmp_path: Path) -> None:
    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest) as first:
        files = rnd.folder / FILES_NAME
        files.mkdir(exist_ok=True)
        in_progress = files / ".tmp-an-upload-in-progress"          # what a running upload looks like
        in_progress.write_bytes(b"half a file")
        with pytest.raises(RuntimeError) as refused:
            Server(rnd.manifest)
        text = str(refused.value)
        assert "这一轮已有一个 xlsform serve 在运行" in text and f"进程 {first.proc.pid}" in text
        assert first.url.split(":")[-1] in text                        # where the running one answers
        assert in_progress.exists()                                    # its temporaries are left alone
        status, _ = post_file(read_links(rnd.folder)["430112001"], rnd.returns["clean"].read_bytes())
        assert status == 200                                           # and it goes on serving
    with Server(rnd.manifest):                                         # once it stops, the next start runs
        assert not in_progress.exists()                                # and sweeps what the stopped one left


def test_a_port_in_use_is_said_in_chinese_with_what_to_do(made: Round, tmp_path: Path) -> None:
    a, b = fresh_copy(made, tmp_path / "a"), fresh_copy(made, tmp_path / "b")
    with Server(a.manifest) as first:
        port = first.url.rsplit(":", 1)[1]
        with pytest.raises(RuntimeError) as refused:
            Server(b.manifest, "--port", port)
    text = str(refused.value)
    assert f"端口 {port} 已被占用" in text and "--port" in text and "Address already in use" not in text
    assert not (b.folder / "xlsform-serve.lock").read_text(encoding="utf-8")     # released: b can start later
