"""Scheduled runs: one report per period, compared with the period before, history kept.

Runs are separate in real life (a new export each week), so the output folder keeps
``history/replies.csv.gz`` (one row per analysed reply, masked text only: slots, and the
capitalised words the team seldom writes, as in report examples) and
``history/templates.csv`` (the template registry keyed by the content-derived id). Each run
merges its replies into the history by ``reply_key``: the export's own message id (within its
conversation, where the export names one), or, for exports without ids, a fingerprint of who
sent what when. An export that overlaps an earlier one replaces those replies instead of
counting them twice, and row 1 of this week's file never replaces row 1 of last week's.
Runs on one folder take turns (a lock file), so a cron run and a manual rerun both land.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import OutputError
from ..files import (
    atomic_path,
    escape_formulas,
    folder_lock,
    safe_frame,
    staged_folder,
    unescape_formulas,
    write_json,
    write_text,
)
from ..impact import impact_table, period_impact_skipped
from ..metrics import breakdown, period_before, period_labels, period_span, shares
from ..phrases import phrases_of_replies
from .build import build_report, coverage_of, day
from .rare_words import Vocabulary
from .render import render_index_html, render_index_markdown
from .write import write_report

HISTORY_COLUMNS = (
    "reply_key",
    "source",
    "reply_id",
    "conversation_id",
    "agent",
    "account",  # empty but in an export analysed account by account
    "channel",
    "created_at",
    "kind",
    "template_id",
    "masked",
    "phrase_ids",
    # What followed each reply, so that every period's report can say it whichever run read it.
    "customer_followed_up",
    "followup_minutes",
    "followup_signal",
    "conversation_ended",
    "satisfied",
)
_FLAGS = ("customer_followed_up", "conversation_ended", "satisfied")


@dataclass(frozen=True)
class PeriodSummary:
    period: str
    replies: int
    templated_share: float
    change_pp: float | None  # vs the period just before, when both hold enough replies
    path: str
    dates: tuple[str, str] = ("", "")  # first and last day of the period
    small: bool = False  # fewer replies than ``Settings.min_replies``
    # The days its replies cover, when the history starts or ends inside the period (the
    # export's first or last week, the week still running): its count is of those days only.
    partial: tuple[str, str] | None = None


def _partial(
    created_at: pd.Series, span: tuple[str, str], first_day: str, last_day: str
) -> tuple[str, str] | None:
    """The days a period's replies cover, when the history starts after the period's first
    day or ends before its last (``None`` when the period is whole as far as the history
    goes). Days are compared as ISO strings, which sort as dates.

    >>> when = pd.Series(pd.to_datetime(["2015-10-12 09:00", "2015-10-15 18:00"], utc=True))
    >>> _partial(when, ("2015-10-12", "2015-10-18"), "2015-10-01", "2015-10-15")
    ('2015-10-12', '2015-10-15')
    >>> _partial(when, ("2015-10-12", "2015-10-18"), "2015-10-01", "2015-10-20") is None
    True
    """
    if not (span[0] < first_day or last_day < span[1]) or not len(created_at):
        return None
    return day(created_at.min()), day(created_at.max())


PHRASE_REGISTRY = "phrases.csv"  # phrase_id, phrase_text: the texts of the phrases in the history


def _read_phrase_texts(folder: Path) -> pd.DataFrame:
    path = folder / PHRASE_REGISTRY
    if not path.exists():
        return pd.DataFrame(columns=["phrase_id", "phrase_text"])
    return unescape_formulas(pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""]))


def _merge_phrase_texts(known: pd.DataFrame, phrases: pd.DataFrame) -> pd.DataFrame:
    columns = ["phrase_id", *(["account"] if "account" in phrases else []), "phrase_text"]
    fresh = phrases[columns].astype(str) if len(phrases) else known.iloc[0:0]
    merged = pd.concat([known, fresh], ignore_index=True).drop_duplicates("phrase_id", keep="last")
    merged = merged[[c for c in ("phrase_id", "account", "phrase_text") if c in merged]]
    return merged.sort_values("phrase_id").reset_index(drop=True)


def _read_history(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    replies_path, templates_path = folder / "replies.csv.gz", folder / "templates.csv"
    replies = pd.DataFrame(columns=list(HISTORY_COLUMNS))
    templates = pd.DataFrame(columns=["template_id", "template_text", "first_seen", "last_seen"])
    if replies_path.exists():
        replies = pd.read_csv(replies_path, dtype=str, keep_default_na=False, na_values=[""])
        replies = unescape_formulas(replies)
        for flag in _FLAGS:  # True/False/empty as written; a history from before has none
            known = replies[flag] if flag in replies else pd.Series(pd.NA, index=replies.index)
            replies[flag] = known.map({"True": True, "False": False}).astype("boolean")
        if "followup_minutes" in replies:
            replies["followup_minutes"] = pd.to_numeric(replies["followup_minutes"], errors="coerce")
        replies["created_at"] = pd.to_datetime(replies["created_at"], utc=True, errors="coerce")
        if "source" not in replies:  # a history written before sources were kept
            replies["source"] = "earlier runs"
        if "reply_key" not in replies:  # a history written before keys: its ids were the export's
            replies["reply_key"] = "id:" + replies["conversation_id"].fillna("") + ":" + replies["reply_id"]
    if templates_path.exists():
        templates = pd.read_csv(templates_path, dtype=str, keep_default_na=False, na_values=[""])
    return replies, templates


def _write_history(folder: Path, replies: pd.DataFrame, templates: pd.DataFrame) -> None:
    out = replies.reindex(columns=list(HISTORY_COLUMNS)).copy()
    out["created_at"] = out["created_at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    out["kind"] = out["kind"].astype(str)
    with atomic_path(folder / "replies.csv.gz") as tmp:
        # Formula-safe as every CSV a spreadsheet may open, and read back exactly next run.
        escape_formulas(out).to_csv(tmp, index=False, compression="gzip")
    with atomic_path(folder / "templates.csv") as tmp:
        safe_frame(templates).to_csv(tmp, index=False)  # a plain CSV a spreadsheet may open


def _names_masked(rows: pd.DataFrame, words: Vocabulary, *, fresh: pd.Series) -> pd.DataFrame:
    """``rows`` with the rare capitalised words of this run's texts (``fresh``) as ``{name}``.

    The slot rules miss a name mid-sentence ("Jessie is the real MVP!"), so the history, which
    outlives the export, keeps no more of it than a report example does. Earlier rows were
    masked when they were written; a reply's key was taken before, from the slot-masked text,
    so it stays the same whatever the vocabulary.
    """
    if not fresh.any():
        return rows
    masked = rows["masked"].astype("string").copy()
    texts = masked[fresh & masked.notna()]
    masked.loc[texts.index] = words.mask([str(text) for text in texts])
    return rows.assign(masked=masked)


def reply_keys(replies: pd.DataFrame, sources: list[dict]) -> pd.Series:
    """Which message each reply is, the same in every run and file.

    Where the export has message ids: ``id:<conversation>:<id>`` (the conversation only where
    the export names it). Without ids the row number would be the id, and row 1 of each file
    would be one reply: ``fp:<hash of agent, channel, date, masked text>:<occurrence>`` instead.
    """
    fields = {str(s["file"]): s.get("fields", {}) for s in sources}
    files = replies["source"].astype(str)
    own_id = files.map(lambda f: "reply_id" in fields.get(f, {})).astype(bool)
    own_conversation = files.map(lambda f: "conversation_id" in fields.get(f, {})).astype(bool)
    conversation = replies["conversation_id"].astype("string").fillna("").where(own_conversation, "")
    by_id = "id:" + conversation + ":" + replies["reply_id"].astype("string").fillna("")
    content = (
        replies["agent"].astype("string").fillna("")
        + "\x1f"
        + replies["channel"].astype("string").fillna("")
        + "\x1f"
        + replies["created_at"].astype("string").fillna("")
        + "\x1f"
        + replies["masked"].astype("string").fillna("")
    )
    digest = pd.Series(pd.util.hash_pandas_object(content, index=False).to_numpy(), index=replies.index)
    fingerprint = digest.map("{:016x}".format)
    occurrence = fingerprint.groupby(fingerprint).cumcount().astype(str)
    return by_id.where(own_id, "fp:" + fingerprint + ":" + occurrence).astype(str)


def merge_history(history: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """History plus this run's replies; a reply seen again (same ``reply_key``) is replaced."""
    current = current.copy()
    current["kind"] = current["kind"].astype(str)
    history = history.copy()
    history["text"] = pd.NA  # raw text is never kept between runs
    combined = pd.concat([history, current], ignore_index=True) if len(history) else current
    combined["created_at"] = pd.to_datetime(combined["created_at"], utc=True)
    return combined.drop_duplicates(subset=["reply_key"], keep="last").reset_index(drop=True)


