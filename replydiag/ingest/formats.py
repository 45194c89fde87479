"""Which help desk wrote this export, and which column holds each canonical field.

Vendor layouts are recognised by header fingerprints (never by file name). Each layout is
data: the columns to try for each field and how its role/direction values read. A file that
matches no vendor falls back to multilingual header synonyms, then to content (the column
with the longest text).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

import pandas as pd

from ..errors import MappingError
from ..models import Role

# Fields the loader fills; "direction", "role", "inbound", "outbound", "public", "private",
# "automation", "draft", "deleted" and "date_parts" only decide who wrote a row and whether it
# is analysed.
FIELDS = (
    "reply_id",
    "conversation_id",
    "text",
    "html",
    "agent",
    "created_at",
    "channel",
    "template_mark",
    "inbound",
    "outbound",
    "direction",
    "role",
    "event",
    "public",
    "private",
    "automation",
    "in_reply_to",
    "recipient",
    "agent_side",
    "customer_side",
    "rating",
    "draft",
    "deleted",
    "sender_address",
    "recipient_address",
)


def norm_header(name: str) -> str:
    """Lower-case, accents and punctuation removed: ``"ID Messaggio"`` -> ``"id messaggio"``."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


@dataclass(frozen=True)
class FormatSpec:
    """One vendor layout: its fingerprint and the columns tried for each field, in order."""

    name: str
    title: str
    fingerprint: tuple[str, ...]
    columns: dict[str, tuple[str, ...]]
    # Values of role-like columns and the role they name; None: not a role (look elsewhere).
    role_words: dict[str, Role | None] = field(default_factory=dict)
    channel: str | None = None  # channel to report when the export has no channel column
    shared_agent_account: bool = False  # agent column names a brand account, not a person
    channel_names: dict[str, str] = field(default_factory=dict)  # coded channel values to names

    def matches(self, headers: set[str]) -> float:
        present = sum(1 for col in self.fingerprint if norm_header(col) in headers)
        return present / len(self.fingerprint)


