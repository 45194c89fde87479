"""Every common export layout and awkward encoding, read with no flags."""

from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252)
import pandas as pd
import pytest

from replydiag.errors import FormatError, InputError
from replydiag.ingest import load_export, load_frame
from replydiag.ingest.csv_table import sniff_delimiter
from replydiag.ingest.dates import parse_dates
from replydiag.ingest.decode import decode_bytes

FORMATS = Path(__file__).parent / "data" / "formats"

# file: (format, replies, customers, skipped by reason, agents of the replies, automatic flags)
EXPECTED = {
    "zendesk_comments.json": (
        "zendesk",
        2,
        1,
        {"private note": 1},
        ["Support Bot", "Tom Agent"],
        [True, False],
    ),
    "freshdesk_conversations.json": ("freshdesk", 1, 1, {"private note": 1}, ["12"], [False]),
    "intercom_parts.json": (
        "intercom",
        2,
        1,
        # An assignment part with no body: left out as an empty text (one with a body is a reply).
        {"private note": 1, "empty text": 1},
        ["Fin", "Tom"],
        [True, False],
    ),
    "helpscout_threads.json": ("helpscout", 1, 1, {"private note": 1, "system event": 1}, ["Tom B"], [False]),
    "front_messages.json": ("front", 1, 1, {}, ["tom@acme.io"], [False]),
    "gorgias_messages.json": ("gorgias", 2, 1, {"private note": 1}, ["Acme", "Tom"], [True, False]),
    "hubspot_messages.json": ("hubspot", 2, 1, {"private note": 1}, ["Bot", "Tom"], [True, False]),
    "salesforce_emailmessage.csv": ("salesforce", 2, 1, {}, ["Acme Support", "Tom B"], [True, False]),
    "messages.ndjson": ("generic", 1, 1, {}, ["Tom"], [False]),
    "italian_sme.csv": ("generic", 2, 1, {}, ["Giulia", "Marco"], [False, False]),
    "excel_unicode.txt": ("generic", 2, 0, {}, ["Tom", "Ann"], [False, False]),
    "twcs_index.csv": ("twcs", 2, 1, {}, ["sprintcare", "sprintcare"], [False, False]),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_format_is_read_with_no_flags(name):
    fmt, replies, customers, skipped, agents, automatic = EXPECTED[name]
    export = load_export(FORMATS / name)
    acc = export.accounting
    assert export.format_name == fmt
    assert acc.replies_analysed == replies and len(export.replies) == replies
    assert acc.customer_messages == customers
    assert dict(acc.skipped) == skipped
    assert acc.balanced
    assert export.replies["agent"].tolist() == agents
    assert export.replies["automatic_flag"].tolist() == automatic
    assert export.replies["created_at"].notna().all()


def test_reply_ids_are_the_exports_own_ids_as_strings():
    export = load_export(FORMATS / "zendesk_comments.json")
    assert export.replies["reply_id"].tolist() == ["1002", "1004"]
    assert export.replies["conversation_id"].tolist() == ["42", "42"]


def test_helpdesk_template_marks_are_carried_through():
    assert load_export(FORMATS / "helpscout_threads.json").replies["helpdesk_template"].tolist() == ["889"]
    assert load_export(FORMATS / "salesforce_emailmessage.csv").replies["helpdesk_template"].iloc[0] == "00X1"


def test_italian_spreadsheet_cp1252_semicolons_day_first():
    export = load_export(FORMATS / "italian_sme.csv")
    assert export.encoding == "cp1252" and export.delimiter == ";"
    first = export.replies.iloc[0]
    assert first["created_at"] == pd.Timestamp("2026-03-25 15:10", tz="UTC")
    assert "Cordiali saluti" in first["text"]  # a quoted cell spanning lines stays one cell
    assert "Perché" in export.replies.iloc[1]["text"]
    assert export.replies["channel"].tolist() == ["email", "telefono"]


def test_utf16_tab_separated_month_first_with_am_pm():
    export = load_export(FORMATS / "excel_unicode.txt")
    assert export.encoding.startswith("utf-16") and export.delimiter == "\t"
    assert export.replies["created_at"].iloc[0] == pd.Timestamp("2026-03-14 14:05", tz="UTC")
    assert "—" in export.replies["text"].iloc[0]


def test_twcs_threads_are_followed_to_their_first_tweet():
    export = load_export(FORMATS / "twcs_index.csv")
    assert export.replies["conversation_id"].tolist() == ["4", "4"]


@pytest.mark.parametrize(
    "raw, encoding",
    [
        ("Perché".encode(), "utf-8"),
        (b"\xef\xbb\xbf" + "Perché".encode(), "utf-8-sig"),
        ("Perché".encode("cp1252"), "cp1252"),
        (b"\xff\xfe" + "Perché".encode("utf-16-le"), "utf-16-le"),
        ("Perché no".encode("utf-16-le"), "utf-16-le (no BOM)"),
    ],
)
def test_decode(raw, encoding):
    decoded = decode_bytes(raw)
    assert decoded.encoding == encoding
    assert decoded.text.startswith("Perché")


def test_mixed_encodings_in_one_file_are_decoded_line_by_line():
    data = "text\nCaffè pronto\n".encode() + "Perché no\n".encode("cp1252")
    decoded = decode_bytes(data)
    assert "Caffè" in decoded.text and "Perché" in decoded.text and decoded.mixed_lines == 1


def test_mojibake_is_repaired(write):
    rows = ["We’re on it 😉", "You are most welcome! ❤️ -Pia", "Making us blush ☺", "Dear Jürgen, ¿qué tal?"]
    # as a UTF-8 file read as cp1252 shows them, C1 bytes kept (the Walmart tweets have such)
    garbled = [row.encode().decode("sloppy-windows-1252") for row in rows[:-1]] + rows[-1:]
    path = write("m.csv", "text,agent\n" + "".join(f'"{row}",Tom\n' for row in garbled))
    export = load_export(path)
    assert export.replies["text"].tolist() == rows
    assert any("mojibake" in note for note in export.notes)


@pytest.mark.parametrize(
    "sample, delimiter",
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1;2,5;3\n", ";"),
        ("a\tb\n1\t2\n", "\t"),
        ("a|b|c\n1|2|3\n", "|"),
        ("Testo;Operatore\nCiao, come va;Anna\n", ";"),
    ],
)
def test_sniff_delimiter_among_the_four(sample, delimiter):
    assert sniff_delimiter(sample) == delimiter


