"""The README tells the truth: its commands run, every command documented has help."""

import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

from replydiag.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
runner = CliRunner()


def quickstart() -> list[str]:
    block = README.split("<!-- quickstart:start -->")[1].split("<!-- quickstart:end -->")[0]
    return [line for line in block.splitlines() if line and not line.startswith("```")]


def test_quickstart_is_two_commands_install_and_audit_then_tests():
    first, second = quickstart()
    assert first.startswith("pip install .") and "replydiag audit sample_exports/" in first
    assert second.startswith('pip install ".[test]"') and "pytest" in second


def test_the_quickstart_audit_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    audit = quickstart()[0].split("&&", 1)[1].strip()
    args = shlex.split(audit)[1:]
    args[args.index("--out") + 1] = str(tmp_path / "audit-out")
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "audit-out" / "replies.csv").exists()


def test_every_command_in_the_readme_exists_and_has_help():
    code = "\n".join(re.findall(r"```(?:bash|text)?\n(.*?)```", README, flags=re.DOTALL))
    commands = set(re.findall(r"^replydiag (\w+)", code, flags=re.MULTILINE))
    assert {"audit", "inspect", "report"} <= commands
    for command in commands:
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Example: replydiag" in result.output, command
