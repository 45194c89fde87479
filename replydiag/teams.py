"""Teams: an export that holds several brand accounts is analysed one account at a time.

What makes text stock is reuse across *the team* (``../shared/LABELLING.md``). A Twitter
care file of many brands (twcs, IBM's care set) holds many teams: a phrase three brands
each write once ("Please send us a DM with your") is common phrasing, not any team's stock,
and a brand's reply is judged by how its own team writes. So where the authors are shared
brand accounts (``agent_is_account``) and there are several of them, each account's replies
are analysed on their own, with their own distinct texts, and the analyses are put back
together in the export's order. Template and phrase ids then name the account as well as
the text, so two brands' copies of one sentence stay two rows of ``templates.csv``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import pipeline
from .boilerplate import Boilerplate
from .distinct import DistinctReplies
from .memory import concatenated, renamed_categories
from .models import Settings
from .pipeline import Analysis, Progress, analyze_replies


def accounts(replies: pd.DataFrame, settings: Settings) -> pd.Series | None:
    """Each reply's brand account where the export names two or more (None: one team).
    Replies of no account (a file that names some authors only) are a team of their own."""
    if not settings.teams_by_account or "agent_is_account" not in replies:
        return None
    is_account = replies["agent_is_account"].to_numpy(dtype=bool)
    if not is_account.any():
        return None  # authors are people: one team (no string of ten million authors made)
    named = replies["agent"].astype("string").str.strip()
    account = is_account & named.fillna("").ne("").to_numpy()
    if pd.Series(named[account]).nunique() < 2:
        return None
    return named.where(account, "")


@dataclass(frozen=True)
class _Team:
    """One account's replies (key codes its own), distinct texts and customers' messages."""

    name: str
    rows: np.ndarray  # positions in the export's replies
    replies: pd.DataFrame
    distinct: DistinctReplies
    customer_times: pd.DataFrame | None


def _teams(
    replies: pd.DataFrame, account: pd.Series, distinct: DistinctReplies, customer_times: pd.DataFrame | None
) -> Iterator[_Team]:
    team, names = pd.factorize(account.reset_index(drop=True), sort=True)
    if customer_times is not None:
        asked_in, conversations = pd.factorize(customer_times["conversation_id"].astype("string"))
    for code, name in enumerate(names):
        rows = np.flatnonzero(team == code)
        own = replies.iloc[rows]
        local, used = pd.factorize(own["key_code"].to_numpy())
        asked = None
        if customer_times is not None:  # the customers of this account's conversations
            theirs = conversations.isin(own["conversation_id"].astype("string").dropna().unique())
            asked = customer_times[theirs[asked_in] & (asked_in >= 0)]
        yield _Team(
            str(name),
            rows,
            own.assign(key_code=local.astype(np.int32)),
            distinct.subset(np.asarray(used, dtype=np.int64)),
            asked,
        )


def analyze_by_account(
    replies: pd.DataFrame,
    account: pd.Series,
    *,
    settings: Settings,
    distinct: DistinctReplies,
    customer_times: pd.DataFrame | None = None,
    progress: Progress | None = None,
) -> Analysis:
    """``analyze_replies`` run on each account's replies, put back together in export order.
    ``progress`` follows it in replies, accounts done: each account's own stages would
    start a bar of their own, dozens of them for a care file of many brands."""
    replies = replies.reset_index(drop=True)
    parts: list[Analysis] = []
    rows_of: list[np.ndarray] = []
    stage = f"analysing {account[account != ''].nunique():,} brand accounts"
    done = 0
    if progress is not None:
        progress(stage, done, len(replies))
    for team in _teams(replies, account, distinct, customer_times):
        analysis = analyze_replies(
            team.replies, settings=settings, distinct=team.distinct, customer_times=team.customer_times
        )
        parts.append(_named_by(analysis, team.name))
        rows_of.append(team.rows)
        done += len(team.rows)
        if progress is not None:
            progress(stage, done, len(replies))
    order = np.argsort(np.concatenate(rows_of), kind="stable")
    out = concatenated([p.replies for p in parts]).iloc[order].reset_index(drop=True)
    # Each reply's team, for the shares per brand (a signing brand's replies are spread over
    # its agents, "Brand/MC"); a reply of no account has none.
    named = account.reset_index(drop=True)
    out.insert(out.columns.get_loc("agent") + 1, "account", named.where(named != "").astype("category"))
    templates = pd.concat([p.templates for p in parts], ignore_index=True)
    templates = templates.sort_values(["replies", "template_id"], ascending=[False, True], kind="stable")
    phrases = pd.concat([p.phrases for p in parts], ignore_index=True)
    phrases = phrases.sort_values(["replies", "phrase_id"], ascending=[False, True], kind="stable")
    notes = [split_note(account[account != ""].nunique()), *added_up(p.notes for p in parts)]
    return Analysis(
        replies=out,
        templates=templates.reset_index(drop=True),
        phrases=phrases.reset_index(drop=True),
        boilerplate=_joined(p.boilerplate for p in parts),
        warnings=added_up(p.warnings for p in parts),
        notes=notes,
    )


def split_note(accounts: int) -> str:
    """What the accounting says of an export analysed account by account."""
    return (
        f"{accounts:,} brand accounts in the export: each analysed as its own team (stock text is"
        " what a team reuses), so a phrase several brands write counts for none of them; template"
        " and phrase ids name the account (--one-team, or setting teams_by_account = false, reads one team)"
    )


def learned_boilerplate(
    replies: pd.DataFrame, distinct: DistinctReplies, settings: Settings, account: pd.Series | None
) -> Boilerplate:
    """The boilerplate an audit of ``replies`` would take off, account by account where the
    export holds several (``account``, from ``accounts``; what ``inspect`` lists)."""
    if account is None:
        return pipeline.learned_boilerplate(replies, distinct, settings)
    replies = replies.reset_index(drop=True)
    return _joined(
        pipeline.learned_boilerplate(team.replies, team.distinct, settings)
        for team in _teams(replies, account, distinct, None)
    )


def _joined(parts: Iterable[Boilerplate]) -> Boilerplate:
    """The accounts' boilerplate together (their agents are their own: "Brand/MC")."""
    openings: dict[str, tuple[str, ...]] = {}
    endings: dict[str, tuple[str, ...]] = {}
    for part in parts:
        openings.update(part.openings)
        endings.update(part.endings)
    return Boilerplate(openings=openings, endings=endings)


