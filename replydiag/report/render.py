"""Pure renderers: a ``Report`` in, Markdown or self-contained HTML out.

HTML is rendered by Jinja2 with autoescaping on, so reply text (``<script>``, ``<img
onerror>``) always shows as text. Markdown cells escape ``<``, ``>``, ``&`` and ``|`` for the
same reason, since many Markdown viewers pass raw HTML through.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from importlib import resources

import jinja2
import pandas as pd

from ..charts import KIND_COLORS
from ..formatting import md_escape, pct, plain, pp, signed
from ..version import __version__
from .build import Report

_ENV = jinja2.Environment(
    loader=jinja2.FunctionLoader(
        lambda name: resources.files(__package__).joinpath("templates").joinpath(name).read_text("utf-8")
    ),
    autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
    keep_trailing_newline=True,
    trim_blocks=False,
    undefined=jinja2.StrictUndefined,
    # Every value printed in a report loses its control characters (terminal escapes, bells).
    finalize=lambda value: plain(value) if type(value) is str else value,  # Markup stays as it is
)


def _rows(frame: pd.DataFrame, top: int = 20):
    return [(index, row) for index, row in frame.head(top).iterrows()]


def _context(report: Report, charts: dict[str, str]) -> dict:
    personal = next(k.share for k in report.kinds if k.kind == "personal")
    return {
        "r": report,
        "charts": defaultdict(str, charts),  # a chart left out renders as absent
        "agents": _rows(report.agents_ranked),
        "accounts": _rows(report.accounts_ranked),
        "by_template": _rows(report.template_by_agent),
        "channels": _rows(report.by_channel),
        "pct": pct,
        "pp": pp,
        "signed": signed,
        "md": md_escape,
        "personal_share": personal,
        "colors": KIND_COLORS,
        "version": __version__,
    }


def render_markdown(report: Report, charts: dict[str, str] | None = None) -> str:
    """Markdown; ``charts`` maps chart names (shares, trend, agents) to image paths beside the file."""
    return _ENV.get_template("report.md.j2").render(**_context(report, charts or {}))


def render_html(report: Report, charts: dict[str, bytes] | None = None) -> str:
    """One self-contained HTML page; ``charts`` are PNG bytes, embedded as data URIs."""
    encoded = {name: base64.b64encode(png).decode("ascii") for name, png in (charts or {}).items()}
    return _ENV.get_template("report.html.j2").render(**_context(report, encoded))


def _change(value: float | None) -> str:
    return "—" if value is None else pp(value)


def _index_context(title: str, periods: list, min_replies: int) -> dict:
    # Newest period first; ``periods`` are ``PeriodSummary`` values in time order.
    return {
        "title": title,
        "min_replies": min_replies,
        "periods": list(reversed(periods)),
        "pct": pct,
        "change": _change,
        "md": md_escape,
    }


def render_index_markdown(title: str, periods: list, min_replies: int = 30) -> str:
    """The Markdown index of a report folder: one line per period, newest first."""
    return _ENV.get_template("index.md.j2").render(**_index_context(title, periods, min_replies))


def render_index_html(title: str, periods: list, min_replies: int = 30) -> str:
    """The HTML index of a report folder: one line per period, newest first."""
    return _ENV.get_template("index.html.j2").render(**_index_context(title, periods, min_replies))
