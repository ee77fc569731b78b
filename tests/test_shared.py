"""shared_repos and `sync`: caches of other repositories' records, loaded read-only."""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from linespec.core import shared
from linespec.core.fetch import redact
from linespec.errors import LinespecError
from tests.conftest import Repo, git

BRIEF = "prov-2026-0000b01f"
OTHER = "prov-2026-00000be2"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("LINESPEC_CACHE_DIR", str(root))
    return root


def _record_text(record_id: str, record_type: str = "brief", status: str = "open") -> str:
    return (
        f"id: {record_id}\ntitle: Shared {record_id}\nstatus: {status}\n"
        f'created_at: "2026-03-15"\nauthor: team@example.com\n'
        f"intent: A decision another team made.\nconstraints:\n  - be shared\n"
        f"type: {record_type}\n"
    )


def make_remote(tmp_path: Path, records: dict[str, str], name: str = "team") -> Path:
    """A bare repository whose `provenance/` holds RECORDS (id -> text) on branch main."""
    work = tmp_path / f"{name}-work"
    (work / "provenance").mkdir(parents=True)
    git(work, "init", "-q", "-b", "main")
    for record_id, text in records.items():
        (work / "provenance" / f"{record_id}.yml").write_text(text)
    (work / "provenance" / "notes.txt").write_text("not a record")
    (work / "README.md").write_text("team repo\n")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "records")
    bare = tmp_path / f"{name}.git"
    git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))
    return bare


def _configure(repo: Repo, entries: str, extra: str = "") -> None:
    repo.write(".linespec.yml", f"provenance:\n  shared_repos:\n{entries}{extra}")


def test_sync_over_file_url_caches_records_and_loads_them_read_only(
    repo: Repo, tmp_path: Path, cache: Path
) -> None:
    bare = make_remote(tmp_path, {BRIEF: _record_text(BRIEF), OTHER: _record_text(OTHER)})
    url = f"file://{bare}"
    _configure(repo, f"    - name: team\n      url: {url}\n")
    repo.record("prov-2026-00000001", implements=BRIEF)

    result = repo.cli("provenance", "sync")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == f"✓ Synced team ({url}) — 2 records"

    directory = shared.cache_dir(url)
    assert directory.parent == cache
    # Only record files are cached, not the other files of the directory.
    assert sorted(p.name for p in (directory / "provenance").iterdir()) == sorted(
        [f"{OTHER}.yml", f"{BRIEF}.yml"]
    )
    meta = json.loads((directory / ".meta").read_text())
    assert list(meta) == ["fetched_at", "record_count", "repo_name", "repo_url", "repo_ref"]
    assert meta["record_count"] == 2
    assert (meta["repo_name"], meta["repo_url"], meta["repo_ref"]) == ("team", url, "main")
    assert meta["fetched_at"].endswith("Z")

    # implements across repositories resolves through the cache.
    lint = repo.cli("provenance", "lint", "--format", "json")
    assert "PROV022" not in lint.stdout
    graph = repo.cli("provenance", "graph")
    assert "[remote]" in graph.stdout

    # Remote records are never modified.
    before = (directory / "provenance" / f"{BRIEF}.yml").read_bytes()
    refused = repo.cli("provenance", "deprecate", "--record", BRIEF, "--reason", "x")
    assert refused.exit_code == 1
    assert "owned by a remote repository" in refused.stdout + refused.stderr
    assert (directory / "provenance" / f"{BRIEF}.yml").read_bytes() == before


def test_without_sync_a_cross_repo_reference_does_not_resolve(
    repo: Repo, tmp_path: Path, cache: Path
) -> None:
    bare = make_remote(tmp_path, {BRIEF: _record_text(BRIEF)})
    _configure(repo, f"    - name: team\n      url: file://{bare}\n")
    repo.record("prov-2026-00000001", implements=BRIEF)
    lint = repo.cli("provenance", "lint", "--format", "json")
    assert "PROV022" in lint.stdout


