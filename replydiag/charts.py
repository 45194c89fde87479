"""Charts as matplotlib Figures: one colour per kind everywhere.

Figures are built with ``matplotlib.figure.Figure`` (no pyplot global state), so report runs
and notebooks never leak open figures.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .formatting import chart_label
from .metrics import any_automatic, period_start
from .models import KINDS

KIND_COLORS = {"automatic": "#7b3294", "template": "#e66101", "edited": "#fdb863", "personal": "#1a9641"}


def shown_kinds(automatic: bool) -> tuple[str, ...]:
    """The kinds a chart or table shows: ``automatic`` only where some reply is (Twitter care
    exports never mark one, and an all-zero kind would take a legend entry and a column)."""
    return KINDS if automatic else tuple(k for k in KINDS if k != "automatic")


def _figure(width: float = 7.5, height: float = 3.6) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return fig, fig.add_subplot()


def shares_bar(shares: pd.Series, title: str = "Share of replies by kind") -> Figure:
    """One horizontal stacked bar of the kinds (``shares`` sums to 1)."""
    fig, ax = _figure(7.5, 1.8)
    left = 0.0
    for kind in shown_kinds(float(shares.get("automatic", 0.0)) > 0):
        value = float(shares.get(kind, 0.0))
        ax.barh([0], [value], left=left, color=KIND_COLORS[kind], label=kind)
        if value >= 0.06:
            ax.text(left + value / 2, 0, f"{value:.0%}", ha="center", va="center", color="white", fontsize=10)
        left += value
    ax.set_xlim(0, 1)
    ax.set_yticks([])
    ax.xaxis.set_major_formatter(lambda x, _pos: f"{x:.0%}")
    ax.set_title(title, loc="left")
    ax.legend(ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.35), frameon=False)
    return fig


def agents_stacked(by_agent: pd.DataFrame, top: int = 15, title: str = "Kinds of reply per agent") -> Figure:
    """Stacked horizontal bars of each agent's kinds, busiest agents first."""
    data = by_agent.head(top).iloc[::-1]
    fig, ax = _figure(7.5, max(2.5, 0.35 * len(data) + 1.2))
    left = pd.Series(0.0, index=data.index)
    labels = [chart_label(a if len(str(a)) <= 28 else str(a)[:27] + "…") for a in data.index]
    for kind in shown_kinds(any_automatic(by_agent)):
        values = data[f"{kind}_share"].astype(float)
        ax.barh(labels, values, left=left, color=KIND_COLORS[kind], label=kind)
        left = left + values
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda x, _pos: f"{x:.0%}")
    ax.set_title(title, loc="left")
    # Below the axis, where it never covers the title whatever the number of bars.
    ax.legend(ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.08 - 0.6 / (len(data) + 2)), frameon=False)
    return fig


def trend_lines(
    by_period: pd.DataFrame, title: str = "Share of replies by kind over time", min_replies: int = 1
) -> Figure:
    """Each kind's share per period on a time axis, the templated share dashed, and the number
    of replies beneath; periods under ``min_replies`` are left out of the lines (their shares
    swing by chance) but keep their bar, greyed, so the line bridging them says why."""
    fig = Figure(figsize=(7.5, 4.4), dpi=100, layout="constrained")
    ax, volume = fig.subplots(2, 1, sharex=True, height_ratios=(3, 1))
    enough = (by_period["replies"] >= min_replies).to_numpy() if len(by_period) else []
    if len(by_period) and any(enough):
        # The axis spans the periods with enough replies: a few stray replies years earlier
        # would squeeze the rest into a corner.
        first = int(np.argmax(enough))
        by_period, enough = by_period.iloc[first:], enough[first:]
        if first:
            title += f"; {first} earlier small period{'s' if first > 1 else ''} not shown"
    if len(by_period):
        starts = [period_start(str(p)) for p in by_period.index]
        x = [d for d, ok in zip(starts, enough) if ok]
        shown = by_period[enough]
        for kind in shown_kinds(any_automatic(by_period)):
            ax.plot(x, shown[f"{kind}_share"].astype(float), marker="o", color=KIND_COLORS[kind], label=kind)
        ax.plot(x, shown["templated_share"].astype(float), linestyle="--", color="#444444", label="templated")
        widths = _bar_width(starts)
        volume.bar(
            starts, by_period["replies"], width=widths, color=["#888" if ok else "#ccc" for ok in enough]
        )
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(lambda y, _pos: f"{y:.0%}")
    ax.set_title(title, loc="left", fontsize=10)
    volume.set_ylabel("replies", fontsize=9)
    volume.tick_params(axis="x", labelrotation=30, labelsize=8)
    fig.legend(
        *ax.get_legend_handles_labels(), ncols=5, loc="outside lower center", frameon=False, fontsize=9
    )
    return fig


def _bar_width(starts: list[pd.Timestamp]) -> float:
    """Bar width in days: most of the usual step between periods."""
    if len(starts) < 2:
        return 5.0
    steps = pd.Series(starts).diff().dropna().dt.days
    return max(0.8, 0.8 * float(steps.min()))


def channels_bar(by_channel: pd.DataFrame, title: str = "Kinds of reply per channel") -> Figure:
    return agents_stacked(by_channel, top=12, title=title)


def png_bytes(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def impact_bars(impact: pd.DataFrame, title: str = "Frustrated follow-ups after the reply") -> Figure:
    """Templated vs personal: the share of replies the customer answered with a frustrated
    message (first and later replies), with 95% Wilson intervals."""
    fig, ax = _figure(7.5, 3.0)
    rows = impact[
        (impact["level"] == "templated")
        & impact["stratum"].isin(["first reply", "later reply"])
        & impact["enough_data"].astype(bool)
    ]
    labels: list[str] = []
    rates: list[float] = []
    errors: list[list[float]] = [[], []]
    colors: list[str] = []
    for r in rows.sort_values(["stratum", "group"]).itertuples():
        labels.append(f"{r.stratum}: {r.group} (n={r.replies:,})")
        rates.append(r.frustrated_rate)
        errors[0].append(r.frustrated_rate - r.frustrated_low)
        errors[1].append(r.frustrated_high - r.frustrated_rate)
        colors.append(KIND_COLORS["personal"] if r.group == "personal" else KIND_COLORS["template"])
    if labels:
        ax.barh(labels, rates, xerr=errors, color=colors, capsize=3)
        ax.invert_yaxis()
    ax.xaxis.set_major_formatter(lambda x, _pos: f"{x:.0%}")
    ax.set_title(title, loc="left")
    return fig
