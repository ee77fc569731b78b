"""What `provenance lint` does once its arguments are known, without typer.

The typer command and the fast path below share `execute`, so both print the same report
and return the same exit code. `lint` is what CI and the pre-commit hook run; skipping
typer (whose import and per-option setup cost more than linting 1,000 records takes)
matters there. Anything the small parser does not know goes to the full CLI.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from linespec import fastargs
from linespec.cli import state
from linespec.core import warmer
from linespec.errors import EXIT_PROBLEMS, UsageError

FORMATS = ("auto", "human", "json", "sarif", "github")
ENFORCEMENTS = ("none", "warn", "strict")


class LintOptions(NamedTuple):
    record: str = ""
    enforcement: str = ""
    output: str = "auto"
    warn: bool = False
    info: bool = False
    show_all: bool = False
    staged: bool = False
    exit_zero: bool = False
    strict_warnings: bool = False
    config: Path | None = None


def execute(options: LintOptions) -> int:
    """Lint, print the report in the chosen format, and return the exit code."""
    if options.enforcement and options.enforcement not in ENFORCEMENTS:
        raise UsageError(f'unknown --enforcement "{options.enforcement}": use none, warn or strict')
    if not options.staged:
        # Started before the imports below, which it overlaps with parsing a cold repository.
        warmer.start(options.config)
    from linespec.core.lint.finding import Severity
    from linespec.core.lint.runner import run_lint

    output = options.output
    if output == "auto":
        output = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "human"
    run = run_lint(
        Path.cwd(),
        config_path=options.config,
        enforcement=options.enforcement or None,
        only=options.record or None,
        staged=options.staged,
    )
    state.root = run.root
    for cfg, _ in run.reports:
        for warning in cfg.warnings:
            sys.stderr.write(f"warning: {warning}\n")
    report = run.merged()
    if output == "json":
        from linespec.render import jsonout, lint_json

        sys.stdout.write(jsonout.dumps(lint_json.payload(report, run.root)))
    elif output == "sarif":
        from linespec.render import jsonout, sarif
        from linespec.render.relpath import relative

        folder = relative(run.reports[0][0].provenance_dir, run.root)
        sys.stdout.write(jsonout.dumps(sarif.document(report, run.root, folder)))
    elif output == "github":
        from linespec.render import github

        sys.stdout.write(github.render(report, run.root))
    else:
        from linespec.render import console, human

        if options.show_all:
            shown = list(Severity)
        elif options.warn:
            shown = [Severity.WARNING]
        elif options.info:
            shown = [Severity.HINT]
        else:
            shown = [Severity.ERROR]
        out = console.stdout()
        for cfg, part in run.reports:
            if len(run.reports) > 1:
                out.print(f"\nConfig: {cfg.source}")
            human.lint_report(out, part, run.root, shown)
    sys.stdout.flush()
    failing = report.errors or (options.strict_warnings and report.warnings)
    return EXIT_PROBLEMS if failing and not options.exit_zero else 0


_FLAGS = {"--warn": "warn", "--info": "info", "--all": "show_all", "--staged": "staged",
          "--exit-zero": "exit_zero", "--strict-warnings": "strict_warnings"}  # fmt: skip


def run(args: Sequence[str]) -> int | None:
    """The exit code of `provenance lint ARGS`, or None to let the full CLI run."""
    if len(args) < 2 or args[0] != "provenance" or args[1] != "lint":
        return None
    scanned = fastargs.scan(
        args[2:],
        flags=_FLAGS,
        values=("--record", "--enforcement", "--format", "--config"),
        aliases={"-c": "--config"},
    )
    if scanned is None or scanned.positional:
        return None
    output = scanned.value("--format", "auto")
    enforcement = scanned.value("--enforcement")
    if output not in FORMATS or enforcement not in ("", *ENFORCEMENTS):
        return None
    config = scanned.value("--config")
    options = LintOptions(
        record=scanned.value("--record"),
        enforcement=enforcement,
        output=output,
        config=Path(config) if config else None,
        **{name: flag in scanned.flags for flag, name in _FLAGS.items()},
    )
    from linespec.errors import LinespecError

    try:
        return execute(options)
    except LinespecError:
        return None  # the full CLI reports it (and its exit code) in one place
