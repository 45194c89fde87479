"""The library API: load exports, analyse replies, get one typed result.

The CLI and the notebooks use only these functions, so both report the same numbers.
"""

from __future__ import annotations

import glob
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import numpy as np
import pandas as pd

from . import __version__
from .analysis import ReplyKeys, analyze_replies
from .errors import InputError
from .ingest import LoadedExport, load_export, load_frame
from .ingest.load import STREAM_BYTES
from .metrics import PERIODS, breakdown, period_labels, row_shares, shares
from .models import RowAccounting, Settings
from .normalize import slot_values



@dataclass
class Export:
    """One or more exports read into canonical replies, with their row accounting."""

    replies: pd.DataFrame
    customer_times: pd.DataFrame
    accounting: RowAccounting
    sources: list[dict[str, Any]] = field(default_factory=list)
    parts: list[LoadedExport] = field(default_factory=list, repr=False)
    keys: ReplyKeys | None = field(default=None, repr=False)  # set when read in chunks: no text in ``replies``

    @classmethod
    def combine(cls, parts: list[LoadedExport], keys: ReplyKeys | None = None) -> "Export":
        accounting = RowAccounting()
        for part in parts:
            accounting = accounting.merge(part.accounting)
        sources = [
            {
                "file": p.source, "format": p.format_name, "format_title": p.format_title,
                "encoding": p.encoding, "delimiter": p.delimiter,
                "fields": {name: {"column": c.column, "confidence": c.confidence} for name, c in p.fields.items()},
                **p.accounting.to_dict(),
            }
            for p in parts
        ]
        return cls(
            replies=pd.concat([p.replies.assign(file_index=i) for i, p in enumerate(parts)], ignore_index=True),
            customer_times=pd.concat([p.customer_times for p in parts], ignore_index=True),
            accounting=accounting,
            sources=sources,
            parts=parts,
            keys=keys,
        )


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named or matched by globs, in the order given, each once."""
    out: list[Path] = []
    for item in paths:
        text = str(item)
        matches = sorted(glob.glob(text)) if any(ch in text for ch in "*?[") else [text]
        if not matches:
            raise InputError("no file matches this pattern", path=text, hint="Check the folder and the pattern")
        for match in matches:
            path = Path(match)
            if path not in out:
                out.append(path)
    return out


def load(paths: str | Path | Iterable[str | Path], *, format: str | None = None,
         column_map: dict[str, str] | None = None, low_memory: bool | None = None,
         progress: Callable[[str, int, int], None] | None = None) -> Export:
    """Read one or more exports (paths or globs) into canonical replies.

    ``low_memory`` (on by default when the files add up to more than 256 MB) reads CSV files
    in chunks and keeps each reply's normalised key instead of its text; the text is read
    again from the files when ``replies.csv`` is written.

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
        low_memory = sum(p.stat().st_size for p in files if p.is_file()) > STREAM_BYTES
    keys = ReplyKeys() if low_memory else None
    parts = [load_export(p, format=format, column_map=column_map, chunk_step=keys, progress=progress)
             for p in files]
    if keys is not None:
        keys.done()
    return Export.combine(parts, keys=keys)


