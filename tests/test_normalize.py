import pandas as pd
import pytest

from replydiag.normalize import (
    clean,
    key,
    mask,
    mask_one,
    normalize,
    slot_values,
    strip_quoted_history,
    strip_signature,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Done, refund sent.\n\nOn Mon, Mar 3, 2026 at 10:00 AM Ann <ann@x.com> wrote:\n> where is it?",
            "Done, refund sent.",
        ),
        ("Fatto.\n\nIl giorno 3 mar 2026, Anna ha scritto:\n> dov'è?", "Fatto."),
        ("Erledigt.\n\nAm 03.03.2026 um 10:00 schrieb Anna <a@b.de>:\n> wo?", "Erledigt."),
        ("Hecho.\n\nEl lun, 3 mar 2026, Ana escribió:\n> ¿dónde?", "Hecho."),
        ("C'est fait.\n\nLe lun. 3 mars 2026, Anne a écrit :\n> où ?", "C'est fait."),
        ("Sent it.\n\n-----Original Message-----\nFrom: Ann\nSent: Monday\nwhere?", "Sent it."),
        (
            "Sent it.\n\nFrom: Ann Lee <ann@x.com>\nSent: Monday, March 3\nTo: support\nSubject: order",
            "Sent it.",
        ),
        ("Sure thing.\n> quoted line\n> another", "Sure thing."),
        ("Reply here.\n##- Please type your reply above this line -##\nold thread", "Reply here."),
    ],
)
def test_strip_quoted_history(text, expected):
    assert strip_quoted_history(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Your refund is on its way.\n\nBest regards,\nAnna\nACME Support", "Your refund is on its way."),
        ("Il rimborso è partito.\n\nCordiali saluti,\nMarco", "Il rimborso è partito."),
        ("Ya está.\n\nUn saludo,\nLucía", "Ya está."),
        ("Erledigt.\n\nMit freundlichen Grüßen\nLukas", "Erledigt."),
        ("All set.\n-- \nTom | ACME", "All set."),
        ("All set.\n\nSent from my iPhone", "All set."),
    ],
)
def test_strip_signature(text, expected):
    assert strip_signature(text) == expected


@pytest.mark.parametrize(
    "reply, body, signoff",
    [
        ("@115855 Let's go to DM for the next steps. ^MC", "Let's go to DM for the next steps.", "MC"),
        ("@sam Terribly sorry for the wait.  *AA", "Terribly sorry for the wait.", "AA"),
        ("@jo Check the carrier link please /KM", "Check the carrier link please", "KM"),
        ("@jo That's on us, sorry! - Ed", "That's on us, sorry!", "Ed"),
        (
            "@nealaa ...Alerts, pls check here: http://t.co/0jlcZnT95Q *JH 3/3",
            "...Alerts, pls check here: http://t.co/0jlcZnT95Q",
            "JH",
        ),
        ("@jo Sure, happy to help.", "Sure, happy to help.", None),
        # Lower-case initials after a caret, glued to the last word's full stop (BofA_Help's
        # agents sign "^sp"): a sign-off, read in capitals so "^sp" and "^SP" are one agent.
        (
            "@117121 Please send us your ZIP so our team can call you .^sp",
            "Please send us your ZIP so our team can call you .",
            "SP",
        ),
        (
            "@1 Thanks for the info. We will follow up with you. ^nw",
            "Thanks for the info. We will follow up with you.",
            "NW",
        ),
        (
            "@117025 We hope to have it restored soon as we can. = JJ",
            "We hope to have it restored soon as we can.",
            "JJ",
        ),
        # Glued to a question mark, a doubled dash, a part counter or an emoji; a stray full stop after.
        ("@1 Which order can we review?^CM", "Which order can we review?", "CM"),
        ("@1 Please send us a DM so I can assist.--JV", "Please send us a DM so I can assist.", "JV"),
        (
            "@1 Please check your order history for you. 2/2^ML",
            "Please check your order history for you.",
            "ML",
        ),
        ("@1 Is there anything I may help with? ^AP .", "Is there anything I may help with?", "AP"),
        # A first and last name run together (T-Mobile's agents).
        (
            "@1 I've got your DM! I'll meet you there! *ZachRicketts",
            "I've got your DM! I'll meet you there!",
            "ZachRicketts",
        ),
        # ... but a capital after a hyphen inside a word is the word's ("T-Mobile").
        ("@1 We are glad you chose T-Mobile", "We are glad you chose T-Mobile", None),
        # ... and a lower-case word after another mark is a word.
        ("@jo That is fine - ok", "That is fine - ok", None),
    ],
)
def test_clean_twitter_signoffs(reply, body, signoff):
    row = clean(pd.Series([reply])).iloc[0]
    assert row["body"] == body
    assert (None if pd.isna(row["signoff"]) else row["signoff"]) == signoff


