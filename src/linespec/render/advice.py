"""`context`, `govern` and `next` as plain text or JSON, laid out as the Go tool prints them.

No rich here: `govern` and `next` answer agent hooks on every edit from the fast path, and
the full CLI prints through these same functions, so both paths say exactly the same.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from linespec.core.advice import Action, Answer, Context, ContextRecord, Governance

if TYPE_CHECKING:
    from linespec.core.advice import FullRecord

# Go's encoding/json escapes these even in UTF-8 output; they only occur inside strings.
_GO_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)
_BOLD, _RED, _GREEN, _YELLOW, _CYAN = "1", "31", "32", "33", "36"
R = TypeVar("R", bound="FullRecord")


def use_colour() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def printable(text: str) -> str:
    """TEXT safe to write: bytes a path held that are not UTF-8 show as U+FFFD, as in Go."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            raw = text.encode("utf-8", "replace")
        return raw.decode("utf-8", "replace")
    return text


def dumps(data: Any) -> str:
    """JSON as Go's encoder writes it with a two-space indent."""
    import json

    text = printable(json.dumps(data, indent=2, ensure_ascii=False))
    # str.replace rather than str.translate: a scan in C per character, not a dict lookup
    # per character, and `next` can print a list of every open record.
    for char, escaped in _GO_ESCAPES:
        text = text.replace(char, escaped)
    return text + "\n"


def outside_warnings(outside: Sequence[str]) -> str:
    return "".join(
        f"warning: {path} is outside the repository; no record can govern it\n" for path in outside
    )


def _with_outside(payload: dict[str, Any], outside: Sequence[str]) -> dict[str, Any]:
    if outside:
        payload["outside_repo"] = list(outside)
    return payload


# --- next and govern ------------------------------------------------------------------


def action_json(action: Action) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": action.kind}
    if action.command:
        out["command"] = action.command
    out["reason"] = action.reason
    if action.record_id:
        out["record_id"] = action.record_id
    if action.governing:
        out["governing"] = list(action.governing)
    if action.detail:
        out["detail"] = action.detail
    return out


def next_json(actions: Sequence[Action], outside: Sequence[str]) -> str:
    """`primary` is what the plugin's hooks read; `actions` holds any follow-ups."""
    payload = {"primary": action_json(actions[0]), "actions": [action_json(a) for a in actions[1:]]}
    return dumps(_with_outside(payload, outside))


def next_human(actions: Sequence[Action]) -> str:
    primary = actions[0]
    lines = [f"Next: {primary.reason}\n"]
    if primary.command:
        lines.append(f"  {primary.command}\n")
    if primary.detail:
        lines.extend(f"  {line}\n" for line in primary.detail.split("\n"))
    return printable("".join(lines))


def govern_json(shown: Sequence[str], result: Governance, outside: Sequence[str]) -> str:
    payload: dict[str, Any] = {
        "files": list(shown),
        "governing": [{"id": r.id, "status": r.status} for r in result.governing],
        "next": action_json(result.next),
    }
    return dumps(_with_outside(payload, outside))


def govern_human(shown: Sequence[str], result: Governance) -> str:
    files = ", ".join(shown)
    if not result.governing:
        lines = [f"No active records govern {files}.\n"]
    else:
        lines = [f"Active records governing {files}:\n"]
        lines.extend(f"  · {r.id} [{r.status}]\n" for r in result.governing)
    if result.next.command:
        lines.append(f"Next: {result.next.reason}\n  {result.next.command}\n")
    return printable("".join(lines))


def answer(command: str, result: Answer, as_json: bool) -> tuple[str, str]:
    """What `govern` or `next` (COMMAND) prints: standard output, and warnings for stderr."""
    paths = result.paths
    if command == "govern":
        assert result.governance is not None
        if as_json:
            return govern_json(paths.shown, result.governance, paths.outside), ""
        text = govern_human(paths.shown, result.governance)
    elif as_json:
        return next_json(result.actions, paths.outside), ""
    else:
        text = next_human(result.actions)
    return text, outside_warnings(paths.outside)


# --- context --------------------------------------------------------------------------


def _groups(ctx: Context[R]) -> list[list[ContextRecord[R]]]:
    """The records as Go shows them: open, implemented, then the rest."""
    groups: list[list[ContextRecord[R]]] = [[], [], []]
    for entry in ctx.records:
        status = entry.record.status
        groups[0 if status == "open" else 1 if status == "implemented" else 2].append(entry)
    return groups


