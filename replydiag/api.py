"""The library API: load exports, analyse replies, get one typed result.

The CLI and the notebooks use only these functions, so both report the same numbers.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .distinct import DistinctReplies
from .errors import InputError, NoMessagesError
from .impact import FOLLOWUP_COLUMNS, follow_ups
from .ingest import (
    EXPORT_SUFFIXES,
    STREAM_BYTES,
    STREAM_ROWS,
    LoadedExport,
    archive_members,
    estimated_lines,
    is_archive_messages,
    is_chat_file,
    load_export,
    load_frame,
    team_across_files,
)
from .memory import concatenated, release_memory, renamed_categories
from .models import RowAccounting, Settings
from .pipeline import Progress, analyze_replies
from .result import AuditResult
from .signers import WARNING as SIGNERS_WARNING
from .signers import sign_unmarked
from .teams import accounts, analyze_by_account
from .texts import InMemoryTexts, ReplyTexts, ReReadTexts


@dataclass
class Export:
    """One or more exports read into canonical replies, with their row accounting.

    Every reply was normalised as it was read (``distinct``); with ``low_memory`` its text was
    then dropped, and ``parts`` know how to read it again.
    """

    replies: pd.DataFrame
    customer_times: pd.DataFrame
    accounting: RowAccounting
    distinct: DistinctReplies = field(repr=False)
    sources: list[dict[str, Any]] = field(default_factory=list)
    parts: list[LoadedExport] = field(default_factory=list, repr=False)

    @classmethod
    def combine(cls, parts: list[LoadedExport], distinct: DistinctReplies) -> Export:
        accounting = RowAccounting()
        for part in parts:
            accounting = accounting.merge(part.accounting)
        if len(parts) > 1:
            accounting = accounting.alike_joined()  # a folder of files: each file's note of a kind once
        sources = [
            {
                "file": p.source,
                "format": p.format_name,
                "format_title": p.format_title,
                "encoding": p.encoding,
                "delimiter": p.delimiter,
                "fields": {
                    name: {"column": c.column, "confidence": c.confidence} for name, c in p.fields.items()
                },
                **p.accounting.to_dict(),
            }
            for p in parts
        ]
        # Category columns (each file's name, its channels) stay categories across the files.
        replies = concatenated([p.replies.assign(file_index=np.int32(i)) for i, p in enumerate(parts)])
        # Who signed a reply is known only once every reply is read (``replydiag.signers``).
        signed = sign_unmarked(replies, distinct)
        if signed:
            accounting.warnings.append(SIGNERS_WARNING.format(n=f"{signed:,}"))
        customer_times = pd.concat(
            [p.customer_times.assign(file_index=np.int32(i)) for i, p in enumerate(parts)], ignore_index=True
        )
        # The files' own rows are now in the combined table: each file keeps only what reads
        # its text again, so the rows are held once.
        parts = [
            replace(p, replies=p.replies.iloc[:0], customer_times=p.customer_times.iloc[:0]) for p in parts
        ]
        return cls(
            replies=replies,
            customer_times=customer_times,
            accounting=accounting,
            distinct=distinct,
            sources=sources,
            parts=parts,
        )

    def texts(self, replies: pd.DataFrame) -> ReplyTexts:
        """Where the text of ``replies`` (rows of this export) comes from when files are written."""
        if self.distinct.keep_text:
            return InMemoryTexts()
        return ReReadTexts(tuple(self.parts), replies[["file_index", "row_number"]].to_numpy())


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named or matched by globs, in the order given, each once; a folder stands for
    the export files in it and below it (what API dump scripts write: one ticket per file)."""
    out: list[Path] = []
    for item in paths:
        try:
            _expand(str(item), out)
        except OSError as exc:  # a folder on the way that this user may not enter or list
            raise InputError(
                f"cannot be read ({exc.strerror or exc})",
                path=str(item),
                hint="Check that you may read the file and enter every folder above it",
            ) from exc
    return out


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size if path.is_file() else 0
    except OSError as exc:
        raise InputError(
            f"cannot be read ({exc.strerror or exc})",
            path=path,
            hint="Check that you may read the file and enter every folder above it",
        ) from exc


def _expand(text: str, out: list[Path]) -> None:
    """Add the files ``text`` names or matches to ``out`` (see ``expand_paths``)."""
    # A file named "week[1].csv" is that file, not a pattern matching "week1.csv".
    literal = Path(text).exists() or not any(ch in text for ch in "*?[")
    matches = [text] if literal else sorted(glob.glob(text))
    if len(matches) == 1 and Path(matches[0]).is_dir():
        folder = Path(matches[0])
        matches = sorted(
            str(p)
            for p in folder.rglob("*")
            if p.is_file()
            and (
                p.suffix.lower() in EXPORT_SUFFIXES
                or is_archive_messages(p.as_posix())
                or (p.suffix.lower() == ".txt" and is_chat_file(p))
            )
            and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        )
        if not matches:
            raise InputError(
                "is a directory with no export files in it",
                path=text,
                hint=f"Put the CSV or JSON exports ({', '.join(EXPORT_SUFFIXES)}) in it, or name the files",
            )
    if not matches:
        raise InputError("no file matches this pattern", path=text, hint="Check the folder and the pattern")
    for match in matches:
        path = Path(match)
        if path not in out:
            out.append(path)


