"""A mailbox file (mbox: Gmail Takeout, Thunderbird, a shared support inbox saved whole) as
one row per message; a message saved alone (.eml) as one row.

Read as a CSV, an mbox was refused for ragged rows with a hint about delimiters. Each message
becomes the columns the ``mailbox`` format names: its id, sender name and address apart,
addressees, date, subject and text (the ``text/plain`` part, else the ``text/html`` one), and
its conversation: the first message of its chain of ``References`` / ``In-Reply-To`` found in
the file (Gmail's own thread id, ``X-GM-THRID``, where the file has it). Gmail's labels
(``X-Gmail-Labels``) say which messages the mailbox sent; without them the team is found
as in any export that does not say who wrote: the address writing in most conversations.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from pathlib import Path
from typing import Any

import pandas as pd

from .raw import RawTable

# A message starts at a "From " line whose next line is a header (a "From " inside a body is
# escaped as ">From " by the programs that write mailboxes).
_SEPARATOR = re.compile(rb"(?m)^From [^\r\n]*\r?\n(?=[!-9;-~]+:)")
_HEADER = re.compile(rb"(?im)^(from|to|date|subject|message-id):")
# One message saved alone (a .eml file): header lines (folded ones indented) up to a blank line.
_HEADER_BLOCK = re.compile(rb"\A(?:[!-9;-~]+:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*)+\r?\n")
_ID = re.compile(r"<([^<>\s]+)>")


def is_mailbox(head: bytes) -> bool:
    """Whether a file's first bytes are a mailbox's (a ``From`` separator line, then headers)
    or one message's (a .eml file: its headers, a ``From:`` among them, then a blank line).

    >>> is_mailbox(b"From ann@x.io Mon Mar  2 09:00:00 2026\\nFrom: Ann <ann@x.io>\\nSubject: Hi\\n")
    True
    >>> is_mailbox(b"Received: by x\\n  id 1\\nFrom: Ann <ann@x.io>\\nDate: Mon, 2 Mar 2026\\n\\nHi")
    True
    >>> is_mailbox(b"From,To,Body\\nann,bob,hi\\n"), is_mailbox(b"Agent: Hello\\nCustomer: Hi\\n")
    (False, False)
    """
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if _SEPARATOR.match(start):
        return bool(_HEADER.search(start[:4096]))
    block = _HEADER_BLOCK.match(start)
    names = {m.group(1).lower() for m in _HEADER.finditer(block.group(0))} if block else set()
    return b"from" in names and len(names) >= 2


def read_mailbox(data: bytes, *, path: Path | str) -> RawTable:
    """One row per message of the mailbox, with its conversation (see the module's text)."""
    data = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    rows = [_fields(m) for m in _messages(data) if isinstance(m, EmailMessage)]
    labelled = any(r["labels"] is not None for r in rows)
    parent = {r["Message-ID"]: r["parent"] for r in rows if r["Message-ID"]}
    for r in rows:
        r["thread"] = r.pop("gmail_thread") or _root(r["Message-ID"] or r["parent"], parent)
        labels = r.pop("labels")
        if labelled:
            # Gmail labels a message the mailbox sent "Sent"; "Draft" was never sent.
            r["direction"] = "outbound" if "sent" in (labels or ()) else "inbound"
            r["is_draft"] = "true" if "draft" in (labels or ()) else "false"
        del r["parent"]
    single = _SEPARATOR.match(data) is None
    notes = [
        "read as a saved mail message (.eml), in the conversation its References / In-Reply-To"
        " headers lead back to"
        if single
        else f"read as a mailbox (mbox): {len(rows):,} messages, each in the conversation its"
        " References / In-Reply-To headers lead back to"
    ]
    if labelled:
        notes.append("who sent each message read from Gmail's labels ('Sent': the mailbox's own)")
    return RawTable(frame=pd.DataFrame(rows, dtype="string"), kind="mbox", notes=notes)


def _messages(data: bytes) -> Iterator[Message]:
    """Each message of the mailbox, parsed one at a time: a mailbox of a gigabyte is a few
    gigabytes as parsed messages, so none is kept once its fields are read."""
    separators = list(_SEPARATOR.finditer(data))
    if not separators:  # one message saved alone (.eml)
        yield email.message_from_bytes(data, policy=email.policy.default)
        return
    for here, onward in zip(separators, [*separators[1:], None], strict=True):
        chunk = data[here.end() : onward.start() if onward is not None else len(data)]
        if chunk.strip():
            yield email.message_from_bytes(chunk, policy=email.policy.default)


def _fields(message: EmailMessage) -> dict[str, Any]:
    """The row of one message; ``parent`` (the first id its chain names), ``gmail_thread`` and
    ``labels`` are read by ``read_mailbox`` and dropped."""
    sender_name, sender_address = parseaddr(str(message.get("From", "")))
    ids = _ID.findall(str(message.get("References", "")))
    replied_to = _ID.findall(str(message.get("In-Reply-To", "")))
    labels = message.get("X-Gmail-Labels")
    plain = _text(message, "plain")
    return {
        "Message-ID": next(iter(_ID.findall(str(message.get("Message-ID", "")))), None),
        "parent": (ids[:1] or replied_to[:1] or [None])[0],
        "gmail_thread": str(message["X-GM-THRID"]) if message.get("X-GM-THRID") else None,
        "from_name": sender_name or None,
        "from_address": sender_address.lower() or None,
        "to_address": ", ".join(a for _, a in getaddresses([str(message.get("To", ""))]) if a) or None,
        "Subject": str(message.get("Subject", "")) or None,
        "sent_at": _date(message.get("Date")),
        "body_text": plain,
        "body_html": _text(message, "html") if plain is None else None,
        "labels": None if labels is None else [w.strip().lower() for w in str(labels).split(",")],
    }


def _root(message_id: str | None, parent: dict[str, str | None]) -> str | None:
    """The first message of a chain found in the file (the chain's own first id where the file
    lacks it: replies to a mail not in the mailbox share that mail as their conversation)."""
    seen: set[str] = set()
    current = message_id
    while current is not None and current in parent and current not in seen:
        seen.add(current)
        onward = parent[current]
        if onward is None:
            return current
        current = onward
    return current


def _text(message: EmailMessage, subtype: str) -> str | None:
    body = message.get_body(preferencelist=(subtype,))
    if body is None or body.get_filename():  # an attached .txt or .html file is no body
        return None
    try:
        content = body.get_content()
    except (LookupError, ValueError):  # an unknown charset or a broken transfer encoding
        payload = body.get_payload(decode=True)
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else None
    return content if isinstance(content, str) else None


def _date(value: object) -> str | None:
    try:
        return parsedate_to_datetime(str(value)).isoformat() if value else None
    except (TypeError, ValueError):
        return None
