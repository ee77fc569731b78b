"""`provenance install-hooks`: real repositories, real `git commit`s through the hooks."""

from __future__ import annotations

import os
import shlex
import shutil
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from linespec.core import hooks
from linespec.errors import StorageError
from tests.conftest import Repo, git

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = str(Path(sys.executable).parent)
RECORD = "prov-2026-aaaaaaaa"
SCOPE_VIOLATION = "Commit blocked due to provenance scope violations"
LINT_BLOCKED = "Commit blocked due to lint errors"


def _env(**extra: str) -> dict[str, str]:
    # The conftest has already pointed HOME and git's global config at a temp folder.
    env = {**os.environ, **extra}
    env["PATH"] = VENV_BIN + os.pathsep + env.get("PATH", "")
    return env


def _commit(cwd: Path, message: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "commit", "-m", message],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=_env(**env),
        timeout=60,
    )


def _install(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "linespec", "provenance", "install-hooks", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )


def _head(cwd: Path) -> str:
    return git(cwd, "rev-parse", "HEAD").strip()


def _hooks_dir(cwd: Path) -> Path:
    return cwd / ".git" / "hooks"


def _listing(directory: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.name: (p.read_bytes(), stat.S_IMODE(p.stat().st_mode))
        for p in sorted(directory.iterdir())
        if not p.name.endswith(".sample")
    }


def _write_hook(path: Path, body: str) -> bytes:
    data = f"#!/bin/sh\n{body}\n".encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.chmod(0o755)
    return data


def _scoped_repo(repo: Repo) -> None:
    """One open record allowing src/app.py only, committed."""
    repo.record(RECORD, affected_scope=["src/app.py"])
    repo.write("src/app.py", "print('app')\n")
    repo.commit_all("base")


# --- where the scripts come from ---------------------------------------------------------


@pytest.mark.parametrize("name", hooks.HOOK_NAMES)
def test_scripts_are_read_from_the_checkout_in_an_editable_install(name: str) -> None:
    # Imported from src/ (an editable install, or PYTHONPATH=src) the wheel's package-data
    # mapping does not exist; -S keeps any installed copy of linespec out of the way.
    probe = (
        "import sys; from linespec.core import hooks; "
        f"sys.stdout.buffer.write(hooks.script_source({name!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-S", "-c", probe],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        check=True,
    )
    assert result.stdout == (ROOT / "hooks" / name).read_bytes()


