"""JSON, NDJSON and JSON documents written one after another to a raw table: a list of
messages, or conversations holding their turns.

Nested keys become dotted columns; a list of conversations becomes one row per turn, with
the conversation's id on every row.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pandas as pd

from ..errors import FormatError, InputError
from .documents import document_text, is_document
from .mime import mail_message
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
    "comment",  # a Jira issue's comments: {"comments": [...], "total": ...}
    "events",  # Zendesk ticket audits: comments among field changes and notifications
    "child_events",  # Zendesk incremental ticket events
)

# Fields of a conversation (or audit) its turns keep when they lack their own: which ticket,
# when (audit events carry no date), who (an audit's author wrote its comment), which channel.
INHERITED = (
    "ticket_id",
    "conversation_id",
    "case_id",
    "created_at",
    "createdAt",
    "author_id",
    "via.channel",
    "channel",
    "source.type",
)
# Where a ticket names its customer (Zendesk's and Freshdesk's requester, Help Scout's customer).
REQUESTER_KEYS = (
    "requester_id",
    "requester.id",
    "customer_id",
    "customer.id",
    "primaryCustomer.id",
    "reporter.accountId",  # a Jira issue's reporter
)
# A turn's keys that already say who wrote it.
_ROLE_KEYS = (
    "author.role",
    "author_role",
    "role",
    "author.type",
    "author_type",
    "incoming",
    "direction",
    "from",
)
# Keys that say an object is one page of a paginated API response.
PAGE_KEYS = (
    "next_page",
    "previous_page",
    "links",
    "_pagination",
    "meta",
    "after_cursor",
    "has_more",
    "pages",
    "paging",
    "count",
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
        if all(isinstance(v, str) or (isinstance(v, dict) and isinstance(v.get("text"), str)) for v in value):
            # Text as runs of plain and marked-up pieces (Telegram's "text": ["See ",
            # {"type": "link", "text": "https://..."}]): the pieces' text, joined.
            return "".join(v if isinstance(v, str) else v["text"] for v in value)
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def jsonapi_resource(record: dict[str, Any]) -> dict[str, Any]:
    """A JSON:API resource object (Kustomer and other ``application/vnd.api+json`` APIs) as
    a plain record: its ``attributes`` at the top, each to-one relationship as ``<name>_id``.

    >>> jsonapi_resource({"type": "message", "id": "m2", "attributes": {"direction": "out"},
    ...     "relationships": {"conversation": {"data": {"type": "conversation", "id": "c1"}}}})
    {'id': 'm2', 'resource_type': 'message', 'direction': 'out', 'conversation_id': 'c1'}
    >>> jsonapi_resource({"id": "e2", "authorId": "a1", "attributes": {"direction": "Outbound"}})
    {'id': 'e2', 'authorId': 'a1', 'direction': 'Outbound'}
    """
    attributes = record.get("attributes")
    if not isinstance(attributes, dict) or "id" not in record:
        return record
    if "type" not in record:
        # Not JSON:API, but a message's fields under "attributes" beside its id and author
        # (Dixa: attributes.direction, attributes.content): lifted beside the others.
        lifted = {k: v for k, v in record.items() if k != "attributes"}
        return {**lifted, **{k: v for k, v in attributes.items() if k not in lifted}}
    out: dict[str, Any] = {"id": record["id"], "resource_type": record["type"], **attributes}
    relationships = record.get("relationships")
    for name, link in relationships.items() if isinstance(relationships, dict) else ():
        data = link.get("data") if isinstance(link, dict) else None
        if isinstance(data, dict) and "id" in data:
            out.setdefault(f"{name}_id", data["id"])
    return out


def linked_resources(record: dict[str, Any]) -> dict[str, Any]:
    """A message that names its author and ticket by address only (Groove's ``links``:
    ``{"author": {"href": ".../v1/agents/sam@acme.example"}}``), with ``author_id`` and
    ``author_type`` (the collection, singular: agent, customer) and ``ticket_id``; fields the
    record has of its own stay.

    >>> linked_resources({"body": "Hi", "links": {"author": {"href": "https://x.io/v1/agents/sam%40acme.io"},
    ...     "ticket": {"href": "https://x.io/v1/tickets/12"}}})["author_type"]
    'agent'
    """
    links = record.get("links")
    if not isinstance(links, dict):
        return record
    out = dict(record)
    for name in ("author", "ticket", "conversation"):
        link = links.get(name)
        href = link.get("href") if isinstance(link, dict) else link  # {"href": url}, or the url
        path = [p for p in urlsplit(href).path.split("/") if p] if isinstance(href, str) else []
        if len(path) < 2 or name in record or f"{name}_id" in record:
            continue
        out[f"{name}_id"] = unquote(path[-1])
        if name == "author":
            out.setdefault("author_type", path[-2].removesuffix("s"))
    return out


def slack_thread(record: dict[str, Any]) -> dict[str, Any]:
    """A Slack message that starts no thread is a conversation of its own: its ``ts`` is its
    ``thread_ts`` (a thread's first message has both, its replies the first one's).

    >>> slack_thread({"type": "message", "ts": "1709370000.0001", "text": "Hi"})["thread_ts"]
    '1709370000.0001'
    """
    if record.get("type") == "message" and "ts" in record and "thread_ts" not in record:
        return {**record, "thread_ts": record["ts"]}
    return record


def lifted_fields(record: Any) -> Any:
    """A record that keeps its columns under ``fields`` (a Jira issue, an Airtable record), with
    them at the top beside its id; its own keys win.

    >>> lifted_fields({"id": "10010", "key": "SUP-1", "fields": {"summary": "Laptop", "id": "x"}})
    {'id': '10010', 'key': 'SUP-1', 'summary': 'Laptop'}
    """
    if not isinstance(record, dict) or not isinstance(fields := record.get("fields"), dict):
        return record
    own = {k: v for k, v in record.items() if k != "fields"}
    return {**own, **{k: v for k, v in fields.items() if k not in own}}


def flat_record(record: dict[str, Any]) -> dict[str, Any]:
    """One message record as flat columns, whatever API shaped it (JSON:API resources, mail
    API messages, links to its author and ticket, Slack threads, nested objects)."""
    return flatten_record(mail_message(linked_resources(slack_thread(jsonapi_resource(record)))))


def flatten_record(
    record: dict[str, Any], prefix: str = "", out: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Nested keys become dotted columns; a list of objects contributes its first object.

    >>> flatten_record({"author": {"type": "admin"}, "senders": [{"name": "Ann"}]})
    {'author.type': 'admin', 'senders.name': 'Ann'}
    """
    out = {} if out is None else out
    full_name = _full_name(record)
    if full_name is not None:
        out[f"{prefix}name"] = full_name
    for key, value in record.items():
        name = f"{prefix}{key}"
        if is_document(value):
            out[name] = document_text(value)  # a Jira comment's body: its text, not its first node
        elif isinstance(value, dict):
            flatten_record(value, name + ".", out)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            flatten_record(value[0], name + ".", out)
        else:
            out[name] = _scalar(value)
    return out


