"""Extracting untrusted tar archives: checked first, unpacked aside, then moved in.

Every entry is vetted before a byte is written: no absolute names or `..`, no hard links,
no device files or FIFOs, no sparse files, no symbolic link that points outside the
destination or that an entry would pass through, no name twice, and limits on the
number of entries and the declared sizes (a tar bomb is refused after reading at most
`max_members + 1` headers). The archive is then unpacked with the standard library's
`data` filter into a temporary directory beside the destination, and its contents are
moved into place only when all of it unpacked; a failure leaves the destination as it
was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from linespec.core.files import staging_dir
from linespec.errors import RefusedError, StorageError

MAX_MEMBERS = 50_000
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024

# (entries unpacked so far, entries in all)
Progress = Callable[[int, int], None]


class UnsafeArchiveError(RefusedError):
    """An archive that could write outside its destination, or is too large to unpack."""


@dataclass(frozen=True)
class Limits:
    max_members: int = MAX_MEMBERS
    max_total_bytes: int = MAX_TOTAL_BYTES


@dataclass(frozen=True)
class Entry:
    """One vetted archive entry: its normalised relative path and kind."""

    path: PurePosixPath
    kind: str  # "file", "dir" or "symlink"
    size: int


def normalise(name: str) -> PurePosixPath | None:
    """NAME as a relative path, None for the archive root, or raise when it escapes."""
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise UnsafeArchiveError(f'tar entry "{name}" escapes destination directory')
    parts = [part for part in name.replace("\\", "/").split("/") if part not in ("", ".")]
    if ".." in parts:
        raise UnsafeArchiveError(f'tar entry "{name}" escapes destination directory')
    return PurePosixPath(*parts) if parts else None


def scan(archive: Path, limits: Limits = Limits()) -> list[Entry]:
    """The entries of ARCHIVE, each checked; raise on the first unsafe one."""
    entries: list[Entry] = []
    seen: dict[PurePosixPath, str] = {}
    total = 0
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            for count, member in enumerate(_members(tar), start=1):
                if count > limits.max_members:
                    raise UnsafeArchiveError(
                        f"archive has more than {limits.max_members} entries; refusing to unpack"
                    )
                total += max(member.size, 0)
                if member.size < 0 or total > limits.max_total_bytes:
                    raise UnsafeArchiveError(
                        f"archive declares more than {limits.max_total_bytes} bytes of content; "
                        "refusing to unpack"
                    )
                entry = _vet(member, seen)
                if entry is not None:
                    entries.append(entry)
    except (tarfile.TarError, EOFError) as exc:
        raise UnsafeArchiveError(f"not a readable tar archive: {exc}") from None
    except OSError as exc:
        raise StorageError(f"cannot read archive: {exc.strerror or exc}", path=archive) from None
    return entries


def _members(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    # Iterating TarFile keeps every header it has read in tar.members; forgetting them as
    # we go keeps memory flat however many entries a hostile archive declares.
    while (member := tar.next()) is not None:
        tar.members.clear()  # type: ignore[attr-defined]
        yield member


def _vet(member: tarfile.TarInfo, seen: dict[PurePosixPath, str]) -> Entry | None:
    path = normalise(member.name)
    name = member.name
    if path is None:
        if member.isdir():
            return None
        raise UnsafeArchiveError(f'tar entry "{name}" has no name')
    for parent in path.parents:
        kind = seen.get(parent)
        if kind == "symlink":
            raise UnsafeArchiveError(f'tar entry "{name}" passes through symbolic link "{parent}"')
        if kind == "file":
            raise UnsafeArchiveError(f'tar entry "{name}" is below the file "{parent}"')
    if path in seen:
        if seen[path] == "dir" and member.isdir():
            return None
        if seen[path] == "dir":
            raise UnsafeArchiveError(f'tar entry "{name}" would replace the directory "{path}"')
        raise UnsafeArchiveError(f'tar entry "{name}" appears more than once')
    if member.issym():
        target = member.linkname
        if target.startswith("/"):
            raise UnsafeArchiveError(
                f'tar entry "{name}" links to "{target}", which escapes destination directory'
            )
        resolved = os.path.normpath(os.path.join(str(path.parent), target))
        if resolved == ".." or resolved.startswith("../"):
            raise UnsafeArchiveError(
                f'tar entry "{name}" links to "{target}", which escapes destination directory'
            )
        kind = "symlink"
    elif member.islnk():
        raise UnsafeArchiveError(f'tar entry "{name}" is a hard link; hard links are not allowed')
    elif member.isdir():
        kind = "dir"
    elif member.isreg():
        if member.sparse is not None:
            raise UnsafeArchiveError(f'tar entry "{name}" is a sparse file; not allowed')
        kind = "file"
    else:
        raise UnsafeArchiveError(
            f'tar entry "{name}" is a device, FIFO or other special file; not allowed'
        )
    for parent in path.parents:
        seen.setdefault(parent, "dir")
    seen[path] = kind
    return Entry(path, kind, member.size if kind == "file" else 0)


def extract(
    archive: Path,
    dest: Path,
    *,
    limits: Limits = Limits(),
    progress: Progress | None = None,
    entries: list[Entry] | None = None,
) -> list[Entry]:
    """Unpack ARCHIVE into DEST, all or nothing; return the entries unpacked.

    DEST may exist; nothing in it is replaced (an archive entry whose path is already
    taken there refuses the whole extraction). ENTRIES, when the caller already scanned
    the archive, skips a second scan.
    """
    vetted = entries if entries is not None else scan(archive, limits)
    staging = staging_dir(dest, "unpack")
    try:
        _unpack(archive, staging, vetted, progress)
        if not dest.exists():
            os.rename(staging, dest)
            return vetted
        _move_in(staging, dest, vetted)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return vetted


def _unpack(archive: Path, staging: Path, vetted: list[Entry], progress: Progress | None) -> None:
    wanted = {str(entry.path) for entry in vetted}
    done = 0
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            for member in _members(tar):
                path = normalise(member.name)
                if path is None or str(path) not in wanted:
                    continue
                member.name = str(path)
                # The data filter re-checks what scan() checked and drops modes and owners
                # an archive should not impose (setuid bits, foreign uids).
                tar.extract(member, staging, filter="data")
                done += 1
                if progress is not None:
                    progress(done, len(vetted))
    except tarfile.FilterError as exc:
        raise UnsafeArchiveError(f"unsafe tar entry: {exc}") from None
    except (tarfile.TarError, EOFError) as exc:
        raise UnsafeArchiveError(f"not a readable tar archive: {exc}") from None
    except OSError as exc:
        raise StorageError(f"cannot unpack: {exc.strerror or exc}", path=staging) from None


def _move_in(staging: Path, dest: Path, vetted: list[Entry]) -> None:
    for entry in vetted:
        target = dest.joinpath(*entry.path.parts)
        if entry.kind != "dir" and os.path.lexists(target):
            raise RefusedError(f"{target} already exists; nothing was unpacked", path=target)
        # A link already in DEST would carry the move somewhere else.
        for ancestor in [target, *target.parents]:
            if ancestor == dest:
                break
            if ancestor.is_symlink():
                raise UnsafeArchiveError(
                    f"{ancestor} is a symbolic link; refusing to unpack through it"
                )
    made: list[Path] = []
    moved: list[Path] = []
    try:
        for entry in sorted(vetted, key=lambda e: len(e.path.parts)):
            target = dest.joinpath(*entry.path.parts)
            if entry.kind == "dir":
                if not target.is_dir():
                    target.mkdir()
                    made.append(target)
                continue
            for ancestor in reversed(target.parents):
                if ancestor == dest or dest not in ancestor.parents:
                    continue
                if not ancestor.is_dir():
                    ancestor.mkdir()
                    made.append(ancestor)
            os.rename(staging.joinpath(*entry.path.parts), target)
            moved.append(target)
    except OSError as exc:
        for path in reversed(moved):
            with contextlib.suppress(OSError):
                path.unlink()
        for path in reversed(made):
            with contextlib.suppress(OSError):
                path.rmdir()
        raise StorageError(f"cannot unpack: {exc.strerror or exc}", path=dest) from None