def test_html_body_is_text_without_quoted_history():
    html = (
        "<div><p>Hi Ann,</p><p>Your order&nbsp;#4411 shipped.</p></div>"
        '<div class="gmail_quote">On Mon Ann wrote:<blockquote>where?</blockquote></div>'
    )
    body = clean(pd.Series([html])).iloc[0]["body"]
    assert "where?" not in body and "Your order #4411 shipped." in body


@pytest.mark.parametrize(
    "text, masked",
    [
        ("Hi Sarah Jones, order #A12345 ships 25/03/2026", "Hi {name}, order {order} ships {date}"),
        ("Email me at ann.lee@example.com or call +44 20 7946 0958.", "Email me at {email} or call {phone}."),
        (
            "Your refund of $25.00 is done, see https://x.co/t/1.",
            "Your refund of {amount} is done, see {url}.",
        ),
        ("Thanks for your patience, Maria. We're on it.", "Thanks for your patience, {name}. We're on it."),
        ("Ciao Giulia, il tuo ordine 884213 è partito.", "Ciao {name}, il tuo ordine {order} è partito."),
        ("Ping @AskSupport at 10:30am on March 3", "Ping {handle} at {time} on {date}"),
        ("Which iOS version? 11.1 or 11.2?", "Which iOS version? {number} or {number}?"),
    ],
)
def test_mask(text, masked):
    assert mask_one(text) == masked


def test_mask_runs_the_rules_only_where_one_matches_with_the_same_result():
    # mask() sends only the texts some rule matches through the rules; every rule in turn
    # over every text is the reference (a text with no match, a null, and texts whose slot is
    # found only by a later rule, beside texts of several slots).
    from replydiag.normalize import _PROTECT, _UNPROTECT, MASK_RULES, regex_replace

    texts = pd.Series(
        [
            "No slot here at all.",
            None,
            "",
            "Hi Sarah Jones, order #A12345 ships 25/03/2026",
            "Call +44 20 7946 0958 or see www.example.com/help",
            "hello there team, nothing to mask",
            "IBAN IT60 X054 2811 1010 0000 0123 456, passport no. YA1234567",
            "Your code 42 and 3.5 kg",
        ]
        * 20_000,  # enough rows to be read in several Arrow chunks
        dtype="string[pyarrow]",
    )
    reference = regex_replace(texts, *_PROTECT)
    for _slot, pattern, replacement, _group in MASK_RULES:
        reference = regex_replace(reference, pattern, replacement)
    reference = regex_replace(reference, *_UNPROTECT)
    masked = mask(texts)
    assert masked.fillna("<NA>").tolist() == reference.fillna("<NA>").tolist()
    assert masked.iloc[0] == "No slot here at all." and masked.iloc[4] != texts.iloc[4]


