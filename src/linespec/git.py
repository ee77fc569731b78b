"""The only place that runs git.

Hot paths (hooks, agent calls) use the git binary through :func:`run`, which costs one
process and no imports; GitPython is loaded lazily for the operations that need a
repository object.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Sequence
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
    paths = _z(run(["ls-files", "-z", "--", rel], root, check=False))
    contents = blobs(root, [f":{path}" for path in paths])
    return [(path, data) for path, data in zip(paths, contents, strict=True) if data is not None]


def _z(text: str) -> list[str]:
    return [item for item in text.split("\0") if item]


def staged_files(root: Path) -> list[str]:
    """Paths in the index that differ from HEAD (what `git commit` would record)."""
    return _z(run(["diff", "--cached", "--name-only", "-z"], root))


def resolve_commit(root: Path, rev: str) -> str | None:
    """The full SHA REV names, or None when it names no commit."""
    out = run(
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
        root,
        check=False,
    )
    return out.strip() or None


def commit_message(root: Path, sha: str) -> str:
    return run(["log", "-1", "--format=%B", sha, "--"], root)


def blobs(root: Path, specs: list[str]) -> list[bytes | None]:
    """Contents of `REV:path` (or `:path` for the index) objects, None where missing.

    One `cat-file --batch` serves them all; its input is line-based, so the rare path
    with a newline in it is fetched on its own.
    """
    batched = [spec for spec in specs if "\n" not in spec]
    found = dict(zip(batched, _batch(root, batched), strict=True))
    for spec in specs:
        if spec not in found:
            proc = subprocess.run(
                ["git", "cat-file", "blob", spec], cwd=root, capture_output=True, check=False
            )
            found[spec] = proc.stdout if proc.returncode == 0 else None
    return [found[spec] for spec in specs]


def _batch(root: Path, specs: list[str]) -> list[bytes | None]:
    if not specs:
        return []
    batch = "".join(f"{spec}\n" for spec in specs).encode("utf-8", "surrogateescape")
    try:
        proc = subprocess.run(
            ["git", "cat-file", "--batch"], cwd=root, input=batch, capture_output=True, check=True
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    except subprocess.CalledProcessError as exc:
        raise GitError(
            f"git cat-file failed: {exc.stderr.decode(errors='replace').strip()}"
        ) from None
    out = proc.stdout
    contents: list[bytes | None] = []
    offset = 0
    for _ in specs:
        header_end = out.index(b"\n", offset)
        header = out[offset:header_end].split()
        if header[-1] == b"missing" or len(header) < 3:
            contents.append(None)
            offset = header_end + 1
            continue
        size = int(header[2])
        start = header_end + 1
        contents.append(out[start : start + size])
        offset = start + size + 1
    return contents


def config_value(root: Path, key: str) -> str | None:
    out = run(["config", "--get", key], root, check=False).strip()
    return out or None


def hooks_dir(root: Path) -> Path:
    """The hooks directory git actually uses (core.hooksPath, worktrees)."""
    out = run(["rev-parse", "--git-path", "hooks"], root).strip()
    path = Path(out)
    return path if path.is_absolute() else root / path


_BRACKETED = re.compile(r"\[([^\[\]\s]+)\]")


def tagged_commits_by_id(root: Path, record_ids: Sequence[str]) -> dict[str, list[str]]:
    """For each ID, the commits on any ref whose message carries `[ID]`: one history walk."""
    wanted = set(record_ids)
    found: dict[str, list[str]] = {record_id: [] for record_id in record_ids}
    if not wanted:
        return found
    greps = [f"--grep=[{record_id}]" for record_id in sorted(wanted)]
    out = run(
        ["log", "--all", "--fixed-strings", *greps, "--format=%H%x00%B%x00"], root, check=False
    )
    parts = out.split("\0")
    for sha, body in zip(parts[0::2], parts[1::2], strict=False):
        sha = sha.strip()
        for record_id in set(_BRACKETED.findall(body)) & wanted:
            found[record_id].append(sha)
    return found


def files_of_commits(root: Path, shas: Sequence[str]) -> dict[str, list[str]]:
    """What each commit changed against its first parent (nothing for merges and roots)."""
    files: dict[str, list[str]] = {sha: [] for sha in shas}
    if not shas:
        return files
    out = run(
        ["diff-tree", "--stdin", "-r", "--name-only", "-z"],
        root,
        input="".join(f"{sha}\n" for sha in shas).encode(),
    )
    current: list[str] | None = None
    for token in out.split("\0"):
        if token in files and (current is None or not current or token != ""):
            current = files[token]
        elif token and current is not None:
            current.append(token)
    return files


def commit_log(root: Path, revisions: Sequence[str]) -> list[tuple[str, list[str], str]]:
    """(sha, parent shas, message) of the commits REVISIONS select, newest first."""
    out = run(["log", "--format=%H%x00%P%x00%B%x00", *revisions, "--"], root)
    parts = out.split("\0")
    commits = []
    for index in range(0, len(parts) - 2, 3):
        sha = parts[index].strip()
        if sha:
            commits.append((sha, parts[index + 1].split(), parts[index + 2]))
    return commits


_CHANGED = ["diff", "--name-only", "-z", "HEAD", "--"]


def working_tree_changes(root: Path) -> list[str]:
    """Paths that differ from HEAD, staged or not (`git diff --name-only HEAD`).

    Empty before the first commit, when there is no HEAD to compare with.
    """
    return _z(run(_CHANGED, root, check=False))


def started(args: Sequence[str], cwd: Path) -> Callable[[], str]:
    """`git ARGS` started now, to run alongside the caller; call the result for its output.

    The output is empty when git fails, as `run(..., check=False)` has it; asking again
    gives the same output.
    """
    try:
        proc = subprocess.Popen(
            ["git", *args],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None

    done: list[str] = []

    def output() -> str:
        if not done:
            out, _ = proc.communicate()
            done.append(out.decode("utf-8", "surrogateescape") if proc.returncode == 0 else "")
        return done[0]

    return output


def start_changes(cwd: Path) -> tuple[Callable[[], list[str]], Callable[[], list[str]]]:
    """`staged_files` and `working_tree_changes`, both started now and run side by side.

    Diff output names paths from the top of the work tree, whatever directory CWD is.
    """
    staged = started(["diff", "--cached", "--name-only", "-z"], cwd)
    changed = started(_CHANGED, cwd)
    return (lambda: _z(staged())), (lambda: _z(changed()))


def files_under(root: Path, directory: str) -> list[str]:
    """Tracked files, and untracked ones git does not ignore, below DIRECTORY (root-relative)."""
    out = run(
        [
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
            "--",
            f":(literal){directory}",
        ],
        root,
        check=False,
    )
    # Sorted: git lists tracked files first, then the others.
    return sorted(set(_z(out)))
