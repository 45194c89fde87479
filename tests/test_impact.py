"""What followed the replies: follow-ups, their signals, and rates with intervals."""

import pandas as pd
import pytest

import replydiag
from replydiag.followup import customer_signals
from replydiag.impact import follow_ups, impact_table


def test_signals_in_six_languages():
    said = customer_signals(
        pd.Series(
            [
                "Is this a canned reply?",
                "Posso parlare con un operatore?",
                "No es lo que pregunté",
                "Immer noch nichts angekommen",
                "Encore une fois, ma commande",
                "??",
                "Thank you so much, all sorted",
            ]
        )
    )["signal"]
    assert said.tolist()[:6] == ["canned", "human", "not_answered", "still", "again", "impatient"]
    assert pd.isna(said.iloc[6])


def test_follow_up_minutes_repeat_and_end_of_conversation():
    t = pd.to_datetime(
        ["2026-03-02 09:00", "2026-03-02 10:00", "2026-03-02 10:20", "2026-03-02 11:00", "2026-03-02 12:00"],
        utc=True,
    )
    customers = pd.DataFrame(
        {
            "conversation_id": ["c", "c", "d"],
            "created_at": t[[0, 2, 0]],
            "signal": [pd.NA, pd.NA, pd.NA],
            "ask_hash": [42, 42, 7],  # the customer sends their first message again
        }
    )
    replies = pd.DataFrame({"conversation_id": ["c", "c", "d", "e"], "created_at": t[[1, 3, 4, 4]]})
    out = follow_ups(replies, customers)
    assert out["customer_followed_up"].tolist()[:3] == [True, False, False]
    assert out["followup_minutes"].iloc[0] == 20.0 and out["followup_signal"].iloc[0] == "repeat"
    assert out["conversation_ended"].tolist()[:3] == [False, True, True]
    assert pd.isna(out["customer_followed_up"].iloc[3])  # no customer message in its conversation


def test_rates_say_not_enough_data_below_the_minimum():
    replies = pd.DataFrame(
        {
            "kind": ["template"] * 40 + ["personal"] * 5,
            "template_id": ["T1"] * 40 + [None] * 5,
            "agent": ["Ann"] * 45,
            "conversation_id": [f"c{i}" for i in range(45)],
            "created_at": pd.to_datetime(["2026-03-02"] * 45, utc=True),
            "customer_followed_up": [True] * 10 + [False] * 35,
            "followup_signal": ["still"] * 4 + [None] * 41,
            "conversation_ended": [False] * 10 + [True] * 35,
        }
    )
    table = impact_table(replies, min_replies=30).set_index(["level", "stratum", "group"])
    templated = table.loc[("templated", "all", "templated")]
    assert templated["replies"] == 40 and templated["frustrated_rate"] == 0.1
    assert templated["frustrated_low"] < 0.1 < templated["frustrated_high"]
    personal = table.loc[("templated", "all", "personal")]
    assert not personal["enough_data"] and pd.isna(personal["frustrated_rate"])


def test_an_export_without_customer_messages_says_so_instead_of_a_zero(tmp_path):
    df = pd.DataFrame({"text": [f"Your order {i} has shipped and will arrive soon!" for i in range(40)]})
    result = replydiag.analyze(df)
    assert result.impact_skipped == "the export holds no customer messages"
    assert result.summary()["impact"] == {"skipped": "the export holds no customer messages"}
    replydiag.write_audit(result, tmp_path)
    assert not (tmp_path / "impact.csv").exists()
    assert "Not shown: the export holds no customer messages" in (tmp_path / "report.md").read_text()


def test_the_sample_audit_writes_impact_and_its_report_section(tmp_path):
    from tests.conftest import SAMPLE

    result = replydiag.audit(SAMPLE)
    assert result.impact_skipped is None
    assert result.replies["customer_followed_up"].notna().mean() > 0.5
    replydiag.write_audit(result, tmp_path)
    impact = pd.read_csv(tmp_path / "impact.csv")
    assert {"kind", "templated", "template", "agent"} <= set(impact["level"])
    assert "## What followed the replies" in (tmp_path / "report.md").read_text()
    assert "What followed the replies" in (tmp_path / "report.html").read_text()


def test_follow_up_rates_of_the_generators_frustrating_macros_are_recovered(tmp_path):
    """The generator makes customers answer some macros with frustration far more often; the
    rates replydiag measures per true template fall within their own 95% intervals of the
    truth read from the export (the customer's next message is one of the generator's own)."""
    from replydiag.metrics import wilson
    from replydiag.samples import FRUSTRATED, SampleConfig, generate, truth_path

    path = tmp_path / "export.csv"
    generate(path, SampleConfig(replies=6000, seed=31))
    rows = pd.read_csv(path, dtype=str)
    rows["created_at"] = pd.to_datetime(rows["created_at"], utc=True)
    truth = pd.read_csv(truth_path(path), dtype=str)
    customers = rows[rows["author_role"] == "end-user"].sort_values("created_at")
    replies = rows[(rows["author_role"] == "agent") & (rows["public"] == "true")].sort_values("created_at")
    following = pd.merge_asof(
        replies[["id", "ticket_id", "created_at"]],
        customers[["ticket_id", "created_at", "body"]].rename(columns={"created_at": "next_at"}),
        left_on="created_at",
        right_on="next_at",
        by="ticket_id",
        direction="forward",
        allow_exact_matches=False,
    )
    # Frustrated: one of the generator's frustrated messages, or the customer sending the
    # words of their own earlier message again (drawn twice from the generator's few lines).
    customers = customers.assign(seen_before=customers.duplicated(["ticket_id", "body"]))
    repeats = set(
        zip(
            customers.loc[customers["seen_before"], "ticket_id"],
            customers.loc[customers["seen_before"], "created_at"],
        )
    )
    repeated = [(t, at) in repeats for t, at in zip(following["ticket_id"], following["next_at"])]
    following["frustrated"] = following["body"].isin(FRUSTRATED) | pd.Series(repeated, index=following.index)
    truth = truth.merge(following[["id", "frustrated"]], left_on="reply_id", right_on="id")

    result = replydiag.audit(path)
    found = result.replies.assign(reply_id=result.replies["reply_id"].astype(str))
    both = truth.merge(found[["reply_id", "followup_signal"]], on="reply_id")
    both["signalled"] = both["followup_signal"].notna()
    frustrating = both["template"].isin(["address_check", "billing"])
    for group in (both[frustrating], both[~frustrating]):
        n, measured, true_rate = len(group), int(group["signalled"].sum()), group["frustrated"].mean()
        low, high = wilson(measured, n)
        assert low <= true_rate <= high, (measured / n, true_rate, n)
    assert both.loc[frustrating, "signalled"].mean() > 2 * both.loc[~frustrating, "signalled"].mean()


