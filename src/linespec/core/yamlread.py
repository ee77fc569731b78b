"""The strict YAML reader every read path uses.

It composes the document with libyaml (PyYAML's C parser, no implicit type resolution)
and walks the node tree itself, so that it can decode the way the Go tool's yaml.v3 does
(every scalar keeps its literal text, duplicate keys are errors) while keeping the line of
every key for messages. The round-trip parser is reserved for writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from linespec.errors import YamlError

# Larger files are refused before parsing: no record or config is anywhere near this, and
# a bounded input keeps every command's worst case at well under a second.
MAX_FILE_BYTES = 8 * 1024 * 1024
# Aliases are shared by the composer, so a few lines can expand into billions of nodes;
# a document that expands beyond this is refused rather than walked.
MAX_NODES = 100_000

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})

Path_ = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Mark:
    """1-based line and column of a key or item in its file."""

    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Document:
    """A decoded document: plain Python data plus where each key and item was written."""

    data: Any
    marks: dict[Path_, Mark]

    def mark(self, *path: str | int) -> Mark | None:
        return self.marks.get(path)


def decode_text(raw: bytes, path: Path | str) -> str:
    """UTF-8 text of a file; a leading byte-order mark is dropped as yaml.v3 drops it."""
    if len(raw) > MAX_FILE_BYTES:
        size_mib = len(raw) / (1024 * 1024)
        limit_mib = MAX_FILE_BYTES // (1024 * 1024)
        raise YamlError(
            f"file is too large to be a record or config ({size_mib:.1f} MiB; "
            f"the limit is {limit_mib} MiB)",
            path=path,
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", path=path, line=line, column=column
        ) from None
    return text.removeprefix("\ufeff")


def parse(text: str, path: Path | str) -> Document:
    """Parse one YAML document into literal-text data with key positions."""
    try:
        root = yaml.compose(text, Loader=yaml.CBaseLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "syntax error"
        if mark is None:
            raise YamlError(f"invalid YAML: {problem}", path=path) from None
        raise YamlError(
            f"invalid YAML: {problem}", path=path, line=mark.line + 1, column=mark.column + 1
        ) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", path=path) from None
    marks: dict[Path_, Mark] = {}
    if root is None:
        return Document(None, marks)
    walker = _Walker(path, marks)
    try:
        data = walker.walk(root, ())
    except RecursionError:
        raise YamlError("invalid YAML: nesting is too deep", path=path) from None
    return Document(data, marks)


def read_document(path: Path) -> Document:
    """Read and parse a file; every failure names the file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlError(f"cannot read file: {exc.strerror or exc}", path=path) from None
    return parse(decode_text(raw, path), path)


def is_null(node: ScalarNode) -> bool:
    return node.style == "" and node.value in _NULLS


class _Walker:
    def __init__(self, path: Path | str, marks: dict[Path_, Mark]) -> None:
        self.path = path
        self.marks = marks
        self.visited = 0

    def walk(self, node: Node, at: Path_) -> Any:
        self.visited += 1
        if self.visited > MAX_NODES:
            raise YamlError(
                f"document expands to more than {MAX_NODES} nodes (an alias bomb?)",
                path=self.path,
            )
        if isinstance(node, ScalarNode):
            return None if is_null(node) else node.value
        if isinstance(node, SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                here = (*at, index)
                self.marks[here] = Mark(item.start_mark.line + 1, item.start_mark.column + 1)
                items.append(self.walk(item, here))
            return items
        if isinstance(node, MappingNode):
            return self._mapping(node, at)
        raise YamlError(f"invalid YAML: unexpected node {type(node).__name__}", path=self.path)

    def _mapping(self, node: MappingNode, at: Path_) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                mark = key_node.start_mark
                raise YamlError(
                    "invalid YAML: a mapping key must be a plain value",
                    path=self.path,
                    line=mark.line + 1,
                    column=mark.column + 1,
                )
            key = key_node.value
            line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            here = (*at, key)
            if key in result:
                first = self.marks[here]
                raise YamlError(
                    f'mapping key "{key}" already defined at line {first.line}',
                    path=self.path,
                    line=line,
                    column=column,
                )
            self.marks[here] = Mark(line, column)
            result[key] = self.walk(value_node, here)
        return result
