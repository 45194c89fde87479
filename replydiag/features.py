"""Word-pair features of distinct replies: what clustering and the edited-template search index.

Every distinct key gets its distinct word pairs (one-word keys their word) as dense int32 ids,
grouped by key with the rarest first, and its *prefix*: the few rarest pairs it is indexed
and looked up by (prefix filtering, as in similarity joins). Computed for all keys at once
with Arrow and NumPy, ``FEATURE_CHUNK`` keys at a time, so the per-key Python loops of the
later stages only look up and verify.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .memory import release_memory
from .normalize import CJK_RANGES, past_ascii
from .sorting import argsort, unique
from .threads import PARALLEL_ITEMS, WORKERS, in_slices, map_spans

_CJK_CHAR = re.compile(f"[{CJK_RANGES}]")
_WORD = re.compile(r"\w")
TOKEN = re.compile(r"\{\w+\}|[" + CJK_RANGES + r"]|[^\s" + CJK_RANGES + r"]+")
# One CJK character, as Arrow (RE2) sees it: what the Arrow tokeniser splits into tokens.
CJK_RE2 = r"([\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}])"
PREFIX_SHARE = 0.5  # share of a key's word pairs (its rarest) that index and look it up
QUERY_PAIRS = 8  # a key looks up at most this many of its rarest word pairs


def tokens(key: str) -> list[str]:
    """Words, with each CJK character its own token (Chinese and Japanese have no spaces).

    >>> tokens("订单 {order} 已发货 ok")
    ['订', '单', '{order}', '已', '发', '货', 'ok']
    """
    if _CJK_CHAR.search(key):
        return TOKEN.findall(key)
    return key.split()


def word_count(text: str) -> int:
    """Words as a reader counts them, a CJK character as half of one (a Chinese word is about
    two characters, as the stock text's length rules count it), spaced or not.

    >>> word_count("请提供您的订单号 {order}"), word_count("请 提 供 您 的 订 单 号 {order}"), word_count("Thanks — we'll check")
    (5, 5, 3)
    """
    words = [w for w in tokens(text) if _WORD.search(w)]  # a lone "—" or "，" is no word
    cjk = sum(1 for w in words if len(w) == 1 and _CJK_CHAR.match(w))
    return len(words) - cjk + -(-cjk // 2)


def joined(words: list[str]) -> str:
    """Words back into text, as ``tokens`` took them apart: a space between words, none
    between two CJK characters.

    >>> joined(["请", "提", "供", "{order}", "ok", "谢", "谢"])
    '请提供 {order} ok 谢谢'
    """
    text = " ".join(words)
    return _CJK_GAP.sub("", text) if _CJK_CHAR.search(text) else text


_CJK_GAP = re.compile(f"(?<=[{CJK_RANGES}]) (?=[{CJK_RANGES}])")


def joined_keys(keys: pa.Array) -> pa.Array:
    """``joined`` for a column of keys whose words are spaced: no space between two CJK
    characters. Compared as strings, the spaces of a Chinese key (every other character)
    match those of any other, so two unrelated sentences of one length looked half alike.

    >>> joined_keys(pa.array(["请 提 供 {order} ok 谢 谢", "we are here"])).to_pylist()
    ['请提供 {order} ok 谢谢', 'we are here']
    """
    if not len(keys) or not pc.any(pc.match_substring_regex(keys, CJK_RE2)).as_py():
        return keys
    # Two passes: RE2 matches do not overlap, so the first joins every other gap of a run.
    for _ in range(2):
        keys = pc.replace_substring_regex(keys, pattern=f"{CJK_RE2} {CJK_RE2}", replacement=r"\1\2")
    return keys


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

    The keys are split into word ids once (``token_ids``, an int32 per word), then paired
    ``FEATURE_CHUNK`` keys at a time, so the temporaries are those of one chunk; what is kept
    is two int32 numbers per pair.

    >>> f = word_pair_features(["your order shipped", "your order", "ok"])
    >>> f.owner.tolist(), f.ids.tolist()
    ([0, 0, 1, 2], [1, 0, 0, 2])
    """
    offsets, ids, vocabulary = token_ids(keys)  # numbered as first seen already
    return _pair_features(ids, offsets[:-1], offsets[1:], max(len(vocabulary), 1))


def token_pair_features(words: np.ndarray, start: np.ndarray, end: np.ndarray) -> Features:
    """``word_pair_features`` of keys already split into words: key ``i`` is
    ``words[start[i]:end[i]]`` (word ids, as many as ``words.max() + 1``). Taken a chunk of
    keys at a time from where they lie, without tokenising text again (the rewording search
    of a million replies' sentences spent 4 s doing so) or copying the words out.

    >>> f = token_pair_features(np.array([7, 9, 4, 7, 9, 2]), np.array([0, 3, 5]), np.array([3, 5, 6]))
    >>> f.owner.tolist(), f.ids.tolist()
    ([0, 0, 1, 2], [1, 0, 0, 2])
    """
    number, vocab = _numbered_as_seen(words, start, end, _chunks(len(start)))
    return _pair_features(words, start, end, vocab, number)


def _pair_features(
    words: np.ndarray, start: np.ndarray, end: np.ndarray, vocab: int, number: np.ndarray | None = None
) -> Features:
    """The features of keys ``words[start[i]:end[i]]``, their ids (through ``number``, where
    given) below ``vocab``, a chunk of keys at a time."""
    spans = _chunks(len(start))

    def pairs_of(a: int, b: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        offsets = np.concatenate([[0], np.cumsum(end[a:b] - start[a:b])])
        chunk = words[ranges(start[a:b], end[a:b])]
        tok = (number[chunk] if number is not None else chunk).astype(np.int64)
        owner, pair = _pairs_of_chunk(tok, offsets, vocab, first_key=a)
        return owner.astype(np.int32), pair, unique(pair)

    return _features(map_spans(pairs_of, spans), spans)


def _numbered_as_seen(
    words: np.ndarray, start: np.ndarray, end: np.ndarray, spans: list[tuple[int, int]]
) -> tuple[np.ndarray, int]:
    """A number for each word id, in order of first appearance over the keys, as the words
    of keys' text are numbered (``token_ids``); and how many words are seen. Pairs equally
    rare are ranked by their numbers: numbered otherwise, the search met other candidates (3
    of SpotifyCares' 10,986 replies lost a reworded stock sentence)."""
    vocab = int(words.max()) + 1 if len(words) else 1
    number = np.full(vocab, -1, dtype=np.int64)
    seen = 0
    # Each chunk's words in order of first appearance (a hash pass, no sort), then numbered
    # chunk after chunk where not seen before.
    for distinct in map_spans(lambda a, b: pd.unique(words[ranges(start[a:b], end[a:b])]), spans):
        fresh = distinct[number[distinct] < 0]
        number[fresh] = np.arange(seen, seen + len(fresh))
        seen += len(fresh)
    return number, max(seen, 1)


def _chunks(n: int) -> list[tuple[int, int]]:
    """Keys ``FEATURE_CHUNK`` at a time, as (first, end)."""
    bounds = list(range(0, n, FEATURE_CHUNK)) + [n]
    return list(zip(bounds, bounds[1:]))


def _features(
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]], spans: list[tuple[int, int]]
) -> Features:
    """The features from each chunk's (owner, raw pair id, distinct pair ids), emptying
    ``found``."""
    # Entries are set to None as the output fills, to free them early.
    owners: list[Any] = []
    raw_ids: list[Any] = []
    chunk_distinct: list[np.ndarray] = []
    for owner, ids, distinct_ids in found:
        owners.append(owner)
        raw_ids.append(ids)
        chunk_distinct.append(distinct_ids)
    found.clear()  # the caller's list would hold every chunk's arrays to the end
    distinct = unique(np.concatenate(chunk_distinct)) if chunk_distinct else np.zeros(0, dtype=np.int64)
    del chunk_distinct
    release_memory()
    # Dense pair ids: ranks among all distinct pairs.
    n_pairs = max(len(distinct), 1)
    total = sum(len(o) for o in owners)
    owner_out = np.empty(total, dtype=np.int32)
    ids_out = np.empty(total, dtype=np.int32)
    df_of_pair = np.zeros(n_pairs, dtype=np.int64)
    ranks = pd.Index(distinct)  # a hash table, built once (see ``positions_in``)
    for i, ids in enumerate(raw_ids):
        dense = ranks.get_indexer(ids).astype(np.int32)
        raw_ids[i] = dense  # the int64 ids go as soon as they are ranked
        df_of_pair += np.bincount(dense, minlength=n_pairs)
    del distinct, ranks
    # Each key's rarest pairs first: pairs ranked once by (df, id), then sorted within keys.
    rarity_rank = np.empty(n_pairs, dtype=np.int64)
    rarity_rank[np.lexsort((np.arange(n_pairs), df_of_pair))] = np.arange(n_pairs)
    chunk_at = np.concatenate([[0], np.cumsum([len(o) for o in owners])])

    def prefix_of(chunk: int, _: int) -> tuple[np.ndarray, np.ndarray]:
        a, b = spans[chunk]
        local, pair = owners[chunk] - a, raw_ids[chunk]
        owners[chunk] = raw_ids[chunk] = None
        # (key, rarity) as one int64 (pairs are distinct within a key): one sort, where
        # lexsort's two passes were 40% of this function.
        order = argsort(local.astype(np.int64) * n_pairs + rarity_rank[pair])
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
        owner_out[chunk_at[chunk] : chunk_at[chunk + 1]] = local + a
        ids_out[chunk_at[chunk] : chunk_at[chunk + 1]] = pair
        return pair[keep], np.bincount(local[keep], minlength=b - a)

    # Chunks on the threads (NumPy's sorts release the GIL), each writing its own slice.
    per_chunk = map_spans(prefix_of, [(chunk, chunk + 1) for chunk in range(len(spans))])
    prefixes = [prefix for prefix, _ in per_chunk]
    prefix_counts = [counts for _, counts in per_chunk]
    if not prefixes:
        empty = np.zeros(0, dtype=np.int32)
        return Features(owner=empty, ids=empty, prefix=empty, prefix_start=np.zeros(1, dtype=np.int64))
    return Features(
        owner=owner_out,
        ids=ids_out,
        prefix=np.concatenate(prefixes),
        prefix_start=np.concatenate([[0], np.cumsum(np.concatenate(prefix_counts))]),
    )


