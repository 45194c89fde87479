"""Giving memory back between the stages of a big audit.

Arrow's allocator (mimalloc) keeps freed blocks for reuse, and so does glibc's malloc for the
NumPy and pandas temporaries. After a stage that made large temporary columns (a chunk read,
the whole-file steps of ingest, clustering), the process would stay as large as that stage's
peak; ``release_memory`` hands the freed memory back, so the next stage starts from what is
really held. (Dask's workers trim glibc's heap the same way.)
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

import pyarrow as pa


def _glibc_trim():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # musl and other C libraries have no malloc_trim
        return None


_MALLOC_TRIM = _glibc_trim()


def release_memory() -> None:
    pa.default_memory_pool().release_unused()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)