def test_a_fresh_cache_is_skipped_unless_forced(repo: Repo, tmp_path: Path, cache: Path) -> None:
    bare = make_remote(tmp_path, {BRIEF: _record_text(BRIEF)})
    url = f"file://{bare}"
    _configure(repo, f"    - name: team\n      url: {url}\n")
    assert repo.cli("provenance", "sync").exit_code == 0
    again = repo.cli("provenance", "sync")
    assert again.stdout.strip() == f"✓ team ({url}) — cache is fresh, skipped"

    # The remote loses a record and gains one: a forced sync replaces the cache whole.
    work = tmp_path / "team-work"
    (work / "provenance" / f"{BRIEF}.yml").unlink()
    (work / "provenance" / f"{OTHER}.yml").write_text(_record_text(OTHER))
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "swap")
    git(work, "push", "-q", str(bare), "main")
    forced = repo.cli("provenance", "sync", "--force")
    assert forced.stdout.strip() == f"✓ Synced team ({url}) — 1 records"
    names = [p.name for p in (shared.cache_dir(url) / "provenance").iterdir()]
    assert names == [f"{OTHER}.yml"]


def test_a_stale_cache_is_fetched_again(repo: Repo, tmp_path: Path, cache: Path) -> None:
    bare = make_remote(tmp_path, {BRIEF: _record_text(BRIEF)})
    url = f"file://{bare}"
    _configure(repo, f"    - name: team\n      url: {url}\n", "  cache_ttl_minutes: 1\n")
    assert repo.cli("provenance", "sync").exit_code == 0
    meta_file = shared.cache_dir(url) / ".meta"
    meta = json.loads(meta_file.read_text())
    meta["fetched_at"] = "2020-01-01T00:00:00.123456789Z"
    meta_file.write_text(json.dumps(meta))
    assert shared.stale(_config(repo)) != []
    result = repo.cli("provenance", "sync")
    assert result.stdout.startswith("✓ Synced team")
    assert shared.stale(_config(repo)) == []


def _config(repo: Repo) -> shared.Config:
    from linespec.core import config as config_mod

    return config_mod.load(repo.path)


def test_a_failed_sync_keeps_the_previous_cache_and_exits_1(
    repo: Repo, tmp_path: Path, cache: Path
) -> None:
    bare = make_remote(tmp_path, {BRIEF: _record_text(BRIEF)})
    url = f"file://{bare}"
    _configure(
        repo,
        f"    - name: team\n      url: {url}\n"
        f"    - name: gone\n      url: file://{tmp_path}/missing.git\n",
    )
    assert repo.cli("provenance", "sync").exit_code == 1
    shutil.rmtree(bare)
    result = repo.cli("provenance", "sync", "--force")
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith(f"✗ team ({url}): git clone failed")
    # The cause, not git's closing advice ("... and the repository exists.").
    assert "does not appear to be a git repository" in lines[0]
    assert lines[1].startswith(f"✗ gone (file://{tmp_path}/missing.git): ")
    assert (shared.cache_dir(url) / "provenance" / f"{BRIEF}.yml").is_file()
    assert BRIEF in repo.cli("provenance", "status").stdout


