"""Replies sent in several parts ("(1/2)", "2/2", "..." where a tweet is cut) read as one.

Twitter care and chat split a long reply over messages. Each part is a row of the export (its
id stays joinable), but whether the reply is templated is a question about the whole: a
stock paragraph cut in two leaves each half too short to be recognised. ``part_groups``
finds the parts that belong together; ``joined_stock`` gives each part the stock coverage of
its whole reply, and ``reply_signoffs`` the sign-off of its whole reply (a tweet cut in
parts is signed once, in its last part).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

MAX_GAP = pd.Timedelta(minutes=30)  # parts of one reply are sent together


class _Part(NamedTuple):
    row: int  # among the marked rows
    position: int  # in the export: nearness pairs counters
    part: str


def threads(conversation: pd.Series, reply_id: pd.Series, addressee: pd.Series) -> pd.Series:
    """What ties the parts of a reply: its conversation, or where the export names none (each
    reply is then its own conversation) the handle the reply is addressed to.

    >>> threads(pd.Series(["c1", "r2", "r3"]), pd.Series(["r1", "r2", "r3"]),
    ...         pd.Series(["ann", "bob", None])).tolist()
    ['c1', '@bob', 'r3']
    """
    conversation = conversation.astype("string")
    own = (conversation == reply_id.astype("string")).fillna(False).to_numpy(dtype=bool)
    by_handle = own & addressee.notna().to_numpy()
    return conversation.where(~by_handle, "@" + addressee.astype("string"))


def part_groups(part: pd.Series, thread: pd.Series, author: pd.Series, created_at: pd.Series) -> np.ndarray:
    """A group number per row for the parts of one reply (-1 for whole replies).

    Parts are candidates when one author sent them in one ``thread`` (see ``threads``), each
    within ``MAX_GAP`` of the one before. Among those, ``k/n`` joins the nearest ``k-1/n`` in
    the export (tweets sent in the same second come in any order, and files list them either
    way), and a part that goes on (``<``) joins one that was cut (``>``) before it. A missing
    author is "the account": a tweet's sign-off, which names the agent, is in its last part.

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
            "row": np.arange(len(marked)),
            "position": marked,
            # The marked rows taken first: a column of every row as Python objects cost a
            # second at a million replies, for the few that are parts.
            "part": part.iloc[marked].to_numpy(),
            "thread": thread.iloc[marked].astype("string").fillna("").to_numpy(),
            "author": author.iloc[marked].astype("string").fillna("").to_numpy(),
            "created_at": pd.to_datetime(created_at.iloc[marked].to_numpy(), utc=True),
        }
    ).sort_values(["thread", "author", "created_at", "position"])
    together = (
        rows["thread"].eq(rows["thread"].shift())
        & rows["author"].eq(rows["author"].shift())
        & ~(rows["created_at"].diff() > MAX_GAP)
    ).to_numpy()
    parent = np.arange(len(marked))  # union-find over the marked rows
    ordered = [_Part(*row) for row in rows[["row", "position", "part"]].itertuples(index=False)]
    start = 0
    for end in [*np.flatnonzero(~together[1:]) + 1, len(ordered)]:
        for before, after in _links(ordered[start:end]):
            parent[_root(parent, after)] = _root(parent, before)
        start = end
    roots = np.array([_root(parent, i) for i in range(len(marked))])
    joined = pd.Series(roots).duplicated(keep=False).to_numpy()
    # Groups numbered in the order of their first part in the export.
    group[marked[joined]] = pd.factorize(roots[joined])[0]
    return group


def _links(burst: list[_Part]) -> list[tuple[int, int]]:
    """(earlier part, later part), as marked rows, that are one reply, within one author's burst."""
    if len(burst) < 2:
        return []
    links = []
    counted = [p for p in burst if "/" in p.part]
    taken: set[int] = set()
    for after in counted:
        k, n = after.part.split("/")
        if k == "1":
            continue
        previous = [p for p in counted if p.part == f"{int(k) - 1}/{n}" and p.row not in taken]
        if previous:
            nearest = min(previous, key=lambda p: (abs(p.position - after.position), p.position))
            taken.add(nearest.row)
            links.append((nearest.row, after.row))
    # Cut parts ("...") have no counter to pair them: they follow in the order they were sent.
    for before, after in zip(burst, burst[1:]):
        if "/" in before.part and "/" in after.part:
            continue
        if "/" in after.part:  # a counter after a cut: "...(2/2)"
            follows = before.part.endswith(">") and not after.part.startswith("1/")
        else:
            follows = before.part.endswith(">") or ("/" in before.part and after.part.startswith("<"))
        if follows:
            links.append((before.row, after.row))
    return links


def _root(parent: np.ndarray, i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return int(i)


def reply_signoffs(group: np.ndarray, signoff: pd.Series) -> pd.Series:
    """Each row's sign-off, or for a part that has none the sign-off of its reply's parts.

    >>> reply_signoffs(np.array([0, 0, -1]), pd.Series([None, "JH", None], dtype="string")).tolist()
    ['JH', 'JH', <NA>]
    """
    signoff = signoff.astype("string")
    parts = group >= 0
    if not parts.any():
        return signoff
    in_group = pd.Series(np.where(parts, group, -1), index=signoff.index)
    signed = signoff[parts].groupby(in_group[parts]).first()
    found = pd.Series(in_group.map(signed).to_numpy(), index=signoff.index, dtype="string")
    return signoff.fillna(found.where(parts))


def first_parts(group: np.ndarray, part: pd.Series) -> np.ndarray:
    """Row of each group's first part: its ``1/n``, else the first of its rows (an export
    may list a reply's parts last one first).

    >>> first_parts(np.array([0, 0, -1, 1, 1]), pd.Series(["2/2", "1/2", None, ">", "<"])).tolist()
    [1, 3]
    """
    rows = np.flatnonzero(group >= 0)
    k = pd.to_numeric(part.iloc[rows].str.extract(r"^(\d)/")[0], errors="coerce").fillna(0).to_numpy()
    # Counters first, lowest first ("1/2"); uncounted parts keep their rows' order.
    order = np.lexsort((rows, np.where(k > 0, k, np.inf), group[rows]))
    ordered = group[rows][order]
    starts = np.r_[True, ordered[1:] != ordered[:-1]]
    return rows[order][starts]


def joined_stock(group: np.ndarray, words: np.ndarray, stock_words: np.ndarray) -> np.ndarray:
    """Per part of a multi-part reply (its ``group``, its ``words`` and those in stock): the
    stock share of its whole reply.

    >>> joined_stock(np.array([0, 0, 1, 1]), np.array([4.0, 6.0, 5.0, 5.0]), np.array([4.0, 0.0, 1.0, 4.0])).tolist()
    [0.4, 0.4, 0.5, 0.5]
    """
    total = np.bincount(group, weights=words)
    stock = np.bincount(group, weights=stock_words)
    return np.divide(stock, total, out=np.zeros(len(total)), where=total > 0)[group]
