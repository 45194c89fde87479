"""How figures and text are written for people: one set of formatters for every output."""

from __future__ import annotations

from typing import Any

import pandas as pd


def pct(value: Any) -> str:
    """A share as a percentage with one decimal; missing as a dash.

    >>> pct(0.1234), pct(None)
    ('12.3%', '—')
    """
    return "—" if value is None or pd.isna(value) else f"{100 * float(value):.1f}%"


def pp(value: Any) -> str:
    """A change in percentage points, signed, never "-0.0".

    >>> pp(-0.04), pp(2.25)
    ('+0.0 pp', '+2.2 pp')
    """
    value = round(float(value), 1) or 0.0
    return f"{value:+.1f} pp"


def signed(value: int) -> str:
    return f"{value:+d}"


def md_escape(text: Any) -> str:
    """Text safe in a Markdown table cell or paragraph.

    >>> md_escape("a | <b>\\nnext")
    'a \\\\| &lt;b&gt; next'
    """
    text = " ".join(str(text).split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def shorten(text: Any, width: int = 90) -> str:
    """One line of at most ``width`` characters, cut with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"
