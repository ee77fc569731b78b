"""The record set: every loaded record by ID, and the integrity of the supersedes graph."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from linespec.core.model import Record
from linespec.errors import GraphError, RecordNotFoundError


@dataclass
class RecordSet:
    """Records in load order with lookups by ID and by relation."""

    records: list[Record]
    by_id: dict[str, Record] = field(init=False)
    _superseders: dict[str, list[Record]] = field(init=False)
    _implementers: dict[str, list[Record]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {}
        self._superseders = {}
        self._implementers = {}
        for record in self.records:
            if record.id in self.by_id and record.id:
                first = self.by_id[record.id]
                raise GraphError(
                    f"duplicate record ID: {record.id} (also in {first.path})", path=record.path
                )
            if record.id:
                self.by_id[record.id] = record
            if record.supersedes_id:
                self._superseders.setdefault(record.supersedes_id, []).append(record)
            if record.implements:
                self._implementers.setdefault(record.implements, []).append(record)

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self.by_id

    def get(self, record_id: str) -> Record:
        try:
            return self.by_id[record_id]
        except KeyError:
            raise RecordNotFoundError(record_id) from None

    def superseders(self, record_id: str) -> Sequence[Record]:
        """Records whose `supersedes` names RECORD_ID, in load order."""
        return self._superseders.get(record_id, [])

    def implementers(self, record_id: str) -> Sequence[Record]:
        return self._implementers.get(record_id, [])

    def validate(self) -> None:
        """Fail like the Go loader on unknown supersedes targets and on supersedes cycles."""
        for record in self.records:
            target = record.supersedes_id
            if target and target not in self.by_id:
                mark = record.line_of("supersedes")
                raise GraphError(
                    f"record {record.id} references unknown supersedes target: {target}",
                    path=record.path,
                    line=mark.line if mark else None,
                )
        for record in self.records:
            seen = [record.id]
            current = record
            while current.supersedes_id:
                nxt = self.by_id[current.supersedes_id]
                if nxt.id == record.id:
                    chain = " -> ".join([*seen, record.id])
                    raise GraphError(
                        f"circular supersedes chain detected involving {record.id} ({chain})",
                        path=record.path,
                    )
                if nxt.id in seen:
                    break
                seen.append(nxt.id)
                current = nxt
