"""The library API the CLI and notebooks share."""

import doctest
import importlib
import json
import pkgutil

import pandas as pd
import pytest
from typer.testing import CliRunner

import replydiag
from replydiag.cli import app
from tests.conftest import SAMPLE


def test_cli_summary_json_equals_the_api_summary(tmp_path):
    result = CliRunner().invoke(app, ["audit", str(SAMPLE), "--out", str(tmp_path)])
    assert result.exit_code == 0
    from_cli = json.loads((tmp_path / "summary.json").read_text())
    from_api = json.loads(json.dumps(replydiag.audit(SAMPLE).summary(), default=str))
    assert from_cli == from_api


def test_public_api_is_declared():
    for name in replydiag.__all__:
        assert hasattr(replydiag, name), name
    assert {"load", "analyze", "audit", "AuditResult", "Settings", "Kind"} <= set(replydiag.__all__)


def test_importing_replydiag_does_not_import_matplotlib_typer_or_rich():
    import subprocess
    import sys

    code = (
        "import sys, replydiag; print(sorted(m for m in ('matplotlib', 'typer', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_result_breakdowns_and_explain():
    result = replydiag.audit(SAMPLE)
    agents = result.by_agent()
    assert agents["replies"].sum() == len(result.replies)
    assert ((agents["templated_share"] >= 0) & (agents["templated_share"] <= 1)).all()
    periods = result.by_period("week")
    assert periods["replies"].sum() == result.replies["created_at"].notna().sum()
    # A time index (ISO weeks, Monday to Sunday) and raw shares: rounding is for display.
    assert isinstance(periods.index, pd.PeriodIndex) and periods.index[0].start_time.day_of_week == 0
    shares = periods["templated_share"]
    assert (shares == 1 - periods["personal"] / periods["replies"]).all()
    assert result.templated_share == 1 - (result.replies["kind"] == "personal").mean()
    edited = result.replies[result.replies["kind"] == "edited"].iloc[0]
    explanation = result.explain(edited["reply_id"])
    assert explanation["kind"] == "edited" and explanation["template_text"] and explanation["differences"]
    with pytest.raises(KeyError):
        result.explain("no-such-id")
    assert "templated" in result._repr_html_()


def test_charts_are_matplotlib_figures():
    from matplotlib.figure import Figure

    result = replydiag.audit(SAMPLE)
    for fig in (result.plot_shares(), result.plot_agents(), result.plot_trend("week")):
        assert isinstance(fig, Figure) and fig.axes


def test_settings_are_validated():
    with pytest.raises(replydiag.SettingsError):
        replydiag.Settings(threshold=120)
    with pytest.raises(replydiag.SettingsError):
        replydiag.analyze(pd.DataFrame({"text": ["a b c"]}), min_support=1)


def test_agent_aliases_and_exclusions():
    df = pd.DataFrame(
        {
            "text": ["Your parcel left the depot today, tracking follows."] * 3 + ["Auto: we got it"],
            "agent": ["Tom B.", "tbaker", "Ann", "Bot"],
        }
    )
    result = replydiag.analyze(
        df, agent_aliases={"Tom B.": "Tom Baker", "tbaker": "Tom Baker"}, exclude_agents=["Bot"]
    )
    assert sorted(result.replies["agent"].unique()) == ["Ann", "Tom Baker"]
    assert result.accounting.skipped["excluded author"] == 1 and result.accounting.balanced


MODULES = sorted(
    m.name for m in pkgutil.walk_packages(replydiag.__path__, "replydiag.") if not m.name.endswith("__main__")
)


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_run(module):
    mod = importlib.import_module(module)
    failures, _tests = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert failures == 0


def test_files_read_together_add_up_their_counted_notes(tmp_path):
    # Each file says how many of its replies have no date; read together, the note is of all
    # of them (it had said one file's count, as if the others had none).
    for i, missing in enumerate([1, 2, 3]):
        dates = [""] * missing + ["2026-03-02T10:00:00Z"] * (4 - missing)
        pd.DataFrame(
            {
                "id": [f"{i}-{k}" for k in range(4)],
                "author_role": "agent",
                "created_at": dates,
                "body": [f"File {i} reply {k}: your parcel left the depot this morning." for k in range(4)],
            }
        ).to_csv(tmp_path / f"part{i}.csv", index=False)
    result = replydiag.audit(sorted(tmp_path.glob("part*.csv")))
    notes = [n for n in result.accounting.notes if "no readable date" in n]
    assert notes == ["6 replies have no readable date (kept; left out of per-period figures)"]
    assert [s["notes"] for s in result.sources][2] == [
        "3 replies have no readable date (kept; left out of per-period figures)"
    ]
