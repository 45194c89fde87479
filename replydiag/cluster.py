"""Near-duplicate clustering of masked replies, without an N x N matrix.

1. Identical keys are grouped first (most templated replies collapse here).
2. Distinct keys are visited from most to least used. Each joins the most similar existing
   representative (rapidfuzz ratio >= threshold) or becomes a representative itself. Members
   are compared with the representative only, never with each other, so there is no chaining
   (A~B and B~C never pull a dissimilar C into A's cluster).
3. Candidates come from an inverted index of each key's rarest word pairs (prefix filtering,
   as in similarity joins): a near-duplicate shares most of its rare pairs with its
   representative, and rare pairs have short posting lists, so lookups stay cheap at scale.

A key used ``min_support`` times or more on its own is a template in its own right unless it
is a minority variant (a frequent typo) of a much more used, very similar representative:
that keeps templates that differ in a few key words ("refund processed" vs "replacement
shipped") apart.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel, LCSseq
from scipy import sparse

_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_TOKEN = re.compile(r"\{\w+\}|[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]|[^\s\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")
CANDIDATES_CHECKED = 6  # templates verified per reply when looking for edited templates
PREFIX_SHARE = 0.5  # share of a key's word pairs (its rarest) that index and look it up
MAX_POSTING = 32  # representatives kept per word pair
ANCHORS = 6  # a representative is indexed under its rarest word pairs only
QUERY_PAIRS = 8  # a key looks up at most this many of its rarest word pairs
VARIANT_RATIO = 5  # a frequent key is a variant only of a representative used 5x as often
POPULAR_THRESHOLD = 92.0  # ... and only when this close to it


def tokens(key: str) -> list[str]:
    """Words, with each CJK character its own token (Chinese and Japanese have no spaces).

    >>> tokens("订单 {order} 已发货 ok")
    ['订', '单', '{order}', '已', '发', '货', 'ok']
    """
    if _CJK_CHAR.search(key):
        return _TOKEN.findall(key)
    return key.split()


def features(toks: list[str]) -> list[str]:
    """Word pairs (single words for one-word keys), each once, in text order: the units of
    the candidate index. A list, not a set, so every later sort is deterministic.

    >>> features(["your", "order", "your", "order"])
    ['your order', 'order your']
    """
    if len(toks) < 2:
        return list(toks)
    return list(dict.fromkeys(a + " " + b for a, b in zip(toks, toks[1:])))


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
    rarity = df.__getitem__

    n = len(key_list)
    cluster = np.arange(n, dtype=np.int64)
    similarity = np.full(n, 100.0)
    index: dict[str, list[int]] = {}
    for i in range(n):
        if progress is not None and i % 20000 == 0:
            progress(i)
        key = key_list[i]
        f = feats[i]
        if len(key) < min_fuzzy_chars or not f:
            continue  # short replies only ever match identical ones: a singleton here
        size = min(max(3, math.ceil(len(f) * PREFIX_SHARE)), QUERY_PAIRS)
        prefix = sorted(f, key=rarity)[:size]  # rarest first (stable: ties keep text order)
        popular = count_arr[i] >= min_support
        shared: Counter = Counter()
        for feature in prefix:
            posting = index.get(feature)
            if posting:
                shared.update(posting)
        if shared:
            # A near-duplicate shares several rare word pairs with its representative; one
            # shared pair is a coincidence worth no rapidfuzz call (unless the key is tiny).
            need = 2 if len(prefix) >= 4 else 1
            order = sorted(c for c, hits in shared.items() if hits >= need)
            if popular:
                # A key used often on its own joins a representative only as its minority
                # variant (a frequent typo or dropped word); two templates that both carry
                # weight stay apart even when they differ in a word or two.
                order = [c for c in order if count_arr[i] * VARIANT_RATIO <= count_arr[c]]
            if order:
                cutoff = max(threshold, POPULAR_THRESHOLD) if popular else threshold
                match = process.extractOne(key, [key_list[c] for c in order], scorer=fuzz.ratio,
                                           score_cutoff=cutoff)
                if match is not None:
                    cluster[i] = order[match[2]]
                    similarity[i] = match[1]
                    continue
        anchors = prefix if len(prefix) <= ANCHORS else prefix[:ANCHORS]
        for feature in anchors:
            posting = index.get(feature)
            if posting is None:
                index[feature] = [i]
            elif len(posting) < MAX_POSTING:
                # Representatives arrive most used first, so a full list keeps the likeliest.
                posting.append(i)
    return Clustering(key_list, count_arr, cluster, similarity, toks), row_key


MIN_RUN = 3  # words: shorter shared runs ("thanks for", "your order") are common phrasing


def verbatim_overlap(template: list[str], reply: list[str]) -> int:
    """Template words found in the reply, in order, within runs of at least ``MIN_RUN`` words.

    An edited template keeps chunks of the template verbatim; two personal replies built
    from the same common phrases share only short runs.

    >>> verbatim_overlap("to reset your password open the link".split(),
    ...                  "hi to reset your password just open the link we sent".split())
    7
    >>> verbatim_overlap("your blue jacket was left at the door".split(),
    ...                  "your wool desk was charged twice at the depot".split())
    0
    """
    if LCSseq.similarity(template, reply) < MIN_RUN:
        return 0
    return sum(
        op.src_end - op.src_start
        for op in Indel.opcodes(template, reply)
        if op.tag == "equal" and op.src_end - op.src_start >= min(MIN_RUN, len(template))
    )


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
    added. Candidate pairs come from one sparse product (keys x word pairs x templates);
    only pairs sharing enough word pairs are verified, by an in-order word alignment (LCS).
    """
    toks = clustering.tokens
    usable = np.array([t for t in templates if len(toks[t]) >= min_template_tokens], dtype=np.int64)
    if not len(usable) or not len(candidates):
        return {}
    feature_id: dict[str, int] = {}
    t_rows: list[int] = []
    t_cols: list[int] = []
    for row, t in enumerate(usable):
        for feature in features(toks[t]):
            t_rows.append(row)
            t_cols.append(feature_id.setdefault(feature, len(feature_id)))
    n_features = len(feature_id)
    # Pairs shared by many templates say nothing about which one a reply contains.
    spread = np.bincount(t_cols, minlength=n_features)
    keep = spread[t_cols] <= max(20, len(usable) // 10)
    size = np.bincount(np.asarray(t_rows)[keep], minlength=len(usable)).astype(float)
    by_template = sparse.csr_matrix(
        (np.ones(int(keep.sum()), dtype=np.float32), (np.asarray(t_rows)[keep], np.asarray(t_cols)[keep])),
        shape=(len(usable), n_features),
    )
    c_rows: list[int] = []
    c_cols: list[int] = []
    lookup = feature_id.get
    for row, i in enumerate(candidates):
        for feature in features(toks[i]):
            col = lookup(feature)
            if col is not None:
                c_rows.append(row)
                c_cols.append(col)
    by_key = sparse.csr_matrix(
        (np.ones(len(c_rows), dtype=np.float32), (c_rows, c_cols)), shape=(len(candidates), n_features)
    )
    hits = (by_key @ by_template.T).tocoo()
    plausible = hits.data >= 0.4 * size[hits.col]
    rows, cols, counts = hits.row[plausible], hits.col[plausible], hits.data[plausible]
    order = np.lexsort((usable[cols], -counts, rows))  # per key: most shared first, then the more used
    found: dict[int, Containment] = {}
    checked: dict[int, int] = {}
    for k in order:
        i = int(candidates[rows[k]])
        if checked.get(i, 0) >= CANDIDATES_CHECKED:
            continue
        checked[i] = checked.get(i, 0) + 1
        t = int(usable[cols[k]])
        matched = verbatim_overlap(toks[t], toks[i])
        coverage = matched / len(toks[t])
        best = found.get(i)
        if coverage >= min_coverage and (best is None or coverage > best.coverage):
            found[i] = Containment(t, coverage, matched / max(len(toks[i]), 1))
    return found
