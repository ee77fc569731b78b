"""graph (§12.2): the tree, --root, --filter, JSON, DOT and mermaid."""

from __future__ import annotations

import io
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from linespec.core.graph import RecordSet
from linespec.core.graphview import Forest
from linespec.core.model import Record
from linespec.render import graph as render
from tests.conftest import Repo, run_watching_imports

BRIEF = "prov-2026-00000001"
BLUEPRINT = "prov-2026-00000002"
IMPRINT = "prov-2026-00000003"
OLDEST = "prov-2026-00000004"
MIDDLE = "prov-2026-00000005"
NEWEST = "prov-2026-00000006"
BUG = "prov-2026-00000007"
RETIRED = "prov-2026-00000008"
SPECS = [{"path": "tests/test_app.py"}]


@pytest.fixture
def small(repo: Repo) -> Repo:
    """brief → blueprint → imprint, a three-record chain, a bug and a related link.

    Written newest first so that load order (file names) differs from nothing: the output
    must come out sorted whatever order the files were created in.
    """
    repo.record(
        RETIRED,
        title="Old cron job",
        status="deprecated",
        type="",
        related=[OLDEST, BLUEPRINT, OLDEST],
    )
    repo.record(BUG, title="Cache misses on sale days", type="bug", extends=BLUEPRINT)
    repo.record(NEWEST, title="Use signed webhooks", supersedes=MIDDLE, associated_specs=SPECS)
    repo.record(
        MIDDLE,
        title="Use webhooks",
        status="superseded",
        supersedes=OLDEST,
        superseded_by=NEWEST,
    )
    repo.record(OLDEST, title="Poll the queue", status="superseded", superseded_by=MIDDLE)
    repo.record(
        IMPRINT, title="Wire the cache", status="draft", type="imprint", implements=BLUEPRINT
    )
    repo.record(BLUEPRINT, title="Cache prices", implements=BRIEF)
    repo.record(BRIEF, title="Checkout must be fast", status="implemented", type="brief")
    return repo


