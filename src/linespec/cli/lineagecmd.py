"""`linespec provenance lineage|ready|blocked|agents|activities|export`: lineage as W3C PROV.

Every command answers from the derived index `.linespec/lineage.sqlite`, rebuilt here
first when the records, the config or HEAD changed since it was built. `lineage`,
`ready` and `blocked` on a fresh index are answered before typer loads, by
`linespec.core.lineage.fast`; these functions are what runs otherwise, printing through
the same code.
"""

from __future__ import annotations

import sqlite3
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from linespec.cli.provenance import ConfigOption, app

if TYPE_CHECKING:
    from linespec.core.config import Config


class LineageFormat(StrEnum):
    human = "human"
    json = "json"
    mermaid = "mermaid"


class ListFormat(StrEnum):
    human = "human"
    json = "json"


class ExportFormat(StrEnum):
    prov_json = "prov-json"
    prov_n = "prov-n"
    turtle = "turtle"
    jsonld = "jsonld"


class IncludeCommits(StrEnum):
    all = "all"
    lifecycle = "lifecycle"
    none = "none"


FormatOption = Annotated[ListFormat, typer.Option("--format", help="human or json.")]


def _config(config: Path | None) -> Config:
    from linespec.cli import state
    from linespec.core import config as config_mod

    loaded = config_mod.load(Path.cwd(), config)
    state.root = loaded.root
    for warning in loaded.warnings:
        sys.stderr.write(f"warning: {warning}\n")
    return loaded


def _index(config: Path | None) -> tuple[Config, sqlite3.Connection]:
    from linespec.core.lineage import index

    loaded = _config(config)
    conn, note = index.ensure(loaded, loaded.root)
    if note:
        sys.stderr.write(f"warning: {note}\n")
    return loaded, conn


def _warn_shallow(conn: sqlite3.Connection) -> None:
    from linespec.core.lineage import index

    if index.read_meta(conn).get("shallow") == "1":
        sys.stderr.write(
            "warning: this is a shallow clone: commits before where its history is cut are "
            "missing, so agents and activities stop there and no creation is guessed "
            "(run `git fetch --unshallow`, then this command again)\n"
        )


@app.command(
    epilog="Examples:\n\n  linespec provenance lineage prov-2026-a1b2c3d4\n\n"
    "  linespec provenance lineage prov-2026-a1b2c3d4 --up --depth 2\n\n"
    "  linespec provenance lineage prov-2026-a1b2c3d4 --down --format mermaid\n\n"
    "  linespec provenance lineage db status\n\n"
    "  linespec provenance lineage db rebuild",
    no_args_is_help=True,
)
def lineage(
    record_id: Annotated[
        str,
        typer.Argument(
            metavar="ID|db",
            help="A record ID; or `db` followed by `status` or `rebuild` for the index.",
            show_default=False,
        ),
    ],
    action: Annotated[
        str | None,
        typer.Argument(metavar="[status|rebuild]", help="With `db`: what to do with the index."),
    ] = None,
    up: Annotated[bool, typer.Option("--up", help="Only ancestors: what it derives from.")] = False,
    down: Annotated[
        bool, typer.Option("--down", help="Only descendants: what derives from it.")
    ] = False,
    depth: Annotated[
        int | None, typer.Option(min=1, help="Levels to show (default: all).", show_default=False)
    ] = None,
    output: Annotated[
        LineageFormat, typer.Option("--format", help="human (a tree), json or mermaid.")
    ] = LineageFormat.human,
    config: ConfigOption = None,
) -> None:
    """Show a record's ancestors and descendants as a tree, or manage the lineage index.

    Ancestors are what the record implements or extends (derived from), supersedes
    (revises) and names as related (influenced by); descendants are the reverse.
    `lineage db status` tells whether `.linespec/lineage.sqlite` is fresh;
    `lineage db rebuild` rebuilds it from the records and the git history.
    """
    from linespec.errors import UsageError

    if record_id == "db":
        if action not in ("status", "rebuild"):
            raise UsageError("lineage db takes `status` or `rebuild`")
        _db(action, output, config)
        return
    if action is not None:
        raise UsageError(f"unexpected argument {action!r} after the record ID")
    from linespec.core.lineage import fast
    from linespec.errors import RecordNotFoundError

    _, conn = _index(config)
    options = {"command": "lineage", "id": record_id, "format": output.value}
    options |= {name: "1" for name, on in (("up", up), ("down", down)) if on}
    if depth is not None:
        options["depth"] = str(depth)
    out = fast.answer(conn, options)
    if out is None:
        raise RecordNotFoundError(record_id)
    sys.stdout.write(out)


