"""ready and blocked for every status combination of a parent and the record that builds on it.

Each row of TABLE is one pair in one repository: a child that implements or extends a
parent, both in the given statuses, and what `ready` / `blocked` say of each. The rules:
a draft waits while what it implements or extends is draft, superseded or deprecated;
an open record waits while a record implementing it is draft or open; records in other
statuses are neither ready nor blocked.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import Repo

# relation parent-status child-status -> parent verdict, child verdict
TABLE = """
implements draft       draft        ready   blocked
implements draft       open         ready   ready
implements draft       implemented  ready   -
implements draft       superseded   ready   -
implements draft       deprecated   ready   -
implements open        draft        blocked ready
implements open        open         blocked ready
implements open        implemented  ready   -
implements open        superseded   ready   -
implements open        deprecated   ready   -
implements implemented draft        -       ready
implements implemented open         -       ready
implements implemented implemented  -       -
implements implemented superseded   -       -
implements implemented deprecated   -       -
implements superseded  draft        -       blocked
implements superseded  open         -       ready
implements superseded  implemented  -       -
implements superseded  superseded   -       -
implements superseded  deprecated   -       -
implements deprecated  draft        -       blocked
implements deprecated  open         -       ready
implements deprecated  implemented  -       -
implements deprecated  superseded   -       -
implements deprecated  deprecated   -       -
extends    draft       draft        ready   blocked
extends    draft       open         ready   ready
extends    draft       implemented  ready   -
extends    draft       superseded   ready   -
extends    draft       deprecated   ready   -
extends    open        draft        ready   ready
extends    open        open         ready   ready
extends    open        implemented  ready   -
extends    open        superseded   ready   -
extends    open        deprecated   ready   -
extends    implemented draft        -       ready
extends    implemented open         -       ready
extends    implemented implemented  -       -
extends    implemented superseded   -       -
extends    implemented deprecated   -       -
extends    superseded  draft        -       blocked
extends    superseded  open         -       ready
extends    superseded  implemented  -       -
extends    superseded  superseded   -       -
extends    superseded  deprecated   -       -
extends    deprecated  draft        -       blocked
extends    deprecated  open         -       ready
extends    deprecated  implemented  -       -
extends    deprecated  superseded   -       -
extends    deprecated  deprecated   -       -
"""
ROWS = [tuple(line.split()) for line in TABLE.strip().splitlines()]


def test_table_covers_every_combination() -> None:
    statuses = ("draft", "open", "implemented", "superseded", "deprecated")
    assert {row[:3] for row in ROWS} == {
        (kind, parent, child)
        for kind in ("implements", "extends")
        for parent in statuses
        for child in statuses
    }


def verdicts(repo: Repo) -> dict[str, str]:
    ready = json.loads(repo.cli("provenance", "ready", "--format", "json").stdout)
    blocked = json.loads(repo.cli("provenance", "blocked", "--format", "json").stdout)
    found = {entry["id"]: "ready" for entry in ready}
    for entry in blocked:
        assert entry["id"] not in found
        found[entry["id"]] = "blocked"
    return found


def test_every_combination(repo: Repo) -> None:
    # All pairs in one repository: they share nothing, so each pair is judged on its own.
    expected: dict[str, str] = {}
    for number, (kind, parent_status, child_status, parent_says, child_says) in enumerate(ROWS):
        parent, child = f"prov-2026-{number:04d}aaaa", f"prov-2026-{number:04d}bbbb"
        repo.record(parent, status=parent_status, type="brief")
        repo.record(child, status=child_status, **{kind: parent})
        expected[parent], expected[child] = parent_says, child_says
    found = verdicts(repo)
    mismatches = {
        rid: (want, found.get(rid, "-"))
        for rid, want in expected.items()
        if found.get(rid, "-") != want
    }
    assert mismatches == {}


@pytest.mark.parametrize("output", ["human", "json"])
def test_reasons_are_named(repo: Repo, output: str) -> None:
    repo.record("prov-2026-0000aaaa", status="deprecated", type="brief")
    repo.record("prov-2026-0000bbbb", status="draft", implements="prov-2026-0000aaaa")
    repo.record("prov-2026-0000cccc", status="open", type="brief")
    repo.record("prov-2026-0000dddd", status="draft", implements="prov-2026-0000cccc")
    repo.record("prov-2026-0000eeee", status="open", implements="prov-2026-0000cccc")
    result = repo.cli("provenance", "blocked", "--format", output)
    assert result.exit_code == 0
    if output == "human":
        assert result.stdout == (
            "prov-2026-0000bbbb  [draft]  Decision prov-2026-0000bbbb\n"
            "  blocked: implements prov-2026-0000aaaa, which is deprecated\n"
            "prov-2026-0000cccc  [open]  Decision prov-2026-0000cccc\n"
            "  blocked: implemented by prov-2026-0000dddd, which is still draft\n"
            "  blocked: implemented by prov-2026-0000eeee, which is still open\n"
        )
        ready = repo.cli("provenance", "ready").stdout
        assert ready == (
            "prov-2026-0000dddd  draft → open         Decision prov-2026-0000dddd\n"
            "prov-2026-0000eeee  open  → implemented  Decision prov-2026-0000eeee\n"
        )
    else:
        ids = [entry["id"] for entry in json.loads(result.stdout)]
        assert ids == ["prov-2026-0000bbbb", "prov-2026-0000cccc"]


def test_nothing_to_report(repo: Repo) -> None:
    repo.record("prov-2026-0000aaaa", status="implemented")
    assert repo.cli("provenance", "ready").stdout == "Nothing is ready to move on.\n"
    assert repo.cli("provenance", "blocked").stdout == "Nothing is blocked.\n"
    assert json.loads(repo.cli("provenance", "ready", "--format", "json").stdout) == []
