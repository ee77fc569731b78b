"""Parsing a cold repository's record files in a forked helper while the command imports.

A cold `lint` spends a quarter of its time importing the record-model library and a
quarter parsing YAML, one after the other, on a machine that almost always has a second
core. The helper forks before those imports, parses every record file into the parse
cache (`parsecache`) and exits; by the time the parent has finished importing and opens
the cache (which first waits for the helper), the files are already parsed.

The helper decides nothing: it only fills a cache whose every entry the loader checks
against the file's stamp, as it checks entries written by any earlier run. A file the
helper could not parse, or changed since, is parsed by the loader as if there were no
helper, and a helper that fails (or a platform without `fork`) changes nothing but time.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from linespec.core.configfile import PARSE_CACHE, STATE_DIR
from linespec.core.recordfiles import record_files

# Below this many files, parsing them costs less than starting the helper saves.
MIN_FILES = 100


# The helper this process started and has not waited for yet.
_pending: int | None = None


def settle() -> None:
    """Wait for a started helper to finish; the parse cache calls this before reading."""
    global _pending
    if _pending is not None:
        pid, _pending = _pending, None
        with contextlib.suppress(ChildProcessError, InterruptedError):
            os.waitpid(pid, 0)


def start(explicit: Path | None = None) -> bool:
    """Fork a helper that parses the record files into the parse cache, when worth it;
    whether one was started. Never raises: the command goes on without a helper.

    Only for a plain config (read without pydantic, as the hook path reads it) found from
    the current directory or EXPLICIT, with no parse cache yet but a state directory it
    can create, at least MIN_FILES record files, a second CPU, and no other thread: a
    thread holding a lock at the fork would leave the helper waiting on it forever.
    """
    global _pending
    if _pending is not None or not hasattr(os, "fork") or _cpus() < 2:
        return False
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return False
    try:
        work = _work(explicit)
        if work is None:
            return False
        pid = os.fork()
    except Exception:
        return False
    if pid == 0:
        # The helper must never return into the command, flush its output buffers or run
        # its exit handlers: whatever happens, it leaves through os._exit.
        try:
            _parse_into_cache(*work)
        finally:
            os._exit(0)
    _pending = pid
    return True


def _cpus() -> int:
    # The CPUs this process may run on, which a container or `taskset` may limit.
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def _work(explicit: Path | None) -> tuple[Path, list[Path]] | None:
    """The state directory and record files a helper would parse, or None."""
    from linespec.core.checkrun import plain_config

    config = plain_config(Path.cwd(), explicit)
    if config is None:
        return None
    state_dir = config.provenance_dirs[0].parent / STATE_DIR
    if (state_dir / PARSE_CACHE).exists():
        return None
    # A cache the helper cannot write would be parsed for nothing on every run.
    if not os.access(state_dir if state_dir.is_dir() else state_dir.parent, os.W_OK):
        return None
    files: list[Path] = []
    for directory in config.provenance_dirs:
        files.extend(record_files(directory))
    return (state_dir, files) if len(files) >= MIN_FILES else None


def _parse_into_cache(state_dir: Path, files: list[Path]) -> None:
    from linespec.core.parsecache import ParseCache, stamp
    from linespec.core.recordfiles import read_record, record_document

    cache = ParseCache(state_dir)
    for path in files:
        try:
            # The stamp is taken before reading, as the loader takes it.
            when = stamp(path.stat())
            cache.put(path, when, record_document(read_record(path), path))
        except Exception:
            # The loader parses it, and reports what is wrong with it.
            continue
    cache.save()