_NAME_PARTS = (
    ("first", "last"),
    ("first_name", "last_name"),
    ("firstName", "lastName"),
    ("FirstName", "LastName"),
)


def _full_name(person: dict[str, Any]) -> str | None:
    """A person's name from its parts, where the object has parts and no ``name`` (Help Scout's
    ``createdBy``): two agents called Tom stay two people.

    >>> _full_name({"id": 1, "first": "Tom", "last": "B"}), _full_name({"first": "Tom", "name": "T"})
    ('Tom B', None)
    """
    if "name" in person:
        return None
    for first, last in _NAME_PARTS:
        parts = [person.get(first), person.get(last)]
        if any(isinstance(part, str) and part.strip() for part in parts):
            return " ".join(part.strip() for part in parts if isinstance(part, str) and part.strip())
    return None


# A lone UTF-16 surrogate escape (``"\\ud800"`` with no partner) decodes to a character no
# output can encode: read as U+FFFD, the replacement character, like any undecodable byte.
_LONE_SURROGATE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _parse_json(text: str, path: Path | str) -> Any:
    if re.search(r"\\u[dD][89a-fA-F]", text):
        text = _LONE_SURROGATE.sub(r"\\ufffd", text)
    try:
        return _loads(text, path)
    except json.JSONDecodeError as whole_error:
        lines = [ln for ln in text.splitlines() if ln.strip()]
        one_per_line = len(lines) > 1 and _is_json_object(lines[0])
        if not one_per_line and (documents := _documents(text)) is not None:
            return documents
        if len(lines) > 1 and lines[0].lstrip().startswith("{"):
            records = []
            for number, line in enumerate(lines, 1):
                try:
                    records.append(_loads(line, path))
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


def _is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (json.JSONDecodeError, RecursionError):
        return False


_DECODER = json.JSONDecoder(parse_int=str)


def _documents(text: str) -> list[Any] | None:
    """JSON documents written one after another (API pages appended by a loop of ``curl
    ... >> dump.json``, or ``jq`` output), as one list: a document that is a list adds its
    items. None unless the whole text is two or more documents."""
    documents: list[Any] = []
    at = 0
    try:
        while (at := _next_value(text, at)) < len(text):
            value, at = _DECODER.raw_decode(text, at)
            documents.extend(value if isinstance(value, list) else [value])
    except (json.JSONDecodeError, RecursionError):
        return None
    return documents if len(documents) > 1 else None


def _next_value(text: str, at: int) -> int:
    """Where the next JSON value starts: after whitespace (and a comma some writers put
    between documents)."""
    while at < len(text) and (text[at].isspace() or text[at] == ","):
        at += 1
    return at


def _loads(text: str, path: Path | str) -> Any:
    """``json.loads`` with integers kept as their digits (ids of any length are strings in the
    end; Python refuses to convert integers of more than 4,300 digits) and the parser's depth
    limit said as an input error."""
    try:
        return json.loads(text, parse_int=str)
    except RecursionError as exc:
        raise InputError(
            "is JSON nested deeper than any export (thousands of levels)",
            path=path,
            hint="Export the messages again; this file is not a help-desk export",
        ) from exc


