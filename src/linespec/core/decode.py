"""Decoding a parsed record file into field values, exactly as the Go tool's yaml.v3 does.

Kept free of pydantic: the commit hook and agent fast paths decode records with it too.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from linespec.errors import RecordShapeError

if TYPE_CHECKING:
    from linespec.core.yamlread import Document

# The Go struct's fields in serialisation order (the content hash depends on it).
FIELD_ORDER: tuple[str, ...] = (
    "id", "title", "status", "created_at", "author", "intent", "constraints",
    "affected_scope", "forbidden_scope", "type", "supersedes", "superseded_by", "extends",
    "implements", "related", "sealed_at_sha", "associated_specs", "associated_traces",
    "monitors", "tags", "locked",
)  # fmt: skip
LIST_FIELDS = frozenset(
    {"constraints", "affected_scope", "forbidden_scope", "related", "associated_traces",
     "monitors", "tags"}
)  # fmt: skip
STRING_FIELDS = frozenset(FIELD_ORDER) - LIST_FIELDS - {"associated_specs", "locked"}
# Keys whose empty value the Go tool leaves out of the file (`omitempty`).
OMIT_EMPTY = frozenset({"type", "extends", "implements", "locked"})
SPEC_FIELDS: tuple[str, ...] = ("path", "type", "run_command")


def ref(value: str) -> str:
    """A relation value with the Go tool's two spellings of "none" (`""`, `null`) folded."""
    return "" if value in ("", "null") else value


def _shape_error(doc: Document, path: Path | str, key: tuple[str | int, ...], msg: str) -> NoReturn:
    # Marks are kept per mapping key; a list item is reported at its key's line.
    mark = doc.mark(*(part for part in key if isinstance(part, str)))
    raise RecordShapeError(
        msg, path=path, line=mark.line if mark else None, column=mark.column if mark else None
    )


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f'"{value}"'


_TRUE = frozenset({"true", "True", "TRUE", "y", "Y", "yes", "Yes", "YES", "on", "On", "ON"})
_FALSE = frozenset({"false", "False", "FALSE", "n", "N", "no", "No", "NO", "off", "Off", "OFF"})


def decode_fields(doc: Document, path: Path) -> dict[str, Any]:
    """The record's field values, decoded the way yaml.v3 decodes into the Go struct.

    Strings keep their literal text, null is "", a list where a string belongs (or the
    reverse) is an error naming the line. Specs come back as dicts; unknown keys are kept.
    """
    data = doc.data
    if not isinstance(data, dict):
        raise RecordShapeError(
            "a record must be a YAML mapping of fields"
            + ("" if data is None else f", not {_kind(data)}"),
            path=path,
            line=1,
        )
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key in STRING_FIELDS:
            if isinstance(value, (dict, list)):
                _shape_error(doc, path, (key,), f'"{key}" must be a string, not {_kind(value)}')
            values[key] = "" if value is None else value
        elif key in LIST_FIELDS:
            values[key] = _string_list(doc, path, key, value)
        elif key == "associated_specs":
            values[key] = _specs(doc, path, value)
        elif key == "locked":
            values[key] = _bool(doc, path, key, value)
        else:
            values[key] = value
    return values


def _string_list(doc: Document, path: Path, key: str, value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        _shape_error(doc, path, (key,), f'"{key}" must be a list of strings, not {_kind(value)}')
    items: list[str] = []
    for index, item in enumerate(value):
        if isinstance(item, (dict, list)):
            _shape_error(
                doc,
                path,
                (key, index),
                f'"{key}" item {index + 1} must be a string, not {_kind(item)}',
            )
        items.append("" if item is None else item)
    return items


def _specs(doc: Document, path: Path, value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        _shape_error(
            doc,
            path,
            ("associated_specs",),
            f'"associated_specs" must be a list, not {_kind(value)}',
        )
    specs: list[dict[str, Any]] = []
    for index, item in enumerate(value):
        at = ("associated_specs", index)
        if not isinstance(item, dict):
            _shape_error(
                doc,
                path,
                at,
                f'"associated_specs" item {index + 1} must be a mapping with a path, '
                f"not {_kind(item)}",
            )
        fields: dict[str, Any] = {}
        for key, field in item.items():
            if key in SPEC_FIELDS:
                if isinstance(field, (dict, list)):
                    _shape_error(
                        doc, path, (*at, key), f'"{key}" must be a string, not {_kind(field)}'
                    )
                fields[key] = "" if field is None else field
            else:
                fields[key] = field
        specs.append(fields)
    return specs


def _bool(doc: Document, path: Path, key: str, value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
    _shape_error(doc, path, (key,), f'"{key}" must be true or false, not {_kind(value)}')
