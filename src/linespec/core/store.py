"""Finding and loading record files.

Reading goes through the libyaml-backed strict reader; writes live in `write.py`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from linespec.core import yamlread
from linespec.core.config import Config
from linespec.core.graph import RecordSet
from linespec.core.model import Record, record_from_document
from linespec.errors import LoadError, RecordShapeError

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


def load_file(path: Path, *, remote: bool = False) -> Record:
    raw = _read(path)
    text = yamlread.decode_text(raw, path)
    if "associated_linespecs:" in text:
        raise RecordShapeError(
            "deprecated field 'associated_linespecs' found, use 'associated_specs' instead",
            path=path,
        )
    record = record_from_document(yamlread.parse(text, path), path, remote=remote)
    _check_name(record, path)
    return record


def load_records(config: Config) -> RecordSet:
    """Every record of the repository, validated as a graph."""
    records: list[Record] = []
    for directory in [config.provenance_dir, *config.extra_dirs]:
        records.extend(load_file(path) for path in record_files(directory))
    record_set = RecordSet(records)
    record_set.validate()
    return record_set


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read record: {exc.strerror or exc}", path=path) from None


def _check_name(record: Record, path: Path) -> None:
    # Hooks and commit checks find a record by its file's base name, so a file whose name
    # disagrees with its id would be enforced as some other record (or not at all).
    stem = path.name.rsplit(".", 1)[0]
    if record.id and record.id != stem:
        mark = record.line_of("id")
        raise RecordShapeError(
            f'id "{record.id}" does not match the file name (expected "{stem}"); '
            f"rename the file to {record.id}{path.suffix} or fix the id",
            path=path,
            line=mark.line if mark else None,
            column=mark.column if mark else None,
        )
