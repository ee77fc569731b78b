"""Shared repositories: where their records are cached, how fresh the cache is, and `sync`.

Each `shared_repos` object is fetched into `<cache root>/<sha256(url)>/provenance/` with
a `.meta` JSON file beside it. The cache root is `$LINESPEC_CACHE_DIR` when set, else
`$XDG_CACHE_HOME/linespec` when that is set, else `~/.linespec/cache` (the Go tool's
place). A string entry of `shared_repos` is a local directory of records (relative to
the config file) and needs no sync. Records from either source load read-only.

This module is imported by every record load, so it imports nothing heavy at the top.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath

from linespec.core.config import Config, SharedRepo
from linespec.core.recordfiles import is_record_file
from linespec.errors import (
    GitError,
    GitOutputTooLarge,
    GitTimedOut,
    LinespecError,
    StorageError,
)

CACHE_ENV = "LINESPEC_CACHE_DIR"
GIT_TIMEOUT_ENV = "LINESPEC_GIT_TIMEOUT"
DEFAULT_GIT_TIMEOUT = 300.0
META = ".meta"
RECORDS = "provenance"
# A shared repository's provenance directory, fetched as a tar, may not be larger.
MAX_FETCH_BYTES = 512 * 1024 * 1024


def cache_root() -> Path:
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg).expanduser() / "linespec"
    return Path.home() / ".linespec" / "cache"


def cache_dir(url: str) -> Path:
    return cache_root() / hashlib.sha256(url.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Source:
    """Where one `shared_repos` entry's records are read from."""

    label: str
    directory: Path
    repo: SharedRepo | None


def sources(config: Config) -> list[Source]:
    """Every shared_repos entry with its record directory, in config order."""
    base = config.source.parent if config.source is not None else config.root
    found: list[Source] = []
    for entry in config.settings.shared_repos:
        if isinstance(entry, str):
            path = Path(entry)
            found.append(Source(entry, path if path.is_absolute() else base / path, None))
        elif entry.url:
            found.append(Source(entry.name, cache_dir(entry.url) / RECORDS, entry))
        else:
            # Reported by sync; there is nothing to load.
            found.append(Source(entry.name or "(unnamed)", Path(), entry))
    return found


def record_dirs(config: Config) -> list[Path]:
    """Directories of read-only records: local string entries, and populated caches."""
    return [
        s.directory
        for s in sources(config)
        if (s.repo is None or s.repo.url) and s.directory.is_dir()
    ]


# --- .meta and freshness ----------------------------------------------------------------


@dataclass(frozen=True)
class Meta:
    fetched_at: dt.datetime
    record_count: int
    repo_name: str
    repo_url: str
    repo_ref: str


def _rfc3339_nano(when: dt.datetime) -> str:
    # Go's time.RFC3339Nano: nanosecond digits with trailing zeros dropped, "Z" for UTC.
    text = when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    fraction = f"{when.microsecond:06d}000".rstrip("0")
    return f"{text}.{fraction}Z" if fraction else f"{text}Z"


