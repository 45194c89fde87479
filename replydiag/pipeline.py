"""The analysis, stage after stage: distinct replies -> clusters -> kinds -> templates.

``analyze_replies`` is pure (frames in, frames out); ``replydiag.api`` wraps it with loading
and the typed result. Each stage is a module of its own: ``features`` (word pairs),
``cluster`` (near-duplicates), ``edited`` (edited-template search), ``classify`` (a kind per
reply), ``multipart`` (replies sent in parts judged whole) and ``slots`` (template text with slots).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from rapidfuzz import fuzz

from .boilerplate import Boilerplate
from .boilerplate import learn as learn_boilerplate
from .classify import KIND_CODES, KIND_NAMES, KeyLabels, automatic, from_stock, label_keys
from .cluster import Clustering, cluster_codes
from .distinct import DistinctReplies, first_rows
from .families import chained_heads, stock_families
from .memory import coded_strings, missing_strings, release_memory, repeated_strings, reusing_freed_memory
from .metrics import usage
from .models import Kind, Settings
from .multipart import first_parts, joined_stock, part_groups, reply_signoffs, threads
from .phrases import phrase_ids_of_texts, phrase_table
from .slots import recover, template_id
from .stock import StockText, stock_text

TEMPLATE_COLUMNS = (
    "template_id",
    "template_text",
    "slot_values",
    "replies",
    "agents",
    "first_seen",
    "last_seen",
    "example_reply_id",
    "template",
    "edited",
    "automatic",
    "min_similarity",
    "helpdesk_template",
)

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Analysis:
    """What ``analyze_replies`` found: one row per reply, per template, per stock phrase,
    and the boilerplate it took off before matching."""

    replies: pd.DataFrame
    templates: pd.DataFrame
    phrases: pd.DataFrame
    boilerplate: Boilerplate
    # What the analysis guessed that changes the figures (who wrote the parts of a reply), and
    # what else a reader of the figures should know: for the row accounting.
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def analyze_replies(
    replies: pd.DataFrame,
    *,
    settings: Settings,
    distinct: DistinctReplies,
    customer_times: pd.DataFrame | None = None,
    progress: Progress | None = None,
) -> Analysis:
    """Label every reply and recover the templates, stock phrases and boilerplate.

    ``replies`` carry the ``key_code`` and ``signoff`` that ``distinct`` gave them as they
    were read (and their ``text`` and ``masked`` text, when it kept them).
    """
    replies = replies.reset_index(drop=True)
    codes = replies["key_code"].to_numpy()
    signoff = replies["signoff"].astype("string")
    # A reply sent in parts is one reply: judged whole (below), and written by the agent who
    # signed it, though a tweet cut in parts carries the sign-off in its last part only.
    thread = _threads(replies)
    parts = _part_groups(replies, thread)
    writers, signing_notes = _signing(replies, settings)
    agent = agents(replies, writers, parts)
    warnings, notes = _parts_said(replies, parts, thread, agent, writers)
    notes += signing_notes

    def stage(name: str) -> Callable[[int, int], None]:
        return lambda done, total: progress(name, done, total) if progress else None

    # Boilerplate off first: what the texts are matched by is what each agent wrote for it.
    keys, masked = distinct.keys, distinct.masked
    learning = stage("learning boilerplate")
    learning(0, len(keys))
    boilerplate = learn_boilerplate(keys, codes, agent)
    if boilerplate:
        codes, keys, masked = boilerplate.strip(keys, masked, codes, agent)
        release_memory()  # the cut texts' temporaries: stock text starts from what is held
    learning(len(keys), len(keys))
    # Stock text next: its word arrays are gone before clustering builds its own.
    with reusing_freed_memory():
        stock_found = stock_text(masked, np.bincount(codes, minlength=len(keys)), stage("finding stock text"))
        stock = stock_found.share
        release_memory()
        clustering, row_key = cluster_codes(
            codes,
            keys,
            threshold=settings.threshold,
            min_support=settings.min_support,
            min_fuzzy_chars=settings.min_fuzzy_chars,
            progress=stage("clustering distinct replies"),
            chain=True,
        )
    key_text = codes[first_rows(row_key, len(clustering.keys))]
    labels = label_keys(
        clustering,
        stock[key_text],
        stock_found.long_sentences[key_text],
        settings,
        stage("finding edited templates"),
    )
    naming = stage("naming template families")
    naming(0, len(replies))

    kind = labels.kind[row_key].copy()
    rep = labels.template[row_key]
    similarity = labels.similarity[row_key]
    share = labels.share[row_key]
    stock = stock[codes]
    # A reply sent in parts is judged whole: its parts' stock text over all its words.
    # (Only the parts' shares change: a whole reply keeps its own.)
    in_parts = np.flatnonzero(parts >= 0)
    if len(in_parts):
        personal = kind[in_parts] == KIND_CODES[Kind.PERSONAL]
        words = np.array([len(keys[c].split()) for c in codes[in_parts]], dtype=np.float64)
        # A templated part is stock throughout.
        stock_words = np.where(personal, stock[in_parts] * words, words)
        stock[in_parts] = joined_stock(parts[in_parts], words, stock_words)
        long_sentences = np.bincount(parts[in_parts], weights=stock_found.long_sentences[codes[in_parts]])
        assembled = from_stock(stock[in_parts], long_sentences[parts[in_parts]], settings)
        kind[in_parts[personal & assembled]] = KIND_CODES[Kind.EDITED]
    kind[automatic(replies, customer_times, kind, similarity, settings)] = KIND_CODES[Kind.AUTOMATIC]

    ids = np.array([template_id(k) for k in clustering.keys], dtype=object)
    has_template = rep >= 0
    templated = kind != KIND_CODES[Kind.PERSONAL]
    template_code, template_names = _template_codes(
        clustering,
        ids,
        rep,
        stock_families(stock_found.sentences, stock_found.spans, len(keys)),
        codes,
        templated,
    )
    part_of = missing_strings(replies.index)
    if (parts >= 0).any():
        # Every part of a templated reply carries its family (its first templated part's),
        # and names the reply's first part.
        named = np.flatnonzero((parts >= 0) & templated & (template_code >= 0))
        first = first_rows(parts[named], int(parts.max()) + 1)
        family_of_group = np.full(len(first), -1, dtype=template_code.dtype)
        family_of_group[first >= 0] = template_code[named[first[first >= 0]]]
        fill = (parts >= 0) & templated
        template_code[fill] = family_of_group[parts[fill]]
        first_part = replies["reply_id"].astype("string").to_numpy()[first_parts(parts, replies["part"])]
        part_of[parts >= 0] = first_part[parts[parts >= 0]]
    no_text = missing_strings(replies.index)
    # Rounded in place: rounded copies of three columns of ten million floats were a peak.
    for values, decimals in ((similarity, 1), (share, 3), (stock, 3)):
        np.round(values, decimals, out=values)
    similarity[~has_template] = np.nan
    share[~has_template] = np.nan
    out = pd.DataFrame(
        {
            "reply_id": replies["reply_id"].astype("string"),
            "conversation_id": replies["conversation_id"].astype("string"),
            # Columns whose values repeat are categories, as ``kind`` and ``source`` are: one
            # string per row was 150 MB a column at ten million replies.
            "agent": repeated_strings(agent),
            "channel": repeated_strings(replies["channel"]),
            "created_at": replies["created_at"],
            "kind": pd.Categorical.from_codes(kind, categories=KIND_NAMES).reorder_categories(
                [k.value for k in Kind]
            ),
            "template_id": coded_strings(template_code, template_names),
            "similarity": similarity,
            "template_share": share,
            "stock_share": stock,
            "text": replies["text"].astype("string") if "text" in replies else no_text,
            # One category per file: a string per row was 150 MB at ten million replies.
            "source": replies["source"].astype("category"),
            "part_of": part_of,
            "signoff": signoff,
            "helpdesk_template": replies["helpdesk_template"].astype("string"),
            "masked": distinct.masked_of(replies),
            # The stock phrases each reply holds: what a period's phrase counts are made of.
            "phrase_ids": coded_strings(
                *_per_text(phrase_ids_of_texts(stock_found.sentences, len(keys)), codes)
            ),
        },
        copy=False,  # the columns were made for it: a copy of the float columns was a peak
    )
    del similarity, share, stock, parts  # in ``out`` now, rounded: ten million floats each, on big exports
    release_memory()
    templates = _template_table(out, clustering, row_key, labels, ids, rep, stock_found, settings.threshold)
    del clustering
    phrases = phrase_table(stock_found.sentences, out, codes)
    naming(len(replies), len(replies))
    release_memory()
    return Analysis(out, templates, phrases, boilerplate, warnings, notes)


def _template_codes(
    clustering: Clustering,
    ids: np.ndarray,
    rep: np.ndarray,
    family: np.ndarray,
    codes: np.ndarray,
    templated: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Each reply's template id, as a code into names (-1 for none): a templated reply's is
    its cluster's family (clusters chained by the near copies between them, ``families``),
    or, templated by its stock text alone, its most widely sent stock sentence's (``family``,
    per text; ``codes``: each reply's text); a personal reply keeps its own cluster's.
    Codes, not ten million id strings made and compared three times over (an analysis peak)."""
    name_code, names = pd.factorize(np.concatenate([ids, family]))  # no name -> -1
    name_code = name_code.astype(np.int32)  # the per-reply arrays below: half the size
    key_name, family_name = name_code[: len(ids)], name_code[len(ids) :][codes]
    has_template = rep >= 0
    at = np.maximum(rep, 0)
    cluster = np.where(has_template, key_name[at], -1)
    chained = np.where(has_template, key_name[chained_heads(clustering)[at]], family_name)
    return np.where(templated, chained, cluster), np.asarray(names, dtype=object)