@pytest.mark.parametrize("low_memory", [False, True])
@pytest.mark.parametrize(
    "before, delimiter",
    [
        ("sep=;\n", ";"),  # Excel's line naming the delimiter
        ("Replies report: March\nGenerated 2026-04-01\n\n", ","),  # a report's title lines
        ("Rapport : réponses\n\n", ";"),
    ],
)
def test_lines_before_the_header_are_passed_over_and_said(tmp_path, before, delimiter, low_memory):
    # Was: the first line read as the header, one column, "has no text-like column".
    rows = [
        ["Ticket ID", "Author", "Body"],
        ["1", "Ann", "Thanks, the refund is done"],
        ["2", "Bob", "Hi; shipped"],
    ]
    body = "".join(delimiter.join(f'"{cell}"' for cell in row) + "\n" for row in rows)
    path = tmp_path / "report.csv"
    path.write_text(before + body, encoding="utf-8")
    export = load_export(path, chunked=low_memory)
    assert export.replies["text"].tolist() == ["Thanks, the refund is done", "Hi; shipped"]
    assert export.accounting.replies_analysed == 2
    assert export.fields["agent"].column == "Author"
    assert any("before the header passed over" in note for note in export.notes)


@pytest.mark.parametrize("chunked", [False, True])
def test_two_exports_joined_end_to_end_skip_the_second_header_as_what_it_is(tmp_path, chunked):
    # Was: the header row skipped as a "system event" (its role unreadable), or, in an export
    # with no role column, analysed as an agent's reply reading "body".
    header = "ticket_id,agent,body\n"
    first = header + "1,Ann,Your refund is on its way.\n2,Ann,It ships today.\n"
    second = header + "3,Bob,Sorry for the wait!\n"
    path = tmp_path / "both.csv"
    path.write_text(first + second, encoding="utf-8")
    export = load_export(path, chunked=chunked)
    assert export.accounting.replies_analysed == 3
    assert dict(export.accounting.skipped) == {"repeated header row": 1}
    assert "body" not in export.replies["text"].tolist()
    assert not any("direction" in note for note in export.notes)


