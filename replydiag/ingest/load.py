"""The canonical table of messages, with every input row accounted for.

``load_export(path)`` reads one file; ``load_frame(df)`` does the same for a DataFrame the
user already has. Both return a ``LoadedExport`` whose ``replies`` are the agent and bot
messages to analyse; customers, notes and unusable rows are counted in ``accounting``.

A file is read in three steps: ``make_plan`` decides the layout and columns from its first
rows, ``canonical_rows`` turns rows into canonical columns (chunk by chunk for big files),
and ``finish`` runs what needs the whole file: dates, conversation threads, duplicate ids.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import ftfy
import numpy as np
import pandas as pd

from ..errors import FormatError, InputError
from ..memory import release_memory
from ..models import Role, RowAccounting
from .dates import parse_dates
from .decode import decode_bytes, looks_binary, read_bytes, utf8_candidate
from .formats import ROLE_WORDS, Detection, FieldChoice, detect, norm_header, truthy
from .tables import BlockTooSmall, CsvChunks, NotUtf8, RawTable, read_csv_bytes, read_json_text

CANONICAL_FIELDS = (
    "source", "row_number", "reply_id", "conversation_id", "agent", "channel", "created_at", "text",
    "role", "automatic_flag", "helpdesk_template", "agent_is_account",
)
STREAM_BYTES = 256 << 20  # CSV files above this are read in chunks when the caller can take them
CHUNK_BYTES = 64 << 20  # bytes of CSV per chunk

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

# Fixed categories, so the chunks of a big file concatenate without turning into objects.
_ROLES = pd.CategoricalDtype([role.value for role in Role])
_REASONS = pd.CategoricalDtype(["private note", "system event", "empty text", "redacted body",
                                "duplicate message id"])

RowStep = Callable[[pd.DataFrame], pd.DataFrame]
Progress = Callable[[str, int, int], None]


@dataclass
class LoadedExport:
    """An export read into canonical columns.

    ``replies`` holds one row per analysed agent/bot message (columns ``CANONICAL_FIELDS``);
    ``customer_times`` holds (conversation_id, created_at) of customer messages, used to spot
    replies sent within seconds. A file read in chunks (``chunks`` is set) has no ``text``
    column: whatever the chunk step kept instead, and ``reply_texts`` reads the text again.
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
    plan: "Plan | None" = None
    chunks: CsvChunks | None = None
    kept_texts: pd.Series | None = None  # by row number, when text left ``replies`` but the file was read whole

    @property
    def chunks_read(self) -> int:
        return self.chunks.chunks_read if self.chunks is not None else 1

    def reply_texts(self, row_numbers: np.ndarray) -> Iterator[pd.Series]:
        """The exported text of the rows ``row_numbers`` (ascending), read again from the file
        in chunks: one Series per chunk, in order."""
        if self.chunks is None or self.plan is None:
            by_row = self.kept_texts
            if by_row is None:
                by_row = pd.Series(self.replies["text"].to_numpy(), index=self.replies["row_number"].to_numpy())
            yield pd.Series(by_row.loc[row_numbers].to_numpy(), dtype="string")
            return
        first = 1
        for raw in self.chunks:
            last = first + len(raw.frame)
            lo, hi = np.searchsorted(row_numbers, [first, last])
            if hi > lo:
                text = _text(raw.frame, self.plan, Notes())
                yield text.iloc[row_numbers[lo:hi] - first].reset_index(drop=True)
            first = last


def load_export(
    path: str | Path,
    *,
    format: str | None = None,
    column_map: dict[str, str] | None = None,
    row_step: RowStep | None = None,
    chunked: bool = False,
    progress: Progress | None = None,
) -> LoadedExport:
    """Read a CSV, TSV, JSON or NDJSON help-desk export.

    Canonical rows pass through ``row_step`` (the analysis's normaliser) as they are made.
    ``chunked`` reads a CSV file ``CHUNK_BYTES`` at a time: memory then holds one chunk of
    text, not the file, when the step drops the text. (JSON and UTF-16 files are read whole,
    then their rows pass through ``row_step`` at once.)

    >>> from replydiag.samples import sample_path
    >>> export = load_export(sample_path())
    >>> export.format_name, export.accounting.balanced
    ('zendesk', True)
    """
    path = Path(path)
    if chunked and _size(path) > 0:
        chunks = _csv_chunks(path, CHUNK_BYTES)
        if chunks is not None:
            return _load_chunks(chunks, format=format, column_map=column_map, row_step=row_step or _as_is,
                                progress=progress)
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
    export = _canonicalise(raw, source=path.name, format=format, column_map=column_map, path=path,
                           row_step=row_step)
    export.encoding = encoding
    if mixed_lines:
        were = "line was" if mixed_lines == 1 else "lines were"
        export.notes.append(f"{mixed_lines} {were} cp1252 inside a UTF-8 file; decoded line by line")
    return export


