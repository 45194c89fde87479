"""A chat app's own text export (WhatsApp's "Export chat"): one message per line, as
``[02/03/2026, 10:14:03] Jo Baker: Hi`` (iPhone) or ``02/03/2026, 10:14 - Jo Baker: Hi``
(Android), a line that does not open so going on the message before it.

Read as CSV, its first message was a header and the rest split at their commas. The chat is
one conversation. WhatsApp names the file after the other person ("WhatsApp Chat with Jo
Baker.txt"): where that name is one of the chat's authors, it is the customer and the others
are the team; otherwise who is who is left to the team's reach (``roles.team_by_reach``, and
across the files of a folder: ``across``).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd

from .raw import RawTable

_DATE = r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}"
_TIME = r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s?[APap]\.?\s?[Mm]\.?)?"
_OPENING = re.compile(
    rf"^\u200e?(?:\[(?P<d1>{_DATE}),? (?P<t1>{_TIME})\] |(?P<d2>{_DATE}),? (?P<t2>{_TIME}) - )(?P<rest>.*)$"
)
_AUTHOR = re.compile(r"^(?P<author>[^:]{1,80}?): (?P<text>.*)$", re.S)
_CHAT_WITH = re.compile(r"^WhatsApp Chat (?:with|-|mit|con|avec|com) (?P<name>.+?)(?: \(\d+\))?$", re.I)


def is_chat_transcript(head: str) -> bool:
    """Whether a text's first lines are a chat app's messages (most of the first five open
    as one).

    >>> is_chat_transcript("[02/03/2026, 10:14:03] Jo: Hi\\n[02/03/2026, 10:20:11] Acme: Hello")
    True
    >>> is_chat_transcript("id,text\\n1,Hi")
    False
    """
    lines = [line for line in head.lstrip("\ufeff").splitlines()[:6] if line.strip()][:5]
    return bool(lines) and sum(bool(_OPENING.match(line)) for line in lines) * 2 > len(lines)


def read_chat_text(text: str, path: Path | str) -> RawTable:
    """The chat's messages as rows: date, author, text, the chat as their conversation, and
    the author's role where the file's name says who the customer is."""
    rows: list[dict[str, str]] = []
    system = 0
    for line in text.lstrip("\ufeff").splitlines():
        opening = _OPENING.match(line)
        if opening is None:
            if rows and line.strip():
                rows[-1]["message"] += "\n" + line
            continue
        said = _AUTHOR.match(opening["rest"])
        # The app's own lines: with no author ("Jo joined"), or marked by a left-to-right
        # mark ("\u200eMessages and calls are end-to-end encrypted.", "\u200eimage omitted").
        if said is None or said["text"].startswith("\u200e"):
            system += 1
            continue
        rows.append(
            {
                "date": f"{opening['d1'] or opening['d2']} {opening['t1'] or opening['t2']}",
                "author": said["author"].strip().lstrip("\u200e~ "),
                "message": said["text"],
            }
        )
    frame = pd.DataFrame(rows, columns=["date", "author", "message"], dtype="string")
    frame["date"], order = _in_order(frame["date"])
    named = Path(str(path))
    # iPhone's export is a zip ("WhatsApp Chat - Jo Baker.zip") holding "_chat.txt": the zip names the chat.
    chat = (
        named.parent.stem if named.stem == "_chat" and named.parent.suffix.lower() == ".zip" else named.stem
    )
    frame["conversation"] = chat
    notes = [f"a chat app's text export: {len(frame):,} messages of one chat{order}"]
    with_whom = _CHAT_WITH.match(chat)
    customer = with_whom["name"].strip() if with_whom else None
    if customer is not None and customer in set(frame["author"]):
        frame["author_role"] = frame["author"].map(lambda a: "customer" if a == customer else "agent")
        notes.append(
            "the file is named after one of the chat's authors: theirs are the customer's messages, the others' the team's"
        )
    return RawTable(
        frame=frame, kind="chat", extra_skips={"system event": system} if system else {}, notes=notes
    )


def _in_order(dates: pd.Series) -> tuple[pd.Series, str]:
    """The dates as ISO text, day and month told apart by the chat's order: its messages are
    written in time order, and the phone's locale (02/03: 2 March or February 3?) is not in
    the file. Day first where both read in order (most of the world's phones)."""
    if dates.empty:
        return dates, ""
    read = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for dayfirst in (True, False):
            read[dayfirst] = pd.to_datetime(dates, dayfirst=dayfirst, errors="coerce", format="mixed")

    def backwards(when: pd.Series) -> int:
        known = when.dropna()
        return int(when.isna().sum()) + int((known.diff().dt.total_seconds() < 0).sum())

    dayfirst = backwards(read[True]) <= backwards(read[False])
    if backwards(read[True]) != backwards(read[False]):
        said = f"; dates read {'day' if dayfirst else 'month'} first, the order its messages were written in"
    elif read[True].equals(read[False]):
        said = ""  # no date a day could be taken for a month (13/03, or the 2nd of February read either way)
    else:  # a guess that moves messages between months: said
        said = "; dates read day first (02/03: 2 March), as most phones write them: the messages' order fits either"
    return read[dayfirst].dt.strftime("%Y-%m-%dT%H:%M:%S").astype("string"), said
