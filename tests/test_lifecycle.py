"""create, open and deprecate: what they write, what they refuse, and rollback."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from tests.conftest import Repo

CREATED = re.compile(r"Created (\S+/(prov-\d{4}-[a-f0-9]{8}(?:-[a-z0-9-]+)?)\.yml)")


def created(stdout: str) -> tuple[Path, str]:
    match = CREATED.search(stdout)
    assert match, stdout
    return Path(match.group(1)), match.group(2)


def test_create_writes_the_go_tools_bytes(repo: Repo) -> None:
    result = repo.cli("provenance", "create", "--title", "Add caching layer", "--no-edit")
    assert result.exit_code == 0, result.stderr
    path, record_id = created(result.stdout)
    assert path.parent == repo.provenance
    date = path.read_text().split('created_at: "')[1][:10]
    assert path.read_text() == (
        f"id: {record_id}\ntitle: Add caching layer\nstatus: draft\n"
        f'created_at: "{date}"\nauthor: test@example.com\nintent: ""\n'
        "constraints: []\naffected_scope: []\nforbidden_scope: []\n"
        'supersedes: ""\nsuperseded_by: ""\nrelated: []\nsealed_at_sha: ""\n'
        "associated_specs: []\nassociated_traces: []\nmonitors: []\ntags: []\n"
    )


def test_create_options(repo: Repo) -> None:
    result = repo.cli(
        "provenance",
        "create",
        "--title",
        "Auth",
        "--type",
        "brief",
        "--tag",
        "a,b",
        "--tag",
        "c",
        "-i",
        "user-service",
        "--no-edit",
    )
    assert result.exit_code == 0, result.stderr
    path, record_id = created(result.stdout)
    assert record_id.endswith("-user-service")
    text = path.read_text()
    assert "type: brief\n" in text
    assert "tags:\n    - a\n    - b\n    - c\n" in text


def test_create_superseding_marks_the_target(repo: Repo) -> None:
    old = repo.record("prov-2026-00000001", status="implemented")
    old_text = old.read_text()
    result = repo.cli(
        "provenance", "create", "--title", "New", "--supersedes", "prov-2026-00000001", "--no-edit"
    )
    assert result.exit_code == 0, result.stderr
    _, new_id = created(result.stdout)
    assert "→ Marked prov-2026-00000001 as superseded" in result.stdout
    expected = old_text.replace("status: implemented\n", "status: superseded\n")
    expected = expected.replace("type: blueprint\n", f"type: blueprint\nsuperseded_by: {new_id}\n")
    assert old.read_text() == expected


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--supersedes", "prov-2026-99999999"), 1, "supersedes target does not exist"),
        (("--type", "epic"), 2, 'unknown --type "epic"'),
    ],
)
def test_create_refusals_write_nothing(
    repo: Repo, args: tuple[str, ...], code: int, message: str
) -> None:
    repo.record("prov-2026-00000001")
    before = repo.snapshot()
    result = repo.cli("provenance", "create", "--no-edit", *args)
    assert result.exit_code == code
    assert message in result.stderr
    assert repo.snapshot() == before


def test_create_refuses_an_already_superseded_target(repo: Repo) -> None:
    repo.record("prov-2026-00000001", status="superseded", superseded_by="prov-2026-00000002")
    repo.record("prov-2026-00000002", supersedes="prov-2026-00000001")
    before = repo.snapshot()
    result = repo.cli("provenance", "create", "--supersedes", "prov-2026-00000001", "--no-edit")
    assert result.exit_code == 1
    assert "target already superseded" in result.stderr
    assert repo.snapshot() == before


def _editor(tmp_path: Path, body: str) -> str:
    script = tmp_path / "editor.sh"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_create_with_an_editor(repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    editor = _editor(tmp_path, 'sed -i \'s/^intent: ""/intent: Edited in the editor/\' "$1"\n')
    monkeypatch.setenv("EDITOR", editor)
    result = repo.cli("provenance", "create", "--title", "T")
    assert result.exit_code == 0, result.stderr
    path, _ = created(result.stdout)
    assert "intent: Edited in the editor\n" in path.read_text()


def test_visual_wins_over_editor_and_may_carry_arguments(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = _editor(tmp_path, 'sed -i "s/^title: .*/title: $1/" "$2"\n')
    monkeypatch.setenv("VISUAL", f"{editor} from-visual")
    result = repo.cli("provenance", "create", "--title", "T")
    assert result.exit_code == 0, result.stderr
    path, _ = created(result.stdout)
    assert "title: from-visual\n" in path.read_text()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("printf 'id: [broken\\n' > \"$1\"\n", "the edited record is not valid"),
        ("exit 3\n", "the editor exited with status 3"),
        ("sed -i 's/^id: .*/id: prov-2026-00000000/' \"$1\"\n", "the edited record is not valid"),
    ],
)
def test_a_failed_edit_leaves_no_record(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, message: str
) -> None:
    monkeypatch.setenv("EDITOR", _editor(tmp_path, body))
    before = repo.snapshot()
    result = repo.cli("provenance", "create", "--title", "T")
    assert result.exit_code == 1
    assert message in result.stderr
    assert repo.snapshot() == before


def test_open_a_valid_draft(repo: Repo) -> None:
    path = repo.record(
        "prov-2026-00000001",
        status="draft",
        associated_specs=[{"path": "tests/test_x.py", "type": "pytest"}],
    )
    repo.write("tests/test_x.py", "")
    before = path.read_text()
    result = repo.cli("provenance", "open", "--record", "prov-2026-00000001")
    assert result.exit_code == 0, result.stderr
    assert "prov-2026-00000001 transitioned from draft → open" in result.stdout
    assert path.read_text() == before.replace("status: draft\n", "status: open\n")


def test_open_rolls_back_when_the_record_does_not_validate(repo: Repo) -> None:
    repo.record("prov-2026-00000001", status="draft", intent='""')
    before = repo.snapshot()
    result = repo.cli("provenance", "open", "--record", "prov-2026-00000001")
    assert result.exit_code == 1
    assert "does not pass validation" in result.stderr
    assert "intent: Missing required field: intent" in result.stderr
    assert repo.snapshot() == before


def test_open_only_from_draft(repo: Repo) -> None:
    repo.record("prov-2026-00000001", status="open")
    result = repo.cli("provenance", "open", "--record", "prov-2026-00000001")
    assert result.exit_code == 1
    assert 'record status is "open" (open only transitions from draft)' in result.stderr


def test_deprecate_stores_the_reason(repo: Repo) -> None:
    path = repo.record("prov-2026-00000001", status="implemented")
    before = path.read_text()
    result = repo.cli(
        "provenance",
        "deprecate",
        "--record",
        "prov-2026-00000001",
        "--reason",
        "Replaced: by the managed cache",
    )
    assert result.exit_code == 0, result.stderr
    assert path.read_text() == before.replace("status: implemented", "status: deprecated") + (
        "deprecation_reason: 'Replaced: by the managed cache'\n"
    )
    again = repo.cli("provenance", "deprecate", "--record", "prov-2026-00000001")
    assert again.exit_code == 1
    assert "already deprecated" in again.stderr
    shown = repo.cli("provenance", "status", "--record", "prov-2026-00000001")
    assert "Replaced: by the managed cache" in shown.stdout


def test_deprecate_refuses_superseded(repo: Repo) -> None:
    repo.record("prov-2026-00000001", status="superseded", superseded_by="prov-2026-00000002")
    repo.record("prov-2026-00000002", supersedes="prov-2026-00000001")
    result = repo.cli("provenance", "deprecate", "--record", "prov-2026-00000001")
    assert result.exit_code == 1
    assert "is superseded and cannot be deprecated" in result.stderr


def test_auto_commit_rejected_by_a_hook_rolls_back(repo: Repo) -> None:
    repo.write(".linespec.yml", "provenance:\n  commit_on_status_change: true\n")
    repo.record("prov-2026-00000001", status="implemented")
    repo.commit_all()
    hook = repo.path / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho 'hook says no' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = repo.snapshot()
    result = repo.cli("provenance", "deprecate", "--record", "prov-2026-00000001")
    assert result.exit_code == 1
    assert "auto-commit was rejected" in result.stderr
    assert "hook says no" in result.stderr
    assert repo.snapshot() == before
    assert repo.git("status", "--porcelain") == ""


def test_auto_commit(repo: Repo) -> None:
    repo.write(".linespec.yml", "provenance:\n  commit_on_status_change: true\n")
    repo.record("prov-2026-00000001", status="implemented")
    repo.commit_all()
    result = repo.cli("provenance", "deprecate", "--record", "prov-2026-00000001")
    assert result.exit_code == 0, result.stderr
    assert repo.git("log", "-1", "--format=%s").strip() == (
        "Deprecate provenance record [prov-2026-00000001]"
    )
    assert repo.git("status", "--porcelain") == ""


def test_unwritable_provenance_dir_changes_nothing(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.record("prov-2026-00000001", status="implemented")
    before = repo.snapshot()
    if os.geteuid() != 0:
        repo.provenance.chmod(0o555)
    else:
        # root ignores permission bits; fail the rename the way a read-only directory would.
        def refuse(*args: object, **kwargs: object) -> None:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr("linespec.core.files.os.replace", refuse)
    try:
        result = repo.cli("provenance", "deprecate", "--record", "prov-2026-00000001")
    finally:
        repo.provenance.chmod(0o755)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: provenance/prov-2026-00000001.yml: cannot write: Permission denied\n"
    )
    assert repo.snapshot() == before


def test_refusal_messages_keep_their_brackets(repo: Repo) -> None:
    repo.write(".linespec.yml", "provenance:\n  enforcement: strict\n")
    repo.record("prov-2026-00000001", status="draft")
    result = repo.cli("provenance", "open", "--record", "prov-2026-00000001")
    assert result.exit_code == 1
    assert "associated_specs: No associated specs (open) [strict]" in result.stderr
    assert "Fix the errors above and run 'linespec provenance open' again." in result.stderr
