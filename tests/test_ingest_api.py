"""API-shaped JSON (help-desk API responses, single conversation objects, pipeline envelopes)
read with no flags: roles, agents, dates, conversations and private notes right.

Fixtures follow the shapes in the vendors' public API references (Zendesk "List Comments"
with ``include=users``, Intercom "Retrieve a conversation", Salesforce REST query of
CaseComment, Airbyte/Singer-style RECORD envelopes); names and texts are made up.
"""

import json

import pytest

import replydiag
from tests.conftest import ROOT

FORMATS = ROOT / "tests" / "data" / "formats"

# file: (format, agent replies, customer messages, skipped by reason, agents, conversations)
EXPECTED = {
    "zendesk_comments_api.json": (
        "zendesk-comments-api",
        1,
        1,
        {"private note": 1},
        {"Tom Agent"},
        {"zendesk_comments_api"},
    ),
    "intercom_conversation.json": (
        "intercom",
        3,
        2,
        {"private note": 1, "empty text": 1},
        {"Kate Admin", "Lee Mobile"},
        {"147"},
    ),
    "pipeline_envelopes.ndjson": ("zendesk", 1, 1, {"private note": 1, "system event": 1}, {"Tom"}, {"42"}),
    "salesforce_casecomment.json": (
        "salesforce-comment",
        2,
        0,
        {"private note": 2},
        {"Tom Agent", "Ann Agent"},
        {"5001", "5002"},
    ),
    "airbyte_intercom_parts.ndjson": ("intercom", 2, 1, {"private note": 1}, {"Kate", "Fin"}, {"c9"}),
    # Audits: comments among field changes and notifications, each event dated by its audit.
    # Incremental ticket events: no author roles in the export, so every comment is read as
    # an agent's, with a warning (see the test below); notifications and changes are system.
    "zendesk_ticket_events.json": (
        "zendesk-ticket-events",
        2,
        0,
        {"system event": 2},
        {"1907365681", "555"},
        {"155"},
    ),
    # Twitter API v2 (search / conversation lookup with the users expansion): no column says
    # who wrote a tweet; the account answering in every conversation is read as the team,
    # with a warning (see the test below), and named from ``includes.users``.
    "twitter_api_v2.json": ("generic", 5, 5, {}, {"Acme Support"}, {"1001", "1003", "1005", "1007", "1009"}),
    # JSON:API resources (Kustomer's messages): attributes lifted, relationships as <name>_id,
    # camelCase fields matched by their words (createdAt, createdBy_id).
    "kustomer_messages_jsonapi.json": ("generic", 1, 1, {}, {"u1"}, {"c1"}),
    # Freshchat messages: actor_type says who, message_type "private" marks a note, the
    # text sits in message_parts; a bot's message is an automatic reply.
    "freshchat_messages.json": ("generic", 2, 1, {"private note": 1}, {"agt-1", "bot-1"}, {"conv-1"}),
    # LiveChat chat: users (with their type) beside the thread that holds the events.
    "livechat_chat.json": ("generic", 1, 1, {"system event": 1}, {"Tom"}, {"K600PKZON8"}),
    # Sunshine Conversations (Zendesk messaging): author.type user/business, received,
    # author.displayName; Smooch v1: role appUser/appMaker, dates in epoch seconds.
    "sunshine_messages.json": ("generic", 2, 1, {}, {"Tom", "Answer Bot"}, None),
    "smooch_v1.json": ("generic", 1, 1, {}, {"ag1"}, {"conv9"}),
    # Zoho Desk threads of one ticket (direction in/out, author.type); no ticket id inside.
    "zoho_desk_threads.json": ("generic", 2, 2, {}, {"Tom Agent"}, None),
    # Freshdesk tickets each with its ``conversations`` (a dump of ?include=conversations):
    # the ticket's turns, not the tickets, are the messages; the first ticket's single turn
    # list is enough to tell.
    "freshdesk_tickets_with_conversations.json": (
        "freshdesk",
        2,
        1,
        {"private note": 1},
        {"1", "2"},
        {"20", "21"},
    ),
    # A Help Scout page of conversations with their embedded threads; agents by full name.
    "helpscout_conversation_list.json": (
        "helpscout",
        2,
        2,
        {"private note": 1, "system event": 1},
        {"Tom Agent", "Kim Agent"},
        {"101", "102"},
    ),
    # Zendesk Chat's chats with their history: the speaker in "nick" (agent:<id>, visitor:<id>),
    # joins, leaves and ratings are system events.
    "zendesk_chat_history.json": (
        "zendesk-chat",
        2,
        2,
        {"system event": 4},
        {"Tom Agent", "Kim Agent"},
        {"1707.1", "1707.2"},
    ),
    # Twitter API v1.1 statuses: no conversation column; each reply chain, followed up
    # in_reply_to_status_id_str, is one (the brand's replies answer the customers' tweets).
    "twitter_api_v11_statuses.json": (
        "generic",
        6,
        6,
        {},
        {"Acme Help"},
        {"1000", "1002", "1004", "1006", "1008", "1010"},
    ),
    # Crisp: "from" operator/user says who, a "note" type is a private note.
    "crisp_messages.json": (
        "crisp",
        2,
        1,
        {"private note": 1},
        {"Tom Agent", "Kim Agent"},
        {"session_1", "session_2"},
    ),
    # Drift: a "user" is a teammate and a "contact" the customer; author.bot marks the bot.
    "drift_messages.json": ("drift", 2, 1, {"private note": 1}, {"9", "1"}, {"77"}),
    # Ada conversation messages: author.role "end_user" / "ai_agent" / "human_agent" (was
    # read as no role: both human agents' replies were skipped as system events).
    # The bot's author.id is null: no agent when read ("bot" in the analysis, see below).
    "ada_messages.json": ("generic", 3, 2, {}, {"<none>", "a7"}, {"c1", "c2"}),
    # Twilio Conversations messages: sid, conversation_sid and date_created read; no role
    # column, but an author written as a messaging address (whatsapp:+1555...) is a customer
    # (said in a warning) and the author "system" writes system events. Was: all five rows,
    # the customers' and the system's, read as agent replies.
    "twilio_conversation_messages.json": (
        "generic",
        2,
        2,
        {"system event": 1},
        {"agent.jane"},
        {"CH1", "CH2"},
    ),
    # ServiceNow sys_journal_field rows: work_notes are private, comments are replies (was:
    # ids and incidents lost, dates and authors unread, the work note read as a reply).
    "servicenow_journal.json": (
        "servicenow",
        3,
        0,
        {"private note": 1},
        {"ann.customer", "tom.agent", "kim.agent"},
        {"inc001", "inc002"},
    ),
    # Jira Service Management request comments: created.iso8601 and author.displayName read
    # (dates were missing); "public": false is a private note. One request per file, named
    # by the page's own link (.../request/IT-12/comment); was: every comment its own. The
    # page types no author: a portal-only account ("qm:...") is the customer's (was: read as
    # the team's, both of Ann's comments replies).
    "jira_service_management_comments.json": (
        "generic",
        1,
        2,
        {"private note": 1},
        {"Tom Agent"},
        {"IT-12"},
    ),
    # Gladly conversation items: who in initiator.type, the text in content.content; what
    # content.type says of the rest: a CONVERSATION_NOTE (its text in content.body) and a
    # CONVERSATION_STATUS_CHANGE.
    "gladly_conversation_items.json": (
        "generic",
        2,
        1,
        {"private note": 1, "system event": 1},
        {"ag1", "ag2"},
        {"cv1", "cv2"},
    ),
    # Zendesk's JSON export: one ticket a line with its comments, authors by id only and no
    # users list; the ticket's requester_id says whose comments are the customer's (was: all
    # read as agent replies, since the guess from how widely each author writes needs more
    # tickets than two).
    "zendesk_tickets_with_comments.ndjson": (
        "zendesk-comments-api",
        2,
        2,
        {"private note": 2},
        {"101"},
        {"1", "2"},
    ),
    # Zammad ticket articles: "sender" is Customer / Agent / System, a role, not a name (was:
    # read as the author, so the customers' articles were counted as agent "Customer"'s
    # replies); the agent is then created_by_id.
    "zammad_ticket_articles.json": (
        "generic",
        2,
        2,
        {"private note": 1, "system event": 1},
        {"3", "4"},
        {"55", "56"},
    ),
    # LivePerson Messaging Interactions: each conversation record holds its messageRecords,
    # whose text is nested (messageData.msg.text); sentBy Consumer / Agent; the conversation's
    # id is info.conversationId. Was: one row per conversation (its first message, a
    # customer's, as an agent reply), the other messages silently dropped.
    "liveperson_interactions.json": ("generic", 2, 2, {}, {"ag-7", "ag-8"}, {"c-1", "c-2"}),
    # Dixa messages: who and what under "attributes" (direction, content.value, isAutomated)
    # beside id and authorId; one conversation a file, as its endpoint returns. Was: every
    # row an agent reply, the customer's among them.
    "dixa_messages.json": ("generic", 2, 1, {}, {"agent-1", "bot-1"}, {"dixa_messages"}),
    # Kayako posts: is_requester says which posts are the customer's; creator.id the author;
    # original.resource_type "note" an internal note (was: read as a reply).
    "kayako_posts.json": ("generic", 1, 1, {"private note": 1}, {"9"}, {"2"}),
    # Chatwoot messages: message_type 0 incoming / 1 outgoing / 2 activity; a sender "user"
    # is an agent, a "contact" the customer (was: refused, every "user" read as a customer).
    "chatwoot_messages.json": (
        "chatwoot",
        1,
        1,
        {"private note": 1, "system event": 1},
        {"Ann Agent"},
        {"42"},
    ),
    # Amazon Connect chat transcript: ParticipantRole CUSTOMER / AGENT / SYSTEM, AbsoluteTime,
    # one contact per file, named by its ContactId. Was: every message an agent reply of its
    # own conversation, undated (the customer's and the contact flow's among them). The
    # customer's "joined" event counts as a customer message (one with no text).
    "amazon_connect_transcript.json": (
        "generic",
        1,
        2,
        {"system event": 1},
        {"p-agent"},
        {"c-1"},
    ),
    # Genesys Cloud messages: originatingEntity "Bot" is the bot's (was: read as a person's).
    "genesys_messages.json": ("generic", 2, 1, {}, {"<none>"}, {"conv-9"}),
    # Salesforce ConversationEntry records: ActorName the agent, EntryTime the date (were unread).
    "salesforce_conversation_entries.json": ("generic", 2, 1, {}, {"Astro", "Ann Lee"}, {"0dw1"}),
    # Twitter direct message events (v1.1 ``events`` with ``message_create``; v2 ``dm_events``):
    # the brand answers every customer, so it is the team (said); v1.1 names no conversation,
    # so each sender and recipient pair is one. Was: every message, the customers' among
    # them, an agent reply, in one conversation and undated.
    "twitter_dm_events_v11.json": (
        "generic",
        4,
        4,
        {},
        {"3805104374"},
        {f"{c}|3805104374" for c in ("1001", "1002", "1003", "1004")},
    ),
    "twitter_dm_events_v2.json": (
        "generic",
        4,
        4,
        {},
        {"3805104374"},
        {f"{c}-3805104374" for c in ("1001", "1002", "1003", "1004")},
    ),
    # HighLevel conversation messages (a page object holding the list under "messages"):
    # the date in dateAdded (was: every reply undated).
    "highlevel_messages.json": ("generic", 3, 3, {}, {"u-agent-7"}, {"conv1"}),
    # A Graph API conversation with its messages edge: the messages name no conversation, the
    # object holding them does (was: each message its own conversation). One conversation
    # cannot show who the team is: all four read as replies, said (see the folder test).
    "facebook_conversation.json": (
        "generic",
        4,
        0,
        {},
        {"Lakeside Outfitters", "Maria Jensen"},
        {"t_10223847561923847"},
    ),
    # Messages saved as one object keyed by their ids (a key-value store's export): each is a
    # row (was: the first message alone, then "no agent replies" with 1 row of 24 read).
    "keyed_messages.json": ("generic", 8, 16, {}, {"Ann"}, {f"c{c}" for c in range(8)}),
    # A reply log kept in a spreadsheet, saved from the Sheets API (values: lists of cells,
    # the first row the header): was refused as "a JSON object, not a list of records".
    "google_sheets_values.json": ("generic", 5, 0, {}, {"Maya", "Ravi"}, {f"T-{4810 + i}" for i in range(5)}),
    # A support mailbox exported to CSV (Outlook's "From: (Name)" / "To: (Name)"): no column
    # says who wrote each mail or names the thread, so the mailbox answering everyone is the
    # team and each sender-recipient pair a conversation (was: each mail its own, nothing followed).
    "outlook_mailbox.csv": (
        "generic",
        6,
        6,
        {},
        {"Acme Support"},
        # Paired by address where both sides have one: names may be shared, addresses not.
        {
            "ana.k@outlook.com|support@acme.com",
            "jo.baker@gmail.com|support@acme.com",
            "lichen88@gmail.com|support@acme.com",
            "mia.novak@gmail.com|support@acme.com",
            "sreyes@yahoo.com|support@acme.com",
            "support@acme.com|tharris@aol.com",
        },
    ),
    # Twilio's Messages API: "outbound-api" had been read by its last word as a system event
    # (every reply skipped, refused); the sender is "from"; texts name no conversation, so
    # the two numbers writing to each other are one.
    "twilio_messages_api.json": (
        "generic",
        2,
        2,
        {},
        {"+14155550100"},
        {"+14155550100|+14155551234", "+14155550100|+14155559876"},
    ),
    # An X (Twitter) account archive: JSON assigned in a script (window.YTD.tweets.part0 = [...]),
    # each tweet under {"tweet": ...}. Had been refused as a CSV of ragged rows. The account's
    # own tweets, with no author field: those answering a tweet are its replies (a mentioned
    # user is no author); a post answering no one and addressed to no one is not a reply.
    "x_archive_tweets.js": (
        "generic",
        2,
        0,
        {"own post (answers no one)": 1},
        {"<none>"},
        {"1589999999999999001", "1589999999999999002"},
    ),
    # The archive's direct messages: conversations of {"messageCreate": ...} turns; the
    # account writing in every conversation is the team.
    "x_archive_direct_messages.js": ("generic", 4, 3, {}, {"999"}, {"111-999", "222-999", "333-999"}),
    # Intercom's conversation export through a reporting app (one row per part): its "comment"
    # parts are the replies, beside "note" parts (was: every comment a private note, refused).
    "intercom_conversation_export.csv": (
        "generic",
        3,
        2,
        {"private note": 1, "empty text": 1},
        {"Tom Agent", "Kim Agent", "Operator"},
        {"5001", "5002"},
    ),
    # A log of Intercom webhooks (notification_event > data > item: the conversation, with the
    # opening message as "conversation_message"); every event repeats the opening message. Had
    # been 9 "replies", each the customer's opening message, with exit 0.
    "intercom_webhooks.ndjson": (
        "intercom",
        3,
        6,
        {"duplicate message id": 6},
        {"Andy"},
        {"101", "102", "103"},
    ),
    # Twitter's Account Activity webhooks, one event a line ({"for_user_id", "direct_message_events":
    # [one message]}): each event had been a conversation of its own, so nothing followed a reply;
    # the events' messages now join by sender and recipient, and by the tweet each answers.
    "twitter_account_activity_dms.ndjson": ("generic", 3, 3, {}, {"999"}, {"100|999", "101|999", "102|999"}),
    "twitter_account_activity_tweets.ndjson": ("generic", 3, 3, {}, {"Acme Help"}, {"3001", "3011", "3021"}),
    # Whole chats in one field, one chat a record (Salesforce's LiveChatTranscript.Body, "( 1m 2s )
    # Tom A: ..." lines): each chat had been one "reply" holding both sides, with exit 0. Split into
    # their messages; the team is the speakers writing in every chat, the "Chatbot" automatic.
    "salesforce_livechattranscript.json": (
        "generic",
        12,
        6,
        {},
        {"Tom A", "Chatbot"},
        {"5005g000000", "5005g000001", "5005g000002"},
    ),
    # A chat tool's CSV with a transcript column ("(10:00:05 AM) Tom: ...") and each chat's agent.
    "chat_transcripts.csv": ("generic", 12, 8, {}, {"Tom", "Kim"}, {"c0", "c1", "c2", "c3"}),
    # A draft thread (Help Scout's state "draft") was never sent: skipped, not counted as a reply.
    "helpscout_threads_with_draft.json": (
        "helpscout",
        1,
        1,
        {"private note": 1, "draft (not sent)": 1, "system event": 1},
        {"Tom B"},
        {"1"},
    ),
    # Telegram Desktop's export of one chat, named after the person it is with ("name": "Ann"):
    # text as runs of plain and link pieces. Had been 4 "replies" (Ann's too), each its own
    # conversation, one of them the JSON of its pieces.
    "telegram_chat_export.json": ("generic", 2, 2, {}, {"Acme Support"}, {"55"}),
    # DiscordChatExporter's JSON of a support channel: a reply names the message it answers.
    "discord_chat_export.json": ("generic", 4, 4, {}, {"acme_mod"}, {"1001", "1011", "1021", "1031"}),
    "zendesk_audits.json": (
        "zendesk-comments-api",
        2,
        1,
        {"private note": 1, "system event": 4},
        {"Tom Agent", "Kim Agent"},
        {"666", "667"},
    ),
    # A Salesforce query of Cases with their EmailMessages (a parent-child subquery): each
    # case's emails wrapped with their count. Had been read as 2 "replies", each case's first
    # email (a customer's), the other 3 emails lost.
    "salesforce_case_emailmessages.json": ("generic", 2, 3, {}, {"Tom Agent", "Kim Agent"}, {"5001", "5002"}),
    # Microsoft Graph's mail messages (a shared mailbox's /messages): had been 5 agent
    # replies, the customers' too (no author column found); the sender and addressee are
    # nested under emailAddress, and the mailbox writing in every conversation is the team.
    "graph_mail_messages.json": (
        "graph-mail",
        4,
        4,
        {"draft (not sent)": 1},
        {"Acme Support"},
        {f"AAQkAGI2conv{n}" for n in range(4)},
    ),
    # Dynamics 365 email activities (Web API /emails): had been refused as tickets, their
    # "description" taken for a ticket's opening; it is each email's body, and directioncode
    # says who sent it.
    "dynamics_email_activities.json": (
        "dynamics-email",
        3,
        3,
        {},
        {"tom@acme.example"},
        {"case-0", "case-1", "case-2"},
    ),
    # Re:amaze's conversation messages: "visibility" 1 is an internal note, the conversation
    # its "slug". Had been 6 replies (the notes among them), in no conversation.
    "reamaze_messages.json": (
        "reamaze",
        3,
        3,
        {"private note": 3},
        {"Tom"},
        {f"order-late-{n}" for n in range(3)},
    ),
    # LiveChat's archived chats (list_archives): each chat lists its own users with their
    # type. Had been read by the team's reach, with a warning.
    # Gmail API messages (format=full): headers as name/value pairs, the body as base64url
    # MIME parts. Had been: the 200-character snippet as the text, every message the team's.
    # The labels say who sent it (SENT), a draft (DRAFT) is no reply; an HTML-only reply is read.
    "gmail_messages.json": (
        "gmail",
        4,
        3,
        {"draft (not sent)": 1},
        {"Shop Support"},
        {"18e0a", "18e1a", "18e2a"},
    ),
    # osTicket's thread entries (a database export): the type says who wrote (M the user, R
    # staff, N a note). Had been: staff ids (0) as the agents, notes read as replies.
    "osticket_thread_entry.csv": (
        "osticket",
        3,
        3,
        {"private note": 1},
        {"Tom Agent", "Sue Agent"},
        {"11", "12", "13"},
    ),
    # Deskpro's ticket messages (API v2): the person is an id, "creation_system" says where
    # (so by whom) a message was written, "is_agent_note" marks a note. Had been 8 replies of
    # one "unknown" agent, the customers' and the note among them. A message written in the
    # web app ("web") is its author's: person 61's other messages are the team's.
    "deskpro_ticket_messages.json": (
        "deskpro",
        3,
        4,
        {"private note": 1},
        {"61", "62"},
        {"3432", "3433", "3434"},
    ),
    # Merge's unified ticketing comments: the author is a user (the team's) or a contact (a
    # customer's), expanded here; "is_private" a note, "remote_was_deleted" gone from the help
    # desk. Had been 6 replies of one "unknown" agent, the customers' among them.
    "merge_ticketing_comments.json": (
        "merge-ticketing",
        2,
        3,
        {"private note": 1, "deleted at the source": 1},
        {"Sam Agent", "Kim Agent"},
        {"fb8c55b6-1cb8-4b4c-9fb6-17d3e4e5f1a1", "fb8c55b6-1cb8-4b4c-9fb6-17d3e4e5f1a2"},
    ),
    # Truto's unified ticketing comments: author.type "user" is the help desk's own user (the
    # team) beside "contact" (a customer). Had been refused: "user" read as a customer, so the
    # file held "no agent replies".
    "truto_unified_comments.json": (
        "generic",
        2,
        3,
        {"private note": 1},
        {"Sam Agent", "Kim Agent"},
        {"1", "2"},
    ),
    # Freshdesk's legacy API (v1: /helpdesk/tickets/{id}.json): each ticket under
    # "helpdesk_ticket", its notes each under "note" ("incoming" the customer's, "private" a
    # note). Had been refused as tickets holding only their descriptions.
    "freshdesk_v1_tickets_notes.json": (
        "generic",
        2,
        1,
        {"private note": 1},
        {"12", "13"},
        {"5000123", "5000124"},
    ),
    # Groove's ticket messages: the author and the ticket are named by address only
    # ("links": {"author": {"href": ".../agents/sam@acme.example"}}), "note" flags a note.
    # Had been 3 replies of "unknown" (the customer's among them), each its own conversation.
    "groove_messages.json": ("generic", 1, 2, {"private note": 1}, {"sam@acme.example"}, {"12"}),
    # Instagram's conversations (Graph API, /conversations?platform=instagram&fields=messages{...}):
    # the author is from.username; the account writing in every conversation is the team
    # (said as a warning). Had been 6 replies of "unknown", the customers' among them.
    "instagram_conversations.json": (
        "generic",
        3,
        3,
        {},
        {"acme_shop"},
        {"aWdfZAG06conv0", "aWdfZAG06conv1", "aWdfZAG06conv2"},
    ),
    # A mailbox file (mbox): had been refused as a CSV with ragged rows ("check the
    # delimiter"). Each message a row, its conversation where its References lead; the
    # addresses writing in most conversations are the team (said as a warning).
    "support_inbox.mbox": (
        "mailbox",
        6,
        7,
        {},
        {"Sam at Acme", "Kim at Acme"},
        {f"c{n}@example.org" for n in range(6)},
    ),
    # Zendesk's full XML export (tickets.xml, Rails-style: type="array", dashed names): had
    # been refused as "an XML document". Read as its JSON would be: each ticket's comments,
    # the requester's the customer's, "is-public" false a note, the ticket's nice-id its id.
    "zendesk_xml_export.xml": ("generic", 3, 4, {"private note": 1}, {"7", "8"}, {"101", "102", "103"}),
    # A Slack export's day file of a support channel: "ts" (epoch seconds) had been no date,
    # every message an agent's, no conversations. A thread is a conversation, a member
    # joining an event; the authors writing in most threads are the team (said as a warning).
    "slack_channel_day.json": (
        "slack",
        6,
        6,
        {"system event": 1},
        {"Sam Agent", "Kim Agent"},
        {f"{1709370000 + n * 10000}.000100" for n in range(6)},
    ),
    # A note for the team (``visibility: agents``) is no reply.
    "livechat_archives.json": ("generic", 3, 3, {"private note": 1}, {"Tom"}, {"QX0", "QX1", "QX2"}),
    # Salesforce CaseFeed posts: ``Visibility: InternalUsers`` is a note for the team.
    "salesforce_casefeed.json": (
        "generic",
        3,
        0,
        {"private note": 1},
        {"Tom Agent", "Ann Agent"},
        {"5001", "5002", "5003"},
    ),
    # Olark's chat transcripts: each message is named by whom it went to (MessageToVisitor is
    # the operator's), its author by "nickname". Had been 6 agent replies, no author.
    "olark_transcripts.json": ("generic", 3, 3, {}, {"Tom"}, {f"EV695BI2930RGHF{n}" for n in range(3)}),
    # HubSpot's CRM email engagements (/crm/v3/objects/emails): who wrote is the direction
    # (EMAIL sent from the CRM, INCOMING_EMAIL, FORWARDED_EMAIL a customer's a rep logged).
    # Had been read with no author column: all 5 agent replies, the customers' too.
    "hubspot_crm_emails.json": (
        "hubspot-emails",
        2,
        3,
        {},
        {"tom@acme.example", "kim@acme.example"},
        {"thr-1", "thr-2"},
    ),
    # Jira's comments of one issue (REST API v3): bodies in Atlassian Document Format, the
    # author's account type says who wrote ("customer" a portal customer, "app" an
    # automation), jsdPublic false an internal comment, each comment's own link its issue.
    # Had been 5 replies of the first paragraph each, customers' and the internal one too,
    # every comment its own conversation.
    "jira_issue_comments_v3.json": (
        "jira",
        2,
        2,
        {"private note": 1},
        {"Automation For Jira", "Sam Agent"},
        {"10010"},
    ),
    # Jira's issue search with each issue's comments under fields.comment.comments. Had been
    # one row per issue: its first comment, the customer's, read as a reply.
    "jira_search_issues.json": (
        "jira",
        2,
        2,
        {"private note": 1},
        {"Sam Agent", "Ana Agent"},
        {"10010", "10011"},
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_api_shapes_are_read_with_no_flags(name):
    fmt, replies, customers, skipped, agents, conversations = EXPECTED[name]
    export = replydiag.load(FORMATS / name)
    acc = export.accounting
    assert export.sources[0]["format"] == fmt
    assert acc.balanced
    assert (acc.replies_analysed, acc.customer_messages) == (replies, customers)
    assert dict(acc.skipped) == skipped
    assert set(export.replies["agent"].astype("string").fillna("<none>")) == agents
    if conversations is not None:  # None: the file names no conversation
        assert set(export.replies["conversation_id"].astype(str)) == conversations
    assert export.replies["created_at"].notna().all()


def test_an_x_archive_names_its_agents_by_their_sign_offs_and_no_app_as_a_channel(tmp_path):
    result = replydiag.audit(FORMATS / "x_archive_tweets.js")
    assert sorted(result.replies["agent"].astype(str)) == ["MR", "TK"]
    # A tweet's "source" is the app that sent it, an HTML link: no channel.
    assert set(result.replies["channel"].astype(str)) == {"unknown"}
    assert any("assigned to 'window.YTD.tweets.part0'" in n for n in result.accounting.notes)


def test_a_transcript_splits_into_its_messages_with_their_times_and_multi_line_messages():
    export = replydiag.load(FORMATS / "chat_transcripts.csv")
    first = export.replies[export.replies["conversation_id"].astype(str) == "c0"]
    assert first["text"].tolist() == [
        "Hi Ann, thanks for contacting Acme Support. How can I help you today?",
        "I am sorry to hear that, let me check this for you.\nIt will take a minute.",
        "Is there anything else I can help you with today?",
    ]
    assert [t.strftime("%H:%M:%S") for t in first["created_at"]] == ["10:00:05", "10:01:02", "10:03:10"]
    assert set(export.replies["channel"].astype(str)) == {"chat"}
    assert any("4 chat transcripts in column 'Transcript' split" in n for n in export.accounting.notes)


def test_a_chats_agent_named_in_its_header_is_the_team_where_each_chat_has_its_own(tmp_path):
    # Each agent writes in one chat only, so how widely each speaker writes cannot tell the
    # team from the customers (both had been read as agents); Salesforce's header names the agent.
    def chat(agent: str, customer: str, case: str) -> dict:
        body = (
            f"Chat Started: Monday, March 02, 2026, 10:00:00 (+0000)<br>Chat Origin: Web<br>Agent {agent}<br>"
            f"( 5s ) {agent}: Hi, thanks for contacting Acme support! How can I help you today?<br>"
            f"( 20s ) {customer}: my order is late<br>( 45s ) {agent}: Could you share your order number?<br>"
            f"( 1m 2s ) {customer}: 12345<br>( 1m 30s ) {agent}: Thanks! It ships tomorrow.<br>"
        )
        return {"Id": f"570{case}", "Body": body, "CaseId": case, "StartTime": "2026-03-02T10:00:00.000+0000"}

    path = tmp_path / "transcripts.json"
    path.write_text(
        json.dumps(
            {
                "totalSize": 2,
                "done": True,
                "records": [chat("Sam A", "Ann Lee", "c1"), chat("Kim B", "Bo Chan", "c2")],
            }
        )
    )
    export = replydiag.load(path)
    assert (export.accounting.replies_analysed, export.accounting.customer_messages) == (6, 4)
    assert set(export.replies["agent"].astype(str)) == {"Sam A", "Kim B"}
    assert any("named in its header" in n for n in export.accounting.notes)


def test_transcripts_read_in_chunks_are_split_in_every_chunk_and_counted_once(monkeypatch):
    from replydiag.ingest import read

    monkeypatch.setattr(read, "CHUNK_BYTES", 600)  # a chunk or two per chat
    export = read.load_export(FORMATS / "chat_transcripts.csv", chunked=True)
    assert (export.accounting.replies_analysed, export.accounting.customer_messages) == (12, 8)
    assert any(n.startswith("4 chat transcripts in column 'Transcript'") for n in export.accounting.notes)


def test_drafts_are_not_sent_replies_and_a_status_number_is_no_draft(tmp_path):
    import json

    page = json.loads((FORMATS / "front_messages.json").read_text())
    sent = next(m for m in page["_results"] if not m["is_inbound"])
    page["_results"].append(
        {**sent, "id": "msg_draft", "is_draft": True, "text": "Still checking, one moment."}
    )
    path = tmp_path / "front.json"
    path.write_text(json.dumps(page))
    export = replydiag.load(path)
    assert export.accounting.replies_analysed == 1 and export.accounting.skipped == {"draft (not sent)": 1}
    # A status column of numbers (Salesforce EmailMessage: 1 read, 3 sent) says no draft.
    csv = tmp_path / "mails.csv"
    csv.write_text(
        "Id,ParentId,TextBody,Incoming,Status\n1,c1,Your refund is on its way.,false,3\n2,c1,Thanks!,true,1\n"
    )
    assert not replydiag.load(csv).accounting.skipped


def test_a_folders_files_of_records_without_text_are_passed_over_and_said(tmp_path):
    # A Slack export holds users.json and channels.json beside the channels' messages: the
    # whole folder had been refused for users.json having "no text-like column".
    import json

    (tmp_path / "users.json").write_text(json.dumps([{"id": "U1", "name": "tom", "is_bot": False}]))
    (tmp_path / "replies.csv").write_text("id,agent,text\n1,Tom,Your refund is on its way.\n")
    export = replydiag.load(tmp_path)
    assert export.accounting.replies_analysed == 1
    assert "1 files holding no message text passed over: users.json (columns: id, name, is_bot)" in (
        export.accounting.notes
    )
    # Alone, such a file is still refused with its columns named.
    from replydiag.errors import NoMessagesError

    with pytest.raises(NoMessagesError, match="no text-like column"):
        replydiag.load(tmp_path / "users.json")


def test_a_file_of_people_names_the_agents_the_messages_name_by_id(tmp_path):
    # Slack's users.json: "name" is a handle, "real_name" the person's name; two people called
    # Kim stay two agents.
    people = [
        {"id": "U1", "name": "tom", "real_name": "Tom Baker"},
        {"id": "U2", "name": "kim1", "real_name": "Kim"},
        {"id": "U3", "name": "kim2", "real_name": "Kim"},
    ]
    (tmp_path / "users.json").write_text(json.dumps(people))
    (tmp_path / "replies.csv").write_text(
        "id,agent,text\n1,U1,Your refund is on its way.\n2,U2,It ships today.\n3,U3,Try a restart.\n4,U9,Sure.\n"
    )
    export = replydiag.load(tmp_path)
    assert sorted(export.replies["agent"].astype(str)) == ["Kim (U2)", "Kim (U3)", "Tom Baker", "U9"]
    assert "3 agents named by id only named from users.json (3 replies)" in export.accounting.notes


def test_text_as_runs_of_plain_and_link_pieces_is_their_text():
    export = replydiag.load(FORMATS / "telegram_chat_export.json")
    assert "Sorry! Track it here: https://acme.com/track and tell us the number." in set(
        export.replies["text"].astype(str)
    )


def test_a_brand_account_found_by_its_reach_names_its_agents_by_sign_offs():
    # A Twitter API dump names no roles: the one account answering in every conversation is
    # the team, a brand account, and "^JS" names who wrote for it (as twcs files do).
    result = replydiag.audit(FORMATS / "twitter_api_v11_statuses.json")
    assert set(result.replies["agent"].astype(str)) == {"Acme Help/JS"}


def test_an_x_archive_zip_is_read_from_its_tweets_and_direct_messages(tmp_path):
    # The archive X gives an account holds a hundred data files (likes, followers, account):
    # its messages are data/tweets.js and data/direct-messages.js. It had been refused as "a
    # zip file with no export in it".
    import zipfile

    archive = tmp_path / "twitter-2026-11-29.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(FORMATS / "x_archive_tweets.js", "data/tweets.js")
        zipped.write(FORMATS / "x_archive_direct_messages.js", "data/direct-messages.js")
        zipped.writestr(
            "data/like.js",
            'window.YTD.like.part0 = [ { "like" : { "tweetId" : "1", "fullText" : "nice" } } ]',
        )
    export = replydiag.load(archive)
    assert (export.accounting.replies_analysed, export.accounting.customer_messages) == (6, 3)
    assert sorted(s["file"] for s in export.sources) == [
        "twitter-2026-11-29.zip/data/direct-messages.js",
        "twitter-2026-11-29.zip/data/tweets.js",
    ]


def test_a_customer_answered_from_another_address_than_they_wrote_to_is_one_conversation():
    # Customers write to "Acme Support"; Kim and Raj answer from their own addresses, and the
    # customers' "Still nothing??" goes to Acme Support again. By sender-recipient pair the
    # replies were conversations of their own, and none was followed (0 of 12; 4 were).
    result = replydiag.audit(FORMATS / "outlook_mailbox_two_agents.csv")
    assert result.accounting.replies_analysed == 12
    assert int(result.replies["customer_followed_up"].sum()) == 4
    assert "Acme Support|Customer 0" in set(result.replies["conversation_id"].astype(str))
    assert any(
        n.startswith("12 conversations by sender and recipient joined") for n in result.accounting.notes
    )


def test_records_of_one_message_naming_no_conversation_are_said_to_be_events():
    export = replydiag.load(FORMATS / "twitter_account_activity_dms.ndjson")
    assert any(
        n.startswith("6 records of one message each name no conversation") for n in export.accounting.notes
    )


def test_a_sender_named_and_a_recipient_addressed_are_paired_by_their_addresses(tmp_path):
    # HubSpot's engagements name the sender by name and the recipient by address: the pairs
    # never met, so a customer's message and the reply to it were two conversations.
    import json

    def email(n, inbound, text, minute=0):
        who = {"email": f"cust{n}@x.com", "firstName": "Cust", "lastName": str(n)}
        team = {"email": "tom@acme.com", "firstName": "Tom", "lastName": "Agent"}
        return {
            "engagement": {
                "id": f"{n}{int(inbound)}{minute}",
                "createdAt": 1700000000000 + n * 600000 + minute * 60000,
            },
            "metadata": {
                "from": who if inbound else team,
                "to": [{"email": "support@acme.com"}] if inbound else [{"email": f"cust{n}@x.com"}],
                "text": text,
            },
        }

    results = []
    for n in range(4):
        results += [
            email(n, True, f"My subscription {n} renewed after I cancelled."),
            email(n, False, "Refunded, sorry!", minute=1),
        ]
    results.append(email(0, True, "Still nothing?? I was charged again.", minute=5))
    path = tmp_path / "engagements.json"
    path.write_text(json.dumps({"results": results, "hasMore": False}))
    result = replydiag.audit(path)
    assert result.accounting.replies_analysed == 4
    assert sorted(result.replies["customer_followed_up"].astype(bool)) == [False, False, False, True]


def test_an_accounts_retweets_are_not_its_replies(tmp_path):
    # A care account's timeline holds its retweets ("RT @cust: love it!"): another's words.
    import json

    statuses = json.loads((FORMATS / "twitter_api_v11_statuses.json").read_text())
    brand = next(s for s in statuses if s["in_reply_to_status_id_str"])["user"]
    statuses.append(
        {
            "created_at": "Wed Oct 12 20:19:24 +0000 2025",
            "id_str": "2000",
            "full_text": "RT @cust0: Best support ever, thank you @AcmeHelp!",
            "in_reply_to_status_id_str": None,
            "user": brand,
        }
    )
    path = tmp_path / "timeline.json"
    path.write_text(json.dumps(statuses))
    export = replydiag.load(path)
    assert export.accounting.skipped == {"retweet": 1} and export.accounting.balanced
    assert export.accounting.replies_analysed == 6


def test_an_api_v2_post_answering_no_user_is_an_own_post(tmp_path):
    # API v2 names the user a tweet answers (in_reply_to_user_id), not the tweet.
    import json

    response = json.loads((FORMATS / "twitter_api_v2.json").read_text())
    reply = next(t for t in response["data"] if t["author_id"] == "900" and t.get("in_reply_to_user_id"))
    post = {k: v for k, v in reply.items() if k != "in_reply_to_user_id"}
    response["data"].append(
        post | {"id": "9999", "conversation_id": "9999", "text": "Our stores open late this Friday!"}
    )
    path = tmp_path / "timeline.json"
    path.write_text(json.dumps(response))
    export = replydiag.load(path)
    assert export.accounting.skipped == {"own post (answers no one)": 1} and export.accounting.balanced
    assert export.accounting.replies_analysed == 5


def test_a_gmail_thread_reads_its_messages_whole_without_the_quoted_history(tmp_path):
    import json

    messages = json.loads((FORMATS / "gmail_messages.json").read_text())
    # users.threads.get: a thread holding its messages.
    thread = {"id": "18e0a", "historyId": "9", "messages": [m for m in messages if m["threadId"] == "18e0a"]}
    path = tmp_path / "thread.json"
    path.write_text(json.dumps(thread))
    result = replydiag.audit(path)
    assert (result.accounting.replies_analysed, result.accounting.customer_messages) == (1, 1)
    assert result.replies["masked"].iloc[0] == (
        "Hi {name},\nYour order shipped yesterday, the tracking link is in your email."
    )


def test_a_text_file_attached_to_a_gmail_message_is_not_its_body():
    from replydiag.ingest.mime import mail_message

    attached = {"partId": "0", "mimeType": "text/plain", "filename": "log.txt", "body": {"data": "bG9n"}}
    body = {"partId": "1", "mimeType": "text/plain", "body": {"data": "SGkgQW5u"}}  # "Hi Ann"
    message = {
        "id": "1",
        "labelIds": ["SENT"],
        "payload": {
            "headers": [{"name": "From", "value": "a@b.c"}],
            "mimeType": "multipart/mixed",
            "parts": [attached, body],
        },
    }
    assert mail_message(message)["body_text"] == "Hi Ann"


def test_an_accounts_own_posts_are_not_replies_and_a_chat_message_quoting_nothing_is(tmp_path):
    # A care account's tweets that answer no tweet and are addressed to no one are its own
    # posts (a campaign, "All clear!"): counted apart. One addressed to a handle answers it,
    # its link missing or not. Tweets each, in a twcs-shaped file.
    rows = [
        ("1", "cust1", True, "@AcmeHelp my parcel never came", ""),
        ("2", "AcmeHelp", False, "@cust1 Sorry! Please DM us your order number.", "1"),
        ("3", "AcmeHelp", False, "Our stores open late this Friday for the holidays!", ""),
        ("4", "AcmeHelp", False, ".@cust1 Thanks, we have your DM now.", ""),
    ]
    path = tmp_path / "tweets.csv"
    header = "tweet_id,author_id,inbound,created_at,text,in_response_to_tweet_id\n"
    lines = [f'{i},{a},{b},Tue Oct 31 22:10:47 +0000 2017,"{t}",{p}' for i, a, b, t, p in rows]
    path.write_text(header + "\n".join(lines) + "\n")
    export = replydiag.load(path)
    assert export.accounting.skipped == {"own post (answers no one)": 1} and export.accounting.balanced
    assert export.accounting.replies_analysed == 2
    # In a chat export, a message quoting nothing (no reply_to_message_id) still answers.
    chat = tmp_path / "chat.csv"
    chat.write_text(
        "id,from,role,text,reply_to_message_id\n"
        "1,Ann,customer,Is the blue kettle back?,\n"
        "2,Tom,agent,Yes it came back this morning.,\n"
    )
    assert replydiag.load(chat).accounting.replies_analysed == 1


@pytest.mark.parametrize(
    "reply",
    [
        # "Order: 5521 / Status: shipped / Carrier: UPS" opens lines with a name and a colon, as
        # a chat does, but names each once.
        "Hi Ann,\nOrder: {n}\nStatus: shipped\nCarrier: UPS\nTracking: 1Z{n}",
        # Two quoted mail headers ("From: / Sent: / To: / Subject:") take turns as speakers do.
        "Thanks, it is fixed now.\n\nFrom: Ann {n}\nSent: Monday\nTo: Support\nSubject: Order\n\nStill failing."
        "\n\nFrom: Support\nSent: Sunday\nTo: Ann {n}\nSubject: Order\n\nTry again.",
    ],
    ids=["fields", "quoted-mail-headers"],
)
def test_replies_that_look_like_speakers_lines_are_not_read_as_transcripts(tmp_path, reply):
    rows = "".join(f'{n},Tom,"{reply.format(n=n)}"\n' for n in range(1, 6))
    path = tmp_path / "replies.csv"
    path.write_text("id,agent,text\n" + rows)
    export = replydiag.load(path)
    assert export.accounting.replies_analysed == 5
    assert not any("transcript" in n for n in export.accounting.notes)


def test_intercom_replies_sent_with_assign_or_close_are_replies_and_the_opening_message_is_read():
    export = replydiag.load(FORMATS / "intercom_conversation.json")
    texts = " ".join(export.replies["text"].astype(str))
    assert "passed you to our mobile team" in texts and "fix is live" in texts
    assert export.accounting.customer_messages == 2  # the opening message (source) and the reply


def test_a_bot_part_in_an_envelope_is_automatic():
    result = replydiag.audit(FORMATS / "airbyte_intercom_parts.ndjson")
    kinds = dict(zip(result.replies["agent"].astype(str), result.replies["kind"].astype(str)))
    assert kinds["Fin"] == "automatic"


def test_a_jira_comment_is_its_whole_document_and_an_automation_is_automatic():
    result = replydiag.audit(FORMATS / "jira_issue_comments_v3.json")
    by_agent = result.replies.set_index(result.replies["agent"].astype(str))
    assert by_agent.loc["Automation For Jira", "kind"] == "automatic"
    # Every paragraph and list item, the mention's name among them, one a line.
    assert by_agent.loc["Sam Agent", "text"] == (
        "Hi @Kim Customer, thanks for reaching out.\n"
        "Hold the power button for 10 seconds.\n"
        "Plug in the charger and try again."
    )


def test_an_internal_service_desks_reporter_is_the_customer_though_their_account_is_atlassian(tmp_path):
    # On an internal IT desk the requesters have Atlassian accounts, as the agents do: the
    # issue's reporter says whose comments are the customer's.
    search = json.loads((FORMATS / "jira_search_issues.json").read_text())
    for issue in search["issues"]:
        issue["fields"]["reporter"]["accountType"] = "atlassian"
        for comment in issue["fields"]["comment"]["comments"]:
            comment["author"]["accountType"] = "atlassian"
    path = tmp_path / "internal.json"
    path.write_text(json.dumps(search))
    export = replydiag.load(path)
    assert (export.accounting.replies_analysed, export.accounting.customer_messages) == (2, 2)
    assert set(export.replies["agent"].astype(str)) == {"Sam Agent", "Ana Agent"}
    assert any("by their issue's reporter" in n for n in export.accounting.notes)


def test_comments_without_their_authors_are_read_as_agent_replies_and_said_so():
    export = replydiag.load(FORMATS / "zendesk_comments_api_no_users.json")
    warnings = " ".join(export.accounting.warnings)
    assert export.accounting.replies_analysed == 2
    assert "--map role=COLUMN" in warnings and "include=users" in warnings


def test_a_help_scout_conversation_object_reads_its_threads_not_its_custom_fields():
    export = replydiag.load(FORMATS / "helpscout_conversation.json")
    acc = export.accounting
    assert export.sources[0]["format"] == "helpscout"
    assert (acc.replies_analysed, acc.customer_messages) == (1, 1)
    assert set(export.replies["conversation_id"].astype(str)) == {"2391938111"}
    assert "Billing" not in " ".join(export.replies["text"].astype(str))


def test_null_markers_are_no_values_and_no_reply_senders_are_automatic():
    result = replydiag.audit(FORMATS / "na_markers_noreply.csv")
    replies = result.replies.set_index("agent")
    assert replies["helpdesk_template"].isna().all()
    assert not replies["conversation_id"].astype(str).str.contains("N/A").any()
    assert replies.loc["noreply@acme.io", "kind"] == "automatic"
    assert replies.loc["Tom", "kind"] == "personal"


def test_a_folder_of_one_ticket_per_file_gz_and_zip_is_one_export(tmp_path):
    import gzip
    import json
    import zipfile

    folder = tmp_path / "dump"
    folder.mkdir()
    data = json.loads((FORMATS / "zendesk_comments_api.json").read_text())
    for ticket in (101, 102):
        (folder / f"{ticket}.json").write_text(json.dumps(data))
    (folder / "103.json.gz").write_bytes(gzip.compress(json.dumps(data).encode()))
    with zipfile.ZipFile(folder / "104.zip", "w") as archive:
        archive.writestr("104.json", json.dumps(data))
    (folder / ".hidden.json").write_text("not an export")
    export = replydiag.load(folder)
    assert export.accounting.replies_analysed == 4 and export.accounting.balanced
    assert set(export.replies["conversation_id"].astype(str)) == {"101", "102", "103", "104"}


def test_a_zip_of_several_files_is_read_file_by_file(tmp_path):
    import json
    import zipfile

    data = (FORMATS / "zendesk_comments_api.json").read_text()
    path = tmp_path / "dump.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("tickets/201.json", data)
        archive.writestr("tickets/202.json", data)
        archive.writestr("__MACOSX/tickets/._201.json", "junk")
        archive.writestr("README.md", "not an export")
    export = replydiag.load(path)
    assert export.accounting.replies_analysed == 2 and export.accounting.balanced
    assert set(export.replies["conversation_id"].astype(str)) == {"201", "202"}
    assert [s["file"] for s in export.sources] == ["dump.zip/tickets/201.json", "dump.zip/tickets/202.json"]
    assert json.loads(data)  # the fixture itself is one response


def _two_pages_of_zendesk_audits() -> list[dict]:
    import json

    page = json.loads((FORMATS / "zendesk_audits.json").read_text())
    second = json.loads(json.dumps(page))
    for audit in second["audits"]:
        audit["ticket_id"] += 100
        audit["id"] += 100
        for event in audit["events"]:
            event["id"] += 100
    return [{**page, "next_page": "https://acme.zendesk.com/api/v2/tickets/666/audits?page=2"}, second]


def test_pages_of_an_api_response_saved_as_one_list_are_one_export(tmp_path):
    import json

    path = tmp_path / "pages.json"
    path.write_text(json.dumps(_two_pages_of_zendesk_audits()))
    export = replydiag.load(path)
    assert export.accounting.replies_analysed == 4 and export.accounting.balanced
    assert set(export.replies["conversation_id"].astype(str)) == {"666", "667", "766", "767"}
    assert any("2 pages of an API response" in n for n in export.accounting.notes)


@pytest.mark.parametrize("between", ["\n", "", ",\n"])
@pytest.mark.parametrize("indent", [2, None])
def test_pages_appended_one_after_another_are_one_export(tmp_path, indent, between):
    # A loop of `curl ... >> dump.json` or jq's output: JSON documents one after another,
    # pretty-printed or not. They had been refused as "not valid JSON (Extra data)" or as
    # NDJSON whose line 1 "is not a JSON object".
    import json

    path = tmp_path / "dump.json"
    path.write_text(between.join(json.dumps(page, indent=indent) for page in _two_pages_of_zendesk_audits()))
    export = replydiag.load(path)
    assert export.accounting.replies_analysed == 4 and export.accounting.balanced
    assert set(export.replies["conversation_id"].astype(str)) == {"666", "667", "766", "767"}
    assert any("2 pages of an API response" in n for n in export.accounting.notes)


def test_lists_of_messages_appended_one_after_another_are_their_messages(tmp_path):
    path = tmp_path / "dump.json"
    path.write_text(
        '[{"id": 1, "text": "Your refund is on its way.", "agent": "Tom"}]\n'
        '[{"id": 2, "text": "I have reset your password.", "agent": "Ann"}]\n'
    )
    export = replydiag.load(path)
    assert sorted(export.replies["reply_id"].astype(str)) == ["1", "2"]


def test_an_excel_workbook_is_read_from_its_reply_sheet_or_the_one_named(tmp_path):
    import pandas as pd

    from replydiag.samples import sample_path

    rows = pd.read_csv(sample_path(), dtype=str).head(200)
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"Metric": ["replies"], "Value": [200]}).to_excel(
            writer, sheet_name="Summary", index=False
        )
        rows.to_excel(writer, sheet_name="Replies", index=False)
        rows.head(20).to_excel(writer, sheet_name="Last week", index=False)
    export = replydiag.load(path)
    csv = replydiag.load(sample_path())
    assert export.accounting.rows_read == 200 and export.accounting.balanced
    assert any("sheet 'Replies' read" in n for n in export.accounting.notes)
    same = csv.replies[csv.replies["reply_id"].isin(export.replies["reply_id"])]
    assert export.replies["reply_id"].tolist() == same["reply_id"].tolist()
    assert export.replies["created_at"].tolist() == same["created_at"].tolist()
    assert replydiag.load(path, sheet="Last week").accounting.rows_read == 20
    with pytest.raises(replydiag.InputError, match="no sheet named 'Nope'"):
        replydiag.load(path, sheet="Nope")


