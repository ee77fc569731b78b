"""`lint --format sarif`: SARIF 2.1.0 that GitHub code scanning accepts."""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path
from typing import Any

from linespec import __version__
from linespec.core.lint.catalogue import DOCS_URL, RULES
from linespec.core.lint.engine import LintReport
from linespec.core.lint.finding import Finding, Severity
from linespec.render.relpath import relative

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.HINT: "note"}
_INDEX = {rule.code: index for index, rule in enumerate(RULES)}


def _descriptor(rule: Any) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.description},
        "fullDescription": {"text": rule.description + "."},
        "helpUri": rule.help_uri,
        "help": {"text": rule.help},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
    }


def _uri(finding: Finding, root: Path, provenance_dir: str) -> str:
    if finding.file is not None:
        return relative(finding.file, root)
    # A finding without a file (an unknown --record ID) is anchored where it would live.
    return f"{provenance_dir}/{finding.record_id}.yml"


def _fingerprint(finding: Finding, uri: str) -> str:
    # Stable across runs and line moves: what is wrong, with which record, in which file.
    key = "\0".join((finding.rule, uri, finding.record_id, finding.field, finding.message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _result(finding: Finding, root: Path, provenance_dir: str) -> dict[str, Any]:
    uri = _uri(finding, root, provenance_dir)
    location: dict[str, Any] = {"artifactLocation": {"uri": uri, "uriBaseId": SRCROOT}}
    location["region"] = {"startLine": finding.line or 1, "startColumn": finding.column or 1}
    return {
        "ruleId": finding.rule,
        "ruleIndex": _INDEX[finding.rule],
        "level": LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {"linespecFinding/v1": _fingerprint(finding, uri)},
    }


def _artifacts(report: LintReport, root: Path) -> list[dict[str, Any]]:
    files = sorted({f.file for f in report.findings if f.file is not None})
    artifacts = []
    for path in files:
        artifact: dict[str, Any] = {
            "location": {"uri": relative(path, root), "uriBaseId": SRCROOT},
            "mimeType": "application/yaml",
        }
        with contextlib.suppress(OSError):
            artifact["hashes"] = {"sha-256": hashlib.sha256(path.read_bytes()).hexdigest()}
        artifacts.append(artifact)
    return artifacts


def document(report: LintReport, root: Path, provenance_dir: str = "provenance") -> dict[str, Any]:
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "linespec",
                "version": __version__,
                "informationUri": DOCS_URL,
                "rules": [_descriptor(rule) for rule in RULES],
            }
        },
        "results": [_result(f, root, provenance_dir) for f in report.findings],
    }
    artifacts = _artifacts(report, root)
    if artifacts:
        run["artifacts"] = artifacts
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
