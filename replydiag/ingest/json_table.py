"""JSON and NDJSON to a raw table: a list of messages, or conversations holding their turns.

Nested keys become dotted columns; a list of conversations becomes one row per turn, with
the conversation's id on every row.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import FormatError, InputError
from .raw import RawTable

# Keys under which exports nest their list of records or turns.
TURN_KEYS = (
    "dialogContent",
    "turns",
    "messages",
    "conversation_parts",
    "comments",
    "threads",
    "parts",
    "utterances_list",
    "dialog",
    "dialogue",
    "conversation",
)


def _scalar(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        return str(int(value))
    if isinstance(value, (list, tuple)):
        if all(not isinstance(v, (dict, list)) for v in value):
            return "\n".join(s for s in (_scalar(v) for v in value) if s)
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def flatten_record(
    record: dict[str, Any], prefix: str = "", out: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Nested keys become dotted columns; a list of objects contributes its first object.

    >>> flatten_record({"author": {"type": "admin"}, "senders": [{"name": "Ann"}]})
    {'author.type': 'admin', 'senders.name': 'Ann'}
    """
    out = {} if out is None else out
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flatten_record(value, name + ".", out)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            flatten_record(value[0], name + ".", out)
        else:
            out[name] = _scalar(value)
    return out


def _parse_json(text: str, path: Path | str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as whole_error:
        lines = [ln for ln in text.splitlines() if ln.strip()]
        if len(lines) > 1 and lines[0].lstrip().startswith("{"):
            records = []
            for number, line in enumerate(lines, 1):
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise InputError(
                        f"is not valid NDJSON: line {number} is not a JSON object ({exc.msg})",
                        path=path,
                        hint="Export again, or remove the broken line",
                    ) from exc
            return records
        raise InputError(
            f"is not valid JSON ({whole_error.msg}: line {whole_error.lineno}, column {whole_error.colno})",
            path=path,
            hint="The file may be truncated; export it again",
        ) from whole_error


def _find_records(data: Any, path: Path | str) -> list[dict[str, Any]]:
    if isinstance(data, list):
        records = [r for r in data if isinstance(r, dict)]
        if not records:
            raise FormatError(
                "is a JSON list but holds no objects",
                path=path,
                hint="Expected a list of messages or conversations",
            )
        return records
    if isinstance(data, dict):
        lists = [
            (k, v)
            for k, v in data.items()
            if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)
        ]
        if lists:
            return max(lists, key=lambda kv: len(kv[1]))[1]
        for value in data.values():  # e.g. {"conversation_parts": {"conversation_parts": [...]}}
            if isinstance(value, dict):
                try:
                    return _find_records(value, path)
                except FormatError:
                    continue
        raise FormatError(
            f"is a JSON object, not a list of records (keys: {', '.join(list(data)[:12])})",
            path=path,
            hint="Export a list of messages, or conversations with their turns",
        )
    raise FormatError(f"holds a JSON {type(data).__name__}, not a list of records", path=path)


def _turn_key(records: Iterable[dict[str, Any]]) -> str | None:
    """The key holding a conversation's turns, if records are conversations."""
    for record in records:
        for key in TURN_KEYS:
            value = record.get(key)
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                return key
        for key, value in record.items():
            if (
                isinstance(value, list)
                and len(value) > 1
                and all(isinstance(v, dict) for v in value)
                and any(
                    isinstance(v.get(k), str)
                    for v in value
                    for k in ("message", "text", "body", "utterances")
                )
            ):
                return key
        return None
    return None


_NUMBERED_SPEAKER = re.compile(r"^(client|customer|user|agent)\d+$")


def _speaker_keys(row: dict[str, Any]) -> dict[str, Any]:
    """``client1``/``client2`` (a second customer in the thread) read as ``client``."""
    return {(_NUMBERED_SPEAKER.sub(r"\1", k) if _NUMBERED_SPEAKER.match(k) else k): v for k, v in row.items()}


def _side_turns(conversation: dict[str, Any], turn_key: str, conversation_id: str, after: int) -> list[dict]:
    """Turns kept beside the turn list, e.g. IBM's ``agentURL.url_utterance`` (the agent's last reply).

    A nested object whose key names a speaker (agent/client) and that holds an utterance or
    message becomes one more turn of that speaker.
    """
    header = next((v for k, v in conversation.items() if isinstance(v, dict) and "company" in v), {})
    extra: list[dict[str, Any]] = []
    for key, value in conversation.items():
        if key == turn_key or not isinstance(value, dict):
            continue
        speaker = next((s for s in ("agent", "client", "customer") if s in key.lower()), None)
        text_key = next(
            (k for k in value if k.endswith("utterance") or k in ("message", "text", "body")), None
        )
        if speaker is None or text_key is None or not isinstance(value[text_key], str):
            continue
        name = header.get("company") or value.get(speaker) or speaker
        row = {
            "conversation_id": conversation_id,
            "turn_index": str(after + len(extra)),
            "message": value[text_key],
            ("agent" if speaker == "agent" else "client"): name,
        }
        for id_key in ("tweet_ID", "id", "datetime"):
            if id_key in value:
                row[id_key] = _scalar(value[id_key])
        extra.append(row)
    return extra


def read_json_text(text: str, *, path: Path | str) -> RawTable:
    """Parse a JSON list of messages, NDJSON, or a list of conversations holding turns."""
    records = _find_records(_parse_json(text, path), path)
    turn_key = _turn_key(records[:5])
    if turn_key is None:
        frame = pd.DataFrame.from_records([flatten_record(r) for r in records])
        return RawTable(frame=frame.astype("string"), kind="json")
    rows = []
    empty_conversations = 0
    for index, conversation in enumerate(records):
        turns = conversation.get(turn_key)
        if not isinstance(turns, list) or not turns:
            empty_conversations += 1
            continue
        conversation_id = _scalar(
            conversation.get("id") or conversation.get("conversation_id") or conversation.get("doc_id")
        ) or str(index + 1)
        for position, turn in enumerate(turns):
            if not isinstance(turn, dict):
                continue
            row = {"conversation_id": conversation_id, "turn_index": str(position)}
            row.update(_speaker_keys(flatten_record(turn)))
            rows.append(row)
        rows.extend(_side_turns(conversation, turn_key, conversation_id, len(turns)))
    frame = pd.DataFrame.from_records(rows).astype("string")
    raw = RawTable(frame=frame, kind="json", conversations=len(records))
    if empty_conversations:
        raw.extra_skips["conversation without turns"] = empty_conversations
    return raw
