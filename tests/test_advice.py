"""context, govern and next: the decision table, file names, the scope cache and the fast path."""

from __future__ import annotations

import json
import os
import random
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linespec.cli.main import run as full_cli
from linespec.core import scopecache
from linespec.core.advice import (
    Entry,
    Scopes,
    advise,
    entries_from_cache,
    govern,
    resolve_paths,
)
from linespec.core.scope import PatternError, is_in_scope
from tests.conftest import Repo, run_watching_imports

BP = "prov-2026-0000aaaa"
BP2 = "prov-2026-0000bbbb"
OLD = "prov-2026-0000cccc"
IMP = "prov-2026-0000dddd"
DRAFT = "prov-2026-0000eeee"
CREATE = 'linespec provenance create --title "..." --type blueprint --no-edit'


def entry(
    rid: str,
    status: str = "open",
    type_: str = "blueprint",
    affected: Sequence[str] = (),
    forbidden: Sequence[str] = (),
    implements: str = "",
    specs: bool = True,
) -> Entry:
    return Entry(rid, status, type_, tuple(affected), tuple(forbidden), implements, specs)


def nothing() -> list[str]:
    return []


def ask(
    entries: list[Entry],
    files: Sequence[str] | None,
    staged: Sequence[str] = (),
    changed: Sequence[str] = (),
    tag_required: bool = False,
) -> dict[str, object]:
    action = advise(entries, files, lambda: staged, lambda: changed, tag_required)[0]
    return {k: v for k, v in action._asdict().items() if v}


# --- The decision table (§12.5), rule by rule -------------------------------------------


def test_rule1_one_open_record_governing_is_active() -> None:
    entries = [entry(BP, affected=["src/**"]), entry(BP2, affected=["lib/**"])]
    assert ask(entries, ["src/a.py"]) == {
        "kind": "complete",
        "reason": f"Specs are present and no imprints are pending — show proof, then complete "
        f"{BP}.",
        "command": f"linespec provenance complete --record {BP}",
        "record_id": BP,
    }


def test_rule1_several_open_records_is_choose_record_sorted() -> None:
    entries = [entry(BP2, affected=["src/**"]), entry(BP, affected=["src/a.py"])]
    action = ask(entries, ["src/a.py", "src/a.py", "x"])
    assert action == {
        "kind": "choose_record",
        "reason": f"Multiple open records govern src/a.py, x: {BP}, {BP2}. Work under ONE of "
        "them and tag your commits with it — do NOT supersede the others.",
        "governing": (BP, BP2),
    }


def test_only_allowlist_top_level_open_records_govern() -> None:
    entries = [
        entry(BP),  # observed mode: permits every file, claims none
        entry(BP2, type_="brief", affected=["src/**"]),
        entry(IMP, type_="imprint", affected=["src/**"]),
        entry(OLD, status="implemented", affected=["src/**"]),
    ]
    action = ask(entries, ["src/a.py"])
    assert action["kind"] == "create"
    assert action["governing"] == (BP2, OLD, IMP)
    assert str(action["reason"]).startswith("3 record(s) already govern these files, but you")


def test_rule2_without_files_a_lone_open_record_is_active() -> None:
    assert ask([entry(BP, specs=False), entry(IMP, type_="imprint")], None)["kind"] == "add_spec"
    several = ask([entry(BP2), entry(BP), entry(IMP, type_="imprint")], None)
    assert several["kind"] == "choose_record"
    assert str(several["reason"]).startswith(
        f"Multiple open records govern the files in play: {BP}"
    )


