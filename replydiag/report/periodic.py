"""Scheduled runs: one report per period, compared with the period before, history kept.

Runs are separate in real life (a new export each week), so the output folder keeps
``history/replies.csv.gz`` (one row per analysed reply, masked text only) and
``history/templates.csv`` (the template registry keyed by the content-derived id). Each run
merges its replies into the history by (reply_id, conversation_id), so an export that
overlaps an earlier one replaces those replies instead of counting them twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..files import atomic_path, safe_frame, write_text
from ..metrics import breakdown, period_labels, shares
from .build import build_report
from .render import render_index_html, render_index_markdown
from .write import write_report

HISTORY_COLUMNS = (
    "reply_id",
    "conversation_id",
    "agent",
    "channel",
    "created_at",
    "kind",
    "template_id",
    "masked",
)


@dataclass(frozen=True)
class PeriodSummary:
    period: str
    replies: int
    templated_share: float
    change_pp: float | None
    path: str


def _read_history(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    replies_path, templates_path = folder / "replies.csv.gz", folder / "templates.csv"
    replies = pd.DataFrame(columns=list(HISTORY_COLUMNS))
    templates = pd.DataFrame(columns=["template_id", "template_text", "first_seen", "last_seen"])
    if replies_path.exists():
        replies = pd.read_csv(replies_path, dtype=str, keep_default_na=False, na_values=[""])
        replies["created_at"] = pd.to_datetime(replies["created_at"], utc=True, errors="coerce")
    if templates_path.exists():
        templates = pd.read_csv(templates_path, dtype=str, keep_default_na=False, na_values=[""])
    return replies, templates


def _write_history(folder: Path, replies: pd.DataFrame, templates: pd.DataFrame) -> None:
    out = replies[list(HISTORY_COLUMNS)].copy()
    out["created_at"] = out["created_at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    out["kind"] = out["kind"].astype(str)
    with atomic_path(folder / "replies.csv.gz") as tmp:
        out.to_csv(tmp, index=False, compression="gzip")
    with atomic_path(folder / "templates.csv") as tmp:
        templates.to_csv(tmp, index=False)


def merge_history(history: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """History plus this run's replies; a reply seen again (same id and conversation) is replaced."""
    current = current.copy()
    current["kind"] = current["kind"].astype(str)
    history = history.copy()
    history["text"] = pd.NA  # raw text is never kept between runs
    combined = pd.concat([history, current], ignore_index=True) if len(history) else current
    combined["created_at"] = pd.to_datetime(combined["created_at"], utc=True)
    return combined.drop_duplicates(subset=["reply_id", "conversation_id"], keep="last").reset_index(
        drop=True
    )


def merge_registry(registry: pd.DataFrame, templates: pd.DataFrame) -> pd.DataFrame:
    fresh = pd.DataFrame(
        {
            "template_id": templates["template_id"].astype(str),
            "template_text": templates["template_text"].astype(str),
            "first_seen": safe_frame(templates[["first_seen"]])["first_seen"],
            "last_seen": safe_frame(templates[["last_seen"]])["last_seen"],
        }
    )
    both = pd.concat([registry, fresh], ignore_index=True)
    grouped = both.groupby("template_id", sort=False)
    merged = pd.DataFrame(
        {
            "template_text": grouped["template_text"].last(),
            "first_seen": grouped["first_seen"].min(),
            "last_seen": grouped["last_seen"].max(),
        }
    ).reset_index()
    return merged


def run_periodic(
    result,
    out_dir: str | Path,
    *,
    period: str = "week",
    show_raw: bool = False,
    title: str = "Customer care: templated vs personal",
) -> list[PeriodSummary]:
    """Write ``DIR/<period>/report.{md,html}`` for every period with replies, plus ``DIR/index.{md,html}``."""
    out = Path(out_dir)
    history_dir = out / "history"
    history, registry = _read_history(history_dir)
    rows = merge_history(history, result.replies)
    registry = merge_registry(registry, result.templates)
    dated = rows.dropna(subset=["created_at"]).copy()
    dated["period"] = period_labels(dated["created_at"], period).to_numpy()
    periods = sorted(dated["period"].unique())
    trend = breakdown(dated, dated["period"].rename("period")).sort_index()
    touched = (
        set(period_labels(result.replies["created_at"].dropna(), period)) if len(result.replies) else set()
    )

    summaries: list[PeriodSummary] = []
    seen_templates: set[str] = set()
    previous_rows, previous_label = None, None
    for label in periods:
        current = dated[dated["period"] == label]
        if label in touched or not (out / label / "report.md").exists():
            report = build_report(
                current,
                registry,
                title=f"{title} — {label}",
                period=label,
                previous=previous_rows,
                previous_period=previous_label,
                trend=trend.loc[:label],
                earlier_template_ids=set(seen_templates),
                show_raw=show_raw,
            )
            write_report(report, out / label)
        now = shares(current)["templated_share"]
        before: float | None = shares(previous_rows)["templated_share"] if previous_rows is not None else None
        summaries.append(
            PeriodSummary(
                label,
                len(current),
                now,
                None if before is None else round(100 * (now - before), 1),
                f"{label}/report.html",
            )
        )
        seen_templates |= set(current["template_id"].dropna())
        previous_rows, previous_label = current, label

    _write_history(history_dir, rows, registry)
    write_text(out / "index.md", render_index_markdown(title, summaries))
    write_text(out / "index.html", render_index_html(title, summaries))
    return summaries
