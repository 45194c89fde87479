"""The detection engine on hard cases: input lines next to the expected kinds and clusters."""

import pandas as pd

import replydiag
from replydiag.cluster import cluster_keys


def kinds(lines, **settings):
    result = replydiag.analyze(pd.DataFrame({"text": lines}), **settings)
    return result, result.replies["kind"].astype(str).tolist()


def test_a_tweet_cut_in_parts_is_one_reply_by_the_agent_who_signed_it():
    # As a Twitter archive lists them: no conversation or author column, the day only, newest
    # first, so a reply's parts come last one first; only the last part carries the sign-off.
    texts = [
        "@nealaa ...Alerts, pls check here: http://t.co/0jlcZnT95Q *JH 2/2",
        "@nealaa Hi. Our meteorologist team is aware of the storm and monitors weather at all times... 1/2",
        "@bar_right Hi Pete. That is not good to hear. For questions about the wifi pls tweet @Gogo... 1/2",
        "@marxypoo Thanks, glad it worked out in the end. *AA",
        "@bar_right ...will be glad to work with you regarding any issues. *NG 2/2",
    ]
    frame = pd.DataFrame({"date": ["2015-10-01"] * len(texts), "text": texts})
    result = replydiag.analyze(frame)
    replies = result.replies
    assert replies["agent"].tolist() == ["JH", "JH", "NG", "AA", "NG"]
    # Who wrote the unsigned parts is a guess that changes the per-agent figures: said.
    assert "2 unsigned parts of multi-part replies credited to the agent who signed the reply" in (
        result.accounting.warnings
    )
    assert any(note.startswith("4 messages are parts of 2 replies") for note in result.accounting.notes)
    assert replies["part_of"].tolist()[:3] == [replies["reply_id"][1]] * 2 + [replies["reply_id"][2]]
    assert replies["part_of"][4] == replies["reply_id"][2] and pd.isna(replies["part_of"][3])


def test_a_sign_off_names_its_writer_only_where_the_team_signs_its_replies():
    # A help-desk export with no author: one reply of a hundred ends as a sign-off would.
    texts = [f"Your ticket {i} is with our network team, we will call you back today." for i in range(99)]
    texts.append("Hi, you can turn on the auto-block button in Mobile Management - Blocklist.")
    result, _ = kinds(texts)
    assert set(result.replies["agent"].astype(str)) == {"unknown"}
    assert any(note.startswith("1 of 100 replies carry a sign-off") for note in result.accounting.notes)
    # Where replies are signed as a habit, the sign-off is the writer (Twitter care: "- Isa").
    signed = [f"Glad it arrived, order {i} is all set! -{name}" for i, name in enumerate(["Isa", "Dean"] * 5)]
    result, _ = kinds(signed + texts[:40])
    assert {"Isa", "Dean"} <= set(result.replies["agent"].astype(str))
    assert not any("carry a sign-off" in note for note in result.accounting.notes)


def test_parts_sent_in_the_same_second_join_in_their_counters_order():
    rows = [
        {
            "conversation_id": "c1",
            "agent": "AmazonHelp",
            "created_at": "2016-07-05T07:05:28Z",
            "text": "@metamorph7 Hi there, we understand your concern. However we would not be able to provide (1/2)",
        },
        {
            "conversation_id": "c1",
            "agent": "AmazonHelp",
            "created_at": "2016-07-05T07:05:27Z",
            "text": "@metamorph7 pickup for seller orders. We'll pass along this feedback internally. (2/2) ^VM",
        },
    ]
    replies = replydiag.analyze(pd.DataFrame(rows)).replies
    assert replies["part_of"].tolist() == [replies["reply_id"][0]] * 2
    assert replies["agent"].nunique() == 1


def test_slot_values_and_light_edits_are_one_template():
    lines = [
        "Hi Anna, your refund of $25.00 for order #881234 has been processed and will arrive in 5 days.",
        "Hi Marco Rossi, your refund of €13.50 for order #992211 has been processed and will arrive in 5 days.",
        "Hello Sarah, your refund of £9.99 for order A771122 has been processed and will arrive in 5 days.",
        "Hi Tom, your refund of $40.00 for order #118822 has been procesed and will arrive in 5 days.",  # typo
        "Hi Lucia, your refund of $7.00 for order #665544 has been processed and will arrive in 5 days 🙂",  # emoji
        "Dear Omar, your refund of $99.00 for order #443322 has processed and will arrive in 5 days.",  # dropped word
    ]
    result, got = kinds(lines)
    assert got == ["template"] * 6
    assert result.replies["template_id"].nunique() == 1
    text = result.templates["template_text"].iloc[0]
    assert "{name}" in text and "{amount}" in text and "{order}" in text


