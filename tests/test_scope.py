"""Scope patterns (BEHAVIOR.md §5): MatchPattern, IsInScope, exclude_paths and overlap."""

from __future__ import annotations

import functools
import time
import uuid

import pytest
import re2
from hypothesis import example, given, settings
from hypothesis import strategies as st

from linespec.core import scope
from linespec.core.scope import (
    PatternError,
    PatternSet,
    compile_pattern,
    glob_to_regex,
    is_in_scope,
    is_path_excluded,
    match_pattern,
    patterns_overlap,
    scope_mode,
)
from linespec.errors import LinespecError

# A generous bound: RE2 answers these in well under a millisecond; a backtracking engine
# would not answer within the lifetime of the test run.
HOSTILE_SECONDS = 10.0


def _quiet_re2(regex: str) -> re2._Regexp:
    options = re2.Options()
    options.log_errors = False
    return re2.compile(regex, options)


# --- §5.1 MatchPattern ----------------------------------------------------------------------

MATCH_CASES = [
    # `**` -> `.*`: crosses `/`, may be empty.
    ("pkg/**", "pkg/a", True),
    ("pkg/**", "pkg/x/y", True),
    ("pkg/**", "pkg/", True),
    ("pkg/**", "pkg", False),
    ("pkg/**", "other/pkg/a", False),
    ("**", "any/depth/at/all", True),
    ("**.go", "a/b/c.go", True),
    ("pkg/**/*.go", "pkg/x/a.go", True),
    ("pkg/**/*.go", "pkg/x/y/a.go", True),
    ("pkg/**/*.go", "pkg/a.go", False),  # needs an intermediate `/`
    ("**/*.go", "main.go", False),  # no root-level match
    ("**/*.go", "cmd/main.go", True),
    ("a/**/b", "a/b", False),
    ("a/**/b", "a/x/b", True),
    ("a/**/b", "a/x/y/b", True),
    # `.` does not match a newline in RE2 (nor Go), so neither does `**`.
    ("pkg/**", "pkg/a\nb", False),
    # single `*` -> `[^/]*`: stays inside one segment.
    ("*.go", "main.go", True),
    ("*.go", ".go", True),
    ("*.go", "cmd/main.go", False),
    ("src/*.go", "src/a.go", True),
    ("src/*.go", "src/x/a.go", False),
    ("src/*", "src/", True),
    ("src/*", "src/a\nb", True),  # a negated class does match a newline
    # `?` -> `[^/]`: exactly one character, never `/`.
    ("a?c", "abc", True),
    ("a?c", "ac", False),
    ("a?c", "abbc", False),
    ("a?c", "a/c", False),
    ("a?c", "aéc", True),  # one character, not one byte
    # `.` `+` `(` `)` `|` `^` `$` are literal.
    ("a.b*", "a.b", True),
    ("a.b*", "axb", False),
    ("a+*", "a+", True),
    ("a+*", "aa", False),
    ("(x)*", "(x)", True),
    ("(x)*", "x", False),
    ("a|b*", "a|b", True),
    ("a|b*", "a", False),
    ("a|b*", "b", False),
    ("^a$*", "^a$", True),
    ("^a$*", "a", False),
    # `\x` escapes the next character (both consumed), keeping its regex meaning.
    ("a\\*b?", "a*bc", True),
    ("a\\*b?", "aXbc", False),
    ("a\\?*", "a?", True),
    ("a\\?*", "ab", False),
    ("\\d?", "1x", True),
    ("\\d?", "ax", False),
    ("\\.*", ".env", True),
    ("\\.*", "xenv", False),
    # a trailing lone `\` is dropped.
    ("a?\\", "ab", True),
    ("a?\\", "ab\\", False),
    # `[ ] { }` are copied: classes work, `{n}` is a quantifier.
    ("file[0-9].*", "file1.go", True),
    ("file[0-9].*", "filea.go", False),
    ("[!a]*", "!x", True),  # regex classes, not shell ones: `!` is a member
    # `^` is escaped even inside brackets, so a glob class can never be negated.
    ("[^a]*", "ax", True),
    ("[^a]*", "^x", True),
    ("[^a]*", "bx", False),
    ("a{2}*", "aa", True),
    ("a{2}*", "aax", True),
    ("a{2}*", "ax", False),
    ("*x{2}", "axx", True),
    ("*x{2}", "ax", False),
    ("a{*", "a{b", True),  # not a valid quantifier, so a literal `{`
    # an unbalanced `[` before a wildcard is closed by the `[^/]` the wildcard becomes.
    ("src/[abc*.go", "src/a.go", True),
    ("src/[abc*.go", "src/a/b.go", True),
    # exact paths: equality only, no directory prefixes, no normalisation.
    ("docs", "docs", True),
    ("docs", "docs/x", False),
    ("docs/", "docs/x", False),
    ("docs/", "docs", False),
    ("./a", "a", False),
    ("a", "./a", False),
    ("a//b", "a/b", False),
    ("a[1].txt", "a[1].txt", True),  # brackets in an exact path are not a class
    ("a[1].txt", "a1.txt", False),
    ("", "", True),
    ("", "a", False),
    # `re:` regexes are searched unanchored.
    ("re:pkg", "src/pkg/x.go", True),
    ("re:\\.go$", "pkg/a.go", True),
    ("re:\\.go$", "pkg/a.go.bak", False),
    ("re:^src/", "src/a", True),
    ("re:^src/", "lib/src/a", False),
    ("re:(?i)README", "docs/readme.md", True),
    ("re:a|b", "xbx", True),
    # `re:` with 3 characters or fewer is not a regex.
    ("re:", "re:", True),
    ("re:", "anything", False),
    ("re:x", "axe", True),
    ("re", "re", True),
    # a pattern starting `re:` is a regex even when it holds glob characters.
    ("re:a*", "b", True),  # `a*` matches the empty string anywhere
    ("re:.?", "", True),
]


