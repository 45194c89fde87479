"""Reading one export: which path (whole, or CSV in chunks; CSV or JSON), then plan, rows, finish.

``load_export(path)`` reads one file; ``load_frame(df)`` does the same for a DataFrame the
user already has. Both return a ``LoadedExport`` whose ``replies`` are the agent and bot
messages to analyse; customers, notes and unusable rows are counted in ``accounting``.
A file is read in three steps: ``make_plan`` decides the layout and columns from its first
rows, ``canonical_rows`` turns rows into canonical columns (chunk by chunk for big files),
and ``finish`` runs what needs the whole file.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from ..errors import FormatError, InputError
from ..memory import concatenated, release_memory
from ..models import RowAccounting
from .chat_text import is_chat_transcript, read_chat_text
from .csv_table import BlockTooSmall, CsvChunks, NotUtf8, no_rows_error, read_csv_bytes
from .decode import decode_bytes, looks_binary, read_bytes, utf8_candidate
from .embedded import RECORDS_NOTE, records_read, with_records_read
from .formats import Detection, detect
from .json_table import json_start, read_json_text
from .mailbox import is_mailbox, read_mailbox
from .notes import Notes
from .plan import Plan, make_plan
from .raw import RawTable
from .rows import LoadedExport, canonical_rows, finish
from .transcripts import split_transcripts, transcript_column
from .workbook import is_workbook, read_workbook
from .xml_table import is_xml_export, read_xml

STREAM_BYTES = 256 << 20  # CSV files above this are read in chunks when the caller can take them
STREAM_ROWS = 2_000_000  # ... and files of more lines than this, however short their rows


def estimated_lines(path: Path) -> int:
    """Lines of a plain file, estimated from its first megabyte (0 when it cannot be read):
    memory follows rows, so ten million tweets of 19 bytes cost more than their 190 MB."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            head = handle.read(1 << 20)
    except OSError:
        return 0
    return round(size * head.count(b"\n") / len(head)) if head else 0


CHUNK_BYTES = 64 << 20  # bytes of CSV per chunk

RowStep = Callable[[pd.DataFrame], pd.DataFrame]
Progress = Callable[[str, int, int], None]


