"""Personal data in replies never reaches a report, a template, a phrase or the history:
names in any case or script, addresses, postcodes, passports, national ids, IBANs, IPs."""

import gzip
import json

from typer.testing import CliRunner

from replydiag.cli import app
from tests.conftest import ROOT

PRIVACY = ROOT / "tests" / "data" / "privacy"
runner = CliRunner()


def test_no_personal_data_in_reports_templates_phrases_or_history(tmp_path):
    export = PRIVACY / "pii_replies.csv"
    values = json.loads((PRIVACY / "pii_values.json").read_text(encoding="utf-8"))
    assert runner.invoke(app, ["audit", str(export), "--out", str(tmp_path / "audit")]).exit_code == 0
    assert runner.invoke(app, ["report", str(export), "--out", str(tmp_path / "report")]).exit_code == 0
    shared = [
        p
        for p in [*(tmp_path / "audit").rglob("*"), *(tmp_path / "report").rglob("*")]
        if p.is_file() and p.suffix in (".md", ".html", ".json", ".csv", ".gz") and p.name != "replies.csv"
    ]
    assert len(shared) > 8
    for path in shared:
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        text = data.decode("utf-8")
        for kind, value in values.items():
            assert value not in text, f"{kind} ({value}) in {path.relative_to(tmp_path)}"