def _per_text(values: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each reply's value (``values``, one per text; ``codes``, each reply's text) as a code
    into the distinct values."""
    code, names = pd.factorize(values)
    return code.astype(np.int32)[codes], np.asarray(names, dtype=object)


def learned_boilerplate(replies: pd.DataFrame, distinct: DistinctReplies, settings: Settings) -> Boilerplate:
    """The boilerplate an analysis of ``replies`` would take off (what ``inspect`` lists)."""
    writers, _ = _signing(replies, settings)
    return learn_boilerplate(distinct.keys, replies["key_code"].to_numpy(), agents(replies, writers))


SIGNING_SHARE = 0.02  # sign-offs name their writers in an export where this share of replies has one


def _signing(replies: pd.DataFrame, settings: Settings) -> tuple[Settings, list[str]]:
    """``settings`` for telling who wrote each reply: sign-offs name writers only in an
    export whose replies are signed as a habit (Twitter care teams sign 50-100% of them). In
    one that does not, a reply ending like one ("... in Mobile Management - Blocklist.", 1 of
    769 help-desk replies) ends a sentence: it would be an agent of one reply. Said out loud."""
    count = int(replies["signoff"].notna().sum())
    if not settings.signoff_agents or not count or count >= SIGNING_SHARE * len(replies):
        return settings, []
    note = (
        f"{count:,} of {len(replies):,} replies carry a sign-off ('- Name', '^AB'): too few for a team that "
        "signs, so each is credited to its author, not to a signer"
    )
    return replace(settings, signoff_agents=False), [note]


def _threads(replies: pd.DataFrame) -> pd.Series:
    """What ties the parts of each reply (``multipart.threads``)."""
    addressee = replies["addressee"] if "addressee" in replies else pd.Series(pd.NA, index=replies.index)
    return threads(replies["conversation_id"], replies["reply_id"], addressee)


def _part_groups(replies: pd.DataFrame, thread: pd.Series | None = None) -> np.ndarray:
    """The parts of each multi-part reply (``replydiag.multipart``), by the export's authors."""
    if "part" not in replies:
        return np.full(len(replies), -1, dtype=np.int64)
    thread = _threads(replies) if thread is None else thread
    return part_groups(replies["part"], thread, replies["agent"], replies["created_at"])


