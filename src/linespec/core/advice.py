"""What governs a file and what to do next: `context`, `govern`, `next` (BEHAVIOR.md §12.3-5).

`govern` and `next` run from agent hooks on every edit and answer from the scope cache, so
this module stays free of pydantic, typer and rich. They work on `Entry`, the few fields of
a record the cache keeps; `context` shows more of each record and takes the full ones.

`advise` is the Go tool's decision table, rule for rule and first match wins: every guidance
surface renders from it, so the advice can only be right or wrong in one place.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Generic, NamedTuple, Protocol, TypeVar

from linespec.core.scope import (
    PatternError,
    _literal_prefix,
    compile_pattern,
    is_path_excluded,
    is_pattern,
    is_regex,
    match_pattern,
)
from linespec.errors import LinespecError

OPEN = "open"
IMPLEMENTED = "implemented"
DRAFT = "draft"
IMPRINT = "imprint"
# Blueprints and bugs are the records work happens under; an empty type is a blueprint.
TOP_LEVEL = frozenset({"blueprint", "bug", ""})
CREATE_COMMAND = 'linespec provenance create --title "..." --type blueprint --no-edit'
SPEC_EXAMPLE = "\n".join(
    [
        "# 1. create the proof file first (it must exist before you reference it)",
        "# 2. add it to the record's associated_specs:",
        "associated_specs:",
        "  - path: path/to/proof_test.go",
        "    type: go_test",
        "    run_command: make test # {{path}}",
    ]
)


class Entry(NamedTuple):
    """What `govern` and `next` need of a record: one scope-cache entry."""

    id: str
    status: str
    type: str
    affected_scope: tuple[str, ...]
    forbidden_scope: tuple[str, ...]
    implements: str
    has_specs: bool


def _patterns(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if type(value) is not list or any(type(v) is not str for v in value):
        raise ValueError("not a list of strings")
    return tuple(value)


def entries_from_cache(items: Iterable[object]) -> list[Entry] | None:
    """Entries as the Go tool or linespec wrote them; None when any has another shape.

    A key that is missing reads as its zero value, as Go's decoder has it; a value of the
    wrong type means the index is corrupt, and a corrupt index is never trusted.
    """
    entries: list[Entry] = []
    add = entries.append
    try:
        for item in items:
            if type(item) is not dict:
                return None
            get = item.get
            values = (get("id", ""), get("status", ""), get("type", ""), get("implements", ""))
            specs = get("has_specs", False)
            if any(type(v) is not str for v in values) or type(specs) is not bool:
                return None
            add(
                Entry(
                    values[0],
                    values[1],
                    values[2],
                    _patterns(get("affected_scope")),
                    _patterns(get("forbidden_scope")),
                    values[3],
                    specs,
                )
            )
    except ValueError:
        return None
    return entries


# --- Which paths a scope admits -------------------------------------------------------


if TYPE_CHECKING:
    # Protocols only for the type checker: creating them costs the per-edit path time.

    class Scoped(Protocol):
        @property
        def affected_scope(self) -> Sequence[str]: ...
        @property
        def forbidden_scope(self) -> Sequence[str]: ...

    class FullRecord(Scoped, Protocol):
        """What `context` shows of a record."""

        @property
        def id(self) -> str: ...
        @property
        def title(self) -> str: ...
        @property
        def status(self) -> str: ...
        @property
        def intent(self) -> str: ...
        @property
        def constraints(self) -> Sequence[str]: ...
        @property
        def supersedes_id(self) -> str: ...


S = TypeVar("S", bound="Scoped")


def _not_literal(head: str) -> bool:
    """Whether text before a glob's first `*` holds something other than literal characters.

    (U+FFFD included: an undecodable byte in a path reads as U+FFFD too.)
    """
    return "?" in head or "[" in head or "\\" in head or "{" in head or "\ufffd" in head


_GLOB_SAFE_LENGTH = 4096


def literal_head(pattern: str) -> str:
    """Text every path PATTERN matches starts with ("" when that is not known)."""
    head = pattern.partition("*")[0]
    if is_regex(pattern) or _not_literal(head):
        return _literal_prefix(pattern)
    return head


def head_index(records: Sequence[Scoped]) -> dict[str, list[int]]:
    """The indices of RECORDS by the literal heads of their `affected_scope` patterns."""
    heads: dict[str, str] = {}
    index: dict[str, list[int]] = {}
    for number, record in enumerate(records):
        for pattern in record.affected_scope:
            head = heads.get(pattern)
            if head is None:
                head = heads[pattern] = literal_head(pattern)
            index.setdefault(head, []).append(number)
    return index


class Scopes(Generic[S]):
    """Which of some paths each record's scope admits, with Go's `IsInScope` semantics.

    Thousands of records against a handful of paths, on every agent edit: compiling every
    pattern would cost more than the whole answer may. A path can only match a pattern
    that it starts with the literal text of, so each record is looked up by the literal
    heads of its `affected_scope`, one dictionary probe per prefix of a path, and only the
    few records found are matched properly.

    A pattern that does not compile makes `IsInScope` an error where Go's loop reaches it,
    and an error means "not in scope" here (context and next both skip such records).
    """

    def __init__(
        self,
        records: Sequence[S],
        paths: Sequence[str],
        heads: dict[str, list[int]] | None = None,
    ) -> None:
        """HEADS is `head_index(records)`, when the caller kept one from an earlier run."""
        self.records = records
        self.paths = list(dict.fromkeys(paths))
        self._heads: dict[str, str] = {}
        self._broken: dict[str, bool] = {}
        self._hits: dict[tuple[str, str], bool | None] = {}
        self._by_head = head_index(records) if heads is None else heads
        # Head -> the paths starting with it, for the heads some path starts with.
        self._under: dict[str, list[str]] = {}
        for path in self.paths:
            for end in range(len(path) + 1):
                head = path[:end]
                if head in self._by_head:
                    self._under.setdefault(head, []).append(path)
        self.candidates = frozenset(i for head in self._under for i in self._by_head[head])

    def _head(self, pattern: str) -> str:
        head = self._heads.get(pattern)
        if head is None:
            head = self._heads[pattern] = literal_head(pattern)
        return head

    def _is_broken(self, pattern: str) -> bool:
        broken = self._broken.get(pattern)
        if broken is None:
            # Literal text, `*`, `**` and `?` always make a valid regex; anything else is
            # compiled to find out (once per process: compiling is cached in scope).
            simple = (
                not is_regex(pattern)
                and pattern.isascii()
                and len(pattern) <= _GLOB_SAFE_LENGTH
                and not any(char in pattern for char in "[]{}\\")
            )
            broken = False
            if is_pattern(pattern) and not simple:
                try:
                    compile_pattern(pattern)
                except PatternError:
                    broken = True
            self._broken[pattern] = broken
        return broken

    def _hit(self, pattern: str, path: str) -> bool | None:
        """Whether PATTERN matches PATH; None when the pattern does not compile."""
        if not path.startswith(self._head(pattern)):
            return None if self._is_broken(pattern) else False
        key = (pattern, path)
        if key not in self._hits:
            try:
                self._hits[key] = match_pattern(path, pattern)
            except PatternError:
                self._hits[key] = None
        return self._hits[key]

    def in_scope(self, record: S, path: str, *, observed: bool) -> bool:
        """Go's `IsInScope`, an error counting as out of scope.

        OBSERVED is what a record without `affected_scope` answers: `context` lets such a
        record match every file, `next` and `govern` never count it as governing one.
        """
        for pattern in record.forbidden_scope:
            if self._hit(pattern, path) is not False:
                return False
        if not record.affected_scope:
            return observed
        for pattern in record.affected_scope:
            hit = self._hit(pattern, path)
            if hit is None:
                return False
            if hit:
                return True
        return False

    def _maybe(self, index: int) -> Iterable[str]:
        """Paths record INDEX may explicitly govern, possibly repeated."""
        for pattern in self.records[index].affected_scope:
            yield from self._under.get(self._head(pattern), ())

    def governs_any(self, index: int) -> bool:
        """Whether record INDEX explicitly governs (allowlist, in scope) any of the paths."""
        if index not in self.candidates:
            return False
        record = self.records[index]
        return any(self.in_scope(record, path, observed=False) for path in self._maybe(index))

    def governed(self, index: int) -> set[str]:
        """The paths record INDEX explicitly governs."""
        if index not in self.candidates:
            return set()
        record = self.records[index]
        maybe = set(self._maybe(index))
        return {path for path in maybe if self.in_scope(record, path, observed=False)}

    def admitting(self, path: str, observed: Sequence[int]) -> list[int]:
        """Records whose scope admits PATH (OBSERVED: the records in observed mode), in order."""
        found = set(observed)
        for end in range(len(path) + 1):
            found.update(self._by_head.get(path[:end], ()))
        return [i for i in sorted(found) if self.in_scope(self.records[i], path, observed=True)]


# --- next and govern ------------------------------------------------------------------


class Action(NamedTuple):
    """One recommended step: a ready-to-run command with record IDs filled in, and why."""

    kind: str
    reason: str
    command: str = ""
    record_id: str = ""
    governing: tuple[str, ...] = ()
    detail: str = ""


FileList = Callable[[], Sequence[str]]


def _by_id(entries: Iterable[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: e.id)


def _choose(records: Sequence[Entry], files: Sequence[str]) -> Action:
    ids = tuple(sorted(r.id for r in records))
    scope = ", ".join(files) if files else "the files in play"
    return Action(
        "choose_record",
        f"Multiple open records govern {scope}: {', '.join(ids)}. Work under ONE of them and "
        "tag your commits with it — do NOT supersede the others.",
        governing=ids,
    )


def _open(draft: Entry) -> Action:
    return Action(
        "open",
        f"Draft {draft.id} covers this work — open it to enable scope/spec enforcement.",
        command=f"linespec provenance open --record {draft.id}",
        record_id=draft.id,
    )


def _create(governing: Sequence[str]) -> Action:
    reason = "No record governs these files — create one blueprint covering them."
    if governing:
        reason = (
            f"{len(governing)} record(s) already govern these files, but you do NOT need to "
            "supersede them — create a new record that governs this file and tag your commit "
            "with it. Supersede an existing record only when you are deliberately revising "
            "the decision it captured."
        )
    return Action("create", reason, command=CREATE_COMMAND, governing=tuple(governing))


def _on_active(
    entries: Sequence[Entry],
    active: Entry,
    uncovered: Sequence[str],
    staged: FileList,
    tag_required: bool,
) -> Action:
    """Rule 3: widen scope, add a spec, commit, finish imprints, complete; in that order.

    Scope comes first because a file the record does not declare stays read-only under
    filesystem enforcement, and then not even the missing spec could be written.
    """
    rid = active.id
    if uncovered:
        return Action(
            "add_scope",
            f"Blocked by filesystem enforcement: {', '.join(uncovered)} not yet in open record "
            f"{rid}'s affected_scope, so they stay read-only on disk. Add them to "
            f"affected_scope in {rid}'s YAML (the provenance directory is always writable), "
            f"then run 'linespec provenance lock-scope --record {rid}' to materialize write "
            "access for already-committed files, or wait for the next reconcile at session "
            "start.",
            record_id=rid,
        )
    if not active.has_specs:
        return Action(
            "add_spec",
            f"Open record {rid} has no associated_specs — add a proof artifact before completing.",
            record_id=rid,
            detail=SPEC_EXAMPLE,
        )
    if staged():
        reason = f"You have staged changes — commit them tagged with {rid}."
        if not tag_required:
            reason += " (commit tag is optional in this repo, but recommended.)"
        return Action(
            "commit", reason, command=f'git commit -m "<description> [{rid}]"', record_id=rid
        )
    pending = _by_id(
        e for e in entries if e.type == IMPRINT and e.implements == rid and e.status != IMPLEMENTED
    )
    if pending:
        imprint = pending[0].id
        return Action(
            "implement_imprint",
            f"Imprint {imprint} of blueprint {rid} is not implemented yet — finish and "
            "complete it before completing the blueprint.",
            command=f"linespec provenance complete --record {imprint}",
            record_id=imprint,
        )
    return Action(
        "complete",
        f"Specs are present and no imprints are pending — show proof, then complete {rid}.",
        command=f"linespec provenance complete --record {rid}",
        record_id=rid,
    )


def _advise(
    entries: Sequence[Entry],
    files: Sequence[str],
    scopes: Scopes[Entry],
    staged: FileList,
    tag_required: bool,
) -> list[Action]:
    def governing(status: str) -> list[int]:
        found = [
            i
            for i in scopes.candidates
            if entries[i].status == status
            and entries[i].type in TOP_LEVEL
            and scopes.governs_any(i)
        ]
        return sorted(found, key=lambda i: entries[i].id)

    def top_level(status: str) -> list[int]:
        return [i for i, e in enumerate(entries) if e.status == status and e.type in TOP_LEVEL]

    active: int | None = None
    open_governing = governing(OPEN)
    if len(open_governing) == 1:
        active = open_governing[0]
    elif len(open_governing) > 1:
        return [_choose([entries[i] for i in open_governing], files)]
    elif not files:
        lone = top_level(OPEN)
        if len(lone) == 1:
            active = lone[0]
        elif len(lone) > 1:
            return [_choose([entries[i] for i in lone], ())]
    if active is not None:
        covered = scopes.governed(active)
        uncovered = [f for f in files if f not in covered]
        return [_on_active(entries, entries[active], uncovered, staged, tag_required)]

    drafts = governing(DRAFT)
    if not drafts and not files:
        drafts = top_level(DRAFT)
        drafts = drafts if len(drafts) == 1 else []
    if drafts:
        return [_open(entries[drafts[0]])]
    if not files:
        return [
            Action(
                "none",
                "No work in flight and no staged changes. Start a blueprint when you begin a "
                "change.",
                command=CREATE_COMMAND,
            )
        ]
    ids = sorted({entries[i].id for i in scopes.candidates if scopes.governs_any(i)})
    return [_create(ids)]


def relevant_files(
    intended: Sequence[str] | None, staged: FileList, changed: FileList
) -> list[str]:
    """The files in play: the ones named, else everything staged or changed since HEAD."""
    if intended is not None:
        return list(dict.fromkeys(intended))
    return list(dict.fromkeys([*staged(), *changed()]))


def advise(
    entries: Sequence[Entry],
    intended: Sequence[str] | None,
    staged: FileList,
    changed: FileList,
    tag_required: bool,
    heads: dict[str, list[int]] | None = None,
) -> list[Action]:
    """The next actions, the primary one first; never empty.

    INTENDED are the files the caller plans to change (None: look at git instead). STAGED
    and CHANGED are asked for only when the answer depends on them, since each is a git
    process on the per-edit path. HEADS is `head_index(entries)`, when the caller has it.
    """
    files = relevant_files(intended, staged, changed)
    return _advise(entries, files, Scopes(entries, files, heads), staged, tag_required)


class Governance(NamedTuple):
    governing: list[Entry]
    next: Action


def govern(
    entries: Sequence[Entry],
    intended: Sequence[str] | None,
    staged: FileList,
    changed: FileList,
    tag_required: bool,
    heads: dict[str, list[int]] | None = None,
) -> Governance:
    """The active (open or implemented) records explicitly governing the files, and `next`.

    Superseded and deprecated records are history; `context` still shows them.
    """
    files = list(dict.fromkeys(intended or ()))
    scopes = Scopes(entries, files, heads)
    active = _by_id(
        entries[i]
        for i in scopes.candidates
        if entries[i].status in (OPEN, IMPLEMENTED) and scopes.governs_any(i)
    )
    if intended is None:
        actions = advise(entries, None, staged, changed, tag_required, heads)
    else:
        actions = _advise(entries, files, scopes, staged, tag_required)
    return Governance(active, actions[0])


# --- context --------------------------------------------------------------------------


R = TypeVar("R", bound="FullRecord")


class ContextRecord(NamedTuple, Generic[R]):
    record: R
    is_ancestor: bool
    ancestors: list[str]


class Conflict(NamedTuple):
    file: str
    record_ids: list[str]


class Context(NamedTuple, Generic[R]):
    records: list[ContextRecord[R]]
    conflicts: list[Conflict]
    exempt: list[str]


def context(records: Sequence[R], files: Sequence[str], exclude_paths: Sequence[str]) -> Context[R]:
    """Every record whose scope admits a file, with the records it supersedes (§12.3).

    Unlike `next`, a record in observed mode admits every file here, as in the Go tool.
    """
    exempt = [f for f in files if is_path_excluded(f, exclude_paths)]
    skipped = set(exempt)
    governed = [f for f in files if f not in skipped]
    scopes = Scopes(records, governed)
    observed = [i for i, r in enumerate(records) if not r.affected_scope]
    direct: dict[str, R] = {}
    conflicts: list[Conflict] = []
    for path in scopes.paths:
        matching = scopes.admitting(path, observed)
        for index in matching:
            direct.setdefault(records[index].id, records[index])
        open_ids = [records[i].id for i in matching if records[i].status == OPEN]
        if len(open_ids) > 1:
            conflicts.append(Conflict(path, open_ids))
    by_id = {r.id: r for r in records}
    found: dict[str, ContextRecord[R]] = {}
    for record in direct.values():
        ancestors: list[str] = []
        seen: set[str] = set()
        current = record.supersedes_id
        while current and current not in seen:
            seen.add(current)
            ancestor = by_id.get(current)
            if ancestor is None:
                break
            ancestors.append(current)
            if current not in direct and current not in found:
                found[current] = ContextRecord(ancestor, True, [])
            current = ancestor.supersedes_id
        found[record.id] = ContextRecord(record, False, ancestors)
    rank = {OPEN: 0, IMPLEMENTED: 1}
    ordered = sorted(found.values(), key=lambda c: (rank.get(c.record.status, 2), c.record.id))
    return Context(ordered, conflicts, exempt)


# --- The files asked about ------------------------------------------------------------


class Paths(NamedTuple):
    shown: list[str]
    """Every file asked about: repository-relative inside it, absolute outside."""
    inside: list[str]
    """The files to match, repository-relative."""
    outside: list[str]
    """Files outside the repository: no record can govern them."""


def resolve_paths(
    args: Iterable[str], cwd: str, root: str, files_under: Callable[[str], list[str]]
) -> Paths:
    """The files named on the command line as the repository-relative paths scopes match.

    A hook passes the absolute path an editor holds, and an agent in a subdirectory passes
    paths relative to it, while scopes are written relative to the repository root; so
    every name is taken relative to CWD, cleaned of `.` and `..`, and made relative to
    ROOT. Files need not exist (planning them is the point of `next --plan`). A directory
    stands for the files git knows below it (FILES_UNDER), or for itself when it has none.
    """
    prefix = root.rstrip("/") + "/"
    shown: list[str] = []
    inside: list[str] = []
    outside: list[str] = []
    for arg in args:
        if not arg:
            continue
        full = os.path.normpath(os.path.join(cwd, arg))
        relative = _relative(full, root, prefix)
        if relative is None:
            real = os.path.realpath(full)
            real_root = os.path.realpath(root)
            relative = _relative(real, real_root, real_root.rstrip("/") + "/")
        if relative is None:
            shown.append(full)
            outside.append(full)
            continue
        names = [relative]
        if os.path.isdir(full):
            names = files_under(relative) or names
        shown.extend(names)
        inside.extend(names)
    return Paths(
        list(dict.fromkeys(shown)), list(dict.fromkeys(inside)), list(dict.fromkeys(outside))
    )


def _relative(full: str, root: str, prefix: str) -> str | None:
    if full == root:
        return "."
    if full.startswith(prefix):
        return full[len(prefix) :]
    return None


# --- One answer of `govern` or `next` -------------------------------------------------


class Answer(NamedTuple):
    paths: Paths
    actions: list[Action]
    governance: Governance | None = None


def _git_files(root: str, query: Callable[[Path], list[str]]) -> FileList:
    """QUERY's answer for ROOT, asked at most once and only if needed; [] when git fails."""
    found: list[list[str]] = []

    def files() -> list[str]:
        if not found:
            try:
                found.append(query(Path(root)))
            except LinespecError:
                found.append([])
        return found[0]

    return files


def answer(
    command: str,
    args: Sequence[str],
    entries: Sequence[Entry],
    cwd: str,
    root: str,
    tag_required: bool,
    heads: dict[str, list[int]] | None = None,
    changes: tuple[FileList, FileList] | None = None,
) -> Answer:
    """`govern` or `next` (COMMAND) for the files ARGS name, as the fast and full paths ask it.

    CHANGES are the staged and the changed files when the caller has started asking git
    already; otherwise git is asked if and when the answer needs them.
    """
    from linespec import git

    paths = resolve_paths(args, cwd, root, git_files_under(root))
    intended = paths.inside if paths.shown else None
    staged, changed = changes or (
        _git_files(root, git.staged_files),
        _git_files(root, git.working_tree_changes),
    )
    if command == "govern":
        result = govern(entries, intended, staged, changed, tag_required, heads)
        return Answer(paths, [result.next], result)
    return Answer(paths, advise(entries, intended, staged, changed, tag_required, heads))


def git_files_under(root: str) -> Callable[[str], list[str]]:
    from linespec import git

    def files_under(directory: str) -> list[str]:
        try:
            return git.files_under(Path(root), directory)
        except LinespecError:
            return []

    return files_under
