"""Sorts handed to Polars give exactly NumPy's answer, equal values in their order."""

import numpy as np
import pytest

from replydiag.sorting import POLARS_ITEMS, argsort, sort, unique, unique_counts


@pytest.mark.parametrize("dtype", [np.uint64, np.int64, np.int32])
def test_sorts_past_the_polars_size_equal_numpys(dtype):
    rng = np.random.default_rng(11)
    # Past the size Polars takes; many repeated values, as hashes of common word runs are.
    values = rng.integers(0, 5_000, POLARS_ITEMS + 7_001).astype(dtype)
    values[::3] = rng.integers(0, np.iinfo(dtype).max, len(values[::3]), dtype=dtype)
    before = values.copy()
    assert np.array_equal(sort(values), np.sort(values))
    assert np.array_equal(argsort(values), np.argsort(values, kind="stable"))  # stable
    assert np.array_equal(values, before)  # a copy: the caller's items keep their order
    distinct, inverse = unique(values, return_inverse=True)
    expected, expected_inverse, expected_counts = np.unique(values, return_inverse=True, return_counts=True)
    assert np.array_equal(distinct, expected) and np.array_equal(inverse, expected_inverse)
    assert np.array_equal(unique_counts(values)[1], expected_counts)


def test_few_distinct_values_find_their_inverse_by_lookup_as_by_order():
    values = np.tile(np.array([9, 2, 7], dtype=np.int64), POLARS_ITEMS)  # 3 distinct in 300k
    distinct, inverse = unique(values, return_inverse=True)
    assert distinct.tolist() == [2, 7, 9]
    assert np.array_equal(distinct[inverse], values)
