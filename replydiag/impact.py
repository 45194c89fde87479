"""What followed the replies: did the customer write again, how soon, and in what words.

For every analysed reply, from the customer messages of its conversation (read and counted by
ingest; their signals read by ``followup``) and the export's own satisfaction rating
(``satisfied``, where it has one): ``customer_followed_up`` (the customer wrote
again after it), ``followup_minutes``, ``followup_signal`` (what that next message said:
canned, human, not_answered, still, again, impatient, or repeat when it repeats the customer's
own earlier words) and ``conversation_ended`` (nothing came after it). ``impact_table`` compares
kinds, templates and agents with 95% Wilson intervals; every rate is an association, never a
cause: harder questions may draw both templates and follow-ups.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from .followup import REPEAT
from .memory import missing_strings
from .metrics import wilson_arrays
from .models import Kind
from .normalize import arrow_array

FOLLOWUP_COLUMNS = ("customer_followed_up", "followup_minutes", "followup_signal", "conversation_ended")
MIN_KNOWN_SHARE = 0.05  # below this share of replies with a known follow-up, the section is skipped


def period_impact_skipped(replies: pd.DataFrame) -> str | None:
    """Why a period's replies cannot say what followed them, or None when they can."""
    known = (
        replies["customer_followed_up"] if "customer_followed_up" in replies else pd.Series(dtype="boolean")
    )
    if not len(replies) or known.notna().mean() < MIN_KNOWN_SHARE:
        return "too few of this period's replies have a known next customer message"
    return None


