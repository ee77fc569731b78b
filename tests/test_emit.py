"""Tests for linespec.core.emit, the byte-exact gopkg.in/yaml.v3 emitter.

Record hashes are SHA-256 over yaml.v3's Marshal output, so the expected texts
here are yaml.v3's own bytes: Appendix A of the behaviour spec, plus vectors
produced by running gopkg.in/yaml.v3 v3.0.1 on the corner cases below.
"""

from __future__ import annotations

import hashlib

import pytest
import yaml
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from linespec.core.emit import Mapping, Value, emit_document, emit_scalar


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_pairs(
    *,
    id: str,
    title: str,
    status: str,
    created_at: str,
    author: str,
    intent: str = "",
    constraints: list[str] | None = None,
    affected_scope: list[str] | None = None,
    forbidden_scope: list[str] | None = None,
    type: str = "",
    supersedes: str = "",
    superseded_by: str = "",
    extends: str = "",
    implements: str = "",
    related: list[str] | None = None,
    sealed_at_sha: str = "",
    associated_specs: list[Mapping] | None = None,
    associated_traces: list[str] | None = None,
    monitors: list[str] | None = None,
    tags: list[str] | None = None,
    locked: bool = False,
) -> list[tuple[str, Value]]:
    """The record in spec section 3.1 order, omitempty fields dropped when empty."""
    pairs: list[tuple[str, Value]] = [
        ("id", id),
        ("title", title),
        ("status", status),
        ("created_at", created_at),
        ("author", author),
        ("intent", intent),
        ("constraints", constraints or []),
        ("affected_scope", affected_scope or []),
        ("forbidden_scope", forbidden_scope or []),
    ]
    if type:
        pairs.append(("type", type))
    pairs += [("supersedes", supersedes), ("superseded_by", superseded_by)]
    if extends:
        pairs.append(("extends", extends))
    if implements:
        pairs.append(("implements", implements))
    pairs += [
        ("related", related or []),
        ("sealed_at_sha", sealed_at_sha),
        ("associated_specs", associated_specs or []),
        ("associated_traces", associated_traces or []),
        ("monitors", monitors or []),
        ("tags", tags or []),
    ]
    if locked:
        pairs.append(("locked", True))
    return pairs


def spec_entry(path: str, type: str = "", run_command: str = "") -> Mapping:
    entry: Mapping = [("path", path)]
    if type:
        entry.append(("type", type))
    if run_command:
        entry.append(("run_command", run_command))
    return entry


# --------------------------------------------------------------------------
# Appendix A vectors (the acceptance tests).
# --------------------------------------------------------------------------

A1_TEXT = """\
id: prov-2026-a1b2c3d4
title: Add caching layer
status: draft
created_at: "2026-03-15"
author: dev@example.com
intent: ""
constraints: []
affected_scope: []
forbidden_scope: []
supersedes: ""
superseded_by: ""
related: []
sealed_at_sha: ""
associated_specs: []
associated_traces: []
monitors: []
tags: []
"""

A2_TEXT = """\
id: prov-2026-001
title: Protocol-level proxy interception for language-agnostic test evaluation
status: implemented
created_at: "2026-03-12"
author: caleb.cowen@gmail.com
intent: |
    LineSpec evaluates service behavior by intercepting traffic at the TCP/protocol layer rather than through application-level mocking.
constraints:
    - Interception must occur at the network/protocol layer
    - "yes"
    - "null"
    - 'Maximum cache size: 10,000 entries'
affected_scope:
    - pkg/proxy/**
    - '**/*.go'
    - cmd/linespec/main.go
forbidden_scope:
    - re:.*_test\\.go$
type: blueprint
supersedes: ""
superseded_by: ""
related:
    - prov-2026-002
sealed_at_sha: a3f92c1d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b
associated_specs:
    - path: spec/a_spec.rb
      type: rspec
    - path: docs/x.md
      run_command: test -f {{path}}
associated_traces: []
monitors: []
tags:
    - architecture
    - '#hash'
locked: true
"""  # noqa: E501 (the spec vector's long line is the point: no wrapping)

