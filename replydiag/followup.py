"""What a customer's message says about the reply before it: a signal read from its words.

The lexicon (``data/followup_signals.toml``, EN/IT/ES/DE/FR/PT) is data, not code: a team can
read and extend it. Signals are read as each chunk of the export is read, so the customers'
texts need not be kept: a message keeps its signal and a hash of its words (to tell a
customer repeating their own question).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .packaged import data_toml
from .threads import WORKERS, map_spans

REPEAT = "repeat"  # the customer sends the same words as in an earlier message of the conversation
MIN_REPEAT_CHARS = 12  # "thanks" twice is no repeated question


@cache
def lexicon() -> tuple[tuple[str, str], ...]:
    """(signal, pattern) pairs in the order they are tried, one pattern per signal."""
    signals = data_toml("followup_signals.toml")["signals"]
    # One alternation per signal: RE2 runs it in one pass over the text.
    return tuple(
        (name, "(?i)" + "|".join(f"(?:{pattern})" for pattern in signals[name])) for name in signals["order"]
    )


SIGNALS = tuple(dict.fromkeys(name for name, _ in lexicon())) + (REPEAT,)


PARALLEL_ROWS = 50_000  # more messages than this are read in two halves, one on each core


def customer_signals(text: pd.Series) -> pd.DataFrame:
    """Per customer message: ``signal`` (the first lexicon entry it matches, or missing) and
    ``ask_hash`` (of its lower-cased words; 0 for messages too short to count as a question).

    >>> customer_signals(pd.Series(["Still nothing, am I talking to a bot?", "thanks!", "??"]))["signal"].tolist()
    ['canned', <NA>, 'impatient']
    """
    if len(text) < PARALLEL_ROWS or WORKERS < 2:
        return _signals(text)
    # Arrow's regex passes run outside the GIL, so the halves run side by side.
    bounds = np.linspace(0, len(text), WORKERS + 1).round().astype(int).tolist()
    return pd.concat(map_spans(lambda a, b: _signals(text.iloc[a:b]), list(zip(bounds, bounds[1:]))))


def _signals(text: pd.Series) -> pd.DataFrame:
    arrow = pa.array(text.astype("string").fillna(""), type=pa.string())
    signal = pd.Series(pd.NA, index=text.index, dtype="string")
    for name, pattern in lexicon():
        hit = pc.match_substring_regex(arrow, pattern).to_numpy(zero_copy_only=False)
        signal[hit & signal.isna().to_numpy()] = name
    words = pc.utf8_trim_whitespace(pc.replace_substring_regex(pc.utf8_lower(arrow), r"[^\pL\pN]+", " "))
    words_series = pd.Series(words.to_numpy(zero_copy_only=False), index=text.index, dtype="string")
    ask_hash = pd.util.hash_pandas_object(words_series, index=False).to_numpy(dtype=np.uint64).copy()
    ask_hash[(words_series.str.len() < MIN_REPEAT_CHARS).to_numpy()] = 0
    return pd.DataFrame({"signal": signal, "ask_hash": ask_hash}, index=text.index)