def _parse_time(text: str) -> dt.datetime:
    head, _, rest = text.partition(".")
    if rest:
        digits = "".join(c for c in rest if c.isdigit())
        zone = rest[len(digits) :]
        text = f"{head}.{digits[:6].ljust(6, '0')}{zone}"
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def read_meta(directory: Path) -> Meta | None:
    try:
        data = json.loads((directory / META).read_text(encoding="utf-8"))
        return Meta(
            _parse_time(str(data["fetched_at"])),
            int(data.get("record_count", 0)),
            str(data.get("repo_name", "")),
            str(data.get("repo_url", "")),
            str(data.get("repo_ref", "")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def meta_json(meta: Meta) -> bytes:
    data = {
        "fetched_at": _rfc3339_nano(meta.fetched_at),
        "record_count": meta.record_count,
        "repo_name": meta.repo_name,
        "repo_url": meta.repo_url,
        "repo_ref": meta.repo_ref,
    }
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def is_fresh(
    meta: Meta | None, ttl_minutes: int, now: dt.datetime | None = None, *, ref: str | None = None
) -> bool:
    """Whether a cache is younger than the TTL and (given REF) was fetched at that ref.

    The cache is keyed by URL alone (the Go tool's layout), so a changed `ref` must make
    it stale: otherwise the old ref's records keep loading and a bad ref goes unnoticed.
    """
    if meta is None or (ref is not None and meta.repo_ref != ref):
        return False
    now = now or dt.datetime.now(dt.UTC)
    return now - meta.fetched_at < dt.timedelta(minutes=ttl_minutes)


def stale(config: Config) -> list[SharedRepo]:
    """Shared repositories with a synced cache older than cache_ttl_minutes (or of another
    ref). A repository never synced has no cache to be stale."""
    ttl = config.settings.cache_ttl_minutes
    return [
        s.repo
        for s in sources(config)
        if s.repo is not None
        and s.repo.url
        and s.directory.parent.is_dir()
        and not is_fresh(read_meta(s.directory.parent), ttl, ref=s.repo.ref)
    ]


# --- sync -------------------------------------------------------------------------------


class Outcome(StrEnum):
    synced = "synced"
    fresh = "fresh"
    local = "local"
    failed = "failed"


@dataclass(frozen=True)
class SyncResult:
    label: str
    url: str  # redacted: safe to print
    outcome: Outcome
    records: int = 0
    error: str = ""


def _git_timeout() -> float:
    raw = os.environ.get(GIT_TIMEOUT_ENV, "")
    try:
        value = float(raw) if raw else DEFAULT_GIT_TIMEOUT
    except ValueError:
        return DEFAULT_GIT_TIMEOUT
    return value if value > 0 else DEFAULT_GIT_TIMEOUT


def sync(config: Config, *, force: bool = False) -> list[SyncResult]:
    """Refresh every shared repository's cache that is stale (all of them with FORCE)."""
    from linespec.core.fetch import redact

    results: list[SyncResult] = []
    ttl = config.settings.cache_ttl_minutes
    for source in sources(config):
        repo = source.repo
        if repo is None:
            results.append(SyncResult(source.label, str(source.directory), Outcome.local))
            continue
        shown = redact(repo.url)
        if not repo.url:
            results.append(SyncResult(source.label, "", Outcome.failed, error="no url configured"))
            continue
        directory = source.directory.parent
        if not force and is_fresh(read_meta(directory), ttl, ref=repo.ref):
            results.append(SyncResult(repo.name, shown, Outcome.fresh))
            continue
        try:
            count = fetch_repo(repo, directory)
        except LinespecError as exc:
            results.append(SyncResult(repo.name, shown, Outcome.failed, error=redact(exc.message)))
            continue
        results.append(SyncResult(repo.name, shown, Outcome.synced, count))
    return results


def fetch_repo(repo: SharedRepo, directory: Path) -> int:
    """Fetch REPO's records into DIRECTORY (its cache), replacing the old cache whole.

    The new cache is built beside the old one and swapped in by renames, so a failed
    fetch leaves the previous cache (and a reader mid-load) untouched.
    """
    from linespec.core.fetch import redact
    from linespec.core.files import staging_dir

    root = directory.parent
    staging = staging_dir(directory, "sync")
    try:
        records = staging / RECORDS
        records.mkdir()
        files = _fetch_files(repo)
        for name, data in files.items():
            (records / name).write_bytes(data)
        meta = Meta(dt.datetime.now(dt.UTC), len(files), repo.name, redact(repo.url), repo.ref)
        (staging / META).write_bytes(meta_json(meta))
        _swap(staging, directory)
    except OSError as exc:
        raise StorageError(f"cannot write the cache: {exc.strerror or exc}", path=root) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return len(files)


def _swap(staging: Path, directory: Path) -> None:
    old = None
    if directory.exists():
        old = directory.with_name(f".{directory.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.rename(directory, old)
    try:
        os.rename(staging, directory)
    except OSError:
        if old is not None:
            os.rename(old, directory)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _too_large() -> LinespecError:
    mib = 1024 * 1024
    size = (
        f"{MAX_FETCH_BYTES // mib} MiB"
        if MAX_FETCH_BYTES % mib == 0
        else f"{MAX_FETCH_BYTES} bytes"
    )
    return LinespecError(f"the shared provenance directory is over {size}")


def _fetch_files(repo: SharedRepo) -> dict[str, bytes]:
    """The top-level .yml/.yaml files of REPO's `dir` at `ref`: archive, else sparse clone."""
    from linespec import git

    timeout = _git_timeout()
    with tempfile.TemporaryDirectory(prefix="linespec-sync-") as scratch:
        try:
            data = git.archive_remote(
                repo.url, repo.ref, repo.dir, Path(scratch), timeout=timeout, limit=MAX_FETCH_BYTES
            )
        except GitOutputTooLarge:
            raise _too_large() from None
        except GitTimedOut:
            raise  # a slow server: the clone would wait as long again
        except GitError:
            # Many servers (GitHub, plain git daemons) do not offer upload-archive.
            pass
        else:
            return _files_from_tar(data, repo.dir)
        git.sparse_clone(repo.url, repo.ref, repo.dir, Path(scratch), timeout=timeout)
        return _files_from_checkout(Path(scratch), repo.dir)


def _files_from_tar(data: bytes, directory: str) -> dict[str, bytes]:
    import io
    import tarfile

    prefix = PurePosixPath(directory)
    files: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
            for member in tar:
                path = PurePosixPath(member.name)
                # Only regular files directly in DIR; nothing is extracted to disk from here.
                if not member.isreg() or path.parent != prefix or not is_record_file(path.name):
                    continue
                handle = tar.extractfile(member)
                if handle is not None:
                    files[path.name] = handle.read()
    except tarfile.TarError as exc:
        raise LinespecError(f"git archive sent an unreadable archive: {exc}") from None
    return files


def _files_from_checkout(checkout: Path, directory: str) -> dict[str, bytes]:
    folder = checkout.joinpath(*PurePosixPath(directory).parts)
    files: dict[str, bytes] = {}
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except FileNotFoundError:
        return files
    total = 0
    for entry in entries:
        # Regular files only: a symlink in someone else's repository must not make us
        # copy a file of this machine into the cache.
        if entry.is_file(follow_symlinks=False) and is_record_file(entry.name):
            # Sized before it is read: one huge file must not be read whole to find out.
            total += entry.stat(follow_symlinks=False).st_size
            if total > MAX_FETCH_BYTES:
                raise _too_large()
            files[entry.name] = Path(entry.path).read_bytes()
    return files
