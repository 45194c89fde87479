"""Excel workbooks (.xlsx) to a raw table: the sheet that holds the replies.

A workbook often holds a pivot or a summary beside the export. The sheet is chosen by its
columns (the most reply-like fields found, then the most rows) unless one is named, and the
choice is said in the accounting notes.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd

from ..errors import InputError
from .csv_table import PREAMBLE_LINES, said_preamble
from .formats import detect
from .raw import RawTable


def is_workbook(data: bytes) -> bool:
    """An .xlsx file is a zip holding ``xl/workbook.xml``."""
    if data[:4] != b"PK\x03\x04":
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _score(frame: pd.DataFrame) -> tuple[int, int]:
    """How reply-like a sheet is: fields found by header (text first), then rows."""
    if frame.empty:
        return (0, 0)
    fields = detect(frame).fields
    found = sum(1 for c in fields.values() if c.confidence in ("high", "medium"))
    has_text = "text" in fields or "html" in fields
    return (found + 10 * has_text, len(frame))


def _header_row(cells: pd.DataFrame) -> int:
    """The row holding a sheet's header: the first row, unless it holds one cell or none (a
    report's title, a blank row); then the first of the top rows as full as the table is wide.

    >>> _header_row(pd.DataFrame([["Replies, March", None], [None, None], ["id", "text"], ["1", "hi"]]))
    2
    >>> _header_row(pd.DataFrame([["id", "text", None], ["1", "hi", "x"]]))  # a header with a blank name
    0
    """
    filled = cells.notna().sum(axis=1).to_numpy()
    if not len(filled) or filled[0] >= 2:
        return 0
    width = int(filled[: PREAMBLE_LINES + 50].max())
    for row, count in enumerate(filled[: PREAMBLE_LINES + 1]):
        if count >= max(2, width / 2):
            return row
    return 0


def _with_header(cells: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """A sheet read without a header, as a table under its header row; and the rows above."""
    row = _header_row(cells)
    names: list[str] = []
    seen: dict[str, int] = {}
    for i, cell in enumerate(cells.iloc[row] if len(cells) else []):
        name = f"Unnamed: {i}" if pd.isna(cell) or not str(cell).strip() else str(cell).strip()
        seen[name] = seen.get(name, -1) + 1
        names.append(name if not seen[name] else f"{name}.{seen[name]}")  # as pandas names repeats
    above = [" ".join(str(c) for c in cells.iloc[i] if pd.notna(c)) for i in range(row)]
    frame = cells.iloc[row + 1 :].reset_index(drop=True)
    frame.columns = names if names else frame.columns
    return frame, above


def read_workbook(data: bytes, *, path: Path | str, sheet: str | None = None) -> RawTable:
    """The replies' sheet of an .xlsx workbook as strings (dates as ISO text, ids as digits)."""
    try:
        cells = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=str, engine="openpyxl", header=None)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise InputError(
            f"is an Excel workbook that cannot be read ({type(exc).__name__}: {exc})",
            path=path,
            hint="Open it in Excel and save it again, or save the sheet as CSV",
        ) from exc
    tables = {name: _with_header(sheet_cells) for name, sheet_cells in cells.items()}
    sheets = {name: table for name, (table, _) in tables.items()}
    if sheet is not None:
        if sheet not in sheets:
            raise InputError(
                f"has no sheet named {sheet!r} (sheets: {', '.join(sheets)})",
                path=path,
                hint=f"Name one of its sheets: --sheet {next(iter(sheets), 'Sheet1')!r}",
            )
        name = sheet
    else:
        name = max(sheets, key=lambda n: _score(sheets[n]))
    frame = sheets[name]
    frame.columns = [str(c) for c in frame.columns]
    notes = said_preamble(tables[name][1], unit="row")
    others = [n for n in sheets if n != name]
    if others:
        notes.append(
            f"workbook sheet {name!r} read (not: {', '.join(repr(n) for n in others)}); --sheet names another"
        )
    return RawTable(frame=frame.astype("string"), kind="xlsx", notes=notes)
