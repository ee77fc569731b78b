"""Synthetic repositories of valid provenance records, for benchmarking linespec.

`make_repo(path, n, seed)` writes a git repository that looks like a real service that has
used provenance records for a few years: source and test files under `src/` and `tests/`,
records in `provenance/` whose scopes and specs point at those files, briefs implemented by
blueprints, imprints under blueprints, bugs extending or superseding blueprints, and
supersedes chains with matching `superseded_by`. The same (n, seed) always gives the same
files (and, with the same git version, the same commit SHA).

Usable as a script too: `python benchmarks/synth.py DIR N [SEED]`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "acme"
CONFIG_TEXT = "provenance:\n  enforcement: warn\n"
# A fixed clock, so that re-running the generator reproduces the commit SHA as well.
COMMIT_DATE = "2026-06-30T12:00:00+00:00"
FIRST_DAY = dt.date(2023, 1, 9)
LAST_FAMILY_START = dt.date(2026, 3, 31)

DOMAINS = (
    "billing",
    "auth",
    "search",
    "catalog",
    "orders",
    "payments",
    "notifications",
    "inventory",
    "analytics",
    "accounts",
    "shipping",
    "reporting",
    "gateway",
    "storage",
    "scheduler",
    "messaging",
)
SUBSYSTEMS = (
    "cache",
    "api",
    "models",
    "workers",
    "sync",
    "exports",
    "imports",
    "webhooks",
    "ratelimit",
    "audit",
    "pricing",
    "tokens",
    "sessions",
    "indexer",
    "queries",
    "retries",
    "metrics",
    "settings",
    "ledger",
    "feeds",
)
MODULES = (
    "service",
    "models",
    "handlers",
    "client",
    "schema",
    "repository",
    "validators",
    "tasks",
    "serializers",
    "events",
)
AUTHORS = (
    "ana.silva@example.com",
    "bjorn.larsen@example.com",
    "chen.wei@example.com",
    "dev@example.com",
    "fatima.zahra@example.com",
    "jonas.keller@example.com",
    "kofi.mensah@example.com",
    "lena.novak@example.com",
    "marco.rossi@example.com",
    "priya.raman@example.com",
    "sam.okafor@example.com",
    "yuki.tanaka@example.com",
)
TAGS = (
    "performance",
    "security",
    "reliability",
    "architecture",
    "compliance",
    "cost",
    "observability",
    "data",
    "api",
    "tech-debt",
    "ux",
)

BRIEF_TITLES = (
    "Reduce {domain} latency for returning customers",
    "Make {domain} resilient to upstream outages",
    "Meet audit requirements for {domain} data",
    "Cut infrastructure cost of {domain}",
    "Give support staff visibility into {domain} failures",
    "Let partners integrate with {domain} without manual steps",
    "Stop losing {domain} events during deploys",
)
BLUEPRINT_TITLES = (
    "Add read-through cache to {area}",
    "Rate-limit calls into {area}",
    "Move {area} writes behind an outbox",
    "Split {area} into read and write paths",
    "Introduce idempotency keys in {area}",
    "Replace polling with webhooks in {area}",
    "Batch database access in {area}",
    "Version the public schema of {area}",
    "Add structured audit logging to {area}",
    "Retry {area} calls with capped exponential backoff",
)
IMPRINT_TITLES = (
    "Implement {module} changes for {area}",
    "Wire {module} into the new {area} flow",
    "Backfill data for {area} {module}",
    "Add instrumentation to {area} {module}",
)
BUG_TITLES = (
    "Fix duplicate processing in {area} on retry",
    "Fix stale reads in {area} after failover",
    "Fix timezone handling in {area}",
    "Fix unbounded memory growth in {area}",
    "Fix race between {area} workers on shutdown",
)

PROBLEMS = (
    "The {area} path recomputes the same results on every request, and that work now "
    "dominates p95 latency during the {period} peak.",
    "Incident reviews from the last two quarters keep pointing at {area}: clients retry "
    "failed calls without backoff and turn a small blip into a full outage.",
    "{Domain} traffic grew roughly {factor}x since the original design, and the single "
    "{module} module has become the place where unrelated changes collide.",
    "Auditors asked us to show who changed {domain} data and when; today that answer lives "
    "in application logs that are rotated after {days} days.",
    "Support cannot tell whether a {domain} request failed in our code or in the partner "
    "integration, so every ticket needs an engineer.",
    "Deploys of {area} drop in-flight events because the worker exits before its queue is drained.",
)
DECISIONS = (
    "We put {solution} in front of {area} and keep the public interface of the {module} "
    "module unchanged, so callers do not need to migrate.",
    "We route every write in {area} through {solution}; reads stay where they are until the "
    "follow-up blueprint.",
    "We adopt {solution} for {area} and make it the only supported path for new code.",
    "We keep the current storage layout but add {solution} so that failures are visible and "
    "recoverable instead of silent.",
)
CONSEQUENCES = (
    "Code outside {domain} must go through the service API rather than importing {module} "
    "internals.",
    "The old code path stays behind a flag for one release and is then removed.",
    "Operations gets a dashboard and an alert for the new path before it takes traffic.",
    "This adds one network hop, which we accept because it removes a whole class of incidents.",
    "Reviewers touching {path} should check changes against the constraints below.",
    "Rollback is a configuration change; no data migration is needed.",
)
BUG_PROBLEMS = (
    "Since the last release {area} occasionally processes the same request twice when a "
    "client retries within {seconds} s, and customers see duplicate entries.",
    "After a database failover {area} keeps serving results that are up to {minutes} minutes "
    "old, because the cache is not invalidated when the primary changes.",
    "Reports generated by {area} near midnight land on the wrong day for customers outside UTC.",
    "Memory of the {area} workers grows without bound under the {period} peak until the "
    "container is killed.",
)
BUG_DECISIONS = (
    "The fix keys the work on a request identifier so that a retry finds the earlier result "
    "instead of starting again.",
    "The fix moves the conversion to local time to the edge and stores UTC everywhere else.",
    "The fix bounds the in-memory queue and applies backpressure to callers instead of buffering.",
    "The fix invalidates cached entries on failover and adds a regression test that simulates one.",
)
SOLUTIONS = (
    "a read-through cache with explicit invalidation",
    "a transactional outbox",
    "a token-bucket rate limiter",
    "idempotency keys stored alongside each request",
    "a small dedicated worker pool",
    "versioned JSON schemas",
    "an append-only audit table",
)
PERIODS = ("morning", "month-end", "holiday", "Monday")
CONSTRAINTS = (
    "p95 latency of {area} stays under {ms} ms",
    "p99 latency of {area} stays under {ms2} ms at twice current traffic",
    "Error rate of {area} stays below {pct}% over a rolling hour",
    "Cache entries expire within {minutes} minutes of the source changing",
    "No new runtime dependency is added to {module}",
    "The public API of {module} stays backward compatible",
    "Every retry uses exponential backoff capped at {seconds} s",
    "Personal data is never written to logs",
    "Each {domain} request is processed at most once, even when retried",
    "Memory per worker stays under {mib} MiB",
    "Schema migrations for {domain} are reversible",
    "Audit entries are kept for at least {years} years",
    "A worker drains its queue within {seconds} s of receiving SIGTERM",
)


@dataclass
class Component:
    """A package directory under src/ with its modules and their tests."""

    domain: str
    name: str
    modules: list[str]

    @property
    def area(self) -> str:
        return f"{self.domain} {self.name.replace('_', ' ')}"

    @property
    def src_dir(self) -> str:
        return f"src/{PACKAGE}/{self.domain}/{self.name}"

    @property
    def test_dir(self) -> str:
        return f"tests/{self.domain}/{self.name}"

    def module_path(self, module: str) -> str:
        return f"{self.src_dir}/{module}.py"

    def test_path(self, module: str) -> str:
        return f"{self.test_dir}/test_{module}.py"


@dataclass
class Record:
    id: str
    title: str
    status: str
    created_at: dt.date
    author: str
    intent: str
    type: str
    constraints: list[str] = field(default_factory=list)
    affected_scope: list[str] = field(default_factory=list)
    forbidden_scope: list[str] = field(default_factory=list)
    supersedes: str = ""
    superseded_by: str = ""
    extends: str = ""
    implements: str = ""
    related: list[str] = field(default_factory=list)
    sealed_at_sha: str = ""
    specs: list[tuple[str, str]] = field(default_factory=list)
    traces: list[str] = field(default_factory=list)
    monitors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    # Files the affected_scope covers: imprints and bugs narrow down to a subset of them.
    covered: list[str] = field(default_factory=list)
    component: Component | None = None


class _Generator:
    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.records: list[Record] = []
        self.used_ids: set[str] = set()
        # About eight records per component: enough overlap between decisions to be
        # realistic, without the file count (and generation time) outgrowing the records.
        self.components = self._components(max(4, n // 8))
        self.by_domain: dict[str, list[Component]] = {}
        for comp in self.components:
            self.by_domain.setdefault(comp.domain, []).append(comp)

    # -- repository layout -------------------------------------------------

    def _components(self, count: int) -> list[Component]:
        rng = self.rng
        components: list[Component] = []
        seen: dict[tuple[str, str], int] = {}
        for _ in range(count):
            domain = rng.choice(DOMAINS)
            base = rng.choice(SUBSYSTEMS)
            # Big repositories reuse subsystem names, as real monorepos do (`cache_3`).
            seen[(domain, base)] = seen.get((domain, base), 0) + 1
            index = seen[(domain, base)]
            name = base if index == 1 else f"{base}_{index}"
            modules = sorted(rng.sample(MODULES, rng.randint(2, 5)))
            components.append(Component(domain, name, modules))
        return components

    # -- ids, dates, text --------------------------------------------------

    def new_id(self, day: dt.date) -> str:
        while True:
            candidate = f"prov-{day.year}-{self.rng.getrandbits(32):08x}"
            if candidate not in self.used_ids:
                self.used_ids.add(candidate)
                return candidate

    def later(self, day: dt.date) -> dt.date:
        return day + dt.timedelta(days=self.rng.randint(3, 60))

    def sha(self) -> str:
        return f"{self.rng.getrandbits(160):040x}"

    def fill(self, template: str, comp: Component | None, domain: str) -> str:
        rng = self.rng
        module = rng.choice(comp.modules) if comp else "service"
        values = {
            "area": comp.area if comp else domain,
            "domain": domain,
            "Domain": domain.capitalize(),
            "module": module,
            "path": comp.src_dir + "/" if comp else f"src/{PACKAGE}/{domain}/",
            "period": rng.choice(PERIODS),
            "factor": rng.randint(3, 12),
            "days": rng.choice((7, 14, 30)),
            "solution": rng.choice(SOLUTIONS),
            "ms": rng.choice((25, 50, 80, 120, 200)),
            "ms2": rng.choice((250, 400, 800)),
            "pct": rng.choice(("0.1", "0.5", "1")),
            "minutes": rng.choice((1, 5, 15, 60)),
            "seconds": rng.choice((10, 30, 60)),
            "mib": rng.choice((128, 256, 512)),
            "years": rng.choice((2, 5, 7)),
        }
        return template.format(**values)

    def intent(self, comp: Component | None, domain: str, kind: str) -> str:
        rng = self.rng
        problems: tuple[str, ...]
        decisions: tuple[str, ...]
        if kind == "bug":
            problems, decisions = BUG_PROBLEMS, BUG_DECISIONS
        else:
            problems, decisions = PROBLEMS, DECISIONS
        sentences = [
            self.fill(rng.choice(problems), comp, domain),
            self.fill(rng.choice(decisions), comp, domain),
        ]
        sentences += [
            self.fill(t, comp, domain) for t in rng.sample(CONSEQUENCES, rng.randint(1, 3))
        ]
        paragraphs = [" ".join(sentences[:2]), " ".join(sentences[2:])]
        if rng.random() < 0.6:
            paragraphs = [" ".join(paragraphs)]
        wrapped = ["\n".join(textwrap.wrap(p, width=84)) for p in paragraphs]
        return "\n\n".join(wrapped) + "\n"

    def constraints(self, comp: Component | None, domain: str) -> list[str]:
        picked = self.rng.sample(CONSTRAINTS, self.rng.randint(1, 5))
        return [self.fill(t, comp, domain) for t in picked]

    def tags(self) -> list[str]:
        return sorted(self.rng.sample(TAGS, self.rng.randint(1, 3)))

    def related(self, day: dt.date) -> list[str]:
        if not self.records or self.rng.random() > 0.15:
            return []
        # A record can only point at decisions that existed when it was written; a few
        # random probes keep this O(1) where filtering every earlier record would not be.
        picks = {r.id for r in self.rng.choices(self.records, k=4) if r.created_at < day}
        return sorted(picks)[: self.rng.randint(1, 2)]

    # -- scopes ------------------------------------------------------------

    def blueprint_scope(self, comp: Component) -> tuple[list[str], list[str]]:
        """affected_scope patterns for a component, and the files they cover."""
        rng = self.rng
        files = [comp.module_path(m) for m in comp.modules]
        tests = [comp.test_path(m) for m in comp.modules]
        roll = rng.random()
        if roll < 0.4:
            affected = [f"{comp.src_dir}/**"]
            covered = [f"{comp.src_dir}/__init__.py", *files]
        elif roll < 0.6:
            affected = [f"{comp.src_dir}/*.py"]
            covered = [f"{comp.src_dir}/__init__.py", *files]
        elif roll < 0.75:
            escaped = comp.src_dir.replace(".", r"\.")
            affected = [rf"re:^{escaped}/[a-z_]+\.py$"]
            covered = [f"{comp.src_dir}/__init__.py", *files]
        else:
            chosen = sorted(rng.sample(files, rng.randint(1, len(files))))
            affected = list(chosen)
            covered = list(chosen)
        if rng.random() < 0.3:
            affected.append(f"{comp.test_dir}/*.py")
            covered += tests
        return affected, covered

    def forbidden_scope(self, comp: Component) -> list[str]:
        rng = self.rng
        if rng.random() < 0.5:
            return []
        options = [
            r"re:_pb2\.py$",
            "re:(^|/)migrations/",
            "vendor/**",
            f"src/{PACKAGE}/{comp.domain}/migrations/*.py",
        ]
        siblings = [c for c in self.by_domain[comp.domain] if c.name != comp.name]
        if siblings:
            options.append(f"{rng.choice(siblings).src_dir}/**")
        return sorted(rng.sample(options, rng.randint(1, 2)))

    def specs_for(self, comp: Component, files: Sequence[str]) -> list[tuple[str, str]]:
        """(path, run_command) of the tests of the modules in FILES."""
        modules = [m for m in comp.modules if comp.module_path(m) in files] or comp.modules
        picked = self.rng.sample(modules, min(len(modules), self.rng.randint(1, 3)))
        out: list[tuple[str, str]] = []
        for module in sorted(picked):
            path = comp.test_path(module)
            out.append((path, f"pytest -q {path}" if self.rng.random() < 0.2 else ""))
        return out

    # -- records -------------------------------------------------------------

    def base(
        self, kind: str, title: str, status: str, day: dt.date, comp: Component | None, domain: str
    ) -> Record:
        record = Record(
            id=self.new_id(day),
            title=title,
            status=status,
            created_at=day,
            author=self.rng.choice(AUTHORS),
            intent=self.intent(comp, domain, kind),
            type=kind,
            constraints=self.constraints(comp, domain),
            related=self.related(day),
            tags=self.tags(),
            component=comp,
        )
        if status in ("implemented", "superseded") or (
            status == "deprecated" and self.rng.random() < 0.5
        ):
            record.sealed_at_sha = self.sha()
        return record

    def brief(self, day: dt.date, domain: str, status: str) -> Record:
        title = self.rng.choice(BRIEF_TITLES).format(domain=domain)
        return self.base("brief", title, status, day, None, domain)

    def blueprint(self, day: dt.date, comp: Component, status: str, parent: str) -> Record:
        rng = self.rng
        title = rng.choice(BLUEPRINT_TITLES).format(area=comp.area)
        # A few legacy records predate the `type` field; the linter only hints about them.
        kind = "" if rng.random() < 0.05 else "blueprint"
        record = self.base(kind, title, status, day, comp, comp.domain)
        record.implements = parent
        record.affected_scope, record.covered = self.blueprint_scope(comp)
        record.forbidden_scope = self.forbidden_scope(comp)
        if rng.random() < 0.9:
            record.specs = self.specs_for(comp, record.covered)
        if rng.random() < 0.2:
            slug = comp.area.replace(" ", "-")
            record.monitors = [f"grafana:{slug}-latency", f"alert:{slug}-error-rate"]
        if rng.random() < 0.1:
            record.traces = [f"traces/{comp.domain}/{comp.name}-{day.isoformat()}.json"]
        return record

    def narrow(self, day: dt.date, kind: str, title: str, status: str, parent: Record) -> Record:
        """An imprint or bug scoped to part of what PARENT (a blueprint or bug) covers."""
        comp = parent.component
        assert comp is not None
        record = self.base(kind, title, status, day, comp, comp.domain)
        sources = [
            f for f in parent.covered if f.startswith("src/") and not f.endswith("__init__.py")
        ] or parent.covered
        record.affected_scope = sorted(self.rng.sample(sources, min(len(sources), 2)))
        record.covered = list(record.affected_scope)
        if self.rng.random() < 0.3:
            record.forbidden_scope = [r"re:_pb2\.py$"]
        if self.rng.random() < 0.9:
            record.specs = self.specs_for(comp, record.covered)
        return record

    def imprint(self, day: dt.date, blueprint: Record, status: str) -> Record:
        comp = blueprint.component
        assert comp is not None
        title = self.rng.choice(IMPRINT_TITLES).format(
            module=self.rng.choice(comp.modules), area=comp.area
        )
        record = self.narrow(day, "imprint", title, status, blueprint)
        record.implements = blueprint.id
        return record

    def bug(self, day: dt.date, target: Record, status: str, supersede: bool) -> Record:
        comp = target.component
        assert comp is not None
        title = self.rng.choice(BUG_TITLES).format(area=comp.area)
        record = self.narrow(day, "bug", title, status, target)
        if supersede:
            supersede_record(record, target)
        else:
            record.extends = target.id
        return record

    def pick_status(self, weights: dict[str, float]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def family(self) -> list[Record]:
        """One product goal: a brief and the blueprints, imprints and bugs that follow it."""
        rng = self.rng
        day = self.start_day()
        comp = rng.choice(self.components)
        out: list[Record] = []
        parent = ""
        if rng.random() < 0.8:
            status = self.pick_status({"open": 4, "implemented": 4, "draft": 1, "deprecated": 1})
            brief = self.brief(day, comp.domain, status)
            out.append(brief)
            parent = brief.id
        same_domain = self.by_domain[comp.domain]
        for _ in range(rng.randint(1, 3)):
            comp = rng.choice(same_domain)
            day = self.later(day)
            chain_length = rng.choices((1, 2, 3), weights=(7, 2, 1))[0]
            previous: Record | None = None
            for step in range(chain_length):
                last = step == chain_length - 1
                status = (
                    self.pick_status({"implemented": 8, "open": 7, "draft": 2, "deprecated": 3})
                    if last
                    else "superseded"
                )
                current = self.blueprint(day, comp, status, parent)
                if previous is not None:
                    supersede_record(current, previous)
                out.append(current)
                previous = current
                day = self.later(day)
            assert previous is not None
            out += self.followers(day, previous)
        return out

    def followers(self, day: dt.date, blueprint: Record) -> list[Record]:
        """Imprints and bugs for the newest blueprint of a chain."""
        rng = self.rng
        out: list[Record] = []
        if blueprint.status in ("open", "implemented") and rng.random() < 0.45:
            for _ in range(rng.randint(1, 2)):
                day = self.later(day)
                status = (
                    "implemented"
                    if blueprint.status == "implemented"
                    else self.pick_status({"open": 5, "implemented": 3, "draft": 2})
                )
                imprint = self.imprint(day, blueprint, status)
                if rng.random() < 0.15:
                    # A reworked imprint: the first attempt is superseded by a second one
                    # implementing the same blueprint.
                    imprint.status = "superseded"
                    imprint.sealed_at_sha = imprint.sealed_at_sha or self.sha()
                    rework = self.imprint(self.later(day), blueprint, status)
                    supersede_record(rework, imprint)
                    out += [imprint, rework]
                else:
                    out.append(imprint)
        if blueprint.status in ("open", "implemented") and rng.random() < 0.2:
            day = self.later(day)
            supersede = rng.random() < 0.25
            if supersede:
                blueprint.status = "superseded"
                blueprint.sealed_at_sha = blueprint.sealed_at_sha or self.sha()
            status = self.pick_status({"open": 1, "implemented": 2})
            out.append(self.bug(day, blueprint, status, supersede))
        return out

    def start_day(self) -> dt.date:
        # Families start in roughly the order they are generated, as in a real history.
        span = (LAST_FAMILY_START - FIRST_DAY).days
        offset = span * len(self.records) // max(self.n, 1) + self.rng.randint(0, 30)
        return FIRST_DAY + dt.timedelta(days=min(offset, span))

    def standalone(self) -> Record:
        day = self.start_day()
        status = self.pick_status({"open": 1, "implemented": 2})
        return self.blueprint(day, self.rng.choice(self.components), status, "")

    def generate(self) -> list[Record]:
        while len(self.records) < self.n:
            family = self.family()
            if len(self.records) + len(family) > self.n:
                # A partial family would leave dangling references; top up with records
                # that stand alone instead. Their ids were reserved, which is harmless.
                family = [self.standalone() for _ in range(self.n - len(self.records))]
            self.records += family
        return self.records


def supersede_record(newer: Record, older: Record) -> None:
    newer.supersedes = older.id
    older.superseded_by = newer.id
    older.status = "superseded"


# -- YAML output -------------------------------------------------------------

_PLAIN = re.compile(r"^[A-Za-z0-9_./(][^\n#]*$")
_PLAIN_SPECIAL = re.compile(
    r"^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON"
    r"|off|Off|OFF|y|Y|n|N|[-+]?[0-9][0-9_.:eE+-]*)$"
)


def scalar(value: str) -> str:
    """VALUE as a YAML scalar: plain when unambiguous, else double-quoted (JSON is valid)."""
    if (
        _PLAIN.match(value)
        and ": " not in value
        and not value.endswith((":", " "))
        and not _PLAIN_SPECIAL.match(value)
    ):
        return value
    return json.dumps(value, ensure_ascii=False)


def _ref(value: str) -> str:
    # The Go tool writes an unset relation as `""`, never as an absent key or `null`.
    return value or '""'


def _list(key: str, items: Sequence[str]) -> list[str]:
    if not items:
        return [f"{key}: []"]
    return [f"{key}:", *(f"    - {scalar(item)}" for item in items)]


def render(record: Record) -> str:
    """The record in the Go tool's field order and 4-space style."""
    lines = [
        f"id: {record.id}",
        f"title: {scalar(record.title)}",
        f"status: {record.status}",
        f'created_at: "{record.created_at.isoformat()}"',
        f"author: {record.author}",
        "intent: |",
        *(f"    {line}" if line else "" for line in record.intent.rstrip("\n").split("\n")),
        *_list("constraints", record.constraints),
        *_list("affected_scope", record.affected_scope),
        *_list("forbidden_scope", record.forbidden_scope),
    ]
    if record.type:
        lines.append(f"type: {record.type}")
    lines += [
        f"supersedes: {_ref(record.supersedes)}",
        f"superseded_by: {_ref(record.superseded_by)}",
    ]
    if record.extends:
        lines.append(f"extends: {record.extends}")
    if record.implements:
        lines.append(f"implements: {record.implements}")
    lines += [
        *_list("related", record.related),
        f"sealed_at_sha: {_ref(record.sealed_at_sha)}",
    ]
    if record.specs:
        lines.append("associated_specs:")
        for path, command in record.specs:
            lines += [f"    - path: {scalar(path)}", "      type: pytest"]
            if command:
                lines.append(f"      run_command: {scalar(command)}")
    else:
        lines.append("associated_specs: []")
    lines += [
        *_list("associated_traces", record.traces),
        *_list("monitors", record.monitors),
        *_list("tags", record.tags),
    ]
    return "\n".join(lines) + "\n"


