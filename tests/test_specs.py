"""Spec execution (§11): commands, batching, streaming, timeouts, interrupts, run-specs."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from linespec.core import specs
from linespec.core.model import Spec
from linespec.core.specs import SpecOutcome, command_for, run_specs
from tests.conftest import Repo

ENABLED = "provenance:\n  run_associated_specs_on_complete: true\n"


def spec(path: str, run_command: str = "", type: str = "") -> Spec:
    return Spec(path=path, run_command=run_command, type=type)


def run(specs_: list[Spec], cwd: Path, **kwargs: object) -> tuple[specs.SpecReport, str]:
    out = io.StringIO()
    report = run_specs(specs_, cwd=cwd, out=out, **kwargs)  # type: ignore[arg-type]
    return report, out.getvalue()


def group_gone(pgid: int) -> bool:
    """Whether no live process is left in PGID (zombies an init has yet to reap count as gone)."""
    deadline = time.monotonic() + 3
    while True:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        if Path("/proc/self/stat").exists() and not any(
            _live_member(stat, pgid) for stat in Path("/proc").glob("[0-9]*/stat")
        ):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def _live_member(stat: Path, pgid: int) -> bool:
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return False
    return fields[0] != "Z" and int(fields[2]) == pgid


@pytest.fixture
def fake_pytest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `pytest` on PATH that logs its argv (one line per run) and fails on `bad` paths."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    log = tmp_path / "invocations.log"
    script = bindir / "pytest"
    script.write_text(
        textwrap.dedent(f"""\
            #!/bin/sh
            printf '%s|' "$@" >> '{log}'
            echo >> '{log}'
            echo "fake pytest on $#"
            [ -n "$FAIL_WHEN_BATCHED" ] && [ "$#" -ge 2 ] && exit 1
            for a in "$@"; do
              case "$a" in *bad*) exit 1 ;; esac
            done
            exit 0
        """)
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    return log


def invocations(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


# --- commands ------------------------------------------------------------------------


def test_command_for_run_command_type_and_skip(tmp_path: Path) -> None:
    assert command_for(spec("t/a.sh", "sh -e"), tmp_path) == "sh -e t/a.sh"
    assert command_for(spec("a.py", "x {{path}} --y={{path}}"), tmp_path) == "x a.py --y=a.py"
    # run_command wins over type
    assert command_for(spec("a.py", "make check", "pytest"), tmp_path) == "make check a.py"
    assert command_for(spec("a_spec.rb", type="rspec"), tmp_path) == "bundle exec rspec a_spec.rb"
    assert command_for(spec("a.py", type="pytest"), tmp_path) == "pytest a.py"
    assert command_for(spec("a.test.js", type="jest"), tmp_path) == "npx jest a.test.js"
    assert command_for(spec("a.yml", type="linespec"), tmp_path) == "linespec test a.yml"
    (tmp_path / "linespec").write_text("")
    assert command_for(spec("a.yml", type="linespec"), tmp_path) == "./linespec test a.yml"
    assert command_for(spec("a.yml", type="config"), tmp_path) is None
    assert command_for(spec("a.yml"), tmp_path) is None


def test_paths_are_quoted_for_sh(tmp_path: Path) -> None:
    # Go pastes the path unquoted; here a space or `;` stays part of one argument.
    assert command_for(spec("my tests/a.py", type="pytest"), tmp_path) == "pytest 'my tests/a.py'"
    assert command_for(spec("a;rm -rf x", "cat {{path}}"), tmp_path) == "cat 'a;rm -rf x'"


# --- single specs --------------------------------------------------------------------


def test_pass_and_fail_output(tmp_path: Path) -> None:
    report, out = run([spec("ok", "true"), spec("ko", "echo boom; false")], tmp_path)
    assert out == (
        "  · ok\n    true ok\n    ✓ passed\n\n"
        "  · ko\n    echo boom; false ko\nboom\n    ✗ failed\n\n"
    )
    assert report.outcomes == [SpecOutcome("ok", "passed"), SpecOutcome("ko", "failed")]
    assert not report.passed
    assert report.ran


def test_skipped_types_are_reported_and_do_not_fail(tmp_path: Path) -> None:
    report, out = run([spec("a.cfg", type="config"), spec("b.md")], tmp_path)
    assert out == (
        "  · a.cfg  (skipped — no type or run_command)\n"
        "  · b.md  (skipped — no type or run_command)\n"
    )
    assert report.passed
    assert not report.ran


def test_templated_command_with_a_path_with_spaces(tmp_path: Path) -> None:
    (tmp_path / "my specs").mkdir()
    (tmp_path / "my specs" / "a b.txt").write_text("content\n")
    report, out = run([spec("my specs/a b.txt", "test -f {{path}} && cat {{path}}")], tmp_path)
    assert report.passed
    assert "    test -f 'my specs/a b.txt' && cat 'my specs/a b.txt'\ncontent\n" in out


def test_stderr_is_streamed_and_a_missing_newline_is_added(tmp_path: Path) -> None:
    report, out = run([spec("x", "echo to-err >&2; printf partial; true")], tmp_path)
    assert report.passed
    assert out.endswith("to-err\npartial\n    ✓ passed\n\n")


def test_a_spec_that_kills_itself_is_a_failure(tmp_path: Path) -> None:
    report, out = run([spec("x", "kill -9 $$; true")], tmp_path)
    assert report.outcomes == [SpecOutcome("x", "failed")]
    assert out.endswith("    ✗ failed\n\n")


def test_specs_run_in_cwd(tmp_path: Path) -> None:
    (tmp_path / "marker").write_text("")
    report, _ = run([spec("marker", "test -f")], tmp_path)
    assert report.passed


class Recorder(io.StringIO):
    """A text stream that notes when and how much is written to it."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[tuple[float, int, str]] = []

    def write(self, s: str) -> int:
        self.writes.append((time.monotonic(), len(s), s[:20]))
        return super().write(s)


