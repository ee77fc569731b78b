"""`provenance search` without typer, pydantic or rich, for the common invocations.

typer builds a pydantic adapter per option, which alone costs more than a warm search of
10,000 records. Arguments this small parser knows run here on the same engine and
renderer as the full CLI; anything else (help, errors, unusual options) returns None and
the full CLI answers, with its messages and exit codes.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from linespec import fastargs


def parse(args: Sequence[str]) -> dict[str, str] | None:
    if len(args) < 2 or args[0] not in ("provenance", "-p") or args[1] != "search":
        return None
    scanned = fastargs.scan(
        args[2:], values=("--query", "--limit", "--format", "--config"), aliases={"-c": "--config"}
    )
    if scanned is None or len(scanned.positional) > 1:
        return None
    query = scanned.value("--query") or "".join(scanned.positional)
    limit = scanned.value("--limit", "5")
    if not query.strip() or not limit.isdigit() or not 1 <= int(limit) <= 1000:
        return None
    output = scanned.value("--format", "human")
    if output not in ("human", "json"):
        return None
    options = {"query": query, "limit": limit, "format": output}
    if "--config" in scanned.values:
        options["config"] = scanned.value("--config")
    return options


def run(args: Sequence[str]) -> int | None:
    """The exit code of a fast search, or None to let the full CLI run."""
    options = parse(args)
    if options is None:
        return None
    from linespec.core.search import engine
    from linespec.core.search.settings import open_session
    from linespec.errors import LinespecError

    warnings: list[str] = []
    config = Path(options["config"]) if "config" in options else None
    try:
        settings, index = open_session(Path.cwd(), config, warnings.append)
        with index:
            answer = engine.search(
                index, settings, options["query"], int(options["limit"]), warnings.append
            )
    except LinespecError:
        return None  # the full CLI reports it (and its exit code) in one place
    from linespec.render import search as render

    for message in [*settings.warnings, *warnings]:
        sys.stderr.write(f"warning: {message}\n")
    as_json = options.get("format") == "json"
    sys.stdout.write(render.json(answer) if as_json else render.human(answer))
    sys.stdout.flush()
    return 0
