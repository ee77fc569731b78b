"""Wall-clock and memory benchmarks of the linespec CLI on synthetic repositories.

Every measurement is a real subprocess, timed from spawn to exit, because start-up cost
(interpreter, imports, config discovery) is what users and git hooks actually wait for.
The script reports; it does not gate: it exits 0 whatever the budgets say, and non-zero
only when a benchmarked command itself fails.

    python benchmarks/run.py [--sizes 45,1000,10000] [--runs 7] [--linespec PATH]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

SYNTH = Path(__file__).with_name("synth.py")
DEFAULT_SIZES = (45, 1000, 10000)
MIB = 1024 * 1024
# Slow cases get fewer runs: enough for a median, without making a run take many minutes.
SLOW_CASE_SECONDS = 20.0
MIN_RUNS = 3
# lint exits 1 when it reports error findings; that is a result, not a failure to run.
LINT_FINDINGS_EXIT = 1

# (command label, records) -> budget. Only the cold runs are budgeted: the first command
# after a checkout or a branch switch is the one people notice.
TIME_BUDGETS: dict[tuple[str, int | None], float] = {
    ("linespec --version", None): 0.100,
    ("status --format json (cold)", 1000): 0.25,
    ("status --format json (cold)", 10000): 1.0,
    ("lint --format json (cold)", 1000): 0.25,
    ("lint --format json (cold)", 10000): 2.5,
    ("check --range, 50 commits", 1000): 0.3,
    ("compile (cold)", 10000): 3.0,
    ("govern --json, one file (warm)", 10000): 0.1,
    ("next --json (warm)", 10000): 0.1,
    ("govern --json, one file (cold)", 10000): 1.5,
    ("graph --format json", 10000): 0.5,
    ("compile (nothing changed)", 10000): 1.0,
}
# The commit-msg hook is budgeted relative to the interpreter's own start-up.
HOOK_RATIO_BUDGET = 3.0

# Floors: the least any Python implementation of §12.6 does before it can answer, with no
# linespec code at all. A warm govern/next must stat every record file and hash the list
# (the fingerprint); the commit hook must also start under sh and ask git what is staged.
FINGERPRINT_FLOOR = """
import hashlib, os, sys
lines = []
for entry in os.scandir(sys.argv[1]):
    info = os.stat(entry.path)
    lines.append(f"{entry.path}\\0{info.st_size}\\0{info.st_mtime_ns}\\n")
lines.sort()
hashlib.sha256("".join(lines).encode()).hexdigest()
"""
# And for a cold lint: import the record-model library and parse every record file.
LINT_FLOOR = """
import os, sys
import pydantic.main, yaml
for entry in os.scandir(sys.argv[1]):
    with open(entry.path, "rb") as handle:
        yaml.compose(handle.read(), Loader=yaml.CSafeLoader)
