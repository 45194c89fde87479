"""Stock text: the sentences and spans a team reuses, and how much of each reply they cover.

Real agents seldom paste a whole macro untouched: they assemble stock sentences, add a
personal line, reword a phrase. What marks a reply as templated is then not its similarity
to one template but how much of it is text the team sends again and again. This evidence
makes text *stock*:

- a sentence or clause of at least ``SENTENCE_WORDS`` words (slots masked) sent in at least
  ``SENTENCE_REPLIES`` replies (a sentence longer than ``SPAN_WORDS``: ``SPAN_REPLIES``), as
  it is or (from ``NEAR_WORDS`` words) with one word changed, added or dropped;
- a sentence of at least ``REWORDED_WORDS`` words retyped, with a word or two changed,
  dropped or swapped, in at least ``SENTENCE_REPLIES`` replies (rapidfuzz ratio at least
  ``REWORDED_RATIO`` to its group's representative): rewordings are one stock sentence;
- a sentence of at least ``NEAR_WORDS`` words sent with its words in another order ("your
  email address or username" / "your username or email address") as often;
- a run of ``SPAN_WORDS`` words found in at least ``SPAN_REPLIES`` replies that holds
  together as a unit and is said to the end of its clause, or stops just before it (a slot:
  "what type of issues are you having with {macOS High Sierra}?"): ``replydiag.spans``.

Words are compared in their canonical forms (``replydiag.wording``: "we d" / "we would",
"pls" / "please", plurals). Common phrasing stays personal: a short span any writer uses
("thanks for reaching out") is neither a clause of its own nor a long run, and one writer's
sentence openings with new words after them each time ("I called the depot this morning and
the ...") never reach the end of their clause. ``stock_share`` is the share of a reply's words inside stock text.

Everything runs on flat NumPy arrays of hashed token ids, counted by
``replydiag.hashcount``: exactly where a count decides (a sort of the candidates), through
hashed tables where it only filters, so the sorts see few items however large the export.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .cluster import cluster_codes
from .distinct import first_rows
from .features import CJK_RE2, joined_keys, token_ids
from .hashcount import MIX, CountMin, Totals, replies_holding
from .memory import release_memory
from .normalize import SENTENCE_MARK, arrow_array, key, marked_keys, written_sentences
from .spans import SPAN_REPLIES, SPAN_WORDS, span_cover, through_slot, to_clause_end, widest_spans
from .threads import map_spans
from .wording import canonical_ids, canonical_keys

SENTENCE_WORDS = 4
SENTENCE_REPLIES = 3
NEAR_WORDS = 6  # sentences this long also match with one word changed, added or dropped
REWORDED_WORDS = 6  # sentences this long also match copies retyped with a word or two changed
REWORDED_RATIO = 85.0  # ... as alike as this (rapidfuzz ratio, 0-100)
LONG_SENTENCE_WORDS = 8  # a stock sentence this long is a stock message, not a pleasantry

_MAX_POSITION = 255  # later positions in a sentence share a weight (sentences are shorter)
_POSITION_WEIGHTS = (
    np.random.default_rng(20261127)
    .integers(1, np.iinfo(np.int64).max, size=_MAX_POSITION + 1)
    .astype(np.uint64)
)


@dataclass(frozen=True)
class StockText:
    """Per distinct reply text: ``share`` of its words in stock text; ``sentences``: the stock
    sentences of each text (``text`` index, ``key``, ``written``)."""

    share: np.ndarray
    sentences: pd.DataFrame
    # Per text: how many of its sentences are stock and ``LONG_SENTENCE_WORDS`` long or more
    # (what a reply assembled from stock messages holds, however long its own part).
    long_sentences: np.ndarray
    # Per text with a recurring span and no stock sentence: its most widely sent span
    # (``text``, ``key``), what names the family of a reply templated by spans alone.
    spans: pd.DataFrame


@dataclass(frozen=True)
class _Words:
    """The words of every text, flattened, with the sentence each belongs to."""

    vocabulary: pa.Array  # the word of each id
    tokens: np.ndarray  # uint64 word ids (+1, so no word hashes to 0)
    owner: np.ndarray  # int32 text of each word
    sentence: np.ndarray  # int32 sentence of each word (sentences numbered in text order)
    sentence_start: np.ndarray  # first word of each sentence, and the end
    # How long each sentence is, for the length rules: its words, a CJK character counting as
    # half of one (each is a word here, and a Chinese word is about two characters, so "联系方式"
    # is the two words "contact details", not four).
    sentence_words: np.ndarray


def stock_text(
    masked: pd.Series, counts: np.ndarray, progress: Callable[[int, int], None] | None = None
) -> StockText:
    """How much of each masked text is stock; ``counts`` are the replies that sent each text.
    ``progress(done, total)`` follows it in texts (the rewording search is most of the time).

    >>> texts = pd.Series(["Sorry! Your refund was sent to your card today.",
    ...                    "Your refund was sent to your card today. The zip was broken, I'll fix it.",
    ...                    "Thanks for reaching out. Let me look at the broken zip for you."])
    >>> stock_text(texts, np.array([1, 1, 1])).share.round(2).tolist()
    [0.89, 0.5, 0.0]
    """
    masked = masked.reset_index(drop=True)
    n_texts = len(masked)

    def step(share: float) -> None:
        if progress is not None:
            progress(min(n_texts, round(share * n_texts)), n_texts)

    step(0)
    # Freed Arrow buffers go back between the steps: the regex passes' and then the keys'.
    marked = arrow_array(marked_keys(masked))
    release_memory()
    words = _words(marked)
    del marked
    release_memory()
    length = np.diff(words.sentence_start)
    sentence_owner = words.owner[words.sentence_start[:-1]] if len(length) else np.zeros(0, dtype=np.int32)

    reuse, whole = _sentence_reuse(words, sentence_owner, counts)
    # A long sentence sent twice as it is (three times one word apart) is pasted, as a long
    # run is.
    needed = np.where(words.sentence_words >= SPAN_WORDS + 1, SPAN_REPLIES, SENTENCE_REPLIES)
    stock_sentence = (reuse >= needed) & (words.sentence_words >= SENTENCE_WORDS)
    # Each step's freed temporaries go back before the next, whose blocks are sized otherwise
    # (kept in the heap, ``memory.reusing_freed_memory``, they were 1.2 GB at a million replies).
    release_memory()
    step(0.2)
    reworded, canonical = _reworded_reuse(
        words,
        sentence_owner,
        counts,
        stock_sentence,
        whole,
        # No sentence to search is a total of 0 (its texts all turned out to be customers').
        lambda done, total: step(0.2 + 0.6 * done / max(total, 1)),
    )
    stock_sentence |= reworded >= SENTENCE_REPLIES
    reordered = _reordered(words, sentence_owner, counts, canonical)
    stock_sentence |= reordered >= needed
    release_memory()
    in_stock = np.repeat(stock_sentence, length)
    clause_end = np.zeros(len(words.tokens), dtype=bool)
    clause_end[words.sentence_start[1:] - 1] = True
    covered, spans, stock_ends = span_cover(words.tokens, words.owner, counts, clause_end)
    in_stock |= to_clause_end(through_slot(covered, clause_end), clause_end | stock_ends)
    del covered
    release_memory()

    per_text = np.bincount(words.owner, minlength=n_texts)
    stock_words = np.bincount(words.owner[in_stock], minlength=n_texts)
    share = np.divide(stock_words, per_text, out=np.zeros(n_texts), where=per_text > 0)
    step(1)
    has_sentence = np.bincount(sentence_owner[stock_sentence], minlength=n_texts) > 0
    long_stock = stock_sentence & (words.sentence_words >= LONG_SENTENCE_WORDS)
    return StockText(
        share=share,
        sentences=_stock_sentences(masked, words, stock_sentence, whole, canonical),
        long_sentences=np.bincount(sentence_owner[long_stock], minlength=n_texts),
        spans=widest_spans(words.tokens, words.owner, words.vocabulary, spans, ~has_sentence),
    )


def _words(keys: pa.Array) -> _Words:
    """Tokens of the marked keys, marks dropped, each word tagged with its sentence.
    (Arrays are int32 where they can be: at a million replies there are 36M words.)"""
    with_mark = pa.concat_arrays([keys, pa.array([SENTENCE_MARK], type=pa.large_string())])
    offsets, ids, vocabulary = token_ids(with_mark)  # the last key names the mark's id
    mark, ids = ids[-1], ids[:-1]
    # Words are matched in their canonical form ("we d" / "we would"); the mark keeps its own.
    forms, vocabulary = canonical_ids(vocabulary)
    ids = forms.astype(np.int32)[ids]
    mark = forms[mark]
    offsets = offsets[:-1]
    owner = np.repeat(np.arange(len(keys), dtype=np.int32), np.diff(offsets))
    is_mark = ids == mark
    starts_text = np.zeros(len(ids), dtype=bool)
    starts_text[offsets[:-1][np.diff(offsets) > 0]] = True
    # A new sentence starts at a text's first word and after each mark; marks then go.
    starts_text[1:] |= is_mark[:-1]
    keep = ~is_mark
    del is_mark
    # A word left after the marks go opens a sentence exactly when it opened one before:
    # whatever opens at a mark (a text's first word, a mark after a mark) opens again at the
    # next word, which follows a mark or starts a text.
    new = starts_text[keep]
    del starts_text
    if len(new):
        new[0] = True
    sentence = np.cumsum(new, dtype=np.int32) - 1
    ids = ids[keep]
    sentence_start = np.append(np.flatnonzero(new), len(new))
    half = np.asarray(pc.match_substring_regex(vocabulary, f"^{CJK_RE2}$"), dtype=bool)
    if half.any() and len(ids):
        weight = np.where(half[ids], np.float32(0.5), np.float32(1))
        sentence_words = np.add.reduceat(weight, sentence_start[:-1])
    else:
        sentence_words = np.diff(sentence_start)
    tokens = ids.astype(np.uint64)
    tokens += np.uint64(1)
    return _Words(
        vocabulary=vocabulary,
        tokens=tokens,
        owner=owner[keep],
        sentence=sentence,
        sentence_start=sentence_start,
        sentence_words=sentence_words,
    )


def _sentence_reuse(words: _Words, owner: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Replies holding each sentence, as it is or with one word changed, added or dropped;
    and each sentence's hash.

    A sentence is hashed whole and once per word left out (a position-weighted sum, so
    leaving a word out is two prefix sums): two sentences one word apart share a hash. The
    sentences are taken a slice at a time, twice: once to fill hashed tables, once to keep
    the hashes those tables say could recur, which alone are counted exactly.
    """
    start = words.sentence_start
    length = np.diff(start)
    slices = _sentence_slices(start)
    whole = np.concatenate([_sentence_hashes(words, a, b)[0] for a, b in slices] or [np.zeros(0, np.uint64)])
    exact = replies_holding(whole, owner, counts)
    # Only long sentences have near copies: one word of four changed is another sentence.
    # Near items: a sentence whole and once per word left out, at most.
    tables = CountMin(int(words.sentence_start[-1]) + len(length))
    for a, b in slices:
        items, item_sentence = _near_items(words, a, b, whole)
        tables.add(items, counts[owner[item_sentence]])
    # Read-only now, so the slices go on both cores (filling the tables stays on one: each
    # slice's counts are two tables of 16M buckets).
    kept = map_spans(partial(_could_recur, words, whole, tables), slices)
    del tables
    items = np.concatenate([k[0] for k in kept]) if kept else np.zeros(0, np.uint64)
    item_sentence = np.concatenate([k[1] for k in kept]) if kept else np.zeros(0, np.int64)
    del kept
    # Counted where the tables' bound let it through, kept where it reaches the bound asked
    # of all: how many hashes share a bucket by chance must not change what is stock. (Near
    # copies in two replies of a long sentence are not asked for: at a million replies the
    # buckets hold two hashes on average, so a bound of two lets most of 38M items through,
    # +0.4 GB at the audit's peak, for 2 of 751 labelled real replies.) The few hashes that
    # recur are looked up, not all (14M items at a million replies: 0.6 s, against 4.7 s
    # for a lookup table of every distinct hash).
    near = Totals.build(items, owner[item_sentence], counts).at_least(SENTENCE_REPLIES).lookup(items)
    best = np.zeros(len(length), dtype=np.int64)
    np.maximum.at(best, item_sentence, near)
    return np.maximum(exact, best), whole


