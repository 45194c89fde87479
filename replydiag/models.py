"""Typed values shared by every stage: reply kinds, settings, row accounting."""

from __future__ import annotations

import enum
import re
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from .errors import SettingsError


class Kind(str, enum.Enum):
    """What an agent reply is, from most to least standardised."""

    AUTOMATIC = "automatic"  # sent by a bot/automation, or a verbatim template within seconds
    TEMPLATE = "template"  # a template sent as is, or with light edits (typo, greeting, slots)
    EDITED = "edited"  # a template reworded in part or with a substantial personal part
    PERSONAL = "personal"  # written for this customer

    def __str__(self) -> str:  # so f-strings and CSV cells show "template", not "Kind.TEMPLATE"
        return self.value


KINDS: tuple[str, ...] = tuple(k.value for k in Kind)
TEMPLATED_KINDS: tuple[str, ...] = (Kind.AUTOMATIC.value, Kind.TEMPLATE.value)


class Role(str, enum.Enum):
    """Who wrote an exported row; only AGENT and BOT rows are analysed."""

    AGENT = "agent"
    BOT = "bot"
    CUSTOMER = "customer"
    NOTE = "note"  # private/internal note
    SYSTEM = "system"  # events, line items, redacted bodies

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Settings:
    """Every knob of the analysis, validated once.

    >>> Settings(threshold=90).threshold
    90.0
    """

    threshold: float = 85.0
    """Similarity (0-100, rapidfuzz ratio on masked text) for a reply to join a template."""
    min_support: int = 3
    """Replies a cluster needs before it counts as a template."""
    edited_coverage: float = 0.6
    """Share of a template's text that must reappear in a reply for it to be an edited template."""
    stock_share: float = 0.5
    """Share of a reply's words in stock text (spans the team reuses) that makes it templated
    (edited) even when no single template matches it."""
    min_fuzzy_chars: int = 24
    """Masked replies shorter than this match a template only when identical (no fuzzy merge)."""
    automatic_seconds: float = 10.0
    """A whole template (slots filled) sent this soon after the customer's message counts as automatic."""
    signoff_agents: bool = True
    """Use sign-off initials (``^MC``, ``*VM``) as the agent where the export names only a brand
    (and signs as a habit: at least ``pipeline.SIGNING_SHARE`` of its replies carry one)."""
    teams_by_account: bool = True
    """Analyse each brand account of an export that holds several (a Twitter care file of many
    brands) as its own team: stock text is what a team reuses (``replydiag.teams``)."""
    min_replies: int = 30
    """Replies a period or an agent needs before reports compare its shares (fewer: shown greyed
    as a small sample, with a confidence interval, and never ranked among the changes)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "threshold", float(self.threshold))
        object.__setattr__(self, "edited_coverage", float(self.edited_coverage))
        object.__setattr__(self, "automatic_seconds", float(self.automatic_seconds))
        object.__setattr__(self, "stock_share", float(self.stock_share))
        if not 50 <= self.threshold <= 100:
            raise SettingsError(f"threshold must be between 50 and 100, got {self.threshold}")
        if not 0 < self.edited_coverage <= 1:
            raise SettingsError(f"edited_coverage must be in (0, 1], got {self.edited_coverage}")
        if not 0 < self.stock_share <= 1:
            raise SettingsError(f"stock_share must be in (0, 1], got {self.stock_share}")
        if int(self.min_support) < 2:
            raise SettingsError(f"min_support must be at least 2, got {self.min_support}")
        if int(self.min_replies) < 1:
            raise SettingsError(f"min_replies must be at least 1, got {self.min_replies}")
        if self.min_fuzzy_chars < 0 or self.automatic_seconds < 0:
            raise SettingsError("min_fuzzy_chars and automatic_seconds cannot be negative")

    def with_changes(self, **changes: Any) -> Settings:
        """A copy with some settings changed (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# What two files' notes of one kind differ in: the file named first, numbers, quoted names.
_ALIKE = re.compile(r"^[^\s:]+\.\w+: |\d[\d,.]*|'[^']*'")


def _joined(said: list[str]) -> list[str]:
    shapes: dict[str, list[str]] = {}
    for line in said:
        shapes.setdefault(_ALIKE.sub("#", line), []).append(line)
    return [
        lines[0] + (f" (and {len(lines) - 1:,} more alike)" if len(lines) > 1 else "")
        for lines in shapes.values()
    ]


@dataclass
class RowAccounting:
    """Every input row ends up in exactly one bucket: analysed, customer, or skipped by reason.

    >>> acc = RowAccounting(rows_read=3, replies_analysed=1, customer_messages=1)
    >>> acc.skip("private note"); acc.balanced
    True
    """

    rows_read: int = 0
    replies_analysed: int = 0
    customer_messages: int = 0
    skipped: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    # Guesses that change the figures (who wrote the rows): shown wherever figures are.
    warnings: list[str] = field(default_factory=list)
    # The notes that say a count ("{n} replies have no readable date"), as templates with
    # their counts: files read together add them up, where one file's note is not all of it.
    counted: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str, count: int = 1) -> None:
        if count:
            self.skipped[reason] += int(count)

    @property
    def rows_skipped(self) -> int:
        return int(sum(self.skipped.values()))

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.replies_analysed + self.customer_messages + self.rows_skipped

    def merge(self, other: RowAccounting) -> RowAccounting:
        """Both accountings added up: each note said once, counted notes with their counts
        summed ("repaired mojibake in 4 cells" and "... in 7 cells": "... in 11 cells").

        >>> a = RowAccounting(notes=["4 replies have no readable date", "a"], counted={"{n} replies have no readable date": 4})
        >>> b = RowAccounting(notes=["a", "999 replies have no readable date"], counted={"{n} replies have no readable date": 999})
        >>> a.merge(b).notes
        ['1,003 replies have no readable date', 'a']
        """
        counted = Counter(self.counted) + Counter(other.counted)
        said: list[str] = []  # plain notes, and the templates of counted ones, in order
        for accounting in (self, other):
            template_of = {
                template.format(n=f"{n:,}"): template for template, n in accounting.counted.items()
            }
            for note in accounting.notes:
                said.append(template_of.get(note, note))
        merged = RowAccounting(
            rows_read=self.rows_read + other.rows_read,
            replies_analysed=self.replies_analysed + other.replies_analysed,
            customer_messages=self.customer_messages + other.customer_messages,
            skipped=self.skipped + other.skipped,
            notes=[
                note.format(n=f"{counted[note]:,}") if note in counted else note
                for note in dict.fromkeys(said)
            ],
            warnings=self.warnings + [w for w in other.warnings if w not in self.warnings],
            counted=dict(counted),
        )
        return merged

    def alike_joined(self) -> RowAccounting:
        """The notes (and warnings) that differ only in their file, numbers and quoted names
        (one per file of a folder: "all 6 are read as 't_0'", "... 't_1'") said once, with
        how many there were.

        >>> acc = RowAccounting(notes=["all 6 read as 't_0'", "a", "all 4 read as 't_1'"],
        ...                     warnings=["a.json: 2 guessed", "b.json: 3 guessed"]).alike_joined()
        >>> acc.notes, acc.warnings
        (["all 6 read as 't_0' (and 1 more alike)", 'a'], ['a.json: 2 guessed (and 1 more alike)'])
        """
        return replace(self, notes=_joined(self.notes), warnings=_joined(self.warnings))

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows_read": self.rows_read,
            "replies_analysed": self.replies_analysed,
            "customer_messages": self.customer_messages,
            "rows_skipped": self.rows_skipped,
            "skipped_by_reason": dict(sorted(self.skipped.items())),
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }
