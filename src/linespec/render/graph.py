"""`graph` output: the tree (plain text or a rich Tree), JSON, Graphviz DOT and mermaid."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import orjson

from linespec.core.graphview import Drawn, Edge, Line, Link, Tree
from linespec.core.terms import Status
from linespec.render import deepjson, jsonout

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from linespec.core.model import Record

HEADER = "PROVENANCE GRAPH"


# --- the tree ---------------------------------------------------------------------------


def _remote(record: Drawn) -> str:
    return " [remote]" if record.remote else ""


def _status_label(record: Record) -> str:
    # Imported on use: JSON and DOT, which the fast path draws from the scope cache, have
    # no use for it, and the status module loads pydantic.
    from linespec.core.status import status_label as label

    return label(record)


def _line(line: Line[Record]) -> str:
    record = line.record
    indent = "  " * line.depth
    if line.via is Link.IMPLEMENTS:
        lead = f"↳ [{record.effective_type}] "
    elif line.via is Link.SUPERSEDES:
        lead = "└─ "
    else:
        lead = ""
    return f"{indent}{lead}{record.id}  {_status_label(record)}  {record.title}{_remote(record)}"


def _loose(record: Record) -> str:
    return f"  {record.id}  {_status_label(record)}  {record.title}{_remote(record)}"


def plain(tree: Tree[Record]) -> str:
    """The whole graph as the Go tool prints it when stdout is not a terminal."""
    body = [_line(line) + "\n" for line in tree.lines]
    rest = [_loose(record) + "\n" for record in tree.loose]
    return f"\n{HEADER}\n\n{''.join(body)}\n{''.join(rest)}\n"


def plain_subtree(lines: Sequence[Line[Record]]) -> str:
    return f"\n{HEADER}\n\n{''.join(_line(line) + chr(10) for line in lines)}\n"


_STYLE: dict[str, str] = {
    Status.DRAFT: "dim",
    Status.OPEN: "cyan",
    Status.IMPLEMENTED: "green",
    Status.SUPERSEDED: "bright_black",
    Status.DEPRECATED: "red",
}


def _label(line: Line[Record]) -> Text:
    from rich.text import Text

    record = line.record
    text = Text()
    if line.via is Link.IMPLEMENTS:
        text.append(f"↳ [{record.effective_type}] ", style="magenta")
    text.append(record.id, style="bold")
    label = _status_label(record)
    style = "yellow" if label != record.status else _STYLE.get(record.status, "")
    text.append("  ")
    text.append(label, style=style)
    text.append(f"  {record.title}")
    if record.remote:
        text.append(" [remote]", style="blue")
    return text


def rich_lines(out: Console, lines: Sequence[Line[Record]], loose: Iterable[Record] | None) -> None:
    """The tree drawn with rich's guides, for a terminal; LOOSE is None under --root."""
    from rich.tree import Tree as RichTree

    out.print(f"\n[bold]{HEADER}[/]\n")
    # Built with a stack: the depth of a supersession chain is not bounded.
    stack: list[tuple[int, RichTree]] = []
    tops: list[RichTree] = []
    for line in lines:
        while stack and stack[-1][0] >= line.depth:
            stack.pop()
        if stack:
            node = stack[-1][1].add(_label(line))
        else:
            node = RichTree(_label(line), guide_style="bright_black")
            tops.append(node)
        stack.append((line.depth, node))
    for top in tops:
        out.print(top, soft_wrap=False)
    out.print("")
    if loose is None:
        return
    for record in loose:
        out.print("  ", _label(Line(0, record, None)), sep="")
    out.print("")


# --- JSON --------------------------------------------------------------------------------

# orjson refuses documents nested deeper than 255 levels and every tree level nests two
# (an object, then its `children` array); deeper forests go through _deep_chunks.
_ORJSON_HEIGHT = 100


def json_chunks(nodes: list[dict[str, Any]], height: int, edges: Sequence[Edge]) -> Iterator[str]:
    """`{"nodes", "edges"}` as jsonout writes it, in pieces to write one after another."""
    payload = {
        "nodes": nodes or None,
        "edges": [{"from": e.source, "to": e.target, "edge_type": e.link.value} for e in edges]
        or None,
    }
    if height <= _ORJSON_HEIGHT:
        yield jsonout.dumps(payload)
    else:
        yield from _deep_chunks(payload)


def _orjson_scalar(value: Any) -> str:
    return orjson.dumps(value).decode("utf-8")


def _deep_chunks(value: Any, size: int = 4096) -> Iterator[str]:
    """jsonout.dumps without a nesting limit: the same text, in pieces."""
    for piece in deepjson.chunks(value, _orjson_scalar, size):
        yield piece.translate(jsonout.GO_ESCAPES)


