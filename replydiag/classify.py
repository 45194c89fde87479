"""Classification: a kind per distinct reply, from its cluster and the edited-template search.

A key in a cluster of at least ``min_support`` replies is a template, unless it holds a run of
``PERSONAL_RUN`` words its template lacks (a part written for this customer: edited); a key
that contains most of a template's words in order is an edited template, or a light edit of a
short template when it holds nearly all of it and little else; a key assembled from stock
text is edited too, whichever stock sentences it assembles (``from_stock``). A whole template sent within
``automatic_seconds`` of the customer's message, or a row the export flags as a bot's, is
automatic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from .cluster import Clustering
from .edited import find_contained_templates
from .models import Kind, Settings

LIGHT_EDIT_SHARE = 0.85
# A whole-template member with this many words in a row that its template lacks has a part
# written for this customer (a sentence, not a slot value or a swapped word): a long stock
# reply stays ratio-alike to its template with a personal line added, and a reader calls
# that edited, not a light edit.
PERSONAL_RUN = 8
# Words of the template met in runs shorter than this are chance ("the", "at") and do not
# break a personal run.
_MATCHED_RUN = 2
# A long stock sentence (``stock.LONG_SENTENCE_WORDS`` words) is a stock message, not a
# pleasantry: each one a reply holds lowers the share of stock words it needs to be assembled
# from stock by this much, down to ``ASSEMBLY_SHARE``. A stock paragraph with a line of the
# agent's own ("Just checking in, are you still seeing this? <stock closing message>") is
# edited at 40%; two stock paragraphs around a personal line, as emails are written, at 30%.
LONG_SENTENCE_CREDIT = 0.1
ASSEMBLY_SHARE = 0.3
# A key shorter than this cannot hold such a run and stay ratio-alike to its template
# (8 new words are some 40 characters; at ratio 85 the pair is then 260+ characters long).
_PERSONAL_RUN_CHARS = 150
KIND_CODES = {Kind.PERSONAL: 0, Kind.TEMPLATE: 1, Kind.EDITED: 2, Kind.AUTOMATIC: 3}
KIND_NAMES = np.array(
    [Kind.PERSONAL.value, Kind.TEMPLATE.value, Kind.EDITED.value, Kind.AUTOMATIC.value], dtype=object
)


@dataclass(frozen=True)
class KeyLabels:
    """Per distinct key: kind code, template (index of its representative key, -1 for none),
    similarity (0-100) to it, and the share of the reply the template covers."""

    kind: np.ndarray
    template: np.ndarray
    similarity: np.ndarray
    share: np.ndarray


def from_stock(stock: np.ndarray, long_sentences: np.ndarray, settings: Settings) -> np.ndarray:
    """Whether each reply is assembled from stock text: at least ``settings.stock_share`` of
    its words are stock (``stock``), less ``LONG_SENTENCE_CREDIT`` per long stock sentence it
    holds (``long_sentences``), never less than ``ASSEMBLY_SHARE``.

    >>> stock = np.array([0.6, 0.35, 0.42, 0.35, 0.2])
    >>> from_stock(stock, np.array([0, 2, 1, 1, 3]), Settings()).tolist()
    [True, True, True, False, False]
    """
    floor = min(ASSEMBLY_SHARE, settings.stock_share)
    # Rounded: 0.5 - 0.1 must be the 0.4 a share of 2 words in 5 is.
    needed = np.maximum(np.round(settings.stock_share - LONG_SENTENCE_CREDIT * long_sentences, 6), floor)
    return stock >= needed


def label_keys(
    clustering: Clustering,
    stock: np.ndarray,
    long_sentences: np.ndarray,
    settings: Settings,
    progress: Callable[[int, int], None] | None = None,
) -> KeyLabels:
    """Kind, template representative, similarity and template share per distinct key;
    ``stock`` is the share of each key's words in stock text, ``long_sentences`` its long
    stock sentences (``replydiag.stock``)."""
    n = len(clustering.keys)
    sizes = clustering.cluster_sizes()
    reps = sizes[sizes >= settings.min_support].index.to_numpy()
    reps = np.array([r for r in reps if clustering.keys[r]], dtype=np.int64)
    is_template_rep = np.zeros(n, dtype=bool)
    is_template_rep[reps] = True

    kind = np.zeros(n, dtype=np.int8)
    template = np.full(n, -1, dtype=np.int64)
    similarity = np.zeros(n)
    share = np.zeros(n)
    in_template = is_template_rep[clustering.cluster]
    kind[in_template] = KIND_CODES[Kind.TEMPLATE]
    template[in_template] = clustering.cluster[in_template]
    similarity[in_template] = clustering.similarity[in_template]
    share[in_template] = 1.0

    lengths = np.fromiter((len(k) for k in clustering.keys), dtype=np.int64, count=n)
    long_members = np.flatnonzero(in_template & (similarity < 100) & (lengths >= _PERSONAL_RUN_CHARS))
    with_part, covered = _personal_parts(clustering, long_members, template[long_members])
    kind[long_members[with_part]] = KIND_CODES[Kind.EDITED]
    share[long_members[with_part]] = covered[with_part]
    candidates = np.flatnonzero(~in_template & (lengths >= settings.min_fuzzy_chars))
    contained = find_contained_templates(
        clustering, candidates, reps, min_coverage=settings.edited_coverage, progress=progress
    )
    for i, hit in contained.items():
        # Nearly all of the template and nearly nothing else: a light edit of a short template
        # (one dropped word moves a short text below the threshold), not an edited one.
        # Its similarity is then the word-level one, which clears the threshold by construction.
        word_similarity = 100 * min(hit.coverage, hit.share)
        light = word_similarity >= max(settings.threshold, 100 * LIGHT_EDIT_SHARE)
        kind[i] = KIND_CODES[Kind.TEMPLATE if light else Kind.EDITED]
        template[i] = hit.template
        similarity[i] = (
            word_similarity if light else fuzz.ratio(clustering.keys[i], clustering.keys[hit.template])
        )
        share[i] = min(hit.share, 1.0)
    # Then stock coverage: a reply mostly made of text the team reuses is templated even when
    # that combination of stock sentences is new.
    assembled = (kind == KIND_CODES[Kind.PERSONAL]) & from_stock(stock, long_sentences, settings)
    kind[assembled] = KIND_CODES[Kind.EDITED]
    return KeyLabels(kind, template, similarity, share)


def _personal_parts(
    clustering: Clustering, members: np.ndarray, templates: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For each member key: whether it holds ``PERSONAL_RUN`` words in a row that its
    template lacks, and the share of its words the template covers (word alignment,
    ``Indel.opcodes`` over the two keys' words).

    >>> from replydiag.cluster import cluster_keys
    >>> stock = "if you have any other questions just reply to this email and we will be happy to help "
    >>> c, _ = cluster_keys(pd.Series([stock + "the parcel left the depot this morning"] * 3
    ...     + [stock + "the blue kettle you ordered on monday is still waiting at the north hub"]),
    ...     threshold=75, min_support=3, min_fuzzy_chars=10)
    >>> part, covered = _personal_parts(c, np.array([1]), np.array([0]))
    >>> part.tolist(), covered.round(2).tolist()
    ([True], [0.59])
    """
    with_part = np.zeros(len(members), dtype=bool)
    covered = np.ones(len(members))
    for j, (member, rep) in enumerate(zip(members.tolist(), templates.tolist())):
        words = clustering.tokens(member)
        matched = np.zeros(len(words), dtype=bool)
        for block in Indel.opcodes(words, clustering.tokens(rep)):
            if block.tag == "equal" and block.src_end - block.src_start >= _MATCHED_RUN:
                matched[block.src_start : block.src_end] = True
        # The longest run of unmatched words: the gaps between matched ones.
        edges = np.flatnonzero(np.diff(np.concatenate([[True], matched, [True]]).astype(np.int8)))
        gaps = edges[1::2] - edges[::2]
        if len(gaps) and gaps.max() >= PERSONAL_RUN:
            with_part[j] = True
            covered[j] = matched.mean()
    return with_part, covered