# Pipeline envelopes: the record under one of these keys, beside metadata (stream, timestamps).
ENVELOPE_KEYS = ("data", "record", "payload", "_airbyte_data", "document", "item")
# Lists an API response holds its messages in, before any other list (side-loaded users,
# attachments, custom fields and contacts are lists too, and sometimes longer).
MESSAGE_LIST_KEYS = (
    "comments",
    "messages",
    "threads",
    "conversation_parts",
    "parts",
    "audits",
    "ticket_events",
    "records",
    "_results",
    "conversations",
    "tickets",
    "results",
    "entries",
    "items",
    "data",
)
# Keys that hold a message's text: an object with one of them is a message of its own.
MESSAGE_TEXT_KEYS = (
    "body",
    "text",
    "plain_body",
    "body_text",
    "message",
    "content",
    "CommentBody",
    "msg",  # Zendesk Chat history
    "TextBody",
)
# Keys of side-loaded author lists (Zendesk ``?include=users``): id -> name and role.
AUTHOR_LIST_KEYS = ("users", "authors", "agents", "people")


def unwrap(record: Any) -> Any:
    """A record out of its pipeline envelopes (``{"stream": ..., "data": {...}}``, Airbyte's
    ``{"type": "RECORD", "record": {"data": {...}}}``, ``payload``/``record`` wrappers, and any
    object that only holds one, as an X archive's ``{"tweet": {...}}`` does).

    >>> unwrap({"type": "RECORD", "record": {"stream": "s", "emitted_at": 1, "data": {"id": 7}}})
    {'id': 7}
    """
    while isinstance(record, dict):
        if isinstance(record.get("_embedded"), dict):  # HAL (Help Scout, Front): lists under _embedded
            record = {**{k: v for k, v in record.items() if k != "_embedded"}, **record["_embedded"]}
        inner = [k for k in ENVELOPE_KEYS if isinstance(record.get(k), dict)]
        if len(record) == 1 and isinstance(only := next(iter(record.values())), dict):
            record = only  # a record under its type's name alone (an X archive's {"tweet": {...}})
            continue
        others = [k for k in record if k not in inner]
        # An envelope holds one record and metadata (an Intercom webhook's topic, delivery
        # status and empty links), never message text or other records of its own.
        if (
            len(inner) != 1
            or any(k in MESSAGE_TEXT_KEYS for k in others)
            or any(isinstance(record[k], (dict, list)) and record[k] for k in others)
        ):
            return record
        record = record[inner[0]]
    return record