FORMATS: tuple[FormatSpec, ...] = (
    FormatSpec(
        "twcs",
        "Twitter/X customer care (twcs layout)",
        ("tweet_id", "author_id", "inbound", "text"),
        {
            "reply_id": ("tweet_id",),
            "conversation_id": (),
            "text": ("text",),
            "agent": ("author_id",),
            "created_at": ("created_at",),
            "inbound": ("inbound",),
            "in_reply_to": ("in_response_to_tweet_id",),
        },
        channel="twitter",
        shared_agent_account=True,
    ),
    FormatSpec(
        "twitter-api",
        "Twitter/X API export (twitteR layout)",
        ("text", "screenName", "replyToSN", "created"),
        {
            "reply_id": ("id",),
            "conversation_id": ("replyToSID",),
            "text": ("text",),
            "agent": ("screenName",),
            "created_at": ("created",),
        },
        channel="twitter",
        shared_agent_account=True,
    ),
    FormatSpec(
        "conversation-json",
        "Conversation JSON (client/agent turns)",
        ("conversation_id", "message", "datetime"),
        {
            "reply_id": ("tweet_ID", "id"),
            "conversation_id": ("conversation_id",),
            "text": ("message",),
            "agent": ("agent",),
            "agent_side": ("agent",),
            "customer_side": ("client", "customer"),
            "created_at": ("datetime",),
        },
        channel="twitter",
        shared_agent_account=True,
    ),
    FormatSpec(
        "turns-json",
        "Conversation JSON (sender/utterances turns)",
        ("conversation_id", "sender", "utterances"),
        {
            "reply_id": (),
            "conversation_id": ("conversation_id",),
            "text": ("utterances",),
            "role": ("sender",),
        },
    ),
    FormatSpec(
        "zendesk",
        "Zendesk ticket comments",
        ("ticket_id", "author_id", "public"),
        {
            "reply_id": ("id", "comment_id"),
            "conversation_id": ("ticket_id",),
            "text": ("plain_body", "body"),
            "html": ("html_body",),
            "agent": ("author.name", "author_name", "author_id"),
            "role": ("author.role", "author_role", "role"),
            "created_at": ("created_at",),
            "channel": ("via.channel", "channel", "via"),
            "public": ("public",),
            "automation": ("via.channel", "via"),
            "template_mark": ("macro_title", "macro_id", "macro", "AgentMacroReference"),
            # "type": "Comment" (every comment of the API) says nothing about who wrote it.
            "event": (),
            "direction": (),
        },
    ),
    FormatSpec(
        "zendesk-comments-api",
        "Zendesk ticket comments or audit events (API response)",
        ("id", "author_id", "public", "type"),
        {
            "reply_id": ("id",),
            "conversation_id": ("ticket_id", "conversation_id"),
            "text": ("plain_body", "body"),
            "html": ("html_body",),
            "agent": ("author.name", "author_id"),
            "role": ("author.role",),
            "created_at": ("created_at",),
            "channel": ("via.channel",),
            "public": ("public",),
            "automation": ("via.channel",),
            # An audit's events: comments among field changes and notifications.
            "event": ("type",),
            "direction": (),
        },
        role_words={
            "end-user": Role.CUSTOMER,
            "agent": Role.AGENT,
            "admin": Role.AGENT,
            # "Comment" is every comment's type: who wrote it is told by the author's role.
            "comment": None,
            "voicecomment": None,
            "change": Role.SYSTEM,
            "create": Role.SYSTEM,
            "notification": Role.SYSTEM,
            "notificationwithccs": Role.SYSTEM,
            "cc": Role.SYSTEM,
            "smsnotification": Role.SYSTEM,
            "followernotification": Role.SYSTEM,
            "followerchange": Role.SYSTEM,
            "emailccchange": Role.SYSTEM,
            "commentprivacychange": Role.SYSTEM,
            "macroreference": Role.SYSTEM,
            "satisfactionrating": Role.SYSTEM,
            "ticketsharingevent": Role.SYSTEM,
            "organizationactivity": Role.SYSTEM,
            "slatargetchange": Role.SYSTEM,
            "error": Role.SYSTEM,
            "external": Role.SYSTEM,
            "push": Role.SYSTEM,
            "chatendedevent": Role.SYSTEM,
            "surveyoffered": Role.SYSTEM,
            "surveyresponsesubmitted": Role.SYSTEM,
        },
    ),
    FormatSpec(
        "salesforce-comment",
        "Salesforce CaseComment",
        ("ParentId", "CommentBody", "IsPublished"),
        {
            "reply_id": ("Id",),
            "conversation_id": ("ParentId",),
            "text": ("CommentBody",),
            "agent": ("CreatedBy.Name", "CreatedById"),
            "created_at": ("CreatedDate",),
            "public": ("IsPublished",),
        },
    ),
    FormatSpec(
        "freshdesk",
        "Freshdesk conversations",
        ("ticket_id", "incoming", "private"),
        {
            "reply_id": ("id",),
            "conversation_id": ("ticket_id",),
            "text": ("body_text",),
            "html": ("body",),
            "agent": ("user_name", "user_id"),
            "created_at": ("created_at",),
            "channel": ("source",),
            "inbound": ("incoming",),
            "private": ("private",),
        },
        # The API's numeric ``source`` of a conversation (what its reference and importers list).
        channel_names={
            "0": "email",  # reply
            "1": "email",
            "2": "note",
            "3": "phone",
            "5": "twitter",
            "6": "survey",
            "7": "facebook",
            "8": "email",  # forwarded
            "9": "phone",
            "10": "mobihelp",
            "11": "e-commerce",
        },
    ),
    FormatSpec(
        "intercom",
        "Intercom conversation parts",
        ("part_type", "author.type", "body"),
        {
            "reply_id": ("id",),
            "conversation_id": ("conversation_id", "conversation.id"),
            "html": ("body",),
            "agent": ("author.name", "author.id"),
            "role": ("author.type",),
            "created_at": ("created_at",),
            "channel": ("source.type", "channel"),
            "automation": ("author.from_ai_agent",),
            "event": ("part_type",),
        },
        role_words={
            "user": Role.CUSTOMER,
            "contact": Role.CUSTOMER,
            "lead": Role.CUSTOMER,
            "admin": Role.AGENT,
            "team": Role.AGENT,
            "bot": Role.BOT,
            "operator": Role.BOT,
            "comment": Role.AGENT,
            "note": Role.NOTE,
            # "Reply and assign" / "reply and close" carry the admin's reply: who wrote it decides
            # (an assignment or close with no body is left out as an empty text).
            "away_mode_assignment": Role.SYSTEM,
        },
    ),
    FormatSpec(
        "zendesk-chat",
        "Zendesk Chat history",
        ("nick", "msg", "timestamp"),
        {
            "conversation_id": ("conversation_id",),
            "text": ("msg",),
            "agent": ("name", "nick"),
            "role": ("nick",),
            "event": ("type",),
            "created_at": ("timestamp",),
        },
        role_words={
            "chat.msg": None,
            "chat.memberjoin": Role.SYSTEM,
            "chat.memberleave": Role.SYSTEM,
            "chat.rating": Role.SYSTEM,
            "chat.request.rating": Role.SYSTEM,
            "chat.comment": Role.SYSTEM,
            "chat.file": Role.SYSTEM,
        },
        channel="chat",
    ),
    FormatSpec(
        "crisp",
        "Crisp conversation messages",
        ("session_id", "from", "origin", "content"),
        {
            "reply_id": ("fingerprint",),
            "conversation_id": ("session_id",),
            "text": ("content",),
            "agent": ("user.nickname", "user.user_id"),
            "role": ("from",),
            "event": ("type",),
            "created_at": ("timestamp",),
        },
        role_words={"operator": Role.AGENT, "user": Role.CUSTOMER, "text": None, "note": Role.NOTE},
        channel="chat",
    ),
    FormatSpec(
        "drift",
        "Drift conversation messages",
        ("conversationId", "author.type", "author.bot", "body"),
        {
            "reply_id": ("id",),
            "conversation_id": ("conversationId",),
            "text": ("body",),
            "agent": ("author.id",),
            "role": ("author.type",),
            "automation": ("author.bot",),
            "event": ("type",),
            "created_at": ("createdAt",),
        },
        # Drift's "user" is a teammate; the customer is a "contact".
        role_words={
            "user": Role.AGENT,
            "contact": Role.CUSTOMER,
            "chat": None,
            "private_note": Role.NOTE,
            "private_prompt": Role.NOTE,
            "edit": Role.SYSTEM,
        },
        channel="chat",
    ),
    FormatSpec(
        "chatwoot",
        "Chatwoot conversation messages",
        ("content", "message_type", "inbox_id", "conversation_id"),
        {
            "reply_id": ("id",),
            "conversation_id": ("conversation_id",),
            "text": ("content",),
            "agent": ("sender.name", "sender.id"),
            "direction": ("message_type",),
            "role": ("sender_type", "sender.type"),
            "private": ("private",),
            "created_at": ("created_at",),
        },
        # message_type 0 incoming, 1 outgoing, 2 activity ("assigned to ..."), 3 a template
        # message the inbox's bot sends; a sender "user" is an agent, a "contact" the customer.
        role_words={
            "0": Role.CUSTOMER,
            "1": Role.AGENT,
            "2": Role.SYSTEM,
            "3": Role.BOT,
            "user": Role.AGENT,
            "contact": Role.CUSTOMER,
            "agent_bot": Role.BOT,
        },
        channel="chat",
    ),
    FormatSpec(
        "helpscout",
        "Help Scout threads",
        ("createdBy.type", "body", "type"),
        {
            "reply_id": ("id",),
            "conversation_id": ("conversation_id", "conversationId"),
            "html": ("body",),
            "text": ("text",),
            "agent": ("createdBy.name", "createdBy.first", "createdBy.email", "createdBy.id"),
            "role": ("createdBy.type",),
            "event": ("type",),
            "created_at": ("createdAt",),
            "channel": ("source.type",),
            "template_mark": ("savedReplyId",),
        },
        role_words={
            "user": Role.AGENT,
            "customer": Role.CUSTOMER,
            "message": Role.AGENT,
            "reply": Role.AGENT,
            "chat": Role.AGENT,
            "phone": Role.AGENT,
            "note": Role.NOTE,
            "lineitem": Role.SYSTEM,
            "forwardparent": Role.SYSTEM,
            "forwardchild": Role.SYSTEM,
            "beaconchat": Role.AGENT,
        },
    ),
    FormatSpec(
        "front",
        "Front messages",
        ("is_inbound", "created_at"),
        {
            "reply_id": ("id",),
            "conversation_id": ("conversation_id", "conversation.id", "_links.related.conversation"),
            "text": ("text", "blurb"),
            "html": ("body",),
            "agent": ("author.email", "author.username", "author.first_name", "author"),
            "created_at": ("created_at",),
            "channel": ("type",),
            "inbound": ("is_inbound",),
            "automation": ("Autoreply", "is_autoreply"),
        },
    ),
    FormatSpec(
        "gorgias",
        "Gorgias ticket messages",
        ("from_agent", "created_datetime"),
        {
            "reply_id": ("id",),
            "conversation_id": ("ticket_id",),
            "text": ("body_text", "stripped_text"),
            "html": ("body_html",),
            "agent": ("sender.name", "sender.email", "sender"),
            "created_at": ("created_datetime",),
            "channel": ("channel",),
            "outbound": ("from_agent",),
            "public": ("public",),
            "automation": ("via",),
        },
    ),
    FormatSpec(
        "hubspot",
        "HubSpot conversation messages",
        ("direction", "conversationsThreadId"),
        {
            "reply_id": ("id",),
            "conversation_id": ("conversationsThreadId",),
            "text": ("text",),
            "html": ("richText",),
            "agent": ("senders.name", "senders.actorId"),
            "created_at": ("createdAt",),
            "channel": ("channelId",),
            "direction": ("direction",),
            "event": ("type",),
            "automation": ("senders.actorId",),
        },
        role_words={
            "message": Role.AGENT,
            "comment": Role.NOTE,
            "welcome_message": Role.BOT,
            "incoming": Role.CUSTOMER,
            "outgoing": Role.AGENT,
            "thread_status_change": Role.SYSTEM,
        },
    ),
    FormatSpec(
        "hubspot-emails",
        "HubSpot CRM email engagements (API)",
        ("properties.hs_email_direction", "properties.hs_email_text"),
        {
            "reply_id": ("id", "properties.hs_object_id"),
            "conversation_id": ("properties.hs_email_thread_id",),
            "text": ("properties.hs_email_text",),
            "html": ("properties.hs_email_html",),
            "agent": ("properties.hs_email_from_email", "properties.hubspot_owner_id"),
            "created_at": ("properties.hs_timestamp", "createdAt", "properties.hs_createdate"),
            "direction": ("properties.hs_email_direction",),
        },
        # "EMAIL" is one sent from the CRM; a "FORWARDED_EMAIL" is one a rep forwarded to the
        # CRM to log it, most often a customer's, never a reply the team wrote in it.
        role_words={
            "email": Role.AGENT,
            "incoming_email": Role.CUSTOMER,
            "forwarded_email": Role.CUSTOMER,
        },
        channel="email",
    ),
    FormatSpec(
        "graph-mail",
        "Microsoft Graph / Outlook mail messages (API)",
        ("conversationId", "from.emailAddress.address", "body.content"),
        {
            "reply_id": ("id", "internetMessageId"),
            "conversation_id": ("conversationId",),
            # uniqueBody (when selected) is the message without the quoted thread below it.
            "html": ("uniqueBody.content", "body.content"),
            "agent": ("from.emailAddress.name", "sender.emailAddress.name", "from.emailAddress.address"),
            "sender_address": ("from.emailAddress.address", "sender.emailAddress.address"),
            "recipient_address": ("toRecipients.emailAddress.address",),
            "created_at": ("sentDateTime", "receivedDateTime", "createdDateTime"),
            "draft": ("isDraft",),
            "event": (),  # not body.contentType (html / text)
        },
        channel="email",
    ),
    FormatSpec(
        "gmail",
        "Gmail API messages (users.messages.get, format=full)",
        ("threadId", "labelIds", "from_address", "body_text"),
        {
            "reply_id": ("id", "Message-ID"),
            "conversation_id": ("threadId",),
            "text": ("body_text",),
            "html": ("body_html",),
            "agent": ("from_name", "from_address"),
            "sender_address": ("from_address",),
            "recipient_address": ("to_address",),
            "created_at": ("sent_at", "Date"),
            "direction": ("direction",),  # from the labels: SENT is the mailbox's own
            "draft": ("is_draft",),
            "event": (),
        },
        channel="email",
    ),
    FormatSpec(
        "mailbox",
        "Mailbox file (mbox)",
        ("Message-ID", "thread", "from_address", "body_text"),
        {
            "reply_id": ("Message-ID",),
            "conversation_id": ("thread",),
            "text": ("body_text",),
            "html": ("body_html",),
            "agent": ("from_name", "from_address"),
            "sender_address": ("from_address",),
            "recipient_address": ("to_address",),
            "created_at": ("sent_at",),
            "direction": ("direction",),  # from Gmail's labels, where the file has them
            "draft": ("is_draft",),
            "event": (),
        },
        channel="email",
    ),
    FormatSpec(
        "dynamics-email",
        "Dynamics 365 email activities (Web API)",
        ("activityid", "directioncode", "description"),
        {
            "reply_id": ("activityid",),
            "conversation_id": ("_regardingobjectid_value", "conversationindex"),
            # An email activity's body is its "description" (HTML), not a ticket's opening.
            "html": ("description",),
            "agent": ("sender", "_createdby_value", "_ownerid_value"),
            "sender_address": ("sender",),
            "recipient_address": ("torecipients",),
            "created_at": ("senton", "createdon"),
            "outbound": ("directioncode",),  # true: sent by the organisation
        },
        channel="email",
    ),
    FormatSpec(
        "reamaze",
        "Re:amaze conversation messages",
        ("conversation.slug", "visibility", "body"),
        {
            "reply_id": ("id",),
            "conversation_id": ("conversation.slug",),
            "text": ("body",),
            "agent": ("user.name", "user.email"),
            "created_at": ("created_at",),
            "private": ("visibility",),  # 0 a reply, 1 an internal note
        },
    ),
    FormatSpec(
        "salesforce",
        "Salesforce EmailMessage",
        ("TextBody", "ParentId"),
        {
            "reply_id": ("Id",),
            "conversation_id": ("ParentId",),
            "text": ("TextBody",),
            "html": ("HtmlBody",),
            "agent": ("FromName", "CreatedById"),
            "created_at": ("MessageDate", "CreatedDate"),
            "inbound": ("Incoming",),
            "template_mark": ("EmailTemplateId",),
            "automation": ("AutomationType",),
        },
        channel="email",
    ),
    FormatSpec(
        "servicenow",
        "ServiceNow journal entries (sys_journal_field)",
        ("element", "element_id", "sys_created_by"),
        {
            "reply_id": ("sys_id",),
            "conversation_id": ("element_id",),
            "text": ("value",),
            "agent": ("sys_created_by",),
            "created_at": ("sys_created_on",),
            "event": ("element",),
        },
        # "comments" are seen by the caller; "work_notes" are the team's own.
        role_words={"comments": None, "work_notes": Role.NOTE},
    ),
    FormatSpec(
        "osticket",
        "osTicket thread entries (ost_thread_entry)",
        ("thread_id", "staff_id", "poster", "type"),
        {
            "reply_id": ("id",),
            "conversation_id": ("thread_id",),
            "text": ("body",),
            "agent": ("poster",),
            "role": ("type",),
            "created_at": ("created",),
            "channel": ("source",),
        },
        # An entry's type: M a message from the user, R a response from staff, N a note.
        role_words={"m": Role.CUSTOMER, "r": Role.AGENT, "n": Role.NOTE},
    ),
    FormatSpec(
        "deskpro",
        "Deskpro ticket messages (API v2)",
        ("ticket", "person", "is_agent_note", "creation_system"),
        {
            "reply_id": ("id",),
            "conversation_id": ("ticket",),
            "html": ("message",),
            # Named when the request side-loaded its people (``?include=person``); an id if not.
            "agent": ("author.name", "person"),
            "role": ("creation_system",),
            "private": ("is_agent_note",),
            "created_at": ("date_created",),
        },
        # Where a message was written says by whom: "gateway.person" an email from the user,
        # "web.agent.portal" the agent interface. A bare "web" or "web.api" does not say.
        role_words={
            **dict.fromkeys(
                (
                    "gateway.person",
                    "web.person.portal",
                    "web.person.widget",
                    "web.person.embed",
                    "web.api.person",
                ),
                Role.CUSTOMER,
            ),
            **dict.fromkeys(("gateway.agent", "web.agent.portal", "web.api.agent"), Role.AGENT),
            "web": None,
            "web.api": None,
        },
    ),
    FormatSpec(
        "merge-ticketing",
        "Merge unified ticketing comments",
        ("ticket", "is_private", "remote_was_deleted", "html_body"),
        {
            "reply_id": ("remote_id", "id"),
            "conversation_id": ("ticket", "ticket.id"),
            "text": ("body",),
            "html": ("html_body",),
            # The author is a user (the team) or a contact (a customer): ids, or objects
            # when the request expanded them (?expand=user,contact).
            "agent": ("user.name", "user.email_address", "user", "user.id"),
            "agent_side": ("user", "user.id"),
            "customer_side": ("contact", "contact.id"),
            "created_at": ("remote_created_at", "created_at"),
            "private": ("is_private",),
            "deleted": ("remote_was_deleted",),
        },
    ),
    FormatSpec(
        "jira",
        "Jira / Jira Service Management issue comments (REST API)",
        ("jsdPublic", "author.accountId", "author.accountType", "updateAuthor.accountId"),
        {
            "reply_id": ("id",),
            "conversation_id": ("conversation_id", "ticket_id"),
            "text": ("body",),
            "html": ("renderedBody",),
            "agent": ("author.displayName", "author.emailAddress", "author.accountId"),
            # A portal customer's account is of type "customer"; the team's are Atlassian
            # accounts; an automation rule or integration writes as an app.
            "role": ("author.accountType",),
            # Not shown to the customer: an internal comment.
            "public": ("jsdPublic",),
            "created_at": ("created",),
        },
        role_words={"customer": Role.CUSTOMER, "atlassian": Role.AGENT, "app": Role.BOT},
    ),
    FormatSpec(
        "slack",
        "Slack export (a channel's day files)",
        ("ts", "user", "text", "type"),
        {
            "reply_id": ("client_msg_id", "ts"),
            # A thread is a conversation; a message that starts none is its own (its ts).
            "conversation_id": ("thread_ts",),
            "text": ("text",),
            "agent": ("user_profile.real_name", "user_profile.display_name", "user_name", "user"),
            "created_at": ("ts",),
            "event": ("subtype",),
        },
        # Members joining or leaving and topic changes are events; an app's post is a bot's.
        role_words={
            **dict.fromkeys(
                ("channel_join", "channel_leave", "channel_topic", "channel_purpose", "channel_name"),
                Role.SYSTEM,
            ),
            "bot_message": Role.BOT,
            "thread_broadcast": None,
        },
        channel="slack",
    ),
    FormatSpec(
        "zoho",
        "Zoho Desk threads",
        ("ticketId", "author.type", "direction"),
        {
            "reply_id": ("id",),
            "conversation_id": ("ticketId",),
            "html": ("content",),
            "text": ("summary",),
            "agent": ("author.name",),
            "role": ("author.type",),
            "direction": ("direction",),
            "created_at": ("createdTime",),
            "channel": ("channel",),
            "private": ("visibility",),
        },
        role_words={"agent": Role.AGENT, "end_user": Role.CUSTOMER, "in": Role.CUSTOMER, "out": Role.AGENT},
    ),
)