def test_flooding_output_is_streamed_in_chunks(tmp_path: Path) -> None:
    out = Recorder()
    command = "head -c 5000000 /dev/zero | tr '\\0' x; echo; echo done"
    report = run_specs([spec("flood", command)], cwd=tmp_path, out=out, timeout=20)
    assert report.passed
    text = out.getvalue()
    assert text.count("x") >= 5_000_000
    assert text.endswith("done flood\n    ✓ passed\n\n")
    # Written through as it arrived, never accumulated into one big write.
    assert max(size for _, size, _ in out.writes) <= 64 * 1024
    assert len(out.writes) > 50


def test_output_arrives_while_the_spec_still_runs(tmp_path: Path) -> None:
    out = Recorder()
    run_specs([spec("slow", "echo early; sleep 0.6; echo")], cwd=tmp_path, out=out)
    finished = time.monotonic()
    early = next(t for t, _, head in out.writes if head.startswith("early"))
    assert finished - early > 0.4


# --- timeouts and interrupts ---------------------------------------------------------


def test_a_hanging_spec_times_out_and_its_group_is_killed(tmp_path: Path) -> None:
    pidfile = tmp_path / "pid"
    start = time.monotonic()
    report, out = run(
        [spec("hang", f"echo $$ > {pidfile}; sleep 30 & sleep 30; :"), spec("next", "true")],
        tmp_path,
        timeout=0.5,
    )
    assert time.monotonic() - start < 5
    assert "  · hang\n" in out
    assert "    ✗ timed out after 0.5 s\n\n  · next\n" in out
    assert report.outcomes == [SpecOutcome("hang", "timed out"), SpecOutcome("next", "passed")]
    assert not report.passed
    assert group_gone(int(pidfile.read_text()))


def test_a_spec_ignoring_sigterm_is_killed_after_the_grace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(specs, "KILL_GRACE", 0.3)
    pidfile = tmp_path / "pid"
    start = time.monotonic()
    report, _ = run(
        [spec("stubborn", f"trap '' TERM; echo $$ > {pidfile}; sleep 30; :")], tmp_path, timeout=0.3
    )
    assert time.monotonic() - start < 5
    assert report.outcomes == [SpecOutcome("stubborn", "timed out")]
    assert group_gone(int(pidfile.read_text()))


def test_a_finished_spec_is_not_held_up_by_a_background_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(specs, "DRAIN_GRACE", 0.2)
    pidfile = tmp_path / "pid"
    start = time.monotonic()
    report, _ = run([spec("bg", f"echo $$ > {pidfile}; sleep 30 & true")], tmp_path, timeout=20)
    assert report.passed
    assert time.monotonic() - start < 3
    os.killpg(int(pidfile.read_text()), signal.SIGKILL)  # the leftover is not ours to keep


