"""The phrase table: stock sentences a team reuses, with who sends them and since when.

One row per stock sentence (``replydiag.stock``), whatever replies it sits in: the stock lines
that make a brand sound scripted are what a manager wants to rewrite. ``phrase_id`` comes
from the sentence's matching key, its words in their canonical forms (``replydiag.wording``:
"we'd" and "we would" are one phrase), so it is the same across runs and files.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .features import word_count
from .metrics import usage

PHRASE_COLUMNS = (
    "phrase_id",
    "phrase_text",
    "replies",
    "agents",
    "first_seen",
    "last_seen",
    "example_reply_id",
    "words",
)


def phrase_id(key: str) -> str:
    """A stable id from the phrase's matching key.

    >>> phrase_id("we will take a look backstage")
    'Pcc55a385'
    """
    return "P" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


def phrase_table(members: pd.DataFrame, replies: pd.DataFrame, codes: np.ndarray) -> pd.DataFrame:
    """Phrases from ``members`` (stock sentences: ``text`` code, ``key``, ``written``) and the
    ``replies`` (``agent``, ``created_at``, ``reply_id``) whose texts have codes ``codes``.

    >>> members = pd.DataFrame({"text": [0, 1], "key": ["we will check", "we will check"],
    ...                         "written": ["We will check.", "We will check!"]})
    >>> replies = pd.DataFrame({"agent": ["a", "b", "a"], "reply_id": ["1", "2", "3"],
    ...                         "created_at": pd.to_datetime(["2026-01-02", "2026-01-01", "2026-01-03"])})
    >>> phrase_table(members, replies, np.array([0, 1, 2]))[["phrase_text", "replies", "agents"]].values.tolist()
    [['We will check.', 2, 2]]
    """
    if members.empty:
        return pd.DataFrame(columns=list(PHRASE_COLUMNS))
    members = members.drop_duplicates(["text", "key"])
    held = np.isin(codes, members["text"].unique())
    rows = pd.DataFrame(
        {
            "text": codes[held],
            # Taken as Arrow strings: the columns as Python objects cost seconds at a million replies.
            "agent": replies["agent"].array[held],
            "created_at": replies["created_at"].array[held],
            "reply_id": replies["reply_id"].array[held],
        }
    )
    # Per text first (texts are few next to replies), then per phrase.
    per_text = rows.groupby("text").agg(
        replies=("reply_id", "size"),
        first_seen=("created_at", "min"),
        last_seen=("created_at", "max"),
        example_reply_id=("reply_id", "first"),
    )
    agents = rows[["text", "agent"]].drop_duplicates()
    linked = members.join(per_text, on="text", how="inner")
    grouped = linked.groupby("key", sort=False)
    table = pd.DataFrame(
        {
            "phrase_text": _most_written(linked),
            "replies": grouped["replies"].sum(),
            "first_seen": grouped["first_seen"].min(),
            "last_seen": grouped["last_seen"].max(),
            "example_reply_id": grouped["example_reply_id"].first(),
        }
    )
    table["agents"] = (
        members[["text", "key"]]
        .merge(agents, on="text")
        .drop_duplicates(["key", "agent"])
        .groupby("key")
        .size()
    )
    table["words"] = [word_count(k) for k in table.index]
    table["phrase_id"] = [phrase_id(k) for k in table.index]
    table = table.sort_values(["replies", "phrase_id"], ascending=[False, True], kind="stable")
    return table.reset_index(drop=True)[list(PHRASE_COLUMNS)]


def _most_written(linked: pd.DataFrame) -> pd.Series:
    """Per key, its most common writing (ties: the first seen). One grouped count, not a
    ``value_counts`` per phrase: at a million replies that loop alone took most of a minute."""
    ways = linked.groupby(["key", "written"], sort=False).size().reset_index(name="n")
    ways = ways.sort_values("n", ascending=False, kind="stable").drop_duplicates("key")
    return ways.set_index("key")["written"]


def phrase_ids_of_texts(members: pd.DataFrame, n_texts: int) -> np.ndarray:
    """Per text: the ids of the phrases it holds, space-separated (empty when none), so each
    reply can carry them (``phrase_ids``) and a period's phrases be counted from its replies.

    >>> members = pd.DataFrame({"text": [1, 1], "key": ["we will check", "sorry for that"]})
    >>> phrase_ids_of_texts(members, 3).tolist()
    ['', 'P39c0cf30 Pb69d409a', '']
    """
    out = np.full(n_texts, "", dtype=object)
    if members.empty:
        return out
    pairs = members[["text", "key"]].drop_duplicates()
    keys = pairs["key"].unique()
    ids = pairs["key"].map(dict(zip(keys, (phrase_id(k) for k in keys))))  # one hash per phrase
    pairs = pd.DataFrame({"text": pairs["text"].to_numpy(), "id": ids.to_numpy()}).sort_values(["text", "id"])
    # Each text's ids joined in Arrow (a list per text), not in a Python call per text.
    texts, per_text = np.unique(pairs["text"].to_numpy(), return_counts=True)
    offsets = pa.array(np.concatenate([[0], np.cumsum(per_text)]), type=pa.int32())
    lists = pa.ListArray.from_arrays(offsets, pa.array(pairs["id"].tolist(), type=pa.string()))
    out[texts] = pc.binary_join(lists, " ").to_numpy(zero_copy_only=False)
    return out


def phrases_of_replies(replies: pd.DataFrame, texts: pd.DataFrame) -> pd.DataFrame:
    """The phrase table of some replies (``phrase_ids``, ``agent``, ``created_at``,
    ``reply_id``), phrase texts from ``texts`` (``phrase_id``, ``phrase_text``): what a
    period's report lists, counted from its own replies whichever run read them."""
    held = replies[["phrase_ids", "agent", "created_at", "reply_id"]].dropna(subset=["phrase_ids"])
    held = held.assign(phrase_id=held["phrase_ids"].astype(str).str.split()).explode("phrase_id")
    held = held.dropna(subset=["phrase_id"])
    held = held[held["phrase_id"] != ""]
    if held.empty:
        return pd.DataFrame(columns=list(PHRASE_COLUMNS))
    code, names = pd.factorize(held["phrase_id"])
    table = usage(code, len(names), held.reset_index(drop=True))
    table.index = pd.Index(names.take(table.index), name="phrase_id")
    table = table.reset_index()
    # The brand account too, where runs analysed the export account by account (``replydiag.teams``).
    account = ["account"] if "account" in texts and texts["account"].notna().any() else []
    table = table.merge(
        texts[["phrase_id", *account, "phrase_text"]].drop_duplicates("phrase_id"), on="phrase_id"
    )
    table["words"] = [word_count(text) for text in table["phrase_text"].astype(str)]
    table = table.sort_values(["replies", "phrase_id"], ascending=[False, True], kind="stable")
    return table.reset_index(drop=True)[[PHRASE_COLUMNS[0], *account, *PHRASE_COLUMNS[1:]]]