def _db(action: str, output: LineageFormat, config: Path | None) -> None:
    from linespec.core.lineage import index
    from linespec.render import lineage as render

    loaded = _config(config)
    key = index.key_for(loaded, loaded.root)
    if action == "rebuild":
        index.build(loaded, loaded.root, key)
    found = index.status(loaded.root, key)
    data = {
        "path": str(found.path),
        "exists": found.exists,
        "readable": found.readable,
        "fresh": found.fresh,
        "head": found.meta.get("head", ""),
        "shallow": found.meta.get("shallow") == "1",
        "commits_read": int(found.meta.get("commits_seen", "0")),
        "counts": found.counts,
        "problems": [{"kind": k, "subject": s, "detail": d} for k, s, d in found.problems],
    }
    if output is LineageFormat.json:
        sys.stdout.write(render.to_json(data))
        return
    state = "fresh" if found.fresh else ("stale" if found.readable else "missing or unreadable")
    lines = [f"{found.path}: {state}"]
    if found.readable:
        counts = ", ".join(f"{n} {name}" for name, n in found.counts.items())
        lines.append(f"  {counts}; {data['commits_read']} commits read")
        if data["shallow"]:
            lines.append("  shallow clone: history before the cut is missing")
        lines.extend(f"  {k}: {s}: {d}" for k, s, d in found.problems)
    sys.stdout.write("\n".join(lines) + "\n")


@app.command(
    epilog="Examples:\n\n  linespec provenance ready\n\n  linespec provenance ready --format json"
)
def ready(output: FormatOption = ListFormat.human, config: ConfigOption = None) -> None:
    """List the draft and open records that can move on now, and the status they move to.

    A draft is ready when nothing it implements or extends is draft, superseded or
    deprecated; an open record is ready when no record implementing it is draft or open.
    """
    from linespec.core.lineage import fast

    _, conn = _index(config)
    sys.stdout.write(fast.answer(conn, {"command": "ready", "format": output.value}) or "")


@app.command(
    epilog="Examples:\n\n  linespec provenance blocked\n\n"
    "  linespec provenance blocked --format json"
)
def blocked(output: FormatOption = ListFormat.human, config: ConfigOption = None) -> None:
    """List the draft and open records that must wait, and why, one reason per line.

    A draft waits while a record it implements or extends is draft, superseded,
    deprecated or missing; an open record waits while records implementing it are still
    draft or open.
    """
    from linespec.core.lineage import fast

    _, conn = _index(config)
    sys.stdout.write(fast.answer(conn, {"command": "blocked", "format": output.value}) or "")


def _known(conn: sqlite3.Connection, record_id: str | None) -> None:
    from linespec.core.lineage import queries
    from linespec.errors import RecordNotFoundError

    if record_id and queries.record(conn, record_id) is None:
        raise RecordNotFoundError(record_id)


@app.command(
    epilog="Examples:\n\n  linespec provenance agents\n\n"
    "  linespec provenance agents prov-2026-a1b2c3d4 --format json"
)
def agents(
    record_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="Only the agents of this record.")
    ] = None,
    output: FormatOption = ListFormat.human,
    config: ConfigOption = None,
) -> None:
    """Who worked on a record (or on any): people and AI agents, separately.

    Each comes with its commit count, first and last commit dates and roles (author,
    committer, co-author, tool, record author); an AI agent also names the people it
    acted on behalf of.
    """
    from linespec.core.lineage import queries
    from linespec.render import lineage as render

    _, conn = _index(config)
    _known(conn, record_id)
    _warn_shallow(conn)
    found = queries.agents(conn, record_id)
    text = render.to_json(found) if output is ListFormat.json else render.agents_text(found)
    sys.stdout.write(text)


@app.command(
    epilog="Examples:\n\n  linespec provenance activities prov-2026-a1b2c3d4\n\n"
    "  linespec provenance activities --format json"
)
def activities(
    record_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="Only the commits of this record.")
    ] = None,
    output: FormatOption = ListFormat.human,
    config: ConfigOption = None,
) -> None:
    """The commits that touched or named a record (or any), newest first.

    Each shows its people and AI agents apart, what it did to each record (create, edit,
    status change, delete) and the records its message is tagged with.
    """
    from linespec.core.lineage import queries
    from linespec.render import lineage as render

    _, conn = _index(config)
    _known(conn, record_id)
    _warn_shallow(conn)
    found = queries.activities(conn, record_id)
    sys.stdout.write(
        render.to_json(found) if output is ListFormat.json else render.activities_text(found)
    )


@app.command(
    epilog="Examples:\n\n  linespec provenance export --format prov-json > provenance.json\n\n"
    "  linespec provenance export --format turtle --include-commits all\n\n"
    "  linespec provenance export --format prov-n --include-commits none"
)
def export(
    output: Annotated[
        ExportFormat,
        typer.Option("--format", help="prov-json, prov-n, turtle or jsonld (PROV-O)."),
    ] = ExportFormat.prov_json,
    include_commits: Annotated[
        IncludeCommits,
        typer.Option(
            help="all commits that touch or name a record, only lifecycle ones (create, "
            "status change, delete) or none."
        ),
    ] = IncludeCommits.lifecycle,
    config: ConfigOption = None,
) -> None:
    """Write the repository's lineage as a W3C PROV document on standard output.

    Records are prov:Entity and prov:Plan; people and AI agents are prov:Person and
    prov:SoftwareAgent; commits are prov:Activity. See docs/lineage.md for the mapping.
    """
    from linespec import git
    from linespec.core.lineage import export as prov_export

    loaded, conn = _index(config)
    if include_commits is not IncludeCommits.none:
        _warn_shallow(conn)
    configured = loaded.settings.lineage.namespace
    namespace = prov_export.normalise_namespace(
        configured or prov_export.namespace_from_remote(git.remote_url(loaded.root), loaded.root)
    )
    doc = prov_export.build(conn, namespace, include_commits.value)
    prov_export.write(doc, output.value, sys.stdout)
