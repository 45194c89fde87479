"""Writing files safely: atomic, UTF-8, formula-safe CSV and JSON.

Every file is written to a temporary name and renamed into place, so an interrupted run never
leaves half a file. CSV cells that a spreadsheet would run as a formula are neutralised.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
_FORMULA_START = r"^[=+\-@\t\r]"


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
            risky = text.str.match(_FORMULA_START).fillna(False).astype(bool)
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


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold ``folder/.replydiag.lock`` for the block: a second run on the folder waits its turn
    (its history is read after the first one's is written, so neither loses the other's replies)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".replydiag.lock", "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; runs there must not overlap
            yield
            return
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


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
                    schema = pa.schema(
                        [f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in table.schema]
                    )
                    writer = pacsv.CSVWriter(
                        tmp, schema, write_options=pacsv.WriteOptions(quoting_style="needed")
                    )
                writer.write_table(table.cast(schema))
        finally:
            if writer is not None:
                writer.close()
    return path


def write_json(path: Path, data: Any) -> Path:
    return write_text(path, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
