"""Fetching published manifests and their layers: local paths and HTTP(S) only.

Everything fetched is untrusted. Requests time out (`LINESPEC_HTTP_TIMEOUT` seconds,
default 30, for each network wait and, times four, for a whole download), follow at most
five redirects and only to http/https, never downgrade https to http, and refuse bodies
larger than a fixed cap. A user name or password in a URL is sent as a Basic
Authorization header that is dropped on redirects, and is never shown: every URL that
reaches a message goes through :func:`redact`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from linespec.errors import LinespecError, RefusedError

TIMEOUT_ENV = "LINESPEC_HTTP_TIMEOUT"
DEFAULT_TIMEOUT = 30.0
MAX_REDIRECTS = 5
MAX_MANIFEST_BYTES = 10 * 1024 * 1024
MAX_LAYER_BYTES = 2 * 1024 * 1024 * 1024
LAYER_ORDER = ("provenance", "specs", "code", "prompt")
_CHUNK = 1024 * 1024
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/@\s'\"]+@")

# (bytes so far, total bytes or None when unknown)
Progress = Callable[[int, int | None], None]


class FetchError(LinespecError):
    """A manifest or layer could not be fetched (network, missing file, bad JSON)."""


class VerificationError(RefusedError):
    """Fetched content that does not match what the manifest declares."""


def redact(text: str) -> str:
    """TEXT with the user-info part of every URL in it replaced by `***`."""
    return _USERINFO.sub(r"\1***@", text)


def timeout_seconds() -> float:
    raw = os.environ.get(TIMEOUT_ENV, "")
    try:
        value = float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        raise FetchError(f"{TIMEOUT_ENV} must be a number of seconds, not {raw!r}") from None
    return value if value > 0 else DEFAULT_TIMEOUT


def is_http(location: str) -> bool:
    return urllib.parse.urlsplit(location).scheme.lower() in ("http", "https")


def split_version(location: str) -> tuple[str, str]:
    """`URL@v2` → (`URL`, `v2`): the last `@` counts only when no `/` follows it."""
    at = location.rfind("@")
    if at <= 0 or "/" in location[at + 1 :]:
        return location, ""
    return location[:at], location[at + 1 :]


# --- HTTP -------------------------------------------------------------------------------


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS
    max_repeats = 1

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        old = urllib.parse.urlsplit(req.full_url).scheme.lower()
        new = urllib.parse.urlsplit(newurl).scheme.lower()
        if new not in ("http", "https"):
            raise FetchError(f"refusing redirect from {redact(req.full_url)} to a {new}: URL")
        if old == "https" and new == "http":
            raise FetchError(f"refusing redirect from https to http ({redact(newurl)})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener() -> urllib.request.OpenerDirector:
    # Only the handlers we want: no file:, ftp: or data: handler, so a URL or a redirect
    # naming one of those schemes cannot be opened.
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        _Redirects(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _request(url: str) -> urllib.request.Request:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(f"unsupported URL scheme in {redact(url)}: use http, https or a path")
    user, password = parts.username, parts.password
    request = urllib.request.Request(strip_credentials(url), headers={"User-Agent": "linespec"})
    if user is not None:
        pair = f"{urllib.parse.unquote(user)}:{urllib.parse.unquote(password or '')}"
        token = base64.b64encode(pair.encode()).decode()
        # Unredirected: the credential goes to this host only, never to a redirect target.
        request.add_unredirected_header("Authorization", f"Basic {token}")
    return request


def _http_stream(url: str, sink: IO[bytes], limit: int, progress: Progress | None) -> None:
    timeout = timeout_seconds()
    deadline = time.monotonic() + 4 * timeout
    shown = redact(url)
    try:
        request = _request(url)
    except ValueError as exc:
        raise FetchError(f"invalid URL {shown}: {exc}") from None
    try:
        with _opener().open(request, timeout=timeout) as response:
            status = response.status
            if status != 200:
                raise FetchError(f"HTTP {status} fetching {shown}")
            declared = response.headers.get("Content-Length")
            total = int(declared) if declared and declared.isdigit() else None
            if total is not None and total > limit:
                raise VerificationError(f"{shown} is {total} bytes, over the {limit}-byte limit")
            done = 0
            while chunk := response.read(_CHUNK):
                done += len(chunk)
                if done > limit:
                    raise VerificationError(f"{shown} is over the {limit}-byte limit")
                if time.monotonic() > deadline:
                    raise FetchError(f"timed out after {4 * timeout:g}s downloading {shown}")
                sink.write(chunk)
                if progress is not None:
                    progress(done, total)
    except urllib.error.HTTPError as exc:
        if exc.code in (301, 302, 303, 307, 308):
            # urllib reports both a loop and a redirect to a scheme it cannot open as the
            # 3xx response itself.
            if "not allowed" in str(exc.msg):
                raise FetchError(f"refusing redirect from {shown} to a non-HTTP URL") from None
            raise FetchError(f"too many redirects fetching {shown}") from None
        raise FetchError(f"HTTP {exc.code} fetching {shown}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise FetchError(f"timed out after {timeout:g}s fetching {shown}") from None
        raise FetchError(f"cannot fetch {shown}: {redact(str(reason))}") from None
    except TimeoutError:
        raise FetchError(f"timed out after {timeout:g}s fetching {shown}") from None
    except (OSError, ValueError) as exc:
        raise FetchError(f"cannot fetch {shown}: {redact(str(exc))}") from None


# --- manifests --------------------------------------------------------------------------


@dataclass(frozen=True)
class Layer:
    name: str
    sha256: str
    url: str
    metadata: dict[str, str]


@dataclass(frozen=True)
class Release:
    """One version of a fetched manifest, its root hash already verified."""

    location: str
    version: str
    name: str
    root_hash: str
    layers: tuple[Layer, ...]

    def layer(self, name: str) -> Layer | None:
        return next((layer for layer in self.layers if layer.name == name), None)


def read_manifest(location: str) -> dict[str, Any]:
    """The manifest document at LOCATION (an http(s) URL or a local path)."""
    if is_http(location):
        with tempfile.SpooledTemporaryFile(max_size=MAX_MANIFEST_BYTES) as buffer:
            _http_stream(location, buffer, MAX_MANIFEST_BYTES, None)
            buffer.seek(0)
            raw = buffer.read()
    else:
        path = _local_path(location)
        try:
            if path.stat().st_size > MAX_MANIFEST_BYTES:
                raise VerificationError(f"{path} is over the {MAX_MANIFEST_BYTES}-byte limit")
            raw = path.read_bytes()
        except OSError as exc:
            raise FetchError(f"cannot read manifest {path}: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FetchError(f"{redact(location)} is not a JSON manifest: {exc}") from None
    if not isinstance(data, dict):
        raise FetchError(f"{redact(location)} is not a JSON manifest object")
    return data


def _local_path(location: str) -> Path:
    parts = urllib.parse.urlsplit(location)
    if parts.scheme.lower() == "file":
        return Path(urllib.parse.unquote(parts.path))
    if len(parts.scheme) > 1:
        raise FetchError(f"unsupported URL scheme in {redact(location)}: use http, https or a path")
    return Path(location)


def root_hash(layer_hashes: dict[str, str]) -> str:
    joined = "".join(layer_hashes[name] for name in LAYER_ORDER if name in layer_hashes)
    return hashlib.sha256(joined.encode()).hexdigest()


def resolve(location: str, version: str = "") -> Release:
    """Fetch the manifest at LOCATION[@version] and verify its root hash; nothing is written.

    An explicit VERSION wins over an `@version` suffix, which wins over `latest`.
    """
    base, suffix = split_version(location)
    data = read_manifest(base)
    versions = data.get("versions")
    if not isinstance(versions, dict) or not versions:
        raise FetchError("manifest has no versions")
    chosen = version or suffix or str(data.get("latest") or "")
    entry = versions.get(chosen)
    if not chosen or not isinstance(entry, dict):
        raise FetchError(f'version "{chosen}" not found in manifest')
    raw_layers = entry.get("layers")
    if not isinstance(raw_layers, dict):
        raise FetchError(f'version "{chosen}" has no layers')
    layers: list[Layer] = []
    for name in LAYER_ORDER:
        raw = raw_layers.get(name)
        if raw is None:
            continue
        if not isinstance(raw, dict) or not isinstance(raw.get("sha256"), str):
            raise FetchError(f'layer "{name}" of version "{chosen}" has no sha256')
        metadata = raw.get("metadata") or {}
        if not isinstance(metadata, dict):
            metadata = {}
        layers.append(
            Layer(
                name,
                raw["sha256"].lower(),
                str(raw.get("url") or ""),
                {str(k): str(v) for k, v in metadata.items()},
            )
        )
    unknown = sorted(set(raw_layers) - set(LAYER_ORDER))
    if unknown:
        raise FetchError(f'version "{chosen}" has unknown layer(s): {", ".join(unknown)}')
    declared = str(entry.get("root_hash") or "").lower()
    computed = root_hash({layer.name: layer.sha256 for layer in layers})
    if declared != computed:
        raise VerificationError(
            f"root_hash mismatch: manifest declares {declared}, computed {computed} — aborting"
        )
    title = data.get("name")
    return Release(base, chosen, title if isinstance(title, str) else "", declared, tuple(layers))


def layer_source(release: Release, layer: Layer) -> str:
    """Where LAYER's artifact is: its URL, or beside a local manifest when it has none."""
    remote = is_http(release.location)
    url = layer.url
    if not url:
        if remote:
            raise FetchError(f'layer "{layer.name}" has no URL')
        artifact = layer.metadata.get("artifact") or f"linespec-{layer.name}-{release.version}.tar"
        if Path(artifact).name != artifact:
            raise VerificationError(f'layer "{layer.name}" names an artifact outside the manifest')
        return str(_local_path(release.location).parent / artifact)
    if remote:
        url = urllib.parse.urljoin(release.location, url)
        if not is_http(url):
            # A manifest on a server must not read files of the machine fetching it.
            raise VerificationError(
                f'layer "{layer.name}" URL {redact(url)} is not http or https; '
                "a manifest fetched over HTTP may only point at HTTP(S) layers"
            )
        return url
    if is_http(url):
        return url
    path = _local_path(url)
    if not path.is_absolute():
        path = _local_path(release.location).parent / path
    return str(path)