@pytest.mark.parametrize(("pattern", "path", "expected"), MATCH_CASES)
def test_match_pattern(pattern: str, path: str, expected: bool) -> None:
    assert match_pattern(path, pattern) is expected
    # compile_pattern agrees with match_pattern, for exact paths too.
    assert (compile_pattern(pattern).search(path) is not None) is expected
    assert PatternSet([pattern]).matches(path) is expected


GLOB_CONVERSIONS = [
    ("**", "^.*$"),
    ("*", "^[^/]*$"),
    ("?", "^[^/]$"),
    ("***", "^.*[^/]*$"),
    ("pkg/**/*.go", "^pkg/.*/[^/]*\\.go$"),
    (".+()|^$", "^\\.\\+\\(\\)\\|\\^\\$$"),
    ("a\\*b", "^a\\*b$"),
    ("a\\", "^a$"),
    ("\\\\", "^\\\\$"),
    ("[a-z]{2}", "^[a-z]{2}$"),
    ("{}[]", "^{}[]$"),
    ("é/*", "^é/[^/]*$"),
    ("", "^$"),
]


@pytest.mark.parametrize(("glob", "regex"), GLOB_CONVERSIONS)
def test_glob_to_regex(glob: str, regex: str) -> None:
    assert glob_to_regex(glob) == regex


def test_non_ascii_globs_match_their_own_characters() -> None:
    # The spec copies characters verbatim; Go's converter appends bytes as runes, which
    # makes such globs unmatchable there. We follow the spec.
    assert match_pattern("docs/é/x.md", "docs/é/*.md")
    assert match_pattern("日本/x", "日本/?")


def test_compile_pattern_is_cached_and_reports_offsets_in_the_string() -> None:
    assert compile_pattern("src/**") is compile_pattern("src/**")
    found = compile_pattern("re:b+").search("ébbc")
    assert found is not None
    assert found.span() == (1, 3)
    assert found.group() == "bb"


INVALID_PATTERNS = [
    ("re:(a", 'invalid regex pattern "re:(a": error parsing regexp: missing closing ): `(a`'),
    ("re:a)", 'invalid regex pattern "re:a)": error parsing regexp: unexpected ): `a)`'),
    ("re:[a", 'invalid regex pattern "re:[a": error parsing regexp: missing closing ]: `[a`'),
    ("re:*a", "missing argument to repetition operator: `*`"),
    ("re:a**", "invalid nested repetition operator: `**`"),
    ("re:a{1001}", "invalid repeat count: `{1001}`"),
    ("re:[z-a]", "invalid character class range: `z-a`"),
    ("re:\\", "trailing backslash at end of expression: ``"),
    ("re:\\y", "invalid escape sequence: `\\y`"),
    ("re:\\Z", "invalid escape sequence: `\\Z`"),
    # unbalanced `[` in a glob, once no wildcard's `[^/]` closes it.
    ("*.[ch", 'invalid glob pattern "*.[ch": error parsing regexp: missing closing ]: `[ch$`'),
    ("?[", "invalid glob pattern"),
    ("a\\y*", "invalid glob pattern"),
    ("x{1001}*", "invalid glob pattern"),
]


