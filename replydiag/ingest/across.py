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
    their replies, where those files together show the team; as they were otherwise (the
    signals their replies kept for this dropped)."""
    unsure = [i for i, part in enumerate(parts) if part.authors_unsure and len(part.replies)]
    team = _team(parts, unsure) if len(unsure) >= 2 else None
    out = [
        _customers_moved(part, team) if i in unsure and team else _settled(part)
        for i, part in enumerate(parts)
    ]
    if team is not None:
        out[unsure[0]].accounting.warnings.append(team.describe_files([parts[i].source for i in unsure]))
    return out


def _team(parts: list[LoadedExport], unsure: list[int]) -> TeamGuess | None:
    together = concatenated([parts[i].replies[["agent", "conversation_id"]] for i in unsure])
    sizes = [len(parts[i].replies) for i in unsure]
    file_of = np.repeat(np.arange(len(unsure)), sizes)
    # Conversations are the files' own: "1" of one ticket file is not "1" of another. A mail
    # thread's id (its first message's Message-ID) is the same in every file that holds it.
    own = np.repeat([parts[i].format_name != "mailbox" for i in unsure], sizes)
    conversation = together["conversation_id"].astype("string")
    conversation = conversation.where(~own, pd.Series(file_of, dtype="string") + "\x1f" + conversation)
    return team_by_reach(together["agent"].astype("string"), conversation)


def _settled(part: LoadedExport) -> LoadedExport:
    """The part with no guess left to make: its replies without the customers' signals."""
    if not part.authors_unsure:
        return part
    return replace(part, replies=part.replies.drop(columns=["signal", "ask_hash"]), authors_unsure=False)


def _customers_moved(part: LoadedExport, team: TeamGuess) -> LoadedExport:
    replies = part.replies
    customer = ~replies["agent"].astype("string").isin(list(team.authors)).fillna(False).to_numpy()
    moved = replies.loc[customer, _CUSTOMER_COLUMNS].dropna(subset=["conversation_id"])
    accounting = part.accounting
    accounting.replies_analysed -= int(customer.sum())
    accounting.customer_messages += int(customer.sum())
    said = f"{part.source}: no column says who wrote each row"
    accounting.warnings[:] = [w for w in accounting.warnings if not w.startswith(said)]
    kept = replace(part, replies=replies.loc[~customer].reset_index(drop=True))
    return replace(_settled(kept), customer_times=pd.concat([part.customer_times, moved], ignore_index=True))
