"""Chat transcripts held whole in one cell, split into their messages.

Some exports keep a chat as one text: Salesforce's ``LiveChatTranscript.Body``
(``( 1m 2s ) Tom A: Let me check.<br>``), chat tools' "transcript" columns
(``(10:01:02 AM) Tom: Hi`` or ``[10:01] Tom: Hi``, or plain ``Tom: Hi`` lines). Read as they
are, every chat became one "reply" holding the customer's words and the agent's, with exit 0.

A text column is one of transcripts when most of its texts are: three or more lines opening
with a speaker's name and a colon, from two or more speakers. Each such text becomes one row
per message (speaker, text, time), the chat its conversation; who of the speakers is the
team is then read as for any export that names authors but not their roles: by how widely
each writes (``roles.team_by_reach``), bots by their names; where each chat's row names its
agent, or its header does (Salesforce's ``Agent Tom A`` line), that speaker and any bot are
the team and the others the customer. Lines that do not open with a
speaker go on the message before them; header lines before the first message ("Chat
Started: ...") are dropped.
"""

from __future__ import annotations

import html
import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .formats import Detection, column_of
from .raw import RawTable
from .rows import BOT_NAME

# Offsets from the chat's start ("( 1m 2s )"), times of day ("(10:01:02 AM)", "[10:01]").
_OFFSET = r"\(\s*(?:(?P<h>\d+)h\s*)?(?:(?P<m>\d+)m\s*)?(?:(?P<s>\d+)s)?\s*\)"
_CLOCK = r"[\[(]?(?P<clock>\d{1,2}:\d{2}(?::\d{2})?(?:\s?[APap]\.?[Mm]\.?)?)[\])]?"
_SPEAKER = r"(?P<speaker>[^:\n<>]{1,60}?):[ \t]+(?P<text>\S.*)"
_LINE = re.compile(rf"^\s*(?:(?P<stamp>{_OFFSET}|{_CLOCK})\s*)?{_SPEAKER}$")
_BREAK = re.compile(r"<br\s*/?>|</p>|</div>|\r\n?", re.I)
_TAG = re.compile(r"<[^>]+>")
# Labels of a transcript's header, said like a speaker's line where no stamps mark messages.
_HEADER_LABELS = frozenset(
    [
        "chat started",
        "chat ended",
        "chat origin",
        "chat duration",
        "started",
        "ended",
        "date",
        "time",
        "duration",
        "browser",
        "ip address",
        "ip",
        "location",
        "url",
        "referrer",
        "referer",
        "email",
        "e-mail",
        "name",
        "agent",
        "visitor",
        "operator",
        "platform",
        "chat transcript",
        "transcript",
    ]
)
# A mail's header lines, as quoted in replies ("From: Ann", "Sent: Monday", "To: Support"):
# never a speaker, stamped or not (two quoted headers had looked like a chat's turns).
_MAIL_HEADERS = frozenset(
    [
        "from",
        "to",
        "cc",
        "bcc",
        "sent",
        "subject",
        "date",
        "reply-to",
        "de",
        "para",
        "asunto",
        "enviado",
        "von",
        "an",
        "betreff",
        "gesendet",
        "datum",
        "objet",
        "envoyé",
        "à",
        "da",
        "a",
        "oggetto",
        "inviato",
        "data",
    ]
)
# A header line naming the chat's agent: "Agent Tom A" (Salesforce), "Operator: Tom".
_HEADER_AGENT = re.compile(r"^\s*(?:agent|operator)(?:\s*:\s*|\s+)(?P<name>\S[^:<>]{0,59})$", re.I)
MIN_MESSAGES = 3
TRANSCRIPT_SHARE = 0.5  # of a column's texts, for it to be one of transcripts
_SAMPLE = 200


@dataclass(frozen=True)
class Turn:
    speaker: str
    text: str
    offset: float | None  # seconds from the chat's start
    clock: str | None  # time of day, as written


