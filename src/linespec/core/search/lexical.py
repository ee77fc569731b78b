"""The lexical index: record files in SQLite FTS5, refreshed from file fingerprints.

`.linespec/search.sqlite` is a cache: every query first compares each record file's size,
mtime and inode with what was indexed and re-reads only the files that changed, so
results are never stale. A corrupt or foreign file, or one damaged later (a missing
table, a row that does not decode), is rebuilt from the record files with a warning. BM25
ranks the matches, with the title weighing most.
"""

from __future__ import annotations

import contextlib
import json
import marshal
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from linespec.core.recordfiles import is_record_file
from linespec.core.search import text as textmod
from linespec.errors import LinespecError

INDEX_FILE = "search.sqlite"
# Bump when the schema or what is indexed changes: an older index is rebuilt.
SCHEMA = "3"
# BM25 weights of the columns title, body (intent + constraints), tags, scope paths.
WEIGHTS = (8.0, 2.0, 3.0, 1.5)

_DDL = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records(
    rowid INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, size INTEGER, mtime INTEGER,
    ino INTEGER, id TEXT, title TEXT, status TEXT, fields TEXT, error TEXT);
CREATE VIRTUAL TABLE docs USING fts5(
    title, body, tags, paths, tokenize = 'porter unicode61 remove_diacritics 2');
"""

Stamp = tuple[int, int, int]
T = TypeVar("T")

# What a damaged index raises: SQLite's own errors (a dropped table, a broken FTS5 shadow
# table, a malformed page) and rows that no longer decode.
_DAMAGE = (sqlite3.Error, ValueError, TypeError, KeyError)


@dataclass(frozen=True)
class Doc:
    """What the index knows about one record (enough to show and re-embed it)."""

    id: str
    title: str
    status: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class Hit:
    doc: Doc
    score: float  # BM25, larger is better
    matched: tuple[str, ...]


@dataclass
class Refresh:
    """What a refresh changed (or, in a dry run, would change)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # "path: message"
    total: int = 0


def _scan(directory: Path, out: dict[str, Stamp]) -> None:
    try:
        entries = list(os.scandir(directory))
    except (FileNotFoundError, NotADirectoryError):
        return
    except OSError as exc:
        raise LinespecError(
            f"cannot read provenance directory: {exc.strerror or exc}", path=directory
        ) from None
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                _scan(Path(entry.path), out)
            elif is_record_file(entry.name) and entry.is_file():
                info = entry.stat()
                out[entry.path] = (info.st_size, info.st_mtime_ns, info.st_ino)
        except OSError:
            continue  # vanished while scanning: as if it was never there


def scan(directories: list[Path]) -> dict[str, Stamp]:
    """Every record file under DIRECTORIES with its fingerprint."""
    found: dict[str, Stamp] = {}
    for directory in directories:
        _scan(directory, found)
    return found


def read_fields(path: str) -> dict[str, Any]:
    """The raw mapping of a record file (strings and lists as written)."""
    from linespec.core.recordfiles import record_document

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise LinespecError(f"cannot read record: {exc.strerror or exc}", path=path) from None
    data = record_document(raw, Path(path)).data
    if not isinstance(data, dict):
        raise LinespecError("a record must be a YAML mapping", path=path)
    return data


def _doc(path: str, data: dict[str, Any]) -> Doc:
    stem = os.path.basename(path).rsplit(".", 1)[0]
    record_id = data.get("id")
    title = data.get("title")
    status = data.get("status")
    keep = ("title", "intent", "constraints", "tags", "affected_scope", "forbidden_scope")
    return Doc(
        record_id if isinstance(record_id, str) and record_id else stem,
        title if isinstance(title, str) else "",
        status if isinstance(status, str) else "",
        {key: data[key] for key in keep if key in data},
    )


def _row_doc(record_id: object, title: object, status: object, fields: object) -> Doc:
    """The Doc of a `records` row; ValueError or TypeError when the row is damaged."""
    data = json.loads(fields) if isinstance(fields, str) else None
    if not (
        isinstance(record_id, str)
        and isinstance(title, str)
        and isinstance(status, str)
        and isinstance(data, dict)
    ):
        raise TypeError(f"record {record_id!r} does not decode")
    return Doc(record_id, title, status, data)


