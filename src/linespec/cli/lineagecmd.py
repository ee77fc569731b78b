"""`linespec provenance lineage|ready|blocked|agents|activities|export`: lineage as W3C PROV.

Every command answers from the derived index `.linespec/lineage.sqlite`, rebuilt here
first when the records, the config or HEAD changed since it was built. `lineage`,
`ready` and `blocked` on a fresh index are answered before typer loads, by
`linespec.core.lineage.fast`; these functions are what runs otherwise, printing through
the same code. A query that the index fails in a way its checks did not show (SQLite
reports it damaged) rebuilds it once, with a warning, and asks again.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from linespec.cli.provenance import ConfigOption, _config, app

if TYPE_CHECKING:
    from prov.model import ProvDocument

    from linespec.core.config import Config


T = TypeVar("T")


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


def _query(config: Path | None, ask: Callable[[Config, sqlite3.Connection], T]) -> T:
    """What ASK answers from a fresh index, rebuilding it once if SQLite fails."""
    from linespec.core.lineage import index
    from linespec.errors import StorageError

    loaded = _config(config)
    conn, note = index.ensure(loaded, loaded.root)
    if note:
        sys.stderr.write(f"warning: {note}\n")
    try:
        return ask(loaded, conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        path = index.index_path(loaded.root)
        sys.stderr.write(f"warning: {path} was damaged ({exc}); rebuilt it\n")
        conn = index.rebuilt(loaded, loaded.root)
        try:
            return ask(loaded, conn)
        except sqlite3.DatabaseError as again:
            raise StorageError(f"the lineage index just built fails: {again}", path=path) from None
    finally:
        conn.close()


def _shallow_warning(conn: sqlite3.Connection) -> str:
    from linespec.core.lineage import index

    if index.read_meta(conn).get("shallow") != "1":
        return ""
    return (
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

    options = {"command": "lineage", "id": record_id, "format": output.value}
    options |= {name: "1" for name, on in (("up", up), ("down", down)) if on}
    if depth is not None:
        options["depth"] = str(depth)

    def ask(_: Config, conn: sqlite3.Connection) -> str:
        out = fast.answer(conn, options)
        if out is None:
            raise RecordNotFoundError(record_id)
        return out

    sys.stdout.write(_query(config, ask))


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
        "damage": found.damage,
        "head": found.meta.get("head", ""),
        "shallow": found.meta.get("shallow") == "1",
        "commits_read": int(found.meta.get("commits_seen", "0")),
        "counts": found.counts,
        "problems": [{"kind": k, "subject": s, "detail": d} for k, s, d in found.problems],
    }
    if output is LineageFormat.json:
        sys.stdout.write(render.to_json(data))
        return
    if found.damage:
        state = f"damaged ({found.damage}); any query rebuilds it"
    elif found.readable:
        state = "fresh" if found.fresh else "stale"
    else:
        state = "missing or unreadable"
    lines = [f"{found.path}: {state}"]
    if found.readable and not found.damage:
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
    _readiness("ready", output, config)


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
    _readiness("blocked", output, config)


def _readiness(command: str, output: ListFormat, config: Path | None) -> None:
    from linespec.core.lineage import fast

    options = {"command": command, "format": output.value}
    sys.stdout.write(_query(config, lambda _, conn: fast.answer(conn, options) or ""))


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

    _history_listing(record_id, output, config, queries.agents, render.agents_text)


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

    _history_listing(record_id, output, config, queries.activities, render.activities_text)


def _history_listing(
    record_id: str | None,
    output: ListFormat,
    config: Path | None,
    query: Callable[[sqlite3.Connection, str | None], T],
    text: Callable[[T], str],
) -> None:
    """What QUERY finds in the history for RECORD_ID (or every record), as TEXT or JSON;
    a shallow clone is said on stderr, since history before its cut is missing."""
    from linespec.render import lineage as render

    def ask(_: Config, conn: sqlite3.Connection) -> str:
        _known(conn, record_id)
        found = query(conn, record_id)
        sys.stderr.write(_shallow_warning(conn))
        return render.to_json(found) if output is ListFormat.json else text(found)

    sys.stdout.write(_query(config, ask))


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

    def ask(loaded: Config, conn: sqlite3.Connection) -> ProvDocument:
        configured = loaded.settings.lineage.namespace
        namespace = prov_export.normalise_namespace(
            configured
            or prov_export.namespace_from_remote(git.remote_url(loaded.root), loaded.root)
        )
        doc = prov_export.build(conn, namespace, include_commits.value)
        if include_commits is not IncludeCommits.none:
            sys.stderr.write(_shallow_warning(conn))
        return doc

    # Written after the index is closed: the document holds all it needs.
    prov_export.write(_query(config, ask), output.value, sys.stdout)
