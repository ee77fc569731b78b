"""A loaded repository: its config and its records, the input of every command."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from linespec.core import config as config_mod
from linespec.core.config import Config
from linespec.core.graph import RecordSet
from linespec.core.model import Record
from linespec.core.store import load_records


@dataclass
class Workspace:
    config: Config
    records: RecordSet[Record]

    @property
    def root(self) -> Path:
        return self.config.root

    def is_local(self, record: Record) -> bool:
        return not record.remote

    def relative(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)


def open_workspace(cwd: Path, config_path: Path | None = None) -> Workspace:
    config = config_mod.load(cwd, config_path)
    return Workspace(config, load_records(config))
