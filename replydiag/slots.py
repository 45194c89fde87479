"""Template text with named slots, recovered by aligning a cluster's members.

The representative's masked text already carries the slots the masking rules know
(``{order}``, ``{url}`` ...). Words that still differ across most members (a product, a
name mid-sentence) are found by aligning each member with the representative word by word
(not by position, so a two-word name is one slot) and become ``{name}``, ``{number}``,
``{day}``, ``{month}`` or ``{text}``. The values such a slot took (the couriers, products, weekdays of a macro) are
counted, and those sent in ``SHOWN_VALUE_REPLIES`` replies or more are kept with it: a value
that recurs is the macro's vocabulary, one sent once or twice may be a customer's detail.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from rapidfuzz.distance import Indel

from .features import TOKEN, joined

# Words as the clustering sees them (``features.tokens``): each CJK character is a word, so
# a Chinese reply (no spaces) is aligned character by character, not as one varying word.
_WORD = TOKEN
_PUNCT = re.compile(r"[^\w{}]+")
_SLOT_ONLY = re.compile(r"\{\w+\}")
VARYING_SHARE = 0.5  # a word replaced in at least this share of replies is a slot
MIN_REPLIES_FOR_SLOTS = 3
SLOT_VALUES = 3  # a word is a slot where the variants put this many different values
MAX_VARIANTS_ALIGNED = 60
SHOWN_VALUE_REPLIES = 3  # a slot value sent in this many replies is shown with its template
SHOWN_VALUES = 3  # ... the most sent ones, at most


@dataclass(frozen=True)
class Slot:
    """A slot found by alignment: its name and its most sent values (value, replies)."""

    name: str
    values: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Recovered:
    """A template's text with its slots, and the slots found by alignment, in text order."""

    text: str
    slots: tuple[Slot, ...]

    def described_values(self) -> str:
        """The slots' shown values, as ``templates.csv`` carries them.

        >>> Recovered("Sent by {name} on {text}.", (Slot("name", (("DHL", 9), ("UPS", 4))),
        ...     Slot("text", ()))).described_values()
        '{name}: DHL (9), UPS (4)'
        """
        return "; ".join(
            "{" + slot.name + "}: " + ", ".join(f"{value} ({n})" for value, n in slot.values)
            for slot in self.slots
            if slot.values
        )


def template_id(key: str) -> str:
    """A stable id from the template's content, the same across runs and files.

    >>> template_id("your order {order} has shipped")
    'Tb4e6d8a3'
    """
    return "T" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


def _comparable(word: str) -> str:
    return _PUNCT.sub("", word.lower())


# English weekday and month names, full and short ("Mon", "Sept"): a slot of them is a date's.
_DAYS = {d.lower() for d in (*calendar.day_name, *calendar.day_abbr)}
_MONTHS = {m.lower() for m in (*calendar.month_name, *calendar.month_abbr, "sept") if m}


def _slot_name(values: list[str]) -> str:
    """What a slot holds, by the values the variants put there (most of them, 60%).

    >>> _slot_name(["Monday", "Fri", "Sunday"]), _slot_name(["DHL", "Royal Mail"]), _slot_name(["12", "1,5"])
    ('day', 'name', 'number')
    """
    words = [v for v in values if v]
    if not words:
        return "text"
    most = 0.6 * len(words)
    if sum(v.replace(",", "").replace(".", "").isdigit() for v in words) > most:
        return "number"
    if sum(v.lower().strip(".") in _DAYS for v in words) > most:
        return "day"
    if sum(v.lower().strip(".") in _MONTHS for v in words) > most:
        return "month"
    if sum(v[:1].isupper() and len(v.split()) <= 3 for v in words) > most:
        return "name"
    return "text"


