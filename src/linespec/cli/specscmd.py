"""`linespec provenance run-specs`: run a record's associated specs as `complete` does."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from linespec.cli.provenance import ConfigOption, _workspace, app
from linespec.errors import RefusedError, UsageError


@app.command(
    "run-specs",
    epilog="Examples:\n\n"
    "  linespec provenance run-specs --record prov-2026-a1b2c3d4\n\n"
    "  linespec provenance run-specs -r prov-2026-a1b2c3d4 --timeout 120",
)
def run_specs(
    record: Annotated[
        str, typer.Option("--record", "-r", help="The record ID.", show_default=False)
    ],
    timeout: Annotated[
        float,
        typer.Option(help="Seconds each spec process may run before its process group is killed."),
    ] = 600.0,
    config: ConfigOption = None,
) -> None:
    """Run a record's associated_specs from the repository root; exit 1 if any fails.

    Does nothing unless run_associated_specs_on_complete is true in the config.
    Consecutive specs with the same runner run as one process; a failing batch is
    re-run spec by spec to say which failed.
    """
    from linespec.core import specs

    if not timeout > 0:
        raise UsageError(f"--timeout must be a positive number of seconds, not {timeout:g}")
    ws = _workspace(config)
    if not ws.config.settings.run_associated_specs_on_complete:
        # The Go tool exits silently here; a note saves a user wondering why nothing ran.
        sys.stderr.write(
            "note: specs not run: run_associated_specs_on_complete is false in the config\n"
        )
        return
    target = ws.records.get(record)
    if not target.associated_specs:
        return
    count = len(target.associated_specs)
    sys.stdout.write(f"\nRunning {count} associated spec(s) for {target.id}...\n\n")
    sys.stdout.flush()
    report = specs.run_specs(target.associated_specs, cwd=ws.root, out=sys.stdout, timeout=timeout)
    if not report.passed:
        raise RefusedError("one or more associated specs failed")
    sys.stdout.write("All associated specs passed.\n\n")
