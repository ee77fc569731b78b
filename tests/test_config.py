"""Configuration discovery, defaults and validation errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from linespec.core.config import ProvenanceSettings, default_settings, load, plain_settings
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


# Literal texts as the YAML reader hands them over: every scalar is a string.
_LITERALS = st.sampled_from(
    ["", "true", "False", "YES", "off", "1", "0", "60", "007", "-5", "+5", " 5", "1.5",
     "none", "warn", "strict", "block", "x", "\u0663"]
)  # fmt: skip
_VALUES = st.one_of(
    _LITERALS,
    st.text(max_size=4),
    st.lists(st.one_of(_LITERALS, st.none(), st.lists(_LITERALS, max_size=1)), max_size=3),
    st.dictionaries(st.sampled_from(["url", "provider", "namespace"]), _LITERALS, max_size=2),
)
_SECTIONS = st.fixed_dictionaries(
    {},
    optional={key: _VALUES for key in [*ProvenanceSettings.model_fields, "unknown_key"]},
)


@given(_SECTIONS)
@example({"cache_ttl_minutes": "0"})
@example({"cache_ttl_minutes": "\u0663"})
@example({"cache_ttl_minutes": "0" * 5000 + "5"})
@example({"enforcement": "", "overlap_specs_on_complete": ""})
@example({"write_restriction": "Off", "exclude_paths": []})
@settings(max_examples=500, deadline=None)
def test_plain_settings_are_what_the_validators_make(section: dict[str, Any]) -> None:
    plain = plain_settings(section)
    try:
        validated = ProvenanceSettings.model_validate(section)
    except ValidationError:
        assert plain is None
        return
    if plain is not None:
        assert plain.model_dump() == validated.model_dump()
        assert plain.model_fields_set == validated.model_fields_set
        assert plain.model_extra == validated.model_extra


def test_a_typical_config_is_read_without_the_plain_path_refusing_it() -> None:
    section = {
        "dir": "provenance",
        "enforcement": "strict",
        "commit_tag_required": "false",
        "cache_ttl_minutes": "30",
        "exclude_paths": [".linespec/"],
        "shared_repos": [],
    }
    plain = plain_settings(section)
    assert plain is not None
    assert plain.model_dump() == ProvenanceSettings.model_validate(section).model_dump()
    assert default_settings().model_dump() == ProvenanceSettings().model_dump()


_BUILT = (
    "import sys; from linespec.entry import main; rc = main(sys.argv[1:]);"
    "from linespec.core import config, model;"
    "models = [config.ProvenanceSettings, config.Lineage, model.Record, model.Spec];"
    "print(' '.join(m.__name__ for m in models if m.__pydantic_complete__))"
)


@pytest.mark.parametrize(
    ("text", "validated"),
    [
        ("provenance:\n  enforcement: warn\n  commit_tag_required: true\n", False),
        ("provenance:\n  lineage:\n    namespace: https://example.com/\n", True),
    ],
)
def test_lint_builds_no_validators_for_a_plain_config(
    repo: Repo, text: str, validated: bool
) -> None:
    # Building them costs a sixth of a cold lint of 1,000 records.
    repo.write(".linespec.yml", text)
    proc = subprocess.run(
        [sys.executable, "-c", _BUILT, "provenance", "lint", "--format", "json"],
        cwd=repo.path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    built = proc.stdout.rsplit("\n", 2)[-2].split()
    assert ("ProvenanceSettings" in built) is validated
    assert "Record" not in built and "Spec" not in built