def _turn_list(value: Any) -> list[dict[str, Any]] | None:
    """Turns held as a list, or as an object wrapping the list (Intercom's ``conversation_parts``)."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return value
    if isinstance(value, dict):
        for inner in value.values():
            if isinstance(inner, list) and inner and all(isinstance(v, dict) for v in inner):
                return inner
    return None


def _is_conversation(data: dict[str, Any]) -> bool:
    """One conversation or ticket object with its turns (what "get conversation" returns)."""
    return any(_turn_list(data.get(k)) for k in TURN_KEYS if k not in ("comments", "messages")) or (
        isinstance(opening := _opening_of(data), dict) and "body" in opening and "conversation_parts" in data
    )


def _is_page(data: dict[str, Any]) -> bool:
    return (
        any(k in data for k in PAGE_KEYS)
        and not _is_conversation(data)
        and any(_turn_list(data.get(k)) for k in MESSAGE_LIST_KEYS)
    )


def _find_records(
    data: Any, path: Path | str, said: list[str], authors: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The message (or conversation) records of parsed JSON; what was guessed on the way
    (which list, which envelope, which conversation) is appended to ``said``, and a
    side-loaded author list is read into ``authors`` (id -> name and role)."""
    data = unwrap(data)
    table = _table_rows(data)
    if table is not None:
        said.append(f"rows of a table, the first its header ({len(table):,} rows under it)")
        return table
    if isinstance(data, list):
        records = [unwrap(r) for r in data]
        if records and records[0] is not data[0] and isinstance(data[0], dict):
            wrapper = next((k for k in ENVELOPE_KEYS if k in data[0]), next(iter(data[0]), "data"))
            said.append(f"records read from inside their '{wrapper}' envelopes")
        records = [r for r in records if isinstance(r, dict)]
        if not records:
            raise FormatError(
                "is a JSON list but holds no objects",
                path=path,
                hint="Expected a list of messages or conversations",
            )
        if all(_is_page(r) for r in records):
            # A script that saved every page of an API response: the pages' lists, in order.
            inner: list[str] = []
            records = [m for page in records for m in _find_records(page, path, inner, authors)]
            said.append(f"{len(data)} pages of an API response read one after another")
            said.extend(dict.fromkeys(inner))
        return records
    if isinstance(data, dict):
        # Authors listed at any level name the messages found below it (LiveChat's chat
        # object holds its users beside the thread that holds the events).
        _read_authors(data, said, authors)
        if _is_conversation(data):
            return [data]
        lists = [
            (k, v)
            for k, v in data.items()
            if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)
        ]
        named = [kv for kv in lists if kv[0] in MESSAGE_LIST_KEYS]
        if named:
            key, records = min(named, key=lambda kv: MESSAGE_LIST_KEYS.index(kv[0]))
            others = [k for k, _ in lists if k != key]
            if others:
                said.append(f"messages read from the '{key}' list (not from: {', '.join(others)})")
            return _in_conversation([unwrap(r) for r in records], data, path, said)
        lists = [kv for kv in lists if kv[0] not in AUTHOR_LIST_KEYS]
        if lists:
            key, records = max(lists, key=lambda kv: len(kv[1]))
            if len(lists) > 1:
                said.append(
                    f"no list is named like messages: the longest, '{key}' ({len(records)} objects), was read"
                    f" (not: {', '.join(k for k, _ in lists if k != key)})"
                )
            # A list of any name is one ticket's only when the page's own link or id says so.
            one_ticket = _linked_parent(data) or _own_conversation_id(data)
            return _in_conversation(records, data, path, said) if one_ticket else records
        tables = [(k, _table_rows(v)) for k, v in data.items()]
        key, table = next(((k, t) for k, t in tables if t is not None), ("", None))
        if table is not None:  # a spreadsheet API's values: {"range": ..., "values": [[...], ...]}
            said.append(
                f"rows of a table read from '{key}', the first its header ({len(table):,} rows under it)"
            )
            return table
        keyed = _keyed_records(data)
        if keyed is not None:
            said.append(
                f"an object of {len(keyed):,} messages keyed by their ids (not a list): each read as a row"
            )
            return keyed
        for key, value in data.items():  # e.g. {"conversation_parts": {"conversation_parts": [...]}}
            if isinstance(value, dict):
                try:
                    found = _find_records(value, path, said, authors)
                except FormatError:
                    continue
                return _held_by(found, data, key, said)
        if any(isinstance(data.get(k), str) for k in MESSAGE_TEXT_KEYS):
            said.append("the file holds one message (a single object): read as one row")
            return [data]
        empty = next((k for k in MESSAGE_LIST_KEYS if data.get(k) == []), None)
        if empty is not None:
            raise FormatError(
                f"holds no messages: its '{empty}' list is empty",
                path=path,
                hint="Export a page that holds messages (an API's last page is often empty)",
            )
        raise FormatError(
            f"is a JSON object, not a list of records (keys: {', '.join(list(data)[:12])})",
            path=path,
            hint="Export a list of messages, or conversations with their turns",
        )
    raise FormatError(f"holds a JSON {type(data).__name__}, not a list of records", path=path)


def _table_rows(value: Any) -> list[dict[str, Any]] | None:
    """A table saved as lists of cells, its first row the header (a spreadsheet API's
    ``values``, a CSV turned into JSON arrays), as records; None for anything else.

    >>> _table_rows([["id", "body"], [1, "Hi"], [2], [3, "Yes", "x"]])
    [{'id': 1, 'body': 'Hi', 'column 3': None}, {'id': 2, 'body': None, 'column 3': None}, {'id': 3, 'body': 'Yes', 'column 3': 'x'}]
    """
    if not isinstance(value, list) or len(value) < 2 or not all(isinstance(row, list) for row in value):
        return None
    header = value[0]
    if (
        not header
        or not all(isinstance(h, str) and h.strip() for h in header)
        or len(set(header)) < len(header)
    ):
        return None
    width = max(len(row) for row in value)  # cells past the header keep a name of their own
    names = [*header, *(f"column {i + 1}" for i in range(len(header), width))]
    return [dict(zip(names, [*row, *[None] * (width - len(row))])) for row in value[1:]]


def _keyed_records(data: dict[str, Any]) -> list[dict[str, Any]] | None:
    """Messages saved as one object keyed by their ids (a Firebase or key-value store export:
    ``{"m1": {"body": ...}, "m2": {...}}``), as records with the key as their ``id`` where
    they name none; None unless most values are messages. (Read as a wrapper, the first
    message alone was taken and the rest lost.)

    >>> _keyed_records({"m1": {"body": "Hi"}, "m2": {"body": "Yes", "id": 7}, "m3": {"body": "Ok"}})
    [{'id': 'm1', 'body': 'Hi'}, {'body': 'Yes', 'id': 7}, {'id': 'm3', 'body': 'Ok'}]
    >>> _keyed_records({"message": {"body": "Hi"}, "user": {"name": "Ann"}}) is None
    True
    """
    values = list(data.values())
    # Three or more, nearly all with a text: a wrapper of two objects ({"message": ...,
    # "user": ...}) is one message with its author, read below.
    if len(values) < 3 or not all(isinstance(v, dict) for v in values):
        return None
    messages = sum(any(isinstance(v.get(k), str) for k in MESSAGE_TEXT_KEYS) for v in values)
    if messages < 0.8 * len(values):
        return None
    return [value if "id" in value else {"id": key, **value} for key, value in data.items()]


