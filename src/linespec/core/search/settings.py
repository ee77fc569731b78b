"""Which provider a search uses, read from the config without pydantic when it is warm.

The validated config (pydantic) costs more than a warm search itself, so what search needs
from it is remembered in the index under the config file's identity (size, mtime, ctime,
inode): an edit to the file makes the next run validate it again. Secrets are never
remembered, only the `${NAME}` reference to them.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from linespec.core.configfile import STATE_DIR, discover, find_root, identity
from linespec.core.search import providers
from linespec.core.search.lexical import INDEX_FILE, Index
from linespec.core.search.providers import (
    OPENAI_URL,
    VOYAGE_URL,
    HttpProvider,
    LocalProvider,
    Provider,
)
from linespec.errors import ConfigError

if TYPE_CHECKING:
    from linespec.core.config import Config

LEXICAL = "lexical"
PROVIDERS = (LEXICAL, "local", "voyage", "openai")
DEFAULT_THRESHOLD = 0.50
# MiniLM's cosine similarities run lower than the hosted models': 0.50 would hide most
# related records.
LOCAL_THRESHOLD = 0.30
_ENV_REF = re.compile(r"\$\{(\w+)\}")
_CONFIG_KEY = "config"


@dataclass
class SearchSettings:
    root: str
    dirs: list[str]
    provider: str = LEXICAL
    index_model: str = ""
    query_model: str = ""
    api_key: str = ""  # as written: `${NAME}` is expanded only when used
    threshold: float = DEFAULT_THRESHOLD
    index_on_complete: bool = True
    base_url: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def state_dir(self) -> Path:
        return Path(self.root) / STATE_DIR

    @property
    def directories(self) -> list[Path]:
        return [Path(d) for d in self.dirs]

    def key(self) -> str:
        """The API key with a whole-value `${NAME}` taken from the environment (§2.3)."""
        match = _ENV_REF.fullmatch(self.api_key)
        return os.environ.get(match.group(1), "") if match else self.api_key

    def provider_for_use(self) -> tuple[Provider | None, str]:
        """The embedding provider (None for lexical) and, if it is not usable, why."""
        if self.provider == LEXICAL:
            return None, ""
        if self.provider == "local":
            return LocalProvider(), ""
        key = self.key()
        if not key:
            where = self.api_key or "embedding.api_key"
            return None, f"the {self.provider} API key ({where}) is not set"
        if self.provider == "voyage":
            url = self.base_url.rstrip("/") + "/embeddings" if self.base_url else VOYAGE_URL
            return HttpProvider(
                "voyage", url, key, self.index_model or "voyage-4-large",
                self.query_model or "voyage-4-lite", providers.TIMEOUT, providers.RETRY_DELAY,
            ), ""  # fmt: skip
        base = (self.base_url or OPENAI_URL).removesuffix("/")
        model = self.index_model or "text-embedding-3-small"
        url = base + "/embeddings"
        return HttpProvider(
            "openai", url, key, model, model, providers.TIMEOUT, providers.RETRY_DELAY
        ), ""


def _from_config(cwd: Path, explicit: Path | None) -> SearchSettings:
    from linespec.core import config as config_mod

    return from_config(config_mod.load(cwd, explicit))


def from_config(cfg: Config) -> SearchSettings:
    """The search settings of a loaded config; an unknown provider is a config error."""
    settings = SearchSettings(
        str(cfg.root),
        [str(d) for d in (cfg.provenance_dir, *cfg.extra_dirs)],
        warnings=list(cfg.warnings),
    )
    emb = cfg.settings.embedding
    if emb is None or not emb.provider:
        return settings
    provider = emb.provider.strip().lower()
    if provider not in PROVIDERS:
        raise ConfigError(f"unsupported embedding provider: {emb.provider}", path=cfg.source)
    settings.provider = provider
    settings.index_model = emb.index_model
    settings.query_model = emb.query_model
    settings.api_key = emb.api_key
    settings.base_url = emb.base_url
    settings.index_on_complete = emb.index_on_complete
    explicit_threshold = "similarity_threshold" in emb.model_fields_set and emb.similarity_threshold
    if explicit_threshold:
        settings.threshold = emb.similarity_threshold
    elif provider == "local":
        settings.threshold = LOCAL_THRESHOLD
    return settings


def _identity(root: Path, cwd: Path, explicit: Path | None) -> str | None:
    """What the settings depend on: the root and the config file (path and fingerprint).

    CWD only decides which file that is, so every directory of a repository that finds
    the same file shares one warm copy.
    """
    if explicit is not None:
        source: Path | None = explicit if explicit.is_absolute() else cwd / explicit
    else:
        source = discover(cwd, root)
    stamp = identity(source) if source is not None else ()
    if stamp is None:
        return None
    return json.dumps([str(root), str(source or ""), stamp])


def open_session(
    cwd: Path, explicit: Path | None, warn: Callable[[str], None]
) -> tuple[SearchSettings, Index]:
    """The settings and the open index for a command run in CWD.

    The index lives in the repository's `.linespec/` whatever the config says, so the warm
    copy of the settings can be found before the config is read.
    """
    root = find_root(cwd)
    index = Index(root / STATE_DIR / INDEX_FILE, warn)
    try:
        ident = _identity(root, cwd, explicit)
        cached = index.get_meta(_CONFIG_KEY) if ident is not None else None
        if cached is not None:
            with contextlib.suppress(ValueError, TypeError):
                key, values = json.loads(cached)
                if key == ident:
                    return SearchSettings(**values), index
        settings = _from_config(cwd, explicit)
        if ident is not None:
            index.set_meta(_CONFIG_KEY, json.dumps([ident, asdict(settings)]))
    except BaseException:
        index.close()
        raise
    return settings, index
