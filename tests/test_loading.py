"""Reading records: the strict reader, the record shape and the set as a whole."""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linespec.core.decode import LIST_FIELDS, STRING_FIELDS, decode_fields
from linespec.core.model import Record, Spec, record_from_document
from linespec.core.yamlread import Document
from tests.conftest import Repo

BAD_RECORDS = {
    "not YAML": ("id: [unclosed\n", "invalid YAML", 2),
    "tab indent": ("id: prov-2026-00000001\nconstraints:\n\t- x\n", "invalid YAML", 3),
    "non-UTF-8": (b"id: prov-2026-00000001\ntitle: caf\xe9\n", "not valid UTF-8", 2),
    "duplicate keys": (
        "id: prov-2026-00000001\ntitle: a\ntitle: b\n",
        'mapping key "title" already defined at line 2',
        3,
    ),
    "list where a string belongs": (
        "id: prov-2026-00000001\ntitle:\n  - a\n",
        '"title" must be a string, not a list',
        2,
    ),
    "string where a list belongs": (
        "id: prov-2026-00000001\nconstraints: just one\n",
        '"constraints" must be a list of strings',
        2,
    ),
    "id differs from the file name": (
        "id: prov-2026-00000002\ntitle: t\n",
        'id "prov-2026-00000002" does not match the file name',
        1,
    ),
    "alias bomb": (
        "id: prov-2026-00000001\n"
        'a: &a ["x","x","x","x","x","x","x","x","x","x"]\n'
        "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
        "f: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n",
        "alias bomb",
        None,
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_RECORDS))
def test_bad_record_is_one_clear_error(repo: Repo, case: str) -> None:
    content, message, line = BAD_RECORDS[case]
    target = repo.provenance / "prov-2026-00000001.yml"
    target.parent.mkdir()
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content)
    before = repo.snapshot()
    started = time.monotonic()
    result = repo.run("provenance", "status")
    assert time.monotonic() - started < 5  # interpreter start included; the parse itself is ms
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    [error] = result.stderr.strip().splitlines()
    where = "provenance/prov-2026-00000001.yml" + (f":{line}" if line else "")
    assert error.startswith(f"error: {where}:")
    assert message in error
    assert repo.snapshot() == before


def test_huge_scalar_is_refused_quickly(repo: Repo) -> None:
    target = repo.provenance / "prov-2026-00000001.yml"
    target.parent.mkdir()
    target.write_text("id: prov-2026-00000001\ntitle: " + "x" * (20 * 1024 * 1024) + "\n")
    started = time.monotonic()
    result = repo.cli("provenance", "status")
    assert time.monotonic() - started < 1
    assert result.exit_code == 2
    assert "file is too large" in result.stderr
    assert "provenance/prov-2026-00000001.yml" in result.stderr


def test_byte_order_mark_is_accepted_like_the_go_tool(repo: Repo) -> None:
    path = repo.record("prov-2026-00000001")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = repo.cli("provenance", "status", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert '"ID": "prov-2026-00000001"' in result.stdout


def test_scalars_keep_their_literal_text(repo: Repo) -> None:
    repo.write(
        "provenance/prov-2026-00000001.yml",
        """\
        id: prov-2026-00000001
        title: 123
        status: open
        created_at: 2026-03-15
        author: ~
        intent: 0x1F
        supersedes: null
        constraints:
          - yes
          - 1.50
        locked: on
        extra_key: kept
        """,
    )
    from linespec.core.store import load_file

    record = load_file(repo.provenance / "prov-2026-00000001.yml")
    assert record.title == "123"
    assert record.created_at == "2026-03-15"
    assert record.author == ""
    assert record.intent == "0x1F"
    assert record.supersedes == ""
    assert record.constraints == ["yes", "1.50"]
    assert record.locked is True
    assert record.model_extra == {"extra_key": "kept"}


def test_records_load_recursively_in_lexical_order(repo: Repo) -> None:
    repo.record("prov-2026-00000002")
    repo.write(
        "provenance/sub/prov-2026-00000001.yaml",
        (repo.record("prov-2026-00000001")).read_text(),
    )
    (repo.provenance / "prov-2026-00000001.yml").unlink()
    repo.write("provenance/notes.yml", "not: a record\n")
    from linespec.core.config import load
    from linespec.core.store import load_records

    records = load_records(load(repo.path))
    assert [r.id for r in records] == ["prov-2026-00000002", "prov-2026-00000001"]


def test_additional_dirs_are_loaded(repo: Repo) -> None:
    repo.record("prov-2026-00000001")
    repo.write(".linespec.yml", "provenance:\n  additional_dirs:\n    - services/a/provenance\n")
    other = repo.record("prov-2026-00000002")
    target = repo.path / "services/a/provenance" / other.name
    target.parent.mkdir(parents=True)
    other.rename(target)
    result = repo.cli("provenance", "status", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "prov-2026-00000002" in result.stdout


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"a": {}, "b": {"supersedes": "prov-2026-deadbeef"}},
            "references unknown supersedes target: prov-2026-deadbeef",
        ),
        (
            {"a": {"supersedes": "prov-2026-0000000b"}, "b": {"supersedes": "prov-2026-0000000a"}},
            "circular supersedes chain",
        ),
    ],
)
def test_graph_errors_stop_the_load(
    repo: Repo, files: dict[str, dict[str, str]], message: str
) -> None:
    for suffix, fields in files.items():
        repo.record(f"prov-2026-0000000{suffix}", **fields)
    result = repo.cli("provenance", "status")
    assert result.exit_code == 2
    assert message in result.stderr


