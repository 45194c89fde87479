"""Stock text: reused sentences and runs make a reply templated; common phrasing does not."""

import numpy as np
import pandas as pd
import pytest

import replydiag
from replydiag.phrases import phrase_id
from replydiag.stock import stock_text

STOCK = [
    "Please allow two business days for the refund to reach your card.",
    "You can follow the parcel from the link in your confirmation email.",
    "Our courier partner delivers between eight in the morning and six in the evening.",
]
FILLER = ["the blue kettle", "a spare charger", "the second parcel", "your gift voucher", "the old address"]


def _assembled_export() -> pd.DataFrame:
    """Twelve agents each combine two stock sentences in their own order with one line of their own."""
    rng = np.random.default_rng(3)
    texts = []
    for i in range(12):
        first, second = rng.choice(len(STOCK), size=2, replace=False)
        own = f"I checked {FILLER[i % 5]} with warehouse team {i} and row {chr(65 + i)} holds it."
        texts.append(f"{own} {STOCK[first]} {STOCK[second]}")
    return pd.DataFrame({"text": texts, "agent": [f"agent {i % 4}" for i in range(12)]})


def test_replies_assembled_from_stock_sentences_are_templated_in_any_combination():
    replies = replydiag.analyze(_assembled_export()).replies
    # A combination sent three times is a template of its own; every other one is edited.
    assert (replies["kind"] != "personal").all()
    assert (replies.loc[replies["template_id"].isna(), "kind"] == "edited").all()
    assert (replies["stock_share"] >= 0.5).all()


def test_a_personal_reply_with_one_stock_closer_stays_personal():
    own = [
        "Your red bag turned up behind the counter in Leeds and goes back out on Monday.",
        "I rang the Porto shop; they kept the lamp aside until you can collect it.",
        "The oak shelf came apart because two screws were missing, so a new set is on its way.",
        "We charged the pan twice by mistake and the second payment is already reversed.",
        "The courier left your hat with a neighbour at number twelve, who still has it.",
        "Sadly the vase broke in transit, and a replacement ships from Brno tonight.",
    ]
    texts = [f"{t} Thanks for reaching out!" for t in own]
    result = replydiag.analyze(pd.DataFrame({"text": texts}))
    assert (result.replies["kind"] == "personal").all()
    assert (result.replies["stock_share"] < 0.5).all()


def test_two_stock_messages_around_a_longer_personal_part_are_edited_but_one_is_not():
    # Email-length replies: two of the team's long stock sentences with the agent's own
    # paragraph between them are assembled from stock (edited), though under half of the
    # words are stock; one long stock sentence beside as much of one's own stays personal.
    own = [
        "I looked at your account this afternoon and the blue kettle you sent back reached our Leeds depot on "
        "Tuesday, but the return label was torn, so the scan did not register.",
        "The warehouse in Porto confirmed that the spare filter went out with the wrong parcel, and the "
        "courier has agreed to collect it from your neighbour at number twelve on Friday morning.",
        "Our billing team found that the voucher was applied twice by mistake in the checkout, so I have "
        "cancelled the second charge and the first one stays on your card as it should.",
        "Sadly the oak shelf you ordered in March is no longer made, but the shop in Graz still has two of the "
        "walnut ones, and I asked them to hold one for you until the end of next week.",
        "Your new phone number was saved on the old profile instead of this one, which is why the texts went "
        "to your previous handset; I moved it across and sent a test message a minute ago.",
        "The technician could not get into the building on Monday because the gate code had changed, so he "
        "will ring you half an hour before he arrives on Thursday to be let in.",
    ]
    texts = [f"{STOCK[0]} {o} {STOCK[1]}" for o in own[:3]] + [f"{o} {STOCK[2]}" for o in own[3:]]
    replies = replydiag.analyze(pd.DataFrame({"text": texts})).replies
    assert (replies["stock_share"] < 0.5).all()
    assert replies["kind"].tolist() == ["edited"] * 3 + ["personal"] * 3


def test_one_writers_sentence_openings_with_new_words_each_time_are_not_stock():
    endings = [
        "your refund cleared at the bank this morning",
        "the replacement left Bristol in a blue van",
        "a driver will ring you before he leaves Ghent",
        "the seller agreed to cover the postage both ways",
        "your voucher code now works in the mobile app",
    ]
    texts = [f"I had a word with our warehouse manager and {e}." for e in endings]
    shares = stock_text(pd.Series(texts), np.ones(len(texts), dtype=np.int64)).share
    assert (shares == 0).all()