def test_a_workbook_sheet_with_a_title_above_its_header_is_read_under_the_header(tmp_path):
    # Was: the title read as the header, the header row read as a reply, every date unread.
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Replies report, March 2026"])
    sheet.append([])
    sheet.append(["Ticket ID", "Agent", "Message", "Date"])
    for i in range(4):
        sheet.append([i, "Ann", f"Hi, order {i} ships Monday.", f"2026-03-0{i + 1} 10:00"])
    path = tmp_path / "report.xlsx"
    book.save(path)
    export = replydiag.load(path)
    assert export.accounting.rows_read == 4 and export.accounting.replies_analysed == 4
    assert set(export.replies["agent"]) == {"Ann"}
    assert export.replies["created_at"].notna().all()
    assert any("before the header passed over" in n for n in export.accounting.notes)


def test_what_reading_the_json_guessed_is_said():
    notes = " ".join(replydiag.load(FORMATS / "zendesk_comments_api.json").accounting.notes)
    assert "'comments' list (not from: users)" in notes
    assert "'users' list" in notes
    assert "ticket 'zendesk_comments_api' (the file's name)" in notes
    envelope = " ".join(replydiag.load(FORMATS / "pipeline_envelopes.ndjson").accounting.notes)
    assert "'data' envelopes" in envelope


