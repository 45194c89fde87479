"""Near-duplicate clustering of masked replies, without an N x N matrix.

1. Identical keys are grouped first (most templated replies collapse here).
2. Distinct keys are visited from most to least used. Each joins the most similar existing
   representative (rapidfuzz ratio >= threshold) or becomes a representative itself. Members
   are compared with the representative only, never with each other, so there is no chaining
   (A~B and B~C never pull a dissimilar C into A's cluster).
3. Candidates come from an inverted index of each key's rarest word pairs (prefix filtering,
   as in similarity joins): a near-duplicate shares several rare pairs with its
   representative, and rare pairs have short posting lists, so lookups stay cheap at scale.

A key used ``min_support`` times or more on its own is a template in its own right unless it
is a minority variant (a frequent typo) of a much more used, very similar representative:
that keeps templates that differ in a few key words ("refund processed" vs "replacement
shipped") apart.

The word pairs and each key's rarest ones come from ``features``, computed for all keys at
once, so the per-key Python loop here only looks up and verifies.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process

from .features import Features, tokens, word_pair_features

ANCHORS = 6  # a representative is indexed under its rarest word pairs only
MAX_POSTING = 12  # representatives kept per word pair
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
) -> tuple[Clustering, np.ndarray]:
    """``cluster_keys`` for keys already factorised: row ``i`` has key ``uniques[codes[i]]``
    and stands for ``weights[i]`` replies (1 each by default). Keys no row uses are left out.
    ``chain``: keep the ``links`` and ``template_links`` that template families are made of
    (the rewording search of stock sentences has no use for them)."""
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
    feats = word_pair_features(key_list)
    prefix_all, prefix_start = feats.prefix, feats.prefix_start.tolist()

    n = len(key_list)
    cluster = np.arange(n, dtype=np.int64)
    similarity = np.full(n, 100.0)
    index: dict[int, list[int]] = {}
    linked: list[int] = []  # flat (key, representative) pairs, for keys used less than min_support times
    popular_linked: list[int] = []  # ... for the others
    for i in range(n):
        if progress is not None and i % 20000 == 0:
            progress(i, n)
        key = key_list[i]
        prefix = prefix_all[prefix_start[i] : prefix_start[i + 1]].tolist()  # per key: no list of all
        if len(key) < min_fuzzy_chars or not prefix:
            continue  # short replies only ever match identical ones: a singleton here
        popular = count_arr[i] >= min_support
        # One count over all the postings at once (a Counter update per posting was a third
        # of the loop at a million keys).
        shared = Counter(itertools.chain.from_iterable(filter(None, map(index.get, prefix))))
        if shared:
            # A near-duplicate shares several rare word pairs with its representative; one
            # shared pair is a coincidence worth no rapidfuzz call (unless the key is tiny).
            candidates = [c for c, hits in shared.items() if hits >= 2] if len(prefix) >= 4 else list(shared)
            if len(candidates) > 1:
                candidates.sort()
            # Every representative this alike, most alike first (ties: the most used).
            alike = process.extract(
                key, [key_list[c] for c in candidates], scorer=fuzz.ratio, score_cutoff=threshold, limit=None
            )
            # A reply between two templates chains them into one family; templates alike on
            # their own are kept apart here and judged by how many are alike (``families``).
            if chain:
                for _, _, j in alike:
                    (popular_linked if popular else linked).extend((i, candidates[j]))
            for _, score, j in alike:
                c = candidates[j]
                # A key used often on its own joins a representative only as its minority
                # variant (a frequent typo or dropped word); two templates that both carry
                # weight stay apart even when they differ in a word or two.
                if not popular or (
                    count_arr[i] * VARIANT_RATIO <= count_arr[c] and score >= POPULAR_THRESHOLD
                ):
                    cluster[i] = c
                    similarity[i] = score
                    break
            if cluster[i] != i:
                continue
        for feature in prefix[:ANCHORS]:
            posting = index.get(feature)
            if posting is None:
                index[feature] = [i]
            elif len(posting) < MAX_POSTING:
                # Representatives arrive most used first, so a full list keeps the likeliest.
                posting.append(i)
    if progress is not None:
        progress(n, n)
    links = np.array(linked, dtype=np.int64).reshape(-1, 2)
    template_links = np.array(popular_linked, dtype=np.int64).reshape(-1, 2)
    return Clustering(key_list, count_arr, cluster, similarity, feats, links, template_links), row_key
