"""`linespec provenance ...`: argument parsing only; the work is in linespec.core.

Core and rendering modules are imported inside each command: every invocation pays only
for the command it runs (`status --format json` never loads rich, for instance).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from linespec.cli import state
from linespec.errors import EXIT_PROBLEMS, UsageError

if TYPE_CHECKING:
    from linespec.core.config import Config
    from linespec.core.lifecycle import TransitionRefused
    from linespec.core.workspace import Workspace

app = typer.Typer(
    help="Create, lint, inspect and move provenance records through their lifecycle.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Use this config file instead of .linespec.yml."),
]
RecordOption = Annotated[str, typer.Option("--record", help="The record ID.", show_default=False)]


class StatusFormat(StrEnum):
    human = "human"
    json = "json"


def _config(config: Path | None) -> Config:
    """The configuration, its warnings shown, and the root errors are reported against."""
    from linespec.core import config as config_mod

    loaded = config_mod.load(Path.cwd(), config)
    state.root = loaded.root
    for warning in loaded.warnings:
        sys.stderr.write(f"warning: {warning}\n")
    return loaded


def _workspace(config: Path | None) -> Workspace:
    from linespec.core.store import load_records
    from linespec.core.workspace import Workspace

    loaded = _config(config)
    return Workspace(loaded, load_records(loaded))


@app.command(
    epilog="Examples:\n\n"
    '  linespec provenance create --title "Add caching layer" --tag architecture,performance\n\n'
    '  linespec provenance create -i user-service --title "Add user auth" --type blueprint\n\n'
    '  linespec provenance create --title "Quick fix" --no-edit'
)
def create(
    title: Annotated[str, typer.Option(help="Title of the decision.")] = "",
    record_type: Annotated[
        str, typer.Option("--type", help="Tier: brief, blueprint (default), bug or imprint.")
    ] = "",
    tag: Annotated[
        list[str] | None, typer.Option(help="Tag; repeat it or separate with commas.")
    ] = None,
    supersedes: Annotated[str, typer.Option(help="ID of the record this one replaces.")] = "",
    no_edit: Annotated[
        bool, typer.Option("--no-edit", help="Write without opening an editor.")
    ] = False,
    id_suffix: Annotated[
        str, typer.Option("--id-suffix", "-i", help="Append a service suffix to the ID.")
    ] = "",
    config: ConfigOption = None,
) -> None:
    """Create a new record in draft status (opens $VISUAL/$EDITOR unless --no-edit)."""
    from linespec.core import lifecycle
    from linespec.render import console

    ws = _workspace(config)
    tags = [part.strip() for value in tag or [] for part in value.split(",") if part.strip()]
    new = lifecycle.prepare_new(
        ws,
        title=title,
        record_type=record_type,
        tags=tags,
        supersedes=supersedes,
        id_suffix=id_suffix,
    )
    if no_edit:
        text = None
    else:
        from linespec.cli.editor import edit_new_record

        text = edit_new_record(new.text, new.path, lambda t: lifecycle.parse_edited(t, new))
    lifecycle.write_new(ws, new, text)
    out = console.stdout()
    out.print(f"\n[green]✓[/] Created {new.path.resolve()}")
    if new.superseded is not None:
        out.print(f"→ Marked {new.superseded.id} as superseded")
    out.print("")


def refuse_transition(exc: TransitionRefused, hint: str = "") -> NoReturn:
    """Print a refused transition with the findings that refused it, and exit 1."""
    from rich.markup import escape

    from linespec.render import console

    err = console.stderr()
    err.print(f"[red]✗[/] {escape(exc.message)}\n", highlight=False)
    for finding in exc.findings:
        where = f"{finding.field}: " if finding.field else ""
        # Messages are the user's data ("[strict]", patterns with brackets): never markup.
        err.print(f"    · {where}{finding.message}", markup=False, highlight=False)
    if hint:
        err.print(f"\n  {hint}", markup=False)
    raise typer.Exit(EXIT_PROBLEMS)


@app.command("open", epilog="Example:\n\n  linespec provenance open --record prov-2026-a1b2c3d4")
def open_(record: RecordOption, config: ConfigOption = None) -> None:
    """Move a draft to open: scope and spec enforcement start to apply."""
    from linespec.core import lifecycle
    from linespec.render import console

    ws = _workspace(config)
    try:
        lifecycle.open_record(ws, record)
    except lifecycle.TransitionRefused as exc:
        refuse_transition(exc, "Fix the errors above and run 'linespec provenance open' again.")
    out = console.stdout()
    out.print(f"\n[green]✓[/] {record} transitioned from draft → open\n")
    out.print("  Scope and spec enforcement now apply to this record.\n")


@app.command(
    epilog="Example:\n\n  linespec provenance deprecate --record prov-2026-a1b2c3d4 "
    '--reason "Replaced by the managed cache"'
)
def deprecate(
    record: RecordOption,
    reason: Annotated[str, typer.Option(help="Why; stored in the record.")] = "",
    config: ConfigOption = None,
) -> None:
    """Mark a draft, open or implemented record as deprecated."""
    from linespec.core import lifecycle
    from linespec.render import console

    ws = _workspace(config)
    lifecycle.deprecate(ws, record, reason)
    console.stdout().print(f"\n[green]✓[/] {record} marked as deprecated\n")


@app.command(
    epilog="Examples:\n\n  linespec provenance status\n\n"
    "  linespec provenance status --record prov-2026-a1b2c3d4\n\n"
    "  linespec provenance status --filter open\n\n"
    "  linespec provenance status --filter tag:architecture --format json\n\n"
    "  linespec provenance status --record prov-2026-a1b2c3d4 --save-scope"
)
def status(
    record: Annotated[str, typer.Option(help="Show one record in detail.")] = "",
    filter_: Annotated[
        str, typer.Option("--filter", help="A status (draft, open, ...) or tag:NAME.")
    ] = "",
    output: Annotated[StatusFormat, typer.Option("--format", help="human or json.")] = (
        StatusFormat.human
    ),
    save_scope: Annotated[
        bool,
        typer.Option(
            "--save-scope",
            help="Write the scope auto-populated from tagged commits into the records.",
        ),
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Show every record (or one in detail) with its status.

    With auto_affected_scope (the default), open records in observed mode are shown with
    the files their tagged commits changed as their scope; --save-scope persists it.
    """
    from linespec.core import observed
    from linespec.core import status as status_mod

    keep = status_mod.parse_filter(filter_)
    ws = _workspace(config)
    if record:
        ws.records.get(record)  # an unknown ID fails before anything is saved
    population = observed.auto_populate(ws)
    for warning in population.warnings:
        sys.stderr.write(f"Warning: {warning}\n")
    records = population.applied(ws.records)
    if save_scope and population:
        observed.save_scopes(ws, population)
        # On stdout the lines would break the JSON document a script is about to parse.
        stream = sys.stderr if output is StatusFormat.json else sys.stdout
        for record_id, files in population.scopes.items():
            stream.write(f"✓ Saved auto-populated scope for {record_id} ({len(files)} files)\n")
    unsaved = population.scopes if not save_scope else {}
    if output is StatusFormat.json:
        from linespec.render import jsonout

        payload: dict[str, object] = {}
        if unsaved:
            payload["_auto_populated_records"] = list(unsaved)
            payload["_notice"] = observed.NOTICE
        if record:
            payload["record"] = status_mod.record_json(records.get(record))
        else:
            shown = status_mod.overview(records, keep).records
            payload["records"] = [status_mod.record_json(r) for r in shown]
        sys.stdout.write(jsonout.dumps(payload))
        return
    from linespec.render import console, human

    out = console.stdout()
    if record:
        human.detail(out, status_mod.detail(records, record), ws.root)
    else:
        human.overview(out, status_mod.overview(records, keep), ws.config.enforcement)
    if unsaved:
        human.auto_populated_notice(out, unsaved)


