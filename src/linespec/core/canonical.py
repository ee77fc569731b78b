"""A record's canonical text (yaml.v3's Marshal output) and its content hash.

The same bytes are written for a new record and hashed when a record is sealed, so a
manifest written by the Go tool verifies here and the other way round.
"""

from __future__ import annotations

import hashlib

from linespec.core.emit import Mapping, Value, emit_document
from linespec.core.model import FIELD_ORDER, OMIT_EMPTY, Record, Spec


def spec_pairs(spec: Spec) -> Mapping:
    pairs: Mapping = [("path", spec.path)]
    if spec.type:
        pairs.append(("type", spec.type))
    if spec.run_command:
        pairs.append(("run_command", spec.run_command))
    return pairs


def field_value(record: Record, name: str) -> Value:
    value = getattr(record, name)
    if name == "associated_specs":
        return [spec_pairs(spec) for spec in value]
    if isinstance(value, list):
        return list(value)
    assert isinstance(value, (str, bool))
    return value


def canonical_pairs(record: Record) -> list[tuple[str, Value]]:
    return [
        (name, field_value(record, name))
        for name in FIELD_ORDER
        if not (name in OMIT_EMPTY and not getattr(record, name))
    ]


def canonical_text(record: Record) -> str:
    return emit_document(canonical_pairs(record))


def content_hash(record: Record) -> str:
    return hashlib.sha256(canonical_text(record).encode("utf-8")).hexdigest()