def _ok(repo: Repo, *args: str) -> str:
    result = repo.cli("provenance", "graph", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


# --- the human tree ----------------------------------------------------------------------


def test_plain_tree_follows_chains_and_tiers(small: Repo) -> None:
    assert _ok(small) == (
        "\nPROVENANCE GRAPH\n\n"
        f"{BRIEF}  implemented  Checkout must be fast\n"
        f"  ↳ [blueprint] {BLUEPRINT}  open ⚠  Cache prices\n"
        f"    ↳ [imprint] {IMPRINT}  draft  Wire the cache\n"
        f"{OLDEST}  superseded  Poll the queue\n"
        f"  └─ {MIDDLE}  superseded  Use webhooks\n"
        f"    └─ {NEWEST}  open  Use signed webhooks\n"
        f"{BUG}  open ⚠  Cache misses on sale days\n"
        f"{RETIRED}  deprecated  Old cron job\n"
        "\n\n"
    )


def test_empty_repository(repo: Repo) -> None:
    assert _ok(repo) == "\nPROVENANCE GRAPH\n\n\n\n"


def test_root_with_a_parent_shows_the_parent_then_the_subtree(small: Repo) -> None:
    assert _ok(small, "--root", IMPRINT) == (
        "\nPROVENANCE GRAPH\n\n"
        f"{BLUEPRINT}  open ⚠  Cache prices\n"
        f"  ↳ [imprint] {IMPRINT}  draft  Wire the cache\n\n"
    )
    assert _ok(small, "--root", BLUEPRINT) == (
        "\nPROVENANCE GRAPH\n\n"
        f"{BRIEF}  implemented  Checkout must be fast\n"
        f"  ↳ [blueprint] {BLUEPRINT}  open ⚠  Cache prices\n"
        f"    ↳ [imprint] {IMPRINT}  draft  Wire the cache\n\n"
    )


def test_root_without_a_parent_starts_at_the_root(small: Repo) -> None:
    assert _ok(small, "--root", MIDDLE) == (
        "\nPROVENANCE GRAPH\n\n"
        f"{MIDDLE}  superseded  Use webhooks\n"
        f"  └─ {NEWEST}  open  Use signed webhooks\n\n"
    )


def test_filter_keeps_the_superseded_records_that_lead_to_a_match(small: Repo) -> None:
    # The blueprint's brief is filtered out, so the blueprint is listed flat after the tree.
    assert _ok(small, "--filter", "open") == (
        "\nPROVENANCE GRAPH\n\n"
        f"{OLDEST}  superseded  Poll the queue\n"
        f"  └─ {MIDDLE}  superseded  Use webhooks\n"
        f"    └─ {NEWEST}  open  Use signed webhooks\n"
        f"{BUG}  open ⚠  Cache misses on sale days\n"
        "\n"
        f"  {BLUEPRINT}  open ⚠  Cache prices\n"
        "\n"
    )


def test_filter_by_tag(repo: Repo) -> None:
    repo.record("prov-2026-0000000a", tags=["api"])
    repo.record("prov-2026-0000000b", tags=["db"])
    out = _ok(repo, "--filter", "tag:api")
    assert "prov-2026-0000000a" in out
    assert "prov-2026-0000000b" not in out


def test_filter_applies_below_the_root_but_not_to_it(small: Repo) -> None:
    out = _ok(small, "--root", BRIEF, "--filter", "implemented")
    assert out == f"\nPROVENANCE GRAPH\n\n{BRIEF}  implemented  Checkout must be fast\n\n"


def test_unresolved_implements_still_shows_its_subtree(repo: Repo) -> None:
    # The parent may live in a shared repository that has not been synced yet.
    repo.record("prov-2026-0000000a", implements="prov-2026-ffffffff")
    repo.record("prov-2026-0000000b", type="imprint", implements="prov-2026-0000000a")
    assert _ok(repo).splitlines()[3:5] == [
        "prov-2026-0000000a  open ⚠  Decision prov-2026-0000000a",
        "  ↳ [imprint] prov-2026-0000000b  open ⚠  Decision prov-2026-0000000b",
    ]


def _forest(*records: Record) -> Forest:
    return Forest(RecordSet(list(records)))


def _remote(record_id: str, **fields: Any) -> Record:
    return Record(id=record_id, status="open", **fields).attach(
        Path(f"/cache/{record_id}.yml"), remote=True
    )


def test_remote_records_are_marked() -> None:
    forest = _forest(_remote(BRIEF, title="Shared brief", type="brief"))
    assert f"{BRIEF}  open ⚠  Shared brief [remote]\n" in render.plain(forest.tree())
    nodes, _ = forest.nodes()
    assert nodes[0]["remote"] is True
    assert "Shared brief #91;remote#93;" in render.mermaid(forest.ordered, forest.edges())


def test_terminal_output_is_a_rich_tree(small: Repo) -> None:
    from linespec.core.workspace import open_workspace

    forest = Forest(open_workspace(small.path).records)
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system=None, width=200)
    tree = forest.tree()
    render.rich_lines(console, tree.lines, tree.loose)
    text = buffer.getvalue()
    assert "PROVENANCE GRAPH" in text
    assert re.search(rf"└── ↳ \[blueprint\] {BLUEPRINT}  open ⚠  Cache prices", text)
    assert re.search(rf"└── {NEWEST}  open  Use signed webhooks", text)


# --- JSON ------------------------------------------------------------------------------


def _walk(nodes: list[dict[str, Any]]) -> list[str]:
    ids: list[str] = []
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        ids.append(node["id"])
        below = node.get("children", []) + node.get("implements_nodes", [])
        stack.extend(reversed(below))
    return ids


