"""manifest.json: the record of what was sent to whom, which the checker compares every return against.

Format `xlsform.manifest/1`:
{"format": "xlsform.manifest/1", "spec_id", "spec_version", "year", "indicator_rows", "password",
 "generated_at", "generator", "units": [{"code", "name", "file", "sha256", "prefilled": {key: value},
 "history": [{"reissued_at", "file", "sha256", "prefilled"}]}]}   (history: only on a re-issued unit's entry)

A manifest is never replaced without a copy: saving over one first keeps it as
`manifest.backup-<UTC time>.json` beside it (0600), which `backups()` lists.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from xlsform.errors import XlsformError
from xlsform.fsutil import atomic_output

MANIFEST_FORMAT = "xlsform.manifest/1"
MANIFEST_NAME = "manifest.json"


@dataclass
class ManifestUnit:
    code: str
    name: str
    file: str
    sha256: str
    prefilled: dict[str, Any] = field(default_factory=dict)
    # Earlier forms of a re-issued unit (`generate --reissue`): when, which file, and what it prefilled.
    history: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Manifest:
    spec_id: str
    spec_version: str
    year: int | None
    indicator_rows: int
    password: str
    units: list[ManifestUnit] = field(default_factory=list)
    generated_at: str | None = None
    generator: str | None = None
    path: Path | None = field(default=None, compare=False)
    backup: Path | None = field(default=None, compare=False)    # the copy kept when the last save replaced one

    def unit(self, code: str) -> ManifestUnit | None:
        """The unit of this code (the first, as listed); an index is built once, at the first look-up."""
        index = self.__dict__.get("_index")
        if index is None or len(index[1]) != len(self.units) or index[1] is not self.units:
            table: dict[str, ManifestUnit] = {}
            for u in self.units:
                table.setdefault(u.code, u)
            index = self.__dict__["_index"] = (table, self.units)
        return index[0].get(code)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"format": MANIFEST_FORMAT}
        data |= {k: getattr(self, k) for k in ("spec_id", "spec_version", "year", "indicator_rows", "password")}
        data["units"] = [_unit_json(u) for u in self.units]
        data |= {"generated_at": self.generated_at, "generator": self.generator}
        return data

    def text(self) -> str:
        """The file's text: one unit a line (json's C encoder; its indenting encoder is pure Python and took
        over a second for 1,000 units)."""
        data = self.to_json()
        units = data.pop("units")
        head = json.dumps(data, ensure_ascii=False, indent=1)
        lines = ",\n".join("  " + json.dumps(u, ensure_ascii=False) for u in units)
        return head[:-2] + ',\n "units": [\n' + lines + "\n ]\n}\n" if units else \
            head[:-2] + ',\n "units": []\n}\n'

    def save(self, path: str | Path, force: bool = False) -> Path | None:
        """Write the manifest; with `force`, one already there is first kept as a dated backup, which is
        returned (None when nothing was replaced)."""
        text = self.text()
        path = Path(path)
        backup = backup_of(path) if force and path.exists() else None
        with atomic_output(path, force, private=True) as fh:   # the password and every unit's data
            fh.write(text.encode("utf-8"))
        return backup

    @classmethod
    def from_json(cls, data: dict[str, Any], path: Path | None = None) -> Manifest:
        if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
            raise XlsformError(f"{path or 'manifest'}：不是 xlsform 清单（format 应为 {MANIFEST_FORMAT}）")
        try:
            units = [ManifestUnit(u["code"], u["name"], u["file"], u["sha256"], dict(u.get("prefilled", {})),
                                  list(u.get("history", [])))
                     for u in data["units"]]
            return cls(spec_id=data["spec_id"], spec_version=data["spec_version"], year=data.get("year"),
                       indicator_rows=int(data["indicator_rows"]), password=data.get("password", ""),
                       units=units, generated_at=data.get("generated_at"), generator=data.get("generator"),
                       path=path)
        except (KeyError, TypeError, ValueError) as e:
            raise XlsformError(f"{path or 'manifest'}：清单内容不完整（{e}）") from None

    @classmethod
    def load(cls, path: str | Path) -> Manifest:
        """Load a manifest file, or `manifest.json` inside a directory."""
        p = Path(path)
        if p.is_dir():
            p = p / MANIFEST_NAME
        try:
            data = json.loads(p.read_text(encoding="utf-8-sig"))     # Notepad may add a BOM when saving
        except OSError as e:
            raise XlsformError(f"{p}：无法读取清单（{e.strerror}）") from None
        except ValueError as e:   # not JSON, or not UTF-8 at all
            raise XlsformError(f"{p}：清单不是有效的 JSON（{e}）") from None
        return cls.from_json(data, p)


BACKUP_PREFIX = "manifest.backup-"


def backup_of(path: Path) -> Path:
    """Copy a manifest about to be replaced to `manifest.backup-<UTC time>.json` beside it (0600, never over
    another backup): the password and prefilled data of forms already sent must outlive any command."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{BACKUP_PREFIX}{stamp}.json")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{BACKUP_PREFIX}{stamp}-{n}.json")
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out, path.open("rb") as src:
            shutil.copyfileobj(src, out)
            out.flush()
            os.fsync(out.fileno())
    except OSError as e:
        target.unlink(missing_ok=True)
        raise XlsformError(f"无法备份原清单 {path}（{e.strerror or e}）；清单未改动") from None
    return target


def backups(folder: str | Path) -> list[Path]:
    """The dated copies of earlier manifests in a round's folder, oldest first."""
    return sorted(Path(folder).glob(f"{BACKUP_PREFIX}*.json"))


def _unit_json(u: ManifestUnit) -> dict[str, Any]:
    out: dict[str, Any] = {"code": u.code, "name": u.name, "file": u.file, "sha256": u.sha256,
                           "prefilled": {k: _plain(v) for k, v in u.prefilled.items()}}
    if u.history:
        out["history"] = copy.deepcopy(u.history)
    return out


def _plain(x: Any) -> Any:
    if isinstance(x, Decimal):
        return int(x) if x == x.to_integral_value() else float(x)
    return x