def test_templates_differing_in_key_words_stay_apart():
    refund = "Hi {n}, thanks for reaching out! Your refund for order {o} has been processed and should arrive within 5-7 business days."
    replacement = "Hi {n}, thanks for reaching out! Your replacement for order {o} has been shipped and should arrive within 5-7 business days."
    lines = [refund.format(n=n, o=o) for n, o in (("Ann", 1231231), ("Bo", 4564564), ("Cy", 7897897))]
    lines += [replacement.format(n=n, o=o) for n, o in (("Di", 3213213), ("Ed", 6546546), ("Flo", 9879879))]
    result, got = kinds(lines)
    assert got == ["template"] * 6
    ids = result.replies["template_id"].tolist()
    assert len(set(ids[:3])) == 1 and len(set(ids[3:])) == 1 and ids[0] != ids[3]


def test_no_chaining_members_join_the_representative_only():
    # A~B and B~C are close, A and C are not: C must not be pulled into A's cluster.
    a = "please restart the router and wait two minutes before trying again"
    b = "please restart the router and wait five minutes before you try it again later"
    c = "please unplug the modem and wait five minutes before you try it again later today"
    clustering, rows = cluster_keys(
        pd.Series([a] * 3 + [b, c]), threshold=85, min_support=3, min_fuzzy_chars=10
    )
    rep = clustering.cluster[rows]
    assert rep[0] == rep[1] == rep[2]
    assert rep[4] != rep[0]
    assert clustering.similarity[rows[4]] >= 85 or rep[4] == rows[4]


def test_short_stock_phrases_are_templates_but_distinct_short_replies_never_merge():
    lines = [
        "You're welcome!",
        "You're welcome!",
        "You're welcome!",
        "Thanks, done.",
        "Thanks, gone.",
        "Thanks, dome.",
    ]
    _result, got = kinds(lines)
    assert got == ["template", "template", "template", "personal", "personal", "personal"]


def test_template_with_personal_paragraph_is_edited_with_its_share():
    template = (
        "To reset your password, open the link in the email we send you and follow the steps. "
        "The link is valid for 24 hours."
    )
    personal = (
        "I can see you tried three times this morning from the Milan office and the account locked itself, "
        "so I unlocked it for you just now and removed the old phone number."
    )
    lines = [template] * 4 + [personal + " " + template]
    result, got = kinds(lines)
    assert got == ["template"] * 4 + ["edited"]
    share = result.replies["template_share"].iloc[4]
    assert 0.3 < share < 0.7
    assert result.replies["template_id"].iloc[4] == result.replies["template_id"].iloc[0]


def test_long_template_with_a_personal_line_added_is_edited_though_alike_as_a_whole():
    # Long stock text with a short personal line stays ratio-85 alike to its template as a
    # whole; the line (8+ words the template lacks, in a row) makes the reply edited, while
    # light edits of the same template (a swapped word, another greeting) stay template.
    stock = (
        "If you have any other questions, just reply to this email and we will be happy to help. "
        "You can track the status of your order at any time from the Orders section of your account, "
        "and the courier will send you a text message on the day of delivery."
    )
    light = [
        "Hi there, " + stock,
        "Hello, " + stock.replace("happy to help", "glad to help"),
        stock.replace("text message", "message"),
    ]
    added = "Good news, the blue kettle you asked about is waiting at the north depot. " + stock
    result, got = kinds([stock] * 3 + light + [added])
    assert got == ["template"] * 6 + ["edited"]
    replies = result.replies
    assert replies["template_id"].nunique() == 1
    assert 0.7 < replies["template_share"].iloc[-1] < 0.95


def test_personal_reply_sharing_greeting_and_signature_stays_personal():
    template = (
        "Hi {}, your order {} has shipped and will arrive on Friday.\n\nBest regards,\nAnna\nACME Support"
    )
    lines = [template.format(n, o) for n, o in (("Ann", 123456), ("Bo", 654321), ("Cy", 777777))]
    lines.append(
        "Hi Dora, the blender you asked about only comes in red this season, sorry.\n\nBest regards,\nAnna\nACME Support"
    )
    _result, got = kinds(lines)
    assert got == ["template", "template", "template", "personal"]


def test_chinese_replies_without_spaces():
    lines = [f"您好，您的订单{o}已经发货，预计三天内送达，请注意查收。" for o in (884213, 123456, 998877)]
    lines += [
        "亲，这个问题我帮您问一下仓库的同事，稍后回复您。",
        "您好，麻烦提供一下您的手机型号和系统版本号，我们帮您查询。",
    ]
    _result, got = kinds(lines)
    assert got == ["template", "template", "template", "personal", "personal"]


def test_chinese_stock_sentences_are_found_and_shown_as_written():
    """Chinese ends a clause at a full-width mark with no space after it. A stock sentence
    (with personal lines around it) is stock text, shown as written; a short clause any writer
    uses ("请您耐心等待", "please wait patiently": a few words) is not."""
    stock = "麻烦您私信提供您的宽带账号和联系方式，以便我们为您核实处理。"
    personal = [
        "您好，网络断了三天确实很着急。",
        "亲，装机师傅昨天没有上门吗？",
        "您好，这个地址我们已经记录。",
        "亲，您说的信号问题在郊区比较常见。",
    ]
    lines = [f"{p}{stock}" for p in personal]
    lines += [
        "请您耐心等待，维修人员明天上午会先去您楼下的机房检查线路。",
        "请您耐心等待，退款会在三个工作日内原路退回到您的银行卡。",
        "请您耐心等待，新的路由器已经从上海仓库发出了。",
    ]
    result, got = kinds(lines)
    assert got == ["edited"] * 4 + ["personal"] * 3
    assert sorted(result.phrases["phrase_text"]) == sorted(
        ["麻烦您私信提供您的宽带账号和联系方式，", "以便我们为您核实处理。"]
    )


