"""Giving memory back between the stages of a big audit.

Arrow's allocator (mimalloc) keeps freed blocks for reuse. After a stage that made large
temporary columns (a chunk read, the whole-file steps of ingest, normalisation), the
process would stay as large as that stage's peak; ``release_memory`` hands them back so a
later stage starts from what is really held.
"""

from __future__ import annotations

import pyarrow as pa


def release_memory() -> None:
    pa.default_memory_pool().release_unused()
