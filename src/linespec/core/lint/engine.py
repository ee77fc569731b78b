"""Runs the rules and turns their issues into findings with rule IDs and positions."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from linespec.core.graph import RecordSet
from linespec.core.lint.context import Issue, LintContext
from linespec.core.lint.finding import Finding, Severity
from linespec.core.lint.records import checks_for
from linespec.core.lint.ruleid import rule_for
from linespec.core.model import Record


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


def _finding(record: Record, issue: Issue) -> Finding:
    severity = Severity(issue.severity)
    mark = record.line_of(issue.field) if issue.field else None
    if mark is None:
        mark = record.line_of("id")
    return Finding(
        rule=issue.rule or rule_for(issue.field, issue.message, severity),
        severity=severity,
        record_id=record.id,
        field=issue.field,
        message=issue.message,
        file=record.path,
        line=mark.line if mark else None,
        column=mark.column if mark else None,
    )


def lint_record(record: Record, ctx: LintContext) -> list[Finding]:
    findings: list[Finding] = []
    for check in checks_for(record):
        findings.extend(_finding(record, issue) for issue in check(record, ctx))
    return findings


def lint(records: RecordSet, root: Path, enforcement: str, only: str | None = None) -> LintReport:
    """Lint every record (or just ONLY) with the given enforcement level."""
    ctx = LintContext(records, root, enforcement)
    if only is not None:
        report = LintReport(enforcement, 1)
        record = records.by_id.get(only)
        if record is None:
            report.findings.append(Finding("PROV002", Severity.ERROR, only, "", "Record not found"))
        else:
            report.findings.extend(lint_record(record, ctx))
        return report
    report = LintReport(enforcement, len(records))
    for record in records:
        report.findings.extend(lint_record(record, ctx))
    return report
