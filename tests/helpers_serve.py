"""A small collection round for the `xlsform serve` tests: a manifest of four units and their returns.

Units (Wangcheng): 430112001 (seed 000), 430112002 (seed 002), 430112004 (seed 004), 430112999 (never
returns). Returns, by name:
  clean    430112001, no finding above info (已通过)
  errors   430112001 with a <script> typed into a score cell (an error quoting that text)
  warnings 430112002, warnings only
  invalid  430112004, its real error (weights sum to 70)
  zhuzhou  a Zhuzhou-form workbook carrying 430112001's code (another spec)
  old_year 430112001's return of another year (another round)
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import load_seed
from tests.helpers_forms import prefill_values, write_return
from xlsform.generate import generate_units
from xlsform.records import Record
from xlsform.roster import Unit
from xlsform.spec import load_spec

SCRIPT = "<script>alert('x')</script>"
CODES = ("430112001", "430112002", "430112004", "430112999")
PASSWORD = "测试-admin-pw"


@dataclass
class Round:
    folder: Path                  # holds manifest.json (and, once served, the store and links.csv)
    returns: dict[str, Path]

    @property
    def manifest(self) -> Path:
        return self.folder / "manifest.json"


def _clean_000() -> Record:
    r = load_seed("000")
    r.values["execution.reason"] = "疫情影响，接待任务减少。"
    r.values["ind.6.actual"] = "全年接待来宾312批次，来宾满意度调查均为满意。"
    r.values["ind.8.actual"] = "全年公务接待费用较上年下降12%，服务水平提高。"
    # the seed leaves these three weighted rows without a target (XF513) and describes rows 1 and 4 where a
    # value belongs (XF533); a clean return has targets
    r.values["ind.1.target"] = "≥40批次"
    r.values["ind.4.target"] = "人均≤150元"
    r.values["ind.4.actual"] = "人均128元"
    r.values["ind.5.target"] = "厉行节约，接待费用不超预算"
    r.values["ind.6.target"] = "来宾满意"
    r.values["ind.8.target"] = "服务水平提升"
    return r


def build_round(root: Path) -> Round:
    spec = load_spec("wangcheng")
    records = {"001": _clean_000(), "002": load_seed("002"), "004": load_seed("004")}
    units = [Unit(r.code or "", r.name or "", prefill_values(r, spec)) for r in records.values()]
    units.append(Unit("430112999", "未报送的<b>单位</b>", {**units[0].values, "code": "430112999",
                                                        "name": "未报送的<b>单位</b>"}))
    manifest = generate_units(units, spec, root / "sent", jobs=1)
    out = root / "returns"
    out.mkdir()
    pw = manifest.password
    returns = {"clean": write_return(out / "clean.xlsx", records["001"], password=pw),
               "warnings": write_return(out / "warnings.xlsx", records["002"], password=pw),
               "invalid": write_return(out / "invalid.xlsx", records["004"], password=pw)}
    bad = _clean_000()
    bad.values["ind.1.score"] = SCRIPT
    returns["errors"] = write_return(out / "errors.xlsx", bad, password=pw)
    old = _clean_000()
    old.values["year"] = int(old.values.get("year") or 2020) - 1
    returns["old_year"] = write_return(out / "old_year.xlsx", old, spec="wangcheng")
    zz = load_seed("001")
    zz.values["code"] = "430112001"
    returns["zhuzhou"] = write_return(out / "zhuzhou.xlsx", zz)
    return Round(root / "sent", returns)


def build_units(root: Path, count: int) -> tuple[Path, dict[str, Path]]:
    """A round of `count` units, each with its own clean return (benchmarks/units_round.py)."""
    from benchmarks.units_round import build_units as build

    return build(root, count)


@pytest.fixture(scope="session")
def made(tmp_path_factory: pytest.TempPathFactory) -> Round:
    """The round, built once for every module that imports this fixture."""
    return build_round(tmp_path_factory.mktemp("serve-round"))


@pytest.fixture
def rnd(made: Round, tmp_path: Path) -> Round:
    """The round's manifest in a folder of the test's own (its own store and links), the same returns."""
    return fresh_copy(made, tmp_path)


def fresh_copy(source: Round, root: Path) -> Round:
    """The round's manifest in a folder of its own (so each test gets its own store), same returns."""
    folder = root / "round"
    folder.mkdir(parents=True)
    shutil.copy(source.manifest, folder / "manifest.json")
    return Round(folder, source.returns)