# -- files -------------------------------------------------------------------


def _module_text(comp: Component, module: str) -> str:
    return (
        f'"""{module.capitalize()} of the {comp.area} component."""\n\n'
        "from __future__ import annotations\n\n\n"
        f"def {module}_ready() -> bool:\n"
        f'    """Whether {comp.name} {module} is initialised."""\n'
        "    return True\n"
    )


def _test_text(comp: Component, module: str) -> str:
    return (
        f"from {PACKAGE}.{comp.domain}.{comp.name}.{module} import {module}_ready\n\n\n"
        f"def test_{module}_ready() -> None:\n"
        f"    assert {module}_ready()\n"
    )


class _Writer:
    """Creates files under a root with as few system calls as possible.

    Tens of thousands of small files dominate generation time; builtin open() costs
    several extra calls per file (fstat, isatty, seek), and mkdir(exist_ok) per file
    costs two more, which on a busy VM triples the time.
    """

    def __init__(self, root: Path) -> None:
        self.root = str(root)
        self.made: set[str] = {self.root}

    def write(self, rel: str, text: str) -> None:
        target = os.path.join(self.root, rel)
        parent = os.path.dirname(target)
        if parent not in self.made:
            os.makedirs(parent, exist_ok=True)
            self.made.add(parent)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            os.write(fd, text.encode("utf-8"))
        finally:
            os.close(fd)


