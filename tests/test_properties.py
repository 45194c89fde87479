"""Properties that must hold for any input (hypothesis)."""

import re

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import replydiag
from replydiag.cluster import cluster_keys
from replydiag.ingest import load_frame
from replydiag.normalize import key, mask

WORDS = [
    "your",
    "order",
    "refund",
    "shipped",
    "today",
    "sorry",
    "wait",
    "thanks",
    "the",
    "parcel",
    "we",
    "will",
    "call",
    "you",
    "tomorrow",
    "Anna",
    "Tom",
    "#88123",
    "$25.00",
    "https://x.co/a",
    "ann@x.com",
    "订单",
    "已发货",
    "🙂",
    "—",
    "<b>",
    "=SUM(A1)",
    "\n",
    "Perché",
    "12/03/2026",
]
texts = st.lists(st.sampled_from(WORDS), min_size=0, max_size=14).map(" ".join)
PROFILE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROFILE
@given(st.lists(texts, min_size=1, max_size=30))
def test_masking_is_idempotent(lines):
    once = mask(pd.Series(lines))
    assert mask(once).tolist() == once.tolist()


@PROFILE
@given(st.lists(texts, min_size=1, max_size=25), st.randoms())
def test_reordering_the_input_does_not_change_the_clusters(lines, rnd):
    keys = key(mask(pd.Series(lines)))

    def groups(series):
        clustering, rows = cluster_keys(
            series.reset_index(drop=True), threshold=85, min_support=3, min_fuzzy_chars=10
        )
        members: dict[str, set] = {}
        for position, k in enumerate(rows):
            rep = clustering.keys[clustering.cluster[k]]
            members.setdefault(rep, set()).add(series.iloc[position])
        return {rep: frozenset(v) for rep, v in members.items()}

    shuffled = keys.sample(frac=1, random_state=rnd.randint(0, 10_000))
    assert groups(keys) == groups(shuffled)


@PROFILE
@given(st.lists(texts.filter(lambda t: len(t) > 30), min_size=1, max_size=10))
def test_a_reply_sent_three_times_is_its_templates_member_with_similarity_100(lines):
    line = lines[0]
    try:
        result = replydiag.analyze(pd.DataFrame({"text": [line] * 3 + lines[1:]}))
    except replydiag.FormatError:
        # Refused only when there is nothing but numbers and dates (e.g. "12/03/2026").
        assert all(re.fullmatch(r"\s*[\d.,:/\-+ ]*\s*", text) for text in lines)
        return
    first = result.replies.iloc[:3]
    if key(mask(pd.Series([line]))).iloc[0]:
        assert (first["kind"] == "template").all()
        assert first["template_id"].nunique() == 1 and (first["similarity"] == 100).all()


@PROFILE
@given(st.lists(texts, min_size=3, max_size=40))
def test_no_cluster_has_a_member_below_the_threshold(lines):
    try:
        result = replydiag.analyze(pd.DataFrame({"text": lines + lines[:3]}), threshold=85)
    except replydiag.FormatError:
        # Refused only when there is no text at all, or nothing but numbers and dates.
        assert all(re.fullmatch(r"\s*[\d.,:/\-+ ]*\s*", line) for line in lines)
        return
    whole = result.replies[result.replies["kind"] == "template"]
    assert (whole["similarity"] >= 85).all()
    assert (result.templates["min_similarity"].dropna() >= 85).all()


roles = st.sampled_from(["agent", "end-user", "admin", "bot", "note", "", "???", None])
flags = st.sampled_from(["true", "false", "TRUE", "0", "1", "", None, "maybe"])


@PROFILE
@given(
    st.lists(
        st.tuples(texts, roles, flags, st.sampled_from(["1", "2", "2", "x", ""])), min_size=1, max_size=40
    )
)
def test_row_accounting_always_adds_up(rows):
    frame = pd.DataFrame(rows, columns=["body", "author_role", "public", "id"])
    frame["ticket_id"] = "T1"
    frame["author_id"] = "7"
    try:
        export = load_frame(frame)
    except replydiag.ReplydiagError:
        return  # refused as a whole: one clear error, nothing half-counted
    acc = export.accounting
    assert acc.rows_read == len(frame)
    assert acc.rows_read == acc.replies_analysed + acc.customer_messages + acc.rows_skipped
    assert acc.replies_analysed == len(export.replies)


# Any JSON shaped like an export (keys and values from help-desk vocabularies, nested): read
# with replydiag's own one-line error or balanced figures, never a traceback.
JSON_KEYS = st.sampled_from(
    ["id", "text", "body", "message", "author", "author_id", "role", "type", "created_at", "messages",
     "comments", "data", "users", "from", "to", "public", "is_draft", "state", "conversation_id",
     "name", "sender", "in_reply_to", "channel", "via", "parts", "conversation_parts", "record",
     "tweet", "full_text", "transcript", "events"]
)  # fmt: skip
JSON_VALUES = st.one_of(
    texts,
    st.sampled_from(["agent", "end-user", "bot", "note", "comment", "draft", "2026-03-01T10:00:00Z",
                     "( 5s ) Tom: hi\n( 9s ) Ann: help\n( 12s ) Tom: sure"]),
    st.integers(-5, 10**12),
    st.booleans(),
    st.none(),
)  # fmt: skip
documents = st.recursive(
    JSON_VALUES,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(JSON_KEYS, inner, max_size=6),
    max_leaves=40,
)


@PROFILE
@given(
    st.one_of(st.lists(st.dictionaries(JSON_KEYS, documents, max_size=6), min_size=1, max_size=8), documents)
)
def test_any_json_export_is_read_or_refused_in_one_line(tmp_path_factory, document):
    import json

    path = tmp_path_factory.mktemp("json") / "export.json"
    path.write_text(json.dumps(document))
    try:
        result = replydiag.audit(path)
    except replydiag.ReplydiagError:
        return
    assert result.accounting.balanced
