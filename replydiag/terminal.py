"""Terminal rendering for the CLI (rich). Only the CLI imports this module."""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd
from rich.console import Console
from rich.table import Table

from .formatting import pct, shorten
from .formatting import terminal_text as safe
from .models import KINDS

Justify = Literal["left", "right"]
KIND_STYLE = {"automatic": "magenta", "template": "yellow", "edited": "cyan", "personal": "green"}


def short_names(names: list[str]) -> tuple[list[str], str]:
    """Agent names without the brand account they all share (``SpotifyCares/AB`` -> ``AB``),
    so names never print as the same cut prefix; and the shared part.

    >>> short_names(["SpotifyCares/AB", "SpotifyCares/JM"])
    (['AB', 'JM'], 'SpotifyCares/')
    >>> short_names(["Anna Rossi", "Anna Bianchi"])
    (['Anna Rossi', 'Anna Bianchi'], '')
    """
    if len(names) < 2 or not all("/" in n for n in names):
        return names, ""
    prefix = names[0].split("/", 1)[0] + "/"
    if not all(n.startswith(prefix) for n in names):
        return names, ""
    return [n[len(prefix) :] or n for n in names], prefix


def render_audit(console: Console, result, *, top: int = 10, agents: int = 12) -> None:
    summary = result.summary()
    acc = summary["accounting"]
    overall = summary["overall"]
    sources = ", ".join(f"{safe(s['file'])} ({s['format']})" for s in summary["sources"])
    console.print(f"[bold]replydiag audit[/bold] of {sources}")
    console.print(
        f"{overall['replies']:,} agent replies analysed · templated {pct(overall['templated_share'])} · "
        f"personal {pct(overall['shares']['personal'])} · {summary['templates']:,} templates"
    )

    kinds = Table(title="Replies by kind", title_justify="left")
    kinds.add_column("kind")
    kinds.add_column("replies", justify="right")
    kinds.add_column("share", justify="right")
    for kind in KINDS:
        if kind == "automatic" and not overall["counts"][kind]:
            continue  # as in the reports: a Twitter archive cannot mark a bot, and "0%" would read as a finding
        kinds.add_row(
            f"[{KIND_STYLE[kind]}]{kind}[/]", f"{overall['counts'][kind]:,}", pct(overall["shares"][kind])
        )
    console.print(kinds)

    if len(result.templates):
        table = Table(
            title=f"Top templates ({min(top, len(result.templates))} of {len(result.templates):,})",
            title_justify="left",
        )
        # An export of many brands names each template's brand: a stock line is read as whose.
        by_account = "account" in result.templates
        table.add_column("id", no_wrap=True)
        if by_account:
            table.add_column("account", overflow="fold")
        table.add_column("replies", justify="right", no_wrap=True)
        table.add_column("agents", justify="right", no_wrap=True)
        table.add_column("template", overflow="fold", ratio=1)  # wrapped, never cut
        for _, row in result.templates.head(top).iterrows():
            table.add_row(
                row["template_id"],
                *([safe(str(row["account"]))] if by_account else []),
                f"{row['replies']:,}",
                str(row["agents"]),
                safe(shorten(row["template_text"], 400)),
            )
        console.print(table)

    per_account = result.by_account()
    if len(per_account):  # an export of several brands: each brand's share first
        console.print(_shares_table(console, per_account, "Per brand account", "account", agents))
    console.print(_shares_table(console, result.by_agent(), "Per agent", "agent", agents))
    _render_followed(console, summary.get("impact", {}))
    render_accounting(console, acc)


def _shares_table(console: Console, table: pd.DataFrame, title: str, noun: str, top: int) -> Table:
    """The busiest ``top`` rows of a breakdown (per agent, per account), their shares of kinds."""
    names, shared = short_names([str(a) for a in table.head(top).index])
    title = f"{title} (top {min(top, len(table))} of {len(table):,} by replies)"
    if shared:
        title += f", all {safe(shared)}…"
    shares = Table(title=title, title_justify="left")
    shares.add_column(noun, overflow="fold")
    shares.add_column("replies", justify="right", no_wrap=True)
    # A narrow terminal (80 columns, any pipe) gets the shares that matter, not every kind.
    shown = KINDS if console.width >= 100 else ("edited", "personal")
    for kind in shown:
        shares.add_column(kind, justify="right", no_wrap=True)
    shares.add_column("templated", justify="right", no_wrap=True)
    for name, (_, row) in zip(names, table.head(top).iterrows()):
        shares.add_row(
            safe(name),
            f"{int(row['replies']):,}",
            *[pct(row[f"{k}_share"]) for k in shown],
            pct(row["templated_share"]),
        )
    return shares


