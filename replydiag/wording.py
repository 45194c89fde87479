"""Word forms for matching: the spellings of one word that say the same thing.

Agents retype stock sentences with a contraction undone ("we'd" / "we would"), a chat
spelling ("pls"), or a plural ("what kind of issue" / "issues"). Matching keys are lower case
with punctuation turned into spaces, so a contraction reaches the matcher as two words
("we d"); every word maps to one canonical word (``data/wording.toml`` and a plural rule), so
the pieces line up with the words written out. The map is one word to one word: it never
changes how many words a text has, so positions, shares and spans stay those of the text.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .packaged import data_toml

_MIN_PLURAL = 4  # "has", "was", "its": short words ending in s are not plurals


@cache
def _same() -> dict[str, str]:
    return dict(data_toml("wording.toml")["same"])


@cache
def _same_arrays() -> tuple[pa.Array, pa.Array]:
    """The listed words and their canonical forms, as Arrow arrays (built once, not per lookup)."""
    same = _same()
    return pa.array(list(same), type=pa.large_string()), pa.array(list(same.values()), type=pa.large_string())


def canonical_ids(vocabulary: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """For words by id: the id of each word's canonical form, and the words by those ids
    (the vocabulary, with canonical forms it did not hold appended). Vectorised in Arrow: the
    vocabulary of a million replies holds millions of words.

    >>> ids, words = canonical_ids(pa.array(["we", "d", "would", "issues", "replies"]))
    >>> ids.tolist(), words.to_pylist()
    ([0, 2, 2, 5, 6], ['we', 'd', 'would', 'issues', 'replies', 'issue', 'reply'])
    """
    words = vocabulary.cast(pa.large_string())
    length = pc.utf8_length(words)
    plural_y = pc.and_(pc.greater_equal(length, _MIN_PLURAL + 1), pc.ends_with(words, "ies"))
    plural_s = pc.and_(
        pc.and_(pc.greater_equal(length, _MIN_PLURAL), pc.ends_with(words, "s")),
        pc.invert(
            pc.or_(pc.or_(pc.ends_with(words, "ss"), pc.ends_with(words, "us")), pc.ends_with(words, "is"))
        ),
    )
    singular = pc.if_else(
        plural_y,
        pc.replace_substring_regex(words, pattern="ies$", replacement="y"),
        pc.if_else(plural_s, pc.utf8_slice_codeunits(words, 0, -1), words),
    )
    # A listed word maps as written ("hrs"), else as its singular ("problems" as "problem"):
    # the listed forms are canonical themselves, so every spelling meets on one form.
    forms = _listed(words, _listed(singular, singular))
    ids = pc.index_in(forms, value_set=words)
    new = pc.unique(pc.filter(forms, pc.is_null(ids)))
    extended = pa.concat_arrays([words, new.cast(pa.large_string())])
    return np.asarray(pc.index_in(forms, value_set=extended), dtype=np.int64), extended


def _listed(words: pa.Array, otherwise: pa.Array) -> pa.Array:
    """Each word's listed canonical form, or ``otherwise``'s word where it has none."""
    listed_words, listed_forms = _same_arrays()
    listed = pc.index_in(words, value_set=listed_words)
    return pc.if_else(pc.is_valid(listed), pc.take(listed_forms, listed), otherwise)


def canonical_keys(keys: list[str]) -> list[str]:
    """Matching keys with every word in its canonical form.

    >>> canonical_keys(["we d love to help pls", "what issues"])
    ['we would love to help please', 'what issue']
    """
    lists = pc.utf8_split_whitespace(pa.array(keys, type=pa.large_string()))
    flat = lists.flatten()
    vocabulary = pc.unique(flat)
    ids, words = canonical_ids(vocabulary)
    forms = words.take(pa.array(ids[np.asarray(pc.index_in(flat, value_set=vocabulary), dtype=np.int64)]))
    joined = pa.LargeListArray.from_arrays(lists.offsets, forms)
    return pc.binary_join(joined, pa.scalar(" ", type=pa.large_string())).to_pylist()
