"""CSV that is safe to open in Excel or WPS: cells that would start a formula are written as text.

A return is untrusted: a unit name or reason typed as "=HYPERLINK(...)" or "+cmd|..." must not become a live
formula in the office's spreadsheet when a CSV export is opened (CSV injection, OWASP). Such text gets a
leading apostrophe, which Excel and WPS show as text and do not display. Numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any

# "-" and "+" start formulas too; "\t" and "\r" are how injected payloads hide their leading "=".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def escape_cell(value: Any) -> Any:
    """A value ready for a CSV cell: formula-like text prefixed with "'", numbers and None unchanged."""
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value).upper()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)             # 307.0 -> 307, as a person would type it
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if _UNSAFE.search(text):
        text = _UNSAFE.sub(_escaped, text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# Control characters (NUL, ESC: a terminal escape sequence when the CSV is printed) and UTF-16 surrogates,
# which no UTF-8 file can hold; tab and line breaks are text the CSV quoting keeps.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _escaped(m: re.Match[str]) -> str:
    """A control character as visible text ("\\x1b"); a surrogate as U+FFFD."""
    c = m.group()
    return "\ufffd" if "\ud800" <= c <= "\udfff" else f"\\x{ord(c):02x}"


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The whole CSV as text, every cell escaped; `\\r\\n` line ends as RFC 4180 and Excel expect."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([escape_cell(h) for h in header])
    for row in rows:
        writer.writerow([escape_cell(v) for v in row])
    return buf.getvalue()


def write_csv(fh: IO[bytes], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write CSV as UTF-8 with a byte-order mark, so Excel on Chinese Windows reads it as UTF-8, not GBK."""
    fh.write(csv_text(header, rows).encode("utf-8-sig"))