def test_undated_dialogues_are_followed_in_the_order_of_their_turns(tmp_path):
    import json

    turns = [
        {"sender": "customer", "utterances": "My order 5521 is late, where is it?"},
        {"sender": "agent", "utterances": "Sorry about that, it leaves the depot today."},
        {"sender": "customer", "utterances": "Still nothing has arrived at my door."},
        {"sender": "agent", "utterances": "I have asked the courier to call you this afternoon."},
    ]
    path = tmp_path / "dialogues.json"
    path.write_text(json.dumps([{"conversation_id": f"d{i}", "turns": turns} for i in range(3)]))
    result = replydiag.audit(path)
    replies = result.replies.sort_values(["conversation_id", "reply_id"])
    assert replies["customer_followed_up"].tolist() == [True, False] * 3
    assert replies["followup_signal"].iloc[0] == "still" and pd.isna(replies["followup_signal"].iloc[1])
    assert replies["followup_minutes"].isna().all()  # no dates: no minutes
    assert replies["conversation_ended"].tolist() == [False, True] * 3


def test_the_exports_own_satisfaction_rating_is_read_per_conversation(tmp_path):
    from tests.conftest import SAMPLE

    rows = pd.read_csv(SAMPLE, dtype=str)
    tickets = rows["ticket_id"].astype(int)
    # Rated on the ticket's first row only, good for even tickets; every third ticket unrated.
    first = ~rows["ticket_id"].duplicated()
    rows["satisfaction_rating"] = None
    rows.loc[first & (tickets % 3 != 0), "satisfaction_rating"] = (tickets % 2 == 0).map(
        {True: "good", False: "bad"}
    )
    path = tmp_path / "rated.csv"
    rows.to_csv(path, index=False)
    result = replydiag.audit(path)
    replies = result.replies.assign(ticket=result.replies["conversation_id"].astype(int))
    rated = replies[replies["ticket"] % 3 != 0]
    assert (
        rated["satisfied"].notna().all() and replies.loc[replies["ticket"] % 3 == 0, "satisfied"].isna().all()
    )
    assert (rated["satisfied"] == (rated["ticket"] % 2 == 0)).all()
    overall = result.impact().set_index(["level", "stratum", "group"]).loc[("templated", "all", "templated")]
    assert overall["rated"] == len(rated[rated["kind"].astype(str) != "personal"])
    assert overall["satisfied_low"] < overall["satisfied_rate"] < overall["satisfied_high"]
    replydiag.write_audit(result, tmp_path / "out")
    assert "satisfied, of rated (95% CI)" in (tmp_path / "out" / "report.md").read_text()


def test_the_impact_table_is_computed_once_per_replies_frame(monkeypatch):
    import replydiag.impact as impact
    from tests.conftest import SAMPLE

    result = replydiag.audit(SAMPLE)
    calls = []
    real = impact.impact_table
    monkeypatch.setattr(impact, "impact_table", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = result.impact()
    result.summary()
    first.loc[:, "replies"] = -1  # a caller's copy: changing it changes nothing cached
    assert (result.impact()["replies"] >= 0).all() and len(calls) == 1
    result.replies = result.replies.copy()  # a new frame is a new table
    result.impact()
    assert len(calls) == 2


@pytest.mark.parametrize("low_memory", [False, True])
def test_customers_found_by_how_widely_authors_write_have_their_follow_ups_read(tmp_path, low_memory):
    # No column says who wrote each row (a Twitter API dump): the customers are found once the
    # whole file is read, after their texts were normalised as if they were replies. Their
    # follow-ups were then read as saying nothing: no frustration after 12 canned replies.
    rows = []
    for c in range(12):
        rows += [
            {
                "id": f"{c}a",
                "author": f"cust_{c}",
                "conversation": c,
                "text": "My parcel never came, order 123",
            },
            {
                "id": f"{c}b",
                "author": "AcmeHelp",
                "conversation": c,
                "text": "Sorry! Please DM us your order number.",
            },
            {
                "id": f"{c}c",
                "author": f"cust_{c}",
                "conversation": c,
                "text": "Still nothing?? Can I talk to a human",
            },
        ]
    path = tmp_path / "tweets.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    result = replydiag.audit(path, low_memory=low_memory)
    assert any("read as the team" in w for w in result.accounting.warnings)
    table = result.impact(min_replies=5)
    everything = table[(table["level"] == "templated") & (table["stratum"] == "all")].iloc[0]
    assert everything["replies"] == 12 and everything["frustrated"] == 12
