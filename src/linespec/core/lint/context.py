"""What a rule sees: the record set, the repository's files, the manifest, the enforcement.

Everything expensive (walking the tree, testing a pattern against it, reading the hash
manifest) happens at most once per lint run, however many records share it.
"""

from __future__ import annotations

import bisect
import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from linespec.core.graph import RecordSet
from linespec.core.manifest import ManifestError, read_manifest
from linespec.core.scope import PatternError, compile_pattern, is_glob, is_regex


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
    records: RecordSet
    root: Path
    enforcement: str
    manifest_file: Path | None = None
    _tree: tuple[list[str], list[str]] | None = field(default=None, repr=False)
    _exists: dict[str, bool] = field(default_factory=dict, repr=False)

    def _walk(self) -> tuple[list[str], list[str]]:
        if self._tree is None:
            files: list[str] = []
            everything: list[str] = []
            for directory, dirs, names in os.walk(self.root):
                dirs[:] = sorted(d for d in dirs if d != ".git")
                rel = os.path.relpath(directory, self.root)
                prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
                files.extend(prefix + name for name in names)
                everything.extend(prefix + name for name in (*names, *dirs))
            files.sort()
            everything.sort()
            self._tree = (files, everything)
        return self._tree

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
            found = os.path.lexists(self.root / pattern)
        self._exists[pattern] = found
        return found

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
    def manifest(self) -> dict[str, str] | ManifestError | None:
        """The sealed hashes, None without a manifest, or the error that stopped reading it."""
        if self.manifest_file is None:
            return None
        try:
            return read_manifest(self.manifest_file)
        except ManifestError as exc:
            return exc


@functools.lru_cache(maxsize=4096)
def _shell_glob(pattern: str) -> re.Pattern[str]:
    """Go's filepath.Match syntax as a regex: `*` and `?` stay within one segment."""
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
    try:
        return re.compile("".join(out))
    except re.error as exc:
        raise PatternError(f'Invalid glob pattern "{pattern}": {exc}') from None