def merge_registry(registry: pd.DataFrame, templates: pd.DataFrame) -> pd.DataFrame:
    fresh = pd.DataFrame(
        {
            "template_id": templates["template_id"].astype(str),
            "template_text": templates["template_text"].astype(str),
            "first_seen": safe_frame(templates[["first_seen"]])["first_seen"],
            "last_seen": safe_frame(templates[["last_seen"]])["last_seen"],
        }
    )
    if "account" in templates:  # an export analysed account by account (``replydiag.teams``)
        fresh.insert(1, "account", templates["account"].astype(str))
    both = pd.concat([registry, fresh], ignore_index=True)
    grouped = both.groupby("template_id", sort=False)
    merged = pd.DataFrame(
        {
            **({"account": grouped["account"].last()} if "account" in both else {}),
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
    append: bool = False,
) -> list[PeriodSummary]:
    """Write ``DIR/<period>/report.{md,html}`` for every period with replies, plus ``DIR/index.{md,html}``."""
    out = Path(out_dir)
    with folder_lock(out), staged_folder(out) as staging:
        history, registry = _read_history(out / "history")
        _check_same_reports(out, history, result, period, append)
        write_json(staging / MANIFEST, {"period": period})
        return _run_periodic(
            result, history, registry, out, staging, period=period, show_raw=show_raw, title=title
        )


MANIFEST = "replydiag-report.json"  # what a report folder holds: its period


def _check_same_reports(out: Path, earlier: pd.DataFrame, result, period: str, append: bool) -> None:
    """Refuse to mix exports in one report folder: another period, or another team (no agent
    and no template in common with the history). ``append`` merges them anyway."""
    manifest = out / MANIFEST
    if manifest.exists():
        try:
            held = json.loads(manifest.read_text(encoding="utf-8")).get("period")
        except (OSError, ValueError, AttributeError):
            held = None
        if held and held != period:
            raise OutputError(
                f"holds {held} reports; this run asks for {period} ones",
                path=out,
                hint=f"Use another --out folder, or --period {held}",
            )
    if append or earlier.empty or result.replies.empty:
        return
    agents = set(earlier["agent"].dropna()) & set(result.replies["agent"].dropna().astype(str))
    templates = set(earlier["template_id"].dropna()) & set(result.replies["template_id"].dropna().astype(str))
    if not agents and not templates:
        files = sorted(set(earlier["source"].dropna()) - {"earlier runs"})
        raise OutputError(
            "holds reports of other agents"
            + (f" (from {', '.join(files[:3])})" if files else "")
            + ": this export shares no agent and no template with them",
            path=out,
            hint="Use another --out folder for this team, or add --append to merge them",
        )


def _run_periodic(
    result,
    history: pd.DataFrame,
    registry: pd.DataFrame,
    out: Path,
    staging: Path,
    *,
    period: str,
    show_raw: bool,
    title: str,
) -> list[PeriodSummary]:
    """Merge this run into the history read from ``out``; write what changes into ``staging``
    (moved into ``out`` after)."""
    current = result.replies.assign(reply_key=reply_keys(result.replies, result.sources))
    current_keys = set(current["reply_key"])
    rows = merge_history(history, current)
    # The whole history's words, counted once: every period's examples and the history's text.
    words = Vocabulary.of(rows["masked"])
    registry = merge_registry(registry, result.templates)
    phrase_texts = _merge_phrase_texts(_read_phrase_texts(out / "history"), result.phrases)
    dated = rows.dropna(subset=["created_at"]).copy()
    dated["period"] = period_labels(dated["created_at"], period).to_numpy()
    periods = sorted(dated["period"].unique())
    trend = breakdown(dated, dated["period"].rename("period")).sort_index()
    touched = (
        set(period_labels(result.replies["created_at"].dropna(), period)) if len(result.replies) else set()
    )

    first_day, last_day = (
        (day(dated["created_at"].min()), day(dated["created_at"].max())) if len(dated) else ("", "")
    )
    summaries: list[PeriodSummary] = []
    seen_templates: set[str] = set()
    minimum = result.settings.min_replies
    by_label = {label: dated[dated["period"] == label] for label in periods}
    last_label = None
    for label in periods:
        current = by_label[label]
        # Compared only with the period just before; a gap is named, never bridged.
        adjacent = period_before(label, period)
        previous_rows = by_label.get(adjacent)
        if previous_rows is not None:
            compared = f"compared with {adjacent}, the {period} before"
        elif last_label is not None:
            compared = (
                f"not compared: no replies in {adjacent} (the last {period} with replies was {last_label})"
            )
        else:
            compared = "not compared: the first period in the history"
        small = len(current) < minimum or (previous_rows is not None and len(previous_rows) < minimum)
        if previous_rows is not None and small:
            compared = f"not compared with {adjacent}: fewer than {minimum} replies in one of them"
        if label in touched or not (out / label / "report.md").exists():
            unknown_followups = period_impact_skipped(current)
            report = build_report(
                current,
                registry,
                title=f"{title} — {label}",
                period=label,
                previous=previous_rows,
                previous_period=adjacent if previous_rows is not None else None,
                trend=trend.loc[:label],
                earlier_template_ids=set(seen_templates),
                show_raw=show_raw,
                coverage=coverage_of(
                    current,
                    sources=sorted(current["source"].dropna().astype(str).unique())
                    if "source" in current
                    else [],
                    settings=result.settings,
                    period_span=period_span(label, period),
                    compared_with=compared,
                ),
                min_replies=minimum,
                vocabulary=words,
                phrases=phrases_of_replies(current, phrase_texts) if "phrase_ids" in current else None,
                impact=None if unknown_followups else impact_table(current, min_replies=minimum),
                impact_skipped=unknown_followups,
            )
            write_report(report, staging / label)
        now = shares(current)["templated_share"]
        before: float | None = (
            shares(previous_rows)["templated_share"] if previous_rows is not None and not small else None
        )
        summaries.append(
            PeriodSummary(
                label,
                len(current),
                now,
                None if before is None else round(100 * (now - before), 1),
                f"{label}/report.html",
                dates=period_span(label, period),
                small=len(current) < minimum,
                partial=_partial(current["created_at"], period_span(label, period), first_day, last_day),
            )
        )
        seen_templates |= set(current["template_id"].dropna())
        last_label = label

    _write_history(
        staging / "history", _names_masked(rows, words, fresh=rows["reply_key"].isin(current_keys)), registry
    )
    with atomic_path(staging / "history" / PHRASE_REGISTRY) as tmp:
        escape_formulas(phrase_texts).to_csv(tmp, index=False)
    write_text(staging / "index.md", render_index_markdown(title, summaries, minimum))
    write_text(staging / "index.html", render_index_html(title, summaries, minimum))
    return summaries
