"""`linespec provenance graph`: how records supersede, implement, extend and relate."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from linespec.cli.provenance import ConfigOption, _workspace, app

if TYPE_CHECKING:
    from linespec.core.graphview import Forest
    from linespec.core.model import Record
    from linespec.core.status import RecordFilter


class GraphFormat(StrEnum):
    human = "human"
    json = "json"
    dot = "dot"
    mermaid = "mermaid"


@app.command(
    epilog="Examples:\n\n  linespec provenance graph\n\n"
    "  linespec provenance graph --root prov-2026-a1b2c3d4\n\n"
    "  linespec provenance graph --filter open\n\n"
    "  linespec provenance graph --format json\n\n"
    "  linespec provenance graph --format dot | dot -Tsvg > provenance.svg\n\n"
    "  linespec provenance graph --format mermaid > docs/provenance.mmd"
)
def graph(
    root: Annotated[
        str,
        typer.Option(help="Show one record: its implements parent, it, and all below it."),
    ] = "",
    filter_: Annotated[
        str, typer.Option("--filter", help="A status (draft, open, ...) or tag:NAME.")
    ] = "",
    output: Annotated[
        GraphFormat,
        typer.Option(
            "--format",
            help="human (a tree), json (nodes and typed edges), dot (Graphviz) or mermaid "
            "(a flowchart for Markdown).",
        ),
    ] = GraphFormat.human,
    config: ConfigOption = None,
) -> None:
    """Draw the provenance graph: supersession chains and the brief → blueprint → imprint tiers.

    Each chain reads from its oldest record down; siblings are sorted by ID. --root and
    --filter shape the human tree and the mermaid chart; json and dot show every record.
    """
    from linespec.core import graphview
    from linespec.core.status import parse_filter

    keep = parse_filter(filter_)
    ws = _workspace(config)
    forest = graphview.Forest(ws.records)
    if output is GraphFormat.mermaid:
        # Mermaid is meant for a page, where a whole repository is too much to draw.
        _mermaid(forest, root, keep)
        return
    if output is not GraphFormat.human:
        from linespec.render import graph as render

        if root or filter_:
            sys.stderr.write(
                f"warning: --root and --filter do not apply to --format {output.value}, "
                "which shows every record\n"
            )
        if output is GraphFormat.json:
            nodes, height = forest.nodes()
            sys.stdout.writelines(render.json_chunks(nodes, height, forest.edges()))
        else:
            sys.stdout.write(render.dot(forest.ordered))
        return
    _human(forest, root, keep)


def _human(forest: Forest[Record], root: str, keep: RecordFilter | None) -> None:
    from linespec.render import console
    from linespec.render import graph as render

    out = console.stdout()
    if root:
        lines = forest.subtree(root, keep)
        if out.is_terminal:
            render.rich_lines(out, lines, None)
        else:
            sys.stdout.write(render.plain_subtree(lines))
        return
    tree = forest.tree(keep)
    if out.is_terminal:
        render.rich_lines(out, tree.lines, tree.loose)
    else:
        sys.stdout.write(render.plain(tree))


def _mermaid(forest: Forest[Record], root: str, keep: RecordFilter | None) -> None:
    from linespec.render import graph as render

    shown = forest.selection(root, keep)
    edges = forest.edges(shown)
    text = render.mermaid(shown, edges)
    if len(edges) > render.MERMAID_MAX_EDGES or len(text) > render.MERMAID_MAX_TEXT:
        sys.stderr.write(
            f"warning: {len(shown)} records and {len(edges)} edges exceed what mermaid draws "
            f"by default ({render.MERMAID_MAX_EDGES} edges, {render.MERMAID_MAX_TEXT} "
            "characters); narrow the graph with --root or --filter\n"
        )
    sys.stdout.write(text)
