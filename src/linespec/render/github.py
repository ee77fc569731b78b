"""`lint --format github`: workflow commands that GitHub Actions shows as annotations."""

from __future__ import annotations

from pathlib import Path

from linespec.core.lint.engine import LintReport
from linespec.core.lint.finding import Severity
from linespec.render.relpath import relative

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.HINT: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: LintReport, root: Path) -> str:
    lines = []
    for f in report.findings:
        props = []
        if f.file is not None:
            props.append(f"file={_property(relative(f.file, root))}")
        if f.line:
            props.append(f"line={f.line}")
            if f.column:
                props.append(f"col={f.column}")
        props.append(f"title={_property(f.rule)}")
        where = f" {','.join(props)}"
        lines.append(f"::{COMMAND[f.severity]}{where}::{_data(f.message)}")
    summary = (
        f"linespec: {report.passed} passed, {report.warnings} warnings, {report.errors} errors"
    )
    return "".join(line + "\n" for line in [*lines, summary])