def turns_of(text: str) -> list[Turn]:
    """The messages of one transcript (an empty list for text that is not one).

    >>> [(t.speaker, t.text, t.offset) for t in turns_of("Chat Started: Monday<br>( 5s ) Tom: Hi<br>"
    ...     "( 40s ) Ann: my order<br>is late<br>( 1m 2s ) Tom: Let me check.")]
    [('Tom', 'Hi', 5.0), ('Ann', 'my order\\nis late', 40.0), ('Tom', 'Let me check.', 62.0)]
    """
    return _turns(_lines(text))


def _turns(lines: list[tuple[str, re.Match | None]]) -> list[Turn]:
    turns: list[dict] = []
    for line, found in lines:
        if found is not None:
            turns.append(
                {
                    "speaker": found["speaker"].strip(),
                    "text": [found["text"].strip()],
                    "offset": _seconds(found),
                    "clock": found["clock"],
                }
            )
        elif turns and line.strip():
            turns[-1]["text"].append(line.strip())
    speakers = {t["speaker"] for t in turns}
    # A chat's speakers take turns: few of them, each speaking again. A list of fields
    # ("Order: 5521", "Status: shipped", "Carrier: UPS") names each once.
    if len(turns) < MIN_MESSAGES or not 2 <= len(speakers) <= len(turns) // 2 + 1:
        return []
    return [Turn(t["speaker"], "\n".join(t["text"]), t["offset"], t["clock"]) for t in turns]


def _header_agent(lines: list[tuple[str, re.Match | None]]) -> str | None:
    """The agent a transcript's header names, before its first message (Salesforce's
    ``Agent Tom A`` line, ``Operator: Tom`` elsewhere), from its lines (``_lines``).

    >>> _header_agent(_lines("Chat Started: Monday<br>Chat Origin: Web<br>Agent Tom A<br>( 5s ) Tom A: Hi"))
    'Tom A'
    >>> _header_agent(_lines("( 5s ) Tom A: Hi<br>Agent Kim")) is None
    True
    """
    for line, found in lines:
        if found is not None:
            return None  # the messages have begun
        named = _HEADER_AGENT.match(line)
        if named:
            return named["name"].strip()
    return None


def _lines(text: str) -> list[tuple[str, re.Match | None]]:
    """The transcript's lines, each with its match where it opens a message."""
    lines = html.unescape(_TAG.sub("", _BREAK.sub("\n", text))).split("\n")
    matches = [_LINE.match(line) for line in lines]
    stamped = any(m is not None and m["stamp"] for m in matches)
    return [
        (
            line,
            found
            if found is not None
            and (bool(found["stamp"]) or not stamped)
            and (stamped or found["speaker"].strip().lower() not in _HEADER_LABELS)
            and found["speaker"].strip().lower() not in _MAIL_HEADERS
            else None,
        )
        for line, found in zip(lines, matches, strict=True)
    ]


def _seconds(found: re.Match) -> float | None:
    if not any(found[k] for k in ("h", "m", "s")):
        return None
    return float(int(found["h"] or 0) * 3600 + int(found["m"] or 0) * 60 + int(found["s"] or 0))


def transcript_column(frame: pd.DataFrame, detection: Detection) -> str | None:
    """The text (or HTML) column, if most of its texts are chat transcripts."""
    for name in ("text", "html"):
        if name not in detection.fields:
            continue
        column = detection.fields[name].column
        head = frame[column].head(_SAMPLE).dropna().astype(str).tolist()
        if head and sum(bool(turns_of(text)) for text in head) >= TRANSCRIPT_SHARE * len(head):
            return column
    return None