def test_ticket_events_without_author_roles_warn_that_every_comment_is_read_as_an_agents():
    warnings = replydiag.load(FORMATS / "zendesk_ticket_events.json").accounting.warnings
    assert len(warnings) == 1 and "all 2 are read as agent replies" in warnings[0]


def test_without_roles_the_author_answering_in_most_conversations_is_read_as_the_team_out_loud():
    export = replydiag.load(FORMATS / "twitter_api_v2.json")
    assert export.accounting.customer_messages == 5 and export.accounting.replies_analysed == 5
    (warning,) = export.accounting.warnings
    assert "Acme Support" in warning and "read as the team" in warning and "--map role=" in warning
    # A file of replies only (every author in one or two conversations): nobody is guessed away.
    replies_only = replydiag.load(FORMATS / "zendesk_ticket_events.json")
    assert replies_only.accounting.customer_messages == 0
    assert "all 2 are read as agent replies" in replies_only.accounting.warnings[0]


def test_without_roles_authors_written_as_phone_numbers_are_customers_out_loud():
    export = replydiag.load(FORMATS / "twilio_conversation_messages.json")
    (warning,) = export.accounting.warnings
    assert "2 rows by authors written as a phone number" in warning and "--map role=" in warning
    assert any("'system' read as system events" in note for note in export.accounting.notes)
    # Numeric author ids (Zendesk's comments without users) are ids, not phone numbers.
    numeric = replydiag.load(FORMATS / "zendesk_comments_api_no_users.json").accounting
    assert numeric.customer_messages == 0 and "phone number" not in " ".join(numeric.warnings)


