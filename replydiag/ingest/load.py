"""The canonical table of messages, with every input row accounted for.

``load_export(path)`` reads one file; ``load_frame(df)`` does the same for a DataFrame the
user already has. Both return a ``LoadedExport`` whose ``replies`` are the agent and bot
messages to analyse; customers, notes and unusable rows are counted in ``accounting``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import ftfy
import numpy as np
import pandas as pd

from ..errors import FormatError, InputError
from ..models import Role, RowAccounting
from .dates import dates_from_parts, parse_dates
from .decode import decode_bytes, read_bytes, utf8_candidate
from .formats import ROLE_WORDS, Detection, FieldChoice, detect, norm_header, truthy
from .tables import NotUtf8, RawTable, read_csv_bytes, read_json_text

CANONICAL_FIELDS = (
    "source", "row_number", "reply_id", "conversation_id", "agent", "channel", "created_at", "text",
    "role", "automatic_flag", "helpdesk_template", "agent_is_account",
)

_MOJIBAKE = re.compile("Ã|Â|â€|â„|ðŸ|Ã©|Ã¨")
_REDACTED = re.compile(
    r"^\s*(\[?redacted\]?|we've removed this part|this (message|tweet) (has been|was) (deleted|removed)"
    r"|message deleted|\[removed\])",
    re.IGNORECASE,
)
_AUTOMATION = re.compile(
    r"^(rule|rules|trigger|workflow|automation|automatic|automated|auto.?reply|bot|b-.*|true|yes|1|y)$", re.I
)
_ROLE_STRIP = re.compile(r"[^a-z_]+")


@dataclass
class LoadedExport:
    """An export read into canonical columns.

    ``replies`` holds one row per analysed agent/bot message (columns ``CANONICAL_FIELDS``);
    ``customer_times`` holds (conversation_id, created_at) of customer messages, used to spot
    replies sent within seconds.
    """

    replies: pd.DataFrame
    customer_times: pd.DataFrame
    accounting: RowAccounting
    format_name: str
    format_title: str
    fields: dict[str, FieldChoice]
    source: str
    encoding: str | None = None
    delimiter: str | None = None
    shared_agent_account: bool = False
    direction_known: bool = True
    notes: list[str] = field(default_factory=list)


def load_export(
    path: str | Path,
    *,
    format: str | None = None,
    column_map: dict[str, str] | None = None,
) -> LoadedExport:
    """Read a CSV, TSV, JSON or NDJSON help-desk export.

    >>> from replydiag.samples import sample_path
    >>> export = load_export(sample_path())
    >>> export.format_name, export.accounting.balanced
    ('zendesk', True)
    """
    path = Path(path)
    data = read_bytes(path)
    mixed_lines = 0
    fast = utf8_candidate(data, path=path)
    if fast is not None and _is_json(fast[0][fast[1]:fast[1] + 4096].lstrip()[:64].decode("utf-8", "replace"), path):
        fast = None  # JSON is parsed from text
    raw = None
    if fast is not None:
        try:
            raw = read_csv_bytes(fast[0], path=path, offset=fast[1])
            encoding = fast[2]
        except NotUtf8:
            raw = None
    if raw is None:
        decoded = decode_bytes(data, path=path)
        encoding, mixed_lines = decoded.encoding, decoded.mixed_lines
        stripped = decoded.text.lstrip()
        if _is_json(stripped[:64], path):
            raw = read_json_text(stripped, path=path)
        else:
            raw = read_csv_bytes(decoded.text.encode("utf-8"), path=path)
        del decoded, stripped
    del data, fast
    export = _canonicalise(raw, source=path.name, format=format, column_map=column_map, path=path)
    export.encoding = encoding
    if mixed_lines:
        export.notes.append(f"{mixed_lines} lines were cp1252 inside a UTF-8 file; decoded line by line")
    return export


def _is_json(start: str, path: Path) -> bool:
    return start[:1] in "[{" and (path.suffix.lower() in (".json", ".ndjson", ".jsonl", "") or _looks_json(start))


def _looks_json(text: str) -> bool:
    return text.startswith("[{") or text.startswith('{"') or text.startswith("[\n") or text.startswith("{\n")


def load_frame(
    frame: pd.DataFrame,
    *,
    source: str = "dataframe",
    format: str | None = None,
    column_map: dict[str, str] | None = None,
) -> LoadedExport:
    """Canonicalise a DataFrame you already have (e.g. from a database query).

    >>> df = pd.DataFrame({"body": ["Hi Ann, your order 123 has shipped."], "agent": ["Tom"]})
    >>> load_frame(df).replies[["agent", "text"]].iloc[0].tolist()
    ['Tom', 'Hi Ann, your order 123 has shipped.']
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"expected a pandas DataFrame, got {type(frame).__name__}", path=source)
    if frame.empty:
        raise InputError("the DataFrame has no rows", path=source)
    strings = frame.copy()
    strings.columns = [str(c) for c in strings.columns]
    for col in strings.columns:
        if pd.api.types.is_datetime64_any_dtype(strings[col]):
            strings[col] = strings[col].dt.strftime("%Y-%m-%dT%H:%M:%S%z")
        strings[col] = strings[col].astype("string")
    return _canonicalise(RawTable(strings, kind="frame"), source=source, format=format, column_map=column_map,
                         path=source)


