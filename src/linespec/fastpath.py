"""The hook fast path: `provenance check --staged` without typer, rich or pydantic.

The commit-msg hook runs on every commit. When the arguments are ones this small parser
knows and the config is plain, the check runs here on the same core functions the full
CLI uses; anything else returns None and the full CLI handles it (including every error
message about unusual input).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

_VALUE_OPTIONS = {"--message-file": "message_file", "--record": "record", "--format": "format",
                  "-c": "config", "--config": "config"}  # fmt: skip


def _parse(args: Sequence[str]) -> dict[str, str] | None:
    if len(args) < 3 or args[0] not in ("provenance", "-p") or args[1] != "check":
        return None
    options: dict[str, str] = {}
    rest = list(args[2:])
    while rest:
        arg = rest.pop(0)
        if arg == "--staged":
            options["staged"] = "1"
            continue
        name, sep, value = arg.partition("=")
        key = _VALUE_OPTIONS.get(name)
        if key is None or key in options:
            return None
        if not sep:
            if not rest:
                return None
            value = rest.pop(0)
        options[key] = value
    if "staged" not in options or options.get("format", "human") not in ("human", "json"):
        return None
    return options


def run(args: Sequence[str]) -> int | None:
    """The exit code of a fast check, or None to let the full CLI run."""
    options = _parse(args)
    if options is None:
        return None
    from linespec import git
    from linespec.core import checkrun
    from linespec.errors import LinespecError

    cwd = Path.cwd()
    explicit = Path(options["config"]) if "config" in options else None
    message = options.get("message_file")
    request = checkrun.CheckRequest(
        staged=True,
        message_file=Path(message) if message is not None else None,
        record=options.get("record", ""),
    )
    try:
        staged = git.staged_files(cwd)
        configs = checkrun.configs_for(cwd, explicit, plain=True, staged_paths=staged)
        if configs is None:
            return None
        result = checkrun.run(cwd, request, configs)
    except LinespecError:
        # The full CLI reports errors (with their exit codes) in one place.
        return None
    from linespec.render import checktext

    code = checktext.emit(result, options.get("format", "human"))
    sys.stdout.flush()
    return code