def follow_ups(replies: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """The follow-up columns for ``replies`` (aligned with them); missing where the export
    cannot tell (no customer message in the reply's conversation).

    Messages are ordered by their dates; where a reply has no date, by their ``order`` in the
    export (both frames may carry it: dialogue datasets hold turns in order, without times),
    and ``followup_minutes`` stays empty.

    >>> t = pd.to_datetime(["2026-03-02 10:00", "2026-03-02 10:30", "2026-03-02 11:00"], utc=True)
    >>> replies = pd.DataFrame({"conversation_id": ["c", "c"], "created_at": t[[0, 2]]})
    >>> customers = pd.DataFrame({"conversation_id": ["c"], "created_at": t[[1]], "signal": ["still"],
    ...                           "ask_hash": [7]})
    >>> follow_ups(replies, customers)[["customer_followed_up", "followup_minutes", "followup_signal"]].values.tolist()
    [[True, 30.0, 'still'], [False, nan, <NA>]]
    """
    n = len(replies)
    # Missing values made as arrays (a list of ten million NAs took seconds).
    out = pd.DataFrame(
        {
            "customer_followed_up": pd.arrays.BooleanArray(np.zeros(n, dtype=bool), np.ones(n, dtype=bool)),
            "followup_minutes": np.full(n, np.nan),
            "followup_signal": missing_strings(replies.index).array,
            "conversation_ended": pd.arrays.BooleanArray(np.zeros(n, dtype=bool), np.ones(n, dtype=bool)),
        },
        index=replies.index,
    )
    if customers is None or customers.empty or not n:
        return out
    said = pd.DataFrame(
        {
            "conversation_id": customers["conversation_id"].astype("string"),
            "at": pd.to_datetime(customers["created_at"], utc=True),
            "order": _order(customers),
            "signal": customers["signal"].astype("string") if "signal" in customers else pd.NA,
            "ask_hash": customers["ask_hash"] if "ask_hash" in customers else np.uint64(0),
        }
    ).dropna(subset=["conversation_id"])
    said["signal"] = said["signal"].astype("string")
    # A customer sending the words of one of their own earlier messages again.
    in_time = said.sort_values(["at", "order"], kind="stable", na_position="last")
    repeated = in_time.duplicated(["conversation_id", "ask_hash"]) & (in_time["ask_hash"] != 0)
    said.loc[repeated[repeated].index, "signal"] = said.loc[repeated[repeated].index, "signal"].fillna(REPEAT)

    mine = pd.DataFrame(
        {
            "position": np.arange(n),
            # Arrow strings throughout: a million ids as Python objects, and a set of them to
            # test membership, were seconds at a million replies.
            "conversation_id": replies["conversation_id"].astype("string").array,
            "at": pd.to_datetime(replies["created_at"], utc=True).array,
            "order": _order(replies).to_numpy(),
        }
    )
    mine = mine[_among(mine["conversation_id"], said["conversation_id"])]
    dated = mine["at"].notna().to_numpy()
    for key, part, theirs in (
        ("at", mine[dated], said.dropna(subset=["at"])),
        ("order", mine[~dated].dropna(subset=["order"]), said.dropna(subset=["order"])),
    ):
        if part.empty or theirs.empty:
            continue
        nxt = pd.merge_asof(
            part.sort_values(key, kind="stable"),
            theirs[["conversation_id", key, "signal"]].rename(columns={key: "next"}).sort_values("next"),
            left_on=key,
            right_on="next",
            by="conversation_id",
            direction="forward",
            allow_exact_matches=False,
        )
        positions = nxt["position"].to_numpy()
        followed = nxt["next"].notna().to_numpy()
        out.iloc[positions, 0] = followed
        if key == "at":
            minutes = ((nxt["next"] - nxt["at"]).dt.total_seconds() / 60).to_numpy()
            out.iloc[positions, 1] = np.where(followed, minutes, np.nan)
        out.iloc[positions, 2] = nxt["signal"].astype("string").where(followed).to_numpy()
        # Nothing after the reply in its conversation: no customer message and no later reply.
        last = pd.concat(
            [theirs.groupby("conversation_id")[key].max(), part.groupby("conversation_id")[key].max()], axis=1
        ).max(axis=1)
        out.iloc[positions, 3] = (nxt[key] >= nxt["conversation_id"].map(last)).to_numpy()
    return out


def _order(frame: pd.DataFrame) -> pd.Series:
    """Position in the export (file, then row), where the frame carries it."""
    if "row_number" not in frame:
        return pd.Series(np.nan, index=frame.index)
    files = frame.get("file_index", 0)
    return pd.Series(files, index=frame.index).astype("float64") * 1e10 + frame["row_number"].astype(
        "float64"
    )


def first_replies(replies: pd.DataFrame) -> np.ndarray:
    """True for the first agent reply of each conversation (the answer to the opening message)."""
    # Sorted as a frame of the two columns, not of the replies (a copy of every column).
    order = pd.DataFrame(
        {"created_at": replies["created_at"].array, "conversation_id": replies["conversation_id"].array}
    ).sort_values("created_at", kind="stable")
    first = ~order.duplicated("conversation_id").to_numpy()
    out = np.zeros(len(replies), dtype=bool)
    out[order.index.to_numpy()[first]] = True
    return out


IMPACT_COLUMNS = (
    "level",
    "stratum",
    "group",
    "replies",
    "followed_up",
    "followed_up_rate",
    "followed_up_low",
    "followed_up_high",
    "frustrated",
    "frustrated_rate",
    "frustrated_low",
    "frustrated_high",
    "ended",
    "ended_rate",
    "rated",
    "satisfied",
    "satisfied_rate",
    "satisfied_low",
    "satisfied_high",
    "enough_data",
)


def impact_table(replies: pd.DataFrame, *, min_replies: int = 30) -> pd.DataFrame:
    """Follow-up, frustrated follow-up and end-of-conversation rates with 95% Wilson intervals,
    per kind and templated vs personal (all replies, first replies, later replies, and within
    each channel and each agent), per template and per agent; rates are left empty where fewer
    than ``min_replies`` replies have a known follow-up ("not enough data")."""
    known = replies[replies["customer_followed_up"].notna()]
    if known.empty:
        return pd.DataFrame(columns=list(IMPACT_COLUMNS))
    # Groups are categories, counted on codes: grouping a million strings took seconds.
    personal = (known["kind"] == Kind.PERSONAL.value).to_numpy(dtype=bool)
    counted = pd.DataFrame(
        {
            "templated": pd.Categorical.from_codes(personal.astype(np.int8) ^ 1, ["personal", "templated"]),
            "kind": known["kind"].astype("category").array,
            "stratum": pd.Categorical.from_codes(
                (~first_replies(known)).astype(np.int8), ["first reply", "later reply"]
            ),
            "followed_up": known["customer_followed_up"].astype(bool).to_numpy(),
            "frustrated": known["followup_signal"].notna().to_numpy(),
            "ended": known["conversation_ended"].astype("boolean").fillna(False).to_numpy(dtype=bool),
            "satisfied": (
                known["satisfied"].astype("boolean")
                if "satisfied" in known
                else pd.Series(pd.NA, index=known.index, dtype="boolean")
            ).array,
        }
    )
    for extra in ("channel", "agent", "template_id"):
        if extra in known:
            counted[extra] = known[extra].astype("category").array
    parts = []
    for stratum, part in (("all", counted), *counted.groupby("stratum", observed=True)):
        for level in ("templated", "kind"):
            parts.append(_counts(part, [level]).assign(stratum=str(stratum)))
    # Templated vs personal within each channel and each agent (rates where counts allow).
    for by in (c for c in ("channel", "agent") if c in counted):
        within = _counts(counted, [by, "templated"])
        parts.append(within.assign(stratum=by + ": " + within.pop(by)))
    for level in ("template_id", "agent"):
        if level in counted:
            parts.append(_counts(counted, [level]).assign(stratum="all", level=level.replace("_id", "")))
    return _rates(pd.concat(parts, ignore_index=True), min_replies)


def _counts(counted: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Replies, follow-ups, frustrated follow-ups, ends, ratings per group of ``by``; the last
    of ``by`` is the ``level`` whose values are the ``group``. Replies whose level is missing
    are left out; a missing value of another column is a group of its own."""
    level = by[-1]
    grouped = counted.groupby(by, sort=False, observed=True, dropna=len(by) == 1)
    table = grouped.agg(
        replies=("followed_up", "size"),
        followed_up=("followed_up", "sum"),
        frustrated=("frustrated", "sum"),
        ended=("ended", "sum"),
        rated=("satisfied", "count"),
        satisfied=("satisfied", "sum"),
    ).reset_index()
    table = table[table[level].notna()]
    for column in by:  # as text, sorted as text (categories are in no particular order)
        table[column] = table[column].astype(object).map(str, na_action="ignore").fillna("<NA>")
    table = table.sort_values(by, kind="stable").rename(columns={level: "group"})
    return table.assign(level=level)


def _rates(table: pd.DataFrame, min_replies: int) -> pd.DataFrame:
    """Rates and 95% Wilson intervals where the counts allow (``enough_data``), else empty."""
    table = table.astype({"replies": np.int64, "followed_up": np.int64, "frustrated": np.int64})
    table = table.astype({"ended": np.int64, "rated": np.int64, "satisfied": np.int64})
    enough = table["replies"] >= min_replies
    table["enough_data"] = enough
    n = table["replies"].to_numpy(dtype=float)
    for name in ("followed_up", "frustrated", "ended"):
        count = table[name].to_numpy(dtype=float)
        table[f"{name}_rate"] = np.where(enough, count / n, np.nan)
        if name != "ended":
            low, high = wilson_arrays(count, n)
            table[f"{name}_low"] = np.where(enough, low, np.nan)
            table[f"{name}_high"] = np.where(enough, high, np.nan)
    # The export's own satisfaction rating, over the replies whose conversation was rated.
    rated = table["rated"].to_numpy(dtype=float)
    happy = table["satisfied"].to_numpy(dtype=float)
    some = rated >= min_replies
    low, high = wilson_arrays(happy, rated)
    table["satisfied_rate"] = np.where(some, happy / np.maximum(rated, 1), np.nan)
    table["satisfied_low"] = np.where(some, low, np.nan)
    table["satisfied_high"] = np.where(some, high, np.nan)
    table["group"] = table["group"].astype(str)
    return table[list(IMPACT_COLUMNS)]


def headline(table: pd.DataFrame) -> dict:
    """Templated vs personal, per stratum: the comparison summary.json and the reports lead with."""
    if table.empty:
        return {}
    rows = table[
        (table["level"] == "templated") & table["stratum"].isin(["all", "first reply", "later reply"])
    ]
    out: dict = {}
    for stratum, part in rows.groupby("stratum"):
        out[str(stratum)] = {
            str(r.group): {
                "replies": int(r.replies),
                "followed_up_rate": None
                if pd.isna(r.followed_up_rate)
                else round(float(r.followed_up_rate), 4),
                "frustrated_rate": None if pd.isna(r.frustrated_rate) else round(float(r.frustrated_rate), 4),
                "frustrated_interval": None
                if pd.isna(r.frustrated_low)
                else [round(float(r.frustrated_low), 4), round(float(r.frustrated_high), 4)],
                "rated": int(r.rated),
                "satisfied_rate": None if pd.isna(r.satisfied_rate) else round(float(r.satisfied_rate), 4),
            }
            for r in part.itertuples()
        }
    return out


def _among(values: pd.Series, others: pd.Series) -> np.ndarray:
    """Which of ``values`` (strings) are among ``others``, by one Arrow hash lookup (pandas'
    ``isin`` of a million Arrow strings took seconds).

    >>> _among(pd.Series(["a", "b", None], dtype="string"), pd.Series(["b", "c"], dtype="string")).tolist()
    [False, True, False]
    """
    found = pc.is_in(arrow_array(values), value_set=arrow_array(others.dropna()))
    return np.asarray(pc.fill_null(found, False).to_numpy(zero_copy_only=False), dtype=bool)
