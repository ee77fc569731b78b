"""Shared fixtures: real git repositories in temporary folders with an isolated HOME."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from linespec.entry import main


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("home")
    gitconfig = home / ".gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Test User\n\temail = test@example.com\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "false")
    monkeypatch.setenv("NO_COLOR", "1")
    return home


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


class Repo:
    """A real git repository with helpers to write records and run the CLI."""

    def __init__(self, path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.path = path
        self._capsys = capsys

    @property
    def provenance(self) -> Path:
        return self.path / "provenance"

    def write(self, relative: str, text: str) -> Path:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))
        return target

    def record(self, record_id: str, **fields: object) -> Path:
        """A valid open blueprint unless FIELDS say otherwise."""
        data: dict[str, object] = {
            "id": record_id,
            "title": f"Decision {record_id}",
            "status": "open",
            "created_at": "2026-03-15",
            "author": "dev@example.com",
            "intent": "Keep the service fast.",
            "constraints": ["p95 under 50 ms"],
            "type": "blueprint",
        }
        data.update(fields)
        lines = []
        for key, value in data.items():
            if isinstance(value, list):
                if not value:
                    lines.append(f"{key}: []")
                    continue
                lines.append(f"{key}:")
                for item in value:
                    if isinstance(item, dict):
                        first, *rest = item.items()
                        lines.append(f"  - {first[0]}: {first[1]}")
                        lines.extend(f"    {k}: {v}" for k, v in rest)
                    else:
                        lines.append(f"  - {item}")
            else:
                lines.append(f'{key}: "{value}"' if key == "created_at" else f"{key}: {value}")
        target = self.provenance / f"{record_id}.yml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(lines) + "\n")
        return target

    def git(self, *args: str) -> str:
        return git(self.path, *args)

    def commit_all(self, message: str = "snapshot") -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "--no-verify", "-m", message)

    def cli(self, *args: str) -> Result:
        """Run the CLI in-process, as the console script does."""
        self._capsys.readouterr()
        code = main(list(args))
        out = self._capsys.readouterr()
        return Result(code, out.out, out.err)

    def run(self, *args: str, env: dict[str, str] | None = None, timeout: float = 30) -> Result:
        """Run the CLI as a real subprocess."""
        proc = subprocess.run(
            [sys.executable, "-m", "linespec", *args],
            cwd=self.path,
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            timeout=timeout,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    def snapshot(self) -> dict[str, bytes]:
        """Every file a user owns (outside .git and the .linespec caches), to show none changed."""
        files = {}
        for p in sorted(self.path.rglob("*")):
            parts = p.relative_to(self.path).parts
            if not p.is_file() or ".git" in parts:
                continue
            if parts[0] == ".linespec" and parts[-1] != "hash_manifest.json":
                continue
            files[str(p.relative_to(self.path))] = p.read_bytes()
        return files


@pytest.fixture
def repo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Repo]:
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q")
    monkeypatch.chdir(path)
    yield Repo(path, capsys)


# What the fast paths must not load: each costs every hook run or agent call milliseconds.
HEAVY = ("typer", "rich", "click", "pydantic", "git", "ruamel", "yaml")
_WATCHING = (
    "import sys; from linespec.entry import main; rc = main(sys.argv[2:]); "
    "loaded = [m for m in sys.argv[1].split() if m in sys.modules]; "
    "sys.stderr.write('\\nLOADED ' + ' '.join(loaded)); raise SystemExit(rc)"
)


def run_watching_imports(
    cwd: Path, *args: str, watch: Sequence[str] = HEAVY
) -> tuple[int, str, str, list[str]]:
    """Run the console entry point in a subprocess: its exit code, stdout and stderr, and
    which of the modules in WATCH it loaded."""
    proc = subprocess.run(
        [sys.executable, "-c", _WATCHING, " ".join(watch), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    err, _, loaded = proc.stderr.rpartition("\nLOADED ")
    return proc.returncode, proc.stdout, err, loaded.split()
