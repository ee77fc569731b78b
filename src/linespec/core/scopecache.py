"""The scope cache `.linespec/scope-index.json`: each record's governance fields.

Hooks and agents ask about scope on every commit and edit; reading this one JSON file
instead of every record is what keeps them fast. It is keyed by a stat fingerprint of
the record files (path, size, mtime), so any change to a record is a miss and the
records are read again. Safe to delete; never committed.

The format is the Go tool's (BEHAVIOR.md §12.6) with a few more keys per entry, which
the Go tool ignores; an index without them (written by the Go tool) is simply rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

CACHE_FILE = "scope-index.json"
_OURS = "path"


def cache_path(state_dir: Path) -> Path:
    return state_dir / CACHE_FILE


def fingerprint(directories: Sequence[Path]) -> str:
    """SHA-256 over `path\\0size\\0mtime_ns` of every record file, sorted (as Go does)."""
    tuples: list[str] = []
    pending = [str(d) for d in directories]
    while pending:
        directory = pending.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
            elif entry.name.endswith((".yml", ".yaml")):
                # .yaml files count too: Go's fingerprint skips them and then serves a
                # stale index after a .yaml record changes.
                info = entry.stat()
                tuples.append(f"{entry.path}\0{info.st_size}\0{info.st_mtime_ns}")
    digest = hashlib.sha256()
    for item in sorted(tuples):
        digest.update(item.encode("utf-8", "surrogateescape") + b"\n")
    return digest.hexdigest()


def read(path: Path, expected: str) -> list[dict[str, Any]] | None:
    """The cached entries when the fingerprint still matches; None on any miss."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("fingerprint") != expected:
        return None
    entries = data.get("entries")
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and _OURS in e for e in entries
    ):
        return None
    return entries


def write(path: Path, stamp: str, entries: Iterable[dict[str, Any]]) -> None:
    """Store ENTRIES under STAMP; failing to write a cache is never an error."""
    from linespec.core.files import atomic_write
    from linespec.core.parsecache import ensure_state_dir

    body = json.dumps(
        {"fingerprint": stamp, "entries": list(entries)}, separators=(",", ":"), ensure_ascii=False
    )
    with contextlib.suppress(Exception):
        ensure_state_dir(path.parent)
        atomic_write(path, body.encode("utf-8"))
