"""Edited-template search: the template most of whose words a reply contains, in order.

An edited template is a template reworded in part, or with a personal paragraph added: too
far from the template as a whole to join its cluster, yet it keeps runs of the template
verbatim. Candidate (reply, template) pairs come from sparse products of word-pair features
(keys x pairs x templates), a slice of keys at a time; only pairs sharing enough word pairs
are verified by an in-order word alignment (``verbatim_overlap``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Indel, LCSseq
from scipy import sparse

from .cluster import Clustering
from .features import Features, grouped_positions, tokens
from .sorting import unique

CANDIDATES_CHECKED = 3  # templates verified per reply when looking for edited templates
CONTAINMENT_SLICE = (
    10_000  # keys per sparse product (its hits can be keys x templates) when looking for edited templates
)
MIN_RUN = 3  # words: shorter shared runs ("thanks for", "your order") are common phrasing


def _prefix_matrix(
    feats: Features, owner: np.ndarray, column: np.ndarray, pair_ids: np.ndarray, size: np.ndarray
) -> sparse.csr_matrix:
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


def verbatim_overlap(template: list[str], reply: list[str], in_order: int | None = None) -> int:
    """Template words found in the reply, in order, within runs of at least ``MIN_RUN`` words;
    ``in_order`` is their LCS when the caller has it already.

    An edited template keeps chunks of the template verbatim; two personal replies built
    from the same common phrases share only short runs.

    >>> verbatim_overlap("to reset your password open the link".split(),
    ...                  "hi to reset your password just open the link we sent".split())
    7
    >>> verbatim_overlap("your blue jacket was left at the door".split(),
    ...                  "your wool desk was charged twice at the depot".split())
    0
    """
    if in_order is None:
        in_order = LCSseq.similarity(template, reply)
    if in_order < min(MIN_RUN, len(template)):
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


def _better(clustering: Clustering, template: int, coverage: float, share: float, best: Containment) -> bool:
    """Whether ``template`` fits a reply better than ``best``: the more of it the reply holds,
    except that of a template and a piece of it (half a macro, sent alone as one part of a
    split reply, is a template too), the one explaining more of the reply wins."""
    mine, theirs = (" ".join(clustering.tokens(k)) for k in (template, best.template))
    if mine in theirs or theirs in mine:
        return share > best.share
    return coverage > best.coverage


def _verify(
    clustering: Clustering,
    keys: np.ndarray,
    templates: np.ndarray,
    min_coverage: float,
    found: dict[int, Containment],
) -> None:
    """Align each (key, template) pair, in order, and keep each key's best template in ``found``.

    The words in order that a key shares with a template (their LCS) bound those in long
    runs, so one multi-threaded LCS pass over all pairs leaves the alignment, which needs
    Python, to the few that can reach ``min_coverage``."""
    if not len(keys):
        return
    reply_tokens = {int(k): tokens(clustering.keys[int(k)]) for k in np.unique(keys)}
    replies = [reply_tokens[int(k)] for k in keys]
    template_tokens = [clustering.tokens(int(t)) for t in templates]
    in_order = process.cpdist(template_tokens, replies, scorer=LCSseq.similarity, workers=-1)
    lengths = np.fromiter(map(len, template_tokens), dtype=np.int64, count=len(template_tokens))
    for p in np.flatnonzero(in_order / lengths >= min_coverage):
        i, t = int(keys[p]), int(templates[p])
        matched = verbatim_overlap(template_tokens[p], replies[p], int(in_order[p]))
        coverage = matched / len(template_tokens[p])
        share = matched / max(len(replies[p]), 1)
        best = found.get(i)
        if coverage >= min_coverage and (best is None or _better(clustering, t, coverage, share, best)):
            found[i] = Containment(t, coverage, share)


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
    usable = np.array(
        [t for t in templates if len(clustering.tokens(int(t))) >= min_template_tokens], dtype=np.int64
    )
    if not len(usable) or not len(candidates):
        return {}
    pairs_per_key = np.bincount(feats.owner, minlength=len(clustering.keys))  # ~ words per key, minus one
    key_start = np.concatenate([[0], np.cumsum(pairs_per_key)])  # features are grouped by key, in order
    t_owner = np.repeat(np.arange(len(usable)), pairs_per_key[usable])
    t_ids = feats.ids[grouped_positions(key_start, usable)]
    pair_ids, pair_col = unique(t_ids, return_inverse=True)
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
    # In slices of keys, so the matrices' memory stays bounded however large the export.
    for start in range(0, len(candidates), CONTAINMENT_SLICE):
        if progress is not None:
            progress(start, len(candidates))
        block = candidates[start : start + CONTAINMENT_SLICE]
        # The block's pairs that some template holds (most pairs of most replies are in none).
        rows = np.repeat(np.arange(len(block)), pairs_per_key[block])
        cols = pair_column[feats.ids[grouped_positions(key_start, block)]]
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
            pairs_per_key[candidates[hits.row + start]] + 1
            >= min_coverage * (pairs_per_key[usable[hits.col]] + 1)
        )
        rows, cols, shared = hits.row[plausible] + start, hits.col[plausible], shared_all[plausible]
        order = np.lexsort((usable[cols], -shared, rows))  # per key: most shared, then the more used
        rows, cols = rows[order], cols[order]
        # The first CANDIDATES_CHECKED templates of each key (rows are sorted by key).
        rank = np.arange(len(rows)) - np.searchsorted(rows, rows)
        rows, cols = rows[rank < CANDIDATES_CHECKED], cols[rank < CANDIDATES_CHECKED]
        _verify(clustering, candidates[rows], usable[cols], min_coverage, found)
    if progress is not None:
        progress(len(candidates), len(candidates))
    return found