def context_human(ctx: Context[R], shown: Sequence[str], colour: bool) -> str:
    def paint(text: str, code: str) -> str:
        # Go paints with the empty colour too (a status it has no colour for).
        return (
            f"\033[{code}m{text}\033[0m"
            if colour and code
            else text + ("\033[0m" if colour else "")
        )

    status_colours = {
        "open": _CYAN,
        "implemented": _GREEN,
        "superseded": _YELLOW,
        "deprecated": _YELLOW,
    }
    out = [f"\n{paint('PROVENANCE CONTEXT', _BOLD)}\n\n", f"Files: {', '.join(shown)}\n\n"]
    headings = (
        ("OPEN RECORDS", _CYAN),
        ("IMPLEMENTED RECORDS", _GREEN),
        ("OTHER RECORDS", _YELLOW),
    )
    for (heading, code), group in zip(headings, _groups(ctx), strict=True):
        if not group:
            continue
        out.append(f"{paint(heading, code)}\n\n")
        for entry in group:
            record = entry.record
            label = paint(" [ANCESTOR]", _YELLOW) if entry.is_ancestor else ""
            out.append(f"  {paint(record.id, _BOLD)}{label}\n")
            out.append(f"  Status: {paint(record.status, status_colours.get(record.status, ''))}\n")
            out.append(f"  Title: {record.title}\n")
            if record.intent:
                out.append(f"  {paint('Intent:', _BOLD)}\n")
                out.extend(
                    f"    {line.strip()}\n" for line in record.intent.split("\n") if line.strip()
                )
            if record.constraints:
                out.append(f"  {paint('Constraints:', _BOLD)}\n")
                out.extend(f"    · {c}\n" for c in record.constraints)
            if entry.ancestors:
                out.append(f"  {paint('Ancestry:', _BOLD)}\n")
                out.append(f"    Supersedes: {' → '.join(entry.ancestors)}\n")
            if not entry.is_ancestor:
                for title, scope in (
                    ("Affected Scope:", record.affected_scope),
                    ("Forbidden Scope:", record.forbidden_scope),
                ):
                    if scope:
                        out.append(f"  {paint(title, _BOLD)}\n")
                        out.extend(f"    · {s}\n" for s in scope)
            out.append("\n")
    if ctx.conflicts:
        out.append(f"{paint('SCOPE CONFLICTS', _RED)}\n\n")
        for conflict in ctx.conflicts:
            out.append(f"  {paint('⚠', _YELLOW)}\n")
            out.append(f"    File: {conflict.file}\n")
            out.append(f"    Conflicting records: {', '.join(conflict.record_ids)}\n\n")
    if ctx.exempt:
        out.append(f"{paint('EXEMPT FILES', _BOLD)}\n\n")
        out.extend(f"  · {path} (exempt via exclude_paths)\n" for path in ctx.exempt)
        out.append("\n")
    if not ctx.records:
        out.append(f"{paint('→', _CYAN)} No provenance records govern these files.\n\n")
    else:
        out.append(f"{paint('✓', _GREEN)} {len(ctx.records)} record(s) govern these files\n\n")
    return printable("".join(out))


def _cut(text: str, limit: int) -> str:
    # Go measures and cuts in bytes; a character cut in half is dropped, not mangled.
    raw = text.encode("utf-8", "surrogateescape")
    if len(raw) <= limit:
        return text
    return raw[: limit - 3].decode("utf-8", "ignore") + "..."


def context_compact(ctx: Context[R], shown: Sequence[str]) -> str:
    out = [f"CONTEXT: {','.join(shown)}\n\n"]
    for heading, group in zip(("OPEN:", "IMPLEMENTED:", "OTHER:"), _groups(ctx), strict=True):
        if not group:
            continue
        out.append(f"{heading}\n")
        for entry in group:
            record = entry.record
            out.append(f"{record.id}{' [A]' if entry.is_ancestor else ''} {record.title}\n")
            if record.intent:
                first = record.intent.strip().split("\n")[0].strip()
                out.append(f"INTENT:{_cut(first, 100)}\n")
            if record.constraints:
                out.append("CONSTRAINTS:\n")
                out.extend(f"-{_cut(c, 80)}\n" for c in record.constraints)
            if entry.ancestors:
                out.append(f"ANCESTRY:{'>'.join(entry.ancestors)}\n")
            out.append("\n")
    if ctx.conflicts:
        out.append("CONFLICTS:\n")
        out.extend(f"FILE:{c.file} RECORDS:{','.join(c.record_ids)}\n" for c in ctx.conflicts)
        out.append("\n")
    if ctx.exempt:
        out.append("EXEMPT:\n")
        out.extend(f"FILE:{path} exempt\n" for path in ctx.exempt)
        out.append("\n")
    out.append(f"TOTAL:{len(ctx.records)}\n")
    return printable("".join(out))


def context_json(ctx: Context[R], shown: Sequence[str], outside: Sequence[str]) -> str:
    records = []
    for entry in ctx.records:
        record = entry.record
        item: dict[str, Any] = {"id": record.id, "title": record.title, "status": record.status}
        if record.intent:
            item["intent"] = record.intent
        if record.constraints:
            item["constraints"] = list(record.constraints)
        item["is_ancestor"] = entry.is_ancestor
        if entry.ancestors:
            item["ancestors"] = entry.ancestors
        if not entry.is_ancestor:
            if record.affected_scope:
                item["affected_scope"] = list(record.affected_scope)
            if record.forbidden_scope:
                item["forbidden_scope"] = list(record.forbidden_scope)
        records.append(item)
    payload: dict[str, Any] = {"files": list(shown), "records": records}
    if ctx.conflicts:
        payload["conflicts"] = [{"file": c.file, "record_ids": c.record_ids} for c in ctx.conflicts]
    payload["exempt_files"] = ctx.exempt
    payload["total_records"] = len(ctx.records)
    return dumps(_with_outside(payload, outside))
