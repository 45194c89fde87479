"""Shares of each kind, overall and per group: the figures every output reports."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .models import KINDS, Kind


def shares(rows: pd.DataFrame) -> dict[str, Any]:
    """Replies, counts and shares of each kind, and the templated (not personal) share.

    >>> shares(pd.DataFrame({"kind": ["template", "personal", "personal", "edited"]}))["templated_share"]
    0.5
    """
    counts = rows["kind"].astype(str).value_counts().reindex(list(KINDS), fill_value=0)
    total = int(counts.sum())
    share = {k: (round(float(c) / total, 4) if total else 0.0) for k, c in counts.items()}
    return {
        "replies": total,
        "counts": {k: int(c) for k, c in counts.items()},
        "shares": share,
        "templated_share": round(1.0 - share[Kind.PERSONAL.value], 4) if total else 0.0,
    }


def breakdown(rows: pd.DataFrame, by: str | pd.Series) -> pd.DataFrame:
    """Counts and shares of each kind per value of a column, busiest group first.

    >>> df = pd.DataFrame({"agent": ["a", "a", "b"], "kind": ["template", "personal", "personal"]})
    >>> breakdown(df, "agent")["templated_share"].tolist()
    [0.5, 0.0]
    """
    key = rows[by] if isinstance(by, str) else by
    counts = pd.crosstab(key, rows["kind"].astype(str)).reindex(columns=list(KINDS), fill_value=0)
    counts.columns = [str(c) for c in counts.columns]
    table = counts.copy()
    table.insert(0, "replies", counts.sum(axis=1))
    for kind in KINDS:
        table[f"{kind}_share"] = (counts[kind] / table["replies"]).round(4)
    table["templated_share"] = (1 - counts[Kind.PERSONAL.value] / table["replies"]).round(4)
    table.index.name = by if isinstance(by, str) else (key.name or "group")
    return table.sort_values("replies", ascending=False, kind="stable")


def row_shares(row: pd.Series) -> dict[str, Any]:
    """One ``breakdown`` row in the ``summary.json`` shape."""
    return {
        "replies": int(row["replies"]),
        "counts": {k: int(row[k]) for k in KINDS},
        "shares": {k: float(row[f"{k}_share"]) for k in KINDS},
        "templated_share": float(row["templated_share"]),
    }


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
