"""Candidate pairs of the near-duplicate search, found for all keys at once.

Prefix filtering, as in similarity joins: each key is indexed under its ``ANCHORS`` rarest
word pairs (``features``), and a word pair keeps its first ``MAX_POSTING`` keys (most used
first: the likeliest representatives; whether each is one is settled later, in order, by
``cluster``). A key looks up all of its prefix pairs and meets the
earlier keys indexed under them; two keys that share several rare pairs (one, for a key
with few) are a candidate pair. ``alike_pairs`` keeps the pairs at least ``threshold``
alike (rapidfuzz ratio), verified in C++ on every core.

Both steps are array operations: a per-key Python loop of index lookups and
``process.extract`` calls was most of a million-reply audit, and almost every one of those
calls found nothing.
"""

from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz, process

from .sorting import sort, unique_counts
from .threads import map_spans, searchsorted

ANCHORS = 6  # a key is indexed under its rarest word pairs only
MAX_POSTING = 12  # keys kept per word pair
FEW_PAIRS = 4  # a key with fewer prefix pairs is a candidate on one shared pair
PAIR_CHUNK = 4_000_000  # lookups expanded at a time: bounds the temporaries
VERIFY_CHUNK = 1_000_000  # pairs verified at a time


def candidate_pairs(prefix: np.ndarray, prefix_start: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Candidate pairs ``(i, j)``, ``j < i``, as rows of an int64 array sorted by ``i`` then ``j``.

    ``prefix``/``prefix_start``: each key's rarest word pairs (``Features``); ``eligible``:
    the keys that take part (long enough to compare, with a prefix).

    Key 1 (four pairs) shares one pair with key 0: not enough. Key 2 (two pairs) meets
    key 0 on two pairs and key 1 on one, which is enough for a key with so few.

    >>> candidate_pairs(np.array([5, 6, 7, 5, 8, 9, 10, 5, 6]), np.array([0, 3, 7, 9]),
    ...                 np.ones(3, dtype=bool)).tolist()
    [[2, 0], [2, 1]]
    """
    n = len(prefix_start) - 1
    lengths = np.diff(prefix_start)
    owner = np.repeat(np.arange(n, dtype=np.int64), lengths)
    position = np.arange(len(prefix), dtype=np.int64) - np.repeat(prefix_start[:-1], lengths)
    usable = eligible[owner]
    # The index as one sorted array of (word pair, key) codes, each pair's first keys kept.
    anchored = usable & (position < ANCHORS)
    entry = sort(prefix[anchored].astype(np.int64) * n + owner[anchored])
    pair = entry // n
    first = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
    rank = np.arange(len(entry)) - np.repeat(first, np.diff(np.r_[first, len(entry)]))
    entry = entry[rank < MAX_POSTING]
    del pair, first, rank, anchored, position
    # Each lookup meets the keys indexed under its pair before the looking key.
    key = owner[usable]
    looked = prefix[usable].astype(np.int64) * n
    low = searchsorted(entry, looked)
    met = searchsorted(entry, looked + key) - low
    del looked, owner, usable
    need = np.where(lengths >= FEW_PAIRS, 2, 1)
    # Chunks end between keys (a key's lookups are counted together), about PAIR_CHUNK apart.
    ends = np.searchsorted(np.cumsum(met), np.arange(PAIR_CHUNK, int(met.sum()), PAIR_CHUNK))
    cuts = np.unique(np.r_[0, np.searchsorted(key, key[np.minimum(ends, len(key) - 1)]), len(key)])

    def chunk(a: int, b: int) -> np.ndarray:
        count = met[a:b]
        total = int(count.sum())
        if not total:
            return np.zeros(0, dtype=np.int64)
        start = np.cumsum(count) - count
        at = np.repeat(low[a:b] - start, count) + np.arange(total)
        code = np.repeat(key[a:b], count) * n + entry[at] % n
        code, hits = unique_counts(code)
        return code[hits >= need[code // n]]

    codes = np.concatenate([np.zeros(0, dtype=np.int64), *map_spans(chunk, list(zip(cuts, cuts[1:])))])
    return np.stack([codes // n, codes % n], axis=1) if n else np.zeros((0, 2), dtype=np.int64)


def alike_pairs(keys: np.ndarray, pairs: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """The ``pairs`` (rows ``(i, j)`` into ``keys``, an object array) at least ``threshold``
    alike, and their rapidfuzz ratio (0-100)."""
    scores = [
        process.cpdist(
            keys[pairs[a : a + VERIFY_CHUNK, 0]],
            keys[pairs[a : a + VERIFY_CHUNK, 1]],
            scorer=fuzz.ratio,
            score_cutoff=threshold,
            dtype=np.float64,
            workers=-1,
        )
        for a in range(0, len(pairs), VERIFY_CHUNK)
    ]
    score = np.concatenate([np.zeros(0), *scores])
    alike = (score >= threshold) & (score > 0)
    return pairs[alike], score[alike]
