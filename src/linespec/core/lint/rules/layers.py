"""Checks over the whole set: dead records and locked layers."""

from __future__ import annotations

from collections.abc import Iterator

from linespec.core.lint.context import Issue, LintContext
from linespec.core.lint.finding import Severity
from linespec.core.lint.registry import set_check
from linespec.core.model import Record, Status
from linespec.core.scope import PatternError, patterns_overlap


@set_check("PROV016")
def dead_records(ctx: LintContext) -> Iterator[tuple[Record, Issue]]:
    for record in ctx.records:
        if not record.affected_scope:
            continue
        alive = False
        for pattern in record.affected_scope:
            try:
                alive = ctx.pattern_exists(pattern)
            except PatternError:
                alive = False
            if alive:
                break
        if not alive:
            yield (
                record,
                Issue(
                    "scope",
                    Severity.WARNING,
                    "Dead record: all governed files have been deleted. Consider deprecating this "
                    "record.",
                ),
            )


def _surfaces(record: Record) -> list[tuple[str, str]]:
    return [("affected_scope", p) for p in record.affected_scope] + [
        ("associated_specs", s.path) for s in record.associated_specs
    ]


def _locked_message(surface: str, layer: Record, theirs: str) -> str:
    return (
        f'Surface "{surface}" overlaps with locked record {layer.id} surface "{theirs}". '
        "Resolving this is a governance decision: narrow this record's scope, or — only if "
        f"you are revising the locked decision — supersede {layer.id} to reopen the layer."
    )


@set_check("PROV015")
def locked_layers(ctx: LintContext) -> Iterator[tuple[Record, Issue]]:
    locked = [r for r in ctx.records if r.locked]
    if not locked:
        return
    for record in ctx.records:
        if record.status != Status.OPEN:
            continue
        mine = _surfaces(record)
        for layer in locked:
            if layer.id == record.id or record.supersedes_id == layer.id:
                continue
            for field, surface in mine:
                for _, theirs in _surfaces(layer):
                    if patterns_overlap(surface, theirs):
                        message = _locked_message(surface, layer, theirs)
                        yield record, Issue(field, Severity.ERROR, message)
