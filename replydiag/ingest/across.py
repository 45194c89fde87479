"""Who the team is, guessed across the files of one export.

An API dump often holds one conversation per file (a folder of ticket or thread files). Where
no column says who wrote each row, one file cannot show the team: every author writes in
one conversation, so each file reads all its rows as agent replies (said as a warning). Read
together, the files show it the way one file of many conversations does
(``roles.team_by_reach``): an author writing in many of the conversations is the team, the
others are customers. Their rows then move from the replies to the customers' messages; their
signals were read as the files were (``distinct.DistinctReplies.add``).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from ..memory import concatenated
from .roles import TeamGuess, team_by_reach
from .rows import LoadedExport

_CUSTOMER_COLUMNS = ["conversation_id", "created_at", "row_number", "signal", "ask_hash"]


def team_across_files(parts: list[LoadedExport]) -> list[LoadedExport]:
    """``parts`` with the customers of the files that could not tell them apart moved out of
    their replies, where those files together show the team; as they were otherwise."""
    unsure = [i for i, part in enumerate(parts) if part.authors_unsure and len(part.replies)]
    if len(unsure) < 2:
        return parts
    together = concatenated([parts[i].replies[["agent", "conversation_id"]] for i in unsure])
    file_of = np.repeat(np.arange(len(unsure)), [len(parts[i].replies) for i in unsure])
    # Conversations are the files' own: "1" of one ticket file is not "1" of another.
    conversation = pd.Series(file_of, dtype="string") + "\x1f" + together["conversation_id"].astype("string")
    team = team_by_reach(together["agent"].astype("string"), conversation)
    if team is None:
        return parts
    out = list(parts)
    for i in unsure:
        out[i] = _customers_moved(parts[i], team)
    first = out[unsure[0]]
    first.accounting.warnings.append(_describe(team, [parts[i].source for i in unsure]))
    return out


def _customers_moved(part: LoadedExport, team: TeamGuess) -> LoadedExport:
    replies = part.replies
    customer = ~replies["agent"].astype("string").isin(list(team.authors)).fillna(False).to_numpy()
    moved = replies.loc[customer, _CUSTOMER_COLUMNS].dropna(subset=["conversation_id"])
    accounting = part.accounting
    accounting.replies_analysed -= int(customer.sum())
    accounting.customer_messages += int(customer.sum())
    said = f"{part.source}: no column says who wrote each row"
    accounting.warnings[:] = [w for w in accounting.warnings if not w.startswith(said)]
    kept = replies.loc[~customer].drop(columns=["signal", "ask_hash"]).reset_index(drop=True)
    times = pd.concat([part.customer_times, moved], ignore_index=True)
    return replace(part, replies=kept, customer_times=times, authors_unsure=False)


def _describe(team: TeamGuess, sources: list[str]) -> str:
    names = ", ".join(sorted(team.authors)[:3]) + (" ..." if len(team.authors) > 3 else "")
    files = f"{len(sources):,} files ({', '.join(sources[:2])}{' ...' if len(sources) > 2 else ''})"
    return (
        f"{files}: no column says who wrote each row, and each file holds too few conversations"
        f" to tell; read together, {len(team.authors)} author(s) writing in many of their"
        f" conversations ({names}; {team.covered:.0%} of them) are read as the team and"
        f" {team.others:,} authors who write in few as customers. If that is wrong, name the"
        " author-type column with --map role=COLUMN"
    )