@pytest.mark.parametrize(
    "text",
    [
        "a  b",
        "a\tb , , c",
        " ¡Hola!  ¿Qué tal? ",
        "日本語、テスト。 ok",
        "a\u00a0b \u00a0 c",
        "{name} ,hi -- {order}!!",
        "word",
        "   ",
        "Your order SHIPPED 🙂 today…",
    ],
)
def test_key_turns_every_run_between_words_into_one_space(text):
    # The key's pass leaves single spaces alone (for speed); every other run becomes one
    # space, exactly as replacing every run of non-word characters would.
    import re

    expected = re.sub(r"[^\w{}]+|_+", " ", text.lower()).strip()
    assert key(pd.Series([text])).iloc[0] == expected


def test_mask_is_idempotent_on_examples():
    texts = pd.Series(["Hi Sarah, order #A12345 of $25.00 ships 25/03/2026 to ann@x.com"])
    once = mask(texts)
    assert mask(once).tolist() == once.tolist()


def test_slot_values_in_order():
    assert slot_values("Hi Ann Lee, your refund of €25,00 for order #889123 ships May 3.") == [
        ("name", "Ann Lee"),
        ("amount", "€25,00"),
        ("order", "#889123"),
        ("date", "May 3"),
    ]


def test_key_drops_greeting_case_punctuation_and_emoji():
    assert (
        key(pd.Series(["Hello {name}! Your order {order} has SHIPPED 🙂"])).iloc[0]
        == "your order {order} has shipped"
    )
    # A reply that is only a greeting keeps it, so it is not an empty key.
    assert key(pd.Series(["Hello!"])).iloc[0] == "hello"


def test_normalize_keeps_chinese_text():
    n = normalize(pd.Series(["您好，您的订单 884213 已经发货。"]))
    assert n.key.iloc[0] == "您好 您的订单 {order} 已经发货"


@pytest.mark.parametrize(
    "reply, signoff",
    [
        ("@1 we have replied you via DM.Thanks-Emir", "Emir"),
        ("@3 see you there!- Anwar", "Anwar"),
        ("@4 I love the x-ray thing", None),
    ],
)
def test_glued_signoffs(reply, signoff):
    value = clean(pd.Series([reply])).iloc[0]["signoff"]
    assert (None if pd.isna(value) else value) == signoff


def test_vectorised_steps_keep_rows_aligned_on_any_index():
    from replydiag.normalize import regex_replace

    s = pd.Series(["a1", "b2", "c3"], index=[5, 6, 7])
    assert regex_replace(s, r"\d", "X").tolist() == ["aX", "bX", "cX"]
    texts = pd.Series(
        ["@a Thanks, done ^AB", "@b Your order 12345 shipped", "@c Sorry! /CD"], index=[10, 11, 12]
    )
    n = normalize(texts)
    assert n.masked.tolist() == ["Thanks, done", "Your order {order} shipped", "Sorry!"]
    assert n.signoff.fillna("").tolist() == ["AB", "", "CD"]


def test_threaded_normalisation_equals_the_single_thread_result(monkeypatch):
    import replydiag.normalize as nz

    texts = pd.Series(
        [f"@u{i} Hi Ann, order {10000 + i} shipped {'^KM' if i % 3 else ''}" for i in range(3000)]
    )
    single = nz.normalize(texts)
    monkeypatch.setattr(nz, "PARALLEL_ROWS", 100)
    monkeypatch.setattr(nz, "CHUNK_ROWS", 700)
    threaded = nz.normalize(texts)
    for name in ("masked", "key", "signoff"):
        assert getattr(threaded, name).fillna("").tolist() == getattr(single, name).fillna("").tolist()


@pytest.mark.parametrize(
    ("reply", "part"),
    [
        ("@1 Please proceed to the counter for verification &gt;&gt;", ">"),  # goes on
        ("@1 &gt; here you can change the flight via your member account", "<"),  # takes up
        ("@1 Sorry for the wait... (1/2) ^SO", "1/2"),
        ("@1 Fares a >> b are the same today", None),  # '>>' inside a sentence is no break
    ],
)
def test_parts_of_a_reply_sent_in_several_tweets(reply, part):
    from replydiag.normalize import clean

    found = clean(pd.Series([reply]))["part"].iloc[0]
    assert (None if pd.isna(found) else found) == part
