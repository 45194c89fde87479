"""Columns made to cost nothing until written: same values and dtype as the plain ones."""

import numpy as np
import pandas as pd

from replydiag.memory import missing_strings, strings_at


def test_missing_strings_equal_a_plain_missing_string_column():
    index = pd.RangeIndex(1000)
    plain = pd.Series(pd.NA, index=index, dtype="string")
    cheap = missing_strings(index)
    assert cheap.dtype == plain.dtype
    pd.testing.assert_series_equal(cheap, plain)
    # Written to like any other column (the zeroed buffers are never written in place).
    cheap[3] = "x"
    assert cheap[3] == "x" and cheap.isna().sum() == 999
    assert missing_strings(index).isna().all()


def test_strings_at_scatters_values_and_keeps_missing_columns_cheap():
    index = pd.RangeIndex(5)
    where = np.array([True, False, True, False, False])
    scattered = strings_at(index, where, pd.Series(["a", None], dtype="string"))
    assert scattered.tolist() == ["a", pd.NA, pd.NA, pd.NA, pd.NA]
    empty = strings_at(index, where, pd.Series([None, None], dtype="string"))
    assert empty.isna().all() and empty.dtype == pd.StringDtype()
