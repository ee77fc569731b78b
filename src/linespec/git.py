"""The only place that runs git.

Hot paths (hooks, agent calls) use the git binary through :func:`run`, which costs one
process and no imports; GitPython is loaded lazily for the operations that need a
repository object.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from linespec.errors import GitError


def run(args: Sequence[str], cwd: Path, *, check: bool = True, input: bytes | None = None) -> str:
    """Run `git ARGS` in CWD and return its standard output as text."""
    try:
        proc = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=input,
            capture_output=True,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    if check and proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {detail[-1] if detail else proc.returncode}")
    return proc.stdout.decode("utf-8", "surrogateescape")


def toplevel(cwd: Path) -> Path | None:
    """The work tree root containing CWD, or None outside a repository."""
    try:
        out = run(["rev-parse", "--show-toplevel"], cwd, check=False).strip()
    except GitError:
        return None
    return Path(out) if out else None


def user_email(root: Path) -> str:
    try:
        email = run(["config", "user.email"], root, check=False).strip()
    except GitError:
        email = ""
    return email or "unknown@example.com"


def head_sha(root: Path) -> str:
    return run(["rev-parse", "HEAD"], root).strip()


def commit_paths(root: Path, paths: Sequence[Path], message: str) -> None:
    """Stage PATHS and commit them with MESSAGE; hooks run as for any commit."""
    from git import Repo
    from git.exc import GitCommandError

    repo = Repo(root)
    rel = [os.path.relpath(p, root) for p in paths]
    try:
        repo.git.add("--", *rel)
        repo.git.commit("-m", message, "--", *rel)
    except GitCommandError as exc:
        raise GitError(_command_error_text(exc)) from None


def unstage(root: Path, paths: Sequence[Path]) -> None:
    rel = [os.path.relpath(p, root) for p in paths]
    run(["reset", "--quiet", "HEAD", "--", *rel], root, check=False)


def _command_error_text(exc: object) -> str:
    stderr = getattr(exc, "stderr", "") or ""
    text = str(stderr).strip().removeprefix("stderr:").strip().strip("'").strip()
    return text or str(exc)


def index_blobs(root: Path, under: Path) -> list[tuple[str, bytes]]:
    """(path, staged content) of every file in the index below UNDER."""
    rel = os.path.relpath(under, root)
    listing = run(["ls-files", "-s", "-z", "--", rel], root, check=False)
    entries: list[tuple[str, str]] = []
    for item in listing.split("\0"):
        if not item:
            continue
        meta, _, path = item.partition("\t")
        entries.append((meta.split()[1], path))
    if not entries:
        return []
    batch = "".join(f"{sha}\n" for sha, _ in entries).encode()
    try:
        proc = subprocess.run(
            ["git", "cat-file", "--batch"], cwd=root, input=batch, capture_output=True, check=True
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        raise GitError(f"git cat-file failed: {exc}") from None
    out = proc.stdout
    blobs: list[tuple[str, bytes]] = []
    offset = 0
    for _, path in entries:
        header_end = out.index(b"\n", offset)
        size = int(out[offset:header_end].split()[2])
        start = header_end + 1
        blobs.append((path, out[start : start + size]))
        offset = start + size + 1
    return blobs