def test_json_nodes_nest_chains_and_tiers(small: Repo) -> None:
    data = json.loads(_ok(small, "--format", "json"))
    assert list(data) == ["nodes", "edges"]
    nodes = data["nodes"]
    assert [n["id"] for n in nodes] == [BRIEF, OLDEST, BUG, RETIRED]
    assert _walk(nodes) == [BRIEF, BLUEPRINT, IMPRINT, OLDEST, MIDDLE, NEWEST, BUG, RETIRED]
    brief = nodes[0]
    assert brief == {
        "id": BRIEF,
        "title": "Checkout must be fast",
        "status": "implemented",
        "type": "brief",
        "implemented_by": [BLUEPRINT],
        "implements_nodes": [
            {
                "id": BLUEPRINT,
                "title": "Cache prices",
                "status": "open",
                "type": "blueprint",
                "implements": BRIEF,
                "implemented_by": [IMPRINT],
                "implements_nodes": [
                    {
                        "id": IMPRINT,
                        "title": "Wire the cache",
                        "status": "draft",
                        "type": "imprint",
                        "implements": BLUEPRINT,
                    }
                ],
            }
        ],
    }
    middle = nodes[1]["children"][0]
    assert (middle["supersedes"], middle["superseded_by"]) == (OLDEST, NEWEST)
    assert nodes[3]["type"] == "blueprint"  # written as `type:` with no value


def test_json_edges_are_typed_and_unique(small: Repo) -> None:
    data = json.loads(_ok(small, "--format", "json"))
    assert data["edges"] == [
        {"from": BLUEPRINT, "to": BRIEF, "edge_type": "implements"},
        {"from": IMPRINT, "to": BLUEPRINT, "edge_type": "implements"},
        {"from": MIDDLE, "to": OLDEST, "edge_type": "supersedes"},
        {"from": NEWEST, "to": MIDDLE, "edge_type": "supersedes"},
        {"from": BUG, "to": BLUEPRINT, "edge_type": "extends"},
        {"from": RETIRED, "to": OLDEST, "edge_type": "related"},
        {"from": RETIRED, "to": BLUEPRINT, "edge_type": "related"},
    ]


def test_json_of_nothing_is_null(repo: Repo) -> None:
    assert _ok(repo, "--format", "json") == '{\n  "nodes": null,\n  "edges": null\n}\n'


def test_json_ignores_root_and_filter_and_says_so(small: Repo) -> None:
    result = small.cli("provenance", "graph", "--format", "json", "--filter", "open")
    assert result.exit_code == 0
    assert len(_walk(json.loads(result.stdout)["nodes"])) == 8
    assert "do not apply to --format json" in result.stderr


def test_every_record_appears_once_even_in_an_implements_cycle() -> None:
    a = Record(id="prov-2026-0000000a", status="open", implements="prov-2026-0000000b")
    b = Record(id="prov-2026-0000000b", status="open", implements="prov-2026-0000000a")
    forest = _forest(a, b)
    nodes, _ = forest.nodes()
    assert sorted(_walk(nodes)) == [a.id, b.id]
    assert [r.id for r in forest.tree().loose] == [a.id, b.id]


# --- DOT ---------------------------------------------------------------------------------


def test_dot_colours_statuses_and_escapes_titles(small: Repo) -> None:
    small.record("prov-2026-00000009", title='Say "hi" \\o/')
    out = _ok(small, "--format", "dot")
    lines = out.splitlines()
    assert lines[:3] == ["digraph ProvenanceGraph {", "  rankdir=TB;", "  node [shape=box];"]
    assert lines[-1] == "}"
    assert f'  "{BRIEF}" [label="{BRIEF}\\nCheckout must be fast", color=green];' in lines
    assert f'  "{OLDEST}" -> "{MIDDLE}";' in lines
    assert '  "prov-2026-00000009" [label="prov-2026-00000009\\nSay \\"hi\\" \\\\o/", ' in out
    node = re.compile(
        r'  "[^"\\]+" \[label="(?:[^"\\]|\\.)*", color=(orange|green|gray|red|black)\];'
    )
    edge = re.compile(r'  "[^"\\]+" -> "[^"\\]+";')
    assert all(node.fullmatch(line) or edge.fullmatch(line) for line in lines[3:-1])
    colours = {line.split('"')[1]: line.rsplit("=", 1)[1] for line in lines if "label=" in line}
    assert colours[NEWEST] == "orange];"
    assert colours[OLDEST] == "gray];"
    assert colours[RETIRED] == "red];"
    assert colours[IMPRINT] == "black];"


