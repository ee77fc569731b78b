"""`provenance graph --format json|dot` drawn from the scope cache, without typer or pydantic.

Both formats show every record and need only what the scope cache keeps of each (§12.6),
so with a plain config and a fresh cache the graph is drawn from that one file. Anything
else (another format, --root or --filter, a config only the full validator may judge, a
stale, foreign or damaged cache) goes to the full CLI, which loads the records and
refreshes the cache for the next run.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from linespec import fastargs

if TYPE_CHECKING:
    from linespec.core.checks import ScopeRecord
    from linespec.core.graph import RecordSet

_FORMATS = ("json", "dot")


def run(args: Sequence[str]) -> int | None:
    """The exit code of `provenance graph ARGS`, or None to let the full CLI run."""
    if len(args) < 2 or args[0] != "provenance" or args[1] != "graph":
        return None
    scanned = fastargs.scan(args[2:], values=("--format",))
    if scanned is None or scanned.positional or scanned.value("--format") not in _FORMATS:
        return None
    from linespec.errors import LinespecError

    try:
        records = _cached_records(Path.cwd())
    except LinespecError:
        return None
    if records is None:
        return None
    from linespec.core.graphview import Forest
    from linespec.render import graph as render

    forest = Forest(records)
    if scanned.value("--format") == "json":
        nodes, height = forest.nodes()
        sys.stdout.writelines(render.json_chunks(nodes, height, forest.edges()))
    else:
        sys.stdout.write(render.dot(forest.ordered))
    sys.stdout.flush()
    return 0


def _cached_records(cwd: Path) -> RecordSet[ScopeRecord] | None:
    """The records as the fresh scope cache has them, validated as a set; None on a miss."""
    from linespec.core import scopecache
    from linespec.core.checkrun import plain_config
    from linespec.core.checks import ScopeRecord
    from linespec.core.configfile import STATE_DIR
    from linespec.core.graph import RecordSet

    config = plain_config(cwd)
    if config is None:
        return None
    stamp = scopecache.fingerprint(config.provenance_dirs)
    entries = scopecache.read(scopecache.cache_path(config.root / STATE_DIR), stamp)
    if entries is None:
        return None
    records = RecordSet([ScopeRecord.from_entry(entry, None) for entry in entries])
    records.validate()
    return records
