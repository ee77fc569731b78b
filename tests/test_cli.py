"""The command line as a user meets it: version, help, aliases, colour, imports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linespec.cli.main import app
from tests.conftest import Repo, run_watching_imports


def _commands() -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    provenance = group.commands["provenance"]  # type: ignore[attr-defined]
    return sorted(provenance.commands)


COMMANDS = _commands()


def test_version_is_fast_and_light() -> None:
    assert run_watching_imports(Path.cwd(), "--version") == (0, "linespec v0.1.0\n", "", [])


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(app, ["provenance", command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output
    assert "linespec provenance " + command in result.output


def test_p_is_an_alias_of_provenance(repo: Repo) -> None:
    repo.record("prov-2026-00000001")
    assert (
        repo.cli("-p", "status", "--format", "json").stdout
        == repo.cli("provenance", "status", "--format", "json").stdout
    )


def test_usage_errors_exit_2(repo: Repo) -> None:
    result = repo.run("provenance", "open")
    assert result.exit_code == 2
    assert "--record" in result.stderr
    assert repo.run("provenance", "no-such-command").exit_code == 2


def test_no_traceback_without_debug_and_one_with_it(repo: Repo) -> None:
    repo.write(".linespec.yml", "provenance:\n  enforcement: loud\n")
    quiet = repo.run("provenance", "status")
    assert quiet.exit_code == 2
    assert "Traceback" not in quiet.stderr
    loud = repo.run("--debug", "provenance", "status")
    assert loud.exit_code == 2
    assert "Traceback" in loud.stderr


def test_piped_output_has_no_colour(repo: Repo) -> None:
    repo.record("prov-2026-00000001", status="draft")
    result = repo.run("provenance", "lint", "--all", env={"NO_COLOR": "", "TERM": "xterm-256color"})
    assert "\x1b[" not in result.stdout


def test_forced_terminal_respects_no_color(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR")
    repo.record("prov-2026-00000001", status="open")
    colour = re.compile(r"\x1b\[[0-9;]*(3|9)[0-7]m")
    coloured = repo.run("provenance", "status", env={"FORCE_COLOR": "1"})
    assert colour.search(coloured.stdout)
    plain = repo.run("provenance", "status", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert not colour.search(plain.stdout)


def test_lint_json_exit_code_follows_errors(repo: Repo) -> None:
    repo.record("prov-2026-00000001", intent='""')
    result = repo.cli("provenance", "lint", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["errors"] >= 1
    issue = next(i for i in data["issues"] if i["field"] == "intent")
    assert issue == {
        "record_id": "prov-2026-00000001",
        "field": "intent",
        "message": "Missing required field: intent",
        "severity": "error",
        "rule": "PROV002",
        "file": "provenance/prov-2026-00000001.yml",
        "line": 6,
    }


def test_rules_lists_and_explains(repo: Repo) -> None:
    listing = repo.cli("provenance", "rules")
    assert "PROV009" in listing.stdout and "PROV-IMM" in listing.stdout
    one = repo.cli("provenance", "rules", "PROV009")
    assert "ScopeConflict" in one.stdout
    assert repo.cli("provenance", "rules", "PROV999").exit_code == 2


def test_a_bug_in_a_fast_path_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from linespec import fastpath
    from linespec.entry import main

    def broken(args: object) -> int:
        raise KeyError("entries")

    monkeypatch.setattr(fastpath, "run", broken)
    assert main(["provenance", "govern", "src/a.py"]) == 2
    assert capsys.readouterr().err == (
        "error: internal error: KeyError: 'entries' (a bug in linespec; please report it)\n"
    )
