"""Both cores for steps that release the GIL: Arrow's compute kernels and NumPy's sorts run
outside it, so independent chunks of such a step run side by side on threads."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

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
