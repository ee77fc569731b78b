"""Every lint rule's code, name, default severity, description and help, in one place.

The same entries feed the `rules` command, SARIF rule descriptors and the README table.
"""

from __future__ import annotations

from dataclasses import dataclass

from linespec.core.lint.finding import Severity


@dataclass(frozen=True, slots=True)
class RuleInfo:
    code: str
    name: str
    severity: Severity
    description: str
    help: str


_E, _W, _H = Severity.ERROR, Severity.WARNING, Severity.HINT

RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        "PROV001",
        "InvalidYaml",
        _E,
        "File is not valid YAML",
        "Fix the YAML syntax the error points at, e.g. replace a tab indent with spaces.",
    ),
    RuleInfo(
        "PROV002",
        "MissingRequiredField",
        _E,
        "A required field is absent or empty",
        "Fill in id, title, status, created_at, author and intent, e.g. `intent: Cache "
        "lookups so the API answers within 50 ms`.",
    ),
    RuleInfo(
        "PROV003",
        "UnknownStatus",
        _E,
        "status is not a known enum value",
        "Use one of draft, open, implemented, superseded, deprecated: `status: open`.",
    ),
    RuleInfo(
        "PROV004",
        "InvalidIdFormat",
        _E,
        "id does not match prov-YYYY-NNN",
        "Use prov-YYYY-xxxxxxxx (8 lowercase hex) with an optional suffix: "
        "`id: prov-2026-a1b2c3d4-auth`.",
    ),
    RuleInfo(
        "PROV005",
        "InvalidDateFormat",
        _E,
        "created_at is not a valid ISO 8601 date",
        'Write the date as YYYY-MM-DD: `created_at: "2026-03-15"`.',
    ),
    RuleInfo(
        "PROV006",
        "UnresolvedSupersedes",
        _E,
        "supersedes references a non-existent record",
        "Point supersedes at an existing record ID, or remove it.",
    ),
    RuleInfo(
        "PROV007",
        "SupersededByMismatch",
        _W,
        "superseded_by disagrees with the graph",
        "Set superseded_by to the ID of the record whose supersedes names this one.",
    ),
    RuleInfo(
        "PROV008",
        "UnresolvedRelated",
        _W,
        "A related entry references a non-existent record",
        "Remove the unknown ID from related, or fix its spelling.",
    ),
    RuleInfo(
        "PROV009",
        "ScopeConflict",
        _E,
        "A pattern appears in both affected_scope and forbidden_scope",
        "Remove the pattern from one of the two lists, e.g. keep `src/api/**` in "
        "affected_scope and drop it from forbidden_scope.",
    ),
    RuleInfo(
        "PROV010",
        "MissingAssociatedSpecs",
        _W,
        "Open record has no associated_specs",
        "Add the test that proves the decision: `associated_specs:\\n  - path: "
        "tests/test_cache.py\\n    type: pytest`.",
    ),
    RuleInfo(
        "PROV011",
        "ConstraintsWithoutSpecs",
        _H,
        "Open record has constraints but no associated_specs",
        "Add an associated_specs entry that checks the constraints.",
    ),
    RuleInfo(
        "PROV012",
        "IntentWithoutConstraints",
        _H,
        "Record has intent but no constraints",
        "Add constraints that make the intent checkable: `constraints:\\n  - p95 latency "
        "stays under 50 ms`.",
    ),
    RuleInfo(
        "PROV013",
        "TitleTooLong",
        _W,
        "title exceeds 120 characters",
        "Shorten the title; move the detail into intent.",
    ),
    RuleInfo(
        "PROV014",
        "CircularSupersedes",
        _E,
        "Circular supersedes chain detected",
        "Break the cycle: a record cannot (indirectly) supersede itself.",
    ),
    RuleInfo(
        "PROV015",
        "ScopeOverlap",
        _W,
        "Scope overlaps between two open records",
        "Narrow one record's affected_scope so two open records do not govern one file.",
    ),
    RuleInfo(
        "PROV016",
        "DeadRecord",
        _W,
        "All files in affected_scope have been deleted",
        "Deprecate the record: `linespec provenance deprecate --record ID --reason ...`.",
    ),
    RuleInfo(
        "PROV017",
        "ModifiedImplementedRecord",
        _W,
        "An implemented record has had immutable fields changed",
        "Revert the edit, or supersede the record with a new one.",
    ),
    RuleInfo(
        "PROV018",
        "MissingSpecFile",
        _E,
        "A path listed in associated_specs does not exist on disk",
        "Create the spec file, or fix the path in associated_specs.",
    ),
    RuleInfo(
        "PROV019",
        "InvalidRegexPattern",
        _E,
        "A regex pattern in affected_scope or forbidden_scope fails to compile",
        "Fix the expression after `re:`; look-arounds and back-references are not "
        "supported (RE2 syntax), e.g. `re:^src/.*\\\\.py$`.",
    ),
    RuleInfo(
        "PROV020",
        "SupersessionTypeMismatch",
        _E,
        "supersedes crosses tier boundaries",
        "Supersede a record of the same type; use related or implements across tiers.",
    ),
    RuleInfo(
        "PROV021",
        "ImplementsTypeMismatch",
        _E,
        "implements relationship skips a tier or points sideways",
        "A blueprint implements a brief; an imprint implements a blueprint.",
    ),
    RuleInfo(
        "PROV022",
        "UnresolvedImplements",
        _E,
        "implements references a non-existent record",
        "Point implements at an existing record, or add its repository to shared_repos "
        "and run `linespec provenance sync`.",
    ),
    RuleInfo(
        "PROV023",
        "ImprintScopeExceedsBlueprint",
        _E,
        "An imprint governs files its blueprint does not",
        "Widen the blueprint's affected_scope first, or narrow the imprint's.",
    ),
    RuleInfo(
        "PROV-IMM",
        "ContentHashMismatch",
        _E,
        "An implemented record was modified after it was sealed",
        "Revert the edit (git checkout the file), or supersede the record.",
    ),
)

BY_CODE: dict[str, RuleInfo] = {rule.code: rule for rule in RULES}