def test_a_stock_sentence_retyped_with_a_word_or_two_changed_is_stock_and_one_phrase():
    # Three agents retype the same question, never twice the same way (no exact copy, and
    # more than one word apart): what Apple's care team does with "which iOS version".
    retyped = [
        "Which iOS version is currently showing in Settings under General and About?",
        "Which iOS version is showing in Settings under General then About?",
        "Which version of iOS is currently showing in Settings under General and About?",
    ]
    own = "The strap you sent us was the wrong colour, so a blue one goes out tomorrow."
    texts = pd.Series([*retyped, own])
    found = stock_text(texts, np.ones(4, dtype=np.int64))
    assert (found.share[:3] == 1).all() and found.share[3] == 0
    # The rewordings are one stock sentence (one phrase, one family), written one way.
    assert found.sentences["key"].nunique() == 1
    assert sorted(found.sentences["text"]) == [0, 1, 2]


@pytest.mark.parametrize(
    "typed",
    [
        # Each agent writes the same sentence their own way: "we'd" / "we would", "don't" /
        # "do not", "pls" / "please", "details" / "detail".
        [
            "We'd love to help, so pls don't forget to send us the order details by DM.",
            "We would love to help, so please do not forget to send us the order detail by DM.",
            "We'd love to help, so please don't forget to send us the order details by DM.",
        ],
        # Delta's agents ask for the "conf #" or the "confirmation #", with "appt" and "tmrw";
        # each copy is one of several sentences.
        [
            "DM your conf # w/ your appt time. We fly tmrw.",
            "DM your confirmation # with your appointment time. We fly tomorrow.",
            "DM your conf # with your appt time. We fly tomorrow.",
        ],
    ],
    ids=["contractions-and-chat-spellings", "care-abbreviations"],
)
def test_a_stock_sentence_typed_with_other_word_forms_is_one_stock_sentence(typed):
    # No two copies are one word apart as written, so only the word forms make them one.
    own = "The strap you sent us was the wrong colour, so a blue one goes out tomorrow."
    found = stock_text(pd.Series([*typed, own]), np.ones(4, dtype=np.int64))
    assert (found.share[:3] == 1).all() and found.share[3] == 0
    assert found.sentences.groupby("key")["text"].nunique().max() == 3


def test_a_stock_sentence_with_its_parts_swapped_is_the_same_stock_sentence_and_phrase():
    # Spotify's agents ask for "your email address or username" and "your username or email
    # address": the same words in another order are one stock sentence, one phrase.
    asked = [
        "Could you send us the email address or username on the account?",
        "Could you send us the username or email address on the account?",
        "Could you send us the email address or username on the account?",
    ]
    own = ["The red lamp left Leeds today.", "Your voucher now works in the app.", "The old address is gone."]
    texts = pd.Series([f"{a} {o}" for a, o in zip(asked, own)])
    found = stock_text(texts, np.ones(3, dtype=np.int64))
    question = len(asked[0].split())
    assert np.allclose(found.share, [question / (question + len(o.split())) for o in own])
    assert found.sentences["key"].nunique() == 1 and sorted(found.sentences["text"]) == [0, 1, 2]


def test_a_stock_question_with_a_slot_at_its_end_is_stock():
    # Apple's agents ask the same question about a different product each time: the run
    # before the product recurs, the product words (the slot) do not.
    products = ["your iPhone", "Apple Music", "Notes"]
    own = ["It froze after lunch.", "Songs skip twice.", "My list vanished."]
    texts = pd.Series([f"What type of issues are you having with {p}? {o}" for p, o in zip(products, own)])
    share = stock_text(texts, np.ones(3, dtype=np.int64)).share
    # Every word of the question, its slot too, is stock; the words of the own line are not.
    question = np.array([8 + len(p.split()) for p in products])
    assert np.allclose(share, question / (question + [len(o.split()) for o in own]))
    # A run that stops further from its clause end is a writer's opening, not stock.
    longer = [
        f"What type of issues are you having with {p}? {o}"
        for p, o in zip(["my new iPhone X", "Apple Music on a Mac", "Notes in iCloud sync"], own)
    ]
    assert (stock_text(pd.Series(longer), np.ones(3, dtype=np.int64)).share == 0).all()


def test_a_stock_sentence_with_words_added_after_it_is_stock_to_its_own_end():
    # AskPlayStation's agents end "Please follow the steps in the next link" there, or go on
    # to say what the link is about: the stock sentence is stock either way, the added words
    # are not. (A run that no reply says to its clause end stays a writer's opening: above.)
    texts = pd.Series(
        [
            "Hi! Please follow the steps in the next link.",
            "Sorry about that. Please follow the steps in the next link.",
            "Please follow the steps in the next link. Thanks!",
            "No problem. Please follow the steps in the next link for issues downloading extra content.",
        ]
    )
    share = stock_text(texts, np.ones(4, dtype=np.int64)).share
    assert share[3] == pytest.approx(8 / 15)
    # Said to its clause end in two replies only, it is not yet a stock sentence's end there.
    assert stock_text(texts[1:], np.ones(3, dtype=np.int64)).share[2] == 0


