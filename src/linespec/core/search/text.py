"""What text of a record is searched, and how queries and documents are split into terms."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

# A query is cut to this many distinct terms: a pasted megabyte of text must not become a
# megabyte-long FTS5 expression, and the first terms of a description carry its subject.
MAX_QUERY_TERMS = 64
# Longer queries are truncated before tokenising (a few pages of text is plenty).
MAX_QUERY_CHARS = 20_000

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Boundaries inside identifiers: `parseHTTPRequest` → parse HTTP Request, `v2Api` → v2 Api.
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")

# Words too common in decisions and questions to say anything about a match.
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "let",
        "me",
        "more",
        "most",
        "my",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "should",
        "we",
        "us",
        "via",
        "per",
        "etc",
        "eg",
        "ie",
        "want",
        "need",
        "needs",
        "make",
        "makes",
        "made",
        "get",
        "gets",
        "use",
        "used",
        "using",
        "way",
        "ways",
        "thing",
        "things",
        "something",
        "anything",
        "already",
        "new",
        "old",
        "any",
        "one",
        "ones",
    ]
)


def clean(text: str) -> str:
    """TEXT with undecodable bytes (surrogate escapes from argv) replaced, not fatal."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def split_identifier(word: str) -> list[str]:
    """The parts of a camelCase/PascalCase word (the word itself when it has none)."""
    parts = _CAMEL.findall(word)
    return parts if len(parts) > 1 else [word]


def words(text: str) -> Iterable[str]:
    """Lower-case words of TEXT: snake_case, paths and camelCase split into their parts."""
    for match in _WORD.finditer(text):
        for part in split_identifier(match.group()):
            yield part.lower()


def query_terms(query: str) -> list[str]:
    """Distinct meaningful words of a query, in order of first appearance."""
    seen: dict[str, None] = {}
    for word in words(query[:MAX_QUERY_CHARS]):
        if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        seen.setdefault(word, None)
        if len(seen) >= MAX_QUERY_TERMS:
            break
    return list(seen)


def expand_identifiers(text: str) -> str:
    """TEXT plus the parts of each camelCase identifier, so `tokenBucket` matches `token`.

    FTS5's tokenizer already splits at `_`, `/`, `.` and `-`; camel humps it cannot see.
    """
    extra = [
        " ".join(parts) for m in _WORD.finditer(text) if len(parts := _CAMEL.findall(m.group())) > 1
    ]
    return f"{text} {' '.join(extra)}" if extra else text


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def embedding_text(fields: Mapping[str, Any]) -> str:
    """The text embedded for a record, exactly as the Go tool builds it (§15)."""
    lines = []
    title = fields.get("title")
    if isinstance(title, str) and title:
        lines.append(f"Decision: {title}")
    intent = fields.get("intent")
    if isinstance(intent, str) and intent.strip():
        lines.append(f"Intent: {intent.strip()}")
    constraints = [c.strip() for c in _strings(fields.get("constraints")) if c.strip()]
    if constraints:
        lines.append(f"Constraints: {'. '.join(constraints)}.")
    return "\n".join(lines)


def lexical_columns(fields: Mapping[str, Any]) -> tuple[str, str, str, str]:
    """(title, body, tags, paths) for the full-text index: §15's text plus tags and scope."""
    title = fields.get("title")
    body = [
        v.strip()
        for key in ("intent", "constraints")
        for v in _strings(fields.get(key))
        if v.strip()
    ]
    paths = [*_strings(fields.get("affected_scope")), *_strings(fields.get("forbidden_scope"))]
    return (
        expand_identifiers(title if isinstance(title, str) else ""),
        expand_identifiers("\n".join(body)),
        expand_identifiers(" ".join(_strings(fields.get("tags")))),
        expand_identifiers(" ".join(paths)),
    )


# Words people use interchangeably when describing software decisions. A query term is
# searched together with the words of its groups (the index's Porter stemmer handles
# word forms; these handle different words for the same thing).
_SYNONYM_GROUPS = (
    "auth authentication authenticate login logon signin sso oauth credential password",
    "authorization authorize permission access role rbac acl privilege",
    "database db sql postgres postgresql mysql sqlite table schema",
    "cache caching memoize redis memcached",
    "slow latency performance speed fast faster throughput",
    "retry backoff resilience transient",
    "queue broker kafka rabbitmq pubsub message event",
    "log logging logger",
    "metric metrics monitoring observability telemetry tracing prometheus dashboard alert",
    "error failure exception crash fault",
    "config configuration settings setting environment",
    "secret credential token vault key",
    "deploy deployment release rollout ship",
    "test testing spec",
    "frontend ui interface page screen browser",
    "api endpoint rest http route",
    "delete remove purge erase deletion",
    "user account customer member",
    "payment billing invoice charge checkout subscription",
    "email mail notification notify",
    "ratelimit throttle throttling quota limit",
    "encrypt encryption cipher tls ssl https",
    "upload attachment file storage blob s3",
    "search find lookup",
    "timeout deadline expire expiry ttl",
    "migrate migration upgrade",
    "backup snapshot restore recovery",
    "dependency library package vendor",
    "container docker kubernetes k8s pod",
    "duplicate dedupe deduplicate idempotent idempotency",
    "timezone utc clock timestamp",
    "translation translate localization i18n l10n language locale",
    "image thumbnail picture photo",
    "mobile phone ios android",
    "privacy gdpr pii personal",
    "concurrency concurrent lock race parallel",
    "validate validation sanitize check",
    "report export csv download",
)
_SYNONYMS: dict[str, tuple[str, ...]] = {}
for _group in _SYNONYM_GROUPS:
    _members = tuple(_group.split())
    for _word in _members:
        _SYNONYMS[_word] = tuple(dict.fromkeys([*_SYNONYMS.get(_word, ()), *_members]))


def _base(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def expand(terms: list[str]) -> list[str]:
    """TERMS followed by their synonyms (each word once)."""
    out = dict.fromkeys(terms)
    for term in terms:
        group = _SYNONYMS.get(term) or _SYNONYMS.get(_base(term)) or ()
        out.update(dict.fromkeys(group))
    return list(out)
