"""The derived lineage index `.linespec/lineage.sqlite` at the repository root.

It holds the records' lineage fields, the commits that touched or named a record, their
agents and the record versions (blobs) they read and wrote, so queries never walk the
history again. It is keyed by the record files' stat fingerprint, the config file's
identity, HEAD and whether the clone is shallow; any change is a miss and the index is
rebuilt whole into a temporary file that then replaces the old one, so a reader sees the
old index or the new one, never half of either. A corrupt or locked file is a miss too,
and so is a damaged one: a schema that differs from the one below, or a table whose row
count differs from the one recorded when it was built (about 2 ms on 50,000 commits).

Free of pydantic, rich and prov on the read side: the query fast path opens it.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from linespec import git
from linespec.core.configfile import STATE_DIR, identity
from linespec.core.recordfiles import is_record_file
from linespec.core.scopecache import fingerprint

if TYPE_CHECKING:
    from linespec.core.config import Config
    from linespec.core.lineage.history import Agent

FILE_NAME = "lineage.sqlite"
# Bump whenever the schema or the meaning of a column changes.
FORMAT = "2"
_BATCH = 2000

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records(
    id TEXT PRIMARY KEY, path TEXT, title TEXT, status TEXT, type TEXT, author TEXT,
    author_agent TEXT, created_at TEXT, sealed_at_sha TEXT, superseded_by TEXT);
CREATE TABLE edges(src TEXT NOT NULL, dst TEXT NOT NULL, kind TEXT NOT NULL);
CREATE TABLE agents(id TEXT PRIMARY KEY, name TEXT, email TEXT, software INTEGER);
CREATE TABLE delegations(agent TEXT, on_behalf_of TEXT, sha TEXT);
CREATE TABLE commits(
    sha TEXT PRIMARY KEY, seq INTEGER, parents TEXT, author_time INTEGER,
    commit_time INTEGER, subject TEXT, boundary INTEGER, lifecycle INTEGER DEFAULT 0);
CREATE TABLE commit_agents(sha TEXT, agent TEXT, role TEXT);
CREATE TABLE changes(
    sha TEXT, record_id TEXT, path TEXT, old_blob TEXT, new_blob TEXT, action TEXT,
    kind TEXT, old_status TEXT, new_status TEXT);
CREATE TABLE tags(sha TEXT, record_id TEXT);
CREATE TABLE versions(blob TEXT PRIMARY KEY, status TEXT);
CREATE TABLE problems(kind TEXT, subject TEXT, detail TEXT);
"""
INDEXES = """
CREATE INDEX edges_src ON edges(src);
CREATE INDEX edges_dst ON edges(dst);
CREATE INDEX changes_record ON changes(record_id);
CREATE INDEX changes_sha ON changes(sha);
CREATE INDEX tags_record ON tags(record_id);
CREATE INDEX tags_sha ON tags(sha);
CREATE INDEX commit_agents_sha ON commit_agents(sha);
"""


def index_path(root: Path) -> Path:
    return root / STATE_DIR / FILE_NAME


def config_identity(source: Path | None) -> str:
    """The config file's path and stat, taken before it is read: an edit is a miss."""
    if source is None:
        return "none"
    stamp = identity(source)
    if stamp is None:
        return f"{source}:missing"
    return ":".join(map(str, (source, *stamp)))


@dataclass(frozen=True)
class Key:
    """What the index was built from; equal keys mean a fresh index."""

    config: str
    dirs: tuple[str, ...]
    fingerprint: str
    head: str
    shallow: bool

    def meta(self) -> dict[str, str]:
        return {
            "format": FORMAT,
            "config": self.config,
            "dirs": json.dumps(self.dirs),
            "fingerprint": self.fingerprint,
            "head": self.head,
            "shallow": "1" if self.shallow else "0",
        }


def current_key(root: Path, source: Path | None, dirs: tuple[str, ...]) -> Key:
    config = config_identity(source)
    head_state = git.head_state(root)  # git runs while the record files are stat'ed
    stamp = fingerprint([Path(d) for d in dirs])
    head, shallow = head_state()
    return Key(config, dirs, stamp, head, shallow)


