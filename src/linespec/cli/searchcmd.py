"""`provenance search`, `audit` and `index`: find the decisions that already cover a change.

Output is written without rich on the hot path: a warm `search` must stay well under the
time a person notices.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from linespec.cli import state
from linespec.cli.provenance import ConfigOption, app
from linespec.errors import EXIT_PROBLEMS, LinespecError, UsageError

if TYPE_CHECKING:
    from linespec.core.model import Record
    from linespec.core.search.lexical import Doc, Index
    from linespec.core.search.settings import SearchSettings
    from linespec.core.workspace import Workspace


class SearchFormat(StrEnum):
    human = "human"
    json = "json"


def _warn(message: str) -> None:
    sys.stderr.write(f"warning: {message}\n")


def _session(config: Path | None) -> tuple[SearchSettings, Index]:
    from linespec.core.search.settings import open_session

    settings, index = open_session(Path.cwd(), config, _warn)
    state.root = Path(settings.root)
    for warning in settings.warnings:
        _warn(warning)
    return settings, index


def _query_text(positional: str, flag: str) -> str:
    # The flag wins, as in the Go tool; the positional form is the shorter habit.
    return flag or positional


@app.command(
    epilog="Examples:\n\n"
    '  linespec provenance search "how do we cache sessions"\n\n'
    '  linespec provenance search --query "database schema" --limit 10\n\n'
    '  linespec provenance search "retry policy" --format json'
)
def search(
    text: Annotated[str, typer.Argument(help="What to look for, in your own words.")] = "",
    query: Annotated[
        str, typer.Option("--query", help="The query (instead of the argument).")
    ] = "",
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="Results to show.")] = 5,
    output: Annotated[SearchFormat, typer.Option("--format", help="human or json.")] = (
        SearchFormat.human
    ),
    config: ConfigOption = None,
) -> None:
    """Find the records related to a question, best first, with why each matched.

    Works offline with no configuration (a full-text index in .linespec/search.sqlite);
    with provenance.embedding configured, results are ranked by meaning as well.
    """
    from linespec.core.search import engine

    wanted = _query_text(text, query)
    if not wanted.strip():
        raise UsageError(
            'a query is required: linespec provenance search "what the decision is about"'
        )
    settings, index = _session(config)
    with index:
        answer = engine.search(index, settings, wanted, limit, _warn)
    from linespec.render import search as render

    sys.stdout.write(render.json(answer) if output is SearchFormat.json else render.human(answer))


@app.command(
    epilog="Examples:\n\n"
    '  linespec provenance audit "Added password validation"\n\n'
    '  linespec provenance audit --description "Refactored user service"'
)
def audit(
    text: Annotated[str, typer.Argument(help="What your change does.")] = "",
    description: Annotated[
        str, typer.Option("--description", help="The description (instead of the argument).")
    ] = "",
    config: ConfigOption = None,
) -> None:
    """Show earlier decisions related to a change (advisory: always exits 0)."""
    from linespec.core.search import engine

    wanted = _query_text(text, description)
    if not wanted.strip():
        _warn('nothing to audit: describe the change, e.g. audit "Added password validation"')
        sys.stdout.write("✓ Audit advisory completed with warnings\n")
        return
    try:
        settings, index = _session(config)
        with index:
            answer = engine.search(index, settings, wanted, 5, _warn)
    except LinespecError as exc:
        _warn(exc.render(state.root))
        sys.stdout.write("✓ Audit advisory completed with warnings\n")
        return
    from linespec.render import search as render

    sys.stdout.write(render.audit(answer))


@app.command(
    "index",
    epilog="Examples:\n\n  linespec provenance index\n\n"
    "  linespec provenance index --dry-run\n\n  linespec provenance index --force",
)
def index_(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be indexed; change nothing.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Rebuild from scratch.")] = False,
    config: ConfigOption = None,
) -> None:
    """Bring the search index up to date (search does this by itself for the lexical index).

    The lexical index covers every record; an embedding provider embeds implemented
    records that have no vector yet (all of them with --force).
    """
    from linespec.core.search import engine
    from linespec.core.search.settings import LEXICAL

    settings, index = _session(config)
    with index:
        _lexical_index(index, settings, dry_run, force)
        if settings.provider == LEXICAL:
            return
        if not dry_run:
            _embedding_index(index, settings, dry_run, force)
            return
        # Which records the refresh would bring in, found on a copy: a dry run writes nothing.
        with index.copy() as preview:
            engine.refresh(preview, settings, _warn)
            _embedding_index(preview, settings, dry_run, force)


def _lexical_index(index: Index, settings: SearchSettings, dry_run: bool, force: bool) -> None:
    from linespec.render.relpath import relative

    where = relative(index.path, Path(settings.root)) if index.path else "memory"
    if dry_run:
        plan = index.refresh(settings.directories, force=force, dry_run=True)
        sys.stdout.write(
            f"\nLexical index ({where}): {len(plan.added)} new, {len(plan.updated)} changed, "
            f"{len(plan.removed)} removed of {plan.total} record file(s) (dry run)\n"
        )
        return
    with _progress("Indexing records") as advance:
        done = index.refresh(settings.directories, force=force, progress=advance)
    for failure in done.failed:
        sys.stderr.write(f"  ✗ {failure}\n")
    sys.stdout.write(
        f"✓ Lexical index up to date ({where}): {index.count()} record(s); "
        f"{len(done.added)} added, {len(done.updated)} updated, {len(done.removed)} removed\n"
    )


def _embedding_index(index: Index, settings: SearchSettings, dry_run: bool, force: bool) -> None:
    from linespec.core.search import engine

    # A dry run makes no API call and loads no model.
    provider, why = (None, "") if dry_run else settings.provider_for_use()
    if provider is None and not dry_run:
        raise LinespecError(f"cannot index with {settings.provider}: {why}")
    docs, store = engine.embedding_candidates(index, settings, force, _warn)
    if not docs:
        sys.stdout.write("✓ All implemented records already have embeddings.\n")
        return
    sys.stdout.write(f"\nFound {len(docs)} record(s) to index\n{'=' * 60}\n\n")
    if dry_run:
        sys.stdout.write("".join(f"  • {d.id} - {d.title}\n" for d in docs))
        return
    assert provider is not None
    lines = not sys.stdout.isatty()
    with _progress("Embedding records", enabled=not lines) as advance:

        def report(position: int, doc: Doc, error: str | None) -> None:
            if lines:
                sys.stdout.write(f"[{position}/{len(docs)}] Indexing {doc.id}...\n")
                if error is None:
                    sys.stdout.write(f"  ✓ Indexed successfully ({store.dimension} dimensions)\n")
            advance(position, len(docs))
            if error is not None:
                sys.stderr.write(f"  ✗ Failed to index {doc.id}: {error}\n")

        run = engine.embed_records(provider, store, docs, report)
    mark = "✓" if run.succeeded else "✗"
    sys.stdout.write(
        f"\n{mark} Indexing complete: {run.succeeded} succeeded, {len(run.failed)} failed\n"
    )
    if run.failed:
        raise typer.Exit(EXIT_PROBLEMS)


@contextmanager
def _progress(label: str, enabled: bool = True) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr when it is a terminal; otherwise nothing."""
    if not (enabled and sys.stderr.isatty()):
        yield _noop
        return
    from rich.progress import Progress

    from linespec.render import console

    with Progress(console=console.stderr(), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _noop(done: int, total: int) -> None:
    return None


def index_after_complete(ws: Workspace, record: Record) -> None:
    """index_on_complete: embed a just-completed record; a failure is only a warning."""
    from linespec.core.search import engine
    from linespec.core.search.settings import LEXICAL, from_config

    try:
        settings = from_config(ws.config)
        if settings.provider == LEXICAL or not settings.index_on_complete:
            return
        fields = {key: getattr(record, key) for key in ("title", "intent", "constraints")}
        dims = engine.index_record(settings, fields, record.id)
    except LinespecError as exc:
        _warn(f"could not index {record.id} for search: {exc.render(ws.root)}")
        return
    sys.stdout.write(f"  ✓ Indexed {record.id} for semantic search ({dims} dimensions)\n")