def download(release: Release, layer: Layer, into: Path, progress: Progress | None = None) -> Path:
    """LAYER's artifact copied into the directory INTO and checked against its hash."""
    source = layer_source(release, layer)
    target = into / f"{layer.name}.artifact"
    digest = hashlib.sha256()

    class _Hashing:
        def __init__(self, handle: IO[bytes]) -> None:
            self.handle = handle

        def write(self, data: bytes) -> int:
            digest.update(data)
            return self.handle.write(data)

    with target.open("wb") as handle:
        sink: Any = _Hashing(handle)
        if is_http(source):
            _http_stream(source, sink, MAX_LAYER_BYTES, progress)
        else:
            _copy_local(Path(source), sink, layer.name, progress)
    got = digest.hexdigest()
    if got != layer.sha256:
        raise VerificationError(
            f'layer "{layer.name}" hash mismatch: declared {layer.sha256}, got {got}'
        )
    return target


def _copy_local(path: Path, sink: Any, name: str, progress: Progress | None) -> None:
    try:
        with path.open("rb") as handle:
            total = os.fstat(handle.fileno()).st_size
            if total > MAX_LAYER_BYTES:
                raise VerificationError(f"{path} is over the {MAX_LAYER_BYTES}-byte limit")
            done = 0
            while chunk := handle.read(_CHUNK):
                done += len(chunk)
                sink.write(chunk)
                if progress is not None:
                    progress(done, total)
    except OSError as exc:
        raise FetchError(f'cannot read layer "{name}" from {path}: {exc.strerror or exc}') from None


