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

Word pairs are computed for all keys at once with Arrow and NumPy (token ids, pair ids,
document frequencies, each key's rarest pairs), so the per-key Python loop only looks up
and verifies.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel, LCSseq
from scipy import sparse

from .memory import release_memory

_CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
_CJK_CHAR = re.compile(f"[{_CJK_RANGES}]")
_TOKEN = re.compile(r"\{\w+\}|[" + _CJK_RANGES + r"]|[^\s" + _CJK_RANGES + r"]+")
_CJK_RE2 = r"([\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}])"

CANDIDATES_CHECKED = 3  # templates verified per reply when looking for edited templates
PREFIX_SHARE = 0.5  # share of a key's word pairs (its rarest) that index and look it up
QUERY_PAIRS = 8  # a key looks up at most this many of its rarest word pairs
ANCHORS = 6  # a representative is indexed under its rarest word pairs only
MAX_POSTING = 12  # representatives kept per word pair
VARIANT_RATIO = 5  # a frequent key is a variant only of a representative used 5x as often
POPULAR_THRESHOLD = 92.0  # ... and only when this close to it
CONTAINMENT_SLICE = 10_000  # keys per sparse product (its hits can be keys x templates) when looking for edited templates
MIN_RUN = 3  # words: shorter shared runs ("thanks for", "your order") are common phrasing


def tokens(key: str) -> list[str]:
    """Words, with each CJK character its own token (Chinese and Japanese have no spaces).

    >>> tokens("订单 {order} 已发货 ok")
    ['订', '单', '{order}', '已', '发', '货', 'ok']
    """
    if _CJK_CHAR.search(key):
        return _TOKEN.findall(key)
    return key.split()


@dataclass
class Features:
    """Distinct word pairs of every key, flattened and grouped by key (rarest first): dense
    pair ``ids`` of key ``owner`` (int32: they are most of an audit's memory).
    ``prefix``/``prefix_start``: each key's rarest pairs, the ones it is looked up by."""

    owner: np.ndarray
    ids: np.ndarray
    prefix: np.ndarray
    prefix_start: np.ndarray


FEATURE_CHUNK = 100_000  # keys tokenised at a time: the temporaries of a chunk, not of all keys


def word_pair_features(keys: list[str]) -> Features:
    """Word pairs of each key (single words for one-word keys), computed for all keys at once.

    Keys are taken ``FEATURE_CHUNK`` at a time, so the temporaries are those of one chunk;
    what is kept is two int32 numbers per pair.

    >>> f = word_pair_features(["your order shipped", "your order", "ok"])
    >>> f.owner.tolist(), f.ids.tolist()
    ([0, 0, 1, 2], [1, 0, 0, 2])
    """
    n = len(keys)
    bounds = list(range(0, n, FEATURE_CHUNK)) + [n]
    spans = list(zip(bounds, bounds[1:]))
    # Tokens get ids in order of first appearance over all keys, and pair ids need the size
    # of the whole vocabulary: a first pass collects it (tokenising twice costs less memory
    # than keeping every key's tokens).
    vocabulary = pc.unique(pa.chunked_array([pc.unique(_split_tokens(keys[a:b])[1]) for a, b in spans],
                                            type=pa.large_string()))
    vocab = max(len(vocabulary), 1)
    owners: list[np.ndarray | None] = []
    raw_ids: list[np.ndarray | None] = []
    chunk_distinct: list[np.ndarray] = []
    for a, b in spans:
        offsets, flat = _split_tokens(keys[a:b])
        tok = np.asarray(pc.index_in(flat, value_set=vocabulary), dtype=np.int64)
        owner, ids = _pairs_of_chunk(tok, offsets, vocab, first_key=a)
        owners.append(owner.astype(np.int32))
        raw_ids.append(ids)
        chunk_distinct.append(_unique(ids))
    del vocabulary
    distinct = _unique(np.concatenate(chunk_distinct)) if chunk_distinct else np.zeros(0, dtype=np.int64)
    del chunk_distinct
    release_memory()
    # Dense pair ids: ranks among all distinct pairs.
    n_pairs = max(len(distinct), 1)
    total = sum(len(o) for o in owners)
    owner_out = np.empty(total, dtype=np.int32)
    ids_out = np.empty(total, dtype=np.int32)
    df_of_pair = np.zeros(n_pairs, dtype=np.int64)
    at = 0
    for i, ids in enumerate(raw_ids):
        dense = np.searchsorted(distinct, ids).astype(np.int32)
        raw_ids[i] = dense  # the int64 ids go as soon as they are ranked
        df_of_pair += np.bincount(dense, minlength=n_pairs)
    del distinct
    # Each key's rarest pairs first: pairs ranked once by (df, id), then sorted within keys.
    rarity_rank = np.empty(n_pairs, dtype=np.int64)
    rarity_rank[np.lexsort((np.arange(n_pairs), df_of_pair))] = np.arange(n_pairs)
    prefixes, prefix_counts = [], []
    for chunk, (a, b) in enumerate(spans):
        local, pair = owners[chunk] - a, raw_ids[chunk]
        owners[chunk] = raw_ids[chunk] = None  # type: ignore[call-overload]  # freed as the output fills
        order = np.lexsort((rarity_rank[pair], local))
        local, pair = local[order], pair[order]
        per_key = np.bincount(local, minlength=b - a)
        start = np.concatenate([[0], np.cumsum(per_key)])
        # A pair held by one key only links it to nothing: it is neither indexed nor looked up.
        # Such pairs sort first within their key, so ranks among the shared ones are shifted.
        shared = df_of_pair[pair] >= 2
        unique_per_key = np.bincount(local[~shared], minlength=b - a)
        rank = np.arange(len(local)) - start[local] - unique_per_key[local]
        size = np.minimum(np.maximum(3, np.ceil(per_key * PREFIX_SHARE)), QUERY_PAIRS).astype(np.int64)
        keep = shared & (rank < size[local])
        owner_out[at:at + len(local)] = local + a
        ids_out[at:at + len(local)] = pair
        at += len(local)
        prefixes.append(pair[keep])
        prefix_counts.append(np.bincount(local[keep], minlength=b - a))
    del owners, raw_ids
    if not prefixes:
        empty = np.zeros(0, dtype=np.int32)
        return Features(owner=empty, ids=empty, prefix=empty, prefix_start=np.zeros(1, dtype=np.int64))
    return Features(
        owner=owner_out,
        ids=ids_out,
        prefix=np.concatenate(prefixes),
        prefix_start=np.concatenate([[0], np.cumsum(np.concatenate(prefix_counts))]),
    )


def _split_tokens(keys: list[str]) -> tuple[np.ndarray, pa.Array]:
    """Offsets and flat tokens of keys (CJK characters split apart), via Arrow."""
    arr = pa.array(keys, type=pa.large_string())
    arr = pc.utf8_trim_whitespace(pc.replace_substring_regex(arr, pattern=_CJK_RE2, replacement=r" \1 "))
    lists = pc.utf8_split_whitespace(arr)
    return np.asarray(lists.offsets, dtype=np.int64), lists.flatten()


def _pairs_of_chunk(tok: np.ndarray, offsets: np.ndarray, vocab: int, *, first_key: int):
    """(owner, raw pair id) of each distinct pair of each key of one chunk of keys."""
    n = len(offsets) - 1
    lengths = np.diff(offsets)
    key_of_token = np.repeat(np.arange(n, dtype=np.int64), lengths)
    # Pairs: token j with j+1 inside the same key; one-word keys keep their word (own id space).
    if len(tok) > 1:
        same = key_of_token[:-1] == key_of_token[1:]
        pair_owner = key_of_token[:-1][same]
        pair_ids = tok[:-1][same] * vocab + tok[1:][same]
    else:
        pair_owner = np.zeros(0, dtype=np.int64)
        pair_ids = np.zeros(0, dtype=np.int64)
    single = np.flatnonzero(lengths == 1)
    owner = np.concatenate([pair_owner, single])
    ids = np.concatenate([pair_ids, tok[offsets[single]] + vocab * vocab])
    del tok, key_of_token, pair_owner, pair_ids
    # Each pair once per key: sort (owner, pair) as one int64, pairs numbered within the chunk.
    local_ids, local = _unique(ids, return_inverse=True)
    span = max(len(local_ids), 1)
    combined = _unique(owner * span + local)
    return combined // span + first_key, local_ids[combined % span]


def _unique(values: np.ndarray, return_inverse: bool = False):
    """``np.unique`` by sorting (NumPy's own can fall back to a much slower hash table)."""
    if not return_inverse:
        ordered = np.sort(values)
        flag = np.ones(len(ordered), dtype=bool)
        flag[1:] = ordered[1:] != ordered[:-1]
        return ordered[flag]
    order = np.argsort(values)
    ordered = values[order]
    flag = np.ones(len(ordered), dtype=bool)
    flag[1:] = ordered[1:] != ordered[:-1]
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = np.cumsum(flag) - 1
    return ordered[flag], inverse


@dataclass
class Clustering:
    """Result of ``cluster_keys``, indexed by distinct key.

    ``keys``: distinct keys, most used first. ``counts``: replies per key.
    ``cluster``: index (into ``keys``) of each key's representative. ``similarity``: 0-100
    ratio of each key to its representative. ``features``: the word pairs of every key.
    """

    keys: list[str]
    counts: np.ndarray
    cluster: np.ndarray
    similarity: np.ndarray
    features: Features
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
) -> tuple[Clustering, np.ndarray]:
    """Cluster reply keys. Returns the clustering and, per input row, the index of its key.

    >>> c, rows = cluster_keys(pd.Series(["your order {order} has shipped today"] * 3
    ...     + ["your order {order} has shiped today", "totally different words here okay"]),
    ...     threshold=85, min_support=3, min_fuzzy_chars=10)
    >>> [c.keys[c.cluster[i]] == c.keys[0] for i in rows]
    [True, True, True, True, False]
    """
    codes, uniques = pd.factorize(keys.astype("string").fillna(""), sort=False)
    return cluster_codes(codes, list(uniques), threshold=threshold, min_support=min_support,
                         min_fuzzy_chars=min_fuzzy_chars, progress=progress)


