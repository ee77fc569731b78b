"""Questions answered from the lineage index: lineage trees, ready/blocked, agents, activities.

Plain data out (dicts and lists in a stable order); rendering is `render.lineage`'s.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

# Reading up (what a record derives from) and down (what derives from it), by field.
UP_LABELS = {
    "implements": "implements",
    "extends": "extends",
    "supersedes": "revises",
    "related": "influenced by",
}
DOWN_LABELS = {
    "implements": "implemented by",
    "extends": "extended by",
    "supersedes": "revised by",
    "related": "influences",
}
_KIND_ORDER = {"implements": 0, "extends": 1, "supersedes": 2, "related": 3}
# A draft waits on the record it builds on while that record is in one of these.
_PARENT_NOT_SETTLED = ("draft", "superseded", "deprecated")
# An open record waits on the records implementing it while they are in one of these.
_CHILD_NOT_DONE = ("draft", "open")


def iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def record(conn: sqlite3.Connection, record_id: str) -> dict[str, str] | None:
    row = conn.execute(
        "SELECT id, title, status FROM records WHERE id = ?", (record_id,)
    ).fetchone()
    return {"id": row[0], "title": row[1], "status": row[2]} if row else None


def lineage(
    conn: sqlite3.Connection, record_id: str, direction: str, depth: int | None
) -> dict[str, Any]:
    """The tree of ancestors (direction "up") or descendants ("down") of RECORD_ID.

    Each record is expanded once: met again it is marked `repeat` (or `cycle` when it is
    its own ancestor), so a tangled graph still prints in linear size.
    """
    up = direction == "up"
    query = (
        "SELECT dst, kind FROM edges WHERE src = ?"
        if up
        else "SELECT src, kind FROM edges WHERE dst = ?"
    )
    labels = UP_LABELS if up else DOWN_LABELS
    expanded: set[str] = set()
    # An explicit stack, not recursion: chains thousands deep must not hit the recursion
    # limit. Frames: a record being expanded, its edges left to follow, its children.
    stack: list[tuple[str, Iterator[tuple[str, str]], list[dict[str, Any]]]] = []
    on_path: set[str] = set()

    def visit(node_id: str, kind: str) -> dict[str, Any]:
        found = record(conn, node_id)
        out: dict[str, Any] = {
            "id": node_id,
            "kind": kind,
            "relation": labels.get(kind, ""),
            "title": found["title"] if found else "",
            "status": found["status"] if found else "",
            "missing": found is None,
        }
        if node_id in on_path:
            out["cycle"] = True
        elif node_id in expanded:
            out["repeat"] = True
        out["children"] = []
        if node_id in on_path or node_id in expanded:
            return out
        expanded.add(node_id)
        # The records on the stack are this one's ancestors.
        if depth is None or len(stack) < depth:
            rows = sorted(conn.execute(query, (node_id,)), key=lambda r: (_KIND_ORDER[r[1]], r[0]))
            stack.append((node_id, iter(rows), out["children"]))
            on_path.add(node_id)
        return out

    tree = visit(record_id, "")
    while stack:
        node_id, rows, children = stack[-1]
        row = next(rows, None)
        if row is None:
            stack.pop()
            on_path.discard(node_id)
        else:
            children.append(visit(row[0], row[1]))
    return tree


def ready_and_blocked(
    conn: sqlite3.Connection,
) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    """(ready, blocked) over every draft and open record, sorted by ID."""
    status = {
        row[0]: (row[1], row[2]) for row in conn.execute("SELECT id, status, title FROM records")
    }
    parents: dict[str, list[tuple[str, str]]] = {}
    implementers: dict[str, list[str]] = {}
    for src, dst, kind in conn.execute(
        "SELECT src, dst, kind FROM edges WHERE kind IN ('implements', 'extends') ORDER BY src, dst"
    ):
        parents.setdefault(src, []).append((dst, kind))
        if kind == "implements":
            implementers.setdefault(dst, []).append(src)
    ready: list[dict[str, str]] = []
    blocked: list[dict[str, Any]] = []
    for record_id in sorted(status):
        current, title = status[record_id]
        reasons: list[dict[str, str]] = []
        if current == "draft":
            for parent, kind in parents.get(record_id, []):
                state = status.get(parent, ("", ""))[0]
                if parent not in status:
                    why = f"{kind} {parent}, which no record has"
                elif state in _PARENT_NOT_SETTLED:
                    why = f"{kind} {parent}, which is {state}"
                else:
                    continue
                reasons.append({"id": parent, "relation": kind, "status": state, "reason": why})
            next_status = "open"
        elif current == "open":
            for child in implementers.get(record_id, []):
                state = status[child][0]
                if state in _CHILD_NOT_DONE:
                    why = f"implemented by {child}, which is still {state}"
                    reasons.append(
                        {"id": child, "relation": "implemented by", "status": state, "reason": why}
                    )
            next_status = "implemented"
        else:
            continue
        entry = {"id": record_id, "status": current, "title": title}
        if reasons:
            blocked.append({**entry, "blocked_by": reasons})
        else:
            ready.append({**entry, "next": next_status})
    return ready, blocked


_RECORD_COMMITS = (
    "SELECT sha FROM changes WHERE record_id = :id UNION SELECT sha FROM tags WHERE record_id = :id"
)


def agents(conn: sqlite3.Connection, record_id: str | None) -> dict[str, Any]:
    """People and software agents with their commit counts and first/last dates."""
    scope = f"WHERE ca.sha IN ({_RECORD_COMMITS})" if record_id else ""
    rows = conn.execute(
        "SELECT a.id, a.name, a.email, a.software, count(DISTINCT ca.sha), min(c.commit_time), "
        "max(c.commit_time), group_concat(DISTINCT ca.role) FROM commit_agents ca "
        "JOIN agents a ON a.id = ca.agent JOIN commits c ON c.sha = ca.sha "
        f"{scope} GROUP BY a.id",
        {"id": record_id},
    ).fetchall()
    behalf: dict[str, set[str]] = {}
    names = dict(conn.execute("SELECT id, name FROM agents"))
    delegation_scope = f"WHERE sha IN ({_RECORD_COMMITS})" if record_id else ""
    for agent, human in conn.execute(
        f"SELECT DISTINCT agent, on_behalf_of FROM delegations {delegation_scope}",
        {"id": record_id},
    ):
        behalf.setdefault(agent, set()).add(names.get(human, human))
    authors = set()
    if record_id:
        row = conn.execute("SELECT author_agent FROM records WHERE id = ?", (record_id,)).fetchone()
        if row and row[0]:
            authors.add(row[0])
    people: list[dict[str, Any]] = []
    software: list[dict[str, Any]] = []
    listed = set()
    for agent_id, name, email, is_software, count, first, last, roles in rows:
        listed.add(agent_id)
        entry: dict[str, Any] = {
            "id": agent_id,
            "name": name,
            "email": email,
            "commits": count,
            "first": iso(first),
            "last": iso(last),
            "roles": sorted(
                set(roles.split(",")) | ({"record author"} if agent_id in authors else set())
            ),
        }
        if is_software:
            entry["on_behalf_of"] = sorted(behalf.get(agent_id, ()))
            software.append(entry)
        else:
            people.append(entry)
    for agent_id in authors - listed:
        name, email = conn.execute(
            "SELECT name, email FROM agents WHERE id = ?", (agent_id,)
        ).fetchone()
        people.append(
            {"id": agent_id, "name": name, "email": email, "commits": 0, "first": "", "last": "",
             "roles": ["record author"]}
        )  # fmt: skip
    order = lambda e: (-e["commits"], e["name"].casefold(), e["id"])  # noqa: E731
    return {"people": sorted(people, key=order), "software": sorted(software, key=order)}


def activities(conn: sqlite3.Connection, record_id: str | None) -> list[dict[str, Any]]:
    """The commits that touched or named a record (any record without ID), newest first."""
    scope = f"WHERE c.sha IN ({_RECORD_COMMITS})" if record_id else ""
    commits = conn.execute(
        "SELECT c.sha, c.author_time, c.commit_time, c.subject, c.lifecycle, c.boundary "
        f"FROM commits c {scope} ORDER BY c.seq",
        {"id": record_id},
    ).fetchall()
    out = []
    for sha, started, ended, subject, lifecycle, boundary in commits:
        who = conn.execute(
            "SELECT a.name, a.software, ca.role FROM commit_agents ca JOIN agents a "
            "ON a.id = ca.agent WHERE ca.sha = ? ORDER BY ca.rowid",
            (sha,),
        ).fetchall()
        change_rows = conn.execute(
            "SELECT record_id, kind, old_status, new_status FROM changes WHERE sha = ? "
            + ("AND record_id = ? " if record_id else "")
            + "ORDER BY record_id",
            (sha, record_id) if record_id else (sha,),
        ).fetchall()
        tag_rows = conn.execute(
            "SELECT record_id FROM tags WHERE sha = ? ORDER BY record_id", (sha,)
        ).fetchall()
        out.append(
            {
                "sha": sha,
                "started": iso(started),
                "ended": iso(ended),
                "subject": subject,
                "lifecycle": bool(lifecycle),
                "history_cut_here": bool(boundary),
                "people": [f"{name} ({role})" for name, soft, role in who if not soft],
                "software": [f"{name} ({role})" for name, soft, role in who if soft],
                "changes": [
                    {"record": rid, "kind": kind, "from": old, "to": new}
                    for rid, kind, old, new in change_rows
                ],
                "tagged": [row[0] for row in tag_rows if not record_id or row[0] == record_id],
            }
        )
    return out
