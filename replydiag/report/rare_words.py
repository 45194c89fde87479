"""Names the slot rules cannot see, masked in report examples by how rarely the team writes them.

The mask rules find a name after a greeting or before a sign-off, but not one mid-sentence
("Jessie is the real MVP!") or a customer's town. What the team writes again and again (its
products, its agents' sign-offs, its own sentences) is not personal; a capitalised word that
few replies of the export hold, and none in lower case, is often a customer's name or place.
Report examples and the text ``history/`` keeps; the analysis reads the slot-masked text, and
a reply's fingerprint is taken from it, so it never depends on the run's vocabulary.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd

RARE_PER_REPLIES = 1_000  # a word in fewer than 1 of this many replies is rare ...
RARE_AT_LEAST = 3  # ... and in fewer than this many in any export
SAMPLE = 20_000  # replies counted in (an estimate of the share is enough)

# A capitalised word of 3+ letters (not "Aw", not an acronym such as "MVP", not a "{name}" slot).
_CAPITALISED = re.compile(r"(?<![\w{@#/.])([A-Z\u00c0-\u00de][a-z\u00df-\u00ff]{2,})\b")
_WORD = re.compile(r"[^\W\d_]+")
_LOWER_WORD = re.compile(r"(?<![\w{])[a-z\u00df-\u00ff]+\b")


@dataclass(frozen=True)
class Vocabulary:
    """How many texts of a sample hold each word (any case), and the words written in lower case."""

    texts: int
    holding: dict[str, int]
    lower_case: frozenset[str]

    @classmethod
    def of(cls, corpus: pd.Series) -> Vocabulary:
        sample = corpus.dropna()
        if len(sample) > SAMPLE:
            sample = sample.sample(SAMPLE, random_state=0)
        holding: Counter[str] = Counter()
        lower_case: set[str] = set()
        for text in map(str, sample):
            holding.update(set(_WORD.findall(text.lower())))
            lower_case.update(_LOWER_WORD.findall(text))
        return cls(len(sample), dict(holding), frozenset(lower_case))

    def is_rare(self, word: str) -> bool:
        lowered = word.lower()
        # Written in lower case too ("enjoy" for "Enjoy!"): a word, capitalised to open a sentence.
        if lowered in self.lower_case:
            return False
        return self.holding.get(lowered, 0) < max(RARE_AT_LEAST, self.texts / RARE_PER_REPLIES)

    def mask(self, texts: list[str]) -> list[str]:
        """``texts`` with their rare capitalised words as ``{name}``.

        >>> corpus = pd.Series(["Thanks for choosing Walmart!"] * 5 + ["Jessie is the real MVP!"])
        >>> Vocabulary.of(corpus).mask(["Jessie is the real MVP! Thanks for choosing Walmart!"])
        ['{name} is the real MVP! Thanks for choosing Walmart!']
        """
        return [
            _CAPITALISED.sub(lambda m: "{name}" if self.is_rare(m.group(1)) else m.group(1), text)
            for text in texts
        ]
