"""Figures of one report: headline shares and their change, templates, agents, examples."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ..metrics import any_automatic, breakdown, by_account, shares, usage, wilson
from ..models import KINDS, Kind
from .rare_words import Vocabulary

EXAMPLES_PER_TEMPLATE = 3
AGENTS_SHOWN = 20  # rows of the per-agent table
AGENTS_BY_TEMPLATE = 8  # rows ...
TEMPLATES_BY_AGENT = 5  # ... and columns of the template x agent table


@dataclass(frozen=True)
class Example:
    """One example reply of a template: its kind and its text in pieces, each marked when
    the template does not hold it (the words an agent wrote or changed)."""

    kind: str
    pieces: tuple[tuple[str, bool], ...]

    @property
    def text(self) -> str:
        return "".join(piece for piece, _ in self.pieces)


def marked_pieces(text: str, template: str) -> tuple[tuple[str, bool], ...]:
    """``text`` split into runs of words the template holds (False) or not (True), spaces kept.

    >>> marked_pieces("Hi Ann, your refund is on its way today", "Hi {name}, your refund is on its way.")
    (('Hi ', False), ('Ann, ', True), ('your refund is on its ', False), ('way today', True))
    """
    import difflib

    words = re.findall(r"\S+\s*", text)
    matcher = difflib.SequenceMatcher(
        None, [w.strip() for w in words], [w.strip() for w in template.split()], autojunk=False
    )
    kept = [False] * len(words)
    for block in matcher.get_matching_blocks():
        for i in range(block.a, block.a + block.size):
            kept[i] = True
    pieces: list[tuple[str, bool]] = []
    for word, held in zip(words, kept):
        if pieces and pieces[-1][1] == (not held):
            pieces[-1] = (pieces[-1][0] + word, not held)
        else:
            pieces.append((word, not held))
    return tuple(pieces)


@dataclass(frozen=True)
class KindShare:
    kind: str
    replies: int
    share: float
    change_pp: float | None  # percentage points vs the previous period


@dataclass(frozen=True)
class TemplateRow:
    template_id: str
    template_text: str
    replies: int
    agents: int
    first_seen: str
    last_seen: str
    change: int | None  # replies vs the previous period
    examples: tuple[Example, ...]
    account: str = ""  # the brand account it belongs to, where an export was split by account


@dataclass(frozen=True)
class PhraseRow:
    phrase_id: str
    phrase_text: str
    replies: int
    share: float  # of all replies analysed
    agents: int
    account: str = ""  # as ``TemplateRow.account``


@dataclass(frozen=True)
class AgentMove:
    agent: str
    replies: int
    templated_share: float
    previous_share: float
    change_pp: float


@dataclass
class Report:
    """Everything a report shows, as typed values (renderers only format them)."""

    title: str
    period: str | None
    previous_period: str | None
    replies: int
    templated_share: float
    templated_change_pp: float | None
    kinds: list[KindShare]
    top_templates: list[TemplateRow]
    new_templates: list[TemplateRow]
    top_phrases: list[PhraseRow]
    agent_moves: list[AgentMove]
    by_agent: pd.DataFrame
    by_channel: pd.DataFrame
    trend: pd.DataFrame
    masked_examples: bool
    accounting: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    coverage: Coverage | None = None
    min_replies: int = 30
    templated_ci: tuple[float, float] = (0.0, 1.0)  # 95% Wilson interval of the templated share
    followed: list[FollowRow] = field(default_factory=list)  # templated vs personal, per stratum
    followed_templates: list[FollowRow] = field(default_factory=list)  # most often followed by frustration
    followed_skipped: str | None = None  # why the export cannot say what followed
    # Share of each busiest agent's replies (rows) that are each top template (columns).
    template_by_agent: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Per brand account, where the export was analysed account by account (else empty).
    by_account: pd.DataFrame = field(default_factory=pd.DataFrame)

    @cached_property
    def shows_automatic(self) -> bool:
        """Whether the tables have an ``automatic`` column: only where a reply is automatic
        (asked once per table row by the templates, so computed once)."""
        return any(k.kind == "automatic" and k.replies for k in self.kinds) or any_automatic(self.by_agent)

    @property
    def templated_parts(self) -> str:
        """What the templated share adds up ("template + edited"): it is not the template share."""
        return " + ".join(k for k in KINDS if k != "personal" and (k != "automatic" or self.shows_automatic))

    @property
    def agents_ranked(self) -> pd.DataFrame:
        """The busiest agents, most templated first; those under ``min_replies`` last (greyed)."""
        return self._ranked(self.by_agent)

    @property
    def accounts_ranked(self) -> pd.DataFrame:
        """The busiest brand accounts, ranked as the agents are."""
        return self._ranked(self.by_account)

    def _ranked(self, table: pd.DataFrame) -> pd.DataFrame:
        if table.empty:
            return table
        busiest = table.head(AGENTS_SHOWN)
        enough = busiest["replies"] >= self.min_replies
        ranked = busiest[enough].sort_values("templated_share", ascending=False, kind="stable")
        return pd.concat([ranked, busiest[~enough]])

    @property
    def small(self) -> bool:
        """Too few replies for its shares to be compared (they are shown, greyed)."""
        return self.replies < self.min_replies


@dataclass(frozen=True)
class FollowRow:
    """What followed one group of replies: rates with their 95% intervals (None: not enough data)."""

    label: str
    replies: int
    followed_up: float | None
    frustrated: float | None
    frustrated_low: float | None
    frustrated_high: float | None
    ended: float | None
    satisfied: float | None = None  # share of rated replies whose conversation was rated satisfied
    satisfied_low: float | None = None
    satisfied_high: float | None = None
    rated: int = 0


@dataclass(frozen=True)
class Coverage:
    """What a report covers, so a forwarded report can be identified."""

    sources: tuple[str, ...]
    first_reply: str
    last_reply: str
    agents: int
    channels: int
    settings: str
    version: str
    period_span: tuple[str, str] | None = None  # first and last day of the period reported
    compared_with: str | None = None  # why the previous period is (not) the one compared


def build_report(
    rows: pd.DataFrame,
    templates: pd.DataFrame,
    *,
    title: str,
    period: str | None = None,
    previous: pd.DataFrame | None = None,
    previous_period: str | None = None,
    trend: pd.DataFrame | None = None,
    earlier_template_ids: set[str] | None = None,
    show_raw: bool = False,
    top: int = 10,
    accounting: dict[str, Any] | None = None,
    phrases: pd.DataFrame | None = None,
    coverage: Coverage | None = None,
    min_replies: int = 30,
    impact: pd.DataFrame | None = None,
    impact_skipped: str | None = None,
    vocabulary: Vocabulary | None = None,
) -> Report:
    """A report of ``rows`` (analysed replies), compared with ``previous`` rows when given.

    ``templates`` is the template table (ids and texts); ``earlier_template_ids`` are the ids
    seen before this period, so the others count as new in it. ``phrases`` is the phrase
    table of the same replies (its most reused stock sentences are shown). ``vocabulary``: the
    words that tell the team's words from customers' names in examples (default: counted over
    ``rows``; a period report passes its whole history's, so a small period does not mask
    ordinary words).
    """
    now = shares(rows)
    total, counts, current = now["replies"], now["counts"], now["shares"]
    # A small period is shown, not compared: its share moves by chance.
    if total < min_replies or (previous is not None and len(previous) < min_replies):
        previous = None
    prev_shares = shares(previous)["shares"] if previous is not None and len(previous) else None
    kinds = [
        KindShare(
            k,
            int(counts[k]),
            current[k],
            None if prev_shares is None else round(100 * (current[k] - prev_shares[k]), 1),
        )
        for k in KINDS
    ]
    templated = 1 - current[Kind.PERSONAL.value] if total else 0.0
    templated_prev = None if prev_shares is None else 1 - prev_shares[Kind.PERSONAL.value]

    texts = dict(zip(templates["template_id"], templates["template_text"])) if len(templates) else {}
    accounts = _accounts(templates, "template_id")
    prev_counts = _used(previous["template_id"]) if previous is not None and len(previous) else None
    # Only the templates the report shows are described, not the thousands of a large export.
    counts = _used(rows["template_id"])
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    top_ids = [tid for tid, _n in ranked[:top]]
    new_ids = (
        [tid for tid, _n in ranked if tid not in earlier_template_ids][:top]
        if earlier_template_ids is not None
        else []
    )
    described = _described(
        rows, [*dict.fromkeys(top_ids + new_ids)], texts, prev_counts, show_raw, vocabulary, accounts
    )
    top_rows = [described[tid] for tid in top_ids]
    new = [described[tid] for tid in new_ids]

    by_agent = breakdown(rows, "agent")
    moves: list[AgentMove] = []
    if previous is not None and len(previous):
        before = breakdown(previous, "agent")
        both = by_agent.join(before[["replies", "templated_share"]].add_suffix("_prev"), how="inner")
        both = both[(both["replies"] >= min_replies) & (both["replies_prev"] >= min_replies)]
        both = both.assign(change=both["templated_share"] - both["templated_share_prev"])
        for agent, row in (
            both.reindex(both["change"].abs().sort_values(ascending=False).index).head(8).iterrows()
        ):
            moves.append(
                AgentMove(
                    str(agent),
                    int(row["replies"]),
                    float(row["templated_share"]),
                    float(row["templated_share_prev"]),
                    round(100 * float(row["change"]), 1),
                )
            )
    return Report(
        title=title,
        period=period,
        previous_period=previous_period,
        replies=total,
        templated_share=templated,
        templated_change_pp=None if templated_prev is None else round(100 * (templated - templated_prev), 1),
        kinds=kinds,
        top_templates=top_rows,
        new_templates=new,
        top_phrases=_top_phrases(phrases, total, top),
        agent_moves=moves,
        by_agent=by_agent,
        by_channel=breakdown(rows, "channel"),
        trend=trend if trend is not None else pd.DataFrame(),
        masked_examples=not show_raw,
        accounting=accounting,
        coverage=coverage,
        min_replies=min_replies,
        templated_ci=wilson(total - int(now["counts"][Kind.PERSONAL.value]), total),
        followed=_followed(impact, "templated", None),
        followed_templates=_followed(impact, "template", texts or {}, top),
        template_by_agent=_template_by_agent(rows, by_agent, top_ids[:TEMPLATES_BY_AGENT]),
        by_account=by_account(rows),
        followed_skipped=impact_skipped,
    )


def _followed(impact: pd.DataFrame | None, level: str, texts: dict | None, top: int = 10) -> list[FollowRow]:
    """Rows of the impact table for the report: templated vs personal per stratum, or the
    templates most often followed by a frustrated message (with enough replies to say)."""
    if impact is None or impact.empty:
        return []
    rows = impact[impact["level"] == level]
    if level == "templated":  # the report leads with the team-wide strata; impact.csv has the rest
        rows = rows[rows["stratum"].isin(["all", "first reply", "later reply"])]
    if level == "template":
        rows = (
            rows[rows["enough_data"].astype(bool)]
            .sort_values(["frustrated_rate", "replies"], ascending=[False, False])
            .head(top)
        )

    def rate(value: Any) -> float | None:
        return None if pd.isna(value) else float(value)

    return [
        FollowRow(
            label=(
                f"{r.group}: {texts.get(r.group, '')}"
                if level == "template" and texts is not None
                else f"{r.stratum}, {r.group}"
            ),
            replies=int(r.replies),
            followed_up=rate(r.followed_up_rate),
            frustrated=rate(r.frustrated_rate),
            frustrated_low=rate(r.frustrated_low),
            frustrated_high=rate(r.frustrated_high),
            ended=rate(r.ended_rate),
            satisfied=rate(r.satisfied_rate),
            satisfied_low=rate(r.satisfied_low),
            satisfied_high=rate(r.satisfied_high),
            rated=int(r.rated),
        )
        for r in rows.itertuples()
    ]


def _top_phrases(phrases: pd.DataFrame | None, total: int, top: int) -> list[PhraseRow]:
    if phrases is None or phrases.empty or not total:
        return []
    accounts = _accounts(phrases, "phrase_id")
    return [
        PhraseRow(
            phrase_id=str(p.phrase_id),
            phrase_text=_in_its_sentence(str(p.phrase_text)),
            replies=int(p.replies),
            share=int(p.replies) / total,
            agents=int(p.agents),
            account=accounts.get(str(p.phrase_id), ""),
        )
        for p in phrases.head(top).itertuples()
    ]


def _accounts(table: pd.DataFrame, id_column: str) -> dict[str, str]:
    """The brand account of each template or phrase id, where the export was analysed
    account by account (``replydiag.teams``; the tables then have an ``account`` column):
    in a file of many brands, a stock line means nothing to a reader without its brand."""
    if "account" not in table or not len(table):
        return {}
    return dict(zip(table[id_column].astype(str), table["account"].fillna("").astype(str)))


def _in_its_sentence(phrase: str) -> str:
    """A stock clause marked with "…" where its sentence goes on (phrases are cut at commas:
    "Can you tell us what device," / "and version of the app you're using?"), so a reader
    sees a part of a line, not a line that trails off.

    >>> _in_its_sentence("and version of the app you're using?"), _in_its_sentence("Can you tell us what device,")
    ("… and version of the app you're using?", 'Can you tell us what device, …')
    """
    text = phrase.strip()
    if text[:1].islower():
        text = "… " + text
    if text[-1:] in ",;:":
        text += " …"
    return text


def day(value: Any) -> str:
    """A timestamp's day as ``YYYY-MM-DD`` (ISO: days sort as text); "" for none."""
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _described(
    rows: pd.DataFrame,
    template_ids: list[str],
    texts: dict,
    prev_counts: pd.Series | None,
    show_raw: bool,
    vocabulary: Vocabulary | None,
    accounts: dict[str, str],
) -> dict[str, TemplateRow]:
    """The shown templates' rows: their usage and examples, counted on codes. (A copy of the
    shown templates' replies, and of each template's, was the peak of writing a report at ten
    million replies: in a small team's export the top templates hold most replies.)"""
    template = _positions(rows["template_id"], template_ids)
    table = usage(template, len(template_ids), rows)
    # An export read in chunks keeps no raw text: its examples stay masked.
    raw = (
        np.bincount(template[(template >= 0) & rows["text"].notna().to_numpy()], minlength=len(template_ids))
        > 0
        if show_raw and "text" in rows
        else np.zeros(len(template_ids), dtype=bool)
    )
    candidates = {
        column: _first_of_each(template, rows[column])
        for column in {"masked", *(["text"] if raw.any() else [])}
    }
    described = {}
    words: Vocabulary | None = None  # counted once, when the first masked example needs it
    for at, tid in enumerate(template_ids):
        if at not in table.index:
            continue
        example_col = "text" if raw[at] else "masked"
        template_text = str(texts[tid]) if tid in texts else str(rows["masked"].iloc[_first(template, at)])
        chosen = candidates[example_col]
        chosen = chosen[template[chosen] == at]  # the first reply of each text, in row order
        candidate_texts = rows[example_col].take(chosen).astype(str)
        # Replies that show the template first: a fragment ("...you.", the last part of a
        # reply sent in parts, which carries its reply's family) shows nothing of it.
        fragment = candidate_texts.str.split().str.len() < len(template_text.split()) / 2
        picked = chosen[np.argsort(fragment.to_numpy(), kind="stable")][:EXAMPLES_PER_TEMPLATE]
        example_texts = [str(text) for text in rows[example_col].take(picked)]
        if example_col == "masked":
            words = words or vocabulary or Vocabulary.of(rows["masked"])
            example_texts = words.mask(example_texts)
        examples = tuple(
            Example(str(kind), marked_pieces(text, template_text))
            for kind, text in zip(rows["kind"].take(picked).astype(str), example_texts)
        )
        used = table.loc[at]
        described[tid] = TemplateRow(
            template_id=str(tid),
            template_text=template_text,
            replies=int(used["replies"]),
            agents=int(used["agents"]),
            first_seen=day(used["first_seen"]),
            last_seen=day(used["last_seen"]),
            change=None if prev_counts is None else int(used["replies"] - prev_counts.get(tid, 0)),
            examples=examples,
            account=accounts.get(str(tid), ""),
        )
    return described


def _positions(values: pd.Series, chosen: list[str]) -> np.ndarray:
    """Each value's position in ``chosen`` (-1 for any other), looked up per distinct value.

    >>> _positions(pd.Series(["b", "x", "a", None]), ["a", "b"]).tolist()
    [1, -1, 0, -1]
    """
    code, uniques = pd.factorize(values)
    at = np.append(pd.Index(chosen, dtype=object).get_indexer(pd.Index(uniques, dtype=object)), -1)
    return at[code]  # code -1 (missing) takes the appended -1


def _first_of_each(group: np.ndarray, values: pd.Series) -> np.ndarray:
    """The rows, in order, that hold each distinct present value of ``values`` first within
    their group (groups ``>= 0``).

    >>> _first_of_each(np.array([0, 0, 1, 0, -1]), pd.Series(["a", "a", "a", "b", "c"])).tolist()
    [0, 2, 3]
    """
    value, uniques = pd.factorize(values)
    inside = np.flatnonzero((group >= 0) & (value >= 0))
    _, first = np.unique(
        group[inside].astype(np.int64) * max(len(uniques), 1) + value[inside], return_index=True
    )
    return np.sort(inside[first])


def _first(group: np.ndarray, at: int) -> int:
    return int(np.flatnonzero(group == at)[0])


