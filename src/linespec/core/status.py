"""What `status` reports: filters, the overview and the detail of one record."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from linespec.core.graph import RecordSet
from linespec.core.model import STATUSES, Record, Status
from linespec.errors import UsageError

RecordFilter = Callable[[Record], bool]

# The Go tool's JSON keys for a record, in struct order.
_GO_KEYS = {
    "id": "ID",
    "title": "Title",
    "status": "Status",
    "created_at": "CreatedAt",
    "author": "Author",
    "intent": "Intent",
    "constraints": "Constraints",
    "affected_scope": "AffectedScope",
    "forbidden_scope": "ForbiddenScope",
    "type": "Type",
    "supersedes": "Supersedes",
    "superseded_by": "SupersededBy",
    "extends": "Extends",
    "implements": "Implements",
    "related": "Related",
    "sealed_at_sha": "SealedAtSHA",
    "associated_specs": "AssociatedSpecs",
    "associated_traces": "AssociatedTraces",
    "monitors": "Monitors",
    "tags": "Tags",
    "locked": "Locked",
}


def parse_filter(text: str | None) -> RecordFilter | None:
    """`open`, `implemented`, ... or `tag:NAME`; anything else is a usage error."""
    if not text:
        return None
    if text.startswith("tag:") and len(text) > 4:
        tag = text[4:]
        return lambda record: tag in record.tags
    if text in STATUSES:
        return lambda record: record.status == text
    raise UsageError(f'unknown filter "{text}": use a status ({", ".join(STATUSES)}) or tag:NAME')


def without_specs(record: Record) -> bool:
    return record.status == Status.OPEN and not record.associated_specs


def status_label(record: Record) -> str:
    return "open ⚠" if without_specs(record) else record.status


def record_json(record: Record) -> dict[str, Any]:
    """A record as the Go tool's `status --format json` shows it (Go field names)."""
    present = record.model_fields_set
    out: dict[str, Any] = {}
    for name, key in _GO_KEYS.items():
        value = getattr(record, name)
        if name == "associated_specs":
            out[key] = (
                [{"Path": s.path, "Type": s.type, "RunCommand": s.run_command} for s in value]
                if name in present
                else None
            )
        elif isinstance(value, list):
            out[key] = list(value) if name in present else None
        else:
            out[key] = value
    out["FilePath"] = os.path.abspath(record.path) if record.path else ""
    return out


@dataclass
class Overview:
    records: list[Record]
    without_specs: int


def overview(records: RecordSet[Record], keep: RecordFilter | None) -> Overview:
    shown = sorted((r for r in records if keep is None or keep(r)), key=lambda r: r.id)
    return Overview(shown, sum(1 for r in shown if without_specs(r)))


@dataclass
class Detail:
    record: Record
    parent: Record | None
    implemented_by: list[Record]


def detail(records: RecordSet[Record], record_id: str) -> Detail:
    record = records.get(record_id)
    parent = records.by_id.get(record.implements) if record.implements else None
    children = sorted(records.implementers(record.id), key=lambda r: r.id)
    return Detail(record, parent, children)
