"""Per-record rules, in the order the Go linter runs them (BEHAVIOR.md §6.2).

Each check is a small generator of issues; `CHECKS` fixes the order, including the
short-circuits for drafts and remote records.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Callable, Iterator

from linespec.core.ids import is_valid_id
from linespec.core.lint.context import Issue, LintContext
from linespec.core.lint.finding import Severity
from linespec.core.model import STATUSES, TERMINAL_STATUSES, TIERS, Record, Status, Tier
from linespec.core.scope import PatternError, compile_pattern, is_glob, is_regex, patterns_overlap

E, W, H = Severity.ERROR, Severity.WARNING, Severity.HINT
Check = Callable[[Record, LintContext], Iterator[Issue]]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SHA = re.compile(r"^[a-f0-9]{7,40}$")
REQUIRED = ("id", "title", "status", "created_at", "author", "intent")


def _blank(value: str) -> bool:
    return value.strip() == "" or value == "null"


def required_fields(r: Record, ctx: LintContext) -> Iterator[Issue]:
    for name in REQUIRED:
        if _blank(getattr(r, name)):
            yield Issue(name, E, f"Missing required field: {name}")
    if r.effective_type == Tier.BRIEF and not r.constraints:
        yield Issue(
            "constraints",
            E,
            "Brief records must have constraints. Briefs define the business rationale and "
            "must carry machine-verifiable constraints.",
        )
    if r.effective_type == Tier.IMPRINT and not r.implements.strip():
        yield Issue(
            "implements", E, "Imprint records must set implements pointing at the parent Blueprint."
        )


def id_format(r: Record, ctx: LintContext) -> Iterator[Issue]:
    if r.id and not is_valid_id(r.id):
        yield Issue("id", E, f'Invalid ID format "{r.id}": must be prov-YYYY-NNN')


def status_value(r: Record, ctx: LintContext) -> Iterator[Issue]:
    if r.status and r.status not in STATUSES:
        yield Issue(
            "status",
            E,
            f'Invalid status "{r.status}": must be one of draft, open, implemented, '
            "superseded, deprecated",
        )


def type_value(r: Record, ctx: LintContext) -> Iterator[Issue]:
    if not r.type:
        yield Issue(
            "type",
            H,
            "No type field set; defaulting to 'blueprint' for backward compatibility. "
            "Set type: brief|blueprint|bug|imprint to suppress this hint.",
        )
    elif r.type not in TIERS:
        yield Issue(
            "type", E, f'Invalid type "{r.type}": must be one of brief, blueprint, bug, imprint'
        )


def date_format(r: Record, ctx: LintContext) -> Iterator[Issue]:
    if r.created_at and not _DATE.match(r.created_at):
        yield Issue("created_at", E, f'Invalid date format "{r.created_at}": must be YYYY-MM-DD')


def supersedes_resolves(r: Record, ctx: LintContext) -> Iterator[Issue]:
    if r.supersedes_id and r.supersedes_id not in ctx.records:
        yield Issue("supersedes", E, f"supersedes references unknown record: {r.supersedes_id}")


def extends_format(r: Record, ctx: LintContext) -> Iterator[Issue]:
    if r.extends.strip() and not is_valid_id(r.extends):
        yield Issue(
            "extends",
            E,
            f'extends value "{r.extends}" is not a valid provenance record ID '
            "(expected prov-YYYY-NNN format).",
        )


def supersession_tier(r: Record, ctx: LintContext) -> Iterator[Issue]:
    target = ctx.records.by_id.get(r.supersedes_id) if r.supersedes_id else None
    if target is None or r.type == Tier.BUG:
        return
    mine, theirs = r.effective_type, target.effective_type
    if mine == Tier.IMPRINT and theirs == Tier.IMPRINT and r.implements != target.implements:
        yield Issue(
            "supersedes",
            E,
            "Imprints may only supersede Imprints that implement the same Blueprint. "
            f"This record implements {r.implements} but {target.id} implements "
            f"{target.implements}.",
        )
    elif mine != theirs:
        yield Issue(
            "supersedes",
            E,
            f"Type mismatch in supersedes: a {mine} record cannot supersede a {theirs} record "
            f"({target.id}). Supersession must be within the same tier. Use 'related' or "
            "'implements' for cross-tier relationships.",
        )


def superseded_by_agrees(r: Record, ctx: LintContext) -> Iterator[Issue]:
    superseders = ctx.records.superseders(r.id) if r.id else []
    expected = superseders[0].id if superseders else ""
    actual = r.superseded_by
    if actual == expected or (expected == "" and actual == "null"):
        return
    yield Issue(
        "superseded_by",
        W,
        f"superseded_by ({actual}) does not agree with graph (should be {expected})",
    )


def related_resolve(r: Record, ctx: LintContext) -> Iterator[Issue]:
    for entry in r.related:
        if entry not in ctx.records:
            yield Issue("related", W, f"related references unknown record: {entry}")


def implements_valid(r: Record, ctx: LintContext) -> Iterator[Issue]:
    value = r.implements
    if not value:
        return
    if not is_valid_id(value):
        yield Issue(
            "implements",
            E,
            f'implements value "{value}" is not a valid provenance record ID '
            "(expected prov-YYYY-NNN format).",
        )
        return
    parent = ctx.records.by_id.get(value)
    if parent is None:
        yield Issue(
            "implements",
            E,
            f"implements references unknown record: {value}. The referenced record was not "
            "found locally or in any configured shared_repo cache. If this record lives in a "
            "remote repository, add it to shared_repos in .linespec.yml and run "
            "'linespec provenance sync'.",
        )
        return
    mine = r.effective_type
    if mine in (Tier.BRIEF, Tier.BUG):
        yield Issue(
            "implements",
            E,
            f"A {mine} record cannot use the implements field. Only blueprint (implements "
            "brief) and imprint (implements blueprint) records may use implements.",
        )
        return
    expected = Tier.BRIEF if mine == Tier.BLUEPRINT else Tier.BLUEPRINT
    if mine in (Tier.BLUEPRINT, Tier.IMPRINT) and parent.effective_type != expected:
        yield Issue(
            "implements",
            E,
            f"Invalid implements relationship: a {mine} record must implement a {expected} "
            f"record, but {value} is a {parent.effective_type}. Allowed relationships: "
            "blueprint implements brief, imprint implements blueprint.",
        )


def not_applicable(r: Record, ctx: LintContext) -> Iterator[Issue]:
    kind = r.effective_type
    if kind != Tier.BUG and r.extends:
        yield Issue(
            "extends",
            E,
            f"extends is not applicable on {kind} records; it is only valid on bug records",
        )
    if kind == Tier.BRIEF:
        if r.affected_scope:
            yield Issue(
                "affected_scope",
                W,
                "affected_scope is not applicable on brief records; briefs define business "
                "rationale, not implementation scope",
            )
        if r.forbidden_scope:
            yield Issue("forbidden_scope", W, "forbidden_scope is not applicable on brief records")
        if r.associated_specs:
            yield Issue(
                "associated_specs",
                W,
                "associated_specs is not applicable on brief records; proof artifacts belong "
                "on blueprints and imprints",
            )
    if kind == Tier.IMPRINT:
        if r.associated_traces:
            yield Issue(
                "associated_traces",
                W,
                "associated_traces is not applicable on imprint records; trace results are "
                "operational artifacts anchored at the blueprint tier",
            )
        if r.monitors:
            yield Issue(
                "monitors",
                W,
                "monitors is not applicable on imprint records; production monitoring is "
                "anchored at the blueprint tier",
            )


def bug_conditionals(r: Record, ctx: LintContext) -> Iterator[Issue]:
    if r.type != Tier.BUG:
        return
    supersedes, extends = r.supersedes_id, r.extends
    if not supersedes and not extends:
        yield Issue(
            "supersedes",
            E,
            "Bug records must either supersede or extend a Blueprint. Use supersedes when "
            "existing constraints are incorrect, extends when constraints are missing.",
        )
    elif supersedes and extends:
        yield Issue(
            "supersedes",
            E,
            "supersedes and extends are mutually exclusive on Bug records. A record cannot "
            "simultaneously replace and be additive to the same parent.",
        )
    target = ctx.records.by_id.get(supersedes) if supersedes else None
    if target is not None and target.effective_type not in (Tier.BLUEPRINT, Tier.BUG):
        yield Issue(
            "supersedes",
            E,
            f"Bug records may only supersede a Blueprint or Bug, but {target.id} is a "
            f"{target.effective_type}. Use implements for downward tier references, related "
            "for lateral informational links.",
        )
    if extends:
        parent = ctx.records.by_id.get(extends)
        if parent is None:
            yield Issue("extends", E, f"extends references unknown record: {extends}")
        elif parent.effective_type not in (Tier.BLUEPRINT, Tier.BUG):
            yield Issue(
                "extends",
                E,
                f"Bug records may only extend a Blueprint or Bug, but {parent.id} is a "
                f"{parent.effective_type}. Use implements for downward tier references, "
                "related for lateral informational links.",
            )


def regex_validity(r: Record, ctx: LintContext) -> Iterator[Issue]:
    for pattern in [*r.affected_scope, *r.forbidden_scope]:
        if is_regex(pattern):
            try:
                compile_pattern(pattern)
            except PatternError as exc:
                detail = exc.message.split(": ", 1)[-1]
                yield Issue(
                    "scope", E, f'Invalid regex pattern "{pattern}": {detail}', rule="PROV019"
                )


def scope_conflict(r: Record, ctx: LintContext) -> Iterator[Issue]:
    for affected in r.affected_scope:
        for forbidden in r.forbidden_scope:
            if patterns_overlap(affected, forbidden):
                yield Issue(
                    "scope",
                    E,
                    f'Pattern "{affected}" appears in both affected_scope and forbidden_scope',
                )


def scope_paths_exist(r: Record, ctx: LintContext) -> Iterator[Issue]:
    severity = E if r.status == Status.OPEN else W
    for pattern in [*r.affected_scope, *r.forbidden_scope]:
        if not pattern.strip():
            continue
        if is_regex(pattern):
            try:
                regex = compile_pattern(pattern)
            except PatternError:
                continue
            if not any(regex.search(path) for path in ctx.files):
                yield Issue("scope", severity, f"Regex pattern matches no files: {pattern}")
        elif is_glob(pattern):
            # The Go tool checks globs with filepath.Glob, where `**` is one path segment.
            shell = pattern.replace("**", "*")
            if not glob.glob(shell, root_dir=ctx.root, include_hidden=True):
                yield Issue("scope", severity, f"Glob pattern matches no files: {pattern}")
        else:
            target = ctx.root / pattern
            if not os.path.lexists(target):
                yield Issue("scope", severity, f"Scope path does not exist: {pattern}")
            elif target.is_dir():
                yield Issue(
                    "scope",
                    severity,
                    "Scope path is a directory, not a file (use glob pattern for directories): "
                    f"{pattern}",
                )


def associated_specs(r: Record, ctx: LintContext) -> Iterator[Issue]:
    severity = E if r.status == Status.OPEN else W
    for spec in r.associated_specs:
        target = ctx.root / spec.path
        if not os.path.lexists(target):
            yield Issue("associated_specs", severity, f"Proof artifact does not exist: {spec.path}")
        elif target.is_dir():
            yield Issue(
                "associated_specs",
                severity,
                f"Proof artifact path is a directory, not a file: {spec.path}",
            )
    if r.effective_type == Tier.BRIEF or r.status != Status.OPEN or r.associated_specs:
        return
    if ctx.enforcement == "strict":
        yield Issue("associated_specs", E, "No associated specs (open) [strict]")
    elif ctx.enforcement == "warn":
        yield Issue("associated_specs", W, "No associated specs (open)")
    elif ctx.enforcement == "none" and r.constraints:
        yield Issue("associated_specs", H, "Record has constraints but no associated specs")


def title_length(r: Record, ctx: LintContext) -> Iterator[Issue]:
    size = len(r.title.encode("utf-8"))
    if size > 120:
        yield Issue("title", W, f"Title exceeds 120 characters ({size} chars)")


def constraints_hint(r: Record, ctx: LintContext) -> Iterator[Issue]:
    if r.intent.strip() and not r.constraints:
        yield Issue(
            "constraints",
            H,
            "Record has intent but no constraints. Consider adding specific behavioral "
            "constraints.",
        )


def sealed_at_sha(r: Record, ctx: LintContext) -> Iterator[Issue]:
    sha = r.sealed_at_sha
    if not sha:
        return
    if r.status not in TERMINAL_STATUSES:
        yield Issue(
            "sealed_at_sha",
            W,
            f"sealed_at_sha is set but record status is {r.status} (should only be set for "
            "implemented, superseded, or deprecated records)",
        )
    if not _SHA.match(sha):
        yield Issue(
            "sealed_at_sha",
            W,
            f"Invalid sealed_at_sha format: {sha} (expected 7-40 hex characters)",
        )


# Checks every record gets, before the draft and remote short-circuits.
GRAPH_CHECKS: tuple[Check, ...] = (
    required_fields,
    id_format,
    status_value,
    type_value,
    date_format,
    supersedes_resolves,
    extends_format,
    supersession_tier,
    superseded_by_agrees,
    related_resolve,
    implements_valid,
    not_applicable,
    bug_conditionals,
)
# Checks that live records get (not drafts, not records owned by another repository).
ENFORCEMENT_CHECKS: tuple[Check, ...] = (
    regex_validity,
    scope_conflict,
    scope_paths_exist,
    associated_specs,
)
DRAFT_CHECKS: tuple[Check, ...] = (title_length, sealed_at_sha)
REMOTE_CHECKS: tuple[Check, ...] = (title_length, constraints_hint)
TAIL_CHECKS: tuple[Check, ...] = (title_length, constraints_hint, sealed_at_sha)


def checks_for(record: Record) -> tuple[Check, ...]:
    if record.status == Status.DRAFT:
        return GRAPH_CHECKS + DRAFT_CHECKS
    if record.remote:
        return GRAPH_CHECKS + REMOTE_CHECKS
    return GRAPH_CHECKS + ENFORCEMENT_CHECKS + TAIL_CHECKS
