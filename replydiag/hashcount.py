"""Counting hashed items (word runs, sentences): how many replies hold each.

Exact totals come from a sort of the hashes (``Totals``, ``replies_holding``); where a
count only filters, two hashed tables give an upper bound (``CountMin``) without any sort,
so the exact counts see only the items that could recur. Hashes are 64-bit, made by the
callers (``replydiag.stock``, ``replydiag.spans``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .features import positions_in
from .sorting import argsort, sort, unique
from .threads import in_slices

MIX = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constant: runs hashed as a polynomial
TABLE_BITS = 24  # hashed counting tables: up to 16M buckets
LOOKUP_SLICE = 2_000_000  # items a slice of ``Totals.index`` looks up
HASH_SLICE = 250_000  # values ``value_hashes`` hashes at a time


def table_bits(items: int) -> int:
    """Bits of a hashed table for about ``items`` items: twice as many buckets, up to
    ``TABLE_BITS``. (A small export's tables are small: 16M buckets cleared and summed for a
    few thousand sentences was most of its analysis.)

    >>> table_bits(1000), table_bits(10**9)
    (11, 24)
    """
    return int(min(TABLE_BITS, max(10, int(np.ceil(np.log2(max(items, 1)))) + 1)))


class CountMin:
    """Two hashed tables of total weight per item: the smaller of an item's two buckets
    bounds its total from above (sharing both buckets with other items by chance is rare).
    Sized for ``items`` items (``table_bits``)."""

    def __init__(self, items: int) -> None:
        self.bits = table_bits(items)
        self.first = np.zeros(1 << self.bits)
        self.second = np.zeros(1 << self.bits)

    def add(self, items: np.ndarray, weight: np.ndarray) -> None:
        size = 1 << self.bits
        self.first += np.bincount(bucket(items, bits=self.bits), weights=weight, minlength=size)
        self.second += np.bincount(bucket(items, 1, bits=self.bits), weights=weight, minlength=size)

    def at_least(self, items: np.ndarray, total: int) -> np.ndarray:
        return (self.first[bucket(items, bits=self.bits)] >= total) & (
            self.second[bucket(items, 1, bits=self.bits)] >= total
        )


@dataclass(frozen=True)
class Totals:
    """Total replies per distinct hash, looked up by hash. Built with NumPy's plain sort
    (vectorised, fast) rather than an argsort (many times slower at millions of items)."""

    distinct: np.ndarray  # sorted hashes
    total: np.ndarray  # replies holding each

    @classmethod
    def build(cls, items: np.ndarray, text: np.ndarray, counts: np.ndarray) -> Totals:
        """Totals of ``items``, each held by text ``text`` that ``counts`` replies sent (a
        text holding a run twice counts twice, which a reply seldom does)."""
        if not len(items):
            return cls(items[:0], np.zeros(0, dtype=np.int64))
        ordered = sort(items)
        new = np.ones(len(ordered), dtype=bool)
        np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
        first = np.flatnonzero(new).astype(np.int32)
        del new
        distinct = ordered[first]
        del ordered
        total = np.diff(np.append(first, len(items))).astype(np.int64)
        del first
        # Most texts were sent once: a text sent more often adds its other replies.
        heavy = np.flatnonzero((counts > 1)[text])
        extra = np.bincount(
            positions_in(distinct, items[heavy]), weights=counts[text[heavy]] - 1, minlength=len(distinct)
        )
        return cls(distinct, total + extra.astype(np.int64))

    def at_least(self, total: int) -> Totals:
        keep = self.total >= total
        return Totals(self.distinct[keep], self.total[keep])

    def index(self, items: np.ndarray) -> np.ndarray:
        """Where each item's hash is in ``distinct`` (-1 for hashes not held). A table of
        hashed buckets answers "not held" for most items before any search."""
        found = np.full(len(items), -1, dtype=np.int32)  # 36M of them at a million replies
        if not len(self.distinct) or not len(items):
            return found
        if len(items) <= len(self.distinct):
            # Fewer items than hashes: sorted, they are found by one forward binary search
            # (sorted needles stay in cache), without a hash table of every hash (2.7M
            # items in 4.4M hashes: 0.35 s, against 0.71 s).
            order = argsort(items)
            ordered = items[order]
            at = np.minimum(np.searchsorted(self.distinct, ordered), len(self.distinct) - 1)
            held = self.distinct[at] == ordered
            found[order[held]] = at[held]
            return found
        bits = table_bits(4 * len(self.distinct))  # mostly empty: most items say "not held"
        flags = np.zeros(1 << bits, dtype=bool)
        flags[bucket(self.distinct, bits=bits)] = True
        positions = pd.Index(self.distinct)  # a hash table (see ``features.positions_in``)
        positions.get_indexer(items[:1])  # built once, before the threads read it

        # A slice at a time: the temporaries of 36M runs at once were a gigabyte at 1M
        # replies. Slices run on both cores (the lookups run outside the GIL).
        def look_up(a: int, b: int) -> None:
            part = items[a:b]
            maybe = np.flatnonzero(flags[bucket(part, bits=bits)])
            found[a + maybe] = positions.get_indexer(part[maybe])

        in_slices(look_up, len(items), size=LOOKUP_SLICE)
        return found

    def lookup(self, items: np.ndarray) -> np.ndarray:
        """The total of each item (0 for hashes not held)."""
        index = self.index(items)
        return np.where(index >= 0, self.total[np.maximum(index, 0)], 0) if len(self.total) else index * 0


def bucket(items: np.ndarray, seed: int = 0, bits: int = TABLE_BITS) -> np.ndarray:
    """A bucket of ``bits`` bits per hash (two seeds: two independent tables)."""
    with np.errstate(over="ignore"):
        mixed = items * MIX if seed == 0 else (items ^ np.uint64(0x5851F42D4C957F2D)) * MIX
        mixed ^= mixed >> np.uint64(29)
        mixed *= MIX
        mixed >>= np.uint64(64 - bits)
    return mixed.view(np.int64)


def replies_holding(items: np.ndarray, owner: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """For each item (a hashed sentence or word run, held by text ``owner``), the replies
    that hold it: the replies of every text holding it, each text counted once."""
    if not len(items):
        return np.zeros(0, dtype=np.int64)
    # Sorted by item with texts in order within each item (a stable sort of text-ordered
    # items), so an item a text holds twice shows as neighbours and carries its replies once.
    order = argsort(items)
    sorted_items, sorted_owner = items[order], owner[order]
    new_item = np.ones(len(order), dtype=bool)
    new_item[1:] = sorted_items[1:] != sorted_items[:-1]
    repeat = ~new_item
    repeat[1:] &= sorted_owner[1:] == sorted_owner[:-1]
    weight = np.where(repeat, 0, counts[sorted_owner])
    first = np.flatnonzero(new_item)
    per_item = np.add.reduceat(weight, first)
    reuse = np.empty(len(order), dtype=np.int64)
    reuse[order] = np.repeat(per_item, np.diff(np.append(first, len(order))))
    return reuse


def repeats(items: np.ndarray) -> np.ndarray:
    """Which items' hash occurs more than once: a sorted copy finds the repeated hashes (few,
    in any export), and a hash lookup marks them. An argsort of ten million ids held four
    times the items; a lookup table of every hash, four times as well.

    >>> repeats(np.array([5, 7, 5, 9], dtype=np.uint64)).tolist()
    [True, False, True, False]
    """
    ordered = sort(items)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    del ordered
    if not len(repeated):
        return np.zeros(len(items), dtype=bool)
    return positions_in(unique(repeated), items) >= 0


def value_hashes(values: pd.Series) -> np.ndarray:
    """A 64-bit hash of each value (equal values, equal hashes), ``HASH_SLICE`` values at a
    time: pandas hashes an Arrow string through a Python string of it, a gigabyte at once for
    ten million ids; and codes of ten million distinct strings (``pd.factorize``) cost a
    gigabyte more than codes of their hashes. (Polars hashes ten times quicker, but copies
    the strings in: ten million tiny rows peaked at 2.21-2.49 GB with it in four runs, and
    at 2.16 GB without.)

    >>> h = value_hashes(pd.Series(["a", "b", "a"], dtype="string")); bool(h[0] == h[2]), bool(h[0] == h[1])
    (True, False)
    """
    slices = [
        pd.util.hash_pandas_object(values.iloc[a : a + HASH_SLICE], index=False).to_numpy()
        for a in range(0, len(values), HASH_SLICE)
    ]
    return np.concatenate([np.zeros(0, dtype=np.uint64), *slices])
