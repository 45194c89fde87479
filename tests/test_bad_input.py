"""The bad-input corpus: each file gets one clear line and exit 2, or is read with every row counted."""

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from replydiag.cli import app

BAD = Path(__file__).parent / "data" / "bad"
runner = CliRunner()

# file -> words the one-line error must contain
REFUSED = {
    "empty.csv": "is empty",
    "header_only.csv": "header but no rows (columns: id, text, agent)",
    "binary.csv": "is a binary file",
    "ragged.csv": "rows do not have the 3 fields of the header (first at line 2",
    "wrong_delimiter.csv": "split by ':'",
    "numbers_only.csv": "holds only numbers",
    "not_a_list.json": "not a list of records (keys: total, page, next)",
    # Zips that hold no export: were "a zip file with 0 export files", with a hint to run
    # the command that was running.
    "opendocument.ods": "is an OpenDocument file (.ods), which replydiag does not read",
    "zip_without_exports.zip": "is a zip file with no export in it (a.png)",
    # An API's last page, saved as the export: was "not a list of records".
    "empty_page.json": "holds no messages: its 'comments' list is empty",
    "truncated.json": "not valid JSON",
    "no_text_column.csv": "no text-like column (columns: id, score, when)",
    # Intercom's conversation report: no message text, so the teammates' names were read as
    # their replies, with exit 0.
    "intercom_conversation_report.csv": "has no text-like column (columns: Conversation ID, Conversation URL",
    "deep_nesting.json": "nested deeper than any export",
    "cut_in_quoted_cell.csv": "ends inside a quoted cell: the file looks cut off, its last row (from line 4)",
    "tickets_without_messages.json": "holds tickets (subject, description), not the messages in them",
    # Zendesk's ticket report (Views > Export as CSV): no message text at all, so the subject
    # was read as agent replies, with exit 0.
    "zendesk_ticket_report.csv": "its only text is each ticket's subject line",
    # Intercom's conversation list: each conversation's opening (the customer's) and no parts.
    "intercom_conversation_list_without_parts.json": "has no agent replies to analyse (2 rows: 2 customer messages",
    # A saved page of a help desk: read as CSV, its first tag was a column and the page one
    # agent reply, with exit 0. (An XML export of data is read: tests/data/formats.)
    "saved_web_page.html": "is an HTML document, not a CSV, JSON or Excel export",
    # An XML export cut off mid-way, and an XML file of something else (a program's settings).
    "cut_off_export.xml": "is not well-formed XML (no element found: line 11",
    "settings_file.xml": "the text column 'text' holds only numbers",
}
# file -> (rows read, replies analysed, skipped by reason)
READ = {
    "nul_bytes.csv": (2, 2, {}),
    "mixed_encodings.csv": (2, 2, {}),
    "utf16_no_bom.csv": (2, 2, {}),
    "bad_dates.csv": (4, 4, {}),
    "duplicate_ids.csv": (3, 2, {"duplicate message id": 1}),
    "hostile.csv": (3, 3, {}),
    "big_integer_id.json": (1, 1, {}),  # a 5,000-digit id is read as its digits
    "lone_surrogate.json": (2, 2, {}),  # a lone surrogate escape reads as U+FFFD
}


def test_every_corpus_file_is_covered():
    assert {p.name for p in BAD.iterdir()} == set(REFUSED) | set(READ)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_with_one_line_naming_the_file(name):
    result = runner.invoke(app, ["audit", str(BAD / name)])
    assert result.exit_code == 2
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output
    assert lines[0].startswith(f"replydiag: error: {BAD / name}: ")
    assert REFUSED[name] in lines[0]


@pytest.mark.parametrize("name", sorted(READ))
def test_read_with_every_row_accounted_for(name):
    rows, analysed, skipped = READ[name]
    result = runner.invoke(app, ["audit", str(BAD / name), "--json"])
    assert result.exit_code == 0, result.output
    acc = json.loads(result.stdout)["accounting"]
    assert acc["rows_read"] == rows and acc["replies_analysed"] == analysed
    assert acc["skipped_by_reason"] == skipped
    assert acc["rows_read"] == acc["replies_analysed"] + acc["customer_messages"] + acc["rows_skipped"]


def test_bad_dates_are_kept_and_noted():
    acc = json.loads(runner.invoke(app, ["audit", str(BAD / "bad_dates.csv"), "--json"]).stdout)["accounting"]
    assert any("3 replies have no readable date" in note for note in acc["notes"])


def test_text_survives_nul_bytes_and_mixed_encodings():
    out = json.loads(runner.invoke(app, ["audit", str(BAD / "mixed_encodings.csv"), "--json"]).stdout)
    assert out["accounting"]["notes"][-1] == "lines decoded as cp1252 inside a UTF-8 file, one by one: 1"


def test_a_directory_is_refused(tmp_path):
    result = runner.invoke(app, ["audit", str(tmp_path)])
    assert result.exit_code == 2 and "is a directory" in result.output