def token_ids(keys: list[str] | pa.Array) -> tuple[np.ndarray, np.ndarray, pa.Array]:
    """Every key's tokens as int32 ids (same word, same id), flattened: key ``i`` holds
    ``ids[offsets[i]:offsets[i + 1]]``; and the words, by id.

    >>> offsets, ids, words = token_ids(["we can help", "can we"])
    >>> offsets.tolist(), ids.tolist(), words.to_pylist()
    ([0, 3, 5], [0, 1, 2, 1, 0], ['we', 'can', 'help'])
    """
    spans = _chunks(len(keys))

    def tokens_of(a: int, b: int) -> tuple[np.ndarray, np.ndarray, pa.Array]:
        chunk_offsets, flat = _split_tokens(keys[a:b])
        coded = pc.dictionary_encode(flat)
        return chunk_offsets, np.asarray(coded.indices, dtype=np.int32), coded.dictionary

    # One pass over the text: each chunk's words coded in order of first appearance, then
    # numbered over all chunks the same way (splitting the text twice, once for the
    # vocabulary, cost 1.4-1.8 s a stage at a million replies).
    parts: list[Any] = map_spans(tokens_of, spans)
    vocabulary = pc.unique(pa.chunked_array([words for *_, words in parts], type=pa.large_string()))
    offsets, ids = [np.zeros(1, dtype=np.int64)], []
    for i, (chunk_offsets, local, words) in enumerate(parts):
        parts[i] = None  # each chunk's codes go as its ids come
        ids.append(np.asarray(pc.index_in(words, value_set=vocabulary), dtype=np.int32)[local])
        offsets.append(chunk_offsets[1:] + offsets[-1][-1])
    flat = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int32)
    return np.concatenate(offsets), flat, vocabulary