def _render_followed(console: Console, impact: dict[str, Any]) -> None:
    """Two lines: frustrated follow-ups after templated and after personal replies."""
    if "skipped" in impact:
        console.print(f"[dim]What followed the replies: not shown ({safe(impact['skipped'])}).[/dim]")
        return
    rows = impact.get("templated_vs_personal", {}).get("all", {})
    parts = []
    for group in ("templated", "personal"):
        row = rows.get(group)
        if not row or row["frustrated_rate"] is None:
            continue
        low, high = row["frustrated_interval"]
        parts.append(
            f"after {group} replies (n={row['replies']:,}) the customer wrote again {pct(row['followed_up_rate'])}, "
            f"frustrated {pct(row['frustrated_rate'])} (95% CI {pct(low)}–{pct(high)})"
        )
    if parts:
        console.print("What followed: " + "; ".join(parts) + ". An association, not a cause.")


def render_accounting(console: Console, acc: dict[str, Any]) -> None:
    skipped = ", ".join(f"{reason} {count:,}" for reason, count in acc["skipped_by_reason"].items())
    console.print(
        f"Rows: {acc['rows_read']:,} read = {acc['replies_analysed']:,} agent replies analysed"
        f" + {acc['customer_messages']:,} customer messages + {acc['rows_skipped']:,} skipped"
        + (f" ({skipped})" if skipped else "")
    )
    for warning in acc.get("warnings", []):
        console.print(f"[bold yellow]warning:[/] {safe(warning)}")
    for note in acc.get("notes", []):
        console.print(f"[dim]note: {safe(note)}[/dim]")


def render_inspect(console: Console, export, examples: list[dict[str, str]], boilerplate=None) -> None:
    for source in export.sources:
        console.print(
            f"[bold]{safe(source['file'])}[/bold]: {source['format_title']} ({source['format']}), "
            f"encoding {source['encoding']}"
            + (f", delimiter {safe(repr(source['delimiter']))}" if source.get("delimiter") else "")
        )
        table = Table(title="Columns chosen", title_justify="left")
        table.add_column("field")
        table.add_column("column")
        table.add_column("confidence")
        for name, choice in source["fields"].items():
            table.add_row(name, safe(choice["column"]), choice["confidence"])
        console.print(table)
    render_accounting(console, export.accounting.to_dict())
    if boilerplate is not None and len(boilerplate):
        table = Table(title="Boilerplate learned (taken off before matching)", title_justify="left")
        for column in ("agent", "edge", "words"):
            table.add_column(column)
        for row in boilerplate.itertuples():
            table.add_row(safe(row.agent), row.edge, safe(shorten(str(row.words), 80)))
        console.print(table)
    elif boilerplate is not None:
        console.print("No boilerplate learned: no agent opens or ends most replies with the same words.")
    for i, example in enumerate(examples, 1):
        console.print(
            f"[bold]example {i}[/bold] · {safe(example['agent'])} · {example['created_at']}: "
            f"{safe(shorten(example['text'], 160))}"
        )


def render_periods(console: Console, periods) -> None:
    table = Table(title="Periods", title_justify="left")
    columns: tuple[tuple[str, Justify], ...] = (
        ("period", "left"),
        ("replies", "right"),
        ("templated", "right"),
        ("change", "right"),
        ("report", "left"),
    )
    for col, justify in columns:
        table.add_column(col, justify=justify)
    for p in periods:
        change = "—" if p.change_pp is None else f"{p.change_pp:+.1f} pp"
        replies = f"{p.replies:,}" + (" partial" if p.partial else "")
        table.add_row(safe(p.period), replies, pct(p.templated_share), change, safe(p.path))
    console.print(table)
    if any(p.partial for p in periods):
        # A reply count that covers a few days of a week reads as a fall in volume otherwise.
        console.print(
            "partial: the history starts or ends inside the period; its replies cover only those days"
        )
