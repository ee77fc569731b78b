"""Sealing commands: complete, compile, lock-layer and verify."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from linespec.cli.provenance import (
    ConfigOption,
    RecordOption,
    _workspace,
    app,
    refuse_transition,
)
from linespec.errors import EXIT_PROBLEMS

if TYPE_CHECKING:
    from rich.console import Console

    from linespec.core.model import Record

TimeoutOption = Annotated[
    float, typer.Option("--timeout", help="Seconds each spec command may run.", min=1)
]


@app.command(
    epilog="Examples:\n\n  linespec provenance complete --record prov-2026-a1b2c3d4\n\n"
    "  linespec provenance complete --record prov-2026-a1b2c3d4 --force"
)
def complete(
    record: RecordOption,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Skip the spec-existence check and the record's own spec run."
        ),
    ] = False,
    timeout: TimeoutOption = 600.0,
    config: ConfigOption = None,
) -> None:
    """Mark a record implemented at HEAD and seal its content hash.

    Validation, the record's own specs (with run_associated_specs_on_complete) and the
    specs of sealed records this change touched (overlap_specs_on_complete) must pass,
    or every file is put back as it was.
    """
    from linespec.core import completion, lifecycle
    from linespec.render import console

    ws = _workspace(config)
    try:
        done = completion.complete(ws, record, out=sys.stdout, force=force, timeout=timeout)
    except lifecycle.TransitionRefused as exc:
        refuse_transition(exc)
    out = console.stdout()
    out.print(f"\n[green]✓[/] {record} marked as implemented\n")
    from linespec.cli.searchcmd import index_after_complete

    index_after_complete(ws, done.record)
    if done.spec_paths:
        out.print("  Associated specs verified:")
        for path, exists in done.spec_paths:
            mark = "[green]✓[/]" if exists else "[red]✗ not found[/]"
            out.print(f"    · {path:<50} {mark}", highlight=False)
        out.print("")
    _overlap(
        out,
        done.failed_in_warn_mode,
        "ℹ Governance overlap (non-blocking, warn mode): specs of sealed record(s) you "
        "touched failed:\n",
        "",
    )
    _overlap(
        out,
        done.unverified,
        "ℹ Governance overlap (non-blocking): this change also touches files governed by "
        "sealed record(s):\n",
        "\n  No runnable specs were available to verify them (enable "
        "run_associated_specs_on_complete and give them associated_specs).\n",
    )


def _overlap(out: Console, records: list[Record], heading: str, footer: str) -> None:
    if not records:
        return
    out.print(heading)
    for other in records:
        out.print(f"    · {other.id} — {other.title}", markup=False)
    out.print(footer)


@app.command(
    "compile",
    epilog="Examples:\n\n  linespec provenance compile\n\n"
    "  linespec provenance compile -c services/api/.linespec.yml",
)
def compile_(config: ConfigOption = None) -> None:
    """Recompute implemented records' hashes into .linespec/hash_manifest.json (merging)."""
    from linespec.core.seal import compile_manifest
    from linespec.render import console

    ws = _workspace(config)
    result = compile_manifest(ws.config.state_dir, ws.records)
    for warning in result.warnings:
        sys.stderr.write(warning + "\n")
    verb = "compiled" if result.written else "is up to date"
    console.stdout().print(f"\n[green]✓[/] Hash manifest {verb} ({result.record_count} records)\n")