A3_TEXT = """\
id: prov-2026-00000001
title: t
status: open
created_at: "2026-01-02"
author: x@y.z
intent: |-
    first
    second
constraints:
    - |+
      multi
      line

    - |4
       lead
      x
affected_scope: []
forbidden_scope: []
supersedes: ""
superseded_by: ""
related: []
sealed_at_sha: ""
associated_specs: []
associated_traces: []
monitors: []
tags: []
"""


def test_a1_fresh_create() -> None:
    pairs = record_pairs(
        id="prov-2026-a1b2c3d4",
        title="Add caching layer",
        status="draft",
        created_at="2026-03-15",
        author="dev@example.com",
    )
    text = emit_document(pairs)
    assert text == A1_TEXT
    assert sha256(text) == "af85ce7a6cae918fa0cc28ac4e725e37abd86c54d57266a1333bb367776e0669"


def test_a2_canonical_form_of_input_file() -> None:
    pairs = record_pairs(
        id="prov-2026-001",
        title="Protocol-level proxy interception for language-agnostic test evaluation",
        status="implemented",
        type="blueprint",
        created_at="2026-03-12",
        author="caleb.cowen@gmail.com",
        sealed_at_sha="a3f92c1d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b",
        # The input's folded ">" scalar decodes to one line plus "\n".
        intent=(
            "LineSpec evaluates service behavior by intercepting traffic at the TCP/protocol"
            " layer rather than through application-level mocking.\n"
        ),
        constraints=[
            "Interception must occur at the network/protocol layer",
            "yes",
            "null",
            "Maximum cache size: 10,000 entries",
        ],
        affected_scope=["pkg/proxy/**", "**/*.go", "cmd/linespec/main.go"],
        forbidden_scope=["re:.*_test\\.go$"],
        related=["prov-2026-002"],
        associated_specs=[
            spec_entry("spec/a_spec.rb", type="rspec"),
            spec_entry("docs/x.md", run_command="test -f {{path}}"),
        ],
        tags=["architecture", "#hash"],
        locked=True,
    )
    text = emit_document(pairs)
    assert text == A2_TEXT
    assert sha256(text) == "fdf38fbb6996a3269d02ff7e8914a0e4791715e77f60210e9127b52042b077e4"


def test_a3_block_scalar_styles() -> None:
    pairs = record_pairs(
        id="prov-2026-00000001",
        title="t",
        status="open",
        created_at="2026-01-02",
        author="x@y.z",
        intent="first\nsecond",
        constraints=["multi\nline\n\n", " lead\nx\n"],
    )
    text = emit_document(pairs)
    assert text == A3_TEXT
    assert sha256(text) == "43eb91c4f6bbecdc68ac10fa3ec5f23634ee625e07a5c9f6b9c59a6f12750069"


A4_QUOTING_TABLE: list[tuple[str, str]] = [
    ("", '""'),
    ("123", '"123"'),
    ("1.5", '"1.5"'),
    ("true", '"true"'),
    ("~", '"~"'),
    ("0x1F", '"0x1F"'),
    ("1e3", '"1e3"'),
    (".inf", '".inf"'),
    ("2026-03-12T10:00:00Z", '"2026-03-12T10:00:00Z"'),
    ("Yes", '"Yes"'),
    ("off", '"off"'),
    ("y", '"y"'),
    ("n", '"n"'),
    ("- dash", "'- dash'"),
    ("a: b", "'a: b'"),
    ("trailing colon:", "'trailing colon:'"),
    ("@at", "'@at'"),
    ("`tick", "'`tick'"),
    ("%pct", "'%pct'"),
    ("!bang", "'!bang'"),
    ("&amp", "'&amp'"),
    ("[x]", "'[x]'"),
    ("{y}", "'{y}'"),
    ("| pipe", "'| pipe'"),
    ("> gt", "'> gt'"),
    ("  leading and trailing  ", "'  leading and trailing  '"),
    ("it's", "it's"),
    ('say "hi"', 'say "hi"'),
    ("key:value", "key:value"),
    ("a, b", "a, b"),
    ("?q", "?q"),
    ("=eq", "=eq"),
    ("<<", "<<"),
    ("src/*.go", "src/*.go"),
    ("file?.txt", "file?.txt"),
    ("docs/", "docs/"),
    ("Résumé → unicode title", "Résumé → unicode title"),
    (
        "Line one.\nLine two.\n\nParagraph two has trailing spaces   \n",
        '"Line one.\\nLine two.\\n\\nParagraph two has trailing spaces   \\n"',
    ),
]


