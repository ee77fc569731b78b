"""Creating records and moving them through their lifecycle, all-or-nothing.

Every transition snapshots the files it touches and restores them byte-for-byte if any
later step (validation, the optional auto-commit) fails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from linespec import git
from linespec.core import yamlread
from linespec.core.canonical import canonical_text
from linespec.core.edit import edit_text
from linespec.core.emit import Value
from linespec.core.files import Transaction
from linespec.core.graph import RecordSet
from linespec.core.ids import new_id
from linespec.core.lint.context import LintContext
from linespec.core.lint.engine import lint_record
from linespec.core.lint.finding import Finding, Severity
from linespec.core.model import TIERS, Record, Status, record_from_document
from linespec.core.workspace import Workspace
from linespec.errors import (
    GitError,
    LinespecError,
    RecordShapeError,
    RefusedError,
    StorageError,
    UsageError,
)

DEPRECATION_REASON_KEY = "deprecation_reason"


class TransitionRefused(RefusedError):
    """A transition that was rolled back because the record does not validate."""

    def __init__(self, message: str, findings: Sequence[Finding]) -> None:
        super().__init__(message)
        self.findings = list(findings)


@dataclass
class NewRecord:
    record: Record
    path: Path
    text: str
    superseded: Record | None = None


@dataclass
class Transition:
    record_id: str
    before: str
    after: str
    files: list[Path] = field(default_factory=list)
    committed: bool = False


def mutable(ws: Workspace, record_id: str) -> Record:
    record = ws.records.get(record_id)
    if record.remote:
        raise RefusedError(
            f"Cannot modify {record_id}: this record is owned by a remote repository and is "
            "read-only from this repo."
        )
    return record


def prepare_new(
    ws: Workspace,
    *,
    title: str = "",
    record_type: str = "",
    tags: Sequence[str] = (),
    supersedes: str = "",
    id_suffix: str = "",
    today: dt.date | None = None,
    author: str | None = None,
) -> NewRecord:
    """Check the request and build the record `create` would write; nothing is written."""
    if record_type and record_type not in TIERS:
        raise UsageError(f'unknown --type "{record_type}": use one of {", ".join(TIERS)}')
    superseded = None
    if supersedes and supersedes != "null":
        if supersedes not in ws.records:
            raise RefusedError("Failed to create record: supersedes target does not exist")
        superseded = ws.records.get(supersedes)
        if superseded.superseded_by_id:
            raise RefusedError("Failed to create record: target already superseded")
        if superseded.remote:
            raise RefusedError(
                f"Cannot supersede {supersedes}: this record is owned by a remote repository "
                "and is read-only from this repo."
            )
    date = today or dt.date.today()
    record_id = new_id(date.year, ws.records.by_id, id_suffix)
    record = Record(
        id=record_id,
        title=title,
        status=Status.DRAFT.value,
        created_at=date.isoformat(),
        author=author if author is not None else git.user_email(ws.root),
        type=record_type,
        supersedes=supersedes,
        tags=list(tags),
    )
    path = ws.config.provenance_dir / f"{record_id}.yml"
    return NewRecord(record, path, canonical_text(record), superseded)


def parse_edited(text: str, new: NewRecord) -> Record:
    """The record an editor left behind, or an error that says what to fix."""
    doc = yamlread.parse(text, new.path)
    record = record_from_document(doc, new.path)
    if record.id != new.record.id:
        raise RecordShapeError(
            f'the id must stay "{new.record.id}" (it names the file)', path=new.path, line=1
        )
    return record


def write_new(ws: Workspace, new: NewRecord, text: str | None = None) -> list[Path]:
    """Write the new record (and mark the superseded one), all or nothing."""
    body = new.text if text is None else text
    if new.path.exists():
        raise RefusedError(f"{new.path} already exists", path=new.path)
    with Transaction() as tx:
        tx.write(new.path, body.encode("utf-8"))
        if new.superseded is not None:
            edit_record(
                tx,
                new.superseded,
                {"status": Status.SUPERSEDED.value, "superseded_by": new.record.id},
            )
    return tx.touched


def edit_record(tx: Transaction, record: Record, changes: dict[str, Value]) -> None:
    assert record.path is not None
    try:
        raw = record.path.read_bytes()
    except OSError as exc:
        raise StorageError(f"cannot read: {exc.strerror or exc}", path=record.path) from None
    text = yamlread.decode_text(raw, record.path)
    tx.write(record.path, edit_text(text, record.path, changes).encode("utf-8"))


def reloaded(record: Record) -> Record:
    assert record.path is not None
    return record_from_document(yamlread.read_document(record.path), record.path)


def auto_commit(ws: Workspace, tx: Transaction, message: str) -> bool:
    if not ws.config.settings.commit_on_status_change:
        return False
    try:
        git.commit_paths(ws.root, tx.touched, message)
    except GitError as exc:
        git.unstage(ws.root, tx.touched)
        raise AutoCommitRejected(exc.message) from None
    return True


class AutoCommitRejected(RefusedError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def open_record(ws: Workspace, record_id: str) -> Transition:
    record = mutable(ws, record_id)
    if record.status != Status.DRAFT:
        raise RefusedError(
            f'Cannot open {record_id}: record status is "{record.status}" (open only '
            "transitions from draft). Use 'linespec provenance complete' to mark an open "
            "record as implemented."
        )
    try:
        with Transaction() as tx:
            edit_record(tx, record, {"status": Status.OPEN.value})
            opened = reloaded(record)
            records = RecordSet([opened if r.id == record_id else r for r in ws.records])
            ctx = LintContext(records, ws.root, ws.config.enforcement)
            errors = [f for f in lint_record(opened, ctx) if f.severity is Severity.ERROR]
            if errors:
                raise TransitionRefused(
                    f"Cannot open {record_id}: the record does not pass validation. The "
                    f"transition was rolled back — {record_id} is unchanged (still draft).",
                    errors,
                )
            committed = auto_commit(ws, tx, f"Open provenance record {record_id} [{record_id}]")
    except AutoCommitRejected as exc:
        raise rejected("open", record_id, record.status, exc.detail) from None
    return Transition(record_id, record.status, Status.OPEN.value, tx.touched, committed)


def deprecate(ws: Workspace, record_id: str, reason: str = "") -> Transition:
    record = mutable(ws, record_id)
    if record.status == Status.DEPRECATED:
        raise RefusedError(f"Record {record_id} is already deprecated")
    if record.status == Status.SUPERSEDED:
        raise RefusedError(f"Record {record_id} is superseded and cannot be deprecated")
    changes: dict[str, Value] = {"status": Status.DEPRECATED.value}
    if reason:
        changes[DEPRECATION_REASON_KEY] = reason
    try:
        with Transaction() as tx:
            edit_record(tx, record, changes)
            committed = auto_commit(ws, tx, f"Deprecate provenance record [{record_id}]")
    except AutoCommitRejected as exc:
        raise rejected("deprecate", record_id, record.status, exc.detail) from None
    return Transition(record_id, record.status, Status.DEPRECATED.value, tx.touched, committed)


def rejected(verb: str, record_id: str, status: str, detail: str) -> LinespecError:
    return RefusedError(
        f"Cannot {verb} {record_id}: the auto-commit was rejected: {detail}. The transition "
        f"was rolled back — {record_id} is unchanged (still {status}) and nothing was staged. "
        f"Resolve the issue and run 'linespec provenance {verb}' again."
    )