@app.command(
    "lock-layer",
    epilog="Examples:\n\n"
    '  linespec provenance lock-layer --title "Core proxy layer" --intent "Frozen API" '
    "--scope 'pkg/proxy/**' --no-edit\n\n"
    '  linespec provenance lock-layer --title "Core proxy layer"',
)
def lock_layer(
    title: Annotated[str, typer.Option(help="Title of the locked layer.")] = "",
    intent: Annotated[str, typer.Option(help="Why this layer is frozen.")] = "",
    scope: Annotated[
        list[str] | None, typer.Option("--scope", help="A protected pattern; repeat it.")
    ] = None,
    no_edit: Annotated[bool, typer.Option("--no-edit", help="Write without an editor.")] = False,
    config: ConfigOption = None,
) -> None:
    """Create a record that is implemented, locked: true and sealed at HEAD.

    Open records whose scope or specs overlap a locked layer fail lint until they supersede it.
    """
    from linespec.core import completion, lifecycle
    from linespec.errors import UsageError
    from linespec.render import console

    if no_edit and not intent.strip():
        raise UsageError("--intent is required with --no-edit (nothing was created)")
    ws = _workspace(config)
    text = completion.draft_locked_layer(ws, title=title, intent=intent, scope=scope or [])
    if not no_edit:
        from linespec.cli.editor import edit_new_record
        from linespec.core import yamlread

        path = ws.config.provenance_dir / "locked-layer.yml"
        text = edit_new_record(text, path, lambda t: yamlread.parse(t, path))
    try:
        written = completion.lock_layer(ws, text)
    except lifecycle.TransitionRefused as exc:
        refuse_transition(exc)
    out = console.stdout()
    out.print(f"\n[green]✓[/] Created locked layer {written.path}\n")
    out.print("  Record created as implemented with locked: true, and sealed.")
    out.print("  To change its protected surface later, supersede it with a new record.\n")


class VerifyFormat(StrEnum):
    human = "human"
    json = "json"
    sarif = "sarif"


@app.command(
    epilog="Examples:\n\n  linespec provenance verify\n\n"
    "  linespec provenance verify --format sarif > seals.sarif"
)
def verify(
    output: Annotated[VerifyFormat, typer.Option("--format", help="human, json or sarif.")] = (
        VerifyFormat.human
    ),
    config: ConfigOption = None,
) -> None:
    """Recompute every sealed record's hash and report records changed after sealing."""
    from linespec.core.lint.engine import LintReport
    from linespec.core.lint.finding import Finding, Severity
    from linespec.core.seal import verify as run_verify
    from linespec.render import jsonout
    from linespec.render.relpath import relative

    ws = _workspace(config)
    result = run_verify(ws.config.state_dir, ws.records)
    if output is VerifyFormat.json:
        payload = {
            "verified": result.verified,
            "unsealed": result.unsealed,
            "mismatches": [
                {
                    "id": r.id,
                    "file": relative(r.path, ws.root),
                    "stored": stored,
                    "current": current,
                }
                for r, stored, current in result.mismatches
            ],
        }
        sys.stdout.write(jsonout.dumps(payload))
    elif output is VerifyFormat.sarif:
        from linespec.render import sarif

        report = LintReport("warn", len(result.verified) + len(result.mismatches))
        for r, stored, current in result.mismatches:
            mark = r.line_of("id")
            report.findings.append(
                Finding(
                    "PROV-IMM",
                    Severity.ERROR,
                    r.id,
                    "integrity",
                    "PROV-IMM: content hash mismatch — record was modified after being sealed "
                    f"(stored {stored[:12]}, current {current[:12]})",
                    r.path,
                    mark.line if mark else None,
                )
            )
        folder = relative(ws.config.provenance_dir, ws.root)
        sys.stdout.write(jsonout.dumps(sarif.document(report, ws.root, folder)))
    else:
        from linespec.render import console

        out = console.stdout()
        for r, stored, current in result.mismatches:
            out.print(
                f"[red]✗[/] {r.id}  {relative(r.path, ws.root)}  modified after sealing "
                f"(stored {stored[:12]}, current {current[:12]})",
                highlight=False,
            )
        for record_id in result.unsealed:
            out.print(f"[yellow]⚠[/] {record_id}  implemented but not in the hash manifest")
        out.print(
            f"\n{len(result.verified)} verified, {len(result.mismatches)} modified after "
            f"sealing, {len(result.unsealed)} not sealed"
        )
    if result.mismatches:
        raise typer.Exit(EXIT_PROBLEMS)
