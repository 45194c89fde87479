import json
import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from replydiag.cli import app
from tests.conftest import SAMPLE

runner = CliRunner()


def test_audit_writes_the_output_contract(tmp_path):
    result = runner.invoke(app, ["audit", str(SAMPLE), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "agent replies analysed" in result.output and "Top templates" in result.output

    replies = pd.read_csv(tmp_path / "replies.csv", dtype=str)
    for col in (
        "reply_id",
        "conversation_id",
        "agent",
        "channel",
        "created_at",
        "kind",
        "template_id",
        "similarity",
        "text",
    ):
        assert col in replies.columns
    assert set(replies["kind"]) <= {"automatic", "template", "edited", "personal"}
    assert replies.loc[replies["kind"] == "personal", "template_id"].isna().all()
    assert replies.loc[replies["kind"] == "template", "template_id"].notna().all()
    assert replies["created_at"].str.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$").all()
    # reply_id is the export's own comment id, not a row number
    source = pd.read_csv(SAMPLE, dtype=str)
    assert set(replies["reply_id"]) <= set(source["id"])

    templates = pd.read_csv(tmp_path / "templates.csv", dtype=str)
    for col in (
        "template_id",
        "template_text",
        "replies",
        "agents",
        "first_seen",
        "last_seen",
        "example_reply_id",
    ):
        assert col in templates.columns
    assert set(replies["template_id"].dropna()) == set(templates["template_id"])

    summary = json.loads((tmp_path / "summary.json").read_text())
    acc = summary["accounting"]
    assert acc["rows_read"] == len(source)
    assert acc["rows_read"] == acc["replies_analysed"] + acc["customer_messages"] + acc["rows_skipped"]
    assert acc["replies_analysed"] == len(replies)
    assert abs(sum(summary["overall"]["shares"].values()) - 1) < 0.01
    assert set(summary["by_agent"]) == set(replies["agent"])
    assert set(summary["by_channel"]) == set(replies["channel"])


def test_template_ids_are_stable_across_runs(tmp_path):
    runner.invoke(app, ["audit", str(SAMPLE), "--out", str(tmp_path / "a")])
    runner.invoke(app, ["audit", str(SAMPLE), "--out", str(tmp_path / "b")])
    a = pd.read_csv(tmp_path / "a" / "templates.csv")
    b = pd.read_csv(tmp_path / "b" / "templates.csv")
    assert a["template_id"].tolist() == b["template_id"].tolist()


def test_json_flag_prints_the_summary(tmp_path):
    result = runner.invoke(app, ["audit", str(SAMPLE), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["accounting"]["replies_analysed"] > 0


def test_inspect_shows_format_columns_and_examples():
    result = runner.invoke(app, ["inspect", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "Zendesk" in result.output and "example 3" in result.output and "body" in result.output


@pytest.mark.parametrize(
    "content, expected",
    [
        (None, "file not found"),
        ("", "is empty"),
        ("id,score\n1,20\n2,31\n", "no text-like column (columns: id, score)"),
        ("id,text,agent\n", "header but no rows"),
    ],
)
def test_bad_input_gets_one_clear_line_and_exit_2(tmp_path, content, expected):
    path = tmp_path / "export.csv"
    if content is not None:
        path.write_text(content)
    result = runner.invoke(app, ["audit", str(path)])
    assert result.exit_code == 2
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1, result.output
    assert str(path) in lines[0] and expected in lines[0]
    assert "Traceback" not in result.output


def test_no_text_column_error_names_the_fix(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("id,score\n1,20\n")
    result = runner.invoke(app, ["audit", str(path)])
    assert "--map text=COLUMN" in result.output


def test_map_overrides_detection_and_unknown_column_is_an_error(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "id,notes,reply\n1,internal,Your order shipped today.\n2,internal,Your order shipped today.\n"
    )
    ok = runner.invoke(app, ["audit", str(path), "--map", "text=reply", "--json"])
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(app, ["audit", str(path), "--map", "text=nope"])
    assert bad.exit_code == 2 and "no such column" in bad.output and "id, notes, reply" in bad.output
    bad_field = runner.invoke(app, ["audit", str(path), "--map", "colour=reply"])
    assert bad_field.exit_code == 2 and "unknown field 'colour'" in bad_field.output


def test_debug_shows_the_traceback(tmp_path):
    result = runner.invoke(app, ["--debug", "audit", str(tmp_path / "missing.csv")])
    assert result.exit_code != 0
    assert result.exception is not None


@pytest.mark.parametrize("command", ["audit", "inspect"])
def test_every_command_has_help_with_an_example(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example: replydiag" in result.output


def test_version_prints_the_package_version():
    from replydiag.version import __version__

    run = runner.invoke(app, ["--version"])
    assert run.exit_code == 0 and run.stdout.strip() == f"replydiag {__version__}"


def test_at_80_columns_every_agent_prints_whole_and_top_limits_the_lists():
    from rich.console import Console

    import replydiag
    from replydiag.terminal import render_audit
    from tests.conftest import realdata

    result = replydiag.audit(realdata("twcs-brands/SpotifyCares.csv"))
    console = Console(width=80, record=True, color_system=None)
    render_audit(console, result, top=5, agents=12)
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    agents = [str(a) for a in result.by_agent().head(12).index]
    assert all(f"│ {a} " in text for a in agents), "an agent name was cut"
    assert "Top templates (5 of" in text
    # A Twitter archive cannot mark a bot: no "automatic 0.0%" row, as in the reports.
    assert "automatic" not in text and "│ personal " in text


def test_inspect_and_report_print_json(tmp_path):
    inspected = runner.invoke(app, ["inspect", str(SAMPLE), "--json"])
    assert inspected.exit_code == 0
    data = json.loads(inspected.stdout)
    assert data["sources"][0]["format"] == "zendesk" and data["accounting"]["rows_read"] > 0
    reported = runner.invoke(app, ["report", str(SAMPLE), "--out", str(tmp_path / "r"), "--json"])
    assert reported.exit_code == 0
    periods = json.loads(reported.stdout)["periods"]
    assert periods and {"period", "replies", "templated_share", "dates", "small"} <= set(periods[0])


def test_every_stage_of_an_audit_reports_its_progress_in_order(tmp_path):
    from replydiag import api, write_audit

    seen: dict[str, list[int]] = {}
    record = lambda stage, done, total: seen.setdefault(stage, []).append(done)  # noqa: E731
    write_audit(api.audit(SAMPLE, progress=record), tmp_path / "out", progress=record)
    stages = [
        "reading",
        "learning boilerplate",
        "finding stock text",
        "clustering distinct replies",
        "finding edited templates",
        "naming template families",
        "reading what followed",
        "writing the report",
    ]
    assert [s for s in seen if s in stages] == stages  # no silent stretch between reading and writing
    for stage in stages:
        assert seen[stage] == sorted(seen[stage]) and seen[stage][-1] > seen[stage][0], stage


def test_without_a_terminal_each_long_stage_says_when_it_starts_and_ends(capsys):
    from replydiag.cli import _Progress

    progress = _Progress()
    for done in (0, 30_000, 60_000):
        progress("clustering distinct replies", done, 60_000)
    progress("reading", 10, 100)  # a short stage says nothing
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [
        "replydiag: clustering distinct replies (60,000)…",
        "replydiag: clustering distinct replies done",
    ]


@pytest.mark.parametrize("command", ["audit", "report", "inspect"])
def test_help_names_what_each_option_takes_not_python_types(command):
    help_text = runner.invoke(app, [command, "--help"], terminal_width=80).output
    assert not re.search(r"<(bool|str|int|list\[str\])>", help_text)
    assert f" {command} [OPTIONS] EXPORT...\n" in help_text  # no typer braces
    assert "FIELD=COLUMN" in help_text.split("Options")[1]
    # Plain help, wrapped to the terminal: no boxes to break at 80 columns.
    assert max(len(line) for line in help_text.splitlines()) <= 80


def test_replies_csv_leaves_out_columns_the_export_cannot_fill(tmp_path):
    # Replies only (no customer messages, no macro field, no multi-part replies).
    export = tmp_path / "replies_only.csv"
    export.write_text(
        "id,agent,text\n"
        + "".join(f"{i},Ann,Your refund for order {1000 + i} is on its way.\n" for i in range(4))
    )
    assert runner.invoke(app, ["audit", str(export), "--out", str(tmp_path / "a")]).exit_code == 0
    columns = pd.read_csv(tmp_path / "a" / "replies.csv").columns
    assert not {"helpdesk_template", "part_of", "customer_followed_up", "followup_signal"} & set(columns)
    # The sample has customer messages: what followed each reply is known, so it is written.
    assert runner.invoke(app, ["audit", str(SAMPLE), "--out", str(tmp_path / "b")]).exit_code == 0
    full = pd.read_csv(tmp_path / "b" / "replies.csv").columns
    assert {"customer_followed_up", "followup_minutes", "followup_signal"} <= set(full)


def test_reading_is_said_before_the_file_is_parsed_and_when_it_ends():
    import replydiag

    calls = []
    replydiag.load(SAMPLE, progress=lambda stage, done, total: calls.append((stage, done, total)))
    size = SAMPLE.stat().st_size
    assert calls[0] == ("reading", 0, size)  # before any parsing: the first line comes at once
    assert ("reading", size, size) in calls
