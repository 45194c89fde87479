"""How figures and text are written for people: one set of formatters for every output."""

from __future__ import annotations

import re
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


# C0/C1 control characters (ESC starts terminal sequences, BEL rings), kept out of every output.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Characters Markdown reads as markup: without brackets no link or image ([x](url), ![x](url)).
_MD_MARKUP = re.compile(r"([\\`*_\[\]])")


def plain(text: Any) -> str:
    """Text with control characters dropped (terminal escapes, bells, NULs).

    >>> plain("Tom\\x1b]0;pwned\\x07 Ray")
    'Tom]0;pwned Ray'
    """
    return _CONTROLS.sub("", str(text))


def md_escape(text: Any) -> str:
    """Text safe in a Markdown table cell or paragraph: no HTML, no links or images, no emphasis.

    >>> md_escape("a | <b>\\nnext")
    'a \\\\| &lt;b&gt; next'
    >>> md_escape("![b](http://evil.example/x.png)")
    '!\\\\[b\\\\](http://evil.example/x.png)'
    """
    text = " ".join(plain(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_MARKUP.sub(r"\\\1", text).replace("|", "\\|")


def chart_label(text: Any) -> str:
    """Text safe as a matplotlib label: ``$`` would start mathtext (and crash on "$$ 50% $$").

    >>> chart_label("Promo $$ 50% off")
    'Promo \\\\$\\\\$ 50% off'
    """
    return plain(text).replace("$", "\\$")


def terminal_text(text: Any) -> str:
    """Text safe in rich console output: no markup (``[/b]`` would end a tag), no control characters.

    >>> terminal_text("[/b] Tom\\x1b[2J")
    '\\\\[/b] Tom[2J'
    """
    from rich.markup import escape

    return escape(plain(text))


def shorten(text: Any, width: int = 90) -> str:
    """One line of at most ``width`` characters, cut with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"