def _held_by(
    records: list[dict[str, Any]], holder: dict[str, Any], key: str, said: list[str]
) -> list[dict[str, Any]]:
    """Turns an object holds under a turn key, wrapped in a page (a Graph API conversation:
    ``{"id": "t_1", "messages": {"data": [...], "paging": ...}}``), are that object's: its id
    is their conversation, where they name none.

    >>> _held_by([{"message": "Hi"}], {"id": "t_1", "messages": {}}, "messages", [])
    [{'message': 'Hi', 'ticket_id': 't_1'}]
    """
    own = _scalar(holder.get("id"))
    if key not in TURN_KEYS or own is None or not records or any(k in records[0] for k in _CONVERSATION_KEYS):
        return records
    said.append(
        f"the messages under '{key}' name no conversation: all {len(records)} are read as {own!r} (the object holding them)"
    )
    return [{**r, "ticket_id": own} for r in records]


# Keys a response holding one conversation's messages names that conversation by.
_OWN_ID_KEYS = ("ticket_id", "conversation_id", "conversationId", "ContactId", "chat_id")


def _own_conversation_id(response: dict[str, Any]) -> str | None:
    """The id a response holding one conversation's messages names it by (Amazon Connect's
    chat transcript: ``ContactId`` beside its ``Transcript``)."""
    return _scalar(next((response[k] for k in _OWN_ID_KEYS if response.get(k)), None))


_CONVERSATION_KEYS = (
    "ticket_id",
    "nice_id",  # Zendesk's XML export: the ticket's number
    "conversation_id",
    "conversationId",  # an X archive's direct-message conversations
    "conversation_sid",
    "ParentId",
    "case_id",
    "thread_id",
)


def _in_conversation(
    records: list[dict[str, Any]], response: dict[str, Any], path: Path | str, said: list[str]
) -> list[dict[str, Any]]:
    """Messages of one ticket's API response (Zendesk's ``/tickets/{id}/comments``) name no
    ticket: the response's own id, else the file's name, is their conversation."""
    if not records or any(k in records[0] for k in _CONVERSATION_KEYS):
        return records
    # The response's own conversation object (Smooch: {"messages": [...], "conversation": {"_id"}}).
    holder = response.get("conversation")
    of_conversation = _scalar(holder.get("_id") or holder.get("id")) if isinstance(holder, dict) else None
    # Or the id the response names its conversation by (Amazon Connect's transcript: ContactId).
    of_conversation = of_conversation or _own_conversation_id(response)
    page_link = _linked_parent(response)
    linked = page_link or _records_parent(records)
    named_authors = {"author_id", "authorId"} | (_AUTHOR_KEYS if response.get("id") is not None else set())
    if of_conversation is None and linked is None and not named_authors & set(records[0]):
        return records
    name = Path(str(path)).name
    own = of_conversation or _scalar(response.get("ticket_id") or response.get("id"))
    ticket = own or linked or name.split(".")[0] or name
    source = (
        "the response's id"
        if own
        else "its own link"
        if page_link
        else "the messages' own links"
        if linked
        else "the file's name"
    )
    said.append(f"the messages name no ticket: all {len(records)} are read as ticket {ticket!r} ({source})")
    return _with_partner([{**r, "ticket_id": ticket} for r in records], response, said)


# Keys naming who wrote a message: records with one, in a response with an id of its own, are
# that conversation's messages (a Telegram chat export: {"id", "name", "messages": [{"from"}]};
# a page of a messaging API, with no id, lists many conversations' messages).
_AUTHOR_KEYS = frozenset({"author_id", "authorId", "from", "from_id", "sender", "sender_id"})


def _with_partner(
    records: list[dict[str, Any]], chat: dict[str, Any], said: list[str]
) -> list[dict[str, Any]]:
    """A chat named after the person it is with (Telegram's export of a personal chat, as
    WhatsApp names its file): of its two authors, that one is the customer, the other the team."""
    partner = chat.get("name")
    authors = {r.get("from") for r in records if isinstance(r.get("from"), str)}
    if not isinstance(partner, str) or len(authors) != 2 or partner not in authors:
        return records
    said.append(
        f"the chat is named after {partner!r}: their messages are the customer's, the other author's replies"
    )
    return [
        {**r, "role": ("customer" if r.get("from") == partner else "agent")}
        if isinstance(r.get("from"), str)
        else r
        for r in records
    ]


# A page's own link names the ticket whose messages it lists (Jira Service Management's
# .../request/IT-12/comment, Twilio's .../Conversations/CH1/Messages).
_PARENT_LINK = re.compile(
    r"/(?:requests?|tickets?|conversations?|chats?|cases?|issues?)/([^/?#]+)/"
    r"(?:comments?|messages|threads|parts|events)(?:[/?#]|$)",
    re.IGNORECASE,
)


