"""Sign-offs learned from the export: a name that signs an author's replies, found unmarked.

Normalising reads a sign-off by its mark ("^Sha", "- Yana", "Thanks-Emir"); without one,
"... as soon as possible-Yana" or "... for you =) Yana" cannot be told from "T-Mobile" or a
sentence's last word by the text alone. The export tells them apart: a name that signs at
least ``LEARNED_REPLIES`` of an author's replies with a mark signs that author's unmarked ones
too, glued to the last word by a dash or after a mark and a space. (On AirAsia's 4,062
replies, 359 such; on Delta's 1,377, 8: ":-) AN", "conf#. AD".) A team that never marks its
names (Sainsbury's: "... for you. Robbie") shows them by how they end its replies
(``_bare_names``). Such a reply is then signed by the name, and its text is matched without
it, as a marked sign-off's is.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .distinct import DistinctReplies
from .memory import repeated_strings
from .normalize import SIGNATURE_LINE, key

LEARNED_REPLIES = 5
BARE_CONTEXTS = 3  # a name written with no mark signs after this many different words
# The last word, glued by a dash or "=" ("possible-Yana", "Thank-Sha") or after a mark and a
# space ("=) Yana", "connection. KB"), in any case ("- prabu" is Prabu's): only a learned name
# signs.
_UNMARKED = r"(?P<glue>[-–—=]\s?|[^\w\s]\s+)(?P<name>[A-Za-z]{2,12})\s*\.?\s*$"
# Where the author is a brand account, the sign-off names the agent (``pipeline.agents``).
WARNING = (
    "{n} replies read as signed by a name with no mark before it ('... possible-Yana', "
    f"'... for you. Robbie'): a name that ends {LEARNED_REPLIES} or more of the same author's replies"
)


def sign_unmarked(replies: pd.DataFrame, distinct: DistinctReplies) -> int:
    """Read the unmarked sign-offs of learned names in ``replies``, in place: ``signoff``
    filled, ``key_code`` (and ``masked``, where kept) without the name. Returns how many."""
    signed = replies["signoff"].notna().to_numpy()
    codes = replies["key_code"].to_numpy()
    unsigned = np.flatnonzero(~signed & (codes >= 0))
    if not len(unsigned):
        return 0
    # The last word of each distinct unsigned text, where it could be an unmarked name.
    looked = np.unique(codes[unsigned])
    held = distinct.masked
    texts = held.array.__arrow_array__().take(pa.array(looked, type=pa.int64()))
    found = pc.extract_regex(texts, pattern=_UNMARKED)
    last = pc.struct_field(found, "name").to_pandas()
    has = last.notna().to_numpy()
    name_of = dict(zip(looked[has].tolist(), last[has].tolist()))
    # Written after a mark and a space ("you. Robbie"), not glued by a dash ("soon-Yana").
    glue = pc.struct_field(found, "glue").to_pandas()[has]
    bare = dict(zip(looked[has].tolist(), glue.str.match(r"[^-–—=]\s").tolist()))
    author = repeated_strings(replies["agent"]).cat.codes.to_numpy().astype(np.int64) + 1  # 0: none
    maybe = unsigned[np.isin(codes[unsigned], list(name_of))]
    known = _marked_names(replies, signed, author) | _bare_names(author, codes, maybe, name_of, bare, held)
    if not known:
        return 0
    rows = [r for r in maybe.tolist() if (author[r], name_of[codes[r]].lower()) in known]
    signers = {r: known[author[r], name_of[codes[r]].lower()] for r in rows}
    return _sign(replies, distinct, held, signers, name_of)


def _sign(
    replies: pd.DataFrame,
    distinct: DistinctReplies,
    held: pd.Series,
    signers: dict[int, str],
    name_of: dict[int, str],
) -> int:
    """Rows ``signers`` signed by their names, in place, their texts recoded without the
    name (each distinct text cut once); a text that is only a name stays as it is."""
    codes = replies["key_code"].to_numpy()
    cut_codes = sorted({int(codes[r]) for r in signers})
    bodies = [_without(held.iloc[c], name_of[c]) for c in cut_codes]
    keys = key(pd.Series(bodies, dtype="string")).fillna("").tolist()
    cut = {c: (k, b) for c, k, b in zip(cut_codes, keys, bodies) if k}
    rows = [r for r in signers if codes[r] in cut]
    if not rows:
        return 0
    recoded = dict(zip(cut, distinct.codes_of([k for k, _ in cut.values()], [b for _, b in cut.values()])))
    new_codes = codes.copy()
    new_codes[rows] = [recoded[codes[r]] for r in rows]
    replies["key_code"] = new_codes
    signoff = replies["signoff"].copy()
    signoff.iloc[rows] = [signers[r] for r in rows]
    replies["signoff"] = signoff
    if "masked" in replies:
        masked = replies["masked"].copy()
        masked.iloc[rows] = [_without(str(t), name_of[codes[r]]) for t, r in zip(masked.iloc[rows], rows)]
        replies["masked"] = masked
    return len(rows)


def _marked_names(
    replies: pd.DataFrame, signed: np.ndarray, author: np.ndarray
) -> dict[tuple[int, str], str]:
    """Each author's names that sign ``LEARNED_REPLIES`` replies with a mark, by their lower
    case, spelt as most often signed. Counted on codes: a Python string per row for the
    author and the name was a gigabyte at ten million replies."""
    if not signed.any():
        return {}
    name_code, names = pd.factorize(replies["signoff"])
    pairs, counts = np.unique(author[signed] * len(names) + name_code[signed], return_counts=True)
    learned = counts >= LEARNED_REPLIES
    known: dict[tuple[int, str], str] = {}
    # The most frequent spelling comes last, and stays.
    for pair in pairs[learned][np.argsort(counts[learned], kind="stable")].tolist():
        who, name = divmod(pair, len(names))
        known[who, str(names[name]).lower()] = str(names[name])
    return known


def _bare_names(
    author: np.ndarray,
    codes: np.ndarray,
    rows: np.ndarray,
    name_of: dict[int, str],
    bare: dict[int, bool],
    held: pd.Series,
) -> dict[tuple[int, str], str]:
    """Names an author's team signs with no mark at all ("... for you. Robbie", as
    Sainsbury's agents sign): a capitalised word that ends ``LEARNED_REPLIES`` of the
    author's replies after a mark, after ``BARE_CONTEXTS`` different words, and is no closing
    word ("Thanks", "Cheers": a line a signature opens with). A settings path ending
    "General > About" follows one word every time."""
    contexts: dict[tuple[int, str], set[str]] = {}
    counts: dict[tuple[int, str], int] = {}
    before: dict[int, str] = {}  # the word before the name, per text (many replies share one)
    for r in rows.tolist():
        code = codes[r]
        name = name_of[code]
        if not bare[code] or not name[0].isupper() or SIGNATURE_LINE.match(name):
            continue
        pair = (int(author[r]), name)
        counts[pair] = counts.get(pair, 0) + 1
        if code not in before:
            found = re.search(r"(\w+)\W+\w+\W*$", held.iloc[code])
            before[code] = found.group(1).lower() if found else ""
        contexts.setdefault(pair, set()).add(before[code])
    return {
        (who, name.lower()): name
        for (who, name), n in counts.items()
        if n >= LEARNED_REPLIES and len(contexts[who, name]) >= BARE_CONTEXTS
    }


def _without(text: str, name: str) -> str:
    """``text`` with its unmarked sign-off ``name`` taken off (a mark before it stays: "=)").

    >>> _without("We'll fix it as soon as possible-Yana", "Yana"), _without("Done =) Yana.", "Yana")
    ("We'll fix it as soon as possible", 'Done =)')
    """
    return re.sub(rf"\s*(?:[-–—=]\s?)?{re.escape(name)}\s*\.?\s*$", "", text)
