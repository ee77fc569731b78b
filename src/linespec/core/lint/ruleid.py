"""Which catalogue rule a finding belongs to, decided as the Go tool decides it.

The Go linter reports (field, message, severity) and derives the SARIF rule from them;
deriving it the same way keeps rule IDs identical between the two tools. The few places
where that derivation is plainly wrong are overridden by the caller (see
docs/compatibility.md).
"""

from __future__ import annotations

from linespec.core.lint.finding import Severity

_BY_FIELD = {
    "id": "PROV004",
    "status": "PROV003",
    "created_at": "PROV005",
    "superseded_by": "PROV007",
    "related": "PROV008",
    "title": "PROV013",
    "constraints": "PROV012",
    "sealed_at_sha": "PROV017",
}


def rule_for(field: str, message: str, severity: Severity) -> str:
    if field in _BY_FIELD:
        return _BY_FIELD[field]
    if field == "supersedes":
        return "PROV020" if "Type mismatch" in message else "PROV006"
    if field == "implements":
        return "PROV022" if "unknown record" in message else "PROV021"
    if field == "associated_specs":
        if "does not exist" in message or "not found" in message:
            return "PROV018"
        if "constraints" in message and severity is Severity.HINT:
            return "PROV011"
        return "PROV010"
    return _by_message(message.lower())


def _by_message(msg: str) -> str:
    if "missing required" in msg:
        return "PROV002"
    if "yaml" in msg or "parse" in msg:
        return "PROV001"
    if "circular" in msg:
        return "PROV014"
    if "overlap" in msg and "scope" in msg and "conflict" not in msg:
        return "PROV015"
    if "dead record" in msg or "deleted" in msg:
        return "PROV016"
    if "immutable" in msg or "implemented record" in msg:
        return "PROV017"
    if "invalid regex" in msg or ("pattern" in msg and "regex" in msg):
        return "PROV019"
    if "conflict" in msg and "scope" in msg:
        return "PROV009"
    return "PROV002"
