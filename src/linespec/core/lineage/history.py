"""Who did what, read from one commit: its agents, the records it touched or names.

Pure functions over the fields `git.history` streams; nothing here runs git.
"""

from __future__ import annotations

import functools
import re
import uuid
from dataclasses import dataclass, field

# The trailers that name a co-author, and those that name a tool that did the work.
COAUTHOR_TRAILERS = frozenset({"co-authored-by"})
TOOL_TRAILERS = frozenset(
    {"generated-by", "assisted-by", "ai-assisted-by", "ai-agent", "ai-tool", "tool", "agent"}
)
# Names and addresses that mark an AI or automation account rather than a person.
_SOFTWARE = re.compile(
    r"claude|anthropic|copilot|openai|chatgpt|\bgpt-|codex|gemini|cursor|devin|aider|"
    r"windsurf|codeium|tabnine|amazon ?q\b|\[bot\]|\bbot\b|-bot\b|github-actions|dependabot|"
    r"renovate",
    re.IGNORECASE,
)
_TRAILER = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*)\s*:\s*(.*)$")
_NAME_EMAIL = re.compile(r"^(.*?)\s*<([^<>\s]*)>\s*$")
ZERO = "0" * 40


@dataclass(frozen=True)
class Agent:
    """A person or a piece of software, identified by e-mail when it has one."""

    name: str
    email: str
    software: bool

    @property
    def id(self) -> str:
        return agent_id(self.name, self.email)


# Asked for about a dozen times per commit, and a history has few distinct people.
@functools.lru_cache(maxsize=4096)
def agent_id(name: str, email: str) -> str:
    """A stable UUIDv5: of `mailto:` the e-mail (case-folded), else of the name."""
    key = f"mailto:{email.casefold()}" if email else f"urn:linespec:agent-name:{name.strip()}"
    return str(uuid.uuid5(uuid.NAMESPACE_URL, key))


def looks_like_software(name: str, email: str) -> bool:
    return bool(_SOFTWARE.search(name) or _SOFTWARE.search(email))


def parse_person(text: str) -> tuple[str, str] | None:
    """(name, e-mail) of `Name <mail>`, a bare e-mail or a bare name; None when empty
    or when the angle brackets are broken."""
    text = text.strip()
    if not text:
        return None
    found = _NAME_EMAIL.match(text)
    if found:
        name, email = found.group(1).strip(), found.group(2).strip()
        if not name and not email:
            return None
        return name or email, email
    if "<" in text or ">" in text:
        return None
    if "@" in text and " " not in text:
        return text, text
    return text, ""


def trailers(message: str) -> list[tuple[str, str]]:
    """(key lower-cased, value) of the trailer block: the last paragraph when every line of
    it is `Key: value` (continuation lines start with a blank)."""
    paragraphs = [p for p in re.split(r"\n\s*\n", message.strip()) if p.strip()]
    if len(paragraphs) < 2:
        return []
    found: list[tuple[str, str]] = []
    for line in paragraphs[-1].splitlines():
        if line[:1].isspace() and found:
            key, value = found[-1]
            found[-1] = (key, f"{value} {line.strip()}")
            continue
        match = _TRAILER.match(line)
        if match is None:
            return []  # not a trailer block: git would not read it as one either
        found.append((match.group(1).lower(), match.group(2).strip()))
    return found


@dataclass
class CommitAgents:
    """The agents of one commit and the roles they played, with trailers it could not read."""

    roles: list[tuple[Agent, str]] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)
    # software agent id -> the human it acted for
    delegations: dict[str, str] = field(default_factory=dict)


def commit_agents(
    author: tuple[str, str], committer: tuple[str, str], message: str
) -> CommitAgents:
    """Author and committer, then co-authors and tools from the trailers.

    A software co-author or tool acts on behalf of the commit's author when that author
    is a person; a co-author that is a person is one more person associated with it.
    """
    result = CommitAgents()
    seen: set[tuple[str, str]] = set()

    def add(agent: Agent, role: str) -> None:
        if (agent.id, role) not in seen:
            seen.add((agent.id, role))
            result.roles.append((agent, role))

    human = None
    for (name, email), role in ((author, "author"), (committer, "committer")):
        name, email = name.strip(), email.strip()
        if not name and not email:
            result.malformed.append(f"{role} without name or e-mail")
            continue
        agent = Agent(name or email, email, looks_like_software(name, email))
        if role == "committer" and any(known.id == agent.id for known, _ in result.roles):
            continue  # committed their own work: one association says it
        add(agent, role)
        if role == "author" and not agent.software:
            human = agent
    for key, value in trailers(message):
        if key not in COAUTHOR_TRAILERS and key not in TOOL_TRAILERS:
            continue
        person = parse_person(value)
        if person is None:
            result.malformed.append(f"{key}: {value}".strip())
            continue
        name, email = person
        tool = key in TOOL_TRAILERS
        agent = Agent(name, email, tool or looks_like_software(name, email))
        add(agent, "tool" if tool else "coauthor")
        if agent.software and human is not None:
            result.delegations[agent.id] = human.id
    return result


def remember(agents: dict[str, Agent], agent: Agent) -> None:
    """Add AGENT to AGENTS by id; a real name met later replaces a bare e-mail."""
    known = agents.get(agent.id)
    if known is None or (known.name == known.email and agent.name != agent.email):
        agents[agent.id] = agent


def record_status(content: bytes) -> str:
    """The `status:` of a record file's text, read without YAML ("" when it has none)."""
    found = _STATUS.search(content)
    if found is None:
        return ""
    return found.group(1).decode("utf-8", "replace").strip().strip("\"'")


_STATUS = re.compile(rb"^status:[ \t]*([^\r\n#]*)", re.MULTILINE)