def test_rule3_order_scope_spec_commit_imprint_complete() -> None:
    active = entry(BP, affected=["src/**"], specs=False)
    imprint = entry(IMP, status="open", type_="imprint", implements=BP)
    scope = ask([active, imprint], ["src/a.py", "lib/b.py", "docs/c.md"], staged=["src/a.py"])
    assert scope["kind"] == "add_scope"
    assert scope["record_id"] == BP
    assert str(scope["reason"]).startswith(
        f"Blocked by filesystem enforcement: lib/b.py, docs/c.md not yet in open record {BP}'s"
    )
    spec = ask([active, imprint], ["src/a.py"], staged=["src/a.py"])
    assert spec["kind"] == "add_spec"
    assert "associated_specs:" in str(spec["detail"])
    with_specs = active._replace(has_specs=True)
    commit = ask([with_specs, imprint], ["src/a.py"], staged=["other"])
    assert commit == {
        "kind": "commit",
        "reason": f"You have staged changes — commit them tagged with {BP}. (commit tag is "
        "optional in this repo, but recommended.)",
        "command": f'git commit -m "<description> [{BP}]"',
        "record_id": BP,
    }
    required = ask([with_specs], ["src/a.py"], staged=["x"], tag_required=True)
    assert required["reason"] == f"You have staged changes — commit them tagged with {BP}."
    later = entry("prov-2026-0000ffff", type_="imprint", implements=BP, status="draft")
    done = entry("prov-2026-00000001", type_="imprint", implements=BP, status="implemented")
    pending = ask([with_specs, later, imprint, done], ["src/a.py"])
    assert pending["kind"] == "implement_imprint"
    assert pending["record_id"] == IMP
    assert pending["command"] == f"linespec provenance complete --record {IMP}"
    assert ask([with_specs, done], ["src/a.py"])["kind"] == "complete"


def test_staged_and_changed_are_asked_only_when_needed() -> None:
    asked: list[str] = []

    def staged() -> list[str]:
        asked.append("staged")
        return []

    def changed() -> list[str]:
        asked.append("changed")
        return []

    advise([entry(BP, affected=["src/**"], specs=False)], ["src/a.py"], staged, changed, False)
    assert asked == []
    advise([entry(BP, affected=["src/**"])], ["src/a.py"], staged, changed, False)
    assert asked == ["staged"]


def test_rule4_drafts() -> None:
    drafts = [
        entry(DRAFT, status="draft", affected=["src/**"]),
        entry(BP, status="draft", affected=["src/a.py"]),
    ]
    assert ask(drafts, ["src/a.py"]) == {
        "kind": "open",
        "reason": f"Draft {BP} covers this work — open it to enable scope/spec enforcement.",
        "command": f"linespec provenance open --record {BP}",
        "record_id": BP,
    }
    assert ask([drafts[0]], None)["kind"] == "open"
    # Several drafts and nothing in play: not a choice, there is simply nothing to do.
    assert ask(drafts, None) == {
        "kind": "none",
        "reason": "No work in flight and no staged changes. Start a blueprint when you begin "
        "a change.",
        "command": CREATE,
    }


def test_rule6_create_and_relevant_files_from_git() -> None:
    entries = [entry(OLD, status="superseded", affected=["src/**"])]
    action = ask(entries, None, staged=["src/a.py"], changed=["src/a.py", "b"])
    assert action["kind"] == "create"
    assert action["governing"] == (OLD,)
    fresh = ask([], ["new.py"])
    assert fresh["reason"] == "No record governs these files — create one blueprint covering them."
    assert "governing" not in fresh


def test_bad_patterns_skip_the_record_as_in_go() -> None:
    # Go's loop errors where it reaches a bad pattern; an error is "not governing".
    before = entry(BP, affected=["src/a.py", "src/a{2,1}*"])
    after = entry(BP2, affected=["src/a{2,1}*", "src/a.py"])
    forbidden = entry(OLD, affected=["src/**"], forbidden=["re:("])
    assert ask([before, after, forbidden], ["src/a.py"])["kind"] == "complete"


def test_govern_lists_active_records_only() -> None:
    entries = [
        entry(BP2, affected=["src/**"]),
        entry(BP, status="implemented", type_="imprint", affected=["src/a.py"]),
        entry(OLD, status="superseded", affected=["src/**"]),
        entry(DRAFT, status="draft", affected=["src/**"]),
        entry(IMP),
    ]
    result = govern(entries, ["src/a.py"], nothing, nothing, False)
    assert [(r.id, r.status) for r in result.governing] == [(BP, "implemented"), (BP2, "open")]
    assert result.next.kind == "complete"
    assert govern(entries, ["lib/x"], nothing, nothing, False).governing == []


