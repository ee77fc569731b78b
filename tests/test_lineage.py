"""Lineage as W3C PROV: the index, the queries, the export and bad input.

The fixture repository (3 records, 6 commits with fixed identities and dates) is built
by `build_fixture`; its PROV-JSON export is checked in as
`tests/data/lineage/expected.prov.json`.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linespec import git
from linespec.core.lineage import export as prov_export
from linespec.core.lineage.history import agent_id, commit_agents, parse_person, trailers
from tests.conftest import Repo, run_watching_imports

EXPECTED = Path(__file__).parent / "data" / "lineage" / "expected.prov.json"
NAMESPACE = "https://example.org/shop/"
A, B, C = "prov-2026-aaaaaaaa", "prov-2026-bbbbbbbb", "prov-2026-cccccccc"


def record_text(record_id: str, status: str, author: str, **fields: str) -> str:
    lines = [
        f"id: {record_id}",
        f"title: Decision {record_id[-4:]}",
        f"status: {status}",
        'created_at: "2026-03-01"',
        f"author: {author}",
        f"intent: {fields.pop('intent', 'Checkout stays fast.')}",
        "constraints:",
        "    - p95 under 50 ms",
        f"type: {fields.pop('type', 'blueprint')}",
    ]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return "\n".join(lines) + "\n"


def _commit(path: Path, when: int, author: str, message: str, committer: str = "") -> None:
    name, _, email = author.partition("|")
    c_name, _, c_email = (committer or author).partition("|")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_AUTHOR_DATE": f"@{when} +0000",
        "GIT_COMMITTER_NAME": c_name,
        "GIT_COMMITTER_EMAIL": c_email,
        "GIT_COMMITTER_DATE": f"@{when + 60} +0000",
    }
    subprocess.run(["git", "add", "-A"], cwd=path, check=True, env=env)
    subprocess.run(
        ["git", "commit", "-q", "--no-verify", "--allow-empty", "-m", message],
        cwd=path,
        check=True,
        env=env,
    )


ALICE = "Alice Doe|alice@example.com"
BOB = "Bob Roe|bob@example.com"
CAROL = "Carol|"  # an author without an e-mail


def build_fixture(path: Path) -> None:
    """Write the fixture repository's records and history into the git repo at PATH."""
    prov = path / "provenance"
    prov.mkdir(parents=True, exist_ok=True)
    (path / ".linespec.yml").write_text(f"provenance:\n  lineage:\n    namespace: {NAMESPACE}\n")
    (path / ".gitignore").write_text(".linespec.yml\n.linespec/\n")
    base = 1772323200  # 2026-03-01T00:00:00Z
    (prov / f"{A}.yml").write_text(record_text(A, "draft", "alice@example.com", type="brief"))
    _commit(path, base, ALICE, f"Add the checkout brief [{A}]")
    (prov / f"{A}.yml").write_text(record_text(A, "open", "alice@example.com", type="brief"))
    _commit(path, base + 3600, ALICE, f"Open the checkout brief [{A}]")
    (prov / f"{B}.yml").write_text(record_text(B, "draft", "bob@example.com", implements=A))
    _commit(
        path,
        base + 7200,
        BOB,
        f"Plan the cache [{B}]\n\nCo-authored-by: Claude <noreply@anthropic.com>\n",
    )
    (prov / f"{B}.yml").write_text(
        record_text(B, "draft", "bob@example.com", implements=A, intent="Cache prices.")
    )
    _commit(
        path,
        base + 10800,
        BOB,
        f"Reword the cache plan [{B}]\n\nCo-authored-by: broken <\nReviewed-by: Alice\n",
        committer=ALICE,
    )
    (prov / f"{B}.yml").write_text(
        record_text(
            B,
            "superseded",
            "bob@example.com",
            implements=A,
            intent="Cache prices.",
            superseded_by=C,
        )
    )
    (prov / f"{C}.yml").write_text(
        record_text(C, "open", "Carol", implements=A, supersedes=B, related=f"\n    - {A}")
    )
    _commit(path, base + 14400, CAROL, f"Replace the cache plan [{C}]\n\nGenerated-by: Codex CLI\n")
    (path / "app.py").write_text("print('checkout')\n")
    _commit(path, base + 18000, ALICE, f"Serve checkout from the cache [{C}]")


@pytest.fixture
def shop(repo: Repo) -> Repo:
    build_fixture(repo.path)
    return repo


def fast(path: Path, *args: str) -> tuple[int, str, str, list[str]]:
    """Run the console entry point in a subprocess; also report the heavy modules it loaded."""
    watch = ("typer", "rich", "pydantic", "git", "ruamel", "prov", "rdflib")
    return run_watching_imports(path, *args, watch=watch)


# ---- export ------------------------------------------------------------------------------


