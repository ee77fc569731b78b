"""`check` output, as plain text or JSON. No rich here: it runs in the commit-msg hook."""

from __future__ import annotations

import json
import os
import sys

from linespec.core.checks import CheckResult, Violation

HINT = (
    "  Hint: If this change is intentional, create a new record that governs this file and\n"
    "       tag your commit with it. Supersede an existing record only when you are\n"
    "       deliberately revising the decision it captured.\n"
)


def use_colour() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _paint(text: str, code: str, colour: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if colour else text


def human(result: CheckResult, colour: bool = False) -> str:
    if result.passed:
        mark = _paint("✓", "32", colour)
        return f"\n{mark} No forbidden scope violations in {result.label}\n\n"
    lines = [f"\n{_paint('✗', '31', colour)} Forbidden scope violation in {result.label}\n\n"]
    groups: dict[str, list[Violation]] = {}
    for violation in result.violations:
        groups.setdefault(violation.record_id, []).append(violation)
    for record_id, violations in groups.items():
        if not record_id:
            lines.extend(f"  {v.message}\n" for v in violations)
        else:
            lines.append(f"  {_paint(record_id, '1', colour)} forbids changes to:\n")
            for v in violations:
                lines.append(f"    · {v.file}\n" if v.file else f"    {v.message}\n")
        lines.append("\n")
    lines.append(HINT)
    return "".join(lines)


def as_json(result: CheckResult) -> str:
    payload = {
        "label": result.label,
        "passed": result.passed,
        "violations": [
            {"record_id": v.record_id, "file": v.file, "commit": v.commit, "message": v.message}
            for v in result.violations
        ],
        "warnings": result.warnings,
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def emit(result: CheckResult, output: str) -> int:
    """Print a check result; the exit code is 1 when anything was violated."""
    for warning in result.warnings:
        sys.stderr.write(warning + "\n")
    sys.stdout.write(as_json(result) if output == "json" else human(result, use_colour()))
    return 0 if result.passed else 1