# --- Scope matching with the literal-head shortcut ---------------------------------------

PATTERNS = st.sampled_from(
    [
        "src/a.py",
        "src/**",
        "src/*.py",
        "src/**/*.py",
        "**/*.md",
        "*.go",
        "src/?.py",
        "src/[ab].py",
        "src/a{2}.py",
        "src/\\*.py",
        "re:^src/",
        "re:\\.py$",
        "re:b",
        "re:(",
        "src/[a",
        "src/a{2,1}*",
        "*{",
        "docs",
        "docs/",
        "",
        "re:",
        "src/é/*",
    ]
)
PATHS = st.sampled_from(
    [
        "src/a.py",
        "src/b.py",
        "src/aa.py",
        "src/*.py",
        "src/x/y.py",
        "docs/x.md",
        "docs",
        "main.go",
        "README.md",
        "src/é/x",
        "re:b",
        "",
    ]
)


def reference(affected: Sequence[str], forbidden: Sequence[str], path: str) -> bool:
    try:
        return is_in_scope(affected, forbidden, path)
    except PatternError:
        return False


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.lists(PATTERNS, max_size=3), st.lists(PATTERNS, max_size=2)), max_size=6),
    st.lists(PATHS, max_size=4),
)
def test_scopes_agree_with_is_in_scope(
    records: list[tuple[list[str], list[str]]], paths: list[str]
) -> None:
    entries = [entry(f"r{i}", affected=a, forbidden=f) for i, (a, f) in enumerate(records)]
    scopes = Scopes(entries, paths)
    observed = [i for i, e in enumerate(entries) if not e.affected_scope]
    for i, e in enumerate(entries):
        expected = {p for p in paths if e.affected_scope and reference(*e[3:5], p)}
        assert scopes.governed(i) == expected
        assert scopes.governs_any(i) == bool(expected)
    for path in paths:
        admitted = [i for i, e in enumerate(entries) if reference(*e[3:5], path)]
        assert scopes.admitting(path, observed) == admitted


def test_entries_from_cache_reads_go_entries_and_refuses_bad_shapes() -> None:
    go = [{"id": BP, "status": "open", "affected_scope": ["src/**"], "has_specs": True}]
    assert entries_from_cache(go) == [entry(BP, type_="", affected=["src/**"])]
    assert entries_from_cache([{"id": BP}]) == [Entry(BP, "", "", (), (), "", False)]
    for bad in ([1], [{"id": 3}], [{"affected_scope": "src"}], [{"has_specs": "yes"}]):
        assert entries_from_cache(bad) is None


# --- File names as given ----------------------------------------------------------------


def test_resolve_paths(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "src" / "pkg").mkdir(parents=True)
    sub = str(root / "src")
    listed = {"src/pkg": ["src/pkg/a.py", "src/pkg/b.py"]}
    paths = resolve_paths(
        [
            "a.py",  # relative to the current directory, src/
            str(root / "README.md"),
            "../docs/../main.go",
            "./a.py",
            "pkg/",
            "",
            str(tmp_path / "elsewhere.py"),
            "../../x",
        ],
        sub,
        str(root),
        lambda d: listed.get(d, []),
    )
    assert paths.inside == ["src/a.py", "README.md", "main.go", "src/pkg/a.py", "src/pkg/b.py"]
    assert paths.outside == [str(tmp_path / "elsewhere.py"), str(tmp_path / "x")]
    assert paths.shown == paths.inside + paths.outside
    empty = resolve_paths(["pkg"], sub, str(root), lambda d: [])
    assert empty.inside == ["src/pkg"]


# --- The commands on real repositories --------------------------------------------------


