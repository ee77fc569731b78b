"""Where the configuration lives: discovery of `.linespec.yml` and the pyproject table.

Free of pydantic so the hook fast path can find the same file the full CLI would.
"""

from __future__ import annotations

import os
from collections.abc import Callable
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


# --- plain settings ----------------------------------------------------------------------
# Most configs are a handful of keys whose literal text the validators take as it is. Read
# here, without pydantic, they serve the hook path (which must not import it) and spare
# every other command from building the validators.

_REFUSED = object()
_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


def _text(value: Any) -> Any:
    return value if isinstance(value, str) else _REFUSED


def _flag(value: Any) -> Any:
    if isinstance(value, str):
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    return _REFUSED


def _minutes(value: Any) -> Any:
    # Nine digits at most: int() refuses texts of thousands of digits that pydantic reads.
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 9:
        return int(value) or 60
    return _REFUSED


def _texts(value: Any) -> Any:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    return _REFUSED


def _choice(default: str, *choices: str) -> Callable[[Any], Any]:
    return lambda value: (value or default) if value in ("", *choices) else _REFUSED


# What each key becomes when its literal text is one the validators would accept as is.
_PLAIN: dict[str, Callable[[Any], Any]] = {
    "dir": _text,
    "manifest_url": _text,
    "enforcement": _choice("warn", "none", "warn", "strict"),
    "overlap_specs_on_complete": _choice("block", "block", "warn", "off"),
    "commit_tag_required": _flag,
    "auto_affected_scope": _flag,
    "run_associated_specs_on_complete": _flag,
    "commit_on_status_change": _flag,
    "write_restriction": _flag,
    "cache_ttl_minutes": _minutes,
    "exclude_paths": _texts,
    "additional_dirs": _texts,
    "shared_repos": lambda value: [] if value == [] else _REFUSED,
}


def plain_values(present: dict[str, Any]) -> dict[str, Any] | None:
    """The values the validators would make of PRESENT (a `provenance:` section without its
    null keys), read without them; None when any key needs them (nested settings, unknown
    keys, anything unusual), and only the validating reader may judge the config.
    """
    values: dict[str, Any] = {}
    for key, value in present.items():
        convert = _PLAIN.get(key)
        if convert is None:
            return None
        converted = convert(value)
        if converted is _REFUSED:
            return None
        values[key] = converted
    return values