@pytest.mark.parametrize(("pattern", "message"), INVALID_PATTERNS)
def test_invalid_patterns_raise_with_gos_wording(pattern: str, message: str) -> None:
    with pytest.raises(PatternError) as caught:
        match_pattern("anything", pattern)
    assert message in caught.value.message
    assert isinstance(caught.value, LinespecError)
    with pytest.raises(PatternError):
        compile_pattern(pattern)


# --- RE2: what Go rejects, we reject; hostile patterns stay linear ---------------------------

RE2_REJECTIONS = [
    ("re:foo(?=bar)", "invalid or unsupported Perl syntax: `(?=`"),
    ("re:foo(?!bar)", "invalid or unsupported Perl syntax: `(?!`"),
    # Go reads `(?<` as a named group, so look-behinds fail as bad names there.
    ("re:(?<=src/)a", "invalid named capture: `(?<=src/)a`"),
    ("re:(?<!src/)a>b", "invalid named capture: `(?<!src/)a>`"),
    ("re:(a)\\1", "invalid escape sequence: `\\1`"),
    ("re:(?P<n>a)(?P=n)", "invalid or unsupported Perl syntax: `(?P`"),
    ("re:(?>atomic)", "invalid or unsupported Perl syntax: `(?>`"),
    ("re:a++", "invalid nested repetition operator: `++`"),
    # accepted by C++ RE2, refused by Go: rejected so both tools lint alike.
    ("re:a\\Cb", "invalid escape sequence: `\\C`"),
    ("a\\C*", "invalid escape sequence: `\\C`"),
    ("re:(?P<é>a)", "invalid named capture: `(?P<é>`"),
    ("re:(?<ñ>a)", "invalid named capture: `(?<ñ>`"),
]


@pytest.mark.parametrize(("pattern", "detail"), RE2_REJECTIONS)
def test_re2_rejects_what_go_rejects(pattern: str, detail: str) -> None:
    with pytest.raises(PatternError) as caught:
        compile_pattern(pattern)
    assert caught.value.message.endswith(f"error parsing regexp: {detail}")


@pytest.mark.parametrize(
    "pattern",
    [
        "re:(?P<name_1>a)",
        "re:(?<name>a)",
        "re:(?P<n>a)|(?P<n>b)",  # Go allows repeated names
        "re:\\Q\\C\\E",  # quoted, so a literal `\C`
        "re:[(?P<é>]",  # inside a class, not a group
        "re:[[:alpha:]](?P<ok>x)",
        "re:\\pL+",
        "re:\\x{41}\\z",
        "re:(?i)a(?-i)b",
        "re:a{,2}",  # not a quantifier: literal text, as in Go
    ],
)
def test_re2_accepts_what_go_accepts(pattern: str) -> None:
    compile_pattern(pattern)


def test_catastrophic_regex_is_linear() -> None:
    path = "a" * 100_000 + "!"
    started = time.monotonic()
    assert not match_pattern(path, "re:(a+)+$")
    assert not match_pattern(path, "re:^(a|aa)*$")
    assert not match_pattern(path, "**a**a**a**a**a**a**a**b")
    assert not PatternSet(["re:(a+)+$", "re:(a*)*b$"]).matches(path)
    assert not is_in_scope(["re:^(a|a)*$"], [], path)
    assert not is_path_excluded(path, ["/(a+)+$/"])
    assert time.monotonic() - started < HOSTILE_SECONDS


def test_invalid_patterns_write_nothing_to_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    fresh = uuid.uuid4().hex  # never compiled before, so no cache hides the parse
    with pytest.raises(PatternError):
        compile_pattern(f"re:({fresh}")
    with pytest.raises(PatternError):
        match_pattern("x", f"*[{fresh}")
    assert not is_path_excluded("x", [f"/({fresh}/", f"?[{fresh}"])
    assert not patterns_overlap(f"re:[{fresh}", "*")
    assert PatternSet([f"re:(?={fresh})"]).errors
    captured = capfd.readouterr()
    assert captured.err == ""
    assert captured.out == ""
    # Control: with default options RE2 does log, so the capture above would have seen it.
    with pytest.raises(re2.error):
        re2.compile(f"({fresh}-control")
    assert fresh in capfd.readouterr().err


