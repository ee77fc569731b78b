"""Checks of affected_scope and forbidden_scope patterns."""

from __future__ import annotations

from collections.abc import Iterator

from linespec.core.lint.context import Issue, LintContext
from linespec.core.lint.finding import Severity
from linespec.core.lint.registry import record_check
from linespec.core.model import Record, Status, Tier
from linespec.core.scope import (
    PatternError,
    compile_pattern,
    is_glob,
    is_pattern,
    is_regex,
    patterns_overlap,
)

E, W = Severity.ERROR, Severity.WARNING


def _patterns(r: Record) -> list[tuple[str, str]]:
    """Every scope pattern with the key it is listed under."""
    return [("affected_scope", p) for p in r.affected_scope] + [
        ("forbidden_scope", p) for p in r.forbidden_scope
    ]


@record_check("PROV019")
def regex_validity(r: Record, ctx: LintContext) -> Iterator[Issue]:
    for key, pattern in _patterns(r):
        if is_regex(pattern):
            try:
                compile_pattern(pattern)
            except PatternError as exc:
                detail = exc.message.split('": ', 1)[-1]
                yield Issue("scope", E, f'Invalid regex pattern "{pattern}": {detail}', key)


@record_check("PROV009")
def scope_conflict(r: Record, ctx: LintContext) -> Iterator[Issue]:
    for affected in r.affected_scope:
        for forbidden in r.forbidden_scope:
            if patterns_overlap(affected, forbidden):
                message = f'Pattern "{affected}" appears in both affected_scope and forbidden_scope'
                yield Issue("scope", E, message, "forbidden_scope")


@record_check("PROV002")
def scope_paths_exist(r: Record, ctx: LintContext) -> Iterator[Issue]:
    severity = E if r.status == Status.OPEN else W
    for key, pattern in _patterns(r):
        if not pattern.strip():
            continue
        if not is_pattern(pattern) and ctx.outside(pattern):
            yield Issue("scope", severity, f"Scope path is outside the repository: {pattern}", key)
            continue
        try:
            exists = ctx.pattern_exists(pattern)
        except PatternError as exc:
            if is_glob(pattern) and not is_regex(pattern):
                yield Issue("scope", severity, exc.message, key)
            continue
        if exists:
            if not is_pattern(pattern) and ctx.is_dir(pattern):
                yield Issue(
                    "scope",
                    severity,
                    "Scope path is a directory, not a file (use glob pattern for directories): "
                    f"{pattern}",
                    key,
                )
        elif is_regex(pattern):
            yield Issue("scope", severity, f"Regex pattern matches no files: {pattern}", key)
        elif is_glob(pattern):
            yield Issue("scope", severity, f"Glob pattern matches no files: {pattern}", key)
        else:
            yield Issue("scope", severity, f"Scope path does not exist: {pattern}", key)


def contained_imprint(r: Record, ctx: LintContext) -> Record | None:
    """The blueprint an open imprint's scope must stay inside, when PROV023 applies."""
    if r.status != Status.OPEN or r.effective_type != Tier.IMPRINT or not r.affected_scope:
        return None
    blueprint = ctx.records.by_id.get(r.implements) if r.implements else None
    if blueprint is None or not blueprint.affected_scope:
        return None
    return blueprint


@record_check("PROV023")
def imprint_within_blueprint(r: Record, ctx: LintContext) -> Iterator[Issue]:
    blueprint = contained_imprint(r, ctx)
    if blueprint is None:
        return
    try:
        governed = set().union(*(ctx.matching_files(p) for p in r.affected_scope))
        covered = set().union(*(ctx.matching_files(p) for p in blueprint.affected_scope))
    except PatternError:
        return
    for path in sorted(governed - covered):
        yield Issue(
            "affected_scope",
            E,
            f'PROV023: imprint scope exceeds blueprint scope — "{path}" is governed by '
            f"this imprint but not covered by any pattern in {blueprint.id}'s "
            "affected_scope. Widen the blueprint's scope first.",
        )
