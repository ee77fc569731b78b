"""Rich consoles for stdout and stderr: colour only on a terminal, never wrapped text."""

from __future__ import annotations

import os
import sys

from rich.console import Console


def _console(stream: object) -> Console:
    return Console(
        file=stream,  # type: ignore[arg-type]
        soft_wrap=True,
        highlight=False,
        emoji=False,
        no_color="NO_COLOR" in os.environ,
    )


def stdout() -> Console:
    return _console(sys.stdout)


def stderr() -> Console:
    return _console(sys.stderr)
