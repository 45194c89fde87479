"""CSV text to a raw table: the delimiter sniffed, read whole or chunk by chunk (Arrow).

Both readers use one set of Arrow options, one header reader and the same errors, so a file
read in chunks is read exactly like a file read at once.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ..errors import FormatError, InputError
from .raw import RawTable

DELIMITERS = ",;\t|"
# Ragged rows are skipped (and counted) up to this share of the file; beyond it the delimiter
# or quoting is wrong and guessing on would misread the whole export.
RAGGED_TOLERANCE = 0.01
RAGGED_MIN_ALLOWED = 5


class NotUtf8(Exception):
    """The bytes given as UTF-8 are not: decode them another way and try again."""


class BlockTooSmall(Exception):
    """A row is longer than the reader's block: read again with larger blocks."""


def no_rows_error(names: list[str], path: Path | str) -> FormatError:
    """A CSV file with a header and nothing under it."""
    return FormatError(
        f"has a header but no rows (columns: {', '.join(names)})",
        path=path,
        hint="Export again with the replies included",
    )


def sniff_delimiter(sample: str) -> str:
    """Pick the delimiter, among ``, ; \\t |`` only, that splits sample lines most consistently.

    >>> sniff_delimiter("Testo;Operatore;Data\\nCiao, grazie;Anna;25/03/2026\\n")
    ';'
    """
    every_line = sample.splitlines()
    lines = every_line[:60]
    cut = len(every_line) > len(lines) or not sample.endswith("\n")
    if len(lines) > 1 and not sample.endswith("\n"):
        lines = lines[:-1]  # the last line of a sample may be cut mid-row
    best, best_score = ",", (-1.0, 0)
    for delim in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delim))
        except csv.Error:
            continue
        counts = [len(r) for r in rows if r]
        if cut and len(counts) > 2:
            counts = counts[:-1]  # a record with line breaks in a cell may go on past the sample
        # The header names the columns, so the delimiter splits it: a character found only in
        # the text (a "; " in a multi-line reply) would otherwise win by splitting few lines.
        if not counts or counts[0] < 2:
            continue
        header = counts[0]
        consistent = sum(1 for c in counts if c == header) / len(counts)
        score = (round(consistent, 2), header)
        if score > best_score:
            best, best_score = delim, score
    return best


PREAMBLE_LINES = 10  # lines before the header that may be a title or Excel's "sep=" line
_SEP_LINE = re.compile(r"\s*sep=(.)\s*", re.IGNORECASE)


def _fields(line: str, delimiters: str) -> int:
    """The most fields ``line`` splits into under any of ``delimiters`` (quotes respected)."""
    best = 1
    for delim in delimiters:
        try:
            best = max(best, len(next(csv.reader([line], delimiter=delim), [])))
        except csv.Error:
            continue
    return best


def preamble(head: bytes, offset: int, encoding: str) -> tuple[int, str | None, list[str]]:
    """Lines before the header: Excel's ``sep=;`` line, which names the delimiter, and report
    titles that no delimiter splits ("Replies report", "Generated 2026-03-05", blank lines),
    when a header that splits follows and the rows after it agree with it. Returns where the
    header starts, the delimiter when the preamble decided it (named by a ``sep=`` line, or
    sniffed from the table after a title), and the lines passed over.

    >>> preamble(b"Replies report\\n\\nid,text\\n1,hi\\n2,ok\\n", 0, "utf-8")
    (16, ',', ['Replies report', ''])
    >>> preamble(b"sep=;\\nid;text\\n1;hi\\n", 0, "utf-8")
    (6, ';', ['sep=;'])
    >>> preamble(b"text\\nhello, world\\nthanks\\n", 0, "utf-8")  # one column: nothing skipped
    (0, None, [])
    """
    given, skipped, at = None, [], offset
    for _ in range(PREAMBLE_LINES + 1):
        end = head.find(b"\n", at)
        if end < 0:
            return offset, None, []
        line = head[at:end].decode(encoding, errors="replace").rstrip("\r")
        sep = _SEP_LINE.fullmatch(line) if at == offset else None
        if sep is not None:
            given = sep.group(1)
        elif line.strip() and _fields(line, given or DELIMITERS) >= 2:
            break  # the header
        skipped.append(line)
        at = end + 1
    else:
        return offset, None, []
    if given is not None:
        return at, given, skipped
    if not skipped:
        return offset, None, []
    # A title is passed over only when what follows reads as a table on its own.
    rest = head[at : at + 65536].decode(encoding, errors="replace")
    lines = [ln for ln in rest.splitlines()[:20] if ln.strip()]
    delim = sniff_delimiter(rest)
    counts = [_fields(ln, delim) for ln in lines]
    if len(counts) < 2 or sum(c == counts[0] for c in counts) < 0.8 * len(counts):
        return offset, None, []
    return at, delim, skipped


