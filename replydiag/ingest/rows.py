"""Canonical rows: one row per input row with the canonical columns, then the whole-file steps.

``canonical_rows`` runs per chunk; ``finish`` runs over all of a file's rows what needs them
all (the date format of a column, twcs reply threads, duplicate ids) and splits them into
agent replies, customer messages and skipped rows, every row accounted for.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import FormatError
from ..hashcount import repeats, value_hashes
from ..memory import missing_strings, repeated_strings
from ..models import Role, RowAccounting
from ..normalize import matches
from .csv_table import CsvChunks
from .dates import parse_dates
from .formats import FieldChoice, column_of, is_blank, norm_header
from .notes import Notes
from .plan import Plan, reply_text
from .roles import assign_roles, team_by_reach, truthy

CANONICAL_FIELDS = (
    "source",
    "row_number",
    "reply_id",
    "conversation_id",
    "agent",
    "channel",
    "created_at",
    "text",
    "role",
    "automatic_flag",
    "helpdesk_template",
    "agent_is_account",
)

_RETWEET = r"^\s*RT @\w{1,50}:"
# A tweet addressed to someone opens with their handle (".@ann" too, as brands write it).
_ADDRESSED = r"^\W{0,3}@\S"  # any script: "@이연희"
_REDACTED = re.compile(
    r"^\s*(\[?redacted\]?|we've removed this part|this (message|tweet) (has been|was) (deleted|removed)"
    r"|message deleted|\[removed\])",
    re.IGNORECASE,
)
_AUTOMATION = re.compile(
    r"^(rule|rules|trigger|workflow|automation|automatic|automated|auto.?reply|bot|b-.*|true|yes|1|y)$", re.I
)
# Fixed categories, so the chunks of a big file concatenate without turning into objects.
_ROLES = pd.CategoricalDtype([role.value for role in Role])
_NO_REPLY = r"(?:^|[^a-z])(?:no-?reply|do-?not-?reply|donotreply|mailer-daemon|notifications?)@"
# An author named as a bot ("Answer Bot", "Bot Ava", "support-bot", "Chatbot") is one.
BOT_NAME = r"(?i)(?:^|[^a-z])(?:chat)?bot(?:$|[^a-z])"
_REASONS = pd.CategoricalDtype(
    [
        "private note",
        "draft (not sent)",
        "system event",
        "empty text",
        "redacted body",
        "retweet",
        "own post (answers no one)",
        "duplicate message id",
        "repeated header row",
        "deleted at the source",
    ]
)


@dataclass
class LoadedExport:
    """An export read into canonical columns.

    ``replies`` holds one row per analysed agent/bot message (columns ``CANONICAL_FIELDS``);
    ``customer_times`` holds (conversation_id, created_at, and the signal and ask_hash the
    analysis's row step read) of customer messages, used to spot
    replies sent within seconds. A file read in chunks (``chunks`` is set) has no ``text``
    column: whatever the chunk step kept instead, and ``reply_texts`` reads the text again.
    """

    replies: pd.DataFrame
    customer_times: pd.DataFrame
    accounting: RowAccounting
    format_name: str
    format_title: str
    fields: dict[str, FieldChoice]
    source: str
    encoding: str | None = None
    delimiter: str | None = None
    shared_agent_account: bool = False
    direction_known: bool = True
    # No column says who wrote each row and the file alone could not tell the team (one
    # conversation per file): its replies keep their customer signals for a guess across files.
    authors_unsure: bool = False
    notes: list[str] = field(default_factory=list)
    plan: Plan | None = None
    chunks: CsvChunks | None = None
    kept_texts: pd.Series | None = (
        None  # by row number, when text left ``replies`` but the file was read whole
    )

    @property
    def chunks_read(self) -> int:
        return self.chunks.chunks_read if self.chunks is not None else 1

    def reply_texts(self, row_numbers: np.ndarray) -> Iterator[pd.Series]:
        """The exported text of the rows ``row_numbers`` (ascending), read again from the file
        in chunks: one Series per chunk, in order."""
        if self.chunks is None or self.plan is None:
            by_row = self.kept_texts
            if by_row is None:
                by_row = pd.Series(
                    self.replies["text"].to_numpy(), index=self.replies["row_number"].to_numpy()
                )
            yield pd.Series(by_row.loc[row_numbers].to_numpy(), dtype="string")
            return
        first = 1
        fields = self.plan.detection.fields
        for raw in self.chunks.reading_only([fields[f].column for f in ("text", "html") if f in fields]):
            last = first + len(raw.frame)
            lo, hi = np.searchsorted(row_numbers, [first, last])
            if hi > lo:
                text = reply_text(raw.frame, self.plan, Notes())
                yield text.iloc[row_numbers[lo:hi] - first].reset_index(drop=True)
            first = last


def _deleted(column: pd.Series, header: str) -> np.ndarray:
    """Rows a sync marks as deleted at the source: a yes/no flag, or a date of deletion
    (``_sdc_deleted_at``: any date is deleted)."""
    if norm_header(header).endswith(" at"):
        return (~is_blank(column)).to_numpy(dtype=bool)
    return truthy(column).eq(True).fillna(False).to_numpy(dtype=bool)


def _own_posts(frame: pd.DataFrame, fields: dict[str, FieldChoice], text: pd.Series) -> np.ndarray:
    """Tweets that answer no tweet and are addressed to no one: an account's own posts
    (announcements, campaigns, "All clear!"), not replies to customers. Told only where the
    export links tweets to what they answer (a status id column, or the user a tweet answers,
    as API v2 gives it): in a chat export a message that quotes nothing still answers the one
    before it."""
    answers = []
    parent = column_of(frame, fields, "in_reply_to")
    if parent is not None:
        header = norm_header(fields["in_reply_to"].column)
        if "status" in header or "tweet" in header:
            answers.append(parent)
    answers += [frame[c] for c in frame.columns if norm_header(c) in _ANSWERED_USER]
    if not answers:
        return np.zeros(len(frame), dtype=bool)
    answers_none = np.logical_and.reduce([is_blank(a).to_numpy(dtype=bool) for a in answers])
    return answers_none & ~matches(text, _ADDRESSED)


# Columns naming the user or tweets a tweet answers (API v1.1 and v2, and exports of them).
_ANSWERED_USER = frozenset(
    {"in reply to user id", "in reply to user id str", "in reply to screen name", "referenced tweets id"}
)


def canonical_rows(frame: pd.DataFrame, plan: Plan, notes: Notes, *, first_row: int = 1) -> pd.DataFrame:
    """One row per input row (any role), with the canonical columns and ``reason``, the reason
    a row is skipped (missing for replies and customer messages). Dates stay raw strings and
    conversations unresolved: both need the whole file (see ``finish``)."""
    fields = plan.detection.fields
    spec = plan.detection.spec
    frame = frame.reset_index(drop=True)
    n = len(frame)
    text = reply_text(frame, plan, notes)
    out = pd.DataFrame(index=frame.index)
    # int32: a file of 2 billion rows is beyond any export, and the column is held to the end.
    out["row_number"] = np.arange(first_row, first_row + n, dtype=np.int32)
    reply_id = column_of(frame, fields, "reply_id")
    numbers = pd.Series(out["row_number"].astype(str), dtype="string")
    out["reply_id"] = reply_id.astype("string").str.strip() if reply_id is not None else numbers
    out["reply_id"] = out["reply_id"].where(~is_blank(out["reply_id"]), numbers)

    # Two exports joined with ``cat``: the second one's header is a row of column names,
    # given no role (it is skipped as what it is, below).
    header_again = _header_again(frame)
    if header_again.any():
        role = assign_roles(frame[~header_again], plan.detection, plan.roles, notes).reindex(frame.index)
    else:
        role = assign_roles(frame, plan.detection, plan.roles, notes)
    out["role"] = role.astype(_ROLES)  # one byte a row, and chunks concatenate as categories

    agent = column_of(frame, fields, "agent")
    if agent is None and "agent_side" in fields:
        agent = column_of(frame, fields, "agent_side")
    out["agent"] = agent.astype("string").str.strip() if agent is not None else missing_strings(frame.index)
    channel = column_of(frame, fields, "channel")
    default_channel = (spec.channel if spec and spec.channel else None) or "unknown"
    out["channel"] = (
        channel.astype("string").str.strip().str.lower() if channel is not None else default_channel
    )
    out["channel"] = out["channel"].astype("string").fillna(default_channel).replace("", default_channel)
    if spec is not None and spec.channel_names:  # numeric codes (Freshdesk's source) to names
        out["channel"] = out["channel"].replace(spec.channel_names)
    out["channel"] = repeated_strings(out["channel"])  # chunks concatenate as one category column
    if plan.date_parts:
        parts = plan.date_parts
        out["created_raw"] = (
            frame[parts["year"]].astype("string")
            + " "
            + frame[parts["month"]].astype("string")
            + " "
            + frame[parts["day"]].astype("string")
        )
    else:
        created = column_of(frame, fields, "created_at")
        out["created_raw"] = created.astype("string") if created is not None else missing_strings(frame.index)
    conversation = column_of(frame, fields, "conversation_id")
    out["conversation_raw"] = (
        _link_ids(conversation.astype("string").str.strip().where(~is_blank(conversation)))
        if conversation is not None
        else missing_strings(frame.index)
    )
    # The pair is the conversation where no column names one (``finish``): by address where
    # both sides have one, else by the author and the recipient as written.
    sender_address = column_of(frame, fields, "sender_address")
    recipient_address = column_of(frame, fields, "recipient_address")
    if sender_address is not None and recipient_address is not None:
        sides: tuple[pd.Series, pd.Series] | None = (sender_address, recipient_address)
    else:
        recipient = column_of(frame, fields, "recipient")
        if recipient is None:
            recipient = recipient_address
        sides = (out["agent"], recipient) if recipient is not None and agent is not None else None
    if sides is not None and (conversation is None or not plan.roles.direction_known):
        out["pair_from"] = sides[0].astype("string").str.strip()
        out["pair_to"] = sides[1].astype("string").str.strip()
        out["pair_raw"] = _pair(out["pair_from"], out["pair_to"])
    parent = column_of(frame, fields, "in_reply_to")
    if parent is not None and conversation is None:
        parent = parent.astype("string").str.replace(r"\.0$", "", regex=True).str.strip()
        out["parent"] = parent.where(~is_blank(parent))
    out["text"] = text

    automation = column_of(frame, fields, "automation")
    auto = pd.Series(False, index=frame.index)
    if automation is not None:
        values = automation.astype("string").str.strip()
        if norm_header(fields["automation"].column) in ("automationtype", "automation type"):
            auto = ~is_blank(values) & ~values.str.lower().isin(["false", "0", "none"])
        else:
            auto = pd.Series(matches(values, _AUTOMATION.pattern, ignore_case=True), index=frame.index)
    # Notifications from no-reply senders are automatic, whatever role the export gives them.
    sender = out["agent"].astype("string").fillna("")
    no_reply = matches(sender, _NO_REPLY, ignore_case=True)
    named_bot = matches(sender, BOT_NAME)
    named_bot &= (out["role"] != Role.BOT.value).to_numpy() & ~auto.to_numpy(dtype=bool)
    # A guess from a name changes the figures (template -> automatic): said with the accounting.
    notes.count(
        "{n} rows by authors named as bots (e.g. 'Answer Bot') read as automatic", int(named_bot.sum())
    )
    no_reply |= named_bot
    out["automatic_flag"] = auto.to_numpy(dtype=bool) | (out["role"] == Role.BOT.value).to_numpy() | no_reply
    if agent is not None:  # a category from here on, as the channel: 150 MB at ten million rows as strings
        out["agent"] = repeated_strings(out["agent"])
    mark = column_of(frame, fields, "template_mark")
    out["helpdesk_template"] = (
        mark.astype("string").where(~is_blank(mark)) if mark is not None else missing_strings(frame.index)
    )

    rating = column_of(frame, fields, "rating")
    if rating is not None:
        out["satisfied"] = satisfied(rating)

    reason = pd.Series(pd.NA, index=frame.index, dtype=_REASONS)
    reason[header_again] = "repeated header row"
    deleted = column_of(frame, fields, "deleted")
    if deleted is not None:
        reason[reason.isna() & _deleted(deleted, fields["deleted"].column)] = "deleted at the source"
    reason[reason.isna() & (out["role"] == Role.NOTE.value)] = "private note"
    draft = column_of(frame, fields, "draft")
    if draft is not None:
        # Written, never sent (Help Scout's "draft" and "underReview" threads, Front's is_draft):
        # not what the customer read.
        flag = "draft" in norm_header(fields["draft"].column)  # "is_draft": yes/no; "state": words
        reason[reason.isna() & _unsent(draft, flag=flag)] = "draft (not sent)"
    reason[reason.isna() & (out["role"] == Role.SYSTEM.value)] = "system event"
    is_customer = out["role"] == Role.CUSTOMER.value
    blank = text.str.strip() == ""
    reason[reason.isna() & ~is_customer & blank] = "empty text"
    redacted = matches(text, _REDACTED.pattern, ignore_case=True)
    reason[reason.isna() & ~is_customer & redacted] = "redacted body"
    # An account's retweet ("RT @ann: love this!") passes on another's words: not a reply.
    retweet = matches(text, _RETWEET)
    reason[reason.isna() & ~is_customer & retweet] = "retweet"
    reason[reason.isna() & ~is_customer & _own_posts(frame, fields, text)] = "own post (answers no one)"
    out["reason"] = reason
    if reply_id is not None:
        # Enough to tell a message exported twice from two messages sharing an id, once the
        # text itself is gone (a big file keeps only the normalised text past its chunk).
        out["text_hash"] = value_hashes(text)
        # The id's hash, made a chunk at a time: the whole file's ids are compared as strings
        # only where their hashes repeat (see ``finish``).
        out["id_hash"] = value_hashes(out["reply_id"])
    if not plan.roles.direction_known and "agent" in out:
        # Who is a customer is found only once the whole file is read (``team_by_reach``),
        # after the text is gone: every row's words are read for what a customer's would say.
        out["role_unsure"] = True
    return out


def _header_again(frame: pd.DataFrame) -> np.ndarray:
    """Rows whose first (up to three) cells are the column names: a header repeated inside
    the file (two exports joined end to end), not a message.

    >>> _header_again(pd.DataFrame({"id": ["1", "id"], "text": ["hi", "text"]})).tolist()
    [False, True]
    """
    again = np.zeros(len(frame), dtype=bool)
    if len(frame.columns) < 2:
        return again
    # The first column over every row; the next two over the few rows that pass it.
    first = frame.columns[0]
    candidates = np.flatnonzero((frame[first].astype("string").str.strip() == str(first)).fillna(False))
    for name in frame.columns[1:3]:
        cells = frame[name].iloc[candidates].astype("string").str.strip()
        candidates = candidates[(cells == str(name)).fillna(False).to_numpy(dtype=bool)]
    again[candidates] = True
    return again


def finish(rows: pd.DataFrame, plan: Plan, notes: Notes, accounting: RowAccounting) -> LoadedExport:
    """Whole-file steps over all rows: dates (one format per column), conversations (reply
    chains), duplicate ids; then the split into replies, customer messages and skipped rows."""
    rows = rows.reset_index(drop=True)
    fields = plan.detection.fields
    spec = plan.detection.spec
    by_last_words = [
        f"{name} from {choice.column!r}"
        for name, choice in fields.items()
        if choice.confidence == "low" and name not in ("text", "html")
    ]
    if by_last_words:  # no header named these fields: a guess, said
        notes.add(f"columns read by their last words: {', '.join(by_last_words)}")
    for guess in plan.guesses:
        notes.add(guess)
    if plan.date_parts:
        notes.add(
            f"dates built from the {plan.date_parts['year']}/{plan.date_parts['month']}/"
            f"{plan.date_parts['day']} columns"
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            created = pd.to_datetime(rows["created_raw"], utc=True, errors="coerce", format="mixed")
        rows["created_at"] = created.astype("datetime64[ns, UTC]")
    elif "created_at" in fields:
        rows["created_at"] = parse_dates(rows["created_raw"], dayfirst_hint=plan.delimiter == ";")
    else:
        rows["created_at"] = pd.Series(pd.NaT, index=rows.index, dtype="datetime64[ns, UTC]")
    rows["conversation_id"], by_pairs = _resolve_conversations(
        rows, notes, by_pair=not plan.roles.direction_known
    )
    # Raw columns go as soon as they are read: on a big file each is hundreds of MB.
    rows = rows.drop(columns=[c for c in ("created_raw", "conversation_raw", "parent") if c in rows])
    team = None
    if not plan.roles.direction_known and "agent" in rows:
        # No column says who wrote each row: how widely each author writes may (said out loud).
        team = team_by_reach(rows["agent"], rows["conversation_id"], rows["reason"].isna().to_numpy())
        if team is not None:
            others = (
                rows["reason"].isna()
                & rows["agent"].notna()
                & ~rows["agent"].astype("string").isin(list(team.authors))
            )
            rows.loc[others, "role"] = Role.CUSTOMER.value
    if by_pairs:
        before = rows["conversation_id"].nunique()
        rows["conversation_id"] = _by_customer(rows)
        notes.count(
            "{n} conversations by sender and recipient joined with another of the same customer"
            " (answered from another address than they wrote to)",
            before - rows["conversation_id"].nunique(),
        )
    rows = rows.drop(columns=[c for c in ("pair_raw", "pair_from", "pair_to") if c in rows])
    rows["source"] = pd.Categorical.from_codes(np.zeros(len(rows), dtype=np.int8), categories=[plan.source])
    # A brand account: the layout says so, or the team its reach shows is one author answering
    # across the conversations (a Twitter API dump). Its replies' sign-offs name the agents.
    one_account = team is not None and len(team.authors) == 1
    is_account = bool(spec and spec.shared_agent_account) or "agent" not in fields or one_account
    rows["agent_is_account"] = is_account

    reason = rows["reason"]
    is_customer = rows["role"] == Role.CUSTOMER.value
    if "text_hash" in rows:
        # The same message exported twice. Only repeated ids are compared. Ids numbered per
        # ticket (comment 1, 2 ...) repeat with other texts across tickets: there a message is
        # its id within its conversation (a macro sent as comment 2 of two tickets is two
        # replies); ids that repeat only with the same text are global (a tweet in two threads).
        # Customers' messages too: each of an Intercom webhook log's events repeats its
        # conversation's opening message.
        messages = reason.isna().to_numpy()
        # Only messages whose id hash repeats can repeat an id: those alone are compared as
        # strings (ten million ids compared whole were the reading's peak, twice a gigabyte).
        shared = rows.loc[
            messages & repeats(rows["id_hash"].to_numpy()), ["conversation_id", "reply_id", "text_hash"]
        ]
        identity = ["reply_id"]
        candidates = shared[shared["reply_id"].duplicated(keep=False)]
        if len(candidates) and (candidates.groupby("reply_id")["text_hash"].nunique() > 1).mean() > 0.1:
            identity = ["conversation_id", "reply_id"]
            notes.add(
                "message ids repeat across conversations with other texts: duplicates are looked for within each conversation"
            )
        repeated = shared[shared.duplicated(identity, keep=False)]
        if len(repeated):
            twice = repeated[[*identity, "text_hash"]].duplicated(keep="first")
            reason = reason.copy()
            reason[twice.index[twice.to_numpy()]] = "duplicate message id"

    customer_rows = is_customer & reason.isna()
    accounting.customer_messages = int(customer_rows.sum())
    for why, count in reason.value_counts().items():
        accounting.skip(str(why), int(count))
    keep = reason.isna() & ~is_customer
    accounting.replies_analysed = int(keep.sum())
    if team is not None:
        accounting.warnings.append(team.describe(plan.source))
    elif not plan.roles.direction_known and accounting.customer_messages:
        # Customers told by their phone-number authors (``roles.CUSTOMER_ADDRESS``): a guess.
        accounting.warnings.append(
            f"{plan.source}: no column says who wrote each row; {accounting.customer_messages:,} rows by"
            " authors written as a phone number, a messaging address or the role ('Customer') are read"
            " as customers' messages"
            f" and the other {accounting.replies_analysed:,} as agent replies. If that is wrong, name the"
            " author-type column with --map role=COLUMN"
        )
    elif not plan.roles.direction_known and plan.beside is not None:
        text = plan.detection.fields.get("text") or plan.detection.fields["html"]
        notes.add(
            f"each row is an agent's reply (column {text.column!r}) beside the customer's message it"
            f" answers (column {plan.beside!r}): the customers' messages are not rows of their own"
        )
    elif not plan.roles.direction_known:
        accounting.warnings.append(
            f"{plan.source}: no column says who wrote each row, so all {accounting.replies_analysed:,} are"
            " read as agent replies. If customers' messages are in the file, name the author-type column"
            " with --map role=COLUMN (Zendesk's comments API names it when called with ?include=users)"
        )
    missing = int(rows.loc[keep, "created_at"].isna().sum())
    notes.count("{n} replies have no readable date (kept; left out of per-period figures)", missing)
    accounting.notes = notes.render()
    accounting.counted = notes.counts()

    if "satisfied" in rows:
        # A rating belongs to the conversation: whichever of its rows carries it.
        by_conversation = rows.dropna(subset=["satisfied"]).groupby("conversation_id")["satisfied"].last()
        rows["satisfied"] = rows["conversation_id"].map(by_conversation).astype("boolean")
    internal = {
        "created_raw",
        "conversation_raw",
        "parent",
        "pair_raw",
        "pair_from",
        "pair_to",
        "reason",
        "text_hash",
        "id_hash",
        "role_code",
        "signal",
        "ask_hash",
        "role_unsure",
    }
    authors_unsure = not plan.roles.direction_known and "agent" in rows and team is None
    if authors_unsure:
        internal -= {"signal", "ask_hash"}
    columns = list(CANONICAL_FIELDS) + [
        c for c in rows.columns if c not in CANONICAL_FIELDS and c not in internal
    ]
    replies = rows.loc[keep, [c for c in columns if c in rows.columns]].reset_index(drop=True)
    said = [c for c in ("signal", "ask_hash") if c in rows]  # set by the analysis's row step
    # Undated messages stay: dialogue datasets order their turns by position alone.
    customer_times = (
        rows.loc[customer_rows, ["conversation_id", "created_at", "row_number", *said]]
        .dropna(subset=["conversation_id"])
        .reset_index(drop=True)
    )
    if accounting.replies_analysed == 0:
        found = ", ".join(f"{k}: {v}" for k, v in accounting.skipped.items()) or "none skipped"
        told = [
            f"{name} from {fields[name].column!r}"
            for name in ("inbound", "outbound", *plan.roles.columns, "public", "private")
            if name in fields
        ]
        raise FormatError(
            f"has no agent replies to analyse ({accounting.rows_read} rows: "
            f"{accounting.customer_messages} customer messages, {found}; read {', '.join(told) or 'no role column'})",
            path=plan.path,
            hint="If the direction was misread, set it with --map direction=COLUMN or --map role=COLUMN;"
            " if the file holds only the customers' side (a conversation list without its replies),"
            " export the conversations with their replies",
        )
    return LoadedExport(
        replies=replies,
        customer_times=customer_times,
        accounting=accounting,
        format_name=plan.detection.format_name,
        format_title=plan.detection.format_title,
        fields=fields,
        source=plan.source,
        delimiter=plan.delimiter,
        shared_agent_account=is_account,
        direction_known=plan.roles.direction_known,
        authors_unsure=authors_unsure,
        notes=accounting.notes,
        plan=plan,
    )


_GOOD = {
    "good",
    "great",
    "satisfied",
    "positive",
    "yes",
    "happy",
    "amazing",
    "buono",
    "bueno",
    "gut",
    "bon",
    "bom",
}
_BAD = {
    "bad",
    "poor",
    "unsatisfied",
    "dissatisfied",
    "negative",
    "no",
    "unhappy",
    "terrible",
    "cattivo",
    "malo",
    "schlecht",
    "mauvais",
    "ruim",
}


def satisfied(rating: pd.Series) -> pd.Series:
    """A satisfaction rating read as satisfied (True) or not (False): Zendesk's good/bad,
    1-5 stars (4 or 5), 0-10 scores (9 or 10 satisfied, 6 or less not, 7-8 neither), and
    percentages; "offered", "unoffered" and blanks are no rating.

    >>> satisfied(pd.Series(["good", "bad", "offered", "5", "2", "8", "10", None])).tolist()
    [True, False, <NA>, True, False, <NA>, True, <NA>]
    """
    text = rating.astype("string").str.strip().str.lower()
    out = pd.Series(pd.NA, index=rating.index, dtype="boolean")
    out[text.isin(_GOOD).fillna(False)] = True
    out[text.isin(_BAD).fillna(False)] = False
    number = pd.to_numeric(text.str.rstrip("%"), errors="coerce")
    stars = number.between(1, 5) & out.isna()
    out[stars & (number >= 4)] = True
    out[stars & (number <= 3)] = False
    tens = number.between(6, 10) & out.isna()  # 0-10 (NPS-like): 1-5 read as stars above
    out[tens & (number >= 9)] = True
    out[tens & (number <= 6)] = False
    hundreds = (number > 10) & (number <= 100) & out.isna()
    out[hundreds & (number >= 80)] = True
    out[hundreds & (number < 60)] = False
    return out


def _link_ids(ids: pd.Series) -> pd.Series:
    """Ids given as API links (Front's ``_links.related.conversation``) to the id they end in.

    >>> _link_ids(pd.Series(["https://api2.frontapp.com/conversations/cnv_55"], dtype="string")).tolist()
    ['cnv_55']
    """
    first = ids.dropna().head(1)
    if first.empty or not first.iloc[0].startswith(("http://", "https://")):
        return ids
    return ids.str.replace(r"^https?://\S*?/([^/?#]+)/?(?:[?#]\S*)?$", r"\1", regex=True)


_UNSENT = frozenset({"draft", "underreview", "under review", "unsent", "not sent"})


def _unsent(values: pd.Series, *, flag: bool) -> np.ndarray:
    """Drafts: a yes in a draft flag (``flag``), or a state word saying so ("draft", "underReview")."""
    drafts = values.astype("string").str.strip().str.lower().isin(_UNSENT)
    if flag:
        drafts |= truthy(values).fillna(False)
    return drafts.fillna(False).to_numpy(dtype=bool)


def _pair(sender: pd.Series, recipient: pd.Series) -> pd.Series:
    """Who talks with whom, whichever way a message went: "a|b" for a to b and b to a.

    >>> _pair(pd.Series(["brand", "c1"], dtype="string"), pd.Series(["c1", "brand"], dtype="string")).tolist()
    ['brand|c1', 'brand|c1']
    """
    first = sender.where(sender <= recipient, recipient)
    second = recipient.where(sender <= recipient, sender)
    return (first + "|" + second).astype("string")


def _by_customer(rows: pd.DataFrame) -> pd.Series:
    """Conversations by pair joined by their customer, once who is the customer is known: a
    customer writes to support@ and is answered from tom@ (two pairs, one conversation). Each
    keeps the name of its customer's first pair."""
    customer = (rows["role"] == Role.CUSTOMER.value).to_numpy()
    conversation = rows["conversation_id"]
    if not customer.any():
        return conversation
    side = rows["pair_from"].where(customer, rows["pair_to"])
    joined = rows["pair_raw"].notna() & side.notna()
    if not joined.any():
        return conversation
    conversation = conversation.copy()
    conversation[joined] = conversation[joined].groupby(side[joined], sort=False).transform("first")
    return conversation


def _resolve_conversations(rows: pd.DataFrame, notes: Notes, *, by_pair: bool) -> tuple[pd.Series, bool]:
    """Each row's conversation: the column naming it, else the two people writing to each
    other, else the reply chain it is in; and whether pairs made them. (``by_pair``: no
    column says who wrote a row, so a file naming one conversation is split by its pairs as
    well.)"""
    ids = rows["reply_id"].astype("string")
    conversation = rows["conversation_raw"]
    named = conversation.notna().any()
    pairs = (
        "pair_raw" in rows
        and rows["pair_raw"].nunique() > 1
        and (not named or (by_pair and conversation.nunique() <= 1))
    )
    if pairs:
        # Direct messages and texts name no conversation (or the file is one page of them).
        # Where the team is told by its reach, a page naming one conversation is split by its
        # pairs too; elsewhere a ticket's messages to and from its customer (Gorgias names
        # the receiver) stay one ticket.
        notes.add("no column names the conversation: each sender and recipient pair is one")
        return rows["pair_raw"].fillna(conversation).fillna(ids).astype("string"), True
    if conversation.notna().any():
        return conversation.fillna(ids).astype("string"), False
    if "parent" not in rows:
        return ids, False  # each message its own conversation: the ids themselves, not a copy of them
    # twcs threads: follow in_response_to_tweet_id up to the first tweet we hold.
    parent = rows["parent"]
    lookup = pd.Series(parent.to_numpy(), index=ids.to_numpy())
    lookup = lookup[~lookup.index.duplicated()]
    root = parent.fillna(ids)
    for _ in range(64):
        up = root.map(lookup)
        step = up.notna() & (up != root)
        if not step.any():
            break
        root = root.where(~step, up)
    return root.astype("string"), False