def test_wheel_layout_ships_the_scripts_as_package_data(tmp_path: Path) -> None:
    """Lay out site-packages as the wheel would (by pyproject's own mapping) and look up."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    mapping = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    site = tmp_path / "site-packages"
    shutil.copytree(ROOT / "src" / "linespec", site / "linespec")
    for source, target in mapping.items():
        (site / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / source, site / target)
    probe = (
        "import sys, linespec.core.hooks as h\n"
        "assert h._checkout_root() is None, h._checkout_root()\n"
        "sys.stdout.buffer.write(b'\\0'.join(h.script_source(n) for n in h.HOOK_NAMES))\n"
    )
    # -S: no site-packages, so no editable .pth; only the laid-out wheel is importable.
    proc = subprocess.run(
        [sys.executable, "-S", "-c", probe],
        cwd=tmp_path,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(site)},
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    shipped = proc.stdout.split(b"\0")
    assert shipped == [(ROOT / "hooks" / n).read_bytes() for n in hooks.HOOK_NAMES]


@pytest.mark.parametrize("name", hooks.HOOK_NAMES)
def test_scripts_are_posix_sh_with_one_interpreter_line(name: str) -> None:
    source = (ROOT / "hooks" / name).read_bytes()
    assert source.startswith(b"#!/bin/sh\n")
    assert source.count(hooks.PYTHON_LINE) == 1
    assert hooks.MARKER in source
    assert os.access(ROOT / "hooks" / name, os.X_OK)
    if shutil.which("dash"):
        subprocess.run(["dash", "-n", str(ROOT / "hooks" / name)], check=True)


# --- install / uninstall -----------------------------------------------------------------


def test_install_writes_executable_scripts_that_name_this_interpreter(repo: Repo) -> None:
    result = repo.cli("provenance", "install-hooks")
    assert result.exit_code == 0, result.stderr
    directory = _hooks_dir(repo.path)
    assert f"✓ Installed git hooks to {directory}" in result.stdout
    assert "• pre-commit:" in result.stdout
    assert "• commit-msg:" in result.stdout
    for name in hooks.HOOK_NAMES:
        path = directory / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o755
        text = path.read_bytes()
        assert f"LINESPEC_PYTHON={shlex.quote(sys.executable)}\n".encode() in text
        assert text == hooks.render_script(name, sys.executable)
        assert not (directory / f"{name}.legacy").exists()


def test_install_twice_changes_nothing(repo: Repo) -> None:
    assert repo.cli("provenance", "install-hooks").exit_code == 0
    before = _listing(_hooks_dir(repo.path))
    again = repo.cli("provenance", "install-hooks")
    assert again.exit_code == 0
    assert again.stdout.count("already up to date") == 2
    assert "legacy" not in again.stdout
    assert _listing(_hooks_dir(repo.path)) == before
    assert not [p for p in _hooks_dir(repo.path).iterdir() if "legacy" in p.name]


def test_a_stale_script_of_ours_is_rewritten_not_chained(repo: Repo) -> None:
    old = _write_hook(_hooks_dir(repo.path) / "pre-commit", "# linespec-managed-hook: old")
    result = repo.cli("provenance", "install-hooks")
    assert result.exit_code == 0
    assert (_hooks_dir(repo.path) / "pre-commit").read_bytes() != old
    assert not (_hooks_dir(repo.path) / "pre-commit.legacy").exists()


def test_uninstall_restores_legacy_hooks_byte_for_byte(repo: Repo) -> None:
    directory = _hooks_dir(repo.path)
    _write_hook(directory / "pre-commit", "echo theirs")
    (directory / "pre-commit").chmod(0o700)
    before = _listing(directory)
    installed = repo.cli("provenance", "install-hooks")
    assert installed.exit_code == 0
    assert "kept as pre-commit.legacy and runs first" in installed.stdout
    assert (directory / "pre-commit.legacy").read_bytes() == before["pre-commit"][0]
    removed = repo.cli("provenance", "install-hooks", "--uninstall")
    assert removed.exit_code == 0
    assert f"✓ Removed linespec git hooks from {directory}" in removed.stdout
    assert "restored the previous hook from pre-commit.legacy" in removed.stdout
    assert _listing(directory) == before


def test_uninstall_leaves_foreign_hooks_alone(repo: Repo) -> None:
    directory = _hooks_dir(repo.path)
    _write_hook(directory / "commit-msg", "exit 0")
    before = _listing(directory)
    result = repo.cli("provenance", "install-hooks", "--uninstall")
    assert result.exit_code == 0
    assert f"No linespec git hooks in {directory}" in result.stdout
    assert "commit-msg: not a linespec hook; left alone" in result.stdout
    assert _listing(directory) == before


def test_refuses_when_a_legacy_hook_is_already_taken(repo: Repo) -> None:
    directory = _hooks_dir(repo.path)
    _write_hook(directory / "commit-msg", "echo new")
    _write_hook(directory / "commit-msg.legacy", "echo old")
    before = _listing(directory)
    result = repo.cli("provenance", "install-hooks")
    assert result.exit_code == 1
    assert "commit-msg.legacy already exists" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert _listing(directory) == before


def test_a_failed_write_rolls_back_every_hook(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = _hooks_dir(repo.path)
    _write_hook(directory / "pre-commit", "echo theirs")
    before = _listing(directory)
    real_write = hooks._Undo.write_executable

    def failing(self: hooks._Undo, path: Path, data: bytes) -> None:
        if path.name == "commit-msg":
            raise StorageError("cannot write: disk full", path=path)
        real_write(self, path, data)

    monkeypatch.setattr(hooks._Undo, "write_executable", failing)
    result = repo.cli("provenance", "install-hooks")
    assert result.exit_code == 2
    assert "disk full" in result.stderr
    assert _listing(directory) == before


def test_a_failed_write_removes_a_hooks_directory_it_created(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.git("config", "core.hooksPath", "tools/git-hooks")

    def failing(self: hooks._Undo, path: Path, data: bytes) -> None:
        raise StorageError("cannot write: read-only", path=path)

    monkeypatch.setattr(hooks._Undo, "write_executable", failing)
    assert repo.cli("provenance", "install-hooks").exit_code == 2
    assert not (repo.path / "tools").exists()


def test_outside_a_repository_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    proc = subprocess.run(
        [sys.executable, "-m", "linespec", "provenance", "install-hooks"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    assert proc.returncode == 1
    assert "not inside a git work tree" in proc.stderr


# --- commits through the installed hooks -------------------------------------------------


def test_a_check_that_cannot_run_is_not_called_a_scope_violation(repo: Repo) -> None:
    _scoped_repo(repo)
    assert repo.cli("provenance", "install-hooks").exit_code == 0
    repo.write(".linespec.yml", "provenance:\n  enforcement: sometimes\n")
    repo.write("src/app.py", "print('app v2')\n")
    repo.git("add", "src/app.py")
    base = _head(repo.path)
    blocked = _commit(repo.path, f"Update app [{RECORD}]")
    assert blocked.returncode != 0
    assert "provenance.enforcement" in blocked.stderr
    assert "Commit blocked: linespec could not check it (see the error above)" in blocked.stderr
    assert SCOPE_VIOLATION not in blocked.stderr
    assert _head(repo.path) == base


def test_a_python_without_linespec_is_not_called_a_scope_violation(
    repo: Repo, tmp_path: Path
) -> None:
    _scoped_repo(repo)
    bare = tmp_path / "bare-python"
    # -S: no site-packages, so no linespec, as in an interpreter it was never installed in.
    bare.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -S "$@"\n')
    bare.chmod(0o755)
    hooks.install(repo.path, python=str(bare))
    repo.write("src/app.py", "print('app v2')\n")
    repo.git("add", "src/app.py")
    blocked = _commit(repo.path, f"Update app [{RECORD}]")
    assert blocked.returncode != 0
    assert f"linespec hook: {sys.executable} cannot run linespec" in blocked.stderr
    assert "Commit blocked: linespec could not check it" in blocked.stderr
    assert SCOPE_VIOLATION not in blocked.stderr


def test_a_linespec_py_in_the_work_tree_does_not_shadow_the_package(repo: Repo) -> None:
    _scoped_repo(repo)
    assert repo.cli("provenance", "install-hooks").exit_code == 0
    repo.write("linespec.py", "raise SystemExit('shadowed')\n")
    repo.write("src/app.py", "print('app v2')\n")
    repo.git("add", "src/app.py")
    done = _commit(repo.path, f"Update app [{RECORD}]")
    assert done.returncode == 0, done.stderr
    assert "shadowed" not in done.stderr


def test_commit_tagged_with_a_record_is_checked_against_its_scope(repo: Repo) -> None:
    _scoped_repo(repo)
    assert repo.cli("provenance", "install-hooks").exit_code == 0
    base = _head(repo.path)
    repo.write("src/other.py", "x = 1\n")
    repo.write("src/app.py", "print('app v2')\n")
    repo.git("add", "-A")
    blocked = _commit(repo.path, f"Touch other [{RECORD}]")
    assert blocked.returncode != 0
    assert "Forbidden scope violation in staged" in blocked.stdout + blocked.stderr
    assert f"\n\n{SCOPE_VIOLATION}\n" in blocked.stderr
    assert _head(repo.path) == base
    repo.git("reset", "-q", "--", "src/other.py")
    allowed = _commit(repo.path, f"Update app [{RECORD}]")
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert _head(repo.path) != base


def test_staged_record_that_fails_lint_blocks_the_commit(repo: Repo) -> None:
    repo.write("README.md", "hello\n")
    repo.commit_all("base")
    assert repo.cli("provenance", "install-hooks").exit_code == 0
    base = _head(repo.path)
    repo.record(RECORD, status="bogus")
    repo.git("add", "-A")
    blocked = _commit(repo.path, "Add a record")
    assert blocked.returncode != 0
    assert "PROV003" in blocked.stdout + blocked.stderr
    assert LINT_BLOCKED in blocked.stderr
    assert _head(repo.path) == base


def test_a_valid_record_commits(repo: Repo) -> None:
    assert repo.cli("provenance", "install-hooks").exit_code == 0
    repo.record(RECORD)
    repo.git("add", "-A")
    # The first commit of a repository: no HEAD to diff against.
    allowed = _commit(repo.path, "Add a record")
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert RECORD in repo.git("show", "--stat", "HEAD")


def test_pre_commit_starts_linespec_only_when_a_record_is_staged(
    repo: Repo, tmp_path: Path
) -> None:
    log = tmp_path / "calls.log"
    wrapper = tmp_path / "logging-python"
    wrapper.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$*" >> {shlex.quote(str(log))}\n'
        f'exec {shlex.quote(sys.executable)} "$@"\n'
    )
    wrapper.chmod(0o755)
    hooks.install(repo.path, python=str(wrapper))
    hook = _hooks_dir(repo.path) / "pre-commit"
    repo.write("docs/prov-2026 notes/prov-2026-aaaaaaaa.yml.txt", "not a record\n")
    repo.write("prov-notes.md", "nor this\n")
    repo.git("add", "-A")
    assert subprocess.run([hook], cwd=repo.path, env=_env(), timeout=60).returncode == 0
    assert not log.exists()
    repo.record(RECORD)
    repo.git("add", "-A")
    assert subprocess.run([hook], cwd=repo.path, env=_env(), timeout=60).returncode == 0
    call = log.read_text()
    assert call.startswith("-P -c import sys\n")
    assert call.endswith("\nsys.exit(main()) provenance lint --staged\n")


# --- legacy hooks --------------------------------------------------------------------------


def test_a_failing_legacy_hook_blocks_with_its_exit_code(repo: Repo, tmp_path: Path) -> None:
    directory = _hooks_dir(repo.path)
    seen = tmp_path / "seen"
    _write_hook(
        directory / "pre-commit",
        f'printf "%s|" "$#" "$@" > {shlex.quote(str(seen))}; cat >> {shlex.quote(str(seen))}; '
        "echo legacy-refuses >&2; exit 3",
    )
    repo.write("README.md", "hello\n")
    repo.git("add", "-A")
    assert repo.cli("provenance", "install-hooks").exit_code == 0
    blocked = _commit(repo.path, "first")
    assert blocked.returncode != 0
    assert "legacy-refuses" in blocked.stderr
    no_head = subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=repo.path)
    assert no_head.returncode != 0
    # Run directly, the exit code and arguments and standard input are visible.
    proc = subprocess.run(
        [directory / "pre-commit", "a b", "c"],
        cwd=repo.path,
        input=b"from stdin",
        capture_output=True,
        env=_env(),
        timeout=60,
    )
    assert proc.returncode == 3
    assert seen.read_bytes() == b"2|a b|c|from stdin"


def test_a_passing_legacy_hook_runs_first_then_ours(repo: Repo, tmp_path: Path) -> None:
    _scoped_repo(repo)
    directory = _hooks_dir(repo.path)
    seen = tmp_path / "seen"
    _write_hook(
        directory / "commit-msg",
        f'cat "$1" >> {shlex.quote(str(seen))}; exit 0',
    )
    _write_hook(directory / "pre-commit", f"echo pre >> {shlex.quote(str(seen))}")
    assert repo.cli("provenance", "install-hooks").exit_code == 0
    # Ours still runs after the legacy pre-commit hook passes: the lint error blocks.
    repo.record("prov-2026-bbbbbbbb", status="bogus")
    repo.git("add", "-A")
    blocked = _commit(repo.path, "bad record")
    assert LINT_BLOCKED in blocked.stderr
    repo.git("reset", "-q")
    (repo.provenance / "prov-2026-bbbbbbbb.yml").unlink()
    # And after the legacy commit-msg hook passes (it saw the message): scope is checked.
    repo.write("src/other.py", "x = 1\n")
    repo.git("add", "-A")
    blocked = _commit(repo.path, f"other [{RECORD}]")
    assert SCOPE_VIOLATION in blocked.stderr
    assert seen.read_text() == f"pre\npre\nother [{RECORD}]\n"


# --- where the hooks go --------------------------------------------------------------------


def test_core_hooks_path_is_honoured(repo: Repo) -> None:
    repo.write("README.md", "hello\n")
    repo.commit_all("base")
    repo.git("config", "core.hooksPath", "tools/git hooks")
    result = repo.cli("provenance", "install-hooks")
    assert result.exit_code == 0
    directory = repo.path / "tools" / "git hooks"
    assert f"✓ Installed git hooks to {directory}" in result.stdout
    assert hooks.is_ours(directory / "pre-commit")
    assert not (_hooks_dir(repo.path) / "pre-commit").exists()
    repo.record(RECORD, status="bogus")
    repo.git("add", "provenance")
    blocked = _commit(repo.path, "bad record")
    assert LINT_BLOCKED in blocked.stderr


def test_a_linked_worktree_uses_the_common_hooks(repo: Repo, tmp_path: Path) -> None:
    _scoped_repo(repo)
    worktree = tmp_path / "linked tree"
    repo.git("worktree", "add", "-q", "-b", "feature", str(worktree))
    installed = _install(worktree)
    assert installed.returncode == 0, installed.stderr
    assert hooks.is_ours(_hooks_dir(repo.path) / "commit-msg")
    (worktree / "src" / "other.py").write_text("x = 1\n")
    git(worktree, "add", "-A")
    blocked = _commit(worktree, f"other [{RECORD}]")
    assert SCOPE_VIOLATION in blocked.stderr
    git(worktree, "reset", "-q")
    (worktree / "src" / "other.py").unlink()
    (worktree / "src" / "app.py").write_text("print('v2')\n")
    git(worktree, "add", "-A")
    allowed = _commit(worktree, f"app [{RECORD}]")
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr


def test_spaces_in_the_repository_path_and_file_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "my repo 'quoted' $HOME"
    path.mkdir()
    git(path, "init", "-q")
    repo = Repo(path, capsys)
    repo.record(RECORD, affected_scope=["src/my app.py"])
    repo.write("src/my app.py", "print('app')\n")
    repo.commit_all("base")
    assert _install(path).returncode == 0
    repo.write("src/my other.py", "x = 1\n")
    repo.git("add", "-A")
    blocked = _commit(path, f"other [{RECORD}]")
    assert SCOPE_VIOLATION in blocked.stderr
    repo.git("reset", "-q")
    (path / "src" / "my other.py").unlink()
    repo.write("src/my app.py", "print('v2')\n")
    repo.git("add", "-A")
    allowed = _commit(path, f"app [{RECORD}]")
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    repo.record("prov-2026-bbbbbbbb", status="bogus")
    repo.git("add", "-A")
    assert LINT_BLOCKED in _commit(path, "bad").stderr


# --- which linespec the hooks run --------------------------------------------------------


def test_an_interpreter_path_with_shell_characters_is_quoted(repo: Repo, tmp_path: Path) -> None:
    odd = tmp_path / "py dir 'it''s' $(touch pwned) `x` \\ \"q\""
    odd.mkdir()
    wrapper = odd / "python"
    wrapper.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} "$@"\n')
    wrapper.chmod(0o755)
    hooks.install(repo.path, python=str(wrapper))
    repo.record(RECORD, status="bogus")
    repo.git("add", "-A")
    proc = subprocess.run(
        [_hooks_dir(repo.path) / "pre-commit"],
        cwd=repo.path,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    # linespec ran (through the odd path: nothing on this PATH provides it) and refused.
    assert proc.returncode == 1
    assert "PROV003" in proc.stdout
    assert LINT_BLOCKED in proc.stderr
    assert not (repo.path / "pwned").exists()


def test_a_vanished_interpreter_falls_back_to_linespec_on_path(repo: Repo) -> None:
    hooks.install(repo.path, python="/nonexistent/bin/python")
    repo.record(RECORD, status="bogus")
    repo.git("add", "-A")
    hook = _hooks_dir(repo.path) / "pre-commit"
    on_path = subprocess.run(
        [hook], cwd=repo.path, capture_output=True, text=True, env=_env(), timeout=60
    )
    assert on_path.returncode == 1
    assert "PROV003" in on_path.stdout
    if shutil.which("linespec", path="/usr/bin:/bin") is None:
        env = {**os.environ, "PATH": "/usr/bin:/bin"}
        missing = subprocess.run(
            [hook], cwd=repo.path, capture_output=True, text=True, env=env, timeout=60
        )
        assert missing.returncode == 127
        assert "cannot find linespec on PATH or at /nonexistent/bin/python" in missing.stderr
        assert LINT_BLOCKED not in missing.stderr
        assert "could not lint the records" in missing.stderr


# --- the pre-commit framework --------------------------------------------------------------


def _manifest() -> dict[str, dict[str, object]]:
    entries = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    return {entry["id"]: entry for entry in entries}


def test_manifest_declares_both_hooks() -> None:
    manifest = _manifest()
    lint, check = manifest["linespec-lint"], manifest["linespec-check"]
    assert lint["entry"] == "linespec provenance lint --staged"
    assert lint["stages"] == ["pre-commit"]
    assert lint["pass_filenames"] is False
    assert check["entry"] == "linespec provenance check --staged --message-file"
    assert check["stages"] == ["commit-msg"]
    assert check["pass_filenames"] is True
    for entry in manifest.values():
        assert entry["language"] == "python"
        assert entry["require_serial"] is True
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", ".pre-commit-hooks.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_pre_commit_framework_runs_our_manifest(repo: Repo, tmp_path: Path) -> None:
    keys = ("id", "name", "entry", "files", "pass_filenames", "stages", "always_run")
    local = [
        {**{k: v for k, v in entry.items() if k in keys}, "language": "system"}
        for entry in _manifest().values()
    ]
    config = {"repos": [{"repo": "local", "hooks": local}]}
    repo.write(".pre-commit-config.yaml", yaml.safe_dump(config, sort_keys=False))
    _scoped_repo(repo)
    env = {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PRE_COMMIT_COLOR": "never"}
    subprocess.run(
        [
            *(sys.executable, "-m", "pre_commit", "install"),
            *("--hook-type", "pre-commit", "--hook-type", "commit-msg"),
        ],
        cwd=repo.path,
        check=True,
        capture_output=True,
        env=_env(**env),
        timeout=60,
    )
    base = _head(repo.path)

    repo.record("prov-2026-bbbbbbbb", status="bogus")
    repo.git("add", "-A")
    blocked = _commit(repo.path, "bad record", **env)
    assert blocked.returncode != 0
    assert "PROV003" in blocked.stdout + blocked.stderr
    repo.git("reset", "-q")
    (repo.provenance / "prov-2026-bbbbbbbb.yml").unlink()

    repo.write("src/other.py", "x = 1\n")
    repo.git("add", "-A")
    blocked = _commit(repo.path, f"other [{RECORD}]", **env)
    assert blocked.returncode != 0
    assert "Forbidden scope violation in staged" in blocked.stdout + blocked.stderr
    assert _head(repo.path) == base
    repo.git("reset", "-q")

    repo.write("src/app.py", "print('v2')\n")
    repo.git("add", "src/app.py")
    allowed = _commit(repo.path, f"app [{RECORD}]", **env)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert "linespec provenance check" in allowed.stdout + allowed.stderr

    # Our installer will not wrap the framework's scripts (they would call themselves).
    refused = repo.cli("provenance", "install-hooks")
    assert refused.exit_code == 1
    assert "managed by the pre-commit framework" in refused.stderr