def _split_tokens(keys: list[str] | pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Offsets and flat tokens of keys (CJK characters split apart), via Arrow."""
    arr = (
        keys.cast(pa.large_string()) if isinstance(keys, pa.Array) else pa.array(keys, type=pa.large_string())
    )
    # Only a key past ASCII can hold a CJK character: the regex pass, dearer than the split,
    # is for those keys alone (most keys are ASCII).
    wide = past_ascii(arr)
    if pc.any(wide).as_py():
        spaced = pc.replace_substring_regex(arr.filter(wide), pattern=CJK_RE2, replacement=r" \1 ")
        arr = pc.replace_with_mask(arr, wide, spaced)
    arr = pc.utf8_trim_whitespace(arr)
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
    local_ids, local = unique(ids, return_inverse=True)
    span = max(len(local_ids), 1)
    combined = unique(owner * span + local)
    return combined // span + first_key, local_ids[combined % span]


def positions_in(distinct: np.ndarray, items: np.ndarray) -> np.ndarray:
    """Where each item is in ``distinct`` (values without repeats), -1 where it is not.

    A hash lookup (pandas' index engine): a binary search for millions of items in random order
    misses the cache at every step (20M items in 10M: ``np.searchsorted`` 22 s, this 2.7 s).

    >>> positions_in(np.array([3, 7, 9], dtype=np.uint64), np.array([9, 4, 3], dtype=np.uint64)).tolist()
    [2, -1, 0]
    """
    index = pd.Index(distinct)
    if len(items) < PARALLEL_ITEMS or WORKERS < 2:
        return np.asarray(index.get_indexer(items), dtype=np.int64)
    # Slices on both cores (the lookup runs outside the GIL); the hash table is built once,
    # before the threads read it.
    index.get_indexer(items[:1])
    found = np.empty(len(items), dtype=np.int64)

    def look_up(a: int, b: int) -> None:
        found[a:b] = index.get_indexer(items[a:b])

    in_slices(look_up, len(items))
    return found


def grouped_positions(start: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Positions, in arrays grouped by key (key ``k`` at ``start[k]:start[k + 1]``), of ``keys``' items.

    >>> grouped_positions(np.array([0, 2, 5, 6]), np.array([2, 0])).tolist()
    [5, 0, 1]
    """
    return ranges(start[keys], start[keys + 1])


def ranges(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The positions ``start[i]:end[i]`` of every ``i``, one after the other.

    >>> ranges(np.array([5, 0]), np.array([6, 2])).tolist()
    [5, 0, 1]
    """
    lengths = end - start
    before = np.cumsum(lengths) - lengths
    return np.repeat(start - before, lengths) + np.arange(int(lengths.sum()))