class LintFormat(StrEnum):
    auto = "auto"
    human = "human"
    json = "json"
    sarif = "sarif"
    github = "github"


@app.command(
    epilog="Examples:\n\n  linespec provenance lint\n\n"
    "  linespec provenance lint --record prov-2026-a1b2c3d4 --all\n\n"
    "  linespec provenance lint --format sarif > provenance.sarif\n\n"
    "  linespec provenance lint --staged --strict-warnings"
)
def lint(
    record: Annotated[str, typer.Option(help="Lint only this record.")] = "",
    enforcement: Annotated[
        str, typer.Option(help="none, warn or strict (default: from config).")
    ] = "",
    output: Annotated[
        LintFormat,
        typer.Option(
            "--format",
            help="human, json, sarif, github (annotations), or auto: github under GitHub "
            "Actions, else human.",
        ),
    ] = LintFormat.auto,
    warn: Annotated[bool, typer.Option("--warn", help="Show only warnings.")] = False,
    info: Annotated[bool, typer.Option("--info", help="Show only hints.")] = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="Show errors, warnings and hints.")
    ] = False,
    staged: Annotated[
        bool, typer.Option("--staged", help="Lint the records as staged in the git index.")
    ] = False,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even when errors are found.")
    ] = False,
    strict_warnings: Annotated[
        bool, typer.Option("--strict-warnings", help="Exit 1 on warnings too.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Check records against the rule catalogue; exit 1 when any error is found.

    Unloadable record files are reported as findings (PROV001) rather than stopping the
    run. With several .linespec.yml files below the current directory (a monorepo) and no
    --config, every one of them is linted.
    """
    from linespec.cli.lintrun import LintOptions, execute

    code = execute(
        LintOptions(
            record=record,
            enforcement=enforcement,
            output=output.value,
            warn=warn,
            info=info,
            show_all=show_all,
            staged=staged,
            exit_zero=exit_zero,
            strict_warnings=strict_warnings,
            config=config,
        )
    )
    if code:
        raise typer.Exit(code)


@app.command(
    epilog="Examples:\n\n  linespec provenance rules\n\n  linespec provenance rules PROV009"
)
def rules(code: Annotated[str, typer.Argument(help="Show the help of one rule.")] = "") -> None:
    """List the lint rules, or explain one."""
    from linespec.core.lint.catalogue import BY_CODE, RULES
    from linespec.render import console

    out = console.stdout()
    if code:
        info = BY_CODE.get(code.upper())
        if info is None:
            raise UsageError(f"unknown rule {code}; run 'linespec provenance rules' for the list")
        out.print(f"[bold]{info.code}[/] {info.name} ({info.severity.value})\n")
        out.print(info.description + ".\n")
        out.print(info.help)
        return
    for info in RULES:
        out.print(f"{info.code:<9} {info.name:<30} {info.severity.value:<8} {info.description}")