"""
HOOK_FLOOR = (
    "import subprocess\n"
    "subprocess.run(['git', 'diff', '--cached', '--name-only', '-z'], capture_output=True)\n"
    + FINGERPRINT_FLOOR
)
MEMORY_BUDGETS_MIB: dict[tuple[str, int], float] = {
    ("lint peak RSS", 10000): 150.0,
}


@dataclass
class Sample:
    seconds: float
    max_rss_bytes: int
    returncode: int
    stdout: bytes  # empty unless asked for: see run_once
    stderr: bytes


@dataclass
class Row:
    command: str
    records: int | None
    values: list[float] = field(default_factory=list)
    unit: str = "s"
    budget: float | None = None
    failed: bool = False

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def minimum(self) -> float:
        return min(self.values)

    @property
    def verdict(self) -> str:
        if self.failed:
            return "FAILED"
        if self.budget is None:
            return "-"
        return "ok" if self.median <= self.budget else "over"


class CommandFailed(Exception):
    """A benchmarked command could not run or exited with an unexpected code."""

    def __init__(self, argv: Sequence[str], cwd: Path, what: str, stderr: bytes = b"") -> None:
        super().__init__(f"{' '.join(argv)} {what} (in {cwd})")
        self.stderr = stderr


def run_once(
    argv: Sequence[str], cwd: Path, ok_codes: Sequence[int] = (0,), keep_stdout: bool = False
) -> Sample:
    """Run ARGV once; time it and take the child's peak RSS from wait4.

    Linux starts a child's ru_maxrss at the high-water RSS of the process that spawned it
    (exec records the old mm's peak), so this process must stay small: repositories are
    generated in a subprocess and stdout (17 MB for status at 10,000 records) is only
    read back when KEEP_STDOUT asks for it.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        # Output goes to files rather than pipes so the parent never has to interleave
        # reading with waiting, which would mean using Popen.communicate and losing the
        # child's rusage.
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        except OSError as exc:
            raise CommandFailed(argv, cwd, f"could not start: {exc}") from None
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        # ru_maxrss is in KiB on Linux but in bytes on macOS.
        scale = 1 if sys.platform == "darwin" else 1024
        stdout = out.read() if keep_stdout else b""
        sample = Sample(elapsed, usage.ru_maxrss * scale, proc.returncode, stdout, err.read())
    if sample.returncode not in ok_codes:
        raise CommandFailed(argv, cwd, f"exited {sample.returncode}", sample.stderr)
    return sample


def clear_cache(repo: Path) -> None:
    shutil.rmtree(repo / ".linespec", ignore_errors=True)


def measure(
    argv: Sequence[str],
    cwd: Path,
    runs: int,
    *,
    cold: bool,
    ok_codes: Sequence[int] = (0,),
    keep_stdout: bool = False,
) -> list[Sample]:
    """RUNS timed runs; cold ones start without a .linespec/ cache, warm ones after a primer."""
    if not cold:
        clear_cache(cwd)
        run_once(argv, cwd, ok_codes)
    samples: list[Sample] = []
    while len(samples) < runs:
        if cold:
            clear_cache(cwd)
        # Only the last run's output is kept: one copy is enough to summarise.
        keep = keep_stdout and len(samples) == runs - 1
        samples.append(run_once(argv, cwd, ok_codes, keep))
        if len(samples) == 1:
            runs = min(runs, max(MIN_RUNS, math.ceil(SLOW_CASE_SECONDS / samples[0].seconds)))
    return samples


# -- repositories --------------------------------------------------------------


def _first_source_file(repo: Path) -> str:
    return min(p.relative_to(repo).as_posix() for p in (repo / "src").rglob("*.py"))


def check_repo(base: Path, scratch: Path, linespec: str) -> tuple[Path, Path]:
    """A clone of BASE with 50 tagged commits and 5 staged files inside one record's scope."""
    clone = scratch / "repo"
    subprocess.run(["git", "clone", "-q", str(base), str(clone)], check=True)
    subprocess.run(
        [linespec, "provenance", "install-hooks"], cwd=clone, check=False, capture_output=True
    )
    record, scope = _governed_file(clone)
    git_env = ["-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    target = clone / scope
    for index in range(50):
        with target.open("a") as handle:
            handle.write(f"# change {index}\n")
        subprocess.run(
            ["git", *git_env, "commit", "-q", "--no-verify", "-am", f"Change {index} [{record}]"],
            cwd=clone,
            check=True,
        )
    for index in range(5):
        extra = target.parent / f"bench_{index}.py"
        extra.write_text("x = 1\n")
    subprocess.run(["git", "add", "-A"], cwd=clone, check=True)
    message = scratch / "COMMIT_EDITMSG"
    message.write_text(f"Bench commit [{record}]\n")
    return clone, message


def _governed_file(clone: Path) -> tuple[str, str]:
    """An open record with a directory glob in its scope, and a file that glob covers."""
    for path in sorted((clone / "provenance").rglob("prov-*.yml")):
        text = path.read_text()
        if "\nstatus: open\n" not in text or "affected_scope:" not in text:
            continue
        for line in text.split("affected_scope:", 1)[1].splitlines()[1:]:
            item = line.strip()
            if not item.startswith("- "):
                break
            pattern = item[2:].strip().strip("'\"")
            if pattern.endswith("/**"):
                files = sorted(p for p in (clone / pattern[:-3]).rglob("*.py") if p.is_file())
                if files:
                    return path.stem, files[0].relative_to(clone).as_posix()
    raise SystemExit("no open record with a directory glob in affected_scope")


def cache_root() -> Path:
    return Path(tempfile.gettempdir()) / "linespec-bench"


def generator_digest() -> str:
    # A changed generator must not reuse repositories built by the old one.
    return hashlib.sha256(SYNTH.read_bytes()).hexdigest()[:12]


def ensure_repo(n: int, seed: int, rebuild: bool) -> tuple[Path, float, bool]:
    """The cached repository for (n, seed), built if needed: (path, build seconds, reused)."""
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    key = f"n{n}-seed{seed}-{generator_digest()}"
    repo = root / key
    meta = root / f"{key}.json"
    if rebuild:
        shutil.rmtree(repo, ignore_errors=True)
        meta.unlink(missing_ok=True)
    if repo.is_dir() and meta.is_file():
        return repo, float(json.loads(meta.read_text())["seconds"]), True
    shutil.rmtree(repo, ignore_errors=True)
    # Build beside the final path and rename, so an interrupted build is never reused.
    staging = Path(tempfile.mkdtemp(prefix=f"{key}.", dir=root))
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, str(SYNTH), str(staging / "repo"), str(n), str(seed)], check=True
    )
    seconds = time.perf_counter() - start
    (staging / "repo").rename(repo)
    staging.rmdir()
    meta.write_text(json.dumps({"n": n, "seed": seed, "seconds": seconds}))
    return repo, seconds, False


