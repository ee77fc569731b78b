"""Sealing: content hashes in the manifest, under a lock so concurrent runs lose nothing.

A record is sealed when `complete` (or `lock-layer`) stores the SHA-256 of its canonical
text in `.linespec/hash_manifest.json`; `lint` (PROV-IMM) and `verify` recompute it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from linespec.core.canonical import content_hash
from linespec.core.files import Transaction
from linespec.core.graph import RecordSet
from linespec.core.hashmemo import HashMemo
from linespec.core.manifest import ManifestError, manifest_path, read_manifest, render_manifest
from linespec.core.model import Record, Status
from linespec.core.parsecache import ensure_state_dir
from linespec.errors import StorageError

LOCK_NAME = "hash_manifest.lock"
LOCK_TIMEOUT_SECONDS = 120


@contextlib.contextmanager
def manifest_lock(state_dir: Path) -> Iterator[None]:
    """Hold the manifest for one read-modify-write (other runs wait for it)."""
    from filelock import FileLock, Timeout

    try:
        ensure_state_dir(state_dir)
    except OSError as exc:
        raise StorageError(
            f"cannot create state directory: {exc.strerror}", path=state_dir
        ) from None
    lock = FileLock(str(state_dir / LOCK_NAME), timeout=LOCK_TIMEOUT_SECONDS)
    try:
        with lock:
            yield
    except Timeout:
        raise StorageError(
            "another linespec run holds the hash manifest lock", path=state_dir / LOCK_NAME
        ) from None


def current_entries(state_dir: Path) -> dict[str, str]:
    """The manifest's entries; a manifest that cannot be read stops the command."""
    path = manifest_path(state_dir)
    try:
        return read_manifest(path) or {}
    except ManifestError as exc:
        raise ManifestError(
            f"{exc.message}; run 'linespec provenance compile' to rebuild it",
            path=exc.path,
            line=exc.line,
        ) from None


def seal(tx: Transaction, state_dir: Path, record: Record) -> str:
    """Store RECORD's hash in the manifest (within TX); returns the hash."""
    entries = current_entries(state_dir)
    digest = content_hash(record)
    entries[record.id] = digest
    tx.write(manifest_path(state_dir), render_manifest(entries).encode("utf-8"))
    return digest


@dataclass
class CompileResult:
    written: bool
    record_count: int
    warnings: list[str] = field(default_factory=list)


def compile_manifest(state_dir: Path, records: RecordSet[Record]) -> CompileResult:
    """Recompute the hashes of local implemented records and merge them into the manifest.

    Entries of loaded records that are draft, open or remote are dropped; entries of IDs
    that are not loaded are kept (another config's records share the file). Nothing is
    written when the result equals what is stored.
    """
    warnings: list[str] = []
    path = manifest_path(state_dir)
    with manifest_lock(state_dir):
        try:
            stored = read_manifest(path) or {}
        except ManifestError as exc:
            warnings.append(f"Warning: {exc.render()}; rebuilding it from the records")
            stored = {}
        entries = dict(stored)
        memo = HashMemo(state_dir)
        for record in records:
            if record.remote or record.status in (Status.DRAFT, Status.OPEN):
                entries.pop(record.id, None)
            elif record.status == Status.IMPLEMENTED:
                entries[record.id] = memo.hash(record)
        memo.save()
        rendered = render_manifest(entries)
        try:
            unchanged = path.read_text(encoding="utf-8") == rendered
        except (OSError, UnicodeDecodeError):
            unchanged = False
        if unchanged:
            return CompileResult(False, len(records), warnings)
        with Transaction() as tx:
            tx.write(path, rendered.encode("utf-8"))
    return CompileResult(True, len(records), warnings)


@dataclass
class Verification:
    verified: list[str] = field(default_factory=list)
    mismatches: list[tuple[Record, str, str]] = field(default_factory=list)
    unsealed: list[str] = field(default_factory=list)


def verify(state_dir: Path, records: RecordSet[Record]) -> Verification:
    """Recompute every sealed record's hash (the PROV-IMM check, as an audit)."""
    entries = current_entries(state_dir)
    memo = HashMemo(state_dir)
    result = Verification()
    for record in records:
        if record.remote or record.status != Status.IMPLEMENTED:
            continue
        stored = entries.get(record.id)
        if stored is None:
            result.unsealed.append(record.id)
            continue
        current = memo.hash(record)
        if current == stored:
            result.verified.append(record.id)
        else:
            result.mismatches.append((record, stored, current))
    memo.save()
    return result
