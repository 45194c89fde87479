"""Giving memory back between the stages of a big audit.

Arrow's allocator (mimalloc) keeps freed blocks for reuse, and so does glibc's malloc for the
NumPy and pandas temporaries. After a stage that made large temporary columns (a chunk read,
the whole-file steps of ingest, clustering), the process would stay as large as that stage's
peak; ``release_memory`` hands the freed memory back, so the next stage starts from what is
really held. (Dask's workers trim glibc's heap the same way.) Within the analysis, the
command line has glibc keep freed blocks for the next temporaries (``reusing_freed_memory``):
memory the kernel has already zeroed once.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pyarrow as pa


def _glibc(name: str):
    if not sys.platform.startswith("linux"):
        return None
    try:
        return getattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), name)
    except (OSError, AttributeError):  # musl and other C libraries have no malloc_trim
        return None


_MALLOC_TRIM = _glibc("malloc_trim")
_MALLOPT = _glibc("mallopt")
# glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_MAX, _M_ARENA_MAX = -1, -4, -8
_DEFAULT_MMAP_MAX, _DEFAULT_TRIM_THRESHOLD = 65536, 128 * 1024


def release_memory() -> None:
    pa.default_memory_pool().release_unused()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def share_one_heap() -> None:
    """Have every thread allocate from glibc's main heap, so that ``reusing_freed_memory``
    can keep large blocks there (a thread's own heap cannot hold them, so it mapped them).
    Process-wide and before the first thread allocates: the command line calls it as it
    starts; a notebook's kernel keeps glibc's defaults, and ``reusing_freed_memory`` then
    does nothing."""
    global _ONE_HEAP
    if _MALLOPT is not None:
        _ONE_HEAP = bool(_MALLOPT(_M_ARENA_MAX, 1))


_ONE_HEAP = False


@contextmanager
def reusing_freed_memory() -> Iterator[None]:
    """Within the block, glibc keeps the NumPy temporaries' freed memory for the next ones.

    By default every array over 32 MB is a fresh mapping, returned when freed, and the kernel
    zeroes each of its pages as it is first written: at a million replies (36M words, arrays
    of 140-290 MB made and freed by the hundred) that zeroing was a fifth of the CPU time of
    stock text and clustering (``perf``: ``clear_page_erms``). Here large blocks come from
    the heap (no mappings) and the heap is not trimmed on every free; ``release_memory``
    still hands back what is free between steps, and all of it at the end. Only where the
    threads share one heap (``share_one_heap``). Reading keeps glibc's defaults: its
    columns made and kept (10M tiny rows peaked 0.4 GB higher with heap blocks throughout).
    """
    if not _ONE_HEAP or _MALLOPT is None:
        yield
        return
    _MALLOPT(_M_MMAP_MAX, 0)
    _MALLOPT(_M_TRIM_THRESHOLD, 2**31 - 1)
    try:
        yield
    finally:
        _MALLOPT(_M_MMAP_MAX, _DEFAULT_MMAP_MAX)
        _MALLOPT(_M_TRIM_THRESHOLD, _DEFAULT_TRIM_THRESHOLD)
        release_memory()


def missing_strings(index: pd.Index) -> pd.Series:
    """A string column with every value missing that costs no memory until written to.

    Many exports leave whole columns empty (no help-desk macro mark, no reply in parts), and
    at ten million rows each such column made as ``pd.Series(pd.NA, dtype="string")`` is
    90 MB of offsets. Here its buffers are zeroed by the operating system on first touch
    (``np.zeros``), and reading them maps no memory.
    """
    n = len(index)
    offsets = pa.py_buffer(np.zeros(n + 1, dtype=np.int64))
    validity = pa.py_buffer(np.zeros(-(-n // 8), dtype=np.uint8))
    array = pa.Array.from_buffers(pa.large_string(), n, [validity, offsets, pa.py_buffer(b"")], null_count=n)
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([array])), index=index, copy=False)


def strings_at(index: pd.Index, where: np.ndarray, values: pd.Series) -> pd.Series:
    """A string column holding ``values`` at the rows ``where`` selects, missing elsewhere;
    ``missing_strings`` when every one of ``values`` is missing."""
    out = missing_strings(index)
    if values.notna().any():
        out[where] = values.to_numpy()
    return out


def repeated_strings(values: pd.Series) -> pd.Series:
    """A string column whose values repeat (who wrote a reply, its channel, its template), as
    categories: a small code per row and each value once. As strings, every row holds its
    bytes and an offset: 150 MB a column at ten million replies, for a few distinct values.

    >>> repeated_strings(pd.Series(["Ann", "Tom", "Ann", None], dtype="string")).cat.codes.tolist()
    [0, 1, 0, -1]
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values
    return values.astype("string").astype("category")


def concatenated(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The frames' rows as one frame, a category column staying one: ``pd.concat`` turns a
    column whose categories differ from frame to frame (each chunk's channels, each file's
    names) into a string per row. Recodes the frames' categories in place.

    >>> a = pd.DataFrame({"c": pd.Categorical(["x"])}); b = pd.DataFrame({"c": pd.Categorical(["y", "x"])})
    >>> joined = concatenated([a, b]); joined["c"].dtype.name, joined["c"].tolist()
    ('category', ['x', 'y', 'x'])
    """
    for column in frames[0].columns if frames else []:
        held = [f[column] for f in frames if column in f]
        if len(held) == len(frames) and all(isinstance(c.dtype, pd.CategoricalDtype) for c in held):
            categories = pd.Index(pd.concat([pd.Series(c.cat.categories) for c in held]).unique())
            for frame in frames:
                frame[column] = frame[column].cat.set_categories(categories)
    return pd.concat(frames, ignore_index=True)


def renamed_categories(values: pd.Series, names: dict[str, str]) -> pd.Series:
    """``repeated_strings`` with some values renamed (``names``: old -> new); two values
    renamed alike become one category. Works on the categories, not on every row.

    >>> renamed_categories(repeated_strings(pd.Series(["Tom B.", "TB", "Ann"])), {"TB": "Tom B."}).tolist()
    ['Tom B.', 'Tom B.', 'Ann']
    """
    categories = values.cat.categories
    if not len(categories):
        return values  # nothing to rename (every value missing)
    merged, unique = pd.factorize(pd.Index([names.get(c, c) for c in categories], dtype="string"))
    codes = values.cat.codes.to_numpy()
    new_codes = np.where(codes >= 0, merged[np.maximum(codes, 0)], -1)
    return pd.Series(
        pd.Categorical.from_codes(new_codes, categories=unique.astype("str")),
        index=values.index,
        name=values.name,
    )


def coded_strings(codes: np.ndarray, names: np.ndarray) -> pd.Series:
    """``repeated_strings`` made from codes into ``names`` (-1 for missing), for values known
    per distinct text or template before they are per reply: the strings are never made
    per row. Categories unused by any code are left out, and sorted as ``repeated_strings``'
    are.

    >>> coded_strings(np.array([1, -1, 1]), np.array(["b", "a"], dtype=object)).tolist()
    ['a', nan, 'a']
    """
    # Which names are used, by a count of codes shifted past -1 (a sort of the codes was
    # twice their size again).
    used = np.flatnonzero(np.bincount(codes + 1, minlength=len(names) + 1)[1:])
    sorted_names = pd.Index(names[used], dtype="str").sort_values()
    remap = np.full(len(names) + 1, -1, dtype=np.int32)  # the last one is code -1's
    remap[used] = sorted_names.get_indexer(pd.Index(names[used], dtype="str"))
    return pd.Series(pd.Categorical.from_codes(remap[codes], categories=sorted_names))
