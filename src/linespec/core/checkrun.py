"""Which configs and records a `check` run uses; shared by the CLI and the hook fast path.

The full CLI validates `.linespec.yml` with pydantic; the hook path reads it with the
plain decoder below and hands anything unusual back to the full CLI, so both report the
same things and the common case never loads pydantic.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from linespec import git
from linespec.core.checks import (
    CheckResult,
    Settings,
    check_commit,
    check_range,
    check_staged,
    load_scope_records,
    read_message_file,
    resolve,
)
from linespec.core.configfile import (
    CONFIG_NAME,
    discover,
    find_configs,
    find_root,
    identity,
    plain_values,
)
from linespec.errors import LinespecError


class CheckConfig(NamedTuple):
    root: Path
    source: Path | None
    provenance_dirs: tuple[Path, ...]
    settings: Settings


def plain_config(cwd: Path, explicit: Path | None = None) -> CheckConfig | None:
    """The check config read without pydantic, or None when only the full CLI should judge."""
    root = find_root(cwd)
    if explicit is not None:
        source: Path | None = explicit if explicit.is_absolute() else cwd / explicit
    else:
        source = discover(cwd, root)
    if source is None:
        return _config(root, None, {})
    if source.name != CONFIG_NAME and explicit is None:
        return None
    try:
        data = _config_data(source, root)
    except LinespecError:
        return None
    if data is None:
        return _config(root, source, {})
    if not isinstance(data, dict):
        return None
    section = data.get("provenance")
    if section is None:
        return _config(root, source, {})
    if not isinstance(section, dict):
        return None
    values = plain_values({k: v for k, v in section.items() if v is not None})
    return None if values is None else _config(root, source, values)


# The commit hook reads `.linespec.yml` on every commit; PyYAML's import alone costs more
# than the rest of reading it. The parsed document is remembered (marshal) under the file's
# identity, taken before the file is read, so an edit in between leaves it stale, not wrong.
_CONFIG_CACHE = "config.marshal"


def _config_data(source: Path, root: Path) -> Any:
    from linespec.core import scopecache
    from linespec.core.configfile import STATE_DIR

    stamp = identity(source)
    if stamp is None:
        from linespec.core import yamlread

        return yamlread.read_document(source).data  # reports the file's problem
    cache = root / STATE_DIR / _CONFIG_CACHE
    key = (str(source), stamp)
    hit = scopecache.read_fast(cache, key)
    if hit is not None:
        return hit[0]
    from linespec.core import yamlread

    data = yamlread.read_document(source).data
    scopecache.write_fast(cache, key, (data,))
    return data


def _config(root: Path, source: Path | None, section: dict[str, Any]) -> CheckConfig:
    base = source.parent if source is not None else root
    folder = Path(section.get("dir", "provenance"))
    if not folder.is_absolute():
        folder = (base if "dir" in section else root) / folder
    extra = [
        Path(p) if Path(p).is_absolute() else base / p for p in section.get("additional_dirs", [])
    ]
    settings = Settings(
        exclude_paths=tuple(section.get("exclude_paths", [])),
        commit_tag_required=section.get("commit_tag_required", False),
    )
    return CheckConfig(root, source, (folder, *extra), settings)


def full_config(cwd: Path, explicit: Path | None = None) -> CheckConfig:
    """The check config from the validated configuration (errors name file, line and key)."""
    from linespec.core import config as config_mod

    loaded = config_mod.load(cwd, explicit)
    settings = Settings(
        exclude_paths=tuple(loaded.settings.exclude_paths),
        commit_tag_required=loaded.settings.commit_tag_required,
    )
    # Shared repositories' records take part as they do in every other command (and in
    # the Go tool's check): their forbidden_scope applies here too.
    from linespec.core.store import record_directories

    dirs = tuple(record_directories(loaded))
    return CheckConfig(loaded.root, loaded.source, dirs, settings)


def _comment_char(root: Path) -> str:
    value = git.config_value(root, "core.commentChar")
    # "auto" picks a character per message; the hook sees the file git wrote, where
    # the default is by far the most likely.
    return "#" if value in (None, "auto") else value


def configs_for(
    cwd: Path, explicit: Path | None, *, plain: bool, staged_paths: list[str] | None
) -> list[CheckConfig] | None:
    """The config(s) a check covers: the given one, or every config of a monorepo.

    Nested configs take part in a staged check only when a staged path lies below them.
    Returns None (plain mode only) when the full CLI must take over.
    """
    first = plain_config(cwd, explicit) if plain else full_config(cwd, explicit)
    if first is None:
        return None
    configs = [first]
    if explicit is not None:
        return configs
    if staged_paths is None:
        nested_configs = find_configs(first.root)
    else:
        nested_configs = _configs_above(first.root, staged_paths)
    for path in nested_configs:
        if path == first.source:
            continue
        nested = plain_config(cwd, path) if plain else full_config(cwd, path)
        if nested is None:
            return None
        configs.append(nested)
    return configs


def _configs_above(root: Path, paths: list[str]) -> list[Path]:
    """The nested configs PATHS lie below, in `find_configs` order, without walking the tree.

    A commit touches a handful of directories; the tree may have thousands.
    """
    folders = {folder for path in paths for folder in _folders_above(path)}
    found = [root / folder / CONFIG_NAME for folder in folders]
    return sorted((p for p in found if p.is_file()), key=lambda p: p.parent.parts)


def _folders_above(path: str) -> list[str]:
    folders: list[str] = []
    for part in path.split("/")[:-1]:
        if part == ".git":  # never walked into, like find_configs
            break
        folders.append(f"{folders[-1]}/{part}" if folders else part)
    return folders


class CheckRequest(NamedTuple):
    staged: bool = False
    message_file: Path | None = None
    commit: str = "HEAD"
    range: str = ""
    record: str = ""
    # The staged paths when the caller already asked git for them (to pick configs).
    staged_paths: list[str] | None = None


def run(cwd: Path, request: CheckRequest, configs: list[CheckConfig]) -> CheckResult:
    """Check against every config and merge the results (each violation once)."""
    merged: CheckResult | None = None
    # Asked of git here, once per repository, rather than with each config: `govern`,
    # `next` and `graph` read configs too and never need it.
    comment_chars: dict[Path, str] = {}
    for config in configs:
        # Only the repository's own config uses the shared scope cache file.
        cached = config == configs[0]
        records = load_scope_records(config.provenance_dirs, config.root if cached else None)
        root = config.root
        if root not in comment_chars:
            comment_chars[root] = _comment_char(root)
        settings = config.settings._replace(comment_char=comment_chars[root])
        if request.staged:
            if request.message_file is not None:
                message = read_message_file(request.message_file)
            else:
                head = resolve(root, "HEAD")
                message = git.commit_message(root, head).strip()
            result = check_staged(root, records, settings, message, request.staged_paths)
        elif request.range:
            result = check_range(root, records, settings, request.range)
        else:
            result = check_commit(root, records, settings, resolve(root, request.commit))
            result.label = request.commit
        if merged is None:
            merged = result
        else:
            merged.violations.extend(v for v in result.violations if v not in merged.violations)
            merged.warnings.extend(w for w in result.warnings if w not in merged.warnings)
    assert merged is not None
    return merged.only(request.record) if request.record else merged
