"""Running a record's associated specs (`run-specs`, and `complete` with its "teeth").

What is printed follows the Go tool line for line. Where this module differs on purpose:

- Paths are quoted for sh with :func:`shlex.quote` (a path with a space or a `;` is one
  argument, never shell syntax); Go pastes the path into the command unquoted. Plain
  paths (letters, digits, `/._-`...) are left exactly as Go writes them.
- Every process has a time limit (``timeout``, per process); on expiry its whole process
  group is killed and the spec counts as failed. Go waits forever.
- The child's stdout and stderr are merged into OUT (Go forwards stderr to stderr), and
  its stdin is /dev/null: the child runs in its own session, where reading a terminal
  would stop it rather than prompt.
- When a child's output does not end with a newline, one is added before the ✓/✗ line
  so that line still starts a line.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import selectors
import shlex
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal, TextIO

from linespec.core.model import Spec

PATH_PLACEHOLDER = "{{path}}"
TYPE_RUNNERS = {"rspec": "bundle exec rspec", "pytest": "pytest", "jest": "npx jest"}

# Seconds a process group gets between SIGTERM and SIGKILL, so a runner can clean up.
KILL_GRACE = 3.0
# Seconds the output of a finished spec is still read while something it started in the
# background keeps the pipe open; such leftovers are not waited for (Go does not either).
DRAIN_GRACE = 1.0
_POLL = 0.1
_CHUNK = 64 * 1024

SpecStatus = Literal["passed", "failed", "skipped", "already verified", "timed out"]
_Result = Literal["passed", "failed", "timed out"]


@dataclass
class SpecOutcome:
    path: str
    status: SpecStatus


@dataclass
class SpecReport:
    outcomes: list[SpecOutcome] = field(default_factory=list)
    # Batches that failed as a whole. They fail the report even when every path passes
    # when re-run alone: an order-dependent failure must not be masked by localisation.
    failed_batches: list[list[str]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        bad = ("failed", "timed out")
        return not self.failed_batches and all(o.status not in bad for o in self.outcomes)

    @property
    def ran(self) -> bool:
        """Whether any spec was runnable; a record whose specs were all skipped is unverified."""
        return any(o.status != "skipped" for o in self.outcomes)


@dataclass(frozen=True)
class _Plan:
    command: str  # the single-path command, also the key of the already-run set
    prefix: str  # the command without its path: equal prefixes may share one process
    templated: bool  # a {{path}} command has no multi-path form, so never batches


def _plan(spec: Spec, cwd: Path) -> _Plan | None:
    quoted = shlex.quote(spec.path)
    if spec.run_command:
        if PATH_PLACEHOLDER in spec.run_command:
            command = spec.run_command.replace(PATH_PLACEHOLDER, quoted)
            return _Plan(command, "", templated=True)
        prefix = spec.run_command
    elif spec.type == "linespec":
        prefix = "./linespec test" if (cwd / "linespec").exists() else "linespec test"
    elif spec.type in TYPE_RUNNERS:
        prefix = TYPE_RUNNERS[spec.type]
    else:
        return None
    return _Plan(f"{prefix} {quoted}", prefix, templated=False)


def command_for(spec: Spec, cwd: Path) -> str | None:
    """The shell command that runs SPEC from CWD, or None when it is not runnable.

    Paths are quoted with shlex.quote; the Go tool pastes them unquoted, which differs
    only for paths with spaces or shell metacharacters.
    """
    plan = _plan(spec, cwd)
    return plan.command if plan is not None else None


def run_specs(
    specs: Sequence[Spec],
    *,
    cwd: Path,
    out: TextIO,
    timeout: float = 600.0,
    already_run: set[str] | None = None,
) -> SpecReport:
    """Run SPECS in order with `sh -c` in CWD, streaming their output to OUT.

    Consecutive specs with the same untemplated command prefix run as one process; when
    it fails, each of its specs is re-run alone to say which failed. TIMEOUT limits each
    process. ALREADY_RUN (the teeth of `complete`) holds single-path commands already run
    by an earlier record: those are reported as already verified, and every command run
    here is added to it. KeyboardInterrupt kills the running spec and propagates.
    """
    report = SpecReport()
    i = 0
    while i < len(specs):
        spec = specs[i]
        plan = _plan(spec, cwd)
        if plan is None:
            _say(out, f"  · {spec.path}  (skipped — no type or run_command)\n")
            report.outcomes.append(SpecOutcome(spec.path, "skipped"))
            i += 1
            continue
        group = [(spec, plan)]
        i += 1
        while not plan.templated and i < len(specs):
            following = _plan(specs[i], cwd)
            if following is None or following.templated or following.prefix != plan.prefix:
                break
            group.append((specs[i], following))
            i += 1

        to_run: list[tuple[Spec, _Plan]] = []
        for member, member_plan in group:
            if already_run is not None and member_plan.command in already_run:
                _say(out, f"  · {member_plan.command}  (already verified)\n")
                report.outcomes.append(SpecOutcome(member.path, "already verified"))
            else:
                to_run.append((member, member_plan))
        if already_run is not None:
            # The key is each spec's own command, never the batch's, so whether a path was
            # verified does not depend on the neighbours it happened to run with.
            already_run.update(p.command for _, p in to_run)

        if len(to_run) == 1:
            _run_single(*to_run[0], cwd=cwd, out=out, timeout=timeout, report=report)
        elif to_run:
            _run_batch(to_run, cwd=cwd, out=out, timeout=timeout, report=report)
    return report


def _run_single(
    spec: Spec, plan: _Plan, *, cwd: Path, out: TextIO, timeout: float, report: SpecReport
) -> None:
    _say(out, f"  · {spec.path}\n    {plan.command}\n")
    result = _execute(plan.command, cwd, out, timeout)
    if result == "passed":
        _say(out, "    ✓ passed\n\n")
    elif result == "failed":
        _say(out, "    ✗ failed\n\n")
    else:
        _say(out, f"    ✗ timed out after {timeout:g} s\n\n")
    report.outcomes.append(SpecOutcome(spec.path, result))


def _run_batch(
    members: list[tuple[Spec, _Plan]],
    *,
    cwd: Path,
    out: TextIO,
    timeout: float,
    report: SpecReport,
) -> None:
    paths = [spec.path for spec, _ in members]
    command = " ".join([members[0][1].prefix, *map(shlex.quote, paths)])
    _say(out, f"  · {', '.join(paths)}\n    {command}\n")
    result = _execute(command, cwd, out, timeout)
    if result == "passed":
        for path in paths:
            _say(out, f"    ✓ {path} passed\n")
            report.outcomes.append(SpecOutcome(path, "passed"))
        _say(out, "\n")
        return
    report.failed_batches.append(paths)
    if result == "timed out":
        _say(out, f"    ✗ timed out after {timeout:g} s\n")
    _say(out, "    ✗ batch failed — localizing per spec:\n")
    for spec, plan in members:
        alone = _execute(plan.command, cwd, out, timeout)
        if alone == "passed":
            _say(out, f"    ✓ {spec.path} passed\n")
        elif alone == "failed":
            _say(out, f"    ✗ {spec.path} failed\n")
        else:
            _say(out, f"    ✗ {spec.path} timed out after {timeout:g} s\n")
        report.outcomes.append(SpecOutcome(spec.path, alone))
    _say(out, "\n")


def _say(out: TextIO, text: str) -> None:
    out.write(text)
    out.flush()


class _Sink:
    """Writes a child's output through to OUT as it arrives."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        # Raw bytes go straight to a real stream's buffer (output in any encoding survives);
        # text-only streams (StringIO) get UTF-8 decoded incrementally.
        buffer = getattr(out, "buffer", None)
        self._binary: BinaryIO | None = buffer if callable(getattr(buffer, "write", None)) else None
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._at_line_start = True

    def write(self, data: bytes) -> None:
        if not data:
            return
        if self._binary is not None:
            self._out.flush()
            self._binary.write(data)
            self._binary.flush()
        else:
            _say(self._out, self._decoder.decode(data))
        self._at_line_start = data.endswith(b"\n")

    def finish(self) -> None:
        if self._binary is None:
            _say(self._out, self._decoder.decode(b"", final=True))
        if not self._at_line_start:
            _say(self._out, "\n")
            self._at_line_start = True


