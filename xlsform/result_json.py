"""A checked file's JSON object as `check --json` writes it, encoded straight from the result's fields.

The reference is `json.dumps(result.to_json(), ensure_ascii=False, default=str)`. Going through to_json builds
some 35 dicts a return, and json's C encoder then encodes every key of them again, item by item. Here a result
is laid out as two lists instead: its values in the order to_json has them, and the constant text around them
(keys, braces, brackets: encoded once, at import). The values are encoded by json's own encoder in one call, as
one flat list whose items are separated by a NUL: JSON escapes every control character inside a value, so a raw
NUL can only be a separator and the text splits back into one piece a value. So the escaping, the spelling of
floats and NaN and default=str are json's own, and no key is encoded per return.

Where a result has a shape this does not know (a subclass, a key that is not text), `json_bytes` says None and
the caller takes the reference path. tests/test_result_json.py compares the two on generated results.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import repeat
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

from xlsform import records
from xlsform.codes import Finding
from xlsform.fsutil import shown_path
from xlsform.layout import indicator_key
from xlsform.records import FOOTER_KEYS, GOAL_KEYS, IDENTITY_KEYS, RECORD_FORMAT, TOTAL_KEYS, Record
from xlsform.results import _SEVERITY_ORDER, FileResult
from xlsform.spec import FUND_COLUMNS


def encoder(separator: str) -> Callable[[Any], str]:
    """json.dumps(ensure_ascii=False, default=str) with that item separator, calling json's C encoder made once
    (JSONEncoder.encode makes one per call, in Python); without the check for circular references (a result
    is a tree of fresh values)."""
    if c_make_encoder is None:    # an interpreter without json's C speedups
        return json.JSONEncoder(ensure_ascii=False, default=str, check_circular=False,
                                separators=(separator, ": ")).encode
    chunks = c_make_encoder(None, str, encode_basestring, None, ": ", separator, False, False, True)
    return lambda obj: "".join(chunks(obj, 0))


encode = encoder(", ")
_encode_nul = encoder("\x00")


def _key(name: str) -> str:
    return encode_basestring(name) + ": "


class _Dict(NamedTuple):
    """A dict of known keys as UTF-8 text: what comes before it and its first key, then each further key."""

    first: bytes
    more: tuple[bytes, ...]


def _dict(before: str, names: Iterable[str]) -> _Dict:
    keys = [_key(k) for k in names]
    return _Dict((before + "{" + keys[0]).encode(), tuple((", " + k).encode() for k in keys[1:]))


class _List(NamedTuple):
    """A list of dicts of known keys: before it and the first dict's first key; each dict's further keys;
    between two dicts; the whole when empty."""

    first: bytes
    more: tuple[bytes, ...]
    next: bytes
    empty: bytes


def _list(before: str, names: Iterable[str]) -> _List:
    first, more = _dict(before + "[", names)
    return _List(first, more, b"}, " + first[len(before) + 1:], (before + "[]").encode())


_INDICATOR_COLUMNS = tuple(records._NO_INDICATOR)     # Record.to_json: {"index": i, **_NO_INDICATOR, **row}
_FINDING_FIELDS = ("code", "severity", "message", "file", "sheet", "cell", "field", "key", "value", "expected")
# FileResult.to_json and Record.to_json, part by part
_TOP = _dict("", ("file", "sha256", "status", "errors", "warnings"))
_NO_RECORD = (", " + _key("record") + "null").encode()
_SPEC = _dict(", " + _key("record") + "{" + _key("format") + encode_basestring(RECORD_FORMAT) + ", " + _key("spec"),
              ("id", "version"))
_SOURCE = _dict("}, " + _key("source"), ("file", "sha256"))
_IDENTITY = _dict("}, " + _key("identity"), IDENTITY_KEYS)
_FUNDS = _list("}, " + _key("funds"), ("key", "label", *FUND_COLUMNS))    # records._fund_rows' order
_EXECUTION = _dict(", " + _key("execution"), ("reason",))
_GOALS = _dict("}, " + _key("goals"), GOAL_KEYS)
_INDICATORS = _list("}, " + _key("indicators"), ("index", *_INDICATOR_COLUMNS))
_TOTALS = _dict(", " + _key("totals"), TOTAL_KEYS)
_FOOTER = _dict("}, " + _key("footer"), FOOTER_KEYS)
_CACHED = "}, " + _key("cached")
_NO_CACHED = (_CACHED + "{}").encode()
_CELLS = (", " + _key("cells")).encode()
_FINDINGS = _list(", " + _key("findings"), _FINDING_FIELDS)              # Finding.to_json's order
_GOAL_FIELDS = tuple(f"goal.{k}" for k in GOAL_KEYS)
_TOTAL_FIELDS = tuple(f"total.{k}" for k in TOTAL_KEYS)
_FOOTER_FIELDS = tuple(f"footer.{k}" for k in FOOTER_KEYS)
_finding_values = attrgetter(*_FINDING_FIELDS)
_FILE_AT = _FINDING_FIELDS.index("file") - len(_FINDING_FIELDS)    # its place in vals from the end


class _Text:
    """A JSON text being laid out: vals[i] comes after frags[i]; `tail` is the text after the last value."""

    __slots__ = ("frags", "tail", "vals")

    def __init__(self) -> None:
        self.vals: list[Any] = []
        self.frags: list[bytes] = []
        self.tail = b""

    def add(self, part: _Dict, values: Iterable[Any]) -> None:
        """A dict of `part`'s keys holding `values` (as many), left open."""
        self.frags.append(self.tail + part.first)
        self.frags += part.more
        self.vals += values
        self.tail = b""

    def rows(self, part: _List, count: int) -> None:
        """A list of `count` dicts of `part`'s keys (the caller adds their values, row after row)."""
        if not count:
            self.tail += part.empty
            return
        self.frags.append(self.tail + part.first)
        self.frags += part.more
        if count > 1:
            self.frags += [part.next, *part.more] * (count - 1)
        self.tail = b"}]"

    def bytes(self) -> bytes:
        """The text, UTF-8: the values encoded by json in one call as one list separated by NULs, made UTF-8
        and split back into one piece a value; a list or dict of two items or more among them (its own
        separators would split it) encoded one by one."""
        vals = self.vals
        pieces = _encode_nul(vals).encode("utf-8")[1:-1].split(b"\x00")
        if len(pieces) != len(vals):
            pieces = [encode(x).encode("utf-8") for x in vals]
        self.frags.append(self.tail)
        out = [b""] * (2 * len(vals) + 1)
        out[0::2] = self.frags
        out[1::2] = pieces
        return b"".join(out)


