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
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from operator import attrgetter
from typing import Any, NamedTuple

from xlsform import indicator_rows, records
from xlsform.codes import Finding
from xlsform.fsutil import shown_path
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
    out.rows(_FUNDS, _funds(record, out.vals))
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


def _funds(record: Record, vals: list[Any]) -> int:
    """Record._fund_rows' rows, each as its values (key, label, every column), added to vals; how many. The
    rows a record's keys name, and where their columns sit in its values, are worked out once per order of
    its keys (a template's returns share it); floats and None are taken as they are, anything else converted
    as _fund_rows converts it."""
    values, labels = record.values, record.fund_labels
    keys = tuple(values)
    plan = _FUND_PLANS.get(keys)
    if plan is None:
        if len(_FUND_PLANS) >= 64:
            _FUND_PLANS.clear()
        plan = _FUND_PLANS[keys] = _fund_plan(keys)
    named, pick = plan
    found: list[Any] = list(pick(values.values())) if named else []
    if not indicator_rows.FLOATS.issuperset(map(type, found)):
        found = [x if type(x) is float else records._num(x) for x in found]
    count = 0
    for i, row in enumerate(named):
        vals += (row, labels.get(row, row), *found[i * _FUND_WIDTH:(i + 1) * _FUND_WIDTH])
        count += 1
    for row in labels:
        if row not in named:    # a labelled row without any value: every column empty
            vals += (row, labels[row], *_NO_FUND)
            count += 1
    return count


_FUND_WIDTH = len(FUND_COLUMNS)
_NO_FUND = (None,) * _FUND_WIDTH
# a record's keys in order -> (the fund rows they name, in order; their columns' values from the record's values)
_FUND_PLANS: dict[tuple[str, ...], tuple[dict[str, None], Callable[[Iterable[Any]], tuple[Any, ...]]]] = {}


def _fund_plan(keys: tuple[str, ...]) -> tuple[dict[str, None], Callable[[Iterable[Any]], tuple[Any, ...]]]:
    named: dict[Any, None] = dict.fromkeys(map(records._FUND_ROW.__getitem__, keys))
    named.pop(None, None)
    place = {key: i for i, key in enumerate(keys)}
    at = [place.get(key, len(keys)) for row in named for _, key in records._fund_keys(row)]   # no key: the None
    get = indicator_rows.picker(at)     # a row's columns without a key take the None after the values

    def pick(values: Iterable[Any]) -> tuple[Any, ...]:
        return get([*values, None])

    return named, pick


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


def _indicators(record: Record, out: _Text) -> None:
    """Record._indicator_rows' rows, in order, as to_json has them: the index, then every column (None where
    empty); a row without any value is left out. Read by the plan of the record's keys (indicator_rows)."""
    found = indicator_rows.rows(record)
    if found is None:
        rows = sorted(record._indicator_rows().items())
        out.vals += [x for number, row in rows for x in (number, *map(row.get, _INDICATOR_COLUMNS))]
        out.rows(_INDICATORS, len(rows))
        return
    vals = out.vals
    for number, row in found:
        vals.append(number)
        vals += row
    out.rows(_INDICATORS, len(found))


def _findings(result: FileResult, file: str, out: _Text) -> bool:
    """FileResult.to_json's findings, errors first; False for one that is not a Finding (a subclass may say
    more). A value that is not an atom is deep-copied by to_json: its copy encodes as it does.

    A finding whose fields are all texts (or None) is written from _SAID, its text kept by those fields but
    its file: the same remark at the same cell (a duplicated row, a target that is no value, a required
    field left empty) comes back in return after return, and encoding it again cost as much as the rest of
    a row of the record. The file, the result's own in nearly every finding, is encoded once a result."""
    findings = sorted(result.findings, key=_severity)
    if not findings:
        out.tail += _FINDINGS.empty
        return True
    vals, frags = out.vals, out.frags
    lead, shown = _FINDINGS_OPEN, None
    for f in findings:
        if type(f) is not Finding:
            return False
        fields = _finding_values(f)
        if f.file and f.file == result.file and _TEXTS.issuperset(map(type, fields)):
            if shown is None:
                shown = encode(file).encode("utf-8")
            said = _said(fields[:3], fields[4:])
            if said is not None:
                out.tail += lead + said[0] + shown + said[1]
                lead = b", "
                continue
        frags.append(out.tail + lead + _FINDING_FIRST)
        frags += _FINDING_MORE
        vals += fields
        if f.file:      # to_json: shown_path(f.file); nearly always the result's own file
            vals[_FILE_AT] = file if f.file == result.file else shown_path(f.file)
        out.tail, lead = b"}", b", "
    out.tail += b"]"
    return True


_TEXTS = frozenset({str, type(None)})
_FINDINGS_OPEN = (", " + _key("findings") + "[").encode()
_FINDING_FIRST = _FINDINGS.first[len(_FINDINGS_OPEN):]           # {"code":
_FINDING_MORE = _FINDINGS.more
# a finding's fields but its file -> its JSON before the file and after it: a few thousand remarks, each kept
# the second time it is met (_SEEN: their hashes), so that a unit's own texts quoted once are not kept
_SAID: dict[tuple[str | None, ...], tuple[bytes, bytes]] = {}
_SEEN: set[int] = set()
_SAID_MOST, _SEEN_MOST, _SAID_LONGEST = 2_048, 8_192, 1_000


def _said(before: tuple[str | None, ...], after: tuple[str | None, ...]) -> tuple[bytes, bytes] | None:
    """A finding's JSON around its file, from its fields before the file (code, severity, message) and after
    it (sheet ... expected), all texts or None; None the first time (the caller encodes it with the rest)."""
    key = before + after
    hit = _SAID.get(key)
    if hit is not None:
        return hit
    seen = hash(key)
    if seen not in _SEEN:
        if len(_SEEN) >= _SEEN_MOST:
            _SEEN.clear()
        _SEEN.add(seen)
        return None
    p = _encode_nul(key).encode("utf-8")[1:-1].split(b"\x00")
    if len(p) != len(key):
        return None
    k = _FINDING_KEYS
    head = b"".join((k[0], p[0], k[1], p[1], k[2], p[2], k[3]))
    tail = b"".join((k[4], p[3], k[5], p[4], k[6], p[5], k[7], p[6], k[8], p[7], k[9], p[8], b"}"))
    if len(head) + len(tail) <= _SAID_LONGEST:     # a finding quoting a page of text is not kept
        if len(_SAID) >= _SAID_MOST:
            _SAID.clear()
        _SAID[key] = (head, tail)
    return head, tail


_FINDING_KEYS = (_FINDING_FIRST, *_FINDING_MORE)     # the text before each field of a finding


def _severity(f: Finding) -> int:
    return _SEVERITY_ORDER.get(f.severity, 3)
