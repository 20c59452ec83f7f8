"""Long ``IN (…)`` lists split into statements of a bounded size.

A sweep over a 100,000-person workspace asks about every pairing and person at once;
PostgreSQL refuses a statement with more than 65,535 parameters, and SQLite builds differ
in their own limit. A few statements of 5,000 keep the query count constant per 5,000
rows instead of per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

IN_LIST_LIMIT = 5_000

T = TypeVar("T")


def batched(values: Iterable[T], size: int = IN_LIST_LIMIT) -> Iterator[list[T]]:
    """``values`` in consecutive lists of at most ``size``."""
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
