"""What a rule sees: the record, the whole set, the repository and the enforcement level."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from linespec.core.graph import RecordSet


@dataclass(frozen=True, slots=True)
class Issue:
    """A rule's raw report; the engine adds the rule ID and the position."""

    field: str
    severity: str
    message: str
    rule: str = ""


@dataclass
class LintContext:
    records: RecordSet
    root: Path
    enforcement: str
    _files: list[str] | None = field(default=None, repr=False)

    @property
    def files(self) -> list[str]:
        """Every file under the repository root (slash-separated, relative), walked once."""
        if self._files is None:
            found: list[str] = []
            for directory, dirs, names in os.walk(self.root):
                dirs[:] = sorted(d for d in dirs if d != ".git")
                rel = os.path.relpath(directory, self.root)
                prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
                found.extend(prefix + name for name in sorted(names))
            self._files = found
        return self._files
