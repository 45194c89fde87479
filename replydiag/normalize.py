r"""Reply text to the form we compare: body, sign-off, masked text and matching key.

Three steps, in order, each an ordered list of rules (like Drain3's masking list):

1. ``clean``: HTML to text, quoted e-mail history cut, signatures and Twitter sign-off
   initials (``^MC``, ``*VM``, ``- Ed``) set apart.
2. ``mask``: slot values (emails, URLs, phones, amounts, dates, order numbers, names after a
   greeting ...) replaced by ``{slot}`` placeholders.
3. ``key``: lower case, no punctuation, no greeting: what fuzzy matching compares.

Work is vectorised with Arrow compute (RE2 regexes, C++), which is what lets a million replies
through in seconds; Python ``re`` runs only on the few multi-line / HTML bodies and in
``slot_values``. Patterns must therefore be valid RE2 and valid Python ``re``: no look-around,
no back-references in patterns, and ``\w``, ``\d``, ``\b`` mean ASCII in both (Python side
compiled with ``re.ASCII``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .threads import WORKERS, T, map_spans

STRING = "string[pyarrow]"


def _arrow(series: pd.Series) -> pa.Array:
    return (
        pa.array(series.astype(STRING), type=pa.large_string())
        if len(series)
        else pa.array([], pa.large_string())
    )


def arrow_array(strings: pd.Series) -> pa.Array:
    """Strings as one contiguous Arrow ``large_string`` array (kernels such as
    ``replace_with_mask`` and ``is_in``'s value set take arrays, not chunks).

    >>> arrow_array(pd.Series(["a", None])).to_pylist()
    ['a', None]
    """
    array = _arrow(strings)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def arrow_strings(array: pa.Array | pa.ChunkedArray, index: pd.Index) -> pd.Series:
    """An Arrow string result back as a Series on ``index``, by position (never aligned by
    label): what every step that works in Arrow hands back to pandas."""
    out = array.cast(pa.string()).to_pandas(types_mapper=pd.ArrowDtype)
    out.index = index
    return out.astype(STRING)


def regex_replace(series: pd.Series, pattern: str, replacement: str) -> pd.Series:
    """``series.str.replace(pattern, replacement, regex=True)`` run by RE2 in Arrow, never by Python."""
    return arrow_strings(
        pc.replace_substring_regex(_arrow(series), pattern=pattern, replacement=replacement), series.index
    )


def matches(
    series: pd.Series, pattern: str, *, ignore_case: bool = False, wide_only: bool = False
) -> np.ndarray:
    """Which strings hold a match of ``pattern`` (RE2, in Arrow), missing ones not: several
    times quicker than pandas' ``str.contains`` with ``case=False`` on the same strings.
    ``wide_only``: the pattern needs a character past ASCII, so only such strings are searched
    (``past_ascii``).

    >>> matches(pd.Series(["No-Reply@x.com", None, "ann@x.com"]), "^no-?reply@", ignore_case=True).tolist()
    [True, False, False]
    >>> matches(pd.Series(["plain", None, "donâ€™t", "café"]), "â€", wide_only=True).tolist()
    [False, False, True, False]
    """
    arrow = _arrow(series)
    if not wide_only:
        return _hits(arrow, pattern, ignore_case)
    wide = np.flatnonzero(np.asarray(past_ascii(arrow), dtype=bool))
    found = np.zeros(len(series), dtype=bool)
    found[wide] = _hits(arrow.take(pa.array(wide)), pattern, ignore_case)
    return found


def past_ascii(strings: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Which strings hold a character past ASCII (missing ones do not): what a pattern of
    CJK characters or mojibake needs, so its regex pass can skip the rest (most of an
    English export). The test is a tenth of a regex pass.

    >>> past_ascii(pa.array(["ok", None, "café"])).to_pylist()
    [False, False, True]
    """
    return pc.fill_null(pc.invert(pc.string_is_ascii(strings)), False)


def _hits(arrow: pa.Array, pattern: str, ignore_case: bool) -> np.ndarray:
    hit = pc.match_substring_regex(arrow, pattern=pattern, ignore_case=ignore_case)
    return np.asarray(pc.fill_null(hit, False).to_numpy(zero_copy_only=False), dtype=bool)


# --- 1. clean -------------------------------------------------------------------------

_TAG = re.compile(r"<[a-zA-Z!/][^>]*>")
_BLOCK_BREAK = re.compile(r"(?i)<\s*(br|/p|/div|/li|/tr|/h\d|p|div|li|tr)\b[^>]*>")
# Where a mail client starts the quoted earlier mail: everything from there on is cut.
_QUOTED_HTML = re.compile(
    r"(?i)<(div|blockquote)[^>]*(gmail_quote|type=\"cite\"|divRplyFwdMsg|yahoo_quoted|moz-cite-prefix)[^>]*>"
    r"|<div[^>]*border-top:\s*solid[^>]*>"
)
_HIDDEN_ELEMENT = re.compile(r"(?i)<(script|style)\b")
# A line that starts quoted history: everything from it on is the customer's earlier mail.
QUOTE_MARKERS = re.compile(
    r"(?im)^[ \t>]*("
    r"on\b[^\n]{0,200}?(\n[^\n]{0,120}?)?wrote:"
    r"|le\b[^\n]{0,200}?(\n[^\n]{0,120}?)?a [ée]crit\s?:"
    r"|am\b[^\n]{0,200}?(\n[^\n]{0,120}?)?schrieb[^\n]{0,80}:"
    r"|il\b[^\n]{0,200}?(\n[^\n]{0,120}?)?ha scritto:"
    r"|el\b[^\n]{0,200}?(\n[^\n]{0,120}?)?escribi[óo]:"
    r"|em\b[^\n]{0,200}?(\n[^\n]{0,120}?)?escreveu:"
    r"|op\b[^\n]{0,200}?(\n[^\n]{0,120}?)?schreef[^\n]{0,80}:"
    r"|-{2,}\s*(original message|ursprüngliche nachricht|messaggio originale|mensaje original|"
    r"message d'origine|mensagem original|forwarded message|messaggio inoltrato|weitergeleitete nachricht)"
    r"|_{8,}\s*$"
    r"|(from|da|de|von|van|from)\s*:[^\n]*\n[ \t>]*(sent|inviato|enviado|gesendet|envoy[ée]|date|data|datum|to|a|an|para|[àa])\s*:"
    r"|##-[^\n]*-##"
    r")"
)
SIGNATURE_LINE = re.compile(  # a line a signature opens with (public: ``signers``)
    r"(?im)^[ \t]*("
    r"--[ \t]*$"
    r"|(sent from my|inviato da|enviado desde|enviado do|von meinem|envoy[ée] de (mon|l'))\b"
    r"|(best|kind|warm|warmest|many|with)? ?(regards|wishes)[,!.]?[ \t]*$"
    r"|(best|cheers|sincerely|yours sincerely|yours truly|all the best|thanks|thank you|many thanks|thanks again"
    r"|cordiali saluti|distinti saluti|saluti|un saludo|saludos|atentamente|un cordial saludo|mit freundlichen gr[üu](ß|ss)en"
    r"|viele gr[üu](ß|ss)e|beste gr[üu](ß|ss)e|freundliche gr[üu](ß|ss)e|cordialement|bien [àa] vous|bien cordialement"
    r"|atenciosamente|abra[çc]os|obrigad[oa])[,!.]?[ \t]*$"
    r")"
)
# Twitter care sign-offs: "^MC", "*VM", "/KM", "- Ed", "= JJ", "*JohnWard" (T-Mobile's first and
# last name run together), optionally followed by "1/2",
# after a space, any mark ("review?^CM", "help.--JV", an emoji) or a part counter ("2/2^ML"),
# never after a letter ("T-Mobile").
# A link Twitter appends (media, quoted tweet) may follow the initials: "... backstage /NQ https://t.co/x".
# Some teams glue the name to the last word: "via DM.Thanks-Emir". Some sign in lower case
# after a caret ("... follow up with you. ^sp"): a caret before a few letters at a tweet's end
# is a sign-off, in any case (other marks before lower-case words, "- ok", are words).
_SIGNOFF_NAMED = (
    r"(?:\s|(?P<stop>[.?!])|[^\w\s]|\d/\d|(?i:thanks|thank you|cheers|regards))"
    r"(?:(?:\^|\*|/|~|-|–|—|=)\s?(?P<initials>[A-Z][A-Za-z]{0,2}[A-Z]?|[A-Z][a-z]{1,11}(?:[A-Z][a-z]{1,11})?)"
    r"|\^\s?(?P<lower>[a-z]{2,3}))"
    r"\s?\.?\s*(?:\d/\d)?\s*(?P<link>(?:https?://\S+\s*)*)$"
)
# Unnamed, for the replacement: group 1 is a sentence's end the mark is glued to ("review?^CM"),
# group 4 the link; both kept.
SIGNOFF = re.compile(re.sub(r"\?P<\w+>", "", _SIGNOFF_NAMED))
_THREAD_COUNTER = r"\s*\(?\d/\d\)?\s*$"
# A part of a reply sent in several messages: "(1/2)" / "2/2" at its end (before or after the
# sign-off) or start, or "..." where it is cut and where the next part goes on.
_PART_AT_END = r"(?:^|[\s(.…])\(?(?P<k>[1-9])/(?P<n>[2-9])\)?\s*(?:[\^*/~-]\s?[A-Za-z]{1,3}\.?\s*)?$"
_PART_AT_START = r"^\s*\(?(?P<k>[1-9])/(?P<n>[2-9])\)?\s"
# "..." or "…" (and ">>", as AirAsia's agents write it) where a tweet breaks off or takes up.
_GOES_ON = r"(?:\.\.\.|…|>>+)\s*(?:\(?\d/\d\)?)?\s*(?:[\^*/~-]\s?[A-Za-z]{1,3}\.?\s*)?$"
_WENT_ON = r"^\s*(?:\.\.\.|…|>+\s)"
_LEADING_MENTIONS = r"^\s*(?:[@＠][\w.]+[\s,:]*)+"
_ADDRESSEE = r"^\s*[@＠](?P<to>[\w.]+)"


def _drop_quoted_and_hidden(text: str) -> str:
    """Quoted history, a closing ``<blockquote>`` and script/style elements taken out, in one
    pass of string searches (regexes with ``.*?`` here were quadratic: a 20 KB reply of unclosed
    ``<blockquote>`` tags took a quarter of a second).

    >>> _drop_quoted_and_hidden("Done.<style>p{}</style><blockquote>old mail</blockquote> ")
    'Done.'
    """
    quoted = _QUOTED_HTML.search(text)
    if quoted:
        text = text[: quoted.start()]
    lowered = text.lower()
    if lowered.rstrip().endswith("</blockquote>"):
        start = lowered.find("<blockquote")
        text, lowered = text[:start], lowered[:start]
    pieces, position = [], 0
    for match in _HIDDEN_ELEMENT.finditer(lowered):
        if match.start() < position:
            continue
        end = lowered.find(f"</{match.group(1)}", match.end())
        if end < 0:
            break  # unclosed: the rest is kept as text, the tags dropped later
        close = lowered.find(">", end)
        pieces.append(text[position : match.start()])
        position = len(text) if close < 0 else close + 1
    pieces.append(text[position:])
    return "".join(pieces)


def _strip_html(text: str) -> str:
    text = _drop_quoted_and_hidden(text)
    text = _BLOCK_BREAK.sub("\n", text)
    text = _TAG.sub("", text)
    return re.sub(r"\n[ \t]*\n+", "\n", text).strip()


def strip_quoted_history(text: str) -> str:
    """Cut the customer's quoted earlier mail (and everything after it).

    >>> strip_quoted_history("Sure, done.\\n\\nOn Mon, 3 Mar 2026, Ann <a@b.c> wrote:\\n> help")
    'Sure, done.'
    """
    match = QUOTE_MARKERS.search(text)
    if match and match.start() > 0:
        text = text[: match.start()]
    text = "\n".join(line for line in text.split("\n") if not line.lstrip().startswith(">"))
    return text.strip()


def strip_signature(text: str) -> str:
    """Cut a signature block found in the last lines (``-- ``, "Best regards", "Sent from my").

    >>> strip_signature("Your refund is on its way.\\n\\nBest regards,\\nAnna\\nACME Support")
    'Your refund is on its way.'
    """
    lines = text.rstrip().split("\n")
    if len(lines) < 2:
        return text.strip()
    start = max(1, len(lines) - 6)  # a signature lives at the end, never as the whole reply
    for i in range(start, len(lines)):
        if SIGNATURE_LINE.match(lines[i]):
            return "\n".join(lines[:i]).strip()
    return text.strip()


def _clean_multiline(text: str) -> str:
    if "<" in text and _TAG.search(text):
        text = _strip_html(text)
    text = html.unescape(text).replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    text = strip_quoted_history(text)
    return strip_signature(text)


def clean(text: pd.Series) -> pd.DataFrame:
    """Body text, sign-off initials and part marker (see ``_parts``) of each reply, and for
    parts the handle they are addressed to (what ties the parts of a tweet when an export
    names no conversation).

    >>> clean(pd.Series(["@115855 Let's go to DM for the next steps. ^MC 1/2"])).iloc[0].tolist()
    ["Let's go to DM for the next steps.", 'MC', '1/2', '115855']
    >>> clean(pd.Series(["@1 We'll follow up with you .^sp"]))[["body", "signoff"]].iloc[0].tolist()
    ["We'll follow up with you .", 'SP']
    """
    text = text.astype(STRING).fillna("")
    complex_rows = text.str.contains("\n|<|&[a-z#0-9]+;|\r", regex=True)
    if complex_rows.any():
        text = text.copy()
        text[complex_rows] = [_clean_multiline(t) for t in text[complex_rows].tolist()]
    addressee = arrow_strings(
        pc.struct_field(pc.extract_regex(_arrow(text), pattern=_ADDRESSEE), "to"), text.index
    )
    text = regex_replace(text, _LEADING_MENTIONS, "")
    part = _parts(text)
    text = regex_replace(text, _THREAD_COUNTER, "")
    found = pc.extract_regex(_arrow(text), pattern=_SIGNOFF_NAMED)
    # Of the two alternatives, the one that did not match reads "" (RE2). "^sp" and "^SP" are
    # one agent's.
    initials, lower = (
        arrow_strings(pc.struct_field(found, g), text.index).replace("", pd.NA) for g in ("initials", "lower")
    )
    signoff = initials.fillna(lower.str.upper())
    has_signoff = signoff.notna()
    if has_signoff.any():
        text = text.copy()
        text[has_signoff] = regex_replace(text[has_signoff], SIGNOFF.pattern, r"\1 \4")
    # A counter can also sit before the sign-off ("... (1/2) ^SO"): gone with the sign-off, it ends the text.
    text = regex_replace(text, _THREAD_COUNTER, "")
    text = regex_replace(text, r"^\s*\(?\d/\d\)?\s*", "").str.strip()
    addressee = addressee.where(part.notna()).str.lower()
    return pd.DataFrame({"body": text, "signoff": signoff, "part": part, "addressee": addressee})


def _parts(text: pd.Series) -> pd.Series:
    """Which part of a multi-part reply each text is: ``"k/n"`` from its counter, else ``"<"``
    (goes on from a part before), ``">"`` (goes on in a part after) or ``"<>"``; missing for
    whole replies.

    >>> _parts(pd.Series(["Sorry, we (1/2) ^SO", "2/2 done", "...and so on. *JH 2/2", "We checked...", "Hi"])).tolist()
    ['1/2', '2/2', '2/2', '>', <NA>]
    """
    arrow = _arrow(text)
    counters = []
    for pattern in (_PART_AT_END, _PART_AT_START):
        found = pc.extract_regex(arrow, pattern=pattern)
        k, n = (arrow_strings(pc.struct_field(found, f), text.index) for f in ("k", "n"))
        counters.append(k + "/" + n)
    counter = counters[0].fillna(counters[1])
    before, after = (
        pd.Series(
            pc.match_substring_regex(arrow, p).fill_null(False).to_numpy(zero_copy_only=False), text.index
        )
        for p in (_WENT_ON, _GOES_ON)
    )
    flags = pd.Series(pd.NA, index=text.index, dtype=STRING)
    flags[before & after] = "<>"
    flags[before & ~after] = "<"
    flags[~before & after] = ">"
    return counter.fillna(flags)


# --- 2. mask --------------------------------------------------------------------------

_GREETING_WORDS = (
    r"hi|hello|hey|hiya|dear|greetings|good morning|good afternoon|good evening|howdy|"
    r"ciao|salve|gentile|gentilissim[oa]|buongiorno|buonasera|caro|cara|"
    r"hola|estimad[oa]|buenos d[ií]as|buenas tardes|"
    r"hallo|liebe|lieber|sehr geehrte[r]?|guten tag|"
    r"bonjour|bonsoir|cher|ch[èe]re|"
    r"ol[áa]|oi|prezad[oa]|bom dia|boa tarde"
)
_NAME = r"[A-ZÀ-ÖØ-Þ][\wÀ-ÿ'’-]+(?:\s(?:van |de |da |di |von )?[A-ZÀ-ÖØ-Þ][\wÀ-ÿ'’-]+)?"

# Digits count as a separate word even when glued to CJK text ("订单884213已经"), so rules
# use an explicit ASCII boundary (captured and put back) instead of \b.
_LEFT = r"(^|[^A-Za-z0-9_#{])"

# Words after a greeting that are not names ("hi there,"): joined to the greeting with "_" while
# names are masked, so the lower-case name rule passes them by; split again after.
_NOT_NAMES = (
    r"there|all|again|everyone|everybody|team|folks|guys|friend|friends|both|you|sir|madam|mate|"
    r"buddy|people|world|customer|customers|user|users|member|members|client|clients|valued|"
    r"tutti|todos|todas|alle|tous|amigo|amiga"
)
_PROTECT = (r"(?i)\b(" + _GREETING_WORDS + r")\s+(" + _NOT_NAMES + r")\b", r"\1_\2")
_UNPROTECT = (r"(?i)\b(" + _GREETING_WORDS + r")_(" + _NOT_NAMES + r")\b", r"\1 \2")
_LOWER_NAME = r"[a-zà-öø-ÿ][a-zà-öø-ÿ'’-]{2,}"
_CYRILLIC_NAME = r"[А-ЯЁ][а-яё]+(?:\s[А-ЯЁ][а-яё]+)?"
_STREET_WORDS = r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|Place|Pl|Terrace|Close|Crescent"

# (slot, pattern, replacement, group holding the value) in order: earlier rules protect their
# text from later ones.
MASK_RULES: tuple[tuple[str, str, str, int], ...] = (
    ("email", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", "{email}", 0),
    ("url", r"(?i)\b(?:https?://|www\.)[^\s<>\"')\]]*[^\s<>\"')\].,;:!?]", "{url}", 0),
    ("handle", r"[@＠]\w+", "{handle}", 0),
    # Personal identifiers: IBANs (whole or in part), passports, Italian tax codes, IP addresses.
    ("iban", r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b", "{iban}", 0),
    (
        "passport",
        r"(?i)\b(passport|passaporto|pasaporte|reisepass|passeport|passaporte)"
        r"(\s*(?:no\.?|number|num\.?|nr\.?|n\.|#)?\s*[:#]?\s*)((?:[a-z]{1,2})?\d{6,9})\b",
        r"\1\2{passport}",
        3,
    ),
    ("national_id", r"(?i)\b[a-z]{6}\d{2}[a-z]\d{2}[a-z]\d{3}[a-z]\b", "{national_id}", 0),
    (
        "ip",
        r"(?i)\b(?:[0-9a-f]{1,4}:){3,7}[0-9a-f]{1,4}\b|\b(?:[0-9a-f]{1,4}:){1,6}:[0-9a-f]{0,4}"
        r"|\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b",
        "{ip}",
        0,
    ),
    # Addresses: "221b Baker Street", "Via Roma 12", "Hauptstraße 5", UK postcodes ("SW1A 1AA").
    (
        "address",
        r"\b\d{1,5}[a-zA-Z]?\s+(?:[A-Z][a-z]+\s+){1,3}(?:" + _STREET_WORDS + r")\b\.?",
        "{address}",
        0,
    ),
    (
        "address",
        r"(?i:\b(?:via|viale|piazza|corso|calle|avenida|rua|rue|avenue))\s+(?:[A-Z][\wÀ-ÿ'’]+\s+){0,3}"
        r"[A-Z][\wÀ-ÿ'’]+,?\s*\d{1,5}\b",
        "{address}",
        0,
    ),
    ("address", r"\b[A-Z][a-zäöü]+(?:straße|strasse|weg|gasse|platz)\s+\d{1,4}[a-z]?\b", "{address}", 0),
    ("postcode", r"\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b", "{postcode}", 0),
    (
        "name",
        r"(?i:\b("
        + _GREETING_WORDS
        + r"))\s+(?:(?i:mr|mrs|ms|miss|dr|sig|sig\.ra|señor|señora|herr|frau|mme|m)\.?\s+)?("
        + _NAME
        + ")",
        r"\1 {name}",
        2,
    ),
    (
        "name",
        r"(?i:\b(thanks|thank you|thx|grazie|gracias|danke|merci|obrigad[oa]))(,?)\s+("
        + _NAME
        + r")(\s*[,.!?])",
        r"\1\2 {name}\4",
        3,
    ),
    # A name addressed mid-sentence: "Thanks for your patience, Sarah." / "..., Tom!"
    ("name", r"(,\s*)(" + _NAME + r")(\s*[.!?])", r"\1{name}\3", 2),
    # Written in lower case after a greeting ("hi maria, ..."): a word closed by a comma or "!".
    ("name", r"(?i:\b(" + _GREETING_WORDS + r"))\s+(" + _LOWER_NAME + r")(\s*[,!])", r"\1 {name}\3", 2),
    # Cyrillic after a greeting, Japanese before an honorific ("田中様", "さくらさん").
    (
        "name",
        r"((?:Здравствуйте|Привет|Добрый день|Уважаем(?:ый|ая))[,!]?\s+)(" + _CYRILLIC_NAME + r")",
        r"\1{name}",
        2,
    ),
    ("name", r"([\x{3040}-\x{30ff}\x{4e00}-\x{9fff}]{1,6})(さん|様|さま)", r"{name}\2", 1),
    ("card", _LEFT + r"((?:\d{4}[ -]){3}\d{1,7}|\d{15,16})", r"\1{card}", 2),
    ("phone", _LEFT + r"((?:\+\d{1,3}[\s.-]?)?\(?\d{2,4}\)?[\s.-]\d{3,4}[\s.-]\d{3,5})", r"\1{phone}", 2),
    (
        "amount",
        r"(?i)(?:[$€£¥₹]|\b(?:usd|eur|gbp|chf|rs\.?)\s?)\s?\d[\d,.]*\d|\b\d[\d,.]*\s?(?:€|\$|£|(?i:usd|eur|gbp|euro|euros|dollars|pounds)\b)",
        "{amount}",
        0,
    ),
    (
        "date",
        _LEFT + r"(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}"
        r"|(?i:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?)"
        r"|(?i:\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?:\s+\d{4})?))",
        r"\1{date}",
        2,
    ),
    (
        "time",
        _LEFT + r"((?i:\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?m\.?)?|\d{1,2}\s?[ap]\.?m\.?))",
        r"\1{time}",
        2,
    ),
    (
        "order",
        _LEFT
        + r"(#\s?[A-Za-z0-9-]*\d[A-Za-z0-9-]*|[A-Za-z]{1,5}-?\d{4,}[A-Za-z0-9-]*|\d{5,}|[A-Z]{2,}\d+[A-Z0-9]*)",
        r"\1{order}",
        2,
    ),
    ("number", _LEFT + r"(\d+(?:[.,]\d+)*)", r"\1{number}", 2),
)
SLOT_NAMES = tuple(dict.fromkeys(rule[0] for rule in MASK_RULES))
_ANY_SLOT = "|".join(f"(?:{rule[1]})" for rule in MASK_RULES)
_SLOT = re.compile(r"\{(" + "|".join(SLOT_NAMES) + r"|text)\}")


def mask(body: pd.Series) -> pd.Series:
    """Replace slot values with ``{slot}`` placeholders (idempotent).

    >>> mask(pd.Series(["Hi Sarah Jones, order #A12345 ships 25/03/2026: track at https://x.co/t"])).iloc[0]
    'Hi {name}, order {order} ships {date}: track at {url}'
    """
    protected = arrow_array(regex_replace(body.astype(STRING), *_PROTECT))
    # Most replies hold no slot value. One pass of every rule at once finds those that do,
    # and only they go through the rules one by one: a text no rule matches is left as it
    # is by each rule in turn, so the result is the same at a quarter of the passes' cost.
    holds = pc.fill_null(pc.match_substring_regex(protected, pattern=_ANY_SLOT), False)
    some = protected.filter(holds)
    for _slot, pattern, replacement, _group in MASK_RULES:
        some = pc.replace_substring_regex(some, pattern=pattern, replacement=replacement)
    masked = pc.replace_with_mask(protected, holds, some.cast(protected.type)) if len(some) else protected
    return regex_replace(arrow_strings(masked, body.index), *_UNPROTECT)


def mask_one(text: str) -> str:
    """``mask`` for a single string."""
    return str(mask(pd.Series([text])).iloc[0])


def slot_values(body: str) -> list[tuple[str, str]]:
    """The slot values a reply carries, in order, as (slot, value) pairs.

    >>> slot_values("Hi Ann, your refund of $25.00 for order #889123 is done.")
    [('name', 'Ann'), ('amount', '$25.00'), ('order', '#889123')]
    """
    found: list[tuple[int, str, str]] = []
    text = re.sub(_PROTECT[0], _PROTECT[1], body, flags=re.ASCII)  # same length: positions hold
    for slot, pattern, _replacement, group in MASK_RULES:
        regex = re.compile(_python_pattern(pattern), re.ASCII)
        for match in regex.finditer(text):
            found.append((match.start(group), slot, match.group(group)))
        # Blank out what this rule took, so later rules do not take it again.
        text = regex.sub(partial(_blank_group, group=group), text)
    return [(slot, value) for _pos, slot, value in sorted(found)]


def _python_pattern(pattern: str) -> str:
    """An RE2 pattern for Python ``re``: ``\\x{3040}`` code points as ``\\u3040``."""
    return re.sub(r"\\x\{([0-9a-fA-F]{4})\}", r"\\u\1", pattern)


def _blank_group(match: re.Match[str], *, group: int) -> str:
    """The match with its ``group`` replaced by as many spaces (positions stay as they were)."""
    whole, start = match.group(0), match.start(0)
    return (
        whole[: match.start(group) - start]
        + " " * len(match.group(group))
        + whole[match.end(group) - start :]
    )


# --- 3. key ---------------------------------------------------------------------------

_KEY_GREETING = (
    r"^\s*(?i:" + _GREETING_WORDS + r")\b"
    r"(?:\s+\{name\}[,.!:;-]*|[^.!?,\n{]{0,20}[,.!:;-]+)?\s*"
)


def key(masked: pd.Series) -> pd.Series:
    """The matching key: lower case, no greeting, punctuation and emoji dropped.

    >>> key(pd.Series(["Hello {name}! Your order {order} has SHIPPED 🙂"])).iloc[0]
    'your order {order} has shipped'
    """
    full = masked.astype(STRING)
    k = regex_replace(full, _KEY_GREETING, "")
    k = k.where(k.str.strip() != "", full)  # a reply that is only "Hello!" keeps it
    k = arrow_strings(pc.utf8_lower(_arrow(k)), k.index)
    # One pass turns every run of punctuation, emoji and white space into one space; RE2's
    # classes keep letters and digits of every script.
    k = arrow_strings(
        pc.utf8_trim_whitespace(
            pc.replace_substring_regex(_arrow(k), pattern=_BETWEEN_WORDS, replacement=" ")
        ),
        k.index,
    )
    return k


# A run of anything but letters, digits and slot braces, except a single space, which is
# already what the run becomes: most runs are that one space, and each replacement costs
# (this pass was two thirds of the key's time when it replaced them all).
_BETWEEN_WORDS = r" ?[^\pL\pN{} ][^\pL\pN{}]*| {2,}[^\pL\pN{}]*"


CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"  # Japanese kana, Chinese, Korean
_CJK_ENDS = "。！？；，：、"
# Chinese and Japanese end a sentence or clause with no space after it: at full-width marks,
# and at ASCII ones followed by a CJK character (which the mark's replacement puts back, \3).
_SENTENCE_END = rf"([.!?;,:]+|\s[-–—]\s)(\s+|$)|\n+|[{_CJK_ENDS}]+\s*|[.!?;,:]+([{CJK_RANGES}])"
SENTENCE_MARK = "xsentencex"  # a word no reply holds: where a sentence or clause ended


def marked_keys(masked: pd.Series) -> pd.Series:
    """Matching keys with every sentence and clause end marked by ``SENTENCE_MARK``.

    >>> marked_keys(pd.Series(["Hi {name}! Your order shipped, sorry. Thanks"])).iloc[0]
    'your order shipped xsentencex sorry xsentencex thanks'
    """
    parts = _in_threads(_marked_keys_chunk, masked)
    return _marked_keys_chunk(masked) if parts is None else _joined(parts, masked.index)


def _marked_keys_chunk(masked: pd.Series) -> pd.Series:
    keys = key(regex_replace(masked.fillna(""), _SENTENCE_END, f" {SENTENCE_MARK} \\3"))
    return regex_replace(keys, f"^({SENTENCE_MARK}( |$))+|( {SENTENCE_MARK})+$", "")


def written_sentences(masked: str) -> list[str]:
    """One text's sentences and clauses as written, in the order ``marked_keys`` marks them.

    >>> written_sentences("Hi {name}! Your order shipped, sorry.")
    ['Hi {name}!', 'Your order shipped,', 'sorry.']
    >>> written_sentences("您好,请提供订单号。谢谢！")
    ['您好,', '请提供订单号。', '谢谢！']
    """
    return [part.strip() for part in _SENTENCE_SPLIT.split(masked) if part.strip()]


_SENTENCE_SPLIT = re.compile(
    rf"(?<=[.!?;,:])\s+|(?<=\s[-–—])\s+|\n+|(?<=[{_CJK_ENDS}])\s*|(?<=[.!?;,:])(?=[{CJK_RANGES}])"
)


@dataclass(frozen=True)
class Normalized:
    """Per-reply columns the analysis needs, aligned with the input."""

    signoff: pd.Series
    masked: pd.Series
    key: pd.Series
    part: pd.Series  # "k/n", "<", ">", "<>" for parts of a multi-part reply (see ``_parts``)
    addressee: pd.Series  # the handle a part is addressed to ("@name" first in its text)


def _normalize_chunk(text: pd.Series) -> Normalized:
    cleaned = clean(text)
    masked = mask(cleaned["body"])
    return Normalized(
        signoff=cleaned["signoff"],
        masked=masked,
        key=key(masked),
        part=cleaned["part"],
        addressee=cleaned["addressee"],
    )


PARALLEL_ROWS = 50_000  # above this, parts run in threads (Arrow's regex kernels release the GIL)
CHUNK_ROWS = 50_000


def normalize(text: pd.Series) -> Normalized:
    """Run clean, mask and key over reply texts.

    >>> n = normalize(pd.Series(["<p>Hi Ann,</p><p>Your order #77812 shipped.</p>"]))
    >>> n.masked.iloc[0], n.key.iloc[0]
    ('Hi {name},\\nYour order {order} shipped.', 'your order {order} shipped')
    """
    parts = _in_threads(_normalize_chunk, text)
    if parts is None:
        return _normalize_chunk(text)
    return Normalized(
        *(
            _joined([getattr(p, name) for p in parts], text.index)
            for name in ("signoff", "masked", "key", "part", "addressee")
        )
    )


def _in_threads(step: Callable[[pd.Series], T], text: pd.Series) -> list[T] | None:
    """``step`` over chunks of ``text`` on the threads (``replydiag.threads``), or None when
    ``text`` is too short to be worth it.

    Chunks of at most CHUNK_ROWS keep each step's temporary copies small. They are equal and a
    multiple of the workers: 70k rows as 50k + 20k kept one thread waiting for the other.
    """
    if len(text) < PARALLEL_ROWS or WORKERS < 2:
        return None
    count = -(-len(text) // CHUNK_ROWS)
    count = -(-count // WORKERS) * WORKERS
    bounds = np.linspace(0, len(text), count + 1).round().astype(int).tolist()
    return map_spans(lambda a, b: step(text.iloc[a:b]), list(zip(bounds, bounds[1:])))


def _joined(parts: list[pd.Series], index: pd.Index) -> pd.Series:
    """Chunks' string results as one Series, joined as Arrow chunks (no copy of the text)."""
    chunks = [c for p in parts for c in p.array.__arrow_array__().cast(pa.string()).chunks]
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(chunks, type=pa.string())), index=index)