# --- mermaid -----------------------------------------------------------------------------

MERMAID_ID = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def test_mermaid_flowchart_with_status_classes_and_labelled_edges(small: Repo) -> None:
    out = _ok(small, "--format", "mermaid")
    lines = out.splitlines()
    assert lines[0] == "flowchart TD"
    assert f'    prov_2026_00000006["{NEWEST} · open<br/>Use signed webhooks"]' in lines
    assert "    prov_2026_00000005 -->|supersedes| prov_2026_00000004" in lines
    assert "    prov_2026_00000002 ==>|implements| prov_2026_00000001" in lines
    assert "    prov_2026_00000007 -.->|extends| prov_2026_00000002" in lines
    assert "    prov_2026_00000008 -.-|related| prov_2026_00000004" in lines
    for status in ("draft", "open", "implemented", "superseded", "deprecated"):
        assert any(line.startswith(f"    classDef {status} fill:") for line in lines)
    assert "    class prov_2026_00000004,prov_2026_00000005 superseded" in lines
    assert "    class prov_2026_00000002,prov_2026_00000006,prov_2026_00000007 open" in lines
    used = [line.split()[0].split("[")[0] for line in lines if '["' in line or "|" in line]
    used += [line.split()[-1] for line in lines if "|" in line]
    used += [
        i for line in lines if line.startswith("    class ") for i in line.split()[1].split(",")
    ]
    assert used
    assert all(MERMAID_ID.fullmatch(i) for i in used), used


def test_mermaid_escapes_what_would_break_a_label(repo: Repo) -> None:
    repo.write(
        "provenance/prov-2026-0000000a.yml",
        """\
        id: prov-2026-0000000a
        title: 'Fix "quoted" [x] #1; <b>y</b> | `t` {c} (p)'
        status: open
        created_at: "2026-03-15"
        author: dev@example.com
        related:
          - end
        """,
    )
    out = _ok(repo, "--format", "mermaid")
    assert (
        '    prov_2026_0000000a["prov-2026-0000000a · open ⚠<br/>Fix #34;quoted#34; #91;x#93; '
        '#35;1#59; #60;b#62;y#60;/b#62; #124; #96;t#96; #123;c#125; #40;p#41;"]'
    ) in out.splitlines()
    # A reference to no record still draws, under an ID that is no mermaid keyword.
    assert '    r_end["end<br/>(not found)"]' in out
    assert "    prov_2026_0000000a -.-|related| r_end" in out


def test_mermaid_honours_root_and_filter(small: Repo) -> None:
    out = _ok(small, "--format", "mermaid", "--root", IMPRINT)
    nodes = [line.split("[")[0].strip() for line in out.splitlines() if '["' in line]
    assert nodes == ["prov_2026_00000002", "prov_2026_00000003"]
    assert "prov_2026_00000007" not in out  # the bug's extends edge leaves the selection
    filtered = _ok(small, "--format", "mermaid", "--filter", "superseded")
    assert [line.split("[")[0].strip() for line in filtered.splitlines() if '["' in line] == [
        "prov_2026_00000004",
        "prov_2026_00000005",
    ]


def test_mermaid_warns_when_too_big_for_github(repo: Repo) -> None:
    ids = [f"prov-2026-{i:08x}" for i in range(260)]
    for i, record_id in enumerate(ids):
        repo.record(record_id, related=[ids[i - 1], ids[i - 2]])
    result = repo.cli("provenance", "graph", "--format", "mermaid")
    assert result.exit_code == 0
    assert result.stdout.startswith("flowchart TD\n")
    assert "260 records and 520 edges exceed what mermaid draws" in result.stderr
    assert _ok(repo, "--format", "mermaid", "--root", ids[0]).count("-.-|related|") == 0


# --- scale and errors --------------------------------------------------------------------


