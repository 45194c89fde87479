"""Near-duplicate clustering of masked replies, without an N x N matrix.

1. Identical keys are grouped first (most templated replies collapse here).
2. Distinct keys are visited from most to least used. Each joins the most similar existing
   representative (rapidfuzz ratio >= threshold) or becomes a representative itself. Members
   are compared with the representative only, never with each other, so there is no chaining
   (A~B and B~C never pull a dissimilar C into A's cluster).
3. Candidates come from an inverted index of each key's rarest word pairs (prefix filtering,
   as in similarity joins): a near-duplicate shares most of its rare pairs with its
   representative, and rare pairs have short posting lists, so lookups stay cheap at scale.

A key used ``min_support`` times or more on its own is a template in its own right and is
never merged into another: that keeps templates that differ in a few key words ("refund
processed" vs "replacement shipped") apart.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_TOKEN = re.compile(r"\{\w+\}|[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]|[^\s\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")
CANDIDATES_CHECKED = 6  # representatives verified with rapidfuzz per key


def tokens(key: str) -> list[str]:
    """Words, with each CJK character its own token (Chinese and Japanese have no spaces).

    >>> tokens("订单 {order} 已发货 ok")
    ['订', '单', '{order}', '已', '发', '货', 'ok']
    """
    if _CJK_CHAR.search(key):
        return _TOKEN.findall(key)
    return key.split()


def features(toks: list[str]) -> set[str]:
    """Word pairs (single words for one-word keys): the units of the candidate index."""
    if len(toks) < 2:
        return set(toks)
    return {a + " " + b for a, b in zip(toks, toks[1:])}


@dataclass
class Clustering:
    """Result of ``cluster_keys``, indexed by distinct key.

    ``keys``: distinct keys, most used first. ``counts``: replies per key.
    ``cluster``: index (into ``keys``) of each key's representative. ``similarity``: 0-100
    ratio of each key to its representative.
    """

    keys: list[str]
    counts: np.ndarray
    cluster: np.ndarray
    similarity: np.ndarray
    tokens: list[list[str]]

    def cluster_sizes(self) -> pd.Series:
        return pd.Series(self.counts).groupby(self.cluster).sum()


def cluster_keys(
    keys: pd.Series,
    *,
    threshold: float,
    min_support: int,
    min_fuzzy_chars: int,
    progress: Callable[[int], None] | None = None,
) -> tuple[Clustering, np.ndarray]:
    """Cluster reply keys. Returns the clustering and, per input row, the index of its key.

    >>> c, rows = cluster_keys(pd.Series(["your order {order} has shipped today"] * 3
    ...     + ["your order {order} has shiped today", "totally different words here okay"]),
    ...     threshold=85, min_support=3, min_fuzzy_chars=10)
    >>> [c.keys[c.cluster[i]] == c.keys[0] for i in rows]
    [True, True, True, True, False]
    """
    codes, uniques = pd.factorize(keys.astype("string").fillna(""), sort=False)
    counts = np.bincount(codes, minlength=len(uniques))
    # Most used first; ties by text so the result does not depend on input order.
    frame = pd.DataFrame({"key": np.asarray(uniques, dtype=object), "count": counts})
    frame = frame.sort_values(["count", "key"], ascending=[False, True], kind="stable")
    order = frame.index.to_numpy()
    remap = np.empty(len(order), dtype=np.int64)
    remap[order] = np.arange(len(order))
    row_key = remap[codes]
    key_list: list[str] = frame["key"].tolist()
    count_arr = frame["count"].to_numpy()

    toks = [tokens(k) for k in key_list]
    feats = [features(t) for t in toks]
    df: Counter = Counter()
    for f in feats:
        df.update(f)

    n = len(key_list)
    cluster = np.arange(n, dtype=np.int64)
    similarity = np.full(n, 100.0)
    index: dict[str, list[int]] = defaultdict(list)
    prefix_len = np.zeros(n, dtype=np.int64)
    for i in range(n):
        if progress is not None and i % 20000 == 0:
            progress(i)
        key = key_list[i]
        if len(key) < min_fuzzy_chars or not feats[i]:
            continue  # short replies only ever match identical ones: a singleton here
        prefix = _prefix(feats[i], df)
        if count_arr[i] < min_support:
            best, best_score = _best_candidate(key, prefix, index, key_list, prefix_len, threshold)
            if best >= 0:
                cluster[i] = best
                similarity[i] = best_score
                continue
        prefix_len[i] = len(prefix)
        for feature in prefix:
            index[feature].append(i)
    return Clustering(key_list, count_arr, cluster, similarity, toks), row_key


def _prefix(feature_set: set[str], df: Counter) -> list[str]:
    """The rarest half of a key's features (at least 3)."""
    size = max(3, math.ceil(len(feature_set) * 0.5))
    if len(feature_set) <= size:
        return list(feature_set)
    return sorted(feature_set, key=lambda f: (df[f], f))[:size]


def _best_candidate(key: str, prefix: list[str], index: dict[str, list[int]], key_list: list[str],
                    prefix_len: np.ndarray, threshold: float) -> tuple[int, float]:
    shared: Counter = Counter()
    for feature in prefix:
        posting = index.get(feature)
        if posting:
            shared.update(posting)
    best, best_score = -1, 0.0
    # Rank by overlap of the two prefixes (Jaccard), so a long reply that contains the whole
    # template does not crowd out the template itself; ties go to the more used (lower index).
    size = len(prefix)
    ranked = sorted(shared.items(), key=lambda kv: (-kv[1] / (size + prefix_len[kv[0]] - kv[1]), kv[0]))
    ranked = ranked[:CANDIDATES_CHECKED]
    for rep, _count in ranked:
        score = fuzz.ratio(key, key_list[rep], score_cutoff=threshold)
        if score > best_score:
            best, best_score = rep, score
    return best, best_score


@dataclass(frozen=True)
class Containment:
    template: int  # index of the template's representative key
    coverage: float  # share of the template's words found, in order, in the reply
    share: float  # share of the reply's words that come from the template


def find_contained_templates(
    clustering: Clustering,
    candidates: np.ndarray,
    templates: np.ndarray,
    *,
    min_coverage: float,
    min_template_tokens: int = 5,
) -> dict[int, Containment]:
    """For keys not matched as a whole, the template most of whose words they contain.

    This finds edited templates: a template reworded in part, or with a personal paragraph
    added. Coverage is an in-order word alignment (LCS), not a bag of words.
    """
    toks = clustering.tokens
    usable = [t for t in templates if len(toks[t]) >= min_template_tokens]
    index: dict[str, list[int]] = defaultdict(list)
    size: dict[int, int] = {}
    for t in usable:
        f = features(toks[t])
        size[t] = len(f)
        for feature in f:
            index[feature].append(t)
    # Pairs shared by most templates say nothing about which one a reply contains.
    crowded = max(20, len(usable) // 10)
    found: dict[int, Containment] = {}
    for i in candidates:
        f = features(toks[i])
        shared: Counter = Counter()
        for feature in f:
            posting = index.get(feature)
            if posting and len(posting) <= crowded:
                shared.update(posting)
        best: Containment | None = None
        for t, hits in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:CANDIDATES_CHECKED]:
            if hits < 0.4 * size[t]:
                break
            matched = LCSseq.similarity(toks[t], toks[i])
            coverage = matched / len(toks[t])
            if coverage >= min_coverage and (best is None or coverage > best.coverage):
                best = Containment(int(t), coverage, matched / max(len(toks[i]), 1))
        if best is not None:
            found[int(i)] = best
    return found