# -- reporting -----------------------------------------------------------------


def fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.3f}"
    return f"{value:.1f}x" if unit == "x" else f"{value:.1f} MiB"


def print_table(rows: Sequence[Row]) -> None:
    header = ("command", "records", "median", "min", "budget", "verdict")
    body = []
    for row in rows:
        records = "-" if row.records is None else f"{row.records:,}"
        if row.values:
            median, minimum = fmt(row.median, row.unit), fmt(row.minimum, row.unit)
        else:
            median = minimum = "-"
        budget = "-" if row.budget is None else f"<= {fmt(row.budget, row.unit)}"
        body.append((row.command, records, median, minimum, budget, row.verdict))
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    right = {1, 2, 3, 4}

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    print(line(header))
    print(line(["-" * w for w in widths]))
    for cells in body:
        print(line(cells))
    print("(median/min in seconds of wall-clock time unless marked MiB)")
    print(
        f"(up to --runs runs per case; a case whose first run is slow gets only enough runs"
        f" to take about {SLOW_CASE_SECONDS:.0f} s, but at least {MIN_RUNS})"
    )
    # The floor explained in run_once: a child's peak RSS never reads lower than this.
    scale = 1 if sys.platform == "darwin" else 1024
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / MIB
    print(f"(peak RSS cannot read below this harness's own peak, {own:.1f} MiB)")


def lint_summary(stdout: bytes) -> str:
    try:
        report = json.loads(stdout)
        issues = report["issues"]
    except (ValueError, KeyError, TypeError):
        return "could not parse lint output"
    hints = sum(1 for issue in issues if issue.get("severity") == "hint")
    text = f"{report['errors']} errors, {report['warnings']} warnings, {hints} hints"
    errors = sorted({issue["message"] for issue in issues if issue.get("severity") == "error"})
    for message in errors[:5]:
        text += f"\n      error: {message}"
    return text


# -- main ------------------------------------------------------------------------