@pytest.mark.parametrize(("value", "form"), A4_QUOTING_TABLE)
def test_a4_quoting_table(value: str, form: str) -> None:
    assert emit_scalar(value) == form
    assert emit_document([("title", value)]) == f"title: {form}\n"
    assert emit_document([("tags", [value])]) == f"tags:\n    - {form}\n"
    assert emit_document([("specs", [[("path", value)]])]) == f"specs:\n    - path: {form}\n"


def test_a4_long_title_is_not_wrapped() -> None:
    title = "A deliberately long title " * 8
    title = title.strip()
    assert len(title) > 80
    assert emit_document([("title", title)]) == f"title: {title}\n"


# --------------------------------------------------------------------------
# Vectors produced by gopkg.in/yaml.v3 v3.0.1 itself (Marshal of
# struct{K string `yaml:"k"`}), covering the corners that PyYAML cannot
# referee: raw U+2028/U+2029, BOM handling, escapes, non-BMP characters,
# the resolver's number/timestamp rules and literal-block edge cases.
# --------------------------------------------------------------------------

GO_SCALAR_VECTORS: list[tuple[str, str]] = [
    ("a\rb", 'k: "a\\rb"\n'),
    ("a\x85b", 'k: "a\\Nb"\n'),
    ("\x85", 'k: "\\N"\n'),
    ("a\u2028b", "k: 'a\u2028    b'\n"),
    ("\u2028a", "k: '\u2028    a'\n"),
    ("a\u2028", "k: 'a\u2028'\n"),
    ("a\u2029\u2029b", "k: 'a\u2029\u2029    b'\n"),
    ("a\nb\u2028", "k: |\n    a\n    b\u2028"),
    ("\u2028x\ny", "k: |4-\u2028    x\n    y\n"),
    ('\ufeffab"c', 'k: "\\uFEFF\\x61\\x62\\"\\x63"\n'),
    ("ab\ufeff", 'k: "ab\\uFEFF"\n'),
    ("tab\there", 'k: "tab\\there"\n'),
    ("\tlead", 'k: "\\tlead"\n'),
    ("x\n\ty", "k: |-\n    x\n    \ty\n"),
    ("\U0001f600", 'k: "\\U0001F600"\n'),
    ("\xe9\U0001f600\nb", 'k: "\xe9\\U0001F600\\nb"\n'),
    ("\x7f", 'k: "\\x7F"\n'),
    ("\x00", 'k: "\\0"\n'),
    ("\x1b[0m", 'k: "\\e[0m"\n'),
    ("a\xa0b", "k: a\xa0b\n"),
    ("\xa0", "k: \xa0\n"),
    ("a\x07\x08\x0b\x0c\x01b", 'k: "a\\a\\b\\v\\f\\x01b"\n'),
    ("\ufffe", 'k: "\\uFFFE"\n'),
    ("\ue000", "k: \ue000\n"),
    ("\ud7ff", "k: \ud7ff\n"),
    ("---", "k: '---'\n"),
    ("...", "k: '...'\n"),
    ("--- x", "k: '--- x'\n"),
    ("...x", "k: '...x'\n"),
    ("-", "k: '-'\n"),
    ("- ", "k: '- '\n"),
    ("?", "k: '?'\n"),
    ("? x", "k: '? x'\n"),
    (":", "k: ':'\n"),
    (": x", "k: ': x'\n"),
    ("-x", "k: -x\n"),
    ("a #b", "k: 'a #b'\n"),
    ("a#b", "k: a#b\n"),
    ("#", "k: '#'\n"),
    ("a\t#b", 'k: "a\\t#b"\n'),
    ("a :b", "k: a :b\n"),
    ("a:\tb", 'k: "a:\\tb"\n'),
    ("x]", "k: x]\n"),
    ("[", "k: '['\n"),
    ("\n", "k: |4+\n"),
    ("\n\n", "k: |4+\n\n"),
    ("\nx", "k: |4-\n    x\n"),
    ("\n\nx", "k: |4-\n\n    x\n"),
    (" \nx", 'k: " \\nx"\n'),
    ("x \ny", 'k: "x \\ny"\n'),
    ("x\n y", "k: |-\n    x\n     y\n"),
    ("x\n", "k: |\n    x\n"),
    ("x\n\n", "k: |+\n    x\n\n"),
    ("x\n\n\n", "k: |+\n    x\n\n\n"),
    ("   \n", 'k: "   \\n"\n'),
    ("\xe9\n", "k: |\n    \xe9\n"),
    ("a\r\nb", 'k: "a\\r\\nb"\n'),
    ("0b-101", 'k: "0b-101"\n'),
    ("0o+17", 'k: "0o+17"\n'),
    ("-0o17", 'k: "-0o17"\n'),
    ("0O17", 'k: "0O17"\n'),
    ("0B11", 'k: "0B11"\n'),
    ("+0xFFFFFFFFFFFFFFFF", "k: +0xFFFFFFFFFFFFFFFF\n"),
    ("0xFFFFFFFFFFFFFFFF", 'k: "0xFFFFFFFFFFFFFFFF"\n'),
    ("0x10000000000000000", "k: 0x10000000000000000\n"),
    ("1_000", 'k: "1_000"\n'),
    ("_1", "k: _1\n"),
    ("1_", 'k: "1_"\n'),
    ("+_1", 'k: "+_1"\n'),
    ("08", 'k: "08"\n'),
    ("0", 'k: "0"\n'),
    ("0x", "k: 0x\n"),
    ("0b", "k: 0b\n"),
    ("+", "k: +\n"),
    ("+.5", 'k: "+.5"\n'),
    ("-.5e3", 'k: "-.5e3"\n'),
    (".5_0", 'k: ".5_0"\n'),
    ("._5", "k: ._5\n"),
    (".5e1_0", 'k: ".5e1_0"\n'),
    (".e3", "k: .e3\n"),
    (".", "k: .\n"),
    ("1e400", "k: 1e400\n"),
    (".1e999", "k: .1e999\n"),
    ("1e-400", 'k: "1e-400"\n'),
    ("-9223372036854775809", 'k: "-9223372036854775809"\n'),
    ("99999999999999999999", 'k: "99999999999999999999"\n'),
    ("1:20", 'k: "1:20"\n'),
    ("-1:20:30.5", 'k: "-1:20:30.5"\n'),
    ("1:60", "k: 1:60\n"),
    ("190:20:30", 'k: "190:20:30"\n'),
    ("2026-02-29", "k: 2026-02-29\n"),
    ("2024-02-29", 'k: "2024-02-29"\n'),
    ("2026-13-01", "k: 2026-13-01\n"),
    ("2026-3-5", 'k: "2026-3-5"\n'),
    ("2026-03-15 ", "k: '2026-03-15 '\n"),
    ("2026-03-15 10:00:00", 'k: "2026-03-15 10:00:00"\n'),
    ("2026-03-15  10:00:00", 'k: "2026-03-15  10:00:00"\n'),
    ("2026-03-15T10:00:00+05:30", 'k: "2026-03-15T10:00:00+05:30"\n'),
    ("2026-03-15T10:00:00,5Z", 'k: "2026-03-15T10:00:00,5Z"\n'),
    ("2026-03-15T24:00:00Z", "k: 2026-03-15T24:00:00Z\n"),
    ("2026-03-15T10:00:00", "k: 2026-03-15T10:00:00\n"),
    ("12345-01-01", "k: 12345-01-01\n"),
    ("+.inf", 'k: "+.inf"\n'),
    ("-.Inf", 'k: "-.Inf"\n'),
    (".nAn", "k: .nAn\n"),
    ("nULL", "k: nULL\n"),
    ("tRUE", "k: tRUE\n"),
    ("oN", "k: oN\n"),
    ("yes please", "k: yes please\n"),
    ("inf", "k: inf\n"),
    ("Infinity", "k: Infinity\n"),
    ("1.", 'k: "1."\n'),
    ("+1", 'k: "+1"\n'),
    ("+-1", "k: +-1\n"),
    # Go's digit checks are ASCII-only (Python's int() is not).
    ("1\u0663", "k: 1\u0663\n"),
    ("0x1\u0663", "k: 0x1\u0663\n"),
    ("'", "k: ''''\n"),
    ("a'b", "k: a'b\n"),
    ('"', "k: '\"'\n"),
    ("\\", "k: \\\n"),
    ("a\\nb", "k: a\\nb\n"),
]


