"""Editing existing records: only the changed keys' lines may differ."""

from __future__ import annotations

import string
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from linespec.core.edit import edit_text
from linespec.core.store import load_file

HAND_WRITTEN = """\
# Decision about caching — keep this comment
id: prov-2026-00000001
title: "Cache lookups"   # quoted on purpose
status: open
created_at: 2026-03-15
author: dev@example.com
intent: >
  Folded text that
  spans lines.
constraints:
  - 'single quoted: yes'
  - plain
affected_scope: [src/a.py, src/b.py]
custom_field: {kept: true}
tags:
  - x
"""

PATH = Path("prov-2026-00000001.yml")


def _changed_lines(before: str, after: str) -> set[str]:
    return set(after.splitlines()) ^ set(before.splitlines())


def test_changing_status_touches_one_line() -> None:
    after = edit_text(HAND_WRITTEN, PATH, {"status": "implemented"})
    assert after == HAND_WRITTEN.replace("status: open\n", "status: implemented\n")


def test_replacing_a_flow_list_keeps_everything_else() -> None:
    after = edit_text(HAND_WRITTEN, PATH, {"affected_scope": ["src/a.py", "src/c.py"]})
    assert after == HAND_WRITTEN.replace(
        "affected_scope: [src/a.py, src/b.py]\n", "affected_scope:\n  - src/a.py\n  - src/c.py\n"
    )


def test_new_keys_land_in_field_order_with_the_files_indent() -> None:
    after = edit_text(HAND_WRITTEN, PATH, {"sealed_at_sha": "a" * 40, "locked": True})
    assert f"affected_scope: [src/a.py, src/b.py]\nsealed_at_sha: {'a' * 40}\n" in after
    assert after.endswith("tags:\n  - x\nlocked: true\n")
    assert _changed_lines(HAND_WRITTEN, after) == {f"sealed_at_sha: {'a' * 40}", "locked: true"}


def test_crlf_files_stay_crlf() -> None:
    crlf = HAND_WRITTEN.replace("\n", "\r\n")
    after = edit_text(crlf, PATH, {"status": "deprecated"})
    assert after == crlf.replace("status: open\r\n", "status: deprecated\r\n")


def test_no_change_means_no_byte_change() -> None:
    assert edit_text(HAND_WRITTEN, PATH, {}) == HAND_WRITTEN


_text = st.one_of(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff")
        | st.sampled_from(list(": #-'\"\n\t")),
        max_size=40,
    ),
    st.sampled_from(["yes", "null", "2026-03-15", "0x1F", "- dash", "a: b", " lead", ""]),
)


@settings(max_examples=150, deadline=None)
@given(title=_text, scope=st.lists(_text, max_size=4), tags=st.lists(_text, max_size=3))
def test_edits_round_trip_and_leave_other_lines_alone(
    tmp_path_factory: object, title: str, scope: list[str], tags: list[str]
) -> None:
    after = edit_text(HAND_WRITTEN, PATH, {"title": title, "affected_scope": scope, "tags": tags})
    target = Path(str(tmp_path_factory.mktemp("edit"))) / PATH.name  # type: ignore[attr-defined]
    target.write_text(after)
    record = load_file(target)
    assert record.title == title
    assert record.affected_scope == scope
    assert record.tags == tags
    untouched = [
        line
        for line in HAND_WRITTEN.splitlines()
        if not line.startswith(("title:", "affected_scope:", "tags:", "  - x"))
    ]
    for line in untouched:
        assert line in after.splitlines()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(["status", "sealed_at_sha", "superseded_by"]), unique=True),
    st.text(alphabet=string.ascii_lowercase + string.digits + "-", min_size=1, max_size=12),
)
def test_status_fields_change_only_their_own_lines(keys: list[str], value: str) -> None:
    after = edit_text(HAND_WRITTEN, PATH, dict.fromkeys(keys, value))
    for line in _changed_lines(HAND_WRITTEN, after):
        assert line.split(":")[0] in keys