def _size(path: Path) -> int:
    try:
        return path.stat().st_size if path.is_file() else 0
    except OSError:
        return 0


def _csv_chunks(path: Path, chunk_bytes: int) -> CsvChunks | None:
    """A chunked reader for a UTF-8 or single-byte CSV file; None for JSON, UTF-16 and the
    rest, which are read whole."""
    with open(path, "rb") as handle:
        head = handle.read(1 << 20)
    if not head.strip() or looks_binary(head[:65536]):
        return None  # the whole-file path says what is wrong
    fast = utf8_candidate(head, path=path)
    if fast is None:
        if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00")) or b"\x00" in head[:4096]:
            return None
        encoding, offset = "cp1252", 0
    else:
        encoding, offset = fast[2], fast[1]
    if _is_json(head[offset:offset + 4096].lstrip()[:64].decode("utf-8", "replace"), path) or b"\x00" in head:
        return None
    return CsvChunks(path, head=head, encoding=encoding, offset=offset, block_size=chunk_bytes)


def _load_chunks(chunks: CsvChunks, *, format: str | None, column_map: dict[str, str] | None,
                 row_step: RowStep, progress: Progress | None) -> LoadedExport:
    path = chunks.path
    while True:
        try:
            plan, notes, parts, rows = _read_chunks(chunks, format=format, column_map=column_map,
                                                    row_step=row_step, progress=progress)
            break
        except NotUtf8:
            # A block that is not UTF-8 after a first megabyte that was: the file is cp1252
            # (any UTF-8 part is then repaired as mojibake, cell by cell). Keys the chunk step
            # kept from the first attempt are used by no reply and drop out of the analysis.
            if chunks.encoding == "cp1252":
                raise FormatError("is neither UTF-8 nor cp1252", path=path, hint="Re-save the export as UTF-8")
            chunks.encoding = "cp1252"
        except BlockTooSmall:
            # One cell larger than a block (a pasted log): fewer, larger blocks. A block as
            # large as the file holds any row, so this ends.
            chunks.block_size = min(chunks.block_size * 8, chunks.size + 1)
    chunks.check_ragged(rows)
    if plan is None:
        raise FormatError(f"has a header but no rows (columns: {', '.join(chunks.names)})", path=path,
                          hint="Export again with the replies included")
    accounting = RowAccounting(rows_read=rows + chunks.ragged_rows)
    accounting.skip("ragged row (wrong number of fields)", chunks.ragged_rows)
    export = finish(pd.concat(parts, ignore_index=True), plan, notes, accounting)
    del parts
    release_memory()
    export.encoding = chunks.encoding
    export.chunks = chunks
    return export


def _read_chunks(chunks: CsvChunks, *, format: str | None, column_map: dict[str, str] | None,
                 row_step: RowStep, progress: Progress | None):
    """One pass over the file: (plan, notes, each chunk's rows after ``row_step``, rows read)."""
    plan: Plan | None = None
    notes = Notes()
    parts: list[pd.DataFrame] = []
    row = 1
    for raw in chunks:
        if raw.frame.empty:
            continue  # a block of ragged rows only: counted by the reader
        if plan is None:
            plan = make_plan(raw, source=chunks.path.name, format=format, column_map=column_map, path=chunks.path)
        rows = canonical_rows(raw.frame, plan, notes, first_row=row)
        row += len(rows)
        parts.append(row_step(rows))
        del rows, raw
        release_memory()
        if progress:
            progress("reading", chunks.bytes_read, chunks.size)
    return plan, notes, parts, row - 1


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
    row_step: RowStep | None = None,
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
                         path=source, row_step=row_step)


@dataclass
class Plan:
    """What was decided about one file from its first rows, applied to every later chunk so
    that a file read in pieces is read exactly like a file read at once."""

    detection: Detection
    source: str
    path: str | Path
    delimiter: str | None
    date_parts: dict[str, str] | None = None
    role_columns: tuple[str, ...] | None = None  # role-like columns whose values are roles
    direction_known: bool = False


