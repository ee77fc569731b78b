"""Which records a `lint` run covers: one config, every config of a monorepo, or the index."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from linespec import git
from linespec.core import config as config_mod
from linespec.core import scopecache
from linespec.core.config import Config
from linespec.core.configfile import find_configs
from linespec.core.graph import RecordSet
from linespec.core.lint.engine import LintReport, lint
from linespec.core.lint.finding import Finding, Severity
from linespec.core.manifest import manifest_path
from linespec.core.model import Record, record_from_document
from linespec.core.recordfiles import check_name, is_record_file, record_document
from linespec.core.store import Loaded, load_all, load_shared
from linespec.errors import LinespecError, LoadError


@dataclass
class LintRun:
    """One report per config that was linted."""

    reports: list[tuple[Config, LintReport]]

    @property
    def root(self) -> Path:
        return self.reports[0][0].root

    def merged(self) -> LintReport:
        """All reports as one, without findings repeated by overlapping configs."""
        first = self.reports[0][1]
        merged = LintReport(first.enforcement, 0)
        seen: set[Finding] = set()
        for _, report in self.reports:
            merged.record_count += report.record_count
            for finding in report.findings:
                if finding not in seen:
                    seen.add(finding)
                    merged.findings.append(finding)
        return merged


def run_lint(
    cwd: Path,
    *,
    config_path: Path | None = None,
    enforcement: str | None = None,
    only: str | None = None,
    staged: bool = False,
    fan_out: bool = True,
) -> LintRun:
    configs = [config_mod.load(cwd, config_path)]
    if config_path is None and fan_out:
        # The current directory's own config (or the defaults) is always linted, plus every
        # nested config of a monorepo.
        own = configs[0].source
        configs.extend(config_mod.load(cwd, path) for path in find_configs(cwd) if path != own)
    reports = []
    for config in configs:
        if staged:
            loaded = load_from_index(config)
        else:
            loaded = load_all(config)
            if config is configs[0] and not loaded.failures:
                _refresh_scope_cache(config, loaded.fingerprint, loaded.records)
        report = lint(
            loaded,
            config.root,
            enforcement or config.enforcement,
            only=only,
            manifest_file=manifest_path(config.state_dir),
        )
        report.findings.extend(stale_caches(config))
        reports.append((config, report))
    return LintRun(reports)


def _refresh_scope_cache(config: Config, stamp: str, records: RecordSet[Record]) -> None:
    # Only a set that loads for every other command is worth caching: `govern` would
    # otherwise answer from records the full CLI refuses.
    try:
        records.validate()
    except LinespecError:
        return
    scopecache.refresh(config.root, stamp, records)


def load_from_index(config: Config) -> Loaded:
    """The records as they are staged, so a hook checks exactly what will be committed."""
    records: list[Record] = []
    failures: list[LoadError] = []
    for directory in [config.provenance_dir, *config.extra_dirs]:
        for rel, data in git.index_blobs(config.root, directory):
            path = config.root / rel
            if not is_record_file(path.name):
                continue
            try:
                record = record_from_document(record_document(data, path), path)
                check_name(record, path)
            except LoadError as exc:
                failures.append(exc)
                continue
            records.append(record)
    # Shared records are not staged: they come from the sync cache, as they do on disk.
    remote, remote_failures = load_shared(config)
    return Loaded(RecordSet([*records, *remote]), [*failures, *remote_failures])


def stale_caches(config: Config) -> list[Finding]:
    """A warning per shared repository whose synced cache is older than its TTL (§6.1).

    The Go tool maps this warning, like every `cache` issue, to PROV002.
    """
    from linespec.core import shared

    ttl = config.settings.cache_ttl_minutes
    return [
        Finding(
            "PROV002",
            Severity.WARNING,
            "",
            "cache",
            f'Cache for shared repo "{repo.name}" is stale (older than {ttl} minutes). '
            "Run 'linespec provenance sync' to refresh.",
        )
        for repo in shared.stale(config)
    ]