def _ticket_events(comments_api: FormatSpec) -> FormatSpec:
    """Zendesk's incremental ticket event export (``include=comment_events``): the comments
    API's fields, the event's type under ``event_type``."""
    return replace(
        comments_api,
        name="zendesk-ticket-events",
        title="Zendesk incremental ticket events (API response)",
        fingerprint=("id", "author_id", "public", "event_type"),
        columns={**comments_api.columns, "event": ("event_type",), "channel": ("via.channel", "via")},
    )


FORMATS = FORMATS + (_ticket_events(next(f for f in FORMATS if f.name == "zendesk-comments-api")),)
FORMAT_NAMES = tuple(f.name for f in FORMATS) + ("generic",)

# Header synonyms for spreadsheets and unknown tools (EN, IT, ES, DE, FR, PT), normalised.
SYNONYMS: dict[str, tuple[str, ...]] = {
    # The message this one answers (Twitter API v1.1 statuses, exports of it): reply chains are
    # the conversations where no column names one.
    "in_reply_to": (
        "in reply to status id str",
        "in reply to status id",
        "in response to tweet id",
        "in reply to tweet id",
        "in reply to message id",
        "in reply to id",
        "in reply to",
        "reference message id",  # Discord (DiscordChatExporter): the message a reply answers
        "replied to message id",
        "reply to message id",  # Telegram's export: reply_to_message_id
    ),
    # Whom a message was sent to (Twitter direct message events: message_create.target.
    # recipient_id): where no column names the conversation, the pair of people is one.
    # Also a mailbox export's addressee (Outlook's "To: (Name)").
    # Addresses beside names ("From: (Name)" and "From: (Address)"): who writes to whom is
    # told by address where both sides have one (a name on one side and an address on the
    # other never meet).
    "sender_address": ("from address", "from email", "sender email", "sender address", "from email address"),
    "recipient_address": (
        "to address",
        "to email",
        "recipient email",
        "recipient address",
        "to email address",
    ),
    "recipient": (
        "recipient id",
        "recipient",
        "receiver id",
        "receiver",
        "to name",  # before the address: the sender is read by name too ("From: (Name)")
        "to address",
        "to email",
        "to",
    ),
    "text": (
        "full text",  # a tweet's whole text (its "text" is cut at 140 characters)
        "text",
        "body text",
        "plain body",
        "body",
        "message",
        "message text",
        "message body",
        "reply",
        "reply text",
        "response",
        # A log of one question and its reply per row: the reply's column, by its name.
        "our reply",
        "agent reply",
        "reply sent",
        "agent response",
        "our response",
        "answer",
        "content",
        "comment",
        "testo",
        "messaggio",
        "risposta",
        "testo messaggio",
        "texto",
        "mensaje",
        "respuesta",
        "mensagem",
        "resposta",
        "nachricht",
        "antwort",
        "texte",
        "reponse",
        "contenu",
        "tweet",
        "utterance",
        "textbody",
        "description",
    ),
    "html": ("html body", "body html", "html", "richtext", "htmlbody"),
    # The customer's satisfaction rating of the ticket or conversation (CSAT).
    "rating": (
        "satisfaction rating score",
        "satisfaction rating",
        "satisfaction",
        "csat",
        "csat score",
        "customer satisfaction",
        "conversation rating rating",
        "rating",
        "survey score",
        "valutazione",
        "soddisfazione",
        "satisfaccion",
        "calificacion",
        "zufriedenheit",
        "bewertung",
        "satisfaction client",
        "avaliacao",
        "satisfacao",
    ),
    "agent": (
        "agent",
        "agent name",
        "operator",
        "operatore",
        "agente",
        "bearbeiter",
        "mitarbeiter",
        "operador",
        "atendente",
        "conseiller",
        "author",
        "author name",
        "from name",
        "from username",  # Instagram's messages (Graph API): from.username
        "sender name",
        "sender username",
        "sender",
        "sender id",  # Twitter direct message events: message_create.sender_id
        "assignee",
        "teammate assigned",  # Intercom's conversation report
        "assigned to",
        "responder",
        "staff",
        "user name",
        "screen name",
        "screenname",
        "agent id",
        "author id",
        "user id",
        "created by",
        "created by id",
        "created by name",
        "createdby name",  # Salesforce's relationship field CreatedBy.Name
        "createdby",
        "actor id",
        "participant id",  # LivePerson
        "creator id",  # Kayako
        "creator name",
        "nickname",  # a chat widget's display name (Olark)
        "by name",  # HappyFox
        "actor name",  # Salesforce ConversationEntry
        "initiator id",
        "author display name",
        "display name",
        "nome operatore",
        "autore",
        "autor",
        "auteur",
        "owner",
        "from",  # Twilio's messages: the sending number
    ),
    "created_at": (
        "created at",
        "created",
        "date",
        "datetime",
        "date time",
        "timestamp",
        "time",
        "sent at",
        "sent",
        "data",
        "data ora",
        "data invio",
        "fecha",
        "fecha hora",
        "datum",
        "zeitstempel",
        "date heure",
        "horodatage",
        "data hora",
        "message date",
        "created date",
        "createdat",
        "created time",
        "created on",
        "posted at",
        "received",
        "received at",
        "date created",  # Twilio: date_created
        "createddate",  # Salesforce: CreatedDate
        "entry time",  # Salesforce ConversationEntry: EntryTime
        "absolute time",  # Amazon Connect transcripts
        "created timestamp",  # Twitter direct message events (epoch milliseconds)
        "date added",  # HighLevel conversations: dateAdded
        "creation date",
        "creation time",
        "created datetime",
        "sent date",
        "sent time",
        "message time",
        "start time",  # a chat's: Salesforce LiveChatTranscript StartTime
        "started at",
    ),
    "channel": (
        "channel",
        "canale",
        "canal",
        "kanal",
        "medium",
        "source",
        "via",
        "origine",
        "origen",
        "source type",
    ),
    "conversation_id": (
        "conversation id",
        "ticket id",
        "ticket",
        "case id",
        "case",
        "thread id",
        "chat id",
        "conversation",
        "id ticket",
        "numero ticket",
        "n ticket",
        "ticket nr",
        "ticket number",
        "id caso",
        "id conversazione",
        "parent id",
        "session id",
        "id ticket",
        "conversation sid",  # Twilio
    ),
    "reply_id": (
        "id",
        "id str",  # Twitter's id as a string (its number overflows JavaScript's)
        "message id",
        "reply id",
        "comment id",
        "tweet id",
        "msg id",
        "id messaggio",
        "id mensaje",
        "id mensagem",
        "nachricht id",
        "id message",
        "nachrichten id",
        "message sid",
        "sid",  # Twilio: a message's SID
    ),
    "direction": (
        "direction",
        "tipo mittente",
        "mittente",
        "tipo",
        "sender type",
        "author type",
        "from type",
        "remitente",
        "tipo remitente",
        "absender",
        "absendertyp",
        "expediteur",
        "type expediteur",
        "remetente",
        "tipo remetente",
        "role",
        "author role",
        "user type",
        "speaker",
        "who",
        "actor type",
        "initiator type",  # Gladly
        "sender role",
        "sent by",  # LivePerson: sentBy Consumer / Agent
        "participant role",  # Amazon Connect transcripts: CUSTOMER / AGENT / SYSTEM
        "type",
        "kind",  # Olark: MessageToVisitor / MessageToOperator
        "by type",  # HappyFox's ticket updates: by {type: staff / contact, name}
    ),
    "inbound": (
        "inbound",
        "incoming",
        "is inbound",
        "is incoming",
        "from customer",
        "is customer",
        "is requester",  # Kayako posts
        "customer message",
        "in entrata",
        "entrante",
        "eingehend",
    ),
    "outbound": (
        "outbound",
        "from agent",
        "is agent",
        "is outbound",
        "outgoing",
        "agent message",
        "is staff",
        "is reply",
        "from staff",
        "in uscita",
        "saliente",
        "ausgehend",
    ),
    # A message-type column whose values say "private", "note" or "system" (Freshchat).
    "event": (
        "message type",
        "event type",
        "content type",  # Gladly: content.type
        # Kayako: a post's original.resource_type ("note" for an internal note, "mail",
        # "chat_message" or "twitter_tweet" for a message).
        "original resource type",
    ),
    "public": ("public", "is public", "pubblico", "publico", "oeffentlich"),
    "private": (
        "private",
        "is private",
        "internal",
        "is internal",
        "privato",
        "interno",
        "privado",
        "visibility",
        # A note flag (Deskpro's is_agent_note; others' is_note, isInternalNote): only a yes/no
        # column is read as one, so a "note" column of text is not.
        "note",
        "is note",
        "agent note",
        "is agent note",
        "internal note",
        "is internal note",
        "private note",
        "is private note",
        "staff note",
        "is staff note",
    ),
    # Drafts: a yes/no flag, or a message's state ("published" / "draft"); only draft words count.
    "draft": ("is draft", "draft", "state", "thread state", "message state", "status", "message status"),
    # Records deleted at the source that a sync keeps, marked (Fivetran's _fivetran_deleted,
    # Salesforce's IsDeleted) or dated (Stitch's _sdc_deleted_at, Airbyte's CDC column).
    "deleted": (
        "fivetran deleted",
        "isdeleted",
        "is deleted",
        "deleted",
        "sdc deleted at",
        "ab cdc deleted at",
        "deleted at",
    ),
    "automation": (
        "automated",
        "is automated",
        "is bot",
        "bot",
        "automatic",
        "auto reply",
        "autoreply",
        "is auto reply",
        "automation",
        "automation type",
        "sent by bot",
        "bot reply",
        "originating entity",  # Genesys Cloud: Human / Bot
    ),
    "template_mark": (
        "macro",
        "macro id",
        "macro title",
        "saved reply",
        "saved reply id",
        "canned response",
        "template",
        "template id",
        "email template id",
        "risposta predefinita",
        "modello",
        "plantilla",
        "vorlage",
        "modele",
    ),
}


