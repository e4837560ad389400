"""Splitting a batch's work (files to check, forms to write) into chunks for worker processes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def guided_chunks(items: Sequence[T], jobs: int, largest: int) -> list[Sequence[T]]:
    """Items in chunks that shrink towards the end (each a quarter of what is left per process, at most
    `largest`): large chunks cost few round trips, small last ones leave no process waiting long for the
    others to finish theirs (with fixed chunks of 64 files, one process could idle for a whole chunk)."""
    chunks: list[Sequence[T]] = []
    i = 0
    while i < len(items):
        size = max(1, min(largest, (len(items) - i) // (jobs * 4)))
        chunks.append(items[i:i + size])
        i += size
    return chunks
