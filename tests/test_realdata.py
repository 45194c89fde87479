"""Real replies written by real brands (../shared/realdata), read with no flags; skipped when absent."""

import pytest

import replydiag
from tests.conftest import realdata

# file: (format, the team's messages, of which own posts answering no one, customer messages)
REAL = {
    "twcs-brands/AppleSupport.csv": ("twcs", 10983, 31, 0),
    "twcs-brands/SpotifyCares.csv": ("twcs", 10986, 8, 0),
    "twcs-brands/AirAsiaSupport.csv": ("twcs", 4075, 13, 0),
    "twcs-brands/McDonalds.csv": ("twcs", 3971, 29, 0),
    "twcs-brands/NikeSupport.csv": ("twcs", 1912, 2, 0),
    "twcs-brands/Walmart.csv": ("twcs", 975, 11, 0),
    "twcs-brands/AskRBC.csv": ("twcs", 446, 0, 0),
    "twcs-head.csv": ("twcs", 2222, 18, 2777),
    "delta-amazon/oct_delta.csv": ("generic", 1377, 0, 0),
    "delta-amazon/amzn_cs.csv": ("twitter-api", 1045, 0, 0),
}


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_exports_are_read_with_the_right_split(name):
    fmt, messages, own_posts, customers = REAL[name]
    export = replydiag.load(realdata(name))
    acc = export.accounting
    assert export.sources[0]["format"] == fmt
    assert acc.balanced
    # The brand's posts that answer no tweet and are addressed to no one (campaigns, "All
    # clear!": each read by eye) are counted apart; its replies are never lost: at most a
    # handful skipped (ragged/duplicate rows), each counted.
    assert acc.skipped.get("own post (answers no one)", 0) == own_posts
    assert messages - 3 <= acc.replies_analysed + own_posts <= messages
    assert acc.customer_messages == customers


def test_ibm_conversations_keep_every_agent_turn():
    dev, test = (replydiag.load(realdata(f"ibm-twitter-care/{n}.json")) for n in ("dev", "test"))
    # 1,139 agent turns in the two files (SOURCES.md), incl. the agentURL reply of each conversation
    assert (
        dev.accounting.replies_analysed + test.accounting.replies_analysed + dev.accounting.rows_skipped
        >= 1139
    )
    assert dev.accounting.balanced and test.accounting.balanced


def test_chinese_helpdesk_dialogues_split_by_sender():
    export = replydiag.load(realdata("ntcir-helpdesk/test_data_cn.json"))
    acc = export.accounting
    assert acc.balanced
    assert acc.replies_analysed + acc.skipped["empty text"] == 780  # 780 help-desk turns


def test_mojibake_in_twcs_is_repaired():
    export = replydiag.load(realdata("twcs-brands/SpotifyCares.csv"))
    texts = export.replies["text"]
    assert not texts.str.contains("â€™", regex=False).any()
    assert texts.str.contains("’", regex=False).any()


def test_signoff_initials_become_agents_on_brand_accounts():
    result = replydiag.audit(realdata("delta-amazon/amzn_cs.csv"))
    agents = set(result.replies["agent"])
    assert {"AmazonHelp/MJ", "AmazonHelp/SS"} <= agents


def test_apple_audit_finds_its_dm_templates():
    result = replydiag.audit(realdata("twcs-brands/AppleSupport.csv"))
    texts = " ".join(result.templates["template_text"].head(20)).lower()
    assert "dm" in texts
    assert 0.1 < result.templated_share < 0.6
    assert result.accounting.balanced


@pytest.mark.parametrize("name", ["McDonalds", "AirAsiaSupport"])
def test_no_template_member_below_the_threshold_on_real_replies(name):
    result = replydiag.audit(realdata(f"twcs-brands/{name}.csv"))
    assert (result.templates["min_similarity"].dropna() >= result.settings.threshold).all()


def test_glued_signoffs_name_the_agent():
    result = replydiag.audit(realdata("twcs-brands/AirAsiaSupport.csv"))
    agents = set(result.replies["agent"])
    assert {"AirAsiaSupport/Emir", "AirAsiaSupport/Anwar"} <= agents
    # Yana signs "- Yana" and also "...possible-Yana", "... =) Yana": every one is hers.
    yana = result.replies["text"].str.contains(r"(?:\w-|=\) )Yana\s*$")
    assert yana.sum() >= 100
    assert (result.replies.loc[yana, "agent"].astype(str) == "AirAsiaSupport/Yana").all()


def test_masked_text_belongs_to_its_own_reply():
    # Regression: vectorised steps once realigned rows by label and mixed replies up.
    result = replydiag.audit(realdata("twcs-brands/SpotifyCares.csv"))
    sample = result.replies.sample(300, random_state=1)
    for text, masked in zip(sample["text"], sample["masked"]):
        words = [w for w in str(masked).split() if "{" not in w][:4]
        assert all(w in text for w in words), (text, masked)
