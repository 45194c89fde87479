"""Writing files safely: atomic, UTF-8, formula-safe CSV and JSON.

Every file is written to a temporary name and renamed into place, so an interrupted run never
leaves half a file. CSV cells that a spreadsheet would run as a formula are neutralised.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .errors import OutputError
from .normalize import arrow_strings

# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
_FORMULA_START = r"^[=+\-@\t\r]"


def _is_text(series: pd.Series) -> bool:
    """Strings, held as such or as categories (an agent, a template id, a masked text)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return _is_text(pd.Series(series.cat.categories))
    return pd.api.types.is_string_dtype(series) or series.dtype == object


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with text cells neutralised and timestamps as ISO 8601 strings."""
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(series):
            out[col] = _iso_seconds(series)
        elif _is_text(series):
            out[col] = _neutralised(series)
    return out


def _iso_seconds(stamps: pd.Series) -> pd.Series:
    """Timestamps as ``2026-03-02T09:15:00Z``, in their own zone's time, as strftime writes
    them; by Arrow's cast to text (strftime took a second for 250k), cut to the second first."""
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = stamps.dt.tz_localize(None)
    seconds = pc.floor_temporal(pa.array(stamps), unit="second").cast(pa.timestamp("s"))
    text = pc.replace_substring(seconds.cast(pa.string()), " ", "T", max_replacements=1)
    return arrow_strings(pc.binary_join_element_wise(text, "Z", ""), stamps.index)


def _neutralised(series: pd.Series) -> pd.Series:
    """Text cells a spreadsheet would run as a formula, prefixed with ``'``. Categories are
    neutralised once each and taken by the rows' codes (most columns repeat few values)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = _neutralised(pd.Series(series.cat.categories, dtype="string")).array
        codes = series.cat.codes.to_numpy()
        chosen = categories.__arrow_array__().combine_chunks().take(pa.array(codes, mask=codes < 0))
        return arrow_strings(chosen, series.index)
    text = series.astype("string")
    # One pass of Arrow's regex replace (pandas' match, where and concatenation took 1.3 s a
    # million texts), and only when some cell needs it.
    arrow = text.array.__arrow_array__()
    if not pc.any(pc.match_substring_regex(arrow, _FORMULA_START)).as_py():
        return text
    return arrow_strings(pc.replace_substring_regex(arrow, f"({_FORMULA_START})", "'\\1"), text.index)


# Formula starts behind any number of quote marks: escaped with one more, so that reading
# back (``unescape_formulas``) restores every cell exactly, whatever it started with.
_ESCAPED_START = r"^'*[=+\-@\t\r]"


def escape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells a spreadsheet would run as formulas start with ``'``, reversibly:
    for files replydiag reads back itself (the report history), where ``safe_frame``'s one-way
    prefix would pile up run after run.

    >>> escape_formulas(pd.DataFrame({"t": ["=1+1", "'=x", "ok"]}))["t"].tolist()
    ["'=1+1", "''=x", 'ok']
    """
    out = frame.copy()
    for col in out.columns:
        if _is_text(out[col]):
            text = out[col].astype("string")
            risky = text.str.match(_ESCAPED_START).fillna(False).astype(bool)
            out[col] = text.where(~risky, "'" + text)
    return out


def unescape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """``escape_formulas`` undone (in place, string columns only).

    >>> unescape_formulas(escape_formulas(pd.DataFrame({"t": ["=1+1", "'=x", "ok"]})))["t"].tolist()
    ['=1+1', "'=x", 'ok']
    """
    for col in frame.columns:
        if _is_text(frame[col]):
            text = frame[col].astype("string")
            escaped = text.str.match("'" + _ESCAPED_START[1:]).fillna(False).astype(bool)
            frame[col] = text.where(~escaped, text.str.slice(1))
    return frame


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place only on success.

    The file gets the permissions any new file would (0666 less the umask): a shared report
    folder stays readable by colleagues, where a temporary file's own 0600 would not be.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, path)
    except OSError as exc:
        raise _not_written(exc, path) from exc
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def _not_written(
    exc: OSError, path: Path, hint: str = "Choose another --out folder, or free space on its disk"
) -> OutputError:
    """The one-line error for an output that the disk refused."""
    return OutputError(f"cannot be written ({exc.strerror or exc})", path=path, hint=hint)


