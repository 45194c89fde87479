"""Work split over both cores gives exactly the one-core answer."""

import numpy as np
import pandas as pd

from replydiag.features import positions_in
from replydiag.threads import PARALLEL_ITEMS, searchsorted


def test_searches_and_lookups_in_slices_equal_the_whole():
    rng = np.random.default_rng(7)
    distinct = np.unique(rng.integers(0, 1 << 40, 300_000, dtype=np.uint64))
    # Past the size at which the work is sliced; half the items held, half not.
    items = np.where(
        rng.random(PARALLEL_ITEMS + 12_345) < 0.5,
        rng.choice(distinct, PARALLEL_ITEMS + 12_345),
        rng.integers(0, 1 << 40, PARALLEL_ITEMS + 12_345, dtype=np.uint64),
    )
    assert np.array_equal(searchsorted(distinct, items), np.searchsorted(distinct, items))
    assert np.array_equal(positions_in(distinct, items), pd.Index(distinct).get_indexer(items))