def test_deep_chain_renders_without_recursion(repo: Repo) -> None:
    ids = [f"prov-2026-{i:08x}" for i in range(2000)]
    repo.record(ids[0], status="superseded", superseded_by=ids[1])
    for prev, cur, nxt in zip(ids, ids[1:], [*ids[2:], ""], strict=False):
        extra = {"superseded_by": nxt, "status": "superseded"} if nxt else {}
        repo.record(cur, supersedes=prev, **extra)
    limit = sys.getrecursionlimit()
    start = time.perf_counter()
    out = _ok(repo)
    lines = out.splitlines()
    assert lines[3] == f"{ids[0]}  superseded  Decision {ids[0]}"
    assert lines[3 + 1999] == " " * 3998 + f"└─ {ids[-1]}  open ⚠  Decision {ids[-1]}"
    text = _ok(repo, "--format", "json")
    # Python's own decoder recurses once per level: each chain link nests two.
    sys.setrecursionlimit(20_000)
    try:
        nodes = json.loads(text)["nodes"]
    finally:
        sys.setrecursionlimit(limit)
    assert len(nodes) == 1
    assert len(_walk(nodes)) == 2000
    assert time.perf_counter() - start < 10


def test_deep_json_is_byte_identical_to_the_shallow_encoder() -> None:
    from linespec.render import jsonout

    value: dict[str, Any] = {"id": "a<&>", "n": [1, True, None, 2.5, "é\u2028"], "e": []}
    for _ in range(5):
        value = {"children": [value, {}], "x": "y"}
    assert "".join(render._deep_chunks(value, size=3)) == jsonout.dumps(value)
    for _ in range(300):  # past orjson's nesting limit
        value = {"children": [value]}
    expected = json.dumps(value, indent=2, ensure_ascii=False).translate(jsonout.GO_ESCAPES)
    assert "".join(render._deep_chunks(value)) == expected + "\n"


def test_unknown_root_is_an_error(small: Repo) -> None:
    result = small.cli("provenance", "graph", "--root", "prov-2026-99999999")
    assert result.exit_code == 1
    assert "Record not found: prov-2026-99999999" in result.stderr
    assert result.stdout == ""


def test_bad_filter_and_format_are_usage_errors(small: Repo) -> None:
    bad_filter = small.cli("provenance", "graph", "--filter", "opened")
    assert bad_filter.exit_code == 2
    assert 'unknown filter "opened"' in bad_filter.stderr
    assert small.cli("provenance", "graph", "--format", "svg").exit_code == 2


# --- the fast path: JSON and DOT from the scope cache ------------------------------------


Capsys = pytest.CaptureFixture[str]


def _fast(repo: Repo, capsys: Capsys, *args: str) -> tuple[int | None, str]:
    """What the fast path answers (None: it declined), and what it printed."""
    from linespec.cli import graphfast

    repo.cli("provenance", "status")  # leaves a fresh scope cache
    capsys.readouterr()
    code = graphfast.run(["provenance", "graph", *args])
    return code, capsys.readouterr().out