def check_out_folder(out: Path) -> None:
    """Refuse an output folder that cannot be written before any work is done (an analysis
    of a big export takes minutes; finding a read-only folder after it wastes them)."""
    if out.exists() and not out.is_dir():
        raise OutputError("is a file, not a folder", path=out, hint="Pass a folder to --out")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as exc:
        raise _not_written(exc, out, hint="Choose a folder you can write to with --out") from exc


@contextmanager
def staged_folder(out: Path) -> Iterator[Path]:
    """Build a set of output files in a folder beside ``out``, then move them in, so a run
    killed while writing leaves the old complete set (the moves are renames: instants, where
    writing takes minutes). Entries of ``out`` the new set does not write (the user's own
    files) stay; entries it replaces are moved aside first, so a symlinked ``charts/`` or
    period folder is replaced, never written through."""
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.parent.glob(f".{out.name}.staging-*"):  # left by a killed run
        shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    aside = staging / ".replaced"
    try:
        yield staging
        entries = [e for e in staging.iterdir() if e != aside]
        aside.mkdir()
        for entry in entries:
            target = out / entry.name
            if target.is_symlink() or target.is_dir():
                os.replace(target, aside / entry.name)
            if entry.is_dir():
                os.chmod(entry, 0o777 & ~_umask())
            os.replace(entry, target)
    except OSError as exc:
        raise _not_written(exc, out) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


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


WRITE_ROWS = 250_000  # rows escaped and converted at a time when writing a table


def write_csv_chunks(
    path: Path, frames: Iterable[pd.DataFrame], columns: tuple[str, ...], *, exact_copy: Path | None = None
) -> Path:
    """``write_csv`` for a table that arrives in pieces, so it is never whole in memory.

    ``exact_copy`` also writes the rows to that Parquet file as they are: cells not escaped for
    spreadsheets, ids as strings, dates as timestamps, for pandas and other data tools.
    """
    with ExitStack() as files:
        tmp = files.enter_context(atomic_path(path))
        exact_tmp = files.enter_context(atomic_path(exact_copy)) if exact_copy else None
        writers: list[tuple[Any, pa.Schema]] = []  # (writer, the schema every piece is cast to)
        try:
            for frame in _slices(frames, columns):
                pieces = [_arrow(safe_frame(frame))]
                if exact_tmp:
                    pieces.append(_arrow(frame))
                if not writers:
                    schemas = [_written_schema(piece) for piece in pieces]
                    options = pacsv.WriteOptions(quoting_style="needed")
                    writers.append((pacsv.CSVWriter(tmp, schemas[0], write_options=options), schemas[0]))
                    if exact_tmp:
                        writers.append((pq.ParquetWriter(str(exact_tmp), schemas[1]), schemas[1]))
                for (writer, schema), piece in zip(writers, pieces):
                    writer.write_table(piece.cast(schema))
        finally:
            for writer, _ in writers:
                writer.close()
    return path


def _slices(frames: Iterable[pd.DataFrame], columns: tuple[str, ...]) -> Iterator[pd.DataFrame]:
    """The pieces' ``columns``, ``WRITE_ROWS`` rows at a time (an empty piece as itself): each
    slice is copied twice when written (escaped for spreadsheets, then as Arrow), and at ten
    million rows those copies of a whole piece were the peak."""
    for whole in frames:
        present = [c for c in columns if c in whole.columns]
        for start in range(0, max(len(whole), 1), WRITE_ROWS):
            yield whole.iloc[start : start + WRITE_ROWS][present]


def _arrow(frame: pd.DataFrame) -> pa.Table:
    # Categories as text: each piece has its own categories, and the written schema is one.
    plain = {c: "string" for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)}
    return pa.Table.from_pandas(frame.astype(plain) if plain else frame, preserve_index=False)


def _written_schema(table: pa.Table) -> pa.Schema:
    """The first piece's schema, with all-empty columns as text so later pieces can fill them."""
    return pa.schema([f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in table.schema])


def write_json(path: Path, data: Any) -> Path:
    return write_text(path, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