# --- Graphviz DOT ------------------------------------------------------------------------

_DOT_COLOR: dict[str, str] = {
    Status.OPEN: "orange",
    Status.IMPLEMENTED: "green",
    Status.SUPERSEDED: "gray",
    Status.DEPRECATED: "red",
}


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def dot(records: Iterable[Drawn]) -> str:
    """Nodes coloured by status and supersession edges from old to new, as the Go tool draws."""
    out = ["digraph ProvenanceGraph {", "  rankdir=TB;", "  node [shape=box];"]
    for record in records:
        rid = _dot_escape(record.id)
        color = _DOT_COLOR.get(record.status, "black")
        out.append(f'  "{rid}" [label="{rid}\\n{_dot_escape(record.title)}", color={color}];')
        if record.supersedes_id:
            out.append(f'  "{_dot_escape(record.supersedes_id)}" -> "{rid}";')
    out.append("}")
    return "\n".join(out) + "\n"


# --- mermaid -----------------------------------------------------------------------------

# Mermaid's defaults (maxEdges, maxTextSize), which a diagram cannot raise for itself.
MERMAID_MAX_EDGES = 500
MERMAID_MAX_TEXT = 50_000

# GitHub's light and dark themes both stay legible with these fills.
_MERMAID_CLASSES = {
    "draft": "fill:#f6f8fa,stroke:#8c959f,color:#24292f,stroke-dasharray: 4 3",
    "open": "fill:#fff8c5,stroke:#bf8700,color:#24292f",
    "implemented": "fill:#dafbe1,stroke:#1a7f37,color:#24292f",
    "superseded": "fill:#eaeef2,stroke:#6e7781,color:#57606a",
    "deprecated": "fill:#ffebe9,stroke:#cf222e,color:#24292f",
    "other": "fill:#ffffff,stroke:#24292f,color:#24292f",
    "missing": "fill:#ffffff,stroke:#cf222e,color:#cf222e,stroke-dasharray: 2 2",
}
_MERMAID_ARROW = {
    Link.SUPERSEDES: "-->",
    Link.IMPLEMENTS: "==>",
    Link.EXTENDS: "-.->",
    Link.RELATED: "-.-",
}
# Inside a quoted label these would end the string, start an entity, become HTML or (for
# the backtick) switch the label to markdown; mermaid decodes `#<code>;` back to them.
_MERMAID_ENTITIES = str.maketrans(
    {c: f"#{ord(c)};" for c in '"#&<>[]{}()|;`'} | {"\n": " ", "\r": " "}
)
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_]")


class _MermaidIds:
    """Node IDs mermaid cannot misread: letters, digits and `_`, never a keyword."""

    def __init__(self) -> None:
        self._ids: dict[str, str] = {}
        self._taken: set[str] = set()

    def __call__(self, record_id: str) -> str:
        known = self._ids.get(record_id)
        if known is not None:
            return known
        base = _UNSAFE_ID.sub("_", record_id)
        # `prov_...` can be no keyword (`end`, `class`, ...) and starts no `o`/`x` edge.
        if not base.startswith("prov_"):
            base = "r_" + base
        made, n = base, 1
        while made in self._taken:
            n += 1
            made = f"{base}_{n}"
        self._ids[record_id] = made
        self._taken.add(made)
        return made


def _mermaid_text(text: str) -> str:
    return text.translate(_MERMAID_ENTITIES)


def mermaid(records: Sequence[Record], edges: Sequence[Edge]) -> str:
    """A flowchart GitHub renders in Markdown: nodes by status, labelled edges."""
    ids = _MermaidIds()
    known = {record.id for record in records}
    out = ["flowchart TD"]
    classes: dict[str, list[str]] = {}
    for record in records:
        node = ids(record.id)
        title = _mermaid_text(record.title + _remote(record))
        head = _mermaid_text(f"{record.id} · {_status_label(record)}")
        out.append(f'    {node}["{head}<br/>{title}"]')
        status = record.status if record.status in _MERMAID_CLASSES else "other"
        classes.setdefault(status, []).append(node)
    for target in sorted({e.target for e in edges} - known):
        node = ids(target)
        out.append(f'    {node}["{_mermaid_text(target)}<br/>(not found)"]')
        classes.setdefault("missing", []).append(node)
    for e in edges:
        out.append(f"    {ids(e.source)} {_MERMAID_ARROW[e.link]}|{e.link.value}| {ids(e.target)}")
    for name, style in _MERMAID_CLASSES.items():
        out.append(f"    classDef {name} {style}")
    for name in _MERMAID_CLASSES:
        if name in classes:
            out.append(f"    class {','.join(classes[name])} {name}")
    return "\n".join(out) + "\n"
