"""Scope patterns: `re:` regexes, globs and exact paths, with the Go tool's semantics.

A record's `affected_scope` and `forbidden_scope` decide which files a commit may touch, and
the same repository must lint and check the same under this tool and the Go one. So every
regex, including the one a glob converts to, runs on RE2 (the `google-re2` package), the
engine Go's `regexp` is a port of:

* it matches in linear time, so a hostile pattern such as `re:(a+)+$` against a 100,000
  character path cannot hang a commit hook, which a backtracking engine (`re`) would;
* it rejects what Go rejects (look-arounds, back-references, possessive quantifiers), so a
  pattern that is an error in one tool is an error in the other. The C++ engine accepts two
  things Go's parser refuses, `\\C` and non-ASCII group names; `_go_only_error` closes that gap.
  RE2's error texts are reworded into Go's (`error parsing regexp: missing closing ): ...`)
  because they surface verbatim in lint output.

Known, deliberate differences from Go: RE2's 8 MiB program budget refuses a few giant patterns
Go would compile (`re:\\pL{1000}`), and nesting deeper than 1,000 groups is refused only by Go.
Go's glob converter appends each *byte* as a rune, which turns a non-ASCII glob such as
`docs/é/*` into mojibake that can never match; we copy characters, as the spec describes.

RE2 logs every parse error to stderr through absl unless told not to; every compile here goes
through `_options()`, which turns that off, so a bad pattern never prints behind the CLI's back.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final, Protocol, overload

from linespec.errors import LinespecError

if TYPE_CHECKING:
    from types import ModuleType


class PatternError(LinespecError):
    """A scope pattern that cannot be compiled."""


REGEX_PREFIX: Final = "re:"
ALLOWLIST: Final = "allowlist"
OBSERVED: Final = "observed"


class PatternMatch(Protocol):
    """The parts of an RE2 match object callers may rely on (offsets index the str searched)."""

    def start(self, group: int = 0, /) -> int: ...
    def end(self, group: int = 0, /) -> int: ...
    def span(self, group: int = 0, /) -> tuple[int, int]: ...
    def group(self, group: int = 0, /) -> str | None: ...


class _Engine(Protocol):
    """The slice of `re2._Regexp` used here; google-re2 ships no type information."""

    @overload
    def search(self, text: str, /) -> PatternMatch | None: ...
    @overload
    def search(self, text: bytes, /) -> object | None: ...


def is_regex(pattern: str) -> bool:
    return len(pattern) > 3 and pattern.startswith(REGEX_PREFIX)


def is_glob(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern


def is_pattern(pattern: str) -> bool:
    return is_regex(pattern) or is_glob(pattern)


def glob_to_regex(glob: str) -> str:
    """LineSpec's glob dialect as an anchored regex: `**` crosses `/`, `*` and `?` do not.

    Everything not listed below is copied, so `[a-z]` is a class and `{2}` a quantifier, as in
    the Go tool; the result is only as valid as the glob, hence compiled like any regex.
    """
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
            # `\x` keeps its regex meaning (`\*` is a star, `\d` a digit); a lone trailing
            # backslash is dropped rather than left to make the regex invalid.
            if index + 1 < len(glob):
                out.append("\\" + glob[index + 1])
                index += 2
                continue
        else:
            out.append(char)
        index += 1
    out.append("$")
    return "".join(out)


# --- RE2 plumbing ------------------------------------------------------------------------


@functools.cache
def _re2() -> ModuleType:
    # Imported on first use: commands that never match a pattern skip loading the extension.
    import re2

    module: ModuleType = re2
    return module


@functools.cache
def _options(*, never_capture: bool = False) -> object:
    options = _re2().Options()
    options.log_errors = False
    options.never_capture = never_capture
    return options


# Lone surrogates stand for bytes that were not UTF-8 (git output is decoded with
# surrogateescape). Go reads each such byte as U+FFFD, so `?` and `.` match it; RE2 would
# refuse to match an invalid byte at all. One character for one character keeps offsets.
_SURROGATES_AS_REPLACEMENT: Final = dict.fromkeys(range(0xD800, 0xE000), 0xFFFD)


def _as_go_text(text: str) -> str:
    try:
        text.encode()
    except UnicodeEncodeError:
        return text.translate(_SURROGATES_AS_REPLACEMENT)
    return text


def _utf8(text: str) -> bytes:
    # Bytes skip the str-offset bookkeeping the re2 wrapper does on every str search.
    try:
        return text.encode()
    except UnicodeEncodeError:
        return text.translate(_SURROGATES_AS_REPLACEMENT).encode()


# C++ RE2's error codes with the wording Go's regexp/syntax uses for the same code.
_GO_ERROR_WORDING: Final = {
    "invalid escape sequence": "invalid escape sequence",
    "invalid character class": "invalid character class",
    "invalid character class range": "invalid character class range",
    "missing ]": "missing closing ]",
    "missing )": "missing closing )",
    "unexpected )": "unexpected )",
    "trailing \\": "trailing backslash at end of expression",
    "no argument for repetition operator": "missing argument to repetition operator",
    "invalid repetition size": "invalid repeat count",
    "bad repetition operator": "invalid nested repetition operator",
    "invalid perl operator": "invalid or unsupported Perl syntax",
    "invalid UTF-8": "invalid UTF-8",
    "invalid named capture group": "invalid named capture",
    "pattern too large - compile failed": "expression too large",
}


def _go_error(code: str, expr: str) -> str:
    return f"error parsing regexp: {code}: `{expr}`"


def _translate_error(raw: str, source: str) -> str:
    code, _, expr = raw.partition(": ")
    go_code = _GO_ERROR_WORDING.get(code)
    if go_code is None:
        return f"error parsing regexp: {raw}"
    if code == "pattern too large - compile failed":
        expr = source
    elif code == "invalid perl operator" and expr.startswith("(?<"):
        # Go reads `(?<=` / `(?<!` as a named group `(?<name>` whose name is invalid.
        rest = source[max(source.find(expr), 0) :]
        close = rest.find(">")
        return _go_error("invalid named capture", rest if close < 0 else rest[: close + 1])
    return _go_error(go_code, expr)


def _class_end(source: str, start: int) -> int:
    """Index just past the character class opening at `start` (`]` first is a literal)."""
    index = start + 1
    if source.startswith("^", index):
        index += 1
    if source.startswith("]", index):
        index += 1
    while index < len(source):
        if source[index] == "\\":
            index += 2
        elif source.startswith("[:", index) and (close := source.find(":]", index + 2)) >= 0:
            index = close + 2
        elif source[index] == "]":
            return index + 1
        else:
            index += 1
    return index


def _is_go_capture_name(name: str) -> bool:
    return bool(name) and name.isascii() and name.replace("_", "a").isalnum()


def _go_only_error(source: str) -> str | None:
    """Go's verdict on a regex C++ RE2 accepted: `\\C` and non-ASCII group names are errors."""
    index = 0
    while index < len(source):
        char = source[index]
        if char == "\\":
            follower = source[index + 1 : index + 2]
            if follower == "Q":
                close = source.find("\\E", index + 2)
                if close < 0:
                    return None
                index = close + 2
                continue
            if follower == "C":
                return _go_error("invalid escape sequence", "\\C")
            index += 2
        elif char == "[":
            index = _class_end(source, index)
        elif source.startswith("(?P<", index) or source.startswith("(?<", index):
            name_start = index + (4 if source[index + 2] == "P" else 3)
            close = source.find(">", name_start)
            if close >= 0 and not _is_go_capture_name(source[name_start:close]):
                return _go_error("invalid named capture", source[index : close + 1])
            index = name_start
        else:
            index += 1
    return None