def find_linespec(explicit: str | None) -> str:
    if explicit:
        found = shutil.which(explicit)
        if found is None:
            raise SystemExit(f"run.py: --linespec {explicit}: not an executable file")
        return found
    beside = Path(sys.executable).parent / "linespec"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("linespec")
    if found is None:
        raise SystemExit("run.py: no linespec next to the interpreter or on PATH; use --linespec")
    return found


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--sizes",
        default=",".join(str(n) for n in DEFAULT_SIZES),
        help="comma-separated record counts (default: %(default)s)",
    )
    parser.add_argument("--runs", type=int, default=7, help="timed runs per case (default: 7)")
    parser.add_argument("--linespec", help="linespec executable to benchmark")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default: 0)")
    parser.add_argument(
        "--rebuild", action="store_true", help="regenerate repositories instead of reusing them"
    )
    args = parser.parse_args(argv)
    try:
        args.sizes = sorted({int(part) for part in args.sizes.split(",") if part.strip()})
    except ValueError:
        parser.error(f"--sizes must be comma-separated integers, not {args.sizes!r}")
    if not args.sizes or min(args.sizes) < 0:
        parser.error("--sizes needs at least one non-negative count")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    linespec = find_linespec(args.linespec)
    runs: int = args.runs
    sizes: list[int] = args.sizes

    print(f"python:   {sys.executable} ({sys.version.split()[0]})")
    print(f"linespec: {linespec}")
    repos: dict[int, Path] = {}
    for n in sizes:
        repo, seconds, reused = ensure_repo(n, args.seed, args.rebuild)
        repos[n] = repo
        how = "reused; generated earlier in" if reused else "generated in"
        print(f"repo {n:>6,} records: {repo} ({how} {seconds:.2f} s)")
    print()

    rows: list[Row] = []
    lint_notes: list[str] = []
    failures: list[CommandFailed] = []
    neutral = repos[sizes[0]]

    def case(
        label: str,
        records: int | None,
        argv: Sequence[str],
        cwd: Path,
        *,
        cold: bool = True,
        ok_codes: Sequence[int] = (0,),
        keep_stdout: bool = False,
    ) -> list[Sample]:
        row = Row(label, records, budget=TIME_BUDGETS.get((label, records)))
        rows.append(row)
        print(f"  running {label} ({records if records is not None else '-'})", file=sys.stderr)
        try:
            samples = measure(
                argv, cwd, runs, cold=cold, ok_codes=ok_codes, keep_stdout=keep_stdout
            )
        except CommandFailed as exc:
            row.failed = True
            failures.append(exc)
            return []
        row.values = [s.seconds for s in samples]
        return samples

    def ratio_row(
        label: str, records: int, samples: Sequence[Sample], budget: float | None
    ) -> None:
        python_pass = rows[0].values
        if samples and python_pass:
            ratio = statistics.median(s.seconds for s in samples) / statistics.median(python_pass)
            rows.append(Row(label, records, [ratio], unit="x", budget=budget))

    def memory_row(label: str, records: int, samples: Sequence[Sample]) -> None:
        if samples:
            rows.append(
                Row(
                    label,
                    records,
                    [s.max_rss_bytes / MIB for s in samples],
                    unit="MiB",
                    budget=MEMORY_BUDGETS_MIB.get((label, records)),
                )
            )

    case("python -c pass", None, [sys.executable, "-c", "pass"], neutral)
    case("linespec --version", None, [linespec, "--version"], neutral)
    status_argv = [linespec, "provenance", "status", "--format", "json"]
    lint_argv = [linespec, "provenance", "lint", "--format", "json"]
    for n in sizes:
        repo = repos[n]
        status_cold = case("status --format json (cold)", n, status_argv, repo)
        case("status --format json (warm)", n, status_argv, repo, cold=False)
        lint_cold = case(
            "lint --format json (cold)",
            n,
            lint_argv,
            repo,
            ok_codes=(0, LINT_FINDINGS_EXIT),
            keep_stdout=True,
        )
        lint_floor = [sys.executable, "-c", LINT_FLOOR, str(repo / "provenance")]
        case("floor: python + pydantic + libyaml parse", n, lint_floor, repo, cold=False)
        some_file = _first_source_file(repo)
        govern_argv = [linespec, "provenance", "govern", "--json", "--files", some_file]
        govern_warm = case("govern --json, one file (warm)", n, govern_argv, repo, cold=False)
        ratio_row("govern (warm) / python -c pass", n, govern_warm, None)
        case("govern --json, one file (cold)", n, govern_argv, repo)
        next_warm = case(
            "next --json (warm)", n, [linespec, "provenance", "next", "--json"], repo, cold=False
        )
        ratio_row("next (warm) / python -c pass", n, next_warm, None)
        floor_argv = [sys.executable, "-c", FINGERPRINT_FLOOR, str(repo / "provenance")]
        floor = case("floor: python + fingerprint", n, floor_argv, repo, cold=False)
        ratio_row("floor / python -c pass", n, floor, None)
        graph_argv = [linespec, "provenance", "graph", "--format", "json"]
        case("graph --format json", n, graph_argv, repo, cold=False)
        compile_argv = [linespec, "provenance", "compile"]
        case("compile (cold)", n, compile_argv, repo)
        case("compile (nothing changed)", n, compile_argv, repo, cold=False)
        if n == sizes[-1]:
            memory_row("status peak RSS", n, status_cold)
            memory_row("lint peak RSS", n, lint_cold)
        if lint_cold:
            lint_notes.append(f"  {n:>6,} records: {lint_summary(lint_cold[-1].stdout)}")

    if 1000 in repos:
        scratch = Path(tempfile.mkdtemp(prefix="linespec-bench-check-"))
        try:
            clone, message = check_repo(repos[1000], scratch, linespec)
            hook = clone / ".git" / "hooks" / "commit-msg"
            if hook.exists():
                samples = case(
                    "commit-msg hook, 5 staged files",
                    1000,
                    [str(hook), str(message)],
                    clone,
                    cold=False,
                )
                ratio_row("hook / python -c pass", 1000, samples, HOOK_RATIO_BUDGET)
            floor_argv = [
                "sh", "-c", '"$0" -c "$1" "$2"', sys.executable, HOOK_FLOOR,
                str(clone / "provenance"),
            ]  # fmt: skip
            floor = case(
                "floor: sh + python + git + fingerprint", 1000, floor_argv, clone, cold=False
            )
            ratio_row("hook floor / python -c pass", 1000, floor, None)
            check_argv = [
                linespec,
                "provenance",
                "check",
                "--staged",
                "--message-file",
                str(message),
            ]
            case("check --staged (warm cache)", 1000, check_argv, clone, cold=False)
            case("check --staged (cold cache)", 1000, check_argv, clone)
            range_argv = [linespec, "provenance", "check", "--range", "HEAD~50..HEAD"]
            case("check --range, 50 commits", 1000, range_argv, clone, cold=False)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    print()
    print_table(rows)
    if lint_notes:
        print("\nlint findings on the generated repositories:")
        print("\n".join(lint_notes))
    for failure in failures:
        print(f"\nFAILED: {failure}", file=sys.stderr)
        tail = failure.stderr.decode("utf-8", "replace").strip().splitlines()[-15:]
        for text in tail:
            print(f"    {text}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
