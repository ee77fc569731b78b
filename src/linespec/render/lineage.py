"""Text, JSON and mermaid for the lineage queries.

Plain text only (no rich): the query fast path renders with this module too, and what it
prints must be what the full CLI prints.
"""

from __future__ import annotations

import json
from typing import Any

from linespec.render import deepjson


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _label(node: dict[str, Any]) -> str:
    if node.get("missing"):
        text = f"{node['id']}  (no such record)"
    else:
        text = f"{node['id']}  {node['title']}  [{node['status']}]"
    if node.get("cycle"):
        text += "  ↺ cycle"
    elif node.get("repeat"):
        text += "  (shown above)"
    return text


def _branch(children: list[dict[str, Any]], prefix: str, lines: list[str]) -> None:
    # An explicit stack, not recursion: chains thousands deep must print too.
    # Frames: [siblings, index of the next one, their prefix].
    stack: list[list[Any]] = [[children, 0, prefix]]
    while stack:
        frame = stack[-1]
        siblings, index, indent = frame
        if index == len(siblings):
            stack.pop()
            continue
        frame[1] += 1
        child = siblings[index]
        last = index == len(siblings) - 1
        lines.append(f"{indent}{'└── ' if last else '├── '}{child['relation']} {_label(child)}")
        stack.append([child["children"], 0, indent + ("    " if last else "│   ")])


def lineage_text(root: dict[str, Any], trees: dict[str, dict[str, Any]]) -> str:
    lines = [_label(root)]
    for direction, heading in (("up", "ancestors"), ("down", "descendants")):
        tree = trees.get(direction)
        if tree is None:
            continue
        lines.append(f"{heading}:" if tree["children"] else f"{heading}: none")
        _branch(tree["children"], "  ", lines)
    return "\n".join(lines) + "\n"


def lineage_json(root: dict[str, Any], trees: dict[str, dict[str, Any]]) -> str:
    out = dict(root)
    for direction, key in (("up", "ancestors"), ("down", "descendants")):
        if direction in trees:
            out[key] = trees[direction]["children"]
    if max((_height(tree) for tree in trees.values()), default=0) <= _JSON_HEIGHT:
        return to_json(out)
    return _deep_json(out)


# The json module recurses once per nesting level, and each tree level nests two (an
# object, then its `children` array); taller trees go through _deep_json.
_JSON_HEIGHT = 100


def _height(tree: dict[str, Any]) -> int:
    height = 0
    level = [tree]
    while level:
        height += 1
        level = [child for node in level for child in node["children"]]
    return height


def _deep_json(value: Any) -> str:
    """to_json without a nesting limit: the same text."""
    return "".join(deepjson.chunks(value, _json_scalar))


def _json_scalar(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def lineage_mermaid(root: dict[str, Any], trees: dict[str, dict[str, Any]]) -> str:
    """A flowchart whose arrows point from a record to the record it names in a field."""
    ids: dict[str, str] = {}
    lines = ["flowchart BT"]
    # A dict keeps the edges in the order first drawn and finds a repeat in constant time.
    edges: dict[str, None] = {}

    def name(node: dict[str, Any]) -> str:
        if node["id"] not in ids:
            ids[node["id"]] = f"n{len(ids)}"
            title = node["title"].replace('"', "#quot;") if not node.get("missing") else "missing"
            status = f" [{node['status']}]" if node["status"] else ""
            lines.append(f'    {ids[node["id"]]}["{node["id"]}<br/>{title}{status}"]')
        return ids[node["id"]]

    def walk(tree: dict[str, Any], up: bool) -> None:
        # An explicit stack, not recursion: chains thousands deep must draw too.
        stack = [(name(tree), iter(tree["children"]))]
        while stack:
            here, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                continue
            there = name(child)
            src, dst = (here, there) if up else (there, here)
            edges.setdefault(f"    {src} -->|{child['kind']}| {dst}")
            stack.append((there, iter(child["children"])))

    name(root)
    for direction in ("up", "down"):
        if direction in trees:
            walk(trees[direction], direction == "up")
    return "\n".join([*lines, *edges]) + "\n"


def ready_text(ready: list[dict[str, str]]) -> str:
    if not ready:
        return "Nothing is ready to move on.\n"
    width = max(len(entry["id"]) for entry in ready)
    return "".join(
        f"{entry['id']:<{width}}  {entry['status']:<5} → {entry['next']:<11}  {entry['title']}\n"
        for entry in ready
    )


def blocked_text(blocked: list[dict[str, Any]]) -> str:
    if not blocked:
        return "Nothing is blocked.\n"
    lines = []
    for entry in blocked:
        lines.append(f"{entry['id']}  [{entry['status']}]  {entry['title']}")
        lines.extend(f"  blocked: {why['reason']}" for why in entry["blocked_by"])
    return "\n".join(lines) + "\n"


def agents_text(found: dict[str, list[dict[str, Any]]]) -> str:
    lines = []
    for key, heading in (("people", "People"), ("software", "AI and software agents")):
        entries = found[key]
        lines.append(f"{heading}: {len(entries)}")
        for entry in entries:
            who = entry["name"] + (f" <{entry['email']}>" if entry["email"] else "")
            span = f"{entry['first'][:10]} … {entry['last'][:10]}" if entry["commits"] else ""
            text = f"  {who}  {entry['commits']} commit(s)  {span}  {', '.join(entry['roles'])}"
            if entry.get("on_behalf_of"):
                text += f"  on behalf of {', '.join(entry['on_behalf_of'])}"
            lines.append(text.rstrip())
    return "\n".join(lines) + "\n"


def activities_text(found: list[dict[str, Any]]) -> str:
    if not found:
        return "No commits touch or name this.\n"
    lines = []
    for entry in found:
        lines.append(f"{entry['sha'][:12]}  {entry['ended'][:10]}  {entry['subject']}")
        if entry["people"]:
            lines.append(f"    people: {', '.join(entry['people'])}")
        if entry["software"]:
            lines.append(f"    AI/software: {', '.join(entry['software'])}")
        for change in entry["changes"]:
            kind = change["kind"]
            if kind == "status":
                kind = f"status {change['from']} → {change['to']}"
            elif kind == "snapshot":
                kind = "present where the shallow history is cut (creation unknown)"
            lines.append(f"    {change['record']}: {kind}")
        if entry["tagged"]:
            lines.append(f"    tagged: {', '.join(entry['tagged'])}")
    return "\n".join(lines) + "\n"