# --- undecodable bytes in paths (surrogateescape) ------------------------------------------


def test_undecodable_bytes_match_like_gos_replacement_character() -> None:
    # git output is decoded with surrogateescape; Go reads each bad byte as one U+FFFD.
    one_bad_byte = "pkg/\udcff.go"
    two_bad_bytes = "pkg/\udcff\udcfe.go"
    assert match_pattern(one_bad_byte, "pkg/*.go")
    assert match_pattern(one_bad_byte, "pkg/?.go")
    assert match_pattern(two_bad_bytes, "pkg/??.go")
    assert not match_pattern(two_bad_bytes, "pkg/?.go")
    assert match_pattern(one_bad_byte, "re:\\x{FFFD}")
    assert match_pattern(one_bad_byte, "\ufffd*") is False  # anchored at `p`, not U+FFFD
    assert match_pattern("\udcff", "\ufffd*")
    assert PatternSet(["\ufffd*"]).matches("\udcff")
    assert match_pattern(one_bad_byte, one_bad_byte)  # exact: same bytes, same string
    found = compile_pattern("re:\\.go").search(one_bad_byte)
    assert found is not None
    assert found.span() == (5, 8)
    assert is_in_scope(["pkg/**"], [], one_bad_byte)
    assert is_path_excluded(one_bad_byte, ["pkg"])


def test_invalid_utf8_in_a_pattern_is_a_pattern_error() -> None:
    with pytest.raises(PatternError, match="invalid UTF-8"):
        compile_pattern("re:a\ud800")
    with pytest.raises(PatternError, match="invalid glob pattern"):
        compile_pattern("*\udcff")


# --- §5.2 IsInScope --------------------------------------------------------------------------


def test_scope_mode() -> None:
    assert scope_mode([]) == "observed"
    assert scope_mode(["a"]) == "allowlist"
    assert scope_mode([""]) == "allowlist"  # Go counts entries, not meaningful ones
    assert scope_mode(()) == "observed"


@pytest.mark.parametrize(
    ("affected", "forbidden", "path", "expected"),
    [
        # observed mode: everything not forbidden
        ([], [], "any/file.go", True),
        ([], ["secrets/**"], "secrets/key", False),
        ([], ["secrets/**"], "src/a.go", True),
        # allowlist mode
        (["src/**"], [], "src/a.go", True),
        (["src/**"], [], "docs/a.md", False),
        (["src/a.go", "re:\\.md$"], [], "docs/a.md", True),
        (["src/a.go"], [], "src/a.go", True),
        (["src/"], [], "src/a.go", False),  # no directory prefixes
        # forbidden wins over affected
        (["src/**"], ["src/gen/**"], "src/gen/x.go", False),
        (["src/**"], ["src/gen/**"], "src/x.go", True),
        (["src/a.go"], ["src/a.go"], "src/a.go", False),
        # an empty pattern is an exact path that only the empty path equals
        ([""], [], "src/a.go", False),
        ([""], [], "", True),
    ],
)
def test_is_in_scope(affected: list[str], forbidden: list[str], path: str, expected: bool) -> None:
    assert is_in_scope(affected, forbidden, path) is expected
    assert is_in_scope(tuple(affected), tuple(forbidden), path) is expected


def test_is_in_scope_propagates_pattern_errors_in_gos_order() -> None:
    # Go walks forbidden, then affected, stopping at the first match or the first error.
    with pytest.raises(PatternError):
        is_in_scope([], ["re:("], "a")
    with pytest.raises(PatternError):
        is_in_scope(["re:(", "a"], [], "a")
    with pytest.raises(PatternError):
        is_in_scope(["a"], ["re:("], "a")
    assert is_in_scope(["a", "re:("], [], "a")  # matched before the bad pattern
    assert not is_in_scope(["re:("], ["a"], "a")  # forbidden matched first
    assert not is_in_scope([], ["a", "re:("], "a")


def test_is_in_scope_error_detail() -> None:
    with pytest.raises(PatternError, match='invalid glob pattern "\\*\\[": '):
        is_in_scope(["*["], [], "x")


# --- PatternSet -------------------------------------------------------------------------------


