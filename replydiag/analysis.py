"""The analysis: normalised replies -> clusters -> templates -> a kind per reply.

``analyze_replies`` is pure (DataFrame in, DataFrames out); ``replydiag.api`` wraps it
with loading and the typed result.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
from rapidfuzz import fuzz

from .cluster import Clustering, cluster_codes, find_contained_templates
from .memory import release_memory
from .models import Kind, Role, Settings
from .normalize import normalize
from .templates import recover_template, template_id

REPLY_COLUMNS = (
    "reply_id", "conversation_id", "agent", "channel", "created_at", "kind", "template_id", "similarity",
    "template_share", "text", "source", "signoff", "helpdesk_template", "masked",
)
TEMPLATE_COLUMNS = (
    "template_id", "template_text", "replies", "agents", "first_seen", "last_seen", "example_reply_id",
    "template", "edited", "automatic", "min_similarity", "helpdesk_template",
)

LIGHT_EDIT_SHARE = 0.85
MAX_ANALYSED_CHARS = 20_000
_KIND_CODES = {Kind.PERSONAL: 0, Kind.TEMPLATE: 1, Kind.EDITED: 2, Kind.AUTOMATIC: 3}
_KIND_NAMES = np.array([Kind.PERSONAL.value, Kind.TEMPLATE.value, Kind.EDITED.value, Kind.AUTOMATIC.value],
                       dtype=object)


class ReplyKeys:
    """The chunk step of a big export: normalise each chunk's replies as it is read and keep
    only what the analysis needs — each reply's key code and sign-off, and each distinct key
    once, with the masked text of its first reply. Memory then grows with the distinct
    replies, not with the text of every one.
    """

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}
        self.keys: list[str] = []
        self._masked: list[pa.Array] = []  # Arrow, not Python strings: a third of the memory

    @property
    def masked(self) -> pd.Series:
        """The masked text of each distinct key (of the first reply that had it)."""
        chunks = pa.chunked_array(self._masked, type=pa.string()) if self._masked else pa.chunked_array(
            [], type=pa.string())
        return pd.Series(pd.arrays.ArrowStringArray(chunks))

    def done(self) -> None:
        """Reading is over: the lookup from key to code is no longer needed."""
        self.codes = {}

    def __call__(self, rows: pd.DataFrame) -> pd.DataFrame:
        replies = (rows["reason"].isna() & (rows["role"] != Role.CUSTOMER.value)).to_numpy()
        norm = normalize(_analysed_text(rows.loc[replies, "text"]))
        local, uniques = pd.factorize(norm.key.fillna(""), sort=False)
        first = first_rows(local, len(uniques))
        to_global = np.empty(len(uniques), dtype=np.int64)
        new_rows: list[int] = []
        for i, found in enumerate(uniques):
            code = self.codes.get(found)
            if code is None:
                code = self.codes[found] = len(self.keys)
                self.keys.append(found)
                new_rows.append(int(first[i]))
            to_global[i] = code
        if new_rows:
            masked = pa.chunked_array(norm.masked.fillna("").array.__arrow_array__()).cast(pa.string())
            self._masked.append(masked.take(pa.array(new_rows, type=pa.int64())).combine_chunks())
        key_code = np.full(len(rows), -1, dtype=np.int32)
        key_code[replies] = to_global[local]
        signoff = pd.Series(pd.NA, index=rows.index, dtype="string")
        signoff[replies] = norm.signoff.to_numpy()
        return rows.drop(columns="text").assign(key_code=key_code, signoff=signoff)


def first_rows(codes: np.ndarray, n: int) -> np.ndarray:
    """Position of the first row with each code ``0..n-1`` (-1 for codes no row has).

    >>> first_rows(np.array([2, 0, 2, 0]), 3).tolist()
    [1, -1, 0]
    """
    first = np.full(n, -1, dtype=np.int64)
    # Written back to front, so the earliest position of a code is the one that stays.
    first[codes[::-1]] = np.arange(len(codes))[::-1]
    return first


def _analysed_text(text: pd.Series) -> pd.Series:
    # Past a few pages a reply is no template anyway; comparing a 50 MB cell in full only costs.
    text = text.astype("string")
    if (text.str.len() > MAX_ANALYSED_CHARS).any():
        text = text.str.slice(0, MAX_ANALYSED_CHARS)
    return text


def analyze_replies(
    replies: pd.DataFrame,
    *,
    settings: Settings,
    customer_times: pd.DataFrame | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    keys: ReplyKeys | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Label every reply and recover the templates. Returns (replies, templates) frames.

    ``replies`` has a ``text`` column, or (read in chunks through ``keys``) a ``key_code``
    and a ``signoff`` column; the result's ``masked`` text is then that of the first reply
    with the same key.
    """
    replies = replies.reset_index(drop=True)
    n = len(replies)
    if progress:
        progress("normalising", 0, n)
    if keys is None:
        norm = normalize(_analysed_text(replies["text"]))
        signoff, masked = norm.signoff, norm.masked
        codes, uniques = pd.factorize(norm.key.astype("string").fillna(""), sort=False)
        uniques = list(uniques)
        del norm  # the cleaned bodies are not needed past this point: one copy of the text less
    else:
        codes, uniques = replies["key_code"].to_numpy(), keys.keys
        signoff = replies["signoff"].astype("string")
        masked = pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(keys.masked.array)))

    agent = replies["agent"].astype("string")
    if settings.signoff_agents:
        # A brand account ("AppleSupport") signed "^MC" was written by agent MC of that brand.
        account = replies.get("agent_is_account", pd.Series(False, index=replies.index)).astype(bool)
        signed = signoff.notna() & account
        agent = agent.where(~signed, agent.fillna("").str.cat(signoff, sep="/").str.lstrip("/"))
    agent = agent.fillna("unknown").replace("", "unknown")

    def key_progress(done: int, total: int) -> None:
        if progress:
            progress("clustering distinct replies", done, total)

    clustering, row_key = cluster_codes(
        codes,
        uniques,
        threshold=settings.threshold,
        min_support=settings.min_support,
        min_fuzzy_chars=settings.min_fuzzy_chars,
        progress=key_progress,
    )
    release_memory()
    def edited_progress(done: int, total: int) -> None:
        if progress:
            progress("finding edited templates", done, total)

    key_kind, key_template, key_similarity, key_share = _label_keys(clustering, settings, edited_progress)

    kind = key_kind[row_key].copy()
    rep = key_template[row_key]
    similarity = key_similarity[row_key]
    share = key_share[row_key]

    automatic = replies["automatic_flag"].to_numpy(dtype=bool).copy()
    if customer_times is not None and len(customer_times) and settings.automatic_seconds > 0:
        delay = _seconds_since_customer(replies, customer_times)
        verbatim = (kind == _KIND_CODES[Kind.TEMPLATE]) & (similarity >= 100.0)
        automatic |= verbatim & (delay <= settings.automatic_seconds)
    kind[automatic] = _KIND_CODES[Kind.AUTOMATIC]

    ids = np.array([template_id(k) for k in clustering.keys], dtype=object)
    has_template = rep >= 0
    out = pd.DataFrame({
        "reply_id": replies["reply_id"].astype("string"),
        "conversation_id": replies["conversation_id"].astype("string"),
        "agent": agent,
        "channel": replies["channel"].astype("string"),
        "created_at": replies["created_at"],
        "kind": pd.Categorical(_KIND_NAMES[kind], categories=[k.value for k in Kind]),
        "template_id": pd.Series(np.where(has_template, ids[np.maximum(rep, 0)], None), dtype="string"),
        "similarity": np.where(has_template, np.round(similarity, 1), np.nan),
        "template_share": np.where(has_template, np.round(share, 3), np.nan),
        "text": replies["text"].astype("string") if "text" in replies else pd.Series(pd.NA, index=replies.index,
                                                                                    dtype="string"),
        "source": replies["source"].astype("string"),
        "signoff": signoff,
        "helpdesk_template": replies["helpdesk_template"].astype("string"),
        "masked": masked,
    })
    templates = _template_table(out, clustering, row_key, key_kind, key_template, ids)
    del clustering
    release_memory()
    return out, templates


