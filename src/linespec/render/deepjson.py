"""Indented JSON without a nesting limit, for trees as deep as a supersession chain.

orjson refuses more than 255 levels, and json's indenting encoder recurses once per
level; this writes the same 2-space indented text with an explicit stack. Indentation makes the text
grow with the square of the nesting, so it is handed out in pieces rather than held whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

_END: Any = object()


def chunks(value: Any, scalar: Callable[[Any], str], size: int = 4096) -> Iterator[str]:
    """VALUE as indented JSON, with SCALAR encoding every key, number, string and empty
    container, ending in a newline, in pieces of about SIZE parts each."""
    parts: list[str] = []
    indents = ["\n"]
    # Frames: [items left, is an object, nesting level, nothing written yet].
    stack: list[list[Any]] = []

    def newline(level: int) -> str:
        while len(indents) <= level:
            indents.append(indents[-1] + "  ")
        return indents[level]

    def begin(item: Any, level: int) -> None:
        if isinstance(item, dict) and item:
            parts.append("{")
            stack.append([iter(item.items()), True, level, True])
        elif isinstance(item, list) and item:
            parts.append("[")
            stack.append([iter(item), False, level, True])
        else:
            parts.append(scalar(item))

    begin(value, 0)
    while stack:
        frame = stack[-1]
        item = next(frame[0], _END)
        level = frame[2]
        if item is _END:
            stack.pop()
            parts.append(newline(level))
            parts.append("}" if frame[1] else "]")
        else:
            if not frame[3]:
                parts.append(",")
            frame[3] = False
            parts.append(newline(level + 1))
            if frame[1]:
                key, item = item
                parts.append(scalar(key) + ": ")
            begin(item, level + 1)
        if len(parts) >= size:
            yield "".join(parts)
            parts.clear()
    parts.append("\n")
    yield "".join(parts)
