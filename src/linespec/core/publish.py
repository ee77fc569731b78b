"""`publish`: package the repository's records (and optional specs, code, prompt) as a
versioned, content-addressed release described by `linespec.manifest.json`.

Layer artifacts are written next to the manifest as `linespec-<layer>-<version><ext>`:
the provenance layer is a tar of one `<id>.yml` per record (each in the canonical form of
a new record), a directory layer is a tar of its files under their repository-relative
paths, and a single file is copied as it is. Tars are reproducible: entries sorted, times,
owners and modes normalised. Versions already in the manifest are never rewritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import tarfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from linespec import git
from linespec.core.canonical import canonical_text
from linespec.core.fetch import LAYER_ORDER, root_hash
from linespec.core.files import Transaction
from linespec.core.model import Record, Status, Tier
from linespec.core.workspace import Workspace
from linespec.errors import LinespecError, RefusedError, StorageError, UsageError

MANIFEST_NAME = "linespec.manifest.json"
_AUTO_VERSION = re.compile(r"v(\d+)")


# --- the record transformation ----------------------------------------------------------


def consumer_records(records: Iterable[Record]) -> list[Record]:
    """The records as a consumer should receive them (the documented pipeline, in order).

    Imprints are dropped, then every record a remaining record supersedes; bugs become
    blueprints; references to records that are not published are cleared; everything is
    reset to open and unsealed.
    """
    kept = [r for r in records if r.effective_type != Tier.IMPRINT]
    replaced = {r.supersedes_id for r in kept if r.supersedes_id}
    kept = [r for r in kept if r.id not in replaced]
    ids = {r.id for r in kept}
    out: list[Record] = []
    for record in kept:
        update: dict[str, Any] = {
            "status": Status.OPEN.value,
            "sealed_at_sha": "",
            # Nothing published is superseded any more: what superseded it was dropped or
            # it was dropped itself.
            "superseded_by": "",
            "related": [entry for entry in record.related if entry in ids],
        }
        if record.type == Tier.BUG:
            update["type"] = Tier.BLUEPRINT.value
        if record.supersedes_id not in ids:
            update["supersedes"] = ""
        if record.implements and record.implements not in ids:
            update["implements"] = ""
        out.append(record.model_copy(update=update))
    return out


# --- artifacts --------------------------------------------------------------------------


@dataclass(frozen=True)
class Artifact:
    layer: str
    file_name: str
    data: bytes
    metadata: dict[str, str]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _tar(entries: Iterable[tuple[str, bytes | None, int, str]]) -> bytes:
    """A reproducible tar of (name, data, mode, symlink target) entries in the given order."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data, mode, target in entries:
            info = tarfile.TarInfo(name)
            info.mtime = 0
            info.mode = mode
            if data is None:
                info.type = tarfile.SYMTYPE
                info.linkname = target
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def provenance_artifact(records: list[Record], version: str) -> Artifact:
    entries = [
        (f"{r.id}.yml", canonical_text(r).encode("utf-8"), 0o644, "")
        for r in sorted(records, key=lambda r: r.id)
    ]
    return Artifact(
        "provenance",
        f"linespec-provenance-{version}.tar",
        _tar(entries),
        {"format": "tar", "records": str(len(records))},
    )


def path_artifact(layer: str, path: Path, root: Path, version: str) -> Artifact:
    """A specs/code/prompt layer from PATH: a tar for a directory, the bytes of a file."""
    try:
        relative = path.resolve().relative_to(root.resolve())
    except ValueError:
        raise UsageError(f"--{layer} {path} is outside the repository {root}") from None
    rel = PurePosixPath(relative.as_posix())
    if path.is_file():
        suffix = path.suffix
        return Artifact(
            layer,
            f"linespec-{layer}-{version}{suffix}",
            _read(path),
            {"format": "file", "path": str(rel)},
        )
    if not path.is_dir():
        raise UsageError(f"--{layer} {path}: no such file or directory")
    if layer == "prompt":
        raise UsageError(f"--prompt {path} is a directory; the prompt layer is one file")
    entries: list[tuple[str, bytes | None, int, str]] = []
    for name in _files(root, rel):
        full = root / name
        if full.is_symlink():
            target = os.readlink(full)
            landing = os.path.normpath(os.path.join(os.path.dirname(name), target))
            if os.path.isabs(target) or not (landing + "/").startswith(f"{rel}/"):
                raise UsageError(
                    f"{name} is a symbolic link to {target}, outside {rel}; "
                    "it could not be unpacked by clone"
                )
            entries.append((name, None, 0o777, target))
        elif full.is_file():
            mode = 0o755 if os.access(full, os.X_OK) else 0o644
            entries.append((name, _read(full), mode, ""))
    return Artifact(
        layer, f"linespec-{layer}-{version}.tar", _tar(entries), {"format": "tar", "path": str(rel)}
    )