def analyze(
    data: Export | LoadedExport | pd.DataFrame,
    *,
    settings: Settings | None = None,
    threshold: float | None = None,
    min_support: int | None = None,
    edited_coverage: float | None = None,
    automatic_seconds: float | None = None,
    column_map: dict[str, str] | None = None,
    format: str | None = None,
    agent_aliases: dict[str, str] | None = None,
    exclude_agents: Iterable[str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> "AuditResult":
    """Analyse replies: an ``Export`` from ``load``, or any DataFrame with a text column.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"text": ["Your order {0} has shipped and will arrive soon!".format(i)
    ...                             for i in (10231, 20932, 30123)] + ["Sorry, let me check with the warehouse."]})
    >>> result = analyze(df)
    >>> result.replies["kind"].tolist()
    ['template', 'template', 'template', 'personal']
    """
    settings = (settings or Settings()).with_changes(
        threshold=threshold, min_support=min_support, edited_coverage=edited_coverage,
        automatic_seconds=automatic_seconds,
    )
    if isinstance(data, pd.DataFrame):
        data = Export.combine([load_frame(data, column_map=column_map, format=format)])
    elif isinstance(data, LoadedExport):
        data = Export.combine([data])
    replies_in, accounting = data.replies, data.accounting
    if "text" not in replies_in and data.keys is None:
        raise InputError("the export was read without its text and without reply keys",
                         hint="Pass the Export that replydiag.load returned")
    if exclude_agents:
        excluded = replies_in["agent"].isin(list(exclude_agents))
        if excluded.any():
            accounting = accounting.merge(RowAccounting())
            accounting.replies_analysed -= int(excluded.sum())
            accounting.skip("excluded author", int(excluded.sum()))
            replies_in = replies_in[~excluded].reset_index(drop=True)
    if replies_in.empty:
        raise InputError("no agent replies left to analyse", hint="Check the excluded authors and the export")
    origin = replies_in[["file_index", "row_number"]].to_numpy() if "file_index" in replies_in else None
    replies, templates = analyze_replies(
        replies_in, settings=settings, customer_times=data.customer_times, progress=progress, keys=data.keys
    )
    del replies_in
    if agent_aliases:
        # Aliases apply to final names, so "Tom B." and a sign-off "Brand/TB" can both merge.
        replies["agent"] = replies["agent"].replace(agent_aliases)
    return AuditResult(replies=replies, templates=templates, accounting=accounting, settings=settings,
                       sources=data.sources, origin=origin,
                       parts=[_text_source(p) for p in data.parts] if data.keys is not None else [])


def _text_source(part: LoadedExport) -> LoadedExport:
    """The file of a part, to read its text again: without its rows, which the result holds."""
    return replace(part, replies=part.replies.iloc[:0], customer_times=part.customer_times.iloc[:0])


def audit(paths: str | Path | Iterable[str | Path], *, format: str | None = None,
          column_map: dict[str, str] | None = None, low_memory: bool | None = None,
          **options: Any) -> "AuditResult":
    """``load`` then ``analyze``: what ``replydiag audit`` runs.

    >>> from replydiag.samples import sample_path
    >>> audit(sample_path()).summary()["accounting"]["rows_read"] > 0
    True
    """
    data = load(paths, format=format, column_map=column_map, low_memory=low_memory,
                progress=options.get("progress"))
    return analyze(data, **options)


@dataclass
class AuditResult:
    """Everything an audit found. ``replies``: one row per reply; ``templates``: one per template.

    Breakdowns (``by_agent``, ``by_channel``, ``by_period``) are DataFrames of counts and
    shares; ``summary()`` is what ``summary.json`` holds.
    """

    replies: pd.DataFrame
    templates: pd.DataFrame
    accounting: RowAccounting
    settings: Settings
    sources: list[dict[str, Any]] = field(default_factory=list)
    origin: np.ndarray | None = field(default=None, repr=False)  # (file index, row number) of each reply
    parts: list[LoadedExport] = field(default_factory=list, repr=False)  # files read in chunks, to read again

    @property
    def has_text(self) -> bool:
        """False for exports read in chunks (``low_memory``): ``replies`` holds no ``text``
        then, and ``reply_texts`` reads it again from the files."""
        return not self.parts

    def reply_texts(self) -> Iterator[tuple[int, pd.Series]]:
        """The exported text of every reply, in the order of ``replies``, as (first position,
        texts) chunks: from memory, or read again from the files chunk by chunk."""
        if not self.parts:
            yield 0, self.replies["text"]
            return
        assert self.origin is not None
        files, rows = self.origin[:, 0], self.origin[:, 1]
        position = 0
        for index, part in enumerate(self.parts):
            # A file's replies are one run of rows, in file order.
            lo, hi = np.searchsorted(files, [index, index + 1])
            for texts in part.reply_texts(rows[lo:hi]):
                yield position, texts
                position += len(texts)

    # --- figures -------------------------------------------------------------------
    @property
    def templated_share(self) -> float:
        """Share of replies that are automatic, template or edited (not personal)."""
        return shares(self.replies)["templated_share"]

    def shares(self) -> pd.Series:
        """Share of each kind over all replies."""
        return pd.Series(shares(self.replies)["shares"], name="share")

    def breakdown(self, by: str | pd.Series) -> pd.DataFrame:
        """Counts and shares of each kind per value of a column (``agent``, ``channel`` ...)."""
        return breakdown(self.replies, by)

    def by_agent(self) -> pd.DataFrame:
        return self.breakdown("agent")

    def by_channel(self) -> pd.DataFrame:
        return self.breakdown("channel")

    def by_period(self, period: str = "month") -> pd.DataFrame:
        """Per calendar period (``day``, ``week``, ``month``, ``quarter``); undated replies are left out."""
        if period not in PERIODS:
            raise ValueError(f"period must be one of {', '.join(PERIODS)}, got {period!r}")
        dated = self.replies.dropna(subset=["created_at"])
        if dated.empty:
            return breakdown(self.replies.iloc[0:0], pd.Series([], dtype="string", name="period"))
        labels = period_labels(dated["created_at"], period)
        return breakdown(dated, labels.rename("period")).sort_index()

    def summary(self) -> dict[str, Any]:
        """The contents of ``summary.json``: accounting, settings and shares overall / per agent / per channel."""
        by = {}
        for name, frame in (("by_agent", self.by_agent()), ("by_channel", self.by_channel())):
            by[name] = {str(idx): row_shares(row) for idx, row in frame.iterrows()}
        periods = self.by_period("month")
        return {
            "replydiag_version": __version__,
            "accounting": self.accounting.to_dict(),
            "sources": self.sources,
            "settings": self.settings.to_dict(),
            "overall": shares(self.replies),
            "templates": int(len(self.templates)),
            **by,
            "by_month": {str(idx): row_shares(row) for idx, row in periods.iterrows()},
        }

    def to_json(self) -> str:
        return json.dumps(self.summary(), indent=2, ensure_ascii=False, default=str)

    # --- one reply ---------------------------------------------------------------------
    def explain(self, reply_id: str) -> dict[str, Any]:
        """Why a reply got its kind: its template, the words that differ, and its slot values.

        >>> from replydiag.samples import sample_path
        >>> r = audit(sample_path())
        >>> sorted(r.explain(r.replies["reply_id"].iloc[0]))[:3]
        ['agent', 'differences', 'kind']
        """
        from rapidfuzz.distance import Indel

        match = self.replies[self.replies["reply_id"] == str(reply_id)]
        if match.empty:
            raise KeyError(f"no reply with reply_id {reply_id!r}")
        row = match.iloc[0]
        template_text = None
        differences: list[dict[str, str]] = []
        if pd.notna(row["template_id"]):
            found = self.templates.loc[self.templates["template_id"] == row["template_id"], "template_text"]
            template_text = str(found.iloc[0]) if len(found) else None
        if template_text:
            a, b = template_text.split(), str(row["masked"]).split()
            for op in Indel.opcodes(a, b):
                if op.tag != "equal":
                    differences.append({
                        "template": " ".join(a[op.src_start:op.src_end]),
                        "reply": " ".join(b[op.dest_start:op.dest_end]),
                    })
        return {
            "reply_id": str(row["reply_id"]),
            "agent": row["agent"],
            "kind": str(row["kind"]),
            "template_id": None if pd.isna(row["template_id"]) else row["template_id"],
            "template_text": template_text,
            "similarity": None if pd.isna(row["similarity"]) else float(row["similarity"]),
            "template_share": None if pd.isna(row["template_share"]) else float(row["template_share"]),
            "text": None if pd.isna(row["text"]) else row["text"],
            "masked": row["masked"],
            "slot_values": [] if pd.isna(row["text"]) else slot_values(str(row["text"])),
            "differences": differences,
        }

    # --- charts (matplotlib imported only when drawn) ------------------------------------
    def plot_shares(self):
        from .charts import shares_bar
        return shares_bar(self.shares())

    def plot_agents(self, top: int = 15):
        from .charts import agents_stacked
        return agents_stacked(self.by_agent(), top=top)

    def plot_trend(self, period: str = "month"):
        from .charts import trend_lines
        return trend_lines(self.by_period(period))

    def _repr_html_(self) -> str:
        from .report.render import render_result_html_snippet
        return render_result_html_snippet(self)
