"""A second synthetic export, written apart from ``replydiag.samples``, and how replydiag scores on it.

``replydiag.samples`` was written with the engine's own idea of a template, so it cannot show
where that idea is wrong. This generator writes email-style help-desk tickets its own way:
macros whose variable words (couriers, weekdays, products, cities, plans) are outside every
mask list, flattened signatures ("… Best regards, Paul Weber Customer Care Team"), macros with
a personal line added, replies that put two stock paragraphs around the agent's own part,
bot acknowledgements, and personal replies built from common phrasing frames ("I can see
that …", "Good news, …") filled from a grammar large enough that their content seldom repeats.

    python benchmarks/independent.py --replies 10000 --seed 8     # generate, audit, score

Truth conventions (a reader's, ``../shared/LABELLING.md``): a macro as is, with its slots,
another greeting or a word changed is ``template``; a macro with personal sentences added, or
two stock paragraphs with the agent's own part, is ``edited``; the bot's acknowledgement is
``automatic``; the rest is ``personal``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
import tempfile
from pathlib import Path

import pandas as pd

AGENTS = [
    "Paul Weber",
    "Maria Lopez",
    "Chen Wei",
    "Aisha Khan",
    "Tom Berg",
    "Lena Novak",
    "Omar Said",
    "Ines Costa",
]
COURIERS = [
    "DHL",
    "UPS",
    "FedEx",
    "Hermes",
    "DPD",
    "GLS",
    "Royal Mail",
    "PostNL",
    "Colissimo",
    "Bpost",
    "Evri",
    "Yodel",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
PRODUCTS = [
    "AirFry 3000",
    "BlendMax Pro",
    "CoffeeOne",
    "Steamly",
    "ToastIt Duo",
    "KettleGo",
    "JuiceZen",
    "MixMaster 5",
]
CITIES = ["Berlin", "Lyon", "Porto", "Leeds", "Gdansk", "Utrecht", "Turin", "Graz", "Malmo", "Cork"]
PLANS = ["Basic", "Plus", "Premium", "Family", "Student"]
MACROS = [
    "Could you confirm the delivery address for order {order}? Our courier {courier} was unable to find it on {day}.",
    "Your refund for order {order} has been processed and should reach your account within 5 to 7 business days.",
    "Your replacement for order {order} has been shipped with {courier} and should arrive by {day}.",
    "I'm sorry to hear your {product} stopped working. Could you send us a photo of the serial number label "
    "on the bottom of the unit?",
    "Your {plan} subscription has been cancelled and you will not be charged again. You can reactivate it "
    "anytime from your account page.",
    "Our store in {city} is open from 9am to 6pm Monday to Saturday. You can book a repair slot online at {url}.",
    "To reset your password, please use the link below and follow the steps in the email we send you: {url}",
    "We have escalated your case {order} to our technical team. They usually reply within two working days.",
]
BOT = "Thanks for contacting us! Your ticket {order} has been received and an agent will reply shortly."
STOCK = [
    "Please note that this process may take up to 30 working days.",
    "If you have any other questions, just reply to this email and we will be happy to help.",
    "We really appreciate your patience while we look into this.",
    "You can track the status of your order at any time from the Orders section of your account.",
]
# Personal content: common frames around a grammar of things, places and times.
FRAMES = [
    "I checked with {who} and {what}.",
    "Thanks for the update about {what}.",
    "Good news, {what}!",
    "I can see that {what}.",
    "Let me look into {what} for you.",
]
WHO = ["the warehouse", "my colleague in billing", "our courier", "the repair centre", "the store team"]
ADJECTIVES = [
    "blue",
    "spare",
    "old",
    "new",
    "second",
    "small",
    "large",
    "grey",
    "broken",
    "boxed",
    "heavy",
    "last",
    "first",
    "wrapped",
]
NOUNS = [
    "parcel",
    "voucher",
    "kettle",
    "box",
    "order",
    "invoice",
    "lid",
    "refund",
    "filter",
    "gift card",
    "cable",
    "charger",
    "blender jug",
    "manual",
    "receipt",
    "return label",
    "toaster",
    "grinder",
    "cup set",
    "warranty card",
]
VERBS = [
    "left",
    "reached",
    "was sent to",
    "is waiting at",
    "was scanned at",
    "went back to",
    "got stuck at",
    "is booked for",
    "was moved to",
    "arrived at",
    "was logged at",
    "is held at",
    "was dropped at",
    "turned up at",
    "was found at",
    "is sitting at",
    "was signed for at",
    "is still at",
    "never left",
    "came back to",
    "was left at",
    "is ready at",
    "was picked up from",
    "got lost near",
]
PLACES = [
    "the depot",
    "your neighbour's door",
    "the pickup point",
    "our warehouse",
    "the sorting hub",
    "the front desk",
    "the returns shelf",
    "the repair bench",
    "the loading bay",
    "the parcel locker",
    "the post office",
    "the back office",
] + [
    f"the {w} {p}"
    for w in ["north", "south", "main", "old", "new", "small"]
    for p in ["depot", "hub", "counter", "office", "warehouse"]
]
WHENS = [
    "this morning",
    "at 7:{minute:02d}",
    "late on {day}",
    "around noon",
    "yesterday evening",
    "{n} minutes ago",
    "before lunch on {day}",
    "after the {n}th",
    "just now",
    "at the weekend",
    "early on {day}",
    "last night",
]
EXTRAS = [
    "",
    "",
    " in {city}",
    " near {city}",
    ", as far as I can tell",
    ", which is odd",
    ", so it is on its way",
    " with a note from the driver",
    ", sadly without the cable",
    " and the label was torn",
]
CUSTOMER_LINES = ["Thanks!", "It still does not work.", "Where is my parcel??", "ok"]


class _Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def fill(self, template: str) -> str:
        r = self.rng
        return template.format(
            order=f"#{r.randint(100000, 999999)}", courier=r.choice(COURIERS), day=r.choice(DAYS),
            product=r.choice(PRODUCTS), city=r.choice(CITIES), plan=r.choice(PLANS),
            url=f"https://help.example.com/a/{r.randint(100, 999)}", who=r.choice(WHO), what=self.thing(),
        )  # fmt: skip

    def thing(self) -> str:
        r = self.rng
        subject = f"{r.choice(['the', 'your'])} {r.choice(ADJECTIVES)} {r.choice(NOUNS)}"
        said = f"{subject} {r.choice(VERBS)} {r.choice(PLACES)} {r.choice(WHENS)}{r.choice(EXTRAS)}"
        return said.format(
            day=r.choice(DAYS), city=r.choice(CITIES), minute=r.randint(0, 59), n=r.randint(2, 28)
        )

    def personal(self) -> str:
        return " ".join(self.fill(self.rng.choice(FRAMES)) for _ in range(self.rng.randint(1, 3)))

    def signature(self, agent: str) -> str:
        first = agent.split()[0]
        return self.rng.choice(
            [f" Best regards, {agent} Customer Care Team", f" Kind regards, {first}", f" -{first}", ""]
        )

    def reply(self, agent: str, first_turn: bool) -> tuple[str, str, str]:
        """(author, text, kind) of one agent turn."""
        r = self.rng
        roll = r.random()
        if first_turn and roll < 0.1:
            return "Answer Bot", self.fill(BOT), "automatic"
        if roll < 0.45:
            text = self.fill(r.choice(MACROS))
            if r.random() < 0.3:  # a word or two changed
                text = text.replace("Could you", "Can you").replace("should", "will")
            return agent, r.choice(["Hi there, ", "Hello, ", ""]) + text + self.signature(agent), "template"
        if roll < 0.6:
            return agent, f"{self.personal()} {self.fill(r.choice(MACROS))}{self.signature(agent)}", "edited"
        if roll < 0.7:
            return agent, f"{' '.join(r.sample(STOCK, 2))} {self.personal()}{self.signature(agent)}", "edited"
        return agent, r.choice(["Hi, ", "Hello! ", ""]) + self.personal() + self.signature(agent), "personal"


def generate(path: Path, replies: int, seed: int) -> pd.DataFrame:
    """Write a ticket-comments CSV to ``path``; return the truth (reply_id, kind, agent)."""
    rng = random.Random(seed)
    writer = _Writer(rng)
    rows, truth = [], []
    start = dt.datetime(2026, 3, 1, 8)
    ticket, message = 0, 1000
    while len(truth) < replies:
        ticket += 1
        at = start + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 90))
        customer = f"Customer {rng.randint(1, 99999)}"
        opening = f"Hello, I have a problem with my order #{rng.randint(100000, 999999)}, can you help?"
        rows.append([f"T{ticket}", message, customer, "end-user", "email", at.isoformat() + "Z", opening])
        message += 1
        agent = rng.choice(AGENTS)
        for turn in range(rng.randint(1, 3)):
            at += dt.timedelta(minutes=rng.randint(5, 600))
            author, text, kind = writer.reply(agent, turn == 0)
            rows.append([f"T{ticket}", message, author, "agent", "email", at.isoformat() + "Z", text])
            truth.append((str(message), kind, author))
            message += 1
            if len(truth) >= replies:
                break
            if rng.random() < 0.5:
                at += dt.timedelta(minutes=rng.randint(5, 600))
                line = rng.choice(CUSTOMER_LINES)
                rows.append(
                    [f"T{ticket}", message, customer, "end-user", "email", at.isoformat() + "Z", line]
                )
                message += 1
    with path.open("w", newline="", encoding="utf-8") as out:
        table = csv.writer(out)
        table.writerow(["Ticket ID", "Comment ID", "Author", "Author role", "Channel", "Created at", "Body"])
        table.writerows(rows)
    return pd.DataFrame(truth, columns=["reply_id", "kind", "agent"])


def score(path: Path, truth: pd.DataFrame) -> dict[str, float]:
    """replydiag's audit of ``path`` against the truth: shares, templated P/R/F1, edited recall."""
    import replydiag

    found = replydiag.audit(path).replies
    found = found.assign(reply_id=found["reply_id"].astype(str), kind=found["kind"].astype(str))
    both = truth.merge(found[["reply_id", "kind"]], on="reply_id", how="left", suffixes=("", "_found"))
    if both["kind_found"].isna().any():
        raise SystemExit(f"{int(both['kind_found'].isna().sum())} generated replies were not read as replies")
    true_t, found_t = both["kind"] != "personal", both["kind_found"] != "personal"
    tp = float((true_t & found_t).sum())
    precision, recall = tp / max(found_t.sum(), 1), tp / max(true_t.sum(), 1)
    per_agent = both.assign(t=true_t, f=found_t).groupby("agent")[["t", "f"]].mean()
    edited = both["kind"] == "edited"
    print(pd.crosstab(both["kind"].rename("truth"), both["kind_found"].rename("replydiag")).to_string())
    return {
        "replies": len(both),
        "share_err_pp": round(100 * float(found_t.mean() - true_t.mean()), 2),
        "agent_mae_pp": round(100 * float((per_agent["f"] - per_agent["t"]).abs().mean()), 2),
        "reply_p": round(precision, 3),
        "reply_r": round(recall, 3),
        "reply_f1": round(2 * precision * recall / max(precision + recall, 1e-9), 3),
        "edited_recall": round(float((both.loc[edited, "kind_found"] == "edited").mean()), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replies", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--out", type=Path, help="where to keep the export (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.out or Path(folder) / f"independent-{args.replies}-{args.seed}.csv"
        truth = generate(path, args.replies, args.seed)
        figures = score(path, truth)
    print(" · ".join(f"{k} {v}" for k, v in figures.items()))


if __name__ == "__main__":
    sys.exit(main())
