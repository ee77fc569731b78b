"""The only place that runs git.

Hot paths (hooks, agent calls) use the git binary through :func:`run`, which costs one
process and no imports; GitPython is loaded lazily for the operations that need a
repository object.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from linespec.errors import GitError, GitOutputTooLarge, GitTimedOut

_ENV_EXTRA = {"GIT_TERMINAL_PROMPT": "0"}

# Calls started before anyone asks for them (see `ahead`), by arguments and directory.
_AHEAD: dict[tuple[tuple[str, ...], str], subprocess.Popen[bytes]] = {}


def _spawn(args: Sequence[str], cwd: Path, stdin: int | None = None) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(
            ["git", *args],
            cwd=cwd,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **_ENV_EXTRA},
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None


def ahead(calls: Iterable[Sequence[str]], cwd: Path) -> None:
    """Start CALLS in CWD now, to run on other cores while the caller reads and decides.

    A later `run` of the same arguments in the same directory takes the started call's
    output instead of starting git again; `drop_ahead` reaps whatever nobody asked for.
    """
    for args in calls:
        key = (tuple(args), str(cwd))
        if key not in _AHEAD:
            _AHEAD[key] = _spawn(args, cwd)


def drop_ahead() -> None:
    """Stop and reap the calls started ahead that nobody asked for (all only read)."""
    while _AHEAD:
        _, proc = _AHEAD.popitem()
        proc.kill()
        proc.communicate()


def run(args: Sequence[str], cwd: Path, *, check: bool = True, input: bytes | None = None) -> str:
    """Run `git ARGS` in CWD and return its standard output as text."""
    proc = _AHEAD.pop((tuple(args), str(cwd)), None) if _AHEAD and input is None else None
    if proc is None:
        proc = _spawn(args, cwd, subprocess.PIPE if input is not None else None)
    stdout, stderr = proc.communicate(input)
    if check and proc.returncode != 0:
        raise GitError(f"git {args[0]} failed: {_reason(stderr) or proc.returncode}")
    return stdout.decode("utf-8", "surrogateescape")


# The argument lists of the calls hot paths start `ahead`, which must be exactly these.
TOPLEVEL = ("rev-parse", "--show-toplevel")
STAGED = ("diff", "--cached", "--name-only", "-z")


def commit_of(rev: str) -> tuple[str, ...]:
    return ("rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")


def config_get(key: str) -> tuple[str, ...]:
    return ("config", "--get", key)


def toplevel(cwd: Path) -> Path | None:
    """The work tree root containing CWD, or None outside a repository."""
    try:
        out = run(TOPLEVEL, cwd, check=False).strip()
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
    return _z(run(STAGED, root))


def resolve_commit(root: Path, rev: str) -> str | None:
    """The full SHA REV names, or None when it names no commit."""
    return run(commit_of(rev), root, check=False).strip() or None


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
    return run(config_get(key), root, check=False).strip() or None


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
    proc = _spawn(args, cwd)
    done: list[str] = []

    def output() -> str:
        if not done:
            out, _ = proc.communicate()
            done.append(out.decode("utf-8", "surrogateescape") if proc.returncode == 0 else "")
        return done[0]

    return output


# Options for a git that runs beside linespec's own work: on a machine of one or two cores,
# git's index-preload threads take the core linespec needs and slow both down (10 ms of
# `next`'s 100 at 10,000 records); with more cores they are free.
_CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
_BESIDE = ["-c", "core.preloadIndex=false"] if (_CORES or 1) <= 2 else []


def start_changes(cwd: Path) -> tuple[Callable[[], list[str]], Callable[[], list[str]]]:
    """`staged_files` and `working_tree_changes`, both started now and run side by side.

    Diff output names paths from the top of the work tree, whatever directory CWD is.
    """
    staged = started(STAGED, cwd)
    changed = started([*_BESIDE, *_CHANGED], cwd)
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


# One commit of `history`: the fields of _HISTORY_FORMAT, then its raw changes.
HistoryCommit = tuple[list[str], list[tuple[str, str, str, str]]]
# SHA, parents, author name/e-mail/time, committer name/e-mail/time, then the message
# last: a message may hold anything but NUL, so no field can be confused with it.
_HISTORY_MARK = "\x1elinespec-commit"
_HISTORY_FORMAT = (
    f"--format={_HISTORY_MARK}%x00%H%x00%P%x00%an%x00%ae%x00%at%x00%cn%x00%ce%x00%ct%x00%B%x00"
)
_HISTORY_FIELDS = 9


def history(root: Path, rev: str = "HEAD", chunk: int = 1 << 16) -> Iterator[HistoryCommit]:
    """Every commit reachable from REV, newest first, streamed from one `git log`.

    Each commit comes with its raw changes (old blob, new blob, status letter, path),
    against its parent; merges list none, so a change belongs to the commit that made it.
    Read CHUNK bytes at a time: a history of any length costs constant memory here.
    """
    args = ["log", _HISTORY_FORMAT, "-z", "--raw", "--no-renames", "--no-abbrev", rev, "--"]
    proc = _spawn(args, root)
    assert proc.stdout is not None and proc.stderr is not None
    fields: list[str] = []
    changes: list[tuple[str, str, str, str]] = []
    meta: list[str] | None = None
    pending = b""
    try:
        while data := proc.stdout.read(chunk):
            tokens = (pending + data).split(b"\0")
            pending = tokens.pop()
            for raw in tokens:
                token = raw.decode("utf-8", "surrogateescape")
                if token == _HISTORY_MARK:
                    if fields:
                        yield fields, changes
                    fields, changes, meta = [], [], None
                elif len(fields) < _HISTORY_FIELDS:
                    fields.append(token)
                elif meta is not None:
                    changes.append((meta[2], meta[3], meta[4][:1], token))
                    meta = None
                elif token.lstrip("\n").startswith(":"):
                    meta = token.lstrip("\n").split()
    finally:
        # Closed early (the caller stopped reading), git ends on a broken pipe: no error.
        proc.stdout.close()
        error = proc.stderr.read()
        proc.stderr.close()
        code = proc.wait()
    # Before the first commit there is no HEAD and no history yet.
    if code != 0 and not (rev == "HEAD" and _NO_HEAD.search(error.decode("utf-8", "replace"))):
        raise GitError(f"git log failed: {_reason(error) or code}")
    if fields:
        yield fields, changes


_NO_HEAD = re.compile(r"does not have any commits|bad revision 'HEAD'|unknown revision")


def blob_stream(root: Path, shas: Iterable[str]) -> Iterator[tuple[str, bytes | None]]:
    """(sha, content) of each blob, None where missing, from one `cat-file --batch`.

    A thread feeds the SHAs while this reads the answers, so neither side holds them all.
    """
    import tempfile
    import threading

    # A file, not a pipe: nobody reads stderr while git runs, so a pipe could fill and stall it.
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(
                ["git", "cat-file", "--batch"],
                cwd=root,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
            )
        except FileNotFoundError:
            raise GitError("git is not installed or not on PATH") from None
        assert proc.stdin is not None and proc.stdout is not None
        stdin, stdout = proc.stdin, proc.stdout

        def feed() -> None:
            try:
                for sha in shas:
                    stdin.write(f"{sha}\n".encode())
            except BrokenPipeError:
                pass
            finally:
                with contextlib.suppress(BrokenPipeError):
                    stdin.close()

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        try:
            while True:
                header = stdout.readline()
                if not header:
                    break
                parts = header.split()
                if len(parts) < 3 or parts[-1] == b"missing":
                    yield parts[0].decode(), None
                    continue
                size = int(parts[2])
                content = stdout.read(size)
                stdout.read(1)
                yield parts[0].decode(), content
        finally:
            # Closed early (the caller stopped reading), git ends on a broken pipe: no error.
            stdout.close()
            feeder.join()
            code = proc.wait()
        if code != 0:
            errors.seek(0)
            raise GitError(f"git cat-file failed: {_reason(errors.read()) or code}")


def remote_url(root: Path, name: str = "origin") -> str | None:
    """The URL of remote NAME, else of the first remote, else None."""
    url = run(["remote", "get-url", name], root, check=False).strip()
    if url:
        return url
    remotes = run(["remote"], root, check=False).split()
    if not remotes:
        return None
    return run(["remote", "get-url", remotes[0]], root, check=False).strip() or None


def head_state(root: Path) -> Callable[[], tuple[str, bool]]:
    """(HEAD's SHA or "" before the first commit, whether the clone is shallow).

    Started now, answered when the result is called: the caller works meanwhile.
    """
    output = started(["rev-parse", "--is-shallow-repository", "HEAD"], root)

    def answer() -> tuple[str, bool]:
        # Before the first commit rev-parse fails, and its output is empty.
        lines = output().split()
        head = lines[1] if len(lines) > 1 and len(lines[1]) >= 40 else ""
        return head, bool(lines) and lines[0] == "true"

    return answer


# Transports a shared repository may use; `ext::` and other helpers that run commands
# are refused whatever the user's git configuration says.
_REMOTE_PROTOCOLS = "file:git:http:https:ssh"


# What of git's error output is kept: its cause is near the start or the end, and a remote
# must not be able to fill the disk through it.
_STDERR_KEEP = 64 * 1024


def run_remote(
    args: Sequence[str], cwd: Path, *, timeout: float, limit: int | None = None
) -> bytes:
    """`git ARGS` against a remote: output as bytes, killed (with its helpers) on TIMEOUT
    or as soon as its output passes LIMIT bytes.

    The process gets its own session so that a hung transport helper (git-remote-http,
    ssh) dies with it instead of keeping the pipes open; for the same reason it is killed
    whenever this call ends early, Ctrl-C included, since the terminal's signal no longer
    reaches it. Its output goes to temporary files, watched as they grow: a remote that
    sends without end (on either stream) is stopped, not read into memory.
    """
    import tempfile
    import time

    env = {**os.environ, **_ENV_EXTRA, "GIT_ALLOW_PROTOCOL": _REMOTE_PROTOCOLS}
    stderr_cap = max(limit or 0, _STDERR_KEEP)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen(
                ["git", *args],
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=env,
                start_new_session=True,
            )
        except FileNotFoundError:
            raise GitError("git is not installed or not on PATH") from None
        deadline = time.monotonic() + timeout
        try:
            while proc.poll() is None:
                if time.monotonic() > deadline:
                    raise GitTimedOut(f"git {args[0]} timed out after {timeout:g}s")
                if limit is not None and os.fstat(out.fileno()).st_size > limit:
                    raise GitOutputTooLarge(f"git {args[0]} sent more than {limit} bytes")
                if os.fstat(err.fileno()).st_size > stderr_cap:
                    raise GitError(f"git {args[0]} wrote more than {stderr_cap} bytes of errors")
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=0.02)
        except BaseException:
            _kill_session(proc)
            raise
        if limit is not None and os.fstat(out.fileno()).st_size > limit:
            raise GitOutputTooLarge(f"git {args[0]} sent more than {limit} bytes")
        if proc.returncode != 0:
            err.seek(0)
            reason = _reason(err.read(_STDERR_KEEP))
            raise GitError(f"git {args[0]} failed: {reason or proc.returncode}")
        out.seek(0)
        return out.read()


def _kill_session(proc: subprocess.Popen[bytes]) -> None:
    import signal

    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _reason(stderr: bytes) -> str:
    """The line of git's error output that says what went wrong.

    git ends many failures with advice ("Please make sure you have the correct access
    rights / and the repository exists."); its first `fatal:` or `error:` line is the cause.
    """
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    for line in lines:
        for prefix in ("fatal: ", "error: "):
            if line.startswith(prefix):
                return line.removeprefix(prefix)
    return next((line for line in reversed(lines) if line), "")


def archive_remote(
    url: str, ref: str, path: str, cwd: Path, *, timeout: float, limit: int
) -> bytes:
    """The tar of PATH at REF in the repository at URL (`git archive --remote`), refused
    when it passes LIMIT bytes."""
    args = ["archive", "--format=tar", f"--remote={url}", ref, f"{path}/"]
    return run_remote(args, cwd, timeout=timeout, limit=limit)


def sparse_clone(url: str, ref: str, path: str, dest: Path, *, timeout: float) -> None:
    """A shallow, blob-less clone of URL at REF into DEST with only PATH checked out."""
    run_remote(
        [
            "clone",
            "--quiet",
            "--depth=1",
            "--filter=blob:none",
            "--sparse",
            f"--branch={ref}",
            "--",
            url,
            ".",
        ],
        dest,
        timeout=timeout,
    )
    run_remote(["sparse-checkout", "set", "--no-cone", f"/{path}/"], dest, timeout=timeout)


def init(path: Path) -> None:
    """`git init` a new repository at PATH (created if needed)."""
    path.mkdir(parents=True, exist_ok=True)
    run(["init", "--quiet", str(path)], path)