@functools.lru_cache(maxsize=8192)
def _engine(source: str) -> _Engine | str:
    """`source` compiled as Go would, or the Go-worded reason it is not a regex.

    Failures are cached as text so a bad pattern in a hot loop is parsed once.
    """
    re2 = _re2()
    try:
        compiled: _Engine = re2.compile(source, _options())
    except UnicodeEncodeError:
        bad = next(i for i, char in enumerate(source) if 0xD800 <= ord(char) < 0xE000)
        return _go_error("invalid UTF-8", source[bad:])
    except re2.error as exc:
        raw = exc.args[0] if exc.args else ""
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        return _translate_error(text, source)
    return _go_only_error(source) or compiled


class CompiledPattern:
    """One scope pattern ready to match; `search` has Go's `MatchPattern` semantics."""

    __slots__ = ("_engine", "pattern", "regex")

    def __init__(self, pattern: str, regex: str, engine: _Engine) -> None:
        self.pattern = pattern
        self.regex = regex
        self._engine = engine

    def search(self, text: str) -> PatternMatch | None:
        try:
            return self._engine.search(text)
        except UnicodeEncodeError:
            return self._engine.search(_as_go_text(text))

    def matches(self, text: str) -> bool:
        return self._engine.search(_utf8(text)) is not None

    def matches_utf8(self, data: bytes) -> bool:
        return self._engine.search(data) is not None

    def __repr__(self) -> str:
        return f"CompiledPattern({self.pattern!r})"