def test_a_long_run_sent_twice_is_stock_and_cut_at_its_clause_end():
    texts = pd.Series(
        [
            "Tom here. We have refunded the full amount to your original payment method today.",
            "Sorry for the wait! We have refunded the full amount to your original payment method today.",
            "The box was crushed.",
        ]
    )
    share = stock_text(texts, np.ones(3, dtype=np.int64)).share
    assert share[0] > 0.8 and share[1] > 0.7 and share[2] == 0


@pytest.mark.parametrize("bits", [10, 24])
def test_near_copies_of_a_sentence_count_the_same_whatever_the_size_of_the_tables(bits, monkeypatch):
    # The hashed tables only filter: whether near copies count must not depend on how many
    # hashes share a bucket (a small export's tables are small, a large one's crowded).
    monkeypatch.setattr("replydiag.hashcount.table_bits", lambda items: bits)
    texts = pd.Series(
        [
            "Hi Ann. We have refunded the full amount to your original card. The parcel was lost.",
            "Sorry Bo! We have refunded the whole amount to your original card. Your shoes are late.",
            "Hi Cy! We have refunded the entire amount to your original card. The box was crushed.",
            "Dear Di, We have issued a voucher for the full amount to your account. The lid broke.",
            "Hi Ed. We have issued a voucher for the whole amount to your account. Ring us soon.",
        ]
    )
    share = stock_text(texts, np.ones(5, dtype=np.int64)).share
    assert (share[:3] > 0.5).all()  # one word apart in three replies: stock
    assert (share[3:] < 0.5).all()  # ... in two: not yet


def test_phrases_table_counts_replies_and_agents_with_stable_ids():
    result = replydiag.analyze(_assembled_export())
    phrases = result.phrases.set_index("phrase_text")
    written = STOCK[0]
    assert written in phrases.index
    holding = result.replies["text"].str.contains(written, regex=False)
    assert phrases.loc[written, "replies"] == holding.sum()
    assert phrases.loc[written, "agents"] == result.replies.loc[holding, "agent"].nunique()
    # The id hashes the matching key, words in their canonical forms ("days" / "day").
    assert phrases.loc[written, "phrase_id"] == phrase_id(
        "please allow two business day for the refund to reach your card"
    )
    again = replydiag.analyze(_assembled_export().iloc[::-1].reset_index(drop=True)).phrases
    assert set(again["phrase_id"]) == set(result.phrases["phrase_id"])


def test_phrases_csv_is_written(tmp_path):
    result = replydiag.analyze(_assembled_export())
    files = replydiag.write_audit(result, tmp_path, report=True)
    table = pd.read_csv(files["phrases"])
    assert list(table.columns)[:3] == ["phrase_id", "phrase_text", "replies"]
    assert len(table) == len(result.phrases) >= 3
    assert "Most reused phrases" in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_a_chinese_phrase_counts_words_not_characters():
    """Chinese has no spaces: a phrase's ``words`` counts a character as half a word (a
    Chinese word is about two), in the audit's table and in a period's alike."""
    from replydiag.phrases import phrases_of_replies

    stock = "很抱歉给您带来不便"  # nine characters: about five words
    tails = [
        "我们会在三天内回复您。",
        "请提供您的订单号。",
        "物流已经安排重新发货。",
        "退款将在五个工作日内到账。",
    ]
    export = pd.DataFrame({"text": [f"{stock}，{tail}" for tail in tails], "agent": ["甲", "乙", "丙", "丁"]})
    result = replydiag.analyze(export)
    phrases = result.phrases.set_index("phrase_text")
    assert phrases.loc[phrases.index.str.contains(stock), "words"].tolist() == [5]
    period = phrases_of_replies(result.replies, result.phrases).set_index("phrase_text")
    assert period.loc[period.index.str.contains(stock), "words"].tolist() == [5]


def test_texts_no_reply_sent_are_in_no_rewording_group():
    # Rows read as replies and then found to be customers' (by the team's reach) leave texts
    # that no reply sent (a count of 0). Their long sentences had crashed the rewording search
    # (an empty clustering indexed at -1), or taken the last group's reuse.
    texts = pd.Series(
        [
            "My subscription renewed after I cancelled it last month.",
            "Your refund was sent to your card today, sorry for the wait.",
            "Your refund was sent to your card today, sorry about the wait.",
        ]
    )
    only_customers = stock_text(texts, np.array([0, 1, 1]), progress=lambda done, total: None)
    assert only_customers.share[0] == 0.0
    none_sent = stock_text(texts, np.array([0, 0, 0]), progress=lambda done, total: None)
    assert len(none_sent.share) == 3 and none_sent.share[0] == 0.0
