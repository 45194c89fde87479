"""Sign-offs learned from the export: a name that signs an author's replies with a mark
signs the unmarked ones too; a word that signs nothing stays a word."""

import pandas as pd

import replydiag
from replydiag.signers import LEARNED_REPLIES

SIGNED = [f"@{i} Your refund for order {1000 + i} is on its way. - Yana" for i in range(LEARNED_REPLIES)]


def _audit(rows: list[tuple[str, str]]) -> replydiag.AuditResult:
    """Tweets of brand accounts, as a Twitter care export holds them (a brand's sign-offs
    name its agents)."""
    frame = pd.DataFrame(
        {
            "tweet_id": [str(i) for i in range(1, len(rows) + 1)],
            "author_id": [a for a, _ in rows],
            "inbound": False,
            "created_at": pd.date_range("2024-01-01", periods=len(rows), freq="h").strftime(
                "%a %b %d %H:%M:%S +0000 %Y"
            ),
            "text": [t for _, t in rows],
            "response_tweet_id": "",
            "in_response_to_tweet_id": "",
        }
    )
    return replydiag.analyze(frame)


def test_unmarked_name_of_a_signer_signs_the_reply():
    unmarked = [
        "@7 Your refund for order 2001 is on its way-Yana",  # glued to the last word
        "@8 We have replied to you via DM =) Yana",  # after a mark and a space
        "@9 Your refund for order 2002 is on its way - yana",  # in lower case
    ]
    result = _audit([("AirAsia", t) for t in SIGNED + unmarked])
    replies = result.replies.set_index("reply_id")
    assert replies.loc[["6", "7", "8"], "agent"].astype(str).tolist() == ["AirAsia/Yana"] * 3
    # Matched without the name: the glued copy is the stock reply the signed ones are.
    assert replies.loc["6", "template_id"] == replies.loc["1", "template_id"]
    assert any(
        w.startswith("3 replies read as signed by a name with no mark") for w in result.accounting.warnings
    )


def test_words_that_sign_nothing_stay_words():
    others = [
        "@7 We are glad you chose T-Mobile",  # "Mobile" signs no reply
        "@8 Your parcel was sent on Monday-Yana",  # "Yana" signs AirAsia's replies, not Argos's
    ]
    result = _audit([("AirAsia", t) for t in SIGNED] + [("AirAsia", others[0]), ("Argos", others[1])])
    replies = result.replies.set_index("reply_id")
    assert replies.loc[["6", "7"], "agent"].astype(str).tolist() == ["AirAsia", "Argos"]
    assert not any("no mark" in w for w in result.accounting.warnings)


def test_too_few_signed_replies_teach_no_name():
    rows = [("AirAsia", t) for t in SIGNED[: LEARNED_REPLIES - 1]] + [("AirAsia", "@9 All done now-Yana")]
    result = _audit(rows)
    assert result.replies["agent"].astype(str).iloc[-1] == "AirAsia"


def test_names_a_team_never_marks_are_learned_from_how_they_end_its_replies():
    robbie = [
        "@1 Which store did you buy this from? Robbie",
        "@2 I'll get this sorted for you. Robbie",
        "@3 Did you pick up your receipt? Robbie",
        "@4 Can you send a pic of the barcode please? Robbie",
        "@5 Sorry to hear this, I'll pass it on to the team today. Robbie",
    ]
    # A closing word, and a word that always follows the same one, are no names.
    closing = [f"@{i} Your order {i} is on its way. Thanks" for i in range(6, 11)]
    settings = [f"@{i} Check in Settings > General > About" for i in range(11, 16)]
    result = _audit([("Sainsburys", t) for t in robbie + closing + settings])
    agents = result.replies["agent"].astype(str).tolist()
    assert agents[:5] == ["Sainsburys/Robbie"] * 5
    assert agents[5:] == ["Sainsburys"] * 10
