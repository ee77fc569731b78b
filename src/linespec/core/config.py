"""`.linespec.yml` (or `[tool.linespec.provenance]` in pyproject.toml): discovery and validation.

A config that does not validate is an error naming the file, line and key; it is never
replaced by defaults behind the user's back (the Go tool silently falls back).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from linespec.core import yamlread
from linespec.core.configfile import (
    PYPROJECT,
    STATE_DIR,
    discover,
    find_root,
    plain_values,
    pyproject_table,
)
from linespec.errors import ConfigError, LinespecError


class SharedRepo(BaseModel):
    """A repository whose records load read-only from the cache `sync` fills.

    (A plain string in `shared_repos` is the documented older form: a local directory
    of records, also loaded read-only.)
    """

    model_config = ConfigDict(extra="forbid", defer_build=True)

    # `url` first: the default `name` is derived from it.
    url: str = ""
    name: str = Field("", validate_default=True)
    ref: str = "main"
    dir: str = "provenance"

    @field_validator("ref", "dir", mode="before")
    @classmethod
    def _empty_default(cls, value: Any, info: ValidationInfo) -> Any:
        return cls.model_fields[info.field_name or ""].default if value == "" else value

    @field_validator("url", "ref")
    @classmethod
    def _not_an_option(cls, value: str) -> str:
        # Both reach git's command line; a leading "-" would be read as an option.
        if value.startswith("-"):
            raise ValueError('must not start with "-"')
        return value

    @field_validator("dir")
    @classmethod
    def _inside_repo(cls, value: str) -> str:
        path = PurePosixPath(value)
        if path.is_absolute() or ".." in path.parts:
            raise ValueError("must be a path inside the shared repository")
        return value.strip("/")

    @field_validator("name")
    @classmethod
    def _default_name(cls, value: str, info: ValidationInfo) -> str:
        url = str(info.data.get("url", ""))
        if value or not url:
            return value
        tail = url.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
        return tail.removesuffix(".git") or url


class Embedding(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    provider: str = ""
    index_model: str = ""
    query_model: str = ""
    api_key: str = ""
    similarity_threshold: float = 0.5
    index_on_complete: bool = True
    base_url: str = ""


class Lineage(BaseModel):
    """`provenance: lineage:`: how the PROV export names things."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    # The IRI base of records, versions and commits; empty derives it from the git remote.
    namespace: str = ""


class ProvenanceSettings(BaseModel):
    """Every key under `provenance:`, with the documented defaults.

    Like every model here, its validators are built on first use (`defer_build`): building
    them costs more than linting 1,000 records, and a plain config never needs them.
    """

    model_config = ConfigDict(extra="allow", defer_build=True)

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
    # A factory: an instance made here would build the validators at import.
    lineage: Lineage = Field(default_factory=Lineage)

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
        return Config(default_settings(), root)
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
        return Config(default_settings(), root, source)
    if not isinstance(data, dict):
        raise ConfigError("the config must be a YAML mapping", path=source, line=1)
    section = data.get("provenance")
    if section is None:
        return Config(default_settings(), root, source)
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
    settings = _settings(present, source, doc)
    unknown = sorted(settings.model_extra or {})
    warnings = tuple(f"{source}: unknown setting provenance.{name} is ignored" for name in unknown)
    return Config(settings, root, source, warnings)


def _settings(
    present: dict[str, Any], source: Path, doc: yamlread.Document | None
) -> ProvenanceSettings:
    plain = plain_settings(present)
    if plain is not None:
        return plain
    try:
        return ProvenanceSettings.model_validate(present)
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


def plain_settings(present: dict[str, Any]) -> ProvenanceSettings | None:
    """The settings PRESENT validates to, built without pydantic's validators; None when
    any key needs them (nested settings, unknown keys, anything unusual).

    The common config is a handful of plain keys, and it is read by every command,
    `lint` included, which would otherwise build every validator of the config models.
    """
    values = plain_values(present)
    return None if values is None else _construct(values)


def default_settings() -> ProvenanceSettings:
    """What an empty `provenance:` section validates to."""
    return _construct({})


def _construct(values: dict[str, Any]) -> ProvenanceSettings:
    # `lineage` is given: its default factory would build Lineage's validators.
    return ProvenanceSettings.model_construct(
        _fields_set=set(values), lineage=Lineage.model_construct(), **values
    )


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
