"""Records held whole in one column of a table, as warehouse syncs land them: Airbyte's raw
tables keep each source record as JSON in ``_airbyte_data`` beside the sync's own columns.

Read as they were, the JSON passed for the reply text and nobody's role was found: every
row, the customers' too, an agent reply. ``with_records_read`` lays each record out as the
columns its API names (``json_table.flat_record``), so the fields are found as in any export.
"""

from __future__ import annotations

import json

import pandas as pd

from .formats import detect
from .json_table import flat_record
from .raw import RawTable

_SAMPLE = 200  # cells looked at to tell a column of JSON records


def record_column(frame: pd.DataFrame) -> str | None:
    """The column whose filled cells are all JSON objects, if one is."""
    for column in frame.columns:
        head = frame[column].dropna().head(_SAMPLE).astype(str).str.strip()
        head = head[head != ""]
        if not len(head) or not (head.str.startswith("{").all() and head.str.endswith("}").all()):
            continue
        try:
            if all(isinstance(json.loads(cell), dict) for cell in head.head(20)):
                return str(column)
        except ValueError:
            continue
    return None


RECORDS_NOTE = "each row read from the JSON record in its '{column}' column (a sync's raw table)"


def records_read(
    raw: RawTable, *, format: str | None, column_map: dict[str, str] | None, path: str
) -> tuple[RawTable, tuple[str, list[str]] | None]:
    """A first chunk (or a whole table) read from its column of JSON records, where it has one
    and nothing else holds the text (JSON metadata beside a text column stays as it is); and
    that column with the columns it gave, for ``with_records_read`` on every later chunk."""
    column = record_column(raw.frame)
    if column is None:
        return raw, None
    text = detect(raw.frame, format_name=format, overrides=column_map, path=path).fields.get("text")
    if text is not None and text.column != column:
        return raw, None
    raw = with_records_read(raw, column)
    return raw, (column, list(raw.frame.columns))


def with_records_read(raw: RawTable, column: str, columns: list[str] | None = None) -> RawTable:
    """``raw`` with each row's JSON record in ``column`` laid out as columns, the table's other
    columns kept beside them (a record's own field wins a name both have). ``columns``: the
    columns a first chunk had, so every chunk of a file has them."""
    cells = raw.frame[column].fillna("").astype(str).tolist()
    flat = pd.DataFrame.from_records(
        [flat_record(_record(cell)) for cell in cells], index=raw.frame.index
    ).astype("string")
    rest = raw.frame.drop(columns=[column])
    frame = pd.concat([flat, rest[[c for c in rest.columns if c not in flat.columns]]], axis=1)
    if columns is not None:
        frame = frame.reindex(columns=columns)
    raw.frame = frame
    return raw


def _record(cell: str) -> dict:
    try:
        found = json.loads(cell) if cell.strip() else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
