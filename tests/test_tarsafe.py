"""Unpacking untrusted tars: every escape is refused and the destination stays as it was."""

from __future__ import annotations

import io
import tarfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from linespec.core import tarsafe
from linespec.core.tarsafe import UnsafeArchiveError

Member = tuple[tarfile.TarInfo, bytes | None]


def _file(name: str, data: bytes = b"x") -> Member:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def _special(name: str, kind: bytes, link: str = "") -> Member:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    return info, None


def _write_tar(path: Path, members: list[Member]) -> Path:
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def _tree(root: Path) -> dict[str, bytes | str]:
    """Every path under ROOT with its bytes (or link target): what a failure must not change."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        if path.is_symlink():
            found[key] = "-> " + str(path.readlink())
        elif path.is_file():
            found[key] = path.read_bytes()
        else:
            found[key] = "dir"
    return found


HOSTILE: dict[str, tuple[list[Member], str]] = {
    "dot-dot": ([_file("../evil.txt")], "escapes destination directory"),
    "dot-dot inside": ([_file("a/../../evil.txt")], "escapes destination directory"),
    "absolute path": ([_file("/tmp/evil.txt")], "escapes destination directory"),
    "symlink to absolute": (
        [_special("link", tarfile.SYMTYPE, "/etc/passwd")],
        "escapes destination directory",
    ),
    "symlink out": (
        [_special("a/link", tarfile.SYMTYPE, "../../outside")],
        "escapes destination directory",
    ),
    "write through symlink": (
        [_special("link", tarfile.SYMTYPE, "sub"), _file("link/evil.txt")],
        "passes through symbolic link",
    ),
    "hard link out": (
        [_special("hard", tarfile.LNKTYPE, "../../etc/passwd")],
        "hard link",
    ),
    "hard link in": ([_file("a"), _special("b", tarfile.LNKTYPE, "a")], "hard link"),
    "character device": ([_special("dev", tarfile.CHRTYPE)], "special file"),
    "block device": ([_special("blk", tarfile.BLKTYPE)], "special file"),
    "fifo": ([_special("fifo", tarfile.FIFOTYPE)], "special file"),
    "directory replaced by symlink": (
        [
            _special("d", tarfile.DIRTYPE),
            _file("d/ok.txt"),
            _special("d", tarfile.SYMTYPE, "."),
            _file("d/later.txt"),
        ],
        "would replace the directory",
    ),
    "implicit directory replaced by symlink": (
        [_file("d/ok.txt"), _special("d", tarfile.SYMTYPE, ".")],
        "would replace the directory",
    ),
    "same name twice": ([_file("a.txt"), _file("a.txt", b"y")], "more than once"),
    "entry below a file": ([_file("a"), _file("a/b")], "below the file"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_entries_are_refused_and_nothing_is_written(tmp_path: Path, case: str) -> None:
    members, message = HOSTILE[case]
    archive = _write_tar(tmp_path / "layer.tar", members)
    dest = tmp_path / "work" / "dest"
    dest.mkdir(parents=True)
    (dest / "keep.txt").write_text("mine")
    before = _tree(tmp_path / "work")
    with pytest.raises(UnsafeArchiveError, match=message):
        tarsafe.extract(archive, dest)
    assert _tree(tmp_path / "work") == before
    assert not (tmp_path / "evil.txt").exists()


def test_a_safe_archive_unpacks_with_relative_links_and_plain_modes(tmp_path: Path) -> None:
    setuid = tarfile.TarInfo("bin/tool")
    setuid.size = 2
    setuid.mode = 0o4777
    archive = _write_tar(
        tmp_path / "ok.tar",
        [
            _file("docs/a.md", b"hello"),
            (setuid, b"#!"),
            _special("docs/alias.md", tarfile.SYMTYPE, "a.md"),
        ],
    )
    dest = tmp_path / "dest"
    entries = tarsafe.extract(archive, dest)
    assert {str(e.path) for e in entries} == {"docs/a.md", "bin/tool", "docs/alias.md"}
    assert (dest / "docs" / "alias.md").read_bytes() == b"hello"
    assert (dest / "bin" / "tool").stat().st_mode & 0o7000 == 0
    assert dest.stat().st_mode & 0o777 != 0o700  # not mkdtemp's private mode


def test_existing_files_are_never_replaced(tmp_path: Path) -> None:
    archive = _write_tar(tmp_path / "l.tar", [_file("new.txt"), _file("keep.txt", b"theirs")])
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "keep.txt").write_text("mine")
    with pytest.raises(Exception, match="already exists"):
        tarsafe.extract(archive, dest)
    assert _tree(dest) == {"keep.txt": b"mine"}


def test_a_symlink_already_in_the_destination_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "sub").symlink_to(outside)
    archive = _write_tar(tmp_path / "l.tar", [_file("sub/evil.txt")])
    with pytest.raises(UnsafeArchiveError, match="symbolic link"):
        tarsafe.extract(archive, dest)
    assert list(outside.iterdir()) == []


def _bomb(path: Path, count: int) -> Path:
    """A tar of COUNT empty files, written in batches (never held in memory whole).

    One USTAR header is patched per entry (name digits and checksum): building 100,000
    headers through tarfile would take longer than refusing them.
    """
    header = bytearray(tarfile.TarInfo("f000000").tobuf(tarfile.USTAR_FORMAT))
    base = int(header[148:154].decode(), 8) - sum(b"000000")
    with path.open("wb") as handle:
        batch: list[bytes] = []
        for index in range(count):
            digits = f"{index:06d}".encode()
            header[1:7] = digits
            header[148:156] = b"%06o\x00 " % (base + sum(digits))
            batch.append(bytes(header))
            if len(batch) == 10_000:
                handle.write(b"".join(batch))
                batch.clear()
        handle.write(b"".join(batch) + b"\0" * 1024)
    return path


def test_a_tar_of_100000_entries_is_refused_quickly(tmp_path: Path) -> None:
    archive = _bomb(tmp_path / "bomb.tar", 100_000)
    with tarfile.open(archive) as tar:  # the builder makes a valid tar
        assert [tar.next().name, tar.next().name] == ["f000000", "f000001"]  # type: ignore[union-attr]
    dest = tmp_path / "dest"
    started = time.monotonic()
    with pytest.raises(UnsafeArchiveError, match="more than 50000 entries"):
        tarsafe.extract(archive, dest)
    assert time.monotonic() - started < 10
    assert not dest.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bomb.tar"]


def test_a_declared_10_gb_entry_is_refused_without_reading_it(tmp_path: Path) -> None:
    info = tarfile.TarInfo("huge.bin")
    info.size = 10 * 1024**3
    archive = tmp_path / "huge.tar"
    # The header alone: the archive claims 10 GB of content it does not have.
    archive.write_bytes(info.tobuf(tarfile.PAX_FORMAT) + b"\0" * 4096)
    with pytest.raises(UnsafeArchiveError, match="declares more than"):
        tarsafe.extract(archive, tmp_path / "dest")
    assert not (tmp_path / "dest").exists()


def test_many_small_entries_add_up_to_the_size_limit(tmp_path: Path) -> None:
    archive = _write_tar(tmp_path / "l.tar", [_file(f"f{i}", b"x" * 600) for i in range(4)])
    limits = tarsafe.Limits(max_members=100, max_total_bytes=2000)
    with pytest.raises(UnsafeArchiveError, match="declares more than 2000 bytes"):
        tarsafe.extract(archive, tmp_path / "dest", limits=limits)


@pytest.mark.parametrize(
    "corrupt",
    [lambda b: b[:700], lambda b: b"not a tar at all" * 40],
    ids=["truncated", "garbage"],
)
def test_a_damaged_archive_is_one_clear_error(
    tmp_path: Path, corrupt: Callable[[bytes], bytes]
) -> None:
    good = _write_tar(tmp_path / "good.tar", [_file("a.txt", b"y" * 2000)])
    bad = tmp_path / "bad.tar"
    bad.write_bytes(corrupt(good.read_bytes()))
    with pytest.raises(UnsafeArchiveError):
        tarsafe.extract(bad, tmp_path / "dest")
    assert not (tmp_path / "dest").exists()
