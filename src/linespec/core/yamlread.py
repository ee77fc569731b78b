"""The strict YAML reader every read path uses.

It composes the document with libyaml (PyYAML's C parser, no implicit type resolution)
and walks the node tree itself, so that it can decode the way the Go tool's yaml.v3 does
(every scalar keeps its literal text, duplicate keys are errors) while keeping the line of
every key for messages. The round-trip parser is reserved for writes.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, cast

import yaml
from yaml._yaml import CParser
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
# (line, column), 1-based; kept as a bare tuple so documents can be cached with marshal.
RawMark = tuple[int, int]


class Mark(NamedTuple):
    """1-based line and column of a key in its file."""

    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Document:
    """A decoded document: plain Python data plus where each mapping key was written."""

    data: Any
    marks: dict[Path_, RawMark]

    def mark(self, *path: str | int) -> Mark | None:
        raw = self.marks.get(path)
        return Mark(*raw) if raw is not None else None


class _Composer(CParser):
    """libyaml's composer without tag resolution: every scalar stays literal text.

    Resolution callbacks are the most expensive part of composing a record, and the
    decoder never looks at implicit tags.
    """

    def resolve(self, kind: object, value: object, implicit: object) -> None:
        return None

    def descend_resolver(self, parent: object, index: object) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


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
    composer = _Composer(text)
    try:
        root = composer.get_single_node()
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
    finally:
        composer.dispose()
    marks: dict[Path_, RawMark] = {}
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


# Key paths and positions repeat across thousands of records; one shared tuple each keeps
# a large repository's marks (and the marshal parse cache, which stores shared objects
# once) several times smaller.
_SHARED: dict[tuple[object, ...], tuple[object, ...]] = {}


def _shared(value: tuple[object, ...]) -> tuple[object, ...]:
    return _SHARED.setdefault(value, value)


class _Walker:
    """Plain data and key positions from a composed node tree.

    Scalars, four nodes in five of a record, are decoded where their parent is walked
    rather than by a call each: the walk is a fifth of loading a record.
    """

    def __init__(self, path: Path | str, marks: dict[Path_, RawMark]) -> None:
        self.path = path
        self.marks = marks
        self.budget = MAX_NODES

    def _spend(self, count: int) -> None:
        self.budget -= count
        if self.budget < 0:
            raise YamlError(
                f"document expands to more than {MAX_NODES} nodes (an alias bomb?)",
                path=self.path,
            )

    def walk(self, node: Node, at: Path_) -> Any:
        self._spend(1)
        if type(node) is ScalarNode:
            return _scalar(node)
        return self._collection(node, at)

    def _collection(self, node: Node, at: Path_) -> Any:
        # Exact type checks: the composer only makes these three, and `is` is the
        # cheapest test on a path taken once per node.
        kind = type(node)
        if kind is SequenceNode:
            items = node.value
            self._spend(len(items))
            return [
                _scalar(item) if type(item) is ScalarNode else self._collection(item, at)
                for item in items
            ]
        if kind is MappingNode:
            return self._mapping(cast(MappingNode, node), at)
        raise YamlError(f"invalid YAML: unexpected node {kind.__name__}", path=self.path)

    def _mapping(self, node: MappingNode, at: Path_) -> dict[str, Any]:
        result: dict[str, Any] = {}
        marks = self.marks
        self._spend(len(node.value))
        for key_node, value_node in node.value:
            start = key_node.start_mark
            position = cast(RawMark, _shared((start.line + 1, start.column + 1)))
            if type(key_node) is not ScalarNode:
                raise YamlError(
                    "invalid YAML: a mapping key must be a plain value",
                    path=self.path,
                    line=position[0],
                    column=position[1],
                )
            # Interned keys are shared across thousands of records in memory and in the
            # marshal parse cache (which stores an interned string once).
            key = sys.intern(key_node.value)
            here = cast(Path_, _shared((*at, key)))
            if key in result:
                raise YamlError(
                    f'mapping key "{key}" already defined at line {marks[here][0]}',
                    path=self.path,
                    line=position[0],
                    column=position[1],
                )
            marks[here] = position
            if type(value_node) is ScalarNode:
                result[key] = _scalar(value_node)
            else:
                result[key] = self._collection(value_node, here)
        return result


def _scalar(node: ScalarNode) -> str | None:
    value: str = node.value
    return None if node.style == "" and value in _NULLS else value