def test_a_text_column_no_header_names_is_said_as_a_guess(tmp_path):
    # Front's analytics export holds the message in "Extract": found by its contents, and
    # (was: silently) said, since another column chosen would change every figure.
    path = tmp_path / "front.csv"
    path.write_text(
        "Message ID,Direction,Author,Extract\n"
        "m1,Outbound,ann@acme.com,Sorry about that! A replacement is on its way today.\n"
        'm2,Inbound,,"Hello, my order never arrived and I need it"\n',
        encoding="utf-8",
    )
    export = load_export(path)
    assert export.replies["text"].tolist() == ["Sorry about that! A replacement is on its way today."]
    assert export.accounting.customer_messages == 1
    assert any("reply text read from column 'Extract'" in note for note in export.notes)


def test_a_one_column_file_keeps_its_first_line_as_the_header(tmp_path):
    path = tmp_path / "texts.csv"
    path.write_text('text\n"hello, world"\nthanks\n"ok, sure"\n', encoding="utf-8")
    export = load_export(path)
    assert export.replies["text"].tolist() == ["hello, world", "thanks", "ok, sure"]
    assert not any("before the header" in note for note in export.notes)


def test_email_replies_with_line_breaks_and_semicolons_are_read_by_their_commas(tmp_path):
    # An email export: each reply cell holds a dozen lines, one with "; ". The sniffer's first
    # 60 lines end inside a reply, and ";" split only that line: it was chosen over ",", and
    # the whole file was one column ("has no text-like column").
    reply = (
        "Hello,\n\nThe charge was a duplicate; I refunded it today.\n\nBest,\nJane\nAcme Support\n\n"
        "On Mon, Mar 2, 2026 at 10:00 AM Customer <c@example.com> wrote:\n> my invoice is wrong\n> Thanks"
        + "\n>"
        * 8
    )
    rows = [
        {"ticket_id": i, "author_type": "agent", "body": reply, "created_at": "2026-03-02 11:00"}
        for i in range(8)
    ]
    path = tmp_path / "email.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    assert sniff_delimiter(path.read_text()[:65536]) == ","
    export = load_export(path)
    assert export.accounting.replies_analysed == 8
    assert export.replies["conversation_id"].astype(str).tolist() == [str(i) for i in range(8)]


@pytest.mark.parametrize(
    "values, expected",
    [
        (["2026-03-25T14:05:00Z"], "2026-03-25 14:05"),
        (["Tue Oct 31 22:10:47 +0000 2017"], "2017-10-31 22:10:47"),
        (
            ["03/04/2026 10:00", "25/03/2026 14:05"],
            "2026-04-03 10:00",
        ),  # a day > 12 makes the column day-first
        (["03/04/2026 10:00", "12/25/2026 2:05 PM"], "2026-03-04 10:00"),  # a second field > 12: month-first
        (["25.03.2026 14:05"], "2026-03-25 14:05"),
        (["1772442000"], "2026-03-02 09:00"),
        (["1772442000000"], "2026-03-02 09:00"),
    ],
)
def test_dates_are_decided_per_column(values, expected):
    assert parse_dates(pd.Series(values)).iloc[0] == pd.Timestamp(expected, tz="UTC")


def test_unparseable_and_out_of_range_dates_become_missing():
    parsed = parse_dates(pd.Series(["2026-03-02T10:00:00Z", "not a date", "1066-10-14T09:00:00Z"]))
    assert parsed.notna().tolist() == [True, False, False]


def test_ids_stay_strings_without_float_suffix(write):
    path = write("ids.csv", "id,conversation_id,text\n1,10,Hello there friend\n2,,Another reply here\n")
    export = load_export(path)
    assert export.replies["reply_id"].tolist() == ["1", "2"]
    assert export.replies["conversation_id"].tolist()[0] == "10"


def test_text_only_file_is_all_replies_and_says_so(write):
    path = write("only.csv", "Message\nYour order shipped today.\nSorry for the wait!\n")
    export = load_export(path)
    assert export.accounting.replies_analysed == 2
    assert any("all 2 are read as agent replies" in w for w in export.accounting.warnings)


