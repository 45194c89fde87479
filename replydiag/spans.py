"""Recurring word runs: the spans a team reuses, and the words they cover.

A run of ``SPAN_WORDS`` words found in at least ``SPAN_REPLIES`` replies is a reused span
when it holds together as a unit: at every split point one of its two parts seldom occurs
without the other (``COHESION``), so a chance meeting of two common phrases is not one. A
span counts when it is said to the end of its clause, or stops at most ``SLOT_WORDS`` words
before it (a slot: "what type of issues are you having with {macOS High Sierra}?"), or stops
where ``FINAL_REPLIES`` other replies end their clause with it (a stock sentence with words
added after it); a run that stops mid-clause is a writer's habit of sentence shape, not stock
text.

Words come as flat arrays (``tokens``: word ids + 1, ``owner``: the text of each word), as
``replydiag.stock`` holds them; runs are hashed as polynomials and counted with
``replydiag.hashcount``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from .features import joined
from .hashcount import MIX, Totals
from .memory import release_memory
from .threads import in_slices

SPAN_WORDS = 7
SPAN_REPLIES = 2
COHESION = 0.3  # a run's replies / its parts' replies at the weakest split point
SLOT_WORDS = 2  # a recurring run this close to its clause end is a stock sentence with a slot
FINAL_REPLIES = 3  # a run that ends its clause in this many replies is a stock sentence's end


@dataclass(frozen=True)
class Spans:
    """Recurring runs that hold together as a unit, at each place they occur."""

    start: np.ndarray  # position of the run's first word
    run: np.ndarray  # its hash
    total: np.ndarray  # replies holding it


def span_cover(
    tokens: np.ndarray, owner: np.ndarray, counts: np.ndarray, clause_end: np.ndarray
) -> tuple[np.ndarray, Spans, np.ndarray]:
    """Words inside a ``SPAN_WORDS``-word run that recurs, as a unit, in ``SPAN_REPLIES``
    replies; those runs (``Spans``); and where a run ends that other replies end their
    clause with (``FINAL_REPLIES`` of them): a stock sentence with words added after it
    ("please follow the steps in the next link | for issues downloading content"), which
    counts to there as if its clause ended there."""
    n = len(tokens)
    covered = np.zeros(n, dtype=bool)
    none = Spans(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64))
    if n < SPAN_WORDS:
        return covered, none, np.zeros(n, dtype=bool)
    # A text sent SPAN_REPLIES times is a recurring run end to end: only the others' runs
    # need checking (everyone's runs are counted).
    sent_often = counts >= SPAN_REPLIES
    long_enough = np.bincount(owner, minlength=len(counts)) >= SPAN_WORDS
    covered[(sent_often & long_enough)[owner]] = True
    start, run = _windows(tokens, owner, SPAN_WORDS)
    recurring = Totals.build(run, owner[start], counts).at_least(SPAN_REPLIES)
    # Every window looked up once: for the replies ending a clause with each recurring run,
    # and for the places of the runs to check.
    found = recurring.index(run)
    del run
    final = clause_end[start + SPAN_WORDS - 1] & (found >= 0)
    said_to_end = np.bincount(
        found[final], weights=counts[owner[start[final]]], minlength=len(recurring.distinct)
    )
    check = ~sent_often[owner[start]] & (found >= 0)
    starts, index = start[check], found[check]
    del start, found, final, check
    release_memory()  # the runs of every text go back before the parts' are made
    # A unit, not a chance meeting of parts: at every split point one of the two parts
    # seldom occurs without the other. Judged once per distinct run, at one of its places.
    example = np.full(len(recurring.distinct), -1, dtype=np.int64)
    example[index] = starts
    checked = np.flatnonzero(example >= 0)
    at = example[checked]
    left = np.zeros((SPAN_WORDS, len(at)))
    right = np.zeros((SPAN_WORDS, len(at)))
    # The hashes of a run's first k and last k words grow a word at a time: a run hashes as
    # sum(word_i * MIX^(k-1-i)) (mod 2^64), so a word added after multiplies what came before
    # by MIX, and a word added before comes in times MIX^(k-1).
    first_words = np.zeros(len(at), dtype=np.uint64)
    last_words = np.zeros(len(at), dtype=np.uint64)
    power = np.uint64(1)
    for k in range(1, SPAN_WORDS):
        part = _part_totals(tokens, owner, counts, k)
        with np.errstate(over="ignore"):
            first_words *= MIX
            first_words += tokens[at + k - 1]
            last_words += tokens[at + SPAN_WORDS - k] * power
            power *= MIX
        left[k] = part.lookup(first_words)  # the first k words
        right[SPAN_WORDS - k] = part.lookup(last_words)  # the last k words
        del part
    parts = np.max(np.minimum(left[1:], right[1:]), axis=0) if len(at) else np.zeros(0)
    unit = np.zeros(len(recurring.distinct), dtype=bool)
    unit[checked] = recurring.total[checked] >= COHESION * parts
    is_unit = unit[index]
    starts, index = starts[is_unit], index[is_unit]
    marks = np.zeros(n + 1, dtype=np.int32)
    np.add.at(marks, starts, 1)
    np.add.at(marks, starts + SPAN_WORDS, -1)
    spans = Spans(starts, recurring.distinct[index], recurring.total[index])
    ends = np.zeros(n, dtype=bool)
    ends[starts[said_to_end[index] >= FINAL_REPLIES] + SPAN_WORDS - 1] = True
    return covered | (np.cumsum(marks[:-1]) > 0), spans, ends


def _part_totals(tokens: np.ndarray, owner: np.ndarray, counts: np.ndarray, k: int) -> Totals | _WordTotals:
    """Replies holding each ``k``-word run (a text holding it twice counts twice, as
    ``Totals.build`` counts). Single words are counted by their ids, without a sort."""
    if k == 1:
        # Each word once per place, and a text sent more often adds its other replies (few
        # words: a bincount weighted at every place was four times slower).
        ids = tokens.view(np.int64)
        heavy = np.flatnonzero((counts > 1)[owner])
        extra = np.bincount(
            ids[heavy], weights=counts[owner[heavy]] - 1, minlength=int(ids.max(initial=0)) + 1
        )
        return _WordTotals(np.bincount(ids, minlength=len(extra)) + extra.astype(np.int64))
    inside, run = _runs(tokens, owner, k, compact=False)
    # A run across two texts is no run: its hash becomes 0, which no lookup asks for. (Left
    # in place rather than filtered out: a filtered copy of 36M hashes and their owners took
    # longer than sorting the few extra items.)
    run[~inside] = 0
    return Totals.build(run, owner[: len(run)], counts)


@dataclass(frozen=True)
class _WordTotals:
    """Replies holding each word, by word id (ids are dense: a count per id, no hashes)."""

    total: np.ndarray

    def lookup(self, items: np.ndarray) -> np.ndarray:
        return self.total[items.view(np.int64)]


def widest_spans(
    tokens: np.ndarray, owner: np.ndarray, vocabulary: pa.Array, spans: Spans, wanted: np.ndarray
) -> pd.DataFrame:
    """For each ``wanted`` text holding a recurring span (``span_cover``), the key of the
    most widely sent one; ties go to the run that sorts first, so texts holding the same
    runs name the same one."""
    text = owner[spans.start]
    keep = wanted[text]
    starts, run, total, text = spans.start[keep], spans.run[keep], spans.total[keep], text[keep]
    if not len(starts):
        return pd.DataFrame({"text": pd.Series([], dtype=np.int64), "key": pd.Series([], dtype=object)})
    order = np.lexsort((run, -total, text))
    best = order[np.r_[True, text[order][1:] != text[order][:-1]]]
    at = (starts[best][:, None] + np.arange(SPAN_WORDS)).ravel()
    spoken = vocabulary.take(pa.array(tokens[at].astype(np.int64) - 1)).to_pylist()
    keys = [joined(spoken[i : i + SPAN_WORDS]) for i in range(0, len(spoken), SPAN_WORDS)]
    return pd.DataFrame({"text": text[best].astype(np.int64), "key": keys})


def _windows(tokens: np.ndarray, owner: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Start positions of every ``k``-word run inside one text, and their hashes."""
    inside, run = _runs(tokens, owner, k)
    return np.flatnonzero(inside).astype(np.int32), run


