"""A record file, decoded and re-emitted, gives the Go tool's canonical bytes and hash."""

from __future__ import annotations

import hashlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linespec.core.canonical import canonical_text, content_hash
from linespec.core.model import Record
from linespec.core.store import load_file
from tests.test_emit import A2_TEXT

A2_INPUT = """\
id: prov-2026-001
title: "Protocol-level proxy interception for language-agnostic test evaluation"
status: implemented
type: blueprint
created_at: "2026-03-12"
author: "caleb.cowen@gmail.com"
sealed_at_sha: "a3f92c1d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b"
intent: >
  LineSpec evaluates service behavior by intercepting traffic at the TCP/protocol
  layer rather than through application-level mocking.
constraints:
  - Interception must occur at the network/protocol layer
  - "yes"
  - "null"
  - "Maximum cache size: 10,000 entries"
affected_scope:
  - pkg/proxy/**
  - "**/*.go"
  - cmd/linespec/main.go
forbidden_scope:
  - "re:.*_test\\\\.go$"
supersedes: null
superseded_by: null
related:
  - prov-2026-002
associated_specs:
  - path: spec/a_spec.rb
    type: rspec
  - path: docs/x.md
    run_command: test -f {{path}}
associated_traces: []
monitors: []
tags:
  - architecture
  - "#hash"
locked: true
"""


def test_appendix_a2_from_the_file_to_the_hash(tmp_path: Path) -> None:
    path = tmp_path / "prov-2026-001.yml"
    path.write_text(A2_INPUT)
    record = load_file(path)
    assert canonical_text(record) == A2_TEXT
    assert content_hash(record) == (
        "fdf38fbb6996a3269d02ff7e8914a0e4791715e77f60210e9127b52042b077e4"
    )


def test_appendix_a1_fresh_record() -> None:
    record = Record(
        id="prov-2026-a1b2c3d4",
        title="Add caching layer",
        status="draft",
        created_at="2026-03-15",
        author="dev@example.com",
    )
    assert hashlib.sha256(canonical_text(record).encode()).hexdigest() == (
        "af85ce7a6cae918fa0cc28ac4e725e37abd86c54d57266a1333bb367776e0669"
    )


_strings = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\u2028\u2029"),
    max_size=30,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=_strings.filter(lambda s: not s.startswith(("\n", " ")) or "\n" not in s),
    intent=_strings.filter(lambda s: not s.startswith("\n")),
    constraints=st.lists(_strings.filter(lambda s: "\n" not in s), max_size=3),
    tags=st.lists(_strings.filter(lambda s: "\n" not in s), max_size=3),
    locked=st.booleans(),
)
def test_written_records_load_back_to_the_same_values(
    tmp_path_factory: object,
    title: str,
    intent: str,
    constraints: list[str],
    tags: list[str],
    locked: bool,
) -> None:
    record = Record(
        id="prov-2026-0000abcd",
        title=title,
        status="open",
        created_at="2026-03-15",
        author="a@b.c",
        intent=intent,
        constraints=constraints,
        tags=tags,
        locked=locked,
    )
    folder = Path(str(tmp_path_factory.mktemp("canon")))  # type: ignore[attr-defined]
    path = folder / "prov-2026-0000abcd.yml"
    path.write_text(canonical_text(record), encoding="utf-8")
    loaded = load_file(path)
    assert loaded.model_dump() == record.model_dump()
    assert canonical_text(loaded) == canonical_text(record)


@settings(max_examples=100, deadline=None)
@given(
    title=_strings.filter(lambda s: "\n" not in s),
    tags=st.lists(_strings.filter(lambda s: "\n" not in s), max_size=3),
)
def test_saving_unchanged_values_changes_no_byte(title: str, tags: list[str]) -> None:
    from linespec.core.canonical import field_value
    from linespec.core.edit import edit_text
    from linespec.core.model import FIELD_ORDER, OMIT_EMPTY

    record = Record(id="prov-2026-0000abcd", title=title, status="open", tags=tags)
    text = canonical_text(record)
    same = {
        name: field_value(record, name)
        for name in FIELD_ORDER
        if not (name in OMIT_EMPTY and not getattr(record, name))
    }
    assert edit_text(text, Path("prov-2026-0000abcd.yml"), same) == text
    assert edit_text(A2_INPUT, Path("prov-2026-001.yml"), {"status": "implemented"}) == A2_INPUT


def test_decoder_schema_matches_the_model() -> None:
    from linespec.core import decode
    from linespec.core.model import Spec

    assert tuple(Record.model_fields) == decode.FIELD_ORDER
    assert tuple(Spec.model_fields) == decode.SPEC_FIELDS
    lists = {n for n, f in Record.model_fields.items() if f.annotation == list[str]}
    assert lists == decode.LIST_FIELDS
