"""The provenance record: its fields, and decoding from YAML data.

Field order is the serialisation order of the Go tool (and so of the content hash).
Every string keeps the literal text written in the file; unknown keys are kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar, cast

from pydantic import BaseModel, ConfigDict, PrivateAttr

from linespec.core.decode import (
    FIELD_ORDER,
    LIST_FIELDS,
    OMIT_EMPTY,
    SPEC_FIELDS,
    STRING_FIELDS,
    decode_fields,
    ref,
)
from linespec.core.terms import DEFAULT_TIER, STATUSES, TERMINAL_STATUSES, TIERS, Status, Tier
from linespec.core.yamlread import Document, Mark, RawMark


class Spec(BaseModel):
    """One proof artifact: a path, and how to run it."""

    model_config = ConfigDict(extra="allow", defer_build=True)

    path: str = ""
    type: str = ""
    run_command: str = ""


class Record(BaseModel):
    """One decision. Field order is serialisation order."""

    model_config = ConfigDict(extra="allow", validate_assignment=False, defer_build=True)

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

    # The private attributes are read from pydantic's store directly: its attribute
    # protocol costs a microsecond per read, and lint reads them for every record.
    @property
    def _private(self) -> dict[str, Any]:
        return cast(dict[str, Any], self.__pydantic_private__)

    @property
    def path(self) -> Path | None:
        return self._private["_path"]  # type: ignore[no-any-return]

    @property
    def remote(self) -> bool:
        return self._private["_remote"]  # type: ignore[no-any-return]

    @property
    def effective_type(self) -> str:
        return self.type or DEFAULT_TIER

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
        raw = self._private["_marks"].get(key)
        return Mark(*raw) if raw is not None else None

    def attach(self, path: Path | None, *, remote: bool = False, marks: Any = None) -> Record:
        private = self._private
        private["_path"] = path
        private["_remote"] = remote
        if marks is not None:
            private["_marks"] = marks
        return self


_FIELD_SETS: dict[frozenset[str], set[str]] = {}


def _fields_set(values: dict[str, Any]) -> set[str]:
    # Records are never assigned to after loading, so records with the same keys can share
    # one set; at 10,000 records that is megabytes.
    key = frozenset(values)
    return _FIELD_SETS.setdefault(key, set(key))


def record_from_document(doc: Document, path: Path, *, remote: bool = False) -> Record:
    """Decode a parsed file into a Record the way yaml.v3 decodes into the Go struct."""
    values = decode_fields(doc, path)
    specs = values.get("associated_specs")
    if specs:
        values["associated_specs"] = [
            _construct(Spec, _SPEC_DEFAULTS, dict(spec), set(spec), None) for spec in specs
        ]
    private = {"_path": path, "_remote": remote, "_marks": doc.marks}
    return _construct(Record, _RECORD_DEFAULTS, values, _fields_set(values), private)


_M = TypeVar("_M", bound=BaseModel)


def _defaults(model: type[BaseModel]) -> tuple[tuple[str, Any], ...]:
    return tuple((name, field.default) for name, field in model.model_fields.items())


_RECORD_DEFAULTS = _defaults(Record)
_SPEC_DEFAULTS = _defaults(Spec)


def _construct(
    model: type[_M],
    defaults: tuple[tuple[str, Any], ...],
    values: dict[str, Any],
    fields_set: set[str],
    private: dict[str, Any] | None,
) -> _M:
    """What `model.model_construct(_fields_set=FIELDS_SET, **VALUES)` makes (then given
    PRIVATE), in a third of its time: loading spends a tenth of its time building records.

    Only for these two models, whose defaults are plain values (no default factories; a
    property test compares the two): the empty lists are copied, as pydantic copies them.
    VALUES is consumed; what is left of it are the unknown keys.
    """
    fields = {
        name: values.pop(name)
        if name in values
        else (default[:] if type(default) is list else default)
        for name, default in defaults
    }
    made = model.__new__(model)
    object.__setattr__(made, "__dict__", fields)
    object.__setattr__(made, "__pydantic_fields_set__", fields_set)
    object.__setattr__(made, "__pydantic_extra__", values)
    object.__setattr__(made, "__pydantic_private__", private)
    return made


__all__ = [
    "FIELD_ORDER",
    "LIST_FIELDS",
    "OMIT_EMPTY",
    "SPEC_FIELDS",
    "STATUSES",
    "STRING_FIELDS",
    "TERMINAL_STATUSES",
    "TIERS",
    "Record",
    "Spec",
    "Status",
    "Tier",
    "record_from_document",
    "ref",
]