def _runs(
    tokens: np.ndarray, owner: np.ndarray, k: int, compact: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Which positions start a ``k``-word run inside one text (a mask: an index of 36M
    positions was a copy and a conversion too many), and the hashes of those runs (with
    ``compact=False``, of the runs at every position, across texts too)."""
    end = max(len(tokens) - k + 1, 0)
    run = np.empty(end, dtype=np.uint64)

    # In slices on both cores: NumPy's arithmetic runs outside the GIL, one core at a time.
    def hash_slice(a: int, b: int) -> None:
        part = run[a:b]
        part[:] = tokens[a:b]
        with np.errstate(over="ignore"):
            for i in range(1, k):
                part *= MIX
                part += tokens[a + i : b + i]

    in_slices(hash_slice, end)
    inside = owner[:end] == owner[k - 1 : end + k - 1]
    return inside, run[inside] if compact else run


def through_slot(covered: np.ndarray, clause_end: np.ndarray) -> np.ndarray:
    """Runs that open their clause carried on to its end when at most ``SLOT_WORDS`` words
    short of it: the words in between fill a slot of the stock sentence (a product, a place),
    where different replies put different words, so no run of their own recurs. A run from
    mid-clause stays as it is: "... because the courier missed the turn on {street}" is a
    writer's common phrasing around the words they chose, not a sentence the team reuses.

    >>> through_slot(np.array([1, 1, 0, 0, 0, 1, 0, 0], bool), np.array([0, 0, 0, 1, 0, 0, 0, 1], bool)).astype(int).tolist()
    [1, 1, 1, 1, 0, 1, 0, 0]
    """
    ends = np.flatnonzero(clause_end)
    if not len(ends) or not covered.any():
        return covered
    starts = covered & ~np.concatenate([[False], covered[:-1]])
    run = np.cumsum(starts)
    opening = np.concatenate([[True], clause_end[:-1]])[np.flatnonzero(starts)]  # run opens its clause
    last = np.flatnonzero(covered & ~np.concatenate([covered[1:], [False]]))
    next_end = ends[np.minimum(np.searchsorted(ends, last), len(ends) - 1)]
    carry = opening[run[last] - 1] & (next_end > last) & (next_end - last <= SLOT_WORDS)
    marks = np.zeros(len(covered) + 1, dtype=np.int32)
    np.add.at(marks, last[carry] + 1, 1)
    np.add.at(marks, next_end[carry] + 1, -1)
    return covered | (np.cumsum(marks[:-1]) > 0)


def to_clause_end(covered: np.ndarray, clause_end: np.ndarray) -> np.ndarray:
    """Covered runs cut after the last clause end they reach. A run that stops mid-clause is
    a sentence opening followed by new words each time ("I called the depot and the ..."):
    a writer's habit, not stock text, which is said to its end.

    >>> to_clause_end(np.array([1, 1, 1, 0, 1, 1], bool), np.array([0, 1, 0, 0, 0, 0], bool)).astype(int).tolist()
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
