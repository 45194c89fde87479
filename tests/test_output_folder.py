"""An output folder is written as a set: checked before the analysis, swapped in whole, with
normal permissions, never written through a symlink, the user's own files left alone."""

import hashlib
import os

import pytest
from typer.testing import CliRunner

import replydiag
import replydiag.report.audit as audit_module
from replydiag.cli import app
from replydiag.errors import OutputError
from tests.conftest import SAMPLE

runner = CliRunner()


def _digests(folder):
    return {
        str(p.relative_to(folder)): hashlib.sha1(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def result():
    return replydiag.audit(SAMPLE)


def test_an_out_that_is_a_file_is_refused_before_the_analysis(tmp_path, monkeypatch):
    target = tmp_path / "taken"
    target.write_text("not a folder")
    monkeypatch.setattr("replydiag.api.audit", lambda *a, **k: pytest.fail("analysed before checking --out"))
    run = runner.invoke(app, ["audit", str(SAMPLE), "--out", str(target)])
    assert run.exit_code == 2 and "is a file, not a folder" in run.output


def test_a_run_that_fails_while_writing_leaves_the_previous_set_whole(result, tmp_path, monkeypatch):
    out = tmp_path / "audit"
    replydiag.write_audit(result, out)
    before = _digests(out)

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(audit_module, "write_report", broken)  # replies.csv written, report not
    with pytest.raises(OutputError, match="No space left"):
        replydiag.write_audit(replydiag.audit(SAMPLE, threshold=70), out)
    assert _digests(out) == before
    assert not [p for p in tmp_path.iterdir() if "staging" in p.name]


def test_files_get_the_umasks_permissions_and_symlinks_are_not_written_through(result, tmp_path):
    out, elsewhere = tmp_path / "audit", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "charts").symlink_to(elsewhere)
    (out / "my notes.txt").write_text("kept")
    old = os.umask(0o022)
    try:
        replydiag.write_audit(result, out)
    finally:
        os.umask(old)
    assert (out / "replies.csv").stat().st_mode & 0o777 == 0o644
    assert not (out / "charts").is_symlink() and list((out / "charts").glob("*.png"))
    assert list(elsewhere.iterdir()) == []
    assert (out / "my notes.txt").read_text() == "kept"


def test_a_report_folder_refuses_another_period_or_another_team_unless_appended(tmp_path):
    from tests.conftest import ROOT

    other_team = ROOT / "tests" / "data" / "hostile" / "hostile_names.csv"
    out = tmp_path / "reports"
    assert runner.invoke(app, ["report", str(SAMPLE), "--out", str(out)]).exit_code == 0
    monthly = runner.invoke(app, ["report", str(SAMPLE), "--period", "month", "--out", str(out)])
    assert monthly.exit_code == 2 and "holds week reports" in monthly.output
    mixed = runner.invoke(app, ["report", str(other_team), "--out", str(out)])
    assert mixed.exit_code == 2 and "shares no agent and no template" in mixed.output
    assert runner.invoke(app, ["report", str(SAMPLE), "--out", str(out)]).exit_code == 0  # next week's run
    assert runner.invoke(app, ["report", str(other_team), "--out", str(out), "--append"]).exit_code == 0
