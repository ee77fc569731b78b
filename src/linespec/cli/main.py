"""The typer application and the mapping of errors to messages and exit codes."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import typer

from linespec import __version__
from linespec.cli import (  # noqa: F401  (register their commands)
    advicecmd,
    agentcmd,
    checkcmd,
    graphcmd,
    hooks,
    lineagecmd,
    scopecmd,
    sealcmd,
    searchcmd,
    sharecmd,
    specscmd,
    state,
)
from linespec.cli.provenance import app as provenance_app
from linespec.errors import EXIT_CANNOT_RUN, LinespecError, internal_error

app = typer.Typer(
    name="linespec",
    help="Provenance records for any git repository: lint, enforce and seal decisions.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
app.add_typer(provenance_app, name="provenance")
# The documented spelling of bootstrapping commands is top-level (`linespec clone URL`).
app.command("clone", epilog=sharecmd.clone_examples)(sharecmd.clone)
app.command("import", epilog=sharecmd.import_examples)(sharecmd.import_)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"linespec v{__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", "-d", help="Show tracebacks and git details."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """linespec keeps the decisions behind your code in provenance/ and enforces them.

    Exit codes: 0 success; 1 the command ran and found problems or refused; 2 it could
    not run (usage, config, records that do not load).
    """
    state.debug = debug


def run(args: list[str]) -> int:
    """Run the CLI on ARGS and return the exit code; no traceback unless --debug.

    typer handles usage errors itself (exit 2); every LinespecError becomes one line on
    stderr and the exit code its class documents.
    """
    state.debug = "--debug" in args or "-d" in args
    try:
        app(args=args, prog_name="linespec", standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except LinespecError as exc:
        if state.debug:
            traceback.print_exc()
        sys.stderr.write(f"error: {exc.render(Path.cwd())}\n")
        return exc.exit_code
    except Exception as exc:
        if state.debug:
            raise
        sys.stderr.write(internal_error(exc))
        return EXIT_CANNOT_RUN
    return 0