def _write_tree(out: _Writer, components: Sequence[Component]) -> None:
    _write = out.write
    _write(".linespec.yml", CONFIG_TEXT)
    _write(".gitignore", "__pycache__/\n/.linespec/*\n!/.linespec/hash_manifest.json\n")
    _write("README.md", "# acme\n\nSynthetic service used to benchmark linespec.\n")
    _write(
        "pyproject.toml",
        '[project]\nname = "acme"\nversion = "1.0.0"\nrequires-python = ">=3.11"\n',
    )
    _write(f"src/{PACKAGE}/__init__.py", "")
    _write("vendor/README.md", "Third-party code copied in; do not edit.\n")
    _write("vendor/retrying/__init__.py", '"""Vendored retry helpers."""\n')
    for domain in sorted({c.domain for c in components}):
        base = f"src/{PACKAGE}/{domain}"
        _write(f"{base}/__init__.py", "")
        _write(f"{base}/proto/{domain}_pb2.py", "# Generated by protoc. DO NOT EDIT.\n")
        _write(f"{base}/migrations/0001_initial.py", '"""Initial schema."""\n')
    for comp in components:
        _write(f"{comp.src_dir}/__init__.py", "")
        for module in comp.modules:
            _write(comp.module_path(module), _module_text(comp, module))
            _write(comp.test_path(module), _test_text(comp, module))


