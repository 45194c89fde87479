"""Read help-desk exports into one canonical table of messages.

Stages, each a module: ``decode`` (bytes to text), ``tables`` (CSV / JSON to a raw table),
``formats`` (which vendor layout, which column is which field), ``dates`` (column-wise date
parsing) and ``load`` (the canonical messages table with its row accounting).
"""

from .load import CANONICAL_FIELDS, LoadedExport, load_export, load_frame

__all__ = ["CANONICAL_FIELDS", "LoadedExport", "load_export", "load_frame"]
