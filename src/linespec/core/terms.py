"""The record vocabulary: statuses and tiers.

Free of pydantic, so that paths which never build a Record (the graph and hook fast
paths) can name them too.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    IMPLEMENTED = "implemented"
    SUPERSEDED = "superseded"
    DEPRECATED = "deprecated"


class Tier(StrEnum):
    BRIEF = "brief"
    BLUEPRINT = "blueprint"
    BUG = "bug"
    IMPRINT = "imprint"


STATUSES: tuple[str, ...] = tuple(s.value for s in Status)
TIERS: tuple[str, ...] = tuple(t.value for t in Tier)
# Statuses after which a record is sealed history rather than live work.
TERMINAL_STATUSES = frozenset({Status.IMPLEMENTED, Status.SUPERSEDED, Status.DEPRECATED})
# The tier of a record that names none.
DEFAULT_TIER = Tier.BLUEPRINT.value
