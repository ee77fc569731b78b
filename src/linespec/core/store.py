"""Finding and loading record files.

Reading goes through the libyaml-backed strict reader; writes live in `write.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from linespec.core import scopecache, shared
from linespec.core.config import Config
from linespec.core.graph import RecordSet
from linespec.core.model import Record, record_from_document
from linespec.core.parsecache import ParseCache, stamp
from linespec.core.recordfiles import check_name, read_record, record_document, record_files
from linespec.errors import LoadError


def load_file(
    path: Path,
    *,
    remote: bool = False,
    cache: ParseCache | None = None,
    seen: list[str] | None = None,
) -> Record:
    """Load one record file; with SEEN, add its scope-cache stamp line (taken before reading)."""
    when = None
    doc = None
    if cache is not None:
        try:
            info = path.stat()
        except OSError as exc:
            raise LoadError(f"cannot read record: {exc.strerror or exc}", path=path) from None
        when = stamp(info)
        if seen is not None:
            seen.append(scopecache.stamp_line(str(path), info))
        doc = cache.get(path, when)
    if doc is None:
        doc = record_document(read_record(path), path)
        if cache is not None and when is not None:
            cache.put(path, when, doc)
    record = record_from_document(doc, path, remote=remote)
    check_name(record, path)
    return record


@dataclass
class Loaded:
    """Everything that loaded, and every file that did not."""

    records: RecordSet[Record]
    failures: list[LoadError]
    # The scope-cache stamp of the files as they were read ("" when no cache was used).
    fingerprint: str = ""


def load_all(config: Config, *, use_cache: bool = True) -> Loaded:
    """Load every record file, collecting per-file failures instead of stopping at one.

    The linter reports failures as findings; every other command uses `load_records`.
    Directory-level failures (an unreadable provenance dir) still raise.
    """
    cache = ParseCache(config.state_dir) if use_cache else None
    seen: list[str] | None = [] if use_cache else None
    records: list[Record] = []
    failures: list[LoadError] = []
    for directory in [config.provenance_dir, *config.extra_dirs]:
        _load_dir(directory, records, failures, cache=cache, seen=seen)
    remote, remote_failures = load_shared(config, cache=cache, seen=seen)
    records.extend(remote)
    failures.extend(remote_failures)
    if cache is not None and records:
        cache.save()
    stamp = scopecache.digest(seen) if seen is not None else ""
    return Loaded(RecordSet(records), failures, stamp)


def load_shared(
    config: Config, *, cache: ParseCache | None = None, seen: list[str] | None = None
) -> tuple[list[Record], list[LoadError]]:
    """The read-only records of shared repositories (sync caches, and local directories
    listed as strings), which load after the repository's own records, and the files
    that failed to load.
    """
    records: list[Record] = []
    failures: list[LoadError] = []
    for directory in shared.record_dirs(config):
        _load_dir(directory, records, failures, cache=cache, remote=True, seen=seen)
    return records, failures


def _load_dir(
    directory: Path,
    records: list[Record],
    failures: list[LoadError],
    *,
    cache: ParseCache | None,
    remote: bool = False,
    seen: list[str] | None = None,
) -> None:
    for path in record_files(directory):
        try:
            records.append(load_file(path, remote=remote, cache=cache, seen=seen))
        except LoadError as exc:
            failures.append(exc)


def record_directories(config: Config) -> list[Path]:
    """Every directory records load from: local ones, then shared ones (the fingerprint's)."""
    return [config.provenance_dir, *config.extra_dirs, *shared.record_dirs(config)]


def load_records(config: Config, *, use_cache: bool = True) -> RecordSet[Record]:
    """Every record of the repository, validated as a graph; the first problem raises.

    Like every command that loads records, this refreshes the scope cache that `govern`,
    `next` and the commit hook read (§12.6); with USE_CACHE off, no cache is touched.
    """
    loaded = load_all(config, use_cache=use_cache)
    if loaded.failures:
        raise loaded.failures[0]
    loaded.records.validate()
    if use_cache:
        scopecache.refresh(config.root, loaded.fingerprint, loaded.records)
    return loaded.records