def _parts_said(
    replies: pd.DataFrame, parts: np.ndarray, thread: pd.Series, agent: pd.Series, settings: Settings
) -> tuple[list[str], list[str]]:
    """The accounting's lines on multi-part replies: how many were joined, and how; and (a
    guess about who wrote rows) how many unsigned parts were credited to their reply's signer."""
    joined = parts >= 0
    if not joined.any():
        return [], []
    by_handle = (thread[joined] != replies["conversation_id"].astype("string")[joined]).any()
    how = " (tied by the handle they address: the export names no conversation)" if by_handle else ""
    notes = [
        f"{int(joined.sum()):,} messages are parts of {int(parts.max()) + 1:,} replies sent in several "
        f"messages{how}: each part is judged with its whole reply and counted as a row of its own"
    ]
    in_parts = replies.loc[joined]
    own = agents(in_parts, settings, np.full(len(in_parts), -1))  # each part by its own sign-off
    # As strings: the two are categories of different names.
    credited = int(
        (in_parts["signoff"].isna() & (own.astype("string") != agent[joined].astype("string"))).sum()
    )
    warnings = (
        [f"{credited:,} unsigned parts of multi-part replies credited to the agent who signed the reply"]
        if credited
        else []
    )
    return warnings, notes


def agents(replies: pd.DataFrame, settings: Settings, parts: np.ndarray | None = None) -> pd.Series:
    """Who wrote each reply, as ``repeated_strings``: the export's author, or brand account/
    sign-off initials (for each part of a multi-part reply, ``parts``, those its reply is
    signed with); "bot" for a bot's message with no author, "unknown" for any other.

    Named once per distinct (author, sign-off, bot) combination, then coded per reply: the
    string operations over ten million authors were four copies of them, the analysis's peak.

    >>> rows = pd.DataFrame({"agent": ["Brand", "Brand", None, None, ""], "signoff": ["MC", None, "KL", None, None],
    ...                      "agent_is_account": True, "automatic_flag": [False, False, False, True, False]})
    >>> agents(rows, Settings()).tolist()
    ['Brand/MC', 'Brand', 'KL', 'bot', 'unknown']
    """
    parts = _part_groups(replies) if parts is None else parts
    author = repeated_strings(replies["agent"])
    author_code = author.cat.codes.to_numpy().astype(np.int64)  # -1: no author
    signoff_code, signoffs = pd.factorize(reply_signoffs(parts, replies["signoff"]))
    signed = np.zeros(len(replies), dtype=bool)
    if settings.signoff_agents:
        # A brand account ("AppleSupport") signed "^MC" was written by agent MC of that brand.
        account = replies.get("agent_is_account", pd.Series(False, index=replies.index))
        signed = (signoff_code >= 0) & account.to_numpy(dtype=bool)
    bot = (
        replies["automatic_flag"].to_numpy(dtype=bool)
        if "automatic_flag" in replies
        else np.zeros(len(replies), dtype=bool)
    )
    combination = ((author_code + 1) * (len(signoffs) + 1) + np.where(signed, signoff_code + 1, 0)) * 2 + bot
    row_combination, combinations = pd.factorize(combination)
    del combination
    names = []
    for value in combinations.tolist():
        rest, by_bot = divmod(value, 2)
        author_at, signoff_at = divmod(rest, len(signoffs) + 1)
        name = str(author.cat.categories[author_at - 1]) if author_at else ""
        if signoff_at:
            name = f"{name}/{signoffs[signoff_at - 1]}".lstrip("/")
        # A bot's message with no author (Ada's bot has a null author id) is the bot's.
        names.append(name or ("bot" if by_bot else "unknown"))
    name_code, unique = pd.factorize(pd.Index(names, dtype="string"), sort=True)
    return pd.Series(
        pd.Categorical.from_codes(name_code[row_combination], categories=unique),
        index=replies.index,
        name="agent",
    )


