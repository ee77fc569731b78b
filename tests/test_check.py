"""check: staged, single-commit and range checks against real repositories."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linespec.core.checks import message_ids
from tests.conftest import Repo, run_watching_imports

REC = "prov-2026-0000aaaa"
OTHER = "prov-2026-0000bbbb"


@pytest.fixture
def governed(repo: Repo) -> Repo:
    repo.write("src/a.py", "a\n")
    repo.write("src/b.py", "b\n")
    repo.write("docs/guide.md", "guide\n")
    repo.record(REC, affected_scope=["src/a.py"], forbidden_scope=["src/secret.py"])
    repo.commit_all("initial")
    return repo


def stage(repo: Repo, *paths: str) -> None:
    for path in paths:
        target = repo.path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("a") as handle:
            handle.write("change\n")
    repo.git("add", "-A")


def staged_check(repo: Repo, message: str, *extra: str) -> tuple[int, dict[str, object]]:
    msg = repo.path.parent / "COMMIT_EDITMSG"
    msg.write_text(message)
    result = repo.cli(
        "provenance", "check", "--staged", "--message-file", str(msg), "--format", "json", *extra
    )
    assert "Traceback" not in result.stderr
    return result.exit_code, json.loads(result.stdout)


def messages(report: dict[str, object]) -> list[str]:
    violations = report["violations"]
    assert isinstance(violations, list)
    return [v["message"] for v in violations]


def test_in_scope_passes_and_out_of_scope_fails(governed: Repo) -> None:
    stage(governed, "src/a.py")
    assert staged_check(governed, f"Work [{REC}]")[0] == 0
    stage(governed, "src/b.py")
    code, report = staged_check(governed, f"Work [{REC}]")
    assert code == 1
    assert messages(report) == [f"{REC} forbids changes to src/b.py"]


def test_human_output(governed: Repo) -> None:
    stage(governed, "src/b.py")
    msg = governed.path.parent / "MSG"
    msg.write_text(f"Work [{REC}]\n")
    result = governed.cli("provenance", "check", "--staged", "--message-file", str(msg))
    assert result.exit_code == 1
    assert result.stdout.startswith("\n✗ Forbidden scope violation in staged\n\n")
    assert f"  {REC} forbids changes to:\n    · src/b.py\n" in result.stdout


def test_forbidden_scope_wins(governed: Repo) -> None:
    path = governed.provenance / f"{REC}.yml"
    path.write_text(path.read_text().replace("  - src/a.py", "  - src/**"))
    governed.commit_all("widen")
    stage(governed, "src/secret.py")
    code, report = staged_check(governed, f"[{REC}]")
    assert code == 1
    assert messages(report) == [f"{REC} forbids changes to src/secret.py"]


def test_unknown_ids_and_untagged_commits_pass(governed: Repo) -> None:
    stage(governed, "src/b.py")
    assert staged_check(governed, "No tag")[0] == 0
    assert staged_check(governed, "[prov-2026-deadbeef] new record")[0] == 0


def test_commit_tag_required(governed: Repo) -> None:
    governed.write(
        ".linespec.yml", "provenance:\n  commit_tag_required: true\n  exclude_paths: [docs]\n"
    )
    governed.commit_all("config")
    stage(governed, "docs/guide.md")
    assert staged_check(governed, "docs only")[0] == 0
    stage(governed, "src/b.py")
    code, report = staged_check(governed, "untagged")
    assert code == 1
    assert messages(report) == ["Commit tag required but no provenance ID found in message"]
    assert staged_check(governed, "untagged", "--record", REC)[0] == 0


def test_comments_scissors_and_generated_subjects_are_ignored(governed: Repo) -> None:
    stage(governed, "src/b.py")
    assert staged_check(governed, f"Work\n# [{REC}] in a comment\n")[0] == 0
    cut = f"Work\n# ------------------------ >8 ------------------------\n[{REC}]\n"
    assert staged_check(governed, cut)[0] == 0
    assert staged_check(governed, f"fixup! Work [{REC}]\n")[0] == 0
    assert staged_check(governed, f"Work\n\nBody [{REC}]\n")[0] == 1
    governed.git("config", "core.commentChar", ";")
    assert staged_check(governed, f"Work\n; [{REC}]\n")[0] == 0


def test_implemented_record_refuses_tagging(governed: Repo) -> None:
    path = governed.provenance / f"{REC}.yml"
    path.write_text(path.read_text().replace("status: open", "status: implemented"))
    governed.commit_all("sealed")
    stage(governed, "src/a.py")
    code, report = staged_check(governed, f"more [{REC}]")
    assert code == 1
    assert messages(report) == [
        f"{REC} is already implemented - cannot commit with this ID. Create a new record or "
        "supersede this one."
    ]


def test_completion_transition_is_allowed(governed: Repo) -> None:
    path = governed.provenance / f"{REC}.yml"
    path.write_text(path.read_text().replace("status: open", "status: implemented"))
    governed.git("add", "-A")
    assert staged_check(governed, f"Complete [{REC}]")[0] == 0


def test_supersession_and_implementing_records_are_exempt(governed: Repo) -> None:
    old = governed.provenance / f"{REC}.yml"
    old.write_text(old.read_text().replace("status: open", "status: implemented"))
    governed.commit_all("sealed")
    old.write_text(
        old.read_text().replace("status: implemented", "status: superseded")
        + f"superseded_by: {OTHER}\n"
    )
    governed.record(OTHER, supersedes=REC, affected_scope=["src/b.py"])
    governed.write("provenance/prov-2026-0000cccc.yml", "")
    governed.record("prov-2026-0000cccc", type="imprint", implements=OTHER)
    governed.git("add", "-A")
    assert staged_check(governed, f"Supersede [{OTHER}]") == (
        0,
        {"label": "staged", "passed": True, "violations": [], "warnings": []},
    )


def test_historical_commit_and_range(governed: Repo) -> None:
    stage(governed, "src/a.py")
    governed.git("commit", "-q", "--no-verify", "-m", f"ok [{REC}]")
    stage(governed, "src/b.py")
    governed.git("commit", "-q", "--no-verify", "-m", f"bad [{REC}]")
    result = governed.cli("provenance", "check", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["label"] == "HEAD"
    assert governed.cli("provenance", "check", "--commit", "HEAD~1").exit_code == 0
    ranged = governed.cli("provenance", "check", "--range", "HEAD~2..HEAD", "--format", "json")
    assert messages(json.loads(ranged.stdout)) == [f"{REC} forbids changes to src/b.py"]


def test_historical_status_is_judged_at_the_parent(governed: Repo) -> None:
    path = governed.provenance / f"{REC}.yml"
    path.write_text(path.read_text().replace("status: open", "status: implemented"))
    governed.git("add", "-A")
    governed.git("commit", "-q", "--no-verify", "-m", f"Complete [{REC}]")
    assert governed.cli("provenance", "check").exit_code == 0
    stage(governed, "src/a.py")
    governed.git("commit", "-q", "--no-verify", "-m", f"late [{REC}]")
    result = governed.cli("provenance", "check", "--format", "json")
    assert "already implemented" in messages(json.loads(result.stdout))[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--range", "HEAD"], "Invalid range format. Use SHA..SHA"),
        (["--range", "a..b..c"], "Invalid range format. Use SHA..SHA"),
        (["--commit", "0123456789abcdef"], "unknown commit: 0123456789abcdef"),
        (["--staged", "--message-file", "/nonexistent/msg"], "cannot read message file"),
    ],
)
def test_bad_input(governed: Repo, args: list[str], message: str) -> None:
    result = governed.cli("provenance", "check", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_empty_binary_and_huge_messages(governed: Repo) -> None:
    stage(governed, "src/b.py")
    msg = governed.path.parent / "MSG"
    for content in (b"", b"\x00\xff\xfe binary [" + REC.encode() + b"]", b"x" * 10_000_000):
        msg.write_bytes(content)
        result = governed.cli("provenance", "check", "--staged", "--message-file", str(msg))
        assert result.exit_code in (0, 1)
        assert "Traceback" not in result.stderr


def test_first_commit_detached_head_and_odd_file_names(repo: Repo) -> None:
    repo.record(REC, affected_scope=["src/a.py"])
    repo.write("src/a.py", "a\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "--no-verify", "-m", f"first [{REC}]")
    assert repo.cli("provenance", "check").exit_code == 0
    repo.git("checkout", "-q", "--detach")
    for name in ("src/with space.py", "src/ünï.py", "src/-dash.py", "src/new\nline.py"):
        (repo.path / name).write_text("x\n")
    repo.git("add", "-A")
    code, report = staged_check(repo, f"odd [{REC}]")
    assert code == 1
    files = sorted(v["file"] for v in report["violations"])  # type: ignore[union-attr]
    assert files == sorted(["src/with space.py", "src/ünï.py", "src/-dash.py", "src/new\nline.py"])


def test_empty_repository_and_no_provenance_dir(repo: Repo) -> None:
    result = repo.cli("provenance", "check")
    assert result.exit_code == 2
    assert "no commits" in result.stderr
    repo.write("a.txt", "a\n")
    repo.git("add", "-A")
    assert staged_check(repo, "[prov-2026-0000aaaa]")[0] == 0


def test_shallow_clone_fails_closed(governed: Repo, tmp_path: Path) -> None:
    stage(governed, "src/a.py")
    governed.git("commit", "-q", "--no-verify", "-m", f"ok [{REC}]")
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{governed.path}", str(clone)], check=True
    )
    result = subprocess.run(
        [sys.executable, "-m", "linespec", "provenance", "check"],
        cwd=clone,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert f"{REC}: cannot check" in result.stdout
    assert "shallow clone" in result.stdout


def test_hook_path_skips_heavy_imports_and_matches_the_full_cli(
    governed: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    stage(governed, "src/b.py")
    msg = governed.path.parent / "MSG"
    msg.write_text(f"Work [{REC}]\n")
    args = ["provenance", "check", "--staged", "--message-file", str(msg)]
    # The first run reads .linespec.yml with PyYAML; a warm one does not (tested below).
    watch = ("typer", "rich", "pydantic", "git", "ruamel", "click")
    code, out, _, loaded = run_watching_imports(governed.path, *args, watch=watch)
    assert (code, loaded) == (1, [])
    from linespec.cli.main import run

    capsys.readouterr()
    assert run(args) == 1
    assert out == capsys.readouterr().out


def test_a_warm_hook_reads_no_yaml_and_sees_a_config_edit(governed: Repo) -> None:
    governed.write(".linespec.yml", "provenance:\n  commit_tag_required: false\n")
    stage(governed, "docs/guide.md")
    msg = governed.path.parent / "MSG"
    msg.write_text("Untagged work\n")
    code = (
        "import sys; from linespec.entry import main; rc = main(sys.argv[1:]);"
        "print('YAML', 'yaml' in sys.modules); raise SystemExit(rc)"
    )
    args = [sys.executable, "-c", code, "provenance", "check", "--staged", "--message-file"]

    def hook() -> subprocess.CompletedProcess[str]:
        return subprocess.run([*args, str(msg)], cwd=governed.path, capture_output=True, text=True)

    assert hook().returncode == 0  # reads the config (YAML) and remembers it
    warm = hook()
    assert warm.returncode == 0
    assert warm.stdout.rstrip().endswith("YAML False")
    # An edit is seen at once, even within the same second and at the same size.
    governed.write(".linespec.yml", "provenance:\n  commit_tag_required: true \n")
    edited = hook()
    assert edited.returncode == 1
    assert "Commit tag required" in edited.stdout


def _hook_run(repo: Repo, cwd: Path, message: str) -> subprocess.CompletedProcess[str]:
    msg = repo.path.parent / "MSG"
    msg.write_text(message)
    return subprocess.run(
        [sys.executable, "-m", "linespec", "provenance", "check", "--staged", "--message-file",
         str(msg), "--format", "json"],
        cwd=cwd,
        capture_output=True,
        text=True,
    )  # fmt: skip


NESTED = "prov-2026-0000cccc"


@pytest.mark.parametrize("where", ["", "services", "services/api/src"])
def test_a_nested_config_takes_part_when_a_staged_path_lies_below_it(
    governed: Repo, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    governed.write(".linespec.yml", "provenance:\n  dir: provenance\n")
    governed.write("services/api/.linespec.yml", "provenance:\n  dir: records\n")
    nested = governed.path / "services/api/records" / f"{NESTED}.yml"
    nested.parent.mkdir(parents=True)
    governed.record(NESTED, affected_scope=["src/**"], forbidden_scope=["services/api/x.py"])
    (governed.provenance / f"{NESTED}.yml").rename(nested)
    governed.write("services/api/x.py", "x\n")
    governed.commit_all("monorepo")
    cwd = governed.path / where
    cwd.mkdir(parents=True, exist_ok=True)
    from linespec.cli.main import run

    stage(governed, "src/a.py")  # below no nested config: the nested record is unknown
    assert _hook_run(governed, cwd, f"[{NESTED}]").returncode == 0
    stage(governed, "services/api/x.py")
    fast = _hook_run(governed, cwd, f"[{NESTED}]")
    assert fast.returncode == 1, fast.stderr
    assert f"{NESTED} forbids changes to services/api/x.py" in fast.stdout
    capsys.readouterr()
    args = ["provenance", "check", "--staged", "--message-file", str(governed.path.parent / "MSG")]
    assert run([*args, "--format", "json"]) == 1
    assert capsys.readouterr().out == fast.stdout


@given(st.text(max_size=200))
def test_message_ids_never_crash(text: str) -> None:
    ids = message_ids(text)
    assert len(ids) == len(set(ids))
    assert all(f"[{i}]" in text for i in ids)


def test_scope_cache_answers_and_is_never_stale(governed: Repo) -> None:
    stage(governed, "src/b.py")
    assert staged_check(governed, f"[{REC}]")[0] == 1
    cache = governed.path / ".linespec" / "scope-index.json"
    data = json.loads(cache.read_text())
    assert [e["id"] for e in data["entries"]] == [REC]
    assert data["entries"][0]["affected_scope"] == ["src/a.py"]
    path = governed.provenance / f"{REC}.yml"
    path.write_text(path.read_text().replace("  - src/a.py", "  - src/a.py\n  - src/b.py"))
    assert staged_check(governed, f"[{REC}]")[0] == 0
    cache.write_text("{broken")
    assert staged_check(governed, f"[{REC}]")[0] == 0


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param({"forbidden_scope": True}, id="a scope that is no list"),
        pytest.param({"affected_scope": [1]}, id="a pattern that is no string"),
        pytest.param({"id": 7}, id="an id that is no string"),
    ],
)
def test_a_damaged_scope_cache_is_rebuilt_not_read(
    governed: Repo, damage: dict[str, object]
) -> None:
    stage(governed, "src/secret.py")
    assert staged_check(governed, f"[{REC}]")[0] == 1  # leaves a fresh cache
    cache = governed.path / ".linespec" / "scope-index.json"
    data = json.loads(cache.read_text())
    data["entries"][0].update(damage)
    cache.write_text(json.dumps(data, separators=(",", ":")))
    code, report = staged_check(governed, f"[{REC}]")
    assert code == 1
    assert messages(report) == [f"{REC} forbids changes to src/secret.py"]


def test_git_calls_started_ahead_serve_only_the_same_call_in_the_same_place(
    repo: Repo, tmp_path: Path
) -> None:
    from linespec import git

    other = tmp_path / "other"
    other.mkdir()
    subprocess.run(["git", "init", "-q", str(other)], check=True)
    git.ahead([git.TOPLEVEL, git.config_get("user.name")], repo.path)
    try:
        assert git.toplevel(other) == other  # another directory: not the started call
        assert git.run(["rev-parse", "--show-toplevel", "--"], repo.path).strip()
        assert git.toplevel(repo.path) == repo.path  # served from the started call
        assert list(git._AHEAD) == [(git.config_get("user.name"), str(repo.path))]
    finally:
        git.drop_ahead()
    assert git._AHEAD == {}


def test_the_hook_path_starts_each_git_call_once(
    governed: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from linespec import fastpath, git

    started: list[tuple[str, ...]] = []
    spawn = git._spawn

    def counting(args: Sequence[str], cwd: Path, stdin: int | None = None) -> Any:
        started.append(tuple(args))
        return spawn(args, cwd, stdin)

    monkeypatch.setattr(git, "_spawn", counting)
    stage(governed, "src/a.py")
    msg = governed.path.parent / "MSG"
    msg.write_text(f"Work [{REC}]\n")
    assert fastpath.run(["provenance", "check", "--staged", "--message-file", str(msg)]) == 0
    assert len(started) == len(set(started)) == 4
    assert git._AHEAD == {}


def test_help_shows_the_bracketed_tag_rich_would_read_as_markup() -> None:
    from typer.testing import CliRunner

    from linespec.cli.main import app

    result = CliRunner().invoke(app, ["provenance", "check", "--help"], terminal_width=200)
    assert "names records as [prov-YYYY-xxxxxxxx] in its message" in result.output
