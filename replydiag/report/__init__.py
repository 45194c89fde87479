"""Reports a manager reads: one period (or the whole range) as Markdown and self-contained HTML.

``build`` turns analysed replies into a ``Report`` (typed figures, no text); ``render``
turns a ``Report`` into Markdown or HTML (pure functions); ``periodic`` keeps the history
between scheduled runs and writes one report per period plus an index.
"""

from .build import Report, build_report
from .render import render_html, render_markdown

__all__ = ["Report", "build_report", "render_html", "render_markdown"]
