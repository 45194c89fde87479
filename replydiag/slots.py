"""Template text with named slots, recovered by aligning a cluster's members.

The representative's masked text already carries the slots the masking rules know
(``{order}``, ``{url}`` ...). Words that still differ across most members (a product, a
name mid-sentence) are found by aligning each member with the representative word by word
(not by position, so a two-word name is one slot) and become ``{name}``, ``{number}`` or
``{text}``.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict

from rapidfuzz.distance import Indel

from .features import TOKEN

# Words as the clustering sees them (``features.tokens``): each CJK character is a word, so
# a Chinese reply (no spaces) is aligned character by character, not as one varying word.
_WORD = TOKEN
_PUNCT = re.compile(r"[^\w{}]+")
_SLOT_ONLY = re.compile(r"\{\w+\}")
VARYING_SHARE = 0.5  # a word replaced in at least this share of replies is a slot
MIN_REPLIES_FOR_SLOTS = 3
MAX_VARIANTS_ALIGNED = 60


def template_id(key: str) -> str:
    """A stable id from the template's content, the same across runs and files.

    >>> template_id("your order {order} has shipped")
    'Tb4e6d8a3'
    """
    return "T" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


def _comparable(word: str) -> str:
    return _PUNCT.sub("", word.lower())


def _slot_name(values: list[str]) -> str:
    words = [v for v in values if v]
    if not words:
        return "text"
    if sum(v.replace(",", "").replace(".", "").isdigit() for v in words) > 0.6 * len(words):
        return "number"
    if sum(v[:1].isupper() and len(v.split()) <= 3 for v in words) > 0.6 * len(words):
        return "name"
    return "text"


def recover_template(representative: str, variants: list[tuple[str, int]]) -> str:
    """Template text: the representative's masked text with varying words made slots.

    ``variants`` are (masked text, reply count) of the cluster's distinct members.

    >>> recover_template("Thanks for contacting Acme about your Blender order {order}.",
    ...     [("Thanks for contacting Acme about your Blender order {order}.", 2),
    ...      ("Thanks for contacting Acme about your Toaster Oven order {order}.", 3),
    ...      ("Thanks for contacting Acme about your Kettle order {order}.", 2)])
    'Thanks for contacting Acme about your {text} order {order}.'
    >>> recover_template("您好,请提供宽带账号,谢谢", [("您好,请提供宽带账号,谢谢", 2), ("您好,请提供手机电话,谢谢", 2),
    ...     ("您好,请提供装机地址,谢谢", 2)])  # Chinese: aligned by character
    '您好,请提供{text},谢谢'
    """
    spans = [m.span() for m in _WORD.finditer(representative)]
    words = [representative[a:b] for a, b in spans]
    if not words:
        return representative
    total = sum(count for _text, count in variants)
    if total < MIN_REPLIES_FOR_SLOTS:
        return representative
    rep_cmp = [_comparable(w) for w in words]
    kept = [0] * len(words)
    replaced: dict[int, list[str]] = defaultdict(list)
    aligned = 0
    for text, count in sorted(variants, key=lambda v: -v[1])[:MAX_VARIANTS_ALIGNED]:
        other = _WORD.findall(text)
        other_cmp = [_comparable(w) for w in other]
        aligned += count
        for op in Indel.opcodes(rep_cmp, other_cmp):
            if op.tag == "equal":
                for k in range(op.src_start, op.src_end):
                    kept[k] += count
            elif op.tag in ("replace", "delete") or op.src_start < op.src_end:
                value = " ".join(other[op.dest_start : op.dest_end]).strip(" ,.!?;:")
                for k in range(op.src_start, op.src_end):
                    replaced[k].append(value)
    varying = [
        not words[k].startswith("{") and kept[k] < (1 - VARYING_SHARE) * aligned and len(replaced[k]) >= 2
        for k in range(len(words))
    ]
    # Rebuild with the original spacing; a run of varying words becomes one slot.
    out: list[str] = []
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
        name = _slot_name(list(values.elements()))
        last = words[run_end]
        trail = re.search(r"[,.!?;:]+$", last)
        out.append(representative[cursor:start] + "{" + name + "}" + (trail.group(0) if trail else ""))
        cursor = spans[run_end][1]
        k = run_end + 1
    out.append(representative[cursor:])
    template = "".join(out)
    # A template that is all slots says nothing: the representative's own text says more.
    return representative if not _SLOT_ONLY.sub("", template).strip(" ,.!?;:") else template