# --- using a release: clone and import --------------------------------------------------

_SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")


class ImportConflict(RefusedError):
    """Records of the release whose IDs the repository already has."""

    def __init__(self, ids: list[str]) -> None:
        super().__init__(
            "Import aborted — the following record IDs already exist locally (resolve manually)"
        )
        self.ids = ids


def strip_credentials(url: str) -> str:
    """URL without its user-info part: what may be stored in a config file."""
    parts = urllib.parse.urlsplit(url)
    if not parts.scheme or "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def destination_name(release: Release) -> str:
    """The directory `clone` creates when --dir is not given (always a plain name)."""
    stem = Path(urllib.parse.urlsplit(release.location).path).stem
    for candidate in (release.name, stem):
        if candidate and _SAFE_NAME.fullmatch(candidate):
            return candidate
    return "linespec-project"


def _layer_kind(release: Release, layer: Layer) -> str:
    declared = layer.metadata.get("format")
    if declared in ("tar", "file"):
        return declared
    source = urllib.parse.urlsplit(layer_source(release, layer)).path
    return "tar" if layer.name == "provenance" or source.endswith(".tar") else "file"


def _file_target(release: Release, layer: Layer) -> PurePosixPath:
    from linespec.core import tarsafe

    wanted = (
        layer.metadata.get("path")
        or Path(urllib.parse.urlsplit(layer_source(release, layer)).path).name
    )
    path = tarsafe.normalise(wanted)
    if path is None:
        raise VerificationError(f'layer "{layer.name}" names no file to write')
    return path


def _record_ids(entries: list[Any]) -> list[str]:
    """The record IDs of a provenance layer, whose entries must be flat record files."""
    from linespec.core.recordfiles import is_record_file

    ids = []
    for entry in entries:
        if entry.kind == "dir" and len(entry.path.parts) == 1:
            continue
        name = str(entry.path)
        if entry.kind != "file" or len(entry.path.parts) != 1 or not is_record_file(name):
            raise VerificationError(
                f'provenance layer entry "{name}" is not a record file (prov-*.yml at the top)'
            )
        ids.append(name.rsplit(".", 1)[0])
    return ids