@dataclass(frozen=True)
class FieldChoice:
    column: str
    # "given" (--map), "high" (vendor layout), "medium" (header synonym), "low" (a header's
    # last words), "content" (no header: the wordiest column); the last two said as notes
    confidence: str


@dataclass(frozen=True)
class Detection:
    spec: FormatSpec | None
    fields: dict[str, FieldChoice]

    @property
    def format_name(self) -> str:
        return self.spec.name if self.spec else "generic"

    @property
    def format_title(self) -> str:
        return self.spec.title if self.spec else "Generic table (header synonyms)"


def spec_by_name(name: str) -> FormatSpec | None:
    if name == "generic":
        return None
    for spec in FORMATS:
        if spec.name == name:
            return spec
    raise MappingError(f"unknown format {name!r}", hint=f"Use one of: {', '.join(FORMAT_NAMES)}")


def detect(
    frame: pd.DataFrame,
    *,
    format_name: str | None = None,
    overrides: dict[str, str] | None = None,
    path: str | None = None,
) -> Detection:
    """Choose the layout and a column for each field.

    >>> df = pd.DataFrame({"Testo": ["Ciao"], "Operatore": ["Anna"], "Data": ["25/03/2026"]})
    >>> d = detect(df); d.format_name, d.fields["text"].column, d.fields["agent"].column
    ('generic', 'Testo', 'Operatore')
    """
    columns = list(frame.columns)
    by_norm: dict[str, str] = {}
    for col in columns:
        by_norm.setdefault(norm_header(col), col)
    headers = set(by_norm)
    # camelCase API fields ("createdBy_id", "sentAt") also answer to their spaced words; after
    # the fingerprints, which name headers as vendors write them.
    # For a field no header names: a field under a prefix answers to its last words
    # (ServiceNow's "sys_created_on" to "created on"; two words at least: "customer id" is no
    # "id"), and a date object's ISO form to the object's name (Jira's "created.iso8601").
    by_suffix: dict[str, str] = {}
    for col in columns:
        spaced = norm_header(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(col)))
        by_norm.setdefault(spaced, col)
        parts = spaced.split()
        if parts and parts[-1] in _DATE_FORMS:
            by_suffix.setdefault(" ".join(parts[:-1]), col)
        for start in range(1, len(parts) - 1):
            if _ADDRESSEE_WORDS.isdisjoint(parts[:start]):
                by_suffix.setdefault(" ".join(parts[start:]), col)

    if format_name:
        spec = spec_by_name(format_name)
    else:
        scored = [(spec.matches(headers), len(spec.fingerprint), spec) for spec in FORMATS]
        scored = [s for s in scored if s[0] == 1.0]
        spec = max(scored, key=lambda s: s[1])[2] if scored else None

    fields: dict[str, FieldChoice] = {}
    for name, column in (overrides or {}).items():
        if name not in FIELDS:
            raise MappingError(
                f"--map names unknown field {name!r}", path=path, hint=f"Fields are: {', '.join(FIELDS)}"
            )
        if column not in frame.columns:
            match = by_norm.get(norm_header(column))
            if match is None:
                raise MappingError(
                    f"--map {name}={column}: no such column (columns are: {', '.join(columns)})",
                    path=path,
                    hint="Use a column name exactly as the header spells it",
                )
            column = match
        fields[name] = FieldChoice(column, "given")

    taken = {c.column for c in fields.values()}
    if spec is not None:
        for name, candidates in spec.columns.items():
            if name in fields:
                continue
            for candidate in candidates:
                col = by_norm.get(norm_header(candidate))
                if col is not None and _has_values(frame[col]):
                    fields[name] = FieldChoice(col, "high")
                    break
        taken = {c.column for c in fields.values()}
    for names, confidence in ((by_norm, "medium"), (by_suffix, "low")):
        for name, words in SYNONYMS.items():
            if name in fields or (spec is not None and name in spec.columns):
                continue
            for word in words:
                col = names.get(word)
                if col is None or col in taken or not _has_values(frame[col]):
                    continue
                if name in _FLAGS and not _flag_like(frame[col]):
                    continue  # "Customer message" holding the message, not a yes/no
                if name == "channel" and not _label_like(frame[col]):
                    continue  # a tweet's "source": the app that sent it, as an HTML link
                fields[name] = FieldChoice(col, confidence)
                taken.add(col)
                break
    if "text" not in fields and "html" not in fields:
        guess = _guess_text_column(frame, exclude=taken)
        if guess is not None:
            fields["text"] = FieldChoice(guess, "content")
    return Detection(spec, fields)


