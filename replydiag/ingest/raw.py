"""What a file holds before we know what its columns mean: a table of strings.

Every cell is a string or missing, so IDs keep their digits (no ``2.0``) and later stages
decide what each column means.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class RawTable:
    """What a file holds before we know what its columns mean."""

    frame: pd.DataFrame
    kind: str  # "csv" or "json"
    delimiter: str | None = None
    ragged_rows: int = 0
    first_ragged_line: int | None = None
    conversations: int | None = None  # set when JSON conversations were flattened to turns
    extra_skips: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what reading the file had to guess
