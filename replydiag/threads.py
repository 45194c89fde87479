"""Both cores for steps that release the GIL: Arrow's compute kernels and NumPy's sorts run
outside it, so independent chunks of such a step run side by side on threads."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np

T = TypeVar("T")
WORKERS = min(os.cpu_count() or 1, 4)


def map_spans(step: Callable[[int, int], T], spans: list[tuple[int, int]]) -> list[T]:
    """``step(a, b)`` for each span, results in span order, on up to ``WORKERS`` threads.

    >>> map_spans(lambda a, b: b - a, [(0, 3), (3, 4)])
    [3, 1]
    """
    if len(spans) < 2 or WORKERS < 2:
        return [step(a, b) for a, b in spans]
    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(lambda span: step(*span), spans))


PARALLEL_ITEMS = 1_000_000  # searches and lookups of more values than this run on threads


def searchsorted(ordered: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``np.searchsorted(ordered, values)``, in slices on both cores for many values: each
    binary search runs outside the GIL, and values in random order miss the cache at every
    step, so the cores' time adds up.

    >>> searchsorted(np.array([1, 3, 5]), np.array([4, 0, 9])).tolist()
    [2, 0, 3]
    """
    if len(values) < PARALLEL_ITEMS or WORKERS < 2:
        return np.searchsorted(ordered, values)
    found = np.empty(len(values), dtype=np.intp)

    def search(a: int, b: int) -> None:
        found[a:b] = np.searchsorted(ordered, values[a:b])

    in_slices(search, len(values))
    return found


def in_slices(step: Callable[[int, int], None], n: int, size: int | None = None) -> None:
    """``step(a, b)`` over slices of ``range(n)`` on the threads, ``size`` items each (by
    default four slices per worker, so a slow slice keeps no core waiting long).

    >>> done = []; in_slices(lambda a, b: done.append((a, b)), 10, size=4); sorted(done)
    [(0, 4), (4, 8), (8, 10)]
    """
    if size is None:
        size = max(1, -(-n // (4 * WORKERS)))
    bounds = [*range(0, n, size), n]
    map_spans(step, list(zip(bounds, bounds[1:])))