def load_export(
    path: str | Path,
    *,
    format: str | None = None,
    column_map: dict[str, str] | None = None,
    row_step: RowStep | None = None,
    chunked: bool = False,
    progress: Progress | None = None,
    member: str | None = None,
    sheet: str | None = None,
) -> LoadedExport:
    """Read a CSV, TSV, JSON, NDJSON, .xlsx or mbox help-desk export (or ``member``, one file of a zip).

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
    source = path.name if member is None else f"{path.name}/{member}"
    named = path if member is None else path / member  # what errors and the suffix check see
    if chunked and member is None and _size(path) > 0:
        # Checked on the file's head: read in chunks, its bytes are never held whole.
        with path.open("rb") as file:
            head = file.read(4096)
        _refuse_markup(head, named)
        whole = (
            is_chat_transcript(head.decode("utf-8", "replace"))
            or is_mailbox(head)
            or is_xml_export(head, named.suffix)
        )
        chunks = None if whole else _csv_chunks(path, CHUNK_BYTES)
        if chunks is not None:
            return _load_chunks(
                chunks, format=format, column_map=column_map, row_step=row_step or _as_is, progress=progress
            )
    data = read_bytes(path, member)
    _refuse_markup(data[:512], named)
    own_kind = _own_kind(data, named, sheet)
    if own_kind is not None:
        table, encoding = own_kind
        export = _canonicalise(
            table, source=source, format=format, column_map=column_map, path=named, row_step=row_step
        )
        export.encoding = encoding
        return export
    mixed_lines = 0
    fast = utf8_candidate(data, path=named)
    if fast is not None:
        start = fast[0][fast[1] : fast[1] + 4096].decode("utf-8", "replace")
        if _is_json(start.lstrip()[:64], named) or is_chat_transcript(start):
            fast = None  # JSON and chat transcripts are parsed from text
    raw = None
    if fast is not None:
        try:
            raw = read_csv_bytes(fast[0], path=named, offset=fast[1])
            encoding = fast[2]
        except NotUtf8:
            raw = None
    if raw is None:
        decoded = decode_bytes(data, path=named)
        encoding, mixed_lines = decoded.encoding, decoded.mixed_lines
        stripped = decoded.text.lstrip()
        if _is_json(stripped[:64], named):
            raw = read_json_text(stripped, path=named)
        elif is_chat_transcript(stripped[:4096]):
            raw = read_chat_text(stripped, path=named)
        else:
            raw = read_csv_bytes(decoded.text.encode("utf-8"), path=named)
        del decoded, stripped
    del data, fast
    export = _canonicalise(
        raw, source=source, format=format, column_map=column_map, path=named, row_step=row_step
    )
    export.encoding = encoding
    if mixed_lines:
        template = "lines decoded as cp1252 inside a UTF-8 file, one by one: {n}"
        export.notes.append(template.format(n=f"{mixed_lines:,}"))  # the accounting's own list
        export.accounting.counted[template] = mixed_lines
    return export


def _own_kind(data: bytes, path: Path, sheet: str | None) -> tuple[RawTable, str] | None:
    """A file with a reader of its own (a mailbox, a workbook), read, and what its encoding is
    called; None for text tables and JSON."""
    if is_mailbox(data[:4096]):
        return read_mailbox(data, path=path), "mail (each message its own charset)"
    if is_xml_export(data[:4096], path.suffix):
        return read_xml(data, path=path), "xml"
    if is_workbook(data):
        return read_workbook(data, path=path, sheet=sheet), "xlsx"
    return None


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
    if not head.replace(b"\x00", b"").strip() and _blank_throughout(path):
        raise InputError(
            "is empty (0 rows: only blank or NUL bytes)",
            path=path,
            hint="Export the replies again; the file has no content",
        )
    if not head.strip() or looks_binary(head[:65536]):
        return None  # the whole-file path says what is wrong
    fast = utf8_candidate(head, path=path)
    if fast is None:
        if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00")) or b"\x00" in head[:4096]:
            return None
        encoding, offset = "cp1252", 0
    else:
        encoding, offset = fast[2], fast[1]
    if _is_json(head[offset : offset + 4096].lstrip()[:64].decode("utf-8", "replace"), path):
        return None
    return CsvChunks(path, head=head, encoding=encoding, offset=offset, block_size=chunk_bytes)


def _blank_throughout(path: Path) -> bool:
    """True for a file of only NUL and white-space bytes, read a block at a time (a 2 GB file
    of NULs is refused without holding it)."""
    with open(path, "rb") as handle:
        while block := handle.read(64 << 20):
            if block.replace(b"\x00", b"").strip():
                return False
    return True


def _load_chunks(
    chunks: CsvChunks,
    *,
    format: str | None,
    column_map: dict[str, str] | None,
    row_step: RowStep,
    progress: Progress | None,
) -> LoadedExport:
    path = chunks.path
    while True:
        try:
            plan, notes, parts, rows = _read_chunks(
                chunks, format=format, column_map=column_map, row_step=row_step, progress=progress
            )
            break
        except NotUtf8 as exc:
            # A block that is not UTF-8 after a first megabyte that was: the file is cp1252
            # (any UTF-8 part is then repaired as mojibake, cell by cell). Keys the row step
            # kept from the first attempt are used by no reply and drop out of the analysis.
            if chunks.encoding == "cp1252":
                raise FormatError(
                    "is neither UTF-8 nor cp1252", path=path, hint="Re-save the export as UTF-8"
                ) from exc
            chunks.encoding = "cp1252"
        except BlockTooSmall:
            # One cell larger than a block (a pasted log): fewer, larger blocks. A block as
            # large as the file holds any row, so this ends.
            chunks.block_size = min(chunks.block_size * 8, chunks.size + 1)
    chunks.check_ragged(rows)
    if plan is None:
        raise no_rows_error(chunks.names, path)
    accounting = RowAccounting(rows_read=rows + chunks.ragged_rows)
    accounting.skip("ragged row (wrong number of fields)", chunks.ragged_rows)
    export = finish(_concatenated(parts), plan, notes, accounting)
    release_memory()
    export.encoding = chunks.encoding
    export.chunks = chunks
    return export


def _concatenated(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The chunks' rows as one frame, the chunks let go: ``finish`` then holds the rows once
    (the chunks' NumPy columns alongside their copy were a ten-million-row file's peak)."""
    rows = concatenated(parts)
    parts.clear()
    return rows


