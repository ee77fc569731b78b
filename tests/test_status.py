"""status: overview, detail, filters and JSON."""

from __future__ import annotations

import json

from tests.conftest import Repo


def _ids(stdout: str) -> list[str]:
    return [r["ID"] for r in json.loads(stdout)["records"]]


def test_json_is_sorted_and_uses_go_field_names(repo: Repo) -> None:
    repo.record("prov-2026-0000000b", tags=["api"])
    repo.record("prov-2026-0000000a", status="draft")
    result = repo.cli("provenance", "status", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert _ids(result.stdout) == ["prov-2026-0000000a", "prov-2026-0000000b"]
    first = data["records"][0]
    assert list(first) == [
        "ID",
        "Title",
        "Status",
        "CreatedAt",
        "Author",
        "Intent",
        "Constraints",
        "AffectedScope",
        "ForbiddenScope",
        "Type",
        "Supersedes",
        "SupersededBy",
        "Extends",
        "Implements",
        "Related",
        "SealedAtSHA",
        "AssociatedSpecs",
        "AssociatedTraces",
        "Monitors",
        "Tags",
        "Locked",
        "FilePath",
    ]
    assert first["AffectedScope"] is None
    assert first["FilePath"] == str(repo.provenance / "prov-2026-0000000a.yml")


def test_filters(repo: Repo) -> None:
    repo.record("prov-2026-0000000a", tags=["api"])
    repo.record("prov-2026-0000000b", status="draft", tags=["db"])
    by_status = repo.cli("provenance", "status", "--filter", "draft", "--format", "json")
    assert _ids(by_status.stdout) == ["prov-2026-0000000b"]
    by_tag = repo.cli("provenance", "status", "--filter", "tag:api", "--format", "json")
    assert _ids(by_tag.stdout) == ["prov-2026-0000000a"]
    bad = repo.cli("provenance", "status", "--filter", "opened")
    assert bad.exit_code == 2
    assert 'unknown filter "opened"' in bad.stderr


def test_human_overview_and_detail(repo: Repo) -> None:
    repo.record("prov-2026-0000000a", type="brief")
    repo.record("prov-2026-0000000b", implements="prov-2026-0000000a", affected_scope=["src/a.py"])
    overview = repo.cli("provenance", "status")
    assert overview.exit_code == 0
    assert "PROVENANCE RECORDS" in overview.stdout
    assert overview.stdout.index("prov-2026-0000000a") < overview.stdout.index("prov-2026-0000000b")
    assert "\x1b[" not in overview.stdout
    detail = repo.cli("provenance", "status", "--record", "prov-2026-0000000a")
    assert (
        "Implemented by:\n  · prov-2026-0000000b  [blueprint]  Decision prov-2026-0000000b"
        in detail.stdout
    )
    child = repo.cli("provenance", "status", "--record", "prov-2026-0000000b")
    assert "Implements:   prov-2026-0000000a  Decision prov-2026-0000000a" in child.stdout
    assert "Scope Mode:   allowlist (1 files)" in child.stdout