def _files(root: Path, rel: PurePosixPath) -> list[str]:
    if git.toplevel(root) is not None:
        return git.files_under(root, str(rel))
    found = []
    for directory, dirs, names in os.walk(root / rel):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in names:
            found.append((Path(directory) / name).relative_to(root).as_posix())
    return sorted(found)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise StorageError(f"cannot read: {exc.strerror or exc}", path=path) from None


# --- the manifest -----------------------------------------------------------------------


def load_manifest(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise LinespecError(f"cannot read the manifest: {exc}", path=path) from None
    if not isinstance(data, dict) or not isinstance(data.get("versions", {}), dict):
        raise LinespecError("not a linespec manifest (no versions object)", path=path)
    return data


def next_version(manifest: dict[str, Any]) -> str:
    numbers = [
        int(match.group(1))
        for key in manifest.get("versions", {})
        if (match := _AUTO_VERSION.fullmatch(key))
    ]
    return f"v{max(numbers, default=0) + 1}"


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    ordered: dict[str, Any] = {}
    if manifest.get("name"):
        ordered["name"] = manifest["name"]
    ordered["latest"] = manifest.get("latest", "")
    ordered["versions"] = {
        key: _version_entry(value) for key, value in sorted(manifest["versions"].items())
    }
    return (json.dumps(ordered, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _version_entry(entry: Any) -> Any:
    if not isinstance(entry, dict):
        return entry
    ordered = {k: entry[k] for k in ("created_at", "root_hash") if k in entry}
    layers = entry.get("layers", {})
    ordered["layers"] = {name: _layer_entry(layer) for name, layer in sorted(layers.items())}
    ordered.update({k: v for k, v in entry.items() if k not in ordered})
    return ordered


def _layer_entry(layer: Any) -> Any:
    if not isinstance(layer, dict):
        return layer
    ordered = {k: layer[k] for k in ("sha256", "url") if k in layer}
    if layer.get("metadata"):
        ordered["metadata"] = dict(sorted(layer["metadata"].items()))
    ordered.update({k: v for k, v in layer.items() if k not in ordered})
    return ordered


@dataclass(frozen=True)
class Published:
    version: str
    root_hash: str
    manifest: Path
    artifacts: list[Path]
    records: int
    # References to shared repositories' records, which are cleared: they are not published.
    remote_links: int = 0


def publish(
    ws: Workspace,
    manifest_path: Path,
    *,
    name: str,
    version: str = "",
    layers: dict[str, Path] | None = None,
    now: dt.datetime | None = None,
) -> Published:
    """Write the layer artifacts and the new manifest version, all or nothing."""
    manifest = load_manifest(manifest_path)
    versions: dict[str, Any] = manifest.setdefault("versions", {})
    version = version or next_version(manifest)
    if version in versions:
        raise RefusedError(
            f'Version "{version}" already exists in manifest; published versions are immutable'
        )
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._+-]*", version):
        raise UsageError(
            f'version "{version}" must be letters, digits, ".", "_", "+" or "-" '
            "(it becomes part of file names)"
        )
    local = [r for r in ws.records if not r.remote]
    records = consumer_records(local)
    published = {r.id for r in records}
    remote = {r.id for r in ws.records if r.remote}
    remote_links = sum(
        target in remote
        for r in local
        if r.id in published
        for target in (r.supersedes_id, r.implements, *r.related)
    )
    artifacts = [provenance_artifact(records, version)]
    for layer in LAYER_ORDER[1:]:
        path = (layers or {}).get(layer)
        if path is not None:
            artifacts.append(path_artifact(layer, path, ws.root, version))
    hashes = {a.layer: a.sha256 for a in artifacts}
    root = root_hash(hashes)
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    versions[version] = {
        "created_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "root_hash": root,
        "layers": {
            a.layer: {
                "sha256": a.sha256,
                "url": "",
                "metadata": {**a.metadata, "artifact": a.file_name},
            }
            for a in artifacts
        },
    }
    manifest["latest"] = version
    if name:
        manifest["name"] = name
    directory = manifest_path.parent
    written = [directory / a.file_name for a in artifacts]
    with Transaction() as tx:
        for target, artifact in zip(written, artifacts, strict=True):
            tx.write(target, artifact.data)
        tx.write(manifest_path, manifest_bytes(manifest))
    return Published(version, root, manifest_path, written, len(records), remote_links)


def default_name(manifest_path: Path, config_source: Path | None, cwd: Path) -> str:
    """The manifest's name, else `service.name` of the config file, else CWD's name."""
    manifest = load_manifest(manifest_path)
    if isinstance(manifest.get("name"), str) and manifest["name"]:
        return str(manifest["name"])
    if config_source is not None and config_source.suffix in (".yml", ".yaml"):
        from linespec.core import yamlread

        try:
            data = yamlread.read_document(config_source).data
        except LinespecError:
            data = None
        service = data.get("service") if isinstance(data, dict) else None
        if isinstance(service, dict) and isinstance(service.get("name"), str) and service["name"]:
            return str(service["name"])
    return cwd.name
