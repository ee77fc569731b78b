"""Which records a `lint` run covers: one config, every config of a monorepo, or the index."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from linespec import git
from linespec.core import config as config_mod
from linespec.core.config import Config
from linespec.core.configfile import find_configs
from linespec.core.graph import RecordSet
from linespec.core.lint.engine import LintReport, lint
from linespec.core.lint.finding import Finding
from linespec.core.manifest import manifest_path
from linespec.core.model import Record, record_from_document
from linespec.core.recordfiles import check_name, is_record_file, record_document
from linespec.core.store import Loaded, load_all
from linespec.errors import LoadError


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
        loaded = load_from_index(config) if staged else load_all(config)
        report = lint(
            loaded,
            config.root,
            enforcement or config.enforcement,
            only=only,
            manifest_file=manifest_path(config.state_dir),
        )
        reports.append((config, report))
    return LintRun(reports)


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
    return Loaded(RecordSet(records), failures)
