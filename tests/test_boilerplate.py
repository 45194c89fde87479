"""Boilerplate learned from the data: an agent's flattened signature never makes a reply templated."""

import numpy as np
import pandas as pd

import replydiag
from replydiag.boilerplate import learn

SIGNATURE = "Best regards, Paul Weber Customer Care Team"
OWN = [
    "The courier lost the first box near Leeds, so a second one leaves the depot tonight.",
    "Your card was charged twice because the terminal froze; the extra charge is reversed.",
    "I moved your delivery to Saturday morning as you asked on the phone yesterday.",
    "The blender you ordered is out of stock until May, so I refunded it in full.",
    "Our driver could not find flat 4B, I added the door code to the delivery notes.",
    "The voucher expired last week but I issued a new one that works until June.",
    "We found the missing cable in the warehouse and it ships with tracking today.",
    "The sofa legs were the wrong colour, walnut ones are on their way to you now.",
]


def _chat_export() -> pd.DataFrame:
    texts = [f"{t} {SIGNATURE}" for t in OWN] + [f"Anytime! {SIGNATURE}"] * 4
    texts += [  # another agent, unsigned
        "Thanks for waiting, the parcel is with a neighbour at number six.",
        "Sorry about the mix-up with sizes, a medium is on its way.",
        "I checked and the refund went to the gift card you used.",
    ]
    agents = ["Paul Weber"] * 12 + ["Ann Lee"] * 3
    return pd.DataFrame({"text": texts, "agent": agents})


def test_a_flattened_signature_is_learned_as_the_agents_ending():
    frame = _chat_export()
    codes, keys = pd.factorize(frame["text"].str.lower().str.replace(r"[^\w]+", " ", regex=True).str.strip())
    learned = learn(list(keys), codes, frame["agent"])
    assert learned.endings == {
        "Paul Weber": tuple(["best", "regards", "paul", "weber", "customer", "care", "team"])
    }
    assert "Ann Lee" not in learned.endings and not learned.openings


def test_personal_replies_sharing_a_signature_with_a_short_template_stay_personal():
    result = replydiag.analyze(_chat_export())
    paul = result.replies[result.replies["agent"] == "Paul Weber"]
    own = paul[~paul["text"].str.startswith("Anytime")]
    assert (own["kind"] == "personal").all()
    assert (own["stock_share"] == 0).all()
    assert list(result.boilerplate["edge"]) == ["ending"]
    assert result.summary()["boilerplate"][0]["agent"] == "Paul Weber"


def test_a_template_an_agent_sends_often_is_not_taken_for_boilerplate():
    macro = "Your refund has been processed and should reach your card within five business days."
    texts = [macro] * 30 + OWN
    learned = learn([t.lower() for t in texts], np.arange(len(texts)), pd.Series(["Zoe"] * len(texts)))
    assert not learned


def test_inspect_lists_the_learned_boilerplate(tmp_path):
    from typer.testing import CliRunner

    from replydiag.cli import app

    path = tmp_path / "chat.csv"
    _chat_export().rename(columns={"text": "body", "agent": "author_name"}).to_csv(path, index=False)
    result = CliRunner().invoke(app, ["inspect", str(path)])
    assert result.exit_code == 0, result.output
    assert "Boilerplate learned" in result.output and "Paul Weber" in result.output
