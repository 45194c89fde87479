"""Replies sent in several parts ("(1/2)", "2/2", "..." where a tweet is cut) read as one.

Twitter care and chat split a long reply over messages. Each part is a row of the export (its
id stays joinable), but whether the reply is templated is a question about the whole: a
stock paragraph cut in two leaves each half too short to be recognised. ``part_groups``
finds the parts that belong together; ``joined_stock`` gives each part the stock coverage of
its whole reply.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MAX_GAP = pd.Timedelta(minutes=30)  # parts of one reply are sent together


def part_groups(
    part: pd.Series, conversation: pd.Series, author: pd.Series, created_at: pd.Series
) -> np.ndarray:
    """A group number per row for the parts of one reply (-1 for whole replies).

    Parts join when they follow each other in one conversation by one author, within
    ``MAX_GAP``: ``k/n`` after ``k-1/n``, or a part that goes on (``<``) after one that was cut
    (``>``).

    >>> part_groups(pd.Series(["1/2", "2/2", None, ">", "<"]), pd.Series(["c", "c", "c", "d", "d"]),
    ...             pd.Series(["A"] * 5), pd.Series(pd.to_datetime(["2017-01-01"] * 5))).tolist()
    [0, 0, -1, 1, 1]
    """
    group = np.full(len(part), -1, dtype=np.int64)
    marked = np.flatnonzero(part.notna().to_numpy())
    if len(marked) < 2:
        return group
    rows = pd.DataFrame(
        {
            "position": marked,
            "part": part.to_numpy()[marked],
            "conversation": conversation.astype("string").to_numpy()[marked],
            "author": author.astype("string").to_numpy()[marked],
            "created_at": pd.to_datetime(created_at.to_numpy()[marked], utc=True),
        }
    )
    # Parts sent in the same second come in any order: their counters order them.
    rows["k"] = pd.to_numeric(rows["part"].str.extract(r"^(\d)/")[0], errors="coerce")
    rows = rows.sort_values(["conversation", "author", "created_at", "k", "position"], na_position="last")
    rows = rows.drop(columns="k")
    next_group = 0
    ordered = list(rows.itertuples(index=False))
    for previous, row in zip(ordered, ordered[1:]):
        if _follows(previous, row):
            if group[previous.position] < 0:
                group[previous.position] = next_group
                next_group += 1
            group[row.position] = group[previous.position]
    return group


def _follows(before, after) -> bool:
    if (before.conversation, before.author) != (after.conversation, after.author):
        return False
    dated = pd.notna(before.created_at) and pd.notna(after.created_at)
    if dated and after.created_at - before.created_at > MAX_GAP:
        return False
    if "/" in before.part and "/" in after.part:
        (k1, n1), (k2, n2) = before.part.split("/"), after.part.split("/")
        return n1 == n2 and int(k2) == int(k1) + 1
    if "/" in after.part:  # a counter after a cut: "...(2/2)"
        return before.part.endswith(">") and not after.part.startswith("1/")
    return before.part.endswith(">") or ("/" in before.part and after.part.startswith("<"))


def joined_stock(group: np.ndarray, words: np.ndarray, stock_words: np.ndarray) -> np.ndarray:
    """Per row: the stock share of its whole reply (its own share for whole replies)."""
    share = np.divide(stock_words, words, out=np.zeros(len(words)), where=words > 0)
    parts = group >= 0
    if not parts.any():
        return share
    total = np.bincount(group[parts], weights=words[parts])
    stock = np.bincount(group[parts], weights=stock_words[parts])
    whole = np.divide(stock, total, out=np.zeros(len(total)), where=total > 0)
    share[parts] = whole[group[parts]]
    return share