def json_bytes(result: FileResult) -> bytes | None:
    """`json.dumps(result.to_json(), ensure_ascii=False, default=str).encode()`, or None where a part is not
    of the type whose to_json this follows (a subclass may say more) or a "cached" key is not text (json would
    convert it)."""
    record = result.record
    if type(result) is not FileResult or (record is not None and type(record) is not Record):
        return None
    t = result.tally()
    out = _Text()
    file = shown_path(result.file)
    out.add(_TOP, (file, result.sha256, t.status, t.errors, t.warnings))
    if record is None:
        out.tail = _NO_RECORD
    elif not _record(record, out):
        return None
    if not _findings(result, file, out):
        return None
    out.tail += b"}"
    return out.bytes()


def _record(record: Record, out: _Text) -> bool:
    """Record.to_json; False where a "cached" key is not text."""
    v, cached = record.values, record.cached
    if any(type(k) is not str for k in cached):
        return False
    out.add(_SPEC, (record.spec_id, record.spec_version))
    out.add(_SOURCE, (shown_path(record.source) if record.source else record.source, record.sha256))
    out.add(_IDENTITY, map(records._plain, map(v.get, IDENTITY_KEYS)))
    funds = record._fund_rows()
    for row in funds:
        out.vals += row.values()
    out.rows(_FUNDS, len(funds))
    out.add(_EXECUTION, (v.get("execution.reason"),))
    out.add(_GOALS, map(records._plain, map(v.get, _GOAL_FIELDS)))
    _indicators(record, out)
    out.add(_TOTALS, map(records._plain, map(v.get, _TOTAL_FIELDS)))
    out.add(_FOOTER, map(records._plain, map(v.get, _FOOTER_FIELDS)))
    if cached:
        out.add(_cached_keys(tuple(cached)), map(records._plain, cached.values()))
        out.tail = b"}"
    else:
        out.tail = _NO_CACHED
    out.tail += _CELLS + _cells_json(record.cells) + b"}"
    return True


@lru_cache(maxsize=64)     # the computed fields of a layout: a few a round
def _cached_keys(keys: tuple[str, ...]) -> _Dict:
    return _dict(_CACHED, keys)


# the field keys of a `cells` mapping, in order -> (the mapping, its JSON): a few templates a round
_CELLS_SEEN: dict[tuple[str, ...], tuple[dict[str, str], bytes]] = {}


def _cells_json(cells: dict[str, str]) -> bytes:
    """A record's `cells` (the cell each field was read from) is the same in nearly every return of a
    template: encoded once per distinct mapping (it was a fifth of the JSON's cost)."""
    keys = tuple(cells)
    hit = _CELLS_SEEN.get(keys)
    if hit is not None and hit[0] == cells:     # same keys in the same order (the tuple), same cells
        return hit[1]
    text = encode(cells).encode("utf-8")
    if len(keys) <= 2_000:      # a hand-made form's record is no bigger; hostile files must not grow it
        if len(_CELLS_SEEN) >= 16:
            _CELLS_SEEN.clear()
        _CELLS_SEEN[keys] = (dict(cells), text)
    return text