def _execute(command: str, cwd: Path, out: TextIO, timeout: float) -> _Result:
    sink = _Sink(out)
    try:
        # A session of its own makes the spec its own process group (killed as a whole on
        # timeout or Ctrl-C) and keeps the terminal's Ctrl-C for us: the interrupt is ours
        # to handle, so the caller can roll back after the spec is gone.
        proc = subprocess.Popen(
            ["sh", "-c", command],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except OSError as exc:
        sink.write(f"{exc}\n".encode())
        return "failed"
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    selector = selectors.DefaultSelector()
    selector.register(fd, selectors.EVENT_READ)

    def drain(wait: float) -> bool:
        """Forward what is readable within WAIT seconds; False at the end of the output."""
        if not selector.select(max(wait, 0.0)):
            return True
        data = os.read(fd, _CHUNK)
        sink.write(data)
        return bool(data)

    deadline = time.monotonic() + timeout
    try:
        exited_at: float | None = None
        while True:
            now = time.monotonic()
            if exited_at is None and proc.poll() is not None:
                exited_at = now
            if exited_at is not None and now - exited_at > DRAIN_GRACE:
                break
            if exited_at is None and now >= deadline:
                _kill_group(proc, drain)
                sink.finish()
                return "timed out"
            if not drain(min(deadline - now, _POLL)):
                break
        try:
            # The output can end before the process does (it may close its stdout).
            code = proc.wait(timeout=max(deadline - time.monotonic(), 0.0))
        except subprocess.TimeoutExpired:
            _kill_group(proc, drain)
            sink.finish()
            return "timed out"
    except BaseException:
        _kill_group(proc, drain)
        raise
    finally:
        selector.close()
        proc.stdout.close()
    sink.finish()
    return "passed" if code == 0 else "failed"


def _kill_group(proc: subprocess.Popen[bytes], drain: Callable[[float], bool]) -> None:
    """SIGTERM the spec's process group, then SIGKILL whatever is left after KILL_GRACE."""
    group = proc.pid  # a session leader's PID is its process group ID
    try:
        _signal_group(group, signal.SIGTERM)
        deadline = time.monotonic() + KILL_GRACE
        open_output = True
        while time.monotonic() < deadline:
            leader_gone = proc.poll() is not None
            # An init that is slow to reap orphans leaves zombies in the group, which
            # still answer kill(0); a closed pipe says every member that had it is gone.
            if not _group_alive(group) or (leader_gone and not open_output):
                break
            # Keep reading so a runner writing its cleanup output does not block on a
            # full pipe until SIGKILL.
            if open_output:
                open_output = drain(0.02)
            else:
                time.sleep(0.02)
    finally:
        _signal_group(group, signal.SIGKILL)
        proc.wait()


def _signal_group(group: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signum)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
