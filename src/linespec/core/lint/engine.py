"""Runs the checks and turns their issues into findings with rule IDs and positions."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from linespec.core.graph import RecordSet
from linespec.core.lint.context import Issue, LintContext
from linespec.core.lint.finding import Finding, Severity
from linespec.core.lint.order import SET, checks_for
from linespec.core.lint.rules.scope import contained_imprint
from linespec.core.model import Record, Status
from linespec.core.store import Loaded
from linespec.errors import FileNameMismatch, LoadError


@dataclass
class LintReport:
    enforcement: str
    record_count: int
    findings: list[Finding] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Severity.WARNING)

    @property
    def hints(self) -> int:
        return self.count(Severity.HINT)

    @property
    def passed(self) -> int:
        return self.record_count - self.errors


def _finding(record: Record, rule: str, issue: Issue) -> Finding:
    key = issue.key or issue.field
    mark = record.line_of(key) if key else None
    if mark is None:
        mark = record.line_of("id")
    return Finding(
        rule=rule,
        severity=Severity(issue.severity),
        record_id=record.id,
        field=issue.field,
        message=issue.message,
        file=record.path,
        line=mark.line if mark else None,
        column=mark.column if mark else None,
    )


def lint_record(record: Record, ctx: LintContext) -> list[Finding]:
    # `check.fn` rather than the check itself: a call frame less for each of the thirty
    # checks of every record.
    findings = [
        _finding(record, check.rule, issue)
        for check in checks_for(record)
        for issue in check.fn(record, ctx)
    ]
    if record.remote:
        # Another repository's record: only that repository can fix it, so its problems
        # are shown but never fail this one's lint or block its commits.
        return [
            replace(f, severity=Severity.WARNING) if f.severity is Severity.ERROR else f
            for f in findings
        ]
    return findings


def _load_findings(failures: list[LoadError], records: RecordSet[Record]) -> list[Finding]:
    findings = []
    for failure in failures:
        stem = failure.path.name.rsplit(".", 1)[0] if failure.path else ""
        findings.append(
            Finding(
                rule="PROV004" if isinstance(failure, FileNameMismatch) else "PROV001",
                severity=Severity.ERROR,
                record_id=stem,
                field="id" if isinstance(failure, FileNameMismatch) else "",
                message=failure.message,
                file=failure.path,
                line=failure.line,
                column=failure.column,
            )
        )
    for problem in records.problems():
        # Dangling supersedes targets are the per-record PROV006 check's to report.
        if problem.rule == "PROV006":
            continue
        error = problem.error()
        findings.append(
            Finding(
                problem.rule,
                Severity.ERROR,
                problem.record.id,
                problem.field,
                problem.message,
                error.path,
                error.line,
                error.column,
            )
        )
    return findings


def _prefetch(ctx: LintContext) -> None:
    """Batch the tree scans every check will ask for, so each file is matched once."""
    exists: list[str] = []
    matches: list[str] = []
    for record in ctx.records:
        exists.extend(record.affected_scope)
        if record.status != Status.DRAFT and not record.remote:
            exists.extend(record.forbidden_scope)
            blueprint = contained_imprint(record, ctx)
            if blueprint is not None:
                matches.extend(record.affected_scope)
                matches.extend(blueprint.affected_scope)
    ctx.prefetch_existence(exists)
    ctx.prefetch_matches(matches)


def lint(
    loaded: Loaded,
    root: Path,
    enforcement: str,
    *,
    only: str | None = None,
    manifest_file: Path | None = None,
) -> LintReport:
    """Lint every record (or just ONLY) with the given enforcement level."""
    records = loaded.records
    ctx = LintContext(records, root, enforcement, manifest_file)
    if only is not None:
        report = LintReport(enforcement, 1)
        record = records.by_id.get(only)
        if record is None:
            failed = [f for f in loaded.failures if f.path and f.path.stem == only]
            if failed:
                report.findings.extend(_load_findings(failed, RecordSet([])))
            else:
                report.findings.append(
                    Finding("PROV002", Severity.ERROR, only, "", "Record not found")
                )
        else:
            report.findings.extend(lint_record(record, ctx))
        return report
    _prefetch(ctx)
    report = LintReport(enforcement, len(records) + len(loaded.failures))
    report.findings.extend(_load_findings(loaded.failures, records))
    for record in records:
        report.findings.extend(lint_record(record, ctx))
    for check in SET:
        report.findings.extend(_finding(r, check.rule, issue) for r, issue in check(ctx))
    if "hashes" in ctx.__dict__ and ctx.hashes is not None:
        ctx.hashes.save()
    return report