def _template_table(
    out: pd.DataFrame,
    clustering: Clustering,
    row_key: np.ndarray,
    labels: KeyLabels,
    ids: np.ndarray,
    row_template: np.ndarray,
    stock: StockText,
    threshold: float,
) -> pd.DataFrame:
    """One row per template (family): its replies, agents, dates, kinds and its text with slots.
    Its clusters whose representatives are ``threshold`` alike to the family's (a macro's
    variants, not the stock responses a chain or a shared sentence joined) are aligned.

    A family's text is that of its largest cluster, or its stock sentence (or span) when no whole reply
    of it recurs. ``row_template``: each reply's cluster representative (a key; -1 for none)."""
    key_kind, key_template = labels.kind, labels.template
    # Counted by family code over the reply columns, not over a copy of the members' rows:
    # at ten million replies a members frame and its crosstab were the audit's peak.
    family, families = pd.factorize(out["template_id"])
    used = family >= 0
    if not used.any():
        return pd.DataFrame(columns=list(TEMPLATE_COLUMNS))
    of_used = family[used]
    table = usage(family, len(families), out)
    kind_names = list(out["kind"].cat.categories)
    kind_code = out["kind"].cat.codes.to_numpy()
    counts = np.bincount(
        of_used * len(kind_names) + kind_code[used], minlength=len(families) * len(kind_names)
    ).reshape(len(families), len(kind_names))
    for name in (Kind.TEMPLATE.value, Kind.EDITED.value, Kind.AUTOMATIC.value):
        table[name] = counts[table.index, kind_names.index(name)]
    whole = used & (kind_code != kind_names.index(Kind.EDITED.value))
    least = np.full(len(families), np.inf)  # a family's lowest similarity, NaN ignored
    np.fmin.at(least, family[whole], out["similarity"].to_numpy()[whole])
    table["min_similarity"] = np.where(np.isinf(least), np.nan, least)[table.index]
    marked = used & out["helpdesk_template"].notna().to_numpy()
    if marked.any():
        table["helpdesk_template"] = (
            out.loc[marked, "helpdesk_template"]
            .groupby(family[marked])
            .agg(lambda s: s.value_counts().index[0])
            .reindex(table.index)
        )
    else:
        table["helpdesk_template"] = pd.NA
    table.index = families.take(table.index)

    # Template text: the distinct masked variants of a family's clusters aligned with its
    # representative, so that words varying across the clusters it joins (a courier, a
    # weekday) are slots, with their values.
    member_keys = np.flatnonzero((key_template >= 0) & (key_kind != KIND_CODES[Kind.EDITED]))
    # The masked text of the first reply of each member key (only those: most keys are personal).
    first_row = first_rows(row_key, len(key_kind))
    needed = np.union1d(member_keys, key_template[member_keys])
    display = dict(zip(needed.tolist(), out["masked"].take(first_row[needed]).astype(str).tolist()))
    variants: dict[int, list[tuple[str, int]]] = {}
    for k in member_keys:
        variants.setdefault(int(key_template[k]), []).append((display[k], int(clustering.counts[k])))
    # Each family's clusters, counted on codes (ten million (family, cluster) string pairs
    # were a peak), largest first (ties: the first cluster id). The representative is the
    # cluster the family is named by, or else its largest.
    valid = used & (row_template >= 0)
    pair, size = np.unique(
        family[valid].astype(np.int64) * len(ids) + row_template[valid], return_counts=True
    )
    clusters = pd.DataFrame({"family": families.take(pair // len(ids)), "rep": pair % len(ids), "size": size})
    clusters["cluster"] = ids[clusters["rep"].to_numpy()]
    clusters = clusters.sort_values(
        ["family", "size", "cluster"], ascending=[True, False, True], kind="stable"
    )
    texts: dict[str, str] = {}
    values: dict[str, str] = {}
    family_of = clusters["family"].to_numpy()
    changes = np.flatnonzero(family_of[1:] != family_of[:-1]) + 1
    bounds = np.r_[0, changes, len(family_of)] if len(family_of) else np.zeros(0, dtype=np.int64)
    reps, names = clusters["rep"].to_numpy(), clusters["cluster"].to_numpy()
    for a, b in zip(bounds[:-1], bounds[1:]):
        family_id = family_of[a]
        own = np.flatnonzero(names[a:b] == family_id)
        rep = int(reps[a + own[0]] if len(own) else reps[a])
        joined = [
            v
            for r in reps[a:b].tolist()
            if r == rep or fuzz.ratio(clustering.keys[r], clustering.keys[rep]) >= threshold
            for v in variants.get(r, [])
        ]
        if rep in display and joined:
            found = recover(display[rep], joined)
            texts[family_id], values[family_id] = found.text, found.described_values()
    written = stock.sentences.drop_duplicates("key")
    for key, text in zip(written["key"], written["written"]):
        texts.setdefault(template_id(key), text)
    for key in stock.spans["key"].unique():  # a span is part of a sentence: shown as one
        texts.setdefault(template_id(key), f"… {key} …")
    table["template_text"] = pd.Series(texts)
    # Empty where no slot value recurs (or the family's text is a stock sentence's).
    table["slot_values"] = pd.Series(values, dtype="string").replace("", pd.NA)
    table = table.reset_index(names="template_id")
    table = table.sort_values(["replies", "template_id"], ascending=[False, True], kind="stable")
    return table[list(TEMPLATE_COLUMNS)].reset_index(drop=True)
