"""An export of several brand accounts (a Twitter care file of many brands): each account is a
team of its own, as a reader judges a brand's reply by what its own team reuses."""

import json

import pandas as pd

import replydiag
from replydiag.teams import added_up

# Three brands each write this once: common phrasing across brands, no team's stock.
SHARED = "Please send us a DM with your order number and we will look into it."
# One brand's own macro, sent three times.
OWN = "Our warehouse team has reissued your parcel and it ships within two working days."


def _twcs(rows):
    """A twcs-layout export (brand handles as authors) of (brand, text) rows."""
    return pd.DataFrame(
        {
            "tweet_id": range(1, len(rows) + 1),
            "author_id": [brand for brand, _ in rows],
            "inbound": False,
            "created_at": [f"Tue Oct 31 2{i % 4}:10:47 +0000 2017" for i in range(len(rows))],
            "text": [f"@1{i:04d} {text}" for i, (_, text) in enumerate(rows)],
            "response_tweet_id": "",
            "in_response_to_tweet_id": "",
        }
    )


ROWS = [
    ("BrandA", f"Sorry to hear that, Ann. {SHARED}"),
    ("BrandB", f"That sounds frustrating. {SHARED}"),
    ("BrandC", f"Oh no, that's not the welcome we wanted. {SHARED}"),
    ("BrandA", f"Hi Bo. {OWN}"),
    ("BrandC", "The cafe on Main Street opens at nine tomorrow."),
    ("BrandA", f"Hi Cy. {OWN}"),
    ("BrandA", f"Hi Di. {OWN}"),
    ("BrandB", f"Hi Ed. {OWN}"),
]


def _audit(tmp_path, rows=ROWS, **settings):
    path = tmp_path / "twcs.csv"
    _twcs(rows).to_csv(path, index=False)
    return replydiag.audit(path, **settings)


def test_a_phrase_several_brands_write_once_is_no_teams_stock_but_a_brands_own_macro_is(tmp_path):
    result = _audit(tmp_path)
    replies = result.replies
    kind = dict(zip(replies["reply_id"].astype(str), replies["kind"].astype(str)))
    assert [kind[i] for i in "123"] == ["personal"] * 3
    assert [kind[i] for i in "467"] == ["template"] * 3  # BrandA's macro
    assert kind["8"] == "personal"  # BrandB sent it once
    assert any(
        "3 brand accounts in the export: each analysed as its own team" in n for n in result.accounting.notes
    )
    # Read as one team, the three brands' sentence is stock: what the setting turns off.
    together = _audit(tmp_path, teams_by_account=False).replies
    assert (together["kind"].astype(str).iloc[:3] != "personal").all()


def test_each_accounts_templates_and_phrases_have_their_own_ids_and_rows_keep_their_order(tmp_path):
    rows = [(brand, f"Hi {name}. {OWN}") for brand in ("BrandA", "BrandB") for name in ("Al", "Bo", "Cy")]
    result = _audit(tmp_path, rows=rows)
    assert result.replies["reply_id"].astype(str).tolist() == [str(i) for i in range(1, 7)]
    assert result.templates["template_id"].is_unique and len(result.templates) == 2
    ids = result.replies.groupby(result.replies["agent"].astype(str))["template_id"].agg(
        lambda s: set(s.astype(str))
    )
    assert ids["BrandA"].isdisjoint(ids["BrandB"])
    assert result.phrases["phrase_id"].is_unique
    assert sorted(result.templates["account"]) == ["BrandA", "BrandB"]  # written after the id


def test_progress_follows_the_accounts_in_replies_on_one_stage(tmp_path):
    seen = []
    _audit(tmp_path, progress=lambda stage, done, total: seen.append((stage, done, total)))
    stages = {stage for stage, _, _ in seen if "brand accounts" in stage or stage.startswith("finding")}
    assert stages == {"analysing 3 brand accounts"}  # no stage of one account's own
    steps = [(done, total) for stage, done, total in seen if stage == "analysing 3 brand accounts"]
    assert steps == [(0, 8), (4, 8), (6, 8), (8, 8)]  # BrandA 4 replies, BrandB 2, BrandC 2


def test_an_export_of_one_account_is_one_team(tmp_path):
    rows = [("BrandA", text) for _, text in ROWS]
    result = _audit(tmp_path, rows=rows)
    assert not any("brand accounts" in n for n in result.accounting.notes)


def test_the_accounts_notes_are_said_once_with_their_counts_added_up():
    assert added_up(
        [["4 messages are parts of 2 replies", "{name} kept"], ["1,000 messages are parts of 10 replies"]]
    ) == [
        "1,004 messages are parts of 12 replies",
        "{name} kept",
    ]