def cluster_codes(
    codes: np.ndarray,
    uniques: list[str],
    *,
    threshold: float,
    min_support: int,
    min_fuzzy_chars: int,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Clustering, np.ndarray]:
    """``cluster_keys`` for keys already factorised: row ``i`` has key ``uniques[codes[i]]``.
    Keys no row uses are left out."""
    counts = np.bincount(codes, minlength=len(uniques))
    used = np.flatnonzero(counts > 0)
    # Most used first; ties by text so the result does not depend on input order. (Arrow
    # sorts the texts in C++, by code point as Python would, without a frame of objects.)
    table = pa.table({"count": counts[used], "key": pa.array([uniques[i] for i in used], type=pa.large_string())})
    order = used[np.asarray(pc.sort_indices(table, sort_keys=[("count", "descending"), ("key", "ascending")]))]
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
    for i in range(n):
        if progress is not None and i % 20000 == 0:
            progress(i, n)
        key = key_list[i]
        prefix = prefix_all[prefix_start[i]:prefix_start[i + 1]].tolist()  # per key: no list of all
        if len(key) < min_fuzzy_chars or not prefix:
            continue  # short replies only ever match identical ones: a singleton here
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
            candidates = [c for c, hits in shared.items() if hits >= need]
            if len(candidates) > 1:
                candidates.sort()
            if popular:
                # A key used often on its own joins a representative only as its minority
                # variant (a frequent typo or dropped word); two templates that both carry
                # weight stay apart even when they differ in a word or two.
                candidates = [c for c in candidates if count_arr[i] * VARIANT_RATIO <= count_arr[c]]
            if candidates:
                cutoff = max(threshold, POPULAR_THRESHOLD) if popular else threshold
                match = process.extractOne(key, [key_list[c] for c in candidates], scorer=fuzz.ratio,
                                           score_cutoff=cutoff)
                if match is not None:
                    cluster[i] = candidates[match[2]]
                    similarity[i] = match[1]
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
    return Clustering(key_list, count_arr, cluster, similarity, feats), row_key


