"""Shares of each kind, overall and per group: the figures every output reports."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from .models import KINDS, Kind


def shares(rows: pd.DataFrame) -> dict[str, Any]:
    """Replies, counts and shares of each kind, and the templated (not personal) share.

    >>> shares(pd.DataFrame({"kind": ["template", "personal", "personal", "edited"]}))["templated_share"]
    0.5
    """
    counts = _kinds(rows).value_counts().reindex(list(KINDS), fill_value=0)
    total = int(counts.sum())
    # Raw shares: rounding is for display (and summary.json), done once, where shown.
    share = {k: (float(c) / total if total else 0.0) for k, c in counts.items()}
    return {
        "replies": total,
        "counts": {k: int(c) for k, c in counts.items()},
        "shares": share,
        "templated_share": 1.0 - share[Kind.PERSONAL.value] if total else 0.0,
    }


def rounded(figures: dict[str, Any], digits: int = 4) -> dict[str, Any]:
    """``shares`` (or ``row_shares``) with its shares rounded, for JSON a person reads.

    >>> rounded(shares(pd.DataFrame({"kind": ["template", "personal", "personal"]})))["templated_share"]
    0.3333
    """
    return {
        **figures,
        "shares": {k: round(v, digits) for k, v in figures["shares"].items()},
        "templated_share": round(figures["templated_share"], digits),
    }


def any_automatic(table: pd.DataFrame) -> bool:
    """Whether a ``breakdown`` table holds an automatic reply (Twitter care exports mark none,
    and an all-zero kind should take no legend entry or column)."""
    return "automatic_share" in table and bool((table["automatic_share"].astype(float) > 0).any())


def _kinds(rows: pd.DataFrame) -> pd.Series:
    """The kind column as categories (a few codes, not ten million strings)."""
    kind = rows["kind"]
    return kind.astype(str).astype("category") if not isinstance(kind.dtype, pd.CategoricalDtype) else kind


def breakdown(rows: pd.DataFrame, by: str | pd.Series) -> pd.DataFrame:
    """Counts and shares of each kind per value of a column, busiest group first.

    >>> df = pd.DataFrame({"agent": ["a", "a", "b"], "kind": ["template", "personal", "personal"]})
    >>> breakdown(df, "agent")["templated_share"].tolist()
    [0.5, 0.0]
    """
    key = rows[by] if isinstance(by, str) else by
    # Counted by codes (one bincount of group x kind): a groupby of ten million Arrow strings
    # was the peak of writing a report. Groups sorted by value, as a groupby gives them.
    group, values = pd.factorize(key, sort=True)
    kinds = _kinds(rows)
    kind = kinds.cat.codes.to_numpy()
    named = [str(c) for c in kinds.cat.categories]
    counted = (group >= 0) & (kind >= 0)
    if not counted.all():
        group, kind = group[counted], kind[counted]
    elif group.base is not None or not group.flags.writeable:
        group = group.copy()  # codes that may be a categorical's own: never written into
    # The (group, kind) cell of each reply, made in place in the group codes: at ten million
    # replies each temporary of them was 80 MB at the peak of writing a report.
    group *= len(named)
    group += kind
    flat = np.bincount(group, minlength=len(values) * len(named)).reshape(len(values), len(named))
    counts = pd.DataFrame(flat, index=pd.Index(values), columns=named).reindex(
        columns=list(KINDS), fill_value=0
    )
    counts = counts[counts.sum(axis=1) > 0]
    table = counts.copy()
    table.insert(0, "replies", counts.sum(axis=1))
    for kind in KINDS:
        table[f"{kind}_share"] = counts[kind] / table["replies"]
    table["templated_share"] = 1 - counts[Kind.PERSONAL.value] / table["replies"]
    table.index.name = by if isinstance(by, str) else (key.name or "group")
    return table.sort_values("replies", ascending=False, kind="stable")


def by_account(rows: pd.DataFrame) -> pd.DataFrame:
    """``breakdown`` per brand account, where ``rows`` name one (an export analysed account
    by account); an empty table otherwise, or where they name none."""
    if "account" not in rows or not rows["account"].notna().any():
        return breakdown(rows.iloc[0:0], pd.Series([], dtype="string", name="account"))
    return breakdown(rows, "account")


def usage(group: np.ndarray, n_groups: int, rows: pd.DataFrame) -> pd.DataFrame:
    """Per group of ``rows`` (``group``: each row's group, ``0..n_groups-1``, or -1 for none;
    rows with ``agent``, ``created_at`` and ``reply_id``): replies, distinct agents, first and
    last seen, and an example reply id (its first row's); indexed by the groups that have
    rows. Counted on codes, where a groupby of the rows' copies was an analysis peak at ten
    million replies.

    >>> rows = pd.DataFrame({"agent": ["a", "b", "a", None], "reply_id": ["1", "2", "3", "4"],
    ...                      "created_at": pd.to_datetime(["2026-01-02", "2026-01-01", None, "2026-01-05"], utc=True)})
    >>> usage(np.array([1, 1, 1, -1]), 3, rows)[["replies", "agents", "example_reply_id"]].values.tolist()
    [[3, 2, '1']]
    """
    inside = np.flatnonzero(group >= 0)
    of = group[inside]
    replies = np.bincount(of, minlength=n_groups)
    agent = rows["agent"]
    agent_code = (
        agent.cat.codes.to_numpy() if isinstance(agent.dtype, pd.CategoricalDtype) else pd.factorize(agent)[0]
    )
    named = agent_code[inside] >= 0
    width = max(int(agent_code.max()) + 1 if len(agent_code) else 1, 1)
    pairs = np.unique(of[named].astype(np.int64) * width + agent_code[inside][named])
    agents = np.bincount(pairs // width, minlength=n_groups)
    dates = rows["created_at"].to_numpy(dtype="datetime64[ns]").view(np.int64)[inside]
    dated = dates != np.iinfo(np.int64).min  # NaT
    of_dated, dates = of[dated], dates[dated]
    first = np.full(n_groups, np.iinfo(np.int64).max)
    last = np.full(n_groups, np.iinfo(np.int64).min)
    np.minimum.at(first, of_dated, dates)
    np.maximum.at(last, of_dated, dates)
    dated_replies = np.bincount(of_dated, minlength=n_groups)
    del dates, of_dated
    example = np.full(n_groups, -1, dtype=np.int64)
    example[of[::-1]] = inside[::-1]  # written back to front: each group's first row stays
    present = np.flatnonzero(replies)
    seen = dated_replies[present] > 0
    return pd.DataFrame(
        {
            "replies": replies[present],
            "agents": agents[present],
            "first_seen": pd.to_datetime(np.where(seen, first[present], np.iinfo(np.int64).min), utc=True),
            "last_seen": pd.to_datetime(np.where(seen, last[present], np.iinfo(np.int64).min), utc=True),
            "example_reply_id": rows["reply_id"].take(example[present]).to_numpy(),
        },
        index=present,
    )


def row_shares(row: pd.Series) -> dict[str, Any]:
    """One ``breakdown`` row in the ``summary.json`` shape (shares rounded for reading)."""
    return rounded(
        {
            "replies": int(row["replies"]),
            "counts": {k: int(row[k]) for k in KINDS},
            "shares": {k: float(row[f"{k}_share"]) for k in KINDS},
            "templated_share": float(row["templated_share"]),
        }
    )


PERIODS = ("day", "week", "month", "quarter")


def period_labels(dates: pd.Series, period: str) -> pd.Series:
    """Period label per timestamp: ``2026-03`` (month), ``2026-W12`` (ISO week), ``2026-Q1``, ``2026-03-25``.

    >>> period_labels(pd.Series(pd.to_datetime(["2026-03-25"], utc=True)), "week").tolist()
    ['2026-W13']
    """
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, got {period!r}")
    naive = dates.dt.tz_convert("UTC").dt.tz_localize(None)
    if period == "month":
        return naive.dt.strftime("%Y-%m")
    if period == "quarter":
        return naive.dt.year.astype(str) + "-Q" + naive.dt.quarter.astype(str)
    if period == "week":
        iso = naive.dt.isocalendar()
        return iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)
    return naive.dt.strftime("%Y-%m-%d")


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a share (sound for small n and shares near 0 or 1).

    >>> [round(x, 3) for x in wilson(7, 10)]
    [0.397, 0.892]
    """
    if n <= 0:
        return (0.0, 1.0)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def wilson_arrays(successes: np.ndarray, n: np.ndarray, z: float = 1.96) -> tuple[np.ndarray, np.ndarray]:
    """``wilson`` for arrays of counts at once ((0, 1) where ``n`` is 0).

    >>> [x.round(3).tolist() for x in wilson_arrays(np.array([7.0, 0.0]), np.array([10.0, 0.0]))]
    [[0.397, 0.0], [0.892, 1.0]]
    """
    n = np.asarray(n, dtype=float)
    safe = np.maximum(n, 1)
    p = np.asarray(successes, dtype=float) / safe
    centre = (p + z * z / (2 * safe)) / (1 + z * z / safe)
    half = z * np.sqrt(p * (1 - p) / safe + z * z / (4 * safe * safe)) / (1 + z * z / safe)
    return (
        np.where(n > 0, np.maximum(0.0, centre - half), 0.0),
        np.where(n > 0, np.minimum(1.0, centre + half), 1.0),
    )


PERIOD_FREQ = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q"}


def period_span(label: str, period: str) -> tuple[str, str]:
    """The first and last day of a period label.

    >>> period_span("2017-W48", "week"), period_span("2026-Q1", "quarter")
    (('2017-11-27', '2017-12-03'), ('2026-01-01', '2026-03-31'))
    """
    p = _as_period(label, period)
    return p.start_time.strftime("%Y-%m-%d"), p.end_time.strftime("%Y-%m-%d")


def period_before(label: str, period: str) -> str:
    """The label of the period just before ``label``.

    >>> period_before("2017-W01", "week"), period_before("2026-03", "month")
    ('2016-W52', '2026-02')
    """
    before = _as_period(label, period) - 1
    return str(period_labels(pd.Series([before.start_time]).dt.tz_localize("UTC"), period).iloc[0])


def _as_period(label: str, period: str) -> pd.Period:
    if period == "week":
        year, week = label.split("-W")
        monday = pd.Timestamp.fromisocalendar(int(year), int(week), 1)
        return pd.Period(monday, freq=PERIOD_FREQ["week"])
    return pd.Period(label, freq=PERIOD_FREQ[period])


def period_start(label: str | pd.Period) -> pd.Timestamp:
    """The first day of any period label (``2017-W48``, ``2017-11``, ``2017-Q4``, ``2017-11-27``)
    or ``pandas.Period``.

    >>> str(period_start("2017-W48").date()), str(period_start("2017-Q4").date())
    ('2017-11-27', '2017-10-01')
    """
    if isinstance(label, pd.Period):
        return label.start_time
    kind = (
        "week"
        if "-W" in label
        else "quarter"
        if "-Q" in label
        else "day"
        if label.count("-") == 2
        else "month"
    )
    return _as_period(label, kind).start_time
