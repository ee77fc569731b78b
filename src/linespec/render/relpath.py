"""Repository-relative, `/`-separated paths for machine output."""

from __future__ import annotations

import os
from pathlib import Path


def relative(path: Path | None, root: Path) -> str:
    if path is None:
        return ""
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        return path.as_posix()