def _column(frame: pd.DataFrame, fields: dict[str, FieldChoice], name: str) -> pd.Series | None:
    choice = fields.get(name)
    return None if choice is None else frame[choice.column]


def _blank(series: pd.Series) -> pd.Series:
    return series.isna() | (series.astype("string").str.strip() == "")


def _roles_from_words(series: pd.Series, words: dict[str, Role]) -> pd.Series:
    """Role values ("agent", "customer" ...) read from a column of role words, or missing."""
    table = {word: role.value for word, role in words.items()}
    lowered = series.astype("string").str.strip().str.lower()
    mapped = lowered.map(table)
    # Values like "End-user" or "AGENT_REPLY" are retried on letters only.
    missing = mapped.isna() & lowered.notna()
    if missing.any():
        mapped[missing] = lowered[missing].str.replace(_ROLE_STRIP.pattern, "", regex=True).map(table)
    return mapped.astype(object).where(mapped.notna(), None)


def _canonicalise(raw: RawTable, *, source: str, format: str | None, column_map: dict[str, str] | None,
                  path: str | Path) -> LoadedExport:
    frame = raw.frame.reset_index(drop=True)
    detection: Detection = detect(frame, format_name=format, overrides=column_map, path=str(path))
    fields = detection.fields
    spec = detection.spec
    accounting = RowAccounting(rows_read=len(frame) + raw.ragged_rows + sum(raw.extra_skips.values()))
    accounting.skip("ragged row (wrong number of fields)", raw.ragged_rows)
    for reason, count in raw.extra_skips.items():
        accounting.skip(reason, count)
    notes: list[str] = []

    if "text" not in fields and "html" not in fields:
        raise FormatError(
            f"has no text-like column (columns: {', '.join(map(str, frame.columns))})",
            path=path,
            hint="Name the reply text column with --map text=COLUMN",
        )
    n = len(frame)
    text = _column(frame, fields, "text")
    html = _column(frame, fields, "html")
    if text is None:
        text = html
    elif html is not None:
        text = text.where(~_blank(text), html)
    text = text.astype("string").fillna("")
    text = _repair_mojibake(text, notes)
    if (text.str.strip() != "").any() and text.str.fullmatch(r"\s*[\d.,:/\-+ ]*\s*").all():
        col = (fields.get("text") or fields.get("html")).column
        raise FormatError(f"the text column {col!r} holds only numbers, not reply text",
                          path=path, hint="Name the reply text column with --map text=COLUMN")

    out = pd.DataFrame(index=frame.index)
    out["source"] = source
    out["row_number"] = np.arange(1, n + 1)
    reply_id = _column(frame, fields, "reply_id")
    out["reply_id"] = (
        reply_id.astype("string").str.strip() if reply_id is not None else pd.Series(out["row_number"].astype(str),
                                                                                      dtype="string")
    )
    out["reply_id"] = out["reply_id"].where(~_blank(out["reply_id"]), out["row_number"].astype(str))

    # --- who wrote each row -----------------------------------------------------------
    role, direction_known = _resolve_roles(frame, fields, spec, notes)
    out["role"] = role

    # --- agent, channel, time, conversation --------------------------------------------
    agent = _column(frame, fields, "agent")
    if agent is None and "agent_side" in fields:
        agent = _column(frame, fields, "agent_side")
    out["agent"] = agent.astype("string").str.strip() if agent is not None else pd.Series(pd.NA, index=frame.index,
                                                                                           dtype="string")
    channel = _column(frame, fields, "channel")
    default_channel = (spec.channel if spec and spec.channel else None) or "unknown"
    out["channel"] = channel.astype("string").str.strip().str.lower() if channel is not None else default_channel
    out["channel"] = out["channel"].astype("string").fillna(default_channel).replace("", default_channel)
    out["created_at"] = _resolve_dates(frame, fields, raw, notes)
    out["conversation_id"] = _resolve_conversations(frame, fields, out)
    out["text"] = text

    automation = _column(frame, fields, "automation")
    auto = pd.Series(False, index=frame.index)
    if automation is not None:
        values = automation.astype("string").str.strip()
        if norm_header(fields["automation"].column) in ("automationtype", "automation type"):
            auto = ~_blank(values) & ~values.str.lower().isin(["false", "0", "none"])
        else:
            auto = values.str.match(_AUTOMATION.pattern, case=False).fillna(False).astype(bool)
    out["automatic_flag"] = auto.to_numpy(dtype=bool) | (out["role"] == Role.BOT.value).to_numpy()
    mark = _column(frame, fields, "template_mark")
    out["helpdesk_template"] = mark.astype("string") if mark is not None else pd.Series(pd.NA, index=frame.index,
                                                                                       dtype="string")

    out["agent_is_account"] = bool(spec and spec.shared_agent_account) or "agent" not in fields

    # --- accounting: every row lands in exactly one bucket ----------------------------
    reason = pd.Series(pd.NA, index=frame.index, dtype="string")
    reason[out["role"] == Role.NOTE.value] = "private note"
    reason[out["role"] == Role.SYSTEM.value] = "system event"
    is_customer = out["role"] == Role.CUSTOMER.value
    blank = text.str.strip() == ""
    reason[reason.isna() & ~is_customer & blank] = "empty text"
    reason[reason.isna() & ~is_customer & text.str.match(_REDACTED.pattern, case=False)] = "redacted body"
    if reply_id is not None:
        # The same message exported twice. Texts are compared only where an id repeats, so a
        # million distinct ids never turn a million texts into Python objects.
        agentish = reason.isna() & ~is_customer
        repeated = agentish & out["reply_id"].duplicated(keep=False)
        if repeated.any():
            twice = out.loc[repeated, ["reply_id", "text"]].duplicated(keep="first")
            reason[twice.index[twice.to_numpy()]] = "duplicate message id"

    customer_rows = is_customer & reason.isna()
    accounting.customer_messages = int(customer_rows.sum())
    for why, count in reason.value_counts().items():
        accounting.skip(str(why), int(count))
    keep = reason.isna() & ~is_customer
    accounting.replies_analysed = int(keep.sum())
    if not direction_known:
        notes.append("no column says who wrote each row: every row is read as an agent reply")
    if out.loc[keep, "created_at"].isna().any():
        missing = int(out.loc[keep, "created_at"].isna().sum())
        notes.append(f"{missing} replies have no readable date (kept; left out of per-period figures)")
    accounting.notes = notes

    replies = out.loc[keep, list(CANONICAL_FIELDS)].reset_index(drop=True)
    customer_times = out.loc[customer_rows, ["conversation_id", "created_at"]].dropna().reset_index(drop=True)
    if accounting.replies_analysed == 0:
        found = ", ".join(f"{k}: {v}" for k, v in accounting.skipped.items()) or "none skipped"
        raise FormatError(
            f"has no agent replies to analyse ({accounting.rows_read} rows: "
            f"{accounting.customer_messages} customer messages, {found})",
            path=path,
            hint="If the direction was misread, set it with --map direction=COLUMN or --map role=COLUMN",
        )
    return LoadedExport(
        replies=replies,
        customer_times=customer_times,
        accounting=accounting,
        format_name=detection.format_name,
        format_title=detection.format_title,
        fields=fields,
        source=source,
        delimiter=raw.delimiter,
        shared_agent_account=bool(spec and spec.shared_agent_account) or "agent" not in fields,
        direction_known=direction_known,
        notes=notes,
    )


