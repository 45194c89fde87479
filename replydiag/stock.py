"""Stock text: the sentences and spans a team reuses, and how much of each reply they cover.

Real agents seldom paste a whole macro untouched: they assemble stock sentences, add a
personal line, reword a phrase. What marks a reply as templated is then not its similarity
to one template but how much of it is text the team sends again and again. Two kinds of
evidence make text *stock*:

- a sentence or clause of at least ``SENTENCE_WORDS`` words (slots masked) sent in at least
  ``SENTENCE_REPLIES`` replies, as it is or (from ``NEAR_WORDS`` words) with one word
  changed, added or dropped;
- a run of ``SPAN_WORDS`` words found in at least ``SPAN_REPLIES`` replies that holds
  together as a unit and is said to the end of its clause.

Common phrasing stays personal: a short span any writer uses ("thanks for reaching out") is
neither a clause of its own nor a long run, and one writer's sentence openings with new words
after them each time ("I called the depot this morning and the ...") never reach the end of
their clause. ``stock_share`` is the share of a reply's words inside stock text.

Everything runs on flat NumPy arrays of token ids, hashed (a few sorts and bincounts), so
the cost grows with the words of the distinct replies, not with their pairs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .features import token_ids
from .normalize import sentence_keys

SENTENCE_WORDS = 4
SENTENCE_REPLIES = 3
NEAR_WORDS = 6  # sentences this long also match with one word changed, added or dropped
SPAN_WORDS = 7
SPAN_REPLIES = 2
COHESION = 0.3  # a run's replies / its parts' replies at the weakest split point

_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constant: word runs hashed as a polynomial
_MAX_POSITION = 256  # positions past this share weights (sentences are rarely longer)
_POSITION_WEIGHTS = (
    np.random.default_rng(20261127)
    .integers(1, np.iinfo(np.int64).max, size=(2, _MAX_POSITION + 1), dtype=np.int64)
    .astype(np.uint64)
)
_SKETCH_BITS = 24


@dataclass(frozen=True)
class StockText:
    """Per distinct reply text: ``share`` of its words in stock text, and its ``words``."""

    share: np.ndarray
    words: np.ndarray


def stock_text(masked: pd.Series, counts: np.ndarray) -> StockText:
    """How much of each masked text is stock; ``counts`` are the replies that sent each text.

    >>> texts = pd.Series(["Sorry! Your refund was sent to your card today.",
    ...                    "Your refund was sent to your card today. The zip was broken, I'll fix it.",
    ...                    "Thanks for reaching out. Let me look at the broken zip for you."])
    >>> stock_text(texts, np.array([1, 1, 1])).share.round(2).tolist()
    [0.89, 0.5, 0.0]
    """
    owner, sentences = sentence_keys(masked.reset_index(drop=True))
    n_texts = len(masked)
    offsets, ids = token_ids(sentences.tolist())
    sentence_words = np.diff(offsets)
    token_owner = np.repeat(owner, sentence_words)
    tokens = ids.astype(np.uint64) + np.uint64(1)
    words = np.bincount(token_owner, minlength=n_texts)

    reuse = _sentence_reuse(tokens, offsets, owner, counts)
    stock_sentence = (reuse >= SENTENCE_REPLIES) & (sentence_words >= SENTENCE_WORDS)
    in_stock = np.repeat(stock_sentence, sentence_words)

    clause_end = np.zeros(len(tokens), dtype=bool)
    clause_end[offsets[1:] - 1] = True
    in_stock |= _to_clause_end(_span_cover(tokens, token_owner, counts), clause_end)

    stock_words = np.bincount(token_owner[in_stock], minlength=n_texts)
    share = np.divide(stock_words, words, out=np.zeros(n_texts), where=words > 0)
    return StockText(share=share, words=words)


def _sentence_reuse(
    tokens: np.ndarray, offsets: np.ndarray, owner: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """Replies holding each sentence, as it is or with one word changed, added or dropped.

    Each sentence is hashed whole and once per word left out (a position-weighted sum, so
    leaving a word out is two prefix sums): two sentences one word apart share a hash.
    """
    n = len(offsets) - 1
    length = np.diff(offsets)
    sentence = np.repeat(np.arange(n), length)
    position = np.minimum(np.arange(len(tokens)) - offsets[sentence], _MAX_POSITION)
    with np.errstate(over="ignore"):
        here = tokens * _POSITION_WEIGHTS[0][position]  # the word at its own position
        shifted = tokens * _POSITION_WEIGHTS[0][np.maximum(position - 1, 0)]  # one place earlier
        at = np.concatenate([[np.uint64(0)], np.cumsum(here, dtype=np.uint64)])
        back = np.concatenate([[np.uint64(0)], np.cumsum(shifted, dtype=np.uint64)])
        whole = at[offsets[1:]] - at[offsets[:-1]]
        # Word i left out: the words before it where they were, the words after it one earlier.
        index = np.arange(len(tokens))
        without = (at[index] - at[offsets[sentence]]) + (back[offsets[sentence + 1]] - back[index + 1])
    exact = _reuse(whole, owner, counts)
    # Only long sentences have near copies: one word of four changed is another sentence.
    # A word repeated in a row leaves the same sentence out twice: it is counted once.
    long = length >= NEAR_WORDS
    repeat = np.zeros(len(tokens), dtype=bool)
    repeat[1:] = (tokens[1:] == tokens[:-1]) & (sentence[1:] == sentence[:-1])
    dropped = long[sentence] & ~repeat
    as_is = np.flatnonzero(length >= NEAR_WORDS - 1)
    items = np.concatenate([whole[as_is], without[dropped]])
    item_sentence = np.concatenate([as_is, sentence[dropped]])
    weight = counts[owner[item_sentence]]
    near = _group_total(items, weight)
    best = np.zeros(n, dtype=np.int64)
    np.maximum.at(best, item_sentence, near)
    return np.maximum(exact, best)


def _span_cover(tokens: np.ndarray, owner: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Words inside a ``SPAN_WORDS``-word run that recurs, as a unit, in ``SPAN_REPLIES`` replies."""
    covered = np.zeros(len(tokens), dtype=bool)
    if len(tokens) < SPAN_WORDS:
        return covered
    starts, run = _run_hash(tokens, owner, SPAN_WORDS)
    whole = _reuse(run, owner[starts], counts)
    keep = whole >= SPAN_REPLIES
    starts, whole = starts[keep], whole[keep]
    # A unit, not a chance meeting of parts: at every split point one of the two parts
    # seldom occurs without the other. Parts are counted in a hashed table, one part size
    # at a time: a shared bucket only overcounts a part, which can only keep a span out.
    weight = counts[owner].astype(np.float64)
    left = np.zeros((SPAN_WORDS, len(starts)))
    right = np.zeros((SPAN_WORDS, len(starts)))
    for k in range(1, SPAN_WORDS):
        lookup = _part_counts(tokens, owner, weight, k)
        left[k] = lookup(starts)  # the first k words
        right[SPAN_WORDS - k] = lookup(starts + SPAN_WORDS - k)  # the last k words
    parts = np.max(np.minimum(left[1:], right[1:]), axis=0) if len(starts) else np.zeros(0)
    starts = starts[whole >= COHESION * parts]
    marks = np.zeros(len(tokens) + 1, dtype=np.int32)
    np.add.at(marks, starts, 1)
    np.add.at(marks, starts + SPAN_WORDS, -1)
    return np.cumsum(marks[:-1]) > 0


