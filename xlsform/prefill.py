"""The copy of its prefilled data that every workbook carries, so tampering is caught without the manifest.

The writer puts the locked prefilled fields into `_xf_meta` as one JSON object {key: value} (a number stays a
number, a text that looks like one stays text), in the row `prefill`, continued in `prefill:2`, `prefill:3`,
... when it is longer than a cell holds. One row keeps the cost of reading it small: every return is read.
A unit can unprotect the form and edit a budget; it is far less likely to find and edit the very-hidden
sheet too, and when it does, the manifest (when given) shows it (XF162).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xlsform.codes import Finding
    from xlsform.layout import Layout
    from xlsform.records import Record

ROW = "prefill"
CHUNK = 30_000          # characters a row; an Excel cell holds 32,767
BROKEN: dict[str, Any] = {"": None}   # from_meta(): a copy is there but cannot be read (edited by hand)


def meta_rows(values: Mapping[str, Any], keys: Iterable[str]) -> dict[str, str]:
    """`_xf_meta` rows holding the given keys of `values` (keys without a value are left out)."""
    copy = {k: _plain(values[k]) for k in keys if values.get(k) is not None}
    if not copy:
        return {}
    text = json.dumps(copy, ensure_ascii=False, separators=(",", ":"), default=str)
    chunks = [text[i:i + CHUNK] for i in range(0, len(text), CHUNK)]
    return {(ROW if i == 0 else f"{ROW}:{i + 1}"): chunk for i, chunk in enumerate(chunks)}


def from_meta(meta: Mapping[str, str]) -> dict[str, Any]:
    """The prefilled copy read back from `_xf_meta`; {} when there is none, BROKEN when it cannot be read."""
    first = meta.get(ROW)
    if first is None:
        return {}
    parts = [first]
    while (more := meta.get(f"{ROW}:{len(parts) + 1}")) is not None:
        parts.append(more)
    try:   # hostile text: nesting deep enough to exhaust the stack, NaN / Infinity / 1e999 are no copy of ours
        data = _DECODER.decode("".join(parts))
    except (ValueError, RecursionError):
        return BROKEN
    if type(data) is not dict:
        return BROKEN
    # every return: told by the set of the values' types and C-level passes, not a Python loop over ~70 items
    values = data.values()
    kinds = set(map(type, values))
    if float in kinds and not all(map(math.isfinite, filter(_is_float, values))):   # 1e999: no copy of ours
        return BROKEN
    if kinds <= _KEPT:      # the writer's own copy (keys are str in JSON)
        return data
    return {k: v for k, v in data.items() if type(v) in _KEPT}


def _refuse(name: str) -> Any:
    raise ValueError(f"{name} is not a number the writer puts in a copy")


_DECODER = json.JSONDecoder(parse_constant=_refuse)   # made once: json.loads with an option makes one a call
_KEPT = frozenset({str, int, float})     # what a copy holds: a list, an object, true/false or null is left out
_is_float = float.__instancecheck__      # json makes floats of its own type only


def _plain(x: Any) -> Any:
    if isinstance(x, Decimal):
        return int(x) if x == x.to_integral_value() else float(x)
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return x


# ---------------------------------------------------------------------------------------- as sent

# Integrity's findings on a changed locked cell, with the value sent as `expected`: against the manifest, or
# without one against the workbook's own copy.
CHANGED = ("XF152", "XF161")


def sent_values(findings: Sequence[Finding]) -> dict[str, Any]:
    """Locked prefilled values the unit changed, as they were sent (from integrity's XF152 / XF161)."""
    return {f.key: f.expected for f in findings if f.code in CHANGED and f.key and f.expected is not None}


def as_sent(record: Record, layout: Layout, sent: Mapping[str, Any]) -> Record:
    """The record with every changed locked value put back as sent and its figures recomputed: check's rules
    and merge's sums run on what the office sent, not on what a unit changed in its copy (issue 15.4)."""
    if not sent:
        return record
    places = layout.places
    values = {k: v for k, v in record.values.items() if k not in places or places[k].field.role != "computed"}
    values.update(sent)
    for key, value in layout.recompute(values).items():
        if value is not None and value != "":
            values[key] = float(value) if isinstance(value, Decimal) else value
    return replace(record, values=values)