def _source(pattern: str) -> tuple[str, str]:
    """The regex text a pattern matches with, and the noun its errors use."""
    if is_regex(pattern):
        return pattern[len(REGEX_PREFIX) :], "regex"
    if is_glob(pattern):
        return glob_to_regex(pattern), "glob"
    # Exact paths only reach here through compile_pattern; equality, spelled as a regex.
    return f"^{_re2().escape(_as_go_text(pattern))}$", "exact"


@functools.lru_cache(maxsize=8192)
def _compiled(pattern: str) -> CompiledPattern | str:
    regex, kind = _source(pattern)
    engine = _engine(regex)
    if isinstance(engine, str):
        return f'invalid {kind} pattern "{pattern}": {engine}'
    return CompiledPattern(pattern, regex, engine)


def compile_pattern(pattern: str) -> CompiledPattern:
    """The compiled form of `pattern` (cached); raises PatternError when it is not valid.

    `re:` bodies are searched unanchored, globs match whole paths, anything else is compared
    for equality, so `compile_pattern(p).search(path)` agrees with `match_pattern(path, p)`.
    """
    compiled = _compiled(pattern)
    if isinstance(compiled, str):
        raise PatternError(compiled)
    return compiled


def match_pattern(path: str, pattern: str) -> bool:
    """Go's `MatchPattern`: regex, then glob, then exact equality (no prefixes, no cleaning)."""
    if is_pattern(pattern):
        return compile_pattern(pattern).matches(path)
    return path == pattern


# --- Matching many patterns ---------------------------------------------------------------


_PLAIN_REGEX_CHARS: Final = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_-"
)


def _literal_prefix(pattern: str) -> str:
    """Text every path the pattern matches starts with ("" when unknown).

    A cheap `str.startswith` on these lets PatternSet skip RE2 for the many paths under
    other directories. Kept conservative: a character a later `{n}` may repeat is left out,
    so is U+FFFD (an undecodable byte in the path also reads as U+FFFD).
    """
    if is_regex(pattern):
        body = pattern[len(REGEX_PREFIX) :]
        if not body.startswith("^") or "|" in body:
            return ""
        end = 1
        while end < len(body) and body[end] in _PLAIN_REGEX_CHARS:
            end += 1
        prefix = body[1:end]
        if body[end : end + 1] in ("*", "+", "?", "{"):
            prefix = prefix[:-1]
        return prefix
    end = 0
    while end < len(pattern) and pattern[end] not in "*?[\\{":
        end += 1
    prefix = pattern[:end]
    if pattern[end : end + 1] == "{":
        prefix = prefix[:-1]
    return prefix.partition("\ufffd")[0]


@functools.lru_cache(maxsize=1024)
def _alternation(sources: tuple[str, ...]) -> _Engine | None:
    """One RE2 program that matches when any of `sources` does, or None when RE2 refuses it.

    Each source already compiled on its own, so its groups are balanced and its inline flags
    end with the `(?:...)` that wraps it; `\\Q` is kept out by the caller because an unclosed
    quote would swallow the rest of the alternation.
    """
    re2 = _re2()
    joined = "|".join(f"(?:{source})" for source in sources)
    try:
        engine: _Engine = re2.compile(joined, _options(never_capture=True))
    except re2.error:  # e.g. too large together: the caller tries them one by one
        return None
    return engine