class Index:
    """An open `search.sqlite`; use as a context manager.

    Every public method runs through `_guarded`: an index found damaged while in use is
    rebuilt from the record files once and the operation retried, so a cache can never
    be why a command fails.
    """

    def __init__(self, path: Path | None, warn: Callable[[str], None]) -> None:
        self.path = path
        self._warn = warn
        # The record directories of the last refresh: what a rebuilt index is refilled from.
        self._directories: list[Path] | None = None
        self.db = self._open()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def copy(self) -> Index:
        """An in-memory copy, to refresh without writing the file (a dry run)."""
        copy = Index(None, self._warn)
        try:
            self._guarded(lambda: self.db.backup(copy.db))
        except BaseException:
            copy.close()
            raise
        return copy

    def _open(self) -> sqlite3.Connection:
        from linespec.core.files import ensure_state_dir

        if self.path is None:
            return self._create(":memory:")
        try:
            ensure_state_dir(self.path.parent)
            size = self.path.stat().st_size if self.path.exists() else 0
        except OSError as exc:
            self._warn(f"cannot use {self.path} ({exc.strerror or exc}); using a temporary index")
            return self._create(":memory:")
        reason = ""
        if size:
            try:
                db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
                try:
                    row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
                except sqlite3.DatabaseError:
                    db.close()
                    raise
                if row is not None and row[0] == SCHEMA:
                    return db
                db.close()
                reason = "it was written by another version"
            except sqlite3.DatabaseError as exc:
                reason = f"it is unreadable ({exc})"
            self._warn(f"rebuilding the search index {self.path}: {reason}")
        return self._fresh()

    def _fresh(self) -> sqlite3.Connection:
        """A new, empty index file in place of the old one (in memory if it cannot be written)."""
        if self.path is None:
            return self._create(":memory:")
        try:
            # A fresh file beside the old one replaces it in one step: a concurrent reader
            # keeps the file it opened, and nothing is ever half-initialised.
            fresh = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            fresh.unlink(missing_ok=True)
            self._create(str(fresh)).close()
            os.replace(fresh, self.path)
            return sqlite3.connect(self.path, timeout=10, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            self._warn(f"cannot write {self.path} ({exc}); using a temporary index")
            return self._create(":memory:")

    @staticmethod
    def _create(target: str) -> sqlite3.Connection:
        db = sqlite3.connect(target, timeout=10, isolation_level=None)
        db.executescript(_DDL)
        db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA,))
        return db

    def _replace(self, memory: bool) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.close()
        self.db = self._create(":memory:") if memory else self._fresh()

    def _guarded(self, op: Callable[[], T], refill: bool = True) -> T:
        """OP; if the index proves damaged, OP again on one rebuilt from the record files.

        The file is rebuilt once; if it is still unusable, an in-memory index answers; if
        even that fails, one error. REFILL: re-read the records before retrying (an
        operation that is itself a refresh does that anyway).
        """
        failure: Exception | None = None
        for attempt in range(3):
            try:
                if failure is not None:
                    memory = attempt == 2 or self.path is None
                    if memory:
                        self._warn(
                            f"the search index is unusable ({failure}); using a temporary index"
                        )
                    else:
                        self._warn(
                            f"rebuilding the search index {self.path}: it is damaged ({failure})"
                        )
                    self._replace(memory)
                    if refill and self._directories is not None:
                        self._refresh(self._directories)
                return op()
            except _DAMAGE as exc:
                failure = exc
        raise LinespecError(f"cannot use the search index: {failure}", path=self.path)

    # -- small key/value store (the warm config, for instance) ---------------------------

    def get_meta(self, key: str) -> str | None:
        def get() -> str | None:
            row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            return str(row[0]) if row is not None else None

        return self._guarded(get)

    def set_meta(self, key: str, value: str) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # -- refresh ---------------------------------------------------------------------------

    def refresh(
        self,
        directories: list[Path],
        *,
        force: bool = False,
        dry_run: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> Refresh:
        """Bring the index in line with the record files; only changed files are read.

        FORCE recreates the index file and reads every record again."""
        self._directories = directories
        return self._guarded(
            lambda: self._refresh(directories, force=force, dry_run=dry_run, progress=progress),
            refill=False,
        )

    def _refresh(
        self,
        directories: list[Path],
        *,
        force: bool = False,
        dry_run: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> Refresh:
        found = scan(directories)
        if not force and not dry_run and found == self._stamps():
            # The common case, answered without reading the records table.
            result = Refresh(total=len(found))
            self._collect_failures(result)
            return result
        try:
            known = {
                row[0]: (row[1], (row[2], row[3], row[4]), row[5])
                for row in self.db.execute("SELECT path, rowid, size, mtime, ino, id FROM records")
            }
        except _DAMAGE:
            if not force or dry_run:
                raise
            known = {}  # about to be rebuilt anyway; only the report loses "updated"
        if force and not dry_run:
            # From scratch: nothing of the old file, damaged or not, is kept.
            self._replace(memory=False)
        result = Refresh(total=len(found))
        stale = [p for p, stamp in found.items() if force or known.get(p, (0, None))[1] != stamp]
        gone = [p for p in known if p not in found]
        result.removed = sorted(str(known[p][2] or p) for p in gone)
        if dry_run:
            for p in stale:
                (result.updated if p in known else result.added).append(p)
            return result
        if not stale and not gone:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('stamps', ?)", (marshal.dumps(found),)
                )
            self._collect_failures(result)
            return result
        rows: list[tuple[Any, ...]] = []
        docs: list[tuple[str, str, str, str, str]] = []
        for done, p in enumerate(sorted(stale), 1):
            stamp = found[p]
            try:
                doc = _doc(p, read_fields(p))
                error = None
            except LinespecError as exc:
                doc, error = None, exc.render()
            (result.updated if p in known else result.added).append(doc.id if doc else p)
            rows.append(
                (
                    p,
                    *stamp,
                    doc.id if doc else None,
                    doc.title if doc else None,
                    doc.status if doc else None,
                    json.dumps(doc.fields) if doc else None,
                    error,
                )
            )
            if doc is not None:
                docs.append((p, *textmod.lexical_columns(doc.fields)))
            if progress is not None:
                progress(done, len(stale))
        self.db.execute("BEGIN IMMEDIATE")
        try:
            drop = [(p,) for p in gone] + [(p,) for p in stale]
            self.db.executemany(
                "DELETE FROM docs WHERE rowid = (SELECT rowid FROM records WHERE path = ?)", drop
            )
            self.db.executemany("DELETE FROM records WHERE path = ?", drop)
            self.db.executemany(
                "INSERT INTO records VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
            )
            self.db.executemany(
                "INSERT INTO docs(rowid, title, body, tags, paths) "
                "SELECT rowid, ?, ?, ?, ? FROM records WHERE path = ?",
                [(*columns, p) for p, *columns in docs],
            )
            self.db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('stamps', ?)", (marshal.dumps(found),)
            )
            self.db.execute("COMMIT")
        except BaseException:
            # SQLite may have rolled back already (on a corrupt page, for one).
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            raise
        self._collect_failures(result)
        return result

    def _stamps(self) -> dict[str, Stamp] | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'stamps'").fetchone()
        try:
            stamps = marshal.loads(row[0]) if row is not None else None
        except (ValueError, EOFError, TypeError):
            return None
        return stamps if isinstance(stamps, dict) else None

    def _collect_failures(self, result: Refresh) -> None:
        result.failed = [
            str(row[0])
            for row in self.db.execute("SELECT error FROM records WHERE error IS NOT NULL")
        ]

    # -- reading -----------------------------------------------------------------------------

    def docs(self) -> list[Doc]:
        return self._guarded(
            lambda: [
                _row_doc(*row)
                for row in self.db.execute(
                    "SELECT id, title, status, fields FROM records WHERE id IS NOT NULL ORDER BY id"
                )
            ]
        )

    def count(self) -> int:
        return self._guarded(
            lambda: int(self.db.execute("SELECT count(*) FROM docs").fetchone()[0])
        )

    def search(self, terms: list[str], limit: int) -> list[Hit]:
        """The best LIMIT records matching any of TERMS, best first, with what matched."""
        if not terms or limit <= 0:
            return []
        return self._guarded(lambda: self._search(terms, limit))

    def _search(self, terms: list[str], limit: int) -> list[Hit]:
        # Every term is a run of letters and digits, quoted: FTS5 operators in a query
        # (`NEAR`, `AND`, `*`, `:`, `-`, quotes) are words or nothing, never syntax.
        expression = " OR ".join(f'"{t}"' for t in terms)
        weights = ", ".join(str(w) for w in WEIGHTS)
        found = self.db.execute(
            f"SELECT rowid, -bm25(docs, {weights}) FROM docs WHERE docs MATCH ? "
            "ORDER BY bm25(docs, {weights}) LIMIT ?".replace("{weights}", weights),
            (expression, limit),
        ).fetchall()
        if not found:
            return []
        ids = [rowid for rowid, _ in found]
        marks = ",".join("?" * len(ids))
        matched: dict[int, list[str]] = {rowid: [] for rowid in ids}
        for term in terms:
            for (rowid,) in self.db.execute(
                f"SELECT rowid FROM docs WHERE docs MATCH ? AND rowid IN ({marks})",
                (f'"{term}"', *ids),
            ):
                matched[rowid].append(term)
        meta = {
            row[0]: _row_doc(*row[1:])
            for row in self.db.execute(
                f"SELECT rowid, id, title, status, fields FROM records WHERE rowid IN ({marks})",
                ids,
            )
        }
        return [Hit(meta[rowid], score, tuple(matched[rowid])) for rowid, score in found]
