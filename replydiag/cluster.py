"""Near-duplicate clustering of masked replies, without an N x N matrix.

1. Identical keys are grouped first (most templated replies collapse here).
2. Distinct keys are visited from most to least used. Each joins the most similar existing
   representative (rapidfuzz ratio >= threshold) or becomes a representative itself. Members
   are compared with the representative only, never with each other, so there is no chaining
   (A~B and B~C never pull a dissimilar C into A's cluster).
3. Candidates come from an index of each key's rarest word pairs (prefix filtering, as in
   similarity joins): a near-duplicate shares several rare pairs with its representative.
   ``candidates`` finds and verifies them for all keys at once, as array operations.

A key used ``min_support`` times or more on its own is a template in its own right unless it
is a minority variant (a frequent typo) of a much more used, very similar representative:
that keeps templates that differ in a few key words ("refund processed" vs "replacement
shipped") apart.

The word pairs and each key's rarest ones come from ``features``. What is left to a Python
loop is the order-dependent part, over the few keys with an alike pair: which earlier key
is still a representative, and which of them a key joins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .candidates import alike_pairs, candidate_pairs
from .features import Features, token_pair_features, tokens, word_pair_features

VARIANT_RATIO = 5  # a frequent key is a variant only of a representative used 5x as often
POPULAR_THRESHOLD = 92.0  # ... and only when this close to it


@dataclass
class Clustering:
    """Result of ``cluster_keys``, indexed by distinct key.

    ``keys``: distinct keys, most used first. ``counts``: replies per key.
    ``cluster``: index (into ``keys``) of each key's representative. ``similarity``: 0-100
    ratio of each key to its representative. ``features``: the word pairs of every key.
    ``links``: (key, representative) pairs at least ``threshold`` alike that the search met
    for keys used less than ``min_support`` times, whether or not the key joined that
    representative: the chains that make template families (``replydiag.families``).
    ``template_links``: the same for keys used ``min_support`` times or more (templates
    alike on their own).
    """

    keys: list[str]
    counts: np.ndarray
    cluster: np.ndarray
    similarity: np.ndarray
    features: Features
    links: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))
    template_links: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))
    _tokens: dict[int, list[str]] = field(default_factory=dict, repr=False)

    def tokens(self, i: int) -> list[str]:
        """Tokens of key ``i`` (computed on demand: only templates and candidates need them)."""
        found = self._tokens.get(i)
        if found is None:
            found = self._tokens[i] = tokens(self.keys[i])
        return found

    def cluster_sizes(self) -> pd.Series:
        return pd.Series(self.counts).groupby(self.cluster).sum()


def cluster_keys(
    keys: pd.Series,
    *,
    threshold: float,
    min_support: int,
    min_fuzzy_chars: int,
    progress: Callable[[int, int], None] | None = None,
    chain: bool = False,
) -> tuple[Clustering, np.ndarray]:
    """Cluster reply keys. Returns the clustering and, per input row, the index of its key.

    >>> c, rows = cluster_keys(pd.Series(["your order {order} has shipped today"] * 3
    ...     + ["your order {order} has shiped today", "totally different words here okay"]),
    ...     threshold=85, min_support=3, min_fuzzy_chars=10)
    >>> [c.keys[c.cluster[i]] == c.keys[0] for i in rows]
    [True, True, True, True, False]
    """
    codes, uniques = pd.factorize(keys.astype("string").fillna(""), sort=False)
    return cluster_codes(
        codes,
        list(uniques),
        threshold=threshold,
        min_support=min_support,
        min_fuzzy_chars=min_fuzzy_chars,
        progress=progress,
        chain=chain,
    )


def cluster_codes(
    codes: np.ndarray,
    uniques: list[str],
    *,
    threshold: float,
    min_support: int,
    min_fuzzy_chars: int,
    progress: Callable[[int, int], None] | None = None,
    weights: np.ndarray | None = None,
    chain: bool = False,
    words: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> tuple[Clustering, np.ndarray]:
    """``cluster_keys`` for keys already factorised: row ``i`` has key ``uniques[codes[i]]``
    and stands for ``weights[i]`` replies (1 each by default). Keys no row uses are left out.
    ``chain``: keep the ``links`` and ``template_links`` that template families are made of
    (the rewording search of stock sentences has no use for them). ``words``: where the
    caller has each unique key's words as ids, (ids, start, end): key ``i`` is
    ``ids[start[i]:end[i]]`` (``features.token_pair_features``), so the keys are not split
    into words again."""
    counts = np.bincount(codes, weights=weights, minlength=len(uniques)).astype(np.int64)
    used = np.flatnonzero(counts > 0)
    if progress is not None:
        progress(0, len(used))  # the word pairs of a million keys take a while before the loop
    # Most used first; ties by text so the result does not depend on input order. (Arrow
    # sorts the texts in C++, by code point as Python would, without a frame of objects.)
    table = pa.table(
        {"count": counts[used], "key": pa.array([uniques[i] for i in used], type=pa.large_string())}
    )
    order = used[
        np.asarray(pc.sort_indices(table, sort_keys=[("count", "descending"), ("key", "ascending")]))
    ]
    del table
    remap = np.full(len(uniques), -1, dtype=np.int64)
    remap[order] = np.arange(len(order))
    row_key = remap[codes]
    key_list: list[str] = [uniques[i] for i in order]
    count_arr = counts[order]
    if words is None:
        feats = word_pair_features(key_list)
    else:
        ids, start, end = words
        feats = token_pair_features(ids, start[order], end[order])
    lengths = np.fromiter((len(k) for k in key_list), dtype=np.int64, count=len(key_list))
    # Short replies only ever match identical ones: each is a singleton here.
    eligible = (lengths >= min_fuzzy_chars) & (np.diff(feats.prefix_start) > 0)
    candidates = candidate_pairs(feats.prefix, feats.prefix_start, eligible)
    alike, score = alike_pairs(np.array(key_list, dtype=object), candidates, threshold)
    del candidates
    # Every earlier key this alike, most alike first (ties: the most used).
    by_key = np.lexsort((alike[:, 1], -score, alike[:, 0]))
    alike, score = alike[by_key], score[by_key]

    n = len(key_list)
    cluster = np.arange(n, dtype=np.int64)
    similarity = np.full(n, 100.0)
    linked: list[int] = []  # flat (key, representative) pairs, for keys used less than min_support times
    popular_linked: list[int] = []  # ... for the others
    # Keys in order, so each earlier key has settled whether it is a representative.
    starts = np.flatnonzero(np.r_[True, alike[1:, 0] != alike[:-1, 0]]) if len(alike) else np.zeros(0, int)
    bounds = np.r_[starts, len(alike)].tolist()
    for step, (a, b) in enumerate(zip(bounds, bounds[1:])):
        i = int(alike[a, 0])
        if progress is not None and step % 20000 == 0:
            progress(i, n)
        popular = count_arr[i] >= min_support
        for c, similar in zip(alike[a:b, 1].tolist(), score[a:b].tolist()):
            if cluster[c] != c:
                continue  # joined a cluster itself: not a representative
            # A reply between two templates chains them into one family; templates alike on
            # their own are kept apart here and judged by how many are alike (``families``).
            if chain:
                (popular_linked if popular else linked).extend((i, c))
            # A key used often on its own joins a representative only as its minority
            # variant (a frequent typo or dropped word); two templates that both carry
            # weight stay apart even when they differ in a word or two.
            if cluster[i] == i and (
                not popular or (count_arr[i] * VARIANT_RATIO <= count_arr[c] and similar >= POPULAR_THRESHOLD)
            ):
                cluster[i] = c
                similarity[i] = similar
    if progress is not None:
        progress(n, n)
    links = np.array(linked, dtype=np.int64).reshape(-1, 2)
    template_links = np.array(popular_linked, dtype=np.int64).reshape(-1, 2)
    return Clustering(key_list, count_arr, cluster, similarity, feats, links, template_links), row_key