def test_bot_flag_makes_a_reply_automatic():
    df = pd.DataFrame(
        {
            "body": [
                "We got your request and will reply within 24 hours.",
                "Sure, I moved your delivery to Friday.",
            ],
            "via": ["rule", "email"],
            "agent": ["Bot", "Ann"],
        }
    )
    result = replydiag.analyze(df, column_map={"automation": "via"})
    assert result.replies["kind"].astype(str).tolist() == ["automatic", "personal"]


def test_min_similarity_of_each_template_is_not_below_threshold():
    result = replydiag.audit(replydiag.sample_path())
    assert (result.templates["min_similarity"].dropna() >= result.settings.threshold).all()


def test_results_do_not_depend_on_how_keys_are_sliced(monkeypatch):
    """Word pairs are computed, and edited templates searched, a slice of keys at a time:
    slices of 7 keys must give what one slice gives."""
    from replydiag import edited, features
    from replydiag.samples import sample_path

    export = replydiag.load(sample_path())
    whole = replydiag.analyze(export)
    monkeypatch.setattr(features, "FEATURE_CHUNK", 7)
    monkeypatch.setattr(edited, "CONTAINMENT_SLICE", 7)
    sliced = replydiag.analyze(export)
    for column in ("kind", "template_id", "similarity", "template_share"):
        assert whole.replies[column].astype(str).tolist() == sliced.replies[column].astype(str).tolist()
    assert (whole.replies["kind"] == "edited").sum() > 10  # the edited search had work to do
    assert whole.templates["template_text"].tolist() == sliced.templates["template_text"].tolist()


def test_a_reply_sent_in_parts_is_judged_whole():
    stock = (
        "Please fill a claim by following the steps on our help page so the team can review it. "
        "Once it is filed you will hear back from the claims team within two working days."
    )
    personal = [
        "The courier left it at the wrong gate on Elm Street, so I have asked them to collect it today.",
        "Your second parcel went to the Dover depot because the label was torn; it leaves tomorrow morning.",
        "I spoke with the Leeds store and they will hold the blue jacket for you until Friday evening.",
    ]
    rows = [
        {"conversation_id": f"c{i}", "agent": "Acme", "created_at": "2026-03-02T10:00:00Z", "text": stock}
        for i in range(4)
    ]
    # One agent cut the stock reply in two and added a line of their own to the second part.
    first, second = stock.split(". ", 1)
    rows += [
        {
            "conversation_id": "c9",
            "agent": "Acme",
            "created_at": "2026-03-02T11:00:00Z",
            "text": first + " (1/2)",
        },
        {
            "conversation_id": "c9",
            "agent": "Acme",
            "created_at": "2026-03-02T11:00:05Z",
            "text": second + " Sorry again! (2/2)",
        },
    ]
    rows += [
        {"conversation_id": f"p{i}", "agent": "Acme", "created_at": "2026-03-02T12:00:00Z", "text": t}
        for i, t in enumerate(personal)
    ]
    result = replydiag.analyze(pd.DataFrame(rows))
    parts = result.replies[result.replies["conversation_id"] == "c9"]
    assert parts["kind"].astype(str).tolist() == ["edited", "edited"]
    assert parts["part_of"].nunique() == 1 and parts["template_id"].nunique() == 1
    assert (
        result.replies.loc[result.replies["conversation_id"].str.startswith("p"), "kind"] == "personal"
    ).all()


def test_a_multi_part_reply_in_the_export_leaves_the_other_replies_stock_share_alone():
    stock = "Please follow and DM your confirmation number so I can review your itinerary."
    edited = stock + " Our Atlanta crew reports heavy rain and the storm delays the evening flights."
    parts = [
        "@ann Hi Ann. Our meteorologist team is aware of the storm and monitors weather... 1/2",
        "@ann ...so your flight may leave late tonight. *JH 2/2",
    ]
    alone = replydiag.analyze(pd.DataFrame({"text": [stock] * 3 + [edited]})).replies
    with_parts = replydiag.analyze(pd.DataFrame({"text": [stock] * 3 + [edited] + parts})).replies
    assert alone["kind"][3] == with_parts["kind"][3] == "edited"
    assert 0 < alone["stock_share"][3] < 1
    # A templated reply keeps its own share (it was reported as 1.0 whenever a reply in parts
    # was in the same export).
    assert with_parts["stock_share"][3] == alone["stock_share"][3]
    assert with_parts["part_of"].notna().sum() == 2
