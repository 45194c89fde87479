"""Reports: golden Markdown, escaping, masking, period over period, and a real browser render."""

import json
import random
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import replydiag
from replydiag.cli import app
from replydiag.report import build_report, render_html, render_markdown
from tests.conftest import SAMPLE

GOLDEN = Path(__file__).parent / "golden" / "sample_report.md"
runner = CliRunner()


def sample_report_markdown() -> str:
    result = replydiag.audit(SAMPLE)
    report = build_report(
        result.replies,
        result.templates,
        phrases=result.phrases,
        title="Customer care: templated vs personal",
        trend=result.by_period("month"),
        accounting=result.accounting.to_dict(),
    )
    return render_markdown(
        report, {"shares": "charts/shares.png", "trend": "charts/trend.png", "agents": "charts/agents.png"}
    )


def test_markdown_report_of_the_sample_matches_the_golden_file():
    # To update after an intended change: python -c "from tests.test_report import *; GOLDEN.write_text(sample_report_markdown())"
    assert sample_report_markdown() == GOLDEN.read_text(encoding="utf-8")


HOSTILE = [
    "Your order is on its way <script>document.title='pwned'</script> thanks!",
    "Your order is on its way <img src=x onerror=\"document.title='pwned'\"> thanks!",
    "Your order is on its way <b>bold</b> | pipe thanks!",
    '=HYPERLINK("http://evil","click") Your order is on its way thanks!',
]


def hostile_result():
    return replydiag.analyze(
        pd.DataFrame({"text": HOSTILE, "agent": ["<b>Eve</b>", "Tom", "Tom", "Ann"]}), min_support=2
    )


def test_reply_text_is_escaped_in_html():
    result = hostile_result()
    report = build_report(result.replies, result.templates, title="<script>alert(1)</script>", show_raw=True)
    html = render_html(report)
    assert "<script>document" not in html and "<img src=x" not in html and "<b>Eve</b>" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;Eve&lt;/b&gt;" in html


def test_markdown_cells_escape_html_and_pipes():
    result = hostile_result()
    md = render_markdown(build_report(result.replies, result.templates, title="t", show_raw=True))
    assert "<script>" not in md and "<img" not in md and "&lt;b&gt;Eve&lt;/b&gt;" in md


