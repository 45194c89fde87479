"""Charts as matplotlib Figures: one colour per kind everywhere.

Figures are built with ``matplotlib.figure.Figure`` (no pyplot global state), so report runs
and notebooks never leak open figures.
"""

from __future__ import annotations

import io

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .formatting import chart_label
from .models import KINDS

KIND_COLORS = {"automatic": "#7b3294", "template": "#e66101", "edited": "#fdb863", "personal": "#1a9641"}


def _figure(width: float = 7.5, height: float = 3.6) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return fig, fig.add_subplot()


def shares_bar(shares: pd.Series, title: str = "Share of replies by kind") -> Figure:
    """One horizontal stacked bar of the kinds (``shares`` sums to 1)."""
    fig, ax = _figure(7.5, 1.8)
    left = 0.0
    for kind in KINDS:
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
    for kind in KINDS:
        values = data[f"{kind}_share"].astype(float)
        ax.barh(labels, values, left=left, color=KIND_COLORS[kind], label=kind)
        left = left + values
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda x, _pos: f"{x:.0%}")
    ax.set_title(title, loc="left")
    # Below the axis, where it never covers the title whatever the number of bars.
    ax.legend(ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.08 - 0.6 / (len(data) + 2)), frameon=False)
    return fig


def trend_lines(by_period: pd.DataFrame, title: str = "Share of replies by kind over time") -> Figure:
    """Lines of each kind's share per period, plus the templated share dashed."""
    fig, ax = _figure(7.5, 3.4)
    if len(by_period):
        x = [str(p) for p in by_period.index]
        for kind in KINDS:
            ax.plot(
                x, by_period[f"{kind}_share"].astype(float), marker="o", color=KIND_COLORS[kind], label=kind
            )
        ax.plot(
            x, by_period["templated_share"].astype(float), linestyle="--", color="#444444", label="templated"
        )
        if len(x) > 8:
            ax.tick_params(axis="x", labelrotation=45)
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(lambda y, _pos: f"{y:.0%}")
    ax.set_title(title, loc="left")
    ax.legend(
        ncols=5,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.15 if len(by_period) <= 8 else -0.3),
        frameon=False,
        fontsize=9,
    )
    return fig


def channels_bar(by_channel: pd.DataFrame, title: str = "Kinds of reply per channel") -> Figure:
    return agents_stacked(by_channel, top=12, title=title)


def png_bytes(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
