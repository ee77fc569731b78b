"""`lint --format json`: the Go tool's keys plus rule, file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from linespec.core.lint.engine import LintReport
from linespec.render.relpath import relative


def payload(report: LintReport, root: Path) -> dict[str, Any]:
    return {
        "enforcement": report.enforcement,
        "total": report.passed + report.warnings + report.errors,
        "passed": report.passed,
        "warnings": report.warnings,
        "errors": report.errors,
        "issues": [
            {
                "record_id": f.record_id,
                "field": f.field,
                "message": f.message,
                "severity": f.severity.value,
                "rule": f.rule,
                "file": relative(f.file, root),
                "line": f.line,
            }
            for f in report.findings
        ],
    }
