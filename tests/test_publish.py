"""publish, clone and import: releases of records, verified before anything is written."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from tests.conftest import Repo, git

BRIEF = "prov-2026-0000b01f"
PLAN = "prov-2026-00000b1e"
IMPRINT = "prov-2026-00000111"
BUG = "prov-2026-00000b06"
OLD = "prov-2026-000000d1"
NEW = "prov-2026-000000d2"


def _history(repo: Repo) -> None:
    repo.record(BRIEF, type="brief", related=[IMPRINT])
    repo.record(PLAN, implements=BRIEF)
    repo.record(IMPRINT, type="imprint", implements=PLAN)
    repo.record(BUG, type="bug")
    repo.record(OLD, status="superseded", superseded_by=NEW)
    repo.record(NEW, supersedes=OLD, status="implemented", sealed_at_sha="abc123")
    repo.write("linespecs/login.yaml", "spec: login\n")
    repo.write("PROMPT.md", "Build it.\n")
    repo.commit_all()


def _publish(repo: Repo, *args: str) -> dict[str, Any]:
    result = repo.cli("provenance", "publish", "--name", "demo", *args)
    assert result.exit_code == 0, result.stdout + result.stderr
    return dict(json.loads((repo.path / "linespec.manifest.json").read_text()))


def _members(tar_path: Path) -> dict[str, bytes]:
    with tarfile.open(tar_path) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}  # type: ignore[union-attr]


def test_publish_writes_consumer_ready_records_and_a_verifiable_manifest(repo: Repo) -> None:
    _history(repo)
    result = repo.cli(
        "provenance", "publish", "--name", "demo", "--specs", "linespecs", "--prompt", "PROMPT.md"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(
        "  wrote linespec-provenance-v1.tar\n  wrote linespec-specs-v1.tar\n"
        "  wrote linespec-prompt-v1.md\n\n✓ Published v1 (root_hash: "
    )
    assert "2. Fill in the 'url' fields in linespec.manifest.json" in result.stdout

    manifest = json.loads((repo.path / "linespec.manifest.json").read_text())
    assert list(manifest) == ["name", "latest", "versions"]
    assert (manifest["name"], manifest["latest"]) == ("demo", "v1")
    entry = manifest["versions"]["v1"]
    layers = entry["layers"]
    assert sorted(layers) == ["prompt", "provenance", "specs"]
    hashes = {}
    for name, layer in layers.items():
        artifact = repo.path / layer["metadata"]["artifact"]
        assert layer["url"] == ""
        assert layer["sha256"] == hashlib.sha256(artifact.read_bytes()).hexdigest()
        hashes[name] = layer["sha256"]
    joined = hashes["provenance"] + hashes["specs"] + hashes["prompt"]
    assert entry["root_hash"] == hashlib.sha256(joined.encode()).hexdigest()

    records = _members(repo.path / "linespec-provenance-v1.tar")
    # Imprints and superseded records are left out; the superseding one stays.
    assert sorted(records) == sorted(f"{i}.yml" for i in (BRIEF, PLAN, BUG, NEW))
    bug = records[f"{BUG}.yml"].decode()
    assert "type: blueprint" in bug
    new = records[f"{NEW}.yml"].decode()
    assert "status: open" in new
    assert 'supersedes: ""' in new
    assert 'sealed_at_sha: ""' in new
    brief = records[f"{BRIEF}.yml"].decode()
    assert "related: []" in brief
    assert f"implements: {BRIEF}" in records[f"{PLAN}.yml"].decode()
    assert _members(repo.path / "linespec-specs-v1.tar") == {
        "linespecs/login.yaml": b"spec: login\n"
    }
    assert (repo.path / "linespec-prompt-v1.md").read_text() == "Build it.\n"


def test_references_to_shared_records_are_cleared_and_said_so(repo: Repo, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shared = "prov-2026-0000005a"
    (elsewhere / f"{shared}.yml").write_text(
        f"id: {shared}\ntitle: Shared brief\nstatus: open\ntype: brief\n"
    )
    repo.write(".linespec.yml", f"provenance:\n  shared_repos: [{elsewhere}]\n")
    repo.record(PLAN, implements=shared, related=[shared, BRIEF])
    repo.record(BRIEF, type="brief")
    repo.record(IMPRINT, type="imprint", implements=shared)  # not published: not counted
    repo.commit_all()
    result = repo.cli("provenance", "publish", "--name", "demo")
    assert result.exit_code == 0, result.stderr
    assert "note: 2 reference(s) to records of shared repositories were cleared" in result.stderr
    members = _members(repo.path / "linespec-provenance-v1.tar")
    assert sorted(members) == [f"{PLAN}.yml", f"{BRIEF}.yml"]
    plan = members[f"{PLAN}.yml"].decode()
    assert shared not in plan
    assert f"- {BRIEF}" in plan


def test_published_versions_are_immutable_and_auto_increment(repo: Repo) -> None:
    _history(repo)
    _publish(repo)
    assert _publish(repo)["latest"] == "v2"
    manifest = repo.path / "linespec.manifest.json"
    before = repo.snapshot()
    result = repo.cli("provenance", "publish", "--name", "demo", "--version", "v1")
    assert result.exit_code == 1
    assert 'Version "v1" already exists in manifest; published versions are immutable' in (
        result.stderr
    )
    assert repo.snapshot() == before
    assert sorted(json.loads(manifest.read_text())["versions"]) == ["v1", "v2"]


# --- clone and import from local manifests ----------------------------------------------


@pytest.fixture
def release(repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A manifest published from the repository, then the cwd moved to a fresh folder."""
    _history(repo)
    _publish(repo, "--specs", "linespecs", "--prompt", "PROMPT.md")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    return repo.path / "linespec.manifest.json"


