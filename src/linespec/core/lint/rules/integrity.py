"""PROV-IMM: a sealed record must still hash to what the manifest recorded."""

from __future__ import annotations

from collections.abc import Iterator

from linespec.core.lint.context import Issue, LintContext
from linespec.core.lint.finding import Severity
from linespec.core.lint.registry import record_check
from linespec.core.manifest import ManifestError
from linespec.core.model import Record, Status


@record_check("PROV-IMM")
def content_hash_matches(r: Record, ctx: LintContext) -> Iterator[Issue]:
    if r.status != Status.IMPLEMENTED:
        return
    manifest = ctx.manifest
    if manifest is None:
        return
    if isinstance(manifest, ManifestError):
        yield Issue(
            "integrity", Severity.WARNING, f"Could not verify content hash: {manifest.render()}"
        )
        return
    stored = manifest.get(r.id)
    if stored is None:
        return
    memo = ctx.hashes
    if memo is None:
        from linespec.core.canonical import content_hash

        current = content_hash(r)
    else:
        current = memo.hash(r)
    if current != stored:
        yield Issue(
            "integrity",
            Severity.ERROR,
            "PROV-IMM: content hash mismatch — record was modified after being sealed "
            f"(stored {stored[:12]}, current {current[:12]})",
        )
