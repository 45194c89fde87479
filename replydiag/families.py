"""Template families: the replies that are one stock response, however each was edited.

Clustering keeps templates apart that differ in a word or two, and joins a key to one
representative only, so one macro retyped, greeted and signed differently ends up as
several clusters. A reader sees one stock response there. Two kinds of evidence make a
family:

- **chained clusters**: a reply the search found ``threshold`` alike to two representatives
  links them (``Clustering.links``), and linked clusters are one family (single linkage
  through the replies in between, as a reader follows near copies from one to the next).
  Templates alike on their own (each sent ``min_support`` times or more) are one family
  only when at least ``SLOT_VARIANTS`` of them are alike: a macro whose variable words
  (a courier, a weekday) take many values, as log-template miners treat positional
  variety. Two or three macros that differ in key words ("refund processed" /
  "replacement shipped") stay apart;
- **a shared stock sentence**, for replies templated by their stock text alone (no
  cluster): they are named by their most widely sent stock sentence of ``FAMILY_WORDS``
  words or more; a reply with no stock sentence, templated by recurring spans alone, by
  its most widely sent span.

A family is named by the template id of its most used key (or sentence), so the name is
stable across runs of the same export.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .cluster import Clustering
from .slots import template_id

SLOT_VARIANTS = 4  # this many templates alike on their own are variants of one macro
FAMILY_WORDS = (
    6  # a stock sentence names a family only from this length: shorter ones are shared by many macros
)


def chained_heads(clustering: Clustering) -> np.ndarray:
    """Per key: the most used key of its family (clusters joined by the links between them).

    >>> from replydiag.cluster import cluster_keys
    >>> a, b = "your refund was sent to the card today", "your refund was sent to your bank today"
    >>> c, _ = cluster_keys(pd.Series([a] * 5 + [b] * 5 + ["your refund was sent to the bank today"]),
    ...     threshold=85, min_support=3, min_fuzzy_chars=5, chain=True)
    >>> [c.keys[h] for h in c.cluster], [c.keys[h] for h in chained_heads(c)]  # one reply between them
    (['your refund was sent to the card today', 'your refund was sent to your bank today', 'your refund was sent to the card today'], ['your refund was sent to the card today', 'your refund was sent to the card today', 'your refund was sent to the card today'])
    """
    n = len(clustering.keys)
    if not n:
        return np.zeros(0, dtype=np.int64)
    twins = clustering.template_links
    if len(twins):
        # Templates alike on their own count when enough of them are alike.
        _, group = connected_components(_graph(twins[:, 0], twins[:, 1], n), directed=False)
        size = np.bincount(group[np.unique(twins)], minlength=group.max() + 1)
        twins = twins[size[group[twins[:, 0]]] >= SLOT_VARIANTS]
    rows = np.concatenate([np.arange(n), clustering.links[:, 0], twins[:, 0]])
    cols = np.concatenate([clustering.cluster, clustering.links[:, 1], twins[:, 1]])
    _, component = connected_components(_graph(rows, cols, n), directed=False)
    # Keys are ordered most used first, so each component's smallest index is its head.
    head = np.full(component.max() + 1, n, dtype=np.int64)
    np.minimum.at(head, component, np.arange(n))
    return head[component]


def _graph(rows: np.ndarray, cols: np.ndarray, n: int) -> coo_matrix:
    return coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n))


def stock_families(sentences: pd.DataFrame, spans: pd.DataFrame, n_texts: int) -> np.ndarray:
    """Per text: the template id of its family, named by its most widely sent stock sentence
    (ties: the longer), else by its most widely sent stock span (``StockText.spans``), or
    None for texts with neither."""
    family = np.full(n_texts, None, dtype=object)
    names = {k: template_id(k) for k in spans["key"].unique()}
    family[spans["text"].to_numpy(dtype=np.int64)] = [names[k] for k in spans["key"]]
    if sentences.empty:
        return family
    spread = sentences.drop_duplicates(["text", "key"])
    spread = spread[spread["key"].str.count(" ") + 1 >= FAMILY_WORDS]
    spread = spread.assign(
        texts=spread.groupby("key")["text"].transform("size"), words=spread["key"].str.count(" ")
    )
    best = spread.sort_values(["text", "texts", "words", "key"], ascending=[True, False, False, True])
    best = best.drop_duplicates("text")
    names = {k: template_id(k) for k in best["key"].unique()}
    family[best["text"].to_numpy()] = [names[k] for k in best["key"]]
    return family