def test_ragged_rows_are_skipped_and_counted_within_tolerance(write):
    rows = "".join(f"{i},Reply number {i} is fine,Tom\n" for i in range(1, 200))
    path = write("ragged.csv", "id,text,agent\n" + rows + "999,broken,row,extra\n")
    export = load_export(path)
    assert export.accounting.skipped["ragged row (wrong number of fields)"] == 1
    assert export.accounting.rows_read == 200 and export.accounting.balanced


def test_too_many_ragged_rows_name_the_line(write):
    path = write("bad.csv", "id,text\n1,ok\n2,a,b\n3,a,b\n4,a,b\n5,a,b\n6,a,b\n7,a,b\n8,a,b\n")
    with pytest.raises(FormatError, match=r"first at line 3"):
        load_export(path)


@pytest.mark.parametrize(
    "content, error, message",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), InputError, "binary file"),
        (b'[{"id": 1, "text": "hi"', InputError, "not valid JSON"),
        (b'{"total": 3, "page": 1}', FormatError, "not a list of records"),
        (b"id,score\n1,2\n", FormatError, "no text-like column"),
        (b"id,text\n1,123\n2,456\n", FormatError, "holds only numbers"),
    ],
)
def test_bad_files_raise_clear_errors(write, content, error, message):
    path = write("bad.json" if content.startswith((b"[", b"{")) else "bad.csv", content)
    with pytest.raises(error, match=message):
        load_export(path)


def test_directory_is_not_a_file(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        load_export(tmp_path)


def test_load_frame_accepts_a_dataframe_with_timestamps():
    df = pd.DataFrame(
        {"body": ["Hi, all sorted."], "sent": pd.to_datetime(["2026-03-02 10:00"]), "agent": ["Tom"]}
    )
    export = load_frame(df, column_map={"created_at": "sent"})
    assert export.replies["created_at"].iloc[0] == pd.Timestamp("2026-03-02 10:00", tz="UTC")


def test_front_messages_take_their_conversation_from_their_links():
    export = load_export(FORMATS / "front_messages.json")
    assert export.replies["conversation_id"].tolist() == ["cnv_55"]


def test_freshdesk_numeric_sources_are_named_channels():
    assert load_export(FORMATS / "freshdesk_conversations.json").replies["channel"].tolist() == ["email"]


def test_the_same_comment_number_in_two_tickets_is_two_replies(tmp_path):
    # Numbered per ticket (ids repeat with other texts): a repeat counts only within its ticket.
    path = tmp_path / "per_ticket_ids.csv"
    path.write_text(
        "ticket_id,comment_id,author,role,body\n"
        "A,1,Tom,agent,Thanks for waiting: your refund is on its way.\n"
        "B,1,Tom,agent,Thanks for waiting: your refund is on its way.\n"
        "B,1,Tom,agent,Thanks for waiting: your refund is on its way.\n"
        "C,1,Tom,agent,I found the parcel at the depot in Leeds.\n"
        "C,2,Tom,agent,It is back with the courier now.\n"
        "D,2,Tom,agent,Your card was charged once; the second line is a hold.\n"
    )
    export = load_export(path)
    assert export.accounting.replies_analysed == 5
    assert dict(export.accounting.skipped) == {"duplicate message id": 1}


def test_records_deleted_at_the_source_are_counted_apart_not_read(tmp_path):
    # A warehouse sync keeps deleted records, marked: Fivetran's _fivetran_deleted flag ...
    export = load_export(FORMATS / "fivetran_ticket_comment.csv")
    assert export.accounting.skipped == {"deleted at the source": 1, "private note": 1}
    assert (export.accounting.replies_analysed, export.accounting.customer_messages) == (3, 3)
    assert "Old duplicate comment" not in set(export.replies["text"])
    # ... or Stitch's _sdc_deleted_at date: any date is a deletion, a blank none.
    stitch = pd.read_csv(FORMATS / "fivetran_ticket_comment.csv", dtype=str)
    deleted = stitch.pop("_fivetran_deleted") == "true"
    stitch["_sdc_deleted_at"] = deleted.map({True: "2024-03-04T10:00:00Z", False: ""})
    path = tmp_path / "stitch.csv"
    stitch.to_csv(path, index=False)
    assert load_export(path).accounting.skipped == {"deleted at the source": 1, "private note": 1}
