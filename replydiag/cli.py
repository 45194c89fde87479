"""The ``replydiag`` command line: parse, one library call, render, map errors to exit codes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from . import api
from .config import Config, load_config
from .errors import MappingError, ReplydiagError
from .files import check_out_folder
from .memory import share_one_heap
from .metrics import PERIODS
from .report.audit import write_audit

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals would print customers' messages
    rich_markup_mode=None,  # plain help: wraps to any width, no Python type labels ("<bool>")
    help="Audit help-desk reply exports: how much of your care is templated, how much is personal.",
)
stdout = Console()
stderr = Console(stderr=True)


class _PlainArgument(typer.core.TyperArgument):
    """An argument as click names it (``EXPORT...``): typer 0.29 adds ``<list[str]>`` and braces."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    def get_usage_pieces(self, ctx: Any) -> list[str]:
        return [f"{self.display_name_raw}..." if self.nargs != 1 else self.display_name_raw]


class _PlainCommand(typer.core.TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, typer.core.TyperArgument):
                param.__class__ = _PlainArgument


# Options shared by the commands, declared once.
Exports = Annotated[
    list[str],
    typer.Argument(
        metavar="EXPORT", help="Export files (CSV, JSON, NDJSON, .xlsx, .gz, .zip), folders or globs."
    ),
]
ColumnMap = Annotated[
    list[str] | None,
    typer.Option(
        "--map", metavar="FIELD=COLUMN", help="Override a detected column, e.g. --map text=Body (repeatable)."
    ),
]
Format = Annotated[
    str | None,
    typer.Option(
        "--format",
        metavar="LAYOUT",
        help="Force the export layout instead of detecting it (zendesk, freshdesk, intercom, twcs, generic ...).",
    ),
]
Threshold = Annotated[
    float | None,
    typer.Option("--threshold", metavar="0-100", help="Similarity 0-100 to join a template [85]."),
]
MinSupport = Annotated[
    int | None, typer.Option("--min-support", metavar="N", help="Replies a template needs [3].")
]
OneTeam = Annotated[
    bool | None,
    typer.Option(
        "--one-team",
        metavar="",
        help="Read an export of several brand accounts as one team (by default each account is a team).",
    ),
]
ConfigFile = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="A replydiag.toml with column map, thresholds, agent aliases, excluded authors, period.",
    ),
]
ShowRaw = Annotated[
    bool,
    typer.Option(
        "--show-raw",
        metavar="",
        help="Show example replies unmasked in reports (emails, phones and names are masked by default).",
    ),
]
LowMemory = Annotated[
    bool | None,
    typer.Option(
        "--low-memory/--no-low-memory",
        metavar="",
        help="Read CSV exports in chunks and keep no reply text in memory (the default above 256 MB; "
        "--no-low-memory reads them whole).",
    ),
]
Sheet = Annotated[
    str | None,
    typer.Option(
        "--sheet",
        metavar="NAME",
        help="The sheet of an .xlsx workbook to read (default: the most reply-like).",
    ),
]


class State:
    debug = False


def _parse_map(items: list[str] | None) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in items or []:
        if "=" not in item:
            raise MappingError(f"--map {item!r} is not FIELD=COLUMN", hint="Write it like --map text=Body")
        field, column = item.split("=", 1)
        mapping[field.strip()] = column.strip()
    return mapping


