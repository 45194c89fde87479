"""What ``replydiag audit --out DIR`` writes: the audit's files and its report, in one call.

``replies.csv`` (one row per reply, with its exported text unless redacted, formula-safe for
spreadsheets) and ``replies.parquet`` (the same rows as they are, for pandas), ``templates.csv``,
``summary.json``, and ``report.html`` / ``report.md`` for the whole range. A notebook makes the
same call (``replydiag.write_audit``) and gets the same files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..files import WRITE_ROWS, staged_folder, write_csv, write_csv_chunks, write_json
from ..impact import IMPACT_COLUMNS
from ..memory import release_memory
from ..phrases import PHRASE_COLUMNS
from ..pipeline import TEMPLATE_COLUMNS
from .build import build_report, coverage_of
from .write import write_report

if TYPE_CHECKING:
    from ..result import AuditResult

Progress = Callable[[str, int, int], None]
TITLE = "Customer care: templated vs personal"

REPLIES_CSV_COLUMNS = (
    "reply_id",
    "conversation_id",
    "agent",
    "account",  # only in an export analysed account by account
    "channel",
    "created_at",
    "kind",
    "template_id",
    "similarity",
    "template_share",
    "stock_share",
    "helpdesk_template",
    "source",
    "part_of",
    "customer_followed_up",
    "followup_minutes",
    "followup_signal",
    "text",
)
TEMPLATES_CSV_COLUMNS = TEMPLATE_COLUMNS  # phrases.csv: PHRASE_COLUMNS


def _with_account(columns: tuple[str, ...], table: pd.DataFrame) -> tuple[str, ...]:
    """The columns, with the brand account after the id where the export was analysed account
    by account (``replydiag.teams``)."""
    if "account" not in table:
        return columns
    return (columns[0], "account", *columns[1:])


def write_audit(
    result: AuditResult,
    out_dir: str | Path,
    *,
    report: bool = True,
    redact: bool = False,
    show_raw: bool = False,
    progress: Progress | None = None,
) -> dict[str, Path]:
    """Write the output contract of ``replydiag audit`` into ``out_dir``; returns the paths written.

    ``redact`` leaves the reply text out of ``replies.csv``; ``show_raw`` shows example replies
    unmasked in the report (only where the text was kept: not for exports read in chunks).
    For an export read in chunks the text is read again from the files (``progress(stage,
    done, total)`` follows it).
    """
    final = Path(out_dir)
    with staged_folder(final) as out:
        written = _write_set(result, out, report=report, redact=redact, show_raw=show_raw, progress=progress)
    return {name: final / path.relative_to(out) for name, path in written.items()}


def _write_set(
    result: AuditResult, out: Path, *, report: bool, redact: bool, show_raw: bool, progress: Progress | None
) -> dict[str, Path]:
    # Enrichments the export cannot give (no help-desk macro field, no multi-part replies, no
    # customer messages) are left out rather than written as columns of nothing.
    def unknown(column: str) -> bool:
        return column not in result.replies or bool(result.replies[column].isna().all())

    empty = {c for c in ("helpdesk_template", "part_of", "account") if unknown(c)}
    if unknown("customer_followed_up"):  # an empty signal column alone says "no signal"
        empty |= {"customer_followed_up", "followup_minutes", "followup_signal"}
    columns = tuple(c for c in REPLIES_CSV_COLUMNS if not (redact and c == "text") and c not in empty)
    pieces = [result.replies] if redact or result.has_text else _replies_with_text(result, columns, progress)
    replies = write_csv_chunks(out / "replies.csv", pieces, columns, exact_copy=out / "replies.parquet")
    release_memory()  # the written pieces' buffers: the report starts from the replies alone
    written = {
        "replies": replies,
        "replies_exact": out / "replies.parquet",
        "templates": write_csv(
            out / "templates.csv", result.templates, _with_account(TEMPLATES_CSV_COLUMNS, result.templates)
        ),
        "phrases": write_csv(
            out / "phrases.csv", result.phrases, _with_account(PHRASE_COLUMNS, result.phrases)
        ),
        "summary": write_json(out / "summary.json", result.summary()),
    }
    impact = result.impact() if result.impact_skipped is None else None
    if impact is not None:
        written["impact"] = write_csv(out / "impact.csv", impact, IMPACT_COLUMNS)
    if report:
        if progress is not None:
            progress("writing the report", 0, len(result.replies))
        built = build_report(
            result.replies,
            result.templates,
            phrases=result.phrases,
            title=TITLE,
            trend=result.by_period("month"),
            show_raw=show_raw and result.has_text,
            accounting=result.accounting.to_dict(),
            coverage=coverage_of(
                result.replies, sources=[s["file"] for s in result.sources], settings=result.settings
            ),
            min_replies=result.settings.min_replies,
            impact=impact,
            impact_skipped=result.impact_skipped,
        )
        files = write_report(built, out)
        if progress is not None:
            progress("writing the report", len(result.replies), len(result.replies))
        written.update({"html": files["html"], "markdown": files["markdown"]})
    return written


def _replies_with_text(
    result: AuditResult, columns: tuple[str, ...], progress: Progress | None
) -> Iterator[pd.DataFrame]:
    """Slices of ``result.replies`` with their exported text, chunk by chunk."""
    meta = [c for c in columns if c != "text"]
    total = len(result.replies)
    for start, texts in result.reply_texts():
        # A chunk of tiny rows is millions of them: its replies are copied a slice at a time.
        for at in range(0, max(len(texts), 1), WRITE_ROWS):
            end = min(at + WRITE_ROWS, len(texts))
            piece = result.replies.iloc[start + at : start + end][meta].reset_index(drop=True)
            piece["text"] = texts.iloc[at:end].reset_index(drop=True).astype("string")
            yield piece
        if progress:
            progress("writing replies.csv", start + len(texts), total)
