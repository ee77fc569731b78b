"""Editing an existing record file in place.

Only the lines of the keys being changed are rewritten; every other byte (comments, key
order, quoting, block scalars, unknown keys) stays as the user wrote it. The result is
re-read and compared with what was intended before anyone writes it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping as AnyMapping
from pathlib import Path
from typing import Any

from linespec.core import yamlread
from linespec.core.canonical import field_value
from linespec.core.emit import Value, emit_document
from linespec.core.model import FIELD_ORDER, OMIT_EMPTY, Record, record_from_document
from linespec.errors import StorageError

_CANONICAL_INDENT = 4


def edit_text(text: str, path: Path, changes: AnyMapping[str, Value]) -> str:
    """TEXT with each key of CHANGES set to its value; nothing else differs."""
    doc = yamlread.parse(text, path)
    if not isinstance(doc.data, dict):
        raise StorageError("cannot edit: the file is not a mapping of fields", path=path)
    current = record_from_document(doc, path)
    changes = {
        key: value for key, value in changes.items() if _value_of(current, doc, key) != value
    }
    if not changes:
        return text
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    keys = _key_lines(doc, lines, path)
    base = " " * (keys[0][2] - 1) if keys else ""
    indent = _sequence_indent(lines, keys)

    spans = _spans(keys, lines)
    replacements: dict[int, tuple[int, list[str]]] = {}
    inserts: dict[int, list[str]] = {}
    for key, value in changes.items():
        block = _render(key, value, indent, base, newline)
        if key in spans:
            start, end = spans[key]
            replacements[start] = (end, block)
        else:
            inserts.setdefault(_insert_at(key, spans, lines), []).extend(block)

    out: list[str] = []
    index = 0
    while index <= len(lines):
        out.extend(inserts.get(index, []))
        if index == len(lines):
            break
        if index in replacements:
            end, block = replacements[index]
            out.extend(block)
            index = end
            continue
        out.append(lines[index])
        index += 1
    if out and len(out) > 0 and not out[-1].endswith("\n") and any(inserts.values()):
        out[-1] += newline
    result = "".join(out)
    _verify(doc, result, path, changes)
    return result


def _value_of(record: Record, doc: yamlread.Document, key: str) -> Any:
    if key in FIELD_ORDER:
        present = key in doc.data or key not in OMIT_EMPTY
        return field_value(record, key) if present else None
    return doc.data.get(key)


def _key_lines(doc: yamlread.Document, lines: list[str], path: Path) -> list[tuple[str, int, int]]:
    keys: list[tuple[str, int, int]] = []
    for key in doc.data:
        mark = doc.mark(key)
        assert mark is not None
        keys.append((key, mark.line - 1, mark.column))
    keys.sort(key=lambda item: item[1])
    if keys:
        first_line = lines[keys[0][1]]
        if first_line.lstrip().startswith("{") or len({col for _, _, col in keys}) != 1:
            raise StorageError(
                "cannot edit a record written as a flow mapping; use one key per line",
                path=path,
            )
    return keys


def _sequence_indent(lines: list[str], keys: list[tuple[str, int, int]]) -> int:
    """How far this file indents a list item under its key (the Go tool writes 4)."""
    key_rows = {row for _, row, _ in keys}
    for row in sorted(key_rows):
        base = len(lines[row]) - len(lines[row].lstrip(" "))
        nxt = row + 1
        if nxt < len(lines) and nxt not in key_rows:
            stripped = lines[nxt].lstrip(" ")
            if stripped.startswith("- "):
                width = len(lines[nxt]) - len(stripped) - base
                if width > 0:
                    return width
    return _CANONICAL_INDENT


def _spans(keys: list[tuple[str, int, int]], lines: list[str]) -> dict[str, tuple[int, int]]:
    """Line range [start, end) of each top-level key, without trailing blank or comment lines."""
    spans: dict[str, tuple[int, int]] = {}
    for position, (key, row, _) in enumerate(keys):
        end = keys[position + 1][1] if position + 1 < len(keys) else len(lines)
        while end - 1 > row and _is_filler(lines[end - 1]):
            end -= 1
        spans[key] = (row, end)
    return spans


def _is_filler(line: str) -> bool:
    stripped = line.strip()
    return stripped == "" or stripped.startswith("#") or stripped in ("...", "---")


def _insert_at(key: str, spans: dict[str, tuple[int, int]], lines: list[str]) -> int:
    """After the nearest key that precedes KEY in field order, else after the last key."""
    if key in FIELD_ORDER:
        for earlier in reversed(FIELD_ORDER[: FIELD_ORDER.index(key)]):
            if earlier in spans:
                return spans[earlier][1]
        later = [spans[k][0] for k in FIELD_ORDER[FIELD_ORDER.index(key) + 1 :] if k in spans]
        if later:
            return min(later)
    return max((end for _, end in spans.values()), default=len(lines))


def _render(key: str, value: Value, indent: int, base: str, newline: str) -> list[str]:
    text = emit_document([(key, value)], indent=indent)
    if not _round_trips(text, key, value):
        text = _quoted_document(key, value, indent)
    return [base + line + newline for line in text.split("\n")[:-1]]


def _round_trips(text: str, key: str, value: Value) -> bool:
    # yaml.v3's own styles lose a few strings (a literal block that starts with a line
    # break); an edit must never change what the user asked to write.
    try:
        doc = yamlread.parse(text, Path("edit"))
        record = record_from_document(doc, Path("edit"))
    except Exception:
        return False
    got: Any = field_value(record, key) if key in FIELD_ORDER else doc.data.get(key)
    return bool(got == value)


def _quoted_document(key: str, value: Value, indent: int) -> str:
    """KEY: VALUE with every string double-quoted (JSON escapes are valid YAML)."""
    pad = " " * indent

    def quote(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    if isinstance(value, bool):
        return f"{key}: {'true' if value else 'false'}\n"
    if isinstance(value, str):
        return f"{key}: {quote(value)}\n"
    if not value:
        return f"{key}: []\n"
    lines = [f"{key}:"]
    for item in value:
        if isinstance(item, str):
            lines.append(f"{pad}- {quote(item)}")
        else:
            for position, (name, text) in enumerate(item):
                lead = "- " if position == 0 else "  "
                lines.append(f"{pad}{lead}{name}: {quote(text)}")
    return "\n".join(lines) + "\n"


def _verify(
    before: yamlread.Document, text: str, path: Path, changes: AnyMapping[str, Value]
) -> None:
    try:
        after = yamlread.parse(text, path)
        record = record_from_document(after, path)
    except Exception as exc:
        raise StorageError(
            f"cannot edit safely ({exc}); the file was left unchanged", path=path
        ) from None
    assert isinstance(after.data, dict)
    for key, value in changes.items():
        got: Any = field_value(record, key) if key in FIELD_ORDER else after.data.get(key)
        if got != value:
            raise StorageError(f"cannot edit {key} safely; the file was left unchanged", path=path)
    for key, value in before.data.items():
        if key not in changes and after.data.get(key) != value:
            raise StorageError(
                f"editing would disturb {key}; the file was left unchanged", path=path
            )
