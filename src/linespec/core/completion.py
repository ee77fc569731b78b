"""`complete` and `lock-layer`: sealing a decision, all or nothing (BEHAVIOR.md §10.3, §10.7).

Every step runs inside one transaction: if validation, the record's own specs or the
specs of sealed records it touched fail (or the user presses Ctrl-C), the record file and
the manifest are restored byte-for-byte.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TextIO

from linespec import git
from linespec.core import lifecycle
from linespec.core.canonical import canonical_text
from linespec.core.files import Transaction
from linespec.core.graph import RecordSet
from linespec.core.ids import new_id
from linespec.core.lint.context import LintContext
from linespec.core.lint.engine import lint_record
from linespec.core.lint.finding import Finding, Severity
from linespec.core.manifest import manifest_path
from linespec.core.model import Record, Status
from linespec.core.scope import PatternError, is_in_scope
from linespec.core.seal import manifest_lock, seal
from linespec.core.workspace import Workspace
from linespec.errors import GitError, RefusedError, UsageError


@dataclass
class Completion:
    record: Record
    before: str
    sha: str
    spec_paths: list[tuple[str, bool]] = field(default_factory=list)
    specs_ran: bool = False
    unverified: list[Record] = field(default_factory=list)
    failed_in_warn_mode: list[Record] = field(default_factory=list)
    committed: bool = False


def _head(ws: Workspace) -> str:
    try:
        return git.run(["rev-parse", "--verify", "HEAD"], ws.root).strip()
    except GitError as exc:
        raise RefusedError(
            f"Failed to get HEAD SHA: {exc.message} (is there a commit yet?)"
        ) from None


def _errors(ws: Workspace, record: Record) -> list[Finding]:
    others = [r for r in ws.records if r.id != record.id]
    records = RecordSet([*others, record])
    ctx = LintContext(records, ws.root, ws.config.enforcement, manifest_path(ws.config.state_dir))
    return [f for f in lint_record(record, ctx) if f.severity is Severity.ERROR]


def touched_sealed_records(ws: Workspace, record: Record) -> list[Record]:
    """Sealed records whose scope covers a file changed by a commit tagged with RECORD."""
    commits = git.tagged_commits_by_id(ws.root, [record.id])[record.id]
    files = sorted({f for fs in git.files_of_commits(ws.root, commits).values() for f in fs})
    touched = []
    for other in ws.records:
        if other.id == record.id or other.remote or other.status != Status.IMPLEMENTED:
            continue
        if not other.sealed_at_sha:
            continue
        try:
            if any(is_in_scope(other.affected_scope, other.forbidden_scope, f) for f in files):
                touched.append(other)
        except PatternError:
            continue
    return touched


def complete(
    ws: Workspace, record_id: str, *, out: TextIO, force: bool = False, timeout: float = 600.0
) -> Completion:
    record = lifecycle.mutable(ws, record_id)
    if record.status == Status.IMPLEMENTED:
        raise RefusedError(f"Record {record_id} is already implemented")
    spec_paths = [(s.path, (ws.root / s.path).exists()) for s in record.associated_specs]
    missing = [path for path, exists in spec_paths if not exists]
    if missing and not force:
        raise RefusedError(
            f"Cannot mark {record_id} as implemented: these associated specs do not exist on "
            f"disk: {', '.join(missing)}. Create the missing spec files or remove them from "
            "associated_specs before completing this record."
        )
    sha = _head(ws)
    settings = ws.config.settings
    result = Completion(record, record.status, sha, spec_paths)
    with manifest_lock(ws.config.state_dir), Transaction() as tx:
        lifecycle.edit_record(
            tx, record, {"status": Status.IMPLEMENTED.value, "sealed_at_sha": sha}
        )
        sealed = lifecycle.reloaded(record)
        seal(tx, ws.config.state_dir, sealed)
        errors = _errors(ws, sealed)
        if errors:
            raise lifecycle.TransitionRefused(
                f"Cannot complete {record_id}: sealing it would make it immutable, but it does "
                f"not pass validation. The transition was rolled back — {record_id} is "
                f"unchanged (still {result.before}).",
                errors,
            )
        if not force and settings.run_associated_specs_on_complete and record.associated_specs:
            from linespec.core.specs import run_specs

            count = len(record.associated_specs)
            out.write(f"\nRunning {count} associated spec(s) for {record_id}...\n\n")
            report = run_specs(record.associated_specs, cwd=ws.root, out=out, timeout=timeout)
            result.specs_ran = True
            if not report.passed:
                raise RefusedError(
                    f"Cannot complete {record_id}: one or more of its own associated specs "
                    f"failed. The transition was rolled back — {record_id} is unchanged (still "
                    f"{result.before}). Fix the failing spec(s) and run 'linespec provenance "
                    "complete' again."
                )
        _teeth(ws, record, result, out, timeout)
        try:
            result.committed = lifecycle.auto_commit(
                ws, tx, f"Complete provenance record [{record_id}]"
            )
        except lifecycle.AutoCommitRejected as exc:
            raise lifecycle.rejected("complete", record_id, result.before, exc.detail) from None
    result.record = sealed
    return result


def _teeth(ws: Workspace, record: Record, result: Completion, out: TextIO, timeout: float) -> None:
    """Run the specs of sealed records this change touched (overlap_specs_on_complete)."""
    settings = ws.config.settings
    mode = settings.overlap_specs_on_complete
    if mode == "off":
        return
    already_run: set[str] = set()
    for other in touched_sealed_records(ws, record):
        if not settings.run_associated_specs_on_complete or not other.associated_specs:
            result.unverified.append(other)
            continue
        from linespec.core.specs import run_specs

        out.write(
            f"\nVerifying sealed record {other.id} touched by this change ({other.title})...\n"
        )
        report = run_specs(
            other.associated_specs, cwd=ws.root, out=out, timeout=timeout, already_run=already_run
        )
        if not report.ran:
            result.unverified.append(other)
            continue
        if report.passed:
            continue
        if mode == "block":
            raise RefusedError(
                f"Cannot complete {record.id}: it changes files governed by a sealed record "
                f"whose specs now fail ({other.id} — {other.title}). The transition was rolled "
                f"back — {record.id} is unchanged (still {result.before}). (To downgrade this "
                "gate, set overlap_specs_on_complete: warn|off in .linespec.yml.)"
            )
        result.failed_in_warn_mode.append(other)


@dataclass
class LockedLayer:
    record: Record
    sha: str


def draft_locked_layer(
    ws: Workspace, *, title: str, intent: str, scope: Sequence[str], today: dt.date | None = None
) -> str:
    """A new record that is implemented and locked at HEAD, as canonical text."""
    if not title.strip():
        raise UsageError("--title is required")
    date = today or dt.date.today()
    record = Record(
        id=new_id(date.year, ws.records.by_id),
        title=title,
        status=Status.IMPLEMENTED.value,
        created_at=date.isoformat(),
        author=git.user_email(ws.root),
        intent=intent,
        affected_scope=list(scope),
        sealed_at_sha=_head(ws),
        locked=True,
    )
    return canonical_text(record)


def lock_layer(ws: Workspace, text: str) -> Record:
    """Write TEXT as a new record and seal it, in one transaction (validated first).

    Sealing happens after any editing, so the hash covers what the user wrote, `locked:
    true` included.
    """
    path = ws.config.provenance_dir / f"{_id_of(text, ws)}.yml"
    if path.exists():
        raise RefusedError(f"{path} already exists", path=path)
    with manifest_lock(ws.config.state_dir), Transaction() as tx:
        tx.write(path, text.encode("utf-8"))
        from linespec.core.store import load_file

        written = load_file(path)
        seal(tx, ws.config.state_dir, written)
        errors = _errors(ws, written)
        if errors:
            raise lifecycle.TransitionRefused(
                "Cannot create the locked layer: the record does not pass validation, so "
                "nothing was written.",
                errors,
            )
    return written


def _id_of(text: str, ws: Workspace) -> str:
    from linespec.core import yamlread

    data = yamlread.parse(text, ws.config.provenance_dir / "new.yml").data
    record_id = data.get("id") if isinstance(data, dict) else None
    if not isinstance(record_id, str) or not record_id:
        raise RefusedError("the locked layer has no id")
    return record_id