INTERRUPTED = """
import io, signal, sys
from pathlib import Path
from linespec.core.model import Spec
from linespec.core.specs import run_specs
signal.signal(signal.SIGINT, signal.default_int_handler)
try:
    run_specs([Spec(path="hang", run_command=sys.argv[1])], cwd=Path.cwd(), out=io.StringIO())
except KeyboardInterrupt:
    print("interrupted")
    sys.exit(130)
print("not interrupted")
"""


def test_ctrl_c_kills_the_spec_group_and_propagates(tmp_path: Path) -> None:
    pidfile = tmp_path / "pid"
    command = f"echo $$ > {pidfile}.tmp; mv {pidfile}.tmp {pidfile}; sleep 30 & sleep 30; :"
    proc = subprocess.Popen(
        [sys.executable, "-c", INTERRUPTED, command],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 10
        while not pidfile.exists():
            assert time.monotonic() < deadline, "the spec never started"
            time.sleep(0.02)
        pgid = int(pidfile.read_text())
        assert os.killpg(pgid, 0) is None
        proc.send_signal(signal.SIGINT)
        stdout, _ = proc.communicate(timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert stdout == "interrupted\n"
    assert group_gone(pgid)


# --- batching ------------------------------------------------------------------------


def test_consecutive_same_runner_specs_run_as_one_process(
    tmp_path: Path, fake_pytest: Path
) -> None:
    report, out = run([spec("a.py", type="pytest"), spec("my b.py", type="pytest")], tmp_path)
    assert invocations(fake_pytest) == ["a.py|my b.py|"]
    assert out == (
        "  · a.py, my b.py\n    pytest a.py 'my b.py'\nfake pytest on 2\n"
        "    ✓ a.py passed\n    ✓ my b.py passed\n\n"
    )
    assert report.passed


def test_a_failing_batch_is_localised_per_spec(tmp_path: Path, fake_pytest: Path) -> None:
    report, out = run([spec("good.py", type="pytest"), spec("bad.py", type="pytest")], tmp_path)
    assert invocations(fake_pytest) == ["good.py|bad.py|", "good.py|", "bad.py|"]
    assert out == (
        "  · good.py, bad.py\n    pytest good.py bad.py\nfake pytest on 2\n"
        "    ✗ batch failed — localizing per spec:\n"
        "fake pytest on 1\n    ✓ good.py passed\n"
        "fake pytest on 1\n    ✗ bad.py failed\n\n"
    )
    assert report.outcomes == [SpecOutcome("good.py", "passed"), SpecOutcome("bad.py", "failed")]
    assert not report.passed


def test_a_batch_only_failure_is_not_masked(
    tmp_path: Path, fake_pytest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAIL_WHEN_BATCHED", "1")
    report, out = run([spec("one.py", type="pytest"), spec("two.py", type="pytest")], tmp_path)
    assert "    ✓ one.py passed\n" in out
    assert "    ✓ two.py passed\n" in out
    assert report.failed_batches == [["one.py", "two.py"]]
    assert not report.passed


def test_batching_never_reorders_or_merges_templated_or_across_skips(
    tmp_path: Path, fake_pytest: Path
) -> None:
    report, out = run(
        [
            spec("a.py", type="pytest"),
            spec("b.py", "pytest"),  # same prefix, given as run_command: joins the batch
            spec("c.sh", "true"),
            spec("d.py", type="pytest"),
            spec("e.cfg"),
            spec("f.py", type="pytest"),
            spec("g.py", "pytest {{path}}"),
            spec("h.py", "pytest {{path}}"),
        ],
        tmp_path,
    )
    assert report.passed
    assert invocations(fake_pytest) == ["a.py|b.py|", "d.py|", "f.py|", "g.py|", "h.py|"]
    assert [line for line in out.splitlines() if line.startswith("  · ")] == [
        "  · a.py, b.py",
        "  · c.sh",
        "  · d.py",
        "  · e.cfg  (skipped — no type or run_command)",
        "  · f.py",
        "  · g.py",
        "  · h.py",
    ]


def test_a_hanging_batch_times_out_then_is_localised(tmp_path: Path) -> None:
    runner = tmp_path / "runner"
    runner.write_text('#!/bin/sh\n[ "$#" -ge 2 ] && sleep 30\nexit 0\n')
    runner.chmod(0o755)
    report, out = run([spec("a", str(runner)), spec("b", str(runner))], tmp_path, timeout=0.4)
    assert "    ✗ timed out after 0.4 s\n    ✗ batch failed — localizing per spec:\n" in out
    assert out.endswith("    ✓ a passed\n    ✓ b passed\n\n")
    assert not report.passed


# --- the already-run set (teeth) -----------------------------------------------------


def test_already_run_commands_are_not_run_again(tmp_path: Path, fake_pytest: Path) -> None:
    seen: set[str] = set()
    first, _ = run(
        [spec("shared.py", type="pytest"), spec("only_a.py", type="pytest")],
        tmp_path,
        already_run=seen,
    )
    assert first.passed
    assert seen == {"pytest shared.py", "pytest only_a.py"}
    second, out = run(
        [spec("shared.py", type="pytest"), spec("only_b.py", type="pytest")],
        tmp_path,
        already_run=seen,
    )
    assert out.startswith("  · pytest shared.py  (already verified)\n  · only_b.py\n")
    assert second.outcomes == [
        SpecOutcome("shared.py", "already verified"),
        SpecOutcome("only_b.py", "passed"),
    ]
    assert second.passed
    assert invocations(fake_pytest) == ["shared.py|only_a.py|", "only_b.py|"]
    assert "pytest only_b.py" in seen


def test_without_the_set_every_spec_runs(tmp_path: Path, fake_pytest: Path) -> None:
    run([spec("a.py", "pytest {{path}}"), spec("a.py", "pytest {{path}}")], tmp_path)
    assert invocations(fake_pytest) == ["a.py|", "a.py|"]


# --- the command ---------------------------------------------------------------------


def test_run_specs_command_passes_and_fails(repo: Repo) -> None:
    repo.write(".linespec.yml", ENABLED)
    repo.record("prov-2026-00000001", associated_specs=[{"path": "x", "run_command": "true"}])
    repo.record("prov-2026-00000002", associated_specs=[{"path": "y", "run_command": "false"}])
    ok = repo.cli("provenance", "run-specs", "-r", "prov-2026-00000001")
    assert ok.exit_code == 0
    assert ok.stdout == (
        "\nRunning 1 associated spec(s) for prov-2026-00000001...\n\n"
        "  · x\n    true x\n    ✓ passed\n\nAll associated specs passed.\n\n"
    )
    ko = repo.cli("provenance", "run-specs", "--record", "prov-2026-00000002")
    assert ko.exit_code == 1
    assert ko.stdout.endswith("    ✗ failed\n\n")
    assert "failed" in ko.stderr


def test_run_specs_command_runs_in_the_repository_root(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write(".linespec.yml", ENABLED)
    repo.write("sub/dir/keep", "")
    repo.record(
        "prov-2026-00000001", associated_specs=[{"path": "sub/dir/keep", "run_command": "test -f"}]
    )
    monkeypatch.chdir(repo.path / "sub")
    assert repo.cli("provenance", "run-specs", "-r", "prov-2026-00000001").exit_code == 0


def test_run_specs_command_timeout_option(repo: Repo) -> None:
    repo.write(".linespec.yml", ENABLED)
    repo.record("prov-2026-00000001", associated_specs=[{"path": "x", "run_command": "sleep 30;"}])
    result = repo.run("provenance", "run-specs", "-r", "prov-2026-00000001", "--timeout", "0.3")
    assert result.exit_code == 1
    assert "    ✗ timed out after 0.3 s\n" in result.stdout
    assert repo.cli("provenance", "run-specs", "-r", "x", "--timeout", "0").exit_code == 2


def test_run_specs_command_disabled_unknown_and_empty(repo: Repo) -> None:
    repo.record("prov-2026-00000001", associated_specs=[{"path": "x", "run_command": "touch ran"}])
    repo.record("prov-2026-00000002")
    disabled = repo.cli("provenance", "run-specs", "-r", "prov-2026-00000001")
    assert (disabled.exit_code, disabled.stdout) == (0, "")
    assert "run_associated_specs_on_complete" in disabled.stderr
    assert not (repo.path / "ran").exists()
    # As in Go, the setting is read before the ID is looked up.
    assert repo.cli("provenance", "run-specs", "-r", "prov-2026-99999999").exit_code == 0

    repo.write(".linespec.yml", ENABLED)
    unknown = repo.cli("provenance", "run-specs", "-r", "prov-2026-99999999")
    assert unknown.exit_code == 1
    assert "Record not found: prov-2026-99999999" in unknown.stderr
    empty = repo.cli("provenance", "run-specs", "-r", "prov-2026-00000002")
    assert (empty.exit_code, empty.stdout, empty.stderr) == (0, "", "")
