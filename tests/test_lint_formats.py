"""lint's output formats: SARIF validated against the official schema, and snapshots."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from linespec.core.lint.catalogue import RULES, markdown_table
from tests.conftest import Repo, run_watching_imports
from tests.lintfixtures import TRIGGERS, baseline

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
SNAPSHOTS = Path(__file__).parent / "snapshots"
README = Path(__file__).parents[1] / "README.md"


def every_rule(repo: Repo) -> None:
    """One repository with at least one finding of every rule."""
    baseline(repo)
    for rule, (setup, *_) in TRIGGERS.items():
        if rule != "PROV011":
            setup(repo)
    # PROV011 needs enforcement none, so it lives under a second config (a monorepo).
    repo.write(
        "services/legacy/.linespec.yml", "provenance:\n  enforcement: none\n  dir: records\n"
    )
    repo.write(
        "services/legacy/records/prov-2026-0000c011.yml",
        (repo.provenance / "prov-2026-0000c010.yml")
        .read_text()
        .replace("prov-2026-0000c010", "prov-2026-0000c011"),
    )


def test_sarif_validates_and_covers_every_rule(repo: Repo) -> None:
    every_rule(repo)
    result = repo.cli("provenance", "lint", "--format", "sarif")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    jsonschema.Draft7Validator(json.loads(SCHEMA.read_text())).validate(document)
    run = document["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "linespec"
    assert driver["version"] and driver["informationUri"].startswith("https://")
    assert [r["id"] for r in driver["rules"]] == [r.code for r in RULES]
    results = run["results"]
    assert {r["ruleId"] for r in results} == {r.code for r in RULES}
    for r in results:
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["level"] in ("error", "warning", "note")
        location = r["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        uri = location["artifactLocation"]["uri"]
        assert not uri.startswith("/") and (repo.path / uri).exists()
        assert location["region"]["startLine"] >= 1
        assert r["partialFingerprints"]
    fingerprints = [next(iter(r["partialFingerprints"].values())) for r in results]
    assert len(set(fingerprints)) == len(fingerprints)
    hint = next(r for r in results if r["ruleId"] == "PROV011")
    assert hint["level"] == "note"
    assert all("sha-256" in a["hashes"] for a in run["artifacts"])


def _normalise(text: str, repo: Repo) -> str:
    return text.replace(str(repo.path), "<repo>")


@pytest.mark.parametrize(
    ("name", "args", "env"),
    [
        ("human.txt", ["--all"], {}),
        ("human-errors.txt", [], {}),
        ("json.json", ["--format", "json"], {}),
        ("sarif.json", ["--format", "sarif"], {}),
        ("github.txt", ["--format", "github"], {}),
        ("auto-under-actions.txt", [], {"GITHUB_ACTIONS": "true"}),
    ],
)
def test_format_snapshots(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, name: str, args: list[str], env: dict[str, str]
) -> None:
    baseline(repo)
    for rule in ("PROV002", "PROV009", "PROV012", "PROV013"):
        TRIGGERS[rule][0](repo)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = repo.cli("provenance", "lint", *args)
    assert result.exit_code == 1
    got = _normalise(result.stdout, repo)
    snapshot = SNAPSHOTS / name
    if os.environ.get("LINESPEC_UPDATE_SNAPSHOTS"):
        snapshot.parent.mkdir(exist_ok=True)
        snapshot.write_text(got)
    assert got == snapshot.read_text()


def test_readme_rule_table_is_current() -> None:
    text = README.read_text()
    start = text.index("<!-- rules:start -->\n") + len("<!-- rules:start -->\n")
    end = text.index("<!-- rules:end -->")
    assert text[start:end] == markdown_table(), (
        "README's rule table is stale: regenerate it from linespec.core.lint.catalogue"
    )


@pytest.mark.parametrize(
    "args",
    [
        ("--format", "json"),
        ("--format=sarif",),
        ("--format", "github"),
        ("--format", "human", "--all"),
        ("--warn",),
        ("--exit-zero", "--format", "json"),
        ("--strict-warnings", "--enforcement", "strict"),
        ("--record", "prov-2026-0000000a", "--info"),
        ("-c", "services/legacy/.linespec.yml", "--format", "json"),
    ],
)
def test_the_fast_path_and_the_typer_command_agree(
    repo: Repo,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
) -> None:
    from linespec.cli.lintrun import run as fast
    from linespec.cli.main import run as full

    every_rule(repo)
    monkeypatch.chdir(repo.path)
    argv = ["provenance", "lint", *args]
    capsys.readouterr()
    fast_code = fast(argv)
    fast_out = capsys.readouterr()
    full_code = full(argv)
    full_out = capsys.readouterr()
    assert fast_code is not None, "the fast path declined"
    assert (fast_code, fast_out.out, fast_out.err) == (full_code, full_out.out, full_out.err)


def test_lint_json_does_not_load_typer(repo: Repo) -> None:
    every_rule(repo)
    watch = ("typer", "rich", "click")
    code, out, _, loaded = run_watching_imports(
        repo.path, "provenance", "lint", "--format", "json", watch=watch
    )
    assert (code, loaded) == (1, [])
    assert json.loads(out)["errors"] > 0
