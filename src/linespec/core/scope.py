"""Scope patterns: `re:` regexes, globs and exact paths, with the Go tool's semantics."""

from __future__ import annotations

import functools
import re

from linespec.errors import LinespecError


class PatternError(LinespecError):
    """A scope pattern that cannot be compiled."""


REGEX_PREFIX = "re:"


def is_regex(pattern: str) -> bool:
    return len(pattern) > 3 and pattern.startswith(REGEX_PREFIX)


def is_glob(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern


def is_pattern(pattern: str) -> bool:
    return is_regex(pattern) or is_glob(pattern)


def glob_to_regex(glob: str) -> str:
    """LineSpec's glob dialect as an anchored regex: `**` crosses `/`, `*` and `?` do not."""
    out = ["^"]
    index = 0
    while index < len(glob):
        char = glob[index]
        if char == "*":
            if glob.startswith("**", index):
                out.append(".*")
                index += 2
                continue
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char in ".+()|^$":
            out.append("\\" + char)
        elif char == "\\":
            if index + 1 < len(glob):
                out.append("\\" + glob[index + 1])
                index += 2
                continue
        else:
            out.append(char)
        index += 1
    out.append("$")
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The regex a `re:` or glob pattern matches with (search semantics)."""
    if is_regex(pattern):
        try:
            return re.compile(pattern[len(REGEX_PREFIX) :])
        except re.error as exc:
            raise PatternError(f'invalid regex pattern "{pattern}": {exc}') from None
    try:
        return re.compile(glob_to_regex(pattern))
    except re.error as exc:
        raise PatternError(f'invalid glob pattern "{pattern}": {exc}') from None


def match_pattern(path: str, pattern: str) -> bool:
    if is_pattern(pattern):
        return compile_pattern(pattern).search(path) is not None
    return path == pattern


def patterns_overlap(a: str, b: str) -> bool:
    """The Go tool's heuristic: equal, one literal path matched by the other, or shared samples."""
    if a == b:
        return True
    try:
        if not is_pattern(a) and match_pattern(a, b):
            return True
        if not is_pattern(b) and match_pattern(b, a):
            return True
        if is_pattern(a) and is_pattern(b):
            regex_a, regex_b = compile_pattern(a), compile_pattern(b)
            if any(regex_b.search(s) for s in _samples(a)):
                return True
            if any(regex_a.search(s) for s in _samples(b)):
                return True
    except PatternError:
        return False
    return False


def _samples(pattern: str) -> list[str]:
    if is_regex(pattern):
        return ["test/file.go", "pkg/module/file.go", "src/test.go"]
    return [
        pattern.replace("**", "pkg/module", 1).replace("*", "file", 1).replace("?", "f", 1),
        pattern.replace("**", "src/sub", 1).replace("*", "test", 1).replace("?", "t", 1),
    ]
