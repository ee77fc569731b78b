"""What a rule sees: the record set, the repository's files, the manifest, the enforcement.

Everything expensive (walking the tree, testing a pattern against it, reading the hash
manifest) happens at most once per lint run, however many records share it.
"""

from __future__ import annotations

import bisect
import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from linespec.core.graph import RecordSet
from linespec.core.hashmemo import HashMemo
from linespec.core.manifest import ManifestError, read_manifest
from linespec.core.model import Record
from linespec.core.scope import PatternError, compile_pattern, is_glob, is_pattern, is_regex


@dataclass(frozen=True, slots=True)
class Issue:
    """A check's report; the engine adds the rule ID (from the check) and the position."""

    field: str
    severity: str
    message: str
    # The YAML key to point at when FIELD is not one (the Go tool reports "scope").
    key: str = ""


@dataclass
class LintContext:
    records: RecordSet[Record]
    root: Path
    enforcement: str
    manifest_file: Path | None = None
    _tree: tuple[list[str], list[str]] | None = field(default=None, repr=False)
    _dirs: frozenset[str] = field(default_factory=frozenset, repr=False)
    _exists: dict[str, bool] = field(default_factory=dict, repr=False)
    _matches: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _links: frozenset[str] = field(default_factory=frozenset, repr=False)

    def _walk(self) -> tuple[list[str], list[str]]:
        if self._tree is None:
            files: list[str] = []
            everything: list[str] = []
            links: set[str] = set()
            dirs: set[str] = set()
            pending = [("", str(self.root))]
            while pending:
                prefix, directory = pending.pop()
                try:
                    entries = list(os.scandir(directory))
                except OSError:
                    continue
                for entry in entries:
                    rel = prefix + entry.name
                    if entry.is_symlink():
                        links.add(rel)
                    if entry.is_dir(follow_symlinks=False):
                        if rel != ".git":
                            dirs.add(rel)
                            everything.append(rel)
                            pending.append((rel + "/", entry.path))
                    else:
                        files.append(rel)
                        everything.append(rel)
            files.sort()
            everything.sort()
            self._tree = (files, everything)
            self._links = frozenset(links)
            self._dirs = frozenset(dirs)
        return self._tree

    def outside(self, path: str) -> bool:
        """Whether a literal PATH leaves the repository (absolute, `..`, or via a link)."""
        if os.path.isabs(path) or os.path.normpath(path).split(os.sep)[0] == "..":
            return True
        self._walk()
        if not self._links:
            return False
        parts = path.split("/")
        through_link = any("/".join(parts[: i + 1]) in self._links for i in range(len(parts)))
        if not through_link:
            return False
        root = os.path.realpath(self.root)
        target = os.path.realpath(self.root / path)
        return target != root and not target.startswith(root + os.sep)

    def path_exists(self, path: str) -> bool:
        """`os.path.lexists` answered from the walk where it can be."""
        return path in self._path_set or os.path.lexists(self.root / path)

    def is_dir(self, path: str) -> bool:
        """`Path.is_dir` (links followed) answered from the walk where it can be."""
        self._walk()
        if path in self._dirs:
            return True
        if path in self._path_set and path not in self._links:
            return False
        return (self.root / path).is_dir()

    @functools.cached_property
    def _path_set(self) -> frozenset[str]:
        return frozenset(self._walk()[1])

    @property
    def files(self) -> list[str]:
        """Every file under the repository root (relative, `/`-separated, sorted)."""
        return self._walk()[0]

    def pattern_exists(self, pattern: str) -> bool:
        """Whether PATTERN names something on disk, as the Go linter decides it.

        `re:` is searched in every file path; a glob is expanded like Go's filepath.Glob
        (where `**` is just `*`, one path segment); anything else must exist. Raises
        PatternError for patterns that do not compile.
        """
        known = self._exists.get(pattern)
        if known is not None:
            return known
        if is_regex(pattern):
            regex = compile_pattern(pattern)
            found = any(regex.search(path) for path in self.files)
        elif is_glob(pattern):
            found = self._glob_exists(pattern)
        else:
            found = self.path_exists(pattern)
        self._exists[pattern] = found
        return found

    def prefetch_existence(self, patterns: Iterable[str]) -> None:
        """Decide `pattern_exists` for many patterns in one pass over the tree.

        Patterns are compiled into one RE2 set and every path is matched once, instead of
        walking the tree once per pattern (the Go linter's cost grows with records × files).
        """
        regexes: list[str] = []
        globs: list[str] = []
        for pattern in set(patterns) - self._exists.keys():
            if not pattern.strip():
                continue
            if is_regex(pattern):
                regexes.append(pattern)
            elif is_glob(pattern):
                globs.append(pattern)
            else:
                self._exists[pattern] = self.path_exists(pattern)
        found = _scan(regexes, [_regex_source(p) for p in regexes], self.files, first_only=True)
        for pattern in regexes:
            if pattern in found:
                self._exists[pattern] = bool(found[pattern])
        shell = [_shell_source(p) for p in globs]
        found = _scan(globs, shell, self._walk()[1], first_only=True)
        for pattern in globs:
            if pattern in found:
                self._exists[pattern] = bool(found[pattern])

    def matching_files(self, pattern: str) -> frozenset[str]:
        """Files PATTERN matches with scope semantics (§5.1); raises PatternError."""
        known = self._matches.get(pattern)
        if known is None:
            self.prefetch_matches([pattern])
            known = self._matches.get(pattern)
            if known is None:
                compile_pattern(pattern)
                known = frozenset()
        return known

    def prefetch_matches(self, patterns: Iterable[str]) -> None:
        """Compute `matching_files` for many patterns in one pass over the files."""
        todo: list[str] = []
        for pattern in set(patterns) - self._matches.keys():
            if is_pattern(pattern):
                todo.append(pattern)
            else:
                exact = frozenset({pattern}) if pattern in self._file_set else frozenset()
                self._matches[pattern] = exact
        sources = [_regex_source(p) if is_regex(p) else _scope_source(p) for p in todo]
        found = _scan(todo, sources, self.files, first_only=False)
        for pattern, hits in found.items():
            self._matches[pattern] = frozenset(hits)

    @functools.cached_property
    def _file_set(self) -> frozenset[str]:
        return frozenset(self.files)

    def _glob_exists(self, pattern: str) -> bool:
        regex = _shell_glob(pattern.replace("**", "*"))
        paths = self._walk()[1]
        prefix = re.split(r"[*?\[\\]", pattern, maxsplit=1)[0]
        start = bisect.bisect_left(paths, prefix)
        for path in paths[start:]:
            if not path.startswith(prefix):
                break
            if regex.fullmatch(path):
                return True
        return False

    @functools.cached_property
    def hashes(self) -> HashMemo | None:
        """Content hashes of unchanged record files (None without a manifest location)."""
        return HashMemo(self.manifest_file.parent) if self.manifest_file is not None else None

    @functools.cached_property
    def manifest(self) -> dict[str, str] | ManifestError | None:
        """The sealed hashes, None without a manifest, or the error that stopped reading it."""
        if self.manifest_file is None:
            return None
        try:
            return read_manifest(self.manifest_file)
        except ManifestError as exc:
            return exc


