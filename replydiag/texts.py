"""Where the exported text of analysed replies comes from when files are written.

An export read whole keeps each reply's text in ``AuditResult.replies``; an export read in
chunks (low-memory mode) keeps none, and its text is read again from the files, chunk by
chunk, only when ``replies.csv`` is written. Both answer the same question the same way:
the text of every reply, in the order of ``replies``, as (first position, texts) chunks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from .ingest import LoadedExport


class ReplyTexts(Protocol):
    @property
    def in_memory(self) -> bool: ...

    def chunks(self, replies: pd.DataFrame) -> Iterator[tuple[int, pd.Series]]: ...


@dataclass(frozen=True)
class InMemoryTexts:
    """The text is the ``text`` column of the replies themselves."""

    in_memory: bool = True

    def chunks(self, replies: pd.DataFrame) -> Iterator[tuple[int, pd.Series]]:
        yield 0, replies["text"]


@dataclass(frozen=True)
class ReReadTexts:
    """The text is read again from the files: ``origin`` is each reply's (file index, row number)."""

    files: tuple[LoadedExport, ...]
    origin: np.ndarray
    in_memory: bool = False

    def chunks(self, replies: pd.DataFrame) -> Iterator[tuple[int, pd.Series]]:
        files, rows = self.origin[:, 0], self.origin[:, 1]
        position = 0
        for index, part in enumerate(self.files):
            # A file's replies are one run of rows, in file order.
            lo, hi = np.searchsorted(files, [index, index + 1])
            for texts in part.reply_texts(rows[lo:hi]):
                yield position, texts
                position += len(texts)