def test_prov_json_matches_the_checked_in_document_and_reads_back_equal(shop: Repo) -> None:
    from prov.model import ProvDocument

    result = shop.cli("provenance", "export", "--format", "prov-json", "--include-commits", "all")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(EXPECTED.read_text())
    doc = ProvDocument.deserialize(content=result.stdout, format="json")
    again = ProvDocument.deserialize(content=doc.serialize(format="json"), format="json")
    assert doc == again
    assert len(doc.get_records()) > 40


def test_prov_json_states_the_model(shop: Repo) -> None:
    data = json.loads(EXPECTED.read_text())
    rec = "rec:prov-2026-"
    entities = data["entity"]
    assert entities[f"{rec}aaaaaaaa"]["prov:type"] == {"$": "prov:Plan", "type": "xsd:QName"}
    assert entities[f"{rec}bbbbbbbb"]["ls:status"] == "superseded"
    kinds = {
        (d["prov:generatedEntity"], d["prov:usedEntity"]): d.get("ls:kind", d.get("prov:type"))
        for d in data["wasDerivedFrom"].values()
        if d["prov:generatedEntity"].startswith(rec)
    }
    assert kinds == {
        (f"{rec}bbbbbbbb", f"{rec}aaaaaaaa"): "implements",
        (f"{rec}cccccccc", f"{rec}aaaaaaaa"): "implements",
        (f"{rec}cccccccc", f"{rec}bbbbbbbb"): {"$": "prov:Revision", "type": "xsd:QName"},
    }
    [influence] = data["wasInfluencedBy"].values()
    assert influence == {"prov:influencee": f"{rec}cccccccc", "prov:influencer": f"{rec}aaaaaaaa"}
    agents = {a["prov:label"]: a["prov:type"]["$"] for a in data["agent"].values()}
    assert agents == {
        "Alice Doe": "prov:Person",
        "Bob Roe": "prov:Person",
        "Carol": "prov:Person",
        "Claude": "prov:SoftwareAgent",
        "Codex CLI": "prov:SoftwareAgent",
    }
    claude = f"agent:{agent_id('Claude', 'noreply@anthropic.com')}"
    bob = f"agent:{agent_id('Bob Roe', 'bob@example.com')}"
    assert any(
        d["prov:delegate"] == claude and d["prov:responsible"] == bob
        for d in data["actedOnBehalfOf"].values()
    )
    # The tagged commit's associations had the record as their plan.
    plans = {a.get("prov:plan") for a in data["wasAssociatedWith"].values()}
    assert plans == {f"{rec}aaaaaaaa", f"{rec}bbbbbbbb", f"{rec}cccccccc"}
    # Created by its first commit, invalidated by the commit that superseded it.
    generated = {g["prov:entity"] for g in data["wasGeneratedBy"].values()}
    assert {f"{rec}aaaaaaaa", f"{rec}bbbbbbbb", f"{rec}cccccccc"} <= generated
    [invalidation] = data["wasInvalidatedBy"].values()
    assert invalidation["prov:entity"] == f"{rec}bbbbbbbb"
    assert len(data["activity"]) == 6
    starts = sorted(a["prov:startTime"] for a in data["activity"].values())
    assert starts[0] == "2026-03-01T00:00:00+00:00"


def test_include_commits_lifecycle_and_none(shop: Repo) -> None:
    lifecycle = json.loads(shop.cli("provenance", "export").stdout)
    # Creates and status changes only: the edit of B and the tag-only code commit are out.
    labels = sorted(a["prov:label"] for a in lifecycle["activity"].values())
    assert labels == [
        "Add the checkout brief [prov-2026-aaaaaaaa]",
        "Open the checkout brief [prov-2026-aaaaaaaa]",
        "Plan the cache [prov-2026-bbbbbbbb]",
        "Replace the cache plan [prov-2026-cccccccc]",
    ]
    none = json.loads(shop.cli("provenance", "export", "--include-commits", "none").stdout)
    assert "activity" not in none
    assert len(none["entity"]) == 3
    # Without commits the only agents are the records' authors.
    assert sorted(a["prov:label"] for a in none["agent"].values()) == [
        "Alice Doe",
        "Bob Roe",
        "Carol",
    ]


