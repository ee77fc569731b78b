"""`provenance doctor`: every check, broken one at a time in a real repository."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from linespec.core import doctor, hooks, scopecache
from tests.conftest import Repo

OPEN_ID = "prov-2026-aaaaaaaa"
SEALED_ID = "prov-2026-bbbbbbbb"
CONFIG = "provenance:\n  dir: provenance\n"


@pytest.fixture
def healthy(repo: Repo) -> Repo:
    """Config, one open and one sealed record, hooks installed, everything committed."""
    repo.write(".linespec.yml", CONFIG)
    repo.write("src/app.py", "print('app')\n")
    repo.record(OPEN_ID, affected_scope=["src/**"])
    repo.record(SEALED_ID, status="implemented")
    assert repo.cli("provenance", "compile").exit_code == 0
    assert repo.cli("provenance", "install-hooks").exit_code == 0
    repo.commit_all("base")
    return repo


def _run(repo: Repo, *args: str) -> tuple[int, dict[str, dict[str, Any]]]:
    result = repo.cli("provenance", "doctor", "--format", "json", *args)
    assert result.stderr == ""
    payload = json.loads(result.stdout)
    checks = {check["name"]: check for check in payload["checks"]}
    assert len(checks) == len(payload["checks"])
    assert payload["ok"] == all(check["ok"] for check in checks.values())
    assert result.exit_code == (0 if payload["ok"] else 1)
    return result.exit_code, checks


def _failing(repo: Repo, *args: str) -> dict[str, dict[str, Any]]:
    code, checks = _run(repo, *args)
    assert code == 1
    return {name: check for name, check in checks.items() if not check["ok"]}


def _only_git(tmp_path: Path) -> str:
    """A PATH directory with git and nothing else (jq and linespec share /usr/bin with it)."""
    folder = tmp_path / "only-git"
    folder.mkdir(exist_ok=True)
    if not (folder / "git").exists():
        (folder / "git").symlink_to(shutil.which("git") or "/usr/bin/git")
    return str(folder)


def _everything(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts[:1]
    }


def test_a_healthy_repository_passes_and_nothing_is_written(healthy: Repo) -> None:
    before = _everything(healthy.path)
    code, checks = _run(healthy)
    assert code == 0, [c for c in checks.values() if not c["ok"]]
    assert list(checks) == [
        "git repository",
        "config",
        "provenance directory",
        "records",
        "hash manifest",
        "sealed records",
        "scope cache",
        "state directory ignored",
        "pre-commit hook",
        "commit-msg hook",
        "core.hooksPath",
        "Claude Code plugin",
        "Claude Code skills",
    ]
    assert all(set(c) == {"name", "ok", "detail", "fix"} for c in checks.values())
    assert all(c["fix"] == "" for c in checks.values())
    assert checks["records"]["detail"] == "2 records load (1 implemented, 1 open)"
    assert checks["sealed records"]["detail"] == "1 implemented record(s) match their seals"
    assert checks["pre-commit hook"]["detail"].endswith(f"(runs {sys.executable})")
    assert _everything(healthy.path) == before


def test_human_output_marks_each_check_and_gives_the_fix(healthy: Repo) -> None:
    result = healthy.cli("provenance", "doctor")
    assert result.exit_code == 0
    lines = result.stdout.strip("\n").splitlines()
    assert all(line.startswith("✓ ") for line in lines[:-2])
    assert lines[-1] == "✓ No problems found"
    (healthy.path / ".linespec.yml").unlink()
    result = healthy.cli("provenance", "doctor")
    assert result.exit_code == 1
    assert "✗ config" in result.stdout
    assert "fix: create" in result.stdout
    assert result.stdout.rstrip("\n").endswith("✗ 1 problem found")


# --- config and records ------------------------------------------------------------------


def test_missing_config(healthy: Repo) -> None:
    (healthy.path / ".linespec.yml").unlink()
    failing = _failing(healthy)
    assert list(failing) == ["config"]
    assert ".linespec.yml" in failing["config"]["fix"]


def test_invalid_config_names_file_and_line_and_skips_what_depends_on_it(healthy: Repo) -> None:
    healthy.write(".linespec.yml", "provenance:\n  dir: provenance\n  enforcement: loud\n")
    code, checks = _run(healthy)
    assert code == 1
    assert not checks["config"]["ok"]
    assert checks["config"]["detail"].startswith(".linespec.yml:3")
    assert "enforcement" in checks["config"]["detail"]
    for dependent in ("records", "hash manifest", "sealed records", "scope cache"):
        assert dependent not in checks
    assert checks["pre-commit hook"]["ok"]


def test_an_explicit_config_is_used(healthy: Repo) -> None:
    healthy.write("other.yml", "provenance:\n  dir: elsewhere\n")
    failing = _failing(healthy, "-c", "other.yml")
    assert list(failing) == ["provenance directory"]
    assert failing["provenance directory"]["detail"] == "elsewhere does not exist"


def test_unknown_settings_are_mentioned_but_pass(healthy: Repo) -> None:
    healthy.write(".linespec.yml", CONFIG + "  colour: blue\n")
    code, checks = _run(healthy)
    assert code == 0
    assert "unknown settings ignored: colour" in checks["config"]["detail"]


def test_a_record_that_does_not_load(healthy: Repo) -> None:
    bad = healthy.provenance / "prov-2026-cccccccc.yml"
    bad.write_text("id: [unclosed\n")
    failing = _failing(healthy)
    assert list(failing) == ["records"]
    assert "prov-2026-cccccccc.yml" in failing["records"]["detail"]
    assert "lint" in failing["records"]["fix"]
    _, checks = _run(healthy)
    assert "sealed records" not in checks


# --- sealing -----------------------------------------------------------------------------


def test_an_unreadable_manifest(healthy: Repo) -> None:
    (healthy.path / ".linespec" / "hash_manifest.json").write_text("{not json\n")
    code, checks = _run(healthy)
    assert code == 1
    assert not checks["hash manifest"]["ok"]
    assert "compile" in checks["hash manifest"]["fix"]
    assert "sealed records" not in checks


def test_a_sealed_record_edited_after_sealing(healthy: Repo) -> None:
    path = healthy.provenance / f"{SEALED_ID}.yml"
    path.write_text(path.read_text().replace("Keep the service fast.", "Keep it faster."))
    failing = _failing(healthy)
    assert list(failing) == ["sealed records"]
    assert failing["sealed records"]["detail"] == f"changed after sealing: {SEALED_ID}"
    assert "supersedes" in failing["sealed records"]["fix"]


def test_an_implemented_record_without_a_seal(healthy: Repo) -> None:
    healthy.record("prov-2026-dddddddd", status="implemented")
    failing = _failing(healthy)
    assert list(failing) == ["sealed records"]
    assert "prov-2026-dddddddd" in failing["sealed records"]["detail"]
    assert failing["sealed records"]["fix"] == (
        "`linespec provenance compile` adds their hashes to the manifest"
    )
    assert healthy.cli("provenance", "compile").exit_code == 0
    assert _run(healthy)[0] == 0


# --- scope cache -------------------------------------------------------------------------


def test_scope_cache_fresh_stale_and_wrong(healthy: Repo) -> None:
    cache = scopecache.cache_path(healthy.path / ".linespec")
    # `compile` in the fixture loaded the records, and every loading command writes it.
    assert cache.is_file()
    cache.unlink()
    _, checks = _run(healthy)
    assert checks["scope cache"]["ok"]
    assert "not built yet" in checks["scope cache"]["detail"]
    assert healthy.cli("provenance", "check").exit_code == 0
    _, checks = _run(healthy)
    assert checks["scope cache"]["ok"]
    assert "is fresh" in checks["scope cache"]["detail"]

    # Same fingerprint, wrong content: only deleting the cache gets rid of it.
    data = json.loads(cache.read_text())
    for entry in data["entries"]:
        if entry["id"] == OPEN_ID:
            entry["affected_scope"] = ["**"]
    cache.write_text(json.dumps(data))
    failing = _failing(healthy)
    assert list(failing) == ["scope cache"]
    assert OPEN_ID in failing["scope cache"]["detail"]
    assert failing["scope cache"]["fix"].startswith("delete .linespec/scope-index.json")

    # A changed record makes it stale, which the next check repairs by itself.
    healthy.record(OPEN_ID, affected_scope=["src/**", "docs/**"])
    _, checks = _run(healthy)
    assert checks["scope cache"]["ok"]
    assert "out of date" in checks["scope cache"]["detail"]


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        pytest.param({"title": "Something else"}, "disagrees with the records", id="a title"),
        pytest.param({"forbidden_scope": "src/**"}, "is damaged", id="a scope that is no list"),
    ],
)
def test_a_cache_entry_that_is_wrong_or_damaged_fails(
    healthy: Repo, change: dict[str, object], detail: str
) -> None:
    assert healthy.cli("provenance", "check").exit_code == 0
    cache = scopecache.cache_path(healthy.path / ".linespec")
    data = json.loads(cache.read_text())
    data["entries"][0].update(change)
    cache.write_text(json.dumps(data))
    failing = _failing(healthy)
    assert list(failing) == ["scope cache"]
    assert detail in failing["scope cache"]["detail"]


def test_an_index_the_go_tool_wrote_is_no_fault(healthy: Repo) -> None:
    assert healthy.cli("provenance", "check").exit_code == 0
    cache = scopecache.cache_path(healthy.path / ".linespec")
    data = json.loads(cache.read_text())
    del data["linespec"]
    cache.write_text(json.dumps(data, separators=(",", ":")))
    code, checks = _run(healthy)
    assert code == 0
    assert "written by the Go tool or an older linespec" in checks["scope cache"]["detail"]
    assert healthy.cli("provenance", "status").exit_code == 0  # rewrites it
    assert "is fresh" in _run(healthy)[1]["scope cache"]["detail"]


def test_extra_keys_in_cache_entries_are_not_a_disagreement(healthy: Repo) -> None:
    assert healthy.cli("provenance", "check").exit_code == 0
    cache = scopecache.cache_path(healthy.path / ".linespec")
    data = json.loads(cache.read_text())
    for entry in data["entries"]:
        entry["written_by"] = "another command"
    cache.write_text(json.dumps(data))
    assert _run(healthy)[0] == 0


# --- .linespec/ and git ------------------------------------------------------------------


def test_caches_that_git_does_not_ignore(healthy: Repo) -> None:
    (healthy.path / ".linespec" / ".gitignore").unlink()
    failing = _failing(healthy)
    assert list(failing) == ["state directory ignored"]
    assert "scope-index.json" in failing["state directory ignored"]["detail"]
    assert "`*` and `!hash_manifest.json`" in failing["state directory ignored"]["fix"]


def test_a_committed_cache(healthy: Repo) -> None:
    assert healthy.cli("provenance", "check").exit_code == 0
    healthy.git("add", "-f", ".linespec/scope-index.json")
    failing = _failing(healthy)
    assert list(failing) == ["state directory ignored"]
    assert failing["state directory ignored"]["fix"] == (
        "git rm --cached .linespec/scope-index.json"
    )


def test_an_ignored_manifest(healthy: Repo) -> None:
    healthy.git("rm", "-q", "--cached", ".linespec/hash_manifest.json")
    healthy.write(".gitignore", ".linespec/\n")
    failing = _failing(healthy)
    assert list(failing) == ["state directory ignored"]
    assert "seals are never shared" in failing["state directory ignored"]["detail"]


def test_outside_a_git_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = tmp_path / "plain"
    (plain / "provenance").mkdir(parents=True)
    (plain / ".linespec.yml").write_text(CONFIG)
    monkeypatch.chdir(plain)
    report = doctor.run(plain)
    names = [check.name for check in report.problems]
    assert names == ["git repository"]
    assert "not inside a git work tree" in report.problems[0].detail
    assert not any("hook" in check.name for check in report.checks)


# --- git hooks ---------------------------------------------------------------------------


def test_hooks_not_installed(healthy: Repo) -> None:
    assert healthy.cli("provenance", "install-hooks", "--uninstall").exit_code == 0
    failing = _failing(healthy)
    assert list(failing) == ["pre-commit hook", "commit-msg hook"]
    for check in failing.values():
        assert check["detail"].startswith("not installed")
        assert check["fix"] == "linespec provenance install-hooks"


def test_a_hook_whose_interpreter_is_gone(healthy: Repo) -> None:
    hooks.install(healthy.path, python="/nonexistent/bin/python")
    failing = _failing(healthy)
    assert list(failing) == ["pre-commit hook", "commit-msg hook"]
    assert (
        "runs /nonexistent/bin/python, which no longer exists"
        in failing["pre-commit hook"]["detail"]
    )


def test_a_hook_whose_interpreter_cannot_import_linespec(healthy: Repo, tmp_path: Path) -> None:
    python = tmp_path / "bin" / "python3"
    python.parent.mkdir()
    python.write_text("#!/bin/sh\nexit 1\n")
    python.chmod(0o755)
    hooks.install(healthy.path, python=str(python))
    failing = _failing(healthy)
    assert "cannot import linespec" in failing["commit-msg hook"]["detail"]


def test_a_hook_that_uses_linespec_on_path(
    healthy: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hooks.install(healthy.path, python="")
    git_dir = _only_git(tmp_path)
    monkeypatch.setenv("PATH", git_dir)
    failing = _failing(healthy)
    assert "`linespec` from PATH, and there is none" in failing["pre-commit hook"]["detail"]
    fake = tmp_path / "fake" / "linespec"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{git_dir}")
    code, checks = _run(healthy)
    assert code == 0
    assert checks["pre-commit hook"]["detail"].endswith(f"(runs {fake})")


def test_a_hook_from_another_version_or_not_executable(healthy: Repo) -> None:
    pre_commit = healthy.path / ".git" / "hooks" / "pre-commit"
    pre_commit.write_bytes(pre_commit.read_bytes() + b"# edited\n")
    failing = _failing(healthy)
    assert list(failing) == ["pre-commit hook"]
    assert "another version of linespec" in failing["pre-commit hook"]["detail"]
    assert healthy.cli("provenance", "install-hooks").exit_code == 0
    pre_commit.chmod(0o644)
    failing = _failing(healthy)
    assert "not executable" in failing["pre-commit hook"]["detail"]


def test_a_foreign_hook(healthy: Repo) -> None:
    assert healthy.cli("provenance", "install-hooks", "--uninstall").exit_code == 0
    hook = healthy.path / ".git" / "hooks" / "commit-msg"
    hook.write_text("#!/bin/sh\nexit 0\n")
    hook.chmod(0o755)
    failing = _failing(healthy)
    assert failing["commit-msg hook"]["detail"] == f"{hook} is not linespec's hook"
    assert "commit-msg.legacy" in failing["commit-msg hook"]["fix"]


def test_hooks_run_by_the_pre_commit_framework(healthy: Repo) -> None:
    assert healthy.cli("provenance", "install-hooks", "--uninstall").exit_code == 0
    for name in hooks.HOOK_NAMES:
        hook = healthy.path / ".git" / "hooks" / name
        hook.write_bytes(b"#!/usr/bin/env bash\n" + hooks.PRE_COMMIT_FRAMEWORK_MARKER + b"\n")
        hook.chmod(0o755)
    healthy.write(
        ".pre-commit-config.yaml",
        "repos:\n  - repo: local\n    hooks:\n      - id: linespec-lint\n",
    )
    failing = _failing(healthy)
    assert list(failing) == ["commit-msg hook"]
    assert failing["commit-msg hook"]["fix"].startswith("add `- id: linespec-check`")
    (healthy.path / ".git" / "hooks" / "commit-msg").unlink()
    healthy.write(
        ".pre-commit-config.yaml",
        "repos:\n  - repo: local\n    hooks:\n      - id: linespec-lint\n"
        "      - id: linespec-check\n",
    )
    failing = _failing(healthy)
    assert failing["commit-msg hook"]["fix"] == "pre-commit install --hook-type commit-msg"


def test_core_hooks_path_that_strands_installed_hooks(healthy: Repo) -> None:
    healthy.git("config", "core.hooksPath", ".githooks")
    failing = _failing(healthy)
    assert list(failing) == ["pre-commit hook", "commit-msg hook", "core.hooksPath"]
    detail = failing["core.hooksPath"]["detail"]
    assert detail.startswith("core.hooksPath = .githooks (set in .git/config)")
    assert "pre-commit, commit-msg" in detail and "never run" in detail
    assert healthy.cli("provenance", "install-hooks").exit_code == 0
    code, checks = _run(healthy)
    assert code == 0
    assert checks["core.hooksPath"]["detail"].startswith("core.hooksPath = .githooks")


# --- agent integrations ------------------------------------------------------------------


def test_an_outdated_plugin_and_missing_jq(
    healthy: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert healthy.cli("provenance", "install-plugin").exit_code == 0
    assert healthy.cli("provenance", "install-skills").exit_code == 0
    plugin = healthy.path / ".claude" / "plugins" / "linespec-provenance"
    fake = tmp_path / "bin"
    fake.mkdir()
    for tool in ("jq", "linespec"):
        (fake / tool).write_text("#!/bin/sh\n")
        (fake / tool).chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    assert _run(healthy)[0] == 0

    (plugin / "hooks" / "pre-edit.sh").chmod(0o644)
    (plugin / "commands" / "provenance-next.md").unlink()
    (fake / "jq").unlink()
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{_only_git(tmp_path)}")
    failing = _failing(healthy)
    assert list(failing) == ["Claude Code plugin"]
    detail = failing["Claude Code plugin"]["detail"]
    assert "missing: commands/provenance-next.md" in detail
    assert "not executable: hooks/pre-edit.sh" in detail
    assert "jq not on PATH" in detail
    assert failing["Claude Code plugin"]["fix"].startswith("install jq on PATH")


def test_an_edited_skill(healthy: Repo) -> None:
    assert healthy.cli("provenance", "install-skills").exit_code == 0
    skill = healthy.path / ".claude" / "skills" / "provenance" / "SKILL.md"
    skill.write_text("mine\n")
    failing = _failing(healthy)
    assert list(failing) == ["Claude Code skills"]
    assert "provenance/SKILL.md" in failing["Claude Code skills"]["detail"]
    assert failing["Claude Code skills"]["fix"] == "linespec provenance install-skills"
