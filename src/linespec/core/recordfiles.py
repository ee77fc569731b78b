"""Which files are records, and whether a record's file is named after it.

Free of pydantic: shared by the full loader and the hook fast path.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from linespec.core.graph import Node
from linespec.errors import FileNameMismatch, LoadError, RecordShapeError

if TYPE_CHECKING:
    from linespec.core.yamlread import Document

RECORD_PREFIX = "prov-"
RECORD_SUFFIXES = (".yml", ".yaml")


def is_record_file(name: str) -> bool:
    return name.startswith(RECORD_PREFIX) and name.endswith(RECORD_SUFFIXES)


def record_files(directory: Path) -> Iterator[Path]:
    """Record files under DIRECTORY, recursively, in lexical order within each directory."""
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except FileNotFoundError:
        return
    except NotADirectoryError:
        raise LoadError("provenance path is not a directory", path=directory) from None
    except OSError as exc:
        raise LoadError(
            f"cannot read provenance directory: {exc.strerror or exc}", path=directory
        ) from None
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from record_files(Path(entry.path))
        elif is_record_file(entry.name) and entry.is_file():
            yield Path(entry.path)


def check_name(record: Node, path: Path) -> None:
    # Hooks and commit checks find a record by its file's base name, so a file whose name
    # disagrees with its id would be enforced as some other record (or not at all).
    stem = path.name.rsplit(".", 1)[0]
    if record.id and record.id != stem:
        mark = record.line_of("id")
        raise FileNameMismatch(
            f'id "{record.id}" does not match the file name (expected "{stem}"); '
            f"rename the file to {record.id}{path.suffix} or fix the id",
            path=path,
            line=mark.line if mark else None,
            column=mark.column if mark else None,
        )


def read_record(path: Path) -> bytes:
    """A record file's bytes; a failure is a LoadError naming the file."""
    # os.read rather than Path.read_bytes: no buffered file object per record, which is
    # half the time of reading 1,000 of them.
    chunks: list[bytes] = []
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
        finally:
            os.close(fd)
    except OSError as exc:
        raise LoadError(f"cannot read record: {exc.strerror or exc}", path=path) from None
    return b"".join(chunks)


def record_document(data: bytes, path: Path) -> Document:
    """A record file's bytes parsed as every loader parses them (disk, index, hook path)."""
    # Imported here: the hook path reaches this module on a scope-cache hit without YAML.
    from linespec.core import yamlread

    text = yamlread.decode_text(data, path)
    if "associated_linespecs:" in text:
        raise RecordShapeError(
            "deprecated field 'associated_linespecs' found, use 'associated_specs' instead",
            path=path,
        )
    return yamlread.parse(text, path)