def test_duplicate_ids_across_directories(repo: Repo) -> None:
    first = repo.record("prov-2026-00000001")
    repo.write("provenance/copy/prov-2026-00000001.yml", first.read_text())
    result = repo.cli("provenance", "status")
    assert result.exit_code == 2
    assert "duplicate record ID: prov-2026-00000001" in result.stderr


def test_missing_provenance_dir_means_no_records(repo: Repo) -> None:
    result = repo.cli("provenance", "status", "--format", "json")
    assert result.exit_code == 0
    assert result.stdout == '{\n  "records": []\n}\n'


def test_provenance_path_that_is_a_file(repo: Repo) -> None:
    repo.write("provenance", "oops\n")
    result = repo.cli("provenance", "status")
    assert result.exit_code == 2
    assert "provenance path is not a directory" in result.stderr


def test_unknown_id(repo: Repo) -> None:
    repo.record("prov-2026-00000001")
    for args in (
        ("provenance", "status", "--record", "prov-2026-99999999"),
        ("provenance", "open", "--record", "prov-2026-99999999"),
        ("provenance", "deprecate", "--record", "prov-2026-99999999"),
    ):
        result = repo.cli(*args)
        assert result.exit_code == 1
        assert result.stderr == "error: Record not found: prov-2026-99999999\n"


def test_parse_cache_is_used_ignored_by_git_and_never_trusted_over_a_change(repo: Repo) -> None:
    path = repo.record("prov-2026-00000001", title="First")
    repo.commit_all()
    assert repo.cli("provenance", "status", "--format", "json").exit_code == 0
    cache = repo.path / ".linespec" / "parse-cache.marshal"
    assert cache.is_file()
    assert repo.git("status", "--porcelain") == ""
    path.write_text(path.read_text().replace("title: First", "title: Second edit"))
    result = repo.cli("provenance", "status", "--format", "json")
    assert '"Title": "Second edit"' in result.stdout
    cache.write_bytes(b"garbage")
    assert '"Title": "Second edit"' in repo.cli("provenance", "status", "--format", "json").stdout


@pytest.mark.parametrize(
    "name",
    ["parse-cache.marshal", "scope-index.json", "scope-index.marshal", "hash-memo.marshal"],
)
@pytest.mark.parametrize("keep", [0.0, 0.5])
def test_a_torn_cache_is_a_miss(repo: Repo, name: str, keep: float) -> None:
    # Caches are written without fsync, so a crash may leave one empty or cut short.
    repo.write("src/app.py", "x = 1\n")
    repo.record("prov-2026-00000001", affected_scope=["src/app.py"])
    repo.record("prov-2026-00000002", affected_scope=["src/*.py"])
    repo.commit_all()
    assert repo.cli("provenance", "complete", "--record", "prov-2026-00000002").exit_code == 0
    commands = [
        ("provenance", "lint", "--format", "json"),
        ("provenance", "status", "--format", "json"),
        ("provenance", "govern", "src/app.py", "--json"),
    ]
    before = [repo.cli(*args) for args in commands]
    cache = repo.path / ".linespec" / name
    assert cache.is_file()
    data = cache.read_bytes()
    cache.write_bytes(data[: int(len(data) * keep)])
    after = [repo.cli(*args) for args in commands]
    assert [(r.exit_code, r.stdout) for r in after] == [(r.exit_code, r.stdout) for r in before]


_TEXT = st.text(max_size=5)
_RECORD_VALUES = st.fixed_dictionaries(
    {},
    optional={
        **{name: _TEXT for name in STRING_FIELDS},
        **{name: st.lists(_TEXT, max_size=2) for name in LIST_FIELDS},
        "locked": st.sampled_from(["true", "false", "yes"]),
        "associated_specs": st.lists(
            st.fixed_dictionaries(
                {}, optional={"path": _TEXT, "type": _TEXT, "run_command": _TEXT, "x": _TEXT}
            ),
            max_size=2,
        ),
        "unknown_key": _TEXT,
    },
)


@given(_RECORD_VALUES, st.booleans())
@settings(max_examples=200, deadline=None)
def test_loaded_records_match_model_construct(values: dict[str, Any], remote: bool) -> None:
    # Loading builds records without model_construct, for speed; they must not differ.
    path = Path("provenance/prov-2026-00000001.yml")
    doc = Document(copy.deepcopy(values), {("id",): (1, 1)})
    loaded = record_from_document(doc, path, remote=remote)
    expected = decode_fields(doc, path)
    if "associated_specs" in expected:
        expected["associated_specs"] = [
            Spec.model_construct(_fields_set=set(spec), **spec)
            for spec in expected["associated_specs"]
        ]
    built = Record.model_construct(_fields_set=set(expected), **expected)
    built.attach(path, remote=remote, marks=doc.marks)
    for made, reference in zip(
        [loaded, *loaded.associated_specs], [built, *built.associated_specs], strict=True
    ):
        assert made.__dict__ == reference.__dict__
        assert made.model_fields_set == reference.model_fields_set
        assert made.model_extra == reference.model_extra
        assert made.__pydantic_private__ == reference.__pydantic_private__
        assert made == reference
        assert made.model_dump() == reference.model_dump()
    assert loaded.path == path and loaded.remote is remote and loaded.line_of("id") == (1, 1)
    # Defaults are fresh lists, not one list shared by every record.
    if "tags" not in values:
        assert loaded.tags == [] and loaded.tags is not Record.model_fields["tags"].default
