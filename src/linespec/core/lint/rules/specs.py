"""Checks of associated_specs: the proof that a decision holds."""

from __future__ import annotations

from collections.abc import Iterator

from linespec.core.lint.context import Issue, LintContext
from linespec.core.lint.finding import Severity
from linespec.core.lint.registry import record_check
from linespec.core.model import Record, Status, Tier

E, W, H = Severity.ERROR, Severity.WARNING, Severity.HINT


@record_check("PROV018")
def spec_files_exist(r: Record, ctx: LintContext) -> Iterator[Issue]:
    severity = E if r.status == Status.OPEN else W
    for spec in r.associated_specs:
        if spec.path and ctx.outside(spec.path):
            yield Issue(
                "associated_specs",
                severity,
                f"Proof artifact is outside the repository: {spec.path}",
            )
            continue
        if not ctx.path_exists(spec.path):
            yield Issue("associated_specs", severity, f"Proof artifact does not exist: {spec.path}")
        elif ctx.is_dir(spec.path):
            yield Issue(
                "associated_specs",
                severity,
                f"Proof artifact path is a directory, not a file: {spec.path}",
            )


@record_check("PROV010")
def open_without_specs(r: Record, ctx: LintContext) -> Iterator[Issue]:
    if r.effective_type == Tier.BRIEF or r.status != Status.OPEN or r.associated_specs:
        return
    if ctx.enforcement == "strict":
        yield Issue("associated_specs", E, "No associated specs (open) [strict]")
    elif ctx.enforcement == "warn":
        yield Issue("associated_specs", W, "No associated specs (open)")


@record_check("PROV011")
def constraints_without_specs(r: Record, ctx: LintContext) -> Iterator[Issue]:
    if r.effective_type == Tier.BRIEF or r.status != Status.OPEN or r.associated_specs:
        return
    if ctx.enforcement == "none" and r.constraints:
        yield Issue("associated_specs", H, "Record has constraints but no associated specs")