def test_a_remote_that_sends_too_much_is_stopped_and_changes_nothing(
    repo: Repo, tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = make_remote(tmp_path, {BRIEF: _record_text(BRIEF), OTHER: _record_text(OTHER)})
    url = f"file://{bare}"
    _configure(repo, f"    - name: team\n      url: {url}\n")
    assert repo.cli("provenance", "sync").exit_code == 0
    before = (shared.cache_dir(url) / "provenance" / f"{BRIEF}.yml").read_bytes()
    # The archive of two small records is some kB: over a limit of 1 kB, the transfer is
    # stopped as it grows, and the sparse-clone fallback is not tried.
    monkeypatch.setattr(shared, "MAX_FETCH_BYTES", 1024)
    result = repo.cli("provenance", "sync", "--force")
    assert result.exit_code == 1
    assert "the shared provenance directory is over 1024 bytes" in result.stdout
    assert "clone" not in result.stdout
    assert (shared.cache_dir(url) / "provenance" / f"{BRIEF}.yml").read_bytes() == before


def test_git_output_past_the_limit_stops_git(repo: Repo) -> None:
    from linespec import git
    from linespec.errors import GitOutputTooLarge

    repo.record(BRIEF)
    repo.commit_all()
    with pytest.raises(GitOutputTooLarge, match="git log sent more than 10 bytes"):
        git.run_remote(["log"], repo.path, timeout=30, limit=10)
    assert git.run_remote(["log", "--format=%s"], repo.path, timeout=30, limit=100) == b"snapshot\n"


def test_a_remote_git_that_hangs_is_killed_with_its_helpers(repo: Repo) -> None:
    import time

    from linespec import git
    from linespec.errors import GitError

    start = time.monotonic()
    with pytest.raises(GitError, match=r"timed out after 0\.3s"):
        # An alias that runs a shell, which runs sleep: all three die at the timeout.
        git.run_remote(["-c", "alias.nap=!sleep 30", "nap"], repo.path, timeout=0.3)
    assert time.monotonic() - start < 10


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status  # a zombie has finished


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_an_interrupted_remote_call_leaves_no_git_behind(repo: Repo, tmp_path: Path) -> None:
    import signal
    import time

    pid_file = tmp_path / "helper.pid"
    code = (
        "import sys; from pathlib import Path; from linespec import git; "
        "git.run_remote(['-c', f'alias.nap=!echo $$ > {sys.argv[1]}; exec sleep 600', 'nap'], "
        "Path.cwd(), timeout=60)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(pid_file)], cwd=repo.path)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (pid_file.exists() and pid_file.read_text()):
        time.sleep(0.05)
    helper = int(pid_file.read_text())
    assert _alive(helper)
    proc.send_signal(signal.SIGINT)  # Ctrl-C: the terminal's signal reaches linespec only
    assert proc.wait(timeout=30) != 0
    while _alive(helper) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(helper)


def test_a_remote_that_floods_its_error_output_is_stopped(repo: Repo) -> None:
    from linespec import git
    from linespec.errors import GitError

    with pytest.raises(GitError, match="wrote more than 65536 bytes of errors"):
        git.run_remote(["-c", "alias.shout=!yes error >&2", "shout"], repo.path, timeout=60)


def test_a_slow_archive_is_not_tried_again_as_a_clone(
    repo: Repo, tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from linespec import git
    from linespec.errors import GitTimedOut

    def slow(*args: object, **kwargs: object) -> bytes:
        raise GitTimedOut("git archive timed out after 5s")

    def clone(*args: object, **kwargs: object) -> None:
        raise AssertionError("the clone fallback ran")

    monkeypatch.setattr(git, "archive_remote", slow)
    monkeypatch.setattr(git, "sparse_clone", clone)
    _configure(repo, f"    - name: team\n      url: file://{tmp_path}/team.git\n")
    result = repo.cli("provenance", "sync")
    assert result.exit_code == 1
    assert "git archive timed out after 5s" in result.stdout


def test_a_credential_in_the_url_is_never_printed_or_stored(
    repo: Repo, tmp_path: Path, cache: Path
) -> None:
    url = "http://deploy:s3cr3t-token@127.0.0.1:9/team.git"
    _configure(repo, f"    - name: team\n      url: {url}\n")
    result = repo.cli("provenance", "sync")
    assert result.exit_code == 1
    assert "s3cr3t" not in result.stdout + result.stderr
    assert "http://***@127.0.0.1:9/team.git" in result.stdout
    assert not any("s3cr3t" in p.read_text() for p in cache.rglob("*") if p.is_file())
    assert redact(f"see {url} and https://a:b@x/y") == (
        "see http://***@127.0.0.1:9/team.git and https://***@x/y"
    )


def test_list_of_directories_form_loads_local_records_read_only(repo: Repo) -> None:
    repo.write("services/billing/provenance/" + f"{BRIEF}.yml", _record_text(BRIEF))
    repo.write(".linespec.yml", "provenance:\n  shared_repos:\n    - services/billing/provenance\n")
    repo.record("prov-2026-00000001", implements=BRIEF)
    status = repo.cli("provenance", "status", "--format", "json")
    assert BRIEF in status.stdout
    assert "PROV022" not in repo.cli("provenance", "lint", "--format", "json").stdout
    refused = repo.cli("provenance", "deprecate", "--record", BRIEF, "--reason", "x")
    assert refused.exit_code == 1
    result = repo.cli("provenance", "sync")
    assert result.stdout.strip() == "✓ services/billing/provenance — local directory, read in place"


def test_no_shared_repos(repo: Repo) -> None:
    result = repo.cli("provenance", "sync")
    assert (result.exit_code, result.stdout.strip()) == (
        0,
        "No shared_repos configured in .linespec.yml",
    )


def test_sync_shows_config_warnings_like_every_command(repo: Repo) -> None:
    repo.write(".linespec.yml", "provenance:\n  shared_repo: []\n")  # a misspelt key
    result = repo.cli("provenance", "sync")
    assert result.exit_code == 0
    assert "warning:" in result.stderr and "shared_repo" in result.stderr


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("    - name: x\n      url: file:///x\n      ref: --upload-pack=touch\n", "ref"),
        ("    - name: x\n      url: file:///x\n      dir: ../../etc\n", "dir"),
    ],
)
def test_unsafe_or_incomplete_entries_are_config_errors(
    repo: Repo, entry: str, message: str
) -> None:
    _configure(repo, entry)
    result = repo.cli("provenance", "sync")
    assert result.exit_code == 2
    assert message in result.stderr
    assert ".linespec.yml" in result.stderr


def test_cache_root_honours_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LINESPEC_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert shared.cache_root() == Path.home() / ".linespec" / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert shared.cache_root() == tmp_path / "xdg" / "linespec"
    monkeypatch.setenv("LINESPEC_CACHE_DIR", str(tmp_path / "mine"))
    assert shared.cache_root() == tmp_path / "mine"
    expected = hashlib.sha256(b"file:///r").hexdigest()
    assert shared.cache_dir("file:///r") == tmp_path / "mine" / expected


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def git_daemon(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    daemon = shutil.which("git-daemon") or "/usr/lib/git-core/git-daemon"
    if not Path(daemon).exists():
        pytest.skip("git-daemon is not installed")
    base = tmp_path / "served"
    base.mkdir()
    port = _free_port()
    proc = subprocess.Popen(
        [
            daemon,
            "--export-all",
            f"--base-path={base}",
            f"--port={port}",
            "--listen=127.0.0.1",
            "--reuseaddr",
            str(base),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("git daemon did not start")
                time.sleep(0.05)
        yield base, port
    finally:
        proc.kill()
        proc.wait()


def test_sync_over_git_protocol_falls_back_to_a_sparse_clone(
    repo: Repo, tmp_path: Path, cache: Path, git_daemon: tuple[Path, int]
) -> None:
    base, port = git_daemon
    bare = make_remote(tmp_path, {BRIEF: _record_text(BRIEF)})
    shutil.move(bare, base / "team.git")
    url = f"git://127.0.0.1:{port}/team.git"
    # git daemon does not offer upload-archive unless enabled: the clone path runs.
    _configure(repo, f"    - url: {url}\n")
    result = repo.cli("provenance", "sync")
    assert result.exit_code == 0, result.stdout
    assert result.stdout.strip() == f"✓ Synced team ({url}) — 1 records"
    assert (shared.cache_dir(url) / "provenance" / f"{BRIEF}.yml").read_text() == _record_text(
        BRIEF
    )


def test_an_entry_without_url_fails_to_sync(repo: Repo) -> None:
    _configure(repo, "    - name: x\n")
    result = repo.cli("provenance", "sync")
    assert (result.exit_code, result.stdout.strip()) == (1, "✗ x (): no url configured")
    assert repo.cli("provenance", "status").exit_code == 0


def test_lint_warns_about_a_stale_cache_but_not_about_one_never_synced(
    repo: Repo, tmp_path: Path, cache: Path
) -> None:
    bare = make_remote(tmp_path, {BRIEF: _record_text(BRIEF)})
    url = f"file://{bare}"
    _configure(
        repo,
        f"    - name: team\n      url: {url}\n"
        f"    - name: never\n      url: file://{tmp_path}/never.git\n",
        "  cache_ttl_minutes: 5\n",
    )
    assert repo.cli("provenance", "sync").exit_code == 1  # `never` cannot be fetched
    assert "stale" not in repo.cli("provenance", "lint", "--format", "json").stdout

    meta_file = shared.cache_dir(url) / ".meta"
    meta = json.loads(meta_file.read_text())
    meta["fetched_at"] = "2020-01-01T00:00:00Z"
    meta_file.write_text(json.dumps(meta))
    result = repo.cli("provenance", "lint", "--format", "json")
    assert result.exit_code == 0, result.stdout  # a warning, not an error
    stale = [i for i in json.loads(result.stdout)["issues"] if i["field"] == "cache"]
    assert stale == [
        {
            "record_id": "",
            "field": "cache",
            "severity": "warning",
            "message": 'Cache for shared repo "team" is stale (older than 5 minutes). '
            "Run 'linespec provenance sync' to refresh.",
            "rule": "PROV002",
            "file": "",
            "line": None,
        }
    ]


def test_staged_lint_resolves_implements_through_the_shared_cache(
    repo: Repo, tmp_path: Path, cache: Path
) -> None:
    bare = make_remote(tmp_path, {BRIEF: _record_text(BRIEF)})
    _configure(repo, f"    - name: team\n      url: file://{bare}\n")
    assert repo.cli("provenance", "sync").exit_code == 0
    repo.record("prov-2026-00000001", implements=BRIEF)
    git(repo.path, "add", "-A")
    staged = repo.cli("provenance", "lint", "--staged", "--format", "json")
    assert "PROV022" not in staged.stdout
    assert json.loads(staged.stdout)["errors"] == 0, staged.stdout


def test_a_changed_ref_makes_the_cache_stale(repo: Repo, tmp_path: Path, cache: Path) -> None:
    bare = make_remote(tmp_path, {BRIEF: _record_text(BRIEF)})
    url = f"file://{bare}"
    _configure(repo, f"    - name: team\n      url: {url}\n")
    assert repo.cli("provenance", "sync").exit_code == 0
    # Same URL, another ref: the cache of `main` must not pass for it.
    _configure(repo, f"    - name: team\n      url: {url}\n      ref: nosuchbranch\n")
    result = repo.cli("provenance", "sync")
    assert result.exit_code == 1
    assert result.stdout.startswith(f"✗ team ({url}): ")
    lint = repo.cli("provenance", "lint", "--format", "json")
    assert 'Cache for shared repo \\"team\\" is stale' in lint.stdout


def test_problems_of_a_remote_record_never_fail_this_repository(
    repo: Repo, tmp_path: Path, cache: Path
) -> None:
    broken = f"id: {BRIEF}\ntitle: Theirs\nstatus: draft\ntype: brief\n"  # no intent, no author
    bare = make_remote(tmp_path, {BRIEF: broken})
    _configure(repo, f"    - name: team\n      url: file://{bare}\n")
    assert repo.cli("provenance", "sync").exit_code == 0
    result = repo.cli("provenance", "lint", "--format", "json")
    assert result.exit_code == 0, result.stdout
    theirs = [i for i in json.loads(result.stdout)["issues"] if i["record_id"] == BRIEF]
    assert theirs and {i["severity"] for i in theirs} == {"warning"}
    assert any("intent" in i["message"] for i in theirs)


def test_an_unreadable_archive_is_a_sync_failure_not_a_crash() -> None:
    from linespec.errors import LinespecError

    with pytest.raises(LinespecError, match="unreadable archive"):
        shared._files_from_tar(b"x" * 1000, "provenance")


def test_a_checked_out_directory_over_the_cap_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "checkout" / "provenance"
    folder.mkdir(parents=True)
    (folder / f"{BRIEF}.yml").write_text(_record_text(BRIEF))
    (folder / f"{OTHER}.yml").write_bytes(b"#" * 4096)
    monkeypatch.setattr(shared, "MAX_FETCH_BYTES", 2048)
    with pytest.raises(LinespecError, match="over 2048 bytes"):
        shared._files_from_checkout(tmp_path / "checkout", "provenance")
    monkeypatch.setattr(shared, "MAX_FETCH_BYTES", 8192)
    assert sorted(shared._files_from_checkout(tmp_path / "checkout", "provenance")) == [
        f"{OTHER}.yml",
        f"{BRIEF}.yml",
    ]
