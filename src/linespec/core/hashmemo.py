"""Remembered content hashes of unchanged record files, under `.linespec/`.

Emitting a record's canonical text costs far more than reading it, and `compile`,
`verify` and lint's PROV-IMM hash every sealed record on every run. A file whose size,
mtime and inode are unchanged has the same content, so its hash is reused. Safe to delete.
Only for records as loaded from disk: a record changed in memory must be hashed directly.
"""

from __future__ import annotations

import contextlib
import marshal
import os
from pathlib import Path

from linespec.core.files import atomic_write
from linespec.core.model import Record
from linespec.core.parsecache import Stamp, ensure_state_dir, stamp

MEMO_FILE = "hash-memo.marshal"
FORMAT = 1


class HashMemo:
    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / MEMO_FILE
        self._old: dict[str, tuple[Stamp, str]] = self._read()
        self._new: dict[str, tuple[Stamp, str]] = {}

    def _read(self) -> dict[str, tuple[Stamp, str]]:
        try:
            version, entries = marshal.loads(self.path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return {}
        return entries if version == FORMAT and isinstance(entries, dict) else {}

    def hash(self, record: Record) -> str:
        # The emitter is imported on first use: most lint runs never hash anything.
        from linespec.core.canonical import content_hash

        if record.path is None:
            return content_hash(record)
        key = str(record.path)
        try:
            when = stamp(os.stat(record.path))
        except OSError:
            return content_hash(record)
        known = self._old.get(key)
        if known is not None and known[0] == when:
            self._new[key] = known
            return known[1]
        digest = content_hash(record)
        self._new[key] = (when, digest)
        return digest

    def save(self) -> None:
        if self._new == self._old:
            return
        with contextlib.suppress(Exception):
            ensure_state_dir(self.path.parent)
            atomic_write(self.path, marshal.dumps((FORMAT, self._new)), durable=False)
