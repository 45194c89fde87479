"""Labelled synthetic exports: realistic reply logs with the ground truth beside them.

``python -m replydiag.samples OUT.csv --replies 2000 --seed 7`` writes a Zendesk-style
ticket-comment export (customers, agents, a bot, private notes) and ``OUT.truth.csv`` with
the true kind and template of every agent reply. Variations follow what real teams do:
slot values, light edits (typo, dropped or swapped word, emoji, other greeting), templates
with a personal paragraph added or reworded in part, short stock phrases, templates that
differ in a few key words, several languages (incl. Chinese), bot and instant replies.
"""

from __future__ import annotations

import argparse
import csv
import html
import random
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

SAMPLE_NAME = "zendesk_sample.csv"

FIRST = [
    "Anna",
    "Marco",
    "Sarah",
    "James",
    "Lucia",
    "Tom",
    "Priya",
    "Chen",
    "Olivia",
    "Mateo",
    "Fatima",
    "Noah",
    "Giulia",
    "Liam",
    "Sofia",
    "Ethan",
    "Maya",
    "Lukas",
    "Chloe",
    "Omar",
    "Elena",
    "Hugo",
    "Zoe",
    "Ravi",
]
LAST = [
    "Rossi",
    "Smith",
    "García",
    "Müller",
    "Dubois",
    "Kim",
    "Patel",
    "Bianchi",
    "Nguyen",
    "Brown",
    "Silva",
    "Kowalski",
    "van Dijk",
    "O'Brien",
    "Jensen",
    "Costa",
]