def account_id(item_id: str, account: str) -> str:
    """A template or phrase id that names its account too: its letter, then a hash of both.

    >>> account_id("Tb4e6d8a3", "AppleSupport")
    'T5e9478b0'
    """
    return item_id[:1] + hashlib.sha1(f"{account}\x1f{item_id}".encode()).hexdigest()[:8]


def _named_by(analysis: Analysis, account: str) -> Analysis:
    """The analysis with its template and phrase ids naming ``account``, and its templates
    and phrases an ``account`` column (written after their ids)."""
    replies = analysis.replies.copy()
    templates_of = replies["template_id"].cat.categories
    replies["template_id"] = renamed_categories(
        replies["template_id"], {i: account_id(i, account) for i in templates_of}
    )
    phrases_of = replies["phrase_ids"].cat.categories
    replies["phrase_ids"] = renamed_categories(
        replies["phrase_ids"],
        {ids: " ".join(account_id(i, account) for i in ids.split()) for ids in phrases_of},
    )
    templates = analysis.templates.assign(
        template_id=[account_id(i, account) for i in analysis.templates["template_id"]], account=account
    )
    phrases = analysis.phrases.assign(
        phrase_id=[account_id(i, account) for i in analysis.phrases["phrase_id"]], account=account
    )
    return Analysis(replies, templates, phrases, analysis.boilerplate, analysis.warnings, analysis.notes)


_COUNT = re.compile(r"\d[\d,]*")


def added_up(lists: Iterable[list[str]]) -> list[str]:
    """The accounts' notes (or warnings), each said once for the whole export: lines that
    say the same but for their counts ("N messages are parts of M replies") with the counts
    added up.

    >>> added_up([["4 parts of 2 replies", "a note"], ["1,000 parts of 10 replies"]])
    ['1,004 parts of 12 replies', 'a note']
    """
    totals: dict[tuple[str, ...], list[int]] = {}
    for items in lists:
        for item in items:
            counts = [int(c.replace(",", "")) for c in _COUNT.findall(item)]
            shape = tuple(_COUNT.split(item))  # the words around the counts
            known = totals.setdefault(shape, [0] * len(counts))
            totals[shape] = [a + b for a, b in zip(known, counts)]
    said = []
    for shape, counts in totals.items():
        text = shape[0]
        for count, words in zip(counts, shape[1:]):
            text += f"{count:,}" + words
        said.append(text)
    return said
