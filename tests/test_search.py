"""search, audit and index with the default lexical provider, as users run them."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linespec.core.search import fastcli
from linespec.core.search import text as textmod
from tests.conftest import Repo, run_watching_imports


def _records(repo: Repo) -> None:
    repo.record(
        "prov-2026-aaaa0001",
        title="Sessions live in Redis with an idle expiry",
        status="implemented",
        intent="Move web sessions out of Postgres so reads are cheap.",
        constraints=["Session keys expire after 30 minutes"],
        tags=["auth", "performance"],
        affected_scope=["src/web/sessionStore.py"],
    )
    repo.record(
        "prov-2026-aaaa0002",
        title="Invoices are rendered to PDF",
        intent="Finance needs printable invoices.",
        constraints=["Invoice numbers are sequential"],
        tags=["billing"],
        affected_scope=["src/billing/invoice_pdf.py"],
    )
    repo.record(
        "prov-2026-aaaa0003",
        title="Retry partner calls with exponential backoff",
        intent="Partner APIs fail transiently.",
        constraints=["Never retry non-idempotent requests"],
        tags=["reliability"],
        affected_scope=["src/http/client.py"],
    )


def _ids(stdout: str) -> list[str]:
    return [r["id"] for r in json.loads(stdout)["results"]]


def test_search_finds_related_records_offline_with_no_config(repo: Repo) -> None:
    _records(repo)
    result = repo.cli("provenance", "search", "where are user sessions stored")
    assert result.exit_code == 0, result.stderr
    assert "1. prov-2026-aaaa0001" in result.stdout
    assert "Matched: sessions" in result.stdout
    assert "Title: Sessions live in Redis with an idle expiry" in result.stdout
    assert "Status: implemented" in result.stdout
    assert "prov-2026-aaaa0002" not in result.stdout
    assert (repo.path / ".linespec" / "search.sqlite").is_file()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("session store", "prov-2026-aaaa0001"),  # camelCase in a scope path
        ("invoice pdf", "prov-2026-aaaa0002"),  # snake_case in a scope path
        ("retrying", "prov-2026-aaaa0003"),  # stemming
        ("billing", "prov-2026-aaaa0002"),  # tags
        ("src/http/client.py", "prov-2026-aaaa0003"),  # a path as written
    ],
)
def test_identifiers_paths_tags_and_word_forms_match(repo: Repo, query: str, expected: str) -> None:
    _records(repo)
    result = repo.cli("provenance", "search", "--query", query, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert _ids(result.stdout)[0] == expected


def test_json_output_is_stable_and_explains_matches(repo: Repo) -> None:
    _records(repo)
    result = repo.cli("provenance", "search", "invoice", "--format", "json", "--limit", "1")
    payload = json.loads(result.stdout)
    assert list(payload) == ["query", "provider", "threshold", "indexed", "results"]
    assert payload["provider"] == "lexical"
    assert payload["indexed"] == 3
    assert payload["results"] == [
        {
            "id": "prov-2026-aaaa0002",
            "title": "Invoices are rendered to PDF",
            "status": "open",
            "score": 1.0,
            "similarity": None,
            "matched": ["invoice", "billing"],  # billing: a synonym of invoice
        }
    ]


def test_the_flag_wins_over_the_positional_query(repo: Repo) -> None:
    _records(repo)
    result = repo.cli("provenance", "search", "sessions", "--query", "invoice", "--format", "json")
    assert _ids(result.stdout)[0] == "prov-2026-aaaa0002"


def test_index_follows_edits_additions_and_deletions(repo: Repo) -> None:
    _records(repo)
    assert "prov-2026-aaaa0002" in repo.cli("provenance", "search", "invoice").stdout
    repo.record("prov-2026-aaaa0002", title="Receipts are emailed", intent="No paper.")
    repo.record("prov-2026-aaaa0004", title="Invoice numbering restarts yearly")
    out = repo.cli("provenance", "search", "invoice", "--format", "json").stdout
    assert _ids(out) == ["prov-2026-aaaa0004"]
    (repo.provenance / "prov-2026-aaaa0004.yml").unlink()
    result = repo.cli("provenance", "search", "invoice")
    assert result.exit_code == 0
    assert "No related records found." in result.stdout


def test_no_match_prints_the_advisory(repo: Repo) -> None:
    _records(repo)
    result = repo.cli("provenance", "search", "kubernetes")
    assert result.exit_code == 0
    assert result.stdout.startswith("\nNo related records found.\n(Lexical index: 3 records")


def test_an_unloadable_record_is_skipped_with_a_warning(repo: Repo) -> None:
    _records(repo)
    repo.write("provenance/prov-2026-bad00001.yml", "title: [unclosed\n")
    result = repo.cli("provenance", "search", "invoice")
    assert result.exit_code == 0
    assert "prov-2026-aaaa0002" in result.stdout
    assert "warning: skipped a record file that does not load" in result.stderr
    assert "prov-2026-bad00001.yml" in result.stderr


# -- bad input -------------------------------------------------------------------------------


def test_an_empty_query_is_a_usage_error(repo: Repo) -> None:
    result = repo.cli("provenance", "search", "  ")
    assert result.exit_code == 2
    assert "a query is required" in result.stderr


@pytest.mark.parametrize(
    "query",
    ['"', '"unbalanced', "*", "sess*", "NEAR(a b)", "AND", "a AND OR NOT b", "-", "--x", ":",
     "title:redis", "^start", "(((", "{title body}: x", "'; DROP TABLE docs; --", "\x00"],
)  # fmt: skip
def test_fts5_syntax_in_a_query_is_just_text(repo: Repo, query: str) -> None:
    _records(repo)
    result = repo.cli("provenance", "search", "--query", query)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_fts5_operators_as_words_still_find_records(repo: Repo) -> None:
    _records(repo)
    out = repo.cli("provenance", "search", "--query", 'redis AND "sessions*"', "--format", "json")
    assert _ids(out.stdout)[0] == "prov-2026-aaaa0001"


def test_a_one_megabyte_query_answers(repo: Repo) -> None:
    _records(repo)
    query = "invoice " + "lorem ipsum dolor " * 60_000
    assert len(query) > 1_000_000
    result = repo.cli("provenance", "search", "--query", query, "--format", "json")
    assert result.exit_code == 0
    assert _ids(result.stdout)[0] == "prov-2026-aaaa0002"


def test_non_utf8_bytes_in_the_query(repo: Repo) -> None:
    _records(repo)
    proc = subprocess.run(
        [sys.executable, "-m", "linespec", "provenance", "search", b"invoice \xff\xfe"],
        cwd=repo.path,
        capture_output=True,
        env=os.environ.copy(),
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert b"prov-2026-aaaa0002" in proc.stdout
    assert b"Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "content", [b"this is not a database", b"SQLite format 3\x00" + b"\x00" * 200]
)
def test_a_corrupt_index_is_rebuilt_with_a_warning(repo: Repo, content: bytes) -> None:
    _records(repo)
    repo.cli("provenance", "index")
    index = repo.path / ".linespec" / "search.sqlite"
    index.write_bytes(content)
    result = repo.cli("provenance", "search", "invoice")
    assert result.exit_code == 0
    assert "prov-2026-aaaa0002" in result.stdout
    assert "warning: rebuilding the search index" in result.stderr
    assert sqlite3.connect(index).execute("SELECT count(*) FROM records").fetchone() == (3,)
    assert "rebuilding" not in repo.cli("provenance", "search", "invoice").stderr


DAMAGE = [
    "DROP TABLE docs",
    "DELETE FROM docs_data",
    "DELETE FROM records",
    "UPDATE records SET fields = '{bad'",
    "UPDATE records SET fields = NULL",
    "UPDATE records SET fields = '[1]'",
    "UPDATE records SET title = NULL",
]


def _damage(repo: Repo, statement: str) -> Path:
    index = repo.path / ".linespec" / "search.sqlite"
    db = sqlite3.connect(index)
    db.execute(statement)
    db.commit()
    db.close()
    return index


@pytest.mark.parametrize("statement", DAMAGE)
def test_a_partly_damaged_index_is_rebuilt_by_search(repo: Repo, statement: str) -> None:
    _records(repo)
    assert repo.run("provenance", "search", "redis").exit_code == 0
    index = _damage(repo, statement)
    # As a subprocess: the fast path must not leak a traceback either.
    result = repo.run("provenance", "search", "redis")
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "warning: rebuilding the search index" in result.stderr
    assert "1. prov-2026-aaaa0001" in result.stdout
    assert sqlite3.connect(index).execute("SELECT count(*) FROM docs").fetchone() == (3,)
    again = repo.run("provenance", "search", "redis")
    assert again.stderr == ""
    assert "1. prov-2026-aaaa0001" in again.stdout


@pytest.mark.parametrize("statement", DAMAGE[:4])
def test_audit_on_a_damaged_index_rebuilds_and_exits_zero(repo: Repo, statement: str) -> None:
    _records(repo)
    assert repo.cli("provenance", "search", "redis").exit_code == 0
    _damage(repo, statement)
    result = repo.cli("provenance", "audit", "Moved sessions to Redis")
    assert result.exit_code == 0, result.stderr
    assert "rebuilding the search index" in result.stderr
    assert "• prov-2026-aaaa0001" in result.stdout


@pytest.mark.parametrize("statement", DAMAGE[:5])
def test_index_force_recreates_a_damaged_index(repo: Repo, statement: str) -> None:
    _records(repo)
    assert repo.cli("provenance", "search", "redis").exit_code == 0
    index = _damage(repo, statement)
    before = index.stat().st_ino
    result = repo.cli("provenance", "index", "--force")
    assert result.exit_code == 0, result.stderr
    assert "✓ Lexical index up to date (.linespec/search.sqlite): 3 record(s); " in result.stdout
    assert index.stat().st_ino != before  # a new file, not the old one patched
    assert "1. prov-2026-aaaa0001" in repo.cli("provenance", "search", "redis").stdout


def test_an_index_that_stays_damaged_is_one_error_line(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from linespec.core.search.lexical import Index

    _records(repo)

    def broken(self: Index, terms: list[str], limit: int) -> list[object]:
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(Index, "_search", broken)
    result = repo.cli("provenance", "search", "redis")
    assert result.exit_code == 2
    assert result.stderr.count("rebuilding the search index") == 1
    assert result.stderr.strip().splitlines()[-1].startswith("error: ")
    assert "search index" in result.stderr.strip().splitlines()[-1]
    assert "Traceback" not in result.stderr
    audit = repo.cli("provenance", "audit", "redis")
    assert audit.exit_code == 0
    assert "✓ Audit advisory completed with warnings" in audit.stdout


def test_search_in_a_new_repository_keeps_the_index_out_of_git(repo: Repo) -> None:
    _records(repo)
    assert repo.cli("provenance", "search", "redis").exit_code == 0
    assert (repo.path / ".linespec" / ".gitignore").is_file()
    assert ".linespec" not in repo.git("status", "--porcelain")


def test_an_index_from_another_version_is_rebuilt(repo: Repo) -> None:
    _records(repo)
    index = repo.path / ".linespec" / "search.sqlite"
    index.parent.mkdir()
    sqlite3.connect(index).executescript(
        "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
        "INSERT INTO meta VALUES ('schema', '0');"
    )
    result = repo.cli("provenance", "search", "invoice")
    assert "written by another version" in result.stderr
    assert "prov-2026-aaaa0002" in result.stdout


def test_an_unwritable_state_dir_falls_back_to_a_temporary_index(repo: Repo) -> None:
    _records(repo)
    (repo.path / ".linespec").write_text("a file where the folder should be")
    result = repo.cli("provenance", "search", "invoice")
    assert result.exit_code == 0
    assert "using a temporary index" in result.stderr
    assert "prov-2026-aaaa0002" in result.stdout


@settings(max_examples=60, deadline=None)
@given(st.text())
def test_query_terms_are_always_safe_fts5_words(query: str) -> None:
    for term in textmod.expand(textmod.query_terms(textmod.clean(query))):
        assert term and all(ch.isalnum() for ch in term)
    assert len(textmod.query_terms(query)) <= textmod.MAX_QUERY_TERMS


# -- audit -----------------------------------------------------------------------------------


def test_audit_lists_related_records_and_exits_zero(repo: Repo) -> None:
    _records(repo)
    result = repo.cli("provenance", "audit", "--description", "Added retries to the HTTP client")
    assert result.exit_code == 0
    assert "\n[ADVISORY] Audit Results\n(Lexical index: 3 records, BM25 ranking)\n" in result.stdout
    assert "Semantic" not in result.stdout
    assert "• prov-2026-aaaa0003" in result.stdout
    assert "  Key constraints:\n    - Never retry non-idempotent requests" in result.stdout
    assert result.stdout.rstrip().endswith("✓ Audit advisory completed (exit 0)")


def test_audit_with_nothing_related(repo: Repo) -> None:
    _records(repo)
    result = repo.cli("provenance", "audit", "Tuned the kubernetes autoscaler")
    assert result.exit_code == 0
    assert result.stdout.startswith("✓ Audit advisory: No similar records found")
    assert "Your changes do not appear to conflict with any prior decisions." in result.stdout


@pytest.mark.parametrize("args", [[], ["   "], ["--description", ""]])
def test_audit_without_a_description_still_exits_zero(repo: Repo, args: list[str]) -> None:
    result = repo.cli("provenance", "audit", *args)
    assert result.exit_code == 0
    assert "nothing to audit" in result.stderr
    assert "completed with warnings" in result.stdout


def test_audit_exits_zero_even_when_the_config_is_broken(repo: Repo) -> None:
    repo.write(".linespec.yml", "provenance:\n  embedding:\n    provider: carrier-pigeon\n")
    result = repo.cli("provenance", "audit", "anything")
    assert result.exit_code == 0
    assert "unsupported embedding provider: carrier-pigeon" in result.stderr
    assert "✓ Audit advisory completed with warnings" in result.stdout


def test_search_with_an_unknown_provider_is_a_config_error(repo: Repo) -> None:
    repo.write(".linespec.yml", "provenance:\n  embedding:\n    provider: carrier-pigeon\n")
    result = repo.cli("provenance", "search", "anything")
    assert result.exit_code == 2
    assert ".linespec.yml: unsupported embedding provider: carrier-pigeon" in result.stderr


# -- index -----------------------------------------------------------------------------------


def test_index_reports_what_changed(repo: Repo) -> None:
    _records(repo)
    first = repo.cli("provenance", "index")
    assert first.exit_code == 0
    assert first.stdout == (
        "✓ Lexical index up to date (.linespec/search.sqlite): 3 record(s); "
        "3 added, 0 updated, 0 removed\n"
    )
    assert "0 added, 0 updated, 0 removed" in repo.cli("provenance", "index").stdout
    assert "3 updated" in repo.cli("provenance", "index", "--force").stdout


def test_index_dry_run_changes_nothing(repo: Repo) -> None:
    _records(repo)
    result = repo.cli("provenance", "index", "--dry-run")
    assert result.exit_code == 0
    assert "3 new, 0 changed, 0 removed of 3 record file(s) (dry run)" in result.stdout
    index = repo.path / ".linespec" / "search.sqlite"
    assert sqlite3.connect(index).execute("SELECT count(*) FROM records").fetchone() == (0,)


# -- the fast path -----------------------------------------------------------------------------


def test_the_fast_path_prints_what_the_full_cli_prints(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    _records(repo)
    for args in (["invoice pdf"], ["--query", "sessions", "--format", "json", "--limit", "2"]):
        full = repo.cli("provenance", "search", *args)
        capsys.readouterr()
        assert fastcli.run(["provenance", "search", *args]) == 0
        assert capsys.readouterr().out == full.stdout


@pytest.mark.parametrize(
    "args",
    [["--help"], [], ["  "], ["--limit", "0", "x"], ["--format", "sarif", "x"], ["a", "b"],
     ["--unknown", "x"], ["--query"]],
)  # fmt: skip
def test_the_fast_path_leaves_unusual_arguments_to_the_full_cli(args: list[str]) -> None:
    assert fastcli.parse(["provenance", "search", *args]) is None


def test_warm_search_reads_no_config_and_loads_no_pydantic(repo: Repo) -> None:
    _records(repo)
    repo.cli("provenance", "search", "invoice")  # warms the index and the settings
    code, out, err, loaded = run_watching_imports(repo.path, "provenance", "search", "invoice")
    assert (code, loaded) == (0, []), err
    assert "prov-2026-aaaa0002" in out


def test_the_warm_settings_serve_every_directory_that_finds_the_same_config(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from linespec.core.search import settings as settings_mod

    _records(repo)
    repo.cli("provenance", "search", "invoice")  # warms the settings from the root
    sub = repo.path / "src"
    sub.mkdir()
    validated: list[Path] = []
    real = settings_mod._from_config

    def counted(cwd: Path, explicit: Path | None) -> settings_mod.SearchSettings:
        validated.append(cwd)
        return real(cwd, explicit)

    monkeypatch.setattr(settings_mod, "_from_config", counted)
    for cwd in (sub, repo.path, sub):
        found, index = settings_mod.open_session(cwd, None, lambda message: None)
        index.close()
        assert found.directories == [repo.provenance]
    assert validated == []
    # A directory whose own config file is found gets that file's settings.
    (sub / ".linespec.yml").write_text("provenance:\n  dir: decisions\n")
    found, index = settings_mod.open_session(sub, None, lambda message: None)
    index.close()
    assert validated == [sub]
    assert [d.name for d in found.directories] == ["decisions"]


def test_the_progress_bar_draws_on_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from linespec.cli import searchcmd

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with searchcmd._progress("Indexing records") as advance:
        advance(1, 2)
    out = capsys.readouterr()
    assert out.out == ""
    assert "Indexing records" in out.err


def test_a_config_edit_is_seen_by_the_next_search(repo: Repo) -> None:
    _records(repo)
    repo.cli("provenance", "search", "invoice")
    (repo.path / "decisions").mkdir()
    (repo.provenance / "prov-2026-aaaa0002.yml").rename(
        repo.path / "decisions" / "prov-2026-aaaa0002.yml"
    )
    repo.write(".linespec.yml", "provenance:\n  dir: decisions\n")
    out = repo.cli("provenance", "search", "invoice", "--format", "json").stdout
    assert json.loads(out)["indexed"] == 1
    assert _ids(out) == ["prov-2026-aaaa0002"]


def test_help_has_examples(repo: Repo) -> None:
    for command in ("search", "audit", "index"):
        result = repo.cli("provenance", command, "--help")
        assert result.exit_code == 0
        assert "Examples:" in result.stdout


def test_records_path_of_index(tmp_path: Path) -> None:
    from linespec.core.search.lexical import scan

    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "prov-2026-00000001.yml").write_text("id: x\n")
    (tmp_path / "README.md").write_text("x")
    assert list(scan([tmp_path, tmp_path / "missing"])) == [
        str(tmp_path / "nested" / "prov-2026-00000001.yml")
    ]
