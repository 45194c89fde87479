"""Messages as mail APIs give them (Gmail's ``users.messages.get``, ``format=full``): headers
as a list of name/value pairs and the body as base64url MIME parts, nested.

Read as they are, the header list gave its first header ("Delivered-To") and the body its
first part's bytes; the snippet (200 characters) passed for the text and every message for
the team's. ``mail_message`` lays such a message out as the columns the ``gmail`` format
names: the headers by name, the sender's name and address apart, the text of its
``text/plain`` part (else its ``text/html`` part), the direction its labels say.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime, timezone
from email.utils import getaddresses, parseaddr
from typing import Any

_WANTED_HEADERS = ("From", "To", "Subject", "Date", "Message-ID", "In-Reply-To")


def is_mail_message(record: dict[str, Any]) -> bool:
    """Whether a record is a mail API message: a ``payload`` whose headers are name/value pairs."""
    payload = record.get("payload")
    headers = payload.get("headers") if isinstance(payload, dict) else None
    return isinstance(headers, list) and any(
        isinstance(h, dict) and "name" in h and "value" in h for h in headers
    )


def mail_message(record: dict[str, Any]) -> dict[str, Any]:
    """A mail API message as flat fields; other records are returned as they are.

    >>> m = mail_message({"id": "1", "threadId": "t", "labelIds": ["SENT"], "internalDate": "1709287200000",
    ...     "payload": {"mimeType": "multipart/alternative", "headers": [
    ...         {"name": "From", "value": "Shop Support <help@shop.example>"}, {"name": "To", "value": "ann@x.example"}],
    ...         "parts": [{"mimeType": "text/plain", "body": {"data": "SGkgQW5uLCBpdCBzaGlwcGVkLg"}}]}})
    >>> m["from_name"], m["from_address"], m["to_address"], m["body_text"], m["direction"], m["sent_at"]
    ('Shop Support', 'help@shop.example', 'ann@x.example', 'Hi Ann, it shipped.', 'outbound', '2024-03-01T10:00:00+00:00')
    """
    if not is_mail_message(record):
        return record
    payload = record["payload"]
    headers = {
        str(h["name"]).title(): h["value"]
        for h in reversed(payload["headers"])  # a header given twice: its first value wins
        if isinstance(h, dict) and "name" in h
    }
    out = {k: v for k, v in record.items() if k != "payload"}
    for name in _WANTED_HEADERS:
        if name.title() in headers:
            out[name] = headers[name.title()]
    sender_name, sender_address = parseaddr(str(headers.get("From", "")))
    out["from_name"] = sender_name or None
    out["from_address"] = sender_address or None
    out["to_address"] = ", ".join(a for _, a in getaddresses([str(headers.get("To", ""))]) if a) or None
    plain, html = _body(payload, "text/plain"), _body(payload, "text/html")
    out["body_text"] = plain
    out["body_html"] = html if plain is None else None
    labels = record.get("labelIds")
    if isinstance(labels, list):
        # Gmail labels a message the mailbox sent "SENT", one it received "INBOX" (or a
        # category); "DRAFT" was never sent.
        out["direction"] = "outbound" if "SENT" in labels else "inbound"
        out["is_draft"] = "DRAFT" in labels
    millis = record.get("internalDate")
    if isinstance(millis, (str, int)) and str(millis).isdigit():
        out["sent_at"] = datetime.fromtimestamp(int(millis) / 1000, tz=timezone.utc).isoformat()
    return out


def _body(part: dict[str, Any], mime_type: str) -> str | None:
    """The decoded text of the first part of ``mime_type`` (depth first), or None. An
    attached file (a part with a file name: a .txt or .html attachment) is no body."""
    if part.get("filename"):
        return None
    if str(part.get("mimeType", "")).lower() == mime_type:
        body = part.get("body")
        data = body.get("data") if isinstance(body, dict) else None
        if isinstance(data, str):
            return _decoded(data)
    for child in part.get("parts") or ():
        if isinstance(child, dict) and (found := _body(child, mime_type)) is not None:
            return found
    return None


def _decoded(data: str) -> str | None:
    """base64url text (padding optional) as UTF-8, undecodable bytes replaced."""
    try:
        raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    except (binascii.Error, ValueError):
        return None
    return raw.decode("utf-8", errors="replace")
