"""Installing the Claude Code skills and plugin that ship with linespec.

The files are package data under `linespec/data/skills/` and `linespec/data/plugin/`,
read through importlib.resources so that a wheel, an editable install and a zipped
install all work. They are copied as they are, paths preserved: nothing here generates
their content.

An install writes every file or none: when one write fails, the files written before it
get their previous bytes (and mode) back, and the directories it created are removed.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath

from linespec.core.files import atomic_write
from linespec.errors import LinespecError, RefusedError, StorageError

SKILLS_DEFAULT = Path(".claude") / "skills"
PLUGINS_DEFAULT = Path(".claude") / "plugins"
PLUGIN_NAME = "linespec-provenance"
MARKETPLACE_NAME = "linespec"
SKILL_NAMES = ("provenance", "linespec-testing")

# Claude Code runs hook commands directly, so the scripts must be executable whatever
# mode the installed package data has (a wheel or a copy may have dropped the bit).
EXECUTABLE_SUFFIX = ".sh"
EXECUTABLE_MODE = 0o755
FILE_MODE = 0o644
DIR_MODE = 0o755
_SKIPPED = frozenset({"__pycache__"})


@dataclass(frozen=True)
class DataFile:
    """One file of a bundled tree: its path inside the tree, bytes and installed mode."""

    relative: PurePosixPath
    data: bytes
    mode: int


def bundled(tree: str) -> list[DataFile]:
    """Every file under `linespec/data/TREE`, sorted by path."""
    root = resources.files("linespec") / "data" / tree
    if not root.is_dir():
        raise LinespecError(
            f"linespec/data/{tree} is missing from this installation of linespec; "
            "reinstall linespec"
        )
    files = [
        DataFile(relative, node.read_bytes(), _mode(relative))
        for relative, node in _walk(root, PurePosixPath())
    ]
    return sorted(files, key=lambda f: f.relative.parts)


def _walk(node: Traversable, prefix: PurePosixPath) -> Iterator[tuple[PurePosixPath, Traversable]]:
    for child in node.iterdir():
        if child.name in _SKIPPED or child.name.endswith(".pyc"):
            continue
        relative = prefix / child.name
        if child.is_dir():
            yield from _walk(child, relative)
        else:
            yield relative, child


def _mode(relative: PurePosixPath) -> int:
    return EXECUTABLE_MODE if relative.name.endswith(EXECUTABLE_SUFFIX) else FILE_MODE


def skill_files() -> list[DataFile]:
    return bundled("skills")


def plugin_files() -> list[DataFile]:
    return bundled("plugin")


def destination(root: Path, path: Path | None, default: Path) -> Path:
    """PATH (or DEFAULT) under ROOT; an absolute PATH is used as it is."""
    return root / (default if path is None else path)


@dataclass(frozen=True)
class SkillsResult:
    directory: Path
    skills: tuple[tuple[str, Path], ...]
    written: tuple[Path, ...]


@dataclass(frozen=True)
class PluginResult:
    directory: Path
    written: tuple[Path, ...]


def install_skills(root: Path, path: Path | None = None) -> SkillsResult:
    """Write both skills to `ROOT/(PATH or .claude/skills)/<name>/SKILL.md`."""
    directory = destination(root, path, SKILLS_DEFAULT)
    written = write_tree(directory, skill_files())
    skills = tuple((name, directory / name) for name in SKILL_NAMES)
    return SkillsResult(directory, skills, tuple(written))


def install_plugin(root: Path, path: Path | None = None) -> PluginResult:
    """Write the plugin tree to `ROOT/(PATH or .claude/plugins)/linespec-provenance`."""
    directory = destination(root, path, PLUGINS_DEFAULT) / PLUGIN_NAME
    written = write_tree(directory, plugin_files())
    return PluginResult(directory, tuple(written))


def write_tree(directory: Path, files: Sequence[DataFile]) -> list[Path]:
    """Write FILES below DIRECTORY, all or none; other files there are left alone."""
    targets = [(directory.joinpath(*f.relative.parts), f) for f in files]
    # Refused before anything is written: replacing a directory would lose its contents.
    for target, _ in targets:
        if target.is_dir() and not target.is_symlink():
            raise RefusedError(f"{target} is a directory; move it away and install again")
    undo = _Undo()
    try:
        for target, data_file in targets:
            undo.make_dirs(target.parent)
            undo.remember(target)
            atomic_write(target, data_file.data, data_file.mode)
    except BaseException:
        undo.rollback()
        raise
    return [target for target, _ in targets]


@dataclass
class _Previous:
    data: bytes | None = None
    mode: int = FILE_MODE
    link: str | None = None


class _Undo:
    """What an install changed, so that a failure can put it all back."""

    def __init__(self) -> None:
        self._files: dict[Path, _Previous | None] = {}
        self._dirs: list[Path] = []

    def make_dirs(self, directory: Path) -> None:
        missing = [d for d in (directory, *directory.parents) if not os.path.lexists(d)]
        for created in reversed(missing):
            try:
                created.mkdir(mode=DIR_MODE)
            except FileExistsError:
                continue
            except OSError as exc:
                raise StorageError(
                    f"cannot create directory: {exc.strerror or exc}", path=created
                ) from None
            self._dirs.append(created)

    def remember(self, path: Path) -> None:
        if path in self._files:
            return
        try:
            info = path.lstat()
        except FileNotFoundError:
            self._files[path] = None
            return
        except OSError as exc:
            raise StorageError(f"cannot read: {exc.strerror or exc}", path=path) from None
        try:
            if stat.S_ISLNK(info.st_mode):
                self._files[path] = _Previous(link=os.readlink(path))
            else:
                self._files[path] = _Previous(path.read_bytes(), stat.S_IMODE(info.st_mode))
        except OSError as exc:
            raise StorageError(f"cannot read: {exc.strerror or exc}", path=path) from None

    def rollback(self) -> None:
        # Best effort, newest first: one step that cannot be undone must not stop the rest.
        for path, previous in reversed(self._files.items()):
            with contextlib.suppress(OSError, LinespecError):
                if previous is None:
                    path.unlink(missing_ok=True)
                elif previous.link is not None:
                    path.unlink(missing_ok=True)
                    os.symlink(previous.link, path)
                elif previous.data is not None:
                    atomic_write(path, previous.data, previous.mode)
        for directory in reversed(self._dirs):
            with contextlib.suppress(OSError):
                directory.rmdir()
