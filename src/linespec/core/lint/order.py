"""The order checks run in, as the Go linter runs them (BEHAVIOR.md §6.2–6.3).

Drafts stop after the graph checks (enforcement starts when a record is opened) and
records owned by another repository are not held to this repository's files.
"""

from __future__ import annotations

from linespec.core.lint.registry import RecordCheck, SetCheck
from linespec.core.lint.rules import fields, integrity, layers, relations, scope, specs
from linespec.core.model import Record, Status

GRAPH: tuple[RecordCheck, ...] = (
    fields.required_fields,
    fields.brief_constraints,
    fields.imprint_implements,
    fields.id_format,
    fields.status_value,
    fields.type_value,
    fields.date_format,
    relations.supersedes_resolves,
    relations.extends_format,
    relations.supersession_tier,
    relations.superseded_by_agrees,
    relations.related_resolve,
    relations.implements_format,
    relations.implements_resolves,
    relations.implements_tier,
    relations.not_applicable,
    relations.bug_has_one_parent,
    relations.bug_supersedes_tier,
    relations.bug_extends_target,
)
DRAFT: tuple[RecordCheck, ...] = (fields.title_length, fields.sealed_at_sha)
REMOTE: tuple[RecordCheck, ...] = (fields.title_length, fields.constraints_hint)
LIVE: tuple[RecordCheck, ...] = (
    scope.regex_validity,
    scope.scope_conflict,
    scope.scope_paths_exist,
    scope.imprint_within_blueprint,
    specs.spec_files_exist,
    specs.open_without_specs,
    specs.constraints_without_specs,
    fields.title_length,
    fields.constraints_hint,
    integrity.content_hash_matches,
    fields.sealed_at_sha,
)
SET: tuple[SetCheck, ...] = (layers.dead_records, layers.locked_layers)


def checks_for(record: Record) -> tuple[RecordCheck, ...]:
    if record.status == Status.DRAFT:
        return GRAPH + DRAFT
    if record.remote:
        return GRAPH + REMOTE
    return GRAPH + LIVE
