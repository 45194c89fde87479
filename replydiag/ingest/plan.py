"""The read plan: what is decided about one file from its first rows, then kept.

Layout and columns (``formats.detect``), dates built from split columns, and the role columns
(``roles.choose_role_columns``) are decided once, from the first chunk, and applied to every
later chunk: a file read in pieces is read exactly like a file read at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import ftfy
import pandas as pd

from ..errors import FormatError, NoMessagesError
from ..normalize import matches
from .formats import TEXT_WORDS, Detection, column_of, detect, is_blank, norm_header
from .notes import Notes
from .people import people_in
from .raw import RawTable
from .roles import RoleChoice, choose_role_columns, roles_in_author_column

# UTF-8 read as cp1252 or Latin-1: a lead byte (Â..ô) then a continuation byte (0x80-0xBF) as
# either code page shows it ("â¤ï¸" for ❤️). Only a pre-filter: ftfy decides what is mojibake.
_CONTINUATION = "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
_MOJIBAKE = re.compile(f"[\u00c2-\u00f4][{_CONTINUATION}]")


@dataclass
class Plan:
    """What was decided about one file from its first rows, applied to every later chunk so
    that a file read in pieces is read exactly like a file read at once."""

    detection: Detection
    source: str
    path: str | Path
    delimiter: str | None
    roles: RoleChoice
    date_parts: dict[str, str] | None = None
    # Guesses made from the first rows that change who wrote what: said with the accounting.
    guesses: tuple[str, ...] = ()
    # A column holding the customer's message each reply answers, beside it on the same row (a
    # log of one question and its reply per row): every row is then a reply, not a guess.
    beside: str | None = None


def _text_hint(frame: pd.DataFrame, exclude: set[str]) -> str:
    """A ``--map text=`` fix naming the column with the longest cells that are not numbers or
    links; where its cells are a word or two (names, labels), the file may be a report of
    conversations or tickets without their messages, and the fix another export."""
    best, best_len, best_words = None, 0.0, 0.0
    for col in frame.columns:
        cells = frame[col].head(2000).dropna().astype("string").str.strip()
        cells = cells[(cells != "") & ~cells.str.fullmatch(r"[\d.,:/\-+ ]*") & ~cells.str.match(r"https?://")]
        if col not in exclude and len(cells) and float(cells.str.len().mean()) > best_len:
            best, best_len = col, float(cells.str.len().mean())
            best_words = float(cells.str.split().str.len().mean())
    if best is None:
        return "Name the reply text column with --map text=COLUMN"
    quoted = f'"{best}"' if any(c in str(best) for c in " '\"$;&|") else best
    if best_words < TEXT_WORDS:
        return (
            "If it is a report of conversations or tickets, export their messages instead (Zendesk"
            " /api/v2/tickets/{id}/comments.json, Intercom /conversations/{id}, Freshdesk"
            f" /api/v2/tickets/{{id}}/conversations); if {quoted} holds the replies, pass --map text={quoted}"
        )
    return f"Name the reply text column, e.g. --map text={quoted}"


def make_plan(
    raw: RawTable, *, source: str, format: str | None, column_map: dict[str, str] | None, path: str | Path
) -> Plan:
    """Recognise the layout and choose the columns, from the first rows of a file."""
    frame = raw.frame
    detection = detect(frame, format_name=format, overrides=column_map, path=str(path))
    guesses: tuple[str, ...] = ()
    author_roles = roles_in_author_column(frame, detection)
    if author_roles is not None:
        # The "author" holds Customer / Agent / System (Zammad's sender): who wrote each row,
        # not which agent. Read it as such; another column may then name the agent.
        overrides = {**(column_map or {}), "direction": author_roles}
        detection = detect(frame, format_name=format, overrides=overrides, path=str(path))
        guesses = (
            f"column {author_roles!r} holds role words (customer, agent ...), not names: read as"
            " who wrote each row",
        )
    fields = detection.fields
    if "text" in fields and fields["text"].confidence == "content":
        # No header names the text: which column holds the replies is a guess, said.
        guesses = (
            *guesses,
            f"reply text read from column {fields['text'].column!r}, chosen by its contents (the longest"
            " wordy cells), not by a known header name (--map text=COLUMN names another)",
        )
    if "text" not in fields and "html" not in fields:
        raise NoMessagesError(
            f"has no text-like column (columns: {', '.join(map(str, frame.columns))})",
            path=path,
            hint=_text_hint(frame, exclude=set()),
            people=people_in(frame),  # a side file of people names the other files' authors
        )
    plan = Plan(
        detection=detection,
        source=source,
        path=path,
        delimiter=raw.delimiter,
        roles=choose_role_columns(frame, detection),
        guesses=guesses,
    )
    _refuse_ticket_list(frame, plan, path)
    text = reply_text(frame, plan, Notes())
    if (text.str.strip() != "").any() and text.str.fullmatch(r"\s*[\d.,:/\-+ ]*\s*").all():
        col = (fields.get("text") or fields["html"]).column
        raise FormatError(
            f"the text column {col!r} holds only numbers, not reply text",
            path=path,
            hint=_text_hint(frame, exclude={col}),
        )
    by_norm = {norm_header(c): c for c in frame.columns}
    parts = {
        "year": next((by_norm[k] for k in ("year", "anno", "ano", "jahr", "annee") if k in by_norm), None),
        "month": next((by_norm[k] for k in ("month", "mese", "mes", "monat", "mois") if k in by_norm), None),
        "day": next(
            (by_norm[k] for k in ("date", "day", "giorno", "dia", "tag", "jour") if k in by_norm), None
        ),
    }
    created = fields.get("created_at")
    if all(parts.values()) and (created is None or created.column in parts.values()):
        plan.date_parts = parts  # type: ignore[assignment]
    plan.beside = _question_beside(frame, plan)
    return plan


# Headers of a column holding the customer's message beside the reply to it, normalised.
_QUESTION_HEADERS = frozenset(
    {
        "customer message",
        "customer question",
        "customer query",
        "customer request",
        "customer text",
        "message from customer",
        "question",
        "query",
        "inquiry",
        "enquiry",
        "instruction",
        "request",
        "domanda",
        "pregunta",
        "frage",
    }
)


def _question_beside(frame: pd.DataFrame, plan: Plan) -> str | None:
    """The column of customers' messages beside the replies, where one is and no column says
    who wrote each row: its header names the customer's message and its cells are sentences."""
    if plan.roles.direction_known:
        return None
    taken = {choice.column for choice in plan.detection.fields.values()}
    for column in frame.columns:
        if column in taken or norm_header(str(column)) not in _QUESTION_HEADERS:
            continue
        cells = frame[column].head(2000).dropna().astype("string").str.strip()
        cells = cells[cells != ""]
        if len(cells) and float(cells.str.split().str.len().mean()) >= 3:
            return str(column)
    return None


