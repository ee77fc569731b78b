"""Each rule: a fixture that triggers it, and the clean baseline that does not."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linespec.core.lint import context
from linespec.core.lint.catalogue import BY_CODE, RULES
from tests.conftest import Repo
from tests.lintfixtures import TRIGGERS, baseline


def lint_json(repo: Repo, *args: str) -> tuple[int, dict[str, Any]]:
    result = repo.cli("provenance", "lint", "--format", "json", *args)
    assert "Traceback" not in result.stderr
    return result.exit_code, json.loads(result.stdout)


def test_every_rule_has_a_trigger() -> None:
    assert set(TRIGGERS) == {rule.code for rule in RULES}


def test_the_baseline_is_clean(repo: Repo) -> None:
    baseline(repo)
    code, report = lint_json(repo)
    assert (code, report["issues"]) == (0, [])


@pytest.mark.parametrize("rule", sorted(TRIGGERS))
def test_rule_triggers(repo: Repo, rule: str) -> None:
    baseline(repo)
    setup, field, severity, message = TRIGGERS[rule]
    setup(repo)
    code, report = lint_json(repo)
    mine = [i for i in report["issues"] if i["rule"] == rule]
    assert mine, report["issues"]
    issue = mine[0]
    assert issue["field"] == field
    assert issue["severity"] == severity
    assert message in issue["message"]
    assert issue["file"].startswith("provenance/")
    assert code == (1 if report["errors"] else 0)
    # PROV001 and PROV014 come from loading the set, not from a per-record check.
    assert BY_CODE[rule].checks or rule in ("PROV001", "PROV014")


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        ({"title": "x" * 120}, "PROV013"),
        ({"status": "draft", "intent": '""'}, "PROV018"),
        ({"status": "implemented", "associated_specs": []}, "PROV010"),
        ({"affected_scope": ["src/app.py"], "forbidden_scope": ["re:^docs/"]}, "PROV009"),
        ({"affected_scope": ["re:^src/[a-z]+\\.py$"]}, "PROV019"),
    ],
)
def test_near_misses_do_not_trigger(repo: Repo, fields: dict[str, object], rule: str) -> None:
    baseline(repo)
    spec = {"associated_specs": [{"path": "tests/test_app.py", "type": "pytest"}]}
    repo.record("prov-2026-0000d001", **{**spec, **fields})
    _, report = lint_json(repo)
    assert [i for i in report["issues"] if i["rule"] == rule] == []


def test_enforcement_changes_only_the_open_without_specs_rule(repo: Repo) -> None:
    baseline(repo)
    repo.record("prov-2026-0000d002")
    levels = {}
    for level in ("none", "warn", "strict"):
        _, report = lint_json(repo, "--enforcement", level)
        levels[level] = [(i["rule"], i["severity"]) for i in report["issues"]]
    assert levels["none"] == [("PROV011", "hint")]
    assert levels["warn"] == [("PROV010", "warning")]
    assert levels["strict"] == [("PROV010", "error")]


def test_drafts_skip_enforcement_and_record_option(repo: Repo) -> None:
    baseline(repo)
    repo.record("prov-2026-0000d003", status="draft", affected_scope=["src/nowhere.py"])
    _, report = lint_json(repo, "--record", "prov-2026-0000d003")
    assert report["issues"] == []
    code, missing = lint_json(repo, "--record", "prov-2026-99999999")
    assert code == 1
    assert missing["issues"][0]["message"] == "Record not found"


def test_scope_paths_outside_the_repository(repo: Repo) -> None:
    baseline(repo)
    (repo.path / "escape").symlink_to("/etc")
    spec = [{"path": "tests/test_app.py", "type": "pytest"}]
    for suffix, pattern in (
        ("1", "../../etc/passwd"),
        ("2", "/etc/passwd"),
        ("3", "escape/passwd"),
    ):
        repo.record(f"prov-2026-0000e00{suffix}", affected_scope=[pattern], associated_specs=spec)
    _, report = lint_json(repo)
    outside = [i["message"] for i in report["issues"] if "outside the repository" in i["message"]]
    assert len(outside) == 3


def test_directories_named_as_files(repo: Repo) -> None:
    # A link is followed, as the Go tool's os.Stat follows it: one to a directory is a
    # directory, one to a file is not.
    baseline(repo)
    (repo.path / "src_link").symlink_to("src")
    (repo.path / "app_link.py").symlink_to("src/app.py")
    spec = [{"path": "tests/test_app.py", "type": "pytest"}]
    for suffix, path in (("1", "src"), ("2", "src_link"), ("3", "app_link.py")):
        repo.record(
            f"prov-2026-0000e30{suffix}",
            affected_scope=[path],
            associated_specs=[*spec, {"path": path, "type": "pytest"}],
        )
    _, report = lint_json(repo)
    found = sorted(
        (i["record_id"][-1], i["rule"], i["message"].split(":")[0])
        for i in report["issues"]
        if "directory" in i["message"]
    )
    scope = "Scope path is a directory, not a file (use glob pattern for directories)"
    artifact = "Proof artifact path is a directory, not a file"
    assert found == [
        ("1", "PROV002", scope),
        ("1", "PROV018", artifact),
        ("2", "PROV002", scope),
        ("2", "PROV018", artifact),
    ]


def test_hostile_patterns_are_findings_not_hangs(repo: Repo) -> None:
    baseline(repo)
    repo.write("a" * 200 + "/x.py", "")
    spec = [{"path": "tests/test_app.py", "type": "pytest"}]
    repo.record(
        "prov-2026-0000e101", affected_scope=["re:(a+)+$", "re:(a|a)*b"], associated_specs=spec
    )
    repo.record("prov-2026-0000e102", affected_scope=["src/[abc*.py"], associated_specs=spec)
    repo.record("prov-2026-0000e103", affected_scope=["re:(x)\\1"], associated_specs=spec)
    code, report = lint_json(repo)
    assert code == 1
    by_record: dict[str, list[str]] = {}
    for issue in report["issues"]:
        by_record.setdefault(issue["record_id"], []).append(issue["message"])
    assert any("Invalid glob pattern" in m for m in by_record["prov-2026-0000e102"])
    assert any("Invalid regex pattern" in m for m in by_record["prov-2026-0000e103"])


@pytest.mark.parametrize("content", ["{not json", '{"id": 1, "hash": "x"}\n', "\x00\xff"])
def test_corrupt_manifest_is_a_warning(repo: Repo, content: str) -> None:
    baseline(repo)
    repo.record(
        "prov-2026-0000e201",
        status="implemented",
        associated_specs=[{"path": "tests/test_app.py", "type": "pytest"}],
    )
    manifest = repo.path / ".linespec" / "hash_manifest.json"
    manifest.parent.mkdir(exist_ok=True)
    manifest.write_text(content)
    code, report = lint_json(repo)
    [issue] = [i for i in report["issues"] if i["rule"] == "PROV-IMM"]
    assert issue["severity"] == "warning"
    assert "Could not verify content hash" in issue["message"]
    assert code == 0


def test_legacy_manifest_is_read(repo: Repo) -> None:
    baseline(repo)
    TRIGGERS["PROV-IMM"][0](repo)
    manifest = repo.path / ".linespec" / "hash_manifest.json"
    entry = json.loads(manifest.read_text())
    manifest.write_text(
        json.dumps({"records": {entry["id"]: entry["hash"]}, "full_graph_hash": ""})
    )
    _, report = lint_json(repo)
    assert [i["rule"] for i in report["issues"]] == ["PROV-IMM"]


def test_staged_lints_the_index_not_the_work_tree(repo: Repo) -> None:
    baseline(repo)
    repo.commit_all()
    path = repo.provenance / f"{'prov-2026-0000b002'}.yml"
    good = path.read_text()
    path.write_text(good.replace("status: open", "status: bogus"))
    repo.git("add", "-A")
    path.write_text(good)
    code, staged = lint_json(repo, "--staged")
    assert code == 1
    assert [i["rule"] for i in staged["issues"]] == ["PROV003"]
    code, tree = lint_json(repo)
    assert (code, tree["issues"]) == (0, [])


def test_exit_flags(repo: Repo) -> None:
    baseline(repo)
    repo.record("prov-2026-0000e301")
    assert repo.cli("provenance", "lint").exit_code == 0
    assert repo.cli("provenance", "lint", "--strict-warnings").exit_code == 1
    repo.record("prov-2026-0000e302", intent='""')
    assert repo.cli("provenance", "lint").exit_code == 1
    assert repo.cli("provenance", "lint", "--exit-zero").exit_code == 0


def test_monorepo_configs_are_all_linted(repo: Repo) -> None:
    baseline(repo)
    repo.write(".linespec.yml", "provenance:\n  enforcement: warn\n")
    repo.write("services/api/.linespec.yml", "provenance:\n  dir: provenance\n")
    repo.write(
        "services/api/provenance/prov-2026-0000f001.yml",
        "id: prov-2026-0000f001\ntitle: t\nstatus: bogus\n",
    )
    code, report = lint_json(repo)
    assert code == 1
    assert {i["file"] for i in report["issues"]} == {
        "services/api/provenance/prov-2026-0000f001.yml"
    }
    scoped = repo.cli("provenance", "lint", "--format", "json", "-c", ".linespec.yml")
    assert json.loads(scoped.stdout)["issues"] == []


_text = st.text(max_size=20)
_values = st.one_of(_text, st.lists(_text, max_size=3), st.booleans(), st.none())


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "id",
                "title",
                "status",
                "type",
                "supersedes",
                "implements",
                "extends",
                "affected_scope",
                "forbidden_scope",
                "related",
                "associated_specs",
                "sealed_at_sha",
                "locked",
                "created_at",
                "constraints",
                "other",
            ]
        ),
        _values,
        max_size=10,
    )
)
def test_lint_never_crashes(repo: Repo, fields: dict[str, object]) -> None:
    import yaml

    target = repo.provenance / "prov-2026-0000aaaa.yml"
    target.parent.mkdir(exist_ok=True)
    target.write_text(yaml.safe_dump({"id": "prov-2026-0000aaaa", **fields}))
    result = repo.cli("provenance", "lint", "--format", "json", "--all")
    assert result.exit_code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    json.loads(result.stdout)


def test_deprecated_field_is_refused_in_the_index_too(repo: Repo) -> None:
    baseline(repo)
    path = repo.record("prov-2026-0000e401")
    path.write_text(path.read_text() + "associated_linespecs: []\n")
    repo.git("add", "-A")
    for args in ((), ("--staged",)):
        code, report = lint_json(repo, *args)
        assert code == 1
        [issue] = [i for i in report["issues"] if i["record_id"] == "prov-2026-0000e401"]
        assert issue["rule"] == "PROV001"
        assert "deprecated field 'associated_linespecs'" in issue["message"]


@given(st.text("ab/.*?+()$^{}é", max_size=12))
@settings(max_examples=500)
def test_plain_globs_translate_as_the_full_translator_does(pattern: str) -> None:
    assert context._shell_regex(pattern) == context._shell_regex_by_char(pattern)