def test_csv_outputs_neutralise_formulas(tmp_path):
    path = tmp_path / "hostile.csv"
    pd.DataFrame({"text": HOSTILE, "agent": ["=cmd|' /C calc'!A0", "+Tom", "-Tom", "@Ann"]}).to_csv(
        path, index=False
    )
    result = runner.invoke(app, ["audit", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    for name in ("replies.csv", "templates.csv"):
        raw = pd.read_csv(tmp_path / "out" / name, dtype=str, keep_default_na=False)
        for value in raw.to_numpy().ravel():
            assert not str(value).startswith(("=", "+", "-", "@")), (name, value)


def test_replies_parquet_keeps_the_text_as_exported_for_pandas(tmp_path):
    texts = ["@Ann thanks, on it", "=1+1 is two", "-- Tom", "Plain reply"]
    path = tmp_path / "tweets.csv"
    dates = [f"2026-01-0{day}T10:00:00Z" for day in range(1, 5)]
    frame = {"id": ["007", "8", "9", "10"], "created_at": dates, "text": texts, "agent": "Tom"}
    pd.DataFrame(frame).to_csv(path, index=False)
    result = runner.invoke(app, ["audit", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    exact = pd.read_parquet(tmp_path / "out" / "replies.parquet")
    spreadsheet = pd.read_csv(tmp_path / "out" / "replies.csv", dtype=str)
    assert exact["text"].tolist() == texts and exact["reply_id"].tolist() == ["007", "8", "9", "10"]
    assert spreadsheet["text"].tolist() == ["'@Ann thanks, on it", "'=1+1 is two", "'-- Tom", "Plain reply"]
    assert exact["created_at"].dt.day.tolist() == [1, 2, 3, 4]  # timestamps, not strings


def test_examples_mask_names_mid_sentence_that_the_team_seldom_writes():
    names = ["Jessie", "Marguerite", "Oksana", "Tadeusz"]
    stock = "Thanks for stopping by, we hope to see you again soon at Burger Palace."
    lines = [f"{name} is the real MVP! {stock}" for name in names] + [stock] * 4
    lines += ["Enjoy the fries! Burger Palace thanks you.", "we hope you enjoy them"]
    result = replydiag.analyze(pd.DataFrame({"text": lines, "agent": ["Ann", "Bob"] * 5}))
    md = render_markdown(build_report(result.replies, result.templates, title="t"))
    assert "{name} is the real MVP!" in md  # the examples are there, their names are not
    assert not any(name in md for name in names)
    assert "Burger Palace" in md  # what the team writes again and again stays


def test_examples_mask_personal_data_unless_asked(tmp_path):
    lines = [
        f"Hi {n}, we emailed {n.lower()}@example.com and will call +44 20 7946 {1000 + i} about order #88{i}231."
        for i, n in enumerate(["Alice", "Bruno", "Chiara"])
    ]
    result = replydiag.analyze(pd.DataFrame({"text": lines}))
    masked = render_markdown(build_report(result.replies, result.templates, title="t"))
    raw = render_markdown(build_report(result.replies, result.templates, title="t", show_raw=True))
    for secret in ("alice@example.com", "Alice", "7946 1000"):
        assert secret not in masked
        assert secret in raw
    assert "personal data masked" in masked


def _week_export(tmp_path, name, start, end):
    frame = pd.read_csv(SAMPLE, dtype=str)
    when = pd.to_datetime(frame["created_at"], utc=True)
    part = frame[(when >= pd.Timestamp(start, tz="UTC")) & (when < pd.Timestamp(end, tz="UTC"))]
    path = tmp_path / name
    part.to_csv(path, index=False)
    return path, part


def test_two_weekly_runs_compare_with_the_previous_week_and_do_not_double_count(tmp_path):
    out = tmp_path / "reports"
    week1, _ = _week_export(tmp_path, "w1.csv", "2026-01-12", "2026-01-19")  # ISO week 3
    week2, _ = _week_export(tmp_path, "w2.csv", "2026-01-19", "2026-01-26")  # ISO week 4
    overlap, _ = _week_export(tmp_path, "w2b.csv", "2026-01-16", "2026-01-26")  # overlaps week 3
    assert runner.invoke(app, ["report", str(week1), "--period", "week", "--out", str(out)]).exit_code == 0
    first = (out / "2026-W03" / "report.md").read_text()
    assert runner.invoke(app, ["report", str(week2), "--period", "week", "--out", str(out)]).exit_code == 0
    second = (out / "2026-W04" / "report.md").read_text()
    assert "(2026-01-19 to 2026-01-25), compared with 2026-W03, the week before" in second
    assert re.search(
        r"templated \([a-z +]+; 95% CI [\d.]+%–[\d.]+%\), [+-]\d+\.\d pp vs \*\*2026-W03\*\*", second
    )
    assert "| last seen | replies vs before |" in second  # templates compared with the week before
    index = (out / "index.md").read_text()
    assert "2026-W03" in index and "2026-W04" in index

    replies_w3 = int(re.search(r"\*\*([\d,]+)\*\* agent replies", first).group(1))
    assert runner.invoke(app, ["report", str(overlap), "--period", "week", "--out", str(out)]).exit_code == 0
    history = pd.read_csv(out / "history" / "replies.csv.gz", dtype=str)
    assert not history.duplicated(subset=["reply_key"]).any()
    again = (out / "2026-W03" / "report.md").read_text()
    assert int(re.search(r"\*\*([\d,]+)\*\* agent replies", again).group(1)) == replies_w3


def _idless_weeks(tmp_path) -> tuple[Path, Path, int]:
    """The sample without its id columns, split in two files by date: row numbers repeat."""
    frame = pd.read_csv(SAMPLE, dtype=str).drop(columns=["id", "ticket_id"])
    dates = pd.to_datetime(frame["created_at"], utc=True)
    middle = dates.sort_values().iloc[len(dates) // 2]
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    frame[dates < middle].to_csv(first, index=False)
    frame[dates >= middle].to_csv(second, index=False)
    whole = replydiag.load([first, second]).accounting.replies_analysed
    return first, second, whole


def test_history_of_split_exports_without_ids_keeps_every_reply(tmp_path):
    first, second, whole = _idless_weeks(tmp_path)
    out = tmp_path / "reports"
    for path in (first, second, second):  # the second file twice: a rerun adds nothing
        assert runner.invoke(app, ["report", str(path), "--out", str(out)]).exit_code == 0
    history = pd.read_csv(out / "history" / "replies.csv.gz", dtype=str)
    assert len(history) == whole


def test_history_is_formula_safe_and_read_back_exactly_run_after_run(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text(
        "id,agent,role,created_at,text\n"
        '1,=HYPERLINK("http://x"),agent,2026-01-05T10:00:00Z,"=1+1 is what the form shows"\n'
        "2,Ann,agent,2026-01-05T11:00:00Z,@maria the parcel left today\n"
        '3,Ann,agent,2026-01-06T11:00:00Z,"\'=x was a typo, sorry"\n'
    )
    out = tmp_path / "reports"
    for _ in range(3):  # read back and written again each run: nothing may pile up
        assert runner.invoke(app, ["report", str(export), "--out", str(out), "--append"]).exit_code == 0
    raw = pd.read_csv(out / "history" / "replies.csv.gz", dtype=str).set_index("reply_id")
    assert raw.loc["1", "agent"] == '\'=HYPERLINK("http://x")' and raw.loc["1", "masked"].startswith(
        "'={number}+"
    )
    assert raw.loc["2", "masked"].startswith("'@") or not raw.loc["2", "masked"].startswith("@")
    assert raw.loc["3", "masked"].startswith("''=x")
    from replydiag.report.periodic import _read_history

    back, _ = _read_history(out / "history")
    back = back.set_index("reply_id")
    assert back.loc["1", "agent"] == '=HYPERLINK("http://x")'
    assert back.loc["1", "masked"].startswith("={number}+") and back.loc["3", "masked"].startswith("'=x")


def test_each_period_report_says_what_followed_its_replies_whichever_run_read_them(tmp_path):
    frame = pd.read_csv(SAMPLE, dtype=str)
    dates = pd.to_datetime(frame["created_at"], utc=True)
    split = pd.Timestamp("2026-02-15", tz="UTC")  # February is read half in each run
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    frame[dates < split].to_csv(first, index=False)
    frame[dates >= split].to_csv(second, index=False)
    out = tmp_path / "reports"
    for path in (first, second):
        assert (
            runner.invoke(app, ["report", str(path), "--period", "month", "--out", str(out)]).exit_code == 0
        )
    history = pd.read_csv(out / "history" / "replies.csv.gz", dtype=str)
    assert set(history["customer_followed_up"].dropna()) == {"True", "False"}
    february = (out / "2026-02" / "report.md").read_text()
    assert "## What followed the replies" in february
    rows = re.findall(r"^\| all, (?:personal|templated) \| (\d+) \|", february, flags=re.M)
    second_half = replydiag.audit(second).replies
    in_second = (second_half["created_at"].dt.month == 2) & second_half["customer_followed_up"].notna()
    # The first run's February replies count too: their follow-ups came back from the history.
    assert sum(int(n) for n in rows) > int(in_second.sum())
    # And their phrases: February's most reused phrases are counted over both runs' replies,
    # as one run over the whole sample counts them.
    whole = tmp_path / "whole"
    assert (
        runner.invoke(app, ["report", str(SAMPLE), "--period", "month", "--out", str(whole)]).exit_code == 0
    )

    def phrases(folder):
        text = (folder / "2026-02" / "report.md").read_text().split("## Most reused phrases")[1]
        return dict(re.findall(r"^\| (P[0-9a-f]{8}) \| .*? \| (\d+) \|", text, flags=re.M)[:3])

    assert phrases(out) and phrases(out) == phrases(whole)


def test_two_report_runs_on_one_folder_at_once_both_land(tmp_path):
    import sys

    first, second, whole = _idless_weeks(tmp_path)
    out = tmp_path / "reports"
    runs = [
        subprocess.Popen([sys.executable, "-m", "replydiag", "report", str(p), "--out", str(out)])
        for p in (first, second)
    ]
    assert [r.wait(timeout=300) for r in runs] == [0, 0]
    history = pd.read_csv(out / "history" / "replies.csv.gz", dtype=str)
    assert len(history) == whole


def test_audit_out_writes_html_and_markdown_reports(tmp_path):
    result = runner.invoke(app, ["audit", str(SAMPLE), "--out", str(tmp_path)])
    assert result.exit_code == 0
    html = (tmp_path / "report.html").read_text()
    assert html.count("data:image/png;base64,") >= 3 and "http://" not in html.split("<body>")[0]
    md = (tmp_path / "report.md").read_text()
    # One export, no period before it: no column of changes, dates kept on one line.
    assert "| last seen |\n" in md and "<th>last seen</th></tr>" in html
    assert '<td class="nowrap">2026-' in html
    for chart in re.findall(r"\]\((charts/\w+\.png)\)", md):
        assert (tmp_path / chart).stat().st_size > 1000


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.mark.skipif(_chromium() is None, reason="headless Chromium not installed")
def test_html_report_renders_in_headless_chromium_with_charts_and_no_script(tmp_path):
    result = hostile_result()
    report = build_report(result.replies, result.templates, title="Hostile", show_raw=True)
    from replydiag.report.write import write_report

    write_report(report, tmp_path)
    page = tmp_path / "report.html"
    common = [_chromium(), *CHROME_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*common, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<title>Hostile</title>" in dom.stdout  # an injected script would have changed the title
    assert "pwned" not in dom.stdout.split("<body>")[0]
    assert dom.stdout.count('src="data:image/png;base64,') >= 2
    shot = tmp_path / "shot.png"
    subprocess.run(
        [*common, "--window-size=1000,1400", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=120,
    )
    assert shot.exists() and shot.stat().st_size > 20000


def test_small_periods_are_marked_not_compared_and_gaps_are_named(tmp_path):
    frame = pd.read_csv(SAMPLE, dtype=str)
    dates = pd.to_datetime(frame["created_at"], utc=True)
    week = dates.dt.isocalendar().week
    busiest = int(week.value_counts().idxmax())
    # Keep the busiest week whole, two replies' worth of the week after, nothing the week before.
    later = frame[week == busiest + 1].head(6)
    kept = pd.concat([frame[week == busiest], later, frame[week == busiest + 3]])
    path = tmp_path / "export.csv"
    kept.to_csv(path, index=False)
    out = tmp_path / "reports"
    assert runner.invoke(app, ["report", str(path), "--out", str(out)]).exit_code == 0
    index = (out / "index.md").read_text()
    small_rows = [line for line in index.splitlines() if line.startswith("|") and "_small_" in line]
    assert small_rows and all(line.split("|")[5].strip() == "—" for line in small_rows)
    reports = {p.parent.name: p.read_text() for p in out.glob("*/report.md")}
    labels = sorted(reports)
    assert "**Small sample:**" in reports[labels[1]]
    assert "not compared: no replies in" in reports[labels[-1]]
    assert "not compared: the first period in the history" in reports[labels[0]]


def test_periods_the_history_starts_or_ends_inside_are_marked_partial(tmp_path):
    """An export from a Thursday to the next week's Tuesday: its first and last weeks hold a few
    days' replies each, which read as a fall in volume unless marked."""
    days = ["2026-01-08", "2026-01-09", "2026-01-12", "2026-01-14", "2026-01-16", "2026-01-18", "2026-01-20"]
    lines = ["id,agent,created_at,text"] + [
        f"{i},Ann,{day}T10:00:00Z,Your order {i} is on its way and arrives within three working days."
        for i, day in enumerate(d for d in days for _ in range(5))
    ]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n")
    out = tmp_path / "reports"
    run = runner.invoke(app, ["report", str(path), "--out", str(out), "--json"])
    assert run.exit_code == 0, run.output
    periods = {p["period"]: p for p in json.loads(run.stdout)["periods"]}
    assert periods["2026-W02"]["partial"] == ["2026-01-08", "2026-01-09"]
    assert periods["2026-W03"]["partial"] is None  # Monday to Sunday: the whole week
    assert periods["2026-W04"]["partial"] == ["2026-01-20", "2026-01-20"]
    index = (out / "index.md").read_text()
    assert "2026-01-05 to 2026-01-11 (_partial_: replies 2026-01-08 to 2026-01-09)" in index
    assert "2026-01-12 to 2026-01-18 |" in index
    assert "<em>(partial: replies 2026-01-20 to 2026-01-20)</em>" in (out / "index.html").read_text()


def test_a_small_period_masks_names_by_the_whole_historys_words(tmp_path):
    stock = "Thanks for choosing Premium! Your upgrade is live and Harmonia playlists are unlocked."
    rows = [(f"2026-01-0{1 + i % 5}T10:00:00Z", stock) for i in range(40)]
    rows.append(("2026-01-21T10:00:00Z", f"Jessie, you rock! {stock}"))
    path = tmp_path / "export.csv"
    frame = pd.DataFrame(rows, columns=["created_at", "text"]).assign(agent=["Ann", "Bob"] * 20 + ["Ann"])
    frame.to_csv(path, index=False)
    assert runner.invoke(app, ["report", str(path), "--out", str(tmp_path / "r")]).exit_code == 0
    one = (tmp_path / "r" / "2026-W04" / "report.md").read_text()
    assert "**1** agent reply;" in one
    example = next(line for line in one.splitlines() if line.startswith("> *"))
    assert "{name}, you rock!" in example and "Jessie" not in one
    assert "Harmonia playlists" in example  # the team's words, though rare in this period


def _legend(fig):
    legend = fig.legends[0] if fig.legends else fig.axes[0].get_legend()
    return [text.get_text() for text in legend.get_texts()]


def test_automatic_takes_no_column_or_legend_where_no_reply_is_automatic():
    from replydiag.charts import agents_stacked, shares_bar, trend_lines

    lines = ["Your refund is on its way, thanks for waiting!"] * 5 + ["I checked the depot myself."] * 2
    dates = [f"2026-0{1 + i % 3}-10T10:00:00Z" for i in range(7)]
    frame = pd.DataFrame({"text": lines, "agent": ["Ann", "Bob"] * 3 + ["Ann"], "created_at": dates})
    result = replydiag.analyze(frame)
    report = build_report(result.replies, result.templates, title="t", trend=result.by_period("month"))
    assert "automatic" not in render_markdown(report) and "automatic" not in render_html(report)
    assert "templated (template + edited; 95% CI" in render_markdown(report)  # what the share adds up
    figures = [
        shares_bar(pd.Series({k.kind: k.share for k in report.kinds})),
        agents_stacked(report.by_agent),
        trend_lines(report.trend),
    ]
    assert all("automatic" not in _legend(f) and "template" in _legend(f) for f in figures)
    sample = replydiag.audit(SAMPLE)  # it has automatic replies: they show
    sample_md = render_markdown(build_report(sample.replies, sample.templates, title="t"))
    assert "| automatic |" in sample_md and "templated (automatic + template + edited;" in sample_md


def test_agents_are_ranked_by_templated_share_and_shown_against_the_top_templates():
    macro = "Your refund was approved today and the money will be back on your card within five days."
    words = [
        "apple",
        "river",
        "candle",
        "mango",
        "violet",
        "pepper",
        "harbor",
        "lantern",
        "meadow",
        "copper",
        "saddle",
        "tunnel",
        "walnut",
    ]
    rng = random.Random(7)
    personal = [" ".join(rng.sample(words, 9)).capitalize() + "." for _ in range(40)]  # each its own
    rows = [("Ann", macro)] * 30 + [("Ann", t) for t in personal[:10]]  # 75% templated, 40 replies
    rows += [("Bob", macro)] * 35 + [("Bob", t) for t in personal[10:15]]  # 87.5%, 40 replies
    rows += [("Cy", t) for t in personal[15:40]] + [("Dee", macro)] * 5  # 0% of 25; 100% of 5 (small)
    agent, text = zip(*rows)
    result = replydiag.analyze(pd.DataFrame({"agent": agent, "text": text}))
    report = build_report(result.replies, result.templates, title="t", min_replies=30)
    assert list(report.agents_ranked.index) == ["Bob", "Ann", "Cy", "Dee"]  # small ones last
    by_agent = report.template_by_agent
    macro_id = by_agent.columns[0]
    assert by_agent.loc["Ann", macro_id] == 0.75 and by_agent.loc["Bob", macro_id] == 0.875
    assert by_agent.loc["Cy", macro_id] == 0.0
    assert "### Top templates by agent" in render_markdown(report)


def test_example_replies_say_their_kind_and_mark_the_words_the_template_does_not_hold(tmp_path):
    out = tmp_path / "audit"
    assert runner.invoke(app, ["audit", str(SAMPLE), "--out", str(out)]).exit_code == 0
    md = (out / "report.md").read_text().split("## Example replies")[1]
    html = (out / "report.html").read_text().split("Example replies")[1]
    edited = [line for line in md.splitlines() if line.startswith("> *edited* · ")]
    assert edited and all("**" in line for line in edited)  # what the agent added, in bold
    whole = [line for line in md.splitlines() if line.startswith("> *template* · ")]
    # A whole template (slots masked like the template's) has nothing to mark, or a typo at most.
    assert whole and sum("**" not in line for line in whole) >= len(whole) / 2
    assert "<mark>" in html and '<span class="muted">edited</span>' in html


def test_a_template_is_shown_by_replies_that_hold_it_not_by_a_fragment_of_a_reply_in_parts(tmp_path):
    # The last part of a reply sent in parts carries its reply's family: "...you. *JH 2/2"
    # came first in the file and was the first example, showing nothing of the template.
    stock = "Please follow and DM your confirmation number so I can take a look at your trip."
    texts = [
        "@ann ...for you. *JH 2/2",
        f"@ann Sorry to hear that. {stock} I will check the seats... 1/2",
    ] + [f"@c{i} {stock} *JH" for i in range(5)]
    export = tmp_path / "tweets.csv"
    pd.DataFrame({"date": ["2015-10-01"] * len(texts), "text": texts}).to_csv(export, index=False)
    out = tmp_path / "audit"
    assert runner.invoke(app, ["audit", str(export), "--out", str(out)]).exit_code == 0
    md = (out / "report.md").read_text().split("## Example replies")[1]
    first = next(line for line in md.splitlines() if line.startswith("> *"))
    assert "confirmation" in first, first