def _label_keys(clustering: Clustering, settings: Settings, progress: Callable[[int, int], None] | None = None):
    """Kind, template representative, similarity and template share per distinct key."""
    n = len(clustering.keys)
    sizes = clustering.cluster_sizes()
    reps = sizes[sizes >= settings.min_support].index.to_numpy()
    reps = np.array([r for r in reps if clustering.keys[r]], dtype=np.int64)
    is_template_rep = np.zeros(n, dtype=bool)
    is_template_rep[reps] = True

    kind = np.zeros(n, dtype=np.int8)
    template = np.full(n, -1, dtype=np.int64)
    similarity = np.zeros(n)
    share = np.zeros(n)
    in_template = is_template_rep[clustering.cluster]
    kind[in_template] = _KIND_CODES[Kind.TEMPLATE]
    template[in_template] = clustering.cluster[in_template]
    similarity[in_template] = clustering.similarity[in_template]
    share[in_template] = 1.0

    lengths = np.fromiter((len(k) for k in clustering.keys), dtype=np.int64, count=n)
    candidates = np.flatnonzero(~in_template & (lengths >= settings.min_fuzzy_chars))
    contained = find_contained_templates(clustering, candidates, reps, min_coverage=settings.edited_coverage,
                                         progress=progress)
    for i, hit in contained.items():
        # Nearly all of the template and nearly nothing else: a light edit of a short template
        # (one dropped word moves a short text below the threshold), not an edited one.
        # Its similarity is then the word-level one, which clears the threshold by construction.
        word_similarity = 100 * min(hit.coverage, hit.share)
        light = word_similarity >= max(settings.threshold, 100 * LIGHT_EDIT_SHARE)
        kind[i] = _KIND_CODES[Kind.TEMPLATE if light else Kind.EDITED]
        template[i] = hit.template
        similarity[i] = word_similarity if light else fuzz.ratio(clustering.keys[i], clustering.keys[hit.template])
        share[i] = min(hit.share, 1.0)
    return kind, template, similarity, share