def test_pattern_set_first_match_follows_list_order() -> None:
    patterns = ["src/*.go", "src/a.go", "re:a", "re:(?i)xyz", "lit", "lit"]
    matcher = PatternSet(patterns)
    assert matcher.first_match("src/a.go") == "src/*.go"
    assert matcher.first_match("a") == "re:a"
    assert matcher.first_match("lit") == "lit"
    assert matcher.first_match("XYZ") == "re:(?i)xyz"
    assert matcher.first_match("nothing") is None
    assert PatternSet(["src/a.go", "src/*.go"]).first_match("src/a.go") == "src/a.go"
    assert matcher.patterns == tuple(patterns)
    assert len(matcher) == 6
    assert not PatternSet([])
    assert not PatternSet([]).matches("a")
    assert PatternSet([]).first_match("a") is None


def test_pattern_set_inline_flags_stay_inside_their_pattern() -> None:
    matcher = PatternSet(["re:(?i)abc", "re:xyz", "re:^lib/"])
    assert matcher.matches("ABC")
    assert not matcher.matches("XYZ")
    assert matcher.matches("lib/x")
    assert not matcher.matches("LIB/x")


def test_pattern_set_quoted_regexes() -> None:
    # `\Q` without `\E` quotes to the end of its pattern and must not swallow the others.
    matcher = PatternSet(["re:\\Qa.b", "re:\\Qc|d\\E", "re:^e$"])
    assert matcher.matches("xa.by")
    assert not matcher.matches("axb")
    assert matcher.matches("c|d")
    assert not matcher.matches("c")
    assert matcher.matches("e")
    assert matcher.first_match("e") == "re:^e$"


def test_pattern_set_falls_back_when_the_joined_regex_is_too_large() -> None:
    patterns = [f"re:{c}\\pL{{300}}" for c in "wxyz"]
    assert scope._alternation(tuple(p[3:] for p in patterns)) is None
    matcher = PatternSet(patterns)
    assert matcher.matches("y" + "é" * 300)
    assert matcher.first_match("z" + "é" * 300) == patterns[-1]
    assert not matcher.matches("v" + "é" * 300)


def test_pattern_set_literal_prefixes_do_not_hide_matches() -> None:
    matcher = PatternSet(
        ["pkg/a{2}/*", "re:^lib/x+", "re:^src|^tests", "pkg/b[0-9]/*", "re:^app/v?1"]
    )
    assert matcher.matches("pkg/aa/x")
    assert not matcher.matches("pkg/a/x")
    assert matcher.matches("lib/xx")
    assert not matcher.matches("lib/")
    assert matcher.matches("tests/a")
    assert matcher.matches("pkg/b1/x")
    assert matcher.matches("app/1")
    assert matcher.matches("app/v1")
    assert not matcher.matches("other")


def test_pattern_set_errors_surface_where_go_would_reach_them() -> None:
    matcher = PatternSet(["a", "re:(", "*[", "b"])  # building never raises
    assert [error.message for error in matcher.errors] == [
        'invalid regex pattern "re:(": error parsing regexp: missing closing ): `(`',
        'invalid glob pattern "*[": error parsing regexp: missing closing ]: `[$`',
    ]
    assert matcher.matches("a")
    assert matcher.first_match("a") == "a"
    with pytest.raises(PatternError, match='"re:\\("'):
        matcher.matches("b")
    with pytest.raises(PatternError, match='"re:\\("'):
        matcher.first_match("zzz")
    assert PatternSet(["a", "re:x"]).errors == []


def test_pattern_set_many_exact_paths() -> None:
    paths = [f"src/module{i}/file{i}.py" for i in range(20_000)]
    matcher = PatternSet([*paths, "docs/**", "re:\\.md$"])
    assert all(matcher.matches(path) for path in paths[::97])
    assert matcher.matches("docs/a/b")
    assert matcher.matches("README.md")
    assert not matcher.matches("src/module1/file2.py")
    assert matcher.first_match(paths[5]) == paths[5]


