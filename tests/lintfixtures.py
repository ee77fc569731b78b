"""Record sets that trigger each lint rule, shared by the rule, format and SARIF tests."""

from __future__ import annotations

import json
from collections.abc import Callable

from linespec.core.canonical import content_hash
from linespec.core.store import load_file
from tests.conftest import Repo

BRIEF = "prov-2026-0000b001"
BLUEPRINT = "prov-2026-0000b002"


def baseline(repo: Repo) -> None:
    """A clean repository: a brief and a blueprint that implements it, with proof."""
    repo.write("src/app.py", "print('hi')\n")
    repo.write("tests/test_app.py", "def test_app():\n    assert True\n")
    repo.write("docs/private.md", "# private\n")
    repo.record(BRIEF, type="brief", title="Product brief")
    repo.record(
        BLUEPRINT,
        implements=BRIEF,
        affected_scope=["src/app.py", "src/**"],
        forbidden_scope=["docs/private.md"],
        associated_specs=[{"path": "tests/test_app.py", "type": "pytest"}],
    )


def _spec(repo: Repo) -> list[dict[str, str]]:
    return [{"path": "tests/test_app.py", "type": "pytest"}]


def _imm(repo: Repo) -> None:
    path = repo.record(
        "prov-2026-0000c0ff",
        status="implemented",
        sealed_at_sha="a" * 40,
        associated_specs=_spec(repo),
    )
    sealed = content_hash(load_file(path))
    manifest = repo.path / ".linespec" / "hash_manifest.json"
    manifest.parent.mkdir(exist_ok=True)
    manifest.write_text(json.dumps({"id": "prov-2026-0000c0ff", "hash": sealed}) + "\n")
    path.write_text(path.read_text().replace("Keep the service fast.", "Edited after sealing."))


# rule → (setup on top of the baseline, field, severity, message fragment)
Case = tuple[Callable[[Repo], object], str, str, str]
TRIGGERS: dict[str, Case] = {
    "PROV001": (
        lambda r: r.write("provenance/prov-2026-0000c001.yml", "id: [broken\n"),
        "",
        "error",
        "invalid YAML",
    ),
    "PROV002": (
        lambda r: r.record("prov-2026-0000c002", intent='""', associated_specs=_spec(r)),
        "intent",
        "error",
        "Missing required field: intent",
    ),
    "PROV003": (
        lambda r: r.record("prov-2026-0000c003", status="active"),
        "status",
        "error",
        'Invalid status "active"',
    ),
    "PROV004": (
        lambda r: r.record("prov-26-c004"),
        "id",
        "error",
        'Invalid ID format "prov-26-c004"',
    ),
    "PROV005": (
        lambda r: r.record(
            "prov-2026-0000c005", created_at="15/03/2026", associated_specs=_spec(r)
        ),
        "created_at",
        "error",
        'Invalid date format "15/03/2026"',
    ),
    "PROV006": (
        lambda r: r.record("prov-2026-0000c006", supersedes="prov-2026-deadbeef"),
        "supersedes",
        "error",
        "supersedes references unknown record: prov-2026-deadbeef",
    ),
    "PROV007": (
        lambda r: r.record(
            "prov-2026-0000c007", superseded_by=BLUEPRINT, associated_specs=_spec(r)
        ),
        "superseded_by",
        "warning",
        "does not agree with graph",
    ),
    "PROV008": (
        lambda r: r.record(
            "prov-2026-0000c008", related=["prov-2026-deadbeef"], associated_specs=_spec(r)
        ),
        "related",
        "warning",
        "related references unknown record: prov-2026-deadbeef",
    ),
    "PROV009": (
        lambda r: r.record(
            "prov-2026-0000c009",
            affected_scope=["src/app.py"],
            forbidden_scope=["src/**"],
            associated_specs=_spec(r),
        ),
        "scope",
        "error",
        'Pattern "src/app.py" appears in both affected_scope and forbidden_scope',
    ),
    "PROV010": (
        lambda r: r.record("prov-2026-0000c010"),
        "associated_specs",
        "warning",
        "No associated specs (open)",
    ),
    "PROV011": (
        lambda r: (
            r.write(".linespec.yml", "provenance:\n  enforcement: none\n")
            and r.record("prov-2026-0000c011")
        ),
        "associated_specs",
        "hint",
        "Record has constraints but no associated specs",
    ),
    "PROV012": (
        lambda r: r.record("prov-2026-0000c012", constraints=[], associated_specs=_spec(r)),
        "constraints",
        "hint",
        "Record has intent but no constraints",
    ),
    "PROV013": (
        lambda r: r.record("prov-2026-0000c013", title="x" * 121, associated_specs=_spec(r)),
        "title",
        "warning",
        "Title exceeds 120 characters (121 chars)",
    ),
    "PROV014": (
        lambda r: (
            r.record("prov-2026-0000c141", supersedes="prov-2026-0000c142"),
            r.record("prov-2026-0000c142", supersedes="prov-2026-0000c141"),
        ),
        "supersedes",
        "error",
        "circular supersedes chain detected involving prov-2026-0000c141",
    ),
    "PROV015": (
        lambda r: r.record(
            "prov-2026-0000c015", status="implemented", locked="true", affected_scope=["src/app.py"]
        ),
        "affected_scope",
        "error",
        "overlaps with locked record prov-2026-0000c015",
    ),
    "PROV016": (
        lambda r: r.record(
            "prov-2026-0000c016", status="deprecated", affected_scope=["src/gone.py"]
        ),
        "scope",
        "warning",
        "Dead record: all governed files have been deleted",
    ),
    "PROV017": (
        lambda r: r.record(
            "prov-2026-0000c017", sealed_at_sha="abc1234", associated_specs=_spec(r)
        ),
        "sealed_at_sha",
        "warning",
        "sealed_at_sha is set but record status is open",
    ),
    "PROV018": (
        lambda r: r.record(
            "prov-2026-0000c018", associated_specs=[{"path": "tests/missing.py", "type": "pytest"}]
        ),
        "associated_specs",
        "error",
        "Proof artifact does not exist: tests/missing.py",
    ),
    "PROV019": (
        lambda r: r.record(
            "prov-2026-0000c019", affected_scope=["re:(?=lookahead)"], associated_specs=_spec(r)
        ),
        "scope",
        "error",
        'Invalid regex pattern "re:(?=lookahead)"',
    ),
    "PROV020": (
        lambda r: r.record("prov-2026-0000c020", supersedes=BRIEF, associated_specs=_spec(r)),
        "supersedes",
        "error",
        "Type mismatch in supersedes: a blueprint record cannot supersede",
    ),
    "PROV021": (
        lambda r: r.record("prov-2026-0000c021", implements=BLUEPRINT, associated_specs=_spec(r)),
        "implements",
        "error",
        "a blueprint record must implement a brief record",
    ),
    "PROV022": (
        lambda r: r.record(
            "prov-2026-0000c022", implements="prov-2026-deadbeef", associated_specs=_spec(r)
        ),
        "implements",
        "error",
        "implements references unknown record: prov-2026-deadbeef",
    ),
    "PROV023": (
        lambda r: (
            r.write("lib/extra.py", "x = 1\n"),
            r.record(
                "prov-2026-0000c023",
                type="imprint",
                implements=BLUEPRINT,
                affected_scope=["lib/extra.py"],
                associated_specs=_spec(r),
            ),
        ),
        "affected_scope",
        "error",
        'imprint scope exceeds blueprint scope — "lib/extra.py"',
    ),
    "PROV-IMM": (_imm, "integrity", "error", "PROV-IMM: content hash mismatch"),
}
