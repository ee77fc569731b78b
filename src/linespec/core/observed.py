"""Observed scope: the files a record's tagged commits changed, and making them explicit.

A record with an empty `affected_scope` is in observed mode; its de-facto scope is every
file touched by a commit whose message carries `[ID]`. `lock-scope` writes that set into the
record (observed → allowlist) and `status` shows it, unsaved unless `--save-scope`.

The lifecycle machinery is imported only where a record is written: `status --format json`
runs this module on every call and must not pay for the linter's imports.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from linespec import git
from linespec.core.graph import RecordSet
from linespec.core.manifest import manifest_path
from linespec.core.model import Record, Status
from linespec.core.scope import is_path_excluded
from linespec.core.workspace import Workspace
from linespec.errors import LinespecError, RefusedError

NOTICE = (
    "Scope auto-populated (not saved). Use --save-scope flag or run "
    "'linespec provenance lock-scope' to persist"
)

# Where the Go tool expects the manifest; `observed_files` callers with a workspace pass
# the configured location instead (a nested provenance dir moves it).
MANIFEST = ".linespec/hash_manifest.json"


def observed_files(
    root: Path, record_id: str, exclude: Sequence[str], *, manifest: str = MANIFEST
) -> list[str]:
    """Files changed by any commit tagged `[RECORD_ID]` on any ref, sorted.

    Merge commits contribute nothing (diff-tree shows no files for them), exactly as in
    the Go tool: the tagged commits on the merged branch are found on their own. Exempt
    paths and the system-managed manifest are dropped; neither is ever a meaningful scope.
    """
    return _Observer(root, exclude, manifest).files(record_id)


class _Observer:
    """Observed files of several records: one history walk and one diff-tree for them all."""

    def __init__(self, root: Path, exclude: Sequence[str], manifest: str) -> None:
        self.root = root
        self.exclude = exclude
        self.manifest = manifest
        self._tagged: dict[str, list[str]] = {}
        self._commit_files: dict[str, list[str]] = {}

    def prepare(self, record_ids: Sequence[str]) -> None:
        """Look up every ID's tagged commits and their files in two git calls."""
        todo = [r for r in record_ids if r not in self._tagged]
        self._tagged.update(git.tagged_commits_by_id(self.root, todo))
        shas = sorted({s for r in todo for s in self._tagged[r]} - self._commit_files.keys())
        self._commit_files.update(git.files_of_commits(self.root, shas))

    def files(self, record_id: str) -> list[str]:
        self.prepare([record_id])
        files: set[str] = set()
        for sha in self._tagged[record_id]:
            files.update(self._commit_files.get(sha, []))
        return sorted(
            f for f in files if f != self.manifest and not is_path_excluded(f, self.exclude)
        )


def _observer(ws: Workspace) -> _Observer:
    manifest = ws.relative(manifest_path(ws.config.state_dir))
    return _Observer(ws.root, ws.config.settings.exclude_paths, manifest)


@dataclass
class AutoPopulation:
    """What `status` adds to open observed-mode records, in memory only."""

    # Record ID → its observed files, for records that gained at least one, in load order.
    scopes: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.scopes)

    def apply(self, record: Record) -> Record:
        files = self.scopes.get(record.id)
        if files is None:
            return record
        return record.model_copy(update={"affected_scope": [*record.affected_scope, *files]})

    def applied(self, records: RecordSet[Record]) -> RecordSet[Record]:
        """RECORDS with the auto-populated scopes filled in (RECORDS itself when none were)."""
        if not self.scopes:
            return records
        return RecordSet([self.apply(r) for r in records])


def auto_populate(ws: Workspace) -> AutoPopulation:
    """The observed scope of every open, observed-mode, local record.

    Off when `auto_affected_scope` is false. Remote records are skipped: the commits that
    would tag them live in another repository, and they could not be saved anyway. A record
    whose history cannot be read becomes a warning rather than failing the whole status.
    """
    population = AutoPopulation()
    if not ws.config.settings.auto_affected_scope:
        return population
    observer = _observer(ws)
    candidates = list(_candidates(ws.records))
    try:
        observer.prepare([r.id for r in candidates])
    except LinespecError as exc:
        population.warnings.append(f"Could not auto-populate scope: {exc.message}")
        return population
    for record in candidates:
        try:
            files = observer.files(record.id)
        except LinespecError as exc:
            population.warnings.append(
                f"Could not auto-populate scope for {record.id}: {exc.message}"
            )
            continue
        if files:
            population.scopes[record.id] = files
    return population


