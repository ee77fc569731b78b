"""The helper that parses a cold repository's records while `lint` imports."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from linespec import entry
from linespec.core import warmer
from tests.conftest import Repo

# Runs `linespec ARGS` with the helper's threshold set, counting the record files the
# command itself parses (the helper parses through another module's name).
_DRIVER = """
import os, sys, time
from linespec.core import recordfiles, store, warmer
warmer.MIN_FILES = int(sys.argv[1])
parent = os.getpid()
if os.environ.get("SLOW_HELPER"):
    # A helper slower than the command's imports: the command must wait for it.
    read = recordfiles.read_record
    def slow(path):
        if os.getpid() != parent:
            time.sleep(0.1)
        return read(path)
    recordfiles.read_record = slow
parsed = []
original = store.record_document
def counting(data, path):
    parsed.append(path)
    return original(data, path)
store.record_document = counting
from linespec.entry import main
rc = main(sys.argv[2:])
sys.stdout.flush()
sys.stderr.write(f"\\nPARSED {len(parsed)}")
raise SystemExit(rc)
"""


def _run(repo: Repo, threshold: int, *args: str, slow: bool = False) -> tuple[int, str, int]:
    """Exit code, output and files the command parsed itself, from a cold start."""
    shutil.rmtree(repo.path / ".linespec", ignore_errors=True)
    proc = subprocess.run(
        [sys.executable, "-c", _DRIVER, str(threshold), "provenance", *args],
        cwd=repo.path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SLOW_HELPER": "1" if slow else ""},
    )
    err, _, parsed = proc.stderr.rpartition("\nPARSED ")
    assert "Traceback" not in err
    return proc.returncode, proc.stdout, int(parsed)


_FORKS = pytest.mark.skipif(
    not hasattr(os, "fork") or warmer._cpus() < 2, reason="the helper needs fork and 2 CPUs"
)


def _records(repo: Repo, count: int) -> None:
    repo.write("src/app.py", "x = 1\n")
    for index in range(count):
        repo.record(f"prov-2026-{index:08x}", affected_scope=["src/app.py"])


@pytest.mark.skipif(
    not hasattr(os, "fork") or (os.cpu_count() or 1) < 2,
    reason="the helper needs fork and two CPUs",
)
@pytest.mark.parametrize(
    ("args", "verdict"),
    [
        (("lint", "--format", "json"), (1, "PROV001")),
        # Through the full CLI, which starts the helper before importing itself.
        (("lint", "--format", "json", "--no-such-option"), (2, "")),
        (("status", "--format", "json"), (0, "prov-2026-00000005")),
    ],
)
def test_the_helper_parses_every_file_it_can_and_changes_nothing_else(
    repo: Repo, args: tuple[str, ...], verdict: tuple[int, str]
) -> None:
    _records(repo, 6)
    broken = "id: [unclosed\n" if args[0] == "lint" else "id: prov-2026-0000000f\n"
    repo.write("provenance/prov-2026-0000000f.yml", broken)
    code, output, parsed = _run(repo, 3, *args)
    alone = _run(repo, 10**6, *args)
    assert (code, output) == alone[:2]
    assert (code, verdict[1] in output) == (verdict[0], True)
    if code != 2:
        # Only a file the helper could not parse is left to the command.
        assert (parsed, alone[2]) == ((1, 7) if args[0] == "lint" else (0, 7))


@_FORKS
def test_the_command_waits_for_a_slow_helper(repo: Repo) -> None:
    _records(repo, 6)
    assert _run(repo, 3, "status", "--format", "json", slow=True)[2] == 0


def test_no_helper_for_a_few_files_or_a_warm_cache(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    _records(repo, 4)
    assert warmer.start() is False  # fewer than MIN_FILES
    assert repo.cli("provenance", "lint").exit_code == 0
    assert (repo.path / ".linespec" / "parse-cache.marshal").is_file()
    # Written by an earlier run, the cache is left to the loader's own checks.
    monkeypatch.setattr(warmer, "MIN_FILES", 1)
    assert warmer.start() is False


def test_a_vanished_directory_is_still_a_one_line_error(repo: Repo) -> None:
    # The command starts inside a directory that no longer exists.
    (repo.path / "gone").mkdir()
    script = 'cd gone && rmdir ../gone && exec "$0" -m linespec provenance status'
    shell = subprocess.run(
        ["sh", "-c", script, sys.executable], cwd=repo.path, capture_output=True, text=True
    )
    assert shell.returncode == 2
    assert "Traceback" not in shell.stderr
    assert shell.stderr.startswith("error: ") and shell.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "loads"),
    [
        (["provenance", "status"], True),
        (["provenance", "lint", "--format", "json"], True),
        (["provenance", "status", "--config", "x.yml"], False),
        (["provenance", "status", "--config=x.yml"], False),
        (["provenance", "status", "-cx.yml"], False),
        (["provenance", "lint", "--staged"], False),
        (["provenance", "status", "--help"], False),
        (["provenance", "new"], False),
    ],
)
def test_which_commands_start_a_helper(args: list[str], loads: bool) -> None:
    assert entry._loads_records(args) is loads


def test_no_helper_for_a_config_only_the_validator_may_read(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    _records(repo, 4)
    monkeypatch.setattr(warmer, "MIN_FILES", 1)
    repo.write(".linespec.yml", "provenance:\n  lineage:\n    namespace: https://example.com/\n")
    assert warmer.start() is False
    repo.write(".linespec.yml", "provenance: [not, a, mapping]\n")
    assert warmer.start() is False


def test_no_helper_while_another_thread_runs(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    _records(repo, 4)
    monkeypatch.setattr(warmer, "MIN_FILES", 1)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert warmer.start() is False
    finally:
        release.set()
        other.join()


def test_helper_module_stays_free_of_the_model_library() -> None:
    # It is imported before the imports it overlaps.
    probe = (
        "import sys, linespec.core.warmer; "
        "print(' '.join(m for m in ('pydantic', 'yaml', 'typer', 'rich') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=Path.cwd()
    )
    assert out.stdout.split() == []