def _to_clause_end(covered: np.ndarray, clause_end: np.ndarray) -> np.ndarray:
    """Covered runs cut after the last clause end they reach. A run that stops mid-clause is
    a sentence opening followed by new words each time ("I called the depot and the ..."):
    a writer's habit, not stock text, which is said to its end.

    >>> _to_clause_end(np.array([1, 1, 1, 0, 1, 1], bool), np.array([0, 1, 0, 0, 0, 0], bool)).astype(int).tolist()
    [1, 1, 0, 0, 0, 0]
    """
    positions = np.arange(len(covered))
    run_start = covered & ~np.concatenate([[False], covered[:-1]])
    run = np.cumsum(run_start) - 1
    last_end = np.full(int(run_start.sum()), -1, dtype=np.int64)
    ends = covered & clause_end
    np.maximum.at(last_end, run[ends], positions[ends])
    keep = covered.copy()
    keep[covered] = positions[covered] <= last_end[run[covered]]
    return keep


def _run_hash(tokens: np.ndarray, owner: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Start positions of every ``n``-word run inside one text, and the run's hash."""
    if len(tokens) < n:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    starts = np.flatnonzero(owner[: len(tokens) - n + 1] == owner[n - 1 :])
    with np.errstate(over="ignore"):
        run = tokens[starts]
        for i in range(1, n):
            run = run * _MIX + tokens[starts + i]
    return starts, run


def _part_counts(
    tokens: np.ndarray, owner: np.ndarray, weight: np.ndarray, n: int
) -> Callable[[np.ndarray], np.ndarray]:
    """A lookup of (an upper bound of) the replies holding the ``n``-word run at a position."""
    starts, run = _run_hash(tokens, owner, n)
    size = min(1 << _SKETCH_BITS, max(1 << 10, 2 * len(run)))
    bucket = np.zeros(len(tokens), dtype=np.int64)
    bucket[starts] = (run % np.uint64(size)).astype(np.int64)
    table = np.bincount(bucket[starts], weights=weight[starts], minlength=size)
    return lambda positions: table[bucket[positions]]


def _group_total(items: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Total weight of the items sharing each item's hash."""
    if not len(items):
        return weight[:0]
    order = np.argsort(items)
    sorted_items = items[order]
    first = np.flatnonzero(np.concatenate([[True], sorted_items[1:] != sorted_items[:-1]]))
    totals = np.add.reduceat(weight[order], first)
    out = np.empty(len(items), dtype=weight.dtype)
    out[order] = np.repeat(totals, np.diff(np.append(first, len(items))))
    return out


def _reuse(items: np.ndarray, owner: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """For each item (a hashed sentence or word run, held by text ``owner``), the replies
    that hold it: the replies of every text holding it, each text counted once."""
    if not len(items):
        return np.zeros(0, dtype=np.int64)
    # Sorted by item with texts in order within each item (a stable sort of text-ordered
    # items), so an item a text holds twice shows as neighbours and carries its replies once.
    order = np.argsort(items, kind="stable")
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