def _candidates(records: Iterable[Record]) -> Iterable[Record]:
    for record in records:
        if record.status == Status.OPEN and not record.affected_scope and not record.remote:
            yield record


def save_scopes(ws: Workspace, population: AutoPopulation) -> list[Path]:
    """Write every auto-populated scope, all or nothing; only `affected_scope` lines change."""
    from linespec.core.files import Transaction
    from linespec.core.lifecycle import edit_record, mutable

    with Transaction() as tx:
        for record_id, files in population.scopes.items():
            record = mutable(ws, record_id)
            edit_record(tx, record, {"affected_scope": [*record.affected_scope, *files]})
    return tx.touched


@dataclass
class ScopeLock:
    record_id: str
    # The record's whole affected_scope after locking, in the order it is written.
    scope: list[str]
    added: list[str]
    written: bool


def _scope_editable(ws: Workspace, record_id: str) -> Record:
    """The record, unless it may not have its scope changed (remote or implemented)."""
    from linespec.core.lifecycle import mutable

    record = mutable(ws, record_id)
    if record.status == Status.IMPLEMENTED:
        raise RefusedError(
            f"Cannot modify {record_id}: record is implemented. Implemented records are "
            f"immutable. To change scope, create a new Provenance Record that supersedes "
            f"{record_id}."
        )
    return record


def lock_scope(ws: Workspace, record_id: str, *, dry_run: bool = False) -> ScopeLock:
    """Observed → allowlist: append the observed files to `affected_scope` and save it.

    With DRY_RUN, or when there is nothing to add, the file is left untouched: rewriting
    it with an empty list would only churn the diff.
    """
    from linespec.core.files import Transaction
    from linespec.core.lifecycle import edit_record

    record = _scope_editable(ws, record_id)
    if record.affected_scope:
        # Widening is add-scope's job: silently merging here would do something other than
        # what a preceding --dry-run printed.
        raise RefusedError(
            f"{record_id} is already in allowlist mode; use 'linespec provenance add-scope "
            f"--record {record_id}' to widen it"
        )
    added = [f for f in _observer(ws).files(record_id) if f not in record.affected_scope]
    scope = [*record.affected_scope, *added]
    if dry_run or not added:
        return ScopeLock(record_id, scope, added, written=False)
    with Transaction() as tx:
        edit_record(tx, record, {"affected_scope": scope})
    return ScopeLock(record_id, scope, added, written=True)


def add_scope(ws: Workspace, record_id: str, *, dry_run: bool = False) -> ScopeLock:
    """Allowlist → wider allowlist: add newly committed files to `affected_scope` (§10.6).

    The record's own file and the paths every record may touch anyway (exclude_paths, the
    provenance directory, the config, `.linespec/`, every spec) are never added.
    """
    from linespec.core.files import Transaction
    from linespec.core.lifecycle import edit_record

    record = _scope_editable(ws, record_id)
    if not record.affected_scope:
        raise RefusedError(
            f"{record_id} is not yet in allowlist mode; use 'linespec provenance lock-scope "
            f"--record {record_id}' to populate its initial scope"
        )
    always = _always_writable(ws)
    own = ws.relative(record.path) if record.path else ""
    added = [
        f
        for f in _observer(ws).files(record_id)
        if f not in record.affected_scope and f != own and not is_path_excluded(f, always)
    ]
    if not added:
        raise RefusedError(f"{record_id} has no newly committed files to add to affected_scope")
    scope = [*record.affected_scope, *added]
    if dry_run:
        return ScopeLock(record_id, scope, added, written=False)
    with Transaction() as tx:
        edit_record(tx, record, {"affected_scope": scope})
    return ScopeLock(record_id, scope, added, written=True)


def _always_writable(ws: Workspace) -> list[str]:
    config = ws.config
    paths = [*config.settings.exclude_paths, ws.relative(config.provenance_dir) + "/", ".linespec/"]
    if config.source is not None:
        paths.append(ws.relative(config.source))
    paths.extend(spec.path for record in ws.records for spec in record.associated_specs)
    return paths