def _linked_parent(response: dict[str, Any]) -> str | None:
    """The ticket a page's ``_links.self`` / ``links.self`` / ``meta.url`` names, if any.

    >>> _linked_parent({"_links": {"self": "https://x.atlassian.net/rest/servicedeskapi/request/IT-12/comment"}})
    'IT-12'
    >>> _linked_parent({"meta": {"url": "https://conversations.twilio.com/v1/Conversations/CH1/Messages?Page=0"}})
    'CH1'
    >>> _linked_parent({"links": {"self": {"href": "https://api.example.com/v2/tickets?page=2"}}}) is None
    True
    """
    for holder_key in ("_links", "links", "meta"):
        holder = response.get(holder_key)
        link = holder.get("self") or holder.get("url") if isinstance(holder, dict) else None
        if isinstance(link, dict):  # HAL: {"self": {"href": ...}}
            link = link.get("href")
        found = _PARENT_LINK.search(link) if isinstance(link, str) else None
        if found:
            return found.group(1)
    return None


def _records_parent(records: list[dict[str, Any]]) -> str | None:
    """The ticket every record's own link names (a Jira comment's ``self``:
    ``.../rest/api/3/issue/10010/comment/1``), when they name one and the same.

    >>> _records_parent([{"self": "https://x.atlassian.net/rest/api/3/issue/10010/comment/1"},
    ...                  {"self": "https://x.atlassian.net/rest/api/3/issue/10010/comment/2"}])
    '10010'
    """
    links = {r.get("self") for r in records}
    parents = {m.group(1) if isinstance(s, str) and (m := _PARENT_LINK.search(s)) else None for s in links}
    return parents.pop() if len(parents) == 1 else None


def _read_authors(response: dict[str, Any], said: list[str], authors: dict[str, dict[str, Any]]) -> None:
    """A side-loaded author list (Zendesk's ``?include=users``, the Twitter API's
    ``includes.users`` expansion) into ``authors``."""
    holder = response
    key = next((k for k in AUTHOR_LIST_KEYS if isinstance(holder.get(k), list)), None)
    if key is None and isinstance(response.get("includes"), dict):
        holder = response["includes"]
        key = next((k for k in AUTHOR_LIST_KEYS if isinstance(holder.get(k), list)), None)
    people: list[Any] = holder[key] if key is not None else []
    linked = response.get("linked")
    if key is None and isinstance(linked, dict) and isinstance(linked.get("person"), dict):
        # Deskpro's side-loaded people (``?include=person``): objects keyed by id.
        key, people = "linked.person", list(linked["person"].values())
    if key is None:
        return
    note = f"authors' names and roles read from the '{key}' list beside the messages"
    if note not in said:
        said.append(note)
    for person in people:
        if isinstance(person, dict) and "id" in person:
            role = person.get("role") or person.get("type")  # LiveChat: "type"
            if role is None and isinstance(person.get("is_agent"), bool):
                role = "agent" if person["is_agent"] else "customer"
            authors[str(person["id"])] = {"author.name": person.get("name"), "author.role": role}


