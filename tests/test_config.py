"""``--config replydiag.toml``: read only when named, validated with the file named in every
error, and the command line's values taking precedence over the file's."""

import json

import pytest
from typer.testing import CliRunner

import replydiag
from replydiag.cli import app
from replydiag.config import Config, load_config
from replydiag.errors import SettingsError
from tests.conftest import SAMPLE

runner = CliRunner()

CONFIG = """
period = "month"
[map]
text = "Body"
[settings]
threshold = 90
min_support = 4
[agents]
exclude = ["Support Bot"]
[agents.aliases]
"Tom B." = "Tom Baker"
"""


def test_a_config_file_is_read_into_settings(write):
    config = load_config(write("replydiag.toml", CONFIG))
    assert config.column_map == {"text": "Body"}
    assert config.settings.threshold == 90.0 and config.settings.min_support == 4
    assert config.exclude_agents == ("Support Bot",)
    assert config.agent_aliases == {"Tom B.": "Tom Baker"}
    assert config.period == "month"


def test_no_config_named_means_the_defaults():
    assert load_config(None) == Config()


def test_command_line_values_take_precedence_over_the_file(write):
    config = load_config(write("replydiag.toml", CONFIG)).overridden(
        column_map={"agent": "Who"}, threshold=95, min_support=None, period=None
    )
    assert config.column_map == {"text": "Body", "agent": "Who"}  # the maps merge, the command line wins
    assert config.settings.threshold == 95.0  # given on the command line
    assert config.settings.min_support == 4  # not given: the file's value stays
    assert config.period == "month"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[settings]\nthreshold = 20\n", "threshold must be between 50 and 100"),
        ('[settings]\nthreshold = "high"\n', "wrong type"),
        ("[settings]\nspeed = 3\n", "unknown settings: speed"),
        ("colour = 1\n", "unknown config keys: colour"),
        ('period = "fortnight"\n', "period must be one of"),
        ("threshold = \n", "is not valid TOML"),
    ],
)
def test_a_bad_config_names_the_file_and_the_problem(write, content, message):
    path = write("replydiag.toml", content)
    with pytest.raises(SettingsError, match=message) as error:
        load_config(path)
    assert str(path) in str(error.value)


def test_a_missing_config_file_is_a_clean_error(tmp_path):
    result = runner.invoke(app, ["audit", str(SAMPLE), "--config", str(tmp_path / "nope.toml")])
    assert result.exit_code == 2
    assert "config file not found" in result.output and "Traceback" not in result.output


def test_audit_applies_the_config_and_the_command_line_over_it(write):
    path = write("replydiag.toml", "[settings]\nthreshold = 90\nmin_support = 5\n")
    run = runner.invoke(app, ["audit", str(SAMPLE), "--config", str(path), "--min-support", "4", "--json"])
    assert run.exit_code == 0, run.output
    settings = json.loads(run.stdout)["settings"]
    assert settings["threshold"] == 90.0 and settings["min_support"] == 4


def test_aliases_and_exclusions_are_recorded_in_the_summary(write):
    agents = replydiag.audit(SAMPLE).replies["agent"].value_counts().index[:2].tolist()
    path = write(
        "replydiag.toml",
        f'[agents]\nexclude = ["{agents[0]}"]\n[agents.aliases]\n"{agents[1]}" = "Renamed"\n',
    )
    run = runner.invoke(app, ["audit", str(SAMPLE), "--config", str(path), "--json"])
    assert run.exit_code == 0, run.output
    summary = json.loads(run.stdout)
    assert summary["agents"] == {"aliases": {agents[1]: "Renamed"}, "excluded": [agents[0]]}
    assert agents[0] not in summary["by_agent"] and "Renamed" in summary["by_agent"]
    assert summary["accounting"]["skipped_by_reason"]["excluded author"] > 0


def test_report_takes_its_period_from_the_config(write, tmp_path):
    path = write("replydiag.toml", 'period = "month"\n')
    run = runner.invoke(app, ["report", str(SAMPLE), "--config", str(path), "--out", str(tmp_path / "r")])
    assert run.exit_code == 0, run.output
    folders = sorted(p.name for p in (tmp_path / "r").iterdir() if p.is_dir() and p.name != "history")
    assert folders and all(len(name) == 7 for name in folders)  # 2026-01, 2026-02 ...
