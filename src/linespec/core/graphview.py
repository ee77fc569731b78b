"""The provenance graph as data: the forest `graph` draws, its nested nodes and typed edges.

Every record has exactly one place in the forest: under the record it supersedes, else
under the record it implements, else at the top. A supersession chain therefore reads from
its oldest record down to its newest, and a tier hierarchy from brief down to imprint.

Siblings and top-level records are sorted by ID so the output is stable (the Go tool
iterates a map). Walks use explicit stacks: a chain of thousands of records must not meet
Python's recursion limit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from linespec.core.decode import ref
from linespec.core.graph import Node, RecordSet
from linespec.core.terms import Status


class Drawn(Node, Protocol):
    """What the graph shows of a record: the loaded Record, or the scope cache's view."""

    @property
    def title(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def effective_type(self) -> str: ...
    @property
    def superseded_by_id(self) -> str: ...
    @property
    def extends(self) -> str: ...
    @property
    def related(self) -> Sequence[str]: ...
    @property
    def remote(self) -> bool: ...


D = TypeVar("D", bound=Drawn)


class Link(StrEnum):
    """An edge type, named as `--format json` writes it in `edge_type`."""

    SUPERSEDES = "supersedes"
    IMPLEMENTS = "implements"
    EXTENDS = "extends"
    RELATED = "related"


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    link: Link


@dataclass(frozen=True, slots=True)
class Line(Generic[D]):
    """One record in the drawn tree; VIA is how it hangs under the record above it."""

    depth: int
    record: D
    via: Link | None


@dataclass
class Tree(Generic[D]):
    lines: list[Line[D]]
    # Records the tree does not reach but the filter keeps, listed flat after the tree.
    loose: list[D]


def _by_id(record: Drawn) -> str:
    return record.id


class Forest(Generic[D]):
    """The records of a repository arranged as the trees `graph` shows."""

    def __init__(self, records: RecordSet[D]) -> None:
        self.records = records
        self.ordered = sorted(records, key=_by_id)
        by_id = records.by_id
        self._superseders: dict[str, list[D]] = {}
        self._members: dict[str, list[D]] = {}
        self.tops: list[D] = []
        for record in self.ordered:
            target = record.supersedes_id
            parent = record.implements
            if target and target in by_id:
                self._superseders.setdefault(target, []).append(record)
            elif parent and parent in by_id:
                self._members.setdefault(parent, []).append(record)
            else:
                # A reference that resolves nowhere (a brief in an unsynced shared repo)
                # would otherwise hide the record's whole subtree.
                self.tops.append(record)

    def children(self, record_id: str) -> Iterator[tuple[D, Link]]:
        for record in self._superseders.get(record_id, ()):
            yield record, Link.SUPERSEDES
        for record in self._members.get(record_id, ()):
            yield record, Link.IMPLEMENTS

    def walk(
        self, start: D, depth: int, via: Link | None, seen: set[str]
    ) -> Iterator[tuple[Line[D], int]]:
        """START and everything below it in pre-order, each with its parent's position.

        Positions count from 0 for START; START's parent position is -1. SEEN guards
        against re-entering a record (only possible for records that hang in a cycle).
        """
        stack: list[tuple[D, int, Link | None, int]] = [(start, depth, via, -1)]
        position = 0
        while stack:
            record, level, link, parent = stack.pop()
            if record.id in seen:
                continue
            seen.add(record.id)
            yield Line(level, record, link), parent
            below = [(r, level + 1, kind, position) for r, kind in self.children(record.id)]
            stack.extend(reversed(below))
            position += 1

    def tree(self, keep: Callable[[D], bool] | None = None) -> Tree[D]:
        """The whole graph; KEEP hides records, except superseded ones leading to a kept one."""
        seen: set[str] = set()
        lines: list[Line[D]] = []
        for top in self.tops:
            if top.id not in seen:
                lines.extend(_pruned(list(self.walk(top, 0, None, seen)), keep))
        shown = {line.record.id for line in lines}
        loose = [r for r in self.ordered if r.id not in shown and (keep is None or keep(r))]
        return Tree(lines, loose)

    def subtree(self, root_id: str, keep: Callable[[D], bool] | None = None) -> list[Line[D]]:
        """ROOT_ID (under its implements parent, when it has one) and all it leads to.

        Raises RecordNotFoundError for an unknown ID. The root and its parent are shown
        whatever KEEP says: the user asked for them by name.
        """
        root = self.records.get(root_id)
        parent = self.records.by_id.get(root.implements) if root.implements else None
        head: list[Line[D]] = []
        depth, via = 0, None
        if parent is not None and parent is not root:
            head.append(Line(0, parent, None))
            depth, via = 1, Link.IMPLEMENTS
        walked = list(self.walk(root, depth, via, set()))
        return head + _pruned(walked, keep, always_first=True)

    def nodes(self) -> tuple[list[dict[str, Any]], int]:
        """The forest as nested JSON objects, and its height (nesting grows with it).

        Records no tree reaches (an implements cycle) start trees of their own, so every
        record appears exactly once.
        """
        seen: set[str] = set()
        out: list[dict[str, Any]] = []
        height = 0
        starts = [*self.tops, *self.ordered]
        for start in starts:
            if start.id in seen:
                continue
            made: list[dict[str, Any]] = []
            for line, parent in self.walk(start, 0, None, seen):
                node = self._node(line.record)
                made.append(node)
                height = max(height, line.depth)
                if parent < 0:
                    out.append(node)
                else:
                    key = "children" if line.via is Link.SUPERSEDES else "implements_nodes"
                    made[parent].setdefault(key, []).append(node)
        return out, height

    def _node(self, record: D) -> dict[str, Any]:
        node: dict[str, Any] = {
            "id": record.id,
            "title": record.title,
            "status": record.status,
            "type": record.effective_type,
        }
        if record.remote:
            node["remote"] = True
        if record.supersedes_id:
            node["supersedes"] = record.supersedes_id
        if record.superseded_by_id:
            node["superseded_by"] = record.superseded_by_id
        if record.implements:
            node["implements"] = record.implements
        implementers = self.records.implementers(record.id)
        if implementers:
            node["implemented_by"] = sorted(r.id for r in implementers)
        return node

    def selection(self, root_id: str = "", keep: Callable[[D], bool] | None = None) -> list[D]:
        """The records the tree for ROOT_ID and KEEP shows, in ID order."""
        if not root_id and keep is None:
            return self.ordered
        if root_id:
            chosen = [line.record for line in self.subtree(root_id, keep)]
        else:
            tree = self.tree(keep)
            chosen = [line.record for line in tree.lines] + tree.loose
        return sorted(chosen, key=_by_id)

    def edges(self, among: list[D] | None = None) -> list[Edge]:
        """Every reference as a typed edge, per record in ID order, without repeats.

        With AMONG, only edges between those records, and to IDs no record has.
        """
        records = self.ordered if among is None else among
        inside = None if among is None else {r.id for r in among}
        by_id = self.records.by_id
        found: list[Edge] = []
        for record in records:
            mine: dict[tuple[str, Link], None] = {}
            if record.supersedes_id:
                mine[(record.supersedes_id, Link.SUPERSEDES)] = None
            if record.implements:
                mine[(record.implements, Link.IMPLEMENTS)] = None
            extends = ref(record.extends)
            if extends:
                mine[(extends, Link.EXTENDS)] = None
            for other in record.related:
                if ref(other):
                    mine[(other, Link.RELATED)] = None
            found.extend(
                Edge(record.id, target, link)
                for target, link in mine
                if inside is None or target in inside or target not in by_id
            )
        return found


def _pruned(
    walked: list[tuple[Line[D], int]],
    keep: Callable[[D], bool] | None,
    *,
    always_first: bool = False,
) -> list[Line[D]]:
    """The walked lines KEEP lets through, with the superseded records that lead to them.

    A hidden record hides everything below it; whatever of that the filter keeps is
    listed flat by the caller instead.
    """
    if keep is None:
        return [line for line, _ in walked]
    kept = [keep(line.record) for line, _ in walked]
    leads = kept[:]
    for i in range(len(walked) - 1, 0, -1):
        parent = walked[i][1]
        if leads[i] and parent >= 0:
            leads[parent] = True
    shown = [False] * len(walked)
    for i, (line, parent) in enumerate(walked):
        visible = (
            kept[i]
            or (always_first and i == 0)
            or (line.record.status == Status.SUPERSEDED and leads[i])
        )
        shown[i] = visible and (parent < 0 or shown[parent])
    return [line for i, (line, _) in enumerate(walked) if shown[i]]