def split_transcripts(raw: RawTable, detection: Detection, column: str) -> tuple[RawTable, dict[str, str]]:
    """Each transcript of ``column`` as one row per message, and the columns that now hold
    each message's text, speaker, id, chat and time (a column map for the split table). The
    table's last note is a template of how many transcripts were split (``conversations``)."""
    frame = raw.frame
    chat = column_of(frame, detection.fields, "conversation_id")
    row_id = column_of(frame, detection.fields, "reply_id")
    when = column_of(frame, detection.fields, "created_at")
    agent = column_of(frame, detection.fields, "agent")
    agents = agent.astype("string").str.strip().str.casefold() if agent is not None else None
    chat_ids = (
        chat
        if chat is not None
        else row_id
        if row_id is not None
        else pd.Series(frame.index + 1, index=frame.index)
    ).astype("string")
    starts = _dates(when) if when is not None else pd.Series(pd.NaT, index=frame.index)
    positions: list[int] = []  # the transcript's row, for each message
    rows: list[dict[str, str | None]] = []
    split = 0
    for position, text in enumerate(frame[column].tolist()):
        lines = _lines(text) if isinstance(text, str) else []  # parsed once, for turns and header
        turns = _turns(lines)
        if not turns:
            positions.append(position)
            rows.append({})
            continue
        split += 1
        start = starts.iloc[position]
        # The chat's agent: its row's, else the one its header names.
        named = agents.iloc[position] if agents is not None else None
        if agents is None and (in_header := _header_agent(lines)) is not None:
            named = in_header.casefold()
        for number, turn in enumerate(turns, 1):
            positions.append(position)
            rows.append(
                {
                    "message_text": turn.text,
                    "speaker": turn.speaker,
                    "message_number": f"{chat_ids.iloc[position]}:{number}",
                    "message_time": _time(start, turn),
                    "speaker_role": _role(turn.speaker, named),
                }
            )
    turns_frame = pd.DataFrame.from_records(rows, index=range(len(rows))).astype("string")
    kept = frame.iloc[positions].drop(columns=[column]).reset_index(drop=True)
    out = pd.concat([kept, turns_frame], axis=1)
    unsplit = out["message_text"].isna() if "message_text" in out else pd.Series(True, index=out.index)
    out.loc[unsplit, "message_text"] = (
        frame[column].iloc[np.asarray(positions)[unsplit.to_numpy()]].to_numpy()
    )
    out["chat"] = chat_ids.iloc[positions].to_numpy()
    mapping = {
        "text": "message_text",
        "agent": "speaker",
        "conversation_id": "chat",
        "reply_id": "message_number",
    }
    if "message_time" in out and out["message_time"].notna().any():
        mapping["created_at"] = "message_time"
    if "speaker_role" in out and out["speaker_role"].notna().any():
        mapping["role"] = "speaker_role"
    if "channel" not in detection.fields:
        out["transcript_channel"] = "chat"  # a transcript is a chat's, whatever the export says
        mapping["channel"] = "transcript_channel"
    where = (
        f"column {detection.fields['agent'].column!r}"
        if agents is not None
        else "named in its header: 'Agent Tom A'"
    )
    who = (
        f"each chat's agent ({where}) and bots read as the team, the other speakers as the customer"
        if "role" in mapping
        else "who is the team is read from how widely each speaker writes"
    )
    # Counted: a file read in chunks adds up each chunk's.
    notes = [
        *raw.notes,
        f"{{n}} chat transcripts in column {column!r} split into their messages (lines opening with a"
        f" speaker's name); {who}",
    ]
    return (
        RawTable(
            frame=out,
            kind=raw.kind,
            delimiter=raw.delimiter,
            ragged_rows=raw.ragged_rows,
            first_ragged_line=raw.first_ragged_line,
            conversations=split,
            extra_skips=raw.extra_skips,
            notes=notes,
        ),
        mapping,
    )


def _role(speaker: str, agent: object) -> str | None:
    """The chat's agent (the name its row gives, or a first name of it) and bots are the team."""
    if not isinstance(agent, str) or not agent:
        return None
    name = speaker.casefold()
    if (
        name == agent
        or agent.startswith(name + " ")
        or name.startswith(agent + " ")
        or re.search(BOT_NAME, speaker)
    ):
        return "agent"
    return "customer"


def _dates(values: pd.Series) -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pd.to_datetime(values, utc=True, errors="coerce", format="mixed")


def _time(start: pd.Timestamp, turn: Turn) -> str | None:
    if pd.isna(start):
        return None
    if turn.offset is not None:
        return (start + pd.Timedelta(seconds=turn.offset)).isoformat()
    if turn.clock is not None:
        clock = _dates(pd.Series([f"{start.date().isoformat()} {turn.clock}"])).iloc[0]
        if not pd.isna(clock):
            return clock.isoformat()
    return start.isoformat()
