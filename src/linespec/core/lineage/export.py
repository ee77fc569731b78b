"""The repository as a W3C PROV document, built from the lineage index.

The `prov` package builds the document and writes PROV-JSON and PROV-N; its PROV-O
encoder gives an rdflib graph, to which the plain shortcut triple of every qualified
relation is added before rdflib writes Turtle or JSON-LD. Both come out byte for byte the
same for the same repository: each qualified relation's blank node is named after its
content, and the JSON-LD nodes and values are sorted.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit

from linespec.core.lineage.history import ZERO

if TYPE_CHECKING:
    from prov.model import ProvDocument
    from rdflib import Graph
    from rdflib.term import Node

VOCABULARY = "urn:linespec:lineage:"
AGENT_NAMESPACE = "urn:uuid:"
# A change to one of these statuses ends the record's validity as a plan.
_INVALIDATING = ("superseded", "deprecated")


def namespace_from_remote(url: str | None, root: Path) -> str:
    """An IRI base for this repository: its remote as https without credentials, port or
    `.git`; without a usable remote, a URN named after the work tree's folder."""
    if url:
        if "://" not in url and ":" in url.split("/", 1)[0]:
            # scp-like `user@host:owner/repo.git`
            host, _, path = url.partition(":")
            url = f"ssh://{host}/{path}"
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ssh", "git") and parts.hostname:
            path = parts.path.strip("/").removesuffix(".git")
            return f"https://{parts.hostname}/{path}/" if path else f"https://{parts.hostname}/"
    return f"urn:linespec:repository:{root.name or 'root'}:"


def normalise_namespace(namespace: str) -> str:
    return namespace if namespace.endswith(("/", "#", ":")) else namespace + "/"


