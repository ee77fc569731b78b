"""Record IDs: what a valid one looks like, and how a new one is made."""

from __future__ import annotations

import re
import secrets
from collections.abc import Container

from linespec.errors import RefusedError

ID_PATTERN = re.compile(r"^prov-(\d{4})-(\d{3}|[a-f0-9]{8})(?:-[a-z0-9-]+)?$")
SUFFIX_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ATTEMPTS = 10


def is_valid_id(value: str) -> bool:
    return ID_PATTERN.match(value) is not None


def new_id(year: int, taken: Container[str], suffix: str = "") -> str:
    """`prov-YYYY-xxxxxxxx[-suffix]` with 32 random bits, retried on a collision."""
    for _ in range(_ATTEMPTS):
        base = f"prov-{year:04d}-{secrets.token_hex(4)}"
        if base in taken:
            continue
        candidate = f"{base}-{suffix}" if suffix else base
        if candidate not in taken:
            return candidate
    raise RefusedError(f"failed to generate unique ID after {_ATTEMPTS} attempts")