def open_index(path: Path) -> sqlite3.Connection | None:
    """The index opened read-only, or None when it is missing, corrupt or locked."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.2)
        conn.execute("SELECT count(*) FROM meta").fetchone()
    except sqlite3.Error:
        return None
    return conn


def read_meta(conn: sqlite3.Connection) -> dict[str, str]:
    try:
        return dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.Error:
        return {}


@functools.cache
def _expected_schema() -> frozenset[tuple[str, str, str | None]]:
    with contextlib.closing(sqlite3.connect(":memory:")) as conn:
        conn.executescript(SCHEMA + INDEXES)
        return frozenset(conn.execute("SELECT type, name, sql FROM sqlite_master"))


def _tables() -> list[str]:
    return sorted(
        name for kind, name, _ in _expected_schema() if kind == "table" and name != "meta"
    )


def damage(conn: sqlite3.Connection, meta: dict[str, str]) -> str:
    """Why the index cannot be trusted, or "" when it looks whole.

    Compares its schema with this version's and each table's row count with the one
    recorded when it was built. Not a page-by-page check (`PRAGMA quick_check` reads the
    whole file): a query that meets a damaged page raises, and its caller rebuilds.
    """
    try:
        found = frozenset(conn.execute("SELECT type, name, sql FROM sqlite_master"))
        expected = _expected_schema()
        if found != expected:
            # sqlite_autoindex_* come and go with their tables: naming them says nothing more.
            have, want = _named(found), _named(expected)
            groups = {
                "missing": want - have,
                "changed": _named(found ^ expected) & have & want,
                "unexpected": have - want,
            }
            return "; ".join(f"{k}: {', '.join(sorted(v))}" for k, v in groups.items() if v)
        built = json.loads(meta.get("counts", "{}"))
        for table in _tables():
            (rows,) = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
            if rows != built.get(table):
                return f"{table} has {rows} rows, but {built.get(table, 'none')} were written"
    except (sqlite3.Error, ValueError, AttributeError) as exc:
        return str(exc) or type(exc).__name__
    return ""


def _named(schema: frozenset[tuple[str, str, str | None]]) -> set[str]:
    return {name for _, name, _ in schema if not name.startswith("sqlite_")}


def open_fresh(root: Path, source: Path | None) -> sqlite3.Connection | None:
    """The index when it is fresh for this config and work tree and whole, else None.

    Cheap enough for every query: one stat per record file, one `git rev-parse`, the
    schema and a row count per table.
    """
    conn = open_index(index_path(root))
    if conn is None:
        return None
    meta = read_meta(conn)
    if damage(conn, meta):
        conn.close()
        return None
    try:
        dirs = tuple(json.loads(meta.get("dirs", "[]")))
    except ValueError:
        dirs = ()
    if meta.get("config") != config_identity(source) or not _same(
        meta, current_key(root, source, dirs)
    ):
        conn.close()
        return None
    return conn


def _same(meta: dict[str, str], key: Key) -> bool:
    return all(meta.get(name) == value for name, value in key.meta().items())


@dataclass
class Status:
    """What `lineage db status` reports."""

    path: Path
    exists: bool
    readable: bool
    fresh: bool
    damage: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[tuple[str, str, str]] = field(default_factory=list)


def status(root: Path, key: Key) -> Status:
    path = index_path(root)
    conn = open_index(path)
    if conn is None:
        return Status(path, path.exists(), False, False)
    with contextlib.closing(conn):
        meta = read_meta(conn)
        broken = damage(conn, meta)
        if broken:
            return Status(path, True, True, False, broken, meta)
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("records", "commits", "agents", "versions")
        }
        problems = conn.execute(
            "SELECT kind, subject, detail FROM problems ORDER BY 1, 2"
        ).fetchall()
    return Status(path, True, True, _same(meta, key), "", meta, counts, problems)


def ensure(config: Config, root: Path) -> tuple[sqlite3.Connection, str]:
    """A fresh index, rebuilt first when stale, missing, corrupt or locked.

    Returns it with a note for the user when an existing file could not be read.
    """
    key = key_for(config, root)
    path = index_path(root)
    conn = open_index(path)
    note = ""
    if conn is not None:
        meta = read_meta(conn)
        if _same(meta, key):
            broken = damage(conn, meta)
            if not broken:
                return conn, note
            note = f"{path} was damaged ({broken}); rebuilt it"
        conn.close()
    elif path.exists():
        note = f"{path} was unreadable (corrupt or locked); rebuilt it"
    return rebuilt(config, root, key), note


def rebuilt(config: Config, root: Path, key: Key | None = None) -> sqlite3.Connection:
    """A new index for the current KEY, opened read-only."""
    path = build(config, root, key or key_for(config, root))
    fresh = open_index(path)
    if fresh is None:
        from linespec.errors import StorageError

        raise StorageError("cannot open the lineage index just built", path=path)
    return fresh


def key_for(config: Config, root: Path) -> Key:
    return current_key(root, config.source, tuple(str(d) for d in _record_dirs(config)))


def _record_dirs(config: Config) -> list[Path]:
    """Where the loader reads records, and every configured shared cache, populated or not.

    The fast path re-stats only the directories stored in the index: a cache that a later
    sync creates must already be among them, or its records would go unnoticed.
    """
    from linespec.core import shared
    from linespec.core.store import record_directories

    found = record_directories(config)
    found.extend(
        s.directory
        for s in shared.sources(config)
        if (s.repo is None or s.repo.url) and s.directory not in found
    )
    return found


def build(config: Config, root: Path, key: Key) -> Path:
    """Write a new index for KEY beside the old one, then swap it in."""
    from linespec.core.parsecache import ensure_state_dir
    from linespec.errors import StorageError

    target = index_path(root)
    try:
        ensure_state_dir(target.parent)
    except OSError as exc:
        raise StorageError(f"cannot create {STATE_DIR}/: {exc.strerror}", path=target) from None
    temp = target.with_name(f".{FILE_NAME}.{os.getpid()}.tmp")
    temp.unlink(missing_ok=True)
    try:
        conn = sqlite3.connect(temp)
        with contextlib.closing(conn):
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            conn.executescript(SCHEMA)
            _fill(conn, config, root, key)
            conn.executescript(INDEXES)
            counts = {
                table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in _tables()
            }
            conn.execute("INSERT INTO meta VALUES ('counts', ?)", (json.dumps(counts),))
            conn.commit()
        os.replace(temp, target)
    except sqlite3.Error as exc:
        temp.unlink(missing_ok=True)
        raise StorageError(f"cannot write the lineage index: {exc}", path=target) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return target


def _fill(conn: sqlite3.Connection, config: Config, root: Path, key: Key) -> None:
    # Imported here: the query fast path opens the index without YAML, records or uuid.
    from linespec.core.lineage.history import Agent, parse_person, remember
    from linespec.core.store import load_all

    loaded = load_all(config)
    agents: dict[str, Agent] = {}
    problems: list[tuple[str, str, str]] = [
        ("unloadable", str(failure.path or ""), failure.message) for failure in loaded.failures
    ]
    rows = []
    edges: list[tuple[str, str, str]] = []
    known = {record.id for record in loaded.records}
    for record in loaded.records:
        person = parse_person(record.author)
        author_agent = ""
        if person is not None:
            agent = Agent(person[0], person[1], False)
            remember(agents, agent)
            author_agent = agent.id
        rows.append(
            (
                record.id,
                str(record.path or ""),
                record.title,
                record.status,
                record.effective_type,
                record.author,
                author_agent,
                record.created_at,
                record.sealed_at_sha,
                record.superseded_by_id,
            )
        )
        targets = [
            ("implements", record.implements),
            ("extends", record.extends),
            ("supersedes", record.supersedes_id),
            *(("related", related) for related in record.related),
        ]
        for kind, target in targets:
            if target in ("", "null"):
                continue
            edges.append((record.id, target, kind))
            if target not in known:
                problems.append(("unknown-id", record.id, f"{kind} {target}, which no record has"))
    conn.executemany("INSERT OR IGNORE INTO records VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    conn.executemany("INSERT INTO edges VALUES (?,?,?)", edges)
    problems.extend(("cycle", path[0], " → ".join(path)) for path in _cycles(edges))
    # History follows the repository's own record directories, not shared read-only ones.
    local = [config.provenance_dir, *config.extra_dirs]
    seen = _history(conn, root, key, _record_prefixes(root, local), agents, problems)
    conn.executemany(
        "INSERT OR IGNORE INTO agents VALUES (?,?,?,?)",
        ((a.id, a.name, a.email, int(a.software)) for a in agents.values()),
    )
    conn.executemany("INSERT INTO problems VALUES (?,?,?)", problems)
    # The stamp of the files as they were read: one changed since KEY was taken is a miss.
    meta = {
        **key.meta(),
        "fingerprint": loaded.fingerprint,
        "built_at": str(int(time.time())),
        "commits_seen": str(seen),
    }
    conn.executemany("INSERT INTO meta VALUES (?,?)", meta.items())


def _cycles(edges: list[tuple[str, str, str]]) -> list[list[str]]:
    """Each cycle of implements/extends, once, starting at its smallest ID."""
    parents: dict[str, list[str]] = {}
    for src, dst, kind in edges:
        if kind in ("implements", "extends"):
            parents.setdefault(src, []).append(dst)
    found: dict[tuple[str, ...], list[str]] = {}
    done: set[str] = set()
    for start in sorted(parents):
        # Iterative depth-first walk: 5,000-deep chains must not hit the recursion limit.
        path: list[str] = []
        on_path: set[str] = set()
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(parents.get(start, [])))]
        path.append(start)
        on_path.add(start)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                on_path.discard(node)
                done.add(node)
                continue
            if child in on_path:
                cycle = path[path.index(child) :]
                turn = cycle.index(min(cycle))
                canonical = cycle[turn:] + cycle[:turn]
                found.setdefault(tuple(canonical), [*canonical, canonical[0]])
            elif child not in done:
                stack.append((child, iter(parents.get(child, []))))
                path.append(child)
                on_path.add(child)
    return [found[k] for k in sorted(found)]


def _record_prefixes(root: Path, directories: list[Path]) -> list[str]:
    prefixes = []
    for directory in directories:
        rel = os.path.relpath(directory, root)
        if rel == ".":
            prefixes.append("")
        elif not rel.startswith(".."):
            prefixes.append(rel.replace(os.sep, "/").rstrip("/") + "/")
    return prefixes


def _record_id(path: str, prefixes: list[str]) -> str | None:
    name = path.rsplit("/", 1)[-1]
    if not is_record_file(name):
        return None
    if not any(path.startswith(prefix) for prefix in prefixes):
        return None
    return name.rsplit(".", 1)[0]


def _history(
    conn: sqlite3.Connection,
    root: Path,
    key: Key,
    prefixes: list[str],
    agents: dict[str, Agent],
    problems: list[tuple[str, str, str]],
) -> int:
    """Stream the history into the index; the number of commits read."""
    from linespec.core.checks import message_ids
    from linespec.core.lineage.history import commit_agents, remember

    if not key.head:
        return 0
    commits: list[tuple[object, ...]] = []
    roles: list[tuple[str, str, str]] = []
    delegations: list[tuple[str, str, str]] = []
    changes: list[tuple[str, ...]] = []
    tags: list[tuple[str, str]] = []
    seen = 0

    def flush() -> None:
        conn.executemany("INSERT OR IGNORE INTO commits VALUES (?,?,?,?,?,?,?,0)", commits)
        conn.executemany("INSERT INTO commit_agents VALUES (?,?,?)", roles)
        conn.executemany("INSERT INTO delegations VALUES (?,?,?)", delegations)
        conn.executemany("INSERT INTO changes VALUES (?,?,?,?,?,?,'','','')", changes)
        conn.executemany("INSERT INTO tags VALUES (?,?)", tags)
        for rows in (commits, roles, delegations, changes, tags):
            rows.clear()

    for fields, raw in git.history(root):
        seen += 1
        sha, parents, a_name, a_email, a_time, c_name, c_email, c_time, message = fields
        touched = []
        for old, new, action, path in raw:
            record_id = _record_id(path, prefixes)
            if record_id is not None:
                touched.append((sha, record_id, path, old, new, action))
        named = message_ids(message, comment_char="")
        if not touched and not named:
            continue
        # Without parents in a shallow clone, a commit is where the history was cut, not
        # where its files began.
        boundary = key.shallow and not parents
        commits.append(
            (sha, seen, parents, _int(a_time), _int(c_time), message.split("\n", 1)[0], boundary)
        )
        who = commit_agents((a_name, a_email), (c_name, c_email), message)
        for agent, role in who.roles:
            remember(agents, agent)
            roles.append((sha, agent.id, role))
        delegations.extend((agent, human, sha) for agent, human in who.delegations.items())
        problems.extend(("malformed-trailer", sha, text) for text in who.malformed)
        changes.extend(touched)
        tags.extend((sha, record_id) for record_id in named)
        if len(commits) >= _BATCH:
            flush()
    flush()
    _versions(conn, root)
    return seen


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0


def _versions(conn: sqlite3.Connection, root: Path) -> None:
    """The status of every record version, then what each change did to it."""
    from linespec.core.lineage.history import ZERO, record_status

    blobs = [
        row[0]
        for row in conn.execute(
            "SELECT new_blob FROM changes WHERE new_blob != ? UNION "
            "SELECT old_blob FROM changes WHERE old_blob != ?",
            (ZERO, ZERO),
        )
    ]
    rows: list[tuple[str, str]] = []
    for sha, content in git.blob_stream(root, blobs):
        rows.append((sha, record_status(content) if content is not None else ""))
        if len(rows) >= _BATCH:
            conn.executemany("INSERT OR IGNORE INTO versions VALUES (?,?)", rows)
            rows.clear()
    conn.executemany("INSERT OR IGNORE INTO versions VALUES (?,?)", rows)
    conn.executescript(
        """
        UPDATE changes SET
            old_status = coalesce((SELECT status FROM versions WHERE blob = old_blob), ''),
            new_status = coalesce((SELECT status FROM versions WHERE blob = new_blob), '');
        UPDATE changes SET kind = CASE
            WHEN action = 'A' AND sha IN (SELECT sha FROM commits WHERE boundary) THEN 'snapshot'
            WHEN action = 'A' THEN 'create'
            WHEN action = 'D' THEN 'delete'
            WHEN old_status != new_status THEN 'status'
            ELSE 'edit' END;
        UPDATE commits SET lifecycle = 1
            WHERE sha IN (SELECT sha FROM changes WHERE kind IN ('create', 'delete', 'status'));
        """
    )
