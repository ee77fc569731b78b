"""Finding related decisions: `search`, `audit` and `index` (BEHAVIOR.md §15).

The default provider is a lexical index (SQLite FTS5, BM25) that needs no configuration
and no network; embedding providers (`local`, `voyage`, `openai`) rank by cosine
similarity and blend in the lexical score. Nothing here imports pydantic, rich or typer,
so a warm `search` costs little more than the query itself.
"""