def test_without_roles_an_author_written_as_the_role_customer_is_the_customer_out_loud(tmp_path):
    # An export that hides customers' names writes "Customer" where an agent's name stands.
    # Was: all 12 rows agent replies (the customers' messages 100% "templated").
    rows = ["id,ticket_id,author,body"]
    for t in range(1, 7):
        rows.append(f"{t}01,{t},Customer,My order {t} has not arrived yet")
        rows.append(f"{t}02,{t},{'Ann' if t % 2 else 'Bob'},Sorry about that: order {t} ships today")
    path = tmp_path / "anonymised.csv"
    path.write_text("\n".join(rows) + "\n")
    export = replydiag.load(path)
    assert (export.accounting.replies_analysed, export.accounting.customer_messages) == (6, 6)
    assert set(export.replies["agent"].astype(str)) == {"Ann", "Bob"}
    (warning,) = export.accounting.warnings
    assert "the role ('Customer')" in warning and "--map role=" in warning
    # A team's shared name that is no customer word stays the team's.
    path.write_text("\n".join(r.replace(",Customer,", ",User,") for r in rows) + "\n")
    assert replydiag.load(path).accounting.customer_messages == 0


def test_a_bots_message_with_no_author_is_the_bots_not_unknown():
    replies = replydiag.audit(FORMATS / "ada_messages.json").replies
    assert replies.loc[replies["kind"] == "automatic", "agent"].tolist() == ["bot"]
    assert "unknown" not in set(replies["agent"])