def _regex_source(pattern: str) -> str | None:
    try:
        return compile_pattern(pattern).regex
    except PatternError:
        return None


def _scope_source(pattern: str) -> str | None:
    return _regex_source(pattern)


def _shell_source(pattern: str) -> str | None:
    # Only the translation: RE2 compiles it (and refuses what it cannot), so hundreds of
    # globs do not each pay for a Python regex compile nobody uses.
    try:
        return "^(?:" + _shell_regex(pattern.replace("**", "*")) + ")$"
    except PatternError:
        return None


def _scan(
    patterns: list[str], sources: list[str | None], paths: list[str], *, first_only: bool
) -> dict[str, list[str]]:
    """Which PATHS each pattern matches, using one RE2 set for all of them.

    Patterns whose source is None (invalid) or that RE2's set refuses are left out of the
    result; callers fall back to matching those one by one. With FIRST_ONLY, a pattern's
    list holds at most one path and the scan stops once every pattern has matched.
    """
    usable = [(p, src) for p, src in zip(patterns, sources, strict=True) if src is not None]
    if not usable:
        return {}
    import re2

    options = re2.Options()
    options.log_errors = False
    matcher = re2.Set.SearchSet(options)
    kept: list[str] = []
    for pattern, source in usable:
        try:
            matcher.Add(source)
        except re2.error:
            continue
        kept.append(pattern)
    if not kept:
        return {}
    matcher.Compile()
    hits: dict[str, list[str]] = {p: [] for p in kept}
    waiting = len(kept)
    for path in paths:
        try:
            indices = matcher.Match(path)
        except UnicodeEncodeError:
            continue
        for index in indices or ():
            found = hits[kept[index]]
            if first_only:
                if not found:
                    found.append(path)
                    waiting -= 1
            else:
                found.append(path)
        if first_only and waiting == 0:
            break
    return hits


@functools.lru_cache(maxsize=4096)
def _shell_glob(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(_shell_regex(pattern))
    except re.error as exc:
        raise PatternError(f'Invalid glob pattern "{pattern}": {exc}') from None


def _shell_regex(pattern: str) -> str:
    """Go's filepath.Match syntax as a regex: `*` and `?` stay within one segment."""
    if "[" in pattern or "\\" in pattern:
        return _shell_regex_by_char(pattern)
    # Without classes or escapes: str methods, several times faster than the loop below
    # over the hundreds of globs of a large repository.
    return "[^/]*".join("[^/]".join(map(re.escape, part.split("?"))) for part in pattern.split("*"))


def _shell_regex_by_char(pattern: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "\\" and index + 1 < len(pattern):
            index += 1
            out.append(re.escape(pattern[index]))
        elif char == "[":
            end = pattern.find(
                "]", index + 2 if pattern[index + 1 : index + 2] == "^" else index + 1
            )
            if end < 0:
                raise PatternError(f'Invalid glob pattern "{pattern}": syntax error in pattern')
            body = pattern[index + 1 : end]
            negate = body.startswith("^")
            body = body[1:] if negate else body
            if not body:
                raise PatternError(f'Invalid glob pattern "{pattern}": syntax error in pattern')
            out.append("[" + ("^" if negate else "") + body.replace("\\", "\\\\") + "]")
            index = end
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)
