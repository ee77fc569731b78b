"""The provenance record: fields, tiers, statuses, and decoding from YAML data.

Field order is the serialisation order of the Go tool (and so of the content hash).
Every string keeps the literal text written in the file; unknown keys are kept.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any, NoReturn

from pydantic import BaseModel, ConfigDict, PrivateAttr

from linespec.core.yamlread import Document, Mark, RawMark
from linespec.errors import RecordShapeError


class Status(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    IMPLEMENTED = "implemented"
    SUPERSEDED = "superseded"
    DEPRECATED = "deprecated"


class Tier(StrEnum):
    BRIEF = "brief"
    BLUEPRINT = "blueprint"
    BUG = "bug"
    IMPRINT = "imprint"


STATUSES: tuple[str, ...] = tuple(s.value for s in Status)
TIERS: tuple[str, ...] = tuple(t.value for t in Tier)
# Statuses after which a record is sealed history rather than live work.
TERMINAL_STATUSES = frozenset({Status.IMPLEMENTED, Status.SUPERSEDED, Status.DEPRECATED})


class Spec(BaseModel):
    """One proof artifact: a path, and how to run it."""

    model_config = ConfigDict(extra="allow")

    path: str = ""
    type: str = ""
    run_command: str = ""


class Record(BaseModel):
    """One decision. Field order is serialisation order."""

    model_config = ConfigDict(extra="allow", validate_assignment=False)

    id: str = ""
    title: str = ""
    status: str = ""
    created_at: str = ""
    author: str = ""
    intent: str = ""
    constraints: list[str] = []
    affected_scope: list[str] = []
    forbidden_scope: list[str] = []
    type: str = ""
    supersedes: str = ""
    superseded_by: str = ""
    extends: str = ""
    implements: str = ""
    related: list[str] = []
    sealed_at_sha: str = ""
    associated_specs: list[Spec] = []
    associated_traces: list[str] = []
    monitors: list[str] = []
    tags: list[str] = []
    locked: bool = False

    _path: Path | None = PrivateAttr(default=None)
    _remote: bool = PrivateAttr(default=False)
    _marks: dict[tuple[str | int, ...], RawMark] = PrivateAttr(default_factory=dict)

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def remote(self) -> bool:
        return self._remote

    @property
    def effective_type(self) -> str:
        return self.type or Tier.BLUEPRINT.value

    @property
    def scope_mode(self) -> str:
        return "allowlist" if self.affected_scope else "observed"

    @property
    def supersedes_id(self) -> str:
        return ref(self.supersedes)

    @property
    def superseded_by_id(self) -> str:
        return ref(self.superseded_by)

    def line_of(self, *key: str | int) -> Mark | None:
        raw = self._marks.get(key)
        return Mark(*raw) if raw is not None else None

    def attach(self, path: Path | None, *, remote: bool = False, marks: Any = None) -> Record:
        self._path = path
        self._remote = remote
        if marks is not None:
            self._marks = marks
        return self


FIELD_ORDER: tuple[str, ...] = tuple(Record.model_fields)
STRING_FIELDS = frozenset(
    name for name, info in Record.model_fields.items() if info.annotation in (str, "str")
)
LIST_FIELDS = frozenset(
    name
    for name, info in Record.model_fields.items()
    if info.annotation in (list[str], "list[str]")
)
# Keys whose empty value the Go tool leaves out of the file (`omitempty`).
OMIT_EMPTY = frozenset({"type", "extends", "implements", "locked"})
SPEC_FIELDS: tuple[str, ...] = tuple(Spec.model_fields)


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


def record_from_document(doc: Document, path: Path, *, remote: bool = False) -> Record:
    """Decode a parsed file into a Record the way yaml.v3 decodes into the Go struct."""
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
    record = Record.model_construct(_fields_set=set(data), **values)
    return record.attach(path, remote=remote, marks=doc.marks)


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


def _specs(doc: Document, path: Path, value: Any) -> list[Spec]:
    if value is None:
        return []
    if not isinstance(value, list):
        _shape_error(
            doc,
            path,
            ("associated_specs",),
            f'"associated_specs" must be a list, not {_kind(value)}',
        )
    specs: list[Spec] = []
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
        specs.append(Spec.model_construct(_fields_set=set(item), **fields))
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