def _prefix_matrix(feats: Features, owner: np.ndarray, column: np.ndarray, pair_ids: np.ndarray,
                   size: np.ndarray) -> sparse.csr_matrix:
    """Each template's prefix: its rarest ``S - ceil(S / 2) + 1`` of ``S`` pairs (templates x
    pair columns). A key sharing at least half a template's pairs must hold one of them
    (pigeonhole, as in the prefix filter of set-similarity joins), and rare pairs are held by
    few keys, so the product with the prefixes stays small where the full one would not."""
    held_by = np.bincount(feats.ids, minlength=int(pair_ids.max(initial=0)) + 1)[pair_ids[column]]
    order = np.lexsort((column, held_by, owner))
    owner, column = owner[order], column[order]
    first = np.searchsorted(owner, np.arange(len(size)))
    rank = np.arange(len(owner)) - first[owner]
    pairs = size.astype(np.int64)
    needed = pairs - np.ceil(0.5 * pairs).astype(np.int64) + 1
    prefix = rank < needed[owner]
    return sparse.csr_matrix(
        (np.ones(int(prefix.sum()), dtype=np.float32), (owner[prefix], column[prefix])),
        shape=(len(size), len(pair_ids)),
    )


def _positions(start: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Positions, in arrays grouped by key (key ``k`` at ``start[k]:start[k + 1]``), of ``keys``' items.

    >>> _positions(np.array([0, 2, 5, 6]), np.array([2, 0])).tolist()
    [5, 0, 1]
    """
    lengths = start[keys + 1] - start[keys]
    before = np.cumsum(lengths) - lengths
    return np.repeat(start[keys] - before, lengths) + np.arange(int(lengths.sum()))


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
    if LCSseq.similarity(template, reply) < min(MIN_RUN, len(template)):
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
    progress: Callable[[int, int], None] | None = None,
) -> dict[int, Containment]:
    """For keys not matched as a whole, the template most of whose words they contain.

    This finds edited templates: a template reworded in part, or with a personal paragraph
    added. Candidate pairs come from sparse products (keys x word pairs x templates, a slice of
    keys at a time);
    only pairs sharing enough word pairs are verified, by an in-order word alignment.
    """
    feats = clustering.features
    usable = np.array([t for t in templates if len(clustering.tokens(int(t))) >= min_template_tokens],
                      dtype=np.int64)
    if not len(usable) or not len(candidates):
        return {}
    pairs_per_key = np.bincount(feats.owner, minlength=len(clustering.keys))  # ~ words per key, minus one
    key_start = np.concatenate([[0], np.cumsum(pairs_per_key)])  # features are grouped by key, in order
    t_owner = np.repeat(np.arange(len(usable)), pairs_per_key[usable])
    t_ids = feats.ids[_positions(key_start, usable)]
    pair_ids, pair_col = _unique(t_ids, return_inverse=True)
    # Pairs shared by many templates say nothing about which one a reply contains.
    spread = np.bincount(pair_col, minlength=len(pair_ids))
    keep = spread[pair_col] <= max(20, len(usable) // 10)
    size = np.bincount(t_owner[keep], minlength=len(usable)).astype(float)
    by_template = sparse.csr_matrix(
        (np.ones(int(keep.sum()), dtype=np.float32), (t_owner[keep], pair_col[keep])),
        shape=(len(usable), len(pair_ids)),
    )
    by_prefix = _prefix_matrix(feats, t_owner[keep], pair_col[keep], pair_ids, size)
    pair_column = np.full(max(int(feats.ids.max(initial=0)) + 1, 1), -1, dtype=np.int32)
    pair_column[pair_ids] = np.arange(len(pair_ids))
    found: dict[int, Containment] = {}
    checked: dict[int, int] = {}
    # In slices of keys, so the matrices' memory stays bounded however large the export.
    for start in range(0, len(candidates), CONTAINMENT_SLICE):
        if progress is not None:
            progress(start, len(candidates))
        block = candidates[start:start + CONTAINMENT_SLICE]
        # The block's pairs that some template holds (most pairs of most replies are in none).
        rows = np.repeat(np.arange(len(block)), pairs_per_key[block])
        cols = pair_column[feats.ids[_positions(key_start, block)]]
        known = cols >= 0
        by_key = sparse.csr_matrix(
            (np.ones(int(known.sum()), dtype=np.float32), (rows[known], cols[known])),
            shape=(len(block), len(pair_ids)),
        )
        # Only a key holding one of a template's prefix pairs can share half its pairs; the
        # exact count is then taken for those (key, template) pairs alone.
        hits = (by_key @ by_prefix.T).tocoo()
        shared_all = np.asarray(by_key[hits.row].multiply(by_template[hits.col]).sum(axis=1)).ravel()
        # Enough shared pairs, and long enough to hold the covered part of the template.
        plausible = (shared_all >= 0.5 * size[hits.col]) & (
            pairs_per_key[candidates[hits.row + start]] + 1 >= min_coverage * (pairs_per_key[usable[hits.col]] + 1))
        rows, cols, shared = hits.row[plausible] + start, hits.col[plausible], shared_all[plausible]
        order = np.lexsort((usable[cols], -shared, rows))  # per key: most shared, then the more used
        for k in order:
            i = int(candidates[rows[k]])
            if checked.get(i, 0) >= CANDIDATES_CHECKED:
                continue
            checked[i] = checked.get(i, 0) + 1
            t = int(usable[cols[k]])
            template_tokens = clustering.tokens(t)
            reply_tokens = tokens(clustering.keys[i])
            matched = verbatim_overlap(template_tokens, reply_tokens)
            coverage = matched / len(template_tokens)
            best = found.get(i)
            if coverage >= min_coverage and (best is None or coverage > best.coverage):
                found[i] = Containment(t, coverage, matched / max(len(reply_tokens), 1))
    if progress is not None:
        progress(len(candidates), len(candidates))
    return found