def test_clone_from_a_local_manifest(repo: Repo, release: Path, tmp_path: Path) -> None:
    result = repo.cli("clone", f"{release}@v1")
    assert result.exit_code == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Fetching manifest from {release}@v1..."
    assert lines[1] == "✓ Fetched version v1 — all layers verified"
    assert "  ✓ extracted provenance layer" in lines
    assert lines[-1] == "✓ Project ready in demo"
    dest = tmp_path / "elsewhere" / "demo"
    assert (dest / ".git").is_dir()
    assert (dest / ".linespec.yml").read_text() == (
        f'provenance:\n  dir: provenance\n  manifest_url: "{release}"\n'
    )
    assert (dest / ".git" / "hooks" / "pre-commit").stat().st_mode & 0o111
    assert (dest / ".claude" / "skills" / "provenance" / "SKILL.md").is_file()
    assert (dest / "provenance" / f"{PLAN}.yml").is_file()
    assert (dest / "linespecs" / "login.yaml").read_text() == "spec: login\n"
    assert (dest / "PROMPT.md").read_text() == "Build it.\n"
    assert not [p for p in dest.parent.iterdir() if p.name.startswith(".")]


def test_clone_refuses_a_non_empty_destination(repo: Repo, release: Path, tmp_path: Path) -> None:
    dest = tmp_path / "elsewhere" / "taken"
    dest.mkdir()
    (dest / "mine.txt").write_text("keep")
    result = repo.cli("provenance", "clone", str(release), "--dir", "taken")
    assert result.exit_code == 1
    assert "not empty" in result.stderr
    assert "Fetched version" not in result.stdout  # refused before downloading anything
    assert [p.name for p in dest.iterdir()] == ["mine.txt"]


def test_version_precedence_and_unknown_versions(repo: Repo, release: Path) -> None:
    missing = repo.cli("provenance", "clone", f"{release}@v9", "--dir", "x")
    assert missing.exit_code == 2
    assert 'version "v9" not found in manifest' in missing.stderr
    explicit = repo.cli("provenance", "clone", f"{release}@v9", "--version", "v1", "--dir", "x")
    assert explicit.exit_code == 0, explicit.stderr


