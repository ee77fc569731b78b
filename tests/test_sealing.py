"""complete, compile, lock-layer, add-scope and verify: sealing that never half-happens."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from linespec.core.canonical import content_hash
from linespec.core.store import load_file
from tests.conftest import Repo

REC = "prov-2026-0000aaaa"
OTHER = "prov-2026-0000bbbb"
SPEC = [{"path": "tests/test_a.py", "run_command": "test -f {{path}}"}]


@pytest.fixture
def ready(repo: Repo) -> Repo:
    repo.write("src/a.py", "a\n")
    repo.write("tests/test_a.py", "ok\n")
    repo.record(REC, affected_scope=["src/a.py"], associated_specs=SPEC)
    repo.commit_all("initial")
    return repo


def manifest(repo: Repo) -> dict[str, str]:
    path = repo.path / ".linespec" / "hash_manifest.json"
    if not path.exists():
        return {}
    return {e["id"]: e["hash"] for e in map(json.loads, path.read_text().splitlines())}


def test_complete_seals_and_lint_guards_the_seal(ready: Repo) -> None:
    head = ready.git("rev-parse", "HEAD").strip()
    result = ready.cli("provenance", "complete", "--record", REC)
    assert result.exit_code == 0, result.stderr
    assert f"✓ {REC} marked as implemented" in result.stdout
    path = ready.provenance / f"{REC}.yml"
    record = load_file(path)
    assert (record.status, record.sealed_at_sha) == ("implemented", head)
    assert manifest(ready) == {REC: content_hash(record)}
    assert ready.cli("provenance", "lint").exit_code == 0
    assert ready.cli("provenance", "verify").exit_code == 0
    path.write_text(path.read_text().replace("Keep the service fast.", "Edited later."))
    lint = json.loads(ready.cli("provenance", "lint", "--format", "json").stdout)
    assert [i["rule"] for i in lint["issues"]] == ["PROV-IMM"]
    assert ready.cli("provenance", "verify").exit_code == 1
    assert ready.cli("provenance", "deprecate", "--record", REC).exit_code == 0
    assert ready.cli("provenance", "lint").exit_code == 0


def test_complete_refusals(ready: Repo) -> None:
    assert ready.cli("provenance", "complete", "--record", REC).exit_code == 0
    again = ready.cli("provenance", "complete", "--record", REC)
    assert (again.exit_code, again.stderr) == (1, f"error: Record {REC} is already implemented\n")
    ready.record(OTHER, associated_specs=[{"path": "tests/missing.py"}])
    before = ready.snapshot()
    missing = ready.cli("provenance", "complete", "--record", OTHER)
    assert missing.exit_code == 1
    assert "tests/missing.py" in missing.stderr
    assert ready.snapshot() == before


def test_validation_failure_rolls_back_record_and_manifest(ready: Repo) -> None:
    assert ready.cli("provenance", "complete", "--record", REC).exit_code == 0
    ready.record(OTHER, intent='""', associated_specs=SPEC)
    before = ready.snapshot()
    result = ready.cli("provenance", "complete", "--record", OTHER, "--force")
    assert result.exit_code == 1
    assert "does not pass validation" in result.stderr
    assert "intent: Missing required field: intent" in result.stderr
    assert ready.snapshot() == before


def test_no_head_is_a_clear_refusal(repo: Repo) -> None:
    repo.record(REC)
    result = repo.cli("provenance", "complete", "--record", REC, "--force")
    assert result.exit_code == 1
    assert "Failed to get HEAD SHA" in result.stderr
    assert not (repo.path / ".linespec" / "hash_manifest.json").exists()


@pytest.mark.parametrize(
    "content", ['{"id": "x", "ha', "not json\n", '{"id":"a","hash":"1"}\n{"id":"a","hash":"2"}\n']
)
def test_a_bad_manifest_stops_complete_and_compile_rebuilds_it(ready: Repo, content: str) -> None:
    path = ready.path / ".linespec" / "hash_manifest.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(content)
    before = ready.snapshot()
    result = ready.cli("provenance", "complete", "--record", REC)
    assert result.exit_code == 2
    assert "hash_manifest.json" in result.stderr and "compile" in result.stderr
    assert ready.snapshot() == before
    compiled = ready.cli("provenance", "compile")
    assert compiled.exit_code == 0
    assert "rebuilding it" in compiled.stderr
    assert manifest(ready) == {}


def test_manifest_that_is_a_directory(ready: Repo) -> None:
    (ready.path / ".linespec" / "hash_manifest.json").mkdir(parents=True)
    result = ready.cli("provenance", "complete", "--record", REC)
    assert result.exit_code == 2
    assert "is a directory" in result.stderr


def test_compile_merges_and_writes_only_when_something_changed(ready: Repo) -> None:
    ready.record(OTHER, status="implemented", associated_specs=SPEC)
    path = ready.path / ".linespec" / "hash_manifest.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        json.dumps({"id": "prov-2026-00000ccc", "hash": "kept"})
        + "\n"
        + json.dumps({"id": REC, "hash": "open records lose their entry"})
        + "\n"
    )
    first = ready.cli("provenance", "compile")
    assert "Hash manifest compiled (2 records)" in first.stdout
    expected = {
        "prov-2026-00000ccc": "kept",
        OTHER: content_hash(load_file(ready.provenance / f"{OTHER}.yml")),
    }
    assert manifest(ready) == expected
    stamp = path.stat().st_mtime_ns
    second = ready.cli("provenance", "compile")
    assert "Hash manifest is up to date" in second.stdout
    assert path.stat().st_mtime_ns == stamp


def test_legacy_manifest_is_rewritten_in_the_current_format(ready: Repo) -> None:
    ready.record(OTHER, status="implemented", associated_specs=SPEC)
    digest = content_hash(load_file(ready.provenance / f"{OTHER}.yml"))
    path = ready.path / ".linespec" / "hash_manifest.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({"records": {OTHER: digest}, "full_graph_hash": "x"}, indent=2))
    assert ready.cli("provenance", "lint").exit_code == 0
    ready.cli("provenance", "compile")
    assert (
        path.read_text() == json.dumps({"id": OTHER, "hash": digest}, separators=(",", ":")) + "\n"
    )


def test_lock_layer(ready: Repo) -> None:
    before = ready.snapshot()
    refused = ready.cli("provenance", "lock-layer", "--title", "Core", "--no-edit")
    assert refused.exit_code == 2
    assert ready.snapshot() == before
    result = ready.cli(
        "provenance",
        "lock-layer",
        "--title",
        "Core",
        "--intent",
        "Frozen API",
        "--scope",
        "src/a.py",
        "--no-edit",
    )
    assert result.exit_code == 0, result.stderr
    created = Path(result.stdout.split("Created locked layer ")[1].split()[0])
    layer = load_file(created)
    assert (layer.status, layer.locked, layer.affected_scope) == ("implemented", True, ["src/a.py"])
    assert manifest(ready)[layer.id] == content_hash(layer)
    lint = json.loads(ready.cli("provenance", "lint", "--format", "json").stdout)
    assert {(i["record_id"], i["rule"]) for i in lint["issues"] if i["severity"] == "error"} == {
        (REC, "PROV015")
    }


def test_add_scope(ready: Repo) -> None:
    refused = ready.cli("provenance", "add-scope", "--record", REC)
    assert refused.exit_code == 1 and "no newly committed files" in refused.stderr
    ready.write("src/b.py", "b\n")
    ready.git("add", "-A")
    ready.git("commit", "-q", "--no-verify", "-m", f"more [{REC}]")
    dry = ready.cli("provenance", "add-scope", "--record", REC, "--dry-run")
    assert "src/b.py" in dry.stdout
    assert load_file(ready.provenance / f"{REC}.yml").affected_scope == ["src/a.py"]
    assert ready.cli("provenance", "add-scope", "--record", REC).exit_code == 0
    assert load_file(ready.provenance / f"{REC}.yml").affected_scope == ["src/a.py", "src/b.py"]
    ready.record(OTHER)
    observed = ready.cli("provenance", "add-scope", "--record", OTHER)
    assert observed.exit_code == 1 and "not yet in allowlist mode" in observed.stderr


def test_verify_formats(ready: Repo) -> None:
    ready.cli("provenance", "complete", "--record", REC)
    path = ready.provenance / f"{REC}.yml"
    path.write_text(path.read_text().replace("Keep the service fast.", "Changed."))
    as_json = json.loads(ready.cli("provenance", "verify", "--format", "json").stdout)
    assert [m["id"] for m in as_json["mismatches"]] == [REC]
    sarif = json.loads(ready.cli("provenance", "verify", "--format", "sarif").stdout)
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["PROV-IMM"]


def test_concurrent_completes_keep_both_entries(ready: Repo) -> None:
    ready.record(OTHER, affected_scope=["src/a.py"], associated_specs=SPEC)
    ready.commit_all("second")
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "linespec", "provenance", "complete", "--record", r],
            cwd=ready.path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for r in (REC, OTHER)
    ]
    for proc in procs:
        assert proc.wait(timeout=60) == 0, proc.stderr.read() if proc.stderr else ""
    assert set(manifest(ready)) == {REC, OTHER}


def test_killed_mid_complete_leaves_whole_files(ready: Repo) -> None:
    ready.write(".linespec.yml", "provenance:\n  run_associated_specs_on_complete: true\n")
    spec = [{"path": "tests/test_a.py", "run_command": "sleep 0.3; test -f {{path}}"}]
    ready.record(REC, affected_scope=["src/a.py"], associated_specs=spec)
    ready.commit_all("slow spec")
    originals = {p: p.read_bytes() for p in (ready.provenance / f"{REC}.yml",)}
    rng = random.Random(7)
    for _ in range(4):
        proc = subprocess.Popen(
            [sys.executable, "-m", "linespec", "provenance", "complete", "--record", REC],
            cwd=ready.path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(rng.uniform(0.05, 0.6))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        text = (ready.provenance / f"{REC}.yml").read_bytes()
        assert text == originals[ready.provenance / f"{REC}.yml"] or b"status: implemented" in text
        assert not list(ready.provenance.glob(".*.tmp"))
        assert ready.cli("provenance", "lint", "--format", "json").exit_code in (0, 1)
        ready.git("checkout", "-q", "--", ".")
        (ready.path / ".linespec" / "hash_manifest.json").unlink(missing_ok=True)


def _teeth_repo(repo: Repo, mode: str) -> None:
    repo.write(
        ".linespec.yml",
        "provenance:\n  run_associated_specs_on_complete: true\n"
        f"  overlap_specs_on_complete: {mode}\n",
    )
    repo.write("src/a.py", "a\n")
    repo.write("tests/test_a.py", "ok\n")
    repo.write("tests/check_sealed.sh", "#!/bin/sh\ngrep -q original src/a.py\n")
    sealed_spec = [{"path": "tests/check_sealed.sh", "run_command": "sh {{path}}"}]
    repo.record(
        OTHER,
        status="implemented",
        sealed_at_sha="a" * 40,
        affected_scope=["src/a.py"],
        associated_specs=sealed_spec,
    )
    repo.record(REC, affected_scope=["src/a.py"], associated_specs=SPEC)
    repo.commit_all("initial")
    (repo.path / "src/a.py").write_text("changed\n")
    repo.git("commit", "-q", "--no-verify", "-am", f"Change [{REC}]")


def test_own_spec_failure_rolls_back(ready: Repo) -> None:
    ready.write(".linespec.yml", "provenance:\n  run_associated_specs_on_complete: true\n")
    ready.record(
        REC,
        affected_scope=["src/a.py"],
        associated_specs=[{"path": "tests/test_a.py", "run_command": "false"}],
    )
    ready.commit_all("failing spec")
    before = ready.snapshot()
    result = ready.cli("provenance", "complete", "--record", REC)
    assert result.exit_code == 1
    assert "one or more of its own associated specs failed" in result.stderr
    assert ready.snapshot() == before
    forced = ready.cli("provenance", "complete", "--record", REC, "--force")
    assert forced.exit_code == 0, forced.stderr


@pytest.mark.parametrize(("mode", "code"), [("block", 1), ("warn", 0), ("off", 0)])
def test_overlap_teeth(repo: Repo, mode: str, code: int) -> None:
    _teeth_repo(repo, mode)
    before = repo.snapshot()
    result = repo.cli("provenance", "complete", "--record", REC)
    assert result.exit_code == code, result.stderr
    if mode == "block":
        assert "whose specs now fail" in result.stderr
        assert repo.snapshot() == before
    elif mode == "warn":
        assert "specs of sealed record(s) you touched failed" in result.stdout
        assert f"{OTHER} —" in result.stdout
    else:
        assert "Verifying sealed record" not in result.stdout


def test_remembered_hashes_never_hide_an_edit(ready: Repo) -> None:
    assert ready.cli("provenance", "complete", "--record", REC).exit_code == 0
    assert ready.cli("provenance", "verify").exit_code == 0
    assert (ready.path / ".linespec" / "hash-memo.marshal").exists()
    path = ready.provenance / f"{REC}.yml"
    path.write_text(path.read_text().replace("Keep the service fast.", "Keep it fast!!"))
    assert ready.cli("provenance", "verify").exit_code == 1
    assert ready.cli("provenance", "lint").exit_code == 1


def test_unwritable_state_dir_changes_nothing(ready: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    (ready.path / ".linespec").mkdir()
    before = ready.snapshot()

    def refuse(*args: object, **kwargs: object) -> None:
        # root ignores permission bits; fail the rename the way a read-only directory would.
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("linespec.core.files.os.replace", refuse)
    result = ready.cli("provenance", "complete", "--record", REC)
    assert result.exit_code == 2
    assert "Permission denied" in result.stderr
    assert ready.snapshot() == before


def test_killed_mid_compile_leaves_a_whole_manifest(ready: Repo) -> None:
    for index in range(200):
        ready.record(f"prov-2026-{index:08x}", status="implemented", associated_specs=SPEC)
    rng = random.Random(11)
    manifest_file = ready.path / ".linespec" / "hash_manifest.json"
    for _ in range(4):
        manifest_file.unlink(missing_ok=True)
        proc = subprocess.Popen(
            [sys.executable, "-m", "linespec", "provenance", "compile"],
            cwd=ready.path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.1, 0.8))
        proc.kill()
        proc.wait()
        if manifest_file.exists():
            lines = manifest_file.read_text().splitlines()
            assert len(lines) == 200 and all(json.loads(line)["hash"] for line in lines)
        assert ready.cli("provenance", "lint", "--format", "json").exit_code in (0, 1)
