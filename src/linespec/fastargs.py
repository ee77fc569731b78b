"""The one argument scanner of the fast paths (`check --staged`, `govern`, `next`,
`search`, `lineage`, `ready`, `blocked`).

Those commands answer without typer, so they read their arguments here. The scanner is
deliberately narrow: anything unusual (an unknown option, an option given twice, a missing
value, a value that looks like an option) is None, and the full CLI takes over with its
real parser, help and error messages. Refusing is always safe; guessing is not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple


class Scanned(NamedTuple):
    flags: frozenset[str]
    values: dict[str, list[str]]
    positional: list[str]

    def value(self, name: str, default: str = "") -> str:
        return self.values[name][-1] if name in self.values else default


def scan(
    args: Sequence[str],
    *,
    flags: Iterable[str] = (),
    values: Iterable[str] = (),
    lists: Iterable[str] = (),
    aliases: Mapping[str, str] | None = None,
) -> Scanned | None:
    """Split ARGS into FLAGS seen, option values and positional arguments.

    VALUES may be given once, LISTS any number of times (`--opt v` or `--opt=v`); ALIASES
    maps other spellings (`-c`) to the name they stand for.
    """
    known_flags, once, many = set(flags), set(values), set(lists)
    seen: set[str] = set()
    found: dict[str, list[str]] = {}
    positional: list[str] = []
    rest = list(args)
    rest.reverse()
    while rest:
        arg = rest.pop()
        if arg in known_flags:
            seen.add(arg)
            continue
        if not arg.startswith("-"):
            positional.append(arg)
            continue
        name, sep, value = arg.partition("=")
        name = aliases.get(name, name) if aliases else name
        if (name not in once and name not in many) or (name in once and name in found):
            return None
        if not sep:
            if not rest or rest[-1].startswith("-"):
                return None
            value = rest.pop()
        found.setdefault(name, []).append(value)
    return Scanned(frozenset(seen), found, positional)