def test_an_author_named_as_a_bot_is_automatic():
    result = replydiag.audit(FORMATS / "sunshine_messages.json")
    replies = result.replies.set_index("agent")
    assert replies.loc["Answer Bot", "kind"] == "automatic" and replies.loc["Tom", "kind"] != "automatic"
    assert any("named as bots" in note for note in result.accounting.notes)  # a guess, said


def test_a_drift_bot_message_is_automatic():
    result = replydiag.audit(FORMATS / "drift_messages.json")
    kinds = dict(zip(result.replies["agent"].astype(str), result.replies["kind"].astype(str)))
    assert kinds == {"1": "automatic", "9": "personal"}


def test_bot_messages_of_genesys_and_salesforce_entries_are_automatic():
    # Genesys Cloud's originatingEntity "Bot", Salesforce's ActorType "Chatbot".
    for name, bot_text in (
        ("genesys_messages.json", "Your parcel is at the depot."),
        ("salesforce_conversation_entries.json", "I can help with refunds. One moment."),
    ):
        replies = replydiag.audit(FORMATS / name).replies
        automatic = set(replies.loc[replies["kind"] == "automatic", "text"])
        assert automatic == {bot_text}, name


def test_a_messages_attachments_with_text_are_not_turns(tmp_path):
    # Only a record with no text of its own (a ticket) holds its turns in an unnamed list.
    path = tmp_path / "messages.json"
    path.write_text(
        '[{"ts": "1767607200", "user": "U1", "text": "Hi, my order is late", "user_type": "customer"},'
        ' {"ts": "1767607300", "user": "U9", "text": "Sorry! Here is the tracking", "user_type": "agent",'
        ' "attachments": [{"text": "Tracking 1"}, {"text": "Carrier info"}]}]'
    )
    acc = replydiag.load(path).accounting
    assert (acc.rows_read, acc.replies_analysed, acc.customer_messages) == (2, 1, 1)


