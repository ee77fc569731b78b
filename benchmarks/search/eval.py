"""Recall@5 and MRR of each search provider on the evaluation set in dataset.py.

    python benchmarks/search/eval.py            # lexical, and local if the extra is installed

Prints one row per provider. `lexical (no synonyms)` shows what the synonym table adds;
`local (cosine only)` what the hybrid blend adds.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dataset

from linespec.core.search import engine, text
from linespec.core.search.lexical import Index
from linespec.core.search.providers import LocalProvider, ProviderError, local_available
from linespec.core.search.settings import SearchSettings
from linespec.core.search.vectors import Store

K = 5


def write_records(folder: Path) -> None:
    folder.mkdir(parents=True)
    for suffix, title, intent, constraints, tags, scope in dataset.RECORDS:
        rid = f"prov-2025-{suffix}"
        lines = [f"id: {rid}", f"title: {json.dumps(title)}", "status: implemented",
                 f"intent: {json.dumps(intent)}", "constraints:"]  # fmt: skip
        lines += [f"    - {json.dumps(c)}" for c in constraints]
        lines += ["affected_scope:", *[f"    - {json.dumps(s)}" for s in scope]]
        lines += ["tags:", *[f"    - {json.dumps(t)}" for t in tags]]
        (folder / f"{rid}.yml").write_text("\n".join(lines) + "\n")


def score(ranked: Callable[[str], list[str]]) -> tuple[float, float]:
    recall = mrr = 0.0
    for query, relevant in dataset.QUERIES:
        wanted = {f"prov-2025-{s}" for s in relevant}
        got = ranked(query)[:K]
        recall += len(wanted & set(got)) / len(wanted)
        mrr += next((1 / (i + 1) for i, rid in enumerate(got) if rid in wanted), 0.0)
    n = len(dataset.QUERIES)
    return recall / n, mrr / n


def main() -> int:
    rows: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_records(root / "provenance")
        settings = SearchSettings(str(root), [str(root / "provenance")])
        warnings: list[str] = []
        with Index(root / ".linespec" / "search.sqlite", warnings.append) as index:

            def lexical(query: str) -> list[str]:
                answer = engine.search(index, settings, query, K, warnings.append)
                return [r.doc.id for r in answer.results]

            rows.append(("lexical", *score(lexical)))
            saved = dict(text._SYNONYMS)
            text._SYNONYMS.clear()
            rows.append(("lexical (no synonyms)", *score(lexical)))
            text._SYNONYMS.update(saved)
            if local_available():
                try:
                    provider = LocalProvider()
                except ProviderError as exc:
                    print(f"local: {exc}", file=sys.stderr)
                else:
                    local = SearchSettings(
                        str(root), settings.dirs, provider="local", threshold=0.0
                    )
                    docs, store = engine.embedding_candidates(index, local, True, warnings.append)
                    engine.embed_records(provider, store, docs, lambda *_: None)

                    def semantic(query: str) -> list[str]:
                        answer = engine.search(index, local, query, K, warnings.append, provider)
                        return [r.doc.id for r in answer.results]

                    rows.append(("local (hybrid)", *score(semantic)))
                    vectors = Store.load(engine.store_path(local))

                    def cosine(query: str) -> list[str]:
                        return [rid for rid, _ in vectors.nearest(provider.embed_query(query), K)]

                    rows.append(("local (cosine only)", *score(cosine)))
            else:
                print("local: the embeddings extra is not installed; skipped", file=sys.stderr)
    print(f"{len(dataset.RECORDS)} records, {len(dataset.QUERIES)} queries")
    print(f"{'provider':<24} {'recall@5':>9} {'MRR':>7}")
    for name, recall, mrr in rows:
        print(f"{name:<24} {recall:>9.3f} {mrr:>7.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