def said_preamble(skipped: list[str], unit: str = "line") -> list[str]:
    """The note that says which lines (a sheet's rows: ``unit``) before the header were passed over."""
    if not skipped:
        return []
    shown = next((ln.strip() for ln in skipped if ln.strip()), "")
    return [f"{len(skipped)} {unit}(s) before the header passed over (e.g. {shown[:60]!r})"]


def _clean_header(names: list[str]) -> list[str]:
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        name = (name or "").strip().strip("\ufeff")
        if not name:
            name = f"column_{i + 1}"  # e.g. the unnamed index column pandas writes
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out


def read_csv_bytes(
    data: bytes, *, path: Path | str, delimiter: str | None = None, offset: int = 0
) -> RawTable:
    """Parse UTF-8 CSV bytes with every column as string (Arrow's multi-threaded reader).

    Raises ``NotUtf8`` when a cell is not valid UTF-8, so the caller can decode the file as
    cp1252 / latin-1 first; the file is never held as one Python string on the fast path.
    """
    window = data[: offset + 1_000_000]  # the header lies within the first megabyte
    offset, given, skipped = preamble(window, offset, "utf-8")
    head = data[offset : offset + 65536].decode("utf-8", errors="replace")
    delimiter = delimiter or given or sniff_delimiter(head)
    names, header_end = _header_names(window, offset, delimiter, "utf-8", path)
    body = memoryview(data)[header_end:]
    if not bytes(body[:4096]).strip() and not bytes(body).strip():
        raise no_rows_error(names, path)
    ragged: list[str] = []

    def on_invalid(row: Any) -> str:
        ragged.append(row.text)
        return "skip"

    if len(names) == 1:
        _refuse_unknown_delimiter(head, names[0], path)

    def parse(block_size: int) -> pa.Table:
        ragged.clear()
        return pacsv.read_csv(pa.py_buffer(body), **_arrow_options(names, delimiter, on_invalid, block_size))

    try:
        try:
            table = parse(1 << 24)
        except pa.ArrowInvalid as exc:
            if "straddl" not in str(exc):
                raise
            # A row longer than a block (a 50 MB cell): one block for the whole file.
            table = parse(len(body) + 1)
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "utf8" in str(exc).lower():
            raise NotUtf8() from exc
        raise FormatError(
            f"cannot be parsed as CSV ({exc})", path=path, hint="Check the delimiter and quoting"
        ) from exc
    frame = table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)
    del table
    refuse_cut_in_quotes(data[-(1 << 16) :], frame, "utf-8", path, lambda: data.count(b"\n") + 1)
    raw = RawTable(
        frame=frame, kind="csv", delimiter=delimiter, ragged_rows=len(ragged), notes=said_preamble(skipped)
    )
    if ragged:
        where = data.find(ragged[0].encode("utf-8", errors="replace"))
        line = data.count(b"\n", 0, max(where, 0)) + 1
        raw.first_ragged_line = line
        allowed = max(RAGGED_MIN_ALLOWED, int(RAGGED_TOLERANCE * (len(frame) + len(ragged))))
        if len(ragged) > allowed:
            raise FormatError(
                f"{len(ragged)} rows do not have the {len(names)} fields of the header "
                f"(first at line {line}, delimiter {delimiter!r})",
                path=path,
                hint="Check the delimiter and that text cells with line breaks are quoted",
            )
    return raw


def refuse_cut_in_quotes(
    tail: bytes, frame: pd.DataFrame, codec: str, path: Path | str, last_line: Callable[[], int]
) -> None:
    """Refuse a file that ends inside a quoted cell: a quote opened in its last cell never
    closes, so the file was cut off (a copy or download that stopped), and Arrow's reader
    would take the end of the file for the end of the cell, a half reply counted as whole."""
    if frame.empty:
        return
    value = frame.iloc[-1, -1]
    if not isinstance(value, str) or not value.rstrip("\r\n"):
        return
    written = value.rstrip("\r\n").replace('"', '""').encode(codec, errors="replace")
    end = tail.rstrip(b"\r\n")
    if end.endswith(written) and end[: len(end) - len(written)].endswith(b'"'):
        first = last_line() - value.rstrip("\r\n").count("\n")
        raise FormatError(
            f"ends inside a quoted cell: the file looks cut off, its last row (from line {first}) "
            f"stops at {value.rstrip()[-30:]!r} with no closing quote",
            path=path,
            hint=f"Export the file again; or delete the incomplete row from line {first} on, to keep the rows before it",
        )