def test_the_list_a_ticket_holds_its_messages_in_is_named_when_found_by_its_contents():
    notes = replydiag.load(FORMATS / "freshdesk_tickets_with_conversations.json").accounting.notes
    assert any("'conversations' list" in note for note in notes)


def test_an_ai_assistants_messages_in_a_chat_log_are_automatic_replies(tmp_path):
    # An LLM chat log: "user" is the customer, "assistant" the AI (was: no role, so the
    # assistant's messages were skipped as system events).
    path = tmp_path / "chat_log.json"
    path.write_text(
        '[{"conversation_id": "s1", "role": "user", "content": "How do I reset my password?"},'
        ' {"conversation_id": "s1", "role": "assistant", "content": "Use Settings, then Security."},'
        ' {"conversation_id": "s1", "role": "agent", "author": "Ann", "content": "I reset it for you."}]'
    )
    result = replydiag.audit(path)
    kinds = dict(zip(result.replies["agent"].astype(str), result.replies["kind"].astype(str)))
    assert kinds == {"bot": "automatic", "Ann": "personal"}
    assert result.accounting.customer_messages == 1


def test_a_zendesk_chat_trigger_is_automatic_whenever_it_was_sent(tmp_path):
    # A trigger speaks as "agent:trigger": an automation, not an agent, even minutes after
    # the visitor (the speed rule alone would miss it).
    path = tmp_path / "chats.json"
    path.write_text(
        '{"chats": [{"id": "1", "type": "chat", "history": ['
        '{"type": "chat.msg", "name": "Visitor 1", "nick": "visitor:1.K8", "msg": "hi, my order is late",'
        ' "timestamp": "2026-01-05T10:00:00Z"},'
        '{"type": "chat.msg", "name": "Triggered response", "nick": "agent:trigger",'
        ' "msg": "Thanks for waiting, an agent will be with you soon.", "timestamp": "2026-01-05T10:09:00Z"},'
        '{"type": "chat.msg", "name": "Tom Agent", "nick": "agent:360012", "msg": "Hello! Let me check.",'
        ' "timestamp": "2026-01-05T10:10:00Z"}]}]}'
    )
    replies = replydiag.audit(path).replies
    kinds = dict(zip(replies["agent"].astype(str), replies["kind"].astype(str)))
    assert kinds == {"Triggered response": "automatic", "Tom Agent": "personal"}


def test_role_values_are_read_by_their_words(tmp_path):
    # A type names its role in its last word ("Human Agent"), unless a bot word is in it.
    export = tmp_path / "chat.csv"
    export.write_text(
        "id,conversation_id,author_type,author,text\n"
        "1,c1,End User,Ann,My parcel is late\n"
        "2,c1,AI Agent,Helper,Sorry to hear that! Let me check your order for you.\n"
        "3,c1,Human Agent,Tom,I have asked the courier to deliver it tomorrow morning.\n"
        "4,c1,Conversation Note,Tom,courier delay\n"
    )
    result = replydiag.audit(export)
    assert dict(result.accounting.skipped) == {"private note": 1}
    assert result.accounting.customer_messages == 1
    kinds = dict(zip(result.replies["agent"], result.replies["kind"].astype(str)))
    assert kinds["Helper"] == "automatic" and kinds["Tom"] != "automatic"


def test_a_column_found_by_its_last_words_is_said():
    # No header names the date: Jira's created.iso8601 is read for it, and the guess is said.
    notes = replydiag.load(FORMATS / "jira_service_management_comments.json").accounting.notes
    assert "columns read by their last words: created_at from 'created.iso8601'" in notes


def test_a_folder_of_one_conversation_per_file_shows_the_team_the_files_cannot_alone(tmp_path):
    import json

    # Graph API conversations saved one per file, with no column saying who wrote each
    # message: each file alone reads every message as a reply; together they show the page
    # answering in every conversation and each customer in one.
    data = json.loads((FORMATS / "facebook_conversation.json").read_text())
    for n in range(6):
        conversation = json.loads(json.dumps(data).replace("Maria Jensen", f"Sam Okafor {n}"))
        conversation["id"] = f"t_{n}"
        (tmp_path / f"t_{n}.json").write_text(json.dumps(conversation))
    result = replydiag.audit(tmp_path)
    acc = result.accounting
    assert (acc.replies_analysed, acc.customer_messages) == (12, 12) and acc.balanced
    assert set(result.replies["agent"].astype(str)) == {"Lakeside Outfitters"}
    (warning,) = acc.warnings
    assert warning.startswith("6 files (") and "read together" in warning and "Lakeside Outfitters" in warning
    assert next(n for n in acc.notes if "the object holding them" in n).endswith("(and 5 more alike)")
    assert sum(source["customer_messages"] for source in result.sources) == 12
    # The texts the customers wrote were normalised as replies first: none is a template now.
    assert not result.templates["template_text"].str.contains("tent order").any()


def test_a_log_of_one_question_and_its_reply_per_row_reads_the_replies():
    # A team's spreadsheet: "Customer message" holds the question, "Our reply" the answer. The
    # question's column had been read as an inbound yes/no (all 8 rows system events, refused).
    export = replydiag.load(FORMATS / "question_and_reply_log.csv")
    fields = export.sources[0]["fields"]
    assert fields["text"]["column"] == "Our reply" and "inbound" not in fields
    assert export.accounting.replies_analysed == 8 and export.accounting.balanced
    assert export.replies["text"].str.startswith(("Sorry for the wait", "I checked order")).all()
    # Said as what it is, not warned as "no column says who wrote each row".
    assert not export.accounting.warnings
    assert any(
        "beside the customer's message it answers (column 'Customer message')" in n
        for n in export.accounting.notes
    )