def _git(root: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": COMMIT_DATE,
        "GIT_COMMITTER_DATE": COMMIT_DATE,
        # Keep the user's global config (hooks, signing, templates) out of the fixture.
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    subprocess.run(["git", *args], cwd=root, env=env, check=True, stdout=subprocess.DEVNULL)


def make_repo(path: Path, n: int, seed: int = 0) -> None:
    """Create at PATH a git repository with N valid provenance records (deterministic)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    path.mkdir(parents=True, exist_ok=True)
    if any(path.iterdir()):
        raise FileExistsError(f"{path} is not empty")
    generator = _Generator(n, seed)
    records = generator.generate()
    out = _Writer(path)
    _write_tree(out, generator.components)
    for record in records:
        out.write(f"provenance/{record.id}.yml", render(record))
    _git(path, "init", "--quiet", "--template=", "--initial-branch=main")
    _git(path, "config", "user.name", "Bench Author")
    _git(path, "config", "user.email", "bench@example.com")
    _git(path, "config", "commit.gpgsign", "false")
    _git(path, "add", "--all")
    _git(path, "commit", "--quiet", "--no-verify", "-m", f"Synthetic repository: {n} records")


def main(argv: Sequence[str]) -> int:
    if len(argv) not in (2, 3):
        print("usage: synth.py DIR N [SEED]", file=sys.stderr)
        return 2
    make_repo(Path(argv[0]), int(argv[1]), int(argv[2]) if len(argv) == 3 else 0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
