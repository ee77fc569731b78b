"""Sharing decisions across repositories: `sync`, `publish`, `clone` and `import`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from linespec.cli import state
from linespec.cli.provenance import ConfigOption, _config, _workspace, app
from linespec.errors import EXIT_PROBLEMS
from linespec.render.relpath import relative

if TYPE_CHECKING:
    from rich.progress import Progress

VersionOption = Annotated[
    str,
    typer.Option(
        "--version", help="The version to fetch (overrides an @version suffix; default: latest)."
    ),
]
ManifestArgument = Annotated[
    str,
    typer.Argument(
        help="A linespec.manifest.json: an http(s) URL or a local path; append @VERSION to pin.",
        show_default=False,
    ),
]
# Smaller downloads and unpacks finish before a bar would be worth drawing.
_BAR_BYTES = 1024 * 1024
_BAR_ENTRIES = 1000


@app.command(epilog="Examples:\n\n  linespec provenance sync\n\n  linespec provenance sync --force")
def sync(
    force: Annotated[
        bool, typer.Option("--force", help="Ignore cache_ttl_minutes and re-fetch every repo.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Refresh the local cache of every shared_repos entry in .linespec.yml.

    Caches live in ~/.linespec/cache/<sha256 of the URL>/ ($XDG_CACHE_HOME/linespec or
    $LINESPEC_CACHE_DIR when set). A cache younger than cache_ttl_minutes is skipped.
    Each repository is fetched with `git archive --remote`, or a sparse shallow clone
    when the server does not offer archives.
    """
    from rich.markup import escape

    from linespec.core import shared
    from linespec.render import console

    cfg = _config(config)
    out = console.stdout()
    if not cfg.settings.shared_repos:
        out.print("No shared_repos configured in .linespec.yml")
        return
    failed = False
    for result in shared.sync(cfg, force=force):
        where = f"{escape(result.label)} ({escape(result.url)})"
        if result.outcome is shared.Outcome.fresh:
            out.print(f"[green]✓[/] {where} — cache is fresh, skipped")
        elif result.outcome is shared.Outcome.synced:
            out.print(f"[green]✓[/] Synced {where} — {result.records} records")
        elif result.outcome is shared.Outcome.local:
            out.print(f"[green]✓[/] {escape(result.label)} — local directory, read in place")
        else:
            failed = True
            out.print(f"[red]✗[/] {where}: {escape(result.error)}")
    if failed:
        raise typer.Exit(EXIT_PROBLEMS)


@app.command(
    epilog="Examples:\n\n  linespec provenance publish\n\n"
    "  linespec provenance publish --specs linespecs/ --code pkg/ --prompt PROMPT.md\n\n"
    "  linespec provenance publish --version v2\n\n"
    "  linespec provenance publish --manifest dist/linespec.manifest.json"
)
def publish(
    manifest: Annotated[Path, typer.Option(help="The manifest to add a version to.")] = Path(
        "linespec.manifest.json"
    ),
    name: Annotated[
        str, typer.Option(help="Project name (default: asked on a terminal, else derived).")
    ] = "",
    version: Annotated[
        str, typer.Option("--version", help="Version label (default: next vN).")
    ] = "",
    specs: Annotated[Path | None, typer.Option(help="A specs file or directory.")] = None,
    code: Annotated[Path | None, typer.Option(help="A code file or directory.")] = None,
    prompt: Annotated[Path | None, typer.Option(help="A prompt file.")] = None,
    config: ConfigOption = None,
) -> None:
    """Package the records (and optional specs, code, prompt) as a new manifest version.

    Records are prepared for consumers: imprints and superseded records are left out,
    bugs become blueprints, dangling references are cleared and every record is reset
    to open and unsealed. Artifacts are written next to the manifest; published
    versions are never overwritten.
    """
    from rich.markup import escape

    from linespec.core import publish as publish_mod
    from linespec.render import console

    ws = _workspace(config)
    cwd = Path.cwd()
    manifest_path = manifest if manifest.is_absolute() else cwd / manifest
    if not name:
        default = publish_mod.default_name(manifest_path, ws.config.source, cwd)
        name = default
        if sys.stdin.isatty():
            answer = typer.prompt(
                "Project name", default=default, show_default=True, err=True
            ).strip()
            name = answer or default
    layers = {
        layer: path if path.is_absolute() else cwd / path
        for layer, path in (("specs", specs), ("code", code), ("prompt", prompt))
        if path is not None
    }
    done = publish_mod.publish(ws, manifest_path, name=name, version=version, layers=layers)
    out = console.stdout()
    for artifact in done.artifacts:
        out.print(f"  wrote {escape(relative(artifact, cwd))}")
    shown = escape(relative(done.manifest, cwd))
    out.print(f"\n[green]✓[/] Published {escape(done.version)} (root_hash: {done.root_hash})")
    out.print(f"  manifest: {shown}\n")
    out.print("  Next steps:")
    out.print("  1. Upload each layer artifact to your hosting location")
    out.print(f"  2. Fill in the 'url' fields in {shown}\n")
    if done.remote_links:
        sys.stderr.write(
            f"note: {done.remote_links} reference(s) to records of shared repositories were "
            "cleared: only this repository's records are published\n"
        )