class Notes:
    """Notes about a file; counted ones add up over chunks ("12 cells repaired")."""

    def __init__(self) -> None:
        self._order: list[str] = []
        self._counts: dict[str, int] = {}

    def add(self, text: str) -> None:
        if text not in self._order:
            self._order.append(text)

    def count(self, template: str, n: int) -> None:
        if n:
            self.add(template)
            self._counts[template] = self._counts.get(template, 0) + int(n)

    def render(self) -> list[str]:
        return [t.format(n=self._counts[t]) if t in self._counts else t for t in self._order]


def make_plan(raw: RawTable, *, source: str, format: str | None, column_map: dict[str, str] | None,
              path: str | Path) -> Plan:
    """Recognise the layout and choose the columns, from the first rows of a file."""
    frame = raw.frame
    detection = detect(frame, format_name=format, overrides=column_map, path=str(path))
    fields = detection.fields
    if "text" not in fields and "html" not in fields:
        raise FormatError(
            f"has no text-like column (columns: {', '.join(map(str, frame.columns))})",
            path=path,
            hint="Name the reply text column with --map text=COLUMN",
        )
    plan = Plan(detection=detection, source=source, path=path, delimiter=raw.delimiter)
    text = _text(frame, plan, Notes())
    if (text.str.strip() != "").any() and text.str.fullmatch(r"\s*[\d.,:/\-+ ]*\s*").all():
        col = (fields.get("text") or fields.get("html")).column
        raise FormatError(f"the text column {col!r} holds only numbers, not reply text",
                          path=path, hint="Name the reply text column with --map text=COLUMN")
    by_norm = {norm_header(c): c for c in frame.columns}
    parts = {
        "year": next((by_norm[k] for k in ("year", "anno", "ano", "jahr", "annee") if k in by_norm), None),
        "month": next((by_norm[k] for k in ("month", "mese", "mes", "monat", "mois") if k in by_norm), None),
        "day": next((by_norm[k] for k in ("date", "day", "giorno", "dia", "tag", "jour") if k in by_norm), None),
    }
    created = fields.get("created_at")
    if all(parts.values()) and (created is None or created.column in parts.values()):
        plan.date_parts = parts  # type: ignore[assignment]
    _, plan.direction_known, plan.role_columns = _resolve_roles(frame, plan, Notes())
    return plan


def canonical_rows(frame: pd.DataFrame, plan: Plan, notes: Notes, *, first_row: int = 1) -> pd.DataFrame:
    """One row per input row (any role), with the canonical columns and ``reason``, the reason
    a row is skipped (missing for replies and customer messages). Dates stay raw strings and
    conversations unresolved: both need the whole file (see ``finish``)."""
    fields = plan.detection.fields
    spec = plan.detection.spec
    frame = frame.reset_index(drop=True)
    n = len(frame)
    text = _text(frame, plan, notes)
    out = pd.DataFrame(index=frame.index)
    out["row_number"] = np.arange(first_row, first_row + n)
    reply_id = _column(frame, fields, "reply_id")
    numbers = pd.Series(out["row_number"].astype(str), dtype="string")
    out["reply_id"] = reply_id.astype("string").str.strip() if reply_id is not None else numbers
    out["reply_id"] = out["reply_id"].where(~_blank(out["reply_id"]), numbers)

    role, _, _ = _resolve_roles(frame, plan, notes)
    out["role"] = role.astype(_ROLES)  # one byte a row, and chunks concatenate as categories

    agent = _column(frame, fields, "agent")
    if agent is None and "agent_side" in fields:
        agent = _column(frame, fields, "agent_side")
    out["agent"] = agent.astype("string").str.strip() if agent is not None else pd.Series(pd.NA, index=frame.index,
                                                                                           dtype="string")
    channel = _column(frame, fields, "channel")
    default_channel = (spec.channel if spec and spec.channel else None) or "unknown"
    out["channel"] = channel.astype("string").str.strip().str.lower() if channel is not None else default_channel
    out["channel"] = out["channel"].astype("string").fillna(default_channel).replace("", default_channel)
    if plan.date_parts:
        parts = plan.date_parts
        out["created_raw"] = (frame[parts["year"]].astype("string") + " " + frame[parts["month"]].astype("string")
                              + " " + frame[parts["day"]].astype("string"))
    else:
        created = _column(frame, fields, "created_at")
        out["created_raw"] = created.astype("string") if created is not None else pd.Series(
            pd.NA, index=frame.index, dtype="string")
    conversation = _column(frame, fields, "conversation_id")
    out["conversation_raw"] = conversation.astype("string").str.strip() if conversation is not None else pd.Series(
        pd.NA, index=frame.index, dtype="string")
    parent = _column(frame, fields, "in_reply_to")
    if parent is not None and conversation is None:
        parent = parent.astype("string").str.replace(r"\.0$", "", regex=True).str.strip()
        out["parent"] = parent.where(~_blank(parent))
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

    reason = pd.Series(pd.NA, index=frame.index, dtype=_REASONS)
    reason[out["role"] == Role.NOTE.value] = "private note"
    reason[out["role"] == Role.SYSTEM.value] = "system event"
    is_customer = out["role"] == Role.CUSTOMER.value
    blank = text.str.strip() == ""
    reason[reason.isna() & ~is_customer & blank] = "empty text"
    reason[reason.isna() & ~is_customer & text.str.match(_REDACTED.pattern, case=False)] = "redacted body"
    out["reason"] = reason
    if reply_id is not None:
        # Enough to tell a message exported twice from two messages sharing an id, once the
        # text itself is gone (a big file keeps only the normalised text past its chunk).
        out["text_hash"] = pd.util.hash_pandas_object(text, index=False).to_numpy()
    return out