def read_links(folder: Path) -> dict[str, str]:
    raw = (folder / "links.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return {r["code"]: r["url"] for r in csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))}


def token_of(url: str) -> str:
    return url.rsplit("/u/", 1)[1]


def check_json(path: Path, manifest: Path) -> dict[str, object]:
    """What `xlsform check --json --manifest` prints for one file."""
    from click.testing import CliRunner

    from xlsform.cli import main

    res = CliRunner().invoke(main, ["check", str(path), "--manifest", str(manifest), "--json", "--jobs", "1"])
    [obj] = json.loads(res.output)
    return dict(obj)


# ------------------------------------------------------------------------------ a real server process

class Server:
    """`xlsform serve` as its own process on 127.0.0.1 and an ephemeral port (loopback only, always)."""

    def __init__(self, manifest: Path, *args: str, password: str | None = PASSWORD,
                 command: list[str] | None = None, cwd: Path | None = None) -> None:
        """`command` (default: this checkout's `python -m xlsform`) is how xlsform is started, from `cwd`."""
        if "--unit-uploads" not in args:        # load tests and benchmarks upload far more than one unit would
            args = (*args, "--unit-uploads", "100000")
        import os
        import subprocess
        import sys
        import threading

        root = Path(__file__).resolve().parent.parent
        env = {**os.environ, "XLSFORM_ADMIN_PASSWORD": ""}
        if command is None:
            command, env["PYTHONPATH"] = [sys.executable, "-m", "xlsform"], str(root)
        self.proc = subprocess.Popen(
            [*command, "serve", "--manifest", str(manifest), "--host", "127.0.0.1",
             "--port", "0", *(["--admin-password", password] if password else []), *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            encoding="utf-8", cwd=cwd or root, env=env)
        self.lines: list[str] = []
        self._ready = threading.Event()
        self.url = ""
        threading.Thread(target=self._drain, daemon=True).start()
        if not self._ready.wait(60) or not self.url:
            self.kill()
            raise RuntimeError("server did not start:\n" + "".join(self.lines))

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)
            m = re.match(r"服务已启动：(http://127\.0\.0\.1:\d+)", line)
            if m:
                self.url = m.group(1)
                self._ready.set()
        self._ready.set()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except Exception:
                self.proc.kill()
                self.proc.wait()
        self._close()

    def kill(self) -> None:
        """kill -9: no chance to flush or clean anything."""
        import signal

        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self._close()

    def _close(self) -> None:
        if self.proc.stderr is not None:
            self.proc.stderr.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def post_file(url: str, data: bytes, name: str = "return.xlsx", timeout: float = 30.0,
              fields: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    """A multipart upload asking for JSON, with the standard library only (what a unit's script would do);
    `fields`: form fields sent before the file (confirm=1)."""
    import urllib.request
    import uuid

    boundary = uuid.uuid4().hex
    parts = "".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                    for k, v in (fields or {}).items())
    body = (f"{parts}--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}", "Accept": "application/json"})
    return json_answer(req, timeout)


def json_answer(req: Any, timeout: float = 30.0) -> tuple[int, dict[str, Any]]:
    """The status and JSON body of a request, an HTTP error's included."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return res.status, json.loads(res.read())
    except urllib.error.HTTPError as e:
        with e:
            return e.code, json.loads(e.read() or b"{}")


def post_retrying(url: str, data: bytes, name: str = "return.xlsx",
                  timeout: float = 30.0) -> tuple[int, dict[str, Any]]:
    """`post_file` as a script that honours 429 for its unit's previous upload still being checked (one link
    holds one checking process at a time): it tries again a moment later."""
    import time

    for _ in range(2000):
        status, answer = post_file(url, data, name, timeout)
        if status != 429 or "还在检查中" not in str(answer.get("error")):
            return status, answer
        time.sleep(0.01)
    return status, answer


class Browser:
    """A client of a real server with its own cookie jar, as one browser is: follows redirects, keeps cookies
    (per host, whatever the port, as browsers do), reads the CSRF token off the page it is on."""

    def __init__(self, base: str) -> None:
        import urllib.request
        from http.cookiejar import CookieJar

        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def open(self, path: str, data: dict[str, str] | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, str, str]:
        """(status, final URL, body text) of a GET, or of a form POST when `data` is given."""
        import urllib.error
        import urllib.parse
        import urllib.request

        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(path if path.startswith("http") else self.base + path, data=body,
                                     headers=headers or {})
        try:
            with self.opener.open(req, timeout=30) as res:
                return res.status, res.url, res.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            with e:
                return e.code, e.url, e.read().decode("utf-8", "replace")

    def csrf(self, path: str) -> str:
        _, _, page = self.open(path)
        m = re.search(r'name="csrf" value="([^"]+)"', page)
        assert m, page
        return m.group(1)

    def post_form(self, path: str, fields: dict[str, str], page: str | None = None) -> tuple[int, str, str]:
        """A form post the way a page makes it: with the CSRF token of `page` (default: `path` itself)."""
        return self.open(path, {"csrf": self.csrf(page or path), **fields})

    def login(self, password: str = PASSWORD) -> tuple[int, str, str]:
        return self.post_form("/admin/login", {"password": password})

    def cookie(self, name_start: str) -> tuple[str, str]:
        [(name, value)] = [(c.name, c.value or "") for c in self.jar if c.name.startswith(name_start)
                           and not c.name.endswith("_device")]
        return name, value
