"""Console-script entry point.

Kept free of heavy imports: `--version` answers before typer, rich or pydantic load, and
the fast paths of frequent commands dispatch from here too.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from linespec import __version__

# Commands that hooks, agents and people run often answer without typer, rich or pydantic
# where they can. Each module's `run(args)` returns None for anything it does not handle
# (help, errors, unusual options, a stale cache), and the full CLI answers instead.
_FAST_PATHS = {
    "check": "linespec.fastpath",
    "govern": "linespec.fastpath",
    "next": "linespec.fastpath",
    "lineage": "linespec.core.lineage.fast",
    "ready": "linespec.core.lineage.fast",
    "blocked": "linespec.core.lineage.fast",
    "search": "linespec.core.search.fastcli",
    "lint": "linespec.cli.lintrun",
    "graph": "linespec.cli.graphfast",
}

# Full-CLI commands that read every record file first, for which a cold start is worth a
# helper; and the options under which they read no files of the current repository's
# config (another config, the git index) or nothing at all (help).
_LOADING = frozenset({"status", "lint", "graph", "verify"})
_ELSEWHERE = ("-c", "--config", "--staged", "--help", "-h")


def _loads_records(args: list[str]) -> bool:
    # Prefixes, so that `--config=PATH` and `-cPATH` count too.
    return (
        len(args) > 1
        and args[0] == "provenance"
        and args[1] in _LOADING
        and not any(arg.startswith(_ELSEWHERE) for arg in args[2:])
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    # `-p` as the first argument is the Go tool's legacy alias of `provenance`.
    if args and args[0] == "-p":
        args[0] = "provenance"
    if args == ["--version"]:
        sys.stdout.write(f"linespec v{__version__}\n")
        return 0
    import gc

    # A command is one short burst of allocation with almost no reference cycles; the
    # cyclic collector's passes over 10,000 records cost more than building them. Put
    # back afterwards: tests and other callers run commands inside their own process.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        fast = _FAST_PATHS.get(args[1]) if len(args) > 1 else None
        if fast is not None:
            import importlib

            try:
                code: int | None = importlib.import_module(fast).run(args)
            except Exception as exc:
                # A bug, reported as the full CLI reports one (and never as exit 1, which
                # a hook would read as a verdict on the commit).
                from linespec.errors import EXIT_CANNOT_RUN, internal_error

                # --debug is the full CLI's option: it would not take this path.
                sys.stderr.write(internal_error(exc, "a bug in linespec; please report it"))
                return EXIT_CANNOT_RUN
            if code is not None:
                return code
        if _loads_records(args):
            from linespec.core import warmer

            # Overlaps parsing a cold repository's records with importing the CLI.
            warmer.start()
        from linespec.cli.main import run

        return run(args)
    finally:
        started = sys.modules.get("linespec.core.warmer")
        if started is not None:
            # A command that ended before loading (a usage error, say) still leaves no
            # helper behind writing into `.linespec/` after it has returned.
            started.settle()
        if gc_was_enabled:
            gc.enable()


def console() -> int:
    """The `linespec` command: `main`, then an exit that skips the final cyclic collection.

    At exit the interpreter collects every object still alive; after loading 1,000 records
    that pass costs 30 ms, a tenth of a `lint`, to free memory the process is about to hand
    back anyway. Frozen objects are left out of it. Only the command does this: `main` runs
    inside other processes too (tests), where frozen objects would never be collected.
    """
    code = main()
    import gc

    gc.freeze()
    return code
