"""Names the slot rules cannot see, masked in report examples by how rarely the team writes them.

The mask rules find a name after a greeting or before a sign-off, but not one mid-sentence
("Jessie is the real MVP!") or a customer's town. What the team writes again and again (its
products, its agents' sign-offs, its own sentences) is not personal; a capitalised word that
few replies of the export hold, and none in lower case, is often a customer's name or place. Examples only:
the analysis and ``history/`` keep the slot-masked text, whose fingerprints identify replies.
"""

from __future__ import annotations

import re

import pandas as pd

RARE_PER_REPLIES = 1_000  # a word in fewer than 1 of this many replies is rare ...
RARE_AT_LEAST = 3  # ... and in fewer than this many in any export
SAMPLE = 20_000  # replies counted in (an estimate of the share is enough)

# A capitalised word of 3+ letters (not "Aw", not an acronym such as "MVP", not a "{name}" slot).
_CAPITALISED = re.compile(r"(?<![\w{@#/.])([A-Z\u00c0-\u00de][a-z\u00df-\u00ff]{2,})\b")


def mask_rare_words(texts: list[str], corpus: pd.Series) -> list[str]:
    """``texts`` with capitalised words that few ``corpus`` texts hold as ``{name}``.

    >>> corpus = pd.Series(["Thanks for choosing Walmart!"] * 5 + ["Jessie is the real MVP!"])
    >>> mask_rare_words(["Jessie is the real MVP! Thanks for choosing Walmart!"], corpus)
    ['{name} is the real MVP! Thanks for choosing Walmart!']
    """
    words = {match for text in texts for match in _CAPITALISED.findall(text)}
    if not words or corpus.empty:
        return texts
    sample = corpus.dropna().astype("string")
    if len(sample) > SAMPLE:
        sample = sample.sample(SAMPLE, random_state=0)
    limit = max(RARE_AT_LEAST, len(sample) / RARE_PER_REPLIES)
    lowered = sample.str.lower()

    def is_rare(word: str) -> bool:
        pattern = rf"\b{re.escape(word.lower())}\b"
        # Written in lower case too ("enjoy" for "Enjoy!"): a word, capitalised to open a sentence.
        if sample.str.contains(pattern, regex=True).any():
            return False
        return int(lowered.str.contains(pattern, regex=True).sum()) < limit

    rare = {word for word in words if is_rare(word)}
    if not rare:
        return texts
    return [
        _CAPITALISED.sub(lambda m: "{name}" if m.group(1) in rare else m.group(1), text) for text in texts
    ]
