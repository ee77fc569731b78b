"""What a rule reports."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    HINT = "hint"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem with one record (or with the set as a whole when record_id is empty)."""

    rule: str
    severity: Severity
    record_id: str
    field: str
    message: str
    file: Path | None = None
    line: int | None = None
    column: int | None = None