def _arrow_options(
    names: list[str],
    delimiter: str,
    on_invalid: Any,
    block_size: int,
    encoding: str = "utf8",
    include: list[str] | None = None,
) -> dict[str, Any]:
    """Arrow CSV options: the header's names, quoted line breaks, ragged rows to ``on_invalid``,
    and every column (or those in ``include``) a string (never null, so an empty cell stays "")."""
    return {
        "read_options": pacsv.ReadOptions(column_names=names, block_size=block_size, encoding=encoding),
        "parse_options": pacsv.ParseOptions(
            delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid
        ),
        "convert_options": pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            include_columns=include or [],
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    }


def _header_names(
    head: bytes, offset: int, delimiter: str, encoding: str, path: Path | str
) -> tuple[list[str], int]:
    """The cleaned column names of the header row, and the byte offset where it ends."""
    end = offset + _header_length(head[offset:], delimiter)
    first_line = next(
        csv.reader(io.StringIO(head[offset:end].decode(encoding, errors="replace")), delimiter=delimiter),
        None,
    )
    if not first_line:
        raise InputError("is empty (no header row)", path=path)
    return _clean_header(first_line), end


def _refuse_unknown_delimiter(head: str, header: str, path: Path | str) -> None:
    """One column whose header and rows are all split by the same other character (``:``,
    ``~``) is a file saved with a delimiter we do not guess: say so rather than misread it."""
    lines = [ln for ln in head.splitlines()[:50] if ln.strip()]
    for char in sorted(set(re.findall(r"[^\w\s\"'.\-]", header))):
        counts = {ln.count(char) for ln in lines}
        if len(counts) == 1 and counts.pop() >= 1 and len(lines) > 1:
            raise FormatError(
                f"has one column {header!r}; its rows look split by {char!r}, which is not a CSV delimiter",
                path=path,
                hint="Save the export with , ; tab or | between the columns",
            )


def _header_length(data: bytes, delimiter: str) -> int:
    """Byte offset where the header row ends (a quoted header cell may hold a newline)."""
    in_quotes = False
    for i, byte in enumerate(data):
        if byte == 0x22:  # '"'
            in_quotes = not in_quotes
        elif byte == 0x0A and not in_quotes:
            return i + 1
    return len(data)