def _repair_mojibake(text: pd.Series, notes: list[str]) -> pd.Series:
    suspect = text.str.contains(_MOJIBAKE.pattern, regex=True)
    if not suspect.any():
        return text
    fixed = text[suspect].map(ftfy.fix_encoding)
    changed = int((fixed != text[suspect]).sum())
    if changed:
        notes.append(f"repaired mojibake (e.g. â€™ -> ’) in {changed} cells")
    text = text.copy()
    text[suspect] = fixed
    return text


def _resolve_roles(frame: pd.DataFrame, fields: dict[str, FieldChoice], spec, notes: list[str]):
    """Role per row: direction flag, else author type/role, else brand handle vs customer id."""
    words = {**ROLE_WORDS, **(spec.role_words if spec else {})}
    role = pd.Series(pd.NA, index=frame.index, dtype="object")
    known = False

    inbound = _column(frame, fields, "inbound")
    if inbound is not None:
        flag = truthy(inbound)
        role[flag == True] = Role.CUSTOMER.value  # noqa: E712 - nullable boolean
        role[flag == False] = Role.AGENT.value  # noqa: E712
        known = True
    outbound = _column(frame, fields, "outbound")
    if outbound is not None:
        flag = truthy(outbound)
        role[role.isna() & (flag == True)] = Role.AGENT.value  # noqa: E712
        role[role.isna() & (flag == False)] = Role.CUSTOMER.value  # noqa: E712
        known = True

    overriding = []  # NOTE / SYSTEM / BOT found in any role-like column win over AGENT
    for name in ("direction", "role", "event"):
        column = _column(frame, fields, name)
        if column is None:
            continue
        values = _roles_from_words(column, words)
        if values.notna().mean() < 0.5 and fields[name].confidence not in ("given", "high"):
            continue  # a synonym column ("type", "who") whose values are not roles
        known = True
        fill = role.isna() & values.notna()
        role[fill] = values[fill]
        overriding.append(values)

    agent_side, customer_side = _column(frame, fields, "agent_side"), _column(frame, fields, "customer_side")
    if agent_side is not None or customer_side is not None:
        if agent_side is not None:
            role[role.isna() & ~_blank(agent_side)] = Role.AGENT.value
        if customer_side is not None:
            role[role.isna() & ~_blank(customer_side)] = Role.CUSTOMER.value
        known = True

    if role.isna().any() and spec is not None and spec.shared_agent_account and "agent" in fields:
        # twcs: the company writes as its handle (letters); customers are anonymised numbers.
        author = frame[fields["agent"].column].astype("string").str.strip()
        numeric = author.str.fullmatch(r"\d+").fillna(False).astype(bool)
        handle = author.notna() & ~numeric
        role[role.isna() & numeric] = Role.CUSTOMER.value
        role[role.isna() & handle] = Role.AGENT.value
        known = known or bool(numeric.any())

    for values in overriding:
        for special in (Role.NOTE.value, Role.SYSTEM.value):
            role[(values == special) & (role != Role.CUSTOMER.value)] = special
        role[(values == Role.BOT.value) & (role == Role.AGENT.value)] = Role.BOT.value
    for name, hidden in (("public", False), ("private", True)):
        column = _column(frame, fields, name)
        if column is not None:
            flag = truthy(column)
            if name == "private" and flag.isna().all():  # Zoho: visibility = private/public
                flag = column.astype("string").str.lower().map({"private": True, "public": False}).astype("boolean")
            role[(flag == hidden).fillna(False) & (role != Role.CUSTOMER.value)] = Role.NOTE.value
    unknown = role.isna()
    if unknown.any():
        if known:
            # Rows a direction column leaves blank: better counted than guessed.
            role[unknown] = Role.SYSTEM.value
            notes.append(f"{int(unknown.sum())} rows have no readable direction/role (skipped as system events)")
        else:
            role[unknown] = Role.AGENT.value
    return role.astype("string"), known