def _fail(error: ReplydiagError) -> None:
    if State.debug:
        raise error
    stderr.print(f"replydiag: error: {error}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(error.exit_code)


def _version(value: bool) -> None:
    if value:
        from .version import __version__

        print(f"replydiag {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: bool = typer.Option(False, "--debug", metavar="", help="Show tracebacks for errors."),
    version: bool = typer.Option(
        False, "--version", metavar="", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    State.debug = debug


class _Progress:
    """Stage progress on stderr, only for runs large enough to wait for."""

    MIN_ITEMS = 20_000

    def __init__(self) -> None:
        self.bar: Any = None  # a rich Progress, started on the first large stage
        self.tasks: dict[str, int] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if total < self.MIN_ITEMS:
            return
        if not stderr.is_terminal:
            # No terminal (cron, CI, a pipe): one line when a stage starts and one when it ends.
            said = self.tasks.get(stage)
            if said is None:
                self.tasks[stage] = 0
                # Reading counts bytes; the other stages count texts.
                size = f"{total / 1e6:,.1f} MB" if stage == "reading" else f"{total:,}"
                stderr.print(f"replydiag: {stage} ({size})…", markup=False, highlight=False)
            elif done >= total and said == 0:
                self.tasks[stage] = 1
                stderr.print(f"replydiag: {stage} done", markup=False, highlight=False)
            return
        if self.bar is None:
            from rich.progress import Progress

            self.bar = Progress(console=stderr, transient=True)
            self.bar.start()
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(stage, total=total)
        self.bar.update(self.tasks[stage], completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _warn_masked(show_raw: bool, result: api.AuditResult) -> None:
    if show_raw and not result.has_text:
        stderr.print(
            "[dim]note: --show-raw has no raw text to show: the export was read in chunks "
            "(low-memory), so examples stay masked. Add --no-low-memory to keep the text.[/dim]"
        )


def _print_warnings(result: api.AuditResult) -> None:
    """Guesses that change the figures, on stderr when the tables that show them are not printed."""
    for warning in result.accounting.warnings:
        stderr.print(f"replydiag: warning: {warning}", markup=False, highlight=False, soft_wrap=True)


def _audit(
    exports: list[str], config: Config, progress: _Progress, low_memory: bool | None, sheet: str | None
) -> api.AuditResult:
    return api.audit(exports, **config.audit_options(), low_memory=low_memory, sheet=sheet, progress=progress)


@app.command(
    cls=_PlainCommand,
    short_help="Analyse exports: how templated the replies are; --out writes the files and report.",
)
def audit(
    exports: Exports,
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        metavar="FOLDER",
        help="Folder for replies.csv, templates.csv, summary.json and the report.",
    ),
    column_map: ColumnMap = None,
    format: Format = None,
    threshold: Threshold = None,
    min_support: MinSupport = None,
    one_team: OneTeam = None,
    redact: bool = typer.Option(False, "--redact", metavar="", help="Leave reply text out of replies.csv."),
    as_json: bool = typer.Option(
        False, "--json", metavar="", help="Print summary.json to stdout instead of tables."
    ),
    config: ConfigFile = None,
    show_raw: ShowRaw = False,
    low_memory: LowMemory = None,
    sheet: Sheet = None,
    top: int = typer.Option(10, "--top", min=1, metavar="N", help="Templates and agents to list."),
) -> None:
    """Analyse exports and print how templated the replies are; with --out, also write
    replies.csv, templates.csv, summary.json and report.html / report.md.

    Example: replydiag audit sample_exports/zendesk_sample.csv --out audit/
    """
    progress = _Progress()
    try:
        options = load_config(config).overridden(
            column_map=_parse_map(column_map),
            format=format,
            threshold=threshold,
            min_support=min_support,
            teams_by_account=False if one_team else None,
        )
        if out:
            check_out_folder(out)
        result = _audit(exports, options, progress, low_memory, sheet)
        written = {}
        if out:
            _warn_masked(show_raw, result)
            written = write_audit(
                result, out, report=True, redact=redact, show_raw=show_raw, progress=progress
            )
    except ReplydiagError as error:
        _fail(error)
        return
    finally:
        progress.close()
    if as_json:
        sys.stdout.write(result.to_json() + "\n")
        _print_warnings(result)
    else:
        from .terminal import render_audit

        render_audit(stdout, result, top=top, agents=max(top, 12))
    for name in ("replies", "templates", "summary", "html", "markdown"):
        if name in written:
            stderr.print(f"[dim]wrote {written[name]}[/dim]")


@app.command(
    cls=_PlainCommand,
    short_help="One report per period, compared with the period before; the folder keeps history.",
)
def report(
    exports: Exports,
    out: Path = typer.Option(
        ..., "--out", "-o", metavar="FOLDER", help="Report folder; keeps the history between runs."
    ),
    period: str | None = typer.Option(
        None, "--period", metavar="PERIOD", help="week, month or quarter (default week)."
    ),
    column_map: ColumnMap = None,
    format: Format = None,
    threshold: Threshold = None,
    min_support: MinSupport = None,
    one_team: OneTeam = None,
    config: ConfigFile = None,
    show_raw: ShowRaw = False,
    low_memory: LowMemory = None,
    sheet: Sheet = None,
    append: bool = typer.Option(
        False, "--append", metavar="", help="Merge into a folder that holds another team's reports."
    ),
    as_json: bool = typer.Option(
        False, "--json", metavar="", help="Print the periods and row accounting as JSON."
    ),
) -> None:
    """Write one HTML and Markdown report per period, each compared with the period before,
    and an index. Run it on each new export: the folder keeps the history.

    Example: replydiag report sample_exports/zendesk_sample.csv --period week --out reports/
    """
    progress = _Progress()
    try:
        options = load_config(config).overridden(
            column_map=_parse_map(column_map),
            format=format,
            period=period,
            threshold=threshold,
            min_support=min_support,
            teams_by_account=False if one_team else None,
        )
        chosen = options.period or "week"
        if chosen not in PERIODS:
            raise MappingError(f"--period {chosen!r} is not one of week, month, quarter, day")
        check_out_folder(out)
        result = _audit(exports, options, progress, low_memory, sheet)
        from .report.periodic import run_periodic

        _warn_masked(show_raw, result)
        periods = run_periodic(
            result, out, period=chosen, show_raw=show_raw and result.has_text, append=append
        )
    except ReplydiagError as error:
        _fail(error)
        return
    finally:
        progress.close()
    if as_json:
        import dataclasses
        import json

        payload = {
            "periods": [dataclasses.asdict(p) for p in periods],
            "accounting": result.accounting.to_dict(),
            "out": str(out),
        }
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        _print_warnings(result)
        return
    from .terminal import render_accounting, render_periods

    render_periods(stdout, periods)
    render_accounting(stdout, result.accounting.to_dict())  # warnings included
    stderr.print(f"[dim]wrote {out / 'index.html'} and {len(periods)} period reports[/dim]")


@app.command(
    cls=_PlainCommand,
    short_help="Show what was detected: layout, columns, row accounting, learned boilerplate.",
)
def inspect(
    exports: Exports,
    column_map: ColumnMap = None,
    format: Format = None,
    sheet: Sheet = None,
    one_team: OneTeam = None,
    as_json: bool = typer.Option(False, "--json", metavar="", help="Print what was detected as JSON."),
) -> None:
    """Show the detected layout, the column chosen for each field, the row accounting, the
    boilerplate (signatures, recurring openings) learned per agent and three example replies,
    without analysing.

    Example: replydiag inspect sample_exports/zendesk_sample.csv
    """
    try:
        export = api.load(exports, format=format, column_map=_parse_map(column_map), sheet=sheet)
    except ReplydiagError as error:
        _fail(error)
        return
    from .terminal import render_inspect

    sample = export.replies.head(3)
    # Read in chunks, the text is gone: the masked text of its key is kept.
    texts = [str(t) for t in (sample["text"] if "text" in sample else export.distinct.masked_of(sample))]
    examples = [
        {"agent": str(r.agent), "created_at": str(r.created_at), "text": text}
        for r, text in zip(sample.itertuples(), texts)
    ]
    from .models import RowAccounting, Settings
    from .teams import accounts, learned_boilerplate, split_note

    settings = Settings(teams_by_account=not one_team)
    account = accounts(export.replies, settings)
    boilerplate = learned_boilerplate(export.replies, export.distinct, settings, account).table()
    if account is not None:  # what an audit of it would do, said before it is run
        export.accounting = export.accounting.merge(
            RowAccounting(notes=[split_note(account[account != ""].nunique())])
        )
    if as_json:
        import json

        payload = {
            "sources": export.sources,
            "accounting": export.accounting.to_dict(),
            "boilerplate": boilerplate.astype(str).to_dict(orient="records"),
            "examples": examples,
        }
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    render_inspect(stdout, export, examples, boilerplate)


def main() -> None:
    share_one_heap()
    app()


if __name__ == "__main__":
    main()
