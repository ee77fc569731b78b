"""A cache of decoded record files under `.linespec/`, so warm loads skip YAML parsing.

Entries are keyed by path and validated against the file's size, mtime (ns) and inode,
so a changed file is always parsed again. The cache is safe to delete at any time, and
any problem reading or writing it just means parsing from scratch.
"""

from __future__ import annotations

import contextlib
import marshal
import os
from pathlib import Path
from typing import Any

from linespec.core import warmer
from linespec.core.configfile import PARSE_CACHE
from linespec.core.files import atomic_write

# ensure_state_dir lives in files, which a warm search imports without YAML; it is
# re-exported for the modules that import it from here.
from linespec.core.files import ensure_state_dir as ensure_state_dir
from linespec.core.yamlread import Document

# Bump whenever the decoded shape of a document changes.
FORMAT = 1

Stamp = tuple[int, int, int]


def stamp(stat: os.stat_result) -> Stamp:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)


class ParseCache:
    def __init__(self, state_dir: Path) -> None:
        # A helper may be filling this very file (see `warmer`).
        warmer.settle()
        self.path = state_dir / PARSE_CACHE
        self._old: dict[str, tuple[Stamp, Any, Any]] = self._read()
        self._new: dict[str, tuple[Stamp, Any, Any]] = {}

    def _read(self) -> dict[str, tuple[Stamp, Any, Any]]:
        try:
            version, entries = marshal.loads(self.path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return {}
        return entries if version == FORMAT and isinstance(entries, dict) else {}

    def get(self, path: Path, when: Stamp) -> Document | None:
        key = str(path)
        entry = self._old.get(key)
        if entry is None or entry[0] != when:
            return None
        self._new[key] = entry
        return Document(entry[1], entry[2])

    def put(self, path: Path, when: Stamp, doc: Document) -> None:
        self._new[str(path)] = (when, doc.data, doc.marks)

    def save(self) -> None:
        """Write the entries seen in this run, if they differ from what was read."""
        if self._new.keys() == self._old.keys() and all(
            self._old[k][0] == v[0] for k, v in self._new.items()
        ):
            return
        with contextlib.suppress(Exception):
            ensure_state_dir(self.path.parent)
            atomic_write(self.path, marshal.dumps((FORMAT, self._new)), durable=False)
