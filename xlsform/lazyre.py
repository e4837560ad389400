"""Regular expressions compiled when first used.

Compiling a pattern costs 0.05-1.5 ms, in every process a command starts, before it reads a file. A pattern
that only an unusual text needs (a form's leftover template text, a label's numbering, a formula's reference)
is compiled the first time a text reaches it instead, and a plain batch never pays for it.
"""

from __future__ import annotations

import re
from typing import Any, AnyStr, cast


class _Lazy:
    """re.compile(pattern, flags) on the first use of any of its methods (search, match, sub, ...)."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: str | bytes, flags: int) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[Any] | None = None

    def __getattr__(self, name: str) -> Any:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(*self._args)
        return getattr(compiled, name)


def lazy(pattern: AnyStr, flags: int = 0) -> re.Pattern[AnyStr]:
    """A pattern to use as re.compile's (its methods and attributes), compiled when first used."""
    return cast("re.Pattern[AnyStr]", _Lazy(pattern, flags))