def reply_text(frame: pd.DataFrame, plan: Plan, notes: Notes) -> pd.Series:
    """The reply text of each row: the text column, else the HTML body; mojibake repaired."""
    fields = plan.detection.fields
    text = column_of(frame, fields, "text")
    html = column_of(frame, fields, "html")
    if text is None:
        assert html is not None, "make_plan refuses a file with neither a text nor an HTML column"
        text = html
    elif html is not None:
        text = text.where(~is_blank(text), html)
    text = text.astype("string").fillna("")
    return _repair_mojibake(text, notes)


def _repair_mojibake(text: pd.Series, notes: Notes) -> pd.Series:
    suspect = pd.Series(matches(text, _MOJIBAKE.pattern, wide_only=True), index=text.index)
    if not suspect.any():
        return text
    fixed = text[suspect].map(ftfy.fix_encoding)
    changed = int((fixed != text[suspect]).sum())
    notes.count("repaired mojibake (e.g. â€™ -> ’) in {n} cells", changed)
    text = text.copy()
    text[suspect] = fixed
    return text


# A ticket's own fields, which a list of tickets holds in place of its messages' text.
_TICKET_TEXTS = {
    "description": "each ticket's description, the customer's opening message",
    "subject": "each ticket's subject line",
}


def _refuse_ticket_list(frame: pd.DataFrame, plan: Plan, path: str | Path) -> None:
    """A list of tickets (subject, description, requester), not of their messages: its only
    text is each ticket's description or subject, the customer's words, which would be counted
    as agent replies (a help desk's /tickets endpoint or ticket report, not /comments or
    /conversations)."""
    text = plan.detection.fields.get("text")
    headers = {norm_header(c) for c in frame.columns}
    if (
        text is None
        or text.confidence in ("given", "high")
        or norm_header(text.column) not in _TICKET_TEXTS
        or "subject" not in headers
        or plan.roles.direction_known
    ):
        return
    raise FormatError(
        "holds tickets (subject, description), not the messages in them: its only text is"
        f" {_TICKET_TEXTS[norm_header(text.column)]}",
        path=path,
        hint=(
            "Export the tickets' comments or conversations (Zendesk /api/v2/tickets/{id}/comments.json,"
            " Freshdesk /api/v2/tickets/{id}/conversations); if that column is the reply, pass"
            f" --map text={text.column}"
        ),
    )