# (template id, language, text). Slots: {name} {order} {amount} {date} {url} {email} {phone}
TEMPLATES: list[tuple[str, str, str]] = [
    (
        "refund",
        "en",
        "Hi {name}, thanks for reaching out! Your refund of {amount} for order {order} has been "
        "processed and should appear on your statement within 5-7 business days.",
    ),
    (
        "replacement",
        "en",
        "Hi {name}, thanks for reaching out! Your replacement for order {order} has been shipped "
        "and should arrive within 5-7 business days.",
    ),
    (
        "investigation",
        "en",
        "Hello {name}, I'm sorry to hear your package hasn't arrived yet. I've opened an "
        "investigation with the carrier for order {order} and we'll update you by {date}.",
    ),
    (
        "photo",
        "en",
        "Thanks for your patience, {name}. Could you send us a photo of the damaged item and the "
        "packaging so we can look into this for you?",
    ),
    (
        "password",
        "en",
        "To reset your password, open {url} and follow the instructions in the email we send to "
        "{email}. The link is valid for 24 hours.",
    ),
    (
        "billing",
        "en",
        "I've escalated this to our billing team. They will call you at {phone} within two business "
        "days to sort out the charge.",
    ),
    ("glad", "en", "Glad I could help! Is there anything else I can do for you today?"),
    ("welcome", "en", "You're welcome!"),
    ("thanks_short", "en", "Thanks for letting us know."),
    (
        "it_shipped",
        "it",
        "Ciao {name}, grazie per averci contattato. Il tuo ordine {order} è stato spedito e "
        "arriverà entro 3 giorni lavorativi.",
    ),
    (
        "es_received",
        "es",
        "Hola {name}, gracias por escribirnos. Hemos recibido tu solicitud y un agente te "
        "responderá en menos de 24 horas.",
    ),
    (
        "zh_shipped",
        "zh",
        "您好，您的订单{order}已经发货，预计三天内送达，请注意查收。如有问题请随时联系我们。",
    ),
    # Variable words no mask rule knows (a courier, a weekday): still one macro.
    (
        "address_check",
        "en",
        "Could you confirm the delivery address for order {order}? Our courier {courier} was unable "
        "to find it on {day}.",
    ),
]
COURIERS = ["DPD", "Evri", "Yodel", "DHL", "UPS", "Royal Mail", "GLS", "InPost"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
BOT_TEMPLATE = (
    "bot_ack",
    "en",
    "We've received your request (ticket {order}). A member of our team will get back "
    "to you within 24 hours. In the meantime, our help center is at {url}.",
)
GREETINGS = ["Hi", "Hello", "Hey", "Dear"]
EMOJI = [" 🙂", " 😊", " 👍", " 🙏"]

_OPEN = [
    "I checked your account and",
    "I looked into this and",
    "I had a word with our warehouse and",
    "After reviewing the ticket history,",
    "Good news:",
    "I'm sorry for the mix-up;",
    "Just to follow up,",
    "I spoke with the courier and",
    "Looking at the photos you sent,",
    "From what I can see,",
    "Thanks for the screenshots;",
    "Unfortunately",
    "I double-checked with my manager and",
    "I called the depot this morning and",
    "Having gone through the order notes,",
    "Quick update:",
    "Our logistics partner confirmed that",
    "I can confirm that",
    "It turns out that",
    "As promised,",
    "I've been digging into this and",
    "My colleague in returns told me that",
    "Apologies for the wait;",
    "I reran the payment check and",
    "The tracking history shows that",
    "Bad news, I'm afraid:",
]
_ADJECTIVE = [
    "blue",
    "oversized",
    "refurbished",
    "limited-edition",
    "bamboo",
    "stainless",
    "left-handed",
    "vintage",
    "waterproof",
    "cordless",
    "organic",
    "foldable",
    "kids'",
    "ceramic",
    "wool",
    "matte black",
    "walnut",
    "cotton",
    "portable",
    "smart",
    "heated",
    "ergonomic",
    "travel",
    "leather",
]
_ITEM = [
    "jacket",
    "espresso machine",
    "parcel",
    "gift card",
    "subscription",
    "voucher",
    "hoodie",
    "bike",
    "desk",
    "earbuds",
    "rug",
    "phone case",
    "adapter",
    "pre-order",
    "screws",
    "blender",
    "lamp",
    "backpack",
    "kettle",
    "mattress topper",
    "running shoes",
    "baby monitor",
    "keyboard",
    "suitcase",
    "yoga mat",
    "coffee grinder",
    "winter boots",
    "air fryer",
    "desk chair",
    "picture frame",
    "water bottle",
    "tent",
]
_VERB = [
    "was left",
    "got stuck",
    "was split",
    "was charged",
    "was marked",
    "was packed",
    "was returned",
    "got delayed",
    "was rerouted",
    "was flagged",
    "was rebooked",
    "got swapped",
    "was held",
    "was scanned",
    "was refunded",
    "was relabelled",
    "got damaged",
    "was priced",
    "was shipped",
    "was collected",
    "was cancelled",
    "got misplaced",
    "was approved",
    "was upgraded",
]
_COMPLEMENT = [
    "at the neighbour's door",
    "at the sorting centre",
    "into two shipments",
    "twice by mistake",
    "as delivered too early",
    "without the manual",
    "to the billing address",
    "by the fraud filter",
    "with the wrong plug",
    "in the weekend backlog",
    "at the pickup locker",
    "by the night shift",
    "with an older model",
    "under the wrong name",
    "for customs clearance",
    "at the regional hub",
    "after the cut-off",
    "on the wrong van",
    "with a cracked lid",
    "by our supplier",
    "in the returns queue",
    "for a partial credit",
    "at the front desk",
    "in the wrong colour",
]
_WHEN = [
    "",
    "",
    "",
    " on Monday",
    " last night",
    " this morning",
    " yesterday afternoon",
    " over the weekend",
    " before the holiday",
    " two days ago",
    " earlier today",
    " on Friday",
    " late last week",
    " at noon",
]
_PLACE = [
    "Leeds",
    "Milan",
    "Lyon",
    "Porto",
    "Rotterdam",
    "Graz",
    "Cork",
    "Valencia",
    "Brno",
    "Aarhus",
    "Turin",
    "Nantes",
    "Bilbao",
    "Ghent",
    "Malmo",
    "Poznan",
    "Bristol",
    "Utrecht",
    "Seville",
    "Bologna",
]
_FOLLOW = [
    "I've added a note so the next driver calls you first.",
    "I'll keep an eye on it over the weekend.",
    "Could you tell me which day suits you best?",
    "I've put a small credit on your account for the hassle.",
    "Let me know if the colour matters and I'll swap it.",
    "Would a store pickup work better for you?",
    "I asked the team to prioritise it.",
    "If it still fails, try holding the button for ten seconds.",
    "You don't need to send anything back.",
    "I'll email you the new tracking as soon as I have it.",
    "Sorry again, that's not the experience we want you to have.",
    "Does that sound okay?",
    "Feel free to reply here if anything looks off.",
    "I've flagged it to our quality team too.",
    "Keep the old one, it's on us.",
    "Shall I book the collection for you?",
    "I've asked for a photo from the driver.",
    "The refund will show once your bank processes it.",
    "Tell me if you'd rather have store credit.",
    "I'll check back with you on Thursday.",
    "That should sort it, but shout if not.",
    "I've escalated it so it won't happen again.",
]
# What went wrong, in the agent's own words: the tail of a personal sentence. Three
# independent choices (8 x 24 x 30), so no seven-word run of a personal reply recurs the way
# a pasted stock sentence does: real agents' own sentences end in details, not in phrases.
_CAUSE = ["because", "since", "as", "after", "and it seems", "when", "so it looks like", "though"]
_PARTY = [
    "the driver",
    "our scanner",
    "the label printer",
    "the night crew",
    "the courier app",
    "a new picker",
    "the seller",
    "customs",
    "the payment provider",
    "the address check",
    "the depot manager",
    "our stock system",
    "the van",
    "the returns desk",
    "the card issuer",
    "the locker",
    "the sorting belt",
    "the supplier",
    "a temp agent",
    "the booking tool",
    "the weight check",
    "the fraud model",
    "the second courier",
    "the shop floor team",
]
_EVENT = [
    "misread the postcode",
    "skipped a step",
    "logged the wrong bay",
    "ran out of boxes",
    "double-booked the slot",
    "mixed up two labels",
    "went down for an hour",
    "flagged a mismatch",
    "lost the signature",
    "never synced",
    "held it for checks",
    "picked the older batch",
    "sent it to the old flat",
    "charged before the hold cleared",
    "printed a blank label",
    "missed the last pickup",
    "read the street as a road",
    "split the parcel by weight",
    "kept the deposit",
    "timed out twice",
    "rejected the first scan",
    "swapped the sizes",
    "parked it at the wrong gate",
    "routed it through Leipzig",
    "caught a typo in the name",
    "counted it as returned",
    "dropped the insurance",
    "queued it behind a recall",
    "put it on the wrong shelf",
    "waited for a second signature",
]
# Streets named from syllables (30 x 30 x 8): the kind of specific a personal reply carries.
_SYLLABLE_A = [
    "Kel",
    "Mor",
    "Ash",
    "Brin",
    "Cal",
    "Dun",
    "Fen",
    "Gar",
    "Hol",
    "Ist",
    "Jun",
    "Lor",
    "Mar",
    "Nor",
    "Ol",
    "Pen",
    "Quar",
    "Ros",
    "Sel",
    "Tam",
    "Ul",
    "Ver",
    "Wen",
    "Yar",
    "Zel",
    "Bre",
    "Cor",
    "Dal",
    "Eld",
    "Fal",
]
_SYLLABLE_B = [
    "mar",
    "wick",
    "ford",
    "ley",
    "ton",
    "brook",
    "field",
    "mere",
    "gate",
    "wood",
    "dale",
    "holt",
    "stead",
    "worth",
    "bury",
    "combe",
    "ridge",
    "well",
    "haven",
    "moor",
    "cliff",
    "vale",
    "more",
    "side",
    "thorpe",
    "ham",
    "by",
    "den",
    "low",
    "croft",
]
_STREET = ["Road", "Lane", "Street", "Way", "Close", "Avenue", "Row", "Park"]
_IT_CAUSE = ["perché", "dato che", "visto che", "anche se", "e sembra che"]
_IT_EVENT = [
    "il corriere ha letto male il CAP",
    "il magazzino ha saltato un passaggio",
    "l'etichetta è stata stampata due volte",
    "il sistema non si è aggiornato",
    "il fornitore ha mandato il lotto vecchio",
    "la banca ha bloccato il primo addebito",
    "il furgone è partito in anticipo",
    "il negozio ha chiuso prima",
    "la dogana ha chiesto un documento",
    "il collega ha invertito le taglie",
    "il pacco è stato pesato male",
    "l'armadietto era pieno",
    "la app ha perso la firma",
    "il reso è stato registrato due volte",
    "il turno di notte era ridotto",
    "l'indirizzo aveva un refuso",
]
_IT_PERSONAL = [
    "Ho controllato con il magazzino di",
    "Ho sentito il corriere di",
    "Ho parlato con il negozio di",
    "Ho verificato con l'ufficio di",
    "Mi sono sentito con il deposito di",
]
_SUBJECT_IT = [
    "la giacca",
    "la macchina del caffè",
    "il secondo pacco",
    "la carta regalo",
    "l'abbonamento",
    "il codice sconto",
    "la felpa",
    "il vecchio indirizzo",
    "la bici",
    "la scrivania",
    "la lampada",
    "lo zaino",
    "il bollitore",
    "le scarpe",
    "la valigia",
    "il materasso",
    "la tastiera",
    "la sedia",
]
_PREDICATE_IT = [
    "serve la firma alla consegna",
    "c'è un ritardo di qualche giorno",
    "il pagamento risulta doppio",
    "la garanzia copre tutto",
    "il colore non era quello giusto",
    "la consegna è stata divisa in due",
    "il reso è gratuito",
    "manca il manuale nella scatola",
    "l'etichetta si è rovinata",
    "il prezzo sull'app era sbagliato",
    "il pacco è in dogana",
    "è finita nel ritiro in armadietto",
]
_IT_CLOSE = [
    "ti aggiorno io appena so qualcosa.",
    "fammi sapere se va bene così.",
    "scusa ancora per il disagio.",
    "ti ho lasciato un piccolo credito sul conto.",
    "preferisci il ritiro in negozio?",
    "ci penso io entro domani.",
    "tienilo pure, è un omaggio.",
    "ti richiamo giovedì.",
]
_CUSTOMER = [
    "Where is my order?",
    "I was charged twice for the same thing.",
    "My package arrived damaged.",
    "How do I reset my password?",
    "Can I change the delivery address?",
    "Thanks a lot!",
    "The item is the wrong colour.",
    "Nobody has answered me for three days.",
]


# What a customer writes when the reply missed the point (the follow-up truth of ``impact``),
# and how often, given a follow-up, after each template (others: ``frustration_rate``).
FRUSTRATED = [
    "Still nothing, this is the third time I write about it.",
    "??",
    "That's not what I asked.",
    "Is this an automatic reply? I want to talk to a real person.",
    "Hello?? Anyone there?",
    "As I said, the address is correct!",
    "Ancora niente, sempre lo stesso problema.",
    "Todavía no ha llegado nada.",
]
FRUSTRATION = {"address_check": 0.45, "billing": 0.3}


@dataclass(frozen=True)
class SampleConfig:
    replies: int = 1500
    seed: int = 7
    start: datetime = datetime(2026, 1, 5, 8, tzinfo=timezone.utc)
    weeks: int = 8
    agents: int = 8
    light_edit_rate: float = 0.3  # of template replies
    edited_rate: float = 0.12  # of template uses that get a personal part or rewording
    instant_rate: float = 0.05  # of verbatim template uses pasted within seconds (automatic)
    assembled_rate: float = 0.05  # of template uses: stock sentences of two macros and a line of one's own
    signers: int = 2  # agents whose chat replies end in a flattened signature
    split_rate: float = 0.05  # of templated chat replies: sent in two parts, "(1/2)" and "(2/2)"
    frustration_rate: float = 0.06  # of customers' follow-ups, after replies not in FRUSTRATION


class _Gen:
    def __init__(self, config: SampleConfig):
        self.c = config
        self.r = random.Random(config.seed)

    def name(self) -> str:
        first = self.r.choice(FIRST)
        return first if self.r.random() < 0.6 else f"{first} {self.r.choice(LAST)}"

    def slots(self) -> dict[str, str]:
        r = self.r
        return {
            "name": self.name(),
            "order": r.choice(["#", "A", "#"]) + str(r.randint(100000, 999999)),
            "amount": r.choice(["$", "€", "£"]) + f"{r.randint(5, 400)}.{r.randint(0, 99):02d}",
            "date": (self.c.start + timedelta(days=r.randint(1, 90))).strftime("%B %d").replace(" 0", " "),
            "url": f"https://help.example.com/a/{r.randint(1000, 9999)}",
            "email": f"{self.r.choice(FIRST).lower()}.{r.randint(1, 99)}@example.org",
            "phone": f"+44 20 {r.randint(1000, 9999)} {r.randint(1000, 9999)}",
            "courier": r.choice(COURIERS),
            "day": r.choice(WEEKDAYS),
        }

    def fill(self, text: str) -> str:
        return text.format(**self.slots())

    def light_edit(self, text: str) -> str:
        r = self.r
        words = text.split(" ")
        choice = r.choice(["typo", "drop", "swap", "emoji", "greeting"])
        long_words = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
        if choice == "typo" and long_words:
            i = r.choice(long_words)
            w = words[i]
            k = r.randint(1, len(w) - 2)
            words[i] = w[:k] + w[k + 1] + w[k] + w[k + 2 :]
        elif choice == "drop" and len(words) > 8:
            words.pop(r.randint(2, len(words) - 2))
        elif choice == "swap" and len(words) > 8:
            i = r.randint(2, len(words) - 3)
            words[i], words[i + 1] = words[i + 1], words[i]
        elif choice == "greeting" and words[0] in GREETINGS:
            words[0] = r.choice([g for g in GREETINGS if g != words[0]])
        else:
            return text + r.choice(EMOJI)
        return " ".join(words)

    def street(self) -> str:
        r = self.r
        return f"{r.choice(_SYLLABLE_A)}{r.choice(_SYLLABLE_B)} {r.choice(_STREET)}"

    def personal(self, language: str = "en") -> str:
        r = self.r
        if language == "it":
            parts = r.sample(_PREDICATE_IT, 3)
            reasons = [f"{r.choice(_IT_CAUSE)} {r.choice(_IT_EVENT)} in {self.street()}" for _ in range(2)]
            return (
                f"{r.choice(_IT_PERSONAL)} {r.choice(_PLACE)}: per {r.choice(_SUBJECT_IT)} {parts[0]} {reasons[0]}, "
                f"mentre per {r.choice(_SUBJECT_IT)} {parts[1]} e {parts[2]} {reasons[1]}. "
                f"{r.choice(_IT_CLOSE).capitalize()}"
            )
        # Several independent choices per sentence and two or more sentences, so that even a
        # million personal replies almost never repeat or nearly repeat one another.
        sentences = []
        for _ in range(r.randint(2, 3)):
            where = f" in {r.choice(_PLACE)}" if r.random() < 0.5 else ""
            why = f" {r.choice(_CAUSE)} {r.choice(_PARTY)} {r.choice(_EVENT)} on {self.street()}"
            sentences.append(
                f"{r.choice(_OPEN)} the {r.choice(_ADJECTIVE)} {r.choice(_ITEM)}{where} "
                f"{r.choice(_VERB)} {r.choice(_COMPLEMENT)}{r.choice(_WHEN)}{why}."
            )
        sentences.append(r.choice(_FOLLOW))
        text = " ".join(sentences)
        return text[0].upper() + text[1:]

    def short_personal(self) -> str:
        """A short reply of the agent's own ("Sure, the walnut lamp ships Friday from Kelford Way.").
        Like a real one, it names something of this customer's (here a street): a million of
        them do not repeat each other the way a pasted phrase does."""
        r = self.r
        return (
            f"{r.choice(['Sure,', 'Yes,', 'Done:', 'Right,', 'Ok,', 'Hmm,'])} the {r.choice(_ADJECTIVE)} "
            f"{r.choice(_ITEM)} {r.choice(['ships', 'left', 'is ready', 'is back', 'arrives', 'was fixed'])}"
            f"{r.choice(_WHEN) or ' today'} {r.choice(['from', 'at', 'for', 'near'])} {self.street()}."
        )

    def dress(self, body: str, channel: str, agent: str, signs: bool = False) -> str:
        """What the help desk stores around a reply: e-mail signature, quoted history, HTML;
        in chat, a signature flattened onto the last line for agents who sign."""
        r = self.r
        if channel == "chat" and signs:
            return f"{body} Best regards, {agent} Customer Care Team"
        if channel == "email":
            if r.random() < 0.4:
                body += f"\n\n{r.choice(['Best regards,', 'Kind regards,', 'Cheers,', 'Thanks,'])}\n{agent.split()[0]}\nACME Support"
            if r.random() < 0.3:
                body += (
                    f"\n\nOn {r.choice(['Mon', 'Tue', 'Wed'])}, {r.randint(1, 28)} Feb 2026 at 10:{r.randint(10, 59)}, "
                    f"{r.choice(FIRST)} <{r.choice(FIRST).lower()}@example.org> wrote:\n> {r.choice(_CUSTOMER)}\n> Thanks"
                )
        elif channel == "web" and r.random() < 0.3:
            paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n"))
            body = f"<div>{paragraphs}</div>"
        return body

    def assembled(self) -> tuple[str, str, bool]:
        """(template, body, verbatim) of a reply assembled from stock sentences of two English
        macros and a line of the agent's own; its template is the one of the longer sentence."""
        r = self.r
        english = [t for t in TEMPLATES if t[1] == "en" and t[2].count(". ") + t[2].count("? ") >= 1]
        picks = r.sample(english, 2)
        parts = []
        for _name, _lang, text in picks:
            sentences = [s.strip() for s in text.replace("? ", "?|").replace(". ", ".|").split("|")]
            parts.append((max(sentences, key=len), _name))
        own = self.personal().split(". ")[0].rstrip(".") + "."
        chosen = max(parts, key=lambda p: len(p[0]))[1]
        body = " ".join([self.fill(parts[0][0]), own, self.fill(parts[1][0])])
        return chosen, body, False

    def edited(self, filled: str) -> str:
        r = self.r
        if r.random() < 0.6:
            extra = self.personal()
            return f"{extra} {filled}" if r.random() < 0.5 else f"{filled} {extra}"
        # Reworded in part: keep most of the template, replace its last part with own words.
        words = filled.split(" ")
        cut = int(len(words) * 0.75)
        return " ".join(words[:cut]) + " " + self.personal().split(". ")[0].rstrip(".") + "."


def generate(path: str | Path, config: SampleConfig = SampleConfig()) -> Path:
    """Write a labelled Zendesk-style export to ``path`` and its truth to ``*.truth.csv``."""
    path = Path(path)
    g = _Gen(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Rows are written as they are made, so an export of millions of replies never sits in memory.
    with (
        path.open("w", encoding="utf-8", newline="") as export_file,
        truth_path(path).open("w", encoding="utf-8", newline="") as truth_file,
    ):
        rows = csv.DictWriter(export_file, fieldnames=EXPORT_COLUMNS)
        truth = csv.DictWriter(truth_file, fieldnames=TRUTH_COLUMNS)
        rows.writeheader()
        truth.writeheader()
        _write_replies(g, config, rows, truth)
    return path


def _write_replies(g: _Gen, config: SampleConfig, rows: csv.DictWriter, truth: csv.DictWriter) -> None:
    r = g.r
    agents = [f"{FIRST[(i * 5) % len(FIRST)]} {LAST[(i * 3) % len(LAST)]}" for i in range(config.agents)]
    signers = set(agents[: config.signers])
    # Some agents lean on templates, some write their own: per-agent shares must differ.
    template_rate = {a: 0.25 + 0.6 * i / max(config.agents - 1, 1) for i, a in enumerate(agents)}
    span = timedelta(weeks=config.weeks).total_seconds()
    comment_id = 1000
    ticket = 50000
    made = 0

    def agent_row(comment_id: int, public: bool, at: datetime, text: str) -> dict[str, str]:
        """A row by the agent of the turn being written (its ticket, agent and channel)."""
        return _row(comment_id, ticket, 100 + agents.index(agent), agent, "agent", public, at, channel, text)

    while made < config.replies:
        ticket += 1
        channel = r.choice(["email", "email", "web", "chat"])
        t = config.start + timedelta(seconds=r.random() * span)
        comment_id += 1
        rows.writerow(_customer_row(g, comment_id, ticket, t, channel))
        if r.random() < 0.15 and made < config.replies:  # the bot answers first
            comment_id += 1
            made += 1
            t2 = t + timedelta(seconds=r.randint(1, 5))
            rows.writerow(
                _row(comment_id, ticket, 1, "Support Bot", "agent", True, t2, "rule", g.fill(BOT_TEMPLATE[2]))
            )
            truth.writerow(
                {
                    "reply_id": str(comment_id),
                    "kind": "automatic",
                    "template": BOT_TEMPLATE[0],
                    "agent": "Support Bot",
                }
            )
        customer_at: datetime | None = t  # the customer's message the next agent turn answers
        for _turn in range(r.randint(1, 2)):
            if made >= config.replies:
                break
            agent = r.choice(agents)
            kind, template, body, verbatim = _agent_reply(g, template_rate[agent])
            if (
                kind == "template"
                and customer_at is not None
                and r.random() < config.instant_rate
                and verbatim
            ):
                # Pasted within seconds of the customer's message: an automatic reply.
                t = customer_at + timedelta(seconds=r.randint(1, 6))
                kind = "automatic"
            else:
                t = t + timedelta(minutes=r.randint(3, 600))
            body = g.dress(body, channel, agent, signs=agent in signers)
            words = body.split()
            parts = [body]
            if (
                channel == "chat"
                and kind != "personal"
                and len(words) >= 16
                and r.random() < config.split_rate
            ):
                # Too long for one chat bubble: sent in two parts a few seconds apart.
                half = len(words) // 2
                parts = [" ".join(words[:half]) + " (1/2)", " ".join(words[half:]) + " (2/2)"]
            for number, part in enumerate(parts):
                comment_id += 1
                made += 1
                sent = t + timedelta(seconds=4 * number)
                rows.writerow(agent_row(comment_id, True, sent, part))
                truth.writerow(
                    {"reply_id": str(comment_id), "kind": kind, "template": template, "agent": agent}
                )
            customer_at = None
            if r.random() < 0.1:
                comment_id += 1
                rows.writerow(
                    agent_row(
                        comment_id,
                        False,
                        t + timedelta(minutes=1),
                        "Internal: checked with warehouse, see Jira.",
                    )
                )
            if r.random() < 0.5:
                comment_id += 1
                t = t + timedelta(minutes=r.randint(5, 300))
                row = _customer_row(g, comment_id, ticket, t, channel)
                # Some macros miss the customer's point: they are followed by frustration more.
                if r.random() < FRUSTRATION.get(template, config.frustration_rate):
                    row["body"] = r.choice(FRUSTRATED)
                rows.writerow(row)
                customer_at = t


def _customer_row(g: _Gen, comment_id: int, ticket: int, t: datetime, channel: str) -> dict[str, str]:
    """A customer's message (random draws in the order the rows always made them)."""
    author_id = 900000 + g.r.randint(1, 5000)
    name = g.name()
    return _row(comment_id, ticket, author_id, name, "end-user", True, t, channel, g.r.choice(_CUSTOMER))


def _agent_reply(g: _Gen, template_rate: float) -> tuple[str, str, str, bool]:
    """(true kind, template name, body, sent verbatim) of one agent reply."""
    r = g.r
    if r.random() >= template_rate:
        if r.random() < 0.06:
            return "personal", "", g.short_personal(), False
        return "personal", "", g.personal("it" if r.random() < 0.05 else "en"), False
    template, _lang, text = r.choice(TEMPLATES)
    if r.random() < g.c.assembled_rate:
        return "edited", *g.assembled()
    filled = g.fill(text)
    if r.random() < g.c.edited_rate and len(filled.split()) >= 10:
        return "edited", template, g.edited(filled), False
    if r.random() < g.c.light_edit_rate and len(filled.split()) >= 10:
        return "template", template, g.light_edit(filled), False
    return "template", template, filled, True


EXPORT_COLUMNS = [
    "id",
    "ticket_id",
    "author_id",
    "author_name",
    "author_role",
    "public",
    "created_at",
    "via_channel",
    "body",
]
TRUTH_COLUMNS = ["reply_id", "kind", "template", "agent"]


def _row(
    cid: int,
    ticket: int,
    author_id: int,
    author: str,
    role: str,
    public: bool,
    when: datetime,
    channel: str,
    body: str,
) -> dict[str, str]:
    return {
        "id": str(cid),
        "ticket_id": str(ticket),
        "author_id": str(author_id),
        "author_name": author,
        "author_role": role,
        "public": "true" if public else "false",
        "created_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "via_channel": channel,
        "body": body,
    }


def truth_path(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(path.stem + ".truth.csv")


def sample_path() -> Path:
    """The bundled sample export (generated into a cache folder when run outside the repo).

    >>> sample_path().name
    'zendesk_sample.csv'
    """
    bundled = Path(__file__).resolve().parents[1] / "sample_exports" / SAMPLE_NAME
    if bundled.exists():
        return bundled
    import tempfile

    cached = Path(tempfile.gettempdir()) / "replydiag-sample" / SAMPLE_NAME
    if not cached.exists():
        generate(cached)
    return cached


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m replydiag.samples", description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="where to write the export (the truth goes beside it as *.truth.csv)")
    parser.add_argument("--replies", type=int, default=SampleConfig.replies, help="agent replies to generate")
    parser.add_argument("--seed", type=int, default=SampleConfig.seed)
    parser.add_argument("--weeks", type=int, default=SampleConfig.weeks)
    args = parser.parse_args(argv)
    out = generate(args.out, SampleConfig(replies=args.replies, seed=args.seed, weeks=args.weeks))
    print(f"wrote {out} and {truth_path(out)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
