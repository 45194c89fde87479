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
from markupsafe import escape

from .. import __version__
from ..charts import KIND_COLORS
from .build import Report

_ENV = jinja2.Environment(
    loader=jinja2.FunctionLoader(lambda name: resources.files(__package__).joinpath("templates", name).read_text("utf-8")),
    autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
    keep_trailing_newline=True,
    trim_blocks=False,
    undefined=jinja2.StrictUndefined,
)


def _pct(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{100 * float(value):.1f}%"


def _pp(value) -> str:
    value = round(float(value), 1) or 0.0  # never print "-0.0"
    return f"{value:+.1f} pp"


def _signed(value) -> str:
    return f"{value:+d}"


def md_escape(text) -> str:
    """Text safe in a Markdown table cell or paragraph.

    >>> md_escape("a | <b>\\nnext")
    'a \\\\| &lt;b&gt; next'
    """
    text = " ".join(str(text).split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def _rows(frame: pd.DataFrame, top: int = 20):
    return [(index, row) for index, row in frame.head(top).iterrows()]


def _context(report: Report, charts: dict[str, str]) -> dict:
    personal = next(k.share for k in report.kinds if k.kind == "personal")
    return {
        "r": report,
        "charts": defaultdict(str, charts),  # a chart left out renders as absent
        "agents": _rows(report.by_agent),
        "channels": _rows(report.by_channel),
        "pct": _pct, "pp": _pp, "signed": _signed, "md": md_escape, "personal_share": personal,
        "colors": KIND_COLORS, "version": __version__,
    }


def render_markdown(report: Report, charts: dict[str, str] | None = None) -> str:
    """Markdown; ``charts`` maps chart names (shares, trend, agents) to image paths beside the file."""
    return _ENV.get_template("report.md.j2").render(**_context(report, charts or {}))


def render_html(report: Report, charts: dict[str, bytes] | None = None) -> str:
    """One self-contained HTML page; ``charts`` are PNG bytes, embedded as data URIs."""
    encoded = {name: base64.b64encode(png).decode("ascii") for name, png in (charts or {}).items()}
    return _ENV.get_template("report.html.j2").render(**_context(report, encoded))


def render_result_html_snippet(result) -> str:
    """A compact HTML summary of an ``AuditResult`` for notebooks (escaped)."""
    summary = result.summary()
    overall = summary["overall"]
    rows = "".join(
        f"<tr><td>{kind}</td><td style='text-align:right'>{overall['counts'][kind]:,}</td>"
        f"<td style='text-align:right'>{_pct(overall['shares'][kind])}</td></tr>"
        for kind in overall["counts"]
    )
    top = "".join(
        f"<li><code>{escape(t.template_id)}</code> ({t.replies}): {escape(t.template_text)}</li>"
        for t in result.templates.head(5).itertuples()
    )
    return (
        f"<div><b>replydiag</b>: {overall['replies']:,} agent replies, "
        f"{_pct(overall['templated_share'])} templated, {summary['templates']} templates"
        f"<table><tr><th>kind</th><th>replies</th><th>share</th></tr>{rows}</table>"
        f"<p>Top templates:</p><ol>{top}</ol></div>"
    )