def _full(capsys: Capsys, *args: str) -> str:
    """What the typer command prints."""
    from linespec.cli.main import run

    capsys.readouterr()
    assert run(["provenance", "graph", *args]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("output", ["json", "dot"])
def test_the_fast_path_draws_what_the_full_cli_draws(
    small: Repo, capsys: Capsys, output: str
) -> None:
    small.record(
        "prov-2026-00000009",
        title="'Ünïcode \"quotes\" \\\\ and <tags>'",
        related=[BRIEF, "prov-2026-0000dead"],
        extends="prov-2026-0000beef",
    )
    small.record("prov-2026-0000000a", title="''", type="")
    code, fast = _fast(small, capsys, "--format", output)
    assert code == 0, "the fast path declined a fresh cache"
    assert fast == _full(capsys, "--format", output)
    assert "prov-2026-0000dead" in fast or output == "dot"


def test_a_fast_graph_loads_neither_typer_nor_pydantic(small: Repo) -> None:
    small.cli("provenance", "status")
    code, out, err, loaded = run_watching_imports(
        small.path, "provenance", "graph", "--format", "json"
    )
    assert (code, err, loaded) == (0, "", [])
    assert json.loads(out)["nodes"][0]["id"] == BRIEF


def test_an_edited_record_is_drawn_as_it_now_is(small: Repo, capsys: Capsys) -> None:
    small.cli("provenance", "status")
    small.record(BRIEF, title="Checkout must be instant", status="implemented", type="brief")
    result = small.cli("provenance", "graph", "--format", "json")
    assert json.loads(result.stdout)["nodes"][0]["title"] == "Checkout must be instant"
    assert _fast(small, capsys, "--format", "json")[0] == 0  # the full CLI refreshed the cache


def _index(repo: Repo) -> Path:
    return repo.path / ".linespec" / "scope-index.json"


def _each(change: Any) -> Any:
    return lambda data: [change(entry) for entry in data["entries"]]


def _go_index(data: dict[str, Any]) -> None:
    """What the Go tool writes: no format number, only its own keys."""
    del data["linespec"]
    go_keys = ("id", "status", "type", "affected_scope", "forbidden_scope", "implements")
    data["entries"] = [
        {k: v for k, v in e.items() if k in (*go_keys, "has_specs")} for e in data["entries"]
    ]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(_each(lambda e: e.update(title=7)), id="a title that is no string"),
        pytest.param(_each(lambda e: e.update(related="x")), id="related not a list"),
        pytest.param(_each(lambda e: e.update(forbidden_scope=True)), id="a scope not a list"),
        pytest.param(_each(lambda e: e.update(id=BLUEPRINT)), id="a duplicated id"),
        pytest.param(lambda data: data["entries"].append({}), id="an empty entry"),
        pytest.param(_each(lambda e: e.pop("id")), id="entries without ids"),
        pytest.param(lambda data: data.pop("linespec"), id="no format number (an older index)"),
        pytest.param(_go_index, id="the Go tool's index"),
    ],
)
def test_a_cache_that_is_not_ours_or_is_damaged_is_not_drawn_from(
    small: Repo, capsys: Capsys, damage: Any
) -> None:
    expected = _full(capsys, "--format", "json")
    small.cli("provenance", "status")
    data = json.loads(_index(small).read_bytes())
    damage(data)
    _index(small).write_text(json.dumps(data, separators=(",", ":")))
    from linespec.cli import graphfast

    assert graphfast.run(["provenance", "graph", "--format", "json"]) is None
    assert small.cli("provenance", "graph", "--format", "json").stdout == expected


def test_an_index_the_go_tool_wrote_is_rewritten_by_the_next_loading_command(
    small: Repo, capsys: Capsys
) -> None:
    small.cli("provenance", "status")
    data = json.loads(_index(small).read_bytes())
    _go_index(data)
    _index(small).write_text(json.dumps(data, separators=(",", ":")))
    assert small.cli("provenance", "status").exit_code == 0
    assert json.loads(_index(small).read_bytes())["linespec"] == 2
    from linespec.cli import graphfast

    assert graphfast.run(["provenance", "graph", "--format", "json"]) == 0


@pytest.mark.parametrize(
    "args",
    [
        ("--format", "human"),
        ("--format", "mermaid"),
        ("--format", "json", "--root", BRIEF),
        ("--format", "json", "--filter", "open"),
        ("--format", "json", "-c", ".linespec.yml"),
        ("--format", "json", "extra"),
    ],
)
def test_the_fast_path_leaves_other_requests_to_the_full_cli(
    small: Repo, capsys: Capsys, args: Any
) -> None:
    code, _ = _fast(small, capsys, *args)
    assert code is None


def test_a_config_only_the_full_validator_may_judge_goes_to_the_full_cli(
    small: Repo, capsys: Capsys
) -> None:
    small.write(".linespec.yml", "provenance:\n  shared_repos: [../elsewhere]\n")
    code, _ = _fast(small, capsys, "--format", "json")
    assert code is None
