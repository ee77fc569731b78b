"""The fast paths' argument scanner: narrow on purpose, never a crash."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from linespec.fastargs import scan

OPTIONS = {"values": ("--format", "--config"), "lists": ("--files",), "flags": ("--json",)}


def test_flags_values_lists_and_positionals() -> None:
    scanned = scan(
        ["a.py", "--files", "b.py", "--files=c.py,d.py", "--json", "-c", "x.yml", "e.py"],
        aliases={"-c": "--config"},
        **OPTIONS,
    )
    assert scanned is not None
    assert scanned.flags == {"--json"}
    assert scanned.values == {"--files": ["b.py", "c.py,d.py"], "--config": ["x.yml"]}
    assert scanned.positional == ["a.py", "e.py"]
    assert scanned.value("--config") == "x.yml"
    assert scanned.value("--format", "human") == "human"


def test_anything_unusual_is_left_to_the_full_cli() -> None:
    for args in (
        ["--unknown"],
        ["--format", "json", "--format", "human"],  # a single-value option twice
        ["--format"],  # no value
        ["--format", "--json"],  # a value that looks like an option
        ["--json=yes"],  # a flag with a value
        ["-"],
    ):
        assert scan(args, **OPTIONS) is None, args


@given(
    st.lists(st.sampled_from(["--format", "--files", "--json", "-c", "x", "-", "--"]) | st.text())
)
def test_the_scanner_never_crashes_and_keeps_every_argument(args: list[str]) -> None:
    scanned = scan(args, aliases={"-c": "--config"}, **OPTIONS)
    if scanned is not None:
        kept = len(scanned.flags) + sum(map(len, scanned.values.values())) + len(scanned.positional)
        assert kept <= len(args)
        assert all(not p.startswith("-") for p in scanned.positional)