# --- §5.3 exclude_paths -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "path", "expected"),
    [
        # directory prefixes
        ("docs", "docs/x", True),
        ("docs/", "docs/x", True),
        ("docs", "docs/a/b.md", True),
        ("docs", "docs", True),  # exact equality, step 3
        ("docs/", "docs", False),
        ("docs", "docs-old/x", False),
        ("docs/", "docs-old/x", False),
        ("docs//", "docs/x", False),  # only one trailing slash is removed
        ("docs//", "docs//x", True),
        # /regex/ entries: unanchored search of the inner text
        ("/_gen\\.go$/", "pkg/a_gen.go", True),
        ("/_gen\\.go$/", "pkg/a_gen.go.txt", False),
        ("/^vendor//", "vendor/x", True),
        ("/^vendor//", "src/vendor/x", False),
        ("//", "anything", True),  # the empty regex matches everywhere
        ("/(/", "(", False),  # invalid regex: no match, no error
        ("/a\\Cb/", "aXb", False),  # refused as in Go
        ("/(?=x)/", "x", False),
        # globs: MatchPattern semantics
        ("*.lock", "yarn.lock", True),
        ("*.lock", "sub/yarn.lock", False),
        ("**/*.snap", "a/b/c.snap", True),
        ("*[", "x[", False),  # invalid glob: no match, no error
        ("re:^gen/.*", "gen/a", True),  # Go passes it to MatchPattern: a regex
        # exact
        ("Makefile", "Makefile", True),
        ("Makefile", "src/Makefile", False),
        # empty entry and lone slash
        ("", "", False),
        ("", "x", False),
        ("/", "/abs", True),
        ("/", "rel", False),
    ],
)
def test_is_path_excluded(entry: str, path: str, expected: bool) -> None:
    assert is_path_excluded(path, [entry]) is expected


def test_is_path_excluded_any_entry() -> None:
    entries = ["", "/(/", "*[", "build", "/\\.tmp$/"]
    assert is_path_excluded("build/out.o", entries)
    assert is_path_excluded("a/b.tmp", entries)
    assert not is_path_excluded("src/a.go", entries)
    assert not is_path_excluded("src/a.go", [])


# --- §5.4 overlap heuristic -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("src/a.go", "src/a.go", True),
        ("re:(", "re:(", True),  # identical strings, even invalid
        ("src/a.go", "src/*.go", True),
        ("src/*.go", "src/a.go", True),
        ("src/a.go", "re:\\.go$", True),
        ("src/a.go", "docs/*.md", False),
        ("src/a.go", "src/b.go", False),
        ("src", "src/**", False),  # `src/**` needs the slash
        ("pkg/**", "pkg/**/*.go", True),  # sample pkg/pkg/module/file.go
        ("src/*.go", "docs/*.md", False),
        ("*.go", "re:\\.go$", True),  # sample file.go
        ("re:file", "re:go", True),  # regex samples test/file.go ...
        ("re:^lib/", "re:\\.rs$", False),  # a heuristic: lib/x.rs is missed
        ("src/?.go", "src/*.go", True),  # sample src/f.go
        ("a/**/b", "a/*/b", True),  # sample a/file/b
        ("re:(", "*.go", False),  # invalid patterns never overlap
        ("src/a.go", "re:(", False),
        ("*[", "src/a.go", False),
    ],
)
def test_patterns_overlap(a: str, b: str, expected: bool) -> None:
    assert patterns_overlap(a, b) is expected
    assert patterns_overlap(b, a) is expected


# --- properties -------------------------------------------------------------------------------

GLOB_ALPHABET = "ab/.-_*?+()|^$é\n"
PATH_ALPHABET = "ab/.-_+()|^$é\n"


def _glob_tokens(glob: str) -> list[str]:
    tokens: list[str] = []
    index = 0
    while index < len(glob):
        if glob.startswith("**", index):
            tokens.append("**")
            index += 2
        else:
            tokens.append(glob[index])
            index += 1
    return tokens


def reference_glob_match(glob: str, path: str) -> bool:
    """LineSpec glob semantics without regexes: `**` any run without a newline (RE2's `.`),
    `*` any run without `/`, `?` one character but `/`, anything else itself."""
    tokens = _glob_tokens(glob)

    @functools.cache
    def match(token: int, at: int) -> bool:
        if token == len(tokens):
            return at == len(path)
        kind = tokens[token]
        if kind in ("**", "*"):
            stop = "\n" if kind == "**" else "/"
            end = at
            while True:
                if match(token + 1, end):
                    return True
                if end == len(path) or path[end] == stop:
                    return False
                end += 1
        if at == len(path):
            return False
        if kind == "?":
            return path[at] != "/" and match(token + 1, at + 1)
        return path[at] == kind and match(token + 1, at + 1)

    return match(0, 0)


