"""Configuration discovery, defaults and validation errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from linespec.core.config import load
from linespec.errors import ConfigError
from tests.conftest import Repo


def test_defaults_without_a_file(repo: Repo) -> None:
    config = load(repo.path)
    settings = config.settings
    assert config.source is None
    assert config.root == repo.path
    assert config.provenance_dir == repo.path / "provenance"
    assert settings.enforcement == "warn"
    assert settings.commit_tag_required is False
    assert settings.auto_affected_scope is True
    assert settings.overlap_specs_on_complete == "block"
    assert settings.write_restriction is True
    assert settings.cache_ttl_minutes == 60


def test_docs_defaults_apply_even_when_a_section_exists(repo: Repo) -> None:
    repo.write(
        ".linespec.yml", "provenance:\n  enforcement: strict\n  embedding:\n    provider: voyage\n"
    )
    settings = load(repo.path).settings
    assert settings.enforcement == "strict"
    assert settings.auto_affected_scope is True
    assert settings.embedding is not None
    assert settings.embedding.index_on_complete is True


def test_root_is_the_git_toplevel_from_a_subdirectory(repo: Repo) -> None:
    repo.write(".linespec.yml", "provenance:\n  dir: decisions\n")
    sub = repo.path / "src" / "deep"
    sub.mkdir(parents=True)
    config = load(sub)
    assert config.root == repo.path
    assert config.provenance_dir == repo.path / "decisions"


def test_wrong_type_names_file_line_and_key(repo: Repo) -> None:
    repo.write(
        ".linespec.yml",
        "# settings\nprovenance:\n  dir: provenance\n  commit_tag_required: maybe\n",
    )
    with pytest.raises(ConfigError) as caught:
        load(repo.path)
    error = caught.value
    assert error.path == repo.path / ".linespec.yml"
    assert error.line == 4
    assert "provenance.commit_tag_required" in error.message


@pytest.mark.parametrize(
    ("body", "key", "line"),
    [
        ("provenance:\n  enforcement: loud\n", "provenance.enforcement", 2),
        ("provenance:\n  cache_ttl_minutes: soon\n", "provenance.cache_ttl_minutes", 2),
        ("provenance:\n  exclude_paths: docs\n", "provenance.exclude_paths", 2),
        (
            "provenance:\n  shared_repos:\n    - name: a\n      color: red\n",
            "provenance.shared_repos",
            4,
        ),
    ],
)
def test_invalid_values_are_errors_not_defaults(repo: Repo, body: str, key: str, line: int) -> None:
    repo.write(".linespec.yml", body)
    result = repo.cli("provenance", "status")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: .linespec.yml:{line}:")
    assert key in result.stderr


def test_config_that_is_not_yaml(repo: Repo) -> None:
    repo.write(".linespec.yml", "provenance: [\n")
    result = repo.cli("provenance", "status")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: .linespec.yml:2:")


def test_unknown_keys_warn(repo: Repo) -> None:
    repo.write(".linespec.yml", "provenance:\n  enforcment: strict\n")
    result = repo.cli("provenance", "status")
    assert result.exit_code == 0
    assert "unknown setting provenance.enforcment" in result.stderr


def test_explicit_config_flag_and_dir_relative_to_it(repo: Repo) -> None:
    repo.write("pkg/.linespec.yml", "provenance:\n  dir: records\n")
    repo.record("prov-2026-00000001")
    target = repo.path / "pkg/records/prov-2026-00000001.yml"
    target.parent.mkdir(parents=True)
    (repo.provenance / "prov-2026-00000001.yml").rename(target)
    result = repo.cli("provenance", "status", "-c", "pkg/.linespec.yml", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "prov-2026-00000001" in result.stdout
    missing = repo.cli("provenance", "status", "-c", "nope.yml")
    assert missing.exit_code == 2
    assert "config file not found" in missing.stderr


def test_pyproject_table_when_no_linespec_yml(repo: Repo) -> None:
    repo.write(
        "pyproject.toml", '[tool.linespec.provenance]\nenforcement = "strict"\ndir = "adr"\n'
    )
    config = load(repo.path)
    assert config.source == repo.path / "pyproject.toml"
    assert config.settings.enforcement == "strict"
    assert config.provenance_dir == repo.path / "adr"
    repo.write(".linespec.yml", "provenance:\n  enforcement: none\n")
    assert load(repo.path).settings.enforcement == "none"


def test_pyproject_wrong_type(repo: Repo) -> None:
    repo.write("pyproject.toml", "[tool.linespec.provenance]\ncommit_tag_required = [1]\n")
    result = repo.cli("provenance", "status")
    assert result.exit_code == 2
    assert "pyproject.toml" in result.stderr
    assert "provenance.commit_tag_required" in result.stderr


def test_outside_a_git_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load(tmp_path).root == tmp_path