def test_a_whatsapp_chat_export_is_one_conversation_its_file_naming_the_customer():
    # Read as CSV, the first message had been the header and the rest split at commas.
    export = replydiag.load(FORMATS / "WhatsApp Chat with Sam Okafor.txt")
    acc = export.accounting
    assert (acc.rows_read, acc.replies_analysed, acc.customer_messages) == (5, 2, 2) and acc.balanced
    assert dict(acc.skipped) == {"system event": 1}  # the encryption notice
    assert set(export.replies["agent"].astype(str)) == {"Lakeside Outfitters"}
    assert export.replies["text"].iloc[0].endswith("You will get tracking by email.")  # a second line
    assert export.replies["created_at"].dt.strftime("%m-%d").tolist() == ["03-13", "03-14"]


def test_android_chat_exports_in_a_folder_show_the_team_and_their_dates_order(tmp_path):
    # Android's layout, files not named after anyone: the business writes in every chat.
    # 12/03 then 13/03 reads in order only day first.
    for n in range(4):
        (tmp_path / f"chat{n}.txt").write_text(
            f"12/03/2026, 10:0{n} - Customer {n} Rossi: where is order 55{n}?\n"
            f"12/03/2026, 10:3{n} - Acme: Sorry for the wait, order 55{n} ships today.\n"
            f"13/03/2026, 09:1{n} - Acme: Your parcel is out for delivery.\n"
        )
    result = replydiag.audit(tmp_path)
    acc = result.accounting
    assert (acc.replies_analysed, acc.customer_messages) == (8, 4) and acc.balanced
    assert set(result.replies["agent"].astype(str)) == {"Acme"}
    assert result.replies["created_at"].dt.day.tolist() == [12, 13] * 4


def test_an_iphone_whatsapp_export_zip_is_read_from_its_chat_text(tmp_path):
    import zipfile

    # iPhone's "Export chat" zips "_chat.txt" with the photos; the zip's name names the chat.
    archive = tmp_path / "WhatsApp Chat - Sam Okafor.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(
            "_chat.txt", (FORMATS / "WhatsApp Chat with Sam Okafor.txt").read_text(encoding="utf-8")
        )
        zipped.writestr("00000012-PHOTO-2026-03-13-09-14-03.jpg", b"\xff\xd8\xff\xe0")
    export = replydiag.load(archive)
    assert (export.accounting.replies_analysed, export.accounting.customer_messages) == (2, 2)
    assert set(export.replies["conversation_id"].astype(str)) == {"WhatsApp Chat - Sam Okafor"}


def test_a_chats_dates_read_day_first_where_its_order_fits_either_reading_say_so(tmp_path):
    path = tmp_path / "WhatsApp Chat with Jo Baker.txt"
    path.write_text(
        "[02/03/2026, 10:14:03] Jo Baker: Hi, where is my order 5512?\n"
        "[02/03/2026, 10:20:11] Acme: Order 5512 ships today.\n"
        "[03/03/2026, 09:02:17] Acme: Your parcel is out for delivery today.\n"
    )
    export = replydiag.load(path)
    assert export.replies["created_at"].dt.strftime("%m-%d").tolist() == ["03-02", "03-03"]
    assert any("dates read day first (02/03: 2 March)" in note for note in export.accounting.notes)


def test_direction_values_whose_first_word_is_a_direction_say_who_wrote(tmp_path):
    # "INCOMING_EMAIL" / "OUTGOING_EMAIL" (CRM activity exports): had been read as no role
    # at all, every row an agent reply.
    path = tmp_path / "activities.csv"
    path.write_text(
        "Thread,Direction,Owner,Date,Message\n"
        't1,INCOMING_EMAIL,,2024-03-01 10:00,"Hi, my order never came"\n'
        't1,OUTGOING_EMAIL,Tom,2024-03-01 11:00,"Hi Ann, your refund for order 1234 is on its way."\n'
        't2,INBOUND_CALL,,2024-03-02 10:00,"Caller asked where the parcel is"\n'
        't2,OUTBOUND_EMAIL,Tom,2024-03-02 11:00,"Hi Bo, your parcel is at the depot."\n',
        encoding="utf-8",
    )
    export = replydiag.load(path)
    assert (export.accounting.replies_analysed, export.accounting.customer_messages) == (2, 2)
    assert set(export.replies["agent"].astype(str)) == {"Tom"}


def test_a_salesforce_relationship_name_names_the_author(tmp_path):
    # Salesforce query results name a record's author as CreatedBy: {"Name": ...}.
    path = tmp_path / "feed.json"
    path.write_text(
        '{"totalSize": 2, "done": true, "records": ['
        '{"Id": "0D51", "ParentId": "5001", "Body": "Your refund was issued today.", '
        '"CreatedDate": "2024-03-01T10:00:00.000+0000", "CreatedBy": {"Name": "Tom Agent"}},'
        '{"Id": "0D52", "ParentId": "5002", "Body": "A new lid goes out today.", '
        '"CreatedDate": "2024-03-02T10:00:00.000+0000", "CreatedBy": {"Name": "Kim Agent"}}]}',
        encoding="utf-8",
    )
    export = replydiag.load(path)
    assert sorted(export.replies["agent"].astype(str)) == ["Kim Agent", "Tom Agent"]


def test_comments_read_as_replies_beside_notes_are_said():
    # Intercom's export types its reply parts "comment" beside its "note" parts; elsewhere a
    # "comment" is an internal note. Reading them as replies changes the figures: said.
    export = replydiag.load(FORMATS / "intercom_conversation_export.csv")
    assert any("3 rows of 'message_type' typed 'comment' beside 'note'" in n for n in export.accounting.notes)


