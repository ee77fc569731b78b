"""`.linespec.yml` (or `[tool.linespec.provenance]` in pyproject.toml): discovery and validation.

A config that does not validate is an error naming the file, line and key; it is never
replaced by defaults behind the user's back (the Go tool silently falls back).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from linespec.core import yamlread
from linespec.core.configfile import (
    PYPROJECT,
    STATE_DIR,
    discover,
    find_root,
    pyproject_table,
)
from linespec.errors import ConfigError, LinespecError


class SharedRepo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = ""
    url: str = ""
    ref: str = "main"
    dir: str = "provenance"


class Embedding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider: str = ""
    index_model: str = ""
    query_model: str = ""
    api_key: str = ""
    similarity_threshold: float = 0.5
    index_on_complete: bool = True
    base_url: str = ""


class ProvenanceSettings(BaseModel):
    """Every key under `provenance:`, with the documented defaults."""

    model_config = ConfigDict(extra="allow")

    dir: str = "provenance"
    enforcement: Literal["none", "warn", "strict"] = "warn"
    commit_tag_required: bool = False
    auto_affected_scope: bool = True
    run_associated_specs_on_complete: bool = False
    overlap_specs_on_complete: Literal["block", "warn", "off"] = "block"
    commit_on_status_change: bool = False
    shared_repos: list[SharedRepo | str] = []
    additional_dirs: list[str] = []
    cache_ttl_minutes: int = 60
    exclude_paths: list[str] = []
    manifest_url: str = ""
    write_restriction: bool = True
    embedding: Embedding | None = None

    @field_validator("enforcement", mode="before")
    @classmethod
    def _empty_enforcement(cls, value: Any) -> Any:
        return "warn" if value == "" else value

    @field_validator("overlap_specs_on_complete", mode="before")
    @classmethod
    def _empty_overlap(cls, value: Any) -> Any:
        return "block" if value == "" else value

    @field_validator("cache_ttl_minutes")
    @classmethod
    def _positive_ttl(cls, value: int) -> int:
        return 60 if value <= 0 else value


@dataclass(frozen=True)
class Config:
    """Settings plus where they came from and what they point at."""

    settings: ProvenanceSettings
    root: Path
    source: Path | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def provenance_dir(self) -> Path:
        configured = Path(self.settings.dir)
        if configured.is_absolute():
            return configured
        # A `dir` written in a file is relative to that file; the built-in default is
        # relative to the repository root (as in the Go tool).
        explicit = "dir" in self.settings.model_fields_set
        base = self.source.parent if explicit and self.source is not None else self.root
        return base / configured

    @property
    def extra_dirs(self) -> list[Path]:
        base = self.source.parent if self.source is not None else self.root
        return [
            p if p.is_absolute() else base / p for p in map(Path, self.settings.additional_dirs)
        ]

    @property
    def state_dir(self) -> Path:
        """`.linespec/` beside the provenance directory (where the hash manifest lives)."""
        return self.provenance_dir.parent / STATE_DIR

    @property
    def enforcement(self) -> str:
        return self.settings.enforcement


def load(cwd: Path, explicit: Path | None = None) -> Config:
    """Find, read and validate the configuration for a command run in CWD."""
    root = find_root(cwd)
    source: Path | None
    if explicit is not None:
        source = explicit if explicit.is_absolute() else cwd / explicit
        if not source.is_file():
            raise ConfigError("config file not found", path=source)
    else:
        source = discover(cwd, root)
    if source is None:
        return Config(ProvenanceSettings(), root)
    if source.name == PYPROJECT:
        return _from_pyproject(source, root)
    return _from_yaml(source, root)


def _from_yaml(source: Path, root: Path) -> Config:
    try:
        doc = yamlread.read_document(source)
    except LinespecError as exc:
        raise ConfigError(exc.message, path=source, line=exc.line, column=exc.column) from None
    data = doc.data
    if data is None:
        return Config(ProvenanceSettings(), root, source)
    if not isinstance(data, dict):
        raise ConfigError("the config must be a YAML mapping", path=source, line=1)
    section = data.get("provenance")
    if section is None:
        return Config(ProvenanceSettings(), root, source)
    if not isinstance(section, dict):
        mark = doc.mark("provenance")
        raise ConfigError(
            "provenance: must be a mapping of settings",
            path=source,
            line=mark.line if mark else None,
        )
    return _validate(section, source, root, doc)


def _from_pyproject(source: Path, root: Path) -> Config:
    section = pyproject_table(source)
    if not isinstance(section, dict):
        raise ConfigError("[tool.linespec.provenance] must be a table", path=source)
    return _validate(section, source, root, None)


def _validate(
    section: dict[str, Any], source: Path, root: Path, doc: yamlread.Document | None
) -> Config:
    present = {key: value for key, value in section.items() if value is not None}
    try:
        settings = ProvenanceSettings.model_validate(present)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        key = ".".join(str(part) for part in ("provenance", *loc))
        mark = _nearest_mark(doc, loc)
        raise ConfigError(
            f"invalid value for {key}: {error['msg']}",
            path=source,
            line=mark.line if mark else None,
            column=mark.column if mark else None,
        ) from None
    unknown = sorted(settings.model_extra or {})
    warnings = tuple(f"{source}: unknown setting provenance.{name} is ignored" for name in unknown)
    return Config(settings, root, source, warnings)


def _nearest_mark(doc: yamlread.Document | None, loc: tuple[Any, ...]) -> yamlread.Mark | None:
    if doc is None:
        return None
    # pydantic names union branches in the location (e.g. `SharedRepo`); skip those.
    path: list[str | int] = ["provenance"]
    best = doc.mark("provenance")
    for part in loc:
        # Sequence items share their key's position; union branch names have none.
        if not isinstance(part, str):
            continue
        candidate = doc.mark(*path, part)
        if candidate is None:
            continue
        path.append(part)
        best = candidate
    return best