def _time(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def build(conn: sqlite3.Connection, namespace: str, include: str) -> ProvDocument:
    """The PROV document of the index: records, agents, and the commits INCLUDE selects."""
    from prov.model import PROV, ProvDocument

    doc = ProvDocument()
    doc.add_namespace("rec", f"{namespace}record/")
    doc.add_namespace("ver", f"{namespace}version/")
    doc.add_namespace("commit", f"{namespace}commit/")
    doc.add_namespace("agent", AGENT_NAMESPACE)
    doc.add_namespace("ls", VOCABULARY)

    used_agents: set[str] = set()
    records = conn.execute(
        "SELECT id, title, status, type, created_at, sealed_at_sha, author_agent "
        "FROM records ORDER BY id"
    ).fetchall()
    for record_id, title, status, tier, created, sealed, author in records:
        attributes: dict[str, Any] = {
            "prov:type": PROV["Plan"],
            "prov:label": title,
            "ls:status": status,
            "ls:tier": tier,
            "ls:createdAt": created,
        }
        if sealed:
            attributes["ls:sealedAtSha"] = sealed
        doc.entity(f"rec:{record_id}", attributes)
        if author:
            used_agents.add(author)
            doc.wasAttributedTo(f"rec:{record_id}", f"agent:{author}")
    for src, dst, kind in conn.execute("SELECT src, dst, kind FROM edges ORDER BY src, kind, dst"):
        if kind == "supersedes":
            doc.wasRevisionOf(f"rec:{src}", f"rec:{dst}")
        elif kind == "related":
            doc.wasInfluencedBy(f"rec:{src}", f"rec:{dst}")
        else:
            doc.wasDerivedFrom(f"rec:{src}", f"rec:{dst}", other_attributes={"ls:kind": kind})
    if include != "none":
        used_agents |= _activities(doc, conn, lifecycle_only=include == "lifecycle")
    for agent_id, name, email, software in conn.execute(
        "SELECT id, name, email, software FROM agents ORDER BY id"
    ):
        if agent_id not in used_agents:
            continue
        kind = PROV["SoftwareAgent" if software else "Person"]
        attributes = {"prov:type": kind, "prov:label": name}
        if email:
            attributes["ls:email"] = email
        doc.agent(f"agent:{agent_id}", attributes)
    return doc


def _activities(doc: ProvDocument, conn: sqlite3.Connection, *, lifecycle_only: bool) -> set[str]:
    """Add the commits as activities; the agents they name."""
    where = "WHERE lifecycle = 1" if lifecycle_only else ""
    # Only the selected commits' rows: the others would cost memory and be skipped anyway.
    chosen = f"sha IN (SELECT sha FROM commits {where})" if lifecycle_only else "1"
    agents: set[str] = set()
    versions: set[str] = set()
    # One pass per table, grouped by commit, rather than queries per commit.
    roles = _grouped(
        conn, f"SELECT sha, agent, role FROM commit_agents WHERE {chosen} ORDER BY sha, rowid"
    )
    tags = _grouped(conn, f"SELECT sha, record_id FROM tags WHERE {chosen} ORDER BY sha, record_id")
    delegations = _grouped(
        conn,
        f"SELECT DISTINCT sha, agent, on_behalf_of FROM delegations WHERE {chosen} "
        "ORDER BY sha, agent",
    )
    changes = _grouped(
        conn,
        "SELECT sha, record_id, old_blob, new_blob, kind, old_status, new_status FROM changes "
        f"WHERE {chosen} ORDER BY sha, record_id, path",
    )
    for sha, started, ended, subject, boundary in conn.execute(
        f"SELECT sha, author_time, commit_time, subject, boundary FROM commits {where} "
        "ORDER BY seq DESC"
    ):
        attributes: dict[str, Any] = {"prov:label": subject}
        if boundary:
            attributes["ls:historyCutHere"] = True
        activity = doc.activity(f"commit:{sha}", _time(started), _time(ended), attributes)
        plans: list[str | None] = [f"rec:{row[0]}" for row in tags.get(sha, [])] or [None]
        for agent, role in roles.get(sha, []):
            agents.add(agent)
            for plan in plans:
                doc.wasAssociatedWith(
                    activity, f"agent:{agent}", plan, other_attributes={"prov:role": role}
                )
        for agent, human in delegations.get(sha, []):
            doc.actedOnBehalfOf(f"agent:{agent}", f"agent:{human}", activity)
        when = _time(ended)
        for record_id, old, new, kind, old_status, new_status in changes.get(sha, []):
            for blob, status in ((old, old_status), (new, new_status)):
                if blob != ZERO and blob not in versions:
                    versions.add(blob)
                    doc.entity(f"ver:{blob}", {"ls:status": status, "ls:record": record_id})
                    doc.specializationOf(f"ver:{blob}", f"rec:{record_id}")
            if old != ZERO:
                doc.used(activity, f"ver:{old}", when)
            if new != ZERO:
                doc.wasGeneratedBy(f"ver:{new}", activity, when)
                if old != ZERO:
                    doc.wasRevisionOf(f"ver:{new}", f"ver:{old}")
            if kind == "create":
                doc.wasGeneratedBy(f"rec:{record_id}", activity, when)
            elif kind == "delete":
                doc.wasInvalidatedBy(f"ver:{old}", activity, when)
            elif kind == "status" and new_status in _INVALIDATING:
                doc.wasInvalidatedBy(f"rec:{record_id}", activity, when)
    return agents | {row[1] for rows in delegations.values() for row in rows}


def _grouped(conn: sqlite3.Connection, query: str) -> dict[str, list[tuple[Any, ...]]]:
    grouped: dict[str, list[tuple[Any, ...]]] = {}
    for row in conn.execute(query):
        grouped.setdefault(row[0], []).append(tuple(row[1:]))
    return grouped


# PROV-O: each qualification property and the influencer property of its node, with the
# unqualified property that states the same relation in one triple.
_SHORTCUTS = {
    "qualifiedDerivation": ("entity", "wasDerivedFrom"),
    "qualifiedRevision": ("entity", "wasRevisionOf"),
    "qualifiedInfluence": ("influencer", "wasInfluencedBy"),
    "qualifiedGeneration": ("activity", "wasGeneratedBy"),
    "qualifiedUsage": ("entity", "used"),
    "qualifiedInvalidation": ("activity", "wasInvalidatedBy"),
    "qualifiedAssociation": ("agent", "wasAssociatedWith"),
    "qualifiedAttribution": ("agent", "wasAttributedTo"),
    "qualifiedDelegation": ("agent", "actedOnBehalfOf"),
}


def rdf_graph(doc: ProvDocument) -> Graph:
    """PROV-O for DOC, each qualified relation with its shortcut triple beside it."""
    from prov.serializers.provrdf import ProvRDFSerializer
    from rdflib.namespace import PROV

    graph = _named_blank_nodes(ProvRDFSerializer(doc).encode_container(doc))
    for qualifier, (influencer, shortcut) in _SHORTCUTS.items():
        for subject, _, node in list(graph.triples((None, PROV[qualifier], None))):
            for target in graph.objects(node, PROV[influencer]):
                graph.add((subject, PROV[shortcut], target))
            if qualifier == "qualifiedRevision":
                # A revision is a derivation (PROV-O: wasRevisionOf ⊑ wasDerivedFrom).
                for target in graph.objects(node, PROV.entity):
                    graph.add((subject, PROV.wasDerivedFrom, target))
    return graph


def _named_blank_nodes(graph: Graph) -> Graph:
    """GRAPH, its blank nodes renamed after a hash of their triples instead of at random.

    `prov` mints a random blank node per qualified relation, which made every export
    differ. A qualified node's triples link it only to IRIs and literals, so its content
    tells it apart; nodes with equal content are interchangeable, and a counter separates
    them. Far cheaper than rdflib's general canonicalisation (over a minute on 400,000
    triples); renamed in place, as a copy of the graph would cost a fifth more memory.
    """
    from rdflib import BNode

    content: dict[Node, list[str]] = {}
    moved = []
    for triple in graph:
        subject, predicate, value = triple
        if isinstance(subject, BNode):
            content.setdefault(subject, []).append(f"{predicate.n3()} {_term(value)}")
        if isinstance(value, BNode):
            content.setdefault(value, []).append(f"^{predicate.n3()} {_term(subject)}")
        if isinstance(subject, BNode) or isinstance(value, BNode):
            moved.append(triple)
    names: dict[Node, Node] = {}
    seen: Counter[str] = Counter()
    for node, lines in content.items():
        digest = hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()[:32]
        seen[digest] += 1
        names[node] = BNode(f"q{digest}" + (f"n{seen[digest]}" if seen[digest] > 1 else ""))
    for triple in moved:
        graph.remove(triple)
    graph.addN((names.get(s, s), p, names.get(o, o), graph) for s, p, o in moved)
    return graph


def _term(term: Node) -> str:
    from rdflib import BNode

    # Another blank node's random name must not leak into this one's.
    return "[]" if isinstance(term, BNode) else term.n3()


def _jsonld(graph: Graph) -> str:
    """GRAPH as expanded JSON-LD, nodes sorted by @id and each property's values sorted.

    rdflib walks the subjects in a set's order, which changes from run to run.
    """
    import orjson
    from rdflib.plugins.serializers.jsonld import from_rdf

    def key(item: Any) -> bytes:
        return orjson.dumps(item, option=orjson.OPT_SORT_KEYS)

    # Native JSON booleans and numbers, as rdflib's own JSON-LD writer gives.
    nodes = from_rdf(graph, use_native_types=True)  # type: ignore[no-untyped-call]
    for node in nodes:
        for values in node.values():
            if isinstance(values, list):
                values.sort(key=key)
    nodes.sort(key=lambda node: (str(node.get("@id", "")), key(node)))
    return orjson.dumps(nodes, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()


def write(doc: ProvDocument, output: str, stream: TextIO) -> None:
    """Write DOC to STREAM in OUTPUT format, PROV-JSON without a copy of it as one string."""
    if output == "prov-json":
        doc.serialize(stream, format="json", indent=2)
        stream.write("\n")
        return
    if output == "prov-n":
        text = str(doc.get_provn())
    elif output == "turtle":
        text = rdf_graph(doc).serialize(format="turtle")
    else:
        text = _jsonld(rdf_graph(doc))
    stream.write(text if text.endswith("\n") else text + "\n")