_DATE_FORMS = {"iso8601", "iso", "iso 8601", "utc", "datetime"}
# A field under one of these names the people a message is addressed to, never its author
# (a tweet's "entities.user_mentions.screen_name", "in_reply_to_screen_name"): its last words
# ("screen name") do not make it the agent.
_ADDRESSEE_WORDS = frozenset({"to", "mention", "mentions", "recipient", "recipients", "cc", "bcc"})


_FLAGS = ("inbound", "outbound", "public", "private")  # fields of a yes/no per row


def _flag_like(series: pd.Series) -> bool:
    """Cells of a word or two (yes/no, true/false, in/out), as a flag column holds; not free
    text, as a column named "Customer message" holds in a log of one question and its reply
    per row."""
    head = series.head(5000).astype("string").str.strip()
    head = head[head.fillna("") != ""]
    return bool(len(head)) and float(head.str.split().str.len().mean()) <= 2


def _label_like(series: pd.Series) -> bool:
    """Cells of a few words and no markup, as a channel's name is ("email", "Web widget")."""
    head = series.head(5000).astype("string").str.strip()
    head = head[head.fillna("") != ""]
    return (
        bool(len(head))
        and not bool(head.str.contains("<", regex=False).any())
        and float(head.str.split().str.len().mean()) <= 3
    )