def _with_authors(row: dict[str, Any], authors: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A flattened message with its author's name and role, where it names its author by id only."""
    # Named by ``author_id`` (Zendesk, Twitter) or by ``person`` (Deskpro).
    author = row.get("author_id", row.get("person"))
    person = authors.get(str(author)) if author is not None else None
    if person is None or "author.name" in row or "author.role" in row:
        return row
    return {**row, **person}


def _author_role_unknown(row: dict[str, Any]) -> bool:
    """Whether a flattened turn names its author by id only, with nothing saying their role."""
    return row.get("author_id") is not None and not any(row.get(k) is not None for k in _ROLE_KEYS)


def _reporters_own_account(row: dict[str, Any], reporter: str) -> bool:
    """Whether a Jira comment is its issue's reporter's, written from an Atlassian account
    (a portal customer's account is typed "customer" and needs no reading)."""
    return row.get("author.accountType") == "atlassian" and _scalar(row.get("author.accountId")) == reporter


def _turn_key(records: list[dict[str, Any]]) -> str | None:
    """The key holding a conversation's turns, if records are conversations: a known turn key,
    else a list of objects holding message text (bare or wrapped, ``_turn_list``) in a record
    with no text of its own (Freshdesk's tickets with their ``conversations``), in any of the
    first records."""
    for key in TURN_KEYS:
        if any(_turn_list(record.get(key)) for record in records):
            return key
    for index, record in enumerate(records):
        # A message's own lists (attachments with a "text") are not turns: a record with text
        # of its own holds turns only as the first record, and only two or more (as before).
        own_text = any(isinstance(record.get(k), str) for k in MESSAGE_TEXT_KEYS)
        if own_text and index > 0:
            continue
        for key, value in record.items():
            # A list of its own, or one wrapped with its count (a Salesforce query's child
            # records: "EmailMessages": {"totalSize": 2, "done": true, "records": [...]}).
            turns = _turn_list(value) if isinstance(value, dict) else value
            if (
                isinstance(turns, list)
                and (len(turns) > 1 or (turns and not own_text))
                and all(isinstance(v, dict) for v in turns)
                and any(_holds_text(_named_turn(v)) for v in turns)
            ):
                return key
    return None


def _named_turn(turn: dict[str, Any]) -> dict[str, Any]:
    """A turn out from under its type's name (Freshdesk v1's ``{"note": {...}}``); a message
    part's text object (Freshchat's ``{"text": {"content": ...}}``) is no such wrapper.

    >>> _named_turn({"note": {"body": "Hi"}}), _named_turn({"text": {"content": "Hi"}})
    ({'body': 'Hi'}, {'text': {'content': 'Hi'}})
    """
    if len(turn) == 1 and next(iter(turn)) not in MESSAGE_TEXT_KEYS:
        inner = next(iter(turn.values()))
        if isinstance(inner, dict):
            return inner
    return turn


def _holds_text(turn: dict[str, Any], depth: int = 3) -> bool:
    """Whether an object holds message text, as one of its keys or in an object nested in it
    (LivePerson's ``messageData.msg.text``).

    >>> _holds_text({"sentBy": "Agent", "messageData": {"msg": {"text": "Hi"}}})
    True
    >>> _holds_text({"text": {"content": "Hi"}}), _holds_text({"seq": 1})
    (False, False)
    """
    # Text nested deeper is a message's only when the object also says who or when: a
    # message's own parts (Freshchat's message_parts: [{"text": {"content": ...}}]) do not.
    return _has_text(turn, 1) or (any(_TURN_META.search(k) for k in turn) and _has_text(turn, depth))


def _has_text(value: dict[str, Any], depth: int) -> bool:
    """Whether ``value`` holds message text at most ``depth`` objects down."""
    if any(
        isinstance(value.get(k), str) or is_document(value.get(k)) for k in (*MESSAGE_TEXT_KEYS, "utterances")
    ):
        return True
    return depth > 1 and any(isinstance(v, dict) and _has_text(v, depth - 1) for v in value.values())


_TURN_META = re.compile(r"(?i)time|date|created|sent|author|sender|from|participant|user")


_NUMBERED_SPEAKER = re.compile(r"^(client|customer|user|agent)\d+$")


def _speaker_keys(row: dict[str, Any]) -> dict[str, Any]:
    """``client1``/``client2`` (a second customer in the thread) read as ``client``."""
    return {(_NUMBERED_SPEAKER.sub(r"\1", k) if _NUMBERED_SPEAKER.match(k) else k): v for k, v in row.items()}


def _side_turns(
    conversation: dict[str, Any], turn_key: str, conversation_id: str | None, after: int
) -> list[dict]:
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
            "turn_index": str(after + len(extra)),
            "message": value[text_key],
            ("agent" if speaker == "agent" else "client"): name,
        }
        if conversation_id is not None:
            row["conversation_id"] = conversation_id
        for id_key in ("tweet_ID", "id", "datetime"):
            if id_key in value:
                row[id_key] = _scalar(value[id_key])
        extra.append(row)
    return extra


def _nested_conversation_id(parent: dict[str, Any]) -> str | None:
    """A conversation's id kept in an object of its own (LivePerson's ``info.conversationId``).

    >>> _nested_conversation_id({"info.conversationId": "c-1", "info.startTime": "2024"})
    'c-1'
    """
    for name, value in parent.items():
        last = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.rsplit(".", 1)[-1]).lower()
        if "." in name and last in _CONVERSATION_KEYS and value:
            return str(value)
    return None


def _opening_of(conversation: dict[str, Any]) -> Any:
    # Intercom's API since 2.0 names it "source"; its webhooks and API 1.x "conversation_message".
    return conversation.get("source", conversation.get("conversation_message"))


def _opening_message(conversation: dict[str, Any]) -> dict[str, Any] | None:
    """Intercom keeps a conversation's first message in ``source``, not among its parts."""
    source = _opening_of(conversation)
    if (
        not isinstance(source, dict)
        or not isinstance(source.get("body"), str)
        or ("conversation_parts" not in conversation and conversation.get("type") != "conversation")
    ):
        return None
    return {
        "id": source.get("id"),
        "part_type": "comment",
        "body": source.get("body"),
        "created_at": conversation.get("created_at"),
        "author": source.get("author") or {},
    }


# JSON saved as a script's assignment: an X (Twitter) archive's ``window.YTD.tweets.part0 = [``.
_ASSIGNMENT = re.compile(r"\A\s*(?:(?:var|let|const)\s+)?([A-Za-z_$][\w$]*(?:\.[\w$]+)*)\s*=\s*(?=[\[{])")


def json_start(text: str) -> str:
    """The text from where its JSON starts: after a script's assignment, if it is one."""
    found = _ASSIGNMENT.match(text)
    return text[found.end() :] if found else text


def read_json_text(text: str, *, path: Path | str) -> RawTable:
    """Parse a JSON list of messages, NDJSON, or a list of conversations holding turns (also
    saved as a script's assignment, as an X archive's ``tweets.js`` is)."""
    said: list[str] = []
    if found := _ASSIGNMENT.match(text):
        said.append(f"read as the JSON assigned to '{found.group(1)}'")
        text = text[found.end() :].rstrip().removesuffix(";")
    return read_parsed(_parse_json(text, path), path=path, said=said)


