"""`install-skills`, `install-plugin` and the plugin's hook scripts, in real repositories.

The hook scripts are run as Claude Code runs them: the installed file, executed through
its shebang, with the hook input JSON on stdin. `linespec` is a fake on PATH that prints
canned JSON for `next --json` and `govern --json` and logs how it was called, so these
tests pin the scripts to the JSON contract, not to the commands' current output. Tests
that need jq skip when it is not installed; the no-jq path always runs.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from linespec.core import agents, files
from linespec.errors import StorageError
from tests.conftest import Repo, git

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "linespec" / "data"
HAS_JQ = shutil.which("jq") is not None
needs_jq = pytest.mark.skipif(not HAS_JQ, reason="jq is not installed")

PLUGIN_TREE = {
    ".claude-plugin/plugin.json": 0o644,
    ".claude-plugin/marketplace.json": 0o644,
    "hooks/hooks.json": 0o644,
    "hooks/session-start.sh": 0o755,
    "hooks/pre-edit.sh": 0o755,
    "hooks/post-commit.sh": 0o755,
    "commands/provenance-next.md": 0o644,
}
OPEN_ID = "prov-2026-aaaaaaaa"
NEXT: dict[str, Any] = {
    "primary": {
        "kind": "open",
        "command": f"linespec provenance open --record {OPEN_ID}",
        "reason": f"Draft {OPEN_ID} covers this work — open it to enable scope/spec enforcement.",
        "record_id": OPEN_ID,
    },
    "follow_ups": [],
}
GOVERN: dict[str, Any] = {
    "files": ["src/app.py"],
    "governing": [
        {"id": OPEN_ID, "status": "open"},
        {"id": "prov-2026-bbbbbbbb", "status": "implemented"},
        {"id": "prov-2026-cccccccc", "status": "implemented"},
    ],
    "next": {
        "kind": "commit",
        "command": f'git commit -m "<description> [{OPEN_ID}]"',
        "reason": f"You have staged changes — commit them tagged with {OPEN_ID}.",
    },
}


def _tree(directory: Path) -> dict[str, int]:
    return {
        p.relative_to(directory).as_posix(): stat.S_IMODE(p.stat().st_mode)
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


# --- package data ------------------------------------------------------------------------


def test_package_data_holds_exactly_the_plugin_tree_and_two_skills() -> None:
    assert {f.relative.as_posix() for f in agents.plugin_files()} == set(PLUGIN_TREE)
    assert {f.relative.as_posix(): f.mode for f in agents.plugin_files()} == PLUGIN_TREE
    assert [f.relative.as_posix() for f in agents.skill_files()] == [
        "linespec-testing/SKILL.md",
        "provenance/SKILL.md",
    ]
    # The source files are what ships: read through importlib.resources, byte for byte.
    for data_file in agents.plugin_files():
        assert data_file.data == (DATA / "plugin" / data_file.relative).read_bytes()


def test_package_data_is_shipped_in_the_wheel() -> None:
    # hatch ships every file under src/linespec that git does not ignore, modes included.
    paths = [str(p.relative_to(ROOT)) for p in DATA.rglob("*") if p.is_file()]
    proc = subprocess.run(
        ["git", "check-ignore", "--no-index", "--", *paths], cwd=ROOT, capture_output=True
    )
    assert proc.stdout == b"", proc.stdout
    for script in (DATA / "plugin" / "hooks").glob("*.sh"):
        assert os.access(script, os.X_OK), script


@pytest.mark.parametrize("layout", ["site-packages", "zip"])
def test_install_reads_the_data_from_a_non_editable_installation(
    layout: str, tmp_path: Path
) -> None:
    """Laid out as a wheel installs it (or zipped), without the checkout on the path."""
    site = tmp_path / "site"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "src" / "linespec", site / "linespec", ignore=ignore)
    if layout == "zip":
        archive = tmp_path / "linespec.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            for path in sorted((site / "linespec").rglob("*")):
                zf.write(path, path.relative_to(site).as_posix())
        shutil.rmtree(site)
        site = archive
    target = tmp_path / "out"
    probe = (
        "import sys\n"
        f"sys.path.insert(0, {str(site)!r})\n"
        "from pathlib import Path\n"
        "from linespec.core import agents\n"
        "assert agents.__file__.startswith(sys.path[0]), agents.__file__\n"
        f"agents.install_plugin(Path({str(target)!r}), Path('.'))\n"
        f"agents.install_skills(Path({str(target)!r}), Path('skills'))\n"
    )
    # -S: no site-packages, so no editable .pth; only the laid-out package is importable.
    proc = subprocess.run(
        [sys.executable, "-S", "-c", probe], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert _tree(target / agents.PLUGIN_NAME) == PLUGIN_TREE
    assert set(_tree(target / "skills")) == {"provenance/SKILL.md", "linespec-testing/SKILL.md"}


# --- install-skills ----------------------------------------------------------------------


def test_install_skills_writes_both_skills(repo: Repo) -> None:
    result = repo.cli("provenance", "install-skills")
    assert result.exit_code == 0, result.stderr
    skills = repo.path / ".claude" / "skills"
    assert result.stdout == (
        f"✓ Installed skill 'provenance' to {skills / 'provenance'}\n"
        f"✓ Installed skill 'linespec-testing' to {skills / 'linespec-testing'}\n"
        "\nInvoke in Claude Code with: /provenance  or  /linespec-testing\n\n"
    )
    assert _tree(skills) == {"provenance/SKILL.md": 0o644, "linespec-testing/SKILL.md": 0o644}
    for name in agents.SKILL_NAMES:
        assert stat.S_IMODE((skills / name).stat().st_mode) == 0o755 & ~_umask()
        text = (skills / name / "SKILL.md").read_text()
        assert text == (DATA / "skills" / name / "SKILL.md").read_text()
        front = yaml.safe_load(text.split("---\n")[1])
        assert set(front) == {"name", "description", "when_to_use"}
        assert front["name"] == name
        assert all(isinstance(v, str) and v.strip() for v in front.values())


def test_the_skills_teach_this_tools_workflow() -> None:
    provenance = (DATA / "skills" / "provenance" / "SKILL.md").read_text()
    for command in ("create", "open", "lint", "check", "complete", "next", "govern"):
        assert f"linespec provenance {command}" in provenance, command
    assert f"[{'prov-2026-1f3a9c2e'}]" in provenance
    testing = (DATA / "skills" / "linespec-testing" / "SKILL.md").read_text()
    assert "associated_specs" in testing
    assert "linespec provenance run-specs" in testing


def test_install_skills_path_relative_to_the_root_or_absolute(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sub = repo.path / "pkg"
    sub.mkdir()
    monkeypatch.chdir(sub)
    assert repo.cli("provenance", "install-skills", "--path", "agent/skills").exit_code == 0
    assert (repo.path / "agent" / "skills" / "provenance" / "SKILL.md").is_file()
    elsewhere = tmp_path / "abs"
    assert repo.cli("provenance", "install-skills", "--path", str(elsewhere)).exit_code == 0
    assert set(_tree(elsewhere)) == {"provenance/SKILL.md", "linespec-testing/SKILL.md"}


def test_install_skills_overwrites_silently_and_leaves_other_files(repo: Repo) -> None:
    skills = repo.path / ".claude" / "skills"
    (skills / "provenance").mkdir(parents=True)
    (skills / "provenance" / "SKILL.md").write_text("old\n")
    (skills / "provenance" / "notes.md").write_text("mine\n")
    (skills / "other").mkdir()
    (skills / "other" / "SKILL.md").write_text("another skill\n")
    assert repo.cli("provenance", "install-skills").exit_code == 0
    assert (skills / "provenance" / "SKILL.md").read_bytes() == (
        DATA / "skills" / "provenance" / "SKILL.md"
    ).read_bytes()
    assert (skills / "provenance" / "notes.md").read_text() == "mine\n"
    assert (skills / "other" / "SKILL.md").read_text() == "another skill\n"


# --- install-plugin ----------------------------------------------------------------------


def test_install_plugin_writes_the_exact_tree(repo: Repo) -> None:
    result = repo.cli("provenance", "install-plugin")
    assert result.exit_code == 0, result.stderr
    plugin = repo.path / ".claude" / "plugins" / "linespec-provenance"
    assert result.stdout.startswith(f"✓ Installed plugin 'linespec-provenance' to {plugin}\n")
    assert f"claude plugin marketplace add {plugin}" in result.stdout
    assert "claude plugin install linespec-provenance@linespec" in result.stdout
    assert _tree(plugin) == PLUGIN_TREE
    for directory in (plugin, plugin / "hooks", plugin / ".claude-plugin", plugin / "commands"):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o755 & ~_umask()


def test_plugin_json_contents(repo: Repo) -> None:
    repo.cli("provenance", "install-plugin")
    plugin = repo.path / ".claude" / "plugins" / "linespec-provenance"
    manifest = json.loads((plugin / ".claude-plugin" / "plugin.json").read_text())
    assert manifest["name"] == "linespec-provenance"
    assert manifest["version"] == "0.1.0"
    assert manifest["description"]
    assert manifest["keywords"] and all(isinstance(k, str) for k in manifest["keywords"])
    market = json.loads((plugin / ".claude-plugin" / "marketplace.json").read_text())
    assert market["name"] == "linespec"
    assert market["owner"] == {"name": "LineSpec"}
    assert [(p["name"], p["source"]) for p in market["plugins"]] == [("linespec-provenance", "./")]
    wiring = json.loads((plugin / "hooks" / "hooks.json").read_text())

    def entry(matcher: str, script: str) -> list[dict[str, Any]]:
        command = "${CLAUDE_PLUGIN_ROOT}/hooks/" + script
        hook = {"type": "command", "command": command, "timeout": 10}
        return [{"matcher": matcher, "hooks": [hook]}]

    assert wiring == {
        "hooks": {
            "SessionStart": entry("startup|resume", "session-start.sh"),
            "PreToolUse": entry("Edit|Write", "pre-edit.sh"),
            "PostToolUse": entry("Bash", "post-commit.sh"),
            # Claude Code reports a failed tool call (a refused commit) only to this event.
            "PostToolUseFailure": entry("Bash", "post-commit.sh"),
        }
    }
    command = (plugin / "commands" / "provenance-next.md").read_text()
    assert command.startswith("---\ndescription: ")
    assert "linespec provenance next" in command


def test_install_plugin_path_and_only_its_files_are_touched(repo: Repo, tmp_path: Path) -> None:
    plugin = repo.path / "tools" / "plugins" / "linespec-provenance"
    (plugin / "hooks").mkdir(parents=True)
    (plugin / "hooks" / "mine.sh").write_text("#!/bin/sh\n")
    (plugin / "hooks" / "pre-edit.sh").write_text("stale\n")
    (plugin / "hooks" / "pre-edit.sh").chmod(0o600)
    assert repo.cli("provenance", "install-plugin", "--path", "tools/plugins").exit_code == 0
    assert (plugin / "hooks" / "mine.sh").read_text() == "#!/bin/sh\n"
    assert (plugin / "hooks" / "pre-edit.sh").read_bytes() == (
        DATA / "plugin" / "hooks" / "pre-edit.sh"
    ).read_bytes()
    assert stat.S_IMODE((plugin / "hooks" / "pre-edit.sh").stat().st_mode) == 0o755
    absolute = tmp_path / "abs"
    assert repo.cli("provenance", "install-plugin", "--path", str(absolute)).exit_code == 0
    assert _tree(absolute / "linespec-provenance") == PLUGIN_TREE


def test_a_failed_install_changes_nothing(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    plugin = repo.path / ".claude" / "plugins" / "linespec-provenance"
    (plugin / "hooks").mkdir(parents=True)
    (plugin / "hooks" / "hooks.json").write_text("{}\n")
    (plugin / "hooks" / "hooks.json").chmod(0o600)
    before = _snapshot(repo.path / ".claude")
    real = files.atomic_write
    calls: list[Path] = []

    def flaky(path: Path, data: bytes, mode: int | None = None) -> None:
        calls.append(path)
        if len(calls) == 5:
            raise StorageError("cannot write: disk full", path=path)
        real(path, data, mode)

    monkeypatch.setattr(agents, "atomic_write", flaky)
    result = repo.cli("provenance", "install-plugin")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "disk full" in result.stderr
    assert len(calls) >= 5
    assert _snapshot(repo.path / ".claude") == before


def test_a_directory_in_the_way_is_refused_before_writing(repo: Repo) -> None:
    skills = repo.path / ".claude" / "skills"
    (skills / "provenance" / "SKILL.md").mkdir(parents=True)
    result = repo.cli("provenance", "install-skills")
    assert result.exit_code == 1
    assert "is a directory" in result.stderr
    assert not (skills / "linespec-testing").exists()


def _snapshot(directory: Path) -> dict[str, tuple[str, bytes | None, int]]:
    out: dict[str, tuple[str, bytes | None, int]] = {}
    for path in sorted(directory.rglob("*")):
        mode = stat.S_IMODE(path.lstat().st_mode)
        kind = "dir" if path.is_dir() else "file"
        out[path.relative_to(directory).as_posix()] = (
            kind,
            path.read_bytes() if kind == "file" else None,
            mode,
        )
    return out


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


# --- the hook scripts --------------------------------------------------------------------


class Hooks:
    """The installed plugin in a real repository, a fake `linespec` and a PATH to run with."""

    def __init__(self, repo: Repo, tmp_path: Path) -> None:
        self.repo = repo
        self.dir = repo.path / ".claude" / "plugins" / "linespec-provenance" / "hooks"
        self.fake = tmp_path / "fake-bin"
        self.fake.mkdir()
        self.log = tmp_path / "linespec-calls.log"
        self.outputs = tmp_path / "outputs"
        self.outputs.mkdir()
        self.data = tmp_path / "plugin-data"
        self.set_output("next", NEXT)
        self.set_output("govern", GOVERN)
        script = self.fake / "linespec"
        script.write_text(
            "#!/bin/sh\n"
            f"printf '%s\\t%s\\n' \"$PWD\" \"$*\" >> '{self.log}'\n"
            f"out='{self.outputs}'/\"$2\"\n"
            '[ -f "$out.fail" ] && exit 1\n'
            '[ -f "$out" ] && cat "$out"\n'
        )
        script.chmod(0o755)
        self.path_without: dict[frozenset[str], str] = {}

    def set_output(self, command: str, payload: object) -> None:
        text = payload if isinstance(payload, str) else json.dumps(payload)
        (self.outputs / command).write_text(text)

    def fail(self, command: str) -> None:
        (self.outputs / f"{command}.fail").write_text("")

    def calls(self) -> list[tuple[str, str]]:
        if not self.log.exists():
            return []
        lines = self.log.read_text().splitlines()
        return [(where, args) for where, args in (line.split("\t", 1) for line in lines)]

    def sandbox_path(self, *missing: str) -> str:
        """A PATH with every tool of the real one except MISSING (and any real linespec)."""
        key = frozenset(missing)
        if key not in self.path_without:
            sandbox = self.fake.parent / ("bin-without-" + "-".join(sorted(missing)))
            sandbox.mkdir()
            for folder in os.environ.get("PATH", "").split(os.pathsep):
                if not folder or not os.path.isdir(folder):
                    continue
                for entry in os.scandir(folder):
                    name = entry.name
                    if name in key or name == "linespec" or (sandbox / name).exists():
                        continue
                    if entry.is_file() and os.access(entry.path, os.X_OK):
                        (sandbox / name).symlink_to(entry.path)
            self.path_without[key] = str(sandbox)
        return self.path_without[key]

    def run(
        self,
        script: str,
        payload: dict[str, Any] | str,
        *,
        missing: tuple[str, ...] = (),
        fake: bool = True,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        path = self.sandbox_path(*missing)
        if fake:
            path = f"{self.fake}{os.pathsep}{path}"
        stdin = payload if isinstance(payload, str) else json.dumps(payload)
        full_env = {**os.environ, "PATH": path, "CLAUDE_PLUGIN_DATA": str(self.data)}
        full_env.update(env or {})
        return subprocess.run(
            [str(self.dir / script)],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=self.repo.path,
            env=full_env,
            timeout=30,
        )


@pytest.fixture
def plugin(repo: Repo, tmp_path: Path) -> Iterator[Hooks]:
    assert repo.cli("provenance", "install-plugin").exit_code == 0
    repo.write(".linespec.yml", "provenance:\n  dir: provenance\n")
    repo.write("src/app.py", "print('app')\n")
    yield Hooks(repo, tmp_path)


def _context(proc: subprocess.CompletedProcess[str], event: str) -> str:
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    out = json.loads(proc.stdout)
    # Advice only: a permission decision or a block decision would stop the agent.
    assert "decision" not in out
    assert "permissionDecision" not in out["hookSpecificOutput"]
    assert out["hookSpecificOutput"]["hookEventName"] == event
    context = out["hookSpecificOutput"]["additionalContext"]
    assert isinstance(context, str)
    return context


def _silent(proc: subprocess.CompletedProcess[str]) -> None:
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def _start(repo: Repo) -> dict[str, Any]:
    return {
        "session_id": "s1",
        "cwd": str(repo.path),
        "hook_event_name": "SessionStart",
        "source": "startup",
    }


def _edit(repo: Repo, file: str, session: str = "s1", tool: str = "Edit") -> dict[str, Any]:
    return {
        "session_id": session,
        "cwd": str(repo.path),
        "hook_event_name": "PreToolUse",
        "tool_name": tool,
        "tool_input": {"file_path": file, "old_string": "a", "new_string": "b"},
    }


def _bash(repo: Repo, command: str, **response: object) -> dict[str, Any]:
    return {
        "session_id": "s1",
        "cwd": str(repo.path),
        "hook_event_name": "PostToolUse",
        "tool_name": "Bash",
        "tool_input": {"command": command},
        "tool_response": {"stdout": "", "stderr": "", **response},
    }


BLOCKED = (
    f"\n✗ Forbidden scope violation in staged\n\n  {OPEN_ID} forbids changes to:\n"
    "    · src/other.py\n\nCommit blocked due to provenance scope violations\n"
)


@pytest.mark.parametrize(
    ("script", "payload"),
    [
        ("session-start.sh", "start"),
        ("pre-edit.sh", "edit"),
        ("post-commit.sh", "commit"),
    ],
)
@pytest.mark.parametrize("missing", ["jq", "linespec"])
def test_every_hook_is_a_silent_no_op_without_jq_or_linespec(
    plugin: Hooks, script: str, payload: str, missing: str
) -> None:
    repo = plugin.repo
    stdin = {
        "start": _start(repo),
        "edit": _edit(repo, str(repo.path / "src" / "app.py")),
        "commit": _bash(repo, "git commit -m x", stderr=BLOCKED, exit_code=1),
    }[payload]
    if missing == "jq":
        proc = plugin.run(script, stdin, missing=("jq",))
    else:
        proc = plugin.run(script, stdin, fake=False)
    _silent(proc)
    assert plugin.calls() == []


@needs_jq
@pytest.mark.parametrize("script", ["session-start.sh", "pre-edit.sh", "post-commit.sh"])
def test_every_hook_is_silent_without_a_linespec_config(plugin: Hooks, script: str) -> None:
    repo = plugin.repo
    (repo.path / ".linespec.yml").unlink()
    stdin = {
        "session-start.sh": _start(repo),
        "pre-edit.sh": _edit(repo, str(repo.path / "src" / "app.py")),
        "post-commit.sh": _bash(repo, "git commit -m x", stderr=BLOCKED, exit_code=1),
    }[script]
    _silent(plugin.run(script, stdin))
    assert plugin.calls() == []


@needs_jq
@pytest.mark.parametrize("script", ["session-start.sh", "pre-edit.sh", "post-commit.sh"])
def test_hooks_survive_garbage_input(plugin: Hooks, script: str) -> None:
    _silent(plugin.run(script, "this is not json"))
    _silent(plugin.run(script, ""))


# session-start


@needs_jq
def test_session_start_injects_the_next_action(plugin: Hooks) -> None:
    context = _context(plugin.run("session-start.sh", _start(plugin.repo)), "SessionStart")
    assert context == (
        f"Provenance (linespec) — next action: {NEXT['primary']['reason']}\n"
        f"  linespec provenance open --record {OPEN_ID}"
    )
    assert plugin.calls() == [(str(plugin.repo.path), "provenance next --json")]


@needs_jq
def test_session_start_without_a_command_prints_only_the_reason(plugin: Hooks) -> None:
    plugin.set_output("next", {"primary": {"kind": "none", "reason": "Nothing pending."}})
    context = _context(plugin.run("session-start.sh", _start(plugin.repo)), "SessionStart")
    assert context == "Provenance (linespec) — next action: Nothing pending."


@needs_jq
def test_session_start_runs_in_the_sessions_directory(plugin: Hooks) -> None:
    sub = plugin.repo.path / "pkg" / "deep"
    sub.mkdir(parents=True)
    payload = {**_start(plugin.repo), "cwd": str(sub)}
    _context(plugin.run("session-start.sh", payload), "SessionStart")
    assert plugin.calls() == [(str(sub.resolve()), "provenance next --json")]


@needs_jq
def test_session_start_accepts_a_pyproject_config(plugin: Hooks) -> None:
    (plugin.repo.path / ".linespec.yml").unlink()
    plugin.repo.write("pyproject.toml", '[project]\nname = "x"\n\n[tool.linespec.provenance]\n')
    _context(plugin.run("session-start.sh", _start(plugin.repo)), "SessionStart")
    plugin.repo.write("pyproject.toml", '[project]\nname = "x"\n')
    _silent(plugin.run("session-start.sh", _start(plugin.repo)))


@needs_jq
@pytest.mark.parametrize("output", ["fail", "{not json", "{}", '{"primary": {}}'])
def test_session_start_is_silent_when_next_gives_nothing_usable(plugin: Hooks, output: str) -> None:
    if output == "fail":
        plugin.fail("next")
    else:
        plugin.set_output("next", output)
    _silent(plugin.run("session-start.sh", _start(plugin.repo)))


# pre-edit


@needs_jq
def test_pre_edit_names_open_records_and_counts_sealed_ones(plugin: Hooks) -> None:
    repo = plugin.repo
    proc = plugin.run("pre-edit.sh", _edit(repo, str(repo.path / "src" / "app.py")))
    context = _context(proc, "PreToolUse")
    first, *rest = context.split("\n")
    assert f"src/app.py is governed by open record(s): {OPEN_ID}." in first
    assert "2 sealed record(s) also govern it" in first
    assert "prov-2026-bbbbbbbb" not in context
    assert rest == [
        f"Next: You have staged changes — commit them tagged with {OPEN_ID}.",
        f'  git commit -m "<description> [{OPEN_ID}]"',
    ]
    # govern gets the repository-relative path, from the file's own directory.
    assert plugin.calls() == [
        (str((repo.path / "src").resolve()), "provenance govern --files src/app.py --json")
    ]


@needs_jq
def test_pre_edit_speaks_once_per_file_per_session(plugin: Hooks) -> None:
    repo = plugin.repo
    app = str(repo.path / "src" / "app.py")
    _context(plugin.run("pre-edit.sh", _edit(repo, app)), "PreToolUse")
    _silent(plugin.run("pre-edit.sh", _edit(repo, app)))
    assert len(plugin.calls()) == 1
    _context(plugin.run("pre-edit.sh", _edit(repo, app, session="s2")), "PreToolUse")
    other = str(repo.path / "src" / "other.py")
    _context(plugin.run("pre-edit.sh", _edit(repo, other, tool="Write")), "PreToolUse")
    assert len(plugin.calls()) == 3
    # The markers live under CLAUDE_PLUGIN_DATA, never in the plugin or the repository.
    assert plugin.data.is_dir()
    assert git(repo.path, "status", "--porcelain", "--untracked-files=all", "--", "src") == (
        "?? src/app.py\n"
    )


@needs_jq
def test_pre_edit_markers_fall_back_to_tmpdir(plugin: Hooks, tmp_path: Path) -> None:
    repo = plugin.repo
    tmp = tmp_path / "tmpdir"
    tmp.mkdir()
    env = {"TMPDIR": str(tmp), "CLAUDE_PLUGIN_DATA": ""}
    payload = _edit(repo, str(repo.path / "src" / "app.py"), session="../../escape")
    _context(plugin.run("pre-edit.sh", payload, env=env), "PreToolUse")
    _silent(plugin.run("pre-edit.sh", payload, env=env))
    markers = [p for p in tmp.rglob("*") if p.is_file()]
    assert len(markers) == 1
    assert markers[0].is_relative_to(tmp / "linespec-provenance")


@needs_jq
def test_pre_edit_resolves_new_directories_relative_paths_and_symlinks(
    plugin: Hooks, tmp_path: Path
) -> None:
    repo = plugin.repo
    link = tmp_path / "link-to-repo"
    link.symlink_to(repo.path)
    cases = [
        (str(repo.path / "new" / "deep" / "mod.py"), "new/deep/mod.py", repo.path),
        ("src/rel.py", "src/rel.py", repo.path / "src"),
        (str(link / "src" / "linked.py"), "src/linked.py", repo.path / "src"),
    ]
    for file, relative, where in cases:
        _context(plugin.run("pre-edit.sh", _edit(repo, file)), "PreToolUse")
        assert plugin.calls()[-1] == (
            str(where.resolve()),
            f"provenance govern --files {relative} --json",
        )


@needs_jq
def test_pre_edit_is_silent_outside_the_repository(plugin: Hooks, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    _silent(plugin.run("pre-edit.sh", _edit(plugin.repo, str(outside / "x.py"))))
    _silent(plugin.run("pre-edit.sh", {**_edit(plugin.repo, ""), "tool_input": {}}))
    assert plugin.calls() == []


@needs_jq
def test_pre_edit_uses_the_config_nearest_the_file(plugin: Hooks) -> None:
    repo = plugin.repo
    (repo.path / ".linespec.yml").unlink()
    repo.write("services/api/.linespec.yml", "provenance:\n  dir: provenance\n")
    _silent(plugin.run("pre-edit.sh", _edit(repo, str(repo.path / "src" / "app.py"))))
    api = repo.path / "services" / "api" / "handler.py"
    _context(plugin.run("pre-edit.sh", _edit(repo, str(api))), "PreToolUse")
    assert plugin.calls() == [
        (
            str((repo.path / "services" / "api").resolve()),
            "provenance govern --files services/api/handler.py --json",
        )
    ]


@needs_jq
def test_pre_edit_with_only_sealed_records(plugin: Hooks) -> None:
    plugin.set_output(
        "govern",
        {
            "files": ["src/app.py"],
            "governing": [{"id": "prov-2026-bbbbbbbb", "status": "implemented"}],
        },
    )
    repo = plugin.repo
    context = _context(
        plugin.run("pre-edit.sh", _edit(repo, str(repo.path / "src" / "app.py"))), "PreToolUse"
    )
    assert context.startswith(
        "Provenance (linespec): src/app.py is governed by 1 sealed record(s)."
    )
    assert "do not supersede" in context
    assert "\n" not in context  # no `next` in the answer, so no Next line


@needs_jq
@pytest.mark.parametrize(
    "output",
    [
        {"files": ["src/app.py"], "governing": []},
        {"files": ["src/app.py"], "governing": [{"id": "prov-2026-dddddddd", "status": "draft"}]},
        "fail",
        "not json",
    ],
)
def test_pre_edit_is_silent_when_nothing_active_governs_the_file(
    plugin: Hooks, output: object
) -> None:
    if output == "fail":
        plugin.fail("govern")
    else:
        plugin.set_output("govern", output)
    repo = plugin.repo
    _silent(plugin.run("pre-edit.sh", _edit(repo, str(repo.path / "src" / "app.py"))))


# post-commit


@needs_jq
def test_post_commit_surfaces_the_remediation_of_a_blocked_commit(plugin: Hooks) -> None:
    repo = plugin.repo
    payload = _bash(repo, f'git commit -m "work [{OPEN_ID}]"', stderr=BLOCKED, exit_code=1)
    proc = plugin.run("post-commit.sh", payload)
    context = _context(proc, "PostToolUse")
    assert context == (
        f"Provenance (linespec) blocked this commit. Next: {NEXT['primary']['reason']}\n"
        f"  linespec provenance open --record {OPEN_ID}"
    )
    assert json.loads(proc.stdout)["systemMessage"] == context
    assert plugin.calls() == [(str(repo.path), "provenance next --json")]


@needs_jq
@pytest.mark.parametrize(
    "stderr",
    [
        "Commit tag required but no provenance ID found in message\n",
        f"{OPEN_ID} is already implemented - cannot commit with this ID.\n",
        "error: Forbidden SCOPE VIOLATION\n",
    ],
)
def test_post_commit_recognises_provenance_failures(plugin: Hooks, stderr: str) -> None:
    payload = _bash(plugin.repo, "git -C . commit -q -m x", stderr=stderr, exit_code=1)
    _context(plugin.run("post-commit.sh", payload), "PostToolUse")


@needs_jq
def test_post_commit_understands_a_failure_event_and_a_missing_exit_code(plugin: Hooks) -> None:
    repo = plugin.repo
    failure = {
        "session_id": "s1",
        "cwd": str(repo.path),
        "hook_event_name": "PostToolUseFailure",
        "tool_name": "Bash",
        "tool_input": {"command": "git commit -m x"},
        "error": "Exit code 1\n" + BLOCKED,
    }
    _context(plugin.run("post-commit.sh", failure), "PostToolUseFailure")
    # No exit code at all: our git hooks' "Commit blocked" line shows it failed.
    _context(plugin.run("post-commit.sh", _bash(repo, "git commit", stderr=BLOCKED)), "PostToolUse")


@needs_jq
@pytest.mark.parametrize(
    ("command", "response"),
    [
        ("git commit -m x", {"stderr": "", "exit_code": 0}),
        ("git commit -m x", {"stderr": "[main 1a2b3c4] x [prov-2026-aaaaaaaa]", "exit_code": 0}),
        ("git commit -m x", {"stderr": "error: pathspec 'x' did not match", "exit_code": 1}),
        ("git status", {"stderr": BLOCKED, "exit_code": 1}),
        ("ls provenance", {"stderr": "provenance: No such file", "exit_code": 2}),
        ("git commit -m x", {"stderr": f"warning: {OPEN_ID} lint hint"}),
    ],
)
def test_post_commit_stays_quiet_otherwise(
    plugin: Hooks, command: str, response: dict[str, object]
) -> None:
    _silent(plugin.run("post-commit.sh", _bash(plugin.repo, command, **response)))
    assert plugin.calls() == []


@needs_jq
def test_post_commit_is_silent_when_next_fails(plugin: Hooks) -> None:
    plugin.fail("next")
    payload = _bash(plugin.repo, "git commit -m x", stderr=BLOCKED, exit_code=1)
    _silent(plugin.run("post-commit.sh", payload))


# --- against the real commands -----------------------------------------------------------


def _real_linespec_has(command: str) -> bool:
    linespec = Path(sys.executable).parent / "linespec"
    if not linespec.exists():
        return False
    proc = subprocess.run(
        [str(linespec), "provenance", command, "--help"], capture_output=True, timeout=60
    )
    return proc.returncode == 0


@needs_jq
def test_the_hooks_with_the_real_next_and_govern(plugin: Hooks) -> None:
    """The same scripts against this installation's `next --json` and `govern --json`."""
    if not (_real_linespec_has("next") and _real_linespec_has("govern")):
        pytest.skip("this linespec has no `next`/`govern` commands yet")
    repo = plugin.repo
    repo.record(OPEN_ID, affected_scope=["src/**"])
    repo.commit_all("base")
    env = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{plugin.sandbox_path()}"}
    proc = plugin.run("session-start.sh", _start(repo), fake=False, env=env)
    context = _context(proc, "SessionStart")
    assert context.startswith("Provenance (linespec) — next action: ")
    edit = _edit(repo, str(repo.path / "src" / "app.py"))
    context = _context(plugin.run("pre-edit.sh", edit, fake=False, env=env), "PreToolUse")
    assert f"governed by open record(s): {OPEN_ID}." in context
