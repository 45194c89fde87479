"""Files an audit writes: ``replies.csv``, ``templates.csv``, ``summary.json``.

Every file is written to a temporary name and renamed into place, so an interrupted run never
leaves half a file. CSV cells that a spreadsheet would run as a formula are neutralised.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable, Iterator
from contextlib import contextmanager

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

REPLIES_CSV_COLUMNS = (
    "reply_id", "conversation_id", "agent", "channel", "created_at", "kind", "template_id", "similarity",
    "template_share", "helpdesk_template", "source", "text",
)
TEMPLATES_CSV_COLUMNS = (
    "template_id", "template_text", "replies", "agents", "first_seen", "last_seen", "example_reply_id",
    "template", "edited", "automatic", "min_similarity", "helpdesk_template",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: Any) -> Any:
    """Prefix a quote to text a spreadsheet would evaluate (CSV injection).

    >>> neutralise_formula("=HYPERLINK(\\"http://x\\")"), neutralise_formula("ok")
    ('\\'=HYPERLINK("http://x")', 'ok')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with text cells neutralised and timestamps as ISO 8601 strings."""
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(series):
            out[col] = series.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        elif isinstance(series.dtype, pd.CategoricalDtype):
            out[col] = series.astype("string")
        elif pd.api.types.is_string_dtype(series) or series.dtype == object:
            text = series.astype("string")
            risky = text.str.match(r"^[=+\-@\t\r]").fillna(False).astype(bool)
            if risky.any():
                text = text.where(~risky, "'" + text)
            out[col] = text
    return out


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place only on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text(path: Path, text: str) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


def write_bytes(path: Path, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path


def write_csv(path: Path, frame: pd.DataFrame, columns: tuple[str, ...]) -> Path:
    """CSV with a header, UTF-8, quoted only where needed (Arrow's writer: a million rows in seconds)."""
    return write_csv_chunks(path, [frame], columns)


def write_csv_chunks(path: Path, frames: Iterable[pd.DataFrame], columns: tuple[str, ...]) -> Path:
    """``write_csv`` for a table that arrives in pieces, so it is never whole in memory."""
    with atomic_path(path) as tmp:
        writer, schema = None, None
        try:
            for frame in frames:
                present = [c for c in columns if c in frame.columns]
                table = pa.Table.from_pandas(safe_frame(frame[present]), preserve_index=False)
                if writer is None:
                    schema = pa.schema([f.with_type(pa.string()) if pa.types.is_null(f.type) else f
                                        for f in table.schema])
                    writer = pacsv.CSVWriter(tmp, schema, write_options=pacsv.WriteOptions(quoting_style="needed"))
                writer.write_table(table.cast(schema))
        finally:
            if writer is not None:
                writer.close()
    return path


def _replies_with_text(result, columns: tuple[str, ...], progress=None) -> Iterator[pd.DataFrame]:
    """Slices of ``result.replies`` with their exported text, chunk by chunk."""
    meta = [c for c in columns if c != "text"]
    total = len(result.replies)
    for start, texts in result.reply_texts():
        piece = result.replies.iloc[start:start + len(texts)][meta].reset_index(drop=True)
        piece["text"] = texts.reset_index(drop=True).astype("string")
        yield piece
        if progress:
            progress("writing replies.csv", start + len(texts), total)


def write_json(path: Path, data: Any) -> Path:
    return write_text(path, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def write_audit(result, out_dir: str | Path, *, redact: bool = False, progress=None) -> dict[str, Path]:
    """Write the output contract of ``replydiag audit`` into ``out_dir``.

    ``redact`` leaves the reply text out of ``replies.csv``. For an export read in chunks,
    the text is read again from the files (``progress(stage, done, total)`` follows it).
    """
    out = Path(out_dir)
    columns = tuple(c for c in REPLIES_CSV_COLUMNS if not (redact and c == "text"))
    if redact or result.has_text:
        replies = write_csv(out / "replies.csv", result.replies, columns)
    else:
        replies = write_csv_chunks(out / "replies.csv", _replies_with_text(result, columns, progress), columns)
    return {
        "replies": replies,
        "templates": write_csv(out / "templates.csv", result.templates, TEMPLATES_CSV_COLUMNS),
        "summary": write_json(out / "summary.json", result.summary()),
    }