def _has_values(series: pd.Series) -> bool:
    head = series.head(5000)
    return bool(head.notna().any()) and bool((head.astype("string").str.strip().fillna("") != "").any())


TEXT_WORDS = 3


def _guess_text_column(frame: pd.DataFrame, exclude: set[str]) -> str | None:
    """The column with the longest mostly-wordy cells, if any looks like free text: cells of
    ``TEXT_WORDS`` words or more on average, as messages are and names, teams and labels
    ("Tom Agent", "Billing") are not."""
    best, best_len = None, 0.0
    for col in frame.columns:
        if col in exclude:
            continue
        sample = frame[col].head(2000).dropna().astype("string")
        if sample.empty:
            continue
        wordy = sample.str.contains(r"[^\W\d_]{2,}\s+[^\W\d_]", regex=True).mean()
        mean_len = float(sample.str.len().mean())
        words = float(sample.str.split().str.len().mean())
        if wordy >= 0.5 and words >= TEXT_WORDS and mean_len > best_len:
            best, best_len = col, mean_len
    return best if best_len >= 8 else None


def column_of(frame: pd.DataFrame, fields: dict[str, FieldChoice], name: str) -> pd.Series | None:
    """The column chosen for field ``name``, or None when the export has none."""
    choice = fields.get(name)
    return None if choice is None else frame[choice.column]


# What spreadsheets and exports write for "no value" (``#N/A`` from a failed VLOOKUP).
NULL_MARKERS = ("#n/a", "n/a", "#null!", "null", "nan", "none", "(blank)", "-")


def is_blank(series: pd.Series) -> pd.Series:
    """Empty cells and null markers (``#N/A``, ``NULL`` ...).

    >>> is_blank(pd.Series(["x", " ", "#N/A", None, "NULL"])).tolist()
    [False, True, True, True, True]
    """
    stripped = series.astype("string").str.strip()
    return (
        (series.isna() | (stripped == "") | stripped.str.lower().isin(NULL_MARKERS)).fillna(True).astype(bool)
    )