def finish(rows: pd.DataFrame, plan: Plan, notes: Notes, accounting: RowAccounting) -> LoadedExport:
    """Whole-file steps over all rows: dates (one format per column), conversations (reply
    chains), duplicate ids; then the split into replies, customer messages and skipped rows."""
    rows = rows.reset_index(drop=True)
    fields = plan.detection.fields
    spec = plan.detection.spec
    if plan.date_parts:
        notes.add(f"dates built from the {plan.date_parts['year']}/{plan.date_parts['month']}/"
                  f"{plan.date_parts['day']} columns")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            created = pd.to_datetime(rows["created_raw"], utc=True, errors="coerce", format="mixed")
        rows["created_at"] = created.astype("datetime64[ns, UTC]")
    elif "created_at" in fields:
        rows["created_at"] = parse_dates(rows["created_raw"], dayfirst_hint=plan.delimiter == ";")
    else:
        rows["created_at"] = pd.Series(pd.NaT, index=rows.index, dtype="datetime64[ns, UTC]")
    rows["conversation_id"] = _resolve_conversations(rows)
    # Raw columns go as soon as they are read: on a big file each is hundreds of MB.
    rows = rows.drop(columns=[c for c in ("created_raw", "conversation_raw", "parent") if c in rows])
    rows["source"] = pd.Categorical.from_codes(np.zeros(len(rows), dtype=np.int8), categories=[plan.source])
    rows["agent_is_account"] = bool(spec and spec.shared_agent_account) or "agent" not in fields

    reason = rows["reason"]
    is_customer = rows["role"] == Role.CUSTOMER.value
    if "text_hash" in rows:
        # The same message exported twice. Only repeated ids are compared.
        agentish = reason.isna() & ~is_customer
        repeated = agentish & rows["reply_id"].duplicated(keep=False)
        if repeated.any():
            twice = rows.loc[repeated, ["reply_id", "text_hash"]].duplicated(keep="first")
            reason = reason.copy()
            reason[twice.index[twice.to_numpy()]] = "duplicate message id"

    customer_rows = is_customer & reason.isna()
    accounting.customer_messages = int(customer_rows.sum())
    for why, count in reason.value_counts().items():
        accounting.skip(str(why), int(count))
    keep = reason.isna() & ~is_customer
    accounting.replies_analysed = int(keep.sum())
    if not plan.direction_known:
        notes.add("no column says who wrote each row: every row is read as an agent reply")
    missing = int(rows.loc[keep, "created_at"].isna().sum())
    if missing:
        notes.add(f"{missing} replies have no readable date (kept; left out of per-period figures)")
    accounting.notes = notes.render()

    internal = {"created_raw", "conversation_raw", "parent", "reason", "text_hash", "role_code"}
    columns = list(CANONICAL_FIELDS) + [c for c in rows.columns if c not in CANONICAL_FIELDS and c not in internal]
    replies = rows.loc[keep, [c for c in columns if c in rows.columns]].reset_index(drop=True)
    customer_times = rows.loc[customer_rows, ["conversation_id", "created_at"]].dropna().reset_index(drop=True)
    if accounting.replies_analysed == 0:
        found = ", ".join(f"{k}: {v}" for k, v in accounting.skipped.items()) or "none skipped"
        raise FormatError(
            f"has no agent replies to analyse ({accounting.rows_read} rows: "
            f"{accounting.customer_messages} customer messages, {found})",
            path=plan.path,
            hint="If the direction was misread, set it with --map direction=COLUMN or --map role=COLUMN",
        )
    return LoadedExport(
        replies=replies,
        customer_times=customer_times,
        accounting=accounting,
        format_name=plan.detection.format_name,
        format_title=plan.detection.format_title,
        fields=fields,
        source=plan.source,
        delimiter=plan.delimiter,
        shared_agent_account=bool(spec and spec.shared_agent_account) or "agent" not in fields,
        direction_known=plan.direction_known,
        notes=accounting.notes,
        plan=plan,
    )


