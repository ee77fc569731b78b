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

from linespec.core.configfile import STATE_DIR
from linespec.core.recordfiles import record_files

# Below this many files, parsing them costs less than starting the helper saves.
MIN_FILES = 100
_PARSE_CACHE = "parse-cache.marshal"


# The helper this process started and has not waited for yet.
_pending: int | None = None


def settle() -> None:
    """Wait for a started helper to finish; the parse cache calls this before reading."""
    global _pending
    if _pending is not None:
        pid, _pending = _pending, None
        with contextlib.suppress(ChildProcessError, InterruptedError):
            os.waitpid(pid, 0)


def start(cwd: Path, explicit: Path | None = None) -> bool:
    """Fork a helper that parses the record files into the parse cache, when worth it;
    whether one was started.

    Only for a plain config (read without pydantic, as the hook path reads it), with no
    parse cache yet, at least MIN_FILES record files, a second CPU, and no other thread:
    a thread holding a lock at the fork would leave the helper waiting on it forever.
    """
    global _pending
    if _pending is not None or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2:
        return False
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return False
    from linespec.core.checkrun import plain_config

    try:
        config = plain_config(cwd, explicit)
    except Exception:
        return False
    if config is None:
        return False
    state_dir = config.provenance_dirs[0].parent / STATE_DIR
    if (state_dir / _PARSE_CACHE).exists():
        return False
    files: list[Path] = []
    with contextlib.suppress(Exception):
        for directory in config.provenance_dirs:
            files.extend(record_files(directory))
    if len(files) < MIN_FILES:
        return False
    try:
        pid = os.fork()
    except OSError:
        return False
    if pid == 0:
        # The helper must never return into the command, flush its output buffers or run
        # its exit handlers: whatever happens, it leaves through os._exit.
        try:
            _parse_into_cache(state_dir, files)
        finally:
            os._exit(0)
    _pending = pid
    return True


def _parse_into_cache(state_dir: Path, files: list[Path]) -> None:
    from linespec.core.parsecache import ParseCache, stamp
    from linespec.core.recordfiles import read_record, record_document
    from linespec.errors import LinespecError

    cache = ParseCache(state_dir)
    for path in files:
        try:
            # The stamp is taken before reading, as the loader takes it.
            when = stamp(path.stat())
            cache.put(path, when, record_document(read_record(path), path))
        except (OSError, LinespecError):
            continue
    cache.save()