class _WithoutNul(io.RawIOBase):
    """A binary file read with its NUL bytes dropped."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        wanted = -1 if size is None else size
        data = self.raw.read(wanted).replace(b"\x00", b"")
        while wanted > 0 and not data:  # a block of NULs only: read on, unless at the end
            more = self.raw.read(wanted)
            if not more:
                break
            data = more.replace(b"\x00", b"")
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class CsvChunks:
    """A CSV file read as a sequence of ``RawTable`` chunks of about ``block_size`` bytes.

    Arrow's streaming reader holds one block at a time, so a file far larger than memory can
    be read; iterating again reads the file again (the second pass of a big audit). Raises
    ``NotUtf8`` on iteration when a block is not valid in ``encoding``.
    """

    def __init__(self, path: Path, *, head: bytes, encoding: str, offset: int, block_size: int) -> None:
        self.path = path
        self.encoding = encoding
        self.block_size = block_size
        self.size = path.stat().st_size
        # Stray NULs (a damaged export) are dropped as the file streams past, as the whole-file
        # path drops them: they would end a cell early, and must not cost the chunked reading.
        self.drops_nul = b"\x00" in head
        head = head.replace(b"\x00", b"")
        offset, given, skipped = preamble(head, offset, _arrow_codec(encoding))
        self.notes = said_preamble(skipped)  # what reading the file passed over, said
        text = head[offset:].decode(_arrow_codec(encoding), errors="replace")
        self.delimiter = given or sniff_delimiter(text[:65536])
        self.names, self.header_end = _header_names(
            head, offset, self.delimiter, _arrow_codec(encoding), path
        )
        if len(self.names) == 1:
            _refuse_unknown_delimiter(text[:65536], self.names[0], path)
        if not head[self.header_end :].strip() and self.size <= len(head):
            raise no_rows_error(self.names, path)
        self.ragged_rows = 0
        self.first_ragged: str | None = None
        self.bytes_read = 0
        self.chunks_read = 0
        self.identity = self._identity()
        self.include: list[str] | None = None  # the columns read (None: all)

    def reading_only(self, names: list[str]) -> CsvChunks:
        """The same file, read again with only the columns ``names``: a second pass for the
        reply text converts nothing else (every column took 2.6-3.6 s of a 400 MB file, the
        text alone 0.7 s). The first pass has checked the file: its rows are the same."""
        only = copy.copy(self)
        only.include = [n for n in self.names if n in names]
        return only

    def _identity(self) -> tuple[int, int, str]:
        """Size, modification time and a hash of the head and tail: what tells that the file
        read again (for the text of replies) is the file that was analysed."""
        stat = self.path.stat()
        digest = hashlib.sha1()
        with open(self.path, "rb") as handle:
            digest.update(handle.read(1 << 16))
            handle.seek(max(0, stat.st_size - (1 << 16)))
            digest.update(handle.read(1 << 16))
        return stat.st_size, stat.st_mtime_ns, digest.hexdigest()

    def __iter__(self) -> Iterator[RawTable]:
        if self._identity() != self.identity:
            raise InputError(
                "changed while it was being analysed (size, time or content differ from the first read)",
                path=self.path,
                hint="Run again on a copy of the export that nothing else writes to",
            )
        self.ragged_rows, self.first_ragged, self.bytes_read, self.chunks_read = 0, None, 0, 0
        self.last_frame: pd.DataFrame | None = None
        ragged: list[str] = []
        handed_out = 0

        def on_invalid(row: Any) -> str:
            ragged.append(row.text)
            return "skip"

        with open(self.path, "rb") as raw, self._errors():
            handle: Any = raw
            if self.drops_nul:
                handle = _WithoutNul(raw)
                handle.read(self.header_end)  # header_end counts the bytes left after dropping NULs
            else:
                raw.seek(self.header_end)
            reader = pacsv.open_csv(
                handle,
                **_arrow_options(
                    self.names,
                    self.delimiter,
                    on_invalid,
                    self.block_size,
                    encoding=_arrow_codec(self.encoding),
                    include=self.include,
                ),
            )
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                # Arrow reads ahead of the batches it hands out, so the file position runs to
                # the end while most rows wait: progress counts the bytes handed out (a batch's
                # Arrow size, close to its CSV size), never past what was read.
                handed_out += batch.nbytes
                self.bytes_read = min(raw.tell(), self.header_end + handed_out)
                self.chunks_read += 1
                frame = batch.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)
                if len(frame):
                    self.last_frame = frame.iloc[-1:]
                if ragged and self.first_ragged is None:
                    self.first_ragged = ragged[0]
                yield RawTable(frame=frame, kind="csv", delimiter=self.delimiter, ragged_rows=len(ragged))
                self.ragged_rows += len(ragged)
                ragged.clear()
            if ragged and self.first_ragged is None:
                self.first_ragged = ragged[0]
            self.ragged_rows += len(ragged)  # ragged rows after the last batch
        if self.last_frame is not None and self.include is None:
            with open(self.path, "rb") as handle:
                handle.seek(max(0, self.size - (1 << 16)))
                tail = handle.read()
            refuse_cut_in_quotes(tail, self.last_frame, _arrow_codec(self.encoding), self.path, self._lines)

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except pa.ArrowInvalid as exc:
            message = str(exc)
            if "utf8" in message.lower():
                raise NotUtf8() from exc
            if "straddl" in message:
                raise BlockTooSmall() from exc
            raise FormatError(
                f"cannot be parsed as CSV ({message})", path=self.path, hint="Check the delimiter and quoting"
            ) from exc

    def _lines(self) -> int:
        lines = 0
        with open(self.path, "rb") as handle:
            while block := handle.read(1 << 24):
                lines += block.count(b"\n")
        return lines + 1

    def check_ragged(self, rows: int) -> None:
        """Refuse the file when more rows are ragged than a few stray ones (see ``RAGGED_TOLERANCE``)."""
        allowed = max(RAGGED_MIN_ALLOWED, int(RAGGED_TOLERANCE * (rows + self.ragged_rows)))
        if self.ragged_rows > allowed:
            raise FormatError(
                f"{self.ragged_rows} rows do not have the {len(self.names)} fields of the header "
                f"(first at line {self._line_of(self.first_ragged or '')}, delimiter {self.delimiter!r})",
                path=self.path,
                hint="Check the delimiter and that text cells with line breaks are quoted",
            )

    def _line_of(self, row_text: str) -> int | str:
        """Line number of a row's text, found by scanning the file (only when reporting an error)."""
        needle = row_text.encode(_arrow_codec(self.encoding), errors="replace")[:200]
        lines, tail = 0, b""
        with open(self.path, "rb") as handle:
            while block := handle.read(1 << 24):
                data = tail + block
                where = data.find(needle) if needle else -1
                if where >= 0:
                    return lines + data.count(b"\n", 0, where) + 1 - tail.count(b"\n")
                lines += block.count(b"\n")
                tail = data[-len(needle) :] if needle else b""
        return "?"


def _arrow_codec(encoding: str) -> str:
    return "utf8" if encoding.startswith("utf-8") else encoding