def _read_chunks(
    chunks: CsvChunks,
    *,
    format: str | None,
    column_map: dict[str, str] | None,
    row_step: RowStep,
    progress: Progress | None,
):
    """One pass over the file: (plan, notes, each chunk's rows after ``row_step``, rows read).

    Each chunk's step (normalising its text: Arrow's regex kernels, outside the GIL) runs on a
    thread of its own while the next chunk is parsed and made canonical, one chunk ahead at
    most: the steps run one at a time, in order, as ``row_step`` (a ``DistinctReplies``)
    needs, and memory holds two chunks' rows, not the file's."""
    plan: Plan | None = None
    notes = Notes()
    for note in chunks.notes:
        notes.add(note)
    parts: list[pd.DataFrame] = []
    row = 1
    chats: tuple[Detection, str] | None = None  # the first chunk's transcripts, split in every chunk
    records: tuple[str, list[str]] | None = None  # the first chunk's column of JSON records, and its columns
    # Leaving the block waits for a step still running, so a retry (``_load_chunks``) never
    # starts while one is.
    with ThreadPoolExecutor(1) as stepper:
        stepping: Future[pd.DataFrame] | None = None
        for raw in chunks:
            if raw.frame.empty:
                continue  # a block of ragged rows only: counted by the reader
            if plan is None:
                raw, records = records_read(raw, format=format, column_map=column_map, path=str(chunks.path))
                if records is not None:
                    notes.add(RECORDS_NOTE.format(column=records[0]))
                raw, column_map, chats = _split_chats(
                    raw, format=format, column_map=column_map, path=chunks.path
                )
                plan = make_plan(
                    raw, source=chunks.path.name, format=format, column_map=column_map, path=chunks.path
                )
            else:
                if records is not None:
                    raw = with_records_read(raw, *records)
                if chats is not None:
                    raw, _ = split_transcripts(raw, *chats)
            if chats is not None:
                notes.count(raw.notes[-1], raw.conversations or 0)
            rows = canonical_rows(raw.frame, plan, notes, first_row=row)
            row += len(rows)
            del raw
            if stepping is not None:
                parts.append(stepping.result())
            stepping = stepper.submit(row_step, rows)
            del rows
            release_memory()
            if progress:
                progress("reading", chunks.bytes_read, chunks.size)
        if stepping is not None:
            parts.append(stepping.result())
    return plan, notes, parts, row - 1


_MARKUP = (b"<?xml", b"<!doctype", b"<html", b"<rss", b"<feed")


def _refuse_markup(head: bytes, path: Path) -> None:
    """An HTML page or a feed is refused by name: read as a CSV, its first tag became a column
    and the whole document one reply (a saved web page). An XML export of data is read
    (``xml_table``); one that is not well-formed is refused there."""
    if is_xml_export(head, path.suffix):
        return
    start = head[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(_MARKUP) or (path.suffix.lower() in (".xml", ".html", ".htm") and start[:1] == b"<"):
        html = start.startswith((b"<!doctype", b"<html")) or path.suffix.lower() in (".html", ".htm")
        raise FormatError(
            f"is an {'HTML document' if html else 'XML feed or page'}, not a CSV, JSON or Excel export",
            path=path,
            hint="Export the messages as CSV or JSON from the help desk (a saved web page holds no export)"
            if html
            else "Export the messages from the help desk as CSV, JSON or XML (a feed holds no export)",
        )


def _split_chats(
    raw: RawTable, *, format: str | None, column_map: dict[str, str] | None, path: str | Path
) -> tuple[RawTable, dict[str, str] | None, tuple[Detection, str] | None]:
    """A table whose text column holds whole chat transcripts, one row per message instead
    (``transcripts``), with the column map that reads the messages; others as they are."""
    detection = detect(raw.frame, format_name=format, overrides=column_map, path=str(path))
    column = transcript_column(raw.frame, detection)
    if column is None:
        return raw, column_map, None
    split, reading = split_transcripts(raw, detection, column)
    return split, {**(column_map or {}), **reading}, (detection, column)


def _is_json(start: str, path: Path) -> bool:
    start = json_start(start)
    return start[:1] in "[{" and (
        path.suffix.lower() in (".json", ".ndjson", ".jsonl", ".js", "") or _looks_json(start)
    )


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
    return _canonicalise(
        RawTable(strings, kind="frame"),
        source=source,
        format=format,
        column_map=column_map,
        path=source,
        row_step=row_step,
    )


def _canonicalise(
    raw: RawTable,
    *,
    source: str,
    format: str | None,
    column_map: dict[str, str] | None,
    path: str | Path,
    row_step: RowStep | None = None,
) -> LoadedExport:
    raw.frame = raw.frame.reset_index(drop=True)
    raw, records = records_read(raw, format=format, column_map=column_map, path=str(path))
    if records is not None:
        raw.notes.append(RECORDS_NOTE.format(column=records[0]))
    raw, column_map, chats = _split_chats(raw, format=format, column_map=column_map, path=path)
    if chats is not None:
        raw.notes[-1] = raw.notes[-1].format(n=f"{raw.conversations or 0:,}")
    plan = make_plan(raw, source=source, format=format, column_map=column_map, path=path)
    accounting = _raw_accounting(raw)
    notes = Notes()
    for note in raw.notes:
        notes.add(note)
    rows = canonical_rows(raw.frame, plan, notes)
    # The raw cells are not needed past here: freed before the step normalises the text.
    raw.frame = raw.frame.iloc[:0]
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
