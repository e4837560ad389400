"""The copy of its prefilled data that every workbook carries, so tampering is caught without the manifest.

The writer puts one `_xf_meta` row per locked prefilled field: `prefill.<key>` -> the value as JSON (so a
number stays a number and a text that looks like one stays text). A unit can unprotect the form and edit a
budget; it is far less likely to find and edit the very-hidden sheet too, and when it does, the manifest
(when given) shows it: the check reports a copy that differs from the manifest as well (XF162).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

PREFIX = "prefill."
_PLAIN_INT = re.compile(r"-?[1-9][0-9]{0,14}|0")


def meta_rows(values: Mapping[str, Any], keys: Iterable[str]) -> dict[str, str]:
    """`_xf_meta` rows for the given keys of `values` (keys without a value are skipped)."""
    return {PREFIX + k: json.dumps(_plain(values[k]), ensure_ascii=False, default=str)
            for k in keys if values.get(k) is not None}


def from_meta(meta: Mapping[str, str]) -> dict[str, Any]:
    """The prefilled copy read back from a workbook's `_xf_meta` rows; {} when it carries none."""
    out: dict[str, Any] = {}
    for row, text in meta.items():
        if row.startswith(PREFIX) and len(row) > len(PREFIX):
            out[row[len(PREFIX):]] = _load(text)
    return out


def _load(text: str) -> Any:
    # Most rows are a plain number or a plain string: read those without the JSON parser (60 rows a file).
    if _PLAIN_INT.fullmatch(text):
        return int(text)
    if len(text) >= 2 and text[0] == '"' == text[-1] and "\\" not in text and '"' not in text[1:-1]:
        return text[1:-1]
    try:
        value = json.loads(text)
    except ValueError:     # edited by hand into plain text: the text is the value
        return text
    return value if isinstance(value, str | int | float) and not isinstance(value, bool) else text


def _plain(x: Any) -> Any:
    if isinstance(x, Decimal):
        return int(x) if x == x.to_integral_value() else float(x)
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return x
