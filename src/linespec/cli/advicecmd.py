"""`context`, `govern` and `next`: which records govern some files, and what to do next.

`govern` and `next` rarely get here: `linespec.fastpath` answers them from the scope cache
on every agent edit. This is the full path (a cold or stale cache, `-c`, anything unusual),
and it answers through the same engine and renderer, so both print exactly the same.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from linespec.cli.provenance import ConfigOption, _workspace, app
from linespec.errors import UsageError

if TYPE_CHECKING:
    from linespec.core.workspace import Workspace

FilesArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="Files (relative to the current directory, or absolute).", show_default=False
    ),
]
FilesOption = Annotated[
    list[str] | None,
    typer.Option(
        "--files", help="More files; repeat it or separate with commas.", show_default=False
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Same as --format json.")]


class AdviceFormat(StrEnum):
    human = "human"
    json = "json"


class ContextFormat(StrEnum):
    human = "human"
    compact = "compact"
    json = "json"


def _names(*options: list[str] | None, positional: list[str] | None) -> list[str]:
    # Options are string slices as in the Go tool (comma-separated and/or repeated); the
    # positional files come after them, each taken whole.
    split = [part for values in options for value in values or [] for part in value.split(",")]
    return [*split, *(positional or [])]


def _load(config: Path | None) -> tuple[Workspace, list[dict[str, Any]]]:
    """The workspace, and each record's scope-cache entry (loading refreshes the cache)."""
    from linespec.core.checks import ScopeRecord

    ws = _workspace(config)
    entries = [ScopeRecord.from_record(r).entry(ws.root) for r in ws.records]
    return ws, entries


def _advice(command: str, names: list[str], as_json: bool, config: Path | None) -> None:
    from linespec.core import advice
    from linespec.render import advice as render

    ws, cached = _load(config)
    entries = advice.entries_from_cache(cached)
    assert entries is not None
    result = advice.answer(
        command,
        names,
        entries,
        os.getcwd(),
        str(ws.root),
        ws.config.settings.commit_tag_required,
    )
    out, err = render.answer(command, result, as_json)
    sys.stderr.write(err)
    sys.stdout.write(out)


@app.command(
    epilog="Examples:\n\n  linespec provenance context src/cache.py\n\n"
    "  linespec provenance context --format compact src/cache.py src/store.py\n\n"
    "  linespec provenance context --format json --files src/cache.py,src/store.py"
)
def context(
    files: FilesArgument = None,
    files_option: FilesOption = None,
    output: Annotated[
        ContextFormat, typer.Option("--format", help="human, compact or json.")
    ] = ContextFormat.human,
    config: ConfigOption = None,
) -> None:
    """Show every record whose scope covers the files, with the records they supersede.

    Records in observed mode (no affected_scope) cover every file here; files matching
    exclude_paths are listed as exempt.
    """
    names = _names(files_option, positional=files)
    if not any(names):
        raise UsageError("No files specified. Provide file paths as arguments or use --files flag.")
    from linespec.core import advice
    from linespec.render import advice as render

    ws = _workspace(config)
    paths = advice.resolve_paths(
        names, os.getcwd(), str(ws.root), advice.git_files_under(str(ws.root))
    )
    records = list(ws.records)
    ctx = advice.context(records, paths.inside, ws.config.settings.exclude_paths)
    if output is ContextFormat.json:
        sys.stdout.write(render.context_json(ctx, paths.shown, paths.outside))
        return
    sys.stderr.write(render.outside_warnings(paths.outside))
    if output is ContextFormat.compact:
        sys.stdout.write(render.context_compact(ctx, paths.shown))
    else:
        sys.stdout.write(render.context_human(ctx, paths.shown, render.use_colour()))


@app.command(
    epilog="Examples:\n\n  linespec provenance govern src/cache.py\n\n"
    "  linespec provenance govern --files src/cache.py --json"
)
def govern(
    files: FilesArgument = None,
    files_option: FilesOption = None,
    as_json: JsonOption = False,
    output: Annotated[
        AdviceFormat, typer.Option("--format", help="human or json.")
    ] = AdviceFormat.human,
    config: ConfigOption = None,
) -> None:
    """List the active (open and implemented) records governing the files, and the next step.

    A record governs a file when its affected_scope lists it (and its forbidden_scope does
    not). Superseded and deprecated records are left out: `context` shows the history.
    """
    names = _names(files_option, positional=files)
    _advice("govern", names, as_json or output is AdviceFormat.json, config)


@app.command(
    "next",
    epilog="Examples:\n\n  linespec provenance next\n\n"
    "  linespec provenance next --plan src/cache.py\n\n"
    "  linespec provenance next --json",
)
def next_(
    files: FilesArgument = None,
    files_option: FilesOption = None,
    plan: Annotated[
        list[str] | None,
        typer.Option("--plan", help="Same as --files: the files you intend to change."),
    ] = None,
    as_json: JsonOption = False,
    output: Annotated[
        AdviceFormat, typer.Option("--format", help="human or json.")
    ] = AdviceFormat.human,
    config: ConfigOption = None,
) -> None:
    """The one next provenance step, with record IDs filled in.

    Without files it looks at what is staged or changed since HEAD; with files (the ones
    you intend to change) it plans for them before any edit.
    """
    names = _names(files_option, plan, positional=files)
    _advice("next", names, as_json or output is AdviceFormat.json, config)