# field key -> where an indicator field's value is in a record's grid of indicator rows (number * width +
# column: row n of the grid is indicator n), read through _grid_keys; _OTHER for a key that is not an
# indicator field; _ODD for one past _MOST_ROWS or not spelled as layout.indicator_key spells it (the grid
# would not find it, and it could be a second key for a cell): such a record takes _indicator_rows. Keys are
# the layouts' fields: a few thousand.
_SLOTS: dict[str, int] = {}
_OTHER, _MOST_ROWS, _ODD, _UNKNOWN = -1, 1_000, 1 << 40, 1 << 41
_WIDTH = len(_INDICATOR_COLUMNS)
_COLUMN = {c: i for i, c in enumerate(_INDICATOR_COLUMNS)}
_NUMERIC = tuple(c in records._NUMERIC for c in _INDICATOR_COLUMNS)
_BLANK_ROW = [None] * _WIDTH
_TEXTS = frozenset({str, type(None)})
_FLOATS = frozenset({float, type(None)})


def _slot(key: str) -> int:
    info = records._KEYS[key] if key in records._KEYS else records._indicator_field(key)
    if info is None:
        return _OTHER
    number, column, _ = info
    return number * _WIDTH + _COLUMN[column] if number <= _MOST_ROWS and key == indicator_key(number, column) else _ODD


_GRID_KEYS: list[str] = []      # indicator_key(n, column) for every column of rows 0, 1, ... (as far as asked)


def _grid_keys(rows: int) -> list[str]:
    """The field keys of a grid of that many indicator rows, row after row."""
    for number in range(len(_GRID_KEYS) // _WIDTH, rows):
        _GRID_KEYS.extend(indicator_key(number, column) for column in _INDICATOR_COLUMNS)
    return _GRID_KEYS[:rows * _WIDTH]


@lru_cache(maxsize=64)
def _columns(rows: int) -> tuple[Callable[[list[Any]], tuple[Any, ...]], Callable[[list[Any]], tuple[Any, ...]]]:
    """For a grid of that many rows: its text columns' values, its numeric columns' values (two or more a row:
    each getter gives a tuple)."""
    at = [[i for i in range(rows * _WIDTH) if _NUMERIC[i % _WIDTH] is numeric] for numeric in (False, True)]
    return itemgetter(*at[0]), itemgetter(*at[1])


def _indicators(record: Record, out: _Text) -> None:
    """Record._indicator_rows' rows, in order, as to_json has them: the index, then every column (None where
    empty); a row without any value is left out. The rows are read as a grid, every column of rows 0 to the
    last one a key names (found through a table of field keys: not classifying every key of every record as
    _indicator_rows does); texts and floats as they are (nearly always), anything else converted as
    _indicator_rows does."""
    values = record.values
    top = max(map(_SLOTS.get, values, repeat(_UNKNOWN)), default=_OTHER)     # the last indicator's last column
    if top == _UNKNOWN and len(_SLOTS) < 100_000:
        _SLOTS.update({key: _slot(key) for key in values if key not in _SLOTS})
        top = max(map(_SLOTS.get, values, repeat(_UNKNOWN)), default=_OTHER)
    if top >= _ODD:
        rows = sorted(record._indicator_rows().items())
        out.vals += [x for number, row in rows for x in (number, *map(row.get, _INDICATOR_COLUMNS))]
        out.rows(_INDICATORS, len(rows))
        return
    if top < 0:
        out.rows(_INDICATORS, 0)
        return
    grid = list(map(values.get, _grid_keys(top // _WIDTH + 1)))
    texts, numbers = (getter(grid) for getter in _columns(len(grid) // _WIDTH))
    as_is = _TEXTS.issuperset(map(type, texts)) and "" not in texts and _FLOATS.issuperset(map(type, numbers))
    if not as_is:
        grid = [None if x is None or x == "" else x for x in grid]
    count, vals = 0, out.vals
    for number in range(len(grid) // _WIDTH):
        row = grid[number * _WIDTH:(number + 1) * _WIDTH]
        if row != _BLANK_ROW:    # a row only where a value is not empty, as _indicator_rows
            if not as_is:
                row = [_column(x, numeric) for x, numeric in zip(row, _NUMERIC, strict=True)]
            vals.append(number)
            vals += row
            count += 1
    out.rows(_INDICATORS, count)


def _column(x: Any, numeric: bool) -> Any:
    if x is None:
        return None
    if numeric:
        return x if type(x) is float else records._num(x)
    return x if type(x) is str else records._text(x)


def _findings(result: FileResult, file: str, out: _Text) -> bool:
    """FileResult.to_json's findings, errors first; False for one that is not a Finding (a subclass may say
    more). A value that is not an atom is deep-copied by to_json: its copy encodes as it does."""
    findings = sorted(result.findings, key=_severity)
    vals = out.vals
    for f in findings:
        if type(f) is not Finding:
            return False
        vals += _finding_values(f)
        if f.file:      # to_json: shown_path(f.file); nearly always the result's own file
            vals[_FILE_AT] = file if f.file == result.file else shown_path(f.file)
    out.rows(_FINDINGS, len(findings))
    return True


def _severity(f: Finding) -> int:
    return _SEVERITY_ORDER.get(f.severity, 3)
