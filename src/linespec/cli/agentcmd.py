"""Commands registered on the provenance app (filled in by their feature)."""

from __future__ import annotations

from linespec.cli.provenance import app  # noqa: F401
