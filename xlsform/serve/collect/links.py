"""Unit links of the collection service: `links.csv` beside the manifest, one private URL per unit.

Each URL carries a random token (192 bits); the store keeps only its hash, so the token exists in this file
and in the mail to the unit, nowhere else. The file is UTF-8 with a BOM so that Excel opens the Chinese names
correctly, and is rewritten atomically whenever links are issued, reissued or revoked.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from pathlib import Path

from xlsform.csvsafe import escape_cell
from xlsform.fsutil import atomic_output
from xlsform.store import Store

LINKS_NAME = "links.csv"
COLUMNS = ("code", "name", "url")


def unit_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/u/{token}"


def issue_missing(store: Store, base_url: str, links_csv: Path) -> int:
    """Give every unit without a link one, and write them into links.csv; returns how many were issued."""
    codes = store.units_without_link()
    fresh = {code: unit_url(base_url, store.issue_link(code)) for code in codes}
    if fresh or not links_csv.exists():
        update(store, links_csv, fresh)
    return len(fresh)


def reissue(store: Store, base_url: str, links_csv: Path, code: str) -> str:
    """A new link for one unit (the old one stops working at once); returns the new URL."""
    url = unit_url(base_url, store.issue_link(code))
    update(store, links_csv, {code: url})
    return url


def revoke(store: Store, links_csv: Path, code: str) -> None:
    store.revoke_link(code)
    update(store, links_csv, {code: None})


def update(store: Store, links_csv: Path, changed: Mapping[str, str | None]) -> None:
    """links.csv with `changed` applied (None removes a unit's row), in the store's unit order."""
    urls = {**read(links_csv), **changed}
    rows = [(u.code, u.name, urls[u.code]) for u in store.units() if urls.get(u.code)]
    with atomic_output(links_csv, force=True, private=True) as fh:   # the tokens: the office's alone
        fh.write(text(rows).encode("utf-8-sig"))


def read(links_csv: Path) -> dict[str, str | None]:
    try:
        content = links_csv.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return {}
    return {r["code"].lstrip("'"): r["url"] for r in csv.DictReader(io.StringIO(content)) if r.get("code")}


def text(rows: Iterable[tuple[str, str, str | None]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    w.writerows([escape_cell(code), escape_cell(name), url] for code, name, url in rows)
    return buf.getvalue()
