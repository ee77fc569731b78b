"""search, audit and index on top of the lexical index and an optional embedding provider.

Ranking with an embedding provider is hybrid: cosine similarity (which §15's threshold
applies to) blended with the BM25 score normalised to the best lexical match, so a record
that both means and says the same thing comes first. When the provider fails, the answer
falls back to the lexical ranking with a warning instead of failing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from linespec.core.search import providers
from linespec.core.search import text as textmod
from linespec.core.search.lexical import Doc, Hit, Index, Refresh
from linespec.core.search.providers import Provider, ProviderError
from linespec.core.search.settings import LEXICAL, SearchSettings
from linespec.core.search.vectors import STORE_FILE, Store, StoreError

# Share of the lexical score in a hybrid score.
LEXICAL_WEIGHT = 0.15
# Weight of the BM25 score over query words and synonyms, against the words alone.
SYNONYM_WEIGHT = 0.5
# Lexical candidates considered per requested result before the final cut.
POOL = 4


@dataclass(frozen=True)
class Result:
    doc: Doc
    score: float  # 0..1, the ranking score
    similarity: float | None  # cosine, with an embedding provider
    matched: tuple[str, ...]


@dataclass
class Answer:
    query: str
    provider: str  # what ranked the results: lexical, or the embedding provider's name
    threshold: float | None
    results: list[Result]
    indexed: int


def store_path(settings: SearchSettings) -> Path:
    return settings.state_dir / STORE_FILE


def refresh(index: Index, settings: SearchSettings, warn: Callable[[str], None]) -> Refresh:
    done = index.refresh(settings.directories)
    if done.failed:
        more = f" (and {len(done.failed) - 1} more)" if len(done.failed) > 1 else ""
        warn(f"skipped a record file that does not load: {done.failed[0]}{more}")
    return done


def _lexical_hits(index: Index, terms: list[str], limit: int) -> list[Hit]:
    """BM25 over the query's own words plus, at a discount, over their synonyms.

    FTS5 weighs every term of one query alike; a record that says what the user said
    should outrank one that only says something similar.
    """
    expanded = textmod.expand(terms)
    own = {h.doc.id: h for h in index.search(terms, limit)}
    if len(expanded) == len(terms):
        return list(own.values())
    merged = []
    for hit in index.search(expanded, limit):
        exact = own.pop(hit.doc.id, None)
        score = SYNONYM_WEIGHT * hit.score + (exact.score if exact else 0.0)
        merged.append(Hit(hit.doc, score, hit.matched))
    merged += own.values()
    return sorted(merged, key=lambda h: (-h.score, h.doc.id))[:limit]


def _lexical(hits: list[Hit]) -> list[Result]:
    top = hits[0].score if hits else 0.0
    return [Result(h.doc, h.score / top if top > 0 else 0.0, None, h.matched) for h in hits]


def search(
    index: Index,
    settings: SearchSettings,
    query: str,
    limit: int,
    warn: Callable[[str], None],
    provider: Provider | None = None,
) -> Answer:
    """The records most related to QUERY, best first (at most LIMIT)."""
    query = textmod.clean(query)
    refresh(index, settings, warn)
    terms = textmod.query_terms(query)
    hits = _lexical_hits(index, terms, max(limit * POOL, 20))
    indexed = index.count()
    if settings.provider == LEXICAL:
        return Answer(query, LEXICAL, None, _lexical(hits)[:limit], indexed)
    try:
        if provider is None:
            provider, why = settings.provider_for_use()
            if provider is None:
                raise ProviderError(why)
        store = Store.load(store_path(settings))
        if not store.vectors:
            raise ProviderError("no record has an embedding yet: run 'linespec provenance index'")
        vector = provider.embed_query(query[: textmod.MAX_QUERY_CHARS])
        nearest = store.nearest(vector)
    except (ProviderError, StoreError) as exc:
        warn(f"{settings.provider} search failed ({exc.render()}); showing lexical results")
        return Answer(query, LEXICAL, None, _lexical(hits)[:limit], indexed)
    return Answer(
        query,
        settings.provider,
        settings.threshold,
        _hybrid(index, hits, nearest, store, settings.threshold)[:limit],
        indexed,
    )


def _hybrid(
    index: Index,
    hits: list[Hit],
    nearest: list[tuple[str, float]],
    store: Store,
    threshold: float,
) -> list[Result]:
    top = hits[0].score if hits else 0.0
    lexical = {h.doc.id: h for h in hits}
    docs = {d.id: d for d in index.docs()} if nearest else {}
    scored: dict[str, Result] = {}
    for record_id, similarity in nearest:
        doc = docs.get(record_id)
        if doc is None or similarity < threshold:
            continue  # below the threshold, or a record that no longer exists
        hit = lexical.get(record_id)
        share = hit.score / top if hit and top > 0 else 0.0
        score = (1 - LEXICAL_WEIGHT) * similarity + LEXICAL_WEIGHT * share
        scored[record_id] = Result(doc, score, similarity, hit.matched if hit else ())
    for hit in hits:
        # A record without a vector yet (not implemented, or not indexed) is still found
        # by its words; one whose vector is below the threshold is not.
        if hit.doc.id in scored or hit.doc.id in store.vectors:
            continue
        share = hit.score / top if top > 0 else 0.0
        scored[hit.doc.id] = Result(hit.doc, LEXICAL_WEIGHT * share, None, hit.matched)
    return sorted(scored.values(), key=lambda r: (-r.score, r.doc.id))


@dataclass
class IndexRun:
    succeeded: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)


def embedding_candidates(
    index: Index, settings: SearchSettings, force: bool, warn: Callable[[str], None]
) -> tuple[list[Doc], Store]:
    """Implemented records without a vector (all implemented ones with FORCE), and the store.

    INDEX is read as it is: the caller refreshes it first.
    """
    path = store_path(settings)
    try:
        store = Store.load(path)
    except StoreError as exc:
        warn(f"{exc.render()}; rebuilding it")
        store = Store(path)
        force = True
    if force:
        store = Store(path)
    docs = [d for d in index.docs() if d.status == "implemented"]
    return [d for d in docs if force or d.id not in store.vectors], store


def embed_records(
    provider: Provider,
    store: Store,
    docs: list[Doc],
    progress: Callable[[int, Doc, str | None], None],
) -> IndexRun:
    """Embed DOCS in batches, saving the store after each batch (an interrupted run keeps
    what it finished); PROGRESS gets (position, doc, error or None) per record."""
    run = IndexRun()
    for start in range(0, len(docs), providers.BATCH):
        chunk = docs[start : start + providers.BATCH]
        try:
            vectors = provider.embed_documents([textmod.embedding_text(d.fields) for d in chunk])
            errors: list[str | None] = []
            for doc, vector in zip(chunk, vectors, strict=True):
                try:
                    store.put(doc.id, vector)
                    errors.append(None)
                except StoreError as exc:
                    errors.append(exc.message)
        except (ProviderError, StoreError) as exc:
            errors = [exc.message] * len(chunk)
        if any(e is None for e in errors):
            store.save()
        for offset, (doc, error) in enumerate(zip(chunk, errors, strict=True)):
            if error is None:
                run.succeeded += 1
            else:
                run.failed.append((doc.id, error))
            progress(start + offset + 1, doc, error)
    return run


def index_record(settings: SearchSettings, fields: dict[str, object], record_id: str) -> int:
    """Embed one record into the store (index_on_complete); returns the dimension."""
    provider, why = settings.provider_for_use()
    if provider is None:
        raise ProviderError(why)
    path = store_path(settings)
    try:
        store = Store.load(path)
    except StoreError:
        store = Store(path)  # damaged: start again rather than refuse the one new vector
    store.put(record_id, provider.embed_documents([textmod.embedding_text(fields)])[0])
    store.save()
    return store.dimension