def _resolve_dates(frame: pd.DataFrame, fields: dict[str, FieldChoice], raw: RawTable, notes: list[str]) -> pd.Series:
    by_norm = {norm_header(c): c for c in frame.columns}
    parts = {
        "year": next((by_norm[k] for k in ("year", "anno", "ano", "jahr", "annee") if k in by_norm), None),
        "month": next((by_norm[k] for k in ("month", "mese", "mes", "monat", "mois") if k in by_norm), None),
        "day": next((by_norm[k] for k in ("date", "day", "giorno", "dia", "tag", "jour") if k in by_norm), None),
    }
    created = _column(frame, fields, "created_at")
    if all(parts.values()) and (created is None or fields["created_at"].column in parts.values()):
        notes.append(f"dates built from the {parts['year']}/{parts['month']}/{parts['day']} columns")
        return dates_from_parts(frame, parts)  # type: ignore[arg-type]
    if created is None:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
    return parse_dates(created, dayfirst_hint=raw.delimiter == ";")


def _resolve_conversations(frame: pd.DataFrame, fields: dict[str, FieldChoice], out: pd.DataFrame) -> pd.Series:
    conversation = _column(frame, fields, "conversation_id")
    if conversation is not None:
        return conversation.astype("string").str.strip().fillna(out["reply_id"])
    parent = _column(frame, fields, "in_reply_to")
    if parent is None:
        return out["reply_id"].astype("string")
    # twcs threads: follow in_response_to_tweet_id up to the first tweet we hold.
    ids = out["reply_id"].astype("string")
    parent = parent.astype("string").str.replace(r"\.0$", "", regex=True).str.strip()
    parent = parent.where(~_blank(parent))
    lookup = pd.Series(parent.to_numpy(), index=ids.to_numpy())
    lookup = lookup[~lookup.index.duplicated()]
    root = parent.fillna(ids)
    for _ in range(64):
        up = root.map(lookup)
        step = up.notna() & (up != root)
        if not step.any():
            break
        root = root.where(~step, up)
    return root.astype("string")
