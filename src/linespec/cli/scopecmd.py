"""`linespec provenance lock-scope`: observed scope from tagged commits, made explicit."""

from __future__ import annotations

from typing import Annotated

import typer

from linespec.cli.provenance import ConfigOption, RecordOption, _workspace, app


@app.command(
    "lock-scope",
    epilog="Examples:\n\n"
    "  linespec provenance lock-scope --record prov-2026-a1b2c3d4 --dry-run\n\n"
    "  linespec provenance lock-scope --record prov-2026-a1b2c3d4",
)
def lock_scope(
    record: RecordOption,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the scope that would be locked; write nothing.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Lock an observed-mode record's scope to the files its tagged commits changed.

    Every commit on any ref whose message carries [ID] contributes the files it changed
    (minus exclude_paths); they become the record's affected_scope (allowlist mode).
    """
    from linespec.core import observed

    locked = observed.lock_scope(_workspace(config), record, dry_run=dry_run)
    _report(locked.record_id, "locked", "Locked", locked.scope)


@app.command(
    "add-scope",
    epilog="Examples:\n\n"
    "  linespec provenance add-scope --record prov-2026-a1b2c3d4 --dry-run\n\n"
    "  linespec provenance add-scope --record prov-2026-a1b2c3d4",
)
def add_scope(
    record: RecordOption,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the scope that would be saved; write nothing.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Widen an allowlist record's scope with files its tagged commits changed since."""
    from linespec.core import observed

    widened = observed.add_scope(_workspace(config), record, dry_run=dry_run)
    _report(widened.record_id, "widened", "Added", widened.added)


def _report(record_id: str, done: str, verb: str, paths: list[str]) -> None:
    from rich.markup import escape

    from linespec.render import console

    out = console.stdout()
    out.print(f"\n[green]✓[/] {escape(record_id)} scope {done} (allowlist mode)\n")
    out.print(f"  {verb} {len(paths)} paths from observed history:")
    for path in paths:
        out.print(f"    · {path}", markup=False, highlight=False)
    out.print("\n  Future commits tagged to this record must stay within this scope.\n")
