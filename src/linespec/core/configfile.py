"""Where the configuration lives: discovery of `.linespec.yml` and the pyproject table.

Free of pydantic so the hook fast path can find the same file the full CLI would.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from linespec import git
from linespec.errors import ConfigError

CONFIG_NAME = ".linespec.yml"
PYPROJECT = "pyproject.toml"
STATE_DIR = ".linespec"
# The parse cache in STATE_DIR: named here, where the parse helper can learn it without YAML.
PARSE_CACHE = "parse-cache.marshal"


Identity = tuple[int, int, int, int]


def identity(path: Path) -> Identity | None:
    """What changes whenever a file's content may have: size, mtime, ctime and inode.

    Caches of what a file says are keyed by it, taken before the file is read, so that an
    edit in between leaves the cache stale rather than wrong. None when PATH cannot be read.
    """
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def find_root(cwd: Path) -> Path:
    """The git top-level, or CWD outside a repository."""
    return git.toplevel(cwd) or cwd


def discover(cwd: Path, root: Path) -> Path | None:
    """The nearest `.linespec.yml` from CWD up to ROOT, else a pyproject.toml linespec table."""
    here = cwd.resolve()
    top = root.resolve()
    ancestry = [here, *here.parents]
    candidates = ancestry[: ancestry.index(top) + 1] if top in ancestry else [here]
    for directory in candidates:
        if (directory / CONFIG_NAME).is_file():
            return directory / CONFIG_NAME
    for directory in candidates:
        pyproject = directory / PYPROJECT
        if pyproject.is_file() and pyproject_table(pyproject) is not None:
            return pyproject
    return None


def pyproject_table(path: Path) -> Any:
    # Imported here: only repositories configured through pyproject.toml pay for it.
    import tomllib

    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read pyproject.toml: {exc}", path=path) from None
    return data.get("tool", {}).get("linespec", {}).get("provenance")


def find_configs(cwd: Path) -> list[Path]:
    """Every `.linespec.yml` below CWD (not inside .git), in walk order."""
    found: list[Path] = []
    for directory, dirs, names in os.walk(cwd):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        if CONFIG_NAME in names:
            found.append(Path(directory) / CONFIG_NAME)
    return found