def _canonicalise(raw: RawTable, *, source: str, format: str | None, column_map: dict[str, str] | None,
                  path: str | Path, row_step: RowStep | None = None) -> LoadedExport:
    raw.frame = raw.frame.reset_index(drop=True)
    plan = make_plan(raw, source=source, format=format, column_map=column_map, path=path)
    accounting = _raw_accounting(raw)
    notes = Notes()
    rows = canonical_rows(raw.frame, plan, notes)
    stepped = row_step(rows) if row_step is not None else rows
    if "text" in stepped:
        return finish(stepped, plan, notes, accounting)
    # The step dropped the text of a file that cannot be read again in chunks: kept by row.
    texts = pd.Series(rows["text"].to_numpy(), index=rows["row_number"].to_numpy())
    export = finish(stepped, plan, notes, accounting)
    export.kept_texts = texts.loc[export.replies["row_number"].to_numpy()]
    return export


def _as_is(rows: pd.DataFrame) -> pd.DataFrame:
    return rows


def _raw_accounting(raw: RawTable) -> RowAccounting:
    accounting = RowAccounting(rows_read=len(raw.frame) + raw.ragged_rows + sum(raw.extra_skips.values()))
    accounting.skip("ragged row (wrong number of fields)", raw.ragged_rows)
    for reason, count in raw.extra_skips.items():
        accounting.skip(reason, count)
    return accounting


def _text(frame: pd.DataFrame, plan: Plan, notes: Notes) -> pd.Series:
    """The reply text of each row: the text column, else the HTML body; mojibake repaired."""
    fields = plan.detection.fields
    text = _column(frame, fields, "text")
    html = _column(frame, fields, "html")
    if text is None:
        text = html
    elif html is not None:
        text = text.where(~_blank(text), html)
    text = text.astype("string").fillna("")
    return _repair_mojibake(text, notes)


def _repair_mojibake(text: pd.Series, notes: Notes) -> pd.Series:
    suspect = text.str.contains(_MOJIBAKE.pattern, regex=True)
    if not suspect.any():
        return text
    fixed = text[suspect].map(ftfy.fix_encoding)
    changed = int((fixed != text[suspect]).sum())
    notes.count("repaired mojibake (e.g. â€™ -> ’) in {n} cells", changed)
    text = text.copy()
    text[suspect] = fixed
    return text


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


def _resolve_roles(frame: pd.DataFrame, plan: Plan, notes: Notes) -> tuple[pd.Series, bool, tuple[str, ...]]:
    """Role per row: direction flag, else author type/role, else brand handle vs customer id.

    Returns the roles, whether any column told the direction, and the role-like columns
    whose values were read as roles (decided on a file's first rows, then kept).
    """
    fields, spec = plan.detection.fields, plan.detection.spec
    words = {**ROLE_WORDS, **(spec.role_words if spec else {})}
    role = pd.Series(pd.NA, index=frame.index, dtype="object")
    known = plan.direction_known

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
    accepted: list[str] = []
    for name in ("direction", "role", "event"):
        column = _column(frame, fields, name)
        if column is None:
            continue
        values = _roles_from_words(column, words)
        if plan.role_columns is not None:
            if name not in plan.role_columns:
                continue
        elif values.notna().mean() < 0.5 and fields[name].confidence not in ("given", "high"):
            continue  # a synonym column ("type", "who") whose values are not roles
        accepted.append(name)
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
            notes.count("{n} rows have no readable direction/role (skipped as system events)", int(unknown.sum()))
        else:
            role[unknown] = Role.AGENT.value
    return role.astype("string"), known, tuple(accepted)


def _resolve_conversations(rows: pd.DataFrame) -> pd.Series:
    ids = rows["reply_id"].astype("string")
    conversation = rows["conversation_raw"]
    if conversation.notna().any() or "parent" not in rows:
        return conversation.fillna(ids).astype("string")
    # twcs threads: follow in_response_to_tweet_id up to the first tweet we hold.
    parent = rows["parent"]
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
