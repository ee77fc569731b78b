"""`lineage`, `ready` and `blocked` answered from a warm index without typer or pydantic.

`linespec.entry` hands these commands here first. When the arguments are ones this small
parser knows and the index is fresh, the answer comes from SQLite and `render.lineage`;
anything else (an unknown option, a stale or missing index, an unknown ID) returns None
and the full CLI runs, rebuilding the index and reporting errors in its one place.
The full CLI prints through the same `answer` function.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from linespec import fastargs

_FORMATS = {"lineage": ("human", "json", "mermaid"), "ready": ("human", "json"),
            "blocked": ("human", "json")}  # fmt: skip


def _parse(args: Sequence[str]) -> dict[str, str] | None:
    """Options of `provenance lineage ID|ready|blocked`, or None for the full CLI."""
    if len(args) < 2 or args[0] != "provenance" or args[1] not in _FORMATS:
        return None
    command = args[1]
    lineage = command == "lineage"
    scanned = fastargs.scan(
        args[2:],
        flags=("--up", "--down") if lineage else (),
        values=("--format", "--depth") if lineage else ("--format",),
    )
    if scanned is None or len(scanned.positional) > (1 if lineage else 0):
        return None
    options = {"command": command, "format": scanned.value("--format", "human")}
    options.update({flag[2:]: "1" for flag in scanned.flags})
    if "--depth" in scanned.values:
        options["depth"] = scanned.value("--depth")
    if scanned.positional:
        options["id"] = scanned.positional[0]
    if options["format"] not in _FORMATS[command]:
        return None
    if lineage and (options.get("id", "db") == "db" or not _depth_ok(options)):
        return None
    return options


def _depth_ok(options: dict[str, str]) -> bool:
    return "depth" not in options or (options["depth"].isdigit() and int(options["depth"]) > 0)


def run(args: Sequence[str]) -> int | None:
    """The exit code of a fast answer, or None to let the full CLI run."""
    options = _parse(args)
    if options is None:
        return None
    from linespec.core.configfile import discover, find_root
    from linespec.core.lineage import index
    from linespec.errors import LinespecError

    try:
        cwd = Path.cwd()
        root = find_root(cwd)
        conn = index.open_fresh(root, discover(cwd, root))
    except LinespecError:
        return None
    if conn is None:
        return None
    try:
        out = answer(conn, options)
    except sqlite3.Error:
        return None  # damaged in a way the checks did not show: the full CLI rebuilds
    finally:
        conn.close()
    if out is None:
        return None
    sys.stdout.write(out)
    sys.stdout.flush()
    return 0


def answer(conn: sqlite3.Connection, options: dict[str, str]) -> str | None:
    """The output of one query command; None when a lineage ID names no record."""
    from linespec.core.lineage import queries
    from linespec.render import lineage as render

    command, output = options["command"], options["format"]
    if command == "lineage":
        root = queries.record(conn, options["id"])
        if root is None:
            return None
        both = "up" not in options and "down" not in options
        depth = int(options["depth"]) if "depth" in options else None
        trees = {
            direction: queries.lineage(conn, options["id"], direction, depth)
            for direction in ("up", "down")
            if both or direction in options
        }
        if output == "json":
            return render.lineage_json(root, trees)
        if output == "mermaid":
            return render.lineage_mermaid(root, trees)
        return render.lineage_text(root, trees)
    ready, blocked = queries.ready_and_blocked(conn)
    found = ready if command == "ready" else blocked
    if output == "json":
        return render.to_json(found)
    return render.ready_text(ready) if command == "ready" else render.blocked_text(blocked)
