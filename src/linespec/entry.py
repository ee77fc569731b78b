"""Console-script entry point.

Kept free of heavy imports: `--version` answers before typer, rich or pydantic load, and
the hook fast paths (`check --staged`, `govern`, `next`) dispatch from here too.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from linespec import __version__


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    # `-p` as the first argument is the Go tool's legacy alias of `provenance`.
    if args and args[0] == "-p":
        args[0] = "provenance"
    if args == ["--version"]:
        sys.stdout.write(f"linespec v{__version__}\n")
        return 0
    if len(args) > 1 and args[1] in ("check", "govern", "next"):
        from linespec import fastpath

        code = fastpath.run(args)
        if code is not None:
            return code
    from linespec.cli.main import run

    return run(args)
