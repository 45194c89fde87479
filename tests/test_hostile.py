"""Hostile text from an export (markup, links, mathtext, terminal escapes, formulas) goes through
every output as text: no crash, no live markup, no escape sequence."""

import re

from typer.testing import CliRunner

from replydiag.cli import app
from tests.conftest import ROOT

HOSTILE = ROOT / "tests" / "data" / "hostile" / "hostile_names.csv"
runner = CliRunner()
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _no_live_markup(markdown: str) -> None:
    markdown = re.sub(r"(?m)^!\[[\w ]+\]\(charts/\w+\.png\)$", "", markdown)  # the report's own charts
    assert not re.search(r"(?<!\\)\]\(", markdown), "a Markdown link or image"
    assert "<img" not in markdown and "javascript:" not in re.sub(r"\\\]\(javascript:", "", markdown)


def test_hostile_names_pass_through_audit_inspect_and_report_as_text(tmp_path):
    audit = runner.invoke(app, ["audit", str(HOSTILE), "--out", str(tmp_path / "audit")])
    inspect = runner.invoke(app, ["inspect", str(HOSTILE)])
    report = runner.invoke(app, ["report", str(HOSTILE), "--out", str(tmp_path / "report")])
    for run in (audit, inspect, report):
        assert run.exit_code == 0, run.output
        assert not CONTROL.search(run.stdout.replace("\n", "")), "a control character reached the terminal"
    assert "Promo $$" in audit.stdout and "[/b] Ann" in audit.stdout  # shown, as text
    markdowns = [tmp_path / "audit" / "report.md", *sorted((tmp_path / "report").glob("*/report.md"))]
    htmls = [tmp_path / "audit" / "report.html", *sorted((tmp_path / "report").glob("*/report.html"))]
    assert len(markdowns) > 1
    for path in markdowns:
        text = path.read_text(encoding="utf-8")
        _no_live_markup(text)
        assert not CONTROL.search(text.replace("\n", ""))
    for path in htmls:
        html = path.read_text(encoding="utf-8")
        assert 'evil.example/agent.png"' not in html and '<a href="javascript' not in html
        assert "\x1b" not in html
    assert list((tmp_path / "report").glob("*/charts/agents.png"))