@pytest.mark.parametrize("agent_word, customer_word", [("Representative", "Guest"), ("Employee", "Customer")])
def test_role_words_of_chat_widgets_say_who_wrote(tmp_path, agent_word, customer_word):
    path = tmp_path / "chats.csv"
    rows = [
        f'c{n},{who},{name},2024-03-0{n + 1} 10:0{i}:00,"{text}"'
        for n in range(2)  # too few conversations for the team's reach to decide
        for i, (who, name, text) in enumerate(
            [
                (customer_word, ["Ann Lee", "Bo Chan"][n], "Hi, is the blue kettle back in stock?"),
                (agent_word, "Tom", "Hi, yes: it came back this morning, and it ships today."),
            ]
        )
    ]
    path.write_text(
        "Conversation,Sender type,Sender name,Time,Message\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    export = replydiag.load(path)
    assert (export.accounting.replies_analysed, export.accounting.customer_messages) == (2, 2)
    assert set(export.replies["agent"].astype(str)) == {"Tom"}


def test_an_author_given_as_by_with_its_type_and_name_says_who_wrote(tmp_path):
    # HappyFox's ticket updates name their author as "by": {"type": "staff" | "contact", "name"}.
    # Had been read with no author: every update an agent reply.
    tickets = [
        {
            "id": 100 + n,
            "subject": "Order",
            "updates": [
                {
                    "timestamp": f"2024-03-0{n + 1} 09:00:00",
                    "by": {"type": "contact", "name": name, "id": 900 + n},
                    "message": {"text": "Where is my order?", "html": "<p>Where is my order?</p>"},
                },
                {
                    "timestamp": f"2024-03-0{n + 1} 10:00:00",
                    "by": {"type": "staff", "name": "Tom", "id": 5},
                    "message": {
                        "text": "Hi, your order left our warehouse today. Best, Tom",
                        "html": "<p>Hi</p>",
                    },
                },
            ],
        }
        for n, name in enumerate(["Ann Lee", "Bo Chan"])
    ]
    path = tmp_path / "tickets.json"
    path.write_text(json.dumps(tickets), encoding="utf-8")
    export = replydiag.load(path)
    assert (export.accounting.replies_analysed, export.accounting.customer_messages) == (2, 2)
    assert set(export.replies["agent"].astype(str)) == {"Tom"}


def test_a_chat_listing_its_own_users_names_its_authors_with_no_guess():
    export = replydiag.load(FORMATS / "livechat_archives.json")
    assert not export.accounting.warnings  # had been the team guessed by its reach, warned
    assert any("read from the 'users' list" in n for n in export.accounting.notes)


@pytest.mark.parametrize("chunk_bytes", [None, 700])
def test_a_syncs_raw_table_is_read_from_the_json_record_of_each_row(monkeypatch, chunk_bytes):
    # Airbyte's raw tables keep each record as JSON in _airbyte_data. Had been: the JSON as the
    # reply text, every row (customers' and notes too) an agent's reply.
    from replydiag.ingest import read

    if chunk_bytes:
        monkeypatch.setattr(read, "CHUNK_BYTES", chunk_bytes)  # a row or three per chunk
    export = read.load_export(FORMATS / "airbyte_raw_ticket_comments.csv", chunked=bool(chunk_bytes))
    acc = export.accounting
    assert (acc.replies_analysed, acc.customer_messages, acc.skipped) == (4, 4, {"private note": 4})
    assert set(export.replies["conversation_id"]) == {"100", "101", "102", "103"}
    assert set(export.replies["agent"]) == {"Tom"}
    assert export.replies["text"].str.startswith("Hi ").all()
    assert any("JSON record in its '_airbyte_data' column" in n for n in acc.notes)


def test_json_metadata_beside_a_text_column_is_left_as_it_is(tmp_path):
    path = tmp_path / "replies.csv"
    path.write_text(
        "id,agent,body,custom_fields\n"
        '1,Tom,"Hi Ann, your order shipped yesterday.","{""tier"": ""gold""}"\n'
        '2,Tom,"Hi Bo, your refund was sent today.","{""tier"": ""silver""}"\n'
    )
    export = replydiag.load(path)
    assert export.replies["text"].tolist() == [
        "Hi Ann, your order shipped yesterday.",
        "Hi Bo, your refund was sent today.",
    ]
    assert not any("JSON record" in n for n in export.accounting.notes)


@pytest.mark.parametrize("flag", ["is_agent_note", "is_internal_note", "isInternalNote", "is_note", "note"])
def test_a_yes_no_note_flag_keeps_notes_out_of_the_replies(tmp_path, flag):
    page = json.loads((FORMATS / "deskpro_ticket_messages.json").read_text())
    # Without Deskpro's fingerprint: a generic export whose note flag has another name.
    rows = [
        {
            "id": m["id"],
            "ticket": m["ticket"],
            "author_type": "agent" if m["attributes"] else "customer",
            "body": m["message"],
            "created": m["date_created"],
            flag: bool(m["is_agent_note"]),
        }
        for m in page["data"]
    ]
    path = tmp_path / "messages.json"
    path.write_text(json.dumps(rows))
    acc = replydiag.load(path).accounting
    assert (acc.replies_analysed, dict(acc.skipped)) == (3, {"private note": 1})


def test_a_note_column_of_text_is_no_note_flag(tmp_path):
    (tmp_path / "log.csv").write_text(
        "author_type,body,note\n"
        "customer,Where is my order?,vip customer\n"
        'agent,"It ships today, sorry for the wait.",\n'
        "agent,It ships tomorrow.,checked the warehouse first\n"
    )
    acc = replydiag.load(tmp_path / "log.csv").accounting
    assert (acc.replies_analysed, acc.customer_messages, dict(acc.skipped)) == (2, 1, {})


def test_an_author_on_both_sides_does_not_say_who_wrote_an_untyped_row(tmp_path):
    page = json.loads((FORMATS / "deskpro_ticket_messages.json").read_text())
    # Person 61 now also wrote as a user: the untyped "web" message stays unread (counted).
    page["data"][3]["person"] = 61
    path = tmp_path / "messages.json"
    path.write_text(json.dumps(page))
    acc = replydiag.load(path).accounting
    assert acc.balanced
    assert acc.replies_analysed == 2
    assert any("no readable direction/role" in n for n in acc.notes)


def test_merge_comments_not_expanded_name_their_authors_by_id(tmp_path):
    page = json.loads((FORMATS / "merge_ticketing_comments.json").read_text())
    for comment in page["results"]:
        for side in ("user", "contact"):
            comment[side] = comment[side] and comment[side]["id"]
    path = tmp_path / "comments.json"
    path.write_text(json.dumps(page))
    export = replydiag.load(path)
    assert (export.accounting.replies_analysed, export.accounting.customer_messages) == (2, 3)
    assert set(export.replies["agent"].astype(str)) == {
        "17a54124-287f-494d-965e-3c5b330c9a68",
        "28b65235-398a-4a5e-a76f-4d6c441dab79",
    }


def test_deskpro_people_side_loaded_name_the_agents_and_say_who_wrote(tmp_path):
    page = json.loads((FORMATS / "deskpro_ticket_messages.json").read_text())
    people = {33: ("Pete Lane", False), 34: ("Ann Moss", False), 35: ("Raj Iyer", False)}
    people |= {61: ("Sam Agent", True), 62: ("Kim Agent", True)}
    page["linked"] = {
        "person": {str(i): {"id": i, "name": name, "is_agent": agent} for i, (name, agent) in people.items()}
    }
    path = tmp_path / "messages.json"
    path.write_text(json.dumps(page))
    export = replydiag.load(path)
    acc = export.accounting
    assert (acc.replies_analysed, acc.customer_messages, dict(acc.skipped)) == (3, 4, {"private note": 1})
    assert sorted(export.replies["agent"].astype(str)) == ["Kim Agent", "Sam Agent", "Sam Agent"]
    assert any("'linked.person'" in n for n in acc.notes)


def test_a_gmail_takeout_mailbox_says_who_sent_each_message_by_its_labels(tmp_path):
    text = (FORMATS / "support_inbox.mbox").read_text()
    # Takeout writes Gmail's labels and thread id into each message's headers.
    text = text.replace("\nFrom: ", "\nX-GM-THRID: 1\nX-Gmail-Labels: Inbox\nFrom: ")
    text = text.replace("X-Gmail-Labels: Inbox\nFrom: Sam", "X-Gmail-Labels: Sent\nFrom: Sam")
    text = text.replace("X-Gmail-Labels: Inbox\nFrom: Kim", "X-Gmail-Labels: Sent,Opened\nFrom: Kim")
    text += (
        "\nFrom support@acme.example Tue Mar 10 09:00:00 2026\nX-GM-THRID: 2\nX-Gmail-Labels: Draft\n"
        "From: Sam at Acme <support@acme.example>\nTo: Eva Nagy <eva@example.org>\nSubject: Re: Password\n"
        "Date: Tue, 10 Mar 2026 09:00:00 +0000\nMessage-ID: <d1@acme.example>\n\nStill checking.\n"
    )
    path = tmp_path / "takeout.mbox"
    path.write_text(text)
    export = replydiag.load(path)
    acc = export.accounting
    assert (acc.replies_analysed, acc.customer_messages, dict(acc.skipped)) == (6, 7, {"draft (not sent)": 1})
    assert not acc.warnings  # the labels say who wrote: no guess from reach
    assert set(export.replies["conversation_id"].astype(str)) == {"1"}  # Gmail's own thread id


def test_a_mailbox_is_read_whole_when_reading_in_chunks():
    from replydiag.ingest import read

    export = read.load_export(FORMATS / "support_inbox.mbox", chunked=True)
    assert (export.accounting.replies_analysed, export.accounting.customer_messages) == (6, 7)


def test_a_takeout_zip_holding_a_mailbox_is_read(tmp_path):
    import zipfile

    path = tmp_path / "takeout.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(FORMATS / "support_inbox.mbox", "Takeout/Mail/All mail Including Spam and Trash.mbox")
    acc = replydiag.load(path).accounting
    assert (acc.replies_analysed, acc.customer_messages) == (6, 7)


def test_a_folder_of_saved_mail_messages_is_read_as_one_mailbox(tmp_path):
    import re

    text = (FORMATS / "support_inbox.mbox").read_bytes()
    messages = [m for m in re.split(rb"(?m)^From [^\n]*\n(?=[!-9;-~]+:)", text) if m.strip()]
    for n, message in enumerate(messages):  # each saved alone, as a mail client saves a .eml
        (tmp_path / f"message{n:02d}.eml").write_bytes(b"Received: from mx.acme.example;\n Mon\n" + message)
    result = replydiag.audit(tmp_path)
    acc = result.accounting
    assert (acc.replies_analysed, acc.customer_messages) == (6, 7)
    # Each file holds one message: the team shows only across them (a mail thread's id is the
    # same in every file), said as a warning.
    assert any("read together" in w for w in acc.warnings)
    assert set(result.replies["agent"].astype(str)) == {"Sam at Acme", "Kim at Acme"}


def test_xml_declaring_entities_is_refused_by_name(tmp_path):
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        "<tickets><ticket><comments><comment><value>&b;</value></comment></comments></ticket></tickets>"
    )
    path = tmp_path / "export.xml"
    path.write_text(bomb)
    with pytest.raises(replydiag.ReplydiagError, match="declares XML entities or a document type"):
        replydiag.load(path)


def test_an_xml_export_of_records_written_as_attributes_is_read(tmp_path):
    rows = [
        ("1", "t1", "Jane Doe", "customer", "My order 5512 never arrived, can you check?"),
        ("2", "t1", "Sam", "agent", "Hi Jane, sorry about that. I asked the courier to trace it."),
        ("3", "t2", "Bob Roe", "customer", "Refund please, the blender arrived broken."),
        ("4", "t2", "Kim", "agent", "Hi Bob, your refund is on its way to your card."),
    ]
    messages = "".join(
        f'<message id="{i}" ticket="{t}" author="{a}" role="{r}" created="2026-03-0{i}T09:00:00Z">{x}</message>'
        for i, t, a, r, x in rows
    )
    path = tmp_path / "messages.xml"
    path.write_text(f'<?xml version="1.0"?><messages>{messages}</messages>')
    export = replydiag.load(path)
    assert (export.accounting.replies_analysed, export.accounting.customer_messages) == (2, 2)
    assert set(export.replies["agent"].astype(str)) == {"Sam", "Kim"}


_ZENDESK_USERS_XML = (
    '<?xml version="1.0" encoding="UTF-8"?><users type="array">'
    '<user><id type="integer">9001</id><name>Jane Doe</name><role type="integer">0</role></user>'
    '<user><id type="integer">7</id><name>Sam Agent</name><role type="integer">4</role></user>'
    "</users>"
)


def test_zendesk_xml_export_zip_is_read_by_its_tickets_file(tmp_path):
    import zipfile

    # Zendesk sends its XML export as a zip of tickets.xml, users.xml and more.
    path = tmp_path / "xml_export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(FORMATS / "zendesk_xml_export.xml", "tickets.xml")
        archive.writestr("users.xml", _ZENDESK_USERS_XML)
    alone = replydiag.load(FORMATS / "zendesk_xml_export.xml").accounting
    acc = replydiag.load(path).accounting
    assert (acc.replies_analysed, acc.customer_messages) == (alone.replies_analysed, alone.customer_messages)
    assert acc.replies_analysed > 0
    assert any("users.xml" in n for n in acc.notes)  # passed over, said
    # ... and it names the agents the tickets name by id (Sam Agent is user 7; 8 is not listed).
    zipped = replydiag.load(path)
    assert set(zipped.replies["agent"].astype(str)) == {"Sam Agent", "8"}
    assert any(n.startswith("1 agent named by id only named from users.xml (2 replies)") for n in acc.notes)
    # A folder of the unpacked files reads the same.
    with zipfile.ZipFile(path) as archive:
        archive.extractall(tmp_path / "unpacked")
    folder = replydiag.load(tmp_path / "unpacked").accounting
    assert folder.replies_analysed == alone.replies_analysed


def test_an_office_document_zip_is_not_read_for_its_xml_insides(tmp_path):
    import zipfile

    path = tmp_path / "letter.zip"  # a .docx renamed: its XML files are the document
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><document><body/></document>')
    with pytest.raises(replydiag.ReplydiagError, match="no export in it"):
        replydiag.load(path)


def test_an_xml_file_holding_no_records_is_refused_in_xml_terms(tmp_path):
    path = tmp_path / "config.xml"
    path.write_text('<?xml version="1.0"?><config><paths><cache/></paths></config>')
    with pytest.raises(replydiag.ReplydiagError, match="is an XML object, not a list of records"):
        replydiag.load(path)


def test_users_read_as_the_team_beside_contacts_are_said():
    notes = replydiag.load(FORMATS / "truto_unified_comments.json").accounting.notes
    assert "3 rows of 'author.type' typed 'user' beside 'contact' read as the team's" in " ".join(notes)
    # Intercom's "user" beside "admin" is a customer, as always: nothing to say.
    assert not any(
        "typed 'user'" in n for n in replydiag.load(FORMATS / "intercom_parts.json").accounting.notes
    )
