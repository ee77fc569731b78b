"""Observed scope: lock-scope, and status auto-populating (and saving) open records' scope."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linespec import git
from linespec.core import observed
from linespec.core.config import Config, ProvenanceSettings
from linespec.core.graph import RecordSet
from linespec.core.model import Record
from linespec.core.workspace import Workspace, open_workspace
from linespec.errors import GitError, RefusedError
from tests.conftest import Repo

ID = "prov-2026-a1b2c3d4"
OTHER = "prov-2026-0000000b"
RECORD_FILE = f"provenance/{ID}.yml"

# Every file a tagged commit of ID touches in `history`, minus the excluded and merged ones.
OBSERVED = [
    "provenance/prov-2026-a1b2c3d4.yml",
    "src/a.py",
    "src/both.py",
    "src/c.py",
    "src/other_ref.py",
    "src/side.py",
]


def history(repo: Repo, *, config: str = "provenance:\n  exclude_paths:\n    - docs\n") -> None:
    """Commits of every kind that could wrongly count (or wrongly not count) towards ID."""
    repo.write(".linespec.yml", config)
    repo.write("README.md", "demo\n")
    # A root commit: diff-tree lists nothing for it, so tag-free setup lives here.
    repo.commit_all("Initial commit")
    repo.record(ID, affected_scope=[])
    repo.write("src/a.py", "a = 1\n")
    repo.commit_all(f"Create record [{ID}]")
    repo.write("src/untagged.py", "u = 1\n")
    repo.commit_all("Untagged work")
    repo.write("src/c.py", "c = 1\n")
    repo.write("docs/guide.md", "excluded by exclude_paths\n")
    repo.write(".linespec/hash_manifest.json", "")
    repo.commit_all(f"Implement\n\nDetails in the body. [{ID}]")
    repo.write("src/suffixed.py", "s = 1\n")
    repo.commit_all(f"Another service [{ID}-svc]")
    repo.write("src/both.py", "b = 1\n")
    repo.commit_all(f"Shared work [{OTHER}] [{ID}]")
    repo.git("checkout", "-q", "-b", "side")
    repo.write("src/side.py", "side = 1\n")
    repo.commit_all(f"Side work [{ID}]")
    repo.write("src/merged_untagged.py", "m = 1\n")
    repo.commit_all("Side work, untagged")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "--no-edit", "-m", f"Merge side [{ID}]", "side")
    repo.git("checkout", "-q", "-b", "elsewhere")
    repo.write("src/other_ref.py", "o = 1\n")
    repo.commit_all(f"Not merged anywhere [{ID}]")
    repo.git("checkout", "-q", "main")


def test_observed_files_is_the_sorted_union_over_every_ref(repo: Repo) -> None:
    history(repo)
    assert observed.observed_files(repo.path, ID, ["docs"]) == OBSERVED
    unfiltered = observed.observed_files(repo.path, ID, [])
    assert unfiltered == sorted([*OBSERVED, "docs/guide.md"])
    assert ".linespec/hash_manifest.json" not in unfiltered
    assert observed.observed_files(repo.path, OTHER, []) == ["src/both.py"]
    assert observed.observed_files(repo.path, "prov-2026-ffffffff", []) == []


def test_lock_scope_writes_only_affected_scope(repo: Repo) -> None:
    history(repo)
    path = repo.provenance / f"{ID}.yml"
    before = path.read_bytes()
    others = {k: v for k, v in repo.snapshot().items() if k != RECORD_FILE}
    result = repo.cli("provenance", "lock-scope", "--record", ID)
    assert result.exit_code == 0, result.stderr
    listed = "".join(f"    · {p}\n" for p in OBSERVED)
    assert result.stdout == (
        f"\n✓ {ID} scope locked (allowlist mode)\n\n"
        f"  Locked {len(OBSERVED)} paths from observed history:\n{listed}\n"
        "  Future commits tagged to this record must stay within this scope.\n\n"
    )
    scope = "".join(f"  - {p}\n" for p in OBSERVED)
    assert path.read_bytes() == before.replace(
        b"affected_scope: []\n", f"affected_scope:\n{scope}".encode()
    )
    after = repo.snapshot()
    assert {k: v for k, v in after.items() if k != RECORD_FILE} == others
    # The new scope is what the record now loads with.
    shown = json.loads(repo.cli("provenance", "status", "--format", "json").stdout)
    assert shown["records"][0]["AffectedScope"] == OBSERVED
    assert "_notice" not in shown


def test_lock_scope_inserts_the_key_where_the_go_tool_orders_it(repo: Repo) -> None:
    repo.write("README.md", "demo\n")
    repo.commit_all("Initial commit")
    path = repo.record(ID, related=["prov-2026-0000000c"])
    repo.write("src/a.py", "a = 1\n")
    repo.commit_all(f"Work [{ID}]")
    before = path.read_text()
    assert "affected_scope" not in before
    assert repo.cli("provenance", "lock-scope", "--record", ID).exit_code == 0
    assert path.read_text() == before.replace(
        "constraints:\n  - p95 under 50 ms\n",
        f"constraints:\n  - p95 under 50 ms\naffected_scope:\n  - {RECORD_FILE}\n  - src/a.py\n",
    )


def test_dry_run_prints_the_same_block_and_writes_nothing(repo: Repo) -> None:
    history(repo)
    before = repo.snapshot()
    dry = repo.cli("provenance", "lock-scope", "--record", ID, "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert repo.snapshot() == before
    real = repo.cli("provenance", "lock-scope", "--record", ID)
    assert real.stdout == dry.stdout


def test_lock_scope_with_no_tagged_commits_succeeds_and_changes_nothing(repo: Repo) -> None:
    repo.record(ID, affected_scope=[])
    repo.write("src/a.py", "a = 1\n")
    repo.commit_all("Untagged")
    before = repo.snapshot()
    result = repo.cli("provenance", "lock-scope", "--record", ID)
    assert result.exit_code == 0, result.stderr
    assert "  Locked 0 paths from observed history:\n\n" in result.stdout
    assert repo.snapshot() == before


def test_lock_scope_with_only_excluded_files_changes_nothing(repo: Repo) -> None:
    repo.write(".linespec.yml", "provenance:\n  exclude_paths:\n    - /\\.md$/\n")
    repo.write("README.md", "demo\n")
    repo.commit_all("Initial commit")
    repo.record(ID)
    repo.commit_all("Record, untagged")
    repo.write("docs/a.md", "a\n")
    repo.commit_all(f"Docs only [{ID}]")
    before = repo.snapshot()
    result = repo.cli("provenance", "lock-scope", "--record", ID)
    assert result.exit_code == 0, result.stderr
    assert "Locked 0 paths" in result.stdout
    assert repo.snapshot() == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"status": "implemented", "sealed_at_sha": "a" * 40},
            f"error: Cannot modify {ID}: record is implemented. Implemented records are "
            "immutable. To change scope, create a new Provenance Record that supersedes "
            f"{ID}.\n",
        ),
        (
            {"affected_scope": ["src/**"]},
            f"error: {ID} is already in allowlist mode; use 'linespec provenance add-scope "
            f"--record {ID}' to widen it\n",
        ),
    ],
    ids=["implemented", "allowlist"],
)
def test_lock_scope_refusals_write_nothing(
    repo: Repo, fields: dict[str, object], message: str
) -> None:
    history(repo)
    repo.record(ID, **fields)
    before = repo.snapshot()
    for extra in ([], ["--dry-run"]):
        result = repo.cli("provenance", "lock-scope", "--record", ID, *extra)
        assert result.exit_code == 1
        assert result.stderr == message
        assert result.stdout == ""
    assert repo.snapshot() == before


def test_lock_scope_unknown_record(repo: Repo) -> None:
    repo.record(ID)
    result = repo.cli("provenance", "lock-scope", "--record", "prov-2026-ffffffff")
    assert result.exit_code == 1
    assert result.stderr == "error: Record not found: prov-2026-ffffffff\n"


def test_lock_scope_requires_record(repo: Repo) -> None:
    assert repo.cli("provenance", "lock-scope").exit_code != 0


def test_lock_scope_accepts_draft_records(repo: Repo) -> None:
    history(repo)
    repo.record(ID, status="draft", affected_scope=[])
    result = repo.cli("provenance", "lock-scope", "--record", ID)
    assert result.exit_code == 0, result.stderr
    assert f"Locked {len(OBSERVED)} paths" in result.stdout


def _workspace(root: Path, *records: Record, **settings: object) -> Workspace:
    config = Config(ProvenanceSettings.model_validate(settings), root)
    return Workspace(config, RecordSet(list(records)))


def _loaded(repo: Repo) -> Workspace:
    return open_workspace(repo.path)


def test_remote_records_are_read_only_and_never_auto_populated(repo: Repo) -> None:
    history(repo)
    remote = Record(id=ID, status="open").attach(repo.path / "cache" / f"{ID}.yml", remote=True)
    ws = _workspace(repo.path, remote)
    with pytest.raises(RefusedError, match="owned by a remote repository"):
        observed.lock_scope(ws, ID)
    assert not observed.auto_populate(ws)


# -- status ------------------------------------------------------------------


def test_status_json_shows_auto_populated_scope_with_the_notice(repo: Repo) -> None:
    history(repo)
    repo.record(OTHER, status="draft")
    before = repo.snapshot()
    result = repo.cli("provenance", "status", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["_auto_populated_records", "_notice", "records"]
    assert data["_auto_populated_records"] == [ID]
    assert data["_notice"] == (
        "Scope auto-populated (not saved). Use --save-scope flag or run "
        "'linespec provenance lock-scope' to persist"
    )
    scopes = {r["ID"]: r["AffectedScope"] for r in data["records"]}
    # The draft was tagged too, but only open records are auto-populated.
    assert scopes == {ID: OBSERVED, OTHER: None}
    assert repo.snapshot() == before

    one = json.loads(repo.cli("provenance", "status", "--format", "json", "--record", ID).stdout)
    assert list(one) == ["_auto_populated_records", "_notice", "record"]
    assert one["record"]["AffectedScope"] == OBSERVED


def test_status_leaves_allowlist_records_alone(repo: Repo) -> None:
    history(repo)
    repo.record(ID, affected_scope=["src/a.py"])
    data = json.loads(repo.cli("provenance", "status", "--format", "json").stdout)
    assert list(data) == ["records"]
    assert data["records"][0]["AffectedScope"] == ["src/a.py"]


def test_status_human_notice_and_detail(repo: Repo) -> None:
    history(repo)
    overview = repo.cli("provenance", "status")
    assert overview.exit_code == 0, overview.stderr
    assert overview.stdout.endswith(
        "\n⚠ Scope auto-populated (not saved)\n"
        "  To persist these changes, use either:\n"
        "    --save-scope flag: linespec provenance status --save-scope\n"
        "    lock-scope command: linespec provenance lock-scope --record <id>\n"
        "\n"
        "  Auto-populated records:\n"
        f"    - {ID} ({len(OBSERVED)} files)\n"
    )
    detail = repo.cli("provenance", "status", "--record", ID)
    assert f"Scope Mode:   allowlist ({len(OBSERVED)} files)" in detail.stdout
    assert "  · src/side.py\n" in detail.stdout
    assert "Auto-populated records:" in detail.stdout


def test_auto_affected_scope_false_disables_it(repo: Repo) -> None:
    history(repo, config="provenance:\n  auto_affected_scope: false\n")
    data = json.loads(repo.cli("provenance", "status", "--format", "json").stdout)
    assert list(data) == ["records"]
    assert data["records"][0]["AffectedScope"] == []
    human = repo.cli("provenance", "status")
    assert "auto-populated" not in human.stdout
    saved = repo.cli("provenance", "status", "--save-scope")
    assert "Saved" not in saved.stdout


def test_save_scope_persists_only_affected_scope(repo: Repo) -> None:
    history(repo)
    path = repo.provenance / f"{ID}.yml"
    before = path.read_bytes()
    result = repo.cli("provenance", "status", "--save-scope")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(
        f"✓ Saved auto-populated scope for {ID} ({len(OBSERVED)} files)\n"
    )
    assert "auto-populated (not saved)" not in result.stdout
    scope = "".join(f"  - {p}\n" for p in OBSERVED)
    assert path.read_bytes() == before.replace(
        b"affected_scope: []\n", f"affected_scope:\n{scope}".encode()
    )
    # Now in allowlist mode: nothing left to auto-populate.
    again = repo.cli("provenance", "status", "--save-scope")
    assert "Saved" not in again.stdout
    assert path.read_bytes().count(b"src/a.py") == 1


def test_save_scope_with_json_keeps_stdout_parseable(repo: Repo) -> None:
    history(repo)
    result = repo.cli("provenance", "status", "--format", "json", "--save-scope")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["records"]
    assert data["records"][0]["AffectedScope"] == OBSERVED
    assert result.stderr == f"✓ Saved auto-populated scope for {ID} ({len(OBSERVED)} files)\n"


def test_save_scope_is_all_or_nothing(repo: Repo) -> None:
    history(repo)
    # Loaded (and saved) after ID: ID's file is written first and must be restored.
    second = "prov-2026-fffffff0"
    # A flow mapping loads fine but cannot be edited line by line, so its save fails.
    flow = repo.provenance / f"{second}.yml"
    flow.write_text(
        f'{{id: {second}, title: Flow, status: open, created_at: "2026-03-15", '
        "author: dev@example.com, intent: Fast., constraints: [fast], type: blueprint}\n"
    )
    repo.write("src/flow.py", "f = 1\n")
    repo.commit_all(f"Flow work [{second}]")
    before = repo.snapshot()
    assert list(observed.auto_populate(_loaded(repo)).scopes) == [ID, second]
    result = repo.cli("provenance", "status", "--save-scope")
    assert result.exit_code == 2
    assert "flow mapping" in result.stderr
    assert "Saved" not in result.stdout
    assert repo.snapshot() == before


def test_save_scope_for_an_unknown_record_saves_nothing(repo: Repo) -> None:
    history(repo)
    before = repo.snapshot()
    result = repo.cli("provenance", "status", "--record", "prov-2026-ffffffff", "--save-scope")
    assert result.exit_code == 1
    assert result.stderr == "error: Record not found: prov-2026-ffffffff\n"
    assert repo.snapshot() == before


def test_status_unchanged_when_nothing_was_tagged(repo: Repo) -> None:
    repo.record(ID, affected_scope=[])
    repo.commit_all("Untagged")
    before = repo.snapshot()
    result = repo.cli("provenance", "status", "--format", "json", "--save-scope")
    assert result.exit_code == 0, result.stderr
    assert list(json.loads(result.stdout)) == ["records"]
    assert result.stderr == ""
    assert repo.snapshot() == before


def test_a_record_whose_history_fails_is_a_warning(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    history(repo)

    def broken(root: Path, shas: list[str]) -> dict[str, list[str]]:
        raise GitError("git diff-tree failed: boom")

    monkeypatch.setattr(git, "files_of_commits", broken)
    result = repo.cli("provenance", "status", "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == "Warning: Could not auto-populate scope: git diff-tree failed: boom\n"
    assert list(json.loads(result.stdout)) == ["records"]