def read_parsed(data: Any, *, path: Path | str, said: list[str]) -> RawTable:
    """The messages of parsed JSON (or of a document laid out as JSON is: an XML export), one
    row each; ``said`` holds what reading it had to guess so far."""
    authors: dict[str, dict[str, Any]] = {}
    records = [lifted_fields(r) for r in _find_records(data, path, said, authors)]
    turn_key = _turn_key(records[:5])
    if turn_key is not None and turn_key not in TURN_KEYS:
        # Found by what its objects hold, not by its name: a guess that decides the rows.
        said.append(f"each record's messages read from its '{turn_key}' list (objects holding message text)")
    if turn_key is None and any(_opening_message(r) for r in records[:5]):
        # Intercom's conversation list leaves the parts out: each conversation's opening
        # message is all there is, and it is the customer's.
        turn_key = "conversation_parts"
        said.append(
            "the conversations hold no parts (a conversation list): only their opening messages were read"
        )
    if turn_key is None:
        frame = pd.DataFrame.from_records([_with_authors(flat_record(r), authors) for r in records])
        return RawTable(frame=frame.astype("string"), kind="json", notes=said)
    rows = []
    empty_conversations = 0
    took_from_parent: set[str] = set()  # parent fields that turns were given
    by_requester = 0  # turns whose role is read from their ticket's requester
    by_reporter = 0  # Jira comments of their issue's reporter, whose account says no side
    unplaced = 0  # events: records of one message naming no conversation
    # Records of one turn each that name no conversation are events (a webhook's deliveries
    # of one message each), not conversations: the messages' own fields (the tweet each
    # answers, its sender and recipient) say where they belong.
    parts = [_turn_list(conversation.get(turn_key)) or [] for conversation in records]
    openings = [_opening_message(conversation) for conversation in records]
    events = all(len(turns) <= 1 and opening is None for turns, opening in zip(parts, openings, strict=True))
    for index, (conversation, turns, opening) in enumerate(zip(records, parts, openings, strict=True)):
        if opening is not None:
            turns = [opening, *turns]
        if not turns:
            empty_conversations += 1
            continue
        parent = flatten_record({k: v for k, v in conversation.items() if k != turn_key})
        conversation_id = _scalar(
            next((conversation[k] for k in _CONVERSATION_KEYS if conversation.get(k)), None)
            or _nested_conversation_id(parent)
            or conversation.get("id")
            or conversation.get("Id")  # Salesforce's records
            or conversation.get("doc_id")
        )
        if conversation_id is None and not events:
            conversation_id = str(index + 1)
        unplaced += conversation_id is None
        inherited = {k: parent[k] for k in INHERITED if parent.get(k) is not None}
        requester = next((_scalar(parent[k]) for k in REQUESTER_KEYS if parent.get(k) is not None), None)
        # A conversation listing its own people (LiveChat's archived chats: each chat's "users"
        # with their type) names the authors of its turns.
        own_authors = authors
        if any(isinstance(conversation.get(k), list) for k in AUTHOR_LIST_KEYS):
            own_authors = dict(authors)
            _read_authors(conversation, said, own_authors)
        for position, turn in enumerate(turns):
            turn = unwrap(turn)  # an X archive's {"messageCreate": {...}}
            if not isinstance(turn, dict):
                continue
            row = (
                {"turn_index": str(position)}
                if conversation_id is None
                else {
                    "conversation_id": conversation_id,
                    "turn_index": str(position),
                }
            )
            row.update(_speaker_keys(flatten_record(mail_message(turn))))
            taken = [k for k in inherited if k not in row]
            for key in taken:
                row[key] = inherited[key]
            took_from_parent.update(taken)
            row = _with_authors(row, own_authors)
            if requester is not None and _reporters_own_account(row, requester):
                # An internal service desk's requesters have Atlassian accounts, as its agents
                # do: the issue's reporter says whose comments are the customer's.
                row["author.accountType"] = "customer"
                by_reporter += 1
            if requester is not None and _author_role_unknown(row):
                # The ticket names its requester: their turns are the customer's, the rest the team's.
                row["author.role"] = "end-user" if _scalar(row["author_id"]) == requester else "agent"
                by_requester += 1
            rows.append(row)
        rows.extend(_side_turns(conversation, turn_key, conversation_id, len(turns)))
    if took_from_parent:
        said.append(
            f"turns without their own {', '.join(sorted(took_from_parent))} took their conversation's"
            f" (e.g. a Zendesk audit's events: its ticket, date and author)"
        )
    if unplaced:
        said.append(
            f"{unplaced:,} records of one message each name no conversation: read as events, each message"
            " placed by its own fields (the message it answers, its sender and recipient)"
        )
    if by_reporter:
        said.append(
            f"{by_reporter} comments by their issue's reporter (an Atlassian account, as the team's are)"
            " read as the customer's"
        )
    if by_requester:
        said.append(
            f"{by_requester} turns with no role read by their ticket's requester (requester_id):"
            " the requester's as the customer's, the others as the team's"
        )
    frame = pd.DataFrame.from_records(rows).astype("string")
    raw = RawTable(frame=frame, kind="json", conversations=len(records), notes=said)
    if empty_conversations:
        raw.extra_skips["conversation without turns"] = empty_conversations
    return raw
