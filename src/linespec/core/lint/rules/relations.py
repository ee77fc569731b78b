"""Checks of how a record points at others: supersedes, implements, extends, related."""

from __future__ import annotations

from collections.abc import Iterator

from linespec.core.ids import is_valid_id
from linespec.core.lint.context import Issue, LintContext
from linespec.core.lint.finding import Severity
from linespec.core.lint.registry import record_check
from linespec.core.model import Record, Tier

E, W = Severity.ERROR, Severity.WARNING
_NOT_AN_ID = "is not a valid provenance record ID (expected prov-YYYY-NNN format)."


@record_check("PROV006")
def supersedes_resolves(r: Record, ctx: LintContext) -> Iterator[Issue]:
    if r.supersedes_id and r.supersedes_id not in ctx.records:
        yield Issue("supersedes", E, f"supersedes references unknown record: {r.supersedes_id}")


@record_check("PROV002")
def extends_format(r: Record, ctx: LintContext) -> Iterator[Issue]:
    if r.extends.strip() and not is_valid_id(r.extends):
        yield Issue("extends", E, f'extends value "{r.extends}" {_NOT_AN_ID}')


@record_check("PROV020")
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


@record_check("PROV007")
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


@record_check("PROV008")
def related_resolve(r: Record, ctx: LintContext) -> Iterator[Issue]:
    for entry in r.related:
        if entry not in ctx.records:
            yield Issue("related", W, f"related references unknown record: {entry}")


@record_check("PROV021")
def implements_format(r: Record, ctx: LintContext) -> Iterator[Issue]:
    if r.implements and not is_valid_id(r.implements):
        yield Issue("implements", E, f'implements value "{r.implements}" {_NOT_AN_ID}')


@record_check("PROV022")
def implements_resolves(r: Record, ctx: LintContext) -> Iterator[Issue]:
    value = r.implements
    if value and is_valid_id(value) and value not in ctx.records:
        yield Issue(
            "implements",
            E,
            f"implements references unknown record: {value}. The referenced record was not "
            "found locally or in any configured shared_repo cache. If this record lives in a "
            "remote repository, add it to shared_repos in .linespec.yml and run "
            "'linespec provenance sync'.",
        )


@record_check("PROV021")
def implements_tier(r: Record, ctx: LintContext) -> Iterator[Issue]:
    parent = ctx.records.by_id.get(r.implements) if r.implements else None
    if parent is None or not is_valid_id(r.implements):
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
            f"record, but {r.implements} is a {parent.effective_type}. Allowed relationships: "
            "blueprint implements brief, imprint implements blueprint.",
        )


@record_check("PROV002")
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


@record_check("PROV002")
def bug_has_one_parent(r: Record, ctx: LintContext) -> Iterator[Issue]:
    if r.type != Tier.BUG:
        return
    if not r.supersedes_id and not r.extends:
        yield Issue(
            "supersedes",
            E,
            "Bug records must either supersede or extend a Blueprint. Use supersedes when "
            "existing constraints are incorrect, extends when constraints are missing.",
        )
    elif r.supersedes_id and r.extends:
        yield Issue(
            "supersedes",
            E,
            "supersedes and extends are mutually exclusive on Bug records. A record cannot "
            "simultaneously replace and be additive to the same parent.",
        )


@record_check("PROV020")
def bug_supersedes_tier(r: Record, ctx: LintContext) -> Iterator[Issue]:
    if r.type != Tier.BUG or not r.supersedes_id:
        return
    target = ctx.records.by_id.get(r.supersedes_id)
    if target is not None and target.effective_type not in (Tier.BLUEPRINT, Tier.BUG):
        yield Issue(
            "supersedes",
            E,
            f"Bug records may only supersede a Blueprint or Bug, but {target.id} is a "
            f"{target.effective_type}. Use implements for downward tier references, related "
            "for lateral informational links.",
        )


@record_check("PROV002")
def bug_extends_target(r: Record, ctx: LintContext) -> Iterator[Issue]:
    if r.type != Tier.BUG or not r.extends:
        return
    parent = ctx.records.by_id.get(r.extends)
    if parent is None:
        yield Issue("extends", E, f"extends references unknown record: {r.extends}")
    elif parent.effective_type not in (Tier.BLUEPRINT, Tier.BUG):
        yield Issue(
            "extends",
            E,
            f"Bug records may only extend a Blueprint or Bug, but {parent.id} is a "
            f"{parent.effective_type}. Use implements for downward tier references, "
            "related for lateral informational links.",
        )