@pytest.mark.parametrize(("value", "expected"), GO_SCALAR_VECTORS)
def test_matches_yaml_v3_on_corner_cases(value: str, expected: str) -> None:
    assert emit_document([("k", value)]) == expected


# Timestamp parsing is Go's time.Parse, which changed after Go 1.19: the Go
# tool is built with Go >= 1.24, where offsets above 24 hours are rejected and
# any number of fractional-second digits is accepted (time/format.go, Parse).
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-15T10:00:00+25:00", "k: 2026-03-15T10:00:00+25:00\n"),
        ("2026-03-15T10:00:00+24:60", 'k: "2026-03-15T10:00:00+24:60"\n'),
        ("2026-03-15T10:00:00+05:61", "k: 2026-03-15T10:00:00+05:61\n"),
        ("2026-03-15t1:2:3.123456789123Z", 'k: "2026-03-15t1:2:3.123456789123Z"\n'),
        ("2026-03-15 10:00:00.1234567891", 'k: "2026-03-15 10:00:00.1234567891"\n'),
    ],
)
def test_timestamp_rules_of_current_go(value: str, expected: str) -> None:
    assert emit_document([("k", value)]) == expected


def test_sequence_items_with_go_quirks() -> None:
    # yaml.v3 writes the indentation indicator as best_indent (4) although the
    # content of a sequence item sits only 2 columns past the "-", and copies
    # U+2028 verbatim into single-quoted scalars, resetting its column count.
    items = ["a\u2028b", " lead\nx", "\nx\ny", "x\n\u2028y", "tab\t", "y"]
    assert emit_document([("l", items)]) == (
        "l:\n"
        "    - 'a\u2028      b'\n"
        "    - |4-\n"
        "       lead\n"
        "      x\n"
        "    - |4-\n"
        "      x\n"
        "      y\n"
        "    - |-\n"
        "      x\n"
        "\u2028      y\n"
        '    - "tab\\t"\n'
        '    - "y"\n'
    )


