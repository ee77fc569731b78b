"""Commit checks: do the files a commit touches stay inside the records it names?

BEHAVIOR.md §7. The staged check runs from the commit-msg hook on every commit, so this
module and everything it imports stay free of pydantic, typer, rich, GitPython and ruamel:
records are read with the libyaml decoder into a small view of their scope.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from linespec import git
from linespec.core.configfile import STATE_DIR
from linespec.core.decode import ref
from linespec.core.graph import RecordSet
from linespec.core.recordfiles import check_name, is_record_file, record_document, record_files
from linespec.core.scope import is_in_scope, is_path_excluded, match_pattern
from linespec.core.terms import DEFAULT_TIER
from linespec.errors import GitError, LinespecError, UsageError, YamlError

if TYPE_CHECKING:
    from linespec.core.yamlread import Mark

ID_IN_MESSAGE = re.compile(r"\[(prov-\d{4}-(?:\d{3}|[a-f0-9]{8})(?:-[a-z0-9-]+)?)\]")
SCISSORS = "------------------------ >8 ------------------------"
# Subjects git writes for commits that only rework others: their IDs belong to those others.
GENERATED_SUBJECTS = ("fixup! ", "squash! ", "amend! ", "Merge ")
MANIFEST = ".linespec/hash_manifest.json"
MAX_MESSAGE_BYTES = 16 * 1024 * 1024


class ScopeRecord(NamedTuple):
    """What the scope cache keeps of a record: what commit checks and `graph` need.

    NamedTuples rather than dataclasses on this path: a dataclass compiles its methods
    when the class is created, which costs the commit hook milliseconds on every run.
    """

    id: str
    status: str
    affected_scope: tuple[str, ...]
    forbidden_scope: tuple[str, ...]
    implements: str
    supersedes: str
    superseded_by: str
    # The record file as a string: a hook builds thousands of these and looks at a path
    # only when it reports a problem.
    file: str = ""
    type: str = ""
    has_specs: bool = False
    title: str = ""
    extends: str = ""
    related: tuple[str, ...] = ()

    @property
    def path(self) -> Path | None:
        return Path(self.file) if self.file else None

    @property
    def supersedes_id(self) -> str:
        return ref(self.supersedes)

    @property
    def superseded_by_id(self) -> str:
        return ref(self.superseded_by)

    @property
    def effective_type(self) -> str:
        return self.type or DEFAULT_TIER

    @property
    def remote(self) -> bool:
        # Only graph asks, and it draws from the cache only under a plain config, which
        # shares no repositories.
        return False

    def line_of(self, *key: str | int) -> Mark | None:
        return None

    @classmethod
    def from_values(cls, values: dict[str, object], path: Path | None) -> ScopeRecord:
        def text(name: str) -> str:
            value = values.get(name, "")
            return value if isinstance(value, str) else ""

        def items(name: str) -> tuple[str, ...]:
            value = values.get(name) or []
            return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()

        return cls(
            id=text("id"),
            status=text("status"),
            affected_scope=items("affected_scope"),
            forbidden_scope=items("forbidden_scope"),
            implements=text("implements"),
            supersedes=text("supersedes"),
            superseded_by=text("superseded_by"),
            file=str(path) if path is not None else "",
            type=text("type"),
            has_specs=bool(values.get("associated_specs")),
            title=text("title"),
            extends=text("extends"),
            related=items("related"),
        )

    @classmethod
    def from_record(cls, record: Any) -> ScopeRecord:
        """The scope view of a loaded (pydantic) record."""
        return cls(
            id=record.id,
            status=record.status,
            affected_scope=tuple(record.affected_scope),
            forbidden_scope=tuple(record.forbidden_scope),
            implements=record.implements,
            supersedes=record.supersedes,
            superseded_by=record.superseded_by,
            file=str(record.path) if record.path is not None else "",
            type=record.type,
            has_specs=bool(record.associated_specs),
            title=record.title,
            extends=record.extends,
            related=tuple(record.related),
        )

    def entry(self, root: Path) -> dict[str, object]:
        """The scope-cache entry (Go's keys first, ours after)."""
        out: dict[str, object] = {"id": self.id, "status": self.status}
        if self.type:
            out["type"] = self.type
        if self.affected_scope:
            out["affected_scope"] = list(self.affected_scope)
        if self.forbidden_scope:
            out["forbidden_scope"] = list(self.forbidden_scope)
        if self.implements:
            out["implements"] = self.implements
        out["has_specs"] = self.has_specs
        out["supersedes"] = self.supersedes
        out["superseded_by"] = self.superseded_by
        out["path"] = _under(self.file, root) if self.file else ""
        out["title"] = self.title
        if self.extends:
            out["extends"] = self.extends
        if self.related:
            out["related"] = list(self.related)
        return out

    @classmethod
    def from_entry(cls, entry: dict[str, Any], root: Path | None) -> ScopeRecord:
        """The record an entry of ours describes; without ROOT, its file is left out."""
        path = entry.get("path")
        return cls(
            id=str(entry.get("id", "")),
            status=str(entry.get("status", "")),
            affected_scope=tuple(entry.get("affected_scope") or ()),
            forbidden_scope=tuple(entry.get("forbidden_scope") or ()),
            implements=str(entry.get("implements", "")),
            supersedes=str(entry.get("supersedes", "")),
            superseded_by=str(entry.get("superseded_by", "")),
            file=os.path.join(root, path) if root is not None and path else "",
            type=str(entry.get("type", "")),
            has_specs=bool(entry.get("has_specs")),
            title=str(entry.get("title", "")),
            extends=str(entry.get("extends", "")),
            related=tuple(entry.get("related") or ()),
        )


def _under(path: str, root: Path) -> str:
    # os.path.relpath normalises both paths first; for a record inside the repository,
    # as nearly all are, cutting the prefix gives the same answer for 10,000 at once.
    text, base = path, str(root)
    if text.startswith(base + os.sep):
        return text[len(base) + 1 :]
    return os.path.relpath(text, base)


def parse_scope_record(data: bytes, path: Path) -> ScopeRecord:
    # Imported here: on a scope-cache hit no YAML is parsed, and libyaml is not loaded.
    from linespec.core.decode import decode_fields

    return ScopeRecord.from_values(decode_fields(record_document(data, path), path), path)


def load_scope_records(
    directories: Sequence[Path], root: Path | None = None
) -> RecordSet[ScopeRecord]:
    """The records of DIRECTORIES as scope views; any load problem raises, as elsewhere.

    With ROOT, the scope cache under ROOT/.linespec answers when it is fresh, and is
    rewritten when it is not.
    """
    if root is None:
        return _read_scope_records(directories)
    from linespec.core import scopecache

    cache = scopecache.cache_path(root / STATE_DIR)
    stamp = scopecache.fingerprint(directories)
    entries = scopecache.read(cache, stamp)
    if entries is None:
        entries = rebuild_scope_index(directories, root, stamp)
    return RecordSet([ScopeRecord.from_entry(e, root) for e in entries])


def rebuild_scope_index(
    directories: Sequence[Path], root: Path, stamp: str
) -> list[dict[str, Any]]:
    """Read the records of DIRECTORIES (no pydantic), file their index under STAMP, return it.

    STAMP must have been taken before this call. Any load or graph problem raises, so a
    caller never answers from records the full CLI would refuse.
    """
    from linespec.core import scopecache

    entries: list[dict[str, Any]] = [r.entry(root) for r in _read_scope_records(directories)]
    scopecache.write(scopecache.cache_path(root / STATE_DIR), stamp, entries)
    return entries


def _read_scope_records(directories: Iterable[Path]) -> RecordSet[ScopeRecord]:
    records: list[ScopeRecord] = []
    for directory in directories:
        for path in record_files(directory):
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise YamlError(f"cannot read record: {exc.strerror or exc}", path=path) from None
            record = parse_scope_record(data, path)
            check_name(record, path)
            records.append(record)
    record_set = RecordSet(records)
    record_set.validate()
    return record_set


class Settings(NamedTuple):
    """The configuration a check uses."""

    exclude_paths: tuple[str, ...] = ()
    commit_tag_required: bool = False
    comment_char: str = "#"


class Violation(NamedTuple):
    record_id: str
    file: str
    commit: str
    message: str


class CheckResult:
    def __init__(
        self,
        label: str,
        violations: list[Violation] | None = None,
        warnings: list[str] | None = None,
    ) -> None:
        self.label = label
        self.violations: list[Violation] = violations or []
        self.warnings: list[str] = warnings or []

    @property
    def passed(self) -> bool:
        return not self.violations

    def only(self, record_id: str) -> CheckResult:
        kept = [v for v in self.violations if v.record_id == record_id]
        return CheckResult(self.label, kept, self.warnings)


def message_ids(message: str, comment_char: str = "#") -> list[str]:
    """Record IDs named in brackets, in order, once each, read as git reads a message.

    Comment lines are ignored, nothing after the scissors line counts, and the subject of
    a fixup!/squash!/amend! or merge commit is skipped.
    """
    kept: list[str] = []
    subject_seen = False
    for line in message.splitlines():
        if comment_char and line.startswith(comment_char):
            if line[len(comment_char) :].strip() == SCISSORS:
                break
            continue
        if not subject_seen and line.strip():
            subject_seen = True
            if line.startswith(GENERATED_SUBJECTS):
                continue
        kept.append(line)
    ids: list[str] = []
    for found in ID_IN_MESSAGE.findall("\n".join(kept)):
        if found not in ids:
            ids.append(found)
    return ids


def read_message_file(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_MESSAGE_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read message file: {exc.strerror or exc}", path=path) from None
    if len(raw) > MAX_MESSAGE_BYTES:
        raise UsageError("message file is larger than 16 MiB", path=path)
    return raw.decode("utf-8", "replace").strip()


def _base(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _own_file(record: ScopeRecord, path: str) -> bool:
    return bool(record.file) and _base(path) == os.path.basename(record.file)


def _forbidden(record: ScopeRecord, path: str) -> bool:
    return any(match_pattern(path, pattern) for pattern in record.forbidden_scope)


def _version_specs(before: str | None, after: str, paths: Sequence[str]) -> list[str]:
    """The `rev:path` objects a _Versions for these points and paths needs."""
    wanted = [p for p in paths if is_record_file(_base(p))]
    return [f"{before}:{p}" for p in wanted if before] + [f"{after}:{p}" for p in wanted]


def _fetch(root: Path, specs: Sequence[str]) -> dict[str, bytes | None]:
    unique = list(dict.fromkeys(specs))
    return dict(zip(unique, git.blobs(root, unique), strict=True))


class _Versions:
    """Record files as they were at two points (HEAD and the index, or c^ and c)."""

    def __init__(
        self,
        root: Path,
        before: str | None,
        after: str,
        paths: Sequence[str],
        contents: dict[str, bytes | None],
    ) -> None:
        self.before: dict[str, ScopeRecord | None] = {}
        self.after: dict[str, ScopeRecord | None] = {}
        self.broken_before: set[str] = set()
        for path in (p for p in paths if is_record_file(_base(p))):
            if before:
                old = contents.get(f"{before}:{path}")
                self.before[path] = self._parse(old, root / path, path, True)
            new = contents.get(f"{after}:{path}")
            self.after[path] = self._parse(new, root / path, path, False)

    def _parse(self, data: bytes | None, full: Path, path: str, before: bool) -> ScopeRecord | None:
        if data is None:
            return None
        try:
            return parse_scope_record(data, full)
        except LinespecError:
            if before:
                self.broken_before.add(path)
            return None

    def status_before(self, path: str) -> str:
        old = self.before.get(path)
        return old.status if old else ""

    def implements(self, path: str, record_id: str) -> bool:
        new = self.after.get(path)
        return new is not None and new.implements == record_id

    def completes(self, path: str) -> bool:
        new = self.after.get(path)
        return (
            self.status_before(path) in ("open", "draft")
            and new is not None
            and new.status == "implemented"
        )

    def supersedes(self, record: ScopeRecord, path: str) -> bool:
        target = record.supersedes_id
        new = self.after.get(path)
        return (
            bool(target)
            and _base(path).rsplit(".", 1)[0] == target
            and self.status_before(path) == "implemented"
            and new is not None
            and new.status == "superseded"
            and new.superseded_by == record.id
        )


def _implemented_message(record_id: str) -> str:
    return (
        f"{record_id} is already implemented - cannot commit with this ID. "
        "Create a new record or supersede this one."
    )


def check_staged(
    root: Path,
    records: RecordSet[ScopeRecord],
    settings: Settings,
    message: str,
    staged_paths: list[str] | None = None,
) -> CheckResult:
    """The commit-msg check (§7.3): staged files against the records the message names."""
    result = CheckResult("staged")
    ids = message_ids(message, settings.comment_char)
    paths = git.staged_files(root) if staged_paths is None else staged_paths
    staged = [f for f in paths if not is_path_excluded(f, settings.exclude_paths)]
    if not ids:
        if settings.commit_tag_required and staged:
            result.violations.append(
                Violation(
                    "", "", "staged", "Commit tag required but no provenance ID found in message"
                )
            )
        return result
    if not staged:
        return result
    head = git.resolve_commit(root, "HEAD")
    versions = _Versions(root, head, "", staged, _fetch(root, _version_specs(head, "", staged)))
    for record_id in ids:
        record = records.by_id.get(record_id)
        if record is None:
            continue
        files = [f for f in staged if f != MANIFEST and not versions.implements(f, record_id)]
        if not files:
            continue
        completing = any(_own_file(record, f) and versions.completes(f) for f in files)
        if record.status == "implemented" and not completing:
            result.violations.append(
                Violation(record_id, "", "staged", _implemented_message(record_id))
            )
            continue
        for path in files:
            if _allowed(record, path, versions):
                continue
            if not is_in_scope(record.affected_scope, record.forbidden_scope, path):
                result.violations.append(
                    Violation(record_id, path, "staged", f"{record_id} forbids changes to {path}")
                )
    return result


def _allowed(record: ScopeRecord, path: str, versions: _Versions) -> bool:
    """The exceptions before the scope check: a record's own file, and supersession."""
    own = _own_file(record, path) and not _forbidden(record, path)
    if own and (record.status in ("open", "draft") or versions.completes(path)):
        return True
    return versions.supersedes(record, path)


def check_commit(
    root: Path, records: RecordSet[ScopeRecord], settings: Settings, sha: str
) -> CheckResult:
    """The historical check (§7.4) of one commit, judging status as it was at its parent."""
    result = CheckResult(sha)
    _check_history(root, records, settings, git.commit_log(root, ["-1", sha]), result)
    return result


def _check_history(
    root: Path,
    records: RecordSet[ScopeRecord],
    settings: Settings,
    commits: list[tuple[str, list[str], str]],
    result: CheckResult,
) -> None:
    """Judge COMMITS with three git calls in all: their files, and every record version."""
    tagged = []
    for sha, parents, body in commits:
        ids = [i for i in message_ids(body.strip(), settings.comment_char) if i in records]
        if ids:
            tagged.append((sha, parents[0] if parents else None, ids))
    if not tagged:
        return
    changed = git.files_of_commits(root, [sha for sha, _, _ in tagged])
    plan = []
    specs: list[str] = []
    for sha, parent, ids in tagged:
        files = [f for f in changed[sha] if not is_path_excluded(f, settings.exclude_paths)]
        owns = [_relative(records.by_id[i], root) for i in ids]
        watched = list(dict.fromkeys([*files, *(o for o in owns if o)]))
        plan.append((sha, parent, ids, files, watched))
        specs.extend(_version_specs(parent, sha, watched))
    contents = _fetch(root, specs)
    for sha, parent, ids, files, watched in plan:
        versions = _Versions(root, parent, sha, watched, contents)
        shallow = parent is None and _is_shallow_boundary(root, sha)
        for record_id in ids:
            _judge_commit(root, records.by_id[record_id], sha, files, versions, shallow, result)


def _judge_commit(
    root: Path,
    record: ScopeRecord,
    sha: str,
    files: list[str],
    versions: _Versions,
    shallow: bool,
    result: CheckResult,
) -> None:
    record_id = record.id
    own = _relative(record, root)
    if shallow:
        # git shows a shallow boundary as a root commit with no changes, so nothing could
        # be judged: fail closed instead of passing it.
        result.violations.append(
            Violation(
                record_id,
                "",
                sha,
                f"{record_id}: cannot check {sha[:7]} in a shallow clone (its parent is "
                "missing); fetch more history (git fetch --deepen) and check again",
            )
        )
        return
    implemented_before = versions.status_before(own) == "implemented"
    if own in versions.broken_before:
        implemented_before = True
        result.warnings.append(
            f"Warning: could not parse {own} at {sha[:7]}^; treating {record_id} as "
            "implemented (fail closed)"
        )
    for path in files:
        if path == MANIFEST or versions.implements(path, record_id):
            continue
        if implemented_before:
            result.violations.append(Violation(record_id, "", sha, _implemented_message(record_id)))
            continue
        if _own_file(record, path) and not _forbidden(record, path):
            continue
        if versions.supersedes(record, path):
            continue
        if not is_in_scope(record.affected_scope, record.forbidden_scope, path):
            result.violations.append(
                Violation(record_id, path, sha, f"{record_id} forbids changes to {path}")
            )


def _relative(record: ScopeRecord, root: Path) -> str:
    if record.path is None:
        return ""
    try:
        return record.path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return ""


def _is_shallow_boundary(root: Path, sha: str) -> bool:
    shallow = Path(git.run(["rev-parse", "--git-path", "shallow"], root).strip())
    shallow = shallow if shallow.is_absolute() else root / shallow
    try:
        return sha in shallow.read_text().split()
    except OSError:
        return False


def resolve(root: Path, rev: str) -> str:
    sha = git.resolve_commit(root, rev)
    if sha is None:
        if rev == "HEAD":
            raise GitError("HEAD does not name a commit yet (no commits in this repository)")
        raise UsageError(f"unknown commit: {rev}")
    return sha


def check_range(
    root: Path, records: RecordSet[ScopeRecord], settings: Settings, spec: str
) -> CheckResult:
    parts = spec.split("..")
    if len(parts) != 2 or not all(parts):
        raise UsageError("Invalid range format. Use SHA..SHA")
    start, end = resolve(root, parts[0]), resolve(root, parts[1])
    result = CheckResult(spec)
    _check_history(root, records, settings, git.commit_log(root, [f"{start}..{end}"]), result)
    return result