def _seconds_since_customer(replies: pd.DataFrame, customer_times: pd.DataFrame) -> np.ndarray:
    """Seconds between each reply and the latest earlier customer message of its conversation."""
    left = pd.DataFrame({
        "position": np.arange(len(replies)),
        "conversation_id": replies["conversation_id"].astype("string"),
        "created_at": replies["created_at"],
    }).dropna(subset=["created_at"])
    right = customer_times.rename(columns={"created_at": "customer_at"}).dropna()
    right["conversation_id"] = right["conversation_id"].astype("string")
    delay = np.full(len(replies), np.inf)
    if left.empty or right.empty:
        return delay
    merged = pd.merge_asof(
        left.sort_values("created_at"),
        right.sort_values("customer_at"),
        left_on="created_at",
        right_on="customer_at",
        by="conversation_id",
        direction="backward",
    )
    seconds = (merged["created_at"] - merged["customer_at"]).dt.total_seconds().to_numpy()
    ok = ~np.isnan(seconds)
    delay[merged["position"].to_numpy()[ok]] = seconds[ok]
    return delay


def _template_table(out: pd.DataFrame, clustering: Clustering, row_key: np.ndarray, key_kind: np.ndarray,
                    key_template: np.ndarray, ids: np.ndarray) -> pd.DataFrame:
    used = out["template_id"].notna()
    if not used.any():
        return pd.DataFrame(columns=list(TEMPLATE_COLUMNS))
    members = out.loc[used, ["template_id", "agent", "created_at", "reply_id", "kind", "similarity",
                             "helpdesk_template"]]
    grouped = members.groupby("template_id", observed=True)
    table = pd.DataFrame({
        "replies": grouped.size(),
        "agents": grouped["agent"].nunique(),
        "first_seen": grouped["created_at"].min(),
        "last_seen": grouped["created_at"].max(),
        "example_reply_id": grouped["reply_id"].first(),
    })
    kinds = pd.crosstab(members["template_id"], members["kind"])
    for name in (Kind.TEMPLATE.value, Kind.EDITED.value, Kind.AUTOMATIC.value):
        table[name] = kinds[name] if name in kinds else 0
    whole = members[members["kind"] != Kind.EDITED.value]
    table["min_similarity"] = whole.groupby("template_id", observed=True)["similarity"].min()
    marks = members.dropna(subset=["helpdesk_template"])
    if len(marks):
        table["helpdesk_template"] = marks.groupby("template_id")["helpdesk_template"].agg(
            lambda s: s.value_counts().index[0])
    else:
        table["helpdesk_template"] = pd.NA

    # Template text: align the distinct masked variants of each cluster with its representative.
    member_keys = np.flatnonzero((key_template >= 0) & (key_kind != _KIND_CODES[Kind.EDITED]))
    # The masked text of the first reply of each member key (only those: most keys are personal).
    first_row = first_rows(row_key, len(key_kind))
    needed = np.union1d(member_keys, key_template[member_keys])
    display = dict(zip(needed.tolist(), out["masked"].take(first_row[needed]).astype(str).tolist()))
    variants: dict[int, list[tuple[str, int]]] = {}
    for k in member_keys:
        variants.setdefault(int(key_template[k]), []).append((display[k], int(clustering.counts[k])))
    texts = {ids[rep]: recover_template(display[rep], vs) for rep, vs in variants.items() if rep in display}
    table["template_text"] = pd.Series(texts)
    table = table.reset_index(names="template_id")
    table = table.sort_values(["replies", "template_id"], ascending=[False, True], kind="stable")
    return table[list(TEMPLATE_COLUMNS)].reset_index(drop=True)