class PatternSet:
    """A record's scope list compiled once, for matching against many paths.

    Exact paths are a dict lookup; only `re:` and glob patterns run RE2, and when there are
    several they are also joined into one alternation so a path costs one regex search.
    Matching follows the order Go walks the list: a pattern that does not compile raises
    PatternError only when no pattern before it matched, exactly when Go's loop would reach it.
    Building never raises; `errors` lists the invalid patterns for up-front validation.
    """

    __slots__ = ("_any", "_any_ready", "_error", "_exact", "_patterns", "_prefixes", "_regexes")

    def __init__(self, patterns: Iterable[str]) -> None:
        self._patterns: tuple[str, ...] = tuple(patterns)
        self._exact: dict[str, int] = {}
        self._regexes: list[tuple[int, CompiledPattern]] = []
        self._error: tuple[int, str] | None = None
        for index, pattern in enumerate(self._patterns):
            if not is_pattern(pattern):
                self._exact.setdefault(pattern, index)
                continue
            compiled = _compiled(pattern)
            if isinstance(compiled, str):
                if self._error is None:
                    self._error = (index, compiled)
            else:
                self._regexes.append((index, compiled))
        # A path that starts with none of these cannot match any regex here, and most paths
        # are under some other record's directory; None when a regex has no literal prefix.
        prefixes = tuple(_literal_prefix(c.pattern) for _, c in self._regexes)
        self._prefixes: tuple[str, ...] | None = None if "" in prefixes else prefixes
        # The joined regex is built on first use: many sets are made and never searched.
        self._any: _Engine | None = None
        self._any_ready = len(self._regexes) < 2

    @property
    def patterns(self) -> tuple[str, ...]:
        return self._patterns

    @property
    def errors(self) -> list[PatternError]:
        return [
            PatternError(compiled)
            for pattern in self._patterns
            if is_pattern(pattern) and isinstance(compiled := _compiled(pattern), str)
        ]

    def __len__(self) -> int:
        return len(self._patterns)

    def __bool__(self) -> bool:
        return bool(self._patterns)

    def __repr__(self) -> str:
        return f"PatternSet({list(self._patterns)!r})"

    def matches(self, path: str) -> bool:
        """Whether any pattern matches `path` (PatternError as described on the class)."""
        if self._error is None:
            if path in self._exact:
                return True
            return self._any_regex(path)
        return self._first_index(path) is not None

    def first_match(self, path: str) -> str | None:
        """The first pattern, in list order, that matches `path`; None when none does."""
        index = self._first_index(path)
        return None if index is None else self._patterns[index]

    def _first_index(self, path: str) -> int | None:
        stop = len(self._patterns) if self._error is None else self._error[0]
        found = self._exact.get(path)
        if found is not None and found >= stop:
            found = None
        limit = stop if found is None else found
        if self._regexes and self._regexes[0][0] < limit and self._any_regex(path):
            data = _utf8(path)
            for index, compiled in self._regexes:
                if index >= limit:
                    break
                if compiled.matches_utf8(data):
                    found = index
                    break
        if found is None and self._error is not None:
            raise PatternError(self._error[1])
        return found

    def _any_regex(self, path: str) -> bool:
        if not self._regexes:
            return False
        if self._prefixes is not None and not path.startswith(self._prefixes):
            return False
        data = _utf8(path)
        if not self._any_ready:
            joinable = tuple(c.regex for _, c in self._regexes if "\\Q" not in c.regex)
            self._any = _alternation(joinable) if len(joinable) == len(self._regexes) else None
            self._any_ready = True
        if self._any is not None:
            return self._any.search(data) is not None
        return any(compiled.matches_utf8(data) for _, compiled in self._regexes)


@functools.lru_cache(maxsize=4096)
def _pattern_set(patterns: tuple[str, ...]) -> PatternSet:
    return PatternSet(patterns)


# --- Scope, exclusions, overlap -----------------------------------------------------------


def scope_mode(affected: Sequence[str]) -> str:
    """`allowlist` once a record lists any affected pattern, else `observed`."""
    return ALLOWLIST if len(affected) > 0 else OBSERVED