def recover(representative: str, variants: list[tuple[str, int]]) -> Recovered:
    """Template text: the representative's masked text with varying words made slots, and the
    values each slot took, counted in replies over the ``MAX_VARIANTS_ALIGNED`` most sent
    variants. ``variants`` are (masked text, reply count) of the family's distinct members.

    >>> recover("Thanks for contacting Acme about your Blender order {order}.",
    ...     [("Thanks for contacting Acme about your Blender order {order}.", 2),
    ...      ("Thanks for contacting Acme about your Toaster Oven order {order}.", 3),
    ...      ("Thanks for contacting Acme about your Kettle order {order}.", 2)]).text
    'Thanks for contacting Acme about your {name} order {order}.'
    >>> recover("您好,请提供宽带账号,谢谢", [("您好,请提供宽带账号,谢谢", 2), ("您好,请提供手机电话,谢谢", 2),
    ...     ("您好,请提供装机地址,谢谢", 2)]).text  # Chinese: aligned by character
    '您好,请提供{text},谢谢'
    >>> r = recover("Our courier DHL could not find you on Monday.", [
    ...     ("Our courier DHL could not find you on Monday.", 3), ("Our courier UPS could not find you on Friday.", 3),
    ...     ("Our courier DPD could not find you on Sunday.", 2), ("Our courier Royal Mail could not find you on Tuesday.", 1),
    ...     ("Our courier Evri could not find you on Friday.", 1)])
    >>> r.text
    'Our courier {name} could not find you on {day}.'
    >>> r.described_values()  # DPD, sent twice, is not shown
    '{name}: DHL (3), UPS (3); {day}: Friday (4), Monday (3)'
    >>> recover("请提供宽带账号[嗯嗯]", [("请提供宽带账号[嗯嗯]", 3), ("请提供宽带账号[呵呵]", 4),
    ...     ("请提供宽带账号[哈哈]", 3)]).described_values()  # Chinese values as written, no spaces
    '{text}: 呵呵 (4), 哈哈 (3), 嗯嗯 (3)'
    """
    spans = [m.span() for m in _WORD.finditer(representative)]
    words = [representative[a:b] for a, b in spans]
    if not words:
        return Recovered(representative, ())
    total = sum(count for _text, count in variants)
    if total < MIN_REPLIES_FOR_SLOTS:
        return Recovered(representative, ())
    rep_cmp = [_comparable(w) for w in words]
    kept = [0] * len(words)
    replaced: dict[int, list[str]] = defaultdict(list)
    aligned = 0
    # Per variant, the span of its words each representative word lines up with.
    places: list[tuple[list[str], list[tuple[int, int]], int]] = []
    for text, count in sorted(variants, key=lambda v: -v[1])[:MAX_VARIANTS_ALIGNED]:
        other = _WORD.findall(text)
        other_cmp = [_comparable(w) for w in other]
        aligned += count
        place = [(0, 0)] * len(words)
        for tag, src_start, src_end, dest_start, dest_end in _blocks(rep_cmp, other_cmp):
            if tag == "equal":
                for k in range(src_start, src_end):
                    kept[k] += count
                    at = dest_start + k - src_start
                    place[k] = (at, at + 1)
            else:
                value = joined(other[dest_start:dest_end]).strip(" ,.!?;:")
                for k in range(src_start, src_end):
                    replaced[k].append(value)
                    place[k] = (dest_start, dest_end)
        places.append((other, place, count))
    # A slot is where many values occur: two or three are a macro's alternatives ("refund
    # processed" / "replacement shipped"), or a word some copies drop, not a variable.
    varying = [
        not words[k].startswith("{")
        and rep_cmp[k] != ""  # punctuation alone ("," after a masked slot) is no slot
        and kept[k] < (1 - VARYING_SHARE) * aligned
        and len({rep_cmp[k], *(_comparable(v) for v in replaced[k])}) >= SLOT_VALUES
        for k in range(len(words))
    ]
    # Rebuild with the original spacing; a run of varying words becomes one slot.
    out: list[str] = []
    slots: list[Slot] = []
    cursor = 0
    k = 0
    while k < len(words):
        start, end = spans[k]
        if not varying[k]:
            out.append(representative[cursor:end])
            cursor = end
            k += 1
            continue
        run_end = k
        while run_end + 1 < len(words) and varying[run_end + 1]:
            run_end += 1
        values = Counter(v for j in range(k, run_end + 1) for v in replaced[j])
        # A capitalised word opening a sentence is no name ("Hi there", "We'd like").
        opens = k == 0 or re.search(r"[.!?]\W*$", words[k - 1]) is not None
        name = "text" if opens else _slot_name(list(values.elements()))
        slots.append(Slot(name, _run_values(places, k, run_end)))
        last = words[run_end]
        trail = re.search(r"[,.!?;:]+$", last)
        out.append(representative[cursor:start] + "{" + name + "}" + (trail.group(0) if trail else ""))
        cursor = spans[run_end][1]
        k = run_end + 1
    out.append(representative[cursor:])
    template = "".join(out)
    # A template that is all slots says nothing: the representative's own text says more.
    if not _SLOT_ONLY.sub("", template).strip(" ,.!?;:"):
        return Recovered(representative, ())
    return Recovered(template, tuple(slots))


def _blocks(source: list[str], dest: list[str]) -> list[tuple[str, int, int, int, int]]:
    """The aligned blocks of two word lists: equal runs, and between them what changed as one
    block (Indel's opcodes say a swapped word as a delete and an insert, which leaves the
    deleted word with no value).

    >>> _blocks(["by", "dhl", "today"], ["by", "royal", "mail", "today"])
    [('equal', 0, 1, 0, 1), ('change', 1, 2, 1, 3), ('equal', 2, 3, 3, 4)]
    """
    blocks: list[tuple[str, int, int, int, int]] = []
    for op in Indel.opcodes(source, dest):
        if op.tag == "equal":
            blocks.append(("equal", op.src_start, op.src_end, op.dest_start, op.dest_end))
        elif blocks and blocks[-1][0] == "change":
            _, s0, _, d0, _ = blocks[-1]
            blocks[-1] = ("change", s0, op.src_end, d0, op.dest_end)
        else:
            blocks.append(("change", op.src_start, op.src_end, op.dest_start, op.dest_end))
    return blocks


def _run_values(
    places: list[tuple[list[str], list[tuple[int, int]], int]], first: int, last: int
) -> tuple[tuple[str, int], ...]:
    """The values the representative's words ``first..last`` took in the variants, by
    replies, the most sent first: those sent ``SHOWN_VALUE_REPLIES`` times or more."""
    counted: Counter[str] = Counter()
    for other, place, count in places:
        lo = min(place[k][0] for k in range(first, last + 1))
        hi = max(place[k][1] for k in range(first, last + 1))
        value = joined(other[lo:hi]).strip(" ,.!?;:")
        if value:
            counted[value] += count
    ranked = sorted(counted.items(), key=lambda item: (-item[1], item[0]))
    return tuple((v, n) for v, n in ranked[:SHOWN_VALUES] if n >= SHOWN_VALUE_REPLIES)
