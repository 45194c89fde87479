"""Who wrote each row: the role vocabulary, and the role columns chosen once per file.

A row's role comes from a direction flag (inbound/outbound), else from role-like columns
(author type, role, event) whose values read as role words in any of the languages below,
else from brand handle vs customer id (twcs). Which role-like columns count is chosen from a
file's first rows (``choose_role_columns``) and then applied to every chunk (``assign_roles``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..hashcount import value_hashes
from ..models import Role
from ..sorting import unique
from .formats import Detection, column_of, is_blank
from .notes import Notes

# Role words across vendors and languages; a layout may override some (Help Scout's "user" is
# an agent, Intercom's "user" a customer).
ROLE_WORDS: dict[str, Role] = {
    **dict.fromkeys(
        [
            "customer",
            "client",
            "end",
            "user",
            "enduser",
            "end_user",
            "requester",
            "visitor",
            "contact",
            "lead",
            "consumer",
            "user_customer",
            "cliente",
            "kunde",
            "kundin",
            "clienta",
            "usuario",
            "utente",
            "appuser",  # Smooch
            "guest",  # a chat widget's unnamed visitor
        ],
        Role.CUSTOMER,
    ),
    **dict.fromkeys(
        [
            "agent",
            "admin",
            "teammate",
            "operator",
            "staff",
            "support",
            "helpdesk",
            "representative",
            "employee",
            "brand",
            "company",
            "outgoing",
            "outbound",
            "out",
            "operatore",
            "agente",
            "bearbeiter",
            "mitarbeiter",
            "operador",
            "atendente",
            "conseiller",
            "agent_reply",
            "business",  # Sunshine Conversations
            "appmaker",  # Smooch
            # Twilio's Messages API ("outbound-api" had been read by its last word as a system
            # event: every reply skipped), and a mailbox's or phone's "Sent" / "Received".
            "outbound-api",
            "outbound-reply",
            "outbound-call",
            "sent",
        ],
        Role.AGENT,
    ),
    **dict.fromkeys(
        [
            "bot",
            "automation",
            "auto",
            "autoreply",
            "workflow",
            "rule",
            "trigger",
            "ai",
            "ai_agent",
            "chatbot",
            "assistant",  # an LLM chat log's "assistant" (the user is the customer)
            "ai_assistant",
            "virtual_agent",
            "virtual_assistant",
        ],
        Role.BOT,
    ),
    **dict.fromkeys(["note", "internal", "private", "comment", "internal_note", "nota", "notiz"], Role.NOTE),
    **dict.fromkeys(
        ["system", "event", "lineitem", "line_item", "welcome_message", "system_message"], Role.SYSTEM
    ),
    **dict.fromkeys(["incoming", "inbound", "in", "received"], Role.CUSTOMER),
    "end-user": Role.CUSTOMER,
    # Olark's transcripts name each message by whom it went to.
    "messagetovisitor": Role.AGENT,
    "messagetooperator": Role.CUSTOMER,
}

# A phone number in international form, or a messaging channel's address: how SMS, WhatsApp
# and Messenger customers appear as authors (Twilio); never how a team member does.
CUSTOMER_ADDRESS = re.compile(
    r"(?:(?:whatsapp|sms|mms|rcs|viber|signal):)?\+\d[\d ()-]{6,18}\d"
    r"|(?:messenger|instagram|line|telegram|wechat|gbm|apple|abc):\S+"
)
# Customer role words that stand for a customer where an export writes no name (an author
# "Customer"); words that could be someone's name or a team's ("user", "lead", "contact") are not.
CUSTOMER_NAMES = frozenset(
    {"customer", "client", "enduser", "end_user", "requester", "visitor", "consumer", "cliente", "clienta"}
    | {"kunde", "kundin", "usuario", "utente"}
)
TRUE_WORDS = {"true", "t", "yes", "y", "1", "si", "sì", "ja", "oui", "sim", "vero", "wahr", "x"}
FALSE_WORDS = {"false", "f", "no", "n", "0", "nein", "non", "nao", "não", "falso", "falsch"}
_ROLE_STRIP = re.compile(r"[^a-z_]+")
_DIRECTION_WORDS = ("incoming", "inbound", "received", "outgoing", "outbound", "sent")
_LAST_WORD_ROLES = {
    **dict.fromkeys(["note", "notes"], Role.NOTE.value),
    **dict.fromkeys(["change", "changed"], Role.SYSTEM.value),
    # Ada's "human_agent", a "support_agent", "live_agent" ("ai_agent" is a bot word itself).
    "agent": Role.AGENT.value,
    "bot": Role.BOT.value,
    "customer": Role.CUSTOMER.value,
}


@dataclass(frozen=True)
class RoleChoice:
    """Decided once per file: the role-like columns whose values are roles, and whether any
    column tells who wrote a row (if none does, every row is read as an agent's)."""

    columns: tuple[str, ...]
    direction_known: bool


def choose_role_columns(frame: pd.DataFrame, detection: Detection) -> RoleChoice:
    """The role columns of a file, chosen from its first rows."""
    return _roles(frame, detection, None, Notes())[1]


ROLE_VALUES_SHARE = 0.9  # an author column this full of role words says roles, not names


def roles_in_author_column(frame: pd.DataFrame, detection: Detection) -> str | None:
    """The column taken as the author when its values are role words, not names: Zammad's
    ``sender`` (Customer / Agent / System) says who wrote each row. None when a column already
    says so, the author column was named (``--map``, a known layout), or its values are names.

    >>> from .formats import detect
    >>> frame = pd.DataFrame({"body": ["Hi", "Sure"], "sender": ["Customer", "Agent"]})
    >>> roles_in_author_column(frame, detect(frame))
    'sender'
    """
    fields = detection.fields
    author = fields.get("agent")
    if author is None or author.confidence in ("given", "high"):
        return None
    if "inbound" in fields or "outbound" in fields:
        return None
    sides = {Role.AGENT.value, Role.CUSTOMER.value}
    direction = column_of(frame.head(2000), fields, "direction")
    if direction is not None and _roles_from_words(direction, ROLE_WORDS).isin(sides).any():
        return None  # a column already says who wrote (Zammad's "type" says which channel)
    values = frame[author.column].head(2000)
    values = values[~is_blank(values)]
    if values.empty:
        return None
    # Whole values only: "Tom Agent" is a name whose last word is a role, "Agent" a role.
    table = {word: role.value for word, role in ROLE_WORDS.items()}
    roles = values.astype("string").str.strip().str.lower().str.replace(_ROLE_STRIP.pattern, "", regex=True)
    roles = roles.map(table)
    # Both sides among the values: a team's one shared name ("Support") is still a name.
    both = sides <= set(roles.dropna())
    return author.column if both and roles.notna().mean() >= ROLE_VALUES_SHARE else None


def assign_roles(frame: pd.DataFrame, detection: Detection, choice: RoleChoice, notes: Notes) -> pd.Series:
    """The role of each row, reading the columns ``choice`` names."""
    return _roles(frame, detection, choice, notes)[0]


# Visibility written as who may see a message: the team only (Zoho "private", LiveChat
# "agents", Salesforce FeedItem "InternalUsers") or everyone ("public", "all", "AllUsers").
# Compared on letters only ("Internal Users", "internal_users").
_HIDDEN_WORDS = {
    **dict.fromkeys(("private", "internal", "agents", "agentsonly", "internalusers", "staff", "team"), True),
    **dict.fromkeys(("public", "all", "allusers", "everyone", "external", "customer", "customers"), False),
}


def truthy(series: pd.Series) -> pd.Series:
    """Boolean-ish cells (TRUE/FALSE, 1/0, yes/no, in/out ...) to a nullable boolean."""
    lowered = series.astype("string").str.strip().str.lower()
    out = pd.Series(pd.NA, index=series.index, dtype="boolean")
    out[lowered.isin(TRUE_WORDS)] = True
    out[lowered.isin(FALSE_WORDS)] = False
    return out


@dataclass(frozen=True)
class _ColumnRoles:
    """Roles read from a column of role words, and how many rows typed "user" were read as
    the team's (beside "contact": ``_distinct_roles``), a guess said with the accounting."""

    values: pd.Series
    users_as_team: int


def _roles_from_words(series: pd.Series, words: Mapping[str, Role | None]) -> pd.Series:
    """Role values ("agent", "customer" ...) read from a column of role words, or missing."""
    return _column_roles(series, words).values


def _column_roles(series: pd.Series, words: Mapping[str, Role | None]) -> _ColumnRoles:
    # Read once per distinct value: a role column of millions of rows holds a handful.
    codes, distinct = pd.factorize(series.astype("string"))
    labels = pd.Series(distinct, dtype="string")
    roles = _distinct_roles(labels, words).to_numpy(dtype=object)
    out = np.full(len(series), None, dtype=object)
    out[codes >= 0] = roles[codes[codes >= 0]]
    moved = np.flatnonzero(
        (labels.str.strip().str.lower() == "user").fillna(False).to_numpy(dtype=bool)
        & (roles == Role.AGENT.value)
    )
    users = int(np.isin(codes, moved).sum()) if len(moved) and words.get("user") is Role.CUSTOMER else 0
    return _ColumnRoles(pd.Series(out, index=series.index, dtype=object), users)


def _distinct_roles(values: pd.Series, words: Mapping[str, Role | None]) -> pd.Series:
    table = {word: role.value for word, role in words.items() if role is not None}
    lowered = values.str.strip().str.lower()
    mapped = lowered.map(table)
    # Values like "End-user" or "AGENT_REPLY" are retried on letters only; a speaker id like
    # Zendesk Chat's "agent:360012" or "visitor:1.K8Xb" on the word before its colon ...
    missing = mapped.isna() & lowered.notna()
    if missing.any():
        mapped[missing] = lowered[missing].str.replace(_ROLE_STRIP.pattern, "", regex=True).map(table)
    # ... and a value whose last word says who or what ("human_agent", "CONVERSATION_NOTE",
    # Gladly's "CONVERSATION_STATUS_CHANGE") is that, whatever the words before it.
    # A bot word anywhere comes first: an "AI Agent" is a bot.
    missing = mapped.isna() & lowered.notna()
    if missing.any():
        bot_words = [w for w, role in words.items() if role is Role.BOT and w.isalpha()]
        automated = lowered[missing].str.contains(rf"\b(?:{'|'.join(bot_words)})\b", regex=True)
        last = lowered[missing].str.extract(r"([a-z]+)\W*$", expand=False).map(_LAST_WORD_ROLES)
        mapped[missing] = last.where(~automated.fillna(False).astype(bool), Role.BOT.value)
    # ... and one whose first word is a direction ("INCOMING_EMAIL", "OUTBOUND_CALL") that.
    missing = mapped.isna() & lowered.notna()
    if missing.any():
        first = lowered[missing].str.extract(r"^([a-z]+)[_\s-]", expand=False)
        mapped[missing] = first.where(first.isin(_DIRECTION_WORDS)).map(table)
    missing = mapped.isna() & lowered.str.contains(":", regex=False).fillna(False).astype(bool)
    if missing.any():
        speaker = lowered[missing].str.split(":", n=1)
        mapped[missing] = speaker.str[0].str.strip().map(table)
        # ... unless the id names an automation ("agent:trigger", a chat trigger's speaker).
        automated = (speaker.str[1].str.strip().map(table) == Role.BOT.value).fillna(False).astype(bool)
        mapped[automated.index[automated.to_numpy()]] = Role.BOT.value
    user = (lowered == "user").fillna(False).astype(bool)
    if user.any() and (lowered == "contact").any() and not (mapped == Role.AGENT.value).any():
        # "user" is a customer beside "admin" or "agent" (Intercom, Freshchat); beside "contact"
        # and no agent word it is the help desk's own user, the team (unified APIs: Truto's
        # author.type user / contact / system).
        mapped[user] = Role.AGENT.value
    comment = (lowered == "comment").fillna(False).astype(bool)
    if comment.any() and (mapped[~comment] == Role.NOTE.value).any():
        # "comment" is a note where nothing else is (HubSpot's and Front's internal comments);
        # beside a "note" value it is a message (Intercom's reply part), its author's.
        mapped[comment] = None
    return mapped.astype(object).where(mapped.notna(), None)


def _roles(
    frame: pd.DataFrame, detection: Detection, choice: RoleChoice | None, notes: Notes
) -> tuple[pd.Series, RoleChoice]:
    """Role per row: direction flag, else author type/role, else brand handle vs customer id.

    Without a ``choice`` (a file's first rows), the role-like columns whose values read as
    roles are chosen here; with one, exactly its columns are read.
    """
    fields, spec = detection.fields, detection.spec
    words: dict[str, Role | None] = {**ROLE_WORDS, **(spec.role_words if spec else {})}
    role = pd.Series(pd.NA, index=frame.index, dtype="object")
    known = choice.direction_known if choice is not None else False

    inbound = column_of(frame, fields, "inbound")
    if inbound is not None:
        flag = truthy(inbound)
        role[flag == True] = Role.CUSTOMER.value  # noqa: E712 - nullable boolean
        role[flag == False] = Role.AGENT.value  # noqa: E712
        known = True
    outbound = column_of(frame, fields, "outbound")
    if outbound is not None:
        flag = truthy(outbound)
        role[role.isna() & (flag == True)] = Role.AGENT.value  # noqa: E712
        role[role.isna() & (flag == False)] = Role.CUSTOMER.value  # noqa: E712
        known = True

    overriding: list[
        tuple[str, pd.Series]
    ] = []  # NOTE / SYSTEM / BOT found in any role-like column win over AGENT
    accepted: list[str] = []
    for name in ("direction", "role", "event"):
        column = column_of(frame, fields, name)
        if column is None:
            continue
        read = _column_roles(column, words)
        values = read.values
        if choice is not None:
            if name not in choice.columns:
                continue
        elif name == "event" and fields[name].confidence not in ("given", "high"):
            # A message-type column: most values ("normal") are no role, a few mark notes.
            if not values.isin((Role.NOTE.value, Role.SYSTEM.value)).any() or column.nunique() > 12:
                continue
        elif values.notna().mean() < 0.5 and fields[name].confidence not in ("given", "high"):
            continue  # a synonym column ("type", "who") whose values are not roles
        accepted.append(name)
        notes.count(
            f"{{n}} rows of '{fields[name].column}' typed 'user' beside 'contact' read as the team's"
            " (the help desk's own users)",
            read.users_as_team,
        )
        if words.get("comment") is Role.NOTE:
            # Said, as it moves rows from internal notes to replies (``_distinct_roles``); only
            # the rows read as no role can be such comments, so only they are looked at.
            unread = column[values.isna()].astype("string").str.strip().str.lower()
            notes.count(
                f"{{n}} rows of '{fields[name].column}' typed 'comment' beside 'note' rows read as messages"
                " by their authors (a reply part, as Intercom's), not as internal comments",
                int((unread == "comment").sum()),
            )
        # A column of event types (field change, notification) says who wrote no message.
        known = known or bool(values.isin((Role.AGENT.value, Role.CUSTOMER.value, Role.BOT.value)).any())
        fill = role.isna() & values.notna()
        role[fill] = values[fill]
        overriding.append((name, values))

    agent_side, customer_side = (
        column_of(frame, fields, "agent_side"),
        column_of(frame, fields, "customer_side"),
    )
    if agent_side is not None or customer_side is not None:
        if agent_side is not None:
            role[role.isna() & ~is_blank(agent_side)] = Role.AGENT.value
        if customer_side is not None:
            role[role.isna() & ~is_blank(customer_side)] = Role.CUSTOMER.value
        known = True

    if role.isna().any() and spec is not None and spec.shared_agent_account and "agent" in fields:
        # twcs: the company writes as its handle (letters); customers are anonymised numbers.
        author = frame[fields["agent"].column].astype("string").str.strip()
        numeric = author.str.fullmatch(r"\d+").fillna(False).astype(bool)
        handle = author.notna() & ~numeric
        role[role.isna() & numeric] = Role.CUSTOMER.value
        role[role.isna() & handle] = Role.AGENT.value
        known = known or bool(numeric.any())

    if role.isna().any() and "agent" in fields:
        known = _portal_accounts(frame, fields["agent"].column, role, notes) or known

    if role.isna().any() and not known and "agent" in fields:
        # No column says who wrote a row, but an author written as a phone number or a
        # messaging address is a customer: a team writes under names or identities (Twilio
        # Conversations: "whatsapp:+15551230000" beside "agent.jane"; its own "system").
        author = frame[fields["agent"].column].astype("string").str.strip()
        address = author.str.fullmatch(CUSTOMER_ADDRESS.pattern, case=False).fillna(False).astype(bool)
        # ... and so is an author written as the role itself: exports that hide the customer's
        # name write "Customer" (or "Client", "Kunde" ...) where an agent's name stands.
        named_as_role = (
            author.str.lower()
            .str.replace(_ROLE_STRIP.pattern, "", regex=True)
            .isin(CUSTOMER_NAMES)
            .fillna(False)
            .astype(bool)
        )
        notes.count(
            "{n} rows by an author written as the role ('Customer', 'Client' ...) read as customers' messages",
            int((role.isna() & named_as_role).sum()),
        )
        system = (author.str.lower() == "system").fillna(False).astype(bool)
        # (Said as a warning with the row accounting: it changes the figures.)
        notes.count(
            "{n} rows by the author 'system' read as system events", int((role.isna() & system).sum())
        )
        role[role.isna() & (address | named_as_role)] = Role.CUSTOMER.value
        role[role.isna() & system] = Role.SYSTEM.value

    for name, values in overriding:
        for special in (Role.NOTE.value, Role.SYSTEM.value):
            role[(values == special) & (role != Role.CUSTOMER.value)] = special
        if name == "event":  # a field change or notification is nobody's message, whoever made it
            role[values == Role.SYSTEM.value] = Role.SYSTEM.value
        role[(values == Role.BOT.value) & (role == Role.AGENT.value)] = Role.BOT.value
    for name, hidden in (("public", False), ("private", True)):
        column = column_of(frame, fields, name)
        if column is not None:
            flag = truthy(column)
            if name == "private" and flag.isna().all():  # a visibility column: who may see it
                flag = (
                    column.astype("string")
                    .str.strip()
                    .str.lower()
                    .str.replace("[^a-z]+", "", regex=True)
                    .map(_HIDDEN_WORDS)
                    .astype("boolean")
                )
            role[(flag == hidden).fillna(False) & (role != Role.CUSTOMER.value)] = Role.NOTE.value
    unknown = role.isna()
    if unknown.any() and known and "agent" in fields:
        _by_other_rows(role, unknown, frame[fields["agent"].column], notes)
        unknown = role.isna()
    if unknown.any():
        if known:
            # Rows a direction column leaves blank: better counted than guessed.
            role[unknown] = Role.SYSTEM.value
            notes.count(
                "{n} rows have no readable direction/role (skipped as system events)", int(unknown.sum())
            )
        else:
            role[unknown] = Role.AGENT.value
    return role.astype("string"), RoleChoice(tuple(accepted), known)


# Jira Service Management's customers who have only its portal have account ids of their own
# kind ("qm:a713c8ea-...:5ad6d358..."); a team member's is an Atlassian account ("5b10a284...").
_PORTAL_ACCOUNT = "qm:"


def _portal_accounts(frame: pd.DataFrame, author: str, role: pd.Series, notes: Notes) -> bool:
    """Rows by portal-only accounts read as customers', the other accounts' rows as the team's
    (a request's comments say no author type): whether any such account was found."""
    # The account id beside the author's name: "author.accountId" beside "author.displayName".
    wanted = f"{author.rsplit('.', 1)[0]}.accountid" if "." in author else "accountid"
    column = next((c for c in frame.columns if c.lower() == wanted.lower()), None)
    if column is None:
        return False
    account = frame[column].astype("string").str.strip()
    portal = account.str.startswith(_PORTAL_ACCOUNT).fillna(False).astype(bool)
    if not portal.any():
        return False
    notes.count(
        f"{{n}} rows by Jira Service Management portal-only accounts ('{_PORTAL_ACCOUNT}...' in '{column}') read"
        " as customers' messages, the other accounts' as the team's",
        int((role.isna() & portal).sum()),
    )
    role[role.isna() & portal] = Role.CUSTOMER.value
    role[role.isna() & account.notna() & ~portal] = Role.AGENT.value
    return True


def _by_other_rows(role: pd.Series, unknown: pd.Series, authors: pd.Series, notes: Notes) -> None:
    """Rows no column types (Deskpro's bare "web": written in the web app, by anyone) take
    their author's side where every other row of that author reads as one side: an agent
    typed "agent" elsewhere wrote this reply too. Said, as it changes the figures."""
    author = authors.astype("string").str.strip()
    sided = role.isin((Role.AGENT.value, Role.CUSTOMER.value)).to_numpy() & author.notna().to_numpy()
    pairs = pd.DataFrame({"author": author[sided], "side": role[sided]}).drop_duplicates()
    one_side = pairs.drop_duplicates("author", keep=False).set_index("author")["side"]
    side = author[unknown].map(one_side)
    side = side[side.notna()]
    role[side.index] = side
    for value, who in ((Role.AGENT.value, "the team's"), (Role.CUSTOMER.value, "customers'")):
        notes.count(
            f"{{n}} rows that no column says who wrote read as {who}, as their authors' other rows are",
            int((side == value).sum()),
        )


TEAM_REACH = 3  # an author writing in this many conversations or more is the team's, when ...
SINGLE_SHARE = 0.6  # ... at least this share of the other authors write in one conversation only
TEAM_COVERAGE = 0.5  # ... and the team writes in at least this share of the conversations


@dataclass(frozen=True)
class TeamGuess:
    """Authors read as the team when no column says who wrote each row (the others are
    customers), and how the file showed it."""

    authors: frozenset[str]
    others: int
    covered: float  # share of conversations the team writes in

    @property
    def names(self) -> str:
        return ", ".join(sorted(self.authors)[:3]) + (" ..." if len(self.authors) > 3 else "")

    def describe_files(self, sources: list[str]) -> str:
        """The guess made across the files of a folder (``across``), said once."""
        files = f"{len(sources):,} files ({', '.join(sources[:2])}{' ...' if len(sources) > 2 else ''})"
        return (
            f"{files}: no column says who wrote each row, and each file holds too few conversations"
            f" to tell; read together, {len(self.authors)} author(s) writing in many of their"
            f" conversations ({self.names}; {self.covered:.0%} of them) are read as the team and"
            f" {self.others:,} authors who write in few as customers. If that is wrong, name the"
            " author-type column with --map role=COLUMN"
        )

    def describe(self, source: str) -> str:
        return (
            f"{source}: no column says who wrote each row; {len(self.authors)} author(s) writing in"
            f" {TEAM_REACH}+ conversations ({self.names}; {self.covered:.0%} of conversations) are read as"
            f" the team and {self.others:,} authors who write in few as customers. If that is wrong,"
            " name the author-type column with --map role=COLUMN"
        )


def team_by_reach(
    authors: pd.Series, conversations: pd.Series, counted: np.ndarray | None = None
) -> TeamGuess | None:
    """Who the team is, from how widely each author writes: a brand account or an agent
    answers in many conversations, a customer in their own one or two (a Twitter API dump,
    a comments export without its users). None unless the file shows that shape clearly.
    ``counted`` selects the rows that count (not skipped ones); all by default.

    >>> team_by_reach(pd.Series(["brand", "a", "brand", "b", "brand", "c", "brand", "a"]),
    ...               pd.Series([1, 1, 2, 2, 3, 3, 4, 4])).authors
    frozenset({'brand'})
    """
    # Codes, not strings: ten million (author, conversation) pairs as Python strings were
    # a reading peak of a gigabyte. Factorised whole (a missing author is -1), not filtered
    # first: each filtered copy of a column was a hundred MB more at that peak.
    author, names = pd.factorize(authors)
    known = (author >= 0) & conversations.notna().to_numpy()
    if counted is not None:
        known &= counted
    if not known.any():
        return None  # no author named: the conversations need no hashes
    # Each distinct (author, conversation) pair by one sort of 64-bit keys: the author's code
    # in the top bits, the conversation's hash in the rest. Codes of ten million distinct
    # conversation ids took up to a gigabyte (strings) or half of one (their hashes). Two
    # conversations of one author share a key only if their hashes agree in every bit kept
    # (40 or more below 16M authors): a few pairs in ten million, nothing the thresholds see.
    top = np.uint64(64 - max((len(names) - 1).bit_length(), 1))
    key = value_hashes(conversations)[known] >> (np.uint64(64) - top)
    key |= author[known].astype(np.uint64) << top
    pair = unique(key)
    del key
    pair_author = (pair >> top).astype(np.int64)
    pair_conversation = pair & ((np.uint64(1) << top) - np.uint64(1))
    reach = pd.Series(np.bincount(pair_author, minlength=len(names)), index=pd.Index(names, dtype=object))
    is_team = (reach >= TEAM_REACH).to_numpy()
    team = reach.index[is_team]
    others = reach[~is_team]
    if not len(team) or len(others) < 2 or (others == 1).mean() < SINGLE_SHARE:
        return None
    # The share of conversations (with a named author) the team writes in.
    covered = len(np.unique(pair_conversation[is_team[pair_author]])) / len(np.unique(pair_conversation))
    if covered < TEAM_COVERAGE:
        return None
    return TeamGuess(frozenset(team), len(others), covered)
