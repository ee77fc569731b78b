"""Human-readable output of the core's results."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from linespec.core.lint.engine import LintReport
from linespec.core.lint.finding import Finding, Severity
from linespec.core.model import STATUSES, TERMINAL_STATUSES, Record, Status
from linespec.core.status import Detail, Overview, status_label

SYMBOL = {Severity.ERROR: "✗", Severity.WARNING: "⚠", Severity.HINT: "→"}
STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.HINT: "cyan"}
STATUS_STYLE = {
    Status.DRAFT: "dim",
    Status.OPEN: "yellow",
    Status.IMPLEMENTED: "green",
    Status.SUPERSEDED: "bright_black",
    Status.DEPRECATED: "red",
}


def _rel(path: Path | None, root: Path) -> str:
    if path is None:
        return ""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _link(path: Path | None, root: Path, line: int | None) -> str:
    """`file:line`, a hyperlink in terminals that support it."""
    if path is None:
        return ""
    text = _rel(path, root) + (f":{line}" if line else "")
    return f"[link={path.resolve().as_uri()}]{escape(text)}[/link]"


def lint_report(out: Console, report: LintReport, root: Path, shown: Iterable[Severity]) -> None:
    visible = set(shown)
    total = report.passed + report.warnings + report.errors
    out.print(
        f"\n[green]✓[/] Linting {total} provenance records (enforcement: {report.enforcement})\n"
    )
    findings = [f for f in report.findings if f.severity in visible]
    groups: dict[str, list[Finding]] = {}
    for finding in sorted(findings, key=_order):
        groups.setdefault(finding.record_id, []).append(finding)
    for record_id, group in groups.items():
        where = _link(group[0].file, root, None)
        out.print(f"  [bold]{escape(record_id or '(repository)')}[/]  {where}")
        for f in group:
            field = f" ({escape(f.field)})" if f.field else ""
            loc = f"  {_link(f.file, root, f.line)}" if f.line else ""
            out.print(
                f"    [{STYLE[f.severity]}]{SYMBOL[f.severity]}[/] {f.rule} "
                f"{escape(f.message)}{field}{loc}"
            )
    out.print(
        f"\n[green]✓[/] {report.passed} passed  [yellow]⚠[/] {report.warnings} warnings  "
        f"[red]✗[/] {report.errors} errors"
    )
    if report.errors and report.enforcement == "strict":
        out.print("  Hint: Associate LineSpec files with open records or set status to")
        out.print("       'implemented' if proof already exists outside of LineSpec.")
    out.print("")


def _order(finding: Finding) -> tuple[str, int, str]:
    return (str(finding.file or ""), finding.line or 0, finding.record_id)


def _status(record: Record) -> str:
    style = STATUS_STYLE.get(Status(record.status), "") if record.status in STATUSES else ""
    label = escape(status_label(record))
    return f"[{style}]{label}[/]" if style else label


def overview(out: Console, data: Overview, enforcement: str) -> None:
    out.print(f"\n[bold]PROVENANCE RECORDS[/]\n\n  Enforcement: {enforcement}\n")
    if not data.records:
        out.print("  No records.\n")
        return
    id_width = max(15, *(len(r.id) for r in data.records))
    status_width = 14
    out.print(f"  {'ID':<{id_width}} {'STATUS':<{status_width}} {'TITLE':<45} SPECS")
    out.print("  " + "-" * (id_width + status_width + 45 + 8))
    for record in data.records:
        title = record.title if len(record.title) <= 45 else record.title[:42] + "..."
        pad = " " * max(0, status_width - len(status_label(record)))
        out.print(
            f"  {escape(record.id):<{id_width}} {_status(record)}{pad} "
            f"{escape(title):<45} {len(record.associated_specs)}"
        )
    if data.without_specs:
        out.print(f"\n[yellow]⚠[/] {data.without_specs} open records have no associated specs")
    out.print("")


def detail(out: Console, data: Detail, root: Path) -> None:
    r = data.record
    out.print(f"\n[bold]{escape(r.id)}[/]  ·  {_status(r)}")
    out.print("─" * 60 + "\n")
    out.print(f"Title:        {escape(r.title)}")
    out.print(f"Author:       {escape(r.author)}")
    out.print(f"Created:      {escape(r.created_at)}")
    if r.type:
        out.print(f"Type:         {escape(r.type)}")
    if r.status in TERMINAL_STATUSES and r.sealed_at_sha:
        out.print(f"Sealed at:    {escape(r.sealed_at_sha[:7])}")
    out.print(f"Supersedes:   {escape(r.supersedes_id or '—')}")
    if r.superseded_by_id:
        out.print(f"Superseded by: {escape(r.superseded_by_id)}")
    if data.parent is not None:
        out.print(f"Implements:   {escape(data.parent.id)}  {escape(data.parent.title)}")
    else:
        out.print(f"Implements:   {escape(r.implements or '—')}")
    if data.implemented_by:
        out.print("Implemented by:")
        for child in data.implemented_by:
            tier = escape(f"[{child.effective_type}]")
            out.print(f"  · {escape(child.id)}  {tier}  {escape(child.title)}")
    else:
        out.print("Implemented by: —")
    if r.tags:
        out.print(f"Tags:         {escape(', '.join(r.tags))}")
    if r.affected_scope:
        out.print(f"Scope Mode:   allowlist ({len(r.affected_scope)} files)")
    else:
        out.print("Scope Mode:   observed")
    reason = (r.model_extra or {}).get("deprecation_reason")
    if reason:
        out.print(f"Deprecated:   {escape(str(reason))}")
    out.print("\nIntent:")
    for line in r.intent.strip().splitlines():
        out.print(f"  {escape(line.strip())}")
    _section(out, "Constraints:", r.constraints)
    _section(out, "Allowed Scope:", r.affected_scope)
    _section(out, "Forbidden Scope (explicit):", r.forbidden_scope)
    out.print("\nAssociated Specs:")
    if not r.associated_specs:
        out.print("  (none)")
    for spec in r.associated_specs:
        exists = (root / spec.path).exists()
        mark = "[green]✓ exists[/]" if exists else "[red]✗ not found[/]"
        out.print(f"  · {escape(spec.path):<50} {mark}")
    _section(out, "Monitors:", r.monitors)
    out.print("")


def auto_populated_notice(out: Console, scopes: Mapping[str, Sequence[str]]) -> None:
    """The reminder that the scopes `status` showed for observed records are not saved."""
    out.print("\n[yellow]⚠[/] Scope auto-populated (not saved)")
    out.print("  To persist these changes, use either:")
    out.print("    --save-scope flag: linespec provenance status --save-scope")
    out.print("    lock-scope command: linespec provenance lock-scope --record <id>")
    out.print("\n  Auto-populated records:")
    for record_id, files in scopes.items():
        out.print(f"    - {escape(record_id)} ({len(files)} files)")


def _section(out: Console, title: str, items: list[str]) -> None:
    out.print(f"\n{title}")
    if not items:
        out.print("  (none)")
    for item in items:
        out.print(f"  · {escape(item)}")
