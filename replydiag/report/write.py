"""Where report files go: ``report.md`` with PNG charts beside it, ``report.html`` self-contained."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from ..charts import agents_stacked, channels_bar, png_bytes, shares_bar, trend_lines
from ..files import write_bytes, write_text
from .build import Report
from .render import render_html, render_markdown


def report_charts(report: Report) -> dict[str, Figure]:
    """The charts a report shows (trend only with two periods or more)."""
    import pandas as pd

    charts = {"shares": shares_bar(pd.Series({k.kind: k.share for k in report.kinds}))}
    if len(report.trend) >= 2:
        charts["trend"] = trend_lines(report.trend, min_replies=report.min_replies)
    if len(report.by_agent):
        charts["agents"] = agents_stacked(report.by_agent)
    if len(report.by_channel) > 1:
        charts["channels"] = channels_bar(report.by_channel)
    return charts


def write_report(report: Report, out_dir: str | Path) -> dict[str, Path]:
    """Write ``report.md``, ``charts/*.png`` and ``report.html`` into ``out_dir``."""
    out = Path(out_dir)
    pngs = {name: png_bytes(fig) for name, fig in report_charts(report).items()}
    written = {}
    for name, png in pngs.items():
        written[f"chart_{name}"] = write_bytes(out / "charts" / f"{name}.png", png)
    written["markdown"] = write_text(
        out / "report.md", render_markdown(report, {n: f"charts/{n}.png" for n in pngs})
    )
    written["html"] = write_text(out / "report.html", render_html(report, pngs))
    return written
