"""Checks of single fields: presence, formats, lengths."""

from __future__ import annotations

import re
from collections.abc import Iterator

from linespec.core.ids import is_valid_id
from linespec.core.lint.context import Issue, LintContext
from linespec.core.lint.finding import Severity
from linespec.core.lint.registry import record_check
from linespec.core.model import STATUSES, TERMINAL_STATUSES, TIERS, Record, Tier

E, W, H = Severity.ERROR, Severity.WARNING, Severity.HINT
REQUIRED = ("id", "title", "status", "created_at", "author", "intent")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SHA = re.compile(r"^[a-f0-9]{7,40}$")
TITLE_LIMIT = 120


def _blank(value: str) -> bool:
    return value.strip() == "" or value == "null"


@record_check("PROV002")
def required_fields(r: Record, ctx: LintContext) -> Iterator[Issue]:
    for name in REQUIRED:
        if _blank(getattr(r, name)):
            yield Issue(name, E, f"Missing required field: {name}")


@record_check("PROV002")
def brief_constraints(r: Record, ctx: LintContext) -> Iterator[Issue]:
    if r.effective_type == Tier.BRIEF and not r.constraints:
        yield Issue(
            "constraints",
            E,
            "Brief records must have constraints. Briefs define the business rationale and "
            "must carry machine-verifiable constraints.",
        )


@record_check("PROV002")
def imprint_implements(r: Record, ctx: LintContext) -> Iterator[Issue]:
    if r.effective_type == Tier.IMPRINT and not r.implements.strip():
        yield Issue(
            "implements", E, "Imprint records must set implements pointing at the parent Blueprint."
        )


@record_check("PROV004")
def id_format(r: Record, ctx: LintContext) -> Iterator[Issue]:
    if r.id and not is_valid_id(r.id):
        yield Issue("id", E, f'Invalid ID format "{r.id}": must be prov-YYYY-NNN')


@record_check("PROV003")
def status_value(r: Record, ctx: LintContext) -> Iterator[Issue]:
    if r.status and r.status not in STATUSES:
        yield Issue(
            "status",
            E,
            f'Invalid status "{r.status}": must be one of draft, open, implemented, '
            "superseded, deprecated",
        )


@record_check("PROV002")
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


@record_check("PROV005")
def date_format(r: Record, ctx: LintContext) -> Iterator[Issue]:
    if r.created_at and not _DATE.match(r.created_at):
        yield Issue("created_at", E, f'Invalid date format "{r.created_at}": must be YYYY-MM-DD')


@record_check("PROV013")
def title_length(r: Record, ctx: LintContext) -> Iterator[Issue]:
    size = len(r.title.encode("utf-8"))
    if size > TITLE_LIMIT:
        yield Issue("title", W, f"Title exceeds 120 characters ({size} chars)")


@record_check("PROV012")
def constraints_hint(r: Record, ctx: LintContext) -> Iterator[Issue]:
    if r.intent.strip() and not r.constraints:
        yield Issue(
            "constraints",
            H,
            "Record has intent but no constraints. Consider adding specific behavioral "
            "constraints.",
        )


@record_check("PROV017")
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
