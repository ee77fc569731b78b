"""The record set: every loaded record by ID, and the integrity of the supersedes graph."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Generic, NamedTuple, Protocol, TypeVar

from linespec.errors import GraphError, RecordNotFoundError

if TYPE_CHECKING:
    from linespec.core.yamlread import Mark


class Node(Protocol):
    """What the graph needs of a record (the pydantic Record, or the hook path's view)."""

    @property
    def id(self) -> str: ...
    @property
    def implements(self) -> str: ...
    @property
    def supersedes_id(self) -> str: ...
    @property
    def path(self) -> Path | None: ...
    def line_of(self, *key: str | int) -> Mark | None: ...


R = TypeVar("R", bound=Node)


class GraphProblem(NamedTuple, Generic[R]):
    """A record that loads alone but not with the others."""

    record: R
    rule: str
    field: str
    message: str

    def error(self) -> GraphError:
        mark = self.record.line_of(self.field) or self.record.line_of("id")
        return GraphError(
            self.message,
            path=self.record.path,
            line=mark.line if mark else None,
            column=mark.column if mark else None,
        )


class RecordSet(Generic[R]):
    """Rs in load order with lookups by ID and by relation.

    A record whose ID is already taken is kept out of the set and reported by
    :meth:`problems`, as are dangling supersedes targets and supersedes cycles.
    """

    def __init__(self, records: Sequence[R]) -> None:
        self.records: list[R] = []
        self.by_id: dict[str, R] = {}
        self._duplicates: list[tuple[R, R]] = []
        self._superseders: dict[str, list[R]] = {}
        self._implementers: dict[str, list[R]] = {}
        self._order: dict[str, int] = {}
        for record in records:
            if record.id and record.id in self.by_id:
                self._duplicates.append((record, self.by_id[record.id]))
                continue
            self.records.append(record)
            if record.id:
                self.by_id[record.id] = record
                self._order[record.id] = len(self._order)
            if record.supersedes_id:
                self._superseders.setdefault(record.supersedes_id, []).append(record)
            if record.implements:
                self._implementers.setdefault(record.implements, []).append(record)

    def __iter__(self) -> Iterator[R]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self.by_id

    def get(self, record_id: str) -> R:
        try:
            return self.by_id[record_id]
        except KeyError:
            raise RecordNotFoundError(record_id) from None

    def superseders(self, record_id: str) -> Sequence[R]:
        """Rs whose `supersedes` names RECORD_ID, in load order."""
        return self._superseders.get(record_id, [])

    def implementers(self, record_id: str) -> Sequence[R]:
        return self._implementers.get(record_id, [])

    def supersedes_chain(self, record: R) -> list[R]:
        """The records RECORD supersedes, transitively, stopping at a cycle or a gap."""
        chain: list[R] = []
        seen = {record.id}
        current = record
        while current.supersedes_id and current.supersedes_id not in seen:
            target = self.by_id.get(current.supersedes_id)
            if target is None:
                break
            chain.append(target)
            seen.add(target.id)
            current = target
        return chain

    def problems(self) -> list[GraphProblem[R]]:
        """Duplicate IDs, unknown supersedes targets and supersedes cycles, in load order."""
        found = [
            GraphProblem(
                dup, "PROV004", "id", f"duplicate record ID: {dup.id} (also in {first.path})"
            )
            for dup, first in self._duplicates
        ]
        for record in self.records:
            target = record.supersedes_id
            if target and target not in self.by_id:
                found.append(
                    GraphProblem(
                        record,
                        "PROV006",
                        "supersedes",
                        f"record {record.id} references unknown supersedes target: {target}",
                    )
                )
        found.extend(self._cycles())
        return found

    def _cycles(self) -> list[GraphProblem[R]]:
        """Each supersedes cycle once, reported at its first member in load order.

        Every record is walked at most once (records already settled stop a walk), so a
        chain of thousands of records costs linear time.
        """
        settled: set[str] = set()
        cycles: dict[str, list[str]] = {}
        for record in self.records:
            path: list[str] = []
            on_path: set[str] = set()
            current: R | None = record
            while current is not None and current.id not in settled:
                if current.id in on_path:
                    members = path[path.index(current.id) :]
                    cycles[min(members, key=self._order.__getitem__)] = members
                    break
                path.append(current.id)
                on_path.add(current.id)
                target = current.supersedes_id
                current = self.by_id.get(target) if target else None
            settled.update(path)
        found: list[GraphProblem[R]] = []
        for first, members in sorted(cycles.items(), key=lambda item: self._order[item[0]]):
            start = members.index(first)
            ordered = members[start:] + members[:start]
            found.append(
                GraphProblem(
                    self.by_id[first],
                    "PROV014",
                    "supersedes",
                    "circular supersedes chain detected involving "
                    f"{first} ({' -> '.join([*ordered, first])})",
                )
            )
        return found

    def validate(self) -> None:
        """Fail like the Go loader on the first graph problem."""
        problems = self.problems()
        if problems:
            raise problems[0].error()