def test_mapping_items_with_go_quirks() -> None:
    # Values of a mapping inside a sequence item get the next multiple of the
    # indent (8), not "key column + 4".
    specs = [
        [("path", " lead\nx"), ("type", "a\u2028b")],
        [("path", "x\n"), ("run_command", "on")],
    ]
    assert emit_document([("s", specs)]) == (
        "s:\n"
        "    - path: |4-\n"
        "         lead\n"
        "        x\n"
        "      type: 'a\u2028        b'\n"
        "    - path: |\n"
        "        x\n"
        '      run_command: "on"\n'
    )


@pytest.mark.parametrize(
    ("indent", "expected"),
    [
        (
            2,
            "k: |2-\n   a\n  b\nl:\n  - |2-\n     c\n    d\n  - e\n"
            "s:\n  - path: |-\n      p\n      q\n    type: t\n",
        ),
        (
            3,
            "k: |3-\n    a\n   b\nl:\n   - |3-\n      c\n     d\n   - e\n"
            "s:\n   - path: |-\n      p\n      q\n     type: t\n",
        ),
        (
            9,
            "k: |9-\n          a\n         b\nl:\n         - |9-\n            c\n"
            "           d\n         - e\ns:\n         - path: |-\n"
            "                  p\n                  q\n           type: t\n",
        ),
    ],
)
def test_other_indents_match_yaml_v3_encoder_set_indent(indent: int, expected: str) -> None:
    pairs: list[tuple[str, Value]] = [
        ("k", " a\nb"),
        ("l", [" c\nd", "e"]),
        ("s", [[("path", "p\nq"), ("type", "t")]]),
    ]
    assert emit_document(pairs, indent=indent) == expected