_SLICE_WORDS = 4_000_000


def _reworded_reuse(
    words: _Words,
    owner: np.ndarray,
    counts: np.ndarray,
    stock: np.ndarray,
    whole: np.ndarray,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Replies holding each sentence reworded: a copy ``REWORDED_RATIO`` alike (rapidfuzz
    ratio of the matching keys), as agents retype a stock sentence with a word or two
    changed, dropped or swapped ("which iOS version is showing in Settings" / "which iOS
    version is currently showing in Settings?"); and each sentence's *canonical* sentence,
    the one its rewordings are matched with (itself when it has none), so that rewordings
    are one phrase and one template family.

    Sentences of ``REWORDED_WORDS`` words or more are compared (shorter ones are common
    phrasing one word away from each other), one lookup per distinct sentence, with the
    reply clustering's search (rarest word pairs, one representative per group, no chaining).
    """
    length = np.diff(words.sentence_start)
    reuse = np.zeros(len(length), dtype=np.int64)
    canonical = np.arange(len(length))
    long_enough = words.sentence_words >= REWORDED_WORDS
    if not (long_enough & ~stock).any():
        return reuse, canonical  # nothing a rewording could make stock
    chosen = np.flatnonzero(long_enough)
    # One lookup per distinct sentence, standing for all the replies that hold it.
    _, first, inverse = np.unique(whole[chosen], return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    distinct = chosen[first]
    keys = _sentence_keys(words, distinct, compared=True)
    release_memory()  # the keys' Arrow temporaries: 0.7 GB at a million replies
    clustering, row_key = cluster_codes(
        np.arange(len(distinct)),
        keys,
        threshold=REWORDED_RATIO,
        min_support=SENTENCE_REPLIES,
        min_fuzzy_chars=0,
        weights=np.bincount(inverse, weights=counts[owner[chosen]], minlength=len(distinct)),
        progress=progress,
        words=(words.tokens, words.sentence_start[distinct], words.sentence_start[distinct + 1]),
    )
    # A sentence shares in its group's replies: its representative's and every rewording's.
    # Sentences of texts no reply sent (read as replies, then found to be customers' by the
    # team's reach) are in no group (``row_key`` -1): no reuse, their own canonical.
    size = np.bincount(clustering.cluster, weights=clustering.counts, minlength=len(clustering.keys))
    sent = row_key >= 0
    key_group = np.full(len(distinct), -1, dtype=np.int64)
    key_group[sent] = clustering.cluster[row_key[sent]]
    group = key_group[inverse]
    grouped = group >= 0
    reuse[chosen[grouped]] = size[group[grouped]].astype(np.int64)
    sentence_of_key = np.empty(len(clustering.keys), dtype=np.int64)
    sentence_of_key[row_key[sent]] = distinct[sent]
    canonical[chosen[grouped]] = sentence_of_key[group[grouped]]
    return reuse, canonical


def _reordered(words: _Words, owner: np.ndarray, counts: np.ndarray, canonical: np.ndarray) -> np.ndarray:
    """Replies holding each sentence of ``NEAR_WORDS`` words or more with its words in any
    order ("your email address or username" / "your username or email address"): a stock
    sentence with its parts swapped is the same sentence. Such sentences take the canonical
    sentence of the first of them, in place (one phrase, one template family)."""
    length = np.diff(words.sentence_start)
    reuse = np.zeros(len(length), dtype=np.int64)
    long_enough = np.flatnonzero(words.sentence_words >= NEAR_WORDS)
    if not len(long_enough):
        return reuse
    # An order-free hash: the sum of the words' mixed hashes (a plain sum of ids collides).
    with np.errstate(over="ignore"):
        mixed = words.tokens * MIX
        mixed ^= mixed >> np.uint64(29)
        mixed *= MIX
        bag = np.add.reduceat(mixed, words.sentence_start[:-1])[long_enough]
    del mixed
    reuse[long_enough] = replies_holding(bag, owner[long_enough], counts)
    group, _ = pd.factorize(bag)
    first = long_enough[first_rows(group, group.max() + 1)]
    canonical[long_enough] = canonical[first[group]]
    # A rewording of a reordered sentence follows it to its new canonical sentence (a few
    # pointer jumps settle every chain).
    for _ in range(8):
        onward = canonical[canonical]
        if np.array_equal(onward, canonical):
            break
        canonical[:] = onward
    return reuse


def _sentence_keys(words: _Words, sentences: np.ndarray, compared: bool = False) -> list[str]:
    """The matching key of each sentence (its words joined by spaces), built in Arrow;
    ``compared``: as strings are compared, with CJK characters side by side
    (``features.joined_keys``)."""
    start = words.sentence_start[sentences]
    length = words.sentence_start[sentences + 1] - start
    offsets = np.concatenate([[0], np.cumsum(length)])
    positions = np.repeat(start - offsets[:-1], length) + np.arange(offsets[-1])
    flat = words.vocabulary.take(pa.array(words.tokens[positions].astype(np.int64) - 1))
    lists = pa.LargeListArray.from_arrays(pa.array(offsets, type=pa.int64()), flat)
    keys = pc.binary_join(lists, pa.scalar(" ", type=pa.large_string()))
    return (joined_keys(keys) if compared else keys).to_pylist()


def _sentence_slices(start: np.ndarray) -> list[tuple[int, int]]:
    """Runs of whole sentences (first, end) of about ``_SLICE_WORDS`` words each."""
    if len(start) < 2:
        return []
    bounds = np.searchsorted(start, np.arange(0, start[-1] + _SLICE_WORDS, _SLICE_WORDS))
    cuts = sorted({int(min(b, len(start) - 1)) for b in bounds} | {0, len(start) - 1})
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def _sentence_hashes(words: _Words, a: int, b: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For sentences ``a:b``: whole hashes, and the prefix sums that leave one word out."""
    lo, hi = words.sentence_start[a], words.sentence_start[b]
    tokens = words.tokens[lo:hi]
    start = words.sentence_start[a : b + 1] - lo
    position = np.minimum(np.arange(hi - lo) - np.repeat(start[:-1], np.diff(start)), _MAX_POSITION)
    with np.errstate(over="ignore"):
        at = np.concatenate([[np.uint64(0)], np.cumsum(tokens * _POSITION_WEIGHTS[position])])
        back = np.concatenate(
            [[np.uint64(0)], np.cumsum(tokens * _POSITION_WEIGHTS[np.maximum(position - 1, 0)])]
        )
        whole = at[start[1:]] - at[start[:-1]]
    return whole, at, back, start


def _near_items(words: _Words, a: int, b: int, whole: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of sentences ``a:b`` as they are (from ``NEAR_WORDS - 1`` words) and with one word
    left out (from ``NEAR_WORDS`` words), with the sentence of each."""
    _, at, back, start = _sentence_hashes(words, a, b)
    lo = words.sentence_start[a]
    tokens = words.tokens[lo : words.sentence_start[b]]
    sentence = words.sentence[lo : words.sentence_start[b]] - a
    # A word repeated in a row leaves the same sentence out twice: it is counted once.
    size = words.sentence_words[a:b]
    dropped = (size >= NEAR_WORDS)[sentence]
    dropped[1:] &= ~((tokens[1:] == tokens[:-1]) & (sentence[1:] == sentence[:-1]))
    index = np.flatnonzero(dropped)
    of = sentence[index]
    with np.errstate(over="ignore"):
        # Word i left out: the words before it where they were, the words after it one earlier.
        without = (at[index] - at[start[of]]) + (back[start[of + 1]] - back[index + 1])
    as_is = np.flatnonzero(size >= NEAR_WORDS - 1)
    return (
        np.concatenate([whole[a:b][as_is], without]),
        np.concatenate([as_is, of]).astype(np.int64) + a,
    )


def _could_recur(
    words: _Words, whole: np.ndarray, tables: CountMin, a: int, b: int
) -> tuple[np.ndarray, np.ndarray]:
    """The near items of sentences ``a:b`` (``_near_items``) whose tables' totals reach
    ``SENTENCE_REPLIES``, with the sentence of each."""
    items, item_sentence = _near_items(words, a, b, whole)
    maybe = tables.at_least(items, SENTENCE_REPLIES)
    return items[maybe], item_sentence[maybe]


def _stock_sentences(
    masked: pd.Series, words: _Words, stock: np.ndarray, whole: np.ndarray, canonical: np.ndarray
) -> pd.DataFrame:
    """The stock sentences of every text, with their key and how one of them is written;
    a reworded sentence carries its canonical sentence's key and writing."""
    index = np.flatnonzero(stock)
    if not len(index):
        return pd.DataFrame({"text": pd.Series([], dtype=np.int64), "key": [], "written": []})
    owner = words.owner[words.sentence_start[index]]
    # One example per distinct stock sentence (its canonical one): its words give the key,
    # its text the writing.
    group = whole[canonical[index]]
    example = pd.Series(canonical[index]).groupby(group).first()
    keys = _sentence_keys(words, example.to_numpy())
    texts = words.owner[words.sentence_start[example.to_numpy()]]
    example_texts = masked.take(texts).astype(str).tolist()  # one gather, not an .iloc per text
    pieces = [(i, w) for i, text in enumerate(example_texts) for w in written_sentences(text)]
    piece_keys = canonical_keys(key(pd.Series([w for _, w in pieces], dtype="string")).tolist())
    written = dict(keys_and_text for keys_and_text in zip(keys, keys))
    # Matched spaces aside: a Chinese sentence's key spaces its characters (each is a word),
    # the key of its writing does not.
    bare = [k.replace(" ", "") for k in keys]
    for (i, w), k in zip(reversed(pieces), reversed(piece_keys)):
        if k.replace(" ", "") == bare[i]:
            written[keys[i]] = w  # reversed, so the first match in the text is kept
    key_of = pd.Series(keys, index=example.index)
    chosen = key_of.reindex(group).to_numpy()
    return pd.DataFrame({"text": owner, "key": chosen, "written": [written[k] for k in chosen]})