def test_a_50_mb_single_cell_is_read(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text('id,text,agent\n1,"' + "words " * 9_000_000 + '",Tom\n2,Short reply here,Ann\n')
    result = runner.invoke(app, ["audit", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["accounting"]["replies_analysed"] == 2


def test_redact_leaves_reply_text_out(tmp_path):
    result = runner.invoke(app, ["audit", str(BAD / "hostile.csv"), "--out", str(tmp_path), "--redact"])
    assert result.exit_code == 0
    replies = pd.read_csv(tmp_path / "replies.csv", dtype=str)
    assert "text" not in replies.columns and len(replies) == 3
    exact = pd.read_parquet(tmp_path / "replies.parquet")  # the pandas copy keeps no text either
    assert "text" not in exact.columns and len(exact) == 3


def test_outputs_stay_inside_out_dir(tmp_path):
    # A hostile source name must never become a path: files land only under --out.
    export = tmp_path / "in" / "..evil..csv"
    export.parent.mkdir()
    export.write_text((BAD / "hostile.csv").read_text())
    out = tmp_path / "out"
    assert runner.invoke(app, ["audit", str(export), "--out", str(out)]).exit_code == 0
    assert runner.invoke(app, ["report", str(export), "--out", str(out / "rep")]).exit_code == 0
    written = {p for p in tmp_path.rglob("*") if p.is_file()}
    assert all(str(p).startswith(str(out)) or p == export for p in written)


# Refusals whose hint names a flag: the flag, given back, must make the same file read.
REFUSALS_WITH_A_FIX = {
    "no_text_like_column.csv": "Ticket,Notiz,Stato\n1,Fatto!,chiuso\n2,Rimborsato,chiuso\n3,Spedito,aperto\n",
    "numbers_as_text.csv": "id,body,messaggio\n1,12,Abbiamo spedito il pacco oggi\n2,13,Il rimborso arriva domani\n",
    "tickets.json": (BAD / "tickets_without_messages.json").read_text(),
}


@pytest.mark.parametrize("name", sorted(REFUSALS_WITH_A_FIX))
def test_the_fix_a_refusal_suggests_works(name, tmp_path):
    import re
    import shlex

    path = tmp_path / name
    path.write_text(REFUSALS_WITH_A_FIX[name])
    result = runner.invoke(app, ["audit", str(path)])
    assert result.exit_code != 0
    flags = re.search(r"(--map \S+=(\"[^\"]+\"|\S+))", result.stderr)
    assert flags, result.stderr
    fixed = runner.invoke(app, ["audit", str(path), *shlex.split(flags.group(1))])
    assert fixed.exit_code == 0, fixed.stderr


@pytest.mark.parametrize("reading", ["--no-low-memory", "--low-memory"])
def test_a_file_cut_inside_a_quoted_cell_is_refused_and_the_rows_before_it_read_once_it_is_cut_back(
    reading, tmp_path
):
    import re

    cut = BAD / "cut_in_quoted_cell.csv"
    result = runner.invoke(app, ["audit", str(cut), reading])
    assert result.exit_code == 2 and "ends inside a quoted cell" in result.stderr
    first = int(re.search(r"delete the incomplete row from line (\d+) on", result.stderr).group(1))
    kept = tmp_path / "kept.csv"
    kept.write_text("".join(cut.read_text().splitlines(keepends=True)[: first - 1]))
    fixed = runner.invoke(app, ["audit", str(kept), reading, "--json"])
    assert fixed.exit_code == 0, fixed.stderr
    assert json.loads(fixed.stdout)["accounting"]["rows_read"] == 2


def test_an_excel_sheet_that_does_not_exist_names_the_sheets_and_the_flag_works(tmp_path):
    import re
    import shlex

    import pandas as pd

    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"text": ["Your parcel left today.", "Refund sent."], "agent": ["Tom", "Ann"]}).to_excel(
            writer, sheet_name="Replies", index=False
        )
    result = runner.invoke(app, ["audit", str(path), "--sheet", "Tickets"])
    assert result.exit_code != 0 and "sheets: Replies" in result.stderr
    flag = re.search(r"(--sheet '[^']+')", result.stderr)
    assert flag, result.stderr
    assert runner.invoke(app, ["audit", str(path), *shlex.split(flag.group(1))]).exit_code == 0


def test_an_export_inside_a_folder_the_user_may_not_enter_gets_one_line(tmp_path, monkeypatch):
    # Tests run as root, for whom no folder is closed: the operating system's answer is played.
    import errno
    import os
    import pathlib

    closed = tmp_path / "closed"
    closed.mkdir()
    export = closed / "export.csv"
    export.write_text("id,text\n1,Your refund is on its way.\n")
    real_stat = pathlib.Path.stat

    def stat(self, *args, **kwargs):
        if str(self).startswith(str(closed)):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_stat(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "stat", stat)
    result = runner.invoke(app, ["audit", str(export)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    (line,) = [ln for ln in result.output.splitlines() if ln.strip()]
    assert line.startswith(f"replydiag: error: {export}: cannot be read (Permission denied)")
    assert "enter every folder above it" in line
