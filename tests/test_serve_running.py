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


def test_links_follow_the_address_the_tokens_stay(made: Round, tmp_path: Path) -> None:
    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest) as first:
        before = read_links(rnd.folder)
        assert all(url.startswith(first.url + "/u/") for url in before.values())
        assert any("只能在这台电脑上打开" in line for line in first.lines)
    with Server(rnd.manifest) as second:                    # another port: every link follows it
        after = read_links(rnd.folder)
        assert {c: u.rsplit("/u/", 1)[1] for c, u in after.items()} == \
            {c: u.rsplit("/u/", 1)[1] for c, u in before.items()}
        assert all(url.startswith(second.url + "/u/") for url in after.values())
        assert post_file(after["430112001"], rnd.returns["clean"].read_bytes())[0] == 200
    with Server(rnd.manifest, "--base-url", "http://192.168.9.9:8000/") as third:
        assert all(u.startswith("http://192.168.9.9:8000/u/") for u in read_links(rnd.folder).values())
        assert any("所有链接都以 http://192.168.9.9:8000/u/ 开头" in line for line in third.lines)
        assert not any("只能在这台电脑上打开" in line for line in third.lines)
    with Server(rnd.manifest):                              # remembered until another --base-url is given
        assert all(u.startswith("http://192.168.9.9:8000/u/") for u in read_links(rnd.folder).values())
    with pytest.raises(RuntimeError, match="不是网址"):
        Server(rnd.manifest, "--base-url", "192.168.9.9:8000")


def test_listening_everywhere_gives_links_this_computers_network_address() -> None:
    from xlsform.serve.collect.links import listening_base, local_only

    base = listening_base("0.0.0.0", 8000)
    assert base.endswith(":8000") and "0.0.0.0" not in base
    assert local_only("http://127.0.0.1:8000") and local_only("http://localhost:1")
    assert not local_only("http://192.168.1.20:8000") and not local_only("https://pj.example.gov.cn")


def test_every_start_line_the_office_sees_is_chinese(made: Round, tmp_path: Path) -> None:
    """The start messages end with the address the server bound; that line was English ("listening on …"),
    the one English line an office saw on a normal start (the acceptance run from a fresh clone)."""
    import re

    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest) as server:
        lines = [line.strip() for line in server.lines if line.strip()]
        assert lines and lines[-1].startswith("服务已启动：" + server.url)
        assert "Ctrl+C" in lines[-1]
        words = [line for line in lines if not re.search(r"[\u4e00-\u9fff]", line)]
        assert not words, words                        # every line says something in Chinese
        assert not any("listening on" in line for line in lines)
