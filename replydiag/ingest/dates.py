"""Dates, decided per column: one format for the whole column, never row by row.

Handles ISO 8601, the Twitter format (``Tue Oct 31 22:10:47 +0000 2017``), day-first
European (``25/03/2026 14:05``, ``25.03.2026``), month-first US with AM/PM, and epoch
seconds or milliseconds. Day-first vs month-first is read from the whole column: any first
field above 12 means day-first, any second field above 12 means month-first.
"""

from __future__ import annotations

import re
import warnings

import pandas as pd

TWITTER_FORMAT = "%a %b %d %H:%M:%S %z %Y"
_NUMERIC = re.compile(r"^\d{9,13}(\.\d+)?$")
_SLASHED = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})")
_EARLIEST = pd.Timestamp("1990-01-01", tz="UTC")
_LATEST = pd.Timestamp("2100-01-01", tz="UTC")


def parse_dates(values: pd.Series, *, dayfirst_hint: bool = False) -> pd.Series:
    """Strings to tz-aware UTC timestamps; cells that do not parse (or fall outside
    1990-2100) become NaT.

    >>> parse_dates(pd.Series(["03/04/2026 10:00", "25/03/2026 14:05"])).dt.day.tolist()
    [3, 25]
    >>> parse_dates(pd.Series(["1700000000"])).dt.year.tolist()
    [2023]
    """
    text = values.astype("string").str.strip()
    text = text.mask(text == "")
    present = text.dropna()
    if present.empty:
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    sample = present.head(5000)

    if sample.str.fullmatch(_NUMERIC.pattern).mean() > 0.9:
        numbers = pd.to_numeric(text, errors="coerce")
        unit = "ms" if numbers.dropna().median() > 1e11 else "s"
        parsed = pd.to_datetime(numbers, unit=unit, utc=True, errors="coerce")
    elif sample.str.match(r"^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{1,2} \d").mean() > 0.9:
        parsed = pd.to_datetime(text, format=TWITTER_FORMAT, utc=True, errors="coerce")
    elif sample.str.match(_SLASHED.pattern).mean() > 0.5 and not sample.str.match(r"^\d{4}").any():
        parts = present.str.extract(_SLASHED)
        first = pd.to_numeric(parts[0], errors="coerce")
        second = pd.to_numeric(parts[1], errors="coerce")
        if (first > 12).any():
            dayfirst = True
        elif (second > 12).any():
            dayfirst = False
        else:
            dayfirst = dayfirst_hint
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = pd.to_datetime(
                text.str.replace(".", "/", n=2, regex=False),
                dayfirst=dayfirst,
                utc=True,
                errors="coerce",
                format="mixed",
            )
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601")
            if parsed.notna().sum() < 0.5 * len(present):
                parsed = pd.to_datetime(text, utc=True, errors="coerce", format="mixed")
    out_of_range = (parsed < _EARLIEST) | (parsed > _LATEST)
    return parsed.mask(out_of_range).astype("datetime64[ns, UTC]")