@pytest.fixture
def project(repo: Repo) -> Repo:
    repo.write(".linespec.yml", "provenance:\n  exclude_paths:\n    - docs/\n")
    repo.write("src/a.py", "a\n")
    repo.write("docs/guide.md", "guide\n")
    repo.record(OLD, status="superseded", affected_scope=["src/a.py"], superseded_by=BP)
    repo.record(
        BP,
        affected_scope=["src/**"],
        forbidden_scope=["src/secret.py"],
        supersedes=OLD,
        associated_specs=[{"path": "tests/test_a.py", "type": "pytest"}],
    )
    repo.record(BP2, affected_scope=["src/a.py"], type="bug")
    repo.record(DRAFT, status="draft", affected_scope=[])
    repo.commit_all("initial")
    return repo


def slow(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = full_cli(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def fast(repo: Repo, *args: str, cwd: Path | None = None) -> tuple[int, str, str, list[str]]:
    """Run the console entry point in a subprocess; also report the heavy modules it loaded."""
    return run_watching_imports(cwd or repo.path, *args)


def test_context_human(project: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = slow("provenance", "context", "src/a.py", "docs/guide.md", capsys=capsys)
    assert code == 0
    assert err == ""
    assert out.startswith("\nPROVENANCE CONTEXT\n\nFiles: src/a.py, docs/guide.md\n\n")
    assert (
        f"OPEN RECORDS\n\n  {BP}\n  Status: open\n  Title: Decision {BP}\n  Intent:\n"
        "    Keep the service fast.\n  Constraints:\n    · p95 under 50 ms\n  Ancestry:\n"
        f"    Supersedes: {OLD}\n  Affected Scope:\n    · src/**\n  Forbidden Scope:\n"
        f"    · src/secret.py\n\n  {BP2}\n"
    ) in out
    # Observed-mode records match every file in context (the Go tool's quirk).
    assert f"OTHER RECORDS\n\n  {OLD}\n  Status: superseded\n" in out
    assert f"  {DRAFT}\n  Status: draft\n" in out
    assert (
        f"SCOPE CONFLICTS\n\n  ⚠\n    File: src/a.py\n    Conflicting records: {BP}, {BP2}\n"
        in (out)
    )
    assert "EXEMPT FILES\n\n  · docs/guide.md (exempt via exclude_paths)\n\n" in out
    assert out.endswith("✓ 4 record(s) govern these files\n\n")


def test_context_compact_and_json(project: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _, compact, _ = slow(
        "provenance", "context", "--format", "compact", "src/a.py", "docs/guide.md", capsys=capsys
    )
    assert compact.startswith(f"CONTEXT: src/a.py,docs/guide.md\n\nOPEN:\n{BP} Decision {BP}\n")
    assert f"INTENT:Keep the service fast.\nCONSTRAINTS:\n-p95 under 50 ms\nANCESTRY:{OLD}\n" in (
        compact
    )
    assert f"CONFLICTS:\nFILE:src/a.py RECORDS:{BP},{BP2}\n\n" in compact
    assert compact.endswith("EXEMPT:\nFILE:docs/guide.md exempt\n\nTOTAL:4\n")
    _, text, _ = slow(
        "provenance", "context", "--format", "json", "--files", "src/a.py", capsys=capsys
    )
    data = json.loads(text)
    assert list(data) == ["files", "records", "conflicts", "exempt_files", "total_records"]
    assert [r["id"] for r in data["records"]] == [BP, BP2, OLD, DRAFT]
    first = data["records"][0]
    assert first["ancestors"] == [OLD] and first["is_ancestor"] is False
    assert data["conflicts"] == [{"file": "src/a.py", "record_ids": [BP, BP2]}]


def test_context_ancestors_and_nothing_governing(
    project: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    (project.provenance / f"{DRAFT}.yml").unlink()
    _, text, _ = slow("provenance", "context", "--format", "json", "src/z.py", capsys=capsys)
    records = json.loads(text)["records"]
    assert [(r["id"], r["is_ancestor"]) for r in records] == [(BP, False), (OLD, True)]
    assert "affected_scope" not in records[1]
    _, out, _ = slow("provenance", "context", "lib/x.go", capsys=capsys)
    assert out.endswith("→ No provenance records govern these files.\n\n")


def test_context_colours_only_a_terminal(project: Repo) -> None:
    from linespec.core import advice
    from linespec.core.workspace import open_workspace
    from linespec.render import advice as render

    ws = open_workspace(project.path)
    ctx = advice.context(list(ws.records), ["src/a.py"], [])
    plain = render.context_human(ctx, ["src/a.py"], colour=False)
    painted = render.context_human(ctx, ["src/a.py"], colour=True)
    assert "\033[" not in plain
    assert "\n\033[1mPROVENANCE CONTEXT\033[0m\n" in painted
    assert "  Status: \033[36mopen\033[0m\n" in painted
    # Go paints a status it has no colour for with the empty colour, leaving a reset.
    assert "  Status: draft\033[0m\n" in painted


def test_context_needs_files(project: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = slow("provenance", "context", capsys=capsys)
    assert code == 2
    assert "No files specified. Provide file paths as arguments or use --files flag." in err


def test_govern_human_and_json(project: Repo) -> None:
    result = project.cli("provenance", "govern", "src/a.py")
    assert result.exit_code == 0
    assert result.stdout == (
        f"Active records governing src/a.py:\n  · {BP} [open]\n  · {BP2} [open]\n"
    )
    result = project.cli("provenance", "govern", "--json", "--files", "lib/x.go")
    data = json.loads(result.stdout)
    assert data == {
        "files": ["lib/x.go"],
        "governing": [],
        "next": {
            "kind": "create",
            "command": CREATE,
            "reason": "No record governs these files — create one blueprint covering them.",
        },
    }
    text = project.cli("provenance", "govern", "lib/x.go").stdout
    assert text == (
        "No active records govern lib/x.go.\nNext: No record governs these files — create one "
        f"blueprint covering them.\n  {CREATE}\n"
    )


def test_next_human_json_and_file_options(project: Repo) -> None:
    (project.provenance / f"{BP2}.yml").unlink()
    project.commit_all("one open record")
    result = project.cli("provenance", "next", "--plan", "src/a.py,src/b.py")
    assert result.stdout == (
        "Next: Specs are present and no imprints are pending — show proof, then complete "
        f"{BP}.\n  linespec provenance complete --record {BP}\n"
    )
    data = json.loads(project.cli("provenance", "next", "--json", "src/a.py", "lib/x.go").stdout)
    assert data["primary"]["kind"] == "add_scope"
    assert data["actions"] == []
    assert (
        json.loads(project.cli("provenance", "next", "--json", "lib/x.go").stdout)["primary"][
            "kind"
        ]
        == "create"
    )
    both = project.cli(
        "provenance", "next", "--format", "json", "--files", "src/a.py,lib/y", "--plan", "z"
    )
    assert "lib/y, z not yet in open record" in json.loads(both.stdout)["primary"]["reason"]
    project.write("src/a.py", "changed\n")
    project.git("add", "src/a.py")
    assert json.loads(project.cli("provenance", "next", "--json").stdout)["primary"]["kind"] == (
        "commit"
    )
    spec = project.cli("provenance", "next", "--plan", "src/a.py", "lib/q.go")
    assert spec.stdout.startswith("Next: Blocked by filesystem enforcement: lib/q.go not yet")


def test_govern_without_files_looks_at_git(project: Repo) -> None:
    project.write("lib/new.go", "x\n")
    project.git("add", "lib/new.go")
    data = json.loads(project.cli("provenance", "govern", "--json").stdout)
    assert data["files"] == [] and data["governing"] == []
    assert data["next"]["kind"] == "create"  # lib/new.go is staged, and nothing governs it


def test_next_with_nothing_in_play(repo: Repo) -> None:
    result = repo.cli("provenance", "next", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["primary"] == {
        "kind": "none",
        "command": CREATE,
        "reason": "No work in flight and no staged changes. Start a blueprint when you begin a "
        "change.",
    }


def test_awkward_file_names(project: Repo, tmp_path: Path) -> None:
    inside = str(project.path / "src" / "a.py")
    outside = str(tmp_path / "elsewhere.py")
    result = project.cli("provenance", "govern", "--json", inside, outside, "src/../src/a.py")
    data = json.loads(result.stdout)
    assert data["files"] == ["src/a.py", outside]
    assert data["outside_repo"] == [outside]
    assert [g["id"] for g in data["governing"]] == [BP, BP2]
    human = project.cli("provenance", "govern", outside)
    assert human.stdout == f"No active records govern {outside}.\n"
    assert f"warning: {outside} is outside the repository" in human.stderr
    # A directory stands for the files git knows below it; missing files are fine.
    project.write("src/new/x.py", "x\n")
    data = json.loads(project.cli("provenance", "govern", "--json", "src", "src/nope.py").stdout)
    assert data["files"] == ["src/a.py", "src/new/x.py", "src/nope.py"]
    # From a subdirectory, names are relative to it.
    sub = project.path / "src"
    os.chdir(sub)
    data = json.loads(project.cli("provenance", "govern", "--json", "a.py").stdout)
    assert data["files"] == ["src/a.py"]
    assert fast(project, "provenance", "govern", "--json", "a.py", cwd=sub)[1] == (
        project.cli("provenance", "govern", "--json", "a.py").stdout
    )


def test_thousands_of_files(project: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    names = [f"src/m{i}/f{i}.py" for i in range(3000)] + [f"lib/{i}.go" for i in range(2000)]
    code, out, _ = slow("provenance", "govern", "--json", *names, capsys=capsys)
    assert code == 0
    data = json.loads(out)
    assert len(data["files"]) == 5000
    assert [g["id"] for g in data["governing"]] == [BP]
    assert data["next"]["kind"] == "add_scope"


# --- The scope cache and the fast path --------------------------------------------------


def cache_files(repo: Repo) -> tuple[Path, Path]:
    state = repo.path / ".linespec"
    return scopecache.cache_path(state), scopecache.fast_path(state)


def test_fast_path_is_light_and_matches_the_full_cli(
    project: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    index, twin = cache_files(project)
    args = ("provenance", "govern", "--json", "src/a.py")
    code, expected, _ = slow(*args, capsys=capsys)
    assert code == 0 and index.exists() and not twin.exists()
    # First run: the index is read (under the plain config) and its fast twin is written.
    first = fast(project, *args)
    assert first[:2] == (0, expected)
    assert twin.exists()
    assert not {"typer", "rich", "pydantic", "git", "ruamel", "click"} & set(first[3])
    # Warm: not even YAML is read.
    warm = fast(project, *args)
    assert warm[:2] == (0, expected)
    assert warm[3] == []
    for other in (
        ("next", "--json"),
        ("next", "--plan", "lib/x.go"),
        ("govern", "src/a.py", "--format", "human"),
    ):
        got = fast(project, "-p", *other)  # the Go tool's alias for `provenance`
        assert got[1:] == (slow("provenance", *other, capsys=capsys)[1], "", [])


@pytest.mark.parametrize(
    "command",
    [("status",), ("lint",), ("graph", "--format", "json"), ("compile",)],
)
def test_every_loading_command_writes_the_scope_cache(
    project: Repo, command: tuple[str, ...]
) -> None:
    index, _ = cache_files(project)
    assert not index.exists()
    project.cli("provenance", *command)
    assert index.exists()
    # What it wrote answers the fast path, which then loads none of the heavy libraries.
    rows = json.loads(index.read_text())["entries"]
    assert {row["id"] for row in rows} == {OLD, BP, BP2, DRAFT}
    code, out, _, heavy = fast(project, "provenance", "govern", "--json", "src/a.py")
    assert code == 0 and BP in out
    assert not {"typer", "pydantic", "rich"} & set(heavy)


def test_a_fresh_scope_cache_is_not_rewritten(project: Repo) -> None:
    index, _ = cache_files(project)
    project.cli("provenance", "status")
    before = index.stat().st_mtime_ns
    project.cli("provenance", "graph")
    assert index.stat().st_mtime_ns == before
    record = project.path / "provenance" / f"{DRAFT}.yml"
    record.write_text(record.read_text() + "\n")
    project.cli("provenance", "graph")
    assert index.stat().st_mtime_ns != before


def test_unusual_arguments_go_to_the_full_cli(project: Repo) -> None:
    project.cli("provenance", "govern", "src/a.py")
    for args in (
        ("provenance", "govern", "-c", ".linespec.yml", "src/a.py"),
        ("provenance", "govern", "--help"),
        ("provenance", "next", "--format", "xml"),
        ("provenance", "govern", "--", "src/a.py"),
    ):
        assert "typer" in fast(project, *args)[3], args
    code, _, err, _ = fast(project, "provenance", "next", "--format", "xml")
    assert code == 2 and "xml" in err


def test_stale_or_corrupt_cache_is_never_trusted(project: Repo) -> None:
    index, twin = cache_files(project)
    project.cli("provenance", "govern", "src/a.py")
    assert fast(project, "provenance", "govern", "src/a.py")[3] == []  # the twin answers
    # A record changes: both the index and its twin are stale, and the fast path reads
    # the records again itself (YAML, but neither typer nor pydantic).
    path = project.provenance / f"{BP2}.yml"
    path.write_text(path.read_text().replace("status: open", "status: deprecated"))
    code, out, _, heavy = fast(project, "provenance", "govern", "src/a.py")
    assert out.startswith(f"Active records governing src/a.py:\n  · {BP} [open]\nNext: ")
    assert "yaml" in heavy and not {"typer", "pydantic"} & set(heavy)
    assert fast(project, "provenance", "govern", "src/a.py")[1:4:2] == (out, [])
    for damaged in (b"{broken", b"", b'{"fingerprint": 1}'):
        index.write_bytes(damaged)
        twin.write_bytes(damaged)
        code, again, _, heavy = fast(project, "provenance", "govern", "src/a.py")
        assert (code, again) == (0, out)
        assert "yaml" in heavy  # read from the records, not from the damaged files
    # The config changes: the twin's memory of it is stale too.
    assert fast(project, "provenance", "govern", "src/a.py")[3] == []
    project.write(".linespec.yml", "provenance:\n  dir: elsewhere\n")
    assert fast(project, "provenance", "govern", "src/a.py")[1] == (
        "No active records govern src/a.py.\nNext: No record governs these files — create one "
        f"blueprint covering them.\n  {CREATE}\n"
    )


def test_index_written_by_the_go_tool_is_read(project: Repo) -> None:
    index, twin = cache_files(project)
    dirs = [project.provenance]
    go_entries = [
        # What the Go tool writes: its keys only. A record that is not on disk proves the
        # answer came from the index.
        {"id": "prov-2026-00009999", "status": "open", "type": "bug",
         "affected_scope": ["lib/**"], "has_specs": True},
    ]  # fmt: skip
    index.parent.mkdir(exist_ok=True)
    stamp = scopecache.fingerprint(dirs)
    index.write_text(json.dumps({"fingerprint": stamp, "entries": go_entries}))
    _, out, _, heavy = fast(project, "provenance", "govern", "lib/x.go")
    assert out.startswith("Active records governing lib/x.go:\n  · prov-2026-00009999 [open]\n")
    assert "typer" not in heavy
    # The commit check needs more than the Go tool keeps, so to it this is a miss.
    assert scopecache.read(index, stamp) is None
    assert scopecache.read(index, stamp, accept_go=True) == go_entries
    twin.unlink()
    project.cli("provenance", "check", "--staged")
    assert scopecache.read(index, stamp) is not None


# --- The fast path and the full CLI agree on generated repositories -----------------------

STATUSES = ["draft", "open", "open", "implemented", "superseded", "deprecated"]
TYPES = ["blueprint", "blueprint", "bug", "imprint", "brief", '""']
SCOPE_POOL = [
    "src/a.py",
    "src/**",
    "src/*.py",
    "src/**/*.py",
    "**/*.md",
    "*.go",
    "src/?.py",
    "src/[ab].py",
    "re:^lib/",
    "re:\\.go$",
    "lib/z.go",
    "docs/**",
    "src/a{2,1}*",
    "re:(",
]
FILE_POOL = ["src/a.py", "src/b.py", "src/x/y.py", "lib/z.go", "main.go", "docs/r.md", "README"]


def generate(repo: Repo, rng: random.Random) -> list[str]:
    ids = sorted({f"prov-2026-{rng.randrange(16**8):08x}" for _ in range(rng.randint(0, 14))})
    for number, rid in enumerate(ids):
        fields: dict[str, object] = {
            "status": rng.choice(STATUSES),
            "type": rng.choice(TYPES),
            # Quoted, as YAML flow scalars: `*.go` alone would be an alias.
            "affected_scope": [
                json.dumps(p) for p in rng.sample(SCOPE_POOL, rng.choice([0, 1, 1, 2, 3]))
            ],
            "forbidden_scope": [
                json.dumps(p) for p in rng.sample(SCOPE_POOL, rng.choice([0, 0, 0, 1]))
            ],
        }
        if rng.random() < 0.5:
            fields["associated_specs"] = [{"path": "tests/t.py", "type": "pytest"}]
        if number and rng.random() < 0.4:
            fields["implements"] = rng.choice(ids[:number])
        repo.record(rid, **fields)
    for name in FILE_POOL:
        repo.write(name, "x\n")
    repo.commit_all("generated")
    changed = rng.sample(FILE_POOL, rng.randint(0, 3))
    for name in changed:
        repo.write(name, "changed\n")
    if changed and rng.random() < 0.5:
        repo.git("add", changed[0])
    return ids


@pytest.mark.parametrize("seed", range(8))
def test_fast_and_full_paths_agree(
    repo: Repo, capsys: pytest.CaptureFixture[str], seed: int
) -> None:
    rng = random.Random(seed)
    if rng.random() < 0.5:
        repo.write(".linespec.yml", "provenance:\n  commit_tag_required: true\n")
    generate(repo, rng)
    names = [*FILE_POOL, "src", "/elsewhere/x.py"]
    picks = [rng.sample(names, rng.randint(1, 3)) for _ in "ab"]
    commands = [
        ["provenance", "govern", "--json", *picks[0]],
        ["provenance", "govern", *picks[1]],
        ["provenance", "next", "--json"],
        ["provenance", "next"],
        ["provenance", "next", "--json", "--plan", ",".join(picks[1])],
    ]
    # Cold first: the fast path reads the records itself (no pydantic) and must answer
    # exactly as the full CLI, which reads them through the record model.
    state = repo.path / ".linespec"
    shutil.rmtree(state, ignore_errors=True)
    cold = fast(repo, *commands[0])
    assert "yaml" in cold[3] and not {"typer", "pydantic"} & set(cold[3])
    shutil.rmtree(state)
    assert cold[:3] == (0, *slow(*commands[0], capsys=capsys)[1:]), commands[0]
    for number, args in enumerate(commands):
        code, expected, err = slow(*args, capsys=capsys)
        assert code == 0, err
        got = fast(repo, *args)
        assert got[:3] == (0, expected, err), args
        if number:  # once the twin is written, the fast path reads no YAML
            assert got[3] == [], args


def test_the_loader_stamps_records_as_the_fingerprint_does(project: Repo) -> None:
    from linespec.core import config as config_mod
    from linespec.core.store import load_all, record_directories

    # A .yaml record in a subdirectory and a YAML file that is no record.
    text = (project.path / "provenance" / f"{DRAFT}.yml").read_text()
    (project.path / "provenance" / f"{DRAFT}.yml").unlink()
    (project.path / "provenance" / "old").mkdir()
    (project.path / "provenance" / "old" / f"{DRAFT}.yaml").write_text(text)
    (project.path / "provenance" / "notes.yml").write_text("not: a record\n")
    config = config_mod.load(project.path)
    loaded = load_all(config)
    assert not loaded.failures
    assert loaded.fingerprint == scopecache.fingerprint(record_directories(config))
    assert load_all(config, use_cache=False).fingerprint == ""