def test_prov_n_reads_back_to_the_same_document(shop: Repo) -> None:
    from prov.model import ProvDocument

    text = shop.cli("provenance", "export", "--format", "prov-n", "--include-commits", "all")
    assert text.stdout.startswith("document\n")
    parsed = ProvDocument.deserialize(content=text.stdout, format="provn")
    assert parsed == ProvDocument.deserialize(content=EXPECTED.read_text(), format="json")


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_turtle_and_json_ld_are_one_graph_with_shortcut_triples(shop: Repo) -> None:
    from rdflib import Graph, Literal, URIRef
    from rdflib.compare import isomorphic
    from rdflib.namespace import PROV

    turtle = shop.cli("provenance", "export", "--format", "turtle", "--include-commits", "all")
    jsonld = shop.cli("provenance", "export", "--format", "jsonld", "--include-commits", "all")
    assert turtle.exit_code == jsonld.exit_code == 0
    graph = Graph().parse(data=turtle.stdout, format="turtle")
    assert isomorphic(graph, Graph().parse(data=jsonld.stdout, format="json-ld"))
    # rdflib writes back the graph it read.
    again = Graph().parse(data=graph.serialize(format="turtle"), format="turtle")
    assert isomorphic(graph, again)
    rec = "https://example.org/shop/record/prov-2026-"
    b, a, c = URIRef(rec + "bbbbbbbb"), URIRef(rec + "aaaaaaaa"), URIRef(rec + "cccccccc")
    # The qualified derivation keeps its kind; the shortcut triple states it plainly too.
    [node] = [n for n in graph.objects(b, PROV.qualifiedDerivation)]
    assert (node, URIRef("urn:linespec:lineage:kind"), Literal("implements")) in graph
    assert (b, PROV.wasDerivedFrom, a) in graph
    assert (c, PROV.wasRevisionOf, b) in graph
    assert (c, PROV.wasInfluencedBy, a) in graph
    assert (b, PROV.wasGeneratedBy, None) in graph
    assert (b, PROV.wasInvalidatedBy, None) in graph
    activities = set(graph.subjects(PROV.wasAssociatedWith, None))
    assert len(activities) == 6
    assert set(graph.objects(None, PROV.hadPlan)) == {a, b, c}