def load(
    paths: str | Path | Iterable[str | Path],
    *,
    format: str | None = None,
    column_map: dict[str, str] | None = None,
    low_memory: bool | None = None,
    progress: Progress | None = None,
    sheet: str | None = None,
) -> Export:
    """Read one or more exports (paths or globs) into canonical, normalised replies.

    ``low_memory`` (on by default when the files add up to more than 256 MB or 2M lines) reads
    CSV files in chunks and keeps each reply's normalised key instead of its text; the text is
    read again from the files when ``replies.csv`` is written.

    >>> from replydiag.samples import sample_path
    >>> export = load(sample_path())
    >>> export.accounting.balanced, len(export.replies) > 0
    (True, True)
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files = expand_paths(paths)
    if not files:
        raise InputError("no export files given", hint="Pass at least one CSV or JSON export")
    if low_memory is None:
        low_memory = (
            sum(_file_size(p) for p in files) > STREAM_BYTES
            or sum(estimated_lines(p) for p in files) > STREAM_ROWS
        )
    distinct = DistinctReplies(keep_text=not low_memory)
    # A zip holding several exports (an API dump: one ticket per file) is read file by file.
    members: list[tuple[Path, str | None]] = []
    for path in files:
        inside: list[str | None] = list(archive_members(path)) or [None]
        members.extend((path, m) for m in inside)
    # The first line within a second on a big export: reading starts now, whatever its path.
    total_bytes = sum(_file_size(p) for p, _ in members)
    if progress is not None:
        progress("reading", 0, total_bytes)
    parts: list[LoadedExport] = []
    passed_over: list[NoMessagesError] = []
    for p, member in members:
        try:
            parts.append(
                load_export(
                    p,
                    format=format,
                    column_map=column_map,
                    row_step=distinct.add,
                    chunked=low_memory,
                    progress=progress,
                    member=member,
                    sheet=sheet,
                )
            )
        except NoMessagesError as exc:
            # Among several files, one of records without text is a side file (a Slack
            # export's users.json and channels.json): passed over, and said.
            if len(members) == 1:
                raise
            passed_over.append(exc)
    if not parts:
        raise passed_over[0]
    if progress is not None:
        progress("reading", total_bytes, total_bytes)
    distinct.done()
    guessed = team_across_files(parts)
    if sum(len(p.replies) for p in guessed) < sum(len(p.replies) for p in parts):
        guessed, distinct = _only_replies_texts(guessed, distinct)
    parts = guessed
    export = Export.combine(parts, distinct)
    _named_by_people(export, passed_over)
    if passed_over:
        named = ", ".join(
            f"{Path(e.path or '').name} {e.message.removeprefix('has no text-like column ')}"
            for e in passed_over[:3]
        )
        more = f" and {len(passed_over) - 3} more" if len(passed_over) > 3 else ""
        export.accounting.notes.append(
            f"{len(passed_over)} files holding no message text passed over: {named}{more}"
        )
    release_memory()  # normalising left freed temporaries behind: the analysis starts from what is held
    return export


def _named_by_people(export: Export, passed_over: list[NoMessagesError]) -> None:
    """Agents named by id only, named by a side file listing people (Zendesk's users.xml
    beside its tickets.xml), in place and said in a note."""
    agent = export.replies["agent"]
    present = set(agent.dropna().unique().tolist()) if len(agent) else set()
    named: dict[str, str] = {}
    listing: list[str] = []
    for error in passed_over:
        found = {a: error.people[a] for a in present - set(named) if a in error.people}
        if found:
            named.update(found)
            listing.append(Path(error.path or "").name)
    if not named:
        return
    export.replies["agent"] = renamed_categories(agent, named)
    rows = int(agent.isin(list(named)).sum())
    export.accounting.notes.append(
        f"{len(named)} agent{'s' if len(named) != 1 else ''} named by id only named from"
        f" {', '.join(listing)} ({rows:,} replies)"
    )


def _only_replies_texts(
    parts: list[LoadedExport], distinct: DistinctReplies
) -> tuple[list[LoadedExport], DistinctReplies]:
    """The distinct texts the replies still hold, coded afresh (rows that turned out to be
    customers' were normalised as replies: their texts would count as sent once)."""
    used, codes = np.unique(
        np.concatenate([p.replies["key_code"].to_numpy() for p in parts]), return_inverse=True
    )
    bounds = np.cumsum([0, *(len(p.replies) for p in parts)])
    recoded = [
        replace(p, replies=p.replies.assign(key_code=codes[a:b].astype(np.int32)))
        for p, a, b in zip(parts, bounds, bounds[1:])
    ]
    return recoded, distinct.subset(used.astype(np.int64))


def analyze(
    data: Export | pd.DataFrame,
    *,
    settings: Settings | None = None,
    threshold: float | None = None,
    min_support: int | None = None,
    edited_coverage: float | None = None,
    stock_share: float | None = None,
    min_fuzzy_chars: int | None = None,
    automatic_seconds: float | None = None,
    signoff_agents: bool | None = None,
    teams_by_account: bool | None = None,
    column_map: dict[str, str] | None = None,
    format: str | None = None,
    agent_aliases: dict[str, str] | None = None,
    exclude_agents: Iterable[str] | None = None,
    progress: Progress | None = None,
) -> AuditResult:
    """Analyse replies: an ``Export`` from ``load``, or any DataFrame with a text column.

    Every ``Settings`` field can be given by name; it overrides the same field of ``settings``.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"text": ["Your order {0} has shipped and will arrive soon!".format(i)
    ...                             for i in (10231, 20932, 30123)] + ["Sorry, let me check with the warehouse."]})
    >>> result = analyze(df)
    >>> result.replies["kind"].tolist()
    ['template', 'template', 'template', 'personal']
    """
    settings = (settings or Settings()).with_changes(
        threshold=threshold,
        min_support=min_support,
        edited_coverage=edited_coverage,
        stock_share=stock_share,
        min_fuzzy_chars=min_fuzzy_chars,
        automatic_seconds=automatic_seconds,
        signoff_agents=signoff_agents,
        teams_by_account=teams_by_account,
    )
    if isinstance(data, pd.DataFrame):
        distinct = DistinctReplies(keep_text=True)
        data = Export.combine(
            [load_frame(data, column_map=column_map, format=format, row_step=distinct.add)], distinct
        )
    replies_in, accounting = data.replies, data.accounting
    if exclude_agents:
        excluded = replies_in["agent"].isin(list(exclude_agents))
        if excluded.any():
            accounting = accounting.merge(RowAccounting())
            accounting.replies_analysed -= int(excluded.sum())
            accounting.skip("excluded author", int(excluded.sum()))
            replies_in = replies_in[~excluded].reset_index(drop=True)
    if replies_in.empty:
        raise InputError("no agent replies left to analyse", hint="Check the excluded authors and the export")
    texts = data.texts(replies_in)
    account = accounts(replies_in, settings)
    analysis = (
        analyze_replies(
            replies_in,
            settings=settings,
            distinct=data.distinct,
            customer_times=data.customer_times,
            progress=progress,
        )
        if account is None
        else analyze_by_account(
            replies_in,
            account,
            settings=settings,
            distinct=data.distinct,
            customer_times=data.customer_times,
            progress=progress,
        )
    )
    # What the customer did next, ordered by date, or by position in the export where undated.
    order = [c for c in ("conversation_id", "created_at", "row_number", "file_index") if c in replies_in]
    if progress is not None:
        progress("reading what followed", 0, len(replies_in))
    followed = follow_ups(replies_in[order], data.customer_times)
    if progress is not None:
        progress("reading what followed", len(replies_in), len(replies_in))
    if "satisfied" in replies_in:  # the conversation's satisfaction rating, where the export has one
        followed["satisfied"] = replies_in["satisfied"].astype("boolean").to_numpy()
    del replies_in
    if analysis.warnings or analysis.notes:
        accounting = accounting.merge(RowAccounting(warnings=analysis.warnings, notes=analysis.notes))
    replies = analysis.replies
    for column in (*FOLLOWUP_COLUMNS, "satisfied"):
        if column in followed:
            replies[column] = followed[column].set_axis(replies.index)
    if agent_aliases:
        # Aliases apply to final names, so "Tom B." and a sign-off "Brand/TB" can both merge.
        replies["agent"] = renamed_categories(replies["agent"], dict(agent_aliases))
    rules = {"aliases": dict(agent_aliases or {}), "excluded": list(exclude_agents or [])}
    return AuditResult(
        replies=replies,
        templates=analysis.templates,
        phrases=analysis.phrases,
        boilerplate=analysis.boilerplate.table(),
        accounting=accounting,
        settings=settings,
        sources=data.sources,
        texts=texts,
        agent_rules=rules if rules["aliases"] or rules["excluded"] else {},
    )


def audit(
    paths: str | Path | Iterable[str | Path],
    *,
    format: str | None = None,
    column_map: dict[str, str] | None = None,
    low_memory: bool | None = None,
    sheet: str | None = None,
    **options: Any,
) -> AuditResult:
    """``load`` then ``analyze``: what ``replydiag audit`` runs.

    >>> from replydiag.samples import sample_path
    >>> audit(sample_path()).summary()["accounting"]["rows_read"] > 0
    True
    """
    data = load(
        paths,
        format=format,
        column_map=column_map,
        low_memory=low_memory,
        progress=options.get("progress"),
        sheet=sheet,
    )
    return analyze(data, **options)
