"""Read help-desk exports into one canonical table of messages.

One module per question: ``decode`` (bytes to text), ``csv_table`` and ``json_table`` (text to
a raw table of strings, in ``raw``), ``formats`` (which vendor layout, which column is which
field), ``roles`` (who wrote each row), ``plan`` (what is decided once per file), ``dates``
(column-wise date parsing), ``workbook`` (the replies' sheet of an .xlsx file), ``rows`` (canonical rows and the whole-file steps), ``read``
(which reading path a file takes) and ``across`` (what only the files read together show).
"""

from .across import team_across_files
from .decode import EXPORT_SUFFIXES, archive_members, is_archive_messages, is_chat_file
from .read import CHUNK_BYTES, STREAM_BYTES, STREAM_ROWS, estimated_lines, load_export, load_frame
from .rows import CANONICAL_FIELDS, LoadedExport

__all__ = [
    "CANONICAL_FIELDS",
    "CHUNK_BYTES",
    "EXPORT_SUFFIXES",
    "STREAM_BYTES",
    "STREAM_ROWS",
    "LoadedExport",
    "archive_members",
    "estimated_lines",
    "is_archive_messages",
    "is_chat_file",
    "load_export",
    "load_frame",
    "team_across_files",
]