def is_in_scope(affected: Sequence[str], forbidden: Sequence[str], path: str) -> bool:
    """Go's `IsInScope`: forbidden wins, then the allowlist; observed mode admits everything.

    Pattern errors propagate as PatternError; the caller decides whether that skips a record.
    """
    if _pattern_set(tuple(forbidden)).matches(path):
        return False
    if scope_mode(affected) == OBSERVED:
        return True
    return _pattern_set(tuple(affected)).matches(path)


def _excluded_by(path: str, entry: str) -> bool:
    if not entry:
        return False
    if len(entry) >= 2 and entry[0] == "/" and entry[-1] == "/":
        engine = _engine(entry[1:-1])
        return not isinstance(engine, str) and engine.search(_utf8(path)) is not None
    if is_glob(entry):
        # Go hands these to MatchPattern, so a `re:` entry holding `*` or `?` is a regex.
        try:
            return match_pattern(path, entry)
        except PatternError:
            return False
    if path == entry:
        return True
    return path.startswith(entry.removesuffix("/") + "/")


def is_path_excluded(path: str, entries: Sequence[str]) -> bool:
    """Go's `IsPathExcluded` for `exclude_paths`: any entry matching exempts the path.

    Entries are `/regex/`, globs, exact paths or directory prefixes (`docs` and `docs/` both
    cover `docs/x`, not `docs` nor `docs-old/x`); an entry that does not compile matches
    nothing, so this never raises.
    """
    return any(_excluded_by(path, entry) for entry in entries)


def patterns_overlap(a: str, b: str) -> bool:
    """The Go tool's heuristic: equal, one literal path matched by the other, or shared samples.

    It is a heuristic on purpose (two regexes can share paths no sample hits); it never raises,
    since an invalid pattern is reported by its own lint rule.
    """
    if a == b:
        return True
    if _apart(a, b):
        return False
    return _overlap_by_samples(a, b)


def _overlap_by_samples(a: str, b: str) -> bool:
    if not is_pattern(a) and _matches_quietly(a, b):
        return True
    if not is_pattern(b) and _matches_quietly(b, a):
        return True
    if is_pattern(a) and is_pattern(b):
        compiled_a, compiled_b = _compiled(a), _compiled(b)
        if isinstance(compiled_a, str) or isinstance(compiled_b, str):
            return False
        return any(compiled_b.matches(s) for s in _samples(a)) or any(
            compiled_a.matches(s) for s in _samples(b)
        )
    return False


# A glob is a regex anchored at the start, so what it matches begins with the text before
# its first special character (less one before `{`, a quantifier of the character ahead).
_GLOB_SPECIAL: Final = frozenset("*?[]{}\\")


def _glob_prefix(glob: str) -> str:
    for index, char in enumerate(glob):
        if char in _GLOB_SPECIAL:
            prefix = glob[: index - 1 if char == "{" and index else index]
            break
    else:
        prefix = glob
    # Text that is not valid UTF-8 is matched in Go's spelling, which ASCII never changes.
    return prefix if prefix.isascii() else ""


def _apart(a: str, b: str) -> bool:
    """Whether no path can start as both A and B require (globs and literal paths only).

    The lint rules compare every record's affected and forbidden patterns; most pairs are
    told apart by their leading folders, without compiling either pattern.
    """
    if is_regex(a) or is_regex(b):
        return False
    first = _glob_prefix(a) if is_glob(a) else a
    second = _glob_prefix(b) if is_glob(b) else b
    return not (first.startswith(second) or second.startswith(first))


def _matches_quietly(path: str, pattern: str) -> bool:
    try:
        return match_pattern(path, pattern)
    except PatternError:
        return False


def _samples(pattern: str) -> list[str]:
    if is_regex(pattern):
        return ["test/file.go", "pkg/module/file.go", "src/test.go"]
    return [
        pattern.replace("**", "pkg/module", 1).replace("*", "file", 1).replace("?", "f", 1),
        pattern.replace("**", "src/sub", 1).replace("*", "test", 1).replace("?", "t", 1),
    ]