def _refuse_git_dir(layer: Layer, paths: list[PurePosixPath]) -> None:
    # A layer that wrote .git/hooks/* or .git/config would run code on the next git command.
    for path in paths:
        if path.parts and path.parts[0].lower() == ".git":
            raise VerificationError(f'layer "{layer.name}" entry "{path}" is inside .git')


@dataclass
class Fetched:
    """A release whose layers are downloaded to a scratch directory and verified."""

    release: Release
    files: dict[str, Path]
    entries: dict[str, list[Any]]


def fetch_layers(
    release: Release,
    scratch: Path,
    names: tuple[str, ...] = LAYER_ORDER,
    progress: Callable[[str], Progress | None] | None = None,
) -> Fetched:
    """Download the layers NAMES, check their hashes and vet their archives; write nothing else."""
    from linespec.core import tarsafe

    fetched = Fetched(release, {}, {})
    for layer in release.layers:
        if layer.name not in names:
            continue
        path = download(release, layer, scratch, progress(layer.name) if progress else None)
        fetched.files[layer.name] = path
        if _layer_kind(release, layer) == "tar":
            entries = tarsafe.scan(path)
            fetched.entries[layer.name] = entries
            if layer.name == "provenance":
                _record_ids(entries)
            else:
                _refuse_git_dir(layer, [e.path for e in entries])
        else:
            _refuse_git_dir(layer, [_file_target(release, layer)])
    return fetched


@dataclass(frozen=True)
class Cloned:
    directory: Path
    layers: list[str]


def check_destination(dest: Path) -> None:
    """Refuse a clone destination that holds anything, before any download starts."""
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise RefusedError(f"{dest} already exists and is not empty; choose another --dir")


def clone(
    fetched: Fetched,
    dest: Path,
    *,
    manifest_url: str,
    progress: Callable[[str], Callable[[int, int], None] | None] | None = None,
) -> Cloned:
    """Create DEST as a new governed repository from FETCHED, all or nothing.

    Everything is assembled in a hidden directory beside DEST and renamed into place at
    the end, so a failure leaves no DEST behind (or leaves an empty DEST empty).
    """
    from linespec import git
    from linespec.core import agents, hooks, tarsafe
    from linespec.core.configfile import CONFIG_NAME
    from linespec.core.files import atomic_write, staging_dir

    check_destination(dest)
    staging = staging_dir(dest, "clone")
    done: list[str] = []
    try:
        git.init(staging)
        config = (
            "provenance:\n  dir: provenance\n"
            f"  manifest_url: {json.dumps(strip_credentials(manifest_url))}\n"
        )
        atomic_write(staging / CONFIG_NAME, config.encode("utf-8"))
        hooks.install(staging)
        agents.install_skills(staging)
        release = fetched.release
        for layer in release.layers:
            artifact = fetched.files.get(layer.name)
            if artifact is None:
                continue
            report = progress(layer.name) if progress else None
            if layer.name in fetched.entries:
                target = staging / "provenance" if layer.name == "provenance" else staging
                tarsafe.extract(
                    artifact, target, entries=fetched.entries[layer.name], progress=report
                )
            else:
                target = staging.joinpath(*_file_target(release, layer).parts)
                if os.path.lexists(target):
                    raise RefusedError(f'layer "{layer.name}" would replace {target.name}')
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(artifact, target)
            done.append(layer.name)
        if dest.exists():
            dest.rmdir()
        os.rename(staging, dest)
    except OSError as exc:
        raise FetchError(f"cannot create {dest}: {exc.strerror or exc}") from None
    finally:
        if staging.exists():
            import shutil

            shutil.rmtree(staging, ignore_errors=True)
    return Cloned(dest, done)


def import_records(
    fetched: Fetched,
    provenance_dir: Path,
    existing_ids: set[str],
    progress: Callable[[int, int], None] | None = None,
) -> list[str]:
    """Unpack FETCHED's provenance layer into PROVENANCE_DIR, refusing any ID clash."""
    from linespec.core import tarsafe
    from linespec.core.recordfiles import RECORD_SUFFIXES

    entries = fetched.entries.get("provenance")
    if entries is None:
        raise FetchError(f'version "{fetched.release.version}" has no provenance layer')
    ids = _record_ids(entries)
    clashes = sorted(
        record_id
        for record_id in ids
        if record_id in existing_ids
        or any(os.path.lexists(provenance_dir / f"{record_id}{ext}") for ext in RECORD_SUFFIXES)
    )
    if clashes:
        raise ImportConflict(clashes)
    tarsafe.extract(fetched.files["provenance"], provenance_dir, entries=entries, progress=progress)
    return ids