@contextmanager
def _bars() -> Iterator[Progress | None]:
    """A rich progress display on a terminal's stderr; None elsewhere."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    from linespec.render import console

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console.stderr(),
        transient=True,
    ) as progress:
        yield progress


def _download_bar(
    progress: Progress | None,
) -> Callable[[str], Callable[[int, int | None], None] | None] | None:
    return None if progress is None else _layer_bars(progress, "downloading", _BAR_BYTES)


def _extract_bar(progress: Progress | None) -> Callable[[str], Callable[[int, int], None] | None]:
    return _layer_bars(progress, "unpacking", _BAR_ENTRIES)


def _layer_bars(
    progress: Progress | None, verb: str, threshold: int
) -> Callable[[str], Callable[[int, int | None], None] | None]:
    """Per layer, a callback that shows a bar once the work turns out to be THRESHOLD or
    more (an unknown total counts as more): small layers finish before a bar would help."""

    def for_layer(layer: str) -> Callable[[int, int | None], None] | None:
        if progress is None:
            return None
        task: list[Any] = []

        def update(done: int, total: int | None) -> None:
            if not task:
                if total is not None and total < threshold:
                    return
                task.append(progress.add_task(f"{verb} {layer}", total=total))
            progress.update(task[0], completed=done, total=total)

        return update

    return for_layer


clone_examples = (
    "Examples:\n\n  linespec clone https://example.com/linespec.manifest.json\n\n"
    "  linespec clone https://example.com/linespec.manifest.json@v2\n\n"
    "  linespec provenance clone ./dist/linespec.manifest.json --dir myproject"
)
import_examples = (
    "Examples:\n\n  linespec import https://example.com/linespec.manifest.json\n\n"
    "  linespec import https://example.com/linespec.manifest.json@v3\n\n"
    "  linespec provenance import ./dist/linespec.manifest.json --version v2"
)


@app.command(epilog=clone_examples)
def clone(
    manifest: ManifestArgument,
    version: VersionOption = "",
    directory: Annotated[
        Path | None,
        typer.Option(
            "--dir", help="Directory to create (default: the manifest's name or file stem)."
        ),
    ] = None,
) -> None:
    """Bootstrap a new governed repository from a published manifest.

    The root hash and every layer's hash are verified before anything is written; the
    new directory gets git, .linespec.yml (with manifest_url), the git hooks, the agent
    skills and the unpacked layers, or nothing at all when any step fails.
    """
    import tempfile

    from rich.markup import escape

    from linespec.core import fetch
    from linespec.render import console

    out = console.stdout()
    out.print(f"Fetching manifest from {escape(fetch.redact(manifest))}...")
    release = fetch.resolve(manifest, version)
    cwd = Path.cwd()
    dest = directory or Path(fetch.destination_name(release))
    dest = dest if dest.is_absolute() else cwd / dest
    fetch.check_destination(dest)
    with tempfile.TemporaryDirectory(prefix="linespec-fetch-") as scratch, _bars() as bars:
        fetched = fetch.fetch_layers(release, Path(scratch), progress=_download_bar(bars))
        out.print(f"[green]✓[/] Fetched version {escape(release.version)} — all layers verified\n")
        cloned = fetch.clone(
            fetched,
            dest,
            manifest_url=fetch.split_version(manifest)[0],
            progress=_extract_bar(bars),
        )
    state.root = cloned.directory
    out.print("  [green]✓[/] installed git hooks")
    out.print("  [green]✓[/] installed agent skills")
    for layer in cloned.layers:
        out.print(f"  [green]✓[/] extracted {layer} layer")
    out.print(f"\n[green]✓[/] Project ready in {escape(relative(cloned.directory, cwd))}")


@app.command("import", epilog=import_examples)
def import_(
    manifest: ManifestArgument,
    version: VersionOption = "",
    config: ConfigOption = None,
) -> None:
    """Add the records of a published manifest to this repository's provenance directory.

    Nothing is written when any record ID already exists here or any hash does not
    verify. Lint runs afterwards to show references the imported records leave open.
    """
    import tempfile

    from rich.markup import escape

    from linespec.core import fetch
    from linespec.core.store import load_all
    from linespec.render import console

    cfg = _config(config)
    release = fetch.resolve(manifest, version)
    if release.layer("provenance") is None:
        raise fetch.FetchError(f'version "{release.version}" has no provenance layer')
    existing = {record.id for record in load_all(cfg).records}
    with tempfile.TemporaryDirectory(prefix="linespec-fetch-") as scratch, _bars() as bars:
        fetched = fetch.fetch_layers(
            release, Path(scratch), ("provenance",), progress=_download_bar(bars)
        )
        try:
            ids = fetch.import_records(
                fetched,
                cfg.provenance_dir,
                existing,
                progress=_extract_bar(bars)("provenance"),
            )
        except fetch.ImportConflict as exc:
            err = console.stderr()
            err.print(f"{exc.message}:", markup=False)
            for record_id in exc.ids:
                err.print(f"  · {record_id}", markup=False)
            raise typer.Exit(EXIT_PROBLEMS) from None
    out = console.stdout()
    shown = escape(relative(cfg.provenance_dir, Path.cwd()))
    out.print(f"[green]✓[/] Imported {len(ids)} record(s) into {shown}\n")
    out.print("Running provenance lint...")
    if not _lint(config):
        sys.stderr.write(
            "Lint reported issues (see above). Records were imported — "
            "resolve reference issues manually.\n"
        )


def _lint(config: Path | None) -> bool:
    from linespec.core.lint.finding import Severity
    from linespec.core.lint.runner import run_lint
    from linespec.render import console, human

    run = run_lint(Path.cwd(), config_path=config, fan_out=False)
    out = console.stdout()
    for _, part in run.reports:
        human.lint_report(out, part, run.root, [Severity.ERROR])
    return not run.merged().errors
