"""``AuditResult``: everything an audit found, as DataFrames and typed values.

The figures (shares, breakdowns, periods) come from ``metrics``; ``summary()`` is what
``summary.json`` holds, so a notebook and the CLI report the same numbers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .formatting import pct
from .metrics import PERIOD_FREQ, PERIODS, breakdown, by_account, rounded, row_shares, shares
from .models import RowAccounting, Settings
from .normalize import slot_values
from .texts import InMemoryTexts, ReplyTexts
from .version import __version__


@dataclass
class AuditResult:
    """Everything an audit found. ``replies``: one row per reply; ``templates``: one per template;
    ``phrases``: one per stock sentence.

    Breakdowns (``by_agent``, ``by_channel``, ``by_period``) are DataFrames of counts and
    shares; ``summary()`` is what ``summary.json`` holds.
    """

    replies: pd.DataFrame
    templates: pd.DataFrame
    accounting: RowAccounting
    settings: Settings
    sources: list[dict[str, Any]] = field(default_factory=list)
    phrases: pd.DataFrame = field(default_factory=pd.DataFrame)
    """One row per stock sentence the team reuses (``replydiag.phrases``)."""
    boilerplate: pd.DataFrame = field(default_factory=pd.DataFrame)
    """The openings and endings learned per agent and taken off before matching."""
    texts: ReplyTexts = field(default_factory=InMemoryTexts, repr=False)
    agent_rules: dict[str, Any] = field(default_factory=dict)  # aliases and excluded authors, when given
    # impact() per (replies frame, minimum): the summary, the files and the terminal all ask
    # for it, and at a million replies each table costs seconds.
    _impacts: dict[int, tuple[pd.DataFrame, pd.DataFrame]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def has_text(self) -> bool:
        """False for exports read in chunks (``low_memory``): ``replies`` holds no ``text``
        then, and ``reply_texts`` reads it again from the files."""
        return self.texts.in_memory

    def reply_texts(self) -> Iterator[tuple[int, pd.Series]]:
        """The exported text of every reply, in the order of ``replies``, as (first position,
        texts) chunks: from memory, or read again from the files chunk by chunk."""
        return self.texts.chunks(self.replies)

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

    def by_account(self) -> pd.DataFrame:
        """Per brand account, where the export was analysed account by account (an export of
        several brands' shared handles: ``replydiag.teams``); empty otherwise."""
        return by_account(self.replies)

    def by_period(self, period: str = "month") -> pd.DataFrame:
        """Per calendar period (``day``, ``week``, ``month``, ``quarter``); undated replies are left out."""
        if period not in PERIODS:
            raise ValueError(f"period must be one of {', '.join(PERIODS)}, got {period!r}")
        dated = self.replies.dropna(subset=["created_at"])
        freq = PERIOD_FREQ[period]
        if dated.empty:
            return breakdown(self.replies.iloc[0:0], pd.Series([], dtype=f"period[{freq}]", name="period"))
        # A PeriodIndex (weeks run Monday to Sunday, as ISO weeks do): plots and resamples as time.
        periods = dated["created_at"].dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period(freq)
        return breakdown(dated, periods.rename("period")).sort_index()

    def summary(self) -> dict[str, Any]:
        """The contents of ``summary.json``: accounting, settings and shares overall / per agent / per channel."""
        by = {}
        frames = {
            "by_agent": self.by_agent(),
            "by_channel": self.by_channel(),
            "by_account": self.by_account(),
        }
        for name, frame in frames.items():
            if name != "by_account" or len(frame):
                by[name] = {str(idx): row_shares(row) for idx, row in frame.iterrows()}
        periods = self.by_period("month")
        return {
            "replydiag_version": __version__,
            "accounting": self.accounting.to_dict(),
            "sources": self.sources,
            "settings": self.settings.to_dict(),
            **({"agents": self.agent_rules} if self.agent_rules else {}),
            "overall": rounded(shares(self.replies)),
            "templates": len(self.templates),
            "top_templates": [
                {
                    "template_id": str(t.template_id),
                    "template_text": str(t.template_text),
                    "slot_values": None if pd.isna(t.slot_values) else str(t.slot_values),
                    "replies": int(t.replies),
                    "agents": int(t.agents),
                }
                for t in self.templates.head(10).itertuples()
            ],
            "phrases": len(self.phrases),
            "boilerplate": self.boilerplate.to_dict(orient="records") if len(self.boilerplate) else [],
            **by,
            "by_month": {idx.strftime("%Y-%m"): row_shares(row) for idx, row in periods.iterrows()},
            "impact": self._impact_summary(),
        }

    def _impact_summary(self) -> dict[str, Any]:
        from .impact import headline

        skipped = self.impact_skipped
        if skipped:
            return {"skipped": skipped}
        undated = int(
            (self.replies["customer_followed_up"].notna() & self.replies["created_at"].isna()).sum()
        )
        return {
            "note": "associations, not causes: harder questions may draw both templates and follow-ups",
            **({"undated_replies_ordered_by_row": undated} if undated else {}),
            "templated_vs_personal": headline(self.impact()),
        }

    # --- what followed -----------------------------------------------------------------
    def impact(self, min_replies: int | None = None) -> pd.DataFrame:
        """Follow-up, frustrated follow-up and end-of-conversation rates (95% Wilson intervals)
        per kind, templated vs personal (all, first and later replies), template and agent.
        Associations, not causes. Empty when the export cannot tell (``impact_skipped``)."""
        from .impact import impact_table

        minimum = self.settings.min_replies if min_replies is None else min_replies
        frame, table = self._impacts.get(minimum, (None, None))
        if frame is not self.replies or table is None:  # a new replies frame is a new table
            table = impact_table(self.replies, min_replies=minimum)
            self._impacts[minimum] = (self.replies, table)
        return table.copy()

    @property
    def impact_skipped(self) -> str | None:
        """Why the export cannot say what followed the replies, or None when it can."""
        from .impact import MIN_KNOWN_SHARE

        if "customer_followed_up" not in self.replies or not len(self.replies):
            return "no replies"
        if self.accounting.customer_messages == 0:
            return "the export holds no customer messages"
        if self.replies["customer_followed_up"].notna().mean() < MIN_KNOWN_SHARE:
            return "customer messages share no conversation with the replies (no conversation ids?)"
        return None

    def plot_impact(self):
        """Frustrated follow-up rate of templated vs personal replies, with 95% intervals."""
        from .charts import impact_bars

        return impact_bars(self.impact())

    def to_json(self) -> str:
        return json.dumps(self.summary(), indent=2, ensure_ascii=False, default=str)

    # --- one reply ---------------------------------------------------------------------
    def explain(self, reply_id: str) -> dict[str, Any]:
        """Why a reply got its kind: its template, the words that differ, and its slot values.

        >>> from replydiag import audit, sample_path
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
                    differences.append(
                        {
                            "template": " ".join(a[op.src_start : op.src_end]),
                            "reply": " ".join(b[op.dest_start : op.dest_end]),
                        }
                    )
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
        """A compact HTML summary for notebooks (reply and template text escaped)."""
        from markupsafe import escape

        summary = self.summary()
        overall = summary["overall"]
        rows = "".join(
            f"<tr><td>{kind}</td><td style='text-align:right'>{overall['counts'][kind]:,}</td>"
            f"<td style='text-align:right'>{pct(overall['shares'][kind])}</td></tr>"
            for kind in overall["counts"]
        )
        top = "".join(
            f"<li><code>{escape(t.template_id)}</code> ({t.replies}): {escape(t.template_text)}</li>"
            for t in self.templates.head(5).itertuples()
        )
        return (
            f"<div><b>replydiag</b>: {overall['replies']:,} agent replies, "
            f"{pct(overall['templated_share'])} templated, {summary['templates']} templates"
            f"<table><tr><th>kind</th><th>replies</th><th>share</th></tr>{rows}</table>"
            f"<p>Top templates:</p><ol>{top}</ol></div>"
        )