def seconds_since_customer(replies: pd.DataFrame, customer_times: pd.DataFrame) -> np.ndarray:
    """Seconds between each reply and the latest earlier customer message of its conversation."""
    left = pd.DataFrame(
        {
            "position": np.arange(len(replies)),
            "conversation_id": replies["conversation_id"].astype("string"),
            "created_at": replies["created_at"],
        }
    ).dropna(subset=["created_at"])
    right = (
        customer_times[["conversation_id", "created_at"]]
        .rename(columns={"created_at": "customer_at"})
        .dropna()
    )
    right["conversation_id"] = right["conversation_id"].astype("string")
    delay = np.full(len(replies), np.inf)
    if left.empty or right.empty:
        return delay
    merged = pd.merge_asof(
        left.sort_values("created_at"),
        right.sort_values("customer_at"),
        left_on="created_at",
        right_on="customer_at",
        by="conversation_id",
        direction="backward",
    )
    seconds = (merged["created_at"] - merged["customer_at"]).dt.total_seconds().to_numpy()
    ok = ~np.isnan(seconds)
    delay[merged["position"].to_numpy()[ok]] = seconds[ok]
    return delay


def automatic(
    replies: pd.DataFrame,
    customer_times: pd.DataFrame | None,
    kind: np.ndarray,
    similarity: np.ndarray,
    settings: Settings,
) -> np.ndarray:
    """Which replies are automatic: flagged as a bot's by the export, or a whole template
    (slots filled) sent within ``automatic_seconds`` of the customer's message."""
    flagged = replies["automatic_flag"].to_numpy(dtype=bool).copy()
    if customer_times is not None and len(customer_times) and settings.automatic_seconds > 0:
        delay = seconds_since_customer(replies, customer_times)
        # A whole template (its slots filled, whatever words they hold) this soon after the
        # customer: no person types that fast.
        whole = kind == KIND_CODES[Kind.TEMPLATE]
        flagged |= whole & (delay <= settings.automatic_seconds)
    return flagged