@pytest.mark.parametrize("indent", [0, 1, 10])
def test_indent_out_of_range_is_rejected(indent: int) -> None:
    with pytest.raises(ValueError):
        emit_document([("k", "v")], indent=indent)


def test_empty_collections_bools_and_keys() -> None:
    assert emit_document([]) == "{}\n"
    pairs: list[tuple[str, Value]] = [
        ("s", [[], [("a", "x")]]),
        ("b", False),
        ("locked", True),
        ("e", []),
        # Keys go through the same resolver and quoting as values.
        ("y", "n"),
        ("on", "a"),
        ("it's: x", "b"),
        (" sp", "c"),
    ]
    assert emit_document(pairs) == (
        "s:\n    - {}\n    - a: x\nb: false\nlocked: true\ne: []\n"
        "\"y\": \"n\"\n\"on\": a\n'it''s: x': b\n' sp': c\n"
    )


@pytest.mark.parametrize("key", ["a\nb", "k" * 129])
def test_keys_that_are_not_simple_are_rejected(key: str) -> None:
    with pytest.raises(ValueError):
        emit_document([(key, "v")])


@pytest.mark.parametrize("value", ["a\nb", "x\n", "\n", " lead\nx"])
def test_emit_scalar_rejects_literal_block_strings(value: str) -> None:
    with pytest.raises(ValueError):
        emit_scalar(value)


def test_emit_scalar_rejects_strings_spanning_lines_in_single_quotes() -> None:
    with pytest.raises(ValueError):
        emit_scalar("a\u2028b")


def test_lone_surrogates_are_rejected() -> None:
    # yaml.v3 would switch to a base64 !!binary scalar for invalid UTF-8.
    with pytest.raises(ValueError):
        emit_document([("k", "a\ud800")])


# --------------------------------------------------------------------------
# Property tests: PyYAML's BaseLoader (every scalar stays a string) must read
# back exactly what was emitted.
# --------------------------------------------------------------------------

# U+2028/U+2029 are left out: yaml.v3 copies them raw into literal and
# single-quoted scalars, where YAML 1.1 readers (yaml.v3's own reader
# included) take them as line breaks, so that output does not round-trip
# anywhere.  The exact bytes are pinned by GO_SCALAR_VECTORS instead.
_EXCLUDED = "\u2028\u2029"

_TRICKY_PIECES = [
    "yes", "No", "ON", "off", "y", "n", "~", "null", "true", "False",
    "0x1F", "0o17", "017", "1_000", "1e3", ".inf", "-.Inf", ".nan", "1:20",
    "2026-03-15", "2026-03-15T10:00:00Z", "2026-3-5 1:2:3", "12.5",
    ": ", ":", "# ", " #", "#", "- ", "-", "? ", "'", '"', "''", "\\",
    "[", "]", "{", "}", ",", "&", "*", "!", "|", ">", "%", "@", "`",
    " ", "  ", "\t", "\n", "\n\n", "\r", "\r\n", "\x85", "\x00", "\x1b", "\x7f",
    "\ufeff", "\xa0", "é", "→", "😀", "---", "...", "<<", "=",
]  # fmt: skip