def test_import_adds_records_and_runs_lint(
    repo: Repo, release: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = release.parent.parent / "target"
    target.mkdir()
    git(target, "init", "-q")
    monkeypatch.chdir(target)
    result = repo.cli("provenance", "import", str(release))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.startswith("✓ Imported 4 record(s) into provenance\n")
    assert "Running provenance lint..." in result.stdout
    assert (target / "provenance" / f"{BRIEF}.yml").is_file()


def test_import_refuses_ids_that_exist_and_writes_nothing(
    repo: Repo, release: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Importing into the repository that published: every ID clashes.
    monkeypatch.chdir(repo.path)
    before = repo.snapshot()
    result = repo.cli("import", str(release))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Import aborted — the following record IDs already exist locally (resolve manually):\n"
    )
    assert f"  · {BRIEF}\n" in result.stderr
    assert repo.snapshot() == before


# --- the network, and hostile releases --------------------------------------------------


class _Handler(SimpleHTTPRequestHandler):
    seen_auth: ClassVar[list[str]] = []
    release_hang = threading.Event()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.seen_auth.append(self.headers.get("Authorization", ""))
        path = self.path.split("?")[0]
        if path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
            return
        if path == "/hang":
            self.release_hang.wait(10)
            return
        if path == "/to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        super().do_GET()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "www"
    root.mkdir()
    _Handler.seen_auth.clear()
    _Handler.release_hang.clear()

    def handler(*args: Any, **kwargs: Any) -> _Handler:
        return _Handler(*args, directory=str(root), **kwargs)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    finally:
        _Handler.release_hang.set()
        httpd.shutdown()
        httpd.server_close()


def _tar(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _record(record_id: str) -> bytes:
    return (
        f'id: {record_id}\ntitle: Imported\nstatus: open\ncreated_at: "2026-03-15"\n'
        f"author: a@example.com\nintent: Imported decision.\nconstraints:\n  - x\n"
        f"type: brief\n"
    ).encode()


def _serve_release(
    root: Path, layer: bytes, url: str, *, root_hash: str | None = None, sha: str | None = None
) -> None:
    digest = sha or hashlib.sha256(layer).hexdigest()
    (root / "layer.tar").write_bytes(layer)
    manifest = {
        "name": "remote",
        "latest": "v1",
        "versions": {
            "v1": {
                "created_at": "2026-05-15T12:00:00Z",
                "root_hash": root_hash or hashlib.sha256(digest.encode()).hexdigest(),
                "layers": {"provenance": {"sha256": digest, "url": url}},
            }
        },
    }
    (root / "linespec.manifest.json").write_text(json.dumps(manifest))


def test_import_over_http(repo: Repo, server: tuple[str, Path]) -> None:
    base, root = server
    _serve_release(root, _tar({f"{BRIEF}.yml": _record(BRIEF)}), "layer.tar")
    result = repo.cli("provenance", "import", f"{base}/linespec.manifest.json")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert (repo.provenance / f"{BRIEF}.yml").read_bytes() == _record(BRIEF)


def test_clone_over_http_with_credentials_never_shows_them(
    repo: Repo, server: tuple[str, Path], tmp_path: Path
) -> None:
    base, root = server
    _serve_release(root, _tar({f"{BRIEF}.yml": _record(BRIEF)}), f"{base}/layer.tar")
    secret_url = base.replace("http://", "http://deploy:s3cr3t@") + "/linespec.manifest.json"
    result = repo.cli("provenance", "clone", secret_url, "--dir", "got")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "s3cr3t" not in result.stdout + result.stderr
    assert "http://***@127.0.0.1" in result.stdout
    config = (repo.path / "got" / ".linespec.yml").read_text()
    assert "s3cr3t" not in config and "deploy" not in config
    expected = "Basic " + base64.b64encode(b"deploy:s3cr3t").decode()
    # Sent to the manifest's host, and not carried along to the layer URL's request.
    assert _Handler.seen_auth == [expected, ""]


HOSTILE_LAYERS = {
    "dot-dot": {"../escape.yml": b"x"},
    "absolute": {"/tmp/escape.yml": b"x"},
    "nested": {f"sub/{BRIEF}.yml": _record(BRIEF)},
    "not a record": {"notes.txt": b"x"},
}


@pytest.mark.parametrize("case", sorted(HOSTILE_LAYERS))
def test_hostile_layers_are_refused_before_writing(
    repo: Repo, server: tuple[str, Path], case: str
) -> None:
    base, root = server
    _serve_release(root, _tar(HOSTILE_LAYERS[case]), "layer.tar")
    repo.record("prov-2026-00000001")
    before = repo.snapshot()
    result = repo.cli("provenance", "import", f"{base}/linespec.manifest.json")
    assert result.exit_code == 1, result.stdout + result.stderr
    assert repo.snapshot() == before
    assert not (repo.path.parent / "escape.yml").exists()


def test_wrong_root_hash_aborts_before_downloading(repo: Repo, server: tuple[str, Path]) -> None:
    base, root = server
    _serve_release(root, _tar({f"{BRIEF}.yml": _record(BRIEF)}), "layer.tar", root_hash="0" * 64)
    result = repo.cli("provenance", "import", f"{base}/linespec.manifest.json")
    assert result.exit_code == 1
    assert "root_hash mismatch: manifest declares " + "0" * 64 in result.stderr
    assert not repo.provenance.exists()


def test_wrong_layer_hash_writes_nothing(repo: Repo, server: tuple[str, Path]) -> None:
    base, root = server
    layer = _tar({f"{BRIEF}.yml": _record(BRIEF)})
    _serve_release(root, layer, "layer.tar", sha="a" * 64)
    result = repo.cli("provenance", "clone", f"{base}/linespec.manifest.json", "--dir", "x")
    assert result.exit_code == 1
    assert f'layer "provenance" hash mismatch: declared {"a" * 64}, got ' in result.stderr
    assert not (repo.path / "x").exists()


def test_a_remote_manifest_cannot_point_at_local_files(
    repo: Repo, server: tuple[str, Path]
) -> None:
    base, root = server
    passwd = Path("/etc/passwd").read_bytes()
    _serve_release(root, passwd, "file:///etc/passwd")
    result = repo.cli("provenance", "import", f"{base}/linespec.manifest.json")
    assert result.exit_code == 1
    assert "not http or https" in result.stderr
    assert not repo.provenance.exists()


@pytest.mark.parametrize(
    ("path", "message"),
    [("/loop", "too many redirects"), ("/to-file", "refusing redirect")],
)
def test_redirects_are_bounded_and_stay_on_http(
    repo: Repo, server: tuple[str, Path], path: str, message: str
) -> None:
    base, _ = server
    started = time.monotonic()
    result = repo.cli("provenance", "import", f"{base}{path}")
    assert result.exit_code == 2
    assert message in result.stderr
    assert time.monotonic() - started < 5


def test_a_server_that_never_answers_times_out(
    repo: Repo, server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, _ = server
    monkeypatch.setenv("LINESPEC_HTTP_TIMEOUT", "0.5")
    started = time.monotonic()
    result = repo.cli("provenance", "import", f"{base}/hang")
    assert result.exit_code == 2
    assert "timed out after 0.5s" in result.stderr
    assert time.monotonic() - started < 3


def test_http_errors_name_the_status(repo: Repo, server: tuple[str, Path]) -> None:
    base, _ = server
    result = repo.cli("provenance", "import", f"{base}/missing.json")
    assert result.exit_code == 2
    assert f"HTTP 404 fetching {base}/missing.json" in result.stderr


def test_import_with_dangling_references_still_succeeds(
    repo: Repo, server: tuple[str, Path]
) -> None:
    base, root = server
    text = _record(PLAN).replace(
        b"type: brief\n", f"type: blueprint\nimplements: {BRIEF}\n".encode()
    )
    _serve_release(root, _tar({f"{PLAN}.yml": text}), "layer.tar")
    result = repo.cli("provenance", "import", f"{base}/linespec.manifest.json@v1")
    assert result.exit_code == 0
    assert "PROV022" in result.stdout
    assert result.stderr.endswith(
        "Lint reported issues (see above). Records were imported — "
        "resolve reference issues manually.\n"
    )
    assert (repo.provenance / f"{PLAN}.yml").read_bytes() == text


def test_large_downloads_and_unpacks_get_a_progress_bar() -> None:
    from rich.console import Console
    from rich.progress import Progress

    from linespec.cli import sharecmd

    progress = Progress(console=Console(file=io.StringIO(), force_terminal=True))
    download = sharecmd._download_bar(progress)
    assert download is not None
    small = download("prompt")
    assert small is not None
    small(10, 100)
    big = download("code")
    assert big is not None
    big(1024, 8 * 1024 * 1024)
    big(8 * 1024 * 1024, 8 * 1024 * 1024)
    unpack = sharecmd._extract_bar(progress)("code")
    assert unpack is not None
    unpack(1, 5000)
    unpack(5000, 5000)
    tasks = {task.description: task for task in progress.tasks}
    assert sorted(tasks) == ["downloading code", "unpacking code"]
    assert all(task.finished for task in tasks.values())
    assert sharecmd._download_bar(None) is None


def test_clone_refuses_a_layer_that_writes_into_git_and_leaves_nothing(
    repo: Repo, tmp_path: Path
) -> None:
    release = tmp_path / "release"
    release.mkdir()
    layers = {
        "provenance": _tar({f"{BRIEF}.yml": _record(BRIEF)}),
        "code": _tar({"src/app.py": b"print()\n", ".git/hooks/post-checkout": b"#!/bin/sh\n"}),
    }
    hashes = {}
    for name, data in layers.items():
        (release / f"linespec-{name}-v1.tar").write_bytes(data)
        hashes[name] = hashlib.sha256(data).hexdigest()
    manifest = {
        "latest": "v1",
        "versions": {
            "v1": {
                "root_hash": hashlib.sha256(
                    (hashes["provenance"] + hashes["code"]).encode()
                ).hexdigest(),
                "layers": {name: {"sha256": h, "url": ""} for name, h in hashes.items()},
            }
        },
    }
    (release / "linespec.manifest.json").write_text(json.dumps(manifest))
    before = sorted(p.name for p in repo.path.iterdir())
    result = repo.cli("provenance", "clone", str(release / "linespec.manifest.json"))
    assert result.exit_code == 1
    assert 'layer "code" entry ".git/hooks/post-checkout" is inside .git' in result.stderr
    assert sorted(p.name for p in repo.path.iterdir()) == before


def test_a_clone_that_fails_midway_leaves_no_directory(repo: Repo, tmp_path: Path) -> None:
    release = tmp_path / "release"
    release.mkdir()
    layer = _tar({f"{BRIEF}.yml": _record(BRIEF)})
    prompt = b"provenance:\n  dir: elsewhere\n"
    (release / "linespec-provenance-v1.tar").write_bytes(layer)
    (release / "p.md").write_bytes(prompt)
    hashes = [hashlib.sha256(data).hexdigest() for data in (layer, prompt)]
    manifest = {
        "latest": "v1",
        "versions": {
            "v1": {
                "root_hash": hashlib.sha256("".join(hashes).encode()).hexdigest(),
                "layers": {
                    "provenance": {"sha256": hashes[0], "url": ""},
                    # Unpacked last, onto the config clone has already written.
                    "prompt": {
                        "sha256": hashes[1],
                        "url": "p.md",
                        "metadata": {"format": "file", "path": ".linespec.yml"},
                    },
                },
            }
        },
    }
    (release / "linespec.manifest.json").write_text(json.dumps(manifest))
    before = sorted(p.name for p in repo.path.iterdir())
    result = repo.cli("provenance", "clone", str(release / "linespec.manifest.json"))
    assert result.exit_code == 1
    assert "would replace .linespec.yml" in result.stderr
    assert sorted(p.name for p in repo.path.iterdir()) == before
