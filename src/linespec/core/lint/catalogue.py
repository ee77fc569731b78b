"""Every lint rule's code, name, default severity, description, help and checks.

The same entries feed `linespec provenance rules`, the SARIF rule descriptors and the
README's rule table. Each rule's check functions live in `linespec.core.lint.rules` and
name their rule with a decorator.
"""

from __future__ import annotations

from dataclasses import dataclass

from linespec.core.lint import order  # noqa: F401  (imports every rules module)
from linespec.core.lint.finding import Severity
from linespec.core.lint.registry import CHECKS

DOCS_URL = "https://linespec.dev/docs/provenance/lint-rules"


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    description: str
    help: str

    @property
    def checks(self) -> list[str]:
        """Names of the check functions that report this rule."""
        return [getattr(check, "__name__", "") for check in CHECKS.get(self.code, [])]

    @property
    def help_uri(self) -> str:
        return f"{DOCS_URL}#{self.code}"


_E, _W, _H = Severity.ERROR, Severity.WARNING, Severity.HINT

RULES: tuple[Rule, ...] = (
    Rule(
        "PROV001",
        "InvalidYaml",
        _E,
        "File is not valid YAML",
        "Fix the YAML the error points at, e.g. indent with spaces instead of a tab.",
    ),
    Rule(
        "PROV002",
        "MissingRequiredField",
        _E,
        "A required field is absent or empty",
        "Fill in id, title, status, created_at, author and intent (and the fields a tier "
        "requires), e.g. `intent: Cache lookups so /profile answers within 50 ms`.",
    ),
    Rule(
        "PROV003",
        "UnknownStatus",
        _E,
        "status is not a known enum value",
        "Use one of draft, open, implemented, superseded, deprecated: `status: open`.",
    ),
    Rule(
        "PROV004",
        "InvalidIdFormat",
        _E,
        "id does not match prov-YYYY-NNN",
        "Use prov-YYYY-xxxxxxxx (8 lowercase hex) with an optional suffix, unique across "
        "the repository and equal to the file name: `id: prov-2026-a1b2c3d4-auth`.",
    ),
    Rule(
        "PROV005",
        "InvalidDateFormat",
        _E,
        "created_at is not a valid ISO 8601 date",
        'Write the date as YYYY-MM-DD: `created_at: "2026-03-15"`.',
    ),
    Rule(
        "PROV006",
        "UnresolvedSupersedes",
        _E,
        "supersedes references a non-existent record",
        'Point supersedes at an existing record ID, or remove it: `supersedes: ""`.',
    ),
    Rule(
        "PROV007",
        "SupersededByMismatch",
        _W,
        "superseded_by disagrees with the graph",
        "Set superseded_by to the ID of the record whose supersedes names this one.",
    ),
    Rule(
        "PROV008",
        "UnresolvedRelated",
        _W,
        "A related entry references a non-existent record",
        "Remove the unknown ID from related, or fix its spelling.",
    ),
    Rule(
        "PROV009",
        "ScopeConflict",
        _E,
        "A pattern appears in both affected_scope and forbidden_scope",
        "Remove the pattern from one of the two lists, e.g. keep `src/api/**` in "
        "affected_scope and drop it from forbidden_scope.",
    ),
    Rule(
        "PROV010",
        "MissingAssociatedSpecs",
        _W,
        "Open record has no associated_specs",
        "Add the test that proves the decision:\n  associated_specs:\n"
        "    - path: tests/test_cache.py\n      type: pytest",
    ),
    Rule(
        "PROV011",
        "ConstraintsWithoutSpecs",
        _H,
        "Open record has constraints but no associated_specs",
        "Add an associated_specs entry whose test checks the constraints.",
    ),
    Rule(
        "PROV012",
        "IntentWithoutConstraints",
        _H,
        "Record has intent but no constraints",
        "Add constraints that make the intent checkable:\n  constraints:\n"
        "    - p95 latency of /profile stays under 50 ms",
    ),
    Rule(
        "PROV013",
        "TitleTooLong",
        _W,
        "title exceeds 120 characters",
        "Shorten the title and move the detail into intent.",
    ),
    Rule(
        "PROV014",
        "CircularSupersedes",
        _E,
        "Circular supersedes chain detected",
        "Break the cycle: a record cannot (even indirectly) supersede itself.",
    ),
    Rule(
        "PROV015",
        "ScopeOverlap",
        _W,
        "Scope overlaps between two open records",
        "Narrow the open record's scope, or supersede the locked record whose surface it "
        "overlaps to reopen that layer deliberately.",
    ),
    Rule(
        "PROV016",
        "DeadRecord",
        _W,
        "All files in affected_scope have been deleted",
        "Deprecate the record: `linespec provenance deprecate --record ID --reason ...`.",
    ),
    Rule(
        "PROV017",
        "ModifiedImplementedRecord",
        _W,
        "An implemented record has had immutable fields changed",
        "Only set sealed_at_sha on implemented, superseded or deprecated records, as 7-40 "
        "hex characters; `linespec provenance complete` sets it for you.",
    ),
    Rule(
        "PROV018",
        "MissingSpecFile",
        _E,
        "A path listed in associated_specs does not exist on disk",
        "Create the spec file, or fix its path in associated_specs.",
    ),
    Rule(
        "PROV019",
        "InvalidRegexPattern",
        _E,
        "A regex pattern in affected_scope or forbidden_scope fails to compile",
        "Fix the expression after `re:` (RE2 syntax: no look-arounds or back-references), "
        "e.g. `re:^src/.*\\.py$`.",
    ),
    Rule(
        "PROV020",
        "SupersessionTypeMismatch",
        _E,
        "supersedes crosses tier boundaries",
        "Supersede a record of the same type (a bug may supersede a blueprint); use related "
        "or implements across tiers.",
    ),
    Rule(
        "PROV021",
        "ImplementsTypeMismatch",
        _E,
        "implements relationship skips a tier or points sideways",
        "A blueprint implements a brief; an imprint implements a blueprint: "
        "`implements: prov-2026-a1b2c3d4`.",
    ),
    Rule(
        "PROV022",
        "UnresolvedImplements",
        _E,
        "implements references a non-existent record",
        "Point implements at an existing record, or add its repository to shared_repos and "
        "run `linespec provenance sync`.",
    ),
    Rule(
        "PROV023",
        "ImprintScopeExceedsBlueprint",
        _E,
        "An open imprint governs files its blueprint's affected_scope does not cover",
        "Widen the blueprint's affected_scope first, or narrow the imprint's.",
    ),
    Rule(
        "PROV-IMM",
        "ContentHashMismatch",
        _E,
        "An implemented record was modified after it was sealed",
        "Revert the edit (`git checkout -- provenance/<id>.yml`), or create a record that "
        "supersedes it.",
    ),
)

BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}


def markdown_table() -> str:
    """The README's rule table."""
    lines = ["| rule | name | default severity | what it checks |", "|---|---|---|---|"]
    lines.extend(f"| {r.code} | {r.name} | {r.severity.value} | {r.description} |" for r in RULES)
    return "\n".join(lines) + "\n"
