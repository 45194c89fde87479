"""How an ``AuditResult`` shows itself in a notebook: a compact, escaped HTML summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import escape

from .formatting import pct

if TYPE_CHECKING:
    from .result import AuditResult


def result_html(result: AuditResult) -> str:
    """A compact HTML summary of an ``AuditResult`` (reply and template text escaped)."""
    summary = result.summary()
    overall = summary["overall"]
    rows = "".join(
        f"<tr><td>{kind}</td><td style='text-align:right'>{overall['counts'][kind]:,}</td>"
        f"<td style='text-align:right'>{pct(overall['shares'][kind])}</td></tr>"
        for kind in overall["counts"]
    )
    top = "".join(
        f"<li><code>{escape(t.template_id)}</code> ({t.replies}): {escape(t.template_text)}</li>"
        for t in result.templates.head(5).itertuples()
    )
    return (
        f"<div><b>replydiag</b>: {overall['replies']:,} agent replies, "
        f"{pct(overall['templated_share'])} templated, {summary['templates']} templates"
        f"<table><tr><th>kind</th><th>replies</th><th>share</th></tr>{rows}</table>"
        f"<p>Top templates:</p><ol>{top}</ol></div>"
    )