@st.composite
def globs_and_paths(draw: st.DrawFn) -> tuple[str, str]:
    glob = draw(st.text(alphabet=GLOB_ALPHABET, max_size=12))
    if draw(st.booleans()):
        return glob, draw(st.text(alphabet=PATH_ALPHABET, max_size=16))
    # Mostly-matching paths: instantiate each token, so both verdicts are common.
    parts = []
    for token in _glob_tokens(glob):
        if token == "**":
            parts.append(draw(st.text(alphabet=PATH_ALPHABET, max_size=6)))
        elif token == "*":
            parts.append(draw(st.text(alphabet=PATH_ALPHABET.replace("/", ""), max_size=4)))
        elif token == "?":
            parts.append(draw(st.sampled_from(PATH_ALPHABET)))
        else:
            parts.append(token)
    return glob, "".join(parts)


@settings(max_examples=400, deadline=None)
@given(globs_and_paths())
def test_glob_to_regex_agrees_with_reference_matcher(case: tuple[str, str]) -> None:
    glob, path = case
    expected = reference_glob_match(glob, path)
    assert (_quiet_re2(glob_to_regex(glob)).search(path) is not None) is expected
    if scope.is_glob(glob) and not scope.is_regex(glob):
        assert match_pattern(path, glob) is expected


ODD_CHARACTERS = st.sampled_from(
    [*"/*?[]{}()\\|^$.+:re\n", "re:", "\\Q", "\\E", "\\C", "(?P<", "\udcff", "\ud800"]
)
ANY_TEXT = st.lists(st.one_of(st.characters(), ODD_CHARACTERS), max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(ANY_TEXT, max_size=5), ANY_TEXT)
def test_is_path_excluded_never_raises(entries: list[str], path: str) -> None:
    assert is_path_excluded(path, entries) in (True, False)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT, ANY_TEXT)
def test_patterns_overlap_never_raises(a: str, b: str) -> None:
    assert patterns_overlap(a, b) in (True, False)
    assert patterns_overlap(a, a)


POOL = [
    "a",
    "src/a.go",
    "src/*.go",
    "src/**",
    "**",
    "?",
    "docs/",
    "re:a",
    "re:^src/",
    "re:a|b",
    "re:(?i)A",
    "re:\\Qa.b",
    "re:^pkg/x{2}",
    "pkg/x{2}*",
    "\ufffd*",
    "re:(",
    "*[",
    "re:\\C",
    "",
]
POOL_PATHS = ["a", "A", "b", "src/a.go", "src/x/y.go", "a.b", "pkg/xx", "pkg/x", "\udcff", ""]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(POOL), ANY_TEXT), max_size=6),
    st.one_of(st.sampled_from(POOL_PATHS), ANY_TEXT),
)
def test_pattern_set_agrees_with_gos_loop(patterns: list[str], path: str) -> None:
    def go_loop() -> str | None:
        for pattern in patterns:
            if match_pattern(path, pattern):
                return pattern
        return None

    matcher = PatternSet(patterns)
    try:
        expected = go_loop()
    except PatternError as error:
        with pytest.raises(PatternError) as caught:
            matcher.matches(path)
        assert caught.value.message == error.message
        with pytest.raises(PatternError):
            matcher.first_match(path)
        return
    assert matcher.matches(path) is (expected is not None)
    assert matcher.first_match(path) == expected


_PREFIXED = st.text("ab/*?{}[]0,\\\udcff\ufffd", max_size=8)


@given(_PREFIXED, _PREFIXED, st.text("ab/0\udcff\ufffd", max_size=8))
@example("ab{0}/*", "a/", "a/")  # `{` quantifies the `b` before it
@example("\udcffx", "\ufffd*", "")  # matched as Go reads it: U+FFFD for the bad byte
@settings(max_examples=1500, deadline=None)
def test_patterns_told_apart_by_their_lead_share_no_path(a: str, b: str, path: str) -> None:
    # The shortcut may only answer "no overlap" where the samples would too, and where no
    # path matches both.
    if not scope._apart(a, b):
        return
    assert not scope._overlap_by_samples(a, b)
    assert not (_quiet_match(path, a) and _quiet_match(path, b))


def _quiet_match(path: str, pattern: str) -> bool:
    try:
        return match_pattern(path, pattern)
    except PatternError:
        return False
