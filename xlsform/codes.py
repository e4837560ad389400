"""The finding catalogue: every problem xlsform reports, with a stable code, a severity and a Chinese message.

Findings are data (frictionless-style): checks yield them and never raise. Messages say where, what is wrong
and how to fix it. `docs/findings.md` is generated from CATALOGUE (`python -m xlsform.docs`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Code:
    code: str          # stable, e.g. "XF201"; never reused for another meaning
    severity: str
    title: str         # short Chinese name of the problem
    message: str       # str.format template; may use {cell} {field} {value} {expected} and check-specific keys
    fix: str = ""      # how to fix it, in Chinese


@dataclass
class Finding:
    code: str
    severity: str
    message: str
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    field: str | None = None     # the field's printed label
    key: str | None = None       # the field key, for machines
    value: Any = None
    expected: Any = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


CATALOGUE: dict[str, Code] = {}


def register(*codes: Code) -> None:
    for c in codes:
        if c.code in CATALOGUE and CATALOGUE[c.code] != c:
            raise ValueError(f"finding code {c.code} registered twice")
        if c.severity not in SEVERITIES:
            raise ValueError(f"{c.code}: bad severity {c.severity}")
        CATALOGUE[c.code] = c


def make(code: str, *, file: str | None = None, sheet: str | None = None, cell: str | None = None,
         field: str | None = None, key: str | None = None, value: Any = None, expected: Any = None,
         **extra: Any) -> Finding:
    """A finding from the catalogue, its message rendered from the template."""
    c = CATALOGUE[code]
    where = f"{sheet}!{cell}" if sheet and cell else (cell or "")
    text = c.message.format(cell=where or "—", field=field or "", value=_show(value), expected=_show(expected),
                            **extra)
    if c.fix:
        text = f"{text}。{c.fix}" if not text.endswith(("。", "！", "？")) else f"{text}{c.fix}"
    return Finding(code=code, severity=c.severity, message=text, file=file, sheet=sheet, cell=cell,
                   field=field, key=key, value=value, expected=expected)


def _show(x: Any) -> str:
    if x is None:
        return "（空）"
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


# Code ranges (each section is owned by the module that yields the findings):
#   XF1xx  the file itself: format, safety, integrity against the spec and the manifest
#   XF2xx  values: normalisation (info) and values that cannot be read as their type (error)
#   XF3xx  completeness       XF4xx  arithmetic       XF5xx  plausibility       XF9xx  the batch
# ---- reading (reader.py, xlsx.py): XF100–XF149, XF2xx ----

# ---- checks (checks/): XF150–XF199, XF3xx, XF4xx, XF5xx, XF9xx ----
