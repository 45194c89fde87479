"""The distinct replies of an export, filled chunk by chunk as the export is read.

Every reply is normalised as its chunk is read (a file read whole is one chunk) and given a
key code: the index of its matching key among the distinct keys seen so far. What is kept
per distinct key is the key once and the masked text of its first reply, so memory grows
with the distinct replies, not with the text of every one. In ``keep_text`` mode (exports
small enough to hold) each reply also keeps its exported text and its own masked text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from .followup import customer_signals
from .memory import missing_strings, strings_at
from .models import Role
from .normalize import normalize

MAX_ANALYSED_CHARS = 20_000


def first_rows(codes: np.ndarray, n: int) -> np.ndarray:
    """Position of the first row with each code ``0..n-1`` (-1 for codes no row has).

    >>> first_rows(np.array([2, 0, 2, 0]), 3).tolist()
    [1, -1, 0]
    """
    first = np.full(n, -1, dtype=np.int64)
    # Written back to front, so the earliest position of a code is the one that stays.
    first[codes[::-1]] = np.arange(len(codes))[::-1]
    return first


def analysed_text(text: pd.Series) -> pd.Series:
    """The part of each reply that is compared: past a few pages a reply is no template
    anyway, and comparing a 50 MB cell in full only costs."""
    text = text.astype("string")
    if (text.str.len() > MAX_ANALYSED_CHARS).any():
        text = text.str.slice(0, MAX_ANALYSED_CHARS)
    return text


class DistinctReplies:
    """The accumulator: ``add`` is the row step ingest calls on each chunk of canonical rows.

    >>> distinct = DistinctReplies(keep_text=False)
    >>> rows = pd.DataFrame({"text": ["Hi Ann, done!", "Hello Bo, done!"], "reason": [pd.NA, pd.NA],
    ...                      "role": ["agent", "agent"]})
    >>> distinct.add(rows)["key_code"].tolist(), distinct.keys
    ([0, 0], ['done'])
    """

    def __init__(self, *, keep_text: bool) -> None:
        self.keep_text = keep_text
        self.keys: list[str] = []
        self._codes: dict[str, int] = {}
        self._masked: list[pa.Array] = []  # Arrow, not Python strings: a third of the memory

    @property
    def masked(self) -> pd.Series:
        """The masked text of each distinct key (of the first reply that had it)."""
        chunks = (
            pa.chunked_array(self._masked, type=pa.string())
            if self._masked
            else pa.chunked_array([], type=pa.string())
        )
        return pd.Series(pd.arrays.ArrowStringArray(chunks))

    def masked_of(self, replies: pd.DataFrame) -> pd.Series:
        """Each reply's masked text: its own when kept, else that of the first reply with its key."""
        if "masked" in replies:
            return replies["masked"]
        codes = replies["key_code"].to_numpy()
        return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(self.masked.array)))

    def subset(self, codes: np.ndarray) -> DistinctReplies:
        """The distinct replies with codes ``codes``, coded ``0..len(codes)-1`` in that order:
        what one part of an export (``replydiag.teams``) is analysed with."""
        part = DistinctReplies(keep_text=self.keep_text)
        part.keys = [self.keys[c] for c in codes.tolist()]
        held = pa.chunked_array(self._masked, type=pa.string())
        part._masked = [held.take(pa.array(codes, type=pa.int64())).combine_chunks()]
        return part

    def codes_of(self, keys: list[str], masked: list[str]) -> np.ndarray:
        """The codes of ``keys`` (each with its masked text), after reading: a key not held yet
        is added, with its masked text."""
        found = pd.Index(self.keys).get_indexer(keys) if self.keys else np.full(len(keys), -1)
        added: dict[str, int] = {}
        for i in np.flatnonzero(found < 0).tolist():
            if keys[i] not in added:
                added[keys[i]] = len(self.keys)
                self.keys.append(keys[i])
            found[i] = added[keys[i]]
        if added:
            first = {k: masked[i] for i, k in reversed(list(enumerate(keys))) if k in added}
            self._masked.append(pa.array([first[k] for k in added], type=pa.string()))
        return found

    def done(self) -> None:
        """Reading is over: the lookup from key to code is no longer needed."""
        self._codes = {}

    def add(self, rows: pd.DataFrame) -> pd.DataFrame:
        """``rows`` with ``key_code``, ``signoff``, ``part`` and ``addressee`` (and ``masked`` when keeping text);
        without ``text`` unless keeping it. Customers and skipped rows get code -1."""
        customers = (rows["reason"].isna() & (rows["role"] == Role.CUSTOMER.value)).to_numpy()
        # What each customer message says about the reply before it, read now: the customers'
        # texts are not kept (``impact`` reads the signals). Rows whose author may yet turn
        # out to be a customer (no column says who wrote them) are read too.
        may_be = (
            customers | (rows["reason"].isna() & rows["role_unsure"]).to_numpy()
            if "role_unsure" in rows
            else customers
        )
        signal = missing_strings(rows.index)
        ask_hash = np.zeros(len(rows), dtype=np.uint64)
        if may_be.any():
            said = customer_signals(rows.loc[may_be, "text"])
            signal = strings_at(rows.index, may_be, said["signal"])
            ask_hash[may_be] = said["ask_hash"].to_numpy()
        rows["signal"], rows["ask_hash"] = signal, ask_hash
        replies = (rows["reason"].isna() & (rows["role"] != Role.CUSTOMER.value)).to_numpy()
        norm = normalize(analysed_text(rows.loc[replies, "text"]))
        local, uniques = pd.factorize(norm.key.fillna(""), sort=False)
        first = first_rows(local, len(uniques))
        to_global = np.empty(len(uniques), dtype=np.int64)
        new_rows: list[int] = []
        for i, found in enumerate(uniques):
            code = self._codes.get(found)
            if code is None:
                code = self._codes[found] = len(self.keys)
                self.keys.append(found)
                new_rows.append(int(first[i]))
            to_global[i] = code
        if new_rows:
            masked = pa.chunked_array(norm.masked.fillna("").array.__arrow_array__()).cast(pa.string())
            self._masked.append(masked.take(pa.array(new_rows, type=pa.int64())).combine_chunks())
        key_code = np.full(len(rows), -1, dtype=np.int32)
        key_code[replies] = to_global[local]
        # Most exports have no sign-offs or parts: such columns take no memory (``strings_at``).
        signoff = strings_at(rows.index, replies, norm.signoff)
        part = strings_at(rows.index, replies, norm.part)
        addressee = strings_at(rows.index, replies, norm.addressee)
        if not self.keep_text:
            return rows.drop(columns="text").assign(
                key_code=key_code, signoff=signoff, part=part, addressee=addressee
            )
        # Columns added in place: a copy of a whole file's rows would double its memory.
        rows["key_code"] = key_code
        rows["signoff"] = signoff
        rows["part"] = part
        rows["addressee"] = addressee
        rows["masked"] = strings_at(rows.index, replies, norm.masked)
        return rows