@pytest.mark.parametrize("output", ["turtle", "jsonld", "prov-json", "prov-n"])
def test_export_is_byte_stable_across_runs(shop: Repo, output: str) -> None:
    # Another hash seed reorders every set: what came out in set order would show.
    runs = {
        shop.run(
            "provenance", "export", "--format", output, "--include-commits", "all",
            env={"PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }  # fmt: skip
    assert len(runs) == 1
    [text] = runs
    assert "prov-2026-cccccccc" in text
    assert "_:N" not in text  # no blank node named at random


@pytest.mark.parametrize(
    ("url", "namespace"),
    [
        ("https://user:s3cret@github.com/acme/shop.git", "https://github.com/acme/shop/"),
        ("git@github.com:acme/shop.git", "https://github.com/acme/shop/"),
        ("ssh://git@git.example.com:2222/acme/shop", "https://git.example.com/acme/shop/"),
        ("http://token@example.com/shop/", "https://example.com/shop/"),
        ("/srv/git/shop.git", "urn:linespec:repository:work:"),
        (None, "urn:linespec:repository:work:"),
    ],
)
def test_namespace_from_the_remote_drops_credentials(url: str | None, namespace: str) -> None:
    assert prov_export.namespace_from_remote(url, Path("/tmp/work")) == namespace


def test_namespace_follows_the_remote_without_config(repo: Repo) -> None:
    repo.record("prov-2026-0000aaaa")
    repo.git("remote", "add", "origin", "https://bot:ghp_token@github.com/acme/shop.git")
    out = repo.cli("provenance", "export", "--format", "prov-json").stdout
    data = json.loads(out)
    assert data["prefix"]["rec"] == "https://github.com/acme/shop/record/"
    assert "ghp_token" not in out


def test_unknown_lineage_setting_is_a_config_error(repo: Repo) -> None:
    repo.record("prov-2026-0000aaaa")
    repo.write(".linespec.yml", "provenance:\n  lineage:\n    namspace: x\n")
    result = repo.cli("provenance", "ready")
    assert result.exit_code == 2
    assert "provenance.lineage.namspace" in result.stderr


# ---- queries -----------------------------------------------------------------------------


def test_lineage_tree_up_and_down(shop: Repo) -> None:
    result = shop.cli("provenance", "lineage", "prov-2026-cccccccc")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "prov-2026-cccccccc  Decision cccc  [open]\n"
        "ancestors:\n"
        "  ├── implements prov-2026-aaaaaaaa  Decision aaaa  [open]\n"
        "  ├── revises prov-2026-bbbbbbbb  Decision bbbb  [superseded]\n"
        "  │   └── implements prov-2026-aaaaaaaa  Decision aaaa  [open]  (shown above)\n"
        "  └── influenced by prov-2026-aaaaaaaa  Decision aaaa  [open]  (shown above)\n"
        "descendants: none\n"
    )
    down = shop.cli("provenance", "lineage", "prov-2026-aaaaaaaa", "--down", "--depth", "1")
    assert down.stdout == (
        "prov-2026-aaaaaaaa  Decision aaaa  [open]\n"
        "descendants:\n"
        "  ├── implemented by prov-2026-bbbbbbbb  Decision bbbb  [superseded]\n"
        "  ├── implemented by prov-2026-cccccccc  Decision cccc  [open]\n"
        "  └── influences prov-2026-cccccccc  Decision cccc  [open]  (shown above)\n"
    )


def test_lineage_json_and_mermaid(shop: Repo) -> None:
    data = json.loads(
        shop.cli("provenance", "lineage", "prov-2026-bbbbbbbb", "--format", "json").stdout
    )
    assert data["id"] == "prov-2026-bbbbbbbb"
    assert [(n["relation"], n["id"]) for n in data["ancestors"]] == [
        ("implements", "prov-2026-aaaaaaaa")
    ]
    assert [(n["relation"], n["id"]) for n in data["descendants"]] == [
        ("revised by", "prov-2026-cccccccc")
    ]
    up = json.loads(
        shop.cli("provenance", "lineage", "prov-2026-bbbbbbbb", "--up", "--format", "json").stdout
    )
    assert "descendants" not in up
    chart = shop.cli("provenance", "lineage", "prov-2026-bbbbbbbb", "--format", "mermaid").stdout
    assert chart.startswith("flowchart BT\n")
    assert "n0 -->|implements| n1" in chart
    assert "n2 -->|supersedes| n0" in chart


def test_lineage_of_an_unknown_record_is_refused(shop: Repo) -> None:
    result = shop.cli("provenance", "lineage", "prov-2026-deadbeef")
    assert result.exit_code == 1
    assert "prov-2026-deadbeef" in result.stderr


def test_agents_people_and_ai_apart(shop: Repo) -> None:
    data = json.loads(shop.cli("provenance", "agents", "--format", "json").stdout)
    people = {p["name"]: (p["commits"], p["roles"]) for p in data["people"]}
    assert people == {
        "Alice Doe": (4, ["author", "committer"]),
        "Bob Roe": (2, ["author"]),
        "Carol": (1, ["author"]),
    }
    software = {s["name"]: (s["commits"], s["on_behalf_of"]) for s in data["software"]}
    assert software == {"Claude": (1, ["Bob Roe"]), "Codex CLI": (1, ["Carol"])}
    text = shop.cli("provenance", "agents", "prov-2026-bbbbbbbb").stdout
    assert text.splitlines()[0] == "People: 3"  # Bob, Alice committed, Carol superseded
    assert "Claude <noreply@anthropic.com>  1 commit(s)  2026-03-01 … 2026-03-01" in text


def test_activities_of_a_record(shop: Repo) -> None:
    found = json.loads(
        shop.cli("provenance", "activities", "prov-2026-bbbbbbbb", "--format", "json").stdout
    )
    assert [(a["subject"].split(" [")[0], [c["kind"] for c in a["changes"]]) for a in found] == [
        ("Replace the cache plan", ["status"]),
        ("Reword the cache plan", ["edit"]),
        ("Plan the cache", ["create"]),
    ]
    assert found[0]["changes"][0] == {
        "record": "prov-2026-bbbbbbbb",
        "kind": "status",
        "from": "draft",
        "to": "superseded",
    }
    assert found[2]["software"] == ["Claude (coauthor)"]
    assert shop.cli("provenance", "activities", "prov-2026-00000000").exit_code == 1


def test_db_status_and_rebuild(shop: Repo) -> None:
    before = shop.cli("provenance", "lineage", "db", "status", "--format", "json")
    assert json.loads(before.stdout)["exists"] is False
    rebuilt = json.loads(
        shop.cli("provenance", "lineage", "db", "rebuild", "--format", "json").stdout
    )
    assert rebuilt["fresh"] is True
    assert rebuilt["counts"] == {"records": 3, "commits": 6, "agents": 5, "versions": 6}
    assert {"kind": "malformed-trailer", "subject": rebuilt["problems"][0]["subject"],
            "detail": "co-authored-by: broken <"} in rebuilt["problems"]  # fmt: skip
    assert (shop.path / ".linespec" / ".gitignore").is_file()
    assert shop.git("status", "--porcelain") == ""
    shop.record("prov-2026-dddddddd", implements="prov-2026-aaaaaaaa")
    stale = json.loads(shop.cli("provenance", "lineage", "db", "status", "--format", "json").stdout)
    assert stale["fresh"] is False
    bad = shop.cli("provenance", "lineage", "db", "vacuum")
    assert bad.exit_code == 2
    assert "status" in bad.stderr


def test_index_follows_record_edits_and_new_commits(shop: Repo) -> None:
    assert "prov-2026-dddddddd" not in shop.cli("provenance", "ready").stdout
    shop.record("prov-2026-dddddddd", status="draft", implements="prov-2026-cccccccc")
    assert "prov-2026-dddddddd  draft → open" in shop.cli("provenance", "ready").stdout
    assert len(json.loads(shop.cli("provenance", "activities", "--format", "json").stdout)) == 6
    shop.commit_all("Plan the next step [prov-2026-dddddddd]")
    assert len(json.loads(shop.cli("provenance", "activities", "--format", "json").stdout)) == 7


def test_fast_path_answers_from_a_warm_index_without_heavy_imports(shop: Repo) -> None:
    # Cold: the full CLI builds the index (and loads what it needs to).
    code, out, _, heavy = fast(shop.path, "provenance", "ready")
    assert code == 0
    assert "pydantic" in heavy
    for args in (
        ("provenance", "ready", "--format", "json"),
        ("provenance", "blocked"),
        ("provenance", "lineage", "prov-2026-cccccccc", "--up", "--depth", "2"),
        ("provenance", "lineage", "prov-2026-aaaaaaaa", "--format=mermaid"),
    ):
        code, out, err, heavy = fast(shop.path, *args)
        assert (code, err, heavy) == (0, "", []), args
        assert out == shop.cli(*args).stdout
    # An option the fast parser does not know goes to the full CLI, which judges it.
    code, _, err, heavy = fast(shop.path, "provenance", "ready", "--bogus")
    assert code == 2
    assert "typer" in heavy


# ---- bad input ---------------------------------------------------------------------------


def test_corrupt_index_is_rebuilt(shop: Repo) -> None:
    shop.cli("provenance", "lineage", "db", "rebuild")
    index = shop.path / ".linespec" / "lineage.sqlite"
    index.write_bytes(b"this is not a database" * 100)
    result = shop.cli("provenance", "ready")
    assert result.exit_code == 0
    assert "unreadable (corrupt or locked); rebuilt it" in result.stderr
    assert "prov-2026-cccccccc" in result.stdout
    with sqlite3.connect(index) as conn:
        assert conn.execute("SELECT count(*) FROM records").fetchone() == (3,)


DAMAGES = [
    "DROP TABLE records",
    "DROP TABLE edges",
    "DROP TABLE agents",
    "ALTER TABLE commits RENAME TO old_commits",
    "DROP INDEX changes_sha",
    "DELETE FROM commits",
    "DELETE FROM edges",
]
QUERIES = [
    ("provenance", "ready"),
    ("provenance", "blocked", "--format", "json"),
    ("provenance", "lineage", C),
    ("provenance", "agents", "--format", "json"),
    ("provenance", "activities", B, "--format", "json"),
    ("provenance", "export", "--include-commits", "all"),
]


@pytest.mark.parametrize("damage", DAMAGES)
def test_damaged_index_is_rebuilt_with_a_warning(shop: Repo, damage: str) -> None:
    index = shop.path / ".linespec" / "lineage.sqlite"
    clean = {args: shop.cli(*args).stdout for args in QUERIES}
    for args in QUERIES:
        with contextlib.closing(sqlite3.connect(index)) as conn:
            conn.execute(damage)
            conn.commit()
        result = shop.cli(*args)
        assert (result.exit_code, result.stdout) == (0, clean[args]), (args, result.stderr)
        assert f"warning: {index} was damaged (" in result.stderr, args
        assert "rebuilt it" in result.stderr
        status = json.loads(
            shop.cli("provenance", "lineage", "db", "status", "--format", "json").stdout
        )
        assert (status["fresh"], status["damage"]) == (True, ""), args


def test_db_status_names_the_damage(shop: Repo) -> None:
    shop.cli("provenance", "lineage", "db", "rebuild")
    index = shop.path / ".linespec" / "lineage.sqlite"
    with contextlib.closing(sqlite3.connect(index)) as conn:
        conn.execute("DELETE FROM commits")
        conn.commit()
    data = json.loads(shop.cli("provenance", "lineage", "db", "status", "--format", "json").stdout)
    assert data["fresh"] is False
    assert data["damage"] == "commits has 0 rows, but 6 were written"
    with contextlib.closing(sqlite3.connect(index)) as conn:
        conn.execute("ALTER TABLE agents RENAME TO people")
        conn.commit()
    result = shop.cli("provenance", "lineage", "db", "status")
    assert result.exit_code == 0
    assert "damaged (missing: agents; unexpected: people); any query rebuilds it" in result.stdout


def test_fast_path_leaves_a_damaged_index_to_the_full_cli(shop: Repo) -> None:
    expected = shop.cli("provenance", "ready").stdout
    with contextlib.closing(sqlite3.connect(shop.path / ".linespec" / "lineage.sqlite")) as conn:
        conn.execute("DROP TABLE records")
        conn.commit()
    code, out, err, heavy = fast(shop.path, "provenance", "ready")
    assert (code, out) == (0, expected)
    assert "was damaged (missing: records); rebuilt it" in err
    assert "typer" in heavy
    assert fast(shop.path, "provenance", "ready")[2:] == ("", [])


def test_a_query_failing_on_the_index_rebuilds_it_once(
    shop: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from linespec.core.lineage import queries

    expected = shop.cli("provenance", "ready").stdout
    (shop.path / ".linespec" / "lineage.sqlite").unlink()  # the full CLI, not the fast path
    real = queries.ready_and_blocked
    calls = []

    def flaky(conn: sqlite3.Connection) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
        calls.append(conn)
        if len(calls) == 1:
            raise sqlite3.DatabaseError("database disk image is malformed")
        return real(conn)

    monkeypatch.setattr(queries, "ready_and_blocked", flaky)
    result = shop.cli("provenance", "ready")
    assert (result.exit_code, result.stdout) == (0, expected)
    assert "was damaged (database disk image is malformed); rebuilt it" in result.stderr
    assert len(calls) == 2

    def broken(conn: sqlite3.Connection) -> None:
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(queries, "ready_and_blocked", broken)
    result = shop.cli("provenance", "blocked")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 2  # the warning, then one error line
    assert "the lineage index just built fails: database disk image is malformed" in result.stderr


def test_locked_index_is_rebuilt(shop: Repo) -> None:
    shop.cli("provenance", "lineage", "db", "rebuild")
    index = shop.path / ".linespec" / "lineage.sqlite"
    holder = sqlite3.connect(index, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("DELETE FROM meta")
        result = shop.cli("provenance", "blocked", "--format", "json")
        assert result.exit_code == 0, result.stderr
        assert "unreadable (corrupt or locked); rebuilt it" in result.stderr
        assert json.loads(result.stdout) == [
            {
                "id": "prov-2026-aaaaaaaa",
                "status": "open",
                "title": "Decision aaaa",
                "blocked_by": [
                    {
                        "id": "prov-2026-cccccccc",
                        "relation": "implemented by",
                        "status": "open",
                        "reason": "implemented by prov-2026-cccccccc, which is still open",
                    }
                ],
            }
        ]
    finally:
        holder.close()


def test_unknown_ids_and_cycles(repo: Repo) -> None:
    one, two, lost = "prov-2026-0000000a", "prov-2026-0000000b", "prov-2026-0000000c"
    repo.record(one, status="draft", implements=two)
    repo.record(two, status="draft", extends=one)
    repo.record(lost, status="draft", implements="prov-2026-ffffffff")
    tree = repo.cli("provenance", "lineage", one, "--up")
    assert tree.exit_code == 0, tree.stderr
    assert tree.stdout.splitlines()[1:] == [
        "ancestors:",
        f"  └── implements {two}  Decision {two}  [draft]",
        f"      └── extends {one}  Decision {one}  [draft]  ↺ cycle",
    ]
    missing = repo.cli("provenance", "lineage", lost, "--up").stdout
    assert "implements prov-2026-ffffffff  (no such record)" in missing
    blocked = json.loads(repo.cli("provenance", "blocked", "--format", "json").stdout)
    reasons = {b["id"]: [r["reason"] for r in b["blocked_by"]] for b in blocked}
    assert reasons == {
        one: [f"implements {two}, which is draft"],
        two: [f"extends {one}, which is draft"],
        lost: ["implements prov-2026-ffffffff, which no record has"],
    }
    status = json.loads(
        repo.cli("provenance", "lineage", "db", "status", "--format", "json").stdout
    )
    kinds = {(p["kind"], p["detail"]) for p in status["problems"]}
    assert ("cycle", f"{one} → {two} → {one}") in kinds
    assert ("unknown-id", "implements prov-2026-ffffffff, which no record has") in kinds


def test_shallow_clone_says_history_is_missing(
    shop: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", f"file://{shop.path}", str(clone)], check=True
    )
    (clone / ".linespec.yml").write_text('provenance:\n  lineage:\n    namespace: "urn:x:"\n')
    monkeypatch.chdir(clone)
    result = shop.cli("provenance", "activities", "--format", "json")
    assert "shallow clone" in result.stderr
    found = json.loads(result.stdout)
    assert len(found) == 2
    cut = found[-1]
    assert cut["history_cut_here"] is True
    # Present where the history is cut: not guessed to be created there.
    assert {c["kind"] for c in cut["changes"]} == {"snapshot"}
    data = json.loads(shop.cli("provenance", "export", "--include-commits", "all").stdout)
    assert "wasGeneratedBy" not in data or all(
        not g["prov:entity"].startswith("rec:") for g in data["wasGeneratedBy"].values()
    )
    assert any(a.get("ls:historyCutHere") for a in data["activity"].values())


def test_history_parses_hostile_messages_across_chunk_boundaries(repo: Repo) -> None:
    repo.record("prov-2026-0000aaaa")
    repo.commit_all("first\n\nbody with \x1elinespec-commit and\ttabs\n\n:100644 fake raw")
    repo.write("weird name\n.txt", "x\n")
    repo.git("add", "-A")
    repo.git("-c", "user.email=", "commit", "-q", "--no-verify", "--allow-empty-message", "-m", "")
    whole = list(git.history(repo.path))
    assert [(fields[-1], changes) for fields, changes in whole] == [
        (fields[-1], changes) for fields, changes in git.history(repo.path, chunk=7)
    ]
    assert [change[3] for change in whole[0][1]] == ["weird name\n.txt"]
    assert whole[1][0][-1].startswith("first\n\nbody with \x1elinespec-commit")
    assert [change[2:] for change in whole[1][1]] == [("A", "provenance/prov-2026-0000aaaa.yml")]
    assert next(git.history(repo.path / "provenance", rev="HEAD~1"))[0][0] == whole[1][0][0]


def test_history_before_the_first_commit_is_empty(repo: Repo) -> None:
    assert list(git.history(repo.path)) == []
    repo.record("prov-2026-0000aaaa", status="draft")
    assert "prov-2026-0000aaaa  draft → open" in repo.cli("provenance", "ready").stdout


# ---- trailers and agents -----------------------------------------------------------------


def test_trailers_and_agents() -> None:
    message = (
        "Subject\n\nBody text.\n\nCo-authored-by: Claude <noreply@anthropic.com>\n"
        "Co-authored-by: Dana Lee <dana@example.com>\nGenerated-by: Aider\n"
        "Co-authored-by:\nSigned-off-by: Bob <bob@example.com>\n"
    )
    who = commit_agents(("Bob", "bob@example.com"), ("Bob", "bob@example.com"), message)
    roles = [(a.name, a.software, role) for a, role in who.roles]
    assert roles == [
        ("Bob", False, "author"),
        ("Claude", True, "coauthor"),
        ("Dana Lee", False, "coauthor"),
        ("Aider", True, "tool"),
    ]
    bob = agent_id("Bob", "bob@example.com")
    assert who.delegations == {
        agent_id("Claude", "noreply@anthropic.com"): bob,
        agent_id("Aider", ""): bob,
    }
    assert who.malformed == ["co-authored-by:"]
    # Not a trailer block (a prose line in it): nothing is read from it.
    assert trailers("S\n\nCo-authored-by: X <x@y>\nthis is prose\n") == []
    assert trailers("Co-authored-by: X <x@y>") == []
    # Ids are the UUIDv5 of the e-mail, whatever the name or case.
    assert agent_id("B", "BOB@example.com") == bob
    nameless = commit_agents(("", ""), ("Bob", "bob@example.com"), "x")
    assert nameless.malformed == ["author without name or e-mail"]


@given(st.text(max_size=60))
@settings(max_examples=200, deadline=None)
def test_person_parser_never_fails_and_keeps_well_formed_input(text: str) -> None:
    parsed = parse_person(text)
    if parsed is not None:
        name, email = parsed
        assert name
        assert "<" not in email and ">" not in email


@given(
    st.text(st.characters(blacklist_characters="<>\n\r", blacklist_categories=("Cs",)), min_size=1),
    st.from_regex(r"[a-z0-9.]{1,10}@[a-z]{1,8}\.[a-z]{2,4}", fullmatch=True),
)
@settings(max_examples=100, deadline=None)
def test_person_parser_reads_name_and_email(name: str, email: str) -> None:
    parsed = parse_person(f"{name} <{email}>")
    assert parsed == ((name.strip() or email), email)


def test_sealed_at_sha_is_an_attribute_and_records_without_history_export(repo: Repo) -> None:
    repo.record("prov-2026-0000aaaa", status="implemented", sealed_at_sha="abc123")
    repo.write(".linespec.yml", 'provenance:\n  lineage:\n    namespace: "urn:shop:"\n')
    data = json.loads(repo.cli("provenance", "export", "--include-commits", "all").stdout)
    entity = data["entity"]["rec:prov-2026-0000aaaa"]
    assert entity["ls:sealedAtSha"] == "abc123"
    assert data["prefix"]["rec"] == "urn:shop:record/"
    assert "activity" not in data


# ---- review fixes -----------------------------------------------------------------------


def test_index_follows_shared_records_including_a_directory_that_appears_later(
    repo: Repo, tmp_path: Path
) -> None:
    team, later = tmp_path / "team", tmp_path / "later"
    brief, other, mine = "prov-2026-5ea4ed01", "prov-2026-5ea4ed02", "prov-2026-00000001"
    team.mkdir()
    (team / f"{brief}.yml").write_text(record_text(brief, "draft", "team@example.com"))
    repo.write(".linespec.yml", f"provenance:\n  shared_repos:\n    - {team}\n    - {later}\n")
    repo.record(mine, status="draft", implements=brief)
    repo.record("prov-2026-00000002", status="draft", implements=other)
    assert f"implements {brief}, which is draft" in repo.cli("provenance", "blocked").stdout
    # A sync changes a shared record: the index must not count as fresh.
    (team / f"{brief}.yml").write_text(record_text(brief, "open", "team@example.com"))
    assert f"{mine}  draft → open" in repo.cli("provenance", "ready").stdout
    # A shared directory missing when the index was built is noticed when it appears,
    # by the fast path (which re-stats only the directories the index names) too.
    later.mkdir()
    (later / f"{other}.yml").write_text(record_text(other, "open", "team@example.com"))
    code, out, err, _ = fast(repo.path, "provenance", "ready")
    assert (code, err) == (0, ""), err
    assert "prov-2026-00000002  draft → open" in out
    # Built from what it loaded, the index is fresh for the fast path right away.
    code, _, _, heavy = fast(repo.path, "provenance", "ready")
    assert (code, heavy) == (0, [])


def test_a_thousand_deep_implements_chain_renders_in_every_format(repo: Repo) -> None:
    ids = [f"prov-2026-{n:08x}" for n in range(1000)]
    repo.record(ids[0])
    for parent, child in itertools.pairwise(ids):
        repo.record(child, implements=parent)
    text = repo.cli("provenance", "lineage", ids[-1], "--up")
    assert text.exit_code == 0, text.stderr
    lines = text.stdout.splitlines()
    assert len(lines) == 1001
    assert lines[-1] == "  " + "    " * 998 + f"└── implements {ids[0]}  Decision {ids[0]}  [open]"
    down = repo.cli("provenance", "lineage", ids[0], "--down", "--format", "mermaid")
    assert down.exit_code == 0, down.stderr
    assert down.stdout.count(" -->|implements| ") == 999
    assert down.stdout.splitlines()[-1] == "    n999 -->|implements| n998"
    result = repo.cli("provenance", "lineage", ids[500], "--format", "json")
    assert result.exit_code == 0, result.stderr
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)  # only to check the output with the recursive json module
    try:
        data = json.loads(result.stdout)
        same = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    finally:
        sys.setrecursionlimit(limit)
    assert result.stdout == same
    for key, count in (("ancestors", 500), ("descendants", 499)):
        level, depth = data[key], 0
        while level:
            [node] = level
            level, depth = node["children"], depth + 1
        assert depth == count


def test_mermaid_draws_each_edge_once_in_first_seen_order() -> None:
    from linespec.render import lineage as render

    def node(n: int) -> dict[str, Any]:
        return {"id": f"r{n}", "kind": "implements", "title": "", "status": "", "children": []}

    root = node(0)
    # A record reached twice (a diamond) is drawn as one edge; speed at scale is
    # benchmarks/lineage.py's business, not a unit test's.
    tree = {**root, "children": [node(2), node(1), node(2)]}
    chart = render.lineage_mermaid(root, {"down": tree})
    assert chart.splitlines()[1:] == [
        '    n0["r0<br/>"]',
        '    n1["r2<br/>"]',
        '    n2["r1<br/>"]',
        "    n1 -->|implements| n0",
        "    n2 -->|implements| n0",
    ]


def test_blob_stream_fails_loudly_when_git_does(tmp_path: Path) -> None:
    from linespec.errors import GitError

    with pytest.raises(GitError, match=r"git cat-file failed: .*not a git repository"):
        list(git.blob_stream(tmp_path, ["0" * 40]))


def test_blob_stream_closed_early_is_no_error(shop: Repo) -> None:
    blobs = shop.git("rev-parse", "HEAD:app.py", "HEAD:.gitignore").split()
    stream = git.blob_stream(shop.path, blobs)
    assert next(stream) == (blobs[0], b"print('checkout')\n")
    stream.close()


def test_agent_id_is_computed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import uuid

    from linespec.core.lineage.history import Agent

    calls: list[str] = []
    real = uuid.uuid5

    def counting(namespace: uuid.UUID, name: str) -> uuid.UUID:
        calls.append(name)
        return real(namespace, name)

    monkeypatch.setattr(uuid, "uuid5", counting)
    agent = Agent("Once Only", "once-only@example.com", False)
    assert {Agent("Once Only", "once-only@example.com", False).id for _ in range(12)} == {agent.id}
    assert calls == ["mailto:once-only@example.com"]
