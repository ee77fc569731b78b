"""The scope cache `.linespec/scope-index.json`: each record's governance fields.

Hooks and agents ask about scope on every commit and edit; reading this one JSON file
instead of every record is what keeps them fast. It is keyed by a stat fingerprint of
the record files (path, size, mtime), so any change to a record is a miss and the
records are read again. Safe to delete; never committed.

The format is the Go tool's (BEHAVIOR.md §12.6) with a format number at the top and a
few more keys per entry, all of which the Go tool ignores. The commit check and `graph`
need those keys, so to them an index without the number (the Go tool's, or an older
linespec's) is a miss, and the next command that loads records rewrites it; `govern` and
`next` need only the Go tool's keys and read either.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from linespec.core.configfile import STATE_DIR
from linespec.core.recordfiles import is_record_file

CACHE_FILE = "scope-index.json"
FAST_FILE = "scope-index.marshal"
# Bump whenever the shape of what the fast twin holds changes.
_FAST_FORMAT = 1
# The top-level key only linespec writes, and the shape of the entries it vouches for:
# bump the number whenever entries gain or change keys.
_OURS = "linespec"
_FORMAT = 2


# The keys of an entry and the types linespec writes them with. The first group is always
# written; other writers (the Go tool) may leave keys out or add their own.
_ALWAYS_TEXT = ("id", "status", "supersedes", "superseded_by", "path", "title")
_TEXT = (*_ALWAYS_TEXT, "type", "implements", "extends")
_LISTS = ("affected_scope", "forbidden_scope", "related")
ENTRY_KEYS = (*_TEXT, *_LISTS, "has_specs")


def well_formed(entry: object) -> bool:
    """Whether ENTRY has the shape linespec writes: a damaged index is a miss, never read."""
    if type(entry) is not dict or not entry.get("id") or type(entry.get("has_specs")) is not bool:
        return False
    get = entry.get
    return (
        all(type(get(key)) is str for key in _ALWAYS_TEXT)
        and all(type(get(key, "")) is str for key in _TEXT)
        and all(_texts(get(key)) for key in _LISTS)
    )


def _texts(value: object) -> bool:
    return value is None or (type(value) is list and all(type(v) is str for v in value))


def cache_path(state_dir: Path) -> Path:
    return state_dir / CACHE_FILE


def fast_path(state_dir: Path) -> Path:
    return state_dir / FAST_FILE


def fingerprint(directories: Sequence[Path]) -> str:
    """SHA-256 over `path\\0size\\0mtime_ns` of every record file, sorted (as Go does)."""
    lines: list[str] = []
    pending = [str(d) for d in directories]
    stat = os.stat
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError:
            continue
        # .yaml records count too: Go's fingerprint skips them and then serves a stale
        # index after a .yaml record changes. Only record files count, so that the loader,
        # which stats each record it reads, arrives at the same stamp. Hooks run this on
        # every call: the listing alone tells directories from record files (no stat), and
        # each record file then costs one stat.
        files = []
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
            elif is_record_file(entry.name):
                files.append(entry.path)
        for path in files:
            try:
                info = stat(path)
            except OSError:  # gone since the directory was listed
                continue
            lines.append(stamp_line(path, info))
    return digest(lines)


def stamp_line(path: str, info: os.stat_result) -> str:
    return f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n"


def digest(lines: list[str]) -> str:
    # The digest of an update per line, as Go computes it, in one call over all of them
    # (no line is a prefix of another, so the newline each ends with keeps them apart).
    joined = "".join(sorted(lines))
    return hashlib.sha256(joined.encode("utf-8", "surrogateescape")).hexdigest()


def read(path: Path, expected: str, *, accept_go: bool = False) -> list[dict[str, Any]] | None:
    """The cached entries when the fingerprint still matches; None on any miss.

    Without ACCEPT_GO, only an index of linespec's whose every entry is well formed is
    returned. With it, an index without linespec's format number (the Go tool's) is
    returned too, unchecked: the caller must then need no more than the Go tool's keys and
    check their shapes itself.
    """
    found = inspect(path, expected)
    if found is None:
        return None
    entries, ours = found
    if not accept_go and (not ours or not all(map(well_formed, entries))):
        return None
    return entries


def inspect(path: Path, expected: str) -> tuple[list[Any], bool] | None:
    """The entries of an index written under EXPECTED, unchecked, and whether linespec
    wrote it (its format number); None when there is no such index."""
    import json

    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("fingerprint") != expected:
        return None
    entries = data.get("entries")
    if not isinstance(entries, list):
        return None
    return entries, data.get(_OURS) == _FORMAT


def write(path: Path, stamp: str, entries: Iterable[dict[str, Any]]) -> None:
    """Store ENTRIES under STAMP; failing to write a cache is never an error."""
    import contextlib

    import orjson

    from linespec.core.files import atomic_write
    from linespec.core.parsecache import ensure_state_dir

    with contextlib.suppress(Exception):
        body = orjson.dumps({"fingerprint": stamp, _OURS: _FORMAT, "entries": list(entries)})
        ensure_state_dir(path.parent)
        atomic_write(path, body, durable=False)


def holds(path: Path, stamp: str) -> bool:
    """Whether the index at PATH was written under STAMP, from its first bytes alone.

    Every command that loads records asks this, so it must not parse 10,000 entries. Only
    an index of ours holds: one the Go tool wrote under the same stamp is rewritten, so
    that the commit check and `graph` can read it.
    """
    head = f'{{"fingerprint":"{stamp}","{_OURS}":{_FORMAT},'.encode()
    try:
        with path.open("rb") as handle:
            return handle.read(len(head)) == head
    except OSError:
        return False


def refresh(root: Path, stamp: str, records: Iterable[Any]) -> None:
    """Write the index of RECORDS under ROOT unless it already holds STAMP (§12.6).

    STAMP must have been taken before RECORDS were read, so that a record edited during
    the load leaves the index stale rather than filed under a stamp it does not match.
    """
    path = cache_path(root / STATE_DIR)
    if holds(path, stamp):
        return
    from linespec.core.checks import ScopeRecord

    write(path, stamp, (ScopeRecord.from_record(r).entry(root) for r in records))


# The fast twin: what `govern` and `next` derive from the index (the plain config it was
# read under, entries already validated, lookup tables), kept as marshal data, which loads
# several times faster than the JSON. Keyed like the index by the fingerprint, which the
# caller checks; written and read only by linespec, and as disposable as the index.


def read_fast(path: Path, key: Any) -> Any:
    """What `write_fast` stored under KEY; None on any miss."""
    try:
        version, stored_key, payload = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if version != _FAST_FORMAT or stored_key != key:
        return None
    return payload


def write_fast(path: Path, key: Any, payload: Any) -> None:
    import contextlib

    from linespec.core.files import atomic_write
    from linespec.core.parsecache import ensure_state_dir

    with contextlib.suppress(Exception):
        ensure_state_dir(path.parent)
        atomic_write(path, marshal.dumps((_FAST_FORMAT, key, payload)), durable=False)