def test_inspect_says_an_audit_reads_each_account_as_a_team(tmp_path):
    from typer.testing import CliRunner

    from replydiag.cli import app

    path = tmp_path / "twcs.csv"
    _twcs(ROWS).to_csv(path, index=False)
    result = CliRunner().invoke(app, ["inspect", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert any(
        "3 brand accounts in the export" in n for n in json.loads(result.stdout)["accounting"]["notes"]
    )


def test_reports_name_the_brand_of_each_template_and_phrase(tmp_path):
    from typer.testing import CliRunner

    from replydiag.cli import app

    rows = [(brand, f"Hi {name}. {OWN}") for brand in ("BrandA", "BrandB") for name in ("Al", "Bo", "Cy")]
    path = tmp_path / "twcs.csv"
    _twcs(rows).to_csv(path, index=False)
    audit = CliRunner().invoke(
        app, ["audit", str(path), "--out", str(tmp_path / "audit")], terminal_width=120
    )
    assert audit.exit_code == 0, audit.output
    assert "account" in audit.stdout and "BrandB" in audit.stdout.split("Top templates")[1]
    report = (tmp_path / "audit" / "report.md").read_text()
    templates = report.split("\n## Top templates\n")[1].split("\n## ")[0]
    assert "| id | account | template |" in templates
    assert "BrandA" in templates and "BrandB" in templates
    assert "| id | account | phrase |" in report.split("## Most reused phrases")[1]
    assert "| BrandA | 3 (small) |" in report.split("## Per brand account")[1].split("## Per agent")[0]
    assert "Per brand account" in audit.stdout
    html = (tmp_path / "audit" / "report.html").read_text()
    assert "<th>account</th>" in html
    # Period reports keep the brand in their registries and show it.
    periodic = CliRunner().invoke(app, ["report", str(path), "--out", str(tmp_path / "weekly")])
    assert periodic.exit_code == 0, periodic.output
    registry = pd.read_csv(tmp_path / "weekly" / "history" / "templates.csv")
    assert sorted(registry["account"]) == ["BrandA", "BrandB"]
    week = next(p for p in (tmp_path / "weekly").glob("*/report.md"))
    assert "| id | account | template |" in week.read_text()


def test_reports_of_one_team_have_no_account_column(tmp_path):
    from typer.testing import CliRunner

    from replydiag.cli import app

    path = tmp_path / "one.csv"
    _twcs([("BrandA", f"Hi {name}. {OWN}") for name in ("Al", "Bo", "Cy")]).to_csv(path, index=False)
    audit = CliRunner().invoke(app, ["audit", str(path), "--out", str(tmp_path / "audit")])
    assert audit.exit_code == 0, audit.output
    report = (tmp_path / "audit" / "report.md").read_text()
    assert "| id | template |" in report and "Per brand account" not in report
    assert "Per brand account" not in audit.stdout


def test_shares_are_given_per_brand_account_where_the_export_was_split(tmp_path):
    signed = [
        (brand, f"Hi {name}. {OWN} ^{name[0]}B")
        for brand in ("BrandA", "BrandB")
        for name in ("Al", "Bo", "Cy")
    ]
    result = _audit(
        tmp_path, rows=[*signed, ("BrandB", "The cafe on Main Street opens at nine tomorrow. ^AB")]
    )
    assert result.replies["account"].astype(str).tolist() == ["BrandA"] * 3 + ["BrandB"] * 4
    table = result.by_account()
    assert table["replies"].to_dict() == {"BrandB": 4, "BrandA": 3}
    assert table.loc["BrandA", "templated_share"] == 1.0
    assert table.loc["BrandB", "templated_share"] == 0.75
    assert set(result.summary()["by_account"]) == {"BrandA", "BrandB"}
    one = _audit(tmp_path, rows=[("BrandA", text) for _, text in ROWS])
    assert one.by_account().empty and "account" not in one.replies and "by_account" not in one.summary()


def test_one_team_on_the_command_line_reads_the_accounts_together(tmp_path):
    from typer.testing import CliRunner

    from replydiag.cli import app

    path = tmp_path / "twcs.csv"
    _twcs(ROWS).to_csv(path, index=False)
    split = json.loads(CliRunner().invoke(app, ["audit", str(path), "--json"]).stdout)
    together = json.loads(CliRunner().invoke(app, ["audit", str(path), "--json", "--one-team"]).stdout)
    assert any("--one-team" in n for n in split["accounting"]["notes"]) and "by_account" in split
    assert not any("brand accounts" in n for n in together["accounting"]["notes"])
    assert "by_account" not in together and together["settings"]["teams_by_account"] is False
    # The three brands' shared sentence is stock only when they are read as one team.
    assert together["overall"]["shares"]["personal"] < split["overall"]["shares"]["personal"]
    inspected = json.loads(CliRunner().invoke(app, ["inspect", str(path), "--json", "--one-team"]).stdout)
    assert not any("brand accounts" in n for n in inspected["accounting"]["notes"])