def _template_by_agent(rows: pd.DataFrame, by_agent: pd.DataFrame, template_ids: list[str]) -> pd.DataFrame:
    """Who leans on which macro: the share of each busiest agent's replies that are each top
    template (agents with one reply or more; the table a manager reads beside the ranking)."""
    agents = list(by_agent.index[:AGENTS_BY_TEMPLATE])
    if not template_ids or not agents:
        return pd.DataFrame()
    picked = rows["template_id"].isin(template_ids) & rows["agent"].isin(agents)
    counts = (
        pd.DataFrame({"agent": rows["agent"][picked].array, "template": rows["template_id"][picked].array})
        .groupby(["agent", "template"], observed=True)
        .size()
        .unstack(fill_value=0)
        .reindex(index=agents, columns=template_ids, fill_value=0)
    )
    return counts.div(by_agent["replies"].reindex(agents), axis=0)


def coverage_of(
    rows: pd.DataFrame,
    *,
    sources: list[str],
    settings: Any,
    period_span: tuple[str, str] | None = None,
    compared_with: str | None = None,
) -> Coverage:
    """What ``rows`` cover: source files, first and last reply, agents, channels, settings."""
    from ..version import __version__

    dates = rows["created_at"].dropna() if "created_at" in rows else pd.Series(dtype=object)
    return Coverage(
        sources=tuple(dict.fromkeys(str(s) for s in sources)),
        first_reply=day(dates.min()) if len(dates) else "—",
        last_reply=day(dates.max()) if len(dates) else "—",
        agents=int(rows["agent"].nunique()) if "agent" in rows else 0,
        channels=int(rows["channel"].nunique()) if "channel" in rows else 0,
        settings=(
            f"threshold {settings.threshold:g}, min support {settings.min_support}, "
            f"stock share {settings.stock_share:g}, min replies {settings.min_replies}"
        ),
        version=__version__,
        period_span=period_span,
        compared_with=compared_with,
    )


def _used(values: pd.Series) -> pd.Series:
    """Rows per value among these rows: a period's rows hold a category column of the whole
    history, whose ``value_counts`` also lists the values other periods used, at 0."""
    counts = values.value_counts()
    return counts[counts > 0]
