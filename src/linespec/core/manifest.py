"""The hash manifest `.linespec/hash_manifest.json`: sealed records' content hashes.

Two formats exist. The current one has one compact JSON object per line,
`{"id":"…","hash":"…"}`, sorted by ID, so that concurrent branches merge cleanly
(`merge=union`); the legacy one is a single document with a `records` map. Both are read;
only the current one is written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from linespec.core.files import atomic_write
from linespec.errors import LinespecError

MANIFEST_NAME = "hash_manifest.json"


class ManifestError(LinespecError):
    """A manifest that exists but cannot be read or parsed."""


def manifest_path(state_dir: Path) -> Path:
    return state_dir / MANIFEST_NAME


def read_manifest(path: Path) -> dict[str, str] | None:
    """The id → hash map, or None when there is no manifest file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise ManifestError("cannot read hash manifest: it is a directory", path=path) from None
    except OSError as exc:
        raise ManifestError(
            f"cannot read hash manifest: {exc.strerror or exc}", path=path
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ManifestError("parse hash manifest: not UTF-8 text", path=path) from None
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            whole = json.loads(stripped)
        except json.JSONDecodeError:
            whole = None
        if isinstance(whole, dict) and "records" in whole:
            return _legacy(whole, path)
    entries: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ManifestError(f"parse hash manifest: {exc.msg}", path=path, line=number) from None
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("id"), str)
            or not isinstance(entry.get("hash"), str)
        ):
            raise ManifestError(
                'parse hash manifest: expected {"id": "…", "hash": "…"}', path=path, line=number
            )
        if entry["id"] in entries:
            raise ManifestError(
                f"parse hash manifest: duplicate entry for {entry['id']} "
                f"(first at line {first_line[entry['id']]})",
                path=path,
                line=number,
            )
        entries[entry["id"]] = entry["hash"]
        first_line[entry["id"]] = number
    return entries


def _legacy(whole: dict[str, object], path: Path) -> dict[str, str]:
    records = whole["records"]
    if not isinstance(records, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in records.items()
    ):
        raise ManifestError("parse hash manifest: records must map IDs to hashes", path=path)
    return dict(records)


def render_manifest(entries: Mapping[str, str]) -> str:
    return "".join(
        json.dumps({"id": key, "hash": entries[key]}, separators=(",", ":")) + "\n"
        for key in sorted(entries)
    )


def write_manifest(path: Path, entries: Mapping[str, str]) -> None:
    atomic_write(path, render_manifest(entries).encode("utf-8"))