_chars = st.characters(codec="utf-8", exclude_characters=_EXCLUDED)
_text = st.lists(
    st.one_of(st.sampled_from(_TRICKY_PIECES), st.text(_chars, max_size=8)),
    max_size=8,
).map("".join)
_strings = st.one_of(_text, st.text(_chars), st.sampled_from(_TRICKY_PIECES))


def _is_literal(value: str) -> bool:
    try:
        emit_scalar(value)
    except ValueError:
        return True
    return False


def _round_trip(pairs: list[tuple[str, Value]]) -> object:
    return yaml.load(emit_document(pairs), Loader=yaml.BaseLoader)


@settings(max_examples=600)
@given(_strings)
@example(" lead\nx\n")
@example("multi\nline\n\n")
@example("Line one.\nLine two.  \n")
@example("tab\there\n\tand there")
def test_round_trip_string_value(value: str) -> None:
    # yaml.v3 starts a literal's content on the header line's break, so a
    # leading "\n" is silently dropped on reading: a yaml.v3 quirk we keep.
    assume(not (_is_literal(value) and value.startswith("\n")))
    assert _round_trip([("k", value)]) == {"k": value}


def _fits_in_sequence(value: str) -> bool:
    # In a sequence, yaml.v3's "|4" indicator points 2 columns past where it
    # puts the content, so a literal starting with a space or break cannot be
    # read back (not even by yaml.v3; see test_sequence_items_with_go_quirks).
    return not (_is_literal(value) and value[:1] in (" ", "\n"))


@settings(max_examples=400)
@given(st.lists(_strings, max_size=5))
def test_round_trip_list_of_strings(items: list[str]) -> None:
    assume(all(_fits_in_sequence(item) for item in items))
    expected: list[str] | str = items if items else []
    assert _round_trip([("tags", list(items))]) == {"tags": expected}


_spec_entries = st.builds(
    lambda path, type_, run: spec_entry(path, type=type_, run_command=run),
    _strings,
    _strings,
    _strings,
)


@settings(max_examples=300)
@given(st.lists(_spec_entries, max_size=4))
def test_round_trip_list_of_mappings(entries: list[Mapping]) -> None:
    assume(all(_fits_in_sequence(v) for entry in entries for _, v in entry))
    loaded = _round_trip([("associated_specs", list(entries))])
    assert loaded == {"associated_specs": [dict(entry) for entry in entries]}


@settings(max_examples=300)
@given(_strings)
def test_emit_scalar_agrees_with_document(value: str) -> None:
    assume(not _is_literal(value))
    assert emit_document([("k", value)]) == f"k: {emit_scalar(value)}\n"


_long_line = st.lists(
    st.sampled_from(["word", "a", "longer-word", "x" * 40, " ", "  ", ",", ".", "é", "'", '"']),
    min_size=30,
    max_size=120,
).map("".join)


@settings(max_examples=200)
@given(_long_line)
def test_long_single_line_strings_are_never_wrapped(value: str) -> None:
    for pairs, prefix in (
        ([("title", value)], "title: "),
        ([("tags", [value])], "tags:\n    - "),
        ([("s", [[("path", value)]])], "s:\n    - path: "),
    ):
        text = emit_document(pairs)
        assert text == prefix + emit_scalar(value) + "\n"
        # Only the structural lines: the scalar itself occupies one line.
        assert text.count("\n") == prefix.count("\n") + 1


@settings(max_examples=200)
@given(st.lists(_long_line, min_size=2, max_size=5))
def test_long_multi_line_strings_keep_one_output_line_per_line(lines: list[str]) -> None:
    value = "\n".join(line.strip() or "x" for line in lines)
    text = emit_document([("intent", value)])
    if _is_literal(value):
        # "intent: |-" plus exactly one output line per content line.
        assert text.count("\n") == 1 + value.count("\n") + 1
    else:
        # Double-quoted with escapes: a single physical line.
        assert text.count("\n") == 1
