"""Atomic file writes and multi-file transactions that roll back byte-for-byte."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from types import TracebackType

from linespec.errors import StorageError

_DEFAULT_MODE = 0o644

STATE_GITIGNORE = (
    "# Written by linespec: machine-local caches are never committed; the hash manifest is.\n"
    "*\n"
    "!hash_manifest.json\n"
)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def staging_dir(dest: Path, purpose: str) -> Path:
    """A new empty directory beside DEST, with the mode a plain `mkdir` would give it.

    Renamed onto DEST when complete, so it must not keep mkdtemp's private 0700 mode.
    """
    parent = dest.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.{purpose}-", dir=parent))
        staging.chmod(0o777 & ~_umask())
    except OSError as exc:
        raise StorageError(f"cannot write: {exc.strerror or exc}", path=parent) from None
    return staging


def atomic_write(path: Path, data: bytes, mode: int | None = None, *, durable: bool = True) -> None:
    """Replace PATH with DATA so that readers see the old bytes or the new, never a mix.

    The temp file lives in the same directory (rename is atomic only within a file
    system), is fsynced before the rename (and the directory after it) when DURABLE, and
    keeps the mode of the file it replaces unless MODE is given (hooks must be executable
    the moment they appear).

    A cache passes DURABLE=False: it skips both fsyncs, which on a real disk can cost more
    than the command that writes it. After a crash such a file may be empty or torn;
    every cache reader treats a file it cannot read as a miss.
    """
    directory = path.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        if mode is None:
            try:
                mode = stat.S_IMODE(path.stat().st_mode)
            except FileNotFoundError:
                mode = _DEFAULT_MODE & ~_umask()
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise StorageError(f"cannot write: {exc.strerror or exc}", path=path) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise StorageError(f"cannot write: {exc.strerror or exc}", path=path) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if durable:
        _fsync_directory(directory)


def ensure_state_dir(state_dir: Path) -> None:
    """Create `.linespec/` with a .gitignore that keeps its caches out of commits."""
    state_dir.mkdir(exist_ok=True)
    ignore = state_dir / ".gitignore"
    if not ignore.exists():
        atomic_write(ignore, STATE_GITIGNORE.encode("utf-8"))


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not every platform or file system allows it.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class Transaction:
    """Writes several files; if anything fails before commit, every file is put back.

    Use as a context manager: an exception inside the block restores every touched file
    to its bytes from before the first write (deleting files that did not exist).
    """

    def __init__(self) -> None:
        self._before: dict[Path, bytes | None] = {}

    def snapshot(self, path: Path) -> None:
        if path in self._before:
            return
        try:
            self._before[path] = path.read_bytes()
        except FileNotFoundError:
            self._before[path] = None
        except OSError as exc:
            raise StorageError(f"cannot read: {exc.strerror or exc}", path=path) from None

    def write(self, path: Path, data: bytes) -> None:
        self.snapshot(path)
        atomic_write(path, data)

    @property
    def touched(self) -> list[Path]:
        return list(self._before)

    def rollback(self) -> None:
        for path, data in reversed(self._before.items()):
            if data is None:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
            else:
                atomic_write(path, data)

    def __enter__(self) -> Transaction:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is not None:
            self.rollback()
